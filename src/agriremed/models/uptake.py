"""Uptake kernels: log-normal crop concentrations, food-limit exceedance and skill scores.

Family ``uptake`` of the pure models: arrays in, arrays out. The pH-water ↔ pH-KCl
conversion of Kabała et al. (2016), the value of a transfer-function term (x or log10 x), a
transfer function's linear predictor Σ coef·term and its back-transform to a concentration, and
where its inputs are missing or outside its validity range,
the factor from a prediction's plant basis to the as-sold basis of food limits, the
critical median crop concentration that meets a food limit with a given probability (the
inverse behind the safe soil and safe pH thresholds), the median and log10 spread of a
log-normal variable from published moments, and the out-of-sample skill scores (log-normal
exceedance probability, bias, RMSE, Spearman ρ, interval coverage, Brier score, AUC).
Concentrations in mg kg⁻¹, spreads in log10 units, probabilities and moisture as
fractions; no tables, no frames, no text. The stage package :mod:`agriremed.stages.uptake`
(:mod:`~agriremed.stages.uptake.predict`, :mod:`~agriremed.stages.uptake.thresholds`,
:mod:`~agriremed.stages.uptake.synthesis`, :mod:`~agriremed.stages.uptake.skill`) parses and selects the
transfer functions of ``transfer_functions.csv``, reads the plot and survey tables and calls
these kernels (the equations are set out in those modules' docstrings).

References
----------
.. [1] Kabała C. et al. (2016) Pol. J. Environ. Stud. 25(2):647–653,
   doi:10.15244/pjoes/61549 (pH-water ↔ pH-KCl).
.. [2] Aitchison J. & Brown J.A.C. (1957) The Lognormal Distribution, Cambridge UP
   (moments of the log-normal distribution).
.. [3] Brier G.W. (1950) Mon. Weather Rev. 78(1):1–3 (Brier score).
.. [4] Hanley J.A. & McNeil B.J. (1982) Radiology 143:29–36 (AUC as the Mann–Whitney
   probability).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri, stdtrit

__all__ = [
    "ph_kcl_from_ph_water",
    "ph_water_from_ph_kcl",
    "PH_KCL_CONVERSION_MAX",
    "transfer_predictor",
    "transfer_response",
    "transfer_design",
    "prediction_widening",
    "prediction_spread",
    "missing_term_inputs",
    "range_violations",
    "outside_validity_range",
    "critical_median",
    "lognormal_from_mean_sd",
    "lognormal_from_mean_share",
    "exceedance_probability",
    "auc",
    "brier",
    "skill_metrics",
]

#: ln 10 [–]: a log10 spread times LN10 is the natural-log spread.
LN10 = np.log(10.0)

#: Standard-normal 95th percentile [–] (1.645): the one-sided 95 % quantile of a log-normal spread.
Z95 = float(ndtri(0.95))  # 1.645

#: Two-sided coverage of the prediction interval whose width a fitted function's spread carries
#: (95 %): its upper quantile 0.975 [–].
PI_QUANTILE = 0.975


def _ph_kcl_fitted(ph_water):
    """The fitted Kabała et al. (2016) relation, pH-water (1:2.5) → pH-KCl (1:2.5), unbounded."""
    ph15 = 0.14 + 0.99 * np.asarray(ph_water, float)
    return 10.0 ** ((ph15 + 1.95) / 11.58)


#: pH in water (1:2.5) [–] above which the fitted pH-water → pH-KCl relation of Kabała et al. (2016)
#: gives a pH-KCl above the pH in water (≈ 9.12), which a soil cannot have (1 M KCl releases
#: exchangeable acidity: pH-KCl ≤ pH-water). The source states no pH range of its 200 soils, so this
#: crossing of the relation with pH-KCl = pH-water is the only bound used (computed, not chosen).
PH_KCL_CONVERSION_MAX = float(brentq(lambda x: float(_ph_kcl_fitted(x)) - x, 7.0, 12.0))


def ph_kcl_from_ph_water(ph_water):
    """pH in 1 M KCl (1:2.5) estimated from pH in water (1:2.5).

    Parameters
    ----------
    ph_water : array_like
        Soil pH in water, 1:2.5 [–].

    Returns
    -------
    numpy.ndarray
        pH in KCl [–], from pH(H2O 1:5) = 0.14 + 0.99·pH(H2O 1:2.5) and
        pH(H2O 1:5) = −1.95 + 11.58·log10(pH(KCl 1:2.5)) solved for pH(KCl); NaN above
        :data:`PH_KCL_CONVERSION_MAX` (≈ 9.12), where the relation would give pH-KCl above
        pH-water (not estimated: the source states no pH range), and where ``ph_water`` is NaN.

    References
    ----------
    .. [1] Kabała C. et al. (2016) Pol. J. Environ. Stud. 25(2):647–653,
       doi:10.15244/pjoes/61549 (``kabala2016_ph``; fitted on 200 soils of SW Poland).

    Examples
    --------
    >>> round(float(ph_kcl_from_ph_water(6.0)), 2)
    4.94
    >>> bool(np.isnan(ph_kcl_from_ph_water(9.5)))
    True
    """
    w = np.asarray(ph_water, float)
    return np.where(w <= PH_KCL_CONVERSION_MAX, _ph_kcl_fitted(w), np.nan)


def ph_water_from_ph_kcl(ph_kcl):
    """pH in water (1:2.5) from pH in 1 M KCl (1:2.5), inverting :func:`ph_kcl_from_ph_water`.

    Used to express a pH-KCl solution of a transfer function (e.g. a safe pH) as the
    pH in water that GB 15618 and the plot table use.

    Parameters
    ----------
    ph_kcl : array_like
        Soil pH in KCl [–].

    Returns
    -------
    numpy.ndarray
        pH in water [–] = (−1.95 + 11.58·log10(pH_KCl) − 0.14) / 0.99 (Kabała et al. 2016,
        as in :func:`ph_kcl_from_ph_water`); NaN where that pH in water is above
        :data:`PH_KCL_CONVERSION_MAX` (it would lie below the pH-KCl given).

    References
    ----------
    .. [1] Kabała C. et al. (2016) Pol. J. Environ. Stud. 25(2):647–653,
       doi:10.15244/pjoes/61549 (``kabala2016_ph``).

    Examples
    --------
    >>> round(float(ph_water_from_ph_kcl(ph_kcl_from_ph_water(6.0))), 10)
    6.0
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        w = (-1.95 + 11.58 * np.log10(np.asarray(ph_kcl, float)) - 0.14) / 0.99
    return np.where(w <= PH_KCL_CONVERSION_MAX, w, np.nan)


