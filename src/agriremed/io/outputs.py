"""Output files people can open: plain CSV, a data-package description, safe cells and text.

* **CSV** (:func:`csv_text`, :func:`agriremed.io.readers.write_csv`): UTF-8 with a byte-order
  mark (so that Excel shows Chinese text), the header row first and no comment lines, so
  ``pandas.read_csv(path)``, R's ``read.csv(path)`` and readr read them without
  arguments. Provenance (version, scenario, seed, input digest, counts, currency) is in
  ``run.json``, not in the CSV files.
* **Cells that a spreadsheet would run as a formula** (:func:`neutralise_text`): a text
  cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return and is not a
  plain number (``-1.5``, ``+3``, ``1e-3`` stay as they are) is written with a single quote
  in front (``=1+2`` → ``'=1+2``), the usual defence against formula injection (OWASP
  "CSV injection"). This applies to every text cell and every header of every CSV output,
  so input text (plot ids, region, crop, passed-through columns, problem messages) cannot
  become a formula when the file is opened in Excel, WPS or LibreOffice. Numbers, true/false
  and blank cells are written unchanged; Parquet files keep the text as it is.
* **datapackage.json** (:func:`write_datapackage`): a Frictionless Data Package (Table
  Schema) describing each CSV or Parquet output: for every column its name, type, unit
  (registry spelling, ``unit_display`` as shown in labels), English and Chinese label and
  description from :mod:`agriremed.core.columns`.
* **Terminal text** (:func:`terminal_text`): escape sequences (ANSI colour and cursor
  codes, OSC titles), other control characters and bidirectional-override characters are
  removed before anything derived from input text is printed.
* **Numbers for people** (:func:`format_number`): thousands separators, never an exponent
  (``1.33e+05`` is written ``133,000``), a number of decimals that follows the size of the
  value, ``–`` for a missing value, the unit in English or Chinese, and a value per hectare
  turned into the total of a plot when its area is given. The report and the workbook's
  text use it; the CSV files keep full precision.
* **Output folders** (:func:`prepare_out_dir`): the folder is checked (a path that is a
  file is refused with :class:`OutputError`) and the files a plan writes
  (:data:`PLAN_OUTPUT_FILES`, listed explicitly) are removed from it before a new plan
  writes, so a rerun never leaves a file of an earlier run beside the new ones (e.g. a
  report of an earlier run when every row is now rejected). No other file is touched.

Examples
--------
>>> neutralise_text(["=1+2", "-1.5", "HN-01", "@SUM(A1)", None]).tolist()
["'=1+2", '-1.5', 'HN-01', "'@SUM(A1)", None]
>>> terminal_text("plot \\x1b[31mA-1\\x1b[0m")
'plot A-1'
>>> format_number(133456.7, "zh", "CNY/ha"), format_number(-0.01234)
('133,457元/公顷', '-0.0123')
"""

from __future__ import annotations

import csv
import io as _io
import json
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from agriremed.core import columns as C
from agriremed.core import i18n, messages
from agriremed.core.names import UNLISTED_CROP
from agriremed.stages import advice

__all__ = [
    "OutputError",
    "FORMULA_PREFIXES",
    "PLAN_OUTPUT_FILES",
    "neutralise_text",
    "neutralise_frame",
    "csv_text",
    "format_number",
    "translate_frame",
    "EXCEL_MAX_ROWS",
    "terminal_text",
    "check_out_dir",
    "prepare_out_dir",
    "table_schema",
    "write_datapackage",
]

#: First characters that make Excel, WPS and LibreOffice read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: A plain decimal number (left as it is even when it starts with ``+`` or ``-``).
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

#: Every file :meth:`agriremed.engine.plan.Plan.write` and :func:`agriremed.engine.stream.plan_stream`
#: write; removed from the output folder before a plan writes there.
PLAN_OUTPUT_FILES = (
    "plan.csv", "plan.parquet", "summary.csv", "summary.parquet", "rejected.csv", "problems.csv",
    "soil_screening.csv", "crop_uptake.csv", "carbon_ledger.csv", "metal_fate.csv", "carbon_by_year.csv",
    "scores.csv", "soil_trajectories.csv", "scenario.json", "report.html", "run.json", "datapackage.json",
    "reuse_options.csv", "opportunity_matrix.csv",
    "plan.gpkg", "regions.csv",  # GIS input (agriremed.io.geo)
    "plan.xlsx",
)

