"""The dashboards driven from Python: set values, click, and check figures, HTML and tables.

No kernel and no browser: callbacks run at once (there is no running event loop), so
every assertion sees the result of the change just made. Expected numbers come from the
GB 15618-2018 tables (hand-checked) or from an independent call of :func:`agriremed.plan`.
"""

import asyncio
import dataclasses
import datetime
import html
import io
import json
import re
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import columns as C
from agriremed.core import i18n, messages
from agriremed.apps.dashboards import (App, DownloadButton, OptionComparison, PlotAssessment, Portfolio,
                                       plan_in_chunks, region_groups, region_summary)
from agriremed.apps.dashboards._base import BackgroundJob, fmt_number
from agriremed.apps.dashboards.serve import find_notebooks, voila_command

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "plots.csv"
BROKEN = ROOT / "data" / "samples" / "plots_two_broken_rows.csv"


@pytest.fixture(scope="module")
def sample_plan():
    return agriremed.plan(SAMPLE, progress=False)


def cell(html_text, table_id, col, row=0):
    """Text of column ``col`` in row ``row`` of the HTML table ``table_id``."""
    table = re.search(rf"<table[^>]*id='{table_id}'.*?</table>", html_text, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    return re.search(rf"<td data-col='{col}'[^>]*>(.*?)</td>", rows[row], re.S).group(1)


def title(html_text, table_id, col, row=0):
    """Tooltip (``title``) of column ``col`` in row ``row`` of the HTML table ``table_id``, unescaped."""
    table = re.search(rf"<table[^>]*id='{table_id}'.*?</table>", html_text, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    found = re.search(rf"<td data-col='{col}'[^>]*?title='([^']*)'", rows[row], re.S)
    return html.unescape(found.group(1)) if found else None


def n_rows(html_text, table_id):
    table = re.search(rf"<table[^>]*id='{table_id}'.*?</table>", html_text, re.S).group(0)
    return len(re.findall(r"<tr>", table.split("<tbody>")[1]))


# ----------------------------------------------------------------------------- assessment
@pytest.fixture
def assess():
    return PlotAssessment(SAMPLE, plot_id="HN-XT-02")


def test_form_has_a_field_for_every_input_column_with_its_unit(assess):
    inputs = [c.name for c in C.input_columns()]
    assert sorted(assess.fields) == sorted(inputs)
    assert assess.fields["cd_mg_kg"].description == "Cd, total in soil [mg kg⁻¹]"
    assert assess.fields["area_ha"].description == "Area [ha]"


def test_picked_plot_fills_the_form_and_is_classed(assess):
    assert assess.fields["ph"].value == "5.4" and assess.fields["cd_mg_kg"].value == "1.92"
    # GB 15618-2018, paddy, pH 5.5 band: Cd screening 0.3, intervention 1.5 mg/kg; 1.92 > 1.5
    assert assess.plot_class == "strict_control"
    assert "data-class='strict_control'" in assess.banner.value
    assert cell(assess.soil_html.value, "soil-table", "screening_mg_kg") == "0.3"
    assert cell(assess.soil_html.value, "soil-table", "intervention_mg_kg") == "1.5"
    assert cell(assess.soil_html.value, "soil-table", "exceedance_ratio") == "6.4"  # 1.92 / 0.3


def test_changing_ph_reclassifies_live(assess):
    ratio_before = assess.soil_fig.figure.data[0].y[0]
    assess.fields["ph"].value = "6.8"
    # paddy, 6.5 < pH ≤ 7.5: Cd screening 0.6, intervention 3.0 → 1.92 / 0.6 = 3.2, safe utilisation
    assert assess.plot_class == "safe_utilisation"
    bars = assess.soil_fig.figure.data[0]
    assert ratio_before == pytest.approx(6.4)  # the chart on the page now shows the new ratio
    assert list(bars.x)[0] == "Cd" and bars.y[0] == pytest.approx(3.2)
    assert cell(assess.soil_html.value, "soil-table", "screening_mg_kg") == "0.6"
    assert cell(assess.soil_html.value, "soil-table", "soil_class") == "safe utilisation"


def test_crop_prediction_is_the_planners(sample_plan):
    a = PlotAssessment(SAMPLE, plot_id="HN-ZZ-01")
    expected = sample_plan.uptake.query("plot_id == 'HN-ZZ-01' and metal == 'cd'").iloc[0]
    pts = a.crop_fig.figure.data[0]
    assert pts.y[0] == pytest.approx(expected["crop_fw_p50_mg_kg"])
    assert pts.error_y.array[0] == pytest.approx(
        expected["crop_fw_p95_mg_kg"] - expected["crop_fw_p50_mg_kg"]
    )
    assert a.crop_fig.figure.data[1].y[0] == pytest.approx(0.2)  # GB 2762 rice Cd limit
    assert cell(a.crop_html.value, "crop-table", "food_limit_mg_kg") == "0.2"
    assert cell(a.crop_html.value, "crop-table", "p_exceed_limit") == fmt_number(
        expected["p_exceed_limit"], pct=True
    )


def test_food_standard_changes_the_limit():
    a = PlotAssessment(SAMPLE, plot_id="HN-ZZ-01")
    a.standard.value = "EU2023_915"
    assert a.uptake["food_limit_mg_kg"].iloc[0] == pytest.approx(0.15)  # EU 2023/915 rice Cd
    assert a.crop_fig.figure.data[1].y[0] == pytest.approx(0.15)
    assert "EU2023_915" in a.crop_fig.figure.layout.title.text


def test_bad_value_is_listed_not_raised(assess):
    assess.fields["ph"].value = "abc"
    assert assess.plot_class is None
    assert cell(assess.problems_html.value, "form-problems", "problem") == "not a number"
    assert cell(assess.problems_html.value, "form-problems", "expected") == "a number ≥ 2 and ≤ 11"
    assert "data-class=''" in assess.banner.value
    assert assess.status.value == ""  # no error, a listed problem
    assess.set_lang("zh")
    assert cell(assess.problems_html.value, "form-problems", "problem") == "不是数字"
    assess.fields["ph"].value = "5.4"
    assert assess.plot_class == "strict_control" and assess.problems_html.value == ""


def test_new_plot_starts_blank_and_is_classed_once_measured():
    a = PlotAssessment(SAMPLE)
    a.picker.value = "__new__"
    assert a.fields["plot_id"].value == "NEW-01" and a.fields["hg_mg_kg"].value == ""
    assert a.fields["ph"].value == "" and a.fields["cd_mg_kg"].value == ""  # placeholders, no made-up values
    assert a.plot_class is None
    for name, value in (("area_ha", "1"), ("ph", "5.5"), ("cd_mg_kg", "0.5")):
        a.fields[name].value = value
    # Cd 0.5 mg/kg on paddy at pH 5.5: screening 0.3, so 1.67 × and safe utilisation
    assert a.plot_class == "safe_utilisation"
    assert a.soil.set_index("metal").loc["cd", "exceedance_ratio"] == pytest.approx(0.5 / 0.3)
    assert a.soil["metal"].tolist() == ["cd"]  # blank metals are not measured, not zero


def test_language_switch_relabels_everything(assess):
    assess.set_lang("zh")
    assert assess.fields["ph"].description == "土壤pH（水浸提） [–]"
    assert assess.fields["area_ha"].description == "面积 [公顷]"
    assert (
        assess.fields["land_use"].options[0] == ("水田", "paddy")
        and assess.fields["land_use"].value == "paddy"
    )
    assert "严格管控类" in assess.banner.value and "主控重金属镉" in assess.banner.value
    assert assess.soil_fig.figure.layout.title.text == "土壤含量 / GB 15618筛选值"
    assert assess.soil_fig.figure.data[0].x[0] == "镉"
    assert "<h2>地块评估</h2>" in assess.title.value
    assess.set_lang("en")
    assert assess.fields["ph"].description == "Soil pH (water) [–]" and assess.plot_class == "strict_control"


# ----------------------------------------------------------------------------- comparison
@pytest.fixture
def compare():
    return OptionComparison(SAMPLE, plot_id="HN-ZZ-01", background=False)


def test_comparison_shows_the_planners_recommendation(compare, sample_plan, tables):
    s = sample_plan.summary.set_index("plot_id").loc["HN-ZZ-01"]
    assert compare.result.summary["recommended_option"].iloc[0] == s["recommended_option"]
    assert compare.recommendation_text() == s["recommendation"]
    assert f"data-option='{s['recommended_option']}'" in compare.recommendation.value
    t = sample_plan.table.query("plot_id == 'HN-ZZ-01'")
    assert len(t) == len(tables.options) == 36  # every option of the library, in one table or the other (36 with lime_vegetable)
    ok, out = t.loc[t["applicable"]].sort_values("rank"), t.loc[~t["applicable"]]
    assert len(ok) > 8 and len(out) > 0  # the sample plot has many options and some that do not apply
    html_ = compare.table_html.value
    assert n_rows(html_, "options-table") == len(ok)
    assert [html.unescape(cell(html_, "options-table", "option_name", i)) for i in range(len(ok))] == ok[
        "option_name"
    ].tolist()
    assert [cell(html_, "options-table", "rank", i) for i in range(len(ok))] == [
        str(i + 1) for i in range(len(ok))
    ]
    assert html.unescape(cell(html_, "options-table", "option_name")) == s["recommended_name"]
    # the options that do not apply are listed with the planner's reason
    ex = compare.excluded_html.value
    assert n_rows(ex, "excluded-table") == len(out)
    assert [html.unescape(cell(ex, "excluded-table", "option_name", i)) for i in range(len(out))] == out[
        "option_name"
    ].tolist()
    assert [html.unescape(cell(ex, "excluded-table", "reason", i)) for i in range(len(out))] == out[
        "reason"
    ].tolist()


def test_traffic_lights_carry_their_reason(compare, sample_plan):
    t = sample_plan.table.query("plot_id == 'HN-ZZ-01' and applicable").sort_values("rank")
    html_ = compare.table_html.value
    for i, row in enumerate(t.itertuples()):
        for c in agriremed.stages.ranking.CRITERIA:
            assert cell(html_, "options-table", f"light_{c}", i) == getattr(row, f"light_{c}")
            assert title(html_, "options-table", f"light_{c}", i) == getattr(row, f"why_{c}")
    gaps = t["data_gaps"].fillna("")
    assert [
        html.unescape(cell(html_, "options-table", "data_gaps", i)) for i in range(len(t))
    ] == gaps.tolist()
    compare.set_lang("zh")
    html_ = compare.table_html.value
    top = t.iloc[0]
    assert cell(html_, "options-table", "light_food_safety") == i18n.value(
        "light", top["light_food_safety"], "zh"
    )
    zh = title(html_, "options-table", "light_clean_up")
    assert zh == messages.render(top["why_clean_up_msg"], "zh") != top["why_clean_up"]
    assert i18n.untranslated(zh) == []
    ex = compare.excluded_html.value
    reasons = [
        html.unescape(cell(ex, "excluded-table", "reason", i)) for i in range(n_rows(ex, "excluded-table"))
    ]
    assert all(i18n.untranslated(r) == [] and r for r in reasons)


def test_weights_change_the_ranking(sample_plan):
    # the strict-control paddy HN-XT-02, where the economics weight decides between energy sorghum and Sedum
    # (on HN-ZZ-01 the VIP+n package is the only option within reach of the 0.9 compliance target, whatever
    # the weights)
    compare = OptionComparison(SAMPLE, plot_id="HN-XT-02", background=False)
    default = sample_plan.summary.set_index("plot_id").loc["HN-XT-02", "recommended_option"]
    compare.weights["economics"].value = 0.0
    w = {**agriremed.core.scenario.DEFAULT_WEIGHTS, "economics": 0.0}
    independent = agriremed.plan(SAMPLE, agriremed.Scenario(weights=w), progress=False)
    best = independent.summary.set_index("plot_id").loc["HN-XT-02"]
    assert best["recommended_option"] != default  # the weight decides between the two for this plot
    assert compare.result.summary["recommended_option"].iloc[0] == best["recommended_option"]
    assert compare.recommendation_text() == best["recommendation"]
    mine = compare.options_table.set_index("option_id")["score"]
    theirs = independent.table.query("plot_id == 'HN-XT-02'").set_index("option_id")["score"]
    pd.testing.assert_series_equal(mine.sort_index(), theirs.sort_index(), check_names=False)
    compare.reset.click()
    assert compare.result.summary["recommended_option"].iloc[0] == default
    default_w = agriremed.core.scenario.DEFAULT_WEIGHTS["economics"]
    assert compare.weights["economics"].value == pytest.approx(default_w)


def test_weight_price_and_horizon_changes_reuse_the_shown_plan(compare, monkeypatch):
    from agriremed.apps.dashboards import comparison

    planned = compare.result
    calls = []
    monkeypatch.setattr(comparison, "plan", lambda *a, **k: calls.append(1) or planned)
    compare.weights["carbon"].value = 0.9
    assert calls == []  # a weight move re-ranks the shown plan
    assert compare.result.scenario.weights["carbon"] == pytest.approx(0.9)
    assert compare.result.table["years_p50"].equals(planned.table["years_p50"])
    compare.carbon_price.value = compare.carbon_price.value + 50
    assert calls == []  # the carbon price recomputes the economics of the shown plan
    independent = agriremed.plan(compare.source, compare.current_scenario(), progress=False)
    pd.testing.assert_frame_equal(compare.result.table, independent.table)
    compare.horizon.value = compare.horizon.value + 1
    assert calls == []  # the horizon recomputes years to target onwards
    independent = agriremed.plan(compare.source, compare.current_scenario(), progress=False)
    for name in ("table", "summary", "duration", "carbon", "economics"):
        pd.testing.assert_frame_equal(getattr(compare.result, name), getattr(independent, name), obj=name)
    compare.draws.value = 200 if compare.draws.value != 200 else 500
    assert calls == [1]  # other draws (like another plot) plan the plot again


def test_duration_and_money_charts_hold_the_plan_numbers(compare):
    t = compare.options_table.set_index("option_id")
    dur = compare.duration_fig.figure.data
    names = list(dur[0].y)
    i = names.index("Sedum plumbizincicola phytoextraction")
    assert dur[0].base[i] == pytest.approx(t.loc["sedum_plumbizincicola", "years_p10"])
    assert dur[0].base[i] + dur[0].x[i] == pytest.approx(t.loc["sedum_plumbizincicola", "years_p90"])
    assert dur[1].x[i] == pytest.approx(t.loc["sedum_plumbizincicola", "years_p50"])
    assert "Continue current practice" not in names  # no clean-up: no duration bar
    npv = compare.money_fig.figure.data[0]
    app = t.loc[t["applicable"]]
    assert list(npv.x) == pytest.approx(app["npv_vs_baseline_cny_ha"].tolist())
    co2 = compare.money_fig.figure.data[1]
    assert list(co2.x) == pytest.approx(app["net_co2e_vs_baseline_t_ha_yr"].tolist())
    assert list(npv.marker.line.width) == [3 if r else 0 for r in app["recommended"]]


def test_horizon_and_carbon_price_replan(compare):
    assert (compare.result.table["carbon_revenue_cny_ha"].fillna(0) != 0).any()
    npv20 = compare.options_table.set_index("option_id").loc["willow_src", "npv_vs_baseline_cny_ha"]
    compare.horizon.value = 10
    assert compare.result.scenario.horizon_yr == 10
    npv10 = compare.options_table.set_index("option_id").loc["willow_src", "npv_vs_baseline_cny_ha"]
    assert npv10 != pytest.approx(npv20)
    compare.carbon_price.value = 0
    assert compare.result.scenario.carbon_price_cny_t == 0
    assert (compare.result.table["carbon_revenue_cny_ha"].fillna(0) == 0).all()


def test_zero_weights_are_refused_with_a_message(compare):
    for s in compare.weights.values():
        s.value = 0.0
    assert "at least one criterion" in compare.status.value
    assert compare.result is not None  # the last valid plan stays on the page


def test_comparison_in_chinese(compare, sample_plan):
    s = sample_plan.summary.set_index("plot_id").loc["HN-ZZ-01"]
    en_names = list(compare.duration_fig.figure.data[0].y)
    compare.set_lang("zh")
    assert compare.weights["food_safety"].description == "食品安全"
    name = i18n.option_name(s["recommended_option"], "zh")
    assert "推荐方案：" in compare.recommendation.value and name in compare.recommendation.value
    zh = compare.recommendation_text()
    assert zh == messages.render(s["recommendation_msg"], "zh") != s["recommendation"]
    # (the VIP+n package scores below flooding but is the closest to the compliance target: "排在…之前")
    assert zh.startswith(name + "：") and "；排在" in zh and i18n.untranslated(zh) == []
    assert "预计约每10季收获中有1季超过限量，出售前请检测收获的农产品" in zh
    assert compare.duration_fig.figure.layout.title.text == "降至筛选值所需年限（P10–P50–P90）"
    assert list(compare.duration_fig.figure.data[0].y) == [
        i18n.option_name(o, "zh")
        for o in compare.options_table["option_id"]
        if i18n.option_name(o) in en_names
    ]
    assert "伴矿景天植物提取" in list(compare.duration_fig.figure.data[0].y)
    assert "<th data-col='reason'>不适用原因</th>" in compare.excluded_html.value


def test_errors_in_a_callback_become_a_message(compare, monkeypatch):
    import agriremed.apps.dashboards.comparison as mod

    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(mod, "plan", broken)
    compare.draws.value = 200 if compare.draws.value != 200 else 500
    assert "id='status-error'" in compare.status.value and "RuntimeError" in compare.status.value
    assert "Traceback" not in compare.status.value


# ----------------------------------------------------------------------------- portfolio
@pytest.fixture(scope="module")
def portfolio():
    return Portfolio(BROKEN, chunk_size=5, background=False)


def test_broken_rows_are_listed_and_the_rest_planned(portfolio, sample_plan):
    v = portfolio.validation
    assert v.n_input == 18 and len(v.plots) == 16
    html_ = portfolio.errors_html.value
    assert n_rows(html_, "errors-table") == 2
    assert [cell(html_, "errors-table", "input_row", i) for i in (0, 1)] == ["17", "18"]
    assert [cell(html_, "errors-table", "plot_id", i) for i in (0, 1)] == ["HN-ZZ-17", "HN-ZZ-18"]
    assert cell(html_, "errors-table", "value", 0) == "5,4"
    assert cell(html_, "errors-table", "problem", 0).startswith("decimal comma")
    assert cell(html_, "errors-table", "column", 1) == "Cd, total in soil"
    s = portfolio.result.summary.drop(columns="input_row")
    pd.testing.assert_frame_equal(s, sample_plan.summary.drop(columns="input_row"))
    assert "id='kpi-rejected'><b>2</b>" in portfolio.kpis.value
    assert "id='kpi-valid'><b>16</b>" in portfolio.kpis.value


def test_chunked_plan_equals_one_plan(sample_plan):
    v = agriremed.validate_plots(SAMPLE)
    steps = []
    chunked = plan_in_chunks(v, agriremed.Scenario(), chunk_size=5, report=lambda i, n: steps.append((i, n)))
    assert steps == [(5, 16), (10, 16), (15, 16), (16, 16)]
    frames = set()
    for f in dataclasses.fields(agriremed.Plan):
        whole = getattr(sample_plan, f.name)
        if isinstance(whole, pd.DataFrame):
            pd.testing.assert_frame_equal(getattr(chunked, f.name), whole, obj=f.name)
            frames.add(f.name)
        elif f.name not in ("tables", "reuse"):  # reuse: stage inputs of one run
            assert getattr(chunked, f.name) == whole, f.name
    assert {
        "table",
        "metal_fate",
        "carbon_by_year",
        "targets",
        "trajectories",
        "schedule",
        "scores",
    } <= frames
    pd.testing.assert_frame_equal(chunked.yearly_cash_flows(), sample_plan.yearly_cash_flows())


def test_map_shows_every_planned_plot(portfolio):
    fig = portfolio.map_fig.figure
    assert sum(len(tr.x) for tr in fig.data) == 16
    assert sorted(tr.name for tr in fig.data) == ["priority protection", "safe utilisation", "strict control"]
    lon = {x for tr in fig.data for x in tr.x}
    assert 99.42 in lon and 120.83 in lon
    portfolio.colour_by.value = "recommended_option"
    names = {tr.name for tr in portfolio.map_fig.figure.data}
    assert names == set(portfolio.result.summary["recommended_name"])  # one trace per recommended option
    assert "Continue current practice" in names
    portfolio.colour_by.value = "soil_class"


def test_region_summary_adds_up(portfolio, sample_plan):
    r = region_summary(portfolio.result.summary, 1).set_index("region")
    plots = pd.read_csv(SAMPLE)
    hunan = plots.loc[plots["region"].str.startswith("Hunan/")]
    assert r.loc["Hunan", "plots"] == len(hunan) == 5
    assert r.loc["Hunan", "area_ha"] == pytest.approx(hunan["area_ha"].sum())
    assert r["area_ha"].sum() == pytest.approx(plots["area_ha"].sum())
    cls = r[["area_priority_protection_ha", "area_safe_utilisation_ha", "area_strict_control_ha"]].sum(axis=1)
    assert cls.to_numpy() == pytest.approx(r["area_ha"].to_numpy())
    planned = sample_plan.summary
    in_hunan = planned["region"].str.startswith("Hunan/")
    assert (
        r.loc["Hunan", "recommended"] == planned.loc[in_hunan, "recommended_option"].value_counts().to_dict()
    )
    assert all(sum(d.values()) == n for d, n in zip(r["recommended"], r["plots"], strict=True))
    assert r["net_co2e_t"].sum() == pytest.approx(planned["net_co2e_t"].sum())
    assert len(region_summary(portfolio.result.summary, 3)) == 16
    portfolio.level.value = 2
    assert n_rows(portfolio.region_html.value, "region-table") == len(
        region_summary(portfolio.result.summary, 2)
    )
    portfolio.level.value = 1



def test_regions_without_their_province_are_grouped_under_it():
    """A county file whose region is 湘潭县 (no province) is grouped under 湖南省 / 湘潭市, with
    the plots written Hunan/Xiangtan/… in any spelling; a name no place has or several places
    share goes to one explicit group, a blank region to '—'."""
    s = pd.DataFrame({
        "region": ["湘潭县", "湘潭县", "Hunan/Xiangtan/Xiangtan", "湖南省株洲市渌口区", "Hunan/Zhuzhou/Youxian",
                   "朝阳区", "Suzhou", "Atlantis/North", None],
        "area_ha": [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0],
        "soil_class": ["safe_utilisation"] * 9,
        "recommended_option": ["fallow"] * 9,
        "net_co2e_t": [1.0] * 9,
    })
    zh1 = region_summary(s, 1, "zh").set_index("region")
    assert zh1.index.tolist() == ["—", "湖南省", "省份未能确定"]
    assert zh1.loc["湖南省", "plots"] == 5 and zh1.loc["湖南省", "area_ha"] == pytest.approx(31.0)
    assert zh1.loc["省份未能确定", "plots"] == 3 and zh1.loc["省份未能确定", "area_ha"] == pytest.approx(224.0)
    assert zh1.loc["—", "area_ha"] == pytest.approx(256.0)
    zh2 = region_summary(s, 2, "zh").set_index("region")
    assert zh2.loc["湖南省/湘潭市", "area_ha"] == pytest.approx(7.0)
    assert zh2.loc["湖南省/株洲市", "area_ha"] == pytest.approx(24.0)
    assert region_groups(s["region"], 3, "zh")[:5] == [
        "湖南省/湘潭市/湘潭县", "湖南省/湘潭市/湘潭县", "湖南省/湘潭市/湘潭县", "湖南省/株洲市/渌口区", "湖南省/株洲市/攸县"]
    en1 = region_summary(s, 1, "en").set_index("region")
    assert en1.loc["Hunan", "plots"] == 5 and en1.loc["Province not identified", "plots"] == 3
    assert region_groups(["湘潭县"], 2, "en") == ["Hunan/Xiangtan"]


def test_portfolio_groups_by_province_in_the_page_language(portfolio):
    portfolio.set_lang("zh")
    try:
        assert portfolio.level.value == 1
        html_ = portfolio.region_html.value
        regions = [cell(html_, "region-table", "region", i) for i in range(n_rows(html_, "region-table"))]
        assert "湖南省" in regions and "Hunan" not in regions
    finally:
        portfolio.set_lang("en")

def test_downloads_hold_the_plan_and_the_report(portfolio, sample_plan, tables):
    plan_csv = portfolio.downloads["plan"].payload().decode("utf-8-sig")
    assert plan_csv.startswith("plot_id,option_id,")
    table = pd.read_csv(io.StringIO(plan_csv))
    assert (
        len(table) == len(sample_plan.table) == 16 * len(tables.options) and table["plot_id"].nunique() == 16
    )
    assert table["option_id"].tolist() == sample_plan.table["option_id"].tolist()
    rejected = pd.read_csv(
        io.StringIO(portfolio.downloads["rejected"].payload().decode("utf-8-sig"))
    )
    assert rejected["plot_id"].tolist() == ["HN-ZZ-17", "HN-ZZ-18"]
    report = portfolio.downloads["report"].payload().decode("utf-8")
    assert report.startswith("<!DOCTYPE html>") and "HN-ZZ-17" in report and "decimal comma" in report
    assert "cdn." not in report.split("<script")[0]
    assert not any(b.disabled for k, b in portfolio.downloads.items())


def test_downloads_follow_the_page_language(portfolio):
    en = pd.read_csv(io.StringIO(portfolio.downloads["summary"].payload().decode("utf-8-sig")))
    portfolio.set_lang("zh")
    try:
        zh = pd.read_csv(io.StringIO(portfolio.downloads["summary"].payload().decode("utf-8-sig")))
        rej = pd.read_csv(io.StringIO(portfolio.downloads["rejected"].payload().decode("utf-8-sig")))
    finally:
        portfolio.set_lang("en")
    assert zh["recommended_option"].tolist() == en["recommended_option"].tolist()
    assert zh["recommendation"].str.contains("[\u4e00-\u9fff]").all()
    assert not en["recommendation"].str.contains("[\u4e00-\u9fff]").any()
    assert rej["reasons"].str.contains("[\u4e00-\u9fff]").all()


def test_portfolio_in_chinese(portfolio):
    portfolio.set_lang("zh")
    try:
        assert (
            cell(portfolio.errors_html.value, "errors-table", "problem", 0)
            == "逗号分隔文件中使用了小数逗号：请用小数点书写（如5.6），或将文件另存为分号分隔格式"
        )
        assert cell(portfolio.errors_html.value, "errors-table", "line", 0) == "18"  # below the header line
        assert cell(portfolio.errors_html.value, "errors-table", "column", 1) == "土壤总镉"
        assert cell(portfolio.summary_html.value, "summary-table", "soil_class", 0) == "安全利用类"
        assert portfolio.downloads["report"].description == "report.html（离线报告）"
        assert portfolio.map_fig.figure.layout.title.text == "地块位置"
    finally:
        portfolio.set_lang("en")


def _upload(dash, name, content):
    dash.upload.value = (
        {
            "name": name,
            "type": "",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime.now(datetime.UTC),
        },
    )


def _upload_dirs() -> set:
    import tempfile

    return set(Path(tempfile.gettempdir()).glob("agriremed-upload-*"))


def test_upload_of_an_excel_file_is_planned(tmp_path):
    p = Portfolio(background=False)
    df = pd.read_csv(BROKEN, dtype=str, keep_default_na=False)
    xlsx = tmp_path / "plots.xlsx"
    df.to_excel(xlsx, index=False)
    before = _upload_dirs()
    _upload(p, "plots.xlsx", xlsx.read_bytes())
    assert _upload_dirs() == before  # the uploaded file is removed once read
    assert p.upload.value == ()  # ready for the next file
    assert p.validation.n_input == 18 and len(p.result.plots) == 16
    assert p.validation.rejected["input_row"].tolist() == [17, 18]
    assert "plots.xlsx" in p.kpis.value


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("empty.csv", b"", "is empty"),
        ("plots.xlsx", b"this is not a spreadsheet", "could not be read as a table"),
        ("plots.csv", b"plot_id,ph\nA,5\n", "No row can be planned"),
    ],
)
def test_unreadable_uploads_give_a_sentence_not_a_traceback(name, content, expected):
    p = Portfolio(background=False)
    before = _upload_dirs()
    _upload(p, name, content)
    assert _upload_dirs() == before  # removed also when it cannot be read
    assert expected in p.status.value
    assert "Traceback" not in p.status.value and p.result is None
    assert all(b.disabled for b in p.downloads.values()) or name == "plots.csv"


