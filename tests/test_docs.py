"""Generated reference pages are up to date with the registry and tables."""

from pathlib import Path

from agriremed.apps.docs import columns_markdown, sources_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_columns_page_is_current():
    assert (ROOT / "docs" / "columns.md").read_text(encoding="utf-8") == columns_markdown(), \
        "run: python -m agriremed.docs"


def test_sources_page_is_current():
    assert (ROOT / "docs" / "sources.md").read_text(encoding="utf-8") == sources_markdown(), \
        "run: python -m agriremed.docs"
