"""``--sheet all``: every visible sheet of a county workbook (one sheet per township) is planned as one table, each
row's sheet in column ``source_sheet`` and in the place of its problems ("row 4 (sheet 龙船镇, line 3, …)"); hidden
sheets are not read and are named; a sheet named after a township gives its rows' township where the table has
a county column and no township column (the region is joined: 湖南省株洲市渌口区/南洲镇)."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

import agriremed
from agriremed.apps.cli import main
from agriremed.core.messages import text_of

HEAD = ["地块编号", "县", "地类", "作物", "面积（亩）", "pH", "镉(mg/kg)"]
COUNTY = "湖南省株洲市渌口区"


def _book(path, county=True):
    wb = openpyxl.Workbook()
    head = HEAD if county else [h for h in HEAD if h != "县"]

    def row(*cells):
        return list(cells) if county else [c for k, c in enumerate(cells) if k != 1]

    ws = wb.active
    ws.title = "南洲镇"
    ws.append(["株洲市渌口区南洲镇受污染耕地安全利用台账"])
    ws.append(head)
    ws.append(row("NZ-01", COUNTY, "水田", "水稻", 3.2, 5.1, 0.65))
    ws.append(row("NZ-02", COUNTY, "水田", "水稻", 2.0, 5.6, 0.44))
    lc = wb.create_sheet("龙船镇")
    lc.append(head)
    lc.append(row("LC-01", COUNTY, "水田", "水稻", 1.5, 5.4, 0.52))
    lc.append(row("LC-02", COUNTY, "水田", "水稻", 1.0, 15, 0.52))      # pH 15: rejected
    lc.append(row("合计", "", "", "", 2.5, "", ""))                      # a total row: skipped
    old = wb.create_sheet("旧数据2019")
    old.sheet_state = "hidden"
    old.append(head)
    old.append(row("NZ-01", COUNTY, "水田", "水稻", 3.2, 5.1, 2.65))    # not read: no duplicate of NZ-01
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return _book(tmp_path_factory.mktemp("book") / "渌口区.xlsx")


def test_every_visible_sheet_is_read_with_its_name_and_hidden_ones_are_named(book):
    v = agriremed.validate_plots(book, sheet="all")
    assert v.plots[["input_row", "line", "plot_id", "source_sheet", "region"]].values.tolist() == [
        [1, 3, "NZ-01", "南洲镇", f"{COUNTY}/南洲镇"], [2, 4, "NZ-02", "南洲镇", f"{COUNTY}/南洲镇"],
        [3, 2, "LC-01", "龙船镇", f"{COUNTY}/龙船镇"]]
    assert v.rejected[["input_row", "line", "source_sheet", "plot_id" if "plot_id" in v.rejected else "地块编号"]
                      ].values.tolist() == [[4, 3, "龙船镇", "LC-02"]]
    assert v.skipped[["input_row", "line"]].values.tolist() == [[5, 4]]
    assert len(v.plots) + len(v.rejected) + len(v.skipped) == v.n_input == 5
    assert v.notes[:2] == [
        "渌口区.xlsx: 2 sheets read as one table (--sheet all: '南洲镇', '龙船镇'); each row's sheet is in column "
        "source_sheet",
        "渌口区.xlsx: hidden sheet(s) '旧数据2019' not read (hidden sheets often hold old or working data): read one "
        "with --sheet NAME"]
    assert text_of(v.notes[1], "zh").startswith("渌口区.xlsx：未读取隐藏的工作表'旧数据2019'")
    # the problems of a row name its sheet and its line in that sheet
    err = v.problems.loc[v.problems["severity"] == "error"]
    assert err[["input_row", "line", "sheet", "column"]].values.tolist() == [[4, 3, "龙船镇", "ph"]]
    sentences = v.messages()
    assert ("ERROR row 4 (sheet 龙船镇, line 3, plot LC-02), column ph: value '15' — above the valid range; expected "
            "a number ≥ 2 and ≤ 11") in sentences
    assert any(s.startswith("错误：第4条记录（工作表龙船镇第3行，地块LC-02），列土壤pH") for s in v.messages(lang="zh"))
    town = v.problems.loc[v.problems["problem"].str.contains("name of its sheet"), "problem"].tolist()
    assert town == ["the township of each row is read from the name of its sheet ('南洲镇', '龙船镇'): the table has no "
                    "township column"]
    assert not v.problems["problem"].str.contains("source_sheet").any()   # not "column not used"


def test_without_a_county_column_the_sheet_is_only_carried(tmp_path):
    v = agriremed.validate_plots(_book(tmp_path / "book.xlsx", county=False), sheet="ALL")
    assert v.plots["source_sheet"].tolist() == ["南洲镇", "南洲镇", "龙船镇"]
    assert not v.problems["problem"].str.contains("name of its sheet").any()
    assert "乡镇" not in v.plots.columns


def test_plan_all_sheets_on_the_command_line(book, tmp_path):
    o = tmp_path / "o"
    assert main(["plan", str(book), "--sheet", "all", "--out", str(o), "--draws", "0", "--no-xlsx", "--no-report",
                 "--quiet"]) == 0
    run = json.loads((o / "run.json").read_text(encoding="utf-8"))
    assert (run["rows_read"], run["plots_planned"], run["rows_rejected"], run["rows_skipped"]) == (5, 3, 1, 1)
    summary = pd.read_csv(o / "summary.csv", encoding="utf-8-sig", dtype=str)
    assert summary[["plot_id", "source_sheet"]].values.tolist() == [["NZ-01", "南洲镇"], ["NZ-02", "南洲镇"],
                                                                    ["LC-01", "龙船镇"]]
    rej = pd.read_csv(o / "rejected.csv", encoding="utf-8-sig", dtype=str)
    assert rej[["line", "source_sheet", "地块编号"]].values.tolist() == [["3", "龙船镇", "LC-02"]]
    pb = pd.read_csv(o / "problems.csv", encoding="utf-8-sig", dtype=str)
    assert pb.loc[pb["severity"] == "error", ["line", "sheet"]].values.tolist() == [["3", "龙船镇"]]


def test_a_sheet_named_all_is_still_read_by_name(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "all"
    ws.append(HEAD)
    ws.append(["A-01", COUNTY, "水田", "水稻", 3.2, 5.1, 0.65])
    other = wb.create_sheet("说明")
    other.append(["填表说明：单位为亩"])
    wb.save(tmp_path / "b.xlsx")
    v = agriremed.validate_plots(tmp_path / "b.xlsx", sheet="all")
    assert v.plots["plot_id"].tolist() == ["A-01"] and "source_sheet" not in v.plots.columns


def test_village_sheets_give_the_village(tmp_path):
    wb = openpyxl.Workbook()
    for k, name in enumerate(("罗家村", "花园村")):
        ws = wb.active if k == 0 else wb.create_sheet(name)
        ws.title = name
        ws.append(HEAD)
        ws.append([f"V-{k}", COUNTY, "水田", "水稻", 3.2, 5.1, 0.65])
    wb.save(tmp_path / "v.xlsx")
    v = agriremed.validate_plots(tmp_path / "v.xlsx", sheet="all")
    assert v.plots[["plot_id", "village", "region"]].values.tolist() == [["V-0", "罗家村", COUNTY],
                                                                        ["V-1", "花园村", COUNTY]]
    assert v.problems["problem"].str.contains("the village of each row is read from the name of its sheet").any()
