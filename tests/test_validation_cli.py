"""``python -m agriremed.validation`` (documented in docs/architecture.md) parses its arguments: ``--help`` prints
the usage instead of being taken for the repository root (it used to read ``--help/tests/validation`` and write
``--help/docs/validation.md``)."""

import os
import subprocess
import sys
from pathlib import Path

from agriremed.apps.validation import main

SRC = Path(__file__).resolve().parents[1] / "src"


def test_help_prints_the_usage_and_writes_nothing(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    r = subprocess.run([sys.executable, "-m", "agriremed.validation", "--help"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: python -m agriremed.validation [-h] [root]")
    assert "tests/validation" in r.stdout and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_root_without_validation_cases_is_an_error_not_a_traceback(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "is not a folder: give the root of a source checkout" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
