"""``plan.xlsx``: the plan as an Excel workbook an officer can open, read and hand over.

Sheets (names in the workbook's language, :func:`sheet_names`):

``readme``
    What each sheet holds, how the header rows work, and the run's provenance (agriremed
    version, date, seed, scenario, food standard, rule set, horizon, Monte Carlo draws,
    input digest, rows read / planned / rejected, region, currency).
``summary``
    One row per planned plot (the columns of ``summary.csv``, with the plot's measured soil pH
    and total metals of the input just before its soil class, and the metals measured in its harvest,
    ``crop_cd_mg_kg`` …, just before ``crop_measured_exceeds``).
``options``
    One row per plot × option with the columns an officer compares (:data:`OPTION_COLUMNS`;
    every column is in ``plan.csv``). A streamed (chunked) plan, or one of more than
    :data:`ALL_OPTIONS_MAX_ROWS` plot × option rows, writes the recommended option of each plot.
``ledger``
    The carbon-ledger terms of each plot's recommended option (a streamed or large plan: the
    terms summed over all plots).
``rejected``
    Input rows that could not be planned, with their reasons.
``glossary``
    Every column: label, column name, unit, description.

Every table sheet has two header rows: row 1 the label with its unit in the workbook's
language (from :mod:`agriremed.core.columns` via :mod:`agriremed.core.i18n`), row 2 the column name
as in the CSV files, so ``pandas.read_excel(path, sheet_name=..., header=1)`` gives the
CSV's columns and ``header=[0, 1]`` both. With ``lang="zh"`` soil classes, land uses, crops,
option names, traffic lights, reasons and recommendation sentences are in Chinese
(:func:`agriremed.io.outputs.translate_frame`). Text that Excel would run as a formula gets a
leading ``'`` (:func:`agriremed.io.outputs.neutralise_text`, as in the CSV files); numbers stay
numbers (missing = empty cell; infinite — a target never reached, no payback — the number
±1E+307, :data:`INFINITE_CELL`, which every column's number format shows as ``∞``, so that a
numeric column holds only numbers). Every number of the column registry has a number format
(:func:`number_format`).

The workbook is written with openpyxl's write-only mode (sheets, header rows, styles, widths,
panes and the README); the data rows of each sheet are written as sheet XML, column by column
(each distinct value's cell built once, :func:`_rows_xml`), to a temporary file as they come and
put into the sheet when the workbook is saved, with the values, types and text openpyxl would
write cell by cell. So a streamed plan adds each chunk's rows (:class:`StreamWorkbook`) in
bounded memory. A sheet
stops at Excel's row limit (:data:`agriremed.io.outputs.EXCEL_MAX_ROWS`); the README then says
how many rows are only in the CSV or Parquet files.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from agriremed.core import columns as C
from agriremed.core import frames as _frames
from agriremed.core import i18n
from agriremed.io.outputs import EXCEL_MAX_ROWS, neutralise_text, registry_column, translate_frame
from agriremed.io.report import PlanDigest, format_date, region_names, region_title, report_date, \
    rule_set_text, standard_text
from agriremed.stages import advice
from agriremed.stages.duration import YEARS_SHOWN_UP_TO

__all__ = ["SHEETS", "OPTION_COLUMNS", "sheet_names", "number_format", "write_workbook", "StreamWorkbook"]

#: Sheet keys in workbook order; their names come from ``ui.workbook.sheet.<key>``.
SHEETS = ("readme", "summary", "options", "ledger", "rejected", "glossary")

#: Columns of the options sheet (those present), in this order.
OPTION_COLUMNS = (
    "plot_id",
    "option_id",
    "option_name",
    "option_kind",
    "applicable",
    "reason",
    "policy_status",
    "policy_rule",
    "evidence",
    "data_gaps",
    "rank",
    "recommended",
    "score",
    "soil_class",
    "metals_exceeding",
    "target_metals",
    "duration_kind",
    "years_to_target",
    "years_to_target_never",
    "years_p10",
    "years_p50",
    "years_p90",
    "p_target_20yr",
    "crop_compliance_prob",
    "biomass_t_dm_ha_yr",
    "energy_pathway",
    "useful_energy_gj_ha_yr",
    "electricity_mwh_ha_yr",
    "biochar_t_ha_yr",
    "residue_disposal",
    "residue_note",
    "net_co2e_t_ha_yr",
    "net_co2e_vs_baseline_t_ha_yr",
    "net_co2e_t",
    "cost_cny_ha",
    "revenue_cny_ha",
    "npv_cny_ha",
    "npv_vs_baseline_cny_ha",
    "npv_farmer_vs_baseline_cny_ha",
    "programme_cost_cny_ha",
    "payback_yr",
    "cost_per_g_removed_cny_g",
    "light_food_safety",
    "light_food_production",
    "light_livelihood",
    "light_clean_up",
    "light_carbon",
    "light_economics",
)

#: Plot × option rows up to which the options sheet of a whole plan holds every option; above it
#: (about 500 plots) it holds each plot's recommended option and the ledger sheet the terms
#: summed over the plots, so that writing and opening the workbook stays quick.
ALL_OPTIONS_MAX_ROWS = 20_000

#: Columns of the ledger sheet (those present).
LEDGER_COLUMNS = (
    "plot_id",
    "option_id",
    "option_name",
    "term",
    "term_category",
    "co2e_t_ha_yr",
    "co2e_t_ha_yr_p10",
    "co2e_t_ha_yr_p90",
    "co2e_t_ha",
    "term_method",
    "source",
    "note",
)

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="F0F4F8")
_NAME_FONT = Font(italic=True, color="666666", size=9)
_WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_names(lang: str = "en") -> dict[str, str]:
    """Sheet key → sheet name in ``lang`` (``'summary'`` → ``'地块汇总'``)."""
    return {k: i18n.t(f"ui.workbook.sheet.{k}", lang) for k in SHEETS}


def _registry(name: str):
    return registry_column(name)


def _label(name: str, lang: str, money_code: str = "CNY") -> str:
    """Label with unit of a column in ``lang``; an unregistered column keeps its name."""
    spec = _registry(name)
    if spec is None:
        return name
    text = spec.label_zh if lang == "zh" else spec.label_en
    unit = spec.unit
    if unit in ("", "1") or spec.dtype not in ("float", "int"):
        return text
    if name != spec.name:  # money in the scenario currency
        cur = next(x for x in C.CURRENCIES[1:] if f"_{x.lower()}" in name)
        unit = unit.replace("CNY", cur)
    return f"{text} [{i18n.unit(unit, lang)}]"


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _legal(text: str) -> str:
    """``text`` with the control characters a workbook cannot hold shown as their symbols
    (ESC → ␛, U+241B), so nothing is dropped silently."""
    return _ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group())), text)


#: The number an infinite value is written as (a numeric column holds numbers only: a target
#: never reached or no payback sorts after every finite value); Excel's largest number is
#: 9.99999999999999E+307.
INFINITE_CELL = 1e307

#: The sections every number format of a sheet starts with: ±:data:`INFINITE_CELL` shown as ∞.
INFINITE_FORMAT = '[>=1E+307]"∞";[<=-1E+307]"-∞";'

#: Columns of years to target, shown as "> 200" beyond
#: :data:`agriremed.stages.duration.YEARS_SHOWN_UP_TO` as the sentences print them (the cell keeps the
#: number; years are never negative, so the second section of :data:`INFINITE_FORMAT` gives way).
YEARS_TO_TARGET = ("years_to_target", "years_p10", "years_p50", "years_p90")


def years_format(fmt: str) -> str:
    """The number format of a years-to-target column: ∞ for :data:`INFINITE_CELL`, ``> 200`` beyond
    :data:`~agriremed.stages.duration.YEARS_SHOWN_UP_TO`, else ``fmt``.

    >>> years_format("#,##0.0")
    '[>=1E+307]"∞";[>200]"> 200";#,##0.0'
    """
    return f'[>=1E+307]"∞";[>{YEARS_SHOWN_UP_TO:g}]"> {YEARS_SHOWN_UP_TO:.0f}";{fmt}'


def _cells(df: pd.DataFrame, float_arrays: bool = False) -> list[np.ndarray]:
    """Columns of ``df`` as Python values for a sheet: text neutralised, NaN → empty, ±inf →
    ±:data:`INFINITE_CELL`
    (with ``float_arrays``, a float column as its ``float64`` array, for
    :func:`_float_column_xml`)."""
    cols = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            v = s.to_numpy(object)
        elif float_arrays and pd.api.types.is_float_dtype(s.dtype):
            v = s.to_numpy(float)
        elif pd.api.types.is_numeric_dtype(s.dtype):
            a = s.to_numpy(float)
            v = a.astype(object)
            v[np.isnan(a)] = None
            v[np.isposinf(a)] = INFINITE_CELL
            v[np.isneginf(a)] = -INFINITE_CELL
            if pd.api.types.is_integer_dtype(s.dtype):
                v = np.array([x if x is None or isinstance(x, str) else int(x) for x in v], dtype=object)
        elif pd.api.types.infer_dtype(s.to_numpy(object), skipna=True) in ("string", "empty"):
            # text (or nothing): each distinct text made legal and neutralised once
            codes, uniques = pd.factorize(s.to_numpy(object), use_na_sentinel=True)
            texts = [_legal(x) if _ILLEGAL.search(x) else x for x in uniques.tolist()]
            v = np.array([*neutralise_text(np.array(texts, dtype=object)).tolist(), None], dtype=object)[codes]
        else:
            v = s.to_numpy(object).copy()
            for i, x in enumerate(v):
                if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
                    v[i] = None
                elif isinstance(x, (np.bool_,)):
                    v[i] = bool(x)
                elif isinstance(x, (np.integer,)):
                    v[i] = int(x)
                elif isinstance(x, (np.floating,)):
                    v[i] = None if math.isnan(x) else float(x)
                elif not isinstance(x, (str, bool, int, float)):
                    v[i] = _legal(str(x))
                elif isinstance(x, str) and _ILLEGAL.search(x):
                    v[i] = _legal(x)
            v = neutralise_text(v)
        cols.append(v)
    return cols


#: Texts a sheet cell holds as an error value, not as text (as openpyxl writes them).
_ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def _xml_text(text: str) -> str:
    """``text`` escaped for an XML text node (a carriage return as a character reference, so that
    it is read back as written)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _cell_xml(value, ref: str, style: str = "") -> str:
    """The ``<c>`` element of one value as openpyxl's write-only sheets write it (numbers with 16
    significant digits, text inline, booleans as 1/0); ``''`` for an empty cell (None).
    ``style``: the cell-style attribute of a number (`` s="3"``, a number format), ``""`` for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        text = "" if isinstance(value, float) and not math.isfinite(value) else "%.16g" % value  # noqa: UP031
        return f'<c r="{ref}"{style} t="n"><v>{text}</v></c>'
    value = str(value)[:32767]
    if value == "":
        return f'<c r="{ref}" t="inlineStr"></c>'
    if len(value) > 1 and value.startswith("="):
        return f'<c r="{ref}"><f>{_xml_text(value[1:])}</f><v></v></c>'
    if value in _ERROR_CODES:
        return f'<c r="{ref}" t="e"><v>{_xml_text(value)}</v></c>'
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'


def _float_column_xml(a: np.ndarray, letter: str, rows: np.ndarray, style: str = "") -> np.ndarray:
    """The ``<c>`` elements of a float column, as :func:`_cell_xml` writes each value of
    :func:`_cells` (NaN: no cell; ±inf: ±:data:`INFINITE_CELL`; others with 16 significant
    digits), built column-wise: a float column's values are mostly distinct."""
    out = np.full(len(a), "", dtype=object)
    a = np.where(np.isinf(a), np.copysign(INFINITE_CELL, a), a)
    fin = np.isfinite(a)
    if fin.any():
        text = np.array(["%.16g" % x for x in a[fin].tolist()], dtype=object)  # noqa: UP031
        out[fin] = '<c r="' + letter + rows[fin] + '"' + style + ' t="n"><v>' + text + "</v></c>"
    return out


