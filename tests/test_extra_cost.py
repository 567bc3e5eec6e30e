"""The plot's first-year cost beyond doing nothing: what the recommended measure adds to the farm's
spending in year 1 (summary column and plot sheet), so a farmer is not shown the whole crop's cost as
the measure's."""

import pytest

import agriremed
from agriremed.stages.advice import plot_advice


@pytest.fixture(scope="module")
def plan(sample_plots_path):
    return agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0), progress=False)


def test_extra_cost_is_the_first_year_cost_minus_that_of_doing_nothing(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    for pid in ("HN-ZZ-01", "HN-XT-02", "JS-SZ-07"):
        rec = s.loc[pid, "recommended_option"]
        by_hand = (t.loc[(pid, rec), "cost_year1_cny_ha"] - t.loc[(pid, "do_nothing"), "cost_year1_cny_ha"]) \
            * s.loc[pid, "area_ha"]
        assert s.loc[pid, "first_year_extra_cost_plot_cny"] == pytest.approx(by_hand, rel=1e-12)
    assert s.loc["HB-SJZ-09", "first_year_extra_cost_plot_cny"] == 0.0          # doing nothing itself


def test_the_sheet_prints_the_extra_cost_after_the_first_year_cost(plan):
    s = plan.summary.set_index("plot_id")
    extra = round(s.loc["HN-ZZ-01", "first_year_extra_cost_plot_cny"])
    assert extra > 0
    en, zh = plot_advice(plan, "HN-ZZ-01", "en"), plot_advice(plan, "HN-ZZ-01", "zh")
    assert en.first_year_cost.endswith(f" (+{extra:,} CNY vs unchanged practice)")
    assert zh.first_year_cost.endswith(f"（较维持现状+{extra:,} 元）")
    assert "vs unchanged practice" not in plot_advice(plan, "HB-SJZ-09", "en").first_year_cost
    assert "vs unchanged practice" not in plot_advice(plan, "YN-LP-12", "en").first_year_cost   # a PV plant
