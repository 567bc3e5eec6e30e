"""A documented synthesis of a soil-chemistry transfer function from published slopes and surveys.

Where no published function with pH can be read in full, the default function

    log10 C_crop = a + b·log10 C_soil + c·pH

is put together in three steps, each from published numbers (``uptake_slopes.csv`` and
``uptake_surveys.csv``, every row with its source):

1. **Slopes.** The pH slope c is the mean of two medians: that of the within-site
   (liming meta-analysis) estimates for the crop, which include the calcium effect of lime
   and so bound the pH effect from above, and that of the pH terms of cereal field
   functions, which are cross-sectional. The soil exponent b is the median of the soil
   exponents of cereal field functions (no meta-analysis gives one).
2. **Survey moments.** Each independent survey gives area means (and SDs, or the share
   of crops above a limit) of soil metal, pH and crop metal. Assuming log-normal metal
   concentrations, the median and the log10 spread are

   * from a mean m and SD s: σ² = ln(1 + s²/m²) (natural log), median = m / √(1 + s²/m²);
   * from a mean m and the share q above a limit L: solve
     log10 m = log10 M + (ln 10 / 2)·σ₁₀² and log10 L = log10 M + z₁₋q·σ₁₀ for the median M
     and the log10 spread σ₁₀.

3. **Intercept and spread.** Each calibration survey gives its own intercept
   aₖ = log10 M_crop,k − b·log10 M_soil,k − c·pH̄ₖ; the default is their n-weighted mean.
   The within-site residual spread of survey k is √(σ²_crop,k − b²σ²_soil,k − c²σ²_pH,k)
   (the part of the crop's spread not explained by the spread of soil metal and pH), pooled
   as an n-weighted root mean square; the between-site spread τ is the SD of the aₖ. The
   residual spread of a prediction for a new field is √(σ²_within + τ²) — the site
   effect of a field the function has not seen is part of its error.

Where not even the slopes can be sourced (rice As: no function with readable coefficients was
found), :func:`ratio_synthesis` gives the simplest documented function, a grain/soil ratio
C_crop = r·C_soil, from the central values (geometric mean, mean or representative value, as
each survey prints it) of the calibration surveys: log10 r is the n-weighted mean of their
log10 ratios; the within-survey spread σ_w of log10 C_crop is solved from the central value,
taken as the median, and the published share q above a limit L, σ_w = log10(L/M)/z₁₋q
(n-weighted root mean square over the calibration surveys); the between-survey spread τ is
the SD of the log10 ratios of all surveys (calibration and check), and se = √(σ_w² + τ²).

References
----------
.. [1] Aitchison J. & Brown J.A.C. (1957) The Lognormal Distribution, Cambridge UP
   (moments of the log-normal distribution).
.. [2] Liao P. et al. (2021) Plant Soil, doi:10.1007/s11104-021-05004-w (liming
   meta-analysis, rice).
.. [3] Zhao K.L. et al. (2016) Chin. J. Eco-Agric. 24(2):226–234 (Zhejiang surveys).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from agriremed.models.uptake import LN10, lognormal_from_mean_sd, lognormal_from_mean_share  # noqa: F401
from agriremed.core.tables import Tables, load_tables

__all__ = ["lognormal_from_mean_sd", "lognormal_from_mean_share", "survey_moments", "synthesis_slopes",
           "calibrate_intercept", "rice_cd_synthesis", "survey_skill", "rice_type_factors", "RICE_TYPES",
           "ratio_synthesis", "leafy_spread_components", "maize_cd_synthesis", "survey_ph_sd",
           "geogenic_rice_calibration", "geogenic_rice_shift", "geogenic_rice_rows", "geogenic_maize_shift",
           "geogenic_maize_rows", "geogenic_adjustments",
           "geogenic_survey_checks", "survey_sizes"]

#: Rice types of the optional plot column ``rice_type``; ``indica`` is the reference (factor 1).
RICE_TYPES = ("indica", "japonica", "hybrid")


def survey_sizes(n) -> pd.Series:
    """Number of pairs of each survey as a nullable integer: ``<NA>`` where the survey prints none.

    Parameters
    ----------
    n : array_like
        The ``n`` column of ``uptake_surveys.csv`` (blank where the source gives no sample size).

    Returns
    -------
    pandas.Series
        ``Int64`` [pairs].

    Raises
    ------
    ValueError
        If a value is not a whole non-negative number.

    Examples
    --------
    >>> survey_sizes([140.0, float("nan")]).tolist()
    [140, <NA>]
    """
    x = pd.to_numeric(pd.Series(n), errors="raise").astype(float)
    bad = x.notna() & ((x < 0) | (x % 1 != 0))
    if bad.any():
        raise ValueError(f"survey sizes n must be whole numbers of pairs: {x[bad].tolist()}")
    return x.astype("Int64")


def _weights(surveys: pd.DataFrame, what: str) -> np.ndarray:
    """The ``n`` of ``surveys`` as weights [pairs]; a ``ValueError`` naming the surveys that print no ``n``,
    for an n-weighted ``what`` cannot use them (and leaving them out silently would change it)."""
    n = surveys["n"].to_numpy(float)
    if np.isnan(n).any():
        ids = ", ".join(map(str, surveys.loc[np.isnan(n), "survey_id"]))
        raise ValueError(f"{what} is weighted by the pairs of each survey; survey(s) {ids} print no n "
                         "(uptake_surveys.csv): give their n or change their role")
    return n


def survey_moments(surveys: pd.DataFrame, soil_cv_default: float | None = None) -> pd.DataFrame:
    """Log10 medians and spreads of crop and soil metal of each survey row.

    Parameters
    ----------
    surveys : pandas.DataFrame
        Rows of ``uptake_surveys.csv``.
    soil_cv_default : float, optional
        Coefficient of variation of soil metal for surveys that publish no SD [–];
        default: the median CV of the surveys that do.

    Returns
    -------
    pandas.DataFrame
        ``surveys`` with ``log10_crop_median``, ``crop_sigma_log10``, ``log10_soil_median``,
        ``soil_sigma_log10`` [log10 units] and ``soil_cv_assumed`` (True where the soil SD
        was not published).
    """
    s = surveys.copy()
    cm, cs = lognormal_from_mean_sd(s["crop_mean_mg_kg"], s["crop_sd_mg_kg"])
    qm, qs = lognormal_from_mean_share(s["crop_mean_mg_kg"], s["frac_above"], s["frac_limit_mg_kg"])
    by_sd = s["crop_sd_mg_kg"].notna().to_numpy()
    s["log10_crop_median"] = np.log10(np.where(by_sd, cm, qm))
    s["crop_sigma_log10"] = np.where(by_sd, cs, qs)
    cv = s["soil_sd_mg_kg"] / s["soil_mean_mg_kg"]
    if soil_cv_default is None:
        soil_cv_default = float(np.nanmedian(cv)) if cv.notna().any() else 0.5
    s["soil_cv_assumed"] = cv.isna()
    sm, ss = lognormal_from_mean_sd(s["soil_mean_mg_kg"], s["soil_mean_mg_kg"] * cv.fillna(soil_cv_default))
    s["log10_soil_median"] = np.log10(sm)
    s["soil_sigma_log10"] = ss
    return s


def synthesis_slopes(slopes: pd.DataFrame, crop: str, metal: str = "cd") -> dict:
    """pH slope c and soil exponent b of the synthesis (step 1 of the module text).

    Parameters
    ----------
    slopes : pandas.DataFrame
        Rows of ``uptake_slopes.csv``.
    crop : str
        Crop whose meta-analysis estimates bound the pH slope.
    metal : str
        Metal.

    Returns
    -------
    dict
        ``ph`` (c) [log10 per pH unit], ``soil`` (b) [–], and the values behind them
        (``ph_meta``, ``ph_field``: the two medians).

    Examples
    --------
    >>> t = load_tables()
    >>> s = synthesis_slopes(t.uptake_slopes, "rice")
    >>> round(s["ph"], 4), round(s["soil"], 4)
    (-0.2298, 0.4305)
    """
    d = slopes.loc[slopes["metal"] == metal]
    ph = d.loc[d["term"] == "ph"]
    meta = ph.loc[(ph["kind"] == "meta_analysis") & (ph["crop"] == crop), "value"].astype(float)
    field = ph.loc[ph["kind"] == "field_function", "value"].astype(float)
    soil = d.loc[(d["term"] == "log10(soil)") & (d["kind"] == "field_function"), "value"].astype(float)
    ph_meta, ph_field = float(np.median(meta)), float(np.median(field))
    return {"ph": (ph_meta + ph_field) / 2.0, "soil": float(np.median(soil)), "ph_meta": ph_meta,
            "ph_field": ph_field}


def calibrate_intercept(surveys: pd.DataFrame, soil_exponent: float, ph_slope: float,
                        role: str = "calibration") -> dict:
    """Intercept, within-site and between-site spread from survey moments (step 3 of the module text).

    Parameters
    ----------
    surveys : pandas.DataFrame
        Output of :func:`survey_moments`.
    soil_exponent : float
        b [–].
    ph_slope : float
        c [log10 units per pH unit].
    role : str
        Survey rows used (``role`` column).

    Returns
    -------
    dict
        ``intercept`` (n-weighted mean aₖ), ``per_survey`` (aₖ by ``survey_id``),
        ``within`` [log10], ``between`` (τ) [log10], ``se_log10`` = √(within² + τ²),
        ``n`` (pairs) and ``surveys`` (ids used).
    """
    s = surveys.loc[surveys["role"] == role]
    n = _weights(s, "the calibrated intercept")
    a = (s["log10_crop_median"] - soil_exponent * s["log10_soil_median"] - ph_slope * s["ph_mean"]).to_numpy(float)
    explained = (soil_exponent * s["soil_sigma_log10"]) ** 2 + (ph_slope * s["ph_sd"]) ** 2
    resid2 = np.clip(s["crop_sigma_log10"].to_numpy(float) ** 2 - explained.to_numpy(float), 0.0, None)
    within = float(np.sqrt(np.sum(n * resid2) / n.sum()))
    between = float(np.std(a, ddof=1)) if len(a) > 1 else float("nan")
    return {"intercept": float(np.sum(n * a) / n.sum()), "per_survey": dict(zip(s["survey_id"], a, strict=True)),
            "within": within, "between": between, "se_log10": float(np.hypot(within, between)),
            "n": int(n.sum()), "surveys": list(s["survey_id"])}


def rice_cd_synthesis(tables: Tables | None = None) -> dict:
    """The packaged rice Cd synthesis, recomputed from its tables (slopes, intercept, spread)."""
    tables = tables or load_tables()
    sl = synthesis_slopes(tables.uptake_slopes, "rice", "cd")
    mom = survey_moments(tables.uptake_surveys.loc[(tables.uptake_surveys["crop"] == "rice")
                                                   & (tables.uptake_surveys["metal"] == "cd")])
    cal = calibrate_intercept(mom, sl["soil"], sl["ph"])
    return {**sl, **cal, "moments": mom}


def rice_type_factors(slopes: pd.DataFrame, soil_exponent: float, metal: str = "cd") -> dict:
    """Multiplicative factor on grain metal of each rice type relative to indica rice.

    Each ``uptake_slopes.csv`` row of term ``rice_type:<type>`` gives one estimate of
    log10(grain of that type / grain of indica at the same soil):

    * kind ``cultivar_ratio``: the log10 ratio itself (varieties grown side by side);
    * kind ``cultivar_soil_ratio``: log10 of the ratio of soil concentrations at which the
      two types reach the same grain concentration (e.g. safe soil values per type),
      converted with the soil exponent b of the function: log10 ratio = −b·value.

    The factor of a type is 10^(mean of its estimates); indica is 1 by definition.

    Parameters
    ----------
    slopes : pandas.DataFrame
        Rows of ``uptake_slopes.csv``.
    soil_exponent : float
        b of the transfer function the factor multiplies [–].
    metal : str
        Metal.

    Returns
    -------
    dict
        Rice type → factor [–], every type of :data:`RICE_TYPES`.

    References
    ----------
    .. [1] Morishita T. et al. (1987) Soil Sci. Plant Nutr. (japonica and indica varieties in
       one field; ``morishita1987_varieties``).
    .. [2] FFTC workshop (2007), km.fftc.org.tw/article/147 (safe soil Cd 0.6 mg/kg for indica,
       1.2 mg/kg for japonica; ``taiwan2007_cultivars``).

    Examples
    --------
    >>> f = rice_type_factors(load_tables().uptake_slopes, 0.4305)
    >>> round(f["japonica"], 4), f["indica"], f["hybrid"]
    (0.6086, 1.0, 1.0)
    """
    d = slopes.loc[(slopes["metal"] == metal) & slopes["term"].astype(str).str.startswith("rice_type:")]
    out = {t: 1.0 for t in RICE_TYPES}
    for rtype, g in d.groupby(d["term"].str.split(":").str[1], sort=False):
        v = g["value"].to_numpy(float)
        logr = np.where(g["kind"].to_numpy(object) == "cultivar_soil_ratio", -soil_exponent * v, v)
        out[rtype] = float(10.0 ** np.mean(logr))
    return out


def survey_skill(tables: Tables | None = None, crop: str = "rice", metal: str = "cd",
                 limit_mg_kg: float = 0.2) -> pd.DataFrame:
    """Out-of-sample check of the synthesis on every survey: leave one out, predict it.

    For each calibration survey the intercept and between-site spread are recomputed
    from the *other* calibration surveys (the slopes do not use the surveys); surveys
    of role ``check`` are predicted from all calibration surveys. The prediction is the
    median crop concentration at the survey's median soil metal and mean pH; its share
    above ``limit_mg_kg`` assumes log10 C ~ Normal(prediction, √(se² + b²σ²_soil + c²σ²_pH)),
    i.e. the function's spread plus the spread of the survey's own soils.

    Only surveys that print n, mean pH, soil and crop means and a crop SD or share above a limit are
    predicted here, and not those of soil metal of natural (geological) origin (``high_background`` yes:
    karst): those are the checks of :func:`geogenic_survey_checks`.

    Parameters
    ----------
    tables : Tables, optional
        Literature tables.
    crop, metal : str
        Surveys of ``uptake_surveys.csv`` to check.
    limit_mg_kg : float
        Food limit for the exceedance share [mg kg⁻¹].

    Returns
    -------
    pandas.DataFrame
        One row per survey: ``survey_id``, ``role``, ``n``, ``observed_median_mg_kg``,
        ``predicted_median_mg_kg``, ``bias_log10`` (predicted − observed), ``se_log10``
        (of the left-one-out function), ``share_spread_log10`` (√(se² + b²σ²_soil + c²σ²_pH), the
        spread behind ``predicted_share_above``), ``observed_share_above`` (published, or implied by
        the published mean and SD), ``predicted_share_above``, ``share_published``,
        ``rice_type_factor`` (:func:`rice_type_factors` for a survey of one rice type
        — e.g. ``late japonica`` — and 1 for indica, hybrid or mixed surveys) and
        ``bias_rice_type_log10`` (the bias with that factor applied).
    """
    from scipy.special import ndtr

    tables = tables or load_tables()
    sv = tables.uptake_surveys
    sv = sv.loc[(sv["crop"] == crop) & (sv["metal"] == metal) & _predictable(sv) & ~_geogenic(sv)
                ].reset_index(drop=True)
    sl = synthesis_slopes(tables.uptake_slopes, crop, metal)
    b, c = sl["soil"], sl["ph"]
    mom = survey_moments(sv)
    factors = rice_type_factors(tables.uptake_slopes, b, metal) if crop == "rice" else {}

    def type_factor(text) -> float:
        named = [t for t in RICE_TYPES if t in str(text).lower()]
        return factors.get(named[0], 1.0) if len(named) == 1 else 1.0
    rows = []
    for i, r in mom.iterrows():
        others = mom.drop(index=i)
        cal = calibrate_intercept(others, b, c)
        pred = cal["intercept"] + b * r["log10_soil_median"] + c * r["ph_mean"]
        spread = np.sqrt(cal["se_log10"] ** 2 + (b * r["soil_sigma_log10"]) ** 2 + (c * r["ph_sd"]) ** 2)
        published = not pd.isna(r["frac_above"]) and r["frac_limit_mg_kg"] == limit_mg_kg
        obs_share = r["frac_above"] if published else \
            1.0 - ndtr((np.log10(limit_mg_kg) - r["log10_crop_median"]) / r["crop_sigma_log10"])
        rows.append({"survey_id": r["survey_id"], "role": r["role"], "n": r["n"],
                     "observed_median_mg_kg": 10 ** r["log10_crop_median"],
                     "predicted_median_mg_kg": 10 ** pred, "bias_log10": pred - r["log10_crop_median"],
                     "se_log10": cal["se_log10"], "share_spread_log10": float(spread),
                     "observed_share_above": float(obs_share),
                     "predicted_share_above": float(1.0 - ndtr((np.log10(limit_mg_kg) - pred) / spread)),
                     "share_published": bool(published),
                     "rice_type_factor": type_factor(sv.loc[i, "rice_type"]) if "rice_type" in sv else 1.0})
    out = pd.DataFrame(rows)
    out["n"] = survey_sizes(out["n"]).to_numpy() if len(out) else out.get("n")
    out["bias_rice_type_log10"] = out["bias_log10"] + np.log10(out["rice_type_factor"])
    return out


def _geogenic(surveys: pd.DataFrame) -> pd.Series:
    """Survey rows of soil metal of natural (geological) origin (column ``high_background`` yes)."""
    if "high_background" not in surveys:
        return pd.Series(False, index=surveys.index)
    return surveys["high_background"].fillna("").astype(str).str.strip().str.lower().eq("yes")


def _predictable(surveys: pd.DataFrame) -> pd.Series:
    """Survey rows that print mean pH, mean soil and crop metal and a crop SD or a share above a limit. The
    number of pairs is not needed to predict a survey: a check survey without it is kept; a calibration survey
    without it is named by the n-weighted calibration (:func:`calibrate_intercept`), not left out silently."""
    need = surveys[["ph_mean", "soil_mean_mg_kg", "crop_mean_mg_kg"]].notna().all(axis=1)
    return need & (surveys["crop_sd_mg_kg"].notna() | surveys["frac_above"].notna())


def ratio_synthesis(surveys: pd.DataFrame, crop: str, metal: str) -> dict:
    """A grain/soil ratio function and its spread from survey summary statistics (module text).

    Parameters
    ----------
    surveys : pandas.DataFrame
        Rows of ``uptake_surveys.csv``; those of ``crop`` and ``metal`` are used: role
        ``calibration`` for the ratio and the within-survey spread, every role for the
        between-survey spread.
    crop, metal : str
        Crop and metal.

    Returns
    -------
    dict
        ``ratio`` [–] (crop / soil, each in mg kg⁻¹), ``within`` and ``between`` [log10 units],
        ``se_log10`` = √(within² + between²), ``n`` (calibration pairs), ``surveys`` (calibration
        ids) and ``checks`` (a frame: ``survey_id``, ``role``, ``n``, ``observed_mg_kg``,
        ``predicted_mg_kg`` = ratio × the survey's soil value, ``bias_log10`` predicted − observed).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"survey_id": ["a", "b"], "crop": "rice", "metal": "as", "role": ["calibration", "check"],
    ...                   "n": [100, 20], "soil_mean_mg_kg": [10.0, 100.0], "crop_mean_mg_kg": [0.1, 0.5],
    ...                   "frac_above": [0.1, None], "frac_limit_mg_kg": [0.35, None]})
    >>> r = ratio_synthesis(s, "rice", "as")   # between = log10(0.01/0.005)/√2, within = log10(3.5)/z(0.9)
    >>> round(r["ratio"], 4), round(r["between"], 4), round(r["within"], 4)
    (0.01, 0.2129, 0.4245)
    """
    s = surveys.loc[(surveys["crop"] == crop) & (surveys["metal"] == metal)].reset_index(drop=True)
    if s.empty:
        raise ValueError(f"uptake_surveys.csv has no survey of {metal} in {crop}")
    logr = np.log10(s["crop_mean_mg_kg"].to_numpy(float) / s["soil_mean_mg_kg"].to_numpy(float))
    cal = (s["role"] == "calibration").to_numpy()
    if not cal.any():
        raise ValueError(f"uptake_surveys.csv has no calibration survey of {metal} in {crop}")
    n = np.full(len(s), np.nan)
    n[cal] = _weights(s.loc[cal], "the calibrated ratio")
    ratio = float(10.0 ** np.average(logr[cal], weights=n[cal]))
    between = float(np.std(logr, ddof=1)) if len(logr) > 1 else float("nan")
    q = s["frac_above"].to_numpy(float)
    lim = s["frac_limit_mg_kg"].to_numpy(float)
    has = cal & np.isfinite(q) & np.isfinite(lim)
    with np.errstate(divide="ignore", invalid="ignore"):
        sig = np.log10(lim / s["crop_mean_mg_kg"].to_numpy(float)) / ndtri(1.0 - q)
    within = float(np.sqrt(np.average(sig[has] ** 2, weights=n[has]))) if has.any() else float("nan")
    pred = ratio * s["soil_mean_mg_kg"].to_numpy(float)
    checks = pd.DataFrame({"survey_id": s["survey_id"], "role": s["role"], "n": survey_sizes(s["n"]),
                           "observed_mg_kg": s["crop_mean_mg_kg"].astype(float), "predicted_mg_kg": pred,
                           "bias_log10": np.log10(pred) - np.log10(s["crop_mean_mg_kg"].to_numpy(float))})
    return {"ratio": ratio, "within": within, "between": between, "se_log10": float(np.hypot(within, between)),
            "n": int(n[cal].sum()), "surveys": list(s.loc[cal, "survey_id"]), "checks": checks}


def leafy_spread_components(slopes: pd.DataFrame, metal: str = "cd") -> dict:
    """Variance components of log10 leafy-vegetable uptake [log10 units].

    The ``uptake_slopes.csv`` rows of crop ``leafy_vegetable``, kind ``variance_component``
    and term ``sd:species``, ``sd:variety`` and ``sd:study``. A leafy-vegetable function used
    for a species it was not fitted on (e.g. the lettuce relation for pak choi) adds all three
    to its residual spread: se = √(se_function² + sd_species² + sd_variety² + sd_study²); the
    function used for its own species (lettuce) adds the between-study part only. The
    between-study part is the spread of leafy-vegetable studies that the sourced components do
    not cover (:func:`agriremed.stages.uptake.skill.between_study_spread`).

    Parameters
    ----------
    slopes : pandas.DataFrame
        ``uptake_slopes.csv``.
    metal : str
        Metal.

    Returns
    -------
    dict
        ``species``, ``variety`` and ``study`` [log10 units].

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> leafy_spread_components(load_tables().uptake_slopes)
    {'species': 0.172, 'variety': 0.125, 'study': 0.489}
    """
    d = slopes.loc[(slopes["crop"] == "leafy_vegetable") & (slopes["metal"] == metal)
                   & (slopes["kind"] == "variance_component")]
    out = {}
    for part in ("species", "variety", "study"):
        v = d.loc[d["term"] == f"sd:{part}", "value"].astype(float)
        if len(v) != 1:
            raise ValueError(f"uptake_slopes.csv needs one leafy_vegetable {metal} row of term sd:{part}, "
                             f"found {len(v)}")
        out[part] = float(v.iloc[0])
    return out


def _maize_share(a: float, se: float, cal: dict, b: float, c: float, ph_cap: float, points: int = 200) -> float:
    """Share of kernels above ``cal['limit']`` predicted for a survey's soil Cd and pH distribution.

    log10 soil ~ Normal(log10 median, σ), pH ~ Normal(mean, SD) held at ``ph_cap``, residual
    Normal(0, ``se``): the mean of 1 − Φ((log10 L − m)/se) over a ``points`` × ``points`` grid of
    equal-probability quantiles (as :func:`agriremed.stages.uptake.skill.maize_share_checks`).
    """
    from scipy.special import ndtr

    z = ndtri((np.arange(points) + 0.5) / points)
    gs, gp = np.meshgrid(np.log10(cal["soil_median"]) + cal["soil_sigma"] * z,
                         np.minimum(cal["ph_mean"] + cal["ph_sd"] * z, ph_cap))
    m = a + b * gs + c * gp
    return float(np.mean(1.0 - ndtr((np.log10(cal["limit"]) - m) / se)))


def _maize_calibration_rows(d: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The maize calibration statistics of ``uptake_slopes.csv`` (kind ``maize_calibration``).

    Terms ``hc5@ph<x>`` and ``hc95@ph<x>`` of the pH-class survey (survey id before the colon)
    become one row per class; the other terms (``soil_median``, ``soil_sigma``, ``soil_mean``,
    ``soil_cv``, ``share_above``, ``limit``, ``ph_mean``, ``ph_sd``) a dict per survey.
    """
    cal = d.loc[d["kind"] == "maize_calibration"]
    if cal.empty:
        raise ValueError("uptake_slopes.csv has no maize cd row of kind maize_calibration")
    classes, stats = [], {}
    for term, value in zip(cal["term"], cal["value"].astype(float)):
        survey, stat = term.split(":", 1)
        if stat.startswith(("hc5@ph", "hc95@ph")):
            q, ph = stat.split("@ph")
            classes.append({"survey": survey, "q": q, "ph": float(ph), "value": value})
        else:
            stats.setdefault(survey, {})[stat] = value
    cls = pd.DataFrame(classes).pivot_table(index=["survey", "ph"], columns="q", values="value").reset_index()
    return cls, stats