#: Rows of one Excel worksheet (Excel 2007 and later, also WPS and LibreOffice).
EXCEL_MAX_ROWS = 1_048_576

#: Escape sequences (CSI, OSC, two-character ESC codes), C0/C1 control characters other than
#: newline and tab, and the Unicode characters that reorder displayed text.
_TERMINAL_JUNK = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"              # CSI: colours, cursor moves, screen clearing
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"   # OSC: window titles, hyperlinks
    r"|\x1b[@-_]?"                          # other ESC sequences, a lone ESC
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"       # other control characters (CR, BEL, backspace …)
    r"|[\u202a-\u202e\u2066-\u2069]"        # bidirectional embeddings, overrides and isolates
)


class OutputError(Exception):
    """An output folder that cannot be used (a file of that name exists, it cannot be created)."""


def neutralise_text(values) -> np.ndarray:
    """Text values with a single quote in front of those a spreadsheet would run as a formula.

    Parameters
    ----------
    values : array-like
        Cells; non-text cells (numbers, booleans, None, NaN) are returned unchanged.

    Returns
    -------
    numpy.ndarray
        ``object`` array: text starting with one of :data:`FORMULA_PREFIXES` that is not a
        plain number gets a leading ``'``.
    """
    v = np.asarray(values, dtype=object).copy()
    if not v.size:
        return v
    flat = v.reshape(-1)
    for i in np.flatnonzero([isinstance(x, str) and x.startswith(FORMULA_PREFIXES) for x in flat]):
        if not _PLAIN_NUMBER.fullmatch(flat[i]):
            flat[i] = "'" + flat[i]
    return v


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with formula-looking text neutralised in every text column and in the headers.

    Each distinct text of a column is checked once (``pandas.factorize``), so long tables with
    repeated texts cost little; ``df`` itself is returned when nothing needs a quote.
    """
    cols = {}
    changed = False
    for c in df.columns:
        s = df[c]
        if s.dtype == object or isinstance(s.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            codes, uniques = pd.factorize(s.to_numpy(object), use_na_sentinel=True)
            uniques = np.asarray(uniques, dtype=object)
            new = neutralise_text(uniques)
            hit = np.flatnonzero(new != uniques) if len(uniques) else np.array([], dtype=np.intp)
            if len(hit):
                text = s.to_numpy(object).copy()
                rows = np.isin(codes, hit)
                text[rows] = new[codes[rows]]
                s = pd.Series(text, index=df.index, dtype=object)
                changed = True
        cols[c] = s
    names = neutralise_text([str(c) for c in df.columns]).tolist()
    if not changed and names == [str(c) for c in df.columns]:
        return df
    out = pd.DataFrame(cols, index=df.index, copy=False)
    out.columns = names
    return out


#: Columns whose infinite value means "never" (the target or the payback not reached within the horizon): a CSV
#: file writes the cell blank (as every infinite or missing number: a spreadsheet reads the text ``inf`` as text,
#: which turns the column to text) and says it in the companion column ``<name>_never`` written right after it
#: (``TRUE`` where the value is infinite), :func:`csv_frame`. The workbook keeps its ∞ cells.
NEVER_COLUMNS = ("years_to_target", "years_p10", "years_p50", "years_p90", "payback_yr")


def csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as a CSV file holds it: ±inf written as a blank cell (every float column), and each column of
    :data:`NEVER_COLUMNS` followed by its companion ``<name>_never`` (true where the value is +inf), whatever
    the rows hold, so that the chunks of a streamed file share one header; ``df`` itself where nothing changes.

    >>> csv_frame(pd.DataFrame({"plot_id": ["A", "B"], "years_p50": [3.0, float("inf")]})).values.tolist()
    [['A', 3.0, False], ['B', nan, True]]
    """
    never = [c for c in NEVER_COLUMNS if c in df.columns]
    floats = [c for c in df.columns if isinstance(df[c].dtype, np.dtype) and df[c].dtype.kind == "f"
              and np.isinf(df[c].to_numpy()).any()]
    if not never and not floats:
        return df
    out = df.copy(deep=False)
    for c in never:
        v = pd.to_numeric(out[c], errors="coerce").to_numpy(float)
        if f"{c}_never" not in out.columns:
            out.insert(out.columns.get_loc(c) + 1, f"{c}_never", np.isposinf(v))
    for c in floats:
        v = out[c].to_numpy()
        out[c] = np.where(np.isinf(v), np.nan, v)
    return out


