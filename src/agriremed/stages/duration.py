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
``removal_rate_soil`` — a published removal R [g ha⁻¹ yr⁻¹] measured at soil
    concentration C_ref, taken as proportional to the soil concentration (removal
    R · C / C_ref, i.e. a constant BCF): first order with f = R / (C_ref · M) a year.
``declining_bcf`` — shoot concentration log-linear in soil concentration with slope
    b < 1 (log C_s = log C_ref,s + b · log(C/C_ref)), so the BCF falls as the soil gets
    richer (Zhao, Lombi & McGrath 2003). With a = Y · C_ref,s · C_ref⁻ᵇ / M,
    dC/dt = −a Cᵇ and t = (C0¹⁻ᵇ − Ct¹⁻ᵇ) / ((1 − b) a).

Here M is the soil mass of the treated layer [t ha⁻¹] (depth × bulk density; where the plot
gives neither or one of them, the typical value assumed for it is drawn in the Monte Carlo:
:func:`agriremed.stages.soil.soil_mass_draws`), Y the harvested dry matter [t ha⁻¹ yr⁻¹], concentrations in mg kg⁻¹. Optional terms: a
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

import zlib

import numpy as np
import pandas as pd
from scipy.special import ndtr

from agriremed.core import columns as C
from agriremed.core import frames as _frames
from agriremed.stages import soil as soil_mod
from agriremed.models.duration import (concentration_by_model, concentration_from_model_terms, model_terms,
                                       removal_rates, apply_soil_chemistry, cap_fraction_removal, valid_edge,
                                       years_by_model,
                                       years_from_rates, bcf_fraction, concentration_after, years_declining_bcf,
                                       years_first_order, years_zero_order)
from agriremed.models.duration import FIRST_ORDER_MODELS, removal_ph_factor, removal_state  # noqa: F401  (``agriremed.stages.duration`` names)
from agriremed.models.duration import package_reduction
from agriremed.stages.seasons import row_rice_seasons
from agriremed.stages.options import (biochar_efficacy, biochar_reduction, library_parameter, lime_by_requirement,
                                      lime_options, lime_share, treats_metals)
from agriremed.models.uptake import ph_kcl_from_ph_water
from agriremed.core.tables import Tables, load_tables
from agriremed.core.uncertainty import draw_seed, parameter_draws, sampling_of
from agriremed.stages.uptake import food_safety, predict_crop_concentration, row_standards
from agriremed.stages.uptake.predict import function_inputs

__all__ = [
    "package_reduction",
    "cleanup_years_text",
    "duration_kinds",
    "DURATION_KINDS",
    "blank_stabilising_years",
    "never_reaches_target",
    "YEARS_COLUMNS",
    "YEARS_SHOWN_UP_TO",
    "STABILISES_TEXT",
    "PROTECTS_TEXT",
    "NOT_CLEAN_UP_CODES",
    "NOT_CLEAN_UP_KINDS",
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
    "COMPLIANCE_SEED",
    "CENTRAL_COMPLIANCE",
    "compliance_seed",
    "compliance_by_year",
    "removal_inputs",
    "typical_trajectories",
    "Trajectories",
    "YearlySchedule",
    "HORIZONS",
    "REMOVAL_MODELS",
    "TARGETS",
]


#: Years to target above this are printed as "> 200" (a remediation horizon no plan reaches).
YEARS_SHOWN_UP_TO = 200.0
#: Option kinds that hold metals in place or avoid exposure rather than remove them.
NOT_CLEAN_UP_KINDS = ("baseline", "immobilisation", "safe_crop", "land_use_change")
#: Text for an option that is not a clean-up method.
STABILISES_TEXT = "stabilises, does not clean up"
#: Text for a safe crop (a low-uptake variety, a foliar spray, flooding): it lowers what the crop
#: takes up and leaves the soil as it is.
PROTECTS_TEXT = "protects the crop, does not clean up"
#: Message code of each text of an option that is not a clean-up method.
NOT_CLEAN_UP_CODES = {STABILISES_TEXT: "rec.stabilises", PROTECTS_TEXT: "rec.protects"}


#: Values of the plan-table column ``duration_kind``: what the years-to-target columns of a row mean.
#: ``clean_up``: a clean-up method, its years are the years to target; ``stabilises``: not a clean-up
#: method (it holds the metals in place; a phytomanagement crop whose removal would take more than
#: :data:`YEARS_SHOWN_UP_TO` years); ``protects``: a safe crop, which lowers the crop's uptake and leaves
#: the soil as it is; ``baseline``: doing nothing.
DURATION_KINDS = ("clean_up", "stabilises", "protects", "baseline")
#: The years-to-target columns of the plan table.
YEARS_COLUMNS = ("years_to_target", "years_p10", "years_p50", "years_p90")


def duration_kinds(years, kind, target_metals) -> np.ndarray:
    """What the years to target of each row mean (one of :data:`DURATION_KINDS`).

    An option of a kind of :data:`NOT_CLEAN_UP_KINDS`, an option that treats none of the exceeding
    metals and a phytomanagement crop whose removal would take more than :data:`YEARS_SHOWN_UP_TO`
    years (it mainly holds the soil in place) is not a clean-up method: ``stabilises`` (a safe crop:
    ``protects``; doing nothing: ``baseline``); every other option is ``clean_up``.

    Parameters
    ----------
    years : array_like
        Years to target [yr] (NaN: not known; inf: never).
    kind : array_like of str
        Option kind per row.
    target_metals : array_like of str
        Treated metals above screening per row (``''``: none).

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> duration_kinds([5991.0, 5991.0, 12.4, float("inf"), float("inf"), 0.0],
    ...                ["phytomanagement", "phytoextraction", "phytoextraction", "immobilisation", "safe_crop",
    ...                 "baseline"], ["cd"] * 6).tolist()
    ['stabilises', 'clean_up', 'clean_up', 'stabilises', 'protects', 'baseline']
    """
    y = np.atleast_1d(np.asarray(years, float))
    k = np.atleast_1d(np.asarray(kind, dtype=object))
    t = np.atleast_1d(np.asarray(target_metals, dtype=object))
    treats = np.array([isinstance(x, str) and x != "" for x in t], dtype=bool)
    slow = (y > YEARS_SHOWN_UP_TO) & ~np.isnan(y)
    stabilises = np.isin(k, NOT_CLEAN_UP_KINDS) | ~treats | ((k == "phytomanagement") & slow)
    return np.where(k == "baseline", "baseline",
                    np.where(stabilises, np.where(k == "safe_crop", "protects", "stabilises"),
                             "clean_up")).astype(object)


def blank_stabilising_years(years, dkind) -> np.ndarray:
    """Years to target [yr] with the number of years of an option that is not a clean-up method
    removed (NaN): a phytomanagement crop whose removal would take 3 800 years ``stabilises`` and
    gives no years (``duration_kind`` says so), not a pseudo-precise 3 800. The exact statements
    of such a row stay: 0 (the soil is at the target already) and inf (it never gets there).

    Examples
    --------
    >>> blank_stabilising_years([3812.5, float("inf"), 0.0, 12.4],
    ...                         ["stabilises", "stabilises", "protects", "clean_up"]).tolist()
    [nan, inf, 0.0, 12.4]
    """
    y = np.atleast_1d(np.asarray(years, float))
    not_clean_up = np.atleast_1d(np.asarray(dkind, dtype=object)) != "clean_up"
    return np.where(not_clean_up & np.isfinite(y) & (y > 0), np.nan, y)


def never_reaches_target(years, dkind) -> np.ndarray:
    """Whether the option does not bring the soil to the target (the plan table's ``<years column>_never``),
    from the years to target before :func:`blank_stabilising_years`: infinite years (it removes none of the
    metal, or never enough), or years that the blanking removes because the option is not a clean-up method
    (``duration_kind`` stabilises, protects or baseline: an energy crop whose removal would take more than
    :data:`YEARS_SHOWN_UP_TO` years holds the metal in place and reads "stabilises, does not clean up", so its
    blank years say never too, not "reached some time"). False where the years are given (0: at the target
    already) and where they are not known (NaN: not applicable, or no Monte Carlo draws).

    Examples
    --------
    >>> never_reaches_target([3812.5, float("inf"), 0.0, 12.4, float("nan")],
    ...                      ["stabilises", "stabilises", "protects", "clean_up", "stabilises"]).tolist()
    [True, True, False, False, False]
    """
    y = np.atleast_1d(np.asarray(years, float))
    withheld = np.isnan(blank_stabilising_years(y, dkind)) & ~np.isnan(y)
    return np.isposinf(y) | withheld


def cleanup_years_text(years, kind, target_metals, duration_kind=None) -> np.ndarray:
    """Years to target as text that never prints a meaningless number.

    An option that is not a clean-up method (:func:`duration_kinds`: a kind of
    :data:`NOT_CLEAN_UP_KINDS`, an option that treats none of the exceeding metals, or a
    phytomanagement crop whose removal would take more than :data:`YEARS_SHOWN_UP_TO` years, i.e. it
    mainly holds the soil in place) reads ``"stabilises, does not clean up"`` (a safe crop, which
    lowers the crop's uptake and leaves the soil as it is: ``"protects the crop, does not clean
    up"``); other years above the bound read ``"> 200"``.

    Parameters
    ----------
    years : array_like
        Years to target [yr] (NaN: not known; inf: never).
    kind : array_like of str
        Option kind per row.
    target_metals : array_like of str
        Treated metals above screening per row (``''``: none).
    duration_kind : array_like of str, optional
        The plan table's ``duration_kind`` (:func:`duration_kinds`) where the years of the rows
        that are not a clean-up method are blank already (:func:`blank_stabilising_years`); blank
        or missing values are derived from the years.

    Returns
    -------
    numpy.ndarray of object
        Text per row (``''`` where the years are not known and the option is a clean-up method).

    Examples
    --------
    >>> kinds = ["phytomanagement", "phytoextraction", "phytoextraction", "phytoextraction",
    ...          "immobilisation", "phytoextraction", "safe_crop"]
    >>> y = [5991.0, 5991.0, 12.4, 0.0, float("inf"), float("nan"), float("inf")]
    >>> cleanup_years_text(y, kinds, ["cd"] * 7).tolist()
    ['stabilises, does not clean up', '> 200', '12', '0', 'stabilises, does not clean up', '', 'protects the crop, does not clean up']
    >>> cleanup_years_text([float("nan")], ["phytomanagement"], ["cd"], ["stabilises"]).tolist()
    ['stabilises, does not clean up']
    """
    y = np.atleast_1d(np.asarray(years, float))
    k = np.atleast_1d(np.asarray(kind, dtype=object))
    dk = duration_kinds(y, k, target_metals)
    if duration_kind is not None:
        given = np.atleast_1d(np.asarray(duration_kind, dtype=object))
        dk = np.where(np.isin(given, DURATION_KINDS), given, dk)
    slow = (y > YEARS_SHOWN_UP_TO) & ~np.isnan(y)
    out = np.empty(len(y), dtype=object)
    for i in range(len(y)):
        out[i] = (PROTECTS_TEXT if dk[i] == "protects" else STABILISES_TEXT if dk[i] in ("stabilises", "baseline")
                  else "" if np.isnan(y[i])
                  else f"> {YEARS_SHOWN_UP_TO:.0f}" if slow[i] else f"{y[i]:.0f}")
    return out

