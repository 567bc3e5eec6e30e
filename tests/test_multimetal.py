"""Paddies with more than one metal above its screening value: every such metal needs a measure, a
rice measure keeps the field out of flooding where As or Hg exceeds, and a switch to a dry crop is
checked against the screening value of dry land."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.io.outputs import texts_in
from agriremed.models.ranking import rank_in_plot
from agriremed.stages import advice, ranking
from maize_fit import stricter_maize_tables

#: Wanshan WS-03: Cd 0.90 > 0.4 and Hg 1.5 > 0.5 (paddy screening values at pH 5.5–6.5), below
#: the intervention values: safe utilisation, permanent basic farmland.
WS03 = dict(plot_id="WS3", region="Guizhou/Tongren/Wanshan", land_use="paddy", crop="rice", ph=6.0, cd_mg_kg=0.90,
            hg_mg_kg=1.5, basic_farmland="yes", area_mu=3.1)
#: Shimen SM-03: Cd 0.45 > 0.4 and As 40 > 30 (paddy screening values at pH 5.5–6.5).
SM03 = dict(plot_id="SM3", region="Hunan/Changde/Shimen", land_use="paddy", crop="rice", ph=6.2, cd_mg_kg=0.45,
            as_mg_kg=40.0, area_mu=4)
#: Wanshan WS-02: Hg 2.8 > 0.6 on a paddy at pH 7.2; Cd 0.40 is at or below the paddy value (0.6) but
#: above the value of other (dry) land (0.3).
WS02 = dict(plot_id="WS2", region="Guizhou/Tongren/Wanshan", land_use="paddy", crop="rice", ph=7.2, cd_mg_kg=0.40,
            hg_mg_kg=2.8, area_mu=3)
#: Cd only: 0.5 > 0.4 at pH 6.0.
CD = dict(plot_id="CD", region="Hunan/Changde", land_use="paddy", crop="rice", ph=6.0, cd_mg_kg=0.5, area_mu=5)


@pytest.fixture(scope="module")
def plan():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the maize switch of these
    # plots stays less Cd-safe than the rice, as the rules under test need
    return agriremed.plan(pd.DataFrame([WS03, SM03, WS02, CD]), agriremed.Scenario(mc_draws=0),
                          tables=stricter_maize_tables())


def test_a_cd_hg_paddy_keeps_rice_when_the_switch_is_less_cd_safe(plan):
    # Wanshan WS-03: the maize switch treats Hg but its maize is predicted within the Cd limit less
    # often than the rice grown now (56 % vs 71 %), so it does not count as treating Cd: it leaves Cd
    # untreated as the rice measures leave Hg, the count ties and the score decides (low-Cd rice, with
    # the no-flooding step)
    s = plan.summary.set_index("plot_id")
    assert (s.loc["WS3", "soil_class"], s.loc["WS3", "metals_exceeding"]) == ("safe_utilisation", "cd+hg")
    t = plan.table.set_index(["plot_id", "option_id"])
    assert round(100 * t.loc[("WS3", "maize_grain"), "crop_compliance_prob"]) == 56
    assert round(100 * t.loc[("WS3", "do_nothing"), "crop_compliance_prob"]) == 71
    rk = plan.ranking.set_index(["plot_id", "option_id"])
    assert rk.loc[("WS3", "maize_grain"), "untreated_limited"] == "cd"
    assert rk.loc[("WS3", "low_cd_rice"), "untreated_limited"] == "hg"
    assert s.loc["WS3", "recommended_option"] == "low_cd_rice"
    # (the plots give no depth or bulk density: the typical plough layer gives the clean-up criterion its values)
    assert rk.loc[("WS3", "low_cd_rice"), "score"] == pytest.approx(0.707, abs=0.001)
    assert "Do not flood continuously" in s.loc["WS3", "measures"]
    # unchanged practice (allowed) keeps its place after every expected option
    expected = plan.table.loc[(plan.table["plot_id"] == "WS3") & plan.table["applicable"]
                              & (plan.table["policy_status"] == "expected")]
    assert int(rk.loc[("WS3", "do_nothing"), "rank"]) == len(expected) + 1


def test_less_safe_options_leave_the_metals_their_probability_covers_untreated():
    t = pd.DataFrame({"plot_id": ["a"] * 3 + ["b"] * 2,
                      "option_id": ["do_nothing", "maize_grain", "low_cd_rice", "do_nothing", "maize_grain"],
                      "untreated_metals": ["cd+hg", "", "hg", "hg", ""],
                      "food_crop": ["rice", "maize", "rice", "rice", "maize"],
                      "crop_compliance_prob": [0.71, 0.56, 0.91, 0.93, 0.73],
                      "compliance_metals": ["cd", "cd", "cd", "cd", "cd"],
                      "metals_exceeding": ["cd+hg", "cd+hg", "cd+hg", "hg", "hg"]})
    # plot a: maize less Cd-safe than rice now, Cd above screening → Cd untreated; plot b: Cd below
    # its screening value, so a less Cd-safe maize still leaves nothing untreated above screening
    assert ranking.untreated_limited(t, load_tables()).tolist() == ["cd+hg", "cd", "hg", "hg", ""]


def test_the_sentence_says_when_the_runner_up_leaves_a_metal_untreated(plan):
    # the clause of the untreated-metal order, on WS-03 with the maize switch taken as treating both
    # metals (as where its crop is not less safe): it ranks before low-Cd rice, which scores higher
    rk = plan.ranking.loc[plan.ranking["plot_id"] == "WS3"].copy()
    maize, rice = rk["option_id"] == "maize_grain", rk["option_id"] == "low_cd_rice"
    rk.loc[maize, "untreated_limited"] = ""
    others = ~(maize | rice) & (rk["rank"] >= 1)
    rk.loc[others, "rank"] = rk.loc[others, "rank"] + 2  # low-Cd rice is the only runner-up
    rk.loc[maize, "rank"], rk.loc[rice, "rank"] = 1, 2
    rk["recommended"] = maize.to_numpy()
    msg = ranking.runner_up_message(rk, dict(agriremed.Scenario().weights), load_tables()).loc["WS3"]
    assert messages.render(msg, "en") == (
        "ranked before Low-Cd rice variety (VIP: V) (score 0.62 vs its 0.71), which leaves Hg untreated, above its "
        "screening value and limited in food: a safe-use measure treats every such metal, so the expected options "
        "that leave fewer of them untreated rank first")
    assert messages.render(msg, "zh").startswith(
        "排在低镉水稻品种（VIP：V）之前（得分0.62，后者0.71），后者不处理汞，而其超过筛选值且受食品限量约束：")


def test_a_cd_only_paddy_is_unchanged(plan):
    s = plan.summary.set_index("plot_id")
    assert s.loc["CD", "recommended_option"] == "flooded_rice"
    # (low-Cd rice, 86 % of compliant seasons, and lime dosed to pH 6.5 (3.76 t/ha, 82 %) miss the 0.9
    # compliance target: the VIP+n package, 96 %, is the runner-up)
    assert ("ahead of VIP+n package: low-Cd rice + flooding + lime + foliar spray (score 0.70 vs 0.67), "
            "mostly on economics.") in s.loc["CD", "recommendation"]
    flood = "Keep the field flooded from tillering to maturity (drain only shortly before harvest)"
    rice = "Keep growing rice"
    assert s.loc["CD", "measures"] == f"This season: {flood}; {rice} | Next season: {flood}; {rice}"
    rk = plan.ranking.set_index(["plot_id", "option_id"])
    assert rk.loc[("CD", "flooded_rice"), "untreated_limited"] == ""
    assert rk.loc[("CD", "do_nothing"), "untreated_limited"] == "cd"  # allowed: not ordered by it


def test_untreated_metals_order_only_the_expected_options():
    # one plot: an allowed option with the best score, two expected ones; the expected one that
    # leaves a metal untreated scores higher but ranks after the one that leaves none
    score = np.array([0.9, 0.8, 0.6, 0.95])
    tier = np.array([1, 0, 0, 1])
    untreated = np.array([2, 1, 0, 0])
    ok = np.ones(4, bool)
    rank = rank_in_plot(score, ok, np.zeros(4, bool), ["p"] * 4, tier, untreated=untreated)
    assert rank.tolist() == [4, 2, 1, 3]
    # without the counts, the score decides within the tier
    assert rank_in_plot(score, ok, np.zeros(4, bool), ["p"] * 4, tier).tolist() == [4, 1, 2, 3]


def test_untreated_limited_counts_food_limited_metals_in_food_only():
    t = pd.DataFrame({"untreated_metals": ["hg", "zn", "cd+pb", "cd+pb", "as", ""],
                      "food_crop": ["rice", "rice", "mulberry", "rapeseed", "none", "maize"]})
    assert ranking.untreated_limited(t, load_tables()).tolist() == ["hg", "", "", "pb", "", ""]


NO_FLOOD_EN = ("Do not flood continuously (flooding mobilises As, promotes the methylation of Hg and emits more "
               "methane): keep the soil moist and drain as usual")
NO_FLOOD_ZH = "不要长期淹水（淹水会活化砷、促进汞甲基化并增加甲烷排放）：保持土壤湿润，按常规排水"


def test_a_rice_measure_on_an_as_paddy_says_not_to_flood(plan):
    s = plan.summary.set_index("plot_id")
    assert s.loc["SM3", "metals_exceeding"] == "cd+as"
    # the Fe–Si As amendment + low-Cd rice treats both metals above their screening values (the Cd-only
    # measures leave As untreated, the amendment alone leaves Cd): it ranks first
    assert s.loc["SM3", "recommended_option"] == "as_fe_si_low_cd_rice"
    # flooding was ruled out for the plot (As exceeds), and the farmer is told so, once a season
    t = plan.table.set_index(["plot_id", "option_id"])
    assert not bool(t.loc[("SM3", "flooded_rice"), "applicable"])
    amend_en = ("Spread the Fe–Si As-reducing conditioner and plough it in before transplanting: 200 kg per mu "
                "(every year)")
    assert s.loc["SM3", "measures"] == (f"This season: {amend_en}; Plant a low-Cd rice variety; {NO_FLOOD_EN} | "
                                        f"Next season: Plant a low-Cd rice variety; {NO_FLOOD_EN}")
    zh = texts_in(plan.summary, "zh", plan.tables, plan.scenario).set_index("plot_id")
    assert zh.loc["SM3", "measures"] == ("本季：移栽前撒施降砷修复剂（硅灰石+沸石+氯化铁）并翻耕入土：每亩200 公斤（每年施用）；"
                                         f"种植低镉水稻品种；{NO_FLOOD_ZH} | 下一季：种植低镉水稻品种；{NO_FLOOD_ZH}")
    sheet = advice.plot_advice(plan, "SM3", "zh")
    assert sheet.this_season == ["移栽前撒施降砷修复剂（硅灰石+沸石+氯化铁）并翻耕入土：每亩200 公斤，本地块共800 公斤（每年施用）",
                                 "种植低镉水稻品种", NO_FLOOD_ZH]
    assert sheet.next_season == ["种植低镉水稻品种", NO_FLOOD_ZH]
    assert advice.plot_advice(plan, "SM3", "en").this_season[1:] == ["Plant a low-Cd rice variety", NO_FLOOD_EN]


def test_no_flood_step_only_for_rice_on_an_as_or_hg_paddy(plan):
    s = plan.summary.set_index("plot_id")
    # Cd only: flooding is the measure itself; the maize switch of an Hg paddy grows no rice; low-Cd rice
    # on the Cd–Hg paddy says it
    assert NO_FLOOD_EN not in s.loc["CD", "measures"]
    assert NO_FLOOD_EN not in s.loc["WS2", "measures"]
    assert NO_FLOOD_EN in s.loc["WS3", "measures"]
    tables = load_tables()
    assert advice.no_flood_rows(["paddy", "paddy", "paddy", "upland", "paddy"],
                                ["cd+hg", "cd", "as", "as", "as"],
                                ["vip_n_no_flood", "low_cd_rice", "lime_rice", "do_nothing", "maize_grain"],
                                ["rice", "rice", "rice", "wheat", "rice"], tables).tolist() == \
        [True, False, True, False, False]
    # a package that already says not to flood does not say it twice
    steps = advice.plot_steps("vip_n_no_flood", 1.0, tables, no_flood=True)
    assert (steps["measure"] == "moist_water").sum() == 2  # this season and next


def test_a_switch_to_maize_is_judged_by_the_screening_value_of_dry_land(plan):
    s = plan.summary.set_index("plot_id")
    assert (s.loc["WS2", "recommended_option"], s.loc["WS2", "metals_exceeding"]) == ("maize_grain", "hg")
    en = s.loc["WS2", "recommendation"]
    # Cd 0.40 is at or below the paddy value at pH 7.2 (0.6), above that of other land (0.3)
    assert "crop meets GB2762 for Cd with 73 % probability a season;" in en
    assert "at or below the screening value" not in en
    zh = messages.render(s.loc["WS2", "recommendation_msg"], "zh")
    assert "作物镉含量每季符合GB2762的概率为73 %；" in zh and "不超过筛选值" not in zh


def test_below_where_grown_compares_with_the_land_the_crop_is_grown_on():
    from agriremed.engine.assemble import _below_where_grown
    P = pd.DataFrame({"ph": [7.2, 7.2, 7.2, 7.2], "cd_mg_kg": [0.40, 0.25, 0.40, 0.40]})
    got = _below_where_grown(P, ["paddy", "paddy", "paddy", "upland"], ["maize", "maize", "rice", "wheat"],
                             ["cd", "cd", "cd", "cd"], load_tables())
    # maize on a paddy: 0.40 > 0.3 (other land), 0.25 ≤ 0.3; rice on a paddy and wheat on dry land: unchanged
    assert got.tolist() == [False, True, True, True]