def maize_cd_synthesis(tables: Tables | None = None) -> dict:
    """The packaged maize grain Cd synthesis, recomputed from ``uptake_slopes.csv``.

    No maize grain function with readable coefficients and no maize survey that prints mean
    soil Cd, mean pH and mean grain Cd together were found. The function keeps sourced slopes and
    calibrates its intercept and spread on published summary statistics (rows of kind
    ``maize_calibration`` and ``reference_state``); the northern-China thresholds (Guan et al.
    2021) are kept out of it as the check:

        log10 C = a + b·log10 S + c·min(pH, pH_cap)

    * c: median of the pH terms of the upland cereal field functions (kind ``field_function``,
      crop wheat; the paddy rice function is left out: flooding changes how pH acts) and of
      the maize field estimates (kind ``maize_field``); its sample SD is ``c_sd``; b: median soil
      exponent of the cereal field functions (as for rice);
    * within-survey spread s_w, from the NW Guizhou karst survey (Yang et al. 2022, 492 pairs):
      per pH class the soil Cd at which 5 % and 95 % of kernels exceed 0.1 mg/kg (HC5, HC95) are
      quantiles of the class's 1/BCF distribution pooled over its soils, so log10 BCF has median
      m_k = log10 0.1 − (log10 HC5 + log10 HC95)/2 and SD τ_k = log10(HC95/HC5)/(2·1.645); with
      log10 BCF = a + (b − 1)·log10 S + c·pH + e over the survey's soils (log-normal, median
      S_med, SD σ_S; ASSUMED from the printed range) the residual is s_k² = τ_k² − ((1 − b)·σ_S)²
      and s_w = √(mean s_k²). Its intercepts a_k = m_k − c·pH_k + (1 − b)·log10 S_med (mean a_G)
      are not used by the default: the survey's own abstract reports a low BCF of karst soils against
      non-karst ones (Cd of geogenic origin), so a_G describes karst land, not the maize land of China;
      ``karst_offset`` = a_G − a is reported, and is the shift of a plot given ``high_background`` yes
      (:func:`geogenic_maize_shift`);
    * intercept from two non-karst summaries: Chongqing (499 pairs): a_C, at which the function
      with spread s_w predicts the printed share of kernels above 0.1 mg/kg over the survey's soils
      (log-normal from the printed mean and CV) and an ASSUMED pH distribution (mean pH not
      printed); the national mean summer-maize BCF of Chen et al. 2021 (rows ``ref:…``): a_N =
      log10(BCF_med·S_ref) − b·log10 S_ref − c·pH_ref, BCF_med = BCF·10^(−ln10·s_w²/2) (a mean of
      per-field ratios lies above their median), S_ref and pH_ref ASSUMED;
    * a = (a_C + a_N)/2; spread se = √(s_w² + s_b² + (c·ΔpH/√2)² + ((1 − b)·log10 f_S / 2)²):
      within-survey, between-survey (s_b = |a_C − a_N|/√2, the SD of the two), the assumed mean
      pH of both (± ``ref:ph_halfwidth`` each) and the national ratio's assumed reference soil
      (within a factor ``ref:soil_factor``).

    Parameters
    ----------
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    dict
        ``ph`` (c) [log10 per pH unit], ``ph_sd`` [log10 per pH unit], ``soil`` (b) [–],
        ``ph_cap`` [–], ``intercept`` (a) and ``intercept_capped`` (the constant above ``ph_cap``)
        [log10 mg kg⁻¹], ``intercept_chongqing`` (a_C), ``intercept_national`` (a_N),
        ``intercept_guizhou`` (a_G, not used) and ``karst_offset`` [log10 units], ``bcf_median``
        [–], ``classes`` (DataFrame: pH class, HC5, HC95, median and SD of log10 BCF, a_k, s_k),
        ``within`` (s_w), ``between`` (s_b), ``se_components`` (dict) and ``se_log10`` [log10
        units], ``calibration`` (the survey statistics used) and ``ph_values`` (the estimates
        behind c).

    Examples
    --------
    >>> s = maize_cd_synthesis()
    >>> round(s["ph"], 3), round(s["soil"], 4), round(s["intercept"], 4), round(s["se_log10"], 3)
    (-0.142, 0.4305, -0.3631, 0.469)
    """
    from scipy.optimize import brentq

    tables = tables or load_tables()
    sl = tables.uptake_slopes
    d = sl.loc[sl["metal"] == "cd"]
    ph_vals = d.loc[(d["term"] == "ph") & (((d["kind"] == "field_function") & (d["crop"] == "wheat"))
                                          | ((d["kind"] == "maize_field") & (d["crop"] == "maize"))),
                    "value"].astype(float).to_numpy()
    soil = d.loc[(d["term"] == "log10(soil)") & (d["kind"] == "field_function"), "value"].astype(float)
    ref = d.loc[(d["crop"] == "maize") & (d["kind"] == "reference_state")].set_index("term")["value"].astype(float)
    need = ["ref:bcf", "ref:soil", "ref:soil_factor", "ref:ph", "ref:ph_halfwidth", "cap:ph"]
    missing = [t for t in need if t not in ref.index]
    if missing:
        raise ValueError(f"uptake_slopes.csv has no maize cd reference_state row of term {missing}")
    c, b = float(np.median(ph_vals)), float(np.median(soil))
    c_sd = float(np.std(ph_vals, ddof=1))
    ph_cap = float(ref["cap:ph"])
    cls, stats = _maize_calibration_rows(d.loc[d["crop"] == "maize"])
    if len(cls["survey"].unique()) != 1 or len(stats) != 2:
        raise ValueError("maize_calibration rows: need one pH-class survey and one share survey")
    pc = str(cls["survey"].iloc[0])
    sh_id = next(k for k in stats if k != pc)
    g = stats[pc]
    z95 = float(ndtri(0.95))
    cls = cls.assign(bcf_median_log10=np.log10(0.1) - (np.log10(cls["hc5"]) + np.log10(cls["hc95"])) / 2,
                     bcf_sd_log10=np.log10(cls["hc95"] / cls["hc5"]) / (2 * z95))
    cls["intercept"] = cls["bcf_median_log10"] - c * cls["ph"] + (1 - b) * np.log10(g["soil_median"])
    s2 = cls["bcf_sd_log10"] ** 2 - ((1 - b) * g["soil_sigma"]) ** 2
    if (s2 <= 0).any():
        raise ValueError("maize calibration: a pH class's HC95/HC5 is narrower than the soil spread explains")
    cls["within"] = np.sqrt(s2)
    a_g, s_w = float(cls["intercept"].mean()), float(np.sqrt(s2.mean()))
    q = dict(stats[sh_id])
    med, sig = lognormal_from_mean_sd(q["soil_mean"], q["soil_mean"] * q["soil_cv"])
    q.update(soil_median=float(med), soil_sigma=float(sig))
    a_c = float(brentq(lambda a: _maize_share(a, s_w, q, b, c, ph_cap) - q["share_above"], -5.0, 3.0, xtol=1e-10))
    # the national mean BCF at its assumed reference state, its mean converted to a median with s_w
    sw_ref = s_w
    bcf_median = float(ref["ref:bcf"]) * 10 ** (-LN10 * sw_ref ** 2 / 2)
    a_n = float(np.log10(bcf_median * ref["ref:soil"]) - b * np.log10(ref["ref:soil"]) - c * ref["ref:ph"])
    intercept = (a_c + a_n) / 2
    between = abs(a_c - a_n) / np.sqrt(2.0)
    comp = {"within": s_w, "between": float(between),
            # both calibration intercepts rest on an assumed mean pH (± ref:ph_halfwidth each, independent)
            "ph_assumed": abs(c) * float(ref["ref:ph_halfwidth"]) / np.sqrt(2.0),
            # the national ratio's reference soil Cd within a factor ref:soil_factor (half weight in the mean)
            "soil_ref": (1.0 - b) * np.log10(float(ref["ref:soil_factor"])) / 2}
    se = float(np.sqrt(sum(v ** 2 for v in comp.values())))
    return {"ph": c, "ph_sd": c_sd, "soil": b, "ph_cap": ph_cap, "intercept": float(intercept),
            "intercept_capped": float(intercept + c * ph_cap), "intercept_guizhou": a_g,
            "intercept_chongqing": a_c, "intercept_national": a_n, "bcf_median": float(bcf_median),
            "classes": cls, "within": s_w, "between": float(between), "se_components": comp,
            "se_log10": se, "calibration": {pc: g, sh_id: q}, "class_survey": pc, "share_survey": sh_id,
            "karst_offset": float(a_g - intercept), "ph_values": ph_vals.tolist()}


