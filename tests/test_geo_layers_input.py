"""GIS layers as counties send them: zipped GBK shapefiles, layers without a plot id, field names cut to
10 characters, chunked runs, layers without a region, ids in real fields, swapped axes."""

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")
pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")

from agriremed.apps.cli import main  # noqa: E402
from agriremed.io import geo  # noqa: E402
from agriremed.io.validate import validate_plots  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name",
                                        "ignore:'crs' was not provided")

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
X0, Y0 = 416_000.0, 3_065_000.0  # CGCS2000 / 3-degree GK CM 114E (EPSG:4547): Zhuzhou, Hunan


def _boxes(n: int) -> list:
    return [shapely.box(X0 + 200 * i, Y0, X0 + 200 * i + 100, Y0 + 60) for i in range(n)]  # 0.6 ha each


def _parcels(n: int = 2, **cols) -> pd.DataFrame:
    d = {"地块编码": [f"LK-{i + 1:03d}" for i in range(n)], "地区": ["湖南省株洲市渌口区"] * n, "地类": ["水田"] * n,
         "作物": ["水稻"] * n, "pH值": ["5.3"] * n, "镉": ["0.6"] * n}
    d.update(cols)
    return pd.DataFrame({k: v for k, v in d.items() if v is not None})


def _zip(z: Path, parts) -> Path:
    with zipfile.ZipFile(z, "w") as f:
        for part in parts:
            f.write(part, part.name)
    return z


# ---------------------------------------------------------------------------- D1: zipped GBK shapefile
def test_zipped_gbk_shapefile_without_cpg_is_decoded_as_the_unzipped_one(tmp_path, capsys):
    a = _parcels(2, 村名=["南洲镇罗家村", "渌口镇"])
    shp = tmp_path / "gbk.shp"
    pyogrio.write_dataframe(gpd.GeoDataFrame(a, geometry=_boxes(2), crs="EPSG:4547"), shp, encoding="GBK")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = shp.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[29] = 0  # no language driver either
    dbf.write_bytes(bytes(raw))
    z = _zip(tmp_path / "county.zip", sorted(tmp_path.glob("gbk.*")))
    lay = geo.read_layer(z)
    assert list(lay.table.columns[:7]) == ["地块编码", "地区", "地类", "作物", "pH值", "镉", "村名"]
    assert lay.table["村名"].tolist() == ["南洲镇罗家村", "渌口镇"]
    assert any("GB18030" in n and ".cpg" in n for n in lay.notes)
    v = validate_plots(z)
    assert v.ok and v.plots["plot_id"].tolist() == ["LK-001", "LK-002"]
    out = tmp_path / "out"
    assert main(["plan", str(z), "--out", str(out), "--draws", "0", "--no-report", "--no-xlsx"]) == 0
    assert "2 plot(s) planned, 0 rejected" in capsys.readouterr().out


# ---------------------------------------------------------------------------- D2: no plot id field
@pytest.mark.parametrize("fmt", [[], ["--format", "gpkg"]])
def test_layer_without_plot_id_field_is_rejected_cleanly_not_a_traceback(tmp_path, capsys, fmt):
    p = tmp_path / "noid.gpkg"
    gpd.GeoDataFrame(_parcels(2).drop(columns="地块编码"), geometry=_boxes(2), crs="EPSG:4547").to_file(p)
    out = tmp_path / "out"
    assert main(["plan", str(p), "--out", str(out), "--draws", "0", *fmt]) == 1
    printed = capsys.readouterr().out
    assert "no plot could be planned: 2 row(s) rejected" in printed
    assert "required column plot_id is missing" in printed
    rejected = pd.read_csv(out / "rejected.csv", encoding="utf-8-sig")
    assert list(rejected["input_row"]) == [1, 2]
    assert all("required column plot_id is missing" in r for r in rejected["reasons"])
    layer = gpd.read_file(out / "plan.gpkg", layer="rejected")
    assert list(layer["input_fid"]) == [1, 2] and layer.crs.to_epsg() == 4547


