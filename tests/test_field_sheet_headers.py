"""Chinese county field sheets: coordinate and area headers (经度(E), 东经, 亩数), a header of an optional column
that cannot be read, separators sniffed on the header line (a 备注 with ';', full-width ，/；), units under
pass-through columns, signature and date lines under the table, formulas without a saved value in an unused
column, and 无 in the basic-farmland column."""

from pathlib import Path

import pytest

import agriremed
from agriremed.core.messages import text_of
from agriremed.core.names import read_header
from agriremed.io.readers import InputFileError, read_table, sniff_separator

HEAD = "地块编号,地区,地类,作物,面积(亩),pH,镉(mg/kg)"
ROW = "H-01,湖南/株洲/渌口,水田,水稻,5,5.4,0.5"


def _write(tmp_path: Path, text: str, name: str = "plots.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("lon, lat", [("经度(E)", "纬度(N)"), ("lon_E", "lat_N"), ("经度（°E）", "纬度（°N）"),
                                      ("东经", "北纬"), ("东经（°）", "北纬（°）"), ("GPS经度", "GPS纬度"),
                                      ("经度坐标", "纬度坐标"), ("X(经度)", "Y(纬度)")])
def test_coordinate_headers_are_read(tmp_path, lon, lat):
    """Hemisphere marks (E, N) and the 详查/GPS headings (东经, 北纬, GPS经度, X(经度)) are read as lon/lat."""
    p = _write(tmp_path, f"{HEAD},{lon},{lat}\n{ROW},113.15,27.70\n")
    v = agriremed.validate_plots(p)
    assert v.n_valid == 1 and len(v.errors) == 0
    assert v.plots["lon"].tolist() == [113.15] and v.plots["lat"].tolist() == [27.7]


def test_optional_header_with_unknown_unit_does_not_stop_the_sheet(tmp_path):
    """经度(W) (a hemisphere not read) is warned about and passed through; the plot is planned without it."""
    p = _write(tmp_path, f"{HEAD},经度(W),纬度(N)\n{ROW},113.15,27.70\n")
    v = agriremed.validate_plots(p)
    assert v.n_valid == 1 and len(v.errors) == 0
    w = v.warnings.loc[v.warnings["column"].eq("经度(w)")]
    assert len(w) == 1
    assert w["problem"].iloc[0] == ("header '经度(W)': unit 'W' is not a unit of °: the column is not read as lon "
                                    "(kept and passed through as it is), the other columns are; correct the header "
                                    "to use it")
    assert "该列不作为lon读取" in text_of(w["problem_msg"].iloc[0], "zh")
    assert "lon" not in v.plots.columns and v.plots["lat"].tolist() == [27.7]
    assert not v.warnings["problem"].str.contains("column not used by agriremed").any()


def test_metal_header_with_unknown_unit_still_stops_the_sheet(tmp_path):
    """A metal column in a unit agriremed does not know is never left out silently."""
    p = _write(tmp_path, "地块编号,地类,作物,面积(亩),pH,镉(mg/kg),铅(xyz)\nH-01,水田,水稻,5,5.4,0.5,30\n")
    v = agriremed.validate_plots(p)
    assert v.n_valid == 0 and v.errors["column"].eq("铅(xyz)").any()


@pytest.mark.parametrize("header", ["亩数", "实测面积(亩)", "实测面积（亩）"])
def test_mu_area_headers(tmp_path, header):
    """亩数 and 实测面积(亩) are the area in 亩 (15 亩 = 1 ha)."""
    p = _write(tmp_path, f"地块编号,地类,作物,{header},pH,镉(mg/kg)\nH-01,水田,水稻,15,5.4,0.5\n")
    v = agriremed.validate_plots(p)
    assert v.n_valid == 1 and v.plots["area_ha"].tolist() == pytest.approx([1.0])
    assert read_header(header).canonical == "area_ha"


def test_semicolons_in_a_note_column_do_not_make_a_semicolon_file(tmp_path):
    """A comma file whose 备注 has ';' on every line is read with commas: every plot read."""
    text = (f"{HEAD},备注\n"
            "SN-01,湖南省娄底市冷水江市,水田,水稻,5,5.4,0.5,复测;VIP+n\n"
            "SN-02,湖南省娄底市冷水江市,水田,水稻,6,6.0,0.7,石灰;深翻\n"
            "SN-03,湖南省娄底市冷水江市,旱地,玉米,7.5,7.0,0.4,叶面阻控;低积累品种\n"
            "SN-04,湖南省娄底市冷水江市,水田,水稻,8,5.1,1.1,VIP+n;第二年\n")
    assert sniff_separator(text) == ","
    v = agriremed.validate_plots(_write(tmp_path, text))
    assert v.n_input == 4 and v.n_valid == 4
    assert v.plots["cd_mg_kg"].tolist() == [0.5, 0.7, 0.4, 1.1]


