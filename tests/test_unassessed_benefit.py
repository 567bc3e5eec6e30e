"""An expected option whose only benefit over a cheaper option of the same crop is on a metal the plan cannot
assess in that crop (As in rice: no transfer function) ranks with the allowed options (``target_tier`` 4,
:func:`agriremed.stages.ranking.unassessed_benefit_only`) only where that metal's exceedance of its screening
value is within the measurement tolerance (the summary's ``near_class_boundary`` lists ``as:screening``,
``soil_method_precision.csv``: As r = 0.139, so against 20 mg/kg up to 20 × 1.139 / 0.861 = 26.46), and not where
the harvest was measured above the limit. A clear exceedance keeps the land rule's safe-use measure first."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core.tables import load_tables
from agriremed.io.outputs import texts_in
from agriremed.stages import ranking, soil

#: extra.csv X7 of the issue-16 panel review: a Ningxia paddy at pH 7.6, As 22 against its screening value 20
X7 = dict(plot_id="X7", region="Ningxia/Yinchuan/Helan", land_use="paddy", crop="rice", area_ha=0.4, ph=7.6,
          som_pct=1.5, clay_pct=20, bulk_density_g_cm3=1.35, depth_m=0.2, cd_mg_kg=0.2, pb_mg_kg=25, as_mg_kg=22,
          hg_mg_kg=0.1, basic_farmland="unknown")
#: X7 with its rice measured at 0.5 mg/kg inorganic As (GB 2762 limit 0.35)
X7M = dict(X7, plot_id="X7M", crop_as_inorganic_mg_kg=0.5)
#: X7 at the edge of the tolerance band of the screening value 20 (upper end 26.4576): 26.4 inside, 26.5 outside
X7IN, X7OUT = dict(X7, plot_id="X7IN", as_mg_kg=26.4), dict(X7, plot_id="X7OUT", as_mg_kg=26.5)
#: panel24.csv P04: a Daye paddy, Cd 0.9 and As 35 against its screening value 30
P04 = dict(plot_id="P04", region="Hubei/Huangshi/Daye", land_use="paddy", crop="rice", area_ha=0.5, ph=6.2,
           som_pct=2.9, clay_pct=30, bulk_density_g_cm3=1.2, depth_m=0.2, cd_mg_kg=0.9, pb_mg_kg=60, as_mg_kg=35,
           hg_mg_kg=0.2, cr_mg_kg=70, cu_mg_kg=45, zn_mg_kg=150, basic_farmland="yes")

AM = "Fe–Si As-reducing amendment (wollastonite + zeolite + FeCl₃)"
CLAUSE = (f"ranked before {AM} (score 0.71 vs its 0.63), whose only benefit over this option is on As, above its "
          "screening value in the soil only within the measurement tolerance (a duplicate analysis can fall below "
          "it) and not predictable in the crop grown (no transfer function), at a lower NPV (ranked with the options "
          "the rule set only allows): re-sample the soil and test the harvest for As against the food limit named "
          f"above before paying for {AM}; where the soil is confirmed above its screening value or the harvest "
          f"exceeds that limit, {AM} is the measure to take.")
AM_ZH = "降砷修复剂（硅灰石+沸石+氯化铁）"
CLAUSE_ZH = (f"排在{AM_ZH}之前（得分0.71，后者0.63），后者相对本方案的唯一益处在于砷，而其土壤含量超过筛选值的幅度在测定允许误差"
             "之内（平行测定可能低于筛选值），本计划也无法预测现种作物对其的吸收（无转移函数），且净现值更低（与管控规则仅允许的"
             f"方案同列）：投入{AM_ZH}之前，请复测土壤，并按上述食品限量检测农产品中的砷；土壤复测确认超过筛选值或农产品超标时，"
             f"应采取{AM_ZH}。")


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(pd.DataFrame([X7, X7M, P04, X7IN, X7OUT]), agriremed.Scenario(mc_draws=0))


def test_as_paddy_just_above_screening_keeps_unchanged_practice_and_tests_the_rice(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    assert (s.loc["X7", "near_class_boundary"], s.loc["X7", "metals_not_assessed"]) == ("as:screening+ph:7.5", "as")   # pH 7.6: also within 0.1 of the 7.5 band edge
    assert s.loc["X7", "recommended_option"] == "do_nothing"
    am, base = t.loc[("X7", "as_fe_si_amendment")], t.loc[("X7", "do_nothing")]
    # the land rule still expects the amendment; only its rank moves (with the allowed options, by score)
    assert (am["policy_status"], am["policy_rule"], am["rank"]) == ("expected", "cn_safe_keep_food", 2)
    assert (round(am["score"], 4), round(base["score"], 4)) == (0.6337, 0.71)   # clean-up counted (As above screening not assessed in rice), both 0
    # the rice's Cd compliance is the same with and without it (97.6 %): its only benefit is on As
    assert am["crop_compliance_prob"] == pytest.approx(base["crop_compliance_prob"]) == pytest.approx(0.9758, abs=1e-4)
    assert (round(am["npv_vs_baseline_cny_ha"]), am["cost_year1_vs_baseline_cny_ha"]) == (-60791, 5300.0)
    rec = s.loc["X7", "recommendation"]
    assert rec.startswith("As in the crop not assessed (no usable transfer function) — measure it in the harvest "
                          "(limit: inorganic As 0.35 mg/kg, GB2762). Continue current practice:")
    assert CLAUSE in rec
    assert "First year on the plot (6.0 mu): cost 6,000 CNY, net +1,297 CNY" in rec
    zh = texts_in(plan.summary, "zh", plan.tables, plan.scenario).set_index("plot_id")
    assert CLAUSE_ZH in zh.loc["X7", "recommendation"]


def test_a_harvest_measured_above_the_as_limit_keeps_the_amendment_first(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    assert s.loc["X7M", "crop_measured_exceeds"] == "as"
    assert s.loc["X7M", "recommended_option"] == "as_fe_si_amendment"
    assert t.loc[("X7M", "do_nothing"), "rank"] == 2
    assert "ranked before Continue current practice (score 0.63 vs its 0.71)" in s.loc["X7M", "recommendation"]


def test_the_tolerance_band_of_the_packaged_precision():
    # As: within-laboratory RD ≤ 0.139 (soil_method_precision.csv); a value x is near a boundary b when
    # b (1 − r) / (1 + r) ≤ x ≤ b (1 + r) / (1 − r)
    low, high = soil.boundary_band_mg_kg(["as", "as"], [20.0, 30.0])
    assert (low.round(4).tolist(), high.round(4).tolist()) == ([15.1185, 22.6778], [26.4576, 39.6864])


def test_the_rule_ends_where_the_exceedance_leaves_the_tolerance(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    assert (s.loc["X7IN", "near_class_boundary"], s.loc["X7OUT", "near_class_boundary"]) == ("as:screening", "")
    assert (s.loc["X7IN", "recommended_option"], s.loc["X7OUT", "recommended_option"]) \
        == ("do_nothing", "as_fe_si_amendment")
    assert (t.loc[("X7IN", "as_fe_si_amendment"), "rank"], t.loc[("X7OUT", "as_fe_si_amendment"), "rank"]) == (2, 1)
    assert CLAUSE in s.loc["X7IN", "recommendation"]
    # a clear exceedance: the land rule expects a safe-use measure, unchanged practice only permitted
    assert ("ranked before Continue current practice (score 0.63 vs its 0.71), which the rule set permits on this "
            "land but does not expect, because safe-utilisation land needs a safe-utilisation measure (Soil "
            "Pollution Law Art. 53)") in s.loc["X7OUT", "recommendation"]


def test_as_and_cd_paddy_keeps_the_package_when_cd_keeps_the_land_in_safe_utilisation(plan):
    # P04: As 35 lies within the band of 30 (22.68 … 39.69), but Cd 0.9 > 0.4 keeps the plot in safe utilisation
    # whatever a re-sample of As shows, so near_class_boundary lists nothing and the package (treating As and
    # Cd) stays first, before low-Cd rice alone, which leaves As untreated
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    assert s.loc["P04", "near_class_boundary"] == ""
    pk, v = t.loc[("P04", "as_fe_si_low_cd_rice")], t.loc[("P04", "low_cd_rice")]
    assert pk["crop_compliance_prob"] == pytest.approx(v["crop_compliance_prob"]) == pytest.approx(0.9259, abs=1e-4)
    assert (round(v["npv_vs_baseline_cny_ha"]), round(pk["npv_vs_baseline_cny_ha"])) == (8753, -52038)
    assert s.loc["P04", "recommended_option"] == "as_fe_si_low_cd_rice"
    assert (pk["rank"], v["rank"], t.loc[("P04", "do_nothing"), "rank"]) == (1, 2, 8)
    assert "ranked before Low-Cd rice variety (VIP: V) (score 0.63 vs its 0.71), which leaves As untreated" \
        in s.loc["P04", "recommendation"]


def test_ranking_marks_the_metal_and_sets_tier_4(plan):
    rk = plan.ranking.set_index(["plot_id", "option_id"])
    assert (rk.loc[("X7", "as_fe_si_amendment"), "target_tier"], rk.loc[("X7", "as_fe_si_amendment"),
                                                                         "unassessed_benefit"]) == (4, "as")
    assert (rk.loc[("P04", "as_fe_si_low_cd_rice"), "target_tier"],
            rk.loc[("P04", "as_fe_si_low_cd_rice"), "unassessed_benefit"]) == (0, "")
    assert (rk.loc[("X7OUT", "as_fe_si_amendment"), "target_tier"],
            rk.loc[("X7OUT", "as_fe_si_amendment"), "unassessed_benefit"]) == (0, "")
    assert (rk.loc[("X7M", "as_fe_si_amendment"), "target_tier"],
            rk.loc[("X7M", "as_fe_si_amendment"), "unassessed_benefit"]) == (0, "")
    assert rk.loc[("P04", "low_cd_rice"), "unassessed_benefit"] == ""


def test_unassessed_benefit_only_needs_a_cheaper_option_no_safer():
    tables = load_tables()
    t = pd.DataFrame({"plot_id": ["a"] * 3, "option_id": ["do_nothing", "as_fe_si_amendment", "low_cd_rice"],
                      "food_crop": ["rice"] * 3, "crop_compliance_prob": [0.70, 0.70, 0.90],
                      "target_metals": ["", "as", "cd"], "metals_exceeding": ["as"] * 3, "compliance_metals": ["cd"] * 3,
                      "near_class_boundary": ["as:screening"] * 3})
    tier, ok = np.array([1, 0, 0]), np.ones(3, bool)
    cost = pd.DataFrame({"economics": [0.0, -60791.0, 5000.0]})
    assert ranking.unassessed_benefit_only(t, cost, tables, tier, ok, 0.05).tolist() == ["", "as", ""]
    # not costlier than unchanged practice: not marked (low-Cd rice, cheaper still, treats Cd, which the amendment
    # does not: it is no measure the amendment adds to)
    cheap = pd.DataFrame({"economics": [0.0, 100.0, 5000.0]})
    assert ranking.unassessed_benefit_only(t, cheap, tables, tier, ok, 0.05).tolist() == ["", "", ""]
    # a package adding As to low-Cd rice at the same Cd compliance is marked (P04); one that also makes the rice
    # safer from Cd than low-Cd rice alone (90 % against 80 %) is not
    t2 = t.assign(crop_compliance_prob=[0.70, 0.90, 0.90], target_metals=["", "as+cd", "cd"])
    assert ranking.unassessed_benefit_only(t2, cost, tables, tier, ok, 0.05).tolist() == ["", "as", ""]
    t2 = t2.assign(crop_compliance_prob=[0.70, 0.90, 0.80])
    assert ranking.unassessed_benefit_only(t2, cost, tables, tier, ok, 0.05).tolist() == ["", "", ""]
    # a harvest measured above the As limit: the benefit is on a known risk
    t3 = t.assign(harvest_over_metals="as")
    assert ranking.unassessed_benefit_only(t3, cost, tables, tier, ok, 0.05).tolist() == ["", "", ""]
    # As clearly above its screening value (not near it), or near its intervention value only: not marked
    for near in ("", "as:intervention", "cd:screening"):
        t4 = t.assign(near_class_boundary=near)
        assert ranking.unassessed_benefit_only(t4, cost, tables, tier, ok, 0.05).tolist() == ["", "", ""], near
