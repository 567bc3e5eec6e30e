"""County field sheets as extension officers send them: lab words for 'not detected' and
'not measured', a unit row under the header, 无量纲 pH headers, common Chinese headers and
land-use words, full-width digits, and an area with a separate unit column."""

from pathlib import Path

import numpy as np
import pytest

import agriremed
from agriremed.core.messages import text_of

_HEAD = "plot_id,land_use,crop,area_ha,ph,cd_mg_kg,hg_mg_kg,pb_mg_kg\n"


def _write(tmp_path: Path, text: str, name: str = "plots.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_clean_plot_with_an_unmeasured_metal_names_it(tmp_path):
    """'-' under Cd: the plot is kept without Cd, the cell is reported, and the summary says
    'every measured metal' and names the metals not measured (never 'every screening value')."""
    p = _write(tmp_path, _HEAD + "A,paddy,rice,0.5,6.8,-,0.1,30\n")
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    warn = plan.problems.loc[plan.problems["column"].eq("cd_mg_kg")]
    assert warn["severity"].tolist() == ["warning"] and warn["value"].tolist() == ["-"]
    rec = plan.summary.loc[0, "recommendation"]
    assert plan.summary.loc[0, "soil_class"] == "priority_protection"
    assert "every measured metal; Cd/As/Cr/Cu/Ni/Zn not measured" in rec
    assert "not measured) (" not in rec and "未测定）（" not in text_of(plan.summary.loc[0, "recommendation_msg"], "zh")
    assert "every GB 15618 screening value" not in rec
    zh = text_of(plan.summary.loc[0, "recommendation_msg"], "zh")
    assert "已测定的重金属" in zh and "镉、砷、铬、铜、镍、锌未测定" in zh


def test_clean_plot_with_all_eight_metals_keeps_the_plain_sentence(tmp_path):
    p = _write(tmp_path, "plot_id,land_use,crop,area_ha,ph,cd_mg_kg,hg_mg_kg,as_mg_kg,pb_mg_kg,cr_mg_kg,"
                         "cu_mg_kg,ni_mg_kg,zn_mg_kg\nA,paddy,rice,0.5,7.2,0.05,0.1,10,30,50,20,20,60\n")
    rec = agriremed.plan(p, agriremed.Scenario(mc_draws=0)).summary.loc[0, "recommendation"]
    assert rec.startswith("Continue current practice")
    assert "every GB 15618 screening value" in rec and "not measured" not in rec


@pytest.mark.parametrize("word", ["ND", "nd", "N.D.", "未检出", "未检测出", "低于检出限", "<DL"])
def test_not_detected_without_a_limit_is_not_measured(tmp_path, word):
    """'ND', '未检出' without the limit: the soil metal is read as not measured (as an empty cell), one warning."""
    p = _write(tmp_path, _HEAD + f"A,paddy,rice,0.5,6.8,{word},0.1,30\n")
    v = agriremed.validate_plots(p)
    assert v.errors.empty and v.plots["plot_id"].tolist() == ["A"]
    assert np.isnan(v.plots.loc[0, "cd_mg_kg"]) and "censored_metals" not in v.plots
    w = v.warnings.loc[v.warnings["column"] == "cd_mg_kg"]
    assert w["value"].tolist() == [word]
    assert w["problem"].tolist() == ["not detected, no detection limit given: treated as not measured (blank), this "
                                     "metal is not assessed for the plot; give the detection limit, e.g. <0.05"]
    assert len(v.plots) + len(v.rejected) == v.n_input == 1


_UNIT_ROW_SHEET = ("县级土壤调查 2025\n"
                   "地块编号,土地利用类型,作物,面积,pH,有机质,镉,汞\n"
                   ",,,亩,无量纲,g/kg,mg/kg,μg/kg\n"
                   "A,水田,水稻,7.5,5.4,31,0.8,150\n"
                   "\n"
                   "B,旱地,小麦,15,7.9,18,abc,90\n"
                   "C,旱地,小麦,3,7.9,18,0.5,310\n")


@pytest.mark.parametrize("chunk_size", [None, 1, 2])
def test_unit_row_read_whole_and_in_chunks(tmp_path, chunk_size):
    """A unit row under the header (below a title line): μg/kg Hg and 亩 are converted, the
    row is no plot, and input rows and file lines of the data rows stay right, read whole or
    chunk by chunk."""
    from agriremed.engine.stream import validate_stream

    p = _write(tmp_path, _UNIT_ROW_SHEET)
    v = agriremed.validate_plots(p) if chunk_size is None else \
        validate_stream(p, chunk_size=chunk_size, keep_plots=10)
    assert v.n_input == 3 and len(v.plots) + len(v.rejected) == 3
    assert v.plots["plot_id"].tolist() == ["A", "C"]
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.15, 0.31])
    assert v.plots["area_ha"].tolist() == pytest.approx([0.5, 0.2])
    assert v.plots["som_pct"].tolist() == pytest.approx([3.1, 1.8])
    assert v.plots["line"].tolist() == [4, 7] and v.plots["input_row"].tolist() == [1, 3]
    err = v.errors
    assert (err["input_row"].tolist(), err["line"].tolist(), err["column"].tolist()) == ([2], [6], ["cd_mg_kg"])
    assert any("line 3 read as the units of the columns above" in n for n in v.notes), v.notes
    assert any("header found on line 2" in n for n in v.notes), v.notes