# ---------------------------------------------------------------------------------------------------------
# Soil metal of natural (geological) origin: the karst/geogenic adjustment of the rice and maize defaults
# ---------------------------------------------------------------------------------------------------------

def survey_ph_sd(row) -> float:
    """SD of a survey's soil pH [pH units]: the printed ``ph_sd``, else a quarter of the printed range
    (``ph_high`` − ``ph_low``, as for the Chang-Zhu-Tan survey), else 0 (not known: not counted)."""
    sd = row.get("ph_sd", np.nan)
    if pd.notna(sd):
        return float(sd)
    lo, hi = row.get("ph_low", np.nan), row.get("ph_high", np.nan)
    return float(hi - lo) / 4.0 if pd.notna(lo) and pd.notna(hi) else 0.0


def _mean_over_spread(log10_median, spread):
    """Arithmetic mean of a log-normal variable from its log10 median and log10 SD: 10^(m + (ln 10/2)·s²)."""
    return 10.0 ** (np.asarray(log10_median, float) + LN10 / 2.0 * np.asarray(spread, float) ** 2)


def _const_of(tables: Tables, function_id: str) -> float:
    """The ``const`` term of a packaged transfer function."""
    terms = tables.transfer_functions.set_index("function_id").loc[function_id, "terms"]
    return float(next(float(v) for k, v in (t.split(":") for t in str(terms).split("|")) if k == "const"))


