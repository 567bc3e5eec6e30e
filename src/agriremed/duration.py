"""How long clean-up takes, and how often the crop is safe meanwhile.

Removal options (phytoextraction, phytomanagement) lower the soil metal; their outcome
is the number of years until the soil reaches the target concentration. Three removal
models are available, chosen per option in ``options.csv`` (``removal_model``):

``shoot_conc`` — zero order (constant shoot concentration C_s and yield Y):
    t = (C0 − Ct) · M / (Y · C_s)                         (Zhao et al. 2003, SUMATECS 2008)
``bcf`` — first order (constant bioconcentration factor, C_s = BCF · C):
    f = Y · BCF / M per season,  C_n = C0 (1 − f)ⁿ,  n = ln(Ct/C0) / ln(1 − f)
``fraction`` — first order with a measured fractional removal f per season.

Here M is the soil mass of the treated layer [t ha⁻¹], Y the harvested dry matter
[t ha⁻¹ per season], concentrations in mg kg⁻¹ and one season per year. Removal can
never exceed the metal present: ``f`` is bounded by 1, and lowering the soil takes at
least one harvest, so a positive duration is never below 1 year.

Amendments and safe-crop options do not remove metal: their outcome is the
probability that the crop meets the food limit in a season while the option is kept
up (re-applied when its effect ends), :func:`crop_compliance_outcome`.

References
----------
.. [1] SUMATECS (2008) Final research report, SNOWMAN SN-01/20, Table 6 (zero-order
   clean-up times, 0.25 m, 1.5 g cm⁻³).
.. [2] Zhao F.J., Lombi E., McGrath S.P. (2003) Plant and Soil 249:37–43.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from . import soil as soil_mod
from .tables import Tables, load_tables
from .uncertainty import parameter_draws

__all__ = [
    "years_zero_order",
    "years_first_order",
    "bcf_fraction",
    "concentration_after",
    "estimate_duration",
    "crop_compliance_outcome",
    "HORIZONS",
]

#: Horizons [yr] for which the probability of reaching the target is reported.
HORIZONS = (10, 20)


def years_zero_order(c0, ct, soil_mass_t_ha, biomass_t_ha_yr, shoot_mg_kg):
    """Years to lower soil metal from ``c0`` to ``ct`` at constant removal.

    Parameters
    ----------
    c0, ct : array_like
        Initial and target soil concentration [mg kg⁻¹].
    soil_mass_t_ha : array_like
        Soil mass of the treated layer [t ha⁻¹].
    biomass_t_ha_yr : array_like
        Harvested dry matter [t ha⁻¹ yr⁻¹].
    shoot_mg_kg : array_like
        Metal in harvested biomass [mg kg⁻¹].

    Returns
    -------
    numpy.ndarray
        Years [yr]; 0 where ``c0 ≤ ct``; ``inf`` where nothing is removed; at least 1
        otherwise (lowering the soil takes at least one harvest).

    Examples
    --------
    SUMATECS (2008), Noccaea caerulescens, Hammer & Keller 2003 (Cd 5 → 2 mg kg⁻¹):

    >>> round(float(years_zero_order(5, 2, 3750, 2.1, 257)), 1)
    20.8
    """
    c0, ct = np.asarray(c0, float), np.asarray(ct, float)
    removal = np.asarray(biomass_t_ha_yr, float) * np.asarray(shoot_mg_kg, float)  # g/ha/yr
    need = (c0 - ct) * np.asarray(soil_mass_t_ha, float)                          # g/ha
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(removal > 0, need / removal, np.inf)
    return np.where(c0 <= ct, 0.0, np.maximum(t, 1.0))


def bcf_fraction(biomass_t_ha_yr, bcf, soil_mass_t_ha):
    """Fraction of the soil metal removed per season at a constant BCF.

    Parameters
    ----------
    biomass_t_ha_yr : array_like
        Harvested dry matter [t ha⁻¹ per season].
    bcf : array_like
        Shoot / soil concentration ratio [–].
    soil_mass_t_ha : array_like
        Soil mass of the treated layer [t ha⁻¹].

    Returns
    -------
    numpy.ndarray
        f = min(1, Y · BCF / M) [–].

    Examples
    --------
    >>> round(float(bcf_fraction(3, 100, 2600)), 4)   # 3 t/ha, BCF 100, 0.2 m × 1.3
    0.1154
    """
    f = np.asarray(biomass_t_ha_yr, float) * np.asarray(bcf, float) / np.asarray(soil_mass_t_ha, float)
    return np.minimum(f, 1.0)


def years_first_order(c0, ct, fraction_per_yr):
    """Years to lower soil metal from ``c0`` to ``ct`` removing a constant fraction.

    Parameters
    ----------
    c0, ct : array_like
        Initial and target soil concentration [mg kg⁻¹].
    fraction_per_yr : array_like
        Fraction of the remaining metal removed each year [–], 0 ≤ f ≤ 1.

    Returns
    -------
    numpy.ndarray
        n = ln(Ct/C0) / ln(1 − f) [yr]; 0 where ``c0 ≤ ct``; ``inf`` where f = 0;
        at least 1 otherwise (lowering the soil takes at least one harvest).

    Examples
    --------
    >>> round(float(years_first_order(1.0, 0.5, 0.1154)), 2)
    5.65
    """
    c0, ct = np.asarray(c0, float), np.asarray(ct, float)
    f = np.asarray(fraction_per_yr, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.log(ct / c0) / np.log1p(-f)
    n = np.where(f >= 1.0, 1.0, np.where(f <= 0.0, np.inf, n))
    return np.where(c0 <= ct, 0.0, np.maximum(n, 1.0))


def concentration_after(c0, years, model, fraction=None, removal_mg_kg_yr=None):
    """Soil concentration after ``years`` of removal.

    Parameters
    ----------
    c0 : array_like
        Initial concentration [mg kg⁻¹].
    years : array_like
        Elapsed years [yr].
    model : {"first_order", "zero_order"}
        Removal model.
    fraction : array_like, optional
        Fraction removed per year (first order) [–].
    removal_mg_kg_yr : array_like, optional
        Concentration decrease per year (zero order) [mg kg⁻¹ yr⁻¹].

    Returns
    -------
    numpy.ndarray
        Concentration [mg kg⁻¹], never below 0.
    """
    c0 = np.asarray(c0, float)
    y = np.asarray(years, float)
    if model == "first_order":
        return c0 * (1.0 - np.asarray(fraction, float)) ** y
    return np.maximum(c0 - np.asarray(removal_mg_kg_yr, float) * y, 0.0)


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


def estimate_duration(option_rows: pd.DataFrame, plots: pd.DataFrame, screened: pd.DataFrame,
                      biomass: pd.DataFrame, tables: Tables | None = None, n_draws: int = 0, seed: int = 0,
                      horizon_yr: int = 20, biomass_draws: np.ndarray | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Years to target for every applicable removal option, per metal and overall.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots (``depth_m`` [m], ``bulk_density_g_cm3`` [g cm⁻³]).
    screened : pandas.DataFrame
        Output of :func:`agriremed.soil.screen` (``conc_mg_kg`` and the target
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

    Returns
    -------
    by_metal : pandas.DataFrame
        One row per plot × option × target metal: ``conc_mg_kg``, ``target_mg_kg``,
        ``shoot_mg_kg`` (metal in harvested biomass, year 1) [mg kg⁻¹],
        ``removal_g_ha_yr`` (first year) [g ha⁻¹ yr⁻¹], ``fraction_per_yr`` [–],
        ``years_to_target`` [yr], ``removed_g_ha`` (removed within the horizon,
        never beyond the target) [g ha⁻¹] and, with draws, ``years_p10/p50/p90`` and
        ``p_target_10yr``/``p_target_20yr`` [–].
    overall : pandas.DataFrame
        One row per plot × option (all rows of ``option_rows``): the slowest target
        metal decides (years = max over metals, draw by draw).
    """
    tables = tables or load_tables()
    opts = tables.options.set_index("option_id")
    rows = option_rows.loc[option_rows["applicable"]]
    rows = rows.loc[rows["option_id"].map(opts["removal_model"]).ne("none")]
    long = rows.assign(metal=rows["target_metals"].str.split("+")).explode("metal")
    long = long.loc[long["metal"].fillna("") != ""]
    scr = screened.set_index(["plot_id", "metal"])
    key = pd.MultiIndex.from_arrays([long["plot_id"].to_numpy(object), long["metal"].to_numpy(object)])
    c0 = scr["conc_mg_kg"].reindex(key).to_numpy(float)
    ct = scr["screening_mg_kg"].reindex(key).to_numpy(float)
    pl = plots.set_index("plot_id").reindex(long["plot_id"].to_numpy(object))
    mass = soil_mod.soil_mass_t_ha(pl["depth_m"] if "depth_m" in pl else np.nan,
                                   pl["bulk_density_g_cm3"] if "bulk_density_g_cm3" in pl else np.nan)
    mass = np.broadcast_to(np.asarray(mass, float), c0.shape)
    model = long["option_id"].map(opts["removal_model"]).to_numpy(object)
    oid = long["option_id"].to_numpy(object)
    metal = long["metal"].to_numpy(object)
    none = np.full(len(long), "", dtype=object)

    def params(name, by_metal):
        return _param_matrix(tables, oid, name, metal if by_metal else none, n_draws, seed)

    row_pos = pd.Series(np.arange(len(option_rows)),
                        index=pd.MultiIndex.from_frame(option_rows[["plot_id", "option_id"]]))
    lpos = row_pos.reindex(pd.MultiIndex.from_arrays([long["plot_id"].to_numpy(object), oid])).to_numpy(int)
    bio = biomass.set_index(["plot_id", "option_id"])["biomass_t_dm_ha_yr"].reindex(
        row_pos.index).to_numpy(float)
    Y = bio[lpos]
    Yd = None
    if n_draws:
        if biomass_draws is None:
            raise ValueError("biomass_draws are needed when n_draws > 0")
        Yd = biomass_draws[lpos]
    bcf, bcfd = params("bcf", True)
    cs, csd = params("shoot_conc_mg_kg", True)
    fr, frd = params("removal_frac_per_yr", True)

    def compute(Y, bcf, cs, fr, c0, ct, mass, model):
        is_bcf, is_zero, is_frac = model == "bcf", model == "shoot_conc", model == "fraction"
        f = np.where(is_bcf, bcf_fraction(Y, bcf, mass), np.where(is_frac, np.minimum(fr, 1.0), np.nan))
        yrs_first = years_first_order(c0, ct, f)
        yrs_zero = years_zero_order(c0, ct, mass, Y, cs)
        years = np.where(is_zero, yrs_zero, yrs_first)
        removal = np.where(is_bcf, Y * bcf * c0, np.where(is_zero, Y * cs,
                                                          f * c0 * mass))  # g/ha in year 1
        frac = np.where(is_zero, Y * cs / (c0 * mass), f)
        return years, removal, frac

    years, removal, frac = compute(Y, bcf, cs, fr, c0, ct, mass, model)
    shoot = np.where(model == "bcf", bcf * c0, np.where(model == "shoot_conc", cs, np.nan))
    is_zero = model == "shoot_conc"
    c_h = np.where(is_zero,
                   concentration_after(c0, horizon_yr, "zero_order", removal_mg_kg_yr=removal / mass),
                   concentration_after(c0, horizon_yr, "first_order", fraction=frac))
    removed = (c0 - np.maximum(ct, c_h)) * mass  # g/ha over the horizon (stops at the target)
    by_metal = pd.DataFrame({
        "plot_id": long["plot_id"].to_numpy(object), "option_id": oid, "metal": metal,
        "conc_mg_kg": c0, "target_mg_kg": ct, "shoot_mg_kg": shoot, "removal_g_ha_yr": removal,
        "fraction_per_yr": frac, "years_to_target": years, "removed_g_ha": np.maximum(removed, 0.0),
        "needed_g_ha": np.maximum(c0 - ct, 0.0) * mass,
    })
    draws_years = None
    if n_draws and len(long):
        col = lambda a: a[:, None]  # noqa: E731
        draws_years, _, _ = compute(Yd, bcfd, csd, frd, col(c0), col(ct), col(mass), col(model))
        q = np.nanpercentile(np.where(np.isinf(draws_years), 1e9, draws_years), [10, 50, 90], axis=1)
        q = np.where(q >= 1e9, np.inf, q)
        by_metal["years_p10"], by_metal["years_p50"], by_metal["years_p90"] = q
        for h in HORIZONS:
            by_metal[f"p_target_{h}yr"] = (draws_years <= h).mean(axis=1)

    # ---- overall per plot × option: slowest metal, draw by draw --------------------
    overall = option_rows[["plot_id", "option_id"]].copy()
    if len(by_metal):
        g = by_metal.groupby(["plot_id", "option_id"], sort=False)
        agg = g.agg(years_to_target=("years_to_target", "max"))
        # slowest metal; a metal without a duration (no soil mass) is never the slowest
        rank_years = by_metal["years_to_target"].fillna(-1.0)
        slowest = by_metal.loc[rank_years.groupby([by_metal["plot_id"], by_metal["option_id"]],
                                                  sort=False).idxmax().to_numpy()]
        agg["target_mg_kg"] = slowest.set_index(["plot_id", "option_id"])["target_mg_kg"]
        agg["removal_g_ha_yr"] = slowest.set_index(["plot_id", "option_id"])["removal_g_ha_yr"]
        agg["removed_g_ha"] = slowest.set_index(["plot_id", "option_id"])["removed_g_ha"]
        agg["needed_g_ha"] = slowest.set_index(["plot_id", "option_id"])["needed_g_ha"]
        if draws_years is not None:
            grp = pd.DataFrame(np.where(np.isinf(draws_years), 1e9, draws_years))
            grp.index = pd.MultiIndex.from_arrays([by_metal["plot_id"], by_metal["option_id"]])
            mx = grp.groupby(level=[0, 1], sort=False).max().to_numpy()
            q = np.percentile(mx, [10, 50, 90], axis=1)
            q = np.where(q >= 1e9, np.inf, q)
            agg["years_p10"], agg["years_p50"], agg["years_p90"] = q
            for h in HORIZONS:
                agg[f"p_target_{h}yr"] = (mx <= h).mean(axis=1)
        overall = overall.merge(agg.reset_index(), on=["plot_id", "option_id"], how="left")
    # options that treat exceeding metals without removing them never reach the target
    kinds = option_rows["option_kind"].to_numpy(object)
    applicable = option_rows["applicable"].to_numpy(bool)
    exceeds = option_rows["target_metals"].fillna("").ne("").to_numpy() | \
        option_rows["untreated_metals"].fillna("").ne("").to_numpy()
    for c in ("years_to_target", "years_p10", "years_p50", "years_p90"):
        if c not in overall:
            overall[c] = np.nan
        v = overall[c].to_numpy(float)
        nonremoval = applicable & np.isnan(v) & np.isin(kinds, ["baseline", "immobilisation", "safe_crop",
                                                                "land_use_change"])
        overall[c] = np.where(nonremoval, np.where(exceeds, np.inf, 0.0), v)
    for h in HORIZONS:
        c = f"p_target_{h}yr"
        if c not in overall:
            overall[c] = np.nan
        v = overall[c].to_numpy(float)
        yrs = overall["years_to_target"].to_numpy(float)
        overall[c] = np.where(np.isnan(v) & applicable & ~np.isnan(yrs), (yrs <= h).astype(float), v)
    for c in ("target_mg_kg", "removal_g_ha_yr", "removed_g_ha", "needed_g_ha"):
        if c not in overall:
            overall[c] = np.nan
    return by_metal, overall


