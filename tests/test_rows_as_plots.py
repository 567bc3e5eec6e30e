"""How the rows of a county sheet become plots: one id in two townships, a header repeated mid-table, sampling
dates written as numbers, and rejected rows given as written (county field-sheet audit)."""
from __future__ import annotations

import json

import openpyxl
import pandas as pd

import agriremed
from agriremed.apps.cli import main
from agriremed.core.messages import render
from agriremed.engine.stream import duplicate_ids

# plots numbered afresh in each township: 01, 02 in 南洲镇 and again in 龙船镇
TWO_TOWNSHIPS = ("县,乡镇,村,地块编号,地类,作物,面积（亩）,pH,镉(mg/kg)\n"
                 "渌口区,南洲镇,罗家村,01,水田,水稻,10,6.8,0.45\n"
                 "渌口区,南洲镇,罗家村,02,水田,水稻,8,6.0,0.35\n"
                 "渌口区,龙船镇,石门村,01,旱地,小麦,4,7.0,0.45\n"
                 "渌口区,龙船镇,石门村,02,旱地,玉米,5,7.2,0.25\n")


def _errors(v) -> dict:
    e = v.problems.loc[v.problems["severity"] == "error"]
    return dict(zip(e["input_row"].astype(int), e["problem_msg"], strict=True))


