"""The command line: plan, screen, validate; exit codes; offline report."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

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
    assert "strict control" in out and "HN-XT-02" in out
    classes = pd.read_csv(tmp_path / "soil_classes.csv", encoding="utf-8-sig")
    assert classes.set_index("plot_id").loc["HN-XT-02", "soil_class"] == "strict_control"


def test_module_entry_point(sample_plots_path):
    r = subprocess.run([sys.executable, "-m", "agriremed", "validate", str(sample_plots_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "16 valid" in r.stdout


# ---- soil screening with a user set, fitting transfer functions, safe soil thresholds ----------
PAIRS = Path(__file__).resolve().parents[1] / "data" / "samples" / "soil_crop_pairs.csv"


def test_screen_prints_classes_in_both_languages_and_ratios(sample_plots_path, capsys):
    assert main(["screen", str(sample_plots_path)]) == 0
    out = capsys.readouterr().out
    assert "threshold set gb15618_2018" in out and "严格管控类" in out and "优先保护类" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("HN-XT-02"))
    assert "strict control" in line and "6.40*" in line   # Cd 1.92 / 0.3 = 6.4, above intervention 1.5
    assert "3 priority protection (优先保护类), 9 safe utilisation (安全利用类), 4 strict control" in out


def test_screen_with_a_user_set_and_an_unknown_set(tmp_path, sample_plots_path, capsys):
    (tmp_path / "soil_thresholds.csv").write_text(
        "set_id,kind,metal,land_uses,ph_above,ph_up_to,value_mg_kg,source\n"
        "demo_set,screening,cd,*,-inf,inf,1.0,mee2018_gb15618\n", encoding="utf-8")
    assert main(["screen", str(sample_plots_path), "--tables", str(tmp_path), "--set", "demo_set",
                 "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "threshold set demo_set" in out
    s = pd.read_csv(tmp_path / "o" / "soil_screening.csv", encoding="utf-8-sig")
    assert (s["threshold_set"] == "demo_set").all()
    assert s.loc[(s["plot_id"] == "HN-XT-02") & (s["metal"] == "cd"), "exceedance_ratio"].item() == 1.92
    assert main(["screen", str(sample_plots_path), "--set", "nope"]) == 2
    err = capsys.readouterr().err
    assert "threshold set 'nope' is not in soil_thresholds.csv; available: gb15618_2018" in err


def test_fit_uptake_writes_a_function_that_plan_uses(tmp_path, sample_plots_path, capsys):
    out_dir = tmp_path / "fit"
    assert main(["fit-uptake", str(PAIRS), "--crop", "rice", "--metal", "cd", "--out", str(out_dir),
                 "--terms", "log10(soil),ph", "--basis", "dw"]) == 0
    out = capsys.readouterr().out
    assert "coefficients (95 % CI):" in out and "cross-validation" in out and "loglog" in out
    fid = "user_rice_cd_soil_crop_pairs"
    tf = pd.read_csv(out_dir / "transfer_functions.csv")
    assert tf["function_id"].tolist() == [fid] and tf.loc[0, "plant_basis"] == "dw" and tf.loc[0, "n"] == 120
    coefs = pd.read_csv(out_dir / f"{fid}_coefficients.csv", encoding="utf-8-sig")
    assert coefs["model_term"].tolist() == ["const", "log10(soil)", "ph"]
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path / "plan"), "--tables", str(out_dir),
                 "--draws", "0", "--no-report", "--quiet"]) == 0
    up = pd.read_csv(tmp_path / "plan" / "crop_uptake.csv", skiprows=3, encoding="utf-8-sig")
    rice = up.loc[(up["crop"] == "rice") & up["assessed"]].set_index("plot_id")["function_id"]
    # the user's own function (priority 0) comes before the packaged provincial ones
    assert (rice == fid).all() and len(rice) == 9


def test_fit_uptake_leaves_bad_rows_out_and_lists_them(tmp_path, capsys):
    assert main(["fit-uptake", str(BAD / "pairs_four_problems.csv"), "--crop", "rice", "--out", str(tmp_path),
                 "--terms", "log10(soil),ph"]) == 0
    out = capsys.readouterr().out
    assert "12 rows read: 8 valid, 4 rejected" in out and "n = 8," in out
    for piece in ("row 2 (pair P02), column soil_cd_mg_kg: value '0,52' — decimal comma",
                  "row 3 (pair P03), column plant_cd_mg_kg: value '0' — zero or negative",
                  "row 4 (pair P04), column ph: value '15' — above the valid range",
                  "row 5 (pair P05), column plant_cd_mg_kg: value 'abc' — not a number"):
        assert piece in out
    assert "Traceback" not in out


def test_fit_uptake_bad_files_are_messages_not_tracebacks(tmp_path, capsys):
    assert main(["fit-uptake", str(BAD / "pairs_no_plant_column.csv"), "--crop", "rice",
                 "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "required column plant_cd_mg_kg is missing" in err and "Traceback" not in err
    assert main(["fit-uptake", str(tmp_path / "missing.csv"), "--crop", "rice", "--out", str(tmp_path)]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["fit-uptake", str(PAIRS), "--crop", "rice", "--out", str(tmp_path),
                 "--terms", "exp(soil)"]) == 1
    assert "not understood" in capsys.readouterr().err


def test_safe_soil_command(tmp_path, sample_plots_path, capsys):
    assert main(["safe-soil", str(sample_plots_path), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "probability 0.95" in out and "synth_rice_cd_ph_hunan" in out
    t = pd.read_csv(tmp_path / "safe_soil.csv", encoding="utf-8-sig").set_index("plot_id")
    # Hunan rice synthesis at pH 5.1, GB 2762 0.2 mg/kg, se 0.468:
    # 10^((log10(0.2) − 1.64485·0.468 − 0.6753 + 0.22975·5.1) / 0.4305)
    expected = 10 ** ((np.log10(0.2) - 1.6448536 * 0.468 - 0.6753 + 0.22975 * 5.1) / 0.4305)
    assert t.loc["HN-ZZ-01", "safe_soil_mg_kg"] == pytest.approx(expected, rel=1e-5)
    assert main(["safe-soil", str(sample_plots_path), "--standard", "CODEX", "--prob", "0.9"]) == 0
    assert main(["safe-soil", str(sample_plots_path), "--prob", "1.5"]) == 2
    assert "expected a probability" in capsys.readouterr().err


def test_plan_rule_set_switch_is_recorded_and_an_unknown_set_refused(tmp_path, sample_plots_path, capsys):
    import pandas as pd

    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path), "--draws", "0", "--rules", "none",
                 "--no-report"]) == 0
    s = pd.read_csv(tmp_path / "summary.csv", comment="#")
    assert set(s["rule_set"]) == {"none"} and set(s["policy_rule"]) == {"none_no_rules"}
    assert "policy rule" in capsys.readouterr().out
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path / "x"), "--draws", "0",
                 "--rules", "uk"]) == 2
    assert "unknown rule set 'uk'" in capsys.readouterr().err