#: Horizons [yr] for which the probability of reaching the target is reported.
HORIZONS = (10, 20)

#: Removal models of ``options.csv`` and the option parameters each one needs.
REMOVAL_MODELS = {
    "shoot_conc": ("shoot_conc_mg_kg",),
    "removal_rate": ("removal_g_ha_yr",),
    "bcf": ("bcf",),
    "fraction": ("removal_frac_per_yr",),
    "declining_bcf": ("shoot_ref_mg_kg", "soil_ref_mg_kg", "shoot_exponent_b"),
    "removal_rate_soil": ("removal_g_ha_yr", "removal_soil_ref_mg_kg"),
}

#: Clean-up targets: the GB 15618 screening value, the soil concentration at which the
#: crop meets the food limit, or the lower of the two.
TARGETS = ("screening", "food_limit", "strictest")


_BIG = 1e9  # stands in for "never" inside percentile arithmetic


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


def _p_comply_one_metal(plots: pd.DataFrame, crops, metal: str, food_standard, tables: Tables):
    """P(crop meets the food limit for ``metal``) per plot (NaN: no prediction or no limit)."""
    pred = predict_crop_concentration(plots, crop=crops, metals=[metal], tables=tables, warn=False)
    out = np.full(len(plots), np.nan)
    if pred.empty:
        return out
    chk = food_safety(pred, food_standard, tables)
    p = pd.Series(1.0 - chk["p_exceed_limit"].to_numpy(float), index=chk["plot_id"].to_numpy(object))
    return p.reindex(plots["plot_id"].to_numpy(object)).to_numpy(float)


def safe_soil_concentration(plots: pd.DataFrame, metal: str, crop=None, food_standard="GB2762",
                            tables: Tables | None = None, compliance_prob: float = 0.5,
                            log10_range=(-4.0, 3.0), iterations: int = 40) -> np.ndarray:
    """Soil concentration at which the crop meets the food limit with a given probability.

    The uptake functions of :mod:`agriremed.stages.uptake` are inverted numerically: every
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
    food_standard : str or pandas.Series
        Food-limit set, or one per plot (a Series indexed by plot id).
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
        top of the range (or of the function's validity range); 0 where it fails even at
        the bottom (lowering the soil alone cannot make it safe); NaN where the metal is
        not measured, the crop has no usable uptake function or no limit applies.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"plot_id": ["a"], "land_use": ["paddy"], "crop": ["rice"], "ph": [6.0],
    ...                   "cd_mg_kg": [0.5], "region": [""]})
    >>> round(float(safe_soil_concentration(p, "cd")[0]), 3)    # 10^((log 0.2 − 0.4519 + 0.22975·6)/0.4305)
    3.379
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

    # the functions are not evaluated outside their validity range: bracket the search by the
    # scale factors at which a prediction exists (a coarse grid first, then bisection inside it)
    grid = np.linspace(float(log10_range[0]), float(log10_range[1]), 29)
    valid = np.array([~np.isnan(p_at(np.full(n, g))) for g in grid])          # grid × plots
    have = valid.any(axis=0)
    first = np.where(have, valid.argmax(axis=0), 0)
    last = np.where(have, len(grid) - 1 - valid[::-1].argmax(axis=0), 0)
    lo, hi = valid_edge(p_at, grid, first, -1), valid_edge(p_at, grid, last, +1)
    p_lo, p_hi = p_at(lo), p_at(hi)
    p_lo = np.where(have, p_lo, np.nan)
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
                          target: str = "screening", food_standard="GB2762",
                          compliance_prob: float = 0.5) -> pd.DataFrame:
    """Clean-up target of every plot × metal.

    Parameters
    ----------
    plots : pandas.DataFrame
        Validated plots.
    screened : pandas.DataFrame
        Output of :func:`agriremed.stages.soil.screen` (``screening_mg_kg`` per plot × metal).
    tables : Tables, optional
        Literature tables.
    target : {"screening", "food_limit", "strictest"}
        ``screening``: the GB 15618 screening value for the plot's pH and land use;
        ``food_limit``: the soil concentration at which the plot's current crop meets
        the food limit with probability ``compliance_prob`` (:func:`safe_soil_concentration`),
        falling back to the screening value where the crop has no uptake function or
        limit; ``strictest``: the lower of the two.
    food_standard : str or pandas.Series
        Food-limit set, or one per plot (a Series indexed by plot id).
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
def _parameter_rows(tables: Tables, parameter: str):
    """The ``option_parameters.csv`` rows of ``parameter`` and their position by (option, metal)."""
    p = tables.option_parameters
    p = p.loc[p["parameter"] == parameter].reset_index(drop=True)
    pm = p["metal"].fillna("").to_numpy(object)
    return p, {(o, m): i for i, (o, m) in enumerate(zip(_frames.obj(p["option_id"]), pm, strict=True))}


def _param_matrix(tables: Tables, option_pos, parameter, metal_codes, metal_names, n_draws, seed,
                  default=np.nan):
    """Typical values and draws of one parameter for each (option, metal) row.

    ``option_pos`` indexes ``tables.options``; ``metal_codes`` index ``metal_names``
    ('' for a parameter that is not per metal). Draws that are NaN (no row, or a NaN draw)
    become ``default``; the typical values keep NaN. Draws that are the same in every draw for
    every row (bit for bit) come as a read-only rows × draws view of one column.
    """
    p, where = tables.memo(("duration.parameter_rows", parameter), lambda: _parameter_rows(tables, parameter))
    lib = _frames.obj(tables.options["option_id"])
    first, inv = _frames.distinct(option_pos, metal_codes)
    ix_u = np.array([where.get((lib[o] if o >= 0 else None, metal_names[mc]), -1)
                     for o, mc in zip(np.asarray(option_pos)[first], np.asarray(metal_codes)[first], strict=True)],
                    dtype=np.intp)
    ix = ix_u[inv] if len(ix_u) else np.zeros(0, np.intp)
    typical = _frames.take(p["typical"].to_numpy(float), ix)
    if n_draws == 0:
        return typical, None
    draws_all = tables.memo_draws(("parameter_draws", parameter, n_draws, seed),
                                  lambda: parameter_draws(p, n_draws, seed))
    # each distinct (option, metal) row once, then spread to the rows by one gather
    du = np.full((len(ix_u), n_draws), np.nan)
    ok = ix_u >= 0
    du[ok] = draws_all[ix_u[ok]]
    du = np.where(np.isnan(du), default, du)
    if not len(ix_u):
        return typical, np.zeros((0, n_draws))
    bits = du.view(np.int64)
    if (bits == bits[:, :1]).all():  # no row varies by draw (e.g. no uncertainty, or the default):
        return typical, np.broadcast_to(du[inv, :1], (len(inv), n_draws))  # a read-only view of one column
    return typical, du[inv]


_MODEL_PARAMS = {  # parameter name, per metal?, default when absent
    "bcf": ("bcf", True, np.nan), "cs": ("shoot_conc_mg_kg", True, np.nan),
    "fr": ("removal_frac_per_yr", True, np.nan), "rr": ("removal_g_ha_yr", True, np.nan),
    "sref": ("shoot_ref_mg_kg", True, np.nan), "cref": ("soil_ref_mg_kg", True, np.nan),
    "b": ("shoot_exponent_b", True, np.nan), "h": ("harvest_loss_frac", False, 0.0),
    "s": ("seasons_per_yr", False, 1.0), "rcref": ("removal_soil_ref_mg_kg", True, np.nan),
    "phs": ("removal_ph_slope", True, 0.0), "phr": ("removal_ph_ref", False, np.nan),
    "smax": ("shoot_max_mg_kg", True, np.inf),
    "ycap": ("removal_cap_yield_t_ha_yr", False, np.nan),
    "rcal": ("removal_calcareous_bcf_max", True, np.inf),
    "cpf": ("removal_calcareous_ph_from", False, np.nan), "cpu": ("removal_calcareous_ph_full", False, np.nan),
}


def _explode_metals(sel: np.ndarray, texts: np.ndarray):
    """Rows ``sel`` repeated once per metal of their '+'-joined metal list (empty lists drop the row).

    Returns the row of each output row, its metal code and the metal names.
    """
    codes, uniq = pd.factorize(_frames.obj(texts), use_na_sentinel=False)
    lists = [[m for m in u.split("+") if m] if isinstance(u, str) else [] for u in np.asarray(uniq).tolist()]
    names = sorted({m for lst in lists for m in lst})
    code_of = {m: i for i, m in enumerate(names)}
    counts_u = np.array([len(lst) for lst in lists], dtype=np.intp)
    if not len(sel) or not counts_u.size or counts_u.max() == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp), names
    width = int(counts_u.max())
    table = np.full((len(lists), width), -1, dtype=np.intp)
    for i, lst in enumerate(lists):
        table[i, :len(lst)] = [code_of[m] for m in lst]
    counts = counts_u[codes]
    mat = table[codes]
    return np.repeat(sel, counts), mat[np.arange(width)[None, :] < counts[:, None]], names


def _plot_metal_values(frame: pd.DataFrame, plot_ids, cols, plot_pos, metal_codes, metal_names, row_plot_ids):
    """Columns of a plot × metal table (``soil.screen`` or targets) for (plot, metal) pairs."""
    out = {}
    if (np.asarray(plot_pos) >= 0).all():
        pos = _frames.positions(plot_ids, frame["plot_id"]) if len(frame) else np.zeros(0, np.intp)
        fm = _frames.obj(frame["metal"])
        col_of = {m: i for i, m in enumerate(metal_names)}
        mcol = np.array([col_of.get(m, -1) for m in fm], dtype=np.intp) if len(fm) else np.zeros(0, np.intp)
        grid = np.full((len(plot_ids), max(len(metal_names), 1)), -1, dtype=np.intp)
        ok = (pos >= 0) & (mcol >= 0)
        grid[pos[ok], mcol[ok]] = np.flatnonzero(ok)
        ix = grid[plot_pos, metal_codes] if len(plot_pos) else np.zeros(0, np.intp)
    else:  # rows of plots that are not in the plot table: look the pairs up by id
        key = pd.MultiIndex.from_arrays([_frames.obj(row_plot_ids),
                                         np.asarray(metal_names, dtype=object)[metal_codes]])
        ix = pd.MultiIndex.from_arrays([_frames.obj(frame["plot_id"]), _frames.obj(frame["metal"])]) \
            .get_indexer(key) if len(frame) else np.full(len(key), -1)
    for c, kind in cols.items():
        v = frame[c].to_numpy(float) if kind == "float" else _frames.obj(frame[c])
        out[c] = _frames.take(v, ix, np.nan)
    return out


