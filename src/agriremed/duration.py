"""How long clean-up takes, and how often the crop is safe meanwhile.

Removal options (phytoextraction, phytomanagement) lower the soil metal; their outcome
is the number of years until the soil reaches the target concentration. The removal
model of each option is ``removal_model`` in ``options.csv``:

``shoot_conc`` — zero order (constant shoot concentration C_s and yield Y):
    t = (C0 − Ct) · M / (Y · C_s)                         (Zhao et al. 2003, SUMATECS 2008)
``removal_rate`` — zero order with a published removal R [g ha⁻¹ yr⁻¹]:
    t = (C0 − Ct) · M / R
``bcf`` — first order (constant bioconcentration factor, C_s = BCF · C):
    f = Y · BCF / M per season,  C_n = C0 (1 − f)ⁿ,  n = ln(Ct/C0) / ln(1 − f)
``fraction`` — first order with a measured fractional removal f per season.
``declining_bcf`` — shoot concentration log-linear in soil concentration with slope
    b < 1 (log C_s = log C_ref,s + b · log(C/C_ref)), so the BCF falls as the soil gets
    richer (Zhao, Lombi & McGrath 2003). With a = Y · C_ref,s · C_ref⁻ᵇ / M,
    dC/dt = −a Cᵇ and t = (C0¹⁻ᵇ − Ct¹⁻ᵇ) / ((1 − b) a).

Here M is the soil mass of the treated layer [t ha⁻¹] (depth × bulk density), Y the
harvested dry matter [t ha⁻¹ yr⁻¹], concentrations in mg kg⁻¹. Optional terms: a
harvest loss h (share of the shoot left in the field, Y → Y (1 − h)), several seasons a
year for the first-order models (the yearly yield split between them) and a yearly
fractional loss L by leaching or run-off (C → C (1 − L) each year; the discrete
first-order and zero-order solutions stay exact, the declining-BCF solution uses
λ = −ln(1 − L) in the continuous Bernoulli equation). Removal never exceeds the
metal present, and lowering the soil takes at least one harvest, so a positive
duration is never below 1 year.

The target is a concentration per plot × metal (:func:`target_concentrations`): the
GB 15618 screening value, the soil concentration at which the plot's crop meets the
food limit (:func:`safe_soil_concentration`, inverted from the uptake functions), or
the stricter of the two.

Amendments and safe-crop options do not remove metal: their outcome is the
probability that the crop meets the food limit in a season while the option is kept
up (re-applied when its effect ends), :func:`crop_compliance_outcome`, and the share
of seasons over the horizon in which it does, :func:`compliance_by_year`.

References
----------
.. [1] SUMATECS (2008) Final research report, SNOWMAN SN-01/20, Table 6 (zero-order
   clean-up times, 0.25 m, 1.5 g cm⁻³).
.. [2] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43 (shoot metal
   log-linear in soil metal; bioaccumulation factor falling with soil metal).
.. [3] Sedum plumbizincicola field studies (1-ha acid paddy; 8-ha Yunnan field) for the
   declining-BCF parameters (see ``option_parameters.csv``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from . import columns as C
from . import soil as soil_mod
from .options import align_rows, biochar_reduction
from .tables import Tables, load_tables
from .uncertainty import parameter_draws

__all__ = [
    "years_zero_order",
    "years_first_order",
    "years_declining_bcf",
    "bcf_fraction",
    "concentration_after",
    "safe_soil_concentration",
    "target_concentrations",
    "estimate_duration",
    "soil_trajectories",
    "crop_compliance_outcome",
    "compliance_by_year",
    "HORIZONS",
    "REMOVAL_MODELS",
    "TARGETS",
]

#: Horizons [yr] for which the probability of reaching the target is reported.
HORIZONS = (10, 20)

#: Removal models of ``options.csv`` and the option parameters each one needs.
REMOVAL_MODELS = {
    "shoot_conc": ("shoot_conc_mg_kg",),
    "removal_rate": ("removal_g_ha_yr",),
    "bcf": ("bcf",),
    "fraction": ("removal_frac_per_yr",),
    "declining_bcf": ("shoot_ref_mg_kg", "soil_ref_mg_kg", "shoot_exponent_b"),
}

#: Clean-up targets: the GB 15618 screening value, the soil concentration at which the
#: crop meets the food limit, or the lower of the two.
TARGETS = ("screening", "food_limit", "strictest")

_BIG = 1e9  # stands in for "never" inside percentile arithmetic


def _keep_q(loss_frac_per_yr):
    """Share of the metal kept each year by the other-loss term, 1 − L (0 ≤ L < 1)."""
    return 1.0 - np.clip(np.asarray(loss_frac_per_yr, float), 0.0, 1.0 - 1e-12)


def _at_least_one_harvest(years, c0, ct):
    return np.where(np.asarray(c0, float) <= np.asarray(ct, float), 0.0, np.maximum(years, 1.0))


def years_zero_order(c0, ct, soil_mass_t_ha, biomass_t_ha_yr, shoot_mg_kg, loss_frac_per_yr=0.0):
    """Years to lower soil metal from ``c0`` to ``ct`` at constant removal.

    Parameters
    ----------
    c0, ct : array_like
        Initial and target soil concentration [mg kg⁻¹].
    soil_mass_t_ha : array_like
        Soil mass of the treated layer [t ha⁻¹].
    biomass_t_ha_yr : array_like
        Harvested dry matter [t ha⁻¹ yr⁻¹] (pass 1 and the removal in ``shoot_mg_kg``
        to use a published removal in g ha⁻¹ yr⁻¹).
    shoot_mg_kg : array_like
        Metal in harvested biomass [mg kg⁻¹].
    loss_frac_per_yr : array_like
        Other yearly loss L (leaching, run-off) as a share of the soil metal [–].

    Returns
    -------
    numpy.ndarray
        Years [yr]; 0 where ``c0 ≤ ct``; ``inf`` where nothing is removed; at least 1
        otherwise (lowering the soil takes at least one harvest). With L > 0 each year
        is C → (C − Δ)(1 − L), Δ = Y·C_s/M, solved exactly:
        n = ln((Ct − C*)/(C0 − C*)) / ln(1 − L), C* = −Δ(1 − L)/L.

    References
    ----------
    .. [1] SUMATECS (2008) Table 6; Zhao et al. (2003).

    Examples
    --------
    SUMATECS (2008), Noccaea caerulescens, Hammer & Keller 2003 (Cd 5 → 2 mg kg⁻¹):

    >>> round(float(years_zero_order(5, 2, 3750, 2.1, 257)), 1)
    20.8
    """
    c0, ct = np.asarray(c0, float), np.asarray(ct, float)
    removal = np.asarray(biomass_t_ha_yr, float) * np.asarray(shoot_mg_kg, float)  # g/ha/yr
    mass = np.asarray(soil_mass_t_ha, float)
    q = _keep_q(loss_frac_per_yr)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_plain = np.where(removal > 0, (c0 - ct) * mass / removal, np.inf)
        delta = np.maximum(removal, 0.0) / mass
        star = -delta * q / (1.0 - q)
        t_loss = np.log((ct - star) / (c0 - star)) / np.log(q)
    t = np.where(q < 1.0, t_loss, t_plain)
    return _at_least_one_harvest(t, c0, ct)


def bcf_fraction(biomass_t_ha_yr, bcf, soil_mass_t_ha, harvest_loss_frac=0.0, seasons_per_yr=1):
    """Fraction of the soil metal removed per year at a constant BCF.

    Parameters
    ----------
    biomass_t_ha_yr : array_like
        Harvested dry matter [t ha⁻¹ yr⁻¹].
    bcf : array_like
        Shoot / soil concentration ratio [–].
    soil_mass_t_ha : array_like
        Soil mass of the treated layer [t ha⁻¹].
    harvest_loss_frac : array_like
        Share of the shoot not removed from the field h [–].
    seasons_per_yr : array_like
        Harvests a year s; the yearly yield is split between them [yr⁻¹].

    Returns
    -------
    numpy.ndarray
        Yearly fraction 1 − (1 − f_s)ˢ with f_s = min(1, Y (1 − h) · BCF / (s · M)) [–].

    Examples
    --------
    >>> round(float(bcf_fraction(3, 100, 2600)), 4)   # 3 t/ha, BCF 100, 0.2 m × 1.3
    0.1154
    >>> round(float(bcf_fraction(3, 100, 2600, seasons_per_yr=2)), 4)
    0.1121
    """
    s = np.maximum(np.asarray(seasons_per_yr, float), 1.0)
    y = np.asarray(biomass_t_ha_yr, float) * (1.0 - np.asarray(harvest_loss_frac, float))
    f = np.minimum(y * np.asarray(bcf, float) / (s * np.asarray(soil_mass_t_ha, float)), 1.0)
    return 1.0 - (1.0 - f) ** s


def years_first_order(c0, ct, fraction_per_yr, loss_frac_per_yr=0.0):
    """Years to lower soil metal from ``c0`` to ``ct`` removing a constant fraction.

    Parameters
    ----------
    c0, ct : array_like
        Initial and target soil concentration [mg kg⁻¹].
    fraction_per_yr : array_like
        Fraction of the remaining metal removed by harvests each year [–], 0 ≤ f ≤ 1.
    loss_frac_per_yr : array_like
        Other yearly loss L [–].

    Returns
    -------
    numpy.ndarray
        n = ln(Ct/C0) / ln((1 − f)(1 − L)) [yr]; 0 where ``c0 ≤ ct``; ``inf`` where
        nothing is lost; at least 1 otherwise (lowering the soil takes at least one
        harvest).

    Examples
    --------
    >>> round(float(years_first_order(1.0, 0.5, 0.1154)), 2)
    5.65
    """
    c0, ct = np.asarray(c0, float), np.asarray(ct, float)
    f = np.clip(np.asarray(fraction_per_yr, float), 0.0, 1.0)
    keep = (1.0 - f) * _keep_q(loss_frac_per_yr)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.log(ct / c0) / np.log(keep)
    n = np.where(keep <= 0.0, 1.0, np.where(keep >= 1.0, np.inf, n))
    n = np.where(np.isnan(np.asarray(fraction_per_yr, float)), np.nan, n)
    return _at_least_one_harvest(n, c0, ct)


def _declining_rate(biomass_t_ha_yr, shoot_ref_mg_kg, soil_ref_mg_kg, b, soil_mass_t_ha):
    """a = Y · C_ref,s · C_ref⁻ᵇ / M of dC/dt = −a Cᵇ [mg¹⁻ᵇ kg⁻⁽¹⁻ᵇ⁾ yr⁻¹]."""
    return (np.asarray(biomass_t_ha_yr, float) * np.asarray(shoot_ref_mg_kg, float)
            * np.asarray(soil_ref_mg_kg, float) ** (-np.asarray(b, float))
            / np.asarray(soil_mass_t_ha, float))


def years_declining_bcf(c0, ct, soil_mass_t_ha, biomass_t_ha_yr, shoot_ref_mg_kg, soil_ref_mg_kg,
                        shoot_exponent_b, loss_frac_per_yr=0.0):
    """Years to target when shoot metal is log-linear in soil metal (BCF falls with C).

    Parameters
    ----------
    c0, ct : array_like
        Initial and target soil concentration [mg kg⁻¹].
    soil_mass_t_ha : array_like
        Soil mass of the treated layer [t ha⁻¹].
    biomass_t_ha_yr : array_like
        Harvested dry matter [t ha⁻¹ yr⁻¹].
    shoot_ref_mg_kg : array_like
        Shoot concentration at the reference soil concentration [mg kg⁻¹].
    soil_ref_mg_kg : array_like
        Reference soil concentration [mg kg⁻¹].
    shoot_exponent_b : array_like
        Slope b of log C_shoot on log C_soil [–], 0 ≤ b < 1 (b ≥ 1 is treated as
        first order with the BCF at ``c0``).
    loss_frac_per_yr : array_like
        Other yearly loss L [–].

    Returns
    -------
    numpy.ndarray
        t = ln((u0 + a/λ)/(ut + a/λ)) / ((1 − b) λ) with u = C¹⁻ᵇ and λ = −ln(1 − L),
        or (u0 − ut)/((1 − b) a) without other losses [yr]; 0 where ``c0 ≤ ct``, at
        least 1 otherwise.

    References
    ----------
    .. [1] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43 (form).

    Examples
    --------
    Sedum plumbizincicola, 0.86 → 0.3 mg kg⁻¹ in 2240 t ha⁻¹ of soil, 3.26 t ha⁻¹ yr⁻¹:

    >>> round(float(years_declining_bcf(0.86, 0.3, 2240, 3.26, 109.3, 1.244, 0.614)), 2)
    5.87
    """
    c0, ct = np.asarray(c0, float), np.asarray(ct, float)
    b = np.clip(np.asarray(shoot_exponent_b, float), 0.0, 1.0)
    a = _declining_rate(biomass_t_ha_yr, shoot_ref_mg_kg, soil_ref_mg_kg, b, soil_mass_t_ha)
    lam = -np.log(_keep_q(loss_frac_per_yr))
    one_b = 1.0 - b
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u0, ut = c0 ** one_b, np.maximum(ct, 0.0) ** one_b
        t_plain = np.where(a > 0, (u0 - ut) / (one_b * a), np.inf)
        t_loss = np.log((u0 + a / lam) / (ut + a / lam)) / (one_b * lam)
        t_first = np.log(c0 / ct) / (a * c0 ** (b - 1.0) + lam)       # b = 1: exponential decay
    t = np.where(one_b < 1e-9, t_first, np.where(lam > 0, t_loss, t_plain))
    return _at_least_one_harvest(t, c0, ct)


def concentration_after(c0, years, model, fraction=None, removal_mg_kg_yr=None, loss_frac_per_yr=0.0,
                        rate=None, exponent=None):
    """Soil concentration after ``years`` of removal.

    Parameters
    ----------
    c0 : array_like
        Initial concentration [mg kg⁻¹].
    years : array_like
        Elapsed years [yr].
    model : {"first_order", "zero_order", "declining"}
        Removal model.
    fraction : array_like, optional
        Fraction removed per year (first order) [–].
    removal_mg_kg_yr : array_like, optional
        Concentration decrease per year (zero order) [mg kg⁻¹ yr⁻¹].
    loss_frac_per_yr : array_like
        Other yearly loss L [–].
    rate, exponent : array_like, optional
        a and b of the declining-BCF model dC/dt = −a Cᵇ (see
        :func:`years_declining_bcf`).

    Returns
    -------
    numpy.ndarray
        Concentration [mg kg⁻¹], never below 0 and never above ``c0``.

    Examples
    --------
    >>> float(concentration_after(1.0, 2, "first_order", fraction=0.5))
    0.25
    """
    c0 = np.asarray(c0, float)
    y = np.asarray(years, float)
    q = _keep_q(loss_frac_per_yr)
    if model == "first_order":
        out = c0 * ((1.0 - np.clip(np.asarray(fraction, float), 0.0, 1.0)) * q) ** y
    elif model == "zero_order":
        d = np.maximum(np.asarray(removal_mg_kg_yr, float), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            star = -d * q / (1.0 - q)
            with_loss = star + (c0 - star) * q ** y
        out = np.where(q < 1.0, with_loss, c0 - d * y)
    elif model == "declining":
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
    else:
        raise ValueError(f"unknown model {model!r}; expected first_order, zero_order or declining")
    return np.clip(out, 0.0, c0)


# ----------------------------------------------------------------------------- targets
def _metal_columns(plots: pd.DataFrame, metal: str) -> list[str]:
    names = [C.metal_column(metal)] + [C.metal_column(metal, ex) for ex in C.EXTRACTIONS]
    return [c for c in names if c in plots.columns]


def _scaled(plots: pd.DataFrame, metal: str, scale) -> pd.DataFrame:
    """Plots with every measure of ``metal`` (total and extractable) multiplied by ``scale``."""
    out = plots.copy()
    for c in _metal_columns(plots, metal):
        out[c] = plots[c].to_numpy(float) * np.asarray(scale, float)
    return out


def _p_comply_one_metal(plots: pd.DataFrame, crops, metal: str, food_standard: str, tables: Tables):
    """P(crop meets the food limit for ``metal``) per plot (NaN: no prediction or no limit)."""
    from .uptake import food_safety, predict_crop_concentration

    pred = predict_crop_concentration(plots, crop=crops, metals=[metal], tables=tables)
    out = np.full(len(plots), np.nan)
    if pred.empty:
        return out
    chk = food_safety(pred, food_standard, tables)
    p = pd.Series(1.0 - chk["p_exceed_limit"].to_numpy(float), index=chk["plot_id"].to_numpy(object))
    return p.reindex(plots["plot_id"].to_numpy(object)).to_numpy(float)


def safe_soil_concentration(plots: pd.DataFrame, metal: str, crop=None, food_standard: str = "GB2762",
                            tables: Tables | None = None, compliance_prob: float = 0.5,
                            log10_range=(-4.0, 3.0), iterations: int = 40) -> np.ndarray:
    """Soil concentration at which the crop meets the food limit with a given probability.

    The uptake functions of :mod:`agriremed.uptake` are inverted numerically: every
    measure of the metal in the plot (total and extractable, which are assumed to scale
    together) is multiplied by a factor s, and s is found by bisection in log10 space so
    that P(crop ≤ limit) = ``compliance_prob``. Other soil properties stay as measured.

    Parameters
    ----------
    plots : pandas.DataFrame
        Validated plots (the soil metal columns of ``metal`` [mg kg⁻¹], ``ph`` …).
    metal : str
        Metal code.
    crop : str or array_like of str, optional
        Crop grown on each plot (default: the plot's ``crop``).
    food_standard : str
        Food-limit set.
    tables : Tables, optional
        Literature tables.
    compliance_prob : float
        Probability that the crop meets the limit at the returned concentration [–]
        (0.5: the median prediction equals the limit).
    log10_range : tuple of float
        Search range of log10 s.
    iterations : int
        Bisection steps.

    Returns
    -------
    numpy.ndarray
        Total soil concentration [mg kg⁻¹]; ``inf`` where the crop complies even at the
        top of the range; 0 where it fails even at the bottom (lowering the soil alone
        cannot make it safe); NaN where the metal is not measured, the crop has no
        uptake function or no limit applies.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"plot_id": ["a"], "land_use": ["paddy"], "crop": ["rice"], "ph": [6.0],
    ...                   "cd_mg_kg": [0.5], "region": [""]})
    >>> round(float(safe_soil_concentration(p, "cd")[0]), 3)    # 0.2 / 0.915 (national rice BCF)
    0.219
    """
    tables = tables or load_tables()
    col = C.metal_column(metal)
    n = len(plots)
    if col not in plots.columns or n == 0:
        return np.full(n, np.nan)
    c0 = plots[col].to_numpy(float)
    crops = plots["crop"].to_numpy(object) if crop is None else crop

    def p_at(log_s):
        return _p_comply_one_metal(_scaled(plots, metal, 10.0 ** log_s), crops, metal, food_standard, tables)

    lo = np.full(n, float(log10_range[0]))
    hi = np.full(n, float(log10_range[1]))
    p_lo, p_hi = p_at(lo), p_at(hi)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        ok = p_at(mid) >= compliance_prob
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    out = c0 * 10.0 ** (0.5 * (lo + hi))
    out = np.where(p_hi >= compliance_prob, np.inf, out)
    out = np.where(p_lo < compliance_prob, 0.0, out)
    return np.where(np.isnan(p_lo) | np.isnan(c0) | (c0 <= 0), np.nan, out)


def target_concentrations(plots: pd.DataFrame, screened: pd.DataFrame, tables: Tables | None = None,
                          target: str = "screening", food_standard: str = "GB2762",
                          compliance_prob: float = 0.5) -> pd.DataFrame:
    """Clean-up target of every plot × metal.

    Parameters
    ----------
    plots : pandas.DataFrame
        Validated plots.
    screened : pandas.DataFrame
        Output of :func:`agriremed.soil.screen` (``screening_mg_kg`` per plot × metal).
    tables : Tables, optional
        Literature tables.
    target : {"screening", "food_limit", "strictest"}
        ``screening``: the GB 15618 screening value for the plot's pH and land use;
        ``food_limit``: the soil concentration at which the plot's current crop meets
        the food limit with probability ``compliance_prob`` (:func:`safe_soil_concentration`),
        falling back to the screening value where the crop has no uptake function or
        limit; ``strictest``: the lower of the two.
    food_standard : str
        Food-limit set.
    compliance_prob : float
        See :func:`safe_soil_concentration` [–].

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``metal``, ``target_mg_kg`` [mg kg⁻¹] and ``target_basis``
        (``screening`` or ``food_limit``).

    References
    ----------
    .. [1] MEE & SAMR (2018) GB 15618-2018, Table 1 (screening values).
    """
    if target not in TARGETS:
        raise ValueError(f"target {target!r} is not one of {', '.join(TARGETS)}")
    out = screened[["plot_id", "metal"]].copy()
    scr = screened["screening_mg_kg"].to_numpy(float)
    out["target_mg_kg"] = scr
    out["target_basis"] = "screening"
    if target == "screening":
        return out.reset_index(drop=True)
    tables = tables or load_tables()
    food = np.full(len(out), np.nan)
    for metal in out["metal"].unique():
        sel = (out["metal"] == metal).to_numpy()
        pl = plots.set_index("plot_id").reindex(out.loc[sel, "plot_id"].to_numpy(object)).reset_index()
        food[sel] = safe_soil_concentration(pl, metal, None, food_standard, tables, compliance_prob)
    have = ~np.isnan(food)
    use_food = have if target == "food_limit" else have & (food < scr)
    out["target_mg_kg"] = np.where(use_food, food, scr)
    out["target_basis"] = np.where(use_food, "food_limit", "screening")
    return out.reset_index(drop=True)


# -------------------------------------------------------------------- removal engine
def _param_matrix(tables: Tables, option_ids, parameter, metals, n_draws, seed):
    """Typical values and draws of one parameter for each (option, metal) row."""
    p = tables.option_parameters
    p = p.loc[p["parameter"] == parameter].copy()
    p["metal"] = p["metal"].fillna("")
    keys = pd.MultiIndex.from_arrays([np.asarray(option_ids, object), np.asarray(metals, object)])
    uniq = p.set_index(["option_id", "metal"])
    typical = uniq["typical"].reindex(keys).to_numpy(float)
    if n_draws == 0:
        return typical, None
    draws_all = parameter_draws(p.reset_index(drop=True), n_draws, seed)
    pos = pd.Series(np.arange(len(p)), index=pd.MultiIndex.from_frame(p[["option_id", "metal"]]))
    ix = pos.reindex(keys).to_numpy(float)
    draws = np.full((len(keys), n_draws), np.nan)
    ok = ~np.isnan(ix)
    draws[ok] = draws_all[ix[ok].astype(int)]
    return typical, draws


_MODEL_PARAMS = {  # parameter name, per metal?, default when absent
    "bcf": ("bcf", True, np.nan), "cs": ("shoot_conc_mg_kg", True, np.nan),
    "fr": ("removal_frac_per_yr", True, np.nan), "rr": ("removal_g_ha_yr", True, np.nan),
    "sref": ("shoot_ref_mg_kg", True, np.nan), "cref": ("soil_ref_mg_kg", True, np.nan),
    "b": ("shoot_exponent_b", True, np.nan), "h": ("harvest_loss_frac", False, 0.0),
    "s": ("seasons_per_yr", False, 1.0),
}


def _removal_inputs(option_rows, plots, screened, biomass, tables, n_draws, seed, biomass_draws, targets):
    """Long table (plot × removal option × target metal) with soil, target and model parameters."""
    opts = tables.options.set_index("option_id")
    rows = option_rows.loc[option_rows["applicable"]]
    rows = rows.loc[rows["option_id"].map(opts["removal_model"]).fillna("none").ne("none")]
    long = rows.assign(metal=rows["target_metals"].str.split("+")).explode("metal")
    long = long.loc[long["metal"].fillna("") != ""]
    key = pd.MultiIndex.from_arrays([long["plot_id"].to_numpy(object), long["metal"].to_numpy(object)])
    scr = screened.set_index(["plot_id", "metal"])
    c0 = scr["conc_mg_kg"].reindex(key).to_numpy(float)
    if targets is None:
        ct = scr["screening_mg_kg"].reindex(key).to_numpy(float)
        basis = np.full(len(long), "screening", dtype=object)
    else:
        tg = targets.set_index(["plot_id", "metal"])
        ct = tg["target_mg_kg"].reindex(key).to_numpy(float)
        basis = tg["target_basis"].reindex(key).to_numpy(object)
    pl = plots.set_index("plot_id").reindex(long["plot_id"].to_numpy(object))
    mass = soil_mod.soil_mass_t_ha(pl["depth_m"] if "depth_m" in pl else np.nan,
                                   pl["bulk_density_g_cm3"] if "bulk_density_g_cm3" in pl else np.nan)
    mass = np.broadcast_to(np.asarray(mass, float), c0.shape).copy()
    oid = long["option_id"].to_numpy(object)
    metal = long["metal"].to_numpy(object)
    none = np.full(len(long), "", dtype=object)
    typ, drw = {}, {}
    for k, (name, by_metal, default) in _MODEL_PARAMS.items():
        t, d = _param_matrix(tables, oid, name, metal if by_metal else none, n_draws, seed)
        typ[k] = np.where(np.isnan(t), default, t)
        if d is not None:
            drw[k] = np.where(np.isnan(d), default, d)
    row_pos = pd.Series(np.arange(len(option_rows)),
                        index=pd.MultiIndex.from_frame(option_rows[["plot_id", "option_id"]]))
    lpos = row_pos.reindex(pd.MultiIndex.from_arrays([long["plot_id"].to_numpy(object), oid])).to_numpy(int)
    bio = biomass.set_index(["plot_id", "option_id"])["biomass_t_dm_ha_yr"].reindex(row_pos.index)
    bio = bio.to_numpy(float)
    typ["Y"] = bio[lpos]
    if n_draws:
        if biomass_draws is None:
            raise ValueError("biomass_draws are needed when n_draws > 0")
        drw["Y"] = biomass_draws[lpos]
    return dict(long=long, c0=c0, ct=ct, basis=basis, mass=mass, oid=oid, metal=metal,
                model=long["option_id"].map(opts["removal_model"]).to_numpy(object),
                kind=long["option_id"].map(opts["kind"]).to_numpy(object), typ=typ, drw=drw)


def _removal_state(p, c0, mass, model):
    """Per-year quantities of every removal model (arrays broadcast over rows × draws)."""
    Y = p["Y"] * (1.0 - p["h"])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f_bcf = bcf_fraction(p["Y"], p["bcf"], mass, p["h"], p["s"])
        f_fr = 1.0 - (1.0 - np.clip(p["fr"], 0.0, 1.0)) ** np.maximum(p["s"], 1.0)
        shoot_dec = p["sref"] * (c0 / p["cref"]) ** p["b"]
        removal = np.select(
            [model == "bcf", model == "shoot_conc", model == "declining_bcf", model == "removal_rate",
             model == "fraction"],
            [f_bcf * c0 * mass, Y * p["cs"], Y * shoot_dec, p["rr"], f_fr * c0 * mass],
            np.nan)                                     # g/ha in year 1
        removal = np.minimum(removal, c0 * mass)        # never more than the soil holds
        shoot = np.select([model == "bcf", model == "shoot_conc", model == "declining_bcf"],
                          [p["bcf"] * c0, p["cs"], shoot_dec], removal / Y)
        frac = removal / (c0 * mass)
        rate = _declining_rate(Y, p["sref"], p["cref"], p["b"], mass)
    return dict(removal=removal, shoot=shoot, frac=frac, f_first=np.where(model == "bcf", f_bcf, f_fr),
                rate=rate, zero_d=np.where(model == "shoot_conc", Y * p["cs"], p["rr"]) / mass)


def _years(p, c0, ct, mass, model, loss):
    st = _removal_state(p, c0, mass, model)
    first = years_first_order(c0, ct, st["f_first"], loss)
    zero = years_zero_order(c0, ct, mass, 1.0, st["zero_d"] * mass, loss)
    dec = years_declining_bcf(c0, ct, mass, p["Y"] * (1.0 - p["h"]), p["sref"], p["cref"], p["b"], loss)
    years = np.select([np.isin(model, ["bcf", "fraction"]), np.isin(model, ["shoot_conc", "removal_rate"]),
                       model == "declining_bcf"], [first, zero, dec], np.nan)
    return years, st


def _conc(st, c0, model, t, loss, p):
    """Soil concentration after t years of cropping [mg kg⁻¹]."""
    first = concentration_after(c0, t, "first_order", fraction=st["f_first"], loss_frac_per_yr=loss)
    zero = concentration_after(c0, t, "zero_order", removal_mg_kg_yr=st["zero_d"], loss_frac_per_yr=loss)
    dec = concentration_after(c0, t, "declining", rate=st["rate"], exponent=p["b"], loss_frac_per_yr=loss)
    return np.select([np.isin(model, ["bcf", "fraction"]), np.isin(model, ["shoot_conc", "removal_rate"]),
                      model == "declining_bcf"], [first, zero, dec], np.nan)


def _col(a):
    return np.asarray(a)[:, None]


def estimate_duration(option_rows: pd.DataFrame, plots: pd.DataFrame, screened: pd.DataFrame,
                      biomass: pd.DataFrame, tables: Tables | None = None, n_draws: int = 0, seed: int = 0,
                      horizon_yr: int = 20, biomass_draws: np.ndarray | None = None,
                      targets: pd.DataFrame | None = None, other_loss_frac_per_yr: float = 0.0
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Years to target for every applicable removal option, per metal and overall.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots (``depth_m`` [m], ``bulk_density_g_cm3`` [g cm⁻³]).
    screened : pandas.DataFrame
        Output of :func:`agriremed.soil.screen` (``conc_mg_kg`` and
        ``screening_mg_kg`` per plot × metal).
    biomass : pandas.DataFrame
        Output of :func:`agriremed.biomass.harvested_biomass` (``biomass_t_dm_ha_yr``
        per plot × option) [t ha⁻¹ yr⁻¹].
    tables : Tables, optional
        Literature tables.
    n_draws : int
        Monte Carlo draws (0: deterministic only).
    seed : int
        Seed of the draws.
    horizon_yr : int
        Planning horizon for the mass removed [yr].
    biomass_draws : numpy.ndarray, optional
        Biomass draws row-aligned with ``option_rows`` (from
        :func:`agriremed.biomass.harvested_biomass`), needed when ``n_draws > 0``.
    targets : pandas.DataFrame, optional
        Output of :func:`target_concentrations`; default: the screening values.
    other_loss_frac_per_yr : float
        Yearly loss of soil metal other than harvest (leaching, run-off) [–]; default 0.

    Returns
    -------
    by_metal : pandas.DataFrame
        One row per plot × option × target metal: ``conc_mg_kg``, ``target_mg_kg``,
        ``target_basis``, ``shoot_mg_kg`` (metal in harvested biomass, year 1)
        [mg kg⁻¹], ``removal_g_ha_yr`` (first year) [g ha⁻¹ yr⁻¹], ``fraction_per_yr``
        [–], ``years_to_target`` [yr], ``removed_g_ha`` (removed by harvest and other
        losses within the horizon, never beyond the target) [g ha⁻¹], ``needed_g_ha``
        and, with draws, ``years_p10/p50/p90`` and ``p_target_10yr``/``p_target_20yr`` [–].
    overall : pandas.DataFrame
        One row per plot × option (all rows of ``option_rows``): the slowest target
        metal decides (years = max over metals, draw by draw). Removal options without
        a removal model (uptake not confirmed) and options that do not remove metal
        never reach the target (``inf``) when a metal exceeds.

    Examples
    --------
    >>> from agriremed import biomass, options, soil
    >>> from agriremed.validate import validate_plots
    >>> import pandas as pd
    >>> p = validate_plots(pd.DataFrame({"plot_id": ["a"], "land_use": ["paddy"], "crop": ["rice"],
    ...     "ph": [5.0], "area_ha": [1.0], "cd_mg_kg": [0.9], "depth_m": [0.2],
    ...     "bulk_density_g_cm3": [1.2], "mean_temp_c": [17.0]})).plots
    >>> s = soil.screen(p)
    >>> rows = options.evaluate_options(p, soil.plot_classes(s, p["plot_id"]))
    >>> bio, _ = biomass.harvested_biomass(rows)
    >>> _, overall = estimate_duration(rows, p, s, bio)
    >>> round(float(overall.set_index("option_id").loc["sedum_plumbizincicola", "years_to_target"]), 1)
    6.6
    """
    tables = tables or load_tables()
    r = _removal_inputs(option_rows, plots, screened, biomass, tables, n_draws, seed, biomass_draws, targets)
    long, c0, ct, mass, model = r["long"], r["c0"], r["ct"], r["mass"], r["model"]
    loss = float(other_loss_frac_per_yr)
    years, st = _years(r["typ"], c0, ct, mass, model, loss)
    c_h = _conc(st, c0, model, horizon_yr, loss, r["typ"])
    removed = (c0 - np.maximum(ct, c_h)) * mass  # g/ha over the horizon (stops at the target)
    by_metal = pd.DataFrame({
        "plot_id": long["plot_id"].to_numpy(object), "option_id": r["oid"], "metal": r["metal"],
        "conc_mg_kg": c0, "target_mg_kg": ct, "target_basis": r["basis"], "shoot_mg_kg": st["shoot"],
        "removal_g_ha_yr": st["removal"], "fraction_per_yr": st["frac"], "years_to_target": years,
        "removed_g_ha": np.maximum(removed, 0.0), "needed_g_ha": np.maximum(c0 - ct, 0.0) * mass,
    })
    draws_years = None
    if n_draws:  # the columns exist even when no plot has a removal option
        for c in ("years_p10", "years_p50", "years_p90", *(f"p_target_{h}yr" for h in HORIZONS)):
            by_metal[c] = np.nan
    if n_draws and len(long):
        draws_years, _ = _years(r["drw"], _col(c0), _col(ct), _col(mass), _col(model), loss)
        q = np.nanpercentile(np.where(np.isinf(draws_years), _BIG, draws_years), [10, 50, 90], axis=1)
        q = np.where(q >= _BIG, np.inf, q)
        by_metal["years_p10"], by_metal["years_p50"], by_metal["years_p90"] = q
        for h in HORIZONS:
            reached = np.where(np.isnan(draws_years), np.nan, draws_years <= h)
            by_metal[f"p_target_{h}yr"] = reached.mean(axis=1)

    # ---- overall per plot × option: slowest metal, draw by draw --------------------
    overall = option_rows[["plot_id", "option_id"]].copy()
    if len(by_metal):
        g = by_metal.groupby(["plot_id", "option_id"], sort=False)
        agg = g.agg(years_to_target=("years_to_target", "max"))
        slowest = by_metal.loc[_slowest_index(by_metal)]
        sl = slowest.set_index(["plot_id", "option_id"])
        for c in ("target_mg_kg", "target_basis", "removal_g_ha_yr", "removed_g_ha", "needed_g_ha"):
            agg[c] = sl[c]
        if draws_years is not None:
            grp = pd.DataFrame(np.where(np.isinf(draws_years), _BIG, draws_years))
            grp.index = pd.MultiIndex.from_arrays([by_metal["plot_id"], by_metal["option_id"]])
            mx = grp.groupby(level=[0, 1], sort=False).max().to_numpy()
            q = np.percentile(mx, [10, 50, 90], axis=1)
            q = np.where(q >= _BIG, np.inf, q)
            agg["years_p10"], agg["years_p50"], agg["years_p90"] = q
            for h in HORIZONS:
                agg[f"p_target_{h}yr"] = np.where(np.isnan(mx), np.nan, mx <= h).mean(axis=1)
        overall = overall.merge(agg.reset_index(), on=["plot_id", "option_id"], how="left")
    # options that treat exceeding metals without (confirmed) removal never reach the target
    kinds = option_rows["option_kind"].to_numpy(object)
    applicable = option_rows["applicable"].to_numpy(bool)
    exceeds = option_rows["target_metals"].fillna("").ne("").to_numpy() | \
        option_rows["untreated_metals"].fillna("").ne("").to_numpy()
    model_none = option_rows["option_id"].map(tables.options.set_index("option_id")["removal_model"]) \
        .fillna("none").eq("none").to_numpy()
    for c in ("years_to_target", "years_p10", "years_p50", "years_p90"):
        if c not in overall:
            overall[c] = np.nan
        v = overall[c].to_numpy(float)
        nonremoval = applicable & np.isnan(v) & (np.isin(kinds, ["baseline", "immobilisation", "safe_crop",
                                                                "land_use_change"]) | model_none)
        overall[c] = np.where(nonremoval, np.where(exceeds, np.inf, 0.0), v)
    for h in HORIZONS:
        c = f"p_target_{h}yr"
        if c not in overall:
            overall[c] = np.nan
        v = overall[c].to_numpy(float)
        yrs = overall["years_to_target"].to_numpy(float)
        overall[c] = np.where(np.isnan(v) & applicable & ~np.isnan(yrs), (yrs <= h).astype(float), v)
    for c in ("target_mg_kg", "target_basis", "removal_g_ha_yr", "removed_g_ha", "needed_g_ha"):
        if c not in overall:
            overall[c] = np.nan
    return by_metal, overall