def csv_text(df: pd.DataFrame, header: bool = True) -> str:
    """The CSV text of ``df``: formula-looking text neutralised, floats to 10 significant digits, ±inf blank
    (:func:`csv_frame`: the columns of :data:`NEVER_COLUMNS` with their companion ``<name>_never``).

    Identical tables give identical text (``\\n`` line ends, no index). The text is the one
    ``pandas.DataFrame.to_csv(index=False, float_format="%.10g", lineterminator="\\n")`` writes,
    built column by column (:func:`_csv_fields`): each distinct value of a column is formatted
    and quoted once, and the rows are joined without per-row Python code. A frame with a column
    of another kind (dates, categories, nullable floats), a single column or labels that are not
    text is written by pandas.
    """
    df = csv_frame(df)
    simple = df.shape[1] > 1 and all(isinstance(c, str) for c in df.columns)
    fields = [_csv_fields(df.iloc[:, j]) for j in range(df.shape[1])] if simple else [None]
    if any(f is None for f in fields):
        return neutralise_frame(_logical_text(df)).to_csv(index=False, header=header, float_format=_FLOAT,
                                                          lineterminator="\n")
    head = _csv_row(neutralise_text(list(df.columns)).tolist()) if header else ""
    if not len(df):
        return head
    return head + "\n".join(map(",".join, zip(*fields, strict=True))) + "\n"


#: How true/false cells are written: the spelling Excel, R's ``read.csv`` (logical) and pandas
#: (bool) all read as a logical value (R reads ``True``/``False`` as text).
LOGICAL_TEXT = {True: "TRUE", False: "FALSE"}


def _logical(x):
    """A true/false cell as :data:`LOGICAL_TEXT` spells it; any other value as it is."""
    return LOGICAL_TEXT[bool(x)] if isinstance(x, (bool, np.bool_)) else x


