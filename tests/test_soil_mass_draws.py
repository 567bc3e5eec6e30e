"""An assumed plough-layer depth or bulk density (``covariate_defaults.csv``: 0.20 m, 1.30 g/cm³) is drawn in the
Monte Carlo around its typical value with the table's spread (log-normal, ``sd_log10`` 0.1 and 0.085), so the
clean-up years of a plot that gives neither have a wider P10–P90 than those of the same plot giving the typical
values; a plot's given values stay fixed (its numbers as before, bit for bit), the deterministic plan keeps the
typical values, and the draws depend only on the seed, the column and the plot id."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core.tables import load_tables
from agriremed.core.uncertainty import draw_seed
from agriremed.stages import soil
from plotdata import make_plots

YEARS = ("years_to_target", "years_p10", "years_p50", "years_p90")


def _pair():
    df = make_plots(2, ph=5.0, cd_mg_kg=2.0, region="Hunan/Xiangtan")
    df.loc[0, ["bulk_density_g_cm3", "depth_m"]] = np.nan  # P1: neither given (assumed 0.20 m, 1.30 g/cm³)
    df.loc[1, "bulk_density_g_cm3"] = 1.3  # P2: the typical values, given
    df.loc[1, "depth_m"] = 0.2
    return df


@pytest.fixture(scope="module")
def drawn():
    p = agriremed.plan(_pair(), agriremed.Scenario(mc_draws=500, seed=7), progress=False)
    return p.table.set_index(["plot_id", "option_id"])


def test_assumed_soil_mass_widens_the_years_band(drawn):
    t = drawn
    a, b = t.loc[("P1", "sedum_plumbizincicola")], t.loc[("P2", "sedum_plumbizincicola")]
    # the deterministic time is the same: the typical values are the given ones
    assert a["years_to_target"] == b["years_to_target"] == pytest.approx(14.66540261481408, rel=1e-12)
    assert [a[c] for c in YEARS[1:]] == pytest.approx([8.063856293923674, 12.999552889281013, 22.4303537670171],
                                                      rel=1e-9)
    assert a["years_p90"] - a["years_p10"] == pytest.approx(14.366, abs=1e-3)
    assert b["years_p90"] - b["years_p10"] == pytest.approx(8.930, abs=1e-3)
    assert a["p_target_10yr"] == pytest.approx(0.238) and b["p_target_10yr"] == pytest.approx(0.116)
    # a zero-order removal with a fixed rate had no spread at all: now the soil mass gives it one
    a, b = t.loc[("P1", "sedum_alfredii")], t.loc[("P2", "sedum_alfredii")]
    assert b["years_p10"] == b["years_p90"] == pytest.approx(29.864864864864863, rel=1e-12)
    assert [a[c] for c in YEARS[1:]] == pytest.approx([20.023046099759863, 29.558646146095178, 44.09082882272101],
                                                      rel=1e-9)


def test_given_values_keep_their_numbers(drawn):
    # P2's numbers are those of the plan before the soil mass was drawn (the same seed and draws), to the
    # last few bits (the percentiles' last bit depends on the CPU's vectorised arithmetic)
    b = drawn.loc[("P2", "sedum_plumbizincicola")]
    assert [float(b[c]) for c in YEARS] == pytest.approx([14.66540261481408, 9.811175015606382, 13.097363230334054,
                                                          18.741327131634975], rel=1e-13)
    b = drawn.loc[("P2", "sorghum")]
    assert [float(b[c]) for c in YEARS] == pytest.approx([59.92646222167048, 55.56977514506891, 61.19250679390517,
                                                          77.40318394245527], rel=1e-13)


def test_plot_with_given_values_is_the_same_alone_or_beside_an_assumed_one(drawn):
    alone = agriremed.plan(_pair().iloc[[1]].reset_index(drop=True), agriremed.Scenario(mc_draws=500, seed=7),
                           progress=False).table.set_index(["plot_id", "option_id"])
    cols = [c for c in alone.columns if c.startswith(("years", "p_target", "removed", "needed"))]
    pd.testing.assert_frame_equal(alone.loc["P2", cols], drawn.loc["P2", cols])


def test_deterministic_plan_keeps_the_typical_values():
    t = agriremed.plan(_pair(), agriremed.Scenario(mc_draws=0, seed=7), progress=False).duration \
        .set_index(["plot_id", "option_id"])
    for o in ("sedum_plumbizincicola", "sedum_alfredii", "sorghum"):
        for c in ("years_to_target", "removed_g_ha", "needed_g_ha"):
            assert t.loc[("P1", o), c] == t.loc[("P2", o), c]
    assert t.loc[("P1", "sedum_plumbizincicola"), "years_to_target"] == 14.66540261481408


def _assumed(ids, depth, bd, land_use="paddy"):
    n = len(ids)
    return soil.with_soil_mass_defaults(pd.DataFrame({"plot_id": ids, "land_use": [land_use] * n,
                                                      "depth_m": depth, "bulk_density_g_cm3": bd}))


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_draws_follow_the_table_spread(sampling):
    p = _assumed(["given", "bd", "depth", "both"], [0.2, 0.2, np.nan, np.nan], [1.3, np.nan, 1.3, np.nan])
    d = soil.soil_mass_draws(p, n_draws=20000, seed=draw_seed(3, sampling))
    assert d.shape == (4, 20000)
    assert (d[0] == 2600.0).all()  # given values: the soil mass in every draw
    cd = load_tables().covariate_defaults.set_index("covariate")
    sd_bd, sd_depth = cd.loc["bulk_density_g_cm3", "sd_log10"], cd.loc["depth_m", "sd_log10"]
    assert (sd_bd, sd_depth) == (0.085, 0.1)
    lg = np.log10(d[1:] / 2600.0)
    assert np.median(lg, axis=1) == pytest.approx([0, 0, 0], abs=0.004)  # median: the typical mass
    assert lg.std(axis=1) == pytest.approx([sd_bd, sd_depth, np.hypot(sd_bd, sd_depth)], rel=0.02)
    # the table's note: 90 % of plots within 0.94–1.80 g/cm³ (bulk density), 0.14–0.29 m (depth)
    q = np.percentile(d[1:3], [5, 95], axis=1)
    assert q[:, 0] / 2000.0 == pytest.approx([0.94, 1.80], abs=0.015)
    assert q[:, 1] / 13000.0 == pytest.approx([0.137, 0.292], abs=0.004)


def test_draws_are_reproducible_and_keyed_by_plot_id():
    p = _assumed(["a", "b", "c"], [np.nan, 0.25, np.nan], [np.nan, np.nan, 1.1])
    d1 = soil.soil_mass_draws(p, n_draws=50, seed=11)
    d2 = soil.soil_mass_draws(p, n_draws=50, seed=11)
    np.testing.assert_array_equal(d1, d2)  # same seed, same numbers
    assert not np.array_equal(d1, soil.soil_mass_draws(p, n_draws=50, seed=12))
    # the same plot in another order or another chunk draws the same values
    np.testing.assert_array_equal(soil.soil_mass_draws(p.iloc[::-1].reset_index(drop=True), n_draws=50, seed=11),
                                  d1[::-1])
    np.testing.assert_array_equal(soil.soil_mass_draws(p.iloc[[2]].reset_index(drop=True), n_draws=50, seed=11),
                                  d1[[2]])
    assert d1[0, :3].round(3).tolist() == [2223.154, 3277.133, 3887.222]
    # plot b: depth given (0.25 m), only the bulk density drawn; c: bulk density given (1.1), depth drawn
    big = soil.soil_mass_draws(p, n_draws=4000, seed=11)
    assert np.median(big, axis=1) == pytest.approx([2600.0, 3250.0, 2200.0], rel=0.01)
    assert np.log10(big / big.mean(axis=1, keepdims=True)).std(axis=1) == pytest.approx([0.1312, 0.085, 0.1], rel=0.04)


def test_nothing_drawn_without_an_assumed_value_or_draws():
    p = _assumed(["a"], [0.2], [1.3])
    assert soil.soil_mass_draws(p, n_draws=100, seed=1) is None
    assert soil.soil_mass_draws(_assumed(["a"], [np.nan], [np.nan]), n_draws=0, seed=1) is None
    # plots not read through with_soil_mass_defaults (no soil_mass_assumed column): nothing is assumed
    assert soil.soil_mass_draws(pd.DataFrame({"plot_id": ["a"], "depth_m": [0.2], "bulk_density_g_cm3": [1.3]}),
                                n_draws=100, seed=1) is None
