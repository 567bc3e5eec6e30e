"""Validation of plot tables against the column registry.

:func:`validate_plots` turns whatever the user supplied (a file path or a DataFrame,
cells as text or numbers) into

* ``plots`` — the valid rows with canonical column names and types, ready for the
  model stages (extra, unknown columns are kept and passed through);
* ``rejected`` — the invalid rows exactly as given, with every reason;
* ``problems`` — one row per problem: input row, plot id, column, value, severity,
  what is wrong and what was expected.

Errors reject a row; warnings keep it. Nothing is silently dropped, clipped or
converted: every conversion (a unit in a header, a land-use spelling) is reported
as a warning. Every check is vectorised over rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from agriremed.core import columns as C
from agriremed.core import i18n
from agriremed.core import frames as _frames
from agriremed.core.messages import Message, Note, column_texts, is_encoded, render
from agriremed.io.readers import (FOOTER_CELL, FOOTER_DATE, NOTE_CELL, ND_STRINGS, SHEET_COLUMN, dedupe_header,
                                  na_cells, read_table)
from agriremed.core.names import (AREA_UNIT_HEADERS, BASIC_FARMLAND_ALIASES, BASIC_FARMLAND_TICKS, DOUBLE_RICE_WORDS,
                                  HIGH_BACKGROUND_ALIASES,
                                  PADDY_UPLAND_ROTATION_WORDS,
                                  SINGLE_RICE_WORDS, RICE_SEASON_SUFFIXES, RICE_SEASON_WORDS, other_metal, ROTATION_ENDINGS, ROTATION_PLANNED_FIRST, ROTATION_SEP,
                                  ROTATION_SHORT,
                                  CROP_GROUP_WORDS, UNLISTED_CROP, VEGETABLE_UNSPECIFIED, LAND_USE_ALIASES, LAND_USE_IDLE, LAND_USE_IDLE_CULTIVATED, LAND_USE_NOT_MODELLED,
                                  land_classes, read_land_class, LAND_CLASS_CODE_HEADERS,
                                  RICE_TYPE_ALIASES, WHEAT_TYPE_ALIASES, SOIL_CLASS_ALIASES, UnitReadError, header_key, is_unit_text, normalise_header,
                                  ph_extraction, ph_salt_offset, read_header, required_hint, unit_factor,
                                  crop_metal_header_crop, HeaderRead)
from agriremed.core.tables import Tables, load_tables
from agriremed.stages.advice import CHINA_STANDARD, region_in_china
from agriremed.stages.soil import (ROTATION_LAND_USES, SOIL_MASS_COVARIATES, ph_undecided, rice_on_dry_land,
                                   soil_mass_typical)
from agriremed.stages.uptake.covariates import assumed_covariate, assumed_covariate_source
from agriremed.stages.uptake.predict import PH_DOMAIN, strictest_vegetable_limits

__all__ = ["Validation", "validate_plots", "with_note_rows", "normalise_header", "LAND_USE_ALIASES"]

PROBLEM_COLUMNS = ["input_row", "plot_id", "column", "value", "severity", "problem", "expected",
                   "problem_msg", "expected_msg"]

#: Tail of a problem whose value is ignored (an optional site column): the row is still planned.
_IGNORED = Message.of("val.ignored")

#: Column groups of concentrations measured by a laboratory (soil metals, metals measured in the crop):
#: their cells may say the value was not detected ('ND', '<0.01', '未检出'), reported as such.
CONC_GROUPS = ("metal", "crop_metal")


def _texts(items) -> tuple[np.ndarray, np.ndarray]:
    """English texts and encoded messages of problems given as messages or English text
    (text: a problem not yet a message code, encoded as ``''``)."""
    items = np.asarray(items, dtype=object)
    text = np.empty(items.size, dtype=object)
    enc = np.empty(items.size, dtype=object)
    memo: dict = {}
    for i, m in enumerate(items):
        if isinstance(m, Note):  # English text carrying its message
            m = m.message
        if isinstance(m, Message):
            hit = memo.get(id(m))
            if hit is None:
                code = m.encode()
                hit = memo[id(m)] = (render(code, "en"), code)  # rendered once per distinct message
            text[i], enc[i] = hit
        else:
            text[i], enc[i] = ("" if m is None else m), ""
    return text, enc


def _bound(x) -> str:
    """A bound of a valid range as people write it: 2.65, 100000, 1,000,000 (never 1e+06)."""
    t = f"{x:g}"
    return f"{x:,.0f}" if "e" in t else t


def expected_message(spec, factor=1.0) -> Message:
    """The valid values of a registry column as a message (the text of ``spec.expected()``); for a
    column read in another unit (``factor`` ≠ 1, a scalar: the header's unit, e.g. 亩 → ha × 1/15) the
    range in the header's unit beside it (≤ 1,000,000 ha; ≤ 15,000,000 in the unit of the header)."""
    if spec.categories:
        return Message.of("exp.one_of", values=", ".join(spec.categories))
    if spec.extra.get("expected"):  # a column whose valid values a sentence of their own says
        return Message.of(spec.extra["expected"])
    if spec.dtype not in ("float", "int"):
        return Message.of("exp.text")
    unit = Message.of("exp.unit", unit=spec.unit) if spec.unit not in ("", "1") else Message()
    msg = _range_message(spec, 1.0, unit)
    if np.ndim(factor) == 0 and float(factor) not in (0.0, 1.0) and msg.codes != ("exp.number",):
        return Message.of("exp.in_header_unit", expected=msg, header=_range_message(spec, float(factor), Message()))
    return msg


def _range_message(spec, factor: float, unit: Message) -> Message:
    """The valid range of a numeric registry column divided by ``factor`` (the unit of a header
    that is converted by it), with ``unit`` after the numbers."""
    lo, hi = spec.valid
    lo_open, hi_open = spec.valid_open
    bounds = []
    if lo is not None and not (isinstance(lo, float) and np.isinf(lo)):
        bounds.append(("> " if lo_open else "≥ ") + _bound(lo / factor))
    if hi is not None and not (isinstance(hi, float) and np.isinf(hi)):
        bounds.append(("< " if hi_open else "≤ ") + _bound(hi / factor))
    if len(bounds) == 2:
        return Message.of("exp.number_between", lo=bounds[0], hi=bounds[1], unit=unit)
    if bounds:
        return Message.of("exp.number_bound", bound=bounds[0], unit=unit)
    return Message.of("exp.number", unit=unit)

@dataclass
class Validation:
    """Result of :func:`validate_plots`.

    Attributes
    ----------
    plots : pandas.DataFrame
        Valid rows, canonical names and dtypes, plus ``input_row``.
    rejected : pandas.DataFrame
        Rows with at least one error, as given, plus ``input_row`` and ``reasons``.
    problems : pandas.DataFrame
        All problems (columns ``input_row``, ``line`` (file line or spreadsheet row, when
        read from a file), ``plot_id, column, value, severity, problem, expected``);
        ``input_row`` is blank for file-level problems. ``problem_msg`` and ``expected_msg``
        hold the same texts as message codes (:mod:`agriremed.core.messages`; ``''`` where the
        text is not a message code yet), rendered in another language at the edges.
    n_input : int
        Number of data rows read.
    notes : list of str
        How the input was read (encoding, header mapping).
    n_valid : int, optional
        Number of valid rows when ``plots`` holds only some of them (a validation streamed
        in chunks, :func:`agriremed.engine.stream.validate_stream`); else ``len(plots)``.
    crop_in_input : bool
        The rows are a chunk of a larger input some row of which gives a value measured in the harvest
        (:func:`has_crop_values` on the first pass of a streamed or dask run): the summary of every chunk
        carries ``crop_measured_exceeds`` and ``crop_measured_msg``, blank where the chunk has no such value.
    field_rows_in_input : pandas.DataFrame, optional
        The rows are a chunk of a larger input: the valid rows, in every chunk, of the fields with rows in
        several chunks (:func:`field_soil_rows`), so that each chunk classes a field by all its rows
        (:func:`agriremed.stages.soil.field_classes`) as a whole-table plan does.
    skipped : pandas.DataFrame
        The rows of the sheet that are not plots (a 合计/小计 total row, a 注/备注 note or a 填表人 signature
        line, :func:`_report_total_rows`), skipped: neither planned nor rejected (``input_row``, ``line``
        where read from a file, ``reason``, ``reason_msg``); valid + rejected + skipped = ``n_input``.
    """

    plots: pd.DataFrame
    rejected: pd.DataFrame
    problems: pd.DataFrame
    n_input: int
    notes: list[str] = field(default_factory=list)
    n_valid: int | None = None
    crop_in_input: bool = False
    field_rows_in_input: pd.DataFrame | None = None
    skipped: pd.DataFrame = field(default_factory=lambda: no_skipped_rows())

    def __post_init__(self):
        if self.n_valid is None:
            self.n_valid = len(self.plots)

    @property
    def errors(self) -> pd.DataFrame:
        """Problems of severity ``error``."""
        return self.problems.loc[self.problems["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        """Problems of severity ``warning``."""
        return self.problems.loc[self.problems["severity"] == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return self.errors.empty

    def summary(self) -> str:
        """One-line summary: rows read, valid, rejected, not plot rows skipped (where any), errors, warnings."""
        skipped = f", {len(self.skipped)} not plot rows, skipped" if len(self.skipped) else ""
        return (f"{self.n_input} rows read: {self.n_valid} valid, {len(self.rejected)} rejected{skipped}; "
                f"{len(self.errors)} errors, {len(self.warnings)} warnings")

    def messages(self, group: bool = True, lang: str = "en", tables=None) -> list[str]:
        """Every problem as one readable sentence.

        Parameters
        ----------
        group : bool
            One sentence for a warning that several rows share (same column, value, problem and
            expected value: a township 花石镇 on 200 rows), naming its rows as ranges and their
            count, at the place of its first row; ``False``: one sentence per problem, as
            ``problems`` holds them (one row per plot and problem).
        lang : {"en", "zh"}
            Language of the sentences: the frame (``prob.*`` messages), the column (in Chinese its
            label) and the problem and expected value (rendered from ``problem_msg`` and
            ``expected_msg`` where the problems have them).
        tables : Tables, optional
            Literature tables (names in the rendered problems).

        Returns
        -------
        list of str
            The sentences, in the order of ``problems``.

        Examples
        --------
        >>> p = pd.DataFrame({"input_row": [1, 2, 3], "plot_id": ["A", "B", "C"], "column": "region",
        ...                   "value": "花石镇", "severity": "warning", "problem": "not placed", "expected": ""})
        >>> Validation(pd.DataFrame(), pd.DataFrame(), p, 3).messages()
        ["WARNING rows 1–3 (3 rows), column region: value '花石镇' — not placed"]
        """
        out = []
        pr = self.problems
        has_line = "line" in pr.columns
        groups = _warning_groups(pr, has_line) if group else {}
        problem = _problem_texts(pr, "problem", lang, tables)
        expected = _problem_texts(pr, "expected", lang, tables)
        for i, r in enumerate(pr.itertuples(index=False)):
            if i in groups:
                g = groups[i]
                if g is None:  # a later row of a group: said with its first row
                    continue
                out.append(_group_sentence(r, *g, lang=lang, problem=problem[i], expected=expected[i]))
                continue
            if pd.isna(r.input_row):
                where = Message.of("prob.file")
            else:
                line = int(r.line) if has_line and not pd.isna(r.line) else None
                plot = r.plot_id if isinstance(r.plot_id, str) and r.plot_id else None
                sheet = getattr(r, "sheet", "") if line is not None else ""  # a workbook read with --sheet all
                sheet = sheet if isinstance(sheet, str) and sheet else None
                code = ("prob.row" + ("_sheet" if sheet is not None else "") + ("_line" if line is not None else "")
                        + ("_plot" if plot is not None else ""))
                where = Message.of(code, row=int(r.input_row), **({"line": line} if line is not None else {}),
                                   **({"sheet": sheet} if sheet is not None else {}),
                                   **({"plot": plot} if plot is not None else {}))
            out.append(_sentence(r, where, lang, problem[i], expected[i]))
        return out


def _problem_texts(problems: pd.DataFrame, col: str, lang: str, tables) -> np.ndarray:
    """The ``problem`` or ``expected`` texts of the problems in ``lang`` (English: as written)."""
    if col not in problems.columns:
        return np.full(len(problems), "", dtype=object)
    if lang == "en":
        return problems[col].to_numpy(object)
    return column_texts(problems, col, lang, tables)


def _column_name(column: str, lang: str) -> str:
    """A problem's column as its reader names it: the machine name in English, the column
    registry's label in other languages (a column the registry does not know: as written)."""
    if lang == "en" or column.startswith("ui."):
        return column
    return i18n.label(column, lang, with_unit=False)


def _sentence(r, where: Message, lang: str, problem, expected) -> str:
    """One problem (``r``: a row of the problems table) as a sentence in ``lang`` (``prob.sentence``)."""
    col = Message.of("prob.column", column=_column_name(r.column, lang)) \
        if isinstance(r.column, str) and r.column else Message()
    val = Message() if r.value is None or r.value == "" else Message.of("prob.value", value=repr(r.value))
    enc = getattr(r, "expected_msg", "")
    typical = is_encoded(enc) and Message.decode(enc).codes[:1] in {(c,) for c in TYPICAL_CODES}
    exp = Message.of("prob.expected_typical" if typical else "prob.expected", expected=expected) \
        if isinstance(expected, str) and expected else Message()
    return render(Message.of("prob.sentence", severity=str(r.severity), where=where, column=col, value=val,
                             problem="" if not isinstance(problem, str) else problem, expected=exp), lang)


#: Ranges of rows shown in a grouped warning before "…" (:meth:`Validation.messages`).
_MAX_RANGES = 8


def _ranges(numbers) -> str:
    """Sorted whole numbers as ranges: ``[2, 3, 4, 9]`` → ``'2–4, 9'`` (at most
    :data:`_MAX_RANGES` ranges, then ``…``)."""
    nums = sorted(set(int(x) for x in numbers))
    spans = []
    for x in nums:
        if spans and x == spans[-1][1] + 1:
            spans[-1][1] = x
        else:
            spans.append([x, x])
    text = [f"{a}–{b}" if b > a else f"{a}" for a, b in spans[:_MAX_RANGES]]
    return ", ".join(text) + (", …" if len(spans) > _MAX_RANGES else "")


def _warning_groups(problems: pd.DataFrame, has_line: bool) -> dict:
    """Warnings that several rows share (same column, value, problem, expected): position of
    the first → (rows, lines), positions of the others → ``None``."""
    warn = (problems["severity"] == "warning").to_numpy(bool) & problems["input_row"].notna().to_numpy(bool)
    if warn.sum() < 2:
        return {}
    keys = problems.loc[warn, ["column", "value", "problem", "expected"]].astype(str)
    pos = np.flatnonzero(warn)
    members: dict = {}
    for p, key in zip(pos, keys.itertuples(index=False, name=None)):
        members.setdefault(key, []).append(p)
    out: dict = {}
    rows = problems["input_row"].to_numpy(object)
    lines = problems["line"].to_numpy(object) if has_line else None
    for ps in members.values():
        if len(ps) < 2:
            continue
        out[ps[0]] = ([rows[p] for p in ps],
                      [lines[p] for p in ps if not pd.isna(lines[p])] if lines is not None else [])
        for p in ps[1:]:
            out[p] = None
    return out


def _group_sentence(r, rows: list, lines: list, lang: str = "en", problem=None, expected=None) -> str:
    """The sentence of a warning shared by ``rows`` (their file ``lines`` when known) in ``lang``."""
    where = Message.of("prob.rows_lines", rows=_ranges(rows), lines=_ranges(lines), n=len(rows)) if lines \
        else Message.of("prob.rows", rows=_ranges(rows), n=len(rows))
    return _sentence(r, where, lang, r.problem if problem is None else problem,
                     r.expected if expected is None else expected)


class Collector:
    def __init__(self, n: int, plot_ids: np.ndarray, optional=()):
        self.parts: list[pd.DataFrame] = []
        self.n = n
        self.plot_ids = plot_ids
        #: columns whose problems do not reject a row (their errors are reported as warnings)
        self.optional = frozenset(optional)
        self.error_rows = np.zeros(n, dtype=bool)
        #: rows the reader could not read as they stand: only the reader's problems are reported
        self.unreadable = np.zeros(n, dtype=bool)
        #: rows of the sheet that are not plots (合计, 注, 填表人): skipped, neither planned nor rejected
        self.skipped = np.zeros(n, dtype=bool)

    def add(self, mask, column, values, severity, problem, expected="", force=False):
        mask = np.asarray(mask, dtype=bool)
        if not force and self.unreadable.any():
            mask = mask & ~self.unreadable
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        if callable(values):  # texts computed for the flagged rows only
            vals = np.asarray(values(idx), dtype=object)
        else:
            vals = np.asarray(values, dtype=object)[idx] if values is not None else np.full(idx.size, "")
        if isinstance(problem, (str, Message)):  # one problem for every row: rendered once
            ptext, pmsg = (np.full(idx.size, v[0], dtype=object) for v in _texts([problem]))
        elif callable(problem):
            ptext, pmsg = _texts(problem(idx))
        else:
            ptext, pmsg = _texts(np.asarray(problem, dtype=object)[idx])
        etext, emsg = _texts([expected])
        severity = self._severity(column, severity)
        self.parts.append(pd.DataFrame({
            "input_row": idx + 1, "plot_id": self.plot_ids[idx], "column": column,
            "value": vals, "severity": severity, "problem": ptext, "expected": etext[0],
            "problem_msg": pmsg, "expected_msg": emsg[0],
        }))
        if severity == "error":
            self.error_rows[idx] = True

    def _severity(self, column, severity: str) -> str:
        """An error of an optional column is a warning (the row is not rejected for it)."""
        return "warning" if severity == "error" and column in self.optional else severity

    def add_file(self, column, severity, problem, expected=""):
        severity = self._severity(column, severity)
        ptext, pmsg = _texts([problem])
        etext, emsg = _texts([expected])
        self.parts.append(pd.DataFrame({
            "input_row": [pd.NA], "plot_id": [""], "column": [column], "value": [""],
            "severity": [severity], "problem": ptext, "expected": etext,
            "problem_msg": pmsg, "expected_msg": emsg}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
        df = pd.concat(self.parts, ignore_index=True)
        df["input_row"] = df["input_row"].astype("Int64")
        return df.sort_values(["input_row", "column"], na_position="first", kind="stable",
                              ignore_index=True)


def with_note_rows(problems: pd.DataFrame, notes) -> pd.DataFrame:
    """The problems followed by one row of severity ``note`` per note on how the input was read
    (text encoding, title lines skipped, empty lines, sheet, GIS layer), as ``problems.csv`` of a
    plan holds them.

    Parameters
    ----------
    problems : pandas.DataFrame
        Problems of a validation (:attr:`Validation.problems`).
    notes : list of str
        The validation's notes (:class:`agriremed.core.messages.Note` carry their message, kept
        in ``problem_msg``).

    Returns
    -------
    pandas.DataFrame
        ``problems`` unchanged when there is no note.

    Examples
    --------
    >>> from agriremed.core.messages import Note
    >>> p = with_note_rows(pd.DataFrame(columns=PROBLEM_COLUMNS), [Note.of("io.encoding", file="a.csv",
    ...                                                                      encoding="GB18030")])
    >>> p[["severity", "problem"]].values.tolist()
    [['note', 'a.csv was read with the GB18030 text encoding']]
    """
    if not notes:
        return problems
    text, enc = _texts(list(notes))
    rows = pd.DataFrame({"input_row": pd.array([pd.NA] * len(text), dtype="Int64"), "plot_id": "",
                         "column": "", "value": "", "severity": "note", "problem": text, "expected": "",
                         "problem_msg": enc, "expected_msg": ""})
    if "line" in problems.columns:
        rows.insert(1, "line", pd.array([pd.NA] * len(text), dtype="Int64"))
    if problems.empty:
        return rows[[c for c in problems.columns if c in rows.columns] or rows.columns]
    return pd.concat([problems, rows[[c for c in rows.columns if c in problems.columns]]], ignore_index=True)


def _number_text(v) -> str:
    """A number as the user would write it: '15' for 15.0, full precision otherwise."""
    if pd.isna(v):
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)


def as_text(s: pd.Series) -> pd.Series:
    """Cell values as stripped text ('' for missing)."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        # shortest text that reads back to the same float (repr), never a rounded one (``s.map(_number_text)``
        # without the overhead of Series.map, which dominates for the few rows of one plot)
        out = np.array([_number_text(x) for x in s.to_numpy(object).tolist()], dtype=object)
        return pd.Series(out, index=s.index, dtype=object, name=s.name)
    if pd.api.types.is_string_dtype(s) and not pd.api.types.is_object_dtype(s):
        return pd.Series(s.fillna("").str.strip().to_numpy(object), index=s.index, dtype=object)
    v = s.to_numpy(object)
    missing = pd.isna(v)
    if pd.api.types.infer_dtype(v, skipna=True) in ("string", "empty"):  # each distinct text stripped once
        codes, uniques = pd.factorize(v, use_na_sentinel=True)
        out = np.array([u.strip() for u in uniques.tolist()] + [""], dtype=object)[codes]
        return pd.Series(out, index=s.index, dtype=object)
    return pd.Series([("" if m else str(x).strip()) for x, m in zip(v.tolist(), missing.tolist(), strict=True)],
                     index=s.index, dtype=object)


def _plain_numbers(s: pd.Series) -> bool:
    """True for a column of plain numpy floats or integers (no text to check)."""
    return s.dtype.kind in "fiu" and not isinstance(s.dtype, pd.api.extensions.ExtensionDtype)


def _lazy_text(s: pd.Series):
    """The texts of :func:`as_text` for some rows only (problem values of a numeric column)."""
    values = s.to_numpy()
    return lambda idx: np.array([_number_text(v) for v in values[idx].tolist()], dtype=object)


_TH_POINT = r"[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"
_TH_COMMA = r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"


def _decimal_marks(raw: pd.DataFrame, mapping: dict[str, str]) -> tuple[bool, bool]:
    """(decimal commas used, decimal points used) in the numeric input cells of a semicolon file.

    A point followed by exactly three digits (``1.480``) is left out of the points: it may
    be a thousands separator.
    """
    comma = point = False
    for orig, canon in mapping.items():
        spec = C.COLUMNS.get(canon)
        if spec is None or spec.role != "input" or spec.dtype not in ("float", "int") \
                or _plain_numbers(raw[orig]) or isinstance(raw[orig], pd.DataFrame):
            continue
        t = as_text(raw[orig])
        comma = comma or bool(t.str.fullmatch(r"[-+]?\d*,\d+").any())
        point = point or bool((t.str.fullmatch(r"[-+]?\d*\.\d+")
                               & ~t.str.fullmatch(r"[-+]?\d{1,3}\.\d{3}")).any())
    return comma, point


def decimal_marks(raw: pd.DataFrame) -> tuple[bool, bool]:
    """(decimal commas used, decimal points used) in the numeric input cells of a table of text
    cells (as read from a semicolon-separated file); the file's marks are those of its chunks
    combined with ``or`` (:mod:`agriremed.engine.stream`), passed back as ``attrs['decimal_marks']``."""
    mapping = {}
    for col in raw.columns:
        h = read_header(col)
        if h.error is None:
            mapping[col] = h.canonical
    return _decimal_marks(raw, mapping)


def _thousands(text: pd.Series, blank: np.ndarray, comma_decimals: bool, marks: tuple[bool, bool],
               point_file: bool = False):
    """Cells read with thousands separators removed, and cells whose separator is ambiguous.

    Comma-separated text (and spreadsheets): ``1,480.5`` and ``1,234,567`` hold thousands
    separators; ``1,480`` is ambiguous (1480 or a decimal comma, 1.48). Semicolon-separated
    text: ``1.480,5`` and ``1.234.567`` hold thousands separators; ``1.480`` is one too when
    the file writes its decimals with commas only, a decimal point when it writes them with
    points only, and ambiguous otherwise. ``point_file``: comma-separated text, whose decimal mark
    is a point (a comma there cannot be one): ``1,480`` is read as 1480 too (``1,48`` still is not).
    """
    n = len(text)
    th = np.zeros(n, bool)
    cand = ~blank & text.str.contains("." if comma_decimals else ",", regex=False).to_numpy(bool)
    if not cand.any():
        return th, th
    th[cand] = text[cand].str.fullmatch(_TH_POINT if comma_decimals else _TH_COMMA).to_numpy(bool)
    other = "," if comma_decimals else "."
    sure = th & (text.str.contains(other, regex=False) | text.str.count(r"[.,]").gt(1)).to_numpy(bool)
    single = th & ~sure
    if not comma_decimals:
        return (th, np.zeros(n, bool)) if point_file else (sure, single)
    uses_comma, uses_point = marks
    if uses_point and not uses_comma:
        return np.zeros(n, bool), sure
    if uses_comma and not uses_point:
        return th, np.zeros(n, bool)
    if uses_comma and uses_point:
        return np.zeros(n, bool), th
    return sure, single


def validate_plots(data, tables: Tables | None = None, duplicates: dict[str, str] | None = None,
                   sheet: str | int | None = None, optional=(), region: str | None = None) -> Validation:
    """Validate a plot table.

    Parameters
    ----------
    data : str, Path or pandas.DataFrame
        A file (CSV, Excel, Parquet) or a table with one row per plot.
    tables : Tables, optional
        Literature tables (for the crop list); defaults to the packaged tables.
    duplicates : dict, optional
        For a chunk of a larger input (:func:`agriremed.engine.stream.plan_stream`): the plot ids
        that occur more than once in the whole input → the input rows holding them (e.g.
        ``"12, 90817"``). Replaces the duplicate check within ``data``.
    sheet : str or int, optional
        Excel sheet to read (name or 0-based index); needed when a workbook holds data
        on several sheets.
    optional : sequence of str
        Required columns a use of the plots does not need (``("crop",)`` for soil screening):
        their problems (a missing column, a blank or unknown cell) are reported as warnings
        and do not reject the row; an unread cell is left blank.
    region : str, optional
        Region of the plots whose region is blank or that have no region column
        (``'湖南/株洲/渌口'``; CLI ``--region``); a region cell of the table wins. Without
        it, a table with no region (no region column, or one with every cell blank) takes the
        place its title line, sheet name or file name starts with
        (:func:`agriremed.core.i18n.region_in_title`), reported as a warning.

    Returns
    -------
    Validation
        Valid plots, rejected rows and the list of problems.

    Notes
    -----
    Checks, in order: the file has rows; rows the reader could not read as they
    stand (another number of cells than the header, a formula without a saved value)
    are rejected with their line; headers map to registered columns (a unit stated in
    a header is converted to the registry unit and reported; a header that looks like
    a metal but cannot be read, or whose unit does not fit, stops the file); required
    columns exist;
    duplicate columns; each cell of a numeric column is a number within the
    registry's valid range (errors) and typical range (warnings); required cells are
    filled; land use and crop are known (spelling variants are mapped and reported);
    plot ids are unique; each plot has at least one measured metal. The region of plots
    without one comes from ``region``, else (for a table with no region at all) from the
    title lines above the header (the nearest first), the sheet name or the file name,
    each reported; a table whose plots get no region gets one warning that they are not
    placed in a province.
    """
    tables = tables or load_tables()
    return _validation(*_validated_rows(data, tables, duplicates, sheet, optional, region))


def _validated_rows(data, tables: Tables, duplicates: dict | None, sheet, optional, region) -> tuple:
    """The checks of :func:`validate_plots`: (the problem collector, the input cells, every row read
    (rejected ones too), how the input was read, the reader's notes, the cells as written: before region
    columns are joined or filled, a township taken from a sheet name or a land use from the crop)."""
    raw, attrs, notes = _read_raw(data, sheet)
    n = len(raw)
    mapping, factors, header_notes, header_errors = _map_headers(raw)
    _cut_unit_headers(attrs.get("cut_units") or {}, mapping, header_notes, header_errors)
    raw = _unused_formulas(raw, attrs, mapping)
    second_cols = _first_of_several(mapping, header_notes, ("land_use", "crop"))
    area_units = _area_unit_column(raw, mapping, header_notes)
    header_units = _area_header_unit_column(raw, mapping) if area_units is None else None
    area_assumed = _area_unit_assumed(mapping, header_notes) if area_units is None else None
    area_cells = _area_cell_units(raw, mapping)
    cells = raw
    raw = _places_from_sheets(raw, mapping, header_notes, attrs)
    raw = _join_region_columns(raw, mapping, header_notes)
    raw, region_notes = _region_of_plots(raw, mapping, attrs, region, tables)
    raw = _land_use_from_crop(raw, mapping, header_notes, tables)
    raw, idle_crop = _crop_from_idle_land_use(raw, mapping)
    more_ids = _first_plot_id(mapping, header_notes)
    more_ids += [mapping[c] for _, _, c in second_cols]
    more_ids += [v for c, v in mapping.items() if read_header(c).derived]  # reported as derived values
    more_ids += [v for c, v in mapping.items() if _optional_unread(read_header(c))]  # reported as not read
    canon_cols = list(mapping.values())
    # several columns of one metal measured in the harvest (糙米镉, 小麦籽粒镉) are combined row by row
    dups = sorted({c for c in canon_cols if canon_cols.count(c) > 1 and not _is_crop_metal(c)})

    plot_id_col = next((c for c, v in mapping.items() if v == "plot_id"), None)
    plot_ids = (as_text(raw[plot_id_col]).to_numpy(object) if plot_id_col is not None
                else np.full(n, "", dtype=object))
    col = Collector(n, plot_ids, optional)
    _report_unreadable_rows(col, attrs.get("row_problems") or [], mapping, n)
    _report_reader_warnings(col, attrs.get("row_warnings") or [], mapping, n)
    _report_total_rows(col, plot_ids, raw, cells)
    out_of_scope = _report_out_of_scope_rows(col, raw, mapping)
    # a chunk of a larger input: the repeated ids and the sampling rounds are decided over the whole input (a
    # first pass, the chunk's share of the rounds in its attrs); a chunk without that share looks for none
    in_input = attrs.get("sampling_rounds_in_input")
    rounds = (_sampling_rounds(col, raw, mapping, dups, in_input, written=cells) if in_input is not None or duplicates is None
              else None)
    if rounds is not None:
        more_ids.append(mapping[rounds.column])
    for canon, first, other in second_cols:
        a, b = as_text(cells[first]).str.strip(), as_text(cells[other]).str.strip()
        differ = ((a != b) & (a != "") & (b != "")).to_numpy(bool)
        values = b.to_numpy(object)
        col.add(differ, canon, None, "warning",
                lambda idx, o=other, f=first, v=values: [Message.of("val.second_column_differs", header=repr(o),
                                                                     first=repr(f), value=v[i]) for i in idx], "")
    if idle_crop is not None:
        col.add(idle_crop[0], "crop", None, "warning", lambda idx: [idle_crop[1][i] for i in idx], "")
    metals_present = _check_file(col, mapping, header_notes, header_errors, dups, n,
                                 used=[mapping[c] for c in (area_units, header_units) if c] + more_ids
                                 + list(GEO_ADDED_COLUMNS if attrs.get("layer") is not None else ())
                                 + ([SHEET_COLUMN] if attrs.get("sheets") else []),
                                 assumed=assumed_covariates(tables))
    for severity, problem, expected in region_notes:
        col.add_file("region", severity, problem, expected)
    if "area_ha" in dups:
        area_cells = None
    cell_unit = area_cells.given if area_cells is not None else np.zeros(n, bool)
    if area_assumed is not None and "area_ha" not in dups:  # every row read in the unit assumed, named
        col.add(~na_cells(as_text(raw[area_assumed[0]])) & ~cell_unit, "area_ha", None, "warning", area_assumed[1])
    if area_units and "area_ha" not in dups:
        factors["area_ha"] = _area_row_factors(col, raw, mapping, area_units, cell_unit)
    if header_units and "area_ha" not in dups:
        _check_area_units_agree(col, raw, mapping, header_units)
    if area_cells is not None:  # '2.5亩', '1.2公顷': the unit of the cell, checked against the header's
        factors["area_ha"] = _area_cell_factors(col, raw, mapping, area_cells, factors.get("area_ha", 1.0),
                                                area_units)
    _check_unit_columns(col, raw, mapping, area_units or header_units)
    raw = _crop_bracket_names(col, raw, mapping, dups, tables)
    ids_raw = _skipped_ids_blank(raw, mapping, col.skipped)  # a skipped row's id is no plot's id
    repeated, read = (duplicates, None) if duplicates is not None else _repeated_in(ids_raw, cells, mapping, dups,
                                                                                    tables)
    siblings = _season_siblings(raw, mapping, dups, repeated, tables, read)
    censored: dict = {}  # soil metals below the detection limit, decided once rotation land is known
    out = _check_cells(col, raw, attrs, mapping, factors, dups, tables, siblings, censored, area_cells)
    notes = _note_out_of_scope_area(notes, out, out_of_scope)
    _note_earlier_rounds(col, out, rounds, tables)
    _check_marginal_cultivated(col, out, tables)
    _check_region_point(col, out, tables)
    _check_rice_on_dry_land(col, out)
    _check_long_numeric_ids(col, out, dups)
    _check_plot_ids(col, out, dups, repeated, _features(attrs, plot_id_col, n), _row_where(attrs, raw, n))
    _paddy_upland_rotation(out, mapping, dups, siblings, tables, attrs.get("rotation_fields_in_input") or ())
    _check_field_soil(col, out, attrs.get("field_rows_in_input"))
    _check_censored(col, out, censored["cells"], tables, censored["in_input"])
    _check_metal_measured(col, out, metals_present, n)
    _check_blank_ph(col, out, censored.get("ph"), tables)
    _check_blank_assumed(col, out, censored.get("assumed_blank"), tables)
    return col, raw, out, attrs, notes, cells


def _defer_blank_ph(canon: str, spec, cells, factors: dict, pending: dict | None) -> bool:
    """Whether the blank cells of column ``canon`` are decided later: those of the pH, where ``pending`` is given
    (it gets their text, blank rows and expected value for :func:`_check_blank_ph`)."""
    if canon != "ph" or pending is None:
        return False
    pending["ph"] = (cells.text, cells.blank, expected_message(spec, factors.get(canon, 1.0)))
    return True


def _check_blank_ph(col: Collector, out: pd.DataFrame, blank_ph: tuple | None, tables: Tables) -> None:
    """The rows whose pH is blank (``blank_ph``: the cells' text, which are blank, the expected value): where
    every pH band of GB 15618 gives the same class for every metal given (:func:`agriremed.stages.soil.ph_undecided`
    false), the row is planned with a warning asking for the pH (the class is decided; crop predictions that need
    the pH are not assessed and liming is not offered); where the class depends on the pH, or no metal is given,
    the row is rejected (the value is required)."""
    if blank_ph is None:
        return
    text, blank, expected = blank_ph
    blank = np.asarray(blank, bool)
    if not blank.any():
        return
    metals = [C.metal_column(m) for m in C.METALS if C.metal_column(m) in out.columns]
    have = np.zeros(len(out), bool)
    for c in metals:
        have |= ~np.isnan(pd.to_numeric(out[c], errors="coerce").to_numpy(float))
    undecided = np.zeros(len(out), bool)
    rows = np.flatnonzero(blank & have & ~col.error_rows)
    if len(rows) and "land_use" in out.columns:
        sub = out.iloc[rows].reset_index(drop=True).copy()
        sub["ph"] = np.nan
        undecided[rows] = ph_undecided(sub, tables)
    decided = blank & have & ~undecided & ~col.error_rows
    col.add(blank & have & undecided, "ph", text, "error", Message.of("val.ph_blank_class_depends"), expected)
    col.add(blank & ~have, "ph", text, "error", Message.of("val.required_blank"), expected)
    col.add(decided, "ph", text, "warning", Message.of("val.ph_blank_class_decided"), expected)


def _defer_blank_assumed(canon: str, spec, cells, factors: dict, pending: dict | None, tables: Tables) -> bool:
    """Whether the blank cells of the recommended column ``canon`` are decided later: those of a covariate whose
    typical value the plan assumes (:func:`assumed_covariates`), where ``pending`` is given (it gets their text, blank
    rows and expected value for :func:`_check_blank_assumed`, which names the value assumed for each row)."""
    if pending is None or spec.required != "recommended" or canon not in assumed_covariates(tables):
        return False
    pending.setdefault("assumed_blank", {})[canon] = (cells.text, cells.blank, expected_message(spec, factors.get(canon, 1.0)))
    return True


def _check_blank_assumed(col: Collector, out: pd.DataFrame, blank: dict | None, tables: Tables) -> None:
    """The blank cells of the recommended covariates the plan assumes at a typical value (``blank``: column → the
    cells' text, which are blank, the expected value): each warned with the value assumed for its row and its
    source (``covariate_defaults.csv``): ``som_pct`` and ``clay_pct`` where a crop's transfer function needs them
    (the row of the plot's land use and region, :func:`agriremed.stages.uptake.covariates.assumed_covariate`),
    ``depth_m`` and ``bulk_density_g_cm3`` for the soil mass (:func:`agriremed.stages.soil.soil_mass_typical`);
    a row the table gives no value for keeps ``val.recommended_blank``."""
    if not blank:
        return
    n = len(out)
    lu = (np.array(["" if pd.isna(x) else str(x).strip().lower() for x in out["land_use"]], dtype=object)
          if "land_use" in out.columns else np.full(n, "", dtype=object))
    region = (np.array(["" if pd.isna(x) else str(x).lower() for x in out["region"]], dtype=object)
              if "region" in out.columns else np.full(n, "", dtype=object))
    for canon, (text, cells, expected) in blank.items():
        cells = np.asarray(cells, bool)
        if not cells.any():
            continue
        rows = np.flatnonzero(cells)
        if canon in SOIL_MASS_COVARIATES:
            value, source = soil_mass_typical(tables, canon, lu[rows])
            code = "val.recommended_blank_assumed_mass"
        else:
            places = _frames.format_unique(region[rows], lambda r: str(i18n.region_province(r, tables)).lower()
                                           if r else "")
            value, _ = assumed_covariate(tables, canon, lu[rows], region[rows], places)
            source = assumed_covariate_source(tables, canon, lu[rows], region[rows], places)
            code = "val.recommended_blank_assumed"
        known = np.zeros(n, bool)
        known[rows] = np.isfinite(value)
        val = np.full(n, np.nan)
        val[rows] = value
        src = np.full(n, "", dtype=object)
        src[rows] = source
        unit = Message.of("exp.unit", unit=C.COLUMNS[canon].unit)
        col.add(known, canon, text, "warning",
                lambda idx, c=code, v=val, s=src, u=unit: [Message.of(c, value=float(v[i]), unit=u, sources=s[i])
                                                             for i in idx], expected)
        col.add(cells & ~known, canon, text, "warning", Message.of("val.recommended_blank"), expected)


def field_id_texts(raw: pd.DataFrame) -> np.ndarray | None:
    """Each row's ``field_id`` cell of a raw plot table as text (:func:`as_text`, ``''`` where blank), or None
    without a ``field_id`` column (the first one where several are headed so)."""
    col = next((c for c in raw.columns if normalise_header(str(c))[0] == "field_id"), None)
    return None if col is None else as_text(raw[col]).to_numpy(object)


def rotation_fields(rows: pd.DataFrame, tables: Tables | None = None,
                    duplicates: dict | None = None) -> frozenset[str]:
    """The fields (``field_id`` as text, :func:`as_text`) that are paddy–upland rotation land among ``rows``:
    every row of some fields of a larger input (the fields whose rows a streamed run reads in different chunks),
    with the input's repeated plot ids (``duplicates``, :func:`repeated_plot_ids`). Each chunk holding a row of
    such a field reads it as rotation land (the chunk's ``attrs["rotation_fields_in_input"]``), as a whole-file
    run does (:func:`_paddy_upland_rotation`)."""
    rows = rows.reset_index(drop=True)
    rows.attrs = {}
    out = _validated_rows(rows, tables or load_tables(), duplicates, None, (), None)[2]
    if "field_id" not in out.columns or "paddy_upland_rotation" not in out.columns:
        return frozenset()
    yes = pd.Series(out["paddy_upland_rotation"], dtype=object).eq("yes").to_numpy(bool)
    field = as_text(pd.Series(out["field_id"], dtype=object)).to_numpy(object)
    return frozenset(f for f in field[yes] if f != "")


#: Columns of :func:`field_soil_rows`: what a row's soil class needs (besides the total metals).
FIELD_ROW_COLUMNS = ("plot_id", "field_id", "ph", "land_use", "crop", "paddy_upland_rotation", "soil_class_county")


def field_soil_rows(rows: pd.DataFrame, tables: Tables | None = None, duplicates: dict | None = None,
                    input_rows=None) -> pd.DataFrame:
    """The valid rows among ``rows`` (raw rows of some fields of a larger input, read in different chunks) as
    validated, with the columns their soil class needs (:data:`FIELD_ROW_COLUMNS`, the total metals) and
    ``area_ha``, so that every chunk holding a row of such a field classes it by all the field's rows
    (``field_rows_in_input``) and warns on them as a whole-file validation does (:func:`_check_field_soil`);
    ``input_row``: the rows' numbers in the whole input (``input_rows``; default 1, 2 …)."""
    rows = rows.reset_index(drop=True)
    rows.attrs = {}
    col, _, out, _, _, _ = _validated_rows(rows, tables or load_tables(), duplicates, None, (), None)
    if "field_id" not in out.columns:
        return pd.DataFrame()
    keep = [c for c in (*FIELD_ROW_COLUMNS, "area_ha", *(C.metal_column(m) for m in C.METALS)) if c in out.columns]
    ok = ~col.error_rows & ~pd.isna(pd.Series(out["field_id"], dtype=object)).to_numpy(bool)
    got = pd.DataFrame({c: np.asarray(out[c])[ok] for c in keep})
    number = np.arange(1, len(rows) + 1) if input_rows is None else np.asarray(input_rows, dtype=np.int64)
    got.insert(0, "input_row", number[ok])
    return got


def _read_raw(data, sheet) -> tuple[pd.DataFrame, dict, list[str]]:
    """The input as a table of cells (without an ``input_row`` column), how it was read
    (``attrs``) and the reader's notes."""
    notes: list[str] = []
    if isinstance(data, (str, Path)):
        raw, notes = read_table(data, sheet=sheet)
    else:
        raw = pd.DataFrame(data).copy()
        raw.columns = [str(c) for c in raw.columns]
        if raw.columns.duplicated().any():  # two columns labelled alike: told apart, or refused
            cols, notes = dedupe_header("the table", list(raw.columns))
            raw.columns = cols
        raw.attrs = dict(getattr(data, "attrs", {}))  # how a file was read (header line, file lines)
    attrs = dict(raw.attrs)
    # the table keeps no attrs: pandas copies them (deeply) into every frame derived from it, and
    # the file lines of a large input are a long list; they are returned separately instead
    raw.attrs = {}
    raw = raw.drop(columns=[c for c in raw.columns if c == "input_row"]).reset_index(drop=True)
    return raw, attrs, notes


def _map_headers(raw: pd.DataFrame):
    """Headers read: original → canonical name, canonical name → unit factor, the
    (canonical, original, note) of each converted header, and the headers that cannot be read."""
    mapping: dict[str, str] = {}
    factors: dict[str, float] = {}
    header_notes: list[tuple[str, str, str]] = []
    header_errors = []
    for col in raw.columns:
        h = read_header(col)
        if h.error is not None and _optional_unread(h):  # 经度(W): this column is not read, the sheet is
            mapping[col] = header_key(col)
            header_notes.append((header_key(col), col, Message.of("val.header_optional_unread",
                                                                  problem=h.error_msg or h.error,
                                                                  column=h.canonical)))
            continue
        if h.error is not None:
            header_errors.append(h)
            continue
        canon, factor, note = h.canonical, h.factor, h.note_msg or h.note
        mapping[col] = canon
        factors[canon] = factor
        if note and (canon != col or h.derived):  # a derived value (超标倍数) is reported under its own name
            header_notes.append((canon, col, note))
    # a land-class layer (三调) with both DLMC (name) and DLBM (code): the name is the land use
    land = [c for c, v in mapping.items() if v == "land_use"]
    codes = [c for c in land if header_key(c) in LAND_CLASS_CODE_HEADERS]
    if codes and len(land) > len(codes):
        for c in codes:
            mapping[c] = str(c).strip().lower()
            header_notes[:] = [t for t in header_notes if t[1] != c]
    return mapping, factors, header_notes, header_errors


def _optional_unread(h: HeaderRead) -> bool:
    """True for a header that cannot be read (``h.error``: a unit agriremed does not know, 经度(W)) of an
    optional or recommended plot column (coordinates, SOM, rainfall …; no metal, no required column): the
    column is passed through unread with a warning saying why, and the sheet is read without it; a header
    of a required or a metal column that cannot be read still stops the file (a value read in the wrong unit
    or a metal left out would change the plan)."""
    spec = C.COLUMNS.get(h.canonical)
    return (h.error is not None and spec is not None and spec.role == "input" and spec.group == "plot"
            and spec.required != "required")


#: Columns the GIS reader adds to a layer's table itself (:func:`agriremed.io.geo.read_layer`): the area of
#: the polygon beside an area field, compared with it there; passed through, not reported as unused.
GEO_ADDED_COLUMNS = C.PASSED_THROUGH


def _cut_unit_headers(cut_units: dict[str, str], mapping: dict[str, str], header_notes: list,
                      header_errors: list) -> None:
    """Shapefile fields whose name the 10-byte limit cut inside the unit (``镉含量(μg/kg)`` stored as
    ``镉含量(``; :func:`agriremed.io.geo.read_layer` lists them in ``attrs['cut_units']``, column → name as
    stored): an error on the header naming the cut and asking for the unit, in place of the column's default
    unit (or the unreadable-unit error); the file stops, as for any header that cannot be read."""
    for head in cut_units:
        h = read_header(head)
        canon = mapping.pop(head, h.canonical)  # not read: its cells are not checked in a unit assumed
        if _optional_unread(h):  # passed through by _map_headers: the column it was meant for is named
            canon = h.canonical
        header_notes[:] = [t for t in header_notes if t[1] != head]
        header_errors[:] = [e for e in header_errors if e.header != head]
        msg = Message.of("val.header_unit_cut", header=repr(head), column=canon)
        exp = Message.of("exp.unit_cut", column=canon)
        header_errors.append(HeaderRead(head, canon, error=render(msg, "en"), expected=render(exp, "en"),
                                        error_msg=msg, expected_msg=exp))


def _first_of_several(mapping: dict[str, str], header_notes: list, canons,
                      code: str = "val.second_column") -> list[tuple[str, str, str]]:
    """Several columns of one land use or crop (地类名称 and 土地利用现状; 作物 and 主要作物) or plot id: the first
    is read, the others are passed through as they are, reported with the message ``code`` (a row where one
    says otherwise is warned about later). Returns (canonical name, first header, passed-through header) per
    column passed through."""
    out = []
    for canon in canons:
        cols = [c for c, v in mapping.items() if v == canon]
        for c in cols[1:]:
            mapping[c] = str(c).strip().lower()
            header_notes[:] = [t for t in header_notes if t[1] != c]
            header_notes.append((canon, c, Message.of(code, header=repr(c), first=repr(cols[0]))))
            out.append((canon, cols[0], c))
    return out


def _first_plot_id(mapping: dict[str, str], header_notes: list) -> list[str]:
    """Several identifier columns (点位编号 and 样品编号): the first is the plot id, the others are
    passed through as they are, reported. Returns the names they are passed through as."""
    return [mapping[c] for _, _, c in _first_of_several(mapping, header_notes, ("plot_id",), "val.second_id")]


def region_level(header: str) -> int | None:
    """Level of a region column by its header: 0 province (省), 1 city (市), 2 county (县, 区县,
    县（市、区）), 3 township (乡镇, 乡, 镇, 街道), 4 the village collective of a 三调 parcel (坐落单位名称,
    ZLDWMC); ``None`` for a header naming no level (地区, 区域).

    Examples
    --------
    >>> [region_level(h) for h in ("省", "市", "县（市、区）", "乡镇", "坐落单位名称", "地区")]
    [0, 1, 2, 3, 4, None]
    """
    k = re.sub(r"\(.*?\)", "", header_key(header))
    for level, pattern in ((4, r"坐落单位|zldwmc"), (3, r"乡|镇|街道"), (2, r"县"), (1, r"市"), (0, r"省")):
        if re.search(pattern, k):
            return level
    return None


#: A sheet name that names a township (南洲镇, 龙船乡, 白关街道) or a village (罗家村): :func:`_places_from_sheets`.
SHEET_TOWNSHIP = re.compile(r"\S(?:镇|乡|街道)$")
SHEET_VILLAGE = re.compile(r"\S村$")


def _places_from_sheets(raw: pd.DataFrame, mapping: dict[str, str], header_notes: list,
                        attrs: dict) -> pd.DataFrame:
    """A workbook read with ``--sheet all`` (each row's sheet in :data:`~agriremed.io.readers.SHEET_COLUMN`,
    ``attrs['sheets']``) whose sheets are named after townships or villages: where the table has no village
    column (``village``), each row of a sheet named ``…村`` gets it as its village; where the table's region columns
    each name a level above the township (省, 市, 县) and none names the township, each row of a sheet named
    ``…镇``, ``…乡`` or ``…街道`` gets it as its township (a column 乡镇, joined with the others by
    :func:`_join_region_columns`: 湘潭县/花石镇). Each is reported on its column; the sheet column stays as it is.
    A table with no region column is left to the title lines (:func:`_region_of_plots`)."""
    if SHEET_COLUMN not in raw.columns or not attrs.get("sheets"):
        return raw
    sheet = as_text(raw[SHEET_COLUMN]).str.strip()
    regions = [c for c, v in mapping.items() if v == "region"]
    levels = [region_level(c) for c in regions]
    for canon, header, pattern, code, fits in (
            ("village", "村", SHEET_VILLAGE, "val.sheet_village", "village" not in mapping.values()),
            ("region", "乡镇", SHEET_TOWNSHIP, "val.sheet_township",
             bool(regions) and None not in levels and max(levels, default=0) < 3)):
        named = sheet.str.contains(pattern, regex=True).to_numpy(bool)
        if not fits or not named.any() or header in raw.columns:
            continue
        raw = raw.copy()
        raw[header] = np.where(named, sheet.to_numpy(object), "")
        mapping[header] = canon
        names = list(dict.fromkeys(sheet.to_numpy(object)[named].tolist()))
        header_notes.append((canon, header, Message.of(code, sheets=", ".join(map(repr, names)))))
    return raw


def _join_region_columns(raw: pd.DataFrame, mapping: dict[str, str], header_notes: list) -> pd.DataFrame:
    """Several region columns of different levels (县 and 乡镇; 省, 市, 县) read as one region,
    their cells joined from the province down (``湘潭县/花石镇``), so that the county places the
    plot; reported. Two columns of one level, or one naming no level (地区), are left (refused as
    duplicates)."""
    cols = [c for c, v in mapping.items() if v == "region"]
    levels = [region_level(c) for c in cols]
    if len(cols) < 2 or None in levels or len(set(levels)) < len(levels):
        return raw
    order = [c for _, c in sorted(zip(levels, cols, strict=True))]
    parts = [as_text(raw[c]).str.strip() for c in order]
    joined = parts[0]
    for p in parts[1:]:
        joined = joined.where(p.eq(""), joined.where(joined.eq(""), joined + "/") + p)
    name = "/".join(order)
    raw = raw.drop(columns=cols)
    raw[name] = joined.to_numpy(object)
    for c in cols:
        del mapping[c]
    mapping[name] = "region"
    header_notes.append(("region", name, Message.of("val.region_joined", headers=", ".join(map(repr, order)))))
    return raw


def _region_of_plots(raw: pd.DataFrame, mapping: dict[str, str], attrs: dict, region: str | None,
                     tables) -> tuple[pd.DataFrame, list[tuple[str, Message, Message | str]]]:
    """The region of the plots that have none: ``region`` (``--region``) in every blank region
    cell; else, for a table without a region (no region column, or one with every cell blank),
    the place the title lines above the header (the nearest first), the sheet name or the file
    name start with (:func:`agriremed.core.i18n.region_in_title`); ``attrs['region_filled']``: a
    chunk of a larger table (:func:`agriremed.engine.stream.validate_stream`) with a region
    cell filled in another chunk. Returns the table (with a
    column ``region`` added when it had none) and the file-level problems (severity, problem,
    expected) saying where the region came from, or that the plots have none. Regions of
    other tables (a DataFrame without them) come from ``region`` only."""
    cols = [c for c, v in mapping.items() if v == "region"]
    if len(cols) > 1 or len(raw) == 0:  # region columns of one level, or naming none: refused as duplicates
        return raw, []
    col = cols[0] if cols else None
    blank = (as_text(raw[col]).str.strip().eq("").to_numpy(bool) if col is not None
             else np.ones(len(raw), bool))
    plots = ~_non_plot_rows(raw, mapping) if col is not None else np.ones(len(raw), bool)
    given = "" if region is None else str(region).strip()
    if given:  # said whether or not a plot lacks one: a chunk of a larger table says it alike
        value, problem = given, Message.of("val.region_option", region=given)
    elif (~blank & plots).any() or attrs.get("region_filled", False):  # regions in the table, or elsewhere
        # blank cells of a region column filled elsewhere stay blank (a title is no plot's own region),
        # said once, with the place the title names as a hint; town cells placed nowhere go below it
        if col is None:
            return raw, []
        hint, _, words = _region_from_names(attrs, tables)
        raw, notes = _join_below_title(raw, col, blank | ~plots, hint, words, tables)
        if (blank & plots).any():  # the blank region cells of a 合计 or 注 row are no plot's
            notes.append(("warning", Message.of("val.region_blank_cells_hint", region=hint), "") if hint
                         else ("warning", Message.of("val.region_blank_cells"), Message.of("exp.region_column")))
        return raw, notes
    else:
        value, problem, _ = _region_from_names(attrs, tables)
        if not value:
            return raw, [("warning", Message.of("val.region_missing"), Message.of("exp.region_column"))]
    raw = raw.copy()
    if col is None:
        col = "region" if "region" not in raw.columns else "region_given"
        mapping[col] = "region"
        raw[col] = ""
    cells = as_text(raw[col]).to_numpy(object).copy()
    cells[blank] = value
    raw[col] = cells
    return raw, [("note" if given else "warning", problem, "")]


def _non_plot_rows(raw: pd.DataFrame, mapping: dict[str, str]) -> np.ndarray:
    """Rows of a table that are its total, signature or note lines (:func:`_total_and_footer_rows`),
    as read before the cells are checked."""
    ids = [c for c, v in mapping.items() if v == "plot_id"]
    pid = raw[ids[0]].to_numpy(object) if ids else np.full(len(raw), "", dtype=object)
    total, footer = _total_and_footer_rows(pid, raw, np.zeros(len(raw), bool))
    return total | footer | repeated_header_rows(raw)


def _region_unplaced(region: str, tables) -> bool:
    """A region that names no province, no city or county of ``place_names.csv`` (several or
    one) and no country outside China: a township alone (花石镇)."""
    return (bool(region) and not i18n.region_candidates(region, tables) and not i18n.region_province(region, tables)
            and region_in_china(region, tables) is not False)


def _join_below_title(raw: pd.DataFrame, col: str, skip: np.ndarray, place: str, words: str,
                      tables) -> tuple[pd.DataFrame, list]:
    """Region cells that place a plot nowhere (:func:`_region_unplaced`: 沙溪镇 alone) read below
    ``place``, the county the title, sheet or file name names (韶关市曲江区 → 广东省/韶关市/曲江区/沙溪镇),
    with one note naming them; a cell that names a known place keeps it. Cells masked by ``skip``
    (blank cells, and the cells of a signature or note line under the sheet, 注：… 填表人：…, which
    :func:`_non_plot_rows` finds and which must keep their words to be recognised) are left as
    they are. Returns the table and the file-level notes (none without ``place`` or such cells)."""
    if not place:
        return raw, []
    text = as_text(raw[col]).str.strip()
    codes, uniq = pd.factorize(text.where(~pd.Series(skip, index=text.index), ""))
    unplaced = np.array([_region_unplaced(u, tables) for u in uniq], bool)
    rows = unplaced[codes] & ~skip if len(uniq) else np.zeros(len(raw), bool)
    if not rows.any():
        return raw, []
    raw = raw.copy()
    cells = raw[col].to_numpy(object).copy()
    cells[rows] = [f"{place}/{t}" for t in text[rows]]
    raw[col] = cells
    names = list(dict.fromkeys(text[rows]))
    return raw, [("note", Message.of("val.region_below_title", cells="; ".join(names), words=words, region=place,
                                     example=f"{place}/{names[0]}"), "")]


def _region_from_names(attrs: dict, tables) -> tuple[str, Message | None, str]:
    """The region a table's title lines (the nearest to the header first), sheet name or file
    name start with, the message saying where it was read and the words read as the place;
    ``('', None, '')`` when none names a place."""
    header = attrs.get("header_line")
    for line, cells in reversed(attrs.get("title_lines") or []):
        for cell in cells:
            words, region = i18n.region_in_title(cell, tables)
            if region:
                return region, Message.of("val.region_from_title", line=int(line), header=int(header or 0),
                                          words=words, region=region), words
    sheet = attrs.get("sheet")
    if sheet is not None and str(sheet).strip():
        words, region = i18n.region_in_title(str(sheet), tables)
        if region:
            return region, Message.of("val.region_from_sheet", sheet=str(sheet), words=words, region=region), words
    name = attrs.get("file_name")
    if name:
        words, region = i18n.region_in_title(Path(str(name)).stem, tables)
        if region:
            return region, Message.of("val.region_from_file", file=str(name), words=words, region=region), words
    return "", None, ""


def _land_use_from_crop(raw: pd.DataFrame, mapping: dict[str, str], header_notes: list, tables) -> pd.DataFrame:
    """A sheet without a land-use column (a county's paddy sheet lists only 早稻/晚稻): each plot's
    land use read from its crop (``land_use`` of ``crops.csv``: rice → paddy, vegetables →
    vegetable, fruit and tea → orchard, other field crops → upland) as a column ``land_use``,
    reported once; a crop that gives none (no crop, an unknown crop) leaves the cell blank, so the
    row is rejected for its blank land use. A sheet with the column is read as it is."""
    values = list(mapping.values())
    if "land_use" in values or values.count("crop") != 1 or "land_use" in raw.columns:
        return raw
    crop_col = next(c for c, v in mapping.items() if v == "crop")
    text, blank = _cell_text(raw[crop_col], "crop")
    quiet = Collector(len(raw), np.full(len(raw), "", dtype=object))  # the crop's own problems are told later
    crops = _check_crop(quiet, "crop", C.COLUMNS["crop"], text, blank, tables)
    default = dict(zip(tables.crops["crop"], tables.crops["land_use"], strict=True)) \
        if "land_use" in tables.crops else {}
    raw = raw.copy()
    raw["land_use"] = [default.get(c, "") or "" if isinstance(c, str) else "" for c in crops]
    mapping["land_use"] = "land_use"
    header_notes.append(("land_use", "land_use", Message.of("val.land_use_from_crop", header=repr(crop_col))))
    return raw


def _crop_from_idle_land_use(raw: pd.DataFrame, mapping: dict[str, str]) -> tuple[pd.DataFrame, tuple | None]:
    """A blank crop cell read as crop ``none`` (no crop) where the row itself says no crop is grown, so the row
    is planned as idle or marginal land instead of rejected:

    * its land use says the land is idle (撂荒水田, 闲置旱地, 休耕水田: :data:`LAND_USE_IDLE`);
    * its land use is marginal land (采矿用地, 工矿废弃地, 荒地, 0602 …), which grows no crop in the plan;
    * its cropping-system cell is, as a whole, an idle word (撂荒, 闲置, 休耕地: :data:`LAND_USE_IDLE_CULTIVATED`,
      :data:`LAND_USE_IDLE`; 冬闲 or 稻-休耕 name a season, not idle land, and are not read).

    Returns the table (its crop cells filled) and, where some are, (the rows, the warning of each row) for the
    warnings that tell it; None where none is (and with no single crop column)."""
    values = list(mapping.values())
    if values.count("crop") != 1:
        return raw, None
    crop_col = next(c for c, v in mapping.items() if v == "crop")
    _, blank = _cell_text(raw[crop_col], "crop")
    if not blank.any():
        return raw, None
    msgs = np.full(len(raw), None, dtype=object)
    if values.count("land_use") == 1:
        land_col = next(c for c, v in mapping.items() if v == "land_use")
        land = as_text(raw[land_col])
        low = land.str.lower().str.strip()
        idle = blank & low.isin(LAND_USE_IDLE).to_numpy(bool)
        lands = land.to_numpy(object)
        for k in np.flatnonzero(idle):
            msgs[k] = Message.of("val.crop_from_idle_land_use", land_use=lands[k])
        for k in np.flatnonzero(blank & ~idle):
            lc = read_land_class(lands[k])
            if LAND_USE_ALIASES.get(low.iloc[k]) == "marginal" or (lc is not None and lc.land_use == "marginal"):
                msgs[k] = Message.of("val.crop_from_marginal_land_use", land_use=lands[k])
    if values.count("cropping_system") == 1:
        sys_col = next(c for c, v in mapping.items() if v == "cropping_system")
        system = as_text(raw[sys_col])
        words = set(LAND_USE_IDLE) | set(LAND_USE_IDLE_CULTIVATED) | {"闲置", "抛荒", "弃耕"}
        idle_sys = blank & system.str.lower().str.strip().isin(words).to_numpy(bool)
        header = str(sys_col)
        cells = system.to_numpy(object)
        for k in np.flatnonzero(idle_sys & pd.isna(msgs)):
            msgs[k] = Message.of("val.crop_from_idle_cropping_system", header=header, value=cells[k])
    rows = ~pd.isna(msgs)
    if not rows.any():
        return raw, None
    raw = raw.copy()
    raw[crop_col] = raw[crop_col].astype(object).where(~rows, "none")
    return raw, (rows, msgs)


def _area_units_candidate(raw: pd.DataFrame, mapping: dict[str, str]) -> str | None:
    """The one column that gives an area unit row by row (``面积单位``, or ``单位`` whose every
    filled cell is a unit of area), or None."""
    units = [c for c, v in mapping.items() if v not in C.COLUMNS and header_key(c) in AREA_UNIT_HEADERS]
    if len(units) != 1:
        return None
    if not any(w in header_key(units[0]) for w in ("面积", "area")):
        # a column named only 单位/unit may hold other units (mg/kg) or names: it is the area's unit
        # column only when every filled cell is an area unit
        vals = [v for v in pd.unique(as_text(raw[units[0]]).to_numpy(object)) if v]
        try:
            if not vals or not all(unit_factor(v, "ha") > 0 for v in vals):
                return None
        except UnitReadError:
            return None
    return units[0]


def _area_header_unit_column(raw: pd.DataFrame, mapping: dict[str, str]) -> str | None:
    """The area-unit column (``面积单位``) beside an area header that states its unit itself
    (``面积（亩）``): its cells are checked against the header's unit, not used for the values."""
    area = [c for c, v in mapping.items() if v == "area_ha"]
    if len(area) != 1 or read_header(area[0]).unit is None:
        return None
    return _area_units_candidate(raw, mapping)


def _check_area_units_agree(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], unit_col: str) -> None:
    """Reject the rows whose unit in ``unit_col`` is not the unit the area header states
    (``面积（亩）`` with ``面积单位`` 公顷): which of the two is meant cannot be told. A blank unit
    cell or the header's unit written another way (亩 / mu) is fine. Each such row is a row
    error (also when every row disagrees), so a file read whole or in chunks gives the same
    messages."""
    area_col = next(c for c, v in mapping.items() if v == "area_ha")
    head = read_header(area_col)
    units = as_text(raw[unit_col])
    codes, uniques = pd.factorize(units.to_numpy(object))
    per = np.full(len(uniques), True)
    for i, u in enumerate(uniques.tolist()):
        try:
            per[i] = (not u) or bool(np.isclose(unit_factor(u, "ha"), head.factor, rtol=1e-9))
        except UnitReadError:
            per[i] = False
    agree = per[codes] if len(uniques) else np.ones(len(units), bool)
    bad = units.ne("").to_numpy(bool) & ~na_cells(as_text(raw[area_col])) & ~agree
    col.add(bad, "area_ha", units.to_numpy(object), "error",
            Message.of("val.area_unit_disagrees", header=repr(area_col), unit=repr(head.unit),
                       units=repr(unit_col)),
            Message.of("exp.area_unit_one"))


def _area_unit_column(raw: pd.DataFrame, mapping: dict[str, str], header_notes: list) -> str | None:
    """The column giving the area's unit row by row (``面积`` with ``面积单位``), when the area
    header states no unit; its header note then says where the units come from."""
    area = [c for c, v in mapping.items() if v == "area_ha"]
    if len(area) != 1 or read_header(area[0]).unit is not None:
        return None
    unit_col = _area_units_candidate(raw, mapping)
    if unit_col is None:
        return None
    units = [unit_col]
    note = Message.of("val.area_unit_column", header=repr(area[0]), units=repr(units[0]))
    header_notes[:] = [(c, o, note if c == "area_ha" else m) for c, o, m in header_notes]
    if not any(c == "area_ha" for c, _, _ in header_notes):
        header_notes.append(("area_ha", area[0], note))
    return units[0]


def _area_unit_assumed(mapping: dict[str, str], header_notes: list) -> tuple[str, object] | None:
    """The area header read in a unit it does not state (面积 in 亩: ``HeaderRead.assumed``) and the note saying
    so, taken out of the header notes: it is reported on every row with an area instead, so that the warning
    names the rows read so and their number (a file read whole or in chunks alike); None for any other area
    header."""
    area = [c for c, v in mapping.items() if v == "area_ha"]
    if len(area) != 1 or read_header(area[0]).assumed is None:
        return None
    note = next((m for c, o, m in header_notes if c == "area_ha" and o == area[0]), None)
    header_notes[:] = [t for t in header_notes if not (t[0] == "area_ha" and t[1] == area[0])]
    return area[0], note


def _check_unit_columns(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], area_units: str | None) -> None:
    """Stop the file when a column named only 单位/unit (not the area's unit column) holds units
    (``μg/kg`` beside 汞): which column they belong to cannot be told, and reading its
    neighbour in the registry unit would be a silent conversion."""
    for c, v in mapping.items():
        if c == area_units or v in C.COLUMNS or header_key(c) not in AREA_UNIT_HEADERS:
            continue
        vals = [u for u in pd.unique(as_text(raw[c]).to_numpy(object)) if u]
        if vals and all(is_unit_text(u) for u in vals):
            col.add_file(c, "error", Message.of("val.unit_column", column=repr(c), units=", ".join(vals[:3])),
                         Message.of("exp.unit_in_header"))
            col.error_rows[:] = True  # a file-level error: no row is read with a unit left unplaced


def _ha_factors(units: np.ndarray) -> np.ndarray:
    """Factor to ha of each unit of area as written (亩, 公顷, ha, mu, 平方米 …; :func:`unit_factor`, each
    distinct unit read once); NaN for a blank or unknown unit."""
    codes, uniques = pd.factorize(units)
    per = np.full(len(uniques), np.nan)
    for i, u in enumerate(uniques.tolist()):
        try:
            per[i] = unit_factor(u, "ha") if u else np.nan
        except UnitReadError:
            pass
    return per[codes] if len(uniques) else np.full(len(units), np.nan)


def _area_row_factors(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], unit_col: str,
                      cell_unit: np.ndarray | None = None) -> np.ndarray:
    """Factor to ha of every row from its unit in ``unit_col`` (亩, 公顷, ha, mu, 平方米 …); a row
    with an area but a blank or unknown unit is rejected (factor NaN), unless its area cell gives the unit
    (``cell_unit``, :func:`_area_cell_factors`)."""
    area_col = next(c for c, v in mapping.items() if v == "area_ha")
    units = as_text(raw[unit_col])
    factor = _ha_factors(units.to_numpy(object))
    has_area = ~na_cells(as_text(raw[area_col]))
    bad = has_area & np.isnan(factor)
    if cell_unit is not None:
        bad = bad & ~(cell_unit & units.eq("").to_numpy(bool))
    col.add(bad, "area_ha", units.to_numpy(object), "error",
            Message.of("val.area_unit_unknown", units=repr(unit_col)),
            Message.of("exp.area_unit"))
    return factor


#: An area cell written with its unit ('2.5亩', '1.2公顷', '800平方米', '800m²', '0.5 ha'; after NFKC).
_AREA_CELL = r"^\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s.,].*?)\s*$"


@dataclass
class _AreaCells:
    """The area cells written with a unit of area: which rows, the number and the unit as written, and the
    unit's factor to ha."""

    given: np.ndarray
    num: np.ndarray
    unit: np.ndarray
    factor: np.ndarray


def _area_cell_units(raw: pd.DataFrame, mapping: dict[str, str]) -> _AreaCells | None:
    """The area cells that write their unit after the number (亩, 公顷, 平方米, m², ha, mu …: a unit of area
    :func:`unit_factor` knows); None when the area column has none. A cell with another word ('3 英亩',
    '2 块') is not one: it stays a number with a label, rejected (:func:`_check_numbers`)."""
    area = [c for c, v in mapping.items() if v == "area_ha"]
    if len(area) != 1 or isinstance(raw[area[0]], pd.DataFrame) or _plain_numbers(raw[area[0]]):
        return None
    parts = as_text(raw[area[0]]).map(_nfkc).str.extract(_AREA_CELL)
    if parts["unit"].isna().all():
        return None
    units = parts["unit"].fillna("").to_numpy(object)
    factor = _ha_factors(units)
    given = ~np.isnan(factor)
    if not given.any():
        return None
    num = pd.to_numeric(parts["num"], errors="coerce").to_numpy(float)
    return _AreaCells(given=given, num=np.where(given, num, np.nan), unit=np.where(given, units, ""),
                      factor=factor)


def _area_cell_factors(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], cells: _AreaCells,
                       factor, unit_col: str | None) -> np.ndarray:
    """Factor to ha of every row, the unit written in an area cell ('2.5亩') taking the place of the header's.

    A header or unit column that states a unit (面积（亩）, ``area_ha``, 面积单位) and a cell unit that agrees
    with it: read, noted. A header that states none (面积, read as 亩; ``area``, read as ha): the cell's unit is
    used, warned. A cell unit that contradicts the header's or the unit column's: the row is rejected naming
    both units (which is meant cannot be told)."""
    area_col = next(c for c, v in mapping.items() if v == "area_ha")
    head = read_header(area_col)
    n = len(cells.given)
    base = np.broadcast_to(np.asarray(factor, dtype=float), (n,)).copy()
    if unit_col is not None:  # the unit column's unit of each row (blank: none stated)
        stated_unit = as_text(raw[unit_col]).to_numpy(object)
        stated = np.array([bool(u) for u in stated_unit], bool) & ~np.isnan(base)
        where = np.array([Message.of("val.area_cell_unit_column", units=repr(unit_col))] * n, dtype=object)
    elif head.unit is not None or (head.note_msg is None and head.assumed is None):  # 面积（亩）, area_ha
        stated_unit = np.full(n, head.unit or "ha", dtype=object)
        stated = np.ones(n, bool)
        where = np.array([Message.of("val.area_cell_unit_header", header=repr(area_col))] * n, dtype=object)
    else:  # 面积 (亩 assumed), area (ha assumed): no unit stated
        stated_unit, stated, where = np.full(n, "", dtype=object), np.zeros(n, bool), np.full(n, None, object)
    with np.errstate(invalid="ignore"):
        agree = np.isclose(cells.factor, base, rtol=1e-9)
    conflict = cells.given & stated & ~agree
    agreed = cells.given & stated & agree
    used = cells.given & ~stated
    text = as_text(raw[area_col]).to_numpy(object)
    col.add(conflict, "area_ha", text, "error",
            lambda rows: [Message.of("val.area_cell_unit_conflict", unit=repr(cells.unit[i]), where=where[i],
                                     stated=repr(stated_unit[i])) for i in rows],
            Message.of("exp.area_unit_one"))

    def read(rows):
        return [Message.of("val.area_cell_unit", unit=repr(cells.unit[i]), ha=float(cells.num[i] * cells.factor[i]))
                for i in rows]

    col.add(agreed, "area_ha", text, "note", read)
    col.add(used, "area_ha", text, "warning", read)
    out = np.where(cells.given, cells.factor, base)
    out[conflict] = np.nan
    return out


def _unused_formulas(raw: pd.DataFrame, attrs: dict, mapping: dict[str, str]) -> pd.DataFrame:
    """The formulas without a saved value (``formula`` row problems of the reader) in a column the plan does not
    use (备注 ``=HYPERLINK(…)``: no registered column, no area-unit or sampling-date column) taken out of
    ``attrs['row_problems']`` (in place): each is a warning of its row (``attrs['row_warnings']``) and its formula
    text is passed through in its cell (outputs quote it), so the row is read; a formula in a used column still
    makes its row unreadable. Returns ``raw`` (a copy where a cell was filled)."""
    problems = attrs.get("row_problems") or []

    def unused(column) -> bool:
        canon = mapping.get(column)
        key = header_key(str(column))
        return (canon is not None and canon not in C.COLUMNS and key not in AREA_UNIT_HEADERS
                and not SAMPLING_DATE_HEADER.match(re.sub(r"\s|[（(][^）)]*[）)]$", "", str(column))))

    moved = [rp for rp in problems if rp.get("formula") and unused(rp["column"])]
    if not moved:
        return raw
    # a row with another problem (a formula in a used column too) stays unreadable; this cell is said still
    raw = raw.copy()
    warnings = list(attrs.get("row_warnings") or [])
    for rp in moved:
        raw.at[raw.index[rp["row"]], rp["column"]] = rp["value"]
        msg = Message.of("val.formula_unused", formula=rp["value"])
        warnings.append(dict(row=rp["row"], column=rp["column"], value=rp["value"], problem=render(msg, "en"),
                             problem_msg=msg.encode(), expected=""))
    attrs["row_problems"] = [rp for rp in problems if not any(rp is m for m in moved)]
    attrs["row_warnings"] = warnings
    return raw


def _report_unreadable_rows(col: Collector, row_problems: list, mapping: dict[str, str], n: int) -> None:
    """Reject the rows the reader could not read as they stand, with the reader's problem only."""
    for rp in row_problems:
        col.unreadable[rp["row"]] = True
    for rp in row_problems:
        one = np.zeros(n, bool)
        one[rp["row"]] = True
        col.add(one, mapping.get(rp["column"], rp["column"]), np.full(n, rp["value"], dtype=object), "error",
                _as_message(rp, "problem"), _as_message(rp, "expected"), force=True)


def _report_reader_warnings(col: Collector, row_warnings: list, mapping: dict[str, str], n: int) -> None:
    """Warn on the rows the reader found doubtful but read (a GIS feature whose area field differs
    from its polygon's area, parcels that overlap), each a dict like a row problem; the row is planned.
    The warnings are added in groups of one column and one expectation, a row's k-th warning of a column in
    the k-th group (one table per group, not per warning: a layer may have a warning on most rows)."""
    groups: dict = {}
    count: dict = {}
    for rw in row_warnings:
        k = count[(rw["row"], rw["column"])] = count.get((rw["row"], rw["column"]), -1) + 1
        exp = _as_message(rw, "expected")
        key = (rw["column"], exp.encode() if isinstance(exp, Message) else str(exp), k)
        groups.setdefault(key, (exp, {}))[1][rw["row"]] = rw
    for (column, _, _), (exp, by_row) in groups.items():
        rows = np.fromiter(by_row, dtype=np.int64)
        mask = np.zeros(n, bool)
        mask[rows] = True
        values = np.full(n, "", dtype=object)
        values[rows] = [str(by_row[r]["value"]) for r in rows]
        col.add(mask, mapping.get(column, column), values, "warning",
                lambda idx, b=by_row: [_as_message(b[int(i)], "problem") for i in idx], exp)


#: Plot ids that label a total or summary row of a county sheet (合计 …, the statistics rows 平均值,
#: 最大值, 标准差 …), compared lower-case with spaces removed.
TOTAL_LABELS = frozenset({"合计", "小计", "总计", "累计", "汇总", "平均", "平均值", "均值", "total", "totals",
                          "subtotal", "sum", "average", "mean", "最大值", "最小值", "最大", "最小", "标准差",
                          "标准偏差", "中位数", "中值", "变异系数", "极差", "几何均值", "几何平均值", "算术平均值",
                          "样本数", "样品数", "点位数", "max", "min", "maximum", "minimum", "std", "sd",
                          "median", "cv"})

#: A cell labelling the total of a group of plots (罗家村小计, 花石镇合计), in a row with a blank plot id.
SUBTOTAL_CELL = r"^\S+(?:小计|合计|总计)$"

#: The signature, note and date cells of the lines under a county sheet (:func:`agriremed.io.readers.footer_line`).
FOOTER_CELL, NOTE_CELL, FOOTER_DATE = FOOTER_CELL, NOTE_CELL, FOOTER_DATE


def repeated_header_rows(raw: pd.DataFrame | None, unreadable: np.ndarray | None = None) -> np.ndarray:
    """Rows that repeat the header inside the table (a printed table continued on a new page, 续表): the plot-id
    cell is the plot-id header as written, and at least one more cell is its own column's header; blank cells
    and columns added in reading (a joined region, a township from the sheet name) do not count against it.

    >>> t = pd.DataFrame({"点位编号": ["SF-01", "点位编号"], "乡镇": ["井字镇", "乡镇"], "pH": ["5.3", "PH"]})
    >>> repeated_header_rows(t).tolist()
    [False, True]
    """
    n = 0 if raw is None else len(raw)
    out = np.zeros(n, bool)
    if not n:
        return out
    pid = next((c for c in raw.columns if read_header(str(c)).error is None
                and read_header(str(c)).canonical == "plot_id"), None)
    if pid is None:
        return out

    def key(s) -> pd.Series:
        return as_text(s).str.replace(r"\s+", "", regex=True).str.lower()

    def head(c) -> str:
        return re.sub(r"\s+", "", str(c)).lower()

    cand = key(raw[pid]).eq(head(pid)).to_numpy(bool).copy()
    if unreadable is not None:
        cand &= ~unreadable
    if not cand.any():
        return out
    idx = np.flatnonzero(cand)
    part = raw.iloc[idx]
    same = np.zeros(len(idx), np.int64)
    for c in part.columns:
        if c != pid:
            same += key(part[c]).eq(head(c)).to_numpy(bool)
    out[idx] = same >= 1
    return out


def _total_and_footer_rows(plot_ids: np.ndarray, raw: pd.DataFrame | None, unreadable: np.ndarray,
                           written: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rows of a county sheet that are not plots (:func:`_report_total_rows`): its total or summary
    rows and its signature and note lines, each a mask (a row is in one of them at most); rows
    already ``unreadable`` are in neither. ``written``: the cells as written (before a region is filled in from
    the title), where a signature line is looked for; ``raw`` where not given."""
    ids = np.array([str(v).replace(" ", "").replace("\u3000", "").lower() if isinstance(v, str) else ""
                    for v in plot_ids], dtype=object)
    total = np.isin(ids, list(TOTAL_LABELS)) & ~unreadable
    footer = pd.Series(ids, dtype=object).str.contains(NOTE_CELL, regex=True).to_numpy(bool) & ~unreadable
    blank = (ids == "") & ~unreadable
    if raw is not None and blank.any():
        idx = np.flatnonzero(blank)
        part = raw.iloc[idx]
        for c in part.columns:
            t = as_text(part[c])
            key = t.str.replace(r"\s+", "", regex=True).str.lower()
            total[idx] |= (key.isin(TOTAL_LABELS) | key.str.contains(SUBTOTAL_CELL, regex=True)).to_numpy(bool)
            footer[idx] |= (t.str.contains(FOOTER_CELL, regex=True) | t.str.contains(NOTE_CELL, regex=True)
                            ).to_numpy(bool)
    if raw is not None:  # 审核人：张三 in the plot-id column, 制表：王五, 2024年6月: every filled cell a footer text
        footer |= _footer_lines(raw if written is None else written) & ~unreadable
    footer &= ~total
    return total, footer


def _footer_lines(raw: pd.DataFrame) -> np.ndarray:
    """Rows whose filled cells (at most three) are each a signature, note or date text
    (:func:`agriremed.io.readers.footer_line`)."""
    out = np.zeros(len(raw), bool)
    if not len(raw.columns) or not len(raw):
        return out
    given = raw.notna().to_numpy(bool)
    filled = given.sum(axis=1).astype(int)
    for j, dt in enumerate(raw.dtypes):
        if dt.kind not in "biufcmM":  # a number, flag or date is never blank text once written
            filled -= given[:, j] & ~raw.iloc[:, j].astype(str).str.strip().ne("").to_numpy(bool)
    cand = np.flatnonzero((filled >= 1) & (filled <= 3))  # the cells of a plot row are not read here
    if cand.size:
        ok = np.ones(cand.size, bool)
        part_rows = raw.iloc[cand]
        for c in raw.columns:
            part = as_text(part_rows[c]).str.strip()
            ok &= ((part == "") | part.str.contains(FOOTER_CELL, regex=True) | part.str.contains(NOTE_CELL, regex=True)
                   | part.str.match(FOOTER_DATE)).to_numpy(bool)
        out[cand] = ok
    return out


def _report_total_rows(col: Collector, plot_ids: np.ndarray, raw: pd.DataFrame | None = None,
                       written: pd.DataFrame | None = None) -> None:
    """Reject a total or summary row (its plot id is 合计, 小计, 平均值, 最大值, total …
    :data:`TOTAL_LABELS`, or its plot id is blank and another cell holds such a label, as when
    the label sits in a 序号 column, or a group's total label such as 罗家村小计 in a 村 column,
    :data:`SUBTOTAL_CELL`), a signature line under the sheet (a cell 审核人：…,
    填表人：… :data:`FOOTER_CELL`, with a blank plot id) and a note line (备注：…, 注：…
    :data:`NOTE_CELL`, in the plot-id cell or another cell of a row with a blank plot id; or a line whose every
    filled cell is such a text or a date, ``制表：王五``, ``2024年6月``, wherever it stands) and the header
    repeated inside the table (:func:`repeated_header_rows`) with that reason only: it is a row of the sheet,
    not a plot, so its cells are not checked."""
    total, footer = _total_and_footer_rows(plot_ids, raw, col.unreadable, written)
    header = repeated_header_rows(raw, col.unreadable | total | footer)
    for rows, code in ((total, "val.total_row"), (footer, "val.footer_row"), (header, "val.header_row")):
        if rows.any():  # a row of the sheet, not a plot: skipped (a note), not counted as rejected
            col.add(rows, "plot_id", plot_ids, "note", Message.of(code), Message.of("exp.plot_row"), force=True)
            col.unreadable |= rows
            col.skipped |= rows
            col.error_rows |= rows


#: Groups of land classes (``not_planned`` of ``land_classes.csv``) that are not farmland: forest, grassland,
#: construction and transport land, water, field ridges (田坎), bare rock. A row of such a class (a village
#: layer of 三调 parcels holds roads, ditches, house plots …) is out of the planner's scope: skipped with a note,
#: like a 合计 row, not rejected. 设施农用地 (``facility``: a greenhouse may hold a field whose land use the
#: officer gives) and a level-1 class (``level1``: 耕地, 其他土地 hold classes planned differently) stay errors
#: to correct.
OUT_OF_SCOPE_GROUPS = frozenset({"forest", "grassland", "construction", "transport", "water", "ridge", "bare_rock"})


def _report_out_of_scope_rows(col: Collector, raw: pd.DataFrame, mapping: dict[str, str]) -> dict:
    """Skip the rows whose land-use cell names a land class of the land-use classification (GB/T 21010 /
    三调: 农村道路, 沟渠, 农村宅基地, 田坎, 乔木林地 …) that is not farmland (:data:`OUT_OF_SCOPE_GROUPS`):
    each gets one note naming its class (``val.out_of_scope_row``), its other cells are not checked, and it
    is neither planned nor rejected. Returns row index → its :class:`~agriremed.core.names.LandClass`."""
    lu = [o for o, c in mapping.items() if c == "land_use"]
    if len(lu) != 1:
        return {}
    text, blank = _cell_text(raw[lu[0]], "land_use")
    low = text.str.lower().str.strip()
    cand = (~blank & ~col.unreadable & low.map(LAND_USE_ALIASES).isna().to_numpy(bool)
            & ~low.isin(LAND_USE_NOT_MODELLED).to_numpy(bool))
    if not cand.any():
        return {}
    classes = _frames.per_distinct(read_land_class, text.to_numpy(object)[cand])
    found = {int(i): lc for i, lc in zip(np.flatnonzero(cand), classes, strict=True)
             if lc is not None and lc.not_planned in OUT_OF_SCOPE_GROUPS}
    if not found:
        return {}
    rows = np.zeros(len(raw), bool)
    rows[list(found)] = True
    col.add(rows, "land_use", text.to_numpy(object), "note",
            lambda idx: [_out_of_scope_message(found[int(i)]) for i in idx], "", force=True)
    col.unreadable |= rows
    col.skipped |= rows
    col.error_rows |= rows
    return found


def _out_of_scope_message(lc) -> Message:
    """The note of a row skipped for its land class ``lc`` (not farmland); a construction class adds how a
    disused works or mine site is planned (as marginal land)."""
    msg = Message.of("val.out_of_scope_row", class_code=lc.code, name=lc.name, group=Message.of(f"lc.{lc.not_planned}"))
    if lc.not_planned == "construction":
        msg = msg + Message.of("val.land_class_brownfield_hint")
    return msg


def _note_out_of_scope_area(notes: list, out: pd.DataFrame, found: dict) -> list:
    """``notes`` and one more (how the input was read: on the console and in ``problems.csv``) for the rows
    skipped as land that is not farmland (``found``: :func:`_report_out_of_scope_rows`): per land class, in
    the order of its code, its rows and their area [ha] where the rows give one."""
    if not found:
        return notes
    area = (pd.to_numeric(pd.Series(out["area_ha"]), errors="coerce").to_numpy(float) if "area_ha" in out
            else np.full(len(out), np.nan))
    by: dict = {}
    for i, lc in found.items():
        by.setdefault((lc.code, lc.name), []).append(i)
    parts = Message()
    for (code, name), rows in sorted(by.items()):
        a = area[rows]
        if np.isnan(a).all():
            parts += Message.of("val.out_of_scope_class", class_code=code, name=name, n=len(rows))
        else:
            parts += Message.of("val.out_of_scope_class_area", class_code=code, name=name, n=len(rows),
                                area=float(f"{np.nansum(a):.4g}"))
    return [*notes, Note.of("val.out_of_scope_rows", n=len(found), classes=parts)]


#: A header naming when a soil sample was taken (采样日期, 采样时间, 年份, 监测年度, sampling date, year), compared
#: with its spaces and a bracketed tail (a unit or format: 采样日期（年/月/日）) removed.
SAMPLING_DATE_HEADER = re.compile(r"(?i)^(?:(?:采样|取样|采集|监测|检测|调查)?(?:日期|时间|年份|年度)|年份|年度|"
                                  r"(?:sampling|sample|collection|survey)?_?(?:date|year))$")


@dataclass(frozen=True)
class _Rounds:
    """The sampling rounds of the plots sampled more than once (:func:`_sampling_rounds`): ``column`` the
    date column's header; ``earlier`` row index of an earlier round → row index of its plot's latest round
    (-1 where that round is a row of another chunk of the input); ``dates`` each row's date as written;
    ``n_plots`` the plots of the whole input sampled in several rounds; ``start`` the rows of the input before
    this table (a chunk's); ``outside`` row index of an earlier round whose latest round is in another chunk →
    (its input row, 0-based; its date as written; its soil metals, column → mg/kg)."""

    column: str
    earlier: dict
    dates: np.ndarray
    n_plots: int = 0
    start: int = 0
    outside: dict = field(default_factory=dict)


#: The value of a sampling date that is none (a blank or unreadable cell) in :func:`sample_date_values`.
NO_DATE = np.iinfo(np.int64).min


#: The first and last day read as a sampling date from a number (:func:`number_date`): a spreadsheet's day
#: number (the serial of an unformatted date cell, 45425) or an 8-digit date (20230510) outside these days is
#: not read as a date. A plausibility bound of the input format chosen for this project (no source): county
#: soil surveys from 1980 on.
NUMBER_DATE_FIRST = pd.Timestamp(1980, 1, 1)
NUMBER_DATE_LAST = pd.Timestamp(2100, 12, 31)
#: Day 0 of the day numbers of Excel and WPS (1900 date system; day 60, the 29 February 1900 they count, lies
#: before :data:`NUMBER_DATE_FIRST`).
EXCEL_DAY_ZERO = pd.Timestamp(1899, 12, 30)


def number_date(cell) -> tuple[pd.Timestamp, str] | None:
    """A sampling-date cell written as a number, read as a date: (the date, ``serial`` or ``yyyymmdd``) for a
    spreadsheet's day number (an unformatted date cell: 45425 → 2024-05-13, a time of day kept) or an 8-digit
    date that is a valid day (20230510), within :data:`NUMBER_DATE_FIRST` … :data:`NUMBER_DATE_LAST`; None for
    any other cell (a year, 2021, stays a year).

    >>> number_date(45425), number_date("20230510"), number_date("20231340"), number_date(2021)
    ((Timestamp('2024-05-13 00:00:00'), 'serial'), (Timestamp('2023-05-10 00:00:00'), 'yyyymmdd'), None, None)
    """
    if cell is None or isinstance(cell, bool) or (isinstance(cell, float) and np.isnan(cell)):
        return None
    if isinstance(cell, (int, float, np.integer, np.floating)):
        t = _number_text(cell)
    elif isinstance(cell, str):
        t = _nfkc(cell).strip()
    else:
        return None
    if re.fullmatch(r"\d{8}(?:\.0+)?", t):
        d = t[:8]
        try:
            ts = pd.Timestamp(int(d[:4]), int(d[4:6]), int(d[6:8]))
        except ValueError:
            return None
        kind = "yyyymmdd"
    elif re.fullmatch(r"\d{5}(?:\.\d+)?", t):
        ts = (EXCEL_DAY_ZERO + pd.Timedelta(days=float(t))).round("min")
        kind = "serial"
    else:
        return None
    return (ts, kind) if NUMBER_DATE_FIRST <= ts.normalize() <= NUMBER_DATE_LAST else None


def _sample_date(cell):
    """A sampling-date cell as a sortable :class:`pandas.Timestamp` (a date, a date and time, a year such
    as 2021 or 2021年 read as its 1 January, a number that is a date: :func:`number_date`); None where it is
    none."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return None
    if isinstance(cell, (pd.Timestamp, np.datetime64)) or hasattr(cell, "year") and hasattr(cell, "month"):
        return pd.Timestamp(cell)
    nd = number_date(cell)
    if nd is not None:
        return nd[0]
    t = _nfkc(str(cell)).strip()
    if isinstance(cell, (int, float, np.integer, np.floating)) or re.fullmatch(r"\d{4}(?:\.0)?年?", t):
        y = re.match(r"\d{4}", t)
        return pd.Timestamp(int(y.group()), 1, 1) if y and 1900 <= int(y.group()) <= 2100 else None
    t = re.sub(r"[年月]", "-", t).replace("日", "").replace("/", "-").replace(".", "-").strip("-")
    if not re.fullmatch(r"\d{4}-\d{1,2}(?:-\d{1,2})?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", t):
        return None
    try:
        return pd.Timestamp(t)
    except (ValueError, OverflowError):
        return None


def _sample_date_value(cell) -> int:
    """A sampling-date cell (:func:`_sample_date`) as nanoseconds since 1970 [ns]; :data:`NO_DATE` where none."""
    ts = _sample_date(cell)
    return NO_DATE if ts is None or ts is pd.NaT else int(ts.value)


def sample_date_values(cells) -> np.ndarray:
    """Each sampling-date cell (a column :data:`SAMPLING_DATE_HEADER`) as a sortable number, nanoseconds since
    1970 (a year read as its 1 January; :data:`NO_DATE` where the cell gives no date), read once per distinct
    cell: 8 bytes a row, what the first pass over a streamed input keeps of the column."""
    cells = np.asarray(cells, dtype=object)
    return _frames.per_distinct(_sample_date_value, cells).astype(np.int64) if len(cells) else np.zeros(0, np.int64)


def _date_text(cell) -> str:
    """A sampling-date cell as written (a date read from a spreadsheet as 2021-05-10)."""
    nd = number_date(cell)
    if nd is not None:  # a day number (45425) or 20230510: the date it gives
        cell = nd[0]
    if isinstance(cell, (pd.Timestamp, np.datetime64)) or hasattr(cell, "year") and hasattr(cell, "month"):
        ts = pd.Timestamp(cell)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")
    text = _number_text(cell) if isinstance(cell, (int, float)) else str(cell).strip()
    return re.sub(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(?::00)?$", r"\1", text)  # a spreadsheet date without its time


def _round_columns(mapping: dict[str, str], dups: list[str]) -> tuple[str, str, str | None] | None:
    """(date header, plot id header, crop header or None) of a table whose sampling rounds are read
    (:func:`_sampling_rounds`): one date column (:data:`SAMPLING_DATE_HEADER`), one plot id column; None else."""
    date_cols = [o for o, c in mapping.items() if c not in C.COLUMNS
                 and SAMPLING_DATE_HEADER.match(re.sub(r"[\s]|[（(][^）)]*[）)]$", "", str(o)))]
    pid = [o for o, c in mapping.items() if c == "plot_id"]
    if len(date_cols) != 1 or len(pid) != 1 or "plot_id" in dups:
        return None
    crop_col = next((o for o, c in mapping.items() if c == "crop" and c not in dups), None)
    return date_cols[0], pid[0], crop_col


#: The separator of the cells of :func:`place_key_texts`.
PLACE_KEY_SEP = "\x1f"


def place_key_texts(raw: pd.DataFrame) -> np.ndarray:
    """Each row's place and land-use cells (:func:`row_keys` of the kinds :data:`PLACE_KEY_CANONS`) as one text,
    the cells joined by :data:`PLACE_KEY_SEP` (a blank cell empty): what :func:`round_rows` compares."""
    keys = row_keys(raw)
    out = np.empty(len(raw), dtype=object)
    out[:] = [PLACE_KEY_SEP.join(v for k, v in r if k in PLACE_KEY_CANONS) for r in keys]
    return out


def _places_differ(g: np.ndarray, places) -> np.ndarray:
    """Per group of ``g`` (codes 0 …): whether its rows' place texts (:func:`place_key_texts`) differ in a cell
    that more than one row fills."""
    bad = np.zeros(g.max() + 1, bool)
    cells = [str(p).split(PLACE_KEY_SEP) if isinstance(p, str) and p else [] for p in places]
    width = max((len(c) for c in cells), default=0)
    for j in range(width):
        v = pd.Series([c[j] if j < len(c) and c[j] != "" else None for c in cells], dtype=object)
        nu = v.groupby(g).nunique()
        bad[nu.index.to_numpy()[nu.to_numpy() > 1]] = True
    return bad


def round_rows(ids: np.ndarray, dates: np.ndarray, crops: np.ndarray,
               places: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The earlier sampling rounds among rows that may be rounds (plot ``ids``, sampling ``dates`` as
    :func:`sample_date_values` gives them, ``crops`` any codes of the crop cells as written), vectorised:
    a plot id on several rows whose dates are all given and differ, unless the rows grow different crops within
    one calendar year (the seasons of one field), or lie in different places or land uses (``places``:
    :func:`place_key_texts`; rows of one id in two townships are two plots, duplicates). Returns (positions of
    the earlier rounds, ascending; the position of each one's plot's latest round, its first row of the latest
    date)."""
    n = len(ids)
    none = np.zeros(0, np.int64)
    if n < 2:
        return none, none
    g = pd.factorize(pd.Series(ids, dtype=object))[0]
    d = np.asarray(dates, dtype=np.int64)
    nodate = d == NO_DATE
    years = np.where(nodate, 0, d).astype("datetime64[ns]").astype("datetime64[Y]").astype(np.int64)
    frame = pd.DataFrame({"g": g, "d": d, "c": pd.factorize(pd.Series(crops, dtype=object))[0], "y": years,
                          "none": nodate})
    by = frame.groupby("g", sort=False)
    size, undated = by.size(), by["none"].any()
    nd, nc, ny, last = by["d"].nunique(), by["c"].nunique(), by["y"].nunique(), by["d"].max()
    rounds = (size >= 2) & ~undated & (nd >= 2) & ~((nc > 1) & (ny == 1))
    if places is not None:
        rounds &= ~_places_differ(g, places)[rounds.index.to_numpy()]
    ok = np.zeros(g.max() + 1, bool)
    ok[rounds.index[rounds.to_numpy(bool)]] = True
    top = np.full(g.max() + 1, NO_DATE, np.int64)
    top[last.index.to_numpy()] = last.to_numpy(np.int64)
    rows = ok[g]
    earlier = np.flatnonzero(rows & (d < top[g]))
    at_last = np.flatnonzero(rows & (d == top[g]))
    first = np.full(g.max() + 1, -1, np.int64)
    first[g[at_last][::-1]] = at_last[::-1]  # the first row of each plot's latest date
    return earlier, first[g[earlier]]


def round_keys(raw: pd.DataFrame) -> tuple[np.ndarray, tuple | None]:
    """What the first pass over a streamed input keeps of a chunk of raw rows (as :func:`validate_plots` reads
    them) to read the sampling rounds of the whole input: (the rows skipped as not plots — 合计 rows, notes,
    land that is not farmland —, whose plot ids are no plot's; and, where the table has a sampling-date
    column :func:`_sampling_rounds` reads, (date header, the rows that may be rounds (0-based), their plot ids,
    sampling dates :func:`sample_date_values`, crop cells as written), else None)."""
    n = len(raw)
    mapping, _, header_notes, header_errors = _map_headers(raw)
    _cut_unit_headers(raw.attrs.get("cut_units") or {}, mapping, header_notes, header_errors)
    _first_of_several(mapping, header_notes, ("land_use", "crop"))
    _first_plot_id(mapping, header_notes)
    canon_cols = list(mapping.values())
    dups = sorted({c for c in canon_cols if canon_cols.count(c) > 1 and not _is_crop_metal(c)})
    pid_col = next((c for c, v in mapping.items() if v == "plot_id"), None)
    plot_ids = as_text(raw[pid_col]).to_numpy(object) if pid_col is not None else np.full(n, "", dtype=object)
    col = Collector(n, plot_ids)
    attrs = dict(raw.attrs)
    raw = _unused_formulas(raw, attrs, mapping)
    for rp in attrs.get("row_problems") or []:
        col.unreadable[rp["row"]] = True
    _report_total_rows(col, plot_ids, raw)
    _report_out_of_scope_rows(col, raw, mapping)
    cols = _round_columns(mapping, dups)
    if cols is None:
        return col.skipped, None
    date_col, pid, crop_col = cols
    ids = as_text(raw[pid]).str.strip().to_numpy(object)
    rows = np.flatnonzero(~col.unreadable & (ids != ""))
    crops = (as_text(raw[crop_col].iloc[rows]).str.strip().to_numpy(object) if crop_col is not None
             else np.full(len(rows), "", dtype=object))
    return col.skipped, (date_col, rows, ids[rows], sample_date_values(raw[date_col].to_numpy(object)[rows]), crops,
                         place_key_texts(raw.iloc[rows]))


@dataclass(frozen=True)
class InputRounds:
    """The sampling rounds of a whole input read in chunks (:func:`agriremed.engine.stream.plan_stream`, the dask
    backend), found in a first pass over the date and plot id columns (:func:`round_keys`, :func:`round_rows`):
    ``column`` the date header; ``earlier`` the input rows (0-based, ascending) of the earlier rounds and
    ``latest`` the input row of each one's plot's latest round; ``n_plots`` the plots with rounds; ``outside``
    latest input row → (its date as written, its soil metals: column → mg/kg) for the latest rounds read in
    another chunk than one of their earlier rounds (:meth:`split`, filled by a second pass). A chunk's share
    (:meth:`of_chunk`) travels in its ``attrs['sampling_rounds_in_input']``."""

    column: str
    earlier: np.ndarray
    latest: np.ndarray
    n_plots: int
    outside: dict = field(default_factory=dict)

    def split(self, starts) -> np.ndarray:
        """The latest rounds (input rows, ascending) read in another chunk than one of their earlier rounds;
        ``starts``: the first input row of each chunk."""
        s = np.asarray(starts, dtype=np.int64)
        chunk = np.searchsorted(s, self.earlier, side="right"), np.searchsorted(s, self.latest, side="right")
        return np.unique(self.latest[chunk[0] != chunk[1]])

    def of_chunk(self, start: int, n: int) -> _Rounds:
        """The rounds of the chunk of ``n`` rows after ``start`` rows of the input (its rows' dates as written
        are filled in by :func:`_sampling_rounds`)."""
        a, b = np.searchsorted(self.earlier, [start, start + n])
        earlier, outside = {}, {}
        for i, j in zip(self.earlier[a:b].tolist(), self.latest[a:b].tolist(), strict=True):
            inside = start <= j < start + n
            earlier[i - start] = j - start if inside else -1
            if not inside:
                outside[i - start] = (j, *self.outside.get(j, ("", {})))
        return _Rounds(self.column, earlier, np.zeros(0, dtype=object), self.n_plots, start, outside)


def input_rounds(keys: list, skipped_rows: np.ndarray | None = None) -> InputRounds | None:
    """The sampling rounds of a whole input (:class:`InputRounds`) from each chunk's :func:`round_keys`
    (``keys``: (first input row of the chunk, its keys or None) in input order); None where no chunk has a
    date column, or the chunks name it differently."""
    given = [(s, k) for s, k in keys if k is not None]
    if not given or len(given) != len(keys) or len({k[0] for _, k in given}) != 1:
        return None
    rows = np.concatenate([s + k[1] for s, k in given]).astype(np.int64)
    ids = np.concatenate([k[2] for _, k in given])
    dates = np.concatenate([k[3] for _, k in given])
    crops = np.concatenate([k[4] for _, k in given])
    places = np.concatenate([k[5] for _, k in given]) if all(len(k) > 5 for _, k in given) else None
    earlier, latest = round_rows(ids, dates, crops, places)
    return InputRounds(given[0][1][0], rows[earlier], rows[latest], len(pd.unique(ids[earlier])))


def round_latest_values(rows: pd.DataFrame, tables: Tables | None = None) -> list[tuple[str, dict]]:
    """The date as written and the soil metals (column → mg/kg, as :func:`validate_plots` reads them) of each of
    ``rows`` (raw rows of latest sampling rounds, :meth:`InputRounds.split`), for the notes of their earlier
    rounds read in other chunks."""
    if not len(rows):
        return []
    raw = rows.reset_index(drop=True)
    mapping = _map_headers(raw)[0]
    date_col = next((o for o, c in mapping.items() if c not in C.COLUMNS
                     and SAMPLING_DATE_HEADER.match(re.sub(r"[\s]|[（(][^）)]*[）)]$", "", str(o)))), None)
    texts = (_frames.per_distinct(_date_text, raw[date_col].to_numpy(object)) if date_col is not None
             else np.full(len(raw), "", dtype=object))
    out = _validated_rows(raw, tables or load_tables(), {}, None, (), None)[2]
    metals = {c: pd.to_numeric(pd.Series(out[c]), errors="coerce").to_numpy(float)
              for c in (C.metal_column(m) for m in C.METALS) if c in out}
    return [(str(texts[k]), {c: float(v[k]) for c, v in metals.items()}) for k in range(len(raw))]


def _sampling_rounds(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], dups: list[str],
                     in_input: _Rounds | None = None, written: pd.DataFrame | None = None) -> _Rounds | None:
    """The plots sampled in several rounds: a plot id on several rows whose sampling dates (a column
    :data:`SAMPLING_DATE_HEADER`: 采样日期, 年份, sampling date …) are all given and differ. The latest round of
    each such plot is planned; the rows of its earlier rounds are skipped (not planned, not rejected; their
    note is written by :func:`_note_earlier_rounds`). Rows of one plot with the same date stay duplicates; rows
    of one plot whose crops differ within one calendar year stay the season rows of one field. None without a
    date column. ``in_input``: a chunk's share of the rounds of the whole input (:meth:`InputRounds.of_chunk`),
    found in a first pass over it, in place of the rounds within the chunk. ``written``: the cells as written, whose
    places and land uses (:func:`place_key_texts`) tell rows of two plots sharing an id apart."""
    cols = _round_columns(mapping, dups)
    if cols is None:
        return None
    date_col, pid, crop_col = cols
    cells = raw[date_col].to_numpy(object)
    ids = as_text(raw[pid]).str.strip().to_numpy(object)
    if in_input is not None:
        rounds = replace(in_input, dates=_frames.per_distinct(_date_text, cells))
    else:
        crops = as_text(raw[crop_col]).str.strip().to_numpy(object) if crop_col is not None else np.full(len(raw), "")
        free = np.flatnonzero(~col.unreadable & (ids != ""))
        earlier, latest = round_rows(ids[free], sample_date_values(cells[free]), crops[free],
                                     place_key_texts((raw if written is None else written).iloc[free]))
        rounds = _Rounds(date_col, dict(zip(free[earlier].tolist(), free[latest].tolist(), strict=True)),
                         _frames.per_distinct(_date_text, cells), len(pd.unique(ids[free[earlier]])))
    if rounds.earlier:
        mask = np.zeros(len(raw), bool)
        mask[list(rounds.earlier)] = True
        col.unreadable |= mask
        col.skipped |= mask
        col.error_rows |= mask
    if rounds.n_plots:
        col.add_file(mapping[date_col], "note", Message.of("val.sampling_rounds", header=repr(date_col),
                                                          n=rounds.n_plots), "")
    # a date written as a number (an unformatted spreadsheet cell 45425, or 20230510): read, and said on its row
    numbered = _frames.per_distinct(lambda c: number_date(c) is not None, cells).astype(bool) & ~col.unreadable
    col.add(numbered, mapping[date_col], cells, "warning",
            lambda idx: [Message.of("val.sampling_date_number", kind=number_date(cells[i])[1],
                                    date=_date_text(cells[i])) for i in idx], "")
    return rounds


def _note_earlier_rounds(col: Collector, out: pd.DataFrame, rounds: _Rounds | None, tables: Tables) -> None:
    """The note of each skipped earlier sampling round (:func:`_sampling_rounds`): its date, its plot and the
    date of the round planned; and where a total soil metal of the earlier round was above its screening value
    (GB 15618, at the earlier round's land use and pH) and higher than in the round planned, that metal with
    both values."""
    if rounds is None or not rounds.earlier:
        return
    n = len(out)
    pid = (pd.Series(out["plot_id"], dtype=object).to_numpy(object) if "plot_id" in out
           else np.full(n, "", dtype=object))
    lu = pd.Series(out["land_use"], dtype=object).to_numpy(object) if "land_use" in out else np.full(n, None)
    ph = pd.to_numeric(pd.Series(out["ph"]), errors="coerce").to_numpy(float) if "ph" in out else np.full(n, np.nan)
    rows = np.array(sorted(rounds.earlier), dtype=np.int64)
    latest = np.array([rounds.earlier[i] for i in rows.tolist()], dtype=np.int64)
    inside = latest >= 0
    higher: dict = {i: Message() for i in rows.tolist()}
    for m in C.METALS:
        canon = C.metal_column(m)
        if canon not in out:
            continue
        v = pd.to_numeric(pd.Series(out[canon]), errors="coerce").to_numpy(float)
        now = np.where(inside, v[np.where(inside, latest, 0)], np.nan)
        for k in np.flatnonzero(~inside).tolist():
            now[k] = rounds.outside[int(rows[k])][2].get(canon, np.nan)
        before = v[rows]
        screen = band_screening(tables, m, lu[rows], ph[rows])
        # above its screening value, higher than (or unlike) now
        for k in np.flatnonzero((before > screen) & ~(before <= now)).tolist():
            higher[int(rows[k])] += Message.of("val.earlier_round_higher", metal=m, value=float(before[k]),
                                               screening=float(screen[k]),
                                               latest=f"{now[k]:g}" if now[k] == now[k] else "–")
    mask = np.zeros(n, bool)
    mask[rows] = True

    def message(i):
        i = int(i)
        j = rounds.earlier[i]
        row, date = (rounds.start + j, rounds.dates[j]) if j >= 0 else rounds.outside[i][:2]
        msg = Message.of("val.earlier_round", date=rounds.dates[i], plot=pid[i], latest=date, row=int(row) + 1)
        return msg + higher[i] if higher[i] else msg

    col.add(mask, "plot_id", pid, "note", lambda idx: [message(i) for i in idx], "", force=True)


def _skipped_ids_blank(raw: pd.DataFrame, mapping: dict[str, str], skipped: np.ndarray) -> pd.DataFrame:
    """``raw`` with the plot id of each skipped row blank (a skipped row shares its id with no plot): the
    table the repeated ids are looked for in."""
    pid = [o for o, c in mapping.items() if c == "plot_id"]
    if not skipped.any() or len(pid) != 1:
        return raw
    out = raw.copy()
    out[pid[0]] = out[pid[0]].astype(object).where(~pd.Series(skipped, index=raw.index), None)
    return out


def _as_message(item: dict, key: str):
    """``item[key]`` as its message (``<key>_msg``, encoded) where it has one, else the text."""
    enc = item.get(f"{key}_msg")
    return Message.decode(enc) if enc else item[key]


def assumed_covariates(tables: Tables) -> frozenset:
    """Plot columns whose typical value the plan assumes where the plot leaves them blank: the covariates of
    ``covariate_defaults.csv`` (``som_pct``, ``clay_pct`` where a crop's transfer function needs them; ``depth_m``,
    ``bulk_density_g_cm3`` for the soil mass); empty when the table is empty, as a scenario with ``assume_missing_covariates: false``
    leaves it (:func:`agriremed.engine.plan.run_tables`)."""
    df = getattr(tables, "covariate_defaults", None)
    if df is None or df.empty or "covariate" not in df:
        return frozenset()
    return frozenset(df["covariate"].dropna().astype(str).str.strip())


def _check_file(col: Collector, mapping: dict[str, str], header_notes, header_errors, dups: list[str],
                n: int, used=(), assumed=frozenset()) -> list[str]:
    """File-level checks (headers, duplicate, required, recommended and unknown columns, rows,
    metal columns); every row is rejected when one of them is an error. Returns the metals
    with a column. A missing recommended column in ``assumed`` (:func:`assumed_covariates`) is said to be
    assumed at its typical value where a crop function needs it, not to leave results blank."""
    canon_cols = list(mapping.values())
    for h in header_errors:
        col.add_file(h.header, "error", h.error_msg or h.error, h.expected_msg or h.expected)

    for canon, orig, note in header_notes:
        col.add_file(canon, header_note_severity(note), note)
    for d in dups:
        origs = [k for k, v in mapping.items() if v == d]
        col.add_file(d, "error", Message.of("val.dup_columns", column=d, headers=", ".join(map(repr, origs))),
                     Message.of("exp.each_once"))
    if n == 0:
        col.add_file("", "error", Message.of("val.no_rows"), Message.of("exp.at_least_one_plot"))
    missing_required = _check_required_columns(col, mapping)
    metals_present = C.present_metals(canon_cols)
    if not metals_present and not C.present_metals([h.canonical for h in header_errors]):  # else said
        col.add_file("", "error", Message.of("val.no_metal_column"),
                     Message.of("exp.at_least_one_of", columns=", ".join(C.metal_column(m) for m in C.METALS)))
    for r in [c.name for c in C.COLUMNS.values() if c.role == "input" and c.required == "recommended"]:
        if r not in canon_cols:
            code = ("val.missing_recommended_assumed_mass" if r in SOIL_MASS_COVARIATES else
                    "val.missing_recommended_assumed") if r in assumed else "val.missing_recommended"
            col.add_file(r, "warning", Message.of(code, column=r),
                         Message.of("exp.description", column=r))
    unknown = [c for c in canon_cols if c not in C.COLUMNS and canon_cols.count(c) == 1 and c not in used]
    original = {c: o for o, c in mapping.items()}
    for u in unknown:
        metal = other_metal(original.get(u, u))
        col.add_file(u, "warning", Message.of("val.other_metal_column", metal=metal) if metal
                     else Message.of("val.unused_column"), "")

    if missing_required or dups or n == 0 or not metals_present or header_errors:
        col.error_rows[:] = True
    return metals_present


def header_note_severity(note) -> str:
    """Severity of a note on how a header was read: ``note`` for a header only read under another
    name (``val.header_read``: 'pH' read as ph), ``warning`` for one whose unit was assumed or
    converted."""
    msg = note.message if isinstance(note, Note) else note
    return "note" if isinstance(msg, Message) and tuple(msg.codes) == ("val.header_read",) else "warning"


def _check_required_columns(col: Collector, mapping: dict[str, str]) -> list[str]:
    """Report the missing required columns (naming an unread header that looks like one);
    returns them."""
    canon_cols = list(mapping.values())
    required = [c.name for c in C.COLUMNS.values() if c.role == "input" and c.required == "required"]
    missing_required = [r for r in required if r not in canon_cols and r not in col.optional]
    unread = [c for c, v in mapping.items() if v not in C.COLUMNS]
    for r in missing_required:
        near = [c for c in unread if required_hint(c, r)]
        hint = Message.of("val.not_recognised", header=repr(near[0]), column=r) if near else Message()
        kcl = [c for c, v in mapping.items() if v == "ph_kcl"]
        if r == "ph" and kcl:  # pH(KCl) is its own column, never read as the water pH
            hint = Message.of("val.ph_kcl_not_ph", header=repr(kcl[0]), offset=ph_salt_offset())
        col.add_file(r, "error", Message.of("val.missing_required", column=r, hint=hint),
                     Message.of("exp.column_named", column=r))
    return missing_required


def _check_cells(col: Collector, raw: pd.DataFrame, attrs: dict, mapping: dict[str, str],
                 factors: dict[str, float], dups: list[str], tables: Tables,
                 elsewhere: dict | None = None, pending: dict | None = None,
                 area_cells: _AreaCells | None = None) -> pd.DataFrame:
    """Every cell checked and read, column by column: the table of values in canonical names
    and types (unknown columns passed through, duplicated ones left out); ``elsewhere``: the crops
    planned in the other season rows of each row's field (:func:`_season_siblings`). The total soil metals
    given below the detection limit are read as the limit; ``pending`` (filled) gets their cells (``cells``)
    and ``in_input`` for :func:`_check_censored`, which decides them once the rows' rotation land is known
    (its ``censored_metals`` column is placed here, blank). ``area_cells``: the area cells written with their
    unit (:func:`_area_cell_units`), read as their number (their factor is in ``factors``)."""
    comma_decimals = bool(attrs.get("decimal_comma", False))
    comma_file = attrs.get("separator") == ","  # comma-separated text: its decimal mark is a point
    comma_used: set[str] = set()
    marks = ((tuple(attrs["decimal_marks"]) if attrs.get("decimal_marks") is not None  # a chunk: the file's
              else _decimal_marks(raw, mapping)) if comma_decimals else (False, False))
    out = {}  # canonical name → values; the table is built once at the end
    degrees: dict[str, np.ndarray] = {}  # lat and lon as read, before the range checks
    censored: dict[str, tuple] = {}  # total soil metals given below the detection limit: column → (cells, rows)
    not_detected: dict[str, np.ndarray] = {}  # total soil metals 'ND' without a limit: column → rows
    linked, other_row = rice_season_rows(elsewhere or {}, len(raw))  # early and late rice of one field
    for orig, canon in mapping.items():
        if canon in dups or _is_crop_metal(canon):  # measured crop metals: read below, once the crop is known
            continue
        spec = C.COLUMNS.get(canon)
        if spec is not None and canon in C.PASSED_THROUGH and spec.dtype == "float":  # a number the reader wrote
            out[canon] = pd.to_numeric(as_text(raw[orig]).str.strip(), errors="coerce").to_numpy(float)
            continue
        if spec is None or spec.role != "input":
            out[canon] = raw[orig]
            continue
        if spec.dtype in ("float", "int"):
            cells = _read_numbers(raw[orig], canon, comma_decimals, marks, point_file=comma_file)
            if cells.comma_read:
                comma_used.add(canon)
            _read_written_forms(col, canon, spec, cells, area_cells)
            if canon in ("lat", "lon"):
                degrees[canon] = cells.num.copy()
            if _is_soil_total(spec):  # '<0.05': the limit, checked against screening below; 'ND': not measured
                cells, not_detected[canon] = _soil_not_detected(col, canon, cells)
                cells, rows = _censored(cells, factors.get(canon, 1.0))
                censored[canon] = (cells, rows)
            field = tables.factor("min_field_area_ha") if canon == "area_ha" else None
            defer = (_defer_blank_ph(canon, spec, cells, factors, pending)
                     or _defer_blank_assumed(canon, spec, cells, factors, pending, tables))
            out[canon] = _check_numbers(col, canon, spec, cells, factors.get(canon, 1.0), field,
                                        comma_file=attrs.get("separator") == ",", blank_deferred=defer)
            continue
        text, blank = _cell_text(raw[orig], canon)
        check = _TEXT_CHECKS.get(canon)
        if canon == "crop":
            out[canon] = _check_crop(col, canon, spec, text, blank, tables, linked)
            _keep_unlisted_crop(out, text, bool(attrs.get("unlisted_crops_in_input")))
        elif check is not None:
            out[canon] = check(col, canon, spec, text, blank, tables)
        elif spec.dtype == "category":
            out[canon] = _check_category(col, canon, spec, text, blank)
        else:  # text columns
            if spec.required == "required":
                col.add(blank, canon, text, "error", Message.of("val.required_blank"),
                        Message.of("exp.non_empty"))
            out[canon] = text.where(~pd.Series(blank, index=text.index), None).to_numpy(object)

    _pending_censored(col, out, censored, tables, bool(attrs.get("censored_in_input")), pending)
    _not_detected_column(out, not_detected, len(raw), bool(attrs.get("not_detected_in_input")))
    _read_other_metals(raw, mapping, out)
    _values_to_check(col, raw, attrs, mapping, out, tables,
                     {c: rows for c, (_, rows) in censored.items()})
    crop_col = next((o for o, c in mapping.items() if c == "crop" and c not in dups), None)
    if crop_col is not None:
        _read_rice_season(col, raw, mapping, dups, crop_col, out, linked, other_row,
                          bool(attrs.get("rice_seasons_in_input")))
    if crop_col is not None and "rice_seasons_per_yr" not in dups:
        _check_rice_seasons(col, raw, mapping, crop_col, out, tables, linked, other_row)
    if crop_col is not None and "crops_not_planned" not in mapping.values():
        _read_rotations(col, raw, mapping, crop_col, out, tables, elsewhere)
    if crop_col is not None and "rice_type" not in dups:
        _rice_type_from_crop(col, raw, crop_col, out)
    if crop_col is not None and "wheat_type" not in dups:
        _wheat_type_from_crop(raw, crop_col, out)
        _spring_wheat_in_winter_province(col, out, tables)
    comma_used |= _read_crop_metals(col, raw, mapping, out, tables, comma_decimals, marks,
                                    comma_file=attrs.get("separator") == ",")
    if comma_used:
        col.add_file(", ".join(sorted(comma_used)), "warning", Message.of("val.semicolon_file"))
    if "lat" in degrees and "lon" in degrees:
        _check_swapped_lat_lon(col, degrees["lat"], degrees["lon"], out, tables)
    return pd.DataFrame(out, index=raw.index) if out else pd.DataFrame(index=raw.index)


def _read_written_forms(col: Collector, canon: str, spec, cells: _Numbers, area_cells: _AreaCells | None) -> None:
    """Read (in place) the cells of a numeric column written in a form that says what they mean: an area with
    its unit ('2.5亩', :func:`_area_cell_units`), degrees-minutes-seconds, a pH label ('pH=5.2', '5.6（水）') and
    a range of a metal concentration or pH ('0.3~0.4', :func:`_read_ranges`)."""
    if canon == "area_ha" and area_cells is not None:
        cells.num = np.where(area_cells.given, area_cells.num, cells.num)
        cells.bad_text = cells.bad_text & ~area_cells.given
    if canon in ("lat", "lon"):
        _read_dms(col, canon, spec, cells)
    if canon == "ph":
        _read_ph_labels(col, canon, cells)
    if canon == "ph" or spec.group == "metal":  # '0.3~0.4': the conservative bound, warned
        _read_ranges(col, canon, cells, upper=canon != "ph")


def _read_crop_metals(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], out: dict, tables: Tables,
                      comma_decimals: bool, marks, comma_file: bool) -> set[str]:
    """The metals measured in the harvest (``crop_<metal>_mg_kg`` [mg kg⁻¹], :func:`_crop_metal_values`), read
    once the rows' crops are in ``out``, with the rows' values below a detection limit
    (``crop_censored_metals``) and on a dry-weight basis (``crop_dry_weight_metals``), all added to ``out``;
    returns the columns read with a decimal comma."""
    comma_used: set[str] = set()
    crop_censored: dict[str, np.ndarray] = {}
    dry: dict[str, np.ndarray] = {}
    for canon in dict.fromkeys(c for c in mapping.values() if _is_crop_metal(c)):
        cells = {orig: _read_numbers(raw[orig], canon, comma_decimals, marks, point_file=comma_file)
                 for orig, c in mapping.items() if c == canon}
        for c in cells.values():  # '0.1~0.2' measured in the harvest: the upper bound, warned
            _read_ranges(col, canon, c, upper=True)
        comma_used.update(canon for c in cells.values() if c.comma_read)
        out[canon], dry[canon], crop_censored[canon] = _crop_metal_values(col, canon, cells, out.get("crop"),
                                                                          tables, comma_file=comma_file)
    _crop_censored_column(out, crop_censored)
    if dry:
        out[C.CROP_DRY_WEIGHT] = _dry_weight_metals(dry)
    return comma_used


def _is_crop_metal(canon: str) -> bool:
    """Whether ``canon`` is a metal measured in the harvested crop (``crop_cd_mg_kg`` …)."""
    spec = C.COLUMNS.get(canon)
    return spec is not None and spec.group == "crop_metal"


def _dry_weight_metals(dry: dict[str, np.ndarray]) -> np.ndarray:
    """Per row, the metals (``cd+pb``; ``as_inorganic`` for inorganic As, :func:`crop_metal_code`) whose value
    measured in the harvest was read on a dry-weight basis (``dry``: crop metal column → rows), None where none
    was."""
    names = [crop_metal_code(c) for c in dry]
    flags = np.column_stack(list(dry.values()))
    joined = [C.metal_list(m for m, f in zip(names, row, strict=True) if f) for row in flags.tolist()]
    return np.array([j or None for j in joined], dtype=object)


def _dry_not_used(col: Collector, canon: str, head: str, cells: _Numbers, values: np.ndarray, row_crop,
                  tables: Tables) -> None:
    """A dry-weight column ``head`` is used on the rows of a cereal (:meth:`Tables.cereal_crops`) only; on the
    rows of another crop (or none) a value is reported (warning, the row planned) and set to NaN in ``values``
    (in place)."""
    cereal = np.isin(np.asarray([c if isinstance(c, str) else "none" for c in row_crop], dtype=object),
                     tables.cereal_crops())
    other = ~np.isnan(values) & ~cereal
    col.add(other, canon, cells.text, "warning",
            lambda idx: [Message.of("val.crop_dry_not_cereal", header=repr(head),
                                    row_crop=row_crop[i] if isinstance(row_crop[i], str) else "none") for i in idx],
            Message.of("exp.crop_as_sold"))
    values[other] = np.nan


def _crop_metal_values(col: Collector, canon: str, cells: dict[str, _Numbers], crop, tables: Tables,
                       comma_file: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The values of a metal measured in the harvest (``canon``, ``crop_<metal>_mg_kg``) [mg kg⁻¹], from one or
    several columns (``cells``: header as written → its cells), each read and checked in its own unit.

    A column whose header names a crop (糙米镉 → rice, 小麦籽粒镉 → wheat, :func:`crop_metal_header_crop`) gives
    the value of the rows of that crop; on a row of another crop (``crop``: the rows' crop codes) its value is
    reported (warning) and not used. The other columns (籽粒镉, 农产品镉) give the value of any row. A column on a
    dry-weight basis (糙米镉（mg/kg，干重）, :attr:`HeaderRead.dry`) is used on the rows of a cereal only
    (:func:`_dry_not_used`). Several columns are combined row by row (:func:`_combine_crop_columns`), reported
    once: a row takes the value as sold where one is given, else its dry-weight value; a row with both takes the
    value as sold, its dry-weight value reported (note); two values of one basis that differ (after unit
    conversion) reject the row, naming both columns and values. A result below the detection limit that gives
    it ('<0.02', in a column as sold or on a dry-weight basis) is read as the limit, an upper bound, reported
    (warning) on the rows where it is used: the summary compares it with the food limit
    (:func:`agriremed.engine.assemble.crop_measured`).
    Returns the values, per row whether the value used was read on a dry-weight basis, and per row whether it
    is such a limit.
    """
    spec = C.COLUMNS[canon]
    lookup = _crop_lookup_of(tables)
    n = col.error_rows.size
    row_crop = np.asarray(crop, dtype=object) if crop is not None else np.full(n, None, dtype=object)
    heads = list(cells)
    vals = np.full((n, len(heads)), np.nan)
    below = np.zeros((n, len(heads)), bool)
    dry_col = np.array([read_header(h).dry for h in heads], bool)
    reads = []
    for j, h in enumerate(heads):
        factor = read_header(h).factor
        read, below[:, j] = _censored(cells[h], factor)
        reads.append(read)
        vals[:, j] = _check_numbers(col, canon, spec, read, factor, comma_file=comma_file)
        if dry_col[j]:  # not used on the rows of a crop other than a cereal
            _dry_not_used(col, canon, h, read, vals[:, j], row_crop, tables)
        word = crop_metal_header_crop(h)
        code = lookup.get(word.lower()) if word else None
        if code is None:
            continue
        other = ~np.isnan(vals[:, j]) & np.array([isinstance(c, str) and c != code for c in row_crop], bool)
        col.add(other, canon, cells[h].text, "warning",
                lambda idx, h=h, code=code: [Message.of("val.crop_col_other_crop", header=repr(h), crop=code,
                                                        row_crop=row_crop[i]) for i in idx],
                Message.of("exp.crop_col_of_row_crop"))
        vals[other, j] = np.nan
    if len(heads) > 1:
        col.add_file(canon, "note", Message.of("val.crop_columns_combined", column=canon,
                                               headers=", ".join(map(repr, heads))))
    first, taken = _combine_crop_columns(col, canon, heads, vals, dry_col)
    arange = np.arange(n)
    found = ~np.isnan(first)
    censored = found & below[arange, taken]
    for j, read in enumerate(reads):  # reported on the rows whose value is that column's limit
        col.add(censored & (taken == j), canon, read.text, "warning",
                lambda idx: [Message.of("val.below_dl_crop", limit=float(first[i])) for i in idx],
                Message.of("exp.detection_limit_crop"))
    return first, found & dry_col[taken], censored


def _combine_crop_columns(col: Collector, canon: str, heads: list[str], vals: np.ndarray,
                          dry_col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The value of each row of a metal measured in the harvest from the columns ``heads`` (``vals``: rows ×
    columns [mg kg⁻¹], NaN where not given or not used; ``dry_col``: which columns are on a dry-weight basis),
    combined row by row: the columns as sold where the row has a value in one, else the dry-weight columns. A
    row with both is reported (note: the value as sold is compared, the dry-weight value is not); values of the
    columns used that differ reject the row (error). Returns the values (NaN where none, or rejected) and the
    column each row's value is taken from."""
    n = vals.shape[0]
    given = ~np.isnan(vals)
    as_sold = given & ~dry_col
    dry = given & dry_col
    has_sold = as_sold.any(axis=1)
    use = np.where(has_sold[:, None], as_sold, dry)
    taken = use.argmax(axis=1)
    first = np.where(use.any(axis=1), vals[np.arange(n), taken], np.nan)
    with np.errstate(invalid="ignore"):
        differ = (use & ~np.isclose(vals, first[:, None], rtol=1e-9, atol=0.0)).any(axis=1)
    col.add(differ, canon, lambda idx: [" | ".join(f"{v:g}" for v in vals[i][use[i]]) for i in idx], "error",
            lambda idx: [Message.of("val.crop_columns_disagree", column=canon, values=", ".join(
                f"{h!r} {v:g} mg/kg" for h, v, g in zip(heads, vals[i], use[i], strict=True) if g)) for i in idx],
            Message.of("exp.crop_columns_agree"))

    def _both(idx):
        return [Message.of("val.crop_dry_beside_as_sold", column=canon, as_sold=repr(heads[taken[i]]),
                           value=float(first[i]), header=repr(heads[int(dry[i].argmax())]),
                           dry=float(vals[i, int(dry[i].argmax())])) for i in idx]

    col.add(has_sold & dry.any(axis=1) & ~differ, canon,
            lambda idx: [" | ".join(f"{v:g}" for v in vals[i][given[i]]) for i in idx], "note", _both)
    first[differ] = np.nan
    return first, taken


def crop_metal_code(canon: str) -> str:
    """The code a column of a metal measured in the harvest has in the per-row metal lists
    (``crop_censored_metals``, ``crop_dry_weight_metals``): its metal (``cd``), ``as_inorganic`` for inorganic As."""
    return "as_inorganic" if canon == C.CROP_AS_INORGANIC else C.COLUMNS[canon].extra["metal"]


def _crop_censored_column(out: dict, censored: dict[str, np.ndarray]) -> None:
    """``crop_censored_metals``: each row's metals measured in the harvest whose value is a detection limit
    ('<0.02', :func:`_crop_metal_values`), as codes (:func:`crop_metal_code`: ``cd+as_inorganic``,
    :func:`agriremed.core.columns.metal_list`); added where some row has one."""
    cols = [(crop_metal_code(c), rows) for c, rows in censored.items() if rows.any()]
    if not cols:
        return
    joined = np.array([C.metal_list(c for (c, _), r in zip(cols, row, strict=True) if r)
                       for row in zip(*(rows for _, rows in cols), strict=True)], dtype=object)
    out["crop_censored_metals"] = np.where(joined == "", None, joined)


#: A coordinate in degrees, minutes and seconds: optional hemisphere (E/W/N/S, 东经/西经/北纬/南纬)
#: before or after, degrees with a degree sign (° º ˚ 度), minutes (′ ' ’ 分) and seconds
#: (″ " ” '' ′′ 秒), each optional after the degrees, each possibly with decimals.
_DMS = (r"^\s*(?P<h1>[EWNSewns]|东经|西经|北纬|南纬)?\s*(?P<d>\d+(?:\.\d+)?)\s*[°º˚度]\s*"
        r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:′|'|’|分)(?!′|')\s*)?"
        r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:″|\"|”|''|′′|秒)\s*)?(?P<h2>[EWNSewns])?\s*$")
#: Decimal degrees with a hemisphere and no degree sign, as GPS handhelds write them: before
#: (``E112.9312``, ``东经112.91``) or after the number (``112.9312E``, ``28.12N``).
_DEG_HEMISPHERE = (r"^\s*(?:(?P<h1>[EWNSewns]|东经|西经|北纬|南纬)\s*(?P<d1>\d+(?:\.\d+)?)"
                   r"|(?P<d2>\d+(?:\.\d+)?)\s*(?P<h2>[EWNSewns]))\s*$")
_HEMISPHERES = {"lat": {"n": 1.0, "s": -1.0, "北纬": 1.0, "南纬": -1.0},
                "lon": {"e": 1.0, "w": -1.0, "东经": 1.0, "西经": -1.0}}


def parse_dms(text: pd.Series, axis: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates written in degrees, minutes and seconds read as decimal degrees.

    Parameters
    ----------
    text : pandas.Series
        Cell texts (``112°56′30″``, ``112°56'30"``, ``112度56分30秒``, ``28°10.5′``, ``N27°51′12″``,
        ``112°56′30″E``, and decimal degrees with a hemisphere: ``112.9312E``, ``E112.9312``, ``28.12N``).
    axis : {"lat", "lon"}
        The column: its hemisphere letters (N/S, E/W) give the sign; the other axis's letters
        make the cell invalid.

    Returns
    -------
    value : numpy.ndarray
        Decimal degrees [degree] = D + M/60 + S/3600 (negative for S and W); NaN elsewhere.
    dms : numpy.ndarray
        Cells written in degrees (with a degree sign), valid or not.
    invalid : numpy.ndarray
        Of those, cells with minutes or seconds ≥ 60, or a hemisphere of the other axis.

    Examples
    --------
    >>> v, dms, bad = parse_dms(pd.Series(["112°56′30″", "28°10.5′", "27°61′", "1.5"]), "lon")
    >>> [round(float(x), 6) for x in v[:2]], dms.tolist(), bad.tolist()
    ([112.941667, 28.175], [True, True, True, False], [False, False, True, False])
    >>> v, dms, bad = parse_dms(pd.Series(["112.9312E", "E112.9312", "28.12N", "28.12W"]), "lon")
    >>> [round(float(x), 4) for x in v[:2]], dms.tolist(), bad.tolist()
    ([112.9312, 112.9312], [True, True, True, True], [False, False, True, False])
    """
    n = len(text)
    value = np.full(n, np.nan)
    parts = text.astype(str).str.extract(_DMS)
    rest = parts["d"].isna().to_numpy(bool)
    if rest.any():  # 112.9312E: decimal degrees with a hemisphere letter
        hemi = text[rest].astype(str).str.extract(_DEG_HEMISPHERE)
        parts.loc[rest, "d"] = hemi["d1"].fillna(hemi["d2"]).to_numpy(object)
        parts.loc[rest, "h1"] = hemi["h1"].to_numpy(object)
        parts.loc[rest, "h2"] = hemi["h2"].to_numpy(object)
    dms = parts["d"].notna().to_numpy(bool)
    if not dms.any():
        return value, dms, np.zeros(n, bool)
    d = pd.to_numeric(parts["d"], errors="coerce").to_numpy(float)
    m = pd.to_numeric(parts["m"], errors="coerce").fillna(0.0).to_numpy(float)
    sec = pd.to_numeric(parts["s"], errors="coerce").fillna(0.0).to_numpy(float)
    hemi = parts["h1"].fillna(parts["h2"]).fillna("").str.lower()
    signs = _HEMISPHERES[axis]
    other = ~hemi.eq("").to_numpy(bool) & ~hemi.isin(list(signs)).to_numpy(bool)
    sign = hemi.map(signs).fillna(1.0).to_numpy(float)
    invalid = dms & ((m >= 60) | (sec >= 60) | other)
    ok = dms & ~invalid
    value[ok] = (sign * (d + m / 60.0 + sec / 3600.0))[ok]
    return value, dms, invalid


def _read_dms(col: Collector, canon: str, spec, cells: _Numbers) -> None:
    """Cells of ``lat``/``lon`` written in degrees, minutes and seconds read as decimal degrees
    (one warning for the column), invalid ones are row errors."""
    if callable(cells.text) or not cells.bad_text.any():
        return
    value, dms, invalid = parse_dms(cells.text, canon)
    read = cells.bad_text & dms & ~invalid
    bad = cells.bad_text & invalid
    if read.any():
        i = int(np.flatnonzero(read)[0])
        cells.num = cells.num.copy()
        cells.num[read] = value[read]
        col.add_file(canon, "warning", Message.of("val.dms_read", n=int(read.sum()), example=repr(cells.text.iloc[i]),
                                                  value=float(value[i])), expected_message(spec))
    if bad.any():
        col.add(bad, canon, cells.text, "error", Message.of("val.dms_invalid"), Message.of("exp.dms"))
    cells.bad_text = cells.bad_text & ~read & ~bad


#: A number followed by a label, digits allowed after its first character ('6.5(H2O)',
#: '5.0（CaCl2）', '6.5（水土比2.5:1）'); only labels that name an extraction are acted on.
_NUMBER_LABEL = r"^\s*(?P<num>[-+]?\d+(?:\.\d+)?)\s*(?P<label>[^\d\s.,].*?)\s*$"

#: A pH label typed before the number ('pH=5.2', 'pH 5.2', 'PH：5.2' after NFKC, 'pH值5.2'): the label and the
#: rest of the cell (a number, possibly followed by an extraction label).
_PH_PREFIX = r"^\s*(?P<label>[pP]\s*[hH]\s*值?\s*[=:]?)\s*(?P<rest>[-+]?\d.*?)\s*$"


def _read_ph_labels(col: Collector, canon: str, cells: _Numbers) -> None:
    """pH cells with the extraction typed after the number: a water label (（水）, (H2O), 水浸提,
    water; the column's own basis, soil:water 1:2.5) is read as the number with a warning on the
    row; a KCl or CaCl2 label (KCl, 氯化钾, CaCl2, 氯化钙) is an error on the row, the value not
    converted (GB 15618-2018 classes use the water pH)."""
    if callable(cells.text) or not cells.bad_text.any():
        return
    idx = np.flatnonzero(cells.bad_text)
    typed = cells.text.iloc[idx].map(_nfkc)
    lead = typed.str.extract(_PH_PREFIX)
    has_lead = lead["label"].notna().to_numpy(bool)
    typed = typed.where(~has_lead, lead["rest"])  # 'pH=5.2', 'pH 5.6(水)': the leading label dropped
    bare = np.zeros(len(cells.bad_text), bool)
    bare[idx] = has_lead & typed.str.fullmatch(r"[-+]?\d+(?:\.\d+)?").fillna(False).to_numpy(bool)
    if bare.any():  # 'pH=5.2', 'pH 5.2', 'PH：5.2': the label names the column itself, the number is read
        lead_label = np.full(len(bare), "", dtype=object)
        lead_label[idx] = lead["label"].fillna("").str.strip().to_numpy(object)
        cells.num = cells.num.copy()
        cells.num[bare] = pd.to_numeric(typed[bare[idx]], errors="coerce").to_numpy(float)
        col.add(bare, canon, cells.text, "warning",
                lambda rows: [Message.of("val.ph_prefix_label", text=repr(lead_label[i]), value=float(cells.num[i]))
                              for i in rows], Message.of("exp.ph_water"))
        cells.bad_text = cells.bad_text & ~bare
        cells.wide_read = cells.wide_read & ~bare
        keep = ~bare[idx]
        idx, typed = idx[keep], typed[keep]
        if not len(idx):
            return
    parts = typed.str.extract(_NUMBER_LABEL)
    kind = parts["label"].map(lambda t: ph_extraction(t) if isinstance(t, str) else None).to_numpy(object)
    water = np.zeros(len(cells.bad_text), bool)
    salt = np.zeros(len(cells.bad_text), bool)
    water[idx[kind == "water"]] = True
    salt[idx[(kind == "kcl") | (kind == "cacl2")]] = True
    label = np.full(len(water), "", dtype=object)
    label[idx] = parts["label"].fillna("").to_numpy(object)
    extract = np.full(len(water), "", dtype=object)
    extract[idx] = np.where(kind == "kcl", "KCl", "CaCl2")
    if water.any():
        cells.num = cells.num.copy()
        cells.num[water] = pd.to_numeric(parts["num"], errors="coerce").to_numpy(float)[kind == "water"]
        col.add(water, canon, cells.text, "warning",
                lambda rows: [Message.of("val.ph_water_label", text=repr(label[i])) for i in rows],
                Message.of("exp.ph_water"))
    if salt.any():
        col.add(salt, canon, cells.text, "error",
                lambda rows: [Message.of("val.ph_salt_label", extract=extract[i], text=repr(label[i]),
                                              offset=ph_salt_offset())
                              for i in rows], Message.of("exp.ph_water"))
    cells.bad_text = cells.bad_text & ~water & ~salt
    cells.wide_read = cells.wide_read & ~water & ~salt


#: A range typed in a cell: '0.3~0.4', '0.3-0.4', '0.3～0.4' (after NFKC), '0.3至0.4', '0.3到0.4', '0.3–0.4'.
_RANGE_CELL = r"^\s*(?P<lo>\d+(?:\.\d+)?)\s*(?:~|-|–|—|至|到)\s*(?P<hi>\d+(?:\.\d+)?)\s*$"


def _cell_ranges(text: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which of ``rows`` hold a range (low below high, :data:`_RANGE_CELL`), and its two bounds (NaN elsewhere)."""
    n = len(rows)
    lo, hi = np.full(n, np.nan), np.full(n, np.nan)
    if not rows.any():
        return np.zeros(n, bool), lo, hi
    idx = np.flatnonzero(rows)
    parts = text.iloc[idx].astype(str).map(_nfkc).str.extract(_RANGE_CELL)
    lo[idx] = pd.to_numeric(parts["lo"], errors="coerce").to_numpy(float)
    hi[idx] = pd.to_numeric(parts["hi"], errors="coerce").to_numpy(float)
    with np.errstate(invalid="ignore"):
        found = ~np.isnan(lo) & ~np.isnan(hi) & (lo < hi)
    return found, lo, hi


def _read_ranges(col: Collector, canon: str, cells: _Numbers, upper: bool) -> None:
    """Cells holding a range ('0.3~0.4', '0.3-0.4', '0.3至0.4') read as one bound, the conservative one, each
    warned naming the range and the value used: ``upper`` (a metal concentration: the higher value can only
    make the soil class or the crop risk worse) or the lower bound (pH: the lower pH gives the stricter
    GB 15618 screening band and the higher crop uptake). Other columns keep rejecting a range
    (:func:`_check_numbers`)."""
    if callable(cells.text) or not cells.bad_text.any():
        return
    found, lo, hi = _cell_ranges(cells.text, cells.bad_text)
    if not found.any():
        return
    used = hi if upper else lo
    cells.num = cells.num.copy()
    cells.num[found] = used[found]
    shown = cells.text.to_numpy(object)
    code = "val.range_upper" if upper else "val.range_lower"
    col.add(found, canon, cells.text, "warning",
            lambda rows: [Message.of(code, range=str(shown[i]).strip(), column=canon, value=float(used[i]))
                          for i in rows], expected_message(C.COLUMNS[canon]))
    cells.bad_text = cells.bad_text & ~found
    cells.wide_read = cells.wide_read & ~found
    cells.decimal_comma = cells.decimal_comma & ~found


def _great_circle_km(lat1, lon1, lat2, lon2, radius_km: float) -> np.ndarray:
    """Great-circle (haversine) distance [km] between points given in degrees, on a sphere of ``radius_km``."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.asarray(lon2) - np.asarray(lon1)) / 2) ** 2)
    return 2 * radius_km * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _region_seats(region: str, seats: pd.DataFrame, tables: Tables) -> tuple[np.ndarray, str] | None:
    """The seats a placed region is checked against (indices into ``seats``, ``place_coordinates.csv``) and
    the place they stand for (a region path in English: ``Hunan/Zhuzhou``, ``Hunan``): the seat of the
    prefecture the region names, else every seat of its province (its capital and prefecture seats); None for a
    region not placed in a province of the table."""
    path = i18n.region_path(region, tables)
    if not path:
        return None
    prov = seats["province_key"].eq(path[0]).to_numpy(bool)
    if not prov.any():
        return None
    if len(path) > 1:
        city = np.flatnonzero(prov & seats["level"].eq("prefecture").to_numpy(bool)
                              & seats["place_key"].eq(path[1]).to_numpy(bool))
        if len(city):
            row = seats.iloc[city[0]]
            return city[:1], f"{row['province']}/{row['place']}"
    name = seats.loc[prov & seats["level"].eq("province").to_numpy(bool), "place"]
    return np.flatnonzero(prov), (name.iloc[0] if len(name) else path[0])


#: Most regions whose seats (:func:`_region_seats`) are kept per tables object between plans.
_REGION_SEATS_KEPT = 4096


def _seats(tables: Tables) -> tuple[pd.DataFrame, dict]:
    """The seats of ``place_coordinates.csv`` as :func:`_check_region_point` reads them (prefectures first) and
    the seats found so far for each region (:func:`_region_seats`), built once per tables object (read-only)."""
    def build():
        t = tables.place_coordinates
        seats = pd.DataFrame({
            "level": t["level"].astype(str).to_numpy(object), "place": t["place"].astype(str).to_numpy(object),
            "province": np.where(t["level"].eq("province"), t["place"], t["parent"].fillna("")).astype(object),
            "lat": pd.to_numeric(t["lat"]).to_numpy(float), "lon": pd.to_numeric(t["lon"]).to_numpy(float)})
        seats = seats.sort_values("level", key=lambda v: v.ne("prefecture"), kind="stable", ignore_index=True)
        seats["province_key"] = seats["province"].str.lower()
        seats["place_key"] = seats["place"].str.lower()
        return seats, {}

    return tables.memo("region_point_seats", build)


def _check_region_point(col: Collector, out: pd.DataFrame, tables: Tables) -> None:
    """Warn (row, both places, distance) where a plot's coordinates lie farther than ``place_point_max_km``
    (``factors.csv``) from the seat of the prefecture its region names, or, for a region placed in a province
    only, from the nearest seat of that province (``place_coordinates.csv``): the coordinates or the region are
    wrong. The plot keeps its region (its province's uptake functions, prices and subsidies); the warning
    names the seat nearest to the point, where the coordinates lie."""
    if not {"lat", "lon", "region"} <= set(out.columns):
        return
    lat = pd.to_numeric(pd.Series(out["lat"]), errors="coerce").to_numpy(float)
    lon = pd.to_numeric(pd.Series(out["lon"]), errors="coerce").to_numpy(float)
    region = pd.Series(out["region"], dtype=object).to_numpy(object)
    has = ~np.isnan(lat) & ~np.isnan(lon) & np.array([isinstance(r, str) and bool(r.strip()) for r in region], bool)
    if not has.any():
        return
    seats, seen = _seats(tables)
    radius, limit = tables.factor("earth_mean_radius_km"), tables.factor("place_point_max_km")
    codes, uniq = pd.factorize(pd.Series(np.where(has, region, ""), dtype=object))
    refs = []
    for u in uniq:
        ref = seen.get(u, seen)  # the dict itself: not found yet (None is a region not placed)
        if ref is seen:
            ref = _region_seats(u, seats, tables) if u else None
            if len(seen) >= _REGION_SEATS_KEPT:
                seen.clear()
            seen[u] = ref
        refs.append(ref)
    far = np.zeros(len(lat), bool)
    info: dict[int, Message] = {}
    for i in np.flatnonzero(has):
        ref = refs[codes[i]]
        if ref is None:
            continue
        idx, place = ref
        d = _great_circle_km(lat[i], lon[i], seats["lat"].to_numpy()[idx], seats["lon"].to_numpy()[idx], radius)
        if d.min() <= limit:
            continue
        everywhere = _great_circle_km(lat[i], lon[i], seats["lat"].to_numpy(), seats["lon"].to_numpy(), radius)
        near = seats.iloc[int(np.argmin(everywhere))]
        near_place = near["place"] if near["level"] == "province" else f"{near['province']}/{near['place']}"
        far[i] = True
        info[i] = Message.of("val.region_point_far", lat=float(lat[i]), lon=float(lon[i]), km=float(d.min()),
                             place=place, max_km=limit, near=near_place, near_km=float(everywhere.min()))
    col.add(far, "lat, lon", pd.Series([f"lat {a:g}, lon {b:g}" for a, b in zip(lat, lon, strict=True)]),
            "warning", lambda rows: [info[i] for i in rows], Message.of("exp.region_point"))


def _check_swapped_lat_lon(col: Collector, lat: np.ndarray, lon: np.ndarray, out: dict, tables: Tables) -> None:
    """Rows whose lat/lon lie outside China but inside it when swapped: warned by row, both
    ignored (the extent of China from ``factors.csv``)."""
    lat0, lat1 = tables.factor("china_lat_min"), tables.factor("china_lat_max")
    lon0, lon1 = tables.factor("china_lon_min"), tables.factor("china_lon_max")
    with np.errstate(invalid="ignore"):
        inside = (lat >= lat0) & (lat <= lat1) & (lon >= lon0) & (lon <= lon1)
        swapped = (lon >= lat0) & (lon <= lat1) & (lat >= lon0) & (lat <= lon1)
    hit = swapped & ~inside
    if not hit.any():
        return
    shown = pd.Series([f"lat {a:g}, lon {b:g}" for a, b in zip(lat, lon, strict=True)])
    col.add(hit, "lat, lon", shown, "warning", Message.of("val.lat_lon_swapped", tail=_IGNORED),
            Message.of("exp.lat_lon_china"))
    for c in ("lat", "lon"):
        v = np.asarray(out[c], dtype=float).copy()
        v[hit] = np.nan
        out[c] = v


def _cell_text(s: pd.Series, canon: str) -> tuple[pd.Series, np.ndarray]:
    """Cells as stripped text and which of them are blank (a missing-value word; for the crop,
    'none' is a crop code, not a missing value)."""
    text = as_text(s)
    if canon == "crop":  # 'none' is a crop code here, not a missing value
        blank = text.eq("").to_numpy()
    else:
        blank = na_cells(text)
        flags = _YES_NO_ALIASES.get(canon)
        if flags is not None and blank.any():  # 无 in 永久基本农田: "no", not a blank cell
            blank = blank & ~text.str.strip().str.lower().isin(list(flags)).to_numpy(bool)
    return text, blank


#: The yes/no columns and their spellings: a word of them that also means "no value" elsewhere (无) is read
#: as the flag there.
_YES_NO_ALIASES = {"basic_farmland": BASIC_FARMLAND_ALIASES, "high_background": HIGH_BACKGROUND_ALIASES}


@dataclass
class _Numbers:
    """The cells of a numeric column as read: texts (or a function giving the texts of some
    rows), blanks, values [column unit as given] and the rows of each reading problem."""

    text: object
    blank: np.ndarray
    num: np.ndarray
    bad_text: np.ndarray
    decimal_comma: np.ndarray
    below_dl: np.ndarray
    th_amb: np.ndarray
    th_read: np.ndarray
    comma_read: bool = False
    #: metal cells holding a word for "not measured" (``-``, ``/``, ``无``, ``未测``, ``未检测``): read as blank, reported
    na_word: np.ndarray | None = None
    #: cells with full-width characters read as numbers after NFKC normalisation
    wide_read: np.ndarray | None = None
    #: concentration cells below the detection limit: the limit they give [column unit] (NaN: none given,
    #: :func:`detection_limits`)
    dl: np.ndarray | None = None
    #: concentration cells below the detection limit that name the unit mg/kg ('<0.05mg/kg')
    dl_unit: np.ndarray | None = None
    #: concentration cells of a word for "not detected" without a limit ('ND', '未检出', '<DL': ND_STRINGS)
    nd: np.ndarray | None = None

    def __post_init__(self):
        n = len(self.blank)
        if self.na_word is None:
            self.na_word = np.zeros(n, bool)
        if self.wide_read is None:
            self.wide_read = np.zeros(n, bool)
        if self.dl is None:
            self.dl = np.full(n, np.nan)
        if self.dl_unit is None:
            self.dl_unit = np.zeros(n, bool)
        if self.nd is None:
            self.nd = np.zeros(n, bool)


#: A result below the detection limit that gives the limit: '<0.05', '< 0.05', '<=0.05', '<0.05mg/kg' (and the
#: full-width '＜0.05', read after NFKC normalisation), a laboratory's '0.05L', '未检出(<0.05)', 'ND (0.05)', 'nd 0.05'.
#: Groups: ``dl`` the limit as written, ``unit`` 'mg/kg' where the cell names it.
_DL_CELL = re.compile(
    r"^\s*(?:(?:<\s*=?\s*(?P<a>\d+(?:\.\d+)?)\s*(?P<ua>mg\s*/\s*kg)?)"
    r"|(?P<b>\d+(?:\.\d+)?)\s*L"
    r"|(?:未检出|低于检出限|N\.?\s*D\.?)\s*\(?\s*(?:<\s*=?\s*)?(?P<c>\d+(?:\.\d+)?)\s*(?P<uc>mg\s*/\s*kg)?\s*\)?)\s*$",
    re.IGNORECASE)


def detection_limits(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The detection limit each cell below it gives.

    Parameters
    ----------
    text : pandas.Series of str
        Cells of a concentration column ('<0.05', '＜0.05', '<0.05mg/kg', '0.05L', '未检出(<0.05)').

    Returns
    -------
    limit : numpy.ndarray of float
        The limit as written [the column's unit]; NaN where the cell gives none ('ND', '未检出', '<DL', a text).
    names_unit : numpy.ndarray of bool
        Whether the cell names the unit mg/kg.
    """
    parts = text.astype(str).map(_nfkc).str.extract(_DL_CELL)
    limit = pd.to_numeric(parts["a"].fillna(parts["b"]).fillna(parts["c"]), errors="coerce").to_numpy(float)
    return limit, (parts["ua"].notna() | parts["uc"].notna()).to_numpy(bool)


def _read_numbers(s: pd.Series, canon: str, comma_decimals: bool, marks: tuple[bool, bool],
                  point_file: bool = False) -> _Numbers:
    """The cells of a numeric column read as numbers (decimal commas of a semicolon file and
    thousands separators read; ambiguous ones left blank), with the rows that cannot be read.
    ``point_file``: comma-separated text (its decimal mark a point, :func:`_thousands`)."""
    n = len(s)
    if _plain_numbers(s):
        # numbers given as numbers: nothing to parse; texts only for the rows reported
        values = s.to_numpy(float)
        none = np.zeros(n, bool)
        return _Numbers(text=_lazy_text(s), blank=np.isnan(values), num=values.copy(), bad_text=none,
                        decimal_comma=none, below_dl=none, th_amb=none, th_read=none)
    text, blank = _cell_text(s, canon)
    shown = text  # the cells as typed, for the problems
    num = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(float)
    maybe = ~blank & np.isnan(num)
    wide = np.zeros(n, bool)
    if maybe.any():
        wide[maybe] = _full_width(text[maybe])
    if wide.any():  # '５．６', '－0.3': read after NFKC normalisation, reported per cell
        text = text.where(~wide, text.map(_nfkc))
        blank = na_cells(text)
    na_word = np.zeros(n, bool)
    nd = np.zeros(n, bool)
    if C.COLUMNS[canon].group in CONC_GROUPS and (maybe.any() or (blank & text.ne("").to_numpy(bool)).any()):
        # 'ND', '未检出': the detection limit is needed; '-', '/', '无', '未检测': not measured, reported
        nd = text.str.lower().str.replace(r"\s+", "", regex=True).isin(ND_STRINGS).to_numpy(bool)
        blank = blank & ~nd
        na_word = blank & text.ne("").to_numpy(bool)
    if wide.any() or nd.any():
        num = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(float)
    maybe_comma = ~blank & np.isnan(num)
    th_read, th_amb = _thousands(text, blank, comma_decimals, marks, point_file)
    comma_read = False
    if comma_decimals:
        comma = text.str.fullmatch(r"[-+]?\d*,\d+").to_numpy() & ~blank
        if comma.any():
            text = text.where(~comma, text.str.replace(",", ".", regex=False))
            comma_read = True
            num = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(float)
    else:  # only texts that are not numbers can hold a decimal comma
        comma = np.zeros(n, bool)
        if maybe_comma.any():
            comma[maybe_comma] = text[maybe_comma].str.fullmatch(r"[-+]?\d*,\d+").to_numpy(bool)
    if th_read.any():
        plain = text[th_read].str.replace("." if comma_decimals else ",", "", regex=False)
        if comma_decimals:
            plain = plain.str.replace(",", ".", regex=False)
        num = num.copy()
        num[th_read] = pd.to_numeric(plain, errors="coerce").to_numpy(float)
    if th_amb.any():
        num = num.copy()
        num[th_amb] = np.nan
    bad_text = ~blank & np.isnan(num)
    decimal_comma = bad_text & comma & ~th_amb
    below_dl = np.zeros(n, bool)
    if bad_text.any():
        # '<0.01', a lab's '0.01L' (below the detection limit 0.01) and '未检出(<0.01)', 'ND (0.01)'
        lab = r"|^\s*\d+(?:\.\d+)?\s*L\s*$|未检出|检出限|^\s*N\.?D\.?\b" if C.COLUMNS[canon].group in CONC_GROUPS else ""
        below_dl[bad_text] = text[bad_text].str.contains(r"^\s*<" + lab, case=False, regex=True).to_numpy(bool)
    below_dl |= nd
    dl, dl_unit = np.full(n, np.nan), np.zeros(n, bool)
    if below_dl.any():
        dl[below_dl], dl_unit[below_dl] = detection_limits(text[below_dl])
    if wide.any():
        text = text.where(~wide, shown)
    return _Numbers(text=text, blank=blank, num=num, bad_text=bad_text, decimal_comma=decimal_comma,
                    below_dl=below_dl, th_amb=th_amb, th_read=th_read, comma_read=comma_read, na_word=na_word,
                    wide_read=wide & ~np.isnan(num), dl=dl, dl_unit=dl_unit, nd=nd & np.isnan(dl))


def _censored(cells: _Numbers, factor: float) -> tuple[_Numbers, np.ndarray]:
    """The cells of a concentration column with each result below the detection limit that gives the limit
    ('<0.05', '＜0.05', '<0.05mg/kg') read as that limit, an upper bound of the concentration, and which
    cells they are. A cell naming mg/kg in a column of another unit (a header in µg/kg) is not read (it
    stays a cell to correct, :func:`_check_numbers`); nothing is converted but the column's unit."""
    censored = cells.below_dl & ~np.isnan(cells.dl) & ~(cells.dl_unit & (factor != 1.0))
    if not censored.any():
        return cells, censored
    num = cells.num.copy()
    num[censored] = cells.dl[censored]
    return replace(cells, num=num, bad_text=cells.bad_text & ~censored, below_dl=cells.below_dl & ~censored,
                   decimal_comma=cells.decimal_comma & ~censored), censored


def _soil_not_detected(col: Collector, canon: str, cells: _Numbers) -> tuple[_Numbers, np.ndarray]:
    """A total soil metal's cells of a word for "not detected" without the limit ('ND', '未检出', '低于检出限',
    '<DL'): read as not measured (blank, as an empty cell), each reported (warning) asking for the limit;
    returns the cells and which they are."""
    nd = cells.nd & cells.below_dl
    if not nd.any():
        return cells, nd
    col.add(nd, canon, cells.text, "warning", Message.of("val.nd_not_measured"), Message.of("exp.detection_limit"))
    return replace(cells, blank=cells.blank | nd, bad_text=cells.bad_text & ~nd, below_dl=cells.below_dl & ~nd), nd


def _not_detected_column(out: dict, rows: dict[str, np.ndarray], n: int, in_input: bool = False) -> None:
    """``not_detected_metals``: each row's total soil metals given as "not detected" without a detection limit
    ('ND', '未检出', '低于检出限', '<DL'; ``rows``: column → cells of :func:`_soil_not_detected`), '+'-joined
    metal codes in the order of the columns. Such a metal is not measured for the soil class; the column is
    added where some cell is one, or ``in_input`` (a chunk of a larger input holding one elsewhere: the column
    is the same in every chunk)."""
    parts = [np.where(r, C.COLUMNS[c].extra["metal"], "") for c, r in rows.items() if r.any()]
    if not (parts or in_input):
        return
    order = {m: k for k, m in enumerate(C.METALS)}
    parts.sort(key=lambda p: min(order.get(m, len(order)) for m in p if m))
    joined = np.array(["+".join(p for p in row if p) for row in zip(*parts, strict=True)], dtype=object) \
        if parts else np.full(n, "", dtype=object)
    out["not_detected_metals"] = np.where(joined == "", None, joined)


def _is_soil_total(spec) -> bool:
    """Whether a column is a total soil metal (``cd_mg_kg`` …, not an extraction such as ``cd_cacl2_mg_kg``)."""
    return spec.group == "metal" and not spec.extra.get("extraction") and spec.role == "input"


def lowest_screening(tables: Tables, metal: str, land_use) -> np.ndarray:
    """The lowest screening value of ``metal`` for each plot's land use, over every pH band and every threshold
    set of ``soil_thresholds.csv`` [mg kg⁻¹] (any land use where the land use is blank or unknown); NaN where
    no set holds one: a concentration at or below it is below screening whatever the pH and set
    (:func:`band_screening` over every band)."""
    return band_screening(tables, metal, land_use, None)


def _pending_censored(col: Collector, out: dict, censored: dict, tables: Tables, in_input: bool,
                      pending: dict | None) -> None:
    """The soil metals below the detection limit (``censored``) decided now (:func:`_check_censored`), or, with
    ``pending``, kept there for :func:`validate_plots` to decide once the rows' rotation land is known, the
    ``censored_metals`` column placed (blank) where it will be filled."""
    if pending is None:
        _check_censored(col, out, censored, tables, in_input)
        return
    pending.update(cells=censored, in_input=in_input)
    if in_input or any(rows.any() for _, rows in censored.values()):
        out["censored_metals"] = np.full(col.error_rows.size, None, dtype=object)


def band_screening(tables: Tables, metal: str, land_use, ph, rotation=None) -> np.ndarray:
    """The screening value of ``metal`` at each plot's own pH band (``ph_above < pH ≤ ph_up_to``) for its land
    use [mg kg⁻¹], the lowest over every threshold set of ``soil_thresholds.csv`` (any land use where the land
    use is blank or unknown); on paddy–upland rotation land (``rotation`` true) the lowest of its land use's,
    the paddy and the dry-land value (:data:`~agriremed.stages.soil.ROTATION_LAND_USES`); NaN where pH [–] is
    blank or no set holds one. ``ph`` None: the lowest over every pH band (:func:`lowest_screening`).

    >>> t = load_tables()
    >>> band_screening(t, "cd", ["paddy", "paddy", "paddy"], [7.8, 5.0, 7.8], [False, False, True]).tolist()
    [0.8, 0.3, 0.6]
    """
    th = tables.soil_thresholds
    rows = th.loc[(th["kind"] == "screening") & (th["metal"] == metal)]
    lu = np.asarray(land_use, dtype=object)
    ph = None if ph is None else np.asarray(ph, dtype=float)
    rot = np.zeros(len(lu), bool) if rotation is None else np.asarray(rotation, dtype=bool)
    out = np.full(len(lu), np.nan)
    for uses, above, up_to, value in zip(rows["land_uses"].astype(str), rows["ph_above"].to_numpy(float),
                                         rows["ph_up_to"].to_numpy(float), rows["value_mg_kg"].to_numpy(float),
                                         strict=True):
        names = uses.split("|")
        land = (np.ones(len(lu), bool) if uses == "*" else
                np.isin(lu, names) | pd.isna(lu) | (rot & any(u in names for u in ROTATION_LAND_USES)))
        if ph is None:
            hit = land
        else:
            with np.errstate(invalid="ignore"):
                hit = land & (ph > above) & (ph <= up_to)
        out[hit] = np.fmin(out[hit], value)
    return out


def _censored_screening(tables: Tables, metal: str, out, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The screening value a limit of ``metal`` is compared with on each row [mg kg⁻¹]: at the row's pH band
    (:func:`band_screening`) where its pH is given and valid, else the lowest over every band
    (:func:`lowest_screening`); whether the row's pH was used; whether the row is rotation land."""
    land_use = out.get("land_use", np.full(n, None, dtype=object))
    ph = np.asarray(out["ph"], dtype=float) if "ph" in out else np.full(n, np.nan)
    rot = (pd.Series(out["paddy_upland_rotation"], dtype=object).eq("yes").to_numpy(bool)
           if "paddy_upland_rotation" in out else np.zeros(n, bool))
    band = band_screening(tables, metal, land_use, ph, rot)
    own = ~np.isnan(ph) & ~np.isnan(band)
    return np.where(own, band, lowest_screening(tables, metal, land_use)), own, rot


def _censored_messages(code: str, value: np.ndarray, screen: np.ndarray, own: np.ndarray, rot: np.ndarray,
                       ph, metal: str):
    """The messages of the rows ``idx`` given below the detection limit (``code``: ``val.below_dl_planned`` or
    ``val.below_dl_undecided``), naming the screening value compared with: at the row's pH (``own``; of its
    land use, or of rotation land ``rot``) or the lowest of the land use."""
    ph = np.asarray(ph, dtype=float)

    def texts(idx):
        return [Message.of(f"{code}_ph", limit=float(value[i]), metal=metal, screening=float(screen[i]),
                           ph=float(ph[i]),
                           basis=Message.of("val.below_dl_basis_rotation" if rot[i] else "val.below_dl_basis_land_use"))
                if own[i] else Message.of(code, limit=float(value[i]), metal=metal, screening=float(screen[i]))
                for i in idx]
    return texts


def _check_censored(col: Collector, out, censored: dict, tables: Tables, in_input: bool = False) -> None:
    """The total soil metals given below the detection limit (``censored``: column → (cells, rows) of
    :func:`_censored`), read as the limit: where the limit is at or below the metal's screening value for the
    row's land use at the row's pH band (the stricter of paddy and dry land on paddy–upland rotation land,
    ``paddy_upland_rotation`` yes; :func:`band_screening`), or at or below its lowest over every band where the
    row's pH is blank or not valid (:func:`lowest_screening`), the soil class is decided and the row is planned
    at the limit, an upper bound (warning per cell; ``censored_metals`` lists the row's metals, '+'-joined);
    above it the class cannot be decided from the cell: the row is rejected, naming the limit and the
    screening value. ``censored_metals`` is added where some cell gives a detection limit, or ``in_input``
    (a chunk of a larger input holding one elsewhere: the column is the same in every chunk)."""
    n = col.error_rows.size
    parts = []
    for canon, (cells, rows) in censored.items():
        if not rows.any():
            continue
        m = C.COLUMNS[canon].extra["metal"]
        value = np.asarray(out[canon], dtype=float)
        screen, own, rot = _censored_screening(tables, m, out, n)
        with np.errstate(invalid="ignore"):
            decided = rows & ~np.isnan(value) & (value <= screen)
            undecided = rows & ~np.isnan(value) & (value > screen)
        ph = out["ph"] if "ph" in out else np.full(n, np.nan)
        col.add(decided, canon, cells.text, "warning",
                _censored_messages("val.below_dl_planned", value, screen, own, rot, ph, m),
                Message.of("exp.detection_limit"))
        col.add(undecided, canon, cells.text, "error",
                _censored_messages("val.below_dl_undecided", value, screen, own, rot, ph, m),
                Message.of("exp.detection_limit"))
        parts.append(np.where(decided, m, ""))
    if parts or in_input:
        joined = np.array(["+".join(p for p in row if p) for row in zip(*parts, strict=True)], dtype=object) \
            if parts else np.full(n, "", dtype=object)
        out["censored_metals"] = np.where(joined == "", None, joined)


def _full_width(text: pd.Series) -> np.ndarray:
    """Cells holding full-width (全角) characters or a minus sign that NFKC normalisation changes."""
    if not text.str.contains(r"[^\x00-\x7f]", regex=True).any():
        return np.zeros(len(text), bool)
    return (text.map(_nfkc) != text).to_numpy(bool)


def _nfkc(t: str) -> str:
    """A cell's text after NFKC normalisation (full-width digits, point, comma, minus → ASCII) and
    with the minus sign U+2212 as '-'."""
    return unicodedata.normalize("NFKC", t).replace("\u2212", "-").strip()


#: A number with a unit or label typed in the same cell ('8.0亩', 'pH5.6', '0.3 mg/kg', '5 m2',
#: '6.5(H2O)': digits in the label only right after a letter).
_NUMBER_WITH_TEXT = (r"^\s*(?P<pre>[^\d\s<>≤≥.+\-][^\d]*?)?\s*[-+]?\d+(?:\.\d+)?\s*"
                     r"(?P<suf>[^\d\s.,](?:[^\d]|(?<=[A-Za-z])\d)*?)?\s*$")


#: A number with the letter O (or o) typed for the digit zero ('O.45', '1.O5', '2O'): digits, at most
#: one point and at least one digit or point beside the letter.
_LETTER_O_NUMBER = r"^[-+]?(?=[0-9Oo.]*[0-9.])(?=[0-9.]*[Oo])[0-9Oo]*(?:\.[0-9Oo]+)?$"


def _letter_o_for_zero(text: pd.Series) -> pd.Series:
    """The number each cell would be with the letter O typed for zero read as 0 ('O.45' → '0.45'),
    blank where the cell is not such a number."""
    t = text.map(_nfkc)
    hit = t.str.fullmatch(_LETTER_O_NUMBER).fillna(False).astype(bool)
    return t.where(hit, "").str.replace(r"[Oo]", "0", regex=True).where(hit, "")


def _check_numbers(col: Collector, canon: str, spec, cells: _Numbers, factor: float,
                   min_field: float | None = None, comma_file: bool = False,
                   blank_deferred: bool = False) -> np.ndarray:
    """Report the cells of a numeric column that are not numbers, out of the valid or typical
    range, or blank; returns the values in the registry unit, blank where rejected or ignored.
    ``min_field`` [ha], for the area: valid areas below it are warned about as smaller than a
    field (:func:`_check_field_area`) instead of as unusual. ``comma_file``: the file is
    comma-separated (a decimal comma's message then also offers semicolons). ``blank_deferred``: blank
    required cells are not reported here (the pH: :func:`_check_blank_ph` decides them)."""
    # optional site columns (lat, lon, climate …): a bad value is reported and ignored and
    # the plot is still planned; soil and metal values are errors
    sev = "error" if (spec.required in ("required", "recommended") or spec.group == "metal"
                      or spec.extra.get("invalid_is_error")) else "warning"
    tail = Message() if sev == "error" else _IGNORED
    expected = expected_message(spec, factor)
    text, bad_text, decimal_comma, below_dl, th_amb = (cells.text, cells.bad_text, cells.decimal_comma,
                                                       cells.below_dl, cells.th_amb)
    col.add(decimal_comma, canon, text, sev,
            Message.of("val.decimal_comma_file" if comma_file else "val.decimal_comma_cell", tail=tail), expected)
    # '<0.05' names its limit: the message says which number to write; '未检出' / 'ND' does not
    limit = np.full(len(below_dl), None, dtype=object)
    if below_dl.any():
        at = np.flatnonzero(below_dl)
        shown = pd.Series(text(at) if callable(text) else np.asarray(text, dtype=object)[at], dtype=object)
        limit[at] = shown.astype(str).str.extract(r"^\s*[<＜]\s*=?\s*(\d+(?:\.\d+)?)", expand=False).to_numpy(object)
    with_limit = below_dl & ~pd.isna(limit)
    if spec.group not in CONC_GROUPS:  # pH '<5': no detection limit, the measured value is needed
        col.add(below_dl, canon, text, sev, Message.of("val.below_dl_not_value", tail=tail), expected)
    else:
        col.add(with_limit, canon, text, sev,
                lambda idx: [Message.of("val.below_dl_limit", limit=limit[i], tail=tail) for i in idx], expected)
        col.add(below_dl & ~with_limit, canon, text, sev, Message.of("val.below_dl", tail=tail), expected)
    col.add(th_amb, canon, text, sev, Message.of("val.thousands_ambiguous", tail=tail),
            Message.of("exp.thousands"))
    col.add(cells.th_read & ~th_amb, canon, text, "warning", Message.of("val.thousands_read"), expected)
    rest = bad_text & ~decimal_comma & ~below_dl & ~th_amb
    if rest.any():  # '#DIV/0!', a date: what Excel made of the cell is named
        rest = rest & ~_excel_error_or_date(col, canon, text, rest, sev, tail, expected)
    letter_o = np.full(len(rest), "", dtype=object)
    if rest.any():  # 'O.45': the letter O typed for zero; the number it likely means is named, not read
        letter_o[rest] = _letter_o_for_zero(text[rest]).to_numpy(object)
    with_o = letter_o != ""
    col.add(with_o, canon, text, sev,
            lambda idx: [Message.of("val.letter_o_for_zero", number=letter_o[i], tail=tail) for i in idx], expected)
    rest = rest & ~with_o
    if rest.any():  # '12~15' in a column read as one number only: the range is named
        ranged = _cell_ranges(text if not callable(text) else pd.Series(text(np.arange(len(rest))), dtype=object),
                              rest)[0]
        col.add(ranged, canon, text, sev, Message.of("val.range_not_read", column=canon, tail=tail), expected)
        rest = rest & ~ranged
    with_text = np.zeros(len(rest), bool)
    extra = np.full(len(rest), "", dtype=object)
    if rest.any():  # '8.0亩', 'pH5.6': the unit or label is named in the message
        parts = text[rest].map(_nfkc).str.extract(_NUMBER_WITH_TEXT)
        words = (parts["pre"].fillna("") + " " + parts["suf"].fillna("")).str.strip()
        hit = words.str.contains(r"[A-Za-z%°µμ\u4e00-\u9fff/]", regex=True).to_numpy(bool)
        idx = np.flatnonzero(rest)
        with_text[idx[hit]] = True
        extra[idx[hit]] = words.to_numpy(object)[hit]
    col.add(with_text, canon, text, sev,
            lambda idx: [Message.of("val.number_with_text", text=repr(e), tail=tail) for e in extra[idx]], expected)
    col.add(rest & ~with_text, canon, text, sev, Message.of("val.not_number", tail=tail), expected)
    col.add(cells.wide_read, canon, text, "warning", Message.of("val.full_width_read"), expected)
    col.add(cells.na_word, canon, text, "warning", Message.of("val.na_word_metal"), expected)
    num = cells.num * factor
    below, above = _check_range(col, canon, spec, text, num, sev, tail, expected)
    if spec.extra.get("integer"):  # a count (rice seasons a year): 1.5 is not one
        with np.errstate(invalid="ignore"):
            frac = ~np.isnan(num) & ~below & ~above & (num != np.round(num))
        col.add(frac, canon, text, sev, Message.of("val.not_whole", tail=tail), expected)
        below = below | frac
    small = np.zeros(len(num), bool)
    if min_field is not None:
        small = _check_field_area(col, canon, spec, text, num, below, above, min_field)
    _check_typical(col, canon, spec, text, num, below | small, above, factor)
    if spec.required == "required" and not blank_deferred:
        col.add(cells.blank, canon, text, "error", Message.of("val.required_blank"), expected)
    elif spec.required == "recommended" and not blank_deferred:
        col.add(cells.blank, canon, text, "warning", Message.of("val.recommended_blank"), expected)
    num[bad_text | below | above] = np.nan
    return num


#: Excel's error values (a formula that failed), as a cell holds or a CSV export writes them.
EXCEL_ERRORS = r"^\s*(#DIV/0!|#N/A|#VALUE!|#REF!|#NAME\?|#NUM!|#NULL!|#SPILL!|#CALC!|#GETTING_DATA|#N/A N/A)\s*$"
#: A date (and time) as a date cell of a workbook is read ('2023-06-05 00:00:00'): a number typed
#: as 6-5 or 6.5 that Excel stored as a date, or a date format on a number column.
EXCEL_DATE = r"^\s*(\d{4}-\d{1,2}-\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$"


def _excel_error_or_date(col: Collector, canon: str, text: pd.Series, rest: np.ndarray, sev: str,
                         tail: Message, expected: Message) -> np.ndarray:
    """Report the cells among ``rest`` holding an Excel error value (``#DIV/0!``, ``#N/A``,
    ``#VALUE!`` …) or a date, each with what Excel made of it; returns those cells."""
    idx = np.flatnonzero(rest)
    t = text.iloc[idx].astype(str)
    err = np.zeros(len(rest), bool)
    err[idx] = t.str.match(EXCEL_ERRORS).to_numpy(bool)
    dates = t.str.extract(EXCEL_DATE)[0]
    date = np.zeros(len(rest), bool)
    date[idx] = dates.notna().to_numpy(bool) & ~err[idx]
    day = np.full(len(rest), "", dtype=object)
    day[idx] = dates.fillna("").to_numpy(object)
    vals = text.to_numpy(object)
    col.add(err, canon, text, sev,
            lambda rows: [Message.of("val.excel_error", value=str(vals[i]).strip(), tail=tail) for i in rows], expected)
    col.add(date, canon, text, sev,
            lambda rows: [Message.of("val.excel_date", date=day[i], tail=tail) for i in rows], expected)
    return err | date


def _check_range(col: Collector, canon: str, spec, text, num: np.ndarray, sev: str, tail: Message,
                 expected: Message):
    """Report the values outside the registry's valid range; returns (below, above) masks."""
    n = len(num)
    lo, hi = spec.valid
    lo_open, hi_open = spec.valid_open
    ok = ~np.isnan(num)
    below = ok & (num <= lo if lo_open else num < lo) if lo is not None else np.zeros(n, bool)
    above = ok & (num >= hi if hi_open else num > hi) if hi is not None else np.zeros(n, bool)
    code_below = "val.positive" if lo == 0 and lo_open else "val.below"
    if C.COLUMNS[canon].group in CONC_GROUPS and lo == 0:
        code_below = "val.zero_conc" if lo_open else "val.negative_conc"
    col.add(below, canon, text, sev, Message.of(code_below, tail=tail), expected)
    col.add(above, canon, text, sev,
            Message.of("val.above_unit" if spec.group in CONC_GROUPS else "val.above", tail=tail), expected)
    return below, above


def _check_field_area(col: Collector, canon: str, spec, text, num: np.ndarray, below: np.ndarray,
                      above: np.ndarray, min_field: float) -> np.ndarray:
    """Warn about valid areas [ha] below ``min_field`` [ha] (``min_field_area_ha`` of
    ``factors.csv``): smaller than a field, a GIS sliver or an area in the wrong unit; the plot is
    planned as given. Returns the rows warned about."""
    with np.errstate(invalid="ignore"):
        small = ~np.isnan(num) & ~below & ~above & (num < min_field)
    if small.any():
        thi = spec.typical[1] if spec.typical is not None else None
        col.add(small, canon, text, "warning",
                lambda idx: [Message.of("val.area_below_field", area_m2=float(a) * 1.0e4, min_m2=min_field * 1.0e4,
                                        min_ha=min_field) for a in num[idx]],
                typical_message(min_field, thi, spec.unit))
    return small


def _check_typical(col: Collector, canon: str, spec, text, num: np.ndarray, below: np.ndarray,
                   above: np.ndarray, factor=1.0) -> None:
    """Warn about valid values outside the registry's typical range; a value converted from the
    file's unit (``factor`` ≠ 1, a scalar or one per row) is quoted in the range's unit."""
    if spec.typical is None:
        return
    ok = ~np.isnan(num)
    tlo, thi = spec.typical
    soft = ok & ~below & ~above & (
        ((num < tlo) if tlo is not None else False) | ((num > thi) if thi is not None else False))
    converted = np.broadcast_to(np.asarray(factor, dtype=float) != 1.0, num.shape)
    plain = soft & ~converted
    expected = typical_message(tlo, thi, spec.unit)
    col.add(soft & converted, canon, text, "warning",
            lambda idx: [Message.of("val.unusual_converted", value=float(num[i]), unit=spec.unit) for i in idx],
            expected)
    if canon == "ph":  # a pH outside the domain of the transfer functions: the crop will not be assessed
        lo, hi = PH_DOMAIN
        off = plain & ((num < lo) | (num > hi))
        col.add(off, canon, text, "warning", Message.of("val.unusual_ph_domain", lo=float(lo), hi=float(hi)),
                expected)
        plain = plain & ~off
    col.add(plain, canon, text, "warning", Message.of("val.unusual"), expected)


#: Codes of the messages saying what a column's values typically are: a problem's sentence says
#: them as they are ("; typically ≤ 100 mg/kg", prob.expected_typical), not as what is expected.
TYPICAL_CODES = frozenset({"exp.typically", "exp.typically_at_most", "exp.typically_at_least",
                           "exp.plant_typical"})


def typical_message(lo: float | None, hi: float | None, unit: str) -> Message:
    """What a column's values typically are: ``lo``–``hi`` [``unit``], ``≤ hi`` where ``lo`` is
    ``None`` (an open lower bound) and ``≥ lo`` where ``hi`` is ``None``.

    Examples
    --------
    >>> from agriremed.core.messages import render
    >>> render(typical_message(None, 100.0, "mg/kg"), "en"), render(typical_message(0.8, 1.8, "g/cm3"), "en")
    ('typically ≤ 100 mg kg⁻¹', 'typically 0.8–1.8 g cm⁻³')
    """
    if lo is None:
        return Message.of("exp.typically_at_most", hi=f"{hi:g}", unit=unit)
    if hi is None:
        return Message.of("exp.typically_at_least", lo=f"{lo:g}", unit=unit)
    return Message.of("exp.typically", lo=f"{lo:g}", hi=f"{hi:g}", unit=unit)


#: The message of a value read as a code of a column, by column: the code in English, its name in
#: another language (识别为水田, not 识别为paddy).
_READ_AS = {"land_use": "val.read_as_land_use", "basic_farmland": "val.read_as_basic_farmland",
            "crop": "val.read_as_crop", "rice_type": "val.read_as_rice_type",
            "soil_class_county": "val.read_as_soil_class"}


def _respelled(text: pd.Series, blank: np.ndarray, unknown: np.ndarray, mapped: pd.Series, canon: str = ""):
    """Rows whose known value is written another way, and the problem text of each ("read as …",
    the code named in the reader's language where the column ``canon`` has names: :data:`_READ_AS`)."""
    respelled = ~blank & ~unknown & (mapped.to_numpy(object) != text.to_numpy(object))
    read_as = mapped.fillna("").to_numpy(object)
    code = _READ_AS.get(canon, "val.read_as")
    msgs: dict = {}  # one message per value read
    return respelled, lambda idx, r=read_as: [msgs.get(v) or msgs.setdefault(v, Message.of(code, value=v))
                                              for v in r[idx]]


#: Display domain (:func:`agriremed.core.i18n.value`) of the columns whose codes have Chinese names.
_NAME_DOMAIN = {"land_use": "land_use", "basic_farmland": "basic_farmland", "crop": "crop",
                "rice_type": "rice_type", "soil_class_county": "soil_class", "high_background": "high_background"}


def _add_respelled(col: Collector, respelled: np.ndarray, canon: str, text: pd.Series, mapped: pd.Series, read_as,
                   expected, tables=None) -> None:
    """Report the respelled rows of :func:`_respelled`: a note where the cell is the code's own name in
    Chinese (水稻, 是, 水田: nothing to check), a warning where it is another spelling (番薯 read as sweet
    potato, Paddy Field read as paddy: the reading is worth a look)."""
    domain = _NAME_DOMAIN.get(canon)
    own = np.zeros(len(text), bool)
    if domain is not None and respelled.any():
        names: dict = {}

        def name(c):
            if c not in names:
                try:
                    names[c] = i18n.value(domain, c, "zh", tables) if isinstance(c, str) and c else None
                except (KeyError, ValueError):
                    names[c] = None
            return names[c]

        cells = text.astype(str).str.strip().to_numpy(object)
        zh = _frames.per_distinct(name, _frames.obj(mapped.to_numpy(object)))  # the code's Chinese name
        own = respelled & np.array([z is not None for z in zh], bool) & (zh == cells)
    col.add(respelled & own, canon, text, "note", read_as, expected)
    col.add(respelled & ~own, canon, text, "warning", read_as, expected)


def _check_land_use(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray, tables):
    """Land uses read through their spellings; unknown and blank ones are errors."""
    low = text.str.lower().str.strip()
    mapped = low.map(LAND_USE_ALIASES)
    unknown_lu = ~blank & mapped.isna().to_numpy()
    expected = expected_message(spec)
    # classes of the land-use classification (三调: 0101, 其他园地, 乔木林地 …)
    classes = pd.Series([None] * len(text), index=text.index, dtype=object)
    lookup = unknown_lu & ~low.isin(LAND_USE_NOT_MODELLED).to_numpy(bool)  # 草地, 林地: their own message
    if lookup.any():
        classes[lookup] = text[lookup].map(read_land_class)
    by_class = classes.notna().to_numpy(bool)
    planned = by_class & classes.map(lambda c: bool(c and c.land_use)).to_numpy(bool)
    if planned.any():
        mapped = mapped.copy()
        mapped[planned] = classes[planned].map(lambda c: c.land_use)
        col.add(planned, canon, text, "warning",
                lambda idx: [Message.of("val.read_as_land_class", value=c.land_use, class_code=c.code, name=c.name)
                             for c in classes.to_numpy(object)[idx]], expected)
    refused = by_class & ~planned
    col.add(refused, canon, text, "error",
            lambda idx: [_land_class_refusal(c) for c in classes.to_numpy(object)[idx]], expected)
    unknown_lu = unknown_lu & ~by_class
    not_modelled = unknown_lu & low.isin(LAND_USE_NOT_MODELLED).to_numpy(bool)
    col.add(not_modelled, canon, text, "error", Message.of("val.land_use_not_modelled"), expected)
    idle = unknown_lu & low.isin(LAND_USE_IDLE_CULTIVATED).to_numpy(bool)
    col.add(idle, canon, text, "error", Message.of("val.land_use_idle_cultivated"), expected)
    col.add(unknown_lu & ~not_modelled & ~idle, canon, text, "error", Message.of("val.unknown_land_use"), expected)
    respelled, read_as = _respelled(text, blank, unknown_lu | by_class, mapped, canon)
    _add_respelled(col, respelled, canon, text, mapped, read_as, expected, tables)
    col.add(blank, canon, text, "error", Message.of("val.required_blank"), expected)
    return mapped.to_numpy(object)


def _level2_hint(code: str) -> Message:
    """The level-2 classes of the level-1 class ``code`` that agriremed plans, each with how it is read
    (水田 0101: read as paddy; 盐碱地 1204: read as marginal land), and its facility class (设施农用地 1202: give
    the land use of the field under cover), in the order of their codes (``land_classes.csv``)."""
    parts = Message()
    children = {c.code: c for c in land_classes().values() if len(c.code) == 4 and c.code.startswith(code)}
    for c in sorted(children.values(), key=lambda c: c.code):
        if c.land_use:
            parts += Message.of("val.level2_read_as", name=c.name, class_code=c.code, land_use=c.land_use)
        elif c.not_planned == "facility":
            parts += Message.of("val.level2_facility", name=c.name, class_code=c.code)
    return parts


def _land_class_refusal(lc) -> Message:
    """The error of a land class agriremed does not plan (forest, construction, 设施农用地 …)."""
    if lc.not_planned == "facility":
        return Message.of("val.land_class_facility", class_code=lc.code, name=lc.name)
    if lc.not_planned == "level1":
        return Message.of("val.land_class_level1", class_code=lc.code, name=lc.name, classes=_level2_hint(lc.code))
    refusal = Message.of("val.land_class_not_planned", class_code=lc.code, name=lc.name,
                         group=Message.of(f"lc.{lc.not_planned}"))
    if lc.not_planned == "construction":   # a disused works or mine site is planned as marginal land
        refusal = refusal + Message.of("val.land_class_brownfield_hint")
    return refusal


def basic_farmland_flag(cell) -> str | None:
    """The basic-farmland flag of one cell through :data:`BASIC_FARMLAND_ALIASES`, full-width brackets and
    spaces read as ASCII; a word with a bracketed qualifier ('是（永久基本农田）', '否(一般耕地)') is read where the
    word and the qualifier are both known spellings of one flag; None where unknown.

    >>> basic_farmland_flag("是（永久基本农田）"), basic_farmland_flag("否(一般耕地)"), basic_farmland_flag("是（一般耕地）")
    ('yes', 'no', None)
    """
    if not isinstance(cell, str):
        return None
    low = cell.lower().strip()
    if low in BASIC_FARMLAND_ALIASES:
        return BASIC_FARMLAND_ALIASES[low]
    low = _nfkc(low).replace(" ", "")
    if low in BASIC_FARMLAND_ALIASES:
        return BASIC_FARMLAND_ALIASES[low]
    m = re.fullmatch(r"([^()]+)\(([^()]+)\)", low)
    if m is None:
        return None
    head, inner = BASIC_FARMLAND_ALIASES.get(m.group(1)), BASIC_FARMLAND_ALIASES.get(m.group(2))
    return head if head is not None and head == inner else None


def _check_basic_farmland(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray, tables):
    """Basic-farmland flags read through their spellings (:func:`basic_farmland_flag`); blank and unknown ones
    become 'unknown'."""
    low = text.str.lower().str.strip()
    mapped = text.map(basic_farmland_flag).astype(object)
    unknown_bf = ~blank & mapped.isna().to_numpy()
    expected = expected_message(spec)
    col.add(unknown_bf, canon, text, "warning", Message.of("val.unknown_as_unknown"), expected)
    respelled, read_as = _respelled(text, blank, unknown_bf, mapped, canon)
    _add_respelled(col, respelled, canon, text, mapped, read_as, expected, tables)
    ticks = low.isin(BASIC_FARMLAND_TICKS).to_numpy(bool)
    empty = blank & ~col.unreadable  # a 合计 or 注 row is no plot
    if ticks.any() and blank.any() and (ticks | blank).all():
        col.add_file(canon, "warning", Message.of("val.bf_ticks_blank", n=int(blank.sum())), expected)
    elif empty.any() and (~blank & ~col.unreadable).any():  # a column with values, some cells left blank
        col.add_file(canon, "note", Message.of("val.bf_blank_cells", rows=_ranges(np.flatnonzero(empty) + 1),
                                               n=int(empty.sum())), "")
    keep = ~pd.Series(blank | unknown_bf, index=mapped.index)
    return mapped.where(keep, "unknown").to_numpy(object)


def _read_spellings(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray, low: pd.Series,
                    aliases: dict) -> np.ndarray:
    """Values of an optional category column read through ``aliases`` (``low``: the cells as
    compared with them); an unknown value is ignored with a warning, a respelled one read with a
    note of what it was read as."""
    mapped = low.map(aliases)
    unknown = ~blank & mapped.isna().to_numpy()
    expected = expected_message(spec)
    col.add(unknown, canon, text, "warning", Message.of("val.unknown_value", tail=_IGNORED), expected)
    respelled, read_as = _respelled(text, blank, unknown, mapped, canon)
    _add_respelled(col, respelled, canon, text, mapped, read_as, expected)
    return mapped.where(~pd.Series(blank | unknown, index=mapped.index), None).to_numpy(object)


def _check_rice_type(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray, tables):
    """Rice types read through their spellings; unknown ones are ignored with a warning."""
    return _read_spellings(col, canon, spec, text, blank, text.str.lower().str.strip(), RICE_TYPE_ALIASES)


def _check_high_background(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray, tables):
    """High-geological-background flags read through their spellings (yes/no, 是/否); unknown ones are ignored
    with a warning."""
    low = text.map(lambda c: _nfkc(c.lower().strip()) if isinstance(c, str) else c)
    return _read_spellings(col, canon, spec, text, blank, low, HIGH_BACKGROUND_ALIASES)


def _rice_type_from_crop(col: Collector, raw: pd.DataFrame, crop_col: str, out: dict) -> None:
    """The rice type a rice crop cell names (粳稻 → japonica, 杂交稻 → hybrid, 籼稻 → indica:
    :data:`~agriremed.core.names.RICE_TYPE_ALIASES`) as the plot's ``rice_type`` where that column
    is absent or blank, with a warning; where the column gives another type, the column's is kept
    and the two are warned about. The column is added only when a crop cell names a type."""
    text, blank = _cell_text(raw[crop_col], "crop")
    named = text.str.lower().str.strip().map(RICE_TYPE_ALIASES).to_numpy(object)
    rice = pd.Series(out.get("crop", np.full(len(raw), None)), dtype=object).eq("rice").to_numpy(bool)
    typed = rice & ~blank & ~pd.isna(named)
    if not typed.any():
        return
    have = "rice_type" in out
    given = (np.asarray(out["rice_type"], dtype=object) if have else np.full(len(raw), None, dtype=object)).copy()
    unset = typed & pd.isna(given)
    col.add(unset, "crop", text, "warning", lambda idx: [Message.of("val.rice_type_from_crop", rice_type=named[i])
                                                         for i in idx], "")
    differ = typed & ~pd.isna(given) & (given != named)
    col.add(differ, "crop, rice_type", (text + ", " + pd.Series(given, index=text.index).astype(str)).to_numpy(object),
            "warning", Message.of("val.rice_type_differs"), "")
    given[unset] = named[unset]
    out["rice_type"] = given


def _check_wheat_type(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray, tables):
    """Wheat types read through their spellings (冬小麦 → winter); unknown ones are ignored with a warning."""
    return _read_spellings(col, canon, spec, text, blank, text.str.lower().str.strip(), WHEAT_TYPE_ALIASES)


def _wheat_type_from_crop(raw: pd.DataFrame, crop_col: str, out: dict) -> None:
    """The wheat type a wheat crop cell names (冬小麦, winter wheat → winter; 春小麦, spring wheat → spring:
    :data:`~agriremed.core.names.WHEAT_TYPE_ALIASES`) as the plot's ``wheat_type`` where that column is
    absent or blank (a type the column gives is kept). The column is added only when a crop cell names a
    type. The crop itself is read as wheat either way."""
    text, blank = _cell_text(raw[crop_col], "crop")
    named = text.str.lower().str.strip().map(WHEAT_TYPE_ALIASES).to_numpy(object)
    wheat = pd.Series(out.get("crop", np.full(len(raw), None)), dtype=object).eq("wheat").to_numpy(bool)
    typed = wheat & ~blank & ~pd.isna(named)
    if not typed.any():
        return
    given = (np.asarray(out["wheat_type"], dtype=object) if "wheat_type" in out
             else np.full(len(raw), None, dtype=object)).copy()
    unset = typed & pd.isna(given)
    given[unset] = named[unset]
    out["wheat_type"] = given


def _spring_wheat_in_winter_province(col: Collector, out: dict, tables) -> None:
    """A warning (the row is planned as it is) on each spring wheat row (``wheat_type`` spring: 春小麦 in the
    crop cell, or the column) whose region is in a province ``wheat_seasons.csv`` gives as growing winter wheat
    only (湖南: 长江中下游冬麦区), naming the province and the table's note."""
    if "wheat_type" not in out:
        return
    n = col.error_rows.size
    wheat = pd.Series(out.get("crop", np.full(n, None)), dtype=object).eq("wheat").to_numpy(bool)
    spring = wheat & pd.Series(out["wheat_type"], dtype=object).eq("spring").to_numpy(bool)
    if not spring.any() or "region" not in out:
        return
    w = tables.wheat_seasons
    w = w.loc[(w["scope"] == "province") & (w["season"] == "winter")]
    winter = {str(k).lower(): str(k) for k in w["key"]}
    region = np.asarray(out["region"], dtype=object)
    province = np.full(n, None, dtype=object)
    for i in np.flatnonzero(spring):
        r = region[i]
        province[i] = winter.get(i18n.region_province(str(r), tables)) if isinstance(r, str) and r else None
    hit = spring & ~pd.isna(province)
    col.add(hit, "wheat_type", out["wheat_type"], "warning",
            lambda idx: [Message.of("val.spring_wheat_winter_province", province=province[i]) for i in idx], "")


def _check_county_class(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray, tables):
    """The county's soil classes read through their spellings (优先保护类, 安全利用, II类 …);
    unknown ones are ignored with a warning."""
    low = text.map(lambda t: unicodedata.normalize("NFKC", t).lower().replace(" ", "").replace("\u3000", "")
                   if isinstance(t, str) else t)
    return _read_spellings(col, canon, spec, text, blank, low, SOIL_CLASS_ALIASES)


def county_class_problems(plots: pd.DataFrame, soil_plot: pd.DataFrame) -> pd.DataFrame:
    """Warnings on the plots whose county class (``soil_class_county``) differs from the class
    computed from GB 15618-2018 (``soil_plot['soil_class']``), in the form of ``problems``.

    Parameters
    ----------
    plots : pandas.DataFrame
        Valid plots (``plot_id``, ``input_row``, ``line`` where the input has lines,
        ``soil_class_county`` where the input has it).
    soil_plot : pandas.DataFrame
        ``plot_id`` and the computed class: ``soil_class_computed`` where the plot classes were
        made with the county's classes (:func:`agriremed.stages.soil.plot_classes`), else
        ``soil_class``.

    Returns
    -------
    pandas.DataFrame
        One warning row per such plot (column ``soil_class_county``, value the county class as a
        county sheet writes it, 严格管控类);
        empty without the column or without a difference. The warning says which class the plan
        uses: the county's where it is stricter (``val.county_class_stricter``), the computed one
        where the county's is looser (``val.county_class_differs``).
    """
    if "soil_class_county" not in plots.columns or not len(plots):
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    county = plots["soil_class_county"].astype(object).to_numpy(object)
    col = "soil_class_computed" if "soil_class_computed" in soil_plot else "soil_class"
    computed = pd.Series(soil_plot[col].to_numpy(object), index=soil_plot["plot_id"].to_numpy(object))
    computed = computed[~computed.index.duplicated()].reindex(plots["plot_id"].to_numpy(object)).to_numpy(object)
    given = np.array([isinstance(c, str) and c != "" for c in county]) & \
        np.array([isinstance(c, str) and c != "" for c in computed])
    idx = np.flatnonzero(given & (county != computed))
    if not idx.size:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    rank = {c: i for i, c in enumerate(C.COLUMNS["soil_class_county"].categories)}  # best to worst
    probs = [Message.of("val.county_class_stricter" if rank.get(county[i], -1) > rank.get(computed[i], -1)
                        else "val.county_class_differs", county=Message.of(f"val.class.{county[i]}"),
                        computed=Message.of(f"val.class.{computed[i]}")) for i in idx]
    ptext, pmsg = _texts(probs)
    etext, emsg = _texts([Message.of("exp.county_class")])
    out = pd.DataFrame({
        "input_row": plots["input_row"].to_numpy()[idx], "plot_id": plots["plot_id"].to_numpy(object)[idx],
        # the class as a county sheet writes it (严格管控类), not its code
        "column": "soil_class_county", "value": [i18n.t(f"value.soil_class_county.{c}", "zh") for c in county[idx]],
        "severity": "warning", "problem": ptext,
        "expected": etext[0], "problem_msg": pmsg, "expected_msg": emsg[0]})
    if "line" in plots.columns:
        out.insert(1, "line", plots["line"].to_numpy()[idx])
    return out


def crop_lookup(crops: pd.DataFrame) -> dict[str, str]:
    """Crop code or alias (lower case) → crop code, from ``crops.csv`` (``crop``, ``aliases``).

    Examples
    --------
    >>> import pandas as pd
    >>> crop_lookup(pd.DataFrame({"crop": ["rice"], "aliases": ["水稻|稻谷"]}))["水稻"]
    'rice'
    """
    lookup = {c.lower(): c for c in crops["crop"]}
    # the names the outputs print (Chinese cabbage (napa), 大白菜) read back as the crop
    for col in ("name_en", "name_zh"):
        for c, name in zip(crops["crop"], crops[col] if col in crops else [], strict=False):
            if isinstance(name, str) and name.strip():
                lookup.setdefault(name.strip().lower(), c)
                lookup.setdefault(re.sub(r"[\s\-]+", "_", name.strip().lower()), c)
    for c, aliases in zip(crops["crop"], crops["aliases"]):
        for a in str(aliases).split("|"):
            if a.strip():
                lookup[a.strip().lower()] = c
                # a plot's crop is read with spaces and hyphens as "_": aliases of several words match too
                lookup[re.sub(r"[\s\-]+", "_", a.strip().lower())] = c
    return lookup


def _crop_lookup_of(tables) -> dict[str, str]:
    """:func:`crop_lookup` of ``tables.crops``, built once per Tables object (kept by
    :meth:`~agriremed.core.tables.Tables.memo`, as the tables are read-only): callers read it and
    never change it."""
    memo = getattr(tables, "memo", None)
    build = lambda: crop_lookup(tables.crops)  # noqa: E731
    return memo("validate_crop_lookup", build) if memo is not None else build()


def _crop_words(text: pd.Series) -> pd.Series:
    """Crop cells as compared with crop codes and aliases: lower case, spaces and hyphens as ``_``."""
    return text.str.lower().str.strip().str.replace(r"[\s\-]+", "_", regex=True)


def double_rice_rows(text: pd.Series, blank: np.ndarray) -> np.ndarray:
    """Rows whose crop cell names double-cropped rice (:data:`DOUBLE_RICE_WORDS`: 双季稻, 早稻+晚稻 …)."""
    return ~blank & _crop_words(text).isin(DOUBLE_RICE_WORDS).to_numpy(bool)


def rotation_crops(cell, lookup: dict[str, str]) -> list[str] | None:
    """The crops of a rotation written in one cell (小麦-玉米, 冬小麦/夏玉米, 水稻+油菜, 小麦-玉米轮作):
    their codes in the order written, each once; None unless the cell names two or more
    different known crops (``lookup``: :func:`crop_lookup`) and nothing else.

    Examples
    --------
    >>> lk = {"小麦": "wheat", "冬小麦": "wheat", "玉米": "maize", "夏玉米": "maize", "水稻": "rice"}
    >>> rotation_crops("冬小麦-夏玉米", lk), rotation_crops("小麦/玉米轮作", lk)
    (['wheat', 'maize'], ['wheat', 'maize'])
    >>> rotation_crops("小麦", lk), rotation_crops("小麦-高粱", lk), rotation_crops("水稻-水稻", lk)
    (None, None, None)
    >>> rotation_crops("麦玉两熟", lk), rotation_crops("小麦玉米轮作", lk), rotation_crops("麦-玉", lk)
    (['wheat', 'maize'], ['wheat', 'maize'], ['wheat', 'maize'])
    """
    if not isinstance(cell, str):
        return None
    t = cell.strip()
    for e in ROTATION_ENDINGS:
        if t.lower().endswith(e):
            t = t[: -len(e)].strip()
            break
    if t.lower() in lookup or re.sub(r"[\s\-]+", "_", t.lower()) in lookup:
        return None  # one known crop's name (油菜籽, 冬小麦, 油茶 if listed) is never read as several
    parts = [p.strip().lower() for p in ROTATION_SEP.split(t) if p.strip()]
    if len(parts) == 1:  # 小麦玉米, 麦玉: crop names written together
        parts = _crop_run(parts[0], lookup) or parts
    if len(parts) < 2:
        return None
    codes = [lookup.get(p) or lookup.get(re.sub(r"\s+", "_", p)) or ROTATION_SHORT.get(p) for p in parts]
    if any(c is None or c == "none" for c in codes):
        return None
    distinct = list(dict.fromkeys(codes))
    return distinct if len(distinct) >= 2 else None


def _crop_run(text: str, lookup: dict[str, str]) -> list[str] | None:
    """A text of Chinese crop names written together (小麦玉米, 麦玉) split into them, the longest
    known name first at each place; None unless the whole text is such names.

    One-character names join only one-character short forms (:data:`ROTATION_SHORT`: 稻油, 麦玉,
    稻稻油): a word such as 油茶 (oil-tea camellia), 茶油 or 油茶树 is one crop, not 油(菜) + 茶.

    Examples
    --------
    >>> lk = {"小麦": "wheat", "玉米": "maize", "稻": "rice", "茶": "tea", "茶树": "tea"}
    >>> _crop_run("小麦玉米", lk), _crop_run("稻油", lk), _crop_run("油茶", lk), _crop_run("油茶树", lk)
    (['小麦', '玉米'], ['稻', '油'], None, None)
    """
    if not re.search(r"[\u4e00-\u9fff]", text):
        return None
    names = sorted({k for k in lookup if re.search(r"[\u4e00-\u9fff]", k)} | set(ROTATION_SHORT), key=len,
                   reverse=True)
    out, i = [], 0
    while i < len(text):
        hit = next((n for n in names if text.startswith(n, i)), None)
        if hit is None:
            return None
        out.append(hit)
        i += len(hit)
    if any(len(n) == 1 for n in out) and not all(n in ROTATION_SHORT for n in out):
        return None
    return out


def _rotations_of(values, lookup: dict[str, str], skip=frozenset()) -> tuple[np.ndarray, list]:
    """:func:`rotation_crops` of each distinct value of ``values`` (read once however many rows hold
    it): the code of each row's value and the crops of each distinct value (None: no rotation, or a
    value whose crop words, as :func:`_crop_words` writes them, are in ``skip``)."""
    codes, uniq = pd.factorize(pd.Series(values, dtype=object).map(lambda t: t if isinstance(t, str) else ""))
    uniq = pd.Series(np.asarray(uniq, dtype=object), dtype=object)
    words = _crop_words(uniq).tolist() if len(uniq) else []
    return codes, [rotation_crops(u, lookup) if u and w not in skip else None
                   for u, w in zip(uniq.tolist(), words, strict=True)]


def rotation_planned(crops: list[str]) -> str:
    """The crop of a rotation the plan grows (:data:`~agriremed.core.names.ROTATION_PLANNED_FIRST`).

    >>> rotation_planned(["maize", "wheat"]), rotation_planned(["peanut", "sweet_potato"])
    ('wheat', 'peanut')
    """
    return next((c for c in ROTATION_PLANNED_FIRST if c in crops), crops[0])


def _check_crop(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray, tables,
                linked: np.ndarray | None = None):
    """Crops read through their codes and aliases; crop groups, unknown and blank crops are errors.
    Double-cropped rice (双季稻) is read as rice with a note (its two seasons a year are set by
    :func:`_check_rice_seasons`), except on a row that is one rice season of a field whose other season
    has a row of its own (``linked``: :func:`rice_season_rows`; 双季晚稻 beside an early-rice row); a
    rotation in one cell (小麦-玉米) is read as its planned crop (:func:`rotation_planned`) with a warning
    naming the crops not planned."""
    crops = tables.crops
    lookup = _crop_lookup_of(tables)
    low = _crop_words(text)
    mapped = low.map(lookup)
    double = double_rice_rows(text, blank)
    if double.any():  # early + late rice: rice, two seasons a year (rice_seasons_per_yr)
        mapped = mapped.copy()
        mapped[double] = "rice"
        col.add(double & ~linked if linked is not None else double, canon, text, "warning",
                Message.of("val.double_rice"), "")
    unknown_crop = ~blank & mapped.isna().to_numpy()
    rotation = np.zeros(len(text), bool)
    if unknown_crop.any():  # 小麦-玉米: the planned crop, the others listed as not planned
        at = np.flatnonzero(unknown_crop)
        codes, rots = _rotations_of(text.to_numpy(object)[at], lookup)
        rot = {i: rots[k] for i, k in zip(at.tolist(), codes.tolist(), strict=True) if rots[k]}
        if rot:
            rotation[list(rot)] = True
            mapped = mapped.copy()
            mapped.iloc[list(rot)] = [rotation_planned(c) for c in rot.values()]
            col.add(rotation, canon, text, "warning", lambda idx: [
                Message.of("val.crop_rotation", crop=rotation_planned(rot[i]),
                           others="|".join(c for c in rot[i] if c != rotation_planned(rot[i]))) for i in idx], "")
            unknown_crop &= ~rotation
    group = unknown_crop & low.isin(list(CROP_GROUP_WORDS)).to_numpy(bool)
    col.add(group, canon, text, "error", Message.of("val.crop_group"), Message.of("exp.crop_grown"))
    # a crop the library does not know (黄精, 莲藕): planned as a crop not modelled (UNLISTED_CROP), its
    # soil class from the soil alone, its harvest not assessed and its income a data gap; said row by row. A cell
    # that names a known crop among other words (小麦-高粱, 小麦高粱, 香蕉树, 麦) stays an error: name the crop
    unlisted = unknown_crop & ~group
    near = unlisted & _names_known_crop(text, lookup)
    col.add(near, canon, text, "error", Message.of("val.unknown_crop", crops="|".join(crops["crop"])),
            Message.of("exp.crop_code_or_alias", crops=", ".join(crops["crop"])))
    unlisted &= ~near
    if unlisted.any():
        mapped = mapped.copy()
        mapped[unlisted] = UNLISTED_CROP
        col.add(unlisted, canon, text, "warning",
                lambda idx: [Message.of("val.crop_not_modelled", crop=str(text.iloc[i]).strip()) for i in idx], "")
    unspecified = (mapped == VEGETABLE_UNSPECIFIED).to_numpy(bool)
    if unspecified.any():  # 蔬菜: judged against the strictest vegetable limits, said once per plot
        col.add(unspecified, canon, text, "warning", _vegetable_unspecified_message(tables), "")
    respelled, read_as = _respelled(text, blank, unknown_crop | double | rotation | unspecified, mapped, canon)
    _add_respelled(col, respelled, canon, text, mapped, read_as, "", tables)
    col.add(blank, canon, text, "error", Message.of("val.required_blank"), Message.of("exp.crop_code"))
    return mapped.to_numpy(object)


#: A crop name with a qualifier in brackets, full- or half-width (玉米(春), 蔬菜（叶菜类）, 水稻（中稻）).
_BRACKETED = re.compile(r"^\s*([^()（）]+?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")


def bracketed_crop_name(cell, lookup: dict[str, str]) -> str | None:
    """The crop name a cell with a bracketed qualifier is read as, where the whole cell is not a known name
    (``lookup``: :func:`crop_lookup`): the qualifier joined to the name (玉米(春) → 春玉米, then name + qualifier),
    the qualifier alone where it names the crop or a kind of it (蔬菜（叶菜类） → 叶菜类, 水稻（中稻） → 中稻), else the
    name without the bracket (玉米(鲜食) → 玉米); None where the cell has no bracket, is a known name as it stands,
    or the qualifier names another crop than the name (玉米（大豆）: an intercrop is not guessed).

    >>> lk = {"玉米": "maize", "春玉米": "maize", "蔬菜": "vegetable_unspecified", "叶菜类": "leafy_vegetable",
    ...       "水稻": "rice", "中稻": "rice", "大豆": "soybean"}
    >>> [bracketed_crop_name(c, lk) for c in ("玉米(春)", "蔬菜（叶菜类）", "水稻（中稻）", "玉米(鲜食)", "玉米（大豆）")]
    ['春玉米', '叶菜类', '中稻', '玉米', None]
    """
    if not isinstance(cell, str):
        return None
    m = _BRACKETED.match(cell)
    if m is None or _crop_words(pd.Series([cell])).iloc[0] in lookup:
        return None
    name, qual = m.group(1), m.group(2)

    def code(t):
        return lookup.get(_crop_words(pd.Series([t])).iloc[0])

    for joined in (qual + name, name + qual):
        if code(joined) is not None:
            return joined
    if code(qual) is not None and (code(name) in (None, code(qual), VEGETABLE_UNSPECIFIED)):
        return qual
    if code(name) is not None and code(qual) is None:
        return name
    return None


def _crop_bracket_names(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], dups: list[str],
                        tables) -> pd.DataFrame:
    """The crop cells with a bracketed qualifier (玉米(春), 蔬菜（叶菜类）) replaced by the name they are read as
    (:func:`bracketed_crop_name`), each with a warning saying how; every later check reads the name."""
    crop_col = next((o for o, c in mapping.items() if c == "crop"), None)
    if crop_col is None or "crop" in dups:
        return raw
    text = as_text(raw[crop_col])
    lookup = _crop_lookup_of(tables)
    uniq = pd.unique(text[text.str.contains(r"[(（]", regex=True)])
    read = {u: bracketed_crop_name(u, lookup) for u in uniq}
    read = {u: r for u, r in read.items() if r is not None}
    if not read:
        return raw
    hit = text.isin(list(read)).to_numpy(bool)
    col.add(hit, "crop", text.to_numpy(object), "warning",
            lambda idx: [Message.of("val.crop_bracket_read", name=read[text.iloc[i]]) for i in idx])
    raw = raw.copy()
    raw[crop_col] = raw[crop_col].astype(object).where(~hit, text.map(read))
    return raw


def _names_known_crop(text: pd.Series, lookup: dict[str, str]) -> np.ndarray:
    """Whether each crop cell names a known crop among other words, so that it is not read as a crop not in
    the library: a rotation or list of crops (小麦-高粱, 小麦-: :data:`ROTATION_SEP`), a one-character short form
    (麦: :data:`ROTATION_SHORT`) or a Chinese name of two or more characters of a crop of ``lookup``
    (:func:`crop_lookup`) inside it (小麦高粱, 香蕉树).

    >>> _names_known_crop(pd.Series(["小麦-高粱", "香蕉树", "麦", "黄精", "莲藕", "lotus root"]),
    ...                   {"小麦": "wheat", "香蕉": "banana"}).tolist()
    [True, True, True, False, False, False]
    """
    names = [k for k in lookup if len(k) >= 2 and re.search(r"[\u4e00-\u9fff]", k)]

    def one(cell) -> bool:
        t = str(cell).strip().lower()
        return (bool(ROTATION_SEP.search(t)) or t in ROTATION_SHORT or any(k in t for k in names))

    codes, uniq = pd.factorize(text.astype(object).fillna(""))
    return np.array([one(u) for u in uniq], bool)[codes] if len(uniq) else np.zeros(len(text), bool)


def _keep_unlisted_crop(out: dict, text: pd.Series, in_input: bool = False) -> None:
    """The crop cell as written (``crop_as_written``) on the rows planned as a crop not in the library
    (:data:`~agriremed.core.names.UNLISTED_CROP`: 黄精, 莲藕), None elsewhere; the column is added only
    where some row has such a crop, or ``in_input`` (a chunk of a streamed or dask run some row of whose input
    has one, :func:`has_unlisted_crops` on its first pass: so that every chunk's summary has the column)."""
    unlisted = pd.Series(out["crop"], dtype=object).eq(UNLISTED_CROP).to_numpy(bool)
    if unlisted.any() or in_input:
        out["crop_as_written"] = np.where(unlisted, text.astype(str).str.strip().to_numpy(object), None)


def _vegetable_unspecified_message(tables) -> Message:
    """The warning on a plot whose crop is a vegetable of no given type (蔬菜): the strictest Cd and
    Pb limits of GB 2762 among the vegetable groups, and the groups that set them."""
    worst = strictest_vegetable_limits(tables, CHINA_STANDARD)
    cd, pb = (worst.loc[m] if m in worst.index else None for m in ("cd", "pb"))
    return Message.of("val.vegetable_unspecified",
                      cd=float(cd["limit_mg_kg"]) if cd is not None else float("nan"),
                      cd_groups=cd["crop_groups"] if cd is not None else "",
                      pb=float(pb["limit_mg_kg"]) if pb is not None else float("nan"),
                      pb_groups=pb["crop_groups"] if pb is not None else "")


def _read_rice_season(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], dups: list[str], crop_col: str,
                      out: dict, linked: np.ndarray, other_row: np.ndarray, in_input: bool = False) -> None:
    """The rice season of each rice row (``rice_season``: early, late or single: :func:`rice_seasons`). A row
    that is one rice season of a double-cropped field whose other season has a row of its own (``linked``,
    that row ``other_row``: :func:`rice_season_rows`) gets a note naming that row. The column is added only
    where some row has a season, or ``in_input`` (the rows are a chunk of a streamed or dask run some row of
    whose input names a season, :func:`has_rice_seasons` on its first pass: blank here, so that every chunk's
    summary has the column); a ``rice_season`` column of the input is replaced, with a warning (the season
    rows of a field are told apart by the crop cells and plot ids)."""
    text, _ = _cell_text(raw[crop_col], "crop")
    rice = pd.Series(out.get("crop", np.full(len(raw), None)), dtype=object).eq("rice").to_numpy(bool)
    given = "rice_season" in out
    if given:
        col.add_file("rice_season", "warning", Message.of("val.rice_season_column_replaced"))
        out["rice_season"] = np.full(len(raw), None, dtype=object)
    pid_col = next((c for c, v in mapping.items() if v == "plot_id"), None)
    ids = as_text(raw[pid_col]).to_numpy(object) if pid_col is not None and "plot_id" not in dups else None
    season = rice_seasons(rice, text, ids) if rice.any() else np.full(len(raw), None, dtype=object)
    if pd.isna(season).all():
        if in_input:  # a chunk without a season of an input with one: the column, blank
            out["rice_season"] = season
        return
    out["rice_season"] = season
    col.add(linked, "rice_season", season, "note",
            lambda idx: [Message.of(f"val.rice_season_{season[i]}_row", row=int(other_row[i])) for i in idx], "")


def rice_seasons(rice: np.ndarray, text: pd.Series, ids: np.ndarray | None) -> np.ndarray:
    """The rice season of each rice row (``rice``): the early or late season its crop cell (``text``) names
    (早稻, 晚稻, 双季晚稻: :func:`crop_cell_seasons`), else the one the suffix of its plot id (``ids``; None:
    none read) names (``LY-01-早``, ``A12-late``: :func:`id_rice_seasons`), else single where the crop cell
    says so (中稻, 一季稻); None on other rows and where nothing names a season.

    >>> rice_seasons(np.array([True, True, True, False]), pd.Series(["早稻", "水稻", "中稻", "早稻"]),
    ...              np.array(["A", "B-晚", "C-晚", "D"], dtype=object)).tolist()
    ['early', 'late', 'late', None]
    """
    cell = crop_cell_seasons(text)
    by_id = (id_rice_seasons(np.where(rice, ids, None)) if ids is not None
             else np.full(len(rice), None, dtype=object))
    paired = np.array([c in RICE_SEASON_KEYS for c in cell], bool)
    season = np.where(paired, cell, np.where(pd.notna(by_id), by_id, cell)).astype(object)
    season[~rice] = None
    return season


def has_rice_seasons(raw: pd.DataFrame, tables: Tables, crops: np.ndarray | None = None) -> bool:
    """Whether a rice row of a raw plot table names its season (:func:`rice_seasons`: 早稻, 晚稻, 中稻 in the
    crop cell, ``LY-01-早`` as plot id), as :func:`validate_plots` reads the table: read on the first pass over
    a streamed or dask input, so that every chunk's plots carry ``rice_season`` alike. ``crops``: the season
    keys of its rows (:func:`row_crops`), when already read."""
    def columns(canon):
        return [c for c in raw.columns if read_header(c).error is None and read_header(c).canonical == canon]

    crop_cols, pid_cols = columns("crop"), columns("plot_id")
    if len(crop_cols) != 1:
        return False
    crops = row_crops(raw, tables, crop_cols[0]) if crops is None else crops
    rice = np.array([key_crop(k) == "rice" for k in crops], bool)
    if not rice.any():
        return False
    text, _ = _cell_text(raw[crop_cols[0]], "crop")
    ids = as_text(raw[pid_cols[0]]).to_numpy(object) if len(pid_cols) == 1 else None
    return bool(pd.notna(rice_seasons(rice, text, ids)).any())


def has_unlisted_crops(raw: pd.DataFrame, tables: Tables, crops: np.ndarray | None = None) -> bool:
    """Whether a row of a raw plot table grows a crop not in the library (read as
    :data:`~agriremed.core.names.UNLISTED_CROP`: 黄精), as :func:`validate_plots` reads the table: read on the
    first pass over a streamed or dask input, so that every chunk's plots carry ``crop_as_written`` alike.
    ``crops``: the season keys of its rows (:func:`row_crops`), when already read."""
    crop_cols = [c for c in raw.columns if read_header(c).error is None and read_header(c).canonical == "crop"]
    if len(crop_cols) != 1:
        return False
    crops = row_crops(raw, tables, crop_cols[0]) if crops is None else crops
    return bool(np.any(np.asarray(crops, dtype=object) == UNLISTED_CROP))


def _check_rice_seasons(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], crop_col: str,
                        out: dict, tables, linked: np.ndarray | None = None,
                        other_row: np.ndarray | None = None) -> None:
    """Rice seasons a year of each plot (``rice_seasons_per_yr``, read by :func:`_check_numbers`):
    2 where the crop names double-cropped rice and the cell is blank; a 1 beside such a crop is an
    error (the two disagree); a value on a plot that grows no rice is reported and ignored (blank).
    A row that is one rice season of a field whose other season has a row of its own (``linked``, that
    row ``other_row``: :func:`rice_season_rows`) is one season a year: its crop (双季晚稻) and cropping
    system (双季稻) give no second season, and a 2 given for it is read as 1 with a warning (the field's
    other season is its other row). The column is added only when the input has it or a crop names
    double-cropped rice."""
    text, blank = _cell_text(raw[crop_col], "crop")
    linked = linked if linked is not None else np.zeros(len(raw), bool)
    double = double_rice_rows(text, blank) & ~linked
    have = "rice_seasons_per_yr" in out
    if not have and not double.any() and "cropping_system" not in out:
        return
    seasons = (np.asarray(out["rice_seasons_per_yr"], float).copy() if have
               else np.full(len(raw), np.nan))
    given = ~np.isnan(seasons)
    one = double & given & (seasons == 1)
    shown = pd.Series(seasons, index=text.index).map(lambda v: "" if pd.isna(v) else f"{v:g}")  # as given
    both = (text + ", " + shown).to_numpy(object)
    col.add(one, "crop, rice_seasons_per_yr", both, "error", Message.of("val.double_rice_one_season"),
            Message.of("exp.rice_seasons"))
    seasons[double & ~given] = 2.0
    two = linked & given & (seasons == 2)
    if two.any():  # one season of a field whose other season is its other row
        col.add(two, "rice_seasons_per_yr", shown.to_numpy(object), "warning",
                lambda idx: [Message.of("val.rice_season_row_two", row=int(other_row[i])) for i in idx],
                Message.of("exp.rice_season_row"))
        seasons[two] = 1.0
    rice = pd.Series(out["crop"], dtype=object).eq("rice").to_numpy(bool) if "crop" in out \
        else np.zeros(len(raw), bool)
    not_rice = given & ~rice & ~blank
    if not_rice.any():
        col.add(not_rice, "rice_seasons_per_yr", shown.to_numpy(object), "warning", Message.of("val.seasons_not_rice"),
                Message.of("exp.rice_seasons"))
        seasons[not_rice] = np.nan
    if "cropping_system" in out:
        header = next((o for o, c in mapping.items() if c == "cropping_system"), "cropping_system")
        codes, rots = _rotations_of(out["cropping_system"], _crop_lookup_of(tables))
        rotation = np.array([r is not None for r in rots], bool)[codes] if len(codes) else np.zeros(0, bool)
        _seasons_of_cropping_system(col, out["cropping_system"], rice & ~blank, seasons, str(header), rotation,
                                    linked)
    if have or double.any() or not np.isnan(seasons).all():
        out["rice_seasons_per_yr"] = seasons


def _as_written_number(x) -> str:
    """A cell as text, a number without trailing zeros (300.0 → '300'); '' for a blank cell."""
    if x is None or (isinstance(x, float) and x != x):
        return ""
    t = str(x).strip()
    try:
        x = float(t)
        return f"{x:g}" if "e" not in f"{x:g}" else f"{x:.6g}" if abs(x) < 1 else f"{x:,.0f}"
    except ValueError:
        return t


def _positive_number(t: str) -> bool:
    try:
        return float(t) > 0
    except ValueError:
        return False


def _read_other_metals(raw: pd.DataFrame, mapping: dict[str, str], out: dict) -> None:
    """Each plot's values of the elements outside GB 15618 its sheet measures (锑 Sb, 铊 Tl …:
    :data:`~agriremed.core.names.OTHER_METALS`), as written (``other_metals_measured``: ``Sb 300``,
    ``; ``-joined); the column is added only where some plot has one. The columns stay as they are."""
    cols = [(o, other_metal(o)) for o, c in mapping.items() if c not in C.COLUMNS and other_metal(o)]
    if not cols or "other_metals_measured" in mapping.values():
        return
    parts = []
    for o, sym in cols:  # measured values only: a number above 0 (a word, 未检出, -1 is not named)
        v = raw[o].map(_as_written_number).map(lambda t: t if _positive_number(t) else "")
        parts.append(np.where(v.to_numpy(object) != "", sym + " " + v.to_numpy(object).astype(str), ""))
    joined = ["; ".join(p for p in row if p) for row in zip(*parts, strict=True)]
    if any(joined):
        out["other_metals_measured"] = np.array([j or None for j in joined], dtype=object)


def metal_column_numbers(raw: pd.DataFrame, texts: list | None = None) -> dict[str, np.ndarray]:
    """The values of each total soil-metal column of a raw plot table [mg/kg], the unit of its header
    converted, as plain numbers above 0 (other cells left out): what a column-level check reads, the same
    on a whole table and on the first pass over a streamed one. ``texts``: the columns' cells as
    :func:`soil_total_texts` gives them, where read already."""
    out: dict[str, list] = {}
    for canon, factor, t in soil_total_texts(raw) if texts is None else texts:
        v = pd.to_numeric(pd.Series([_nfkc(x) for x in t.to_numpy(object).tolist()], index=t.index, dtype=object),
                          errors="coerce").to_numpy(float) * factor
        out.setdefault(C.COLUMNS[canon].extra["metal"], []).append(v[v > 0])
    return {m: np.concatenate(v) for m, v in out.items()}


def soil_total_texts(raw: pd.DataFrame) -> list[tuple[str, float, pd.Series]]:
    """(canonical name, unit factor of the header, cell texts) of each total soil-metal column of a raw plot
    table (the columns :func:`metal_column_numbers`, :func:`has_detection_limits` and :func:`has_not_detected`
    read): each column converted to text once on the first pass over a streamed input and given to all three."""
    out = []
    for c in raw.columns:
        canon, factor, _ = normalise_header(str(c))
        spec = C.COLUMNS.get(canon)
        if spec is not None and _is_soil_total(spec):
            out.append((canon, factor, as_text(raw[c])))
    return out


def has_detection_limits(raw: pd.DataFrame, texts: list | None = None) -> bool:
    """Whether a total soil-metal column of a raw plot table holds a result below the detection limit that
    gives the limit ('<0.05', :func:`detection_limits`): read on the first pass over a streamed input, so that
    every chunk's plots carry ``censored_metals`` alike (:func:`_check_censored`). ``texts``: the columns'
    cells as :func:`soil_total_texts` gives them, where read already."""
    for _, _, t in soil_total_texts(raw) if texts is None else texts:
        maybe = t.str.contains(r"[<＜(（]|\d\s*L\s*$", regex=True).to_numpy(bool)
        if maybe.any() and (~np.isnan(detection_limits(t[maybe])[0])).any():
            return True
    return False


def has_not_detected(raw: pd.DataFrame, texts: list | None = None) -> bool:
    """Whether a total soil-metal column of a raw plot table holds "not detected" without a detection limit
    ('ND', '未检出', '低于检出限', '<DL', :func:`_soil_not_detected`): read on the first pass over a streamed
    input, so that every chunk's plots carry ``not_detected_metals`` alike (:func:`_not_detected_column`).
    ``texts``: as :func:`has_detection_limits`."""
    for canon, _, t in soil_total_texts(raw) if texts is None else texts:
        words = t[t.str.contains(r"[^\d\s.,+\-eE]", regex=True)].reset_index(drop=True)
        if len(words) and _read_numbers(words, canon, False, (False, False)).nd.any():
            return True
    return False


def has_crop_values(raw: pd.DataFrame) -> bool:
    """Whether a column of a raw plot table read as a metal measured in the harvest (``crop_cd_mg_kg`` …,
    ``crop_as_inorganic_mg_kg``; as sold or on a dry-weight basis) holds a filled cell: read on the first pass
    over a streamed input, so that every chunk's summary carries the measured-harvest columns alike
    (:attr:`Validation.crop_in_input`)."""
    return any(as_text(raw[c]).ne("").any() for c in raw.columns if is_crop_metal_header(c))


def is_crop_metal_header(header) -> bool:
    """Whether a header is read as a metal measured in the harvest (糙米镉（mg/kg）, 籽粒镉(mg/kg DW), 无机砷 …)."""
    h = read_header(str(header))
    return h.error is None and _is_crop_metal(h.canonical)


def metal_column_medians(values: dict[str, np.ndarray]) -> dict[str, float]:
    """The median [mg/kg] of each metal's values (:func:`metal_column_numbers`); metals without one left out."""
    return {m: float(np.median(v)) for m, v in values.items() if len(v)}


def _values_to_check(col: Collector, raw: pd.DataFrame, attrs: dict, mapping: dict[str, str], out: dict,
                     tables, censored: dict | None = None) -> None:
    """The total soil metals of each plot whose value to check (``values_to_check``, ``+``-joined,
    :func:`agriremed.core.columns.metal_list`): a
    value above its column's typical range (``cd``), and every value of a column whose median is more
    than ``unit_check_median_x_screening`` (``factors.csv``) times the metal's lowest screening value
    (``cd@215``, the median [mg/kg] of the whole input: ``attrs['metal_medians']`` for a chunk), such a
    column warned about once as written in µg/kg; the mirror case, a value read 1 000 × too low (a mg/kg
    value under a µg/kg or ppb header: ``cd<``), below the natural soils' low value
    ``soil_natural_low_<metal>_mg_kg`` or more than ``unit_check_low_median_ratio`` times below its column's
    median, warned about on its row (not a value given below the detection limit: ``censored``, column →
    rows). Nothing is converted; the column is added only where some plot has such a value."""
    if "values_to_check" in mapping.values():
        return
    medians = attrs.get("metal_medians")
    if medians is None:
        medians = metal_column_medians(metal_column_numbers(raw))
    th = tables.soil_thresholds
    screen = th[th["kind"] == "screening"].groupby("metal")["value_mg_kg"].min()
    times = tables.factor("unit_check_median_x_screening")
    parts = []
    for m in C.METALS:
        canon = C.metal_column(m)
        if canon not in out:
            continue
        num = np.asarray(out[canon], dtype=float)
        spec = C.COLUMNS[canon]
        thi = spec.typical[1] if spec.typical is not None else None
        with np.errstate(invalid="ignore"):
            high = (num > thi) if thi is not None else np.zeros(len(num), bool)
        med = medians.get(m)
        column = med is not None and m in screen.index and med > times * float(screen[m])
        if column:
            col.add_file(canon, "warning",
                         Message.of("val.column_ug_kg", metal=m, median=med, times=times,
                                    screening=float(screen[m])), "")  # the message names the header route
            # the median without an exponent ('1000000', not '1e+06'): no '+' inside an item of the list
            median = np.format_float_positional(med, precision=6, unique=False, fractional=False, trim="-")
            parts.append(np.where(~np.isnan(num), f"{m}@{median}", ""))
        else:
            low = _too_low(col, canon, m, num, med, tables, (censored or {}).get(canon))
            parts.append(np.where(high, m, np.where(low, f"{m}<", "")))
    if not parts:
        return
    joined = np.array([C.metal_list(row) for row in zip(*parts, strict=True)], dtype=object)
    if (joined != "").any():
        out["values_to_check"] = np.where(joined == "", None, joined)


def _too_low(col: Collector, canon: str, m: str, num: np.ndarray, median: float | None, tables,
             censored: np.ndarray | None) -> np.ndarray:
    """The values of the total soil metal ``m`` (``num`` [mg/kg]) that look read 1 000 × too low, each warned
    about on its row: below ``soil_natural_low_<m>_mg_kg`` (natural soils, ``factors.csv``), or more than
    ``unit_check_low_median_ratio`` times below ``median`` (the column's [mg/kg]); a value given below the
    detection limit (``censored``) is the limit, not a measured value, and is left out."""
    try:
        natural = tables.factor(f"soil_natural_low_{m}_mg_kg")
    except KeyError:
        natural = np.nan
    ratio = tables.factor("unit_check_low_median_ratio")
    given = ~np.isnan(num) & (num > 0)
    if censored is not None:
        given &= ~np.asarray(censored, bool)
    with np.errstate(invalid="ignore"):
        below_natural = given & (num < natural)
        below_median = given & ~below_natural & (median is not None and median > 0) & (num * ratio < (median or 0))
    def values(idx):  # the flagged rows' values as text only, not every row's
        return [f"{num[i]:g}" for i in idx]

    col.add(below_natural, canon, values, "warning",
            lambda idx: [Message.of("val.value_below_natural", metal=m, value=float(num[i]), low=natural) for i in idx])
    col.add(below_median, canon, values, "warning",
            lambda idx: [Message.of("val.value_below_median", metal=m, value=float(num[i]), median=float(median),
                                    ratio=ratio) for i in idx])
    return below_natural | below_median


def _read_rotations(col: Collector, raw: pd.DataFrame, mapping: dict[str, str], crop_col: str, out: dict,
                    tables, elsewhere: dict | None = None) -> None:
    """The crops of each plot's rotation that the plan does not grow (``crops_not_planned``, crop
    codes joined by ``|``): from a rotation written in the crop cell (小麦-玉米, read as its planned
    crop by :func:`_check_crop`) or in the cropping-system column (种植制度 冬小麦-夏玉米 beside the
    crop 小麦, warned on here). A crop planned in another row of the same field (``elsewhere``: row
    index → {crop: input row}, :func:`_season_siblings`) is left out, with a note naming its row. The
    column is added only where some plot has such crops."""
    lookup = _crop_lookup_of(tables)
    text, blank = _cell_text(raw[crop_col], "crop")
    crop = pd.Series(out.get("crop", np.full(len(raw), None)), dtype=object).to_numpy(object)
    others = np.full(len(raw), "", dtype=object)
    # each distinct cell read once; a cell that names one crop is no rotation
    codes, rots = _rotations_of(np.where(blank, "", text.to_numpy(object)), lookup)
    for k in np.flatnonzero([r is not None for r in rots]):
        rows = np.flatnonzero(codes == k)
        for i in rows[np.isin(crop[rows], rots[k])]:
            others[i] = "|".join(c for c in rots[k] if c != crop[i])
    if "cropping_system" in out:
        system = pd.Series(out["cropping_system"], dtype=object).tolist()
        header = next((o for o, c in mapping.items() if c == "cropping_system"), "cropping_system")
        warn, msgs = np.zeros(len(raw), bool), {}
        rice_words = set(DOUBLE_RICE_WORDS) | set(SINGLE_RICE_WORDS)  # read for the rice seasons only
        codes, rots = _rotations_of(system, lookup, skip=rice_words)
        for i in np.flatnonzero(np.array([r is not None for r in rots], bool)[codes] if len(codes) else []):
            rot = rots[codes[i]]
            if others[i] or not isinstance(crop[i], str):
                continue
            warn[i] = True
            if crop[i] in rot:
                others[i] = "|".join(c for c in rot if c != crop[i])
                msgs[i] = Message.of("val.cropping_system_rotation", crop=crop[i], others=others[i], header=header)
            else:
                msgs[i] = Message.of("val.cropping_system_other_crops", crop=crop[i], crops="|".join(rot),
                                     header=header)
        msgs["rebuild"] = lambda i: Message.of("val.cropping_system_rotation", crop=crop[i], others=others[i],
                                               header=header)
        _planned_elsewhere(col, others, elsewhere or {}, warn, msgs)
        col.add(warn, "cropping_system", pd.Series(system, dtype=object).fillna(""), "warning",
                lambda idx: [msgs[i] for i in idx], "")
    else:
        _planned_elsewhere(col, others, elsewhere or {})
    if (others != "").any():
        out["crops_not_planned"] = np.where(others == "", None, others)


def _paddy_upland_rotation(out: pd.DataFrame, mapping: dict[str, str], dups: list[str], elsewhere: dict,
                           tables, in_input=()) -> None:
    """Paddy–upland rotation land (水旱轮作地, ``paddy_upland_rotation`` yes, the column added where some row
    is): a paddy row whose cropping system names a rotation of rice with a dry crop (稻麦轮作, 稻-油, rice-wheat:
    a crop whose ``crops.csv`` land use is not paddy) or paddy–upland rotation
    (:data:`~agriremed.core.names.PADDY_UPLAND_ROTATION_WORDS`); a paddy row growing a dry crop (wheat,
    rapeseed on a paddy: its dry season) or whose crop cell names one among its crops not planned (稻-油,
    稻麦, rice-wheat: ``crops_not_planned``); a season row whose field grows rice and a dry
    crop (``elsewhere``: the crops of its other season rows in the whole input, :func:`_season_siblings`);
    and every row of a ``field_id`` of the table holding such a row or both a rice row and a dry-crop row, so
    that the rows of one field are classed alike (in a chunk of a larger input, also every row of a field of
    ``in_input``: the fields with rows in other chunks found to be rotation land, :func:`rotation_fields`).
    Rice only (双季稻, 稻-稻) and rice with fish (稻-鱼) are not.
    A ``paddy_upland_rotation`` column of the input is read as given (yes or no)."""
    if "paddy_upland_rotation" in mapping.values() or "crop" not in out.columns or "crop" in dups:
        return
    n = len(out)
    crop = pd.Series(out["crop"], dtype=object).to_numpy(object)
    c = tables.crops
    # a crop whose land use the library does not know (a crop not in the library, ``unlisted``: 莲藕, 茭白) is
    # not taken for a dry crop: paddy land includes aquatic crops (GB/T 21010 水田), so its paddy row keeps
    # the paddy values
    lu = c["land_use"].fillna("")
    dry = set(c.loc[lu.ne("paddy") & lu.ne("") & c["crop"].ne("none"), "crop"])
    land_use = (pd.Series(out["land_use"], dtype=object).to_numpy(object) if "land_use" in out.columns
                else np.full(n, None, dtype=object))
    rot = np.zeros(n, bool)
    if "cropping_system" in out.columns and "cropping_system" not in dups:
        system = pd.Series(out["cropping_system"], dtype=object).map(lambda t: t if isinstance(t, str) else "")
        codes, rots = _rotations_of(system, _crop_lookup_of(tables))
        named = np.array([r is not None and "rice" in r and any(k in dry for k in r) for r in rots], bool)
        rot = (named[codes] if len(codes) else rot) | _crop_words(system).isin(PADDY_UPLAND_ROTATION_WORDS).to_numpy(bool)
    rot |= _dry_crop_rows(out, crop, dry)
    rot &= land_use == "paddy"
    for i, planned in elsewhere.items():  # a season row of a field growing rice and a dry crop
        grown = {crop[i], *planned}
        rot[i] |= "rice" in grown and bool(grown & dry)
    if "field_id" in out.columns:  # every row of one field alike
        field = pd.Series(out["field_id"], dtype=object).to_numpy(object)
        known = ~pd.isna(field)
        if known.any():
            g = pd.DataFrame({"f": field[known], "rice": crop[known] == "rice",
                              "dry": np.isin(crop[known], list(dry)), "rot": rot[known]}).groupby("f")
            whole = (g["rice"].transform("any") & g["dry"].transform("any")) | g["rot"].transform("any")
            rot[known] = whole.to_numpy(bool)
            if in_input:  # a field whose other rows are in other chunks of the input
                rot[known] |= np.isin(as_text(pd.Series(field[known], dtype=object)).to_numpy(object),
                                      list(in_input))
    if rot.any():
        out["paddy_upland_rotation"] = np.where(rot, "yes", None).astype(object)


def _dry_crop_rows(out: pd.DataFrame, crop: np.ndarray, dry: set[str]) -> np.ndarray:
    """Rows growing a dry crop (``dry``: crop codes whose ``crops.csv`` land use is not paddy) as their planned
    ``crop`` or among their ``crops_not_planned`` (a rotation in the crop cell: 稻-油, 稻麦)."""
    grows = np.isin(crop, list(dry))
    if "crops_not_planned" in out.columns:
        others = pd.Series(out["crops_not_planned"], dtype=object).to_numpy(object)
        grows |= np.array([isinstance(t, str) and any(k in dry for k in t.split("|")) for t in others], bool)
    return grows


def _planned_elsewhere(col: Collector, others: np.ndarray, elsewhere: dict, warn: np.ndarray | None = None,
                       msgs: dict | None = None) -> None:
    """Leave out of each row's rotation crops not planned (``others``, changed in place) the crops planned
    in another row of its field (``elsewhere``), with a note naming those rows; the cropping-system
    warning (``warn``, ``msgs``) of a row whose every other crop is planned there is dropped, and that of
    a row with crops still not planned names only those (``msgs["rebuild"]``)."""
    note = np.zeros(len(others), bool)
    texts: dict[int, Message] = {}
    for i, keys in elsewhere.items():
        planned: dict = {}
        for k, r in sorted(keys.items(), key=lambda kv: kv[1]):  # early and late rice: rice, its first row
            planned.setdefault(key_crop(k), r)
        crops = [c for c in str(others[i]).split("|") if c]
        moved = [c for c in crops if c in planned]
        if not moved:
            continue
        others[i] = "|".join(c for c in crops if c not in planned)
        note[i] = True
        texts[i] = Message.of("val.rotation_planned_in_row", crops="|".join(moved),
                              rows=", ".join(str(planned[c]) for c in moved))
        if warn is not None and warn[i] and msgs is not None:
            if others[i]:
                msgs[i] = msgs["rebuild"](i)
            else:
                warn[i] = False
    col.add(note, "crops_not_planned", None, "note", lambda idx: [texts[i] for i in idx], "")


def _seasons_of_cropping_system(col: Collector, system, rice: np.ndarray, seasons: np.ndarray,
                                header: str, rotation: np.ndarray | None = None,
                                linked: np.ndarray | None = None) -> None:
    """Rice seasons a year (``seasons``, changed in place) from the cropping-system column (种植制度,
    种植模式, 熟制): on a rice plot (``rice``) whose seasons are not given, 双季稻 / 早稻+晚稻 / 稻-稻 /
    稻-稻-油 (:data:`DOUBLE_RICE_WORDS`) give 2 with a warning and 一季稻 / 中稻 / 稻-油
    (:data:`SINGLE_RICE_WORDS`) give 1; a system that disagrees with seasons given by the crop or
    ``rice_seasons_per_yr`` is warned on and the given seasons are kept; other values (冬小麦-夏玉米 …)
    are ignored with a warning naming the input's ``header``, except the rotations of known crops
    (``rotation``, read by :func:`_read_rotations`). On a row that is one rice season of a double-cropped
    field written as two rows (``linked``: :func:`rice_season_rows`) double rice is what the rows say: read,
    giving that row no second season."""
    text = pd.Series(system, dtype=object).map(lambda t: t if isinstance(t, str) else "")
    blank = (text.str.strip() == "").to_numpy(bool)
    words = _crop_words(text)
    n = np.where(words.isin(DOUBLE_RICE_WORDS), 2.0, np.where(words.isin(SINGLE_RICE_WORDS), 1.0, np.nan))
    n[blank] = np.nan
    if linked is not None:  # the field's two seasons are its two rows: nothing to read or warn on
        blank = blank | (linked & (n == 2))
        n[linked & (n == 2)] = np.nan
    expected = Message.of("exp.cropping_system")
    other = ~blank & np.isnan(n) & (~rotation if rotation is not None else True)
    col.add(other, "cropping_system", text, "warning", Message.of("val.cropping_system_other", header=header),
            expected)
    read = ~np.isnan(n)
    col.add(read & ~rice, "cropping_system", text, "warning", Message.of("val.seasons_not_rice"), expected)
    fill = read & rice & np.isnan(seasons)
    seasons[fill] = n[fill]
    col.add(fill & (n == 2), "cropping_system", text, "warning", Message.of("val.cropping_system_double"), "")
    clash = read & rice & ~fill & (seasons != n)
    col.add(clash, "cropping_system", text, "warning", Message.of("val.cropping_system_disagrees"), expected)


def _check_category(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray):
    """Values of a category column; unknown ones are ignored with a warning."""
    low = text.str.lower().str.strip()
    bad = ~blank & ~low.isin(spec.categories).to_numpy()
    col.add(bad, canon, text, "warning", Message.of("val.unknown_value", tail=_IGNORED), expected_message(spec))
    return low.where(~pd.Series(blank | bad, index=low.index), None).to_numpy(object)


def _check_region(col: Collector, canon: str, spec, text: pd.Series, blank: np.ndarray, tables):
    """Regions kept as written; a warning where the region starts with a city or county name that
    several divisions of China share (朝阳区, Suzhou) and no province, or names no province and no
    city or county of ``place_names.csv`` (a township 花石镇 alone) nor a country outside China
    (``countries.csv``, ``food_standard_regions.csv``): the plot is not placed, and is planned as a
    plot in China (:func:`agriremed.stages.advice.region_in_china`)."""
    codes, uniq = pd.factorize(text.where(~pd.Series(blank, index=text.index), ""), use_na_sentinel=False)
    found = [i18n.region_candidates(u, tables) if u else () for u in uniq]
    ambiguous = np.array([bool(c) for c in found], bool)[codes] if len(uniq) else np.zeros(len(text), bool)
    # a region naming a country outside China (UK/Derbyshire) is placed there, not warned
    unplaced = (np.array([not f and _region_unplaced(u, tables) for u, f in zip(uniq, found, strict=True)],
                         bool)[codes] if len(uniq) else np.zeros(len(text), bool))
    col.add(unplaced, canon, text, "warning", Message.of("val.region_unplaced"))
    if ambiguous.any():
        msgs = {}
        for i, (u, paths) in enumerate(zip(uniq, found, strict=True)):
            if paths:
                rest = [p.strip() for p in i18n.REGION_SEP.split(str(u)) if p.strip()][1:]
                msgs[i] = Message.of("val.region_ambiguous", places="; ".join("/".join(p) for p in paths),
                                     example="/".join([*paths[0], *rest]))
        col.add(ambiguous, canon, text, "warning", lambda idx: [msgs[c] for c in codes[idx]])
    return text.where(~pd.Series(blank, index=text.index), None).to_numpy(object)


#: columns read through a list of spellings: column → check returning the values read
_TEXT_CHECKS = {"land_use": _check_land_use, "basic_farmland": _check_basic_farmland,
                "rice_type": _check_rice_type, "wheat_type": _check_wheat_type, "soil_class_county": _check_county_class,
                "high_background": _check_high_background, "crop": _check_crop,
                "region": _check_region}


#: A plot id that was a number of more than 15 digits in a workbook (``4.3032110100101e+18``,
#: ``4303211010010101.0``) or in a CSV saved by Excel (``4.30321E+18``): Excel keeps 15
#: significant digits of a number.
LONG_NUMBER_ID = r"^\s*(?:\d{16,}\.0|\d(?:\.\d+)?[eE]\+?(?:1[5-9]|[2-9]\d))\s*$"


def _check_long_numeric_ids(col: Collector, out: pd.DataFrame, dups: list[str]) -> None:
    """Warn on the plot ids stored as numbers of more than 15 digits (:data:`LONG_NUMBER_ID`):
    their last digits are lost, so ids that differ only there have become equal."""
    if "plot_id" not in out.columns or "plot_id" in dups:
        return
    pid = pd.Series(out["plot_id"], dtype=object)
    long_id = pid.map(lambda v: isinstance(v, str) and re.match(LONG_NUMBER_ID, v) is not None).to_numpy(bool)
    col.add(long_id, "plot_id", pid.to_numpy(object), "warning",
            lambda idx: [Message.of("val.id_digits_lost", value=pid.iloc[i]) for i in idx],
            Message.of("exp.id_as_text"))


#: Separator of a season row's plot id: the field's plot id, ``~``, the row's crop cell as written
#: (``TC-01~小麦``, :func:`season_suffix`) or its crop code (``TC-01~wheat``). Suffixes hold no ``~``, so the
#: field's id is the text before the last ``~`` (:func:`season_plot_id`).
SEASON_SEP = "~"


def season_plot_id(field_id: str, suffix: str) -> str:
    """Plot id of a season row: the field's plot id, :data:`SEASON_SEP`, the suffix (:func:`season_suffix`).

    >>> season_plot_id("TC-01", "小麦"), season_plot_id("TC-01", "小麦").rsplit(SEASON_SEP, 1)[0]
    ('TC-01~小麦', 'TC-01')
    """
    return f"{field_id}{SEASON_SEP}{suffix}"


#: Characters a season suffix does not keep (:func:`season_suffix`): path separators, :data:`SEASON_SEP`,
#: characters file systems refuse and control characters (line breaks in a cell); each run of them becomes one
#: ``-``.
_SUFFIX_UNSAFE = r'[/\\~<>:"|?*\x00-\x1f\x7f]+'


def season_suffix(cell) -> str | None:
    """The suffix of a season row's plot id from its crop cell as written (:func:`season_plot_id`), usable in a
    file name: trimmed, each run of spaces one space, each run of path separators, ``~``, characters file systems
    refuse and control characters (:data:`_SUFFIX_UNSAFE`) one ``-``, no space, ``-`` or ``.`` at either end;
    None where nothing is left.

    >>> season_suffix(" 早稻 "), season_suffix("稻/麦"), season_suffix("early  rice"), season_suffix(" / ")
    ('早稻', '稻-麦', 'early rice', None)
    """
    if not isinstance(cell, str):
        return None
    text = re.sub(_SUFFIX_UNSAFE, "-", re.sub(r"[^\S\n\r\t]+", " ", cell)).strip(" -.")
    return text or None


class SeasonRows(dict):
    """{season key: input row} of the rows of one plot id read as the season rows of one field
    (:func:`repeated_plot_ids`); ``suffix`` gives each season key the suffix of its row's plot id
    (:func:`season_plot_id`): the row's crop cell as written (:func:`season_suffix`), or the season key where
    a row's cell gives none or two rows' cells give the same suffix."""

    def __init__(self, rows: dict, suffix: dict | None = None):
        super().__init__(rows)
        self.suffix = dict(suffix) if suffix is not None else {k: k for k in rows}


#: Season key of a rice row of the early or the late season (``rice_season``): the early and the late rice of
#: one field are two season rows of it (``LY-01~early_rice``, ``LY-01~late_rice``), not duplicates.
RICE_SEASON_KEYS = {"early": "early_rice", "late": "late_rice"}


def season_key(crop, season) -> object:
    """The key of a row among the season rows of its field: its crop code, or for rice of the early or the
    late season :data:`RICE_SEASON_KEYS` (``early_rice``, ``late_rice``).

    >>> season_key("rice", "early"), season_key("rice", "single"), season_key("wheat", None)
    ('early_rice', 'rice', 'wheat')
    """
    return RICE_SEASON_KEYS.get(season, crop) if crop == "rice" and isinstance(season, str) else crop


def key_crop(key) -> object:
    """The crop code of a season key (:func:`season_key`): ``early_rice`` and ``late_rice`` are rice.

    >>> key_crop("late_rice"), key_crop("wheat")
    ('rice', 'wheat')
    """
    return "rice" if key in RICE_SEASON_KEYS.values() else key


def row_crop_cells(raw: pd.DataFrame, crop_col=None) -> np.ndarray:
    """Each row's crop cell as written, stripped (None where blank, or where the table has no crop column or
    several; ``crop_col``: the crop column, found by its header when not given), as :func:`row_crops` reads
    it: the suffixes of season plot ids (:func:`season_suffix`)."""
    cols = ([crop_col] if crop_col is not None else
            [c for c in raw.columns if read_header(c).error is None and read_header(c).canonical == "crop"])
    if len(cols) != 1:
        return np.full(len(raw), None, dtype=object)
    text, blank = _cell_text(raw[cols[0]], "crop")
    return np.where(blank, None, text.to_numpy(object))


def crop_cell_seasons(text: pd.Series) -> np.ndarray:
    """The rice season each crop cell names (:data:`~agriremed.core.names.RICE_SEASON_WORDS`: 早稻 → early,
    晚稻 and 双季晚稻 → late, 中稻 and 一季稻 → single), None where it names none."""
    words = _crop_words(pd.Series(text, dtype=object).map(lambda t: t if isinstance(t, str) else ""))
    return words.map(RICE_SEASON_WORDS).astype(object).where(lambda v: v.notna(), None).to_numpy(object)


def row_crops(raw: pd.DataFrame, tables: Tables, crop_col=None) -> np.ndarray:
    """The season key (:func:`season_key`) of each row of a table of cells as :func:`validate_plots` reads
    it: its ``crop`` code (aliases, double rice, the planned crop of a rotation), ``early_rice`` or
    ``late_rice`` where a rice crop cell names the season (早稻, 晚稻: :func:`crop_cell_seasons`); None
    where the crop is blank or unknown or where the table has no crop column or several (``crop_col``: the
    crop column, found by its header when not given)."""
    cols = ([crop_col] if crop_col is not None else
            [c for c in raw.columns if read_header(c).error is None and read_header(c).canonical == "crop"])
    if len(cols) != 1:
        return np.full(len(raw), None, dtype=object)
    text, blank = _cell_text(raw[cols[0]], "crop")
    quiet = Collector(len(raw), np.full(len(raw), "", dtype=object))
    crops = _check_crop(quiet, "crop", C.COLUMNS["crop"], text, blank, tables)
    seasons = crop_cell_seasons(text)
    return np.array([season_key(c, s) if isinstance(c, str) else None for c, s in zip(crops, seasons, strict=True)],
                    dtype=object)


#: Separators between a plot id and a season suffix (``TC-01-稻``, ``TC-01_稻``, ``TC-01·稻``); a Chinese
#: suffix may also follow the id directly (``TC-01稻``) or stand in brackets (``TC-01（早稻）``, ``TC-01(早稻)``),
#: an English one (``A12-rice``) only after ``-`` or ``_`` (:func:`season_suffix_pattern`).
SUFFIX_SEPS = "-_·"


class SeasonField(dict):
    """{crop: input row} of the season rows of one field whose plot ids are the field's id with a season
    suffix (``TC-01-稻``, ``TC-01-麦``: :func:`season_suffix_pattern`); ``field`` is the field's id
    (``TC-01``), ``ids`` the rows' plot ids in input order. The rows keep their plot ids; the id without
    the suffix is their ``field_id``."""

    def __init__(self, rows: dict, field: str, ids: tuple = ()):
        super().__init__(rows)
        self.field = field
        self.ids = tuple(ids)


def season_suffix_pattern(tables: Tables) -> re.Pattern:
    """Pattern of a plot id ending in a season suffix: the id before it (group ``base``) and the suffix.

    A Chinese suffix is a crop code's Chinese name, alias or short form (``name_zh``, ``aliases``,
    ``id_suffixes`` of ``crops.csv``: 稻, 早稻, 晚稻, 麦, 油, 玉米 …), optionally after one of
    :data:`SUFFIX_SEPS` or in brackets (（）or ()); an English suffix is a crop code or a one-word
    alias of three letters or more (rice, wheat, rapeseed, maize, corn …; any case) after ``-`` or
    ``_``: single letters (``A12_R``) are not read. The crop ``none`` gives no suffix, nor does an id
    with a bracket left open (``TC-01(早稻``). The base ends in no separator, bracket or space; the
    shortest base wins (``TC-01-早稻``: ``TC-01``).

    >>> from agriremed.core.tables import load_tables
    >>> p = season_suffix_pattern(load_tables())
    >>> [p.match(i)["base"] if p.match(i) else None for i in ("TC-01-稻", "TC-01麦", "TC-01（早稻）", "A12-Rice",
    ...                                                       "A12_R", "TC-01")]
    ['TC-01', 'TC-01', 'TC-01', 'A12', None, None]
    """
    def build():
        c = tables.crops.loc[tables.crops["crop"] != "none"]
        words = set(c["crop"].astype(str))
        for col in ("name_zh", "aliases", "id_suffixes"):
            for v in (c[col] if col in c else []):
                words.update(w.strip() for w in str(v).split("|") if isinstance(v, str) and w.strip())
        zh = sorted((w for w in words if re.search(r"[\u4e00-\u9fff]", w)), key=lambda w: (-len(w), w))
        en = sorted((w.lower() for w in words if re.fullmatch(r"[A-Za-z][A-Za-z_]{2,}", w)),
                    key=lambda w: (-len(w), w))
        z, e = "|".join(map(re.escape, zh)), "|".join(map(re.escape, en))
        seps = re.escape(SUFFIX_SEPS)
        # an id with a bracket left open has no suffix (TC-01(早稻); the base ends in neither a separator,
        # a bracket nor a space
        return re.compile(rf"^(?!.*[（(][^)）]*$)(?P<base>.+?)(?<![{seps}（(\s])(?:[{seps}]?(?:{z})|[（(](?:{z})[)）]|[-_](?i:{e}))$")
    return tables.memo("season_suffix_pattern", build)


def rice_season_suffix_pattern() -> re.Pattern:
    """Pattern of a plot id ending in a suffix naming the early or the late rice season
    (:data:`~agriremed.core.names.RICE_SEASON_SUFFIXES`): the id before it (group ``base``) and the suffix
    (group ``season``). A Chinese suffix of two characters or more (早稻, 晚稻) may follow the id directly,
    after one of :data:`SUFFIX_SEPS` or in brackets; 早 and 晚 only after a separator or in brackets; an
    English one (early, late, early_rice; any case) after ``-`` or ``_``. The base ends in no separator,
    bracket or space; the shortest base wins. The suffix is in one of the groups ``season`` … ``season4``
    (:func:`_suffix_season` gives its season code).

    >>> p = rice_season_suffix_pattern()
    >>> [(m["base"], _suffix_season(m)) if (m := p.match(i)) else None for i in (
    ...     "LY-01-早", "LY-01晚稻", "LY-01（早稻）", "A12_late_rice", "A12-Early", "LY-01早", "LY-01")]
    [('LY-01', 'early'), ('LY-01', 'late'), ('LY-01', 'early'), ('A12', 'late'), ('A12', 'early'), None, None]
    """
    zh = [w for w in RICE_SEASON_SUFFIXES if re.search(r"[\u4e00-\u9fff]", w)]
    long = "|".join(map(re.escape, sorted((w for w in zh if len(w) > 1), key=lambda w: (-len(w), w))))
    every = "|".join(map(re.escape, sorted(zh, key=lambda w: (-len(w), w))))
    en = "|".join(map(re.escape, sorted((w for w in RICE_SEASON_SUFFIXES if w not in zh), key=lambda w: (-len(w), w))))
    seps = re.escape(SUFFIX_SEPS)
    return re.compile(rf"^(?!.*[（(][^)）]*$)(?P<base>.+?)(?<![{seps}（(\s])"
                      rf"(?:(?P<season>{long})|[{seps}](?P<season2>{every})|[（(](?P<season3>{every})[)）]"
                      rf"|[-_](?P<season4>(?i:{en})))$")


_RICE_SEASON_SUFFIX = rice_season_suffix_pattern()
#: What every id :data:`_RICE_SEASON_SUFFIX` matches ends in: a Chinese suffix's last character, a closing
#: bracket, or ``-``/``_`` and the letters of an English suffix (a fast test of large sheets first).
_RICE_SEASON_TAIL = (rf"(?:[{''.join(sorted({w[-1] for w in RICE_SEASON_SUFFIXES if not w.isascii()} | {')', '）'}))}]"
                     rf"|[-_][A-Za-z_]{{{min(len(w) for w in RICE_SEASON_SUFFIXES if w.isascii())},}})$")


def _suffix_season(m: re.Match) -> str:
    """The season code (early, late) of a match of :func:`rice_season_suffix_pattern`."""
    word = next(m[g] for g in ("season", "season2", "season3", "season4") if m[g] is not None)
    return RICE_SEASON_SUFFIXES[word.lower()]


def id_rice_seasons(ids) -> np.ndarray:
    """The rice season (early, late) a suffix of each plot id names (:func:`rice_season_suffix_pattern`:
    ``LY-01-早稻``, ``LY-01（晚稻）``, ``A12-early``), None where none.

    >>> id_rice_seasons(["LY-01-早", "A12_late_rice", "TC-01-稻", None]).tolist()
    ['early', 'late', None, None]
    """
    ids = pd.Series(np.asarray(ids, dtype=object), dtype=object)
    out = np.full(len(ids), None, dtype=object)
    # the pattern is tried only on ids ending as a suffix can (a large sheet's other ids are passed at once)
    ends = ids.str.contains(_RICE_SEASON_TAIL, regex=True).fillna(False).to_numpy(bool)
    out[ends] = [_suffix_season(m) if (m := _RICE_SEASON_SUFFIX.match(i)) else None for i in ids[ends]]
    return out


def with_id_seasons(ids, keys) -> np.ndarray:
    """Season keys (:func:`row_crops`) with the season of a plot-id suffix (:func:`id_rice_seasons`) on rice
    rows whose crop cell names none: ``LY-01-早`` growing rice → ``early_rice``."""
    keys = np.asarray(keys, dtype=object)
    rice = np.array([k == "rice" for k in keys], bool)
    if not rice.any():
        return keys
    keys = keys.copy()
    at = np.flatnonzero(rice)
    keys[at] = [season_key("rice", s) for s in id_rice_seasons(np.asarray(ids, dtype=object)[at])]
    return keys


def season_suffix_tail(tables: Tables) -> str:
    """A regular expression every id :func:`season_suffix_pattern` matches also matches, and fast: the id
    ends in the last character of a Chinese suffix word, a closing bracket, or ``-``/``_`` and three or
    more letters (a test of large files before the full pattern)."""
    def build():
        c = tables.crops.loc[tables.crops["crop"] != "none"]
        last = {")", "）"} | {w[-1] for w in RICE_SEASON_SUFFIXES if re.search(r"[\u4e00-\u9fff]", w)}
        for col in ("crop", "name_zh", "aliases", "id_suffixes"):
            for v in (c[col] if col in c else []):
                last.update(w.strip()[-1] for w in str(v).split("|") if isinstance(v, str) and w.strip())
        return rf"(?:[{re.escape(''.join(sorted(last)))}]|[-_][A-Za-z_]{{3,}})$"
    return tables.memo("season_suffix_tail", build)


#: The cells of a row compared by the season rules of :func:`repeated_plot_ids`: its place (the region columns,
#: the village, and the sheet of a workbook read with ``--sheet all``) and its land use, which the season rows of
#: one field share, and its area (compared by the season-suffix rule only).
ROW_KEY_CANONS = ("region", "village", "land_use", "area_ha")
#: Of these, the cells that tell two plots apart: rows of one id that differ in one are different plots. The land
#: use does not: a rice row on 水田 and a rapeseed or wheat row on 旱地 of one id are the seasons of one
#: paddy–upland rotation field (README, "Paddy–upland rotation land"), and a plot's land use may change between
#: sampling rounds.
PLACE_KEY_CANONS = ("region", "village", SHEET_COLUMN)


def row_key_columns(columns) -> list[tuple[str, str]]:
    """(column, what it is) of the columns :func:`row_keys` compares: every region column, the first village
    and land-use column and each area column (:data:`ROW_KEY_CANONS`), and the sheet column of a workbook read
    with ``--sheet all`` (:data:`~agriremed.io.readers.SHEET_COLUMN`)."""
    out, seen = [], set()
    for c in columns:
        if str(c) == SHEET_COLUMN:
            out.append((c, SHEET_COLUMN))
            continue
        h = read_header(str(c))
        if h.error is None and h.canonical in ROW_KEY_CANONS:
            if h.canonical in ("village", "land_use") and h.canonical in seen:
                continue  # a second such column is passed through, not read
            seen.add(h.canonical)
            out.append((c, h.canonical))
    return out


def row_keys(raw: pd.DataFrame) -> np.ndarray:
    """Each row's place, land-use and area cells (:func:`row_key_columns`), as compared by the season rules of
    :func:`repeated_plot_ids`: a tuple per row of (what the column is, the cell) pairs, a number as a float,
    a land use as its code (水田 and 稻田 agree; one not read as blank), other text stripped, a blank cell ``""``."""
    parts = []
    for c, canon in row_key_columns(raw.columns):
        text = as_text(raw[c]).str.strip()
        if canon == SHEET_COLUMN:  # a sheet tells plots apart only where its name names a place (南洲镇, 罗家村):
            # sheets named 早稻 / 晚稻 or Sheet1 may hold the seasons of one field
            text = text.where(text.str.contains(SHEET_TOWNSHIP, regex=True)
                              | text.str.contains(SHEET_VILLAGE, regex=True), "")
        if canon == "land_use":
            code = text.str.lower().map(LAND_USE_ALIASES)
            parts.append([(canon, k if isinstance(k, str) else "") for k in code])  # one not read: blank
            continue
        num = pd.to_numeric(text, errors="coerce").to_numpy(float)
        parts.append([(canon, repr(float(x)) if not np.isnan(x) else t)
                      for t, x in zip(text.tolist(), num, strict=True)])
    out = np.empty(len(raw), dtype=object)
    for i, r in enumerate(zip(*parts, strict=True) if parts else [()] * len(raw)):
        out[i] = tuple(r)
    return out


def season_suffix_bases(ids: pd.Series, tables: Tables) -> pd.Series:
    """Each id without its season suffix (a rice season, :func:`rice_season_suffix_pattern`, else a crop,
    :func:`season_suffix_pattern`; None where it has none): the full patterns are tried only on the ids
    :func:`season_suffix_tail` finds."""
    pattern = season_suffix_pattern(tables)
    ids = pd.Series(ids, dtype=object)
    out = pd.Series(None, index=ids.index, dtype=object)
    ends = ids.str.contains(season_suffix_tail(tables), regex=True).fillna(False).to_numpy(bool)
    out[ends] = ids[ends].map(lambda i: (m["base"] if (m := _RICE_SEASON_SUFFIX.match(i) or pattern.match(i))
                                         else None))
    return out


def _suffix_fields(s: pd.DataFrame, tables: Tables) -> dict:
    """Plot id → :class:`SeasonField` for the rows of ``s`` (``id``, ``row``, ``crop``, ``keys``) whose ids occur
    once and differ only by a season suffix (:func:`season_suffix_bases`), whose crops are read and all differ,
    whose region and area cells agree where filled, and whose id without the suffix is no row's plot id."""
    once = s.loc[~s["id"].duplicated(keep=False)]
    base = season_suffix_bases(once["id"], tables)
    cand = once.assign(base=base).loc[base.notna()]
    cand = cand.loc[cand["base"].duplicated(keep=False)]
    if cand.empty:
        return {}
    every = set(s["id"].tolist())
    out: dict = {}
    for b, g in cand.groupby("base", sort=False):
        if b in every or not _distinct_seasons(g["crop"].tolist()) or not _keys_agree(g["keys"].tolist()):
            continue
        g = g.sort_values("row")
        crop = g["crop"].tolist()
        field = SeasonField(dict(zip(crop, g["row"].tolist(), strict=True)), b, tuple(g["id"].tolist()))
        out.update(dict.fromkeys(g["id"].tolist(), field))
    return out


def _distinct_seasons(keys: list) -> bool:
    """Whether rows' season keys (:func:`season_key`) make the season rows of one field: every key read, all
    different, and rice either of one row or of rows that each name the early or the late season (a rice row
    naming no season beside an early- or late-rice row is no season of its own).

    >>> _distinct_seasons(["early_rice", "late_rice", "rapeseed"]), _distinct_seasons(["rice", "late_rice"])
    (True, False)
    """
    return (all(isinstance(k, str) for k in keys) and len(set(keys)) == len(keys)
            and not ("rice" in keys and any(k in RICE_SEASON_KEYS.values() for k in keys)))


def _keys_agree(keys: list, only=None) -> bool:
    """Whether rows' key cells (:func:`row_keys`) agree in every column where more than one row fills it (``only``:
    in the columns of these kinds only)."""
    return not _keys_differ(keys, only)


def _key_value(cell) -> str:
    """The value of a key cell (:func:`row_keys`: a (kind, value) pair; a bare value as such)."""
    return cell[1] if isinstance(cell, tuple) else cell


def _keys_differ(keys: list, only=None) -> dict:
    """The key columns (:func:`row_keys`) in which rows differ, where more than one row fills them (``only``: of
    these kinds only): kind → each row's cell, in the rows' order (a kind of several columns, the region columns
    县 and 乡镇, as the cells of its first column that differs)."""
    out: dict = {}
    if not keys or not keys[0]:
        return out
    for col in zip(*keys, strict=True):
        kind = col[0][0] if isinstance(col[0], tuple) else None
        if only is not None and kind not in only:
            continue
        values = [_key_value(v) for v in col]
        if len({v for v in values if v != ""}) > 1 and kind not in out:
            out[kind] = values
    return out


class DuplicateRows(str):
    """The rows of a repeated plot id that are no season rows of one field (:func:`repeated_plot_ids`: ``"3, 17"``,
    compared and printed as that text); ``differ`` gives the place and land-use cells (:data:`PLACE_KEY_CANONS`)
    in which its rows differ, kind → each row's cell: rows of different plots that share an id (ids numbered
    afresh in each township or sheet)."""

    differ: dict
    #: input row → (its file or sheet line, its sheet or None) of the rows, where a streamed run's first pass
    #: read them (:func:`row_lines`): the rows of other chunks named as a whole reading names them
    where: dict

    def __new__(cls, rows: str, differ: dict | None = None, where: dict | None = None):
        out = super().__new__(cls, rows)
        out.differ = dict(differ or {})
        out.where = dict(where or {})
        return out

    def __reduce__(self):
        return DuplicateRows, (str(self), self.differ, self.where)


def repeated_plot_ids(ids: np.ndarray, rows: np.ndarray, crops: np.ndarray | None = None,
                      keys: np.ndarray | None = None, tables: Tables | None = None,
                      labels: np.ndarray | None = None) -> dict:
    """Plot ids that occur more than once → their rows: duplicates, or the season rows of one field.

    Parameters
    ----------
    ids : numpy.ndarray
        Plot ids (blank ids left out).
    rows : numpy.ndarray
        Their 1-based input rows.
    crops : numpy.ndarray, optional
        Their season keys as read (:func:`row_crops`: crop codes, ``early_rice`` / ``late_rice`` where the
        crop cell names the rice season; None where unread); with ``tables``, a rice row's plot-id suffix
        naming its season counts too (:func:`with_id_seasons`). Without them every repeated id is a
        duplicate.
    keys : numpy.ndarray, optional
        Their place, land-use and area cells (:func:`row_keys`); without them these are taken to agree. Rows of
        one id whose region, village, sheet or land use differ are never the season rows of one field: a
        duplicate (:class:`DuplicateRows`, naming the cells that differ).
    tables : Tables, optional
        Literature tables: with them (and ``crops``), ids that differ only by a season suffix
        (:func:`season_suffix_pattern`) are read as the season rows of one field too.
    labels : numpy.ndarray, optional
        Their crop cells as written (:func:`row_crop_cells`): the suffixes of the season plot ids
        (:func:`season_suffix`); without them the suffixes are the season keys.

    Returns
    -------
    dict
        Repeated id → ``"3, 17"`` (a duplicate: its rows are rejected) or a :class:`SeasonRows`
        ``{crop: row}`` (the season rows of one field: every row of the id has a crop read, the season keys
        all differ (:func:`_distinct_seasons`: the early and the late rice of one field differ) and no
        :func:`season_plot_id` of them is the id of another row; each row is kept with its season
        plot id, the id, ``~`` and its crop cell as written, or its season key where two rows' cells give
        the same suffix: :func:`_season_suffixes`); and, with ``tables``, each id of a field written with season suffixes → its
        :class:`SeasonField` (ids that occur once, are the same id with a season suffix, grow crops
        read that all differ, agree in their region and area cells where filled, and whose id without
        the suffix is no row's id; each row keeps its id). The rule sees the whole input, so a chunked
        reading gives the answer a whole one does.

    Examples
    --------
    >>> ids = np.array(["A", "A", "B", "B", "C"], dtype=object)
    >>> crops = np.array(["rice", "wheat", "rice", "rice", "rice"], dtype=object)
    >>> repeated_plot_ids(ids, np.arange(1, 6), crops)
    {'A': {'rice': 1, 'wheat': 2}, 'B': '3, 4'}
    >>> repeated_plot_ids(ids, np.arange(1, 6), crops, labels=np.array(["水稻", "小麦", "稻", "稻", "稻"]))["A"].suffix
    {'rice': '水稻', 'wheat': '小麦'}
    >>> from agriremed.core.tables import load_tables
    >>> r = repeated_plot_ids(np.array(["T-稻", "T-麦"], dtype=object), np.array([1, 2]),
    ...                       np.array(["rice", "wheat"], dtype=object), tables=load_tables())
    >>> r["T-稻"], r["T-稻"].field
    ({'rice': 1, 'wheat': 2}, 'T')
    """
    if tables is not None and crops is not None:
        crops = with_id_seasons(ids, crops)
    s = pd.DataFrame({"id": pd.Series(ids, dtype=object), "row": np.asarray(rows, np.int64),
                      "crop": pd.Series(crops if crops is not None else np.full(len(ids), None), dtype=object),
                      "label": pd.Series(labels if labels is not None else np.full(len(ids), None), dtype=object)})
    out: dict = {}
    if keys is not None:
        key = np.empty(len(s), dtype=object)
        for i, k in enumerate(keys):
            key[i] = tuple(k)
        s["keys"] = key
    if tables is not None and crops is not None:
        if keys is None:
            s["keys"] = [()] * len(s)
        out.update(_suffix_fields(s, tables))
    rep = s.loc[s["id"].duplicated(keep=False)]
    if rep.empty:
        return out
    every = set(s["id"].tolist())
    for k, g in rep.groupby("id", sort=False):
        crop = g["crop"].tolist()
        # rows in different townships, villages, sheets or land uses are different plots, never one field
        differ = _keys_differ(g["keys"].tolist(), PLACE_KEY_CANONS) if "keys" in g else {}
        suffix = _season_suffixes(crop, g["label"].tolist()) if _distinct_seasons(crop) and not differ else None
        seasons = suffix is not None and not any(season_plot_id(k, suffix[c]) in every for c in crop)
        out[k] = (SeasonRows(dict(zip(crop, g["row"].tolist(), strict=True)), suffix) if seasons
                  else DuplicateRows(", ".join(map(str, g["row"].tolist())), differ))
    return out


def _season_suffixes(keys: list, labels: list) -> dict:
    """Season key → the suffix of its row's season plot id (:func:`season_plot_id`) for the season rows of one
    field (``keys``: their season keys, all different; ``labels``: their crop cells as written): each cell as
    :func:`season_suffix` makes it, or every row's season key where a cell gives none or two give the same
    suffix (cells that differ only in the characters :func:`season_suffix` replaces).

    >>> _season_suffixes(["early_rice", "late_rice"], ["早稻", "晚稻"])
    {'early_rice': '早稻', 'late_rice': '晚稻'}
    >>> _season_suffixes(["rice", "wheat"], ["稻~麦", "稻/麦"])
    {'rice': 'rice', 'wheat': 'wheat'}
    """
    suffixes = [season_suffix(t) for t in labels]
    if None in suffixes or len(set(suffixes)) < len(suffixes):
        return {k: k for k in keys}
    return dict(zip(keys, suffixes, strict=True))


def _ids_and_crops(raw: pd.DataFrame, mapping: dict[str, str], dups: list[str],
                   tables: Tables) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each row's plot id (None where blank), season key (:func:`row_crops`, :func:`with_id_seasons`) and crop
    cell as written (:func:`row_crop_cells`) as :func:`validate_plots` reads them; None without one plot-id
    column."""
    pid_col = next((c for c, v in mapping.items() if v == "plot_id"), None)
    if pid_col is None or "plot_id" in dups:
        return None
    text, blank = _cell_text(raw[pid_col], "plot_id")
    ids = np.where(blank, None, text.to_numpy(object))
    crop_col = next((c for c, v in mapping.items() if v == "crop"), None)
    one = crop_col is not None and "crop" not in dups
    crops = (with_id_seasons(ids, row_crops(raw, tables, crop_col)) if one
             else np.full(len(raw), None, dtype=object))
    labels = row_crop_cells(raw, crop_col) if one else np.full(len(raw), None, dtype=object)
    return ids, crops, labels


def _repeated_in(raw: pd.DataFrame, cells: pd.DataFrame, mapping: dict[str, str], dups: list[str],
                 tables: Tables) -> tuple[dict, tuple | None]:
    """:func:`repeated_plot_ids` of the rows of ``raw`` (the whole input; ``cells``: its cells as read,
    before region columns are joined or filled, for :func:`row_keys`), and the rows' ids and crops as
    read for it (:func:`_ids_and_crops`; None where they were not read)."""
    pid_col = next((c for c, v in mapping.items() if v == "plot_id"), None)
    if pid_col is None or "plot_id" in dups:
        return {}, None
    text = as_text(raw[pid_col])
    if not text.duplicated().any() and season_suffix_bases(text, tables).isna().all():
        return {}, None  # no id repeated nor with a season suffix: the crops are not read twice
    ids, crops, labels = _ids_and_crops(raw, mapping, dups, tables)
    known = np.array([isinstance(i, str) for i in ids], bool)
    return (repeated_plot_ids(ids[known], np.flatnonzero(known) + 1, crops[known], row_keys(cells)[known], tables,
                              labels[known]),
            (ids, crops, labels))


def _season_siblings(raw: pd.DataFrame, mapping: dict[str, str], dups: list[str], repeated: dict,
                     tables: Tables, read: tuple | None = None) -> dict:
    """Row index → {crop: input row} of the other season rows of its field (the rows of a plot id
    repeated with different crops, :func:`repeated_plot_ids`), for the rows of such fields (``read``:
    the rows' ids and crops where :func:`_repeated_in` read them already)."""
    if not any(isinstance(v, dict) for v in repeated.values()):
        return {}
    ids, crops, _ = read if read is not None else _ids_and_crops(raw, mapping, dups, tables)
    out = {}
    for i, (pid, crop) in enumerate(zip(ids, crops, strict=True)):
        rows = repeated.get(pid) if isinstance(pid, str) else None
        if isinstance(rows, dict) and crop in rows:
            out[i] = Siblings({c: r for c, r in rows.items() if c != crop}, crop)
    return out


class Siblings(dict):
    """{season key: input row} of the other season rows of a row's field (:func:`_season_siblings`); ``own``
    is the row's own season key (:func:`season_key`)."""

    def __init__(self, rows: dict, own: str):
        super().__init__(rows)
        self.own = own


#: The other rice season of a double-cropped field: early → late, late → early.
OTHER_RICE_SEASON = {"early": "late", "late": "early"}


def rice_season_rows(elsewhere: dict, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows (of ``n``) that are one rice season of a double-cropped field whose other season is planned
    in another row (``elsewhere``: :func:`_season_siblings`), and that row (0 elsewhere)."""
    linked, other = np.zeros(n, bool), np.zeros(n, np.int64)
    for i, sib in elsewhere.items():
        season = next((s for s, k in RICE_SEASON_KEYS.items() if getattr(sib, "own", None) == k), None)
        row = sib.get(RICE_SEASON_KEYS[OTHER_RICE_SEASON[season]]) if season else None
        if row is not None:
            linked[i], other[i] = True, row
    return linked, other


def _features(attrs: dict, plot_id_col: str | None, n: int) -> dict | None:
    """The feature ids (FID) and polygon keys of the features of a GIS layer (:func:`agriremed.io.geo.read_layer`:
    ``attrs['fid']``, ``attrs['shape_key']``, one per feature; a chunk of the layer carries the whole layer's
    ids as ``layer_fid``), indexed by input row − 1 as the duplicate plot ids name them, and the header of its
    plot id; None for a table."""
    fid, shape = attrs.get("layer_fid", attrs.get("fid")), attrs.get("shape_key")
    if fid is None or shape is None or len(fid) != len(shape):
        return None
    return {"fid": fid, "shape": shape, "header": plot_id_col or "plot_id"}


def _row_places(rows: list[int], where: dict | None) -> Message:
    """Input rows named where the sheet and its line show them (``where``: :func:`_row_where`): ``row 1 (sheet
    南洲镇, line 2), row 5 (sheet 龙船镇, line 3)`` / ``第1条记录（工作表南洲镇第2行）、第5条记录（…）``; a row whose line
    is not known (in another chunk of a large input) by its input row alone."""
    parts = []
    for r in rows:
        line, sheet = (where or {}).get(r, (None, None))
        if line is not None and sheet is not None:
            parts.append(Message.of("prob.row_sheet_line", row=r, sheet=sheet, line=line))
        elif line is not None:
            parts.append(Message.of("prob.row_line", row=r, line=line))
        else:
            parts.append(Message.of("prob.row", row=r))
    out = parts[-1] if parts else Message()
    for p in reversed(parts[:-1]):
        out = Message.of("val.row_list", first=p, rest=out)
    return out


def row_lines(raw: pd.DataFrame, attrs: dict | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Each row's file line (the row of its sheet with ``--sheet all``) and its sheet (None but with ``--sheet
    all``), as the problems name them; None where the input was not read from a file (``attrs``: how it was
    read, ``raw.attrs`` by default)."""
    attrs = raw.attrs if attrs is None else attrs
    header_line, n = attrs.get("header_line"), len(raw)
    if header_line is None:
        return None
    lines = attrs.get("lines")
    line_of = (np.asarray(lines, np.int64) if lines is not None and len(lines) == n
               else np.arange(1, n + 1) + int(header_line))
    sheet_of = (as_text(raw[SHEET_COLUMN]).to_numpy(object) if attrs.get("sheets") and SHEET_COLUMN in raw.columns
                else np.full(n, None, dtype=object))
    return line_of, sheet_of


def _row_where(attrs: dict, raw: pd.DataFrame, n: int) -> dict | None:
    """Input row (of the whole input: ``attrs['rows_before']`` rows precede a chunk) → (its file line or sheet
    line, its sheet with ``--sheet all``) of the rows of ``raw`` (:func:`row_lines`); None where the input was
    not read from a file."""
    got = row_lines(raw, attrs)
    if got is None:
        return None
    line_of, sheet_of = got
    before = int(attrs.get("rows_before") or 0)
    return {before + k + 1: (int(line_of[k]), sheet_of[k] or None) for k in range(n)}


def _duplicate_id_message(i: int, rows: str, rice: bool, pid, features: dict | None,
                          where: dict | None = None) -> Message:
    """Why a row sharing its plot id is rejected: features of a GIS layer with different polygons are told to
    give each parcel its own code, naming their FIDs; a table row (or features with one polygon) names the
    rows, each with its sheet and line where known (``where``: :func:`_row_where`); rows in different townships,
    villages, sheets or land uses (:class:`DuplicateRows`) are told they are different plots needing ids of their
    own; a rice row how the early and late rice of one field are told apart."""
    at = [int(r) for r in str(rows).replace(" ", "").split(",") if r.isdigit()]
    if features is not None and len(at) > 1 and all(1 <= r <= len(features["fid"]) for r in at):
        if len({features["shape"][r - 1] for r in at}) > 1:
            return Message.of("val.duplicate_id_features", fids=", ".join(str(features["fid"][r - 1]) for r in at),
                              header=features["header"], id=str(pid[i]))
    # the rows with their sheets and lines where known (a streamed run's first pass read those of other chunks);
    # else their numbers, as before ('rows 1, 4')
    where = {**(where or {}), **getattr(rows, "where", {})} or None
    lines = where is not None and any(r in where for r in at)
    places = _row_places(at, where) if lines else Message.of("val.rows_numbered", rows=str(rows))
    differ = getattr(rows, "differ", None)
    if differ:
        kind, values = next(iter(differ.items()))
        return Message.of("val.duplicate_id_places", rows=places, what=kind,
                          values=" / ".join(v if v != "" else "—" for v in values))
    if not lines:
        return Message.of("val.duplicate_rice_id" if rice else "val.duplicate_id", rows=rows)
    return Message.of("val.duplicate_rice_id_at" if rice else "val.duplicate_id_at", rows=places)


def _check_plot_ids(col: Collector, out: pd.DataFrame, dups: list[str],
                    duplicates: dict | None, features: dict | None = None, where: dict | None = None) -> None:
    """Reject rows whose plot id occurs more than once (in ``out``, or in the whole input when
    ``duplicates`` is given: :func:`repeated_plot_ids`), unless they are the season rows of one
    field (the same id on rows growing different crops): each keeps its season plot id
    (:func:`season_plot_id`) and the field's id in ``field_id`` where that cell is blank, and the
    file's first season row says so once. Features of a GIS layer (``features``: :func:`_features`) with one
    id and different polygons are told apart by their FIDs (:func:`_duplicate_id_message`)."""
    if "plot_id" not in out.columns or "plot_id" in dups:
        return
    pid = pd.Series(out["plot_id"], dtype=object)
    crop = (pd.Series(out["crop"], dtype=object).to_numpy(object) if "crop" in out.columns and "crop" not in dups
            else np.full(len(pid), None, dtype=object))
    rice = np.array([c == "rice" for c in crop], bool)
    if "rice_season" in out.columns:  # the early and the late rice of a field: early_rice, late_rice
        crop = np.array([season_key(c, s) for c, s in zip(crop, out["rice_season"], strict=True)], dtype=object)
    if duplicates is None:
        known = pid.notna().to_numpy()
        crops = np.array([c if isinstance(c, str) else None for c in crop], dtype=object)
        duplicates = repeated_plot_ids(pid.to_numpy(object)[known], np.flatnonzero(known) + 1, crops[known])
    if not duplicates:
        return
    mapped = np.empty(len(pid), dtype=object)  # repeated id → rows (str) or {crop: row} (dict)
    mapped[:] = [duplicates.get(i) if isinstance(i, str) else None for i in pid.to_numpy(object)]
    dup = np.array([isinstance(m, str) for m in mapped], bool)
    if dup.any():
        # a rice row: the early and the late rice of one field are told apart by 早稻/晚稻 in the id or crop
        col.add(dup, "plot_id", pid.to_numpy(object), "error",
                lambda idx: [_duplicate_id_message(i, mapped[i], rice[i], pid.to_numpy(object), features, where)
                             for i in idx], Message.of("exp.unique"))
    season = np.array([isinstance(m, dict) and crop[i] in m for i, m in enumerate(mapped)], bool)
    if any(isinstance(v, dict) for v in duplicates.values()):  # a file-level column: in every chunk alike
        _season_rows(col, out, pid, crop, season, duplicates)


def _season_rows(col: Collector, out: pd.DataFrame, pid: pd.Series, crop: np.ndarray, season: np.ndarray,
                 repeated: dict) -> None:
    """The season rows of ``out`` (``season``) get their season plot id and their field id (the column
    ``field_id`` is added to every row of an input holding season rows); the first season row of the whole
    input (by :func:`repeated_plot_ids`' rows) carries the note."""
    ids = pid.to_numpy(object)
    field = (pd.Series(out["field_id"], dtype=object) if "field_id" in out.columns
             else pd.Series(None, index=out.index, dtype=object))
    blank_field = field.isna().to_numpy(bool)
    suffixed = season & np.array([isinstance(repeated.get(i), SeasonField) for i in ids], bool)
    field_of = np.array([repeated[i].field if s else i for i, s in zip(ids, suffixed, strict=True)], dtype=object)
    out["field_id"] = np.where(season & blank_field, field_of, field.to_numpy(object))
    out["plot_id"] = np.where(season & ~suffixed, [season_plot_id(i, _suffix_of(repeated[i], c)) if s else i
                                                   for i, c, s in zip(ids, crop, season, strict=True)], ids)
    fields = {k: v for k, v in repeated.items() if isinstance(v, dict) and not isinstance(v, SeasonField)}
    if fields:
        first_id, first = min(fields.items(), key=lambda kv: min(kv[1].values()))
        first_crop = min(first, key=first.get)
        here = season & ~suffixed & (ids == first_id) & (crop == first_crop)
        example = " / ".join(season_plot_id(first_id, _suffix_of(first, c)) for c in first)
        col.add(here, "plot_id", ids, "warning",
                Message.of("val.season_rows", n=len(fields), rows=sum(len(v) for v in fields.values()),
                           id=first_id, example=example, sep=SEASON_SEP), "")
    _suffix_note(col, ids, suffixed, {k: v for k, v in repeated.items() if isinstance(v, SeasonField)})


def _suffix_of(field: dict, key) -> str:
    """The suffix of the season plot id of the row of season key ``key`` of a field (:class:`SeasonRows`; the
    key itself for a plain ``{crop: row}``)."""
    return getattr(field, "suffix", {}).get(key, key)


def _suffix_note(col: Collector, ids: np.ndarray, suffixed: np.ndarray, fields: dict) -> None:
    """The note on the first row of the whole input (by input row) of the fields written with season suffixes
    (``fields``: plot id → :class:`SeasonField`), if it is among ``ids`` (its rows ``suffixed``)."""
    if not fields:
        return
    first = min(fields.values(), key=lambda f: min(f.values()))
    col.add(suffixed & (ids == first.ids[0]), "plot_id", ids, "warning",
            Message.of("val.season_suffix_rows", n=len({f.field for f in fields.values()}), rows=len(fields),
                       example=" / ".join(first.ids), field=first.field), "")


def _check_marginal_cultivated(col: Collector, out: pd.DataFrame, tables: Tables) -> None:
    """Reject marginal plots (wasteland, mine, brownfield) that the other inputs show to be
    cultivated land: flagged permanent basic farmland, or growing a food crop.

    Both contradict ``marginal`` (permanent basic farmland and land farmed for food are
    cultivated land, under the cultivated-land rules), and paddy and other land have
    different GB 15618 screening values, so the land class is asked for rather than guessed. A crop
    not in the library is named as written (``crop_as_written``: 黄精), not by its code.
    """
    if "land_use" not in out.columns:
        return
    marginal = (pd.Series(out["land_use"], dtype=object) == "marginal").to_numpy(bool)
    if "basic_farmland" in out.columns:
        bf_yes = marginal & (pd.Series(out["basic_farmland"], dtype=object) == "yes").to_numpy(bool)
        col.add(bf_yes, "land_use, basic_farmland", np.full(len(out), "marginal, yes", dtype=object), "error",
                Message.of("val.marginal_basic_farmland"), Message.of("exp.cultivated_land_use", column="basic_farmland"))
    if "crop" in out.columns:
        food = dict(zip(tables.crops["crop"], tables.crops["food"].astype(str).str.lower() == "true"))
        crop = pd.Series(out["crop"], dtype=object)
        grows_food = marginal & crop.map(food).fillna(False).to_numpy(bool)
        # a crop not in the library as the sheet wrote it (黄精), not its code
        written = out.get("crop_as_written")
        shown = crop.where(pd.Series(written, dtype=object).isna().to_numpy(bool), written) \
            if written is not None else crop
        col.add(grows_food, "land_use, crop", ("marginal, " + shown.fillna("").astype(str)).to_numpy(object),
                "error", Message.of("val.marginal_food_crop"), Message.of("exp.cultivated_land_use", column="crop"))


#: Soil columns the season rows of one field should agree on (besides the total metals): a field is one soil.
FIELD_SOIL_COLUMNS = ("ph",)


def _check_field_soil(col: Collector, out: pd.DataFrame, others: pd.DataFrame | None = None) -> None:
    """Warn once per field (``field_id``, on its first row) whose rows give different soil values (pH, total
    metals: ``val.field_soil_differs``) or areas (``val.field_area_differs``): a field is one soil, planned with
    the strictest class of its rows (:func:`agriremed.stages.soil.field_classes`), and its area is counted once,
    with its first row's area. Blank cells are not compared. ``others``: in a chunk of a larger input, every row
    of the fields read in several chunks (:func:`field_soil_rows`, with their input rows): such a field is
    judged on all its rows, by the chunk holding its first row."""
    if "field_id" not in out.columns:
        return
    field = pd.Series(out["field_id"], dtype=object).to_numpy(object)
    known = np.array([isinstance(f, str) and f != "" for f in field.tolist()], bool)
    if not known.any():
        return
    n = len(out)
    groups: dict = {}  # field -> (its rows as a table, their input rows, the local row of its first row or -1)
    split = set()
    if others is not None and len(others) and "field_id" in others:
        pid = pd.Series(out["plot_id"], dtype=object).to_numpy(object) if "plot_id" in out else None
        for f, g in others.groupby("field_id", sort=False):
            if not (field == f).any():
                continue
            split.add(f)
            g = g.sort_values("input_row")
            first = np.flatnonzero(pid == g["plot_id"].iloc[0]) if pid is not None else []
            groups[f] = (g.reset_index(drop=True), g["input_row"].to_numpy(np.int64), int(first[0]) if len(first) else -1)
    local: dict = {}
    for i in np.flatnonzero(known).tolist():
        if field[i] not in split:
            local.setdefault(field[i], []).append(i)
    for f, rows in local.items():
        groups[f] = (pd.DataFrame(out).iloc[rows].reset_index(drop=True), np.asarray(rows) + 1, rows[0])
    soil_cols = [c for c in (*FIELD_SOIL_COLUMNS, *(C.metal_column(m) for m in C.METALS)) if c in out.columns]
    for f, (g, numbers, at) in groups.items():
        if len(g) < 2 or at < 0:
            continue
        where = ", ".join(str(int(i)) for i in numbers)
        first = np.zeros(n, bool)
        first[at] = True
        diff, cols = [], []
        for c in soil_cols:
            if c not in g:
                continue
            v = pd.to_numeric(g[c], errors="coerce").to_numpy(float)
            if len(np.unique(v[~np.isnan(v)])) > 1:
                diff.append(f"{c} " + " / ".join("" if np.isnan(x) else f"{x:g}" for x in v))
                cols.append(c)
        if diff:
            col.add(first, ", ".join(cols), np.full(n, "; ".join(diff), dtype=object), "warning",
                    Message.of("val.field_soil_differs", field=f, rows=where, values="; ".join(diff)))
        if "area_ha" in g:
            a = pd.to_numeric(g["area_ha"], errors="coerce").to_numpy(float)
            if len(np.unique(np.round(a[~np.isnan(a)], 9))) > 1:
                shown = " / ".join("" if np.isnan(x) else f"{x:.4g}" for x in a)
                col.add(first, "area_ha", np.full(n, shown, dtype=object), "warning",
                        Message.of("val.field_area_differs", field=f, rows=where, values=shown,
                                   first=str(int(numbers[0])), area=float(f"{a[0]:.4g}")))


def _check_rice_on_dry_land(col: Collector, out: pd.DataFrame) -> None:
    """Warn on a row whose crop is rice and whose land use is recorded as other than paddy (upland, orchard,
    vegetable; marginal land growing food is an error already): the two columns contradict each other, and
    the plan assumes the land use as recorded with rice grown without flooding (upland rice), screened with
    the stricter of the paddy and dry-land values (:func:`agriremed.stages.soil.rice_on_dry_land`)."""
    rice = rice_on_dry_land(out)
    if "land_use" in out.columns:
        rice &= (pd.Series(out["land_use"], dtype=object) != "marginal").to_numpy(bool)
    if not rice.any():
        return
    lu = pd.Series(out["land_use"], dtype=object).to_numpy(object)
    col.add(rice, "land_use, crop", np.array([f"{u}, rice" for u in lu.tolist()], dtype=object), "warning",
            lambda idx: [Message.of("val.rice_on_dry_land", land_use=lu[i]) for i in idx])


def _check_metal_measured(col: Collector, out: pd.DataFrame, metals_present: list[str], n: int) -> None:
    """Reject the rows (not rejected already) without any metal concentration."""
    if not metals_present:
        return
    have = np.zeros(n, dtype=bool)
    for m in metals_present:
        if C.metal_column(m) in out.columns:
            have |= ~np.isnan(out[C.metal_column(m)].to_numpy(float))
    col.add(~have & ~col.error_rows, ", ".join(C.metal_column(m) for m in metals_present), None, "error",
            Message.of("val.no_metal_row"), Message.of("exp.one_total"))


def _validation(col: Collector, raw: pd.DataFrame, out: pd.DataFrame, attrs: dict,
                notes: list[str], cells: pd.DataFrame | None = None) -> Validation:
    """The result: valid rows, rejected rows (their cells as written, ``cells``) with their reasons, problems
    (with the file line of each row when the input was read from a file)."""
    n = len(raw)
    header_line = attrs.get("header_line")
    problems = col.frame()
    lines = attrs.get("lines")
    if header_line is not None:
        line_of = (np.asarray(lines, int) if lines is not None and len(lines) == n
                   else np.arange(1, n + 1) + int(header_line))
        problems.insert(1, "line", pd.array([line_of[int(r) - 1] if not pd.isna(r) else pd.NA
                                             for r in problems["input_row"]], dtype="Int64"))
    if attrs.get("sheets") and SHEET_COLUMN in raw.columns:  # --sheet all: each problem's sheet beside its line
        sheet_of = as_text(raw[SHEET_COLUMN]).to_numpy(object)
        problems.insert(2 if "line" in problems.columns else 1, "sheet",
                        [sheet_of[int(r) - 1] if not pd.isna(r) else "" for r in problems["input_row"]])
    err = col.error_rows
    out.insert(0, "input_row", np.arange(1, n + 1))
    if header_line is not None:
        out.insert(1, "line", line_of)
    plots = out.loc[~err].reset_index(drop=True)
    for c in plots.columns:
        spec = C.COLUMNS.get(c)
        if spec is not None and spec.dtype in ("category", "str") and c in plots:
            plots[c] = plots[c].astype(object)
    skipped = _skipped_rows(problems, col.skipped, line_of if header_line is not None else None)
    err = err & ~col.skipped
    rejected = (raw if cells is None else cells).loc[err].copy()  # the row as written in the sheet
    rejected.insert(0, "input_row", np.flatnonzero(err) + 1)
    if header_line is not None:
        rejected.insert(1, "line", line_of[rejected["input_row"].to_numpy(int) - 1])
    fid = attrs.get("fid")
    if fid is not None and len(fid) == n:  # a GIS layer: each row's feature id as GIS software shows it
        fid = np.asarray(fid, dtype=np.int64)
        problems.insert(1, "fid", pd.array([fid[int(r) - 1] if not pd.isna(r) else pd.NA
                                            for r in problems["input_row"]], dtype="Int64"))
        rejected.insert(1, "fid", fid[rejected["input_row"].to_numpy(int) - 1])
    rejected["reasons_msg"] = _reasons_msg(problems, rejected)
    # the text of each row's errors is its message in English (the column, the value and what was expected)
    rejected["reasons"] = [render(Message.decode(m), "en") or r for m, r in
                           zip(rejected["reasons_msg"], _reasons(problems, rejected), strict=True)]
    rejected = rejected[[c for c in rejected.columns if c != "reasons_msg"] + ["reasons_msg"]]
    return Validation(plots=plots, rejected=rejected.reset_index(drop=True), problems=problems,
                      n_input=n, notes=notes, crop_in_input=bool(attrs.get("crop_values_in_input")),
                      field_rows_in_input=attrs.get("field_rows_in_input"), skipped=skipped)


#: Columns of :attr:`Validation.skipped`.
SKIPPED_COLUMNS = ("input_row", "line", "reason", "reason_msg")


def no_skipped_rows() -> pd.DataFrame:
    """An empty :attr:`Validation.skipped` table, with the dtypes of a filled one (a copy of one built once:
    every validation makes one)."""
    return _NO_SKIPPED_ROWS.copy()


_NO_SKIPPED_ROWS = pd.DataFrame({"input_row": pd.Series(dtype="int64"), "line": pd.Series(dtype="Int64"),
                                 "reason": pd.Series(dtype=object), "reason_msg": pd.Series(dtype=object)})


def _skipped_rows(problems: pd.DataFrame, skipped: np.ndarray, line_of: np.ndarray | None) -> pd.DataFrame:
    """The rows that are not plots (``skipped``), each with its file line (``line_of``; blank without) and why
    (the note :func:`_report_total_rows` gave it)."""
    rows = np.flatnonzero(skipped) + 1
    if not len(rows):
        return no_skipped_rows()
    why = problems.loc[problems["severity"].eq("note") & problems["input_row"].isin(rows)
                       ].drop_duplicates("input_row").set_index("input_row")
    return pd.DataFrame({
        "input_row": rows,
        "line": pd.array([int(line_of[r - 1]) for r in rows] if line_of is not None else [pd.NA] * len(rows),
                         dtype="Int64"),
        "reason": [why["problem"].get(r, "") for r in rows],
        "reason_msg": [why["problem_msg"].get(r, "") for r in rows],
    }, columns=list(SKIPPED_COLUMNS))


def _reasons(problems: pd.DataFrame, rejected: pd.DataFrame):
    """The errors of each rejected row joined in one text (the file's errors for rows without
    their own)."""
    if not len(rejected):
        return pd.Series(dtype=object)
    errs = problems.loc[problems["severity"] == "error"].dropna(subset=["input_row"])
    reasons = errs.assign(msg=errs["column"].fillna("").map(lambda c: f"{c}: " if c else "")
                          + errs["problem"]).groupby("input_row")["msg"].agg("; ".join)
    file_errs = problems.loc[(problems["severity"] == "error") & problems["input_row"].isna(), "problem"]
    file_reason = "; ".join(file_errs)
    return [reasons.get(r, file_reason) or file_reason for r in rejected["input_row"]]


#: Problems whose message lists the values expected (the crops, the land uses agriremed plans): a
#: rejected row's reason does not repeat the list.
_PROBLEMS_THAT_LIST = frozenset({"val.unknown_crop", "val.unknown_land_use"})


def _problem_message(column, problem: str, encoded: str, value="", expected: str = "") -> Message:
    """One error of a rejected row as a message part (``column 'value': problem (expected …)``;
    the value and what was expected where the problem has them)."""
    msg = Message.decode(encoded) if encoded else Message.of("val.text", text=problem)
    if not column:
        return msg
    value = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    # a whole line (ragged rows) is in the row itself; a feature's id (FID 2) is named by its problem
    if not value or len(value) > 40 or column == "geometry":
        value = ""
    if msg.parts and msg.parts[0][0] in _PROBLEMS_THAT_LIST:  # the problem already lists what is expected
        expected = ""
    if not value and expected:
        return Message.of("val.in_column_expected", column=column, problem=msg, expected=Message.decode(expected))
    if not value:
        return Message.of("val.in_column", column=column, problem=msg)
    if expected:
        return Message.of("val.in_column_value_expected", column=column, value=value, problem=msg,
                          expected=Message.decode(expected))
    return Message.of("val.in_column_value", column=column, value=value, problem=msg)


def _reasons_msg(problems: pd.DataFrame, rejected: pd.DataFrame):
    """The reasons of :func:`_reasons` as encoded messages (one part per error)."""
    if not len(rejected):
        return pd.Series(dtype=object)
    err = problems["severity"] == "error"
    enc = problems["problem_msg"] if "problem_msg" in problems else pd.Series("", index=problems.index)
    enc = enc.fillna("")
    exp = problems["expected_msg"] if "expected_msg" in problems else pd.Series("", index=problems.index)
    exp = exp.fillna("")
    val = problems["value"] if "value" in problems else pd.Series("", index=problems.index)
    memo: dict = {}

    def part(c, p, e, v, x):
        key = (c, p, e, str(v), x)
        if key not in memo:
            memo[key] = _problem_message(c, p, e, v, x)
        return memo[key]

    by_row: dict = {}
    file_msg = Message()
    for r, c, p, e, v, x in zip(problems.loc[err, "input_row"], problems.loc[err, "column"].fillna(""),
                                problems.loc[err, "problem"], enc[err], val[err], exp[err]):
        if pd.isna(r):
            file_msg = file_msg + (Message.decode(e) if e else Message.of("val.text", text=p))
        else:
            by_row[int(r)] = by_row.get(int(r), Message()) + part(c, p, e, v, x)
    return [(by_row.get(int(r)) or file_msg).encode() for r in rejected["input_row"]]
