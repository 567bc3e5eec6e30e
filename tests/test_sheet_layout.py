"""County sheet layouts: GBK text with symbols (° ′ ″ √ ≤ μ), reading notes of ``plan``, group
headings with units above the header, two-row headers, repeated header texts, cells merged down
the rows, statistics and footer rows, percent-formatted cells."""

from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.io.readers import decode_text, read_table
from agriremed.io.validate import validate_plots


def _gbk(tmp_path: Path, rows: list[list[str]], name: str = "plots.csv") -> Path:
    p = tmp_path / name
    p.write_bytes("\n".join(",".join(r) for r in rows).encode("gbk") + b"\n")
    return p


def _dms_rows(n: int = 14) -> list[list[str]]:
    rows = [["点位编号", "村", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉(mg/kg)", "经度", "纬度", "是否永久基本农田"]]
    rows += [[f"P{i}", "罗家村", "水田", "中稻", "5", "5.5", "0.45", "112°56′30″", "27°51′12″", "√"] for i in range(n)]
    return rows


def test_gbk_table_with_dms_coordinates_and_check_marks_is_read_as_gb18030(tmp_path):
    """Degree/minute/second signs and √ are GB 2312 symbols: the file is Chinese text, not cp1252."""
    p = _gbk(tmp_path, _dms_rows())
    text, enc = decode_text(p.read_bytes())
    assert enc == "GB18030"
    assert "112°56′30″" in text and "罗家村" in text
    v = validate_plots(p)
    assert v.n_valid == 14 and set(v.plots["village"]) == {"罗家村"}


def test_gbk_table_with_english_headers_keeps_chinese_village_names(tmp_path):
    rows = [["plot_id", "land_use", "crop", "area_ha", "ph", "cd_mg_kg", "village", "gps_n", "gps_e"]]
    rows += [[f"P{i}", "paddy", "rice", "0.5", "5.5", "0.5", "罗家村", "27°51′12″", "112°56′30″"] for i in range(6)]
    p = _gbk(tmp_path, rows)
    table, notes = read_table(p)
    assert table["village"].tolist() == ["罗家村"] * 6
    assert table["gps_n"].tolist() == ["27°51′12″"] * 6
    assert any("GB18030" in n for n in notes)


def test_cp1252_text_is_still_cp1252():
    assert decode_text("Müller Straße größe, Cd (µg/kg)".encode("cp1252"))[1] == "cp1252"


def _title_gbk(tmp_path: Path) -> Path:
    rows = [["湘乡县受污染耕地点位调查表"], ["填报日期：2026年"]] + _dms_rows(3)
    rows.insert(4, [""] * 10)
    return _gbk(tmp_path, rows, "title.csv")


def test_plan_shows_and_stores_the_reading_notes(tmp_path, capsys):
    """The encoding, title lines skipped and empty lines: on the plan console, in problems.csv
    (severity note), run.json and report.html, as ``validate`` prints them."""
    import json

    from agriremed.apps.cli import main

    p = _title_gbk(tmp_path)
    out = tmp_path / "out"
    assert main(["plan", str(p), "--out", str(out), "--draws", "0", "--no-xlsx"]) == 0
    said = capsys.readouterr().out
    assert "note: title.csv was read with the GB18030 text encoding" in said
    assert "header found on line 3; 2 title line(s) above it were skipped" in said
    assert "1 empty line(s) ignored (line 5)" in said
    probs = pd.read_csv(out / "problems.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    notes = probs.loc[probs["severity"].eq("note"), "problem"].tolist()
    assert any("GB18030" in n for n in notes) and any("2 title line(s)" in n for n in notes)
    assert any("empty line" in n for n in notes)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert any("GB18030" in n for n in run["input_notes"])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "How the input was read" in html and "GB18030" in html


def test_plan_api_keeps_the_reading_notes(tmp_path):
    plan = agriremed.plan(_title_gbk(tmp_path), agriremed.Scenario(mc_draws=0))
    assert any("2 title line(s)" in n for n in plan.input_notes)
    assert len(plan.plots) == 3


# ---- group headings and two-row headers ---------------------------------------------------

def _xlsx(tmp_path: Path, rows: list[list], merges=(), name: str = "plots.xlsx", formats=None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    p = tmp_path / name
    wb.save(p)
    return p


def _group_ugkg_rows():
    return [["湘乡县受污染耕地安全利用点位调查表"],
            ["基本信息", "", "", "", "", "土壤理化性质", "", "重金属含量(μg/kg)", ""],
            ["点位编号", "乡镇", "土地利用类型", "种植作物", "面积(亩)", "pH", "有机质(%)", "镉", "汞"],
            ["P1", "花石镇", "水田", "中稻", 5, 5.5, 3.0, 450, 120],
            ["P2", "花石镇", "旱地", "玉米", 5, 7.5, 2.5, 380, 90]]


def test_unit_of_a_merged_group_heading_above_the_header_applies_to_its_columns(tmp_path):
    """重金属含量(μg/kg) merged over 镉/汞 one line above the header: 450 μg/kg = 0.45 mg/kg."""
    p = _xlsx(tmp_path, _group_ugkg_rows(), ["A1:I1", "A2:E2", "F2:G2", "H2:I2"])
    v = validate_plots(p)
    assert v.n_valid == 2
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45, 0.38])
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.12, 0.09])
    assert v.plots["ph"].tolist() == pytest.approx([5.5, 7.5])
    assert any("μg/kg" in n and "镉" in n for n in v.notes)


