"""PV economics against hand computations: provincial tariff, residual value, land lease."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.stages.solar import pv_tariff

D = {"area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
     "annual_rain_mm": 1300.0, "mean_temp_c": 17.0}


@pytest.fixture(scope="module")
def hunan_pv():
    plots = pd.DataFrame([{**D, "plot_id": "PV", "land_use": "marginal", "crop": "none", "ph": 6.0,
                           "cd_mg_kg": 0.2, "region": "Hunan/Xiangtan", "lat": 27.8, "lon": 112.9}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    return p.table.set_index("option_id").loc["pv_grass"]


def test_pv_is_paid_the_provincial_coal_benchmark_price():
    # Hunan 0.45, Gansu 0.3078, Yunnan 0.3358 CNY/kWh (pv_tariffs.csv); Qinghai and Tibet have no row
    # (the listings disagree): the pv_parameters.csv typical 0.35; a scenario price replaces all
    assert pv_tariff(["Hunan/Xiangtan", "湖南/株洲", "Gansu/Baiyin", "云南/红河", "Qinghai/Xining",
                      "Tibet/Lhasa"]).tolist() == [0.45, 0.45, 0.3078, 0.3358, 0.35, 0.35]
    assert pv_tariff(["Hunan/Xiangtan"], tariff_cny_kwh=0.3).tolist() == [0.3]


def test_hunan_plan_sells_pv_electricity_at_the_hunan_price(hunan_pv):
    assert hunan_pv["pv_tariff_cny_kwh"] == pytest.approx(0.45)
    # typical year 11: 0.6667 MWp/ha × 1022.6 kWh/kWp × 0.995^10 × 0.45 CNY/kWh − opex 26 667 − grass cover
    y, mwp = hunan_pv["specific_yield_kwh_kwp_yr"], hunan_pv["pv_mwp_ha"]
    assert y == pytest.approx(1022.62, abs=0.01)
    rev11 = y * mwp * 1000 * 0.995 ** 10 * 0.45
    assert rev11 == pytest.approx(291_788, rel=1e-5)


def _hand_npv(tariff, H=20, r=0.06, life=25, lease_cny_ha_yr=0.0, residual=True):
    """NPV of PV with a grass cover against doing nothing (no income) on 1 ha [CNY ha⁻¹]: typical rows of
    pv_parameters.csv, the Hunan site yield 1022.62 kWh/kWp, grass cover 1350 CNY/ha/yr."""
    t = np.arange(1, H + 1)
    df = 1.06 ** -t if r == 0.06 else (1 + r) ** -t
    mwp = 1 / 1.5                      # land_ha_per_mwp 1.5
    capex = mwp * 1e6 * 4.15           # capex_cny_w 4.15
    opex = mwp * 1e6 * 0.04            # opex_cny_w_yr 0.04
    rev = 1022.6235270037228 * mwp * 1000 * tariff * 0.995 ** (t - 1)
    cf = rev - opex - 1350.0 - lease_cny_ha_yr
    cf[0] -= capex
    if residual:
        cf[-1] += capex * (life - H) / life
    return float((cf * df).sum())


def test_residual_value_of_an_array_outlasting_the_horizon(hunan_pv):
    # 25-year array, 20-year horizon: 5/25 of the 2 766 667 CNY/ha capital cost = 553 333 CNY/ha
    # credited in year 20, worth 553 333 × 1.06^-20 = 172 532 CNY/ha today
    assert _hand_npv(0.45) - _hand_npv(0.45, residual=False) == pytest.approx(172_532, abs=1)
    assert hunan_pv["npv_vs_baseline_cny_ha"] == pytest.approx(_hand_npv(0.45), rel=1e-9)
    assert hunan_pv["npv_vs_baseline_cny_ha"] == pytest.approx(629_645, abs=1)


def test_the_farmer_leases_the_land_and_the_developer_carries_the_plant(hunan_pv):
    # lease 400 CNY/mu/yr × 15 mu/ha = 6000 CNY/ha/yr for 20 years at 6 %: 6000 × 11.46992 = 68 820 CNY/ha
    annuity = float((1.06 ** -np.arange(1, 21)).sum())
    assert hunan_pv["npv_farmer_vs_baseline_cny_ha"] == pytest.approx(6000 * annuity, rel=1e-9)
    assert hunan_pv["npv_farmer_vs_baseline_cny_ha"] == pytest.approx(68_820, abs=1)
    assert hunan_pv["pv_lease_cny_ha_yr"] == pytest.approx(6000.0)
    # the developer has its own account: the plant's NPV less the lease; the programme pays nothing for
    # it (no subsidies.csv row), and farmer + programme + developer = combined NPV
    assert hunan_pv["npv_developer_vs_baseline_cny_ha"] == pytest.approx(_hand_npv(0.45) - 6000 * annuity, rel=1e-9)
    assert hunan_pv["npv_developer_vs_baseline_cny_ha"] == pytest.approx(560_826, abs=1)
    assert hunan_pv["npv_programme_vs_baseline_cny_ha"] == 0.0
    assert hunan_pv["programme_cost_cny_ha"] == 0.0
    assert hunan_pv["npv_vs_baseline_cny_ha"] == pytest.approx(
        hunan_pv["npv_farmer_vs_baseline_cny_ha"] + hunan_pv["npv_programme_vs_baseline_cny_ha"]
        + hunan_pv["npv_developer_vs_baseline_cny_ha"], rel=1e-12)


def _two_provinces(tariff=None):
    plots = pd.DataFrame([
        {**D, "plot_id": "HN", "land_use": "marginal", "crop": "none", "ph": 6.0, "cd_mg_kg": 0.2,
         "region": "Hunan/Changsha", "lat": 28.2, "lon": 112.9},
        {**D, "plot_id": "GS", "land_use": "marginal", "crop": "none", "ph": 8.0, "cd_mg_kg": 0.2,
         "region": "Gansu/Baiyin", "lat": 36.5, "lon": 104.2, "annual_rain_mm": 200.0, "mean_temp_c": 9.0}])
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0, pv_tariff_cny_kwh=tariff))


@pytest.mark.parametrize("tariff, prices", [(None, {"HN": 0.45, "GS": 0.3078}), (0.3, {"HN": 0.3, "GS": 0.3})])
def test_reuse_table_and_matrix_price_pv_as_the_plan(tariff, prices):
    from agriremed.stages.softreuse import reuse_for_plan
    p = _two_provinces(tariff)
    reuse, matrix = reuse_for_plan(p)
    plan = p.table.loc[p.table["option_id"] == "pv_grass"].set_index("plot_id")
    re = reuse.loc[reuse["reuse_id"] == "pv_grass"].set_index("plot_id")
    for pid, price in prices.items():
        assert plan.loc[pid, "pv_tariff_cny_kwh"] == pytest.approx(price)
        assert re.loc[pid, "pv_tariff_cny_kwh"] == pytest.approx(price)
        # one price per plot: the re-use table's NPV of PV with grass is the plan's
        assert re.loc[pid, "npv_vs_baseline_cny_ha"] == pytest.approx(plan.loc[pid, "npv_vs_baseline_cny_ha"],
                                                                      rel=1e-9)
    if tariff is None:
        # Hunan at 0.45 CNY/kWh: +628 910 CNY/ha (at the generic 0.35 it was a net cost, −123 932)
        assert re.loc["HN", "npv_vs_baseline_cny_ha"] == pytest.approx(628_910, abs=1)
        m = matrix.set_index(["plot_id", "reuse_id"]).loc[("HN", "pv_grass")]
        assert m["score_income"] > 0 and "net cost" not in m["why_income"]


@pytest.fixture(scope="module")
def changsha_views():
    plots = pd.DataFrame([{**D, "plot_id": "HN", "land_use": "marginal", "crop": "none", "ph": 6.0,
                           "cd_mg_kg": 0.2, "basic_farmland": "no", "region": "Hunan/Changsha", "lat": 28.2,
                           "lon": 112.9}])
    t = _no_fujian_price()
    return {v: agriremed.plan(plots, agriremed.Scenario(mc_draws=0, economics_view=v), tables=t)
            for v in ("combined", "farmer", "programme")}


def _texts(p):
    from agriremed.core import messages
    return p.summary["recommendation"].iat[0], messages.column_texts(p.summary, "recommendation", "zh")[0]


def test_programme_view_does_not_count_the_developers_profit(changsha_views):
    p = changsha_views["programme"]
    assert p.summary["recommended_option"].iat[0] == "pv_grass"
    assert p.summary["programme_cost_cny_ha"].iat[0] == 0.0
    en, zh = _texts(p)
    # no negative "programme cost" (was "programme cost -560,091 CNY/ha"; zh "项目支出比不治理多-560,091元")
    assert "no programme cost beyond doing nothing over 20 yr" in en and "-560,091" not in en
    assert "20年项目无需比不治理多支出" in zh and "多-" not in zh
    # the developer's own account is named, in every view
    for v in ("combined", "farmer", "programme"):
        en, zh = _texts(changsha_views[v])
        assert "developer's NPV +560,091 CNY/ha (+37,339 CNY/mu)" in en
        assert "开发商净现值+37,339元/亩（+560,091元/公顷）" in zh
    assert "farmer's NPV +68,820 CNY/ha" in _texts(changsha_views["farmer"])[0]


def test_plot_money_of_a_pv_plant_is_the_landholders(changsha_views):
    from agriremed.stages.advice import plot_advice
    p = changsha_views["combined"]
    s = p.summary.iloc[0]
    # 1 ha = 15 mu at 400 CNY/mu/yr: 6 000 CNY a year; the landholder invests nothing
    assert s["first_year_cost_plot_cny"] == 0.0
    assert s["cash_flow_year1_plot_cny"] == pytest.approx(6000.0)
    assert s["cash_flow_typical_plot_cny_yr"] == pytest.approx(6000.0)
    en, zh = _texts(p)
    # was "First year on the plot (15.0 mu): cost 2,794,683 CNY, net -2,487,963 CNY" (the developer's plant)
    assert "cost 2,794,683" not in en and "First year on the plot" not in en
    assert ("On the plot (15.0 mu) the landholder pays nothing and receives a land lease of +6,000 CNY/yr while "
            "the plant runs; the developer invests 2,766,667 CNY up front and sells the power (a typical year "
            "(year 10): net +259,174 CNY/yr after the lease)") in en
    assert "地块（15.0亩）土地所有者无需投入，电站运行期间每年获得土地租金+6,000元/年；开发商首年投资2,766,667元" in zh
    sheet = plot_advice(p, "HN", "en")
    assert sheet.first_year_cost == "0 CNY" and sheet.typical_net == "+6,000 CNY/yr"
    assert "land lease" in sheet.money_note


#: Fujian wasteland planned with tables whose pv_tariffs.csv has no Fujian row (a province whose coal benchmark
#: price the library does not hold: the fallback 0.35 CNY/kWh): the plant's NPV is −118 328 CNY/ha, the
#: developer's after the lease −187 147 CNY/ha. Its As 208 exceeds the GB 36600 intervention value 140: the
#: clean-soil cover of the landholder is set to 0 here (NO_COVER), these tests are about the developer's plant
#: (tests/test_risk_control_cost.py tests the cover).
FUJIAN = {**D, "plot_id": "FJ", "land_use": "marginal", "crop": "none", "ph": 5.2, "region": "Fujian/Quanzhou",
          "cd_mg_kg": 0.2, "as_mg_kg": 208.0, "basic_farmland": "no", "lat": 25.0, "lon": 110.0}


NO_COVER = {"factor.clean_cover_cost_cny_m2": 0.0}


def _no_fujian_price():
    from agriremed.core.tables import load_tables

    t = load_tables()
    return t.replace(pv_tariffs=t.pv_tariffs.loc[t.pv_tariffs["province"] != "Fujian"].reset_index(drop=True))


@pytest.fixture(scope="module")
def fujian_views():
    plots = pd.DataFrame([FUJIAN])
    t = _no_fujian_price()
    return {v: agriremed.plan(plots, agriremed.Scenario(mc_draws=0, economics_view=v, overrides=NO_COVER), tables=t)
            for v in ("combined", "farmer", "programme")}


def test_no_view_recommends_a_pv_plant_no_developer_would_build(fujian_views):
    for v, p in fujian_views.items():
        pv = p.table.set_index("option_id").loc["pv_grass"]
        # no developer: no lease, the landholder carries the plant's loss in every account that counts it
        assert pv["pv_developer_npv_cny_ha"] == pytest.approx(-187_147, abs=1)
        assert np.isnan(pv["pv_lease_cny_ha_yr"])
        assert pv["npv_developer_vs_baseline_cny_ha"] == 0.0
        assert pv["npv_farmer_vs_baseline_cny_ha"] == pytest.approx(-118_328, abs=1)
        assert pv["programme_cost_cny_ha"] == pytest.approx(118_328, abs=1)
        # was pv_grass in the farmer and programme views (the farmer's account held the +68 820 lease)
        assert p.summary["recommended_option"].iat[0] == "miscanthus", v


@pytest.fixture(scope="module")
def fujian_pv_only():
    plots = pd.DataFrame([FUJIAN])
    t = _no_fujian_price()
    return {v: agriremed.plan(plots, agriremed.Scenario(mc_draws=0, economics_view=v, overrides=NO_COVER,
                                                        options=("do_nothing", "pv_grass")), tables=t)
            for v in ("farmer", "programme")}


def test_sentence_of_a_pv_plant_no_developer_would_build(fujian_pv_only):
    from agriremed.stages.advice import plot_advice
    p = fujian_pv_only["farmer"]
    assert p.summary["recommended_option"].iat[0] == "pv_grass"
    en, zh = _texts(p)
    # no row for Fujian in these tables' pv_tariffs.csv: 0.35 CNY/kWh is the assumed default, and the sentence says so
    assert ("farmer's NPV -118,328 CNY/ha (-7,889 CNY/mu) vs doing nothing over 20 yr (not viable for a developer "
            "at 0.35 CNY/kWh, an assumed price: the province's coal-fired benchmark price is not in the library, "
            "check it (developer's NPV -187,147 CNY/ha (-12,476 CNY/mu)); a developer would build it only with a "
            "subsidy or a higher price)") in en
    assert "a developer builds and runs the plant" not in en and "land lease" not in en
    assert ("按假定电价0.35元/千瓦时开发商无利可图：本工具未收录该省燃煤发电基准价，请核实（开发商净现值-12,476元/亩"
            "（-187,147元/公顷））；只有补贴或更高电价时开发商才会建设") in zh
    # the same price given by the scenario is no assumption
    given = agriremed.plan(pd.DataFrame([FUJIAN]), agriremed.Scenario(
        mc_draws=0, economics_view="farmer", options=("do_nothing", "pv_grass"), pv_tariff_cny_kwh=0.35,
        overrides=NO_COVER),
        tables=_no_fujian_price())
    assert ("(not viable for a developer at 0.35 CNY/kWh (developer's NPV -187,147 CNY/ha (-12,476 CNY/mu)): a "
            "developer would build it only with a subsidy or a higher price)") in _texts(given)[0]
    # the plot's money is the landholder's, who builds the plant: 2 766 667 CNY/ha capital + grass cover in year 1
    assert "First year on the plot (15.0 mu): cost 2,794,683 CNY, net -2,555,616 CNY" in en
    s = p.summary.iloc[0]
    assert s["first_year_cost_plot_cny"] == pytest.approx(2_794_683, abs=1)
    assert s["cash_flow_year1_plot_cny"] == pytest.approx(-2_555_616, abs=1)
    sheet = plot_advice(p, "FJ", "en")
    assert sheet.first_year_cost == "2,794,683 CNY" and "land lease" not in sheet.money_note
    en, _ = _texts(fujian_pv_only["programme"])
    assert "programme cost +118,328 CNY/ha (+7,889 CNY/mu) beyond doing nothing" in en
    assert "not viable for a developer at 0.35 CNY/kWh" in en


@pytest.mark.parametrize("rate, developer, lease", [(0.08, 131_773, 6000.0), (0.10, -193_600, np.nan)])
def test_the_developer_decides_at_the_scenarios_discount_rate(rate, developer, lease):
    plots = pd.DataFrame([{**D, "plot_id": "PV", "land_use": "marginal", "crop": "none", "ph": 6.0,
                           "cd_mg_kg": 0.2, "region": "Hunan/Xiangtan", "lat": 27.8, "lon": 112.9}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, discount_rate=rate))
    pv = p.table.set_index("option_id").loc["pv_grass"]
    assert pv["pv_developer_npv_cny_ha"] == pytest.approx(developer, abs=1)
    np.testing.assert_equal(pv["pv_lease_cny_ha_yr"], lease)
    # the yearly transfers take the same decision: the lease is paid only to a financed plant
    cf = p.yearly_cash_flows(transfers=True)
    own = cf.loc[(cf["option_id"] == "pv_grass") & (cf["item"] == "pv_lease"), "cash_flow_cny_ha_yr"]
    if np.isnan(lease):
        assert (own == 0).all()
    else:
        flows = cf.loc[(cf["option_id"] == "pv_grass") & (cf["item"] != "pv_lease")
                       & ~cf["item"].isin(["grain_support", "subsidy"])].groupby("year")["cash_flow_cny_ha_yr"].sum()
        np.testing.assert_allclose(own.to_numpy(), 6000.0 - flows.to_numpy(), rtol=1e-9)
