"""Portfolio runs: plan a plot table of any size in chunks, writing the outputs as they come.

:func:`plan_stream` reads a CSV or Parquet file (or a DataFrame) ``chunk_size`` rows at a
time, validates and plans each chunk with :func:`agriremed.plan` (``detail=False``: the
plan and summary tables, not the long per-year tables), and appends the plan and summary
rows to ``plan.parquet`` / ``summary.parquet`` (or ``.csv``) before reading the next chunk.
Peak memory is set by the chunk size, not by the number of plots.

The streamed result equals the in-memory one: input rows are numbered across the whole
file, plot ids repeated anywhere in the file are rejected as duplicates (a first pass
over the file collects the plot ids of every row), and every plot's numbers are those
:func:`agriremed.plan` gives, because no stage looks across plots. The dask backend
(:mod:`agriremed.dask_backend`) runs the
same chunk function on the partitions of a dask DataFrame.

Outputs in ``out``:

* ``plan.parquet`` (or ``plan.csv``) — one row per plot × option, columns as ``plan.csv``;
* ``summary.parquet`` (or ``summary.csv``) — one row per planned plot;
* ``rejected.csv``, ``problems.csv`` — every rejected row with its reasons, all problems;
* ``scenario.json`` and ``run.json`` — scenario, seed, version, row counts, input digest;
* ``datapackage.json`` — every column of every table (type, unit, English and Chinese label).

CSV outputs are plain tables as :func:`agriremed.io.write_csv` writes them (header row
first, no comment lines, formula-looking text quoted); the provenance is in ``run.json``,
and Parquet files also carry it in their schema metadata (key ``agriremed``). Output files
of an earlier run in ``out`` are removed first (:func:`agriremed.outputs.prepare_out_dir`).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io as _io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import __version__
from .io import (
    _SEP_NAMES,
    InputFileError,
    _header_row,
    _sniff_separator,
    decode_text,
    empty_lines_note,
    parquet_as_text,
    read_table,
)
from .names import normalise_header
from .outputs import csv_text, prepare_out_dir, write_datapackage
from .scenario import Scenario, ScenarioError
from .tables import Tables, load_tables
from .validate import Validation, _as_text, validate_plots

__all__ = ["StreamResult", "plan_stream", "iter_chunks", "plan_chunk", "duplicate_ids", "DEFAULT_CHUNK_SIZE",
           "MEMORY_BUDGET_MB", "memory_estimate_mb", "chunk_size_for", "max_draws", "check_draws",
           "data_rows_at_most"]

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
#: Memory per plot of a chunk without Monte Carlo draws [MB] (measured 0.10–0.15).
MEMORY_PER_PLOT_MB = 0.15
#: Memory per plot and Monte Carlo draw [MB] (measured 1.7–3.2 kB).
MEMORY_PER_PLOT_DRAW_MB = 3.5e-3
#: Memory per Monte Carlo draw whatever the number of plots (parameter draw tables) [MB]
#: (measured 2–5 kB).
MEMORY_PER_DRAW_MB = 5e-3
#: Estimated peak memory a plan may reach by default [MB]; the measured peak stays below
#: 3 GB (README, "Memory").
MEMORY_BUDGET_MB = 2_500.0



def memory_estimate_mb(n_plots: int, n_draws: int) -> float:
    """Estimated peak resident memory of planning ``n_plots`` plots at once [MB].

    Parameters
    ----------
    n_plots : int
        Plots planned in one call of :func:`agriremed.plan` (one chunk).
    n_draws : int
        Monte Carlo draws.

    Returns
    -------
    float
        ``MEMORY_BASE_MB + n_draws × MEMORY_PER_DRAW_MB
        + n_plots × (MEMORY_PER_PLOT_MB + n_draws × MEMORY_PER_PLOT_DRAW_MB)`` [MB].

    Examples
    --------
    >>> round(memory_estimate_mb(1_000, 500))
    2252
    """
    n, d = max(int(n_plots), 0), max(int(n_draws), 0)
    return MEMORY_BASE_MB + d * MEMORY_PER_DRAW_MB + n * (MEMORY_PER_PLOT_MB + d * MEMORY_PER_PLOT_DRAW_MB)


def chunk_size_for(n_draws: int, budget_mb: float = MEMORY_BUDGET_MB) -> int:
    """The most plots per chunk whose estimated peak memory stays within ``budget_mb``.

    Parameters
    ----------
    n_draws : int
        Monte Carlo draws.
    budget_mb : float
        Memory budget [MB].

    Returns
    -------
    int
        Plots per chunk (:func:`memory_estimate_mb` ≤ ``budget_mb``); 0 when not even one
        plot fits (too many draws, see :func:`max_draws`).

    Examples
    --------
    >>> chunk_size_for(500), chunk_size_for(0)
    (1130, 14333)
    """
    d = max(int(n_draws), 0)
    free = budget_mb - MEMORY_BASE_MB - d * MEMORY_PER_DRAW_MB
    return max(int(free // (MEMORY_PER_PLOT_MB + d * MEMORY_PER_PLOT_DRAW_MB)), 0)


def max_draws(budget_mb: float = MEMORY_BUDGET_MB) -> int:
    """The most Monte Carlo draws with which one plot at a time fits in ``budget_mb`` [–].

    Examples
    --------
    >>> max_draws()
    252923
    """
    free = budget_mb - MEMORY_BASE_MB - MEMORY_PER_PLOT_MB
    return max(int(free // (MEMORY_PER_DRAW_MB + MEMORY_PER_PLOT_DRAW_MB)), 0)


def check_draws(n_draws: int, budget_mb: float = MEMORY_BUDGET_MB, what: str = "mc_draws") -> int:
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

    Returns
    -------
    int
        :func:`chunk_size_for` ``(n_draws, budget_mb)`` (at least 1).

    Raises
    ------
    agriremed.scenario.ScenarioError
        When not even one plot fits, naming the estimate and :func:`max_draws`.
    """
    size = chunk_size_for(n_draws, budget_mb)
    if size >= 1:
        return size
    need = memory_estimate_mb(1, n_draws)
    raise ScenarioError(
        f"{what} {int(n_draws):,}: one plot with this many Monte Carlo draws needs about {need:,.0f} MB of "
        f"memory, more than the {budget_mb:,.0f} MB allowed; the largest number of draws that fits is "
        f"{max_draws(budget_mb):,} (or give more memory with --memory MB) "
        f"（蒙特卡罗抽样次数过多，内存不足：最多 {max_draws(budget_mb):,} 次）")


