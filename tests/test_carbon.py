"""IPCC biochar sink and Tier 1 SOC worked cases; ledger totals equal the sum of terms."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.stages import carbon
from agriremed.core import i18n, messages
from agriremed.core.scenario import ScenarioError


@pytest.mark.parametrize("feedstock,temp,expected", [
    ("rice_straw", "medium", 0.49 * 0.80 * 44 / 12),   # 1.437 t CO2 per t biochar
    ("herbaceous", "medium", 0.65 * 0.80 * 44 / 12),   # 1.907
    ("herbaceous", "low", 0.65 * 0.65 * 44 / 12),      # 1.549
    ("wood", "high", 0.77 * 0.89 * 44 / 12),           # 2.513
    ("manure", "medium", 0.38 * 0.80 * 44 / 12),       # 1.115
])
def test_ipcc_biochar_sink(tables, feedstock, temp, expected):
    assert carbon.biochar_carbon_sink(1.0, feedstock, temp, tables=tables) == pytest.approx(expected)


def test_biochar_dose_example(tables):
    # 20 t/ha rice-straw biochar, medium temperature: 28.7 t CO2/ha
    assert carbon.biochar_carbon_sink(20.0, "rice_straw", "medium", tables=tables) == pytest.approx(28.747, abs=1e-3)


def test_tier1_soc_change_cases():
    # warm temperate moist, high-activity clay (64 t C/ha): annual crop 0.69 → set-aside 0.82
    assert carbon.soc_stock_change(64, 0.69, 0.82, 20) == pytest.approx(64 * 0.13)          # +8.32 t C
    assert carbon.soc_stock_change(64, 0.69, 0.82, 10) == pytest.approx(64 * 0.13 / 2)
    assert carbon.soc_stock_change(64, 0.69, 0.82, 40) == pytest.approx(64 * 0.13)          # capped at 20 yr
    # paddy (1.35) → perennial crop (0.72), low-activity clay 55: −34.65 t C = −127.05 t CO2
    assert carbon.soc_stock_change(55, 1.35, 0.72, 20) * 44 / 12 == pytest.approx(-127.05)


def test_soc_with_return_to_old_use():
    assert carbon.soc_change_with_return(55, 1.35, 0.69, 6, 20) == pytest.approx(0.0)
    assert carbon.soc_change_with_return(55, 1.35, 0.69, 15, 20) == pytest.approx(55 * -0.66 / 20 * 10)
    assert carbon.soc_change_with_return(55, 1.35, 0.69, 30, 20) == pytest.approx(55 * -0.66)


def test_climate_zone_and_soil_class_rules():
    z = carbon.ipcc_climate_zone([17.6, 21.7, 13.5, 6.9, 25, np.nan], [1410, 1300, 500, 190, 2500, 800])
    assert z.tolist() == ["warm_temperate_moist", "tropical_moist", "warm_temperate_dry", "cool_temperate_dry",
                          "tropical_wet", None]
    sc = carbon.ipcc_soil_class([5.1, 8.1, 6.0], [17.6, 13.5, 17.0], [31, 21, 5])
    assert sc.tolist() == ["low_activity_clay", "high_activity_clay", "sandy"]


def test_ledger_totals_equal_sum_of_terms(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    led = p.carbon_ledger.groupby(["plot_id", "option_id"])["co2e_t_ha_yr"].sum()
    tot = p.carbon.dropna(subset=["net_co2e_t_ha_yr"]).set_index(["plot_id", "option_id"])["net_co2e_t_ha_yr"]
    np.testing.assert_allclose(led.reindex(tot.index).to_numpy(), tot.to_numpy(), rtol=1e-12, atol=1e-12)
    assert (p.carbon_ledger["source"].str.len() > 0).all()
    base = p.carbon.loc[p.carbon["option_id"] == "do_nothing", "net_co2e_vs_baseline_t_ha_yr"]
    assert np.allclose(base, 0.0)


def test_lime_emission_hand_computed(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    led = p.carbon_ledger
    lime = led.loc[(led["option_id"] == "lime_low_cd_rice") & (led["term"] == "lime")].set_index("plot_id")
    # the plot's dose to pH 6.5, min(7.5, (6.5 − pH)/0.133) t CaCO3, every 2 years × 0.44 t CO2/t:
    # pH 5.1 → 7.5 t, −1.65; pH 5.8 → 5.263 t, −1.158; pH 5.9 → 4.511 t, −0.992 t CO2/ha/yr
    expected = {"HN-ZZ-01": -7.5 * 0.44 / 2, "HN-YX-03": -(0.7 / 0.133) * 0.44 / 2, "GX-NN-06": -(0.6 / 0.133) * 0.44 / 2}
    assert lime["co2e_t_ha_yr"].to_dict() == pytest.approx(expected)
    assert lime.at["HN-YX-03", "co2e_t_ha_yr"] == pytest.approx(-1.157895, abs=1e-6)


def test_user_climate_zone_wins_row_by_row(plots_factory):
    df = plots_factory(2, climate_zone=["tropical_moist", None], mean_temp_c=17.0, annual_rain_mm=1400.0)
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    led = p.carbon_ledger.query("option_id == 'fallow' and term == 'soc_change'").set_index("plot_id")
    # paddy → set-aside, low-activity clay: tropical moist 38·(0.82−1.35) vs warm temperate moist 55·(0.82−1.35)
    assert led.loc["P1", "co2e_t_ha_yr"] == pytest.approx(38 * (0.82 - 1.35) * 44 / 12 / 20)
    assert led.loc["P2", "co2e_t_ha_yr"] == pytest.approx(55 * (0.82 - 1.35) * 44 / 12 / 20)


# --- biochar persistence methods -------------------------------------------------------
@pytest.mark.parametrize("t_soil,h,expected", [
    (20, 0.4, 86.19 - 40.53 * 0.4),     # 70.0 % (south-China paddy)
    (10, 0.2, 94.49 - 18.28 * 0.2),     # 90.8 %
    (25, 0.7, 86.19 - 44.71 * 0.7),     # 54.9 %
    (3, 0.4, 96.59 - 11.28 * 0.4),      # below the table: the 7 °C row (conservative)
    (20.4, 0.4, 86.19 - 40.53 * 0.4),   # integer °C
])
def test_puro_persistence_factor(tables, t_soil, h, expected):
    pf = carbon.biochar_persistence("medium", "puro2025", tables, h_corg=h, soil_temp_c=t_soil)
    assert float(pf[0]) == pytest.approx(expected / 100)


def test_puro_needs_an_eligible_measured_h_corg(tables):
    ineligible = carbon.biochar_persistence("medium", "puro2025", tables, h_corg=0.8, soil_temp_c=20)
    assert float(ineligible[0]) == 0.0
    assert np.isnan(carbon.biochar_persistence("medium", "puro2025", tables)[0])
    sink = carbon.biochar_carbon_sink(1.0, "herbaceous", "medium", tables=tables, method="puro2025",
                                      h_corg=0.4, soil_temp_c=20)
    assert float(sink) == pytest.approx(0.65 * (86.19 - 40.53 * 0.4) / 100 * 44 / 12)


def test_ebc_legacy_decay(tables):
    assert float(carbon.biochar_carbon_sink(1.0, "wood", "high", tables=tables, method="ebc2020")) == \
        pytest.approx(0.77 * 0.997 ** 100 * 44 / 12)
    with pytest.raises(ValueError, match="unknown"):
        carbon.biochar_persistence("medium", "verra")


# --- Tier 1 SOC with management and input factors -------------------------------------
def test_tier1_soc_with_tillage_and_input(tables):
    z = ["warm_temperate_moist"]
    def f(lu, till, inp):
        return (carbon.soc_factor(tables, "FLU", [lu], z) * carbon.soc_factor(tables, "FMG", [till], z)
                * carbon.soc_factor(tables, "FI", [inp], z))

    f_old, f_new = f("annual_crop", "full_till", "medium"), f("annual_crop", "no_till", "high")
    assert float(f_new[0]) == pytest.approx(0.69 * 1.10 * 1.11)
    # high-activity clay 64 t C/ha: 44.16 → 53.92 t C/ha, +9.76 t C over 20 years
    gain = carbon.soc_stock_change(64, f_old, f_new, 20)[0]
    assert float(gain) == pytest.approx(64 * 0.69 * (1.10 * 1.11 - 1))
    assert carbon.soc_factor(tables, "FI", ["low"], ["tropical_dry"])[0] == 0.95
    assert carbon.soc_factor(tables, "FMG", ["reduced_till"], ["cool_temperate_dry"])[0] == 0.98


def test_plot_management_enters_the_soc_term(plots_factory):
    df = plots_factory(2, land_use="upland", crop="wheat", ph=6.0, cd_mg_kg=0.4, tillage=["no_till", None],
                       carbon_input=["high", None])
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    led = p.carbon_ledger.query("option_id == 'fallow' and term == 'soc_change'").set_index("plot_id")
    # warm temperate moist, low-activity clay 55: annual crop (with its management) → set-aside 0.82
    assert led.loc["P1", "co2e_t_ha_yr"] == pytest.approx(55 * (0.82 - 0.69 * 1.10 * 1.11) * 44 / 12 / 20)
    assert led.loc["P2", "co2e_t_ha_yr"] == pytest.approx(55 * (0.82 - 0.69) * 44 / 12 / 20)


def test_harvested_annual_remediation_crop_counts_as_low_input(plots_factory):
    # an upland wheat plot in a Henan-like climate (warm temperate dry, high-activity clay: 24 t C/ha),
    # acid enough for Sedum to apply
    df = plots_factory(1, land_use="upland", crop="wheat", ph=5.5, cd_mg_kg=0.8, clay_pct=22.0,
                       mean_temp_c=14.4, annual_rain_mm=600.0, region="Henan")
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0, horizon_yr=20))
    t = p.table.set_index(["plot_id", "option_id"])
    assert t.loc[("P1", "sedum_plumbizincicola"), "applicable"]
    led = p.carbon_ledger.query("option_id == 'sedum_plumbizincicola' and term == 'soc_change'")
    yrs = float(np.ceil(t.loc[("P1", "sedum_plumbizincicola"), "years_to_target"]))
    # FI low 0.95 during the Sedum years, then back to medium input
    rate = 24 * 0.76 * (0.95 - 1.0) / 20
    expected = rate * (min(yrs, 20) - min(max(20 - yrs, 0), min(yrs, 20)))
    assert float(led["co2e_t_ha_yr"].iloc[0]) == pytest.approx(expected * 44 / 12 / 20)


# --- nitrogen: explicit split, no double counting --------------------------------------
def test_nitrogen_split_and_full_chain_by_hand(sample_plots_path):
    s = agriremed.Scenario(mc_draws=0)
    split = agriremed.plan(sample_plots_path, s).carbon_ledger
    full = agriremed.plan(sample_plots_path, s.replace(n_fertiliser_method="full_chain")).carbon_ledger
    def value(led, plot, term):
        q = led.loc[(led["plot_id"] == plot) & (led["option_id"] == "do_nothing") & (led["term"] == term)]
        return float(q["co2e_t_ha_yr"].iloc[0])

    assert value(split, "HN-ZZ-01", "n_fertiliser") == pytest.approx(-180 * 8.01 / 1000)
    assert value(full, "HN-ZZ-01", "n_fertiliser") == pytest.approx(-180 * 13.5 / 1000)
    # paddy rice: EF1FR 0.004 kg N2O-N/kg N × 44/28 × GWP 273
    assert value(split, "HN-ZZ-01", "n2o_fertiliser_direct") == pytest.approx(-0.180 * 0.004 * 44 / 28 * 273)
    assert value(full, "HN-ZZ-01", "n2o_fertiliser_direct") == 0.0
    assert full.loc[full["term"] == "n2o_fertiliser_direct", "term_method"].str.contains(
        "included in n_fertiliser").all()
    # upland wheat: EF1 0.010
    assert value(split, "HB-SJZ-09", "n2o_fertiliser_direct") == pytest.approx(-0.222 * 0.010 * 44 / 28 * 273)


def test_ledger_method_and_note_are_messages_with_the_factors_used(sample_plots_path):
    s = agriremed.Scenario(mc_draws=0, n_fertiliser_method="full_chain",
                           overrides={"factor.n_fert_t_co2e_t_n": 10.0, "factor.ethanol_plant_coal_kg_l": 0.0})
    led = agriremed.plan(sample_plots_path, s).carbon_ledger
    # the English columns are the messages rendered in English
    for c in ("term_method", "note"):
        assert led[c].fillna("").tolist() == messages.render_column(led[f"{c}_msg"].to_numpy(object), "en").tolist()
    by_term = led.drop_duplicates("term").set_index("term")
    # the numbers in the texts are the factors the ledger used (override applied), not fixed text
    assert by_term.loc["n_fertiliser", "term_method"] == "full chain: N × 10 t CO2e/t N (manufacture and field N2O)"
    assert "13.5" not in " ".join(led["term_method"])
    conv = by_term.loc["conversion_process", "note"]
    assert "125 kWh per t biochar" in conv and "0.3001 kWh and 0 kg coal per litre of ethanol" in conv
    # in Chinese: the explanatory notes and methods are Chinese (formulas, symbols and codes aside)
    zh = {t: (messages.render(by_term.loc[t, "term_method_msg"], "zh"), messages.render(by_term.loc[t, "note_msg"], "zh"))
          for t in by_term.index}
    assert zh["soc_change"] == ("IPCC 2019 Tier 1：SOC_ref·F_LU·F_MG·F_I，20年线性过渡", "耕作和碳投入因子只用于一年生耕地和水田")
    assert zh["n_fertiliser"][0] == "全链条：施氮量 × 10 t CO2e/t N（生产及田间N2O）"
    assert zh["biochar_sink"][1] == "生物炭在地块上只施用一次（第1年）；富含重金属的生物质制成的炭不计碳汇"
    assert [t for t, (m, n) in zh.items() if i18n.untranslated(m) or i18n.untranslated(n)] == []


def test_direct_n2o_example():
    # 200 kg N/ha: 3.14 kg N2O, 858 kg CO2e (reference worked example)
    assert float(carbon.n2o_direct_t_co2e(200, False)) == pytest.approx(0.2 * 0.01 * 44 / 28 * 273)
    assert float(carbon.n2o_direct_t_co2e(200, True)) == pytest.approx(0.2 * 0.004 * 44 / 28 * 273)


# --- avoided emissions and the ledger's shape ------------------------------------------
def test_avoided_electricity_and_heat_by_hand(sample_plots_path):
    # default: no heat user named, so a power-only plant: the CHP heat displaces nothing
    p0 = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    led0 = p0.carbon_ledger.query("plot_id == 'GX-HC-05' and option_id == 'miscanthus'").set_index("term")
    assert led0.loc["avoided_heat", "co2e_t_ha_yr"] == 0.0
    assert "no heat user" in led0.loc["avoided_heat", "note"]
    assert p0.energy.loc[p0.energy["option_id"] == "miscanthus", "heat_gj_ha_yr"].fillna(0).eq(0).all()
    # a named heat user taking all the heat: 9.9 t × 17 GJ/t × (0.875 − 0.32) × 0.11 t CO2/GJ,
    # harvested as Miscanthus establishes: 0, 0.5, then 18 full years of 20 (yield_establishment.csv)
    est = (0 + 0.5 + 18) / 20
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, heat_user="Nandan smelter"))
    led = p.carbon_ledger.query("plot_id == 'GX-HC-05' and option_id == 'miscanthus'").set_index("term")
    assert led.loc["avoided_electricity", "co2e_t_ha_yr"] == pytest.approx(9.9 * 17 * 0.32 / 3.6 * 0.5366 * est)
    assert led.loc["avoided_heat", "co2e_t_ha_yr"] == pytest.approx(9.9 * 17 * (0.875 - 0.32) * 0.11 * est)
    assert "Nandan smelter" in led.loc["avoided_heat", "note"]
    half = agriremed.plan(sample_plots_path,
                          agriremed.Scenario(mc_draws=0, heat_user="a dryer", heat_user_frac=0.5))
    led_h = half.carbon_ledger.query("plot_id == 'GX-HC-05' and option_id == 'miscanthus'").set_index("term")
    assert led_h.loc["avoided_heat", "co2e_t_ha_yr"] == pytest.approx(0.5 * 9.9 * 17 * (0.875 - 0.32) * 0.11 * est)
    with pytest.raises(ScenarioError, match="heat_user"):
        agriremed.Scenario(overrides={"factor.chp_heat_used_frac": 1})
    assert led.loc["biomass_transport", "co2e_t_ha_yr"] == pytest.approx(-9.9 * 50 * 0.11 / 1000 * est)
    assert np.isnan(led.loc["processing", "co2e_t_ha_yr"])         # no sourced factor: not quantified
    assert set(led["term_category"]) == {"removal", "avoided_emission", "emission"}
    assert (led["term_unit"] == "t CO2e/ha/yr").all() and led["source"].str.len().gt(3).all()
    # a scenario can change the factors: a power-only plant in Yunnan's grid
    s = agriremed.Scenario(mc_draws=0, overrides={"factor.chp_heat_used_frac": 0,
                                                  "factor.grid_ef_t_co2_mwh": 0.1073})
    led2 = agriremed.plan(sample_plots_path, s).carbon_ledger.query(
        "plot_id == 'GX-HC-05' and option_id == 'miscanthus'").set_index("term")
    assert led2.loc["avoided_heat", "co2e_t_ha_yr"] == 0.0
    assert led2.loc["avoided_electricity", "co2e_t_ha_yr"] == pytest.approx(9.9 * 17 * 0.32 / 3.6 * 0.1073 * est)


def test_biochar_method_is_shown_and_changes_the_sink(sample_plots_path):
    base = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    puro = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, biochar_method="puro2025",
                                                                biochar_h_corg=0.4))
    q = "plot_id == 'HN-ZZ-01' and option_id == 'biochar_amendment' and term == 'biochar_sink'"
    b, pu = base.carbon_ledger.query(q).iloc[0], puro.carbon_ledger.query(q).iloc[0]
    n_app = 1  # one application by default
    assert b["co2e_t_ha_yr"] == pytest.approx(20 * n_app / 20 * 0.49 * 0.80 * 44 / 12)
    # 17.6 °C → the 18 °C row of Puro Table 6.1
    assert pu["co2e_t_ha_yr"] == pytest.approx(20 * n_app / 20 * 0.49 * (86.19 - 38.86 * 0.4) / 100 * 44 / 12)
    assert "Puro" in pu["term_method"] and "puro2025_biochar" in pu["source"]
    assert set(puro.table.loc[puro.table["applicable"], "biochar_method"]) == {"puro2025"}
    with pytest.raises(ScenarioError):
        agriremed.Scenario(biochar_method="nonsense")


def test_monte_carlo_percentiles_are_ordered_and_reproducible(sample_plots_path):
    s = agriremed.Scenario(mc_draws=200, seed=5, rule_set="none")  # willow on a safe paddy: no rules
    a = agriremed.plan(sample_plots_path, s)
    b = agriremed.plan(sample_plots_path, s)
    c = agriremed.plan(sample_plots_path, s.replace(seed=6))
    pd.testing.assert_frame_equal(a.carbon_ledger, b.carbon_ledger)
    t = a.carbon.dropna(subset=["net_co2e_t_ha_yr"])
    assert (t["net_co2e_t_ha_yr_p10"] <= t["net_co2e_t_ha_yr_p50"] + 1e-12).all()
    assert (t["net_co2e_t_ha_yr_p50"] <= t["net_co2e_t_ha_yr_p90"] + 1e-12).all()
    w = t.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "willow_src")]
    assert w["net_co2e_t_ha_yr_p10"] < w["net_co2e_t_ha_yr"] < w["net_co2e_t_ha_yr_p90"]  # biomass range
    base = t.loc[t["option_id"] == "do_nothing"]
    assert np.allclose(base[["net_co2e_vs_baseline_t_ha_yr_p10", "net_co2e_vs_baseline_t_ha_yr_p90"]], 0)
    col = "net_co2e_t_ha_yr_p50"
    assert not np.allclose(a.carbon[col].fillna(0), c.carbon[col].fillna(0))
    d = agriremed.plan(sample_plots_path, s.replace(mc_draws=0))
    assert d.carbon["net_co2e_t_ha_yr_p50"].isna().all()


def test_ledger_is_in_plan_csv_and_report(tmp_path, sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=50))
    paths = p.write(tmp_path)
    csv = pd.read_csv(paths["plan"])
    for term in carbon.LEDGER_TERMS:
        assert f"{term}_co2e_t_ha_yr" in csv.columns
    row = csv.loc[(csv["plot_id"] == "HN-ZZ-01") & (csv["option_id"] == "miscanthus")].iloc[0]
    terms = p.carbon_ledger.query("plot_id == 'HN-ZZ-01' and option_id == 'miscanthus'").set_index("term")
    assert row["avoided_heat_co2e_t_ha_yr"] == pytest.approx(terms.loc["avoided_heat", "co2e_t_ha_yr"])
    assert row["net_co2e_t_ha_yr"] == pytest.approx(terms["co2e_t_ha_yr"].sum())
    html = paths["report"].read_text(encoding="utf-8")
    assert "Carbon ledger of the recommended options" in html and "n2o_fertiliser_direct" in html
    assert "Biomass, energy and metal fate" in html


def test_stopping_phytoextraction_hands_the_field_back_to_the_current_crop(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    yrs = np.ceil(p.table.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "sedum_plumbizincicola"),
                                                                   "years_to_target"])
    led = p.carbon_ledger.query("plot_id == 'HN-ZZ-01' and option_id == 'sedum_plumbizincicola'")
    led = led.set_index("term")
    f = yrs / 20
    # Sedum 100 kg N/ha (upland EF1) during its years, rice 180 kg N/ha (flooded, EF1FR) afterwards
    exp = f * 0.100 * 0.010 + (1 - f) * 0.180 * 0.004
    assert led.loc["n2o_fertiliser_direct", "co2e_t_ha_yr"] == pytest.approx(-exp * 44 / 28 * 273)
    assert led.loc["biomass_transport", "co2e_t_ha_yr"] == pytest.approx(-f * 3.26 * 50 * 0.11 / 1000)


def test_year_by_year_ledger_sums_to_the_horizon_totals(sample_plots_path):
    # rule set none: willow on a safe-utilisation paddy is the ledger checked here
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, horizon_yr=22, rule_set="none"))
    y = p.carbon_by_year
    cols = [f"{t}_co2e_t_ha" for t in carbon.LEDGER_TERMS]
    s = y.groupby(["plot_id", "option_id"], sort=False)[cols].sum(min_count=1)
    w = p.carbon_ledger.pivot_table(index=["plot_id", "option_id"], columns="term", values="co2e_t_ha",
                                    sort=False, dropna=False).reindex(s.index)
    for t in carbon.LEDGER_TERMS:
        np.testing.assert_allclose(s[f"{t}_co2e_t_ha"], w[t], rtol=1e-9, atol=1e-9)
    last = y.groupby(["plot_id", "option_id"], sort=False)["cumulative_net_co2e_t_ha"].last()
    tot = p.carbon.set_index(["plot_id", "option_id"])["net_co2e_t_ha"].reindex(last.index)
    np.testing.assert_allclose(last, tot, rtol=1e-9, atol=1e-9)
    # willow cut every 4 years: avoided electricity only in years 4, 8, …, 20 (22-yr horizon: 5 cuts)
    wil = y.query("plot_id == 'HN-ZZ-01' and option_id == 'willow_src'")
    assert wil.loc[wil["avoided_electricity_co2e_t_ha"] > 0, "ledger_year"].tolist() == [4, 8, 12, 16, 20]
    assert wil["avoided_electricity_co2e_t_ha"].max() == pytest.approx(4 * 8.6 * 15 * 0.32 / 3.6 * 0.5366)
    # lime every second year; the paddy SOC loss of Sedum's years is regained afterwards
    lime = y.query("plot_id == 'HN-ZZ-01' and option_id == 'lime_low_cd_rice'")
    assert lime.loc[lime["lime_co2e_t_ha"] < 0, "ledger_year"].tolist() == list(range(1, 23, 2))
    sed = y.query("plot_id == 'HN-ZZ-01' and option_id == 'sedum_plumbizincicola'")["soc_change_co2e_t_ha"]
    assert sed.iloc[0] < 0 and sed.iloc[-1] == 0 and sed.sum() == pytest.approx(0.0, abs=1e-9)


def test_monte_carlo_ledger_does_not_depend_on_chunking_or_other_plots(sample_plots_path, monkeypatch):
    v = agriremed.validate_plots(sample_plots_path).plots
    s = agriremed.Scenario(mc_draws=64, seed=3)
    whole = agriremed.plan(v, s).carbon.set_index(["plot_id", "option_id"])
    monkeypatch.setattr(carbon, "_MC_CHUNK", 200)       # many small chunks
    few = agriremed.plan(v.iloc[[4, 0, 11]].reset_index(drop=True), s).carbon
    few = few.set_index(["plot_id", "option_id"])
    cols = ["net_co2e_t_ha_yr_p10", "net_co2e_t_ha_yr_p90", "net_co2e_vs_baseline_t_ha_yr_p10"]
    pd.testing.assert_frame_equal(few[cols].sort_index(), whole.loc[few.index, cols].sort_index())


# --- paddy CH4 (IPCC 2019 Tier 1) -------------------------------------------------------
def test_paddy_ch4_tier1_hand_computed(tables):
    # one hectare, continuously flooded for 120 days, not flooded < 180 d before, no amendment:
    # EF_c (East Asia, Table 5.11) 1.32 kg CH4/ha/d × SF_w 1.00 × SF_p 1.00 × SF_o 1 × 120 d
    # = 158.4 kg CH4
    # × GWP 27.0 (AR6, non-fossil) = 4.2768 t CO2e; × 28 (AR5) = 4.4352 t CO2e
    assert carbon.paddy_ch4_t_co2e("continuous_flooding", 120, tables=tables)[0] == pytest.approx(4.2768)
    assert carbon.paddy_ch4_t_co2e("continuous_flooding", 120, gwp_ch4=carbon.gwp_value(tables, "ar5", "ch4"),
                                   tables=tables)[0] == pytest.approx(4.4352)
    # single drainage 0.71, multiple drainage 0.55 (Table 5.12); upland 0
    v = carbon.paddy_ch4_t_co2e(["single_drainage", "multiple_drainage", "upland"], 120, tables=tables)
    np.testing.assert_allclose(v, [158.4 * 0.71 * 27 / 1000, 158.4 * 0.55 * 27 / 1000, 0.0])
    # 5 t/ha straw incorporated shortly before: SF_o = (1 + 5 × 1.00)^0.59 = 2.8788;
    # long before: (1 + 5 × 0.19)^0.59
    short = carbon.paddy_ch4_t_co2e("continuous_flooding", 120, amendment="straw_short", amendment_t_ha=5,
                                    tables=tables)[0]
    long_ = carbon.paddy_ch4_t_co2e("continuous_flooding", 120, amendment="straw_long", amendment_t_ha=5,
                                    tables=tables)[0]
    assert short == pytest.approx(4.2768 * 6 ** 0.59)
    assert long_ == pytest.approx(4.2768 * 1.95 ** 0.59)
    # pre-season flooded > 30 d: SF_p 2.41 (Table 5.13)
    assert carbon.paddy_ch4_t_co2e("continuous_flooding", 120, "flooded_gt30", tables=tables)[0] == \
        pytest.approx(4.2768 * 2.41)


def test_paddy_factor_table_matches_the_choices(tables):
    t = tables.paddy_ch4
    assert set(t.loc[t["parameter"] == "sfw", "category"]) == set(carbon.RICE_WATER_REGIMES)
    assert set(t.loc[t["parameter"] == "sfp", "category"]) == set(carbon.RICE_PRESEASON)
    assert set(t.loc[t["parameter"] == "cfoa", "category"]) == set(carbon.RICE_AMENDMENTS)
    assert set(tables.gwp["gwp_set"]) == set(carbon.GWP_SETS)
    assert set(tables.carbon_credit_terms["method"]) == set(carbon.CREDIT_METHODS)
    for m in carbon.CREDIT_METHODS:  # every method decides every term
        assert set(tables.carbon_credit_terms.query("method == @m")["term"]) == set(carbon.LEDGER_TERMS)


def test_paddy_ch4_in_the_ledger_by_option(sample_plots_path):
    # season length 120 d: baseline practice in China is single drainage (Yan et al. 2003)
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, rice_season_days=120))
    c = p.carbon.set_index(["plot_id", "option_id"]).loc["HN-YX-03"]
    single, flooded = -158.4 * 0.71 * 27 / 1000, -158.4 * 27 / 1000
    assert c.loc["do_nothing", "paddy_ch4_co2e_t_ha_yr"] == pytest.approx(single)
    assert c.loc["low_cd_rice", "paddy_ch4_co2e_t_ha_yr"] == pytest.approx(single)
    # continuous flooding is charged more than the baseline:
    # 158.4 × (1 − 0.71) × 27 / 1000 = 1.240 t CO2e/ha/yr
    assert c.loc["flooded_rice", "paddy_ch4_co2e_t_ha_yr"] == pytest.approx(flooded)
    assert c.loc["flooded_rice", "net_co2e_vs_baseline_t_ha_yr"] < 0
    assert c.loc["flooded_rice", "rice_water_regime"] == "continuous_flooding"
    # leaving paddy for a non-rice use emits no CH4: the methane avoided shows against the baseline
    assert c.loc["maize_grain", "paddy_ch4_co2e_t_ha_yr"] == 0.0
    assert c.loc["fallow", "paddy_ch4_co2e_t_ha_yr"] == 0.0
    # upland and vegetable plots grow no paddy rice
    up = p.carbon.query("plot_id in ['HB-SJZ-09', 'JS-SZ-07']")["paddy_ch4_co2e_t_ha_yr"].dropna()
    assert len(up) and (up == 0).all()
    led = p.carbon_ledger.query("plot_id == 'HN-YX-03' and option_id == 'do_nothing' and term == 'paddy_ch4'")
    assert "ipcc2019_rice_ch4" in led["source"].iloc[0] and "120 d" in led["term_method"].iloc[0]
    # AR5 GWPs: CH4 28 and N2O 265
    p5 = agriremed.plan(sample_plots_path,
                        agriremed.Scenario(mc_draws=0, rice_season_days=120, gwp_set="ar5"))
    c5 = p5.carbon.set_index(["plot_id", "option_id"]).loc["HN-YX-03"]
    assert c5.loc["do_nothing", "paddy_ch4_co2e_t_ha_yr"] == pytest.approx(single * 28 / 27)
    assert c5.loc["do_nothing", "n2o_fertiliser_direct_co2e_t_ha_yr"] == pytest.approx(
        c.loc["do_nothing", "n2o_fertiliser_direct_co2e_t_ha_yr"] * 265 / 273)
    # a scenario baseline of continuous flooding and straw: flooded_rice then equals the baseline
    ps = agriremed.plan(sample_plots_path, agriremed.Scenario(
        mc_draws=0, rice_season_days=120, rice_water_regime="continuous_flooding",
        rice_amendment="straw_long", rice_amendment_t_ha=5))
    cs = ps.carbon.set_index(["plot_id", "option_id"]).loc["HN-YX-03"]
    assert cs.loc["do_nothing", "paddy_ch4_co2e_t_ha_yr"] == pytest.approx(flooded * 1.95 ** 0.59)
    assert cs.loc["flooded_rice", "net_co2e_vs_baseline_t_ha_yr"] == pytest.approx(0.0, abs=1e-12)


def test_paddy_ch4_when_phytoextraction_hands_back_to_rice(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, rice_season_days=120, horizon_yr=20))
    yrs = np.ceil(p.table.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "sedum_plumbizincicola"),
                                                                   "years_to_target"])
    c = p.carbon.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "sedum_plumbizincicola")]
    assert 0 < yrs < 20
    assert c["paddy_ch4_co2e_t_ha_yr"] == pytest.approx(-(1 - yrs / 20) * 158.4 * 0.71 * 27 / 1000)
    y = p.carbon_by_year.query("plot_id == 'HN-ZZ-01' and option_id == 'sedum_plumbizincicola'")
    ch4 = y["paddy_ch4_co2e_t_ha"].to_numpy()
    assert (ch4[:int(yrs)] == 0).all() and np.allclose(ch4[int(yrs):], -158.4 * 0.71 * 27 / 1000)


def test_biochar_applied_once_unless_the_scenario_repeats_it(sample_plots_path):
    q = "plot_id == 'HN-ZZ-01' and option_id == 'biochar_amendment'"
    once = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    rep = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, biochar_reapply_interval_yr=3))
    def sink(p):
        return p.carbon_ledger.query(q + " and term == 'biochar_sink'")["co2e_t_ha_yr"].iloc[0]

    one = 20 * 0.49 * 0.80 * 44 / 12  # 20 t/ha rice-straw char, medium temperature: 28.75 t CO2/ha
    assert sink(once) == pytest.approx(one / 20)
    assert sink(rep) == pytest.approx(7 * one / 20)  # years 1, 4, …, 19
    y = once.carbon_by_year.query(q)["biochar_sink_co2e_t_ha"].to_numpy()
    assert y[0] == pytest.approx(one) and (y[1:] == 0).all()
    assert "once" in once.carbon_ledger.query(q + " and term == 'biochar_sink'")["note"].iloc[0]
    # the amendment cost follows: one application against seven
    key = (("HN-ZZ-01", "biochar_amendment"), "cost_amendment_cny_ha")
    c1 = once.table.set_index(["plot_id", "option_id"]).loc[key]
    c7 = rep.table.set_index(["plot_id", "option_id"]).loc[key]
    df = 1.06 ** -np.arange(1, 21)
    assert c7 / c1 == pytest.approx(df[::3].sum() / df[0])
    # lime keeps its two-year re-application: the plot's dose × 0.44 every 2 years (7.5 t at pH 5.1,
    # 5.263 t at pH 5.8, 4.511 t at pH 5.9: the dose to pH 6.5)
    lime = once.carbon_ledger.query("option_id == 'lime_low_cd_rice' and term == 'lime'")["co2e_t_ha_yr"]
    assert np.allclose(lime, [-1.65, -(0.7 / 0.133) * 0.22, -(0.6 / 0.133) * 0.22])
    with pytest.raises(ScenarioError):
        agriremed.Scenario(biochar_reapply_interval_yr=0)


def test_carbon_revenue_never_sells_avoided_emissions_of_sold_energy(sample_plots_path):
    s = agriremed.Scenario(mc_draws=0, heat_user="a greenhouse", carbon_price_cny_t=100)
    p = agriremed.plan(sample_plots_path, s)
    t = p.table.set_index(["plot_id", "option_id"]).loc[("GX-HC-05", "miscanthus")]
    b = p.table.set_index(["plot_id", "option_id"]).loc[("GX-HC-05", "do_nothing")]
    avoided = sum(t[f"{k}_co2e_t_ha_yr"] - b[f"{k}_co2e_t_ha_yr"]
                  for k in ("avoided_electricity", "avoided_heat", "avoided_fuel"))
    assert avoided > 1
    credited = t["credited_co2e_vs_baseline_t_ha_yr"]
    # the paddy leaves rice for miscanthus: the CH4 of the rice given up is not sold either
    # (carbon_credit_terms.csv: paddy_ch4 rice_seasons debits_only under land_based)
    ch4 = t["paddy_ch4_co2e_t_ha_yr"] - b["paddy_ch4_co2e_t_ha_yr"]
    assert ch4 == pytest.approx(-b["paddy_ch4_co2e_t_ha_yr"]) and ch4 > 2
    assert credited == pytest.approx(t["net_co2e_vs_baseline_t_ha_yr"] - avoided - ch4)
    assert t["carbon_credit_method"] == "land_based"
    df = 1.06 ** -np.arange(1, 21)
    assert t["carbon_revenue_cny_ha"] == pytest.approx(max(credited, 0) * 100 * df.sum())
    allt = agriremed.plan(sample_plots_path, s.replace(carbon_credit_method="all_terms"))
    ta = allt.table.set_index(["plot_id", "option_id"]).loc[("GX-HC-05", "miscanthus")]
    assert ta["credited_co2e_vs_baseline_t_ha_yr"] == pytest.approx(ta["net_co2e_vs_baseline_t_ha_yr"])
    with pytest.raises(ScenarioError):
        agriremed.Scenario(carbon_credit_method="everything")


def test_biochar_registry_rules(tables):
    # VM0044: waste feedstock only
    s, r = carbon.biochar_credit_eligibility(["rice_straw", "wood"], "verra_vm0044", h_corg=0.4,
                                             tables=tables)
    assert s.tolist() == ["eligible", "unconfirmed"] and "waste biomass" in r[1]
    s, r = carbon.biochar_credit_eligibility("rice_straw", "verra_vm0044", h_corg=0.75, tables=tables)
    assert s.tolist() == ["not_eligible"] and "0.7" in r[0]
    s, _ = carbon.biochar_credit_eligibility("wood", "puro2025", tables=tables)
    assert s.tolist() == ["unconfirmed"]  # Puro needs a measured H/Corg
    s, r = carbon.biochar_credit_eligibility("wood", "global_biochar_csink", h_corg=0.3, tables=tables)
    assert s.tolist() == ["unconfirmed"] and "EBC or WBC" in r[0]
    names = tables.biochar_credit_rules.query("rule == 'method_name'").set_index("registry")["rule_value"]
    assert "Global Biochar C-Sink" in names["global_biochar_csink"] and "VM0044" in names["verra_vm0044"]
    assert "superseded" in carbon.BIOCHAR_METHODS["ebc2020"][1]
    with pytest.raises(ValueError):
        carbon.biochar_credit_eligibility("wood", "nonsense", tables=tables)


@pytest.mark.parametrize("field,value", [
    ("gwp_set", "ar4"), ("rice_water_regime", "flooded"), ("rice_preseason", "winter"),
    ("rice_amendment", "sawdust"), ("rice_amendment_t_ha", 5.0), ("rice_season_days", 400),
    ("rice_season_days", float("nan")), ("heat_user", ""), ("heat_user_frac", 0.0), ("heat_user_frac", 1.5),
    ("biochar_reapply_interval_yr", -3), ("carbon_credit_method", None), ("transport_km", -1.0),
    ("transport_km", "far"),
])
def test_carbon_scenario_fields_are_checked(field, value):
    with pytest.raises(ScenarioError, match=field):
        agriremed.Scenario(**{field: value})


def test_carbon_scenario_fields_round_trip():
    s = agriremed.Scenario(gwp_set="ar5", rice_water_regime="multiple_drainage", rice_amendment="straw_short",
                           rice_amendment_t_ha=4.5, rice_season_days=230, heat_user="greenhouse",
                           heat_user_frac=0.4, biochar_reapply_interval_yr=5,
                           carbon_credit_method="all_terms", transport_km=120)
    assert agriremed.Scenario.from_dict(s.to_dict()) == s


def test_replan_with_new_carbon_fields_equals_a_new_plan(sample_plots_path):
    from agriremed.engine.plan import replan

    s = agriremed.Scenario(mc_draws=0)
    p = agriremed.plan(sample_plots_path, s)
    s2 = s.replace(rice_season_days=130, gwp_set="ar5", biochar_reapply_interval_yr=4,
                   carbon_credit_method="all_terms", transport_km=150, biochar_h_corg=0.3)
    a, b = replan(p, s2), agriremed.plan(sample_plots_path, s2)
    pd.testing.assert_frame_equal(a.carbon, b.carbon)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_power_only_and_chp_ledger_by_hand(tables):
    """1 t DM of Miscanthus: power-only (no heat user) against CHP with 60 % of the heat used."""
    from agriremed.stages import energy

    p = dict(lhv=17.0, eta_el=0.32, eta_tot=0.875, ash=0.027)
    power = energy.conversion(1.0, "chp", np.nan, {**p, "heat_used": 0.0})
    chp = energy.conversion(1.0, "chp", np.nan, {**p, "heat_used": 0.6})
    grid, heat_ef = tables.factor("grid_ef_t_co2_mwh"), tables.factor("heat_ef_t_co2_gj")
    # 17 GJ × 0.32 = 5.44 GJ = 1.5111 MWh × 0.5366 = 0.8109 t CO2; heat 17 × 0.555 × 0.6 = 5.661 GJ × 0.11
    assert float(power["electricity_mwh"]) * grid == pytest.approx(0.810862, rel=1e-5)
    assert float(power["heat_gj"]) == 0.0
    assert float(chp["heat_gj"]) * heat_ef == pytest.approx(0.62271, rel=1e-5)
    assert float(chp["electricity_mwh"]) == float(power["electricity_mwh"])


def test_ethanol_chain_by_hand(tables):
    """10 t DM of sorghum to ethanol: 297 L/t, 21.1 MJ/L, gasoline 0.0693 t CO2/GJ; the plant's own
    energy is that of a Shandong sweet-sorghum plant: 380.416 kWh and 611.2 kg coal per t ethanol."""
    from agriremed.stages import energy

    out = energy.conversion(10.0, "ethanol", np.nan, dict(etoh=297.0, etoh_lhv=21.1, ch4_lhv=35.8))
    assert float(out["ethanol_l"]) == pytest.approx(2970.0)
    avoided = float(out["fuel_gj"]) * tables.factor("gasoline_ef_t_co2_gj")
    assert avoided == pytest.approx(2970 * 21.1 / 1000 * 0.0693)                         # 4.343 t CO2
    # per litre: 380.416 kWh/t ÷ (1000/0.789) L/t = 0.3001 kWh/L; 611.2 kg/t → 0.4822 kg coal/L
    assert tables.factor("ethanol_plant_kwh_l") == pytest.approx(380.416 * 0.789 / 1000, abs=5e-5)
    assert tables.factor("ethanol_plant_coal_kg_l") == pytest.approx(611.2 * 0.789 / 1000, abs=5e-5)
    # raw coal 20.908 GJ/t × 0.0946 t CO2/GJ = 1.978 t CO2/t
    assert tables.factor("coal_ef_t_co2_t") == pytest.approx(20.908 * 0.0946, abs=5e-4)
    plant = float(carbon.conversion_process_t_co2e(
        0.0, 0.0, 0.0, 2970.0, 27.0, grid_ef_t_co2_mwh=0.5366, ethanol_kwh_l=0.3001, ethanol_coal_kg_l=0.4822,
        coal_ef_t_co2_t=1.978))
    # 2970 L × (0.3001 × 0.5366 + 0.4822 × 1.978) / 1000 = 0.4783 + 2.8328 = 3.311 t CO2
    assert plant == pytest.approx(2970 * (0.3001 * 0.5366 + 0.4822 * 1.978) / 1000)
    assert plant == pytest.approx(3.311, abs=1e-3)
    # a plant that fires its bagasse (low end of both factors) emits nothing for its energy
    assert tables.factor("ethanol_plant_coal_kg_l", "low") == 0.0 == tables.factor("ethanol_plant_kwh_l", "low")
    assert float(carbon.conversion_process_t_co2e(0.0, 0.0, 0.0, 2970.0, 27.0)) == 0.0


def test_digestion_leak_is_an_emission_and_not_fuel(tables):
    from agriremed.stages import energy

    out = energy.conversion(10.0, "digestion", np.nan, dict(ash=0.0592, ch4_vs=252.0, ch4_lhv=35.8,
                                                            etoh_lhv=21.1, ch4_leak=0.05))
    ch4 = 10 * (1 - 0.0592) * 252                                                        # 2370.8 m3
    assert float(out["methane_leak_m3"]) == pytest.approx(0.05 * ch4)
    assert float(out["fuel_gj"]) == pytest.approx(0.95 * ch4 * 35.8 / 1000)
    e = carbon.conversion_process_t_co2e(out["methane_leak_m3"], 0.0, 0.0, 0.0, 27.0)
    assert float(e) == pytest.approx(0.05 * ch4 * 0.716 / 1000 * 27)                    # 2.29 t CO2e
    assert tables.factor("digestion_ch4_leak_frac") == 0.05


def test_low_technology_pyrolysis_kiln_methane(tables):
    # 2 t char × 0.049 t CH4/t × GWP 28 (AR5, as VM0044) = 2.744 t CO2e
    assert float(carbon.conversion_process_t_co2e(0.0, 2.0, 6.0, 0.0, 28.0, pyrolysis_ch4_t_t_char=0.049)) \
        == pytest.approx(2.744)
    # plant electricity per t of biochar: 2 t char × 125 kWh/t × 0.5366 t/MWh = 0.13415 t CO2
    assert float(carbon.conversion_process_t_co2e(0.0, 2.0, 6.0, 0.0, 28.0, pyrolysis_kwh_t_char=125.0)) \
        == pytest.approx(0.13415)
    # the factor: CarboChar ratings 20 kW / 0.2 t/h, 15 / 0.12, 10 / 0.04 = 100, 125, 250 kWh/t
    assert [tables.factor("pyrolysis_electricity_kwh_t_char", w) for w in ("low", "typical", "high")] \
        == pytest.approx([20 / 0.2, 15 / 0.12, 10 / 0.04])


def test_each_credit_method_on_a_stated_biochar(tables):
    """10 t of rice-straw biochar (F_C 0.49) made at 450–600 °C, H/Corg 0.4, soil 20 °C,
    0.5 t CO2e of production emissions."""
    c = carbon.biochar_credits(10.0, "rice_straw", "medium", tables, h_corg=0.4, soil_temp_c=20.0,
                               production_t_co2e=0.5).set_index("registry")
    k = 10 * 0.49 * 44 / 12
    # inventory: F_perm 0.80, no deduction, not a credit
    assert c.loc["ipcc2019", "gross_t_co2e"] == pytest.approx(k * 0.80)                 # 14.373
    assert c.loc["ipcc2019", "status"] == "inventory" and c.loc["ipcc2019", "production_t_co2e"] == 0
    # VM0044: IPCC F_perm, production deducted; rice straw is waste biomass, H/Corg 0.4 ≤ 0.7
    assert c.loc["verra_vm0044", "credit_t_co2e"] == pytest.approx(k * 0.80 - 0.5)
    assert c.loc["verra_vm0044", "status"] == "eligible"
    # Puro 2025 at 20 °C: PF = (86.19 − 40.53 × 0.4) / 100 = 0.69978
    assert c.loc["puro2025", "persistence"] == pytest.approx(0.69978)
    assert c.loc["puro2025", "credit_t_co2e"] == pytest.approx(k * 0.69978 - 0.5)
    # Global C-Sink: C-Sink_100 with 0.3 %/yr decay, 0.997^100 = 0.74048; needs certified biochar
    assert c.loc["global_biochar_csink", "credit_t_co2e"] == pytest.approx(k * 0.997 ** 100 - 0.5)
    assert c.loc["global_biochar_csink", "status"] == "unconfirmed"
    # above the H/Corg cap nothing is issued by VM0044 or Puro
    hi = carbon.biochar_credits(10.0, "rice_straw", "medium", tables, h_corg=0.8, soil_temp_c=20.0)
    assert hi.set_index("registry").loc[["verra_vm0044", "puro2025"], "credit_t_co2e"].eq(0).all()
    # a buffer share reduces the credit
    r = tables.biochar_credit_rules.copy()
    r.loc[(r["registry"] == "verra_vm0044") & (r["rule"] == "buffer_frac"), "rule_value"] = "0.2"
    b = carbon.biochar_credits(10.0, "rice_straw", "medium", tables.replace(biochar_credit_rules=r),
                               h_corg=0.4, soil_temp_c=20.0).set_index("registry")
    assert b.loc["verra_vm0044", "credit_t_co2e"] == pytest.approx(k * 0.80 * 0.8)


def test_plan_shows_inventory_sink_and_credits_separately(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    t = p.table.set_index(["plot_id", "option_id"])
    row = t.loc[("HN-ZZ-01", "biochar_amendment")]
    # 20 t/ha rice-straw biochar applied once over 20 years: 1 t/ha/yr × 0.49 × 0.80 × 44/12
    assert row["biochar_inventory_sink_co2e_t_ha_yr"] == pytest.approx(20 / 20 * 0.49 * 0.80 * 44 / 12)
    assert row["biochar_credit_vm0044_co2e_t_ha_yr"] == pytest.approx(row["biochar_inventory_sink_co2e_t_ha_yr"])
    assert row["biochar_credit_csink_co2e_t_ha_yr"] == pytest.approx(1 * 0.49 * 0.997 ** 100 * 44 / 12)
    assert np.isnan(row["biochar_credit_puro_co2e_t_ha_yr"])        # H/Corg not measured
    assert row["biochar_status_puro"] == "unconfirmed" and "H/Corg not measured" in row["biochar_credit_note"]
    assert pd.isna(t.loc[("HN-ZZ-01", "do_nothing"), "biochar_status_vm0044"])
    measured = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, biochar_h_corg=0.4))
    r2 = measured.table.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "biochar_amendment")]
    # soil 17.6 °C rounds to 18 °C: PF = (86.19 − 38.86 × 0.4) / 100
    assert r2["biochar_credit_puro_co2e_t_ha_yr"] == pytest.approx(1 * 0.49 * (86.19 - 38.86 * 0.4) / 100 * 44 / 12)


def test_haul_distance_from_plot_region_or_scenario(sample_plots_path, tables):
    import dataclasses

    base = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    led = base.carbon_ledger.query("plot_id == 'GX-HC-05' and option_id == 'miscanthus'").set_index("term")
    est = (0 + 0.5 + 18) / 20
    assert led.loc["biomass_transport", "co2e_t_ha_yr"] == pytest.approx(-9.9 * est * 50 * 0.11 / 1000)
    far = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, transport_km=200))
    led = far.carbon_ledger.query("plot_id == 'GX-HC-05' and option_id == 'miscanthus'").set_index("term")
    assert led.loc["biomass_transport", "co2e_t_ha_yr"] == pytest.approx(-9.9 * est * 200 * 0.11 / 1000)
    td = pd.DataFrame({"region": ["Guangxi", "Guangxi/Hechi"], "transport_km": [80.0, 30.0],
                       "source": ["agriremed_assumption"] * 2, "note": ["test"] * 2})
    t2 = tables.replace(transport_distances=td)
    reg = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, transport_km=200), tables=t2)
    led = reg.carbon_ledger.query("option_id == 'miscanthus'").set_index(["plot_id", "term"])
    assert led.loc[("GX-HC-05", "biomass_transport"), "co2e_t_ha_yr"] == pytest.approx(-9.9 * est * 30 * 0.11 / 1000)
    zh = pd.read_csv(sample_plots_path)
    zh["region"] = np.where(zh["plot_id"] == "GX-HC-05", "广西壮族自治区河池市", zh["region"])
    led = agriremed.plan(zh, agriremed.Scenario(mc_draws=0, transport_km=200), tables=t2).carbon_ledger
    led = led.query("option_id == 'miscanthus'").set_index(["plot_id", "term"])
    assert led.loc[("GX-HC-05", "biomass_transport"), "co2e_t_ha_yr"] == pytest.approx(-9.9 * est * 30 * 0.11 / 1000)
    plots = pd.read_csv(sample_plots_path)
    plots["transport_km"] = np.where(plots["plot_id"] == "GX-HC-05", 5.0, np.nan)
    own = agriremed.plan(plots, agriremed.Scenario(mc_draws=0), tables=t2)
    led = own.carbon_ledger.query("plot_id == 'GX-HC-05' and option_id == 'miscanthus'").set_index("term")
    assert led.loc["biomass_transport", "co2e_t_ha_yr"] == pytest.approx(-9.9 * est * 5 * 0.11 / 1000)
    assert dataclasses.replace(agriremed.Scenario(), transport_km=None).transport_km is None


def test_report_shows_inventory_sink_and_credits(sample_plots_path):
    from agriremed.io import report

    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    h = report.report_html(p)
    i = h.find("Biochar: inventory sink and credits")
    assert i > 0 and "biochar_credit_vm0044_co2e_t_ha_yr" in h[i:]
    no_char = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, options=["do_nothing", "miscanthus"]))
    assert "Biochar: inventory sink and credits" not in report.report_html(no_char)


def test_registry_buffer_shares_are_the_documented_rules(tables):
    """Buffer shares of the side-by-side credit table: 0 for the IPCC inventory, VM0044 (Sectoral Scope 13,
    outside the AFOLU pooled buffer), Puro (reversal-event rules, no pooled deduction) and industrial
    Global C-Sink producers (emission portfolio); an artisan C-Sink producer pays a 3 % margin instead."""
    r = tables.biochar_credit_rules
    buf = r.loc[r["rule"] == "buffer_frac"].set_index("registry")
    assert buf["rule_value"].astype(float).to_dict() == {
        "ipcc2019": 0.0, "verra_vm0044": 0.0, "puro2025": 0.0, "global_biochar_csink": 0.0}
    assert "verra2024_afolu_buffer" in buf.loc["verra_vm0044", "source"]
    assert "puro2024_general_rules" in buf.loc["puro2025", "source"]
    assert "csink_artisan_margin" in buf.loc["global_biochar_csink", "source"]
    # 10 t rice-straw char (F_C 0.49), 450–600 °C, H/Corg 0.4, soil 20 °C, nothing deducted:
    # IPCC 10 × 0.49 × 0.80 × 44/12 = 14.37; C-Sink × 0.997^100 = 13.30; Puro × 0.69978 = 12.57
    c = carbon.biochar_credits(10.0, "rice_straw", "medium", tables, h_corg=0.4, soil_temp_c=20.0)
    got = c.set_index("registry")["credit_t_co2e"].round(2).to_dict()
    assert got == {"ipcc2019": 14.37, "global_biochar_csink": 13.3, "puro2025": 12.57, "verra_vm0044": 14.37}
    assert c["buffer_t_co2e"].eq(0).all()
    # artisan kiln: 3 % of the C-Sink: 13.304 × 0.97 = 12.905 t CO2e
    r2 = r.copy()
    r2.loc[(r2["registry"] == "global_biochar_csink") & (r2["rule"] == "buffer_frac"), "rule_value"] = "0.03"
    a = carbon.biochar_credits(10.0, "rice_straw", "medium", tables.replace(biochar_credit_rules=r2),
                               h_corg=0.4, soil_temp_c=20.0).set_index("registry")
    k = 10 * 0.49 * 0.997 ** 100 * 44 / 12
    assert a.loc["global_biochar_csink", "buffer_t_co2e"] == pytest.approx(0.03 * k)
    assert a.loc["global_biochar_csink", "credit_t_co2e"] == pytest.approx(0.97 * k)
    assert a.loc["global_biochar_csink", "credit_t_co2e"] == pytest.approx(12.905, abs=1e-3)


def test_plant_energy_is_a_ledger_term_of_the_plan(plots_factory):
    """Upland maize plot, every option: sweet-sorghum ethanol pays its plant's grid electricity and coal,
    a Sedum pyrolysis its plant electricity per t of char (both in ``conversion_process``)."""
    p = plots_factory(1, land_use="upland", crop="maize", ph=5.5, cd_mg_kg=0.8)
    t = agriremed.plan(p, agriremed.Scenario(mc_draws=0, rule_set="none")).table.set_index("option_id")
    s = t.loc["sorghum"]
    per_l = (0.3001 * 0.5366 + 0.4822 * 1.978) / 1000                 # 1.1148 kg CO2 per litre
    assert s["conversion_process_co2e_t_ha_yr"] == pytest.approx(-s["ethanol_l_ha_yr"] * per_l)
    # 17.69 t DM/ha on contaminated land × 297 L/t = 5253.93 L/ha/yr
    assert s["conversion_process_co2e_t_ha_yr"] == pytest.approx(-5.8572, abs=1e-3)
    # Sedum is harvested only until its target: both terms scale with the same harvested share, so
    # plant electricity / haul = (char × 125 × 0.5366) / (biomass × 50 km × 0.11 kg/(t km))
    d = t.loc["sedum_plumbizincicola"]
    ratio = d["biochar_t_ha_yr"] * 125 * 0.5366 / (d["biomass_t_dm_ha_yr"] * 50 * 0.11)
    assert d["conversion_process_co2e_t_ha_yr"] / d["biomass_transport_co2e_t_ha_yr"] == pytest.approx(ratio)
    assert d["conversion_process_co2e_t_ha_yr"] < 0


def test_bagasse_fired_ethanol_plant_is_an_override(plots_factory):
    """factor.ethanol_plant_coal_kg_l = 0 (boiler fired with bagasse): only the grid power is left,
    5253.93 L × 0.3001 kWh/L × 0.5366 kg/kWh = 0.8461 t CO2/ha/yr (17.69 t DM/ha × 297 L/t)."""
    p = plots_factory(1, land_use="upland", crop="maize", ph=6.0, cd_mg_kg=0.8)
    s = agriremed.Scenario(mc_draws=0, rule_set="none", overrides={"factor.ethanol_plant_coal_kg_l": 0.0})
    r = agriremed.plan(p, s).table.set_index("option_id").loc["sorghum"]
    assert r["conversion_process_co2e_t_ha_yr"] == pytest.approx(-r["ethanol_l_ha_yr"] * 0.3001 * 0.5366 / 1000)
    assert r["conversion_process_co2e_t_ha_yr"] == pytest.approx(-0.8461, abs=1e-4)


def test_credit_terms_are_a_new_set_per_call_and_an_unknown_method_is_refused_every_time(tables):
    terms = carbon.credit_terms(tables, "land_based")
    assert "avoided_electricity" not in terms and "avoided_electricity" in carbon.credit_terms(tables, "all_terms")
    terms.add("avoided_electricity")  # the caller's copy only
    assert "avoided_electricity" not in carbon.credit_terms(tables, "land_based")
    for _ in range(2):
        with pytest.raises(ValueError, match="not in carbon_credit_terms.csv"):
            carbon.credit_terms(tables, "no_such_method")
