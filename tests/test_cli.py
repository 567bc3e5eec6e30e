"""The command line: plan, screen, validate; exit codes; offline report."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

from agriremed.cli import main
from agriremed.tables import load_tables

BAD = Path(__file__).parent / "bad_inputs"


def test_validate_exit_codes(capsys, sample_plots_path):
    assert main(["validate", str(sample_plots_path)]) == 0
    assert main(["validate", str(BAD / "four_problems.csv")]) == 1
    out = capsys.readouterr().out
    for piece in ("column cd_mg_kg", "column ph: value '15'", "value 'abc'", "column plot_id"):
        assert piece in out
    assert "Traceback" not in out


def test_validate_missing_file_is_a_message_not_a_traceback(capsys, tmp_path):
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_plan_writes_outputs(tmp_path, sample_plots_path, capsys):
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path), "--draws", "50"]) == 0
    out = capsys.readouterr().out
    assert "16 plot(s) planned, 0 rejected" in out
    for f in ("plan.csv", "summary.csv", "report.html", "rejected.csv", "scenario.json"):
        assert (tmp_path / f).exists()
        assert f"wrote {tmp_path / f}" in out
    plan = pd.read_csv(tmp_path / "plan.csv", comment=None, skiprows=3, encoding="utf-8-sig")
    assert len(plan) == 16 * len(load_tables().options)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Plotly" in html and "HN-ZZ-01" in html
    # works offline: nothing is loaded from the network (plotly.js is inlined)
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)
    assert not re.search(r"<link[^>]+href=[\"']https?://", html)
    assert html.count("<script") >= 4


def test_plan_with_bad_rows_plans_the_rest(tmp_path, capsys):
    assert main(["plan", str(BAD / "four_problems.csv"), "--out", str(tmp_path), "--draws", "0"]) == 0
    out = capsys.readouterr().out
    assert "2 plot(s) planned, 4 rejected" in out
    rej = pd.read_csv(tmp_path / "rejected.csv", skiprows=3, encoding="utf-8-sig")
    assert rej["input_row"].tolist() == [1, 2, 3, 4]
    assert "Traceback" not in out


def test_screen_prints_and_writes(tmp_path, sample_plots_path, capsys):
    assert main(["screen", str(sample_plots_path), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "strict_control" in out and "HN-XT-02" in out
    classes = pd.read_csv(tmp_path / "soil_classes.csv", encoding="utf-8-sig")
    assert classes.set_index("plot_id").loc["HN-XT-02", "soil_class"] == "strict_control"


def test_module_entry_point(sample_plots_path):
    r = subprocess.run([sys.executable, "-m", "agriremed", "validate", str(sample_plots_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "16 valid" in r.stdout
