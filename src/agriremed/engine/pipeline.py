"""The plan as phases over one run context: what each phase reads, writes and needs.

A plan runs seven phases in order, each a few stages of :mod:`agriremed.stages`::

    early ─▶ years ─▶ energy ─▶ pv ─▶ carbon ─▶ economics ─▶ ranking

Every :class:`Phase` declares the scenario fields it reads (``reads``), the stage results
it uses (``uses``) and gives (``gives``), and the phases whose results it depends on
(``after``). The engine needs nothing else to recompute part of a plan: after a scenario
change, :func:`phases_to_rerun` gives the phases that read a changed field and every phase
after them that depends on one of those, and :func:`run_phases` reruns exactly those on
the kept :class:`StageResults` (:func:`agriremed.engine.plan.replan`). A scenario field
no late phase declares belongs to the ``early`` phase, so a new field is recomputed from
the start until it is declared elsewhere.

:class:`RunContext` holds what every phase reads besides the stage results: the scenario,
the tables with the scenario's overrides applied, the reporting currency, the notes, and
whether the long per-year tables (``detail``) and which sentences (``text_rows``) are
built.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from agriremed.core import columns as C
from agriremed.core import frames as _frames
from agriremed.core.messages import Message, render
from agriremed.core.names import UNLISTED_CROP
from agriremed.core.scenario import Scenario, ScenarioError
from agriremed.core.tables import NOT_RECOMMENDED, Tables, load_tables
from agriremed.core.uncertainty import draw_seed
from agriremed.engine import assemble
from agriremed.io.validate import Validation
from agriremed.stages import biomass as biomass_mod
from agriremed.stages import carbon as carbon_mod
from agriremed.stages import duration as duration_mod
from agriremed.stages import economics as economics_mod
from agriremed.stages import energy as energy_mod
from agriremed.stages import options as options_mod
from agriremed.stages import solar as solar_mod
from agriremed.stages import soil as soil_mod
from agriremed.stages import advice as advice_mod
from agriremed.stages import uptake as uptake_mod

__all__ = ["RunContext", "StageResults", "Phase", "PHASES", "LATE_FIELDS", "phase", "phases_to_rerun",
           "missing_results", "run_phases", "with_all_input_columns"]


@dataclasses.dataclass(frozen=True)
class RunContext:
    """What every phase of a plan reads besides the stage results.

    Parameters
    ----------
    scenario : Scenario
        The scenario planned (seed included).
    tables : Tables
        Literature tables with the scenario's overrides, heat user and biochar choice applied.
    money : (str, float)
        Reporting currency and CNY per unit of it.
    notes : tuple of str
        Notes of the plan (reader, validation, biochar choice, rule set, currency).
    detail : bool
        Build the long per-year tables (trajectories, carbon by year, ledger by term, scores).
    text_rows : {"all", "recommended"}
        Plan rows whose sentences are rendered (:func:`agriremed.engine.plan.plan`).
    """

    scenario: Scenario
    tables: Tables = dataclasses.field(repr=False)
    money: tuple = ("CNY", 1.0)
    notes: tuple = ()
    detail: bool = True
    text_rows: str = "all"

    @property
    def horizon(self) -> int:
        """Planning horizon [yr]."""
        return self.scenario.horizon_yr

    @property
    def n_draws(self) -> int:
        """Monte Carlo draws per parameter."""
        return self.scenario.mc_draws

    @property
    def seed(self):
        """Seed of the draws, with the sampling design (:func:`agriremed.core.uncertainty.draw_seed`)."""
        return draw_seed(self.scenario.seed, self.scenario.sampling)


@dataclasses.dataclass
class StageResults:
    """The outputs of the stages of one plan, by phase (``None``: not computed or not kept).

    Every table is row-aligned with ``opts`` (plot × option, plot-major) unless said otherwise.
    """

    # early: validation, soil, uptake, options, biomass, crop compliance, clean-up removal
    v: Validation | None = None  #: validation of the plot table
    P: pd.DataFrame | None = None  #: valid plots with every input column
    screened: pd.DataFrame | None = None  #: plot × metal screening
    soil_plot: pd.DataFrame | None = None  #: plot soil classes
    uptake: pd.DataFrame | None = None  #: plot × crop × metal predictions (and the unassessed)
    opts: pd.DataFrame | None = None  #: plot × option rows with applicability and reasons
    grid: object = None  #: the plot × option grid (:class:`agriremed.core.frames.Grid`)
    bio: pd.DataFrame | None = None  #: harvested biomass
    bio_draws: object = None  #: biomass Monte Carlo draws
    compliance: pd.DataFrame | None = None  #: crop compliance outcome
    targets: pd.DataFrame | None = None  #: target soil concentrations
    food_standard: object = None  #: the food standard: one name, or a Series of names by plot id
    removal: object = None  #: clean-up removal inputs
    # years: years to target, trajectories, yearly crop schedule
    by_metal: pd.DataFrame | None = None
    duration: pd.DataFrame | None = None
    trajectories: pd.DataFrame | None = None
    schedule: object = None
    seasons: pd.DataFrame | None = None
    # energy: metal fate and bioenergy of the harvest; pv: PV electricity
    metal_fate: pd.DataFrame | None = None
    energy_biomass: pd.DataFrame | None = None
    energy: pd.DataFrame | None = None
    pv_yields: pd.DataFrame | None = None
    # carbon
    carbon_ledger: pd.DataFrame | None = None
    carbon: pd.DataFrame | None = None
    carbon_by_year: pd.DataFrame | None = None
    # economics
    economics: pd.DataFrame | None = None
    # ranking: plan table, summary, ranking, score table
    table: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None
    ranking: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None
    #: Results a phase has computed (a computed result may be ``None``, e.g. no draws).
    computed: frozenset = frozenset()

    def kept(self, names) -> StageResults:
        """A copy holding only the results ``names`` (the others ``None``)."""
        keep = set(names)
        return StageResults(**{f.name: getattr(self, f.name) if f.name in keep else None
                               for f in dataclasses.fields(self) if f.name != "computed"},
                            computed=frozenset(self.computed & keep))

    def present(self) -> set[str]:
        """Names of the results held (computed by a phase, or given)."""
        return set(self.computed) | {f.name for f in dataclasses.fields(self)
                                     if f.name != "computed" and getattr(self, f.name) is not None}


@dataclasses.dataclass(frozen=True)
class Phase:
    """One phase of the plan: a few stages run together.

    Parameters
    ----------
    name : str
        Phase name.
    reads : frozenset of str
        Scenario fields the phase reads (the ``early`` phase: every field no other phase declares).
    uses : tuple of str
        Stage results (:class:`StageResults` fields) the phase reads.
    gives : tuple of str
        Stage results the phase writes.
    after : tuple of str
        Phases whose results this one depends on: it is rerun when one of them is.
    steps : int
        Stages it counts on the progress bar (:data:`agriremed.engine.plan.STAGES`).
    run : callable
        ``run(ctx, results, bar) -> dict`` of the results it gives (``bar``: the progress
        bar it advances by ``steps``).
    """

    name: str
    reads: frozenset
    uses: tuple
    gives: tuple
    after: tuple
    steps: int
    run: Callable = dataclasses.field(repr=False)


# ---- the phases ------------------------------------------------------------------------------

#: Input columns that validation adds only where the input needs them (``crop_as_written``: where a row grows a
#: crop not in the library, or a chunk of such an input), so that the summary carries them only then.
ONLY_WHERE_GIVEN = frozenset({"crop_as_written"})


def with_all_input_columns(plots: pd.DataFrame) -> pd.DataFrame:
    """Valid plots with every registered numeric and text input column present (but those of
    :data:`ONLY_WHERE_GIVEN`).

    A column absent from the user's table is *not measured*: it becomes blank (NaN or
    None), so every stage can rely on the column and gives blank results where it needs
    the value. Validation has already warned about absent recommended columns.
    """
    n = len(plots)
    missing = {name: (np.full(n, np.nan) if spec.dtype in ("float", "int") else np.full(n, None, dtype=object))
               for name, spec in C.COLUMNS.items()
               if spec.role == "input" and name not in plots.columns and name not in ONLY_WHERE_GIVEN}
    if not missing:
        return plots.copy()
    return pd.concat([plots.reset_index(drop=True), pd.DataFrame(missing)], axis=1)


def uptake_functions_text(pred: pd.DataFrame, plot_ids) -> np.ndarray:
    """The transfer function that predicts each metal in each plot's current crop, as text
    (``'cd: synth_rice_cd_ph_hunan'``, '; '-joined by metal; ``''`` where none), so that the summary
    says which function, the user's own or a packaged one, stands behind the plot's crop risk; a
    user's fit skipped for an input beyond the range of its data is named after the function used
    (``'cd: synth_rice_cd_ph_hunan (not yx_rice_cd: ph = 7.5 outside its fitted range 5–5.96) (carrying on
    yx_rice_cd from the end of its range, extrapolated)'``: the fit's value at the end of its data, carried
    on by the change the function used predicts from there)."""
    pid = _frames.obj(plot_ids)
    out = np.full(len(pid), "", dtype=object)
    if pred.empty:
        return out
    fit = (_frames.obj(pred["user_fit_skipped"]) if "user_fit_skipped" in pred
           else np.full(len(pred), "", dtype=object))
    ex = _frames.obj(pred["extrapolated"]) if "extrapolated" in pred else np.full(len(pred), None, dtype=object)
    # carried on from the end of a preferred function's range (predict._carry_beyond): the step is known there
    step = (np.isfinite(pred["user_fit_edge_ratio"].to_numpy(float)) if "user_fit_edge_ratio" in pred
            else np.zeros(len(pred), bool))
    note_msg = _frames.obj(pred["note_msg"]) if "note_msg" in pred else np.full(len(pred), "", dtype=object)
    carried = [next((dict(p).get("function", "") for c, p in Message.decode(x).parts if c == "upt.fit_extended"), "")
               if isinstance(x, str) and x else "" for x in note_msg]
    item = [f"{m}: {f}" + (" (not " + re.sub(r" \((.*)\)$", r": \1", k) + ")" if isinstance(k, str) and k else "")
            + ((f" (carrying on {c} from the end of its range, extrapolated)" if c and s
                else " (at the edge of its validity range, extrapolated)") if isinstance(e, (bool, np.bool_)) and e
               else "")
            for m, f, k, e, s, c in zip(_frames.obj(pred["metal"]), _frames.obj(pred["function_id"]), fit, ex, step,
                                        carried, strict=True)]
    joined = _frames.joined_by(pred["plot_id"], item, "; ")
    at = _frames.positions(joined.index.to_numpy(object), pid)
    found = at >= 0
    out[found] = joined.to_numpy(object)[at[found]]
    return out


def _notes_by_plot(pairs, pid: np.ndarray) -> np.ndarray:
    """Per plot of ``pid``, its notes of ``pairs`` ((plot id, Message), in order) joined by ``rec.with_note``
    and encoded; ``''`` where a plot has none."""
    notes: dict = {}
    for plot, msg in pairs:
        notes[plot] = msg if plot not in notes else Message.of("rec.with_note", sentence=notes[plot], note=msg)
    out = np.full(len(pid), "", dtype=object)
    if notes:
        at = _frames.positions(np.array(list(notes), dtype=object), pid)
        out[at >= 0] = np.array([m.encode() for m in notes.values()], dtype=object)[at[at >= 0]]
    return out


def assumed_inputs_of(pred: pd.DataFrame, plot_ids) -> tuple[np.ndarray, np.ndarray]:
    """Per plot, the soil covariates assumed for its current crop's transfer functions (blank on the
    sheet; typical values of ``covariate_defaults.csv``): the text of ``uptake_assumed_inputs``
    (``'cd: som_pct = 2.5 %, clay_pct = 20 %'``, '; '-joined by metal; ``''`` where none) and the
    encoded note closing the recommendation (message ``rec.assumed_inputs``, one per metal)."""
    pid = _frames.obj(plot_ids)
    text = np.full(len(pid), "", dtype=object)
    notes = np.full(len(pid), "", dtype=object)
    if pred.empty or "assumed_inputs" not in pred:
        return text, notes
    took = _frames.obj(pred["assumed_inputs"])
    rows = np.flatnonzero(np.array([isinstance(t, str) and t != "" for t in took], bool))
    if not len(rows):
        return text, notes
    metal, rid = _frames.obj(pred["metal"]), _frames.obj(pred["plot_id"])
    items: dict = {}
    for i in rows:
        items.setdefault(rid[i], []).append(f"{metal[i]}: {uptake_mod.assumed_inputs_text(took[i])}")
    at = _frames.positions(np.array(list(items), dtype=object), pid)
    text[at >= 0] = np.array(["; ".join(v) for v in items.values()], dtype=object)[at[at >= 0]]
    notes = _notes_by_plot(((rid[i], Message.of("rec.assumed_inputs", metal=metal[i], inputs=took[i]))
                            for i in rows), pid)
    return text, notes


def over_predicted_notes(pred: pd.DataFrame, plot_ids, tables: Tables) -> np.ndarray:
    """Per plot, the note that its current crop's prediction of a metal is conservative: the transfer
    function giving it is documented to over-predict independent surveys (``known_bias`` over_predicts of
    ``transfer_functions.csv``, :meth:`~agriremed.core.tables.Tables.over_predicting_functions`, the lookup
    the minor-risk rule of :data:`agriremed.stages.options.MINOR_RISK_FAMILY` reads); message
    ``rec.over_predicts``, one per crop and metal, joined by ``rec.with_note``, encoded; ``''`` where none.
    No number changes: the note says which way the prediction errs."""
    pid = _frames.obj(plot_ids)
    out = np.full(len(pid), "", dtype=object)
    if pred.empty or "function_id" not in pred:
        return out
    biased = np.isin(_frames.obj(pred["function_id"]), list(tables.over_predicting_functions()))
    if "assessed" in pred:
        biased &= pred["assessed"].fillna(False).astype(bool).to_numpy()
    rows = np.flatnonzero(biased)
    if not len(rows):
        return out
    crop, metal, rid = _frames.obj(pred["crop"]), _frames.obj(pred["metal"]), _frames.obj(pred["plot_id"])
    once = dict.fromkeys((rid[i], crop[i], metal[i]) for i in rows)  # one note per plot, crop and metal, in order
    return _notes_by_plot(((r, Message.of("rec.over_predicts", crop=c, metal=m)) for r, c, m in once), pid)


def packaged_instead_of_fit(P: pd.DataFrame, pred: pd.DataFrame, tables: Tables) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``pred`` predicted by a function fitted to the user's pairs (``user_function``), the
    packaged function the plot would take without the user's fits and the ratio of its median crop concentration
    to the fit's (both as sold, at the plot's own inputs, with the same rice-type and karst factors); ``''`` and
    NaN elsewhere, or where no packaged function predicts the plot. The plan's sentence names them
    (``rec.user_fit_packaged``), so a decision a county's fit changes is not read as the packaged prediction."""
    fid = np.full(len(pred), "", dtype=object)
    ratio = np.full(len(pred), np.nan)
    if pred.empty or "user_function" not in pred:
        return fid, ratio
    own = pred["user_function"].fillna(False).astype(bool).to_numpy()
    if not own.any():
        return fid, ratio
    tf = tables.transfer_functions
    packaged = tables.replace(transfer_functions=tf.loc[~tf["function_id"].isin(
        list(uptake_mod.user_fitted_functions(tables)))].reset_index(drop=True))
    ids = _frames.obj(pred["plot_id"])[own]
    sub = P.loc[np.isin(_frames.obj(P["plot_id"]), ids)].reset_index(drop=True)
    alt, _ = uptake_mod.predict_and_unassessed(sub, tables=packaged)
    if alt.empty:
        return fid, ratio
    key = ["plot_id", "crop", "metal"]
    alt = alt[key + ["function_id", "crop_fw_p50_mg_kg"]].drop_duplicates(key)
    both = pred.loc[own, key + ["crop_fw_p50_mg_kg"]].merge(alt, on=key, how="left", suffixes=("", "_alt"))
    rows = np.flatnonzero(own)
    fid[rows] = both["function_id"].fillna("").to_numpy(object)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio[rows] = both["crop_fw_p50_mg_kg_alt"].to_numpy(float) / both["crop_fw_p50_mg_kg"].to_numpy(float)
    return fid, ratio


