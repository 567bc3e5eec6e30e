"""Chunked portfolio runs give the in-memory plan's numbers, rows and messages."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.apps.cli import main
from agriremed.io.readers import InputFileError
from agriremed.engine.plan import rerank
from agriremed.engine.stream import duplicate_ids, iter_chunks, plan_stream
from agriremed.io.synthetic import synthetic_plots

SC = agriremed.Scenario(mc_draws=20, seed=11)


def _body(path):
    """The lines of a CSV output (header first; the provenance is in run.json)."""
    return path.read_text(encoding="utf-8-sig").splitlines()


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    return df.astype(object).where(df.notna(), None)


@pytest.fixture(scope="module")
def messy_csv(tmp_path_factory):
    """130 plots with a title line, blank lines, a bad pH and a plot id repeated across chunks."""
    df = synthetic_plots(130, seed=4)
    df.loc[7, "ph"] = 15.0
    df.loc[100, "plot_id"] = df.loc[3, "plot_id"]
    path = tmp_path_factory.mktemp("stream") / "county.csv"
    lines = df.to_csv(index=False, lineterminator="\n").splitlines()
    lines = ["Survey of 2025,,,", *lines[:40], "", *lines[40:90], ",,,", *lines[90:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def whole(messy_csv, tmp_path_factory):
    p = agriremed.plan(messy_csv, SC, progress=False)
    out = tmp_path_factory.mktemp("whole")
    p.write(out, report=False)
    return p, out


@pytest.mark.parametrize("chunk_size", [9, 1000])
def test_streamed_csv_outputs_equal_the_in_memory_files(messy_csv, whole, tmp_path, chunk_size):
    p, out = whole
    r = plan_stream(messy_csv, SC, out=tmp_path, chunk_size=chunk_size, fmt="csv", progress=False)
    for name in ("plan", "summary", "rejected", "problems"):
        assert _body(tmp_path / f"{name}.csv") == _body(out / f"{name}.csv"), name
    assert r.n_input == 130 and r.n_planned == 127 and len(r.rejected) == 3
    assert r.n_planned + len(r.rejected) == r.n_input
    assert r.n_chunks == -(-130 // chunk_size)
    assert sorted(r.rejected["input_row"]) == [4, 8, 101]


def test_streamed_file_lines_and_notes_match_the_reader(messy_csv, whole, tmp_path):
    p, _ = whole
    r = plan_stream(messy_csv, SC, chunk_size=30, progress=False)
    assert r.rejected["line"].tolist() == p.rejected["line"].tolist() == [6, 10, 105]
    assert r.notes == p.notes
    assert any("header found on line 2" in n for n in r.notes)
    assert any("2 empty line(s) ignored (line 42, 93)" in n for n in r.notes)
    pd.testing.assert_frame_equal(_norm(r.summary), _norm(p.summary))


def test_parquet_outputs_hold_the_plan_with_provenance(messy_csv, whole, tmp_path):
    import pyarrow.parquet as pq

    p, _ = whole
    r = plan_stream(messy_csv, SC, out=tmp_path, chunk_size=40, fmt="parquet", progress=False)
    pd.testing.assert_frame_equal(_norm(pd.read_parquet(r.paths["plan"])), _norm(p.table))
    pd.testing.assert_frame_equal(_norm(pd.read_parquet(r.paths["summary"])), _norm(p.summary))
    meta = pq.read_schema(r.paths["plan"]).metadata[b"agriremed"].decode()
    assert f"agriremed {agriremed.__version__}" in meta and '"seed": 11' in meta
    run = json.loads((tmp_path / "run.json").read_text())
    assert (run["rows_read"], run["plots_planned"], run["rows_rejected"], run["chunks"]) == (130, 127, 3, 4)


def test_parquet_and_dataframe_sources_give_the_same_summary(tmp_path):
    df = synthetic_plots(60, seed=8)
    df.to_parquet(tmp_path / "p.parquet")
    ref = agriremed.plan(df, SC, progress=False).summary
    for src in (tmp_path / "p.parquet", df):
        r = plan_stream(src, SC, chunk_size=16, progress=False)
        pd.testing.assert_frame_equal(_norm(r.summary), _norm(ref))


def test_duplicate_ids_are_found_across_chunks():
    df = synthetic_plots(50, seed=1)
    df.loc[[2, 30, 49], "plot_id"] = "X"
    assert duplicate_ids(df, chunk_size=7) == {"X": "3, 31, 50"}
    r = plan_stream(df, SC, chunk_size=7, progress=False)
    assert r.rejected["input_row"].tolist() == [3, 31, 50]
    # rows in three regions are three plots: told so, not given the early/late-rice advice
    regions = " / ".join(df.loc[[2, 30, 49], "region"])
    assert r.rejected["reasons"].tolist() == [
        f"plot_id 'X': duplicate plot id (rows 3, 31, 50): the rows lie in different regions ({regions}), so they "
        "are different plots, not the crop seasons of one field (plots numbered afresh in each township or sheet): "
        "give each plot its own id, e.g. with its township before the number (南洲镇-01) (expected a unique id per "
        "plot)"] * 3


def test_header_only_file_is_one_file_level_error(tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("plot_id,land_use,ph,cd_mg_kg\n", encoding="utf-8")
    r = plan_stream(f, SC, chunk_size=10, progress=False)
    assert (r.n_input, r.n_planned) == (0, 0)
    assert r.problems["problem"].tolist().count("the table has a header but no data rows") == 1


def test_missing_file_and_bad_chunk_size_are_clear(tmp_path):
    with pytest.raises(InputFileError, match="file not found"):
        plan_stream(tmp_path / "nope.csv", SC, progress=False)
    with pytest.raises(ValueError, match="positive number of rows"):
        iter_chunks(synthetic_plots(3), 0)


def test_memory_stays_with_the_chunk_not_the_portfolio():
    """The summary is the only per-plot output kept; without it nothing grows with the input."""
    r = plan_stream(synthetic_plots(40, seed=2), agriremed.Scenario(mc_draws=0), chunk_size=10,
                    progress=False, keep_summary=False)
    assert r.summary is None and r.n_planned == 40 and r.n_chunks == 4
    assert np.isfinite(r.plots_per_second)


def test_cli_plans_in_chunks_and_writes_parquet(messy_csv, tmp_path, capsys):
    code = main(["plan", str(messy_csv), "--out", str(tmp_path), "--chunk-size", "50", "--draws", "0"])
    out = capsys.readouterr().out
    assert code == 0
    assert "planning in chunks of 50 plots" in out and "127 plot(s) planned, 3 rejected, 3 chunk(s)" in out
    assert (tmp_path / "plan.parquet").exists() and (tmp_path / "rejected.csv").exists()
    assert len(pd.read_parquet(tmp_path / "summary.parquet")) == 127


def test_cli_refuses_parquet_without_chunks(messy_csv, tmp_path, capsys):
    assert main(["plan", str(messy_csv), "--out", str(tmp_path), "--format", "parquet"]) == 2
    assert "--format parquet needs --chunk-size" in capsys.readouterr().err


@pytest.fixture(scope="module")
def hostile_csv(tmp_path_factory):
    """40 plots: formula-looking plot ids and region, an escape sequence, an unused column."""
    df = synthetic_plots(40, seed=6).astype(str)
    df.loc[0, "plot_id"] = "=1+2"
    df.loc[17, "plot_id"] = "\x1b[2J@wipe"
    df.loc[25, "region"] = "-cmd"
    df.loc[30, "ph"] = "+SUM(1)"
    df["Owner note"] = ["=HYPERLINK(1)", "-1.5"] + ["ok"] * 38
    path = tmp_path_factory.mktemp("hostile_stream") / "county.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("chunk_size", [7, 100])
def test_streamed_csv_outputs_are_plain_safe_and_equal_the_in_memory_files(hostile_csv, tmp_path,
                                                                          chunk_size):
    whole = tmp_path / "whole"
    agriremed.plan(hostile_csv, SC, progress=False).write(whole, report=False)
    out = tmp_path / "streamed"
    r = plan_stream(hostile_csv, SC, out=out, chunk_size=chunk_size, fmt="csv", progress=False)
    assert (r.n_planned, len(r.rejected)) == (39, 1)
    for name in ("plan", "summary", "rejected", "problems"):
        assert _body(out / f"{name}.csv") == _body(whole / f"{name}.csv"), name
        df = pd.read_csv(out / f"{name}.csv")                 # no arguments
        assert df.columns[0] in ("plot_id", "input_row")
    s = pd.read_csv(out / "summary.csv", dtype=str, keep_default_na=False).set_index("input_row")
    assert s.loc["1", "plot_id"] == "'=1+2" and s.loc["18", "plot_id"] == "\x1b[2J@wipe"
    assert s.loc["26", "region"] == "'-cmd"
    assert s.loc["1", "owner_note"] == "'=HYPERLINK(1)" and s.loc["2", "owner_note"] == "-1.5"
    plan = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False)
    assert set(plan.loc[plan["plot_id"] == "'=1+2", "owner_note"]) == {"'=HYPERLINK(1)"}
    assert pd.read_csv(out / "rejected.csv", dtype=str).loc[0, "ph"] == "'+SUM(1)"
    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["profile"] == "tabular-data-package"
    assert "plots: 40 rows read, 39 planned" in pkg["description"]
    res = {x["path"]: x for x in pkg["resources"]}
    assert sorted(res) == ["opportunity_matrix.csv", "plan.csv", "problems.csv", "rejected.csv",
                           "reuse_options.csv", "summary.csv"]
    ref = json.loads((whole / "datapackage.json").read_text(encoding="utf-8"))
    ref = {x["path"]: x for x in ref["resources"]}
    for name in res:
        assert res[name]["schema"] == ref[name]["schema"], name
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["passed_through"] == ["data_origin", "owner_note"]      # synthetic plots carry data_origin
    assert run["provenance"][0] == f"agriremed {agriremed.__version__}"


def test_streamed_parquet_keeps_text_as_given_and_is_described(hostile_csv, tmp_path):
    r = plan_stream(hostile_csv, SC, out=tmp_path, chunk_size=16, fmt="parquet", progress=False)
    s = pd.read_parquet(r.paths["summary"])
    assert "=1+2" in s["plot_id"].tolist() and "owner_note" in s.columns   # Parquet is not a spreadsheet
    pkg = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    res = {x["path"]: x for x in pkg["resources"]}
    assert res["summary.parquet"]["format"] == "parquet"
    fields = res["plan.parquet"]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(pd.read_parquet(r.paths["plan"]).columns)
    area = next(f for f in res["summary.parquet"]["schema"]["fields"] if f["name"] == "area_ha")
    assert (area["type"], area["unit"], area["title_zh"]) == ("number", "ha", "面积")


def test_cli_in_chunks_strips_control_characters_and_removes_old_outputs(hostile_csv, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["plan", str(hostile_csv), "--out", str(out), "--draws", "0"]) == 0
    assert (out / "report.html").exists() and (out / "plan.csv").exists()
    capsys.readouterr()
    assert main(["plan", str(hostile_csv), "--out", str(out), "--draws", "0", "--chunk-size", "9",
                 "--format", "csv"]) == 0
    cap = capsys.readouterr()
    assert "\x1b" not in cap.out + cap.err
    names = {p.name for p in out.iterdir()}
    assert "scores.csv" not in names and "soil_screening.csv" not in names
    # the report and the workbook are built from totals and recommended rows, chunk by chunk
    assert {"plan.csv", "summary.csv", "rejected.csv", "problems.csv", "datapackage.json",
            "run.json", "report.html", "plan.xlsx"} <= names
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert sorted(run["files"]) == sorted(names)


# ---- the streamed reader reads files exactly as read_table ----------------------------------

import csv  # noqa: E402

from agriremed.io.readers import decode_text, read_table  # noqa: E402
from agriremed.engine.stream import _file_encoding  # noqa: E402


def _lines(df: pd.DataFrame, sep: str = ",") -> list[str]:
    return df.to_csv(index=False, sep=sep, lineterminator="\n").splitlines()


def _same_as_in_memory(path, tmp_path, chunk_size, **kw):
    """Streamed CSV outputs equal the in-memory plan's files; returns (streamed result, plan)."""
    whole = tmp_path / f"whole{chunk_size}"
    p = agriremed.plan(path, SC, progress=False)
    p.write(whole, report=False)
    out = tmp_path / f"streamed{chunk_size}"
    r = plan_stream(path, SC, out=out, chunk_size=chunk_size, fmt="csv", progress=False, **kw)
    for name in ("plan", "summary", "rejected", "problems"):
        assert _body(out / f"{name}.csv") == _body(whole / f"{name}.csv"), name
    assert r.notes == p.notes
    return r, p