def _soil_cv_assumed(tables: Tables, crop: str = "rice", metal: str = "cd") -> float:
    """The soil CV assumed for a survey without soil SD: the median CV of the surveys of ``crop`` and ``metal`` that
    print one (as :func:`survey_moments` assumes)."""
    same = tables.uptake_surveys.loc[(tables.uptake_surveys["crop"] == crop) & (tables.uptake_surveys["metal"] == metal)]
    return float(np.nanmedian(same["soil_sd_mg_kg"] / same["soil_mean_mg_kg"]))


def geogenic_rice_calibration(tables: Tables | None = None, crop: str = "rice", metal: str = "cd") -> pd.DataFrame:
    """The log10 shift of the rice Cd default that each karst survey implies: every survey of ``uptake_surveys.csv``
    with ``high_background`` yes that prints a mean soil pH, a soil statistic (mean soil Cd, or the share of soils
    above the GB 15618-2018 screening value) and the share of grain above a limit.

    Each survey's fields are predicted as in :func:`survey_skill`: the default predicts the median
    M = a + b·log10 S_med + c·pH̄ at the survey's median soil Cd S_med and its mean pH, and log10 grain Cd over its
    fields is Normal(M, s) with s = √(se² + b²σ²_soil + c²σ²_pH) (σ_pH: :func:`survey_ph_sd`). S_med is log-normal
    from the printed soil mean and the assumed soil CV (:func:`_soil_cv_assumed`, 0.45), or, where the survey prints
    only the share q_soil of soils above the screening value V at its pH, log10 V − z₁₋q_soil·σ_soil (σ_soil from the
    same CV). The implied shift is the one at which the shifted function predicts the printed share q of grain
    above the limit L:

        shift = log10 L − z₁₋q·s − M

    — the share, not the mean, because the plan's crop compliance is the predicted share above the limit and
    because it is the statistic every such survey prints (the karst means admit no log-normal with their shares:
    heavier upper tails). The shift by the mean (log10 of the printed mean − M − (ln 10/2)·s²) is reported
    alongside, not used.

    Returns
    -------
    pandas.DataFrame
        One row per survey: ``survey_id``, ``n`` (NaN where not printed), ``soil_basis`` (``mean`` or
        ``share``), ``soil_median_mg_kg``, ``soil_sigma_log10``, ``ph``, ``ph_sd``, ``spread_log10`` (s),
        ``default_median_mg_kg`` (10^M), ``observed_share``, ``limit_mg_kg``, ``default_share`` (the default's
        predicted share), ``shift_share`` (the implied shift used) [log10], ``shift_mean`` (by the printed mean;
        NaN without one) [log10] and ``sampling_se_log10`` (the binomial sampling error of ``shift_share``,
        s·√(q(1 − q)/n)/φ(z₁₋q); NaN where n is not printed).

    Examples
    --------
    >>> d = geogenic_rice_calibration().set_index("survey_id")
    >>> d["shift_share"].round(4).to_dict()
    {'song2023_guizhou_rice': -0.5023, 'guangxi2020_cd_anomaly': -0.1323}
    """
    from scipy.special import ndtr

    tables = tables or load_tables()
    sv = tables.uptake_surveys
    sv = sv.loc[(sv["crop"] == crop) & (sv["metal"] == metal) & _geogenic(sv) & sv["ph_mean"].notna()
                & sv["frac_above"].notna() & sv["frac_limit_mg_kg"].notna()
                & (sv["soil_mean_mg_kg"].notna() | sv.get("soil_frac_above", pd.Series(np.nan, sv.index)).notna())
                ].reset_index(drop=True)
    syn = rice_cd_synthesis(tables)
    a, b, c = syn["intercept"], syn["soil"], syn["ph"]
    se = float(tables.transfer_functions.set_index("function_id").loc["synth_rice_cd_ph", "se_log10"])
    cv = _soil_cv_assumed(tables, crop, metal)
    mom = survey_moments(sv, soil_cv_default=cv)
    sig_cv = float(lognormal_from_mean_sd(1.0, cv)[1])
    rows = []
    for _, r in mom.iterrows():
        if pd.notna(r["soil_mean_mg_kg"]):
            basis, lsm, sig = "mean", float(r["log10_soil_median"]), float(r["soil_sigma_log10"])
        else:
            v = _screening_cd_paddy(tables, float(r["ph_mean"]))
            basis, lsm, sig = "share", float(np.log10(v) - ndtri(1.0 - r["soil_frac_above"]) * sig_cv), sig_cv
        ph_sd = survey_ph_sd(r)
        s = float(np.sqrt(se ** 2 + (b * sig) ** 2 + (c * ph_sd) ** 2))
        m = float(a + b * lsm + c * r["ph_mean"])
        q, lim = float(r["frac_above"]), float(r["frac_limit_mg_kg"])
        z = float(ndtri(1.0 - q))
        shift_mean = (float(np.log10(r["crop_mean_mg_kg"]) - m - LN10 / 2.0 * s ** 2)
                      if pd.notna(r["crop_mean_mg_kg"]) else np.nan)
        n = float(r["n"]) if pd.notna(r["n"]) else np.nan
        phi = float(np.exp(-z ** 2 / 2.0) / np.sqrt(2.0 * np.pi))
        rows.append({"survey_id": r["survey_id"], "n": n, "soil_basis": basis, "soil_median_mg_kg": 10 ** lsm,
                     "soil_sigma_log10": sig, "ph": float(r["ph_mean"]), "ph_sd": ph_sd, "spread_log10": s,
                     "default_median_mg_kg": 10 ** m, "observed_share": q, "limit_mg_kg": lim,
                     "default_share": float(1.0 - ndtr((np.log10(lim) - m) / s)),
                     "shift_share": float(np.log10(lim) - z * s - m), "shift_mean": shift_mean,
                     "sampling_se_log10": s * float(np.sqrt(q * (1.0 - q) / n)) / phi if np.isfinite(n) else np.nan})
    return pd.DataFrame(rows)


