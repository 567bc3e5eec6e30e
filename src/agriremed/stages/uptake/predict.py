"""Soil → crop transfer functions and the food-limit check.

Transfer functions are rows of ``transfer_functions.csv``. Each has a *form*
(``loglinear``: log10 C_plant = Σ coef·term; ``linear``: C_plant = Σ coef·term), a list
of *terms* (``const``, a variable, or ``log10(variable)``; the placeholder ``soil`` is
the metal in the soil extract the function expects), the plant *basis* of its output
(``dw``, ``fw`` or ``unknown``), an optional *validity range* and the residual spread
``se_log10`` of log10 predictions.

Selection rule (readable, data-driven): for a plot × crop × metal, take the usable
functions whose ``applies_to`` lists the crop. First try the user's own functions
(``priority`` ≤ 0, as written by ``fit-uptake``), then those fitted in the plot's
province (``provinces`` named in the plot's ``region`` text, in English or Chinese, or the
province of the city or county the region names alone, ``湘潭``), then
those that name no province, each time in ascending ``priority`` (a function that names
its provinces is used only there); use the first one whose inputs are all available for the plot, inside its
validity range (for a user's fit, the range of its data), and whose prediction is positive (and, for a linear function
that gives one, not below its floor ``floor_mg_kg``). The chosen ``function_id``
is reported with every prediction, and the functions skipped before it, with the reason,
in ``selection``. Where every function of the crop was skipped only because an input lies outside
its validity range, the first of them predicts *at the edge* of its range (:func:`edge_inputs`:
each input beyond the range at the higher of its own value and the range's end), flagged
``extrapolated``: the prediction is continuous where a plot crosses the end of the range and never
lower than at the end. Where the first function that could be used but for its range (a user's fit, an
opt-in or regional function, f) gives way to a later one (g), f is carried on beyond its range:
f(x_edge) · g(x) / g(x_edge), x_edge being the inputs moved to the nearest end of f's ranges
(:func:`_carry_beyond`; continuous, monotone in pH wherever g is, flagged ``extrapolated``); a linear function below
its floor is outside its range in output space and carried on from the floor the same way
(:func:`prediction_floor`). A pH-KCl
estimated from a pH in water above the range of the conversion is held at its end (conservative, flagged).

Intervals assume log10 C_plant ~ Normal(log10 median, se_log10). The probability of
exceeding a food limit L (as-sold basis) is 1 − Φ((log10 L − log10 C_as_sold)/se_log10). A function
fitted with ``fit-uptake`` carries the covariance of its coefficients (``coef_cov``) and its residual
SE (``se_resid_log10``): its spread is then that of each plot,
se(x0) = √(se_resid² + x0ᵀ·Cov·x0) × t₀.₉₇₅(n − p)/z₀.₉₇₅ at the plot's term values x0
(:func:`function_spreads`, :func:`agriremed.models.uptake.prediction_spread`), wider the farther the plot
lies from the centre of the data; every other function keeps its constant ``se_log10``.

Basis: a dry-weight prediction is converted to the as-sold basis of the food limits by
C_as_sold = C_dw × (1 − moisture); a prediction of unknown basis is compared with the
limit as is (the conservative choice: it can only overstate the as-sold value).

References
----------
.. [1] McGrath, Adams & Zhao (2002), SETAC Europe abstract (UK wheat Cd).
.. [2] Jiangsu suburban rice and wheat Cd functions (2007), acemap.info/paper/26112532.
.. [3] Li et al. (2017), Jiangsu CaCl2 rice Cd model.
.. [4] Chen et al. (2021), 环境科学 42(4):2031–2039 (Cd BCF of rice, wheat, maize).
.. [5] de Vries, Römkens & Schütze (2007), doi:10.1007/978-0-387-69163-3_4 (crop set; attribution unconfirmed).
.. [6] Kabała et al. (2016), doi:10.15244/pjoes/61549 (pH-water ↔ pH-KCl).
.. [7] Residual spread fallback: 311 Chinese soil–wheat pairs, RMSE 0.242–0.327 log units.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.special import ndtr

from agriremed.core import columns as C
from agriremed.core import frames as _frames
from agriremed.core.i18n import region_province
from agriremed.core.messages import Message, Note, encode_column, printed, render
from agriremed.models.uptake import (PH_KCL_CONVERSION_MAX, Z95, as_sold_factor, ph_kcl_from_ph_water,
                                     ph_water_from_ph_kcl, missing_term_inputs, outside_validity_range,
                                     prediction_spread, prediction_widening, range_violations, transfer_design,
                                     transfer_predictor, transfer_response)
from agriremed.models.uptake import term_transform  # noqa: F401  (an ``agriremed.stages.uptake.predict`` name)
from agriremed.core.tables import Tables, coef_cov_checked, load_tables
from agriremed.stages.uptake.covariates import (assumed_covariate, assumed_text, covariate_rows,
                                                covariate_variance)
from agriremed.core.names import HIGH_BACKGROUND_ALIASES
from agriremed.stages.uptake.synthesis import geogenic_adjustments, rice_type_factors as _factors, synthesis_slopes

__all__ = [
    "ph_kcl_from_ph_water",
    "ph_water_from_ph_kcl",
    "parse_terms",
    "parse_ranges",
    "edge_capable",
    "ph_below_every_function",
    "evaluate_function",
    "predict_crop_concentration",
    "food_safety",
    "row_standards",
    "crop_compliance",
    "function_coverage",
    "function_inputs",
    "province_names",
    "unassessed_metals",
    "user_fitted_functions",
    "function_spreads",
    "FITTED_STATUS",
    "predict_and_unassessed",
    "NotAssessedWarning",
    "no_function_message",
    "checked_plots",
    "plots_as_numbers",
    "above_screening",
    "PH_DOMAIN",
    "rice_type_factors",
    "rice_type_factor_of",
    "geogenic_factor",
    "geogenic_declined",
    "high_background_yes",
    "assumed_inputs_text",
]

#: One model term of a ``terms`` cell: ``log10(<var>)`` (groups ``fn``, ``var``) or a plain ``<var>``
#: (group ``plain``).
TERM_RE = re.compile(r"^(?:(?P<fn>log10)\((?P<var>[a-z0-9_]+)\)|(?P<plain>[a-z0-9_]+))$")


def parse_terms(terms: str) -> list[tuple[str, str, float]]:
    """Parse a ``terms`` cell into ``(variable, transform, coefficient)`` triples.

    Parameters
    ----------
    terms : str
        ``'|'``-separated ``term:coefficient`` pairs, e.g.
        ``'const:0.282|log10(soil):0.44|ph:-0.1834'``.

    Returns
    -------
    list of tuple
        ``transform`` is ``'const'``, ``'lin'`` or ``'log10'``.
    """
    out = []
    for part in str(terms).split("|"):
        name, coef = part.rsplit(":", 1)
        name = name.strip()
        m = TERM_RE.match(name)
        if m is None:
            raise ValueError(f"cannot parse transfer-function term {name!r}")
        if name == "const":
            out.append(("const", "const", float(coef)))
        elif m["fn"]:
            out.append((m["var"], "log10", float(coef)))
        else:
            out.append((m["plain"], "lin", float(coef)))
    return out


def parse_ranges(cell) -> dict[str, tuple[float, float]]:
    """Parse a ``valid_ranges`` cell (``'soil:0.15..2.66;ph:4..8'``)."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)) or not str(cell).strip():
        return {}
    out = {}
    for part in str(cell).split(";"):
        var, rng = part.split(":")
        lo, hi = rng.split("..")
        out[var.strip()] = (float(lo), float(hi))
    return out


class _Variables(Mapping):
    """The variables a transfer function can use, for every plot, read from ``plots`` on demand.

    ``soil`` is the metal in the soil extract the function expects; ``ph_kcl`` is the plot's
    value or, where it is blank, derived from pH in water. ``subset(idx)`` gives the same
    variables for some plots only (sharing what has been read).
    """

    def __init__(self, plots: pd.DataFrame, metal: str, soil_measure: str, idx=None, cache=None):
        self._plots, self._metal, self._measure = plots, metal, soil_measure
        self._idx = idx
        self._cache = {} if cache is None else cache
        self._n = len(plots) if idx is None else len(idx)

    def _full(self, name):
        hit = self._cache.get(name)
        if hit is not None:
            return hit
        plots, n = self._plots, len(self._plots)
        get = lambda c: plots[c].to_numpy(float) if c in plots.columns else np.full(n, np.nan)  # noqa: E731
        if name == "ph_kcl":
            # a measured pH-KCl wins row by row; where it is blank it is estimated from pH in water
            # above the conversion's range (pH-KCl would exceed pH-water) it is held at the range's end
            # (PH_KCL_CONVERSION_MAX: the conservative edge, the functions falling with pH-KCl), flagged
            # extrapolated by the prediction (_held_ph_kcl)
            measured = get("ph_kcl")
            v = np.where(np.isnan(measured), ph_kcl_from_ph_water(np.minimum(get("ph"), PH_KCL_CONVERSION_MAX)),
                         measured)
        elif name == "soil":
            v = get(C.metal_column(self._metal, None if self._measure == "total" else self._measure))
        else:
            v = get(name)
        self._cache[name] = v
        return v

    def __getitem__(self, name):
        if name not in _VARIABLE_NAMES:
            raise KeyError(name)
        v = self._full(name)
        return v if self._idx is None else v[self._idx]

    def __iter__(self):
        return iter(_VARIABLE_NAMES)

    def __len__(self):
        return len(_VARIABLE_NAMES)

    def subset(self, idx) -> _Variables:
        idx = np.asarray(idx)
        if self._idx is not None:
            idx = self._idx[idx]
        return _Variables(self._plots, self._metal, self._measure, idx, self._cache)


_VARIABLE_NAMES = tuple(dict.fromkeys([*(name for name in C.COLUMNS if C.COLUMNS[name].role == "input"
                                         and C.COLUMNS[name].dtype == "float"), "ph_kcl", "soil"]))


def plot_variables(plots: pd.DataFrame, metal: str, soil_measure: str) -> _Variables:
    """The variables a transfer function can use (``soil``, ``ph``, ``ph_kcl``, ``som_pct`` …) for
    every plot, read from ``plots`` on demand (a mapping variable → array).

    Parameters
    ----------
    plots : pandas.DataFrame
        Plot table (registry column names).
    metal : str
        Metal code; ``soil`` is the metal in the soil [mg kg⁻¹].
    soil_measure : {"total", "cacl2", "hno3", "dtpa"}
        Soil extraction that ``soil`` stands for.
    """
    return _Variables(plots, metal, soil_measure)


def evaluate_function(fn, plots: pd.DataFrame, *, invalid: str = "raise") -> np.ndarray:
    """Median crop concentration predicted by one transfer function for every plot.

    Parameters
    ----------
    fn : pandas.Series or namedtuple
        A row of ``transfer_functions.csv``.
    plots : pandas.DataFrame
        Plots with the variables the function uses (``ph`` [–], ``som_pct`` [%],
        ``clay_pct`` [%], soil metal [mg kg⁻¹] in the extract it expects …).
    invalid : {"raise", "nan"}
        What an input the function cannot be evaluated at gives: ``"raise"`` (the default) a
        ``ValueError`` naming it; ``"nan"`` a NaN prediction for that plot (the library's own
        callers, which report the reason themselves).

    Returns
    -------
    numpy.ndarray
        Predicted concentration [mg kg⁻¹, in the function's plant basis]. With
        ``invalid="nan"``: ``NaN`` where an input is missing, a logged input is not positive or
        the soil pH is outside :data:`PH_DOMAIN` (3–10, the domain of every function). Whether an
        input is outside the function's own validity range is :func:`outside_range` (a plan then
        predicts at the edge of the range; this function evaluates the formula as it is).

    Raises
    ------
    ValueError
        If a soil metal concentration is negative (naming the plots); if a column the function
        reads holds text that is not a number (naming the column, the row and the plot). With
        ``invalid="raise"`` also if an input the function reads is missing (NaN) or infinite, a
        logged input (soil metal, SOM …) is not > 0, or the soil pH is outside :data:`PH_DOMAIN`
        (3–10): the message names the function, the column, the plots and the allowed range.
    """
    if invalid not in ("raise", "nan"):
        raise ValueError(f"invalid = {invalid!r}: expected 'raise' or 'nan'")
    used = _term_variables(fn)
    plots = plots_as_numbers(plots, {_input_name(fn, var) for var in used if var != "const"} | {"ph"})
    v = plot_variables(plots, fn.metal, fn.soil_measure)
    soil = v["soil"] if "soil" in used else None
    if soil is not None and (np.asarray(soil, float) < 0).any():
        bad = _plot_labels(plots)[np.asarray(soil, float) < 0]
        raise ValueError(f"{fn.function_id}: negative soil concentration for plot(s) "
                         f"{', '.join(map(str, bad[:5]))}{' …' if len(bad) > 5 else ''}; expected ≥ 0 mg/kg")
    if invalid == "raise":
        _check_function_inputs(fn, plots, v, used)
    out = _response(fn, predictor_sum(fn, v, len(plots)))
    if "ph" in plots:
        ph = plots["ph"].to_numpy(float)
        out = np.where((ph < PH_DOMAIN[0]) | (ph > PH_DOMAIN[1]), np.nan, out)  # an unknown pH stays as it was
    return out


