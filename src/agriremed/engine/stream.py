"""Portfolio runs: plan a plot table of any size in chunks, writing the outputs as they come.

:func:`plan_stream` reads a CSV or Parquet file (or a DataFrame) ``chunk_size`` rows at a
time, validates and plans each chunk with :func:`agriremed.plan` (``detail=False``: the
plan and summary tables, not the long per-year tables), and appends the plan and summary
rows to ``plan.parquet`` / ``summary.parquet`` (or ``.csv``) before reading the next chunk.
Peak memory is set by the chunk size, not by the number of plots.

The streamed result equals the in-memory one: input rows are numbered across the whole
file, plot ids repeated anywhere in the file are rejected as duplicates, or read as the season
rows of one field where the rows grow different crops, as are ids that are one id with a season
suffix (TC-01-稻, TC-01-麦; a first pass over the file collects the plot id, the crop and the
region and area cells of every row), and every plot's numbers are those
:func:`agriremed.plan` gives, because no stage looks across plots. The dask backend
(:mod:`agriremed.engine.dask_backend`) runs the
same chunk function on the partitions of a dask DataFrame.

Outputs in ``out``:

* ``plan.parquet`` (or ``plan.csv``) — one row per plot × option, columns as ``plan.csv``
  (with ``plan_rows="recommended"``: the row of each plot's recommended option only);
* ``summary.parquet`` (or ``summary.csv``) — one row per planned plot;
* ``rejected.csv``, ``problems.csv`` — every rejected row with its reasons, all problems;
* ``scenario.json`` and ``run.json`` — scenario, seed, version, row counts, input digest;
* ``datapackage.json`` — every column of every table (type, unit, English and Chinese label).

CSV outputs are plain tables as :func:`agriremed.io.readers.write_csv` writes them (header row
first, no comment lines, formula-looking text quoted); the provenance is in ``run.json``,
and Parquet files also carry it in their schema metadata (key ``agriremed``). Output files
of an earlier run in ``out`` are removed first (:func:`agriremed.io.outputs.prepare_out_dir`).
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import dataclasses
import hashlib
import io as _io
import json
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from agriremed.core.version import __version__
from agriremed.io.readers import (HEADER_SEARCH_LINES, InputFileError, header_row, mostly_common_chinese,
                                  header_search_note, sniff_separator, empty_lines_note, parquet_as_text, read_table,
                                  row_width_problem, footer_line, encoding_note, separator_note, header_line_note,
                                  apply_unit_row, header_lines, title_lines,
                                  unbalanced_quote_error)
from agriremed.core import i18n
from agriremed.core.messages import Note
from agriremed.core.names import normalise_header
from agriremed.core.frames import no_rows
from agriremed.io.outputs import csv_text, prepare_out_dir, texts_in, write_datapackage
from agriremed.core.scenario import Scenario, ScenarioError
from agriremed.core.tables import Tables, load_tables
from agriremed.io.validate import (DuplicateRows, Validation, as_text, decimal_marks, field_id_texts,
                                   field_soil_rows, has_crop_values, has_detection_limits, has_not_detected,
                                   has_rice_seasons, has_unlisted_crops, input_rounds, metal_column_medians,
                                   metal_column_numbers, no_skipped_rows, repeated_plot_ids, rotation_fields,
                                   round_keys, round_latest_values, row_crop_cells, row_crops, row_keys, row_lines,
                                   soil_total_texts, validate_plots, with_note_rows)
from agriremed.engine import assemble
from agriremed.engine.plan import (code_and_data, code_line, pass_through_columns, plan, rules_note, run_tables,
                                   weights_note,
                                   tables_provenance)
from agriremed.io.geo import feature_count
from agriremed.io.readers import write_csv
from agriremed.stages.softreuse import MATRIX_COLUMNS, REUSE_COLUMNS, reuse_for_plan

__all__ = ["StreamResult", "plan_stream", "iter_chunks", "plan_chunk", "duplicate_ids", "DEFAULT_CHUNK_SIZE",
           "MEMORY_BUDGET_MB", "memory_estimate_mb", "chunk_size_for", "max_draws", "check_draws",
           "data_rows_at_most", "usable_cores", "WorkerError"]

#: Plots per chunk of a deterministic run (``mc_draws=0``): about 1 GB of resident memory
#: for the 26-option library (see :data:`MEMORY_PER_PLOT_MB`); larger chunks are not faster.
#: With Monte Carlo draws the chunk size comes from :func:`chunk_size_for`.
DEFAULT_CHUNK_SIZE = 5_000

# ---- memory model ---------------------------------------------------------------------------
# Peak resident memory of planning n plots with D Monte Carlo draws in one call of
# agriremed.plan, measured with ``python bench/bench_memory.py --model`` (one fresh process per
# point, ru_maxrss; 2 CPUs, Python 3.11, numpy 2.4, pandas 3.1, the packaged 26-option
# library): base + D × per_draw + n × (per_plot + D × per_plot_draw). The per-plot-draw term
# is the heaviest of the 16 sample plots (3.2 kB per plot and draw, plot 12 of
# data/samples/plots.csv repeated 1 000 times; the synthetic portfolio mix needs 1.7 kB) plus
# 10 %, so the estimate is an upper bound for realistic plot tables.

#: Resident memory of the ``agriremed plan`` process with agriremed, its tables, the reader
#: and writers loaded [MB] (measured 300 for a 3-plot plan).
MEMORY_BASE_MB = 350.0
#: Memory per plot of a chunk without Monte Carlo draws [MB]: the largest (peak − MEMORY_BASE_MB) ÷
#: plots per chunk measured after chunks stopped holding their predecessors (frames.no_rows), plus 10 %
#: (measured 2026-12-07 with ``/usr/bin/time -v agriremed plan SHEET --draws 0 --jobs 1 --quiet``,
#: report.html and plan.xlsx written: the county sheet of bench/bench_county_sheet.py in chunks of
#: 7 166, 20 000 rows peaked at 1 568 MB, 0.170 per plot, and 50 000 rows at 1 668 MB, 0.184; 50 000
#: synthetic plots (io.synthetic.synthetic_plots, seed 1) in chunks of 10 238 at 2 370 MB, 0.197).
#: The former 0.30 came from runs in which every chunk kept the first and the previous chunk's
#: stage tables alive.
MEMORY_PER_PLOT_MB = 0.22
#: The same for a whole plan with its per-year tables, written with report.html [MB]
#: (measured 0.22: 14 000 synthetic plots without draws peaked at 3 360 MB).
MEMORY_PER_PLOT_DETAIL_MB = 0.25
#: Memory per plot and Monte Carlo draw [MB] (measured 1.7–3.2 kB).
MEMORY_PER_PLOT_DRAW_MB = 3.5e-3
#: Memory per Monte Carlo draw whatever the number of plots (parameter draw tables) [MB]
#: (measured 2–5 kB).
MEMORY_PER_DRAW_MB = 5e-3
#: Estimated peak memory a plan may reach by default [MB]; the measured peak stays below
#: 3 GB (README, "Memory").
MEMORY_BUDGET_MB = 2_500.0
#: Memory per plot of a chunk whose every plot × option row is kept and its sentences
#: rendered (``plan_rows="all"``, ``--all-options``) [MB] (measured 0.38: 12 000 synthetic
#: plots without draws in chunks of 7 166 peaked at 3 060 MB).
MEMORY_PER_PLOT_ALL_ROWS_MB = 0.40
#: Memory per plot of a planned chunk held by the main process of a parallel run while it
#: waits to be written (each recommended row, summary and soft re-use rows) [MB] (measured
#: 0.012: 12 000 plots, 2 workers, chunks of 2 416, the main process peaked at 436 MB).
MEMORY_PER_PLOT_PART_MB = 0.02
#: The same when every plot × option row is kept [MB] (measured 0.12: the same run with
#: ``--all-options`` peaked at 1 227 MB in the main process).
MEMORY_PER_PLOT_PART_ALL_ROWS_MB = 0.15


def memory_estimate_mb(n_plots: int, n_draws: int, detail: bool = False, held_mb: float = 0.0,
                       jobs: int = 1, all_rows: bool = False) -> float:
    """Estimated peak resident memory of planning ``n_plots`` plots at once [MB].

    Parameters
    ----------
    n_plots : int
        Plots planned in one call of :func:`agriremed.plan` (one chunk).
    n_draws : int
        Monte Carlo draws.
    detail : bool
        A whole plan with its per-year tables and report written (the in-memory
        ``agriremed plan``) rather than a chunk.
    held_mb : float
        Memory held beside the chunks for the whole run [MB]: a GIS layer's attributes and
        geometry, its region join and its plan.gpkg writer (:func:`agriremed.io.geo.held_mb`);
        0 for a plot table.
    jobs : int
        Worker processes planning one chunk of ``n_plots`` each at the same time
        (:func:`plan_stream`'s ``jobs``); with more than one, the main process that reads
        and writes counts as one more interpreter, holding up to ``jobs`` + 1 planned chunks.
    all_rows : bool
        Every plot × option row kept with its sentences (``plan_rows="all"``) rather than
        each plot's recommended row.

    Returns
    -------
    float
        ``MEMORY_BASE_MB + held_mb + n_draws × MEMORY_PER_DRAW_MB
        + n_plots × (MEMORY_PER_PLOT_MB + n_draws × MEMORY_PER_PLOT_DRAW_MB)`` [MB]
        (``MEMORY_PER_PLOT_DETAIL_MB`` with ``detail``, ``MEMORY_PER_PLOT_ALL_ROWS_MB`` with
        ``all_rows``); with ``jobs`` > 1 the terms of the chunk and of the interpreter once
        per worker, plus the main interpreter and ``(jobs + 1) × n_plots ×
        MEMORY_PER_PLOT_PART_MB`` (``MEMORY_PER_PLOT_PART_ALL_ROWS_MB``) for the planned
        chunks it holds.

    Examples
    --------
    >>> round(memory_estimate_mb(1_000, 500)), round(memory_estimate_mb(1_000, 500, held_mb=100))
    (2322, 2422)
    >>> round(memory_estimate_mb(1_000, 0, jobs=2)), round(memory_estimate_mb(1_000, 0, all_rows=True))
    (1550, 750)
    """
    n, d, j = max(int(n_plots), 0), max(int(n_draws), 0), max(int(jobs), 1)
    a = MEMORY_PER_PLOT_DETAIL_MB if detail else MEMORY_PER_PLOT_ALL_ROWS_MB if all_rows else MEMORY_PER_PLOT_MB
    return (_interpreters(j) * MEMORY_BASE_MB + max(float(held_mb), 0.0)
            + j * (d * MEMORY_PER_DRAW_MB + n * (a + d * MEMORY_PER_PLOT_DRAW_MB)) + n * _held_parts_mb(j, all_rows))


def _interpreters(jobs: int) -> int:
    """Interpreters of a run with ``jobs`` workers: the workers and the main process, or one."""
    return jobs + 1 if jobs > 1 else 1


def _held_parts_mb(jobs: int, all_rows: bool) -> float:
    """Memory per plot of a chunk of the planned chunks the main process of a parallel run
    holds (up to ``jobs`` + 1) [MB]; 0 in one process (counted in the plan's own memory)."""
    if jobs <= 1:
        return 0.0
    return (jobs + 1) * (MEMORY_PER_PLOT_PART_ALL_ROWS_MB if all_rows else MEMORY_PER_PLOT_PART_MB)


def chunk_size_for(n_draws: int, budget_mb: float = MEMORY_BUDGET_MB, detail: bool = False,
                   held_mb: float = 0.0, jobs: int = 1, all_rows: bool = False) -> int:
    """The most plots per chunk whose estimated peak memory stays within ``budget_mb``.

    Parameters
    ----------
    n_draws : int
        Monte Carlo draws.
    budget_mb : float
        Memory budget [MB].
    detail : bool
        Plots of a whole plan with its per-year tables and report (see
        :func:`memory_estimate_mb`) rather than of a chunk.
    held_mb : float
        Memory held beside the chunks for the whole run [MB] (a GIS layer,
        :func:`agriremed.io.geo.held_mb`); it is taken off ``budget_mb`` first.
    jobs : int
        Worker processes, each planning a chunk of this size at the same time (see
        :func:`memory_estimate_mb`).
    all_rows : bool
        Every plot × option row kept (see :func:`memory_estimate_mb`).

    Returns
    -------
    int
        Plots per chunk (:func:`memory_estimate_mb` ≤ ``budget_mb``); 0 when not even one
        plot fits (too many draws, see :func:`max_draws`).

    Examples
    --------
    >>> chunk_size_for(500), chunk_size_for(0), chunk_size_for(0, detail=True)
    (1090, 9772, 8600)
    >>> chunk_size_for(0, held_mb=300), chunk_size_for(0, jobs=2), chunk_size_for(500, jobs=2)
    (8409, 2900, 361)
    >>> chunk_size_for(0, all_rows=True), chunk_size_for(0, jobs=2, all_rows=True)
    (5375, 1160)
    """
    d, j = max(int(n_draws), 0), max(int(jobs), 1)
    free = budget_mb - _interpreters(j) * MEMORY_BASE_MB - max(float(held_mb), 0.0) - j * d * MEMORY_PER_DRAW_MB
    a = MEMORY_PER_PLOT_DETAIL_MB if detail else MEMORY_PER_PLOT_ALL_ROWS_MB if all_rows else MEMORY_PER_PLOT_MB
    per_plot = j * (a + d * MEMORY_PER_PLOT_DRAW_MB) + _held_parts_mb(j, all_rows)
    return max(math.floor(free / per_plot + 1e-9), 0)  # + 1e-9: no floating-point dust


def max_draws(budget_mb: float = MEMORY_BUDGET_MB, held_mb: float = 0.0) -> int:
    """The most Monte Carlo draws with which one plot at a time fits in ``budget_mb`` [–]
    (``held_mb``: memory held beside the chunks, see :func:`chunk_size_for`).

    Examples
    --------
    >>> max_draws()
    252915
    """
    free = budget_mb - MEMORY_BASE_MB - max(float(held_mb), 0.0) - MEMORY_PER_PLOT_MB
    return max(math.floor(free / (MEMORY_PER_DRAW_MB + MEMORY_PER_PLOT_DRAW_MB) + 1e-9), 0)


def check_draws(n_draws: int, budget_mb: float = MEMORY_BUDGET_MB, what: str = "mc_draws",
                held_mb: float = 0.0) -> int:
    """Plots per chunk for ``n_draws`` draws, or an error naming the largest number that fits.

    Monte Carlo percentiles need every draw of a row at once, so draws cannot be split
    into blocks without changing the numbers; a number of draws whose arrays do not fit
    in memory even for one plot is refused.

    Parameters
    ----------
    n_draws : int
        Monte Carlo draws asked for.
    budget_mb : float
        Memory budget [MB].
    what : str
        How the draws were given (``--draws`` or ``mc_draws``), for the message.
    held_mb : float
        Memory held beside the chunks for the whole run [MB] (see :func:`chunk_size_for`).

    Returns
    -------
    int
        :func:`chunk_size_for` ``(n_draws, budget_mb, held_mb=held_mb)`` (at least 1).

    Raises
    ------
    agriremed.core.scenario.ScenarioError
        When not even one plot fits, naming the estimate and :func:`max_draws`.
    """
    size = chunk_size_for(n_draws, budget_mb, held_mb=held_mb)
    if size >= 1:
        return size
    need = memory_estimate_mb(1, n_draws, held_mb=held_mb)
    most = max_draws(budget_mb, held_mb)
    raise ScenarioError(
        f"{what} {int(n_draws):,}: one plot with this many Monte Carlo draws needs about {need:,.0f} MB of "
        f"memory, more than the {budget_mb:,.0f} MB allowed; the largest number of draws that fits is "
        f"{most:,} (or give more memory with --memory MB) "
        f"（蒙特卡罗抽样次数过多，内存不足：最多 {most:,} 次）")


#: Characters decoded from the top of a text file to find its separator.
_HEAD_BYTES = 1 << 20


@dataclasses.dataclass
class StreamResult:
    """Result of :func:`plan_stream`.

    Attributes
    ----------
    summary : pandas.DataFrame or None
        One row per planned plot (as ``summary.csv``), unless ``keep_summary=False``.
    recommended : pandas.DataFrame or None
        The plan rows (columns of ``plan.csv``) of each plot's recommended option, with
        ``keep_recommended=True``.
    rejected, problems : pandas.DataFrame
        Rejected input rows with reasons, and every validation problem (rows numbered
        across the whole input).
    n_input, n_planned : int
        Data rows read and plots planned; ``n_planned + len(rejected) + n_skipped == n_input``.
    n_skipped : int
        Rows of the sheet that are not plots (合计, 注, 填表人), skipped: neither planned nor rejected.
    skipped : pandas.DataFrame
        Those rows (``input_row`` numbered across the whole input, ``line``, ``reason``, ``reason_msg``), as
        :attr:`agriremed.engine.plan.Plan.skipped` of an in-memory plan; ``len(skipped) == n_skipped``.
    n_chunks : int
        Chunks planned.
    seconds : float
        Wall time of the run [s].
    paths : dict
        Output name → path written (empty without ``out``).
    scenario : Scenario
        The scenario used.
    notes : list of str
        How the input was read.
    """

    summary: pd.DataFrame | None
    recommended: pd.DataFrame | None
    rejected: pd.DataFrame
    problems: pd.DataFrame
    n_input: int
    n_planned: int
    n_chunks: int
    seconds: float
    paths: dict
    scenario: Scenario
    notes: list = dataclasses.field(default_factory=list)
    input_digest: str = ""
    version: str = __version__
    n_skipped: int = 0
    skipped: pd.DataFrame = dataclasses.field(default_factory=no_skipped_rows, repr=False)

    @property
    def plots_per_second(self) -> float:
        """Planned plots per second of wall time [plots s⁻¹]."""
        return self.n_planned / self.seconds if self.seconds > 0 else float("nan")


# ---- reading ------------------------------------------------------------------------------

_EXCEL = (".xlsx", ".xlsm", ".xls", ".ods")
_PARQUET = (".parquet", ".pq")


#: Suffixes of GIS layers (:mod:`agriremed.io.geo`); their attribute table is read whole, the
#: geometry is not kept.
_GEO = (".gpkg", ".shp", ".geojson", ".zip")


def data_rows_at_most(source, sheet: str | int | None = None) -> int:
    """An upper bound of the data rows of a plot table, found without reading it into memory.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        Plot table.
    sheet : str or int, optional
        Excel sheet (as :func:`agriremed.io.readers.read_table`).

    Returns
    -------
    int
        Text files: the number of line breaks (every data row takes at least one line, and
        the header one more; line ends LF, CRLF or CR); Parquet: the rows in its metadata;
        Excel (small by nature): the data rows read; a DataFrame: its rows; 0 for a path that
        is not a file (the reader then says why).

    Raises
    ------
    agriremed.io.readers.InputFileError
        If an Excel file cannot be read (the message :func:`~agriremed.io.readers.read_table` gives).
    """
    if isinstance(source, pd.DataFrame):
        return len(source)
    p = Path(source)
    if not p.is_file():
        return 0
    suffix = p.suffix.lower()
    if suffix in _PARQUET:
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(p).metadata.num_rows)
        except Exception:  # not Parquet: the reader reports it
            return 0
    if suffix in _EXCEL:
        return len(read_table(p, sheet=sheet)[0])
    if suffix in _GEO:
        return feature_count(p, sheet)
    lf = cr = 0
    with open(p, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 24), b""):
            lf, cr = lf + block.count(b"\n"), cr + block.count(b"\r")
    return max(lf, cr)  # LF, CRLF or CR-only line ends