def term_transform(x: np.ndarray, transform: str) -> np.ndarray:
    """A term's value: ``x`` itself, or log10 x (NaN where x ≤ 0)."""
    if transform != "log10":
        return x
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, np.log10(np.where(x > 0, x, 1.0)), np.nan)


def as_sold_factor(basis, moisture) -> np.ndarray:
    """Multiplier from a prediction's plant basis to the as-sold basis of food limits [–].

    ``dw`` → 1 − moisture; ``fw`` and ``unknown`` → 1 (unknown is compared as is).
    """
    return np.where(np.asarray(basis, dtype=object) == "dw", 1.0 - np.asarray(moisture, float), 1.0)


def transfer_predictor(terms, variables, n: int, skip=frozenset()) -> np.ndarray:
    """Linear predictor Σ coef·term of a transfer function, for every plot.

    The transfer functions of ``transfer_functions.csv`` share one form: the predictor is a sum of
    a constant and coefficients times the plots' variables or their base-10 logarithms (log10 of
    the crop concentration for a log-linear function, the concentration itself for a linear one;
    :func:`transfer_response` turns it into the concentration).

    Parameters
    ----------
    terms : sequence of (str, str, float)
        The function's terms as ``(variable, transform, coefficient)``: ``transform`` is
        ``'const'`` (the variable is ignored), ``'lin'`` (the variable itself) or ``'log10'``.
        Coefficients are in [log10(mg kg⁻¹) per unit of the term] for a log-linear function,
        [mg kg⁻¹ per unit of the term] for a linear one.
    variables : Mapping of str to numpy.ndarray
        Each variable a term may read, length ``n`` (soil metal [mg kg⁻¹], ``ph`` [–],
        ``som_pct`` [%], ``clay_pct`` [%] …); ``get`` returns ``None`` for a variable that is
        not available.
    n : int
        Number of plots.
    skip : collection of str, optional
        Variables whose terms are left out of the sum (the constant is always counted).

    Returns
    -------
    numpy.ndarray
        The predictor, length ``n`` [log10(mg kg⁻¹) for a log-linear function, mg kg⁻¹ for a
        linear one]; NaN everywhere when a term's variable is not available, NaN where a value is
        missing or a logged value is not positive.

    References
    ----------
    .. [1] McGrath S.P., Adams M.L., Zhao F.J. (2002) Predicting cadmium in UK wheat grain from
       soil properties, SETAC Europe abstract (log10 grain Cd = a + b·log10 soil Cd + c·pH).
    .. [2] de Vries W., Römkens P.F.A.M., Schütze G. (2007) Rev. Environ. Contam. Toxicol.
       191:91–130, doi:10.1007/978-0-387-69163-3_4 (soil→plant relations of this form).

    Examples
    --------
    log10 C = 0.282 + 0.44 · log10 100 − 0.1834 · 6 = 0.282 + 0.88 − 1.1004 = 0.0616:

    >>> terms = [("const", "const", 0.282), ("soil", "log10", 0.44), ("ph", "lin", -0.1834)]
    >>> v = {"soil": np.array([100.0]), "ph": np.array([6.0])}
    >>> transfer_predictor(terms, v, 1).round(4).tolist()
    [0.0616]
    >>> transfer_predictor(terms, v, 1, skip={"ph"}).round(4).tolist()   # 0.282 + 0.88
    [1.162]
    """
    acc = np.zeros(n)
    for var, transform, coef in terms:
        if transform == "const":
            acc = acc + coef
            continue
        if var in skip:
            continue
        x = variables.get(var)
        if x is None:
            return np.full(n, np.nan)
        acc = acc + coef * term_transform(x, transform)
    return acc


