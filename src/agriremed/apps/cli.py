"""Command-line interface: ``agriremed plan | screen | validate | fit-uptake | safe-soil``.

Exit codes: 0 success; 1 the input has errors (``validate``) or no plot could be
planned (``plan``); 2 the file or scenario could not be read. Bad input never
produces a traceback: every problem is printed with its row, column and what was
expected.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from agriremed.core.version import __version__
from agriremed.io.readers import InputFileError, write_csv
from agriremed.io.outputs import OutputError, check_out_dir, terminal_text, texts_in
from agriremed.core.scenario import AREA_UNITS, PartialWeightsWarning, Scenario, ScenarioError
from agriremed.stages.soil import CLASS_NAMES, ThresholdSetError, exceedance_table
from agriremed.engine.stream import MEMORY_BUDGET_MB
from agriremed.core.tables import TableError, load_tables
from agriremed.io.pairs import fit_transfer_function, folder_warnings, write_fit
from agriremed.stages.uptake.fit import FitError
from agriremed.apps.dashboards.serve import main as serve
from agriremed.core import citations, columns as C, i18n, messages
from agriremed.engine.global_sensitivity import global_sensitivity
from agriremed.engine.plan import plan
from agriremed.engine.sensitivity import tornado
from agriremed.engine.stream import (TableSink, check_draws, chunk_size_for, data_rows_at_most,
                                     memory_estimate_mb, plan_stream, usable_cores, validate_stream, WorkerError)
from agriremed.io import geo  # held_mb, write_plan_layers_chunked called as module attributes
from agriremed.io.geo import (assign_regions, geometry_by_id, is_geo_path, plot_geometry, read_layer,
                              read_regions, region_totals, rejected_features, rejected_geometry,
                              write_plan_layers)
from agriremed.io.report import StreamReport
from agriremed.io.sheets import SheetError, write_sheets
from agriremed.io.validate import Validation, validate_plots
from agriremed.io.workbook import StreamWorkbook
from agriremed.stages import soil
from agriremed.stages.advice import area_units, food_standards, ha_per_mu, pct_text, years_messages
from agriremed.stages.seasons import counted_once
from agriremed.stages.uptake import safe_thresholds, unassessed_metals

__all__ = ["main", "build_parser"]


#: Help of ``--region`` (plan, screen, validate).
REGION_HELP = ("region of the plots that have none, e.g. 湖南/株洲/渌口 or Hunan/Zhuzhou/Lukou (selects the "
               "province's uptake functions and rules); a region cell of the table wins, and it wins over the "
               "place a title line, sheet name or file name starts with")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    p = argparse.ArgumentParser(
        prog="agriremed",
        description="Plan the remediation of heavy-metal-contaminated farmland: GB 15618 soil "
                    "class, crop metal vs food limits, options with duration, energy, carbon, "
                    "economics and ranking.")
    p.add_argument("--version", action="version", version=f"agriremed {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    pl = sub.add_parser("plan", help="plan every valid plot and write plan.csv, summary.csv, report.html")
    pl.add_argument("plots", help="plot table (CSV, Excel or Parquet)")
    pl.add_argument("--out", required=True, help="output folder")
    pl.add_argument("--scenario", help="scenario file (JSON or YAML) with user assumptions")
    pl.add_argument("--seed", type=int, help="Monte Carlo seed (overrides the scenario)")
    pl.add_argument("--draws", type=int, help="Monte Carlo draws (0 = deterministic only)")
    pl.add_argument("--sampling", choices=("random", "lhs"),
                    help="Monte Carlo sampling: a Latin hypercube (lhs, the default) or independent "
                         "random draws (overrides the scenario)")
    pl.add_argument("--horizon", type=int, help="planning horizon in years")
    pl.add_argument("--standard", choices=["auto", "GB2762", "EU2023_915", "CODEX"],
                    help="food standard: auto (default: per plot from its region) or one for every plot")
    pl.add_argument("--no-report", action="store_true", help="skip report.html")
    pl.add_argument("--no-xlsx", action="store_true", help="skip the Excel workbook plan.xlsx")
    pl.add_argument("--quiet", action="store_true", help="print only the output paths")
    pl.add_argument("--tables", help="folder of user tables (e.g. written by fit-uptake, or another "
                                     "threshold set) added to the packaged ones")
    pl.add_argument("--set", dest="threshold_set", help="soil threshold set id (overrides the scenario)")
    pl.add_argument("--rules", dest="rule_set",
                    help="jurisdiction rule set of land_rules.csv: auto (default: china for plots in China or "
                         "without a region, none for plots elsewhere), china, none (research runs) "
                         "or a set added with --tables (overrides the scenario); land rules only: the food standard "
                         "and area unit follow --standard and --area-unit")
    pl.add_argument("--area-unit", dest="area_unit", choices=list(AREA_UNITS),
                    help="area unit of the texts (sentence, measures, plot sheets, report, workbook): mu, ha, "
                         "or auto (default): mu for a plot in China, ha for a plot elsewhere (overrides the "
                         "scenario)")
    pl.add_argument("--currency", choices=list(C.CURRENCIES),
                    help="currency the plan also reports money in, converted at exchange_rates.csv "
                         "(overrides the scenario; computation stays in CNY)")
    pl.add_argument("--economics-view", dest="economics_view", choices=["combined", "farmer", "programme"],
                    help="whose money the ranking's economics criterion counts (default combined)")
    pl.add_argument("--noncompliant-grain", dest="noncompliant_grain",
                    help="what happens to grain over the food limit (noncompliant_grain.csv): discount_sale "
                         "(default), state_purchase or destroyed")
    pl.add_argument("--chunk-size", type=int,
                    help="plan in chunks of this many plots, writing plan and summary as they come; "
                         "report.html and plan.xlsx from totals and recommended rows, no per-year tables "
                         "(automatic when the input has more plots than "
                         "fit in --memory in one plan: about 1 000 plots with 500 Monte Carlo draws, "
                         "9 772 in chunks without draws)")
    pl.add_argument("--jobs", type=int, metavar="N",
                    help="in chunks, worker processes that plan chunks at the same time while this one "
                         "writes (default: the usable CPU cores, at most 4, when every worker gets at least "
                         "one chunk of at least 100 plots within --memory and the run would take 10 s or more "
                         "in one process; one process with --all-options, "
                         "which the main process would slow down writing; 1 plans here). The outputs are "
                         "the same for any number. An input planned in one plan in memory uses one process")
    pl.add_argument("--all-options", action="store_true",
                    help="in chunks, write every option of every plot to the plan file (default in chunks: "
                         "each plot's recommended option only, which also plans about twice as fast; the "
                         "in-memory plan always writes every option)")
    pl.add_argument("--memory", type=float, default=MEMORY_BUDGET_MB, metavar="MB",
                    help=f"estimated peak memory the plan may use (default {MEMORY_BUDGET_MB:,.0f} MB); sets "
                         "the automatic chunk size and the most Monte Carlo draws")
    pl.add_argument("--sheet", help="Excel sheet of plots (name or 0-based number; all: every visible sheet as one "
                                    "table, each row's sheet in column source_sheet); needed when a workbook "
                                    "holds data on several sheets (hidden sheets count too: the error names them, "
                                    "and reading one is noted)")
    pl.add_argument("--region", help=REGION_HELP)
    pl.add_argument("--lang", choices=["en", "zh"], default="en",
                    help="language of report.html, plan.xlsx, the plot sheets and the console: en (default) or zh (中文); "
                         "the CSV files keep their column names")
    pl.add_argument("--sheets", action="store_true",
                    help="also write one A4 PDF advice sheet per plot to <out>/sheets/<plot_id>.pdf "
                         "(and all of them in sheets/all_plots.pdf); needs the pdf extra")
    pl.add_argument("--format", choices=["csv", "parquet", "gpkg"], default=None,
                    help="format of plan and summary (default csv; parquet with --chunk-size); gpkg (GIS "
                         "input only) also writes plan.gpkg in chunked runs")
    pl.add_argument("--layer", help="layer of a GIS file (GeoPackage, Shapefile, GeoJSON) with "
                                    "several layers")
    pl.add_argument("--crs", help="coordinate reference system of a GIS layer that declares none, e.g. "
                                  "EPSG:4490 (CGCS2000) or EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger "
                                  "CM 114E)")
    pl.add_argument("--regions", help="GIS file of region polygons (counties, townships …): plots are "
                                      "joined to them and regions.csv sums area, money and carbon per region")
    pl.add_argument("--region-field", help="attribute of --regions holding the region name (default: the "
                                           "first of name, region, 名称, county, 县 …)")
    pl.add_argument("--region-layer", help="layer of --regions when the file holds several")

    sc = sub.add_parser("screen", help="classify plots against GB 15618-2018")
    sc.add_argument("plots", help="plot table (CSV, Excel or Parquet)")
    sc.add_argument("--out", help="folder for soil_screening.csv and soil_classes.csv")
    sc.add_argument("--set", default="gb15618_2018", help="threshold set id")
    sc.add_argument("--tables", help="folder of user tables (e.g. a soil_thresholds.csv with another set)")
    sc.add_argument("--sheet", help="Excel sheet of plots (name or 0-based number; all: every visible sheet as one "
                                    "table, each row's sheet in column source_sheet); needed when a workbook "
                                    "holds data on several sheets (hidden sheets count too: the error names them, "
                                    "and reading one is noted)")
    sc.add_argument("--region", help=REGION_HELP)
    sc.add_argument("--lang", choices=["en", "zh"], default="en",
                    help="language of the console and of rejected.csv's texts: en (default) or zh (中文); "
                         "the CSV files keep their column names and codes")

    fu = sub.add_parser("fit-uptake", help="fit a soil→crop transfer function to paired soil–plant data")
    fu.add_argument("pairs", help="paired table: soil_<metal>_mg_kg, plant_<metal>_mg_kg, ph, "
                                  "optional som_pct (or oc_g_kg), clay_pct, cec_cmol_kg, crop")
    fu.add_argument("--crop", required=True,
                    help="crop the function is for (rows of other crops are set aside)")
    fu.add_argument("--metal", default="cd", help="metal code (default cd)")
    fu.add_argument("--out", required=True,
                    help="folder for the function (transfer_functions.csv, sources.csv) and its reports; "
                         "use it with plan --tables")
    fu.add_argument("--terms", help="comma-separated terms, e.g. 'log10(soil),ph,log10(som_pct)' "
                                    "(default: log10(soil), ph, and log10 SOM and clay when present)")
    fu.add_argument("--method", choices=["ols", "huber"], default="ols",
                    help="OLS or Huber robust regression")
    fu.add_argument("--basis", choices=["dw", "fw", "unknown"], default="unknown",
                    help="basis of the plant concentrations (default unknown: compared with as-sold "
                         "limits as is)")
    fu.add_argument("--soil-measure", choices=["total", "cacl2", "hno3", "dtpa"], default="total",
                    help="soil extraction of the soil metal (default total)")
    fu.add_argument("--function-id", help="identifier of the fitted function")
    fu.add_argument("--provinces", default="", help="'|'-separated provinces the data come from")
    fu.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    fu.add_argument("--seed", type=int, default=20261123, help="seed of the folds and gradient boosting")
    fu.add_argument("--lang", choices=["en", "zh"], default="en",
                    help="language of the report and messages: en or zh")

    ss = sub.add_parser("safe-soil", help="safe soil threshold and safe pH of every plot's crop and metal")
    ss.add_argument("plots", help="plot table (CSV, Excel or Parquet)")
    ss.add_argument("--out", help="folder for safe_soil.csv")
    ss.add_argument("--standard", choices=["auto", "GB2762", "EU2023_915", "CODEX"], default="auto",
                    help="food standard (default auto: each plot's from its region, as plan does: GB2762 in "
                         "China, EU2023_915 in the EU and the UK, CODEX elsewhere)")
    ss.add_argument("--prob", type=float, default=0.95,
                    help="probability of meeting the limit (default 0.95)")
    ss.add_argument("--crop", help="crop to assess on every plot (default: each plot's crop)")
    ss.add_argument("--tables", help="folder of user tables (e.g. written by fit-uptake)")
    ss.add_argument("--lang", choices=["en", "zh"], default="en",
                    help="language of the console output: en or zh")

    se = sub.add_parser("sensitivity", help="tornado (one value at a time) or Morris/Sobol global "
                                            "sensitivity of one output of one plot")
    se.add_argument("plots", help="plot table (CSV, Excel or Parquet)")
    se.add_argument("--plot", required=True, help="plot id")
    se.add_argument("--option", help="option id (default: the plot's recommended option)")
    se.add_argument("--output", default="npv_vs_baseline_cny_ha",
                    help="plan table column, e.g. years_to_target, crop_compliance_prob, score")
    se.add_argument("--method", choices=["tornado", "morris", "sobol"], default="tornado",
                    help="morris and sobol need the sa extra (default tornado)")
    se.add_argument("--trajectories", type=int, default=10, help="Morris trajectories (default 10)")
    se.add_argument("--sobol-n", type=int, default=256, help="Sobol base sample, a power of 2 (default 256)")
    se.add_argument("--seed", type=int, default=0, help="seed of the Morris/Sobol sample (default 0)")
    se.add_argument("--out", help="folder for sensitivity.csv")
    da = sub.add_parser("dash", add_help=False,
                        help="serve the dashboards offline on localhost (agriremed dash --help for options)")
    da.add_argument("dash_args", nargs=argparse.REMAINDER)
    va = sub.add_parser("validate", help="list every problem in a plot table")
    va.add_argument("plots", help="plot table (CSV, Excel or Parquet)")
    va.add_argument("--out", help="write problems.csv to this folder")
    va.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    va.add_argument("--lang", choices=["en", "zh"], default="en",
                    help="language of the problems printed and of problems.csv's texts: en (default) or zh (中文)")
    va.add_argument("--sheet", help="Excel sheet of plots (name or 0-based number; all: every visible sheet as one "
                                    "table, each row's sheet in column source_sheet); needed when a workbook "
                                    "holds data on several sheets (hidden sheets count too: the error names them, "
                                    "and reading one is noted)")
    va.add_argument("--region", help=REGION_HELP)
    va.add_argument("--layer", help="layer of a GIS file (GeoPackage, Shapefile, GeoJSON) with "
                                    "several layers")
    va.add_argument("--crs", help="coordinate reference system of a GIS layer that declares none, e.g. "
                                  "EPSG:4490 (CGCS2000) or EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger "
                                  "CM 114E)")
    return p


def _say(*parts, file=None) -> None:
    """:func:`print` with escape sequences and control characters removed from the text
    (plot ids, file names and cell values come from the user's files)."""
    print(*(terminal_text(p) for p in parts), file=file)


def _one_line(exc: BaseException, lang: str = "en") -> str:
    """The message of ``exc`` on one line, in ``lang`` where the error carries a message code
    (:func:`agriremed.core.messages.text_of`)."""
    text = str(exc) if lang == "en" else messages.text_of(exc, lang)
    return " ".join(terminal_text(text).split()) or type(exc).__name__


def _shown(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its text cells cleaned for the terminal (before columns are aligned)."""
    return df.apply(lambda s: s.map(lambda x: terminal_text(x) if isinstance(x, str) else x)
                    if s.dtype == object else s)


def _print_problems(msgs: list[str], limit: int = 200, lang: str = "en") -> None:
    for m in msgs[:limit]:
        _say("  " + m)
    if len(msgs) > limit:
        _say("  " + messages.render(messages.Message.of("prob.more", n=len(msgs) - limit), lang))


def _note_line(note, lang: str = "en") -> str:
    """A note on how the input was read, as the console prints it in ``lang`` (``prob.note``)."""
    return messages.render(messages.Message.of("prob.note", text=messages.text_of(note, lang)), lang)


#: Inputs with more data rows than this are validated and screened chunk by chunk.
STREAM_ROWS = 100_000


def _validation(args, tables=None, on_valid=None, optional=()):
    """Validation of the input: whole when it is small, else streamed in chunks (bounded
    memory; ``on_valid`` receives the valid rows of each chunk); ``optional``: required columns
    the command does not need (``validate_plots``)."""
    sheet = getattr(args, "sheet", None)
    plots, geo_notes = _geo_table(args)  # a GIS layer: its attribute table, read whole
    if on_valid is None and data_rows_at_most(plots, sheet) <= STREAM_ROWS:
        v = validate_plots(plots, tables, sheet=sheet, optional=optional, region=getattr(args, "region", None))
    else:
        v = validate_stream(plots, tables, chunk_size=STREAM_ROWS // 4, sheet=sheet, on_valid=on_valid,
                            keep_plots=0, optional=optional, region=getattr(args, "region", None))
    v.notes[:0] = geo_notes
    return v


def _validation_summary(v, lang: str = "en") -> str:
    """The one-line count of rows read, valid and rejected, errors and warnings, in ``lang``."""
    skipped = len(getattr(v, "skipped", ()))
    key = "ui.cli.validate.summary_skipped" if skipped else "ui.cli.validate.summary"
    return v.summary() if lang == "en" else i18n.t(key, lang, rows=v.n_input, valid=v.n_valid, skipped=skipped,
                                                   rejected=len(v.rejected), errors=len(v.errors),
                                                   warnings=len(v.warnings))


def _say_skipped(skipped: pd.DataFrame, lang: str, tables=None) -> None:
    """List the rows of the sheet that are not plots (合计, 注, 填表人), each with its line and why."""
    if not len(skipped):
        return
    _say(i18n.t("ui.cli.plan.skipped_head", lang))
    why = messages.column_texts(skipped, "reason", lang, tables)
    for row, line, reason in zip(skipped["input_row"], skipped["line"], why, strict=True):
        if line is None or pd.isna(line):
            _say("  " + i18n.t("ui.cli.plan.skipped_row", lang, row=row, reason=reason))
        else:
            _say("  " + i18n.t("ui.cli.plan.skipped_row_line", lang, row=row, line=int(line), reason=reason))


def _cmd_validate(args) -> int:
    v = _validation(args)
    lang = getattr(args, "lang", "en") or "en"
    _say(_validation_summary(v, lang))
    for note in v.notes:
        _say(_note_line(note, lang) if lang != "en" else "note: " + note)
    _print_problems(v.messages(lang=lang) if lang != "en" else v.messages(), lang=lang)
    if args.out:
        path = write_csv(texts_in(v.problems, lang), Path(args.out) / "problems.csv")
        _say(i18n.t("ui.cli.wrote", lang, path=path))
    if not v.ok:
        return 1
    return 1 if (args.strict and len(v.warnings)) else 0


def _geo_table(args):
    """The input as validate_plots takes it: a GIS layer read as a table (and its notes), or the path."""
    if not is_geo_path(args.plots):
        return args.plots, []
    layer = read_layer(args.plots, layer=getattr(args, "layer", None) or args.sheet,
                       crs=getattr(args, "crs", None))
    args._geo_layer = layer
    return layer.table, list(layer.notes)


def _tables(args):
    return load_tables(args.tables) if getattr(args, "tables", None) else load_tables()


def _valid_plots(args, optional=()):
    """Tables and validated plots; ``None`` (after printing why) when no plot is valid
    (``optional``: required columns the command does not need)."""
    tables = _tables(args)
    v = validate_plots(args.plots, tables, sheet=getattr(args, "sheet", None), optional=optional,
                       region=getattr(args, "region", None))
    if len(v.plots) == 0:
        lang = getattr(args, "lang", "en") or "en"
        _say(_validation_summary(v, lang))
        _print_problems(v.messages(lang=lang), lang=lang)
        return None
    return tables, v


#: Required plot columns soil screening does not need (the class depends on land use, pH and metals only).
SCREEN_OPTIONAL = ("crop", "area_ha")

#: Required plot columns the safe soil threshold does not need: it depends on the crop, pH, metals and the
#: uptake function's covariates, not on how large the plot is.
SAFE_SOIL_OPTIONAL = ("area_ha",)


def _cmd_screen(args) -> int:
    if data_rows_at_most(args.plots, getattr(args, "sheet", None)) > STREAM_ROWS:
        return _screen_in_chunks(args)
    lang = getattr(args, "lang", "en") or "en"
    valid = _valid_plots(args, optional=SCREEN_OPTIONAL)
    if valid is None:
        return 1
    tables, v = valid
    screened = soil.screen(v.plots, tables, set_id=args.set)
    # the season rows of one field (field_id) take the field's strictest class
    classes = soil.plot_classes(screened, v.plots["plot_id"], _county_classes(v.plots),
                                v.plots["field_id"].to_numpy(object) if "field_id" in v.plots else None)
    _say(_screen_text(screened, classes, args.set, tables, lang))
    _print_screen_problems(v, lang)
    if args.out:
        out = Path(args.out)
        _say(i18n.t("ui.cli.wrote", lang, path=write_csv(screened, out / "soil_screening.csv")))
        _say(i18n.t("ui.cli.wrote", lang, path=write_csv(classes, out / "soil_classes.csv")))
        _say(i18n.t("ui.cli.wrote", lang, path=write_csv(texts_in(v.rejected, lang, tables), out / "rejected.csv")))
    return 0


def _print_screen_problems(v, lang: str = "en") -> None:
    """What ``screen`` prints after the classes: the rejected rows with the errors that rejected them, then
    the warnings on the rows screened (黄精 planned as a crop not modelled), each under its own heading; the
    notes on how cells were read (水田 read as paddy) are counted, not listed (``agriremed validate`` lists
    them)."""
    pr = v.problems
    sev = pr["severity"].to_numpy(object) if len(pr) else np.zeros(0, dtype=object)
    for heading, mask, n in (("ui.cli.screen.rejected", sev == "error", len(v.rejected)),
                             ("ui.cli.screen.warnings", sev == "warning", int((sev == "warning").sum()))):
        if n and mask.any():
            part = dataclasses.replace(v, problems=pr.loc[mask].reset_index(drop=True))
            _say("\n" + i18n.t(heading, lang, n=n))
            _print_problems(part.messages(lang=lang), lang=lang)
    notes = int((sev == "note").sum())
    if notes:
        _say("\n" + i18n.t("ui.cli.screen.notes", lang, n=notes))


def _county_classes(plots: pd.DataFrame):
    """The county's class of each plot (``soil_class_county``) where the input has the column, else None:
    a stricter county class is the class of the plot (:func:`agriremed.stages.soil.plot_classes`)."""
    return plots["soil_class_county"].astype(object).to_numpy(object) if "soil_class_county" in plots else None


def _screen_in_chunks(args) -> int:
    """``screen`` of a large input: validated, screened and written chunk by chunk; the
    printed table shows the first plots and the class counts of all."""
    tables = _tables(args)
    lang = getattr(args, "lang", "en") or "en"
    out = Path(args.out) if args.out else None
    sinks = {}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        sinks = {n: TableSink(out / f"{n}.csv", "csv", []) for n in ("soil_screening", "soil_classes")}
    counts = pd.Series(0, index=list(CLASS_NAMES), dtype=int)
    first = []

    def on_valid(plots):
        screened = soil.screen(plots, tables, set_id=args.set)
        classes = soil.plot_classes(screened, plots["plot_id"], _county_classes(plots))
        counts.loc[:] += classes["soil_class"].value_counts().reindex(counts.index, fill_value=0).to_numpy()
        if sum(len(c) for _, c in first) < 40:  # the plots printed
            first.append((screened, classes))
        for name, df in (("soil_screening", screened), ("soil_classes", classes)):
            if name in sinks:
                sinks[name].write(df)

    try:
        v = _validation(args, tables, on_valid=on_valid, optional=SCREEN_OPTIONAL)
    finally:
        for sink in sinks.values():
            sink.close()
    if not first:
        _say(_validation_summary(v, lang))
        _print_problems(v.messages(lang=lang), lang=lang)
        return 1
    screened = pd.concat([f[0] for f in first], ignore_index=True)
    classes = pd.concat([f[1] for f in first], ignore_index=True)
    ids = classes["plot_id"].head(40)
    text = _screen_text(screened.loc[screened["plot_id"].isin(ids)], classes.head(40), args.set, tables, lang)
    _say(text.rsplit("\n", 1)[0])
    _say(i18n.t("ui.cli.screen.more", lang, n=f"{v.n_valid - len(ids):,}") if v.n_valid > len(ids) else "")
    _say(_class_counts(counts, lang))
    _print_screen_problems(v, lang)
    if out is not None:
        for sink in sinks.values():
            _say(i18n.t("ui.cli.wrote", lang, path=sink.path))
        _say(i18n.t("ui.cli.wrote", lang, path=write_csv(texts_in(v.rejected, lang, tables), out / "rejected.csv")))
    return 0


def _class_counts(counts, lang: str = "en") -> str:
    """The number of plots of each soil class (``counts``: by class code) as the console prints it."""
    sep = "，" if lang == "zh" else ", "
    return sep.join(i18n.t("ui.cli.screen.count", lang, n=f"{counts.get(c, 0):,}", name=en, name_zh=zh)
                    for c, (en, zh) in CLASS_NAMES.items())


def _screen_text(screened: pd.DataFrame, classes: pd.DataFrame, set_id: str, tables, lang: str = "en") -> str:
    """Plot classes and per-metal exceedance ratios as a printable table (``lang`` ``'en'``: class
    names in English and 中文; ``'zh'``: in 中文 only)."""
    ratios = exceedance_table(screened, classes["plot_id"])
    strict = screened.loc[screened["soil_class"] == "strict_control"]
    strict_cells = set(zip(strict["plot_id"], strict["metal"], strict=True))
    k = 1 if lang == "zh" else 0
    show = pd.DataFrame({
        i18n.t("ui.cli.plan.col_plot", lang): classes["plot_id"].to_numpy(object),
        i18n.t("ui.cli.screen.col_class", lang): [
            "-" if not isinstance(c, str) else CLASS_NAMES[c][1] if k else f"{CLASS_NAMES[c][0]} {CLASS_NAMES[c][1]}"
            for c in classes["soil_class"]],
        i18n.t("ui.cli.screen.col_controlling", lang): classes["controlling_metal"].map(
            lambda m: C.METAL_NAMES[m][k] if isinstance(m, str) else "-").to_numpy(object),
    })
    for m in ratios.columns:
        show[C.METAL_NAMES[m][k]] = [
            "" if pd.isna(r) else f"{r:.2f}" + ("*" if (pid, m) in strict_cells else "")
            for pid, r in zip(ratios.index, ratios[m].to_numpy(float), strict=True)]
    src = tables.soil_thresholds.loc[tables.soil_thresholds["set_id"] == set_id, "source"].iloc[0]
    head = (i18n.t("ui.cli.screen.head", lang, set_id=set_id, source=citations.short_cites(src, lang, tables)) + "\n" +
            i18n.t("ui.cli.screen.ratio", lang) + "\n")
    tail = "\n" + _class_counts(classes["soil_class"].value_counts(), lang)
    with pd.option_context("display.width", 160, "display.max_rows", 200, "display.max_columns", 20,
                           "display.unicode.east_asian_width", True):
        return head + _shown(show).to_string(index=False) + tail


def _years_column(p, lang: str = "en") -> list[str]:
    """Years to target of each plot's recommended option as text ("stabilises, does not clean up",
    "metals stay in the soil" for doing nothing, "nothing to clean up" on clean land, "> 200 yr",
    "about 12 yr", or "-"), in ``lang``: the summary's ``duration_text``, rendered."""
    if "duration_text_msg" in p.summary:
        return [t if t else "-" for t in messages.render_column(p.summary["duration_text_msg"].to_numpy(object), lang)]
    rec = p.table.loc[p.table["recommended"]].set_index("plot_id").reindex(p.summary["plot_id"])
    y = rec["years_p50"].fillna(rec["years_to_target"]).to_numpy(float)
    msgs = years_messages(y, rec["option_kind"].fillna("").to_numpy(object),
                          rec["target_metals"].fillna("").to_numpy(object),
                          rec["duration_kind"].fillna("").to_numpy(object) if "duration_kind" in rec else None)
    return [t if t else "-" for t in messages.render_column(msgs, lang)]


def _cmd_plan(args) -> int:
    scenario = _plan_scenario(args)
    if not args.memory > MEMORY_BASE_MB_FLOOR:
        _say(f"error: --memory {args.memory:g}: expected more than {MEMORY_BASE_MB_FLOOR:,.0f} MB (the "
             "interpreter and the tables alone take about that)", file=sys.stderr)
        return 2
    fitting = check_draws(scenario.mc_draws, args.memory, "--draws" if args.draws is not None else "mc_draws")
    geo_input = _is_geo(args.plots)
    error = _plan_option_error(args, geo_input)
    if error:
        _say(error, file=sys.stderr)
        return 2
    if geo_input:
        fitting = _read_geo_input(args, scenario, fitting)
    if args.chunk_size is not None:
        return _plan_in_chunks(args, scenario, args.chunk_size, fitting)
    rows = data_rows_at_most(args.plots, args.sheet)
    whole = chunk_size_for(scenario.mc_draws, args.memory, detail=True,  # one plan with report
                           held_mb=getattr(args, "_held_mb", 0.0))
    if rows > whole:
        if getattr(args, "sheets", False):
            _say(f"error: --sheets needs the in-memory plan, which holds at most {whole:,} plots within "
                 "--memory; plan fewer plots or raise --memory", file=sys.stderr)
            return 2
        return _plan_in_chunks(args, scenario, fitting, fitting, rows, whole)
    if args.format == "parquet":
        _say("error: --format parquet needs --chunk-size (the in-memory plan writes CSV)", file=sys.stderr)
        return 2
    if args.jobs is not None and args.jobs > 1 and not args.quiet:
        _say(f"--jobs {args.jobs}: the input fits in one plan in memory (with per-year tables and the full "
             "report), which runs in one process; --chunk-size plans it in chunks with worker processes")
    return _plan_in_memory(args, scenario, geo_input)


def _plan_scenario(args) -> Scenario:
    """The scenario of ``--scenario`` (or the default) with the settings given on the command line."""
    with warnings.catch_warnings():  # criteria the weights leave at 0: the plan's note says so, in its language
        warnings.simplefilter("ignore", PartialWeightsWarning)
        scenario = Scenario.load(args.scenario) if args.scenario else Scenario()
    changes = {k: v for k, v in {"seed": args.seed, "mc_draws": args.draws, "horizon_yr": args.horizon,
                                 "food_standard": args.standard, "threshold_set": args.threshold_set,
                                 "rule_set": getattr(args, "rule_set", None),
                                 "economics_view": getattr(args, "economics_view", None),
                                 "area_unit": getattr(args, "area_unit", None),
                                 "currency": getattr(args, "currency", None),
                                 "noncompliant_grain": getattr(args, "noncompliant_grain", None),
                                 "sampling": getattr(args, "sampling", None)}.items()
               if v is not None}
    if changes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PartialWeightsWarning)
            scenario = scenario.replace(**changes)
    return scenario