def geogenic_rice_shift(tables: Tables | None = None) -> dict:
    """The log10 shift of the rice Cd default on soils whose Cd is of natural (geological) origin (karst), pooled
    over the karst surveys that print pH (:func:`geogenic_rice_calibration`), and the spread it adds.

    * shift: the simple mean of the k implied shifts — not inverse-variance: one survey does not print n, and the
      binomial sampling errors of the shifts that can be computed (0.04 log10 for 432 grains) are far below the
      scatter between the surveys, so weights by n would give one area's soils the say over another's;
    * spread added (``se_add``): the karst intercept of a new area differs from the pooled one by the between-survey
      SD τ_k of the implied shifts (ddof 1), plus the error of a k-survey mean: τ_k·√(1 + 1/k); τ_k is taken at
      least as large as the between-survey SD τ of the intercepts of the default's calibration surveys (an SD of
      two values is poorly determined, and a karst area should not be assumed more alike than the default's areas).
      The spread of an adjusted prediction is √(se² + se_add²).

    Returns
    -------
    dict
        ``surveys`` (ids), ``k``, ``calibration`` (the frame of :func:`geogenic_rice_calibration`), ``shift``
        [log10], ``intercept`` (a + shift), ``default_intercept`` (a), ``shifts_sd`` (τ_k as computed),
        ``tau_default`` (τ), ``se`` (the default's spread), ``se_add``, ``se_adjusted`` (√(se² + se_add²)) and
        ``shift_mean_only`` (the shift by the printed means, where the surveys print them: for comparison).

    Examples
    --------
    >>> g = geogenic_rice_shift()
    >>> g["k"], round(g["shift"], 4), round(g["se_add"], 4)
    (2, -0.3173, 0.3204)
    """
    tables = tables or load_tables()
    cal = geogenic_rice_calibration(tables)
    if cal.empty:
        raise ValueError("uptake_surveys.csv has no karst rice survey with pH, soil Cd and a share of grain above a limit")
    syn = rice_cd_synthesis(tables)
    se = float(tables.transfer_functions.set_index("function_id").loc["synth_rice_cd_ph", "se_log10"])
    k = len(cal)
    shifts = cal["shift_share"].to_numpy(float)
    shift = float(np.mean(shifts))
    sd = float(np.std(shifts, ddof=1)) if k > 1 else float("nan")
    tau = float(syn["between"])
    add = float(max(sd if np.isfinite(sd) else 0.0, tau) * np.sqrt(1.0 + 1.0 / k))
    return {"surveys": list(cal["survey_id"]), "k": k, "calibration": cal, "shift": shift,
            "intercept": syn["intercept"] + shift, "default_intercept": syn["intercept"], "shifts_sd": sd,
            "tau_default": tau, "se": se, "se_add": add, "se_adjusted": float(np.hypot(se, add)),
            "shift_mean_only": float(cal["shift_mean"].mean()) if cal["shift_mean"].notna().any() else np.nan}