def transfer_response(predictor, form: str) -> np.ndarray:
    """Crop concentration from a transfer function's predictor.

    Parameters
    ----------
    predictor : array_like
        Σ coef·term (:func:`transfer_predictor`) [log10(mg kg⁻¹) for ``loglinear``, mg kg⁻¹
        for ``linear``].
    form : {"loglinear", "linear"}
        The function's form: ``loglinear`` is back-transformed, C = 10^predictor; any other form
        is the concentration itself.

    Returns
    -------
    numpy.ndarray or float
        Median crop concentration [mg kg⁻¹, in the function's plant basis].

    References
    ----------
    .. [1] McGrath S.P., Adams M.L., Zhao F.J. (2002) Predicting cadmium in UK wheat grain from
       soil properties, SETAC Europe abstract (log-linear transfer function).

    Examples
    --------
    >>> round(float(transfer_response(0.0616, "loglinear")), 4)   # 10^0.0616
    1.1524
    >>> float(transfer_response(0.25, "linear"))
    0.25
    """
    return 10.0 ** predictor if form == "loglinear" else predictor


def transfer_design(terms, variables, n: int) -> np.ndarray:
    """Values of a transfer function's terms for every plot: the rows x0 of its design matrix.

    Parameters
    ----------
    terms : sequence of (str, str, float)
        The function's terms ``(variable, transform, coefficient)`` (see :func:`transfer_predictor`;
        the coefficients are not used).
    variables : Mapping of str to numpy.ndarray
        Variables of the plots, length ``n`` [unit of each variable].
    n : int
        Number of plots.

    Returns
    -------
    numpy.ndarray
        ``n`` × ``len(terms)``: 1 for ``const``, the variable or its log10 for the others, in the
        order of ``terms`` (so that the predictor of :func:`transfer_predictor` is this matrix times
        the coefficients); NaN where a value is missing or a logged value is not positive, and in
        the whole column of a variable that is not available.

    Examples
    --------
    >>> terms = [("const", "const", 0.282), ("soil", "log10", 0.44), ("ph", "lin", -0.1834)]
    >>> transfer_design(terms, {"soil": np.array([100.0]), "ph": np.array([6.0])}, 1).tolist()
    [[1.0, 2.0, 6.0]]
    """
    out = np.empty((n, len(terms)))
    for k, (var, transform, _) in enumerate(terms):
        if transform == "const":
            out[:, k] = 1.0
            continue
        x = variables.get(var)
        out[:, k] = np.nan if x is None else term_transform(np.asarray(x, float), transform)
    return out