@pytest.mark.parametrize("chunk_size", [4, 7, 100])
def test_short_and_long_rows_are_rejected_with_their_file_line_never_padded(tmp_path, chunk_size):
    df = synthetic_plots(24, seed=12).astype(str)
    rows = [list(df.columns), *df.to_numpy().tolist()]
    rows[6] = rows[6][:-2]                           # two cells short: file line 7, input row 6
    rows[15] = rows[15] + ["9", "9"]                 # two cells too many: line 16, row 15
    path = tmp_path / "ragged.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    r, p = _same_as_in_memory(path, tmp_path, chunk_size)
    assert (r.n_input, r.n_planned, len(r.rejected)) == (24, 22, 2)
    assert r.rejected["line"].tolist() == [7, 16] and r.rejected["input_row"].tolist() == [6, 15]
    msgs = r.problems.loc[r.problems["input_row"].notna(), "problem"].tolist()
    width = len(df.columns)
    assert f"line has {width - 2} cells but the header has {width} columns: cells are missing, so the " \
           "values cannot be matched to their columns (the row is not read)" in msgs
    assert any(m.startswith(f"line has {width + 2} cells") and "beyond the last column" in m for m in msgs)


def test_an_unbalanced_quote_stops_the_streamed_file_with_the_in_memory_message(tmp_path):
    lines = _lines(synthetic_plots(30, seed=3).drop(columns="data_origin"))  # no other quote in the file
    lines[20] = lines[20].replace(",", ',"', 1)      # a quote opened on line 21 and never closed
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as whole:
        read_table(path)
    assert "line 21: a quoted field starts on this line" in str(whole.value)
    for size in (5, 1000):
        with pytest.raises(InputFileError) as streamed:
            plan_stream(path, SC, chunk_size=size, progress=False)
        assert str(streamed.value) == str(whole.value)
    code = main(["plan", str(path), "--out", str(tmp_path / "o"), "--chunk-size", "5"])
    assert code == 2


