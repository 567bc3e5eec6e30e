"""Solar PV and soft re-uses of marginal land: yield, carbon, money, rules, exposure, matrix."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pvlib = pytest.importorskip("pvlib")

import agriremed  # noqa: E402
from agriremed.stages import economics, softreuse, solar  # noqa: E402
from agriremed.stages.options import policy_status  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples" / "plots.csv"


@pytest.fixture(scope="module")
def sample_plan():
    return agriremed.plan(SAMPLES, agriremed.Scenario(mc_draws=0))


@pytest.fixture(scope="module")
def sample_reuse(sample_plan):
    return softreuse.reuse_for_plan(sample_plan)


def _hand_ac(poa, t_cell, gamma=-0.0035, losses=0.14, eta=0.96, ratio=1.2):
    """PVWatts by hand: DC, losses, inverter efficiency curve, clipping [W per kWp]."""
    pdc = 1000.0 * poa / 1000.0 * (1 + gamma * (t_cell - 25.0)) * (1 - losses)
    pac0 = 1000.0 / ratio
    pdc0 = pac0 / eta
    z = pdc / pdc0
    eff = eta / 0.9637 * (-0.0162 * z - 0.0059 / z + 0.9858)
    return min(pdc * eff, pac0)


def test_hand_computed_pv_case(tables):
    # 1800 h a year at 1000 W/m² on the array and 25 °C cell: 1800 kWh/m² of plane-of-array irradiation
    hand = 1800 * _hand_ac(1000.0, 25.0) / 1000.0  # 0.86 × 0.9601 → 1486.2 kWh/kWp
    assert hand == pytest.approx(1486.2, abs=0.1)
    ours = solar.dc_ac_power(np.full(1800, 1000.0), np.full(1800, 25.0), tables).sum() / 1000.0
    assert ours == pytest.approx(hand, rel=0.02)
    # pvlib's own PVWatts functions on the same system
    dc = pvlib.pvsystem.pvwatts_dc(1000.0, 25.0, 1000.0, -0.0035) * 0.86
    theirs = 1800 * float(pvlib.inverter.pvwatts(dc, 1000.0 / 1.2 / 0.96, eta_inv_nom=0.96)) / 1000.0
    assert ours == pytest.approx(theirs, rel=0.02)
    # a hot cell (45 °C, −0.35 %/°C): 7 % less DC
    assert solar.dc_ac_power([1000.0], [45.0], tables)[0] == pytest.approx(_hand_ac(1000.0, 45.0), rel=1e-6)


def test_clear_sky_year_is_scaled_to_the_zone_value():
    w = solar.clear_sky_weather(36.55, 104.18, 1741.0, 6.9)
    assert w["ghi"].sum() / 1000 == pytest.approx(1741.0, rel=1e-9)
    assert 0.3 < w.attrs["clear_sky_factor"] < 1.0


def test_chain_agrees_with_pvlib_modelchain_and_the_zone(tables):
    lat, lon = 36.55, 104.18  # Baiyin, Gansu: central Gansu, solar class II (1626–1856 kWh/m²/yr)
    w = solar.clear_sky_weather(lat, lon, 1741.0, 6.9)
    ours = solar.annual_specific_yield(w, lat, tables)
    loc = pvlib.location.Location(lat, lon, tz=solar.CHINA_TZ)
    system = pvlib.pvsystem.PVSystem(
        surface_tilt=lat, surface_azimuth=180, module_parameters={"pdc0": 1000.0, "gamma_pdc": -0.0035},
        inverter_parameters={"pdc0": 1000.0 / 1.2 / 0.96, "eta_inv_nom": 0.96},
        temperature_model_parameters=pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"],
        losses_parameters={"soiling": 0, "shading": 0, "snow": 0, "mismatch": 0, "wiring": 0, "connections": 0,
                           "lid": 0, "nameplate_rating": 0, "age": 0, "availability": 0})
    mc = pvlib.modelchain.ModelChain(system, loc, aoi_model="no_loss", spectral_model="no_loss",
                                     transposition_model="isotropic", temperature_model="sapm",
                                     dc_model="pvwatts", ac_model="pvwatts", losses_model="no_loss")
    mc.run_model(w[["ghi", "dni", "dhi", "temp_air", "wind_speed"]])
    # the PVWatts 14 % system losses, applied by agriremed to the DC power, applied here to the DC result
    dc = mc.results.dc * 0.86
    ac = pvlib.inverter.pvwatts(dc, 1000.0 / 1.2 / 0.96, eta_inv_nom=0.96).clip(lower=0)
    theirs = float(ac.sum()) / 1000.0
    assert ours["specific_yield_kwh_kwp_yr"] == pytest.approx(theirs, rel=0.02)
    # within the class-II band: 75–100 % of the zone's horizontal irradiation range
    assert 0.75 * 1626 <= ours["specific_yield_kwh_kwp_yr"] <= 1856
    assert 0.75 < ours["performance_ratio"] < 0.9


def test_avoided_co2_from_the_grid_factor(tables):
    # 1500 kWh/kWp on a whole hectare at 1.5 ha/MWp: 0.667 MWp → 1000 MWh in year 1
    r = solar.pv_per_hectare([1500.0], [1.0], 1, 0.06, tables).iloc[0]
    assert r["electricity_mwh_ha_yr"] == pytest.approx(1000.0)
    assert tables.factor("grid_ef_t_co2_mwh") == 0.5366  # MEE, China national average 2022
    assert r["avoided_co2_t_ha_yr"] == pytest.approx(536.6)
    # NPV: (1000 MWh × 350 CNY/MWh − 26 667 opex − 2 766 667 capex + residual value 24/25 of the capex) / 1.06
    assert r["pv_npv_cny_ha"] == pytest.approx((350000 - 26666.667 - 2766666.667 / 25) / 1.06, rel=1e-6)


def test_degradation_and_lifetime(tables):
    e = solar.pv_energy_by_year([1000.0], [1.0], 30, tables)[0]
    assert e[1] == pytest.approx(995.0)
    assert e[24] > 0 and e[25] == 0.0  # 25-year lifetime


@pytest.mark.parametrize("land_use,bf,rule", [("paddy", "no", "cn_pv_no_cultivated"),
                                              ("upland", "unknown", "cn_pv_no_cultivated"),
                                              ("marginal", "yes", "cn_pv_no_basic_farmland")])
def test_pv_is_forbidden_on_farmland_with_its_rule_and_source(tables, land_use, bf, rule):
    ro = tables.reuse_options.rename(columns={"reuse_id": "option_id"})
    pv = ro.loc[ro["option_id"] == "pv"]
    st, rid, txt = policy_status(pv, ["strict_control"], [land_use], [bf], tables)
    assert st[0, 0] == "forbidden" and rid[0, 0] == rule
    # the rule's text gives its 文号, which is not repeated as its citation
    assert txt[0, 0].endswith("(自然资办发〔2023〕12号)") and "mnr2023_pv_land" not in txt[0, 0]
    assert txt[0, 0].count("自然资办发〔2023〕12号") == 1


@pytest.mark.parametrize("land_use,bf,status,rule", [("marginal", "yes", "forbidden", "cn_green_no_basic_farmland"),
                                                     ("marginal", "no", "allowed", "cn_green_marginal"),
                                                     ("paddy", "yes", "forbidden", "cn_green_no_cultivated")])
def test_public_green_space_is_forbidden_on_permanent_basic_farmland(tables, land_use, bf, status, rule):
    ro = tables.reuse_options.rename(columns={"reuse_id": "option_id"})
    st, rid, txt = policy_status(ro.loc[ro["option_id"] == "green_space"], ["strict_control"], [land_use], [bf],
                                 tables)
    assert (st[0, 0], rid[0, 0]) == (status, rule)
    if rule == "cn_green_no_basic_farmland":
        # both 文号 are in the rule's text: neither is repeated as a citation
        assert txt[0, 0].endswith("(国办发明电〔2020〕24号 bans 1 and 4)")
        assert txt[0, 0].count("自然资发〔2021〕166号") == 1 and txt[0, 0].count("国办发明电〔2020〕24号") == 1
        assert "mnr2021_166" not in txt[0, 0] and "cn_nonfarm2020" not in txt[0, 0]


def test_pv_is_expected_on_wasteland(tables):
    ro = tables.reuse_options.rename(columns={"reuse_id": "option_id"})
    st, rid, _ = policy_status(ro.loc[ro["option_id"] == "pv"], ["strict_control"], ["marginal"], ["unknown"], tables)
    assert (st[0, 0], rid[0, 0]) == ("expected", "cn_pv_wasteland")


def test_gb36600_screening_of_a_stated_soil(tables):
    soil = pd.DataFrame({"pb_mg_kg": [1480.0, 1480.0, 300.0, 150.0], "as_mg_kg": [46.0, 46.0, 10.0, 24.0],
                         "cd_mg_kg": [9.6, 9.6, 1.0, 3.4], "zn_mg_kg": [2650.0, 2650.0, 100.0, 480.0]})
    r = softreuse.gb36600_screening(soil, ["first", "second", "first", "first"], tables)
    assert r["exposure_verdict"].tolist() == ["cover_layer", "site_assessment", "allowed", "site_assessment"]
    assert r["above_intervention"][0] == "pb" and r["above_screening"][0] == "as"  # Pb > 800, As > 20
    assert r["above_screening"][1] == "pb"  # second class: Pb 1480 between 800 and 2500; As 46 < 60
    assert "Pb 1480 > intervention 800" in r["exposure_reason"][0]
    assert "Zn is not among" in r["exposure_reason"][0]
    assert "background" in r["exposure_reason"][3]  # As only: footnote ①
    none = softreuse.gb36600_screening(soil.iloc[:1], [""], tables)
    assert none["exposure_verdict"][0] == "not_applicable"


def test_gb36600_table_values(tables):
    v = tables.gb36600_values.set_index(["metal", "land_class"])
    assert v.loc[("pb", "first"), ["screening_mg_kg", "intervention_mg_kg"]].tolist() == [400, 800]
    assert v.loc[("cd", "second"), ["screening_mg_kg", "intervention_mg_kg"]].tolist() == [65, 172]
    assert (v["screening_mg_kg"].dropna() < v["intervention_mg_kg"].dropna()).all()


def test_opportunity_scores_reproduced_from_inputs(tables):
    row = {"electricity_mwh_ha_yr": 800.0, "net_co2e_t_ha_yr": 429.0, "cover": "grass", "habitat_area_share": 0.0,
           "cover_area_share": 0.9, "biomass_area_share": 0.0, "public_access": "no", "exposure_verdict": "allowed",
           "npv_cny_ha": 300000.0, "labour": "medium"}
    got = {s: softreuse.score_service(row, s, tables)[0] for s in softreuse.SERVICES}
    assert got == {"energy": 3, "carbon": 3, "biodiversity": 1, "water_regulation": 2, "amenity": 0,
                   "risk_reduction": 3, "income": 3, "jobs": 2}
    assert softreuse.score_service(row, "income", tables)[1] == "NPV 300,000 CNY/ha (≥ 100 000)"
    # a park where a metal exceeds the intervention value reduces no risk until it is covered
    park = dict(row, public_access="yes", exposure_verdict="cover_layer")
    assert softreuse.score_service(park, "risk_reduction", tables)[0] == 0
    assert softreuse.score_service(park, "amenity", tables)[0] == 3
    # the rules are data: a higher energy threshold changes the score
    rules = tables.opportunity_rules.copy()
    rules.loc[(rules["service"] == "energy") & (rules["order"] == 1), "threshold"] = 900
    assert softreuse.score_service(row, "energy", tables.replace(opportunity_rules=rules))[0] == 2


def test_matrix_equals_its_rules_applied_to_the_reuse_rows(sample_reuse, tables):
    reuse, matrix = sample_reuse
    assert set(matrix["plot_id"]) == {"YN-LP-12", "GS-BY-16"}  # the marginal (mine) plots
    for _, m in matrix.iterrows():
        r = reuse.loc[(reuse["plot_id"] == m["plot_id"]) & (reuse["reuse_id"] == m["reuse_id"])].iloc[0].to_dict()
        r["npv_cny_ha"] = r["npv_vs_baseline_cny_ha"]
        for s in softreuse.SERVICES:
            assert m[f"score_{s}"] == softreuse.score_service(r, s, tables)[0]
        assert m["score_total"] == sum(m[f"score_{s}"] for s in softreuse.SERVICES)


def test_mine_plots_list_pv_next_to_biomass_and_cover(sample_reuse, sample_plan):
    reuse, _ = sample_reuse
    for pid in ("YN-LP-12", "GS-BY-16"):
        r = reuse.loc[reuse["plot_id"] == pid].set_index("reuse_id")
        assert r.loc["pv", "allowed"] and r.loc["pv", "policy_rule"] == "cn_pv_wasteland"
        assert 500 < r.loc["pv", "electricity_mwh_ha_yr"] < 1200
        assert r.loc["pv", "avoided_co2_t_ha_yr"] == pytest.approx(r.loc["pv", "electricity_mwh_ha_yr"] * 0.5366)
        assert np.isfinite(r.loc["pv", "npv_vs_baseline_cny_ha"])
        assert r.loc[["miscanthus", "poplar", "grass_cover", "woodland"], "allowed"].all()
        t = sample_plan.table
        mis = t.loc[(t["plot_id"] == pid) & (t["option_id"] == "miscanthus")].iloc[0]
        assert r.loc["miscanthus", "electricity_mwh_ha_yr"] == pytest.approx(mis["electricity_mwh_ha_yr"])
    # Lanping is strict-control land with Pb above the first-class intervention value
    yn = reuse.loc[reuse["plot_id"] == "YN-LP-12"].set_index("reuse_id")
    assert not yn.loc["pv_grazed", "allowed"]
    assert yn.loc["green_space", "exposure_verdict"] == "cover_layer"
    assert yn.loc["pv", "exposure_verdict"] == "site_assessment"


def test_farmland_plots_list_pv_as_not_allowed_with_the_rule(sample_reuse):
    reuse, _ = sample_reuse
    farm = reuse.loc[reuse["land_use"].isin(["paddy", "upland", "vegetable"]) & (reuse["reuse_id"] == "pv")]
    assert len(farm) == 13 and not farm["allowed"].any()
    assert (farm["policy_rule"] == "cn_pv_no_cultivated").all()
    assert farm["reason"].str.contains("自然资办发〔2023〕12号").all()
    orchard = reuse.loc[(reuse["land_use"] == "orchard") & (reuse["reuse_id"] == "pv")].iloc[0]
    assert orchard["policy_rule"] == "cn_safe_orchard_pv_check" and orchard["policy_status"] == "restrained"


def test_combined_uses_add_up_without_double_counting(sample_reuse, tables):
    reuse, _ = sample_reuse
    r = reuse.loc[reuse["plot_id"] == "GS-BY-16"].set_index("reuse_id")
    # same PV on the same land: the grass under the panels adds its cost, not another hectare of energy
    assert r.loc["pv_grass", "electricity_mwh_ha_yr"] == r.loc["pv", "electricity_mwh_ha_yr"]
    cover_cost = 0.9 * 1500.0 * economics.discount_factors(0.06, 20).sum()
    assert r.loc["pv", "npv_vs_baseline_cny_ha"] - r.loc["pv_grass", "npv_vs_baseline_cny_ha"] == pytest.approx(
        cover_cost, rel=1e-9)
    # 90 % Miscanthus, 10 % grass margins
    assert r.loc["miscanthus_margins", "electricity_mwh_ha_yr"] == pytest.approx(
        0.9 * r.loc["miscanthus", "electricity_mwh_ha_yr"])
    assert r.loc["miscanthus_margins", "npv_vs_baseline_cny_ha"] == pytest.approx(
        0.9 * r.loc["miscanthus", "npv_vs_baseline_cny_ha"] - 0.1 * 1500.0 * economics.discount_factors(0.06, 20).sum())
    shares = r[["pv_area_share", "biomass_area_share"]].sum(axis=1)
    assert (shares <= 1.0).all()


def test_a_tmy_file_replaces_the_clear_sky_year(tmp_path, tables):
    from pathlib import Path

    tmy = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"  # Greensboro, NC, shipped with pvlib
    w, site = solar.read_weather_file(tmy)
    assert len(w) == 8760 and site["latitude"] == pytest.approx(36.1, abs=0.1)
    y = solar.specific_yield_for_plots(pd.DataFrame({"plot_id": ["A"], "region": ["Gansu"], "lat": [36.5],
                                                     "lon": [104.2], "mean_temp_c": [7.0]}), tables, tmy)
    assert y["pv_weather"][0] == "weather file 723170TYA.CSV"
    assert y["ghi_kwh_m2_yr"][0] == pytest.approx(w["ghi"].sum() / 1000)
    assert 1100 < y["specific_yield_kwh_kwp_yr"][0] < 1700
    bad = tmp_path / "weather.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(solar.PVWeatherError, match="weather.csv"):
        solar.read_weather_file(bad)
    with pytest.raises(solar.PVWeatherError, match="no such weather file"):
        solar.read_weather_file(tmp_path / "none.epw")


def test_scenario_fields_reach_the_pv_numbers(sample_plan):
    low = softreuse.reuse_for_plan(sample_plan, tariff_cny_kwh=0.25)[0]
    high = softreuse.reuse_for_plan(sample_plan, tariff_cny_kwh=0.45)[0]
    pick = (low["plot_id"] == "GS-BY-16") & (low["reuse_id"] == "pv")
    e = low.loc[pick, "electricity_mwh_ha_yr"].iloc[0]
    diff = high.loc[pick, "npv_vs_baseline_cny_ha"].iloc[0] - low.loc[pick, "npv_vs_baseline_cny_ha"].iloc[0]
    # 0.20 CNY/kWh more on every MWh of every year, discounted; energy as in pv_energy_by_year
    yearly = solar.pv_energy_by_year([low.loc[pick, "specific_yield_kwh_kwp_yr"].iloc[0]], [1 / 1.5], 20)[0]
    assert diff == pytest.approx(200.0 * (yearly * economics.discount_factors(0.06, 20)).sum(), rel=1e-9)
    assert yearly.mean() == pytest.approx(e)
    from agriremed.core.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="pv_weather_file"):
        agriremed.Scenario(pv_weather_file="weather.txt")


def test_plan_writes_the_reuse_files_report_section_and_dashboard_table(sample_plan, tmp_path):
    from agriremed.apps.dashboards.comparison import soft_reuse_html

    paths = sample_plan.write(tmp_path / "out")
    matrix = pd.read_csv(paths["opportunity_matrix"])
    reuse = pd.read_csv(paths["reuse_options"])
    assert set(matrix["plot_id"]) == {"YN-LP-12", "GS-BY-16"} and len(reuse) == 16 * 9
    html = paths["report"].read_text(encoding="utf-8")
    assert "Soft re-use of marginal land: opportunity matrix" in html
    dp = (tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8")
    assert "opportunity_matrix.csv" in dp and "光伏等效利用小时" in dp
    zh = soft_reuse_html(sample_plan, "zh")
    assert "id='opportunity-matrix'" in zh and "光伏+板下种草" in zh and "得分：能源" in zh
    farm = agriremed.plan(pd.read_csv(SAMPLES).head(3), agriremed.Scenario(mc_draws=0))
    assert soft_reuse_html(farm, "en") == ""  # no marginal plot: no matrix


def test_chinese_report_names_the_soft_reuses_in_chinese(sample_plan):
    from agriremed.io.report import _soft_reuse_section

    zh = _soft_reuse_section(sample_plan, "zh").body
    en = _soft_reuse_section(sample_plan, "en").body
    assert "公共绿地（公园）" in zh and "Public green space (park)" not in zh
    assert "Public green space (park)" in en


def test_reuse_rows_of_three_plots_by_hand(tables):
    """The plot × re-use rows computed as arrays, checked against numbers worked by hand: given
    site yields (no pvlib run), a plan table with the biomass options and a doing-nothing NPV."""
    plots = pd.DataFrame({"plot_id": ["m1", "m2", "p1"], "land_use": ["marginal", "marginal", "paddy"],
                          "basic_farmland": ["no", "no", "yes"], "region": ["Hunan"] * 3,
                          "lat": [27.0] * 3, "lon": [112.0] * 3, "mean_temp_c": [17.0] * 3,
                          "cd_mg_kg": [30.0, 1.0, 1.0], "pb_mg_kg": [100.0, 900.0, 50.0]})
    yields = pd.DataFrame({"plot_id": ["m1", "m2", "p1"], "solar_zone": ["III"] * 3,
                           "ghi_kwh_m2_yr": [1300.0] * 3, "specific_yield_kwh_kwp_yr": [1100.0, np.nan, 1100.0],
                           "pv_note": ["", "no lat/lon: PV yield not computed", ""], "pv_note_msg": ["", "", ""]})
    plan_table = pd.DataFrame({
        "plot_id": ["m1", "m1", "m2", "m2", "m1", "m2", "p1"],
        "option_id": ["do_nothing", "miscanthus", "do_nothing", "miscanthus", "poplar_src", "poplar_src",
                      "do_nothing"],
        "applicable": [True, True, True, True, False, True, True],
        "reason": ["", "", "", "", "too wet", "", ""],
        "npv_cny_ha": [10_000.0, np.nan, -2_000.0, np.nan, np.nan, np.nan, 50_000.0],
        "electricity_mwh_ha_yr": [0.0, 20.0, 0.0, 18.0, 0.0, 9.0, 0.0],
        "avoided_electricity_co2e_t_ha_yr": [0.0, 10.0, 0.0, 9.0, 0.0, 4.0, 0.0],
        "net_co2e_vs_baseline_t_ha_yr": [0.0, 5.0, 0.0, 4.0, 0.0, 2.0, 0.0],
        "npv_vs_baseline_cny_ha": [0.0, 30_000.0, 0.0, 25_000.0, 0.0, 8_000.0, 0.0]})
    cls = ["strict_control", "safe_utilisation", "safe_utilisation"]
    r = softreuse.evaluate_reuse(plots, cls, plan_table, horizon_yr=20, discount_rate=0.06, tables=tables,
                                 yields=yields)
    assert len(r) == 3 * len(tables.reuse_options)
    assert r["plot_id"].tolist()[:2] == ["m1", "m1"] and r["plot_id"].iat[-1] == "p1"  # plot-major order
    row = {(p, u): x for p, u, x in zip(r["plot_id"], r["reuse_id"], r.to_dict("records"), strict=True)}
    annuity = sum(1.06 ** -t for t in range(1, 21))  # 11.4699 years
    assert annuity == pytest.approx(11.469921, abs=1e-6)
    # marginal land is set-aside already in Tier 1: no soil carbon; miscanthus_margins: 90 % of the plan's
    # Miscanthus, 10 % grass margins at 1 500 CNY/ha/yr, 10 % of the doing-nothing NPV given up
    mm = row["m1", "miscanthus_margins"]
    assert mm["allowed"] and mm["soc_co2e_t_ha_yr"] == 0.0
    assert mm["electricity_mwh_ha_yr"] == pytest.approx(18.0)
    assert mm["avoided_co2_t_ha_yr"] == pytest.approx(9.0) and mm["net_co2e_t_ha_yr"] == pytest.approx(4.5)
    assert mm["npv_vs_baseline_cny_ha"] == pytest.approx(27_000.0 - 150.0 * annuity - 1_000.0)
    # grass cover on the whole plot: 1 500 CNY/ha/yr and the whole doing-nothing NPV given up
    assert row["m2", "grass_cover"]["npv_vs_baseline_cny_ha"] == pytest.approx(-1_500.0 * annuity + 2_000.0)
    # woodland: establishment 15 000 CNY/ha in year 1 and 1 500 CNY/ha/yr (the poplar rows)
    assert row["m2", "woodland"]["npv_vs_baseline_cny_ha"] == pytest.approx(
        -15_000.0 / 1.06 - 1_500.0 * annuity + 2_000.0)
    # grazing is not planned on strict-control land; a plan option that does not apply is given with its reason
    assert not row["m1", "pv_grazed"]["allowed"] and "grazing" in row["m1", "pv_grazed"]["reason"]
    assert not row["m1", "poplar"]["allowed"] and row["m1", "poplar"]["reason"] == "poplar_src: too wet"
    assert row["m2", "poplar"]["allowed"] and row["m2", "poplar"]["electricity_mwh_ha_yr"] == pytest.approx(9.0)
    # PV: the per-hectare figures of the site yield at the Hunan price (0.45 CNY/kWh, pv_tariffs.csv, as in
    # the plan); m2 has no yield: allowed, no figures, the note says why
    pv1 = solar.pv_per_hectare([1100.0], [1.0], 20, 0.06, tables, 0.45).iloc[0]
    assert row["m1", "pv"]["pv_tariff_cny_kwh"] == 0.45
    assert row["m1", "pv"]["electricity_mwh_ha_yr"] == pv1["electricity_mwh_ha_yr"]
    assert row["m1", "pv"]["npv_vs_baseline_cny_ha"] == pytest.approx(pv1["pv_npv_cny_ha"] - 10_000.0)
    assert row["m1", "pv_grass"]["npv_vs_baseline_cny_ha"] == pytest.approx(
        pv1["pv_npv_cny_ha"] - 0.9 * 1_500.0 * annuity - 10_000.0)
    pv2 = row["m2", "pv"]
    assert pv2["allowed"] and np.isnan(pv2["electricity_mwh_ha_yr"]) and np.isnan(pv2["npv_vs_baseline_cny_ha"])
    assert pv2["reason"] == "allowed; no lat/lon: PV yield not computed"
    assert pv2["pv_mwp_ha"] == pv1["pv_mwp_ha"]  # the capacity on the land does not need the yield
    # PV on permanent basic farmland is forbidden, with the rule; a refused row has no figures
    pvp = row["p1", "pv"]
    assert not pvp["allowed"] and pvp["policy_rule"].startswith("cn_pv_")
    assert pvp["electricity_mwh_ha_yr"] == 0.0 and np.isnan(pvp["npv_vs_baseline_cny_ha"])
    assert pvp["exposure_verdict"] == "" and pvp["exposure_class"] == "second"
    # exposure by intended use: park on m1 (Cd 30 > first-class screening 20, below 47), PV workers on m2
    assert row["m1", "green_space"]["exposure_verdict"] == "site_assessment"
    assert row["m2", "pv"]["exposure_verdict"] == "site_assessment"  # Pb 900 > 800 (second class)
    # the matrix scores the allowed rows of the marginal plots, rule by rule, as score_service does
    m = softreuse.opportunity_matrix(r, tables)
    allowed = r.loc[r["allowed"] & (r["land_use"] == "marginal")]
    assert m[["plot_id", "reuse_id"]].values.tolist() == allowed[["plot_id", "reuse_id"]].values.tolist()
    g = m.set_index(["plot_id", "reuse_id"])
    assert g.loc[("m1", "miscanthus_margins"), "score_energy"] == 2  # 18 MWh/ha/yr: 10–300
    assert g.loc[("m1", "miscanthus_margins"), "why_energy"] == "electricity 18 MWh/ha/yr (10–300)"
    assert g.loc[("m2", "grass_cover"), "score_income"] == 1  # NPV −15 205 CNY/ha: a small net cost
    assert g.loc[("m2", "grass_cover"), "why_income"] == "NPV -15,205 CNY/ha (a small net cost)"
    assert g.loc[("m2", "pv"), "score_energy"] == 0 and g.loc[("m2", "pv"), "why_energy"] == "no energy produced"
    for (p, u), x in g.iterrows():
        d = dict(row[p, u], npv_cny_ha=row[p, u]["npv_vs_baseline_cny_ha"])
        assert [x[f"score_{s}"] for s in softreuse.SERVICES] == [
            softreuse.score_service(d, s, tables)[0] for s in softreuse.SERVICES]
        assert x["score_total"] == sum(x[f"score_{s}"] for s in softreuse.SERVICES)


def test_a_plan_without_the_reuse_option_says_it_is_not_available(sample_plots_path):
    # a run restricted to some options has no poplar rows: the poplar re-use is refused with the
    # missing-option reason on the six plots where the land rules would allow it (the safe-utilisation apple
    # orchard SD-YT-14 restrains it, 园地 not being cultivated land), nothing fails
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, options=["do_nothing", "miscanthus"]))
    t = softreuse.for_plan(p)[0]
    missing = t.loc[t["reason"] == "the plan's option poplar_src is not available"]
    assert len(t) == 144
    assert sorted(missing["plot_id"]) == ["GD-SG-15", "GS-BY-16", "HN-CS-04", "HN-XT-02", "SD-YT-14", "YN-LP-12"]
    assert set(missing["reuse_id"]) == {"poplar"} and not missing["allowed"].any()