def _reduction_typical_and_draws(tables: Tables, option_id: str, metal: str, n_draws: int, seed: int,
                                 rate_t_ha: float | None = None):
    """Fractional crop-concentration reduction of an option for one metal."""
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
    rate, rated = get("rate_t_ha")
    if rate_t_ha is not None:
        rate, rated = rate_t_ha, (np.full(n_draws, rate_t_ha) if n_draws else None)
    typ = min(rmax * (1 - np.exp(-k * rate)) * (fac if fac is not None else 1.0), 0.95)
    d = None
    if n_draws:
        rated = np.full(n_draws, rate)  # the rate is a decision, not an uncertainty
        d = np.minimum(rmaxd * (1 - np.exp(-kd * rated)) * (facd if facd is not None else 1.0), 0.95)
    return typ, d


def crop_compliance_outcome(option_rows: pd.DataFrame, predictions_by_crop: dict[str, pd.DataFrame],
                            plots: pd.DataFrame, food_standard: str = "GB2762",
                            tables: Tables | None = None, n_draws: int = 0, seed: int = 0,
                            rate_t_ha: float | None = None) -> pd.DataFrame:
    """Probability that the crop grown under each option meets every food limit.

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
        Amendment rate overriding the table's typical rate [t ha⁻¹].

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``crop_compliance_prob`` [–] (NaN when the option
        grows no food crop or no limit applies) and ``food_crop`` (crop grown).
    """
    from .uptake import food_safety, predict_crop_concentration

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
        treats = set(str(o.treats).split("|")) if isinstance(o.treats, str) else set()
        logp = np.zeros(len(pred)) if not n_draws else np.zeros((len(pred), n_draws))
        for metal in pred["metal"].unique():
            msel = (pred["metal"] == metal).to_numpy()
            if metal in treats:
                typ, d = _reduction_typical_and_draws(tables, oid, metal, n_draws, seed, rate_t_ha)
            else:
                typ, d = 0.0, np.zeros(n_draws) if n_draws else None
            if not n_draws:
                chk = food_safety(pred.loc[msel], food_standard, tables, reduction=typ)
                pe = chk["p_exceed_limit"].to_numpy(float)
                logp[msel] = np.where(np.isnan(pe), 0.0, np.log(np.clip(1 - pe, 1e-300, 1)))
            else:
                base = food_safety(pred.loc[msel], food_standard, tables)
                lim = base["food_limit_mg_kg"].to_numpy(float)[:, None]
                fw = base["crop_fw_p50_mg_kg"].to_numpy(float)[:, None] * (1 - d[None, :])
                se = base["se_log10"].to_numpy(float)[:, None]
                with np.errstate(divide="ignore", invalid="ignore"):
                    pe = 1 - ndtr((np.log10(lim) - np.log10(fw)) / se)
                logp[msel] = np.where(np.isnan(pe), 0.0, np.log(np.clip(1 - pe, 1e-300, 1)))
        pids = pred["plot_id"].to_numpy(object)
        has_limit = food_safety(pred, food_standard, tables)["food_limit_mg_kg"].notna().to_numpy()
        if n_draws:  # product over metals within each draw, then mean over draws
            p_plot = np.exp(pd.DataFrame(logp).groupby(pids).sum()).mean(axis=1)
        else:
            p_plot = np.exp(pd.Series(logp).groupby(pids).sum())
        any_lim = pd.Series(has_limit).groupby(pids).any()
        p_plot = p_plot.where(any_lim.reindex(p_plot.index).fillna(False))
        prob[sel] = p_plot.reindex(res.loc[sel, "plot_id"]).to_numpy(float)
    res["crop_compliance_prob"] = prob
    return res
