"""Global sensitivity (Morris, Sobol) over the tornado's ranges: SALib wiring, plan wiring, seeds."""

import importlib.util
import sys

import numpy as np
import pandas as pd
import pytest

from agriremed.engine import sensitivity
from agriremed.engine.global_sensitivity import (COLUMNS, SAExtraMissing, global_sensitivity,
                                                 global_sensitivity_plot, morris_indices, sobol_indices)
from agriremed.engine.sensitivity import tornado

PLOT, OPTION = "HN-ZZ-01", "sedum_plumbizincicola"
#: SALib is the optional extra ``sa`` (installed by ``all``); without it only the error is tested
needs_salib = pytest.mark.skipif(importlib.util.find_spec("SALib") is None, reason="extra sa not installed")


def _ishigami(x, a=7.0, b=0.1):
    return float(np.sin(x[0]) + a * np.sin(x[1]) ** 2 + b * x[2] ** 4 * np.sin(x[0]))


@needs_salib
def test_sobol_reproduces_the_analytic_ishigami_indices():
    # Ishigami & Homma (1990), a = 7, b = 0.1, x uniform on [-π, π]³: V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2,
    # V1 = (1 + bπ⁴/5)²/2, V2 = a²/8, V13 = b²π⁸ (1/18 − 1/50)
    a, b = 7.0, 0.1
    V = a ** 2 / 8 + b * np.pi ** 4 / 5 + b ** 2 * np.pi ** 8 / 18 + 0.5
    V1, V2, V13 = (1 + b * np.pi ** 4 / 5) ** 2 / 2, a ** 2 / 8, b ** 2 * np.pi ** 8 * (1 / 18 - 1 / 50)
    S1 = np.array([V1, V2, 0.0]) / V
    ST = np.array([V1 + V13, V2, V13]) / V
    assert S1 == pytest.approx([0.314, 0.442, 0.0], abs=1e-3)
    assert ST == pytest.approx([0.558, 0.442, 0.244], abs=1e-3)
    s = sobol_indices(_ishigami, ["x1", "x2", "x3"], [[-np.pi, np.pi]] * 3, n=2048, seed=3)
    assert s.attrs["runs"] == 2048 * 5
    assert s["S1"].to_numpy() == pytest.approx(S1, abs=0.03)
    assert s["ST"].to_numpy() == pytest.approx(ST, abs=0.03)
    assert (s["S1_conf"] > 0).all() and (s["S1_conf"] < 0.1).all()


@needs_salib
def test_morris_effect_of_a_linear_input_is_its_swing_over_the_range():
    # f = 2 x0 + 0 x1 with x0 in [0, 10]: every elementary effect, scaled to the range, is 2 × 10
    m = morris_indices(lambda x: 2 * x[0] + 0 * x[1], ["a", "b"], [[0, 10], [0, 1]], trajectories=5)
    assert m.attrs["runs"] == 5 * 3
    assert m["mu_star"].tolist() == pytest.approx([20.0, 0.0])
    assert m["mu"].tolist() == pytest.approx([20.0, 0.0])
    assert m["sigma"].tolist() == pytest.approx([0.0, 0.0])


@needs_salib
def test_seed_gives_the_same_indices_and_another_seed_other_ones():
    def f(x):
        return _ishigami(x)

    b = [[-np.pi, np.pi]] * 3
    one, two = (morris_indices(f, ["x1", "x2", "x3"], b, trajectories=10, seed=7) for _ in range(2))
    pd.testing.assert_frame_equal(one, two)
    other = morris_indices(f, ["x1", "x2", "x3"], b, trajectories=10, seed=8)
    assert not np.allclose(one["mu_star"], other["mu_star"])
    s1, s2 = (sobol_indices(f, ["x1", "x2", "x3"], b, n=64, seed=7) for _ in range(2))
    pd.testing.assert_frame_equal(s1, s2)


@needs_salib
def test_bad_bounds_and_sample_size_are_errors():
    with pytest.raises(ValueError, match="b: expected finite bounds with low < high"):
        morris_indices(lambda x: x[0], ["a", "b"], [[0, 1], [2, 2]])
    with pytest.raises(ValueError, match="trajectories = 1: expected at least 2"):
        morris_indices(lambda x: x[0], ["a"], [[0, 1]], trajectories=1)
    with pytest.raises(ValueError, match="power of 2"):
        sobol_indices(lambda x: x[0], ["a"], [[0, 1]], n=100)
    with pytest.raises(ValueError, match="not a finite number in 15 of 15 runs"):
        morris_indices(lambda x: np.nan, ["a", "b"], [[0, 1], [0, 1]], trajectories=5)


@pytest.fixture(scope="module")
def years(sample_plots_path):
    return (tornado(sample_plots_path, PLOT, OPTION, "years_to_target"),
            global_sensitivity(sample_plots_path, PLOT, OPTION, "years_to_target", trajectories=4, seed=1))


