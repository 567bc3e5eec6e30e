"""Write the rice karst/geogenic adjustment, and the spread of the maize one, into ``src/agriremed/data/uptake_slopes.csv``.

The rows ``geogenic_shift_rice``, ``geogenic_shift_rice_hunan`` and ``geogenic_se_rice`` (kind
``geogenic_adjustment``) get the value, source and note that
:func:`agriremed.stages.uptake.synthesis.geogenic_rice_rows` computes from the karst rice surveys of
``uptake_surveys.csv`` that print pH (each survey's implied shift, their mean and the spread added, with the
numbers of every survey in the note); the row ``geogenic_se_maize`` those of
:func:`agriremed.stages.uptake.synthesis.geogenic_maize_rows` (the maize shift rests on one karst survey, so the
karst rice spread is applied to it). Only those rows' ``value``, ``source`` and ``note`` are rewritten; every
other line of the table is kept byte for byte.

Run from the repository root after a change to the surveys, the rice synthesis or its transfer functions:
    python scripts/make_geogenic_rice_shift.py          (write)
    python scripts/make_geogenic_rice_shift.py --check  (exit 1 if the table differs)
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from agriremed.core.tables import load_tables  # noqa: E402
from agriremed.stages.uptake.synthesis import geogenic_maize_rows, geogenic_rice_rows  # noqa: E402

TABLE = ROOT / "src" / "agriremed" / "data" / "uptake_slopes.csv"


def updated(text: str, rows: dict) -> str:
    """``text`` (the table) with the ``value``, ``source`` and ``note`` of the rows in ``rows`` replaced."""
    lines = text.split("\n")
    header = next(csv.reader([lines[0]]))
    col = {c: header.index(c) for c in ("estimate_id", "value", "source", "note")}
    seen = set()
    for i, line in enumerate(lines[1:], start=1):
        if not line:
            continue
        rec = next(csv.reader([line]))
        rid = rec[col["estimate_id"]]
        if rid in rows:
            for k in ("value", "source", "note"):
                rec[col[k]] = f"{rows[rid][k]:g}" if k == "value" else rows[rid][k]
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow(rec)
            lines[i] = buf.getvalue()
            seen.add(rid)
    missing = set(rows) - seen
    if missing:
        raise SystemExit(f"uptake_slopes.csv has no row {sorted(missing)}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = TABLE.read_text(encoding="utf-8")
    tables = load_tables()
    new = updated(text, {**geogenic_rice_rows(tables), **geogenic_maize_rows(tables)})
    if "--check" in argv:
        if new != text:
            print("uptake_slopes.csv differs from the computed karst/geogenic rows (rice, maize spread)", file=sys.stderr)
            return 1
        return 0
    if new != text:
        TABLE.write_text(new, encoding="utf-8")
        print(f"wrote {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
