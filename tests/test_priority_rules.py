"""Priority-protection cultivated land (GB 15618: every metal at or below its screening value):
every option on it carries the rule of ``land_rules.csv`` that decides it (issue 16), and the
rules that name the food-keeping options and unchanged practice there only allow them, so the
ranking is that of an option no rule names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.core.tables import load_tables
from agriremed.stages.options import policy_status

ROOT = Path(__file__).resolve().parents[1]
BASE = {"area_ha": 0.3, "som_pct": 3.0, "clay_pct": 30.0, "bulk_density_g_cm3": 1.15, "depth_m": 0.2,
        "annual_rain_mm": 1450.0, "mean_temp_c": 17.5}
#: priority-protection plots of the review: a Jiangxi paddy at pH 6.6 with Cd 0.5 (screening value
#: 0.6), a paddy with Cd exactly at its screening value 0.3 at pH 5.0, lettuce, maize at pH 7.8
PLOTS = [
    {"plot_id": "JX_PADDY", "region": "Jiangxi/Yichun/Yuanzhou", "land_use": "paddy", "crop": "rice",
     "ph": 6.6, "cd_mg_kg": 0.5, "basic_farmland": "yes", "rice_seasons_per_yr": 2},
    {"plot_id": "CD_AT_SV", "region": "Hunan/Changsha/Liuyang", "land_use": "paddy", "crop": "rice",
     "ph": 5.0, "cd_mg_kg": 0.3, "basic_farmland": "no"},
    {"plot_id": "LETTUCE", "region": "Zhejiang/Hangzhou/Xiaoshan", "land_use": "vegetable", "crop": "lettuce",
     "ph": 6.0, "cd_mg_kg": 0.2, "hg_mg_kg": 0.8, "basic_farmland": "no"},
    {"plot_id": "MAIZE", "region": "Guizhou/Bijie/Weining", "land_use": "upland", "crop": "maize",
     "ph": 7.8, "cd_mg_kg": 0.3, "basic_farmland": "yes"},
]
#: the rules that name the food-keeping options and unchanged practice on priority-protection land
PRIORITY_RULES = {"cn_priority_keep_food", "cn_priority_as_now", "cn_priority_no_amendment"}


@pytest.fixture(scope="module")
def plan():
    p = agriremed.plan(pd.DataFrame([{**BASE, **r} for r in PLOTS]), agriremed.Scenario(mc_draws=0))
    assert p.rejected.empty, p.rejected
    return p


def test_priority_plots_are_priority_protection(plan):
    s = plan.summary.set_index("plot_id")
    assert (s["soil_class"] == "priority_protection").all(), s["soil_class"]


def test_recommended_row_names_its_rule(plan):
    s = plan.summary.set_index("plot_id")
    # the recommended options keep food production (or continue as now), each with its rule
    assert s["policy_rule"].to_dict() == {"JX_PADDY": "cn_priority_keep_food", "CD_AT_SV": "cn_priority_keep_food",
                                          "LETTUCE": "cn_priority_as_now", "MAIZE": "cn_priority_as_now"}
    rec = plan.table.loc[plan.table["recommended"]].set_index("plot_id")
    assert (rec["policy_rule"] == s["policy_rule"]).all()
    assert (rec["policy_status"] == "allowed").all()  # allowed, not expected: the ranking tiers are kept


def test_every_option_on_priority_cultivated_land_has_a_rule(plan):
    t = plan.table
    blank = t.loc[t["policy_rule"].fillna("") == "", ["plot_id", "option_id"]]
    assert blank.empty, blank
    fam = load_tables().options.set_index("option_id")["policy_family"]
    food = t.loc[t["option_id"].map(fam).isin(["baseline", "agronomic_control", "substitute_planting",
                                               "remediation_with_food"])
                    & (t["option_id"] != "maize_grain")]  # on upland: cn_clean_idle_grain (expected)
    assert set(food["policy_rule"]) == PRIORITY_RULES
    # a soil amendment without a red or measured crop risk is restrained (cn_priority_no_amendment), the rest allowed
    amend = food["policy_rule"] == "cn_priority_no_amendment"
    assert set(food.loc[amend, "policy_status"]) == {"restrained"}
    assert set(food.loc[~amend, "policy_status"]) == {"allowed"}


def test_forbidding_and_restraining_rules_still_win():
    t = load_tables()
    o = t.options.loc[t.options["option_id"].isin(["willow_src", "pv_grass", "sedum_plumbizincicola", "fallow",
                                                    "lime_rice", "do_nothing", "maize_grain"])].reset_index(drop=True)
    lands = [("paddy", "yes"), ("paddy", "no"), ("orchard", "unknown"), ("upland", "no")]
    st, rid, txt = policy_status(o, ["priority_protection"] * len(lands), [u for u, _ in lands],
                                 [b for _, b in lands], t)
    got = {oid: list(zip(st[i], rid[i], strict=True)) for i, oid in enumerate(o["option_id"])}
    # an orchard (园地) is not cultivated land: trees there are restrained, not banned as on paddy and dry land
    assert got["willow_src"] == [("forbidden", "cn_bf_no_trees"), ("forbidden", "cn_safe_no_trees"),
                                 ("restrained", "cn_orchard_trees_restrained"), ("forbidden", "cn_safe_no_trees")]
    # PV on an orchard of unknown basic-farmland status: allowed after checking the status
    assert got["pv_grass"] == [("forbidden", "cn_pv_no_basic_farmland"), ("forbidden", "cn_pv_no_cultivated"),
                               ("allowed", "cn_pv_other_agri_check"), ("forbidden", "cn_pv_no_cultivated")]
    assert got["sedum_plumbizincicola"] == [("restrained", "cn_clean_keep_farming")] * 4
    assert got["fallow"] == [("restrained", "cn_clean_keep_farming")] * 4
    assert got["lime_rice"] == [("allowed", "cn_priority_keep_food")] * 4
    assert got["do_nothing"] == [("allowed", "cn_priority_as_now")] * 4
    # idle clean dry land back to grain stays expected
    assert got["maize_grain"][3] == ("expected", "cn_clean_idle_grain")
    # the rule's text cites the Soil Pollution Law and GB 15618
    i = list(o["option_id"]).index("lime_rice")
    assert "Art. 50" in txt[i][0] and "GB 15618" in txt[i][0] and "(Soil Pollution Prevention and Control Law; GB 15618—2018)" in txt[i][0]


def test_rule_reasons_in_english_and_chinese():
    assert i18n.rule_label("cn_priority_keep_food", "en") == "priority protection: keep food crops"
    assert i18n.rule_label("cn_priority_keep_food", "zh") == "优先保护：继续生产食用农产品"
    assert i18n.rule_label("cn_priority_as_now", "en") == "priority protection: current use allowed"
    assert i18n.rule_label("cn_priority_as_now", "zh") == "优先保护：可维持现状"
    en = i18n.rule_text("cn_priority_keep_food", "en")
    zh = i18n.rule_text("cn_priority_keep_food", "zh")
    assert en.startswith("priority-protection cultivated land stays in food production")
    assert "Soil Pollution Law Art. 50" in en and "(GB 15618)" in en
    assert zh.startswith("优先保护类耕地继续生产食用农产品") and "土壤污染防治法第50条" in zh and "GB 15618" in zh
    assert "（第50条）" in i18n.rule_text("cn_priority_as_now", "zh")


def test_reason_of_the_recommended_option_ends_with_its_rule(plan):
    rec = plan.table.loc[plan.table["recommended"]].set_index("plot_id")
    en = rec.loc["JX_PADDY", "reason"]
    assert en.endswith("(Soil Pollution Prevention and Control Law; GB 15618—2018)")
    assert "policy china, rule cn_priority_keep_food: priority-protection cultivated land stays in food" in en
    zh = messages.render(rec.loc["JX_PADDY", "reason_msg"], "zh")
    assert "中国规则集规则“优先保护：继续生产食用农产品”：优先保护类耕地继续生产食用农产品" in zh
    zh_now = messages.render(rec.loc["LETTUCE", "reason_msg"], "zh")
    assert "规则“优先保护：可维持现状”" in zh_now


def test_sample_recommendations_unchanged():
    # the 16 sample plots: the same recommendations as before the priority-protection rules, except the
    # two As paddies whose rice is at risk for Cd (GX-HC-05: As 36 and Cd 1.24 above their screening
    # values; HN-SM-13: As 68, rice within the Cd limit in 71 % of seasons): the Fe–Si As amendment + low-Cd
    # rice, which treats As and answers Cd (before: low-Cd rice, leaving As untreated, and the As amendment
    # alone, leaving the Cd risk as it is). The calcareous Jiyuan wheat HE-JY-11 keeps the foliar Zn spray on
    # wheat: it is winter wheat (Henan, wheat_seasons.csv), and grain maize, a summer crop, cannot take the
    # winter season (the switch was recommended there for a while, maize 76 % against 75 % for the spray).
    # The Suzhou pak choi JS-SZ-07 (pH 6.2, Cd 0.41) gets liming by its lime requirement (lime_vegetable, 0.91
    # t/ha CaCO3 to pH 6.5): it makes the crop only 3.9 points safer (82.9 % → 86.7 %), below min_compliance_gain,
    # but keeps the crop and earns the farmer +32 527 CNY/ha from the harvest itself (no carbon credit or subsidy):
    # it dominates unchanged practice and is a measure (before: unchanged practice; biochar, 2.5 points at a
    # loss, stays no measure). The acid Hunan paddies HN-ZZ-01
    # (Cd 0.86, pH 5.1) and HN-YX-03 (Cd 0.52, pH 5.8) get the VIP+n package (89 % and 96 % of seasons compliant)
    # since the compliance target is 0.9 (was 0.5): flooding (76 % and 89 %) misses it, and on HN-ZZ-01, where
    # no option reaches it, is more than 5 points below the package
    p = agriremed.plan(str(ROOT / "data" / "samples" / "plots.csv"))
    s = p.summary.set_index("plot_id")
    assert s["recommended_option"].tolist() == [
        "lime_low_cd_rice", "sorghum", "lime_low_cd_rice", "maize_energy", "as_fe_si_low_cd_rice", "low_cd_rice",
        "lime_vegetable", "low_cd_rice", "do_nothing", "foliar_zn_maize", "foliar_zn_wheat", "pv_grass",
        "as_fe_si_low_cd_rice", "do_nothing", "sorghum", "pv_grass"]
    priority = s["soil_class"] == "priority_protection"
    assert s.loc[priority, "policy_rule"].to_dict() == {"GX-NN-06": "cn_priority_keep_food",
                                                       "JS-WX-08": "cn_priority_keep_food",
                                                       "HB-SJZ-09": "cn_priority_as_now"}
    assert (s["policy_rule"].fillna("") != "").all()
