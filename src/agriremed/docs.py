"""Generate reference pages from the column registry and the literature tables.

``python -m agriremed.docs`` rewrites ``docs/columns.md`` and ``docs/sources.md``; a test
fails when the committed pages differ from what the registry and tables produce, so the
documentation cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import columns as C
from .tables import load_tables

__all__ = ["columns_markdown", "sources_markdown", "write_docs"]


def _range(c: C.Column) -> str:
    if c.categories:
        return ", ".join(c.categories)
    if c.dtype not in ("float", "int"):
        return ""
    lo, hi = c.valid
    if lo is None and hi is None:
        return ""
    lo_s = "" if lo is None else (("> " if c.valid_open[0] else "≥ ") + f"{lo:g}")
    hi_s = "" if hi is None else (("< " if c.valid_open[1] else "≤ ") + f"{hi:g}")
    return " and ".join(x for x in (lo_s, hi_s) if x)


def columns_markdown() -> str:
    """The input contract and output glossary as Markdown tables."""
    lines = ["# Columns", "",
             "Generated from `agriremed.columns` by `python -m agriremed.docs`; do not edit by hand.", "",
             "## Input columns (one row per plot)", "",
             "Metal columns are total concentrations in soil (dry mass); a blank cell means *not measured*, "
             "never zero. Extractable fractions exist for every metal as `<metal>_cacl2_mg_kg`, "
             "`<metal>_hno3_mg_kg` and `<metal>_dtpa_mg_kg`.", "",
             "| column | unit | requirement | valid range | description | 中文 |", "|---|---|---|---|---|---|"]
    for c in C.COLUMNS.values():
        if c.role != "input" or c.extra.get("extraction"):
            continue
        unit = C.unit_display(c.unit) if c.dtype in ("float", "int") else ""
        lines.append(f"| `{c.name}` | {unit} | {c.required} | {_range(c)} | {c.description} | {c.label_zh} |")
    lines += ["", "## Paired soil–plant data (`agriremed fit-uptake`)", "",
              "Besides these, a pairs table uses `ph`, `som_pct`, `clay_pct`, `cec_cmol_kg`, extractable "
              "fractions and `crop` as defined above.", "",
              "| column | unit | valid range | description | 中文 |", "|---|---|---|---|---|"]
    for c in C.COLUMNS.values():
        if c.role == "pairs":
            unit = C.unit_display(c.unit) if c.dtype in ("float", "int") else ""
            lines.append(f"| `{c.name}` | {unit} | {_range(c)} | {c.description} | {c.label_zh} |")
    lines += ["", "## Output columns", "", "| column | unit | description | 中文 |", "|---|---|---|---|"]
    for c in C.COLUMNS.values():
        if c.role == "output":
            unit = C.unit_display(c.unit) if c.dtype in ("float", "int") else ""
            lines.append(f"| `{c.name}` | {unit} | {c.description} | {c.label_zh} |")
    return "\n".join(lines) + "\n"


def sources_markdown() -> str:
    """Every source key with its citation and status."""
    s = load_tables().sources
    lines = ["# Sources", "",
             "Generated from `agriremed/data/sources.csv` by `python -m agriremed.docs`; do not edit by hand. "
             "Every value in the package tables cites one or more of these keys in its `source` column.", "",
             "| key | citation | link | status |", "|---|---|---|---|"]
    for r in s.itertuples(index=False):
        cite = str(r.citation).replace("|", "/")
        lines.append(f"| `{r.key}` | {cite} | {r.doi_or_url} | {r.status} |")
    return "\n".join(lines) + "\n"


def write_docs(root: str | Path = ".") -> list[Path]:
    """Write docs/columns.md and docs/sources.md under ``root``; return the paths."""
    d = Path(root) / "docs"
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in (("columns.md", columns_markdown()), ("sources.md", sources_markdown())):
        p = d / name
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


if __name__ == "__main__":
    for p in write_docs(sys.argv[1] if len(sys.argv) > 1 else "."):
        print(f"wrote {p}")