def test_unit_of_a_group_heading_in_a_csv_applies_to_the_columns_up_to_the_next_heading(tmp_path):
    rows = [[str(c) for c in r] + [""] * (9 - len(r)) for r in _group_ugkg_rows()]
    p = tmp_path / "g.csv"
    p.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    v = validate_plots(p)
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45, 0.38])


_H = ["点位编号", "乡镇", "村", "土地利用类型", "种植作物", "面积(亩)", "pH"]
_BASE = [("P1", "花石镇", "罗家村", "水田", "中稻", 5, 5.5), ("P2", "花石镇", "罗家村", "水田", "晚稻", 6, 6.0),
         ("P3", "排头乡", "杨林村", "旱地", "玉米", 8, 7.2), ("P4", "排头乡", "杨林村", "水田", "中稻", 4, 5.0)]


def _group_mid_rows(as_pb):
    """重金属含量(μg/kg) over 镉/汞 only; 砷/铅 to its right in mg/kg (their headers ``as_pb``)."""
    return ([["湘乡县点位调查表"], ["基本信息", "", "", "", "", "", "", "重金属含量(μg/kg)", "", "", ""],
             _H + ["镉", "汞"] + as_pb] +
            [list(b) + m for b, m in zip(_BASE, [[450, 120, 12, 60], [650, 250, 18, 85], [400, 150, 20, 70],
                                                  [1800, 300, 25, 120]])])


@pytest.mark.parametrize("as_pb", [["砷", "铅"], ["砷(mg/kg)", "铅(mg/kg)"]])
def test_group_heading_unit_covers_only_its_merged_range(tmp_path, as_pb):
    """Merged over H2:I2 only: 砷/铅 to its right stay in mg/kg (Pb 120 mg/kg, not 0.12)."""
    v = validate_plots(_xlsx(tmp_path, _group_mid_rows(as_pb), ["A1:K1", "A2:G2", "H2:I2"]))
    assert v.n_valid == 4
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45, 0.65, 0.40, 1.80])
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.12, 0.25, 0.15, 0.30])
    assert v.plots["as_mg_kg"].tolist() == pytest.approx([12, 18, 20, 25])
    assert v.plots["pb_mg_kg"].tolist() == pytest.approx([60, 85, 70, 120])
    assert any("镉 → 镉（μg/kg）, 汞 → 汞（μg/kg）" in n and "砷" not in n for n in v.notes)


def test_unmerged_group_heading_covers_only_its_own_column(tmp_path):
    v = validate_plots(_xlsx(tmp_path, _group_mid_rows(["砷", "铅"]), ["A1:K1", "A2:G2"]))
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45, 0.65, 0.40, 1.80])
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([120, 250, 150, 300])
    assert v.plots["pb_mg_kg"].tolist() == pytest.approx([60, 85, 70, 120])


