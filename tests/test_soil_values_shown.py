"""The measured soil values beside the soil class: the plot sheet's soil-test line (pH, each metal
[mg/kg] with its GB 15618 screening and intervention values for the plot's land use and pH, and
the value exceeded) and the soil pH and metal columns of the workbook's plot summary."""

import io
from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.io import workbook as W
from agriremed.stages.advice import plot_advice

# S1: paddy pH 4.6 (GB 15618 pH ≤ 5.5 band): Cd screening 0.3 / intervention 1.5, Pb 80 / 400,
# Cu (other land) 50 with no intervention value. S2: upland pH 7.9 (> 7.5): Cd 0.6 / 4.0,
# As 25 / 100, Pb 170 / 1000; Pb and Cu not measured.
_CSV = ("plot_id,land_use,crop,area_mu,ph,cd_mg_kg,as_mg_kg,pb_mg_kg,cu_mg_kg\n"
        "S1,paddy,rice,2.3,4.6,1.85,,420,560\n"
        "S2,upland,maize,3,7.9,0.5,30,,\n")


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    p = tmp_path_factory.mktemp("soilvals") / "plots.csv"
    p.write_text(_CSV, encoding="utf-8")
    return agriremed.plan(p, agriremed.Scenario(mc_draws=0), progress=False)


def test_soil_values_line_in_both_languages(plan):
    assert plot_advice(plan, "S1", "zh").soil_values == (
        "土壤pH 4.6；镉 1.85 mg/kg（筛选值0.3，管制值1.5，超管制值）；铅 420 mg/kg（筛选值80，管制值400，超管制值）；"
        "铜 560 mg/kg（筛选值50，超筛选值）")
    assert plot_advice(plan, "S1", "en").soil_values == (
        "soil pH 4.6; Cd 1.85 mg/kg (screening 0.3, intervention 1.5, above intervention); "
        "Pb 420 mg/kg (screening 80, intervention 400, above intervention); "
        "Cu 560 mg/kg (screening 50, above screening)")
    # below the screening value: no mark; metals not measured: not shown
    assert plot_advice(plan, "S2", "zh").soil_values == (
        "土壤pH 7.9；镉 0.5 mg/kg（筛选值0.6，管制值4）；砷 30 mg/kg（筛选值25，管制值100，超筛选值）")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_soil_values_on_the_one_page_sheet(plan, lang):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("reportlab")
    from agriremed.io.sheets import sheet_pdf

    r = pypdf.PdfReader(io.BytesIO(sheet_pdf(plan, "S1", lang, date="2026-12-06")))
    assert len(r.pages) == 1
    text = r.pages[0].extract_text().replace("\n", "")
    if lang == "zh":
        assert "土壤检测值" in text and "镉 1.85 mg/kg（筛选值0.3，管制值1.5，超管制值）" in text
    else:
        assert "Soil test" in text and "Cd 1.85 mg/kg (screening 0.3, intervention 1.5, above intervention)" in text


def test_workbook_summary_has_the_soil_inputs_before_the_class(plan, tmp_path):
    path = W.write_workbook(plan, Path(tmp_path) / "plan.xlsx", lang="zh", date="2026-12-06")
    both = pd.read_excel(path, sheet_name="地块汇总", header=[0, 1], engine="openpyxl")
    names = [b for _a, b in both.columns]
    at = names.index("soil_class")
    assert names[at - 5:at] == ["ph", "cd_mg_kg", "as_mg_kg", "pb_mg_kg", "cu_mg_kg"]
    heads = dict((b, a) for a, b in both.columns)
    assert heads["ph"] == "土壤pH（水浸提）" and heads["cd_mg_kg"] == "土壤总镉 [mg/kg]"
    s = pd.read_excel(path, sheet_name="地块汇总", header=1, engine="openpyxl").set_index("plot_id")
    assert s.loc["S1", ["ph", "cd_mg_kg", "pb_mg_kg", "cu_mg_kg"]].tolist() == [4.6, 1.85, 420, 560]
    assert s.loc["S2", ["ph", "cd_mg_kg", "as_mg_kg"]].tolist() == [7.9, 0.5, 30]
    assert s.loc["S1", "as_mg_kg"] != s.loc["S1", "as_mg_kg"]  # not measured: a blank cell
    gl = pd.read_excel(path, sheet_name="术语表", header=1, engine="openpyxl")
    assert {"ph", "cd_mg_kg", "as_mg_kg", "pb_mg_kg", "cu_mg_kg"} <= set(gl["name"])