def test_a_quoted_cell_over_two_lines_is_one_row_in_both_readers(tmp_path):
    df = synthetic_plots(12, seed=5)
    df["note"] = ""
    df.loc[4, "note"] = "first line\nsecond line"
    path = tmp_path / "multi.csv"
    df.to_csv(path, index=False, lineterminator="\n")
    r, p = _same_as_in_memory(path, tmp_path, 3)
    assert any("lines 6–7 hold one row" in n for n in r.notes)
    assert r.n_planned == 12 and p.plots["line"].tolist()[5] == 8   # the row after it starts on line 8


def test_semicolon_file_decimal_marks_are_decided_on_the_whole_file(tmp_path):
    """1.480 in a semicolon file: a thousands separator when the file writes decimals with commas
    only; a chunk without any decimal comma must not decide otherwise."""
    df = synthetic_plots(12, seed=9).drop(columns="data_origin")
    num = [c for c in df.columns if df[c].dtype.kind == "f"]
    df.loc[8:, num] = np.ceil(df.loc[8:, num])       # the last chunk (rows 9–12): whole numbers only
    text = df.astype(str).apply(lambda s: s.str.replace(".", ",", regex=False))
    text.loc[8:, num] = df.loc[8:, num].map(lambda v: "" if pd.isna(v) else str(int(v)))
    text.loc[10, "pb_mg_kg"] = "1.480"               # Pb 1480 mg/kg, in the last chunk
    path = tmp_path / "semi.csv"
    text.to_csv(path, index=False, sep=";")
    r, p = _same_as_in_memory(path, tmp_path, 4)
    assert p.plots.loc[p.plots["input_row"] == 11, "pb_mg_kg"].item() == 1480.0
    assert r.n_planned == len(p.plots) == 12


