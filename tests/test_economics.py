"""Discounting, NPV, payback and cost per gram: hand-computed."""

import numpy as np
import pytest

import agriremed
from agriremed import economics


def test_discount_factors_and_npv():
    np.testing.assert_allclose(economics.discount_factors(0.1, 3), [1 / 1.1, 1 / 1.21, 1 / 1.331])
    assert economics.npv([100, 100], 0.1) == pytest.approx(100 / 1.1 + 100 / 1.21)
    assert economics.npv([[1, 2], [3, 4]], 0.0).tolist() == [3, 7]


def test_payback():
    assert economics.payback_year([[-100, 60, 60]], 0.0).tolist() == [3.0]
    assert economics.payback_year([[-100, 60, 60]], 0.1).tolist() == [3.0]    # −90.9 + 49.6 + 45.1 ≥ 0
    assert economics.payback_year([[-100, 55, 55]], 0.1).tolist() == [np.inf]  # −90.9 + 45.5 + 41.3 < 0
    assert economics.payback_year([[10, -5]], 0.0).tolist() == [1.0]


def test_plan_economics_consistency(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    t = p.table
    base = t.loc[t["option_id"] == "do_nothing"].set_index("plot_id")["npv_cny_ha"]
    act = t.loc[t["applicable"]]
    expected = act["npv_cny_ha"] - act["plot_id"].map(base)
    np.testing.assert_allclose(act["npv_vs_baseline_cny_ha"], expected)
    np.testing.assert_allclose(act["npv_cny_ha"], act["revenue_cny_ha"] - act["cost_cny_ha"])
    rem = act.loc[act["cost_per_g_removed_cny_g"].notna()]
    assert len(rem) and (rem["cost_per_g_removed_cny_g"] > 0).all()


def test_baseline_npv_hand_computed(sample_plots_path):
    # GX-NN-06: rice 7.14 t/ha × 2580 CNY/t × P(comply) − 15 000 CNY/ha, 20 yr at 6 %
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0))
    t = p.table.set_index(["plot_id", "option_id"])
    r = t.loc[("GX-NN-06", "do_nothing")]
    annual = 7.14 * 2580 * r["crop_compliance_prob"] - 15000
    annuity = (1 - 1.06 ** -20) / 0.06
    assert r["npv_cny_ha"] == pytest.approx(annual * annuity, rel=1e-9)


def test_noncompliant_price_fraction_raises_baseline_value(sample_plots_path):
    a = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    b = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, noncompliant_price_fraction=0.5))
    ka = a.table.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "do_nothing"), "npv_cny_ha"]
    kb = b.table.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "do_nothing"), "npv_cny_ha"]
    assert kb > ka
