"""Removal kernels: years to target and soil trajectories of phytoextraction.

Family ``duration`` of the pure models: arrays in, arrays out. The closed-form
solutions of the removal models (zero order, first order with a constant BCF or
fraction, declining BCF with dC/dt = −a Cᵇ), each with an optional yearly other loss L,
the soil concentration after t years, the soil-pH factor and shoot-concentration cap of
the removal parameters, the vectorised per-row evaluation of every removal model
over rows × Monte Carlo draws, and the grain-metal reduction credited to a package of
measures (R_pkg = 1 − (1 − max R_i)(1 − g)). Concentrations in mg kg⁻¹, soil mass in t ha⁻¹, yield in
t ha⁻¹ yr⁻¹, removal in g ha⁻¹ yr⁻¹, time in years; no tables, no frames, no text. The
stage module :mod:`agriremed.stages.duration` looks the parameters up in the option tables,
builds the plot × option × metal rows and calls these kernels (the model equations are
set out in its module docstring).

References
----------
.. [1] SUMATECS (2008) Final research report, SNOWMAN SN-01/20, Table 6 (zero-order
   clean-up times, 0.25 m, 1.5 g cm⁻³).
.. [2] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43 (shoot metal
   log-linear in soil metal; bioaccumulation factor falling with soil metal).
.. [3] Römkens P.F.A.M. et al. (2007) Alterra-rapport 1442, Table B1.1 (shoot Cd falling
   with soil pH).
.. [4] SUMATECS (2008) Table 6, rows of the calcareous Dornach (CH) field trials (Kayser et
   al. 2000; Keller et al. 2003): shoot/soil Cd of maize 0.3 and 0.15, of willow 1.7 (the
   shoot/soil bound of crops that are not hyperaccumulators on calcareous soil).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "FIRST_ORDER_MODELS",
    "years_zero_order",
    "years_first_order",
    "years_declining_bcf",
    "bcf_fraction",
    "concentration_after",
    "concentration_terms",
    "concentration_from_terms",
    "removal_ph_factor",
    "calcareous_weight",
    "calcareous_bound_factor",
    "cap_fraction_removal",
    "package_reduction",
]

#: Removal models that remove a constant fraction of the soil metal each year.
FIRST_ORDER_MODELS = ("bcf", "fraction", "removal_rate_soil")


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
        Concentration [mg kg⁻¹], never below 0 and never above ``c0``:
        first order C0 ((1 − f)(1 − L))ᵗ; zero order C0 − d t, or with L > 0
        C* + (C0 − C*)(1 − L)ᵗ, C* = −d (1 − L)/L; declining
        u = (u0 + a/λ) e^(−(1 − b) λ t) − a/λ, or u0 − (1 − b) a t without losses, with
        u = C¹⁻ᵇ, λ = −ln(1 − L) (b = 1: C0 e^(−(a C0ᵇ⁻¹ + λ) t)).

    References
    ----------
    .. [1] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43 (declining BCF).

    Examples
    --------
    >>> float(concentration_after(1.0, 2, "first_order", fraction=0.5))
    0.25
    """
    terms = concentration_terms(c0, model, fraction, removal_mg_kg_yr, loss_frac_per_yr, rate, exponent)
    return concentration_from_terms(terms, years)