def prediction_widening(n, p) -> np.ndarray:
    """Factor t₀.₉₇₅(n − p)/z₀.₉₇₅ on a fitted function's spread [–].

    A plan reads a function's spread as the SD of a normal distribution; multiplied by this
    factor, its normal 95 % interval is as wide as the t prediction interval of a regression on
    ``n`` pairs with ``p`` coefficients (n − p degrees of freedom, at least 1).

    Parameters
    ----------
    n : array_like
        Pairs fitted [–].
    p : array_like
        Coefficients, the constant included [–].

    Returns
    -------
    numpy.ndarray
        The factor (→ 1 for large n; 1.42 at n = 8, p = 4).

    Examples
    --------
    >>> round(float(prediction_widening(8, 4)), 4), round(float(prediction_widening(400, 3)), 4)
    (1.4166, 1.0031)
    """
    df = np.maximum(np.asarray(n, float) - np.asarray(p, float), 1.0)
    return stdtrit(df, PI_QUANTILE) / ndtri(PI_QUANTILE)


def prediction_spread(design, cov, se_resid, widening) -> np.ndarray:
    """Spread [log10 units] of a fitted function's prediction for each plot, with its leverage.

    s(x0) = √(σ² + x0ᵀ·Cov(β)·x0) × widening: the residual SE σ of the fit and the variance of the
    fitted mean at the plot's term values x0 (for ordinary least squares Cov(β) = σ²(XᵀX)⁻¹, so
    s² = σ²(1 + x0ᵀ(XᵀX)⁻¹x0); for a robust fit the covariance the fit reports), times the t/z
    factor of :func:`prediction_widening`. Far from the centre of the data the fitted mean is
    less certain and the spread wider; averaged over the data, x0ᵀ(XᵀX)⁻¹x0 is p/n.

    Parameters
    ----------
    design : array_like
        Term values x0 of each plot, ``m`` × ``p`` (:func:`transfer_design`).
    cov : array_like
        Covariance of the coefficients, ``p`` × ``p`` [(log10 mg kg⁻¹ per unit of term)²].
    se_resid : float
        Residual SE of the fit [log10 units].
    widening : float
        t/z factor [–] (:func:`prediction_widening`).

    Returns
    -------
    numpy.ndarray
        Spread per plot [log10 units], length ``m``.

    References
    ----------
    .. [1] Draper N.R., Smith H. (1998) Applied Regression Analysis, 3rd ed., Wiley, §3.1
       (variance of a prediction for a new observation).

    Examples
    --------
    σ = 0.2, Cov(β) = diag(0.01, 0.04), x0 = (1, 0.5): √(0.04 + 0.01 + 0.01) = 0.2449:

    >>> cov = np.diag([0.01, 0.04])
    >>> prediction_spread(np.array([[1.0, 0.5]]), cov, 0.2, 1.0).round(4).tolist()
    [0.2449]
    """
    X = np.asarray(design, float)
    var_mean = np.einsum("ij,jk,ik->i", X, np.asarray(cov, float), X)
    return np.sqrt(float(se_resid) ** 2 + var_mean) * widening


