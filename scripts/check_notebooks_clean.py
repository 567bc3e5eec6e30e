"""Fail when a notebook carries outputs or execution counts (notebooks are committed without them).

    python scripts/check_notebooks_clean.py notebooks/*.ipynb

Prints one line per offending cell (file, cell number, what it carries) and exits 1; exits 0 when
every given notebook is clean. Used by the pre-commit hook; tests/test_notebooks_clean.py checks
the committed notebooks the same way in the test suite.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def problems(path: str | Path) -> list[str]:
    """What makes the notebook at ``path`` not clean (empty list: clean)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            out.append(f"{path}: cell {i} has outputs")
        if cell.get("execution_count") is not None:
            out.append(f"{path}: cell {i} has an execution count")
    return out


def main(paths: list[str]) -> int:
    found = [p for path in paths for p in problems(path)]
    for line in found:
        print(line)
    if found:
        print("clear the outputs before committing (Jupyter: Edit > Clear Outputs of All Cells, or nbstripout)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
