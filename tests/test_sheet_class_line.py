"""The plot sheet's class line follows the plot (EN and 中文): on priority-protection land it says "keep farming
as usual" only where the sheet does not warn about the crop (a recommended food option below the plan's compliance
target, or a harvest measured above its limit: then the harvest test and the class re-check by crop monitoring
data, as ``rec.below_target_priority``); and on safe-utilisation or strict-control land whose soil metal the
plot table gives as mainly of natural origin (``high_background``, 地质高背景: karst) the class is re-checked with
crop (grain) monitoring data, on the sheet and in the recommendation (the project's advice)."""

import io

import pandas as pd
import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.io.validate import validate_plots
from agriremed.stages.advice import plot_advice

_B = {"som_pct": 2.9, "as_mg_kg": 12.0, "hg_mg_kg": 0.2, "cr_mg_kg": 60, "cu_mg_kg": 25, "zn_mg_kg": 100,
      "ni_mg_kg": 22, "basic_farmland": "yes", "region": "湖南省/株洲市/攸县", "land_use": "paddy", "crop": "rice"}
#: 攸县 paddy, pH 5.3, Cd 0.3 (its screening value): priority protection, flooded rice 89 % < the 90 % target
HIGH = {**_B, "plot_id": "YX-010", "area_ha": 1.1 / 15, "ph": 5.3, "cd_mg_kg": 0.3, "pb_mg_kg": 50.0}
#: the same paddy with its rice measured above the 0.2 mg/kg Cd limit
MEASURED = {**HIGH, "plot_id": "YX-010m", "crop_cd_mg_kg": 0.35}
#: 攸县 paddy, pH 6.8, Cd 0.1: priority protection, the rice grown as before predicted within the limit in 91 % of
#: harvests (at Cd 0.15, 88 %: below the 90 % target, and the sheet says to take the recommended low-Cd rice)
LOW = {**_B, "plot_id": "YX-020", "area_ha": 2.0 / 15, "ph": 6.8, "cd_mg_kg": 0.1, "pb_mg_kg": 40.0}
#: the golden panel's karst paddy (cd_karst_paddy: Guizhou, pH 7.2, Cd 1.8: safe utilisation)
_K = {"area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
      "annual_rain_mm": 1300.0, "mean_temp_c": 15.0, "land_use": "paddy", "crop": "rice", "ph": 7.2,
      "cd_mg_kg": 1.8, "basic_farmland": "yes", "region": "Guizhou"}
KARST = {**_K, "plot_id": "GZ-K1", "high_background": "yes"}
KARST_NO = {**_K, "plot_id": "GZ-K2", "high_background": "no"}
#: the county has classed it strict control: its class is kept as given, no re-check advice
KARST_COUNTY = {**_K, "plot_id": "GZ-K3", "high_background": "yes", "soil_class_county": "strict_control"}
#: Cd 5.0 above the 4.0 intervention value at pH 7.2: strict control by the soil values
KARST_STRICT = {**_K, "plot_id": "GZ-K4", "cd_mg_kg": 5.0, "high_background": "是"}

HIGH_EN = ("priority protection — the soil is at or below the screening values, but the crop prediction is high: "
           "test the harvest and re-check the class with crop (grain) monitoring data")
HIGH_ZH = "优先保护类 — 土壤不超过筛选值，但作物预测超标风险较高：请检测收获的农产品，并结合农产品（籽粒）监测数据复核类别"
KARST_EN = ("safe utilisation — the soil is above the screening value: food crops only with measures that keep the "
            "harvest safe, and testing of the harvest; the metal is mainly of natural (geological) origin: re-check "
            "the class with crop (grain) monitoring data")
KARST_ZH = ("安全利用类 — 土壤超过筛选值：种植食用作物须采取降低农产品重金属的措施并检测农产品；"
            "土壤重金属主要来自地质高背景：请结合农产品（籽粒）监测数据复核类别")


@pytest.fixture(scope="module")
def plan():
    plots = pd.DataFrame([HIGH, MEASURED, LOW, KARST, KARST_NO, KARST_COUNTY, KARST_STRICT])
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False)


def _summary(plan, pid):
    return plan.summary.set_index("plot_id").loc[pid]


def test_priority_protection_with_a_high_crop_prediction_does_not_say_farm_as_usual(plan):
    s = _summary(plan, "YX-010")
    assert s["soil_class"] == "priority_protection" and s["recommended_option"] == "flooded_rice"
    assert "below the plan's compliance target (89 % < 90 %)" in s["recommendation"]
    en, zh = plot_advice(plan, "YX-010", "en"), plot_advice(plan, "YX-010", "zh")
    assert en.soil_class_text == HIGH_EN and zh.soil_class_text == HIGH_ZH
    assert "as usual" not in en.soil_class_text and "照常" not in zh.soil_class_text
    # the harvest warning of the same sheet says the same thing
    assert en.harvest_risk.startswith("Harvest: about 1 in 10 harvests predicted above the limit")