#: Bytes decoded at a time when a text file is streamed.
_BLOCK = 1 << 22


def _bad_byte_line(p: Path, pos: int) -> int:
    """1-based line of byte ``pos`` of file ``p`` (as :func:`agriremed.io.readers.decode_text` counts it)."""
    n, done = 0, 0
    with open(p, "rb") as fh:
        while done < pos:
            block = fh.read(min(_BLOCK, pos - done))
            if not block:
                break
            n += block.count(b"\n")
            done += len(block)
    return n + 1


def _decodes(p: Path, codec: str, skip: int = 0, count: bool = False):
    """Decode the whole file ``p`` with ``codec`` block by block.

    Returns ``None`` when it decodes, else (absolute position of the first bad byte, reason);
    with ``count=True`` (decoding with replacement characters) the pair (characters above
    ASCII that are not U+FFFD, U+FFFD characters) instead.
    """
    dec = codecs.getincrementaldecoder(codec)("replace" if count else "strict")
    fed = skip
    multibyte = replaced = 0
    with open(p, "rb") as fh:
        fh.seek(skip)
        while True:
            block = fh.read(_BLOCK)
            final = not block
            pending = len(dec.getstate()[0])
            try:
                text = dec.decode(block, final=final)
            except UnicodeDecodeError as exc:
                return fed - pending + exc.start, exc.reason
            if count:
                replaced += text.count("\ufffd")
                multibyte += sum(1 for ch in text if ord(ch) > 127) - text.count("\ufffd") \
                    if not text.isascii() else 0
            fed += len(block)
            if final:
                return (multibyte, replaced) if count else None


