"""File reading and header messages as codes: reader notes, input-file errors, header notes and
errors, rows the reader could not read. English texts as before; other languages rendered from
the messages (no pattern matching of English)."""

import pickle

import pytest
from test_bad_inputs import CASES, write_case

import agriremed
from agriremed.core import i18n, messages
from agriremed.core.messages import Message, Note
from agriremed.core.names import read_header
from agriremed.engine.stream import validate_stream
from agriremed.io.pairs import validate_pairs
from agriremed.io.readers import InputFileError, read_table, row_width_problem

BY_ID = {c["id"]: c for c in CASES}


@pytest.fixture
def no_patterns(monkeypatch):
    """The translation patterns of English text are not used (a test fails if they are)."""
    monkeypatch.setattr(i18n, "message", lambda *a, **k: pytest.fail("regex translation used"))


def _both(m):
    return messages.render(m, "en"), messages.render(m, "zh")


def test_header_unit_note(no_patterns):
    h = read_header("面积（亩）")
    # 1 亩 = 1/15 ha = 0.0666667 ha (6 significant digits)
    assert h.note_msg.codes == ("val.header_unit",)
    assert h.note == "header '面积（亩）' states 亩: values converted to ha (× 0.0666667) as area_ha"
    assert _both(h.note_msg) == (h.note, "表头'面积（亩）'注明单位为亩：数值已换算为ha（×0.0666667），列名area_ha（面积）")
    bare = read_header("area")  # an English area header without a unit: hectares, said so
    assert _both(bare.note_msg) == (
        "header 'area' has no unit: read as area_ha (ha assumed; write the unit in the header, e.g. 面积（亩）, "
        "if not ha)",
        "表头'area'未注明单位：识别为area_ha（面积，按ha处理；如单位不是ha，请在表头注明单位，如面积（亩））")
    bare_zh = read_header("面积")  # a Chinese one: 亩, the unit of Chinese county sheets, said so
    assert (bare_zh.factor, bare_zh.unit, bare_zh.assumed) == (1 / 15, None, "亩")
    assert _both(bare_zh.note_msg) == (
        "header '面积' has no unit: read as area_ha in 亩 (a bare 面积 on a Chinese county sheet is almost always 亩), "
        "converted to ha (× 0.0666667); write the unit in the header: 面积（亩）, or 面积（公顷） for hectares",
        "表头'面积'未注明单位：识别为area_ha（面积），按亩读取（中文台账中不带单位的“面积”几乎都是亩），已换算为公顷（×0.0666667）；"
        "请在表头注明单位：面积（亩），如为公顷请写面积（公顷）")
    same = read_header("镉（mg kg-1）")
    assert _both(same.note_msg) == ("header '镉（mg kg-1）' read as cd_mg_kg (mg kg-1 = mg/kg, × 1)",
                                    "表头'镉（mg kg-1）'识别为cd_mg_kg（mg kg-1 = mg/kg，×1）")
    avail = read_header("有效态镉")
    assert avail.note.endswith("name the extraction in the header, e.g. CaCl2-Cd, if another was used)")
    assert messages.render(avail.note_msg, "zh") == (
        "表头'有效态镉'未注明单位：识别为cd_dtpa_mg_kg（土壤DTPA提取态镉，按mg/kg处理）（未注明提取方法的有效态按DTPA提取态读取，"
        "即“HJ 804-2016”的方法；如用其他提取方法，请在表头注明，如CaCl2-Cd）")


def test_header_error_and_range_expected(no_patterns):
    h = read_header("镉（mg/L）")
    assert h.error_msg.codes == ("val.header_not_unit_of",) and h.expected_msg.codes == ("exp.unit_of",)
    assert _both(h.error_msg) == (h.error, "表头'镉（mg/L）'：单位'mg/L'不是mg kg⁻¹的单位")
    assert h.error == "header '镉（mg/L）': unit 'mg/L' is not a unit of mg kg⁻¹"
    assert _both(h.expected_msg) == ("a unit of mg kg⁻¹ (e.g. mg/kg, µg/kg, mg kg-1, ppm)",
                                     "mg kg⁻¹的单位（如mg/kg, µg/kg, mg kg-1, ppm）")
    two = read_header("镉（mg/kg）（ppm）")
    assert _both(two.error_msg) == ("header '镉（mg/kg）（ppm）': two units 'mg/kg' and 'ppm'",
                                    "表头'镉（mg/kg）（ppm）'：同时注明了两个单位'mg/kg'和'ppm'")
    # the valid range of a pairs column: the same codes as the plot checks
    between = Message.of("exp.number_between", lo="> 0", hi="≤ 100000", unit=Message.of("exp.unit", unit="mg/kg"))
    assert _both(between) == ("a number > 0 and ≤ 100000 mg kg⁻¹", "数值> 0且≤ 100000 mg/kg")


