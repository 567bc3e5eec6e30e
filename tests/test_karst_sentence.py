"""The plan's sentence on the karst/geogenic adjustment (plot column ``high_background`` yes): it names the adjustment
of every crop the sentence compares — a Guizhou paddy switched from rice to maize names the maize factor × 0.121
(one survey) that makes maize meet the limit, beside the rice factor × 0.482 (2 surveys) — and says a switch relies
on it; outside the provinces of the adjustment's surveys (Hunan) it says the adjustment is not applied and why
(issue 16: F4, F2). The uptake numbers themselves are those of test_uptake_geogenic.py."""

import pandas as pd
import pytest

import agriremed
from agriremed import Scenario
from agriremed.core import messages

BASE = dict(land_use="paddy", crop="rice", area_ha=0.5, som_pct=2.5, clay_pct=25, cec_cmol_kg=12,
            basic_farmland="no")
ROWS = [dict(BASE, plot_id="GZ-yes", region="Guizhou/Bijie", ph=6.0, cd_mg_kg=0.8, high_background="yes"),
        dict(BASE, plot_id="GZ-no", region="Guizhou/Bijie", ph=6.0, cd_mg_kg=0.8, high_background="no"),
        dict(BASE, plot_id="HN-yes", region="Hunan/Zhuzhou/Lukou", ph=5.5, cd_mg_kg=0.6, high_background="yes"),
        dict(BASE, plot_id="HN-no", region="Hunan/Zhuzhou/Lukou", ph=5.5, cd_mg_kg=0.6, high_background="no"),
        dict(BASE, plot_id="GX-yes", region="广西壮族自治区河池市", ph=5.5, cd_mg_kg=0.6, high_background="是")]

RICE_EN = ("rice Cd × 0.482, calibrated on only 2 surveys (Song et al. 2023 (Guizhou rice); SW Guangxi Cd anomaly "
           "rice survey 2020; project synthesis of published data)")
MAIZE_EN = "maize Cd × 0.121, calibrated on one survey (Yang et al. 2022; project synthesis of published data)"
# the switch clause points to the closing note for the factor (before: "… (× 0.121, calibrated on one survey): …",
# the factor and its evidence said twice)
SWITCH_EN = ("; the switch from rice relies on the karst/geogenic adjustment of the maize Cd prediction (factor and "
             "surveys in the closing note): test the maize grain for Cd from the first harvest.")


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(pd.DataFrame(ROWS), Scenario(mc_draws=0))


def _rec(plan, pid, lang="en"):
    row = plan.summary.loc[plan.summary["plot_id"] == pid]
    return row["recommendation"].iloc[0] if lang == "en" else messages.column_texts(row, "recommendation", "zh")[0]


def _compliance(plan, pid, option):
    t = plan.table
    return float(t.loc[(t["plot_id"] == pid) & (t["option_id"] == option), "crop_compliance_prob"].iloc[0])


