"""Synthetic plot tables: reproducible, valid, shaped like the samples."""

from pathlib import Path

import pandas as pd

import agriremed
from agriremed.io.synthetic import sample_plots, synthetic_plots

ROOT = Path(__file__).resolve().parents[1]


def test_packaged_samples_equal_the_repository_samples():
    assert sample_plots().equals(pd.read_csv(ROOT / "data" / "samples" / "plots.csv"))


def test_same_seed_same_table_other_seed_other_table():
    a, b, c = synthetic_plots(500, seed=4), synthetic_plots(500, seed=4), synthetic_plots(500, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert not a["cd_mg_kg"].equals(c["cd_mg_kg"])


def test_synthetic_plots_are_valid_and_varied():
    df = synthetic_plots(2000, seed=1)
    v = agriremed.validate_plots(df)
    assert v.ok and len(v.plots) == 2000
    assert set(df["land_use"]) == set(sample_plots()["land_use"])
    assert df["village"].nunique() > 50
    assert df["data_origin"].str.startswith("SYNTHETIC").all()
