"""Village and location (村, 乡镇, 经度, 纬度) of a Chinese field sheet carried into summary.csv,
plan.xlsx (地块汇总 and 方案), report.html and the one-page plot sheet; text cells safe for
spreadsheets, lat/lon kept as numbers; plots without those columns unchanged."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from agriremed.apps.cli import main
from agriremed.core import columns as C
from agriremed.engine.plan import SUMMARY_COLUMNS

EVIL = "=cmd|' /C calc'!A0"

SHEET = (
    "样点编号,乡镇,村,经度,纬度,土壤pH,总镉（mg/kg）,种植作物,面积（亩）,土地利用类型\n"
    "YX-001,网岭镇,罗家村,113.3451,27.0012,5.6,0.45,早稻,8.5,水田\n"
    "YX-002,网岭镇,罗家村,113.346,27.003,5.2,0.82,晚稻,12,水田\n"
    f"YX-003,皇图岭镇,\"{EVIL}\",113.4012,27.1111,6.8,1.6,水稻,6,水田\n"
)


@pytest.fixture(scope="module")
def located(tmp_path_factory):
    d = tmp_path_factory.mktemp("loc")
    src = d / "A.csv"
    src.write_text(SHEET, encoding="utf-8")
    out = d / "out"
    args = ["plan", str(src), "--out", str(out), "--draws", "0", "--lang", "zh", "--quiet"]
    if _has_pdf():
        args.append("--sheets")
    assert main(args) == 0
    return out


def _has_pdf() -> bool:
    try:
        import pypdf  # noqa: F401
        import reportlab  # noqa: F401
    except ImportError:
        return False
    return True


def test_summary_csv_carries_village_and_lat_lon_after_region(located):
    raw = (located / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    # the crop cells 早稻 and 晚稻 name the rice season: rice_season after plot_id (blank for 水稻)
    assert raw[0].startswith("plot_id,rice_season,input_row,region,village,lat,lon,land_use,")
    assert raw[1].startswith("YX-001,early,1,网岭镇,罗家村,27.0012,113.3451,paddy,")
    assert raw[3].startswith("YX-003,,3,皇图岭镇,")
    s = pd.read_csv(located / "summary.csv", encoding="utf-8-sig").set_index("plot_id")
    assert s.loc["YX-002", "village"] == "罗家村" and s.loc["YX-003", "region"] == "皇图岭镇"
    assert s["lat"].tolist() == [27.0012, 27.003, 27.1111]  # numbers, as read
    assert s["lon"].tolist() == [113.3451, 113.346, 113.4012]
    # the formula-looking village is written as text
    assert s.loc["YX-003", "village"] == "'" + EVIL


def test_workbook_summary_and_options_sheets_carry_the_location(located):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(located / "plan.xlsx")
    ws = wb["地块汇总"]
    rows = list(ws.iter_rows(values_only=True))
    # the rice season the crop cells 早稻 and 晚稻 name (稻季) after the plot id
    assert list(rows[0][:7]) == ["地块编号", "稻季", "输入行号", "地区", "村", "纬度 [°]", "经度 [°]"]
    assert list(rows[1][:7]) == ["plot_id", "rice_season", "input_row", "region", "village", "lat", "lon"]
    # the season named in the workbook's language (the code stays in summary.csv)
    assert list(rows[2][:7]) == ["YX-001", "早稻", 1, "网岭镇", "罗家村", 27.0012, 113.3451]
    assert [r[1] for r in rows[2:5]] == ["早稻", "晚稻", None]
    assert rows[4][4] == "'" + EVIL
    cells = {c.coordinate: c for row in ws.iter_rows(min_row=3) for c in row}
    assert cells["F3"].data_type == "n" and cells["G3"].data_type == "n"  # lat/lon stay numbers
    assert cells["E5"].data_type == "s"
    opts = wb["方案"]
    orows = list(opts.iter_rows(values_only=True))
    assert list(orows[1][:5]) == ["plot_id", "village", "lat", "lon", "option_id"]
    by_plot = {r[0]: r[1:4] for r in orows[2:]}
    assert by_plot["YX-001"] == ("罗家村", 27.0012, 113.3451)
    assert by_plot["YX-003"] == ("'" + EVIL, 27.1111, 113.4012)
    for sheet in wb.worksheets:  # nothing runs as a formula
        assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_report_recommendation_table_names_village_and_location(located):
    text = (located / "report.html").read_text(encoding="utf-8")
    assert "<th>村</th><th>位置</th>" in text
    assert "<td>罗家村</td><td>27.0012°N 113.3451°E</td>" in text
    assert "<td>'=cmd" not in text and "=cmd|&#x27; /C calc&#x27;!A0" in text  # escaped text in HTML


def test_plot_sheet_shows_town_village_and_location(located):
    if not _has_pdf():
        pytest.skip("needs the pdf extra")
    import pypdf

    text = pypdf.PdfReader(located / "sheets" / "YX-001.pdf").pages[0].extract_text().replace("\n", "")
    assert "地区网岭镇 罗家村" in text
    assert "位置27.0012°N 113.3451°E" in text


def test_plot_sheet_english_labels(tmp_path):
    pytest.importorskip("reportlab")
    pypdf = pytest.importorskip("pypdf")
    from agriremed.io.sheets import sheet_pdf

    import agriremed
    from agriremed.core.scenario import Scenario

    df = pd.read_csv(io.StringIO(SHEET)).iloc[[0]]
    p = agriremed.plan(df, Scenario(mc_draws=0), progress=False)
    text = pypdf.PdfReader(io.BytesIO(sheet_pdf(p, "YX-001", "en"))).pages[0].extract_text()
    text = text.replace("\n", " ")
    assert "Region 网岭镇 罗家村" in text and "Location 27.0012°N 113.3451°E" in text


def test_plots_without_location_columns_are_unchanged(tmp_path):
    src = tmp_path / "B.csv"
    src.write_text("地块编号,乡镇,土壤pH,镉（mg/kg）,种植作物,面积（亩）,土地利用类型\n"
                   "B-01,网岭镇,5.6,0.45,水稻,8.5,水田\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", str(src), "--out", str(out), "--draws", "0", "--quiet", "--no-report"]) == 0
    s = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    from agriremed.io.outputs import NEVER_COLUMNS

    # the CSV adds the companion <name>_never column after each years column (io.outputs.csv_frame)
    want = [x for c in SUMMARY_COLUMNS
            for x in ((c, f"{c}_never") if c in NEVER_COLUMNS and f"{c}_never" not in SUMMARY_COLUMNS else (c,))]
    assert list(s.columns) == want
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    names = [c.value for c in next(wb.worksheets[2].iter_rows(min_row=2, max_row=2))]
    assert names[:2] == ["plot_id", "option_id"]


def test_streamed_summary_carries_the_same_location(located, tmp_path):
    src = tmp_path / "A.csv"
    src.write_text(SHEET, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["plan", str(src), "--out", str(out), "--draws", "0", "--quiet", "--chunk-size", "2",
                 "--format", "csv", "--no-report", "--no-xlsx"]) == 0
    whole = pd.read_csv(located / "summary.csv", encoding="utf-8-sig")
    streamed = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    # rice_season in every chunk's summary (the chunk of YX-003 names no season: blank there)
    cols = ["plot_id", "rice_season", "region", "village", "lat", "lon"]
    assert list(streamed.columns[:7]) == ["plot_id", "rice_season", "input_row", "region", "village", "lat", "lon"]
    assert streamed["rice_season"].fillna("").tolist() == ["early", "late", ""]
    pd.testing.assert_frame_equal(streamed[cols], whole[cols])


def test_location_and_place_text():
    from agriremed.stages.advice import location_text, place_text

    assert C.LOCATION_COLUMNS == ("village", "lat", "lon")
    assert location_text(27.0012, 113.3451) == "27.0012°N 113.3451°E"
    assert location_text(-33.5, -70.0) == "33.5°S 70°W"
    assert location_text(27.0, None) == "" and location_text(float("nan"), 113.0) == ""
    assert place_text("网岭镇", "罗家村", "zh") == "网岭镇 罗家村"
    assert place_text("", "罗家村") == "罗家村" and place_text(None, None) == ""