@pytest.mark.parametrize("header", ["pH（无量纲）", "pH(无量纲)", "pH（无单位）", "pH (dimensionless)", "土壤pH（无量纲）"])
def test_ph_header_stating_no_unit_is_read(tmp_path, header):
    p = _write(tmp_path, f"plot_id,land_use,crop,area_ha,{header},cd_mg_kg\nA,paddy,rice,0.5,5.6,0.3\n")
    v = agriremed.validate_plots(p)
    assert v.errors.empty, v.messages()
    assert v.plots["ph"].tolist() == [5.6]


def test_grassland_rejection_lists_the_classes_in_chinese(tmp_path):
    p = _write(tmp_path, "plot_id,land_use,crop,area_ha,ph,cd_mg_kg\nA,草地,none,1,6.5,3\n")
    v = agriremed.validate_plots(p)
    zh = text_of(v.rejected.loc[0, "reasons_msg"], "zh")
    assert "草地、林地" in zh and "水田（paddy）、旱地（upland）、果园（orchard）、菜地（vegetable）" in zh
    assert "边际土地（marginal" in zh


def test_gbk_sheet_with_plot_code_and_area_unit_column(tmp_path):
    """A GBK sheet headed 地块编码, with 面积 + 面积单位 (亩 and 公顷 mixed) and 是否永久基本农田:
    every plot read, the area of each row in its own unit, the basic-farmland flag read."""
    text = ("地块编码,乡镇,pH值,镉(mg/kg),种植作物,面积,面积单位,是否永久基本农田,土地利用类型\n"
            "HJ-01,大才乡,6.5,0.55,水稻,12,亩,是,水田\n"
            "HJ-02,大才乡,6.2,1.2,水稻,0.8,公顷,是,水田\n"
            "HJ-03,洛阳镇,7.6,0.9,玉米,25,亩,否,旱地\n")
    p = _write(tmp_path, text, encoding="gbk")
    v = agriremed.validate_plots(p)
    assert v.errors.empty, v.messages()
    assert v.plots["plot_id"].tolist() == ["HJ-01", "HJ-02", "HJ-03"]
    assert v.plots["area_ha"].tolist() == pytest.approx([0.8, 0.8, 25 / 15])
    assert v.plots["basic_farmland"].tolist() == ["yes", "yes", "no"]
    assert not v.problems["problem"].str.contains("ha assumed").any()
    assert not v.problems["problem"].str.contains("column not used").any()


_BRACKETED_UNITS = ("样点编号,pH,镉,汞,面积,作物,土地利用类型\n"
                    "\n"
                    "单位：,(无量纲),（mg/kg）,[μg/kg],(亩),,\n"
                    "T1,6.0,0.5,150,8,水稻,水田\n"
                    "T2,7.8,0.7,90,12,玉米,旱地\n")


