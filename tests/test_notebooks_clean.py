"""Committed notebooks carry no outputs and use the python3 kernel (nbval runs them fresh)."""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tracked_notebooks():
    try:
        out = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = []
    found = sorted({str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").rglob("*.ipynb")
                    if ".ipynb_checkpoints" not in p.parts} | set(out))
    return found


NOTEBOOKS = _tracked_notebooks()


def test_there_are_notebooks():
    assert "notebooks/00_quickstart.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_is_stripped(path):
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path} cell {i} has outputs"
            assert cell.get("execution_count") is None, f"{path} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_cell_has_a_unique_id(path):
    # nbformat 4.5 cell ids: without them nbformat warns now and will refuse the file later
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    if (nb["nbformat"], nb["nbformat_minor"]) < (4, 5):
        return
    ids = [cell.get("id") for cell in nb["cells"]]
    assert all(ids), f"{path}: cells {[i for i, x in enumerate(ids) if not x]} have no id"
    assert len(set(ids)) == len(ids), f"{path}: repeated cell ids"
