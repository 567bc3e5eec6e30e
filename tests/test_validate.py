"""Validation names row, column and expectation; valid rows are kept; nothing is dropped silently."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agriremed.io.validate import normalise_header, validate_plots

BAD = Path(__file__).parent / "bad_inputs"


def test_the_four_problems_are_all_named():
    v = validate_plots(BAD / "four_problems.csv")
    e = v.errors.set_index("input_row")
    assert e.loc[1, "column"] == "cd_mg_kg" and "negative" in e.loc[1, "problem"]
    assert e.loc[2, "column"] == "ph" and "above the valid range" in e.loc[2, "problem"]
    assert e.loc[2, "expected"] == "a number ≥ 2 and ≤ 11"
    assert e.loc[3, "column"] == "ph" and e.loc[3, "problem"] == "not a number" and e.loc[3, "value"] == "abc"
    assert e.loc[4, "column"] == "plot_id" and "blank" in e.loc[4, "problem"]
    assert len(v.errors) == 4
    assert v.plots["plot_id"].tolist() == ["A-05", "A-06"]
    assert v.rejected["input_row"].tolist() == [1, 2, 3, 4]
    assert len(v.plots) + len(v.rejected) == v.n_input == 6
    msgs = "\n".join(v.messages())
    assert "row 2 (line 3, plot A-02), column ph: value '15'" in msgs
    assert v.rejected["line"].tolist() == [2, 3, 4, 5]


def test_valid_sample_has_no_problem(sample_plots_path):
    v = validate_plots(sample_plots_path)
    assert v.ok and len(v.problems) == 0 and len(v.plots) == 16


def test_values_are_never_clipped(plots_factory):
    v = validate_plots(plots_factory(2, ph=[11.0, 11.01]))
    assert v.plots["ph"].tolist() == [11.0]
    assert v.rejected["input_row"].tolist() == [2]


def test_unusual_values_warn_but_are_kept(plots_factory):
    v = validate_plots(plots_factory(1, cd_mg_kg=250.0))
    assert v.ok and len(v.plots) == 1
    # the value above its typical range, and the column (its median, 250 > 100 × 0.3) as in µg/kg?
    assert v.warnings["column"].tolist() == ["cd_mg_kg", "cd_mg_kg"]
    assert v.warnings["problem"].str.startswith("most values of this column").sum() == 1
    assert v.plots.loc[0, "cd_mg_kg"] == 250.0


def test_zero_concentration_is_an_error(plots_factory):
    v = validate_plots(plots_factory(1, cd_mg_kg=0.0))
    assert "zero or negative" in v.errors["problem"].iloc[0]


def test_missing_metals_are_not_measured_but_a_row_needs_one(plots_factory):
    v = validate_plots(plots_factory(2, cd_mg_kg=[np.nan, 0.5], pb_mg_kg=[np.nan, np.nan]))
    assert v.plots["plot_id"].tolist() == ["P2"]
    assert "no metal concentration" in v.errors["problem"].iloc[0]
    assert np.isnan(v.plots.loc[0, "pb_mg_kg"])


def test_duplicate_ids_reject_all_copies(plots_factory):
    v = validate_plots(plots_factory(3, plot_id=["X", "Y", "X"]))
    assert v.plots["plot_id"].tolist() == ["Y"]
    # rice rows (the factory's crop): the message says how the early and the late rice of one field are marked
    assert set(v.errors["problem"]) == {
        "duplicate plot id (rows 1, 3): rows of rice with one id are read as one field's early and late rice only "
        "where each names its season: add 早稻/晚稻 to the crop cells, or -早/-晚 (-早稻/-晚稻, -early/-late) to the "
        "plot ids"}


def test_land_use_and_crop_spellings_are_mapped_and_reported(plots_factory):
    v = validate_plots(plots_factory(3, land_use=["水田", "Paddy", "paddy"], crop=["水稻", "Rice", "rice"]))
    assert v.plots["land_use"].tolist() == ["paddy"] * 3
    assert v.plots["crop"].tolist() == ["rice"] * 3
    # a code's own Chinese name (水田, 水稻) is read with a note; another spelling (Paddy, Rice) with a warning
    assert len(v.warnings) == 2 and v.ok
    notes = v.problems.loc[v.problems["severity"] == "note"]
    assert sorted(notes.loc[notes["column"].isin(["land_use", "crop"]), "value"].tolist()) == ["水田", "水稻"]


def test_unknown_land_use_and_crop(plots_factory):
    v = validate_plots(plots_factory(2, land_use=["forest", "paddy"], crop=["rice", "durian"]))
    assert v.errors[["input_row", "column"]].values.tolist() == [[1, "land_use"]]
    # a crop the library does not know is planned as a crop not modelled, with a warning
    assert v.plots["crop"].tolist() == ["unlisted"] and v.plots["crop_as_written"].tolist() == ["durian"]
    assert v.warnings.loc[v.warnings["column"] == "crop", "input_row"].tolist() == [2]
    assert "one of paddy" in v.errors["expected"].iloc[0]


def test_text_decimal_comma_is_explained(plots_factory):
    df = plots_factory(1).astype(object)
    df.loc[0, "ph"] = "5,6"
    v = validate_plots(df)
    assert "decimal comma" in v.errors["problem"].iloc[0]


@pytest.mark.parametrize(("cell", "number"), [("O.45", "0.45"), ("o.45", "0.45"), ("1.O5", "1.05"), ("Ｏ.45", "0.45")])
def test_letter_o_typed_for_zero_names_the_number_it_likely_means_without_reading_it(plots_factory, cell, number):
    """'O.45' (the letter O for the digit zero) is not read as a number: the row stays rejected and
    the message names the number it likely means (EN and 中文), not a unit or label typed in the cell."""
    from agriremed.core.messages import text_of

    df = plots_factory(2).astype(object)
    df.loc[0, "cd_mg_kg"] = cell
    v = validate_plots(df)
    assert v.rejected["input_row"].tolist() == [1] and len(v.plots) == 1
    e = v.errors
    assert (e["column"].tolist(), e["value"].tolist(), e["severity"].tolist()) == (["cd_mg_kg"], [cell], ["error"])
    assert e["problem"].tolist() == [f"the letter O typed for the digit zero? the cell likely means {number}: "
                                     f"write {number} if so (the cell is not read as a number)"]
    assert text_of(e["problem_msg"].iloc[0], "zh") == (f"单元格中似将字母O当作数字0输入：可能是{number}，"
                                                      f"如是请填写{number}（该单元格未按数字读取）")


@pytest.mark.parametrize(("cell", "problem"), [("O", "not a number"), ("0.45 mg", "a number with a unit or label")])
def test_cells_that_are_no_number_with_letter_o_keep_their_messages(plots_factory, cell, problem):
    df = plots_factory(1).astype(object)
    df.loc[0, "cd_mg_kg"] = cell
    assert validate_plots(df).errors["problem"].iloc[0].startswith(problem)


def test_missing_required_column_rejects_every_row(plots_factory):
    v = validate_plots(plots_factory(3).drop(columns=["ph"]))
    assert len(v.plots) == 0 and len(v.rejected) == 3
    assert "required column ph is missing" in set(v.errors["problem"])
    assert v.rejected["reasons"].str.contains("required column ph is missing").all()


def test_unknown_columns_are_kept(plots_factory):
    v = validate_plots(plots_factory(1, farmer="Li Wei"))
    assert "farmer" in v.plots.columns and v.plots.loc[0, "farmer"] == "Li Wei"
    assert v.warnings["column"].tolist() == ["farmer"]


def test_header_units_and_aliases():
    assert normalise_header("Cd (mg/kg)")[:2] == ("cd_mg_kg", 1.0)
    assert normalise_header("cd_ug_kg")[:2] == ("cd_mg_kg", 0.001)
    assert normalise_header("Pb_ppm")[:2] == ("pb_mg_kg", 1.0)
    assert normalise_header("pH")[0] == "ph"
    assert normalise_header("Cd")[2].endswith("(mg/kg assumed)")
    assert normalise_header("\ufeffplot_id")[0] == "plot_id"


def test_microgram_header_is_converted(plots_factory):
    df = plots_factory(1).rename(columns={"cd_mg_kg": "cd_ug_kg"})
    df["cd_ug_kg"] = 800.0
    v = validate_plots(df)
    assert v.plots.loc[0, "cd_mg_kg"] == pytest.approx(0.8)
    assert any("converted" in p for p in v.problems["problem"])


def test_gbk_encoded_file(tmp_path, plots_factory):
    df = plots_factory(1, land_use="水田", region="湖南/株洲")
    path = tmp_path / "gbk.csv"
    path.write_bytes(df.to_csv(index=False).encode("gbk"))
    v = validate_plots(path)
    assert v.ok and v.plots.loc[0, "region"] == "湖南/株洲"
    assert any("GB18030" in n for n in v.notes)


def test_excel_and_parquet(tmp_path, plots_factory):
    df = plots_factory(2)
    df.to_excel(tmp_path / "p.xlsx", index=False)
    df.to_parquet(tmp_path / "p.parquet")
    for name in ("p.xlsx", "p.parquet"):
        v = validate_plots(tmp_path / name)
        assert v.ok and v.plots["cd_mg_kg"].tolist() == [0.8, 0.8]


def test_empty_and_header_only_files(tmp_path):
    from agriremed.io.readers import InputFileError

    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputFileError, match="empty"):
        validate_plots(tmp_path / "empty.csv")
    (tmp_path / "head.csv").write_text("plot_id,land_use,ph,area_ha,crop,cd_mg_kg\n")
    v = validate_plots(tmp_path / "head.csv")
    assert v.n_input == 0 and not v.ok
    assert "no data rows" in v.errors["problem"].iloc[0]
    assert isinstance(v.plots, pd.DataFrame)


def test_numbers_given_in_a_dataframe_keep_full_precision(plots_factory):
    v = validate_plots(plots_factory(1, area_ha=123456.7891, cd_mg_kg=0.123456789))
    assert v.plots.loc[0, "area_ha"] == 123456.7891
    assert v.plots.loc[0, "cd_mg_kg"] == 0.123456789


# ---- headers with units, encodings, ragged rows, spreadsheets ------------------------------

@pytest.mark.parametrize("header, canonical, factor", [
    ("镉（mg/kg）", "cd_mg_kg", 1.0), ("铅(mg/kg)", "pb_mg_kg", 1.0), ("Cd [mg/kg]", "cd_mg_kg", 1.0),
    ("Pb (mg kg-1)", "pb_mg_kg", 1.0), ("Pb (mg·kg⁻¹)", "pb_mg_kg", 1.0), ("Cr（mg/kg）", "cr_mg_kg", 1.0),
    ("Zn, mg/kg", "zn_mg_kg", 1.0), ("Ni (µg/g)", "ni_mg_kg", 1.0), ("Cd mg/kg DW", "cd_mg_kg", 1.0),
    ("总镉", "cd_mg_kg", 1.0), ("有效态镉", "cd_dtpa_mg_kg", 1.0), ("CaCl2-Cd", "cd_cacl2_mg_kg", 1.0),
    ("有效态镉(CaCl2)(mg/kg)", "cd_cacl2_mg_kg", 1.0), ("汞（μg/kg）", "hg_mg_kg", 0.001),
    ("Zn (ppb)", "zn_mg_kg", 0.001), ("Pb（g/kg）", "pb_mg_kg", 1000.0), ("As(ppm)", "as_mg_kg", 1.0),
    ("面积（亩）", "area_ha", 1 / 15), ("亩", "area_ha", 1 / 15), ("公顷", "area_ha", 1.0),
    ("面积(m²)", "area_ha", 1e-4), ("平方米", "area_ha", 1e-4), ("有机质（g/kg）", "som_pct", 0.1),
    ("有机质(%)", "som_pct", 1.0), ("耕层厚度（cm）", "depth_m", 0.01),
    ("CEC (meq/100g)", "cec_cmol_kg", 1.0),
    ("pH (KCl)", "ph_kcl", 1.0), ("pH(H2O)", "ph", 1.0), ("地块编号", "plot_id", 1.0),
])
def test_header_spellings_and_units(header, canonical, factor):
    from agriremed.core.names import read_header

    h = read_header(header)
    assert h.error is None, h.error
    assert h.canonical == canonical
    assert h.factor == pytest.approx(factor, rel=1e-12)
    if factor != 1.0:  # every conversion names the unit read and the factor
        assert f"× {factor:.6g}" in h.note and h.unit in h.note


@pytest.mark.parametrize("header, piece", [
    ("Cd (mg/L)", "is not a unit of"), ("Cr(VI)", "is not a unit agriremed knows"),
    ("镉（鲜重）", "fresh-weight"), ("玉米地土壤镉", "looks like a metal column"),
    ("Pb_risk", "is not a unit agriremed knows"),
    ("pH (CaCl2)", "names pH measured in CaCl2"), ("面积（斤）", "not a unit"),
])
def test_unreadable_metal_or_unit_headers_are_errors(header, piece):
    from agriremed.core.names import read_header

    h = read_header(header)
    assert h.error is not None and piece in h.error and header in h.error and h.expected


def test_headers_without_metal_pass_through():
    from agriremed.core.names import read_header

    for header in ("farmer", "tl_mg_kg", "remark", "备注"):
        h = read_header(header)
        assert h.error is None and h.canonical not in ("cd_mg_kg", "area_ha")


def test_mu_is_exactly_one_fifteenth_of_a_hectare(tmp_path):
    path = tmp_path / "mu.csv"
    path.write_text("plot_id,land_use,crop,面积（亩）,ph,cd_mg_kg\nA,paddy,rice,1,5.4,0.8\nB,paddy,rice,15,5.4,0.8\n"
                    "C,paddy,rice,7.5,5.4,0.8\n", encoding="utf-8")
    v = validate_plots(path)
    assert v.plots["area_ha"].tolist() == pytest.approx([1 / 15, 1.0, 0.5], rel=1e-15)
    note = v.warnings.loc[v.warnings["column"] == "area_ha", "problem"].iloc[0]
    assert "values converted to ha (× 0.0666667)" in note


@pytest.mark.parametrize("text, encoding, expected", [
    ("plot_id,Cd (µg/kg),farmer\nA,800,Müller\n", "cp1252", "cp1252"),
    ("plot_id,remark\nA,café crème à Orléans\n", "cp1252", "cp1252"),
    ("地块编号,镉（mg/kg）,地区\nA,0.8,湖南省株洲市\n", "gbk", "GB18030"),
    ("地块编号,镉（mg/kg）\nA,0.8\n", "utf-16", "UTF-16"),
    ("地块编号,镉（mg/kg）\nA,0.8\n", "utf-8", "utf-8"),
    ("地块编号,镉（mg/kg）\nA,0.8\n", "utf-8-sig", "utf-8"),
])
def test_text_encodings_are_detected(text, encoding, expected):
    from agriremed.io.readers import decode_text

    decoded, enc = decode_text(text.encode(encoding))
    assert (decoded, enc) == (text, expected)


def test_single_byte_text_never_becomes_chinese():
    from agriremed.io.readers import decode_text

    # every cp1252 letter with a diacritic, each before an ASCII letter and before another one
    letters = "".join(chr(c) for c in range(0xC0, 0x100) if chr(c).isalpha())
    text = "name\n" + " ".join(f"{a}x{a}{b}" for a, b in zip(letters, letters[1:], strict=False)) + "\n"
    decoded, enc = decode_text(text.encode("cp1252"))
    assert enc == "cp1252" and decoded == text


def test_ragged_rows_are_rejected_with_their_line_and_the_rest_planned(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("plot_id,land_use,crop,area_ha,ph,cd_mg_kg,pb_mg_kg\n"
                    "A,paddy,rice,0.5,5.4,0.8,55\n"
                    "B,paddy,rice,0.5,5.4,0.8\n"          # one short: Pb would be padded, Cd kept
                    "C,paddy,rice,0.5,5.4,0.8,55,77\n"    # one long
                    "D,paddy,rice,0.5,5.4,0.3,40\n", encoding="utf-8")
    v = validate_plots(path)
    assert v.plots["plot_id"].tolist() == ["A", "D"]
    assert v.rejected["input_row"].tolist() == [2, 3] and v.rejected["line"].tolist() == [3, 4]
    e = v.errors.set_index("input_row")
    assert e.loc[2, "problem"].startswith("line has 6 cells but the header has 7 columns")
    assert e.loc[2, "column"] == "pb_mg_kg" and e.loc[3, "column"] == "pb_mg_kg"
    assert e.loc[3, "problem"].startswith("line has 8 cells but the header has 7 columns")
    assert len(v.errors) == 2  # nothing else is said about the unreadable rows
    assert "row 2 (line 3, plot B), column pb_mg_kg" in "\n".join(v.messages())


def test_unbalanced_quote_stops_the_file_naming_the_line(tmp_path):
    from agriremed.io.readers import InputFileError

    path = tmp_path / "quote.csv"
    path.write_text('plot_id,land_use,crop,area_ha,ph,cd_mg_kg\nA,paddy,rice,0.5,5.4,0.8\n'
                    'B,paddy,"rice,0.5,5.4,0.8\nC,paddy,rice,0.5,5.4,0.8\nD,paddy,rice,0.5,5.4,0.8\n',
                    encoding="utf-8")
    with pytest.raises(InputFileError, match="line 3: a quoted field starts on this line"):
        validate_plots(path)


def test_a_quoted_cell_with_a_line_break_is_one_row(tmp_path):
    path = tmp_path / "multiline.csv"
    path.write_text('plot_id,land_use,crop,area_ha,ph,cd_mg_kg,remark\nA,paddy,rice,0.5,5.4,0.8,"two\nlines"\n'
                    'B,paddy,rice,0.5,5.4,0.6,ok\n', encoding="utf-8")
    v = validate_plots(path)
    assert v.plots["remark"].tolist() == ["two\nlines", "ok"] and v.plots["line"].tolist() == [2, 4]
    assert any("lines 2–3 hold one row" in n for n in v.notes)


def test_excel_formula_cells_and_sheet_choice(tmp_path):
    from openpyxl import Workbook

    from agriremed.apps.cli import main
    from agriremed.io.readers import InputFileError

    wb = Workbook()
    ws = wb.active
    ws.title = "plots"
    ws.append(["plot_id", "land_use", "crop", "area_ha", "ph", "cd_mg_kg", "pb_mg_kg"])
    ws.append(["A", "paddy", "rice", 0.5, 5.4, 0.8, "=10*5"])
    ws.append(["B", "paddy", "rice", 0.5, 5.4, 0.6, 40])
    notes = wb.create_sheet("说明")
    notes.append(["采样于2024年"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(InputFileError, match=r"has 2 sheets with data \('plots', '说明'\)"):
        validate_plots(path)
    assert main(["validate", str(path)]) == 2
    v = validate_plots(path, sheet="plots")
    e = v.errors.iloc[0]
    assert (e["input_row"], e["line"], e["column"], e["value"]) == (1, 2, "pb_mg_kg", "=10*5")
    assert "formula without a saved value" in e["problem"]
    assert v.plots["plot_id"].tolist() == ["B"]
    assert main(["validate", str(path), "--sheet", "plots"]) == 1
    assert main(["validate", str(path), "--sheet", "0"]) == 1
    assert main(["plan", str(path), "--sheet", "plots", "--out", str(tmp_path / "out"), "--draws", "0",
                 "--no-report", "--quiet"]) == 0


def test_unit_spellings_cite_known_sources(tables):
    import csv
    from importlib import resources

    rows = list(csv.DictReader(resources.files("agriremed.data").joinpath("units.csv")
                               .read_text(encoding="utf-8").splitlines()))
    assert rows and all(r["source"] in set(tables.sources["key"]) for r in rows)
    assert any(r["spelling"] == "亩" and r["definition"] == "10000 / 15 * meter ** 2" for r in rows)


@pytest.mark.parametrize("crop, code", [("早稻", "rice"), ("稻谷", "rice"), ("冬小麦", "wheat"), ("夏玉米", "maize"),
                                        ("青菜", "pak_choi"), ("生菜", "lettuce"), ("无", "none")])
def test_chinese_crop_names(plots_factory, crop, code):
    v = validate_plots(plots_factory(1, crop=crop))
    assert v.ok and v.plots["crop"].tolist() == [code]
def test_basic_farmland_spellings_blanks_and_unknown_values(plots_factory):
    df = plots_factory(6, basic_farmland=["是", "否", "未知", "", "Yes", "maybe"])
    v = validate_plots(df)
    assert len(v.plots) == 6 and v.rejected.empty                  # an optional column never rejects
    assert v.plots["basic_farmland"].tolist() == ["yes", "no", "unknown", "unknown", "yes", "unknown"]
    pb = v.problems.loc[v.problems["column"] == "basic_farmland"]
    # 是, 否, 未知: the codes' own Chinese names, read with a note; Yes and maybe: warnings
    by_value = pb.loc[pb["input_row"].notna()].set_index("value")["severity"]
    assert by_value[["是", "否", "未知"]].tolist() == ["note"] * 3
    assert by_value[["Yes", "maybe"]].tolist() == ["warning"] * 2
    assert pb.loc[pb["input_row"].isna(), "severity"].tolist() == ["note"]  # the blank cell of row 4
    assert "unknown value: treated as unknown" in pb["problem"].tolist()
    assert pb["problem"].str.startswith("read as").sum() == 4       # 是, 否, 未知, Yes
    assert normalise_header("永久基本农田")[0] == "basic_farmland"


def test_basic_farmland_tick_and_cross_marks_and_english_words(plots_factory):
    marks = ["√", "✓", "✔", "是", "Y", "1", "×", "✗", "否", "N", "0", "", "Permanent basic farmland", "yes",
             "not permanent basic farmland"]
    v = validate_plots(plots_factory(len(marks), basic_farmland=marks))
    assert v.plots["basic_farmland"].tolist() == ["yes"] * 6 + ["no"] * 5 + ["unknown", "yes", "yes", "no"]
    pb = v.problems.loc[v.problems["column"] == "basic_farmland"]
    assert not pb["problem"].str.contains("unknown value").any()
    assert not pb["problem"].str.contains("only tick marks").any()   # not only ticks: no file warning


def test_basic_farmland_column_of_ticks_and_blanks_is_warned_once(plots_factory):
    v = validate_plots(plots_factory(4, basic_farmland=["√", "", "√", ""]))
    assert v.plots["basic_farmland"].tolist() == ["yes", "unknown", "yes", "unknown"]
    pb = v.problems.loc[v.problems["column"] == "basic_farmland"]
    note = pb.loc[pb["problem"].str.contains("only tick marks")]
    assert len(note) == 1 and "the 2 blank cell(s) are read as unknown" in note["problem"].iloc[0]


def test_blank_basic_farmland_cells_beside_values_are_noted_once_with_their_rows(plots_factory):
    from agriremed.core.messages import text_of

    v = validate_plots(plots_factory(6, basic_farmland=["是", "", "否", "", "", "是"]))
    assert v.plots["basic_farmland"].tolist() == ["yes", "unknown", "no", "unknown", "unknown", "yes"]
    pb = v.problems.loc[v.problems["column"].eq("basic_farmland") & v.problems["input_row"].isna()]
    assert pb["severity"].tolist() == ["note"]
    msg = pb["problem_msg"].iloc[0]
    assert text_of(msg, "en").startswith(
        "the permanent basic farmland cell is blank in rows 2, 4–5 (3 in all): read as unknown, not as no or yes; "
        "for them, forest or grass on strict-control land is offered only on condition that the plot is checked "
        "not to be basic farmland, and PV on orchard land is not excluded")
    assert text_of(msg, "zh").startswith("第2, 4–5条记录（共3条）的永久基本农田单元格为空：按未知处理")
    # every cell filled, or every cell blank (no column to speak of): nothing said
    for cells in (["是", "否"], ["", ""]):
        v = validate_plots(plots_factory(2, basic_farmland=cells))
        assert not (v.problems["column"].eq("basic_farmland") & v.problems["input_row"].isna()).any()


def test_problems_carry_message_codes():
    """Every problem of validate.py has its text as a message code: English renders to the
    problem text, Chinese to the catalogue's template; rejected reasons too."""
    from agriremed.core import messages

    df = pd.DataFrame({"plot_id": ["a", "a", "b"], "ph": ["x", "15", "6"], "cd_mg_kg": ["0", "0.5", "90"],
                       "land_use": ["Paddy", "moon", "paddy"], "crop": ["rice", "zz", "rice"]})
    v = validate_plots(df)
    p = v.problems
    coded = p.loc[p["problem_msg"] != ""]
    # only the header notes (read by the header reader) are not message codes yet
    assert p.loc[p["problem_msg"] == "", "problem"].str.startswith("header ").all() and len(coded) >= 8
    assert list(messages.render_column(coded["problem_msg"], "en")) == list(coded["problem"])
    e = p.loc[p["expected_msg"] != ""]
    assert list(messages.render_column(e["expected_msg"], "en")) == list(e["expected"])
    ph = p.loc[(p["column"] == "ph") & (p["input_row"] == 1)].iloc[0]
    assert messages.render(ph["problem_msg"], "zh") == "不是数字"
    assert messages.render(ph["expected_msg"], "zh") == "数值≥ 2且≤ 11"
    lu = p.loc[(p["column"] == "land_use") & (p["input_row"] == 1)].iloc[0]
    assert (lu["problem"], messages.render(lu["problem_msg"], "zh")) == ("read as paddy", "识别为水田")
    dup = p.loc[p["column"] == "plot_id"].iloc[0]
    # rice and a crop the library does not know (zz) under one id: the season rows of one field
    assert messages.render(dup["problem_msg"], "zh").startswith(
        "1个地块编号在种植不同作物或不同稻季的行中重复出现（共2行）：按同一田块的各季作物读取，不作为重复编号。"
        "这些行的地块编号为原编号加“~”和作物栏原文（a~rice / a~zz）")
    r = v.rejected.set_index("input_row")
    assert [messages.render(m, "en") for m in r["reasons_msg"]] == list(r["reasons"])
    zh = messages.render(r.loc[2, "reasons_msg"], "zh")
    # a crop the library does not know is not a reason (planned as a crop not modelled); each column by its
    # Chinese label (the English text and the problems' column field keep the code)
    assert "当前作物" not in zh and "未知作物" not in zh
    assert zh == (
        "土地利用类型：值'moon'——未知的土地利用类型：agriremed可规划水田（paddy）、旱地（upland）、果园（orchard）、"
        "菜地（vegetable）和边际土地（marginal，含荒地、矿区、废弃地）；土壤pH（水浸提）：值'15'——高于有效范围（应为数值≥ 2且≤ 11）")
    assert r.loc[2, "reasons"].startswith("land_use 'moon': unknown") and "crop 'zz'" not in r.loc[2, "reasons"]
    assert sorted(p.loc[p["input_row"] == 2, "column"]) == ["crop", "land_use", "ph"]
    crop = p.loc[(p["input_row"] == 2) & (p["column"] == "crop")].iloc[0]
    assert crop["severity"] == "warning" and crop["problem"].startswith("zz is not in the library's crops")


