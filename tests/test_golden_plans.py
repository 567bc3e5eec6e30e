"""Golden end-to-end plan cases: every pinned number of ``tests/golden/plan_cases/*.yaml``
agrees with the planner within its tolerance.

The cases pin today's behaviour (a safety net against unintended changes); each number says
why it is plausible. After a deliberate change run ``python scripts/update_golden_plans.py``
and review the printed diff. See ``tests/golden_plans.py`` for the file format.
"""

import copy
import importlib.util
import math
from pathlib import Path

import pytest

from golden_plans import actual_values, case_files, expectations, load_case, mismatch, run_case

CASES = [load_case(p) for p in case_files()]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def results():
    return {}


def _actual(results, case):
    if case["id"] not in results:
        results[case["id"]] = actual_values(case, run_case(case))
    return results[case["id"]]


def test_the_cases_cover_every_option_family_and_land_type():
    assert len(CASES) >= 12 and len({c["id"] for c in CASES}) == len(CASES)
    options = {o for c in CASES for o in c.get("options", {})}
    options |= {c["plot_expected"]["recommended_option"]["value"] for c in CASES
                if "recommended_option" in c.get("plot_expected", {})}
    for must in ("vip_n_no_flood", "as_fe_si_low_cd_rice", "low_cd_rice", "lime_rice", "biochar_amendment",
                 "sedum_plumbizincicola", "sedum_rice_rotation", "pteris_vittata", "miscanthus",
                 "willow_src", "sorghum", "maize_energy", "maize_grain", "fallow", "do_nothing"):
        assert must in options, must
    land = {c["plot"]["land_use"] for c in CASES}
    assert {"paddy", "upland", "vegetable", "marginal", "orchard"} <= land
    assert any(c["scenario"].get("mc_draws", 0) == 0 for c in CASES)
    assert any(c["scenario"].get("mc_draws", 0) > 0 and "seed" in c["scenario"] for c in CASES)
    for c in CASES:
        assert c["why"], c["_file"]
        for option, field, e in expectations(c):
            assert e.get("why"), f"{c['_file']}: {option or 'plot'}.{field} has no 'why'"
            assert e.get("value") is not None, f"{c['_file']}: {option or 'plot'}.{field} not pinned"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_plan_case(results, case):
    got = _actual(results, case)
    problems = []
    for option, field, e in expectations(case):
        why = mismatch(e, got[(option, field)])
        if why:
            where = f"option {option}" if option else "plot"
            problems.append(f"case {case['id']} ({case['_file']}), plot {case['plot']['plot_id']}, "
                            f"{where}, field {field}: {why} — pinned because: {e['why']}")
    hint = "\nIf the change is deliberate: python scripts/update_golden_plans.py"
    assert not problems, "\n".join(problems) + hint


def test_mismatch_catches_a_moved_value_and_respects_the_tolerance():
    e = {"value": 100.0, "rel": 1e-3, "abs": 0.0}
    assert mismatch(e, 100.05) is None
    assert "expected 100 ± 0.1, got 100.2" in mismatch(e, 100.2)
    assert mismatch({"value": math.inf}, math.inf) is None and mismatch({"value": math.inf}, 5.0)
    assert mismatch({"value": math.nan}, math.nan) is None and mismatch({"value": math.nan}, 0.0)
    assert mismatch({"value": 0.0, "abs": 1e-9}, math.nan)
    assert mismatch({"value": "cd"}, "cd") is None and mismatch({"value": "cd"}, "as") == "expected 'cd', got 'as'"


def test_every_case_fails_when_its_numbers_are_moved(results):
    # each pinned finite number moved by 1 % (text changed): every expectation must then fail,
    # so no case passes whatever the planner computes
    for case in CASES:
        got = _actual(results, case)
        moved = copy.deepcopy(case)
        for option, field, e in expectations(moved):
            v = e["value"]
            if isinstance(v, str):
                e["value"] = v + "_x"
            elif math.isfinite(v):
                e["value"] = v * 1.01 if v != 0 else 1e-3
            else:
                e["value"] = 0.0
            assert mismatch(e, got[(option, field)]), \
                f"{case['id']}: {option or 'plot'}.{field} cannot fail"


def test_the_update_script_reproduces_the_files(tmp_path, monkeypatch):
    script = ROOT / "scripts" / "update_golden_plans.py"
    spec = importlib.util.spec_from_file_location("update_golden_plans", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    path = case_files()[0]
    case = load_case(path)
    old, new = mod.update(path)
    assert load_case_text(new) == {k: v for k, v in case.items() if k != "_file"}
    # a wrong pinned value is rewritten to the current one and nothing else changes
    broken = copy.deepcopy(case)
    first = next(iter(broken["plot_expected"].values()))
    first["value"] = "wrong" if isinstance(first["value"], str) else -12345.0
    f = tmp_path / path.name
    f.write_text(mod._dump(broken), encoding="utf-8")
    _, fixed = mod.update(f)
    assert load_case_text(fixed) == {k: v for k, v in case.items() if k != "_file"}


def load_case_text(text):
    import yaml

    return yaml.safe_load(text)
