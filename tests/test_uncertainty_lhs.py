"""Latin-hypercube Monte Carlo: inverse CDF, stratification, common random numbers, scenario field."""

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats import qmc

import agriremed
from agriremed.core import uncertainty as U
from agriremed.core.scenario import Scenario, ScenarioError
from agriremed.core.uncertainty import (LHSSeed, draw_seed, generator, lhs_uniforms, parameter_draws,
                                        sampling_of, triangular, triangular_ppf)

SAMPLE = "data/samples/plots.csv"


# --- inverse distribution function -------------------------------------------------------------

def test_triangular_ppf_hand_computed():
    # a=0, c=1, b=4: F_c = 1/4. u=0.125 < F_c: 0 + sqrt(0.125*4*1) = sqrt(0.5) = 0.70711;
    # u=0.5: 4 - sqrt(0.5*4*3) = 4 - sqrt(6) = 1.55051; u=0.9: 4 - sqrt(0.1*12) = 2.90455
    x = triangular_ppf([0.0, 0.125, 0.25, 0.5, 0.9, 1.0], 0.0, 1.0, 4.0)
    np.testing.assert_allclose(x, [0.0, 0.70711, 1.0, 1.55051, 2.90455, 4.0], atol=5e-6)


def test_log_triangular_ppf_hand_computed():
    # ln range 0, 1, 2 (F_c = 1/2): u=0.125 -> sqrt(0.125*2*1) = 0.5 -> e^0.5 = 1.64872;
    # u=0.875 -> 2 - 0.5 = 1.5 -> e^1.5 = 4.48169; u=0.5 -> the mode e
    x = triangular_ppf([0.125, 0.5, 0.875], 1.0, np.e, np.e ** 2, log=True)
    np.testing.assert_allclose(x, [1.64872, 2.71828, 4.48169], atol=5e-5)


def test_triangular_ppf_is_vectorised_and_degenerate_ranges_give_the_mode():
    x = triangular_ppf(np.array([[0.1], [0.9]]), [1.0, 3.0, 2.0], [1.0, 3.0, 2.5], [1.0, 3.0, 3.0])
    assert x.shape == (2, 3)
    assert x[:, 0].tolist() == [1.0, 1.0] and x[:, 1].tolist() == [3.0, 3.0]
    # a=2, c=2.5, b=3 (F_c = 0.5): u=0.1 -> 2 + sqrt(0.1*1*0.5) = 2.22361
    assert x[0, 2] == pytest.approx(2.0 + np.sqrt(0.05))


@pytest.mark.parametrize("low,mode,high", [(0.0, 0.0, 1.0), (1.0, 2.0, 4.0), (5.0, 9.0, 9.0), (-3.0, 1.0, 2.0)])
def test_triangular_ppf_equals_scipy(low, mode, high):
    u = np.linspace(0.0, 1.0, 101)
    ref = stats.triang.ppf(u, (mode - low) / (high - low), loc=low, scale=high - low)
    np.testing.assert_allclose(triangular_ppf(u, low, mode, high), ref, rtol=1e-12, atol=1e-12)


# --- stratified uniforms -------------------------------------------------------------------------

def test_lhs_uniforms_fill_every_stratum_once():
    u = lhs_uniforms(200, np.random.default_rng(3))
    assert u.shape == (200,) and (u >= 0).all() and (u < 1).all()
    assert sorted(np.floor(u * 200).astype(int).tolist()) == list(range(200))
    assert lhs_uniforms(0, np.random.default_rng(3)).shape == (0,)


def test_lhs_uniforms_are_scipy_latin_hypercube_seeded_by_the_generator():
    ref = qmc.LatinHypercube(d=1, rng=generator(5, "opt", "par", "cd")).random(50)[:, 0]
    np.testing.assert_array_equal(lhs_uniforms(50, generator(5, "opt", "par", "cd")), ref)


def test_lhs_triangular_draws_are_stratified_in_probability():
    d = triangular(1.0, 2.0, 4.0, 100, generator(1, "x"), sampling="lhs")
    p = stats.triang.cdf(d, 1 / 3, loc=1.0, scale=3.0)
    assert sorted(np.floor(p * 100 + 1e-9).astype(int).tolist()) == list(range(100))
    dl = triangular(0.18, 1.9, 20.0, 80, generator(1, "y"), log=True, sampling="lhs")
    a, c, b = np.log([0.18, 1.9, 20.0])
    pl = stats.triang.cdf(np.log(dl), (c - a) / (b - a), loc=a, scale=b - a)
    assert sorted(np.floor(pl * 80 + 1e-9).astype(int).tolist()) == list(range(80))


def test_lhs_mean_is_far_more_precise_than_random_mean():
    # mean of triangular(0, 1, 4) is 5/3; SD of one draw sqrt((0+1+16-0-0-4)/18) = 0.8498, so the
    # SD of a random 100-draw mean is 0.085; a Latin hypercube mean is much tighter.
    means = {s: [triangular(0.0, 1.0, 4.0, 100, generator(k, "m"), sampling=s).mean() for k in range(40)]
             for s in ("random", "lhs")}
    sd_random, sd_lhs = np.std(means["random"], ddof=1), np.std(means["lhs"], ddof=1)
    assert 0.05 < sd_random < 0.13
    assert sd_lhs < 0.1 * sd_random
    assert np.mean(means["lhs"]) == pytest.approx(5 / 3, abs=0.003)


def test_unknown_sampling_is_refused():
    with pytest.raises(ValueError, match="sampling 'sobol' is not one of random, lhs"):
        triangular(1, 2, 3, 5, generator(1), sampling="sobol")
    with pytest.raises(ValueError, match="not one of"):
        draw_seed(1, "sobol")