def test_metal_heading_merged_over_two_columns_leaves_organic_matter_to_its_right_alone(tmp_path):
    rows = [["湘乡县点位调查表"], ["基本信息", "", "", "", "", "", "重金属含量(mg/kg)", "", ""],
            ["点位编号", "乡镇", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉", "铅", "有机质"],
            ["P1", "花石镇", "水田", "中稻", 5, 5.5, 0.45, 60, 3.0]]
    v = validate_plots(_xlsx(tmp_path, rows, ["A1:I1", "A2:F2", "G2:H2"]))
    assert v.plots["som_pct"].tolist() == pytest.approx([3.0])
    assert v.plots["pb_mg_kg"].tolist() == pytest.approx([60])


def test_csv_group_heading_over_columns_of_other_kinds_stops_the_file(tmp_path):
    from agriremed.io.readers import InputFileError

    text = ("湘乡县点位调查表\n基本信息,,,,,,重金属含量(mg/kg),,\n"
            "点位编号,乡镇,土地利用类型,种植作物,面积(亩),pH,镉,铅,有机质\nP1,花石镇,水田,中稻,5,5.5,0.45,60,3.0\n")
    with pytest.raises(InputFileError, match="heading '重金属含量\\(mg/kg\\)' on line 2 .* no merged cells .*镉, 铅, 有机质"):
        read_table(_csv(tmp_path, text))
    text = ("基本信息,,,,,,,重金属含量(μg/kg),,,\n" + ",".join(_H + ["镉", "汞", "砷(mg/kg)", "铅(mg/kg)"]) +
            "\nP1,花石镇,罗家村,水田,中稻,5,5.5,450,120,12,60\n")
    with pytest.raises(InputFileError, match="cannot be told"):
        read_table(_csv(tmp_path, text))


def test_csv_group_heading_over_metals_is_applied_and_said_to_be_a_guess(tmp_path):
    rows = [[str(c) for c in r] for r in _group_mid_rows(["砷", "铅"])]
    v = validate_plots(_csv(tmp_path, "\n".join(",".join(r) for r in rows) + "\n"))
    assert v.plots["pb_mg_kg"].tolist() == pytest.approx([0.06, 0.085, 0.07, 0.12])
    assert any("keeps no merged cells" in n and "铅 → 铅（μg/kg）" in n for n in v.notes)


def test_unit_in_a_title_line_that_fits_no_column_layout_stops_the_file(tmp_path):
    from agriremed.io.readers import InputFileError

    rows = [["调查表（单位：μg/kg）"], ["说明：2026年采样"],
            ["点位编号", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉", "汞"],
            ["P1", "水田", "中稻", 5, 5.5, 450, 120]]
    p = _xlsx(tmp_path, rows)
    with pytest.raises(InputFileError, match="line 1 above the header states the unit μg/kg"):
        read_table(p)


@pytest.mark.parametrize("note", ["注：汞含量单位为μg/kg", "注：汞含量单位为μg/kg，其余重金属单位为mg/kg",
                                  "单位为：mg/kg（汞为μg/kg）", "计量单位是 μg/kg"])
def test_unit_written_in_words_in_a_note_line_stops_the_file(tmp_path, note):
    """Hg 80 μg/kg is 0.08 mg/kg: a note line giving the unit in words is never ignored."""
    from agriremed.io.readers import InputFileError

    p = _csv(tmp_path, f"湘乡县调查表\n{note}\n点位编号,土地利用类型,种植作物,面积(亩),pH,镉,汞\nP1,水田,中稻,5,5.5,0.45,80\n")
    with pytest.raises(InputFileError, match="line 2 above the header states the unit μg/kg"):
        read_table(p)


def _wps_unit_note_rows(heads: list[str], note: str = "单位：mg/kg（pH无量纲）") -> list[list]:
    """A WPS county sheet: a title merged over the table, a 填报 line with the unit note at its right
    (over the last metal column)."""
    return [["石门县雄黄矿周边受污染耕地详查成果表"] + [None] * 9,
            ["填报单位：石门县农业农村局"] + [None] * 8 + [note],
            ["序号", "乡镇", "图斑编号", "地类", "种植作物", "面积（亩）", "pH"] + heads,
            [1, "白云镇", "SM-BY-01", "水田", "中稻", 2.6, 5.8, 118, 0.3, 0.12],
            [2, "白云镇", "SM-BY-02", "水田", "水稻", 1.9, 6.8, "85", 0.22, 0.1]]


def test_unit_note_in_the_fill_in_line_that_agrees_with_the_headers_is_a_note(tmp_path):
    """``单位：mg/kg（pH无量纲）`` over headers that all say (mg/kg): every plot is read, with a note."""
    p = _xlsx(tmp_path, _wps_unit_note_rows(["砷（mg/kg）", "镉（mg/kg）", "汞（mg/kg）"]), ["A1:J1"])
    v = validate_plots(p)
    assert v.ok and v.n_input == 2 and v.n_valid == 2
    assert v.plots["as_mg_kg"].tolist() == pytest.approx([118, 85])
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.3, 0.22])
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.12, 0.1])
    note = [n for n in v.notes if "line 2 above the header" in n]
    assert note == ["plots.xlsx: the unit mg/kg stated on line 2 above the header ('单位：mg/kg（pH无量纲）') agrees "
                    "with the units written in the headers 砷（mg/kg）, 镉（mg/kg）, 汞（mg/kg）"]


@pytest.mark.parametrize("note, unit", [("单位：mg/kg（pH无量纲）", "mg/kg"), ("含量单位为mg/kg，pH无量纲", "mg/kg"),
                                        ("单位：ppm（pH无量纲）", "ppm")])