def _text_start(p: Path, codec: str, skip: int, n_chars: int) -> str:
    """The first ``n_chars`` characters of ``p`` decoded with ``codec`` from byte ``skip``."""
    dec = codecs.getincrementaldecoder(codec)("strict")
    parts, have = [], 0
    with open(p, "rb") as fh:
        fh.seek(skip)
        while have < n_chars:
            block = fh.read(_BLOCK)
            t = dec.decode(block, final=not block)
            parts.append(t)
            have += len(t)
            if not block:
                break
    return "".join(parts)[:n_chars]


def _file_encoding(p: Path) -> tuple[str, str, int]:
    """(Python codec, encoding label, bytes to skip) of a text file, decided on the whole file.

    The same decision as :func:`agriremed.io.readers.decode_text` on the file's bytes (byte-order
    mark; UTF-16 without one; strict UTF-8; GB18030 when its non-ASCII characters are
    common Chinese ones; Windows-1252; Latin-1), with the same errors, without holding the
    file in memory.
    """
    name = p.name
    with open(p, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(codecs.BOM_UTF8):
        bad = _decodes(p, "utf-8", skip=3)
        if bad is not None:
            raise InputFileError.of("io.bom_line", file=name, encoding="UTF-8", line=_bad_byte_line(p, bad[0]))
        return "utf-8", "utf-8", 3
    for boms, label in ((((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")), "UTF-32"),
                        (((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")), "UTF-16")):
        for bom, codec in boms:
            if head.startswith(bom):
                bad = _decodes(p, codec)
                if bad is None:
                    return codec, label, 0
                if label == "UTF-32":
                    break
                raise InputFileError.of("io.bom", file=name, encoding=label, reason=bad[1])
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        codec = "utf-16-le" if odd > even else "utf-16-be"
        if max(even, odd) > len(head) // 4 and _decodes(p, codec) is None:
            return codec, "UTF-16", 0
        raise InputFileError.of("io.binary", file=name)
    bad = _decodes(p, "utf-8")
    if bad is None:
        return "utf-8", "utf-8", 0
    multibyte, replaced = _decodes(p, "utf-8", count=True)
    if multibyte >= 3 and multibyte >= 3 * replaced:
        line = _bad_byte_line(p, bad[0])
        raise InputFileError.of("io.mixed_utf8", file=name, line=line)
    if _decodes(p, "gb18030") is None and mostly_common_chinese(_text_start(p, "gb18030", 0, 200_000)):
        return "gb18030", "GB18030", 0
    if _decodes(p, "cp1252") is None:
        return "cp1252", "cp1252", 0
    return "latin-1", "latin-1", 0


def _text_lines(p: Path, codec: str, label: str, skip: int) -> Iterator[str]:
    """The decoded text of ``p`` (universal newlines) as lines, streamed."""
    with open(p, "rb") as raw:
        raw.seek(skip)
        fh = _io.TextIOWrapper(raw, encoding=codec, newline=None)
        first = True
        for line in fh:
            if first and label in ("UTF-16", "UTF-32"):
                line = line.lstrip("\ufeff")  # as decode_text
            first = False
            yield line


def _records(p: Path, enc: tuple[str, str, int], sep: str) -> Iterator[tuple[list[str], int, int, bool]]:
    """(cells, first line, last line, is the last record) of every record of a delimited text file."""
    reader = csv.reader(_text_lines(p, *enc), delimiter=sep)
    prev = 0
    held = None
    try:
        for rec in reader:
            start, end = prev + 1, reader.line_num
            prev = end
            if held is not None:
                yield (*held, False)
            held = (rec, start, end)
    except csv.Error as exc:
        raise InputFileError.of("io.csv_line", file=p.name, line=reader.line_num, error=str(exc)) from exc
    if held is not None:
        yield (*held, True)


@dataclasses.dataclass
class _Scan:
    """File-level facts of an input, found in a first pass: they decide how every chunk is read."""

    duplicates: dict
    n_rows: int
    notes: list
    keep: list | None = None          # header names kept (trailing unnamed columns with a value somewhere)
    decimal_marks: tuple | None = None  # (decimal commas used, decimal points used), semicolon files
    region_filled: bool = False       # a region cell is filled somewhere (else the title may give the region)
    metal_medians: dict | None = None  # median [mg/kg] of each total soil-metal column (a column in µg/kg?)
    censored: bool = False            # a total soil-metal cell gives a detection limit ('<0.05') somewhere
    not_detected: bool = False        # a total soil-metal cell is 'ND' without a limit somewhere
    crop_values: bool = False         # a cell of a metal measured in the harvest is filled somewhere
    rice_seasons: bool = False        # a rice row names its season (早稻, 晚稻, 中稻, LY-01-早) somewhere
    rotation_fields: frozenset = frozenset()  # fields with rows in several chunks that are rotation land (水旱轮作)
    field_rows: pd.DataFrame | None = None  # the rows of the fields read in several chunks, validated (soil class)
    unlisted_crops: bool = False      # a row grows a crop not in the library (黄精) somewhere
    rounds: object = None             # the sampling rounds of the whole input (validate.InputRounds), or None


class _DelimitedFile:
    """A CSV/text plot table read record by record exactly as :func:`agriremed.io.readers.read_table` reads it.

    Header row among the first ten records (title rows above it skipped), a record with
    another number of cells than the header reported as a row problem with its line (never
    padded and planned), an unbalanced quote stopping the file with its line, blank lines
    reported, trailing unnamed columns dropped when they hold no value in the whole file.
    """

    def __init__(self, p: Path):
        self.p, self.name = p, p.name
        self.enc = _file_encoding(p)
        codec, label, skip = self.enc
        head = _text_start(p, codec, skip, _HEAD_BYTES)
        if label in ("UTF-16", "UTF-32"):
            head = head.lstrip("\ufeff")
        if len(head) < _HEAD_BYTES and not head.strip():
            raise InputFileError.of("io.empty", file=self.name)
        self.sep = sniff_separator(head)
        self.notes = []
        if label != "utf-8":
            self.notes.append(encoding_note(self.name, label))
        if self.sep != ",":
            self.notes.append(separator_note(self.name, self.sep))
        self._find_header()

    def _find_header(self) -> None:
        first: list = []
        records = _records(self.p, self.enc, self.sep)
        n = HEADER_SEARCH_LINES
        for rec in records:  # the first n records, and on to a filled one (blank lines above a header)
            first.append(rec)
            if len(first) >= n and any(any(str(c).strip() for c in r[0]) for r in first[n - 1:]):
                break
        records.close()
        if not any(any(str(c).strip() for c in r[0]) for r in first):
            raise InputFileError.of("io.empty", file=self.name)
        recs = [r[0] for r in first[:n]]
        width0 = max((len(r) for r in recs), default=0)
        grid = pd.DataFrame([[str(c).strip() for c in r] + [""] * (width0 - len(r)) for r in recs],
                            dtype=object)
        h = header_row(grid)
        while h < len(first) - 1 and not any(str(c).strip() for c in first[h][0]):
            h += 1  # blank lines above a header that names no known column
        self.h = h
        self.header_line = first[h][1]
        self.title_lines = title_lines([r[0] for r in first[:h]], [r[1] for r in first[:h]])
        if h > 0:
            self.notes.append(header_line_note(self.name, self.header_line, h))
        self.notes += header_search_note(self.name, first[h][0], self.header_line, len(first))
        header, last, more = header_lines(self.name, [r[0] for r in first], [r[1] for r in first], h)
        self.notes += more
        u = last + 1  # the first filled record under the header: a unit row may follow blank lines
        while u < len(first) - 1 and not any(str(c).strip() for c in first[u][0]):
            u += 1
        below = first[u] if u < len(first) else None
        header, units = apply_unit_row(self.name, header, below[0] if below else None, below[1] if below else 0)
        self.skip = u if units is not None else last  # the last record above the data rows
        if units is not None:
            self.notes.append(units)
        self.named = max((i + 1 for i, c in enumerate(header) if c), default=0)
        self.header = [c if c else f"unnamed_{i + 1}" for i, c in enumerate(header)]
        self.trailing = [j for j, c in enumerate(self.header)
                         if c.startswith("unnamed_") and j >= self.named - 1]

    def rows(self) -> Iterator[tuple]:
        """(index, cells, first line, last line, is last) of every record below the header; the
        file-level check of quoted cells over several lines runs as they come."""
        width = len(self.header)
        for i, (rec, s, e, last) in enumerate(_records(self.p, self.enc, self.sep)):
            if i <= self.skip:
                if i != self.h:
                    continue
                if e > s:
                    self._multi(i, rec, s, e, last, width)
                continue
            if e > s:
                self._multi(i, rec, s, e, last, width)
            yield i, rec, s

    def _multi(self, i, rec, s, e, last, width) -> None:
        if len(rec) != width:
            raise unbalanced_quote_error(self.name, s, e, last)
        self.multi_notes.append(Note.of("io.multiline_cell", file=self.name, first=s, last=e))

    def chunks(self, chunk_size: int, keep: list | None = None, marks=None) -> Iterator[pd.DataFrame]:
        """Chunks of ``chunk_size`` data rows, each as :func:`~agriremed.io.readers.read_table` gives its rows.

        ``keep``: header names to keep (the file-level choice of :meth:`scan`; ``None`` keeps
        every column); ``marks``: the file's decimal marks. The attrs of each chunk hold
        ``lines``, ``row_problems`` (rows of the chunk) and ``blank_lines`` (the empty lines
        since the previous chunk).
        """
        self.multi_notes = []
        width, named, header = len(self.header), self.named, self.header
        rows, lines, problems, blank = [], [], [], []
        for _, raw, s in self.rows():
            rec = [str(c).strip() for c in raw]
            if not any(rec):
                blank.append(s)
                continue
            n = len(rec)
            if not (named <= n <= width) and not footer_line(rec, width):  # 制表：王五 under the table
                problems.append(row_width_problem(len(rows), rec, header))
            rows.append((rec + [""] * width)[:width])
            lines.append(s)
            if len(rows) == chunk_size:
                yield self._frame(rows, lines, problems, blank, keep, marks)
                rows, lines, problems, blank = [], [], [], []
        yield self._frame(rows, lines, problems, blank, keep, marks)

    def _frame(self, rows, lines, problems, blank, keep, marks) -> pd.DataFrame:
        df = pd.DataFrame(rows or None, columns=self.header, dtype=object)
        if keep is not None and len(keep) < len(self.header):
            df = df.loc[:, [c in keep for c in df.columns]]
        df.attrs.update(header_line=self.header_line, lines=lines, row_problems=problems, blank_lines=blank,
                        separator=self.sep, decimal_comma=self.sep == ";", encoding=self.enc[1], sheet=None,
                        title_lines=self.title_lines, file_name=self.name)
        if marks is not None:
            df.attrs["decimal_marks"] = marks
        return df


def _frame_chunks(df: pd.DataFrame, chunk_size: int) -> Iterator[pd.DataFrame]:
    """Chunks of a table already in memory; row problems and row warnings go with their chunk
    (renumbered)."""
    lines = df.attrs.get("lines")
    problems = df.attrs.get("row_problems") or []
    warned = df.attrs.get("row_warnings") or []
    for start in range(0, max(len(df), 1), chunk_size):
        chunk = df.iloc[start:start + chunk_size].reset_index(drop=True)
        chunk.attrs = {k: v for k, v in df.attrs.items() if k not in ("lines", "row_problems", "row_warnings")}
        if lines is not None:
            chunk.attrs["lines"] = list(lines[start:start + chunk_size])
        if df.attrs.get("fid") is not None:  # a GIS layer: the chunk's feature ids; the layer's kept whole for
            chunk.attrs["fid"] = tuple(df.attrs["fid"][start:start + chunk_size])  # ids repeated across chunks
            chunk.attrs["layer_fid"] = df.attrs["fid"]
        chunk.attrs["row_problems"] = [dict(rp, row=rp["row"] - start) for rp in problems
                                       if start <= rp["row"] < start + chunk_size]
        chunk.attrs["row_warnings"] = [dict(rw, row=rw["row"] - start) for rw in warned
                                       if start <= rw["row"] < start + chunk_size]
        yield chunk


def _parquet_chunks(p: Path, chunk_size: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    try:
        f = pq.ParquetFile(p)
    except Exception as exc:  # not a parquet file: an input problem
        raise InputFileError.of("io.unreadable", file=p.name, error=str(exc)) from exc
    if f.metadata.num_rows == 0:
        yield parquet_as_text(f.schema_arrow.empty_table().to_pandas())
        return
    for batch in f.iter_batches(batch_size=chunk_size):
        df = parquet_as_text(batch.to_pandas())
        df.attrs["file_name"] = p.name
        yield df


class _Input:
    """A plot table read in two passes: :meth:`scan` (file-level facts), then :meth:`chunks`."""

    def __init__(self, source, chunk_size: int, sheet: str | int | None = None, tables: Tables | None = None):
        self.tables = tables  # for the crops of rows with a repeated plot id (season rows of one field)
        if chunk_size < 1:
            raise ValueError(f"chunk_size {chunk_size}: expected a positive number of rows")
        self.chunk_size = chunk_size
        self.frame, self.text, self.parquet, self.notes = None, None, None, []
        self.name = "the table"
        if isinstance(source, pd.DataFrame):
            self.frame = source
            return
        p = Path(source)
        if not p.exists():
            raise InputFileError.of("io.not_found", path=str(p))
        if p.is_dir():
            raise InputFileError.of("io.folder", path=str(p))
        if p.stat().st_size == 0:
            raise InputFileError.of("io.empty", file=p.name)
        self.name = p.name
        suffix = p.suffix.lower()
        if suffix in _PARQUET:
            self.parquet = p
        elif suffix in _EXCEL or suffix in _GEO:  # workbooks and GIS attributes: read once, whole
            self.frame, self.notes = read_table(p, sheet=sheet)
        else:
            self.text = _DelimitedFile(p)
            self.notes = list(self.text.notes)
        self._scan = None

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The data rows in chunks (after :meth:`scan`: the column choice and decimal marks of a
        text file and whether a region cell is filled anywhere are file-level, ``region_filled``
        in each chunk's attrs)."""
        scan = self.scan()
        start = 0
        for chunk in self._chunks():
            if scan.rounds is not None:  # the chunk's share of the sampling rounds of the whole input
                chunk.attrs["sampling_rounds_in_input"] = scan.rounds.of_chunk(start, len(chunk))
            chunk.attrs["rows_before"] = start  # the rows of the input before the chunk: duplicate rows named
            start += len(chunk)
            chunk.attrs["region_filled"] = scan.region_filled
            chunk.attrs["metal_medians"] = scan.metal_medians
            chunk.attrs["censored_in_input"] = scan.censored
            chunk.attrs["not_detected_in_input"] = scan.not_detected
            chunk.attrs["crop_values_in_input"] = scan.crop_values
            chunk.attrs["rice_seasons_in_input"] = scan.rice_seasons
            chunk.attrs["rotation_fields_in_input"] = scan.rotation_fields
            chunk.attrs["field_rows_in_input"] = scan.field_rows
            chunk.attrs["unlisted_crops_in_input"] = scan.unlisted_crops
            yield chunk

    def _chunks(self) -> Iterator[pd.DataFrame]:
        if self.frame is not None:
            return _frame_chunks(self.frame, self.chunk_size)
        if self.parquet is not None:
            return _parquet_chunks(self.parquet, self.chunk_size)
        sc = self.scan()
        return self.text.chunks(self.chunk_size, sc.keep, sc.decimal_marks)

    def scan(self) -> _Scan:
        """One pass over the input: repeated plot ids, data rows, notes, and for text files the
        columns kept and the decimal marks (file-level, as the in-memory reader decides them)."""
        if getattr(self, "_scan", None) is not None:
            return self._scan

        text = self.text
        chunks = text.chunks(self.chunk_size) if text is not None else self._chunks()
        ids, rows, crops, keys, labels, start, blank = [], [], [], [], [], 0, []
        where: list = []  # each kept row's file line and sheet: a duplicate's rows named as a whole reading does
        tables = self.tables or load_tables()
        region_filled = False
        has_value = set()
        comma = point = False
        metals: dict[str, list] = {}
        censored = not_detected = crop_values = seasons = unlisted = False
        fields: list[tuple[np.ndarray | None, np.ndarray]] = []  # each chunk's field_id and plot id cells
        # each chunk's first input row and the keys of its sampling rounds (plot id, date, crop code per row)
        rounds_keys: list[tuple[int, tuple | None]] = []
        crop_codes: dict = {}
        for chunk in chunks:
            not_plots, rk = round_keys(chunk)  # rows that are not plots (合计, 沟渠): their ids are no plot's
            if rk is not None:
                codes, uniq = pd.factorize(pd.Series(rk[4], dtype=object))
                glob = np.array([crop_codes.setdefault(u, len(crop_codes)) for u in uniq.tolist()], np.int32)
                rk = (*rk[:4], glob[codes] if len(codes) else codes.astype(np.int32), *rk[5:])
            rounds_keys.append((start, rk))
            texts = soil_total_texts(chunk)  # the soil-metal cells as text, once for the medians and both flags
            for m, v in metal_column_numbers(chunk, texts).items():
                metals.setdefault(m, []).append(v)
            censored = censored or has_detection_limits(chunk, texts)
            not_detected = not_detected or has_not_detected(chunk, texts)
            crop_values = crop_values or has_crop_values(chunk)
            blank += chunk.attrs.get("blank_lines", [])
            col = next((c for c in chunk.columns if normalise_header(c)[0] == "plot_id"), None)
            keys_read = row_crops(chunk, tables)
            seasons = seasons or has_rice_seasons(chunk, tables, keys_read)
            t = as_text(chunk[col]).to_numpy(object) if col is not None else np.full(len(chunk), "", dtype=object)
            fields.append((field_id_texts(chunk), t))
            unlisted = unlisted or has_unlisted_crops(chunk, tables, keys_read)
            if col is not None:
                keep = (t != "") & ~not_plots
                ids.append(t[keep])
                rows.append(start + 1 + np.flatnonzero(keep))
                crops.append(keys_read[keep])
                labels.append(row_crop_cells(chunk)[keep])
                keys.append(row_keys(chunk)[keep])
                where.append(_kept_lines(chunk, keep))
            region_filled = region_filled or any(as_text(chunk[c]).str.strip().ne("").any() for c in chunk.columns
                                                 if normalise_header(c)[0] == "region")
            if text is not None:
                bad = {rp["row"] for rp in chunk.attrs["row_problems"]}
                good = np.ones(len(chunk), bool)
                good[list(bad)] = False
                for j in text.trailing:
                    if j not in has_value and chunk.iloc[good, j].ne("").any():
                        has_value.add(j)
                if text.sep == ";":
                    c, pt = decimal_marks(chunk)
                    comma, point = comma or c, point or pt
            start += len(chunk)
        rounds = input_rounds(rounds_keys)
        if ids and rounds is not None and len(rounds.earlier):  # an earlier round's id is no plot's id either
            later = ~np.isin(np.concatenate(rows), rounds.earlier + 1)
            where = [_lines_kept(where, later)]
            ids, rows, crops, keys, labels = ([np.concatenate(a)[later]] for a in (ids, rows, crops, keys, labels))
        dups = (repeated_ids(np.concatenate(ids), np.concatenate(rows), np.concatenate(crops), np.concatenate(keys),
                             tables, np.concatenate(labels)) if ids else {})
        _name_duplicate_lines(dups, rows, where)
        notes = list(self.notes)
        keep = marks = None
        if text is not None:
            notes += text.multi_notes
            if blank:
                notes.append(empty_lines_note(self.name, blank))
            keep = [c for j, c in enumerate(text.header) if j not in text.trailing or j in has_value]
            marks = (comma, point) if text.sep == ";" else None
        medians = metal_column_medians({m: np.concatenate(v) for m, v in metals.items()})
        self._scan = _Scan(duplicates=dups, n_rows=start, notes=notes, keep=keep, decimal_marks=marks,
                           region_filled=region_filled, metal_medians=medians, censored=censored,
                           not_detected=not_detected,
                           crop_values=crop_values, rice_seasons=seasons, unlisted_crops=unlisted, rounds=rounds)
        split = split_fields(fields, dups)
        # the latest sampling rounds read in another chunk than an earlier round of their plot
        latest = rounds.split([s for s, _ in rounds_keys]) if rounds is not None else np.zeros(0, np.int64)
        if split or len(latest):  # a second pass over the input
            rows, numbers, at, latest_rows = [], [], 0, []
            for c in self._chunks():
                if split:  # the rows of the fields read in several chunks, checked together
                    r = field_rows(c, split, dups)
                    if len(r):
                        rows.append(r)
                        numbers.append(at + 1 + c.index.get_indexer(r.index))  # the rows' numbers in the input
                local = latest[(latest >= at) & (latest < at + len(c))] - at
                if len(local):
                    latest_rows.append(_rows_of(c, local))
                at += len(c)
            if split:
                found = rotation_fields(pd.concat(rows, ignore_index=True), tables, dups) if rows else frozenset()
                soil_rows = field_soil_rows(pd.concat(rows, ignore_index=True), tables, dups,
                                            np.concatenate(numbers)) if rows else None
                self._scan = dataclasses.replace(self._scan, rotation_fields=found, field_rows=soil_rows)
            if latest_rows:
                values = round_latest_values(_concat_rows(latest_rows), tables)
                self._scan = dataclasses.replace(self._scan, rounds=dataclasses.replace(
                    rounds, outside=dict(zip(latest.tolist(), values, strict=True))))
        return self._scan


def _kept_lines(chunk: pd.DataFrame, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The file line (-1 where the input was not read from a file) and the sheet (None without ``--sheet all``)
    of each row of ``chunk`` kept (``keep``) by the first pass, as the problems name them
    (:func:`agriremed.io.validate.row_lines`): 8 bytes a row, a sheet name only for a workbook read whole."""
    got = row_lines(chunk)
    if got is None:
        return np.full(int(keep.sum()), -1, np.int64), None
    sheets = got[1][keep]
    return got[0][keep].astype(np.int64), (sheets if any(x is not None for x in sheets) else None)


def _lines_kept(where: list, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The :func:`_kept_lines` of every chunk as one, of the rows ``keep`` (over their concatenation)."""
    lines = np.concatenate([w[0] for w in where]) if where else np.zeros(0, np.int64)
    sheets = (np.concatenate([w[1] if w[1] is not None else np.full(len(w[0]), None, dtype=object) for w in where])
              if any(w[1] is not None for w in where) else None)
    return lines[keep], (sheets[keep] if sheets is not None else None)


def _name_duplicate_lines(dups: dict, rows: list, where: list) -> None:
    """Give each duplicate id's rows (:class:`~agriremed.io.validate.DuplicateRows`) their file lines and sheets
    from the first pass (``rows``: each chunk's kept input rows; ``where``: their :func:`_kept_lines`), so a
    chunk names the rows of other chunks as a whole reading names them."""
    if not any(isinstance(v, DuplicateRows) for v in dups.values()):
        return
    numbers = np.concatenate(rows)  # ascending
    lines, sheets = _lines_kept(where, np.ones(len(numbers), bool))
    for v in dups.values():
        if isinstance(v, DuplicateRows):
            r = np.array([int(x) for x in v.split(", ")], np.int64)
            k = np.minimum(np.searchsorted(numbers, r), max(len(numbers) - 1, 0))
            v.where = {int(a): (int(lines[i]), sheets[i] if sheets is not None else None)
                       for a, i in zip(r, k, strict=True) if len(numbers) and numbers[i] == a and lines[i] >= 0}


#: How a chunk's cells were read (``attrs``), kept on rows taken out of it (:func:`_rows_of`).
_READ_ATTRS = ("separator", "decimal_comma", "decimal_marks", "encoding", "file_name", "sheet")


def _rows_of(chunk: pd.DataFrame, local: np.ndarray) -> pd.DataFrame:
    """The rows ``local`` (0-based) of ``chunk``, with how its cells were read and none of its row facts
    (file lines, row problems)."""
    out = chunk.iloc[local].reset_index(drop=True)
    out.attrs = {k: chunk.attrs[k] for k in _READ_ATTRS if k in chunk.attrs}
    return out


def _concat_rows(parts: list) -> pd.DataFrame:
    """Rows of several chunks (:func:`_rows_of`) as one table, with how the first chunk's cells were read."""
    out = pd.concat(parts, ignore_index=True)
    out.attrs = dict(parts[0].attrs)
    return out


def field_rows(chunk: pd.DataFrame, split: set, dups: dict) -> pd.DataFrame:
    """The rows of ``chunk`` whose field (as :func:`_field_of_rows` reads it) is one of ``split``."""
    col = next((c for c in chunk.columns if normalise_header(str(c))[0] == "plot_id"), None)
    pid = as_text(chunk[col]).to_numpy(object) if col is not None else np.full(len(chunk), "", dtype=object)
    return chunk.loc[np.isin(_field_of_rows(field_id_texts(chunk), pid, dups), list(split))]


def _field_of_rows(field: np.ndarray | None, pid: np.ndarray, dups: dict) -> np.ndarray:
    """Each row's field as the validation reads it: its ``field_id`` cell where filled, else, for a plot id
    read as the season rows of one field (:func:`repeated_ids`), that field; ``''`` for the other rows."""
    season = np.array([_season_field(dups.get(i), i) for i in pid.tolist()], dtype=object)
    return season if field is None else np.where(field != "", field, season)


def _season_field(rows, pid: str) -> str:
    """The field of a plot id whose rows are the seasons of one field (``rows``, from :func:`repeated_ids`):
    the id without its season suffix, or the id itself; ``''`` for any other id."""
    if not isinstance(rows, dict):
        return ""
    return getattr(rows, "field", pid)


def split_fields(fields: list, dups: dict) -> set:
    """Fields (as :func:`_field_of_rows` reads them) with rows in more than one chunk (``fields``: each
    chunk's ``field_id`` and plot id cells, :func:`agriremed.io.validate.field_id_texts` and
    :func:`agriremed.io.validate.as_text`; ``dups``: the input's repeated plot ids, :func:`repeated_ids`): their
    rows are checked together for rotation land (:func:`agriremed.io.validate.rotation_fields`)."""
    first: dict = {}
    split = set()
    for k, (field, pid) in enumerate(fields):
        for f in set(_field_of_rows(field, pid, dups).tolist()) - {""}:
            if first.setdefault(f, k) != k:
                split.add(f)
    return split


def iter_chunks(source, chunk_size: int = DEFAULT_CHUNK_SIZE,
                sheet: str | int | None = None) -> tuple[Iterator[pd.DataFrame], list[str]]:
    """Chunks of a plot table, each as :func:`agriremed.io.readers.read_table` would give its rows.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        CSV (any encoding, separator and title rows :func:`~agriremed.io.readers.read_table`
        accepts), Parquet, Excel (read whole, then cut) or a DataFrame.
    chunk_size : int
        Rows per chunk.
    sheet : str or int, optional
        Excel sheet (as :func:`~agriremed.io.readers.read_table`).

    Returns
    -------
    chunks : iterator of pandas.DataFrame
        Data rows; ``attrs`` carries ``header_line``, the file ``lines`` of the rows,
        ``row_problems`` (rows of the chunk that cannot be read: another number of cells
        than the header) and, for text files, ``blank_lines`` and ``decimal_marks``.
    notes : list of str
        How the file is read (encoding, separator, header line, rows over several lines,
        empty lines), as :func:`~agriremed.io.readers.read_table` words them.

    Raises
    ------
    agriremed.io.readers.InputFileError
        Whatever :func:`~agriremed.io.readers.read_table` refuses (missing or empty file, binary
        data, a damaged encoding, an unbalanced quote with its line, several Excel sheets
        with data and no ``sheet``).
    """
    inp = _Input(source, chunk_size, sheet)
    notes = inp.scan().notes
    return inp.chunks(), notes


def duplicate_ids(source, chunk_size: int = DEFAULT_CHUNK_SIZE,
                  sheet: str | int | None = None) -> dict[str, str]:
    """Plot ids that occur more than once in the whole input, with their input rows.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        As :func:`iter_chunks`.
    chunk_size : int
        Rows per chunk of the pass over the file.
    sheet : str or int, optional
        Excel sheet.

    Returns
    -------
    dict
        Plot id → its input rows (1-based data rows, e.g. ``"3, 17"``), for repeated ids.
    """
    return _Input(source, chunk_size, sheet).scan().duplicates


def repeated_ids(ids: np.ndarray, rows: np.ndarray, crops: np.ndarray | None = None,
                 keys: np.ndarray | None = None, tables=None, labels: np.ndarray | None = None) -> dict:
    """Ids that occur more than once → their rows: ``"3, 17"`` (duplicates) or ``{crop: row}`` (the
    season rows of one field, the same id on rows growing different crops), and with ``tables`` ids
    that are one id with a season suffix (``TC-01-稻``, ``TC-01-麦``) on rows growing different crops →
    their :class:`~agriremed.io.validate.SeasonField`, as :func:`agriremed.io.validate.repeated_plot_ids`
    decides.

    ``rows`` are the 1-based input rows of ``ids``; ``crops`` their crop codes as read
    (:func:`agriremed.io.validate.row_crops`; without them every repeated id is a duplicate);
    ``keys`` their region and area cells (:func:`agriremed.io.validate.row_keys`); ``labels`` their crop
    cells as written (:func:`agriremed.io.validate.row_crop_cells`: the suffixes of season plot ids).
    """
    return repeated_plot_ids(ids, rows, crops, keys, tables, labels)


# ---- planning one chunk -----------------------------------------------------------------


def offset_rows(v: Validation, rows_before: int) -> Validation:
    """``v`` with input rows numbered after ``rows_before`` rows of earlier chunks."""
    if rows_before == 0:
        return v
    plots = v.plots.copy()
    plots["input_row"] = plots["input_row"] + rows_before
    rejected = v.rejected.copy()
    rejected["input_row"] = rejected["input_row"] + rows_before
    problems = v.problems.copy()
    problems["input_row"] = problems["input_row"] + rows_before
    skipped = v.skipped.copy()
    skipped["input_row"] = skipped["input_row"] + rows_before
    return dataclasses.replace(v, plots=plots, rejected=rejected, problems=problems, skipped=skipped)


def plan_chunk(chunk: pd.DataFrame, scenario: Scenario, tables: Tables, rows_before: int = 0,
               duplicates: dict[str, str] | None = None, text_rows: str = "all", region: str | None = None):
    """Validate and plan one chunk of a larger input.

    Parameters
    ----------
    chunk : pandas.DataFrame
        Rows of the plot table (as :func:`iter_chunks` gives them).
    scenario : Scenario
        User assumptions.
    tables : Tables
        Literature tables (with the scenario's overrides not yet applied).
    rows_before : int
        Data rows in earlier chunks (input rows are numbered across the whole input).
    duplicates : dict, optional
        Plot ids repeated anywhere in the input (:func:`duplicate_ids`).
    text_rows : {"all", "recommended"}
        Plan rows whose sentences are rendered (:func:`agriremed.engine.plan.plan`).
    region : str, optional
        Region of the plots without one (``region`` of :func:`agriremed.io.validate.validate_plots`).

    Returns
    -------
    agriremed.engine.plan.Plan
        The chunk's plan, without the long per-year tables (``detail=False``).
    """
    chunk.attrs["rows_before"] = rows_before  # a duplicate id's rows are named as rows of the whole input
    v = offset_rows(validate_plots(chunk, tables, duplicates=duplicates, region=region), rows_before)
    return plan(v, scenario, tables=tables, progress=False, detail=False, text_rows=text_rows)


@dataclasses.dataclass(frozen=True)
class _PartContext:
    """What planning one chunk of a streamed run needs besides the chunk (sent once to each
    worker process of a parallel run): the scenario, the tables (without the scenario's
    overrides), the repeated plot ids, the plan rows whose sentences are rendered, whether
    every plan row is kept (else only the recommended ones), whether the soft re-use
    tables are built, and the region of the plots without one."""

    scenario: Scenario
    tables: Tables
    duplicates: dict | None
    text_rows: str
    all_rows: bool
    soft: bool
    region: str | None = None


@dataclasses.dataclass
class _Part:
    """One chunk planned, as the run keeps it: the plan with only the tables the run writes
    or sums (plan rows, summary, plots, rejected rows, problems; the other stage tables
    emptied, columns kept), its input digest, and its soft re-use tables (``None`` without
    pvlib, ``False`` when not built)."""

    plan: object
    digest: str
    soft: object


#: Stage tables of a chunk's plan that the run uses (the others are emptied in a part).
_PART_TABLES = ("table", "summary", "plots", "rejected", "skipped", "problems")


def _plan_part(chunk: pd.DataFrame, rows_before: int, ctx: _PartContext) -> _Part:
    """Validate and plan one chunk (:func:`plan_chunk`) and keep what the run needs of it."""
    p = plan_chunk(chunk, ctx.scenario, ctx.tables, rows_before, ctx.duplicates, text_rows=ctx.text_rows,
                   region=ctx.region)
    soft = _soft_reuse(p) if ctx.soft and len(p.plots) else False
    table = p.table
    if not ctx.all_rows and len(table):
        table = table.loc[table["recommended"].to_numpy(bool)]
    # emptied in arrays of their own: an iloc[:0] view would keep the whole chunk's stage tables
    # in memory while the part waits and, for the first chunk, for the whole run (its skeleton)
    emptied = {f.name: no_rows(getattr(p, f.name)) for f in dataclasses.fields(p)
               if isinstance(getattr(p, f.name), pd.DataFrame) and f.name not in _PART_TABLES}
    slim = dataclasses.replace(p, table=table, **emptied, reuse={})
    return _Part(plan=slim, digest=p.input_digest(), soft=soft)


#: The worker process's context of a parallel run (set once by :func:`_start_worker`).
_WORKER_CONTEXT: list = []


class WorkerError(RuntimeError):
    """A worker process of a parallel run stopped abruptly (killed, most often for lack of
    memory); the message names the input rows of its chunk and what to do."""


def _start_worker(ctx: _PartContext) -> None:
    """Set up a worker process: keep the run's context, ignore an interrupt (the main process
    reports it and ends the workers), and exit when the main process is gone however it ended
    (a worker left behind would hold the caller's pipes open)."""
    _WORKER_CONTEXT[:] = [ctx]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent) -> None:
    parent.join()
    os._exit(1)


def _plan_part_in_worker(chunk: pd.DataFrame, rows_before: int) -> _Part:
    """:func:`_plan_part` in a worker process; the part goes back without the plan's tables
    (the main process puts the run's own back, :func:`_part_done`)."""
    part = _plan_part(chunk, rows_before, _WORKER_CONTEXT[0])
    part.plan = dataclasses.replace(part.plan, tables=None)
    return part


def usable_cores(cpu_max: str | Path = "/sys/fs/cgroup/cpu.max") -> int:
    """CPU cores this process may use [–]: the cores it may run on (its affinity where the
    system tells it), at most its control group's CPU quota rounded up (``cpu_max``, Linux
    cgroup v2: ``"<quota> <period>"`` or ``"max <period>"``; a container limited to 2 CPUs on a
    larger machine gets 2)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = Path(cpu_max).read_text(encoding="ascii").split()[:2]
        if quota != "max" and float(period) > 0:
            cores = min(cores, math.ceil(float(quota) / float(period)))
    except (OSError, ValueError):
        pass
    return max(cores, 1)


def _planned_parts(chunks: Iterator[pd.DataFrame], ctx: _PartContext, jobs: int,
                   tables_of_run: Tables) -> Iterator[tuple[int, _Part]]:
    """``(rows, part)`` of every chunk in input order: planned here (``jobs`` 1), or by
    ``jobs`` worker processes while this process writes the parts already planned. At most
    ``jobs`` + 1 chunks are planned or waiting at once, so memory stays bounded.
    ``tables_of_run``: the run's tables (:func:`agriremed.engine.plan.run_tables`), put back
    into each part planned by a worker."""
    rows_before = 0
    if jobs <= 1:
        for chunk in chunks:
            yield len(chunk), _plan_part(chunk, rows_before, ctx)
            rows_before += len(chunk)
        return
    # "spawn": a fresh interpreter per worker (forking a process with threads may deadlock)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(ctx,)) as pool:
        pending: collections.deque = collections.deque()
        try:
            for chunk in chunks:
                pending.append((rows_before, len(chunk), pool.submit(_plan_part_in_worker, chunk, rows_before)))
                rows_before += len(chunk)
                while len(pending) > jobs:
                    yield _part_done(pending.popleft(), tables_of_run)
            while pending:
                yield _part_done(pending.popleft(), tables_of_run)
        except BaseException:  # an interrupt, or an error here or in a worker: the other chunks are not needed
            for *_, future in pending:
                future.cancel()
            _stop_workers(pool)
            raise


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the worker processes of ``pool`` now rather than after their current chunks."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


def _part_done(item: tuple, tables_of_run: Tables) -> tuple[int, _Part]:
    before, n, future = item
    try:
        part = future.result()  # a worker's exception is raised here, with its traceback as the cause
    except BrokenProcessPool as exc:
        raise WorkerError(f"a worker process stopped abruptly while planning input rows {before + 1:,}–"
                          f"{before + n:,} (most often for lack of memory); the outputs are incomplete: plan "
                          "again with --jobs 1 (plan_stream jobs=1) or a larger --memory "
                          "(工作进程意外终止，多为内存不足；输出不完整)") from exc
    part.plan = dataclasses.replace(part.plan, tables=tables_of_run)
    return n, part


def validate_stream(source, tables: Tables | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
                    sheet: str | int | None = None, on_valid=None, keep_plots: int = 0,
                    optional=(), region: str | None = None) -> Validation:
    """Validate a plot table of any size chunk by chunk, with bounded memory.

    The same checks and messages as :func:`agriremed.io.validate.validate_plots` on the whole
    input (repeated plot ids are found in a first pass over the file; file-level problems
    such as unreadable headers are reported once), without holding the valid rows.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        As :func:`iter_chunks`.
    tables : Tables, optional
        Literature tables (for the crop list).
    chunk_size : int
        Rows per chunk.
    sheet : str or int, optional
        Excel sheet.
    on_valid : callable, optional
        Called with the valid plots of each chunk (canonical columns, ``input_row``
        numbered across the whole input), e.g. to screen and write them.
    keep_plots : int
        Valid rows kept in the returned ``plots`` (the first ones); the others are counted.
    optional : sequence of str
        Required columns not needed here (``optional`` of :func:`agriremed.io.validate.validate_plots`).
    region : str, optional
        Region of the plots without one (``region`` of :func:`agriremed.io.validate.validate_plots`).

    Returns
    -------
    agriremed.io.validate.Validation
        ``plots`` holds at most ``keep_plots`` rows; ``n_valid`` counts every valid row, so ``n_valid + len(rejected) == n_input``.
    """
    tables = tables or load_tables()
    inp = _Input(source, chunk_size, sheet, tables)
    scan = inp.scan()
    kept, rejected, problems, skipped = [], [], [], []
    n_input = n_valid = n_chunks = 0
    for chunk in _data_chunks(inp.chunks()):
        chunk.attrs["rows_before"] = n_input  # a duplicate id's rows are named as rows of the whole input
        v = offset_rows(validate_plots(chunk, tables, duplicates=scan.duplicates, optional=optional, region=region),
                    n_input)
        probs = v.problems
        if n_chunks > 0:  # file-level problems (headers, missing columns) once
            probs = probs.loc[probs["input_row"].notna()]
        problems.append(probs)
        rejected.append(v.rejected)
        skipped.append(v.skipped)
        if len(v.plots):
            if on_valid is not None:
                on_valid(v.plots)
            have = sum(len(k) for k in kept)
            if have < keep_plots:
                kept.append(v.plots.head(keep_plots - have))
            elif not kept:
                kept.append(no_rows(v.plots))
        n_input += v.n_input
        n_valid += len(v.plots)
        n_chunks += 1
    out = Validation(
        plots=pd.concat(kept, ignore_index=True) if kept else pd.DataFrame({"plot_id": []}),
        rejected=pd.concat(rejected, ignore_index=True) if rejected else pd.DataFrame(),
        problems=pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(
            columns=["input_row", "line", "plot_id", "column", "value", "severity", "problem", "expected"]),
        n_input=n_input, notes=list(scan.notes), n_valid=n_valid,
        skipped=pd.concat(skipped, ignore_index=True) if skipped else no_skipped_rows())
    return out


# ---- writing ----------------------------------------------------------------------------


class TableSink:
    """One output table written chunk by chunk (CSV rows appended, or Parquet row groups);
    ``texts``: what each chunk's table becomes before it is written (its sentences in the run's
    language, :func:`agriremed.io.outputs.texts_in`), default the table itself. Every chunk has the
    columns of the first, in its order; a chunk with a column more or less is an error (no column is
    left out of the file)."""

    def __init__(self, path: Path, fmt: str, head: list[str], texts=None):
        self.path, self.fmt, self.head = path, fmt, head
        self.texts = texts
        self.columns = None
        self._writer = None
        self._schema = None
        self._closed = False

    def write(self, df: pd.DataFrame) -> None:
        if self.columns is None:
            self.columns = list(df.columns)
        elif set(df.columns) != set(self.columns):
            more, fewer = [c for c in df.columns if c not in self.columns], [c for c in self.columns if c not in df]
            raise RuntimeError(f"{self.path.name}: a chunk's columns differ from the first chunk's (more: "
                               f"{', '.join(map(str, more)) or 'none'}; missing: {', '.join(map(str, fewer)) or 'none'})"
                               ": every chunk of a streamed run has the same columns")
        df = df[self.columns]
        if self.texts is not None:
            df = self.texts(df)
        if self.fmt == "csv":
            body = csv_text(df, header=self._writer is None)
            if self._writer is None:
                self._writer = open(self.path, "w", encoding="utf-8-sig", newline="")
            self._writer.write(body)
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._schema is None:
            schema = pa.Schema.from_pandas(df, preserve_index=False)
            # a text column that is blank in the first chunk is still text
            fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in schema]
            meta = {b"agriremed": "\n".join(self.head).encode("utf-8")}
            self._schema = pa.schema(fields, metadata=meta)
            self._writer = pq.ParquetWriter(self.path, self._schema)
        self._writer.write_table(pa.Table.from_pandas(df, schema=self._schema, preserve_index=False))

    def close(self, empty: pd.DataFrame | None = None) -> Path:
        """Finish the file (once); a table that received no rows is written as ``empty``."""
        if self._writer is None and empty is not None:
            self.write(empty)
        if self._writer is not None and not self._closed:
            self._writer.close()
            self._closed = True
        return self.path


# ---- the run ----------------------------------------------------------------------------


def plan_stream(source, scenario: Scenario | None = None, *, out: str | Path | None = None,
                chunk_size: int | None = None, fmt: str = "parquet", tables: Tables | None = None,
                progress: bool | None = None, keep_summary: bool = True, keep_recommended: bool = False,
                seed: int | None = None, sheet: str | int | None = None,
                memory_mb: float = MEMORY_BUDGET_MB, extra_outputs=(), plan_rows: str = "all",
                jobs: int = 1, lang: str = "en", region: str | None = None) -> StreamResult:
    """Plan a plot table of any size chunk by chunk, writing plan and summary as it goes.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        Plot table: CSV, Parquet, Excel file or DataFrame (input contract of :func:`agriremed.plan`).
    scenario : Scenario, optional
        User assumptions (default :class:`Scenario()`); ``mc_draws=0`` plans deterministically,
        the fastest setting for portfolios.
    out : str or Path, optional
        Output folder; without it nothing is written and only the summary is kept.
    chunk_size : int, optional
        Plots per chunk; memory grows with it (:func:`memory_estimate_mb`). Default: the
        most plots whose estimated peak memory with the scenario's Monte Carlo draws (and
        ``jobs`` workers) stays within ``memory_mb`` (:func:`chunk_size_for`).
    fmt : {'parquet', 'csv'}
        Format of ``plan`` and ``summary`` (rejected rows and problems are always CSV).
    tables : Tables, optional
        Literature tables (default: the packaged ones).
    progress : bool, optional
        Show a progress bar over the input rows (default: on an interactive terminal or notebook).
    keep_summary : bool
        Keep the summary of every plot in memory (about 1 kB per plot).
    keep_recommended : bool
        Keep the plan row of each plot's recommended option in memory (about 2 kB per plot).
    seed : int, optional
        Monte Carlo seed, overriding ``scenario.seed``.
    sheet : str or int, optional
        Excel sheet of plots (as :func:`agriremed.io.readers.read_table`).
    memory_mb : float
        Memory budget of the default chunk size [MB].
    extra_outputs : sequence
        Writers of further outputs built in bounded memory (with ``out``): each one's
        ``add(plan)`` gets every chunk's plan, and its ``write(out, run)`` is called before
        ``run.json`` is written and returns ``{name: path}`` (``run``: scenario, tables,
        version, input digest, counts, rejected rows, chunks, chunk size, the plan and summary
        file names, currency). :class:`agriremed.io.report.StreamReport` writes ``report.html``,
        :class:`agriremed.io.workbook.StreamWorkbook` ``plan.xlsx``.
    plan_rows : {"all", "recommended"}
        Rows of the plan file: every plot × option, or each plot's recommended option only
        (the summary still has every planned plot). With ``"recommended"``, or without
        ``out``, the sentences of the other rows are never rendered (``text_rows`` of
        :func:`agriremed.plan`), which roughly halves the planning time; the plan file is
        about 26 times smaller.
    jobs : int
        Worker processes planning chunks at the same time (each a fresh interpreter; this
        process reads the input and writes the outputs meanwhile, in input order). Every
        number, table and JSON file is the same for any ``jobs`` (the workbook sheet by
        sheet; ``report.html`` apart from its figures' random element ids): the chunks are
        the same and each is planned independently. Memory grows with it (:func:`memory_estimate_mb`);
        the default chunk size is the most that fits ``memory_mb`` with ``jobs`` workers.
        A script calling this with ``jobs`` > 1 must guard its top level with
        ``if __name__ == "__main__":`` on systems that start processes by "spawn".
    region : str, optional
        Region of the plots without one (``region`` of :func:`agriremed.io.validate.validate_plots`).
        Workers start from a fresh import of agriremed: changes made at run time in the
        calling process (a registered column, a patched function) do not reach them.
    lang : {"en", "zh"}
        Language of the sentences in the files written (recommendation, reasons, problems;
        :func:`agriremed.io.outputs.texts_in`); column names, codes and message columns are the
        same in every language. The summary and rows kept in memory stay in English.

    Returns
    -------
    StreamResult
        Summary, rejected rows, problems, counts and paths.

    Raises
    ------
    agriremed.io.readers.InputFileError
        If the file cannot be read.
    agriremed.core.scenario.ScenarioError
        If the scenario's Monte Carlo draws do not fit in ``memory_mb`` even one plot at a
        time (:func:`check_draws`).
    ValueError
        If ``chunk_size`` plots with these draws do not fit in ``memory_mb`` (with ``jobs``
        workers, or not even one plot each), or ``jobs`` is below 1.
    WorkerError
        If a worker process stops abruptly (killed, most often for lack of memory); the
        outputs written so far are incomplete.

    Examples
    --------
    >>> import agriremed
    >>> from agriremed.io.synthetic import synthetic_plots
    >>> r = plan_stream(synthetic_plots(60, seed=1), agriremed.Scenario(mc_draws=0), chunk_size=25,
    ...                 progress=False)
    >>> r.n_chunks, r.n_planned + len(r.rejected) == r.n_input
    (3, True)
    """
    t0 = time.perf_counter()
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt {fmt!r}: expected 'parquet' or 'csv'")
    if plan_rows not in PLAN_ROWS:
        raise ValueError(f"plan_rows {plan_rows!r}: expected one of {', '.join(PLAN_ROWS)}")
    scenario = scenario or Scenario()
    if seed is not None:
        scenario = scenario.replace(seed=int(seed))
    if int(jobs) != jobs or jobs < 1:
        raise ValueError(f"jobs {jobs!r}: expected a whole number of worker processes, 1 or more")
    jobs = int(jobs)
    check_draws(scenario.mc_draws, memory_mb)
    d = scenario.mc_draws
    all_rows = out is not None and plan_rows == "all"  # every plot × option row kept and written
    fitting = max(chunk_size_for(d, memory_mb, jobs=jobs, all_rows=all_rows), 1 if jobs == 1 else 0)
    if fitting < 1:
        raise ValueError(f"jobs {jobs}: {jobs} worker processes with {d:,} Monte Carlo draws need about "
                         f"{memory_estimate_mb(1, d, jobs=jobs, all_rows=all_rows):,.0f} MB even for one plot "
                         f"each, more than memory_mb {memory_mb:,.0f}: use fewer jobs or a larger memory_mb")
    chunk_size = fitting if chunk_size is None else chunk_size
    if chunk_size > fitting:
        need = memory_estimate_mb(chunk_size, d, jobs=jobs, all_rows=all_rows)
        workers = f" in each of {jobs} worker processes needs about {need:,.0f} MB in all" if jobs > 1 else \
            f" needs about {need:,.0f} MB"
        raise ValueError(f"chunk_size {chunk_size:,}: with {d:,} Monte Carlo draws a chunk"
                         f"{workers}, more than memory_mb {memory_mb:,.0f}: use chunk_size {fitting:,} or less"
                         f"{', fewer jobs' if jobs > 1 else ''}, or a larger memory_mb")
    tables = tables or load_tables()
    inp = _Input(source, chunk_size, sheet, tables)
    scan = inp.scan()  # a first pass: repeated plot ids, unbalanced quotes, file-level column choices
    duplicates, notes, total = scan.duplicates, list(scan.notes), scan.n_rows
    read_notes = list(notes)  # how the input was read: also rows of problems.csv (severity note)

    head = [f"agriremed {__version__}", f"scenario {scenario.to_json()}"]
    sinks, soft_sinks = {}, {}
    if out is not None:
        out = prepare_out_dir(out)
        texts = None if lang == "en" else (lambda df: texts_in(df, lang, tables, scenario))
        sinks = {name: TableSink(out / f"{name}.{fmt}", fmt, head, texts) for name in ("plan", "summary")}
        # soft re-uses and the opportunity matrix: rows of one plot only, so appended chunk by chunk
        soft_sinks = {name: TableSink(out / f"{name}.csv", "csv", head, texts) for name in SOFT_REUSE_OUTPUTS}

    acc = _Collected(keep_summary=keep_summary, keep_recommended=keep_recommended, writing=out is not None,
                     extra_outputs=extra_outputs, plan_rows=plan_rows)
    # sentences only for the plan rows that leave the run (written, or kept as recommended rows)
    text_rows = "all" if out is not None and plan_rows == "all" else "recommended"
    bar = tqdm(total=total, desc=i18n.t("ui.progress.plan", lang), unit="plot", disable=(not progress) if progress is not None
               else None)
    ctx = _PartContext(scenario, tables, duplicates, text_rows, all_rows=all_rows, soft=out is not None,
                       region=region)
    run_tables_ = run_tables(scenario, tables)[0]  # a scenario the tables refuse stops here, before any chunk
    try:
        # closed explicitly, so that a writer's error shuts the worker processes down at once
        with contextlib.closing(_planned_parts(_data_chunks(inp.chunks()), ctx, jobs, run_tables_)) as parts:
            for rows, part in parts:
                acc.add(part, sinks, soft_sinks)
                bar.update(rows)
    finally:
        bar.close()
        for sink in [*sinks.values(), *soft_sinks.values()]:
            sink.close()

    notes += rules_note(scenario) + weights_note(scenario)
    first_plan = acc.first_plan
    problems_df = pd.concat(acc.problems, ignore_index=True) if acc.problems else pd.DataFrame()
    rejected_df = pd.concat(acc.rejected, ignore_index=True) if acc.rejected else pd.DataFrame()
    skipped_df = pd.concat(acc.skipped, ignore_index=True) if acc.skipped else no_skipped_rows()
    summary = pd.concat(acc.summaries, ignore_index=True) if acc.summaries else None
    if summary is None and keep_summary and first_plan is not None:
        summary = first_plan.summary.iloc[:0]
    input_digest = acc.digest.hexdigest()[:16]

    paths = {}
    if out is not None:
        paths = _write_stream_run(out, fmt, head, sinks, soft_sinks, acc, rejected_df, problems_df, scenario,
                                  tables, chunk_size, input_digest, notes, extra_outputs, read_notes, lang)
    rec = pd.concat(acc.recommended, ignore_index=True) if acc.recommended else None
    if rec is None and keep_recommended and first_plan is not None:
        rec = first_plan.table.iloc[:0]
    return StreamResult(summary=summary, recommended=rec, rejected=rejected_df, problems=problems_df,
                        n_input=acc.n_input,
                        n_planned=acc.n_planned, n_chunks=acc.n_chunks, seconds=time.perf_counter() - t0,
                        paths=paths, scenario=scenario, notes=notes, input_digest=input_digest,
                        n_skipped=acc.n_skipped, skipped=skipped_df)


@dataclasses.dataclass
class _Collected:
    """What :func:`plan_stream` keeps of the chunks planned so far: kept summaries, recommended
    rows, rejected rows and problems, the input digest, counts, the first plan's skeleton, and
    the soft re-use tables' columns (``soft_ok`` False once pvlib is found missing: no soft
    re-use tables, as in an in-memory plan). ``writing``: an output folder is written (the
    further outputs and the soft re-use tables are built only then)."""

    keep_summary: bool = True
    keep_recommended: bool = False
    writing: bool = False
    extra_outputs: object = ()
    plan_rows: str = "all"
    summaries: list = dataclasses.field(default_factory=list)
    recommended: list = dataclasses.field(default_factory=list)
    rejected: list = dataclasses.field(default_factory=list)
    problems: list = dataclasses.field(default_factory=list)
    skipped: list = dataclasses.field(default_factory=list)  # the rows that are not plots, of every chunk
    digest: object = dataclasses.field(default_factory=hashlib.sha256)
    n_input: int = 0
    n_planned: int = 0
    n_skipped: int = 0
    n_chunks: int = 0
    first_plan: object = None
    soft_ok: bool = True
    soft_first: dict = dataclasses.field(default_factory=dict)  # columns and dtypes, for datapackage.json
    rule_sets: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # set → plots
    #: (whole-year option, field) → the plot id of the field's first row with it, over the chunks so far
    field_plans: dict = dataclasses.field(default_factory=dict)

    def add(self, part: _Part, sinks: dict, soft_sinks: dict) -> None:
        """Take the next chunk's part: keep what is kept, write its rows to the sinks."""
        p = part.plan
        probs = p.problems
        if self.n_chunks > 0:  # file-level problems (headers, missing columns) once
            probs = probs.loc[probs["input_row"].notna()]
        self.problems.append(probs)
        self.rejected.append(p.rejected)
        skipped = getattr(p, "skipped", None)
        if skipped is not None and len(skipped):
            self.skipped.append(skipped)
            self.n_skipped += len(skipped)
        self.digest.update(part.digest.encode())
        if len(p.plots):
            self._add_planned(p, sinks, soft_sinks, part.soft)
        if self.first_plan is None:
            self.first_plan = _skeleton(p)  # columns and dtypes for the end, not the chunk's memory
        self.n_input += p.n_input
        self.n_planned += len(p.plots)
        self.n_chunks += 1

    def _add_planned(self, p, sinks: dict, soft_sinks: dict, soft) -> None:
        """The planned plots of a chunk: to the sinks, the kept tables and the further outputs
        (``soft``: the chunk's soft re-use tables, ``None`` without pvlib)."""
        rec = None
        # a whole-year option on a season row whose field's first row with it was in an earlier chunk
        marked = assemble.mark_field_repeats(p.summary, getattr(p, "tables", None), self.field_plans)
        if marked is not p.summary:
            p = dataclasses.replace(p, summary=marked)
        self.rule_sets.update(p.rule_sets())
        if self.keep_recommended or self.plan_rows == "recommended":
            rec = p.table.loc[p.table["recommended"].to_numpy(bool)]
        for name, sink in sinks.items():
            sink.write(p.summary if name == "summary" else rec if self.plan_rows == "recommended" else p.table)
        if self.keep_summary:
            self.summaries.append(p.summary)
        if self.keep_recommended:
            self.recommended.append(rec)
        if not self.writing:
            return
        for extra in self.extra_outputs:
            extra.add(p)
        if self.soft_ok:
            self.soft_ok = soft is not None
            if self.soft_ok:
                for name, df in zip(SOFT_REUSE_OUTPUTS, soft, strict=True):
                    soft_sinks[name].write(df)
                    self.soft_first.setdefault(name, no_rows(df))


def _write_stream_run(out: Path, fmt: str, head: list[str], sinks: dict, soft_sinks: dict, acc: _Collected,
                      rejected_df: pd.DataFrame, problems_df: pd.DataFrame, scenario: Scenario, tables: Tables,
                      chunk_size: int, input_digest: str, notes: list[str], extra_outputs,
                      read_notes=(), lang: str = "en") -> dict:
    """Close the plan and summary files and write the rest of a streamed run to ``out``: soft
    re-use tables, rejected rows, problems (with the notes on how the input was read, ``read_notes``,
    as rows of severity note), scenario, further outputs, datapackage.json and
    run.json, with their sentences in ``lang``. Returns ``{name: path}``."""
    first_plan = acc.first_plan
    paths = {}
    for name, sink in sinks.items():
        empty = (first_plan.table if name == "plan" else first_plan.summary).iloc[:0] \
            if first_plan is not None else pd.DataFrame()
        paths[name] = sink.close(empty)
    counts = (f"plots: {acc.n_input} rows read, {acc.n_planned} planned, {len(rejected_df)} rejected"
              + (f", {acc.n_skipped} not plot rows skipped" if acc.n_skipped else "")
              + f"; input digest {input_digest}")
    paths.update(_close_soft_sinks(out, soft_sinks, acc))
    paths["rejected"] = write_csv(texts_in(rejected_df, lang, tables), out / "rejected.csv")
    problems_df = with_note_rows(problems_df, list(read_notes))
    paths["problems"] = write_csv(texts_in(problems_df, lang, tables), out / "problems.csv")
    paths["scenario"] = scenario.save(out / "scenario.json")
    code = code_and_data(tables)
    provenance = [*head, counts, *tables_provenance(tables), code_line(code)]
    if first_plan is not None and first_plan.money()["code"] != "CNY":
        provenance.append(first_plan.provenance()[-1])  # the money line

    passed = pass_through_columns(first_plan.plots) if first_plan is not None else []
    described = {f"{name}.{fmt}": _written_columns(sink, first_plan, name)
                 for name, sink in sinks.items()}
    described.update({"rejected.csv": rejected_df, "problems.csv": problems_df})
    for name in SOFT_REUSE_OUTPUTS:
        if name in paths:
            described[f"{name}.csv"] = acc.soft_first[name]
    run_info = {"scenario": scenario, "tables": tables, "version": __version__, "input_digest": input_digest,
                "n_input": acc.n_input, "n_planned": acc.n_planned, "rejected": rejected_df,
                "n_skipped": acc.n_skipped,
                "n_chunks": acc.n_chunks, "chunk_size": chunk_size, "files": (f"plan.{fmt}", f"summary.{fmt}"),
                "money": first_plan.money() if first_plan is not None else None, "plan_rows": acc.plan_rows}
    for extra in extra_outputs:
        paths.update(extra.write(out, run_info))
    paths["datapackage"] = write_datapackage(out, described, passed_through=passed,
                                             description="; ".join(provenance))
    run = {"agriremed_version": __version__, "seed": scenario.seed, "scenario": scenario.to_dict(),
           "plan_rows": acc.plan_rows,
           "input_digest": input_digest, "rows_read": acc.n_input, "plots_planned": acc.n_planned,
           "rows_rejected": len(rejected_df), "rows_skipped": acc.n_skipped, "chunks": acc.n_chunks, "chunk_size": chunk_size,
           "notes": notes, "provenance": provenance, "passed_through": passed,
           "rule_sets": dict(acc.rule_sets), "text_language": lang, **code,
           "files": sorted([p.name for p in paths.values()] + ["run.json"])}
    if first_plan is not None:
        run["currency"] = first_plan.money()
    paths["run"] = out / "run.json"
    paths["run"].write_text(json.dumps(run, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                            encoding="utf-8")
    return paths


def _close_soft_sinks(out: Path, soft_sinks: dict, acc: _Collected) -> dict:
    """Close the soft re-use tables (a header only when no plot was planned); without pvlib or
    without any chunk, remove them. Returns ``{name: path}`` of those kept."""
    paths = {}
    if acc.soft_ok and acc.first_plan is not None:
        for name, cols in zip(SOFT_REUSE_OUTPUTS, (REUSE_COLUMNS, MATRIX_COLUMNS), strict=True):
            acc.soft_first.setdefault(name, pd.DataFrame(columns=cols))  # no plot planned: header only
            paths[name] = soft_sinks[name].close(acc.soft_first[name])
    else:
        for name in SOFT_REUSE_OUTPUTS:
            (out / f"{name}.csv").unlink(missing_ok=True)
    return paths

#: Values of :func:`plan_stream`'s ``plan_rows``: every plot × option row, or each plot's recommended one.
PLAN_ROWS = ("all", "recommended")

#: Soft re-use outputs a streamed run appends chunk by chunk (:mod:`agriremed.stages.softreuse`).
SOFT_REUSE_OUTPUTS = ("reuse_options", "opportunity_matrix")


def _soft_reuse(p):
    """Soft re-uses and opportunity matrix of one chunk's plan, or None without pvlib."""
    try:
        return reuse_for_plan(p)
    except ImportError:
        return None


def _written_columns(sink: TableSink, first_plan, name: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of the table ``sink`` wrote (for datapackage.json)."""
    if first_plan is None:
        return pd.DataFrame()
    df = first_plan.table if name == "plan" else first_plan.summary
    cols = sink.columns if sink.columns is not None else list(df.columns)
    return df[cols].iloc[:0]


def _skeleton(p):
    """The plan ``p`` with every table emptied (columns and dtypes kept) and nothing kept for
    replanning: what a streamed run reads from its first chunk at the end."""
    empty = {f.name: no_rows(getattr(p, f.name)) for f in dataclasses.fields(p)
             if isinstance(getattr(p, f.name), pd.DataFrame)}
    return dataclasses.replace(p, **empty, reuse={})


def _data_chunks(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The chunks of the input to validate and plan: a chunk of only blank lines is skipped,
    except when the input has no data row at all (then its one empty chunk is given, so that
    the file is reported once)."""
    n = 0
    for chunk in _with_last(chunks):
        if len(chunk) == 0 and (n > 0 or not chunk.attrs.get("last", False)):
            continue
        n += 1
        yield chunk


def _with_last(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The chunks, the last one marked (``attrs['last']``); every input gives at least one chunk
    (a header-only file an empty one with the file's header)."""
    prev = None
    for chunk in chunks:
        if prev is not None:
            yield prev
        prev = chunk
    if prev is not None:
        prev.attrs["last"] = True
        yield prev