def _above_target(screened: pd.DataFrame, targets: pd.DataFrame | None, plot_ids) -> np.ndarray:
    """Whether each plot (of ``plot_ids``) has a metal above its clean-up target (``targets``, else
    the screening value of ``screened``); True where the soil or the target is not known."""
    if screened is None or not len(screened) or not {"plot_id", "metal", "conc_mg_kg"} <= set(screened.columns):
        return np.ones(len(plot_ids), bool)
    s = screened
    target = s["screening_mg_kg"].to_numpy(float)
    if targets is not None and {"plot_id", "metal", "target_mg_kg"} <= set(targets.columns):
        try:  # the target of each screened (plot, metal) row: a left join on unique pairs
            at = _frames.pair_positions((targets["plot_id"], targets["metal"]), (s["plot_id"], s["metal"]))
            target = _frames.take(targets["target_mg_kg"].to_numpy(float), at, np.nan)
        except pd.errors.InvalidIndexError:  # a (plot, metal) pair twice among the targets: join every one
            s = s[["plot_id", "metal", "conc_mg_kg"]].merge(targets[["plot_id", "metal", "target_mg_kg"]],
                                                           on=["plot_id", "metal"], how="left")
            target = s["target_mg_kg"].to_numpy(float)
    conc = s["conc_mg_kg"].to_numpy(float)
    measured = ~np.isnan(conc)
    above = measured & (np.isnan(target) | (conc > target))
    # any row above, by plot (a missing id is no plot); True for a plot with no screened row
    code, ids = pd.factorize(_frames.obj(s["plot_id"]), use_na_sentinel=True)
    known = code >= 0
    any_above = np.bincount(code[known], weights=above[known], minlength=len(ids)) > 0
    return _frames.take(any_above, _frames.index_of(ids, plot_ids), True).astype(bool)


def removal_inputs(option_rows, plots, screened, biomass, tables=None, n_draws=0, seed=0, biomass_draws=None,
                   targets=None, grid: _frames.Grid | None = None) -> dict:
    """Soil, target and model parameters of every plot × removal option × target metal.

    The arguments are those of :func:`estimate_duration`; the result can be passed to
    :func:`estimate_duration`, :func:`soil_trajectories` and :func:`compliance_by_year`
    (``removal=``) so that the three share one preparation.

    Returns
    -------
    dict
        ``row`` (position of each row in ``option_rows``), ``plot_id``, ``oid``, ``metal``,
        ``c0``, ``ct`` [mg kg⁻¹], ``basis``, ``mass`` [t ha⁻¹], ``model``, ``kind``, the
        typical (``typ``) and drawn (``drw``) model parameters, the drawn soil mass (``mass_drw``: the
        plots' draws of :func:`agriremed.stages.soil.soil_mass_draws` and each row's plot, read by
        :func:`_mass_block`; None where no plot's plough-layer depth or bulk density was assumed, every
        draw then taking ``mass``) and the yearly rates of the drawn parameters (``drw_rates``:
        :func:`agriremed.models.duration.removal_rates`, rows × draws; empty without draws), which the
        years to target and the soil trajectories share.
    """
    tables = tables or load_tables()
    g = _frames.grid(option_rows, plots, tables, grid)
    lib = tables.options
    model_o = lib["removal_model"].astype(object).where(lib["removal_model"].notna(), "none").to_numpy(object)
    model_r = g.per_option(model_o, "none")
    sel = np.flatnonzero(option_rows["applicable"].to_numpy(bool) & (model_r != "none"))
    lrow, mcode, names = _explode_metals(sel, _frames.obj(option_rows["target_metals"])[sel])
    pidx = g.plot[lrow]
    row_pid = _frames.obj(option_rows["plot_id"])[lrow]
    plot_ids = _frames.obj(plots["plot_id"])
    scr = _plot_metal_values(screened, plot_ids, {"conc_mg_kg": "float", "screening_mg_kg": "float"},
                             pidx, mcode, names, row_pid)
    c0 = scr["conc_mg_kg"]
    if targets is None:
        ct = scr["screening_mg_kg"]
        basis = np.full(len(lrow), "screening", dtype=object)
    else:
        tg = _plot_metal_values(targets, plot_ids, {"target_mg_kg": "float", "target_basis": "text"},
                                pidx, mcode, names, row_pid)
        ct, basis = tg["target_mg_kg"], tg["target_basis"]
    get = lambda c: plots[c].to_numpy(float) if c in plots else np.nan  # noqa: E731
    mass_p = np.broadcast_to(np.asarray(soil_mod.soil_mass_t_ha(get("depth_m"), get("bulk_density_g_cm3")),
                                        float), (len(plots),))
    mass = _frames.take(mass_p, pidx)
    # an assumed plough-layer depth or bulk density is drawn around its typical value (plots × draws)
    mass_d = soil_mod.soil_mass_draws(plots, tables, n_draws, seed) if n_draws and len(lrow) else None
    mass_drw = None if mass_d is None else (mass_d, np.asarray(pidx, np.intp))
    opos = g.option[lrow]
    metal = np.asarray(names, dtype=object)[mcode] if len(mcode) else np.zeros(0, object)
    none_names = [""]
    typ, drw = {}, {}
    for k, (name, by_metal, default) in _MODEL_PARAMS.items():
        if by_metal:
            t, d = _param_matrix(tables, opos, name, mcode, names, n_draws, seed, default)
        else:
            t, d = _param_matrix(tables, opos, name, np.zeros(len(lrow), np.intp), none_names, n_draws, seed,
                                 default)
        typ[k] = np.where(np.isnan(t), default, t)
        if d is not None:
            drw[k] = d
    bpos = _frames.row_index(biomass, option_rows)
    typ["Y"] = _frames.take(biomass["biomass_t_dm_ha_yr"].to_numpy(float), bpos)[lrow]
    if n_draws:
        if biomass_draws is None:
            raise ValueError("biomass_draws are needed when n_draws > 0")
        drw["Y"] = np.asarray(biomass_draws)[lrow]
    ph_row = _frames.take(np.broadcast_to(np.asarray(get("ph"), float), (len(plots),)), pidx)
    apply_soil_chemistry(typ, ph_row, c0)
    # an intercrop removes no more than the accumulator's monoculture on the same soil
    cap_fraction_removal(typ, c0, mass)
    model_l = model_r[lrow]
    drw_rates = (_draw_chemistry_and_rates(drw, typ, ph_row, c0, mass, model_l, n_draws, mass_drw)
                 if drw and len(lrow) else {})
    return dict(row=lrow, plot_id=row_pid, c0=c0, ct=ct, basis=basis, mass=mass, mass_drw=mass_drw,
                oid=_frames.obj(option_rows["option_id"])[lrow], metal=metal,
                model=model_l, kind=g.per_option(_frames.obj(lib["kind"]), np.nan)[lrow], typ=typ, drw=drw,
                drw_rates=drw_rates)


def _draw_chemistry_and_rates(drw: dict, typ: dict, ph, c0, mass, model, n_draws: int, mass_drw=None) -> dict:
    """Soil chemistry and the fraction cap applied to the drawn parameters ``drw`` (in place), and their
    yearly rates (:func:`agriremed.models.duration.removal_rates`), block of rows by block of rows.

    The same kernels on row slices (:func:`agriremed.core.frames.row_blocks`): every element gets
    the same arithmetic, so the results equal those of whole rows × draws arrays bit for bit,
    while the kernels' temporaries stay a few MB. The soil mass of a block is that of :func:`_mass_block`
    (drawn where ``mass_drw`` has draws).
    """
    n = len(c0)
    # what apply_soil_chemistry and cap_fraction_removal replace, written back into the drawn
    # matrices (arrays of their own, made by _param_matrix)
    changed = ("bcf", "cs", "rr", "fr")
    rates = {}
    for k in changed:  # a parameter that does not vary by draw is a read-only view: give it its own array
        if k in drw and not drw[k].flags.writeable:
            drw[k] = np.array(drw[k], float, copy=True)
    for b in _frames.row_blocks(n, n_draws):
        sub = {k: v[b] for k, v in drw.items()}
        apply_soil_chemistry(sub, ph[b, None], c0[b, None], {k: v[b] for k, v in typ.items()})
        mb = _mass_block(mass, mass_drw, b)
        cap_fraction_removal(sub, c0[b, None], mb)
        for k in changed:
            if k in drw:
                drw[k][b] = sub[k]
        for k, v in removal_rates(sub, mb, _col(model[b])).items():
            if k not in rates:
                rates[k] = np.empty((n, n_draws))
            rates[k][b] = v
    return rates


_removal_inputs = removal_inputs


def _col(a):
    return np.asarray(a)[:, None]


def _mass_block(mass, mass_drw, b) -> np.ndarray:
    """Soil mass [t ha⁻¹] of the rows ``b`` (a slice) in the draws: rows × 1 of ``mass`` where ``mass_drw`` is
    None, else rows × draws gathered from the plots' draws (``(plots × draws, plot of each row)`` of
    :func:`removal_inputs`; NaN for a row whose plot is not in the plot table, as ``mass``)."""
    if mass_drw is None:
        return _col(mass[b])
    draws, at = mass_drw
    ix = at[b]
    out = draws[np.maximum(ix, 0)] if len(draws) else np.full((len(ix), draws.shape[1]), np.nan)
    miss = ix < 0
    if miss.any():
        out[miss] = np.nan
    return out


def _draw_rates(removal: dict) -> dict:
    """Yearly rates of the drawn removal parameters of :func:`removal_inputs` (rows × draws), computed
    there once; a dict made without them (``drw_rates``) gets them here."""
    r = removal
    if r.get("drw_rates"):
        return r["drw_rates"]
    return removal_rates(r["drw"], _mass_block(r["mass"], r.get("mass_drw"), slice(None)), _col(r["model"]))


