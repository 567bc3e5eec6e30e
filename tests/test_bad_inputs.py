"""The bad-input catalogue (tests/bad_inputs/catalogue.yaml): every broken table gets the
expected message naming row and column; valid rows are still planned; rejected rows are
listed with reasons; planned + rejected = input rows; plan outputs carry the same messages."""

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import agriremed
from agriremed.apps.cli import main
from agriremed.io.readers import InputFileError

HERE = Path(__file__).parent / "bad_inputs"
CATALOGUE = yaml.safe_load((HERE / "catalogue.yaml").read_text(encoding="utf-8"))
CASES = CATALOGUE["cases"]
DEFAULTS = CATALOGUE["defaults"]


def write_case(case: dict, folder: Path) -> Path:
    kind = case.get("kind", "text")
    if kind == "empty":
        p = folder / f"{case['id']}.csv"
        p.write_bytes(b"")
        return p
    if kind == "xlsx_merged_header":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(["地块信息 plot", None, None, "土壤 soil", None, "重金属 metals"])
        ws.merge_cells("A1:C1")
        ws.merge_cells("D1:E1")
        ws.append(["plot_id", "land_use", "crop", "ph", "area_ha", "cd_mg_kg"])
        ws.append(["X-1", "水田", "rice", 5.2, 0.5, 0.8])
        ws.append(["X-2", "paddy", "rice", 5.9, 0.4, 0.3])
        p = folder / f"{case['id']}.xlsx"
        wb.save(p)
        return p
    if kind == "xlsx":  # cells starting with '=' are formulas without a saved value
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
        for name, rows in case["sheets"].items():
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(row)
        p = folder / f"{case['id']}.xlsx"
        wb.save(p)
        return p
    if kind == "file":  # a stored file (e.g. an old .xls workbook)
        p = folder / case["file"]
        shutil.copy(HERE / case["file"], p)
        return p
    text = expand(case["text"])
    p = folder / f"{case['id']}.csv"
    p.write_bytes(text.encode(case.get("encoding", "utf-8")) + case.get("tail_cp1252", "").encode("cp1252"))
    return p


def expand(text: str) -> str:
    text = text.replace("{H}", DEFAULTS["header"])
    for k, v in DEFAULTS["rows"].items():
        text = text.replace("{" + k + "}", v)
    return text


