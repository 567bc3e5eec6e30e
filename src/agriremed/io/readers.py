"""Reading plot tables and writing outputs.

Plot tables come as CSV/text (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030 as
saved by Chinese Excel, or Windows-1252/Latin-1 single-byte text), Excel (``.xlsx``,
``.xlsm``, ``.xls``, ``.ods``) or Parquet. Readers return every cell as text so that
validation can report exactly what the user typed (``'5,6'``, ``'abc'``); the typed,
canonical table is produced by :func:`agriremed.io.validate.validate_plots`.

Nothing is guessed silently:

* the text encoding is detected without turning single-byte text into Chinese
  characters (GB18030 is taken only when the decoded non-ASCII characters are common
  Chinese ones, GB 2312 hanzi, punctuation and symbols such as ``°′″√``), and any encoding other than UTF-8 is reported;
* a line with fewer or more cells than the header is rejected with its line number and
  the counts (never padded or shifted: the other rows are still read);
* a quoted field that runs over several lines without a matching cell count (an
  unbalanced quote) stops the file with the line where the quoted field starts;
* every Excel sheet is looked at: a workbook with several sheets holding data needs a
  sheet choice (the error lists them); formulas without a saved value are reported
  per cell, never read as blanks.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import math
import re
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from agriremed.core.inputs import InputFileError, mostly_common_chinese, parquet_as_text  # noqa: F401
from agriremed.core.messages import Message, Note, render
from agriremed.io.geo import read_layer
from agriremed.core import columns as C
from agriremed.core.names import (UnitReadError, is_known_header, is_no_unit_word, is_unit_text, read_header,
                                   unit_cell, unit_factor, unit_like_share, unit_row, with_unit_row)
from agriremed.io.outputs import csv_text

__all__ = ["InputFileError", "read_table", "header_lines", "title_lines", "header_search_note", "HEADER_SEARCH_LINES", "dedupe_header", "NA_STRINGS", "ND_STRINGS", "na_cells", "write_csv", "decode_text",
           "excel_sheets"]

#: Cell texts that mean "no value" (not measured). In a metal column a non-empty one of them is
#: read as not measured with a warning naming the cell, and ``nd`` is one of :data:`ND_STRINGS`.
#: Matched case-insensitively with all spaces removed (' / ', '未 检 测'), see :func:`na_cells`.
NA_STRINGS = ("", "na", "n/a", "nan", "null", "none", "-", "—", "--", "——", "－", "/", "／", "nd", "未测",
              "未检测", "未测定", "无")

#: Cell texts (lower case, spaces removed) of a laboratory result "not detected": in a metal
#: column they are rejected like ``<0.01`` (the detection limit is needed, never a blank).
ND_STRINGS = ("nd", "n.d.", "n.d", "n/d", "notdetected", "未检出", "未检测出", "低于检出限", "检出限以下",
              "<dl", "<lod", "bdl")


def na_cells(text: pd.Series) -> np.ndarray:
    """Which cells (stripped texts) are a word of :data:`NA_STRINGS` ("no value"), compared in
    lower case with all spaces (also the ideographic space) removed."""
    low = text.str.lower()
    spaced = low.str.contains(r"\s", regex=True).to_numpy(bool)
    if spaced.any():
        low = low.where(~spaced, low.str.replace(r"\s+", "", regex=True))
    return low.isin(NA_STRINGS).to_numpy(bool)


_EXCEL = (".xlsx", ".xlsm", ".xls", ".ods")


def read_table(path: str | Path, sheet: str | int | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Read a plot table from CSV, Excel or Parquet with every cell as text.

    Parameters
    ----------
    path : str or Path
        File to read. The format is chosen from the suffix (``.csv``, ``.txt``, ``.tsv``,
        ``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``, ``.parquet``, ``.pq``).
    sheet : str or int, optional
        Excel sheet name (or 0-based index). Without it, a workbook must hold data on
        one sheet only. For a GIS file (``.gpkg``, ``.shp``, ``.geojson``, ``.zip``;
        read by :func:`agriremed.io.geo.read_layer`) the layer.

    Returns
    -------
    table : pandas.DataFrame
        One row per data row; all cells are strings (blank cells are ``''``).
        ``table.attrs`` records ``header_line`` (1-based line or spreadsheet row of
        the header, ``None`` for Parquet), ``lines`` (the file line of every data row),
        ``separator``, ``decimal_comma`` (True for semicolon-separated text, where a
        comma is the decimal mark), ``encoding``, ``sheet`` and ``row_problems``: rows
        that could not be read as they stand (a line with another number of cells than
        the header, a formula without a saved value), each a dict with ``row``
        (0-based row of ``table``), ``column`` (header), ``value``, ``problem`` and
        ``expected`` (English), ``problem_msg`` and ``expected_msg`` (the same as encoded
        messages). Such a row's cells are not to be used. ``title_lines`` holds the filled
        lines above the header (:func:`title_lines`: line and cells) and ``file_name`` the
        file's name: where the table names no region, the place they name is the plots'
        region (:func:`agriremed.io.validate.validate_plots`).
    notes : list of str
        Remarks about how the file was read (text encoding, header row found below a
        title row, separator, sheet), each a :class:`agriremed.core.messages.Note`: the
        English text, carrying its message (``io.*``) for other languages.

    Raises
    ------
    InputFileError
        If the file does not exist, is empty, is not a readable table, holds an
        unbalanced quote, or is a workbook with several sheets of data and no
        ``sheet`` was chosen.

    Notes
    -----
    The header is the row, among the first ten, in which the most cells name known
    columns; title rows above it (e.g. merged group headings in Excel) are skipped and
    reported.
    """
    p = Path(path)
    if not p.exists():
        raise InputFileError.of("io.not_found", path=str(p))
    if p.is_dir():
        raise InputFileError.of("io.folder", path=str(p))
    suffix = p.suffix.lower()
    notes: list[str] = []
    if p.stat().st_size == 0:
        raise InputFileError.of("io.empty", file=p.name)
    sep = None
    enc = None
    formulas: dict = {}
    layout: dict = {}
    if suffix in (".gpkg", ".shp", ".geojson", ".zip"):  # GIS layers: agriremed.io.geo (extra 'geo')
        layer = read_layer(p, layer=sheet)
        return layer.table, layer.notes
    if suffix in _EXCEL and is_all_sheets(sheet) and ALL_SHEETS not in {n for n, _ in excel_sheets(p)}:
        return _read_all_sheets(p)
    try:
        if suffix in _EXCEL:
            records, formulas, chosen, sheet_notes, layout = _read_excel(p, sheet)
            notes += sheet_notes
            starts = list(range(1, len(records) + 1))
            multi: list = []
        elif suffix in (".parquet", ".pq"):
            df = parquet_as_text(pd.read_parquet(p))
            df.attrs["file_name"] = p.name
            return df, notes
        else:
            text, enc = decode_text(p.read_bytes(), p.name)
            if not text.strip():
                raise InputFileError.of("io.empty", file=p.name)
            if enc != "utf-8":
                notes.append(encoding_note(p.name, enc))
            sep = sniff_separator(text)
            if sep != ",":
                notes.append(separator_note(p.name, sep))
            records, starts, multi = _parse_delimited(text, sep, p.name)
            chosen = None
    except InputFileError:
        raise
    except Exception as exc:  # any parser error is an input problem, not a crash
        raise InputFileError.of("io.unreadable", file=p.name, error=str(exc)) from exc
    if not any(any(str(c).strip() for c in r) for r in records):
        raise InputFileError.of("io.empty", file=p.name)
    df, more = _table(p.name, records, starts, multi, formulas, check_width=sep is not None,
                      merges=layout.get("merges"), percent=layout.get("percent", ()),
                      merges_unknown=layout.get("merges_unknown", False),
                      formats_unknown=layout.get("formats_unknown", False), hidden_rows=layout.get("hidden_rows", ()))
    notes += more
    df.attrs.update(separator=sep, decimal_comma=sep == ";", encoding=enc, sheet=chosen)
    return df, notes


SEP_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "，": "fullwidth_commas", "；": "fullwidth_semicolons"}


def encoding_note(file_name: str, encoding: str) -> Note:
    """The note that a file was read with a text encoding other than UTF-8."""
    return Note.of("io.encoding", file=file_name, encoding=encoding)


def separator_note(file_name: str, sep: str) -> Note:
    """The note that a text file is separated by semicolons or tabs (``sep``: the character)."""
    return Note.of("io.separator", file=file_name, separator=SEP_NAMES[sep])


