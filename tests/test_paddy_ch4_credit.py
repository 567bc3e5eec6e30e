"""Carbon credit of paddy CH4: water management within rice is sold, CH4 avoided by leaving rice is not.

The rice methodologies read (CDM AMS-III.AU, Gold Standard 2023, Verra VM0051) credit practices within
rice cultivation; none was found that credits taking a paddy out of rice. ``carbon_credit_terms.csv``
splits ``paddy_ch4`` into ``water_regime`` (sold under ``land_based``) and ``rice_seasons`` (a fall not
sold, a rise deducted); the net CO2e and the ``all_terms`` view keep the whole term.
"""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.stages import carbon

# IPCC 2019 Tier 1, East Asia EF_c 1.32 kg CH4 ha⁻¹ d⁻¹ × 120 d, AR6 GWP 27 [t CO2e ha⁻¹ season⁻¹]
SINGLE = 1.32 * 120 * 0.71 * 27 / 1000       # mid-season drainage: China's baseline practice
FLOODED = 1.32 * 120 * 1.00 * 27 / 1000      # continuous flooding
OTHER = ("soc_change", "biochar_sink", "field_diesel", "n_fertiliser", "n2o_fertiliser_direct", "lime",
         "biomass_transport", "processing", "conversion_process")


def _rows(plots, scenario, tables=None):
    t = agriremed.plan(plots, scenario, tables=tables).table.set_index("option_id")
    return t, t.loc["do_nothing"]


def test_a_switch_out_of_rice_sells_no_avoided_ch4_while_water_regime_stays_credited(plots_factory):
    s = agriremed.Scenario(mc_draws=0, rice_season_days=120, carbon_price_cny_t=100)
    t, b = _rows(plots_factory(1), s)
    m = t.loc["maize_grain"]
    assert b["paddy_ch4_co2e_t_ha_yr"] == pytest.approx(-SINGLE)          # -3.0365
    assert m["paddy_ch4_co2e_t_ha_yr"] == 0.0
    # climate criterion and inventory: the avoided CH4 counts
    net = sum(m[f"{k}_co2e_t_ha_yr"] - b[f"{k}_co2e_t_ha_yr"] for k in carbon.LEDGER_TERMS)
    assert m["net_co2e_vs_baseline_t_ha_yr"] == pytest.approx(net)
    # credit (land_based): every land term but the CH4 of the rice given up
    other = sum(m[f"{k}_co2e_t_ha_yr"] - b[f"{k}_co2e_t_ha_yr"] for k in OTHER)
    assert m["credited_co2e_vs_baseline_t_ha_yr"] == pytest.approx(other)
    assert m["net_co2e_vs_baseline_t_ha_yr"] - m["credited_co2e_vs_baseline_t_ha_yr"] == pytest.approx(SINGLE)
    df = 1.06 ** -np.arange(1, 21)
    assert m["carbon_revenue_cny_ha"] == pytest.approx(max(other, 0.0) * 100 * df.sum())
    # continuous flooding keeps the rice: the CH4 its water regime adds is deducted from the credit
    f = t.loc["flooded_rice"]
    assert f["paddy_ch4_co2e_t_ha_yr"] - b["paddy_ch4_co2e_t_ha_yr"] == pytest.approx(SINGLE - FLOODED)  # -1.2403
    assert f["credited_co2e_vs_baseline_t_ha_yr"] == pytest.approx(f["net_co2e_vs_baseline_t_ha_yr"])
    # the inventory view sells the whole term
    ta, _ = _rows(plots_factory(1), s.replace(carbon_credit_method="all_terms"))
    assert ta.loc["maize_grain", "credited_co2e_vs_baseline_t_ha_yr"] == \
        pytest.approx(ta.loc["maize_grain", "net_co2e_vs_baseline_t_ha_yr"])


