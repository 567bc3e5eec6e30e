"""A whole-year option on several season rows of one field is one plan: sorghum recommended on the 早稻 and the 晚稻
row of a strict-control field is counted once in the report totals (money, carbon, compensation, area), and the
later row says it is the same plan as the field's first row (``same_plan_as``, ``rec.field_same_plan``). A
double-season rice field keeping rice is planned season by season, both rows counted, as before."""

from __future__ import annotations

import types

import numpy as np
import pytest

import agriremed
from agriremed.core import messages
from agriremed.io.report import PlanDigest, plain_summary
from plotdata import make_plots


def _p2():
    # /tmp/panel22 p2_early_late_conflict.csv: field D4 strict control (晚稻 Cd 1.6 > intervention 1.5 at pH 5.2)
    return make_plots(4, plot_id=["D4", "D4", "D3", "D3"], crop=["早稻", "晚稻", "早稻", "晚稻"], ph=5.2,
                      cd_mg_kg=[0.25, 1.6, 0.5, 0.5], area_mu=[2.0, 2.0, 2.0, 3.0], area_ha=None,
                      region="湖南/株洲/渌口").drop(columns="area_ha")


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(_p2(), agriremed.Scenario(mc_draws=0), progress=False)


def test_whole_year_options_are_those_that_replace_the_current_crop():
    from agriremed.stages.seasons import whole_year_options

    w = whole_year_options(None)
    assert {"sorghum", "fallow", "pv_grass", "willow_src", "sedum_plumbizincicola", "maize_grain"} <= w
    assert not {"do_nothing", "lime_low_cd_rice", "flooded_rice", "sedum_rice_rotation"} & w


def test_a_whole_year_option_on_two_season_rows_counts_once(plan):
    s = plan.summary.set_index("plot_id")
    assert s.loc[["D4~早稻", "D4~晚稻"], "recommended_option"].tolist() == ["sorghum", "sorghum"]
    assert len(plan.summary) == 4  # every input row keeps its summary row
    early = s.loc["D4~早稻"]
    d = PlanDigest.from_plan(plan)
    sorghum = d.by_option["sorghum"]
    # before: both rows added, 40 400 + 19 023 CNY/ha over 0.133 ha each = 7 923 CNY
    assert sorghum["npv_cny"] == pytest.approx(early["npv_vs_baseline_cny_ha"] * early["area_ha"])
    assert sorghum["npv_cny"] == pytest.approx(5386.7, abs=1.0)
    assert sorghum["co2e_t"] == pytest.approx(early["net_co2e_t"])
    assert sorghum["area_ha"] == pytest.approx(2 / 15)
    # the compensation of strict-control land: the field's one plan, not one per season row
    assert d.compensation[0] == 1
    assert d.compensation[1] == pytest.approx(early["lost_income_plot_cny_yr"])
    assert d.npv_cny() == pytest.approx(5386.7 - 416.2, abs=2.0)
    text = " ".join(plain_summary(d, "en", horizon_yr=20))
    assert "1 of them repeats the whole-year option of an earlier row of its field" in text
    assert "4,970 CNY" in text
    assert d.field_repeats == 1
    assert s.loc["D4~晚稻", "same_plan_as"] == "D4~早稻"
    assert s[["same_plan_as"]].drop("D4~晚稻").isna().all().all()


def test_the_later_row_says_it_is_the_field_s_plan_in_both_languages(plan):
    s = plan.summary.set_index("plot_id")
    assert "Same plan as row D4~早稻 of field D4" in s.loc["D4~晚稻", "recommendation"]
    assert "Same plan as row" not in s.loc["D4~早稻", "recommendation"]
    zh = messages.render(messages.Message.decode(s.loc["D4~晚稻", "recommendation_msg"]), "zh")
    assert "与田块D4的D4~早稻为同一方案" in zh


def test_a_double_season_rice_field_keeping_rice_counts_both_seasons(plan):
    s = plan.summary.set_index("plot_id")
    assert s.loc[["D3~早稻", "D3~晚稻"], "recommended_option"].tolist() == ["lime_low_cd_rice"] * 2
    d = PlanDigest.from_plan(plan)
    rows = s.loc[["D3~早稻", "D3~晚稻"]]
    assert d.by_option["lime_low_cd_rice"]["npv_cny"] == pytest.approx(
        float((rows["npv_vs_baseline_cny_ha"] * rows["area_ha"]).sum()))
    assert d.by_option["lime_low_cd_rice"]["co2e_t"] == pytest.approx(float(rows["net_co2e_t"].sum()))
    assert "Same plan as row" not in " ".join(rows["recommendation"])


def test_the_field_s_option_counts_once_across_chunks(plan):
    # a streamed report adds chunk by chunk: the 晚稻 row in a later chunk is still the field's one plan
    s = plan.summary
    d = PlanDigest()
    for part in (s.iloc[:1], s.iloc[1:]):
        d.add(types.SimpleNamespace(summary=part, table=None, tables=plan.tables, scenario=plan.scenario))
    whole = PlanDigest.from_plan(plan)
    assert d.field_repeats == 1
    assert d.npv_cny() == pytest.approx(whole.npv_cny())
    assert d.co2e_t() == pytest.approx(whole.co2e_t())
    assert np.isclose(d.by_option["sorghum"]["npv_cny"], whole.by_option["sorghum"]["npv_cny"])


def test_a_streamed_plan_marks_the_later_row_across_chunks(plan):
    from agriremed.engine.stream import plan_stream

    s = plan_stream(_p2(), agriremed.Scenario(mc_draws=0), chunk_size=1, progress=False).summary
    s = s.set_index("plot_id")
    assert s.loc["D4~晚稻", "same_plan_as"] == "D4~早稻"
    assert "Same plan as row D4~早稻 of field D4" in s.loc["D4~晚稻", "recommendation"]
    assert s["same_plan_as"].notna().sum() == 1


def test_the_compensation_total_says_the_repeated_row_is_listed_not_added(plan):
    from agriremed.io.report import _compensation_total

    d = PlanDigest.from_plan(plan)
    en = _compensation_total(d.compensation, "en", plan.tables, skipped=d.field_repeats)
    assert "Over the 1 plot: lost legal income 513 CNY a year" in en
    assert "repeat the whole-year option of an earlier row of their field (1) are listed but not added" in en
    zh = _compensation_total(d.compensation, "zh", plan.tables, skipped=d.field_repeats)
    assert "1个地块合计：合法收入损失每年513元" in zh and "列出但不计入合计" in zh