def header_line_note(file_name: str, line: int, skipped: int) -> Note:
    """The note that the header was found on ``line`` below ``skipped`` title lines."""
    return Note.of("io.header_line", file=file_name, line=int(line), skipped=int(skipped))


def apply_unit_row(file_name: str, header: list[str], below: list[str] | None,
                   line: int) -> tuple[list[str], Note | None]:
    """The header with the units of a unit row under it, and the note that the row was read so.

    Parameters
    ----------
    file_name : str
        File name for the note.
    header : list of str
        The header's cells.
    below : list of str or None
        The record directly below the header (``None``: there is none).
    line : int
        File line (or spreadsheet row) of that record.

    Returns
    -------
    header : list of str
        Each header with its unit of the unit row, as if written in it (``汞`` and ``μg/kg`` →
        ``汞（μg/kg）``, read by :func:`agriremed.core.names.read_header`); unchanged when
        ``below`` is not a unit row (:func:`agriremed.core.names.unit_row`).
    note : Note or None
        ``io.unit_row`` when ``below`` is a unit row (the row is then not a data row).
    """
    if below is None:
        return header, None
    cells = [str(c).strip() for c in below]
    if not unit_row(cells, header):
        units, filled, other = unit_like_share(cells)
        if units >= 2 and 2 * units >= filled:  # a unit row with a cell that is no unit: not a plot either
            raise InputFileError.of("io.unit_row_unread", file=file_name, line=int(line), cell=other)
        return header, None
    cells = (cells + [""] * len(header))[:len(header)]
    kept = []  # units under columns agriremed does not use (m under X坐标): kept with their column
    labelled = False  # the row's label (单位) in its first cell: no unit of the first column
    for j, (hd, u) in enumerate(zip(header, cells)):
        unit = unit_cell(u, hd)
        h = read_header(hd) if hd else None
        spec = C.COLUMNS.get(h.canonical) if h is not None and h.canonical else None
        takes_unit = spec is not None and spec.dtype in ("float", "int")
        label = j == 0 and unit.rstrip(":：").lower() in ("单位", "计量单位", "unit", "units")
        labelled = labelled or label
        if unit and not label and not is_no_unit_word(unit) and hd and spec is None and not h.error:
            kept.append(j)  # a pass-through column (CGCS2000 X/Y in m): its unit goes with it
        elif unit and not label and not is_no_unit_word(unit) and not takes_unit:  # 亩 under 作物: shifted
            raise InputFileError.of("io.unit_row_misplaced", file=file_name, line=int(line), unit=unit,
                                    column=hd or f"column {j + 1}")
    out = [with_unit_row(hd, u) if hd and not (j == 0 and labelled) else hd
           for j, (hd, u) in enumerate(zip(header, cells))]
    note = Note.of("io.unit_row", file=file_name, line=int(line))
    if kept:
        note = Note(note.message + Message.of("io.unit_row_kept", columns=", ".join(
            f"{header[j]} → {out[j]}" for j in kept)))
    return out, note


# ---- header lines: group headings, two-row headers, repeated header texts -------------------

_BRACKETED = re.compile(r"[(（\[【]\s*([^()（）\[\]【】]*?)\s*[)）\]】]")
_UNIT_LABEL = re.compile(r"(?:单位|计量单位|unit|units)\s*[:：]\s*([^,，;；\s]+)", re.IGNORECASE)
#: A group heading that names no kind of value (its sub-headings name the column alone). 全量/总量 (total) name the
#: kind a sub-heading 镉 is read as anyway (重金属全量, 土壤重金属总量含量 over 镉 汞 → 镉, 汞).
_GENERIC_GROUP = re.compile(r"(?:土壤)?(?:重金属元素|重金属|金属元素|金属|元素|污染物|理化性质|理化性状|基本信息|样品信息|"
                            r"点位信息|地块信息|位置信息|基本情况|检测项目|检测指标|分析项目)?(?:全量|总量)?"
                            r"(?:含量|浓度|检测结果|检测值|测定结果|测定值|分析结果|结果)?")
#: Words of a group heading that change what the columns under it measure (有效态, 稻米 …): a
#: sub-heading under it is never read as the plain soil column.
_QUALIFIER = re.compile(r"有效|全量|总量|可提取|交换|稻米|糙米|大米|籽粒|谷物|作物|农产品|植株|秸秆|根系|蔬菜|小麦|玉米|"
                        r"灌溉|水样|大气|沉降|肥料|available|extractable|grain|plant|crop|water", re.IGNORECASE)


def group_unit(cell: str) -> str:
    """The unit a heading states in brackets or after 单位： (``重金属含量（μg/kg）`` → ``μg/kg``), or ``''``.

    Examples
    --------
    >>> group_unit("重金属含量（μg/kg）"), group_unit("单位：mg/kg"), group_unit("调查表（2026年）")
    ('μg/kg', 'mg/kg', '')
    """
    c = str(cell).strip()
    found = _BRACKETED.findall(c) + _UNIT_LABEL.findall(c)
    for u in reversed(found):
        u = unit_cell(u)
        if u and not is_no_unit_word(u) and is_unit_text(u):
            return u
    return ""


#: A unit written in the words of a title or note line (``注：汞含量单位为μg/kg``).
_UNIT_WORD = re.compile(r"(?:[mμµun]?g|ppm|ppb)(?:\s*(?:/|·|每)\s*(?:k?g|千克|公斤)(?:\s*-1|⁻¹)?)?", re.IGNORECASE)
_UNIT_SAID = re.compile(r"单位|unit", re.IGNORECASE)


def title_units(cell: str) -> list[str]:
    """Every unit a title or note line states, in order, each once: in brackets or after 单位：,
    like a heading (:func:`group_unit`), or in words after 单位 (``单位为：mg/kg（汞为μg/kg）`` →
    ``['mg/kg', 'μg/kg']``); ``[]`` when it states none. Remarks naming no unit (``（pH无量纲）``)
    add none.

    Examples
    --------
    >>> title_units("单位为：mg/kg（汞为μg/kg）"), title_units("单位：mg/kg（pH无量纲）"), title_units("采样时间2024年")
    (['mg/kg', 'μg/kg'], ['mg/kg'], [])
    """
    c = str(cell).strip()
    if not _UNIT_SAID.search(c):
        u = group_unit(c)
        return [u] if u else []
    found: list[str] = []
    for m in _UNIT_WORD.finditer(c):
        w = m.group(0).strip()
        u = unit_cell(w)
        if (set(w) & set("/·每") or w.lower() in ("ppm", "ppb")) and u and not is_no_unit_word(u) and is_unit_text(u):
            if u not in found:
                found.append(u)
    if found:
        return found
    u = group_unit(c)
    return [u] if u else []


def title_unit(cell: str) -> str:
    """The unit a title or note line states (:func:`title_units`; of several, the first other than
    mg/kg, the unit assumed for a metal column without one: ``单位为：mg/kg（汞为μg/kg）`` →
    ``μg/kg``); ``''`` when it states none.

    Examples
    --------
    >>> title_unit("注：汞含量单位为μg/kg"), title_unit("单位为：mg/kg（汞为μg/kg）"), title_unit("采样时间2024年")
    ('μg/kg', 'μg/kg', '')
    """
    found = title_units(cell)
    return next((u for u in found if u != "mg/kg"), found[0]) if found else ""


def _mass_fraction_columns(header: list[str]) -> dict[int, object]:
    """The columns of ``header`` holding a metal content (registry unit mg/kg: soil, extract or
    harvest), by index, each with its :func:`agriremed.core.names.read_header` reading."""
    out: dict[int, object] = {}
    for j, hd in enumerate(header):
        h = read_header(hd) if hd else None
        spec = C.COLUMNS.get(h.canonical) if h is not None and h.error is None and h.canonical else None
        if spec is not None and spec.unit == "mg/kg":
            out[j] = h
    return out