#: Bytes read from the top of a CSV file to find its encoding, separator and header row.
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
        Data rows read and plots planned; ``n_planned + len(rejected) == n_input``.
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

    @property
    def plots_per_second(self) -> float:
        """Planned plots per second of wall time [plots s⁻¹]."""
        return self.n_planned / self.seconds if self.seconds > 0 else float("nan")


# ---- reading ------------------------------------------------------------------------------

_EXCEL = (".xlsx", ".xlsm", ".xls", ".ods")
_PARQUET = (".parquet", ".pq")


def data_rows_at_most(source, sheet: str | int | None = None) -> int:
    """An upper bound of the data rows of a plot table, found without reading it into memory.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        Plot table.
    sheet : str or int, optional
        Excel sheet (as :func:`agriremed.io.read_table`).

    Returns
    -------
    int
        Text files: the number of line breaks (every data row takes at least one line, and
        the header one more; line ends LF, CRLF or CR); Parquet: the rows in its metadata; Excel (small by nature):
        the data rows read; a DataFrame: its rows; 0 for a path that is not a file (the
        reader then says why).

    Raises
    ------
    agriremed.io.InputFileError
        If an Excel file cannot be read (the message :func:`~agriremed.io.read_table` gives).
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
    lf = cr = 0
    with open(p, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 24), b""):
            lf, cr = lf + block.count(b"\n"), cr + block.count(b"\r")
    return max(lf, cr)  # LF, CRLF or CR-only line ends


#: Python codec of each encoding :func:`agriremed.io.decode_text` reports.
_CODECS = {"utf-8": "utf-8-sig", "GB18030": "gb18030", "cp1252": "cp1252", "latin-1": "latin-1",
           "UTF-16": "utf-16", "UTF-32": "utf-32"}


def _csv_layout(p: Path) -> dict:
    """Encoding, separator and header row of a CSV file, read from its first megabyte."""
    with open(p, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    if not head.strip():
        raise InputFileError(f"{p.name} is empty: it has no header and no data rows")
    if len(head) == _HEAD_BYTES and b"\n" in head:  # whole lines only: no character cut at the end
        head = head[:head.rfind(b"\n") + 1]
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and len(head) % 2:
        head = head[:-1]
    text, enc = decode_text(head, p.name)  # the same detection as read_table
    codec = _CODECS[enc]
    sep = _sniff_separator(text)
    first = text.splitlines()[:10]
    rows = list(csv.reader(_io.StringIO("\n".join(first)), delimiter=sep))
    width = max((len(r) for r in rows), default=0)
    grid = pd.DataFrame([[c.strip() for c in r] + [""] * (width - len(r)) for r in rows], dtype=object)
    h = _header_row(grid) if len(grid) else 0
    header = [str(c).strip() for c in grid.iloc[h].tolist()] if len(grid) else []
    header = [c if c else f"unnamed_{i + 1}" for i, c in enumerate(header)]
    notes = []
    if enc != "utf-8":
        notes.append(f"{p.name} was read with the {enc} text encoding")
    if sep != ",":
        notes.append(f"{p.name} is separated by {_SEP_NAMES[sep]}")
    if h > 0:
        notes.append(f"{p.name}: header found on line {h + 1}; {h} title line(s) above it were skipped")
    return dict(codec=codec, sep=sep, header_row=h, header=header, notes=notes)


def _csv_chunks(p: Path, chunk_size: int, layout: dict) -> Iterator[pd.DataFrame]:
    header, h = layout["header"], layout["header_row"]
    try:
        reader = pd.read_csv(p, sep=layout["sep"], encoding=layout["codec"], header=None, names=header,
                             skiprows=h + 1, dtype=str, keep_default_na=False, na_filter=False,
                             skip_blank_lines=False, chunksize=chunk_size, index_col=False)
        line = h + 2  # file line of the first data row
        for chunk in reader:
            chunk = chunk.fillna("")
            for c in chunk.columns:
                chunk[c] = chunk[c].str.strip()
            filled = chunk.ne("").any(axis=1).to_numpy()
            lines = line + np.arange(len(chunk))
            line += len(chunk)
            chunk = chunk.loc[filled].reset_index(drop=True)
            chunk = chunk.drop(columns=[c for c in chunk.columns if c.startswith("unnamed_")
                                        and not chunk[c].ne("").any()])
            chunk.attrs.update(header_line=h + 1, separator=layout["sep"], decimal_comma=layout["sep"] == ";",
                               lines=lines[filled].tolist(), blank_lines=lines[~filled].tolist())
            yield chunk
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(f"{p.name} could not be read in chunks: {exc}. Plan it without chunks to see "
                             "every row's problem") from exc


def _parquet_chunks(p: Path, chunk_size: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    try:
        f = pq.ParquetFile(p)
    except Exception as exc:  # not a parquet file: an input problem
        raise InputFileError(f"{p.name} could not be read as a table: {exc}") from exc
    for batch in f.iter_batches(batch_size=chunk_size):
        yield parquet_as_text(batch.to_pandas())


def iter_chunks(source, chunk_size: int = DEFAULT_CHUNK_SIZE,
                sheet: str | int | None = None) -> tuple[Iterator[pd.DataFrame], list[str]]:
    """Chunks of a plot table, each as :func:`agriremed.io.read_table` would give its rows.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        CSV (any encoding, separator and title rows :func:`~agriremed.io.read_table`
        accepts), Parquet, Excel (read whole, then cut) or a DataFrame.
    chunk_size : int
        Rows per chunk.

    Returns
    -------
    chunks : iterator of pandas.DataFrame
        Data rows; ``attrs`` carries ``header_line`` and the file ``lines`` of the rows.
    notes : list of str
        How the file is read (encoding, separator, header line).
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size {chunk_size}: expected a positive number of rows")
    if isinstance(source, pd.DataFrame):
        return _frame_chunks(source, chunk_size), []
    p = Path(source)
    if not p.exists():
        raise InputFileError(f"file not found: {p}")
    if p.is_dir():
        raise InputFileError(f"{p} is a folder, not a table file")
    if p.stat().st_size == 0:
        raise InputFileError(f"{p.name} is empty: it has no header and no data rows")
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return _parquet_chunks(p, chunk_size), []
    if suffix in (".xlsx", ".xlsm", ".xls"):
        df, notes = read_table(p, sheet=sheet)
        return _frame_chunks(df, chunk_size), notes
    layout = _csv_layout(p)
    return _csv_chunks(p, chunk_size, layout), layout["notes"]