def _fit_data(tables: Tables | None, function: str) -> Message:
    """What a function fitted to the user's pairs was fitted on (``rec.user_fit_data``: the number of pairs, the
    data file of its ``sources.csv`` row, R²), from its ``transfer_functions.csv`` row, and, where its
    ``fit_verdict`` is ``not_recommended`` (``fit-uptake`` found that its terms predict new pairs no better than a
    simpler model), that verdict (``rec.user_fit_weak``); an empty message where the tables do not say."""
    if tables is None:
        return Message()
    tf = tables.transfer_functions
    row = tf.loc[tf["function_id"] == function]
    if row.empty:
        return Message()
    r = row.iloc[0]
    n = pd.to_numeric(pd.Series([r.get("n")]), errors="coerce").iloc[0]
    r2 = pd.to_numeric(pd.Series([r.get("r2")]), errors="coerce").iloc[0]
    if not (np.isfinite(n) and np.isfinite(r2)):
        return Message()
    src = tables.sources
    data = src.loc[src["key"] == r.get("source"), "doi_or_url"] if "doi_or_url" in src else pd.Series(dtype=object)
    data = "" if data.empty or pd.isna(data.iloc[0]) else str(data.iloc[0]).strip()
    v = r.get("fit_verdict")
    weak = isinstance(v, str) and v.strip() == NOT_RECOMMENDED
    verdict = Message.of("rec.user_fit_weak", command="fit-uptake") if weak else Message()
    if data:
        return Message.of("rec.user_fit_data", pairs=int(n), data=data, r2=float(r2), verdict=verdict)
    return Message.of("rec.user_fit_pairs", pairs=int(n), r2=float(r2), verdict=verdict)