def missing_term_inputs(terms, variables, n: int) -> list[tuple[str, np.ndarray]]:
    """Where each input of a transfer function is missing (or not positive where it is logged).

    Parameters
    ----------
    terms : sequence of (str, str, float)
        The function's terms ``(variable, transform, coefficient)`` (see
        :func:`transfer_predictor`).
    variables : Mapping of str to numpy.ndarray
        Variables of the plots, length ``n`` [unit of each variable]; ``get`` returns ``None``
        for one that is not available.
    n : int
        Number of plots.

    Returns
    -------
    list of (str, numpy.ndarray)
        One ``(variable, mask)`` per non-constant term, in the order of ``terms``: the mask
        [bool, length ``n``] is True where the value is NaN, or ≤ 0 for a ``log10`` term, and
        everywhere when the variable is not available.

    References
    ----------
    .. [1] de Vries W., Römkens P.F.A.M., Schütze G. (2007) Rev. Environ. Contam. Toxicol.
       191:91–130, doi:10.1007/978-0-387-69163-3_4 (log-linear relations need positive
       concentrations).

    Examples
    --------
    >>> terms = [("const", "const", 0.3), ("soil", "log10", 0.4), ("ph", "lin", -0.2)]
    >>> v = {"soil": np.array([1.0, 0.0, np.nan]), "ph": np.array([6.0, np.nan, 5.0])}
    >>> [(var, bad.tolist()) for var, bad in missing_term_inputs(terms, v, 3)]
    [('soil', [False, True, True]), ('ph', [False, True, False])]
    """
    out = []
    for var, transform, _ in terms:
        if transform == "const":
            continue
        x = variables.get(var)
        bad = np.ones(n, bool) if x is None else (np.isnan(x) | ((x <= 0) if transform == "log10" else False))
        out.append((var, bad))
    return out


def range_violations(ranges, variables, n: int) -> list[tuple[str, np.ndarray]]:
    """Where each variable lies outside a transfer function's published validity range.

    Parameters
    ----------
    ranges : Mapping of str to (float, float)
        Validity range ``(low, high)`` of each variable [unit of the variable], ends included.
    variables : Mapping of str to numpy.ndarray
        Variables of the plots, length ``n``; a variable that ``get`` does not find counts as
        missing.
    n : int
        Number of plots.

    Returns
    -------
    list of (str, numpy.ndarray)
        One ``(variable, mask)`` per range, in the order of ``ranges``: True [bool] where the
        value is below ``low`` or above ``high``; a missing value is not outside.

    References
    ----------
    .. [1] Li T. et al. (2017) Environ. Sci.: Processes Impacts 19(6):843–850 (CaCl2 rice Cd
       model, fitted on 0.17–10.5 mg kg⁻¹ soil Cd).
    .. [2] Chen et al. (2021) 环境科学 42(4):2031–2039 (Cd BCF of rice, wheat and maize, soil Cd
       0.15–2.66 mg kg⁻¹).

    Examples
    --------
    >>> v = {"soil": np.array([0.1, 1.0, np.nan]), "ph": np.array([4.0, 8.5, 6.0])}
    >>> [(var, bad.tolist()) for var, bad in range_violations({"soil": (0.15, 2.66), "ph": (4.0, 8.0)}, v, 3)]
    [('soil', [True, False, False]), ('ph', [False, True, False])]
    """
    out = []
    for var, (lo, hi) in ranges.items():
        x = variables.get(var, np.full(n, np.nan))
        out.append((var, (x < lo) | (x > hi)))
    return out


