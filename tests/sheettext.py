"""Text of a plot sheet PDF, for the tests that read what a farmer is handed."""
import io

import pytest


def sheet_text(plan, plot_id, lang):
    """The text of plot ``plot_id``'s sheet in ``lang`` (dated 2026-12-07), lines joined; skips without
    pypdf or reportlab."""
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("reportlab")
    from agriremed.io.sheets import sheet_pdf

    pdf = pypdf.PdfReader(io.BytesIO(sheet_pdf(plan, plot_id, lang, date="2026-12-07")))
    return "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
