"""Write environment.yml (the conda route) from pyproject.toml and constraints.txt.

Every requirement of ``[project] dependencies`` and of every extra in
``[project.optional-dependencies]`` (dask included) becomes a conda-forge package pinned to the
tested version in constraints.txt, grouped by extra; agriremed itself is installed with pip
(``-e .``). A requirement without a pin in constraints.txt is an error.

    python scripts/environment_yml.py           rewrite environment.yml
    python scripts/environment_yml.py --check   exit 1 (with a diff) when environment.yml is stale

``tests/test_environment.py`` fails when environment.yml and pyproject.toml diverge.
"""

from __future__ import annotations

import difflib
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: PyPI requirement name (lower case, extras stripped) -> conda-forge package(s) when they differ.
CONDA_NAMES = {
    "dask": ["dask"],  # conda-forge's dask carries the dataframe extra (dask-core is the bare one)
    "mkdocstrings": ["mkdocstrings", "mkdocstrings-python"],  # mkdocstrings[python]
    "salib": ["salib"],  # conda-forge spells it in lower case
}
#: Pinned packages that are not direct requirements but must move with one (see constraints.txt).
COMPANIONS = {
    "ipywidgets": ["widgetsnbextension"],
    "pvlib": ["h5py"],
}

HEADER = """\
# conda route (generated from pyproject.toml and the tested pins in constraints.txt by
# scripts/environment_yml.py; do not edit by hand, tests/test_environment.py checks it):
#   conda env create -f environment.yml && conda activate agriremed
# The README commands use the pip route (bash run.sh …), which needs no conda.
name: agriremed
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python=3.11
  - pip
"""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(requirement: str) -> str:
    """Distribution name of a requirement string (``"dask[dataframe]>=2024.1"`` -> ``"dask"``)."""
    return re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1)


def read_pins(path: Path = ROOT / "constraints.txt") -> dict[str, tuple[str, str]]:
    """Pinned versions: normalised name -> (name as written, version)."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = (s.strip() for s in line.split("==", 1))
            pins[_norm(name)] = (name, version)
    return pins


def groups(pyproject: Path = ROOT / "pyproject.toml") -> list[tuple[str, list[str]]]:
    """(group, requirement names): ``runtime`` then every extra in pyproject order, ``all`` skipped."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    out = [("runtime", [_name(r) for r in project["dependencies"]])]
    for extra, reqs in project.get("optional-dependencies", {}).items():
        names = [_name(r) for r in reqs if _norm(_name(r)) != "agriremed"]
        if names:
            out.append((extra, names))
    return out


def render(pyproject: Path = ROOT / "pyproject.toml", constraints: Path = ROOT / "constraints.txt") -> str:
    """The text environment.yml must have."""
    pins = read_pins(constraints)
    lines, seen, missing = [HEADER.rstrip("\n")], set(), []
    for group, names in groups(pyproject):
        lines.append(f"  # {group}" if group == "runtime" else f"  # extra: {group}")
        for name in names:
            for pkg in [*CONDA_NAMES.get(_norm(name), [name]), *COMPANIONS.get(_norm(name), [])]:
                key = _norm(pkg)
                if key in seen:
                    continue
                seen.add(key)
                if key not in pins:
                    missing.append(pkg)
                    continue
                lines.append(f"  - {pkg}={pins[key][1]}")
    if missing:
        raise ValueError(f"no pinned version in constraints.txt for: {', '.join(missing)}")
    lines += ["  - pip:", "      - -e ."]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    path = ROOT / "environment.yml"
    want = render()
    if "--check" in argv:
        have = path.read_text(encoding="utf-8") if path.exists() else ""
        if have == want:
            return 0
        sys.stdout.writelines(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                                   "environment.yml", "expected"))
        print("environment.yml is stale: run python scripts/environment_yml.py", file=sys.stderr)
        return 1
    path.write_text(want, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