def _plan_option_error(args, geo_input: bool) -> str | None:
    """The error message of options of ``plan`` that do not go together (None when they do)."""
    if getattr(args, "sheets", False) and args.chunk_size is not None:
        return "error: --sheets needs the in-memory plan: leave out --chunk-size"
    if args.format == "gpkg" and not geo_input:
        return ("error: --format gpkg needs a GIS input (GeoPackage, Shapefile, GeoJSON): the plots carry no "
                "geometry")
    if args.regions and not geo_input:
        return ("error: --regions needs a GIS input (GeoPackage, Shapefile, GeoJSON) whose plots can be placed "
                "in the regions")
    return None


def _read_geo_input(args, scenario, fitting: int) -> int:
    """Read the GIS layer (and the regions) onto ``args``, print its notes, and return the plots
    per chunk that fit in ``--memory`` beside the layer (``fitting`` when the layer alone leaves no
    room, with a warning)."""
    args._geo_path = args.plots
    args.plots, args.geo_notes = _geo_table(args)
    args.sheet = None
    if args.regions:
        args.region_polygons = read_regions(args.regions, args.region_field, args.region_layer)
    if not args.quiet:
        for note in args.geo_notes:
            _say(_note_line(note, getattr(args, "lang", "en") or "en"))
        about = getattr(args, "region_polygons", None)
        if about is not None and about.attrs.get("description"):  # e.g. illustrative, not official
            _say(f"note: {Path(args.regions).name}: {about.attrs['description']}")

    # the layer (attributes and geometry) stays in memory beside the chunks being planned
    held = geo.held_mb(args._geo_layer)
    if chunk_size_for(scenario.mc_draws, args.memory, held_mb=held) >= 1:
        args._held_mb = held
        fitting = check_draws(scenario.mc_draws, args.memory,
                              "--draws" if args.draws is not None else "mc_draws", held_mb=held)
    else:  # the layer alone leaves no room for one plot: say so instead of ignoring it
        _say(f"warning: the GIS layer alone needs about {held:,.0f} MB, which leaves no room within "
             f"--memory {args.memory:,.0f} MB; chunks are sized without it, so the run may use more "
             "memory than --memory (raise --memory or split the layer)", file=sys.stderr)
    return fitting