def test_unit_note_of_mg_per_kg_is_written_into_metal_headers_without_a_unit(tmp_path, note, unit):
    p = _xlsx(tmp_path, _wps_unit_note_rows(["砷", "镉（mg/kg）", "汞"], note), ["A1:J1"])
    v = validate_plots(p)
    assert v.ok and v.n_valid == 2
    assert v.plots["as_mg_kg"].tolist() == pytest.approx([118, 85])
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.12, 0.1])
    assert v.plots["ph"].tolist() == pytest.approx([5.8, 6.8])
    said = [n for n in v.notes if "applied to the metal columns whose header states no unit" in n]
    assert len(said) == 1 and f"砷 → 砷（{unit}）, 汞 → 汞（{unit}）" in said[0]
    assert any("agrees with the units written in the headers 镉（mg/kg）" in n for n in v.notes)


@pytest.mark.parametrize("note, heads, unit, columns", [
    ("单位：μg/kg（pH无量纲）", ["砷（mg/kg）", "镉（mg/kg）", "汞（μg/kg）"], "μg/kg", "砷（mg/kg）, 镉（mg/kg）"),
    ("单位：mg/kg（pH无量纲）", ["砷（mg/kg）", "镉（mg/kg）", "汞（μg/kg）"], "mg/kg", "汞（μg/kg）"),
    ("单位为：mg/kg（汞为μg/kg）", ["砷（mg/kg）", "镉（mg/kg）", "汞（mg/kg）"], "mg/kg, μg/kg",
     "砷（mg/kg）, 镉（mg/kg）, 汞（mg/kg）"),
])
def test_unit_note_contradicting_a_header_unit_stops_the_file_naming_both(tmp_path, note, heads, unit, columns):
    from agriremed.core.messages import text_of
    from agriremed.io.readers import InputFileError

    p = _xlsx(tmp_path, _wps_unit_note_rows(heads, note), ["A1:J1"])
    with pytest.raises(InputFileError) as e:
        read_table(p)
    assert str(e.value) == (f"plots.xlsx: line 2 above the header states the unit {unit} ('{note}'), which contradicts "
                            f"the unit written in the header(s) {columns}: correct the line or the headers so that "
                            "they agree (or delete the unit from that line)")
    assert text_of(e.value, "zh").startswith(f"plots.xlsx：表头上方第2行注明单位{unit}（“{note}”），与表头{columns}中")


def test_unit_note_of_another_unit_over_headers_without_one_still_stops_the_file(tmp_path):
    """μg/kg over 砷 镉 汞 without units: which of them it belongs to cannot be told."""
    from agriremed.io.readers import InputFileError

    p = _xlsx(tmp_path, _wps_unit_note_rows(["砷", "镉", "汞"], "单位：μg/kg（pH无量纲）"), ["A1:J1"])
    with pytest.raises(InputFileError, match="line 2 above the header states the unit μg/kg .*cannot be told"):
        read_table(p)


def test_title_lines_naming_no_unit_are_skipped(tmp_path):
    p = _csv(tmp_path, "湘乡县调查表\n填报单位（盖章）：湘乡县农业农村局,填报日期：2024年10月15日\n"
                       "点位编号,土地利用类型,种植作物,面积(亩),pH,镉,汞\nP1,水田,中稻,5,5.5,0.45,0.08\n")
    v = validate_plots(p)
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.08])


def test_group_heading_unit_that_contradicts_the_header_unit_stops_the_file(tmp_path):
    rows = [["", "", "", "", "", "重金属含量(μg/kg)", ""],
            ["点位编号", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉(mg/kg)", "汞"],
            ["P1", "水田", "中稻", 5, 5.5, 0.45, 120]]
    v = validate_plots(_xlsx(tmp_path, rows, ["F1:G1"]))
    assert not v.ok and v.n_valid == 0
    assert v.errors["column"].str.contains("镉").any()


def _two_row_rows():
    return [["湘乡县点位调查表"], ["填报单位：花石镇", "", "", "", "", "", "填报日期：2026年"],
            ["点位编号", "土地利用类型", "种植作物", "面积(亩)", "pH", "重金属含量(mg/kg)", "", ""],
            ["", "", "", "", "", "镉", "汞", "铅"],
            ["P1", "水田", "中稻", 5, 5.5, 0.45, 0.12, 31],
            ["P2", "旱地", "玉米", 4, 7.5, 0.38, 0.09, 28]]


def test_two_row_merged_header_is_read_as_one_header(tmp_path):
    p = _xlsx(tmp_path, _two_row_rows(), ["A1:H1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:H3"])
    v = validate_plots(p)
    assert v.n_input == 2 and v.n_valid == 2
    assert v.plots["plot_id"].tolist() == ["P1", "P2"]
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45, 0.38])
    assert v.plots["pb_mg_kg"].tolist() == pytest.approx([31, 28])


def test_two_row_header_in_a_csv_is_read_as_one_header(tmp_path):
    rows = [[str(c) for c in r] + [""] * (8 - len(r)) for r in _two_row_rows()]
    p = tmp_path / "two.csv"
    p.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    v = validate_plots(p)
    assert v.n_input == 2 and v.n_valid == 2
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.12, 0.09])
    assert any("lines 3–4 read as one header" in n for n in v.notes)
    from agriremed.engine.stream import validate_stream

    s = validate_stream(p, chunk_size=1)
    assert s.n_valid == 2 and s.n_input == 2


