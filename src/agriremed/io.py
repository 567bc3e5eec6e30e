"""Reading plot tables and writing outputs.

Plot tables come as CSV (UTF-8, UTF-8 with BOM, or GBK/GB18030 as saved by Chinese
Excel), Excel (``.xlsx``/``.xls``) or Parquet. Readers return every cell as text so
that validation can report exactly what the user typed (``'5,6'``, ``'abc'``); the
typed, canonical table is produced by :func:`agriremed.validate.validate_plots`.
"""

from __future__ import annotations

from pathlib import Path

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
    notes : list of str
        Remarks about how the file was read (e.g. the text encoding detected).

    Raises
    ------
    InputFileError
        If the file does not exist, is empty, or is not a readable table.
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
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            df = pd.read_excel(p, sheet_name=sheet, dtype=str, keep_default_na=False)
        elif suffix in (".parquet", ".pq"):
            df = pd.read_parquet(p)
            df = df.astype(object).where(df.notna(), "").astype(str)
        else:
            df, enc = _read_csv_text(p)
            if enc != "utf-8":
                notes.append(f"{p.name} was read with the {enc} text encoding")
    except InputFileError:
        raise
    except Exception as exc:  # any parser error is an input problem, not a crash
        raise InputFileError(f"{p.name} could not be read as a table: {exc}") from exc
    df.columns = [str(c) for c in df.columns]
    return df.fillna(""), notes


def _read_csv_text(p: Path) -> tuple[pd.DataFrame, str]:
    raw = p.read_bytes()
    for enc, codec in (("utf-8", "utf-8-sig"), ("GB18030", "gb18030")):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise InputFileError(f"{p.name} is empty: it has no header and no data rows")
        import io

        sep = _sniff_separator(text)
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep,
                         skipinitialspace=True)
        return df, enc
    raise InputFileError(f"{p.name} is neither UTF-8 nor GBK/GB18030 text")


def _sniff_separator(text: str) -> str:
    header = text.splitlines()[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def write_csv(df: pd.DataFrame, path: str | Path, header_lines: list[str] | None = None) -> Path:
    """Write a DataFrame as UTF-8 CSV (with BOM so that Excel shows Chinese text).

    Parameters
    ----------
    df : pandas.DataFrame
        Table to write; floats are written with up to 10 significant digits, so
        identical inputs give byte-identical files.
    path : str or Path
        Output file.
    header_lines : list of str, optional
        Lines written before the table, each prefixed with ``#`` (provenance).

    Returns
    -------
    Path
        The path written.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    body = df.to_csv(index=False, float_format="%.10g", lineterminator="\n")
    head = "".join(f"# {line}\n" for line in (header_lines or []))
    p.write_text(head + body, encoding="utf-8-sig")
    return p