def title_unit_line(name: str, cell: str, line: int, header: list[str]) -> tuple[list[str], list]:
    """The header read with a unit stated in a line above it (``单位：mg/kg（pH无量纲）`` in a 填报
    line), and the notes saying how.

    The unit concerns the metal columns (registry unit mg/kg). A unit the metal headers state
    themselves changes nothing (a note). A unit equal to mg/kg (``mg/kg``, ``ppm``, ``mg kg-1``),
    the unit assumed for a metal header without one, is written into those headers (a note).

    Parameters
    ----------
    name : str
        File name for messages.
    cell : str
        The cell of the line above the header.
    line : int
        File line (or spreadsheet row) of that line.
    header : list of str
        The header cells.

    Returns
    -------
    header : list of str
        ``header``, with the unit added to the metal headers without one when it is mg/kg.
    notes : list of Note
        ``io.title_unit_agrees`` and/or ``io.title_unit_applied``; none when the cell states no unit.

    Raises
    ------
    InputFileError
        ``io.title_unit_conflict`` when the unit contradicts the unit a metal header states (a
        header in mg/kg under ``单位：μg/kg``, or a line naming several units, such as
        ``单位为：mg/kg（汞为μg/kg）``, of which the headers do not state each); ``io.title_unit``
        when the unit cannot be told to belong to given columns: no metal column, a unit other
        than mg/kg for metal headers without one (``注：汞含量单位为μg/kg`` over ``镉 汞``), or a
        unit that is no metal content.
    """
    units = title_units(cell)
    if not units:
        return header, []
    cell = str(cell).strip()
    stop = InputFileError.of("io.title_unit", file=name, line=int(line), unit=title_unit(cell), cell=cell)
    try:
        factors = {u: round(unit_factor(u, "mg/kg"), 12) for u in units}
    except UnitReadError:
        raise stop from None
    cols = _mass_fraction_columns(header)
    if not cols:
        raise stop
    stated = {j: round(h.factor, 12) for j, h in cols.items() if h.unit}
    bare = [j for j, h in cols.items() if not h.unit]
    clash = [j for j, f in stated.items() if f not in factors.values()]
    unsaid = [u for u, f in factors.items() if f not in stated.values()]
    if clash or (len(factors) > 1 and stated and unsaid and not bare):
        shown = clash or list(stated)
        raise InputFileError.of("io.title_unit_conflict", file=name, line=int(line), unit=", ".join(units),
                                cell=cell, columns=", ".join(header[j] for j in shown))
    if bare and set(factors.values()) != {1.0}:
        raise stop
    notes = []
    if stated:
        notes.append(Note.of("io.title_unit_agrees", file=name, line=int(line), unit=", ".join(units), cell=cell,
                             columns=", ".join(header[j] for j in stated)))
    if bare:
        out = list(header)
        for j in bare:
            out[j] = with_unit_row(header[j], units[0])
        notes.append(Note.of("io.title_unit_applied", file=name, line=int(line), unit=units[0], cell=cell,
                             columns=", ".join(f"{header[j]} → {out[j]}" for j in bare)))
        header = out
    return header, notes


def _group_base(cell: str) -> str:
    return _UNIT_LABEL.sub("", _BRACKETED.sub("", str(cell))).strip(" :：,，;；")


def _takes_unit(header: str, unit: str) -> bool:
    """True when ``header`` reads as a numeric column whose unit ``unit`` can be converted to."""
    h = read_header(header)
    spec = C.COLUMNS.get(h.canonical) if h.error is None else None
    if spec is None or spec.dtype not in ("float", "int") or spec.unit in ("", "1"):
        return False
    try:
        unit_factor(unit, spec.unit)
    except UnitReadError:
        return False
    return True


def _under_group(group: str, sub: str) -> str | None:
    """The header a sub-heading ``sub`` under the group heading ``group`` stands for (``None``: the two
    cannot be read together).

    ``有效态含量（mg/kg）`` over ``镉`` → ``有效态镉（mg/kg）``; ``重金属含量（μg/kg）`` over ``镉`` →
    ``镉（μg/kg）``; ``土壤理化性质（g/kg）`` over ``pH`` → ``pH`` (the unit is not pH's).
    """
    unit, base = group_unit(group), _group_base(group)
    if base and base != sub and is_known_header(base + sub):
        name = base + sub
    elif not base or _GENERIC_GROUP.fullmatch(base) or (is_known_header(sub) and not _QUALIFIER.search(base)):
        name = sub
    elif _QUALIFIER.search(base):
        name = base + sub  # read (or refused) as what it says, never as the plain column
    else:
        return None
    if unit and _takes_unit(name, unit):
        return with_unit_row(name, unit)
    return name


def _spans(cells: list[str]) -> list[int]:
    """For each column, the column of the heading cell over it: the cell itself, or the nearest filled
    cell to its left when blank (a heading merged over the following blank cells)."""
    out, last = [], -1
    for j, c in enumerate(cells):
        if c:
            last = j
        out.append(last)
    return out


_METALS_RE, _EXTRACTIONS_RE = "|".join(C.METALS), "|".join(C.EXTRACTIONS)
_METAL_COLUMN = re.compile(rf"({_METALS_RE})(?:_({_EXTRACTIONS_RE}))?_mg_kg")


def _metal_kind(header: str) -> str | None:
    """The kind of metal column ``header`` reads as (``''`` total in soil, ``'dtpa'`` …), ``None``
    when it is no metal column or states a unit of its own."""
    h = read_header(header)
    if h.error is not None or h.unit:
        return None
    m = _METAL_COLUMN.fullmatch(h.canonical)
    return None if m is None else (m.group(2) or "")


def _heading_owner(above: list[str], row: int, merges) -> list[int]:
    """For each column, the column of the heading cell of line ``row`` over it (``-1``: none).

    With the merged ranges of a spreadsheet (``merges`` not ``None``) a heading covers exactly its
    merged range, an unmerged cell its own column; without them (CSV, .ods) a blank cell
    belongs to the nearest filled cell to its left (:func:`_spans`), a guess checked by
    :func:`header_lines`.
    """
    if merges is None:
        return _spans(above)
    owner = [j if c else -1 for j, c in enumerate(above)]
    for r0, c0, r1, c1 in merges:
        if r0 <= row <= r1:
            for j in range(c0, min(c1, len(above) - 1) + 1):
                owner[j] = c0
    return owner


