"""Output helpers: formula-looking cells, terminal text, output folders, table schemas."""

import io

import numpy as np
import pandas as pd
import pytest

from agriremed.io.outputs import (PLAN_OUTPUT_FILES, OutputError, check_out_dir, csv_text, neutralise_text,
                                  prepare_out_dir, table_schema, terminal_text)


@pytest.mark.parametrize("cell,written", [
    ("=1+2", "'=1+2"), ("+86 138", "'+86 138"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-", "'-"), ("+", "'+"), ("=", "'="),
    ("-1.5", "-1.5"), ("+3", "+3"), ("-2e-3", "-2e-3"), ("-.5", "-.5"), ("-1.5e", "'-1.5e"),
    ("-inf", "'-inf"), ("HN-01", "HN-01"), ("a=b", "a=b"), (" =x", " =x"), ("镉", "镉"), ("", ""),
])
def test_neutralise_text(cell, written):
    assert neutralise_text([cell]).tolist() == [written]


def test_non_text_cells_and_numbers_are_written_unchanged():
    df = pd.DataFrame({"x": [-1.5, np.nan, 2.0], "flag": [True, False, True],
                       "mixed": [None, True, "=a"], "=h": ["-", "ok", "-3"]})
    text = csv_text(df)
    # true/false as TRUE/FALSE: logical in R's read.csv (True/False are text there), bool in pandas, Excel
    assert text.splitlines() == ["x,flag,mixed,'=h", "-1.5,TRUE,,'-", ",FALSE,TRUE,ok", "2,TRUE,'=a,-3"]
    back = pd.read_csv(io.StringIO(text))
    assert back["x"].tolist()[0] == -1.5 and back["flag"].tolist() == [True, False, True]
    assert back["flag"].dtype == bool


def test_csv_text_columnwise_matches_hand_written_text_and_pandas():
    """The column-by-column CSV writer: %.10g floats (-0 kept, repeated values formatted once),
    missing values empty, minimal quoting of text with commas, quotes and line breaks, nullable
    integers, mixed objects; and the same text as pandas' ``to_csv``."""
    df = pd.DataFrame({
        "x": [1 / 3, -0.0, 0.0, np.nan, np.inf, 1 / 3],
        "n": np.array([3, -2, 0, 7, 7, 3], dtype=np.int64),
        "k": pd.array([1, None, 2, 2, None, 5], dtype="Int64"),
        "t": ["a,b", 'say "hi"', "two\nlines", "", None, "=1"],
        "m": [2.5, True, None, "x", 1, "y,z"],
    })
    text = csv_text(df)
    assert text == ('x,n,k,t,m\n'
                    '0.3333333333,3,1,"a,b",2.5\n'
                    '-0,-2,,"say ""hi""",TRUE\n'
                    '0,0,2,"two\nlines",\n'
                    ',7,2,,x\n'
                    ',7,,,1\n'
                    '0.3333333333,3,5,\'=1,"y,z"\n')
    from agriremed.io.outputs import neutralise_frame

    # pandas writes True; an infinite value is a blank cell (a spreadsheet reads 'inf' as text)
    logical = df.assign(m=[x if x is not True else "TRUE" for x in df["m"]], x=df["x"].replace(np.inf, np.nan))
    expected = neutralise_frame(logical).to_csv(index=False, float_format="%.10g", lineterminator="\n")
    assert text == expected
    assert csv_text(df, header=False) == expected.split("\n", 1)[1]
    assert csv_text(df.iloc[:0]) == "x,n,k,t,m\n"


def test_infinite_years_are_blank_in_csv_with_a_never_column_that_excel_pandas_and_r_read():
    """±inf is a blank cell (the missing-value convention of every CSV output); a column whose infinite value
    means "never" (years to target, payback) is followed by ``<name>_never`` (TRUE/FALSE, a logical in Excel,
    pandas and R), in every table that has it and in its datapackage.json schema."""
    import io

    from agriremed.io.outputs import table_schema

    df = pd.DataFrame({"plot_id": ["A", "B", "C"], "years_p50": [12.5, np.inf, np.nan],
                       "npv_cny_ha": [1.0, -np.inf, 2.0]})
    text = csv_text(df)
    assert text == ("plot_id,years_p50,years_p50_never,npv_cny_ha\n"
                    "A,12.5,FALSE,1\nB,,TRUE,\nC,,FALSE,2\n")
    back = pd.read_csv(io.StringIO(text))
    assert back["years_p50"].dtype == float and back["years_p50_never"].dtype == bool
    assert csv_text(df.iloc[:0]) == "plot_id,years_p50,years_p50_never,npv_cny_ha\n"   # one header for every chunk
    fields = table_schema(df)["fields"]
    assert [f["name"] for f in fields] == ["plot_id", "years_p50", "years_p50_never", "npv_cny_ha"]
    assert fields[2]["type"] == "boolean" and fields[2]["title_zh"] == "永不达标（P50）"
    assert [f["name"] for f in table_schema(df, csv=False)["fields"]] == ["plot_id", "years_p50", "npv_cny_ha"]


def test_unchanged_frames_are_not_copied():
    from agriremed.io.outputs import neutralise_frame

    df = pd.DataFrame({"a": ["x", "y"] * 3, "b": [1, 2] * 3})
    assert neutralise_frame(df) is df


def test_terminal_text_strips_escape_sequences_and_controls():
    s = "a\x1b[31mb\x1b[0m\x1b]8;;http://x\x1b\\c\x1b]0;title\x07d\x07e\bf\rg\x00h\x9bi\u202ej\u2066k\n\tl"
    assert terminal_text(s) == "abcdefghijk\n\tl"
    assert terminal_text("镉 mg/kg — 地块") == "镉 mg/kg — 地块"


def test_prepare_out_dir_removes_only_listed_files(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    for name in ("report.html", "plan.csv", "summary.parquet", "run.json"):
        (out / name).write_text("old", encoding="utf-8")
    (out / "mine.csv").write_text("keep", encoding="utf-8")
    (out / "sub").mkdir()
    assert prepare_out_dir(out) == out
    assert sorted(p.name for p in out.iterdir()) == ["mine.csv", "sub"]
    assert {"report.html", "plan.csv", "summary.parquet", "datapackage.json"} <= set(PLAN_OUTPUT_FILES)


def test_out_dir_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file"):
        check_out_dir(f)
    with pytest.raises(OutputError, match="which is a file"):
        prepare_out_dir(f / "sub")
    assert check_out_dir(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"


def test_table_schema_types_units_and_labels():
    df = pd.DataFrame({"plot_id": ["a"], "area_ha": [1.0], "input_row": [1], "applicable": [True],
                       "npv_gbp_ha": [3.0], "farmer": ["x"], "=f": ["y"]})
    f = {x["name"]: x for x in table_schema(df, passed_through=["farmer"])["fields"]}
    assert [f[k]["type"] for k in ("plot_id", "area_ha", "input_row", "applicable")] == \
        ["string", "number", "integer", "boolean"]
    area = f["area_ha"]
    assert (area["unit"], area["unit_display"], area["title_zh"]) == ("ha", "ha", "面积")
    assert f["npv_gbp_ha"]["unit"] == "GBP/ha" and f["npv_gbp_ha"]["unit_display"] == "GBP ha⁻¹"
    assert f["farmer"]["description"] == "input column passed through unchanged"
    assert "'=f" in f and f["'=f"]["unit"] == ""


# ---- numbers for people ------------------------------------------------------------------------

from agriremed.io.outputs import format_number  # noqa: E402


@pytest.mark.parametrize("x,kw,en,zh", [
    (133456.7, {}, "133,457", "133,457"),
    (1.33e5, {}, "133,000", "133,000"),
    (1234.5, {}, "1,235", "1,235"),             # half away from zero, not to even
    (-1234.5, {}, "-1,235", "-1,235"),
    (12.345, {}, "12.3", "12.3"),
    (0.000123456, {}, "0.000123", "0.000123"),
    (99.96, {}, "100", "100"),
    (-0.0000001, {}, "0", "0"),                   # never "-0"
    (2.0, {"signed": True}, "+2", "+2"),
    (-2.0, {"signed": True}, "-2", "-2"),
    (1e15, {}, "1,000,000,000,000,000", "1,000,000,000,000,000"),
    (float("nan"), {"unit": "CNY"}, "–", "–"),
    (None, {}, "–", "–"),
    (float("inf"), {}, "∞", "∞"),
    (1234.5, {"unit": "CNY/ha"}, "1,235 CNY ha⁻¹", "1,235元/公顷"),
    # per hectare × area = the plot's total: 1234.5 × 2.5 = 3086.25 CNY
    (1234.5, {"unit": "CNY/ha", "area_ha": 2.5}, "3,086 CNY", "3,086元"),
    (-40000.0, {"unit": "CNY/ha", "area_ha": 0.42}, "-16,800 CNY", "-16,800元"),
    (15.6, {"unit": "ha"}, "15.6 ha", "15.6公顷"),
    (-206.4, {"unit": "t CO2e", "signed": True}, "-206 t CO₂e", "-206吨CO₂当量"),
])
def test_format_number_in_both_languages(x, kw, en, zh):
    assert format_number(x, "en", **kw) == en
    assert format_number(x, "zh", **kw) == zh
    assert "e+" not in en and "e-" not in en


def test_format_number_never_writes_an_exponent():
    for v in np.concatenate([10.0 ** np.arange(-8, 17), -(10.0 ** np.arange(-8, 17)), [1.33e5, 7.2e-5]]):
        text = format_number(v)
        assert "e" not in text.lower(), (v, text)
        if abs(v) >= 100:  # whole numbers keep every digit: the text reads back as the rounded value
            assert float(text.replace(",", "")) == round(v)


def test_english_sentences_the_planner_wrote_are_kept_and_equal_their_messages():
    """translate_frame in English keeps a sentence already written beside its message and renders
    only the empty ones; the planner's English sentences are the English renderings of their
    messages (so keeping them changes no output)."""
    import agriremed
    from agriremed.core import messages
    from agriremed.core.messages import Message
    from agriremed.io.outputs import MESSAGE_COLUMNS, translate_frame
    from agriremed.io.synthetic import sample_plots

    m = Message.of("reuse.grazing").encode()
    df = pd.DataFrame({"reason": ["as written", "", np.nan], "reason_msg": [m, m, m]})
    got = translate_frame(df, "en")["reason"].tolist()
    assert got[0] == "as written" and got[1] == got[2] == messages.render(m, "en") != ""
    assert translate_frame(df, "zh")["reason"].tolist() == [messages.render(m, "zh")] * 3
    p = agriremed.plan(sample_plots(), agriremed.Scenario(mc_draws=0), progress=False)
    checked = 0
    for t in (p.table, p.summary, p.rejected):
        for c in MESSAGE_COLUMNS:
            if c in t and f"{c}_msg" in t:
                text = t[c].to_numpy(object)
                has = np.array([messages.is_encoded(v) for v in t[f"{c}_msg"]], dtype=bool)
                rendered = messages.render_column(t[f"{c}_msg"].to_numpy(object)[has], "en", p.tables)
                assert (rendered == text[has]).all(), c
                checked += int(has.sum())
    assert checked > 1000
