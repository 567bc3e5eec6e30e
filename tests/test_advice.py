"""The officer's advice: steps with amounts per mu and per plot, first-year cost and yearly income
of the plot, grain monitoring, how long, and the one-page plot sheets."""

from __future__ import annotations

import io
import math

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.stages import advice
from agriremed.core import i18n, messages
from agriremed.core.scenario import Scenario, ScenarioError
from plotdata import make_plots
from agriremed.core.tables import load_tables

SAMPLES = str(Path(__file__).resolve().parents[1] / "data" / "samples" / "plots.csv")


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def result():
    # the compliance target of 0.5, under which flooding is the plan of HN-ZZ-01 (the tests of this module are about
    # the sheet, the money and the sampling of a plan with one typical year; at the default target of 0.9 the VIP+n
    # package is the plan there, tests/test_priority_rules.py and tests/test_compliance_target.py)
    org = {"name": "县农业农村局土肥站", "phone": "0731-1234567"}
    return agriremed.plan(SAMPLES, Scenario(mc_draws=0, organisation=org, target_compliance_prob=0.5), progress=False)


def _row(result, plot, option):
    t = result.table
    return t.loc[(t["plot_id"] == plot) & (t["option_id"] == option)].iloc[0]


def test_mu_from_the_unit_registry():
    from agriremed.core.names import unit_factor

    assert advice.ha_per_mu() == pytest.approx(1 / 15, rel=1e-12)
    assert advice.ha_per_mu() == pytest.approx(unit_factor("亩", "ha"), rel=1e-12)  # the same as through pint


def test_vip_n_steps_amounts_per_mu_and_plot(tables):
    # HN-ZZ-01: 0.42 ha = 6.3 mu; lime 7.5 t/ha (option_parameters.csv) = 500 kg/mu, 3.15 t for the plot
    s = advice.plot_steps("lime_low_cd_rice", 0.42, tables, "en")
    lime = s.loc[s["measure"] == "lime"]
    assert lime["season"].tolist() == ["this"]  # one application lasts two years: not due next season
    assert lime["amount_per_ha"].iloc[0] == 7.5
    assert lime["amount_per_mu"].iloc[0] == pytest.approx(0.5)
    assert lime["amount_plot"].iloc[0] == pytest.approx(3.15)
    assert lime["repeat_yr"].iloc[0] == 2
    assert "500 kg per mu, 3.15 t for the plot" in lime["text"].iloc[0]
    assert "(repeat every 2 years)" in lime["text"].iloc[0]
    this = s.loc[s["season"] == "this", "measure"].tolist()
    nxt = s.loc[s["season"] == "next", "measure"].tolist()
    assert this == ["lime", "low_cd_variety", "flood", "foliar"]
    assert nxt == ["low_cd_variety", "flood", "foliar"]
    zh = advice.plot_steps("lime_low_cd_rice", 0.42, tables, "zh")
    text = zh.loc[zh["measure"] == "lime", "text"].iloc[0]
    assert "每亩500 公斤" in text and "本地块共3.15 吨" in text and "每2年重复一次" in text
    assert i18n.untranslated(" ".join(zh["text"])) == []


def test_steps_amount_comes_from_the_option_table(tables):
    p = tables.option_parameters.copy()
    p.loc[(p["option_id"] == "lime_low_cd_rice") & (p["parameter"] == "lime_t_ha"), "typical"] = 6.0
    s = advice.plot_steps("lime_low_cd_rice", 1.5, tables.replace(option_parameters=p))
    lime = s.loc[s["measure"] == "lime"].iloc[0]
    assert lime["amount_per_mu"] == pytest.approx(0.4)  # 6 t/ha / 15
    assert lime["amount_plot"] == pytest.approx(9.0)


def test_no_flooding_where_as_is_high(tables):
    s = advice.plot_steps("vip_n_no_flood", 1.0, tables)
    assert "flood" not in set(s["measure"]) and "moist_water" in set(s["measure"])


def test_generic_steps_of_a_non_food_option(tables):
    # an annual energy crop is planted again every season; a coppice is planted once
    s = advice.plot_steps("sorghum", 1.0, tables)
    assert s.loc[s["season"] == "this", "measure"].tolist() == ["stop_food", "sow", "harvest_remove"]
    assert s.loc[s["season"] == "next", "measure"].tolist() == ["sow", "harvest_remove"]
    assert s["amount_per_ha"].isna().all()
    assert "下一季：种植甜高粱/能源高粱（一年生作物，每季重新种植）" in advice.measures_text("sorghum", tables, "zh")
    w = advice.plot_steps("willow_src", 1.0, tables)
    assert w.loc[w["season"] == "this", "measure"].tolist() == ["stop_food", "establish", "harvest_remove"]
    assert w.loc[w["season"] == "next", "measure"].tolist() == ["harvest_remove"]


def test_first_year_cost_and_income_hn_zz_01(result, tables):
    # VIP+n on HN-ZZ-01: rice production 15 000 + extra 2 000 + lime 7.5 t × 300 + spreading 800
    # = 20 050 CNY/ha
    r = _row(result, "HN-ZZ-01", "lime_low_cd_rice")
    assert r["cost_year1_cny_ha"] == pytest.approx(15000 + 2000 + 7.5 * 300 + 800)
    # doing nothing: yield 7.14 t × 2 580 CNY/t × (P + (1 − P) × 0.6), P = P(meets the limit)
    b = _row(result, "HN-ZZ-01", "do_nothing")
    p = b["crop_compliance_prob"]
    assert b["revenue_mean_cny_ha_yr"] == pytest.approx(7.14 * 2580 * (p + (1 - p) * 0.6), rel=1e-9)
    assert b["cost_year1_cny_ha"] == pytest.approx(15000)
    s = result.summary.set_index("plot_id").loc["HN-ZZ-01"]
    rec = _row(result, "HN-ZZ-01", s["recommended_option"])
    assert s["area_mu"] == pytest.approx(6.3)
    assert s["first_year_cost_plot_cny"] == pytest.approx(rec["cost_year1_cny_ha"] * 0.42)
    assert s["cash_flow_year1_plot_cny"] == pytest.approx(rec["cash_flow_year1_cny_ha"] * 0.42)
    assert s["cash_flow_typical_plot_cny_yr"] == pytest.approx(rec["cash_flow_typical_cny_ha_yr"] * 0.42)
    # 6.3 mu ≤ 10 mu per composite sample: one sample a season, for Cd (above screening) and, because
    # the recommended continuous flooding raises grain As (option_parameters side effect), for As too
    assert s["recommended_option"] == "flooded_rice"
    assert s["grain_samples_per_season"] == 1
    assert s["monitoring"] == ("grain sampling every season: 1 composite sample for the plot, tested for Cd/As, "
                               "for 20 yr; each sample mixes at least 5 points along the plot's diagonals, taken "
                               "within 3 days before harvest; soil monitoring: re-test the soil for Cd at the "
                               "interval of the county's joint soil and crop monitoring plan (Soil Pollution Law "
                               "Arts. 53–54)")
    assert (f"First year on the plot (6.3 mu): cost {s['first_year_cost_plot_cny']:,.0f} CNY, net "
            f"{s['cash_flow_year1_plot_cny']:+,.0f} CNY; a typical year (year {s['typical_year']:.0f}): net "
            f"{s['cash_flow_typical_plot_cny_yr']:+,.0f} CNY/yr; grain sampling every season") \
        in s["recommendation"]
    zh = messages.render(s["recommendation_msg"], "zh")
    assert f"地块（6.3亩）首年成本{s['first_year_cost_plot_cny']:,.0f}元" in zh
    assert "每季籽粒采样：本地块1个混合样，检测镉、砷，共20年；每个样品按对角线法采集不少于5个点混合，于收获前3天内采样" in zh


@pytest.fixture(scope="module")
def as_zz01():
    """HN-ZZ-01 with As 40 mg/kg (above its screening value 30 at pH 5.1): flooding is ruled out and
    the VIP+n package without flooding is offered."""
    plots = pd.read_csv(SAMPLES)
    plots = plots.loc[plots["plot_id"] == "HN-ZZ-01"].assign(as_mg_kg=40.0)
    return agriremed.plan(plots, Scenario(mc_draws=0), progress=False)


