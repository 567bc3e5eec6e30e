"""The region of a county sheet without a region column: the place its title line, sheet name or
file name starts with, ``--region`` / ``region=`` for plots without one, and one warning when the
plots get no region at all."""

from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.apps.cli import main
from agriremed.core import i18n
from agriremed.core.messages import Message, text_of
from agriremed.io.validate import validate_plots

TITLE = "株洲市渌口区耕地土壤环境质量类别划分成果表"
HEADER = ["地块编号", "土地利用类型", "种植作物", "pH", "镉(mg/kg)", "面积(亩)"]
ROWS = [["A1", "水田", "水稻", "5.2", "0.6", "3"], ["A2", "水田", "水稻", "6.8", "0.9", "2"]]


def _csv(tmp_path: Path, title: str | None = TITLE, header=HEADER, rows=ROWS, name: str = "title.csv") -> Path:
    lines = ([title] if title is not None else []) + [",".join(header)] + [",".join(r) for r in rows]
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _codes(problems: pd.DataFrame) -> list[str]:
    """The message code of every problem (one part each)."""
    return [Message.decode(m).codes[0] if m else "" for m in problems["problem_msg"]]


def _region_rows(problems: pd.DataFrame) -> pd.DataFrame:
    return problems.loc[[c.startswith("val.region_") for c in _codes(problems)]]


def test_the_title_row_names_the_region_and_selects_hunans_uptake_function(tmp_path):
    p = agriremed.plan(_csv(tmp_path), agriremed.Scenario(mc_draws=0))
    assert p.summary["region"].tolist() == ["Hunan/Zhuzhou/Lukou"] * 2
    assert p.summary["uptake_functions"].tolist() == ["cd: synth_rice_cd_ph_hunan"] * 2
    assert p.summary["rule_set"].tolist() == ["china"] * 2
    rows = _region_rows(p.problems)
    assert _codes(rows) == ["val.region_from_title"] and rows["severity"].tolist() == ["warning"]
    assert rows["problem"].iloc[0] == (
        "no region given (no region column, or one with every cell blank): every plot's region is taken from the title on line 1 above the header (line 2): "
        "株洲市渌口区 → Hunan/Zhuzhou/Lukou; add a region column (地区) to set the region per plot")
    assert text_of(rows["problem_msg"].iloc[0], "zh") == (
        "未给出地区（无地区列或该列全部为空）：各地块的地区取自表头（第2行）上方第1行的标题：株洲市渌口区 → 湖南省/株洲市/渌口区；"
        "如需逐块填写，请增加地区列")


def test_without_the_title_the_same_sheet_uses_the_national_function(tmp_path):
    # the same rows without a title: no region, the generic function, and one warning saying so
    p = agriremed.plan(_csv(tmp_path, title=None, name="plots.csv"), agriremed.Scenario(mc_draws=0))
    assert p.summary["uptake_functions"].tolist() == ["cd: synth_rice_cd_ph"] * 2
    rows = _region_rows(p.problems)
    assert _codes(rows) == ["val.region_missing"]
    assert rows["severity"].tolist() == ["warning"] and rows["input_row"].isna().all()
    assert rows["problem"].iloc[0].startswith("no region: the plots are not placed in a province, so the national "
                                              "uptake functions are used")
    assert rows["expected"].iloc[0].startswith("a region column (地区")