# ---- repeated header texts --------------------------------------------------------------

def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_two_remark_columns_are_both_kept_with_a_note(tmp_path):
    p = _csv(tmp_path, "点位编号,土地利用类型,种植作物,面积(亩),pH,镉(mg/kg),备注,备注\nP1,水田,中稻,5,5.5,0.45,a,b\n")
    v = validate_plots(p)
    assert v.n_valid == 1
    assert v.plots["备注"].tolist() == ["a"] and v.plots["备注_2"].tolist() == ["b"]
    assert any("column G, column H have the same header '备注'" in n for n in v.notes)


@pytest.mark.parametrize("head", ["镉,铅,镉,铅", "镉(mg/kg),铅,镉(mg/kg),铅(mg/kg)"])
def test_repeated_metal_header_stops_the_file_naming_both_columns(tmp_path, head):
    from agriremed.io.readers import InputFileError

    p = _csv(tmp_path, f"点位编号,土地利用类型,种植作物,面积(亩),pH,{head}\nP1,水田,中稻,5,5.5,0.12,3.1,0.45,60\n")
    with pytest.raises(InputFileError, match="column F, column H have the same header '镉"):
        validate_plots(p)


def test_available_and_total_groups_over_the_same_metals_are_told_apart(tmp_path):
    rows = [["", "", "", "", "", "有效态含量(mg/kg)", "", "全量(mg/kg)", ""],
            ["点位编号", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉", "铅", "镉", "铅"],
            ["P1", "水田", "中稻", 5, 5.5, 0.12, 3.1, 0.45, 60]]
    v = validate_plots(_xlsx(tmp_path, rows, ["F1:G1", "H1:I1"]))
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45])
    assert v.plots["pb_mg_kg"].tolist() == pytest.approx([60])
    assert v.plots["cd_dtpa_mg_kg"].tolist() == pytest.approx([0.12])


def test_dataframe_with_repeated_column_labels_is_refused_without_a_traceback():
    from agriremed.io.readers import InputFileError

    df = pd.DataFrame([["P1", "paddy", "rice", 0.5, 5.5, 0.1, 0.2, "a", "b"]],
                      columns=["plot_id", "land_use", "crop", "area_ha", "ph", "镉", "镉", "备注", "备注"])
    with pytest.raises(InputFileError, match="same header '镉'"):
        validate_plots(df)
    v = validate_plots(df.iloc[:, [0, 1, 2, 3, 4, 5, 7, 8]])
    assert v.n_valid == 1 and v.plots["备注_2"].tolist() == ["b"]


# ---- cells merged down the rows, statistics rows, percent cells ---------------------------

def test_cells_merged_down_the_rows_are_filled_and_reported(tmp_path):
    rows = [["点位编号", "乡镇", "村", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉(mg/kg)"],
            ["P1", "花石镇", "罗家村", "水田", "中稻", 5, 5.5, 0.45],
            ["P2", None, None, None, None, 4, 5.6, 0.50],
            ["P3", None, None, None, None, 3, 5.7, 0.30],
            ["P4", None, "石门村", "旱地", "玉米", 2, 7.5, 0.20],
            ["P5", None, None, None, None, 2, 7.6, 0.25]]
    p = _xlsx(tmp_path, rows, ["B2:B6", "C2:C4", "D2:D4", "E2:E4", "C5:C6", "D5:D6", "E5:E6"])
    v = validate_plots(p)
    assert v.n_valid == 5
    assert v.plots["region"].tolist() == ["花石镇"] * 5
    assert v.plots["village"].tolist() == ["罗家村"] * 3 + ["石门村"] * 2
    assert v.plots["land_use"].tolist() == ["paddy"] * 3 + ["upland"] * 2
    assert any("B2:B6 (花石镇)" in n and "C5:C6 (石门村)" in n for n in v.notes)


def test_value_merged_across_columns_below_the_header_is_not_copied(tmp_path):
    rows = [["点位编号", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉(mg/kg)", "铅(mg/kg)"],
            ["P1", "水田", "中稻", 5, 5.5, 0.45, None]]
    v = validate_plots(_xlsx(tmp_path, rows, ["F2:G2"]))
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45])
    assert v.plots["pb_mg_kg"].isna().all()