def test_dkbm_field_is_read_as_the_plot_id(tmp_path):
    a = _parcels(2).rename(columns={"地块编码": "DKBM"})
    a["DKBM"] = ["4302110010010100001", "4302110010010100002"]
    p = tmp_path / "k.shp"
    pyogrio.write_dataframe(gpd.GeoDataFrame(a, geometry=_boxes(2), crs="EPSG:4547"), p, encoding="UTF-8")
    v = validate_plots(p)
    assert v.ok and v.plots["plot_id"].tolist() == ["4302110010010100001", "4302110010010100002"]


# ---------------------------------------------------------------------------- D3: ASCII names cut to 10
def test_sample_parcels_exported_to_shapefile_read_as_the_geopackage(tmp_path):
    g = gpd.read_file(SAMPLES / "parcels.gpkg")
    shp = tmp_path / "export.shp"
    g.to_file(shp, encoding="UTF-8")  # as QGIS/GDAL export it: bulk_densi, cd_cacl2_m, annual_rai, mean_temp_
    assert {"bulk_densi", "cd_cacl2_m", "zn_cacl2_m", "annual_rai", "mean_temp_"} <= set(pyogrio.read_info(shp)["fields"])
    lay = geo.read_layer(shp)
    note = next(str(n) for n in lay.notes if "each read as the one column it begins" in str(n))
    assert "'cd_cacl2_m' read as 'cd_cacl2_mg_kg'" in note and "'bulk_densi' read as 'bulk_density_g_cm3'" in note
    assert "'mean_temp_' read as 'mean_temp_c'" in note and "'annual_rai' read as 'annual_rain_mm'" in note
    v, w = validate_plots(shp), validate_plots(SAMPLES / "parcels.gpkg")
    assert v.ok and len(v.plots) == len(w.plots) == 16
    for col in ("bulk_density_g_cm3", "cd_cacl2_mg_kg", "zn_cacl2_mg_kg", "annual_rain_mm", "mean_temp_c"):
        np.testing.assert_allclose(v.plots[col].to_numpy(float), w.plots[col].to_numpy(float), err_msg=col)
    assert v.plots["bulk_density_g_cm3"].iloc[0] == pytest.approx(float(g["bulk_density_g_cm3"].iloc[0]))


def test_a_cut_ascii_name_that_begins_several_columns_is_noted_not_guessed(tmp_path):
    a = _parcels(1)
    a["soil_class_county"] = ["安全利用类"]  # cut to soil_class: the computed class's own name as well
    p = tmp_path / "c.shp"
    pyogrio.write_dataframe(gpd.GeoDataFrame(a, geometry=_boxes(1), crs="EPSG:4547"), p, encoding="UTF-8")
    lay = geo.read_layer(p)
    assert "soil_class" in lay.table.columns
    note = next(str(n) for n in lay.notes if "begins several columns" in str(n))
    assert "'soil_class'" in note and "soil_class, soil_class_county" in note


# ---------------------------------------------------------------------------- D4: chunked rejected layer
def test_chunked_gpkg_run_writes_the_rejected_layer_as_the_in_memory_run(tmp_path):
    geoms = _boxes(5)
    geoms[3] = shapely.Polygon()  # empty: rejected
    p = tmp_path / "p.gpkg"
    gpd.GeoDataFrame(_parcels(5), geometry=geoms, crs="EPSG:4547").to_file(p)
    layers = {}
    for name, extra in (("whole", []), ("chunks", ["--chunk-size", "2", "--jobs", "1"])):
        out = tmp_path / name
        assert main(["plan", str(p), "--out", str(out), "--draws", "0", "--format", "gpkg", "--quiet", "--lang", "zh",
                     "--no-report", "--no-xlsx", *extra]) == 0
        layers[name] = gpd.read_file(out / "plan.gpkg", layer="rejected")
        assert len(gpd.read_file(out / "plan.gpkg", layer="plots")) == 4
    for r in layers.values():
        assert list(r["input_fid"]) == [4] and list(r["plot_id"]) == ["LK-004"] and r.crs.to_epsg() == 4547
        assert "空几何" in r["reasons"].iloc[0]
    assert layers["chunks"]["reasons"].tolist() == layers["whole"]["reasons"].tolist()