def _plot_labels(plots: pd.DataFrame) -> np.ndarray:
    """The plot of each row as a message names it: its ``plot_id``, else ``row <i>`` (from 1)."""
    if "plot_id" in plots.columns:
        return plots["plot_id"].astype(str).to_numpy(object)
    return np.array([f"row {i + 1}" for i in range(len(plots))], dtype=object)


def _listing(labels: np.ndarray, bad: np.ndarray, values=None) -> str:
    """``'a, b (3 plots)'``-style list of the first five plots of ``bad``, with their values."""
    idx = np.flatnonzero(bad)
    items = [f"{labels[i]} ({values[i]:g})" if values is not None else str(labels[i]) for i in idx[:5]]
    return ", ".join(items) + (f" and {idx.size - 5} more" if idx.size > 5 else "")


def _check_function_inputs(fn, plots: pd.DataFrame, v, used: set) -> None:
    """The ``ValueError`` of :func:`evaluate_function` (``invalid="raise"``) for an input it cannot be
    evaluated at: missing, infinite, not > 0 where logged, or a pH outside :data:`PH_DOMAIN`."""
    labels = _plot_labels(plots)
    n = len(plots)
    fid = fn.function_id
    lo, hi = PH_DOMAIN
    if "ph" in plots.columns or "ph" in used or "ph_kcl" in used:
        ph = plots["ph"].to_numpy(float) if "ph" in plots.columns else np.full(n, np.nan)
        with np.errstate(invalid="ignore"):
            off = ~np.isnan(ph) & ((ph < lo) | (ph > hi))
        if off.any():
            raise ValueError(f"{fid}: ph outside {lo:g}–{hi:g}, the domain of the transfer functions, for plot(s) "
                             f"{_listing(labels, off, ph)}; expected a soil pH in water from {lo:g} to {hi:g}")
    for var, transform, _ in parse_terms(fn.terms):
        if transform == "const":
            continue
        col = _input_name(fn, var)
        x = np.asarray(v[var], float)
        if var == "ph_kcl":
            col = "ph_kcl (or ph, from which it is estimated)"
        miss = np.isnan(x)
        if miss.any():
            raise ValueError(f"{fid}: {col} missing for plot(s) {_listing(labels, miss)}; the function needs "
                             f"it ({'a number > 0' if transform == 'log10' else 'a number'})")
        inf = np.isinf(x)
        if inf.any():
            raise ValueError(f"{fid}: {col} is not finite for plot(s) {_listing(labels, inf, x)}; expected a "
                             f"finite number{' > 0' if transform == 'log10' else ''}")
        if transform == "log10" and (x <= 0).any():
            raise ValueError(f"{fid}: {col} ≤ 0 for plot(s) {_listing(labels, x <= 0, x)}; the function takes "
                             f"its log10 and needs a value > 0")