@needs_salib
def test_morris_on_a_plot_agrees_with_the_tornado(years):
    t, g = years
    assert list(g.columns) == COLUMNS
    assert g.attrs["morris_runs"] == 4 * (len(t) + 1) and g.attrs["sobol_runs"] == 0
    assert g.attrs["base"] == pytest.approx(t["base"].iloc[0])
    assert set(g["parameter"]) == set(t["parameter"])               # the same values are varied
    # the biomass yield moves clean-up time most in both views
    assert g["parameter"].iloc[0] == t["parameter"].iloc[0] == "biomass yield"
    assert (np.diff(g["mu_star"].to_numpy()) <= 0).all()
    # values that do not move the output one at a time (costs, prices, the unused BCF) do not move it
    # globally either; those that do, do
    zero = set(t.loc[t["swing"] == 0, "parameter"])
    assert zero == set(g.loc[g["mu_star"] == 0, "parameter"])
    assert len(zero) == 8
    r = g.set_index("parameter")
    # more biomass shortens clean-up on every trajectory: mu = −mu_star
    assert r.loc["biomass yield", "mu"] == pytest.approx(-r.loc["biomass yield", "mu_star"])
    assert r.loc["biomass yield", "source"] == "sedum_paddy2018"
    assert (r.loc["biomass yield", ["low", "typical", "high"]].tolist() == [1.8, 3.26, 5.9])
    assert g[["S1", "ST"]].isna().all().all()                         # Sobol only on request


@needs_salib
def test_sobol_through_the_plan_keeps_each_label_on_its_row(sample_plots_path, monkeypatch):
    # an output that reads only the biomass yield's value: its Morris effect is the whole range
    # (5.9 − 1.8) and it carries all of the variance; every other row none
    def value(self, t):
        y = t.biomass_yields.reset_index(drop=True)
        return float(y.loc[(y["species"] == "sedum_plumbizincicola") & (y["land"] == "contaminated"),
                           "typical"].iloc[0])

    monkeypatch.setattr(sensitivity.SensitivitySetup, "value", value)
    g = global_sensitivity(sample_plots_path, PLOT, OPTION, "years_to_target", trajectories=2, sobol_n=16,
                           seed=2).set_index("parameter")
    assert g.attrs["sobol_runs"] == 16 * (len(g) + 2)
    assert g.loc["biomass yield", "mu_star"] == pytest.approx(5.9 - 1.8)
    # the estimators are exact for ST and within sampling error for S1 when one input carries all
    assert g.loc["biomass yield", ["S1", "ST"]].tolist() == pytest.approx([1.0, 1.0], abs=0.02)
    rest = g.drop(index="biomass yield")
    assert (rest["mu_star"] == 0).all()
    assert np.allclose(rest[["S1", "ST"]], 0.0)
    fig = global_sensitivity_plot(g.reset_index())
    assert [tr.name for tr in fig.data] == ["μ* (Morris)", "σ (Morris)", "S1 (Sobol)", "ST (Sobol)"]


@needs_salib
def test_seeded_plot_run_is_reproducible(sample_plots_path):
    a, b = (global_sensitivity(sample_plots_path, PLOT, "lime_low_cd_rice", "crop_compliance_prob",
                               trajectories=2, seed=5) for _ in range(2))
    pd.testing.assert_frame_equal(a, b)
    assert a["parameter"].iloc[0].startswith("crop_reduction_frac") and a["mu_star"].iloc[0] > 0


@needs_salib
def test_an_output_without_a_number_is_an_error_before_sampling(sample_plots_path):
    # a phytoextraction crop grows no food: its crop compliance is not defined
    with pytest.raises(ValueError, match="crop_compliance_prob of sedum_plumbizincicola on plot HN-ZZ-01 is "
                                         "not a finite number"):
        global_sensitivity(sample_plots_path, PLOT, OPTION, "crop_compliance_prob")


@needs_salib
def test_figure_lists_the_largest_effects_first(years):
    _, g = years
    fig = global_sensitivity_plot(g, top=3)
    assert [tr.name for tr in fig.data] == ["μ* (Morris)", "σ (Morris)"]
    assert list(fig.data[0].y) == list(g["parameter"].head(3))[::-1]   # largest at the top
    assert list(fig.data[0].x) == pytest.approx(list(g["mu_star"].head(3))[::-1])


@needs_salib
def test_cli_writes_the_morris_table(sample_plots_path, tmp_path, capsys):
    from agriremed.apps.cli import main

    assert main(["sensitivity", str(sample_plots_path), "--plot", PLOT, "--option", OPTION, "--output",
                 "years_to_target", "--method", "morris", "--trajectories", "2", "--seed", "3",
                 "--out", str(tmp_path)]) == 0
    assert "morris sensitivity of years_to_target for sedum_plumbizincicola on plot HN-ZZ-01" in \
        capsys.readouterr().out
    t = pd.read_csv(tmp_path / "sensitivity.csv", encoding="utf-8-sig")
    assert list(t.columns) == COLUMNS and len(t) == 11
    assert t["parameter"].iloc[0] == "biomass yield" and t["mu_star"].iloc[0] > 0
    assert main(["sensitivity", str(sample_plots_path), "--plot", "nope"]) == 2
    assert "not among the valid plots" in capsys.readouterr().err


def test_without_salib_the_message_names_the_extra(sample_plots_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "SALib", None)
    with pytest.raises(SAExtraMissing, match=r"pip install 'agriremed\[sa\]'"):
        global_sensitivity(sample_plots_path, PLOT, OPTION)
    with pytest.raises(ImportError, match="SALib"):
        morris_indices(lambda x: x[0], ["a"], [[0, 1]])