def test_year1_and_typical_year_cash_flow_hn_zz_01(as_zz01):
    result = as_zz01
    # VIP+n without flooding on HN-ZZ-01 (0.42 ha) with As above its screening value, by hand from the
    # option tables:
    # rice sold: 7.14 t/ha × 2 580 CNY/t × (P + (1 − P) × 0.6) (discount sale of grain over the limit);
    # costs every year: rice production 15 000 + low-Cd seed and sprays 1 200 CNY/ha + organic fertiliser
    # 3 t × 800 CNY/t = 2 400 CNY/ha; lime every second year from year 1: 7.5 t × 300 CNY/t + spreading
    # 800 = 3 050 CNY/ha.
    r = _row(result, "HN-ZZ-01", "vip_n_no_flood")
    p = r["crop_compliance_prob"]
    sales = 7.14 * 2580 * (p + (1 - p) * 0.6)
    assert r["cash_flow_year1_cny_ha"] == pytest.approx(sales - 15000 - 1200 - 2400 - 3050, rel=1e-9)
    # years 2…20: ten without lime (2, 4, …, 20) and nine with it; the median year is one without lime,
    # and year 2 is the first of them
    assert r["cash_flow_typical_cny_ha_yr"] == pytest.approx(sales - 15000 - 1200 - 2400, rel=1e-9)
    assert r["typical_year"] == 2
    # the series the plan shows (Plan.yearly_cash_flows) gives the same two years
    cf = result.yearly_cash_flows(["HN-ZZ-01"])
    net = cf.loc[cf["option_id"] == "vip_n_no_flood"].groupby("year")["cash_flow_cny_ha_yr"].sum()
    assert net.loc[1] == pytest.approx(r["cash_flow_year1_cny_ha"])
    assert net.loc[2] == pytest.approx(r["cash_flow_typical_cny_ha_yr"])
    assert net.loc[3] == pytest.approx(r["cash_flow_year1_cny_ha"])
    # not the 20-year NPV spread over the years
    assert r["cash_flow_typical_cny_ha_yr"] != pytest.approx(r["npv_cny_ha"] / 20, rel=0.05)
    s = result.summary.set_index("plot_id").loc["HN-ZZ-01"]
    if s["recommended_option"] == "vip_n_no_flood":
        assert s["cash_flow_year1_plot_cny"] == pytest.approx((sales - 21650) * 0.42, rel=1e-9)
        assert s["cash_flow_typical_plot_cny_yr"] == pytest.approx((sales - 18600) * 0.42, rel=1e-9)
        assert s["typical_year"] == 2


def test_typical_year_is_an_actual_year_of_the_series():
    from agriremed.stages.economics import typical_year

    # establishment in year 1, half yield in year 2, then steady: the steady year is typical
    y1, typ, yr = typical_year([[-9000.0, 400.0, 1500.0, 1500.0, 1500.0],
                                [100.0, -50.0, 200.0, -50.0, 200.0],  # re-applied every 2nd year: a tie
                                [5.0, 5.0, 5.0, 5.0, 5.0]])
    assert y1.tolist() == [-9000.0, 100.0, 5.0]
    assert typ.tolist() == [1500.0, -50.0, 5.0]  # lower median of years 2…5
    assert yr.tolist() == [3.0, 2.0, 2.0]
    y1, typ, yr = typical_year([[-10.0]])  # a one-year horizon has no typical later year
    assert y1.tolist() == [-10.0] and math.isnan(typ[0]) and math.isnan(yr[0])


def test_strict_control_plot_money_and_no_grain_sampling(result):
    # HN-CS-04 (strict control, 0.28 ha = 4.2 mu): fallow costs 1 500 CNY/ha a year (cover crop) and
    # earns nothing
    f = _row(result, "HN-CS-04", "fallow")
    assert f["cost_year1_cny_ha"] == pytest.approx(1500)
    assert f["revenue_mean_cny_ha_yr"] == pytest.approx(0)
    s = result.summary.set_index("plot_id").loc["HN-CS-04"]
    assert s["soil_class"] == "strict_control"
    assert s["grain_samples_per_season"] == 0
    assert s["monitoring"] == ("no food crop: no crop sampling; soil monitoring: re-test the soil for Cd/Pb/Zn at "
                               "the interval of the county's joint soil and crop monitoring plan (Soil Pollution "
                               "Law Arts. 53–54)")
    assert s["duration_text"] == "stabilises, does not clean up"
    rec = _row(result, "HN-CS-04", s["recommended_option"])
    assert s["first_year_cost_plot_cny"] == pytest.approx(rec["cost_year1_cny_ha"] * 0.28)
    assert "First year on the plot (4.2 mu)" in s["recommendation"]


def test_grain_samples_follow_the_area(tables):
    summary = pd.DataFrame({"plot_id": ["a", "b", "c"], "area_ha": [0.5, 2.0, 0.7], "crop": ["rice"] * 3,
                            "metals_exceeding": ["cd+zn", "cd", ""], "controlling_metal": ["cd", "cd", "pb"],
                            "recommended_option": ["low_cd_rice"] * 3})
    table = pd.DataFrame({"plot_id": ["a", "b", "c"], "recommended": [True] * 3,
                          "option_kind": ["safe_crop"] * 3, "food_crop": ["rice"] * 3,
                          "cost_year1_cny_ha": [100.0] * 3, "revenue_mean_cny_ha_yr": [10.0] * 3,
                          "years_p50": [math.nan] * 3, "years_to_target": [math.nan] * 3,
                          "target_metals": ["cd"] * 3})
    c = advice.summary_columns(summary, table, tables, "GB2762", 20)
    # 7.5 mu → 1; 30 mu → 3; 10.5 mu → 2 (one per started 10 mu)
    assert c["grain_samples_per_season"].tolist() == [1, 3, 2]
    assert c["first_year_cost_plot_cny"].tolist() == pytest.approx([50, 200, 70])
    # Zn has no food limit in GB 2762: not tested; below screening the controlling metal is tested
    assert "tested for Cd," in c["monitoring"][0] and "Zn" not in c["monitoring"][0].split(";")[0]
    assert "tested for Pb," in c["monitoring"][2]


def test_grain_samples_per_season_by_hand():
    # one composite per started 10 mu, at least 1 a season, none without a food crop:
    # 6.3 mu → 1; 10 mu → 1; 10.000000001 mu (0.6667 ha converted) → 1; 10.5 mu → 2; 30 mu → 3;
    # 0.2 mu → 1 (the minimum); 45 mu without a food crop → 0
    got = advice.grain_samples_per_season([6.3, 10.0, 10.000000001, 10.5, 30.0, 0.2, 45.0],
                                          [True] * 6 + [False], 10.0, 1.0)
    assert got.tolist() == [1, 1, 1, 2, 3, 1, 0]
    # a county rule of one sample per 100 mu and at least 2 per plot: 250 mu → 3, 30 mu → 2
    assert advice.grain_samples_per_season([250.0, 30.0], [True, True], 100.0, 2.0).tolist() == [3, 2]


def test_grain_sampling_rule_says_what_is_sourced(tables):
    t = tables.monitoring_rules.set_index("parameter")
    # the sampling points, the timing and the lot come from the grain-sampling rule of the
    # production base (at least 5 points on the diagonals, within 3 d before harvest) ...
    assert t.loc["subsamples_per_composite", "value"] == 5
    assert t.loc["subsamples_per_composite", "source"] == "moa2005_grain_sampling"
    assert t.loc["sampling_days_before_harvest", "value"] == 3
    assert t.loc["sampling_days_before_harvest", "unit"] == "d"
    assert t.loc["sampling_days_before_harvest", "source"] == "moa2005_grain_sampling"
    # ... the area one sample stands for is an assumption, and says so
    assert t.loc["grain_area_per_sample_mu", "source"].split(";")[0] == "agriremed_assumption"
    assert "ASSUMPTION" in t.loc["grain_area_per_sample_mu", "note"]
    # the summary text follows the table, not a fixed sentence
    rules = dict(advice.monitoring_rules(tables), subsamples_per_composite=8.0, sampling_days_before_harvest=2.0)
    text = advice._monitoring(3, ["cd"], 20, True, "en", rules)
    assert text.endswith("3 composite samples for the plot, tested for Cd, for 20 yr; each sample mixes at least "
                         "8 points along the plot's diagonals, taken within 2 days before harvest")


def test_do_nothing_says_metals_stay(result):
    assert advice.years_text([float("nan")], ["baseline"], [""]).tolist() == ["metals stay in the soil"]
    m = advice.years_messages([float("nan"), 12.4, 5991.0, 3.0], ["baseline", "phytoextraction",
                                                                 "phytoextraction", "immobilisation"], ["", "cd", "cd", "cd"])
    assert [messages.render(x, "zh") for x in m] == ["重金属仍留在土壤中", "约12年", "> 200年",
                                                     "稳定土壤、不能去除重金属（非修复方法）"]
    s = result.summary.set_index("plot_id")
    base = s.loc[(s["recommended_option"] == "do_nothing") & (s["soil_class"] != "priority_protection")]
    assert len(base) and (base["duration_text"] == "metals stay in the soil").all()
    assert (base["duration_text_msg"] == '[["dur.stay"]]').all()
    assert list(messages.render_column(s["duration_text_msg"], "en")) == list(s["duration_text"].fillna(""))
    zh = {p: messages.render(x, "zh") for p, x in s["duration_text_msg"].items()}
    assert all(zh[p] == "重金属仍留在土壤中" for p in base.index)