def user_fit_notes(pred: pd.DataFrame, plot_ids, tables: Tables | None = None,
                   packaged: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Per plot, the note that a function fitted to the user's pairs was carried on beyond the range of its
    data for its crop (message ``rec.user_fit_skipped``, with ``rec.user_fit_edge``, the step the fallback
    alone would take at the end of the fit's range; one per metal), and the notes of the other predictions
    beyond a range (``rec.edge_evaluated``, ``rec.fit_extended``, ``rec.ph_kcl_held``), joined by
    ``rec.with_note``, encoded; ``''`` where none (the karst/geogenic adjustment of a plot given
    ``high_background`` yes: :func:`geogenic_notes`, for every crop the sentence compares).

    A metal predicted by a function fitted to the user's pairs inside the range of its data (``user_function``)
    gets ``rec.user_fit_used``: the fit's id, what it was fitted on (pairs, data file, R²; from ``tables``) and,
    where ``packaged`` (:func:`packaged_instead_of_fit`) gives it, the packaged function the plot would take
    without the fit and how much more or less it predicts there.

    The plan's sentence then says which function its crop risk comes from instead of presenting the
    user's fit, or the packaged function, silently (issue 15: no silent switches)."""
    pid = _frames.obj(plot_ids)
    out = np.full(len(pid), "", dtype=object)
    if pred.empty or "user_fit_skipped" not in pred:
        return out
    fit = _frames.obj(pred["user_fit_skipped"])
    rows = np.flatnonzero(np.array([isinstance(k, str) and k != "" for k in fit], bool))
    fid, metal, rid = _frames.obj(pred["function_id"]), _frames.obj(pred["metal"]), _frames.obj(pred["plot_id"])
    used = (np.flatnonzero(pred["user_function"].fillna(False).astype(bool).to_numpy()) if "user_function" in pred
            else np.zeros(0, int))
    alt_fid, alt_ratio = packaged if packaged is not None else (np.full(len(pred), "", dtype=object),
                                                                 np.full(len(pred), np.nan))
    fit_used = []
    for i in used:
        other = (Message.of("rec.user_fit_packaged", function=alt_fid[i], ratio=float(alt_ratio[i]))
                 if isinstance(alt_fid[i], str) and alt_fid[i] and np.isfinite(alt_ratio[i])
                 else Message.of("rec.user_fit_no_packaged"))
        fit_used.append((rid[i], Message.of("rec.user_fit_used", metal=metal[i], function=fid[i],
                                            fitted=_fit_data(tables, fid[i]), packaged=other)))
    # a metal predicted at the edge of its function's validity range (no function inside it): said too
    flags = _frames.obj(pred["extrapolated"]) if "extrapolated" in pred else np.zeros(0, dtype=object)
    at_edge = np.flatnonzero(np.array([isinstance(x, (bool, np.bool_)) and bool(x) for x in flags], bool))
    note_msg = _frames.obj(pred["note_msg"]) if "note_msg" in pred else np.full(len(pred), "", dtype=object)
    if not len(rows) and not len(at_edge) and not fit_used:
        return out
    ratio = pred["user_fit_edge_ratio"].to_numpy(float)
    edge = [Message.of("rec.user_fit_edge", function=fid[i], ratio=float(ratio[i])) if np.isfinite(ratio[i])
            else Message() for i in rows]
    pairs = fit_used + [(rid[i], Message.of("rec.user_fit_skipped", metal=metal[i], function=fid[i], skipped=fit[i],
                                            edge=e)) for i, e in zip(rows, edge, strict=True)]
    crop = _frames.obj(pred["crop"])
    for i in at_edge:  # each way the prediction went beyond a range (its note), said once per metal
        parts = Message.decode(note_msg[i]).parts if isinstance(note_msg[i], str) and note_msg[i] else ()
        for code, p in parts:
            p = dict(p)
            if code == "upt.edge_evaluated":
                pairs.append((rid[i], Message.of("rec.edge_evaluated", metal=metal[i], crop=crop[i],
                                                 reasons=p.get("reasons", ""))))
            elif code == "upt.fit_extended" and not (isinstance(fit[i], str) and fit[i]):  # a user's fit: above
                pairs.append((rid[i], Message.of("rec.fit_extended", metal=metal[i], function=p.get("function", ""),
                                                 reasons=p.get("reasons", ""), fallback=p.get("fallback", ""))))
            elif code == "upt.ph_kcl_held":
                pairs.append((rid[i], Message.of("rec.ph_kcl_held", metal=metal[i], kcl=p.get("kcl"),
                                                 ph=p.get("ph"))))
    return _notes_by_plot(pairs, pid)


def geogenic_notes(preds: dict, plot_ids) -> np.ndarray:
    """Per plot, the karst/geogenic adjustment of each crop predicted for it (``preds``: ``"current"`` and each
    crop an option grows → the predictions of :func:`agriremed.stages.uptake.predict_crop_concentration`), as one
    encoded message whose parts are ``rec.geogenic_crop`` (crop, metal, factor, surveys and sources of an
    adjustment applied: ``upt.geogenic`` of the prediction) and ``rec.geogenic_not_applied`` (crop, metal and the
    provinces of an adjustment a plot given ``high_background`` yes does not get outside them:
    ``upt.geogenic_not_applied``); ``''`` where none. The summary keeps those of the crops its sentence compares
    (the crop grown, the recommended option's and the runner-up's: issue 16, F4) and says them
    (:func:`agriremed.engine.assemble.summary_table`)."""
    pid = _frames.obj(plot_ids)
    pairs, seen = [], set()
    for key in ["current"] + sorted(k for k in preds if k != "current"):
        pred = preds[key]
        if pred is None or pred.empty or "note_msg" not in pred:
            continue
        note_msg = _frames.obj(pred["note_msg"])
        has = np.flatnonzero(np.array([isinstance(x, str) and "upt.geogenic" in x for x in note_msg], bool))
        if not len(has):
            continue
        crop, metal, rid = _frames.obj(pred["crop"]), _frames.obj(pred["metal"]), _frames.obj(pred["plot_id"])
        for i in has:
            if (rid[i], crop[i], metal[i]) in seen:  # a crop every plot grows: its prediction is the current one
                continue
            seen.add((rid[i], crop[i], metal[i]))
            for code, p in Message.decode(note_msg[i]).parts:
                p = dict(p)
                if code == "upt.geogenic":
                    pairs.append((rid[i], Message.of(
                        "rec.geogenic_crop", crop=crop[i], metal=metal[i], factor=p.get("factor"),
                        sources=p.get("sources", ""),
                        surveys=p.get("surveys", Message.of("upt.geogenic_one_survey")))))
                elif code == "upt.geogenic_not_applied":
                    pairs.append((rid[i], Message.of("rec.geogenic_not_applied", crops=crop[i], metals=metal[i],
                                                     provinces=p.get("provinces", ""))))
    out = np.full(len(pid), "", dtype=object)
    if not pairs:
        return out
    by_plot: dict = {}
    for r, m in pairs:
        by_plot[r] = by_plot.get(r, Message()) + m
    at = {r: i for i, r in enumerate(pid)}
    for r, m in by_plot.items():
        if r in at:
            out[at[r]] = m.encode()
    return out


def _field_plot_classes(P: pd.DataFrame, screened: pd.DataFrame, county, others, ctx: RunContext) -> pd.DataFrame:
    """Each plot's class (:func:`agriremed.stages.soil.plot_classes`), the season rows of one field (``field_id``)
    with the strictest class of the field's rows: those of ``P`` and, in a chunk of a larger input, the field's
    rows read in other chunks (``others``: :attr:`agriremed.io.validate.Validation.field_rows_in_input`)."""
    pid = P["plot_id"].to_numpy(object)
    field = _frames.obj(P["field_id"]) if "field_id" in P else None
    if field is None or others is None or not len(others) or "field_id" not in others:
        return soil_mod.plot_classes(screened, pid, county, field)
    others = others.loc[~np.isin(_frames.obj(others["plot_id"]), pid)].reset_index(drop=True)
    if not len(others):
        return soil_mod.plot_classes(screened, pid, county, field)
    scr = soil_mod.screen(others, ctx.tables, ctx.scenario.threshold_set, ctx.scenario.rotation_screening)
    cty = _frames.obj(others["soil_class_county"]) if county is not None and "soil_class_county" in others else (
        np.full(len(others), None, dtype=object) if county is not None else None)
    both = pd.concat([soil_mod.plot_classes(screened, pid, county),
                      soil_mod.plot_classes(scr, _frames.obj(others["plot_id"]), cty)], ignore_index=True)
    out = soil_mod.field_classes(both, np.concatenate([field, _frames.obj(others["field_id"])]))
    return out.iloc[:len(pid)].reset_index(drop=True)


def _with_field_class(P: pd.DataFrame, soil_plot: pd.DataFrame) -> pd.DataFrame:
    """``P`` with ``soil_class_field``, the class a plot takes from another season row of its field
    (:func:`agriremed.stages.soil.field_classes`; None elsewhere), where some plot does: clean-up of this row's
    soil does not lift it, so the edible crop does not return after the option's target
    (:func:`agriremed.stages.duration.compliance_by_year`). ``P`` itself where none does."""
    if "field_class_row" not in soil_plot:
        return P
    by_field = _frames.obj(soil_plot["soil_class_basis"]) == soil_mod.FIELD_BASIS
    cls = np.where(by_field, _frames.obj(soil_plot["soil_class"]), None).astype(object)
    return P.assign(soil_class_field=_frames.take(cls, _frames.positions(soil_plot["plot_id"], P["plot_id"]), None))


def _early(ctx: RunContext, r: StageResults, bar) -> dict:
    """Soil, uptake, options, biomass, crop compliance and clean-up removal."""
    scenario, tables = ctx.scenario, ctx.tables
    # a blank plough-layer depth or bulk density: the typical value (covariate_defaults.csv), said in the sentence
    P = soil_mod.with_soil_mass_defaults(with_all_input_columns(r.v.plots), tables)
    screened = soil_mod.screen(P, tables, scenario.threshold_set, scenario.rotation_screening)
    # the county's class, where the input has it, governs the plan where it is stricter
    county = _frames.obj(P["soil_class_county"]) if "soil_class_county" in r.v.plots else None
    # the season rows of one field (field_id) are one soil: each takes the field's strictest class, its rows in
    # other chunks of a larger input included
    soil_plot = _field_plot_classes(P, screened, county, getattr(r.v, "field_rows_in_input", None), ctx)
    bar.update()
    pred, unassessed = uptake_mod.predict_and_unassessed(P, tables=tables)
    std = advice_mod.plan_food_standards(P, scenario, tables)
    checked = uptake_mod.food_safety(pred, std, tables)
    unassessed, soil_plot = _unassessed_above_screening(unassessed, screened, soil_plot, std, tables)
    # a metal value within the spread of duplicate analyses of a class boundary, or a pH within the duplicate
    # tolerance of a pH band edge, where the other side changes the class
    near = soil_mod.near_class_boundary(screened, soil_plot["plot_id"], tables, plots=P, set_id=scenario.threshold_set,
                                        rotation_screening=scenario.rotation_screening)
    soil_plot = soil_plot.assign(near_class_boundary=near["near_class_boundary"].to_numpy(object),
                                 near_class_boundary_msg=near["near_class_boundary_msg"].to_numpy(object),
                                 uptake_functions=uptake_functions_text(pred, soil_plot["plot_id"]),
                                 user_fit_msg=user_fit_notes(pred, soil_plot["plot_id"], tables,
                                                             packaged_instead_of_fit(P, pred, tables)))
    assumed_text, assumed_msg = assumed_inputs_of(pred, soil_plot["plot_id"])
    soil_plot = soil_plot.assign(uptake_assumed_inputs=assumed_text, assumed_msg=assumed_msg,
                                 over_predicts_msg=over_predicted_notes(checked, soil_plot["plot_id"], tables))
    bar.update()
    try:
        opts = options_mod.evaluate_options(P, soil_plot, tables, scenario.options, crop_risk=checked,
                                            rule_set=advice_mod.plan_rule_sets(P, scenario, tables),
                                            render=ctx.text_rows == "all", abroad=_abroad(P, tables),
                                            lat_from=_lat_from(P, tables))
    except ValueError as exc:
        if "rule set" not in str(exc):
            raise
        raise ScenarioError(f"scenario field rule_set = {scenario.rule_set!r} is invalid: {exc}") from exc
    bar.update()
    preds = {"current": pred}
    lib = tables.indexed("options", "option_id")
    grown = set(lib.loc[pd.unique(_frames.obj(opts["option_id"])), "food_crop"]) - {"current", "none"}
    crops = _frames.obj(P["crop"])
    for fc in sorted(grown):  # a crop every plot already grows has the current prediction
        preds[fc] = pred if len(crops) and (crops == fc).all() else \
            uptake_mod.predict_crop_concentration(P, crop=fc, tables=tables, warn=False)
    # the karst/geogenic adjustment of each crop predicted (applied, or not outside its provinces): the sentence
    # says those of the crops it compares
    soil_plot = soil_plot.assign(geogenic_msg=geogenic_notes(preds, soil_plot["plot_id"]))
    grid = _frames.Grid.of(opts, P, tables.options["option_id"])
    n_draws, seed_ = ctx.n_draws, ctx.seed
    bio, bio_draws = biomass_mod.harvested_biomass(opts, tables, n_draws, seed_, plots=P, soil_plot=soil_plot,
                                                   grid=grid)
    bar.update()
    # the compliance draws are the same at every plan seed (common random numbers): no ranking gate
    # turns on their seed-to-seed noise (duration.COMPLIANCE_SEED)
    compliance = duration_mod.crop_compliance_outcome(opts, preds, P, std, tables,
                                                      n_draws, duration_mod.compliance_seed(seed_), grid=grid)
    targets = duration_mod.target_concentrations(P, screened, tables, scenario.target, std,
                                                 scenario.target_compliance_prob)
    removal = duration_mod.removal_inputs(opts, P, screened, bio, tables, n_draws, seed_, bio_draws, targets,
                                          grid=grid)
    uptake_table = checked.assign(assessed=True, not_assessed_reason="", not_assessed_reason_msg="")
    if len(unassessed):
        uptake_table = pd.concat([uptake_table, unassessed.rename(columns={"reason": "not_assessed_reason",
                                                                           "reason_msg": "not_assessed_reason_msg"})
                                  .assign(assessed=False)], ignore_index=True)
    # plot by plot (input order), so that a plan in chunks gives the same table
    order = np.argsort(_frames.positions(P["plot_id"], uptake_table["plot_id"]), kind="stable")
    uptake_table = uptake_table.iloc[order].reset_index(drop=True)
    return {"P": P, "screened": screened, "soil_plot": soil_plot, "uptake": uptake_table, "opts": opts,
            "grid": grid, "bio": bio, "bio_draws": bio_draws, "compliance": compliance, "targets": targets,
            "removal": removal, "food_standard": std}


def _abroad(P: pd.DataFrame, tables) -> pd.Series:
    """Per plot id: the plot lies outside China (its region names another country:
    :func:`agriremed.stages.advice.region_in_china` False; a plot without a region, or one naming no known
    place, is planned as a plot in China), for the latitude limits of the options stage."""
    pid = _frames.obj(P["plot_id"])
    if "region" not in P:
        return pd.Series(np.zeros(len(pid), bool), index=pid)
    out = _frames.per_distinct(lambda r: advice_mod.region_in_china(r, tables) is False, _frames.obj(P["region"]))
    return pd.Series(np.asarray(out, bool), index=pid)


def _lat_from(P: pd.DataFrame, tables) -> pd.DataFrame:
    """Per plot id (index): where a plot without ``lat`` lies, from its region
    (:func:`agriremed.stages.solar.latitude_from_region`), for the latitude limits of the options stage."""
    pid = _frames.obj(P["plot_id"])
    region = _frames.obj(P["region"]) if "region" in P else np.full(len(pid), "", dtype=object)
    out = solar_mod.latitude_from_region(region, tables)
    out.index = pd.Index(pid)
    return out


def _unassessed_above_screening(unassessed: pd.DataFrame, screened: pd.DataFrame, soil_plot: pd.DataFrame,
                                food_standard: str | None = None, tables: Tables | None = None):
    """The unassessed plot × metal pairs whose soil metal is above its screening value, and
    ``soil_plot`` with ``metals_not_assessed`` (those metals, '+'-joined, '' if none) and
    ``metals_no_food_limit`` (the metals above screening for which the food standard sets no limit in the crop,
    '+'-joined, '' if none: not assessed either, for want of a limit, and said so by ``no_food_limit_msg``).

    A metal for which the food standard sets no limit in the plot's crop (Cu and Zn under
    GB 2762) is not a metal "not assessed": its reason says the standard sets no limit and
    it is left out of ``metals_not_assessed``. A metal whose limit in the crop the library
    may lack (:func:`agriremed.stages.advice.food_limit_gaps`: EU 2023/915 Pb in wheat) stays
    "not assessed", to be measured in the harvest. A metal whose crop has transfer functions for it, none of
    which could be used on the plot (no pH, planned where its class is the same at every pH band; a pH outside
    the domain of the functions; upland rice; missing inputs), is listed whatever its concentration: the crop
    risk below the screening value depends on the pH and the soil too. A metal for which the crop has no
    transfer function at all is listed above its screening value only (below it the screening value is the
    assessment)."""
    u = uptake_mod.above_screening(unassessed, screened)
    if len(unassessed) and "reason_msg" in unassessed:
        # a crop with transfer functions for the metal that none could predict on the plot (no pH, a pH
        # outside the domain, upland rice, functions of other provinces only, missing inputs): listed whatever
        # the soil's class, for below the screening value the crop risk depends on pH and soil too (no silent
        # switch from a prediction to nothing where an input crosses a function's limit)
        codes = [Message.decode(e).codes[:1] if isinstance(e, str) and e else () for e in
                 _frames.obj(unassessed["reason_msg"])]
        has_fn = np.array([bool(c) and c[0] not in NO_FUNCTION_REASONS for c in codes], bool)
        if has_fn.any():
            keys = set(zip(_frames.obj(u["plot_id"]), _frames.obj(u["metal"]), strict=True))
            more = unassessed.loc[has_fn & ~np.array([(p, m) in keys for p, m in zip(
                _frames.obj(unassessed["plot_id"]), _frames.obj(unassessed["metal"]), strict=True)], bool)]
            u = pd.concat([u, more], ignore_index=True) if len(more) else u
    listed = u
    if food_standard is not None and len(u):
        std = uptake_mod.row_standards(food_standard, _frames.obj(u["plot_id"]))
        has_limit = advice_mod.food_limit_metals(_frames.obj(u["crop"]), _frames.obj(u["metal"]),
                                                 std, tables or load_tables())
        # a limit the library may lack (EU 2023/915: Pb in wheat) keeps the metal not assessed
        has_limit = has_limit | advice_mod.food_limit_gaps(_frames.obj(u["crop"]), _frames.obj(u["metal"]),
                                                           std, tables or load_tables())
        std = np.full(len(u), std, dtype=object) if isinstance(std, str) else std
        metal = _frames.obj(u["metal"]) + "\t" + std  # a message and its text once per metal and standard
        msg = _frames.per_distinct(lambda k: Message.of("upt.no_food_limit", standard=k.split("\t")[1],
                                                        metal=k.split("\t")[0].capitalize()).encode(), metal)
        reason = _frames.per_distinct(lambda m: render(m, "en"), msg)
        # the limit the harvest is to be tested against (crop_uptake.csv and the sentence)
        limit, species = uptake_mod.predict.limits_for_crops(_frames.obj(u["crop"]), _frames.obj(u["metal"]), std,
                                                             tables or load_tables())
        u = u.assign(reason=np.where(has_limit, _frames.obj(u["reason"]), reason),
                     reason_msg=np.where(has_limit, _frames.obj(u["reason_msg"]), msg), standard_=std,
                     food_limit_mg_kg=limit, limit_species=species)
        listed = u.loc[has_limit]
    joined = _frames.joined_by(listed["plot_id"], listed["metal"], "+") if len(listed) \
        else pd.Series(dtype=object)
    pid = _frames.obj(soil_plot["plot_id"])
    at = _frames.positions(joined.index.to_numpy(object), pid) if len(joined) else None
    text = _frames.take(_frames.obj(joined), at, "") if len(joined) else np.full(len(pid), "", dtype=object)
    # each plot's metals with their reasons, one line per metal, → the sentence's message (which
    # names no transfer function by its id: crop_uptake.csv keeps them)
    reason = (_frames.per_distinct(_sentence_reason, _frames.obj(listed["crop"]), _frames.obj(listed["reason_msg"]))
              if len(listed) else np.empty(0, dtype=object))
    why = _frames.joined_by(listed["plot_id"], _frames.obj(listed["metal"]) + "\t" + reason + _limit_fields(listed),
                            "\n") if len(listed) else None
    msg = np.full(len(pid), "", dtype=object)
    if why is not None:
        keys = _frames.take(_frames.obj(why), at, None)
        has = ~pd.isna(keys)
        msg[has] = _frames.per_distinct(lambda k: not_assessed_message(k).encode(), keys[has])
    # metals above screening for which the standard sets no limit in the crop (Ni in wheat, Cu in
    # tea): not "not assessed", but the sentence says why the crop is not checked for them
    no_limit = np.full(len(pid), "", dtype=object)
    no_limit_metals = np.full(len(pid), "", dtype=object)
    unlisted = u.loc[~u.index.isin(listed.index)] if len(u) else u
    if len(unlisted) and "standard_" in unlisted:
        by_plot = unlisted.groupby("plot_id", sort=False).agg(
            metals=("metal", "+".join), crop=("crop", "first"),
            standard=("standard_", "first"))
        row = _frames.positions(by_plot.index.to_numpy(object), pid)  # each plot's row of by_plot (-1: none)
        msgs = [Message.of("rec.no_food_limit_many" if "+" in m else "rec.no_food_limit",
                           metals="/".join(x.capitalize() for x in m.split("+")), standard=st, crop=c).encode()
                for m, c, st in by_plot.itertuples(index=False)]
        no_limit[row >= 0] = [msgs[r] for r in row[row >= 0]]
        # the same metals in their own column, so that the summary lists every metal above screening that the crop
        # is not assessed for: to measure (metals_not_assessed) or without a limit to compare with (this one)
        metals = by_plot["metals"].to_numpy(object)
        no_limit_metals[row >= 0] = metals[row[row >= 0]]
    u = u.drop(columns="standard_", errors="ignore")
    return u, soil_plot.assign(metals_not_assessed=np.where(pd.isna(text), "", text).astype(object),
                               not_assessed_msg=msg, no_food_limit_msg=no_limit, metals_no_food_limit=no_limit_metals)


def _limit_fields(listed: pd.DataFrame) -> np.ndarray:
    """``'\t<limit>\t<species>\t<standard>'`` per row of the unassessed metals (the fields of a line of
    :func:`not_assessed_message` after the reason); ``''`` where the library has no limit."""
    if "food_limit_mg_kg" not in listed or "standard_" not in listed:
        return np.full(len(listed), "", dtype=object)
    lim = listed["food_limit_mg_kg"].to_numpy(float)
    sp = _frames.obj(listed["limit_species"])
    st = _frames.obj(listed["standard_"])
    return np.array(["" if np.isnan(x) else f"\t{x:g}\t{p if isinstance(p, str) else ''}\t{d}"
                     for x, p, d in zip(lim, sp, st, strict=True)], dtype=object)


def harvest_limits_message(limits: list[tuple[str, str, str]], standard: str | None) -> Message:
    """The food limits to test the harvest against (``rec.harvest_limit(s)``), from ``(metal, limit, species)``
    triples; an empty message when there is none."""
    if not limits or not standard:
        return Message()
    text = "|".join(f"{m}:{lim}" + (":inorganic" if sp == "inorganic" else "") for m, lim, sp in limits)
    return Message.of("rec.harvest_limits" if len(limits) > 1 else "rec.harvest_limit", limits=text,
                      standard=standard)


#: A transfer function that could not be used, as ``upt.no_function_used`` lists it:
#: ``function_id (reason)``.
_SKIPPED_ITEM = re.compile(r"^(\S+) \((.*)\)$")


def _sentence_reason(crop, enc) -> str:
    """The reason a metal of ``crop`` was not assessed, as the recommendation sentence gives it
    (an encoded message).

    ``enc``: the encoded reason of ``crop_uptake.csv`` (``not_assessed_reason_msg``). Where it
    lists transfer functions that could not be used by their ids (``upt.no_function_used``),
    the sentence names them by the crop ("the rice transfer functions could not be used: ph
    outside 4–8.5"; ``upt.no_function_used_crop``) with their distinct reasons; any other
    reason is returned as it is. A crop not in the library (:data:`~agriremed.core.names.UNLISTED_CROP`)
    gives ``upt.crop_unlisted``.
    """
    if crop == UNLISTED_CROP:  # 黄精: no transfer function and no food limit group, whatever the metal
        return Message.of("upt.crop_unlisted").encode()
    m = Message.decode(enc) if isinstance(enc, str) else Message()
    if m.codes != ("upt.no_function_used",) or not isinstance(crop, str) or not crop:
        return enc
    items = [_SKIPPED_ITEM.match(x) for x in str(dict(m.parts[0][1]).get("skipped", "")).split("; ")]
    if not items or any(x is None for x in items):
        return enc
    reasons = list(dict.fromkeys(x[2] for x in items))
    code = "upt.no_function_used_crop_one" if len(items) == 1 else "upt.no_function_used_crop"
    return Message.of(code, crop=crop, reasons="; ".join(reasons)).encode()


#: Reasons (message codes of :func:`agriremed.stages.uptake.unassessed_metals`) that mean the crop
#: has no transfer function for the metal: the sentence says so in one phrase.
NO_FUNCTION_REASONS = ("upt.none_any", "upt.none_default", "upt.none_crop")


def not_assessed_message(key: str) -> Message:
    """The sentence part on the metals not assessed in the crop, with their reasons.

    ``key``: one line per metal, ``metal<TAB>encoded reason``, optionally followed by
    ``<TAB>limit<TAB>species<TAB>standard``, the food limit [mg kg⁻¹] the harvest is to be tested
    against. Metals without any transfer function share "no usable transfer function"; the others
    give their own reason (soil pH outside the domain of the functions, an input outside a
    function's range …), metals with the same reason together; each part names the limits of its
    metals ("measure them in the harvest (limits: Cd 0.05, Pb 0.1 mg/kg, GB2762)")."""
    groups: dict[str, list[str]] = {}
    generic: list[str] = []
    limits: dict[str, tuple[str, str, str]] = {}
    for line in key.split("\n"):
        metal, enc, *lim = line.split("\t")
        if len(lim) == 3:
            limits[metal] = (lim[0], lim[1], lim[2])
        codes = Message.decode(enc).codes if enc else ()
        if not codes or codes[0] in NO_FUNCTION_REASONS:
            generic.append(metal)
        else:
            groups.setdefault(enc, []).append(metal)

    def names(ms):
        return "/".join(m.capitalize() for m in ms)

    def limits_of(ms):
        have = [(m, limits[m][0], limits[m][1]) for m in ms if m in limits]
        return harvest_limits_message(have, limits[have[0][0]][2] if have else None)

    parts = []
    if generic:
        parts.append(Message.of("rec.not_assessed_many" if len(generic) > 1 else "rec.not_assessed_one",
                                metals=names(generic), limits=limits_of(generic)))
    for enc, ms in groups.items():
        parts.append(Message.of("rec.not_assessed_why_many" if len(ms) > 1 else "rec.not_assessed_why_one",
                                metals=names(ms), why=Message.decode(enc), limits=limits_of(ms)))
    out = parts[0]
    for part in parts[1:]:
        out = Message.of("rec.not_assessed_and", first=out, second=part)
    return out


def _years(ctx: RunContext, r: StageResults, bar) -> dict:
    """Years to target (by metal and per row), soil trajectories and the yearly crop schedule."""
    H, n_draws, seed_, tables = ctx.horizon, ctx.n_draws, ctx.seed, ctx.tables
    loss = ctx.scenario.other_loss_frac_per_yr
    by_metal, dur = duration_mod.estimate_duration(r.opts, r.P, r.screened, r.bio, tables, n_draws, seed_, H,
                                                   biomass_draws=r.bio_draws, targets=r.targets,
                                                   other_loss_frac_per_yr=loss, removal=r.removal, grid=r.grid)
    if ctx.detail:
        traj = duration_mod.soil_trajectories(r.opts, r.P, r.screened, r.bio, tables, n_draws, seed_, H,
                                              r.bio_draws, r.targets, loss, removal=r.removal)
    else:
        traj = pd.DataFrame()
    schedule, seasons = duration_mod.compliance_by_year(
        r.opts, _with_field_class(r.P, r.soil_plot), r.compliance, dur, by_metal, duration_mod.typical_trajectories(r.removal, H, loss),
        r.food_standard, tables, H, n_draws, seed_, removal=r.removal, grid=r.grid, matrices=True)
    bar.update()
    return {"by_metal": by_metal, "duration": dur, "trajectories": traj, "schedule": schedule, "seasons": seasons}


def _energy(ctx: RunContext, r: StageResults, bar) -> dict:
    """Where the harvested metal goes and the bioenergy of the harvest.

    Reads only the harvest's metal concentration of the years-to-target table (``by_metal``),
    which the ``early`` phase alone sets: a change of the years phase's fields reuses it.
    """
    fate = energy_mod.metal_fate(r.opts, r.bio, r.by_metal, ctx.tables, grid=r.grid)
    en = energy_mod.energy_outputs(r.opts, r.bio, r.by_metal, ctx.tables, fate=fate, grid=r.grid)
    return {"metal_fate": fate, "energy_biomass": en}


def _pv(ctx: RunContext, r: StageResults, bar) -> dict:
    """PV options: electricity over the horizon and the money inputs. The site yields are computed
    once per plan: a rerun reuses those ``r`` holds (they read no field of this phase)."""
    en, pv_yields = solar_mod.plan_pv_energy(r.opts, r.P, r.energy_biomass, ctx.horizon, ctx.tables, r.pv_yields,
                                             ctx.scenario.pv_weather_file, ctx.scenario.pv_tariff_cny_kwh)
    bar.update()
    return {"energy": en, "pv_yields": pv_yields}


def _carbon(ctx: RunContext, r: StageResults, bar) -> dict:
    """The carbon ledger (by term with ``detail``), its totals and (with ``detail``) by year."""
    s = ctx.scenario
    stops = _frames.obj(r.opts["option_kind"]) == "phytoextraction"
    yrs = r.duration["years_to_target"].to_numpy(float)  # row-aligned with opts
    years_under = np.where(stops, np.ceil(yrs), np.inf)
    ledger, ctot, *by_year = carbon_mod.carbon_ledger(
        r.opts, r.P, r.bio, r.energy, ctx.tables, ctx.horizon, years_under_option=years_under, n_draws=ctx.n_draws,
        seed=ctx.seed, biomass_draws=r.bio_draws, biochar_method=s.biochar_method, h_corg=s.biochar_h_corg,
        n_fertiliser_method=s.n_fertiliser_method, by_year=ctx.detail, ledger=ctx.detail, grid=r.grid,
        gwp_set=s.gwp_set, rice_water_regime=s.rice_water_regime, rice_preseason=s.rice_preseason,
        rice_amendment=s.rice_amendment, rice_amendment_t_ha=s.rice_amendment_t_ha,
        rice_season_days=s.rice_season_days, biochar_reapply_interval_yr=s.biochar_reapply_interval_yr,
        credit_method=s.carbon_credit_method, heat_user=s.heat_user, transport_km=s.transport_km)
    bar.update()
    return {"carbon_ledger": ledger, "carbon": ctot, "carbon_by_year": by_year[0] if by_year else pd.DataFrame()}


def _economics(ctx: RunContext, r: StageResults, bar) -> dict:
    """Costs, revenues, subsidies and NPV for the farmer and the programme."""
    s = ctx.scenario
    try:
        eco = economics_mod.evaluate_economics(
            r.opts, r.P, r.duration, r.compliance, r.bio, r.carbon, ctx.tables, s.horizon_yr, s.discount_rate,
            s.carbon_price_cny_t, noncompliant_price_fraction=s.noncompliant_price_fraction,
            schedule=r.schedule, energy=r.energy, biomass_valuation=s.biomass_valuation, grid=r.grid,
            noncompliant_grain=s.noncompliant_grain, soil_plot=r.soil_plot,
            biochar_reapply_interval_yr=s.biochar_reapply_interval_yr, transport_km=s.transport_km,
            strict_baseline_crop=s.strict_baseline_crop)
    except ValueError as exc:
        if "noncompliant_grain.csv" in str(exc):
            raise ScenarioError(f"scenario field noncompliant_grain = {s.noncompliant_grain!r} is invalid: "
                                f"{exc}") from exc
        raise
    bar.update()
    return {"economics": eco}


def _ranking(ctx: RunContext, r: StageResults, bar) -> dict:
    """Scores, ranks and lights; the plan table, the summary and the score table."""
    frames = [r.duration, r.compliance, r.bio, r.energy, r.carbon, r.economics, r.seasons]
    table, summary, rank, scores = assemble.rank_and_summarise(r.opts, frames, r.P, r.soil_plot, ctx.tables,
                                                               ctx.scenario, ctx.money, r.grid, ctx.detail,
                                                               ctx.text_rows,
                                                               assemble.location_columns(r.v.plots),
                                                               crop_in_input=r.v.crop_in_input)
    bar.update()
    return {"table": table, "summary": summary, "ranking": rank, "scores": scores}


#: Scenario fields of the phases after ``early`` (the early phase reads every other field).
_YEARS_READS = frozenset({"horizon_yr", "other_loss_frac_per_yr"})
_PV_READS = frozenset({"horizon_yr", "pv_tariff_cny_kwh"})
_CARBON_READS = frozenset({"horizon_yr", "biochar_method", "biochar_h_corg", "n_fertiliser_method", "gwp_set",
                           "rice_water_regime", "rice_preseason", "rice_amendment", "rice_amendment_t_ha",
                           "rice_season_days", "biochar_reapply_interval_yr", "carbon_credit_method",
                           "transport_km"})
_ECONOMICS_READS = frozenset({"horizon_yr", "discount_rate", "carbon_price_cny_t", "noncompliant_price_fraction",
                              "noncompliant_grain", "biomass_valuation", "biochar_reapply_interval_yr",
                              "transport_km", "strict_baseline_crop"})
_RANKING_READS = frozenset({"horizon_yr", "weights", "economics_view", "currency", "exchange_rate_cny",
                            "area_unit", "min_compliance_gain", "min_gain_share", "gain_resolution",
                            "min_dominance_share", "max_switch_loss_share"})
#: Fields no stage reads (recorded with the plan only).
_RECORDED_ONLY = frozenset({"name"})

#: Scenario fields that only the phases from years-to-target on read: a change of these alone
#: reuses the early phase (soil, uptake, options, biomass, crop compliance, clean-up removal).
LATE_FIELDS = tuple(sorted(_YEARS_READS | _PV_READS | _CARBON_READS | _ECONOMICS_READS | _RANKING_READS
                           | _RECORDED_ONLY))
_EARLY_READS = frozenset(f.name for f in dataclasses.fields(Scenario)) - frozenset(LATE_FIELDS)

_EARLY_GIVES = ("P", "screened", "soil_plot", "uptake", "opts", "grid", "bio", "bio_draws", "compliance",
                "targets", "removal", "food_standard")

#: The phases of a plan in the order they run.
PHASES = (
    Phase("early", _EARLY_READS, ("v",), _EARLY_GIVES, (), 4, _early),
    Phase("years", _YEARS_READS, ("opts", "P", "screened", "bio", "bio_draws", "targets", "removal", "grid",
                                  "compliance", "food_standard"),
          ("by_metal", "duration", "trajectories", "schedule", "seasons"), ("early",), 1, _years),
    Phase("energy", frozenset(), ("opts", "bio", "by_metal", "grid"), ("metal_fate", "energy_biomass"),
          ("early",), 0, _energy),
    Phase("pv", _PV_READS, ("opts", "P", "energy_biomass"), ("energy", "pv_yields"),
          ("early", "energy"), 1, _pv),
    Phase("carbon", _CARBON_READS, ("opts", "P", "bio", "bio_draws", "energy", "duration", "grid"),
          ("carbon_ledger", "carbon", "carbon_by_year"), ("early", "years", "pv"), 1, _carbon),
    Phase("economics", _ECONOMICS_READS, ("opts", "P", "duration", "compliance", "bio", "carbon", "schedule",
                                          "energy", "grid", "soil_plot"),
          ("economics",), ("early", "years", "pv", "carbon"), 1, _economics),
    Phase("ranking", _RANKING_READS, ("opts", "duration", "compliance", "bio", "energy", "carbon", "economics",
                                      "seasons", "P", "soil_plot", "grid"),
          ("table", "summary", "ranking", "scores"), ("early", "years", "pv", "carbon", "economics"), 1,
          _ranking),
)


def phase(name: str) -> Phase:
    """The phase called ``name``."""
    for p in PHASES:
        if p.name == name:
            return p
    raise KeyError(f"no phase {name!r}: expected one of {', '.join(p.name for p in PHASES)}")


def phases_to_rerun(changed) -> tuple[str, ...]:
    """The phases to run again after the scenario fields ``changed`` changed, in order.

    A phase reruns when it reads a changed field or depends on a phase that reruns.

    Examples
    --------
    >>> phases_to_rerun({"carbon_price_cny_t"})
    ('economics', 'ranking')
    >>> phases_to_rerun({"horizon_yr"})
    ('years', 'pv', 'carbon', 'economics', 'ranking')
    >>> phases_to_rerun({"name"})
    ()
    """
    changed = set(changed)
    rerun: list[str] = []
    for p in PHASES:
        if p.reads & changed or set(p.after) & set(rerun):
            rerun.append(p.name)
    return tuple(rerun)


def missing_results(names, results: StageResults) -> list[str]:
    """Stage results the phases ``names`` use that neither ``results`` holds nor an earlier one of
    them gives (empty: they can run)."""
    have = results.present()
    missing = []
    for name in names:
        p = phase(name)
        missing += [u for u in p.uses if u not in have and u not in missing]
        have |= set(p.gives)
    return missing


def run_phases(ctx: RunContext, results: StageResults, names, bar) -> StageResults:
    """Run the phases ``names`` (in pipeline order) on ``results``; returns the updated results
    (``results`` itself is not changed)."""
    out = dataclasses.replace(results)
    for p in PHASES:
        if p.name in names:
            for k, v in p.run(ctx, out, bar).items():
                setattr(out, k, v)
            out.computed = out.computed | frozenset(p.gives)
    return out