# --- the seed carries the sampling ---------------------------------------------------------------

def test_lhs_seed_is_told_apart_from_the_plain_seed():
    s = draw_seed(7, "lhs")
    assert isinstance(s, LHSSeed) and int(s) == 7 and sampling_of(s) == "lhs"
    assert draw_seed(7) == 7 and type(draw_seed(7)) is int and sampling_of(7) == "random"
    assert s != 7 and 7 != s and s == LHSSeed(7) and s != LHSSeed(8)
    assert len({("k", 500, s), ("k", 500, 7)}) == 2  # cache keys stay apart
    assert type(s + 1) is int and s + 1 == 8
    assert pickle.loads(pickle.dumps(s)) == s and isinstance(pickle.loads(pickle.dumps(s)), LHSSeed)


def _params():
    return pd.DataFrame({"option_id": ["a", "b", "c", "d"], "parameter": ["x", "y", "z", "w"],
                         "metal": ["", "cd", "", "pb"], "low": [1.0, 10.0, 0.18, 2.0],
                         "typical": [2.0, 20.0, 1.9, 2.0], "high": [3.0, 30.0, 20.0, 2.0],
                         "distribution": ["triangular", "triangular", "log_triangular", "triangular"]})


def test_random_parameter_draws_are_the_generator_triangular_draws():
    d = parameter_draws(_params(), 30, seed=11)
    np.testing.assert_array_equal(d[0], generator(11, "a", "x", "").triangular(1.0, 2.0, 3.0, size=30))
    np.testing.assert_array_equal(
        d[2], np.exp(generator(11, "c", "z", "").triangular(np.log(0.18), np.log(1.9), np.log(20.0), size=30)))
    assert (d[3] == 2.0).all()


def test_lhs_parameter_draws_are_the_inverse_cdf_of_the_identity_hypercube():
    d = parameter_draws(_params(), 30, seed=draw_seed(11, "lhs"))
    u = lhs_uniforms(30, generator(11, "b", "y", "cd"))
    np.testing.assert_allclose(d[1], triangular_ppf(u, 10.0, 20.0, 30.0), rtol=0, atol=0)
    assert not np.array_equal(d, parameter_draws(_params(), 30, seed=11))
    assert (d[3] == 2.0).all()


def test_lhs_draws_are_common_random_numbers():
    p = _params()
    seed = draw_seed(9, "lhs")
    whole = parameter_draws(p, 40, seed)
    np.testing.assert_array_equal(parameter_draws(p.iloc[::-1].reset_index(drop=True), 40, seed), whole[::-1])
    np.testing.assert_array_equal(parameter_draws(p.iloc[[2]].reset_index(drop=True), 40, seed), whole[[2]])
    assert not np.array_equal(whole[:3], parameter_draws(p, 40, draw_seed(10, "lhs"))[:3])


# --- scenario field, plan and command line -------------------------------------------------------

def test_scenario_sampling_field_is_checked_and_round_trips():
    assert Scenario().sampling == "lhs"
    s = Scenario(sampling="random")
    assert Scenario.from_dict(s.to_dict()).sampling == "random"
    assert Scenario.from_dict({"mc_draws": 10}).sampling == "lhs"
    with pytest.raises(ScenarioError, match="scenario field sampling = 'LHS' is invalid; expected one of random, lhs"):
        Scenario(sampling="LHS")


@pytest.fixture(scope="module")
def lhs_plans():
    plots = pd.read_csv(SAMPLE)
    sc = Scenario(mc_draws=60, sampling="lhs")
    return plots, agriremed.plan(plots, sc, progress=False), agriremed.plan(plots, sc.replace(sampling="random"),
                                                                             progress=False)


def test_every_plan_draw_is_latin_hypercube(monkeypatch):
    seen = []
    original = U._row_draws

    def spy(seed, ident, low, mode, high, log, n, sampling="random"):
        seen.append(sampling)
        return original(seed, ident, low, mode, high, log, n, sampling)

    monkeypatch.setattr(U, "_row_draws", spy)
    agriremed.plan(SAMPLE, Scenario(mc_draws=17, sampling="lhs", seed=4242), progress=False)
    assert len(seen) > 50 and set(seen) == {"lhs"}


COLS = ["years_p10", "years_p50", "years_p90", "crop_compliance_prob", "net_co2e_t_ha_yr_p50"]


def test_lhs_plan_differs_from_random_and_is_chunk_independent(lhs_plans):
    plots, lhs, rnd = lhs_plans
    a, b = lhs.table[COLS].to_numpy(float), rnd.table[COLS].to_numpy(float)
    both = np.isfinite(a) & np.isfinite(b)
    assert both.sum() > 100 and (a[both] != b[both]).any()
    sc = lhs.scenario
    half = agriremed.plan(plots.iloc[8:].reset_index(drop=True), sc, progress=False).table
    key = ["plot_id", "option_id"]
    m = lhs.table[key + COLS].merge(half[key + COLS], on=key, suffixes=("", "_half"))
    assert len(m) == len(half) > 0
    for c in COLS:
        np.testing.assert_array_equal(m[c].to_numpy(float), m[c + "_half"].to_numpy(float))


def test_cli_sampling_flag_reaches_the_scenario(tmp_path):
    from agriremed.apps.cli import main

    out = tmp_path / "out"
    assert main(["plan", SAMPLE, "--out", str(out), "--draws", "20", "--sampling", "lhs"]) == 0
    text = (out / "scenario.json").read_text(encoding="utf-8")
    assert '"sampling": "lhs"' in text