def test_quoted_commas_do_not_beat_semicolons(tmp_path):
    """A semicolon file with decimal commas and a quoted note holding commas stays a semicolon file."""
    text = 'id;pH;Cd;note\nA;5,4;0,35;"x, y, z"\nB;6,1;0,20;"a, b"\n'
    assert sniff_separator(text) == ";"


@pytest.mark.parametrize("sep, name", [("，", "full-width commas (，)"), ("；", "full-width semicolons (；)")])
def test_full_width_separators(tmp_path, sep, name):
    """A text table separated by ，or ；(typed with a Chinese input method) is read, with a note."""
    rows = ["地块编号,地区,土地利用类型,作物,面积(亩),pH,镉(mg/kg)", "QW-01,湖南省株洲市攸县,水田,水稻,5,5.4,0.5",
            "QW-02,湖南省株洲市攸县,水田,水稻,6,6.0,0.7", "QW-03,湖南省株洲市攸县,旱地,玉米,7,7.0,0.4"]
    p = _write(tmp_path, "\n".join(r.replace(",", sep) for r in rows) + "\n")
    df, notes = read_table(p)
    assert f"plots.csv is separated by {name}" in [str(n) for n in notes]
    assert "以全角" in text_of(next(n for n in notes if "separated" in str(n)), "zh")
    v = agriremed.validate_plots(p)
    assert v.n_input == 3 and v.n_valid == 3 and v.plots["plot_id"].tolist() == ["QW-01", "QW-02", "QW-03"]


def test_full_width_comma_inside_a_cell_keeps_the_comma_file(tmp_path):
    """A header with ，inside its brackets (镉（mg/kg，干重）) does not make a full-width-comma file."""
    assert sniff_separator("地块编号,地类,作物,面积(亩),pH,糙米镉（mg/kg，干重）\nA，1,水田,水稻,5,5.4,0.2\n") == ","


@pytest.mark.parametrize("footer", ["审核人：张三 填表人：李四,,,,,,", "制表：王五\n审核：赵六\n2024年6月",
                                    "填表人：王五    审核人：赵六"])
def test_signature_and_date_lines_under_the_table_are_skipped(tmp_path, footer):
    """Signature and date lines under the table, in the plot-id column or one cell long, are skipped as
    not plots (no error, no ragged-line error naming region)."""
    p = _write(tmp_path, "地块编号,乡镇,地类,作物,面积（亩）,pH,镉（mg/kg）\n"
                         "SD-01,火厂坪镇,水田,水稻,2,5.5,0.45\nSD-02,火厂坪镇,水田,水稻,3.0,6.5,0.55\n" + footer + "\n")
    v = agriremed.validate_plots(p)
    n_footer = footer.count("\n") + 1
    assert v.n_input == 2 + n_footer and v.n_valid == 2 and len(v.errors) == 0
    assert len(v.skipped) == n_footer
    assert v.skipped["reason"].str.startswith("a signature or note line under the sheet").all()
    assert not v.warnings["problem"].str.contains("blank region").any()


def test_a_plot_row_with_few_cells_stays_an_error(tmp_path):
    """A short line holding a plot id is still a ragged-line error, not a footer."""
    p = _write(tmp_path, "地块编号,地类,作物,面积（亩）,pH,镉（mg/kg）\nSD-01,水田,水稻,2,5.5,0.45\nSD-02\n")
    v = agriremed.validate_plots(p)
    assert v.n_valid == 1 and v.errors["problem"].str.contains("line has 1 cells but the header has 6").any()


