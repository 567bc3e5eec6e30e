"""A plot without bulk density or depth, with the typical values turned off (``assume_missing_covariates``
false): removal that needs the soil mass is unknown, not 0 %."""

import numpy as np
import pytest

import agriremed
from plotdata import make_plots


@pytest.fixture(scope="module")
def plan():
    # a strict-control Hunan paddy (Cd 2.0, pH 5.0), once without and once with the soil mass
    df = make_plots(2, ph=5.0, cd_mg_kg=2.0, region="Hunan/Xiangtan")
    df.loc[0, "bulk_density_g_cm3"] = np.nan
    df.loc[0, "depth_m"] = np.nan
    return agriremed.plan(df, agriremed.Scenario(mc_draws=100, assume_missing_covariates=False))


def test_removal_needing_the_soil_mass_is_unknown_not_zero(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    sedum = t.loc[("P1", "sedum_plumbizincicola")]
    assert np.isnan(sedum["years_to_target"]) and np.isnan(sedum["years_p50"])
    assert np.isnan(sedum["p_target_20yr"]) and np.isnan(sedum["crit_clean_up"])
    assert sedum["light_clean_up"] is None
    assert "not known: the soil mass needs the plot's bulk density and plough-layer depth" in sedum["why_clean_up"]
    # with the soil mass the same option is assessed (and removes the excess within 20 yr)
    known = t.loc[("P2", "sedum_plumbizincicola")]
    assert known["crit_clean_up"] == pytest.approx(1.0) and known["p_target_20yr"] > 0.9


def test_a_yearly_fraction_capped_by_shoot_cd_needs_the_mass(plan):
    # tobacco's yearly fraction is capped at yield × its highest field shoot Cd / soil metal, which
    # needs the soil mass: without it the years are not known (before the cap they needed none)
    t = plan.duration.set_index(["plot_id", "option_id"])
    a, b = t.loc[("P1", "tobacco")], t.loc[("P2", "tobacco")]
    assert np.isnan(a["years_to_target"]) and np.isnan(a["removed_g_ha"])
    assert b["years_to_target"] > 20 and b["removed_g_ha"] > 0
    tt = plan.table.set_index(["plot_id", "option_id"])
    assert "not known: the soil mass needs the plot's bulk density" in tt.loc[("P1", "tobacco"), "why_clean_up"]


def test_clean_up_is_not_compared_on_a_plot_with_an_unknown_removal(plan):
    t = plan.table
    p1 = t.loc[(t["plot_id"] == "P1") & t["applicable"]]
    assert p1["crit_clean_up"].isna().all()
    p2 = t.loc[(t["plot_id"] == "P2") & t["applicable"] & (t["option_id"] != "do_nothing")]
    assert p2["crit_clean_up"].notna().any()


def test_removed_share_is_removed_over_needed_where_the_mass_is_known(plan):
    t = plan.duration
    k = t.loc[(t["plot_id"] == "P2") & (t["needed_g_ha"] > 0)]
    assert len(k) > 3
    np.testing.assert_allclose(k["removed_share"], np.minimum(k["removed_g_ha"] / k["needed_g_ha"], 1.0),
                               rtol=1e-9)