def test_priority_protection_with_the_harvest_measured_above_the_limit(plan):
    s = _summary(plan, "YX-010m")
    assert s["soil_class"] == "priority_protection" and s["crop_measured_exceeds"] == "cd"
    assert plot_advice(plan, "YX-010m", "en").soil_class_text == (
        "priority protection — the soil is at or below the screening values, but the harvest was measured above the "
        "food limit: test the harvest and re-check the class with crop (grain) monitoring data")
    assert plot_advice(plan, "YX-010m", "zh").soil_class_text == (
        "优先保护类 — 土壤不超过筛选值，但农产品实测超过食品限量：请检测收获的农产品，并结合农产品（籽粒）监测数据复核类别")


def test_priority_protection_with_a_low_crop_prediction_keeps_the_line(plan):
    s = _summary(plan, "YX-020")
    assert s["soil_class"] == "priority_protection"
    en, zh = plot_advice(plan, "YX-020", "en"), plot_advice(plan, "YX-020", "zh")
    assert en.harvest_risk == "" and "below the plan's compliance target" not in s["recommendation"]
    assert en.soil_class_text == ("priority protection — the soil is at or below the screening values: keep farming "
                                  "as usual and protect it")
    assert zh.soil_class_text == "优先保护类 — 土壤不超过筛选值：照常耕种并加以保护"


def test_karst_high_background_plot_is_told_to_recheck_the_class_with_crop_monitoring(plan):
    s = _summary(plan, "GZ-K1")
    assert s["soil_class"] == "safe_utilisation" and s["high_background"] == "yes"
    assert plot_advice(plan, "GZ-K1", "en").soil_class_text == KARST_EN
    assert plot_advice(plan, "GZ-K1", "zh").soil_class_text == KARST_ZH
    # the class re-check, then the karst/geogenic adjustment of the rice prediction (rec.geogenic)
    assert s["recommendation"].endswith(
        "The soil metal is mainly of natural (geological) origin (high background, as given for the plot): re-check "
        "the class with crop (grain) monitoring data. Predicted with the karst/geogenic adjustment (soil metal of "
        "natural origin, the plot given as high geological background; not tested on other surveys with pH): rice Cd "
        "× 0.482, calibrated on only 2 surveys (Song et al. 2023 (Guizhou rice); SW Guangxi Cd anomaly rice survey "
        "2020; project synthesis of published data) — the county should check them with grain monitoring data.")
    zh = messages.column_texts(plan.summary.loc[plan.summary["plot_id"] == "GZ-K1"], "recommendation", "zh")[0]
    assert zh.endswith("土壤重金属主要来自地质高背景（按地块填报）：请结合农产品（籽粒）监测数据复核类别。"
                       "按岩溶/地质高背景校正预测（土壤重金属主要来自地质高背景；未经其他含pH调查检验）：水稻镉含量 × 0.482，"
                       "仅依据2项调查标定（宋江菊 等 2023；广西西南部镉地质异常区水稻调查 2020；本工具依据文献数据综合推算）"
                       "——请县里结合籽粒监测数据核查。")
    assert "karst/geogenic" not in _summary(plan, "GZ-K2")["recommendation"]
    # strict control by the soil values, the flag written 是: the same advice
    assert _summary(plan, "GZ-K4")["soil_class"] == "strict_control"
    assert plot_advice(plan, "GZ-K4", "zh").soil_class_text.endswith(
        "；土壤重金属主要来自地质高背景：请结合农产品（籽粒）监测数据复核类别")