def estimate_duration(option_rows: pd.DataFrame, plots: pd.DataFrame, screened: pd.DataFrame,
                      biomass: pd.DataFrame, tables: Tables | None = None, n_draws: int = 0, seed: int = 0,
                      horizon_yr: int = 20, biomass_draws: np.ndarray | None = None,
                      targets: pd.DataFrame | None = None, other_loss_frac_per_yr: float = 0.0, *,
                      removal: dict | None = None, grid: _frames.Grid | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Years to target for every applicable removal option, per metal and overall.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots (``depth_m`` [m], ``bulk_density_g_cm3`` [g cm⁻³]).
    screened : pandas.DataFrame
        Output of :func:`agriremed.stages.soil.screen` (``conc_mg_kg`` and
        ``screening_mg_kg`` per plot × metal).
    biomass : pandas.DataFrame
        Output of :func:`agriremed.stages.biomass.harvested_biomass` (``biomass_t_dm_ha_yr``
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
        :func:`agriremed.stages.biomass.harvested_biomass`), needed when ``n_draws > 0``.
    targets : pandas.DataFrame, optional
        Output of :func:`target_concentrations`; default: the screening values.
    other_loss_frac_per_yr : float
        Yearly loss of soil metal other than harvest (leaching, run-off) [–]; default 0.
    removal : dict, optional
        Output of :func:`removal_inputs` for the same arguments (prepared here when not given).
    grid : agriremed.core.frames.Grid, optional
        Plot and option position of every row (computed from the ids when not given).

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
    >>> from agriremed.stages import biomass, options, soil
    >>> from agriremed.io.validate import validate_plots
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
    r = removal if removal is not None else removal_inputs(option_rows, plots, screened, biomass, tables, n_draws,
                                                            seed, biomass_draws, targets)
    c0, ct, mass, model = r["c0"], r["ct"], r["mass"], r["model"]
    loss = float(other_loss_frac_per_yr)
    years, st = years_by_model(r["typ"], c0, ct, mass, model, loss)
    # a soil mass not known (no bulk density or depth) leaves the years of every model that needs it
    # unknown (a yearly fraction of the soil metal needs none)
    mass_unknown = ~np.isfinite(np.asarray(mass, float)) & (np.asarray(model, dtype=object) != "fraction")
    years = np.where(mass_unknown, np.nan, years)
    c_h = concentration_by_model(st, c0, model, horizon_yr, loss, r["typ"])
    removed = (c0 - np.maximum(ct, c_h)) * mass  # g/ha over the horizon (stops at the target)
    with np.errstate(invalid="ignore", divide="ignore"):  # the same share without the soil mass
        share = np.where(c0 > ct, np.clip((c0 - np.maximum(ct, c_h)) / (c0 - ct), 0.0, 1.0), np.nan)
    share = np.where(mass_unknown, np.nan, share)
    L = len(c0)
    bm = {
        "plot_id": r["plot_id"], "option_id": r["oid"], "metal": r["metal"],
        "conc_mg_kg": c0, "target_mg_kg": ct, "target_basis": r["basis"], "shoot_mg_kg": st["shoot"],
        "removal_g_ha_yr": st["removal"], "fraction_per_yr": st["frac"], "years_to_target": years,
        "removed_g_ha": np.maximum(removed, 0.0), "needed_g_ha": np.maximum(c0 - ct, 0.0) * mass,
        "removed_share": share,
    }
    draws_years = None
    if n_draws:  # the columns exist even when no plot has a removal option
        for c in ("years_p10", "years_p50", "years_p90", *(f"p_target_{h}yr" for h in HORIZONS)):
            bm[c] = np.full(L, np.nan)
    if n_draws and L:
        # years of every draw, block of rows by block of rows (row by row arithmetic: the blocks
        # only keep the temporaries small); infinite years as _BIG for the percentiles
        rates, pdraw = _draw_rates(r), r["drw"]
        draws_years = np.empty((L, n_draws))
        q = np.empty((3, L))
        reached_p = {h: np.empty(L) for h in HORIZONS}
        for b in _frames.row_blocks(L, n_draws):
            yb = years_from_rates({k: v[b] for k, v in rates.items()}, {k: v[b] for k, v in pdraw.items()},
                                  _col(c0[b]), _col(ct[b]), _mass_block(mass, r.get("mass_drw"), b),
                                  _col(model[b]), loss)
            yb = np.where(_col(mass_unknown[b]), np.nan, yb)
            for h in HORIZONS:
                reached_p[h][b] = np.where(np.isnan(yb), np.nan, yb <= h).mean(axis=1)
            draws_years[b] = np.where(np.isinf(yb), _BIG, yb)
            q[:, b] = _frames.row_percentiles(draws_years[b])
        q = np.where(q >= _BIG, np.inf, q)
        bm["years_p10"], bm["years_p50"], bm["years_p90"] = q
        for h in HORIZONS:
            bm[f"p_target_{h}yr"] = reached_p[h]
    by_metal = _frames.frame(bm, L)

    # ---- overall per plot × option: slowest metal, draw by draw --------------------
    n = len(option_rows)
    out = {"plot_id": _frames.obj(option_rows["plot_id"]), "option_id": _frames.obj(option_rows["option_id"])}
    if L:
        lrow = r["row"]
        starts = np.flatnonzero(np.r_[True, lrow[1:] != lrow[:-1]])  # rows of one plot × option are adjacent
        at = lrow[starts]
        seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, L]))

        def spread(v, fill=np.nan):
            o = np.full(n, fill, dtype=object if fill is None else float)
            o[at] = v
            return o

        out["years_to_target"] = spread(np.fmax.reduceat(years, starts))
        y = np.where(np.isnan(years), -np.inf, years)  # the slowest metal decides; NaN sorts last
        ymax = np.maximum.reduceat(y, starts)
        slowest = np.minimum.reduceat(np.where(y == ymax[seg], np.arange(L), L), starts)
        for c in ("target_mg_kg", "target_basis", "removal_g_ha_yr", "removed_g_ha", "needed_g_ha", "removed_share"):
            v = np.asarray(bm[c])[slowest]
            out[c] = spread(v, None if c == "target_basis" else np.nan)
        if draws_years is not None:  # (infinite years already _BIG)
            mx = np.fmax.reduceat(draws_years, starts, axis=0)
            whole = ~np.isnan(mx).any(axis=1)  # a row with an undefined draw has undefined percentiles
            q = np.full((3, len(mx)), np.nan)
            q[:, whole] = _frames.sorted_row_percentiles(np.sort(mx[whole], axis=1), (10, 50, 90))
            q = np.where(q >= _BIG, np.inf, q)
            out["years_p10"], out["years_p50"], out["years_p90"] = (spread(v) for v in q)
            for h in HORIZONS:
                out[f"p_target_{h}yr"] = spread(np.where(np.isnan(mx), np.nan, mx <= h).mean(axis=1))
    # options that treat exceeding metals without (confirmed) removal never reach the target
    g = _frames.grid(option_rows, plots, tables, grid)
    kinds = _frames.obj(option_rows["option_kind"])
    applicable = option_rows["applicable"].to_numpy(bool)
    exceeds = option_rows["target_metals"].fillna("").ne("").to_numpy() | \
        option_rows["untreated_metals"].fillna("").ne("").to_numpy()
    # a plot whose soil is at or below the target in every metal is at target whatever the option
    # (a low-Cd variety on clean land: 0 years, not "never")
    exceeds &= _above_target(screened, targets, _frames.obj(option_rows["plot_id"]))
    model_o = tables.options["removal_model"].astype(object)
    model_none = g.per_option(model_o.where(model_o.notna(), "none").to_numpy(object), "none") == "none"
    # an option that treats none of the exceeding metals (a non-food use kept as risk control on
    # strict-control land) lowers none of them either, whatever its removal model
    treats_none = option_rows["target_metals"].fillna("").eq("").to_numpy()
    for c in ("years_to_target", "years_p10", "years_p50", "years_p90"):
        v = out[c] if c in out else np.full(n, np.nan)
        no_model = np.isin(kinds, ["baseline", "immobilisation", "safe_crop", "land_use_change"]) | model_none
        nonremoval = applicable & np.isnan(v) & (no_model | treats_none)
        out[c] = np.where(nonremoval, np.where(exceeds, np.inf, 0.0), v)
    for h in HORIZONS:
        c = f"p_target_{h}yr"
        v = out[c] if c in out else np.full(n, np.nan)
        yrs = out["years_to_target"]
        out[c] = np.where(np.isnan(v) & applicable & ~np.isnan(yrs), (yrs <= h).astype(float), v)
    for c in ("target_mg_kg", "target_basis", "removal_g_ha_yr", "removed_g_ha", "needed_g_ha", "removed_share"):
        if c not in out:
            out[c] = np.full(n, np.nan)
    overall = _frames.frame(out, n)
    if L and "target_basis" in overall:
        overall["target_basis"] = pd.Series(out["target_basis"], dtype=object)
    return by_metal, overall


