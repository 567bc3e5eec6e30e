"""Golden cases from the literature (tests/validation/*.csv) agree within tolerance,
every case can fail, the coverage table lists every usable transfer function and economic
benchmark, and docs/validation.md shows the current agreement."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agriremed.core.tables import load_tables, split_keys
from agriremed.apps.validation import (CASE_FILES, COVERAGE_FILE, COVERAGE_STATUS, coverage,
                                       coverage_problems, run_cases, validation_markdown)

HERE = Path(__file__).parent / "validation"
ROOT = Path(__file__).resolve().parents[1]
RESULTS = run_cases(HERE)


@pytest.mark.parametrize("row", RESULTS.to_dict("records"), ids=[f"{r['file']}:{r['case']}"
                                                                  for r in RESULTS.to_dict("records")])
def test_case_agrees(row):
    assert row["ok"], (row["case"], row["model"], row["published"], row["tolerance"])


@pytest.mark.parametrize("perturb", [0.4, -0.4])
def test_every_case_fails_when_its_published_value_is_wrong(perturb):
    # every published value moved up and down by 40 %: larger than any tolerance plus the
    # model's offset in the suite, so a case that still passed could not detect an error
    moved = run_cases(HERE, perturb=perturb)
    assert not moved["ok"].any(), moved.loc[moved["ok"], ["file", "case"]]


def test_every_case_file_is_used_and_sourced():
    assert sorted(p.name for p in HERE.glob("*.csv")) == sorted([*CASE_FILES, COVERAGE_FILE])
    assert RESULTS["source"].str.len().gt(0).all()
    known = set(load_tables().sources["key"])
    assert {k for cell in RESULTS["source"] for k in split_keys(cell)} <= known
    assert len(RESULTS) >= 60


def test_coverage_lists_every_usable_function_and_is_consistent_with_the_cases():
    assert coverage_problems(HERE) == []
    cov = coverage(HERE, RESULTS)
    tf = load_tables().transfer_functions
    listed = set(cov.loc[cov["kind"] == "transfer_function", "item"])
    assert listed == set(tf.loc[tf["usable"], "function_id"])
    assert (cov["kind"] == "economic_benchmark").sum() >= 2


def _copy_cases(tmp_path):
    folder = tmp_path / "validation"
    shutil.copytree(HERE, folder)
    return folder


def test_coverage_check_finds_a_missing_function_and_a_wrong_status(tmp_path):
    folder = _copy_cases(tmp_path)
    cov = pd.read_csv(folder / COVERAGE_FILE, dtype=str)
    cov = cov[cov["item"] != "mcgrath2002_wheat_cd"]
    cov.loc[cov["item"] == "chen2021_wheat_cd_bcf", "status"] = "cases"
    cov.loc[cov["item"] == "devries2007_wheat_cd", "searched"] = ""
    cov.to_csv(folder / COVERAGE_FILE, index=False)
    problems = coverage_problems(folder)
    assert "usable transfer function 'mcgrath2002_wheat_cd' is not in coverage.csv" in problems
    assert "chen2021_wheat_cd_bcf: status 'cases' but no case in the case files" in problems
    assert "devries2007_wheat_cd: status 'no_published_prediction' must say what was searched" in problems


# hand-computed rows (not published values) that exercise the transfer-function runner:
# McGrath 2002 at soil Cd 1 mg/kg, pH 6: 10^(0.282 − 0.1834·6) = 10^(−0.8184); the inverse at
# that grain value gives back 1 mg/kg; Chen 2021 wheat BCF 0.155 at soil Cd 0.5 mg/kg: 0.0775.
_MCGRATH = 10 ** (0.282 - 0.1834 * 6)
_HAND_ROWS = pd.DataFrame({
    "case": ["uk_ph6", "uk_ph6_inverse", "wheat_bcf"],
    "function_id": ["mcgrath2002_wheat_cd", "mcgrath2002_wheat_cd", "chen2021_wheat_cd_bcf"],
    "kind": ["crop", "soil_at_target", "crop"],
    "ph": [6.0, 6.0, np.nan], "cd_mg_kg": [1.0, np.nan, 0.5],
    "target_mg_kg": [np.nan, _MCGRATH, np.nan],
    "published_mg_kg": [_MCGRATH, 1.0, 0.0775], "tolerance_rel": [0.01, 0.01, 0.01],
    "source": ["mcgrath2002_wheat", "mcgrath2002_wheat", "chen2021_bcf"], "note": ["", "", ""],
})


def _with_hand_rows(tmp_path):
    folder = _copy_cases(tmp_path)
    _HAND_ROWS.to_csv(folder / "transfer_functions.csv", index=False)
    cov = pd.read_csv(folder / COVERAGE_FILE, dtype=str)
    cov.loc[cov["item"].isin(_HAND_ROWS["function_id"]), "status"] = "cases"
    cov.to_csv(folder / COVERAGE_FILE, index=False)
    return folder


def test_transfer_function_runner_reproduces_hand_computed_values(tmp_path):
    folder = _with_hand_rows(tmp_path)
    r = run_cases(folder).query("file == 'transfer_functions.csv'").set_index("case")
    assert r.loc["uk_ph6", "model"] == pytest.approx(0.15192, abs=1e-5)
    assert r.loc["uk_ph6_inverse", "model"] == pytest.approx(1.0, rel=1e-9)
    assert r.loc["wheat_bcf", "model"] == pytest.approx(0.0775, rel=1e-12)
    assert r["ok"].all()
    assert list(r["quantity"]) == ["crop metal", "soil metal at the stated crop value", "crop metal"]
    assert not run_cases(folder, perturb=0.4).query("file == 'transfer_functions.csv'")["ok"].any()
    assert not run_cases(folder, perturb=-0.4).query("file == 'transfer_functions.csv'")["ok"].any()
    assert coverage_problems(folder) == []
    cov = coverage(folder).set_index("item")
    assert cov.loc["mcgrath2002_wheat_cd", ["n_cases", "n_ok"]].tolist() == [2, 2]
    page = validation_markdown(folder)
    assert "| `mcgrath2002_wheat_cd` | transfer function | validated by the cases below | 2 of 2 |" in page


def test_transfer_function_runner_rejects_unknown_functions_and_columns(tmp_path):
    folder = _with_hand_rows(tmp_path)
    bad = _HAND_ROWS.assign(function_id=["no_such_fn", "mcgrath2002_wheat_cd", "chen2021_rice_cd_bcf"])
    bad.to_csv(folder / "transfer_functions.csv", index=False)
    with pytest.raises(ValueError, match="unknown function_id"):
        run_cases(folder)
    _HAND_ROWS.assign(soil_cd=1.0).to_csv(folder / "transfer_functions.csv", index=False)
    with pytest.raises(ValueError, match="not input columns"):
        run_cases(folder)


def test_page_states_every_item_without_a_case():
    page = validation_markdown(HERE)
    cov = coverage(HERE, RESULTS)
    for r in cov.itertuples(index=False):
        line = next(x for x in page.splitlines() if x.startswith(f"| `{r.item}` |"))
        assert COVERAGE_STATUS[r.status] in line
        if r.status != "cases":
            assert f"searched: {r.searched}" in line


def test_validation_page_is_current():
    assert (ROOT / "docs" / "validation.md").read_text(encoding="utf-8") == validation_markdown(HERE), \
        "run: python -m agriremed.validation"


def test_readme_states_the_coverage():
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    n_with_cases = int((coverage(HERE, RESULTS)["n_cases"] > 0).sum())
    assert ("at present none has a published prediction" in readme) == (n_with_cases == 0), \
        "update the validation bullet of README.md"


def test_readme_skill_blocks_are_current():
    from agriremed.apps.validation import README_BLOCKS, readme_blocks, update_readme

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme_blocks(ROOT)
    assert sorted(blocks) == sorted(README_BLOCKS) and all(blocks.values())
    assert update_readme(text, blocks) == text, "run: python -m agriremed.validation"
    # the numbers of the rice table and the leafy bullet are those of docs/validation.md
    page = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert "| nanxun_zhejiang | check | 100 | 0.006 | 0.055 | +0.99 | 0.45 | 0.48 | 0.00 (from mean ± SD) | 0.12 |" \
        in page
    assert "  | Nanxun, Zhejiang (late japonica, never used to calibrate) | 100 | 0.006 | 0.055 | +0.99 | 0.00 / 0.12 |" \
        in blocks["rice"]
    assert "| 0.605 | 135 | -0.03 | 0.68 | 0.81 | 0.87 | 0.34 | 0.30 | 0.122 | 0.225 | 0.90 | 0.16 |" in page
    leafy = " ".join(x.strip() for x in blocks["leafy"])
    assert "bias −0.03 log10, RMSE 0.68 log10, Spearman ρ 0.81, AUC 0.90" in leafy
    assert "Brier 0.122 against 0.225" in leafy and "frequency is 0.16 (target ±0.15, not reached)" in leafy


def test_readme_skill_blocks_follow_the_tables_and_need_their_markers():
    from agriremed.apps.validation import readme_blocks, update_readme
    from agriremed.core.tables import load_tables

    t = load_tables()
    sv = t.uptake_surveys.copy()
    sv.loc[sv["survey_id"] == "nanxun_zhejiang", "crop_mean_mg_kg"] *= 2
    rice = readme_blocks(ROOT, t.replace(uptake_surveys=sv))["rice"]
    assert rice != readme_blocks(ROOT, t)["rice"]
    assert any(line.startswith("  | Nanxun, Zhejiang (late japonica, never used to calibrate) | 100 | 0.016 | 0.055 | +0.53 |")
               for line in rice)
    with pytest.raises(ValueError, match="skill:rice:start"):
        update_readme("no markers\n", {"rice": rice})