def test_duration_text_has_its_unit():
    # issue 16: a clean-up option's years read with their unit, "about 64 yr" / 约64年, never a bare number;
    # beyond 200 years "> 200 yr" / > 200年 as the sentence's P10–P90 bounds; the texts of options that
    # are not clean-up methods are unchanged
    kinds = ["phytoextraction"] * 6 + ["immobilisation", "safe_crop", "phytomanagement"]
    years = [64.2, 12.4, 350.0, float("inf"), 0.0, 0.3, float("inf"), float("inf"), 5991.0]
    m = advice.years_messages(years, kinds, ["cd"] * 9)
    assert [messages.render(x, "en") for x in m] == [
        "about 64 yr", "about 12 yr", "> 200 yr", "> 200 yr", "already at the target", "less than 1 yr",
        "stabilises, does not clean up", "protects the crop, does not clean up", "stabilises, does not clean up"]
    assert [messages.render(x, "zh") for x in m] == [
        "约64年", "约12年", "> 200年", "> 200年", "已达到目标", "不到1年",
        "稳定土壤、不能去除重金属（非修复方法）", "降低作物吸收、保护作物，不改变土壤中的重金属（非修复方法）",
        "稳定土壤、不能去除重金属（非修复方法）"]
    # the bound reads as the recommendation's P10–P90 range prints it
    over = messages.render(messages.Message.of("rec.range_over", p10="150", p90="> 200"), "en")
    assert "> 200" in over and messages.render(m[2], "en").startswith("> 200")