def column_letter(j: int) -> str:
    """Spreadsheet letter of the 0-based column ``j`` (0 → A, 26 → AA)."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _sub_header_row(header: list[str], below: list[str]) -> dict[int, str] | None:
    """The combined headers of a second header line ``below`` (sub-headings under group headings or
    under blank header cells), by column; ``None`` when ``below`` is no such line."""
    width = len(header)
    below = (list(below) + [""] * width)[:width]
    owner = _spans(header)
    out: dict[int, str] = {}
    for j, s in enumerate(below):
        if not s or s == header[j]:
            continue
        if header[j] and is_known_header(header[j]):
            return None  # a value under a column heading: a data row
        g = header[j] if header[j] else (header[owner[j]] if owner[j] >= 0 else "")
        name = _under_group(g, s) if g else s
        if name is None:
            return None
        out[j] = name
    known = sum(is_known_header(v) for v in out.values())
    return out if known and 2 * known >= len(out) else None


def header_lines(name: str, records: list[list[str]], starts: list[int], h: int,
                 merges=None) -> tuple[list[str], int, list]:
    """The header of a table whose header row is ``records[h]``, read with the lines around it.

    * a second header line under it (sub-headings under a group heading merged over them, such as
      ``重金属含量（mg/kg）`` over ``镉 汞 砷 铅 铬``, or under blank cells) is combined with it:
      ``镉（mg/kg）``, reported;
    * a group heading directly above it that states a unit (``重金属含量（μg/kg）`` over ``镉 汞``) gives
      that unit to the columns under it that take it (``镉（μg/kg）``), reported; a qualifying word
      (``有效态``) is read with them (``有效态镉``); a unit no column under it takes stops the file.
      The columns under a heading are those of its merged range when the merged ranges are known
      (``merges``, .xlsx, .xls); otherwise (CSV, .ods) the heading's own column and the blank cells
      to its right up to the next heading, and then only when all of them are metal columns of
      one kind stating no unit of their own: any other span stops the file (which columns the
      heading was merged over cannot be told);
    * a unit stated in another line above the header, in brackets, after 单位： or in words
      (``单位：mg/kg（pH无量纲）``, ``注：汞含量单位为μg/kg``) is read by :func:`title_unit_line`: one
      the metal headers state themselves is noted, mg/kg is written into the metal headers stating
      none, noted; one contradicting a header's own unit stops the file naming both; any other
      stops the file (which columns it belongs to cannot be told from the header: the unit is to
      be written in the header);
    * identical header texts of a column agriremed reads stop the file naming both columns;
      of other columns (two 备注) they are read as ``备注``, ``备注_2``, reported.

    Parameters
    ----------
    name : str
        File name for messages.
    records : list of list of str
        The first records of the file (at least up to the line under the header); cells of
        merged ranges in the header lines filled (:func:`fill_merged`).
    starts : list of int
        File line (or spreadsheet row) of each record.
    h : int
        Index of the header record (:func:`header_row`).
    merges : list of tuple of int, optional
        Merged ranges of a spreadsheet, 0-based ``(row0, col0, row1, col1)`` with rows counted as
        ``records``; ``None`` when the file keeps none (CSV, .ods).

    Returns
    -------
    header : list of str
        The header cells.
    last : int
        Index of the last header record (``h``, or ``h + 1`` for a two-line header).
    notes : list of Note

    Raises
    ------
    InputFileError
        ``io.group_unit_unused``, ``io.group_span_unclear``, ``io.title_unit``,
        ``io.title_unit_conflict``, ``io.dup_header``.
    """
    notes: list = []
    header = [str(c).strip() for c in records[h]]
    width = len(header)
    last = h
    if h + 1 < len(records):
        sub = _sub_header_row(header, [str(c).strip() for c in records[h + 1]])
        if sub:
            pairs = []
            for j, v in sub.items():
                pairs.append(f"{column_letter(j)} {v}")
                header[j] = v
            last = h + 1
            notes.append(Note.of("io.two_row_header", file=name, first=int(starts[h]), last=int(starts[h + 1]),
                                 columns=", ".join(pairs)))
    records, more = _title_area_unit(name, records, starts, h, header)
    notes += more
    above_used = -1
    if h > 0:
        a = h - 1
        above = ([str(c).strip() for c in records[a]] + [""] * width)[:width]
        owner = _heading_owner(above, a, merges)
        groups: dict[int, list[int]] = {}
        for j in range(width):
            if owner[j] >= 0 and header[j]:
                k = owner[j]
                while merges is None and k > 0 and above[k - 1] == above[k]:  # a heading filled over its columns
                    k -= 1
                groups.setdefault(k, []).append(j)
        named = sum(1 for c in header if c)
        title = len(groups) == 1 and len(next(iter(groups.values()))) >= named  # one cell over the whole table
        if not title and any(group_unit(above[k]) or _QUALIFIER.search(_group_base(above[k])) for k in groups):
            above_used = a
            for k, cols in groups.items():
                g, unit = above[k], group_unit(above[k])
                guess = merges is None and unit and any(not above[j] for j in cols)
                kinds = {_metal_kind(header[j]) for j in cols}
                if guess and (None in kinds or len(kinds) != 1):
                    raise InputFileError.of("io.group_span_unclear", file=name, group=g, line=int(starts[a]),
                                            unit=unit, columns=", ".join(header[j] for j in cols))
                new = {j: _under_group(g, header[j]) for j in cols if above[j] != header[j]}
                new = {j: v for j, v in new.items() if v is not None and v != header[j]}
                if unit and not any(_takes_unit(header[j], unit) or _takes_unit(new.get(j, header[j]), unit)
                                    for j in cols):
                    raise InputFileError.of("io.group_unit_unused", file=name, group=g, line=int(starts[a]),
                                            unit=unit, columns=", ".join(header[j] for j in cols))
                if new:
                    what = ", ".join(f"{header[j]} → {v}" for j, v in new.items())
                    notes.append(Note.of("io.group_unit_guess" if guess else "io.group_unit", file=name, unit=unit,
                                         group=g, line=int(starts[a]), columns=what) if unit else
                                 Note.of("io.group_heading", file=name, group=g, line=int(starts[a]), columns=what))
                    for j, v in new.items():
                        header[j] = v
    for i in range(h):
        if i == above_used:
            continue
        for c in records[i]:
            header, more = title_unit_line(name, str(c), int(starts[i]), header)
            notes += more
    header, more = dedupe_header(name, header)
    return header, last, notes + more


#: A title-line cell stating the unit of the area (``面积单位：亩``, ``面积单位为公顷``).
_AREA_UNIT_CELL = re.compile(r"^(?:面积|area)\s*(?:单位|unit)\s*(?:为|是|is)?\s*[:：]?\s*(\S.*)$", re.IGNORECASE)


def _title_area_unit(name: str, records: list[list[str]], starts: list[int], h: int,
                     header: list[str]) -> tuple[list[list[str]], list]:
    """Title-line cells stating the area unit (``面积单位：亩``, placed at the right of a title line
    like 填报日期) taken out of the title lines: the unit of a header ``面积`` without one, in place
    (``面积`` → ``面积（亩）``, with a note), title text otherwise. The title lines are copied, not
    changed in place."""
    notes: list = []
    out = list(records)
    for i in range(h):
        for j, c in enumerate(records[i]):
            m = _AREA_UNIT_CELL.match(str(c).strip().strip("()（）[]【】 "))
            u = unit_cell(m.group(1).strip("()（）[]【】 ")) if m else ""
            if not u or not _takes_unit("面积", u):
                continue
            row = list(out[i])
            row[j] = ""
            out[i] = row
            bare = [k for k, hd in enumerate(header) if hd and hd.lower() != "area_ha"
                    and read_header(hd).canonical == "area_ha"
                    and read_header(hd).unit is None and read_header(hd).error is None]
            for k in bare[:1]:
                new = f"{header[k]}（{u}）"
                notes.append(Note.of("io.title_area_unit", file=name, cell=str(c).strip(), line=int(starts[i]),
                                     column=header[k], read=new))
                header[k] = new
    return out, notes


def dedupe_header(name: str, header: list[str]) -> tuple[list[str], list]:
    """Header texts made unique: identical texts of a column agriremed reads (two ``镉``) stop the
    file naming both columns; other ones (two ``备注``) are read as ``备注``, ``备注_2``, with a note.

    Raises
    ------
    InputFileError
        ``io.dup_header``.
    """
    header, notes = list(header), []
    seen: dict[str, list[int]] = {}
    for j, c in enumerate(header):
        if c:
            seen.setdefault(c, []).append(j)
    for text, cols in seen.items():
        if len(cols) < 2:
            continue
        where = ", ".join(f"column {column_letter(j)}" for j in cols)
        if is_known_header(text):
            raise InputFileError.of("io.dup_header", file=name, columns=where, header=text)
        names = [text] + [f"{text}_{n}" for n in range(2, len(cols) + 1)]
        for j, nm in zip(cols, names):
            header[j] = nm
        notes.append(Note.of("io.dup_header_renamed", file=name, columns=where, header=text,
                             names=", ".join(names)))
    return header, notes


def fill_merged(records: list[list[str]], merges) -> list[list[str]]:
    """A copy of ``records`` (the first records of a sheet) with every merged range that lies in them
    filled with its top-left cell (``merges``: 0-based ``(row0, col0, row1, col1)``, inclusive)."""
    out = [list(r) for r in records]
    for r0, c0, r1, c1 in merges:
        if r0 >= len(out) or r1 >= len(out):
            continue
        top = out[r0][c0] if c0 < len(out[r0]) else ""
        for i in range(r0, r1 + 1):
            row = out[i]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for j in range(c0, c1 + 1):
                row[j] = top
    return out


def _fill_merged_down(records: list[list[str]], merges, last: int) -> list[str]:
    """Fill the cells merged down the rows of one column below the header (``乡镇`` merged over the
    plots of a township) with the top cell, in place; the ranges filled (``B5:B9 (花石镇)``).

    A range over several columns below the header is left as read (its other cells stay blank):
    a value merged across columns (a remark over the metal columns) is not a value of each."""
    done = []
    for r0, c0, r1, c1 in sorted(merges):
        if r0 <= last or c0 != c1 or r1 == r0 or r1 >= len(records):
            continue
        top = records[r0][c0] if c0 < len(records[r0]) else ""
        if not str(top).strip():
            continue
        for i in range(r0 + 1, r1 + 1):
            row = list(records[i])
            if len(row) <= c0:
                row.extend([""] * (c0 + 1 - len(row)))
            row[c0] = top
            records[i] = row
        done.append(f"{column_letter(c0)}{r0 + 1}:{column_letter(c0)}{r1 + 1} ({top})")
    return done


def _blank_below_filled(name: str, records: list[list[str]], starts: list[int], header: list[str],
                        first_data: int) -> list:
    """Notes naming the blank cells of a text column under a filled cell (a spreadsheet whose merged
    ranges cannot be read: ``乡镇`` merged over the plots of a township reads as blank below its top
    cell). One note per column with the file lines of the blank cells; nothing is filled."""
    notes = []
    for j, col in enumerate(header):
        if not col:
            continue
        filled, blank, numbers = False, [], False
        for i in range(first_data, len(records)):
            rec = records[i]
            if not any(str(c).strip() for c in rec):
                continue
            v = str(rec[j]).strip() if j < len(rec) else ""
            if v:
                filled = True
                try:
                    float(v)
                    numbers = True
                except ValueError:
                    pass
            elif filled:
                blank.append(starts[i])
        if blank and not numbers:
            lines = ", ".join(str(n) for n in blank[:10]) + (" …" if len(blank) > 10 else "")
            notes.append(Note.of("io.merged_unknown", file=name, column=col, n=len(blank), lines=lines))
    return notes


def _percent_cells(name: str, records: list[list[str]], starts: list[int], header: list[str], percent,
                   first_data: int) -> list:
    """Read the numbers of cells formatted as percent in Excel (``3.1 %`` stored as ``0.031``) as the
    percent shown in the columns in % (``有机质（%）``, ``clay_pct``), in place; other columns keep the
    stored value. One note per column either way."""
    from decimal import Decimal, InvalidOperation

    notes, by_col = [], {}
    for i, j in sorted(percent):
        if i >= first_data and j < len(header):
            by_col.setdefault(j, []).append(i)
    for j, rows in by_col.items():
        h = read_header(header[j])
        spec = C.COLUMNS.get(h.canonical) if h.error is None else None
        in_pct = spec is not None and spec.unit == "%" and (h.unit is None or h.factor == 1.0)
        first_i = rows[0]
        stored = str(records[first_i][j])
        try:
            shown = format((Decimal(stored) * 100).normalize(), "f")
        except InvalidOperation:
            continue
        cell = f"{column_letter(j)}{starts[first_i]}"
        if not in_pct:
            notes.append(Note.of("io.percent_other", file=name, column=header[j], n=len(rows), cell=cell,
                                 shown=f"{shown}%", stored=stored))
            continue
        for i in rows:
            row = list(records[i])
            try:
                row[j] = format((Decimal(str(row[j])) * 100).normalize(), "f")
            except InvalidOperation:
                continue
            records[i] = row
        notes.append(Note.of("io.percent_cells", file=name, column=header[j], n=len(rows), cell=cell,
                             shown=f"{shown}%"))
    return notes


def _percent_unknown(name: str, records: list[list[str]], starts: list[int], header: list[str],
                     first_data: int) -> list:
    """Notes on the columns in % (``有机质（%）``, ``clay_pct``) of a sheet whose cell formats cannot
    be read (``.xls``, ``.ods`` through python-calamine, which gives the stored values only) where
    every number is a fraction (at most 1, one above 0): cells formatted as percent in Excel
    (``52 %``) store ``0.52``, read as 0.52 %. Values are kept as stored; one note per column."""
    notes = []
    for j, head in enumerate(header):
        h = read_header(head)
        spec = C.COLUMNS.get(h.canonical) if h.error is None else None
        if spec is None or spec.unit != "%" or not (h.unit is None or h.factor == 1.0):
            continue
        values = []
        for i in range(first_data, len(records)):
            cell = str(records[i][j]).strip() if j < len(records[i]) else ""
            try:
                values.append((i, float(cell)))
            except ValueError:
                if cell:  # a text cell: the column is not read as numbers here
                    values = []
                    break
        if not values or not all(0.0 <= v <= 1.0 for _, v in values) or not any(v > 0.0 for _, v in values):
            continue
        i, v = next((i, v) for i, v in values if v > 0.0)
        stored = str(records[i][j]).strip()
        notes.append(Note.of("io.percent_unknown", file=name, column=head, n=len(values),
                             cell=f"{column_letter(j)}{starts[i]}", stored=stored, shown=f"{v * 100:g}%"))
    return notes


def unbalanced_quote_error(file_name: str, start: int, end: int, at_end: bool) -> InputFileError:
    """The error of a quoted field opened on line ``start`` that runs to line ``end`` (the end of
    the file when ``at_end``)."""
    to = Message.of("io.quote_to_end") if at_end else Message.of("io.quote_to_line", line=int(end))
    return InputFileError.of("io.unbalanced_quote", file=file_name, line=int(start), end=to,
                             more=int(end - start))


def _table(name: str, records: list[list[str]], starts: list[int], multi: list, formulas: dict,
           check_width: bool, merges=None, percent=(), merges_unknown: bool = False,
           formats_unknown: bool = False, hidden_rows=()) -> tuple[pd.DataFrame, list[str]]:
    """Header, data rows, empty lines and unreadable rows of a parsed file (``merges``: merged
    ranges of a spreadsheet, ``percent``: its cells formatted as percent, ``merges_unknown``: a
    spreadsheet whose merged ranges cannot be read, see :func:`_read_excel`; ``hidden_rows``: the rows
    (1-based) hidden in the sheet, each data row among them warned about, ``row_warnings``)."""
    notes: list[str] = []
    n = HEADER_SEARCH_LINES
    first = fill_merged(records[:n + 1], merges or ())
    width0 = max((len(r) for r in first[:n]), default=0)
    grid = pd.DataFrame([[str(c).strip() for c in r] + [""] * (width0 - len(r)) for r in first[:n]], dtype=object)
    h = header_row(grid)
    while h < len(records) - 1 and not any(str(c).strip() for c in records[h]):
        h += 1  # blank lines above a header that names no known column
    if h > 0:
        notes.append(header_line_note(name, starts[h], h))
    notes += header_search_note(name, records[h], starts[h], len(records))
    if h >= len(first) - 1:
        first = fill_merged(records[:h + 2], merges or ())
    header, last, more = header_lines(name, first, starts, h, merges)
    notes += more
    if merges:
        records = list(records)
        records[:last + 1] = first[:last + 1]
        filled = _fill_merged_down(records, merges, last)
        if filled:
            notes.append(Note.of("io.merged_filled", file=name, ranges=", ".join(filled[:10]) +
                                 (" …" if len(filled) > 10 else "")))
    u = last + 1  # the first filled record under the header: a unit row may follow blank lines
    while u < len(records) - 1 and not any(str(c).strip() for c in records[u]):
        u += 1
    header, units = apply_unit_row(name, header, records[u] if u < len(records) else None,
                                   starts[u] if u < len(records) else 0)
    if units is not None:
        notes.append(units)
    first_data = u + 1 if units is not None else last + 1
    notes += _percent_cells(name, records, starts, header, percent, first_data)  # none without percent cells
    if formats_unknown:
        notes += _percent_unknown(name, records, starts, header, first_data)
    if merges_unknown:
        notes += _blank_below_filled(name, records, starts, header, first_data)
    for i, s, e in multi:  # quoted cells running over several lines
        if i < h:
            continue
        if len(records[i]) != len(header):
            raise unbalanced_quote_error(name, s, e, i == len(records) - 1)
        notes.append(Note.of("io.multiline_cell", file=name, first=s, last=e))
    named = max((i + 1 for i, c in enumerate(header) if c), default=0)
    header = [c if c else f"unnamed_{i + 1}" for i, c in enumerate(header)]
    width = len(header)
    rows, lines, empty, problems = [], [], [], []
    for i in range(first_data, len(records)):
        rec = [str(c).strip() for c in records[i]]
        if not any(rec):
            empty.append(starts[i])
            continue
        k = len(rows)
        n = len(rec)
        if check_width and not (named <= n <= width) and not footer_line(rec, width):
            problems.append(row_width_problem(k, rec, header))
        rows.append((rec + [""] * width)[:width])
        lines.append(starts[i])
        for (r, c), formula in formulas.items():
            if r == i and c < width:
                problems.append(dict(_row_problem(k, header[c], formula, Message.of("val.formula_no_value"),
                                                  Message.of("exp.formula")), formula=True))
    df = pd.DataFrame(rows or None, columns=header, dtype=object)
    bad_rows = {p["row"] for p in problems}
    keep_cols = [c for j, c in enumerate(header) if not (c.startswith("unnamed_") and j >= named - 1 and
                 not any(r[j] for k, r in enumerate(rows) if k not in bad_rows))]
    if len(keep_cols) < width:
        df = df.loc[:, [c in keep_cols for c in df.columns]]
    if empty:
        notes.append(empty_lines_note(name, empty))
    df.attrs.update(header_line=starts[h], lines=lines, row_problems=problems,
                    title_lines=title_lines(records[:h], starts[:h]), file_name=name,
                    **_hidden_row_warnings(lines, hidden_rows))
    return df, notes


def _hidden_row_warnings(lines: list[int], hidden_rows) -> dict:
    """``{"row_warnings": [...]}``, the warning of each data row (``lines``: their spreadsheet rows) hidden in the
    sheet (``hidden_rows``): an officer may hide a row to leave a plot out, so it is read as any row and said;
    ``{}`` where no data row is hidden."""
    warn = [{"row": k, "column": "", "value": "", "problem": Note.of("io.row_hidden", line=line),
             "problem_msg": Message.of("io.row_hidden", line=line).encode(), "expected": ""}
            for k, line in enumerate(lines) if line in hidden_rows] if hidden_rows else []
    return {"row_warnings": warn} if warn else {}


def title_lines(records: list[list[str]], starts: list[int]) -> list[tuple[int, list[str]]]:
    """The filled lines above a header (title lines), each as its file line (or spreadsheet
    row) and its filled cells, stripped: ``[(1, ['株洲市渌口区耕地土壤环境质量类别划分成果表'])]``."""
    out = []
    for rec, line in zip(records, starts, strict=True):
        cells = [str(c).strip() for c in rec if str(c).strip()]
        if cells:
            out.append((int(line), cells))
    return out


_SEP_JOIN = " | "

#: A cell that starts a signature or note line under a county sheet (审核人：张三 填表人：李四, 制表：王五).
FOOTER_CELL = (r"^(?:审核|审核人|审定|审定人|填表|填表人|制表|制表人|填报人|负责人|单位负责人|复核|复核人|校核|校核人|"
               r"记录人|统计人|检测人|采样人|调查人|联系人|联系电话|填表日期|制表日期|填报日期|审核日期|日期|"
               r"填报单位|填表单位|制表单位|签字|签名|盖章|单位盖章|单位（盖章）|单位\(盖章\))\s*(?:[:：]|$)")

#: A cell that starts a note line under a county sheet (备注：类别依据GB 15618-2018划分, 注：…, 说明：…),
#: in the plot-id column or, with a blank plot id, in another cell (a colon after the word).
NOTE_CELL = r"(?i)^\s*(?:备注|注|附注|注释|说明|填表说明|note|notes|remark|remarks)\s*[:：]"

#: A cell holding a date alone, as under a signed sheet (2024年6月, 2024年6月10日, 2024-06-10).
FOOTER_DATE = r"^\s*(?:\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\d{4}[-./]\d{1,2}(?:[-./]\d{1,2})?)\s*$"


def footer_line(cells: list[str], width: int | None = None) -> bool:
    """True for a line of a sheet whose filled cells are each a signature, note or date text
    (:data:`FOOTER_CELL`, :data:`NOTE_CELL`, :data:`FOOTER_DATE`: ``审核人：张三 填表人：李四``, ``制表：王五``,
    ``2024年6月``): a line under the table, not a plot, read (never a row of the wrong width) and skipped by
    validation with a note. ``width``: the header's columns; a line with a filled cell beyond them is none.

    >>> footer_line(["制表：王五"]), footer_line(["审核人：张三 填表人：李四", "", ""]), footer_line(["2024年6月"])
    (True, True, True)
    >>> footer_line(["SD-03", "", ""]), footer_line(["审核：赵六", "水田"]), footer_line(["", ""])
    (False, False, False)
    """
    if width is not None and any(str(c).strip() for c in cells[width:]):
        return False
    filled = [str(c).strip() for c in cells if str(c).strip()]
    return bool(filled) and all(re.search(FOOTER_CELL, c) or re.search(NOTE_CELL, c) or re.match(FOOTER_DATE, c)
                                for c in filled)


def _row_problem(row: int, column: str, value: str, problem: Message, expected: Message) -> dict:
    """A row the reader could not read: its problem and expectation in English and encoded."""
    return dict(row=row, column=column, value=value, problem=render(problem, "en"),
                expected=render(expected, "en"), problem_msg=problem.encode(), expected_msg=expected.encode())


def row_width_problem(row: int, cells: list[str], header: list[str]) -> dict:
    """The problem of a data row with fewer or more cells than the header (the row is not read).

    Parameters
    ----------
    row : int
        Data row (0-based) the problem belongs to.
    cells : list of str
        The row's cells as read.
    header : list of str
        The header's column names.

    Returns
    -------
    dict
        ``row``, ``column`` (the first missing column, or the last one), ``value`` (the cells,
        joined), ``problem`` and ``expected`` (English), ``problem_msg`` and ``expected_msg``
        (encoded messages ``val.ragged_short`` / ``val.ragged_long``, ``exp.cells`` /
        ``exp.cells_comma``).

    Examples
    --------
    >>> p = row_width_problem(0, ["A", "5"], ["plot_id", "ph", "cd_mg_kg"])
    >>> p["column"], p["problem"][:40], p["expected"]
    ('cd_mg_kg', 'line has 2 cells but the header has 3 co', '3 cells, one per column')
    """
    n, width = len(cells), len(header)
    short = n < width
    return _row_problem(row, header[n] if short else header[-1], _SEP_JOIN.join(cells)[:120],
                        Message.of("val.ragged_short" if short else "val.ragged_long", cells=n, columns=width),
                        Message.of("exp.cells" if short else "exp.cells_comma", columns=width))


def empty_lines_note(file_name: str, lines: list[int]) -> Note:
    """The note that empty lines of a file were skipped (the first ten line numbers).

    Examples
    --------
    >>> from agriremed.core.messages import text_of
    >>> n = empty_lines_note("plots.csv", [4, 9])
    >>> n, text_of(n, "zh")
    ('plots.csv: 2 empty line(s) ignored (line 4, 9)', 'plots.csv：已忽略2个空行（第4, 9行）')
    """
    shown = ", ".join(str(x) for x in lines[:10])
    return Note.of("io.empty_lines", file=file_name, n=len(lines),
                   lines=f"{shown}{' …' if len(lines) > 10 else ''}")


#: Lines searched for the header (title lines and a 填表说明 block above it are skipped).
HEADER_SEARCH_LINES = 30


def _known_count(cells) -> int:
    return sum(is_known_header(c) for c in cells if str(c).strip())


def header_row(grid: pd.DataFrame) -> int:
    """Index of the header row: the one of the first :data:`HEADER_SEARCH_LINES` naming the most
    known columns (at least two), else 0."""
    best, best_score = 0, 0
    for i in range(min(HEADER_SEARCH_LINES, len(grid))):
        score = _known_count(grid.iloc[i].tolist())
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 2 else 0


def header_search_note(file_name: str, header: list, line: int, n_lines: int) -> list[Note]:
    """The note of a header line naming fewer than two known columns: no header was found in the
    first lines searched, and what to do (empty when the header names two or more)."""
    if _known_count(header) >= 2 or n_lines < 2:
        return []
    return [Note.of("io.header_not_found", file=file_name, n=min(n_lines, HEADER_SEARCH_LINES), line=int(line))]


# ---- text ---------------------------------------------------------------------------------

_UTF32 = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"))
_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(raw: bytes, name: str = "the file") -> tuple[str, str]:
    """Decode the bytes of a text table, reporting the encoding used.

    Parameters
    ----------
    raw : bytes
        File content (or its first part).
    name : str
        File name for messages.

    Returns
    -------
    text : str
        The decoded text, without byte-order mark.
    encoding : str
        ``'utf-8'``, ``'UTF-16'``, ``'UTF-32'``, ``'GB18030'``, ``'cp1252'`` or ``'latin-1'``.

    Raises
    ------
    InputFileError
        For binary data (NUL bytes without a UTF-16 pattern) or text that is UTF-8 in
        most places but not in all (a damaged file; the line of the first bad byte is
        named).

    Notes
    -----
    Order: a byte-order mark decides (UTF-8, UTF-16, UTF-32); then UTF-16 without BOM
    (every other byte NUL); then strict UTF-8; then GB18030, taken only when at least
    90 % of the decoded non-ASCII characters are common Chinese characters,
    punctuation or symbols (GB 2312, with ``°′″√≤μ``), so that Windows-1252 text (``µ``, ``é``, ``ü``) is never
    turned into rare CJK characters; else Windows-1252 (Latin-1 for its five unused
    bytes).

    Examples
    --------
    >>> decode_text("镉".encode("gbk"))
    ('镉', 'GB18030')
    >>> decode_text("Cd (µg/kg)".encode("cp1252"))
    ('Cd (µg/kg)', 'cp1252')
    """
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[3:].decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            raise InputFileError.of("io.bom_line", file=name, encoding="UTF-8",
                                    line=_line_of(raw, 3 + exc.start)) from exc
    for boms, label in ((_UTF32, "UTF-32"), (_UTF16, "UTF-16")):
        for bom, codec in boms:
            if raw.startswith(bom):
                try:
                    return raw.decode(codec).lstrip("\ufeff"), label
                except UnicodeDecodeError as exc:
                    if label == "UTF-32":
                        break
                    raise InputFileError.of("io.bom", file=name, encoding=label, reason=exc.reason) from exc
    head = raw[:4096]
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        codec = "utf-16-le" if odd > even else "utf-16-be"
        if max(even, odd) > len(head) // 4:
            try:
                return raw.decode(codec), "UTF-16"
            except UnicodeDecodeError:
                pass
        raise InputFileError.of("io.binary", file=name)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        loose = raw.decode("utf-8", errors="replace")
        multibyte = sum(1 for ch in loose if ord(ch) > 127 and ch != "\ufffd")
        if multibyte >= 3 and multibyte >= 3 * loose.count("\ufffd"):
            line = _line_of(raw, exc.start)
            raise InputFileError.of("io.mixed_utf8", file=name, line=line) from exc
    try:
        text = raw.decode("gb18030")
        if mostly_common_chinese(text):
            return text, "GB18030"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _line_of(raw: bytes, pos: int) -> int:
    return raw[:pos].count(b"\n") + 1


def _parse_delimited(text: str, sep: str, name: str) -> tuple[list[list[str]], list[int], list]:
    """Records of a delimited text, the file line each starts on, and records spanning lines."""
    reader = csv.reader(_io.StringIO(text, newline=None), delimiter=sep)
    records, starts, multi = [], [], []
    prev = 0
    try:
        for rec in reader:
            start, end = prev + 1, reader.line_num
            prev = end
            if end > start:
                multi.append((len(records), start, end))
            records.append(rec)
            starts.append(start)
    except csv.Error as exc:
        raise InputFileError.of("io.csv_line", file=name, line=reader.line_num, error=str(exc)) from exc
    return records, starts, multi


#: Separators tried on a text table: the ASCII ones, then the full-width comma and semicolon typed with a Chinese
#: input method (hand-made or WPS text exports), taken only where the header line splits into known headers on them.
SEPARATORS = (",", ";", "\t")
FULLWIDTH_SEPARATORS = ("，", "；")


def _split_head(lines: list[str], sep: str) -> list[list[str]]:
    """The first ``lines`` of a text split on ``sep`` as :func:`_parse_delimited` splits them (quoted cells
    kept whole); a line cut inside a quote at the end of the sample ends it."""
    out: list[list[str]] = []
    try:
        for rec in csv.reader(_io.StringIO("\n".join(lines), newline=None), delimiter=sep):
            out.append(rec)
    except csv.Error:
        pass
    return [r for r in out if any(str(c).strip() for c in r)]


def _separator_score(records: list[list[str]]) -> tuple[int, int, int]:
    """(known headers of the best header line, lines with the most common cell count of two or more, that
    count) of a text's first records split on one separator."""
    known = max((_known_count(r) for r in records), default=0)
    counts = [len(r) for r in records if len(r) >= 2]
    if not counts:
        return known, 0, 1
    mode = max(set(counts), key=lambda c: (counts.count(c), c))
    return known, counts.count(mode), mode