def _plan_in_memory(args, scenario, geo_input: bool) -> int:
    """Plan the whole input in one plan and write it (report, workbook, sheets, GIS layers)."""
    tables = _tables(args)
    plots = args.plots
    if args.sheet is not None or geo_input:
        plots = validate_plots(args.plots, tables, sheet=args.sheet, region=getattr(args, "region", None))
        plots.notes[:0] = getattr(args, "geo_notes", [])
    p = plan(plots, scenario, tables=tables, progress=None if not args.quiet else False, region=getattr(args, "region", None),
             lang=args.lang)
    if not args.quiet:  # how the table was read (a GIS layer's notes are printed when it is read)
        shown = {str(n) for n in getattr(args, "geo_notes", [])}
        weights = [n for n in p.notes if "note.weights_omitted" in getattr(getattr(n, "message", None), "codes", ())]
        for note in [*p.input_notes, *weights]:  # and the criteria the scenario's weights leave at 0
            if str(note) not in shown:
                _say(_note_line(note, getattr(args, "lang", "en") or "en"))
    if geo_input:
        _attach_geometry(args, p)
    lang = getattr(args, "lang", "en") or "en"
    if geo_input:
        _say_no_region(args, p.problems, lang)
    if len(p.plots) == 0:
        _say(i18n.t("ui.cli.plan.none_planned", lang, rejected=len(p.rejected)))
        _print_problems(_messages(p.problems, lang, p.tables), lang=lang)
        paths = p.write(args.out, report=False, lang=lang)
        if geo_input:
            paths.update(_write_geo(args, p))
        for path in (paths["rejected"], paths.get("plan_gpkg")):
            if path is not None:
                _say(i18n.t("ui.cli.wrote", lang, path=path))
        return 1
    paths = p.write(args.out, report=not args.no_report, lang=lang, xlsx=not args.no_xlsx)
    if getattr(args, "sheets", False):
        try:
            paths.update(write_sheets(p, Path(args.out) / "sheets", lang=lang))
        except SheetError as exc:
            _say(f"error: {exc}", file=sys.stderr)
            return 2
    if geo_input:
        paths.update(_write_geo(args, p))
    if not args.quiet:
        _print_plan(p, lang)
    for name, path in paths.items():
        _say(i18n.t("ui.cli.wrote", lang, path=path))
    return 0