def concentration_terms(c0, model, fraction=None, removal_mg_kg_yr=None, loss_frac_per_yr=0.0, rate=None,
                        exponent=None) -> dict:
    """The parts of :func:`concentration_after` that do not depend on the elapsed years.

    Evaluate them once and pass them to :func:`concentration_from_terms` for each year of a
    trajectory: ``concentration_from_terms(concentration_terms(c0, model, …), t)`` is
    ``concentration_after(c0, t, model, …)`` bit for bit (the same operations in the same order).

    Parameters
    ----------
    c0, model, fraction, removal_mg_kg_yr, loss_frac_per_yr, rate, exponent
        As in :func:`concentration_after` (concentrations [mg kg⁻¹], rates per year).

    Returns
    -------
    dict
        ``model`` and ``c0`` [mg kg⁻¹] with, for ``first_order``, the share kept a year
        ``keep`` = (1 − f)(1 − L) [–]; for ``zero_order``, the share kept by other losses
        ``q`` [–], the decrease ``d`` [mg kg⁻¹ yr⁻¹], the equilibrium ``star`` C* and
        ``c0_star`` C0 − C* [mg kg⁻¹]; for ``declining``, u0 = C0¹⁻ᵇ, (1 − b)·a, a/λ,
        u0 + a/λ, −(1 − b)λ, 1/(1 − b), the rate of the b = 1 case and the masks of the
        branches that apply.

    References
    ----------
    .. [1] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43 (declining BCF).

    Examples
    --------
    >>> float(concentration_terms(1.0, "first_order", fraction=0.5)["keep"])
    0.5
    >>> float(concentration_from_terms(concentration_terms(1.0, "first_order", fraction=0.5), 2))
    0.25
    """
    c0 = np.asarray(c0, float)
    q = _keep_q(loss_frac_per_yr)
    if model == "first_order":
        return dict(model=model, c0=c0, keep=(1.0 - np.clip(np.asarray(fraction, float), 0.0, 1.0)) * q)
    if model == "zero_order":
        d = np.maximum(np.asarray(removal_mg_kg_yr, float), 0.0)
        out = dict(model=model, c0=c0, q=q, d=d, with_loss=q < 1.0)
        if np.any(out["with_loss"]):
            with np.errstate(divide="ignore", invalid="ignore"):
                star = -d * q / (1.0 - q)
                out.update(star=star, c0_star=c0 - star)
        return out
    if model == "declining":
        b = np.clip(np.asarray(exponent, float), 0.0, 1.0)
        a = np.maximum(np.asarray(rate, float), 0.0)
        lam = -np.log(q)
        one_b = 1.0 - b
        out = dict(model=model, c0=c0, with_loss=lam > 0, first=one_b < 1e-9)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            u0 = c0 ** one_b
            if not np.all(out["with_loss"]):
                out.update(u0=u0, one_b_a=one_b * a)
            if np.any(out["with_loss"]):
                a_lam = a / lam
                out.update(a_lam=a_lam, u0_a_lam=u0 + a_lam, decay=-one_b * lam)
            out["inv_one_b"] = 1.0 / np.where(one_b > 0, one_b, 1.0)
            if np.any(out["first"]):
                out["first_rate"] = -(a * c0 ** (b - 1.0) + lam)
        return out
    raise ValueError(f"unknown model {model!r}; expected first_order, zero_order or declining")


def _either(cond, yes, no):
    """``np.where(cond, yes(), no())``, evaluating only the branch that applies everywhere."""
    if np.all(cond) or not np.any(cond):
        out = yes() if np.all(cond) else no()
        return out if np.shape(out) == np.broadcast_shapes(np.shape(cond), np.shape(out)) else np.where(cond, out, out)
    return np.where(cond, yes(), no())


def concentration_from_terms(terms: dict, years):
    """Soil concentration after ``years`` of removal from :func:`concentration_terms`.

    Parameters
    ----------
    terms : dict
        Output of :func:`concentration_terms`.
    years : array_like
        Elapsed years [yr].

    Returns
    -------
    numpy.ndarray
        Concentration [mg kg⁻¹], never below 0 and never above ``c0``; equal bit for bit to
        :func:`concentration_after` with the same arguments.

    References
    ----------
    .. [1] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43 (declining BCF).

    Examples
    --------
    >>> t = concentration_terms(5.0, "zero_order", removal_mg_kg_yr=0.5)
    >>> [float(concentration_from_terms(t, y)) for y in (0, 2, 20)]
    [5.0, 4.0, 0.0]
    """
    m, c0 = terms["model"], terms["c0"]
    y = np.asarray(years, float)
    if m == "first_order":
        out = c0 * terms["keep"] ** y
    elif m == "zero_order":
        with np.errstate(divide="ignore", invalid="ignore"):
            out = _either(terms["with_loss"], lambda: terms["star"] + terms["c0_star"] * terms["q"] ** y,
                          lambda: c0 - terms["d"] * y)
    else:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            u = _either(terms["with_loss"], lambda: terms["u0_a_lam"] * np.exp(terms["decay"] * y) - terms["a_lam"],
                        lambda: terms["u0"] - terms["one_b_a"] * y)
            out = _either(terms["first"], lambda: c0 * np.exp(terms["first_rate"] * y),
                          lambda: np.maximum(u, 0.0) ** terms["inv_one_b"])
    return np.clip(out, 0.0, c0)