def test_summary_duration_text_of_a_clean_up_option():
    # a strict-control paddy (Cd 2.5 mg/kg) recommended a clean-up crop: the summary's duration_text
    # gives N, the rounded years_p50 (or years to target), in English and in Chinese
    plots = pd.DataFrame([{"plot_id": "S", "region": "Hunan/Zhuzhou/Lukou", "land_use": "paddy", "crop": "rice",
                           "area_ha": 0.5, "ph": 6.0, "som_pct": 3.0, "clay_pct": 30.0, "bulk_density_g_cm3": 1.15,
                           "depth_m": 0.2, "cd_mg_kg": 2.5, "basic_farmland": "yes", "mean_temp_c": 17.6,
                           "annual_rain_mm": 1410.0}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id").loc["S"]
    rec = p.table.loc[p.table["recommended"]].iloc[0]
    y = rec["years_p50"] if not math.isnan(rec["years_p50"]) else rec["years_to_target"]
    assert 20 < y <= 200, (s["recommended_option"], y)
    # beyond the 20-yr plan horizon it is said to be no clean-up within it
    en = f"not a clean-up within the plan horizon (20 yr; about {y:.0f} yr)"
    zh = f"规划期（20年）内不能完成修复（约{y:.0f}年）"
    assert s["duration_text"] == en
    assert messages.render(s["duration_text_msg"], "zh") == zh
    # the plot sheet prints the same
    assert advice.plot_advice(p, "S", "en").how_long == en
    assert advice.plot_advice(p, "S", "zh").how_long == zh
    # within the horizon: "about N yr", 约N年
    m = advice.years_messages([12.4], ["phytoextraction"], ["cd"], None, 20)[0]
    assert messages.render(m, "en") == "about 12 yr" and messages.render(m, "zh") == "约12年"


def test_cli_table_do_nothing_text(result):
    from agriremed.apps.cli import _years_column

    years = dict(zip(result.summary["plot_id"], _years_column(result), strict=True))
    s = result.summary.set_index("plot_id")
    for pid, opt in s["recommended_option"].items():
        if opt == "do_nothing" and s.loc[pid, "soil_class"] != "priority_protection":
            assert years[pid] == "metals stay in the soil"
        elif s.loc[pid, "duration_text"] == "stabilises, does not clean up":
            assert years[pid] == "stabilises, does not clean up"
    # the console says what the summary says (clean land: nothing to clean up)
    assert [years[p] for p in s.index] == [t if isinstance(t, str) and t else "-" for t in s["duration_text"]]


def test_metals_without_food_limit_are_not_not_assessed(result, tables):
    has = advice.food_limit_metals(["rice"] * 3, ["cd", "cu", "zn"], "GB2762", tables)
    assert has.tolist() == [True, False, False]
    s = result.summary.set_index("plot_id")
    # HN-CS-04 exceeds for Cd, Pb and Zn: Pb has a limit but no transfer function, Zn has no limit in GB 2762
    assert "zn" in s.loc["HN-CS-04", "metals_exceeding"].split("+")
    assert s.loc["HN-CS-04", "metals_not_assessed"] == "pb"
    # its recommended option grows no food: there is no harvest to measure Pb in, so the sentence does
    # not ask for it (the soil re-test names the metals above screening instead)
    assert "not assessed" not in s.loc["HN-CS-04", "recommendation"]
    assert "re-test the soil for Cd/Pb/Zn" in s.loc["HN-CS-04", "recommendation"]
    # GD-SG-15 exceeds for Cu and Zn too: neither is listed
    assert set(s.loc["GD-SG-15", "metals_not_assessed"].split("+")) == {"as", "pb"}
    u = result.uptake
    why = u.loc[(u["plot_id"] == "HN-CS-04") & (u["metal"] == "zn"), "not_assessed_reason"].iloc[0]
    assert why == "GB2762 sets no food limit for Zn in this crop"
    msg = u.loc[(u["plot_id"] == "HN-CS-04") & (u["metal"] == "zn"), "not_assessed_reason_msg"].iloc[0]
    assert messages.render(msg, "en") == why
    assert messages.render(msg, "zh") == "GB2762未规定该作物中锌的限量"


def test_strict_control_hg_paddy_gets_every_non_food_use():
    df = pd.read_csv(SAMPLES).iloc[[0]].copy()
    df["plot_id"], df["hg_mg_kg"], df["cd_mg_kg"] = "HG-1", 3.0, 0.2  # Hg above its intervention value
    p = agriremed.plan(df, Scenario(mc_draws=0), progress=False)
    assert p.summary["soil_class"].iloc[0] == "strict_control"
    ok = set(p.table.loc[p.table["applicable"].astype(bool), "option_id"])
    assert {"fallow", "sorghum", "maize_energy", "ramie", "miscanthus"} <= ok
    assert p.summary["recommended_option"].iloc[0] != "fallow" or len(ok) > 1
    assert not ok & {"lime_low_cd_rice", "low_cd_rice", "do_nothing"}


def test_organisation_is_checked():
    assert Scenario(organisation={"name": "x", "phone": "+86 731 1234567"}).organisation["name"] == "x"
    with pytest.raises(ScenarioError, match="organisation.phone"):
        Scenario(organisation={"name": "x", "phone": "call me"})
    with pytest.raises(ScenarioError, match="organisation.fax"):
        Scenario(organisation={"name": "x", "fax": "1"})
    with pytest.raises(ScenarioError, match="scenario field organisation"):
        Scenario(organisation={"phone": "0731-1"})
    with pytest.raises(ScenarioError, match="organisation"):
        Scenario(organisation="county bureau")
    s = Scenario(organisation={"name": "农业农村局"})
    assert Scenario.from_dict(s.to_dict()) == s


CLASS_TEXT = {
    "en": {"strict_control": "strict control", "safe_utilisation": "safe utilisation",
           "priority_protection": "priority protection"},
    "zh": {"strict_control": "严格管控类", "safe_utilisation": "安全利用类",
           "priority_protection": "优先保护类"},
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sheets_one_page_per_plot(result, tmp_path, lang):
    cls = CLASS_TEXT[lang]
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("reportlab")
    from agriremed.io.sheets import write_sheets

    paths = write_sheets(result, tmp_path / "sheets", lang=lang, date="2026-12-05")
    classes = dict(zip(result.summary["plot_id"], result.summary["soil_class"], strict=True))
    for pid, c in classes.items():
        r = pypdf.PdfReader(tmp_path / "sheets" / f"{pid}.pdf")
        assert len(r.pages) == 1, pid
        text = r.pages[0].extract_text().replace("\n", "")
        assert pid in text and cls[c] in text, pid
    assert len(pypdf.PdfReader(paths["sheets_all"]).pages) == len(classes)


def test_sheet_content(result):
    pypdf = pytest.importorskip("pypdf")
    from agriremed.io.sheets import sheet_pdf

    b = sheet_pdf(result, "HN-ZZ-01", "zh", date="2026-12-05")
    text = pypdf.PdfReader(io.BytesIO(b)).pages[0].extract_text().replace("\n", "")
    assert "6.3 亩（0.42 公顷）" in text and "0731-1234567" in text and "2026-12-05" in text
    assert "每季籽粒采样" in text and "备选方案" in text
    s = result.summary.set_index("plot_id").loc["HN-ZZ-01"]
    year = f"{s['typical_year']:.0f}"
    # year 1 and a typical year of the option's cash flows, for the plot
    assert f"第一年净现金流：{s['cash_flow_year1_plot_cny']:+,.0f} 元" in text
    assert f"典型年份（第{year}年）净现金流：{s['cash_flow_typical_plot_cny_yr']:+,.0f} 元/年" in text
    assert "年收入" not in text
    en = pypdf.PdfReader(io.BytesIO(sheet_pdf(result, "HN-ZZ-01", "en", date="2026-12-05"))).pages[0]
    en = en.extract_text().replace("\n", " ")
    assert f"Net cash flow in a typical year (year {year}): {s['cash_flow_typical_plot_cny_yr']:+,.0f} CNY/yr" in en
    assert sheet_pdf(result, "HN-ZZ-01", "zh", date="2026-12-05") == b  # reproducible bytes
    with pytest.raises(KeyError, match="NOPE"):
        sheet_pdf(result, "NOPE")


def test_cli_sheets(tmp_path):
    pytest.importorskip("reportlab")
    from agriremed.apps.cli import main

    out = tmp_path / "out"
    assert main(["plan", SAMPLES, "--out", str(out), "--draws", "0", "--no-report", "--quiet",
                 "--sheets", "--lang", "zh"]) == 0
    pdfs = sorted(p.name for p in (out / "sheets").glob("*.pdf"))
    assert len(pdfs) == 17 and "HN-ZZ-01.pdf" in pdfs and "all_plots.pdf" in pdfs
    assert main(["plan", SAMPLES, "--out", str(out), "--sheets", "--chunk-size", "5", "--quiet"]) == 2


def test_comparison_dashboard_sheet_button():
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("ipywidgets")
    from agriremed.apps.dashboards import OptionComparison

    c = OptionComparison(SAMPLES, plot_id="HN-ZZ-01", background=False, scenario=Scenario(mc_draws=0))
    assert c.sheet_button.filename == "HN-ZZ-01.pdf" and not c.sheet_button.disabled
    assert c.sheet_button.description == "Print / save sheet"
    r = pypdf.PdfReader(io.BytesIO(c.sheet_button.payload()))
    assert len(r.pages) == 1 and "Advice for plot HN-ZZ-01" in r.pages[0].extract_text()
    c.set_lang("zh")
    assert c.sheet_button.description == "打印/保存建议单"
    text = pypdf.PdfReader(io.BytesIO(c.sheet_button.payload())).pages[0].extract_text()
    assert "地块HN-ZZ-01治理建议" in text.replace("\n", "")


def test_sheet_prints_the_farmer_column():
    pypdf = pytest.importorskip("pypdf")
    from agriremed.io.sheets import sheet_pdf

    df = pd.read_csv(SAMPLES).iloc[[0]].copy()
    df["farmer"] = "张三"
    p = agriremed.plan(df, Scenario(mc_draws=0), progress=False)
    text = pypdf.PdfReader(io.BytesIO(sheet_pdf(p, "HN-ZZ-01", "en"))).pages[0].extract_text()
    assert "Farmer" in text and "张三" in text


def test_measures_column_per_mu(result, tables):
    s = result.summary.set_index("plot_id")
    for pid in ("HN-ZZ-01", "HN-CS-04"):
        assert s.loc[pid, "measures"] == advice.measures_text(s.loc[pid, "recommended_option"], tables)
    t = advice.measures_text("vip_n_no_flood", tables)
    this, nxt = t.split(" | ")
    # lime is re-applied when its two-year effect ends (reapply_interval_yr of option_parameters.csv)
    assert this.startswith("This season: Spread ground limestone")
    assert ": 500 kg per mu (repeat every 2 years)" in this
    assert "limestone" not in nxt and "Do not flood continuously" in nxt
    zh = advice.measures_text("vip_n_no_flood", tables, "zh")
    assert "每亩500 公斤" in zh and i18n.untranslated(zh) == []


def test_plot_clause_in_another_currency():
    df = pd.read_csv(SAMPLES).iloc[[0]].copy()
    # (the compliance target of 0.5: flooding, one typical year, is the plan)
    p = agriremed.plan(df, Scenario(mc_draws=0, currency="EUR", target_compliance_prob=0.5), progress=False)
    s = p.summary.iloc[0]
    c, n, i = s["first_year_cost_plot_cny"], s["cash_flow_year1_plot_cny"], s["cash_flow_typical_plot_cny_yr"]
    assert s["first_year_cost_plot_eur"] == pytest.approx(c / 7.7748)
    assert s["cash_flow_typical_plot_eur_yr"] == pytest.approx(i / 7.7748)
    assert (f"cost {c / 7.7748:,.0f} EUR ({c:,.0f} CNY), net {n / 7.7748:+,.0f} EUR ({n:+,.0f} CNY); a typical "
            f"year (year {s['typical_year']:.0f}): net {i / 7.7748:+,.0f} EUR/yr ({i:+,.0f} CNY/yr)"
            in s["recommendation"])
    assert f"首年成本{c / 7.7748:,.0f} 欧元（{c:,.0f}元）" in messages.render(s["recommendation_msg"], "zh")


def test_cli_years_column_in_chinese(result):
    from agriremed.apps.cli import _years_column

    zh = dict(zip(result.summary["plot_id"], _years_column(result, "zh"), strict=True))
    assert zh["SD-YT-14"] == "重金属仍留在土壤中"  # doing nothing (orchard Cu: no measure in the library)
    # a safe crop (continuous flooding): it lowers the crop's uptake, it does not hold metals in the soil
    assert result.summary.set_index("plot_id").loc["HN-ZZ-01", "recommended_option"] == "flooded_rice"
    assert zh["HN-ZZ-01"] == "降低作物吸收、保护作物，不改变土壤中的重金属（非修复方法）"
    assert dict(zip(result.summary["plot_id"], _years_column(result, "en"), strict=True))["HN-ZZ-01"] == \
        "protects the crop, does not clean up"


def test_as_amendment_steps_hand_computed(tables):
    # 3 t/ha = 200 kg/mu; 0.45 ha → 1.35 t; every year, no flooding
    s = advice.plot_steps("as_fe_si_amendment", 0.45, tables)
    am = s.loc[(s["measure"] == "as_amendment") & (s["season"] == "this")].iloc[0]
    assert am["amount_per_mu"] == pytest.approx(0.2) and am["amount_plot"] == pytest.approx(1.35)
    # the cost model buys it every year (reapply_interval_yr = 1): the step says so
    assert am["repeat_yr"] == 1
    assert am["text"].endswith(": 200 kg per mu, 1.35 t for the plot (every year)")
    assert "moist_water" in set(s["measure"]) and "flood" not in set(s["measure"])
    assert set(s.loc[s["season"] == "next", "measure"]) == {"moist_water", "grow_rice"}
    zh = advice.plot_steps("as_fe_si_amendment", 0.45, tables, "zh")
    assert zh.loc[zh["measure"] == "as_amendment", "text"].iloc[0].endswith("：每亩200 公斤，本地块共1.35 吨（每年施用）")
    assert "每亩200 公斤（每年施用）" in advice.measures_text("as_fe_si_amendment", tables, "zh")
    # lime every 2 years keeps its own words; a step without an interval says nothing of repeating
    lime = advice.plot_steps("lime_rice", 0.45, tables)
    assert lime.loc[lime["measure"] == "lime", "text"].iloc[0].endswith("(repeat every 2 years)")
    assert not any("every year" in t for t in advice.plot_steps("biochar_amendment", 0.45, tables)["text"])


def test_vip_n_organic_fertiliser_rate_hand_computed(tables):
    # 3 t/ha a year = 200 kg/mu; 0.45 ha → 1.35 t, once a year (this season)
    s = advice.plot_steps("vip_n_no_flood", 0.45, tables)
    of = s.loc[s["measure"] == "organic_fertiliser"]
    assert of["season"].tolist() == ["this"]
    assert of["amount_per_mu"].iloc[0] == pytest.approx(0.2) and of["amount_plot"].iloc[0] == pytest.approx(1.35)
    assert "NY 525" in of["text"].iloc[0] and of["text"].iloc[0].endswith(": 200 kg per mu, 1.35 t for the plot")


def test_metals_an_option_raises_are_tested_in_the_grain():
    from agriremed.core.tables import load_tables

    t = load_tables()
    raised = advice.raised_metals(t)
    assert raised == {"flooded_rice": ["as"], "lime_low_cd_rice": ["as"]}
    # a drained package does not raise As, so its grain is tested for the exceeding metal only
    assert "vip_n_no_flood" not in raised
    raised["flooded_rice"].append("cd")  # each call gives its own lists (the tables keep theirs)
    assert advice.raised_metals(t)["flooded_rice"] == ["as"]


def test_monitoring_is_a_message(result):
    """The monitoring advice of the summary is a message: English gives the monitoring column,
    Chinese the catalogue's words, with the samples, metals and years of the plot."""
    s = result.summary
    planned = s["monitoring_msg"] != ""
    assert planned.any()
    assert list(messages.render_column(s.loc[planned, "monitoring_msg"], "en")) == list(s.loc[planned, "monitoring"])
    m = advice._monitoring_message(2, ["cd", "pb"], 20.0, True, {"subsamples_per_composite": 5.0,
                                                                 "sampling_days_before_harvest": 3.0})
    assert messages.render(m, "zh") == ("每季籽粒采样：本地块2个混合样，检测镉、铅，共20年；"
                                        "每个样品按对角线法采集不少于5个点混合，于收获前3天内采样")
    assert messages.render(m, "en") == ("grain sampling every season: 2 composite samples for the plot, tested for "
                                        "Cd/Pb, for 20 yr; each sample mixes at least 5 points along the plot's "
                                        "diagonals, taken within 3 days before harvest")
    assert messages.render(advice._monitoring_message(1, [], 20.0, False), "zh") == "不种植食用作物：无需农产品采样"


def test_soil_monitoring_cites_chinese_law_only_under_the_china_rule_set():
    # a UK wheat plot (Cd 1.5 mg/kg, safe utilisation under GB 15618) planned without the Chinese
    # rules and with the EU food standard: the soil re-test names no Chinese law
    plots = make_plots(1, land_use="upland", crop="wheat", ph=6.5, cd_mg_kg=1.5, mean_temp_c=9.5,
                       region="UK/Derbyshire")
    en = "soil monitoring: re-test the soil for Cd at the interval of the local soil monitoring plan"
    for rule_set, standard in (("none", "EU2023_915"), ("none", "GB2762")):
        p = agriremed.plan(plots, Scenario(mc_draws=0, rule_set=rule_set, food_standard=standard))
        s = p.summary.iloc[0]
        assert s["monitoring"].endswith(en) and "Soil Pollution Law" not in s["recommendation"]
        zh = messages.render(s["recommendation_msg"], "zh")
        assert "按当地土壤监测方案的频次复测土壤镉" in zh and "土壤污染防治法" not in zh
        sheet = advice.plot_advice(p, "P1", "zh")
        assert sheet.monitoring.endswith("按当地土壤监测方案的频次复测土壤镉")
    china = agriremed.plan(plots, Scenario(mc_draws=0, rule_set="china")).summary.iloc[0]
    assert china["monitoring"].endswith("(Soil Pollution Law Arts. 53–54)")
    # the default rule set (auto) governs a plot outside China by none
    auto = agriremed.plan(plots, Scenario(mc_draws=0)).summary.iloc[0]
    assert auto["rule_set"] == "none" and auto["monitoring"].endswith(en)


#: Every GB 15618 metal measured below its screening value (pH 6), so only the metals a test raises
#: are above it.
_ALL_METALS = {"cd_mg_kg": 0.1, "pb_mg_kg": 30.0, "as_mg_kg": 5.0, "hg_mg_kg": 0.1, "cr_mg_kg": 50.0,
               "cu_mg_kg": 20.0, "ni_mg_kg": 20.0, "zn_mg_kg": 100.0}


def test_harvest_sampling_names_the_metals_where_the_crop_has_no_limit_for_them():
    """Hunan rapeseed (GB 2762 limits no metal in oilseed) with Cd 1.0 and Pb 150 mg/kg is tested
    for Cd and Pb and the sentence says the standard sets no limit for rapeseed; an apple orchard
    with only As (or Zn) above screening (GB 2762 limits Cd and Pb in fruit, not As or Zn) is
    tested for Cd and Pb and says As has no limit. Never "the metals of the food standard"."""
    plots = make_plots(3, plot_id=["RAPE", "APPLE_AS", "APPLE_ZN"], land_use=["upland", "orchard", "orchard"],
                       crop=["rapeseed", "apple", "apple"], ph=6.0, region="Hunan/Zhuzhou/Lukou",
                       **{**_ALL_METALS, "cd_mg_kg": [1.0, 0.1, 0.1], "pb_mg_kg": [150.0, 30.0, 30.0],
                          "as_mg_kg": [5.0, 60.0, 5.0], "zn_mg_kg": [100.0, 100.0, 600.0]})
    p = agriremed.plan(plots, Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert s["metals_exceeding"].tolist() == ["cd+pb", "as", "zn"]
    assert s.at["RAPE", "food_standard"] == "GB2762"
    rape_en = ("tested for Cd/Pb (GB2762 sets no limit for Rapeseed (oilseed rape); compare the results with "
               "the limits that apply locally to its products), for 20 yr")
    rape_zh = "检测镉、铅（GB2762未规定油菜的限量，检测结果请对照当地适用于其产品的限量），共20年"
    apple_en = "tested for Cd/Pb, the metals GB2762 limits for Apple (it sets no limit for {m} in it), for 20 yr"
    apple_zh = "检测镉、铅（GB2762对苹果规定限量的重金属；未规定{m}的限量），共20年"
    for pid, en, zh in (("RAPE", rape_en, rape_zh), ("APPLE_AS", apple_en.format(m="As"), apple_zh.format(m="砷")),
                        ("APPLE_ZN", apple_en.format(m="Zn"), apple_zh.format(m="锌"))):
        assert en in s.at[pid, "monitoring"], s.at[pid, "monitoring"]
        assert en in s.at[pid, "recommendation"]
        assert zh in messages.render(s.at[pid, "recommendation_msg"], "zh")
        for lang, text in (("en", en), ("zh", zh)):
            sheet = advice.plot_advice(p, pid, lang)
            assert text in sheet.monitoring and text in sheet.sentence
            assert messages.render("mon.any_metal", lang) not in sheet.monitoring
    # the message codes exist in both catalogues
    for code in ("mon.group_metals", "mon.group_metals_listed", "mon.metals_no_limit", "mon.metals_no_limit_listed"):
        assert code in messages.catalogue("en") and code in messages.catalogue("zh")


def test_harvest_sampling_under_a_partial_standard_says_the_library_holds_no_limit():
    # EU 2023/915 is only partly in food_limits.csv: rapeseed with Zn above screening (no EU limit for Zn in
    # the library at all) names Zn and says the library holds no EU limit for rapeseed
    t = load_tables()
    assert advice.food_limit_group_metals("rapeseed", "GB2762", t) == []
    assert advice.food_limit_group_metals("apple", "GB2762", t) == ["cd", "pb"]
    m = advice._tested_metals("rapeseed", "EU2023_915", ["zn"], t)
    assert m[0] == ["zn"]
    assert messages.render(m[1], "en") == ("Zn (the library holds no EU 2023/915 limit for Rapeseed (oilseed rape); "
                                           "check the standard's text)")
    assert messages.render(m[1], "zh") == "锌（本库未收录EU 2023/915对油菜的限量，请查阅标准原文）"
    assert advice._tested_metals("apple", "GB2762", [], t)[0] == ["cd", "pb"]
    assert advice._tested_metals("rapeseed", "GB2762", [], t) == ([], messages.Message())


def test_unknown_clean_up_time_is_said_not_left_blank():
    # an option whose clean-up years could not be computed says so (the plot sheet's "How long" line
    # was empty); doing nothing and stabilising options keep their own texts
    m = advice.years_messages([float("nan"), 77.4, float("nan")], ["phytomanagement", "phytomanagement", "baseline"],
                              ["cd", "cd", ""])
    assert [messages.render(x, "en") for x in m] == ["not known", "about 77 yr", "metals stay in the soil"]
    assert messages.render(m[0], "zh") == "未知"


def test_sheet_prints_the_farmer_of_a_chinese_header():
    # a county sheet names the contract holder 户主 (passed through as written): the plot sheet shows it
    df = pd.read_csv(SAMPLES).iloc[[0]].copy()
    df["户主"] = "李四"
    p = agriremed.plan(df, Scenario(mc_draws=0), progress=False)
    a = advice.plot_advice(p, "HN-ZZ-01", "zh")
    assert a.fields["farmer"] == "李四"


def test_clean_land_says_nothing_to_clean_up():
    # priority-protection plots (below every screening value): no "metals stay in the soil" in the
    # sentence, and "How long" says there is nothing to clean up
    df = make_plots(2, plot_id=["RICE", "IDLE"], land_use=["paddy", "upland"], crop=["rice", "none"],
                    ph=[6.8, 7.8], cd_mg_kg=0.2, hg_mg_kg=0.1, as_mg_kg=10.0, pb_mg_kg=30.0, cr_mg_kg=60.0,
                    cu_mg_kg=20.0, ni_mg_kg=20.0, zn_mg_kg=80.0, region="Hunan/Changsha")
    s = agriremed.plan(df, Scenario(mc_draws=0), progress=False).summary.set_index("plot_id")
    assert (s["soil_class"] == "priority_protection").all()
    for pid in ("RICE", "IDLE"):
        assert "metals stay in the soil" not in s.loc[pid, "recommendation"]
        assert s.loc[pid, "duration_text"] == "nothing to clean up: the soil is at or below every screening value"
        assert messages.render(s.loc[pid, "duration_text_msg"], "zh") == "无需修复：土壤各重金属含量均不超过筛选值"
    # with metals not measured, it says which (the grain is then tested for those with a food limit)
    one = agriremed.plan(make_plots(1, land_use="paddy", crop="rice", ph=6.8, cd_mg_kg=0.2, region="Hunan"),
                         Scenario(mc_draws=0), progress=False).summary.iloc[0]
    assert one["duration_text"] == "nothing to clean up in the measured metals (Hg/As/Pb/Cr/Cu/Ni/Zn not measured)"
    assert "tested for Cd/Hg/As/Pb/Cr," in one["monitoring"]


@pytest.mark.parametrize("p, en, zh", [(0.996, "> 99 %", "99 %以上"), (0.004, "< 1 %", "1 %以下"), (0.37, "37 %", "37 %")])
def test_probability_beyond_99_or_below_1_percent_is_said_in_chinese(p, en, zh):
    """'> 99 %' and '< 1 %' are words in a Chinese sentence (99 %以上, 1 %以下: '概率为99 %以上'), never the signs."""
    from agriremed.engine import assemble

    share = assemble._pct(p)
    m = messages.Message.of("rec.crop_meets_for", share=share, standard="GB2762", metals="cd")
    assert messages.render(m, "en") == f"crop meets GB2762 for Cd with {en} probability a season"
    assert messages.render(m, "zh") == f"作物镉含量每季符合GB2762的概率为{zh}"
    assert messages.render(messages.Message.decode(m.encode()), "zh") == f"作物镉含量每季符合GB2762的概率为{zh}"
    assert advice.pct_text(p, "zh") == zh and advice.pct_text(p) == en
    line = i18n.t("ui.sheet.crop_line", "zh", metal="镉", median="0.1", limit="0.2", p=advice.pct_text(p, "zh"))
    assert line.endswith(f"超标概率{zh}")


def test_sheet_workbook_and_sentence_name_the_same_metals_to_test(tmp_path):
    """A plot with metals not measured in the soil: the plot sheet's monitoring box, the Chinese
    workbook's monitoring column and the summary sentence name the same metals (Hg and Cr, not
    measured, are tested in the rice), and the sheet's all-clear of clean idle land names the
    metals not measured, as the summary does."""
    import openpyxl

    from agriremed.io import workbook as W

    df = make_plots(2, plot_id=["RICE", "IDLE"], land_use=["paddy", "upland"], crop=["rice", "none"],
                    ph=[5.3, 7.0], cd_mg_kg=[0.4, 0.25], as_mg_kg=[12.0, 10.0], pb_mg_kg=[45.0, 40.0])
    p = agriremed.plan(df, Scenario(mc_draws=0), progress=False)
    s = p.summary.set_index("plot_id")
    assert "Hg/Cr, for 20 yr" in s.loc["RICE", "monitoring"]
    zh_mon = messages.render(s.loc["RICE", "monitoring_msg"], "zh")
    assert "汞、铬，共20年" in zh_mon and zh_mon in messages.render(s.loc["RICE", "recommendation_msg"], "zh")
    assert advice.plot_advice(p, "RICE", "en").monitoring == s.loc["RICE", "monitoring"]
    assert advice.plot_advice(p, "RICE", "zh").monitoring == zh_mon
    idle_en = advice.plot_advice(p, "IDLE", "en")
    assert "tested for Cd/Hg/Cr," in idle_en.monitoring
    assert idle_en.how_long == s.loc["IDLE", "duration_text"] == \
        "nothing to clean up in the measured metals (Hg/Cr/Cu/Ni/Zn not measured)"
    idle_zh = advice.plot_advice(p, "IDLE", "zh")
    assert idle_zh.how_long == "已测定的重金属无需修复（汞、铬、铜、镍、锌未测定）"
    assert "检测镉、汞、铬，" in idle_zh.monitoring
    path = W.write_workbook(p, tmp_path / "plan.xlsx", lang="zh", date="2026-12-06")
    wb = pd.read_excel(path, sheet_name="地块汇总", header=1, engine="openpyxl").set_index("plot_id")
    assert wb.loc["RICE", "monitoring"] == zh_mon
    assert wb.loc["IDLE", "monitoring"] == idle_zh.monitoring
    assert openpyxl.load_workbook(path)  # readable


def test_npv_per_mu_beside_per_ha_on_the_sheet_and_in_the_report(result):
    """The sentence (sheet, summary, report) gives the NPV against doing nothing per 亩 beside per
    公顷: per mu = per ha / 15, the summary's npv_vs_baseline_cny_mu; the report's area too."""
    from agriremed.io import report

    s = result.summary.set_index("plot_id").loc["HN-ZZ-01"]
    ha, mu = s["npv_vs_baseline_cny_ha"], s["npv_vs_baseline_cny_mu"]
    assert mu == pytest.approx(ha / 15)
    assert f"{ha:+,.0f} CNY/ha ({mu:+,.0f} CNY/mu) vs doing nothing over 20 yr" in s["recommendation"]
    zh = advice.plot_advice(result, "HN-ZZ-01", "zh").sentence
    assert f"20年净现值相对不治理{mu:+,.0f}元/亩（{ha:+,.0f}元/公顷）" in zh
    first = report.plain_summary(report.PlanDigest.from_plan(result), "zh")[0]
    area = result.summary["area_ha"].sum()
    assert area == pytest.approx(15.63, abs=0.005)  # 3 significant digits: 15.6 ha = 234 mu
    assert first == "共规划16个地块，面积234亩（15.6公顷）。"


def test_a_small_plot_does_not_read_as_zero_area():
    # 2 m² = 0.0002 ha = 0.003 mu: three significant figures below 1, the usual decimals above
    assert [advice.area_number(x, 1) for x in (30.0, 6.3, 0.42, 0.003)] == ["30.0", "6.3", "0.42", "0.003"]
    assert advice.area_number(0.0002, 2) == "0.0002"
    p = agriremed.plan(make_plots(2, plot_id=["CN", "UK"], area_ha=[0.0002, 0.0002],
                                  region=["Hunan/Yiyang", "UK/Derbyshire"]), Scenario(mc_draws=0))
    s = p.summary
    # (CN: the VIP+n package, 20 050 CNY/ha × 0.0002 ha = 4 CNY; UK: flooding, 15 800 × 0.0002 = 3 CNY)
    assert "First year on the plot (0.003 mu): cost 4 CNY" in s["recommendation"][0]
    assert "地块（0.003亩）首年成本4元" in messages.render(s["recommendation_msg"][0], "zh")
    assert "First year on the plot (0.0002 ha): cost 3 CNY" in s["recommendation"][1]
    assert "地块（0.0002公顷）首年成本3元" in messages.render(s["recommendation_msg"][1], "zh")


def test_sentence_leads_with_a_class_metal_not_assessed_in_the_crop():
    # plot 1: an As paddy (As 60 > 30 at pH 5.5; Cd 0.2 < 0.3): As has no transfer function, the
    # Cd probability covers a metal below its screening value. Plot 2: Pb 300 > 100 at pH 6.0 (Cd 0.25
    # < 0.3), likewise. Plot 3: a Cd paddy (Cd 0.6 > 0.3) whose class metal is assessed.
    p = make_plots(3, plot_id=["AS", "PB", "CD"], ph=[5.5, 6.0, 5.5], cd_mg_kg=[0.2, 0.25, 0.6],
                   as_mg_kg=[60, 25, 10], pb_mg_kg=[30, 300, 30], region="Hunan/Chenzhou/Suxian")
    pl = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    s = pl.summary.set_index("plot_id")
    en = s["recommendation"]
    zh = dict(zip(pl.summary["plot_id"], messages.column_texts(pl.summary, "recommendation", "zh")))
    assert s.loc["AS", "metals_exceeding"] == "as" and s.loc["AS", "metals_not_assessed"] == "as"
    lead = ("As in the crop not assessed (no usable transfer function) — measure it in the harvest (limit: inorganic "
            "As 0.35 mg/kg, GB2762). ")
    # the rice is predicted within the Cd limit in 66 % of seasons now: the Fe–Si As amendment + low-Cd rice
    # (88 %) is recommended over the amendment alone, which leaves that risk as it is (it treats As, the metal
    # above its screening value, so its low-Cd variety does not rank it after unchanged practice)
    assert s.loc["AS", "current_crop_compliance_prob"] == pytest.approx(0.6578, abs=1e-4)
    assert en["AS"].startswith(lead + "Fe–Si As amendment + low-Cd rice: ")
    assert en["AS"].index("measure it in the harvest") < en["AS"].index("probability")
    assert "crop meets GB2762 for Cd (at or below the screening value) with 88 % probability a season;" in en["AS"]
    assert en["AS"].count("not assessed") == 1 and en["AS"].endswith("(Soil Pollution Law Arts. 53–54).")
    assert zh["AS"].startswith("作物中的砷未评估（无可用的转移函数）——请检测收获物（限量：无机砷0.35 mg/kg，GB2762）。"
                               "降砷修复剂+低镉水稻品种")
    assert "作物镉含量每季符合GB2762的概率为88 %（土壤镉不超过筛选值）；" in zh["AS"]
    assert zh["AS"].count("未评估") == 1
    # Pb exceeds and no option treats it; the low-Cd variety answers the Cd risk (Cd below its screening
    # value, rice within the limit in 71 % of seasons). That risk is predicted by the Hunan rice function,
    # calibrated on survey pairs (no documented bias, known_bias of transfer_functions.csv), so it is a real
    # prediction: low-Cd rice, allowed by the off-class rule (it does not treat Pb), is recommended (91 %,
    # +9,717 CNY/ha), not ranked after unchanged practice (rule 4d demotes only risks of a function documented
    # to over-predict); its sentence says that no measure treats Pb
    assert s.loc["PB", "current_crop_compliance_prob"] == pytest.approx(0.7132, abs=1e-4)
    assert (s.loc["PB", "recommended_option"], s.loc["PB", "policy_rule"]) \
        == ("low_cd_rice", "cn_safe_measure_off_class")
    assert en["PB"].startswith("Pb in the crop not assessed (no usable transfer function) — measure it in the "
                               "harvest (limit: Pb 0.2 mg/kg, GB2762). Low-Cd rice variety (VIP: V): no measure of a safe-utilisation plan in the "
                               "option library that treats Pb (above the screening value) fits this plot; this "
                               "option only protects the crop from Cd: crop meets GB2762 for Cd (at or below the "
                               "screening value) with 91 % probability a season; +9,717 CNY/ha (+648 CNY/mu) vs "
                               "doing nothing over 20 yr")
    assert "ranked before" not in en["PB"]
    assert zh["PB"].startswith("作物中的铅未评估（无可用的转移函数）——请检测收获物（限量：铅0.2 mg/kg，GB2762）。"
                               "低镉水稻品种（VIP：V）：")
    assert "作物镉含量每季符合GB2762的概率为91 %（土壤镉不超过筛选值）；" in zh["PB"]
    # the class metal is assessed: the sentence is unchanged
    assert s.loc["CD", "metals_not_assessed"] == ""
    # (flooding, 85 %, misses the 0.9 compliance target: the VIP+n package, 94 %, is the plan)
    assert en["CD"].startswith("VIP+n package: low-Cd rice + flooding + lime + foliar spray: crop meets GB2762 for Cd "
                               "with 94 % probability a season; ")
    assert zh["CD"].startswith("VIP+n综合降镉（低镉品种+淹水+石灰+叶面阻控）：作物镉含量每季符合GB2762的概率为94 %；")
    # the plot sheet lists the unassessed class metal first under what the crop will contain
    a = advice.plot_advice(pl, "AS", "en")
    # naming the standard and food group to test the harvest against (harvest_standards.csv)
    assert a.crop_lines[0] == ("As (above the screening value): not assessed — test the harvest against the "
                               "GB 2762—2025 (China) limits for cereals: paddy rice (as brown rice) (inorganic As 0.35 mg/kg)")
    assert a.crop_lines[1].startswith("Cd: median")
    assert advice.plot_advice(pl, "AS", "zh").crop_lines[0] == \
        "砷（超过筛选值）：未评估——请检测收获物，对照GB 2762—2025（中国）中“谷物：稻谷（以糙米计）”的限量（无机砷0.35 mg/kg）"
    assert advice.plot_advice(pl, "CD", "en").crop_lines[0].startswith("Cd: median")


def test_later_years_name_the_liming_years_not_one_typical_year():
    # L: a Cd paddy at pH 4.3 (Cd 0.6 > 0.3): the VIP+n package with lime every 2 years is recommended.
    # Lime costs 7.5 t × 300 CNY/t + 800 CNY spreading = 3 050 CNY/ha in years 1, 3, …, 19; years 2…20
    # are ten without lime (the highest flow) and nine with it (3 050 less). F: flooding, the same
    # every year, keeps its typical year.
    p = make_plots(2, plot_id=["L", "F"], ph=[4.3, 5.0], cd_mg_kg=0.6, region="Hunan/Xiangtan")
    # (the compliance target of 0.5: F's flooding, 77 % of compliant seasons, is its plan)
    pl = agriremed.plan(p, agriremed.Scenario(mc_draws=0, target_compliance_prob=0.5))
    s = pl.summary.set_index("plot_id")
    assert s.loc["L", "recommended_option"] == "lime_low_cd_rice" and s.loc["F", "recommended_option"] == "flooded_rice"
    t = pl.table.set_index(["plot_id", "option_id"]).loc[("L", "lime_low_cd_rice")]
    low, high, mean = (t[f"cash_flow_later_{k}_cny_ha_yr"] for k in ("low", "high", "mean"))
    assert high - low == pytest.approx(7.5 * 300 + 800, rel=1e-9)
    assert mean == pytest.approx((10 * high + 9 * low) / 19, rel=1e-9)
    # the one typical year showed only the year without lime
    assert t["cash_flow_typical_cny_ha_yr"] == pytest.approx(high) and t["typical_year"] == 2
    cf = pl.yearly_cash_flows(["L"])
    net = cf.loc[cf["option_id"] == "lime_low_cd_rice"].groupby("year")["cash_flow_cny_ha_yr"].sum()
    assert [y for y in range(2, 21) if net.loc[y] == pytest.approx(low)] == list(range(3, 20, 2))
    assert (round(low), round(high), round(mean)) == (-2908, 142, -1303)  # the plot is 1 ha
    for k, v in (("low", low), ("high", high), ("mean", mean)):
        assert s.loc["L", f"cash_flow_later_{k}_plot_cny_yr"] == pytest.approx(v * 1.0)
    en = s.loc["L", "recommendation"]
    assert ("First year on the plot (15.0 mu): cost 20,050 CNY, net -2,908 CNY; years 2–20: net -2,908 CNY/yr "
            "to +142 CNY/yr, average -1,303 CNY/yr (lime again every 2 yr from year 3 to year 19); grain sampling") in en
    assert "a typical year" not in en
    zh = dict(zip(pl.summary["plot_id"], messages.column_texts(pl.summary, "recommendation", "zh")))
    assert ("首年净现金流-2,908元；第2–20年净现金流-2,908元/年至+142元/年，平均-1,303元/年（第3年至第19年每2年再施一次石灰）；"
            "每季籽粒采样") in zh["L"]
    assert "典型年份" not in zh["L"]
    # the same on the sheet
    a = advice.plot_advice(pl, "L", "en")
    assert (a.later_label, a.later_net) == ("Net cash flow in years 2–20", "-2,908 CNY/yr to +142 CNY/yr, average "
                                            "-1,303 CNY/yr (lime again every 2 yr from year 3 to year 19)")
    assert advice.plot_advice(pl, "L", "zh").later_net == "-2,908 元/年至+142 元/年，平均-1,303 元/年（第3年至第19年每2年再施一次石灰）"
    # flooding: every later year the same, the typical year as before
    assert "; a typical year (year 2): net +1,048 CNY/yr; grain sampling" in s.loc["F", "recommendation"]
    assert advice.plot_advice(pl, "F", "en").later_net == ""


def test_later_years_by_hand():
    from agriremed.models.economics import later_years

    low, high, mean = later_years([[-9000.0, 400.0, 1500.0, 1500.0, 1500.0], [5.0, 5.0, 5.0, 5.0, 5.0]])
    assert low.tolist() == [400.0, 5.0] and high.tolist() == [1500.0, 5.0]
    assert mean.tolist() == [(400.0 + 3 * 1500.0) / 4, 5.0]
    low, high, mean = later_years([[-10.0]])  # a one-year horizon has no later years
    assert math.isnan(low[0]) and math.isnan(high[0]) and math.isnan(mean[0])
    assert messages.render(advice.reapply_message("lime_rice", load_tables(), 9), "zh") == "（第3年至第9年每2年再施一次石灰）"
    assert messages.render(advice.reapply_message("lime_rice", load_tables(), 4), "en") == " (lime again in year 3)"
    assert messages.render(advice.reapply_message("lime_rice", load_tables(), 2), "en") == ""


def test_sedum_wheat_intercrop_steps_say_wheat_replaces_another_crop():
    from agriremed.core.tables import load_tables

    t = load_tables()
    en, zh = advice.measures_text("sedum_wheat_intercrop", t), advice.measures_text("sedum_wheat_intercrop", t, "zh")
    assert "where the plot grows another crop (e.g. maize), wheat replaces it (substitute planting)" in en
    assert "Establish" not in en
    assert "改种小麦（替代种植）" in zh


def test_an_energy_crop_gives_its_yield_per_mu_beside_per_ha_in_a_mu_plan():
    # strict-control paddy in Hunan (mu): sorghum's dry matter and useful energy per mu (÷ 15) beside per ha,
    # as the money is; a plot abroad (ha) keeps per ha only
    plots = make_plots(2, plot_id=["CN", "UK"], land_use="paddy", crop="rice", ph=5.5, cd_mg_kg=2.5,
                       basic_farmland="yes", region=["Hunan/Changde/Shimen", "UK/Derbyshire"])
    p = agriremed.plan(plots, Scenario(mc_draws=0, options=("sorghum",)))
    s = p.summary.set_index("plot_id")
    t = p.table.set_index(["plot_id", "option_id"])
    assert s.loc["CN", "recommended_option"] == "sorghum"
    y, e = t.loc[("CN", "sorghum"), "biomass_t_dm_ha_yr"], t.loc[("CN", "sorghum"), "useful_energy_gj_ha_yr"]
    assert (f"non-food crop of {y:.1f} t DM/ha/yr ({y / 15:.2f} t/mu), {e:.0f} GJ/ha/yr ({e / 15:.1f} GJ/mu) useful "
            "energy") in s.loc["CN", "recommendation"]
    zh = messages.render(s.loc["CN", "recommendation_msg"], "zh")
    assert f"年产干物质{y / 15:.2f}吨/亩（{y:.1f}吨/公顷）、有效能量{e / 15:.1f}吉焦/亩（{e:.0f}吉焦/公顷）" in zh
    if s.loc["UK", "recommended_option"] == "sorghum":
        assert "/mu" not in s.loc["UK", "recommendation"].split("useful energy")[0]


def test_unchanged_practice_on_an_unpredicted_safe_utilisation_crop_says_to_test_each_harvest():
    # peanut on an acid upland with Cd and Pb above their screening values: no measure of the library
    # can be predicted to help it, so unchanged practice is the plan; the farmer is not told only to
    # "grow the crop as usual" but to test each harvest before sale and to agree a measure with the county
    plots = make_plots(3, plot_id=["PN", "PN_UK", "CLEAN"], land_use="upland", crop="peanut",
                       ph=[5.3, 5.3, 6.0], cd_mg_kg=[0.72, 0.72, 0.1], pb_mg_kg=[320.0, 320.0, 20.0],
                       region=["Guangdong/Shaoguan", "UK/Derbyshire", "Guangdong/Shaoguan"], area_mu=2.0)
    plots = plots.drop(columns=["area_ha"])
    p = agriremed.plan(plots, Scenario(mc_draws=0), progress=False)
    s = p.summary.set_index("plot_id")
    assert (s["recommended_option"] == "do_nothing").all()
    test_en = i18n.t("ui.step.test_harvest", "en")
    county_en = i18n.t("ui.step.ask_county", "en")
    assert s.loc["PN", "measures"] == (f"This season: Grow the current crop as usual; {test_en} | "
                                       f"Next season: Grow the current crop as usual; {test_en}; {county_en}")
    # abroad: the harvest test, no Chinese county step; nothing above screening: neither
    assert test_en in s.loc["PN_UK", "measures"] and county_en not in s.loc["PN_UK", "measures"]
    assert s.loc["CLEAN", "measures"] == ("This season: Grow the current crop as usual | "
                                          "Next season: Grow the current crop as usual")
    sheet = advice.plot_advice(p, "PN", "zh")
    assert sheet.this_season == ["照常种植现有作物", "每季收获后先检测，符合食品安全标准方可出售或食用"]
    assert sheet.next_season[-1].startswith("与县农业部门商定安全利用措施")


def test_an_unknown_clean_up_time_says_the_soil_mass_is_missing():
    # a county sheet without bulk density or depth, typical values turned off (assume_missing_covariates false):
    # the sorghum of a strict-control paddy removes Cd, but the years to the screening value need the soil mass,
    # and the sentence says which columns to give
    plots = make_plots(2, plot_id=["NOMASS", "MASS"], ph=4.6, cd_mg_kg=1.85, region="Guangdong/Shaoguan")
    plots.loc[0, ["bulk_density_g_cm3", "depth_m"]] = float("nan")
    p = agriremed.plan(plots, Scenario(mc_draws=0, options=("sorghum",), assume_missing_covariates=False),
                       progress=False)
    s = p.summary.set_index("plot_id")
    assert ("time for Cd to reach the screening value not known: the soil mass needs the plot's bulk density "
            "and plough-layer depth (give both)") in s.loc["NOMASS", "recommendation"]
    assert "soil mass" not in s.loc["MASS", "recommendation"]
    zh = messages.render(s.loc["NOMASS", "recommendation_msg"], "zh")
    assert "所需时间未知：计算土壤质量需要地块的土壤容重和耕层厚度" in zh


def test_a_crop_predicted_at_risk_on_priority_protection_land_is_tested_before_sale():
    # dry-land wheat at pH 7.8 with Cd 0.5 (below the upland value 0.6) and maize at pH 7.8 with Cd 0.3 (93 %) are
    # predicted to fail their 0.1 mg/kg limit more often than the green threshold allows; on
    # priority-protection land unchanged practice stays the plan (risk negligible at or below screening,
    # GB 15618; the wheat and maize functions are not checked on Chinese survey means with pH), and its
    # measures say to test each harvest before sale (wheat on a paddy row is rotation land, screened with
    # the stricter dry-land value: tests/test_rotation_land.py)
    plots = make_plots(2, plot_id=["WHEAT", "MAIZE"], land_use=["upland", "upland"], crop=["wheat", "maize"],
                       ph=[7.8, 7.8], cd_mg_kg=[0.5, 0.3], region="Anhui/Chuzhou/Tianchang")
    p = agriremed.plan(plots, Scenario(mc_draws=0), progress=False)
    s = p.summary.set_index("plot_id")
    assert (s["soil_class"] == "priority_protection").all()
    assert (s["current_crop_compliance_prob"] < 0.95).all()
    assert (s["recommended_option"] == "do_nothing").all()
    test_en = i18n.t("ui.step.test_harvest", "en")
    for pid in ("WHEAT", "MAIZE"):
        assert s.loc[pid, "measures"] == (f"This season: Grow the current crop as usual; {test_en} | "
                                          f"Next season: Grow the current crop as usual; {test_en}")
    # a crop predicted within its limit at least at the green threshold: nothing to add
    clean = agriremed.plan(make_plots(1, plot_id=["R"], ph=7.0, cd_mg_kg=0.1, region="Hunan/Zhuzhou"),
                           Scenario(mc_draws=0), progress=False).summary.iloc[0]
    if clean["recommended_option"] == "do_nothing" and clean["current_crop_compliance_prob"] >= 0.95:
        assert test_en not in clean["measures"]


def test_a_crop_no_food_standard_limits_is_not_told_to_sell_within_a_limit():
    # rapeseed on an As paddy (As 45, Cd 0.2): GB 2762 limits no metal in the seed, so unchanged practice does
    # not say "sell it only if it meets the food standard"
    plots = make_plots(1, plot_id=["RAPE"], crop="rapeseed", ph=5.5, cd_mg_kg=0.2, as_mg_kg=45.0,
                       region="Hunan/Changde/Shimen")
    s = agriremed.plan(plots, Scenario(mc_draws=0), progress=False).summary.iloc[0]
    assert s["recommended_option"] == "do_nothing"
    assert i18n.t("ui.step.test_harvest", "en") not in s["measures"]
    assert advice.harvest_test_rows(["do_nothing"] * 2, ["rapeseed", "peanut"], ["as", "cd"],
                                    ["safe_utilisation"] * 2, ["china"] * 2, load_tables()).tolist() == [0, 2]


def test_rice_step_follows_the_plots_current_crop(tables):
    # a paddy growing rice keeps growing it; an idle paddy (crop none) is returned to rice this season
    # and keeps growing it from the next; the plan's measures column says so in both languages
    plots = pd.DataFrame({"plot_id": ["RICE", "IDLE"], "region": "Hunan/Zhuzhou/Lukou", "land_use": "paddy",
                          "crop": ["rice", "none"], "area_ha": 0.3, "ph": 5.5, "cd_mg_kg": 0.6, "as_mg_kg": 12.0})
    # (the compliance target of 0.5, under which flooding is the plan whose steps are under test)
    p = agriremed.plan(plots, Scenario(mc_draws=50, target_compliance_prob=0.5), seed=1)
    s = p.summary.set_index("plot_id")
    assert s.loc["RICE", "recommended_option"] == s.loc["IDLE", "recommended_option"] == "flooded_rice"
    flood = "Keep the field flooded from tillering to maturity (drain only shortly before harvest)"
    assert s.loc["RICE", "measures"] == (f"This season: {flood}; Keep growing rice | Next season: {flood}; "
                                         "Keep growing rice")
    assert s.loc["IDLE", "measures"] == ("This season: Return the idle paddy to rice: plough it and transplant "
                                         f"rice; {flood} | Next season: {flood}; Keep growing rice")
    zh = advice.measures_in(["lime_rice", "lime_rice"], ["mu", "mu"], tables, "zh",
                            **advice.step_flags_of(p.summary.assign(recommended_option="lime_rice"), tables))
    lime = "移栽前撒施石灰石粉（碳酸钙）并翻耕入土：每亩500 公斤（每2年重复一次）"
    assert zh.tolist() == [f"本季：{lime}；继续种植水稻 | 下一季：继续种植水稻",
                           f"本季：闲置（撂荒）水田复耕，恢复种植水稻；{lime} | 下一季：继续种植水稻"]
    steps = advice.plot_steps("lime_rice", 0.3, tables, idle=True)
    assert steps.loc[steps["season"] == "this", "measure"].tolist() == ["return_rice", "lime"]
    assert steps.loc[steps["season"] == "next", "measure"].tolist() == ["grow_rice"]


@pytest.mark.parametrize("option_id", ["low_cd_rice", "lime_low_cd_rice", "vip_n_no_flood", "as_fe_si_low_cd_rice"])
def test_a_rice_measure_without_a_grow_rice_step_returns_an_idle_paddy_to_rice_first(tables, option_id):
    # a low-Cd variety or a package has no step of growing rice: on an idle paddy the return to rice
    # comes first this season, and only this season; a paddy growing rice gets the steps as they are
    idle = advice.plot_steps(option_id, 0.3, tables, idle=True)
    kept = advice.plot_steps(option_id, 0.3, tables)
    this = idle.loc[idle["season"] == "this", "measure"].tolist()
    assert this == ["return_rice"] + kept.loc[kept["season"] == "this", "measure"].tolist()
    assert idle.loc[idle["season"] == "next", "measure"].tolist() == \
        kept.loc[kept["season"] == "next", "measure"].tolist()
    assert np.isnan(idle["amount_per_ha"].iloc[0])
    zh = advice.measures_text(option_id, tables, "zh", idle=True)
    assert zh.startswith("本季：闲置（撂荒）水田复耕，恢复种植水稻；") and zh.count("复耕") == 1


def test_a_measure_of_the_current_crop_gets_no_return_to_rice(tables):
    steps = advice.plot_steps("biochar_amendment", 0.3, tables, idle=True)
    assert "return_rice" not in steps["measure"].tolist()