def _m(x: float, digits: int = 4) -> str:
    """``x`` with a true minus sign (the notes of ``uptake_slopes.csv``)."""
    return f"{x:.{digits}f}".replace("-", "\u2212")


def geogenic_rice_rows(tables: Tables | None = None) -> dict:
    """The rows of ``uptake_slopes.csv`` that hold the rice karst/geogenic adjustment, as computed by
    :func:`geogenic_rice_shift`: estimate id → dict of ``value`` (rounded to 4 decimals), ``source`` and ``note``
    (the derivation, with the numbers of every calibration survey). ``scripts/make_geogenic_rice_shift.py`` writes
    them into the table; the tests compare the table with them.

    Returns
    -------
    dict
        ``geogenic_shift_rice`` (the shift of ``synth_rice_cd_ph``), ``geogenic_shift_rice_hunan`` (the same karst
        intercept for ``synth_rice_cd_ph_hunan``) and ``geogenic_se_rice`` (the spread added).
    """
    tables = tables or load_tables()
    g = geogenic_rice_shift(tables)
    cal, k = g["calibration"], g["k"]
    sv = tables.uptake_surveys.set_index("survey_id")
    hunan = _const_of(tables, "synth_rice_cd_ph_hunan")
    se_hunan = float(tables.transfer_functions.set_index("function_id").loc["synth_rice_cd_ph_hunan", "se_log10"])
    parts = []
    for r in cal.itertuples(index=False):
        x = sv.loc[r.survey_id]
        if r.soil_basis == "mean":
            soil = f"soil Cd mean {x['soil_mean_mg_kg']:g} → median {r.soil_median_mg_kg:.4f} mg/kg"
        else:
            soil = (f"{100 * x['soil_frac_above']:g} % of soils above the screening value "
                    f"{_screening_cd_paddy(tables, r.ph):g} → median {r.soil_median_mg_kg:.4f} mg/kg")
        n = f"n {int(r.n)}" if np.isfinite(r.n) else "n not printed"
        extra = [f"by its mean {x['crop_mean_mg_kg']:g}: {_m(r.shift_mean)}, not used"] if np.isfinite(r.shift_mean) else []
        if np.isfinite(r.sampling_se_log10):
            extra.append(f"binomial sampling error {r.sampling_se_log10:.3f}")
        extra = f" ({', '.join(extra)})" if extra else ""
        ph_sd = f"σ_pH {r.ph_sd:.4f} (range/4)" if r.ph_sd > 0 else "no pH spread printed"
        parts.append(f"{r.survey_id} ({soil}, pH {r.ph:g}, {ph_sd}, {n}): M = "
                     f"{r.default_median_mg_kg:.4f} mg/kg, s = {r.spread_log10:.4f}, default share "
                     f"{100 * r.default_share:.1f} % against {100 * r.observed_share:g} %, shift {_m(r.shift_share)}"
                     f"{extra}")
    sources = ";".join(dict.fromkeys(str(sv.at[i, "source"]) for i in g["surveys"])) + ";agriremed_synthesis"
    shift_note = (
        "log10 shift of synth_rice_cd_ph on a plot whose soil Cd is mainly of natural (geological) origin (plot "
        f"column high_background yes; karst): the simple mean of the shifts implied by the {k} karst rice surveys of "
        "uptake_surveys.csv that print pH, a soil Cd statistic and the share of grain above the limit "
        "(agriremed.stages.uptake.synthesis.geogenic_rice_calibration; written by "
        "scripts/make_geogenic_rice_shift.py): the default predicts the median M of each survey's fields at its "
        f"median soil Cd (soil CV {_soil_cv_assumed(tables):g} assumed) and mean pH, with the spread s = √(se² + b²σ²_soil + c²σ²_pH) of "
        "survey_skill, and shift = log10 0.2 − z₁₋q·s − log10 M puts the printed share q above 0.2 mg/kg: "
        + "; ".join(parts)
        + f"; mean {_m(g['shift'])} (factor {10 ** g['shift']:.3f}), karst intercept {_m(g['intercept'])} (default "
        f"{_m(g['default_intercept'])}); the share, not the mean: the plan's compliance is a share above the limit, "
        "and the karst means admit no log-normal with their shares (heavier upper tails); a simple mean, not "
        "inverse-variance: not every survey prints n, and the sampling errors lie far below the between-survey SD "
        f"{g['shifts_sd']:.4f}; UNCONFIRMED: the rice form of song2023 (大米: milled or brown) and the limits "
        "(0.2 mg/kg assumed); out-of-sample checks (surveys without pH) in docs/validation.md")
    hunan_note = (
        f"the same karst intercept ({_m(g['intercept'])}, geogenic_shift_rice) for the Hunan rice function: "
        f"{_m(g['intercept'])} − {hunan:.4f} (its intercept) = {_m(g['intercept'] - hunan)} (written by "
        "scripts/make_geogenic_rice_shift.py), so a plot given high_background yes gets the same prediction whichever "
        "of the two rice functions is used; UNCONFIRMED as geogenic_shift_rice")
    floor = ("not below its floor, the between-survey SD of the default's calibration intercepts"
             if g["shifts_sd"] >= g["tau_default"] else
             "raised to its floor, the between-survey SD of the default's calibration intercepts")
    se_note = (
        f"spread added to a rice Cd prediction with the karst/geogenic shift (se² + {g['se_add']:.4f}²; "
        f"synth_rice_cd_ph {g['se']:.3f} → {g['se_adjusted']:.3f}, synth_rice_cd_ph_hunan {se_hunan:.3f} → "
        f"{np.hypot(se_hunan, g['se_add']):.3f}): the karst intercept of a new area differs from the mean of the {k} "
        f"calibration surveys by about the SD of their implied shifts ({g['shifts_sd']:.4f}; {floor} "
        f"{g['tau_default']:.4f}) times √(1 + 1/{k}) for the error of a {k}-survey mean (computed: "
        "agriremed.stages.uptake.synthesis.geogenic_rice_shift; written by scripts/make_geogenic_rice_shift.py)")
    return {"geogenic_shift_rice": {"value": round(g["shift"], 4), "source": sources, "note": shift_note},
            "geogenic_shift_rice_hunan": {"value": round(g["intercept"] - hunan, 4), "source": sources,
                                          "note": hunan_note},
            "geogenic_se_rice": {"value": round(g["se_add"], 4), "source": "agriremed_synthesis", "note": se_note}}