# ----------------------------------------------------------------------------- app
def test_app_links_the_tabs_and_the_language():
    app = App(SAMPLE, background=False)
    assert app.assessment.plot_class == "safe_utilisation" and app.comparison.result is None
    app.assessment.fields["cd_mg_kg"].value = "0.25"  # below the 0.3 screening value
    assert app.assessment.plot_class == "priority_protection"
    app.tabs.selected_index = 1
    res = app.comparison.result
    assert res.plots["cd_mg_kg"].iloc[0] == pytest.approx(0.25)
    assert res.summary["soil_class"].iloc[0] == "priority_protection"
    assert "as entered on the plot assessment tab" in app.comparison.plot_note.value
    app.set_lang("zh")
    assert app.tabs.titles == ("1 · 地块评估", "2 · 方案比较", "3 · 批量地块")
    assert app.assessment.lang == app.comparison.lang == app.portfolio.lang == "zh"
    assert "按“地块评估”页输入的地块HN-ZZ-01" in app.comparison.plot_note.value


def test_app_upload_feeds_the_plot_picker():
    app = App(SAMPLE, background=False)
    df = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(3)
    df["plot_id"] = ["U1", "U2", "U3"]
    _upload(app.portfolio, "three.csv", df.to_csv(index=False).encode())
    assert [v for _, v in app.assessment.picker.options][:3] == ["U1", "U2", "U3"]
    assert app.assessment.fields["plot_id"].value == "U1"