def test_cell_texts_of_object_columns_stripped_column_wise():
    """Text columns: each distinct text stripped once; missing cells ''; other objects as their text."""
    from agriremed.io.validate import as_text

    s = pd.Series(["  a ", None, "b", "  a ", np.nan, "\tc\n"], index=[5, 6, 7, 8, 9, 10], dtype=object)
    got = as_text(s)
    assert got.tolist() == ["a", "", "b", "a", "", "c"] and got.index.tolist() == [5, 6, 7, 8, 9, 10]
    mixed = pd.Series([1, " x ", np.nan, 2.5, True, None], dtype=object)
    assert as_text(mixed).tolist() == ["1", "x", "", "2.5", "True", ""]


def test_a_chunk_with_file_lines_reports_them_and_keeps_no_attrs(sample_plots_path):
    """A chunk read from a file carries its file lines in ``attrs``: problems name the line of their
    row, and the frames returned carry no copy of the lines."""
    df = pd.read_csv(sample_plots_path, dtype=str, keep_default_na=False).head(4)
    df.loc[2, "ph"] = "acid"
    df.attrs.update(header_line=3, lines=[10, 11, 14, 15], row_problems=[], decimal_comma=False)
    v = validate_plots(df)
    bad = v.problems.loc[v.problems["column"] == "ph"].iloc[0]
    assert (int(bad["input_row"]), int(bad["line"])) == (3, 14)
    assert v.rejected["line"].tolist() == [14] and v.plots["line"].tolist() == [10, 11, 15]
    assert v.plots.attrs == {} and v.rejected.attrs == {}
    assert df.attrs["lines"] == [10, 11, 14, 15]  # the caller's table is left as it was