def test_header_notes_reach_the_problems_table_as_messages(tmp_path):
    v = agriremed.validate_plots(write_case(BY_ID["zh_headers_with_units_gbk"], tmp_path))
    p = v.problems.set_index("column")
    assert p.loc["area_ha", "problem"] == "header '面积（亩）' states 亩: values converted to ha (× 0.0666667) as area_ha"
    assert messages.render(p.loc["area_ha", "problem_msg"], "zh") == \
        "表头'面积（亩）'注明单位为亩：数值已换算为ha（×0.0666667），列名area_ha（面积）"
    assert messages.render(p.loc["depth_m", "problem_msg"], "zh") == \
        "表头'耕层厚度（cm）'注明单位为cm：数值已换算为m（×0.01），列名depth_m（耕层/处理层厚度）"
    header_rows = p["problem"].str.startswith("header ")
    assert header_rows.sum() == 11 and (p.loc[header_rows, "problem_msg"] != "").all()


def test_ragged_line(no_patterns):
    short = row_width_problem(3, ["A", "paddy"], ["plot_id", "land_use", "crop", "ph"])
    assert (short["row"], short["column"], short["value"]) == (3, "crop", "A | paddy")
    assert (short["problem"], short["expected"]) == (
        "line has 2 cells but the header has 4 columns: cells are missing, so the values cannot be matched "
        "to their columns (the row is not read)", "4 cells, one per column")
    assert messages.render(short["problem_msg"], "zh") == \
        "该行有2个单元格，而表头有4列：缺少单元格，数值无法与列对应（该行未读取）"
    assert messages.render(short["expected_msg"], "zh") == "4个单元格，每列一个"
    long = row_width_problem(0, list("abcde"), ["plot_id", "land_use", "crop", "ph"])
    assert messages.render(long["problem_msg"], "zh") == \
        "该行有5个单元格，而表头有4列：最后一列之后还有单元格，数值无法与列对应（该行未读取）"
    assert long["expected"].endswith("a number written with a comma (1,480 or 5,4) splits a cell: write it without "
                                     "the comma, or put it in quotes")


@pytest.mark.parametrize("streamed", [False, True])
def test_ragged_line_in_a_file_is_rejected_with_its_message(tmp_path, streamed):
    path = write_case(BY_ID["short_row_not_padded"], tmp_path)
    v = validate_stream(path, chunk_size=2) if streamed else agriremed.validate_plots(path)
    bad = v.problems.loc[v.problems["problem"].str.startswith("line has")]
    assert len(bad) == 1 and bad["column"].iloc[0] == "pb_mg_kg"
    assert list(messages.column_texts(bad, "problem", "zh")) == [
        "该行有10个单元格，而表头有11列：缺少单元格，数值无法与列对应（该行未读取）"]
    assert list(messages.column_texts(bad, "expected", "zh")) == ["11个单元格，每列一个"]
    assert list(messages.column_texts(v.rejected, "reasons", "zh")) == [
        "土壤总铅：该行有10个单元格，而表头有11列：缺少单元格，数值无法与列对应（该行未读取）（应为11个单元格，每列一个）"]
    assert v.rejected["reasons"].iloc[0].startswith("pb_mg_kg: line has 10 cells")


def test_formula_without_saved_value(tmp_path):
    v = agriremed.validate_plots(write_case(BY_ID["xlsx_formula_without_saved_value"], tmp_path))
    f = v.problems.loc[v.problems["problem"].str.startswith("formula")]
    assert len(f) == 1
    assert f["problem_msg"].iloc[0] == '[["val.formula_no_value"]]'
    assert list(messages.column_texts(f, "expected", "zh")) == ["用Excel或“WPS”表格打开并保存文件（或粘贴为数值）"]


def test_encoding_and_separator_notes(tmp_path, no_patterns):
    p = tmp_path / "县.csv"
    p.write_bytes("地块编号;土地利用类型;作物;pH;镉（mg/kg）\nG-01;水田;水稻;5,4;0,8\n".encode("gbk"))
    _, notes = read_table(p)
    assert notes == ["县.csv was read with the GB18030 text encoding", "县.csv is separated by semicolons"]
    assert all(isinstance(n, Note) for n in notes)
    assert [messages.text_of(n, "zh") for n in notes] == ["县.csv按GB18030编码读取", "县.csv以分号分隔"]
    assert [n.message.codes for n in notes] == [("io.encoding",), ("io.separator",)]
    # a note is its English text: joined, printed and pickled as before
    assert "; ".join(notes) == "县.csv was read with the GB18030 text encoding; 县.csv is separated by semicolons"
    back = pickle.loads(pickle.dumps(notes[1]))
    assert back == notes[1] and back.message == notes[1].message