def _slowest_index(by_metal: pd.DataFrame) -> np.ndarray:
    """Index of the slowest metal of each plot × option (NaN years sort last)."""
    y = by_metal["years_to_target"].to_numpy(float)
    key = pd.DataFrame({"p": by_metal["plot_id"].to_numpy(object),
                        "o": by_metal["option_id"].to_numpy(object),
                        "y": np.where(np.isnan(y), -np.inf, y)}, index=by_metal.index)
    return key.sort_values("y", ascending=False, kind="stable").groupby(["p", "o"], sort=False).head(1).index


def soil_trajectories(option_rows: pd.DataFrame, plots: pd.DataFrame, screened: pd.DataFrame,
                      biomass: pd.DataFrame, tables: Tables | None = None, n_draws: int = 0, seed: int = 0,
                      years: int = 20, biomass_draws: np.ndarray | None = None,
                      targets: pd.DataFrame | None = None, other_loss_frac_per_yr: float = 0.0
                      ) -> pd.DataFrame:
    """Soil concentration year by year under every applicable removal option.

    Uses the same models, parameters and Monte Carlo draws as :func:`estimate_duration`.
    A phytoextraction crop stops at its target, so its soil stays at the target from then
    on; a phytomanagement crop goes on for the whole period.

    Parameters
    ----------
    option_rows, plots, screened, biomass, tables, n_draws, seed, biomass_draws, targets,
    other_loss_frac_per_yr
        As in :func:`estimate_duration`.
    years : int
        Last year of the trajectory [yr].

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per plot × option × target metal × year (0…``years``) with
        ``conc_mg_kg`` (typical parameters), ``target_mg_kg`` and, with draws,
        ``conc_p10_mg_kg``, ``conc_p50_mg_kg``, ``conc_p90_mg_kg`` [mg kg⁻¹].
    """
    tables = tables or load_tables()
    r = _removal_inputs(option_rows, plots, screened, biomass, tables, n_draws, seed, biomass_draws, targets)
    long, c0, ct, mass, model = r["long"], r["c0"], r["ct"], r["mass"], r["model"]
    loss = float(other_loss_frac_per_yr)
    t = np.arange(int(years) + 1, dtype=float)
    stops = r["kind"] == "phytoextraction"
    st = _removal_state(r["typ"], c0, mass, model)
    conc = _conc({k: _col(v) for k, v in st.items()}, _col(c0), _col(model), t[None, :], loss,
                 {k: _col(v) for k, v in r["typ"].items()})
    conc = np.where(_col(stops), np.maximum(conc, np.minimum(_col(ct), _col(c0))), conc)
    n, ny = len(long), len(t)
    out = pd.DataFrame({
        "plot_id": np.repeat(long["plot_id"].to_numpy(object), ny),
        "option_id": np.repeat(r["oid"], ny), "metal": np.repeat(r["metal"], ny),
        "year": np.tile(t.astype(int), n), "conc_mg_kg": conc.ravel(),
        "target_mg_kg": np.repeat(ct, ny),
    })
    if n_draws:  # the columns exist even when no plot has a removal option
        out["conc_p10_mg_kg"] = out["conc_p50_mg_kg"] = out["conc_p90_mg_kg"] = np.nan
    if n_draws and n:
        pdraw = r["drw"]
        std = _removal_state(pdraw, _col(c0), _col(mass), _col(model))
        q = np.empty((3, n, ny))
        for j, yr in enumerate(t):
            cd = _conc(std, _col(c0), _col(model), yr, loss, pdraw)
            cd = np.where(_col(stops), np.maximum(cd, _col(np.minimum(ct, c0))), cd)
            q[:, :, j] = np.nanpercentile(cd, [10, 50, 90], axis=1)
        out["conc_p10_mg_kg"], out["conc_p50_mg_kg"], out["conc_p90_mg_kg"] = (q[k].ravel() for k in range(3))
    return out


