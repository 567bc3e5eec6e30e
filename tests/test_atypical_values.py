"""Soil metal values above the values usually measured in soil (a value in µg/kg typed under a mg/kg
header): the problem says what is typical in words that read as such, and the plan of the plot says
to check the value before acting on it."""

import pandas as pd

from agriremed.io.validate import validate_plots

#: Four Hunan paddies whose Cd column was written in µg/kg under a mg/kg header (officer review F1).
UGKG_COLUMN = ("地块编号,县,地类,作物,面积(亩),pH,镉(mg/kg),是否永久基本农田\n"
               "E-01,湖南省常德市石门县,水田,水稻,2.0,5.5,250,是\n"
               "E-02,湖南省常德市石门县,水田,水稻,2.0,5.8,420,是\n"
               "E-03,湖南省常德市石门县,水田,水稻,2.0,6.0,180,是\n"
               "E-04,湖南省常德市石门县,水田,水稻,2.0,6.2,95,是\n")


def _csv(tmp_path, text, name="plots.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_value_above_the_typical_range_says_typically_at_most_in_both_languages(tmp_path):
    v = validate_plots(_csv(tmp_path, UGKG_COLUMN))
    cd = v.problems[(v.problems["column"] == "cd_mg_kg") & (v.problems["value"] == "250")]
    assert cd["expected"].tolist() == ["typically ≤ 100 mg kg⁻¹"]
    en = [m for m in v.messages(group=False) if "'250'" in m]
    assert en == ["WARNING row 1 (line 2, plot E-01), column cd_mg_kg: value '250' — unusual value: kept, "
                  "please check it (and its unit); typically ≤ 100 mg kg⁻¹"]
    zh = [m for m in v.messages(group=False, lang="zh") if "'250'" in m]
    assert zh == ["警告：第1条记录（文件第2行，地块E-01），列土壤总镉：值'250'——数值异常：已保留，请核对数值（及单位）；"
                  "通常不超过100 mg/kg"]


def test_a_range_with_both_bounds_is_said_as_a_range_after_the_problem():
    from plotdata import make_plots
    v = validate_plots(make_plots(1, bulk_density_g_cm3=2.2))
    bd = v.problems[v.problems["column"] == "bulk_density_g_cm3"]
    assert bd["expected"].tolist() == ["typically 0.8–1.8 g cm⁻³"]
    zh = [m for m in v.messages(group=False, lang="zh") if "土壤容重" in m]
    assert len(zh) == 1 and zh[0].endswith("；通常为0.8–1.8 g/cm³") and "应为通常" not in zh[0]


def test_typical_message_of_an_open_range():
    from agriremed.core.messages import render
    from agriremed.io.validate import typical_message
    assert render(typical_message(None, 100.0, "mg/kg"), "zh") == "通常不超过100 mg/kg"
    assert render(typical_message(50.0, None, "mm"), "en").startswith("typically ≥ 50 ")
    assert isinstance(pd.__version__, str)
