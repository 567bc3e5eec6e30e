"""Area unit of a plan's texts: mu for a plot in China, ha for a plot elsewhere (Scenario area_unit)."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

import agriremed
from agriremed.apps import cli
from agriremed.core import messages
from agriremed.core.scenario import Scenario, ScenarioError
from agriremed.core.tables import load_tables
from agriremed.io import report, workbook
from agriremed.stages import advice

# a wheat plot of 1 ha (15 mu), Cd 1.5 mg/kg at pH 6.5: safe utilisation under GB 15618
_PLOT = {"plot_id": "X", "area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2,
         "depth_m": 0.2, "land_use": "upland", "crop": "wheat", "ph": 6.5, "cd_mg_kg": 1.5, "basic_farmland": "no",
         "mean_temp_c": 9.0, "annual_rain_mm": 800.0}


def _plan(region, **scenario):
    return agriremed.plan(pd.DataFrame([{**_PLOT, "region": region}]), Scenario(mc_draws=0, **scenario),
                          progress=False)


def _eur_rate() -> float:
    r = load_tables().exchange_rates
    return float(r.loc[r["currency"] == "EUR", "cny_per_unit"].iloc[0])


@pytest.fixture(scope="module")
def uk():
    return _plan("UK/Derbyshire", rule_set="none")


@pytest.fixture(scope="module")
def dk():
    return _plan("Denmark/Jutland", rule_set="none", currency="EUR")


@pytest.fixture(scope="module")
def cn():
    return _plan("Hunan/Zhuzhou")


def test_area_units_follow_the_plots_region():
    regions = ["Hunan/Zhuzhou", "湖南省湘潭市", "Suzhou", "UK/Derbyshire", "Denmark/Jutland", "", None]
    assert advice.area_units(regions).tolist() == ["mu", "mu", "mu", "ha", "ha", "mu", "mu"]
    # without a region a plot is planned as in China whatever the rule set: the rule set chooses land rules only
    assert advice.area_units(["", None], rule_set="none").tolist() == ["mu", "mu"]
    assert advice.area_units(regions, "ha").tolist() == ["ha"] * 7
    assert advice.area_units(regions, "mu", rule_set="none").tolist() == ["mu"] * 7


def test_uk_sentence_is_per_hectare_in_cny(uk):
    s = uk.summary.iloc[0]
    npv, cost = s["npv_vs_baseline_cny_ha"], s["first_year_cost_plot_cny"]
    assert np.isfinite(npv) and np.isfinite(cost)
    text = s["recommendation"]
    assert f"{npv:+,.0f} CNY/ha vs doing nothing over 20 yr" in text
    assert f"First year on the plot (1.00 ha): cost {cost:,.0f} CNY, net " in text
    assert " mu" not in text and "/mu" not in text
    zh = messages.render(s["recommendation_msg"], "zh")
    # the amount, then how its harvests over the food limit are valued (the foliar spray raises the compliance)
    assert f"{npv:+,.0f}元/公顷（超过食品限量的收获按价格的60 %计" in zh
    assert f"地块（1.00公顷）首年成本{cost:,.0f}元" in zh and "亩" not in zh


def test_danish_sentence_is_per_hectare_in_euro_converted_at_the_table_rate(dk):
    s = dk.summary.iloc[0]
    rate = _eur_rate()
    npv, cost = s["npv_vs_baseline_cny_ha"], s["first_year_cost_plot_cny"]
    assert s["npv_vs_baseline_eur_ha"] == pytest.approx(npv / rate)
    assert s["first_year_cost_plot_eur"] == pytest.approx(cost / rate)
    text = s["recommendation"]
    assert f"{npv / rate:+,.0f} EUR/ha ({npv:+,.0f} CNY/ha) vs doing nothing over 20 yr" in text
    assert f"First year on the plot (1.00 ha): cost {cost / rate:,.0f} EUR ({cost:,.0f} CNY), net " in text
    assert " mu" not in text and "/mu" not in text
    zh = messages.render(s["recommendation_msg"], "zh")
    assert f"{npv / rate:+,.0f} 欧元/公顷（{npv:+,.0f}元/公顷）" in zh and "亩" not in zh


def test_chinese_sentence_stays_in_mu(cn):
    s = cn.summary.iloc[0]
    npv, cost = s["npv_vs_baseline_cny_ha"], s["first_year_cost_plot_cny"]
    text = s["recommendation"]
    assert f"{npv:+,.0f} CNY/ha ({npv / 15:+,.0f} CNY/mu) vs doing nothing" in text
    assert f"First year on the plot (15.0 mu): cost {cost:,.0f} CNY" in text
    assert "地块（15.0亩）" in messages.render(s["recommendation_msg"], "zh")


def test_area_unit_option_overrides_the_region():
    uk_mu = _plan("UK/Derbyshire", rule_set="none", area_unit="mu").summary.iloc[0]
    assert "First year on the plot (15.0 mu)" in uk_mu["recommendation"]
    cn_ha = _plan("Hunan/Zhuzhou", area_unit="ha").summary.iloc[0]
    assert "First year on the plot (1.00 ha)" in cn_ha["recommendation"] and "/mu" not in cn_ha["recommendation"]
    with pytest.raises(ScenarioError, match="area_unit"):
        Scenario(area_unit="acre")


def test_measures_per_hectare_outside_china():
    t = load_tables()
    # lime_rice: 7.5 t CaCO3 per ha = 500 kg per mu
    assert "7.50 t per ha (repeat every 2 years)" in advice.measures_text("lime_rice", t, unit="ha")
    assert "500 kg per mu" in advice.measures_text("lime_rice", t)
    assert "每公顷7.50 吨" in advice.measures_text("lime_rice", t, "zh", unit="ha")
    steps = advice.plot_steps("lime_rice", 2.0, t, "en", "ha")
    lime = steps.loc[steps["measure"] == "lime", "text"].iloc[0]
    assert lime.endswith(": 7.50 t per ha, 15.00 t for the plot (repeat every 2 years)")


def test_plot_sheet_in_hectares_and_the_plans_currency(dk, uk, cn):
    rate = _eur_rate()
    s = dk.summary.iloc[0]
    for lang, area in (("en", "1.00 ha"), ("zh", "1.00 公顷")):
        a = advice.plot_advice(dk, "X", lang)
        assert a.fields["area"] == area
    a = advice.plot_advice(dk, "X", "en")
    cost, extra = s["first_year_cost_plot_cny"], s["first_year_extra_cost_plot_cny"]
    # the cost, then what it adds to doing nothing, both in the plan's currency with CNY in brackets
    def signed(x):  # as the sheet writes net money: with its sign, zero unsigned
        return f"{round(x):+,.0f}" if round(x) else "0"

    assert a.first_year_cost == (f"{cost / rate:,.0f} EUR ({cost:,.0f} CNY) ({signed(extra / rate)} EUR "
                                 f"({signed(extra)} CNY) vs unchanged practice)")
    assert advice.plot_advice(uk, "X", "en").first_year_cost == (f"{cost:,.0f} CNY ({signed(extra)} CNY vs "
                                                                  "unchanged practice)")
    assert advice.plot_advice(cn, "X", "zh").fields["area"] == "15.0 亩（1.00 公顷）"


def _summary_header(plan, lang, tmp_path):
    path = workbook.write_workbook(plan, tmp_path / f"{lang}.xlsx", lang)
    ws = openpyxl.load_workbook(path)[workbook.sheet_names(lang)["summary"]]
    return [c.value for c in next(ws.iter_rows(max_row=1))]


def test_workbook_leaves_out_the_columns_per_mu_outside_china(dk, cn, tmp_path):
    head = _summary_header(dk, "zh", tmp_path)
    assert not any("亩" in str(h) for h in head)
    assert any("亩" in str(h) for h in _summary_header(cn, "zh", tmp_path))


def test_workbook_blanks_per_mu_cells_of_hectare_plots_in_a_mixed_plan():
    p = agriremed.plan(pd.DataFrame([{**_PLOT, "region": "UK/Derbyshire"},
                                     {**_PLOT, "plot_id": "Y", "region": "Hunan/Zhuzhou"}]),
                       Scenario(mc_draws=0), progress=False)
    s = workbook._summary_frame(p, "en")
    assert np.isnan(s["area_mu"].iloc[0]) and s["area_mu"].iloc[1] == pytest.approx(15.0)


def test_report_states_the_area_in_hectares_outside_china(dk, cn):
    text = report.plain_summary(report.PlanDigest.from_plan(dk), "en", horizon_yr=20)[0]
    assert text == "1 plot covering 1 ha was planned."
    assert report.plain_summary(report.PlanDigest.from_plan(cn), "en", horizon_yr=20)[0] == \
        "1 plot covering 1 ha (15 mu) was planned."


def test_cli_sets_the_area_unit_and_currency():
    parse = cli.build_parser().parse_args
    sc = cli._plan_scenario(parse(["plan", "plots.csv", "--out", "o", "--area-unit", "ha", "--currency", "GBP"]))
    assert (sc.area_unit, sc.currency) == ("ha", "GBP")
    assert cli._plan_scenario(parse(["plan", "plots.csv", "--out", "o"])).area_unit == "auto"
    with pytest.raises(SystemExit):
        parse(["plan", "plots.csv", "--out", "o", "--area-unit", "acre"])