def test_no_background_advice_without_the_flag_or_on_the_countys_class(plan):
    old = ("safe utilisation — the soil is above the screening value: food crops only with measures that keep the "
           "harvest safe, and testing of the harvest")
    assert plot_advice(plan, "GZ-K2", "en").soil_class_text == old
    assert "natural (geological) origin" not in _summary(plan, "GZ-K2")["recommendation"]
    k3 = _summary(plan, "GZ-K3")
    assert (k3["soil_class"], k3["soil_class_basis"]) == ("strict_control", "county")
    assert "natural (geological) origin" not in plot_advice(plan, "GZ-K3", "en").soil_class_text
    assert "natural (geological) origin" not in k3["recommendation"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sheets_with_the_new_lines_stay_one_page(plan, lang):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("reportlab")
    from agriremed.io.sheets import sheet_pdf

    for pid, line in (("YX-010", HIGH_EN if lang == "en" else HIGH_ZH),
                      ("GZ-K1", KARST_EN if lang == "en" else KARST_ZH)):
        r = pypdf.PdfReader(io.BytesIO(sheet_pdf(plan, pid, lang, date="2026-12-07")))
        assert len(r.pages) == 1, pid
        text = r.pages[0].extract_text().replace("\n", "").replace(" ", "")
        assert line.split(" — ")[1].replace(" ", "") in text, pid


def test_the_report_glossary_of_priority_protection_names_the_crop_recheck():
    assert i18n.t("ui.report.def.priority_protection", "en").endswith(
        "Where the crop is predicted or measured above the food limit, test the harvest and re-check the class with "
        "crop (grain) monitoring data.")
    assert i18n.t("ui.report.def.priority_protection", "zh").endswith(
        "作物预测或实测超过食品限量的，请检测收获的农产品，并结合农产品（籽粒）监测数据复核类别。")


def test_the_high_background_column_reads_chinese_headers_and_values():
    v = validate_plots(pd.DataFrame([{**_K, "plot_id": "a", "地质高背景": "是"}, {**_K, "plot_id": "b", "地质高背景": "否"},
                                     {**_K, "plot_id": "c", "地质高背景": "不清楚"}]))
    assert v.plots["high_background"].tolist()[:2] == ["yes", "no"] and pd.isna(v.plots["high_background"].iloc[2])
    p = v.problems.set_index("plot_id")
    assert p.loc["a", "severity"] == "note" and p.loc["c", "severity"] == "warning"


#: 攸县 paddy, pH 5.0, Cd 0.05 (screening 0.3): priority protection; the rice grown as before meets the Cd limit
#: in 76 % of harvests (< the 90 % target), low-Cd rice in 93 %: low-Cd rice is recommended (R049/R050)
UNCHANGED_LOW = {**_B, "plot_id": "YX-030", "area_ha": 0.5, "ph": 5.0, "cd_mg_kg": 0.05, "pb_mg_kg": 40.0}
#: the same paddy abroad (rule set not Chinese): the harvest test only, no class re-check
UNCHANGED_LOW_EU = {**UNCHANGED_LOW, "plot_id": "YX-031"}


def test_priority_protection_with_a_recommended_measure_does_not_say_farm_as_usual():
    plan = agriremed.plan(pd.DataFrame([UNCHANGED_LOW, LOW, {**LOW, "plot_id": "YX-021", "cd_mg_kg": 0.15}]),
                          agriremed.Scenario(mc_draws=0), progress=False)
    s = _summary(plan, "YX-030")
    assert s["soil_class"] == "priority_protection" and s["recommended_option"] == "low_cd_rice"
    t = plan.table.set_index(["plot_id", "option_id"])
    assert round(t.loc[("YX-030", "do_nothing"), "crop_compliance_prob"], 2) == 0.76
    assert t.loc[("YX-030", "low_cd_rice"), "crop_compliance_prob"] >= 0.9   # the measure reaches the target
    en, zh = plot_advice(plan, "YX-030", "en"), plot_advice(plan, "YX-030", "zh")
    assert en.soil_class_text == (
        "priority protection — the soil is at or below the screening values, but the crop grown as before is "
        "predicted to meet the food limit in only 76 % of harvests (target 90 %): take the recommended measure "
        "instead of farming as usual, test the harvest and re-check the class with crop (grain) monitoring data")
    assert zh.soil_class_text == (
        "优先保护类 — 土壤不超过筛选值，但按现行做法种植，作物预计仅76 %的收获季符合食品限量（目标90 %）："
        "请采取推荐措施，不要照常耕种；检测收获的农产品，并结合农产品（籽粒）监测数据复核类别")
    assert "keep farming as usual" not in en.soil_class_text and "照常耕种并加以保护" not in zh.soil_class_text
    # the plot whose rice meets the limit as it is grown keeps the line
    assert plot_advice(plan, "YX-020", "en").soil_class_text.endswith("keep farming as usual and protect it")
    assert "in only 88 % of harvests (target 90 %): take the recommended measure" in plot_advice(
        plan, "YX-021", "en").soil_class_text


def test_priority_protection_with_a_recommended_measure_abroad_says_the_harvest_test_only():
    plan = agriremed.plan(pd.DataFrame([UNCHANGED_LOW_EU]), agriremed.Scenario(mc_draws=0, rule_set="none"),
                          progress=False)
    if _summary(plan, "YX-031")["recommended_option"] == "do_nothing":
        pytest.skip("no measure recommended under this rule set")
    en = plot_advice(plan, "YX-031", "en").soil_class_text
    assert "take the recommended measure instead of farming as usual and test the harvest before sale" in en
    assert "re-check the class" not in en