# ----------------------------------------------------------------- crop compliance
def _reduction_typical_and_draws(tables: Tables, option_id: str, metal: str, n_draws: int, seed: int,
                                 rate_t_ha: float | None = None):
    """Fractional crop-concentration reduction of an option for one metal (typical, draws)."""
    p = tables.option_parameters
    p = p.loc[p["option_id"] == option_id].copy()
    p["metal"] = p["metal"].fillna("")

    def get(name, m=""):
        r = p.loc[(p["parameter"] == name) & (p["metal"] == m)]
        if r.empty:
            return None, None
        d = parameter_draws(r.reset_index(drop=True), n_draws, seed)[0] if n_draws else None
        return float(r["typical"].iloc[0]), d

    red, redd = get("crop_reduction_frac", metal)
    if red is not None:
        return red, redd
    rmax, rmaxd = get("rmax", metal)
    if rmax is None:
        return 0.0, (np.zeros(n_draws) if n_draws else None)
    k, kd = get("k_per_t_ha", metal)
    fac, facd = get("response_factor", metal)
    rate, _ = get("rate_t_ha")
    if rate_t_ha is not None:
        rate = rate_t_ha
    typ = float(biochar_reduction(rate, rmax, k, fac if fac is not None else 1.0))
    d = None
    if n_draws:  # the rate is a decision, not an uncertainty
        d = biochar_reduction(rate, rmaxd, kd, facd if facd is not None else 1.0)
    return typ, d