def test_statistics_and_signature_rows_are_not_plots(tmp_path):
    text = ("序号,点位编号,土地利用类型,种植作物,面积(亩),pH,镉(mg/kg)\n"
            "1,A-1,水田,中稻,5,5.5,0.45\n2,A-2,水田,中稻,4,5.6,0.30\n"
            "平均值,,,,,5.55,0.375\n最大值,,,,,5.6,0.45\n最小值,,,,,5.5,0.30\n标准差,,,,,0.07,0.1\n"
            "审核人：张三,,填表人：李四,,,,\n")
    v = validate_plots(_csv(tmp_path, text))
    assert v.n_input == 7 and v.n_valid == 2 and len(v.rejected) == 0 and len(v.skipped) == 5
    assert v.errors.empty
    errs = v.problems.loc[v.problems["input_row"].isin([3, 4, 5, 6, 7])]
    assert len(errs) == 5 and set(errs["severity"]) == {"note"}  # one reason per non-plot row, no 'required value is blank'
    assert errs["problem"].str.contains("total or summary row").sum() == 4
    assert errs["problem"].str.contains("signature or note line").sum() == 1


def test_percent_formatted_cells_of_a_percent_column_are_read_as_shown(tmp_path):
    rows = [["点位编号", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉(mg/kg)", "有机质(%)", "备注"],
            ["P1", "水田", "中稻", 5, 5.5, 0.45, 0.031, 0.5],
            ["P2", "水田", "中稻", 5, 5.5, 0.45, 0.025, 0.25]]
    p = _xlsx(tmp_path, rows, formats={"G2": "0.0%", "G3": "0.0%", "H2": "0%", "H3": "0%"})
    v = validate_plots(p)
    assert v.plots["som_pct"].tolist() == pytest.approx([3.1, 2.5])
    assert v.plots["备注"].tolist() == ["0.5", "0.25"]
    assert any("'有机质(%)': 2 cell(s) formatted as percent" in n and "G2 shows 3.1%" in n for n in v.notes)
    assert any("'备注'" in n and "stored value 0.5" in n for n in v.notes)


class _FakeSheet:
    """A sheet as python-calamine gives it: stored values only, no number formats."""

    def __init__(self, rows):
        self.rows, self.merged_cell_ranges = rows, []

    def to_python(self, skip_empty_area=False):
        return self.rows


class _FakeBook:
    def __init__(self, rows):
        self.sheet_names, self.rows = ["Sheet1"], rows

    def get_sheet_by_name(self, name):
        return _FakeSheet(self.rows)


def test_fractions_in_a_percent_column_of_an_xls_file_are_noted(tmp_path, monkeypatch):
    """.xls cell formats cannot be read (python-calamine): a column in % holding only fractions of 1
    (52 % stored as 0.52) is kept as stored, with a note that says so and how to fix it."""
    from agriremed.io import readers

    rows = [["点位编号", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉(mg/kg)", "有机质(%)", "粘粒(%)"],
            ["P1", "水田", "中稻", 5.0, 5.5, 0.45, 0.031, 0.52],
            ["P2", "水田", "中稻", 5.0, 5.5, 0.45, 0.025, 31.0]]
    p = tmp_path / "field.xls"
    p.write_bytes(b"stand-in: the workbook is given by the patched reader")
    monkeypatch.setattr(readers, "_calamine", lambda path: _FakeBook(rows))
    v = validate_plots(p)
    assert v.plots["som_pct"].tolist() == pytest.approx([0.031, 0.025])  # as stored
    assert v.plots["clay_pct"].tolist() == pytest.approx([0.52, 31.0])
    noted = [n for n in v.notes if "values are at most 1" in n]
    assert noted == ["field.xls: column '有机质(%)': all 2 values are at most 1 (e.g. G2 holds 0.031, read as "
                     "0.031 %): the cell formats of this file cannot be read, so whether these are cells formatted "
                     "as percent in Excel (showing 3.1%) cannot be told; if they are, enter the numbers in % or "
                     "save the file as .xlsx (its percent cells are read as shown)"]
    # the same cells in an .xlsx file formatted as percent: read as shown, no such note
    x = _xlsx(tmp_path, rows, formats={"G2": "0.0%", "G3": "0.0%"})
    vx = validate_plots(x)
    assert vx.plots["som_pct"].tolist() == pytest.approx([3.1, 2.5])
    assert not any("values are at most 1" in n for n in vx.notes)


def test_title_over_the_whole_table_is_no_group_heading(tmp_path):
    rows = [["湘乡县稻米镉检测结果"], ["点位编号", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉"],
            ["P1", "水田", "中稻", 5, 5.5, 0.45]]
    v = validate_plots(_xlsx(tmp_path, rows, ["A1:F1"]))
    assert v.n_valid == 1 and v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45])


def test_chunked_plan_stores_the_reading_notes_in_problems_csv(tmp_path, capsys):
    from agriremed.apps.cli import main

    out = tmp_path / "out"
    assert main(["plan", str(_title_gbk(tmp_path)), "--out", str(out), "--draws", "0", "--chunk-size", "2",
                 "--no-report", "--no-xlsx"]) == 0
    assert "note: title.csv was read with the GB18030 text encoding" in capsys.readouterr().out
    probs = pd.read_csv(out / "problems.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    notes = probs.loc[probs["severity"].eq("note"), "problem"].tolist()
    assert any("GB18030" in n for n in notes) and any("2 title line(s)" in n for n in notes)


def test_available_heading_without_unit_is_reported(tmp_path):
    rows = [["", "", "", "", "", "有效态", "", "全量", ""],
            ["点位编号", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉", "铅", "镉", "铅"],
            ["P1", "水田", "中稻", 5, 5.5, 0.12, 3.1, 0.45, 60]]
    v = validate_plots(_xlsx(tmp_path, rows, ["F1:G1", "H1:I1"]))
    assert v.plots["cd_dtpa_mg_kg"].tolist() == pytest.approx([0.12])
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45])
    assert any("the heading '有效态' on line 1 read with the columns under it: 镉 → 有效态镉" in n for n in v.notes)


# ---- region columns: county and township -----------------------------------------------------

def test_county_and_township_columns_are_read_together_as_the_region(tmp_path):
    p = _csv(tmp_path, "点位编号,乡镇,县（市、区）,村,土地利用类型,种植作物,面积(亩),pH,镉(mg/kg)\n"
                       "R1,花石镇,湘乡市,罗家村,水田,中稻,5,5.5,0.45\nR2,,湘乡市,,水田,中稻,5,6.2,0.65\n")
    v = validate_plots(p)
    assert v.n_valid == 2
    assert v.plots["region"].tolist() == ["湘乡市/花石镇", "湘乡市"]
    assert v.plots["village"].tolist()[0] == "罗家村"
    assert not v.warnings["problem"].str.contains("not placed").any()
    assert v.warnings["problem"].str.contains("'县（市、区）', '乡镇' read together as the region").any()


def test_township_alone_is_not_placed_and_says_so(tmp_path):
    from agriremed.core import i18n

    p = _csv(tmp_path, "点位编号,乡镇,土地利用类型,种植作物,面积(亩),pH,镉(mg/kg)\nR1,花石镇,水田,中稻,5,5.5,0.45\n"
                       "R2,湘乡市,水田,中稻,5,5.5,0.45\n")
    v = validate_plots(p)
    w = v.warnings[v.warnings["column"].eq("region")]
    unplaced = w[w["problem"].str.contains("not placed in a province")]
    assert unplaced["value"].tolist() == ["花石镇"]
    assert i18n.region_province("湘乡市/花石镇") == "hunan"


# ---- two identifier columns, subtotal rows labelled in another column ----------------------

def test_second_identifier_column_is_passed_through(tmp_path):
    p = _csv(tmp_path, "序号,点位编号,样品编号,土地利用类型,种植作物,面积(亩),pH,镉(mg/kg)\n"
                       "1,P1,XT24-101,水田,中稻,5,5.5,0.45\n2,P2,XT24-102,水田,中稻,5,6.0,0.65\n")
    v = validate_plots(p)
    assert v.n_valid == 2
    assert v.plots["plot_id"].tolist() == ["P1", "P2"]
    assert v.plots["样品编号"].tolist() == ["XT24-101", "XT24-102"]
    assert v.warnings["problem"].str.contains("another identifier column besides '点位编号': '样品编号'").any()


def test_subtotal_row_labelled_in_the_village_column_is_a_total_row(tmp_path):
    p = _csv(tmp_path, "点位编号,村,土地利用类型,种植作物,面积(亩),pH,镉(mg/kg)\n"
                       "P1,罗家村,水田,中稻,5,5.5,0.45\nP2,罗家村,水田,晚稻,6,6.0,0.65\n,罗家村小计,,,11,,\n")
    v = validate_plots(p)
    assert v.n_valid == 2 and len(v.rejected) == 0 and v.skipped["input_row"].tolist() == [3]
    e = v.problems.loc[v.problems["input_row"].eq(3)]
    assert e["problem"].str.contains("a total or summary row").tolist() == [True]


# ---- .xls (97-2003) sheets: merged ranges read through python-calamine --------------------

SHEETS = Path(__file__).parent / "sheets"


def test_xls_cells_merged_down_the_rows_are_filled_and_reported():
    """merged_rows.xls: 乡镇 merged B2:B5 (花石镇), 村/土地利用类型/种植作物 merged over two rows each."""
    v = validate_plots(SHEETS / "merged_rows.xls")
    assert v.n_valid == 4 and len(v.rejected) == 0
    assert v.plots["region"].tolist() == ["花石镇"] * 4
    assert v.plots["village"].tolist() == ["罗家村", "罗家村", "石门村", "石门村"]
    assert v.plots["crop"].tolist() == ["rice", "rice", "maize", "maize"]
    assert v.plots["area_ha"].tolist() == pytest.approx([5 / 15, 6 / 15, 8 / 15, 9 / 15])
    assert any("B2:B5 (花石镇)" in n and "C4:C5 (石门村)" in n for n in v.notes)


def test_xls_group_heading_unit_covers_its_merged_range():
    v = validate_plots(SHEETS / "group_ugkg.xls")
    assert v.n_valid == 2
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45, 0.38])
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.12, 0.09])
    assert not any("keeps no merged cells" in n for n in v.notes)


