"""Validation against published results: golden cases run through the model code.

Each case file in ``tests/validation/`` holds inputs, the published value, a tolerance
and the source key. :func:`run_cases` computes the model value with agriremed's own
functions and reports the agreement; ``python -m agriremed.validation`` writes the table
to ``docs/validation.md`` and the skill blocks of ``README.md`` (:func:`readme_blocks`). The test suite fails when any case disagrees beyond its
tolerance, and checks that every case would fail if its published value were wrong.

Case files (one evaluator each):

``sumatecs_cleanup.csv``
    zero-order clean-up years (SUMATECS 2008, Table 6);
``soil_thresholds.csv``
    GB 15618-2018 values at and around every pH band edge;
``food_limits.csv``
    GB 2762—2025, EU 2023/915 and Codex limits by crop;
``biochar_sink.csv``
    IPCC 2019 biochar sink worked factors;
``soc_change.csv``
    IPCC 2019 Tier 1 SOC change worked cases;
``field_removal.csv``
    Sedum plumbizincicola field Cd export by the planner's removal kernel;
``transfer_functions.csv``
    crop metal predicted by a library transfer function (or the soil metal at which it
    reaches a stated crop value) against the number its source publishes.

Each case file has a kind (:data:`CASE_KINDS`), reported apart: a ``model`` case computes a
number with agriremed's model code (a duration, a carbon flux, an export, a predicted crop
metal), and the tests check that each fails when that code (:data:`MODEL_KERNELS`) returns
NaN; a ``transcription`` case checks a value of the library's tables (a threshold, a food
limit) against the value the standard prints.

``coverage.csv`` is not a case file: it lists every usable transfer function and every
economic benchmark with its status — validated by cases, no published prediction found
(with what was searched), or inputs not published — so the page states what is *not*
validated as well as what is. :func:`coverage_problems` checks that it is complete and
consistent with the case files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from agriremed.core import columns as C
from agriremed.core.tables import load_tables, split_keys
from agriremed.stages import carbon, duration, uptake  # kernels called as module attributes (MODEL_KERNELS)
from agriremed.stages.soil import soil_mass_t_ha, threshold_values
from agriremed.stages.uptake import food_safety
from agriremed.stages.uptake.predict import limits_for_crops
from agriremed.stages.uptake.skill import (ASSUMED_CLAY_PCT, between_study_spread, leafy_cd_skill, maize_share_checks,
                                          study_halves, survey_check)
from agriremed.stages.uptake.synthesis import (geogenic_adjustments, geogenic_maize_shift, geogenic_rice_shift,
                                              geogenic_survey_checks, leafy_spread_components, maize_cd_synthesis,
                                              ratio_synthesis, survey_skill)

__all__ = ["run_cases", "validation_markdown", "uptake_skill_markdown", "vegetable_skill_markdown", "leafy_spread_split",
           "geogenic_checks_markdown",
           "excluded_crop_pairs", "leafy_relation_crops", "LEAFY_FUNCTION", "CVCCD_UNCODED_CROP",
           "COVERAGE_TARGET", "RELIABILITY_TARGET", "validation_targets", "targets_markdown", "default_function",
           "rice_as_skill_markdown",
           "CASE_FILES",
           "CASE_KINDS", "MODEL_KERNELS", "COVERAGE_FILE", "COVERAGE_STATUS",
           "coverage", "coverage_problems", "README_BLOCKS", "readme_blocks", "update_readme"]


def _zero_order(df: pd.DataFrame) -> pd.DataFrame:
    mass = soil_mass_t_ha(df["depth_m"], df["bulk_density_g_cm3"])
    per_row = df["shoot_mg_kg"].notna().to_numpy()
    biomass = np.where(per_row, df["biomass_t_ha"], 1.0)
    shoot = np.where(per_row, df["shoot_mg_kg"], df["removal_g_ha_yr"])
    model = duration.years_zero_order(df["c0_mg_kg"], df["ct_mg_kg"], mass, biomass, shoot)
    pub = df["published_years"].to_numpy(float)
    tol = np.maximum(df["tolerance_rel"].to_numpy(float) * pub, 0.5)
    return _frame(df, "clean-up years", model, pub, tol, "yr",
                  "5 % or the 0.5 yr rounding of the printed whole years")


def _thresholds(df: pd.DataFrame) -> pd.DataFrame:
    model = np.concatenate([threshold_values([r.ph], [r.land_use], r.metal, r.kind)
                            for r in df.itertuples(index=False)])
    return _frame(df, "threshold", model, df["published_mg_kg"], df["tolerance_abs"], "mg/kg", "exact")


def _food_limits(df: pd.DataFrame) -> pd.DataFrame:
    t = load_tables()
    model = []
    for r in df.itertuples(index=False):
        pred = pd.DataFrame({"plot_id": ["x"], "crop": [r.crop], "metal": [r.metal],
                             "crop_fw_p50_mg_kg": [1.0], "se_log10": [0.3], "note": [""]})
        model.append(food_safety(pred, r.standard, t)["food_limit_mg_kg"].iloc[0])
    return _frame(df, "food limit", np.array(model, float), df["published_mg_kg"], df["tolerance_abs"],
                  "mg/kg", "exact")


def _biochar(df: pd.DataFrame) -> pd.DataFrame:
    model = carbon.biochar_carbon_sink(df["mass_t"].to_numpy(float), df["feedstock"].to_numpy(object),
                                       df["temperature_class"].to_numpy(object))
    pub = df["published_t_co2"].to_numpy(float)
    return _frame(df, "biochar CO2 removal", model, pub, df["tolerance_rel"].to_numpy(float) * pub, "t CO2",
                  "rounding of the published factor")


def _soc(df: pd.DataFrame) -> pd.DataFrame:
    model = (carbon.soc_stock_change(df["socref_t_c_ha"], df["flu_old"], df["flu_new"], df["years"])
             / df["years"])
    return _frame(df, "SOC change", np.asarray(model, float), df["published_t_c_ha_yr"], df["tolerance_abs"],
                  "t C/ha/yr", "rounding of the worked example")


def _removal(df: pd.DataFrame) -> pd.DataFrame:
    """First-year metal export of the planner's removal kernel (`agriremed.stages.duration`, removal model
    `shoot_conc`: harvested dry matter × shoot concentration, no harvest loss, one season) for the
    published biomass and shoot Cd, against the published field export. The soil is taken to hold
    more than one harvest removes (no soil Cd is published), so the kernel's cap never binds."""
    n = len(df)
    nan = np.full(n, np.nan)
    p = {k: nan for k in ("bcf", "fr", "rr", "rcref", "sref", "cref", "b")}
    p.update(Y=df["biomass_t_ha"].to_numpy(float), h=np.zeros(n), s=np.ones(n),
             cs=df["shoot_mg_kg"].to_numpy(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        state = duration.removal_state(p, np.full(n, np.inf), np.ones(n),
                                       np.full(n, "shoot_conc", dtype=object))
    model = state["removal"]
    pub = df["published_g_ha"].to_numpy(float)
    return _frame(df, "Cd export", model, pub, df["tolerance_rel"].to_numpy(float) * pub, "g/ha",
                  "published export vs the removal kernel (biomass × shoot Cd)")


#: Columns of ``transfer_functions.csv`` that are not inputs of the transfer function.
_TF_META = ("case", "function_id", "kind", "target_mg_kg", "published_mg_kg", "tolerance_rel", "source",
            "note")
#: Case kinds of ``transfer_functions.csv``: what the published number is.
_TF_KINDS = {"crop": "crop metal", "soil_at_target": "soil metal at the stated crop value"}


def _transfer(df: pd.DataFrame) -> pd.DataFrame:
    """Crop metal predicted by a library transfer function against the value its source publishes.

    `kind = crop`: the crop concentration the source reports for the stated soil inputs
    (`agriremed.stages.uptake.evaluate_function`); `kind = soil_at_target`: the soil concentration at
    which the source says the function reaches `target_mg_kg`, e.g. a derived critical soil
    value (`agriremed.stages.uptake.solve_for_input`). Inputs are columns named as in the column
    registry (`ph`, `som_pct`, `clay_pct`, `cd_mg_kg`, `cd_cacl2_mg_kg` …); tolerance =
    `tolerance_rel` × published value.
    """
    fns = load_tables().transfer_functions.set_index("function_id")
    unknown = sorted(set(df["function_id"]) - set(fns.index))
    if unknown:
        raise ValueError(f"transfer_functions.csv: unknown function_id {unknown}")
    bad_kind = sorted(set(df["kind"]) - set(_TF_KINDS))
    if bad_kind:
        raise ValueError(f"transfer_functions.csv: unknown kind {bad_kind}; "
                         f"expected one of {sorted(_TF_KINDS)}")
    inputs = [c for c in df.columns if c not in _TF_META]
    not_inputs = [c for c in inputs if c not in C.COLUMNS or C.COLUMNS[c].role != "input"]
    if not_inputs:
        raise ValueError(f"transfer_functions.csv: {not_inputs} are not input columns of the registry")
    plots = df[inputs].astype(float).reset_index(drop=True)
    kind = df["kind"].to_numpy(object)
    target = df["target_mg_kg"].to_numpy(float) if "target_mg_kg" in df else np.full(len(df), np.nan)
    model = np.full(len(df), np.nan)
    for fid, idx in df.groupby("function_id", sort=False).indices.items():
        fn = fns.loc[fid]
        crop = idx[kind[idx] == "crop"]
        soil = idx[kind[idx] == "soil_at_target"]
        if len(crop):
            model[crop] = uptake.evaluate_function(fn, plots.iloc[crop].reset_index(drop=True), invalid="nan")
        if len(soil):
            model[soil] = uptake.solve_for_input(fn, plots.iloc[soil].reset_index(drop=True), target[soil],
                                                 "soil")
    pub = df["published_mg_kg"].to_numpy(float)
    quantity = np.array([_TF_KINDS[k] for k in kind], dtype=object)
    return _frame(df, quantity, model, pub, df["tolerance_rel"].to_numpy(float) * np.abs(pub), "mg/kg",
                  "relative tolerance × published value")


def _frame(df, quantity, model, published, tol, unit, tol_text) -> pd.DataFrame:
    model = np.asarray(model, float)
    pub = np.asarray(published, float)
    tol = np.asarray(tol, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(pub != 0, (model - pub) / np.abs(pub), np.nan)
    return pd.DataFrame({
        "case": df["case"].to_numpy(object), "quantity": quantity, "unit": unit,
        "published": pub, "model": model, "difference": model - pub, "relative_difference": rel,
        "tolerance": tol, "tolerance_rule": tol_text, "ok": np.abs(model - pub) <= tol + 1e-12,
        "source": df["source"].to_numpy(object),
        "note": df["note"].astype(object).fillna("").to_numpy(object) if "note" in df else "",
    })


#: Case file → evaluator.
CASE_FILES = {
    "sumatecs_cleanup.csv": _zero_order,
    "soil_thresholds.csv": _thresholds,
    "food_limits.csv": _food_limits,
    "biochar_sink.csv": _biochar,
    "soc_change.csv": _soc,
    "field_removal.csv": _removal,
    "transfer_functions.csv": _transfer,
}

#: Case file → kind: ``model`` cases compute a number with agriremed's model code (a duration,
#: a carbon flux, an export, a predicted crop metal) and compare it with a published result;
#: ``transcription`` cases check that a value read from the library's tables (a threshold, a food
#: limit) is the one the standard prints. Both are reported separately.
CASE_KINDS = {
    "sumatecs_cleanup.csv": "model",
    "soil_thresholds.csv": "transcription",
    "food_limits.csv": "transcription",
    "biochar_sink.csv": "model",
    "soc_change.csv": "model",
    "field_removal.csv": "model",
    "transfer_functions.csv": "model",
}

#: Model case file → the agriremed functions (module, name) its evaluator calls; the tests replace
#: each with one returning NaN and check that every case of the file then fails.
MODEL_KERNELS = {
    "sumatecs_cleanup.csv": [("agriremed.stages.duration", "years_zero_order")],
    "biochar_sink.csv": [("agriremed.stages.carbon", "biochar_carbon_sink")],
    "soc_change.csv": [("agriremed.stages.carbon", "soc_stock_change")],
    "field_removal.csv": [("agriremed.stages.duration", "removal_state")],
    "transfer_functions.csv": [("agriremed.stages.uptake", "evaluate_function"),
                               ("agriremed.stages.uptake", "solve_for_input")],
}

#: The coverage table: what is validated, and what is not and why.
COVERAGE_FILE = "coverage.csv"

#: Coverage statuses and how the validation page states them.
COVERAGE_STATUS = {
    "cases": "validated by the cases below",
    "no_published_prediction": "no published prediction found",
    "inputs_not_published": "inputs not published",
    "survey_skill": "checked out of sample on independent survey summaries",
    "paired_skill": "checked out of sample on independent paired samples",
}

#: Coverage kind → the case file whose ``function_id`` (transfer functions) holds its cases.
_COVERAGE_CASE_FILE = {"transfer_function": "transfer_functions.csv"}


def run_cases(folder: str | Path, perturb: float = 0.0) -> pd.DataFrame:
    """Run every golden case in ``folder``.

    Parameters
    ----------
    folder : str or Path
        Folder with the case files (``tests/validation``).
    perturb : float
        Relative change applied to every published value (0 for the real check; the
        tests use a perturbation to prove each case can fail).

    Returns
    -------
    pandas.DataFrame
        One row per case: ``file``, ``kind`` (``model`` or ``transcription``, see
        :data:`CASE_KINDS`), ``case``, ``quantity``, ``unit``, ``published``,
        ``model``, ``difference``, ``relative_difference``, ``tolerance``, ``ok``,
        ``source``, ``note``.
    """
    folder = Path(folder)
    parts = []
    for name, fn in CASE_FILES.items():
        df = pd.read_csv(folder / name)
        if perturb:
            for c in [c for c in df.columns if c.startswith("published")]:
                v = df[c].astype(float)
                # a zero published value is moved by an absolute amount
                df[c] = np.where(v != 0, v * (1 + perturb), perturb)
        out = fn(df)
        out.insert(0, "kind", CASE_KINDS[name])
        out.insert(0, "file", name)
        parts.append(out)
    return pd.concat(parts, ignore_index=True)


def coverage(folder: str | Path, results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The coverage table with the number of cases of each item and how many agree.

    Parameters
    ----------
    folder : str or Path
        Folder with the case files and ``coverage.csv``.
    results : pandas.DataFrame, optional
        Output of :func:`run_cases` (computed when omitted).

    Returns
    -------
    pandas.DataFrame
        ``coverage.csv`` (``kind``, ``item``, ``status``, ``searched``, ``source``,
        ``note``) with ``n_cases`` and ``n_ok``.
    """
    folder = Path(folder)
    cov = pd.read_csv(folder / COVERAGE_FILE, dtype=str).fillna("")
    results = run_cases(folder) if results is None else results
    n_cases = np.zeros(len(cov), int)
    n_ok = np.zeros(len(cov), int)
    for kind, fname in _COVERAGE_CASE_FILE.items():
        cases = pd.read_csv(folder / fname, dtype={"case": str, "function_id": str})
        res = results[results["file"] == fname].set_index("case")["ok"]
        ok = cases["case"].map(res).eq(True)
        total = cases.groupby("function_id").size()
        agree = ok.groupby(cases["function_id"]).sum()
        rows = cov["kind"].eq(kind).to_numpy()
        n_cases[rows] = cov.loc[rows, "item"].map(total).fillna(0).astype(int)
        n_ok[rows] = cov.loc[rows, "item"].map(agree).fillna(0).astype(int)
    return cov.assign(n_cases=n_cases, n_ok=n_ok)


def coverage_problems(folder: str | Path, tables=None) -> list[str]:
    """Check that ``coverage.csv`` is complete and agrees with the case files.

    Every usable transfer function must be listed; a listed function must exist; an item
    with status ``cases`` must have cases and an item with another status must have none;
    a status other than ``cases`` must say what was searched (``searched``); every source
    key must exist in ``sources.csv``.

    Returns
    -------
    list of str
        One message per problem (empty when the table is consistent).
    """
    t = load_tables() if tables is None else tables
    cov = coverage(folder)
    problems = []
    bad_status = sorted(set(cov["status"]) - set(COVERAGE_STATUS))
    if bad_status:
        problems.append(f"unknown status {bad_status}; expected one of {sorted(COVERAGE_STATUS)}")
    tf = t.transfer_functions
    usable = set(tf.loc[tf["usable"], "function_id"])
    listed = set(cov.loc[cov["kind"] == "transfer_function", "item"])
    problems += [f"usable transfer function {f!r} is not in {COVERAGE_FILE}" for f in sorted(usable - listed)]
    problems += [f"{COVERAGE_FILE} lists {f!r}, which is not a usable transfer function"
                 for f in sorted(listed - usable)]
    known = set(t.sources["key"])
    for r in cov.itertuples(index=False):
        if r.status == "cases" and r.n_cases == 0:
            problems.append(f"{r.item}: status 'cases' but no case in the case files")
        if r.status != "cases" and r.n_cases > 0:
            problems.append(f"{r.item}: has {r.n_cases} case(s) but status {r.status!r}")
        if r.status != "cases" and not r.searched.strip():
            problems.append(f"{r.item}: status {r.status!r} must say what was searched")
        keys = split_keys(r.source)
        if not keys:
            problems.append(f"{r.item}: no source")
        problems += [f"{r.item}: unknown source key {k!r}" for k in keys if k not in known]
    return problems


def _coverage_markdown(cov: pd.DataFrame) -> list[str]:
    lines = ["## What is and is not validated", "",
             f"Generated from `tests/validation/{COVERAGE_FILE}`: every usable transfer function of the "
             "library and every economic benchmark of the reference notes, with its status. An item "
             "without a published prediction (a number the source itself reports for stated inputs) or "
             "without published inputs has no case: nothing is made up to fill the table.", "",
             "| item | kind | status | cases agreeing | source | searched / note |",
             "|---|---|---|---|---|---|"]
    for r in cov.itertuples(index=False):
        status = COVERAGE_STATUS.get(r.status, r.status)
        if r.status != "cases":
            status = f"**{status}**"
        cases = f"{r.n_ok} of {r.n_cases}" if r.n_cases else "–"
        text = " — ".join(x for x in (f"searched: {r.searched}" if r.searched else "", r.note) if x)
        kind = r.kind.replace("_", " ")
        lines.append(f"| `{r.item}` | {kind} | {status} | {cases} | `{r.source}` | {text} |")
    return lines + [""]


def uptake_skill_markdown(tables=None) -> list[str]:
    """The out-of-sample section of the validation page: each default transfer function on data it was
    not fitted on (:func:`agriremed.stages.uptake.synthesis.survey_skill`)."""
    sk = survey_skill(tables)
    cal = sk.loc[sk["role"] == "calibration"]
    lines = ["## Out-of-sample skill of the default rice Cd function", "",
             "`synth_rice_cd_ph` is a documented synthesis (docs/soil_and_uptake.md): its pH and soil slopes come "
             "from published functions and meta-analyses, its intercept and spread from independent survey "
             "summaries (`uptake_surveys.csv`). Each survey below is predicted by the function recalibrated "
             "*without* it (leave one out); the japonica Nanxun survey is never used for calibration. No "
             "per-sample soil–rice data set other than the reserved blind check could be reached, so skill is "
             "shown at the level of survey medians and shares above the GB 2762 limit (0.2 mg/kg).", "",
             "The predicted share is that of the survey's fields, not of one field at the survey's median: "
             "it integrates the survey's own spread of soil Cd (σ_soil, log10) and of pH (σ_pH) as well as "
             "the function's se, P = 1 − Φ((log10 0.2 − predicted median) / s) with "
             "s = √(se² + b²σ_soil² + c²σ_pH²) (b, c: the soil and pH slopes; "
             "`agriremed.stages.uptake.synthesis.survey_skill`). s is the column \"spread of the share\" "
             "(for a survey whose predicted median is below the limit, a wider s gives a larger share).", "",
             "| survey | role | n | observed median | predicted median | bias (log10) | se (log10) | "
             "spread of the share s (log10) | observed share > 0.2 | predicted share > 0.2 |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in sk.itertuples(index=False):
        obs = f"{r.observed_share_above:.2f}" + ("" if r.share_published else " (from mean ± SD)")
        lines.append(f"| {r.survey_id} | {r.role} | {_n_text(r.n)} | {r.observed_median_mg_kg:.3f} | "
                     f"{r.predicted_median_mg_kg:.3f} | {r.bias_log10:+.2f} | {r.se_log10:.2f} | "
                     f"{r.share_spread_log10:.2f} | {obs} | {r.predicted_share_above:.2f} |")
    rmse = float(np.sqrt(np.mean(cal["bias_log10"] ** 2)))
    lines += ["", f"Left-one-out over the calibration surveys: mean bias {cal['bias_log10'].mean():+.2f}, RMSE "
              f"{rmse:.2f} log10 units; the largest share error is "
              f"{(cal['predicted_share_above'] - cal['observed_share_above']).abs().max():.2f}, above the ±0.15 "
              "reliability target (reported, not tuned). Between-survey "
              "differences (region, variety) are as large as the pH effect, which is why the residual spread "
              "of the function includes the between-survey SD and why local calibration (`agriremed "
              "fit-uptake`) is recommended: a county with its own paired samples should fit its own function.",
              ""]
    for r in sk.loc[sk["rice_type_factor"] != 1.0].itertuples(index=False):
        lines += [f"With the plot column `rice_type` = japonica (factor {r.rice_type_factor:.3f}, "
                  "`uptake_slopes.csv` rows of term `rice_type:japonica`: varieties grown side by side and "
                  "safe soil Cd per rice type, not fitted on any survey), the bias of the japonica "
                  f"{r.survey_id} survey falls from {r.bias_log10:+.2f} to {r.bias_rice_type_log10:+.2f} log10 "
                  "units: the factor explains part of the over-prediction, not all of it.", ""]
    return lines


def _pct(x: float, printed: bool = False) -> str:
    """A share as a percentage with one decimal, or as printed (4 significant digits; ``–`` for NaN)."""
    return "–" if not np.isfinite(x) else (f"{100 * x:.4g} %" if printed else f"{100 * x:.1f} %")


def _num(x: float, fmt: str = ".3f") -> str:
    return "–" if not np.isfinite(x) else format(x, fmt)


def _rice_ph_max(tables) -> float:
    """Upper end of the pH validity range of the rice Cd default."""
    tf = tables.transfer_functions.set_index("function_id")
    return uptake.parse_ranges(tf.loc[default_function("rice", "cd", tables), "valid_ranges"])["ph"][1]


def geogenic_checks_markdown(tables=None) -> list[str]:
    """The rice section of the validation page on the survey summaries that carry ``high_background``: the
    default and, on karst/geogenic surveys, its karst/geogenic adjustment
    (:func:`agriremed.stages.uptake.synthesis.geogenic_survey_checks`, :func:`~agriremed.stages.uptake.synthesis.
    geogenic_rice_shift`)."""
    tables = tables or load_tables()
    g = geogenic_rice_shift(tables)
    gm = geogenic_maize_shift(tables)
    adj = geogenic_adjustments(tables)
    ck = geogenic_survey_checks(tables)
    if ck.empty:
        return []
    sv = tables.uptake_surveys.set_index("survey_id")
    cal = g["calibration"]
    cal_ids = ", ".join(f"`{x}`" for x in g["surveys"])
    per = "; ".join(
        f"`{r.survey_id}` (soil Cd median {r.soil_median_mg_kg:.4f} mg/kg "
        + ("from the printed mean" if r.soil_basis == "mean" else "from the share of soils above the screening value")
        + f", pH {r.ph:g}, " + (f"σ_pH {r.ph_sd:.4f}" if r.ph_sd > 0 else "no pH spread printed") + ", "
        + (f"n {int(r.n)}" if np.isfinite(r.n) else "n not printed")
        + f"): M = {r.default_median_mg_kg:.4f} mg/kg, s = {r.spread_log10:.4f}, default share "
        f"{_pct(r.default_share)} against {_pct(r.observed_share, True)}, implied shift {_minus(r.shift_share, 4)}"
        + (f" (by its mean instead: {_minus(r.shift_mean, 4)}, not used)" if np.isfinite(r.shift_mean) else "")
        + (f" (binomial sampling error {r.sampling_se_log10:.3f})" if np.isfinite(r.sampling_se_log10) else "")
        for r in cal.itertuples(index=False))
    floor = ("not below its floor, the between-survey SD of the default's calibration intercepts"
             if g["shifts_sd"] >= g["tau_default"] else
             "raised to its floor, the between-survey SD of the default's calibration intercepts")
    lines = ["## Rice Cd on karst (geogenic) and other survey summaries", "",
             "These surveys of `uptake_surveys.csv` (role `check`, column `high_background`: yes where the soil Cd "
             "is mainly of natural, geological origin, as on karst) print means, shares above a limit or ranges "
             "only, not n, mean pH and SDs together, so they are not in the leave-one-out table above. None was "
             "used to calibrate or tune the default. On plots given `high_background` yes the plan applies a "
             "karst/geogenic adjustment (`uptake_slopes.csv`, kind `geogenic_adjustment`) calibrated on every karst "
             f"rice survey read that prints a mean pH with soil Cd and a share of grain above the limit: {cal_ids} "
             f"({g['k']} surveys; their rows of the adjusted function are in sample). The karst surveys without pH "
             "remain its checks, by the pH they imply.", "",
             "How the surveys are compared: none of the karst surveys' printed grain means admits a log-normal "
             "median with its printed share above 0.2 mg/kg (their upper tails are heavier than log-normal), so "
             "the prediction is converted instead, with the spread logic of the leave-one-out table: the function "
             "predicts the median M at the survey's median soil Cd (log-normal from the printed mean and the soil "
             "CV assumed for surveys without SD, 0.45) and mean pH, and over the survey's fields a log-normal with "
             "s = √(se² + b²σ_soil² + c²σ_pH²) (σ_pH = the printed pH range / 4 where no SD is printed, 0 where "
             "neither is), so the predicted mean is M·10^((ln 10/2)·s²) and the predicted share above 0.2 "
             "1 − Φ((log10 0.2 − log10 M)/s). A survey without pH (`implied_ph`) is checked by the mean pH at which "
             "the predicted mean equals the printed mean (pH spread not counted) and the share predicted there, and "
             "by the mean pH at which the predicted share equals the printed share (column 'pH implied by the "
             "share'; where the soils' true pH lies below it the function under-predicts the share); a "
             "survey with a pH and the share of soils above the screening value but no means (`soil_share`) by "
             "the median soil Cd that puts that share of log-normal soils (CV 0.45) above the GB 15618 paddy "
             "screening value at that pH; a survey with ranges of town averages (`bracket`) by the shares "
             "predicted at its two corners (lowest soil Cd at the highest pH, highest soil Cd at the lowest pH).",
             "",
             "The rice shift (`agriremed.stages.uptake.synthesis.geogenic_rice_calibration` and "
             "`geogenic_rice_shift`; the rows of `uptake_slopes.csv` are written by "
             "`scripts/make_geogenic_rice_shift.py`): each calibration survey implies the shift at which the shifted "
             "default predicts its printed share above 0.2 mg/kg, log10 0.2 − z₁₋q·s − log10 M (the share, not the "
             "mean: the plan's compliance is a share above the limit, and it is what every such survey prints): "
             f"{per}. The shift is their simple mean, {_minus(g['shift'], 4)} (factor {10 ** g['shift']:.3f}; karst "
             f"intercept {_minus(g['intercept'], 4)}, default {_minus(g['default_intercept'], 4)}; the Hunan function "
             f"takes the same karst intercept, shift {_minus(adj['synth_rice_cd_ph_hunan']['shift'], 4)}); not "
             "inverse-variance: not every survey prints n, and the sampling errors lie far below the scatter between "
             "the surveys. Its spread is widened by the SD of the implied shifts "
             f"({g['shifts_sd']:.4f}; {floor}, {g['tau_default']:.4f}) times √(1 + 1/{g['k']}) for the error of a "
             f"{g['k']}-survey mean: √({g['se']:.3f}² + {g['se_add']:.4f}²) = {g['se_adjusted']:.3f} log10. "
             "UNCONFIRMED: the n and the rice form (大米: milled or brown) of `song2023_guizhou_rice` and the limits "
             "of the shares (0.2 mg/kg assumed). Maize: the NW Guizhou karst intercept that "
             f"the maize synthesis computes and the default leaves out ({_minus(gm['intercept'], 4)}), shift "
             f"{_minus(gm['shift'], 4)} (factor {10 ** gm['shift']:.3f}), spread √({gm['se']:.3f}² + "
             f"{gm['se_add']:.4f}²) = {gm['se_adjusted']:.3f} (maize section below).", "",
             "| survey | high background | n | check | function | soil Cd median used | pH (implied by the mean) | "
             "pH implied by the share | observed mean | predicted median | predicted mean | observed share > 0.2 | "
             "predicted share > 0.2 |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in ck.itertuples(index=False):
        n = _n_text(r.n)
        ph = f"{r.ph:g}" if np.isfinite(r.ph) else (f"({r.implied_ph:.2f})" if np.isfinite(r.implied_ph) else "–")
        if r.check == "bracket":
            x = sv.loc[r.survey_id]
            ph = f"{x['ph_low']:g}–{x['ph_high']:g} (town averages)"
            soil = f"{x['soil_low_mg_kg']:g}–{x['soil_high_mg_kg']:g} (town averages)"
            share = f"{_pct(r.predicted_share_above)}–{_pct(r.predicted_share_high)}"
        else:
            soil = _num(r.soil_median_mg_kg, ".4f")
            share = _pct(r.predicted_share_above)
        name = ("default" if r.variant == "default" else "karst/geogenic adjustment" if r.variant == "adjusted"
                else f"`{r.variant.split(':', 1)[1]}` (the provincial function a plan there uses)") + (
            " (in sample)" if r.in_sample else "")
        ph_q = f"({r.implied_ph_share:.2f})" if np.isfinite(r.implied_ph_share) else "–"
        lines.append(f"| {r.survey_id} | {r.high_background} | {n} | {r.check} | {name} | {soil} | {ph} | {ph_q} | "
                     f"{_num(r.observed_mean_mg_kg)} | {_num(r.predicted_median_mg_kg, '.4f')} | "
                     f"{_num(r.predicted_mean_mg_kg, '.4f')} | {_pct(r.observed_share_above, True)} | {share} |")
    by = {(r.survey_id, r.variant): r for r in ck.itertuples(index=False)}
    read = []
    for sid in pd.unique(ck["survey_id"]):
        d, a = by[(sid, "default")], by.get((sid, "adjusted"))
        reg = next((v for (i, k), v in by.items() if i == sid and k.startswith("regional:")), None)
        rname = f"the provincial function `{reg.variant.split(':', 1)[1]}`" if reg is not None else ""
        if d.check == "means" and a is not None:
            read.append(f"`{sid}` (calibration of the shift): the default predicts a mean {d.predicted_mean_mg_kg:.3f} "
                        f"and {_pct(d.predicted_share_above)} above the limit against {d.observed_mean_mg_kg:g} and "
                        f"{_pct(d.observed_share_above, True)}; the adjusted function, with its widened spread, "
                        f"{a.predicted_mean_mg_kg:.3f} and {_pct(a.predicted_share_above)} (in sample)")
        elif d.check == "implied_ph":
            txt = (f"`{sid}` (no pH printed): the default matches the printed mean {d.observed_mean_mg_kg:g} only at "
                   f"a mean pH of {d.implied_ph:.2f}")
            if a is not None:
                txt += f", the adjusted function at pH {a.implied_ph:.2f}"
            if reg is not None:
                txt += f", {rname} at pH {reg.implied_ph:.2f}"
            txt += (f"; at that pH the predicted share above the limit is {_pct(d.predicted_share_above)}"
                    + (f" (adjusted {_pct(a.predicted_share_above)})" if a is not None else "")
                    + (f" ({rname} {_pct(reg.predicted_share_above)})" if reg is not None else "")
                    + f" against the printed {_pct(d.observed_share_above, True)}")
            if a is not None and np.isfinite(a.implied_ph_share):
                txt += (f"; the printed share is predicted at pH {a.implied_ph_share:.2f} by the adjusted function "
                        f"(default {d.implied_ph_share:.2f})")
            read.append(txt)
        elif d.check == "soil_share":
            cal_txt = "; calibration of the shift" if a is not None and a.in_sample else ""
            read.append(f"`{sid}` (pH and shares only{cal_txt}): the default predicts {_pct(d.predicted_share_above)} of rice "
                        f"above the limit" + (f", the adjusted function {_pct(a.predicted_share_above)}"
                                              + (" (in sample)" if a.in_sample else "") if a is not None else "")
                        + f", against the printed {_pct(d.observed_share_above, True)}")
        elif d.check == "bracket":
            read.append(f"`{sid}` (ranges of town averages): the default predicts {_pct(d.predicted_share_above)} to "
                        f"{_pct(d.predicted_share_high)} above the limit at the corners"
                        + (f", {rname} {_pct(reg.predicted_share_above)} to {_pct(reg.predicted_share_high)}"
                           if reg is not None else "")
                        + f", against the printed {_pct(d.observed_share_above, True)}")
    karst_ph = sv.loc[sv["high_background"].astype(str).eq("yes") & sv["ph_mean"].notna()
                      & (sv["crop"] == "rice"), "ph_mean"]
    under = [sid for sid in pd.unique(ck["survey_id"]) if (sid, "adjusted") in by
             and by[(sid, "adjusted")].check in ("means", "soil_share")
             and by[(sid, "adjusted")].predicted_share_above < by[(sid, "adjusted")].observed_share_above]
    no_ph = [(sid, by[(sid, "adjusted")].implied_ph_share) for sid in pd.unique(ck["survey_id"])
             if (sid, "adjusted") in by and by[(sid, "adjusted")].check == "implied_ph"
             and np.isfinite(by[(sid, "adjusted")].implied_ph_share)]
    low = [x for x in no_ph if x[1] < karst_ph.max()] if len(karst_ph) else []
    no_ph_txt = ""
    if no_ph:
        no_ph_txt = (
            "; on the karst surveys without pH the adjusted function predicts the printed shares at pH "
            + " and ".join(f"{x[1]:.2f}" for x in no_ph)
            + (f", above the pH of the karst surveys that print one (at most {karst_ph.max():g}): on soils of that pH "
               "it predicts more grains above the limit than they found (conservative there)" if not low else
               f"; {', '.join(f'`{x[0]}`' for x in low)} below the pH of the karst surveys that print one (at most "
               f"{karst_ph.max():g}): on soils of that pH it predicts fewer grains above the limit than were found "
               "(not conservative)"))
    lines += ["", "Reading: " + "; ".join(read) + ". Which checks are possible is set by what each survey prints "
              "(column `check`); an implied pH is a check only against what is known of the survey's soils (the "
              f"karst surveys that print a pH give {' and '.join(f'{x:g}' for x in karst_ph)}; the rice functions are "
              f"valid up to pH {_rice_ph_max(tables):g}). The karst shift divides predicted rice "
              f"Cd by {10 ** -g['shift']:.1f}"
              + (f"; on {', '.join(f'`{x}`' for x in under)} the adjusted function predicts fewer grains above the "
                 "limit than were found (in sample: the shift is the mean of the calibration surveys', and this "
                 "survey's own implies less reduction)" if under else "")
              + no_ph_txt
              + ". The evidence is thin (no karst survey with pH is left to test the shift out of sample)"
              + ": a county should check the adjusted prediction with its grain monitoring (the plan's sentence "
              "says so). Nothing here changes the default.", ""]
    return lines


#: Paired soil–leafy-vegetable samples used for the out-of-sample check of the leafy default.
CVCCD_FILE = Path("data") / "validation" / "cvccd_leafy_cd.csv"

#: The default leafy-vegetable Cd function whose between-study spread the CVCCD pairs calibrate.
LEAFY_FUNCTION = "devries2007_lettuce_cd_leafy"

#: Crop code of a CVCCD pair whose vegetable the file's crop mapping leaves blank: the file holds the
#: database's "Leaf Vegetables" category only, so such a vegetable is a leafy vegetable of type not given
#: (``crops.csv`` row ``leafy_vegetable``), which a plan predicts with the leafy default.
CVCCD_UNCODED_CROP = "leafy_vegetable"


def leafy_relation_crops(tables=None, function_id: str = LEAFY_FUNCTION) -> set[str]:
    """The crops of ``crops.csv`` whose default Cd function (:func:`default_function`) is the relation of
    ``function_id``: the same fitted crop, form, soil measure and terms (the median), whatever its spread.

    For the leafy default these are the crops it applies to and lettuce, whose own function is the same
    lettuce relation and adds the same between-study spread (``cvccd2025_leafy_study_sd``) to its spread.

    >>> sorted(leafy_relation_crops())
    ['amaranth', 'chinese_cabbage', 'leafy_vegetable', 'lettuce', 'pak_choi', 'spinach', 'water_spinach']
    """
    tables = tables or load_tables()
    tf = tables.transfer_functions.set_index("function_id")
    key = ["fitted_crop", "form", "soil_measure", "terms"]
    ref = tuple(tf.loc[function_id, key])
    return {c for c in tables.crops["crop"].astype(str)
            if (fid := default_function(c, "cd", tables)) and tuple(tf.loc[fid, key]) == ref}


def excluded_crop_pairs(pairs: pd.DataFrame, tables=None) -> pd.DataFrame:
    """The CVCCD pairs of a crop the plan does not predict with the leafy relation (:func:`leafy_relation_crops`).

    The crop of a pair is its ``crop`` code (blank: :data:`CVCCD_UNCODED_CROP`). In the file these are the
    head-cabbage pairs (``cabbage``, 结球甘蓝: CVCCD "Cabbage" and "Green Cabbage", listed there apart from
    "Chinese Cabbage" 大白菜), a brassica vegetable with its own GB 2762 Cd limit and no Cd transfer function.
    They are left out of the calibration of the between-study spread and of its check
    (:func:`leafy_spread_split`).

    Returns
    -------
    pandas.DataFrame
        The rows of ``pairs`` left out, with ``food_limit_mg_kg`` (the crop's GB 2762 Cd limit) and
        ``plan_function`` (the crop's default Cd function, ``''`` when it has none).
    """
    tables = tables or load_tables()
    crop = (pairs["crop"] if "crop" in pairs else pd.Series("", index=pairs.index)).fillna("").astype(str)
    crop = crop.where(crop != "", CVCCD_UNCODED_CROP)
    out = pairs.loc[~crop.isin(leafy_relation_crops(tables))].copy()
    out["crop"] = crop.loc[out.index]
    out["food_limit_mg_kg"] = (limits_for_crops(out["crop"], ["cd"] * len(out), "GB2762", tables)[0]
                               if len(out) else np.array([], float))
    out["plan_function"] = [default_function(c, "cd", tables) for c in out["crop"]]
    return out


def leafy_spread_split(pairs: pd.DataFrame, tables=None) -> dict:
    """The between-study spread of the leafy-vegetable Cd default, recomputed from the CVCCD pairs.

    The source articles (``article``) of all pairs are split by
    :func:`agriremed.stages.uptake.skill.study_halves`; the pairs of crops the plan does not predict with
    the leafy relation (:func:`excluded_crop_pairs`) are then left out (the halves do not depend on them).
    The residuals of the calibration half (log10 observed − log10 predicted by the leafy default,
    :func:`leafy_cd_skill`) give the between-study spread
    (:func:`agriremed.stages.uptake.skill.between_study_spread`) beyond the function's sourced spread,
    √(se_log10² − sd_study²) with sd_study the ``uptake_slopes.csv`` row it is compared with.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``data/validation/cvccd_leafy_cd.csv``.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    dict
        ``calibration`` and ``check`` (article labels), ``is_calibration`` (bool per pair), ``kept``
        (bool per pair: a crop the leafy relation predicts), ``excluded`` (:func:`excluded_crop_pairs`),
        ``sourced_se`` [log10 units], ``table_sd_study`` [log10 units], ``spread`` (the
        :func:`between_study_spread` dict of the kept calibration pairs) and ``spread_all_crops`` (the same
        with the excluded pairs in, as the spread was calibrated before they were left out).
    """
    tables = tables or load_tables()
    _, _, out = leafy_cd_skill(pairs, tables=tables)
    cal, chk = study_halves(pairs["article"])
    is_cal = pairs["article"].isin(cal).to_numpy()
    excluded = excluded_crop_pairs(pairs, tables)
    kept = ~pairs.index.isin(excluded.index)
    sd_study = leafy_spread_components(tables.uptake_slopes)["study"]
    se = float(out["se_log10"].iloc[0])
    sourced = float(np.sqrt(se ** 2 - sd_study ** 2))
    resid = np.log10(out["veg_cd_mg_kg"].to_numpy(float)) - np.log10(out["predicted_mg_kg"].to_numpy(float))
    art = pairs["article"].to_numpy(object)
    spread = between_study_spread(resid[is_cal & kept], art[is_cal & kept], sourced)
    return {"calibration": cal, "check": chk, "is_calibration": is_cal, "kept": kept, "excluded": excluded,
            "sourced_se": sourced, "table_sd_study": sd_study, "spread": spread,
            "spread_all_crops": between_study_spread(resid[is_cal], art[is_cal], sourced)}


#: Targets of the out-of-sample check of an exceedance probability: the share of pairs inside the
#: central 90 % interval [–] and the largest observed − predicted frequency in a probability bin [–]
#: (``agriremed_assumption``: a 90 % interval that covers 80–98 % of independent pairs, and bins
#: within ±0.15, are taken as honest for a few hundred pairs from a few dozen studies).
COVERAGE_TARGET = (0.80, 0.98)
RELIABILITY_TARGET = 0.15


def _with_leafy_se(tables, se: float):
    """``tables`` with the spread of :data:`LEAFY_FUNCTION` set to ``se`` [log10 units]."""
    tf = tables.transfer_functions
    return tables.replace(transfer_functions=tf.assign(se_log10=tf["se_log10"].where(tf["function_id"] != LEAFY_FUNCTION,
                                                                                    se)))


def _vegetable_results(pairs: pd.DataFrame, tables) -> dict:
    """The numbers of the leafy-vegetable check (:func:`vegetable_skill_markdown`, :func:`readme_blocks`):
    the split, the skill per half with the full and the sourced spread, per crop and per clay content, on the
    pairs of crops the leafy relation predicts; and, for comparison, the check half with the excluded pairs in
    and the spread calibrated with them (``check_all_crops``)."""
    split = leafy_spread_split(pairs, tables)
    kept, is_cal = split["kept"], split["is_calibration"]
    use, cal_pairs, chk_pairs = pairs.loc[kept], pairs.loc[kept & is_cal], pairs.loc[kept & ~is_cal]
    tf = tables.transfer_functions.set_index("function_id")
    fid = LEAFY_FUNCTION
    se = float(tf.loc[fid, "se_log10"])
    own_se = float(tf.loc["devries2007_lettuce_cd", "se_log10"])
    sourced = split["sourced_se"]
    # the same predictions with the sourced spread only (no between-study component): the spread before
    narrow = _with_leafy_se(tables, sourced)
    runs = {}
    for key, sub in (("check", chk_pairs), ("calibration", cal_pairs), ("all", use)):
        runs[key] = leafy_cd_skill(sub, tables=tables)[:2]
        runs[key + "_sourced"] = leafy_cd_skill(sub, tables=narrow)[:2]
    # before the excluded pairs were left out: the spread calibrated with them (rounded to 3 digits, as a table
    # value) and the whole check half scored with it
    old_sd = round(split["spread_all_crops"]["extra_sd"], 3)
    old_se = float(np.hypot(sourced, old_sd))
    runs["check_all_crops"] = leafy_cd_skill(pairs.loc[~is_cal], tables=_with_leafy_se(tables, old_se))[:2]
    return {"pairs": use, "file_pairs": pairs, "split": split, "cal_pairs": cal_pairs, "chk_pairs": chk_pairs,
            "fid": fid, "se": se, "own_se": own_se, "runs": runs, "old_sd_study": old_sd, "old_se": old_se,
            "m_pak": leafy_cd_skill(pairs.loc[pairs["crop"] == "pak_choi"], tables=tables)[0],
            "m_let": leafy_cd_skill(pairs.loc[pairs["crop"] == "lettuce"], crop="lettuce", tables=tables)[0],
            "clay": {c: leafy_cd_skill(chk_pairs, clay_pct=c, tables=tables)[0] for c in (10.0, 40.0)},
            # SOM and clay left blank, as on a county sheet: the plan's typical values (covariate_defaults.csv)
            "assumed": {k: leafy_cd_skill(sub, clay_pct=np.nan, land_use="vegetable", som_given=False,
                                          tables=tables) for k, sub in (("check", chk_pairs), ("all", use))},
            "gap": {k: float(v[1]["difference"].abs().max()) for k, v in runs.items()}}


def vegetable_skill_markdown(root: str | Path | None = None, tables=None) -> list[str]:
    """The leafy-vegetable section of the validation page: the default leafy Cd function on the
    per-sample CVCCD pairs (:func:`agriremed.stages.uptake.skill.leafy_cd_skill`), its between-study
    spread calibrated on half of the source studies (:func:`leafy_spread_split`) and checked on the
    other half, with the sensitivity to the assumed clay content; empty when the data file is absent."""
    path = Path(root or _repo_root()) / CVCCD_FILE
    if not path.is_file():
        return []
    tables = tables or load_tables()
    v = _vegetable_results(pd.read_csv(path), tables)
    pairs, split, sp, cal_pairs, chk_pairs = v["pairs"], v["split"], v["split"]["spread"], v["cal_pairs"], v["chk_pairs"]
    fid, se, own_se, sourced, runs = v["fid"], v["se"], v["own_se"], v["split"]["sourced_se"], v["runs"]
    m_pak, m_let, clay, gap = v["m_pak"], v["m_let"], v["clay"], v["gap"]
    m, rel = runs["check"]
    lo, hi = COVERAGE_TARGET
    lines = ["## Out-of-sample skill of the default leafy-vegetable Cd function", "",
             f"`{fid}` (the leafy-vegetable default: the Dutch lettuce relation used for pak choi and "
             "for a leafy vegetable of unknown species) predicts the leaf-vegetable pairs of the Chinese Vegetable "
             "Cadmium Contamination Database (CVCCD, 2004–2021 literature compilation, "
             "`data/validation/cvccd_leafy_cd.csv`, provenance in its README) that report soil Cd, pH, SOM and CEC: "
             f"{len(v['file_pairs'])} in the file, of which the {len(split['excluded'])} of crops the plan does not "
             f"predict with this relation are left out (below), so {len(pairs)} are used. Clay is "
             f"not published and is set to {ASSUMED_CLAY_PCT:g} % (assumption); vegetable Cd is taken as fresh "
             f"weight and compared with the as-sold prediction and the GB 2762 limit ({m['limit_mg_kg']:g} mg/kg). "
             "The median relation was not fitted on these data and nothing moves it.", "",
             f"Its spread (se {se:.3f} log10) has two parts: the sourced spread ({sourced:.3f}: the lettuce "
             "relation's own spread and the between-species and between-variety SD of leafy-vegetable Cd uptake "
             "read from a side-by-side comparison of five leafy vegetables, `uptake_slopes.csv`, Kong et al. "
             f"2024) and a between-study spread sd_study = {split['table_sd_study']:.3f} "
             "(`uptake_slopes.csv`, `cvccd2025_leafy_study_sd`) for what no sourced component covers: the source "
             "studies differ in laboratory, plant basis (fresh or dry weight), region and design. sd_study is "
             f"calibrated on half of the {len(split['calibration']) + len(split['check'])} source articles and "
             "checked on the other half:", "",
             "- **Split** (`agriremed.stages.uptake.skill.study_halves`): the articles of the file sorted by the "
             "SHA-256 digest of their title text; even positions form the calibration half "
             f"({len(split['calibration'])} articles; {cal_pairs['article'].nunique()} of them with "
             f"{len(cal_pairs)} pairs used), odd positions the check half ({len(split['check'])} articles; "
             f"{chk_pairs['article'].nunique()} of them with {len(chk_pairs)} pairs used). All pairs of an article "
             "fall in one half; the halves do not depend on which pairs are left out.",
             "- **Estimator** (`agriremed.stages.uptake.skill.between_study_spread`): one-way random-effects "
             "analysis of variance of the calibration residuals r = log10 observed − log10 predicted by article "
             "(method of moments, Searle et al. 1992): within-article SD "
             f"σ = {sp['within_sd']:.4f}, between-article SD τ = {sp['between_sd']:.4f}; a field in a new study "
             f"scatters by √(τ² + σ²) = {sp['total_sd']:.4f} around the mean residual ({sp['mean']:+.3f}, removed: "
             f"the median is not shifted), so sd_study = √(τ² + σ² − {sourced:.3f}²) = {sp['extra_sd']:.4f} "
             f"(table {split['table_sd_study']:.3f}) and se = √({sourced:.3f}² + {split['table_sd_study']:.3f}²) = "
             f"{se:.3f}. Lettuce itself adds sd_study to the lettuce relation's spread (`devries2007_lettuce_cd`, "
             f"{own_se:.3f}).",
             "- **Nothing else is tuned**: the check half is used for nothing but this table.", "",
             "| pairs | se (log10) | n | bias (log10) | RMSE (log10) | Spearman ρ | 90 % interval coverage | "
             "observed share > limit | mean predicted P | Brier | Brier of the base rate | AUC | "
             "largest reliability gap |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    rows = (("**check half (out of sample for the spread)**", "check", se),
            ("check half, sourced spread only (before)", "check_sourced", sourced),
            (f"check half with the {_excluded_names(split['excluded'], tables, short=True)} pairs in, spread "
             f"calibrated with them (sd_study {v['old_sd_study']:.3f}; before they were left out)", "check_all_crops",
             v["old_se"]),
            ("calibration half", "calibration", se),
            ("calibration half, sourced spread only (before)", "calibration_sourced", sourced),
            ("all pairs", "all", se), ("all pairs, sourced spread only (before)", "all_sourced", sourced))
    for name, key, s in rows:
        x = runs[key][0]
        lines.append(f"| {name} | {s:.3f} | {x['n']} | {x['bias_log10']:+.2f} | "
                     f"{x['rmse_log10']:.2f} | {x['spearman']:.2f} | "
                     f"{x['coverage90']:.2f} | {x['observed_rate']:.2f} | {x['mean_prob']:.2f} | {x['brier']:.3f} | "
                     f"{x['brier_base_rate']:.3f} | {x['auc']:.2f} | {gap[key]:.2f} |")
    for name, x, s in (("pak choi, all pairs", m_pak, se),
                       ("lettuce, all pairs (`devries2007_lettuce_cd`)", m_let, own_se)):
        lines.append(f"| {name} | {s:.3f} | {x['n']} | {x['bias_log10']:+.2f} | "
                     f"{x['rmse_log10']:.2f} | {x['spearman']:.2f} | "
                     f"{x['coverage90']:.2f} | {x['observed_rate']:.2f} | {x['mean_prob']:.2f} | {x['brier']:.3f} | "
                     f"{x['brier_base_rate']:.3f} | {x['auc']:.2f} | – |")
    lines += ["", "Reliability of P(exceeding the limit), check half:", "",
              "| P bin | n | mean predicted | observed frequency |", "|---|---|---|---|"]
    for r in rel.itertuples(index=False):
        lines.append(f"| {r.bin_low:.1f}–{r.bin_high:.1f} | {r.n} | {r.mean_prob:.2f} | {r.observed_freq:.2f} |")
    cov_ok = lo <= m["coverage90"] <= hi
    rel_ok = gap["check"] <= RELIABILITY_TARGET
    lines += ["", f"Targets on the check half: 90 % interval coverage {100 * lo:.0f}–{100 * hi:.0f} % — "
              f"{100 * m['coverage90']:.0f} %, {'reached' if cov_ok else 'not reached'} (before: "
              f"{100 * runs['check_sourced'][0]['coverage90']:.0f} %); every reliability bin within "
              f"±{RELIABILITY_TARGET:.2f} — largest gap {gap['check']:.2f}, {'reached' if rel_ok else 'not reached'} "
              f"(before: {gap['check_sourced']:.2f}).", ""] + _excluded_markdown(v, tables) + [
              f"Clay 10 % / 40 % instead of {ASSUMED_CLAY_PCT:g} % (check half): bias {clay[10.0]['bias_log10']:+.2f} / "
              f"{clay[40.0]['bias_log10']:+.2f}, RMSE {clay[10.0]['rmse_log10']:.2f} / {clay[40.0]['rmse_log10']:.2f}. "
              f"Reading: the median bias is small ({m['bias_log10']:+.2f} log10 on the check half) and the "
              f"ranking and the discrimination of exceedances are good (ρ {m['spearman']:.2f}, AUC {m['auc']:.2f}); "
              "neither depends on the spread. With the sourced spread alone the interval was too narrow (se "
              f"{sourced:.3f} against an RMSE of {m['rmse_log10']:.2f}); the between-study spread, calibrated on the "
              "other half of the studies, sets the coverage and reliability of the check half shown above. The "
              f"calibration half has fewer pairs ({len(cal_pairs)}; {int(runs['calibration'][1]['n'].min())} in its "
              f"smallest probability bin), so its reliability bins are noisy (largest gap {gap['calibration']:.2f}). "
              "The spread is wide because studies disagree: a county with its own paired samples should "
              "fit its own function (`agriremed fit-uptake`), whose spread is its own residual.", ""]
    return lines + _assumed_covariates_markdown(v, tables)


def _excluded_names(excluded: pd.DataFrame, tables, short: bool = False) -> str:
    """The crops of :func:`excluded_crop_pairs` in words: ``head cabbage`` (``short``), or with their number of
    pairs, code, Chinese name and the CVCCD vegetable names."""
    cr = tables.crops.set_index("crop")
    parts = []
    for code, g in excluded.groupby("crop", sort=False):
        name = str(cr.at[code, "name_en"]).lower() if code in cr.index else str(code)
        if short:
            parts.append(name)
            continue
        zh = f", {cr.at[code, 'name_zh']}" if code in cr.index else ""
        veg = ("; CVCCD " + ", ".join(f'"{x}"' for x in pd.unique(g["vegetable"]))) if "vegetable" in g else ""
        parts.append(f"{len(g)} {name} (`{code}`{zh}{veg})")
    return " and ".join(parts)


def _excluded_markdown(v: dict, tables) -> list[str]:
    """The paragraph on the pairs left out (:func:`excluded_crop_pairs`): why, the rule, and the spread and
    check-half skill with them in (as before they were left out)."""
    split = v["split"]
    left = split["excluded"]
    if not len(left):
        return []
    cr = tables.crops.set_index("crop")
    why = []
    for code, g in left.groupby("crop", sort=False):
        fn, lim = str(g["plan_function"].iloc[0]), float(g["food_limit_mg_kg"].iloc[0])
        group = str(cr.at[code, "crop_group"]).replace("_", " ") if code in cr.index else "crop"
        name = str(cr.at[code, "name_en"]).lower() if code in cr.index else str(code)
        why.append(f"{name} is a {group} with the GB 2762 Cd limit {lim:g} mg/kg, "
                   + (f"which a plan predicts with `{fn}`" if fn else
                      "for which the library has no Cd transfer function, so a plan reports its Cd as not assessed"))
    n_cal = int(split["is_calibration"][~split["kept"]].sum())
    old, old_gap, sp = v["runs"]["check_all_crops"][0], v["gap"]["check_all_crops"], split["spread_all_crops"]
    relation = ", ".join(f"`{c}`" for c in sorted(leafy_relation_crops(tables)))
    return [f"**Pairs of crops the plan does not predict with this relation are left out.** "
            f"{_excluded_names(left, tables)} pairs: " + "; ".join(why) + ". A pair is kept when its crop (the "
            "file's `crop` code; blank: `leafy_vegetable`, a leafy vegetable of type not given, as the file holds "
            "the CVCCD leaf-vegetable category only) has the leafy relation (the same median) as its default Cd "
            "function (`apps.validation.leafy_relation_crops`, read from `crops.csv` and `transfer_functions.csv`: "
            f"{relation}); a spread calibrated on pairs of a crop the library does not predict with the function "
            f"would not be a property of the function. {n_cal} of them were in the calibration half and "
            f"{len(left) - n_cal} in the check half (halves unchanged). With them in, as before they were left "
            f"out, the calibration half gave σ = {sp['within_sd']:.4f}, τ = {sp['between_sd']:.4f}, mean residual "
            f"{sp['mean']:+.3f} and sd_study = {sp['extra_sd']:.4f} (table {v['old_sd_study']:.3f}, se "
            f"{v['old_se']:.3f}), and the whole check half ({old['n']} pairs) bias {old['bias_log10']:+.2f}, RMSE "
            f"{old['rmse_log10']:.2f}, ρ {old['spearman']:.2f}, coverage {old['coverage90']:.2f}, Brier "
            f"{old['brier']:.3f} against {old['brier_base_rate']:.3f}, AUC {old['auc']:.2f} and a largest "
            f"reliability gap of {old_gap:.2f} ({'within' if old_gap <= RELIABILITY_TARGET else 'outside'} "
            f"±{RELIABILITY_TARGET:.2f}; row \"before they were left out\" above).", ""]


def _assumed_covariates_markdown(v: dict, tables) -> list[str]:
    """The leafy check with SOM and clay left blank, as on a county sheet: the plan assumes the typical
    values of vegetable land (``covariate_defaults.csv``) and widens the spread by theirs."""
    runs, asm, pairs = v["runs"], v["assumed"], v["pairs"]
    cd = tables.covariate_defaults
    veg = {c: cd.loc[(cd["covariate"] == c) & cd["land_use"].fillna("").isin(["vegetable", ""])].iloc[0]
           for c in ("som_pct", "clay_pct")}
    lines = ["### SOM and clay not given (the typical values of `covariate_defaults.csv`)", "",
             "County sheets usually give only pH and soil metals. Where SOM or clay is blank the plan assumes "
             "the typical value of the plot's land use (`covariate_defaults.csv`; vegetable land: SOM "
             f"{veg['som_pct']['median']:g} %, sd {veg['som_pct']['sd_log10']:g} log10; clay "
             f"{veg['clay_pct']['median']:g} %, sd {veg['clay_pct']['sd_log10']:g} log10) and adds "
             "(coefficient × sd)² to the variance of the prediction. The same pairs, their measured SOM dropped, "
             "are predicted at those values (nothing was fitted on them; the table's values come from national "
             "summaries, not from these pairs):", "",
             "| pairs | SOM | se (log10) | n | bias (log10) | RMSE (log10) | Spearman ρ | 90 % interval coverage | "
             "mean predicted P | observed share > limit | Brier | AUC | largest reliability gap |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    se_asm = float(np.nanmedian(asm["all"][2]["se_log10"].to_numpy(float)))
    for name, key in (("check half", "check"), ("all pairs", "all")):
        for som, (x, rel), se in ((f"measured (clay {ASSUMED_CLAY_PCT:g} %)", runs[key], v["se"]),
                                  ("assumed (table)", asm[key][:2], se_asm)):
            lines.append(f"| {name} | {som} | {se:.3f} | {x['n']} | {x['bias_log10']:+.2f} | {x['rmse_log10']:.2f} | "
                         f"{x['spearman']:.2f} | {x['coverage90']:.2f} | {x['mean_prob']:.2f} | "
                         f"{x['observed_rate']:.2f} | {x['brier']:.3f} | {x['auc']:.2f} | "
                         f"{float(rel['difference'].abs().max()):.2f} |")
    a, m = asm["check"][0], runs["check"][0]
    som = pairs["som_g_kg"].to_numpy(float) / 10.0
    som = som[np.isfinite(som) & (som > 0)]
    lines += ["", f"Reading: with SOM and clay assumed the check half keeps its skill (RMSE {a['rmse_log10']:.2f} "
              f"against {m['rmse_log10']:.2f} with the measured SOM, AUC {a['auc']:.2f} against {m['auc']:.2f}, "
              f"90 % coverage {a['coverage90']:.2f}): on these Chinese pairs the SOM term of the Dutch relation adds "
              "no skill beyond pH and soil Cd, and the spread of the assumed values is small beside the function's "
              f"own ({se_asm:.3f} against {v['se']:.3f} log10). The SOM of these pairs (median "
              f"{np.median(som):.1f} %, log10 SD {np.std(np.log10(som), ddof=1):.2f}) is more variable than the "
              "table assumes; a measured SOM on the plot gives a prediction for that plot rather than for a "
              "typical one.", ""]
    return lines


def rice_as_skill_markdown(tables=None) -> list[str]:
    """The rice As section of the validation page: the ratio synthesis on the survey summaries
    (:func:`agriremed.stages.uptake.synthesis.ratio_synthesis`)."""
    tables = tables or load_tables()
    r = ratio_synthesis(tables.uptake_surveys, "rice", "as")
    lines = ["## Check of the opt-in rice As function on survey summaries", "",
             f"`synth_rice_as_bcf` (grain total As = {r['ratio']:.6f} × soil total As, se {r['se_log10']:.3f} "
             "log10) is a documented ratio synthesis of the only calibration survey with soil and grain As "
             "statistics (Guizhou, 1 567 pairs); no rice As function with readable coefficients was found. The "
             "two check surveys are predicted at their printed soil value; neither was used for the ratio (both "
             "enter the between-survey spread).", "",
             "| survey | role | n | observed grain As | predicted | bias (log10) |", "|---|---|---|---|---|---|"]
    for c in r["checks"].itertuples(index=False):
        lines.append(f"| {c.survey_id} | {c.role} | {_n_text(c.n)} | {c.observed_mg_kg:.3f} | {c.predicted_mg_kg:.3f} | "
                     f"{c.bias_log10:+.2f} |")
    chk = r["checks"].loc[r["checks"]["role"] == "check", "bias_log10"]
    lines += ["", f"The checks are off by a factor {10 ** chk.min():.1f}–{10 ** chk.max():.1f} (predicted / observed); "
              "over-prediction means an exponent of 1 on soil As overstates "
              "grain As where soil As is high, and the Tongren survey may share samples with the Guizhou survey. "
              "Total As is compared with the inorganic-As limit (conservative). Because both checks are "
              "over-predicted, the function is not a default (usable = false): rice As is reported as not "
              "assessed unless a user's table switches it on or a fitted function is supplied.", ""]
    return lines


def wheat_cd_survey_markdown(tables=None) -> list[str]:
    """The wheat Cd section of the validation page: every usable wheat Cd function on the independent
    wheat survey summaries (:func:`agriremed.stages.uptake.skill.survey_check`)."""
    tables = tables or load_tables()
    tf = tables.transfer_functions
    ids = tf.loc[tf["usable"] & (tf["applies_to"] == "wheat") & (tf["metal"] == "cd"), "function_id"]
    lines = ["## Check of the wheat Cd functions on survey summaries", "",
             "Each usable wheat Cd function predicts the wheat surveys of `uptake_surveys.csv` (role `check`: "
             "not used to fit or calibrate anything) at their printed soil Cd and, where the function needs it, "
             "their mean pH. A survey that does not print an input of a function gives that function no "
             "prediction (–): nothing is assumed in its place. Observed and predicted values are survey means; "
             "the predicted share above the limit uses the function's residual spread.", "",
             "| function (se) | survey | n | soil Cd | observed grain Cd | predicted | bias (log10) | "
             "observed share > limit | predicted share > limit |", "|---|---|---|---|---|---|---|---|---|"]
    readings = []
    for fid in ids:
        for r in survey_check(fid, tables).itertuples(index=False):
            if np.isfinite(r.predicted_mg_kg):
                flag = " (outside its validity range)" if r.outside_valid_range == 1 else ""
                pred = (f"{r.predicted_mg_kg:.3f}{flag} | {r.bias_log10:+.2f} | {r.observed_share_above:.3f} | "
                        f"{r.predicted_share_above:.2f}")
                word = "over-predicts" if r.bias_log10 > 0 else "under-predicts"
                readings.append(
                    f"`{fid}` {word} {r.survey_id} by a factor {10 ** abs(r.bias_log10):.1f} (the survey's "
                    f"grain/soil ratio of means is {r.observed_mg_kg / r.soil_mg_kg:.3f}); with its spread "
                    f"(se {r.se_log10:.3f} log10) it puts {100 * r.predicted_share_above:.0f} % of fields above "
                    f"{r.limit_mg_kg:g} mg/kg where the survey found {100 * r.observed_share_above:.1f} % "
                    f"(the survey's own spread, implied by its mean and share, is {r.survey_sigma_log10:.2f} log10).")
            else:
                pred = f"– (needs an input the survey does not print) | – | {r.observed_share_above:.3f} | –"
            lines.append(f"| `{fid}` ({r.se_log10:.3f}) | {r.survey_id} | {_n_text(r.n)} | {r.soil_mg_kg:.3f} | "
                         f"{r.observed_mg_kg:.3f} | {pred} |")
    lines += ["", "Reading: " + " ".join(readings) + " A mean of per-sample ratios (the BCF of the function) "
              "is not a ratio of means (the survey's), so a factor below 2 is within what the comparison can "
              "resolve; the northern Henan abstract puts 86 % of its per-sample ratios between 0.05 and 0.20. "
              "The spread of the pH-blind ratio includes the "
              "between-survey spread of the rice surveys, so within one region it is too wide and the "
              "probability of exceeding the limit is overstated at this survey's soil Cd. The functions with soil "
              "chemistry cannot be checked on a survey that prints no mean pH. One survey is a weak check; no "
              "wheat survey with soil Cd, mean pH and grain Cd was reached.", ""]
    return lines


#: Published survey-level shares and pH-class thresholds of maize kernel Cd (checks of the maize default).
MAIZE_CHECKS_FILE = Path("data") / "validation" / "maize_cd_surveys.csv"


def maize_cd_checks_markdown(root: str | Path | None = None, tables=None) -> list[str]:
    """The maize Cd section of the validation page: the default synthesis against published shares of
    kernels above the limit and pH-class thresholds (:func:`agriremed.stages.uptake.skill.maize_share_checks`),
    calibration rows and check rows apart."""
    path = Path(root or _repo_root()) / MAIZE_CHECKS_FILE
    if not path.is_file():
        return []
    tables = tables or load_tables()
    syn = maize_cd_synthesis(tables)
    r = maize_share_checks(pd.read_csv(path), tables)
    cls = syn["classes"]
    comp = syn["se_components"]
    lines = ["## Check of the default maize Cd function on published shares", "",
             f"`synth_maize_cd_ph` (log10 C = {_minus(syn['intercept'], 4)} + {syn['soil']:.4f}·log10 Cd_soil "
             f"− {abs(syn['ph']):.3f}·min(pH, {syn['ph_cap']:g}), se {syn['se_log10']:.3f} log10) keeps its sourced "
             "slopes and takes its intercept and spread from published summary statistics; the northern-China "
             "thresholds are kept out of the calibration as its check. The split was fixed before the check was "
             "computed for the calibrated function (column `role` of `data/validation/maize_cd_surveys.csv`):", "",
             "* within-survey spread (`spread_only`), from the NW Guizhou karst survey (492 pairs): per pH class the "
             "soil Cd at which 5 % and 95 % of kernels exceed 0.1 mg/kg (HC5, HC95) are read as quantiles of the "
             "class's 1/BCF distribution pooled over its soils (log-normal, median 1.4955 mg/kg, σ 0.4386 log10: "
             "assumed from the printed range). SD of log10 BCF "
             + ", ".join(f"{x:.3f}" for x in cls["bcf_sd_log10"]) + f" at pH {', '.join(f'{x:g}' for x in cls['ph'])};"
             " less what the soil spread explains ((1 − b)·σ) this leaves a residual of "
             + ", ".join(f"{x:.3f}" for x in cls["within"]) + f" (RMS {syn['within']:.3f}). The survey's intercept "
             f"({_minus(syn['intercept_guizhou'], 4)}, {abs(syn['karst_offset']):.2f} log10 units below the default) is "
             "not used by the default: the survey itself reports a low BCF of karst soils against non-karst ones (Cd "
             "of geogenic origin), so it describes karst land, not the maize land of China (it is the karst/geogenic "
             "adjustment of plots given `high_background` yes, below);",
             "* intercept (`calibration`), the mean of two non-karst summaries: Chongqing (499 pairs), the intercept at "
             f"which the function with spread {syn['within']:.3f} predicts the printed 9.6 % of grains above 0.1 mg/kg "
             "over the survey's soils (log-normal from the printed mean 0.30 mg/kg and CV 53 %) at an assumed pH "
             f"6.5 ± 1.0 (not printed): {_minus(syn['intercept_chongqing'], 4)}; the national mean summer-maize BCF "
             f"0.113 (Chen et al. 2021; its median {syn['bcf_median']:.4f} with the within-survey spread) at an "
             f"assumed reference state (soil Cd 0.6317 mg/kg, pH 7.0): {_minus(syn['intercept_national'], 4)}; "
             f"a = {_minus(syn['intercept'], 4)};",
             f"* spread √({comp['within']:.3f}² + {comp['between']:.3f}² + {comp['ph_assumed']:.3f}² + "
             f"{comp['soil_ref']:.3f}²) = {syn['se_log10']:.3f}: within-survey, between the two intercepts, the "
             "assumed mean pH of both (± 1.0 each) and the national ratio's assumed reference soil (within a factor 2).",
             "",
             "Each survey's soil Cd and pH distribution is evaluated (log-normal soil, normal pH; what is assumed is "
             "said in the basis columns). `share_above_bound` is a lower bound of the prediction (the survey's soils "
             "lie above that soil Cd); `hc5` rows give the share predicted at the printed HC5 soil and the class pH: "
             "5 % if the threshold is read as a point, while the spread above reads the same thresholds as pooled "
             "quantiles, under which the point share is lower than 5 % where b < 1. The pH-blind ratio "
             "(`chen2021_maize_cd_bcf`, se 0.673) is shown for comparison.", "",
             "| check | role | kind | n | soil Cd (median) | σ log10 soil | pH | observed share > 0.1 | predicted | "
             "predicted by the pH-blind ratio | predicted median grain Cd | soil basis | pH basis | source |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for x in r.itertuples(index=False):
        ph = f"{x.ph:g}" + (f" ± {x.ph_sd:g}" if x.ph_sd else "")
        lines.append(f"| {x.check_id} | {x.role} | {x.kind} | {x.n} | {x.soil_mg_kg:g} | {x.soil_sigma_log10:g} | "
                     f"{ph} | {x.observed:.3f} | {x.predicted:.3f} | {x.predicted_bcf:.3f} | "
                     f"{x.predicted_median_mg_kg:.3f} | {x.soil_basis} | {x.ph_basis} | `{x.source}` |")
    ck = r.loc[r["role"] == "check"]
    hc = ck.loc[ck["kind"] == "hc5"]
    bound = ck.loc[ck["kind"] == "share_above_bound"]
    cal = r.set_index("check_id")
    karst = r.loc[r["check_id"] == "guizhou_karst_share"].iloc[0]
    lines += ["", "Reading: on the check (the northern-China survey, not used for any coefficient) the function "
              f"over-predicts: where the survey puts 5 % of kernels above the limit it predicts "
              f"{100 * hc['predicted'].min():.0f}–{100 * hc['predicted'].max():.0f} % (the pH-blind ratio "
              f"{100 * hc['predicted_bcf'].min():.0f}–{100 * hc['predicted_bcf'].max():.0f} %); "
              + "".join(f"the lower bound {100 * b.predicted:.0f} % is below the observed {100 * b.observed:.1f} %, "
                        "consistent. " for b in bound.itertuples())
              + "The northern thresholds come from a regression at set soil properties (SOM, CEC), which leaves "
              "less spread than a field survey; read as pooled quantiles, as the spread is, a right function would "
              "put less than 5 % at the HC5 soil, so the excess is the function's. On the Chongqing survey it predicts "
              f"{100 * cal.loc['chongqing_share', 'predicted']:.1f} % against 9.6 % (in sample; the total spread is "
              "wider than the within-survey spread it was calibrated with). On karst soils with geogenic Cd it "
              f"over-predicts: {100 * karst.predicted:.0f} % against {100 * karst.observed:.1f} % of the karst "
              "survey's kernels above the limit (its intercept lies "
              f"{abs(syn['karst_offset']):.2f} log10 units below the default's), conservative there. On plots given "
              "`high_background` yes the plan applies that karst intercept (the karst/geogenic adjustment, "
              "`uptake_slopes.csv` kind `geogenic_adjustment`, its spread widened to "
              f"{geogenic_maize_shift(tables)['se_adjusted']:.3f}): it then predicts "
              f"{100 * karst.predicted_geogenic:.1f} % on the karst survey and "
              + ", ".join(f"{100 * x:.1f} %" for x in r.loc[(r['kind'] == 'hc5') & (r['source'] == karst.source),
                                                              'predicted_geogenic'])
              + " at its HC5 soils (5 %), all in sample: the intercept is this survey's, and no independent karst "
              "maize survey was reached to check it out of sample. One check survey is a weak check, and no "
              "maize survey with soil Cd, pH and grain Cd means was reached (the J. Environ. Sci. 2023 compilation of "
              "85 sites is the best candidate).", ""]
    return lines


#: README.md blocks written by ``python -m agriremed.validation`` (:func:`readme_blocks`): each is the
#: lines between ``<!-- skill:NAME:start … -->`` and ``<!-- skill:NAME:end -->`` of README.md.
README_BLOCKS = ("rice", "leafy", "wheat", "targets")

#: The crops whose default Cd function the validation targets are stated for (:func:`validation_targets`):
#: label and the crop code whose default is checked.
TARGET_CROPS = (("leafy vegetables", "pak_choi"), ("rice", "rice"), ("maize", "maize"), ("wheat", "wheat"))


def default_function(crop: str, metal: str = "cd", tables=None) -> str:
    """The packaged default transfer function of ``crop`` for ``metal``: the usable function of the crop
    that names no province, of lowest ``priority`` (as :func:`agriremed.stages.uptake.predict_crop_concentration`
    picks it for a plot of no named province); ``''`` when there is none."""
    tf = (tables or load_tables()).transfer_functions
    ok = tf["usable"].astype(bool) & (tf["metal"] == metal) & (tf["priority"] > 0) \
        & tf["provinces"].fillna("").astype(str).str.strip().eq("") \
        & tf["applies_to"].astype(str).map(lambda a: crop in a.split("|"))
    rows = tf.loc[ok].sort_values("priority", kind="stable")
    return str(rows["function_id"].iloc[0]) if len(rows) else ""


def validation_targets(root: str | Path | None = None, tables=None) -> pd.DataFrame:
    """Whether the default Cd function of each crop of :data:`TARGET_CROPS` is checked out of sample and meets
    the validation targets, computed by the same code as the sections of docs/validation.md.

    Targets: the central 90 % interval covers :data:`COVERAGE_TARGET` of independent observations; every
    reliability bin (and, for survey summaries, every predicted share above the limit) is within
    ±:data:`RELIABILITY_TARGET` of the observed frequency; the Brier score is below that of the base rate.

    Returns
    -------
    pandas.DataFrame
        One row per crop: ``crop``, ``function_id`` (its default), ``check`` (what out-of-sample check there
        is), ``met`` (``'yes'``, ``'no'`` or ``'not checked'``) and ``detail`` (the numbers behind it).
    """
    tables = tables or load_tables()
    root = Path(root or _repo_root())
    lo, hi = COVERAGE_TARGET
    rows = []
    for label, crop in TARGET_CROPS:
        fid = default_function(crop, "cd", tables)
        check, met, detail = "none", "not checked", ""
        if crop == "pak_choi" and (root / CVCCD_FILE).is_file():
            v = _vegetable_results(pd.read_csv(root / CVCCD_FILE), tables)
            m, gap = v["runs"]["check"][0], v["gap"]["check"]
            cov_ok, rel_ok, brier_ok = lo <= m["coverage90"] <= hi, gap <= RELIABILITY_TARGET, \
                m["brier"] < m["brier_base_rate"]
            check = ("all six metrics on the held-out half of the CVCCD field pairs "
                     f"({v['chk_pairs']['article'].nunique()} studies, {m['n']} pairs)")
            met = "yes" if cov_ok and rel_ok and brier_ok else "no"
            detail = (f"bias {_minus(m['bias_log10'])} log10, RMSE {m['rmse_log10']:.2f}, ρ {m['spearman']:.2f}, "
                      f"AUC {m['auc']:.2f}; coverage {100 * m['coverage90']:.0f} % (target {100 * lo:.0f}–"
                      f"{100 * hi:.0f} %), largest reliability gap {gap:.2f} (target ±{RELIABILITY_TARGET:.2f}), "
                      f"Brier {m['brier']:.3f} against {m['brier_base_rate']:.3f} for the base rate")
            left = v["split"]["excluded"]
            if len(left):
                check = (check[:-1] + f"; the {len(left)} {_excluded_names(left, tables, short=True)} pairs, a crop the "
                         "plan does not predict with this function, left out of the calibration and the check)")
            misses = [name for name, ok in (("coverage", cov_ok), ("reliability", rel_ok), ("Brier", brier_ok)) if not ok]
            if misses:
                detail += "; not reached: " + ", ".join(misses)
        elif crop == "rice":
            sk = survey_skill(tables)
            err = (sk["predicted_share_above"] - sk["observed_share_above"]).abs()
            n_chk = int((sk["role"] != "calibration").sum())
            check = (f"survey medians and shares above the limit only ({len(sk)} surveys, {n_chk} never used to "
                     "calibrate, the others left out one at a time); no per-sample public soil–rice data other "
                     "than the set reserved for independent checking, so field-level calibration is not shown")
            met = "yes" if err.max() <= RELIABILITY_TARGET else "no"
            detail = (f"median bias {_signed(sk['bias_log10'].min())} to {_signed(sk['bias_log10'].max())} log10; "
                      f"largest share error {err.max():.2f} (target ±{RELIABILITY_TARGET:.2f}); no field-level RMSE, "
                      "ρ, coverage, Brier or AUC")
        elif crop == "maize" and (root / MAIZE_CHECKS_FILE).is_file():
            r = maize_share_checks(pd.read_csv(root / MAIZE_CHECKS_FILE), tables)
            hc = r.loc[(r["role"] == "check") & (r["kind"] == "hc5")]
            err = (hc["predicted"] - hc["observed"]).abs()
            check = f"shares above the limit on one northern-China survey kept out of the calibration ({len(hc)} pH classes)"
            met = "yes" if err.max() <= RELIABILITY_TARGET else "no"
            detail = (f"predicts {100 * hc['predicted'].min():.0f}–{100 * hc['predicted'].max():.0f} % above the "
                      f"limit where the survey has {100 * hc['observed'].max():.0f} % (target ±"
                      f"{100 * RELIABILITY_TARGET:.0f} points): over-predicts, conservative")
        elif crop == "wheat" and fid:
            sc = survey_check(fid, tables)
            done = sc.loc[np.isfinite(sc["predicted_mg_kg"].to_numpy(float))]
            if len(done):
                err = (done["predicted_share_above"] - done["observed_share_above"]).abs()
                check = f"survey summaries ({len(done)})"
                met = "yes" if err.max() <= RELIABILITY_TARGET else "no"
                detail = f"largest share error {err.max():.2f} (target ±{RELIABILITY_TARGET:.2f})"
            else:
                check = ("none with pH: " + ("the only independent wheat survey summary prints" if len(sc) == 1
                                              else f"the {len(sc)} independent wheat survey summaries print")
                         + " no mean pH")
                detail = "only functions without a pH term can be checked on it (wheat section of docs/validation.md)"
        rows.append({"crop": label, "function_id": fid, "check": check, "met": met, "detail": detail})
    return pd.DataFrame(rows, columns=["crop", "function_id", "check", "met", "detail"])


def targets_markdown(targets: pd.DataFrame) -> list[str]:
    """The table of :func:`validation_targets` (docs/validation.md and README.md)."""
    met = targets.loc[targets["met"] == "yes", "crop"].tolist()
    missed = targets.loc[targets["met"] == "no", "crop"].tolist()
    unchecked = targets.loc[targets["met"] == "not checked", "crop"].tolist()
    rest = "; ".join(x for x in ((f"checked and off target in at least one of them: {', '.join(missed)}"
                                  if missed else ""),
                                 f"not checked: {', '.join(unchecked)}" if unchecked else "") if x)
    lines = [f"Validation targets (90 % interval coverage {100 * COVERAGE_TARGET[0]:.0f}–"
             f"{100 * COVERAGE_TARGET[1]:.0f} %, every reliability bin or predicted share within "
             f"±{RELIABILITY_TARGET:.2f} of the observed frequency, Brier score below the base rate) are met "
             + (f"for {', '.join(met)} only" if met else "by none of the default Cd functions")
             + f" ({rest + '; ' if rest else ''}written by `python -m agriremed.validation`):", "",
             "| crop | default Cd function | out-of-sample check | targets met | numbers |", "|---|---|---|---|---|"]
    for r in targets.itertuples(index=False):
        lines.append(f"| {r.crop} | `{r.function_id}` | {r.check} | **{r.met}** | {r.detail} |")
    return lines


def _n_text(n) -> str:
    """A survey's number of pairs for a table: the whole number, or ``–`` where the survey prints none."""
    return "–" if n is None or pd.isna(n) else f"{int(n)}"


def _signed(x: float, digits: int = 2) -> str:
    """``x`` with its sign, a true minus sign for negatives (``+0.12``, ``−0.39``)."""
    return f"{x:+.{digits}f}".replace("-", "\u2212")


def _minus(x: float, digits: int = 2) -> str:
    """``x`` with a true minus sign when negative and no sign otherwise."""
    return f"{x:.{digits}f}".replace("-", "\u2212")


def _readme_rice(tables) -> list[str]:
    sk = survey_skill(tables)
    sv = tables.uptake_surveys.set_index("survey_id")
    lines = ["  | survey | n | observed median [mg/kg] | predicted | bias [log10] | "
             "observed / predicted share > 0.2 (predicted over the survey's soil and pH spread) |",
             "  |---|---|---|---|---|---|"]
    for r in sk.itertuples(index=False):
        kind = str(sv.at[r.survey_id, "rice_type"]) + ("" if r.role == "calibration" else ", never used to calibrate")
        lines.append(f"  | {sv.at[r.survey_id, 'region']} ({kind}) | {_n_text(r.n)} | {r.observed_median_mg_kg:.3f} | "
                     f"{r.predicted_median_mg_kg:.3f} | {_signed(r.bias_log10)} | {r.observed_share_above:.2f} / "
                     f"{r.predicted_share_above:.2f} |")
    lines += ["", "  Regions differ as much as the pH effect: fit your own function from local pairs",
              "  (`agriremed fit-uptake … --provinces …`, then `plan --tables DIR` or `run.sh dash --tables DIR`).",
              "  The fit is used within the range of its pairs (each input's min–max); beyond it the fit's value at the",
              "  end of its data is carried on by the change the packaged default predicts from there (continuous,",
              "  monotone in pH, flagged extrapolated with a widening spread); `user_fit_skipped` names the fit and the",
              "  input beyond its range, and `user_fit_edge_ratio` the step the default alone would take there.",
              "  Inside the range the plot's sentence names the fit, its pairs and R² and how much the packaged",
              "  function would predict instead (`rec.user_fit_used`); a fit that `fit-uptake` marked \"not recommended",
              "  for a plan\" is still used when given with `--tables`, and the sentence says so.",
              "  An optional plot column `rice_type` (indica / japonica / hybrid, 籼稻/粳稻/杂交稻) multiplies the",
              "  rice Cd of the packaged functions by a sourced factor (varieties grown side by side and safe soil",
              "  Cd per rice type)"]
    typed = sk.loc[sk["rice_type_factor"] != 1.0]
    for r in typed.itertuples(index=False):
        lines[-1] += (f"; with it (factor {r.rice_type_factor:.3f}) the {sv.at[r.survey_id, 'region'].split(',')[0]} "
                      f"bias falls from {_signed(r.bias_log10)} to {_signed(r.bias_rice_type_log10)} log10")
    lines[-1] += ","
    lines += ["  so japonica fields are still over-predicted. No per-sample soil–rice data set other than one",
              "  reserved for independent checking could be reached, so calibration of probabilities at the",
              "  level of single rice fields is not shown here."] if len(typed) else [
              "  No per-sample soil–rice data set other than one reserved for independent checking could be",
              "  reached, so calibration of probabilities at the level of single rice fields is not shown here."]
    return lines


def _readme_leafy(root, tables) -> list[str]:
    path = Path(root) / CVCCD_FILE
    if not path.is_file():
        return []
    v = _vegetable_results(pd.read_csv(path), tables)
    split, runs, gap = v["split"], v["runs"], v["gap"]
    m = runs["check"][0]
    n_art = len(split["calibration"]) + len(split["check"])
    lim = tables.option_parameters
    flood = lim.loc[(lim["option_id"] == "flooded_rice") & (lim["parameter"] == "crop_reduction_frac")
                    & (lim["metal"] == "as"), "typical"]
    as_checks = ratio_synthesis(tables.uptake_surveys, "rice", "as")["checks"]
    chk = as_checks.loc[as_checks["role"] == "check", "bias_log10"]
    text = (
        "* **Leafy vegetables checked on independent field pairs** — the default leafy Cd function "
        f"(`{v['fid']}`: the Dutch lettuce relation used for pak choi, with the sourced between-species and "
        "between-variety spread of leafy-vegetable Cd uptake and a between-study spread added to its spread) on "
        "every leaf-vegetable pair of the public Chinese Vegetable Cadmium Contamination Database (CVCCD, MIT "
        f"licence; `data/validation/`) with soil Cd, pH, SOM and CEC, clay set to {ASSUMED_CLAY_PCT:g} % (not "
        f"published), vegetable Cd read as fresh weight, GB 2762 limit {m['limit_mg_kg']:g} mg/kg"
        + (f", except the {len(split['excluded'])} pairs of {_excluded_names(split['excluded'], tables, short=True)}, "
           "a crop the plan does not predict with this function" if len(split["excluded"]) else "")
        + f". The {n_art} "
        "source studies are split in two halves by a hash of their titles: the between-study spread "
        f"({split['table_sd_study']:.3f} log10, random-effects analysis of variance of the residuals by study) is "
        f"estimated on one half ({v['cal_pairs']['article'].nunique()} studies, {len(v['cal_pairs'])} pairs), which "
        f"makes the spread {v['se']:.3f} log10 instead of {split['sourced_se']:.3f}, and checked on the other "
        f"({v['chk_pairs']['article'].nunique()} studies, {len(v['chk_pairs'])} pairs): bias {_minus(m['bias_log10'])} log10, "
        f"RMSE {m['rmse_log10']:.2f} log10, Spearman ρ {m['spearman']:.2f}, AUC {m['auc']:.2f} for exceeding the "
        f"limit, Brier {m['brier']:.3f} against {m['brier_base_rate']:.3f} for the base rate; "
        f"{100 * m['coverage90']:.0f} % of the check pairs fall inside the 90 % interval "
        f"({100 * runs['check_sourced'][0]['coverage90']:.0f} % with the sourced spread alone; target "
        f"{100 * COVERAGE_TARGET[0]:.0f}–{100 * COVERAGE_TARGET[1]:.0f} %, "
        f"{'reached' if COVERAGE_TARGET[0] <= m['coverage90'] <= COVERAGE_TARGET[1] else 'not reached'}) and the "
        f"largest difference between a reliability bin's mean predicted probability and its observed frequency is "
        f"{gap['check']:.2f} (target ±{RELIABILITY_TARGET:.2f}, "
        f"{'reached' if gap['check'] <= RELIABILITY_TARGET else 'not reached'}). Nothing else was tuned on these "
        "data (the median is not moved); lettuce adds the same between-study spread to the lettuce relation's "
        f"({v['own_se']:.3f} log10). These numbers are written here by `python -m agriremed.validation` from "
        "the computation behind [docs/validation.md](docs/validation.md), where they are listed with the "
        "reliability table (`tests/test_validation_cases.py` fails when this text is out of date; "
        "`tests/test_uptake_vegetable_validation.py` recomputes the metrics from the data file). For As in rice "
        "a pH-blind grain/soil ratio from survey summaries is in the library (`synth_rice_as_bcf`), but it "
        f"over-predicts both of its check surveys by a factor {10 ** chk.min():.1f}–{10 ** chk.max():.1f}, so it "
        "is opt-in (usable = false): As in rice, Pb in crops and As in other crops have no default function and "
        "are reported as *not assessed* (measure them in the harvest). Where a user's table switches rice As on, "
        f"continuous flooding raises grain As (typical +{-100 * float(flood.iloc[0]):.0f} %, `li2019_awd_as`) in "
        "the option comparison.")
    return _wrap(text)


def _readme_wheat(tables) -> list[str]:
    tf = tables.transfer_functions
    ids = tf.loc[tf["usable"] & (tf["applies_to"] == "wheat") & (tf["metal"] == "cd"), "function_id"]
    rows = pd.concat([survey_check(fid, tables).assign(function_id=fid) for fid in ids], ignore_index=True)
    sv = tables.uptake_surveys.set_index("survey_id")
    parts = []
    for sid, g in rows.groupby("survey_id", sort=False):
        x = sv.loc[sid]
        ph = "" if pd.notna(x["ph_mean"]) else "; no mean pH printed"
        r0 = g.iloc[0]
        readings = []
        for r in g.loc[np.isfinite(g["predicted_mg_kg"])].itertuples(index=False):
            word = "over-predicts" if r.bias_log10 > 0 else "under-predicts"
            readings.append(f"`{r.function_id}` {word} the grain mean by a factor {10 ** abs(r.bias_log10):.1f} and, "
                            f"with its {r.se_log10:.3f} log10 spread against the survey's own "
                            f"{r.survey_sigma_log10:.2f}, puts {100 * r.predicted_share_above:.0f} % of fields above "
                            "the limit")
        blind = g.loc[~np.isfinite(g["predicted_mg_kg"])]
        tail = ("; the functions with pH (the wheat default among them) cannot be checked on it"
                if len(blind) and ph else "")
        parts.append(f"the {x['region']} survey (soil Cd {r0.soil_mg_kg:.3f}, grain Cd {r0.observed_mg_kg:.3f} mg/kg, "
                     f"{100 * r0.observed_share_above:.1f} % of grain above {r0.limit_mg_kg:g} mg/kg{ph}) against every "
                     "usable wheat Cd function (`uptake.skill.survey_check`): " + "; ".join(readings) + tail + ".")
    text = ("* **Wheat Cd checked on " + ("one independent survey summary" if len(parts) == 1 else
                                          f"{len(parts)} independent survey summaries") + "** — "
            + " ".join(parts) + " Recomputed by `tests/test_uptake_wheat_survey_check.py`; written here by "
            "`python -m agriremed.validation`; table in [docs/validation.md](docs/validation.md).")
    return _wrap(text)


def _wrap(text: str, width: int = 104) -> list[str]:
    """A bullet paragraph broken into lines of at most ``width`` characters, continued with two spaces;
    never inside a code span or between a number and its ``%``."""
    import re
    import textwrap

    glued = re.sub(r"`[^`]*`", lambda m: m.group(0).replace(" ", "\0"), text).replace(" %", "\0%")
    return [line.replace("\0", " ") for line in textwrap.wrap(glued, width=width, subsequent_indent="  ",
                                                               break_long_words=False, break_on_hyphens=False)]


def readme_blocks(root: str | Path | None = None, tables=None) -> dict[str, list[str]]:
    """The README.md text of the skill checks, computed as docs/validation.md is.

    Parameters
    ----------
    root : str or Path, optional
        Repository root (holding ``data/validation/``); default: found from the working folder.
    tables : Tables, optional
        Literature tables (default: the packaged ones).

    Returns
    -------
    dict
        Block name (:data:`README_BLOCKS`) → its lines: ``rice`` the out-of-sample table of the
        rice Cd default (:func:`agriremed.stages.uptake.synthesis.survey_skill`) and the rice-type
        sentence, ``leafy`` the leafy-vegetable bullet (the numbers of
        :func:`vegetable_skill_markdown`; empty without the data file), ``wheat`` the wheat bullet
        (:func:`agriremed.stages.uptake.skill.survey_check`), ``targets`` the table of which validation targets
        each crop's default Cd function meets (:func:`validation_targets`).
    """
    tables = tables or load_tables()
    root = Path(root or _repo_root())
    return {"rice": _readme_rice(tables), "leafy": _readme_leafy(root, tables), "wheat": _readme_wheat(tables),
            "targets": _readme_targets(root, tables)}


def _readme_targets(root, tables) -> list[str]:
    """The README bullet of :func:`validation_targets`: the sentence, then the table indented under it."""
    lines = targets_markdown(validation_targets(root, tables))
    return _wrap("* **Which validation targets are met** — " + lines[0]) + [""] + ["  " + x for x in lines[2:]]


def update_readme(text: str, blocks: dict[str, list[str]]) -> str:
    """``text`` (README.md) with the lines between each block's start and end marker replaced.

    Raises
    ------
    ValueError
        If a block's ``<!-- skill:NAME:start`` or ``<!-- skill:NAME:end -->`` line is missing or
        out of order.
    """
    lines = text.split("\n")
    for name, new in blocks.items():
        start = [i for i, x in enumerate(lines) if x.strip().startswith(f"<!-- skill:{name}:start")]
        end = [i for i, x in enumerate(lines) if x.strip() == f"<!-- skill:{name}:end -->"]
        if len(start) != 1 or len(end) != 1 or end[0] < start[0]:
            raise ValueError(f"README.md: expected one '<!-- skill:{name}:start' line followed by one "
                             f"'<!-- skill:{name}:end -->' line")
        lines[start[0] + 1:end[0]] = new
    return "\n".join(lines)


def validation_markdown(folder: str | Path) -> str:
    """The validation page: every case, its source and the current agreement, then the coverage table."""
    r = run_cases(folder)
    lines = ["# Validation against published results", "",
             "Generated by `python -m agriremed.validation` from the case files in `tests/validation/`; "
             "do not edit by hand. Each model value is computed with agriremed's own functions; the test "
             "suite fails when a case is outside its tolerance, and checks that every case would fail if "
             "its published value were wrong.", "",
             f"**{int(r['ok'].sum())} of {len(r)} cases agree within their tolerance:**", ""]
    for kind, text in (("model", "model cases (a number computed by agriremed's model code against a "
                                 "published result)"),
                       ("transcription", "transcription checks (a value of the library's tables against the "
                                         "value the standard prints)")):
        g = r[r["kind"] == kind]
        lines.append(f"- {int(g['ok'].sum())} of {len(g)} {text};")
    lines[-1] = lines[-1][:-1] + "."
    lines.append("")
    cov = coverage(folder, r)
    counts = [f"{int((g['n_cases'] > 0).sum())} of {len(g)} {kind.replace('_', ' ')}s"
              for kind, g in cov.groupby("kind", sort=False)]
    lines += [f"**Items with a published case: {', '.join(counts)}** (the table below says why the others "
              "have none).", ""]
    lines += _coverage_markdown(cov)
    lines += ["## Which validation targets the default Cd functions meet", ""]
    lines += targets_markdown(validation_targets(Path(folder).resolve().parents[1])) + [""]
    lines += uptake_skill_markdown()
    lines += geogenic_checks_markdown()
    lines += vegetable_skill_markdown(Path(folder).resolve().parents[1])
    lines += rice_as_skill_markdown()
    lines += wheat_cd_survey_markdown()
    lines += maize_cd_checks_markdown(Path(folder).resolve().parents[1])
    for name in CASE_FILES:
        g = r[r["file"] == name]
        doc = (CASE_FILES[name].__doc__ or "").strip()
        lines += [f"## `{name}` ({CASE_KINDS[name]})", ""] + ([doc, ""] if doc else [])
        if g.empty:
            lines += ["No case yet: see the coverage table above for what was searched.", ""]
            continue
        lines += ["| case | quantity | published | model | difference | tolerance | ok | source | note |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for x in g.itertuples(index=False):
            rel = "" if np.isnan(x.relative_difference) else f" ({100 * x.relative_difference:+.1f} %)"
            lines.append(f"| {x.case} | {x.quantity} [{x.unit}] | {x.published:g} | {x.model:.4g} | "
                         f"{x.difference:+.3g}{rel} | {x.tolerance:.3g} | {'yes' if x.ok else '**no**'} | "
                         f"`{x.source}` | {x.note} |")
        lines.append("")
    return "\n".join(lines)


def _repo_root() -> Path:
    here = Path.cwd()
    return next((p for p in [here, *here.parents] if (p / "tests" / "validation").is_dir()), here)


def main(argv: list[str] | None = None) -> int:
    """``python -m agriremed.validation [ROOT]``: write ``ROOT/docs/validation.md`` and the skill blocks of
    ``ROOT/README.md`` from the case files of ``ROOT/tests/validation`` (ROOT: the repository, by default the
    first folder holding ``tests/validation`` from the working directory up). Returns the exit status: 0, or 2
    where ROOT holds no ``tests/validation`` (nothing is written); ``--help`` prints the usage."""
    import argparse
    ap = argparse.ArgumentParser(
        prog="python -m agriremed.validation",
        description="Run the validation cases (tests/validation) and write docs/validation.md and the skill "
                    "blocks of README.md of a source checkout.")
    ap.add_argument("root", nargs="?", type=Path, default=None,
                    help="repository root holding tests/validation, docs/ and README.md (default: the first "
                         "such folder from the working directory up)")
    args = ap.parse_args(argv)
    root = args.root if args.root is not None else _repo_root()
    cases = root / "tests" / "validation"
    if not cases.is_dir():
        print(f"error: {cases} is not a folder: give the root of a source checkout of agriremed "
              "(it holds tests/validation)", file=sys.stderr)
        return 2
    out = root / "docs" / "validation.md"
    out.write_text(validation_markdown(cases), encoding="utf-8")
    print(f"wrote {out}")
    readme = root / "README.md"
    readme.write_text(update_readme(readme.read_text(encoding="utf-8"), readme_blocks(root)), encoding="utf-8")
    print(f"wrote {readme} (skill blocks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