def _frame_chunks(df: pd.DataFrame, chunk_size: int) -> Iterator[pd.DataFrame]:
    lines = df.attrs.get("lines")
    for start in range(0, max(len(df), 1), chunk_size):
        chunk = df.iloc[start:start + chunk_size].reset_index(drop=True)
        chunk.attrs = {k: v for k, v in df.attrs.items() if k != "lines"}
        if lines is not None:
            chunk.attrs["lines"] = list(lines[start:start + chunk_size])
        yield chunk


def duplicate_ids(source, chunk_size: int = DEFAULT_CHUNK_SIZE, sheet: str | int | None = None) -> dict[str, str]:
    """Plot ids that occur more than once in the whole input, with their input rows.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        As :func:`iter_chunks`.
    chunk_size : int
        Rows per chunk of the pass over the file.

    Returns
    -------
    dict
        Plot id → its input rows (1-based data rows, e.g. ``"3, 17"``), for repeated ids.
    """
    chunks, _ = iter_chunks(source, chunk_size, sheet)
    ids, rows, start = [], [], 0
    for chunk in chunks:
        col = next((c for c in chunk.columns if normalise_header(c)[0] == "plot_id"), None)
        if col is not None:
            text = _as_text(chunk[col]).to_numpy(object)
            keep = text != ""
            ids.append(text[keep])
            rows.append(start + 1 + np.flatnonzero(keep))
        start += len(chunk)
    if not ids:
        return {}
    return repeated_ids(np.concatenate(ids), np.concatenate(rows))