def geogenic_maize_shift(tables: Tables | None = None) -> dict:
    """The log10 shift of the maize Cd default on karst soils with geogenic Cd: the intercept of the NW Guizhou
    karst survey that :func:`maize_cd_synthesis` computes and leaves out of the default (a_G), minus the default's
    intercept (``karst_offset``); a one-survey calibration, which has no between-survey spread of its own: its
    spread is widened by that of the karst rice adjustment (``se_add`` of :func:`geogenic_rice_shift`: the SD of
    the shifts the karst rice surveys imply, not below the between-survey SD of the rice synthesis' intercepts,
    × √(1 + 1/k)), the same rule for the karst intercept of a new area whichever cereal it is.

    Returns
    -------
    dict
        ``shift`` [log10], ``intercept`` (a_G), ``default_intercept`` (a), ``se`` (the default's spread),
        ``se_add`` (the karst rice adjustment's), ``se_adjusted`` (√(se² + se_add²)), ``k_rice`` (the number of karst
        rice surveys behind ``se_add``), ``shifts_sd_rice`` (the SD of their implied shifts) and ``tau_rice`` (its
        floor, the between-survey SD of the rice synthesis' intercepts) [log10].

    Examples
    --------
    >>> g = geogenic_maize_shift()
    >>> round(g["shift"], 4), round(g["se_add"], 4), round(g["se_adjusted"], 3)
    (-0.9174, 0.3204, 0.568)
    """
    tables = tables or load_tables()
    m = maize_cd_synthesis(tables)
    rice = geogenic_rice_shift(tables)
    add = float(rice["se_add"])
    se = float(tables.transfer_functions.set_index("function_id").loc["synth_maize_cd_ph", "se_log10"])
    return {"shift": float(m["karst_offset"]), "intercept": float(m["intercept_guizhou"]),
            "default_intercept": float(m["intercept"]), "se": se, "se_add": add, "se_adjusted": float(np.hypot(se, add)),
            "k_rice": int(rice["k"]), "shifts_sd_rice": float(rice["shifts_sd"]), "tau_rice": float(rice["tau_default"])}


def geogenic_maize_rows(tables: Tables | None = None) -> dict:
    """The row of ``uptake_slopes.csv`` that holds the spread of the maize karst/geogenic adjustment, as computed by
    :func:`geogenic_maize_shift`: ``geogenic_se_maize`` → dict of ``value`` (rounded to 4 decimals), ``source`` and
    ``note``. ``scripts/make_geogenic_rice_shift.py`` writes it with the rice rows (:func:`geogenic_rice_rows`);
    the tests compare the table with it.

    Examples
    --------
    >>> geogenic_maize_rows()["geogenic_se_maize"]["value"]
    0.3204
    """
    tables = tables or load_tables()
    g = geogenic_maize_shift(tables)
    note = (
        f"spread added to a maize Cd prediction with the karst/geogenic shift (se² + {g['se_add']:.4f}²; "
        f"synth_maize_cd_ph {g['se']:.3f} → {g['se_adjusted']:.3f}): the maize shift rests on one karst survey "
        "(yang2022_guizhou_maize), which gives no between-survey spread of its own, so the karst rice "
        f"adjustment's is used (geogenic_se_rice: the SD of the shifts the {g['k_rice']} karst rice surveys imply, "
        f"{g['shifts_sd_rice']:.4f}, not below its floor {g['tau_rice']:.4f}, times √(1 + 1/{g['k_rice']})): the karst intercept of a new area is taken to "
        "differ from a calibration as much for maize as for rice (computed: "
        "agriremed.stages.uptake.synthesis.geogenic_maize_shift; written by scripts/make_geogenic_rice_shift.py); "
        "UNCONFIRMED: no second karst maize survey was reached to measure the maize spread itself")
    return {"geogenic_se_maize": {"value": round(g["se_add"], 4), "source": "agriremed_synthesis", "note": note}}


def geogenic_adjustments(tables: Tables | None = None) -> dict:
    """The karst/geogenic adjustments of ``uptake_slopes.csv`` (kind ``geogenic_adjustment``) by function.

    Rows of term ``geogenic_shift:<function_id>`` give the log10 shift of that packaged function on a plot whose
    soil metal is mainly of natural (geological) origin (plot column ``high_background`` yes); the row of term
    ``geogenic_se`` of the same crop and metal the spread added to it (se² + se_add²).

    Returns
    -------
    dict
        function id → dict of ``shift`` [log10], ``factor`` (10^shift) [–], ``se_add`` [log10], ``crop``,
        ``metal``, ``sources`` (the shift row's ``source``), ``n_surveys`` (the number of surveys the shift is
        calibrated on: the keys of its ``source`` other than ``agriremed_synthesis``, the synthesis that derives
        it) and ``provinces`` (``|``-separated: the provinces of the surveys behind the shift and its checks, where
        alone it is applied; blank: everywhere).

    Examples
    --------
    >>> g = geogenic_adjustments()
    >>> sorted(g)[:2], round(g["synth_maize_cd_ph"]["shift"], 4)
    (['synth_maize_cd_ph', 'synth_maize_cd_ph_alkaline'], -0.9174)
    >>> g["synth_rice_cd_ph"]["n_surveys"], g["synth_maize_cd_ph"]["n_surveys"]
    (2, 1)
    """
    tables = tables or load_tables()
    sl = tables.uptake_slopes
    d = sl.loc[sl["kind"] == "geogenic_adjustment"]
    out = {}
    for r in d.loc[d["term"].astype(str).str.startswith("geogenic_shift:")].itertuples(index=False):
        se = d.loc[(d["term"] == "geogenic_se") & (d["crop"] == r.crop) & (d["metal"] == r.metal), "value"]
        if len(se) != 1:
            raise ValueError(f"uptake_slopes.csv needs one {r.crop} {r.metal} row of term geogenic_se, found {len(se)}")
        out[str(r.term).split(":", 1)[1]] = {"shift": float(r.value), "factor": float(10.0 ** float(r.value)),
                                             "se_add": float(se.iloc[0]), "crop": r.crop, "metal": r.metal,
                                             "sources": str(r.source),
                                             "n_surveys": sum(1 for x in str(r.source).split(";")
                                                              if x.strip() and x.strip() != "agriremed_synthesis"),
                                             "provinces": str(getattr(r, "provinces", "") or "")
                                             if pd.notna(getattr(r, "provinces", None)) else ""}
    return out


def _screening_cd_paddy(tables: Tables, ph: float) -> float:
    """GB 15618-2018 screening value of Cd in paddy soil at ``ph`` [mg kg⁻¹] (``soil_thresholds.csv``)."""
    t = tables.soil_thresholds
    row = t.loc[(t["set_id"] == "gb15618_2018") & (t["kind"] == "screening") & (t["metal"] == "cd")
                & t["land_uses"].astype(str).str.split("|").map(lambda u: "paddy" in u)
                & (t["ph_above"].astype(float) < ph) & (ph <= t["ph_up_to"].astype(float)), "value_mg_kg"]
    return float(row.iloc[0])


