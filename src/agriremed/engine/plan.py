"""The plan: every stage composed for a table of plots.

:func:`plan` is the single composition used by the CLI, the notebooks and the
dashboards, so every number is computed in one place::

    plots ──validate──▶ soil ─▶ uptake ─▶ options ─▶ biomass ─▶ duration ─▶ energy
          ─▶ carbon ─▶ economics ─▶ ranking ─▶ Plan (tables + summary + report)

Biomass runs before duration because clean-up speed depends on the harvested yield.
The stages run in phases over one run context (:mod:`agriremed.engine.pipeline`): each
phase declares the scenario fields it reads, so :func:`replan` reruns only the phases a
scenario change reaches. The plan table and the summary are assembled by
:mod:`agriremed.engine.assemble`.

The :class:`Plan` holds one tidy DataFrame per stage, the merged plot × option
``table`` (``plan.csv``) and the per-plot ``summary`` (``summary.csv``), the rejected
rows and all validation problems, the scenario and the agriremed version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from agriremed.core.version import __version__, code_state
from agriremed.core import frames as _frames
from agriremed.core import i18n
from agriremed.core.messages import Message, Note
from agriremed.core.scenario import Scenario, ScenarioError
from agriremed.core.tables import TABLE_FILES, Tables, load_tables, packaged_data_digest, tables_digest
from agriremed.engine import assemble
from agriremed.engine.assemble import PLAN_COLUMNS, SUMMARY_COLUMNS, TEXT_ROWS, pass_through_columns
from agriremed.engine.pipeline import (LATE_FIELDS, PHASES, RunContext, StageResults, missing_results, phase,
                                       phases_to_rerun, run_phases, with_all_input_columns)
from agriremed.io.outputs import prepare_out_dir, texts_in, write_datapackage
from agriremed.io.readers import write_csv
from agriremed.io.report import write_report
from agriremed.io.validate import Validation, county_class_problems, validate_plots, with_note_rows
from agriremed.io.workbook import write_workbook
from agriremed.stages import economics as economics_mod
from agriremed.stages import options as options_mod
from agriremed.stages import ranking as ranking_mod
from agriremed.stages import soil as soil_mod
from agriremed.stages.softreuse import for_plan as _soft_reuse
from agriremed.stages.uptake.predict import user_fitted_functions

__all__ = ["Plan", "plan", "replan", "can_replan", "rerank", "reprice", "LATE_FIELDS", "REPLAN_MAX_ROWS",
           "apply_overrides", "apply_heat_user", "apply_biochar_choice", "STAGES", "pass_through_columns",
           "PLAN_COLUMNS", "SUMMARY_COLUMNS", "TEXT_ROWS"]

STAGES = ("validate", "soil", "uptake", "options", "biomass", "duration", "energy", "carbon",
          "economics", "ranking")


def apply_overrides(tables: Tables, overrides: dict) -> Tables:
    """Apply scenario overrides to the literature tables.

    Parameters
    ----------
    tables : Tables
        Base tables.
    overrides : dict
        Keys ``"<option_id>.<parameter>[.<metal>]"``, ``"<price item>.<crop>"`` or
        ``"factor.<name>"``; values a number (used as low, typical and high) or a
        mapping with ``low``/``typical``/``high``.

    Returns
    -------
    Tables
        New tables with the overridden rows; the source of an overridden row becomes
        ``agriremed_assumption`` with a note naming the override.
    """
    if not overrides:
        return tables
    op = tables.option_parameters.copy()
    pr = tables.prices.copy()
    fa = tables.factors.copy()

    def vals(v):
        if isinstance(v, dict):
            return float(v.get("low", v["typical"])), float(v["typical"]), float(v.get("high", v["typical"]))
        return float(v), float(v), float(v)

    for key, v in overrides.items():
        parts = key.split(".")
        lo, ty, hi = vals(v)
        if parts[0] == "factor" and len(parts) == 2:
            m = fa["factor"] == parts[1]
            frame = fa
        elif parts[0] in set(op["option_id"]) and len(parts) in (2, 3):
            metal = parts[2] if len(parts) == 3 else ""
            m = (op["option_id"] == parts[0]) & (op["parameter"] == parts[1]) & (op["metal"].fillna("") == metal)
            frame = op
        elif parts[0] in set(pr["item"]) and len(parts) in (1, 2):
            crop = parts[1] if len(parts) == 2 else ""
            m = (pr["item"] == parts[0]) & (pr["crop"].fillna("") == crop)
            frame = pr
        else:
            raise ScenarioError(f"override {key!r} does not name an option parameter, price or factor")
        if not m.any():
            raise ScenarioError(f"override {key!r} matches no table row")
        frame.loc[m, ["low", "typical", "high"]] = [lo, ty, hi]
        frame.loc[m, "source"] = "agriremed_assumption"
        frame.loc[m, "note"] = f"scenario override {key}"
    return tables.replace(option_parameters=op, prices=pr, factors=fa)


def apply_heat_user(tables: Tables, heat_user: str | None, heat_user_frac: float = 1.0) -> Tables:
    """Credit CHP heat only when a heat user is named.

    Parameters
    ----------
    tables : Tables
        Literature tables (``factors.csv`` row ``chp_heat_used_frac``: 0 by default, a
        plant without a heat customer).
    heat_user : str, optional
        Who takes the heat; None leaves the table as it is.
    heat_user_frac : float
        Share of the CHP heat the user takes [–].

    Returns
    -------
    Tables
        Tables whose ``chp_heat_used_frac`` is ``heat_user_frac`` (source
        ``agriremed_assumption``, the note naming the user) when a user is named.
    """
    if heat_user is None:
        return tables
    fa = tables.factors.copy()
    m = fa["factor"] == "chp_heat_used_frac"
    fa.loc[m, ["low", "typical", "high"]] = [float(heat_user_frac)] * 3
    fa.loc[m, "source"] = "agriremed_assumption"
    fa.loc[m, "note"] = f"scenario heat_user {heat_user} takes this share of the CHP heat"
    return tables.replace(factors=fa)


def apply_biochar_choice(tables: Tables, feedstock: str | None = None, temperature: str | None = None
                         ) -> tuple[Tables, list[str]]:
    """Set the feedstock and pyrolysis temperature of the biochar applied by the biochar options.

    The biochar options are the immobilisation options of ``options.csv`` with a
    ``biochar_feedstock``; their feedstock sets the carbon content (IPCC Table 4A.1) and
    scales the Cd dose–response (:func:`agriremed.stages.options.biochar_efficacy`), their
    temperature class the persistence and the As caution. Energy crops that are pyrolysed
    keep their own feedstock.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    feedstock : str, optional
        Feedstock class of ``biochar_carbon.csv`` (pyrolysis rows); None keeps the library's.
    temperature : str, optional
        Temperature class of ``biochar_permanence.csv``; None keeps the library's.

    Returns
    -------
    tables : Tables
        Tables with the chosen biochar.
    notes : list of str
        A note when the feedstock has no grain-Cd figure of its own (pooled default used).

    Raises
    ------
    ScenarioError
        If the feedstock or temperature class is not in the tables.
    """
    lib = tables.options
    is_char = (lib["kind"] == "immobilisation") & (lib["biochar_feedstock"].fillna("") != "")
    if feedstock is not None:
        bc = tables.biochar_carbon
        known = sorted(set(bc.loc[bc["process"] == "pyrolysis", "feedstock"]))
        if feedstock not in known:
            raise ScenarioError(f"scenario field biochar_feedstock = {feedstock!r} is invalid; "
                                "expected one of " + ", ".join(known))
    if temperature is not None:
        known = list(tables.biochar_permanence["temperature_class"])
        if temperature not in known:
            raise ScenarioError(f"scenario field biochar_temperature = {temperature!r} is invalid; "
                                "expected one of " + ", ".join(known))
    if (feedstock is not None or temperature is not None) and is_char.any():
        lib = lib.copy()
        if feedstock is not None:
            lib.loc[is_char, "biochar_feedstock"] = feedstock
        if temperature is not None:
            lib.loc[is_char, "biochar_temperature"] = temperature
        tables = tables.replace(options=lib)
    # the notes depend on the tables alone: found once per tables object (read-only), a copy returned
    return tables, list(tables.memo("biochar_choice_notes", lambda: _biochar_notes(tables)))


def _biochar_notes(tables: Tables) -> tuple:
    """A note per feedstock of the biochar options that has no grain-Cd figure of its own."""
    lib = tables.options
    is_char = (lib["kind"] == "immobilisation") & (lib["biochar_feedstock"].fillna("") != "")
    notes = []
    for fs in sorted(set(lib.loc[is_char, "biochar_feedstock"])):
        e, pooled = options_mod.biochar_efficacy([fs], tables)
        if pooled[0]:
            notes.append(f"biochar feedstock {fs!r} has no grain-Cd figure of its own in "
                         f"biochar_feedstock_effects.csv: the pooled paddy dose–response "
                         f"(× {e[0]:g}) is used")
    return tuple(notes)


def _digest(df: pd.DataFrame) -> str:
    h = pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy()
    return hashlib.sha256(h.tobytes() + "|".join(map(str, df.columns)).encode()).hexdigest()[:16]


def tables_provenance(tables: Tables) -> list[str]:
    """Provenance lines of the literature tables a plan used: each table that differs from the
    packaged one (a user folder of ``--tables``, an override of the scenario) with a digest of
    its content, and each transfer function fitted to user data (``fit-uptake``) with its n, R²,
    spread and source, so that a plan made with a local calibration can be told from a default
    one. No line when the packaged tables were used as they are."""
    packaged = load_tables()
    changed = []
    for name in TABLE_FILES:
        mine, base = getattr(tables, name, None), getattr(packaged, name, None)
        if mine is None or base is None or mine is base:
            continue
        digest = _digest(mine)
        if not (mine.shape == base.shape and list(mine.columns) == list(base.columns) and digest == _digest(base)):
            changed.append(f"{name} (digest {digest})")
    lines = [f"tables differing from the packaged ones: {', '.join(changed)}"] if changed else []
    fitted = user_fitted_functions(tables)
    if fitted:
        tf = tables.transfer_functions.set_index("function_id")
        for fid in sorted(fitted):
            r = tf.loc[fid]
            lines.append(f"transfer function fitted to user data: {fid} ({r['applies_to']} {str(r['metal']).capitalize()}, "
                         f"n = {int(r['n'])}, R² = {r['r2']}, se_log10 = {r['se_log10']}; source {r['source']})")
    return lines


def code_and_data(tables: Tables) -> dict:
    """What ties a plan's outputs to the code and table state that made them (``run.json``).

    Returns
    -------
    dict
        ``agriremed_commit``: git commit of the package's source tree, ``None`` when it is not
        a git checkout (:func:`agriremed.core.version.code_state`); ``agriremed_modified``: the
        package folder had local changes against that commit (``None``: not known);
        ``packaged_data_sha256``: SHA-256 of the packaged data files, tables and messages
        (:func:`agriremed.core.tables.packaged_data_digest`); ``tables_sha256``: SHA-256 of the
        tables as the plan used them, user folder and overrides included
        (:func:`agriremed.core.tables.tables_digest`); ``user_tables``: the user table folder
        (``path``, ``files``, ``sha256`` of those files) or ``None``.
    """
    state = code_state()
    return {"agriremed_commit": state["commit"], "agriremed_modified": state["modified"],
            "packaged_data_sha256": packaged_data_digest(), "tables_sha256": tables_digest(tables),
            "user_tables": tables.user_folder}


def code_line(info: dict) -> str:
    """Provenance line of :func:`code_and_data`'s result (commit, local changes, data digests)."""
    commit = info["agriremed_commit"]
    code = "not a git checkout" if commit is None else f"git commit {commit}" + {
        True: " with local changes", False: "", None: " (local changes not known)"}[info["agriremed_modified"]]
    return (f"code: {code}; packaged data sha256 {info['packaged_data_sha256']}; "
            f"data as used sha256 {info['tables_sha256']}")