def soil_trajectories(option_rows: pd.DataFrame, plots: pd.DataFrame, screened: pd.DataFrame,
                      biomass: pd.DataFrame, tables: Tables | None = None, n_draws: int = 0, seed: int = 0,
                      years: int = 20, biomass_draws: np.ndarray | None = None,
                      targets: pd.DataFrame | None = None, other_loss_frac_per_yr: float = 0.0, *,
                      removal: dict | None = None) -> pd.DataFrame:
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
    removal : dict, optional
        Output of :func:`removal_inputs` for the same arguments.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per plot × option × target metal × year (0…``years``) with
        ``conc_mg_kg`` (typical parameters), ``target_mg_kg`` and, with draws,
        ``conc_p10_mg_kg``, ``conc_p50_mg_kg``, ``conc_p90_mg_kg`` [mg kg⁻¹].
    """
    tables = tables or load_tables()
    r = removal if removal is not None else removal_inputs(option_rows, plots, screened, biomass, tables, n_draws,
                                                            seed, biomass_draws, targets)
    c0, ct, model = r["c0"], r["ct"], r["model"]
    loss = float(other_loss_frac_per_yr)
    t = np.arange(int(years) + 1, dtype=float)
    stops = r["kind"] == "phytoextraction"
    conc = typical_trajectories(r, years, loss).conc
    n, ny = len(c0), len(t)
    cols = {
        "plot_id": np.repeat(r["plot_id"], ny),
        "option_id": np.repeat(r["oid"], ny), "metal": np.repeat(r["metal"], ny),
        "year": np.tile(t.astype(int), n), "conc_mg_kg": conc.ravel(),
        "target_mg_kg": np.repeat(ct, ny),
    }
    if n_draws:  # the columns exist even when no plot has a removal option
        cols["conc_p10_mg_kg"] = cols["conc_p50_mg_kg"] = cols["conc_p90_mg_kg"] = np.full(n * ny, np.nan)
    if n_draws and n:
        pdraw, std = r["drw"], _draw_rates(r)
        low = np.minimum(ct, c0)
        q = np.empty((3, n, ny))
        for b in _frames.row_blocks(n, n_draws):  # row by row arithmetic: blocks keep temporaries small
            terms = model_terms({k: v[b] for k, v in std.items()}, _col(c0[b]), _col(model[b]), loss,
                                {k: v[b] for k, v in pdraw.items()})  # once; then each year
            at = np.flatnonzero(stops[b])
            floor = _col(low[b][at])
            for j, yr in enumerate(t):
                cd = concentration_from_model_terms(terms, yr)
                cd[at] = np.maximum(cd[at], floor)  # a crop that stops at its target stays there
                q[:, b, j] = _frames.row_percentiles(cd)
        cols["conc_p10_mg_kg"], cols["conc_p50_mg_kg"], cols["conc_p90_mg_kg"] = (q[k].ravel() for k in range(3))
    return _frames.frame(cols, n * ny)


class Trajectories:
    """Typical soil concentration of every plot × removal option × target metal, year by year.

    Attributes
    ----------
    row : numpy.ndarray of int
        Row of the plot × option table.
    metal : numpy.ndarray of str
        Metal.
    conc : numpy.ndarray
        Shape ``(len(row), years + 1)``: concentration in years 0…``years`` [mg kg⁻¹].
    """

    def __init__(self, row, metal, conc):
        self.row = np.asarray(row, np.intp)
        self.metal = _frames.obj(metal)
        self.conc = np.asarray(conc, float)

    @classmethod
    def from_frame(cls, trajectories: pd.DataFrame, option_rows: pd.DataFrame) -> Trajectories:
        """From the table of :func:`soil_trajectories` (rows not in ``option_rows`` are left out)."""
        tr = trajectories
        if not len(tr):
            return cls(np.zeros(0, np.intp), np.zeros(0, object), np.zeros((0, 1)))
        rp = _frames.pair_positions((option_rows["plot_id"], option_rows["option_id"]), (tr["plot_id"], tr["option_id"]))
        metal = _frames.obj(tr["metal"])
        yr = tr["year"].to_numpy(int)
        keep = (rp >= 0) & (yr >= 0)
        first, inv = _frames.distinct(rp[keep], metal[keep])
        conc = np.full((len(first), int(yr.max()) + 1), np.nan)
        conc[inv, yr[keep]] = tr["conc_mg_kg"].to_numpy(float)[keep]
        return cls(rp[keep][first], metal[keep][first], conc)


def typical_trajectories(removal: dict, years: int, other_loss_frac_per_yr: float = 0.0) -> Trajectories:
    """Soil concentration in years 0…``years`` with typical parameters (see :func:`soil_trajectories`).

    Parameters
    ----------
    removal : dict
        Output of :func:`removal_inputs`.
    years : int
        Last year [yr].
    other_loss_frac_per_yr : float
        Yearly other loss [–].

    Returns
    -------
    Trajectories
        One row per row of ``removal``.
    """
    r = removal
    c0, ct, mass, model = r["c0"], r["ct"], r["mass"], r["model"]
    t = np.arange(int(years) + 1, dtype=float)
    stops = r["kind"] == "phytoextraction"
    st = removal_rates(r["typ"], mass, model)
    conc = concentration_by_model({k: _col(v) for k, v in st.items()}, _col(c0), _col(model), t[None, :],
                                  float(other_loss_frac_per_yr), {k: _col(v) for k, v in r["typ"].items()})
    conc = np.where(_col(stops), np.maximum(conc, np.minimum(_col(ct), _col(c0))), conc)
    return Trajectories(r["row"], r["metal"], np.broadcast_to(conc, (len(c0), len(t))))


# ----------------------------------------------------------------- crop compliance
def _package_components(tables: Tables, option_id: str) -> list[str]:
    """Component options of a package (``option_packages.csv``); empty for a single measure."""
    t = getattr(tables, "option_packages", None)
    if t is None or t.empty:
        return []
    return [str(c) for c in t.loc[t["package_id"] == option_id, "component_option_id"]]


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
    comps = _package_components(tables, option_id)
    if comps:  # a package: strongest component (same evidence class) and the further cut g
        gr = p.loc[(p["parameter"] == "package_increment_frac") & (p["metal"] == metal)].reset_index(drop=True)
        g = float(gr["typical"].iloc[0]) if len(gr) else None
        # one random stream for g, keyed by parameter and metal only: the packages share its
        # sources, so in every draw a package with more components is credited at least as much
        gd = (parameter_draws(gr, n_draws, seed, id_columns=("parameter", "metal"))[0]
              if (n_draws and len(gr)) else None)
        parts = [_reduction_typical_and_draws(tables, c, metal, n_draws, seed, rate_t_ha) for c in comps]
        typ = float(package_reduction([t for t, _ in parts], 0.0 if g is None else g))
        d = None
        if n_draws:
            gd = np.zeros(n_draws) if gd is None else gd
            d = package_reduction(np.vstack([np.broadcast_to(dd, (n_draws,)) for _, dd in parts]), gd)
        return typ, d
    rmax, rmaxd = get("rmax", metal)
    if rmax is None:
        return 0.0, (np.zeros(n_draws) if n_draws else None)
    k, kd = get("k_per_t_ha", metal)
    fac, facd = get("response_factor", metal)
    rate, _ = get("rate_t_ha")
    if rate_t_ha is not None:
        rate = rate_t_ha
    eff, effd = _feedstock_efficacy(tables, option_id, metal, n_draws, seed)
    typ = float(biochar_reduction(rate, rmax, k, (fac if fac is not None else 1.0) * eff))
    d = None
    if n_draws:  # the rate is a decision, not an uncertainty
        d = biochar_reduction(rate, rmaxd, kd, (facd if facd is not None else 1.0) * effd)
    return typ, d


def _feedstock_efficacy(tables: Tables, option_id: str, metal: str, n_draws: int, seed: int):
    """Relative efficacy E of the option's biochar feedstock (typical, draws); 1 without a feedstock."""
    lib = tables.indexed("options", "option_id")
    fs = lib["biochar_feedstock"].get(option_id, "") if "biochar_feedstock" in lib else ""
    fs = fs if isinstance(fs, str) else ""
    t = tables.biochar_feedstock_effects
    rows = t.loc[(t["metal"] == metal) & (t["effect"] == "relative_efficacy")]
    if not fs or rows.empty:
        return 1.0, (np.ones(n_draws) if n_draws else None)
    e, pooled = biochar_efficacy([fs], tables, metal)
    if not n_draws:
        return float(e[0]), None
    key = "*" if pooled[0] else fs
    row = rows.loc[rows["feedstock"] == key].reset_index(drop=True)
    return float(e[0]), parameter_draws(row, n_draws, seed, id_columns=("feedstock", "metal", "effect"))[0]


def _has_own_reduction_row(tables, option_id: str, metal: str) -> bool:
    """True when ``option_parameters.csv`` has a ``crop_reduction_frac`` row of the option for the metal."""
    def build() -> frozenset:
        p = tables.option_parameters
        p = p.loc[p["parameter"] == "crop_reduction_frac"]
        return frozenset(zip(p["option_id"], p["metal"].fillna(""), strict=True))

    # the (option, metal) pairs with a row, read once per tables object (read-only)
    return (option_id, metal) in tables.memo("crop_reduction_rows", build)


def _option_reductions(tables, option_id, treats, metals, n_draws, seed, rate_t_ha=None):
    """{metal: (typical, draws)} of an option's crop reduction for the metals it treats.

    A metal the option does not treat enters only through the option's own
    ``crop_reduction_frac`` row, which is then a side effect: a negative fraction is a rise
    (continuous flooding raises grain As while it lowers grain Cd). Each (option, metal,
    draws, seed, rate) is computed once per :class:`Tables` object; the draws are returned
    as read-only arrays.
    """
    return {m: _reduction_of(tables, option_id, m, n_draws, seed, rate_t_ha) for m in metals
            if m in treats or _has_own_reduction_row(tables, option_id, m)}


def _reduction_of(tables, option_id, metal, n_draws, seed, rate_t_ha=None):
    """``(typical, draws)`` of an option's crop reduction of one metal (:func:`_reduction_typical_and_draws`),
    computed once per (option, metal, draws, seed, rate) and :class:`Tables` object (draws read-only)."""
    def build():
        typ, d = _reduction_typical_and_draws(tables, option_id, metal, n_draws, seed, rate_t_ha)
        return typ, (None if d is None else np.asarray(d, float))

    return tables.memo_draws(("crop_reduction", option_id, metal, n_draws, seed, rate_t_ha), build)


def _limes(tables, option_id: str) -> bool:
    """True when the option applies lime (a ``lime_t_ha`` row in ``option_parameters.csv``)."""
    return option_id in lime_options(tables)[0]


def _by_requirement(tables, option_id: str) -> bool:
    """True when the option is dosed by lime requirement (a ``target_ph`` row in ``option_parameters.csv``,
    :func:`agriremed.stages.options.lime_by_requirement`): its Cd cut is the uptake function's at the
    limed pH, not a reduction scaled by the share of the full rate."""
    return option_id in lime_options(tables)[1]


def _lime_scaled_reductions(tables, option_id: str, metals, n_draws: int, seed: int, share: np.ndarray,
                            rate_t_ha=None) -> dict:
    """{metal: reductions [plots × draws]} of an option that limes less than its evidence's full rate.

    The Cd cut of a lime measure (``crop_reduction_frac`` of the lime option or of a package's lime
    component) is credited for the pH rise the plot's own dose reaches: with ``share`` f = dose ÷ full
    rate (:func:`agriremed.stages.options.lime_share`, the share of the evidence's pH rise), the
    remaining concentration is (1 − R)^f, i.e. log10 C falls in proportion to the pH rise, as in the
    log-linear pH term of the uptake functions (f = 1: the evidence's cut; f = 0: none). A package
    takes its strongest component with the lime component so scaled, then its further cut g
    (:func:`agriremed.models.duration.package_reduction`). Metals the lime does not act on keep the
    option's own reduction (one column for every plot). One row per entry of ``share``; one column
    without draws.
    """
    share = np.asarray(share, float)[:, None]
    nd = max(int(n_draws), 1)

    def as_draws(typ, d):
        return np.asarray(d, float)[None, :] if (n_draws and d is not None) else np.full((1, 1), typ)

    def scaled(oid, m):
        typ, d = _reduction_of(tables, oid, m, n_draws, seed, rate_t_ha)
        r = as_draws(typ, d)
        return 1.0 - (1.0 - r) ** share if _limes(tables, oid) else np.broadcast_to(r, (len(share), r.shape[1]))

    base = _option_reductions(tables, option_id, _treats(tables.indexed("options", "option_id").at[option_id, "treats"]),
                              metals, n_draws, seed, rate_t_ha)
    out = {}
    for m, (typ, d) in base.items():
        comps = _package_components(tables, option_id)
        if _has_own_reduction_row(tables, option_id, m) or not comps:
            # a single lime measure's own cut is scaled; a package's own row (flooding's rise of grain
            # As) is not a lime effect and stays as it is
            out[m] = scaled(option_id, m) if not comps else np.broadcast_to(as_draws(typ, d),
                                                                             (len(share), as_draws(typ, d).shape[1]))
            continue
        p = tables.option_parameters
        gr = p.loc[(p["option_id"] == option_id) & (p["parameter"] == "package_increment_frac")
                   & (p["metal"].fillna("") == m)].reset_index(drop=True)
        if n_draws:
            gd = (parameter_draws(gr, n_draws, seed, id_columns=("parameter", "metal"))[0]
                  if len(gr) else np.zeros(n_draws))
        else:
            gd = float(gr["typical"].iloc[0]) if len(gr) else 0.0
        parts = np.stack([np.broadcast_to(scaled(c, m), (len(share), nd if n_draws else 1)) for c in comps])
        out[m] = package_reduction(parts, gd)
    return out