@pytest.mark.parametrize("chunk_size", [None, 1])
def test_unit_row_with_brackets_after_a_blank_line(tmp_path, chunk_size):
    """Units written in brackets or after 单位：, below a blank line, are the units of the columns
    above: Hg 150 μg/kg is 0.15 mg/kg and 8 亩 is 0.533 ha (not 150 mg/kg and 8 ha)."""
    from agriremed.engine.stream import validate_stream

    p = _write(tmp_path, _BRACKETED_UNITS)
    v = agriremed.validate_plots(p) if chunk_size is None else \
        validate_stream(p, chunk_size=chunk_size, keep_plots=10)
    assert len(v.plots) == 2 and len(v.rejected) == 0
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.15, 0.09])
    assert v.plots["area_ha"].tolist() == pytest.approx([8 / 15, 12 / 15])
    assert v.plots["line"].tolist() == [4, 5]


def test_unit_row_naming_its_own_column_is_read(tmp_path):
    p = _write(tmp_path, "样点编号,pH,镉,面积,作物,土地利用类型\n,pH,mg/kg,mu,,\nT1,6.0,0.5,8,水稻,水田\n")
    v = agriremed.validate_plots(p)
    assert v.plots["area_ha"].tolist() == pytest.approx([8 / 15])


@pytest.mark.parametrize("row, words", [
    (",无量纲,mg/kg,mg/kg,,亩,\n", ["'亩'", "'作物'", "shifted"]),      # 亩 one column to the right
    (",无量纲,mg/kg,ug/kgx,亩,,\n", ["'ug/kgx' is not a unit"]),           # a unit row with an unreadable cell
])
def test_unit_row_that_cannot_be_read_stops_the_file(tmp_path, row, words):
    """A unit row that is shifted or has a cell that is no unit stops the file with its line,
    instead of being planned with assumed units (mg/kg, ha)."""
    from agriremed.core.inputs import InputFileError

    p = _write(tmp_path, "样点编号,pH,镉,砷,面积,作物,土地利用类型\n" + row + "T1,5.5,0.5,10,3,水稻,水田\n")
    with pytest.raises(InputFileError) as e:
        agriremed.validate_plots(p)
    assert "line 2" in str(e.value) and all(w in str(e.value) for w in words), str(e.value)


@pytest.mark.parametrize("chunk_size", [None, 1, 2])
def test_area_header_unit_against_unit_column_whole_and_in_chunks(tmp_path, chunk_size):
    """面积（亩） beside 面积单位: the rows saying 公顷 are rejected naming both columns and the unit,
    the rows saying 亩 or nothing are read in 亩, read whole or chunk by chunk."""
    from agriremed.engine.stream import validate_stream

    p = _write(tmp_path, "地块编号,土地利用,作物,面积（亩）,面积单位,pH,镉\n"
                         "A,水田,水稻,15,亩,5.4,0.3\nB,水田,水稻,3,公顷,5.4,0.3\n"
                         "C,水田,水稻,3,公顷,5.4,0.3\nD,水田,水稻,6,,5.4,0.3\n")
    v = agriremed.validate_plots(p) if chunk_size is None else \
        validate_stream(p, chunk_size=chunk_size, keep_plots=10)
    assert v.plots["plot_id"].tolist() == ["A", "D"]
    assert v.plots["area_ha"].tolist() == pytest.approx([1.0, 0.4])
    err = v.errors
    assert err["input_row"].tolist() == [2, 3] and err["value"].tolist() == ["公顷", "公顷"]
    assert (err["column"] == "area_ha").all()
    assert err["problem"].str.startswith("header '面积（亩）' states '亩', but column '面积单位' gives another "
                                         "unit on this row").all()