def valid_edge(p_at, grid, index, direction, iterations: int = 30) -> np.ndarray:
    """log10 scale factor at the edge of the valid region next to grid point ``index`` (per plot).

    Between the last valid grid point and its invalid neighbour in ``direction``, bisect for
    the outermost scale at which ``p_at`` is still a number.
    """
    inside = grid[index]
    nb = np.clip(index + direction, 0, len(grid) - 1)
    outside = grid[nb]
    at_end = nb == index
    for _ in range(iterations):
        mid = 0.5 * (inside + outside)
        ok = ~np.isnan(p_at(mid))
        inside = np.where(ok, mid, inside)
        outside = np.where(ok, outside, mid)
    return np.where(at_end, grid[index], inside)


def removal_ph_factor(ph, slope, ph_ref):
    """Multiplier of a crop's shoot metal (and removal) for soil pH above the pH of its source trials [–].

    Shoot Cd of crops that are not hyperaccumulators falls with soil pH (the metal's
    availability falls); a removal figure measured on acid soils therefore overstates
    removal on neutral and calcareous soils. The factor is 10^(slope · max(pH − pH_ref, 0)):
    1 at or below the reference pH (no gain is credited on more acid soils) and falling above it.

    Parameters
    ----------
    ph : array_like
        Soil pH in water [–].
    slope : array_like
        d log10(shoot concentration) / d pH [log10 units per pH unit], ≤ 0.
    ph_ref : array_like
        Soil pH of the trials behind the removal parameter [–]; NaN: no adjustment.

    Returns
    -------
    numpy.ndarray
        Factor in (0, 1] [–].

    References
    ----------
    .. [1] Römkens P.F.A.M. et al. (2007) Alterra-rapport 1442, Table B1.1 (whole-plant
       fodder maize and grass Cd: −0.21 and −0.38 log10 per pH-KCl unit).

    Examples
    --------
    >>> removal_ph_factor([5.5, 6.0, 8.0], -0.21, 6.0).round(4).tolist()
    [1.0, 1.0, 0.3802]
    """
    ph = np.asarray(ph, float)
    ref = np.asarray(ph_ref, float)
    with np.errstate(invalid="ignore"):
        f = 10.0 ** (np.asarray(slope, float) * np.maximum(ph - ref, 0.0))
    return np.where(np.isfinite(f), f, 1.0)