def test_a_trailing_unnamed_column_filled_only_in_a_late_chunk_is_kept_in_every_chunk(tmp_path):
    lines = _lines(synthetic_plots(10, seed=2))
    lines = [lines[0] + ","] + [x + ("," if i != 8 else ",extra") for i, x in enumerate(lines[1:], 1)]
    path = tmp_path / "trailing.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r, p = _same_as_in_memory(path, tmp_path, 3)
    assert "unnamed_" + str(len(lines[0].split(","))) in p.summary.columns


def test_gbk_text_after_the_first_megabyte_decides_the_encoding_as_in_memory(tmp_path):
    df = synthetic_plots(9000, seed=1)             # about 2 MB of ASCII before the Chinese village
    df.loc[8990, "region"] = "湖南省/株洲市/攸县"
    path = tmp_path / "gbk.csv"
    path.write_bytes(df.to_csv(index=False).encode("gb18030"))
    assert path.stat().st_size > (1 << 20)
    enc = _file_encoding(path)
    assert enc[1] == decode_text(path.read_bytes())[1] == "GB18030"
    chunks, notes = iter_chunks(path, 5000)
    last = list(chunks)[-1]
    assert last["region"].tolist()[8990 - 5000] == "湖南省/株洲市/攸县"
    assert notes[0] == "gbk.csv was read with the GB18030 text encoding"


@pytest.mark.parametrize("raw", [
    b"plot_id,cd_mg_kg\nA,1\n",
    "\ufeffplot_id,镉\nA,1\n".encode("utf-8"),
    "plot_id,镉\nA,1\n".encode("utf-16"),
    "plot_id,镉\nA,1\n".encode("utf-16-le"),
    "plot_id,Cd (µg/kg)\nA,1\n".encode("cp1252"),
    "plot_id,镉,铅\n甲,1,2\n".encode("gbk"),
    b"plot_id,cd\nA,\x81\n",
    "plot_id,镉,铅,砷\nA,镉,铅\n".encode() + b"B,\xff\xfe,1\n",
    b"\xef\xbb\xbfplot_id\n\xff\n",
    b"PK\x03\x04\x00\x00binary",
])
def test_encoding_decision_equals_decode_text(tmp_path, raw):
    path = tmp_path / "t.csv"
    path.write_bytes(raw)
    try:
        want = decode_text(raw, "t.csv")[1]
    except InputFileError as exc:
        with pytest.raises(InputFileError) as got:
            _file_encoding(path)
        assert str(got.value) == str(exc)
        if raw.startswith(b"\xef\xbb\xbf"):  # the bad byte is at the start of line 2
            assert "(line 2)" in str(exc)
    else:
        assert _file_encoding(path)[1] == want


def test_excel_sheet_is_passed_through_and_several_sheets_are_refused(tmp_path):
    df = synthetic_plots(20, seed=4)
    path = tmp_path / "two.xlsx"
    with pd.ExcelWriter(path) as xw:
        df.head(3).to_excel(xw, sheet_name="notes", index=False)
        df.to_excel(xw, sheet_name="plots", index=False)
    with pytest.raises(InputFileError, match="choose the sheet of plots with --sheet"):
        plan_stream(path, SC, chunk_size=6, progress=False)
    r = plan_stream(path, SC, chunk_size=6, progress=False, sheet="plots")
    p = agriremed.plan(agriremed.validate_plots(path, sheet="plots"), SC, progress=False)
    pd.testing.assert_frame_equal(_norm(r.summary), _norm(p.summary))
    assert r.n_planned == 20 and r.n_chunks == 4
    out = tmp_path / "o"
    assert main(["plan", str(path), "--out", str(out), "--chunk-size", "6", "--sheet", "plots", "--quiet",
                 "--format", "csv"]) == 0
    assert len(pd.read_csv(out / "summary.csv")) == 20


def test_plan_stream_chunk_size_comes_from_the_memory_budget():
    from agriremed.core.scenario import ScenarioError
    from agriremed.engine.stream import chunk_size_for

    df = synthetic_plots(30, seed=1)
    # --memory 400 MB, 20 draws: (400 − 350 − 0.1) // (0.22 + 20 × 0.0035) = 172 plots; 30 fit in one chunk
    r = plan_stream(df, SC.replace(mc_draws=20), progress=False, memory_mb=400)
    assert r.n_chunks == 1 and chunk_size_for(20, 400) == 172
    # 353 MB: (353 − 350 − 0.1) // 0.29 = 10 plots a chunk → 3 chunks
    r = plan_stream(df, SC.replace(mc_draws=20), progress=False, memory_mb=353)
    assert r.n_chunks == 3 and chunk_size_for(20, 353) == 10
    with pytest.raises(ValueError, match="chunk_size 5,000: with 500 Monte Carlo draws"):
        plan_stream(df, agriremed.Scenario(), chunk_size=5_000, progress=False)
    with pytest.raises(ScenarioError, match="the largest number of draws that fits is 252,915"):
        plan_stream(df, agriremed.Scenario(mc_draws=300_000), progress=False)