def repeated_ids(ids: np.ndarray, rows: np.ndarray) -> dict[str, str]:
    """Ids that occur more than once → their rows (``"3, 17"``).

    ``rows`` are the 1-based input rows of ``ids``.
    """
    s = pd.Series(rows, index=ids)
    dup = s[s.index.duplicated(keep=False)]
    return {k: ", ".join(map(str, g)) for k, g in dup.groupby(level=0, sort=False)}


# ---- planning one chunk -----------------------------------------------------------------


def _offset(v: Validation, rows_before: int) -> Validation:
    """``v`` with input rows numbered after ``rows_before`` rows of earlier chunks."""
    if rows_before == 0:
        return v
    plots = v.plots.copy()
    plots["input_row"] = plots["input_row"] + rows_before
    rejected = v.rejected.copy()
    rejected["input_row"] = rejected["input_row"] + rows_before
    problems = v.problems.copy()
    problems["input_row"] = problems["input_row"] + rows_before
    return dataclasses.replace(v, plots=plots, rejected=rejected, problems=problems)


def plan_chunk(chunk: pd.DataFrame, scenario: Scenario, tables: Tables, rows_before: int = 0,
               duplicates: dict[str, str] | None = None):
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

    Returns
    -------
    agriremed.plan.Plan
        The chunk's plan, without the long per-year tables (``detail=False``).
    """
    from .plan import plan

    v = _offset(validate_plots(chunk, tables, duplicates=duplicates), rows_before)
    return plan(v, scenario, tables=tables, progress=False, detail=False)


# ---- writing ----------------------------------------------------------------------------


class _Sink:
    """One output table written chunk by chunk (CSV rows appended, or Parquet row groups)."""

    def __init__(self, path: Path, fmt: str, head: list[str]):
        self.path, self.fmt, self.head = path, fmt, head
        self.columns = None
        self._writer = None
        self._schema = None
        self._closed = False

    def write(self, df: pd.DataFrame) -> None:
        if self.columns is None:
            self.columns = list(df.columns)
        df = df[self.columns]
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
                memory_mb: float = MEMORY_BUDGET_MB) -> StreamResult:
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
        most plots whose estimated peak memory with the scenario's Monte Carlo draws stays
        within ``memory_mb`` (:func:`chunk_size_for`).
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
        Excel sheet of plots (as :func:`agriremed.io.read_table`).
    memory_mb : float
        Memory budget of the default chunk size [MB].

    Returns
    -------
    StreamResult
        Summary, rejected rows, problems, counts and paths.

    Raises
    ------
    agriremed.io.InputFileError
        If the file cannot be read.
    agriremed.scenario.ScenarioError
        If the scenario's Monte Carlo draws do not fit in ``memory_mb`` even one plot at a
        time (:func:`check_draws`).

    Examples
    --------
    >>> import agriremed
    >>> from agriremed.synthetic import synthetic_plots
    >>> r = plan_stream(synthetic_plots(60, seed=1), agriremed.Scenario(mc_draws=0), chunk_size=25,
    ...                 progress=False)
    >>> r.n_chunks, r.n_planned + len(r.rejected) == r.n_input
    (3, True)
    """
    t0 = time.perf_counter()
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt {fmt!r}: expected 'parquet' or 'csv'")
    scenario = scenario or Scenario()
    if seed is not None:
        scenario = scenario.replace(seed=int(seed))
    fitting = check_draws(scenario.mc_draws, memory_mb)
    chunk_size = fitting if chunk_size is None else chunk_size
    tables = tables or load_tables()
    duplicates = duplicate_ids(source, chunk_size, sheet)
    chunks, notes = iter_chunks(source, chunk_size, sheet)
    total = _row_estimate(source)

    head = [f"agriremed {__version__}", f"scenario {scenario.to_json()}"]
    sinks = {}
    if out is not None:
        out = prepare_out_dir(out)
        sinks = {name: _Sink(out / f"{name}.{fmt}", fmt, head) for name in ("plan", "summary")}

    summaries, recommended, rejected, problems, blank_lines = [], [], [], [], []
    digest = hashlib.sha256()
    n_input = n_planned = n_chunks = 0
    bar = tqdm(total=total, desc="agriremed plan", unit="plot", disable=(not progress) if progress is not None
               else None)
    first_plan = None
    try:
        for chunk in _with_one_chunk(chunks, source):
            blank_lines += chunk.attrs.get("blank_lines", [])
            if len(chunk) == 0 and (n_chunks > 0 or not chunk.attrs.get("last", False)):
                bar.update(len(chunk.attrs.get("blank_lines", [])))
                continue  # only blank lines; a file without any data row is reported once at the end
            p = plan_chunk(chunk, scenario, tables, n_input, duplicates)
            probs = p.problems
            if n_chunks > 0:  # file-level problems (headers, missing columns) once
                probs = probs.loc[probs["input_row"].notna()]
            problems.append(probs)
            rejected.append(p.rejected)
            digest.update(p.input_digest().encode())
            if len(p.plots):
                for name, sink in sinks.items():
                    sink.write(p.table if name == "plan" else p.summary)
                if keep_summary:
                    summaries.append(p.summary)
                if keep_recommended:
                    recommended.append(p.table.loc[p.table["recommended"].to_numpy(bool)])
            first_plan = first_plan or p
            n_input += p.n_input
            n_planned += len(p.plots)
            n_chunks += 1
            bar.update(len(chunk) + len(chunk.attrs.get("blank_lines", [])))
    finally:
        bar.close()
        for sink in sinks.values():
            sink.close()
    if blank_lines:
        notes.append(empty_lines_note(Path(source).name, blank_lines))
    problems_df = pd.concat(problems, ignore_index=True) if problems else pd.DataFrame()
    rejected_df = pd.concat(rejected, ignore_index=True) if rejected else pd.DataFrame()
    summary = pd.concat(summaries, ignore_index=True) if summaries else None
    if summary is None and keep_summary and first_plan is not None:
        summary = first_plan.summary.iloc[:0]
    input_digest = digest.hexdigest()[:16]

    paths = {}
    if out is not None:
        from .io import write_csv

        for name, sink in sinks.items():
            empty = (first_plan.table if name == "plan" else first_plan.summary).iloc[:0] \
                if first_plan is not None else pd.DataFrame()
            paths[name] = sink.close(empty)
        counts = (f"plots: {n_input} rows read, {n_planned} planned, {len(rejected_df)} rejected; "
                  f"input digest {input_digest}")
        paths["rejected"] = write_csv(rejected_df, out / "rejected.csv")
        paths["problems"] = write_csv(problems_df, out / "problems.csv")
        paths["scenario"] = scenario.save(out / "scenario.json")
        provenance = [*head, counts]
        if first_plan is not None and first_plan.money()["code"] != "CNY":
            provenance.append(first_plan.provenance()[-1])  # the money line
        from .plan import pass_through_columns

        passed = pass_through_columns(first_plan.plots) if first_plan is not None else []
        described = {f"{name}.{fmt}": _written_columns(sink, first_plan, name)
                     for name, sink in sinks.items()}
        described.update({"rejected.csv": rejected_df, "problems.csv": problems_df})
        paths["datapackage"] = write_datapackage(out, described, passed_through=passed,
                                                 description="; ".join(provenance))
        run = {"agriremed_version": __version__, "seed": scenario.seed, "scenario": scenario.to_dict(),
               "input_digest": input_digest, "rows_read": n_input, "plots_planned": n_planned,
               "rows_rejected": len(rejected_df), "chunks": n_chunks, "chunk_size": chunk_size,
               "notes": notes, "provenance": provenance, "passed_through": passed,
               "files": sorted([p.name for p in paths.values()] + ["run.json"])}
        if first_plan is not None:
            run["currency"] = first_plan.money()
        paths["run"] = out / "run.json"
        paths["run"].write_text(json.dumps(run, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                encoding="utf-8")
    rec = pd.concat(recommended, ignore_index=True) if recommended else None
    if rec is None and keep_recommended and first_plan is not None:
        rec = first_plan.table.iloc[:0]
    return StreamResult(summary=summary, recommended=rec, rejected=rejected_df, problems=problems_df,
                        n_input=n_input,
                        n_planned=n_planned, n_chunks=n_chunks, seconds=time.perf_counter() - t0, paths=paths,
                        scenario=scenario, notes=notes, input_digest=input_digest)


def _written_columns(sink: _Sink, first_plan, name: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of the table ``sink`` wrote (for datapackage.json)."""
    if first_plan is None:
        return pd.DataFrame()
    df = first_plan.table if name == "plan" else first_plan.summary
    cols = sink.columns if sink.columns is not None else list(df.columns)
    return df[cols].iloc[:0]


def _with_one_chunk(chunks: Iterator[pd.DataFrame], source) -> Iterator[pd.DataFrame]:
    """The chunks, the last one marked (``attrs['last']``); a header-only file gives one empty chunk."""
    prev = None
    for chunk in chunks:
        if prev is not None:
            yield prev
        prev = chunk
    if prev is None:  # no data rows at all: an empty table with the file's header
        layout = _csv_layout(Path(source)) if not isinstance(source, pd.DataFrame) and \
            Path(source).suffix.lower() not in (".parquet", ".pq", ".xlsx", ".xlsm", ".xls") else None
        prev = pd.DataFrame(columns=layout["header"] if layout else
                            (list(source.columns) if isinstance(source, pd.DataFrame) else []))
        if layout:
            prev.attrs.update(header_line=layout["header_row"] + 1, lines=[])
    prev.attrs["last"] = True
    yield prev


def _row_estimate(source) -> int | None:
    """Data rows for the progress bar: exact for DataFrames and Parquet, from the file size for CSV."""
    if isinstance(source, pd.DataFrame):
        return len(source)
    p = Path(source)
    if p.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        return pq.ParquetFile(p).metadata.num_rows
    if p.suffix.lower() in (".csv", ".txt"):
        with open(p, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
        lines = head.count(b"\n")
        if not lines:
            return None
        return int(round(p.stat().st_size / (len(head) / lines))) - 1
    return None