def test_the_split_is_the_users_table(plots_factory, tables):
    s = agriremed.Scenario(mc_draws=0, rice_season_days=120)
    c = tables.carbon_credit_terms
    sold = c.copy()
    sold.loc[(sold["term"] == "paddy_ch4") & (sold["component"] == "rice_seasons"), "credited"] = "yes"
    t, _ = _rows(plots_factory(1), s, tables.replace(carbon_credit_terms=sold))
    m = t.loc["maize_grain"]
    assert m["credited_co2e_vs_baseline_t_ha_yr"] == pytest.approx(m["net_co2e_vs_baseline_t_ha_yr"])
    # the older layout (no component column) credits each term whole
    old = c.loc[c["component"].isin(["all", "water_regime"])].drop(columns="component")
    assert carbon.credit_rules(tables.replace(carbon_credit_terms=old), "land_based")[("paddy_ch4", "all")] == "yes"
    # a term both whole and split, or split only in part, is refused
    both = pd.concat([c, c.loc[(c["term"] == "paddy_ch4") & (c["method"] == "land_based")].head(1)
                      .assign(component="all")], ignore_index=True)
    part = c.loc[~((c["component"] == "rice_seasons") & (c["method"] == "land_based"))]
    for bad in (both, part):
        with pytest.raises(ValueError, match="paddy_ch4"):
            carbon.credit_rules(tables.replace(carbon_credit_terms=bad), "land_based")
    with pytest.raises(ValueError, match="credited"):
        carbon.credit_rules(tables.replace(carbon_credit_terms=c.assign(credited="maybe")), "land_based")


def test_debits_only_deducts_added_rice_and_never_sells_fewer_seasons():
    # rows: baseline (one rice season), a row giving the rice up, a row adding a second season
    ch4 = {"all": np.array([-3.0, 0.0, -6.0])}
    ch4.update(water_regime=np.zeros(3), rice_seasons=ch4["all"])
    rules = {("paddy_ch4", "water_regime"): "yes", ("paddy_ch4", "rice_seasons"): "debits_only"}
    got = carbon.credited_vs_baseline({"paddy_ch4": ch4}, rules, np.zeros(3, int))
    assert got.tolist() == [0.0, 0.0, -3.0]


def test_karst_paddy_maize_switch_earns_no_ch4_credit():
    """The Guizhou karst paddy (pH 6.45, Cd 0.9, high geological background): the maize switch was paid
    2.2 t CO2e/ha/yr of credits for the CH4 of the rice it gives up; now its credit is the land's other
    terms (soil carbon lost, fertiliser and diesel), below zero, and its NPV falls by the old revenue."""
    p = pd.DataFrame({"plot_id": ["GZ-K1"], "region": ["Guizhou/Anshun"], "land_use": ["paddy"], "crop": ["rice"],
                      "area_ha": [0.5], "ph": [6.45], "som_pct": [3.5], "cd_mg_kg": [0.9], "pb_mg_kg": [60.0],
                      "as_mg_kg": [15.0], "high_background": ["yes"], "basic_farmland": ["yes"]})
    s = agriremed.Scenario(mc_draws=0)
    t, b = _rows(p, s)
    m = t.loc["maize_grain"]
    assert m["carbon_revenue_cny_ha"] == 0.0
    assert m["net_co2e_vs_baseline_t_ha_yr"] > 2.0                      # climate criterion unchanged
    assert m["credited_co2e_vs_baseline_t_ha_yr"] == pytest.approx(
        m["net_co2e_vs_baseline_t_ha_yr"] + b["paddy_ch4_co2e_t_ha_yr"])  # net minus the CH4 given up
    c = agriremed.core.tables.load_tables().carbon_credit_terms
    sold = c.assign(credited=np.where(c["component"] == "rice_seasons", "yes", c["credited"]))
    t_old, _ = _rows(p, s, agriremed.core.tables.load_tables().replace(carbon_credit_terms=sold))
    old = t_old.loc["maize_grain"]
    assert old["carbon_revenue_cny_ha"] > 1500
    assert m["npv_vs_baseline_cny_ha"] == pytest.approx(old["npv_vs_baseline_cny_ha"] - old["carbon_revenue_cny_ha"])