@pytest.mark.parametrize("encoding,newline", [("utf-16", "\r\n"), ("gb18030", "\r")])
def test_utf16_crlf_and_gbk_cr_files_stream_as_in_memory(tmp_path, encoding, newline):
    df = synthetic_plots(15, seed=7)
    df.loc[3, "region"] = "湖南省/株洲市/攸县"
    lines = ["县级调查 2025", "", *_lines(df)]        # a title line and a blank line above the header
    path = tmp_path / "t.csv"
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode(encoding))
    r, p = _same_as_in_memory(path, tmp_path, 4)
    assert r.n_planned == 15 and r.summary is not None
    assert any("header found on line 3" in n for n in r.notes)
    assert p.plots["line"].tolist()[:2] == [4, 5]


# ---- portfolio runs write (and render the sentences of) the recommended rows only -------------

def test_recommended_plan_rows_equal_the_recommended_rows_of_the_full_run(messy_csv, whole, tmp_path):
    p, out = whole
    r = plan_stream(messy_csv, SC, out=tmp_path, chunk_size=40, fmt="csv", progress=False,
                    plan_rows="recommended")
    full = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False)
    rec = pd.read_csv(tmp_path / "plan.csv", dtype=str, keep_default_na=False)
    want = full.loc[full["recommended"] == "TRUE"].reset_index(drop=True)
    assert len(rec) == 127 and rec["plot_id"].is_unique  # one row per planned plot
    pd.testing.assert_frame_equal(rec, want)  # every column, the sentences included
    assert (rec["why_food_safety"] != "").all() and (rec["why_economics"] != "").all()
    assert _body(tmp_path / "summary.csv") == _body(out / "summary.csv")
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert run["plan_rows"] == "recommended"
    assert r.n_planned + len(r.rejected) == r.n_input == 130


def test_plan_rows_and_text_rows_are_checked():
    plots = synthetic_plots(3, seed=1)
    with pytest.raises(ValueError, match="plan_rows 'best'"):
        plan_stream(plots, SC, plan_rows="best", progress=False)
    with pytest.raises(ValueError, match="text_rows 'some'"):
        agriremed.plan(plots, SC, text_rows="some", progress=False)


def test_text_rows_recommended_changes_only_the_sentences_of_other_rows():
    plots = synthetic_plots(60, seed=9)
    sc = agriremed.Scenario(mc_draws=0)
    a = agriremed.plan(plots, sc, progress=False, detail=False)
    b = agriremed.plan(plots, sc, progress=False, detail=False, text_rows="recommended")
    pd.testing.assert_frame_equal(a.summary, b.summary)
    rec = a.table["recommended"].to_numpy(bool)
    pd.testing.assert_frame_equal(a.table[rec], b.table[rec])
    text = ["reason"] + [c for c in a.table.columns if c.startswith("why_")]
    pd.testing.assert_frame_equal(a.table.drop(columns=text), b.table.drop(columns=text))
    other = b.table.loc[~rec & a.table["applicable"].to_numpy(bool)]
    assert len(other) and other["why_carbon"].isna().all() and (other["why_carbon_msg"] == "").all()
    # the reason's message is kept on every row, its English only where written
    assert (b.table["reason_msg"] == a.table["reason_msg"]).all()
    assert b.text_rows == "recommended" and a.text_rows == "all"
    with pytest.raises(ValueError, match="rerank needs"):
        rerank(b, {"carbon": 1.0})


def test_cli_in_chunks_writes_recommended_rows_unless_all_options(messy_csv, tmp_path, capsys):
    args = ["plan", str(messy_csv), "--draws", "0", "--chunk-size", "50", "--format", "csv"]
    assert main([*args, "--out", str(tmp_path / "rec")]) == 0
    said = capsys.readouterr().out
    assert "plan.csv (each plot's recommended option (--all-options: every option of every plot))" in said
    assert main([*args, "--out", str(tmp_path / "all"), "--all-options", "--quiet"]) == 0
    rec = pd.read_csv(tmp_path / "rec" / "plan.csv", dtype={"plot_id": str})
    full = pd.read_csv(tmp_path / "all" / "plan.csv", dtype={"plot_id": str})
    n_opts = len(full) // 127
    assert len(rec) == 127 and len(full) == 127 * n_opts and n_opts > 10
    assert rec["recommended"].all() and full["recommended"].sum() == 127
    html = (tmp_path / "rec" / "report.html").read_text(encoding="utf-8")
    assert "plan.csv holds the row of each plot&#x27;s recommended option" in html
    assert "every option of every plot" not in (tmp_path / "all" / "report.html").read_text(encoding="utf-8")


# ---- parallel runs (jobs) ------------------------------------------------------------------

def _files(folder) -> dict:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


@pytest.mark.parametrize("plan_rows", ["recommended", "all"])
def test_worker_processes_write_the_same_files_byte_for_byte(messy_csv, tmp_path, plan_rows):
    """Two worker processes: the same chunks planned elsewhere, every table the same byte for
    byte and the workbook sheet by sheet (rejected rows, a plot id repeated across chunks,
    blank and title lines included)."""
    from agriremed.io.workbook import StreamWorkbook

    got = {}
    for jobs in (1, 2):
        book = StreamWorkbook(date="2026-01-01")
        r = plan_stream(messy_csv, SC, out=tmp_path / f"j{jobs}", chunk_size=30, fmt="csv", progress=False,
                        jobs=jobs, extra_outputs=[book], plan_rows=plan_rows)
        assert r.n_chunks == 5 and r.n_planned == 127 and sorted(r.rejected["input_row"]) == [4, 8, 101]
        got[jobs] = _files(tmp_path / f"j{jobs}")
    assert sorted(got[1]) == sorted(got[2])
    for name, data in got[1].items():
        if name != "plan.xlsx":  # a zip file: compared by its sheets below
            assert got[2][name] == data, name
    import openpyxl

    books = [openpyxl.load_workbook(tmp_path / f"j{j}" / "plan.xlsx", read_only=True) for j in (1, 2)]
    assert books[0].sheetnames == books[1].sheetnames
    for name in books[0].sheetnames:
        rows = [list(b[name].iter_rows(values_only=True)) for b in books]
        assert rows[0] == rows[1], name
    assert len(list(books[0]["summary"].iter_rows())) == 2 + 127  # labels, column names, the plots