def test_sheet_choice(tmp_path, no_patterns):
    with pytest.raises(InputFileError) as e:
        read_table(write_case(BY_ID["xlsx_several_sheets"], tmp_path))
    name = "xlsx_several_sheets.xlsx"
    assert str(e.value) == (f"{name} has 2 sheets with data ('镇A', '镇B'): choose the sheet of plots with "
                            "--sheet NAME")
    assert messages.text_of(e.value, "zh") == \
        f"{name}有2个含数据的工作表（'镇A', '镇B'）：请用“--sheet 工作表名”选择地块所在的工作表"
    _, notes = read_table(tmp_path / name, sheet="镇B")
    assert [(n, messages.text_of(n, "zh")) for n in notes] == [
        (f"{name}: sheet '镇B' read", f"{name}：已读取工作表'镇B'")]
    with pytest.raises(InputFileError) as e:
        read_table(tmp_path / name, sheet=5)
    assert _both(e.value.message) == (
        f"{name} has no sheet number 5 (sheets are numbered from 0): its sheets are '镇A', '镇B'",
        f"{name}中没有第5个工作表（从0开始编号）：其工作表为'镇A', '镇B'")
    # an error keeps its message through pickling (a worker process)
    assert pickle.loads(pickle.dumps(e.value)).args == e.value.args


def test_unbalanced_quote_names_where_the_quote_runs_to(tmp_path, no_patterns):
    p = tmp_path / "q.csv"
    p.write_text('plot_id,land_use,crop,ph,cd_mg_kg\nA,paddy,"rice,5.2,0.5\nB,paddy,rice,5.4,0.3\n')
    with pytest.raises(InputFileError) as e:
        read_table(p)
    assert _both(e.value.message) == (
        "q.csv: line 2: a quoted field starts on this line and is not closed on it (the quote runs to the end "
        "of the file, taking in 1 more line(s)): an unbalanced quote. Close the quote on line 2 or remove it",
        "q.csv：第2行：引号在该行开始却没有在该行闭合（引号延续到文件末尾，吞并了其后1行）：引号不成对。"
        "请在第2行补全引号或删除引号")
    assert str(e.value) == messages.render(e.value.message, "en")


# Chinese texts of reading the bundled Chinese-header inputs, as shown before the messages
# (translated from English by patterns): rendered from the messages, unchanged.
CHINESE_NOTES = {
    "zh_headers_with_units_gbk": ["zh_headers_with_units_gbk.csv按GB18030编码读取"],
    "zh_headers_xls": ["zh_plots.xls：已读取工作表'地块'（其他工作表为空）"],
    "gbk_chinese": ["gbk_chinese.csv按GB18030编码读取"],
    "excel_merged_header": ["excel_merged_header.xlsx：表头位于第2行，已跳过其上方的1行标题"],
    "xlsx_sheet_chosen": ["xlsx_sheet_chosen.xlsx：已读取工作表'镇B'"],
    "utf16_tab_separated": ["utf16_tab_separated.csv按UTF-16编码读取", "utf16_tab_separated.csv以制表符分隔"],
    "empty_rows_between_plots": ["empty_rows_between_plots.csv：已忽略1个空行（第3行）"],
}


@pytest.mark.parametrize("case_id", sorted(CHINESE_NOTES))
@pytest.mark.parametrize("streamed", [False, True])
def test_chinese_notes_of_chinese_inputs_are_unchanged(tmp_path, case_id, streamed, no_patterns):
    case = BY_ID[case_id]
    path = write_case(case, tmp_path)
    v = (validate_stream(path, chunk_size=2, sheet=case.get("sheet")) if streamed
         else agriremed.validate_plots(path, sheet=case.get("sheet")))
    assert [messages.text_of(n, "zh") for n in v.notes] == CHINESE_NOTES[case_id]


def test_portfolio_dashboard_shows_the_notes_in_chinese(tmp_path):
    pytest.importorskip("ipywidgets")
    from agriremed.apps.dashboards.portfolio import Portfolio

    path = write_case(BY_ID["utf16_tab_separated"], tmp_path)
    d = Portfolio(background=False)
    d.validation = agriremed.validate_plots(path)
    html = d._read_notes("zh")
    assert "utf16_tab_separated.csv按UTF-16编码读取" in html and "utf16_tab_separated.csv以制表符分隔" in html


def test_pairs_header_notes_and_checks_as_messages(tmp_path):
    p = tmp_path / "pairs.csv"
    p.write_text("pair_id,soil_cd_ug_kg,plant_cd,ph\n1,300,0.05,5.5\n2,400,abc,5.6\n")
    v = validate_pairs(p, needed=("ph",))
    pr = v.problems.fillna({"expected": "", "expected_msg": "", "problem_msg": ""}).set_index("column")
    assert pr.loc["soil_cd_mg_kg", "problem"] == \
        "header 'soil_cd_ug_kg' states µg/kg: values converted to mg/kg (× 0.001) as soil_cd_mg_kg"
    assert messages.render(pr.loc["plant_cd_mg_kg", "problem_msg"].iloc[0], "zh") == \
        "表头'plant_cd'识别为plant_cd_mg_kg（按mg/kg处理）"
    bad = pr.loc[pr["problem"] == "not a number"]
    assert len(bad) == 1 and messages.render(bad["problem_msg"].iloc[0], "zh") == "不是数字"
    assert messages.render(bad["expected_msg"].iloc[0], "zh") == "数值> 0且≤ 100000 mg/kg"
