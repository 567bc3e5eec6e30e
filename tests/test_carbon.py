"""IPCC biochar sink and Tier 1 SOC worked cases; ledger totals equal the sum of terms."""

import numpy as np
import pytest

import agriremed
from agriremed import carbon


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
    lime = led.loc[(led["option_id"] == "lime_low_cd_rice") & (led["term"] == "lime"), "co2e_t_ha_yr"]
    # 7.5 t CaCO3 every 2 years × 0.44 t CO2/t → −1.65 t CO2/ha/yr
    assert np.allclose(lime, -1.65)


def test_user_climate_zone_wins_row_by_row(plots_factory):
    df = plots_factory(2, climate_zone=["tropical_moist", None], mean_temp_c=17.0, annual_rain_mm=1400.0)
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    led = p.carbon_ledger.query("option_id == 'fallow' and term == 'soc_change'").set_index("plot_id")
    # paddy → set-aside, low-activity clay: tropical moist 38·(0.82−1.35) vs warm temperate moist 55·(0.82−1.35)
    assert led.loc["P1", "co2e_t_ha_yr"] == pytest.approx(38 * (0.82 - 1.35) * 44 / 12 / 20)
    assert led.loc["P2", "co2e_t_ha_yr"] == pytest.approx(55 * (0.82 - 1.35) * 44 / 12 / 20)