#: Grouped warnings of planned rows the plan console prints (the rest: problems.csv).
PLAN_WARNINGS_SHOWN = 10

#: Problem codes of a value to check before acting on the plan (a soil metal in µg/kg?): the plan
#: console shows these warnings first.
VALUES_TO_CHECK = frozenset({"val.column_ug_kg", "val.unusual", "val.unusual_ph_domain", "val.unusual_converted",
                             "val.value_below_natural", "val.value_below_median"})

#: Problem codes that only echo how a header or a value was read (in problems.csv, not on the plan
#: console's warnings).
READING_ECHOES = frozenset({"val.header_read", "val.read_as", "val.read_as_land_use", "val.read_as_basic_farmland",
                            "val.read_as_crop", "val.read_as_rice_type", "val.read_as_soil_class"})


def _print_plan(p, lang: str) -> None:
    """The summary of a plan on the terminal (first 40 plots) and its rejected rows, in ``lang``
    (headers, soil classes, metals and sentences; the recommended option by its name in ``lang``)."""
    s = p.summary

    def head(k):
        return i18n.t(f"ui.cli.plan.col_{k}", lang)

    def named(col, domain):
        return s[col].map(lambda v: "-" if v is None or v != v or v == "" else i18n.value(domain, v, lang, p.tables))

    # per mu where every plot's texts are in mu (a county's sheet), as the sentences and sheets give them
    units = area_units(s["region"].to_numpy(object) if "region" in s else np.full(len(s), None, dtype=object),
                       getattr(p.scenario, "area_unit", "auto"), getattr(p.scenario, "rule_set", "china"), p.tables)
    per, ha_each = ("_mu", ha_per_mu()) if len(units) and (units == "mu").all() else ("", 1.0)
    show = pd.DataFrame({
        head("plot"): s["plot_id"],
        head("class"): named("soil_class", "soil_class"),
        head("metals"): (s["metals_exceeding"].replace("", "-") if lang == "en"
                         else named("metals_exceeding", "metals")),
        head("recommended"): named("recommended_option", "option"),  # by its name (options.csv) in either language
        head("rule"): s["policy_rule"].map(lambda r: i18n.rule_label(r, lang, p.tables) or "-"),
        head("years"): _years_column(p, lang),
        head(f"npv{per}"): (s["npv_vs_baseline_cny_ha"] * ha_each).map(lambda x: "-" if pd.isna(x) else f"{x:,.0f}"),
        head(f"co2e{per}"): (s["net_co2e_vs_baseline_t_ha_yr"] * ha_each).map(
            lambda x: "-" if pd.isna(x) else f"{x:+.{3 if per else 2}f}"),
    })
    with pd.option_context("display.width", 160, "display.max_rows", 40, "display.max_colwidth", 30,
                           "display.unicode.east_asian_width", lang == "zh"):
        _say(_shown(show.head(40)).to_string(index=False))
    if len(s) > 40:
        _say(i18n.t("ui.cli.plan.more", lang, n=len(s) - 40))
    _say(i18n.t("ui.cli.plan.co2e_sign", lang))
    _say("\n" + i18n.t("ui.cli.plan.done_skipped" if len(p.skipped) else "ui.cli.plan.done", lang,
                       planned=len(p.plots), rejected=len(p.rejected), skipped=len(p.skipped),
                       seed=p.scenario.seed, draws=p.scenario.mc_draws))
    _say_skipped(p.skipped, lang, p.tables)
    if len(p.rejected):
        _say(i18n.t("ui.cli.plan.rejected_head", lang))
        reasons = messages.column_texts(p.rejected, "reasons", lang, p.tables)
        # the file line where the input has one: a spreadsheet user counts lines, not records
        lines = p.rejected["line"] if "line" in p.rejected else [None] * len(p.rejected)
        for row, line, why in zip(p.rejected["input_row"], lines, reasons, strict=True):
            if line is None or pd.isna(line):
                _say("  " + i18n.t("ui.cli.plan.rejected_row", lang, row=row, reasons=why))
            else:
                _say("  " + i18n.t("ui.cli.plan.rejected_row_line", lang, row=row, line=int(line), reasons=why))
    # warnings of the planned rows (a plot of 2 m²), grouped as validate prints them, the first few
    pr = p.problems
    if len(pr) and "severity" in pr:
        # a header or a value read as agriremed names it (作物 → crop, 是 → yes) is no warning to act on
        echo = (pr["problem_msg"].map(lambda m: bool(m) and isinstance(m, str)
                                      and bool(set(messages.Message.decode(m).codes) & READING_ECHOES))
                .to_numpy(bool) if "problem_msg" in pr else np.zeros(len(pr), bool))
        warn = pr.loc[(pr["severity"] == "warning").to_numpy(bool) & ~echo
                      & ~pr["input_row"].isin(p.rejected["input_row"] if "input_row" in p.rejected else [])]
        if len(warn):
            # a value to check before acting on the plan (Cd 450 mg/kg, a column in µg/kg?) first
            first = warn["problem_msg"].map(lambda m: bool(m) and isinstance(m, str)
                                            and bool(set(messages.Message.decode(m).codes) & VALUES_TO_CHECK)) \
                if "problem_msg" in warn else pd.Series(False, index=warn.index)
            warn = pd.concat([warn.loc[first.to_numpy(bool)], warn.loc[~first.to_numpy(bool)]])
            _say(i18n.t("ui.cli.plan.warnings_head", lang, n=len(warn)))
            _print_problems(_messages(warn.reset_index(drop=True), lang, p.tables), limit=PLAN_WARNINGS_SHOWN,
                            lang=lang)


