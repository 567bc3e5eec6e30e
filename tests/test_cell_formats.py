"""Cells written in an unambiguous form that is not a bare number: a leading pH label ('pH=5.2'), an area
with its unit ('2.5亩', '1.2公顷', '800平方米', '0.5 ha'), a quoted '1,250' in comma-separated text and a
range ('0.3~0.4'): each read, with a warning (or note) on its row; a contradicting unit and a range in a
column read as one number are rejected, named."""

from pathlib import Path

import pytest

import agriremed
from agriremed.core.messages import text_of

_HEAD = "plot_id,land_use,crop,area_ha,ph,cd_mg_kg\n"


def _write(tmp_path: Path, text: str, name: str = "plots.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def _rows(v, column: str):
    return v.problems.loc[v.problems["column"].eq(column)]


@pytest.mark.parametrize(("cell", "label"), [("pH=5.2", "'pH='"), ("pH 5.2", "'pH'"), ("PH：5.2", "'PH:'"),
                                             ("pH5.2", "'pH'"), ("pH值 5.2", "'pH值'")])
def test_leading_ph_label_is_read_with_a_warning(tmp_path, cell, label):
    v = agriremed.validate_plots(_write(tmp_path, _HEAD + f"A,paddy,rice,0.5,{cell},0.3\n"))
    assert v.errors.empty, v.messages()
    assert v.plots["ph"].tolist() == [5.2]
    w = _rows(v, "ph")
    assert w["severity"].tolist() == ["warning"] and w["value"].tolist() == [cell]
    assert w["problem"].tolist() == [f"the label {label} typed before the number: read as pH 5.2 (write the number "
                                     "only; the header names the column)"]
    assert text_of(w["problem_msg"].iloc[0], "zh") == (f"数值前填写了标注{label}：已读取为pH 5.2（单元格中只填数值，"
                                                       "列名已说明含义）")


def test_leading_ph_label_with_a_water_label_after_the_number(tmp_path):
    v = agriremed.validate_plots(_write(tmp_path, _HEAD + "A,paddy,rice,0.5,pH 5.6（水）,0.3\n"
                                                          "B,paddy,rice,0.5,pH 5.6(KCl),0.3\n"))
    assert v.plots["plot_id"].tolist() == ["A"] and v.plots["ph"].tolist() == [5.6]
    assert v.errors["plot_id"].tolist() == ["B"] and v.errors["problem"].iloc[0].startswith("pH measured in KCl")


def test_area_unit_in_the_cell_under_a_bare_header_is_read_and_warned(tmp_path):
    text = ("序号,样点编号,地类,作物,面积,pH,镉\n"
            "1,GX-01,水田,晚稻,2.5亩,5.3,0.9\n2,GX-02,水田,中稻,1.2公顷,6.1,0.7\n3,GX-03,旱地,花生,3亩,5.6,0.5\n"
            "4,GX-04,旱地,花生,800平方米,5.6,0.5\n5,GX-05,旱地,花生,0.5 ha,5.6,0.5\n6,GX-06,旱地,花生,4,5.6,0.5\n")
    v = agriremed.validate_plots(_write(tmp_path, text))
    assert v.errors.empty, v.messages()
    assert v.plots["area_ha"].round(6).tolist() == [round(2.5 / 15, 6), 1.2, 0.2, 0.08, 0.5, round(4 / 15, 6)]
    w = _rows(v, "area_ha")
    cell = w.loc[w["problem"].str.contains("written in the cell")]
    assert cell["input_row"].tolist() == [1, 2, 3, 4, 5] and set(cell["severity"]) == {"warning"}
    assert cell["problem"].tolist()[:2] == ["the unit '亩' written in the cell: read as 0.1667 ha",
                                            "the unit '公顷' written in the cell: read as 1.2 ha"]
    assert text_of(cell["problem_msg"].iloc[0], "zh") == "单元格中写明单位'亩'：已读取为0.1667公顷"
    # the bare header's 亩 is warned on the row that has no unit of its own only
    assumed = w.loc[w["problem"].str.contains("has no unit")]
    assert assumed["input_row"].tolist() == [6]


def test_area_unit_in_the_cell_that_contradicts_the_header_is_an_error(tmp_path):
    text = "plot_id,land_use,crop,面积（亩）,pH,cd_mg_kg\nA,paddy,rice,8亩,5.6,0.3\nB,paddy,rice,1.2公顷,5.6,0.3\n"
    v = agriremed.validate_plots(_write(tmp_path, text))
    assert v.plots["plot_id"].tolist() == ["A"] and v.plots["area_ha"].round(6).tolist() == [round(8 / 15, 6)]
    note = _rows(v, "area_ha").query("input_row == 1")
    assert note["severity"].tolist() == ["note"]
    e = v.errors
    assert (e["input_row"].tolist(), e["column"].tolist(), e["value"].tolist()) == ([2], ["area_ha"], ["1.2公顷"])
    assert e["problem"].tolist() == ["the cell gives the unit '公顷', but header '面积（亩）' states '亩': which unit the "
                                     "area is in cannot be told (the row is not read)"]
    assert text_of(e["problem_msg"].iloc[0], "zh") == ("单元格写明单位'公顷'，但表头'面积（亩）'注明单位为'亩'：无法判断面积的"
                                                       "单位（本行不读取）")


def test_area_unit_in_the_cell_against_the_unit_column(tmp_path):
    text = ("plot_id,land_use,crop,面积,面积单位,pH,cd_mg_kg\nA,paddy,rice,3亩,亩,5.6,0.3\nB,paddy,rice,3亩,公顷,5.6,0.3\n"
            "C,paddy,rice,2公顷,,5.6,0.3\n")
    v = agriremed.validate_plots(_write(tmp_path, text))
    assert v.plots["plot_id"].tolist() == ["A", "C"] and v.plots["area_ha"].round(6).tolist() == [0.2, 2.0]
    assert v.errors["problem"].tolist() == ["the cell gives the unit '亩', but column '面积单位' states '公顷': which unit "
                                            "the area is in cannot be told (the row is not read)"]


def test_quoted_thousands_in_comma_separated_text_is_read(tmp_path):
    text = ("plot_id,land_use,crop,area_ha,ph,cd_mg_kg,pb_mg_kg,zn_mg_kg\n"
            'A,marginal,none,0.5,5.1,8.5,"1,250","2,300.5"\nB,marginal,none,0.5,5.1,8.5,"1,25",40\n')
    v = agriremed.validate_plots(_write(tmp_path, text))
    assert v.plots["plot_id"].tolist() == ["A"]
    assert v.plots["pb_mg_kg"].tolist() == [1250.0] and v.plots["zn_mg_kg"].tolist() == [2300.5]
    w = _rows(v, "pb_mg_kg").query("input_row == 1")
    assert w["severity"].tolist() == ["warning"]
    assert w["problem"].tolist() == ["thousands separators in a number: read without them (check the value)"]
    # '1,25' is a decimal comma, not a thousands separator: still rejected
    e = v.errors
    assert e["input_row"].tolist() == [2] and e["column"].tolist() == ["pb_mg_kg"]
    assert "decimal comma" in e["problem"].iloc[0]


def test_thousands_in_a_tab_separated_file_stays_ambiguous(tmp_path):
    text = "plot_id\tland_use\tcrop\tarea_ha\tph\tcd_mg_kg\tpb_mg_kg\nA\tmarginal\tnone\t0.5\t5.1\t8.5\t1,250\n"
    v = agriremed.validate_plots(_write(tmp_path, text, "plots.tsv"))
    assert v.errors["problem"].iloc[0].startswith("a number with one separator before three digits")


@pytest.mark.parametrize("cell", ["0.3~0.4", "0.3-0.4", "0.3～0.4", "0.3至0.4"])
def test_metal_range_takes_the_upper_bound_and_ph_range_the_lower(tmp_path, cell):
    ph = cell.replace("0.3", "5.2").replace("0.4", "5.6")
    v = agriremed.validate_plots(_write(tmp_path, _HEAD + f"A,paddy,rice,0.5,{ph},{cell}\n"))
    assert v.errors.empty, v.messages()
    assert v.plots["cd_mg_kg"].tolist() == [0.4] and v.plots["ph"].tolist() == [5.2]
    cd, p = _rows(v, "cd_mg_kg"), _rows(v, "ph")
    assert cd["severity"].tolist() == ["warning"] and p["severity"].tolist() == ["warning"]
    assert cd["problem"].tolist() == [
        f"a range ({cell}) in column cd_mg_kg: the upper bound 0.4 is used, the conservative reading of a metal "
        "concentration (the higher value can only make the soil class or the crop risk worse); give the single "
        "measured value"]
    assert p["problem"].tolist() == [
        f"a range ({ph}) in column ph: the lower bound 5.2 is used, the conservative reading of pH (the lower pH "
        "gives the stricter GB 15618 screening band and the higher crop uptake); give the single measured value"]
    assert text_of(cd["problem_msg"].iloc[0], "zh") == (
        f"cd_mg_kg列填写了范围（{cell}）：按保守取值采用上限0.4（金属含量取较高值只会使土壤类别或作物风险判断更严）；"
        "请填写单一实测值")


def test_range_in_another_column_is_rejected_naming_it(tmp_path):
    v = agriremed.validate_plots(_write(tmp_path, "plot_id,land_use,crop,area_ha,ph,cd_mg_kg,som_pct\n"
                                                  "A,paddy,rice,0.5,5.5,0.3,2~3\nB,paddy,rice,0.5,5.5,0.4-0.3,2\n"))
    e = v.errors
    assert e["input_row"].tolist() == [1, 2]
    assert e["problem"].iloc[0] == ("a range in column som_pct, not one number: write the measured value (a range is "
                                    "read only for a metal concentration, as its upper bound, and for pH, as its "
                                    "lower bound)")
    assert e["problem"].iloc[1] == "not a number"  # high below low: not a range


def test_panel_jiangxi_sheet_with_units_in_the_area_cells(tmp_path):
    """The county sheet of the review (GB18030, 面积 without unit, 2.5亩 … in the cells): every row with a
    readable area is read; the rows left out are those with another problem."""
    text = ("序号,样点编号,县,乡镇,村组,地类,作物,面积,pH,镉,铅,砷,汞\n"
            "1,GX-01,贵溪市,滨江镇,下村,水田,晚稻,2.5亩,5.3,0.9,60,14,0.2\n"
            "2,GX-02,贵溪市,滨江镇,村,水田,中稻,1.2公顷,6.1 (水浸),0.7,55,12,0.2\n"
            "3,GX-03,贵溪市,滨江镇,3组,旱地,花生,3亩,5.6,0.5,50,10,0.1\n"
            "4,GX-04,贵溪市,滨江镇,塅上村,水田,水稻,0.8亩,5.0,1.6,70,15,0.2\n"
            "5,GX-05,贵溪市,滨江镇,塅上村,菜地,小白菜,0.5亩,5.5,0.45,50,10,0.1\n"
            "6,GX-06,贵溪市,滨江镇,畈里村,水浇地,小麦,4亩,6.0,0.55,40,10,0.1\n"
            "7,GX-07,贵溪市,滨江镇,畈里村,园地,茶叶,6亩,4.8,0.5,100,10,0.1\n")
    p = tmp_path / "jx.csv"
    p.write_bytes(text.encode("gb18030"))
    v = agriremed.validate_plots(p)
    assert v.errors.empty, v.messages()
    assert len(v.plots) == 7
    assert v.plots["area_ha"].round(4).tolist() == [0.1667, 1.2, 0.2, 0.0533, 0.0333, 0.2667, 0.4]