def test_first_data_row_with_no_value_words_and_ones_is_data(tmp_path):
    """A first data row holding 无 (no crop, metals not measured, no remark) and 1 cells is a
    plot, not a unit row with an unreadable cell: the file is read and both plots planned."""
    p = _write(tmp_path, "地块编号,土地利用,作物,面积（亩）,pH,镉,铅,汞,砷,备注\n"
                         "1,水田,无,1,5.4,0.3,无,无,无,无\n"
                         "2,水田,水稻,15,5.6,0.5,40,0.1,12,无\n")
    v = agriremed.validate_plots(p)
    assert v.errors.empty, v.messages()
    assert v.plots["plot_id"].tolist() == ["1", "2"]
    assert v.plots["area_ha"].tolist() == pytest.approx([1 / 15, 1.0])
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.3, 0.5])
    assert v.plots["line"].tolist() == [2, 3]
    assert len(agriremed.plan(p, agriremed.Scenario(mc_draws=0)).summary) == 2


@pytest.mark.parametrize("word", ["<0.01", "0.01L", "未检出(<0.01)", "ND(0.01)", "nd 0.01", "＜0.01", "< 0.01",
                                  "<0.01mg/kg", "未检出（＜0.01）"])
def test_lab_spellings_of_below_the_detection_limit(tmp_path, word):
    """Each way a laboratory writes 'below the detection limit 0.01' is planned at 0.01, an upper bound."""
    p = _write(tmp_path, _HEAD + f"A,paddy,rice,1,5.5,{word},0.1,30\nB,paddy,rice,1,5.5,0.3,0.1,30\n")
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["A", "B"] and v.errors.empty
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.01, 0.3])
    assert v.plots["censored_metals"].fillna("").tolist() == ["cd", ""]
    w = v.warnings.loc[v.warnings["column"] == "cd_mg_kg"]
    assert w["problem"].tolist() == ["below the detection limit 0.01 mg/kg: planned at 0.01, an upper bound (at or "
                                     "below the Cd screening value 0.3 mg/kg of the land use at the row's pH 5.5: the "
                                     "soil class is decided)"]


def test_unit_column_beside_a_metal_stops_the_file(tmp_path):
    """A column named only 单位 that holds μg/kg (beside 汞) is no area unit column: the file stops,
    instead of Hg 150 μg/kg being read as 150 mg/kg."""
    p = _write(tmp_path, "样点编号,pH,汞,单位,面积,作物,土地利用类型\nB1,5.5,150,μg/kg,3,水稻,水田\n"
                         "B2,5.5,90,μg/kg,4,水稻,水田\n")
    v = agriremed.validate_plots(p)
    assert len(v.plots) == 0 and len(v.rejected) == 2
    err = v.problems.loc[v.problems["severity"] == "error"]
    assert err["problem"].tolist() == ["column '单位' holds units (μg/kg) but it is not the area's unit column: which "
                                       "column they belong to cannot be told"]


@pytest.mark.parametrize("recorded", ["A1:C3", "A1"])
def test_xlsx_whose_recorded_used_range_is_too_small_is_read_whole(tmp_path, recorded):
    # some exporters write a <dimension ref> smaller than the data (or just A1): every stored row and
    # column is read, so 6 rows in the file are 6 plots and the 是否永久基本农田 column (G) is not lost
    import re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["地块编号", "土地利用类型", "作物", "面积（亩）", "pH", "镉（mg/kg）", "是否永久基本农田"])
    for i in range(6):
        ws.append([f"P{i + 1}", "水田", "水稻", 3.0, 5.5, 0.45 + 0.1 * i, "是" if i < 2 else "否"])
    full = tmp_path / "full.xlsx"
    wb.save(full)
    bad = tmp_path / "sheet.xlsx"
    with zipfile.ZipFile(full) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text, n = re.subn(r'<dimension ref="[^"]*"/>', f'<dimension ref="{recorded}"/>', data.decode("utf-8"))
                assert n == 1
                data = text.encode("utf-8")
            zout.writestr(item, data)
    v = agriremed.validate_plots(bad)
    assert len(v.plots) + len(v.rejected) == 6 and len(v.plots) == 6
    assert v.plots["basic_farmland"].tolist() == ["yes", "yes", "no", "no", "no", "no"]
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45, 0.55, 0.65, 0.75, 0.85, 0.95])