def _say_no_region(args, problems, lang: str) -> None:
    """A GIS run whose plots have no region (``val.region_missing``): a warning line naming the layer, where its
    parcels lie and how to give the region (--region or a region field), so that national functions are not
    used unseen (the layer's coordinates do not place it in a province: agriremed holds no province polygons)."""
    layer = getattr(args, "_geo_layer", None)
    if layer is None or args.quiet or problems is None or "problem_msg" not in problems:
        return
    missing = any(isinstance(m, str) and m and "val.region_missing" in messages.Message.decode(m).codes
                  for m in problems["problem_msg"].to_numpy(object))
    centre = geo.layer_centre(layer)
    if not missing or centre is None:
        return
    text = messages.render(messages.Message.of("geo.no_region", file=Path(str(getattr(args, "_geo_path", "")
                                                                             or layer.name)).name,
                                               lat=centre[0], lon=centre[1]), lang)
    _say(messages.render(messages.Message.of("prob.warning_line", text=text), lang))


def _is_geo(path) -> bool:
    return is_geo_path(path)


def _attach_geometry(args, p) -> None:
    """Geometry (and regions) of the planned plots on the plan, and of the rejected features drawn grey
    (``rejected_geometry``), for report.html and plan.gpkg."""
    p.geometry = plot_geometry(args._geo_layer, p.plots)
    p.rejected_geometry = (rejected_geometry(args._geo_layer, p.rejected) if len(p.rejected)
                           and "input_row" in p.rejected else None)
    p.region_polygons = getattr(args, "region_polygons", None)
    if p.region_polygons is not None and len(p.plots):
        p.plot_regions = assign_regions(p.geometry.reindex(p.summary["plot_id"].to_numpy(object)),
                                        p.region_polygons)


def _write_geo(args, p) -> dict:
    """plan.gpkg (plots and plot × option rows with geometry, the rejected features with their reasons in
    the run's language) and regions.csv."""
    rejected = None
    if len(p.rejected) and "input_row" in p.rejected:
        lang = getattr(args, "lang", "en") or "en"
        rejected = rejected_features(args._geo_layer, texts_in(p.rejected, lang, p.tables))
    if not len(p.plots) and rejected is None:
        return {}
    out = Path(args.out)
    summary = p.summary if len(p.plots) else None
    paths = {}
    if getattr(p, "plot_regions", None) is not None and summary is not None:
        summary = summary.assign(gis_region=p.plot_regions)
        paths["regions"] = write_csv(region_totals(p.summary, p.plot_regions, p.tables), out / "regions.csv")
    paths["plan_gpkg"] = write_plan_layers(out / "plan.gpkg", summary, p.geometry, p.table if summary is not None
                                           else None, rejected=rejected)
    return paths


#: Smallest ``--memory`` accepted [MB]: the interpreter with agriremed and its tables.
MEMORY_BASE_MB_FLOOR = 350.0