def test_total_row_is_skipped_with_its_own_reason_only(tmp_path):
    # county sheets end with a 合计 row (sums of the area, blank pH): it is reported (a note) as a total row and
    # skipped, not rejected as a plot with a list of blank or unreadable cells
    f = tmp_path / "county.csv"
    f.write_text("plot_id,land_use,crop,ph,cd_mg_kg,area_ha\nA,paddy,rice,5.5,0.5,1\nB,paddy,rice,5.5,0.6,2\n"
                 "合计,,,,,3\n小 计,,,,,3\n", encoding="utf-8")
    v = validate_plots(f)
    assert len(v.plots) == 2 and len(v.rejected) == 0 and v.skipped["input_row"].tolist() == [3, 4]
    assert v.errors.empty
    errs = v.problems.loc[v.problems["input_row"].isin([3, 4])]
    assert errs["input_row"].tolist() == [3, 4] and set(errs["severity"]) == {"note"}
    assert set(errs["column"]) == {"plot_id"}
    assert errs["problem"].str.startswith("a total or summary row of the sheet").all()


# ---------------------------------------------------------------------------- DMS and swapped lat/lon
def test_degree_minute_second_coordinates_are_read_with_one_warning_per_column(plots_factory):
    from agriremed.io.validate import parse_dms

    lon = ["112°56′30″", "112°56'30\"", "112度56分30秒", "E112°56′30″", "113°10.5′", "东经112°56′30″"]
    lat = ["27°51′12″", "27°51'12\"", "27度51分12秒", "27°51′12″N", "28°10.5′", "北纬27°51′12″"]
    v = validate_plots(plots_factory(6, lon=lon, lat=lat))
    assert v.ok and len(v.plots) == 6
    np.testing.assert_allclose(v.plots["lon"].to_numpy(float),
                               [112.941666667] * 4 + [113.175, 112.941666667], atol=1e-8)
    np.testing.assert_allclose(v.plots["lat"].to_numpy(float), [27.853333333] * 4 + [28.175, 27.853333333],
                               atol=1e-8)
    pb = v.problems.loc[v.problems["column"].isin(["lat", "lon"])]
    assert len(pb) == 2 and pb["input_row"].isna().all()                 # one per column, not one per cell
    assert "6 value(s) written in degrees, minutes and seconds" in pb["problem"].iloc[0]
    val, dms, bad = parse_dms(pd.Series(["112°56′30″W", "27°51′12″S", "1.5"]), "lon")
    assert val[0] == pytest.approx(-112.941666667) and bad.tolist() == [False, True, False]