def sniff_separator(text: str) -> str:
    r"""The separator of a text table: the one on which the header line splits into the most known headers
    (pH, 镉（mg/kg）, 地块编号 …), then the one giving the same number of cells on the most of the first lines.

    The lines are split as the file is read (quoted cells kept whole), so a separator inside a quoted or free
    text cell (a 备注 ``石灰;深翻`` on every line of a comma file) does not decide. A full-width comma or
    semicolon (``，`` ``；``) is taken only where the header line splits into at least two known headers on it
    and into fewer on every ASCII separator. Among equal scores the comma comes first, then the semicolon
    and the tab.

    Examples
    --------
    >>> sniff_separator("id,pH,镉,备注\nA,5.4,0.3,石灰;深翻\nB,6.0,0.2,复测;VIP\n")
    ','
    >>> sniff_separator("id;pH;Cd\nA;5,4;0,3\n"), sniff_separator("地块编号，pH，镉\nA，5.4，0.3\n")
    (';', '，')
    """
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_LINES] if line.strip()]
    if not lines:
        return ","
    scores = {sep: _separator_score(_split_head(lines, sep)) for sep in SEPARATORS + FULLWIDTH_SEPARATORS}
    def known(sep: str) -> int:  # a header line names two known columns at least, else none is found
        return scores[sep][0] if scores[sep][0] >= 2 else 0

    best = max(SEPARATORS, key=lambda sep: (known(sep), scores[sep][1], -SEPARATORS.index(sep)))
    wide = max(FULLWIDTH_SEPARATORS, key=lambda sep: scores[sep][:2])
    if scores[wide][0] >= 2 and scores[wide][0] > scores[best][0]:
        return wide
    return best


