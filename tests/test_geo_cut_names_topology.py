"""GIS parcel layers: shapefile field names cut by the 10-byte limit (GBK and UTF-8, units cut off), the
三调 Chinese field names, feature ids in the rejected and problem tables, duplicate codes and overlapping
parcels, the rejected layer of plan.gpkg and the grey parcels of the report map."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")
pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")

from agriremed.apps.cli import main  # noqa: E402
from agriremed.core.i18n import region_path  # noqa: E402
from agriremed.io import geo, viz  # noqa: E402
from agriremed.io.validate import validate_plots  # noqa: E402

# writing test shapefiles: GDAL cuts long field names (and says so in a message it cannot decode)
pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name",
                                        "ignore:Could not decode error message")

X0, Y0 = 500_000.0, 3_100_000.0  # EPSG:4547: on the central meridian of the 114° E zone, ~28° N


def _square(i: int, side: float = 60.0, dx: float = 0.0):
    x = X0 + 200.0 * i + dx
    return shapely.box(x, Y0, x + side, Y0 + side)


def _write(path: Path, rows: list[dict], geoms, **kw) -> Path:
    pyogrio.write_dataframe(gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs="EPSG:4547"), path, **kw)
    return path


def _parcels(n: int = 2, **extra) -> list[dict]:
    rows = [{"地块编码": f"T{i}", "地类名称": "水田", "种植作物": "水稻", "pH": 5.2, "镉": 0.5} for i in range(n)]
    for k, vals in extra.items():
        for r, v in zip(rows, vals, strict=True):
            r[k] = v
    return rows


def _errors(v) -> pd.DataFrame:
    return v.problems.loc[v.problems["severity"] == "error"]


# ---------------------------------------------------------------------------- D1: GBK names cut at 10 bytes
def test_gbk_field_names_cut_at_ten_bytes_are_completed(tmp_path):
    # 永久基本农田 (12 bytes in GBK) is stored as 永久基本农, 是否永久基本农田 as 是否永久基
    rows = _parcels(2, 永久基本农田=["是", "否"])
    p = _write(tmp_path / "gbk.shp", rows, [_square(0), _square(1)], encoding="GBK")
    lay = geo.read_layer(p)
    assert "永久基本农田" in lay.table.columns and "永久基本农" not in lay.table.columns
    note = next(str(n) for n in lay.notes if "10-byte limit" in str(n))
    assert "'永久基本农' read as '永久基本农田'" in note and "encoding GBK" in note
    v = validate_plots(p)
    assert v.ok
    assert v.plots["basic_farmland"].tolist() == ["yes", "no"]
    rows = _parcels(2, 是否永久基本农田=["否", "是"])
    v = validate_plots(_write(tmp_path / "gbk2.shp", rows, [_square(0), _square(1)], encoding="GBK"))
    assert v.plots["basic_farmland"].tolist() == ["no", "yes"]


@pytest.mark.parametrize("encoding, header, stored, column", [
    ("GBK", "有机质(g/kg)", "有机质(g/k", "som_pct"),
    ("GBK", "镉含量(μg/kg)", "镉含量(μg", "cd_mg_kg"),
    ("GBK", "面积(平方米)", "面积(平方", "area_ha"),
    ("UTF-8", "镉含量(μg/kg)", "镉含量(", "cd_mg_kg"),     # D2: was read as 镉含量() in mg/kg
    ("UTF-8", "有机质(g/kg)", "有机质(", "som_pct"),       # D2: was read as % (28.5 g/kg → 28.5 %)
])
def test_a_unit_cut_off_by_the_ten_byte_limit_is_refused_naming_the_cut(tmp_path, encoding, header, stored,
                                                                       column):
    rows = _parcels(2, **{header: [650.0, 750.0]})
    if header != "镉含量(μg/kg)":
        rows = _parcels(2, **{header: [28.5, 29.5]})
    else:
        for r in rows:
            del r["镉"]
    p = _write(tmp_path / "cut.shp", rows, [_square(0), _square(1)], encoding=encoding)
    v = validate_plots(p)
    assert not v.ok and len(v.plots) == 0 and len(v.rejected) == 2
    err = _errors(v)
    cut = err.loc[err["column"] == stored]
    assert len(cut) == 1
    text = cut["problem"].iloc[0]
    assert f"field '{stored}'" in text and "10-byte field-name limit" in text
    assert f"the unit of {column} is lost" in text and "does not assume one" in text
    assert "Cd(ug/kg)" in cut["expected"].iloc[0] and "GeoPackage" in cut["expected"].iloc[0]
    assert not err["problem"].str.contains("no metal column").any()  # the Cd column is named, not missing
    assert not v.problems.loc[v.problems["column"] == stored, "problem"].str.contains("assumed").any()


def test_cut_unit_message_in_chinese(tmp_path):
    rows = _parcels(2, **{"镉含量(μg/kg)": [650.0, 750.0]})
    for r in rows:
        del r["镉"]
    v = validate_plots(_write(tmp_path / "cut.shp", rows, [_square(0), _square(1)], encoding="UTF-8"))
    zh = "\n".join(v.messages(lang="zh"))
    assert "Shapefile字段名10字节的限制把该名称截断在单位中间" in zh and "agriremed不假定单位" in zh


# ---------------------------------------------------------------------------- D9: 三调 Chinese field names
def test_sandiao_chinese_field_names_area_in_m2_and_zldwmc_as_region(tmp_path):
    t = tmp_path / "sandiao.csv"
    t.write_text("图斑编号,坐落单位名称,地类名称,图斑面积,种植作物,pH,镉\n"
                 "0012,渌口区南洲镇罗家村,水田,3600.25,水稻,5.2,0.5\n"
                 "0013,渌口区南洲镇罗家村,旱地,1850.5,玉米,6.2,0.5\n", encoding="utf-8")
    v = validate_plots(t)
    assert v.ok
    assert v.plots["area_ha"].to_numpy(float) == pytest.approx([0.360025, 0.18505])
    assert v.plots["region"].tolist() == ["渌口区南洲镇罗家村"] * 2
    assert region_path(v.plots["region"].iloc[0])[:3] == ("hunan", "zhuzhou", "lukou")
    t.write_text("TBBH,ZLDWMC,DLMC,图斑地类面积,种植作物,pH,镉\n1,渌口区南洲镇罗家村,水田,6666.7,水稻,5.2,0.5\n",
                 encoding="utf-8")
    v = validate_plots(t)
    assert v.ok and v.plots["area_ha"].iloc[0] == pytest.approx(0.66667)
    assert v.plots["region"].iloc[0] == "渌口区南洲镇罗家村"


def test_zldwmc_beside_a_township_column_is_joined_below_it(tmp_path):
    t = tmp_path / "z.csv"
    t.write_text("plot_id,所在乡镇,ZLDWMC,land_use,area_ha,crop,ph,cd_mg_kg\n1,株洲市渌口区南洲镇,罗家村,水田,0.36,水稻,5.2,0.5\n",
                 encoding="utf-8")
    v = validate_plots(t)
    assert v.ok and v.plots["region"].iloc[0] == "株洲市渌口区南洲镇/罗家村"


def test_tbmj_of_a_layer_is_read_and_checked_against_the_polygon(tmp_path):
    rows = _parcels(2, 图斑面积=[3600.0, 7200.0])  # the second differs from its 60 m square by 100 %
    p = _write(tmp_path / "a.gpkg", rows, [_square(0), _square(1)])
    v = validate_plots(p)
    assert v.plots["area_ha"].to_numpy(float) == pytest.approx([0.36, 0.72])
    warn = v.problems.loc[(v.problems["severity"] == "warning") & (v.problems["input_row"] == 2)]
    assert warn["problem"].str.contains("by the polygon of FID 2").any()
    # D15: the column the reader adds itself is not reported as unused
    unused = v.problems.loc[v.problems["problem"].str.contains("column not used")]
    assert "geometry_area_ha" not in set(unused["column"])
    assert "图斑面积" not in set(unused["column"])


# ---------------------------------------------------------------------------- D7: FIDs, duplicate codes
@pytest.mark.parametrize("name, first_fid", [("d.shp", 0), ("d.geojson", 0), ("d.gpkg", 1)])
def test_rejected_and_problems_carry_the_fid_and_duplicate_codes_name_the_features(tmp_path, name, first_fid):
    rows = _parcels(4)
    rows[2]["地块编码"] = rows[3]["地块编码"] = "430211001007"   # different polygons
    rows[1]["pH"] = None
    rows[1]["镉"] = None                                          # rejected: no soil data
    kw = {"encoding": "GBK"} if name.endswith(".shp") else {}  # 地块编码 whole (8 bytes in GBK)
    p = _write(tmp_path / name, rows, [_square(i) for i in range(4)], **kw)
    v = validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["T0"]
    assert v.rejected["input_row"].tolist() == [2, 3, 4]
    assert v.rejected["fid"].tolist() == [first_fid + 1, first_fid + 2, first_fid + 3]
    assert list(v.rejected.columns[:2]) == ["input_row", "fid"]
    dup = v.problems.loc[v.problems["column"] == "plot_id"]
    dup = dup.loc[dup["severity"] == "error"]
    a, b = first_fid + 2, first_fid + 3
    assert dup["problem"].tolist() == [f"features FID {a}, {b} share 地块编码 430211001007, different polygons: "
                                       "give each parcel its own code"] * 2
    assert dup["fid"].tolist() == [a, b]
    assert not dup["problem"].str.contains("早稻").any()
    assert v.problems.loc[v.problems["input_row"].isna(), "fid"].isna().all()


def test_duplicate_code_on_one_polygon_keeps_the_rice_season_advice(tmp_path):
    rows = _parcels(2)
    rows[1]["地块编码"] = "T0"
    v = validate_plots(_write(tmp_path / "same.gpkg", rows, [_square(0), _square(0)]))
    dup = v.problems.loc[(v.problems["column"] == "plot_id") & (v.problems["severity"] == "error")]
    assert dup["problem"].str.startswith("duplicate plot id (rows 1, 2): rows of rice").all()


def test_csv_duplicate_keeps_the_rice_season_advice(tmp_path):
    t = tmp_path / "d.csv"
    t.write_text("plot_id,land_use,area_ha,crop,ph,cd_mg_kg\nA,水田,1,水稻,5.2,0.5\nA,水田,1,水稻,5.2,0.6\n",
                 encoding="utf-8")
    v = validate_plots(t)
    assert "fid" not in v.rejected.columns and "fid" not in v.problems.columns
    assert v.problems["problem"].str.contains("add 早稻/晚稻").any()


# ---------------------------------------------------------------------------- D6: overlaps
def test_overlapping_and_identical_polygons_are_warned_with_the_area_counted_twice(tmp_path):
    side = 100.0
    geoms = [_square(0, side), _square(0, side, dx=50.0), _square(0, side), _square(3, side, dx=99.5)]
    # O2 overlaps O1 by half (0.5 ha); O3 is O1's polygon under another code; O4 touches nothing
    rows = _parcels(4)
    for r, code in zip(rows, ["O1", "O2", "O3", "O4"], strict=True):
        r["地块编码"] = code
    p = _write(tmp_path / "ov.gpkg", rows, geoms)
    lay = geo.read_layer(p)
    note = next(str(n) for n in lay.notes if "overlap" in str(n))
    assert "3 pair(s) of parcels overlap by more than 2% of the smaller or share one polygon" in note
    assert "1.5 ha counted more than once" in note   # 3 × 1 ha drawn over 1.5 ha of ground
    v = validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["O1", "O2", "O3", "O4"]  # warned, planned
    w = v.problems.loc[(v.problems["column"] == "geometry") & (v.problems["severity"] == "warning")]
    by_row = w.groupby("input_row")["problem"].apply(list).to_dict()
    assert set(by_row) == {1, 2, 3}
    assert ("the polygon of FID 1 overlaps FID 2 (plot O2) by 0.5 ha, 50% of the smaller: parcels of a land "
            "survey do not overlap, so this area is counted twice in the area and cost totals") in by_row[1]
    assert ("FID 1 has exactly the polygon of FID 3 (plot O3, 1 ha) under another plot id: one parcel entered "
            "twice is counted twice in the area and cost totals") in by_row[1]
    assert any("FID 3 has exactly the polygon of FID 1 (plot O1, 1 ha)" in t for t in by_row[3])
    assert w["fid"].dropna().astype(int).tolist() == sorted(w["fid"].dropna().astype(int).tolist())


def test_a_sliver_overlap_below_the_threshold_and_touching_parcels_pass(tmp_path):
    side = 100.0
    geoms = [_square(0, side), _square(0, side, dx=99.0), _square(0, side, dx=-100.0)]  # 1 % overlap; touching
    p = _write(tmp_path / "s.gpkg", _parcels(3), geoms)
    lay = geo.read_layer(p)
    assert geo.OVERLAP_SHARE_FRAC == 0.02
    assert not any("overlap" in str(n) for n in lay.notes)
    assert not lay.table.attrs.get("row_warnings")


# ---------------------------------------------------------------------------- D10: rejected parcels shown
def test_plan_gpkg_has_a_rejected_layer_and_the_map_draws_rejected_parcels_grey(tmp_path):
    rows = _parcels(3)
    rows[1]["地类名称"] = "设施农用地"
    src = _write(tmp_path / "r.shp", rows, [_square(i) for i in range(3)], encoding="UTF-8")
    out = tmp_path / "out"
    assert main(["plan", str(src), "--out", str(out), "--draws", "0", "--quiet", "--no-xlsx"]) == 0
    assert set(pyogrio.list_layers(out / "plan.gpkg")[:, 0]) == {"plots", "plot_options", "rejected"}
    rej = gpd.read_file(out / "plan.gpkg", layer="rejected")
    assert rej["input_fid"].tolist() == [1] and rej["input_row"].tolist() == [2]
    assert rej["plot_id"].tolist() == ["T1"] and "设施农用地" in rej["reasons"].iloc[0]
    assert rej.geometry.to_crs("EPSG:4547").area.to_numpy() == pytest.approx([3600.0])
    csv = pd.read_csv(out / "rejected.csv", encoding="utf-8-sig")
    assert csv["fid"].tolist() == [1]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert viz.REJECTED_COLOUR in html and "rejected (not planned)" in html
    assert "<th>FID</th>" in html
    table = html[html.index("<section id='rejected'"):]
    table = table[:table.index("</section>")]
    assert "<td class='id'>T1</td>" in table or ">T1<" in table


def test_parcel_map_draws_rejected_geometry_in_grey():
    g = gpd.GeoSeries([_square(0)], index=pd.Index(["A"], name="plot_id"), crs="EPSG:4547")
    r = gpd.GeoSeries([_square(1)], index=pd.Index(["FID 4"], name="plot_id"), crs="EPSG:4547")
    s = pd.DataFrame({"plot_id": ["A"], "soil_class": ["safe_utilisation"], "recommended_option": ["x"],
                      "area_ha": [0.36]})
    fig = viz.parcel_map(s, g, rejected=r, lang="zh")
    grey = [t for t in fig.data if t.legendgroup == "rejected"]
    assert len(grey) == 2 and grey[0].name == "已拒绝（未规划）" and grey[0].fillcolor.startswith("rgba(158,158,158,")
    assert list(grey[1].text) == ["FID 4"]
    assert np.isfinite(grey[1].x).all()


def test_geometry_area_column_the_reader_adds_is_not_reported_unused(tmp_path):
    p = _write(tmp_path / "m.gpkg", _parcels(1, **{"面积(亩)": [5.4]}), [_square(0)])
    v = validate_plots(p)
    assert v.plots["geometry_area_ha"].astype(float).to_numpy() == pytest.approx([0.36], rel=1e-3)
    assert not ((v.problems["column"] == "geometry_area_ha")
                & v.problems["problem"].str.contains("column not used")).any()


def test_chunked_validation_of_a_layer_keeps_fids_and_names_duplicate_features(tmp_path):
    from agriremed.engine.stream import validate_stream

    rows = _parcels(5)
    rows[0]["地块编码"] = rows[4]["地块编码"] = "DUP"   # in the first and the third chunk, different polygons
    p = _write(tmp_path / "c.gpkg", rows, [_square(i) for i in range(5)])
    v = validate_stream(geo.read_layer(p).table, chunk_size=2)
    assert v.rejected["input_row"].tolist() == [1, 5] and v.rejected["fid"].tolist() == [1, 5]
    dup = v.problems.loc[(v.problems["column"] == "plot_id") & (v.problems["severity"] == "error")]
    assert set(dup["problem"]) == {"features FID 1, 5 share 地块编码 DUP, different polygons: give each parcel "
                                   "its own code"}
