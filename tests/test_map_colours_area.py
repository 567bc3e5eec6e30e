"""The parcel map: every class drawn in one map has its own colour, far enough from the others to
be told apart (do nothing and the As amendment were the same grey), and the hover gives the
plot's area in the run's area unit and language (亩 in a Chinese mu run)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")

from agriremed.core.tables import load_tables  # noqa: E402
from agriremed.io import viz  # noqa: E402


def _squares(n: int):
    return [shapely.box(500_000 - 50, 3_100_000 + 300 * i, 500_000 + 50, 3_100_100 + 300 * i) for i in range(n)]


def _map(options, colour_by="recommended_option", **kw):
    n = len(options)
    s = pd.DataFrame({"plot_id": [f"P{i}" for i in range(n)], "area_ha": [0.48] * n,
                      "region": ["湖南省/长沙市/浏阳市/七宝山乡"] * n,
                      "soil_class": ["safe_utilisation"] * n, "recommended_option": options})
    g = gpd.GeoSeries(_squares(n), index=s["plot_id"], crs="EPSG:4547")
    return viz.parcel_map(s, g, colour_by, **kw)


def _fill_colours(fig) -> list[str]:
    return [t.line.color for t in fig.data if t.fill == "toself"]


def test_colour_difference_of_the_old_greys_and_of_black_and_white():
    d = viz.colour_difference(["#7f7f7f", "#000000"], ["#888888", "#ffffff"])
    assert d[0, 0] == pytest.approx(3.51, abs=0.01)  # do nothing and the As amendment before
    assert d[1, 1] == pytest.approx(100.0, abs=0.01)  # L* 0 → 100


def test_do_nothing_and_the_as_amendment_have_distinct_colours():
    fig = _map(["do_nothing", "as_fe_si_amendment"])
    c = _fill_colours(fig)
    assert len(c) == 2 and viz.colour_difference(c[:1], c[1:])[0, 0] >= viz.MIN_COLOUR_DIFFERENCE


def test_every_option_of_the_library_in_one_map_has_a_distinct_colour():
    ids = list(load_tables().options["option_id"])
    fig = _map(ids + [None])  # and a plot no option applies to
    c = _fill_colours(fig)
    assert len(c) == len(ids) + 1 and len(set(c)) == len(c)
    d = viz.colour_difference(c, c) + np.eye(len(c)) * 1e9
    assert d.min() >= viz.MIN_COLOUR_DIFFERENCE
    # each library option keeps its own colour (the same as in the other figures)
    assert all(i in viz.OPTION_COLOURS for i in ids)
    names = {t.legendgroup: t.line.color for t in fig.data if t.fill == "toself"}
    assert all(names[i] == viz.OPTION_COLOURS[i] for i in ids)


def test_a_class_without_a_colour_or_too_close_gets_a_spare_one():
    got = viz.distinct_colours(["a", "b", "c"], {"a": "#7f7f7f", "b": "#888888"})
    assert got["a"] == "#7f7f7f" and got["b"] != "#888888" and got["c"] in viz.SPARE_COLOURS
    c = list(got.values())
    assert (viz.colour_difference(c, c) + np.eye(3) * 1e9).min() >= viz.MIN_COLOUR_DIFFERENCE


@pytest.mark.parametrize("lang, unit, want", [
    ("zh", "mu", "7.2 亩（0.48 公顷）"), ("en", "mu", "7.2 mu (0.48 ha)"),
    ("zh", "ha", "0.48 公顷"), ("en", "ha", "0.48 ha")])
def test_hover_area_in_the_run_unit_and_language(lang, unit, want):
    fig = _map(["do_nothing", "fallow"], lang=lang, units=unit)
    marks = [t for t in fig.data if t.mode == "markers"]
    assert [t.customdata[0][2] for t in marks] == [want, want]
    assert all(t.hovertemplate.endswith("%{customdata[2]}<extra></extra>") for t in marks)
    assert all(" ha<" not in t.hovertemplate for t in marks)


def test_hover_area_default_unit_from_the_region():
    """Without units: a plot in China is stated in mu, as in the plan's defaults."""
    fig = _map(["fallow"], lang="zh")
    assert fig.data[-1].customdata[0][2] == "7.2 亩（0.48 公顷）"


def test_report_map_of_a_chinese_geopackage_says_mu(tmp_path):
    """The report's map of a GeoPackage plan in Chinese gives the hover area in 亩."""
    pyogrio = pytest.importorskip("pyogrio")
    from agriremed.apps.cli import main

    attrs = pd.DataFrame({"地块编码": ["LY-1", "LY-2"], "县": ["浏阳市"] * 2, "乡镇": ["七宝山乡"] * 2,
                          "地类名称": ["水田", "水田"], "种植作物": ["水稻", "水稻"], "土壤pH": [5.2, 6.9],
                          "镉": [0.88, 0.55]})
    p = Path(tmp_path) / "p.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame(attrs, geometry=_squares(2), crs="EPSG:4547"), p)
    out = Path(tmp_path) / "out"
    assert main(["plan", str(p), "--out", str(out), "--draws", "0", "--lang", "zh", "--quiet", "--no-xlsx"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    # 100 m × 100 m = 1 ha = 15 亩; plotly writes non-ASCII text as \uXXXX escapes
    assert html.count(json.dumps("15.0 亩（1.00 公顷）")[1:-1]) == 4  # 2 plots × 2 maps
    assert "customdata[2]:.3g} ha" not in html