def test_jobs_and_the_memory_of_worker_processes_are_checked():
    from agriremed.engine.stream import chunk_size_for, memory_estimate_mb

    # two workers planning 1 000 plots without draws: 3 interpreters × 350 + 2 × 1 000 × 0.22 MB,
    # and the main process holding up to 3 planned chunks of 1 000 plots × 0.02 MB
    assert memory_estimate_mb(1_000, 0, jobs=2) == pytest.approx(3 * 350 + 2 * 1_000 * 0.22 + 3 * 1_000 * 0.02)
    # with 500 draws: + 2 × (500 × 0.005 + 1 000 × 500 × 0.0035)
    assert memory_estimate_mb(1_000, 500, jobs=2) == pytest.approx(1_050 + 2 * (2.5 + 1_000 * 1.97) + 60)
    # every plot × option row kept: 0.40 MB per plot in a chunk, 0.15 per plot held by the main process
    assert memory_estimate_mb(1_000, 0, all_rows=True) == pytest.approx(350 + 1_000 * 0.40)
    assert memory_estimate_mb(1_000, 0, jobs=2, all_rows=True) == pytest.approx(1_050 + 2 * 400 + 3 * 150)
    assert memory_estimate_mb(1_000, 500, jobs=1) == memory_estimate_mb(1_000, 500)
    for draws in (0, 20, 500):
        for jobs in (1, 2, 3, 4):
            for all_rows in (False, True):
                n = chunk_size_for(draws, 2_500, jobs=jobs, all_rows=all_rows)
                est = [memory_estimate_mb(k, draws, jobs=jobs, all_rows=all_rows) for k in (n, n + 1)]
                assert (n == 0 or est[0] <= 2_500) and 2_500 < est[1]
    df = synthetic_plots(10, seed=1)
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError, match=r"jobs .*: expected a whole number of worker processes"):
            plan_stream(df, SC, jobs=bad, progress=False)
    # 2 workers in 2 000 MB: (2 000 − 1 050 − 2 × 20 × 0.005) // (2 × (0.22 + 20 × 0.0035) + 3 × 0.02) = 1 484
    assert chunk_size_for(20, 2_000, jobs=2) == 1_484
    with pytest.raises(ValueError, match=r"chunk_size 2,000: with 20 Monte Carlo draws a chunk in each of 2 "
                                         r"worker processes needs about 2,330 MB in all, more than memory_mb "
                                         r"2,000: use chunk_size 1,484 or less, fewer jobs"):
        plan_stream(df, SC.replace(mc_draws=20), chunk_size=2_000, memory_mb=2_000, jobs=2, progress=False)
    # 8 workers with 500 draws do not fit 2 500 MB even one plot each: 9 × 350 + 8 × (2.5 + 1.97) + 9 × 0.02
    for chunk in (None, 5):
        with pytest.raises(ValueError, match=r"jobs 8: 8 worker processes with 500 Monte Carlo draws need about "
                                             r"3,186 MB even for one plot each, more than memory_mb 2,500"):
            plan_stream(df, agriremed.Scenario(), chunk_size=chunk, jobs=8, progress=False)


def test_tables_travel_to_worker_processes_without_their_lookups():
    import pickle

    t = agriremed.load_tables()
    t.food_crops()
    t.rows("options")  # named tuples of a class pickle cannot name
    u = pickle.loads(pickle.dumps(t))
    assert u._memo == {} and len(u._draw_memo) == 0
    assert all(df.equals(getattr(u, name)) for name, df in t.items())
    assert u.food_crops() == t.food_crops()
    assert [repr(r) for r in u.rows("options")] == [repr(r) for r in t.rows("options")]  # NaN ≠ NaN