def outside_validity_range(ranges, variables, n: int) -> np.ndarray:
    """Whether a plot lies outside a transfer function's validity range, NaN where none is published.

    Parameters
    ----------
    ranges : Mapping of str to (float, float)
        Validity range ``(low, high)`` of each variable [unit of the variable]; empty when the
        function publishes none.
    variables : Mapping of str to numpy.ndarray
        Variables of the plots, length ``n``.
    n : int
        Number of plots.

    Returns
    -------
    numpy.ndarray
        1.0 where any variable is outside its range, 0.0 where none is (missing values are not
        outside), NaN everywhere when ``ranges`` is empty [–].

    References
    ----------
    .. [1] Li T. et al. (2017) Environ. Sci.: Processes Impacts 19(6):843–850 (CaCl2 rice Cd
       model, fitted on 0.17–10.5 mg kg⁻¹ soil Cd).
    .. [2] Chen et al. (2021) 环境科学 42(4):2031–2039 (Cd BCF of rice, wheat and maize, soil Cd
       0.15–2.66 mg kg⁻¹).

    Examples
    --------
    >>> v = {"soil": np.array([0.1, 1.0]), "ph": np.array([5.0, 6.0])}
    >>> outside_validity_range({"soil": (0.15, 2.66), "ph": (4.0, 8.0)}, v, 2).tolist()
    [1.0, 0.0]
    >>> outside_validity_range({}, v, 2).tolist()
    [nan, nan]
    """
    if not ranges:
        return np.full(n, np.nan)
    out = np.zeros(n, bool)
    for _, bad in range_violations(ranges, variables, n):
        out |= bad
    return out.astype(float)


def critical_median(limit_mg_kg, plant_basis, moisture, se_log10, prob: float = 0.95) -> np.ndarray:
    """Largest median crop concentration that meets a food limit with probability ``prob``.

    Parameters
    ----------
    limit_mg_kg : array_like
        Food limit on the as-sold basis [mg kg⁻¹].
    plant_basis : array_like of str
        Plant basis of the transfer function (``dw``, ``fw`` or ``unknown``).
    moisture : array_like
        Moisture of the edible part as sold [–] (used for ``dw`` only).
    se_log10 : array_like
        Residual standard deviation of log10 predictions [log10 units].
    prob : float
        Probability of meeting the limit [–], 0.5 ≤ prob < 1.

    Returns
    -------
    numpy.ndarray
        M* [mg kg⁻¹, in the function's plant basis] = L_b · 10^(−Φ⁻¹(prob)·se_log10); NaN where
        ``limit_mg_kg`` or ``se_log10`` is NaN (not known).

    Raises
    ------
    ValueError
        If ``prob`` is not from 0.5 to below 1, ``se_log10`` is negative or infinite, or
        ``limit_mg_kg`` is not > 0 (the message names the argument, the position and the
        allowed range).

    Examples
    --------
    >>> round(float(critical_median(0.2, "unknown", 0.14, 0.30)), 5)   # 0.2 × 10^(−1.64485 × 0.3)
    0.06421
    >>> round(float(critical_median(0.2, "dw", 0.14, 0.0)), 5)          # 0.2 / (1 − 0.14)
    0.23256
    """
    if not 0.5 <= prob < 1.0:
        raise ValueError(f"prob = {prob!r}: expected a probability from 0.5 to below 1 (e.g. 0.95)")
    se = np.asarray(se_log10, float)
    limit = np.asarray(limit_mg_kg, float)
    for name, x, bad, want in (("se_log10", se, (se < 0) | np.isinf(se), "a spread ≥ 0 log10 units (finite)"),
                               ("limit_mg_kg", limit, (limit <= 0) | np.isinf(limit),
                                "a food limit > 0 mg/kg (finite)")):
        bad = np.atleast_1d(bad)
        if bad.any():
            vals = np.atleast_1d(x)
            at = ", ".join(f"{vals[i]:g}" if vals.ndim == 1 and vals.size == 1 else f"position {i}: {vals[i]:g}"
                           for i in np.flatnonzero(bad)[:5])
            raise ValueError(f"{name} = {at}: expected {want}")
    limit_b = limit / as_sold_factor(plant_basis, moisture)
    return limit_b * 10.0 ** (-float(ndtri(prob)) * se)


