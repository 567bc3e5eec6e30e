"""Soil values below the detection limit and "not detected" without a limit as the plot sheet, the summary and the
workbook show them: '<0.05' is planned at the limit and printed as '镉 <0.05 mg/kg（低于检出限，…）'; 'ND', '未检出',
'低于检出限', '<DL' are not measured for the class (``not_detected_metals``), printed as '镉 未检出（未注明检出限）',
with the class and the recommendation saying the class does not consider the metal."""
from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.engine.stream import plan_stream
from agriremed.io import workbook as W
from agriremed.io.validate import has_not_detected
from agriremed.stages.advice import plot_advice

# paddy pH 6.0 (GB 15618 5.5 < pH ≤ 6.5): Cd screening 0.4 / intervention 2.0, Hg 0.5 / 2.5, Pb 100 / 500
_HEAD = "plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg,hg_mg_kg,pb_mg_kg\n"
_ROWS = ("L1,湖南/株洲/渌口,paddy,rice,0.5,6.0,＜0.05,0.1,30\n"
         "L2,湖南/株洲/渌口,paddy,rice,0.5,6.0,0.05L,0.1,30\n"
         "N1,湖南/株洲/渌口,paddy,rice,0.5,6.0,<DL,0.1,30\n"
         "N2,湖南/株洲/渌口,paddy,rice,0.5,6.0,低于检出限,0.1,ND\n"
         "M1,湖南/株洲/渌口,paddy,rice,0.5,6.0,0.2,0.1,30\n"
         "B1,湖南/株洲/渌口,paddy,rice,0.5,6.0,,0.1,30\n")
SC = agriremed.Scenario(mc_draws=0)


