"""County officers' sheets: the 详查 point-id field, pH annotated with the lab's water ratio,
CEC in cmol(+)/kg, a GIS area that disagrees with its polygon, the county's own class column,
and smaller spellings (E/N coordinate suffixes, note lines, Excel error values and dates)."""

from pathlib import Path

import pytest

import agriremed
from agriremed.core.messages import text_of


def _write(tmp_path: Path, text: str, name: str = "plots.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("header", ["点位编码", "点位编号", "样点编号", "采样点编号", "图斑编号", "点位代码",
                                    "样点编码"])
def test_point_code_headers_are_the_plot_id(tmp_path, header):
    """点位编码 (the 详查 point-table field) and its kin are read as plot_id."""
    p = _write(tmp_path, f"{header},土地利用类型,作物,面积（亩）,pH,镉（mg/kg）\n"
                         "430321001,水田,水稻,15,5.4,0.25\n430321002,旱地,小麦,7.5,7.9,0.9\n")
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["430321001", "430321002"]
    assert len(v.plots) + len(v.rejected) == v.n_input == 2


def test_missing_plot_id_names_a_code_column(tmp_path):
    """A header with 编码 that is no known alias is named in the missing-plot_id error."""
    p = _write(tmp_path, "监测点位编码,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）\nX1,水田,水稻,15,5.4,0.25\n")
    v = agriremed.validate_plots(p)
    err = v.errors.loc[v.errors["column"].eq("plot_id")]
    assert len(err) == 1
    assert "header '监测点位编码' was not recognised as plot_id" in err["problem"].iloc[0]
    assert "表头'监测点位编码'未被识别为plot_id" in text_of(err["problem_msg"].iloc[0], "zh")
    assert len(v.plots) + len(v.rejected) == v.n_input == 1
