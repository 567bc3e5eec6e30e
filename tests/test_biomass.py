"""Yields by land quality with fallbacks, explicit adjustments, draws, harvest cycles, metal in harvest."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import agriremed
from agriremed.stages import biomass


def _rows(option_ids, exceeds=True, plot_ids=None):
    n = len(option_ids)
    return pd.DataFrame({
        "plot_id": plot_ids or [f"P{i}" for i in range(n)], "option_id": option_ids, "applicable": True,
        "option_kind": "phytomanagement", "target_metals": "cd" if exceeds else "", "untreated_metals": ""})


def _with_option(tables, option_id, species, pathway="chp"):
    o = tables.options
    row = o.loc[o["option_id"] == "miscanthus"].copy()
    row["option_id"], row["species"], row["energy_pathway"] = option_id, species, pathway
    return tables.replace(options=pd.concat([o.loc[o["option_id"] != option_id], row], ignore_index=True))


def test_yield_of_the_plots_land_quality(tables):
    plots = pd.DataFrame({"plot_id": ["c", "m", "g"], "land_use": ["paddy", "marginal", "upland"]})
    rows = pd.DataFrame({"plot_id": ["c", "m", "g"], "option_id": "willow_src", "applicable": True,
                         "target_metals": ["cd", "", ""], "untreated_metals": ""})
    b, _ = biomass.harvested_biomass(rows, tables, plots=plots)
    assert b["yield_land"].tolist() == ["contaminated", "marginal", "cropland"]
    assert b["biomass_t_dm_ha_yr"].tolist() == pytest.approx([8.6, 5.42, 8.15])
    assert b["harvest_cycle_yr"].tolist() == [4, 4, 4]


def test_contaminated_land_falls_back_to_marginal_never_to_cropland(tables):
    # a species without a contaminated-land row (sorghum's row blanked) takes its marginal row
    y = tables.biomass_yields.copy()
    y.loc[(y["species"] == "sorghum") & (y["land"] == "contaminated"), ["low", "typical", "high"]] = np.nan
    t = _with_option(tables.replace(biomass_yields=y), "sorghum_energy", "sorghum", "ethanol")
    b, _ = biomass.harvested_biomass(_rows(["sorghum_energy"]), t)
    assert b["yield_land"].iloc[0] == "marginal"
    assert b["biomass_t_dm_ha_yr"].iloc[0] == pytest.approx(10.24)       # not the 32.6 t/ha of cropland
    t2 = _with_option(tables, "maize_energy", "maize")
    b2, _ = biomass.harvested_biomass(_rows(["maize_energy"], exceeds=False), t2,
                                      plots=pd.DataFrame({"plot_id": ["P0"], "land_use": ["upland"]}))
    assert np.isnan(b2["biomass_t_dm_ha_yr"].iloc[0])                    # no cropland row: blank, not guessed


def test_unconfirmed_yield_stays_blank(tables):
    b, d = biomass.harvested_biomass(_rows(["pteris_vittata"]), tables, n_draws=20, seed=1)
    assert np.isnan(b["biomass_t_dm_ha_yr"].iloc[0]) and np.isnan(d[0]).all()


def test_explicit_land_argument_and_the_call_without_plots_keep_the_old_behaviour(tables):
    b, _ = biomass.harvested_biomass(_rows(["willow_src"], exceeds=False), tables, land="marginal")
    assert b["biomass_t_dm_ha_yr"].iloc[0] == pytest.approx(5.42)
    rows = pd.DataFrame({"plot_id": ["P"], "option_id": ["willow_src"], "applicable": [True]})
    assert biomass.harvested_biomass(rows, tables)[0]["biomass_t_dm_ha_yr"].iloc[0] == pytest.approx(8.6)


def test_most_specific_adjustment_wins_and_multiplies(tables):
    adj = pd.concat([tables.yield_adjustments, pd.DataFrame([
        {"species": "willow", "driver": "soil_ph", "category": "*", "ph_above": -np.inf, "ph_up_to": 5.5,
         "low": 0.7, "typical": 0.8, "high": 0.9, "distribution": "triangular",
         "source": "agriremed_assumption", "note": "test"},
        {"species": "*", "driver": "climate_zone", "category": "tropical_moist", "ph_above": -np.inf,
         "ph_up_to": np.inf, "low": 0.5, "typical": 0.5, "high": 0.5, "distribution": "triangular",
         "source": "agriremed_assumption", "note": "test"}])], ignore_index=True)
    t = tables.replace(yield_adjustments=adj)
    f, d = biomass.yield_adjustments(["willow", "willow", "miscanthus"], [5.0, 6.0, 5.0],
                                     ["strict_control"] * 3, ["tropical_moist", "cool_temperate_dry",
                                                              "warm_temperate_moist"], t, n_draws=50, seed=3)
    assert f["yield_factor_ph"].tolist() == [0.8, 1.0, 1.0]
    assert f["yield_factor"].tolist() == pytest.approx([0.4, 1.0, 1.0])
    assert (d[0] >= 0.35 - 1e-12).all() and (d[0] <= 0.45 + 1e-12).all()
    plots = pd.DataFrame({"plot_id": ["P0"], "land_use": ["paddy"], "ph": [5.0], "mean_temp_c": [21.0],
                          "annual_rain_mm": [1500.0]})
    b, _ = biomass.harvested_biomass(_rows(["willow_src"]), t, plots=plots)
    assert b["biomass_t_dm_ha_yr"].iloc[0] == pytest.approx(8.6 * 0.8 * 0.5)


def test_draws_are_reproducible_within_range_and_independent_of_row_order(tables):
    rows = _rows(["willow_src", "miscanthus", "sedum_plumbizincicola"])
    _, d1 = biomass.harvested_biomass(rows, tables, n_draws=300, seed=7)
    _, d2 = biomass.harvested_biomass(rows.iloc[::-1].reset_index(drop=True), tables, n_draws=300, seed=7)
    _, d3 = biomass.harvested_biomass(rows, tables, n_draws=300, seed=8)
    np.testing.assert_array_equal(d1, d2[::-1])
    assert not np.array_equal(d1, d3)
    assert d1[0].min() >= 4.2 and d1[0].max() <= 17.8
    assert d1[2].min() >= 1.8 and d1[2].max() <= 5.9


def test_harvest_series_of_a_coppice_and_of_an_annual_crop():
    b = pd.DataFrame({"plot_id": ["a", "b", "c"], "option_id": ["w", "s", "x"],
                      "biomass_t_dm_ha_yr": [8.6, 3.26, np.nan], "harvest_cycle_yr": [4, 1, 1]})
    s = biomass.harvest_series(b, 20)
    assert s[0].nonzero()[0].tolist() == [3, 7, 11, 15, 19]                 # years 4, 8, 12, 16, 20
    assert s[0].sum() == pytest.approx(8.6 * 20)          # whole cycles: annualised yield × H
    assert s[1].sum() == pytest.approx(3.26 * 20)
    assert np.isnan(s[2]).all()
    stop = biomass.harvest_series(b, 20, years_under_option=[9, 2.3, 1])
    assert stop[0].sum() == pytest.approx(8.6 * 8) and stop[1].sum() == pytest.approx(3.26 * 3)
    long = biomass.harvest_table(b, 20)
    assert len(long) == 40 and long.groupby("option_id")["harvest_t_dm_ha"].sum()["w"] == pytest.approx(172.0)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.1, 40.0), st.integers(1, 6), st.integers(1, 60))
def test_harvest_series_never_harvests_more_than_grows(y, cycle, horizon):
    b = pd.DataFrame({"biomass_t_dm_ha_yr": [y], "harvest_cycle_yr": [cycle]})
    s = biomass.harvest_series(b, horizon)[0]
    assert s.sum() <= y * horizon + 1e-9
    assert s.sum() == pytest.approx(y * cycle * (horizon // cycle))


def test_metal_in_biomass_joins_shoot_concentration(tables):
    b = pd.DataFrame({"plot_id": ["a", "a", "b"], "option_id": ["x", "y", "x"],
                      "biomass_t_dm_ha_yr": [2.0, np.nan, 4.0]})
    m = pd.DataFrame({"plot_id": ["a", "a", "b"], "option_id": ["x", "y", "x"], "metal": ["cd", "cd", "zn"],
                      "shoot_mg_kg": [100.0, 5.0, 50.0]})
    out = biomass.metal_in_biomass(b, m)
    assert out[["plot_id", "metal", "metal_g_ha_yr"]].values.tolist() == [["a", "cd", 200.0],
                                                                          ["b", "zn", 200.0]]


def test_species_property_falls_back_to_the_default_row(tables):
    assert biomass.species_property(tables, ["willow", "kenaf"], "carbon_frac").tolist() == [0.47, 0.47]
    assert np.isnan(biomass.species_property(tables, ["kenaf"], "lhv_gj_t")[0])
    d = biomass.species_property_draws(tables, ["willow", "maize"], "ash_frac", 200, 1)
    assert d[0].min() >= 0.0132 and d[0].max() <= 0.0272 and d[1].max() <= 0.117


def test_every_yield_row_is_a_range_with_a_note_when_blank(tables):
    y = tables.biomass_yields
    ok = y.dropna(subset=["typical"])
    assert ((ok["low"] <= ok["typical"]) & (ok["typical"] <= ok["high"])).all()
    assert set(y["land"]) <= {"contaminated", "marginal", "cropland"}
    assert y.loc[y["typical"].isna(), "note"].str.len().gt(20).all()
    assert not y.duplicated(["species", "land"]).any()


def test_miscanthus_in_dry_cool_baiyin_yields_well_below_hunan(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    m = p.table.loc[p.table["option_id"] == "miscanthus"].set_index("plot_id")
    # Baiyin: 190 mm, 6.9 °C → min(190/800, (6.9 − 6)/4) = 0.225; Hunan (1410 mm, 17.6 °C) → 1
    assert m.loc["GS-BY-16", "yield_factor"] == pytest.approx(0.225)
    assert m.loc["HN-ZZ-01", "yield_factor"] == 1.0
    assert m.loc["GS-BY-16", "biomass_t_dm_ha_yr"] == pytest.approx(9.9 * 0.225)
    assert m.loc["GS-BY-16", "biomass_t_dm_ha_yr"] < 0.3 * m.loc["HN-ZZ-01", "biomass_t_dm_ha_yr"]
    # Henan (600 mm, 14.4 °C): water-limited, 600/800
    assert m.loc["HE-JY-11", "yield_factor"] == pytest.approx(0.75)


def test_water_and_temperature_factors_by_hand(tables):
    f, d = biomass.yield_adjustments(["miscanthus"] * 4 + ["willow"], [7.0] * 5, ["safe_utilisation"] * 5,
                                     [None] * 5, tables, n_draws=20, seed=1,
                                     annual_rain_mm=[400, 1000, 1000, np.nan, 100],
                                     mean_temp_c=[15, 8, 5, np.nan, 2])
    assert f["yield_factor_water"].tolist() == pytest.approx([0.5, 1.0, 1.0, 1.0, 0.125])  # willow: 100/800
    assert f["yield_factor_temperature"].tolist() == pytest.approx([1.0, 0.5, 0.0, 1.0, 1.0])
    assert f["yield_factor"].tolist() == pytest.approx([0.5, 0.5, 0.0, 1.0, 0.125])  # no temperature row for willow
    np.testing.assert_allclose(d, np.repeat(f["yield_factor"].to_numpy()[:, None], 20, axis=1))


def test_establishment_years_of_perennials(tables):
    b = pd.DataFrame({"biomass_t_dm_ha_yr": [10.0, 8.0, 3.0], "harvest_cycle_yr": [1, 4, 1],
                      "biomass_species": ["miscanthus", "willow", "sedum_plumbizincicola"]})
    s = biomass.harvest_series(b, 9, tables=tables)
    assert s[0].tolist() == pytest.approx([0, 5, 10, 10, 10, 10, 10, 10, 10])   # 0, 0.5, then mature
    assert s[1].tolist() == pytest.approx([0, 0, 0, 24, 0, 0, 0, 32, 0])        # cut back in year 1
    assert s[2].tolist() == pytest.approx([3.0] * 9)
    # without tables every year grows the mature yield (the old behaviour)
    assert biomass.harvest_series(b, 9)[0].tolist() == pytest.approx([10.0] * 9)


def test_willow_and_poplar_establishment_is_sourced(tables):
    """Willow and poplar coppice: cut back after the planting year (nothing harvested from it), then the
    mature rate, since UK trials found the first rotation no less productive than later ones."""
    f = biomass.establishment_fractions(tables, ["willow", "poplar"], 5)
    assert f.tolist() == [[0.0, 1.0, 1.0, 1.0, 1.0]] * 2
    e = tables.yield_establishment.assign(year=lambda d: d["year"].astype(int)).set_index(["species", "year"])
    assert e.loc[("willow", 1), "source"] == "forestresearch_src"
    assert "mitchell1999_srf" in e.loc[("willow", 2), "source"]
    assert "mitchell1999_srf" in e.loc[("poplar", 2), "source"]
    # a 3-year cycle after cut-back: 8 t/ha/yr grown in years 2–4 is cut in year 4 (3 × 8 = 24)
    b = pd.DataFrame({"biomass_t_dm_ha_yr": [8.0], "harvest_cycle_yr": [3], "biomass_species": ["poplar"]})
    assert biomass.harvest_series(b, 7, tables=tables)[0].tolist() == pytest.approx([0, 0, 16, 0, 0, 24, 0])


def test_contaminated_land_yield_factor_is_neutral_and_documented(tables):
    """No yield penalty near the GB 15618 intervention values: the reductions found are at 10–900 mg/kg."""
    a = tables.yield_adjustments
    row = a.loc[(a["driver"] == "contamination") & (a["category"] == "strict_control")].iloc[0]
    assert (float(row["low"]), float(row["typical"]), float(row["high"])) == (1.0, 1.0, 1.0)
    for key in ("zgorelec2020_miscanthus_cd", "barbosa2015_miscanthus_zn", "xue2018_sorghum"):
        assert key in row["source"]
    assert "Searched" in row["note"]


def test_sorghum_on_contaminated_land_uses_the_cd_field_trial_yield(tables):
    # theoretical ethanol 5 510–7 510 L/ha on Cd soils ÷ (11 853 L/ha ÷ 32.6 t/ha on cropland)
    y = tables.biomass_yields.set_index(["species", "land"]).loc[("sorghum", "contaminated")]
    per_t = 11853 / 32.6
    assert y["low"] == pytest.approx(5510 / per_t, abs=0.005)
    assert y["high"] == pytest.approx(7510 / per_t, abs=0.005)
    assert y["typical"] == pytest.approx((y["low"] * y["high"]) ** 0.5, abs=0.005)
