"""The offline bundle's contents and install steps (the walk itself: tests/e2e/test_bundle_walk.py)."""

from __future__ import annotations

import importlib.util
import os
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem + "_under_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bundle_carries_the_extras_an_officer_needs():
    """Dashboards, Excel, the one-page PDF sheets (reportlab), solar PV (pvlib) and GIS files
    (geopandas); not the test, dask or developer tools."""
    run = _load(ROOT / "run.py")
    extras = set(run.BUNDLE_EXTRAS.split(","))
    assert extras == {"notebooks", "xlsx", "pdf", "pv", "geo"}


def test_install_steps_use_only_the_wheelhouse():
    run = _load(ROOT / "run.py")
    walk = _load(ROOT / "scripts" / "bundle_walk.py")
    text = run.INSTALL.format(version="0.1.0", extras=run.BUNDLE_EXTRAS, python="3.11",
                              platform="Linux x86_64")
    steps = [shlex.split(s) for s in walk.linux_steps(text)]
    assert steps[0] == ["python3.11", "-m", "venv", "agriremed-env"]
    assert steps[1] == ["agriremed-env/bin/python", "-m", "pip", "install", "--no-index", "--find-links",
                        "wheelhouse", f"agriremed[{run.BUNDLE_EXTRAS}]"]
    assert steps[2] == ["agriremed-env/bin/agriremed", "dash"]
    assert "samples/plots.csv" in text


def test_walk_closes_every_network_route(monkeypatch):
    walk = _load(ROOT / "scripts" / "bundle_walk.py")
    monkeypatch.setenv("PIP_FIND_LINKS", "/somewhere/wheels")
    monkeypatch.setenv("PIP_INDEX_URL", "https://example.invalid/simple")
    env = walk.offline_env()
    assert "PIP_FIND_LINKS" not in env and "PIP_INDEX_URL" not in env
    assert env["PIP_CONFIG_FILE"] == os.devnull and env["PIP_NO_INDEX"] == "1"
    assert env["http_proxy"] == env["https_proxy"] == "http://127.0.0.1:9"
