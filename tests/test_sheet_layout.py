"""County sheet layouts: GBK text with symbols (° ′ ″ √ ≤ μ), reading notes of ``plan``, group
headings with units above the header, two-row headers, repeated header texts, cells merged down
the rows, statistics and footer rows, percent-formatted cells."""

from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.io.readers import decode_text, read_table
from agriremed.io.validate import validate_plots


def _gbk(tmp_path: Path, rows: list[list[str]], name: str = "plots.csv") -> Path:
    p = tmp_path / name
    p.write_bytes("\n".join(",".join(r) for r in rows).encode("gbk") + b"\n")
    return p


def _dms_rows(n: int = 14) -> list[list[str]]:
    rows = [["点位编号", "村", "土地利用类型", "种植作物", "面积(亩)", "pH", "镉(mg/kg)", "经度", "纬度", "是否永久基本农田"]]
    rows += [[f"P{i}", "罗家村", "水田", "中稻", "5", "5.5", "0.45", "112°56′30″", "27°51′12″", "√"] for i in range(n)]
    return rows


def test_gbk_table_with_dms_coordinates_and_check_marks_is_read_as_gb18030(tmp_path):
    """Degree/minute/second signs and √ are GB 2312 symbols: the file is Chinese text, not cp1252."""
    p = _gbk(tmp_path, _dms_rows())
    text, enc = decode_text(p.read_bytes())
    assert enc == "GB18030"
    assert "112°56′30″" in text and "罗家村" in text
    v = validate_plots(p)
    assert v.n_valid == 14 and set(v.plots["village"]) == {"罗家村"}


def test_gbk_table_with_english_headers_keeps_chinese_village_names(tmp_path):
    rows = [["plot_id", "land_use", "crop", "area_ha", "ph", "cd_mg_kg", "village", "gps_n", "gps_e"]]
    rows += [[f"P{i}", "paddy", "rice", "0.5", "5.5", "0.5", "罗家村", "27°51′12″", "112°56′30″"] for i in range(6)]
    p = _gbk(tmp_path, rows)
    table, notes = read_table(p)
    assert table["village"].tolist() == ["罗家村"] * 6
    assert table["gps_n"].tolist() == ["27°51′12″"] * 6
    assert any("GB18030" in n for n in notes)


def test_cp1252_text_is_still_cp1252():
    assert decode_text("Müller Straße größe, Cd (µg/kg)".encode("cp1252"))[1] == "cp1252"


def _title_gbk(tmp_path: Path) -> Path:
    rows = [["湘乡县受污染耕地点位调查表"], ["填报日期：2026年"]] + _dms_rows(3)
    rows.insert(4, [""] * 10)
    return _gbk(tmp_path, rows, "title.csv")


def test_plan_shows_and_stores_the_reading_notes(tmp_path, capsys):
    """The encoding, title lines skipped and empty lines: on the plan console, in problems.csv
    (severity note), run.json and report.html, as ``validate`` prints them."""
    import json

    from agriremed.apps.cli import main

    p = _title_gbk(tmp_path)
    out = tmp_path / "out"
    assert main(["plan", str(p), "--out", str(out), "--draws", "0", "--no-xlsx"]) == 0
    said = capsys.readouterr().out
    assert "note: title.csv was read with the GB18030 text encoding" in said
    assert "header found on line 3; 2 title line(s) above it were skipped" in said
    assert "1 empty line(s) ignored (line 5)" in said
    probs = pd.read_csv(out / "problems.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    notes = probs.loc[probs["severity"].eq("note"), "problem"].tolist()
    assert any("GB18030" in n for n in notes) and any("2 title line(s)" in n for n in notes)
    assert any("empty line" in n for n in notes)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert any("GB18030" in n for n in run["input_notes"])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "How the input was read" in html and "GB18030" in html


def test_plan_api_keeps_the_reading_notes(tmp_path):
    plan = agriremed.plan(_title_gbk(tmp_path), agriremed.Scenario(mc_draws=0))
    assert any("2 title line(s)" in n for n in plan.input_notes)
    assert len(plan.plots) == 3