def _plan_in_chunks(args, scenario, chunk: int, fitting: int, rows: int | None = None,
                    whole: int | None = None) -> int:
    """Plan in chunks of ``chunk`` plots (``fitting``: the most that fit in ``--memory``;
    ``rows``: the input's data rows at most, when the chunking is automatic; ``whole``: the
    most plots planned in one plan with report and per-year tables)."""
    if chunk < 1:
        _say(f"error: --chunk-size {chunk}: expected a positive number of plots", file=sys.stderr)
        return 2
    draws = scenario.mc_draws
    all_rows = bool(getattr(args, "all_options", False))
    if all_rows:  # every plot × option row kept with its sentences: fewer plots fit
        fitting = max(min(fitting, chunk_size_for(draws, args.memory, held_mb=getattr(args, "_held_mb", 0.0),
                                                  all_rows=True)), 1)
        chunk = fitting if rows is not None else chunk
    if chunk > fitting:
        need = memory_estimate_mb(chunk, draws, held_mb=getattr(args, "_held_mb", 0.0), all_rows=all_rows)
        _say(f"error: --chunk-size {chunk:,}: with {draws:,} Monte Carlo draws a chunk of {chunk:,} plots "
             f"needs about {need:,.0f} MB, more than --memory {args.memory:,.0f} MB: use "
             f"--chunk-size {fitting:,} or less (分块过大，内存不足)", file=sys.stderr)
        return 2
    jobs = _jobs(args, draws, chunk, fitting, rows)
    if isinstance(jobs, str):
        _say(jobs, file=sys.stderr)
        return 2
    jobs, chunk = jobs
    fmt = args.format or ("parquet" if rows is None else "csv")
    gpkg = fmt == "gpkg"
    fmt = "parquet" if gpkg else fmt
    plan_rows = "all" if all_rows else "recommended"
    lang = getattr(args, "lang", "en") or "en"
    if not args.quiet:
        why = "" if rows is None else i18n.t("ui.cli.plan.chunks_why", lang, rows=f"{rows:,}", draws=f"{draws:,}",
                                             fitting=f"{fitting:,}", memory=f"{args.memory:,.0f}")
        if jobs > 1:
            why += i18n.t("ui.cli.plan.chunks_jobs", lang, jobs=jobs)
        _say(i18n.t("ui.cli.plan.chunks", lang, chunk=f"{chunk:,}", why=why, fmt=fmt,
                    which=i18n.t(f"ui.cli.plan.rows_{plan_rows}", lang), whole=f"{whole or fitting:,}"))
    extra = []
    if not args.no_report:
        extra.append(StreamReport(lang=args.lang))
    if not args.no_xlsx:
        extra.append(StreamWorkbook(lang=args.lang))
    r = plan_stream(args.plots, scenario, out=args.out, chunk_size=chunk, fmt=fmt, tables=_tables(args),
                    progress=None if not args.quiet else False, keep_summary=False, sheet=args.sheet,
                    memory_mb=args.memory, extra_outputs=extra, plan_rows=plan_rows, jobs=jobs,
                    lang=args.lang, region=getattr(args, "region", None))
    for w in extra:
        if getattr(w, "note", ""):
            _say(w.note)
    if not args.quiet:  # how the table was read (a GIS layer's notes are printed when it is read)
        shown = {str(n) for n in getattr(args, "geo_notes", [])}
        for note in r.notes:
            codes = getattr(getattr(note, "message", None), "codes", ())
            # how the input was read, and criteria the scenario's weights leave at 0
            if str(note) not in shown and any(c.startswith("io.") or c == "note.weights_omitted" for c in codes):
                _say(_note_line(note, getattr(args, "lang", "en") or "en"))
    _say_no_region(args, r.problems, lang)
    rejected = (rejected_features(args._geo_layer, texts_in(r.rejected, lang, _tables(args)))
                if gpkg and len(r.rejected) and "input_row" in r.rejected else None)
    if gpkg and (r.n_planned or rejected is not None):  # the rejected features too, as the in-memory plan
        r.paths["plan_gpkg"] = geo.write_plan_layers_chunked(Path(args.out) / "plan.gpkg",
                                                         _summary_geometry(args, r.paths["summary"], fmt)
                                                         if r.n_planned else geometry_by_id(args._geo_layer),
                                                         r.paths["summary"] if r.n_planned else None,
                                                         r.paths.get("plan") if r.n_planned else None,
                                                         batch_rows=max(chunk, 1_000), rejected=rejected)
    if getattr(args, "region_polygons", None) is not None and r.n_planned:
        r.paths["regions"] = _regions_from_parquet(args, r.paths["summary"], fmt)
    if not args.quiet:
        _say("\n" + i18n.t("ui.cli.plan.chunks_done_skipped" if r.n_skipped else "ui.cli.plan.chunks_done", lang,
                           planned=f"{r.n_planned:,}", rejected=f"{len(r.rejected):,}", skipped=f"{r.n_skipped:,}",
                           chunks=r.n_chunks, seconds=f"{r.seconds:,.1f}", rate=f"{r.plots_per_second:,.0f}",
                           seed=r.scenario.seed, draws=r.scenario.mc_draws))
        _say_skipped(r.skipped, lang, _tables(args))
        top = _recommended_area(r.paths.get("summary"), fmt, lang, _tables(args))
        if top is not None:
            with pd.option_context("display.unicode.east_asian_width", lang == "zh"):
                _say(top.to_string(float_format=lambda x: f"{x:,.1f}"))
        if len(r.rejected):
            _say(i18n.t("ui.cli.plan.chunks_rejected", lang, rejected=f"{len(r.rejected):,}"))
    for path in r.paths.values():
        _say(i18n.t("ui.cli.wrote", lang, path=path))
    return 0 if r.n_planned else 1


#: Most worker processes ``--jobs`` chooses by itself.
AUTO_JOBS_MAX = 4
#: Fewest plots per chunk with which ``--jobs`` chooses worker processes by itself (smaller
#: chunks spend more of their time on the work each plan does once).
AUTO_JOBS_MIN_CHUNK = 100
#: Most worker processes ``--jobs`` accepts (the most a process pool may have on Windows).
AUTO_JOBS_LIMIT = 61
#: Estimated time of planning in one process, below which ``--jobs`` keeps one process by itself:
#: starting each worker (a fresh interpreter importing agriremed and its tables) takes about
#: 2–3 s, so a short run gains nothing [s].
AUTO_JOBS_MIN_WORK_S = 10.0
#: Time per plot of the plan command in one process, without draws and per draw [s] (measured on
#: the 2-core development machine: 100 000 plots without draws in 136 s; 10 000 plots with 500
#: draws in 38–39 s); only for the estimate above.
PLAN_S_PER_PLOT = 1.36e-3
PLAN_S_PER_PLOT_DRAW = 5.0e-6


def _jobs(args, draws: int, chunk: int, fitting: int, rows: int | None) -> tuple[int, int] | str:
    """``(jobs, chunk size)`` of a chunked run, or an error message.

    ``--jobs`` given: that many worker processes, each chunk within ``--memory`` with them
    (an automatic chunk size shrinks to fit). Not given: the most workers (up to the usable
    cores and :data:`AUTO_JOBS_MAX`) that each get at least one chunk of at least
    :data:`AUTO_JOBS_MIN_CHUNK` plots within ``--memory``, when planning in one process would
    take at least :data:`AUTO_JOBS_MIN_WORK_S` (estimated); else 1 (planned in this process).
    With ``--all-options`` not given: 1 (writing every plot × option row keeps the main process
    busy, and two workers on two cores were measured slower than one process).
    ``rows``: the input's data rows at most when the chunk size is automatic (``None``: given
    with ``--chunk-size``).
    """
    held = getattr(args, "_held_mb", 0.0)
    explicit = args.chunk_size is not None
    all_rows = bool(getattr(args, "all_options", False))
    if args.jobs is not None:
        if args.jobs < 1:
            return f"error: --jobs {args.jobs}: expected 1 or more worker processes"
        if args.jobs > AUTO_JOBS_LIMIT:
            return f"error: --jobs {args.jobs}: expected at most {AUTO_JOBS_LIMIT} worker processes"
        if args.jobs == 1:
            return 1, chunk
        fit = chunk_size_for(draws, args.memory, held_mb=held, jobs=args.jobs, all_rows=all_rows)
        if fit < 1 or (explicit and chunk > fit):
            need = memory_estimate_mb(chunk if explicit else 1, draws, held_mb=held, jobs=args.jobs,
                                      all_rows=all_rows)
            return (f"error: --jobs {args.jobs}: {args.jobs} worker processes planning chunks of "
                    f"{chunk if explicit else 1:,} plots with {draws:,} Monte Carlo draws need about "
                    f"{need:,.0f} MB, more than --memory {args.memory:,.0f} MB: use fewer jobs"
                    f"{', a smaller --chunk-size' if explicit else ''} or a larger --memory (内存不足)")
        return args.jobs, chunk if explicit else fit
    cores = min(usable_cores(), AUTO_JOBS_MAX)
    if all_rows or cores < 2 or chunk < AUTO_JOBS_MIN_CHUNK:
        return 1, chunk
    if rows is None:
        rows = data_rows_at_most(args.plots, args.sheet)
    if rows * (PLAN_S_PER_PLOT + draws * PLAN_S_PER_PLOT_DRAW) < AUTO_JOBS_MIN_WORK_S:
        return 1, chunk  # too short a run to pay for starting workers
    for j in range(cores, 1, -1):
        fit = chunk_size_for(draws, args.memory, held_mb=held, jobs=j)
        size = chunk if explicit else fit
        if AUTO_JOBS_MIN_CHUNK <= size <= fit and rows > (j - 1) * size:
            return j, size
    return 1, chunk


def _summary_columns(summary_path, fmt: str, cols: list[str]) -> pd.DataFrame:
    """The columns ``cols`` of a chunked run's summary file that it has, read back."""
    if fmt == "parquet":
        import pyarrow.parquet as pq
        names = set(pq.read_schema(summary_path).names)
        return pd.read_parquet(summary_path, columns=[c for c in cols if c in names])
    return pd.read_csv(summary_path, usecols=lambda c: c in cols, encoding="utf-8-sig",
                       dtype={"plot_id": str, "field_id": str})


def _geometry_of(layer, s: pd.DataFrame):
    """Geometry of the summary rows ``s`` (``plot_id``, ``input_row``) indexed by plot id: by the layer row each
    was read from, so that the season rows of a field (plot ids D4~早稻, D4~晚稻 of the layer's D4) keep theirs;
    by plot id where the summary has no ``input_row``."""
    if "input_row" not in s or s["input_row"].isna().any():
        return geometry_by_id(layer).reindex(s["plot_id"].astype(str).to_numpy(object))
    return plot_geometry(layer, s.assign(plot_id=s["plot_id"].astype(str)))


def _summary_geometry(args, summary_path, fmt: str):
    """Geometry of every plot of a chunked run's summary, indexed by plot id (:func:`_geometry_of`)."""
    return _geometry_of(args._geo_layer, _summary_columns(summary_path, fmt, ["plot_id", "input_row"]))


def _regions_from_parquet(args, summary_path, fmt: str) -> Path:
    """regions.csv of a chunked run: the summary columns it needs read back, plots joined by their layer row."""
    # field_id: the season rows of one field, counted once (stages.seasons.counted_once), if the summary has it
    s = _summary_columns(summary_path, fmt, ["plot_id", "input_row", "field_id", "area_ha", "soil_class",
                                             "recommended_option", "npv_vs_baseline_cny_ha", "net_co2e_t"])
    g = _geometry_of(args._geo_layer, s)
    totals = region_totals(s, assign_regions(g, args.region_polygons), _tables(args))
    return write_csv(totals, Path(args.out) / "regions.csv")