def test_invalid_degree_minute_second_is_a_row_error(plots_factory):
    v = validate_plots(plots_factory(3, lon=["112°60′30″", "112°56′75″", "112°56′30″"],
                                     lat=["27°51′12″"] * 3))
    assert len(v.rejected) == 2 and len(v.plots) == 1
    err = v.errors.loc[v.errors["column"] == "lon"]
    assert err["input_row"].tolist() == [1, 2]
    assert err["problem"].str.contains("minutes or seconds of 60 or more").all()
    assert v.plots["lon"].to_numpy(float) == pytest.approx([112.941666667])


def test_swapped_lat_lon_is_warned_by_row_and_not_swapped(plots_factory):
    # row 1 swapped (lon 27.85, lat 112.95: lat out of range), row 2 swapped within both ranges (Xinjiang:
    # lon 80.3, lat 41.2 given as lat 80.3, lon 41.2), row 3 right, row 4 outside China either way
    v = validate_plots(plots_factory(4, lat=["112.9542", "80.3", "27.85", "48.85"],
                                     lon=["27.8511", "41.2", "112.95", "2.35"]))
    assert len(v.plots) == 4
    sw = v.problems.loc[v.problems["problem"].str.contains("look swapped")]
    assert sw["input_row"].tolist() == [1, 2] and set(sw["severity"]) == {"warning"}
    assert sw["value"].tolist() == ["lat 112.954, lon 27.8511", "lat 80.3, lon 41.2"]
    lat, lon = v.plots["lat"].to_numpy(float), v.plots["lon"].to_numpy(float)
    assert np.isnan(lat[:2]).all() and np.isnan(lon[:2]).all()          # ignored, not swapped
    assert (lat[2], lon[2]) == (27.85, 112.95) and (lat[3], lon[3]) == (48.85, 2.35)


