"""Seeded, order-independent parameter draws."""

import numpy as np
import pandas as pd
import pytest

from agriremed.core.uncertainty import generator, parameter_draws, stable_key, triangular


def test_stable_key_is_text_based():
    assert stable_key("a", "b") == stable_key("a", "b") != stable_key("ab", "")


def test_triangular_basics():
    rng = np.random.default_rng(0)
    x = triangular(1, 2, 4, 20000, rng)
    assert x.min() >= 1 and x.max() <= 4
    assert x.mean() == pytest.approx(7 / 3, rel=0.02)
    assert (triangular(3, 3, 3, 5, rng) == 3).all()
    assert np.isnan(triangular(np.nan, 1, 2, 3, rng)).all()
    with pytest.raises(ValueError):
        triangular(2, 1, 3, 5, rng)


def test_log_triangular_median_is_the_geometric_mode():
    x = triangular(0.18, 1.9, 20, 40000, generator(1, "x"), log=True)
    assert np.median(x) == pytest.approx(np.sqrt(0.18 * 20), rel=0.05)


def test_draws_depend_on_identity_not_on_row_order():
    p = pd.DataFrame({"option_id": ["a", "b"], "parameter": ["x", "y"], "metal": ["", "cd"],
                      "low": [1, 10], "typical": [2, 20], "high": [3, 30]})
    d1 = parameter_draws(p, 50, seed=9)
    d2 = parameter_draws(p.iloc[::-1].reset_index(drop=True), 50, seed=9)
    np.testing.assert_array_equal(d1, d2[::-1])
    assert not np.array_equal(d1, parameter_draws(p, 50, seed=10))


def test_kept_draws_equal_fresh_draws_and_are_never_shared():
    p = pd.DataFrame({"option_id": ["a", "b", "c"], "parameter": ["x", "y", "z"], "metal": ["", "cd", ""],
                      "low": [1, 10, np.nan], "typical": [2, 20, 1], "high": [3, 30, 2],
                      "distribution": ["triangular", "log_triangular", "triangular"]})
    first = parameter_draws(p, 40, seed=5)
    expected = [triangular(1, 2, 3, 40, generator(5, "a", "x", "")),
                triangular(10, 20, 30, 40, generator(5, "b", "y", "cd"), log=True)]
    np.testing.assert_array_equal(first[:2], expected)  # the kept vectors are the generator's own
    assert np.isnan(first[2]).all()                      # a blank end gives NaN draws
    first[0] = -1.0                                      # the caller's copy is its own
    np.testing.assert_array_equal(parameter_draws(p, 40, seed=5)[0], expected[0])
