"""Validation cases are either model cases or transcription checks, and every model case runs
agriremed's model code: with that code replaced by one returning NaN, each of its cases fails."""

import importlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agriremed.apps.validation import CASE_FILES, CASE_KINDS, MODEL_KERNELS, run_cases, validation_markdown

HERE = Path(__file__).parent / "validation"


def test_every_case_file_has_a_kind_and_model_files_name_their_kernels():
    assert set(CASE_KINDS) == set(CASE_FILES)
    assert set(CASE_KINDS.values()) == {"model", "transcription"}
    assert set(MODEL_KERNELS) == {f for f, k in CASE_KINDS.items() if k == "model"}
    for kernels in MODEL_KERNELS.values():
        for module, name in kernels:
            assert callable(getattr(importlib.import_module(module), name)), (module, name)
    r = run_cases(HERE)
    assert (r["kind"] == r["file"].map(CASE_KINDS)).all()
    assert r["ok"].all()


@pytest.mark.parametrize("fname", sorted(MODEL_KERNELS))
def test_each_model_case_fails_when_its_kernel_returns_nan(monkeypatch, tmp_path, fname):
    folder = HERE
    if pd.read_csv(HERE / fname).empty:
        # no published case yet (transfer functions): one hand-computed row exercises the runner,
        # McGrath 2002 wheat at soil Cd 1 mg/kg, pH 6: 10^(0.282 − 0.1834·6) = 0.1519 mg/kg
        folder = tmp_path / "validation"
        shutil.copytree(HERE, folder)
        pd.DataFrame({"case": ["uk_ph6"], "function_id": ["mcgrath2002_wheat_cd"], "kind": ["crop"],
                      "ph": [6.0], "cd_mg_kg": [1.0], "target_mg_kg": [np.nan],
                      "published_mg_kg": [10 ** (0.282 - 0.1834 * 6)], "tolerance_rel": [0.01],
                      "source": ["mcgrath2002_wheat"], "note": [""]}).to_csv(folder / fname, index=False)
        assert run_cases(folder).query("file == @fname")["ok"].all()
    for module, name in MODEL_KERNELS[fname]:
        mod = importlib.import_module(module)
        real = getattr(mod, name)
        if name == "removal_state":
            def fake(*a, _real=real, **k):
                out = _real(*a, **k)
                return {key: np.full_like(np.asarray(v, float), np.nan) for key, v in out.items()}
        else:
            def fake(*a, _real=real, **k):
                return np.full_like(np.asarray(_real(*a, **k), float), np.nan)
        monkeypatch.setattr(mod, name, fake)
    r = run_cases(folder)
    mine = r[r["file"] == fname]
    assert len(mine) > 0
    passing = list(mine.loc[mine["ok"], "case"])
    assert not passing, f"{fname}: cases pass without the model: {passing}"
    # the other files are untouched by this kernel (or also use it: then they are model cases too)
    others = r[(r["file"] != fname) & (r["kind"] == "transcription")]
    assert others["ok"].all()


def test_the_page_reports_model_cases_and_transcription_checks_apart():
    page = validation_markdown(HERE)
    r = run_cases(HERE)
    n_model = int((r["kind"] == "model").sum())
    n_tr = int((r["kind"] == "transcription").sum())
    assert f"- {n_model} of {n_model} model cases" in page
    assert f"- {n_tr} of {n_tr} transcription checks" in page
    assert "## `field_removal.csv` (model)" in page
    assert "## `food_limits.csv` (transcription)" in page
