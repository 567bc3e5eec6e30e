"""Shared fixtures: sample data paths, the packaged tables and a small plot builder."""

from __future__ import annotations

from pathlib import Path

import pytest

from agriremed.core.tables import load_tables

from plotdata import SAMPLES, make_plots


@pytest.fixture(scope="session")
def tables():
    return load_tables()


@pytest.fixture(scope="session")
def sample_plots_path() -> Path:
    return SAMPLES / "plots.csv"


@pytest.fixture
def plots_factory():
    return make_plots