def test_one_id_in_two_townships_is_two_plots_rejected_as_duplicates_not_one_field(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(TWO_TOWNSHIPS, encoding="utf-8")
    v = agriremed.validate_plots(p)
    # was: planned as the crop seasons 01~水稻 / 01~小麦 of one rotation field, screened with the stricter values
    assert v.plots.empty and v.rejected["input_row"].tolist() == [1, 2, 3, 4]
    assert "field_id" not in v.rejected.columns
    msgs = _errors(v)
    assert render(msgs[1], "en") == (
        "duplicate plot id (row 1 (line 2), row 3 (line 4)): the rows lie in different regions (南洲镇 / 龙船镇), so "
        "they are different plots, not the crop seasons of one field (plots numbered afresh in each township or "
        "sheet): give each plot its own id, e.g. with its township before the number (南洲镇-01)")
    assert render(msgs[4], "zh").startswith(
        "地块编号重复（第2条记录（文件第3行）、第4条记录（文件第5行））：各行位于不同的地区（南洲镇 / 龙船镇），是不同的地块")


def test_one_id_in_two_sheets_keeps_the_other_plots_and_their_own_classes(tmp_path):
    wb = openpyxl.Workbook()
    head = ["县", "地块编号", "村", "地类", "作物", "面积（亩）", "pH", "镉(mg/kg)"]
    for k, (name, rows) in enumerate((("南洲镇", [["渌口区", "01", "罗家村", "水田", "水稻", 10, 6.8, 0.45],
                                                  ["渌口区", "02", "罗家村", "水田", "水稻", 8, 6.0, 0.35]]),
                                       ("龙船镇", [["渌口区", "01", "石门村", "旱地", "小麦", 4, 7.0, 0.45],
                                                  ["渌口区", "03", "石门村", "水田", "水稻", 6, 5.5, 0.5]]))):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        ws.append(head)
        for r in rows:
            ws.append(r)
    wb.save(tmp_path / "b.xlsx")
    o = tmp_path / "o"
    assert main(["plan", str(tmp_path / "b.xlsx"), "--sheet", "all", "--out", str(o), "--draws", "0", "--no-xlsx",
                 "--no-report", "--quiet"]) == 0
    run = json.loads((o / "run.json").read_text(encoding="utf-8"))
    assert (run["rows_read"], run["plots_planned"], run["rows_rejected"], run["rows_skipped"]) == (4, 2, 2, 0)
    s = pd.read_csv(o / "summary.csv", encoding="utf-8-sig", dtype=str)
    # 02: paddy pH 6.0, Cd 0.35 below the paddy screening value 0.4 (was rotation_stricter 0.3: safe utilisation)
    assert s[["plot_id", "soil_class", "screening_basis"]].values.tolist() == [
        ["02", "priority_protection", "paddy"], ["03", "safe_utilisation", "paddy"]]
    rej = pd.read_csv(o / "rejected.csv", encoding="utf-8-sig", dtype=str)
    assert rej["地块编号"].tolist() == ["01", "01"] and rej["村"].tolist() == ["罗家村", "石门村"]
    assert render(rej["reasons_msg"][0], "zh").startswith(
        "地块编号：值'01'——地块编号重复（第1条记录（工作表南洲镇第2行）、第3条记录（工作表龙船镇第2行））：各行位于不同的村（罗家村 / 石门村）")


def test_rows_of_one_id_on_paddy_and_dry_land_in_one_place_are_one_rotation_field(tmp_path):
    # a rice row on 水田 and a wheat row on 旱地 of one id in one place: the seasons of a paddy–upland rotation
    # field (README), not two plots; the land use tells no plots apart
    head = "地块编号,地区,地类,作物,面积(亩),pH,镉(mg/kg)\n"
    p = tmp_path / "t.csv"
    p.write_text(head + "A,湖南省株洲市渌口区,水田,水稻,3,6.8,0.45\nA,湖南省株洲市渌口区,旱地,小麦,3,6.8,0.45\n"
                 "B,湖南省株洲市渌口区,水田,水稻,3,6.8,0.45\nB,湖南省株洲市渌口区,稻田,小麦,3,6.8,0.45\n",
                 encoding="utf-8")
    v = agriremed.validate_plots(p)
    assert len(v.rejected) == 0
    assert v.plots["plot_id"].tolist() == ["A~水稻", "A~小麦", "B~水稻", "B~小麦"]
    assert v.plots["field_id"].tolist() == ["A", "A", "B", "B"]


def test_suffixed_season_ids_in_two_villages_link_nothing(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("地块编号,地区,村,地类,作物,面积(亩),pH,镉(mg/kg)\n"
                 "TC-01-稻,湖南省株洲市渌口区,罗家村,水田,水稻,3,6.8,0.45\n"
                 "TC-01-麦,湖南省株洲市渌口区,石门村,水田,小麦,3,6.8,0.45\n", encoding="utf-8")
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["TC-01-稻", "TC-01-麦"]
    assert "field_id" not in v.plots.columns or v.plots["field_id"].isna().all()


def test_a_chunked_reading_finds_the_townships_across_chunks():
    df = pd.read_csv(pd.io.common.StringIO(TWO_TOWNSHIPS), dtype=str)
    dups = duplicate_ids(df, chunk_size=2)
    assert dups == {"01": "1, 3", "02": "2, 4"}
    assert dups["01"].differ == {"region": ["南洲镇", "龙船镇"], "village": ["罗家村", "石门村"]}


def test_a_header_repeated_inside_the_table_is_skipped_not_rejected(tmp_path):
    p = tmp_path / "t.csv"
    head = "序号,点位编号,乡镇,村,地类,作物,面积(亩),PH值（无量纲）,Cd(mg/kg)\n"
    p.write_text("娄底市双峰县受污染耕地台账\n" + head + "1,SF-01,井字镇,石牛村,水田,水稻,4.5,5.3,0.35\n" + head
                 + "2,SF-02,青树坪镇,新联村,水田,水稻,5,5.0,0.38\n", encoding="utf-8")
    v = agriremed.validate_plots(p)
    # was: the header line planned as plot 点位编号: 5 errors, rejected, and 乡镇 named among the townships
    assert v.plots["plot_id"].tolist() == ["SF-01", "SF-02"] and v.rejected.empty
    assert v.skipped[["input_row", "line"]].values.tolist() == [[2, 4]]
    assert v.skipped["reason"].tolist() == [
        "the header repeated inside the table (a table continued on a new page), not a plot: it is not planned"]
    assert render(v.skipped["reason_msg"][0], "zh") == "表格中重复的表头（续页表头），不是地块：不参与规划"
    assert len(v.plots) + len(v.rejected) + len(v.skipped) == v.n_input == 3
    assert not v.problems["problem"].str.contains("Shuangfeng/乡镇|; 乡镇|乡镇;").any()
    assert v.plots["region"].tolist() == ["Hunan/Loudi/Shuangfeng/井字镇", "Hunan/Loudi/Shuangfeng/青树坪镇"]


def test_numbers_read_as_sampling_dates():
    from agriremed.io.validate import number_date

    assert number_date(45425) == (pd.Timestamp(2024, 5, 13), "serial")
    assert number_date("45426.5") == (pd.Timestamp(2024, 5, 14, 12), "serial")
    assert number_date("20230510") == (pd.Timestamp(2023, 5, 10), "yyyymmdd")
    # a day that does not exist, a day number before 1980, a year: no date
    assert [number_date(x) for x in ("20231340", 12345, 2021, "2021", "R-04")] == [None] * 5


def test_sampling_rounds_written_as_day_numbers_and_yyyymmdd_are_rounds_not_duplicates(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地块编号", "地区", "地类", "作物", "面积(亩)", "pH", "镉(mg/kg)", "采样日期"])
    ws.append(["R-01", "湖南省株洲市渌口区", "水田", "水稻", 10, 5.3, 0.66, 45425])  # an unformatted date cell
    ws.append(["R-01", "湖南省株洲市渌口区", "水田", "水稻", 10, 5.4, 0.45, 45790])
    wb.save(tmp_path / "b.xlsx")
    v = agriremed.validate_plots(tmp_path / "b.xlsx")
    # was: 'duplicate plot id (rows 1, 2): … add 早稻/晚稻 …', both rows rejected
    assert v.rejected.empty and v.plots["input_row"].tolist() == [2]
    assert v.skipped["reason"].tolist() == [
        "earlier sampling round (2024-05-13) of plot R-01; the round of 2025-05-13 (row 2) is planned; in this "
        "earlier round its Cd was 0.66 mg/kg, above its screening value 0.3 mg/kg and higher than in the round "
        "planned (0.45 mg/kg)"]
    w = v.problems.loc[v.problems["problem"].str.startswith("a sampling date written")]
    assert w[["input_row", "problem"]].values.tolist() == [
        [2, "a sampling date written as a number: read as 2025-05-13 (the day number of a spreadsheet date cell "
            "without a date format)"]]
    p = tmp_path / "t.csv"
    p.write_text("地块编号,地区,地类,作物,面积(亩),pH,镉(mg/kg),采样日期\n"
                 "R-04,湖南省株洲市渌口区,水田,水稻,2,5.6,0.50,20230510\n"
                 "R-04,湖南省株洲市渌口区,水田,水稻,2,5.6,0.40,20231012\n"
                 "R-05,湖南省株洲市渌口区,水田,水稻,2,5.6,0.40,20231340\n"
                 "R-05,湖南省株洲市渌口区,水田,水稻,2,5.6,0.40,20231012\n", encoding="utf-8")
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["R-04"] and v.skipped["input_row"].tolist() == [1]
    assert v.skipped["reason"][0].startswith("earlier sampling round (2023-05-10) of plot R-04; the round of "
                                             "2023-10-12 (row 2) is planned")
    # 20231340 is no day: R-05's rows stay duplicates
    assert v.rejected["input_row"].tolist() == [3, 4]


def test_rejected_rows_are_given_as_written(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["天长市受污染耕地台账"])
    ws.append(["地块编号", "乡镇", "地类", "种植作物", "面积(亩)", "pH", "镉(mg/kg)"])
    ws.append(["TC-03", "冶山镇", "旱地", "玉米", 3, 8.2, 0.7])
    ws.append(["TC-04", "冶山镇", "水田", "水稻", 3, 7.6, "0,45"])
    wb.save(tmp_path / "b.xlsx")
    v = agriremed.validate_plots(tmp_path / "b.xlsx")
    assert v.plots["region"].tolist() == ["Anhui/Chuzhou/Tianchang/冶山镇"]
    # was: the 乡镇 cell replaced by the resolved region
    assert v.rejected[["地块编号", "乡镇", "镉(mg/kg)"]].values.tolist() == [["TC-04", "冶山镇", "0,45"]]
    p = tmp_path / "u.csv"
    p.write_text("样点编号,地区,地类,作物,面积,PH,总镉\n单位,,,,亩,无量纲,mg/kg\n"
                 "LY-01,湖南省衡阳市耒阳市,水田,水稻,12.5,5.3,0.62\nLY-02,湖南省衡阳市耒阳市,水田,水稻,8,5.8,x\n",
                 encoding="utf-8")
    v = agriremed.validate_plots(p)
    # was: 样点编号（单位）, the unit row's label taken for the unit of the plot-id column
    assert list(v.rejected.columns[:3]) == ["input_row", "line", "样点编号"]
    assert v.rejected["样点编号"].tolist() == ["LY-02"] and v.plots["plot_id"].tolist() == ["LY-01"]


def test_a_chunked_validation_names_the_rows_of_other_chunks_as_a_whole_one(tmp_path):
    from agriremed.engine.stream import validate_stream

    p = tmp_path / "t.csv"
    p.write_text(TWO_TOWNSHIPS, encoding="utf-8")
    whole = agriremed.validate_plots(p).rejected
    chunked = validate_stream(p, chunk_size=2).rejected
    assert chunked["reasons"].tolist() == whole["reasons"].tolist()
    assert chunked["reasons"][2].startswith("plot_id '01': duplicate plot id (row 1 (line 2), row 3 (line 4))")


def test_one_id_in_two_townships_on_two_dates_is_no_pair_of_sampling_rounds(tmp_path):
    from agriremed.engine.stream import validate_stream

    p = tmp_path / "t.csv"
    p.write_text("县,乡镇,地块编号,地类,作物,面积(亩),pH,镉(mg/kg),采样日期\n"
                 "渌口区,南洲镇,NZ-01,水田,水稻,10,5.3,0.66,20240513\n"
                 "渌口区,龙船镇,NZ-01,水田,水稻,6,5.5,0.55,20240519\n"
                 "渌口区,龙船镇,LC-01,水田,水稻,6,5.5,0.55,20230519\n"
                 "渌口区,龙船镇,LC-01,水田,水稻,6,5.5,0.50,20240519\n", encoding="utf-8")
    for v in (agriremed.validate_plots(p), validate_stream(p, chunk_size=1)):
        # NZ-01: two plots, not an earlier round skipped; LC-01: two rounds of one plot
        assert v.rejected["input_row"].tolist() == [1, 2] and v.skipped["input_row"].tolist() == [3]
        assert v.rejected["reasons"][0].startswith(
            "plot_id 'NZ-01': duplicate plot id (row 1 (line 2), row 2 (line 3)): the rows lie in different regions "
            "(南洲镇 / 龙船镇)")


def test_sheets_named_after_seasons_keep_one_fields_seasons_linked(tmp_path):
    # a workbook with one sheet per rice season (早稻, 晚稻): the sheet names no place, so the same id on both
    # sheets is one field's early and late rice, not two plots (sheets named 南洲镇 / 龙船镇 do tell plots apart)
    wb = openpyxl.Workbook()
    head = ["县", "地块编号", "村", "地类", "作物", "面积（亩）", "pH", "镉(mg/kg)"]
    for k, name in enumerate(("早稻", "晚稻")):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        ws.append(head)
        ws.append(["渌口区", "01", "罗家村", "水田", name, 10, 6.0, 0.45])
        ws.append(["渌口区", "02", "罗家村", "水田", name, 8, 5.6, 0.35])
    wb.save(tmp_path / "s.xlsx")
    v = agriremed.validate_plots(tmp_path / "s.xlsx", sheet="all")
    assert len(v.rejected) == 0
    assert v.plots["plot_id"].tolist() == ["01~早稻", "02~早稻", "01~晚稻", "02~晚稻"]
    assert v.plots["field_id"].tolist() == ["01", "02", "01", "02"]