def _option_reductions(tables, option_id, treats, metals, n_draws, seed, rate_t_ha=None):
    """{metal: (typical, draws)} of an option's crop reduction for the metals it treats."""
    return {m: _reduction_typical_and_draws(tables, option_id, m, n_draws, seed, rate_t_ha)
            for m in metals if m in treats}


def _plot_compliance(pred: pd.DataFrame, reductions: dict, food_standard: str, tables: Tables,
                     n_draws: int) -> pd.Series:
    """P(crop meets every food limit) per plot, averaged over reduction draws.

    Metals are independent; within a draw the probability is the product over metals.
    """
    from .uptake import food_safety

    if pred.empty:
        return pd.Series(dtype=float)
    chk = food_safety(pred, food_standard, tables)
    lim = chk["food_limit_mg_kg"].to_numpy(float)
    fw50 = chk["crop_fw_p50_mg_kg"].to_numpy(float)
    se = chk["se_log10"].to_numpy(float)
    metal = chk["metal"].to_numpy(object)
    nd = max(int(n_draws), 1)
    logp = np.zeros((len(chk), nd))
    for m in np.unique(metal):
        sel = metal == m
        typ, d = reductions.get(m, (0.0, None))
        r = np.asarray(d, float)[None, :] if (n_draws and d is not None) else np.full((1, nd), typ)
        fw = fw50[sel, None] * (1.0 - r)
        with np.errstate(divide="ignore", invalid="ignore"):
            pe = 1.0 - ndtr((np.log10(lim[sel, None]) - np.log10(fw)) / se[sel, None])
        logp[sel] = np.where(np.isnan(pe), 0.0, np.log(np.clip(1.0 - pe, 1e-300, 1.0)))
    pids = chk["plot_id"].to_numpy(object)
    p = np.exp(pd.DataFrame(logp).groupby(pids, sort=False).sum()).mean(axis=1)
    any_lim = pd.Series(~np.isnan(lim)).groupby(pids, sort=False).any()
    return p.where(any_lim.reindex(p.index).fillna(False).astype(bool))


