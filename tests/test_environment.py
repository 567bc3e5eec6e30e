"""environment.yml (the conda route) matches pyproject.toml and the pins in constraints.txt."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location("environment_yml", ROOT / "scripts" / "environment_yml.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


env = _load()


def _conda_pins(text):
    return dict(re.findall(r"^  - ([A-Za-z0-9._-]+)=([^\s=]+)$", text, flags=re.M))


def test_environment_yml_is_current():
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == env.render(), \
        "environment.yml and pyproject.toml diverge: run python scripts/environment_yml.py"


def test_every_extra_is_in_environment_yml_at_its_pin():
    pins = _conda_pins((ROOT / "environment.yml").read_text(encoding="utf-8"))
    constraints = env.read_pins()
    for group, names in env.groups():
        for name in names:
            conda = env.CONDA_NAMES.get(env._norm(name), [name])[0]
            assert pins.get(conda) == constraints[env._norm(name)][1], (group, name)
    # the dask extra, spelled out
    assert pins["dask"] == "2026.8.0" and pins["distributed"] == "2026.8.0"
    assert pins["python"] == "3.11"


def test_divergence_is_detected(tmp_path):
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    # a new extra with a pinned package appears in the rendered file under its own heading
    (tmp_path / "pyproject.toml").write_text(
        pyproject.replace('pdf = ["reportlab>=4.2"]', 'pdf = ["reportlab>=4.2"]\nextra9 = ["toolz>=0.12"]'),
        encoding="utf-8")
    (tmp_path / "constraints.txt").write_text(constraints, encoding="utf-8")
    text = env.render(tmp_path / "pyproject.toml", tmp_path / "constraints.txt")
    assert "  # extra: extra9\n  - toolz=1.2.0\n" in text
    assert text != (ROOT / "environment.yml").read_text(encoding="utf-8")
    # a requirement without a tested pin is an error, not a silently unpinned package
    (tmp_path / "pyproject.toml").write_text(pyproject.replace('"pint>=0.24",', '"pint>=0.24", "notpinned>=1",'),
                                             encoding="utf-8")
    with pytest.raises(ValueError, match="notpinned"):
        env.render(tmp_path / "pyproject.toml", tmp_path / "constraints.txt")