def test_signature_lines_in_a_workbook(tmp_path):
    """The same lines in an .xlsx sheet (in the plot-id column, other cells empty) are skipped."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地块编号", "乡镇", "地类", "作物", "面积（亩）", "pH", "镉（mg/kg）"])
    ws.append(["SD-01", "火厂坪镇", "水田", "水稻", 2, 5.5, 0.45])
    ws.append(["填表人：王五    审核人：赵六"])
    ws.append(["填报日期：2024年6月10日"])
    p = tmp_path / "sig.xlsx"
    wb.save(p)
    v = agriremed.validate_plots(p)
    assert v.n_input == 3 and v.n_valid == 1 and len(v.errors) == 0 and len(v.skipped) == 2


def test_metre_units_under_projected_coordinates(tmp_path):
    """A unit row with m under X坐标/Y坐标 (CGCS2000, not used by agriremed) keeps them with their columns."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["样品编号", "乡镇", "地类", "作物", "面积（亩）", "pH", "总镉", "X坐标", "Y坐标"])
    ws.append([None, None, None, None, None, None, "mg/kg", "m", "m"])
    ws.append(["S001", "大才乡", "水田", "水稻", 3, 5.6, 1.2, 36512345.6, 2759876.5])
    ws.append(["S002", "大才乡", "旱地", "玉米", 4, 7.1, 2.5, 36512500, 2760000])
    p = tmp_path / "xy.xlsx"
    wb.save(p)
    df, notes = read_table(p)
    assert "X坐标（m）" in df.columns and "Y坐标（m）" in df.columns
    unit_note = next(n for n in notes if "units of the columns above" in str(n))
    assert str(unit_note).endswith("the units under columns agriremed does not use are kept with them "
                                   "(X坐标 → X坐标（m）, Y坐标 → Y坐标（m）)")
    v = agriremed.validate_plots(p)
    assert v.n_valid == 2 and v.plots["cd_mg_kg"].tolist() == [1.2, 2.5]


def test_shifted_unit_row_still_stops(tmp_path):
    """A unit under a text column agriremed reads (亩 under 作物) still stops the file as a shifted unit row."""
    p = _write(tmp_path, "地块编号,地类,作物,面积,pH,镉\n,,亩,,无量纲,mg/kg\nA,水田,水稻,5,5.4,0.3\n")
    with pytest.raises(InputFileError, match="stands under column '作物'"):
        read_table(p)


def test_formula_without_value_in_an_unused_column(tmp_path):
    """A formula without a saved value in 备注 is passed through with a warning; the plot is read. In a used
    column it still makes the row unreadable."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地块编号", "地类", "作物", "面积（亩）", "pH", "镉（mg/kg）", "备注"])
    ws.append(["430424-001", "水田", "水稻", 5, 5.4, 0.5, '=HYPERLINK("http://x.example","详情")'])
    ws.append(["430424-002", "水田", "水稻", 5, "=5+0.4", 0.3, ""])
    p = tmp_path / "f.xlsx"
    wb.save(p)
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["430424-001"]
    assert v.plots["备注"].tolist() == ['=HYPERLINK("http://x.example","详情")']
    w = v.warnings.loc[v.warnings["column"].eq("备注") & v.warnings["plot_id"].eq("430424-001")]
    assert w["problem"].tolist() == ['formula without a saved value in a column agriremed does not use: passed '
                                     'through as written (=HYPERLINK("http://x.example","详情")), the row is read; '
                                     'to keep its value, open the file in Excel or WPS and save it']
    e = v.errors.loc[v.errors["plot_id"].eq("430424-002")]
    assert e["problem"].str.startswith("formula without a saved value: the file was not recalculated").any()
    assert e["expected"].str.contains("open the file in Excel or WPS and save it").any()


def test_wu_in_basic_farmland_is_no(tmp_path):
    """无 in 永久基本农田 is read as no (有 as yes), not described as a blank cell."""
    p = _write(tmp_path, "地块编号,地类,作物,面积(亩),pH,镉(mg/kg),永久基本农田\n"
                         "B-01,水田,水稻,2,5.5,0.65,是\nB-06,水田,水稻,2,5.5,0.65,有\nB-07,水田,水稻,2,5.5,0.65,无\n")
    v = agriremed.validate_plots(p)
    assert v.plots["basic_farmland"].tolist() == ["yes", "yes", "no"]
    assert not v.problems["problem"].str.contains("cell is blank").any()


def test_streamed_file_reads_footers_and_full_width_commas_as_in_memory(tmp_path):
    """The streaming reader sniffs ，and skips the signature lines as the in-memory reader does."""
    from agriremed.engine.stream import iter_chunks

    rows = ["地块编号,乡镇,地类,作物,面积（亩）,pH,镉（mg/kg）", "SD-01,火厂坪镇,水田,水稻,2,5.5,0.45",
            "SD-02,火厂坪镇,水田,水稻,3.0,6.5,0.55", "制表：王五", "2024年6月"]
    p = _write(tmp_path, "\n".join(r.replace(",", "，") for r in rows) + "\n")
    chunks, notes = iter_chunks(p, chunk_size=2)
    frames = list(chunks)
    assert "plots.csv is separated by full-width commas (，)" in [str(n) for n in notes]
    assert [f["地块编号"].tolist() for f in frames if len(f)] == [["SD-01", "SD-02"], ["制表：王五", "2024年6月"]]
    assert all(not f.attrs["row_problems"] for f in frames)