def lognormal_from_mean_sd(mean, sd):
    """Median and log10 spread of a log-normal variable from its arithmetic mean and SD.

    Parameters
    ----------
    mean : array_like
        Arithmetic mean [any unit].
    sd : array_like
        Arithmetic standard deviation [same unit].

    Returns
    -------
    median : numpy.ndarray
        Median [same unit] = mean / √(1 + CV²).
    sigma_log10 : numpy.ndarray
        SD of log10 values [log10 units] = √ln(1 + CV²) / ln 10.

    Examples
    --------
    >>> m, s = lognormal_from_mean_sd(0.09, 0.10)
    >>> round(float(m), 4), round(float(s), 4)
    (0.0602, 0.3894)
    """
    mean = np.asarray(mean, float)
    cv2 = (np.asarray(sd, float) / mean) ** 2
    return mean / np.sqrt(1.0 + cv2), np.sqrt(np.log1p(cv2)) / LN10


def lognormal_from_mean_share(mean, share_above, limit):
    """Median and log10 spread of a log-normal variable from its mean and the share above a limit.

    Parameters
    ----------
    mean : array_like
        Arithmetic mean [any unit].
    share_above : array_like
        Share of values above ``limit`` [–], in (0, 1).
    limit : array_like
        The limit [same unit].

    Returns
    -------
    median : numpy.ndarray
        Median [same unit].
    sigma_log10 : numpy.ndarray
        SD of log10 values [log10 units]: a positive root of
        (ln 10 / 2)·σ² − z·σ − (log10 mean − log10 limit) = 0 with z = Φ⁻¹(1 − share).
        With the mean above the limit there is one positive root. With the mean below the
        limit and less than half the values above it there are two; the smaller is returned
        (the larger puts the median far below the mean: for a mean of 0.049 and 5.7 % above
        0.1 it is σ = 1.13 log10 units, a median of 0.0016, against σ = 0.24 and a median
        of 0.042). NaN where no log-normal variable has this mean and share (e.g. a
        geometric mean given as ``mean``).

    Examples
    --------
    >>> m, s = lognormal_from_mean_share(0.28, 0.444, 0.2)
    >>> round(float(m), 4), round(float(s), 4)
    (0.1744, 0.4226)
    >>> m, s = lognormal_from_mean_share(0.049, 0.05732, 0.1)   # mean below the limit: smaller root
    >>> round(float(m), 4), round(float(s), 4)
    (0.0422, 0.2375)
    """
    mean = np.asarray(mean, float)
    z = ndtri(1.0 - np.asarray(share_above, float))
    k = LN10 / 2.0
    d = np.log10(mean) - np.log10(np.asarray(limit, float))
    with np.errstate(invalid="ignore"):
        root = np.sqrt(z * z + 4.0 * k * d)
        sigma = np.where(d < 0, z - root, z + root) / (2.0 * k)
        sigma = np.where(sigma > 0, sigma, np.nan)
    return 10.0 ** (np.log10(limit) - z * sigma), sigma