# ---------------------------------------------------------------------------- 三调 land classes
@pytest.mark.parametrize("value, land_use", [
    ("0101", "paddy"), ("101", "paddy"), ("水田（0101）", "paddy"), ("0101 水田", "paddy"), ("0102", "upland"),
    ("0103", "upland"), ("0201", "orchard"), ("0202", "orchard"), ("0204", "orchard"), ("其他园地", "orchard"),
    ("可调整果园", "orchard"), ("0201K", "orchard"), ("橡胶园", "orchard"), ("0602", "marginal"),
    ("裸土地", "marginal")])
def test_sandiao_land_class_codes_and_names_are_read(plots_factory, value, land_use):
    extra = {"crop": ["none"]} if land_use == "marginal" else {}  # wasteland grows no food crop
    v = validate_plots(plots_factory(1, land_use=[value], **extra))
    assert v.ok and v.plots["land_use"].tolist() == [land_use]
    pb = v.problems.loc[v.problems["column"] == "land_use"]
    assert pb["problem"].str.match(rf"read as {land_use}( \(land class \d{{4}}K? \S+\))?$").all()


@pytest.mark.parametrize("value, words", [
    ("1202", "land class 1202 设施农用地 (facility agricultural land"),
    ("耕地", "耕地 (01) is a level-1 class"), ("0101旱地", "unknown land use")])
