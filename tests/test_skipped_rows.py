"""Rows of a county sheet that are not plots (a 合计/小计 total row, a 注/备注 note line, a 填表人 signature
line) are a third category, "not plot rows, skipped": neither planned nor rejected, each listed with its line
and why; planned + rejected + skipped = rows read, in the validation, the console, the report and the
workbook."""

from pathlib import Path

import pandas as pd

import agriremed
from agriremed.apps.cli import main
from agriremed.core.messages import text_of

_SHEET = ("地块编号,地类,作物,面积（亩）,pH,镉(mg/kg)\n"
          "A1,水田,水稻,2,5.5,0.6\nA2,水田,水稻,3,5.6,0.5\nA3,水田,水稻,x,5.6,0.5\n"
          "合计,,,5,,\n注：类别依据GB 15618-2018划分,,,,,\n,填表人：张三,,,,\n")
_TOTAL = "a total or summary row of the sheet (合计/小计/total), not a plot: it is not planned"
_FOOTER = ("a signature or note line under the sheet (审核人/填表人/制表人, 备注/注 …), not a plot: it is not "
           "planned")


def _write(tmp_path: Path) -> Path:
    p = tmp_path / "sheet.csv"
    p.write_bytes(_SHEET.encode("utf-8"))
    return p


def test_total_note_and_signature_rows_are_skipped_not_rejected(tmp_path):
    v = agriremed.validate_plots(_write(tmp_path))
    assert v.plots["plot_id"].tolist() == ["A1", "A2"]
    assert v.rejected["input_row"].tolist() == [3]  # the area 'x': a plot row with an error
    sk = v.skipped
    assert sk["input_row"].tolist() == [4, 5, 6] and sk["line"].tolist() == [5, 6, 7]
    assert sk["reason"].tolist() == [_TOTAL, _FOOTER, _FOOTER]
    assert text_of(sk["reason_msg"].iloc[0], "zh").startswith("表格的合计或汇总行")
    assert len(v.plots) + len(v.rejected) + len(v.skipped) == v.n_input == 6
    assert v.summary() == "6 rows read: 2 valid, 1 rejected, 3 not plot rows, skipped; 1 errors, 6 warnings"
    # the skipped rows are notes, not errors
    assert v.errors["input_row"].tolist() == [3]
    notes = v.problems.loc[v.problems["input_row"].isin([4, 5, 6])]
    assert set(notes["severity"]) == {"note"}