# ---------------------------------------------------------------------------- D5: no region
def test_layer_without_region_warns_on_the_console_where_it_lies_and_how_to_give_one(tmp_path, capsys):
    p = tmp_path / "parcels.gpkg"
    gpd.GeoDataFrame(_parcels(2).drop(columns="地区"), geometry=_boxes(2), crs="EPSG:4547").to_file(p)
    assert main(["plan", str(p), "--out", str(tmp_path / "a"), "--draws", "0", "--no-report", "--no-xlsx"]) == 0
    out = capsys.readouterr().out
    line = next(s for s in out.splitlines() if s.startswith("warning: parcels.gpkg: no region"))
    assert "centred at 27.6959° N, 113.1499° E" in line and "national uptake functions" in line
    assert "--region" in line and "add a region field" in line
    assert main(["plan", str(p), "--out", str(tmp_path / "b"), "--draws", "0", "--no-report", "--no-xlsx",
                 "--lang", "zh", "--chunk-size", "1", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "警告：parcels.gpkg：未给出地区" in out and "北纬27.6959°、东经113.1499°" in out
    assert main(["plan", str(p), "--out", str(tmp_path / "c"), "--draws", "0", "--no-report", "--no-xlsx",
                 "--region", "湖南省株洲市渌口区"]) == 0
    assert "no region" not in capsys.readouterr().out


# ---------------------------------------------------------------------------- D6: geometry area a number
def test_geometry_area_is_a_number_in_plan_gpkg_and_a_labelled_number_in_the_workbook(tmp_path):
    import openpyxl

    geoms = _boxes(2)
    geoms[1] = shapely.box(X0 + 400, Y0, X0 + 400.8, Y0 + 1)  # a 0.8 m² sliver: 8e-05 ha
    p = tmp_path / "p.gpkg"
    gpd.GeoDataFrame(_parcels(2, 面积亩=["9", "0.0012"]), geometry=geoms, crs="EPSG:4547").to_file(p)
    lay = geo.read_layer(p)
    assert lay.table["geometry_area_ha"].tolist() == ["0.599896", "0.0000799862"]  # no scientific notation
    out = tmp_path / "out"
    assert main(["plan", str(p), "--out", str(out), "--draws", "0", "--no-report", "--format", "gpkg", "--lang",
                 "zh", "--quiet"]) == 0
    info = pyogrio.read_info(out / "plan.gpkg", layer="plots")
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["geometry_area_ha"] == "float64"
    g = gpd.read_file(out / "plan.gpkg", layer="plots")
    np.testing.assert_allclose(g["geometry_area_ha"].to_numpy(float), [0.599896, 7.99862e-05], rtol=1e-6)
    ws = openpyxl.load_workbook(out / "plan.xlsx")["地块汇总"]
    head = [c.value for c in ws[1]]
    j = head.index("图形面积 [公顷]") + 1
    assert ws.cell(2, j).value == "geometry_area_ha" and ws.cell(3, j).value == pytest.approx(0.599896)
    assert isinstance(ws.cell(4, j).value, float) and ws.cell(4, j).value == pytest.approx(7.99862e-05)


# ---------------------------------------------------------------------------- D9: ids in a Real field
def test_whole_number_id_in_a_real_field_is_written_without_dot_zero(tmp_path):
    a = _parcels(3)
    a["地块编码"] = [430211001001.0, 430211001002.0, 430211001003.0]  # a Real field, as QGIS shows 430211001001
    a["pH值"] = [5.0, 5.5, 6.0]
    p = tmp_path / "z.gpkg"
    gpd.GeoDataFrame(a, geometry=_boxes(3), crs="EPSG:4547").to_file(p)
    assert pyogrio.read_info(p)["dtypes"][0] == "float64"
    out = tmp_path / "out"
    assert main(["plan", str(p), "--out", str(out), "--draws", "0", "--no-report", "--no-xlsx", "--quiet",
                 "--format", "gpkg", "--chunk-size", "2", "--jobs", "1"]) == 0
    ids = ["430211001001", "430211001002", "430211001003"]
    assert pd.read_parquet(out / "summary.parquet")["plot_id"].tolist() == ids
    g = gpd.read_file(out / "plan.gpkg", layer="plots")
    assert g["plot_id"].tolist() == ids and g.geometry.notna().all()
    assert validate_plots(p).plots["ph"].tolist() == [5.0, 5.5, 6.0]


# ---------------------------------------------------------------------------- D10: swapped axes
def test_degree_layer_with_latitude_and_longitude_swapped_is_refused_naming_the_swap(tmp_path, capsys):
    swapped = [shapely.box(27.6956, 113.1504, 27.6962, 113.1555)]  # x = latitude, y = longitude
    p = tmp_path / "s.gpkg"
    gpd.GeoDataFrame(_parcels(1), geometry=swapped, crs="EPSG:4490").to_file(p)
    with pytest.raises(geo.InputFileError) as e:
        geo.read_layer(p)
    text = str(e.value)
    assert "look like latitude and longitude swapped" in text and "projected metres" not in text
    assert "x values (longitude) run from 27.6956 to 27.6962" in text and "from 113.1504 to 113.1555" in text
    assert main(["validate", str(p), "--lang", "zh"]) == 2
    assert "看起来是经纬度互换了" in capsys.readouterr().err


# ---------------------------------------------------------------------------- D7: GeoJSON feature id
def test_geojson_feature_id_does_not_take_the_place_of_the_parcel_code(tmp_path, capsys):
    g = gpd.GeoDataFrame(_parcels(2), geometry=_boxes(2), crs="EPSG:4547").to_crs("EPSG:4326")
    p = tmp_path / "web.geojson"
    p.write_text(g.to_json(), encoding="utf-8")  # feature ids "0", "1" (the row numbers)
    assert '"id": "0"' in p.read_text(encoding="utf-8")
    v = validate_plots(p)
    assert v.ok and v.plots["plot_id"].tolist() == ["LK-001", "LK-002"]
    assert main(["plan", str(p), "--out", str(tmp_path / "out"), "--draws", "0", "--no-report", "--no-xlsx"]) == 0
    out = capsys.readouterr().out
    assert "the plot id is field '地块编码', not the GeoJSON feature id ('0', '1')" in out
    s = pd.read_csv(tmp_path / "out" / "summary.csv", encoding="utf-8-sig", dtype=str)
    assert s["plot_id"].tolist() == ["LK-001", "LK-002"] and s["id"].tolist() == ["0", "1"]


# ---------------------------------------------------------------------------- D8: invalid rejected parcels drawn
def test_invalid_rejected_parcel_is_drawn_on_the_map_an_empty_one_is_not(tmp_path):
    geoms = _boxes(3)
    geoms[1] = shapely.Polygon([(X0 + 200, Y0), (X0 + 300, Y0 + 60), (X0 + 300, Y0), (X0 + 200, Y0 + 60)])  # bow-tie
    geoms[2] = shapely.Polygon()
    p = tmp_path / "p.gpkg"
    gpd.GeoDataFrame(_parcels(3), geometry=geoms, crs="EPSG:4547").to_file(p)
    lay, v = geo.read_layer(p), validate_plots(p)
    assert list(v.rejected["input_row"]) == [2, 3]
    g = geo.rejected_geometry(lay, v.rejected)
    assert list(g.index) == ["LK-002"] and g.crs.to_epsg() == 4547
    assert g.iloc[0].bounds == pytest.approx((X0 + 200, Y0, X0 + 300, Y0 + 60))