def test_sandiao_land_classes_agriremed_does_not_plan_are_rejected_naming_the_class(plots_factory, value, words):
    v = validate_plots(plots_factory(2, land_use=[value, "水田"]))
    assert len(v.rejected) == 1 and len(v.plots) == 1
    err = v.errors.loc[v.errors["column"] == "land_use"]
    assert err["input_row"].tolist() == [1] and words in err["problem"].iloc[0]


@pytest.mark.parametrize("value, words", [
    ("0301", "land class 0301 乔木林地 (forest land"), ("竹林地", "land class 0302 竹林地 (forest land"),
    ("0404", "land class 0404 其他草地 (grassland"), ("0601", "land class 0601 工业用地 (construction land"),
    ("农村道路", "land class 1006 农村道路 (transport land"), ("1104", "land class 1104 坑塘水面 (water"),
    ("田坎", "land class 1203 田坎 (field ridges")])
def test_sandiao_land_classes_that_are_not_farmland_are_skipped_naming_the_class(plots_factory, value, words):
    v = validate_plots(plots_factory(2, land_use=[value, "水田"]))
    assert v.rejected.empty and len(v.plots) == 1 and v.skipped["input_row"].tolist() == [1]
    assert words in v.skipped["reason"].iloc[0] and "is not farmland" in v.skipped["reason"].iloc[0]
    assert v.errors.empty


def test_sandiao_layer_fields_dlmc_dlbm_tbbh(plots_factory):
    df = plots_factory(2).drop(columns=["land_use"]).rename(columns={"plot_id": "TBBH"})
    df.insert(1, "DLMC", ["水田", "其他园地"])
    df.insert(2, "DLBM", ["0101", "0204"])
    v = validate_plots(df)
    assert v.ok and v.plots["land_use"].tolist() == ["paddy", "orchard"]
    assert v.plots["plot_id"].tolist() == df["TBBH"].tolist()
    assert v.plots["dlbm"].tolist() == ["0101", "0204"]              # the code column passed through
    only_code = plots_factory(2).drop(columns=["land_use"])
    only_code["地类编码"] = ["0103", "0202"]
    v = validate_plots(only_code)
    assert v.ok and v.plots["land_use"].tolist() == ["upland", "orchard"]
    named = plots_factory(1).drop(columns=["land_use"])
    named["地类名称"] = ["旱地"]
    assert validate_plots(named).plots["land_use"].tolist() == ["upland"]