def _limit_columns(checked: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Food limit, as-sold median, its log10 standard error and the metal of every row of
    :func:`food_safety`'s table, as arrays."""
    return (checked["food_limit_mg_kg"].to_numpy(float), checked["crop_fw_p50_mg_kg"].to_numpy(float),
            checked["se_log10"].to_numpy(float), checked["metal"].to_numpy(object))


def _covered_metals(limits: tuple, codes: np.ndarray, n_plots: int) -> np.ndarray:
    """The metals whose food limit :func:`_compliance_of_codes` checks, per plot code
    (``'+'``-joined in the order of :data:`agriremed.core.columns.METALS`; ``''`` for none):
    the rows with a limit and a prediction."""
    lim, fw50, se, metal = limits
    ok = np.isfinite(lim) & np.isfinite(fw50) & np.isfinite(se)
    names = list(C.METALS) + sorted({m for m in metal[ok].tolist() if m not in C.METALS})
    bit = {m: 1 << i for i, m in enumerate(names)}
    mask = np.zeros(n_plots, np.int64)
    np.bitwise_or.at(mask, codes[ok], np.array([bit[m] for m in metal[ok].tolist()], np.int64))
    uniq, inv = np.unique(mask, return_inverse=True)  # a few distinct sets of metals
    text = np.array(["+".join(m for m in names if u & bit[m]) for u in uniq.tolist()], dtype=object)
    return text[inv.ravel()] if n_plots else np.zeros(0, dtype=object)


#: Stream of the Monte Carlo draws of assumed soil covariates (one seed per plot id, with the scenario seed).
COVARIATE_STREAM = 20261206


def covariate_shifts(checked: pd.DataFrame, n_draws: int, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Monte Carlo draws of the covariates assumed for each prediction row (``se_covariate_log10`` of
    :func:`agriremed.stages.uptake.predict_crop_concentration`), as shifts of log10 C_plant.

    A row whose function needed a covariate the plot did not give (soil organic matter, clay) was
    predicted at the covariate's typical value, with se² = se_function² + se_covariate². In the Monte
    Carlo the covariate is drawn instead: log10 C_plant is shifted by se_covariate·z, z ~ Normal(0, 1),
    and the row keeps only the function's own spread, so the mean over draws equals the deterministic
    probability. z is drawn once per plot and draw, from the scenario seed and the plot id (the same
    soil for every option and crop of the plot, whatever the order or chunk of the plots).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) or None
        The shifts [log10 units, rows × draws] and the function's own spread of each row [log10
        units]; None when no row assumed a covariate or the run draws nothing.
    """
    if not n_draws or "se_covariate_log10" not in checked:
        return None
    sc = np.nan_to_num(checked["se_covariate_log10"].to_numpy(float))
    if not (sc > 0).any():
        return None
    pid = _frames.obj(checked["plot_id"])
    codes, uniq = pd.factorize(pid)
    z = np.zeros((len(uniq), int(n_draws)))
    need = np.zeros(len(uniq), bool)
    need[codes[sc > 0]] = True
    for k in np.flatnonzero(need):
        rng = np.random.default_rng([int(seed), COVARIATE_STREAM, zlib.crc32(str(uniq[k]).encode("utf-8"))])
        z[k] = rng.standard_normal(int(n_draws))
    se = checked["se_log10"].to_numpy(float)
    own = np.sqrt(np.clip(se ** 2 - sc ** 2, 0.0, None))
    return sc[:, None] * z[codes], own


def _compliance_of_codes(limits: tuple, codes: np.ndarray, n_plots: int, reductions: dict,
                         n_draws: int, shifts: tuple | None = None, per_plot: dict | None = None) -> np.ndarray:
    """P(crop meets every food limit) per plot, averaged over reduction draws.

    Metals are independent; within a draw the probability is the product over metals. The
    prediction rows are given as :func:`_limit_columns` arrays and the plot of each row as
    codes 0 … ``n_plots`` − 1 (in order of first appearance); one value per code (NaN for a
    plot without any limit). ``shifts`` (:func:`covariate_shifts`): the draws of assumed soil
    covariates, which shift each row's log10 median, and the rows' own spread. ``per_plot``
    (:func:`_lime_scaled_reductions`): {metal: reductions [plots × draws]} replacing ``reductions``
    for that metal, row k of the array being the plot of code k.
    """
    lim, fw50, se, metal = limits
    if shifts is not None:
        se = shifts[1]
    nd = max(int(n_draws), 1)
    logp = np.zeros((len(lim), nd))
    for m in np.unique(metal):
        sel = metal == m
        typ, d = reductions.get(m, (0.0, None))
        # a reduction without draws is the same in every draw: one column, spread to all draws
        r = np.asarray(d, float)[None, :] if (n_draws and d is not None) else np.full((1, 1), typ)
        if per_plot is not None and m in per_plot:  # one reduction per plot (a lime dose of its own)
            r = per_plot[m][codes[sel]]
        fw = fw50[sel, None] * (1.0 - r)
        if shifts is not None:
            fw = fw * 10.0 ** shifts[0][sel]
        with np.errstate(divide="ignore", invalid="ignore"):
            pe = 1.0 - ndtr((np.log10(lim[sel, None]) - np.log10(fw)) / se[sel, None])
        logp[sel] = np.where(np.isnan(pe), 0.0, np.log(np.clip(1.0 - pe, 1e-300, 1.0)))
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(n_plots))
    p = np.exp(np.add.reduceat(logp[order], starts, axis=0)).mean(axis=1)
    any_lim = np.logical_or.reduceat(~np.isnan(lim)[order], starts)
    return np.where(any_lim, p, np.nan)


def _treats(treats) -> set:
    """The metals of an option's ``treats`` field (``'|'``-separated; blank: none; a land-use
    qualifier such as ``hg@paddy`` is dropped: :func:`agriremed.stages.options.treats_metals`)."""
    return treats_metals(treats)


def _limed_plots(plots: pd.DataFrame, tables: Tables, option_id: str) -> pd.DataFrame | None:
    """The plots at the pH an option dosed by lime requirement brings them to
    (:func:`agriremed.stages.options.lime_by_requirement`: min(target, pH + s·dose)); None for
    any other option. The crop grown under that option is predicted on these plots, so the Cd cut
    credited is the transfer function's own response to the pH rise (never beyond the target). A
    measured ``ph_kcl`` is moved by the rise the pH-water → pH-KCl relation gives."""
    if "ph" not in plots or option_id not in lime_options(tables)[1]:
        return None
    ph = plots["ph"].to_numpy(float)
    d = lime_by_requirement(tables, np.full(len(plots), option_id, dtype=object), ph)
    if not d["by_requirement"].any():
        return None
    limed = np.where(np.isnan(d["ph_limed"]), ph, d["ph_limed"])
    out = plots.assign(ph=limed)
    if "ph_kcl" in plots:
        with np.errstate(invalid="ignore"):
            shift = ph_kcl_from_ph_water(limed) - ph_kcl_from_ph_water(ph)
        out["ph_kcl"] = plots["ph_kcl"].to_numpy(float) + np.nan_to_num(shift)
    return out


#: Seed of the Monte Carlo draws behind every crop compliance probability of a plan (:func:`crop_compliance_outcome`:
#: the ranges of the options' crop reductions and the covariates a plot does not give), whatever the plan's seed
#: (common random numbers across runs): a compliance is an expectation over those ranges, whose seed-to-seed
#: spread (SD over seeds 1–10 at 200 Latin-hypercube draws on the 16 sample plots: median 9·10⁻⁶, up to 2.4·10⁻³
#: for the VIP+n and lime + low-Cd rice packages) would otherwise decide the ranking's gates near their edges —
#: the farmer's own gain of :func:`agriremed.stages.ranking.dominates_baseline`, which follows the compliance of
#: the harvests sold, against its ``min_dominance_share`` margin. The packaged scenario's seed
#: (:attr:`agriremed.core.scenario.Scenario.seed`), so a plan at that seed keeps its numbers; the plan's seed
#: still draws everything else (biomass, removal, years to target, the yearly compliance of a clean-up, carbon).
COMPLIANCE_SEED = 20261123


#: Column of :func:`crop_compliance_outcome` holding the central compliance: the crop's probability of
#: meeting its food limit with every crop reduction at its typical value (an assumed covariate entering
#: through its spread, as in a plan without draws). The ranking's gain rules (the scenario's
#: ``min_compliance_gain``, ``gain_resolution``, ``min_gain_share`` and ``target_compliance_prob``, and the
#: dominance of unchanged practice) compare this statistic in every plan, with or without Monte Carlo draws,
#: while ``crop_compliance_prob`` stays the mean over the draws where there are draws. The two differ by
#: the shape of the reduction ranges, not by sampling noise: biochar's response factor (0.62–1.0–1.56) and
#: rice-straw char's efficacy (0.298–0.341–0.389) are skewed triangles whose means lie above their typical
#: values, so its mean Cd cut is 15.0 % against 14.1 % at the typical values, and on a Bijie maize plot
#: (pH 6.2, Cd 1.2) its gain over unchanged practice is 5.25 points over the draws against 4.91 at the
#: typical values (the nonlinearity of the probability adds 0.01 point; 100 against 100 000 draws 0.01).
#: Judged on the mean, a 47 250 CNY amendment was recommended with draws and not without, on 0.3 points
#: of a threshold of 5. The central value is what a plan without draws computes, and a plan's other
#: central figures (NPV, costs, carbon) are at the typical values too; the draws give their spread.
CENTRAL_COMPLIANCE = "crop_compliance_prob_central"


def compliance_seed(seed):
    """The seed a plan hands to :func:`crop_compliance_outcome`: :data:`COMPLIANCE_SEED` with the sampling design
    of the plan's own ``seed`` (:func:`agriremed.core.uncertainty.draw_seed`: Latin hypercube or random).

    >>> from agriremed.core.uncertainty import draw_seed
    >>> compliance_seed(draw_seed(7, "lhs")) == draw_seed(COMPLIANCE_SEED, "lhs"), compliance_seed(7)
    (True, 20261123)
    """
    return draw_seed(COMPLIANCE_SEED, sampling_of(seed))


def crop_compliance_outcome(option_rows: pd.DataFrame, predictions_by_crop: dict[str, pd.DataFrame],
                            plots: pd.DataFrame, food_standard="GB2762",
                            tables: Tables | None = None, n_draws: int = 0, seed: int = 0,
                            rate_t_ha: float | None = None, *, grid: _frames.Grid | None = None) -> pd.DataFrame:
    """Probability that the crop grown under each option meets every food limit in a season.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    predictions_by_crop : dict or None
        ``{"current": predictions for the plots' crops, "<crop>": predictions if every
        plot grew <crop>}`` from :func:`agriremed.stages.uptake.predict_crop_concentration`;
        missing entries are computed here.
    plots : pandas.DataFrame
        Validated plots.
    food_standard : str or pandas.Series
        Food-limit set, or one per plot (a Series indexed by plot id).
    tables : Tables, optional
        Literature tables.
    n_draws, seed : int
        Monte Carlo settings (the probability is averaged over reduction draws); a plan passes
        :func:`compliance_seed` (:data:`COMPLIANCE_SEED`) whatever its own seed.
    rate_t_ha : float, optional
        Biochar rate overriding the table's typical rate [t ha⁻¹].
    grid : agriremed.core.frames.Grid, optional
        Plot and option position of every row (computed from the ids when not given).

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``crop_compliance_prob`` [–] (at the current soil,
        while the option is kept up; NaN when the option grows no food crop or no limit
        applies; a probability a season; with draws, its mean over the draws of the options' crop
        reductions and the assumed covariates), ``crop_compliance_prob_central`` [–] (the same at the
        typical value of every reduction, an assumed covariate entering through its spread: the central
        compliance, equal to ``crop_compliance_prob`` without draws; the statistic the ranking's gain
        rules compare, so that they decide alike with and without draws, :data:`CENTRAL_COMPLIANCE`),
        ``food_crop`` (crop grown), ``effect_duration_yr`` (how long one
        application of an amendment works, after which it is re-applied [yr]; NaN for
        options that are not applied) and ``rice_seasons_grown_per_yr`` (rice seasons a year
        the option grows where its crop is rice, :func:`agriremed.stages.seasons.row_rice_seasons`;
        1 otherwise) [yr⁻¹].

    References
    ----------
    .. [1] Cui L. et al. (2011) BioResources 6(3):2605–2618 (biochar dose–response).
    .. [2] Chen H. et al. (2018) Chemosphere 207:699–707 (lime + low-Cd rice, 2-yr effect).
    """
    tables = tables or load_tables()
    predictions_by_crop = dict(predictions_by_crop or {})
    lib = tables.options
    opts = tables.indexed("options", "option_id")
    g = _frames.grid(option_rows, plots, tables, grid)
    n = len(option_rows)
    food_crop = g.per_option(_frames.obj(lib["food_crop"]), np.nan)
    current = _frames.plot_column(plots, "crop", g, "text")
    food = np.where(food_crop == "current", current, np.where(food_crop == "none", "none", food_crop))
    prob = np.full(n, np.nan)
    mid = np.full(n, np.nan)
    covered = np.full(n, "", dtype=object)
    known = (g.plot >= 0).all()
    plot_ids = _frames.obj(plots["plot_id"])
    # food-limit check of each prediction table (shared by the options growing the crop): its
    # limit columns, the plot of each row as a code and the plots
    checked = {}
    for code in pd.unique(g.option):
        if code < 0:
            continue
        oid = lib["option_id"].iloc[code]
        food_crop_o = opts.at[oid, "food_crop"]
        sel = g.option == code
        if food_crop_o == "none":
            continue
        key = "current" if food_crop_o == "current" else food_crop_o
        limed = _limed_plots(plots, tables, oid)
        if limed is not None:  # liming by lime requirement: the crop predicted at the limed pH
            key = ("limed", oid, key)
        if key not in predictions_by_crop:
            predictions_by_crop[key] = predict_crop_concentration(
                plots if limed is None else limed, crop=None if food_crop_o == "current" else food_crop_o,
                tables=tables, warn=False)
        pred = predictions_by_crop[key]
        if pred.empty:
            continue
        if id(pred) not in checked:
            chk = food_safety(pred, food_standard, tables)
            codes, pids = pd.factorize(chk["plot_id"].to_numpy(object))  # plots in order of first appearance
            lc = _limit_columns(chk)
            checked[id(pred)] = (lc, codes, pids, _covered_metals(lc, codes, len(pids)),
                                 covariate_shifts(chk, n_draws, seed))
        limits, codes, pids, metals_of, shifts = checked[id(pred)]
        red = _option_reductions(tables, oid, _treats(opts.at[oid, "treats"]), pd.unique(limits[3]), n_draws,
                                 seed, rate_t_ha)
        # a lime option dosed to its target pH (lime_dose_t_ha) below its full rate: its lime cut per plot
        # (not for an option dosed by lime requirement, whose cut is the uptake function's at the limed pH)
        per_plot = None
        if _limes(tables, oid) and not _by_requirement(tables, oid) and "ph" in plots:
            at_ph = _frames.positions(plot_ids, pids)
            ph_p = np.where(at_ph >= 0, _frames.take(plots["ph"].to_numpy(float), at_ph, np.nan), np.nan)
            share = lime_share(tables, np.full(len(pids), oid, dtype=object), ph_p)
            if (share < 1.0).any():
                per_plot = _lime_scaled_reductions(tables, oid, pd.unique(limits[3]), n_draws, seed, share,
                                                   rate_t_ha)
        p_plot = _compliance_of_codes(limits, codes, len(pids), red, n_draws, shifts,
                                      per_plot)  # one value per plot of ``pids``
        # the central compliance (every range at its typical value; an assumed covariate through its
        # spread, as without draws): the statistic the ranking's gain rules compare, the same with or
        # without draws (:func:`central_compliance`)
        p_mid = p_plot if not n_draws else _compliance_of_codes(
            limits, codes, len(pids), _option_reductions(tables, oid, _treats(opts.at[oid, "treats"]),
                                                         pd.unique(limits[3]), 0, seed, rate_t_ha),
            0, None, None if per_plot is None else _lime_scaled_reductions(
                tables, oid, pd.unique(limits[3]), 0, seed, share, rate_t_ha))
        if known:
            per_plot = np.full(len(plot_ids), np.nan)
            at = _frames.positions(plot_ids, pids)
            per_plot[at[at >= 0]] = p_plot[at >= 0]
            prob[sel] = per_plot[g.plot[sel]]
            per_plot[at[at >= 0]] = p_mid[at >= 0]
            mid[sel] = per_plot[g.plot[sel]]
            names = np.full(len(plot_ids), "", dtype=object)
            names[at[at >= 0]] = metals_of[at >= 0]
            covered[sel] = names[g.plot[sel]]
        else:
            rows = pd.Index(pids, dtype=object).get_indexer(_frames.obj(option_rows["plot_id"])[sel])
            prob[sel] = np.where(rows >= 0, p_plot[rows], np.nan)
            mid[sel] = np.where(rows >= 0, p_mid[rows], np.nan)
            covered[sel] = np.where(rows >= 0, metals_of[rows], "")
    eff = g.per_option(library_parameter(tables, "effect_duration_yr"))
    # rice seasons a year the row grows (double-cropped rice: two; the Sedum–rice rotation one)
    seasons = np.where(food == "rice", row_rice_seasons(option_rows, plots, tables, g), 1.0)
    return _frames.frame({"plot_id": _frames.obj(option_rows["plot_id"]),
                          "option_id": _frames.obj(option_rows["option_id"]), "food_crop": food,
                          "crop_compliance_prob": prob, "crop_compliance_prob_central": mid,
                          "compliance_metals": np.where(np.isnan(prob), "", covered).astype(object),
                          "effect_duration_yr": eff, "rice_seasons_grown_per_yr": seasons}, n)


def compliance_by_year(option_rows: pd.DataFrame, plots: pd.DataFrame, compliance: pd.DataFrame,
                       duration: pd.DataFrame, duration_by_metal: pd.DataFrame | None = None,
                       trajectories: pd.DataFrame | None = None, food_standard="GB2762",
                       tables: Tables | None = None, horizon_yr: int = 20, n_draws: int = 0,
                       seed: int = 0, *, removal: dict | None = None, grid: _frames.Grid | None = None,
                       matrices: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which crop is grown each year, whether the option is running, and P(crop is safe).

    The single place that decides the yearly schedule of every plot × option:

    * options that keep a food crop (baseline, amendments, safe crops) grow it every
      year with the probability of :func:`crop_compliance_outcome`;
    * a removal option that grows food at the same time (rotation, intercrop) grows it
      on a soil that falls year by year: the probability is recomputed each year from
      the uptake functions at the soil of the start of that year (typical trajectory of
      :func:`soil_trajectories`) with the option's crop reduction;
    * a phytoextraction option stops when its target is reached; from the next year
      the plot's current crop returns (if it is a food crop) on soil at the target — unless
      the land stays strict-control, where the rule set forbids the edible crop (its unchanged
      practice row ``forbidden``) and the option leaves a metal above its screening value
      untreated or the class is the county's (``soil_class_county`` strict control): no food
      is grown there after the target (:func:`_stays_strict`);
    * other years grow no food.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots.
    compliance : pandas.DataFrame
        Output of :func:`crop_compliance_outcome`.
    duration : pandas.DataFrame
        Overall output of :func:`estimate_duration` (``years_to_target`` [yr]).
    duration_by_metal : pandas.DataFrame, optional
        Per-metal output of :func:`estimate_duration` (soil and target per metal), needed
        for the crop that returns after the target.
    trajectories : pandas.DataFrame or Trajectories, optional
        Output of :func:`soil_trajectories` (or :func:`typical_trajectories`) covering at least ``horizon_yr − 1`` years;
        without it a rotation's crop is judged on the current soil every year.
    food_standard : str or pandas.Series
        Food-limit set, or one per plot (a Series indexed by plot id).
    tables : Tables, optional
        Literature tables.
    horizon_yr : int
        Horizon H [yr].
    n_draws, seed : int
        Monte Carlo settings for the crop reductions.
    removal : dict, optional
        Output of :func:`removal_inputs` (soil and target per metal; replaces
        ``duration_by_metal``).
    grid : agriremed.core.frames.Grid, optional
        Plot and option position of every row.
    matrices : bool
        Return the schedule as a :class:`YearlySchedule` (rows × years arrays) instead of
        the tidy table.

    Returns
    -------
    by_year : pandas.DataFrame
        One row per plot × option × year (1…H): ``food_crop`` (``'none'`` when no food
        is grown), ``option_active`` (the option's own operations run that year) and
        ``crop_compliance_prob`` [–].
    per_option : pandas.DataFrame
        One row per plot × option: ``compliant_season_fraction`` (expected share of the
        food seasons within the horizon in which the crop meets every food limit [–];
        NaN when no food is grown), ``compliant_season_fraction_central`` (the same share from the
        central compliance, ``crop_compliance_prob_central`` of ``compliance``, and the typical crop
        reductions of a rotation: equal to it without draws, :data:`CENTRAL_COMPLIANCE`) and
        ``food_seasons`` (number of years with a food crop).
    """
    tables = tables or load_tables()
    H = int(horizon_yr)
    years = np.arange(1, H + 1)
    opts = tables.indexed("options", "option_id")
    rows = option_rows
    n = len(rows)
    g = _frames.grid(rows, plots, tables, grid)
    oid = _frames.obj(rows["option_id"])
    kind = _frames.obj(rows["option_kind"])
    active_row = rows["applicable"].to_numpy(bool) | (kind == "baseline")
    cpos = _frames.row_index(compliance, rows)
    food_opt = _frames.take(_frames.obj(compliance["food_crop"]), cpos, None)
    food_opt = np.where(pd.isna(food_opt), "none", food_opt).astype(object)
    p_const = _frames.take(compliance["crop_compliance_prob"].to_numpy(float), cpos)
    # the central compliance (:data:`CENTRAL_COMPLIANCE`): differs from the mean over draws only with draws
    central = bool(n_draws) and "crop_compliance_prob_central" in compliance
    p_mid = _frames.take(compliance["crop_compliance_prob_central"].to_numpy(float), cpos) if central else p_const
    current = _frames.plot_column(plots, "crop", g, "text")
    current_food = np.isin(current, tables.food_crops())
    T = _frames.take(duration["years_to_target"].to_numpy(float), _frames.row_index(duration, rows))
    stops = (kind == "phytoextraction") & np.isfinite(T)
    active = (~stops[:, None] | (years[None, :] <= np.ceil(np.nan_to_num(T, nan=np.inf))[:, None])) \
        & active_row[:, None]
    after = active_row[:, None] & ~active & current_food[:, None] & ~_stays_strict(rows, plots, g, oid)[:, None]
    # the crop grown: the option's crop, the plot's own crop after a target, or none (as codes)
    f_code, f_uniq = pd.factorize(food_opt, use_na_sentinel=False)
    c_code, c_uniq = pd.factorize(current, use_na_sentinel=False)
    vocab = pd.unique(np.array(["none", *list(f_uniq), *list(c_uniq)], dtype=object))
    at = {v: i for i, v in enumerate(vocab)}
    small = np.min_scalar_type(len(vocab))  # a few crops: the rows × years codes take one byte each
    f_code = np.array([at[v] for v in f_uniq], dtype=small)[f_code] if n else np.zeros(0, small)
    c_code = np.array([at[v] for v in c_uniq], dtype=small)[c_code] if n else np.zeros(0, small)
    crop_code = np.where(active, f_code[:, None], np.where(after, c_code[:, None], small.type(0)))
    P = np.where(active & (food_opt != "none")[:, None], p_const[:, None], np.nan)
    P_mid = np.where(active & (food_opt != "none")[:, None], p_mid[:, None], np.nan) if central else P
    model_o = tables.options["removal_model"].astype(object)
    model = g.per_option(model_o.where(model_o.notna(), "none").to_numpy(object), "none")
    rows_plot = g.plot
    known = (rows_plot >= 0).all()

    used = [c for c in function_inputs(tables) if c in plots.columns]  # what the uptake functions read
    pl = plots[used].reset_index(drop=True) if known else plots[used].set_index("plot_id")
    plot_ids = _frames.obj(rows["plot_id"])

    def virtual(idx, scales):
        """Plots of rows ``idx`` (one per entry) with target metals scaled; ids 0, 1, 2 …"""
        if known:
            vp = pl.iloc[rows_plot[idx]].reset_index(drop=True)
        else:
            vp = pl.reindex(plot_ids[idx]).reset_index()
        cols = dict(vp.items())  # columns replaced by name, the table built once
        cols["plot_id"] = np.arange(len(idx))
        for m, sc in scales.items():
            for c in _metal_columns(vp, m):
                cols[c] = vp[c].to_numpy(float) * np.asarray(sc, float)
        return pd.DataFrame(cols, index=vp.index)

    def evaluate(idx, scales, crops, reductions_of, nd=n_draws):
        """P(comply) for virtual plots, grouped by option (reductions differ by option), over ``nd`` draws."""
        vp = virtual(idx, scales)
        pred = predict_crop_concentration(vp, crop=crops, tables=tables, warn=False)
        out = np.full(len(idx), np.nan)
        if pred.empty:
            return out
        which = pred["plot_id"].to_numpy(np.intp)
        opt_of = oid[idx]
        std = food_standard if isinstance(food_standard, str) else \
            row_standards(food_standard, plot_ids[idx][which])  # the virtual plots' own plots
        limits = _limit_columns(food_safety(pred, std, tables))  # row-aligned with pred
        for o in pd.unique(opt_of):
            sel = opt_of == o
            keep = np.flatnonzero(sel[which])
            if not len(keep):
                continue
            codes, pids = pd.factorize(which[keep])  # the virtual plots of the option
            p = _compliance_of_codes(tuple(a[keep] for a in limits), codes, len(pids),
                                     reductions_of(o, pd.unique(limits[3][keep]), nd), nd)
            got = np.full(len(idx), np.nan)
            got[pids] = p
            out[sel] = got[sel]
        return out

    # rotation / intercrop: food grown on a falling soil
    changing = active_row & (model != "none") & (food_opt != "none")
    if trajectories is not None and changing.any():
        tr = trajectories if isinstance(trajectories, Trajectories) else Trajectories.from_frame(trajectories, rows)
        ii, jj = np.nonzero(active & changing[:, None])
        if len(ii) and len(tr.row):
            scales = {}
            ny = tr.conc.shape[1]
            for m in pd.unique(tr.metal):
                pos = np.full(n, -1, dtype=np.intp)
                sel = np.flatnonzero(tr.metal == m)
                pos[tr.row[sel]] = sel
                li = pos[ii]
                y_ix = years[jj] - 1
                ok = (li >= 0) & (y_ix < ny)
                c_t = np.full(len(ii), np.nan)
                c_0 = np.full(len(ii), np.nan)
                c_t[ok] = tr.conc[li[ok], y_ix[ok]]
                c_0[li >= 0] = tr.conc[li[li >= 0], 0]
                with np.errstate(divide="ignore", invalid="ignore"):
                    scales[m] = np.where(np.isnan(c_t) | (c_0 <= 0), 1.0, c_t / c_0)

            def red_of(o, metals, nd):
                return _option_reductions(tables, o, _treats(opts.at[o, "treats"]), metals, nd, seed)

            P[ii, jj] = evaluate(ii, scales, food_opt[ii], red_of)
            if central:
                P_mid[ii, jj] = evaluate(ii, scales, food_opt[ii], red_of, 0)

    # the current crop returns after a phytoextraction target, on soil at the target
    back = np.flatnonzero(after.any(axis=1))
    if len(back):
        if removal is not None:
            b_row, b_metal, b_c0, b_ct = removal["row"], removal["metal"], removal["c0"], removal["ct"]
        elif duration_by_metal is not None and len(duration_by_metal):
            bm = duration_by_metal
            b_row = _frames.pair_positions((plot_ids, oid), (bm["plot_id"], bm["option_id"]))
            b_metal = _frames.obj(bm["metal"])
            b_c0, b_ct = bm["conc_mg_kg"].to_numpy(float), bm["target_mg_kg"].to_numpy(float)
        else:
            b_row = None
        if b_row is not None and len(b_row):
            scales = {}
            for m in pd.unique(b_metal):
                pos = np.full(n, -1, dtype=np.intp)
                sel = np.flatnonzero((b_metal == m) & (b_row >= 0))
                pos[b_row[sel]] = sel
                li = pos[back]
                c0 = _frames.take(b_c0, li)
                ct = _frames.take(b_ct, li)
                with np.errstate(divide="ignore", invalid="ignore"):
                    scales[m] = np.where(np.isnan(ct) | (c0 <= 0), 1.0, np.minimum(ct, c0) / c0)
            p_back = evaluate(back, scales, current[back], lambda o, metals, nd: {})
            P[back] = np.where(after[back], p_back[:, None], P[back])
            if central:  # no reduction: the crop's own spread alone, the same with or without draws
                P_mid[back] = np.where(after[back], p_back[:, None], P_mid[back])

    schedule = YearlySchedule(crop_code, vocab, active, P)
    grows = crop_code != 0
    frac = _season_fraction(P, grows)
    per_option = _frames.frame({"plot_id": plot_ids, "option_id": oid,
                                "compliant_season_fraction": frac,
                                "compliant_season_fraction_central": _season_fraction(P_mid, grows) if central else frac,
                                "food_seasons": grows.sum(axis=1)}, n)
    return (schedule if matrices else schedule.frame(rows)), per_option