# ----------------------------------------------------------------------------- machinery
def run_in_fresh_loop(make_coro):
    """Run a coroutine in a new event loop on its own thread (the browser tests' Playwright keeps a
    loop running on the main thread)."""
    out = {}

    def target():
        try:
            out["value"] = asyncio.run(make_coro())
        except BaseException as exc:  # re-raised in the test's thread
            out["error"] = exc

    t = threading.Thread(target=target)
    t.start()
    t.join(300)
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_background_job_keeps_the_loop_free_and_reports_only_the_newest():
    async def scenario():
        c = OptionComparison(SAMPLE, plot_id="HN-XT-02")  # a loop is running: work goes to a thread
        assert c.job.running and c.result is None
        assert c.progress.layout.visibility == "visible"
        c.weights["economics"].value = 0.0  # a newer request while the first runs
        first = c.job.future
        await first
        assert c.result is not None and not c.job.running
        assert c.result.scenario.weights["economics"] == 0.0
        assert c.progress.layout.visibility == "hidden"
        return c

    c = run_in_fresh_loop(scenario)
    w = {**agriremed.core.scenario.DEFAULT_WEIGHTS, "economics": 0.0}
    newest = agriremed.plan(SAMPLE, agriremed.Scenario(weights=w), progress=False)
    first = agriremed.plan(SAMPLE, agriremed.Scenario(), progress=False)
    best = newest.summary.set_index("plot_id").loc["HN-XT-02", "recommended_option"]
    assert best != first.summary.set_index("plot_id").loc["HN-XT-02", "recommended_option"]
    assert (
        c.result.summary["recommended_option"].iloc[0] == best
    )  # the newest request's result, not the first