def test_sheet_without_merge_information_warns_of_blank_cells_below_a_filled_one(monkeypatch):
    """An .ods (python-calamine gives no merged ranges for it): blank 乡镇 cells under 花石镇 are
    named with their lines instead of being read as blank without a word."""
    from agriremed.io import readers

    monkeypatch.setattr(readers, "_calamine_merges", lambda ws, suffix: None)
    df, notes = read_table(SHEETS / "merged_rows.xls")
    assert df["乡镇"].tolist() == ["花石镇", "", "", ""]
    hit = [n for n in notes if "'乡镇'" in n and "may have been merged" in n]
    assert len(hit) == 1 and "lines 3, 4, 5" in hit[0]
    assert any("'村'" in n and "lines 3, 5" in n for n in notes)
    assert not any("'pH'" in n or "'面积(亩)'" in n for n in notes)


# ---- header far below the first line ------------------------------------------------------

def _notes_block(n: int) -> str:
    return "湘乡县受污染耕地点位调查表\n填表说明：\n" + "".join(f"{i}. 第{i}条说明\n" for i in range(1, n + 1)) + "\n"


_L12_TABLE = ("点位编号,乡镇,村,土地利用类型,种植作物,面积(亩),pH,镉(mg/kg),汞(mg/kg)\n"
              "P1,花石镇,罗家村,水田,中稻,5,5.5,0.45,0.12\nP2,花石镇,罗家村,水田,晚稻,6,6.0,0.65,0.25\n")