def _season_fraction(P: np.ndarray, grows: np.ndarray) -> np.ndarray:
    """Per row, the expected share of the food seasons (``grows``, rows × years) whose crop meets every food
    limit, from the yearly compliance ``P``; a season whose crop has no prediction or no limit counts as
    compliant (nothing to fail); NaN where no food is grown or no season is predicted."""
    with np.errstate(invalid="ignore"):
        frac = np.where(grows.any(axis=1),
                        np.where(grows, np.nan_to_num(P, nan=1.0), 0.0).sum(axis=1)  # no NaN left to skip
                        / np.maximum(grows.sum(axis=1), 1), np.nan)
    all_unknown = np.all(np.isnan(P) | ~grows, axis=1) & grows.any(axis=1)
    return np.where(all_unknown, np.nan, frac)


def _stays_strict(rows: pd.DataFrame, plots: pd.DataFrame, g, oid: np.ndarray) -> np.ndarray:
    """Per option row, whether its plot stays strict-control land after the option's target, so
    that the edible crop the rule set forbids there (unchanged practice ``forbidden``) does not
    return: the option leaves a metal above its screening value untreated (``untreated_metals``),
    or the plot's class is the county's strict control (``soil_class_county``), which clean-up of
    the soil alone does not lift, or the class its field's other season rows give (``soil_class_field``,
    :func:`agriremed.stages.soil.field_classes`), which clean-up of this row's soil does not lift either."""
    n = len(rows)
    if "policy_status" not in rows or not n:
        return np.zeros(n, bool)
    status = _frames.obj(rows["policy_status"])
    base = (oid == "do_nothing") & (status == "forbidden")
    forbidden = np.zeros(int(g.plot.max()) + 1 if n else 0, bool)
    forbidden[g.plot[base & (g.plot >= 0)]] = True
    on_plot = np.where(g.plot >= 0, forbidden[np.maximum(g.plot, 0)], False)
    untreated = _frames.obj(rows["untreated_metals"]) if "untreated_metals" in rows else np.full(n, "", object)
    untreated = ~pd.isna(untreated) & (untreated != "")
    county = np.zeros(n, bool)
    for c in ("soil_class_county", "soil_class_field"):
        if c in plots:
            county |= _frames.plot_column(plots, c, g, "text") == "strict_control"
    return on_plot & (untreated | county)