def test_background_job_reports_failures():
    seen = []

    async def run():
        job = BackgroundJob()
        job.submit(lambda report: 1 / 0, seen.append, seen.append)
        await job.future

    run_in_fresh_loop(run)
    assert isinstance(seen[0], ZeroDivisionError)


def test_download_button_sends_the_bytes_on_request():
    b = DownloadButton("x.csv", "text/csv", lambda: "a,b\n")
    sent = []
    b.send = lambda content, buffers=None: sent.append((content, buffers))
    b._on_request(b, {"event": "request"}, [])
    b._on_request(b, {"event": "other"}, [])
    assert sent == [({"event": "file", "filename": "x.csv", "mime": "text/csv"}, [b"a,b\n"])]
    b.content = lambda: 1 / 0
    b._on_request(b, {"event": "request"}, [])
    assert sent[-1] == ({"event": "failed"}, None)


def test_voila_is_started_on_localhost_with_the_offline_template(tmp_path):
    cmd, env = voila_command(tmp_path, port=9000, open_browser=False)
    assert "--Voila.ip=127.0.0.1" in cmd and "--template=agriremed" in cmd and "--no-browser" in cmd
    # kernels of closed tabs (no connection, idle 180 s) are shut down; open tabs and running plans are not
    assert {"--MappingKernelManager.cull_idle_timeout=180", "--MappingKernelManager.cull_interval=60",
            "--MappingKernelManager.cull_connected=False",
            "--MappingKernelManager.cull_busy=False"} <= set(cmd)
    assert cmd[-1] == str(tmp_path) and cmd[-2] == "--no-browser"
    tpl = Path(env["JUPYTER_PATH"].split(":")[0]) / "voila" / "templates" / "agriremed"
    assert (tpl / "index.html.j2").exists() and (tpl / "page.html").exists()
    for f in ("page.html", "tree.html"):
        assert "://" not in (tpl / f).read_text(encoding="utf-8").replace("http-equiv", "")
    assert find_notebooks(ROOT / "src") == ROOT / "notebooks" / "dashboards"