# ---- spreadsheets -------------------------------------------------------------------------


def _cell_text(v) -> str:
    """A spreadsheet value as the text validation reads ('' for an empty cell)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v).strip()


def excel_sheets(path: str | Path) -> list[tuple[str, bool]]:
    """Sheets of a workbook and whether each holds any value.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``, ``.xlsm``, ``.xls`` or ``.ods`` file.

    Returns
    -------
    list of (str, bool)
        Sheet name and True when the sheet has at least one non-empty cell.
    """
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(p, read_only=True, data_only=False)
        try:
            return [(ws.title, _has_values(_all_rows(ws).iter_rows(values_only=True))) for ws in wb.worksheets]
        finally:
            wb.close()
    wb = _calamine(p)
    return [(n, _has_values(wb.get_sheet_by_name(n).to_python(skip_empty_area=True))) for n in wb.sheet_names]


def _all_rows(ws):
    """``ws`` (a read-only openpyxl worksheet) reading every stored cell: the used range recorded in the
    file (``<dimension ref>``) is ignored, as exporters may write one smaller than the data (``A1``),
    which read-only iteration would otherwise stop at, dropping rows and columns unseen."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    return ws


def _has_values(rows) -> bool:
    return any(any(v is not None and str(v).strip() != "" for v in row) for row in rows)


