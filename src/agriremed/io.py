"""Reading plot tables and writing outputs.

Plot tables come as CSV (UTF-8, UTF-8 with BOM, or GBK/GB18030 as saved by Chinese
Excel), Excel (``.xlsx``/``.xls``) or Parquet. Readers return every cell as text so
that validation can report exactly what the user typed (``'5,6'``, ``'abc'``); the
typed, canonical table is produced by :func:`agriremed.validate.validate_plots`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["InputFileError", "read_table", "NA_STRINGS", "write_csv"]

#: Cell texts that mean "no value" (not measured).
NA_STRINGS = ("", "na", "n/a", "nan", "null", "none", "-", "—", "--", "nd", "未测", "无")


class InputFileError(Exception):
    """A file that cannot be read as a table at all (missing, empty, wrong format)."""


def read_table(path: str | Path, sheet: str | int | None = 0) -> tuple[pd.DataFrame, list[str]]:
    """Read a plot table from CSV, Excel or Parquet with every cell as text.

    Parameters
    ----------
    path : str or Path
        File to read. The format is chosen from the suffix (``.csv``, ``.txt``,
        ``.xlsx``, ``.xls``, ``.parquet``, ``.pq``).
    sheet : str or int, optional
        Excel sheet name or index.

    Returns
    -------
    table : pandas.DataFrame
        One row per data row; all cells are strings (blank cells are ``''``).
        ``table.attrs`` records ``header_line`` (1-based line or spreadsheet row of
        the header, ``None`` for Parquet), ``lines`` (the file line of every data row),
        ``separator`` and ``decimal_comma`` (True for semicolon-separated text, where a
        comma is the decimal mark).
    notes : list of str
        Remarks about how the file was read (text encoding, header row found below a
        title row, separator).

    Raises
    ------
    InputFileError
        If the file does not exist, is empty, or is not a readable table.

    Notes
    -----
    The header is the row, among the first ten, in which the most cells name known
    columns; title rows above it (e.g. merged group headings in Excel) are skipped and
    reported.
    """
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"file not found: {p}")
    if p.is_dir():
        raise InputFileError(f"{p} is a folder, not a table file")
    suffix = p.suffix.lower()
    notes: list[str] = []
    if p.stat().st_size == 0:
        raise InputFileError(f"{p.name} is empty: it has no header and no data rows")
    sep = None
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            grid = pd.read_excel(p, sheet_name=sheet, dtype=str, keep_default_na=False, header=None)
            grid = grid.fillna("").astype(str)
        elif suffix in (".parquet", ".pq"):
            return parquet_as_text(pd.read_parquet(p)), notes
        else:
            grid, enc, sep = _read_csv_grid(p)
            if enc != "utf-8":
                notes.append(f"{p.name} was read with the {enc} text encoding")
            if sep != ",":
                notes.append(f"{p.name} is separated by {_SEP_NAMES[sep]}")
    except InputFileError:
        raise
    except Exception as exc:  # any parser error is an input problem, not a crash
        raise InputFileError(f"{p.name} could not be read as a table: {exc}") from exc
    if grid.empty:
        raise InputFileError(f"{p.name} is empty: it has no header and no data rows")
    h = _header_row(grid)
    if h > 0:
        notes.append(f"{p.name}: header found on line {h + 1}; {h} title line(s) above it were skipped")
    header = [str(c).strip() for c in grid.iloc[h].tolist()]
    header = [c if c else f"unnamed_{i + 1}" for i, c in enumerate(header)]
    df = grid.iloc[h + 1:].reset_index(drop=True)
    df.columns = header
    empty_cols = [c for c in df.columns if c.startswith("unnamed_") and not df[c].str.strip().any()]
    df = df.drop(columns=empty_cols)
    if len(df):
        filled = df.apply(lambda col: col.astype(str).str.strip().ne("")).any(axis=1).to_numpy()
        if not filled.all():
            notes.append(empty_lines_note(p.name, (h + 2 + np.flatnonzero(~filled)).tolist()))
        df = df.loc[filled].reset_index(drop=True)
        data_lines = (h + 2 + np.flatnonzero(filled)).tolist()
    else:
        data_lines = []
    df.attrs.update(header_line=h + 1, separator=sep, decimal_comma=sep == ";", lines=data_lines)
    return df, notes


_SEP_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


def empty_lines_note(file_name: str, lines: list[int]) -> str:
    """The note that empty lines of a file were skipped (the first ten line numbers)."""
    shown = ", ".join(str(x) for x in lines[:10])
    return f"{file_name}: {len(lines)} empty line(s) ignored (line {shown}{' …' if len(lines) > 10 else ''})"


def parquet_as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Rows read from Parquet as :func:`read_table` gives them: every cell as text, blanks as ''."""
    df = df.astype(object).where(df.notna(), "").astype(str)
    df.columns = [str(c) for c in df.columns]
    df.attrs.update(header_line=None, separator=None, decimal_comma=False)
    return df


def _header_row(grid: pd.DataFrame) -> int:
    """Index of the header row: the one of the first ten naming the most known columns."""
    from .names import is_known_header

    best, best_score = 0, 0
    for i in range(min(10, len(grid))):
        score = sum(is_known_header(c) for c in grid.iloc[i].tolist() if str(c).strip())
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 2 else 0


def _read_csv_grid(p: Path) -> tuple[pd.DataFrame, str, str]:
    import csv
    import io

    raw = p.read_bytes()
    for enc, codec in (("utf-8", "utf-8-sig"), ("GB18030", "gb18030")):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise InputFileError(f"{p.name} is empty: it has no header and no data rows")
        sep = _sniff_separator(text)
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        width = max((len(r) for r in rows), default=0)
        grid = pd.DataFrame([[c.strip() for c in r] + [""] * (width - len(r)) for r in rows], dtype=object)
        return grid, enc, sep
    raise InputFileError(f"{p.name} is neither UTF-8 nor GBK/GB18030 text")


def _sniff_separator(text: str) -> str:
    """Semicolon or tab when most of the first lines use it, else comma.

    A semicolon wins over commas because semicolon-separated files (European
    spreadsheets) use the comma as decimal mark.
    """
    lines = [line for line in text.splitlines()[:10] if line.strip()]
    for sep in (";", "\t"):
        if sum(line.count(sep) > 0 for line in lines) > len(lines) / 2:
            return sep
    return ","


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as a plain CSV file that Excel, pandas and R open without options.

    UTF-8 with a byte-order mark (so that Excel shows Chinese text), the header row first,
    no comment lines (provenance is recorded in ``run.json``); text that a spreadsheet would
    run as a formula gets a leading single quote (:func:`agriremed.outputs.csv_text`).

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
    from .outputs import csv_text

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(csv_text(df), encoding="utf-8-sig", newline="")
    return p