class YearlySchedule:
    """The yearly schedule of a plot × option table as rows × years arrays.

    Attributes
    ----------
    crop_code : numpy.ndarray of int
        Shape ``(rows, H)``: index into ``crops`` of the crop grown (0 = ``'none'``);
        :func:`compliance_by_year` stores it in the smallest integer type that holds every index.
    crops : numpy.ndarray of str
        Crop names, ``'none'`` first.
    active : numpy.ndarray of bool
        Shape ``(rows, H)``: the option's own operations run that year.
    p : numpy.ndarray
        Shape ``(rows, H)``: P(crop meets every food limit) [–].
    """

    def __init__(self, crop_code, crops, active, p):
        code = np.asarray(crop_code)
        self.crop_code = code if code.dtype.kind in "ui" else code.astype(np.intp)
        self.crops = _frames.obj(crops)
        self.active = np.asarray(active, bool)
        self.p = np.asarray(p, float)

    @property
    def crop(self) -> np.ndarray:
        """Crop grown, rows × years (``'none'`` when no food is grown)."""
        return self.crops[self.crop_code]

    def frame(self, rows: pd.DataFrame, keep=None) -> pd.DataFrame:
        """The tidy table (one row per plot × option × year), for all rows or the rows ``keep``."""
        idx = np.arange(len(rows)) if keep is None else np.flatnonzero(keep)
        H = self.active.shape[1] if self.active.ndim == 2 else 0
        return _frames.frame({
            "plot_id": np.repeat(_frames.obj(rows["plot_id"])[idx], H),
            "option_id": np.repeat(_frames.obj(rows["option_id"])[idx], H),
            "year": np.tile(np.arange(1, H + 1), len(idx)), "food_crop": self.crops[self.crop_code[idx]].ravel(),
            "option_active": self.active[idx].ravel(), "crop_compliance_prob": self.p[idx].ravel(),
        }, len(idx) * H)
