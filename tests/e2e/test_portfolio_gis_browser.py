"""The portfolio dashboard in Chromium with a GIS upload: the parcel map and its read notes.

The sample GeoPackage (``data/samples/parcels.gpkg``) is uploaded as an officer would; the
map must show one outline and one marker trace per soil class the planner finds (computed
in this process by the same dashboard class, without a browser), with the translated title
and read notes after switching to 中文. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from agriremed.io import geo, viz
from agriremed.core import i18n, messages
from agriremed.stages.soil import CLASS_NAMES

pytest.importorskip("geopandas")

ROOT = Path(__file__).resolve().parents[2]
PARCELS = ROOT / "data" / "samples" / "parcels.gpkg"
LOAD = 180_000  # Voila starts a kernel and runs the notebook, then widgets render [ms]
expect.set_options(timeout=60_000)


@pytest.fixture(scope="module")
def offline_portfolio():
    """The dashboard loaded with the parcels in this process (the numbers the page must show)."""
    from agriremed.apps.dashboards import Portfolio

    p = Portfolio(background=False)
    p.load(PARCELS)
    return p


def test_uploaded_geopackage_is_drawn_as_a_parcel_map(watched, voila_url, shoot, offline_portfolio):
    page = watched
    page.goto(f"{voila_url}/voila/render/03_portfolio.ipynb", timeout=LOAD)
    expect(page.locator(".agriremed").first).to_be_visible(timeout=LOAD)
    with page.expect_file_chooser() as chooser:
        page.locator(".ar-upload").click()
    chooser.value.set_files(str(PARCELS))

    p = offline_portfolio
    classes = [c for c in viz.SOIL_CLASS_COLOURS if c in set(p.result.summary["soil_class"])]
    assert len(p.geometry) == 16 and classes
    fig = p.map_fig.figure
    n_traces = len(fig.data)
    assert n_traces == 2 * len(classes)  # per class: filled outlines + hover markers

    plot = page.locator(".ar-fig-map .js-plotly-plot")
    expect(plot).to_be_visible()
    expect(page.locator(".ar-fig-map .gtitle")).to_have_text("Plots by soil class")
    expect(page.locator(".ar-fig-map .scatterlayer .trace")).to_have_count(n_traces)
    expect(page.locator(".ar-fig-map .legend .traces")).to_have_count(len(classes))
    legend = page.locator(".ar-fig-map .legend .traces .legendtext")
    expect(legend).to_have_text([CLASS_NAMES[c][0] for c in classes])
    # the outlines are drawn: one filled path per class
    expect(page.locator(".ar-fig-map .scatterlayer .trace path.js-fill")).to_have_count(len(classes))
    expect(page.locator("#summary-table tbody tr")).to_have_count(16)
    shoot(page, "06_portfolio_gis_map_en")

    page.get_by_role("button", name="中文").click()
    expect(page.locator(".ar-fig-map .gtitle")).to_have_text("地块分布（按土壤类别）")
    expect(legend).to_have_text([CLASS_NAMES[c][1] for c in classes])
    notes = page.locator("#read-notes li")
    layer_notes = geo.read_layer(PARCELS).notes
    expect(notes.first).to_be_visible()
    # the dashboard reads the upload under its own file name: compare what follows the name
    shown = [t.split("：", 1)[1] for t in notes.all_inner_texts() if "：" in t]
    for note in layer_notes:
        zh = messages.text_of(note, "zh")  # rendered from the note's message
        assert zh != note and zh.split("：", 1)[1] in shown, (note, shown)
    assert all(i18n.untranslated(t) == [] for t in shown), shown
    shoot(page, "06_portfolio_gis_map_zh")
