"""Out-of-sample skill of transfer functions: bias, error, ranking, interval coverage and calibration.

A transfer function is judged on paired soil–crop data it was not fitted on. For each
pair i with observed crop concentration yᵢ, predicted median mᵢ, residual spread sᵢ
(log10 units) and a food limit L:

* bias = mean(log10 mᵢ − log10 yᵢ) [log10 units] (> 0: over-prediction);
* RMSE = √mean((log10 mᵢ − log10 yᵢ)²) [log10 units];
* Spearman ρ between mᵢ and yᵢ;
* coverage of the central 90 % interval: share of yᵢ within mᵢ·10^(±1.645 sᵢ);
* pᵢ = P(C > L) = 1 − Φ((log10 L − log10 mᵢ)/sᵢ), the predicted probability of exceeding
  the limit, and oᵢ = 1 if yᵢ > L: Brier score mean((pᵢ − oᵢ)²) against the base-rate
  score ō(1 − ō) of a constant forecast, and the AUC (probability that a random
  exceeding pair gets a higher pᵢ than a random compliant one; ties count ½);
* reliability: pairs binned by pᵢ, mean pᵢ against the observed frequency of
  exceedance in each bin.

Observations below the detection limit must be given as the limit value or removed by
the caller; zero or negative observations are left out of the log metrics.

References
----------
.. [1] Brier G.W. (1950) Mon. Weather Rev. 78(1):1–3 (Brier score).
.. [2] Hanley J.A. & McNeil B.J. (1982) Radiology 143:29–36 (AUC as the Mann–Whitney
   probability).
.. [3] Wilks D.S. (2011) Statistical Methods in the Atmospheric Sciences, 3rd ed., §8.4
   (reliability diagrams).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from agriremed.models.uptake import Z95, auc, brier, exceedance_probability, skill_metrics  # noqa: F401
from agriremed.core.tables import load_tables
from agriremed.stages.uptake.predict import (evaluate_function, food_safety, outside_range,
                                             predict_crop_concentration)
from agriremed.stages.uptake.synthesis import (geogenic_adjustments, lognormal_from_mean_share, maize_cd_synthesis,
                                               survey_sizes)

__all__ = ["maize_share_checks", "exceedance_probability", "auc", "brier", "reliability", "skill_metrics", "leafy_cd_skill",
           "survey_check", "ASSUMED_CLAY_PCT", "study_halves", "between_study_spread"]


def reliability(prob, outcome, edges=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0)) -> pd.DataFrame:
    """Reliability table: mean predicted probability and observed frequency per probability bin.

    Parameters
    ----------
    prob : array_like
        Predicted probabilities [–].
    outcome : array_like of bool
        Observed events.
    edges : sequence of float
        Bin edges [–]; the last bin includes its upper edge.

    Returns
    -------
    pandas.DataFrame
        ``bin_low``, ``bin_high``, ``n``, ``mean_prob``, ``observed_freq`` and
        ``difference`` (observed − predicted) per non-empty bin.
    """
    p = np.asarray(prob, float)
    o = np.asarray(outcome, float)
    edges = np.asarray(edges, float)
    b = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for k in range(len(edges) - 1):
        m = b == k
        if m.any():
            rows.append({"bin_low": edges[k], "bin_high": edges[k + 1], "n": int(m.sum()),
                         "mean_prob": float(p[m].mean()), "observed_freq": float(o[m].mean())})
    out = pd.DataFrame(rows, columns=["bin_low", "bin_high", "n", "mean_prob", "observed_freq"])
    out["difference"] = out["observed_freq"] - out["mean_prob"]
    return out


def study_halves(studies) -> tuple[list[str], list[str]]:
    """Split study labels into a calibration half and a check half, reproducibly.

    The distinct labels are sorted by the SHA-256 digest (hexadecimal) of their UTF-8 text;
    the labels at even positions (0, 2, 4, …) of that order form the calibration half, those
    at odd positions the check half. The split depends only on the label texts: no random
    seed, and a study's half does not change when pairs are added to or removed from the
    other studies. All pairs of one study fall in the same half.

    Parameters
    ----------
    studies : array_like of str
        Study label of each pair (repeats allowed).

    Returns
    -------
    tuple of list of str
        Calibration and check labels, each in digest order; disjoint, together all labels
        (the calibration half has one more label when their number is odd).

    Examples
    --------
    >>> study_halves(["b", "a", "b", "c"])
    (['c', 'a'], ['b'])
    """
    labels = sorted(set(map(str, studies)), key=lambda a: hashlib.sha256(a.encode("utf-8")).hexdigest())
    return labels[0::2], labels[1::2]


def between_study_spread(residual, study, se_log10: float) -> dict:
    """Between-study spread of log10 residuals: one-way random-effects analysis of variance.

    Residuals rᵢⱼ = log10 observed − log10 predicted of pair j in study i are modelled as
    rᵢⱼ = μ + aᵢ + eᵢⱼ with study effects aᵢ ~ (0, τ²) and within-study errors
    eᵢⱼ ~ (0, σ²). The method-of-moments (ANOVA) estimators for unbalanced groups [1]_ are,
    with k studies of nᵢ pairs, N = Σnᵢ, r̄ᵢ the study means and r̄ the mean of all pairs:

    * σ̂² = MSW = Σᵢⱼ(rᵢⱼ − r̄ᵢ)² / (N − k) (studies with one pair add nothing to it);
    * τ̂² = max(0, (MSB − MSW) / n₀), MSB = Σᵢ nᵢ(r̄ᵢ − r̄)² / (k − 1),
      n₀ = (N − Σnᵢ²/N) / (k − 1).

    A field in a new study scatters around the median by τ̂² + σ̂² (the mean residual μ is
    removed: only the spread is estimated, the median is not shifted). A function whose
    sourced spread is ``se_log10`` lacks the extra component
    s_study = √max(0, τ̂² + σ̂² − se_log10²), so that √(se_log10² + s_study²) is the total.

    Parameters
    ----------
    residual : array_like
        log10 observed − log10 predicted per pair [log10 units].
    study : array_like of str
        Study label per pair.
    se_log10 : float
        Sourced spread of the function [log10 units].

    Returns
    -------
    dict
        ``n_pairs``, ``n_studies``, ``mean`` (μ̂ = r̄), ``within_sd`` (σ̂), ``between_sd`` (τ̂),
        ``total_sd`` (√(τ̂² + σ̂²)) and ``extra_sd`` (s_study) [log10 units].

    References
    ----------
    .. [1] Searle S.R., Casella G. & McCulloch C.E. (1992) Variance Components. Wiley, §3.5
       (ANOVA estimation, unbalanced one-way classification).

    Examples
    --------
    >>> s = between_study_spread([0.0, 0.2, 1.0, 1.2], ["a", "a", "b", "b"], 0.1)
    >>> round(s["within_sd"], 4), round(s["between_sd"], 4), round(s["extra_sd"], 4)
    (0.1414, 0.7, 0.7071)
    """
    d = pd.DataFrame({"r": np.asarray(residual, float), "g": np.asarray(study, object)})
    grp = d.groupby("g", sort=False)["r"]
    n = grp.size().to_numpy(float)
    big_n, k = float(n.sum()), len(n)
    if k < 2 or big_n <= k:
        raise ValueError("between_study_spread needs at least two studies and one study with two pairs")
    msw = float(((d["r"] - grp.transform("mean")) ** 2).sum()) / (big_n - k)
    msb = float((n * (grp.mean().to_numpy(float) - d["r"].mean()) ** 2).sum()) / (k - 1)
    n0 = (big_n - float((n ** 2).sum()) / big_n) / (k - 1)
    tau2 = max(0.0, (msb - msw) / n0)
    total2 = tau2 + msw
    return {"n_pairs": int(big_n), "n_studies": k, "mean": float(d["r"].mean()), "within_sd": float(np.sqrt(msw)),
            "between_sd": float(np.sqrt(tau2)), "total_sd": float(np.sqrt(total2)),
            "extra_sd": float(np.sqrt(max(0.0, total2 - float(se_log10) ** 2)))}


#: Clay content assumed for paired data that publish none [%] (``agriremed_assumption``): a
#: typical arable topsoil; the validation reports the sensitivity to it.
ASSUMED_CLAY_PCT = 20.0


def leafy_cd_skill(pairs: pd.DataFrame, clay_pct: float = ASSUMED_CLAY_PCT, crop: str = "pak_choi",
                   standard: str = "GB2762", tables=None, land_use: str | None = None,
                   som_given: bool = True) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Skill of the default leafy-vegetable Cd function on paired soil–vegetable samples.

    Every pair is predicted by the function the plan would choose for ``crop`` (the
    leafy-vegetable default) from its soil Cd, pH, SOM and CEC; the prediction on the
    as-sold (fresh) basis is compared with the measured vegetable Cd, taken as fresh
    weight, and with the food limit of ``standard`` (:func:`skill_metrics`).

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``soil_cd_mg_kg`` [mg kg⁻¹], ``veg_cd_mg_kg`` [mg kg⁻¹ fresh weight], ``ph`` [–, water],
        ``som_g_kg`` [g kg⁻¹], ``cec_cmol_kg`` [cmol kg⁻¹]; optional ``clay_pct`` [%].
    clay_pct : float
        Clay content used where ``pairs`` has none [%]; NaN: not given, so the plan's typical value
        of ``covariate_defaults.csv`` is assumed (with its spread).
    crop : str
        Crop whose default function is checked.
    standard : str
        Food standard for the exceedance metrics.
    tables : Tables, optional
        Literature tables.
    land_use : str, optional
        Land use of the pairs' plots (``vegetable``), which picks the typical covariates.
    som_given : bool
        False: the pairs' SOM is left out, as on a county sheet, so the plan assumes its typical value.

    Returns
    -------
    tuple
        ``metrics`` (dict of :func:`skill_metrics` plus ``function_id``, ``limit_mg_kg``,
        ``n_pairs`` and ``n_predicted``), the reliability table (:func:`reliability`) and
        the per-pair frame (inputs, ``predicted_mg_kg``, ``se_log10``, ``p_exceed``).
    """
    tables = tables or load_tables()
    n = len(pairs)
    clay = pairs["clay_pct"].to_numpy(float) if "clay_pct" in pairs else np.full(n, float(clay_pct))
    som = pairs["som_g_kg"].to_numpy(float) / 10.0 if som_given else np.full(n, np.nan)
    plots = pd.DataFrame({"plot_id": [f"pair{i}" for i in range(n)], "crop": crop, "land_use": land_use,
                          "ph": pairs["ph"].to_numpy(float), "som_pct": som,
                          "clay_pct": clay, "cec_cmol_kg": pairs["cec_cmol_kg"].to_numpy(float),
                          "cd_mg_kg": pairs["soil_cd_mg_kg"].to_numpy(float)})
    pred = food_safety(predict_crop_concentration(plots, metals=["cd"], tables=tables, warn=False), standard, tables)
    pred = pred.set_index("plot_id").reindex(plots["plot_id"])
    out = pairs.reset_index(drop=True).assign(
        function_id=pred["function_id"].to_numpy(object), predicted_mg_kg=pred["crop_fw_p50_mg_kg"].to_numpy(float),
        se_log10=pred["se_log10"].to_numpy(float), p_exceed=pred["p_exceed_limit"].to_numpy(float))
    limit = float(np.nanmax(pred["food_limit_mg_kg"].to_numpy(float)))
    ok = np.isfinite(out["predicted_mg_kg"].to_numpy(float))
    m = skill_metrics(out.loc[ok, "veg_cd_mg_kg"], out.loc[ok, "predicted_mg_kg"], out.loc[ok, "se_log10"], limit)
    ids = pd.unique(out.loc[ok, "function_id"])
    m.update({"function_id": "|".join(map(str, ids)), "limit_mg_kg": limit, "n_pairs": n,
              "n_predicted": int(ok.sum())})
    rel = reliability(out.loc[ok, "p_exceed"], out.loc[ok, "veg_cd_mg_kg"] > limit)
    return m, rel, out