def _recommended_area(path, fmt: str, lang: str = "en", tables=None) -> pd.DataFrame | None:
    """Plots and area by recommended option (ten largest), read back from the summary written
    (two columns, so the summary of every plot is never held in memory); headers in ``lang``,
    and in Chinese the options by their names."""
    if path is None:
        return None
    cols = ["recommended_option", "area_ha", "field_id"]  # field_id: season rows of one field (if any)
    if fmt == "parquet":
        import pyarrow.parquet as pq
        names = set(pq.read_schema(path).names)
        s = pd.read_parquet(path, columns=[c for c in cols if c in names])
    else:
        s = pd.read_csv(path, usecols=lambda c: c in cols, encoding="utf-8-sig",
                        dtype={"recommended_option": str, "field_id": str})
    if not len(s):
        return None
    none = i18n.t("ui.cli.plan.no_option", lang)
    # a field's area once under an option, however many of its season rows get it (as every total)
    s["area_ha"] = counted_once(s, tables)["area_option_ha"].to_numpy(float)
    s["recommended_option"] = s["recommended_option"].fillna(none)
    top = (s.groupby("recommended_option")["area_ha"]
           .agg(["size", "sum"]).sort_values("size", ascending=False).head(10))
    top.columns = [i18n.t("ui.cli.plan.col_plots", lang), i18n.t("ui.cli.plan.col_area", lang)]
    if lang != "en":
        top.index = [o if o == none else i18n.value("option", o, lang, tables) for o in top.index]
    top.index.name = i18n.t("ui.cli.plan.col_option", lang)
    return top


def _cmd_fit_uptake(args) -> int:
    lang = getattr(args, "lang", "en") or "en"
    terms = [t.strip() for t in args.terms.split(",") if t.strip()] if args.terms else None
    try:
        fit = fit_transfer_function(args.pairs, metal=args.metal.lower(), crop=args.crop, terms=terms,
                                    method=args.method, soil_measure=args.soil_measure,
                                    plant_basis=args.basis, function_id=args.function_id,
                                    provinces=args.provinces, cv_folds=args.folds, seed=args.seed)
    except FitError as exc:  # the table was read but cannot be fitted: an input error
        _say(i18n.t("ui.cli.error", lang, text=_one_line(exc, lang)), file=sys.stderr)
        return 1
    fit.warnings.extend(folder_warnings(fit, args.out))  # before the summary is printed
    _say(fit.summary(lang))
    if len(fit.validation.problems):
        _say(i18n.t("ui.cli.fit.problems", lang))
        _print_problems(fit.validation.messages(lang=lang), lang=lang)
    for path in write_fit(fit, args.out).values():
        _say(i18n.t("ui.cli.wrote", lang, path=path))
    # a fit whose terms add no predictive skill (fit.warn_cv) is not recommended for planning
    _say("\n" + i18n.t("ui.cli.fit.use_weak" if fit.no_predictive_skill() else "ui.cli.fit.use", lang,
                       out=args.out))
    return 0


def _cmd_safe_soil(args) -> int:
    lang = getattr(args, "lang", "en") or "en"
    if not 0.5 <= args.prob < 1.0:
        _say(f"error: --prob {args.prob:g}: expected a probability from 0.5 to below 1 (e.g. 0.95)",
              file=sys.stderr)
        return 2
    valid = _valid_plots(args, optional=SAFE_SOIL_OPTIONAL)
    if valid is None:
        return 1
    tables, v = valid
    t, used = _safe_thresholds(v.plots, args.crop, args.standard, args.prob, tables)
    why = _not_assessed(v.plots, t, args.crop, tables)
    full, t = t, t.loc[t["not_assessed_reason"] == ""].reset_index(drop=True)
    yes, no = i18n.t("ui.cli.safe.yes", lang), i18n.t("ui.cli.safe.no", lang)
    unknown = i18n.t("ui.cli.safe.unknown", lang)
    spread = _safe_spread(t)
    show = pd.DataFrame({
        "plot": t["plot_id"], "crop": t["crop"].map(lambda c: c if lang == "en" else i18n.value("crop", c, lang, tables)),
        "metal": t["metal"].map(lambda m: m if lang == "en" else i18n.metal_name(m, lang)),
        "function": t["function_id"], "limit": t["food_limit_mg_kg"].map(lambda x: f"{x:g}"),
        "soil_now": t["soil_input_mg_kg"].map(lambda x: f"{x:.3g}"),
        "safe": t["safe_soil_mg_kg"].map(lambda x: "-" if pd.isna(x) else f"{x:.3g}"),
        "median": t["safe_soil_p50_mg_kg"].map(lambda x: "-" if pd.isna(x) else f"{x:.3g}"),
        "spread": [f"×{x:.2g}" if np.isfinite(x) else "-" for x in spread],
        "background": t["below_background"].map(lambda x: "" if pd.isna(x) else (yes if x else no)),
        "extract": t["soil_measure"],
        "safe_ph": t["safe_ph"].map(lambda x: "-" if pd.isna(x) else f"{x:.2f}"),
        "extrapolated": t["extrapolated"].map(lambda x: unknown if isinstance(x, str) or pd.isna(x)
                                              else (yes if x else no)),
    })
    show.columns = [i18n.t(f"ui.cli.safe.col_{c}", lang) for c in show.columns]
    _say(i18n.t("ui.cli.safe.head", lang, standard=" / ".join(used),
                prob=f"{args.prob:g}" if lang == "en" else pct_text(args.prob, lang)))
    if len(show):
        with pd.option_context("display.width", 160, "display.max_rows", 200, "display.max_colwidth", 28):
            _say(_shown(show).to_string(index=False))
    for line in _safe_ph_lines(t, lang, tables):
        _say(line)
    for line in _uninformative_lines(t, spread, args.prob, lang, tables):
        _say(line)
    for line in _outside_range_lines(t, lang, tables):
        _say(line)
    n_done = t["plot_id"].nunique()
    _say("\n" + i18n.t("ui.cli.safe.counts_skipped" if len(v.skipped) else "ui.cli.safe.counts", lang,
                       rows=v.n_input, done=n_done, rejected=len(v.rejected), not_assessed=len(why),
                       skipped=len(v.skipped)))
    if len(v.problems):
        _say(i18n.t("ui.cli.safe.problems", lang))
        _print_problems(v.messages(lang=lang), lang=lang)
    if len(why):
        _say(i18n.t("ui.cli.safe.not_assessed", lang))
        _print_problems([i18n.t("ui.cli.safe.not_assessed_row", lang, row=r.input_row, line=r.line,
                                plot=r.plot_id, reason=_reason_text(r, lang, tables))
                         for r in why.itertuples(index=False)], lang=lang)
    if args.out:
        out = Path(args.out)
        nothing = why.loc[~why["plot_id"].isin(full["plot_id"])]  # plots whose crop has no function at all
        if len(nothing):
            full = pd.concat([full, nothing.rename(columns={"reason": "not_assessed_reason",
                                                            "reason_msg": "not_assessed_reason_msg"})
                              .drop(columns=["input_row", "line"])], ignore_index=True)
        for name, table in (("safe_soil.csv", full), ("problems.csv", v.problems), ("rejected.csv", v.rejected)):
            _say(i18n.t("ui.cli.wrote", lang, path=write_csv(table, out / name)))
    return 0 if n_done else 1


def _safe_ph_lines(t: pd.DataFrame, lang: str, tables) -> list[str]:
    """Console lines saying, in ``lang``, why a row shows no safe pH (its note's safe-pH message: no pH in the
    function's range, or a function that does not change with pH), so a blank ``-`` is never unexplained."""
    out = []
    if "note_msg" not in t:
        return out
    for r in t.loc[t["safe_ph"].isna()].itertuples(index=False):
        parts = messages.Message.decode(r.note_msg).parts if isinstance(r.note_msg, str) and r.note_msg else ()
        said = [messages.Message((p,)) for p in parts if p[0].startswith("upt.safe_ph_")]
        if said:
            metal = r.metal if lang == "en" else i18n.metal_name(r.metal, lang)
            out.append(i18n.t("ui.cli.safe.ph_note", lang, plot=r.plot_id, metal=metal,
                              note=messages.render(said[0], lang, tables)))
    return out


def _reason_text(r, lang: str, tables) -> str:
    """The reason a plot has no safe soil threshold, in ``lang`` (its encoded message where it has one)."""
    msg = getattr(r, "reason_msg", "")
    if lang != "en" and isinstance(msg, str) and msg:
        return messages.render(messages.Message.decode(msg), lang, tables)
    return r.reason