@pytest.mark.parametrize("cores,rows,memory,given,expected", [
    # 4 cores, 100 000 rows, 2 500 MB: 4 workers of (2 500 − 5 × 350) // (4 × 0.22 + 5 × 0.02) = 765 plots
    (4, 100_000, 2_500, {}, (4, 765)),
    # 1 000 rows: 4 workers would need 3 × 765 + 1, 3 workers 2 × 1 486 + 1; 2 workers of 2 900 neither
    (4, 1_000, 2_500, {}, (1, 9_772)),
    (2, 100_000, 2_500, {}, (2, 2_900)),
    (1, 100_000, 2_500, {}, (1, 9_772)),
    # 1 200 MB leaves (1 200 − 1 050) // 0.50 = 300 plots for 2 workers: enough; 1 080 MB: 60, too few
    (2, 100_000, 1_200, {}, (2, 300)),
    (2, 100_000, 1_080, {}, (1, 3_318)),
    # --chunk-size 500 with 2 workers: 500 ≤ 2 900 and the rows hold 2 chunks
    (2, 100_000, 2_500, {"chunk_size": 500}, (2, 500)),
    (2, 100_000, 2_500, {"chunk_size": 5_000}, (1, 5_000)),
    (2, 100_000, 2_500, {"chunk_size": 50}, (1, 50)),
    # 5 000 rows without draws: about 5 000 × 1.36 ms = 6.8 s in one process, too short for workers
    (2, 5_000, 2_500, {"chunk_size": 600}, (1, 600)),
    (2, 7_400, 2_500, {"chunk_size": 600}, (2, 600)),
    # --jobs 3 given: the automatic chunk shrinks to (2 500 − 4 × 350) // (0.66 + 4 × 0.02) = 1 486
    (2, 100_000, 2_500, {"jobs": 3}, (3, 1_486)),
    (2, 100_000, 2_500, {"jobs": 1}, (1, 9_772)),
    # --all-options: one process unless --jobs is given; then (2 500 − 1 050) // (2 × 0.40 + 3 × 0.15) = 1 160
    (2, 100_000, 2_500, {"all_options": True}, (1, 9_772)),
    (2, 100_000, 2_500, {"all_options": True, "jobs": 2}, (2, 1_160)),
])
def test_cli_chooses_worker_processes_that_fit_the_memory(monkeypatch, cores, rows, memory, given, expected):
    import argparse

    from agriremed.apps import cli
    from agriremed.engine.stream import chunk_size_for

    monkeypatch.setattr(cli, "usable_cores", lambda: cores)
    args = argparse.Namespace(jobs=given.get("jobs"), chunk_size=given.get("chunk_size"), memory=memory,
                              plots="unused.csv", sheet=None, all_options=given.get("all_options", False))
    fitting = chunk_size_for(0, memory)
    chunk = given.get("chunk_size", fitting)
    if "chunk_size" in given:  # the rows are counted in the file
        monkeypatch.setattr(cli, "data_rows_at_most", lambda *a: rows)
        assert cli._jobs(args, 0, chunk, fitting, None) == expected
    else:
        assert cli._jobs(args, 0, chunk, fitting, rows) == expected