def _treats(o) -> set:
    return set(str(o.treats).split("|")) if isinstance(o.treats, str) and o.treats else set()


def crop_compliance_outcome(option_rows: pd.DataFrame, predictions_by_crop: dict[str, pd.DataFrame],
                            plots: pd.DataFrame, food_standard: str = "GB2762",
                            tables: Tables | None = None, n_draws: int = 0, seed: int = 0,
                            rate_t_ha: float | None = None) -> pd.DataFrame:
    """Probability that the crop grown under each option meets every food limit in a season.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.options.evaluate_options`.
    predictions_by_crop : dict or None
        ``{"current": predictions for the plots' crops, "<crop>": predictions if every
        plot grew <crop>}`` from :func:`agriremed.uptake.predict_crop_concentration`;
        missing entries are computed here.
    plots : pandas.DataFrame
        Validated plots.
    food_standard : str
        Food-limit set.
    tables : Tables, optional
        Literature tables.
    n_draws, seed : int
        Monte Carlo settings (the probability is averaged over reduction draws).
    rate_t_ha : float, optional
        Biochar rate overriding the table's typical rate [t ha⁻¹].

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``crop_compliance_prob`` [–] (at the current soil,
        while the option is kept up; NaN when the option grows no food crop or no limit
        applies), ``food_crop`` (crop grown) and ``effect_duration_yr`` (how long one
        application of an amendment works, after which it is re-applied [yr]; NaN for
        options that are not applied).

    References
    ----------
    .. [1] Cui L. et al. (2011) BioResources 6(3):2605–2618 (biochar dose–response).
    .. [2] Chen H. et al. (2018) Chemosphere 207:699–707 (lime + low-Cd rice, 2-yr effect).
    """
    from .options import parameter_for_rows
    from .uptake import predict_crop_concentration

    tables = tables or load_tables()
    predictions_by_crop = dict(predictions_by_crop or {})
    opts = tables.options.set_index("option_id")
    res = option_rows[["plot_id", "option_id"]].copy()
    food_crop = res["option_id"].map(opts["food_crop"]).to_numpy(object)
    current = plots.set_index("plot_id")["crop"].reindex(res["plot_id"]).to_numpy(object)
    res["food_crop"] = np.where(food_crop == "current", current, np.where(food_crop == "none", "none",
                                                                          food_crop))
    prob = np.full(len(res), np.nan)
    for oid in res["option_id"].unique():
        o = opts.loc[oid]
        sel = (res["option_id"] == oid).to_numpy()
        if o.food_crop == "none":
            continue
        key = "current" if o.food_crop == "current" else o.food_crop
        if key not in predictions_by_crop:
            predictions_by_crop[key] = predict_crop_concentration(
                plots, crop=None if key == "current" else key, tables=tables)
        pred = predictions_by_crop[key]
        if pred.empty:
            continue
        red = _option_reductions(tables, oid, _treats(o), pred["metal"].unique(), n_draws, seed, rate_t_ha)
        p_plot = _plot_compliance(pred, red, food_standard, tables, n_draws)
        prob[sel] = p_plot.reindex(res.loc[sel, "plot_id"]).to_numpy(float)
    res["crop_compliance_prob"] = prob
    res["effect_duration_yr"] = parameter_for_rows(tables, res["option_id"], "effect_duration_yr")
    return res