def _calamine(p: Path):
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:  # optional dependency (extra "xlsx")
        raise InputFileError.of("io.calamine", file=p.name, suffix=p.suffix, package="python-calamine",
                                install="pip install 'agriremed[xlsx]'") from exc
    return CalamineWorkbook.from_path(str(p))


def hidden_sheets(path: str | Path) -> frozenset:
    """The sheets of an ``.xlsx``/``.xlsm`` workbook hidden in it (``hidden`` or ``veryHidden``); empty for
    other formats (python-calamine does not say)."""
    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        return frozenset()
    from openpyxl import load_workbook

    wb = load_workbook(p, read_only=True, data_only=False)
    try:
        return frozenset(ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") != "visible")
    finally:
        wb.close()


def _sheet_error(code: str, hidden: frozenset, listed: list[str], **params) -> InputFileError:
    """The error ``code`` naming the sheets of a workbook, with the ones of ``listed`` hidden in it named after
    (``io.hidden_sheets``)."""
    msg = Message.of(code, **params)
    shown = [s for s in listed if s in hidden]
    if shown:
        msg = msg + Message.of("io.hidden_sheets", sheets=", ".join(repr(s) for s in shown))
    return InputFileError(Note(msg))


def _choose_sheet(name: str, sheets: list[tuple[str, bool]], sheet,
                  hidden: frozenset = frozenset()) -> tuple[str, list[str]]:
    """The sheet to read (``sheet``: a name or a 0-based number; None: the one sheet with data) and its notes;
    ``hidden``: the sheets hidden in the workbook, named as such in the errors and in the note of a hidden sheet
    read."""
    names = [s for s, _ in sheets]
    listed = ", ".join(repr(s) for s in names)
    if sheet is not None:
        if isinstance(sheet, int) or (str(sheet).isdigit() and str(sheet) not in names):
            i = int(sheet)
            if not 0 <= i < len(names):
                raise _sheet_error("io.no_sheet_number", hidden, names, file=name, number=i, sheets=listed)
            chosen, notes = names[i], [Note.of("io.sheet_read", file=name, sheet=repr(names[i]))]
        elif str(sheet) not in names:
            raise _sheet_error("io.no_sheet", hidden, names, file=name, sheet=repr(str(sheet)), sheets=listed)
        else:
            chosen = str(sheet)
            notes = [Note.of("io.sheet_read", file=name, sheet=repr(chosen))] if len(names) > 1 else []
        if chosen in hidden:
            notes.append(Note.of("io.sheet_hidden", file=name, sheet=repr(chosen)))
        return chosen, notes
    full = [s for s, has in sheets if has]
    if not full:
        raise InputFileError.of("io.empty", file=name)
    if len(full) > 1:
        raise _sheet_error("io.sheets", hidden, full, file=name, n=len(full), sheets=", ".join(repr(s) for s in full))
    notes = [Note.of("io.sheet_read_only", file=name, sheet=repr(full[0]))] if len(names) > 1 else []
    if full[0] in hidden:
        notes.append(Note.of("io.sheet_hidden", file=name, sheet=repr(full[0])))
    return full[0], notes


#: The ``sheet`` (CLI ``--sheet``) that reads every visible sheet of a workbook holding data as one table
#: (:func:`_read_all_sheets`), unless a sheet has that name.
ALL_SHEETS = "all"

#: The column naming the sheet of each row of a workbook read with ``--sheet all`` (:func:`_read_all_sheets`).
SHEET_COLUMN = "source_sheet"


def is_all_sheets(sheet) -> bool:
    """Whether ``sheet`` asks for every sheet of a workbook (:data:`ALL_SHEETS`, any case)."""
    return isinstance(sheet, str) and sheet.strip().lower() == ALL_SHEETS


def _read_all_sheets(p: Path) -> tuple[pd.DataFrame, list]:
    """Every visible sheet of workbook ``p`` holding data (a county's township sheets), each read as
    :func:`read_table` reads one sheet, as one table: the rows in the order of the sheets, each with its sheet's
    name in column :data:`SHEET_COLUMN`; columns a sheet lacks are blank in its rows. ``attrs`` as one sheet's,
    with ``lines`` (each row's spreadsheet row in its sheet), ``row_problems`` and ``row_warnings`` numbered over
    the whole table; ``sheets`` the sheets read. Hidden sheets are not read, each named in a note (hidden sheets
    often hold old or working data; ``--sheet NAME`` reads one)."""
    listed = excel_sheets(p)
    hidden = hidden_sheets(p)
    names = [n for n, has in listed if has and n not in hidden]
    left = [n for n, has in listed if has and n in hidden]
    if not names:
        raise _sheet_error("io.all_sheets_hidden", hidden, left, file=p.name) if left \
            else InputFileError.of("io.empty", file=p.name)
    frames, notes, lines, problems, warnings, at = [], [], [], [], [], 0
    for name in names:
        df, more = read_table(p, sheet=name)
        notes += [n for n in more if not (isinstance(n, Note) and n.message.parts
                                           and n.message.parts[0][0] == "io.sheet_read")]
        rows = list(df.attrs.get("lines") or range(1, len(df) + 1))
        lines += rows
        problems += [dict(rp, row=rp["row"] + at) for rp in df.attrs.get("row_problems") or []]
        warnings += [dict(rw, row=rw["row"] + at) for rw in df.attrs.get("row_warnings") or []]
        df = df.copy()
        df[SHEET_COLUMN] = name
        frames.append((df, dict(df.attrs)))
        at += len(df)
    out = pd.concat([f for f, _ in frames], ignore_index=True).fillna("").astype(object)
    first = frames[0][1]
    out.attrs = {"header_line": first.get("header_line"), "lines": lines, "row_problems": problems,
                 "title_lines": first.get("title_lines") or [], "file_name": p.name, "separator": None,
                 "decimal_comma": False, "encoding": None, "sheet": None, "sheets": list(names)}
    if warnings:
        out.attrs["row_warnings"] = warnings
    notes.insert(0, Note.of("io.sheets_all", file=p.name, n=len(names), sheets=", ".join(map(repr, names)),
                            column=SHEET_COLUMN))
    if left:
        notes.insert(1, Note.of("io.sheets_all_hidden", file=p.name, sheets=", ".join(map(repr, left))))
    return out, notes


def _read_excel(p: Path, sheet) -> tuple[list[list[str]], dict, str, list[str], dict]:
    """Cells of the chosen sheet as text, formulas without a saved value, sheet name, notes, and the
    layout of the sheet: ``merges`` (merged ranges, 0-based ``(row0, col0, row1, col1)``; ``.xlsx`` from
    its XML, ``.xls`` through python-calamine), ``merges_unknown`` (True when the format keeps none
    that can be read: ``.ods``) and ``percent`` (``.xlsx`` only: cells holding a number formatted as
    percent, ``(row, col)``)."""
    chosen, notes = _choose_sheet(p.name, excel_sheets(p), sheet, hidden_sheets(p))
    formulas: dict[tuple[int, int], str] = {}
    layout: dict = {}
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(p, read_only=True, data_only=False)
        try:
            ws = _all_rows(wb[chosen])
            cells = [[(c.value, getattr(c, "data_type", None), getattr(c, "number_format", None)) for c in row]
                     for row in ws.iter_rows()]
            layout["merges"] = _merged_ranges(p, getattr(ws, "_worksheet_path", None))
            layout["hidden_rows"] = _hidden_rows(p, getattr(ws, "_worksheet_path", None))
        finally:
            wb.close()
        has_formula = any(t == "f" for row in cells for _, t, _ in row)
        cached = None
        if has_formula:
            wb = load_workbook(p, read_only=True, data_only=True)
            try:
                cached = [list(row) for row in _all_rows(wb[chosen]).iter_rows(values_only=True)]
            finally:
                wb.close()
        records = []
        percent = []
        for i, row in enumerate(cells):
            out = []
            for j, (v, t, fmt) in enumerate(row):
                if t == "f":
                    saved = cached[i][j] if i < len(cached) and j < len(cached[i]) else None
                    if saved is None:
                        formulas[(i, j)] = str(getattr(v, "text", v))
                        out.append("")
                        continue
                    v = saved
                if fmt and "%" in str(fmt) and isinstance(v, (int, float)) and not isinstance(v, bool):
                    percent.append((i, j))
                out.append(_cell_text(v))
            records.append(out)
        layout["percent"] = percent
    else:
        ws = _calamine(p).get_sheet_by_name(chosen)
        rows = ws.to_python(skip_empty_area=False)
        records = [[_cell_text(v) for v in row] for row in rows]
        layout["formats_unknown"] = True  # python-calamine gives values, not number formats (percent)
        merges = _calamine_merges(ws, p.suffix.lower())
        if merges is None:
            layout["merges_unknown"] = True
        else:
            layout["merges"] = merges
    while records and not any(records[-1]):
        records.pop()
    return records, formulas, chosen, notes, layout


def _calamine_merges(ws, suffix: str) -> list[tuple[int, int, int, int]] | None:
    """Merged ranges of a sheet read through python-calamine, 0-based ``(row0, col0, row1, col1)``,
    or ``None`` when they are not known: python-calamine reads them from ``.xls`` (and ``.xlsx``)
    but gives none for ``.ods``, and releases before 0.3 have no ``merged_cell_ranges``."""
    ranges = getattr(ws, "merged_cell_ranges", None)
    if ranges is None or (not ranges and suffix not in (".xls", ".xlsx", ".xlsm", ".xlsb")):
        return None
    return [(int(r0), int(c0), int(r1), int(c1)) for (r0, c0), (r1, c1) in ranges]


def _hidden_rows(p: Path, sheet_path: str | None) -> frozenset:
    """The rows (1-based) of a worksheet of an ``.xlsx`` file hidden in it, read from its XML (``<row r="5"
    hidden="1">``; a read-only workbook does not expose them)."""
    import zipfile

    if not sheet_path:
        return frozenset()
    try:
        with zipfile.ZipFile(p) as z:
            xml = z.read(sheet_path.lstrip("/")).decode("utf-8", errors="replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return frozenset()
    out = set()
    for attrs in re.findall(r"<(?:\w+:)?row\b([^>]*)>", xml):
        if re.search(r"\bhidden=\"(?:1|true)\"", attrs):
            r = re.search(r"\br=\"(\d+)\"", attrs)
            if r:
                out.add(int(r.group(1)))
    return frozenset(out)


def _merged_ranges(p: Path, sheet_path: str | None) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a worksheet of an ``.xlsx`` file, 0-based ``(row0, col0, row1, col1)``, read from
    its XML (``<mergeCell ref="B2:B6"/>``; a read-only workbook does not list them)."""
    import zipfile

    from openpyxl.utils.cell import range_boundaries

    if not sheet_path:
        return []
    try:
        with zipfile.ZipFile(p) as z:
            xml = z.read(sheet_path.lstrip("/")).decode("utf-8", errors="replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    out = []
    for ref in re.findall(r"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+\d+:[A-Z]+\d+)\"", xml):
        c0, r0, c1, r1 = range_boundaries(ref)
        out.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as a plain CSV file that Excel, pandas and R open without options.

    UTF-8 with a byte-order mark (so that Excel shows Chinese text), the header row first,
    no comment lines (provenance is recorded in ``run.json``); text that a spreadsheet would
    run as a formula gets a leading single quote (:func:`agriremed.io.outputs.csv_text`).

    Parameters
    ----------
    df : pandas.DataFrame
        Table to write; floats are written with up to 10 significant digits, so
        identical inputs give byte-identical files.
    path : str or Path
        Output file.

    Returns
    -------
    Path
        The path written.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(csv_text(df), encoding="utf-8-sig", newline="")
    return p