def test_a_switch_to_maize_names_the_maize_adjustment_that_decides_it(plan):
    s = plan.summary.set_index("plot_id")
    # the flag switches the Guizhou paddy from low-Cd rice to maize: the one-survey maize factor lifts maize
    # compliance from 0.71 to 0.98 (rice 0.72 → 0.85 by its own factor)
    assert s.loc["GZ-yes", "recommended_option"] == "maize_grain" and s.loc["GZ-no", "recommended_option"] == "low_cd_rice"
    assert _compliance(plan, "GZ-no", "maize_grain") == pytest.approx(0.7079, abs=5e-4)
    assert _compliance(plan, "GZ-yes", "maize_grain") == pytest.approx(0.9806, abs=5e-4)
    assert s.loc["GZ-no", "current_crop_compliance_prob"] == pytest.approx(0.7235, abs=5e-4)
    assert s.loc["GZ-yes", "current_crop_compliance_prob"] == pytest.approx(0.8545, abs=5e-4)
    en = _rec(plan, "GZ-yes")
    # the runner-up clause says the switch relies on the maize adjustment …
    assert "ahead of Low-Cd rice variety (VIP: V) (score 0.74 vs 0.71), mostly on carbon balance" + SWITCH_EN in en
    # … and the closing note names both crops' factors and evidence, not the rice one alone
    assert en.endswith(
        "Predicted with the karst/geogenic adjustment (soil metal of natural origin, the plot given as high geological "
        f"background; not tested on other surveys with pH): {RICE_EN}; {MAIZE_EN} — the county should check them with "
        "grain monitoring data.")
    zh = _rec(plan, "GZ-yes", "zh")
    assert ("；由水稻改种玉米所依据的玉米镉含量预测经过岩溶/地质高背景校正（校正系数及其依据的调查见文末）："
            "从第一季收获起检测玉米籽粒镉含量。") in zh
    assert en.count("× 0.121") == 1 and zh.count("× 0.121") == 1
    assert zh.endswith(
        "按岩溶/地质高背景校正预测（土壤重金属主要来自地质高背景；未经其他含pH调查检验）：水稻镉含量 × 0.482，仅依据2项调查标定"
        "（宋江菊 等 2023；广西西南部镉地质异常区水稻调查 2020；本工具依据文献数据综合推算）；玉米镉含量 × 0.121，"
        "仅依据一项调查标定（Yang 等 2022；本工具依据文献数据综合推算）——请县里结合籽粒监测数据核查。")
    # the same in Guangxi, the flag written 是 and the region in Chinese
    assert s.loc["GX-yes", "recommended_option"] == "maize_grain"
    assert SWITCH_EN in _rec(plan, "GX-yes") and MAIZE_EN in _rec(plan, "GX-yes")
    # without the flag: no word of it
    assert "karst" not in _rec(plan, "GZ-no") and "karst" not in _rec(plan, "HN-no")


def test_outside_guizhou_and_guangxi_the_sentence_says_the_adjustment_is_not_applied(plan):
    s = plan.summary.set_index("plot_id")
    # Hunan: the same prediction with and without the flag (the adjustment holds in its surveys' provinces only)
    assert s.loc["HN-yes", "current_crop_compliance_prob"] == pytest.approx(0.4871, abs=5e-4)
    assert s.loc["HN-yes", "current_crop_compliance_prob"] == s.loc["HN-no", "current_crop_compliance_prob"]
    assert s.loc["HN-yes", "recommended_option"] == s.loc["HN-no", "recommended_option"] == "lime_low_cd_rice"
    en = _rec(plan, "HN-yes")
    # one closing sentence on the flag (before: two, "… re-check the class with crop (grain) monitoring data. High
    # geological background is given for the plot, but the karst/geogenic adjustment is not applied …")
    assert en.endswith(
        "The soil metal is mainly of natural (geological) origin (high background, as given for the plot): re-check "
        "the class with crop (grain) monitoring data; the karst/geogenic adjustment is not applied to its Cd "
        "prediction for rice, as it is calibrated on surveys in Guizhou and Guangxi only (the plot's region lies "
        "outside them): the prediction is the default one (soil metal of any origin).")
    assert en.count("given for the plot") == 1
    assert _rec(plan, "HN-yes", "zh").endswith(
        "土壤重金属主要来自地质高背景（按地块填报）：请结合农产品（籽粒）监测数据复核类别；其水稻镉含量预测未作岩溶/地质高背景校正，"
        "因该校正仅依据贵州省和广西壮族自治区的调查标定，地块所在地区不在其内：按默认函数预测（不区分土壤重金属来源）。")
    # the prediction's note says it too (crop_uptake.csv)
    u = plan.uptake.set_index("plot_id")
    assert u.loc["HN-yes", "note"].startswith("karst/geogenic adjustment not applied although the plot is given as "
                                              "high geological background")
    assert "not applied" not in u.loc["GZ-yes", "note"] and u.loc["HN-no", "note"] == ""