def compliance_by_year(option_rows: pd.DataFrame, plots: pd.DataFrame, compliance: pd.DataFrame,
                       duration: pd.DataFrame, duration_by_metal: pd.DataFrame | None = None,
                       trajectories: pd.DataFrame | None = None, food_standard: str = "GB2762",
                       tables: Tables | None = None, horizon_yr: int = 20, n_draws: int = 0,
                       seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which crop is grown each year, whether the option is running, and P(crop is safe).

    The single place that decides the yearly schedule of every plot × option:

    * options that keep a food crop (baseline, amendments, safe crops) grow it every
      year with the probability of :func:`crop_compliance_outcome`;
    * a removal option that grows food at the same time (rotation, intercrop) grows it
      on a soil that falls year by year: the probability is recomputed each year from
      the uptake functions at the soil of the start of that year (typical trajectory of
      :func:`soil_trajectories`) with the option's crop reduction;
    * a phytoextraction option stops when its target is reached; from the next year
      the plot's current crop returns (if it is a food crop) on soil at the target;
    * other years grow no food.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots.
    compliance : pandas.DataFrame
        Output of :func:`crop_compliance_outcome`.
    duration : pandas.DataFrame
        Overall output of :func:`estimate_duration` (``years_to_target`` [yr]).
    duration_by_metal : pandas.DataFrame, optional
        Per-metal output of :func:`estimate_duration` (soil and target per metal), needed
        for the crop that returns after the target.
    trajectories : pandas.DataFrame, optional
        Output of :func:`soil_trajectories` covering at least ``horizon_yr − 1`` years;
        without it a rotation's crop is judged on the current soil every year.
    food_standard : str
        Food-limit set.
    tables : Tables, optional
        Literature tables.
    horizon_yr : int
        Horizon H [yr].
    n_draws, seed : int
        Monte Carlo settings for the crop reductions.

    Returns
    -------
    by_year : pandas.DataFrame
        One row per plot × option × year (1…H): ``food_crop`` (``'none'`` when no food
        is grown), ``option_active`` (the option's own operations run that year) and
        ``crop_compliance_prob`` [–].
    per_option : pandas.DataFrame
        One row per plot × option: ``compliant_season_fraction`` (expected share of the
        food seasons within the horizon in which the crop meets every food limit [–];
        NaN when no food is grown) and ``food_seasons`` (number of years with a food crop).
    """
    from .uptake import predict_crop_concentration

    tables = tables or load_tables()
    H = int(horizon_yr)
    years = np.arange(1, H + 1)
    opts = tables.options.set_index("option_id")
    rows = option_rows
    n = len(rows)
    oid = rows["option_id"].to_numpy(object)
    kind = rows["option_kind"].to_numpy(object)
    active_row = rows["applicable"].to_numpy(bool) | (kind == "baseline")
    comp = align_rows(compliance, rows)
    food_opt = comp["food_crop"].fillna("none").to_numpy(object)
    p_const = comp["crop_compliance_prob"].to_numpy(float)
    pl = plots.set_index("plot_id")
    current = pl["crop"].reindex(rows["plot_id"].to_numpy(object)).to_numpy(object)
    food_crops = set(tables.crops.loc[tables.crops["food"], "crop"])
    current_food = np.isin(current, list(food_crops))
    T = align_rows(duration, rows)["years_to_target"].to_numpy(float)
    stops = (kind == "phytoextraction") & np.isfinite(T)
    active = (~stops[:, None] | (years[None, :] <= np.ceil(np.nan_to_num(T, nan=np.inf))[:, None])) \
        & active_row[:, None]
    after = active_row[:, None] & ~active & current_food[:, None]
    crop = np.where(active, food_opt[:, None], np.where(after, current[:, None], "none")).astype(object)
    P = np.where(active & (food_opt != "none")[:, None], p_const[:, None], np.nan)
    model = pd.Series(oid).map(opts["removal_model"]).fillna("none").to_numpy(object)

    def virtual(idx, yr, scales):
        """Plots of rows ``idx`` (one per entry) with target metals scaled; unique ids."""
        vp = pl.reindex(rows["plot_id"].to_numpy(object)[idx]).reset_index()
        vp["plot_id"] = [f"{i}|{y}" for i, y in zip(idx, yr, strict=True)]
        for m, sc in scales.items():
            vp = _scaled(vp, m, sc)
        return vp

    def evaluate(idx, yr, scales, crops, reductions_of):
        """P(comply) for virtual plots, grouped by option (reductions differ by option)."""
        vp = virtual(idx, yr, scales)
        pred = predict_crop_concentration(vp, crop=crops, tables=tables)
        out = np.full(len(idx), np.nan)
        for o in np.unique(oid[idx]):
            sel = oid[idx] == o
            sub = pred.loc[pred["plot_id"].isin(set(vp.loc[sel, "plot_id"]))]
            p = _plot_compliance(sub, reductions_of(o, sub), food_standard, tables, n_draws)
            out[sel] = p.reindex(vp.loc[sel, "plot_id"]).to_numpy(float)
        return out

    # rotation / intercrop: food grown on a falling soil
    changing = active_row & (model != "none") & (food_opt != "none")
    if trajectories is not None and changing.any() and len(trajectories):
        tr = trajectories.set_index(["plot_id", "option_id", "metal", "year"])["conc_mg_kg"]
        ii, jj = np.nonzero(active & changing[:, None])
        if len(ii):
            scales = {}
            for m in trajectories["metal"].unique():
                key = pd.MultiIndex.from_arrays([rows["plot_id"].to_numpy(object)[ii], oid[ii],
                                                 np.full(len(ii), m, dtype=object), years[jj] - 1])
                c_t = tr.reindex(key).to_numpy(float)
                c_0 = tr.reindex(pd.MultiIndex.from_arrays([key.get_level_values(0), key.get_level_values(1),
                                                            key.get_level_values(2),
                                                            np.zeros(len(ii), int)])).to_numpy(float)
                with np.errstate(divide="ignore", invalid="ignore"):
                    scales[m] = np.where(np.isnan(c_t) | (c_0 <= 0), 1.0, c_t / c_0)

            def red_of(o, sub):
                return _option_reductions(tables, o, _treats(opts.loc[o]), sub["metal"].unique(), n_draws,
                                          seed)

            P[ii, jj] = evaluate(ii, years[jj], scales, food_opt[ii], red_of)

    # the current crop returns after a phytoextraction target, on soil at the target
    back = np.flatnonzero(after.any(axis=1))
    if len(back) and duration_by_metal is not None and len(duration_by_metal):
        bm = duration_by_metal.set_index(["plot_id", "option_id", "metal"])
        scales = {}
        for m in duration_by_metal["metal"].unique():
            key = pd.MultiIndex.from_arrays([rows["plot_id"].to_numpy(object)[back], oid[back],
                                             np.full(len(back), m, dtype=object)])
            c0 = bm["conc_mg_kg"].reindex(key).to_numpy(float)
            ct = bm["target_mg_kg"].reindex(key).to_numpy(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                scales[m] = np.where(np.isnan(ct) | (c0 <= 0), 1.0, np.minimum(ct, c0) / c0)
        p_back = evaluate(back, np.zeros(len(back), int), scales, current[back], lambda o, sub: {})
        P[back] = np.where(after[back], p_back[:, None], P[back])

    by_year = pd.DataFrame({
        "plot_id": np.repeat(rows["plot_id"].to_numpy(object), H), "option_id": np.repeat(oid, H),
        "year": np.tile(years, n), "food_crop": crop.ravel(), "option_active": active.ravel(),
        "crop_compliance_prob": P.ravel(),
    })
    grows = crop != "none"
    with np.errstate(invalid="ignore"):
        frac = np.where(grows.any(axis=1),
                        np.nansum(np.where(grows, np.nan_to_num(P, nan=1.0), 0.0), axis=1)
                        / np.maximum(grows.sum(axis=1), 1), np.nan)
    # seasons whose crop has no prediction or no limit count as compliant (nothing to fail)
    all_unknown = np.all(np.isnan(P) | ~grows, axis=1) & grows.any(axis=1)
    per_option = rows[["plot_id", "option_id"]].copy()
    per_option["compliant_season_fraction"] = np.where(all_unknown, np.nan, frac)
    per_option["food_seasons"] = grows.sum(axis=1)
    return by_year, per_option
