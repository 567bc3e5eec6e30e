"""Safe soil thresholds: transfer functions solved for the soil (or the pH).

A transfer function gives the median crop concentration M; its residual spread
``se_log10`` makes log10 C_plant ~ Normal(log10 M, se_log10). The crop meets a food
limit L (as sold) with probability p when

    M · 10^(z_p · se_log10) ≤ L_b ,   z_p = Φ⁻¹(p),

where L_b is the limit on the function's plant basis: L / (1 − moisture) for a
dry-weight function, L for a fresh-weight function and — the same conservative choice
as the forward check — L for a function of unknown basis. The *critical median*
M* = L_b · 10^(−z_p · se_log10) is therefore the largest median that still complies
with probability p.

The **safe soil threshold** is the soil concentration (in the extract the function
expects) at which M = M* for the plot's other properties: at or below it the crop
meets the limit with probability ≥ p. The **safe pH** is the soil pH (in water) at
which M = M* for the plot's soil concentration: with a negative pH coefficient (every
packaged function) the crop complies at that pH or above. These are the "safe soil
thresholds" derived in Chinese transfer-function studies from the 95 % prediction
bound.

How each form is solved (vectorised over plots):

* log-linear with one ``log10(soil)`` term b (log10 M = r + b·log10 S):
  S* = 10^((log10 M* − r) / b);
* linear / BCF with one ``soil`` term a (M = r + a·S): S* = (M* − r) / a, and 0 when
  that is negative (no soil concentration is safe);
* one pH term c (``ph`` or ``ph_kcl``): pH* = (y* − r) / c with y* = log10 M* or M*;
  a pH-KCl solution is converted to pH in water with the inverse of Kabała et al. (2016);
* anything else (the variable in several terms, e.g. both ``soil`` and
  ``log10(soil)``): a vectorised bisection over soil 10⁻⁶–10⁶ mg kg⁻¹ or pH 2–11,
  assuming the prediction is monotone in the variable over that bracket. When the
  whole soil bracket complies the threshold is ``inf``; when none of it does, 0.

The threshold accounts for the residual spread of the function, not for the
uncertainty of its coefficients (which the fitted functions of
:mod:`agriremed.stages.uptake.fit` report separately).

References
----------
.. [1] Kabała C. et al. (2016) Pol. J. Environ. Stud. 25(2):647–653 (pH-KCl ↔ pH-water).
.. [2] Residual spread fallback: 311 Chinese soil–wheat pairs, RMSE 0.242–0.327 log units
   (``wheat2020_rmse``); thresholds from the prediction bound as in that study.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from agriremed.core import columns as C
from agriremed.core.messages import Message, render
from agriremed.models.uptake import PH_KCL_CONVERSION_MAX, critical_median
from agriremed.core.tables import Tables, load_tables
from agriremed.stages.uptake.predict import edge_capable, edge_inputs  # the plan's edge rule, shared
from agriremed.stages.uptake.predict import (EXTRAPOLATED_UNKNOWN, PH_DOMAIN, checked_plots,
                                             limits_for_crops, moisture_of_crops, outside_range,
                                             predictor_sum, plot_variables, parse_ranges, parse_terms,
                                             ph_kcl_from_ph_water, ph_water_from_ph_kcl, predict_and_unassessed,
                                             rice_type_factor_of, user_fitted_functions, geogenic_factor)

__all__ = [
    "critical_median",
    "solve_for_input",
    "safe_soil_concentration",
    "safe_ph",
    "safe_thresholds",
    "safe_soil_curve",
    "soil_background",
]

#: pH (in water) within which a safe pH is reported for functions that publish no pH range [–]:
#: soils are limed up to about 8.5 at most, and few farmed soils are below 4.
SAFE_PH_RANGE = (4.0, 8.5)

#: Reasons of :func:`~agriremed.stages.uptake.unassessed_metals` that mean the crop has no
#: transfer function for the metal at all (not listed by :func:`safe_thresholds`).
_NO_FUNCTION_CODES = ("upt.none_any", "upt.none_default", "upt.none_crop")

#: Bisection brackets: log10 soil [log10 mg kg⁻¹] and pH in water [–].
_BRACKET = {"soil": (-6.0, 6.0), "ph": (2.0, 11.0)}
_VARIABLES = {"soil": ("soil",), "ph": ("ph", "ph_kcl")}


def solve_for_input(fn, plots: pd.DataFrame, target_mg_kg, variable: str = "soil") -> np.ndarray:
    """Value of one input at which a transfer function predicts a given median.

    Parameters
    ----------
    fn : pandas.Series or namedtuple
        A row of ``transfer_functions.csv``.
    plots : pandas.DataFrame
        Plots with the function's other inputs (``ph`` [–], ``som_pct`` [%], soil metal
        [mg kg⁻¹] …).
    target_mg_kg : array_like
        Median crop concentration to solve for [mg kg⁻¹, function's plant basis].
    variable : {"soil", "ph"}
        ``soil``: the metal in the soil extract the function expects [mg kg⁻¹];
        ``ph``: soil pH in water [–] (pH-KCl, when the function uses it, is derived
        from it with Kabała et al. 2016).

    Returns
    -------
    numpy.ndarray
        The solution for each plot; ``NaN`` where an other input is missing, the
        function does not use the variable, or (pH) no solution lies in pH 2–11 for a
        function that needs the bisection (pH 2 to :data:`PH_KCL_CONVERSION_MAX`, ≈ 9.12, for a
        function with a pH-KCl term: above it pH-KCl is not estimated from pH in water). Soil:
        ``inf`` when every concentration complies, 0 when none does.
    """
    if variable not in _VARIABLES:
        raise ValueError(f"variable = {variable!r}: expected 'soil' or 'ph'")
    n = len(plots)
    names = _VARIABLES[variable]
    v = dict(plot_variables(plots, fn.metal, fn.soil_measure))
    if variable == "ph":  # solving for pH in water: pH-KCl follows it
        v["ph_kcl"] = ph_kcl_from_ph_water(v["ph"])
    target = np.broadcast_to(np.asarray(target_mg_kg, float), (n,))
    loglinear = fn.form == "loglinear"
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(target > 0, np.log10(np.where(target > 0, target, 1.0)), np.nan) if loglinear else target
    hits = [(var, tr, c) for var, tr, c in parse_terms(fn.terms) if var in names]
    if not hits:
        return np.full(n, np.nan)
    if len(hits) == 1 and hits[0][2] != 0.0:
        var, transform, coef = hits[0]
        rest = predictor_sum(fn, v, n, skip=frozenset(names))
        z = (y - rest) / coef
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if variable == "soil":
                if coef < 0:  # crop metal falls as soil metal rises: no soil threshold
                    return np.full(n, np.nan)
                x = 10.0 ** z if transform == "log10" else np.maximum(z, 0.0)
            else:
                x = 10.0 ** z if transform == "log10" else z
                if var == "ph_kcl":
                    x = np.where(x > 0, ph_water_from_ph_kcl(np.where(x > 0, x, 1.0)), np.nan)
        return x
    return _bisect(fn, v, n, y, variable)


def _bisect(fn, v: dict, n: int, y: np.ndarray, variable: str, iterations: int = 60) -> np.ndarray:
    """Vectorised bisection of predictor(x) = y over the variable's bracket."""
    lo_b, hi_b = _BRACKET[variable]
    if variable == "ph" and any(var == "ph_kcl" for var, _, _ in parse_terms(fn.terms)):
        hi_b = min(hi_b, PH_KCL_CONVERSION_MAX)  # pH-KCl is estimated from pH-water up to there only

    def g(u):
        w = dict(v)
        if variable == "soil":
            w["soil"] = 10.0 ** u
        else:
            w["ph"] = u
            w["ph_kcl"] = ph_kcl_from_ph_water(u)
        return predictor_sum(fn, w, n) - y

    lo = np.full(n, lo_b)
    hi = np.full(n, hi_b)
    g_lo, g_hi = g(lo), g(hi)
    bracketed = np.sign(g_lo) * np.sign(g_hi) <= 0
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        g_mid = g(mid)
        left = np.sign(g_mid) == np.sign(g_lo)
        lo = np.where(left, mid, lo)
        g_lo = np.where(left, g_mid, g_lo)
        hi = np.where(left, hi, mid)
    root = 0.5 * (lo + hi)
    if variable == "ph":
        return np.where(bracketed, root, np.nan)
    all_safe = (g(np.full(n, lo_b)) < 0) & (g(np.full(n, hi_b)) < 0)
    none_safe = (g(np.full(n, lo_b)) > 0) & (g(np.full(n, hi_b)) > 0)
    out = np.where(bracketed, 10.0 ** root, np.nan)
    out = np.where(all_safe, np.inf, out)
    return np.where(none_safe, 0.0, out)


def safe_soil_concentration(fn, plots: pd.DataFrame, limit_mg_kg, moisture=np.nan,
                            prob: float = 0.95, se_log10=None) -> np.ndarray:
    """Soil concentration at which a crop meets its food limit with probability ``prob``.

    Parameters
    ----------
    fn : pandas.Series or namedtuple
        A row of ``transfer_functions.csv``.
    plots : pandas.DataFrame
        Plots with the function's other inputs (``ph`` in water [–], ``som_pct`` [%] …).
    limit_mg_kg : array_like
        Food limit, as sold [mg kg⁻¹].
    moisture : array_like
        Moisture of the edible part as sold [–] (needed for dry-weight functions).
    prob : float
        Probability of meeting the limit [–].
    se_log10 : array_like, optional
        Spread of each plot's prediction [log10 units]; default the function's ``se_log10``
        (:func:`safe_thresholds` passes the spread at each plot's leverage for a fitted function
        with ``coef_cov``).

    Returns
    -------
    numpy.ndarray
        Safe soil threshold [mg kg⁻¹, in the soil extract the function expects]:
        at or below it the crop complies with probability ≥ ``prob``.

    Examples
    --------
    Rice grain, BCF 0.915 (Chen et al. 2021), GB 2762 limit 0.2 mg kg⁻¹, residual SE 0.30:

    >>> import pandas as pd
    >>> fn = pd.Series({"metal": "cd", "soil_measure": "total", "form": "linear",
    ...                 "terms": "soil:0.915", "plant_basis": "unknown", "se_log10": 0.30})
    >>> round(float(safe_soil_concentration(fn, pd.DataFrame({"ph": [6.0]}), 0.2)[0]), 4)
    0.0702
    """
    se = fn.se_log10 if se_log10 is None else se_log10
    target = critical_median(limit_mg_kg, fn.plant_basis, moisture, se, prob)
    return solve_for_input(fn, plots, target, "soil")


def safe_ph(fn, plots: pd.DataFrame, limit_mg_kg, moisture=np.nan, prob: float = 0.95,
            se_log10=None) -> np.ndarray:
    """Soil pH (water) at which a crop meets its food limit with probability ``prob``.

    Parameters
    ----------
    fn : pandas.Series or namedtuple
        A row of ``transfer_functions.csv``.
    plots : pandas.DataFrame
        Plots with the soil metal [mg kg⁻¹] and the function's other inputs.
    limit_mg_kg : array_like
        Food limit, as sold [mg kg⁻¹].
    moisture : array_like
        Moisture of the edible part as sold [–].
    prob : float
        Probability of meeting the limit [–].
    se_log10 : array_like, optional
        Spread of each plot's prediction [log10 units]; default the function's ``se_log10``.

    Returns
    -------
    numpy.ndarray
        pH in water [–] at which the ``prob`` quantile of crop metal equals the limit;
        the crop complies at this pH or above when the pH coefficient is negative.
        ``NaN`` for functions without a pH term.
    """
    se = fn.se_log10 if se_log10 is None else se_log10
    target = critical_median(limit_mg_kg, fn.plant_basis, moisture, se, prob)
    return solve_for_input(fn, plots, target, "ph")


def _solved_rows(pred: pd.DataFrame, exact: np.ndarray, by_id: pd.DataFrame, limit: np.ndarray, prob: float,
                 tables: Tables) -> dict:
    """Safe soil (at ``prob`` and at the median) and safe pH of the rows ``exact`` of ``pred``, solved on the
    plan's own prediction (:func:`_solve_on_plan`); arrays over all rows (NaN elsewhere)."""
    n = len(pred)
    out = {k: np.full(n, np.nan) for k in ("soil", "p50", "ph")}
    tf = tables.transfer_functions.set_index("function_id", drop=False)
    metal = pred["metal"].to_numpy(object)
    fid = pred["function_id"].to_numpy(object)
    cols = np.array([C.metal_column(m, None if tf.at[f, "soil_measure"] == "total" else tf.at[f, "soil_measure"])
                     for m, f in zip(metal, fid, strict=True)], dtype=object)
    z = float(ndtri(prob))
    for m, col in pd.MultiIndex.from_arrays([metal[exact], cols[exact]]).unique():
        at = np.flatnonzero(exact & (metal == m) & (cols == col))
        rows = by_id.loc[pred["plot_id"].to_numpy(object)[at]].reset_index()
        crops = pred["crop"].to_numpy(object)[at]
        out["soil"][at] = _solve_on_plan(rows, crops, m, col, limit[at], z, tables, "soil")
        out["p50"][at] = _solve_on_plan(rows, crops, m, col, limit[at], 0.0, tables, "soil")
        out["ph"][at] = _solve_on_plan(rows, crops, m, col, limit[at], z, tables, "ph")
    return out


def _solve_on_plan(rows: pd.DataFrame, crops, metal: str, soil_col: str, limit: np.ndarray, z: float,
                   tables: Tables, variable: str, iterations: int = 50) -> np.ndarray:
    """Soil metal (``variable`` 'soil', in ``soil_col``) or pH in water ('ph') at which the plan's prediction of
    ``metal`` in each row's crop meets ``limit`` at the quantile ``z`` (log10 P50 + z·se = log10 limit), by
    bisection on :func:`~agriremed.stages.uptake.predict_crop_concentration` itself (function choice, carrying on
    beyond a preferred function's range, rice-type factor, spread at the plot). Soil: 0 where no concentration
    complies, inf where every one does (log10 soil −6 … 6). pH: within :data:`SAFE_PH_RANGE`; +inf where no pH
    up to its top complies, −inf where every pH from its bottom does (the caller says which)."""
    n = len(rows)
    base = rows.reset_index(drop=True).copy()
    base["plot_id"] = np.arange(n)
    if variable == "soil" and soil_col not in base.columns:
        base[soil_col] = np.nan
    lim = np.log10(np.asarray(limit, float))

    def g(u):
        r = base.copy()
        r[soil_col if variable == "soil" else "ph"] = 10.0 ** u if variable == "soil" else u
        p = predict_and_unassessed(r, crop=crops, metals=[metal], tables=tables)[0]
        out = np.full(n, np.nan)
        i = p["plot_id"].to_numpy(int)
        out[i] = np.log10(p["crop_fw_p50_mg_kg"].to_numpy(float)) + z * p["se_log10"].to_numpy(float) - lim[i]
        return out

    a, b = (_BRACKET["soil"] if variable == "soil" else SAFE_PH_RANGE)
    lo, hi = np.full(n, float(a)), np.full(n, float(b))
    first, last = g(lo), g(hi)
    g_lo = first
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        g_mid = g(mid)
        left = np.sign(g_mid) == np.sign(g_lo)
        lo, g_lo = np.where(left, mid, lo), np.where(left, g_mid, g_lo)
        hi = np.where(left, hi, mid)
    root = 0.5 * (lo + hi)
    if variable == "soil":  # rises with soil metal
        out = np.where(np.isfinite(first) & np.isfinite(last), 10.0 ** root, np.nan)
        out = np.where(first > 0, 0.0, out)
        return np.where(last < 0, np.inf, out)
    out = np.where(np.isfinite(first) & np.isfinite(last), root, np.nan)  # falls with pH
    out = np.where(first <= 0, -np.inf, out)
    return np.where(last > 0, np.inf, out)


def _ph_direction(fn) -> str:
    coefs = [c for var, _, c in parse_terms(fn.terms) if var in _VARIABLES["ph"]]
    if not coefs:
        return "function has no pH term"
    return "complies at this pH or above" if sum(coefs) < 0 else "complies at this pH or below"


def safe_thresholds(plots: pd.DataFrame, crop=None, metals=None, standard: str = "GB2762",
                    prob: float = 0.95, tables: Tables | None = None) -> pd.DataFrame:
    """Safe soil threshold and safe pH for every plot × metal with a transfer function.

    The function of each plot × metal is chosen by the same rule as
    :func:`~agriremed.stages.uptake.predict_crop_concentration` (province first, then priority). A row predicted
    by a function fitted to the user's pairs, or carried on beyond a preferred function's range, is solved on the
    plan's own prediction (bisection, :func:`_solve_on_plan`): its threshold may lie beyond the range of the fit's
    data, where the prediction is carried on by the packaged function, and the spread is that at the threshold.

    Parameters
    ----------
    plots : pandas.DataFrame
        Validated plots (soil columns [mg kg⁻¹], ``ph`` in water [–] …).
    crop : str or array_like of str, optional
        Crop on each plot; default: the plot's ``crop`` column.
    metals : list of str, optional
        Metals; default: all measured metals.
    standard : str
        Food standard in ``food_limits.csv`` (``GB2762``, ``EU2023_915``, ``CODEX``).
    prob : float
        Probability of meeting the limit [–] (0.95 = the 95 % prediction bound).
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.DataFrame
        One row per plot × metal with a function and a food limit: ``plot_id``,
        ``crop``, ``metal``, ``function_id``, ``soil_measure``, ``plant_basis``,
        ``se_log10`` [log10], ``food_limit_mg_kg`` [mg kg⁻¹ as sold],
        ``safe_prob`` [–], ``soil_input_mg_kg`` (the plot's soil metal in the
        function's extract) [mg kg⁻¹], ``safe_soil_mg_kg`` [mg kg⁻¹, same extract],
        ``safe_soil_p50_mg_kg`` (the threshold at which the *median* crop meets the limit,
        probability 0.5) [mg kg⁻¹], ``background_mg_kg`` (natural background of the metal,
        :func:`soil_background`; NaN for an extract or a metal without one) [mg kg⁻¹],
        ``below_background`` (the threshold is below the background: soil metal alone cannot
        make the crop comply at this pH with this probability; the ``note`` says so),
        ``safe_ph`` [–, in water, at the plot's soil metal; NaN when it would lie outside
        the function's pH range, or :data:`SAFE_PH_RANGE`, or the function does not change with pH (maize above
        pH 8), with the reason in ``note`` on every such row], ``extrapolated``
        (True where a reported threshold — at ``prob`` or at the median — or the plot, predicted at the edge of the
        range, lies outside the function's validity range, the note naming each such threshold and the soil range
        (``upt.safe_soil_outside``; the value is not clipped); ``'unknown'`` where the function publishes none), ``note`` and ``note_msg`` (the
        note as encoded messages, ``upt.safe_ph_*`` …, for English and Chinese). A plot × metal whose crop has a transfer function for the metal and a
        food limit, but on which no function can be used (soil pH outside
        :data:`~agriremed.stages.uptake.PH_DOMAIN`, an input outside every function's
        validity range, functions of other provinces only), gets a row without a threshold
        and the reason in ``not_assessed_reason`` (with ``not_assessed_reason_msg``, the
        reason as an encoded message; both ``''`` on assessed rows). Pairs for which the crop
        has no function for the metal at all are not listed
        (:func:`~agriremed.stages.uptake.unassessed_metals` lists them).

    Raises
    ------
    ValueError
        If a soil metal concentration is negative, or a column the functions read (``ph``,
        soil metals, ``som_pct`` …) holds a value that is not a number (the message names
        the rows, the column and what was expected); validate the plots first with
        :func:`agriremed.validate_plots` for every check of the plot table.

    References
    ----------
    .. [1] Food limits: GB 2762—2025, EU 2023/915, Codex CXS 193 (``food_limits.csv``).
    """
    tables = tables or load_tables()
    plots = _numeric_inputs(plots, tables)
    pred, missing = predict_and_unassessed(plots, crop=crop, metals=metals, tables=tables)
    limit, _ = limits_for_crops(pred["crop"], pred["metal"], standard, tables)
    keep = ~np.isnan(limit)
    pred = pred.loc[keep].reset_index(drop=True)
    limit = limit[keep]
    unassessed = _unassessed_rows(missing, standard, tables)
    if pred.empty:
        return unassessed
    by_id = plots.drop_duplicates("plot_id").set_index("plot_id")
    tf = tables.transfer_functions.set_index("function_id", drop=False)
    n = len(pred)
    soil_in, s_soil, s_ph = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    s_p50, background = np.full(n, np.nan), np.full(n, np.nan)
    measure = np.empty(n, dtype=object)
    outside = np.full(n, np.nan)
    notes = np.empty(n, dtype=object)
    moist = moisture_of_crops(pred["crop"], tables)
    # a rice-type factor f on the predicted grain (rice_type_factor_of) is the limit divided by f
    target = limit.copy()
    if "rice_type" in by_id.columns:
        fns = tf.loc[pred["function_id"]]
        f, _ = rice_type_factor_of(by_id["rice_type"].reindex(pred["plot_id"]).to_numpy(object), pred["crop"],
                                   pred["metal"], fns["priority"].to_numpy(float),
                                   fns["fitted_crop"].to_numpy(object), tables)
        target = target / f
    # so is the karst/geogenic factor of a plot given high_background yes (its spread is the plan's, widened)
    if "high_background" in by_id.columns:
        fns = tf.loc[pred["function_id"]]
        # the plot's region and crop decide where the factor holds (geogenic_factor: its provinces, a crop with a shift)
        geo_plots = pd.DataFrame({c: by_id[c].reindex(pred["plot_id"]).to_numpy(object)
                                  for c in ("high_background", "region", "crop") if c in by_id.columns})
        g, _, _ = geogenic_factor(geo_plots, np.ones(n, bool), {"function_id": pred["function_id"].to_numpy(object),
                                                                "priority": fns["priority"].to_numpy(float)},
                                  tables)
        target = target / g
    assumed = (pred["assumed_inputs"].fillna("").astype(str).to_numpy(object) if "assumed_inputs" in pred
               else np.full(n, "", dtype=object))
    edge = np.array([isinstance(x, (bool, np.bool_)) and bool(x) for x in pred["extrapolated"].to_numpy(object)],
                    bool)
    # a prediction carried on beyond its preferred function's range (predict._carry_beyond; user_fit_edge_ratio given)
    step = (pred["user_fit_edge_ratio"].to_numpy(float) if "user_fit_edge_ratio" in pred else np.full(n, np.nan))
    msgs = [[] for _ in range(n)]  # the note of each row as messages (note_msg), in the order of the note
    # a user's fit, and any row carried on beyond a preferred function's range, is solved on the plan's own
    # prediction (_solve_on_plan): the threshold may lie on the other side of the fit's range, where the
    # prediction is carried on by another function, and it stays continuous where a plot crosses that range
    exact = np.isin(pred["function_id"].to_numpy(object), list(user_fitted_functions(tables))) | np.isfinite(step)
    solved = _solved_rows(pred, exact, by_id, limit, prob, tables) if exact.any() else {}
    for fid in pd.unique(pred["function_id"]):  # loop over the few functions in use
        sel = (pred["function_id"] == fid).to_numpy()
        fn = tf.loc[fid]
        # the covariates the prediction assumed (blank som_pct, clay_pct: covariate_defaults.csv), as the plan does
        sub = _with_assumed_inputs(by_id.loc[pred.loc[sel, "plot_id"]].reset_index(), assumed[sel])
        soil_col = C.metal_column(fn.metal, None if fn.soil_measure == "total" else fn.soil_measure)
        soil_in[sel] = sub[soil_col].to_numpy(float)
        # the spread of the plot's prediction (at its leverage, for a fitted function with coef_cov)
        se = pred["se_log10"].to_numpy(float)[sel]
        # a plot outside the function's range is solved at the edge, as it was predicted (edge_inputs)
        sub_soil = _at_edge(fn, sub, edge[sel], keep="soil")
        s_soil[sel] = safe_soil_concentration(fn, sub_soil, target[sel], moist[sel], prob, se)
        s_p50[sel] = safe_soil_concentration(fn, sub_soil, target[sel], moist[sel], 0.5)
        if fn.soil_measure == "total":  # the background is of total soil metal
            background[sel] = soil_background(fn.metal, tables)
        s_ph[sel] = safe_ph(fn, _at_edge(fn, sub, edge[sel], keep="ph"), target[sel], moist[sel], prob, se)
        ex = exact[sel]
        if ex.any():
            at = np.flatnonzero(sel)[ex]
            s_soil[at], s_p50[at], s_ph[at] = solved["soil"][at], solved["p50"][at], solved["ph"][at]
        measure[sel] = fn.soil_measure
        # every reported threshold (at prob and at the median) is checked against the function's validity range:
        # one beyond it is extrapolated (not clipped), and the note names the value and the soil range
        outside[sel] = np.fmax(outside_range(fn, sub.assign(**{soil_col: s_soil[sel]})),
                               outside_range(fn, sub.assign(**{soil_col: s_p50[sel]})))
        outside[sel] = np.where(edge[sel], 1.0, outside[sel])
        soil_range = parse_ranges(fn.valid_ranges).get("soil")
        # a safe pH within the function's pH range (else SAFE_PH_RANGE) with its direction; beyond it, or for a
        # function that does not change with pH, why there is none (never a blank: the same note at every pH)
        lo, hi = parse_ranges(fn.valid_ranges).get("ph", SAFE_PH_RANGE)
        lo, hi = np.where(ex, SAFE_PH_RANGE[0], lo), np.where(ex, SAFE_PH_RANGE[1], hi)  # solved on the plan: 4–8.5
        ph_sel = s_ph[sel]
        high, low = ph_sel > hi, ph_sel < lo
        flat = not any(var in _VARIABLES["ph"] for var, _, _ in parse_terms(fn.terms))
        complies = soil_in[sel] <= s_soil[sel]
        for k, i in enumerate(np.flatnonzero(sel)):
            if flat and not ex[k]:
                code = "upt.safe_ph_flat_complies" if complies[k] else "upt.safe_ph_flat_none"
                msgs[i].append(Message.of(code, function=fid, prob=float(prob)))
            elif high[k]:
                msgs[i].append(Message.of("upt.safe_ph_none", hi=float(hi[k]), prob=float(prob)))
            elif low[k]:
                msgs[i].append(Message.of("upt.safe_ph_any", lo=float(lo[k]), prob=float(prob)))
            elif np.isfinite(ph_sel[k]):  # a row that could not be solved never "complies"
                msgs[i].append(Message.of("upt.safe_ph_up" if _ph_direction(fn).endswith("above")
                                          else "upt.safe_ph_down"))
            if assumed[i]:
                msgs[i].append(Message.of("upt.safe_assumed_inputs", inputs=assumed[i]))
            msgs[i].extend(_outside_soil_range(soil_range, ((prob, s_soil[i]), (0.5, s_p50[i])), fn.metal, fid))
        s_ph[sel] = np.where(high | low, np.nan, ph_sel)
    below = s_soil < background
    for i in np.flatnonzero(below):  # the threshold lies under the natural background: soil metal alone cannot do it
        msgs[i].append(Message.of("upt.below_background", background=float(background[i]),
                                  metal=str(pred["metal"].iloc[i]).capitalize()))
    note_msg = np.array([sum(parts[1:], parts[0]).encode() if parts else "" for parts in msgs], dtype=object)
    notes[:] = [render(m, "en") for m in note_msg]  # the parts joined as every message's are (messages._glue)
    out = pd.DataFrame({
        "plot_id": pred["plot_id"].to_numpy(object),
        "crop": pred["crop"].to_numpy(object),
        "metal": pred["metal"].to_numpy(object),
        "function_id": pred["function_id"].to_numpy(object),
        "soil_measure": measure,
        "plant_basis": pred["plant_basis"].to_numpy(object),
        "se_log10": pred["se_log10"].to_numpy(float),
        "food_limit_mg_kg": limit,
        "safe_prob": np.full(n, float(prob)),
        "soil_input_mg_kg": soil_in,
        "safe_soil_mg_kg": s_soil,
        "safe_soil_p50_mg_kg": s_p50,
        "background_mg_kg": background,
        "below_background": pd.array(np.where(np.isnan(background) | np.isnan(s_soil), None, below),
                                     dtype="boolean"),
        "safe_ph": s_ph,
        "extrapolated": _extrapolated_flags(outside),
        "note": notes,
        "note_msg": note_msg,
        "not_assessed_reason": "",
        "not_assessed_reason_msg": "",
    })[THRESHOLD_COLUMNS]
    if not len(unassessed):
        return out
    both = pd.concat([out, unassessed], ignore_index=True)
    # plot by plot in the input order, the metals of a plot in their order
    order = np.lexsort((np.arange(len(both)), pd.Index(pd.unique(plots["plot_id"])).get_indexer(both["plot_id"])))
    return both.iloc[order].reset_index(drop=True)


#: Columns of :func:`safe_thresholds`.
THRESHOLD_COLUMNS = ["plot_id", "crop", "metal", "function_id", "soil_measure", "plant_basis", "se_log10",
                     "food_limit_mg_kg", "safe_prob", "soil_input_mg_kg", "safe_soil_mg_kg",
                     "safe_soil_p50_mg_kg", "background_mg_kg", "below_background", "safe_ph",
                     "extrapolated", "note", "note_msg", "not_assessed_reason", "not_assessed_reason_msg"]


def soil_background(metal: str, tables: Tables | None = None) -> float:
    """Natural background of a metal in (total) Chinese topsoil [mg kg⁻¹]; NaN when none is tabulated.

    The factor ``soil_background_<metal>_mg_kg`` of ``factors.csv`` (Cd: 0.097 mg kg⁻¹, the
    A-horizon arithmetic mean of the 1990 national soil background survey; set a local value
    with ``factor.soil_background_cd_mg_kg``). A safe soil threshold below it cannot be reached
    by lowering soil metal: :func:`safe_thresholds` flags it (``below_background``).

    Examples
    --------
    >>> soil_background("cd")
    0.097
    """
    tables = tables or load_tables()
    try:
        return tables.factor(f"soil_background_{metal}_mg_kg")
    except KeyError:
        return float("nan")


def _outside_soil_range(soil_range, thresholds, metal: str, function_id: str) -> list:
    """``upt.safe_soil_outside`` for each (probability, threshold [mg kg⁻¹]) of ``thresholds`` that lies outside
    ``soil_range`` (the function's soil range ``(lo, hi)`` [mg kg⁻¹]; None: none published, nothing said); a
    threshold of 0 (no soil complies), inf (every soil does) or NaN is not one to state; one probability once."""
    if soil_range is None:
        return []
    lo, hi = soil_range
    out, seen = [], set()
    for p, value in thresholds:
        if p in seen or not (np.isfinite(value) and value > 0) or lo <= value <= hi:
            continue
        seen.add(p)
        out.append(Message.of("upt.safe_soil_outside", prob=float(p), value=float(value), metal=str(metal).capitalize(),
                              function=str(function_id), lo=float(lo), hi=float(hi)))
    return out


def _extrapolated_flags(outside: np.ndarray) -> np.ndarray:
    """``extrapolated`` of the thresholds: True/False where the function publishes a validity range,
    ``'unknown'`` (:data:`~agriremed.stages.uptake.predict.EXTRAPOLATED_UNKNOWN`) where it publishes none."""
    out = np.empty(len(outside), dtype=object)
    out[:] = [EXTRAPOLATED_UNKNOWN if np.isnan(x) else bool(x == 1.0) for x in outside]
    return out


def _with_assumed_inputs(sub: pd.DataFrame, assumed) -> pd.DataFrame:
    """``sub`` (one row per prediction) with the covariates its prediction assumed (``assumed_inputs``:
    ``'som_pct=2.5|clay_pct=20'``) written into their blank cells, so that the thresholds are solved with the
    values the prediction used."""
    fill: dict = {}
    for i, text in enumerate(assumed):
        for piece in str(text or "").split("|"):
            if "=" in piece:
                name, val = piece.split("=", 1)
                fill.setdefault(name, np.full(len(sub), np.nan))[i] = float(val)
    if not fill:
        return sub
    cols = {}
    for name, vals in fill.items():
        have = sub[name].to_numpy(float) if name in sub.columns else np.full(len(sub), np.nan)
        cols[name] = np.where(np.isnan(have), vals, have)
    return sub.assign(**cols)


def _at_edge(fn, sub: pd.DataFrame, edge: np.ndarray, keep: str) -> pd.DataFrame:
    """``sub`` with the inputs of its rows ``edge`` (predicted at the edge of the function's validity range)
    taken as the prediction took them (:func:`~agriremed.stages.uptake.predict.edge_inputs`), except ``keep``
    (``'soil'`` or ``'ph'``), the input being solved for."""
    if not edge.any():
        return sub
    ranges = parse_ranges(fn.valid_ranges)
    v = plot_variables(sub, fn.metal, fn.soil_measure)
    moved, _ = edge_inputs(fn, v, len(sub))
    cols = {}
    for var in ranges:
        if var in _VARIABLES.get(keep, (keep,)):
            continue
        col = C.metal_column(fn.metal, None if fn.soil_measure == "total" else fn.soil_measure) \
            if var == "soil" else var
        if col not in sub.columns:
            continue
        cols[col] = np.where(edge, np.asarray(moved[var], float), sub[col].to_numpy(float))
    return sub.assign(**cols) if cols else sub


def _numeric_inputs(plots: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    """``plots`` with the columns the transfer functions read as numbers; a ``ValueError`` naming
    the rows, the column and what was expected when a value is not a number or not finite (a blank
    is not measured): :func:`~agriremed.stages.uptake.predict.checked_plots`."""
    return checked_plots(plots, tables)


def _unassessed_rows(missing: pd.DataFrame, standard: str, tables: Tables) -> pd.DataFrame:
    """Rows of :func:`safe_thresholds` for the plot × metal pairs whose crop has a transfer function
    for the metal and a food limit but whose function cannot be used on the plot (pH outside
    :data:`~agriremed.stages.uptake.PH_DOMAIN`, an input outside a function's range, a province
    without the function …): no threshold, the reason in ``not_assessed_reason``."""
    if not len(missing):
        return pd.DataFrame(columns=THRESHOLD_COLUMNS)
    enc = missing["reason_msg"].to_numpy(object)
    generic = np.array([Message.decode(e).codes[:1] in [(c,) for c in _NO_FUNCTION_CODES] for e in enc], bool)
    limit, _ = limits_for_crops(missing["crop"], missing["metal"], standard, tables)
    m = missing.loc[~generic & ~np.isnan(limit)].reset_index(drop=True)
    limit = limit[~generic & ~np.isnan(limit)]
    k = len(m)
    return pd.DataFrame({
        "plot_id": m["plot_id"].to_numpy(object), "crop": m["crop"].to_numpy(object),
        "metal": m["metal"].to_numpy(object), "function_id": np.full(k, None, dtype=object),
        "soil_measure": np.full(k, None, dtype=object), "plant_basis": np.full(k, None, dtype=object),
        "se_log10": np.full(k, np.nan), "food_limit_mg_kg": limit, "safe_prob": np.full(k, np.nan),
        "soil_input_mg_kg": np.full(k, np.nan), "safe_soil_mg_kg": np.full(k, np.nan),
        "safe_soil_p50_mg_kg": np.full(k, np.nan), "background_mg_kg": np.full(k, np.nan),
        "below_background": pd.array([None] * k, dtype="boolean"),
        "safe_ph": np.full(k, np.nan), "extrapolated": pd.array([None] * k, dtype="boolean"),
        "note": np.full(k, "", dtype=object), "note_msg": np.full(k, "", dtype=object), "not_assessed_reason": m["reason"].to_numpy(object),
        "not_assessed_reason_msg": m["reason_msg"].to_numpy(object),
    })[THRESHOLD_COLUMNS]


def safe_soil_curve(function_id: str, ph, crop: str | None = None, standard: str = "GB2762",
                    prob: float = 0.95, tables: Tables | None = None, **soil) -> pd.DataFrame:
    """Safe soil threshold of one transfer function along a pH gradient.

    Parameters
    ----------
    function_id : str
        A function of ``transfer_functions.csv`` (packaged or user).
    ph : array_like
        Soil pH values in water [–].
    crop : str, optional
        Crop whose food limit and moisture apply; default: the function's
        ``fitted_crop`` (or the first crop of ``applies_to``).
    standard : str
        Food standard.
    prob : float
        Probability of meeting the limit [–].
    tables : Tables, optional
        Literature tables.
    **soil
        Other inputs the function needs, as scalars (``som_pct=2.5``, ``clay_pct=30``).

    Returns
    -------
    pandas.DataFrame
        ``ph`` [–], ``safe_soil_mg_kg`` [mg kg⁻¹, in the function's extract] and ``safe_soil_p50_mg_kg``
        (the threshold at which the median crop meets the limit, probability 0.5) [mg kg⁻¹], with
        ``function_id``, ``crop``, ``food_limit_mg_kg`` [mg kg⁻¹ as sold], ``extrapolated`` and ``note``, as a
        plan treats a plot at that pH. ``extrapolated``, as in :func:`safe_thresholds`: True where a reported
        threshold (at ``prob`` or at the median) lies outside the function's validity range (the note names it and
        the soil range, ``upt.safe_soil_outside``; the value is not clipped) or the pH is solved at the edge of the
        range; ``'unknown'`` where the function publishes no range; None where no threshold is given. A pH outside the domain of the functions (:data:`~agriremed.stages.uptake.PH_DOMAIN`,
        3–10) or a missing pH gets no threshold (NaN) and says so; a pH inside it but outside the function's
        published pH range is solved at the edge of the range
        (:func:`~agriremed.stages.uptake.predict.edge_inputs`: the function's trend continued where it rises
        beyond the end, else the value at the end), the note saying so (extrapolated); a function fitted to the
        user's pairs, or one whose range is on an input it does not read, gives no threshold beyond its range (for
        a fit the note says how a plan and ``agriremed safe-soil`` carry it on with the plot's packaged function).

    Raises
    ------
    KeyError
        If ``function_id`` is not in ``transfer_functions.csv``.
    ValueError
        If a value of ``ph`` (naming its position) or of ``**soil`` (naming the argument) is not a number, or
        ``prob`` is not from 0.5 to below 1.

    Examples
    --------
    >>> c = safe_soil_curve("mcgrath2002_wheat_cd", [6.0, 7.0])
    >>> c["safe_soil_mg_kg"].round(4).tolist()   # × 10^(0.1834/0.44) ≈ 2.61 per pH unit
    [0.0123, 0.032]
    >>> c["extrapolated"].tolist()   # the UK function publishes no validity range
    ['unknown', 'unknown']
    >>> r = safe_soil_curve("synth_rice_cd_ph", [6.0, 7.0])  # soil 0.05–10 mg/kg: the median at pH 7 lies above
    >>> r["extrapolated"].tolist(), bool(r["safe_soil_p50_mg_kg"].iloc[1] > 10)
    ([False, True], True)
    """
    tables = tables or load_tables()
    tf = tables.transfer_functions.set_index("function_id", drop=False)
    if function_id not in tf.index:
        raise KeyError(f"transfer function {function_id!r} is not in transfer_functions.csv")
    fn = tf.loc[function_id]
    if crop is None:
        crop = fn.fitted_crop if isinstance(fn.fitted_crop, str) and fn.fitted_crop else \
            str(fn.applies_to).split("|")[0]
    ph = _curve_numbers(ph, "ph")
    grid = pd.DataFrame({"ph": ph, **{k: np.full(ph.shape, _curve_numbers(v, k)[0]) for k, v in soil.items()}})
    limit, _ = limits_for_crops([crop], [fn.metal], standard, tables)
    moist = moisture_of_crops([crop], tables)
    dlo, dhi = PH_DOMAIN
    lo, hi = parse_ranges(fn.valid_ranges).get("ph", PH_DOMAIN)
    lo, hi = max(lo, dlo), min(hi, dhi)
    with np.errstate(invalid="ignore"):
        off = (ph < dlo) | (ph > dhi)
        beyond = ~off & ((ph < lo) | (ph > hi))
    missing = np.isnan(ph)
    user_fit = function_id in user_fitted_functions(tables)
    edge = beyond & (not user_fit) & edge_capable(fn)
    # the plan's edge rule (edge_inputs): beyond the function's pH range the threshold is solved where the plot
    # is predicted, at the higher of the function's own trend and its value at the end of the range
    solved = _at_edge(fn, grid, edge, keep="soil")
    safe = safe_soil_concentration(fn, solved, limit[0], moist[0], prob)
    p50 = safe_soil_concentration(fn, solved, limit[0], moist[0], 0.5)
    note = np.full(len(ph), "", dtype=object)
    note[missing] = "pH missing: not used"
    note[off] = f"pH outside {dlo:g}–{dhi:g}, the domain of the transfer functions: not used"
    if edge.any():
        _, how = edge_inputs(fn, plot_variables(grid, fn.metal, fn.soil_measure), len(grid))
        note[edge] = [f"extrapolated: {h} (as a plan predicts there)" for h in how[edge]]
    rest = beyond & ~edge
    note[rest] = (f"pH outside {lo:g}–{hi:g}, the range of the data {function_id} was fitted on: no threshold "
                  "from the fit alone (a plan carries the fit on with the change of the packaged function the plot "
                  "takes; `agriremed safe-soil` solves a plot that way)"
                  if user_fit else f"pH outside {lo:g}–{hi:g}, the range of {function_id}: not used")
    none = off | missing | rest
    safe, p50 = np.where(none, np.nan, safe), np.where(none, np.nan, p50)
    # as safe_thresholds: every reported threshold (at prob and at the median) is checked against the function's
    # validity range, one beyond it extrapolated (not clipped), the note naming it and the soil range; a pH solved
    # at the edge of the range is extrapolated too; 'unknown' where the function publishes no range
    soil_col = C.metal_column(fn.metal, None if fn.soil_measure == "total" else fn.soil_measure)
    outside = np.fmax(outside_range(fn, grid.assign(**{soil_col: safe})),
                      outside_range(fn, grid.assign(**{soil_col: p50})))
    outside = np.where(edge, 1.0, outside)
    flags = _extrapolated_flags(outside)
    flags[none] = None
    soil_range = parse_ranges(fn.valid_ranges).get("soil")
    for i in np.flatnonzero(~none):
        extra = [render(m, "en") for m in _outside_soil_range(soil_range, ((prob, safe[i]), (0.5, p50[i])),
                                                               fn.metal, function_id)]
        note[i] = "; ".join([x for x in (note[i], *extra) if x])
    return pd.DataFrame({
        "function_id": function_id, "crop": crop, "ph": ph,
        "food_limit_mg_kg": limit[0],
        "safe_soil_mg_kg": safe,
        "safe_soil_p50_mg_kg": p50,
        "extrapolated": pd.Series(flags, dtype=object),
        "note": note,
    })


def _curve_numbers(values, name: str) -> np.ndarray:
    """``values`` (a scalar or array_like) as floats; a ``ValueError`` naming ``name`` and the position of a
    value that is not a number."""
    arr = np.atleast_1d(np.asarray(values, dtype=object))
    out = np.full(arr.shape, np.nan)
    for i, x in enumerate(arr):
        if x is None or (isinstance(x, str) and not x.strip()):
            continue
        try:
            out[i] = float(x)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: position {i} ({x!r}) is not a number; expected "
                             + (f"a soil pH in water from {PH_DOMAIN[0]:g} to {PH_DOMAIN[1]:g}" if name == "ph"
                                else "a number")) from None
    return out
