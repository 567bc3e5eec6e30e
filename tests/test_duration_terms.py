"""Year-independent terms of the soil-concentration kernel: hand-computed cases and equality, bit for bit,
with the one-call formula of every removal model (rows × draws, years one by one)."""

import numpy as np
import pytest

from agriremed.models import duration as md


def _reference(c0, years, model, fraction=None, removal_mg_kg_yr=None, loss_frac_per_yr=0.0, rate=None,
               exponent=None):
    """The soil concentration after ``years`` written as one expression per model (every term at each call)."""
    c0 = np.asarray(c0, float)
    y = np.asarray(years, float)
    q = 1.0 - np.clip(np.asarray(loss_frac_per_yr, float), 0.0, 1.0 - 1e-12)
    if model == "first_order":
        out = c0 * ((1.0 - np.clip(np.asarray(fraction, float), 0.0, 1.0)) * q) ** y
    elif model == "zero_order":
        d = np.maximum(np.asarray(removal_mg_kg_yr, float), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            star = -d * q / (1.0 - q)
            with_loss = star + (c0 - star) * q ** y
        out = np.where(q < 1.0, with_loss, c0 - d * y)
    else:
        b = np.clip(np.asarray(exponent, float), 0.0, 1.0)
        a = np.maximum(np.asarray(rate, float), 0.0)
        lam = -np.log(q)
        one_b = 1.0 - b
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            u0 = c0 ** one_b
            u_plain = u0 - one_b * a * y
            u_loss = (u0 + a / lam) * np.exp(-one_b * lam * y) - a / lam
            u = np.where(lam > 0, u_loss, u_plain)
            dec = np.maximum(u, 0.0) ** (1.0 / np.where(one_b > 0, one_b, 1.0))
            first = c0 * np.exp(-(a * c0 ** (b - 1.0) + lam) * y)
        out = np.where(one_b < 1e-9, first, dec)
    return np.clip(out, 0.0, c0)


def test_terms_hand_computed():
    # first order: C0 ((1 − f)(1 − L))ᵗ = 2 · (0.5 · 0.9)² = 0.405
    t = md.concentration_terms(2.0, "first_order", fraction=0.5, loss_frac_per_yr=0.1)
    assert float(t["keep"]) == pytest.approx(0.45)
    assert float(md.concentration_from_terms(t, 2)) == pytest.approx(0.405)
    # zero order with L = 0.1, d = 0.5: C* = −0.5 · 0.9 / 0.1 = −4.5; C1 = −4.5 + 9.5 · 0.9 = 4.05 = (5 − 0.5) · 0.9
    t = md.concentration_terms(5.0, "zero_order", removal_mg_kg_yr=0.5, loss_frac_per_yr=0.1)
    assert float(t["star"]) == pytest.approx(-4.5)
    assert float(md.concentration_from_terms(t, 1)) == pytest.approx(4.05)
    # without loss: 5 − 0.5 t, never below 0
    t = md.concentration_terms(5.0, "zero_order", removal_mg_kg_yr=0.5)
    assert "star" not in t                                   # the loss branch is not needed
    assert [float(md.concentration_from_terms(t, y)) for y in (0, 4, 20)] == [5.0, 3.0, 0.0]
    # declining, b = 0.5, a = 0.1, no loss: √C = √4 − 0.5 · 0.1 · t → t = 10: (2 − 0.5)² = 2.25
    t = md.concentration_terms(4.0, "declining", rate=0.1, exponent=0.5)
    assert float(md.concentration_from_terms(t, 10)) == pytest.approx(2.25)
    # b = 1: exponential decay C0 e^(−a t)
    t = md.concentration_terms(4.0, "declining", rate=0.1, exponent=1.0)
    assert float(md.concentration_from_terms(t, 10)) == pytest.approx(4.0 * np.exp(-1.0))
    with pytest.raises(ValueError, match="unknown model"):
        md.concentration_terms(1.0, "linear")


@pytest.mark.parametrize("loss", [0.0, 0.03, "mixed"])
def test_terms_equal_one_call_bit_for_bit(loss):
    rng = np.random.default_rng(7)
    rows, draws = 40, 30
    c0 = rng.uniform(0.1, 5.0, (rows, 1))
    c0[3] = np.nan
    f = rng.uniform(-0.1, 1.1, (rows, draws))
    f[5, :4] = np.nan
    d = rng.uniform(-0.01, 0.4, (rows, draws))
    a = rng.uniform(0.0, 0.3, (rows, draws))
    b = rng.uniform(-0.2, 1.2, (rows, draws))
    b[7] = 1.0
    b[8] = 0.0
    L = rng.choice([0.0, 0.05], (rows, 1)) if loss == "mixed" else loss
    for model, kw in (("first_order", dict(fraction=f)), ("zero_order", dict(removal_mg_kg_yr=d)),
                      ("declining", dict(rate=a, exponent=b))):
        terms = md.concentration_terms(c0, model, loss_frac_per_yr=L, **kw)
        for yr in range(0, 21):
            got = md.concentration_from_terms(terms, float(yr))
            ref = _reference(c0, float(yr), model, loss_frac_per_yr=L, **kw)
            assert got.shape == ref.shape
            assert np.array_equal(got, ref, equal_nan=True), (model, yr)
            assert np.array_equal(np.signbit(got), np.signbit(ref))
            assert np.array_equal(md.concentration_after(c0, float(yr), model, loss_frac_per_yr=L, **kw), ref,
                                  equal_nan=True)
        # a row of years at once (typical trajectories)
        yrs = np.arange(21.0)[None, :]
        c0_t, kw_t = c0[:, :1], {k: v[:, :1] for k, v in kw.items()}
        assert np.array_equal(md.concentration_from_terms(md.concentration_terms(c0_t, model, loss_frac_per_yr=L,
                                                                                 **kw_t), yrs),
                              _reference(c0_t, yrs, model, loss_frac_per_yr=L, **kw_t), equal_nan=True)


def test_model_terms_equal_concentration_by_model():
    rng = np.random.default_rng(3)
    rows, draws = 12, 25
    model = np.array(["bcf", "shoot_conc", "declining_bcf", "removal_rate", "fraction", "removal_rate_soil",
                      "none", "bcf", "declining_bcf", "shoot_conc", "fraction", "bcf"], dtype=object)[:, None]
    c0 = rng.uniform(0.2, 3.0, (rows, 1))
    mass = np.full((rows, 1), 2600.0)
    p = {k: rng.uniform(lo, hi, (rows, draws)) for k, lo, hi in (
        ("Y", 1, 10), ("h", 0, 0.2), ("bcf", 1, 50), ("s", 1, 2), ("fr", 0, 0.2), ("rr", 10, 300),
        ("rcref", 0.5, 2), ("sref", 10, 100), ("cref", 0.5, 2), ("b", 0.2, 1.0), ("cs", 10, 200))}
    st = md.removal_state(p, c0, mass, model)
    for loss in (0.0, 0.02):
        terms = md.model_terms(st, c0, model, loss, p)
        for yr in (0.0, 1.0, 7.0, 20.0):
            got = md.concentration_from_model_terms(terms, yr)
            ref = md.concentration_by_model(st, c0, model, yr, loss, p)
            assert np.array_equal(got, ref, equal_nan=True)
            assert np.isnan(got[6]).all() and not np.isnan(got[0]).any()   # row of no model: NaN
    # the first-order rows by hand: C0 (1 − f)ᵗ with f of removal_state
    got = md.concentration_from_model_terms(md.model_terms(st, c0, model, 0.0, p), 3.0)
    assert got[4, 0] == pytest.approx(c0[4, 0] * (1 - st["f_first"][4, 0]) ** 3)


def test_removal_rates_and_years_from_rates_equal_the_full_state():
    rng = np.random.default_rng(11)
    rows, draws = 12, 20
    model = np.array(["bcf", "shoot_conc", "declining_bcf", "removal_rate", "fraction", "removal_rate_soil",
                      "none", "bcf", "declining_bcf", "shoot_conc", "fraction", "removal_rate_soil"],
                     dtype=object)[:, None]
    c0 = rng.uniform(0.5, 3.0, (rows, 1))
    ct = np.full((rows, 1), 0.3)
    mass = np.full((rows, 1), 2600.0)
    p = {k: rng.uniform(lo, hi, (rows, draws)) for k, lo, hi in (
        ("Y", 1, 10), ("h", 0, 0.2), ("bcf", 1, 50), ("s", 1, 2), ("fr", 0, 0.2), ("rr", 10, 300),
        ("rcref", 0.5, 2), ("sref", 10, 100), ("cref", 0.5, 2), ("b", 0.2, 0.9), ("cs", 10, 200))}
    rates = md.removal_rates(p, mass, model)
    st = md.removal_state(p, c0, mass, model)
    assert set(rates) == {"f_first", "rate", "zero_d"}
    for k in rates:
        assert np.array_equal(rates[k], st[k], equal_nan=True)
    # by hand: zero order with a constant shoot concentration, d = Y (1 − h) C_s / M
    assert rates["zero_d"][1, 0] == pytest.approx(p["Y"][1, 0] * (1 - p["h"][1, 0]) * p["cs"][1, 0] / 2600.0)
    # removal_rate_soil: f = R / (C_ref M)
    assert rates["f_first"][5, 0] == pytest.approx(p["rr"][5, 0] / (p["rcref"][5, 0] * 2600.0))
    for loss in (0.0, 0.02):
        years, _ = md.years_by_model(p, c0, ct, mass, model, loss)
        assert np.array_equal(md.years_from_rates(rates, p, c0, ct, mass, model, loss), years, equal_nan=True)
    # first order by hand: n = ln(Ct/C0) / ln(1 − f)
    y = md.years_from_rates(rates, p, c0, ct, mass, model, 0.0)
    assert y[0, 0] == pytest.approx(np.log(0.3 / c0[0, 0]) / np.log(1 - rates["f_first"][0, 0]))
    assert np.isnan(y[6]).all()