def test_cli_refuses_jobs_that_do_not_fit_the_memory(messy_csv, tmp_path, capsys):
    assert main(["plan", str(messy_csv), "--out", str(tmp_path), "--chunk-size", "50", "--jobs", "2",
                 "--draws", "0", "--memory", "1000", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "error: --jobs 2: 2 worker processes planning chunks of 50 plots with 0 Monte Carlo draws need " \
           "about 1,075 MB, more than --memory 1,000 MB" in err
    assert main(["plan", str(messy_csv), "--out", str(tmp_path), "--chunk-size", "50", "--jobs", "0",
                 "--quiet"]) == 2
    assert "error: --jobs 0: expected 1 or more worker processes" in capsys.readouterr().err
    assert main(["plan", str(messy_csv), "--out", str(tmp_path), "--chunk-size", "50", "--jobs", "62",
                 "--quiet"]) == 2
    assert "error: --jobs 62: expected at most 61 worker processes" in capsys.readouterr().err


def test_cli_chooses_worker_processes_with_draws(monkeypatch):
    """500 draws in 2 500 MB: one process plans chunks of 1 090 plots; two workers
    (2 500 − 3 × 350 − 2 × 2.5) // (2 × (0.22 + 500 × 0.0035) + 3 × 0.02) = 361 each."""
    import argparse

    from agriremed.apps import cli

    args = argparse.Namespace(jobs=None, chunk_size=None, memory=2_500, plots="unused.csv", sheet=None,
                              all_options=False)
    for cores, expected in ((2, (2, 361)), (1, (1, 1_090))):
        monkeypatch.setattr(cli, "usable_cores", lambda c=cores: c)
        assert cli._jobs(args, 500, 1_090, 1_090, 200_000) == expected


def test_an_error_in_a_worker_process_reaches_the_caller_as_in_one_process():
    """Tables missing a column a stage reads: the same exception with one process or two
    workers (the worker's traceback is its cause); a scenario the tables refuse stops before
    any chunk is planned."""
    from concurrent.futures.process import _RemoteTraceback

    from agriremed.core.scenario import ScenarioError

    t = agriremed.load_tables()
    bad = t.replace(prices=t.prices.drop(columns=["typical"]))
    df = synthetic_plots(40, seed=1)
    for jobs in (1, 2):
        with pytest.raises(KeyError, match="typical") as err:
            plan_stream(df, agriremed.Scenario(mc_draws=0), tables=bad, chunk_size=10, jobs=jobs, progress=False)
        if jobs == 2:
            assert isinstance(err.value.__cause__, _RemoteTraceback)
            assert "_plan_part" in str(err.value.__cause__)
    with pytest.raises(ScenarioError, match="unknown option id"):
        plan_stream(df, agriremed.Scenario(mc_draws=0, options=["no_such_option"]), chunk_size=10, jobs=2,
                    progress=False)


def test_cli_with_worker_processes_writes_the_same_parquet_and_says_so(messy_csv, tmp_path, capsys):
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}"
        assert main(["plan", str(messy_csv), "--out", str(out), "--chunk-size", "40", "--jobs", jobs,
                     "--draws", "5", "--no-xlsx", "--no-report"]) == 0
        outs[jobs] = out
        said = capsys.readouterr().out
        assert ("2 worker processes planning at the same time (--jobs)" in said) == (jobs == "2")
        assert "127 plot(s) planned, 3 rejected, 4 chunk(s)" in said
    for name in ("summary.parquet", "plan.parquet"):
        a, b = (pd.read_parquet(outs[j] / name) for j in ("1", "2"))
        pd.testing.assert_frame_equal(a, b)
        assert (outs["1"] / name).read_bytes() == (outs["2"] / name).read_bytes(), name
    for name in ("rejected.csv", "problems.csv", "reuse_options.csv", "run.json"):
        assert (outs["1"] / name).read_bytes() == (outs["2"] / name).read_bytes(), name



def test_worker_processes_keep_the_same_tables_in_memory_and_the_same_totals(tmp_path):
    """A DataFrame source (the GIS path) without an output folder: the summary, the recommended
    rows, rejected rows and problems kept are equal with two workers; and the report's totals
    gathered from the parts equal those of the chunks' whole plans (nothing the report reads
    is emptied in a part)."""
    from agriremed.engine.stream import plan_chunk
    from agriremed.io.report import PlanDigest, StreamReport

    df = synthetic_plots(90, seed=6)
    df.loc[5, "ph"] = 15.0
    kept = {jobs: plan_stream(df, SC, chunk_size=30, jobs=jobs, progress=False, keep_recommended=True)
            for jobs in (1, 2)}
    for name in ("summary", "recommended", "rejected", "problems"):
        pd.testing.assert_frame_equal(getattr(kept[1], name), getattr(kept[2], name), obj=name)
    assert kept[1].input_digest == kept[2].input_digest and kept[1].notes == kept[2].notes
    assert len(kept[2].summary) == 89 and len(kept[2].recommended) == 89

    report = StreamReport()
    plan_stream(df, SC, out=tmp_path, chunk_size=30, jobs=2, progress=False, extra_outputs=[report],
                plan_rows="recommended")
    whole, columns = PlanDigest(), {}
    t = agriremed.load_tables()
    for i in range(0, 90, 30):
        p = plan_chunk(df.iloc[i:i + 30], SC, t, rows_before=i, text_rows="recommended")
        whole.add(p)
        for table in (p.table, p.summary, p.carbon_ledger):
            columns.update(dict.fromkeys(table.columns))
    d = report.digest
    assert (d.n_planned, d.area_ha) == (whole.n_planned, whole.area_ha) and d.n_planned == 89
    assert d.by_option == whole.by_option and dict(d.by_class) == dict(whole.by_class)
    assert dict(d.ledger_t_yr) == dict(whole.ledger_t_yr) and len(d.ledger_t_yr) > 3
    assert list(report.columns) == list(columns)


class _StopsTheWorker:
    """A cell whose unpickling ends the process at once (as the kernel's out-of-memory killer would)."""

    def __reduce__(self):
        import os

        return os._exit, (3,)


def test_a_worker_process_that_dies_stops_the_run_with_a_clear_error(monkeypatch, messy_csv, tmp_path, capsys):
    from agriremed.apps import cli
    from agriremed.engine.stream import WorkerError

    df = synthetic_plots(60, seed=2)
    df["note"] = None
    df["note"] = df["note"].astype(object)
    df.at[45, "note"] = _StopsTheWorker()
    with pytest.raises(WorkerError, match=r"a worker process stopped abruptly while planning input rows "
                                          r"\d+–\d+ \(most often for lack of memory\); the outputs are incomplete: "
                                          r"plan again with --jobs 1"):
        plan_stream(df, SC, out=tmp_path / "o", chunk_size=20, jobs=2, progress=False)

    def dies(*a, **k):
        raise WorkerError("a worker process stopped abruptly while planning input rows 41–60")

    monkeypatch.setattr(cli, "plan_stream", dies)
    assert main(["plan", str(messy_csv), "--out", str(tmp_path / "c"), "--chunk-size", "40", "--quiet"]) == 2
    assert "error: a worker process stopped abruptly while planning input rows 41–60" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(__import__("os"), "sched_getaffinity") or not __import__("pathlib").Path(
    "/proc/self/stat").exists(), reason="needs Linux /proc")
def test_worker_processes_end_when_the_main_process_is_killed(tmp_path):
    """SIGKILL of the command: its worker processes exit too (a worker left behind would hold
    the caller's pipes open)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "plots.csv"
    synthetic_plots(3_000, seed=1).to_csv(path, index=False)

    def children(pid):
        out = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                            out.append(int(d))
                except (OSError, ValueError, IndexError):
                    pass
        return out

    def alive(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    cmd = [sys.executable, "-m", "agriremed", "plan", str(path), "--out", str(tmp_path / "o"), "--chunk-size",
           "300", "--jobs", "2", "--draws", "0", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        workers, t0 = [], time.monotonic()
        while time.monotonic() - t0 < 60 and len(workers) < 2:
            workers = [c for c in children(proc.pid) if alive(c)]
            time.sleep(0.2)
        assert len(workers) >= 2, "the worker processes did not start"
        time.sleep(1.0)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 15 and any(alive(c) for c in workers):
            time.sleep(0.2)
        assert not any(alive(c) for c in workers)
    finally:
        if proc.poll() is None:
            proc.kill()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything left in the command's process group
        except ProcessLookupError:
            pass


def test_usable_cores_follow_the_cpu_quota(tmp_path):
    from agriremed.engine.stream import usable_cores

    f = tmp_path / "cpu.max"
    f.write_text("150000 100000\n")
    assert usable_cores(f) == min(2, usable_cores(tmp_path / "none"))
    f.write_text("max 100000\n")
    assert usable_cores(f) == usable_cores(tmp_path / "none") >= 1
    f.write_text("garbage\n")
    assert usable_cores(f) == usable_cores(tmp_path / "none")