def calcareous_weight(ph, ph_from, ph_full):
    """Weight w ∈ [0, 1] of the calcareous-soil bound of a crop's shoot/soil ratio [–].

    0 at or below ``ph_from``, 1 at or above ``ph_full``, linear in pH between them (NaN pH or
    band: 0, no bound). The bound is measured on a calcareous soil; it is in force in full above
    ``ph_full`` (the pH from which the planner treats soils as calcareous) and blended in over the
    band below, so the shoot concentration does not jump at the threshold.

    Examples
    --------
    >>> calcareous_weight([6.0, 6.5, 7.0, 7.5, 8.0], 6.5, 7.5).tolist()
    [0.0, 0.0, 0.5, 1.0, 1.0]
    """
    ph = np.asarray(ph, float)
    lo, hi = np.asarray(ph_from, float), np.asarray(ph_full, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(hi > lo, (ph - lo) / (hi - lo), np.where(ph >= hi, 1.0, 0.0))
    w = np.clip(w, 0.0, 1.0)
    return np.where(np.isfinite(w), w, 0.0)


def calcareous_bound_factor(shoot, bound, weight):
    """Multiplier g ∈ (0, 1] of a shoot concentration for the calcareous-soil bound [–].

    g = min(1, B / S)^w: in log space the shoot concentration S moves the share w of the way
    from its own value to min(S, B), log S' = log S − w · max(log S − log B, 0). With w = 1
    (calcareous soil) S' = min(S, B); with w = 0 (acid soil) S' = S; in between the bound is
    blended in, so S' is continuous in pH, and never above S. ``shoot`` and ``bound`` need only
    their ratio: any quantity proportional to the shoot concentration (a BCF and its bound, a
    removal and its bound) gives the same factor. NaN or infinite bound, or NaN shoot: 1.

    Parameters
    ----------
    shoot : array_like
        Shoot concentration the removal model implies (or a quantity proportional to it).
    bound : array_like
        The calcareous-soil bound in the same unit (shoot/soil ratio × soil metal).
    weight : array_like
        :func:`calcareous_weight` [–].

    Examples
    --------
    >>> calcareous_bound_factor([9.16, 9.16, 9.16, 1.0], 2.55, [1.0, 0.5, 0.0, 1.0]).round(4).tolist()
    [0.2784, 0.5276, 1.0, 1.0]
    """
    s = np.asarray(shoot, float)
    b = np.asarray(bound, float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        g = np.minimum(1.0, b / s) ** np.asarray(weight, float)
    return np.where(np.isfinite(g), g, 1.0)


def package_reduction(component_reductions, increment):
    """Grain-metal reduction credited to a package of measures (e.g. VIP+n).

    R_pkg = 1 − (1 − max_i R_i) · (1 − g): the package is credited with its strongest
    component R_i, each drawn from the same evidence class as the single options (plot
    trials), and the further cut g that the package's other measures add on top of it.
    With g ≥ 0 a package is never credited less than its strongest component, and the
    credit stays below the product of all component effects (the measures act partly on
    the same Cd pool: adding a measure to a set already applied cut grain Cd less than
    the measure alone in the same trials).

    Parameters
    ----------
    component_reductions : array_like
        Reductions R_i of the package's components [–], shape ``(k, ...)``: one row per
        component; the remaining axes (Monte Carlo draws) broadcast with ``increment``.
    increment : array_like
        Further reduction g by the other measures [–], 0 ≤ g < 1.

    Returns
    -------
    numpy.ndarray
        R_pkg [–], shape of ``component_reductions[0]`` broadcast with ``increment``.

    References
    ----------
    .. [1] 魏宾纭 et al. (2020) 环境科学 41(8):3855–3861: foliar Si 19.0 %, with water
       regimes 31.8–44.0 % (g = 0.158, 0.309).
    .. [2] Ecotoxicology and Environmental Safety (2016) doi:10.1016/j.ecoenv.2016.11.005:
       lime + slag 38.3–69.1 %, + bagasse 58.3–70.9 % (g = 0.324, 0.058).
    .. [3] Youxian, Hunan: mulch ≈ 50 %, mulch + biochar + foliar Si ≈ 80 % (g = 0.60).
    .. [4] 刘静 et al. (2023) 江苏农业科学 51(5):227–232: conditioner, foliar Zn and a
       low-Cd cultivar combined gave the largest cut (the floor g ≥ 0).

    Examples
    --------
    >>> round(float(package_reduction([0.731, 0.685, 0.5665, 0.44], 0.309)), 4)
    0.8141
    >>> round(float(package_reduction([0.5, 0.2], 0.0)), 3)
    0.5
    """
    r = np.max(np.asarray(component_reductions, float), axis=0)
    return 1.0 - (1.0 - r) * (1.0 - np.asarray(increment, float))


def apply_soil_chemistry(p: dict, ph, c0, typ: dict | None = None) -> None:
    """Scale the removal parameters of ``p`` in place for soil pH and cap them at the highest shoot
    concentration of their source.

    The pH factor (:func:`removal_ph_factor`) multiplies the BCF, the constant shoot
    concentration, the removal rates and the yearly fraction of the ``fraction`` model (whose cap,
    ``smax_ph``, stored here, :func:`cap_fraction_removal` applies); the cap ``smax`` [mg kg⁻¹ DM] limits the shoot
    concentration each model implies (BCF·C₀, C_s, removal / yield); the cap falls with pH
    by the same factor, as it was observed at the pH of its source. On calcareous soil the shoot/soil
    ratio is then bounded by calcareous-soil field evidence, ``rcal`` [–]: the shoot concentration
    S becomes S · min(1, rcal · C₀ / S)^w with w = :func:`calcareous_weight` (pH, ``cpf``, ``cpu``),
    i.e. min(S, rcal · C₀) above ``cpu`` and S below ``cpf`` (:func:`calcareous_bound_factor`); it
    applies to the BCF, the constant shoot concentration and the removal rates (R ≤ Y · rcal · C₀),
    not to the yearly fraction of the ``fraction`` model. ``typ`` gives the typical values of
    parameters that have no draws.
    """
    get = lambda k: p[k] if k in p else typ[k]  # noqa: E731
    f = removal_ph_factor(ph, get("phs"), get("phr"))
    smax, Y = get("smax") * f, get("Y")  # the source's highest shoot concentration, at its pH
    # the fraction model's shoot cap needs the soil mass: :func:`cap_fraction_removal` applies it
    p["smax_ph"] = smax
    with np.errstate(divide="ignore", invalid="ignore"):
        if "fr" in p:  # a yearly fraction of the soil metal falls with pH as the shoot concentration does
            p["fr"] = p["fr"] * f
        if "bcf" in p:
            p["bcf"] = np.minimum(p["bcf"] * f, smax / c0)
        if "cs" in p:
            p["cs"] = np.minimum(p["cs"] * f, smax)
        if "rr" in p:
            rr = p["rr"] * f
            # removal_rate: R ≤ Y·smax; removal_rate_soil: R·C₀/C_ref ≤ Y·smax
            cref = get("rcref")
            cap = np.where(np.isfinite(cref), Y * smax * cref / c0, Y * smax)
            p["rr"] = np.where(np.isnan(cap), rr, np.minimum(rr, cap))
        # calcareous soil: the shoot/soil ratio stays below that of calcareous field evidence (``rcal``),
        # in full above ``cpu``, blended in from ``cpf`` (:func:`calcareous_bound_factor`)
        opt = lambda k, d: p[k] if k in p else (typ or {}).get(k, d)  # noqa: E731  (no bound where absent)
        w = calcareous_weight(ph, opt("cpf", np.nan), opt("cpu", np.nan))
        rcal = opt("rcal", np.inf)
        if "bcf" in p:
            p["bcf"] = p["bcf"] * calcareous_bound_factor(p["bcf"], rcal, w)
        if "cs" in p:
            p["cs"] = p["cs"] * calcareous_bound_factor(p["cs"], rcal * c0, w)
        if "rr" in p:  # the same bound on the removal: R ≤ Y · rcal · C₀ (at C_ref for removal_rate_soil)
            cref = get("rcref")
            bound = np.where(np.isfinite(cref), Y * rcal * cref, Y * rcal * c0)
            p["rr"] = p["rr"] * calcareous_bound_factor(p["rr"], bound, w)


def cap_fraction_removal(p: dict, c0, mass) -> None:
    """Cap the yearly fraction ``fr`` of the ``fraction`` model, in place, at what a stand of the
    accumulator alone removes from the same soil in year 1.

    An intercrop holds fewer accumulator plants per area than the accumulator's monoculture, so
    it cannot remove more: f ≤ Y_cap (1 − h) C_ref,s (C₀ / C_ref)ᵇ / (C₀ M), the year-1 removal
    of the declining-BCF model (:func:`years_declining_bcf`) with the monoculture's parameters
    (``sref``, ``cref``, ``b``) and yield ``ycap`` [t ha⁻¹ yr⁻¹]. Rows without ``ycap`` (NaN)
    keep their fraction. The cap is taken at the initial concentration: as b < 1 the
    monoculture's fraction rises as the soil is cleaned, so the capped first-order removal never
    exceeds it later either.

    A crop that is no hyperaccumulator with a shoot cap (``smax_ph`` [mg kg⁻¹], the highest shoot
    concentration of its field evidence scaled for soil pH by :func:`apply_soil_chemistry`) removes
    at most f ≤ Y_cap (1 − h) smax / (C₀ M) a year, taken at the initial concentration as the
    sorghum cap is (:func:`apply_soil_chemistry`).

    Parameters
    ----------
    p : dict
        Removal parameters (``fr``, ``ycap``, ``h``, ``sref`` [mg kg⁻¹], ``cref`` [mg kg⁻¹],
        ``b`` [–]), rows (× draws); changed in place.
    c0 : array_like
        Initial soil concentration [mg kg⁻¹], rows (× 1).
    mass : array_like
        Soil mass of the treated layer [t ha⁻¹], rows (× 1).

    Examples
    --------
    >>> import numpy as np
    >>> p = {"fr": np.array([0.243, 0.243]), "ycap": np.array([3.26, np.nan]), "h": np.zeros(2),
    ...      "sref": np.full(2, 109.3), "cref": np.full(2, 1.244), "b": np.full(2, 0.614)}
    >>> cap_fraction_removal(p, np.full(2, 1.2), np.full(2, 2400.0))
    >>> np.round(p["fr"], 4).tolist()
    [0.121, 0.243]
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cap = p["ycap"] * (1.0 - p["h"]) * p["sref"] * (c0 / p["cref"]) ** p["b"] / (c0 * mass)
        # a crop that is no hyperaccumulator (tobacco): its shoot Cd stays below the highest of its
        # field evidence (``smax_ph``, at the soil's pH), so a year removes at most Y_cap (1 − h) smax
        shoot = np.asarray(p["ycap"] * (1.0 - p["h"]) * p.get("smax_ph", np.inf), float)
        shoot_cap = shoot / (c0 * mass)
    p["fr"] = np.where(np.isfinite(cap), np.minimum(p["fr"], cap), p["fr"])
    # where that cap applies but the soil mass is not known, the fraction is not known either
    p["fr"] = np.where(np.isfinite(shoot_cap), np.minimum(p["fr"], shoot_cap),
                       np.where(np.isfinite(shoot) & ~np.isfinite(shoot_cap), np.nan, p["fr"]))


def removal_rates(p, mass, model):
    """Yearly rates of every removal model: what the years to target and the soil trajectories use.

    Parameters
    ----------
    p : dict
        Removal parameters, rows (× draws): ``Y`` yield [t ha⁻¹ yr⁻¹], ``h`` harvest loss [–],
        ``bcf`` [–], ``s`` seasons [yr⁻¹], ``fr`` fraction removed [–], ``rr`` removal
        [g ha⁻¹ yr⁻¹] and ``rcref`` its soil concentration [mg kg⁻¹], ``sref`` [mg kg⁻¹],
        ``cref`` [mg kg⁻¹] and ``b`` [–] of the declining-BCF model, ``cs`` shoot
        concentration [mg kg⁻¹].
    mass : array_like
        Soil mass of the treated layer [t ha⁻¹], rows (× 1).
    model : array_like of str
        Removal model of each row (``removal_model`` of ``options.csv``), rows (× 1).

    Returns
    -------
    dict
        ``f_first``: fraction of the soil metal removed a year by the first-order models
        (``bcf``: :func:`bcf_fraction`; ``removal_rate_soil``: R / (C_ref M); otherwise
        1 − (1 − f)ˢ) [–]; ``rate``: a = Y (1 − h) C_ref,s C_ref⁻ᵇ / M of the declining-BCF
        model; ``zero_d``: yearly decrease of the zero-order models, Y (1 − h) C_s / M or
        R / M [mg kg⁻¹ yr⁻¹]. The same arrays as those of :func:`removal_state`, without its
        year-1 removal and shoot concentration.

    References
    ----------
    .. [1] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43.
    .. [2] SUMATECS (2008) Final research report, SNOWMAN SN-01/20 (zero-order removal).
    """
    return _rates(p, mass, model)[0]


def _rates(p, mass, model):
    """:func:`removal_rates` and the yearly fractions and yield of :func:`removal_state` that make them."""
    Y = p["Y"] * (1.0 - p["h"])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f_bcf = bcf_fraction(p["Y"], p["bcf"], mass, p["h"], p["s"])
        f_fr = 1.0 - (1.0 - np.clip(p["fr"], 0.0, 1.0)) ** np.maximum(p["s"], 1.0)
        f_rs = np.clip(p["rr"] / (p["rcref"] * mass), 0.0, 1.0)  # removal ∝ soil concentration
        rate = _declining_rate(Y, p["sref"], p["cref"], p["b"], mass)
    f_first = np.select([model == "bcf", model == "removal_rate_soil"], [f_bcf, f_rs], f_fr)
    rates = dict(f_first=f_first, rate=rate, zero_d=np.where(model == "shoot_conc", Y * p["cs"], p["rr"]) / mass)
    return rates, Y, f_bcf, f_fr, f_rs


def removal_state(p, c0, mass, model):
    """Per-year quantities of every removal model (arrays broadcast over rows × draws): the
    rates of :func:`removal_rates` and the year-1 ``removal`` [g ha⁻¹ yr⁻¹], ``shoot``
    concentration [mg kg⁻¹] and ``frac`` of the soil metal removed [–]."""
    rates, Y, f_bcf, f_fr, f_rs = _rates(p, mass, model)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        shoot_dec = p["sref"] * (c0 / p["cref"]) ** p["b"]
        removal = np.select(
            [model == "bcf", model == "shoot_conc", model == "declining_bcf", model == "removal_rate",
             model == "fraction", model == "removal_rate_soil"],
            [f_bcf * c0 * mass, Y * p["cs"], Y * shoot_dec, p["rr"], f_fr * c0 * mass, f_rs * c0 * mass],
            np.nan)                                     # g/ha in year 1
        removal = np.minimum(removal, c0 * mass)        # never more than the soil holds
        shoot = np.select([model == "bcf", model == "shoot_conc", model == "declining_bcf"],
                          [p["bcf"] * c0, p["cs"], shoot_dec], removal / Y)
        frac = removal / (c0 * mass)
    return dict(removal=removal, shoot=shoot, frac=frac, **rates)


def years_by_model(p, c0, ct, mass, model, loss):
    """Years to target of every row with its removal model's formula (evaluated only on the
    rows that use it; NaN for rows of no model) and the removal state."""
    st = removal_state(p, c0, mass, model)
    return years_from_rates(st, p, c0, ct, mass, model, loss), st


def years_from_rates(rates, p, c0, ct, mass, model, loss):
    """Years to target of every row from its removal model's rates.

    Parameters
    ----------
    rates : dict
        Output of :func:`removal_rates` (or :func:`removal_state`).
    p : dict
        Removal parameters (see :func:`removal_rates`).
    c0, ct : array_like
        Initial and target soil concentration [mg kg⁻¹], rows (× 1).
    mass : array_like
        Soil mass [t ha⁻¹], rows (× 1).
    model : array_like of str
        Removal model of each row, rows (× 1).
    loss : array_like
        Other yearly loss L [–].

    Returns
    -------
    numpy.ndarray
        Years [yr] by :func:`years_first_order`, :func:`years_zero_order` or
        :func:`years_declining_bcf`, each evaluated only on the rows of its models; NaN on
        rows of no model.

    References
    ----------
    .. [1] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43.
    .. [2] SUMATECS (2008) Final research report, SNOWMAN SN-01/20 (zero-order removal).
    """
    args = (c0, ct, mass, loss, rates["f_first"], rates["zero_d"], p["Y"], p["h"], p["sref"], p["cref"], p["b"])
    shape, groups = _model_groups(model, args)
    years = np.full(shape, np.nan)
    for family, rows, (c, t, ms, q, f_first, zero_d, Y, h, sref, cref, b) in groups:
        if family == "first_order":
            years[rows] = years_first_order(c, t, f_first, q)
        elif family == "zero_order":
            years[rows] = years_zero_order(c, t, ms, 1.0, zero_d * ms, q)
        else:
            years[rows] = years_declining_bcf(c, t, ms, Y * (1.0 - h), sref, cref, b, q)
    return years


def concentration_by_model(st, c0, model, t, loss, p):
    """Soil concentration after t years of cropping [mg kg⁻¹].

    Each removal model's formula is evaluated only on the rows that use it (rows of
    another model, or of none, are NaN).
    """
    return concentration_from_model_terms(model_terms(st, c0, model, loss, p), t)


def model_terms(st, c0, model, loss, p):
    """The year-independent terms (:func:`concentration_terms`) of every row's removal model.

    Parameters
    ----------
    st : dict
        Output of :func:`removal_state`.
    c0 : array_like
        Initial concentration [mg kg⁻¹], rows (× 1).
    model : array_like of str
        Removal model of each row (``removal_model`` of ``options.csv``), rows (× 1).
    loss : array_like
        Other yearly loss L [–].
    p : dict
        Removal parameters (``b``: exponent of the declining-BCF model [–]).

    Returns
    -------
    tuple
        The broadcast shape of the rows and, for each removal-model family that occurs,
        ``(rows, terms)``; pass it to :func:`concentration_from_model_terms` for each year:
        ``concentration_from_model_terms(model_terms(st, c0, model, loss, p), t)`` equals
        :func:`concentration_by_model` ``(st, c0, model, t, loss, p)`` bit for bit.

    References
    ----------
    .. [1] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43 (declining BCF).
    """
    args = (st["f_first"], st["zero_d"], st["rate"], p["b"], c0, loss)
    shape, groups = _model_groups(model, args)
    return shape, [(rows, concentration_terms(c, family, fraction=f_first, removal_mg_kg_yr=zero_d,
                                              loss_frac_per_yr=q, rate=rate, exponent=b))
                   for family, rows, (f_first, zero_d, rate, b, c, q) in groups]


def concentration_from_model_terms(terms, t):
    """Soil concentration of every row after ``t`` years [mg kg⁻¹] from :func:`model_terms`.

    Parameters
    ----------
    terms : tuple
        Output of :func:`model_terms`.
    t : array_like
        Elapsed years [yr]: a number, or an array that broadcasts against the rows
        without a row axis of its own (e.g. shape ``(1, years)``).

    Returns
    -------
    numpy.ndarray
        Concentration [mg kg⁻¹] of the broadcast shape of the rows and ``t``; NaN on rows
        of no removal model.
    """
    shape, groups = terms
    shape = np.broadcast_shapes(shape, np.shape(t))
    out = np.full(shape, np.nan)
    for rows, tm in groups:
        out[rows] = concentration_from_terms(tm, _rows(t, rows, shape))
    return out


def _model_groups(model, args):
    """Rows of each removal-model family and ``args`` on those rows.

    Returns the broadcast shape of ``model`` and ``args`` and, for each family that occurs
    (``first_order``, ``zero_order``, ``declining`` as in :func:`concentration_after`),
    ``(family, rows, args on rows)``; arrays without the row axis are passed as they are.
    """
    m = np.asarray(model)
    shape = np.broadcast_shapes(m.shape, *(np.shape(a) for a in args))
    rows_of = _model_of_rows(m)
    groups = []
    for family, sel in (("first_order", np.isin(rows_of, FIRST_ORDER_MODELS)),
                        ("zero_order", np.isin(rows_of, ["shoot_conc", "removal_rate"])),
                        ("declining", rows_of == "declining_bcf")):
        rows = np.flatnonzero(sel)
        if len(rows):
            groups.append((family, rows, tuple(_rows(a, rows, shape) for a in args)))
    return shape, groups


def _model_of_rows(model: np.ndarray) -> np.ndarray:
    """The removal model of each row of a rows (× 1) array."""
    return model[(slice(None),) + (0,) * (model.ndim - 1)] if model.ndim > 1 else model


def _rows(a, rows, shape):
    """Rows ``rows`` of an array broadcast against ``shape`` (arrays without the row axis as they are)."""
    a = np.asarray(a)
    if a.ndim == len(shape) and a.ndim and a.shape[0] == shape[0] and shape[0] > 1:
        return a[rows]
    return a