@dataclasses.dataclass
class Plan:
    """Result of :func:`plan`: one tidy table per stage plus the merged outputs.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per plot × option (``plan.csv``).
    summary : pandas.DataFrame
        One row per valid plot with the recommendation (``summary.csv``).
    plots, rejected, problems : pandas.DataFrame
        Valid plots, rejected input rows with reasons, and all validation problems.
    soil, soil_plot, uptake, options, duration, duration_by_metal, compliance,
    biomass, energy, carbon_ledger, carbon, economics, ranking : pandas.DataFrame
        Stage outputs.
    metal_fate : pandas.DataFrame
        Metal in each harvest split into the products of its energy pathway, with
        concentrations and land-application status (:func:`agriremed.stages.energy.metal_fate`).
    carbon_by_year : pandas.DataFrame
        The carbon ledger year by year (SOC transition, harvest years, applications),
        with the cumulative net CO2e.
    targets : pandas.DataFrame
        Clean-up target per plot × metal (:func:`agriremed.stages.duration.target_concentrations`).
    trajectories : pandas.DataFrame
        Soil concentration per plot × removal option × metal × year, with Monte Carlo
        bands (:func:`agriremed.stages.duration.soil_trajectories`).
    schedule : pandas.DataFrame
        Crop grown, option running and P(crop meets the limit) per plot × applicable
        option × year (:func:`agriremed.stages.duration.compliance_by_year`); the itemised yearly
        cash flows are computed from it on demand by :meth:`yearly_cash_flows`.
    scores : pandas.DataFrame
        The full score table (:func:`agriremed.stages.ranking.score_table`).
    reuse : dict
        What :func:`replan` and :func:`reprice` rerun phases on: ``results`` (the
        :class:`agriremed.engine.pipeline.StageResults` kept: all of them for plans of at most
        :data:`REPLAN_MAX_ROWS` plot × option rows, those the economics and ranking phases use
        for larger plans with detail), ``base_notes`` and ``detail``; empty for large plans
        made without detail and for plans joined from chunks.
    scenario : Scenario
        The scenario used (seed included).
    version : str
        agriremed version.
    text_rows : {"all", "recommended"}
        Plan rows whose sentences were rendered (see :func:`plan`).
    text_lang : {"en", "zh"}
        Language of the text columns of the tables (recommendation, reasons, measures, option
        names, problems: :func:`agriremed.io.outputs.texts_in`), the ``lang`` of :func:`plan`;
        :meth:`in_lang` gives the plan in the other language. Codes, numbers and the message
        columns (``<column>_msg``) are the same in every language.
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    plots: pd.DataFrame
    rejected: pd.DataFrame
    problems: pd.DataFrame
    soil: pd.DataFrame
    soil_plot: pd.DataFrame
    uptake: pd.DataFrame
    options: pd.DataFrame
    duration: pd.DataFrame
    duration_by_metal: pd.DataFrame
    compliance: pd.DataFrame
    biomass: pd.DataFrame
    energy: pd.DataFrame
    carbon_ledger: pd.DataFrame
    carbon: pd.DataFrame
    economics: pd.DataFrame
    ranking: pd.DataFrame
    scenario: Scenario
    n_input: int
    tables: Tables = dataclasses.field(repr=False)
    version: str = __version__
    notes: list = dataclasses.field(default_factory=list)
    #: How the input was read (text encoding, title lines skipped above the header, empty lines,
    #: sheet, GIS layer), as :class:`agriremed.core.messages.Note`: shown by ``agriremed plan``,
    #: written to ``problems.csv`` (severity ``note``), ``run.json`` and ``report.html``.
    input_notes: list = dataclasses.field(default_factory=list)
    metal_fate: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    carbon_by_year: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    targets: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)
    trajectories: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)
    schedule: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)
    scores: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)
    #: Stage inputs kept for :func:`reprice` and :func:`replan` (see ``reuse`` above).
    reuse: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)
    text_rows: str = "all"
    #: Rows of the sheet that are not plots (合计, 注, 填表人), skipped: neither planned nor rejected
    #: (:attr:`agriremed.io.validate.Validation.skipped`); planned + rejected + skipped = ``n_input``.
    skipped: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)
    text_lang: str = "en"

    def in_lang(self, lang: str) -> Plan:
        """This plan with the text columns of its tables in ``lang`` (``'en'`` or ``'zh'``).

        In the tables people read (:data:`TEXT_TABLES`: ``table``, ``summary``, ``rejected``,
        ``problems``) each text column with a message column (``recommendation``, ``reason``,
        ``why_<criterion>``, rejected rows' ``reasons`` …) is rendered from its message, option
        names are taken from the option library and the summary's ``measures`` are written again,
        as :meth:`write` writes the CSV files in ``lang`` (:func:`agriremed.io.outputs.texts_in`).
        Numbers, codes, message columns and the stage tables the planner computes with are
        unchanged, so the plan can be turned back.

        >>> p = agriremed.plan("data/samples/plots.csv", progress=False)  # doctest: +SKIP
        >>> p.in_lang("zh").summary["recommendation"].str.slice(0, 7).iloc[0]  # doctest: +SKIP
        'VIP+n综合'
        """
        i18n.t("ui.progress.plan", lang)  # an unsupported language is refused here
        if lang == self.text_lang:
            return self
        frames = {name: _dtypes_kept(texts_in(getattr(self, name), lang, self.tables, self.scenario,
                                              written=self.text_lang), getattr(self, name))
                  for name in TEXT_TABLES}
        return dataclasses.replace(self, **frames, text_lang=lang)

    def yearly_cash_flows(self, plot_ids=None, transfers: bool = False) -> pd.DataFrame:
        """Itemised yearly cash flows of some (default: all) plots, as the economics stage counts them.

        Parameters
        ----------
        plot_ids : iterable of str, optional
            Plots to include.
        transfers : bool
            Also list the transfers between the accounts (price support of non-compliant
            grain, subsidies, and ``pv_lease``, which leaves the landholder the land lease of a PV
            plant a developer finances at the scenario's discount rate); they are not part of the
            combined account.

        Returns
        -------
        pandas.DataFrame
            Output of :func:`agriremed.stages.economics.yearly_cash_flows` [CNY ha⁻¹ yr⁻¹].
        """
        rows = self.options
        if plot_ids is not None:
            rows = rows.loc[rows["plot_id"].isin(list(plot_ids))]
        s = self.scenario
        return economics_mod.yearly_cash_flows(
            rows.reset_index(drop=True), with_all_input_columns(self.plots), self.schedule, self.biomass, self.carbon, self.tables,
            s.horizon_yr, s.carbon_price_cny_t, noncompliant_price_fraction=s.noncompliant_price_fraction,
            energy=self.energy, biomass_valuation=s.biomass_valuation, noncompliant_grain=s.noncompliant_grain,
            soil_plot=self.soil_plot, transfers=transfers,
            biochar_reapply_interval_yr=s.biochar_reapply_interval_yr, transport_km=s.transport_km,
            discount_rate=s.discount_rate, strict_baseline_crop=s.strict_baseline_crop)

    def money(self) -> dict:
        """Reporting currency of the plan: ``code``, ``cny_per_unit`` and the ``basis`` of the rate."""
        s = self.scenario
        rate, basis = economics_mod.exchange_rate(s.currency, self.tables, s.exchange_rate_cny)
        return {"code": self.scenario.currency, "cny_per_unit": rate, "basis": basis}

    def provenance(self) -> list[str]:
        """Provenance lines (version, scenario, counts and input digest, the tables that differ
        from the packaged ones and the transfer functions fitted to user data
        (:func:`tables_provenance`), git commit and data digests (:func:`code_line`), currency)
        recorded in ``run.json`` and ``datapackage.json``."""
        lines = [
            f"agriremed {self.version}",
            f"scenario {self.scenario.to_json()}",
            f"plots: {self.n_input} rows read, {len(self.plots)} planned, {len(self.rejected)} rejected"
            + (f", {len(self.skipped)} not plot rows skipped" if len(self.skipped) else "")
            + f"; input digest {self.input_digest()}",
        ]
        lines += tables_provenance(self.tables)
        lines.append(code_line(code_and_data(self.tables)))
        m = self.money()
        if m["code"] != "CNY":
            lines.append(f"money: computed in CNY; *_{m['code'].lower()}* columns = CNY ÷ "
                         f"{m['cny_per_unit']:g} "
                         f"CNY per {m['code']} ({m['basis']})")
        return lines

    def input_digest(self) -> str:
        """SHA-256 (first 16 hex digits) of the validated plot table."""
        h = pd.util.hash_pandas_object(self.plots.astype(str), index=False).to_numpy()
        return hashlib.sha256(h.tobytes()).hexdigest()[:16]

    def food_standards(self) -> dict[str, int]:
        """The food standards the plan's plots were judged against, with their number of plots
        (``{'GB2762': 12, 'EU2023_915': 3}``; one standard for every plot unless the scenario's
        ``food_standard`` is ``auto``)."""
        s = self.summary
        if s is None or "food_standard" not in s or not len(s):
            return {}
        return {str(k): int(v) for k, v in s["food_standard"].value_counts(sort=False).items()}

    def rule_sets(self) -> dict[str, int]:
        """The jurisdiction rule sets that governed the plan's plots, with their number of plots
        (``{'china': 12, 'none': 3}``; one set for every plot unless the scenario's ``rule_set``
        is ``auto``)."""
        s = self.summary
        if s is None or "rule_set" not in s or not len(s):
            return {}
        return {str(k): int(v) for k, v in s["rule_set"].value_counts(sort=False).items()}

    def write(self, out_dir: str | Path, report: bool = True, lang: str = "en", xlsx: bool = True,
              date=None) -> dict[str, Path]:
        """Write plan.csv, summary.csv, rejected.csv, problems.csv, stage tables, report.html,
        plan.xlsx, scenario.json, datapackage.json and run.json.

        The CSV files are plain tables (header row first, UTF-8 with a byte-order mark, no
        comment lines; text a spreadsheet would run as a formula starts with a single quote,
        see :mod:`agriremed.io.outputs`). ``run.json`` records the provenance (agriremed
        version and git commit, digests of the packaged data and of the tables as used
        (:func:`code_and_data`), scenario with seed, input digest, counts, currency) and the
        files written;
        ``scenario.json`` reloads with :meth:`Scenario.load`; ``datapackage.json`` describes
        every column of every CSV (type, unit, English and Chinese label). Output files of an
        earlier run in the folder (:data:`agriremed.io.outputs.PLAN_OUTPUT_FILES`) are removed
        first, so the folder holds this run's outputs only.

        Parameters
        ----------
        out_dir : str or Path
            Output folder (created if needed).
        report : bool
            Also write the self-contained HTML report.
        lang : {"en", "zh"}
            Language of ``report.html``, ``plan.xlsx`` and the sentences in the CSV files (the
            recommendation, reasons, problems: :func:`agriremed.io.outputs.texts_in`); the CSV
            files keep their column names, codes and message columns in every language.
        xlsx : bool
            Also write the Excel workbook ``plan.xlsx`` (:mod:`agriremed.io.workbook`).
        date : datetime.date or str, optional
            Date printed on the report and the workbook (default today, or ``SOURCE_DATE_EPOCH``).

        Returns
        -------
        dict
            Output name → path written.

        Raises
        ------
        agriremed.io.outputs.OutputError
            If ``out_dir`` is a file or cannot be created.
        """
        out = prepare_out_dir(out_dir)
        # a plan holding Chinese texts (plan(..., lang="zh")) writes English from its messages
        src = self.in_lang("en") if lang == "en" and self.text_lang != "en" else self
        tables = {"plan": src.table, "summary": src.summary, "rejected": src.rejected,
                  "problems": with_note_rows(src.problems, src.input_notes), "soil_screening": src.soil,
                  "crop_uptake": src.uptake, "carbon_ledger": src.carbon_ledger, "metal_fate": src.metal_fate,
                  "carbon_by_year": src.carbon_by_year, "scores": src.scores,
                  "soil_trajectories": src.trajectories}
        # the plan's own tables already in ``lang`` are written as they are (the notes added to the problems
        # and the soft re-use tables are rendered)
        rendered = {"plan", "summary", "rejected"} if lang == src.text_lang else set()

        soft = _soft_reuse(src)  # soft re-uses of marginal land and the opportunity matrix
        if soft is not None:
            tables.update(reuse_options=soft[0], opportunity_matrix=soft[1])
        paths = {name: write_csv(df if name in rendered else texts_in(df, lang, src.tables, src.scenario,
                                                                      written=src.text_lang),
                                 out / f"{name}.csv")
                 for name, df in tables.items()}
        paths["scenario"] = self.scenario.save(out / "scenario.json")
        if report and len(self.plots):
            paths["report"] = write_report(src, out / "report.html", lang=lang, date=date)
        if xlsx and len(self.plots):
            paths["xlsx"] = write_workbook(src, out / "plan.xlsx", lang=lang, date=date)
        passed = pass_through_columns(self.plots)
        paths["datapackage"] = write_datapackage(out, {f"{name}.csv": df for name, df in tables.items()},
                                                 passed_through=passed,
                                                 description="; ".join(self.provenance()))
        run = {"agriremed_version": self.version, "seed": self.scenario.seed,
               "scenario": self.scenario.to_dict(), "input_digest": self.input_digest(),
               "rows_read": self.n_input, "plots_planned": len(self.plots),
               "rows_rejected": len(self.rejected), "rows_skipped": len(self.skipped), "currency": self.money(), "provenance": self.provenance(),
               "food_standards": self.food_standards(), "rule_sets": self.rule_sets(),
               "passed_through": passed, "input_notes": [str(n) for n in self.input_notes],
               "notes": [str(n) for n in self.notes],
               "text_language": lang, **code_and_data(self.tables),
               "files": sorted([p.name for p in paths.values()] + ["run.json"])}
        paths["run"] = out / "run.json"
        paths["run"].write_text(json.dumps(run, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                encoding="utf-8")
        return paths


#: The tables of a :class:`Plan` whose text columns are in the plan's ``text_lang`` (:meth:`Plan.in_lang`).
TEXT_TABLES = ("table", "summary", "rejected", "problems")


def _dtypes_kept(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """``new`` (``old`` with its texts in another language) with the dtypes of ``old``'s text columns."""
    if new is old:
        return new
    keep = {c: old[c].dtype for c in new.columns
            if c in old.columns and (old[c].dtype == object or isinstance(old[c].dtype, pd.StringDtype))
            and new[c].dtype != old[c].dtype}
    return new.astype(keep) if keep else new


def _progress(total, enabled, lang: str = "en"):
    return tqdm(total=total, desc=i18n.t("ui.progress.plan", lang), unit="stage",
                disable=(not enabled) if enabled is not None else None, leave=False)


def plan(plots, scenario: Scenario | None = None, seed: int | None = None, *,
         tables: Tables | None = None, progress: bool | None = None, detail: bool = True,
         text_rows: str = "all", region: str | None = None, lang: str = "en") -> Plan:
    """Plan remediation for a table of plots.

    Parameters
    ----------
    plots : str, Path, pandas.DataFrame or Validation
        Plot table (file or DataFrame following the input contract) or the result of
        :func:`agriremed.io.validate.validate_plots`.
    scenario : Scenario, optional
        User assumptions; default :class:`Scenario()`.
    seed : int, optional
        Monte Carlo seed, overriding ``scenario.seed``.
    tables : Tables, optional
        Literature tables (default: the packaged ones).
    progress : bool, optional
        Show a progress bar (default: only on an interactive terminal or notebook).
    detail : bool
        Also build the long stage tables (``carbon_ledger`` by term, ``carbon_by_year``,
        ``trajectories``, ``schedule``, ``scores``, ``metal_fate``). Portfolio runs
        (:func:`plan_chunks`) may leave them out: ``table`` and ``summary`` are the same
        either way, and the skipped tables are empty.
    text_rows : {"all", "recommended"}
        Plan rows whose sentences (``reason``, ``why_<criterion>``) are rendered: every row,
        or only each plot's recommended row (portfolio runs that write only those rows;
        :func:`agriremed.engine.stream.plan_stream`
        with ``plan_rows="recommended"``). Elsewhere ``reason`` is ``None`` but its message
        ``reason_msg`` is kept, and ``why_<criterion>`` and its message are empty. Numbers,
        ranks, the summary and its recommendation are the same either way.
    region : str, optional
        Region of the plots without one (``'湖南/株洲/渌口'``; ``region`` of
        :func:`agriremed.io.validate.validate_plots`); not used when ``plots`` is a Validation.
    lang : {"en", "zh"}
        Language of the progress bar's description (``ui.progress.plan``) and of the text columns
        of the plan's tables (``recommendation``, ``reason``, ``measures``, option names, rejected
        rows' ``reasons`` …): the texts ``agriremed plan --lang`` writes to plan.csv and
        summary.csv (:meth:`Plan.in_lang`). Numbers, codes and the message columns are the same
        in every language; :meth:`Plan.write` writes any language from either.

    Returns
    -------
    Plan
        All stage tables, the plan and summary tables, and the rejected rows.

    Examples
    --------
    >>> import agriremed
    >>> p = agriremed.plan("data/samples/plots.csv", seed=1)      # doctest: +SKIP
    >>> p.summary[["plot_id", "recommended_option"]]                # doctest: +SKIP
    """
    if text_rows not in TEXT_ROWS:
        raise ValueError(f"text_rows {text_rows!r}: expected one of {', '.join(TEXT_ROWS)}")
    scenario = scenario or Scenario()
    if seed is not None:
        scenario = scenario.replace(seed=int(seed))
    tables, biochar_notes = run_tables(scenario, tables)
    money, money_note = _money(scenario, tables)
    bar = _progress(len(STAGES), progress, lang)
    v = plots if isinstance(plots, Validation) else validate_plots(plots, tables, region=region)
    bar.update()
    base_notes = list(v.notes) + biochar_notes + rules_note(scenario)
    ctx = RunContext(scenario, tables, money, tuple(base_notes + money_note + weights_note(scenario)), detail,
                     text_rows)
    results = run_phases(ctx, StageResults(v=v), [p.name for p in PHASES], bar)
    bar.close()
    return _plan_of(ctx, results, base_notes).in_lang(lang)


def run_tables(scenario: Scenario, tables: Tables | None = None) -> tuple[Tables, list[str]]:
    """The tables a plan with ``scenario`` runs on: ``tables`` (default: the packaged ones)
    with the scenario's overrides, heat user and biochar choice applied, and the notes of
    the biochar choice.

    Raises
    ------
    agriremed.core.scenario.ScenarioError
        If the scenario names an option the tables do not have.
    """
    tables = apply_heat_user(apply_overrides(tables or load_tables(), scenario.overrides), scenario.heat_user,
                             scenario.heat_user_frac)
    _check_option_ids(scenario, tables)
    if not scenario.assume_missing_covariates:  # no typical values: a function missing a covariate is not used
        tables = tables.replace(covariate_defaults=tables.covariate_defaults.iloc[0:0])
    return apply_biochar_choice(tables, scenario.biochar_feedstock, scenario.biochar_temperature)


def _plan_of(ctx: RunContext, r: StageResults, base_notes: list[str]) -> Plan:
    """The :class:`Plan` of the stage results ``r``, with the results a later :func:`replan` can
    reuse: every result for plans of at most :data:`REPLAN_MAX_ROWS` plot × option rows, the
    inputs of the economics and ranking phases for larger plans with detail, none otherwise."""
    small = len(r.opts) <= REPLAN_MAX_ROWS
    reuse = {}
    if small or ctx.detail:
        keep = r.present() if small else _uses_from("economics")
        reuse = {"results": r.kept(keep), "base_notes": list(base_notes), "detail": ctx.detail}
    return Plan(table=r.table, summary=r.summary, plots=r.v.plots, rejected=r.v.rejected, skipped=r.v.skipped,
                problems=_with_county_class(r.v.problems, r.v.plots, r.soil_plot),
                soil=r.screened, soil_plot=r.soil_plot, uptake=r.uptake, options=r.opts, duration=r.duration,
                duration_by_metal=r.by_metal, compliance=r.compliance, biomass=r.bio, energy=r.energy,
                carbon_ledger=r.carbon_ledger, carbon=r.carbon, economics=r.economics, ranking=r.ranking,
                scenario=ctx.scenario, n_input=r.v.n_input, tables=ctx.tables, notes=list(ctx.notes),
                input_notes=list(r.v.notes), metal_fate=r.metal_fate, carbon_by_year=r.carbon_by_year, targets=r.targets,
                trajectories=r.trajectories,
                schedule=_applicable_years(r.schedule, r.opts) if ctx.detail else pd.DataFrame(), scores=r.scores,
                reuse=reuse, text_rows=ctx.text_rows)


def _with_county_class(problems: pd.DataFrame, plots: pd.DataFrame, soil_plot) -> pd.DataFrame:
    """``problems`` with a warning on each plot whose county class differs from the computed one
    (:func:`agriremed.io.validate.county_class_problems`), in row order."""
    if soil_plot is None or "soil_class_county" not in plots.columns:
        return problems
    extra = county_class_problems(plots, soil_plot)
    if extra.empty:
        return problems
    out = pd.concat([problems, extra.astype({c: problems[c].dtype for c in extra.columns if c in problems})],
                    ignore_index=True)
    return out.sort_values("input_row", kind="stable", na_position="first").reset_index(drop=True)


def _uses_from(name: str) -> set[str]:
    """Stage results the phases from ``name`` on read and none of them gives (besides ``v``)."""
    names = [p.name for p in PHASES]
    later = PHASES[names.index(name):]
    given = set().union(*(p.gives for p in later))
    return (set().union(*(p.uses for p in later)) - given) | {"v"}


def _check_option_ids(scenario: Scenario, tables: Tables) -> None:
    """Refuse a scenario ``options`` list naming an option the library does not have."""
    if scenario.options is None:
        return
    known = tables.options["option_id"].tolist()
    unknown = sorted(set(scenario.options) - set(known))
    if unknown:
        raise ScenarioError(f"scenario field options names unknown option id(s): {', '.join(unknown)}; "
                            f"expected some of {', '.join(known)}")


def rules_note(scenario: Scenario) -> list[str]:
    """The note every plan records about its jurisdiction rule set (``land_rules.csv``), as a
    :class:`agriremed.core.messages.Note`."""
    if scenario.rule_set == "auto":
        return [Note(Message.of("note.rule_set_auto", china="china", none="none"))]
    return [Note(Message.of("note.rule_set", rule_set=scenario.rule_set))]


def weights_note(scenario: Scenario) -> list:
    """The note a plan records where the scenario's ``weights`` leave criteria out (they weigh 0: a weights
    mapping replaces the default weights as a whole; :meth:`Scenario.omitted_weights`), as a
    :class:`agriremed.core.messages.Note` naming the criteria given and those at 0; none where every criterion
    is given."""
    left_out = scenario.omitted_weights()
    if not left_out:
        return []
    return [Note(Message.of("note.weights_omitted", given=", ".join(map(str, scenario.weights)),
                            omitted=", ".join(left_out)))]


#: Plans of at most this many plot × option rows keep every stage result (Monte Carlo draws
#: included) for :func:`replan`; larger plans keep only what the economics and ranking phases
#: use (:func:`reprice`), and only when planned with detail.
REPLAN_MAX_ROWS = 2_000


def _money(scenario: Scenario, tables: Tables) -> tuple[tuple[str, float], list[str]]:
    """Reporting currency ``(code, CNY per unit)`` of ``scenario`` and the note the plan records about it."""
    try:
        rate, basis = economics_mod.exchange_rate(scenario.currency, tables, scenario.exchange_rate_cny)
    except ValueError as exc:
        raise ScenarioError(str(exc)) from exc
    code = scenario.currency
    note = [] if code == "CNY" else [
        f"money is also reported in {code} at {rate:g} CNY per {code} ({basis}); "
        f"computation, thresholds and *_cny* columns stay in CNY"]
    return (code, rate), note


def _changed_fields(old: Scenario, new: Scenario) -> set[str]:
    return {f.name for f in dataclasses.fields(Scenario) if getattr(old, f.name) != getattr(new, f.name)}


def _rerun(result: Plan, scenario: Scenario, names, progress) -> Plan:
    """``result`` with the phases ``names`` run again for ``scenario`` on its kept stage results."""
    kept = result.reuse
    tables = result.tables
    money, money_note = _money(scenario, tables)
    ctx = RunContext(scenario, tables, money, tuple(kept["base_notes"] + money_note + weights_note(scenario)),
                     kept["detail"], result.text_rows)
    bar = _progress(sum(phase(n).steps for n in names), progress)
    results = run_phases(ctx, kept["results"], names, bar)
    bar.close()
    return _plan_of(ctx, results, kept["base_notes"]).in_lang(result.text_lang)


def reprice(result: Plan, scenario: Scenario) -> Plan:
    """The plan ``result`` with another carbon price (and weights) from ``scenario``.

    The carbon price enters only the economics; the economics and ranking phases run again
    on the kept stage results (:func:`replan`). The result equals
    ``plan(plots, scenario)`` on the same plots (the option comparison calls this when
    the carbon-price slider moves).

    Parameters
    ----------
    result : Plan
        A plan from :func:`plan` with ``detail=True`` or of at most :data:`REPLAN_MAX_ROWS`
        plot × option rows (the same detail is kept).
    scenario : Scenario
        ``result.scenario`` with another ``carbon_price_cny_t`` [CNY t⁻¹ CO2e] and/or
        ``weights``; any other change is refused.

    Returns
    -------
    Plan
        A new plan for ``scenario``.

    Raises
    ------
    ValueError
        If ``result`` kept no stage inputs (a large plan without detail) or ``scenario``
        changes anything else.
    """
    if not result.reuse:
        raise ValueError(f"reprice needs a plan made with detail=True or of at most {REPLAN_MAX_ROWS} "
                         "plot × option rows")
    same = result.scenario.replace(carbon_price_cny_t=scenario.carbon_price_cny_t,
                                   weights=dict(scenario.weights))
    if same != scenario:
        raise ValueError("reprice changes only the carbon price and the weights; "
                         "plan again for other changes")
    return _rerun(result, scenario, ("economics", "ranking"), False)


def replan(result: Plan, scenario: Scenario, *, progress: bool | None = False) -> Plan:
    """The plan ``result`` for a scenario that differs only in :data:`LATE_FIELDS`.

    The engine runs again only the phases that read a changed field and those after them
    that depend on one (:func:`agriremed.engine.pipeline.phases_to_rerun`), on the stage
    results ``result`` kept (Monte Carlo draws included): a change of the carbon price
    reruns the economics and ranking, of the horizon everything from years-to-target on, of
    the weights alone only the ranking (:func:`rerank`). The result equals
    ``plan(plots, scenario)`` on the same plots (the option comparison calls this when a
    slider moves).

    Parameters
    ----------
    result : Plan
        A plan from :func:`plan` of at most :data:`REPLAN_MAX_ROWS` plot × option rows, or
        with ``detail=True`` for changes that reach only the economics and ranking (the same
        detail is kept).
    scenario : Scenario
        ``result.scenario`` with other values of :data:`LATE_FIELDS`, e.g. ``horizon_yr``
        [yr] or ``discount_rate`` [yr⁻¹].
    progress : bool, optional
        Show a progress bar.

    Returns
    -------
    Plan
        A new plan for ``scenario``.

    Raises
    ------
    ValueError
        If ``result`` kept no stage outputs the change needs or ``scenario`` changes a field
        outside :data:`LATE_FIELDS`.
    """
    route, why = _replan_route(result, scenario)
    if route is None:
        raise ValueError(why)
    if route == "rerank":
        return rerank(result, scenario.weights)
    if route == ():
        return dataclasses.replace(result, scenario=scenario)
    return _rerun(result, scenario, route, progress)


def can_replan(result: Plan, scenario: Scenario) -> bool:
    """Whether :func:`replan` can give the plan for ``scenario`` from ``result``.

    Parameters
    ----------
    result : Plan
        A plan from :func:`plan`.
    scenario : Scenario
        The scenario wanted.

    Returns
    -------
    bool
        True when ``scenario`` differs from ``result.scenario`` only in :data:`LATE_FIELDS`
        and ``result`` kept the stage outputs that change needs.
    """
    return _replan_route(result, scenario)[0] is not None


def _replan_route(result: Plan, scenario: Scenario):
    """How :func:`replan` reaches ``scenario``: ``"rerank"``, the phases to run again (a tuple,
    empty when no phase reads the change), or ``None`` with the reason it cannot."""
    changed = _changed_fields(result.scenario, scenario)
    early_change = sorted(changed - set(LATE_FIELDS))
    if early_change:
        return None, ("replan reuses the stages before years-to-target, which read "
                      f"{', '.join(early_change)}: plan again for this change")
    if changed and changed <= {"weights"}:
        return "rerank", ""
    names = phases_to_rerun(changed)
    if names and (not result.reuse or missing_results(names, result.reuse["results"])):
        return None, f"replan needs a plan of at most {REPLAN_MAX_ROWS} plot × option rows"
    return names, ""


def rerank(result: Plan, weights: dict[str, float]) -> Plan:
    """The plan ``result`` ranked with other criterion weights.

    Only the score, the rank, the recommendation (and its sentence) and the score table
    depend on the weights; everything else is reused. The result equals
    ``plan(plots, scenario.replace(weights=weights))`` on the same plots, at a fraction of
    the cost (the option comparison calls this when a weight slider moves).

    Parameters
    ----------
    result : Plan
        A plan from :func:`plan`.
    weights : dict
        Criterion → weight [–] (normalised to sum to 1; see
        :meth:`agriremed.Scenario.normalised_weights`).

    Returns
    -------
    Plan
        A new plan with ``scenario.weights = weights``.
    """
    if result.text_rows != "all":  # the new first options would have no sentences
        raise ValueError("rerank needs a plan whose rows all carry their sentences (text_rows='all')")
    if result.text_lang != "en":  # the new sentences are written in English, then in the plan's language
        return rerank(result.in_lang("en"), weights).in_lang(result.text_lang)
    scenario = result.scenario.replace(weights=dict(weights))
    w = scenario.normalised_weights()
    tables = result.tables
    rank = ranking_mod.reweight(result.ranking, w, tables, scenario.economics_view)
    table = result.table.copy()
    for c in ("score", "rank", "recommended"):
        table[c] = rank[c].to_numpy() if c != "rank" else rank[c].array
    ahead = ranking_mod.runner_up_message(rank, w, tables, rules=_frames.obj(table["policy_rule"])
                                            if "policy_rule" in table else None,
                                            economics_view=scenario.economics_view,
                                            duration_kind=_frames.obj(table["duration_kind"])
                                            if "duration_kind" in table else None)
    money = (scenario.currency, result.money()["cny_per_unit"])
    # the plots as the plan read them (a blank plough-layer depth or bulk density: the typical value)
    P = soil_mod.with_soil_mass_defaults(with_all_input_columns(result.plots), tables)
    eco = result.economics  # row-aligned with the plan table: how the economics valued doing nothing's crop
    outlet = eco["over_limit_outlet"] if "over_limit_outlet" in eco and len(eco) == len(table) else None
    checks = assemble.gb36600_checks_of(eco) if len(eco) == len(table) else None  # its GB 36600 checks
    summary = assemble.text_as_object(assemble.summary_table(P, result.soil_plot, table, scenario, ahead,
                                                             money=money, tables=tables,
                                                             located=assemble.location_columns(result.plots),
                                                             outlet=outlet, checks=checks))
    summary = assemble.with_pass_through(economics_mod.add_currency_columns(summary, *money), P)
    scores = ranking_mod.score_table(rank, w, tables, scenario.economics_view) if len(result.scores) else result.scores
    notes = [n for n in result.notes
             if "note.weights_omitted" not in getattr(getattr(n, "message", None), "codes", ())]
    return dataclasses.replace(result, table=table, summary=summary, ranking=rank, scenario=scenario,
                               scores=scores, notes=notes + weights_note(scenario))


def _applicable_years(schedule, opts: pd.DataFrame) -> pd.DataFrame:
    """The yearly schedule (:class:`agriremed.stages.duration.YearlySchedule`) of the applicable options
    (and the baseline) only, as a tidy table."""
    keep = opts["applicable"].to_numpy(bool) | (_frames.obj(opts["option_kind"]) == "baseline")
    out = schedule.frame(opts, keep)
    out["food_crop"] = _frames.category_of_codes(schedule.crop_code[np.flatnonzero(keep)].ravel(), schedule.crops)
    return out
