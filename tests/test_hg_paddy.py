"""An Hg paddy (Wanshan, Tongren) gets a measure that treats Hg: the switch out of flooded rice."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.stages import options
from maize_fit import stricter_maize_tables

#: Hg 2.0 > 0.6 (paddy screening value at pH 6.5–7.5) and < 4.0 (intervention value): safe
#: utilisation; Cd 0.35 is below its screening value 0.6.
WANSHAN = dict(plot_id="W1", region="Guizhou/Tongren/Wanshan", land_use="paddy", crop="rice", ph=6.8,
               hg_mg_kg=2.0, cd_mg_kg=0.35, area_mu=5)
#: Cd 0.5 > 0.4 (paddy screening value at pH 5.5–6.5), no other metal measured.
CD_PADDY = dict(plot_id="CD", region="Hunan/Changde", land_use="paddy", crop="rice", ph=6.0, cd_mg_kg=0.5,
                area_mu=5)
#: Hg 3.0 > 2.4 (screening value of other land at pH 6.5–7.5) on a wheat field.
HG_UPLAND = dict(plot_id="UP", region="Guizhou/Tongren", land_use="upland", crop="wheat", ph=6.8, hg_mg_kg=3.0,
                 cd_mg_kg=0.2, area_mu=5)


@pytest.fixture(scope="module")
def plan():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the maize switch of these
    # plots stays less Cd-safe than the rice, as the rules under test need
    return agriremed.plan(pd.DataFrame([WANSHAN, CD_PADDY, HG_UPLAND]), agriremed.Scenario(mc_draws=0),
                          tables=stricter_maize_tables())


def test_the_wanshan_paddy_gets_a_measure_that_treats_hg(plan):
    s = plan.summary.set_index("plot_id")
    assert (s.loc["W1", "soil_class"], s.loc["W1", "metals_exceeding"]) == ("safe_utilisation", "hg")
    assert s.loc["W1", "recommended_option"] == "maize_grain"
    # the rule the plan expects on safe-utilisation land, not the off-class one
    assert s.loc["W1", "policy_rule"] == "cn_safe_keep_food"
    t = plan.table.set_index(["plot_id", "option_id"])
    r = t.loc[("W1", "maize_grain")]
    assert bool(r["recommended"]) and r["policy_status"] == "expected"
    assert r["target_metals"] == "cd+hg" and r["untreated_metals"] == ""
    assert r["reason"] == "treats cd+hg; policy china, rule cn_safe_keep_food: expected"
    # expected although its crop is predicted less compliant on Cd than rice (71 % vs 91 %): that
    # probability says nothing of Hg, the metal the switch is for
    assert r["crop_compliance_prob"] == pytest.approx(0.711, abs=0.001)
    assert t.loc[("W1", "do_nothing"), "crop_compliance_prob"] == pytest.approx(0.910, abs=0.001)
    rk = plan.ranking.set_index(["plot_id", "option_id"])
    assert rk.loc[("W1", "maize_grain"), "target_tier"] == 0


def test_the_sentence_names_hg_and_says_it_is_not_assessed(plan):
    s = plan.summary.set_index("plot_id")
    en = s.loc["W1", "recommendation"].split(" First year")[0]
    assert en == (
        "Hg in the crop not assessed (no usable transfer function) — measure it in the harvest (limit: Hg 0.02 "
        "mg/kg, GB2762). Switch to maize grain (crop-structure adjustment): treats Hg (above the screening value; its effect on "
        "the crop is not predicted); crop meets GB2762 for Cd with 71 % "
        "probability a season; -12,041 CNY/ha (-803 CNY/mu) vs doing nothing over 20 yr, +2.2 t CO2e/ha/yr; "
        "metals stay in the soil; below the plan's compliance target (71 % < 90 %): about 3 in 10 harvests "
        "predicted above the limit, test the harvest before sale; its crop is predicted within the limit for Cd less often than the crop grown "
        "now (71 % against 91 %): it is chosen for the Hg it treats; "
        "ranked before Continue current practice (score 0.65 vs its 0.69), which the "
        "rule set permits on this land but does not expect, because safe-utilisation land needs a safe-utilisation measure (Soil "
        "Pollution Law Art. 53).")
    zh = messages.render(s.loc["W1", "recommendation_msg"], "zh")
    assert zh.startswith("作物中的汞未评估（无可用的转移函数）——请检测收获物（限量：汞0.02 mg/kg，GB2762）。改种玉米（种植结构调整）："
                         "处理汞（超过筛选值；对作物的效果未预测）；作物镉含量每季符合GB2762的概率为71 %；")
    # no "(at or below the screening value)" for Cd: 0.35 is below the paddy value (0.6) but above
    # that of the dry land maize is grown as (0.3 at pH 6.5–7.5, GB 15618 Table 1)
    assert "tested for Hg/Cd" in s.loc["W1", "monitoring"]


def test_flooding_and_cd_only_measures_are_excluded_with_their_reason(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    assert not t.loc[("W1", "flooded_rice"), "applicable"]
    assert t.loc[("W1", "flooded_rice"), "reason"].startswith(
        "hg exceeds its screening value and this option can raise its mobility or crop uptake")
    for oid in ("low_cd_rice", "foliar_inhibitor", "biochar_amendment"):
        r = t.loc[("W1", oid)]
        assert not r["applicable"], oid
        assert r["reason"] == ("answers only a predicted crop risk of cd (below its screening value) while hg, "
                               "above its screening value, is left untreated: an option for hg applies"), oid


def test_the_no_flood_package_says_no_component_lowers_hg():
    # VIP+n without flooding is the Cd package for paddies where Hg rules flooding out: lime, the low-Cd
    # variety and the foliar spray are Cd measures and leaving flooding out only keeps Hg from rising; on
    # an Hg paddy (pH 6.4, within the package's pH range and below its liming target) whose Cd is below its
    # screening value it is excluded, and the reason says why (EN, ZH)
    hg = dict(WANSHAN, plot_id="T1", region="Guizhou/Tongren", ph=6.4, cd_mg_kg=0.2)
    p = agriremed.plan(pd.DataFrame([hg]), agriremed.Scenario(mc_draws=0))
    assert p.summary["recommended_option"].tolist() == ["maize_grain"]
    r = p.table.set_index("option_id").loc["vip_n_no_flood"]
    assert not r["applicable"] and r["target_metals"] == "cd" and r["untreated_metals"] == "hg"
    src = "hu2013_water; kawasaki2012_flooding; peng2012_hg_water; qiu2008_hg_rice; tang2020_hg_paddy"
    cited = "Hu et al. 2013; Kawasaki et al. 2012; Peng et al. 2012; Qiu et al. 2008; Tang et al. 2020"
    assert r["reason"] == (
        "no component of this package lowers Hg in rice: it is the Cd package for paddies where Hg rules "
        "flooding out, and leaving flooding out only keeps flooding from raising Hg in the grain (flooding "
        f"mobilises As and promotes Hg methylation, {cited}); here it answers only a predicted crop risk of Cd "
        "(below its screening value) while Hg, above its screening value, is left untreated: an option for Hg "
        "applies")
    zh = messages.render(messages.Message.decode(r["reason_msg"]), "zh")
    assert zh.startswith("本方案没有任何一项措施能降低稻米中的汞：它是汞超标、不宜淹水的稻田所用的降镉方案，"
                         "不淹水只是避免淹水使稻米汞升高（淹水会活化砷、促进汞甲基化，Hu 等 2013；Kawasaki 等 2012；")
    assert zh.endswith("而超过筛选值的汞未得到处理：已有处理汞的措施可用")
    # the flooding rule's sources are those of the options that flood
    assert options._flood_sources(load_tables()) == src.replace("; ", ";")


def test_the_maize_switch_treats_hg_on_paddy_land_only(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    r = t.loc[("UP", "maize_grain")]
    # on dry land the switch leaves no flooded rice: no Hg effect is credited
    assert r["target_metals"] == "cd" and r["untreated_metals"] == "hg"
    # it answers only the wheat's Cd risk (Cd 0.2, below its screening value; wheat within the limit in 75 % of
    # seasons). That risk is predicted by the wheat default (mcgrath2002_wheat_cd, the UK function with pH: no
    # documented bias in transfer_functions.csv), a real prediction: the Cd measures, allowed by the off-class
    # rule (they do not treat Hg), are not put after unchanged practice (rule 4d demotes only risks of a
    # function documented to over-predict) and foliar Zn (91 %) ranks first, ahead of unchanged practice
    assert (r["policy_status"], r["policy_rule"]) == ("restrained", "cn_safe_switch_off_class")
    # (the crop switch itself, answering only a Cd risk below its screening value, ranks after keeping the crop:
    # cn_safe_switch_off_class)
    s = plan.summary.set_index("plot_id")
    assert (s.loc["UP", "recommended_option"], s.loc["UP", "policy_rule"]) \
        == ("foliar_zn_wheat", "cn_safe_measure_off_class")
    assert s.loc["UP", "current_crop_compliance_prob"] == pytest.approx(0.7517, abs=1e-4)
    assert t.loc[("UP", "foliar_zn_wheat"), "crop_compliance_prob"] == pytest.approx(0.9062, abs=1e-4)
    assert t.loc[("UP", "foliar_zn_wheat"), "rank"] < t.loc[("UP", "do_nothing"), "rank"]
    bits = {"cd": 1, "hg": 2}
    lib = load_tables().indexed("options", "option_id")
    lu = np.array(["paddy", "upland", "vegetable"], dtype=object)
    assert options.treats_masks(lib.loc["maize_grain", "treats"], lu, bits).tolist() == [3, 1, 1]
    assert options.treats_masks(lib.loc["low_cd_rice", "treats"], lu, bits).tolist() == [1, 1, 1]


def test_the_switch_cites_the_hg_sources():
    lib = load_tables().indexed("options", "option_id")
    src = lib.loc["maize_grain", "source"].split(";")
    assert {"qiu2008_hg_rice", "peng2012_hg_water", "tang2020_hg_paddy"} <= set(src)
    assert "Hg" in lib.loc["maize_grain", "evidence"]
    # a low-Cd variety is not credited with Hg (one secondary summary of one site)
    assert options.treats_metals(lib.loc["low_cd_rice", "treats"]) == {"cd"}


def test_a_cd_only_paddy_keeps_its_recommendation(plan):
    s = plan.summary.set_index("plot_id")
    assert (s.loc["CD", "recommended_option"], s.loc["CD", "policy_rule"]) == ("flooded_rice", "cn_safe_keep_food")
    # (no depth or bulk density given: the typical plough layer gives the clean-up criterion its values)
    assert s.loc["CD", "score"] == pytest.approx(0.698, abs=0.001)
    r = plan.table.set_index(["plot_id", "option_id"]).loc[("CD", "maize_grain")]
    assert (r["target_metals"], r["policy_rule"]) == ("cd", "cn_safe_keep_food")


def test_an_idle_hg_paddy_goes_back_to_food_with_the_switch_and_says_it_treats_hg():
    # no current crop, no Cd measured: the sentence has no not-assessed lead and no probability, and
    # still says the switch treats Hg without predicting it in the crop
    idle = dict(WANSHAN, plot_id="I1", crop="none")
    del idle["cd_mg_kg"]
    p = agriremed.plan(pd.DataFrame([idle]), agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert (s.loc["I1", "recommended_option"], s.loc["I1", "policy_rule"]) == ("maize_grain", "cn_safe_keep_food")
    assert s.loc["I1", "recommendation"].startswith(
        "Switch to maize grain (crop-structure adjustment): treats Hg (above the screening value; its effect on the "
        "crop is not predicted); crop safety not predicted; ")


def test_any_recommended_measure_for_a_metal_not_predicted_in_the_crop_says_so():
    # As 45 > 40 (paddy, pH 5.5–6.5) with no usable As function: the Fe–Si amendment + low-Cd rice treats As,
    # and its probability covers Cd only. The rice is predicted within the Cd limit in 74 % of seasons now, so
    # the package (the amendment + a low-Cd variety) is recommended over the amendment alone (its Cd part
    # answers that risk: 92 %)
    p = agriremed.plan(pd.DataFrame([dict(CD_PADDY, plot_id="AS", as_mg_kg=45.0, cd_mg_kg=0.2)]),
                       agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert s.loc["AS", "current_crop_compliance_prob"] == pytest.approx(0.7428, abs=1e-4)
    assert s.loc["AS", "recommended_option"] == "as_fe_si_low_cd_rice"
    assert s.loc["AS", "recommendation"].startswith(
        "As in the crop not assessed (no usable transfer function) — measure it in the harvest (limit: inorganic As "
        "0.35 mg/kg, GB2762). Fe–Si As amendment "
        "+ low-Cd rice: treats As (above the screening value; its effect on the crop is "
        "not predicted); crop meets GB2762 for Cd (at or below the screening value) with 92 % probability a season; ")


def test_a_switch_chosen_for_hg_says_its_crop_is_less_often_within_the_cd_limit():
    # Hg 2.6 above its screening value, Cd 0.5 below it (pH 7.2): the maize switch treats Hg and is the
    # plan, but maize is predicted within the Cd limit less often than the rice grown now; the sentence
    # says so and that the switch is chosen for the Hg it treats
    import agriremed
    from agriremed.core import messages
    from plotdata import make_plots

    p = agriremed.plan(make_plots(1, plot_id=["WS"], land_use="paddy", crop="rice", ph=7.2, cd_mg_kg=0.5,
                                  hg_mg_kg=2.6, basic_farmland="yes", region="Guizhou/Tongren/Wanshan"),
                       agriremed.Scenario(mc_draws=0))
    s = p.summary.iloc[0]
    t = p.table.set_index("option_id")
    assert s["recommended_option"] == "maize_grain"
    now, opt = s["current_crop_compliance_prob"], t.loc["maize_grain", "crop_compliance_prob"]
    assert round(100 * now) > round(100 * opt)
    en = (f"its crop is predicted within the limit for Cd less often than the crop grown now ({100 * opt:.0f} % "
          f"against {100 * now:.0f} %): it is chosen for the Hg it treats")
    assert en in s["recommendation"]
    zh = messages.render(s["recommendation_msg"], "zh")
    assert f"其作物镉含量预计达标概率低于现种作物（{100 * opt:.0f} %对{100 * now:.0f} %）：选择该方案是为了处理汞" in zh
    # a Cd-only paddy: no such clause
    cd = agriremed.plan(make_plots(1, land_use="paddy", crop="rice", ph=6.0, cd_mg_kg=0.9, region="Hunan/Zhuzhou"),
                        agriremed.Scenario(mc_draws=0)).summary.iloc[0]
    assert "it is chosen for the" not in cd["recommendation"]