def rows_in_file(case: dict, path: Path) -> int:
    """Data rows physically in the file, counted without agriremed's reader: lines (or
    spreadsheet rows) below the header holding any value."""
    header_line = case.get("header_line", 1)
    if path.suffix == ".csv":
        text = path.read_bytes().decode(case.get("encoding", "utf-8"))
        return sum(1 for line in text.splitlines()[header_line:] if line.strip(" ,;\t\r\ufeff"))
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        ws = wb[case["sheet"]] if "sheet" in case else next(w for w in wb.worksheets if w.max_row > 1)
        rows = [r for r in ws.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
        return len(rows) - header_line
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    return sum(1 for r in rows if any(str(v).strip() for v in r)) - header_line


def _matches(problems: pd.DataFrame, row, column, severity, piece) -> bool:
    rows = problems["input_row"].isna() if row is None else problems["input_row"].eq(row).fillna(False)
    sel = problems.loc[rows & problems["column"].eq(column) & problems["severity"].eq(severity)]
    return sel["problem"].str.contains(piece, regex=False).any()


def test_catalogue_has_at_least_40_cases():
    assert len(CASES) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case, tmp_path, capsys):
    path = write_case(case, tmp_path)
    sheet = case.get("sheet")
    sheet_args = ["--sheet", sheet] if sheet is not None else []
    if "error" in case:   # the file cannot be read as a table at all
        with pytest.raises(InputFileError, match=re.escape(case["error"])):
            agriremed.validate_plots(path, sheet=sheet)
        assert main(["plan", str(path), "--out", str(tmp_path / "out"), "--draws", "0", *sheet_args]) == 2
        assert case["error"] in capsys.readouterr().err
        assert main(["validate", str(path), *sheet_args]) == 2
        assert case["error"] in capsys.readouterr().err
        return
    v = agriremed.validate_plots(path, sheet=sheet)
    # planned + rejected = the data rows physically in the file
    assert len(v.plots) + len(v.rejected) == v.n_input == rows_in_file(case, path), v.messages()
    for row, column, severity, piece in case.get("problems", []):
        assert _matches(v.problems, row, column, severity, piece), \
            (row, column, severity, piece, v.messages())
    expected_rejected = case.get("rejected", [])
    assert v.rejected["input_row"].tolist() == expected_rejected, v.messages()
    assert len(v.plots) == case["planned"]
    assert len(v.plots) + len(v.rejected) == v.n_input
    # every row-level error names its row and its column
    row_errors = v.errors.dropna(subset=["input_row"])
    assert row_errors["column"].str.len().gt(0).all()
    if len(v.rejected):
        assert v.rejected["reasons"].str.len().gt(0).all()
    # no problem beyond the expected ones at error level
    if not case.get("problems"):
        assert v.errors.empty, v.messages()
    for col, values in case.get("values", {}).items():
        assert v.plots[col].tolist() == pytest.approx(values) if isinstance(values[0], float) \
            else v.plots[col].tolist() == values
    for piece in case.get("notes", []):
        assert any(piece in n for n in v.notes), v.notes
    if "lines" in case:
        assert v.plots["line"].tolist() == case["lines"]
    # the plan carries the same rows and messages
    p = agriremed.plan(agriremed.validate_plots(path, sheet=sheet) if sheet else path,
                       agriremed.Scenario(mc_draws=0))
    assert len(p.plots) + len(p.rejected) == p.n_input == v.n_input
    assert p.rejected["input_row"].tolist() == expected_rejected
    pd.testing.assert_frame_equal(p.problems, v.problems)
    assert len(p.summary) == case["planned"]
    # and the command line never shows a traceback
    if "same_as" in case:  # recoverable data: the same numbers and classes as the clean file
        clean = tmp_path / "clean.csv"
        clean.write_text(expand(case["same_as"]), encoding="utf-8")
        vc = agriremed.validate_plots(clean)
        for col in vc.plots.columns.drop(["input_row", "line"]):
            if col in v.plots and vc.plots[col].dtype.kind == "f":
                np.testing.assert_allclose(v.plots[col].to_numpy(float), vc.plots[col].to_numpy(float),
                                           rtol=1e-12, err_msg=col)
            elif col in v.plots:
                assert v.plots[col].tolist() == vc.plots[col].tolist(), col
        pc = agriremed.plan(clean, agriremed.Scenario(mc_draws=0))
        for col in ("soil_class", "controlling_metal", "recommended_option"):
            assert p.summary[col].tolist() == pc.summary[col].tolist(), col
    code = main(["plan", str(path), "--out", str(tmp_path / "out"), "--draws", "0", "--no-report",
                 *sheet_args])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert code == (0 if case["planned"] else 1)
    # validate exits 1 when any row or the file has an error
    assert main(["validate", str(path), *sheet_args]) == (1 if len(v.errors) else 0)
    capsys.readouterr()


def test_every_catalogue_message_is_translated(tmp_path):
    """Problems, expectations, notes and file errors of every case have a Chinese text."""
    from agriremed.core import i18n, messages

    pairs = {}  # English text → Chinese text as the outputs show it
    coded = 0
    for case in CASES:
        path = write_case(case, tmp_path)
        try:
            v = agriremed.validate_plots(path, sheet=case.get("sheet"))
        except InputFileError as exc:
            pairs[str(exc)] = messages.text_of(exc, "zh")
            continue
        p = v.problems.fillna({"expected": "", "expected_msg": "", "problem_msg": ""})
        for col in ("problem", "expected"):
            pairs.update(zip(p[col], messages.column_texts(p, col, "zh"), strict=True))
            coded += int((p[f"{col}_msg"] != "").sum())
        pairs.update((n, messages.text_of(n, "zh")) for n in v.notes)
        if len(v.rejected):
            pairs.update(zip(v.rejected["reasons"], messages.column_texts(v.rejected, "reasons", "zh"),
                             strict=True))
    pairs.pop("", None)
    assert len(pairs) > 60 and coded > 100
    bad = {t: zh for t, zh in pairs.items() if zh == t or i18n.untranslated(zh)}
    assert bad == {}
