"""The documentation site covers the public modules and CI builds it strictly (warnings are errors)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ["agriremed", "agriremed.stages.uptake", "agriremed.stages.soil", "agriremed.stages.duration", "agriremed.stages.biomass",
          "agriremed.stages.energy", "agriremed.stages.carbon", "agriremed.stages.economics", "agriremed.stages.ranking",
          "agriremed.stages.options", "agriremed.stages.solar", "agriremed.stages.softreuse", "agriremed.io.geo", "agriremed.engine.plan",
          "agriremed.core.scenario", "agriremed.core.tables"]


def _nav_files(nav):
    for item in nav:
        for value in item.values():
            yield from (_nav_files(value) if isinstance(value, list) else [value])


def test_every_public_module_has_an_api_page_in_the_nav():
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = list(_nav_files(cfg["nav"]))
    documented = {}
    for page in pages:
        assert (ROOT / "docs" / page).is_file(), page
        for mod in re.findall(r"^::: (\S+)$", (ROOT / "docs" / page).read_text(encoding="utf-8"), flags=re.M):
            documented[mod] = page
    assert set(PUBLIC) <= set(documented), sorted(set(PUBLIC) - set(documented))
    for page in ["architecture.md", "sources.md", "validation.md", "columns.md", "notebooks.md"]:
        assert page in pages
    assert cfg["strict"] is True
    handler = cfg["plugins"][2]["mkdocstrings"]["handlers"]["python"]
    assert handler["options"]["docstring_style"] == "numpy"


def test_notebooks_page_links_every_notebook():
    text = (ROOT / "docs" / "notebooks.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(notebooks/([^)]+\.ipynb)\)", text))
    assert linked == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}


def test_ci_runs_ruff_and_a_strict_docs_build_before_the_tests():
    lines = [ln for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    assert lines[0] == "set -euo pipefail"
    ruff = next(i for i, ln in enumerate(lines) if ln.startswith(".venv/bin/ruff check src tests"))
    docs = next(i for i, ln in enumerate(lines) if ".venv/bin/mkdocs build --strict" in ln)
    assert "--quiet" not in lines[docs] and " -q" not in lines[docs]  # quiet hides the warnings strict counts
    assert ruff < docs < lines.index("bash run.sh test")