# ---------------------------------------------------------------------------- double-cropped rice
def test_double_cropped_rice_is_rice_with_a_warning_that_two_seasons_are_modelled(plots_factory):
    crops = ["双季稻", "早稻+晚稻", "早晚稻", "Double rice", "中稻", "早稻"]
    v = validate_plots(plots_factory(len(crops), crop=crops, land_use=["水田"] * len(crops)))
    assert v.ok and v.plots["crop"].tolist() == ["rice"] * 6
    pb = v.problems.loc[v.problems["column"] == "crop"]
    one = pb.loc[pb["problem"].str.contains("planned as TWO rice seasons a year")]
    assert one["input_row"].tolist() == [1, 2, 3, 4]                   # not 中稻 or 早稻 (one season each)
    assert v.plots["rice_seasons_per_yr"].head(4).tolist() == [2] * 4 and v.plots["rice_seasons_per_yr"].tail(2).isna().all()
    assert pb.loc[pb["input_row"] <= 4].groupby("input_row").size().eq(1).all()   # one warning per cell
    assert (pb.loc[pb["input_row"] > 4, "problem"] == "read as rice").all()


@pytest.mark.parametrize("header", ["采样点编号", "采样点号", "样点号", "点号", "TBBH", "图斑号"])
def test_more_plot_id_headers(header):
    assert normalise_header(header)[0] == "plot_id"


def test_sandiao_parcel_area_fields_are_square_metres():
    # 三调 database fields TBMJ (图斑面积) and TBDLMJ (图斑地类面积) are in m² by the data standard
    from agriremed.core.names import read_header

    for field in ("TBMJ", "tbdlmj"):
        h = read_header(field)
        assert (h.canonical, h.factor) == ("area_ha", 0.0001)
    df = pd.DataFrame({"TBBH": ["0012", "0013"], "DLMC": ["水田", "旱地"], "crop": ["rice", "wheat"], "ph": [5.5, 6.0],
                       "cd_mg_kg": [0.5, 0.4], "TBMJ": [6667.0, 12000.0]})
    v = validate_plots(df)
    assert v.ok and v.plots["area_ha"].tolist() == pytest.approx([0.6667, 1.2])
    assert v.plots["plot_id"].tolist() == ["0012", "0013"]