def survey_check(function_id: str, tables=None) -> pd.DataFrame:
    """Check one transfer function on the independent survey summaries of its crop and metal.

    Every survey of ``uptake_surveys.csv`` with the function's crop (``applies_to``) and
    metal and role ``check`` is predicted at its printed soil value and, where the
    function has a pH term, at its mean pH (:func:`agriremed.stages.uptake.evaluate_function`).
    A function that needs an input the survey does not print gets no prediction (NaN):
    nothing is assumed in its place. For survey i with printed crop value yᵢ, prediction
    mᵢ, the function's residual spread s and the limit Lᵢ the survey's share refers to:

    * bias = log10 mᵢ − log10 yᵢ [log10 units] (> 0: over-prediction);
    * predicted share above Lᵢ = P(C > Lᵢ) = 1 − Φ((log10 Lᵢ − log10 mᵢ)/s)
      (:func:`exceedance_probability`), against the printed share.

    A survey prints means of soil and crop, not a sample: the check tells whether the
    function is right on average for an independent region, not how well it ranks fields.
    Each survey is one row and no statistic here is weighted by its number of pairs, so a
    survey that prints no ``n`` is checked like any other (its ``n`` is ``<NA>``).

    Parameters
    ----------
    function_id : str
        A row of ``transfer_functions.csv``.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.DataFrame
        One row per check survey: ``survey_id``, ``n`` (pairs; nullable ``Int64``, ``<NA>`` where the
        survey prints no sample size), ``soil_mg_kg`` and ``observed_mg_kg``
        [mg kg⁻¹, as printed], ``ph`` [–, NaN when not printed], ``predicted_mg_kg``
        [mg kg⁻¹, NaN when an input is not printed], ``bias_log10``, ``se_log10`` [log10
        units], ``limit_mg_kg`` [mg kg⁻¹], ``observed_share_above`` and
        ``predicted_share_above`` [–], and ``survey_sigma_log10`` [log10 units], the spread of
        log10 crop concentration within the survey implied by its printed mean and share
        (:func:`agriremed.stages.uptake.synthesis.lognormal_from_mean_share`), to set against ``se_log10``;
        ``outside_valid_range`` (1 where the survey's inputs lie outside the function's published
        validity range, where a plan would not use the function; 0 inside; NaN when no range is
        published).

    Raises
    ------
    KeyError
        If ``function_id`` is not in ``transfer_functions.csv``.
    """
    tables = tables or load_tables()
    tf = tables.transfer_functions.set_index("function_id")
    if function_id not in tf.index:
        raise KeyError(f"transfer function {function_id!r} is not in transfer_functions.csv")
    fn = tf.loc[function_id]
    sv = tables.uptake_surveys
    sv = sv.loc[(sv["crop"] == fn["applies_to"]) & (sv["metal"] == fn["metal"]) & (sv["role"] == "check")]
    sv = sv.reset_index(drop=True)
    plots = pd.DataFrame({"plot_id": sv["survey_id"], "crop": sv["crop"], "ph": sv["ph_mean"].astype(float),
                          f"{fn['metal']}_mg_kg": sv["soil_mean_mg_kg"].astype(float)})
    pred = evaluate_function(fn, plots, invalid="nan") if len(plots) else np.zeros(0)
    obs = sv["crop_mean_mg_kg"].to_numpy(float)
    se = float(fn["se_log10"])
    lim = sv["frac_limit_mg_kg"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        bias = np.log10(pred) - np.log10(obs)
    return pd.DataFrame({"survey_id": sv["survey_id"], "n": survey_sizes(sv["n"]),
                         "soil_mg_kg": sv["soil_mean_mg_kg"].astype(float), "observed_mg_kg": obs,
                         "ph": plots["ph"], "predicted_mg_kg": pred, "bias_log10": bias, "se_log10": se,
                         "limit_mg_kg": lim, "observed_share_above": sv["frac_above"].astype(float),
                         "predicted_share_above": exceedance_probability(pred, se, lim),
                         "survey_sigma_log10": lognormal_from_mean_share(obs, sv["frac_above"].astype(float),
                                                                         lim)[1],
                         "outside_valid_range": outside_range(fn, plots) if len(plots) else np.zeros(0)})


def maize_share_checks(checks: pd.DataFrame, tables=None, points: int = 200) -> pd.DataFrame:
    """Predicted against published shares of maize kernels above the limit (survey-level checks).

    The default maize Cd synthesis (``synth_maize_cd_ph``, its pH term held at the cap of
    :func:`agriremed.stages.uptake.synthesis.maize_cd_synthesis` above it, which is
    ``synth_maize_cd_ph_alkaline``) is evaluated over each check's soil Cd and pH distribution:
    log10 soil ~ Normal(log10 ``soil_mg_kg``, ``soil_sigma_log10``), pH ~ Normal(``ph``, ``ph_sd``)
    (independent; an SD of 0 is a point), on a grid of ``points`` × ``points`` equal-probability
    quantiles. The predicted share is the mean of P(C > L) = 1 − Φ((log10 L − log10 m)/se) over the
    grid. Soils outside the function's validity range are evaluated as extrapolated (a plan would
    not assess them); the check rows say so. The column ``role`` says what each row is: ``check``
    rows were used for no coefficient; the statistics behind ``calibration`` rows set the intercept
    and those behind ``spread_only`` rows the within-survey spread of
    :func:`agriremed.stages.uptake.synthesis.maize_cd_synthesis` (from ``uptake_slopes.csv``), so
    those rows are in-sample.

    Kinds: ``share_above`` (a survey's share of kernels above the limit), ``share_above_bound``
    (a lower bound of the survey's predicted share: its soils lie above ``soil_mg_kg``) and
    ``hc5`` (the soil Cd at which a survey's species-sensitivity distribution puts 5 % of kernels
    above the limit: the prediction there should be 5 %).

    Parameters
    ----------
    checks : pandas.DataFrame
        ``data/validation/maize_cd_surveys.csv``: ``check_id``, ``kind``, ``role``, ``n``, ``observed``
        [–], ``limit_mg_kg``, ``soil_mg_kg`` [mg kg⁻¹], ``soil_sigma_log10`` [log10 units],
        ``ph``, ``ph_sd`` [–] and the basis of each (``soil_basis``, ``ph_basis``).
    tables : Tables, optional
        Literature tables.
    points : int
        Quantiles per distribution.

    Returns
    -------
    pandas.DataFrame
        ``checks`` with ``predicted`` [–] (share above the limit), ``predicted_median_mg_kg``
        (at the median soil and mean pH), ``ratio`` (predicted / observed share) and
        ``predicted_bcf`` [–], the share predicted by the pH-blind ratio it replaced
        (``chen2021_maize_cd_bcf``, its own spread), for comparison, and ``predicted_geogenic`` [–], the share
        the function predicts with its karst/geogenic adjustment (a plot given ``high_background`` yes:
        :func:`agriremed.stages.uptake.synthesis.geogenic_adjustments`, the shift and the widened spread).
    """
    from scipy.special import ndtr, ndtri

    tables = tables or load_tables()
    syn = maize_cd_synthesis(tables)
    tf = tables.transfer_functions.set_index("function_id")
    fn = tf.loc["synth_maize_cd_ph"].copy()
    fn["function_id"] = "synth_maize_cd_ph"
    se = float(fn["se_log10"])
    bcf = tf.loc["chen2021_maize_cd_bcf"].copy()
    bcf["function_id"] = "chen2021_maize_cd_bcf"
    se_bcf = float(bcf["se_log10"])
    geo = geogenic_adjustments(tables)["synth_maize_cd_ph"]
    se_geo = float(np.hypot(se, geo["se_add"]))
    z = ndtri((np.arange(points) + 0.5) / points)
    out = []
    for r in checks.itertuples(index=False):
        soil = 10 ** (np.log10(r.soil_mg_kg) + float(r.soil_sigma_log10) * z)
        ph = np.minimum(float(r.ph) + float(r.ph_sd) * z, syn["ph_cap"])
        grid_s, grid_p = np.meshgrid(soil, ph)
        plots = pd.DataFrame({"ph": grid_p.ravel(), "cd_mg_kg": grid_s.ravel()})
        m = evaluate_function(fn, plots, invalid="nan")
        share = float(np.mean(1.0 - ndtr((np.log10(r.limit_mg_kg) - np.log10(m)) / se)))
        m_bcf = evaluate_function(bcf, plots, invalid="nan")
        share_bcf = float(np.mean(1.0 - ndtr((np.log10(r.limit_mg_kg) - np.log10(m_bcf)) / se_bcf)))
        share_geo = float(np.mean(1.0 - ndtr((np.log10(r.limit_mg_kg) - np.log10(m) - geo["shift"]) / se_geo)))
        med = float(evaluate_function(fn, pd.DataFrame({"ph": [min(float(r.ph), syn["ph_cap"])],
                                                        "cd_mg_kg": [float(r.soil_mg_kg)]}),
                                    invalid="nan")[0])
        out.append({"predicted": share, "predicted_median_mg_kg": med, "predicted_bcf": share_bcf,
                    "predicted_geogenic": share_geo})
    res = checks.reset_index(drop=True).join(pd.DataFrame(out))
    res["ratio"] = res["predicted"] / res["observed"]
    return res