def _safe_spread(t: pd.DataFrame) -> np.ndarray:
    """Per row of :func:`~agriremed.stages.uptake.safe_thresholds`, how many times lower the safe soil value
    at the chosen probability lies than the one at the median (``safe_soil_p50_mg_kg`` ÷ ``safe_soil_mg_kg``):
    the spread of the transfer function carried into the soil [–]; NaN where either is missing, 0 or infinite."""
    safe = t["safe_soil_mg_kg"].to_numpy(float)
    med = t["safe_soil_p50_mg_kg"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = med / safe
    return np.where(np.isfinite(r) & (safe > 0), r, np.nan)


def _span(values, digits: int = 3) -> str:
    """'0.0278–0.0594' (``digits`` significant digits), or one value where they print alike."""
    lo, hi = f"{np.nanmin(values):.{digits}g}", f"{np.nanmax(values):.{digits}g}"
    return lo if lo == hi else f"{lo}–{hi}"


def _uninformative_lines(t: pd.DataFrame, spread: np.ndarray, prob: float, lang: str, tables) -> list[str]:
    """Console lines for the rows whose safe soil value at ``prob`` is below the natural background
    (``below_background``): at that probability no soil value is informative, because of the spread of the
    transfer function (``se_log10``, as the factor between the crop's ``prob`` bound and its median, and
    between the soil values at the median and at ``prob``); the value at the median is given beside it
    (message ``upt.safe_soil_uninformative``, one per metal, function and background)."""
    low = t["below_background"].fillna(False).astype(bool).to_numpy()
    if not low.any():
        return []
    from statistics import NormalDist
    z = NormalDist().inv_cdf(prob)
    sub = t.loc[low].assign(_spread=spread[low])
    lines = [""]
    for (metal, fid, bg, se), g in sub.groupby(["metal", "function_id", "background_mg_kg", "se_log10"],
                                               sort=False):
        ids = list(map(str, g["plot_id"]))
        plots = ", ".join(ids[:20]) + (i18n.t("ui.cli.safe.more", lang, n=len(ids) - 20) if len(ids) > 20 else "")
        fin = g["_spread"].to_numpy(float)
        msg = messages.Message.of(
            "upt.safe_soil_uninformative", metal=metal, prob=pct_text(prob, lang), function=fid, se=float(se),
            crop_factor=float(10 ** (z * float(se))), soil_factor=_span(fin, 2) if np.isfinite(fin).any() else "-",
            safe=_span(g["safe_soil_mg_kg"].to_numpy(float)), background=float(bg),
            median=_span(g["safe_soil_p50_mg_kg"].to_numpy(float)), n=len(ids), plots=plots)
        lines.append(messages.render(msg, lang, tables))
    return lines


def _outside_range_lines(t: pd.DataFrame, lang: str, tables) -> list[str]:
    """Console lines for the rows with a safe soil value (at the chosen probability or the median) outside the soil
    range of its transfer function (``upt.safe_soil_outside`` in the row's note): one per metal, function and range
    (message ``upt.safe_soil_outside_plots``), so that the table's extrapolated "yes" says which range; the values
    are reported, not clipped."""
    if "note_msg" not in t or not len(t):
        return []
    groups: dict = {}
    for r in t.itertuples(index=False):
        if not isinstance(r.note_msg, str) or "upt.safe_soil_outside" not in r.note_msg:
            continue
        for code, params in messages.Message.decode(r.note_msg).parts:
            if code == "upt.safe_soil_outside":
                params = dict(params)
                key = (r.metal, r.function_id, params["lo"], params["hi"])
                ids = groups.setdefault(key, [])
                if r.plot_id not in ids:
                    ids.append(r.plot_id)
    lines = [""] if groups else []
    for (metal, fid, lo, hi), ids in groups.items():
        ids = list(map(str, ids))
        plots = ", ".join(ids[:20]) + (i18n.t("ui.cli.safe.more_outside", lang, n=len(ids) - 20) if len(ids) > 20
                                       else "")
        msg = messages.Message.of("upt.safe_soil_outside_plots", metal=metal, function=fid, lo=float(lo),
                                  hi=float(hi), n=len(ids), plots=plots)
        lines.append(messages.render(msg, lang, tables))
    return lines


def _safe_thresholds(plots: pd.DataFrame, crop, standard: str, prob: float, tables) -> tuple[pd.DataFrame, list]:
    """:func:`~agriremed.stages.uptake.safe_thresholds` of the plots against ``standard``, or under
    ``auto`` against each plot's own standard (:func:`~agriremed.stages.advice.food_standards`, as a
    plan chooses it), in plot order, with the column ``food_standard``; and the standards used."""
    if standard != "auto":
        t = safe_thresholds(plots, crop=crop, standard=standard, prob=prob, tables=tables)
        return t.assign(food_standard=standard), [standard]
    region = plots["region"] if "region" in plots else pd.Series("", index=plots.index)
    stds = food_standards(region.to_numpy(object), "auto", "china", tables)
    used = list(dict.fromkeys(stds.tolist()))
    parts = [safe_thresholds(plots.loc[stds == sd], crop=crop, standard=sd, prob=prob, tables=tables)
             .assign(food_standard=sd) for sd in used]
    t = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(parts) > 1:  # back in plot order (each part keeps its own order)
        order = {pid: i for i, pid in enumerate(dict.fromkeys(plots["plot_id"]))}
        t = t.iloc[np.argsort(t["plot_id"].map(order).to_numpy(), kind="stable")].reset_index(drop=True)
    return t, used


def _not_assessed(plots: pd.DataFrame, t: pd.DataFrame, crop, tables) -> pd.DataFrame:
    """The valid plots without any safe soil threshold, one row each: ``input_row``, ``line``,
    ``plot_id``, ``crop``, ``metal`` ('+'-joined), ``reason`` and ``reason_msg`` (each metal's
    reason, joined)."""
    done = set(t.loc[t["not_assessed_reason"] == "", "plot_id"])
    rest = plots.loc[~plots["plot_id"].isin(done)]
    cols = ["input_row", "line", "plot_id", "crop", "metal", "reason", "reason_msg"]
    if not len(rest):
        return pd.DataFrame(columns=cols)
    listed = t.loc[t["not_assessed_reason"] != ""].rename(columns={"not_assessed_reason": "reason",
                                                                   "not_assessed_reason_msg": "reason_msg"})
    # plots whose crop has no function for any measured metal: the reasons of every metal
    generic = unassessed_metals(rest.loc[~rest["plot_id"].isin(set(listed["plot_id"]))], crop=crop, tables=tables)
    rows = []
    for r in rest.itertuples(index=False):
        mine = listed.loc[listed["plot_id"] == r.plot_id]
        if not len(mine):
            mine = generic.loc[generic["plot_id"] == r.plot_id]
        c = crop or r.crop
        if len(mine):
            reason = "; ".join(f"{m.capitalize()}: {x}" for m, x in zip(mine["metal"], mine["reason"], strict=True))
            msgs = messages.Message()
            for x in mine["reason_msg"]:
                msgs = msgs + messages.Message.decode(x)
            rows.append((r.input_row, r.line, r.plot_id, c, "+".join(mine["metal"]), reason, msgs.encode()))
        else:
            msg = messages.Message.of("upt.no_metal_assessable", crop=c)
            rows.append((r.input_row, r.line, r.plot_id, c, "", messages.render(msg, "en", tables), msg.encode()))
    return pd.DataFrame(rows, columns=cols)


def _cmd_sensitivity(args) -> int:
    try:
        if args.method == "tornado":
            t = tornado(args.plots, args.plot, args.option, args.output, progress=None)
            cols = ["parameter", "unit", "low", "high", "output_at_low", "output_at_high", "swing"]
        else:
            t = global_sensitivity(args.plots, args.plot, args.option, args.output,
                                   trajectories=args.trajectories,
                                   sobol_n=args.sobol_n if args.method == "sobol" else None, seed=args.seed)
            cols = ["parameter", "source", "low", "high", "mu_star", "mu_star_conf", "sigma"] + \
                (["S1", "S1_conf", "ST", "ST_conf"] if args.method == "sobol" else [])
    except (KeyError, ValueError, ImportError) as exc:
        lang = getattr(args, "lang", "en") or "en"
        _say(i18n.t("ui.cli.error", lang, text=_one_line(exc, lang)), file=sys.stderr)
        return 2
    _say(f"{args.method} sensitivity of {t.attrs['output']} for {t.attrs['option_id']} on plot {args.plot}")
    with pd.option_context("display.width", 160, "display.max_rows", 200, "display.max_colwidth", 40):
        _say(_shown(t[cols]).to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    if args.out:
        _say(f"wrote {write_csv(t, Path(args.out) / 'sensitivity.csv')}")
    return 0


def _messages(problems: pd.DataFrame, lang: str = "en", tables=None) -> list[str]:
    """The problems as the console prints them in ``lang`` (:meth:`Validation.messages`)."""
    v = Validation(plots=pd.DataFrame(), rejected=pd.DataFrame(), problems=problems, n_input=0)
    return v.messages(lang=lang, tables=tables)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["dash"]:  # its options are those of the dashboard server

        return serve(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "out", None):
            check_out_dir(args.out)  # before any work: --out naming a file is refused at once
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "screen":
            return _cmd_screen(args)
        if args.command == "fit-uptake":
            return _cmd_fit_uptake(args)
        if args.command == "safe-soil":
            return _cmd_safe_soil(args)
        if args.command == "sensitivity":
            return _cmd_sensitivity(args)
        return _cmd_plan(args)
    except (InputFileError, ScenarioError, OutputError, TableError, ThresholdSetError, FitError, WorkerError,
            OSError) as exc:  # OSError: a file or folder that cannot be read or written
        lang = getattr(args, "lang", "en") or "en"
        _say(i18n.t("ui.cli.error", lang, text=_one_line(exc, lang)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        _say("interrupted (已中断); the outputs written so far are incomplete", file=sys.stderr)
        return 130