def test_a_warning_shared_by_many_rows_is_one_console_sentence(tmp_path, plots_factory, capsys):
    from agriremed.apps.cli import main

    df = plots_factory(205, land_use="paddy")
    df["region"] = ["湖南/株洲"] * 3 + ["花石镇"] * 200 + ["朝阳区", "朝阳区"]
    path = tmp_path / "plots.csv"
    df.to_csv(path, index=False)
    v = validate_plots(path)
    # problems.csv: still one row per plot and problem (planned + rejected = rows)
    unplaced = v.warnings.loc[v.warnings["value"] == "花石镇"]
    assert len(unplaced) == 200 and unplaced["input_row"].tolist() == list(range(4, 204))
    assert len(v.plots) == 205 and len(v.warnings) == 202
    grouped = v.messages()
    assert len(grouped) == 2
    assert grouped[0].startswith("WARNING rows 4–203 (lines 5–204; 200 rows), column region: value '花石镇' — ")
    assert grouped[1].startswith("WARNING rows 204–205 (lines 205–206; 2 rows), column region: value '朝阳区' — ")
    assert len(v.messages(group=False)) == 202
    assert main(["validate", str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert out.count("value '花石镇'") == 1 and "more (see problems.csv)" not in out
    assert len(pd.read_csv(tmp_path / "out" / "problems.csv")) == 202


def test_grouped_rows_are_ranges():
    from agriremed.io.validate import _ranges

    assert _ranges([9, 2, 3, 4, 12, 11]) == "2–4, 9, 11–12"
    assert _ranges(range(1, 40, 2)) == "1, 3, 5, 7, 9, 11, 13, 15, …"


def test_an_area_smaller_than_a_field_is_warned_about_and_planned(plots_factory):
    """Below min_field_area_ha (0.005 ha = 50 m², factors.csv) a plot is a sliver or a unit error:
    one warning on its row naming the area in m², the plot still valid; 0.005 ha and above: none
    (a 0.5-mu vegetable plot, 333 m², is an ordinary field)."""
    from agriremed.core import messages
    from agriremed.core.tables import load_tables

    assert load_tables().factor("min_field_area_ha") == 0.005
    df = plots_factory(5, land_use="paddy")
    df["area_ha"] = [0.0002, 0.0049, 0.005, 0.5, 0.00005]
    v = validate_plots(df)
    assert len(v.plots) == 5 and v.ok
    w = v.warnings.loc[v.warnings["column"] == "area_ha"]
    assert w["input_row"].tolist() == [1, 2, 5]  # one warning per row: not also "unusual value"
    assert w["problem"].iloc[0] == (
        "smaller than a field: 2 m², below 50 m² (0.005 ha; factor min_field_area_ha), the smallest plausible "
        "field: a GIS sliver, a fragment of a split parcel or an area in the wrong unit? planned as given; "
        "please check it")
    assert w["problem"].iloc[1].startswith("smaller than a field: 49 m², below 50 m²")
    assert w["problem"].iloc[2].startswith("smaller than a field: 0.5 m²")
    assert w["expected"].iloc[0] == "typically 0.005–1000 ha"
    assert messages.render(w["problem_msg"].iloc[0], "zh").startswith(
        "小于一块田：2平方米，低于可信的最小田块面积50平方米（0.005公顷；系数min_field_area_ha）")
    assert v.plots["area_ha"].tolist() == [0.0002, 0.0049, 0.005, 0.5, 0.00005]  # kept as given
    # areas in mu: 0.5 mu = 333 m² (a southern vegetable plot) is not warned about; 0.05 mu = 33 m² is
    mu = plots_factory(2, land_use="vegetable", crop="pak_choi").rename(columns={"area_ha": "面积（亩）"})
    mu["面积（亩）"] = [0.5, 0.05]
    wm = validate_plots(mu).warnings
    row = wm.loc[(wm["column"] == "area_ha") & wm["input_row"].notna()]
    assert row["input_row"].tolist() == [2]
    assert row["problem"].str.startswith("smaller than a field: 33.3 m²").tolist() == [True]


@pytest.mark.parametrize("rain, temp", [("年降水（mm）", "年均温（℃）"), ("年均降水（mm）", "年均气温（°C）"),
                                        ("年降雨量（毫米）", "年平均温度（℃）"), ("年均降水量", "年均温度")])
def test_short_chinese_climate_headers_are_read(rain, temp):
    # county sheets write 年降水（mm） and 年均温（℃）: read as annual_rain_mm (mm of the year = mm/yr) and
    # mean_temp_c, not passed through as unused columns
    df = pd.DataFrame({"地块编号": ["A"], "地区": ["湖南/长沙"], "土地利用类型": ["水田"], "作物": ["水稻"],
                       "面积（亩）": [30], "pH": [5.5], "镉（mg/kg）": [0.5], "基本农田": ["是"],
                       rain: [1400], temp: [17.5]})
    v = validate_plots(df)
    assert v.ok
    assert v.plots[["annual_rain_mm", "mean_temp_c"]].iloc[0].tolist() == [1400.0, 17.5]


def test_a_value_below_a_named_detection_limit_says_which_number_to_write():
    # '<0.05' in an extractable (CaCl2) metal, which no screening value decides: the officer is told to write a
    # number (the limit as an upper bound), not asked for the limit the cell already gives; '未检出' names none
    from agriremed.core import messages
    from plotdata import make_plots

    df = make_plots(3)
    df["cd_cacl2_mg_kg"] = pd.Series([0.06, "<0.05", "未检出"], dtype=object)
    v = validate_plots(df)
    assert v.rejected["input_row"].tolist() == [2, 3]
    r = v.rejected.set_index("input_row")["reasons"]
    assert r[2] == ("cd_cacl2_mg_kg '<0.05': below the detection limit 0.05: write a number in its place (the limit "
                    "0.05 as an upper bound, or the value your laboratory's rule gives), or leave blank if not measured "
                    "(expected a number ≥ 0 and ≤ 100000 mg kg⁻¹)")
    assert r[3].startswith("cd_cacl2_mg_kg '未检出': below the detection limit: enter the limit value")
    zh = messages.render(v.rejected.set_index("input_row").loc[2, "reasons_msg"], "zh")
    assert "值'<0.05'——低于检出限0.05：请改填数值（以检出限0.05作为上限" in zh


@pytest.mark.parametrize("header", ["土地利用现状", "利用现状", "现状地类", "土地利用现状类型"])
def test_present_use_headers_of_county_sheets_are_the_land_use(plots_factory, header):
    # 土地利用现状 is the present-use column of sheets built on the 三调 land classes: a paddy (水田)
    # and a mine site (采矿用地) are read from it, not guessed from the crop
    df = plots_factory(2).drop(columns=["land_use"])
    df.insert(1, header, ["水田", "旱地"])
    v = validate_plots(df)
    assert normalise_header(header)[0] == "land_use"
    assert v.ok and v.plots["land_use"].tolist() == ["paddy", "upland"]


@pytest.mark.parametrize("header", ["作物名称", "主栽作物", "现种作物", "当季作物"])
def test_more_crop_headers(plots_factory, header):
    df = plots_factory(1, crop=["水稻"]).rename(columns={"crop": header})
    v = validate_plots(df)
    assert v.ok and v.plots["crop"].tolist() == ["rice"]


def test_construction_land_skip_note_says_how_to_plan_a_disused_site_as_brownfield(plots_factory):
    from agriremed.core.messages import render
    v = validate_plots(plots_factory(1, land_use=["工业用地"]))
    note = v.skipped["reason"]
    assert v.rejected.empty and v.skipped["input_row"].tolist() == [1]
    assert ("construction land, land-use classification GB/T 21010 / 三调) is not farmland, outside what agriremed "
            "plans: skipped" in note.iloc[0])
    assert note.iloc[0].endswith(
        "not counted as rejected); a disused industrial or mining site (brownfield) is planned as marginal land: write "
        "工矿废弃地 (or brownfield) in its land-use cell to get the soft re-uses (solar PV, permanent cover, green space) "
        "with its soil screened against GB 36600-2018")
    zh = render(v.skipped["reason_msg"].iloc[0], "zh")
    assert "不计为拒绝）；已停用的工业或采矿场地（棕地）按边际土地规划：在其用地类型单元格中填写“工矿废弃地”" in zh
    assert "; ;" not in note.iloc[0] and "；；" not in zh
    forest = validate_plots(plots_factory(1, land_use=["0301"])).skipped
    assert "brownfield" not in forest["reason"].iloc[0]


def test_two_land_use_or_crop_columns_read_the_first_and_warn_where_they_differ(plots_factory):
    # a county sheet with the registered class (地类名称) and the present use (土地利用现状), or two crop
    # columns: the first is read, the other passed through; a row where they differ is warned about
    from agriremed.core.messages import render
    df = plots_factory(3, crop=["水稻", "玉米", "水稻"]).drop(columns=["land_use"]).rename(columns={"crop": "作物"})
    df.insert(1, "地类名称", ["水田", "旱地", "水田"])
    df.insert(2, "土地利用现状", ["水田", "旱地", "撂荒水田"])
    df["主要作物"] = ["水稻", "玉米", "玉米"]
    v = validate_plots(df)
    assert v.ok and len(v.plots) == 3 and v.rejected.empty
    assert v.plots["land_use"].tolist() == ["paddy", "upland", "paddy"]
    assert v.plots["crop"].tolist() == ["rice", "maize", "rice"]
    assert v.plots["土地利用现状"].tolist() == ["水田", "旱地", "撂荒水田"]        # passed through as written
    pr = v.problems
    differ = pr.loc[pr["problem_msg"].fillna("").str.contains("val.second_column_differs", regex=False)]
    differ = differ.sort_values("column", ascending=False)
    assert differ[["input_row", "column"]].values.tolist() == [[3, "land_use"], [3, "crop"]]
    assert differ["problem"].iloc[0] == ("column '土地利用现状' says 撂荒水田 here, not what '地类名称' says: "
                                         "'地类名称' is read — check which is right")
    assert render(differ["problem_msg"].iloc[1], "zh") == (
        "本行'主要作物'列为“玉米”，与'作物'列不同：按'作物'读取——请核对哪一列正确")
    note = pr.loc[pr["problem_msg"].fillna("").str.contains('"val.second_column"', regex=False)]
    assert sorted(note["problem"], reverse=True) == [
        "another column of the same kind besides '地类名称': '土地利用现状' is passed through as it is; '地类名称' is read",
        "another column of the same kind besides '作物': '主要作物' is passed through as it is; '作物' is read"]