def test_header_below_a_long_instructions_block_is_found(tmp_path):
    """Header on line 12 under a title, 填表说明 and 8 numbered lines; whole and streamed reads agree."""
    from agriremed.engine.stream import _DelimitedFile

    p = _csv(tmp_path, _notes_block(8) + _L12_TABLE)
    v = validate_plots(p)
    assert v.n_valid == 2
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45, 0.65])
    assert any("header found on line 12; 11 title line(s)" in n for n in v.notes)
    f = _DelimitedFile(p)
    assert f.header_line == 12 and f.header[7] == "镉(mg/kg)"
    assert any("header found on line 12" in n for n in f.notes)


def test_header_beyond_the_lines_searched_is_said_not_found(tmp_path):
    p = _csv(tmp_path, _notes_block(35) + _L12_TABLE)
    v = validate_plots(p)
    assert v.n_valid == 0
    assert any("no line of the first 30 names two known columns" in n and "line 1 was read as the header" in n
               and "delete the lines above it" in n for n in v.notes)
    from agriremed.engine.stream import _DelimitedFile

    assert any("no line of the first 30 names two known columns" in n for n in _DelimitedFile(p).notes)


# ---- 面积单位：亩 in a title line -----------------------------------------------------------

def test_area_unit_cell_of_a_title_line_is_the_unit_of_a_bare_area_column(tmp_path):
    """面积单位：亩 at the right of line 2 (like 填报日期) above the header's bare 面积: 5 亩 = 1/3 ha."""
    from agriremed.engine.stream import _DelimitedFile

    p = _csv(tmp_path, "湘乡县点位监测结果表,,,,,,\n,,,,,,面积单位：亩\n"
                       "点位编号,土地利用类型,种植作物,面积,pH,镉(mg/kg),汞(mg/kg)\nP1,水田,中稻,5,5.5,0.45,0.08\n")
    v = validate_plots(p)
    assert v.n_valid == 1
    assert v.plots["area_ha"].tolist() == pytest.approx([5 / 15])
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.08])
    assert any("'面积单位：亩' on line 2 read as the unit of the column '面积'" in n for n in v.notes)
    assert not v.warnings["problem"].str.contains("ha assumed").any()
    assert "面积（亩）" in _DelimitedFile(p).header


def test_area_unit_cell_of_a_title_line_is_title_text_when_the_area_has_its_unit(tmp_path):
    p = _csv(tmp_path, "湘乡县点位监测结果表,,,,,,\n,,,,,,面积单位：亩\n"
                       "点位编号,土地利用类型,种植作物,面积(亩),pH,镉(mg/kg),汞(mg/kg)\nP1,水田,中稻,6,5.5,0.45,0.08\n")
    v = validate_plots(p)
    assert v.n_valid == 1
    assert v.plots["area_ha"].tolist() == pytest.approx([6 / 15])