def exceedance_probability(median, se_log10, limit):
    """Probability that a log-normal crop concentration exceeds a limit.

    Parameters
    ----------
    median : array_like
        Predicted median crop concentration [mg kg⁻¹].
    se_log10 : array_like
        Residual spread of log10 concentration [log10 units].
    limit : array_like
        Food limit on the same basis [mg kg⁻¹].

    Returns
    -------
    numpy.ndarray
        P(C > limit) [–].

    Examples
    --------
    >>> float(exceedance_probability(0.2, 0.3, 0.2))
    0.5
    >>> round(float(exceedance_probability(0.1, 0.3, 0.2)), 4)   # 1 − Φ(log10 2 / 0.3)
    0.1578
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.log10(np.asarray(limit, float)) - np.log10(np.asarray(median, float))) / np.asarray(se_log10, float)
    return 1.0 - ndtr(z)


def auc(prob, outcome) -> float:
    """Area under the ROC curve of probabilities against 0/1 outcomes (Mann–Whitney form).

    Parameters
    ----------
    prob : array_like
        Predicted probabilities [–].
    outcome : array_like of bool
        Observed events.

    Returns
    -------
    float
        AUC [–]; NaN when all outcomes are equal.

    Examples
    --------
    >>> auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    0.75
    """
    p = np.asarray(prob, float)
    o = np.asarray(outcome, bool)
    n1, n0 = int(o.sum()), int((~o).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    from scipy.stats import rankdata  # scipy.stats takes ~0.6 s to import: only when a fit is checked

    r = rankdata(p)
    return float((r[o].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def brier(prob, outcome) -> float:
    """Brier score mean((p − o)²) [–].

    Examples
    --------
    >>> brier([1.0, 0.0, 0.5], [1, 0, 1])
    0.08333333333333333
    """
    p = np.asarray(prob, float)
    o = np.asarray(outcome, float)
    return float(np.mean((p - o) ** 2))


def skill_metrics(observed, median, se_log10, limit) -> dict:
    """Out-of-sample skill of a transfer function's predictions (see the module text).

    Parameters
    ----------
    observed : array_like
        Measured crop concentration [mg kg⁻¹, on the basis of the prediction].
    median : array_like
        Predicted median [mg kg⁻¹].
    se_log10 : array_like or float
        Residual spread used for intervals and probabilities [log10 units].
    limit : array_like or float
        Food limit [mg kg⁻¹] for the exceedance metrics.

    Returns
    -------
    dict
        ``n``, ``bias_log10``, ``rmse_log10``, ``spearman``, ``coverage90``,
        ``mean_prob``, ``observed_rate``, ``brier``, ``brier_base_rate``, ``auc``.

    Examples
    --------
    >>> m = skill_metrics([0.1, 0.2, 0.4], [0.1, 0.2, 0.4], 0.3, 0.25)
    >>> m["bias_log10"], m["rmse_log10"], m["spearman"], m["coverage90"]
    (0.0, 0.0, 1.0, 1.0)
    """
    y = np.asarray(observed, float)
    m = np.asarray(median, float)
    s = np.broadcast_to(np.asarray(se_log10, float), y.shape)
    lim = np.broadcast_to(np.asarray(limit, float), y.shape)
    ok = np.isfinite(y) & (y > 0) & np.isfinite(m) & (m > 0) & np.isfinite(s)
    y, m, s, lim = y[ok], m[ok], s[ok], lim[ok]
    from scipy.stats import spearmanr  # imported here: planning does not need scipy.stats

    d = np.log10(m) - np.log10(y)
    f = 10.0 ** (Z95 * s)
    p = exceedance_probability(m, s, lim)
    o = y > lim
    rate = float(o.mean()) if len(o) else float("nan")
    return {
        "n": int(ok.sum()),
        "bias_log10": float(d.mean()) if len(d) else float("nan"),
        "rmse_log10": float(np.sqrt(np.mean(d ** 2))) if len(d) else float("nan"),
        "spearman": float(spearmanr(m, y).statistic) if len(d) > 2 else float("nan"),
        "coverage90": float(np.mean((y >= m / f) & (y <= m * f))) if len(d) else float("nan"),
        "mean_prob": float(p.mean()) if len(p) else float("nan"),
        "observed_rate": rate,
        "brier": brier(p, o) if len(p) else float("nan"),
        "brier_base_rate": rate * (1.0 - rate),
        "auc": auc(p, o),
    }
