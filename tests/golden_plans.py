"""Golden end-to-end plan cases (``tests/golden/plan_cases/*.yaml``): loading, running and comparing.

Each case file holds one plot (the input columns of ``data/samples/plots.csv``), the scenario
fields and the expected numbers of the plan: plot-level fields of ``Plan.summary`` under
``plot_expected`` and option-level fields of ``Plan.table`` under ``options: {option_id:
{field: ...}}``. Every expectation is ``{value, rel, abs, why}``: the value pinned from the
planner, the tolerance (|actual − value| ≤ abs + rel·|value|; text compares exactly; ``.inf``
and ``.nan`` must be matched as such) and why the number is plausible. The expected values are
rewritten from the current code by ``scripts/update_golden_plans.py`` (a deliberate change,
with the diff printed), never edited by hand; ``why`` and the tolerances are kept.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import yaml

CASES_DIR = Path(__file__).parent / "golden" / "plan_cases"
#: Significant digits kept when a value is pinned.
DIGITS = 7


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


def load_case(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    case["_file"] = path.name
    return case


def run_case(case: dict):
    """Plan the case's single plot with its scenario; returns the Plan."""
    import agriremed

    plots = pd.DataFrame([case["plot"]])
    p = agriremed.plan(plots, agriremed.Scenario(**case.get("scenario", {})), progress=False)
    if not p.rejected.empty:
        raise AssertionError(f"{case['id']}: the plot was rejected: {p.rejected.to_dict('records')}")
    return p


def actual_values(case: dict, p) -> dict:
    """{(option or None, field): actual value} for every expectation of the case."""
    pid = case["plot"]["plot_id"]
    summary = p.summary.set_index("plot_id").loc[pid]
    table = p.table.loc[p.table["plot_id"] == pid].set_index("option_id")
    out = {}
    for field in case.get("plot_expected", {}):
        out[(None, field)] = _plain(summary[field])
    for option, fields in case.get("options", {}).items():
        for field in fields:
            known = option in table.index
            out[(option, field)] = _plain(table.loc[option, field]) if known else "<no such option>"
    return out


def _plain(v):
    if isinstance(v, (bool,)) or hasattr(v, "dtype") and str(getattr(v, "dtype", "")) == "bool":
        return bool(v)
    if isinstance(v, str):
        return v
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isfinite(f):
        return float(f"{f:.{DIGITS}g}")
    return f


def mismatch(expected: dict, actual) -> str | None:
    """Why ``actual`` does not match the expectation (None when it does)."""
    want = expected["value"]
    if isinstance(want, str) or isinstance(actual, str):
        return None if want == actual else f"expected {want!r}, got {actual!r}"
    want, got = float(want), float(actual)
    if math.isnan(want) or math.isnan(got):
        return None if math.isnan(want) and math.isnan(got) else f"expected {want}, got {got}"
    if math.isinf(want) or math.isinf(got):
        return None if want == got else f"expected {want}, got {got}"
    tol = float(expected.get("abs", 0.0)) + float(expected.get("rel", 0.0)) * abs(want)
    if abs(got - want) <= tol:
        return None
    return f"expected {want:.7g} ± {tol:.3g}, got {got:.7g} (difference {got - want:+.4g})"


def expectations(case: dict):
    """(option or None, field, expectation) of every expected number of the case."""
    for field, e in case.get("plot_expected", {}).items():
        yield None, field, e
    for option, fields in case.get("options", {}).items():
        for field, e in fields.items():
            yield option, field, e