def _column_xml(values: np.ndarray, letter: str, rows: np.ndarray, style: str = "") -> np.ndarray:
    """The ``<c>`` elements of one column (``rows``: the row numbers as text, ``object`` array);
    each distinct value's element is built once, around its cell reference. ``style``: the
    cell-style attribute of its numbers (:func:`_cell_xml`)."""
    if values.dtype == np.float64:
        return _float_column_xml(values, letter, rows, style)
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind not in ("string", "empty", "floating", "integer", "boolean"):
        return np.array([_cell_xml(x, letter + r, style) for x, r in zip(values.tolist(), rows, strict=True)],
                        dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parts = [_cell_xml(u, "\0", style).split("\0") for u in uniques.tolist()]
    pre = np.array([q[0] for q in parts] + [""], dtype=object)
    post = np.array([q[1] for q in parts] + [""], dtype=object)
    refs = np.where(codes >= 0, letter + rows, "")
    out = pre[codes] + refs + post[codes]
    if kind == "floating":  # -0.0 and 0.0 are one value to factorize: each zero written by its sign
        for z in [k for k, u in enumerate(uniques.tolist()) if u == 0.0]:
            for j in np.flatnonzero(codes == z):
                out[j] = _cell_xml(values[j], letter + rows[j], style)
    return out


def _rows_xml(df: pd.DataFrame, first_row: int, styles: dict | None = None) -> str:
    """The ``<row>`` elements of ``df``'s rows, numbered from ``first_row`` (the sheet XML that
    openpyxl's write-only mode writes for the values of :func:`_cells`), built column by column;
    ``styles``: column position → cell-style id of its numbers (a number format)."""
    rows = np.array([str(first_row + j) for j in range(len(df))], dtype=object)
    styles = styles or {}
    cols = [_column_xml(v, _letter(i), rows, f' s="{styles[i]}"' if i in styles else "")
            for i, v in enumerate(_cells(df, float_arrays=True))]
    heads = [f'<row r="{r}">' for r in rows]
    return "".join(h + "".join(cells) + "</row>" for h, *cells in zip(heads, *cols, strict=True))


class _Sheet:
    """A write-only sheet with two header rows, counting rows against Excel's limit."""

    def __init__(
        self,
        wb: Workbook,
        title: str,
        columns,
        lang: str,
        money_code: str = "CNY",
        widths: dict | None = None,
        labels: dict | None = None,
    ):
        self.ws = wb.create_sheet(title=title[:31])
        self.lang = lang
        self.columns = list(columns)
        #: Column position → cell-style id of the column's number format (:func:`number_format`,
        #: after :data:`INFINITE_FORMAT`; General for a column outside the registry).
        self.styles = {}
        for i, c in enumerate(self.columns):
            fmt = number_format(str(c))
            cell = WriteOnlyCell(self.ws)
            cell.number_format = (years_format(fmt) if str(c) in YEARS_TO_TARGET and fmt
                                  else INFINITE_FORMAT + (fmt or "General"))
            self.styles[i] = cell.style_id
        self.rows = 0
        self.dropped = 0
        self.ws.freeze_panes = "B3" if self.columns and self.columns[0] == "plot_id" else "A3"
        for i, c in enumerate(self.columns):
            letter = _letter(i)
            self.ws.column_dimensions[letter].width = (widths or {}).get(c, 14)
        heads = []
        for c in self.columns:
            text = (labels or {}).get(c) or _label(c, lang, money_code)
            cell = WriteOnlyCell(self.ws, value=_legal(str(neutralise_text([text])[0])))
            cell.font, cell.fill, cell.alignment = _HEAD_FONT, _HEAD_FILL, _WRAP
            heads.append(cell)
        names = []
        for c in self.columns:
            cell = WriteOnlyCell(self.ws, value=_legal(str(neutralise_text([str(c)])[0])))
            cell.font = _NAME_FONT
            names.append(cell)
        self.ws.append(heads)
        self.ws.append(names)
        self.rows = 2
        #: The data rows as sheet XML (a temporary file), None before the first row.
        self.data = None

    def add(self, df: pd.DataFrame) -> None:
        room = EXCEL_MAX_ROWS - self.rows
        if len(df) > room:
            self.dropped += len(df) - max(room, 0)
            df = df.iloc[: max(room, 0)]
        if len(df) and self.columns:  # the rows' XML, put into the sheet when the workbook is saved
            if self.data is None:
                self.data = tempfile.TemporaryFile("w+", encoding="utf-8")
            self.data.write(_rows_xml(_yes_no(df.reindex(columns=self.columns), self.lang), self.rows + 1,
                                      self.styles))
        self.rows += len(df)


#: Excel number format of the money units per area or year (whole units; other money units, per
#: gram or per kWh, with two decimals).
_MONEY_WHOLE = ("", "/ha", "/ha/yr", "/yr", "/mu")


def number_format(name: str) -> str | None:
    """The Excel number format a column's numbers are shown with, from its unit in the column
    registry (the value itself stays the full-precision number); ``None`` for a column outside
    the registry or not a number (Excel's General).

    Probabilities and shares (:attr:`agriremed.core.columns.Column.fraction`) ``0%``; money per
    hectare, per mu, per year or per plot (any currency) ``#,##0``, other money units
    ``#,##0.00``; areas (ha, mu) ``#,##0.00``; tonnes (t/ha, t CO₂e, t CO₂e/ha/yr …) ``#,##0.0``;
    years and other amounts per hectare or year (GJ/ha/yr, g/ha/yr, mm/yr …) ``#,##0.0``;
    concentrations in mg/kg ``0.000``; whole numbers ``0``; latitude and longitude [degree] up
    to 6 decimals ``0.0#####``; everything else (ratios, scores, pH …) ``0.00``.

    >>> number_format("crop_compliance_prob"), number_format("npv_vs_baseline_usd_ha")
    ('0%', '#,##0')
    >>> number_format("area_ha"), number_format("net_co2e_t"), number_format("ph")
    ('#,##0.00', '#,##0.0', '0.00')
    >>> number_format("years_p50"), number_format("score"), number_format("plot_id")
    ('#,##0.0', '0.00', None)
    """
    spec = _registry(name)
    if spec is None or spec.dtype not in ("float", "int"):
        return None
    if spec.fraction:
        return "0%"
    unit = spec.unit
    cur = next((x for x in C.CURRENCIES if unit == x or unit.startswith(x + "/")), None)
    if cur is not None:
        return "#,##0" if unit[len(cur):] in _MONEY_WHOLE else "#,##0.00"
    if unit in ("ha", "mu"):
        return "#,##0.00"
    if unit == "t" or unit.startswith(("t/", "t ")):
        return "#,##0.0"
    if spec.dtype == "int":
        return "0"
    if unit == "yr" or "/ha" in unit or unit.endswith("/yr") or unit == "km":
        return "#,##0.0"
    if unit == "mg/kg":
        return "0.000"
    if unit == "degree":
        return "0.0#####"
    return "0.00"


def _yes_no(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` with its yes/no columns (booleans) as the words of ``lang`` (是/否) where the language
    is not English; an English sheet keeps Excel's TRUE/FALSE. Missing values stay empty."""
    if lang == "en":
        return df
    words = {True: i18n.t("ui.yes", lang), False: i18n.t("ui.no", lang)}
    out = None
    for c in df.columns:
        s = df[c]
        if not (pd.api.types.is_bool_dtype(s.dtype)
                or (s.dtype == object and pd.api.types.infer_dtype(s.to_numpy(object), skipna=True) == "boolean")):
            continue
        if out is None:
            out = df.copy()
        v = s.to_numpy(object)
        out[c] = pd.Series([words[bool(x)] if isinstance(x, (bool, np.bool_)) else None for x in v],
                           index=df.index, dtype=object)
    return df if out is None else out


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


_WIDE = {
    "reason": 48,
    "recommendation": 70,
    "reasons": 60,
    "residue_note": 40,
    "data_gaps": 30,
    "option_name": 30,
    "recommended_name": 30,
    "description": 70,
    "note": 40,
    "term_method": 36,
    "region": 22,
    "label": 34,
    "name": 30,
}


class _Book:
    """The workbook being written: sheets in :data:`SHEETS` order, README filled in last."""

    def __init__(self, path: str | Path, lang: str, money_code: str = "CNY"):
        self.path = Path(path)
        self.lang = i18n._check_lang(lang)
        self.money_code = money_code
        self.names = sheet_names(self.lang)
        self.wb = Workbook(write_only=True)
        self.readme = self.wb.create_sheet(title=self.names["readme"])
        self.readme.column_dimensions["A"].width = 30
        self.readme.column_dimensions["B"].width = 110
        self.sheets: dict[str, _Sheet] = {}

    def sheet(self, key: str, columns, labels: dict | None = None) -> _Sheet:
        if key not in self.sheets:
            self.sheets[key] = _Sheet(
                self.wb, self.names[key], columns, self.lang, self.money_code, _WIDE, labels
            )
        return self.sheets[key]

    def finish(self, about: dict[str, str], provenance: list[tuple[str, object]], notes=()) -> Path:
        lang = self.lang
        for key in SHEETS[1:]:  # every sheet exists, also when empty (no rejected rows)
            if key not in self.sheets:
                self.sheet(key, [])
        title = WriteOnlyCell(self.readme, value=i18n.t("ui.workbook.title", lang))
        title.font = Font(bold=True, size=14)
        self.readme.append([title])
        self.readme.append([])
        for k, v in ((i18n.t("ui.workbook.col_sheet", lang), i18n.t("ui.workbook.col_content", lang)),):
            a, b = WriteOnlyCell(self.readme, value=k), WriteOnlyCell(self.readme, value=v)
            a.font = b.font = _HEAD_FONT
            self.readme.append([a, b])
        for key in SHEETS[1:]:
            self.readme.append([self.names[key], about.get(key, "")])
        self.readme.append([])
        for text in (i18n.t("ui.workbook.headers", lang), i18n.t("ui.workbook.formulas", lang),
                     i18n.t("ui.workbook.infinite", lang, years=f"{YEARS_SHOWN_UP_TO:.0f}"), *notes):
            cell = WriteOnlyCell(self.readme, value=str(neutralise_text([text])[0]))
            cell.alignment = _WRAP
            self.readme.append([None, cell])
        for key, sh in self.sheets.items():
            if sh.dropped:
                self.readme.append(
                    [
                        None,
                        i18n.t(
                            "ui.workbook.truncated",
                            lang,
                            sheet=self.names[key],
                            n=f"{sh.dropped:,}",
                            file=about.get(f"{key}_file", ""),
                        ),
                    ]
                )
        self.readme.append([])
        a, b = (
            WriteOnlyCell(self.readme, value=i18n.t("ui.workbook.col_item", lang)),
            WriteOnlyCell(self.readme, value=i18n.t("ui.workbook.col_value", lang)),
        )
        a.font = b.font = _HEAD_FONT
        self.readme.append([a, b])
        for k, v in provenance:
            cell = WriteOnlyCell(
                self.readme, value=_legal(neutralise_text([v])[0]) if isinstance(v, str) else v
            )
            cell.alignment = _WRAP
            self.readme.append([k, cell])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.wb.save(self.path)
        _splice_rows(self.path, {sh.ws.path.lstrip("/"): sh.data for sh in self.sheets.values()
                                 if sh.data is not None})
        return self.path


def _splice_rows(path: Path, parts: dict) -> None:
    """Put the data rows of each sheet (zip member name → temporary file of ``<row>`` XML) after
    the header rows openpyxl saved in ``path``; the files are closed."""
    if not parts:
        return
    tmp = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                rows = parts.get(info.filename)
                if rows is None:
                    dst.writestr(info, data)
                    continue
                text = data.decode("utf-8").replace("<sheetData/>", "<sheetData></sheetData>", 1)
                head, end, tail = text.partition("</sheetData>")
                out_info = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                out_info.compress_type = zipfile.ZIP_DEFLATED
                big = rows.tell() > 2**30  # characters; Zip64 entries only for sheets that may need them
                with dst.open(out_info, "w", force_zip64=big) as out:
                    out.write(head.encode("utf-8"))
                    rows.seek(0)
                    block = rows.read(1 << 20)
                    while block:
                        out.write(block.encode("utf-8"))
                        block = rows.read(1 << 20)
                    out.write((end + tail).encode("utf-8"))
        os.replace(tmp, path)
    finally:
        for rows in parts.values():
            rows.close()
        if tmp.exists():
            tmp.unlink()


def _provenance(
    lang: str, *, version, date, scenario, input_digest, n_input, n_planned, n_rejected, region, money,
    standards: dict | None = None, rule_sets: dict | None = None, n_skipped: int = 0, tables=None,
) -> list[tuple[str, object]]:
    d = report_date(date)
    rows = [
        ("version", f"agriremed {version}"),
        ("date", format_date(d, lang)),
        ("seed", scenario.seed),
        ("scenario", i18n.scenario_name(scenario.name, lang)),
        ("standard", standard_text(scenario, standards, lang)),
        ("rules", rule_set_text(scenario, rule_sets, lang)),
        # tables of a user folder (--tables: a land_rules.csv changes the legal statements): their files, folder, hash
        *([("user_tables", user)] if (user := _user_tables(tables)) else []),
        ("horizon", scenario.horizon_yr),
        ("draws", scenario.mc_draws),
        ("digest", input_digest),
        ("rows", f"{n_input:,} / {n_planned:,} / {n_rejected:,}") if not n_skipped
        else ("rows_skipped", f"{n_input:,} / {n_planned:,} / {n_rejected:,} / {n_skipped:,}"),
        ("region", region),
    ]
    if money:
        cur = money.get("code", "CNY")
        rows.append(
            (
                "currency",
                cur if cur == "CNY" else f"{cur}: {money['cny_per_unit']:g} CNY/{cur} ({money['basis']})",
            )
        )
    out = [(i18n.t(f"ui.workbook.prov.{k}", lang), v) for k, v in rows]
    out.append(("scenario.json", scenario.to_json()))
    return out


def _user_tables(tables) -> str:
    """The user table folder of a plan (``--tables``) as the README gives it: its files, folder and the
    SHA-256 of those files; "" for the packaged tables."""
    folder = getattr(tables, "user_folder", None)
    if not folder:
        return ""
    return f"{', '.join(map(str, folder.get('files', ())))} — {folder.get('path', '')} (sha256 {folder.get('sha256', '')})"


def _glossary(columns, lang: str) -> pd.DataFrame:
    seen = dict.fromkeys(str(c) for c in columns)
    rows = []
    for name in seen:
        spec = _registry(name)
        if spec is None:
            rows.append({"label": name, "name": name, "unit": "", "description": i18n.description(name, lang)})
            continue
        unit = spec.unit if spec.dtype in ("float", "int") and spec.unit not in ("", "1") else ""
        rows.append(
            {
                "label": spec.label_zh if lang == "zh" else spec.label_en,
                "name": name,
                "unit": i18n.unit(unit, lang) if unit else "",
                "description": i18n.description(spec, lang),
            }
        )
    return pd.DataFrame(rows, columns=["label", "name", "unit", "description"])


def _gloss_labels(lang: str) -> dict:
    return {k: i18n.t(f"ui.report.col_{k}", lang) for k in ("label", "name", "unit", "description")}


def _ledger_total_label(lang: str) -> dict:
    unit = f"{i18n.unit('t CO2e', lang)}/{i18n.unit('yr', lang)}"
    return {"co2e_t_yr": f"{i18n.label('co2e_t_ha_yr', lang, with_unit=False)} [{unit}]"}


def _per_mu(name: str) -> bool:
    """Whether a summary column is per mu or in mu (``area_mu``, ``first_year_cost_cny_mu``,
    ``lost_income_cny_mu_yr``)."""
    return str(name).endswith("_mu") or "_mu_" in str(name)


def region_of(s: pd.DataFrame) -> np.ndarray:
    """The ``region`` column of a summary (None where it has none)."""
    return s["region"].to_numpy(object) if "region" in s else np.full(len(s), None, dtype=object)


def _summary_units(plan) -> np.ndarray:
    """Area unit of each summary row (:func:`agriremed.stages.advice.area_units`)."""
    s, sc = plan.summary, plan.scenario
    region = s["region"].to_numpy(object) if "region" in s else np.full(len(s), None, dtype=object)
    return advice.area_units(region, sc.area_unit, sc.rule_set, plan.tables)


def _soil_input_columns(plan) -> list[str]:
    """The soil pH and total-metal input columns (``ph``, ``cd_mg_kg`` …, in
    :data:`agriremed.core.columns.METALS` order) of the plan's plots that its summary does not have."""
    plots = getattr(plan, "plots", None)
    if plots is None or "plot_id" not in plots:
        return []
    cols = [c for c in ("ph", *map(C.metal_column, C.present_metals(plots.columns))) if c in plots]
    return [c for c in cols if c not in plan.summary.columns]


def _crop_input_columns(plan) -> list[str]:
    """The input columns of metals measured in the harvest (``crop_cd_mg_kg`` …, in
    :data:`agriremed.core.columns.CROP_METAL_COLUMNS` order, inorganic As after total As) that a plot of the plan
    carries and its summary does not have."""
    plots = getattr(plan, "plots", None)
    if plots is None or "plot_id" not in plots:
        return []
    cols = [c for c in C.CROP_METAL_COLUMNS if c in plots]
    return [c for c in cols if c not in plan.summary.columns and pd.to_numeric(plots[c], errors="coerce").notna().any()]


def _before_class(columns, added: list[str], anchor: str = "soil_class") -> list:
    """``columns`` with ``added`` put just before ``anchor`` (``soil_class``; at the end without it)."""
    cols = [c for c in columns if c not in added]
    at = cols.index(anchor) if anchor in cols else len(cols)
    return cols[:at] + added + cols[at:]


#: Where the measured input values go in the workbook's summary: the soil pH and metals before the soil class,
#: the metals measured in the harvest before the metals measured above their food limit.
_MEASURED_ANCHORS = ((_soil_input_columns, "soil_class"), (_crop_input_columns, "crop_measured_exceeds"))


def _with_soil_inputs(s: pd.DataFrame, plan) -> pd.DataFrame:
    """The summary frame ``s`` with each plot's measured soil pH [–] and total metals [mg kg⁻¹]
    (:func:`_soil_input_columns`, blank where not measured) just before its soil class, and the metals measured in
    its harvest [mg kg⁻¹] (:func:`_crop_input_columns`) just before ``crop_measured_exceeds``."""
    added = [(cols(plan), anchor) for cols, anchor in _MEASURED_ANCHORS]
    if not any(a for a, _ in added):
        return s
    plots = plan.plots
    pos = _frames.positions(plots["plot_id"].to_numpy(object), plan.summary["plot_id"].to_numpy(object))
    s = s.copy()
    for cols, anchor in added:
        for c in cols:
            s[c] = _frames.take(pd.to_numeric(plots[c], errors="coerce").to_numpy(float), pos, np.nan)
        s = s[_before_class(s.columns, cols, anchor)]
    return s


def _summary_frame(plan, lang: str) -> pd.DataFrame:
    """The summary in ``lang``: codes and sentences translated (the monitoring from the summary's
    own ``monitoring_msg``, so that it names the metals of the summary sentence), and the
    measures of each recommended option written in ``lang`` by
    :func:`agriremed.stages.advice.measures_text`, and the measured soil pH and metals of the
    input before the soil class (:func:`_soil_input_columns`). The columns per mu (``area_mu``,
    ``first_year_cost_cny_mu`` …) are blank on the rows of plots whose area unit is ha
    (:func:`agriremed.stages.advice.area_units`) and left out when no plot's unit is mu."""
    s = translate_frame(plan.summary, lang, plan.tables)
    s = s.drop(columns=[c for c in s.columns if str(c).endswith("_msg")])  # rendered into their text column
    units = _summary_units(plan)
    in_ha = units == "ha"
    if in_ha.any():
        mu_cols = [c for c in s.columns if _per_mu(c)]
        if in_ha.all():
            s = s.drop(columns=mu_cols)
        else:
            s.loc[in_ha, mu_cols] = np.nan
    if "area_mu" in s.columns and "area_ha" in s.columns:  # the area in mu first, where a county reads it
        cols = [c for c in s.columns if c != "area_mu"]
        cols.insert(cols.index("area_ha"), "area_mu")
        s = s[cols]
    if "region" in s.columns:  # in English too: a placed region written in Chinese by its English names
        s["region"] = region_names(s["region"], lang, plan.tables)
    if lang != "en" and "measures" in s.columns and "recommended_option" in plan.summary and len(s):
        s["measures"] = advice.measures_in(plan.summary["recommended_option"].to_numpy(object), units,
                                           plan.tables, lang, **advice.step_flags_of(plan.summary, plan.tables),
                                           soil_ph=advice.soil_ph_of(plan.summary))
    if lang != "en" and "monitoring" in s.columns and "monitoring_msg" not in plan.summary and len(s):
        sc = plan.scenario  # a summary without the monitoring message: computed again from its columns
        cols = advice.summary_columns(plan.summary, plan.table, plan.tables, sc.food_standard, sc.horizon_yr,
                                      lang, advice.plot_rule_sets(plan.summary["plot_id"], region_of(plan.summary),
                                                                  sc.rule_set, plan.tables), units=units)
        s["monitoring"] = np.asarray(cols["monitoring"], dtype=object)
    return _with_soil_inputs(s, plan)


def _reason_label(lang: str) -> dict:
    return {"reasons": i18n.t("ui.report.col_problem", lang)}


def _rejected(rejected: pd.DataFrame, lang: str, tables) -> pd.DataFrame:
    if rejected is None or rejected.empty:
        return pd.DataFrame(columns=["input_row", "line", "plot_id", "reasons"])
    first = [c for c in ("input_row", "line", "plot_id", "reasons") if c in rejected.columns]
    df = rejected[first + [c for c in rejected.columns if c not in first]]
    out = translate_frame(df, lang, tables)
    return out.drop(columns=[c for c in ("reasons_msg",) if c in out.columns])  # rendered into reasons


def _options_frame(table: pd.DataFrame, lang: str, tables, money_code: str,
                   summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """The options sheet: :data:`OPTION_COLUMNS` of ``table`` in ``lang``, with the location
    columns of ``summary`` (:data:`agriremed.core.columns.LOCATION_COLUMNS` it has: village,
    lat, lon) after ``plot_id``, each plot's value on each of its rows."""
    cols = [c for c in OPTION_COLUMNS if c in table.columns]
    extra = []
    if money_code != "CNY":
        extra = [C.money_column(c, money_code) for c in cols if "_cny" in c]
        extra = [c for c in extra if c in table.columns]
    msgs = [f"{c}_msg" for c in cols if f"{c}_msg" in table.columns]  # rendered into their text column
    out = translate_frame(table[cols + extra + msgs], lang, tables).drop(columns=msgs)
    located = [c for c in C.LOCATION_COLUMNS if summary is not None and c in summary.columns]
    if located:
        pos = _frames.positions(summary["plot_id"].to_numpy(object), table["plot_id"].to_numpy(object))
        for i, c in enumerate(located, start=1):
            v = summary[c].to_numpy(float) if C.COLUMNS[c].dtype == "float" else _frames.obj(summary[c])
            out.insert(i, c, _frames.take(v, pos, np.nan if v.dtype == float else None))
    return out


def _about(lang: str, streamed: bool, plan_file: str = "plan.csv") -> dict[str, str]:
    about = {
        k: i18n.t(f"ui.workbook.about.{k}", lang)
        for k in ("summary", "options", "ledger", "rejected", "glossary")
    }
    if streamed:
        about["options"] = i18n.t("ui.workbook.about.options_recommended", lang, plan_file=plan_file)
        about["ledger"] = i18n.t("ui.workbook.about.ledger_totals", lang)
    return about


def write_workbook(plan, path: str | Path, lang: str = "en", date=None) -> Path:
    """Write ``plan.xlsx`` of a whole plan.

    Parameters
    ----------
    plan : Plan
        The plan.
    path : str or Path
        File to write.
    lang : {"en", "zh"}
        Language of sheet names, header labels, translated values and the README.
    date : datetime.date or str, optional
        Date recorded in the README (default :func:`agriremed.io.report.report_date`).

    Returns
    -------
    Path
        The path written.
    """
    if lang == "en" and getattr(plan, "text_lang", "en") != "en":  # a plan made with plan(..., lang="zh")
        plan = plan.in_lang("en")
    tables = plan.tables
    code = plan.money()["code"]
    book = _Book(path, lang, code)
    s = plan.summary
    frame = _summary_frame(plan, lang)
    # the columns per mu are left out when no plot is stated in mu
    shown = [c for c in s.columns if c in frame.columns or not _per_mu(c)]
    if "area_mu" in shown and "area_ha" in shown:  # in the frame's order: the area in mu first
        shown.remove("area_mu")
        shown.insert(shown.index("area_ha"), "area_mu")
    for cols, anchor in _MEASURED_ANCHORS:  # the measured values next to the class, the harvest's next to its verdict
        shown = _before_class(shown, cols(plan), anchor)
    book.sheet("summary", shown).add(frame)
    large = len(plan.table) > ALL_OPTIONS_MAX_ROWS
    is_rec = plan.table["recommended"].to_numpy(bool)
    opts = _options_frame(plan.table.loc[is_rec] if large else plan.table, lang, tables, code, s)
    book.sheet("options", opts.columns).add(opts)
    labels = None
    if large:  # the ledger summed by term, as for a streamed plan

        ledger = PlanDigest.from_plan(plan).ledger_table(lang)
        labels = _ledger_total_label(lang)
    else:
        rec = plan.table.loc[is_rec, ["plot_id", "option_id"]]
        ledger = plan.carbon_ledger.merge(rec, on=["plot_id", "option_id"])
        ledger = ledger.assign(option_name=ledger["option_id"])
        msgs = [f"{c}_msg" for c in LEDGER_COLUMNS if f"{c}_msg" in ledger.columns]  # rendered into their text
        keep = [c for c in LEDGER_COLUMNS if c in ledger.columns]
        ledger = translate_frame(ledger[keep + msgs], lang, tables).drop(columns=msgs)
    book.sheet("ledger", ledger.columns, labels).add(ledger)
    rej = _rejected(plan.rejected, lang, tables)
    book.sheet("rejected", rej.columns, _reason_label(lang)).add(rej)
    gl = _glossary([*shown, *opts.columns, *ledger.columns, *rej.columns], lang)
    book.sheet("glossary", gl.columns, _gloss_labels(lang)).add(gl)
    prov = _provenance(
        lang,
        version=plan.version,
        standards=plan.food_standards() if hasattr(plan, "food_standards") else None,
        rule_sets=plan.rule_sets() if hasattr(plan, "rule_sets") else None,
        date=date,
        scenario=plan.scenario,
        input_digest=plan.input_digest(),
        n_input=plan.n_input,
        n_planned=len(plan.plots),
        n_rejected=len(plan.rejected),
        n_skipped=len(getattr(plan, "skipped", ())),
        region=region_title(s["region"] if "region" in s else [], lang),
        money=plan.money(),
        tables=plan.tables,
    )
    about = _about(lang, False)
    if large:
        about["options"] = i18n.t(
            "ui.workbook.about.options_large", lang, n=f"{ALL_OPTIONS_MAX_ROWS:,}", plan_file="plan.csv"
        )
        about["ledger"] = i18n.t("ui.workbook.about.ledger_totals", lang)
    about.update(
        summary_file="summary.csv",
        options_file="plan.csv",
        ledger_file="carbon_ledger.csv",
        rejected_file="rejected.csv",
    )
    return book.finish(about, prov)


class StreamWorkbook:
    """Writes ``plan.xlsx`` of a streamed plan chunk by chunk (bounded memory).

    :meth:`add` appends each chunk's summary rows and the plan rows of each plot's recommended
    option (openpyxl's write-only mode keeps them on disk); :meth:`write` adds the carbon
    ledger summed by term, the rejected rows, the glossary and the README, and saves. Rows
    beyond Excel's limit are left out and counted in the README. Passed to
    :func:`agriremed.engine.stream.plan_stream` as one of its ``extra_outputs``.
    """

    def __init__(self, path_name: str = "plan.xlsx", lang: str = "en", date=None):
        self.name = path_name
        self.lang = i18n._check_lang(lang)
        self.date = date
        self.book: _Book | None = None
        #: What was left out of the workbook (Excel's row limit), for the terminal; "" when nothing.
        self.note = ""
        self.ledger: dict = {}
        self.columns: dict[str, None] = {}
        self.money_code = "CNY"
        self.n = 0

        self.digest = PlanDigest()

    def add(self, plan) -> None:
        if plan.summary is None or not len(plan.summary):
            return
        if self.book is None:
            self.money_code = plan.money()["code"]
            self.book = _Book(self.name, self.lang, self.money_code)  # the folder is known at write
        tables = plan.tables
        s = _summary_frame(plan, self.lang)
        self.book.sheet("summary", s.columns).add(s)
        rec = plan.table.loc[plan.table["recommended"].to_numpy(bool)]
        opts = _options_frame(rec, self.lang, tables, self.money_code, plan.summary)
        self.book.sheet("options", opts.columns).add(opts)
        self.columns.update(dict.fromkeys([*s.columns, *opts.columns]))
        self.digest.add(plan)
        self.n += len(plan.summary)

    def write(self, out: Path, run: dict) -> dict[str, Path]:
        """Finish the workbook and move it to ``out / plan.xlsx`` (nothing when no plot was planned)."""
        if self.book is None:
            return {}
        lang, tables = self.lang, run["tables"]
        ledger = self.digest.ledger_table(lang)
        labels = _ledger_total_label(lang)
        self.book.sheet("ledger", ledger.columns, labels).add(ledger)
        rej = _rejected(run["rejected"], lang, tables)
        self.book.sheet("rejected", rej.columns, _reason_label(lang)).add(rej)
        gl = _glossary([*self.columns, *ledger.columns, *rej.columns], lang)
        self.book.sheet("glossary", gl.columns, _gloss_labels(lang)).add(gl)
        plan_file, summary_file = run["files"]
        prov = _provenance(
            lang,
            version=run["version"],
            date=self.date,
            scenario=run["scenario"],
            input_digest=run["input_digest"],
            n_input=run["n_input"],
            n_planned=run["n_planned"],
            n_rejected=len(run["rejected"]),
            n_skipped=run.get("n_skipped", 0),
            region=self.digest.regions.title(lang),
            money=run.get("money"),
            tables=tables,
        )
        about = _about(lang, True, plan_file)
        about.update(summary_file=summary_file, options_file=plan_file, rejected_file="rejected.csv")
        self.book.path = Path(out) / self.name
        path = self.book.finish(about, prov)
        cut = {k: sh.dropped for k, sh in self.book.sheets.items() if sh.dropped}
        if cut:
            self.note = "; ".join(
                i18n.t(
                    "ui.workbook.truncated",
                    lang,
                    sheet=self.book.names[k],
                    n=f"{n:,}",
                    file=summary_file if k == "summary" else plan_file,
                )
                for k, n in cut.items()
            )
        return {"xlsx": path}