def test_dashboard_notebooks_only_construct_and_show():
    for nb in sorted((ROOT / "notebooks" / "dashboards").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        first = "".join(cells[0]["source"])
        assert "from agriremed.apps.dashboards import" in first and first.rstrip().endswith("dash"), nb.name
        assert len(cells) <= 2
        # checks only, skipped when served (the page then opens without waiting for them)
        assert all(
            line.strip().startswith(("#", "assert", "await dash.", "import os",
                                     'if "VOILA_BASE_URL" not in os.environ:')) or not line.strip()
            for c in cells[1:]
            for line in "".join(c["source"]).splitlines()
        )


def test_numbers_are_formatted_without_rounding_risks_away():
    assert fmt_number(0.996, pct=True) == "> 99 %" and fmt_number(0.004, pct=True) == "< 1 %"
    assert fmt_number(np.nan) == "" and fmt_number(-1509.2, signed=True) == "-1,509"


def test_one_plot_callbacks_hold_back_the_garbage_collector(compare, monkeypatch):
    import gc

    from agriremed.apps.dashboards import comparison

    seen = []
    real = comparison.plan

    def spy(*a, **k):
        seen.append(gc.isenabled())
        return real(*a, **k)

    def broken(*a, **k):
        seen.append(gc.isenabled())
        raise RuntimeError("boom")

    assert gc.isenabled()
    monkeypatch.setattr(comparison, "plan", spy)
    compare.draws.value = 200 if compare.draws.value != 200 else 500
    assert seen == [False] and gc.isenabled()  # deferred during the callback, back on after it
    monkeypatch.setattr(comparison, "plan", broken)
    compare.draws.value = 200 if compare.draws.value != 200 else 500
    assert seen == [False, False] and gc.isenabled()  # also after an error
    assert "id='status-error'" in compare.status.value
    assert Portfolio.defer_gc is False  # long portfolio runs collect as usual


def test_in_a_kernel_the_deferred_collection_runs_once_when_idle(monkeypatch):
    import asyncio
    import gc

    from agriremed.apps.dashboards import _base

    runs = []
    monkeypatch.setattr(_base.gc, "collect", lambda *a: runs.append(a) or 0)
    assert _base.collect_when_idle() is False  # no event loop: nothing scheduled

    async def two_callbacks():
        with _base.gc_deferred():
            assert not gc.isenabled()
        with _base.gc_deferred():
            pass
        assert runs == []  # not inside the callbacks
        await asyncio.sleep(0)
        await asyncio.sleep(0)

    asyncio.run(two_callbacks())
    assert runs == [()] and gc.isenabled()  # one collection after both, and collection is back on


def test_dashboards_plan_with_a_users_fitted_function(tmp_path, monkeypatch):
    # run.sh dash --tables DIR: the kernels get AGRIREMED_TABLES and add the folder's tables
    from agriremed.apps.dashboards import _base
    from agriremed.apps.dashboards.serve import main, voila_command
    from agriremed.io.pairs import fit_transfer_function, write_fit

    fit = fit_transfer_function(ROOT / "data" / "samples" / "soil_crop_pairs.csv", crop="rice",
                                terms=["log10(soil)", "ph"], provinces="Jiangsu")
    write_fit(fit, tmp_path)
    _, env = voila_command(Path("notebooks/dashboards"), open_browser=False, tables=tmp_path)
    assert env["AGRIREMED_TABLES"] == str(tmp_path.resolve())
    monkeypatch.setenv("AGRIREMED_TABLES", str(tmp_path))
    assert fit.function_id in set(_base._packaged_tables().transfer_functions["function_id"])
    from agriremed.apps.dashboards import PlotAssessment

    d = PlotAssessment(ROOT / "data" / "samples" / "plots.csv", plot_id="JS-WX-08")
    assert set(d.uptake.loc[d.uptake["metal"] == "cd", "function_id"]) == {fit.function_id}
    assert main(["--tables", str(tmp_path / "missing"), "--no-browser"]) == 2


def test_assessment_names_the_metals_it_cannot_assess():
    from agriremed.apps.dashboards import PlotAssessment

    d = PlotAssessment(ROOT / "data" / "samples" / "plots.csv", plot_id="GD-SG-15")
    # above screening, no function; Cu and Zn have no food limit in GB 2762, so they are not "not assessed"
    assert list(d.unassessed["metal"]) == ["as", "pb"]
    en, zh = d._crop_table("en"), d._crop_table("zh")
    assert "Not assessed in the crop: As, Pb —" in en
    # As: the library's rice As function is opt-in (usable = false), so there is no *default* one; Pb: none usable
    assert ("no default transfer function for As in any crop; an opt-in one exists (synth_rice_as_bcf, usable = "
            "false in transfer_functions.csv" in en) and "no usable transfer function for Pb in any crop" in en
    assert "作物中未评估：砷、铅——" in zh and "任何作物均无砷的默认转移函数；另有可选启用的函数（synth_rice_as_bcf" in zh
    assert "任何作物均无可用的铅转移函数" in zh
    d2 = PlotAssessment(ROOT / "data" / "samples" / "plots.csv", plot_id="HN-ZZ-01")
    assert d2.unassessed.empty and "ar-not-assessed" not in d2._crop_table("en")


def test_assessment_names_a_user_fit_carried_on_beyond_its_data():
    # a county fit (soil 0.2–2.85, pH 4.6–7.2) and a plot at soil Cd 2.9: the prediction is the fit's value at the
    # end of its data carried on by the packaged function's change, so the table does not say the fit was skipped
    from agriremed.apps.dashboards import PlotAssessment
    from countyfit import county_rice_fit

    fit = county_rice_fit()
    plots = pd.DataFrame({"plot_id": ["p"], "region": ["Hunan/Zhuzhou"], "land_use": ["paddy"], "crop": ["rice"],
                          "area_ha": [1.0], "ph": [5.5], "cd_mg_kg": [2.9]})
    a = PlotAssessment(plots, plot_id="p", tables=fit.tables())
    en, zh = a._crop_table("en"), a._crop_table("zh")
    assert "county_rice_cd, beyond its range carried on by the change synth_rice_cd_ph_hunan predicts" in en
    assert "county_rice_cd（超出其数据范围，按synth_rice_cd_ph_hunan预测的变化延伸）" in zh
    assert "skipped county_rice_cd" not in en
