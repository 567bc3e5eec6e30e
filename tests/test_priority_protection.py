"""Land where a crop risk sits below the screening value keeps its crop: a switch to another food crop
that treats no metal above its screening value ranks after keeping the current crop
(``cn_safe_switch_off_class``); and a recommended food option below the plan's compliance target carries
the harvest-risk line whatever the soil class, on priority-protection land with the class re-check by crop
(grain) monitoring data (EN and 中文)."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.engine import assemble
from agriremed.stages.advice import plot_advice

_B = {"som_pct": 2.9, "as_mg_kg": 12.0, "hg_mg_kg": 0.2, "cr_mg_kg": 60, "cu_mg_kg": 25, "zn_mg_kg": 100,
      "ni_mg_kg": 22, "basic_farmland": "yes"}
#: 攸县 YX-011: paddy, pH 6.0, Cd 0.2 (below its 0.4 screening value), Pb 120 (above its 100): safe utilisation by Pb
YX011 = {**_B, "plot_id": "YX-011", "region": "湖南省/株洲市/攸县", "land_use": "paddy", "crop": "rice", "area_mu": 1.6,
         "ph": 6.0, "cd_mg_kg": 0.2, "pb_mg_kg": 120.0}
#: 攸县 YX-010: paddy, pH 5.3, Cd 0.3 (exactly its screening value): priority protection
YX010 = {**_B, "plot_id": "YX-010", "region": "湖南省/株洲市/攸县", "land_use": "paddy", "crop": "rice", "area_mu": 1.1,
         "ph": 5.3, "cd_mg_kg": 0.3, "pb_mg_kg": 50.0}
#: 藁城区 C02: calcareous wheat, pH 8.0, Cd 0.5 (below its 0.6): priority protection, wheat 79 % compliant
C02 = {"plot_id": "C02", "region": "河北省/石家庄市/藁城区", "land_use": "upland", "crop": "wheat", "area_mu": 7.5,
       "ph": 8.0, "cd_mg_kg": 0.5, "pb_mg_kg": 30.0, "as_mg_kg": 10.0, "hg_mg_kg": 0.04, "cu_mg_kg": 22, "zn_mg_kg": 80,
       "basic_farmland": "yes", "bulk_density_g_cm3": 1.35, "depth_m": 0.2, "som_pct": 1.4, "clay_pct": 20}


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(pd.DataFrame([YX011, YX010, C02]), agriremed.Scenario(mc_draws=0), progress=False)


def _rows(plan, pid):
    t = plan.table
    return t.loc[(t["plot_id"] == pid) & t["applicable"]].set_index("option_id")


def test_a_pb_paddy_keeps_rice_and_the_maize_switch_for_a_cd_risk_below_screening_ranks_after(plan):
    s = plan.summary.set_index("plot_id").loc["YX-011"]
    assert s["soil_class"] == "safe_utilisation" and s["metals_exceeding"] == "pb"
    t = _rows(plan, "YX-011")
    rec = t.loc[t["recommended"].astype(bool)].iloc[0]
    # rice is kept: a measure for the rice (low-Cd variety, 92 %) or unchanged practice, never a crop switch
    family = load_tables().options.set_index("option_id")["policy_family"]
    assert rec.name == "low_cd_rice" and family[rec.name] == "agronomic_control"
    assert rec["food_crop"] == "rice" and rec["crop_compliance_prob"] == pytest.approx(0.923, abs=0.001)
    # the maize switch answers only the rice's Cd risk (74 % as now) below the Cd screening value: restrained by
    # its rule, ranked after every rice option and unchanged practice although it scores higher than all but one
    m = t.loc["maize_grain"]
    assert (m["policy_status"], m["policy_rule"]) == ("restrained", "cn_safe_switch_off_class")
    assert m["rank"] > t.loc["do_nothing", "rank"] and m["rank"] > t.loc["biochar_amendment", "rank"]
    assert m["score"] > t.loc["do_nothing", "score"]
    assert t.loc["do_nothing", "crop_compliance_prob"] == pytest.approx(0.743, abs=0.001)
    rule = load_tables().land_rules.set_index("rule_id").loc["cn_safe_switch_off_class"]
    assert rule["reason_en"] in m["reason"]
    assert "Switch to maize" not in s["recommendation"]
    assert s["recommendation"].startswith("Pb in the crop not assessed") and "Low-Cd rice variety" in s["recommendation"]


def test_a_red_or_measured_crop_risk_still_allows_the_switch():
    # the same paddy with its rice measured above the Cd limit: the switch answers a real crop failure and is
    # not restrained by the keep-the-crop rule
    p = agriremed.plan(pd.DataFrame([{**YX011, "crop_cd_mg_kg": 0.35}]), agriremed.Scenario(mc_draws=0),
                       progress=False)
    m = p.table.set_index("option_id").loc["maize_grain"]
    assert m["policy_rule"] != "cn_safe_switch_off_class" and m["policy_status"] == "allowed"


def test_priority_protection_paddy_below_target_says_the_harvest_risk_and_the_class_recheck(plan):
    s = plan.summary.set_index("plot_id").loc["YX-010"]
    assert s["soil_class"] == "priority_protection" and s["recommended_option"] == "flooded_rice"
    assert ("below the plan's compliance target (89 % < 90 %): about 1 in 10 harvests predicted above the limit, "
            "test the harvest before sale; the soil is at or below the screening value of every measured metal, but "
            "the crop prediction is high (as now: about 4 in 10 harvests predicted above the limit): re-check the "
            "class with crop (grain) monitoring data") in s["recommendation"]
    zh = messages.column_texts(plan.summary.loc[plan.summary["plot_id"] == "YX-010"], "recommendation", "zh")[0]
    assert ("低于规划的达标目标（89 % < 90 %）：预计约每10季收获中有1季超过限量，出售前请检测收获的农产品；"
            "土壤各测定重金属均不超过筛选值，但作物预测超标风险较高（维持现状：预计约每10季收获中有4季超过限量）："
            "请结合农产品（籽粒）监测数据复核类别") in zh
    assert plot_advice(plan, "YX-010", "en").harvest_risk == (
        "Harvest: about 1 in 10 harvests predicted above the limit — test the harvest before sale (predicted to meet "
        "the food limit in 89 % of harvests, below the target of 90 %); the soil is at or below every screening value, "
        "but the crop prediction is high: re-check the class with crop (grain) monitoring data")
    assert plot_advice(plan, "YX-010", "zh").harvest_risk.endswith(
        "（预计达标的季数占89 %，低于目标90 %）；土壤各重金属均不超过筛选值，但作物预测超标风险较高：请结合农产品（籽粒）监测数据复核类别")


def test_priority_protection_wheat_kept_as_now_below_target_carries_the_line(plan):
    s = plan.summary.set_index("plot_id").loc["C02"]
    assert s["soil_class"] == "priority_protection" and s["recommended_option"] == "do_nothing"
    assert ("below the plan's compliance target (79 % < 90 %): about 2 in 10 harvests predicted above the limit, "
            "test the harvest before sale; the soil is at or below the screening value of every measured metal, but "
            "the crop prediction is high: re-check the class with crop (grain) monitoring data") in s["recommendation"]
    assert "(as now:" not in s["recommendation"]
    zh = messages.column_texts(plan.summary.loc[plan.summary["plot_id"] == "C02"], "recommendation", "zh")[0]
    assert "低于规划的达标目标（79 % < 90 %）：预计约每10季收获中有2季超过限量，出售前请检测收获的农产品；土壤各测定重金属均不超过筛选值" in zh
    assert plot_advice(plan, "C02", "en").harvest_risk.startswith(
        "Harvest: about 2 in 10 harvests predicted above the limit — test the harvest before sale (predicted to meet "
        "the food limit in 79 % of harvests")


def test_below_target_line_is_given_whatever_the_class():
    b = {"crop_compliance_prob": np.array([0.7, 0.7, 0.7]),
         "soil_class": np.array(["priority_protection", "priority_protection", "safe_utilisation"], dtype=object),
         "food_crop": np.array(["rice"] * 3, dtype=object), "china_rules": np.array([True, False, True]),
         "option_kind": np.array(["safe_crop"] * 3, dtype=object)}
    body = np.array([messages.Message.of("rec.co2_zero")] * 3, dtype=object)
    en = [messages.render(m, "en") for m in assemble._below_target(body, b, "GB2762", 0.9, np.array([0.5] * 3))]
    assert en[0].endswith("(as now: about 5 in 10 harvests predicted above the limit): re-check the class with "
                          "crop (grain) monitoring data")
    # outside the Chinese rule sets: the harvest test only; safe-utilisation land: as before
    assert en[1].endswith("about 3 in 10 harvests predicted above the limit, test the harvest before sale")
    assert "screening value" not in en[2] and en[2].endswith("test the harvest before sale")
