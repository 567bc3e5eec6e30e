"""GIS input and output (agriremed.io.geo): layers, CRS, encodings, areas, invalid geometry, regions, map."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")
pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")

from agriremed.io import geo, viz  # noqa: E402
from agriremed.apps.cli import main  # noqa: E402
from agriremed.io.readers import InputFileError, read_table  # noqa: E402
from agriremed.io.validate import validate_plots  # noqa: E402

# writing test shapefiles: GDAL cuts long field names and warns about a layer written without CRS
pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name",
                                        "ignore:'crs' was not provided")

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
PLOTS = SAMPLES / "plots.csv"

# GRS80 (the CGCS2000 ellipsoid to 0.1 mm in the semi-minor axis)
A, F = 6378137.0, 1 / 298.257222101
E2 = F * (2 - F)


def _attrs(n: int) -> pd.DataFrame:
    """n plots of the sample table (ids made unique), without lat/lon/area; only the columns whose
    names fit the 10 characters of a shapefile field."""
    s = pd.read_csv(PLOTS, dtype=str, keep_default_na=False).drop(columns=["lat", "lon", "area_ha"])
    s = s[[c for c in s.columns if len(c) <= 10]]
    s = pd.concat([s] * (n // len(s) + 1), ignore_index=True).iloc[:n].reset_index(drop=True)
    s["plot_id"] = [f"P{i:03d}" for i in range(n)]
    return s


def _squares_gk(n: int, side: float = 100.0, x0: float = 500_000.0, y0: float = 3_100_000.0):
    """n squares of ``side`` metres in a row along the central meridian of a 3-degree GK zone."""
    return [shapely.box(x0 - side / 2, y0 + 3 * side * i, x0 + side / 2, y0 + 3 * side * i + side)
            for i in range(n)]


def _write(path: Path, attrs: pd.DataFrame, geoms, crs, **kw) -> Path:
    gdf = gpd.GeoDataFrame(attrs, geometry=geoms, crs=crs)
    pyogrio.write_dataframe(gdf, path, **kw)
    return path


# ---------------------------------------------------------------------------- areas and CRS
@pytest.mark.parametrize("crs, x0", [("EPSG:4547", 500_000.0), ("EPSG:4526", 38_500_000.0)])
def test_area_of_a_square_on_the_central_meridian_of_a_gauss_kruger_zone(tmp_path, crs, x0):
    # 100 m x 100 m on the central meridian, where the GK scale factor is 1: 1.0000 ha
    p = _write(tmp_path / "sq.gpkg", _attrs(3), _squares_gk(3, x0=x0), crs)
    lay = geo.read_layer(p)
    area = lay.table["area_ha"].astype(float).to_numpy()
    np.testing.assert_allclose(area, 1.0, rtol=1e-3)
    # centroid latitude of y = 3 100 050 m on CM 114E (GK northing ≈ meridian arc): about 28.0 deg
    assert lay.table["lon"].astype(float).to_numpy() == pytest.approx(114.0, abs=1e-6)
    assert 27.9 < float(lay.table["lat"].iloc[0]) < 28.1
    assert any("equal-area" in n for n in lay.notes)


def test_area_of_a_degree_square_in_cgcs2000_matches_the_ellipsoid(tmp_path):
    # 0.01 deg x 0.01 deg at 28 deg N: area = M dphi * N cos(phi) dlambda (small-cell formula)
    lat, d = 28.0, 0.01
    phi = np.radians(lat + d / 2)
    w = 1 - E2 * np.sin(phi) ** 2
    m, nn = A * (1 - E2) / w ** 1.5, A / np.sqrt(w)
    hand_ha = m * np.radians(d) * nn * np.cos(phi) * np.radians(d) / 1e4   # ≈ 108.3 ha
    p = _write(tmp_path / "deg.geojson", _attrs(1), [shapely.box(113.0, lat, 113.0 + d, lat + d)],
               "EPSG:4490")
    got = float(geo.read_layer(p).table["area_ha"].iloc[0])
    assert got == pytest.approx(hand_ha, rel=1e-3)
    assert 100 < got < 115


def test_given_area_is_kept_and_a_mismatch_over_10_percent_is_listed(tmp_path):
    a = _attrs(2)
    a["面积(亩)"] = ["15", "30"]  # 15 mu = 1.0 ha (matches), 30 mu = 2.0 ha (geometry 1.0 ha)
    p = _write(tmp_path / "a.gpkg", a, _squares_gk(2), "EPSG:4547")
    lay = geo.read_layer(p)
    assert "area_ha" not in lay.table.columns
    assert lay.table["geometry_area_ha"].astype(float).to_numpy() == pytest.approx([1.0, 1.0], rel=1e-3)
    off = [n for n in lay.notes if "differs from their geometry" in n]
    assert len(off) == 1 and "1 feature(s)" in off[0] and "FID 2" in off[0]
    v = validate_plots(lay.table)
    assert v.plots["area_ha"].to_numpy() == pytest.approx([1.0, 2.0], rel=1e-3)


def test_a_sliver_polygon_is_planned_with_a_warning_on_its_row(tmp_path, capsys):
    # squares of 100 m, 1.4142 m (2 m², a sliver) and 20 m (400 m²: a field, above min_field_area_ha) on a GK meridian
    geoms = [shapely.box(500_000.0, 3_100_000.0 + 300 * i, 500_000.0 + side, 3_100_000.0 + 300 * i + side)
             for i, side in enumerate([100.0, 1.4142, 20.0])]
    p = _write(tmp_path / "sliver.gpkg", _attrs(3), geoms, "EPSG:4547")
    lay = geo.read_layer(p)
    assert lay.table["area_ha"].astype(float).to_numpy() == pytest.approx([1.0, 0.0002, 0.04], rel=1e-3)
    v = validate_plots(lay.table)
    assert v.plots["plot_id"].tolist() == ["P000", "P001", "P002"]  # all planned
    w = v.warnings.loc[v.warnings["column"] == "area_ha"]
    assert w["input_row"].tolist() == [2] and w["plot_id"].tolist() == ["P001"]
    assert w["problem"].iloc[0].startswith("smaller than a field: 2 m², below 50 m² (0.005 ha")
    assert main(["validate", str(p)]) == 0
    assert "column area_ha: value '0.000199996' — smaller than a field: 2 m²" in capsys.readouterr().out


def test_layer_without_crs_is_refused_unless_crs_is_given(tmp_path, capsys):
    p = _write(tmp_path / "nocrs.shp", _attrs(2), _squares_gk(2), None)
    assert not p.with_suffix(".prj").exists()
    with pytest.raises(InputFileError, match="no coordinate reference system.*--crs"):
        geo.read_layer(p)
    lay = geo.read_layer(p, crs="EPSG:4547")
    assert lay.crs.to_epsg() == 4547
    assert lay.table["area_ha"].astype(float).to_numpy() == pytest.approx([1.0, 1.0], rel=1e-3)
    with pytest.raises(InputFileError, match="only for layers without a CRS"):
        geo.read_layer(_write(tmp_path / "c.gpkg", _attrs(1), _squares_gk(1), "EPSG:4547"), crs="EPSG:4490")
    assert main(["validate", str(p)]) == 2
    assert "--crs" in capsys.readouterr().err
    assert main(["validate", str(p), "--crs", "EPSG:4547"]) == 0


def test_projected_metres_labelled_as_degrees_are_refused(tmp_path):
    p = _write(tmp_path / "wrong.gpkg", _attrs(1), _squares_gk(1), "EPSG:4490")
    with pytest.raises(InputFileError, match="look like projected metres"):
        geo.read_layer(p)


@pytest.mark.parametrize("x0, labelled, use, zone", [
    (38_395_919.0, "EPSG:4547", "EPSG:4526", 38),   # zone-prefixed eastings labelled without prefix
    (395_919.0, "EPSG:4526", "EPSG:4547", 38),      # eastings without prefix labelled with prefix 38
    (39_500_000.0, "EPSG:4548", "EPSG:4527", 39),   # zone 39 (CM 117E)
])
def test_gauss_kruger_zone_prefix_mix_up_is_refused_naming_the_crs_to_use(tmp_path, capsys, x0, labelled,
                                                                          use, zone):
    p = _write(tmp_path / "gk.gpkg", _attrs(2), _squares_gk(2, x0=x0), labelled)
    with pytest.raises(InputFileError, match=rf"\({labelled}\).*zone number {zone}.*CRS of such "
                                             rf"coordinates is {use};"):
        geo.read_layer(p)
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert use in err and "Traceback" not in err
    # the same coordinates without CRS given the wrong --crs: the same refusal
    q = _write(tmp_path / "gk.shp", _attrs(2), _squares_gk(2, x0=x0), None)
    with pytest.raises(InputFileError, match=f"CRS of such coordinates is {use}"):
        geo.read_layer(q, crs=labelled)
    assert main(["plan", str(q), "--crs", labelled, "--out", str(tmp_path / "o"), "--draws", "0"]) == 2
    assert use in capsys.readouterr().err
    # labelled right, it reads: 1 ha squares
    r = _write(tmp_path / "ok.gpkg", _attrs(2), _squares_gk(2, x0=x0), use)
    assert geo.read_layer(r).table["area_ha"].astype(float).to_numpy() == pytest.approx([1.0, 1.0], rel=2e-3)


def test_eastings_far_outside_a_gauss_kruger_zone_are_refused(tmp_path):
    p = _write(tmp_path / "far.gpkg", _attrs(1), _squares_gk(1, x0=3_500_000.0), "EPSG:4547")
    with pytest.raises(InputFileError, match="more than 1,000 km from the false easting 500,000 m"):
        geo.read_layer(p)


def test_several_layers_need_a_choice_and_the_error_lists_them(tmp_path, capsys):
    p = tmp_path / "two.gpkg"
    _write(p, _attrs(2), _squares_gk(2), "EPSG:4547", layer="parcels")
    _write(p, _attrs(1), _squares_gk(1), "EPSG:4547", layer="other", append=False)
    with pytest.raises(InputFileError, match="2 layers.*--layer.*parcels.*other"):
        geo.read_layer(p)
    assert len(geo.read_layer(p, layer="other").table) == 1
    assert len(read_table(p, sheet="parcels")[0]) == 2
    assert main(["validate", str(p)]) == 2
    assert "--layer" in capsys.readouterr().err
    assert main(["validate", str(p), "--layer", "parcels"]) == 0


# ---------------------------------------------------------------------------- encodings
def _zero_ldid(shp: Path) -> None:
    dbf = shp.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[29] = 0
    dbf.write_bytes(bytes(raw))


def test_gbk_shapefile_without_cpg_reads_correctly(tmp_path):
    a = _attrs(2)
    a["村名"] = ["株洲市渌口区", "湘潭县"]
    p = _write(tmp_path / "gbk.shp", a, _squares_gk(2), "EPSG:4547", encoding="GBK")
    p.with_suffix(".cpg").unlink(missing_ok=True)
    _zero_ldid(p)
    lay = geo.read_layer(p)
    assert list(lay.table["村名"]) == ["株洲市渌口区", "湘潭县"]
    assert any("GB18030" in n and ".cpg" in n for n in lay.notes)
    # with a .cpg naming GBK, GDAL decodes it
    p.with_suffix(".cpg").write_text("GBK")
    assert list(geo.read_layer(p).table["村名"]) == ["株洲市渌口区", "湘潭县"]


def test_undecidable_shapefile_encoding_is_refused_with_advice(tmp_path):
    a = _attrs(1)
    a["owner"] = ["Müller Hühnerhöfe Äcker"]
    p = _write(tmp_path / "latin.shp", a, _squares_gk(1), "EPSG:4547", encoding="cp1252")
    p.with_suffix(".cpg").unlink(missing_ok=True)
    _zero_ldid(p)
    with pytest.raises(InputFileError, match=r"\.cpg"):
        geo.read_layer(p)


# ---------------------------------------------------------------------------- invalid and empty
def test_invalid_and_empty_geometries_are_rejected_per_feature(tmp_path):
    geoms = _squares_gk(4)
    geoms[1] = shapely.Polygon([(500_000, 3_100_000), (500_100, 3_100_100), (500_100, 3_100_000),
                                (500_000, 3_100_100)])  # bow tie: self-intersection
    geoms[2] = None
    geoms.append(shapely.LineString([(500_000, 3_200_000), (500_100, 3_200_000)]))
    p = _write(tmp_path / "bad.gpkg", _attrs(5), geoms, "EPSG:4547")
    v = validate_plots(p)
    assert len(v.plots) + len(v.rejected) == 5
    assert list(v.plots["plot_id"]) == ["P000", "P003"]
    reasons = dict(zip(v.rejected["input_row"], v.rejected["reasons"], strict=True))
    assert "FID 2" in reasons[2] and "Self-intersection" in reasons[2]
    assert "FID 3" in reasons[3] and "empty geometry" in reasons[3]
    assert "LineString" in reasons[5]


# ---------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("name, crs", [("p.gpkg", "EPSG:4547"), ("p.shp", "EPSG:4526"),
                                       ("p.geojson", "EPSG:4490")])
def test_plan_round_trip_writes_plan_gpkg_in_the_original_crs(tmp_path, name, crs, capsys):
    a = _attrs(3)
    x0 = 38_500_000.0 if crs == "EPSG:4526" else 500_000.0
    geoms = _squares_gk(3, x0=x0)
    if crs == "EPSG:4490":
        geoms = list(gpd.GeoSeries(geoms, crs="EPSG:4547").to_crs(crs))
    src = _write(tmp_path / name, a, geoms, crs)
    out = tmp_path / "out"
    assert main(["plan", str(src), "--out", str(out), "--draws", "0", "--no-report", "--quiet"]) == 0
    plots = gpd.read_file(out / "plan.gpkg", layer="plots")
    assert plots.crs.equals(gpd.GeoSeries([], crs=crs).crs)
    assert sorted(plots["plot_id"]) == ["P000", "P001", "P002"]
    assert plots["area_ha"].to_numpy() == pytest.approx(1.0, rel=1e-3)
    back = plots.set_index("plot_id").geometry.to_crs("EPSG:4547").area.sort_index().to_numpy()
    assert back == pytest.approx(1.0e4, rel=1e-3)
    opts = gpd.read_file(out / "plan.gpkg", layer="plot_options")
    assert len(opts) == len(pd.read_csv(out / "plan.csv", encoding="utf-8-sig"))
    assert set(pyogrio.list_layers(out / "plan.gpkg")[:, 0]) == {"plots", "plot_options"}


def test_sample_parcels_plan_with_regions_and_map(tmp_path):
    out = tmp_path / "out"
    assert main(["plan", str(SAMPLES / "parcels.gpkg"), "--out", str(out), "--draws", "0",
                 "--regions", str(SAMPLES / "regions.gpkg"), "--quiet"]) == 0
    reg = pd.read_csv(out / "regions.csv", encoding="utf-8-sig")
    s = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    assert reg["plots"].sum() == len(s) == 16
    assert reg["area_ha"].sum() == pytest.approx(s["area_ha"].sum())
    # every sample plot lies in its own province's cell
    plots = gpd.read_file(out / "plan.gpkg", layer="plots")
    prov = plots["region"].str.split("/").str[0]
    assert (plots["gis_region"] == prov).all()
    hunan = reg.set_index("region").loc["Hunan"]
    assert hunan["plots"] == 5
    assert hunan["area_ha"] == pytest.approx(0.42 + 0.35 + 0.60 + 0.28 + 0.45, rel=1e-3)
    cls_cols = [c for c in reg.columns if c.startswith("area_") and c.endswith("_ha") and "rec_" not in c
                and c != "area_ha"]
    rec_cols = [c for c in reg.columns if c.startswith("area_rec_")]
    assert reg[cls_cols].sum(axis=1).to_numpy() == pytest.approx(reg["area_ha"].to_numpy())
    assert reg[rec_cols].sum(axis=1).to_numpy() == pytest.approx(reg["area_ha"].to_numpy())
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Plots by soil class" in html and "Plots by recommended option" in html
    assert '"fill":"toself"' in html and '"Hunan"' in html
    # offline: nothing is loaded from the network, no map tiles
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)
    assert not re.search(r"<link[^>]+href=[\"']https?://", html)


# ---------------------------------------------------------------------------- regions
def test_region_join_rule_on_shared_boundaries():
    # two regions sharing the edge x = 10; region "B" comes first in the layer
    regions = gpd.GeoDataFrame({"region": ["B", "A"], "region_order": [0, 1]},
                               geometry=[shapely.box(10, 0, 20, 10), shapely.box(0, 0, 10, 10)],
                               crs="EPSG:4547")
    plots = gpd.GeoSeries([
        shapely.Point(10, 5),              # on the shared edge: the first region (B)
        shapely.box(1, 1, 3, 3),           # inside A
        shapely.box(8, 1, 11, 3),          # straddles: representative point (x = 9.5) in A
        shapely.Point(30, 5),              # in no region
    ], crs="EPSG:4547")
    assert list(geo.assign_regions(plots, regions)) == ["B", "A", "A", geo.OUTSIDE]


def test_region_field_choice(tmp_path):
    p = _write(tmp_path / "r.gpkg", pd.DataFrame({"code": ["1"], "NAME": ["Zhuzhou"]}),
               [shapely.box(0, 0, 1, 1)], "EPSG:4490")
    assert list(geo.read_regions(p)["region"]) == ["Zhuzhou"]
    assert list(geo.read_regions(p, "code")["region"]) == ["1"]
    with pytest.raises(InputFileError, match="no field 'x'.*code, NAME"):
        geo.read_regions(p, "x")


# ---------------------------------------------------------------------------- map figure
def test_parcel_map_traces_and_colours():
    s = pd.DataFrame({"plot_id": ["a", "b", "c"], "area_ha": [1.0, 1.0, 1.0],
                      "soil_class": ["strict_control", "safe_utilisation", "strict_control"],
                      "recommended_option": ["fallow", "lime_rice", None]})
    g = gpd.GeoSeries(_squares_gk(3), index=["a", "b", "c"], crs="EPSG:4547")
    regions = gpd.GeoDataFrame({"region": ["R"]}, crs="EPSG:4547",
                               geometry=[shapely.box(499_000, 3_099_000, 501_000, 3_102_000)])
    fig = viz.parcel_map(s, g, "soil_class", regions)
    # 2 classes x (polygons + markers) + region outline + region labels; plain x/y traces (no
    # geo or map subplot, so no tiles and no network)
    assert len(fig.data) == 6 and {t.type for t in fig.data} == {"scatter"}
    fills = [t for t in fig.data if t.fill == "toself"]
    assert [t.line.color for t in fills] == ["#e6a700", "#d62728"]  # safe_utilisation, strict_control
    assert [len(t.x) for t in fig.data if t.mode == "markers"] == [1, 2]
    # each square drawn as a closed ring of 5 vertices, rings separated by a gap
    strict = fills[1]
    assert int(np.isnan(np.asarray(strict.x, float)).sum()) == 2 and len(strict.x) == 12
    fig2 = viz.parcel_map(s, g, "recommended_option")
    names = [t.name for t in fig2.data if t.showlegend is not False]
    assert len(fig2.data) == 6 and len(names) == 3
    # NO_OPTION_COLOUR: no option applies
    want = {viz.OPTION_COLOURS["fallow"], viz.OPTION_COLOURS["lime_rice"], viz.NO_OPTION_COLOUR}
    assert {t.line.color for t in fig2.data if t.fill == "toself"} == want
    # above the polygon limit: points only, one trace per class
    assert len(viz.parcel_map(s, g, "soil_class", polygon_limit=2).data) == 2


def test_missing_extra_is_a_clear_message(monkeypatch, tmp_path):
    import builtins

    real = builtins.__import__

    def no_pyogrio(name, *a, **k):
        if name == "pyogrio":
            raise ImportError("no", name="pyogrio")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_pyogrio)
    with pytest.raises(geo.GeoExtraMissing, match=r"agriremed\[geo\]"):
        geo.read_layer(tmp_path / "x.gpkg")


def test_portfolio_dashboard_maps_an_uploaded_geopackage():
    from agriremed.apps.dashboards import Portfolio
    from agriremed.apps.dashboards.portfolio import ACCEPT

    assert ".gpkg" in ACCEPT.split(",")
    p = Portfolio(background=False)
    p.load(SAMPLES / "parcels.gpkg")
    assert len(p.result.plots) == 16 and len(p.geometry) == 16
    fig = p.map_fig.figure
    classes = set(p.result.summary["soil_class"])
    assert len([t for t in fig.data if t.fill == "toself"]) == len(classes)
    want = {viz.SOIL_CLASS_COLOURS[c] for c in classes}
    assert {t.line.color for t in fig.data if t.fill == "toself"} == want
    p.colour_by.value = "recommended_option"
    opts = set(p.result.summary["recommended_option"].dropna())
    assert len([t for t in p.map_fig.figure.data if t.fill == "toself"]) == len(opts)


def test_chunked_plan_writes_plan_gpkg_and_regions_by_plot_id(tmp_path, capsys):
    geoms = _squares_gk(5)
    geoms[3] = shapely.Polygon()  # empty: rejected, the others keep their own geometry
    src = _write(tmp_path / "p.gpkg", _attrs(5), geoms, "EPSG:4547")
    # two regions split at y = 3 100 450: rows 0-1 south, rows 2-4 north
    reg = _write(tmp_path / "r.gpkg", pd.DataFrame({"名称": ["北", "南"]}),
                 [shapely.box(499_000, 3_100_450, 501_000, 3_200_000),
                  shapely.box(499_000, 3_000_000, 501_000, 3_100_450)], "EPSG:4547")
    out = tmp_path / "out"
    assert main(["plan", str(src), "--out", str(out), "--draws", "0", "--chunk-size", "2", "--format", "gpkg",
                 "--regions", str(reg), "--quiet"]) == 0
    plots = gpd.read_file(out / "plan.gpkg", layer="plots").set_index("plot_id").sort_index()
    assert list(plots.index) == ["P000", "P001", "P002", "P004"]
    assert plots.crs.to_epsg() == 4547
    # each plot keeps its own square: centroid northing 3 100 050 + 300 i
    ys = plots.geometry.centroid.y.to_numpy()
    assert ys == pytest.approx([3_100_050, 3_100_350, 3_100_650, 3_101_250])
    rec = gpd.read_file(out / "plan.gpkg", layer="recommended")
    assert sorted(rec["plot_id"]) == list(plots.index)
    r = pd.read_csv(out / "regions.csv", encoding="utf-8-sig").set_index("region")
    assert r.loc["南", "plots"] == 2 and r.loc["北", "plots"] == 2
    assert r["area_ha"].to_numpy() == pytest.approx([2.0, 2.0], rel=1e-3)
    rejected = pd.read_csv(out / "rejected.csv", encoding="utf-8-sig")
    assert list(rejected["input_row"]) == [4] and "empty geometry" in rejected["reasons"].iloc[0]


def test_gpkg_format_and_regions_need_a_gis_input(capsys, tmp_path):
    assert main(["plan", str(PLOTS), "--out", str(tmp_path), "--format", "gpkg"]) == 2
    assert main(["plan", str(PLOTS), "--out", str(tmp_path), "--regions", str(SAMPLES / "regions.gpkg")]) == 2
    err = capsys.readouterr().err
    assert "--format gpkg needs a GIS input" in err and "--regions needs a GIS input" in err


def test_zipped_shapefile_is_read_as_its_layer(tmp_path):
    import zipfile

    shp = _write(tmp_path / "parcels.shp", _attrs(2), _squares_gk(2), "EPSG:4547")
    z = tmp_path / "upload.zip"
    with zipfile.ZipFile(z, "w") as f:
        for part in tmp_path.glob("parcels.*"):
            f.write(part, part.name)
    table, notes = read_table(z)
    assert list(table["plot_id"]) == ["P000", "P001"]
    assert table["area_ha"].astype(float).to_numpy() == pytest.approx([1.0, 1.0], rel=1e-3)
    assert shp.exists()


def test_shapefile_field_names_cut_to_ten_characters_are_named(tmp_path):
    a = _attrs(1)
    a["bulk_density_g_cm3"] = ["1.2"]
    p = _write(tmp_path / "cut.shp", a, _squares_gk(1), "EPSG:4547")
    notes = [n for n in geo.read_layer(p).notes if "cut to the 10 characters" in n]
    assert len(notes) == 1 and "'bulk_densi'" in notes[0] and "bulk_density_g_cm3" in notes[0]


@pytest.mark.filterwarnings("ignore:Could not decode error message")
def test_utf8_shapefile_with_chinese_field_names_cut_mid_character_is_read(tmp_path):
    # GDAL writes UTF-8 field names cut to 10 bytes: 图斑编号 → 图斑编 + one byte of 号
    attrs = pd.DataFrame({"图斑编号": ["P1", "P2"], "土地利用类型": ["水田", "其他园地"], "种植作物": ["中稻", "柑橘"],
                          "pH": ["5.5", "6.0"], "土壤镉含量(mg/kg)": ["0.45", "0.30"], "面积(亩)": ["15", "15"]})
    p = _write(tmp_path / "u.shp", attrs, _squares_gk(2), "EPSG:4547", encoding="UTF-8")
    import pyogrio as po

    with pytest.raises(UnicodeDecodeError):                      # GDAL/pyogrio alone cannot read it
        po.read_dataframe(p)
    lay = geo.read_layer(p)
    assert list(lay.table.columns[:6]) == ["图斑编号", "土地利用", "种植作物", "pH", "土壤镉", "面积(亩)"]
    assert lay.table["种植作物"].tolist() == ["中稻", "柑橘"] and lay.table["土地利用"].tolist() == ["水田", "其他园地"]
    note = next(str(n) for n in lay.notes if "10-byte limit" in str(n))
    assert "'图斑编' read as '图斑编号'" in note and "'土壤镉' read as it stands" in note
    assert "'面积(亩' read as '面积(亩)'" in note
    v = validate_plots(p)
    assert v.ok and v.plots["land_use"].tolist() == ["paddy", "orchard"]
    assert v.plots["crop"].tolist() == ["rice", "citrus"]
    assert v.plots["area_ha"].to_numpy(float) == pytest.approx([1.0, 1.0])


def test_blank_or_zero_area_attribute_takes_the_polygon_area_with_a_note(tmp_path):
    attrs = _attrs(3)
    attrs["面积(亩)"] = ["15", "", "0"]
    lay = geo.read_layer(_write(tmp_path / "a.gpkg", attrs, _squares_gk(3), "EPSG:4547"))
    mu = lay.table["面积(亩)"].astype(float).to_numpy()
    assert mu[0] == 15 and mu[1:] == pytest.approx([15.0, 15.0], rel=2e-3)      # 1 ha squares = 15 mu
    note = next(str(n) for n in lay.notes if "take the area of their polygon" in str(n))
    assert "2 feature(s)" in note and "FID 2, FID 3" in note
    v = validate_plots(_write(tmp_path / "b.gpkg", attrs, _squares_gk(3), "EPSG:4547"))
    assert v.ok and v.plots["area_ha"].to_numpy(float) == pytest.approx([1.0, 1.0, 1.0], rel=2e-3)


def test_sample_regions_are_labelled_illustrative_in_the_layer_the_note_and_the_map(tmp_path, capsys):
    import json

    info = pyogrio.read_info(SAMPLES / "regions.gpkg", layer="provinces")["layer_metadata"]
    assert info["IDENTIFIER"].startswith("illustrative regions, not official boundaries")
    assert "NOT the administrative boundaries" in info["DESCRIPTION"] and "并非各省的行政边界" in info["DESCRIPTION"]
    reg = geo.read_regions(SAMPLES / "regions.gpkg")
    assert reg.attrs["title"] == info["IDENTIFIER"] and reg.attrs["description"] == info["DESCRIPTION"]
    out = tmp_path / "out"
    assert main(["plan", str(SAMPLES / "parcels.gpkg"), "--out", str(out), "--draws", "0", "--no-xlsx",
                 "--regions", str(SAMPLES / "regions.gpkg")]) == 0
    assert "note: regions.gpkg: ILLUSTRATIVE polygons made up for trying --regions" in capsys.readouterr().out
    html = (out / "report.html").read_text(encoding="utf-8")
    # the map legend names the outlines by the layer's title, in the report's JSON (non-ASCII escaped)
    assert json.dumps("illustrative regions, not official boundaries")[1:-1] in html
    # a regions layer without a title keeps the plain legend name
    plain = tmp_path / "r.gpkg"
    gpd.read_file(SAMPLES / "regions.gpkg").to_file(plain, layer="r", driver="GPKG")
    r = geo.read_regions(plain)
    assert r.attrs == {"title": "", "description": ""}
    s = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    g = geo.geometry_by_id(geo.read_layer(SAMPLES / "parcels.gpkg"))
    fig = viz.parcel_map(s, g, "soil_class", r)
    assert [t.name for t in fig.data if t.mode == "lines" and t.fill != "toself"] == ["regions"]