def _logical_text(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its true/false cells (boolean columns, and booleans in object columns) as the
    text of :data:`LOGICAL_TEXT`, for the pandas writer."""
    cols = {}
    for c in df.columns:
        s = df[c]
        if s.dtype.kind == "b" or (s.dtype == object and any(isinstance(x, (bool, np.bool_)) for x in s.tolist())):
            s = pd.Series([_logical(x) if not (x is None or (isinstance(x, float) and x != x)) else x
                           for x in s.tolist()], index=df.index, dtype=object)
        cols[c] = s
    return pd.DataFrame(cols, index=df.index, copy=False).set_axis(df.columns, axis=1)


def _csv_row(values) -> str:
    """One row as the standard library's CSV writer writes it (minimal quoting, ``\\n``)."""
    buf = _io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def _csv_quoted(texts) -> list[str]:
    """Texts as CSV fields: quoted (inner quotes doubled) exactly where the standard library's
    writer quotes them with minimal quoting: a text with a comma or a quote is quoted; one with a
    line break or a space at either end is written by the writer itself beside an empty field
    (Python versions differ there); others are written as they are."""
    buf = _io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    out = []
    for t in texts:
        edge = t[:1].isspace() or t[-1:].isspace()
        if not ("\n" in t or "\r" in t or edge):  # line breaks and edge spaces: the writer decides
            if '"' in t or "," in t:
                out.append('"' + t.replace('"', '""') + '"')  # a comma or a quote: quoted, quotes doubled
            else:
                out.append(t)
            continue
        buf.seek(0)
        buf.truncate()
        w.writerow([t, ""])
        out.append(buf.getvalue()[:-2])  # without the empty field's "," and the line end
    return out


#: Format of floats in CSV files (pandas' ``float_format``): 10 significant digits.
_FLOAT = "%.10g"

#: Nullable integer and boolean dtypes (their missing values written empty).
_NULLABLE = (pd.Int8Dtype, pd.Int16Dtype, pd.Int32Dtype, pd.Int64Dtype, pd.UInt8Dtype, pd.UInt16Dtype,
             pd.UInt32Dtype, pd.UInt64Dtype, pd.BooleanDtype)


def _csv_fields(s: pd.Series) -> np.ndarray | None:
    """The CSV fields of one column as :func:`csv_text` writes them (``object`` array of text), or
    None for a column kind left to pandas.

    Floats: ``%.10g``, missing → ``''``; integers: their text; booleans: ``TRUE``/``FALSE``
    (:data:`LOGICAL_TEXT`); text columns:
    missing → ``''``, each distinct text neutralised (:func:`neutralise_text`) and quoted once. Other objects in a text column are
    written as the CSV writer writes them (``str``, floats by ``repr``).
    """
    dt = s.dtype
    if isinstance(dt, np.dtype) and dt == np.float64:
        a = s.to_numpy()
        codes, uniques = pd.factorize(a, use_na_sentinel=True)
        text = np.array([_FLOAT % x for x in uniques.tolist()] + [""], dtype=object)[codes]
        zero = a == 0  # -0.0 and 0.0 are one value to factorize: each zero written by its sign
        if zero.any():
            text[zero] = np.where(np.signbit(a[zero]), _FLOAT % -0.0, _FLOAT % 0.0)
        return text
    if dt.kind in "iub" and isinstance(dt, (np.dtype, *_NULLABLE)):
        codes, uniques = pd.factorize(s.to_numpy(object) if not isinstance(dt, np.dtype) else s.to_numpy(),
                                      use_na_sentinel=True)
        return np.array([str(_logical(x)) for x in uniques.tolist()] + [""], dtype=object)[codes]
    if isinstance(dt, pd.StringDtype) or (isinstance(dt, np.dtype) and dt.kind == "O"):
        v = s.to_numpy(object)
        if pd.api.types.infer_dtype(v, skipna=True) in ("string", "empty"):
            codes, uniques = pd.factorize(v, use_na_sentinel=True)
            texts = neutralise_text(np.asarray(uniques, dtype=object)).tolist()
            return np.array(_csv_quoted(texts) + [""], dtype=object)[codes]
        missing = pd.isna(v)
        v = neutralise_text(v)
        out = np.empty(len(v), dtype=object)
        for i, x in enumerate(v.tolist()):  # mixed objects: rare, written one by one
            out[i] = "" if missing[i] else _csv_row([_logical(x), ""])[:-2]
        return out
    return None


def format_number(x, lang: str = "en", unit: str = "", *, digits: int = 3, area_ha: float | None = None,
                  signed: bool = False) -> str:
    """A number written for people: thousands separators, no exponent, a readable precision.

    Values of ``10 ** (digits - 1)`` or more are rounded to whole numbers (``133,457``);
    smaller ones keep ``digits`` significant digits (``12.3``, ``0.0123``; at most 6
    decimals, trailing zeros dropped). Missing values give ``–``, infinities ``∞``.

    Parameters
    ----------
    x : float or None
        The value (in ``unit``; per hectare when ``area_ha`` is given).
    lang : {"en", "zh"}
        Language of the unit (``CNY/ha`` → ``CNY ha⁻¹`` or ``元/公顷``); separators and the
        decimal point are the same in both (``1,234.5``, as in Chinese statistics).
    unit : str
        Registry unit of ``x`` (``"CNY/ha"``, ``"t CO2e"``, ``"ha"``); ``""`` writes the bare number.
    digits : int
        Significant digits of values below ``10 ** (digits - 1)``.
    area_ha : float, optional
        Area of the plot [ha]: ``x`` is per hectare and the total of the plot, ``x × area_ha``,
        is written with ``/ha`` removed from the unit (``CNY/ha`` → ``CNY``).
    signed : bool
        Write ``+`` before positive values (changes against a baseline).

    Returns
    -------
    str
        The text, e.g. ``'133,457元/公顷'``, ``'-0.0123'``, ``'–'``.

    Examples
    --------
    >>> format_number(1.33456e5), format_number(12.345), format_number(0.000123456)
    ('133,456', '12.3', '0.000123')
    >>> format_number(1234.5, "en", "CNY/ha"), format_number(1234.5, "en", "CNY/ha", area_ha=2.5)
    ('1,235 CNY ha⁻¹', '3,086 CNY')
    >>> format_number(float("nan"), "zh", "CNY"), format_number(2.0, signed=True)
    ('–', '+2')
    """
    if unit and area_ha is not None:
        unit = re.sub(r"/ha(?=/|$)", "", unit)
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    if area_ha is not None:
        v *= float(area_ha)
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        text = ("-" if v < 0 else ("+" if signed else "")) + "∞"
    else:
        big = 10.0 ** (digits - 1)
        mag = abs(v)
        if mag >= big or mag == 0:
            decimals = 0
        else:
            decimals = min(6, digits - 1 - math.floor(math.log10(mag)))
        # half away from zero on the decimal text (1234.5 → 1,235; binary rounding would give 1,234)
        q = Decimal(repr(v)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{q:,.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text.lstrip("-").strip("0,.") == "":  # rounds to zero: no "-0"
            text = "0"
        elif signed and v > 0:
            text = "+" + text
    if not unit or unit == "1":
        return text

    shown = i18n.unit(unit, lang)
    # Chinese units follow the number without a space (15.6公顷), Latin ones after a space
    return f"{text}{shown}" if "\u4e00" <= shown[:1] <= "\u9fff" else f"{text} {shown}"


#: Columns holding a category code, and the ``value.<domain>`` of :mod:`agriremed.core.i18n` that names it.
VALUE_COLUMNS = {
    "soil_class": "soil_class", "soil_class_county": "soil_class", "soil_class_computed": "soil_class",
    "soil_class_basis": "soil_class_basis", "screening_basis": "screening_basis",
    "soil_class_without_rotation": "soil_class", "paddy_upland_rotation": "paddy_upland_rotation",
    "rice_season": "rice_season",
    "land_use": "land_use", "policy_status": "policy_status",
    "residue_disposal": "residue_disposal", "evidence": "evidence", "energy_pathway": "energy_pathway",
    "option_kind": "option_kind", "duration_kind": "duration_kind", "rule_set": "rule_set", "basic_farmland": "basic_farmland",
    "target_basis": "target_basis", "term": "term", "term_category": "term_category", "light": "light",
    "criterion": "criterion", "severity": "severity", "crop": "crop", "crops_not_planned": "crops",
    "controlling_metal": "metal",
    "metal": "metal", "metals_exceeding": "metals", "metals_not_assessed": "metals", "metals_no_food_limit": "metals",
    "censored_metals": "metals", "not_detected_metals": "metals",
    "crop_measured_exceeds": "metals",
    "target_metals": "metals",
    "untreated_metals": "metals", "best_alternative": "option", "economics_view": "economics_view",
    "current_compliance_metals": "metals", "compliance_metals": "metals", "policy_rule": "policy_rule",
    "yield_land": "yield_land", "biochar_status_csink": "biochar_status_csink",
    "biochar_status_puro": "biochar_status_puro", "biochar_status_vm0044": "biochar_status_vm0044",
    "exposure_verdict": "exposure_verdict", "exposure_class": "exposure_class",
}

#: Columns of sentences written by the planner (translated with :func:`agriremed.core.i18n.message`).
MESSAGE_COLUMNS = ("reason", "reasons", "recommendation", "residue_note", "data_gaps", "problem", "expected",
                   "not_assessed_reason", "exposure_reason", "pv_note",
                   "duration_text",
                   "why_food_safety", "why_food_production", "why_livelihood", "why_clean_up", "why_carbon",
                   "why_economics")

#: Columns rendered from their message column ``<column>_msg`` where the frame has one, and
#: otherwise kept as they are (the carbon ledger's method and note, the summary's monitoring).
MESSAGE_ONLY_COLUMNS = ("term_method", "note", "monitoring", "compensation_basis")

#: Columns of option names, and the column of option ids they are named from.
NAME_COLUMNS = {"option_name": "option_id", "recommended_name": "recommended_option"}


def translate_frame(df: pd.DataFrame, lang: str = "en", tables=None) -> pd.DataFrame:
    """``df`` with its codes, option names and planner sentences as people read them in ``lang``.

    Category codes (:data:`VALUE_COLUMNS`, and every ``light_*`` column) become their names
    (``strict_control`` → ``strict control`` / ``严格管控类``), option names are taken from the
    option library in ``lang`` (:data:`NAME_COLUMNS`), planner sentences
    (:data:`MESSAGE_COLUMNS`, and the ledger texts of :data:`MESSAGE_ONLY_COLUMNS`) are rendered in
    ``lang`` from their message column ``<column>_msg`` where ``df`` has one (:func:`agriremed.core.messages.column_texts`; in English
    the sentences the planner already wrote are kept), and
    otherwise translated by :func:`agriremed.core.i18n.message` (in English they stay as written). Ids, numbers and other columns are unchanged; each distinct text is
    translated once. Column names are kept.

    Parameters
    ----------
    df : pandas.DataFrame
        A plan table (any of its columns).
    lang : {"en", "zh"}
        Language.
    tables : Tables, optional
        Literature tables (option and crop names).

    Returns
    -------
    pandas.DataFrame
        A copy with the translated columns.
    """
    out = df.copy()
    for col in df.columns:
        name = str(col)
        if (name in MESSAGE_COLUMNS or name in MESSAGE_ONLY_COLUMNS) and f"{name}_msg" in df.columns:
            out[col] = pd.Series(_message_texts(df, name, lang, tables), index=df.index, dtype=object)
            continue
        if name in NAME_COLUMNS and NAME_COLUMNS[name] in df.columns:
            src, fn = df[NAME_COLUMNS[name]], (lambda v: i18n.value("option", v, lang, tables))
        elif name in VALUE_COLUMNS or name.startswith("light_"):
            dom = VALUE_COLUMNS.get(name, "light")
            src, fn = df[col], (lambda v, d=dom: "" if v == "" else i18n.value(d, v, lang, tables))
        elif name in MESSAGE_COLUMNS and lang != "en":
            src, fn = df[col], (lambda v: i18n.message(v, lang, tables))
        else:
            continue
        if not (src.dtype == object or isinstance(src.dtype, (pd.StringDtype, pd.CategoricalDtype))):
            continue
        codes, uniques = pd.factorize(src.to_numpy(object), use_na_sentinel=True)
        names = np.array([fn(u) for u in uniques] + [None], dtype=object)
        out[col] = pd.Series(names[codes], index=df.index, dtype=object)
    if "crop" in df.columns and "crop_as_written" in df.columns:  # 黄精 (not in the crop library), as written
        out["crop"] = _written_crops(df, out["crop"], lang)
    return out


def _written_crops(df: pd.DataFrame, crop: pd.Series, lang: str) -> pd.Series:
    """The crop column as people read it, a crop not in the library (``unlisted``) by its cell as written
    (``crop_as_written``: 黄精 (not in the crop library)) rather than by the name of the code."""
    written = df["crop_as_written"].to_numpy(object)
    at = (df["crop"].to_numpy(object) == UNLISTED_CROP) & ~pd.isna(written)
    if not at.any():
        return crop
    out = crop.to_numpy(object).copy()
    out[at] = [i18n.t("ui.crop_written_unlisted", lang, crop=str(w)) for w in written[at]]
    return pd.Series(out, index=df.index, dtype=object)


def texts_in(df: pd.DataFrame, lang: str = "en", tables=None, scenario=None, written: str = "en") -> pd.DataFrame:
    """``df`` as a run in ``lang`` writes it to CSV or Parquet: the planner's sentences in ``lang``.

    Every text column that has a message column ``<column>_msg`` (the recommendation, reasons,
    problems, what was expected, notes) is rendered in ``lang`` from its message
    (:func:`agriremed.core.messages.column_texts`), and option names (:data:`NAME_COLUMNS`) are
    the option library's names in ``lang``. Codes, ids, numbers, column names and the message
    columns themselves are unchanged, so a file written in Chinese is read by the same code and
    can be rendered again in another language. A missing text stays missing.

    Parameters
    ----------
    df : pandas.DataFrame
        An output table (plan, summary, rejected rows, problems, soft re-use tables).
    lang : {"en", "zh"}
        Language of the texts; ``"en"`` returns ``df`` itself when its texts are English
        (``written``).
    tables : Tables, optional
        Literature tables (option names, rule labels, sources).
    scenario : Scenario, optional
        The run's scenario: with it, the summary's ``measures`` (the steps of each recommended
        option, amounts per mu or per ha as :func:`agriremed.stages.advice.area_units` decides)
        are written in ``lang`` too (:func:`agriremed.stages.advice.measures_in`).
    written : {"en", "zh"}
        Language the texts of ``df`` are in (``Plan.text_lang``; a plan made with
        ``plan(..., lang="zh")`` holds Chinese texts): English texts of a table written in
        Chinese are rendered again from their messages.

    Returns
    -------
    pandas.DataFrame
        ``df`` or a copy with the texts in ``lang``.
    """
    if (lang == "en" and written == "en") or df is None or not len(df):
        return df
    if scenario is not None and {"measures", "recommended_option"} <= set(df.columns):
        region = df["region"].to_numpy(object) if "region" in df else np.full(len(df), None, dtype=object)
        units = advice.area_units(region, scenario.area_unit, scenario.rule_set, tables)
        df = df.assign(measures=advice.measures_in(df["recommended_option"].to_numpy(object), units, tables, lang,
                                                   **advice.step_flags_of(df, tables),
                                                   soil_ph=advice.soil_ph_of(df)))
    cols = [c for c in df.columns if isinstance(c, str) and not c.endswith("_msg") and f"{c}_msg" in df.columns]
    names = [c for c, src in NAME_COLUMNS.items() if c in df.columns and src in df.columns]
    if not cols and not names:
        return df
    out = df.copy()
    for col in cols:
        texts = messages.column_texts(df, col, lang, tables)
        missing = df[col].isna().to_numpy() & (texts == "")
        out[col] = pd.Series(np.where(missing, None, texts), index=df.index, dtype=object)
    if names:
        out[names] = translate_frame(df[names + [NAME_COLUMNS[c] for c in names]], lang, tables)[names]
    return out


def _message_texts(df: pd.DataFrame, col: str, lang: str, tables) -> np.ndarray:
    """:func:`agriremed.core.messages.column_texts` of ``col``; in English a sentence the planner
    has already written (a non-empty text beside its message: the English rendering of that
    message) is kept as it is, and only the other rows are rendered."""
    if lang != "en" or col not in df.columns:
        return messages.column_texts(df, col, lang, tables)
    text = df[col].to_numpy(object)
    written = np.array([isinstance(t, str) and t != "" for t in text], dtype=bool)
    if not written.any():
        return messages.column_texts(df, col, lang, tables)
    out = text.copy()
    rest = ~written
    if rest.any():
        out[rest] = messages.column_texts(df.loc[rest, [col, f"{col}_msg"]], col, lang, tables)
    return out


def terminal_text(text: str) -> str:
    """``text`` without escape sequences, control characters (except newline and tab) and
    bidirectional-override characters, safe to print to a terminal.

    Examples
    --------
    >>> terminal_text("A\\x1b]0;title\\x07B\\rC\\u202eD")
    'ABCD'
    """
    return _TERMINAL_JUNK.sub("", str(text))


def check_out_dir(out: str | Path) -> Path:
    """Check that ``out`` can be an output folder (it is a folder or does not exist yet).

    Raises
    ------
    OutputError
        If ``out`` or one of its parents is an existing file.
    """
    p = Path(out)
    for q in (p, *p.parents):
        if q.exists() and not q.is_dir():
            what = "is a file" if q == p else f"is inside {q}, which is a file"
            raise OutputError(f"output folder {p} {what}; give a folder (new or existing) for the outputs")
    return p


def prepare_out_dir(out: str | Path, files=PLAN_OUTPUT_FILES) -> Path:
    """Create the output folder ``out`` and remove the listed output files of an earlier run from it.

    Parameters
    ----------
    out : str or Path
        Output folder.
    files : iterable of str
        File names agriremed writes there (default :data:`PLAN_OUTPUT_FILES`); only these
        are removed, never another file.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    OutputError
        If ``out`` is a file or cannot be created, or an old output cannot be removed.
    """
    p = check_out_dir(out)
    try:
        p.mkdir(parents=True, exist_ok=True)
        for name in files:
            f = p / name
            if f.is_file() or f.is_symlink():
                f.unlink()
    except OSError as exc:
        raise OutputError(f"output folder {p} cannot be used: {exc.strerror or exc}") from None
    return p


# ---- data package ------------------------------------------------------------------------------


def _field_type(s: pd.Series) -> str:
    """Table Schema type of a column as written to CSV."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "integer"
    if pd.api.types.is_float_dtype(s.dtype):
        return "number"
    if s.dtype == object:
        head = s.to_numpy(object)[:64]  # a text column is told by its first defined values
        if any(not isinstance(x, (bool, np.bool_)) for x in head[~pd.isna(head)]):
            return "string"
        v = s.dropna().to_numpy(object)
        if len(v) and all(isinstance(x, (bool, np.bool_)) for x in v):
            return "boolean"
    return "string"


def registry_column(name: str) -> C.Column | None:
    """The registry entry of ``name``; a money column in another currency gets its CNY entry."""
    col = C.COLUMNS.get(name)
    if col is not None:
        return col
    for cur in C.CURRENCIES[1:]:
        cny = name.replace(f"_{cur.lower()}", "_cny")
        if cny != name and cny in C.COLUMNS:
            return C.COLUMNS[cny]
    return None


def table_schema(df: pd.DataFrame, passed_through=(), csv: bool = True) -> dict:
    """Frictionless Table Schema of ``df`` as :func:`csv_text` (or, ``csv=False``, Parquet) writes it.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    passed_through : iterable of str
        Columns copied unchanged from the input (described as such).
    csv : bool
        Names as written to CSV (formula-looking headers quoted) rather than to Parquet.

    Returns
    -------
    dict
        ``{"fields": [...], "missingValues": [""]}``; every field has ``name`` (the header
        as written), ``type``, ``unit`` (registry spelling, ``""`` for text),
        ``unit_display``, ``title`` (English label), ``title_zh`` (Chinese label) and
        ``description``.
    """
    passed = set(passed_through)
    fields = []
    if csv:
        df = csv_frame(df.iloc[:0])  # the companion columns of NEVER_COLUMNS
    names = [str(x) for x in df.columns]
    for c, written in zip(df.columns, neutralise_text(names) if csv else names, strict=True):
        name = str(c)
        spec = registry_column(name)
        ftype = _field_type(df[c])
        f = {"name": written, "type": ftype}
        if spec is not None:
            unit = spec.unit if spec.unit != "1" else ""
            if name != spec.name:  # money in the scenario currency
                cur = next(x for x in C.CURRENCIES[1:] if f"_{x.lower()}" in name)
                unit = unit.replace("CNY", cur)
            f.update(unit=unit, unit_display=C.unit_display(unit) if unit else "",
                     title=spec.label_en, title_zh=spec.label_zh, description=spec.description)
        else:
            f.update(unit="", unit_display="", title=name, title_zh=name,
                     description=("input column passed through unchanged" if name in passed
                                  else "not in the column registry"))
        fields.append(f)
    return {"fields": fields, "missingValues": [""]}


def write_datapackage(out: str | Path, tables: dict, name: str = "agriremed-plan", *,
                      passed_through=(), description: str = "") -> Path:
    """Write ``datapackage.json`` describing the tables written to ``out``.

    Parameters
    ----------
    out : str or Path
        Output folder.
    tables : dict
        File name (``plan.csv``, ``summary.parquet`` …) → the DataFrame written there (only
        its columns and dtypes are used; an empty frame with the right columns will do).
    name : str
        Package name (lower case, ``-``/``_``/``.`` allowed).
    passed_through : iterable of str
        Input columns passed through to the outputs.
    description : str
        What the package holds (e.g. the run's provenance line).

    Returns
    -------
    Path
        The path of ``datapackage.json``.
    """
    resources = []
    for file_name, df in tables.items():
        fmt = Path(file_name).suffix.lstrip(".").lower()
        r = {"name": Path(file_name).stem.lower().replace(" ", "_"), "path": file_name,
             "profile": "tabular-data-resource", "format": fmt}
        if fmt == "csv":
            r.update(mediatype="text/csv", encoding="utf-8",
                     dialect={"delimiter": ",", "header": True, "doubleQuote": True, "lineTerminator": "\n"},
                     description="UTF-8 with a byte-order mark; text cells that a spreadsheet would run as a "
                                 "formula (starting with = + - @, tab or CR, not a plain number) are written "
                                 "with a single quote in front")
        else:
            r.update(mediatype="application/vnd.apache.parquet")
        r["schema"] = table_schema(df, passed_through, csv=fmt == "csv")
        resources.append(r)
    package = {"profile": "tabular-data-package", "name": name, "resources": resources}
    if description:
        package["description"] = description
    p = Path(out) / "datapackage.json"
    p.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return p