def test_an_xlsx_title_row_names_the_region(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append([])
    ws.append(HEADER)
    for r in ROWS:
        ws.append([r[0], r[1], r[2], float(r[3]), float(r[4]), float(r[5])])
    path = tmp_path / "county.xlsx"
    wb.save(path)
    v = validate_plots(path)
    assert v.plots["region"].tolist() == ["Hunan/Zhuzhou/Lukou"] * 2
    rows = _region_rows(v.problems)
    assert _codes(rows) == ["val.region_from_title"]
    assert Message.decode(rows["problem_msg"].iloc[0]).parts[0][1] == (
        ("header", 3), ("line", 1), ("region", "Hunan/Zhuzhou/Lukou"), ("words", "株洲市渌口区"))


def test_the_sheet_name_names_the_region_when_no_title_does(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "湘潭县"
    ws.append(HEADER)
    for r in ROWS:
        ws.append(r)
    path = tmp_path / "plots.xlsx"
    wb.save(path)
    v = validate_plots(path)
    assert v.plots["region"].tolist() == ["Hunan/Xiangtan/Xiangtan"] * 2
    assert _codes(_region_rows(v.problems)) == ["val.region_from_sheet"]


def test_the_file_name_names_the_region_last(tmp_path):
    v = validate_plots(_csv(tmp_path, title=None, name="株洲市渌口区2024年调查.csv"))
    assert v.plots["region"].tolist() == ["Hunan/Zhuzhou/Lukou"] * 2
    assert _codes(_region_rows(v.problems)) == ["val.region_from_file"]


def test_the_region_option_wins_over_the_title(tmp_path):
    path = _csv(tmp_path)
    v = validate_plots(path, region="湖南/湘潭/湘潭县")
    assert v.plots["region"].tolist() == ["湖南/湘潭/湘潭县"] * 2
    rows = _region_rows(v.problems)
    assert _codes(rows) == ["val.region_option"] and rows["severity"].tolist() == ["note"]
    out = tmp_path / "o"
    assert main(["plan", str(path), "--out", str(out), "--draws", "0", "--no-report", "--no-xlsx", "--quiet",
                 "--region", "Guangxi/Hechi"]) == 0
    s = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    assert s["region"].tolist() == ["Guangxi/Hechi"] * 2
    assert s["uptake_functions"].tolist() == ["cd: synth_rice_cd_ph"] * 2  # not the title's Hunan function


def test_the_region_option_fills_only_blank_cells_and_the_cli_validate_takes_it(tmp_path, capsys):
    path = _csv(tmp_path, header=["地区", *HEADER], rows=[["湖南省株洲市渌口区", *ROWS[0]], ["", *ROWS[1]]])
    v = validate_plots(path, region="Guangxi/Hechi")
    assert v.plots["region"].tolist() == ["湖南省株洲市渌口区", "Guangxi/Hechi"]
    assert main(["validate", str(path), "--region", "Guangxi/Hechi", "--out", str(tmp_path / "v")]) == 0
    problems = pd.read_csv(tmp_path / "v" / "problems.csv", encoding="utf-8-sig", keep_default_na=False)
    assert _codes(_region_rows(problems)) == ["val.region_option"]
    assert "--region Guangxi/Hechi: the region of the plots without one" in capsys.readouterr().out


def test_an_explicit_region_column_wins_over_the_title_and_a_blank_one_takes_it(tmp_path):
    # a region cell written wins, and blank cells beside it stay blank (the title fills none of them)
    path = _csv(tmp_path, header=["地区", *HEADER], rows=[["广西河池", *ROWS[0]], ["", *ROWS[1]]])
    v = validate_plots(path)
    assert v.plots["region"].fillna("").tolist() == ["广西河池", ""]
    # … said once, with the place the title names as a hint
    rows = _region_rows(v.problems)
    assert _codes(rows) == ["val.region_blank_cells_hint"]
    assert text_of(rows["problem_msg"].iloc[0], "en").endswith(
        "the title names Hunan/Zhuzhou/Lukou: fill the cells, or give --region for the plots without one")
    assert "标题所指地区为湖南省/株洲市/渌口区：请填写这些单元格" in text_of(rows["problem_msg"].iloc[0], "zh")
    # without a title naming a place, the warning names the ways to give a region
    v = validate_plots(_csv(tmp_path, title=None, header=["地区", *HEADER], rows=[["广西河池", *ROWS[0]],
                                                                               ["", *ROWS[1]]], name="nt.csv"))
    assert _codes(_region_rows(v.problems)) == ["val.region_blank_cells"]
    # every cell filled: nothing to say
    v = validate_plots(_csv(tmp_path, header=["地区", *HEADER], rows=[["广西河池", *ROWS[0]], ["广西河池", *ROWS[1]]],
                            name="full.csv"))
    assert _codes(_region_rows(v.problems)) == []
    # the same column with every cell blank is no region: the title's place is every plot's
    path = _csv(tmp_path, header=["地区", *HEADER], rows=[["", *ROWS[0]], ["", *ROWS[1]]], name="blank.csv")
    v = validate_plots(path)
    assert v.plots["region"].tolist() == ["Hunan/Zhuzhou/Lukou"] * 2
    assert _codes(_region_rows(v.problems)) == ["val.region_from_title"]


def test_the_missing_region_warning_is_said_once_by_the_cli(tmp_path, capsys):
    path = _csv(tmp_path, title="耕地土壤环境质量类别划分成果表", name="plots.csv")
    out = tmp_path / "o"
    assert main(["plan", str(path), "--out", str(out), "--draws", "0", "--no-report", "--no-xlsx"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("no region: the plots are not placed in a province") == 1
    problems = pd.read_csv(out / "problems.csv", encoding="utf-8-sig", keep_default_na=False)
    assert _codes(problems).count("val.region_missing") == 1


def test_a_streamed_validation_says_the_title_region_once_and_only_for_a_table_without_regions(tmp_path):
    from agriremed.engine.stream import validate_stream

    rows = [[f"A{i}", "水田", "水稻", "5.2", "0.6", "3"] for i in range(7)]
    v = validate_stream(_csv(tmp_path, rows=rows), chunk_size=3, keep_plots=10)
    assert v.plots["region"].tolist() == ["Hunan/Zhuzhou/Lukou"] * 7
    assert _codes(_region_rows(v.problems)) == ["val.region_from_title"]
    # a region column filled in a later chunk only: the earlier chunks' blank cells stay blank
    rows = [["", *r] for r in rows[:5]]
    rows[4][0] = "广西河池"
    v = validate_stream(_csv(tmp_path, header=["地区", *HEADER], rows=rows, name="later.csv"), chunk_size=2,
                        keep_plots=10)
    assert v.plots["region"].fillna("").tolist() == ["", "", "", "", "广西河池"]
    assert _codes(_region_rows(v.problems)) == ["val.region_blank_cells_hint"]  # once, not per chunk


@pytest.mark.parametrize("text, words, region", [
    ("株洲市渌口区耕地土壤环境质量类别划分成果表", "株洲市渌口区", "Hunan/Zhuzhou/Lukou"),
    ("附表1 湖南省株洲市渌口区耕地", "湖南省株洲市渌口区", "Hunan/Zhuzhou/Lukou"),
    ("2024年湘潭县受污染耕地安全利用台账", "湘潭县", "Hunan/Xiangtan/Xiangtan"),
    ("填报单位：株洲市渌口区农业农村局", "株洲市渌口区", "Hunan/Zhuzhou/Lukou"),
    ("东方红村耕地", "", ""),            # 东方 (东方市) is a word of the title here, not a place
    ("朝阳区耕地", "", ""),              # a name of several districts names none
    ("耕地土壤环境质量类别划分成果表", "", ""),
    ("plots", "", ""),
])
def test_region_in_title(text, words, region):
    assert i18n.region_in_title(text) == (words, region)


def test_town_cells_placed_nowhere_are_read_below_the_county_of_the_title(tmp_path):
    # 韶关市曲江区…汇总表 with a 乡镇 column of towns only: each town below 广东省/韶关市/曲江区, said once;
    # a cell naming a known place keeps it; the blank cell of the 合计 row is no plot's
    header = ["序号", "乡镇", *HEADER]
    rows = [["1", "沙溪镇", *ROWS[0]], ["2", "大塘镇", *ROWS[1]], ["3", "湖南省株洲市渌口区", "A3", *ROWS[1][1:]],
            ["4", "沙溪镇", "A4", *ROWS[0][1:]], ["合计", "", "", "", "", "", "", "8"]]
    v = validate_plots(_csv(tmp_path, title="韶关市曲江区大宝山周边受污染耕地土壤环境质量详查结果汇总表",
                            header=header, rows=rows, name="qujiang.csv"))
    assert v.plots["region"].tolist() == ["Guangdong/Shaoguan/Qujiang/沙溪镇", "Guangdong/Shaoguan/Qujiang/大塘镇",
                                          "湖南省株洲市渌口区", "Guangdong/Shaoguan/Qujiang/沙溪镇"]
    assert v.skipped["input_row"].tolist() == [5] and v.rejected.empty  # the 合计 row: not a plot, skipped
    rows = _region_rows(v.problems)
    assert _codes(rows) == ["val.region_below_title"]  # no blank-cells warning, no per-row unplaced warning
    assert rows["severity"].tolist() == ["note"] and rows["input_row"].isna().all()
    msg = rows["problem_msg"].iloc[0]
    assert text_of(msg, "en").startswith(
        "region cells 沙溪镇; 大塘镇 name no province and no city or county agriremed knows: read as places in "
        "Guangdong/Shaoguan/Qujiang")
    assert "e.g. Guangdong/Shaoguan/Qujiang/沙溪镇" in text_of(msg, "en")
    assert text_of(msg, "zh").startswith("地区单元格沙溪镇；大塘镇未写省份，也不是agriremed已知的市或县：")
    assert "读作广东省/韶关市/曲江区下辖地点，如广东省/韶关市/曲江区/沙溪镇" in text_of(msg, "zh")
    assert [i18n.region_province(r) for r in v.plots["region"]] == ["guangdong", "guangdong", "hunan", "guangdong"]


def test_a_blank_region_cell_of_a_plot_is_still_warned_beside_town_cells(tmp_path):
    header = ["乡镇", *HEADER]
    rows = [["沙溪镇", *ROWS[0]], ["", *ROWS[1]]]
    v = validate_plots(_csv(tmp_path, title="韶关市曲江区耕地汇总表", header=header, rows=rows, name="q2.csv"))
    assert v.plots["region"].fillna("").tolist() == ["Guangdong/Shaoguan/Qujiang/沙溪镇", ""]
    assert _codes(_region_rows(v.problems)) == ["val.region_below_title", "val.region_blank_cells_hint"]
    # without a title naming a place, the town stays as written and is warned per row
    v = validate_plots(_csv(tmp_path, title=None, header=header, rows=rows, name="q3.csv"))
    assert v.plots["region"].fillna("").tolist() == ["沙溪镇", ""]
    assert sorted(_codes(_region_rows(v.problems))) == ["val.region_blank_cells", "val.region_unplaced"]
