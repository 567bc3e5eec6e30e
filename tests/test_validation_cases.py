"""Golden cases from the literature (tests/validation/*.csv) agree within tolerance,
every case can fail, and docs/validation.md shows the current agreement."""

from pathlib import Path

import pytest

from agriremed.validation import CASE_FILES, run_cases, validation_markdown

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
    assert sorted(p.name for p in HERE.glob("*.csv")) == sorted(CASE_FILES)
    assert RESULTS["source"].str.len().gt(0).all()
    assert len(RESULTS) >= 60


def test_validation_page_is_current():
    assert (ROOT / "docs" / "validation.md").read_text(encoding="utf-8") == validation_markdown(HERE), \
        "run: python -m agriremed.validation"
