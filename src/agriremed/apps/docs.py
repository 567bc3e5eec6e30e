"""Generate reference pages from the column registry and the literature tables.

``python -m agriremed.docs`` rewrites ``docs/columns.md`` and ``docs/sources.md``; a test
fails when the committed pages differ from what the registry and tables produce, so the
documentation cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from agriremed.core import citations
from agriremed.core import columns as C
from agriremed.core.tables import load_tables
from agriremed.core import names

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
             "Generated from `agriremed.core.columns` by `python -m agriremed.docs`; do not edit by hand.", "",
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
    lines += _spellings_markdown()
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


def _spellings_markdown() -> list[str]:
    """Header spellings and units that validation accepts (from :mod:`agriremed.core.names`)."""
    lines = ["", "### Accepted header spellings and units", "",
             "Headers are matched case-insensitively; a unit may follow the name in any bracket style "
             "(`镉（mg/kg）`, `Cd [mg/kg]`, `Pb (mg kg-1)`, `Pb (mg·kg⁻¹)`), after a comma (`Zn, mg/kg`) or "
             "a space (`Cd mg/kg DW`), or as a suffix (`cd_ug_kg`). A stated unit is converted to the "
             "column's unit and reported with its factor (`面积（亩）` × 1/15 → ha, `有机质（g/kg）` × 0.1 → %, "
             "`µg/kg` × 0.001 → mg/kg). Metals: the symbol (`Cd`, `Pb` …) or the Chinese name (镉 铅 砷 汞 铬 "
             "铜 镍 锌), optionally with 总/全/土壤/含量 (total); `CaCl2-Cd`, `Cd_DTPA`, `有效态镉(CaCl2)` for "
             "extracts (`有效态镉` without a method is read as DTPA-extractable, the method of HJ 804-2016). "
             "A crop or edible-part word with the metal (`糙米镉（mg/kg）`, `籽粒镉`, `农产品镉含量`, "
             "`grain_cd_mg_kg`, `Cd_rice`, `crop Cd (mg/kg)`) names the metal measured in the harvest "
             "(`crop_cd_mg_kg` …), never a header naming soil (土壤, soil); inorganic As (`糙米无机砷（mg/kg）`, "
             "`无机砷`, `inorganic As`, `iAs`) is `crop_as_inorganic_mg_kg`; one marked dry weight "
             "(`糙米镉（mg/kg，干重）`, `籽粒镉(mg/kg DW)`) is read on the rows of a cereal as a conservative value and "
             "not used on the rows of other crops (`crop_dry_weight_metals`). An exceedance ratio or pollution index "
             "(`稻米镉超标倍数`, `镉超标倍数`, `最大超标倍数`, `镉单项污染指数`, `Cd exceedance ratio`) is a derived "
             "value: not read, passed through with one warning. "
             "A header that looks like a metal but cannot be read, or whose unit does not fit, stops the "
             "file. `pH（无量纲）`, `pH（无单位）`, `pH (dimensionless)`: the \"no unit\" word agrees with pH. "
             "A row directly under the header whose filled cells are all units (`无量纲, g/kg, mg/kg, μg/kg, "
             "亩`) is read as the units of the columns above (as if written in each header; a unit other than "
             "the header's own stops the file) and is no data row. An area without unit (`面积`) next to a "
             "column " + ", ".join(f"`{h}`" for h in names.AREA_UNIT_HEADERS) + " is read row by row in that "
             "row's unit.", "", "| column | other spellings |", "|---|---|"]
    by_col: dict[str, list[str]] = {}
    for alias, col in {**names._HEADER_ALIASES, **names._UNIT_ONLY_HEADERS}.items():
        by_col.setdefault(col, []).append(alias)
    for col, aliases in by_col.items():
        lines.append(f"| `{col}` | {', '.join(f'`{a}`' for a in aliases)} |")
    spell, defs = names.unit_table()
    lines += ["", "Unit spellings besides the SI symbols (`data/units.csv`, each with its source): "
              + ", ".join(f"`{k}` = {v}" for k, v in spell.items())
              + ". Defined: " + ", ".join(f"{k} = {v}" for k, v in defs.items()) + "."]
    lu: dict[str, list[str]] = {}
    for alias, use in names.LAND_USE_ALIASES.items():
        lu.setdefault(use, []).append(alias)
    lines += ["", "Land-use values: " + "; ".join(f"`{u}`: {', '.join(a)}" for u, a in lu.items())
              + ". Not modelled (rejected with the classes above): " + ", ".join(names.LAND_USE_NOT_MODELLED)
              + ". Abandoned or idle cultivated land without its class (rejected asking for 水田 or 旱地, "
              "e.g. 撂荒水田): " + ", ".join(names.LAND_USE_IDLE_CULTIVATED)
              + ". A blank crop beside a land use that says the land is idle (" + ", ".join(names.LAND_USE_IDLE)
              + ") is read as crop `none` (no crop), with a warning. Crop values: the codes and aliases of `data/crops.csv` (水稻/稻谷 → rice, 小白菜/青菜 → "
              "pak_choi …); a crop group (" + ", ".join(names.CROP_GROUP_WORDS) + ") is refused: name the crop. "
              "Any other crop (黄精, 莲藕, 茭白 …) is planned as a crop not modelled (code `" + names.UNLISTED_CROP
              + "`, the cell kept in `crop_as_written`), with a warning: its soil class from the soil, every metal "
              "above its screening value not assessed (measure the harvest), its income a data gap; add it, or its "
              "name as an alias, to `data/crops.csv` to plan it with its own limits, uptake and income."]
    return lines


def sources_markdown() -> str:
    """Every source key with its short citation (English / Chinese where it differs), citation and status."""
    s = load_tables().sources
    lines = ["# Sources", "",
             "Generated from `agriremed/data/sources.csv` by `python -m agriremed.docs`; do not edit by hand. "
             "Every value in the package tables cites one or more of these keys in its `source` column.", "",
             "| key | cited as | citation | link | status |", "|---|---|---|---|---|"]
    for r in s.itertuples(index=False):
        cite = str(r.citation).replace("|", "/")
        short = " / ".join(dict.fromkeys(citations.short_cite(r.key, lang) for lang in ("en", "zh"))).replace("|", "/")
        lines.append(f"| `{r.key}` | {short} | {cite} | {r.doi_or_url} | {r.status} |")
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