def geogenic_survey_checks(tables: Tables | None = None, crop: str = "rice", metal: str = "cd") -> pd.DataFrame:
    """The rice Cd default, and on karst surveys its karst/geogenic adjustment, on the survey summaries of
    ``uptake_surveys.csv`` that carry the column ``high_background`` (yes: karst/geogenic; no: other areas),
    each with what it prints.

    The adjustment is calibrated on the karst surveys that print pH (:func:`geogenic_rice_calibration`: their rows
    are in sample); the others are its checks; no survey was used to tune the default. Checks, by what a survey
    prints (the spread of a survey's fields is that of :func:`survey_skill`: s = √(se² + b²σ²_soil + c²σ²_pH), se
    widened to √(se² + se_add²) for the adjusted function (:func:`geogenic_rice_shift`); soil Cd log-normal from its printed mean and the soil CV assumed for surveys without SD; σ_pH
    :func:`survey_ph_sd`, 0 where unknown):

    * ``means`` (mean pH, soil and grain means): the predicted median at the median soil Cd and mean pH, the
      predicted mean of the survey's fields (median·10^((ln 10/2)·s²): the printed means of these surveys admit
      no log-normal median with their printed shares) and the predicted share above the limit, against the
      printed mean and share;
    * ``soil_share`` (a pH and the share of soils above the screening value, no means): the median soil Cd at
      which that share of a log-normal soil distribution (assumed CV) lies above the GB 15618-2018 paddy
      screening value at that pH, and the predicted share of grain above the limit, against the printed share;
    * ``implied_ph`` (soil and grain means, no pH): the mean pH at which the predicted mean equals the printed
      mean (pH spread not counted), and the predicted share at that pH, against the printed share; and the mean
      pH at which the predicted share equals the printed share (``implied_ph_share``: the statistic the shift is
      calibrated on; the printed means and shares admit no single log-normal, so the two pHs differ): the check is
      whether these pHs are plausible for the survey's soils (above the soils' true pH the function over-predicts);
    * ``bracket`` (ranges of town averages of soil Cd and pH, a share): the predicted share at the two corners
      (lowest soil Cd at the highest pH, highest soil Cd at the lowest pH), against the printed share.

    Returns
    -------
    pandas.DataFrame
        One row per survey and function variant (``default``; ``adjusted`` on karst surveys;
        ``regional:<function>`` where a provincial function with the default's slopes covers the survey's province,
        as ``synth_rice_cd_ph_hunan`` on Hunan surveys): ``survey_id``,
        ``region``, ``high_background``, ``n``, ``check``, ``variant``, ``in_sample``, ``spread_log10``,
        ``soil_median_mg_kg``, ``ph``, ``observed_mean_mg_kg``, ``predicted_median_mg_kg``,
        ``predicted_mean_mg_kg``, ``observed_share_above``, ``predicted_share_above`` (the low corner of a
        bracket), ``predicted_share_high`` (its high corner), ``implied_ph`` and ``implied_ph_share``.
    """
    from scipy.special import ndtr

    tables = tables or load_tables()
    sv = tables.uptake_surveys
    if "high_background" not in sv:
        return pd.DataFrame()
    sv = sv.loc[(sv["crop"] == crop) & (sv["metal"] == metal) & sv["high_background"].fillna("").astype(str).str.strip().ne("")].reset_index(drop=True)
    syn = rice_cd_synthesis(tables)
    b, c, a = syn["soil"], syn["ph"], syn["intercept"]
    g = geogenic_rice_shift(tables)
    soil_cv = _soil_cv_assumed(tables, crop, metal)
    mom = survey_moments(sv, soil_cv_default=soil_cv)
    # the provincial functions with the default's slopes (synth_rice_cd_ph_hunan): a survey in their province is
    # also predicted with the function a plan there uses
    regional = []
    tf = tables.transfer_functions
    for fr in tf.loc[tf["applies_to"].astype(str).str.split("|").map(lambda x: crop in x) & (tf["metal"] == metal)
                     & tf["usable"].astype(bool) & tf["provinces"].fillna("").astype(str).str.strip().ne("")
                     ].itertuples(index=False):
        co = {k.strip(): float(v) for k, v in (t.rsplit(":", 1) for t in str(fr.terms).split("|"))}
        if set(co) == {"const", "log10(soil)", "ph"} and np.isclose(co["log10(soil)"], b) and np.isclose(co["ph"], c):
            regional += [(fr.function_id, prov.strip(), co["const"], float(fr.se_log10))
                         for prov in str(fr.provinces).split("|")]
    rows = []
    for _, r in mom.iterrows():
        karst = str(r["high_background"]).strip().lower() == "yes"
        variants = ([("default", a, g["se"])] + ([("adjusted", g["intercept"], g["se_adjusted"])] if karst else [])
                    + [(f"regional:{fid}", icpt, se) for fid, prov, icpt, se in regional
                       if prov.lower() in str(r["region"]).lower()])
        ph_sd = survey_ph_sd(r)
        lim = float(r["frac_limit_mg_kg"]) if pd.notna(r["frac_limit_mg_kg"]) else 0.2
        sig_s = float(lognormal_from_mean_sd(1.0, soil_cv)[1])
        base = {"survey_id": r["survey_id"], "region": r["region"], "high_background": r["high_background"],
                "n": r["n"], "observed_mean_mg_kg": r["crop_mean_mg_kg"], "observed_share_above": r["frac_above"]}
        for name, icpt, se in variants:
            out = dict(base, variant=name, in_sample=bool(name == "adjusted" and r["survey_id"] in g["surveys"]),
                       soil_median_mg_kg=np.nan, ph=np.nan, predicted_median_mg_kg=np.nan,
                       predicted_mean_mg_kg=np.nan, predicted_share_above=np.nan, predicted_share_high=np.nan,
                       implied_ph=np.nan, implied_ph_share=np.nan)
            if pd.notna(r["ph_mean"]) and pd.notna(r["soil_mean_mg_kg"]) and pd.notna(r["crop_mean_mg_kg"]):
                s = float(np.sqrt(se ** 2 + (b * r["soil_sigma_log10"]) ** 2 + (c * ph_sd) ** 2))
                m = icpt + b * r["log10_soil_median"] + c * r["ph_mean"]
                out.update(check="means", spread_log10=s, soil_median_mg_kg=10 ** r["log10_soil_median"],
                           ph=r["ph_mean"], predicted_median_mg_kg=10 ** m,
                           predicted_mean_mg_kg=float(_mean_over_spread(m, s)),
                           predicted_share_above=float(1.0 - ndtr((np.log10(lim) - m) / s)))
            elif pd.notna(r["ph_mean"]) and pd.notna(r.get("soil_frac_above", np.nan)):
                sv_ph = _screening_cd_paddy(tables, float(r["ph_mean"]))
                lsm = np.log10(sv_ph) - float(ndtri(1.0 - r["soil_frac_above"])) * sig_s
                s = float(np.sqrt(se ** 2 + (b * sig_s) ** 2 + (c * ph_sd) ** 2))
                m = icpt + b * lsm + c * r["ph_mean"]
                out.update(check="soil_share", spread_log10=s, soil_median_mg_kg=10 ** lsm, ph=r["ph_mean"],
                           predicted_median_mg_kg=10 ** m,
                           predicted_share_above=float(1.0 - ndtr((np.log10(lim) - m) / s)))
            elif pd.notna(r["soil_mean_mg_kg"]) and pd.notna(r["crop_mean_mg_kg"]):
                s = float(np.sqrt(se ** 2 + (b * r["soil_sigma_log10"]) ** 2))
                target = np.log10(r["crop_mean_mg_kg"]) - LN10 / 2.0 * s ** 2  # the median of that mean
                ph_star = float((target - icpt - b * r["log10_soil_median"]) / c)
                # the median at which the printed share lies above the limit, and its pH
                by_share = np.log10(lim) - float(ndtri(1.0 - r["frac_above"])) * s if pd.notna(r["frac_above"]) else np.nan
                out.update(check="implied_ph", spread_log10=s, soil_median_mg_kg=10 ** r["log10_soil_median"],
                           implied_ph=ph_star, implied_ph_share=float((by_share - icpt - b * r["log10_soil_median"]) / c),
                           predicted_median_mg_kg=10 ** target,
                           predicted_mean_mg_kg=float(r["crop_mean_mg_kg"]),
                           predicted_share_above=float(1.0 - ndtr((np.log10(lim) - target) / s)))
            elif all(pd.notna(r.get(k, np.nan)) for k in ("ph_low", "ph_high", "soil_low_mg_kg", "soil_high_mg_kg")):
                s = float(np.sqrt(se ** 2 + (b * sig_s) ** 2))
                med = lambda soil: np.log10(soil / np.sqrt(1.0 + soil_cv ** 2))  # noqa: E731 (median of a town)
                lo = icpt + b * med(r["soil_low_mg_kg"]) + c * r["ph_high"]
                hi = icpt + b * med(r["soil_high_mg_kg"]) + c * r["ph_low"]
                out.update(check="bracket", spread_log10=s,
                           predicted_share_above=float(1.0 - ndtr((np.log10(lim) - lo) / s)),
                           predicted_share_high=float(1.0 - ndtr((np.log10(lim) - hi) / s)))
            else:
                out.update(check="none", spread_log10=np.nan)
            rows.append(out)
    return pd.DataFrame(rows)