def _write(tmp_path: Path, text: str, name: str = "plots.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    return agriremed.plan(_write(tmp_path_factory.mktemp("dl"), _HEAD + _ROWS), SC, progress=False)


def test_below_the_limit_on_the_sheet(plan):
    zh = "土壤pH 6.0；镉 <0.05 mg/kg（低于检出限，筛选值0.4，管制值2）；汞 0.1 mg/kg（筛选值0.5，管制值2.5）；铅 30 mg/kg（筛选值100，管制值500）"
    assert plot_advice(plan, "L1", "zh").soil_values == zh
    assert plot_advice(plan, "L2", "zh").soil_values == zh
    assert plot_advice(plan, "L1", "en").soil_values == (
        "soil pH 6.0; Cd <0.05 mg/kg (below the detection limit, screening 0.4, intervention 2); "
        "Hg 0.1 mg/kg (screening 0.5, intervention 2.5); Pb 30 mg/kg (screening 100, intervention 500)")
    # a measured value keeps its plain number
    assert plot_advice(plan, "M1", "zh").soil_values.startswith("土壤pH 6.0；镉 0.2 mg/kg（筛选值0.4，管制值2）；")


def test_not_detected_on_the_sheet(plan):
    a = plot_advice(plan, "N1", "zh")
    assert a.soil_values == ("土壤pH 6.0；镉 未检出（未注明检出限）；汞 0.1 mg/kg（筛选值0.5，管制值2.5）；"
                             "铅 30 mg/kg（筛选值100，管制值500）")
    assert a.soil_class_text == ("优先保护类 — 土壤不超过筛选值：照常耕种并加以保护（分类未考虑镉：未检出，未注明检出限）")
    assert plot_advice(plan, "N2", "zh").soil_values == ("土壤pH 6.0；镉 未检出（未注明检出限）；汞 0.1 mg/kg（筛选值0.5，"
                                                         "管制值2.5）；铅 未检出（未注明检出限）")
    assert plot_advice(plan, "N2", "zh").soil_class_text.endswith("（分类未考虑镉、铅：未检出，未注明检出限）")
    en = plot_advice(plan, "N1", "en")
    assert en.soil_values.startswith("soil pH 6.0; Cd not detected (no detection limit given); Hg 0.1 mg/kg")
    assert en.soil_class_text.endswith("(the class does not consider Cd: not detected, no detection limit given)")
    # an empty cell: not shown, and the class says nothing of it
    b = plot_advice(plan, "B1", "zh")
    assert "镉" not in b.soil_values and "未考虑" not in b.soil_class_text


def test_not_detected_in_the_recommendation(plan):
    s = plan.summary.set_index("plot_id")
    note = ("Cd in the soil given as not detected without a detection limit: treated as not measured, the soil class "
            "does not consider Cd; give the laboratory's detection limit (e.g. <0.05) and plan again.")
    assert s.loc["N1", "recommendation"].endswith(note)
    assert s.loc["N1", "recommendation"] == s.loc["B1", "recommendation"].replace("plot B1", "plot N1") + " " + note
    assert messages.render(s.loc["N2", "recommendation_msg"], "zh").endswith(
        "土壤镉、铅填写为未检出、未注明检出限：按未测定处理，土壤类别未考虑镉、铅；请补填实验室检出限（如<0.05）后重新规划。")
    assert "not detected" not in s.loc["B1", "recommendation"]


def test_summary_columns(plan):
    s = plan.summary
    assert s["censored_metals"].fillna("").tolist() == ["cd", "cd", "", "", "", ""]
    assert s["not_detected_metals"].fillna("").tolist() == ["", "", "cd", "cd+pb", "", ""]
    cols = s.columns.tolist()
    assert cols.index("not_detected_metals") == cols.index("censored_metals") + 1 == cols.index("metals_exceeding") + 2
    # no such cell in the input: no column
    other = agriremed.plan(pd.DataFrame({"plot_id": ["A"], "region": "湖南/株洲/渌口", "land_use": "paddy",
                                         "crop": "rice", "area_ha": 0.5, "ph": 6.0, "cd_mg_kg": [""]}), SC).summary
    assert "not_detected_metals" not in other and "censored_metals" not in other


def test_workbook_summary_labels(plan, tmp_path):
    path = W.write_workbook(plan, tmp_path / "plan.xlsx", lang="zh", date="2026-12-06")
    both = pd.read_excel(path, sheet_name="地块汇总", header=[0, 1], engine="openpyxl")
    labels = dict((b, a) for a, b in both.columns)
    assert labels["censored_metals"] == "低于检出限的重金属（按检出限规划）"
    assert labels["not_detected_metals"] == "未检出且未注明检出限的重金属（按未测定处理）"
    got = both.droplevel(0, axis=1).set_index("plot_id")
    assert got.loc["L1", "censored_metals"] == "镉" and got.loc["N2", "not_detected_metals"] == "镉、铅"
    # the soil-metal cells stay numbers: the limit, blank where not measured
    assert got.loc["L1", "cd_mg_kg"] == 0.05 and pd.isna(got.loc["N1", "cd_mg_kg"])


def test_has_not_detected():
    assert has_not_detected(pd.DataFrame({"镉(mg/kg)": ["0.2", "未检出"]}))
    assert has_not_detected(pd.DataFrame({"cd_mg_kg": ["0.2", "＜DL"]}))
    assert not has_not_detected(pd.DataFrame({"cd_mg_kg": ["0.2", "<0.05", "0.05L", ""]}))
    assert not has_not_detected(pd.DataFrame({"crop": ["ND"], "cd_mg_kg": ["0.2"]}))


def test_streamed_in_chunks_as_read_whole(tmp_path):
    """``not_detected_metals`` in every chunk's summary, also in chunks without such a cell, as read whole."""
    p = _write(tmp_path, _HEAD + _ROWS)
    whole = agriremed.plan(p, SC, progress=False).summary
    r = plan_stream(p, SC, out=tmp_path / "out", chunk_size=1, fmt="csv", progress=False)
    assert r.summary.columns.tolist() == whole.columns.tolist()
    assert r.summary["not_detected_metals"].fillna("").tolist() == ["", "", "cd", "cd+pb", "", ""]
    written = pd.read_csv(tmp_path / "out" / "summary.csv", keep_default_na=False)
    assert written["not_detected_metals"].tolist() == ["", "", "cd", "cd+pb", "", ""]
    assert written["recommendation"].tolist() == whole["recommendation"].tolist()


@pytest.mark.parametrize("at", [0, 2])
def test_dask_not_detected_in_one_partition_only(at):
    dd = pytest.importorskip("dask.dataframe")
    from agriremed.engine.dask_backend import plan_dask

    rows = pd.DataFrame({"plot_id": ["G0", "G1", "G2"], "region": "湖南/株洲/渌口", "land_use": "paddy",
                         "crop": "rice", "area_ha": 0.3, "ph": 5.2, "cd_mg_kg": ["0.2"] * 3, "pb_mg_kg": 30.0})
    rows.loc[at, "cd_mg_kg"] = "未检出"
    whole = agriremed.plan(rows, SC, progress=False).summary
    got = plan_dask(dd.from_pandas(rows, npartitions=3, sort=False), SC).summary.compute()
    assert got.columns.tolist() == whole.columns.tolist()
    expected = [None] * 3
    expected[at] = "cd"
    nd = got["not_detected_metals"].astype(object)
    assert nd.where(nd.notna(), None).tolist() == expected