def plots_as_numbers(plots: pd.DataFrame, columns) -> pd.DataFrame:
    """``plots`` with ``columns`` read as numbers (a blank cell is NaN, not measured).

    Raises
    ------
    ValueError
        If a cell of ``columns`` holds text that is not a number: the message names the column,
        the rows (from 1) and their plots, and what was expected; validate the plots first with
        :func:`agriremed.validate_plots` for every check of the plot table.
    """
    fixed = {}
    # the dtype of each column, read without taking the column out (unique labels; else column by column)
    dtypes = dict(zip(plots.columns, plots.dtypes, strict=True)) if plots.columns.is_unique else {}
    for col in sorted(set(columns) & set(plots.columns)):
        dt = dtypes.get(col)
        if dt is not None and pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt):
            continue
        s = plots[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            continue
        num = pd.to_numeric(s, errors="coerce")
        blank = s.isna() | (s.astype(str).str.strip() == "")
        bad = np.flatnonzero((num.isna() & ~blank).to_numpy())
        if bad.size:
            where = ", ".join(f"row {i + 1} (plot {plots['plot_id'].iloc[i]}): {s.iloc[i]!r}"
                              for i in bad[:5]) if "plot_id" in plots else \
                ", ".join(f"row {i + 1}: {s.iloc[i]!r}" for i in bad[:5])
            more = f" and {bad.size - 5} more" if bad.size > 5 else ""
            want = (f"a soil pH in water ({PH_DOMAIN[0]:g}–{PH_DOMAIN[1]:g} for a prediction)"
                    if col in ("ph", "ph_kcl") else "a number")
            raise ValueError(f"{col}: not a number in {where}{more}; expected {want} (blank = not "
                             f"measured): check the plots with agriremed.validate_plots")
        fixed[col] = num.astype(float)
    return plots.assign(**fixed) if fixed else plots


def _term_variables(fn) -> set[str]:
    """The variables a transfer function row's terms read (``soil``, ``ph``, ``som_pct`` …)."""
    return {var for var, *_ in parse_terms(fn.terms)}


def predictor_sum(fn, v: dict[str, np.ndarray], n: int, skip: frozenset = frozenset()) -> np.ndarray:
    """Σ coef·term over the function's terms (log10 scale for ``loglinear``), skipping ``skip``.

    The row's ``terms`` cell parsed and handed to :func:`agriremed.models.uptake.transfer_predictor`.
    """
    return transfer_predictor(parse_terms(fn.terms), v, n, skip)


def _response(fn, predictor: np.ndarray) -> np.ndarray:
    """Crop concentration from the predictor (:func:`agriremed.models.uptake.transfer_response`)."""
    return transfer_response(predictor, fn.form)


def outside_range(fn, plots: pd.DataFrame) -> np.ndarray:
    """True/False where the validity range is known, NaN where it is not published."""
    return _outside_range_vars(fn, plot_variables(plots, fn.metal, fn.soil_measure), len(plots))


def _outside_range_vars(fn, v, n: int) -> np.ndarray:
    return outside_validity_range(parse_ranges(fn.valid_ranges), v, n)


def function_inputs(tables: Tables | None = None) -> list[str]:
    """Plot columns read by the usable transfer functions (variables, validity ranges, ``region``, ``crop``).

    Parameters
    ----------
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    list of str
        Column names of the plot table (every measure of a metal that has a function).
    """
    tables = tables or load_tables()
    return list(tables.memo("uptake.function_inputs", lambda: _function_inputs(tables)))


def _function_inputs(tables: Tables) -> list[str]:
    tf = tables.transfer_functions
    tf = tf.loc[tf["usable"]]
    cols = {"plot_id", "crop", "region", "ph", "ph_kcl", "land_use"}  # land use: the typical covariates
    for fn in tf.itertuples(index=False):
        names = [v for v, t, _ in parse_terms(fn.terms) if t != "const"] + list(parse_ranges(fn.valid_ranges))
        for v in names:
            cols.add(v if v != "soil" else C.metal_column(fn.metal, None if fn.soil_measure == "total"
                                                          else fn.soil_measure))
        cols.add(C.metal_column(fn.metal))
        cols.update(C.metal_column(fn.metal, ex) for ex in C.EXTRACTIONS)
    return sorted(cols)


def province_names(tables: Tables) -> dict[str, tuple[str, ...]]:
    """Lower-case spellings of every province (English, Chinese, aliases), keyed by each spelling.

    Parameters
    ----------
    tables : Tables
        Literature tables (``provinces.csv``).

    Returns
    -------
    dict
        Any spelling of a province (``'jiangsu'``, ``'江苏'``, ``'江苏省'``) → all its spellings,
        so that a function fitted in "Jiangsu" applies to a plot in "江苏/苏州".
    """
    def build():
        out = {}
        pv = tables.provinces
        for en, zh, al in zip(pv["province"], pv["name_zh"], pv["aliases"].fillna(""), strict=True):
            names = tuple(dict.fromkeys(n.strip().lower() for n in [en, zh, *str(al).split("|")] if n.strip()))
            for nm in names:
                out[nm] = names
        return out
    return tables.memo("province_names", build)


def _in_provinces(region: np.ndarray, provinces, names: Mapping | None = None,
                  placed: np.ndarray | None = None) -> np.ndarray:
    """True where the (lower-case) region text names one of the function's provinces.

    ``region`` holds the distinct region texts of the plots (the caller maps them back);
    ``names`` maps a province spelling to all its spellings (:func:`province_names`), so
    English and Chinese names select the same functions; ``placed`` holds the province of
    each region (:func:`agriremed.core.i18n.region_province`: English, lower case, ``''`` for
    none), so that a region naming only its city or county (``'湘潭'``) is in its province too.
    """
    listed = [p.strip().lower() for p in str(provinces if isinstance(provinces, str) else "").split("|")
              if p.strip()]
    if not listed:
        return np.zeros(len(region), bool)
    names = names or {}
    spellings = sorted({s for p in listed for s in names.get(p, (p,))}, key=len, reverse=True)
    rx = re.compile("|".join(re.escape(nm) for nm in spellings))
    inside = np.fromiter((rx.search(r) is not None for r in region), bool, len(region))
    if placed is not None:
        inside |= np.isin(np.asarray(placed, dtype=object), list(spellings))
    return inside


def moisture_of_crops(crops, tables: Tables) -> np.ndarray:
    """Typical moisture [fraction of fresh mass] of each crop (``moisture_typical`` of ``crops.csv``)."""
    m = tables.memo("crop_moisture", lambda: tables.crops.set_index("crop")["moisture_typical"])
    return _frames.lookup(m, crops).astype(float)


def row_standards(standard, plot_ids):
    """Food standard of each row: ``standard`` itself when it is one name, else per row.

    Parameters
    ----------
    standard : str, pandas.Series or array_like
        One standard for every row; a Series of standards indexed by plot id
        (:func:`agriremed.stages.advice.plot_food_standards`), read at each row's plot;
        or one standard per row.
    plot_ids : array_like
        Plot id of each row.

    Returns
    -------
    str or numpy.ndarray of str
    """
    if isinstance(standard, str):
        return standard
    pid = _frames.obj(np.asarray(plot_ids, dtype=object))
    if isinstance(standard, pd.Series):
        at = _frames.positions(standard.index.to_numpy(object), pid)
        if (at < 0).any():
            raise KeyError(f"no food standard for plot {pid[np.flatnonzero(at < 0)[0]]!r}")
        return _frames.obj(standard.to_numpy(object))[at]
    out = _frames.obj(np.asarray(standard, dtype=object))
    if len(out) != len(pid):
        raise ValueError(f"{len(out)} food standards for {len(pid)} rows")
    return out


def limits_for_crops(crops, metals, standard, tables: Tables) -> tuple[np.ndarray, np.ndarray]:
    """Food limit [mg kg⁻¹ as sold] and its species for each crop × metal pair (NaN: no limit).

    ``standard`` is one standard of ``food_limits.csv`` or one per pair."""
    if not isinstance(standard, str):
        std = _frames.obj(np.asarray(standard, dtype=object))
        limit = np.full(len(std), np.nan)
        species = np.full(len(std), np.nan, dtype=object)
        crops_a = _frames.obj(np.asarray(crops, dtype=object))
        metals_a = _frames.obj(np.asarray(metals, dtype=object))
        for one in pd.unique(std):
            sel = std == one
            limit[sel], species[sel] = limits_for_crops(crops_a[sel], metals_a[sel], one, tables)
        return limit, species
    def build_lookup():
        fl = tables.food_limits
        at = np.flatnonzero(fl["standard"].to_numpy(object) == standard)
        keys = zip(fl["crop_group"].to_numpy(object)[at], fl["metal"].to_numpy(object)[at], strict=True)
        values = zip(fl["limit_mg_kg"].to_numpy(float)[at], fl["species"].to_numpy(object)[at], strict=True)
        return dict(zip(keys, values, strict=True))

    # built once per tables object (read-only) and standard
    lookup = tables.memo(("food_limit_lookup", standard), build_lookup)
    groups = tables.memo("crop_groups", lambda: dict(zip(
        tables.crops["crop"].to_numpy(object), tables.crops["crop_group"].to_numpy(object), strict=True)))
    crops_a = _frames.obj(np.asarray(crops, dtype=object))
    metals_a = _frames.obj(np.asarray(metals, dtype=object))
    first, inv = _frames.distinct(crops_a, metals_a)  # a few crops × metals
    found = [lookup.get((groups.get(c), m), (np.nan, np.nan))
             for c, m in zip(crops_a[first], metals_a[first], strict=True)]
    limit = np.array([f[0] for f in found], dtype=float)
    species = np.array([f[1] for f in found], dtype=object)
    return limit[inv], species[inv]


#: The vegetable groups of ``food_limits.csv``: a vegetable whose type is not given
#: (crop ``vegetable_unspecified``) is judged against the strictest limit among them.
VEGETABLE_LIMIT_GROUPS: tuple[str, ...] = ("leafy_vegetable", "brassica_vegetable", "root_vegetable", "potato",
                                           "fruiting_vegetable", "legume_vegetable")


def strictest_vegetable_limits(tables: Tables, standard: str) -> pd.DataFrame:
    """The strictest limit of each metal among the vegetable groups of a food standard.

    Parameters
    ----------
    tables : Tables
        Literature tables (``food_limits.csv``).
    standard : str
        A ``standard`` of ``food_limits.csv`` (``'GB2762'``).

    Returns
    -------
    pandas.DataFrame
        Indexed by metal: ``limit_mg_kg`` [mg kg⁻¹ as sold], the lowest limit among
        :data:`VEGETABLE_LIMIT_GROUPS`, and ``crop_groups``, the groups with that limit joined by ``|``
        in the order of :data:`VEGETABLE_LIMIT_GROUPS`. Empty where the standard limits no vegetable.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> strictest_vegetable_limits(load_tables(), "GB2762").loc[["cd", "pb"]].to_dict("index")
    {'cd': {'limit_mg_kg': 0.05, 'crop_groups': 'brassica_vegetable|fruiting_vegetable'}, \
'pb': {'limit_mg_kg': 0.1, 'crop_groups': 'root_vegetable|fruiting_vegetable'}}
    """
    fl = tables.food_limits
    veg = fl.loc[(fl["standard"] == standard) & fl["crop_group"].isin(VEGETABLE_LIMIT_GROUPS)]
    order = {g: i for i, g in enumerate(VEGETABLE_LIMIT_GROUPS)}
    veg = veg.assign(_order=veg["crop_group"].map(order)).sort_values("_order", kind="stable")
    low = veg.groupby("metal", sort=False)["limit_mg_kg"].transform("min")
    at = veg.loc[veg["limit_mg_kg"] == low]
    return at.groupby("metal", sort=True).agg(limit_mg_kg=("limit_mg_kg", "first"),
                                              crop_groups=("crop_group", "|".join))


#: Columns of the usable functions read, as arrays, for the rows each plot's chosen function gives.
_CHOSEN_COLUMNS = {"function_id": object, "plant_basis": object, "se_log10": float, "priority": float,
                   "fitted_crop": object}


def _usable_functions(tables: Tables) -> dict:
    """Metal → (their rows as named tuples, the columns of :data:`_CHOSEN_COLUMNS` as arrays and
    ``ranged``: whether each publishes a validity range), usable functions in priority order."""
    tf = tables.transfer_functions
    tf = tf.loc[tf["usable"]].sort_values("priority", kind="stable")
    out = {}
    for m, g in tf.groupby("metal", sort=False):
        rows = tuple(g.itertuples(index=False))
        cols = {c: g[c].to_numpy(t) for c, t in _CHOSEN_COLUMNS.items()}
        cols["ranged"] = np.array([bool(parse_ranges(fn.valid_ranges)) for fn in rows])
        out[m] = (rows, cols)
    return out


def function_spreads(tables: Tables) -> dict:
    """The functions whose spread depends on the plot: those with a ``coef_cov`` (fitted by ``fit-uptake``).

    Parameters
    ----------
    tables : Tables
        Literature tables (``transfer_functions.csv``; the optional columns ``coef_cov``, the
        covariance of the coefficients, and ``se_resid_log10``, the residual SE of the fit [log10]).

    Returns
    -------
    dict
        ``function_id`` → ``(cov, se_resid, widening)``: the covariance matrix in the order of the
        function's terms, the residual SE [log10 units] and the t/z factor
        (:func:`agriremed.models.uptake.prediction_widening` of ``n`` and the number of terms).
        Functions with a blank ``coef_cov`` are left out: their spread is the constant ``se_log10``.

    Raises
    ------
    ValueError
        Naming the function and the column when ``coef_cov`` cannot be read or ``se_resid_log10``
        or ``n`` is missing (a user folder is checked when it is loaded, with its file line).
    """
    def build():
        tf = tables.transfer_functions
        if "coef_cov" not in tf.columns:
            return {}
        out = {}
        resid = tf["se_resid_log10"] if "se_resid_log10" in tf.columns else pd.Series(np.nan, index=tf.index)
        for fid, terms, cell, se, n in zip(tf["function_id"], tf["terms"], tf["coef_cov"], resid, tf["n"],
                                           strict=True):
            try:
                cov, se, n = coef_cov_checked(terms, cell, se, n)
            except ValueError as exc:
                raise ValueError(f"transfer_functions.csv, function {fid}, {exc}") from None
            if cov is None:
                continue
            out[fid] = (cov, se, float(prediction_widening(n, len(cov))))
        return out
    return tables.memo("function_spreads", build)


#: Columns of :func:`predict_crop_concentration`.
PREDICTION_COLUMNS = ["plot_id", "crop", "metal", "function_id", "user_function", "plant_basis", "se_log10",
                      "crop_dw_p05_mg_kg", "crop_dw_p50_mg_kg", "crop_dw_p95_mg_kg", "crop_fw_p05_mg_kg",
                      "crop_fw_p50_mg_kg", "crop_fw_p95_mg_kg", "extrapolated", "selection", "user_fit_skipped",
                      "user_fit_edge_ratio", "note", "note_msg", "assumed_inputs", "se_covariate_log10"]

#: Source (``sources.csv``) of the pH-water → pH-KCl conversion (:func:`agriremed.models.uptake.ph_kcl_from_ph_water`),
#: cited where pH-KCl is held at the conversion's end, above :data:`PH_KCL_CONVERSION_MAX` (``upt.ph_kcl_held``).
PH_KCL_CONVERSION_SOURCE = "kabala2016_ph"

#: Source (``sources.csv``) of the many-fold change of grain Cd and As between water regimes, cited when
#: rice on land that is not a flooded paddy is not assessed (``upt.aerobic_rice``).
AEROBIC_RICE_SOURCE = "hu2013_water"

#: Columns of :func:`unassessed_metals`.
UNASSESSED_COLUMNS = ["plot_id", "crop", "metal", "reason", "reason_msg"]

#: Soil pH (in water) outside which no transfer function is evaluated [–]: the packaged
#: functions were fitted on soils within it, and a value outside it is more likely a typing or
#: unit error than a soil.
PH_DOMAIN = (3.0, 10.0)


def predict_crop_concentration(plots: pd.DataFrame, crop=None, metals=None,
                               tables: Tables | None = None, *, warn: bool = True) -> pd.DataFrame:
    """Predict metal in the edible part of a crop on every plot.

    Parameters
    ----------
    plots : pandas.DataFrame
        Validated plots (soil columns in mg kg⁻¹, ``ph`` in water).
    crop : str or array_like of str, optional
        Crop grown on each plot; default: the plot's ``crop`` column.
    metals : list of str, optional
        Metals to predict; default: all measured metals.
    tables : Tables, optional
        Literature tables.
    warn : bool
        Warn (:class:`NotAssessedWarning`, naming the plots, the metal and the reason) when the crop
        has transfer functions for a measured metal but none could predict on a plot (soil pH outside
        :data:`PH_DOMAIN` or missing, a soil metal of 0, upland rice …): such a plot has no row here.
        The library's own callers, which list these plots themselves, pass False.

    Returns
    -------
    pandas.DataFrame
        One row per plot × metal for which a usable function could be used, with
        ``plot_id``, ``crop``, ``metal``, ``function_id``, ``plant_basis``,
        ``se_log10`` [log10 units], ``crop_dw_p05_mg_kg``, ``crop_dw_p50_mg_kg``,
        ``crop_dw_p95_mg_kg``, ``crop_fw_p05_mg_kg``, ``crop_fw_p50_mg_kg``,
        ``crop_fw_p95_mg_kg`` [mg kg⁻¹; ``fw`` = as-sold basis], ``extrapolated``
        (False inside the chosen function's published validity range; True where no function of the
        crop could be used inside its range and this one predicts at the edge of it; ``'unknown'``,
        :data:`EXTRAPOLATED_UNKNOWN`, where the function publishes no range), ``selection`` (why this function: the
        functions of higher priority that were skipped for the plot, and why),
        ``user_fit_skipped`` (a function fitted to the user's pairs that was not used directly because an
        input lies beyond the range of its data, with the reason:
        ``'yx_rice_cd (ph = 7.5 outside its fitted range 5–5.96)'``; ``''`` where none),
        ``user_fit_edge_ratio`` (where a preferred function, such a fit or an opt-in or regional one, is
        carried on beyond its range: the chosen function's as-sold prediction ÷ the preferred one's, both
        at the plot's inputs moved to the nearest end of its ranges, the step the chosen function alone
        would take there and by which its prediction is divided [–]; NaN elsewhere) and
        ``note`` (with ``note_msg``, the note as an encoded message of
        :mod:`agriremed.core.messages`; ``''`` where there is none). Plot × metal pairs without a
        prediction are listed, with the reason, by :func:`unassessed_metals`.

    Raises
    ------
    ValueError
        If a soil metal concentration is negative, or a column the functions read (``ph``, soil
        metals, ``som_pct`` …) holds text that is not a number or an infinite value: the message
        names the column, the plots and what is expected.

    Warns
    -----
    NotAssessedWarning
        With ``warn``, for the plots of a crop with transfer functions for a measured metal that get
        no prediction (the reason of each is in :func:`unassessed_metals` and :func:`predict_and_unassessed`).

    Notes
    -----
    Functions are tried in order (the user's own functions, priority ≤ 0, first; then the
    province's; then by ``priority``); a function is skipped for a plot when one of its inputs
    is missing, when an input is outside its published validity range, or when its prediction
    is not positive; where every function was skipped only for its range, the first (packaged, reading
    the inputs of its range) predicts at the edge of its range (:func:`edge_inputs`). A function fitted to the
    user's own pairs (``fit-uptake``; its source's status is :data:`FITTED_STATUS`) follows the same rule with the
    range of its data. Beyond the range of the first function skipped only for its range (such a fit, an opt-in
    or a regional function, f), the function used (g) carries it on: f(x_edge) · g(x) / g(x_edge)
    (:func:`_carry_beyond`: continuous, monotone in pH wherever g is, ``extrapolated``, note
    ``upt.fit_extended``); ``user_fit_skipped`` says which input of a fit lies beyond which range, and
    ``user_fit_edge_ratio`` gives the step g alone would take at the end of the range. A linear function whose
    prediction falls below its floor (``floor_mg_kg``, :func:`prediction_floor`) is carried on from the floor likewise,
    max(f(x_edge), floor) · g(x) / g(x_edge) (``selection``: ``'prediction below its floor of 0.003 mg/kg'``). Where
    g already meets f there (:data:`CARRY_TOLERANCE`), g is used as is. A pH-KCl estimated from a pH in water above
    :data:`PH_KCL_CONVERSION_MAX` is held at the conversion's end (note ``upt.ph_kcl_held``, ``extrapolated``).
    Plots with a pH outside :data:`PH_DOMAIN` get no prediction.
    """
    tables = tables or load_tables()
    pred, missing = _predict(checked_plots(plots, tables), crop, metals, tables)
    if warn:
        _warn_not_assessed(missing)
    return pred


class NotAssessedWarning(UserWarning):
    """A plot × metal whose crop has transfer functions for the metal got no prediction
    (:func:`predict_crop_concentration`); :func:`unassessed_metals` gives the reason of each."""


#: Reasons of :func:`unassessed_metals` that mean the crop has no transfer function for the metal at all
#: (no :class:`NotAssessedWarning`: nothing about the plot's inputs could change it).
NO_FUNCTION_CODES = ("upt.none_any", "upt.none_default", "upt.none_crop")


def _warn_not_assessed(missing: pd.DataFrame) -> None:
    """:class:`NotAssessedWarning` for the rows of ``missing`` (:func:`unassessed_metals`) whose crop has
    functions for the metal."""
    if not len(missing):
        return
    codes = [Message.decode(e).codes[:1] if isinstance(e, str) and e else () for e in missing["reason_msg"]]
    keep = np.array([bool(c) and c[0] not in NO_FUNCTION_CODES for c in codes], bool)
    if not keep.any():
        return
    rows = missing.loc[keep]
    items = [f"plot {p}, {m}: {r}" for p, m, r in
             zip(rows["plot_id"].head(5), rows["metal"].head(5), rows["reason"].head(5), strict=True)]
    more = f"; and {len(rows) - 5} more" if len(rows) > 5 else ""
    warnings.warn(f"{len(rows)} plot × metal without a prediction ({'; '.join(items)}{more}); "
                  "unassessed_metals() or predict_and_unassessed() lists each with its reason",
                  NotAssessedWarning, stacklevel=3)


def checked_plots(plots: pd.DataFrame, tables: Tables | None = None) -> pd.DataFrame:
    """``plots`` with the columns the transfer functions read (``ph``, soil metals, ``som_pct`` …) as numbers.

    Raises
    ------
    ValueError
        If one of them holds text that is not a number (:func:`plots_as_numbers`) or an infinite value:
        the message names the column, the rows and their plots, and what is expected.
    """
    tables = tables or load_tables()
    names = set(function_inputs(tables)) - {"plot_id", "crop", "region", "land_use"}
    names |= {C.metal_column(m) for m in C.present_metals(plots.columns)} | {"ph", "ph_kcl"}
    plots = plots_as_numbers(plots, names)
    labels = None
    for col in sorted(names & set(plots.columns)):
        x = plots[col].to_numpy(float)
        inf = np.isinf(x)
        if inf.any():
            labels = _plot_labels(plots) if labels is None else labels
            lo, hi = PH_DOMAIN
            want = (f"a soil pH in water ({lo:g}–{hi:g} for a prediction)" if col in ("ph", "ph_kcl")
                    else "a finite number (blank = not measured)")
            raise ValueError(f"{col}: not finite for plot(s) {_listing(labels, inf, x)}; expected {want}")
    return plots


def ph_below_every_function(crops, metals_exceeding, ph, tables: Tables | None = None) -> np.ndarray:
    """Plots whose soil is too acid for every transfer function of their crop.

    True where, for a metal above its screening value, the crop has usable transfer functions
    and the soil pH (in water) is below the lower pH bound (``valid_ranges``) of every one of
    them: the soil is more acid than any function's data, so the metal in the crop is predicted only
    at the edge of the range (:func:`edge_inputs`, flagged extrapolated). A function without a pH range
    counts as usable at any pH.

    Parameters
    ----------
    crops : array-like of str
        Crop code per plot.
    metals_exceeding : array-like of str
        Metals above their screening value per plot (``'+'``-joined codes, ``''`` none).
    ph : array-like of float
        Soil pH in water per plot [–].
    tables : Tables, optional
        Literature tables (``transfer_functions.csv``).

    Returns
    -------
    numpy.ndarray of bool
        One value per plot.

    Examples
    --------
    >>> ph_below_every_function(["rice", "rice", "rice"], ["cd", "cd", ""], [3.9, 5.0, 3.9]).tolist()
    [True, False, False]
    """
    tables = tables or load_tables()

    def build():  # (crop, metal) -> lowest lower pH bound over the usable functions
        lo = {}
        for r in tables.transfer_functions.loc[tables.transfer_functions["usable"]].itertuples(index=False):
            bound = parse_ranges(r.valid_ranges).get("ph", (-np.inf, np.inf))[0]
            for crop in str(r.applies_to).split("|"):
                key = (crop.strip(), str(r.metal))
                lo[key] = min(lo.get(key, np.inf), bound)
        return lo
    lo = tables.memo("ph_lower_bounds", build)
    crops = np.asarray(crops, dtype=object)
    exceeding = np.asarray(metals_exceeding, dtype=object)
    ph = np.asarray(ph, float)
    # per distinct (crop, metals): the pH below which no function of any of its metals applies
    codes, uniq = pd.factorize(pd.MultiIndex.from_arrays([crops, exceeding]), use_na_sentinel=False) \
        if len(ph) else (np.zeros(0, np.intp), [])
    bound = np.array([max((lo.get((c, metal), -np.inf) for metal in m.split("+")), default=-np.inf)
                      if isinstance(m, str) and m else -np.inf for c, m in uniq], float)
    return ph < bound[codes] if len(ph) else np.zeros(0, bool)


def unassessed_metals(plots: pd.DataFrame, crop=None, metals=None, tables: Tables | None = None) -> pd.DataFrame:
    """The measured metals of every plot whose concentration in the crop cannot be predicted, and why.

    Parameters
    ----------
    plots, crop, metals, tables
        As for :func:`predict_crop_concentration`.

    Returns
    -------
    pandas.DataFrame
        One row per plot × measured metal without a prediction: ``plot_id``, ``crop``,
        ``metal`` and ``reason`` (no transfer function for the crop and metal; pH outside
        the domain of the functions; or each function's reason for being skipped), with
        ``reason_msg``, the reason as an encoded message (:mod:`agriremed.core.messages`).
        Only food crops (``food`` in ``crops.csv``) are listed; metals without a food
        limit for the crop are included, and the caller decides which matter (e.g. those
        above their screening value).

    Raises
    ------
    ValueError
        As :func:`predict_crop_concentration`.
    """
    tables = tables or load_tables()
    return _predict(checked_plots(plots, tables), crop, metals, tables)[1]


def above_screening(unassessed: pd.DataFrame, screened: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`unassessed_metals` whose soil metal exceeds its screening value.

    Parameters
    ----------
    unassessed : pandas.DataFrame
        Output of :func:`unassessed_metals` (``plot_id``, ``metal`` …).
    screened : pandas.DataFrame
        Output of :func:`agriremed.stages.soil.screen` (``plot_id``, ``metal``, ``exceedance_ratio`` [–]).

    Returns
    -------
    pandas.DataFrame
        Those rows of ``unassessed`` (in their order), index reset.
    """
    above = screened.loc[screened["exceedance_ratio"].to_numpy(float) > 1, ["plot_id", "metal"]]
    keys = set(zip(_frames.obj(above["plot_id"]), _frames.obj(above["metal"]), strict=True))
    keep = np.fromiter(((p, m) in keys for p, m in zip(_frames.obj(unassessed["plot_id"]),
                                                       _frames.obj(unassessed["metal"]), strict=True)),
                       bool, len(unassessed))
    return unassessed.loc[keep].reset_index(drop=True)


def no_function_message(metal: str, tables: Tables | None = None) -> Message:
    """Why no crop is assessed for ``metal``: no usable transfer function in any crop (``upt.none_any``), or,
    where the library holds opt-in functions for it (``usable = false``, not marked "not usable" in their
    note: ``synth_rice_as_bcf``), no default one, naming them (``upt.none_default``)."""
    tables = tables or load_tables()

    def build():
        tf = tables.transfer_functions
        off = tf.loc[~tf["usable"].astype(bool) & ~tf["note"].fillna("").astype(str).str.startswith("not usable")]
        out: dict = {}
        for fid, m in zip(off["function_id"], off["metal"], strict=True):
            out.setdefault(str(m), []).append(str(fid))
        return out
    opt_in = tables.memo("opt_in_functions", build).get(metal, [])
    if opt_in:
        return Message.of("upt.none_default", metal=metal.capitalize(), functions=", ".join(opt_in))
    return Message.of("upt.none_any", metal=metal.capitalize())


def predict_and_unassessed(plots: pd.DataFrame, crop=None, metals=None,
                           tables: Tables | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`predict_crop_concentration` and :func:`unassessed_metals` in one pass (no
    :class:`NotAssessedWarning`: the second table gives every reason).

    Raises
    ------
    ValueError
        As :func:`predict_crop_concentration`.
    """
    tables = tables or load_tables()
    return _predict(checked_plots(plots, tables), crop, metals, tables)


def _input_name(fn, var: str) -> str:
    """The plot column behind a function's variable (``soil`` → the metal in the function's extract)."""
    if var != "soil":
        return var
    return C.metal_column(fn.metal, None if fn.soil_measure == "total" else fn.soil_measure)


def _listed(out: np.ndarray, bad: np.ndarray, text: str) -> np.ndarray:
    """``out`` with ``text`` appended (', '-separated) where ``bad``."""
    return np.where(bad, np.where(out == "", text, out + ", " + text), out)


def _missing_inputs(fn, v, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Texts naming the inputs of ``fn`` that are missing, and those given but zero or negative
    where the function takes their log10 (outside its domain); '' where none. (A pH-KCl estimated from a
    pH in water above the conversion's range is held at its end, :func:`_held_ph_kcl`, not missing.)"""
    out = np.full(n, "", dtype=object)
    nonpos = np.full(n, "", dtype=object)
    for var, bad in missing_term_inputs(parse_terms(fn.terms), v, n):
        if bad.any():
            x = v.get(var)
            given = bad & ~np.isnan(x) if x is not None else np.zeros(n, bool)
            out = _listed(out, bad & ~given, _input_name(fn, var))
            if given.any():
                name = _input_name(fn, var)
                text = np.full(n, "", dtype=object)
                text[given] = [f"{name} = {x_:g}: outside the function's domain, which needs a value > 0"
                               for x_ in x[given]]
                nonpos = np.where(given, np.where(nonpos == "", text, nonpos + ", " + text), nonpos)
    return out, nonpos


def _range_text(fn, v, n: int, fitted: bool = False) -> np.ndarray:
    """Text naming the inputs of ``fn`` outside its published validity range, '' where none; for a
    function fitted to the user's pairs (``fitted``), with the plot's value and the range of the data
    (``'ph = 7.5 outside its fitted range 5–5.96'``)."""
    out = np.full(n, "", dtype=object)
    ranges = parse_ranges(fn.valid_ranges)
    for var, bad in range_violations(ranges, v, n):
        if bad.any():
            lo, hi = ranges[var]
            name = _input_name(fn, var)
            if not fitted:
                out = _listed(out, bad, f"{name} outside {lo:g}–{hi:g}")
                continue
            text = np.full(n, "", dtype=object)
            text[bad] = [f"{name} = {x:g} outside its fitted range {lo:g}–{hi:g}"
                         for x in np.asarray(v[var], float)[bad]]
            out = np.where(bad, np.where(out == "", text, out + ", " + text), out)
    return out


def edge_capable(fn) -> bool:
    """Whether ``fn`` can be evaluated at the edge of its validity range (:func:`edge_inputs`): every variable
    of its ranges is one of its terms, so that moving it to the end of its range moves the prediction (a range
    on a variable the function does not read, the total soil Cd of a CaCl2 model, says nothing of how the
    prediction behaves beyond it)."""
    return set(parse_ranges(fn.valid_ranges)) <= _term_variables(fn)


def _edge_candidates(fn, user_fit: bool, ok, outside, need, nonpos) -> np.ndarray:
    """Plots on which ``fn`` was skipped only because an input lies outside its validity range (none missing,
    none outside its domain): it may predict there at the edge of its range (:func:`edge_inputs`). Never a
    function fitted to the user's pairs (beyond its data the next function carries it on, :func:`_carry_beyond`)
    nor one whose range is on an input it does not read (:func:`edge_capable`)."""
    if user_fit or not edge_capable(fn):
        return np.zeros(len(ok), bool)
    return ~ok & (outside != "") & (need == "") & (nonpos == "")


def edge_inputs(fn, v, n: int):
    """``v`` with each input of ``fn`` outside the function's validity range taken where the prediction is
    the higher: at the plot's own value (the function's trend continued) or at the nearest end of the range.

    The packaged functions are monotone in each input, so this is the conservative edge evaluation of a
    plot just outside the data: a soil more acid than the range follows the function's rise (the prediction
    at pH 3.95 is above that at pH 4), a soil more alkaline or lower in metal than the range keeps the
    prediction at the end of the range (at or above what the function would give there). The prediction is
    continuous where a plot crosses the end of the range. Returns the variables and, per plot, the text naming
    the inputs outside the range (``'ph outside 4–8.5'``; as :func:`_range_text`) and how each was taken
    (``'ph = 3.95: the function's trend continued'``).
    """
    terms = parse_terms(fn.terms)
    ranges = parse_ranges(fn.valid_ranges)
    filled = {}
    how = np.full(n, "", dtype=object)
    for var, bad in range_violations(ranges, v, n):
        if not bad.any():
            continue
        lo, hi = ranges[var]
        x = np.asarray(v[var], float)
        xc = np.clip(x, lo, hi)
        own = [t for t in terms if t[0] == var and t[1] != "const"]
        with np.errstate(divide="ignore", invalid="ignore"):
            g_x = transfer_predictor(own, {var: x}, n) if own else np.zeros(n)
            g_c = transfer_predictor(own, {var: xc}, n) if own else np.zeros(n)
        trend = bad & np.isfinite(g_x) & (g_x > g_c)  # the function rises beyond the end: follow it
        at_end = bad & ~trend
        filled[var] = np.where(at_end, xc, x)
        name = _input_name(fn, var)
        text = np.full(n, "", dtype=object)
        text[trend] = [f"{name} = {a:g}: the function's trend continued beyond {lo:g}–{hi:g}" for a in x[trend]]
        text[at_end] = [f"{name} = {a:g}: taken at {b:g}, the end of {lo:g}–{hi:g}"
                        for a, b in zip(x[at_end], xc[at_end], strict=True)]
        how = np.where(text == "", how, np.where(how == "", text, how + ", " + text))
    return (_Filled(v, filled) if filled else v), how


#: Relative difference below which a fallback already meets the preferred function at the end of the latter's
#: range (a piecewise pair such as the maize functions below and above pH 8): it is used as is, not carried on.
CARRY_TOLERANCE = 1e-9


def prediction_floor(fn) -> float:
    """The floor of ``fn``'s prediction [mg kg⁻¹, in its plant basis] (``floor_mg_kg`` of
    ``transfer_functions.csv``, sourced in ``floor_source``), NaN where it sets none.

    A linear function (C = Σ coef·term) falls to zero and below as its inputs move; below its floor its
    prediction is taken as outside its range in output space: the function is not used there directly, but
    carried on from the floor by the change the function used predicts (:func:`_carry_beyond`), as beyond an
    input range.
    """
    x = pd.to_numeric(getattr(fn, "floor_mg_kg", np.nan), errors="coerce")
    return float(x) if np.isfinite(x) and x > 0 else np.nan


def _below_floor(fn, p: np.ndarray) -> np.ndarray:
    """True where ``fn``'s prediction ``p`` (finite) lies below its floor (:func:`prediction_floor`)."""
    floor = prediction_floor(fn)
    if np.isnan(floor):
        return np.zeros(len(p), bool)
    with np.errstate(invalid="ignore"):
        return np.isfinite(p) & (p < floor)


def _floor_text(fn) -> str:
    """The reason ``fn`` is skipped below its floor (``'prediction below its floor of 0.003 mg/kg'``)."""
    return f"prediction below its floor of {prediction_floor(fn):g} mg/kg"


def _floored(fn, p: np.ndarray) -> np.ndarray:
    """``fn``'s prediction ``p`` held at its floor where below it (:func:`prediction_floor`)."""
    floor = prediction_floor(fn)
    return p if np.isnan(floor) else np.where(_below_floor(fn, p), floor, p)


def _clamped(fn, plots: pd.DataFrame) -> pd.DataFrame:
    """``plots`` with each input of ``fn``'s validity range moved to the nearest end of the range (x_edge)."""
    edge = plots.copy()
    for var, (lo, hi) in parse_ranges(fn.valid_ranges).items():
        col = _input_name(fn, var)
        if col in edge.columns:
            edge[col] = edge[col].astype(float).clip(lo, hi)
    return edge


def _as_sold(fn, plots: pd.DataFrame, gidx, where, tables: Tables, moisture, rice: tuple, held: bool = False,
             spreads=None, geo: bool = True):
    """``fn``'s as-sold prediction (rice-type factor included; the karst/geogenic factor of a plot given
    ``high_background`` yes too, unless not ``geo``) on ``plots`` (rows ``gidx`` of the plan), with
    its covariates assumed as the selection assumes them, taken at the edge of its range where ``held``; also
    the variance of the assumed covariates and its spread at the plots (``spreads``: coef_cov, else
    ``se_log10``). Below the function's floor the prediction is held at the floor (:func:`_floored`)."""
    k = len(plots)
    v = _Variables(plots.reset_index(drop=True), fn.metal, fn.soil_measure)
    v, extra, _ = _assume_covariates(fn, v, k, where, gidx, tables)
    if held:
        v, _ = edge_inputs(fn, v, k)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = _response(fn, predictor_sum(fn, v, k))
    p = _floored(fn, p)
    rice_type, crops, metal = rice
    fac = (rice_type_factor_of(rice_type, crops, np.full(k, metal, dtype=object), np.full(k, fn.priority, float),
                               np.full(k, fn.fitted_crop, dtype=object), tables)[0]
           if rice_type is not None else np.ones(k))
    if geo and "high_background" in plots.columns:
        fac = fac * geogenic_factor(plots, np.ones(k, bool), {"function_id": np.full(k, fn.function_id, dtype=object),
                                                              "priority": np.full(k, fn.priority, float)}, tables)[0]
    out = p * as_sold_factor(np.full(k, fn.plant_basis, dtype=object), moisture) * fac
    if spreads is None:
        return out, extra
    if fn.function_id in spreads:
        se = prediction_spread(transfer_design(parse_terms(fn.terms), v, k), *spreads[fn.function_id])
    else:
        se = np.full(k, float(fn.se_log10))
    return out, extra, se


def _held_as(fn, plots: pd.DataFrame) -> pd.DataFrame:
    """``plots`` with the inputs of ``fn`` beyond its validity range moved where :func:`edge_inputs` takes them."""
    ranges = parse_ranges(fn.valid_ranges)
    if not ranges:
        return plots
    k = len(plots)
    v, _ = edge_inputs(fn, _Variables(plots.reset_index(drop=True), fn.metal, fn.soil_measure), k)
    out = plots.copy()
    for var in ranges:
        col = _input_name(fn, var)
        if col in out.columns:
            out[col] = np.asarray(v[var], float)
    return out


def _carry_beyond(rows, pref: np.ndarray, chosen: np.ndarray, plots: pd.DataFrame, hidx: np.ndarray, where,
                  tables: Tables, spreads: dict, moisture: np.ndarray, factor: np.ndarray, p50: np.ndarray,
                  crops: np.ndarray, metal: str) -> dict:
    """Carry a preferred function on beyond its validity range, continuously.

    Where the preferred function f (``rows[pref]``: a user's fit, an opt-in or regional function skipped only
    because an input lies beyond its range) gave way to the function used, g (``rows[chosen]``), the
    prediction is f(x_edge) · g(x) / g(x_edge) (as sold, rice-type factors included), x_edge being the plot's
    inputs moved to the nearest end of f's ranges and g taken as the selection takes it (at the edge of its own
    range where it lies beyond it, :func:`edge_inputs`): f's level at the end of its data, g's response beyond
    it. A linear function below its floor (:func:`prediction_floor`) is taken at the floor, in f(x_edge) and in
    f(x') below: the floor bounds its output and f's own value beyond it is held there, so the prediction is held
    at the floor in the inputs g does not read and the spread widens only with g's change. It equals f at the end
    of the range (continuous) and follows g's direction beyond it (monotone in pH wherever g is). The spread is √(s_f(x')² + (log10 f(x') − log10 prediction)²), x' being the inputs as g takes
    them: f's own spread there (its coef_cov leverage for a fit, which widens with the distance from its data) and
    the disagreement of the two functions, both continuous, the second nil at the end of the range; where g holds
    its prediction at the edge of its own range, so does the spread (the probability of exceeding a limit then
    does not rise with pH either).

    Parameters are the per-prediction-row arrays of :func:`_predict` (``pref`` −1 where none; ``p50`` g's
    prediction in its own basis with its rice-type ``factor``). Returns a dict of per-row arrays: ``ratio``
    (g ÷ f as sold at x_edge, the step the fallback alone would take; NaN where no preferred function),
    ``blended`` (True where carried on: a ratio off 1 by more than :data:`CARRY_TOLERANCE`), ``se`` [log10]
    and ``cov_var`` (f's assumed covariates [log10²]).
    """
    m = len(pref)
    out = {"ratio": np.full(m, np.nan), "blended": np.zeros(m, bool), "se": np.full(m, np.nan),
           "cov_var": np.zeros(m)}
    at = (pref >= 0) & (pref != chosen)
    if not at.any():
        return out
    rtype = (_frames.obj(plots["rice_type"]) if "rice_type" in plots.columns else None)
    for a, b in pd.MultiIndex.from_arrays([pref[at], chosen[at]]).unique():
        sel = np.flatnonzero(at & (pref == a) & (chosen == b))
        fa, fb = rows[a], rows[b]
        gidx = hidx[sel]
        here = plots.iloc[gidx]
        edge = _clamped(fa, here)
        rice = (None if rtype is None else rtype[gidx], crops[sel], metal)
        mo = moisture[sel]
        # f at the end of its range: its inputs at the nearest end of their ranges, its prediction at its floor
        # where below it (a linear function's range in output space, _as_sold)
        f_e, extra = _as_sold(fa, edge, gidx, where, tables, mo, rice)
        # f where g is evaluated (g's inputs held at the edge of its own range, as g takes them): its spread and
        # the two functions' disagreement stop growing where g's prediction stops changing
        f_x, _, se_f = _as_sold(fa, _held_as(fb, here), gidx, where, tables, mo, rice, spreads=spreads)
        g_e = _as_sold(fb, edge, gidx, where, tables, mo, (None, crops[sel], metal), held=True,
                       geo=False)[0] * factor[sel]
        g_x = p50[sel] * as_sold_factor(np.full(len(sel), fb.plant_basis, dtype=object), mo)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = g_e / f_e
            carried = g_x / ratio
            gap = np.log10(f_x) - np.log10(carried)
        good = np.isfinite(ratio) & (ratio > 0)
        out["ratio"][sel] = np.where(good, ratio, np.nan)
        out["blended"][sel] = good & (np.abs(ratio - 1.0) > CARRY_TOLERANCE)
        out["se"][sel] = np.sqrt(se_f ** 2 + np.where(np.isfinite(gap), gap, 0.0) ** 2)
        out["cov_var"][sel] = extra
    return out


def _held_ph_kcl(rows, chosen: np.ndarray, plots: pd.DataFrame, hidx: np.ndarray) -> np.ndarray:
    """Per prediction row: the function used reads pH-KCl, the plot gives none and its pH in water lies above
    :data:`PH_KCL_CONVERSION_MAX`, so pH-KCl was held at the end of the conversion (conservative, extrapolated)."""
    reads = np.array([any(var == "ph_kcl" for var, *_ in parse_terms(fn.terms)) for fn in rows], bool)
    ph = plots["ph"].to_numpy(float)[hidx] if "ph" in plots.columns else np.full(len(hidx), np.nan)
    kcl = plots["ph_kcl"].to_numpy(float)[hidx] if "ph_kcl" in plots.columns else np.full(len(hidx), np.nan)
    with np.errstate(invalid="ignore"):
        return reads[chosen] & np.isnan(kcl) & (ph > PH_KCL_CONVERSION_MAX)


def _carry_notes(preferred, why: np.ndarray, fids, blended: np.ndarray, notes: np.ndarray) -> tuple[list, np.ndarray]:
    """The note ``upt.fit_extended`` of each prediction carried on beyond its preferred function's range (an
    empty message elsewhere), and ``notes`` with its English text appended."""
    msgs = [Message.of("upt.fit_extended", function=p, reasons=w, fallback=f) if b else Message()
            for p, w, f, b in zip(preferred, why, fids, blended, strict=True)]
    text = np.array([render(m.encode(), "en") if b else "" for m, b in zip(msgs, blended, strict=True)], dtype=object)
    return msgs, np.where(text == "", notes, np.where(notes == "", text, notes + "; " + text))


def _held_notes(ph: np.ndarray, held: np.ndarray, notes: np.ndarray) -> tuple[list, np.ndarray]:
    """The note ``upt.ph_kcl_held`` of each prediction whose pH-KCl was held at the end of the conversion."""
    msgs = [Message.of("upt.ph_kcl_held", ph=float(p), kcl=float(PH_KCL_CONVERSION_MAX),
                       sources=PH_KCL_CONVERSION_SOURCE) if h else Message()
            for p, h in zip(ph, held, strict=True)]
    text = np.array([render(m.encode(), "en") if h else "" for m, h in zip(msgs, held, strict=True)], dtype=object)
    return msgs, np.where(text == "", notes, np.where(notes == "", text, notes + "; " + text))


def high_background_yes(values) -> np.ndarray:
    """Per value of the plot column ``high_background``: True where it says yes (any accepted spelling,
    :data:`agriremed.core.names.HIGH_BACKGROUND_ALIASES`; 是, yes, y, …), False for no, blank or missing."""
    return np.array([isinstance(v, str) and HIGH_BACKGROUND_ALIASES.get(v.strip().lower()) == "yes"
                     for v in _frames.obj(np.asarray(values, dtype=object))], bool)


def geogenic_factor(plots: pd.DataFrame, have: np.ndarray, fns: dict,
                    tables: Tables) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The karst/geogenic adjustment of the predicted rows ``have``: where the plot says ``high_background``
    yes (its soil metal is mainly of natural, geological origin) and the chosen function is a packaged one with a
    shift in ``uptake_slopes.csv`` (kind ``geogenic_adjustment``,
    :func:`agriremed.stages.uptake.synthesis.geogenic_adjustments`: the rice and maize Cd defaults), its
    prediction is multiplied by 10^shift and its spread widened by ``se_add`` (a calibration on one or two surveys) —
    only in the provinces of the surveys behind the shift (``provinces`` of its rows: Guizhou, Guangxi) and only
    where the crop the plot grows now has a shift too (rice or maize: a maize switch on a pak choi plot is not
    adjusted). Elsewhere nothing changes: factor 1, no spread added (:func:`geogenic_declined`: the rows where
    only the province kept the adjustment off, which the prediction's note says).

    Returns
    -------
    tuple of numpy.ndarray
        Factor [–], spread added [log10 units] and whether the adjustment applies (bool), per row of ``have``.
    """
    fid, applies, _ = _geogenic_match(plots, have, fns, tables)
    if not applies.any():
        m = len(applies)
        return np.ones(m), np.zeros(m), applies
    adj = tables.memo("geogenic_adjustments", lambda: geogenic_adjustments(tables))
    factor = np.array([adj[f]["factor"] if a else 1.0 for f, a in zip(fid, applies, strict=True)], float)
    add = np.array([adj[f]["se_add"] if a else 0.0 for f, a in zip(fid, applies, strict=True)], float)
    return factor, add, applies


def geogenic_declined(plots: pd.DataFrame, have: np.ndarray, fns: dict, tables: Tables) -> np.ndarray:
    """Per row of ``have``: the provinces (``|``-separated, as in ``uptake_slopes.csv``) of the karst/geogenic
    adjustment that a plot given ``high_background`` yes does not get because it lies outside them (a Hunan rice
    plot: the adjustment is calibrated on Guizhou and Guangxi surveys only); ``''`` elsewhere (adjusted, not
    flagged, or no adjustment for its function or crop). The prediction is then the default's, and its note
    (``upt.geogenic_not_applied``) and the plan's sentence say why (no silent switch)."""
    fid, _, outside = _geogenic_match(plots, have, fns, tables)
    if not outside.any():
        return np.full(len(outside), "", dtype=object)
    adj = tables.memo("geogenic_adjustments", lambda: geogenic_adjustments(tables))
    return np.array([adj[f].get("provinces", "") if o else "" for f, o in zip(fid, outside, strict=True)],
                    dtype=object)


def _geogenic_match(plots: pd.DataFrame, have: np.ndarray, fns: dict,
                    tables: Tables) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Function id, whether the karst/geogenic adjustment applies, and whether it would apply but for the
    plot's province (:func:`geogenic_factor`, :func:`geogenic_declined`), per row of ``have``."""
    m = int(have.sum())
    fid = _frames.obj(fns["function_id"])
    none = (fid, np.zeros(m, bool), np.zeros(m, bool))
    if "high_background" not in plots.columns:
        return none
    yes = high_background_yes(_frames.obj(plots["high_background"])[have])
    if not yes.any():
        return none
    adj = tables.memo("geogenic_adjustments", lambda: geogenic_adjustments(tables))
    applies = yes & np.isin(fid, list(adj)) & (np.asarray(fns["priority"], float) > 0)
    outside = np.zeros(m, bool)
    if applies.any():
        # only in the provinces of the surveys behind the shift (a Guizhou karst factor is not a Hunan one), and
        # only where the crop grown now has a shift too, so that a substitute crop (maize on a pak choi plot) is
        # not made safer than the crop it would replace by an adjustment that crop cannot have
        region = (_frames.obj(plots["region"])[have] if "region" in plots
                  else np.full(m, "", dtype=object))
        region = np.array(["" if pd.isna(r) else str(r).lower() for r in region], dtype=object)
        # without a crop column (a threshold table) the crop grown is the one predicted
        now = (_frames.obj(plots["crop"])[have] if "crop" in plots
               else np.array([adj[f]["crop"] if f in adj else "" for f in fid], dtype=object))
        crops_with = {v["crop"] for v in adj.values()}
        pnames = province_names(tables)
        for f in set(fid[applies].tolist()):
            sel = applies & (fid == f)
            prov = adj[f].get("provinces", "")
            if prov:
                reg_u, codes = np.unique(region[sel], return_inverse=True)
                placed = np.array([region_province(r, tables) for r in reg_u], dtype=object)
                inside = _in_provinces(reg_u, prov, pnames, placed)[codes]
                idx = np.flatnonzero(sel)
                applies[idx[~inside]] = False
                outside[idx[~inside]] = True
        has_crop = np.isin(np.asarray(now, dtype=object), list(crops_with))
        applies &= has_crop
        outside &= has_crop
    return fid, applies, outside


def _geogenic_carried(plots: pd.DataFrame, have: np.ndarray, rows, pref: np.ndarray, blended: np.ndarray,
                      geo: tuple, tables: Tables) -> tuple:
    """The karst/geogenic adjustment (factor, spread added, applies, function id) of each predicted row, ``geo``
    (that of the function used) with the rows carried on beyond a preferred function's range (``blended``) taking
    the preferred function's: its level f(x_edge) carries f's own factor (g's cancels in g(x)/g(x_edge)); a
    user's fit has none."""
    factor, add, applies, fid = geo
    if not blended.any():
        return factor, add, applies, fid
    yes = "high_background" in plots.columns and bool(high_background_yes(_frames.obj(plots["high_background"])).any())
    if not yes:
        return factor, add, applies & ~blended, fid
    pf = {"function_id": np.array([rows[j].function_id if j >= 0 else "" for j in pref], dtype=object),
          "priority": np.array([rows[j].priority if j >= 0 else 0.0 for j in pref], float)}
    pfac, padd, pgeo = geogenic_factor(plots, have, pf, tables)
    return (np.where(blended, pfac, factor), np.where(blended, padd, add), np.where(blended, pgeo, applies),
            np.where(blended, pf["function_id"], fid))


def _geogenic_spread(se: np.ndarray, applies: np.ndarray, add: np.ndarray) -> np.ndarray:
    """``se`` widened to √(se² + add²) where the karst/geogenic adjustment applies (a calibration on one or two surveys)."""
    if not applies.any():
        return se
    return np.where(applies, np.sqrt(se ** 2 + add ** 2), se)


def _surveys_msg(n: int) -> Message:
    """How many surveys a karst/geogenic shift is calibrated on, as a message (``upt.geogenic_one_survey``,
    ``upt.geogenic_surveys``)."""
    return Message.of("upt.geogenic_one_survey") if n <= 1 else Message.of("upt.geogenic_surveys", n=int(n))


def _geogenic_notes(fids, applies: np.ndarray, factor: np.ndarray, se: np.ndarray, tables: Tables,
                    notes: np.ndarray) -> tuple[list, np.ndarray]:
    """The note ``upt.geogenic`` of each prediction with the karst/geogenic adjustment (an empty message
    elsewhere), and ``notes`` with its English text appended."""
    if not applies.any():
        return [Message()] * len(applies), notes
    adj = tables.memo("geogenic_adjustments", lambda: geogenic_adjustments(tables))
    msgs = [Message.of("upt.geogenic", factor=printed(float(x), 3), se=printed(float(s), 3),
                       sources=adj[f]["sources"], surveys=_surveys_msg(adj[f]["n_surveys"])) if a else Message()
            for f, a, x, s in zip(fids, applies, factor, se, strict=True)]
    text = np.array([render(m.encode(), "en") if a else "" for m, a in zip(msgs, applies, strict=True)], dtype=object)
    return msgs, np.where(text == "", notes, np.where(notes == "", text, notes + "; " + text))


def _geogenic_declined_notes(provinces: np.ndarray | None, notes: np.ndarray) -> tuple[list, np.ndarray]:
    """The note ``upt.geogenic_not_applied`` of each prediction of a plot given ``high_background`` yes outside
    the provinces of its karst/geogenic adjustment (``provinces``: :func:`geogenic_declined`; ``None``: no such
    plot), an empty message elsewhere, and ``notes`` with its English text appended."""
    if provinces is None or not any(provinces):
        return [Message()] * len(notes), notes
    msgs = [Message.of("upt.geogenic_not_applied", provinces=p) if p else Message() for p in provinces]
    text = np.array([render(m.encode(), "en") if p else "" for m, p in zip(msgs, provinces, strict=True)],
                    dtype=object)
    return msgs, np.where(text == "", notes, np.where(notes == "", text, notes + "; " + text))


def rice_type_factors(tables: Tables | None = None) -> dict:
    """Factor on the grain Cd of the packaged rice functions for each ``rice_type`` [–].

    The packaged rice Cd functions were calibrated on indica and hybrid (indica) rice; a plot
    whose ``rice_type`` is given gets its prediction multiplied by the factor of its type
    (:func:`agriremed.stages.uptake.synthesis.rice_type_factors`, with the soil exponent of the
    synthesis). Blank or missing ``rice_type`` leaves the prediction unchanged.

    Returns
    -------
    dict
        ``indica``, ``japonica``, ``hybrid`` → factor [–].

    Examples
    --------
    >>> round(rice_type_factors()["japonica"], 3)
    0.609
    """
    tables = tables or load_tables()

    def build():
        b = synthesis_slopes(tables.uptake_slopes, "rice", "cd")["soil"]
        return _factors(tables.uptake_slopes, b, "cd")
    return tables.memo("rice_type_factors", build)


def _rice_type_factor(plots: pd.DataFrame, have: np.ndarray, crops: np.ndarray, metal: str, fns: dict,
                      tables: Tables) -> tuple[np.ndarray, np.ndarray]:
    """Rice-type factor [–] and its note for the predicted rows ``have`` (1 and '' where it does not
    apply); ``fns``: the chosen function's ``priority`` and ``fitted_crop`` of each of these rows."""
    m = int(have.sum())
    if metal != "cd" or "rice_type" not in plots.columns:
        return np.ones(m), np.full(m, "", dtype=object)
    return rice_type_factor_of(_frames.obj(plots["rice_type"])[have], crops, np.full(m, metal, dtype=object),
                               fns["priority"], fns["fitted_crop"], tables)


def rice_type_factor_of(rice_type, crops, metals, priority, fitted_crop,
                        tables: Tables | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Factor on predicted grain metal for the rice type of each prediction row, and its note.

    It applies to rice Cd predicted by a packaged function fitted on rice (``priority`` > 0,
    ``fitted_crop`` rice) where the plot's ``rice_type`` is given; the user's own functions
    (``priority`` ≤ 0) were fitted on their own rice and are left unchanged.

    Parameters
    ----------
    rice_type, crops, metals : array_like of str
        Per prediction row (``rice_type`` blank/None where not given).
    priority : array_like of float
        ``priority`` of the chosen function.
    fitted_crop : array_like of str
        ``fitted_crop`` of the chosen function.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    tuple of numpy.ndarray
        Factor [–] (1 where it does not apply) and a note ('' where it does not apply; a
        :class:`agriremed.core.messages.Note` carrying the message ``upt.rice_type`` where it does).
    """
    tables = tables or load_tables()
    rt = np.asarray(rice_type, dtype=object)
    factors = rice_type_factors(tables)
    applies = ((np.asarray(crops, dtype=object) == "rice") & (np.asarray(metals, dtype=object) == "cd")
               & (np.asarray(priority, float) > 0) & (np.asarray(fitted_crop, dtype=object) == "rice")
               & np.isin(rt, list(factors)))
    f = np.where(applies, np.array([factors.get(r, 1.0) for r in rt], dtype=float), 1.0)
    note = np.empty(len(f), dtype=object)
    note[:] = [Note(Message.of("upt.rice_type", factor=printed(x, 3), rice_type=r)) if a and x != 1.0 else ""
               for a, x, r in zip(applies, f, rt, strict=True)]
    return f, note


#: Status of a ``sources.csv`` row that cites a function fitted with ``fit-uptake`` (its validity
#: range is the range of the user's data, not a published one).
FITTED_STATUS = "fitted to user data"


def user_fitted_functions(tables: Tables) -> frozenset:
    """Ids of the transfer functions fitted to the user's own pairs (``fit-uptake``): those whose
    source row has the status :data:`FITTED_STATUS`. Their validity range is the range of the
    data they were fitted on, beyond which they are skipped like any function."""
    src = tables.sources
    keys = set(src.loc[src["status"].astype(str).str.startswith(FITTED_STATUS), "key"])
    tf = tables.transfer_functions
    return frozenset(tf.loc[tf["source"].isin(keys), "function_id"])


class _Filled(Mapping):
    """A plot's variables with some replaced by the typical values of ``covariate_defaults.csv``."""

    def __init__(self, base, filled: dict):
        self._base, self._filled = base, filled

    def __getitem__(self, name):
        return self._filled[name] if name in self._filled else self._base[name]

    def __iter__(self):
        return iter(self._base)

    def __len__(self):
        return len(self._base)


#: Variables never assumed: the soil metal and pH are what a sheet must give.
_NEVER_ASSUMED = frozenset({"soil", "ph", "ph_kcl"})


def _plot_places(lu, region, reg_province, reg_codes, tables: Tables):
    """``(land_use, region, province)`` of every plot as lower-case texts, to find the typical values
    of the covariates a function needs (``covariate_defaults.csv``); None when the table is empty (the
    scenario's ``assume_missing_covariates: false``)."""
    if not covariate_rows(tables):
        return None
    lu_txt = np.array(["" if pd.isna(x) else str(x).strip().lower() for x in lu], dtype=object)
    prov = np.array(["" if pd.isna(p) else str(p).lower() for p in reg_province], dtype=object)
    return lu_txt, region, prov[reg_codes] if len(reg_codes) else np.zeros(0, dtype=object)


def _with_assumed(sel: np.ndarray, fids, took: np.ndarray) -> np.ndarray:
    """The function-choice reason with the covariates assumed for the chosen function (never silently)."""
    if not (took != "").any():
        return sel
    used = np.array([f"{f} used with assumed {assumed_inputs_text(t)} (not given; typical values of "
                     "covariate_defaults.csv)" if t else "" for f, t in zip(fids, took, strict=True)], dtype=object)
    return np.where(used == "", sel, np.where(sel == "", used, sel + "; " + used)).astype(object)


def _assume_covariates(fn, v, n: int, where: tuple | None, idx, tables: Tables):
    """``v`` with the blank covariates of ``fn`` filled by their typical values for each plot.

    ``where`` is ``(land_use, region, province)`` of all plots (lower-case texts; None: assume
    nothing), ``idx`` the plots of ``v``. Returns the
    variables, the variance the assumed values add to the predictor [log10 units² for a log-linear
    function] and the text naming them (``'som_pct=2.5|clay_pct=20'``; ``''`` where none); ``v`` itself
    where nothing is assumed.
    """
    filled, extra, names, vals, masks = {}, np.zeros(n), [], [], []
    if where is None:
        return v, extra, np.full(n, "", dtype=object)
    where = tuple(w[idx] for w in where)
    table = covariate_rows(tables)
    for var, transform, coef in parse_terms(fn.terms):
        if transform == "const" or var in _NEVER_ASSUMED or var not in table:
            continue
        x = v.get(var)
        x = np.full(n, np.nan) if x is None else np.asarray(x, float)
        miss = np.isnan(x)
        if not miss.any():
            continue
        med, sd = assumed_covariate(tables, var, *where)
        use = miss & np.isfinite(med) & np.isfinite(sd)
        if not use.any():
            continue
        filled[var] = np.where(use, med, x)
        extra = extra + np.where(use, covariate_variance(transform, coef, med, sd), 0.0)
        names.append(var)
        vals.append(med)
        masks.append(use)
    if not filled:
        return v, extra, np.full(n, "", dtype=object)
    return _Filled(v, filled), extra, assumed_text(names, vals, masks, n)


def assumed_inputs_text(assumed) -> str:
    """``'som_pct=2.5|clay_pct=20'`` as people read it: ``'som_pct = 2.5 %, clay_pct = 20 %'``."""
    out = []
    for piece in str(assumed or "").split("|"):
        if "=" in piece:
            name, val = piece.split("=", 1)
            unit = C.COLUMNS[name].unit if name in C.COLUMNS else ""
            out.append(f"{name} = {val}" + (f" {unit}" if unit and unit != "1" else ""))
    return ", ".join(out)


def _predict_at_edges(rows, todo: np.ndarray, edge_j: np.ndarray, variables: dict, where, tables: Tables,
                      spreads: dict, out: dict) -> np.ndarray:
    """Predict the plots ``todo`` (no function usable inside its range) with their function ``rows[edge_j]`` at
    the edge of its range (:func:`edge_inputs`), writing into the arrays of ``out`` (``chosen``, ``pred``,
    ``cov_var``, ``assumed``, ``edge_how``, ``se_at``) as the selection loop does; True where a plot was."""
    edged = np.zeros(len(todo), bool)
    for j in pd.unique(edge_j[todo]):
        fn = rows[j]
        idx = np.flatnonzero(todo & (edge_j == j))
        key = (fn.metal, fn.soil_measure)
        v, extra, took = _assume_covariates(fn, variables[key].subset(idx), len(idx), where, idx, tables)
        v, how = edge_inputs(fn, v, len(idx))
        with np.errstate(divide="ignore", invalid="ignore"):
            p = _response(fn, predictor_sum(fn, v, len(idx)))
        ok = np.isfinite(p) & (p > 0)
        at = idx[ok]
        out["chosen"][at], out["pred"][at], out["cov_var"][at] = j, p[ok], extra[ok]
        out["assumed"][at], out["edge_how"][at] = took[ok], how[ok]
        edged[at] = True
        if fn.function_id in spreads:
            x0 = transfer_design(parse_terms(fn.terms), v, len(idx))[ok]
            out["se_at"][at] = prediction_spread(x0, *spreads[fn.function_id])
    return edged


def _with_edge(sel: np.ndarray, fids, how: np.ndarray, at_edge: np.ndarray) -> np.ndarray:
    """The function-choice reason with, where no function was usable inside its range, the function used at the
    edge and how each input beyond the range was taken (never silently)."""
    if not at_edge.any():
        return sel
    ew = np.array([f"no function inside its validity range: {f} used at the edge ({h}; conservative, extrapolated)"
                   if e else "" for f, h, e in zip(fids, how, at_edge, strict=True)], dtype=object)
    return np.where(at_edge, np.where(sel == "", ew, sel + "; " + ew), sel).astype(object)


def _edge_notes(fids, why: np.ndarray, at_edge: np.ndarray, notes: np.ndarray) -> tuple[list, np.ndarray]:
    """The note ``upt.edge_evaluated`` of each prediction made at the edge of its function's range (an empty
    message elsewhere), and ``notes`` with its English text appended."""
    msgs = [Message.of("upt.edge_evaluated", function=f, reasons=w) if e else Message()
            for f, w, e in zip(fids, why, at_edge, strict=True)]
    text = np.array([render(m.encode(), "en") if e else "" for m, e in zip(msgs, at_edge, strict=True)], dtype=object)
    return msgs, np.where(text == "", notes, np.where(notes == "", text, notes + "; " + text))


#: ``extrapolated`` of a prediction whose function publishes no validity range: whether the plot lies
#: outside the function's data is not known (said so, not left blank).
EXTRAPOLATED_UNKNOWN = "unknown"


def _extrapolated_flags(ranged: np.ndarray, at_edge: np.ndarray) -> np.ndarray:
    """``extrapolated`` of each prediction: True where the function was used at the edge of its validity range
    (:func:`edge_inputs`), False where the plot lies inside it, :data:`EXTRAPOLATED_UNKNOWN` where the
    function publishes no range."""
    out = np.empty(len(ranged), dtype=object)
    out[:] = [True if e else (False if r else EXTRAPOLATED_UNKNOWN) for r, e in zip(ranged, at_edge, strict=True)]
    return out


def _predict(plots: pd.DataFrame, crop, metals, tables: Tables | None):
    tables = tables or load_tables()
    n = len(plots)
    crops = (plots["crop"].to_numpy(object) if crop is None
             else np.asarray([crop] * n if isinstance(crop, str) else crop, dtype=object))
    metals = metals or C.present_metals(plots.columns)
    region = (_frames.format_unique(_frames.obj(plots["region"]), lambda r: "" if pd.isna(r) else str(r).lower())
              if "region" in plots else np.full(n, "", dtype=object))
    # crops and regions take few values: rules are decided once per value
    crop_codes, crop_uniq = pd.factorize(crops, use_na_sentinel=False)
    crop_uniq = np.asarray(crop_uniq, dtype=object)
    reg_codes, reg_uniq = pd.factorize(region, use_na_sentinel=False)
    reg_uniq = np.asarray(reg_uniq, dtype=object)
    by_metal = tables.memo("usable_functions_by_metal", lambda: _usable_functions(tables))
    fitted = tables.memo("user_fitted_functions", lambda: user_fitted_functions(tables))
    spreads = function_spreads(tables)
    pnames = province_names(tables)
    reg_province = np.array([region_province(r, tables) for r in reg_uniq], dtype=object)
    pid = plots["plot_id"].to_numpy(object)
    ph = plots["ph"].to_numpy(float) if "ph" in plots.columns else np.full(n, np.nan)
    ph_ok = (ph >= PH_DOMAIN[0]) & (ph <= PH_DOMAIN[1])
    # rice grown on land that is not a paddy (upland rice, 旱稻): the rice functions are fitted on
    # flooded paddies, and the water regime changes grain Cd and As many-fold (hu2013_water)
    lu = _frames.obj(plots["land_use"]) if "land_use" in plots.columns else np.full(n, None, dtype=object)
    aerobic = (crops == "rice") & ~pd.isna(lu) & (lu != "paddy") & (lu != "")
    domain = ph_ok & ~aerobic
    variables = {}
    parts, missing_parts = [], []
    where = _plot_places(lu, region, reg_province, reg_codes, tables)

    is_food = np.isin(crop_uniq, tables.food_crops())[crop_codes]

    def unassessed(mask, metal, reason, key=None):
        """List the plots of ``mask`` as not assessed for ``metal``; ``reason``: a message, or a
        function giving the message of one value of ``key`` (an array over the plots), called
        once per distinct value."""
        mask = mask & is_food
        if mask.any():
            k = int(mask.sum())
            if isinstance(reason, Message):  # one reason for all: encoded and rendered once
                enc = np.full(k, reason.encode(), dtype=object)
                text = np.full(k, render(enc[0], "en"), dtype=object)
            else:
                enc = _frames.per_distinct(lambda v: reason(v).encode(), key[mask])
                text = _frames.per_distinct(lambda e: render(e, "en"), enc)
            missing_parts.append((pid[mask], crops[mask], np.full(k, metal, dtype=object), text, enc))

    for metal in metals:
        col = C.metal_column(metal)
        if col not in plots.columns:
            continue
        soil = plots[col].to_numpy(float)
        if (soil < 0).any():
            bad = pid[soil < 0]
            raise ValueError(f"{col}: negative soil concentration for plot(s) {', '.join(map(str, bad[:5]))}"
                             f"{' …' if len(bad) > 5 else ''}; expected ≥ 0 mg/kg (blank = not measured)")
        measured = ~np.isnan(soil)
        if metal not in by_metal:
            unassessed(measured, metal, no_function_message(metal, tables))
            continue
        rows, cand_cols = by_metal[metal]
        chosen = np.full(n, -1)
        pred = np.full(n, np.nan)
        skipped = np.full(n, "", dtype=object)
        fit_skipped = np.full(n, -1)  # a user's fit skipped for an input beyond the range of its data
        fit_reason = np.full(n, "", dtype=object)
        elsewhere = np.full(n, "", dtype=object)  # functions for the crop passed over: fitted in other provinces
        has_fn = np.zeros(n, bool)
        se_at = np.full(n, np.nan)  # the spread at the plot's leverage, for functions with coef_cov
        cov_var = np.zeros(n)  # variance added by covariates assumed for the chosen function
        assumed = np.full(n, "", dtype=object)  # which covariates were assumed ('som_pct=2.5|clay_pct=20')
        # the first packaged function skipped only because an input is outside its validity range: it
        # predicts at the edge of its range where no function can be used inside its range
        edge_j = np.full(n, -1)
        edge_how = np.full(n, "", dtype=object)
        edge_why = np.full(n, "", dtype=object)
        # the first function of the order skipped only because an input lies beyond its range (a user's fit, an
        # opt-in or a regional function): beyond it, its value at the end of the range is carried on by the
        # change the function used predicts from there (_carry_beyond), so the prediction stays continuous
        pref_j = np.full(n, -1)
        pref_why = np.full(n, "", dtype=object)
        # pass 0: the user's own functions (priority ≤ 0, e.g. from fit-uptake), in their provinces
        # if they name any; pass 1: functions fitted in the plot's province; pass 2: functions that
        # name no province, by priority
        for pass_ in ("user", "local", "all"):
            for j, fn in enumerate(rows):
                if (pass_ == "user") != (fn.priority <= 0):
                    continue  # the user's functions in their own pass only (tried, and skipped, once)
                if pass_ == "all" and str(fn.provinces or "").strip():
                    continue  # used only in its provinces
                for_crop = np.isin(crop_uniq, str(fn.applies_to).split("|"))[crop_codes] & measured
                has_fn |= for_crop
                applies = for_crop & domain & (chosen < 0)
                if pass_ == "local" or (pass_ == "user" and str(fn.provinces or "").strip()):
                    inside = _in_provinces(reg_uniq, fn.provinces, pnames, reg_province)[reg_codes]
                    away = applies & ~inside & bool(str(fn.provinces or "").strip())
                    txt = f"{fn.function_id} (for {str(fn.provinces).replace('|', ', ')} only)"
                    elsewhere[away] = [e if txt in e.split("; ") else txt if e == "" else e + "; " + txt
                                       for e in elsewhere[away].tolist()]  # a user's function: once
                    applies &= inside
                if not applies.any():
                    continue
                idx = np.flatnonzero(applies)
                key = (fn.metal, fn.soil_measure)
                if key not in variables:
                    variables[key] = _Variables(plots, fn.metal, fn.soil_measure)
                v, extra, took = _assume_covariates(fn, variables[key].subset(idx), len(idx), where, idx, tables)
                p = _response(fn, predictor_sum(fn, v, len(idx)))
                user_fit = fn.function_id in fitted
                outside = _range_text(fn, v, len(idx), fitted=user_fit)
                # every function, the user's own fits too, is used only inside its range: beyond the
                # data a fit was made on, the next function in the order predicts
                # a linear function below its floor (floor_mg_kg) is outside its range in output space
                low = _below_floor(fn, p)
                ok = np.isfinite(p) & (p > 0) & (outside == "") & ~low
                if user_fit:
                    only_range = np.isfinite(p) & (p > 0) & (outside != "") & (fit_skipped[idx] < 0)
                    fit_skipped[idx[only_range]] = j
                    fit_reason[idx[only_range]] = fn.function_id + " (" + outside[only_range] + ")"
                need, nonpos = _missing_inputs(fn, v, len(idx))
                beyond_why = _listed(outside, low, _floor_text(fn))
                beyond = (~ok & (beyond_why != "") & (need == "") & (nonpos == "") & np.isfinite(p)
                          & ((p > 0) | low) & (pref_j[idx] < 0))
                pref_j[idx[beyond]] = j
                pref_why[idx[beyond]] = beyond_why[beyond]
                only = _edge_candidates(fn, user_fit, ok, outside, need, nonpos) & (edge_j[idx] < 0)
                edge_j[idx[only]] = j
                edge_why[idx[only]] = outside[only]
                chosen[idx[ok]] = j
                pred[idx[ok]] = p[ok]
                cov_var[idx[ok]] = extra[ok]
                assumed[idx[ok]] = took[ok]
                if fn.function_id in spreads:
                    x0 = transfer_design(parse_terms(fn.terms), v, len(idx))[ok]
                    se_at[idx[ok]] = prediction_spread(x0, *spreads[fn.function_id])
                if ok.all():
                    continue
                why = np.where(beyond_why != "", beyond_why, "")
                why = np.where(nonpos != "", nonpos, why)
                why = np.where(need != "", np.where(nonpos != "", "needs " + need + ", " + nonpos,
                                                    "needs " + need), why)
                why = np.where((why == "") & ~ok, "prediction not positive", why)
                bad = idx[~ok]
                txt = fn.function_id + " (" + why[~ok] + ")"
                skipped[bad] = np.where(skipped[bad] == "", txt, skipped[bad] + "; " + txt)
        # no function could be used inside its range: the first skipped only for its range predicts at the
        # edge (edge_inputs), flagged extrapolated, continuous with the prediction inside the range
        edged = _predict_at_edges(rows, (chosen < 0) & (edge_j >= 0), edge_j, variables, where, tables, spreads,
                                  {"chosen": chosen, "pred": pred, "cov_var": cov_var, "assumed": assumed,
                                   "edge_how": edge_how, "se_at": se_at})
        have = chosen >= 0
        cap = metal.capitalize()
        unassessed(measured & ~has_fn, metal, lambda c, m=cap: Message.of("upt.none_crop", crop=c, metal=m), crops)
        unassessed(measured & has_fn & np.isnan(ph), metal, Message.of("upt.ph_missing"))
        unassessed(measured & has_fn & ~ph_ok & ~np.isnan(ph), metal,
                   Message.of("upt.ph_domain", lo=float(PH_DOMAIN[0]), hi=float(PH_DOMAIN[1])))
        unassessed(measured & has_fn & ph_ok & aerobic, metal,
                   lambda u: Message.of("upt.aerobic_rice", land_use=u, sources=AEROBIC_RICE_SOURCE), lu)
        unassessed(measured & has_fn & domain & ~have, metal,
                   lambda s: Message.of("upt.other_provinces") if s == "" else Message.of("upt.no_function_used",
                                                                                        skipped=s), skipped)
        if not have.any():
            continue
        hidx = np.flatnonzero(have)
        at_edge = edged[have]
        fns = {c: v[chosen[have]] for c, v in cand_cols.items()}  # the chosen function of each row
        basis = fns["plant_basis"]
        took = assumed[have]
        moist = moisture_of_crops(crops[have], tables)
        p50 = pred[have]
        factor, factor_note = _rice_type_factor(plots, have, crops[have], metal, fns, tables)
        # soil metal of natural (geological) origin (high_background yes): the karst/geogenic shift
        geo_factor, geo_add, geo = geogenic_factor(plots, have, fns, tables)
        geo_fid = _frames.obj(fns["function_id"])
        factor = factor * geo_factor
        p50 = p50 * factor
        carried = _carry_beyond(rows, pref_j[have], chosen[have], plots, hidx, where, tables, spreads,
                                moist, factor, p50, crops[have], metal)
        blended = carried["blended"]
        p50 = np.where(blended, p50 / np.where(blended, carried["ratio"], 1.0), p50)
        geo_factor, geo_add, geo, geo_fid = _geogenic_carried(plots, have, rows, pref_j[have], blended,
                                                              (geo_factor, geo_add, geo, geo_fid), tables)
        held = _held_ph_kcl(rows, chosen[have], plots, hidx)
        se = fns["se_log10"]
        own = ~np.isnan(se_at[have])  # a function with coef_cov: the spread of the plot
        if own.any():
            se = np.where(own, se_at[have], se)
        # carried on beyond the preferred function's range: its spread there, widened by how far the two
        # functions part (_carry_beyond), with the variance of its own assumed covariates
        se = np.where(blended, carried["se"], se)
        var_cov = np.where(blended, carried["cov_var"], cov_var[have])
        # an assumed covariate adds its spread: se² = se_function² + Σ (coef · sd_log10)²
        se_cov = np.sqrt(var_cov)
        se = np.sqrt(se ** 2 + var_cov)
        se = _geogenic_spread(se, geo, geo_add)
        is_dw = basis == "dw"
        is_fw = basis == "fw"
        fw50 = p50 * as_sold_factor(basis, moist)
        dw50 = np.where(is_dw, p50, p50 / (1 - moist))
        f = 10.0 ** (Z95 * se)
        # a function is used only inside its validity range: False where it publishes one, NA where not
        ranged = fns["ranged"]
        notes = np.where(is_dw, "", np.where(is_fw, "", "plant basis not published: "
                                             "compared with the limit as is (conservative)"))
        notes = np.where(factor_note == "", notes, np.where(notes == "", factor_note, notes + "; " + factor_note))
        edge_msg, notes = _edge_notes(fns["function_id"], edge_why[have], at_edge, notes)
        carry_msg, notes = _carry_notes([rows[j].function_id if b else "" for j, b in
                                         zip(pref_j[have], blended, strict=True)], pref_why[have],
                                        fns["function_id"], blended, notes)
        held_msg, notes = _held_notes(ph[have], held, notes)
        geo_msg, notes = _geogenic_notes(geo_fid, geo, geo_factor, se, tables, notes)
        # high_background yes outside the provinces of the adjustment's surveys: not applied, and said so
        off_msg, notes = _geogenic_declined_notes(geogenic_declined(plots, have, fns, tables), notes)
        geo_msg = [g + o for g, o in zip(geo_msg, off_msg, strict=True)]
        basis_msg = Message.of("upt.basis_unpublished")
        note_msg = encode_column([(Message() if known else basis_msg)
                                  + (fn.message if isinstance(fn, Note) else Message()) + em + cm + hm + gm
                                  for known, fn, em, cm, hm, gm in zip(is_dw | is_fw, factor_note, edge_msg,
                                                                       carry_msg, held_msg, geo_msg, strict=True)])
        sk, away = skipped[have], elsewhere[have]
        sk = np.where(away == "", sk, np.where(sk == "", away, sk + "; " + away)).astype(object)
        sel = np.where(sk == "", "", "skipped " + sk).astype(object)
        sel = _with_assumed(_with_edge(sel, fns["function_id"], edge_how[have], at_edge), fns["function_id"], took)
        edge = np.where(blended | ((fit_skipped[have] >= 0) & (fit_skipped[have] == pref_j[have])),
                        carried["ratio"], np.nan)
        parts.append(_frames.frame({
            "plot_id": pid[have],
            "crop": crops[have],
            "metal": metal,
            "function_id": fns["function_id"],
            "user_function": np.isin(fns["function_id"], list(fitted)),
            "plant_basis": basis,
            "se_log10": se,
            "crop_dw_p05_mg_kg": dw50 / f,
            "crop_dw_p50_mg_kg": dw50,
            "crop_dw_p95_mg_kg": dw50 * f,
            "crop_fw_p05_mg_kg": fw50 / f,
            "crop_fw_p50_mg_kg": fw50,
            "crop_fw_p95_mg_kg": fw50 * f,
            "extrapolated": _extrapolated_flags(ranged, at_edge | blended | held),
            "selection": sel,
            "user_fit_skipped": fit_reason[have],
            "user_fit_edge_ratio": edge,
            "note": notes.astype(object),
            "note_msg": note_msg,
            "assumed_inputs": took.astype(object),
            "se_covariate_log10": se_cov,
        }, len(hidx)))
    pred_df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PREDICTION_COLUMNS)
    miss_df = (pd.DataFrame({c: np.concatenate([part[i] for part in missing_parts])
                             for i, c in enumerate(("plot_id", "crop", "metal", "reason", "reason_msg"))})
               if missing_parts else pd.DataFrame(columns=UNASSESSED_COLUMNS))
    return pred_df, miss_df


def food_safety(predictions: pd.DataFrame, standard="GB2762",
                tables: Tables | None = None, reduction=None) -> pd.DataFrame:
    """Compare predicted crop concentrations with a food standard.

    Parameters
    ----------
    predictions : pandas.DataFrame
        Output of :func:`predict_crop_concentration`.
    standard : str, pandas.Series or array_like
        ``standard`` in ``food_limits.csv`` (``GB2762``, ``EU2023_915``, ``CODEX``) for every
        row, or per plot (a Series indexed by plot id) or per row (:func:`row_standards`).
    tables : Tables, optional
        Literature tables.
    reduction : array_like, optional
        Fractional reduction of the crop concentration for each prediction row
        (e.g. from an amendment) [–]; default none.

    Returns
    -------
    pandas.DataFrame
        ``predictions`` with ``food_limit_mg_kg`` [mg kg⁻¹, as sold],
        ``limit_species`` and ``p_exceed_limit`` [–] (NaN where the standard sets no
        limit for the crop group and metal).
    """
    tables = tables or load_tables()
    cols = dict(predictions.items())  # the new columns are added by name, the table built once
    metal = _frames.obj(cols["metal"])
    limit, species = limits_for_crops(cols["crop"], metal, row_standards(standard, cols["plot_id"]), tables)
    cols["food_limit_mg_kg"] = limit
    cols["limit_species"] = _frames.text_series(species, predictions.index)
    fw50 = cols["crop_fw_p50_mg_kg"].to_numpy(float)
    if reduction is not None:
        fw50 = fw50 * (1.0 - np.asarray(reduction, float))
    se = cols["se_log10"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.log10(limit) - np.log10(fw50)) / se
    cols["p_exceed_limit"] = 1.0 - ndtr(z)
    out = _frames.consolidated(cols, predictions.index)
    inorganic = (metal == "as") & (species == "inorganic")
    if inorganic.any():
        out.loc[inorganic, "note"] = (out.loc[inorganic, "note"].fillna("") +
                                      " total As compared with an inorganic-As limit (conservative)")
        if "note_msg" in out:
            out.loc[inorganic, "note_msg"] = ""  # the note is not a message any more
    return out


def crop_compliance(checked: pd.DataFrame, plot_ids) -> np.ndarray:
    """Probability that a plot's crop meets every food limit.

    Parameters
    ----------
    checked : pandas.DataFrame
        Output of :func:`food_safety`.
    plot_ids : array_like
        Plots, in the order wanted.

    Returns
    -------
    numpy.ndarray
        Π over metals with a limit of (1 − p_exceed) [–], treating metals as
        independent; ``NaN`` for plots with no predicted metal that has a limit.
    """
    c = checked.dropna(subset=["p_exceed_limit"])
    logp = np.log(np.clip(1.0 - c["p_exceed_limit"].to_numpy(float), 1e-300, 1.0))
    s = pd.Series(logp).groupby(c["plot_id"].to_numpy(object)).sum()
    return np.exp(pd.Series(s).reindex(list(plot_ids)).to_numpy(float))


def function_coverage(tables: Tables | None = None, metals=None) -> pd.DataFrame:
    """Which food crop × metal pairs have a usable transfer function, and which have food limits.

    Makes the gaps of the library visible: a crop and metal with a food limit but no
    function gets no prediction (and no food-safety check) in a plan.

    Parameters
    ----------
    tables : Tables, optional
        Literature tables (a user folder adds its functions).
    metals : list of str, optional
        Metals to list; default: all.

    Returns
    -------
    pandas.DataFrame
        One row per food crop × metal: ``crop``, ``metal``, ``functions`` (usable
        function ids in priority order, ``'|'``-joined, ``''`` if none) and
        ``standards`` (standards with a limit for the crop's group, ``'+'``-joined).

    Examples
    --------
    >>> cov = function_coverage(metals=["cd"]).set_index("crop")
    >>> cov.loc["wheat", "functions"].split("|")[0], cov.loc["potato", "functions"]
    ('mcgrath2002_wheat_cd', '')
    """
    tables = tables or load_tables()
    crops = tables.crops.loc[tables.crops["food"], ["crop", "crop_group"]]
    metals = list(metals or C.METALS)
    grid = crops.merge(pd.DataFrame({"metal": metals}), how="cross")
    tf = tables.transfer_functions
    tf = tf.loc[tf["usable"]].sort_values("priority", kind="stable")
    fns = tf.assign(crop=tf["applies_to"].str.split("|")).explode("crop")
    fns = fns.groupby(["crop", "metal"], sort=False)["function_id"].agg("|".join).rename("functions")
    lim = tables.food_limits.groupby(["crop_group", "metal"], sort=False)["standard"]
    lim = lim.agg("+".join).rename("standards")
    out = grid.merge(fns, left_on=["crop", "metal"], right_index=True, how="left")
    out = out.merge(lim, left_on=["crop_group", "metal"], right_index=True, how="left")
    return out[["crop", "metal", "functions", "standards"]].fillna("").reset_index(drop=True)