def test_console_and_outputs_count_skipped_rows_apart(tmp_path, capsys):
    p = _write(tmp_path)
    assert main(["validate", str(p)]) == 1  # the rejected row A3
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "6 rows read: 2 valid, 1 rejected, 3 not plot rows, skipped; 1 errors, 6 warnings"
    assert f"NOTE row 4 (line 5, plot 合计), column plot_id: value '合计' — {_TOTAL}" in out
    assert f"NOTE row 6 (line 7), column plot_id — {_FOOTER}" in out
    assert main(["validate", str(p), "--lang", "zh"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == ("读取6行：有效2行，拒绝1行，跳过3行非地块行；错误1条，警告6条")
    o = tmp_path / "o"
    assert main(["plan", str(p), "--out", str(o), "--draws", "0", "--no-xlsx"]) == 0
    out = capsys.readouterr().out
    assert "2 plot(s) planned, 1 rejected, 3 not plot rows skipped (seed" in out
    assert ("Rows of the sheet that are not plots to plan, skipped (not planned, not counted as rejected; in problems.csv "
            "as notes):") in out
    assert f"  line 5 (row 4): {_TOTAL}" in out and f"  line 7 (row 6): {_FOOTER}" in out
    assert len(pd.read_csv(o / "rejected.csv")) == 1
    import json
    run = json.loads((o / "run.json").read_text(encoding="utf-8"))
    assert (run["rows_read"], run["plots_planned"], run["rows_rejected"], run["rows_skipped"]) == (6, 2, 1, 3)
    html = (o / "report.html").read_text(encoding="utf-8")
    assert ("3 rows of the sheet are not plots to plan (total, note or signature lines, land that is not farmland, "
            "earlier sampling rounds of a plot): skipped, not counted as rejected.") in html
    assert "rows skipped, not plots to plan (合计, 注, not farmland …)" in html


def test_plan_object_and_workbook_count_skipped_rows(tmp_path):
    import openpyxl

    p = agriremed.plan(_write(tmp_path), agriremed.Scenario(mc_draws=0), progress=False)
    assert (len(p.plots), len(p.rejected), len(p.skipped)) == (2, 1, 3)
    assert "plots: 6 rows read, 2 planned, 1 rejected, 3 not plot rows skipped;" in "\n".join(p.provenance())
    p.write(tmp_path / "w", lang="en")
    wb = openpyxl.load_workbook(tmp_path / "w" / "plan.xlsx", read_only=True)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Rows read / planned / rejected / not plots, skipped" in cells and "6 / 2 / 1 / 3" in cells


def test_streamed_validation_and_plan_count_skipped_rows(tmp_path):
    from agriremed.engine.stream import plan_stream, validate_stream

    p = _write(tmp_path)
    v = validate_stream(p, chunk_size=2)
    assert (v.n_valid, len(v.rejected), v.skipped["input_row"].tolist()) == (2, 1, [4, 5, 6])
    r = plan_stream(p, agriremed.Scenario(mc_draws=0), chunk_size=2, progress=False)
    assert (r.n_planned, len(r.rejected), r.n_skipped, r.n_input) == (2, 1, 3, 6)


# ---- every backend counts and lists the same skipped rows (a 合计 row and a 注 row among the plots) ----------

_MIXED = ("plot_id,land_use,crop,area_ha,ph,cd_mg_kg\n"
          "A1,paddy,rice,0.2,5.5,0.6\nA2,paddy,rice,0.3,5.6,0.5\nA3,paddy,rice,x,5.6,0.5\n"
          "合计,,,0.5,,\nA4,paddy,rice,0.3,5.6,0.5\n注：类别依据GB 15618-2018划分,,,,,\n")
_NOTE = _FOOTER


def _mixed(tmp_path: Path) -> Path:
    p = tmp_path / "mixed.csv"
    p.write_bytes(_MIXED.encode("utf-8"))
    return p


def _listed(sk: pd.DataFrame) -> list:
    return list(zip(sk["input_row"].tolist(), sk["line"].tolist(), sk["reason"].tolist(), sk["reason_msg"].tolist(),
                    strict=True))


def test_streamed_plan_lists_the_skipped_rows_as_the_in_memory_plan(tmp_path):
    from agriremed.engine.stream import plan_stream

    p = _mixed(tmp_path)
    whole = agriremed.plan(p, agriremed.Scenario(mc_draws=0), progress=False)
    assert _listed(whole.skipped) == [(4, 5, _TOTAL, '[["val.total_row"]]'), (6, 7, _NOTE, '[["val.footer_row"]]')]
    for size in (2, 3, 10):
        r = plan_stream(p, agriremed.Scenario(mc_draws=0), chunk_size=size, progress=False)
        assert (r.n_planned, len(r.rejected), r.n_skipped, r.n_input) == (3, 1, 2, 6)
        assert _listed(r.skipped) == _listed(whole.skipped)


def test_dask_backend_counts_and_lists_the_skipped_rows(tmp_path):
    import pytest

    dd = pytest.importorskip("dask.dataframe")
    from agriremed.engine.dask_backend import plan_dask

    df = pd.read_csv(_mixed(tmp_path), dtype=str)
    whole = agriremed.plan(df, agriremed.Scenario(mc_draws=0), progress=False)  # a DataFrame: no file lines
    assert _listed(whole.skipped) == [(4, pd.NA, _TOTAL, '[["val.total_row"]]'),
                                      (6, pd.NA, _NOTE, '[["val.footer_row"]]')]
    for parts in (1, 2, 3):
        out = plan_dask(dd.from_pandas(df, npartitions=parts), agriremed.Scenario(mc_draws=0))
        assert out.counts() == {"rows_read": 6, "plots_planned": 3, "rows_rejected": 1, "rows_skipped": 2}
        sk = out.skipped.compute().reset_index(drop=True)
        assert _listed(sk) == _listed(whole.skipped)
        assert sk.dtypes.to_dict() == whole.skipped.dtypes.to_dict()
        assert out.rejected.compute()["input_row"].tolist() == whole.rejected["input_row"].tolist() == [3]
        assert len(out.summary.compute()) == 3


def test_streamed_console_report_and_workbook_count_skipped_rows(tmp_path, capsys):
    import json

    import openpyxl

    p = _mixed(tmp_path)
    o = tmp_path / "o"
    assert main(["plan", str(p), "--out", str(o), "--draws", "0", "--chunk-size", "2"]) == 0
    out = capsys.readouterr().out
    assert "3 plot(s) planned, 1 rejected, 2 not plot rows skipped, 3 chunk(s)," in out
    assert ("Rows of the sheet that are not plots to plan, skipped (not planned, not counted as rejected; in "
            "problems.csv as notes):") in out
    assert f"  line 5 (row 4): {_TOTAL}" in out and f"  line 7 (row 6): {_NOTE}" in out
    run = json.loads((o / "run.json").read_text(encoding="utf-8"))
    assert (run["rows_read"], run["plots_planned"], run["rows_rejected"], run["rows_skipped"]) == (6, 3, 1, 2)
    html = (o / "report.html").read_text(encoding="utf-8")
    assert ("2 rows of the sheet are not plots to plan (total, note or signature lines, land that is not farmland, "
            "earlier sampling rounds of a plot): skipped, not counted as rejected.") in html
    wb = openpyxl.load_workbook(o / "plan.xlsx", read_only=True)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Rows read / planned / rejected / not plots, skipped" in cells and "6 / 3 / 1 / 2" in cells
    assert main(["plan", str(p), "--out", str(tmp_path / "z"), "--draws", "0", "--chunk-size", "2",
                 "--lang", "zh", "--no-report", "--no-xlsx"]) == 0
    out = capsys.readouterr().out
    assert "共规划3个地块，拒绝1行，跳过2行非地块行，分3块，" in out
    assert "  文件第5行（第4条记录）：表格的合计或汇总行，不是地块：不参与规划" in out
