"""Duration models: hand-computed cases, the SUMATECS table and properties."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agriremed import biomass, duration, options, soil, uptake

SUMATECS = pd.read_csv(Path(__file__).parent / "validation" / "sumatecs_cleanup.csv")


@pytest.mark.parametrize("row", SUMATECS.to_dict("records"), ids=SUMATECS["case"].tolist())
def test_sumatecs_table_reproduced_by_zero_order_model(row):
    mass = soil.soil_mass_t_ha(row["depth_m"], row["bulk_density_g_cm3"])
    if np.isnan(row["shoot_mg_kg"]):   # range rows: published removal per year
        years = duration.years_zero_order(row["c0_mg_kg"], row["ct_mg_kg"], mass, 1.0, row["removal_g_ha_yr"])
    else:
        years = duration.years_zero_order(row["c0_mg_kg"], row["ct_mg_kg"], mass, row["biomass_t_ha"],
                                          row["shoot_mg_kg"])
    published = row["published_years"]
    # 5 % of the published value, or the 0.5 yr rounding of the printed whole number of years
    assert abs(float(years) - published) <= max(row["tolerance_rel"] * published, 0.5)


def test_zero_order_hand_computed():
    # 3 mg/kg excess × 3750 t/ha = 11 250 g/ha; 539 g/ha/yr → 20.87 yr
    assert duration.years_zero_order(5, 2, 3750, 2.1, 257) == pytest.approx(11250 / (2.1 * 257))
    assert duration.years_zero_order(1, 2, 3750, 2.1, 257) == 0.0
    assert np.isinf(duration.years_zero_order(5, 2, 3750, 0.0, 257))


def test_first_order_hand_computed():
    f = duration.bcf_fraction(3.0, 100.0, 2600.0)
    assert f == pytest.approx(300 / 2600)
    assert duration.years_first_order(1.0, 0.5, f) == pytest.approx(np.log(0.5) / np.log(1 - 300 / 2600))
    assert duration.years_first_order(1.0, 0.5, 1.0) == 1.0
    assert np.isinf(duration.years_first_order(1.0, 0.5, 0.0))
    assert duration.bcf_fraction(10, 1e6, 100) == 1.0       # never more than the soil holds


def test_concentration_after():
    assert duration.concentration_after(1.0, 2, "first_order", fraction=0.5) == pytest.approx(0.25)
    assert duration.concentration_after(1.0, 20, "zero_order", removal_mg_kg_yr=0.1) == 0.0


@settings(max_examples=200, deadline=None)
@given(c0=st.floats(0.31, 50), y=st.floats(0.1, 30), bcf=st.floats(0.01, 500), mass=st.floats(500, 8000),
       k=st.floats(1.01, 10))
def test_more_biomass_or_bcf_never_lengthens_clean_up(c0, y, bcf, mass, k):
    ct = 0.3
    base = duration.years_first_order(c0, ct, duration.bcf_fraction(y, bcf, mass))
    assert duration.years_first_order(c0, ct, duration.bcf_fraction(y * k, bcf, mass)) <= base + 1e-9
    assert duration.years_first_order(c0, ct, duration.bcf_fraction(y, bcf * k, mass)) <= base + 1e-9
    z = duration.years_zero_order(c0, ct, mass, y, bcf * c0)
    assert duration.years_zero_order(c0, ct, mass, y * k, bcf * c0) <= z + 1e-9


@settings(max_examples=200, deadline=None)
@given(c0=st.floats(0.01, 100), years=st.floats(0, 200), f=st.floats(0, 1), r=st.floats(0, 50))
def test_removal_never_exceeds_what_the_soil_holds(c0, years, f, r):
    assert 0.0 <= duration.concentration_after(c0, years, "first_order", fraction=f) <= c0
    assert 0.0 <= duration.concentration_after(c0, years, "zero_order", removal_mg_kg_yr=r) <= c0


def _setup(tables, plots):
    s = soil.screen(plots, tables)
    cls = soil.plot_classes(s, plots["plot_id"])
    risk = uptake.food_safety(uptake.predict_crop_concentration(plots, tables=tables), "GB2762", tables)
    return s, options.evaluate_options(plots, cls, tables, crop_risk=risk)


def _duration(tables, plots, s, rows, n_draws=0, seed=0):
    bio, draws = biomass.harvested_biomass(rows, tables, n_draws, seed)
    return duration.estimate_duration(rows, plots, s, bio, tables, n_draws, seed, biomass_draws=draws)


def test_estimate_duration_sedum_hand_computed(tables, plots_factory):
    p = plots_factory(1, ph=5.0, cd_mg_kg=0.9, depth_m=0.2, bulk_density_g_cm3=1.2)
    s, rows = _setup(tables, p)
    by_metal, overall = _duration(tables, p, s, rows)
    r = by_metal.set_index("option_id").loc["sedum_plumbizincicola"]
    f = 3.26 * 102 / 2400.0
    assert r["fraction_per_yr"] == pytest.approx(f)
    assert r["years_to_target"] == pytest.approx(np.log(0.3 / 0.9) / np.log(1 - f))
    assert r["removal_g_ha_yr"] == pytest.approx(3.26 * 102 * 0.9)
    assert r["removed_g_ha"] == pytest.approx((0.9 - 0.3) * 2400)      # target reached within 20 yr
    o = overall.set_index("option_id")
    assert np.isinf(o.loc["biochar_amendment", "years_to_target"])    # amendments remove nothing
    assert o.loc["do_nothing", "years_to_target"] == np.inf


def test_monte_carlo_same_seed_same_numbers_other_seed_other_draws(tables, plots_factory):
    p = plots_factory(2, ph=5.0, cd_mg_kg=[0.9, 1.4])
    s, rows = _setup(tables, p)
    a = _duration(tables, p, s, rows, 300, 7)[1]
    b = _duration(tables, p, s, rows, 300, 7)[1]
    c = _duration(tables, p, s, rows, 300, 8)[1]
    pd.testing.assert_frame_equal(a, b)
    sel = a["option_id"] == "sedum_plumbizincicola"
    assert not np.allclose(a.loc[sel, "years_p50"], c.loc[sel, "years_p50"])
    o = a.loc[sel].iloc[0]
    assert o["years_p10"] <= o["years_p50"] <= o["years_p90"]
    assert 0.0 <= o["p_target_10yr"] <= o["p_target_20yr"] <= 1.0


def test_draws_do_not_depend_on_which_plots_are_planned(tables, plots_factory):
    p = plots_factory(3, ph=5.0, cd_mg_kg=[0.9, 1.4, 0.6])
    s, rows = _setup(tables, p)
    full = _duration(tables, p, s, rows, 200, 3)[1]
    one = p.iloc[[1]].reset_index(drop=True)
    s1, rows1 = _setup(tables, one)
    part = _duration(tables, one, s1, rows1, 200, 3)[1]
    a = full.loc[full["plot_id"] == "P2"].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, part.reset_index(drop=True))


def test_compliance_outcome_more_biochar_never_raises_uptake(tables, plots_factory):
    p = plots_factory(1, land_use="upland", crop="wheat", ph=6.0, cd_mg_kg=0.5, region="")
    s, rows = _setup(tables, p)
    preds = {"current": uptake.predict_crop_concentration(p, tables=tables)}
    probs = []
    for rate in (0, 5, 10, 20, 40, 80):
        out = duration.crop_compliance_outcome(rows, preds, p, "GB2762", tables, rate_t_ha=rate)
        probs.append(out.set_index("option_id").loc["biochar_amendment", "crop_compliance_prob"])
    assert all(b >= a - 1e-12 for a, b in zip(probs, probs[1:]))
    assert probs[-1] > probs[0]
