"""Notes and problems of reading GIS layers, in Chinese."""

import re
from pathlib import Path

import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")
pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")

from agriremed.io import geo  # noqa: E402
from agriremed.core import i18n, messages  # noqa: E402
from agriremed.core.messages import Message, Note  # noqa: E402
from agriremed.io.validate import validate_plots  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name",
                                        "ignore:'crs' was not provided")

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _attrs(n: int) -> pd.DataFrame:
    return pd.DataFrame({"plot_id": [f"P{i:03d}" for i in range(n)], "land_use": "paddy", "crop": "rice",
                         "ph": "5.5", "cd_mg_kg": "0.6"})


def _squares(n: int, side: float = 100.0):
    """n squares of ``side`` metres near the central meridian of EPSG:4547 (3-degree GK, CM 114E)."""
    return [shapely.box(500_000 - side / 2, 3_100_000 + 3 * side * i, 500_000 + side / 2,
                        3_100_000 + 3 * side * i + side) for i in range(n)]


def _write(path: Path, attrs: pd.DataFrame, geoms, crs, **kw) -> Path:
    pyogrio.write_dataframe(gpd.GeoDataFrame(attrs, geometry=geoms, crs=crs), path, **kw)
    return path


def _zh(text) -> str:
    """Chinese of a note (a Note, rendered from its message) or of a row problem (a Message)."""
    assert isinstance(text, (Note, Message)), text  # a message code, not English to translate
    zh = messages.text_of(text, "zh") if isinstance(text, Note) else messages.render(text, "zh")
    assert zh != str(text), text
    assert i18n.untranslated(zh) == [], (text, zh)
    assert re.search(r"[\u4e00-\u9fff]", zh), zh
    return zh


def test_notes_of_the_sample_parcels_translate():
    lay = geo.read_layer(SAMPLES / "parcels.gpkg")
    assert len(lay.notes) == 3
    zh = [_zh(n) for n in lay.notes]
    assert zh[0] == "parcels.gpkg：坐标系为“China Geodetic Coordinate System 2000”（EPSG:4490）"
    assert "面积（area_ha）由多边形计算（以东经" in zh[1] and "兰伯特方位等积投影，GRS80椭球" in zh[1]
    assert zh[2] == "parcels.gpkg：经纬度（lat、lon）取各要素的质心，CGCS2000经纬度坐标（EPSG:4490）"


def test_area_mismatch_note_translates_with_the_features_and_numbers(tmp_path):
    a = _attrs(2)
    a["面积(亩)"] = ["15", "30"]  # 15 mu = 1.0 ha (matches), 30 mu = 2.0 ha (geometry 1.0 ha)
    lay = geo.read_layer(_write(tmp_path / "a.gpkg", a, _squares(2), "EPSG:4547"))
    zh = [_zh(n) for n in lay.notes]
    off = [z for z in zh if "相差超过" in z]
    assert len(off) == 1
    assert re.fullmatch(r"a\.gpkg：1个要素的面积与其图形面积相差超过10%：FID 2（填报2 ha，按图形1(\.0+\d*)? ha）", off[0])
    assert any(z.startswith("a.gpkg：面积取自'面积(亩)'列；图形面积（以东经") for z in zh)


def test_geometry_problems_and_their_expectations_translate(tmp_path):
    geoms = _squares(4)
    geoms[1] = shapely.Polygon([(500_000, 3_100_000), (500_100, 3_100_100), (500_100, 3_100_000),
                                (500_000, 3_100_100)])  # bow tie
    geoms[2] = None
    geoms.append(shapely.LineString([(500_000, 3_200_000), (500_100, 3_200_000)]))
    p = _write(tmp_path / "bad.gpkg", _attrs(5), geoms, "EPSG:4547")
    lay = geo.read_layer(p)
    texts = [n for n in lay.notes]
    rows = lay.table.attrs["row_problems"]
    assert len(rows) == 3
    texts += [r["problem"] for r in rows] + [r["expected"] for r in rows]
    zh = {messages.render(t, "en"): _zh(t) for t in texts}
    assert zh["feature FID 3 has an empty geometry: there is no parcel to plan (空几何)"] == \
        "要素FID 3为空几何：没有可规划的地块"
    assert zh["feature FID 5 is a LineString"] == "要素FID 5的几何类型为“LineString”"
    assert zh["bad.gpkg: 3 feature(s) with an empty, invalid or unsupported geometry are rejected (see the "
              "rejected rows)"] == "bad.gpkg：3个要素的几何为空、无效或不受支持，已拒绝（见拒绝的行）"
    assert zh["a polygon (parcel) or point"] == "多边形（地块）或点"
    v = validate_plots(p)
    reasons = dict(zip(v.rejected["reasons"], messages.render_column(v.rejected["reasons_msg"], "zh"), strict=True))
    k = next(r for r in reasons if r.startswith("geometry: feature FID 5 is a LineString"))
    assert reasons[k].startswith("geometry：要素FID 5的几何类型为“LineString”（应为")
    assert all(z and i18n.untranslated(z) == [] for z in reasons.values()), reasons


def test_shapefile_notes_translate(tmp_path):
    a = _attrs(2)
    a["bulk_densi"] = ["1.2", "1.3"]  # bulk_density_g_cm3 cut to 10 characters
    p = _write(tmp_path / "s.shp", a, _squares(2), None)
    lay = geo.read_layer(p, crs="EPSG:4547")
    zh = [_zh(n) for n in lay.notes]
    assert any("被截断为Shapefile字段名允许的10个字符" in z and "bulk_density_g_cm3" in z for z in zh)
    assert any(z.startswith("s.shp：图层未声明坐标系，按给定的坐标系") for z in zh)


def test_portfolio_read_notes_in_chinese():
    from agriremed.apps.dashboards import Portfolio

    p = Portfolio(background=False)
    p.load(SAMPLES / "parcels.gpkg")
    html = p._read_notes("zh")
    for note in geo.read_layer(SAMPLES / "parcels.gpkg").notes:
        assert note not in html
        assert messages.text_of(note, "zh") in html
