"""Solar PV as a plan option (pv_grass): energy, avoided CO2, NPV, rules, draws, ranking, chunked outputs."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.stages import economics, solar
from agriremed.stages.advice import plot_advice
from agriremed.engine.plan import replan
from agriremed.engine.stream import plan_stream

SAMPLE = str(Path(__file__).resolve().parents[1] / "data" / "samples" / "plots.csv")


def _plots(ids):
    p = pd.read_csv(SAMPLE)
    return p.loc[p["plot_id"].isin(ids)].reset_index(drop=True)


@pytest.fixture(scope="module")
def fixed_yield_plan():
    """YN-LP-12 (Lanping mine land, strict control) with the PV site yield set to 1500 kWh/kWp."""
    mp = pytest.MonkeyPatch()
    mp.setattr(solar, "pv_site_yields", lambda plots, tables=None, weather_file=None: pd.DataFrame(
        {"plot_id": plots["plot_id"].to_numpy(object), "specific_yield_kwh_kwp_yr": 1500.0, "pv_note": ""}))
    try:
        p = agriremed.plan(_plots(["YN-LP-12"]), agriremed.Scenario(mc_draws=0, carbon_price_cny_t=100.0))
    finally:
        mp.undo()
    return p


def test_hand_computed_pv_option_row(fixed_yield_plan):
    # stated parameter set (typical values of pv_parameters.csv and option_parameters.csv):
    # 1500 kWh/kWp, 1.5 ha/MWp → 0.6667 MWp/ha; degradation 0.5 %/yr; lifetime 25 yr (> horizon 20);
    # capex 4.15 CNY/W; opex 0.04 CNY/W/yr; tariff 0.3358 CNY/kWh (Yunnan, pv_tariffs.csv); grass cover 1350 CNY/ha/yr; 6 %; grid 0.5366
    t = fixed_yield_plan.table.set_index("option_id")
    r = t.loc["pv_grass"]
    assert bool(r["applicable"]) and r["energy_pathway"] == "pv" and r["policy_rule"] == "cn_pv_wasteland"
    years = np.arange(1, 21)
    e_year = 1000.0 * 0.995 ** (years - 1)  # 1500 × 0.6667 = 1000 MWh/ha in year 1
    assert r["pv_mwp_ha"] == pytest.approx(1 / 1.5) and r["pv_land_ha_per_mwp"] == 1.5
    assert r["electricity_mwh_ha_yr"] == pytest.approx(e_year.mean(), rel=1e-12)
    assert r["electricity_mwh_ha_yr"] == pytest.approx(953.896, abs=1e-3)  # 1000 (1 − 0.995²⁰) / (20 × 0.005)
    # avoided CO2 through the carbon ledger's avoided_electricity term, grid factor 0.5366 t/MWh
    assert r["avoided_electricity_co2e_t_ha_yr"] == pytest.approx(953.896 * 0.5366, abs=1e-3)
    # cash flows: capex 2 766 667 in year 1, opex 26 667 + cover 1 350 a year, electricity at 335.8 CNY/MWh
    cf = 335.8 * e_year - 26666.6667 - 1350.0
    cf[0] -= 2766666.6667
    cf[-1] += 2766666.6667 * 5 / 25  # residual value (straight line): 553 333 CNY/ha in year 20
    hand = float((cf / 1.06 ** years).sum())
    assert r["npv_cny_ha"] == pytest.approx(hand, rel=1e-6)
    assert t.loc["do_nothing", "npv_cny_ha"] == 0.0  # bare mine land earns nothing now
    assert r["npv_vs_baseline_cny_ha"] == pytest.approx(hand, rel=1e-6)
    assert r["pv_capex_cny_ha"] == pytest.approx(2766666.667, rel=1e-9)
    # no double counting: the avoided grid emission belongs to the electricity sold (land_based credit
    # method, as for biomass power): no carbon revenue from it even at 100 CNY/t
    assert r["credited_co2e_vs_baseline_t_ha_yr"] < 1.0 and r["carbon_revenue_cny_ha"] == 0.0
    # food 0, clean-up 0 (stabilises, does not clean up)
    assert r["food_crop"] == "none" and r["crit_clean_up"] == 0.0 and np.isinf(r["years_p50"])
    assert "removes none" in r["why_clean_up"]


def test_pv_ledger_row(fixed_yield_plan):
    ledger = fixed_yield_plan.carbon_ledger
    row = ledger.loc[(ledger["option_id"] == "pv_grass") & (ledger["term"] == "avoided_electricity")].iloc[0]
    assert row["co2e_t_ha_yr"] == pytest.approx(953.896 * 0.5366, abs=1e-3)
    assert row["co2e_t_ha"] == pytest.approx(row["co2e_t_ha_yr"] * 20)


def test_pv_year_by_year_ledger_sums_to_the_horizon(fixed_yield_plan):
    by = fixed_yield_plan.carbon_by_year
    pv = by.loc[by["option_id"] == "pv_grass"].sort_values("ledger_year")
    y = pv["avoided_electricity_co2e_t_ha"].to_numpy(float)
    assert y[0] == pytest.approx(1000.0 * 0.5366, rel=1e-9)
    assert y[1] == pytest.approx(995.0 * 0.5366, rel=1e-9)
    assert y.sum() == pytest.approx(953.896 * 0.5366 * 20, abs=0.05)


@pytest.fixture(scope="module")
def sample_plan():
    pytest.importorskip("pvlib")
    return agriremed.plan(SAMPLE, agriremed.Scenario(mc_draws=0))


@pytest.mark.parametrize("plot_id,land_use", [("HN-ZZ-01", "paddy"), ("HB-SJZ-09", "upland")])
def test_pv_excluded_on_farmland_with_rule_and_source(sample_plan, plot_id, land_use):
    t = sample_plan.table
    r = t.loc[(t["plot_id"] == plot_id) & (t["option_id"] == "pv_grass")].iloc[0]
    assert not r["applicable"] and r["policy_status"] == "forbidden"
    assert r["policy_rule"] == "cn_pv_no_cultivated"
    # the rule cites the notice by its 文号, never by the source key
    # the rule's text gives its 文号, which is not repeated as its citation
    assert r["reason"].endswith("their soil class (自然资办发〔2023〕12号)") and "mnr2023_pv_land" not in r["reason"]
    assert r["reason"].count("自然资办发〔2023〕12号") == 1
    assert pd.isna(r["electricity_mwh_ha_yr"]) and pd.isna(r["npv_cny_ha"])


def test_pv_excluded_on_permanent_basic_farmland(tables):
    paddy = _plots(["HN-ZZ-01"]).assign(basic_farmland="yes")
    t = agriremed.plan(paddy, agriremed.Scenario(mc_draws=0)).table
    r = t.loc[t["option_id"] == "pv_grass"].iloc[0]
    assert not r["applicable"] and r["policy_rule"] == "cn_pv_no_basic_farmland"
    rule = tables.land_rules.set_index("rule_id").loc["cn_pv_no_basic_farmland"]
    assert "永久基本农田" in rule["reason_zh"]
    assert r["reason"].endswith("(自然资办发〔2023〕12号)") and "mnr2023_pv_land" not in r["reason"]


def test_mine_plots_rank_pv_with_the_criteria(sample_plan):
    t = sample_plan.table
    for pid in ("YN-LP-12", "GS-BY-16"):
        rows = t.loc[(t["plot_id"] == pid) & t["applicable"].astype(bool)].set_index("option_id")
        pv = rows.loc["pv_grass"]
        assert pv["rank"] == 1 and pv["policy_status"] == "expected"
        # it wins on carbon and economics (green), livelihood 0.5 (electricity sold), clean-up 0
        assert pv["light_carbon"] == "green" and pv["light_economics"] == "green"
        assert pv["crit_livelihood"] == 0.5 and pv["crit_clean_up"] == 0.0
        assert pv["score"] > rows.loc["miscanthus", "score"]
        # same site yield as the soft re-use table's PV (one kernel)
        assert 700 < pv["electricity_mwh_ha_yr"] < 1100
    s = sample_plan.summary.set_index("plot_id")
    assert s.loc["YN-LP-12", "recommended_option"] == "pv_grass"
    # a safe-utilisation orchard keeps its crop first: PV (kept small on other agricultural land) is restrained,
    # its basic-farmland status to be checked first; not recommended there
    orchard = t.loc[(t["plot_id"] == "SD-YT-14") & (t["option_id"] == "pv_grass")].iloc[0]
    assert orchard["policy_rule"] == "cn_safe_orchard_pv_check" and not orchard["recommended"]
    assert orchard["policy_status"] == "restrained"


def test_pv_parameter_draws_are_reproducible_and_within_their_ranges(tables):
    a = solar.pv_parameter_draws(tables, 400, 11)
    b = solar.pv_parameter_draws(tables, 400, 11)
    c = solar.pv_parameter_draws(tables, 400, 12)
    pv = tables.pv_parameters.set_index("parameter")
    assert set(a) == set(solar.PV_DRAWN)
    for k in solar.PV_DRAWN:
        assert np.array_equal(a[k], b[k])
        assert pv.loc[k, "low"] - 1e-12 <= a[k].min() and a[k].max() <= pv.loc[k, "high"] + 1e-12
    assert not np.array_equal(a["capex_cny_w"], c["capex_cny_w"])
    assert a["capex_cny_w"].std() > 0.1  # a range, not a single value
    # every drawn row states the basis of its range
    assert pv.loc[list(solar.PV_DRAWN), "range_source"].notna().all()
    assert pv.loc["capex_cny_w", "range_source"] == "agriremed_assumption"


def test_pv_electricity_draws_by_hand(tables):
    d = {"land_ha_per_mwp": np.array([1.0, 2.0]), "degradation_pct_yr": np.array([0.0, 1.0]),
         "lifetime_yr": np.array([25.0, 1.0])}
    e = solar.pv_electricity_draws([1200.0], 2, tables, draws=d)
    # draw 1: 1200 × 1 × mean(1, 1); draw 2: 1200 × 0.5 × mean(1, 0) (stops after one year)
    assert e.tolist() == [[1200.0, 300.0]]


def test_pv_carbon_draws_reproducible_and_independent_of_chunking(fixed_yield_plan):
    mp = pytest.MonkeyPatch()
    mp.setattr(solar, "pv_site_yields", lambda plots, tables=None, weather_file=None: pd.DataFrame(
        {"plot_id": plots["plot_id"].to_numpy(object), "specific_yield_kwh_kwp_yr": 1500.0, "pv_note": ""}))
    try:
        s = agriremed.Scenario(mc_draws=200, seed=5)
        one = agriremed.plan(_plots(["YN-LP-12"]), s).table.set_index("option_id").loc["pv_grass"]
        again = agriremed.plan(_plots(["YN-LP-12"]), s).table.set_index("option_id").loc["pv_grass"]
        two = agriremed.plan(_plots(["GS-BY-16", "YN-LP-12"]), s).table
        other = agriremed.plan(_plots(["YN-LP-12"]), s.replace(seed=6)).table
        other = other.set_index("option_id").loc["pv_grass"]
    finally:
        mp.undo()
    two = two.loc[(two["plot_id"] == "YN-LP-12") & (two["option_id"] == "pv_grass")].iloc[0]
    cols = ["net_co2e_t_ha_yr_p10", "net_co2e_t_ha_yr_p50", "net_co2e_t_ha_yr_p90"]
    assert one[cols].tolist() == again[cols].tolist() == two[cols].tolist()
    assert one["net_co2e_t_ha_yr_p10"] != other["net_co2e_t_ha_yr_p10"]
    # the spread comes from land per MWp (1.2–2.0 ha), degradation, lifetime and the grid factor
    assert one["net_co2e_t_ha_yr_p10"] < 0.95 * one["net_co2e_t_ha_yr"] < one["net_co2e_t_ha_yr_p90"]


def test_chunked_run_writes_the_same_reuse_tables_and_matrix(tmp_path):
    pytest.importorskip("pvlib")
    s = agriremed.Scenario(mc_draws=0)
    r = plan_stream(SAMPLE, s, out=tmp_path / "chunks", chunk_size=3, fmt="csv", progress=False)
    assert r.n_chunks == 6
    whole = agriremed.plan(SAMPLE, s)
    whole.write(tmp_path / "whole", report=False, xlsx=False)
    for name in ("reuse_options", "opportunity_matrix"):
        a = pd.read_csv(tmp_path / "chunks" / f"{name}.csv")
        b = pd.read_csv(tmp_path / "whole" / f"{name}.csv")
        pd.testing.assert_frame_equal(a, b)
    m = pd.read_csv(tmp_path / "chunks" / "opportunity_matrix.csv")
    assert set(m["plot_id"]) == {"YN-LP-12", "GS-BY-16"} and len(m) > 0
    assert "opportunity_matrix.csv" in (tmp_path / "chunks" / "datapackage.json").read_text(encoding="utf-8")
    plan_rows = pd.read_csv(tmp_path / "chunks" / "plan.csv")
    assert (plan_rows["option_id"] == "pv_grass").sum() == 16


def test_economics_pv_items_match_the_solar_kernel(tables):
    # one PV hectare through solar.pv_per_hectare and through the plan's cash-flow items agree
    ref = solar.pv_per_hectare([1500.0], [1.0], 20, 0.06, tables).iloc[0]
    years = np.arange(1, 21)
    e = 1000.0 * solar.pv_year_shape(20, 0.5, 25)
    cf = 350.0 * e - 26666.6667
    cf[0] -= 2766666.6667
    cf[-1] += 2766666.6667 * 5 / 25  # residual value: 5 of the array's 25 years outlast the 20-year horizon
    assert ref["pv_npv_cny_ha"] == pytest.approx(float(economics.npv(cf[None, :], 0.06)[0]), rel=1e-6)
    assert ref["pv_npv_cny_ha"] == pytest.approx(float((cf / 1.06 ** years).sum()), rel=1e-6)


def test_replan_to_another_horizon_recomputes_the_pv_numbers(fixed_yield_plan):
    # horizon 30 > lifetime 25: the array stops after year 25; replan reuses the site yields
    mp = pytest.MonkeyPatch()
    mp.setattr(solar, "pv_site_yields", lambda plots, tables=None, weather_file=None: pd.DataFrame(
        {"plot_id": plots["plot_id"].to_numpy(object), "specific_yield_kwh_kwp_yr": 1500.0, "pv_note": ""}))
    try:
        s30 = fixed_yield_plan.scenario.replace(horizon_yr=30)
        direct = agriremed.plan(fixed_yield_plan.plots, s30).table.set_index("option_id").loc["pv_grass"]
    finally:
        mp.undo()
    re = replan(fixed_yield_plan, s30).table.set_index("option_id").loc["pv_grass"]
    years = np.arange(1, 31)
    e = np.where(years <= 25, 1000.0 * 0.995 ** (years - 1), 0.0)
    assert re["electricity_mwh_ha_yr"] == pytest.approx(e.mean(), rel=1e-12)
    for c in ("electricity_mwh_ha_yr", "npv_cny_ha", "net_co2e_vs_baseline_t_ha_yr"):
        assert re[c] == pytest.approx(direct[c], rel=1e-12)


def test_plan_option_equals_the_soft_reuse_row(sample_plan):
    # one kernel: the plan's pv_grass row and the soft re-use table's pv_grass row agree
    from agriremed.stages import softreuse

    reuse, _ = softreuse.reuse_for_plan(sample_plan)
    t = sample_plan.table
    for pid in ("YN-LP-12", "GS-BY-16"):
        a = reuse.loc[(reuse["plot_id"] == pid) & (reuse["reuse_id"] == "pv_grass")].iloc[0]
        b = t.loc[(t["plot_id"] == pid) & (t["option_id"] == "pv_grass")].iloc[0]
        assert b["electricity_mwh_ha_yr"] == pytest.approx(a["electricity_mwh_ha_yr"], rel=1e-12)
        assert b["avoided_electricity_co2e_t_ha_yr"] == pytest.approx(a["avoided_co2_t_ha_yr"], rel=1e-12)
        assert b["npv_vs_baseline_cny_ha"] == pytest.approx(a["npv_vs_baseline_cny_ha"], rel=1e-12)
    s = sample_plan.summary.set_index("plot_id")
    assert s.loc["YN-LP-12", "measures"].startswith("This season: Build the PV plant")


def test_lanping_recommendation_turns_on_the_pv_tariff():
    # the site yield and the typical costs give Lanping a break-even tariff of about 0.32 CNY/kWh:
    # at 0.30 PV loses money against doing nothing (economics red) and Miscanthus is recommended again
    pytest.importorskip("pvlib")
    # (0.30 CNY/kWh gave −177 319 CNY/ha before the residual value of 172 532 CNY/ha was credited: 0.26 now)
    p = agriremed.plan(_plots(["YN-LP-12"]), agriremed.Scenario(mc_draws=0, pv_tariff_cny_kwh=0.26))
    t = p.table.set_index("option_id")
    assert t.loc["pv_grass", "npv_vs_baseline_cny_ha"] == pytest.approx(-371999.3, rel=1e-4)
    assert t.loc["pv_grass", "light_economics"] == "red" and t.loc["pv_grass", "pv_tariff_cny_kwh"] == 0.26
    assert p.summary["recommended_option"].iloc[0] == "miscanthus"


WASTELAND = {"area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
             "annual_rain_mm": 1300.0, "mean_temp_c": 17.0, "land_use": "荒地", "crop": "none", "ph": 5.5,
             "cd_mg_kg": 0.5, "region": "广西/河池"}


def test_pv_without_coordinates_is_a_data_gap_and_ranks_after_the_assessed_options():
    """Safe-utilisation wasteland without lat/lon and without a region (no place whose coordinates could
    stand in): the PV yield, costs and NPV are not computed, so PV (expected by cn_pv_wasteland) is partial,
    names the gap and ranks after every option whose economics are known; with coordinates it keeps its place."""
    plots = pd.DataFrame([{**WASTELAND, "plot_id": "nocoord", "region": ""},
                          {**WASTELAND, "plot_id": "coord", "lat": 24.7, "lon": 108.0}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    t = p.table.loc[p.table["applicable"]].set_index(["plot_id", "option_id"])
    pv = t.loc[("nocoord", "pv_grass")]
    assert np.isnan(pv["npv_vs_baseline_cny_ha"]) and pv["policy_status"] == "expected"
    assert pv["evidence"] == "partial"
    assert pv["data_gaps"] == ("no lat/lon: PV yield not computed (give coordinates or a weather file); "
                               "costs, cash flows and NPV not computed")
    assert pv["rank"] == len(t.loc["nocoord"])  # after all 12 options with known economics
    rec = p.summary.set_index("plot_id")
    assert rec.loc["nocoord", "recommended_option"] == "miscanthus"
    assert "n/a" not in rec.loc["nocoord", "recommendation"]
    c = t.loc[("coord", "pv_grass")]
    assert c["evidence"] == "complete" and c["data_gaps"] == "" and c["rank"] == 1
    # Guangxi coal benchmark 0.4207 CNY/kWh (pv_tariffs.csv): −290 297 at the former 0.35 + residual value
    # 172 532 + 70.7 CNY/MWh more on the site's discounted electricity
    assert c["npv_vs_baseline_cny_ha"] == pytest.approx(415_740, rel=1e-3)
    # no "nan" in any text: the economics reason of the unpriced PV row says the NPV was not computed
    assert pv["why_economics"] == "not assessed: NPV against doing nothing over 20 yr not computed"
    texts = p.table.select_dtypes(include="object")
    assert not texts.apply(lambda col: col.astype(str).str.contains(r"\bnan\b", regex=True)).any().any()
    # the sentence says that PV, which the rule set expects, could not be assessed without coordinates
    en = rec.loc["nocoord", "recommendation"]
    assert ("; Solar PV with a permanent grass cover (phytostabilisation), which the rule set expects on this "
            "land, could not be assessed: its power yield needs the plot's coordinates (give lat and lon).") in en
    zh = messages.render(rec.loc["nocoord", "recommendation_msg"], "zh")
    assert "管控规则在该类土地上鼓励的光伏电站+板下永久草地（植物稳定）无法评估：其发电量需要地块坐标（请填写经纬度）" in zh
    assert "could not be assessed" not in rec.loc["coord", "recommendation"]


def test_a_recommendation_with_unknown_money_says_so_in_every_language():
    """Strict-control wasteland without lat/lon and without a region where PV is the only option: the
    sentence says the costs were not computed and why, never 'n/a CNY' or 'year n/a'; the runner-up clause
    names the gap."""
    plots = pd.DataFrame([{**WASTELAND, "plot_id": "s", "cd_mg_kg": 5.0, "basic_farmland": "no", "region": ""},
                          {**WASTELAND, "plot_id": "n", "region": ""}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, options=["pv_grass"]))
    s = p.summary.set_index("plot_id")
    assert s.loc["s", "recommended_option"] == "pv_grass"
    en = s.loc["s", "recommendation"]
    zh = messages.render(s.loc["s", "recommendation_msg"], "zh")
    assert "NPV vs doing nothing over 20 yr not computed" in en
    assert "On the plot (15.0 mu): cost and cash flows not computed: lat/lon needed for the PV yield" in en
    assert "地块（15.0亩）：未计算成本和现金流（光伏发电量需要经纬度）" in zh and "20年净现值无法计算" in zh
    for text in (en, zh):
        assert "n/a" not in text and "nan" not in text
    assert s.loc["n", "recommended_option"] == "do_nothing"
    # the unknown NPV put PV last, but the winner also scores higher: "ahead of", not "ranked before"
    assert "ahead of Solar PV with a permanent grass cover (phytostabilisation) (score 0.36 vs 0.08), whose costs " \
           "and NPV were not computed" in s.loc["n", "recommendation"]
    sheet = plot_advice(p, "s", "zh")
    assert sheet.first_year_cost == "未计算" and sheet.typical_year == "–"


def test_pv_of_a_located_plot_whose_region_is_not_placed_says_the_province_is_missing():
    # lat/lon given but the region a township alone (云湖桥镇): the yield needs the province's solar
    # resource, so the sentence asks for the county, not for coordinates the sheet already has
    from agriremed.core import messages

    plots = pd.DataFrame([{**WASTELAND, "plot_id": "t", "region": "云湖桥镇", "lat": 27.65, "lon": 112.62,
                           "basic_farmland": "no"}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    en = p.summary["recommendation"].iloc[0]
    assert "its power yield needs the plot's province, and the region names none agriremed can place" in en
    assert "give lat and lon" not in en
    zh = messages.column_texts(p.summary, "recommendation", "zh")[0]
    assert "其发电量需要地块所在省份" in zh and "请填写经纬度" not in zh


def test_pv_without_coordinates_is_costed_at_the_point_of_its_place():
    """Wasteland without lat/lon in Zhuzhou: the PV yield is computed at Zhuzhou's point (place_coordinates.csv,
    GeoNames 27.83° N 113.15° E) and scaled to Hunan's irradiation, equal to a plot given those coordinates;
    the PV option's reason and the recommendation say so and ask for the site's lat/lon. A prefecture the
    table lacks (湘西, an autonomous prefecture) takes its province's capital (Changsha, 28.20° N 112.97° E)."""
    from agriremed.core import messages

    zz = {**WASTELAND, "region": "Hunan/Zhuzhou/Qingshuitang"}
    plots = pd.DataFrame([{**zz, "plot_id": "place"}, {**zz, "plot_id": "site", "lat": 27.83, "lon": 113.15},
                          {**zz, "plot_id": "xx", "region": "Hunan/Xiangxi"}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    t = p.table.set_index(["plot_id", "option_id"])
    place, site = t.loc[("place", "pv_grass")], t.loc[("site", "pv_grass")]
    assert np.isfinite(place["specific_yield_kwh_kwp_yr"])
    assert place["specific_yield_kwh_kwp_yr"] == site["specific_yield_kwh_kwp_yr"]
    assert place["npv_vs_baseline_cny_ha"] == pytest.approx(site["npv_vs_baseline_cny_ha"], rel=1e-12)
    assert place["evidence"] == "complete" and place["data_gaps"] == ""
    note = ("no lat/lon: PV yield computed at the coordinates of Hunan/Zhuzhou (27.83° N, 113.15° E, the seat's "
            "point in place_coordinates.csv), not at the site: give lat and lon for the site")
    assert place["reason"].endswith("rule cn_pv_wasteland: expected; " + note)
    assert place["pv_note"].startswith(note + "; the solar class of Hunan is UNCONFIRMED")
    assert "place_coordinates" not in site["reason"] and "coordinates of" not in site["pv_note"]
    s = p.summary.set_index("plot_id")
    assert s.loc["place", "recommended_option"] == s.loc["site", "recommended_option"] == "pv_grass"
    en = s.loc["place", "recommendation"]
    assert ("; the power yield is computed at the coordinates of Hunan/Zhuzhou (27.83° N, 113.15° E), not at the "
            "site: give lat and lon for the site.") in en
    zh = messages.render(s.loc["place", "recommendation_msg"], "zh")
    assert "发电量按湖南省/株洲市驻地坐标（北纬27.83°、东经113.15°）而非地块坐标计算：请填写地块经纬度" in zh
    assert "coordinates of" not in s.loc["site", "recommendation"]
    assert "coordinates of Hunan (28.20° N, 112.97° E)" in s.loc["xx", "recommendation"]
