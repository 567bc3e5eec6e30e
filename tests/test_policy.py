"""Decisions that follow the land's class: the golden policy panel and policy properties.

The panel (``tests/golden/policy_panel.yaml``) holds canonical situations with the
recommendation family the jurisdiction rules force and the rule that decides it; the
properties check, over generated plots, that with the china rule set safe-utilisation grain
land keeps producing food, strict-control land never produces food for sale and permanent
basic farmland never gets trees.
"""

from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agriremed
from agriremed.core.tables import load_tables

PANEL = yaml.safe_load((Path(__file__).parent / "golden" / "policy_panel.yaml").read_text(encoding="utf-8"))
CASES = PANEL["cases"]
DEFAULTS = {"area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
            "annual_rain_mm": 1300.0, "mean_temp_c": 17.0}


def _plan(plots: pd.DataFrame, rule_set: str = "china"):
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0, rule_set=rule_set))


def _recommended(p) -> pd.DataFrame:
    fam = load_tables().options.set_index("option_id")["policy_family"]
    rec = p.table.loc[p.table["recommended"]].set_index("plot_id")
    return rec.assign(policy_family=rec["option_id"].map(fam))


@pytest.fixture(scope="module")
def panel_results():
    out = {}
    for rule_set in sorted({c.get("rule_set", "china") for c in CASES}):
        cases = [c for c in CASES if c.get("rule_set", "china") == rule_set]
        plots = pd.DataFrame([{**DEFAULTS, "plot_id": c["id"], **c["plot"]} for c in cases])
        p = _plan(plots, rule_set)
        assert p.rejected.empty, p.rejected
        out.update({c["id"]: (p, c) for c in cases})
    return out


def test_panel_has_the_canonical_situations():
    ids = {c["id"] for c in CASES}
    assert len(ids) == len(CASES) >= 15
    known = set(load_tables().sources["key"])
    for c in CASES:
        assert c["why"] and set(c["sources"]) <= known, c["id"]


@pytest.mark.parametrize("case_id", [c["id"] for c in CASES])
def test_golden_policy_panel(panel_results, case_id):
    p, case = panel_results[case_id]
    rec = _recommended(p)
    assert case_id in rec.index, f"{case_id}: no recommendation"
    r = rec.loc[case_id]
    what = f"{case_id}: recommended {r['option_id']} ({r['policy_family']}, rule {r['policy_rule']!r})"
    if "families" in case:
        assert r["policy_family"] in case["families"], what
    assert r["policy_rule"] in case["rules"], what
    assert r["option_id"] not in case.get("never_options", []), what
    assert r["policy_family"] not in case.get("never_families", []), what
    s = p.summary.set_index("plot_id").loc[case_id]
    assert s["rule_set"] == case.get("rule_set", "china") and s["policy_rule"] == r["policy_rule"]
    if p.soil_plot.set_index("plot_id").loc[case_id, "soil_class"] == "strict_control":
        assert r["food_crop"] == "none", what


def test_the_panel_can_fail(panel_results):
    # the same strict-control paddy under rule set none may keep any family: the panel's rule
    # expectation then fails, so the check is not vacuous
    p, case = panel_results["hg_strict_paddy_basic_farmland"]
    plots = pd.DataFrame([{**DEFAULTS, "plot_id": case["id"], **case["plot"]}])
    r = _recommended(_plan(plots, "none")).iloc[0]
    assert r["policy_rule"] not in case["rules"]


# ---- properties over generated plots ------------------------------------------------------

_GRAIN = {"paddy": ["rice"], "upland": ["wheat", "maize"]}


@st.composite
def _plots(draw, n=12):
    rows = []
    for i in range(n):
        lu = draw(st.sampled_from(["paddy", "upland"]))
        crop = draw(st.sampled_from(_GRAIN[lu]))
        rows.append({**DEFAULTS, "plot_id": f"G{i}", "land_use": lu, "crop": crop,
                     "ph": draw(st.floats(4.5, 8.5)), "cd_mg_kg": draw(st.floats(0.1, 6.0)),
                     "pb_mg_kg": draw(st.floats(20.0, 800.0)), "as_mg_kg": draw(st.floats(5.0, 80.0)),
                     "hg_mg_kg": draw(st.floats(0.05, 5.0)),
                     "mean_temp_c": draw(st.floats(8.0, 22.0)),
                     "basic_farmland": draw(st.sampled_from(["yes", "no", "unknown"]))})
    return pd.DataFrame(rows)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plots())
def test_china_rules_keep_food_on_safe_land_none_on_strict_land_and_no_trees_on_basic_farmland(plots):
    p = _plan(plots)
    cls = p.soil_plot.set_index("plot_id")["soil_class"]
    rec = _recommended(p)
    food = rec["food_crop"].ne("none")
    safe = cls.reindex(rec.index).eq("safe_utilisation")
    strict = cls.reindex(rec.index).eq("strict_control")
    assert food[safe].all(), rec.loc[safe & ~food, ["option_id", "policy_rule"]]
    assert not food[strict].any(), rec.loc[strict & food, ["option_id", "policy_rule"]]
    basic = plots.set_index("plot_id")["basic_farmland"].eq("yes")
    fam = load_tables().options.set_index("option_id")["policy_family"]
    t = p.table
    trees = t["option_id"].map(fam).eq("trees").to_numpy()
    on_basic = basic.reindex(t["plot_id"]).to_numpy(bool)
    assert not (t["applicable"].to_numpy(bool) & trees & on_basic).any()
    # every plot gets a recommendation (fallow or the baseline is always open)
    assert set(rec.index) == set(cls.index)


def test_no_sentence_prints_centuries_and_stabilising_options_say_so(panel_results):
    import re

    from agriremed.stages.duration import cleanup_years_text

    p, _ = panel_results["hg_strict_paddy_outside_basic_farmland"]
    rec = p.summary.set_index("plot_id").loc["hg_strict_paddy_outside_basic_farmland", "recommendation"]
    assert "stabilises, does not clean up" in rec          # nothing it grows takes up Hg
    for plan_, _ in panel_results.values():
        for text in plan_.summary["recommendation"]:
            years = [int(y) for y in re.findall(r"in about (\d+) yr", text)]
            assert all(y <= 200 for y in years), text
    assert cleanup_years_text([5991.0, 350.0], ["phytomanagement", "phytoextraction"], ["cd", "cd"]).tolist() \
        == ["stabilises, does not clean up", "> 200"]
