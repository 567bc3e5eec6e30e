"""Ranking: utilities, traffic lights with their reasons, the score table, the recommendation."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core.messages import Message, render
from agriremed.stages import ranking


def _table(**cols):
    base = {"plot_id": ["P1", "P1"], "option_id": ["do_nothing", "x"], "applicable": [True, True],
            "food_crop": ["rice", "none"], "crop_compliance_prob": [0.4, np.nan],
            "biomass_value_positive": [False, True], "removed_g_ha": [np.nan, 300.0],
            "needed_g_ha": [np.nan, 600.0], "target_metals": ["", "cd"], "metals_exceeding": ["cd", "cd"],
            "net_co2e_vs_baseline_t_ha_yr": [0.0, 1.2], "npv_vs_baseline_cny_ha": [0.0, -40000.0]}
    base.update(cols)
    return pd.DataFrame(base)


def test_lights_carry_the_number_and_the_threshold():
    r = ranking.rank_options(_table(), agriremed.Scenario().normalised_weights(), horizon_yr=20)
    x = r.set_index("option_id")
    assert x.loc["do_nothing", "why_food_safety"] == \
        "red: crop meets GB2762 in 40 % of food seasons (red below 50 %)"
    # no food is not safe food: an option that ends food production scores 0 where food is grown now
    assert x.loc["x", "why_food_safety"] == \
        "red: grows no food where the plot now grows food: no safe food (red below 50 %)"
    assert x.loc["x", "crit_food_safety"] == 0.0
    assert x.loc["do_nothing", "why_food_production"] == \
        "green: keeps 7.1 of 7.1 t/ha/yr of food (100 %) (green at ≥ 90 %)"
    assert x.loc["x", "why_food_production"] == "red: keeps 0.0 of 7.1 t/ha/yr of food (0 %) (red below 50 %)"
    assert x.loc["x", "why_clean_up"] == \
        "amber: removes 50 % of the excess Cd within 20 yr (amber at ≥ 25 %, green at ≥ 100 %)"
    assert x.loc["do_nothing", "why_clean_up"].startswith("red: removes none of the excess Cd")
    assert x.loc["x", "why_carbon"] == "green: +1.2 t CO2e/ha/yr against doing nothing (green at ≥ +0.5)"
    assert x.loc["x", "why_economics"] == \
        "red: NPV -40,000 CNY/ha against doing nothing over 20 yr (red below -30,000)"
    assert x.loc["x", "why_livelihood"].startswith("amber: saleable biomass or product")
    for c in ranking.CRITERIA:                              # the colour in the text is the light
        assert (r[f"why_{c}"].str.split(":").str[0] == r[f"light_{c}"]).all()


def test_score_table_contributions_sum_to_the_score():
    w = agriremed.Scenario().normalised_weights()
    r = ranking.rank_options(_table(), w)
    st = ranking.score_table(r, w)
    assert len(st) == 2 * len(ranking.CRITERIA)
    total = st.groupby("option_id")["contribution"].sum()
    np.testing.assert_allclose(total.reindex(r["option_id"]), r["score"])
    assert set(st["group"]) == {"social", "environmental", "economic"}
    # hand-computed: utility of −40 000 CNY/ha between −150 000 (0) and +50 000 (1) is 0.55
    assert st.set_index(["option_id", "criterion"]).loc[("x", "economics"), "utility"] == pytest.approx(0.55)


def test_unassessed_criterion_is_left_out_and_said_so():
    w = agriremed.Scenario().normalised_weights()
    r = ranking.rank_options(_table(npv_vs_baseline_cny_ha=[0.0, np.nan]), w).set_index("option_id")
    assert r.loc["x", "why_economics"].startswith("not assessed")
    st = ranking.score_table(r.reset_index(), w).set_index(["option_id", "criterion"])
    assert np.isnan(st.loc[("x", "economics"), "weight"])
    assert st.xs("x")["weight"].sum() == pytest.approx(1.0)


def test_weights_decide_and_the_sentence_explains(sample_plots_path):
    # no jurisdiction rules and no minimum gain of a measure (an agronomic measure below it is no measure
    # whatever it earns: the limed pak choi of JS-SZ-07, +3.9 points): the weights alone decide
    money = agriremed.Scenario(mc_draws=0, rule_set="none", min_compliance_gain=0.0,
                               weights={"economics": 1.0, "food_safety": 0.0, "livelihood": 0.0,
                                        "clean_up": 0.0, "carbon": 0.0})
    p = agriremed.plan(sample_plots_path, money)
    t = p.table.loc[p.table["applicable"]].copy()
    t["u"] = np.clip((t["npv_vs_baseline_cny_ha"] + 150000) / 200000, 0, 1)   # anchors of traffic_lights.csv
    # partial evidence ranks after complete evidence
    best_u = t.loc[t["evidence"] == "complete"].groupby("plot_id")["u"].max()
    rec = t.loc[t["recommended"]].set_index("plot_id")
    np.testing.assert_allclose(rec["u"], best_u.reindex(rec.index))
    np.testing.assert_allclose(rec["score"], rec["u"])
    s = p.summary.set_index("plot_id")
    assert s["recommendation"].str.contains("ahead of").all()
    assert s["recommendation"].str.contains("mostly on economics|overall score").all()
    assert (s["recommendation"].str.count(r"\.$") == 1).all()


def test_full_score_table_is_in_the_plan(tmp_path, sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    n_app = int(p.table["applicable"].sum())
    assert len(p.scores) == n_app * len(ranking.CRITERIA)
    p.write(tmp_path, report=False)
    assert (tmp_path / "scores.csv").exists() and (tmp_path / "soil_trajectories.csv").exists()
    applicable = p.table.loc[p.table["applicable"]]
    for c in ranking.CRITERIA:
        assert applicable[f"why_{c}"].str.len().gt(10).all()


def _two_plots(**cols):
    """Rice kept (do_nothing), sorghum instead, maize grain instead, on plot A (rice fails the
    limit) and plot B (rice complies)."""
    base = {"plot_id": ["A"] * 3 + ["B"] * 3, "option_id": ["do_nothing", "sorghum", "maize_grain"] * 2,
            "applicable": [True] * 6, "food_crop": ["rice", "none", "maize"] * 2,
            "crop_compliance_prob": [0.3, np.nan, 0.9, 0.99, np.nan, 1.0],
            "compliant_season_fraction": [0.3, np.nan, 0.9, 0.99, np.nan, 1.0],
            "food_seasons": [20, 0, 20, 20, 0, 10],
            "biomass_value_positive": [False, True, False] * 2, "removed_g_ha": [0.0, 300.0, 0.0] * 2,
            "needed_g_ha": [np.nan, 600.0, np.nan] * 2, "target_metals": ["", "cd", ""] * 2,
            "metals_exceeding": ["cd"] * 6, "soil_class": ["safe_utilisation"] * 6,
            "net_co2e_vs_baseline_t_ha_yr": [0.0, 1.0, 0.0] * 2,
            "npv_vs_baseline_cny_ha": [0.0, 0.0, 0.0] * 2}
    base.update(cols)
    return pd.DataFrame(base)


def test_food_safety_scores_the_food_produced_and_food_production_the_food_kept():
    v = ranking.criteria_values(_two_plots(), 20)
    # safe food = years with food × share of those seasons that comply
    assert v["food_safety"].tolist()[:3] == pytest.approx([0.3, 0.0, 0.9])
    assert v["food_safety"].iloc[5] == pytest.approx(0.5 * 1.0)         # maize in 10 of 20 years
    # food kept relative to rice (crops.csv: rice 7.14, maize 6.53 t/ha/yr)
    assert v["food_production"].tolist()[:3] == pytest.approx([1.0, 0.0, 6.53 / 7.14])
    assert v["food_production"].iloc[5] == pytest.approx(0.5 * 6.53 / 7.14)
    # a plot that grows no food now: neither criterion is assessed for a non-food option
    idle = _two_plots(food_crop=["none", "none", "maize"] * 2, food_seasons=[0, 0, 20] * 2,
                      crop_compliance_prob=[np.nan, np.nan, 0.9] * 2, compliant_season_fraction=[np.nan] * 6)
    w = ranking.criteria_values(idle, 20)
    assert np.isnan(w["food_safety"].iloc[1]) and np.isnan(w["food_production"]).all()


def test_clean_up_counts_only_where_the_soil_needs_lowering():
    v = ranking.criteria_values(_two_plots(), 20)
    # plot A: rice fails the limit → clean-up assessed (sorghum removes 300 of 600 g/ha)
    assert v["clean_up"].tolist()[:3] == pytest.approx([0.0, 0.5, 0.0])
    # plot B: rice already complies (0.99 ≥ green 0.95) → not assessed, so no push to removal
    assert v["clean_up"].iloc[3:].isna().all()
    # strict-control land needs lowering whatever the crop does
    strict = ranking.criteria_values(_two_plots(soil_class=["strict_control"] * 6), 20)
    assert strict["clean_up"].iloc[4] == pytest.approx(0.5)
    r = ranking.rank_options(_two_plots(), agriremed.Scenario().normalised_weights()).set_index(
        ["plot_id", "option_id"])
    assert r.loc[("B", "sorghum"), "why_clean_up"] == \
        "not assessed: not needed: the current crop meets the food limit without treatment"


def test_clean_up_is_not_needed_only_where_the_crop_meets_the_limit_for_every_exceeding_metal():
    # plot B's rice meets the limit (0.99), but its probability covers Cd only while As/Pb put the plot in
    # its class and are not assessed in the crop: the clean-up is counted, as on a plot without a prediction
    t = _two_plots(metals_exceeding=["as+pb"] * 6, compliance_metals=["cd", "", "cd"] * 2,
                   target_metals=["", "as", ""] * 2)
    v = ranking.criteria_values(t, 20)
    assert v["clean_up"].iloc[3:].tolist() == pytest.approx([0.0, 0.25, 0.0])  # 300 of 600 g/ha × 1 of 2 metals
    r = ranking.rank_options(t, agriremed.Scenario().normalised_weights()).set_index(["plot_id", "option_id"])
    assert r.loc[("B", "do_nothing"), "why_clean_up"] == (
        "red: removes none of the excess As/Pb; counted although the current crop is predicted to meet the food "
        "limit for Cd without treatment: As/Pb above the screening value not assessed in the crop (red below 25 %)")
    zh = render(r.loc[("B", "do_nothing"), "why_clean_up_msg"], "zh")
    assert "虽然预测当前作物不经治理即符合镉的食品限量，仍计入修复效果：超过筛选值的砷、铅未在作物中评估" in zh
    # a probability that covers every exceeding metal keeps "not needed"
    ok = ranking.rank_options(t.assign(metals_exceeding=["cd"] * 6, target_metals=["", "cd", ""] * 2),
                              agriremed.Scenario().normalised_weights()).set_index(["plot_id", "option_id"])
    assert ok.loc[("B", "sorghum"), "why_clean_up"] == \
        "not assessed: not needed: the current crop meets the food limit without treatment"


def test_p03_cabbage_on_pb_as_land_counts_clean_up_and_keeps_its_decision():
    # 菜地 Chinese cabbage, Jiyuan (Henan), Pb 260, As 30, pH 7.9: Cd (below screening) 96 % compliant,
    # Pb/As not assessed in the crop. Before: clean-up "not needed" (weight NaN; score 0.83 vs fallow 0.09)
    p03 = dict(plot_id="P03", region="Henan/Jiyuan", land_use="vegetable", crop="chinese_cabbage", area_ha=0.5,
               ph=7.9, som_pct=1.9, clay_pct=22, cec_cmol_kg=15, bulk_density_g_cm3=1.35, depth_m=0.2,
               basic_farmland="no", cd_mg_kg=0.45, pb_mg_kg=260, as_mg_kg=30, hg_mg_kg=0.1, cr_mg_kg=65,
               cu_mg_kg=35, ni_mg_kg=30, zn_mg_kg=180, annual_rain_mm=600, mean_temp_c=14.4)
    p = agriremed.plan(pd.DataFrame([p03]), agriremed.Scenario(mc_draws=0), progress=False)
    s = p.scores.set_index(["option_id", "criterion"])
    assert s.loc[("do_nothing", "clean_up"), "weight"] == pytest.approx(0.15)
    assert s.loc[("do_nothing", "clean_up"), "value"] == 0.0
    assert "As/Pb above the screening value not assessed in the crop" in s.loc[("do_nothing", "clean_up"), "reason"]
    assert p.summary["recommended_option"].iloc[0] == "do_nothing"
    assert p.summary["score"].iloc[0] == pytest.approx(0.705, abs=5e-4)


def test_compliant_crop_is_not_pushed_into_removal_even_without_rules():
    # with every weight on food-neutral criteria except clean-up, plot B still keeps rice:
    # clean-up is not assessed there, and sorghum has no food
    w = agriremed.Scenario().normalised_weights()
    r = ranking.rank_options(_two_plots(), w)
    rec = r.loc[r["recommended"]].set_index("plot_id")["option_id"]
    assert rec["B"] != "sorghum"


def test_expected_options_rank_before_allowed_ones_and_the_sentence_says_why():
    t = _two_plots(policy_status=["expected", "allowed", "expected"] * 2,
                   npv_vs_baseline_cny_ha=[0.0, 50000.0, 0.0] * 2)
    w = {"economics": 1.0}
    r = ranking.rank_options(t, w)
    x = r.set_index(["plot_id", "option_id"])
    assert x.loc[("A", "sorghum"), "score"] > x.loc[("A", "do_nothing"), "score"]
    assert x.loc[("A", "sorghum"), "rank"] == 3 and x.loc[("A", "do_nothing"), "rank"] == 1
    clause = ranking.runner_up_clause(r, pd.Series({"maize_grain": "Maize"}), w)
    # the two allowed options tie on score: the sentence says so and names the tie-break that decided
    assert clause["A"] == ("ahead of Maize (same score, 0.750): equal scores go to the higher NPV, then the lower "
                           "first-year cost, then the option listed first in the option library; both NPV and "
                           "first-year cost are the same, so the library order decided")
    assert x.loc[("A", "do_nothing"), "tie_break"] == "option_order"
    # without policy status (rule set none) the weights alone decide
    r0 = ranking.rank_options(t.drop(columns="policy_status"), w).set_index(["plot_id", "option_id"])
    assert r0.loc[("A", "sorghum"), "rank"] == 1
    # reweight keeps the tiers
    again = ranking.reweight(r, w).set_index(["plot_id", "option_id"])
    assert again.loc[("A", "do_nothing"), "rank"] == 1
    t2 = t.assign(policy_status=["expected", "allowed", "allowed"] * 2)
    r2 = ranking.rank_options(t2, w)
    clause2 = ranking.runner_up_clause(r2, pd.Series({"sorghum": "Sorghum"}), w)
    assert clause2["A"] == \
        ("ranked before Sorghum (score 0.75 vs its 1.00), which the rule set permits on this land but does not expect, "
        "because the rule set expects the recommended option here")



def test_a_lower_scoring_winner_is_ranked_before_never_ahead_of_the_runner_up():
    # policy tier: maize grain expected (0.75), sorghum only allowed (1.00): EN and ZH say "ranked before"
    from agriremed.core import messages
    t = _two_plots(policy_status=["allowed", "allowed", "expected"] * 2,
                   npv_vs_baseline_cny_ha=[0.0, 50000.0, 0.0] * 2)
    w = {"economics": 1.0}
    r = ranking.rank_options(t, w)
    msg = ranking.runner_up_message(r, w)["A"]
    en, zh = messages.render(msg, "en"), messages.render(msg, "zh")
    assert "ahead of" not in en and "优于" not in zh
    assert en.startswith("ranked before ") and en.endswith(
        "(score 0.75 vs its 1.00), which the rule set permits on this land but does not expect, because the rule set expects "
        "the recommended option here")
    assert zh.startswith("排在") and "之前（得分0.75，后者1.00）" in zh and zh.endswith("而管控规则要求在此采用推荐方案")
    # an order no other message names (same policy tier, runner-up scoring higher): still "ranked before"
    same = r.assign(policy_tier=0, target_tier=0)
    other = messages.render(ranking.runner_up_message(same, w)["A"], "en")
    assert other.startswith("ranked before ") and "(score 0.75 vs its 1.00), by the order of the ranking" in other
    # a runner-up of target_tier 2 (less safe than unchanged practice, lower NPV) is named as such
    tt2 = same.assign(target_tier=np.where(same["rank"] == 2, 2, 0))
    less = messages.render(ranking.runner_up_message(tt2, w)["A"], "zh")
    assert "得分0.75，后者1.00" in less and "达标概率低于维持现状" in less
    # where the winner also scores higher the sentence keeps "ahead of"
    won = same.assign(score=np.where(same["rank"] == 1, 1.0, 0.5))
    assert messages.render(ranking.runner_up_message(won, w)["A"], "en").startswith("ahead of ")

def test_restrained_options_rank_after_allowed_ones_whatever_the_weights():
    # sorghum is restrained (leaving food production on safe-utilisation land), unchanged practice
    # allowed, maize grain expected; all economics on sorghum: it scores highest on both plots
    t = _two_plots(policy_status=["allowed", "restrained", "expected"] * 2,
                   npv_vs_baseline_cny_ha=[0.0, 50000.0, 0.0] * 2)
    w = {"economics": 1.0}
    r = ranking.rank_options(t, w)
    x = r.set_index(["plot_id", "option_id"])
    assert x.loc[("A", "sorghum"), "score"] == pytest.approx(1.0)
    assert x.loc[("A", "do_nothing"), "score"] == pytest.approx(0.75)
    assert x["policy_tier"].tolist() == [1, 2, 0] * 2
    assert [x.loc[("A", o), "rank"] for o in ("maize_grain", "do_nothing", "sorghum")] == [1, 2, 3]
    # without an expected option, unchanged practice wins over the better-scoring restrained one
    t1 = t.loc[t["option_id"] != "maize_grain"]
    r1 = ranking.rank_options(t1, w)
    rec = r1.loc[r1["recommended"]].set_index("plot_id")["option_id"]
    assert rec.to_dict() == {"A": "do_nothing", "B": "do_nothing"}
    clause = ranking.runner_up_clause(r1, pd.Series({"sorghum": "Sorghum"}), w)
    assert clause["A"] == ("ranked before Sorghum (score 0.75 vs its 1.00), which the rule set restrains on this land "
                           "(ranked after the options it allows)")
    from agriremed.core import messages
    zh = messages.render(ranking.runner_up_message(r1, w)["A"], "zh")
    assert zh.endswith("后者在该类土地上受管控规则限制（排在规则允许的方案之后）") and "得分0.75，后者1.00" in zh
    # reweight keeps the tiers; an allowed runner-up behind an expected winner keeps its clause
    again = ranking.reweight(r1, {"carbon": 1.0}).set_index(["plot_id", "option_id"])
    assert again.loc[("A", "do_nothing"), "rank"] == 1 and again.loc[("A", "sorghum"), "rank"] == 2
    t2 = t.assign(policy_status=["restrained", "restrained", "expected"] * 2)
    clause2 = ranking.runner_up_clause(ranking.rank_options(t2, w), pd.Series({"sorghum": "Sorghum"}), w)
    assert clause2["A"] == ("ranked before Sorghum (score 0.75 vs its 1.00), which the rule set permits on this land but does not expect, "
        "because the rule set expects the recommended option here")


def test_default_weights_include_food_production_and_sum_to_one():
    from agriremed.core.scenario import DEFAULT_WEIGHTS

    assert set(DEFAULT_WEIGHTS) == set(ranking.CRITERIA)
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    assert DEFAULT_WEIGHTS["food_production"] == pytest.approx(0.15)


def test_scores_that_tie_at_two_decimals_are_printed_with_three():
    # plot A: winner 0.6714, runner-up 0.6686 both print 0.67; three decimals show which is ahead.
    # Plot B: 0.75 vs 0.70 differ at two decimals and keep two.
    w = agriremed.Scenario().normalised_weights()
    r = ranking.rank_options(_two_plots(), w).copy()
    first = r["rank"].to_numpy(float) == 1
    second = r["rank"].to_numpy(float) == 2
    a = (r["plot_id"] == "A").to_numpy()
    score = r["score"].to_numpy(float).copy()
    score[first & a], score[second & a] = 0.6714, 0.6686
    score[first & ~a], score[second & ~a] = 0.75, 0.70
    r["score"] = score
    clause = ranking.runner_up_clause(r, pd.Series(dtype=object), w)
    assert "(score 0.671 vs 0.669)" in clause["A"]
    assert "(score 0.75 vs 0.70)" in clause["B"]
    zh = render(ranking.runner_up_message(r, w)["A"], "zh")
    assert "得分0.671对0.669" in zh


def test_runner_up_with_partial_evidence_is_explained_by_its_evidence():
    import agriremed
    import pandas as pd
    from agriremed.core import messages

    # acid upland maize on Cd 0.5: biochar (complete evidence) ranks first although the Sedum–wheat
    # intercrop (partial evidence, same policy tier) scores higher; the sentence says why
    plot = {"plot_id": "P", "land_use": "upland", "crop": "maize", "ph": 4.5, "cd_mg_kg": 0.5,
            "basic_farmland": "no", "region": "Guangxi/Hezhou", "area_ha": 0.05, "som_pct": 3.0,
            "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2, "annual_rain_mm": 1300.0,
            "mean_temp_c": 17.0}
    # the upland liming and foliar Zn measures are left out: the comparison is biochar vs the intercrop
    upland = ("lime_upland_wheat", "lime_upland_maize", "foliar_zn_wheat", "foliar_zn_maize", "low_cd_wheat")
    ids = tuple(o for o in agriremed.load_tables().options["option_id"] if o not in upland)
    from maize_fit import stricter_maize_tables

    # idle dry land: both food criteria are scored against maize, the upland reference crop (leaving it idle: 0)
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py), so the maize switch
    # keeps the score and compliance the clause under test is about
    # biochar makes the maize 3.6 points safer and the intercrop 4.9: with the default min_compliance_gain
    # (0.05) neither is a measure for the crop and unchanged practice comes first; at 0.03 both are
    p = agriremed.plan(pd.DataFrame([plot]), agriremed.Scenario(mc_draws=0, options=ids, min_compliance_gain=0.03),
                       tables=stricter_maize_tables())
    t = p.table.set_index("rank")
    first, second = t.loc[1], t.loc[2]
    assert first["evidence"] == "complete" and second["evidence"] == "partial"
    assert second["score"] > first["score"]
    rec = p.summary["recommendation"].iloc[0]
    assert "whose evidence is partial" in rec and "mostly on" not in rec
    zh = messages.render(p.summary["recommendation_msg"].iloc[0], "zh")
    assert "后者证据不完整" in zh


def test_unpriced_expected_option_ranks_with_the_allowed_never_past_restrained():
    from agriremed.models.ranking import rank_in_plot

    # one plot: an expected option without computed economics (partial), an allowed one and a
    # restrained one with the best score
    score = np.array([0.1, 0.2, 0.9, 0.5])
    ok = np.ones(4, bool)
    tier = np.array([0, 1, 2, 0])
    unpriced = np.array([True, False, False, False])
    partial = unpriced.copy()
    rank = rank_in_plot(score, ok, partial, ["P"] * 4, tier, unpriced)
    # the priced expected option first, then the allowed one, the unpriced (now allowed, partial)
    # and last the restrained one whatever its score
    assert rank.tolist() == [3, 2, 4, 1]


def test_food_crop_of_unpredicted_safety_scores_as_the_least_safe_assessed_option():
    # plot P1 grows rice (40 % compliant); option "m" switches to a food crop whose safety has no
    # prediction (NaN): a new crop of unknown safety earns no food-safety credit (0); "x" grows no
    # food (0). Plot P2 has no assessed option: the unknown crop gets 0. Plot P3 grows peanut (no
    # transfer function): its own crop, kept ("do_nothing") or amended ("b"), counts as the least
    # safe applicable food option assessed on the plot (the maize switch "z", 70 %), so the switch
    # does not win on the unknown alone; "w" (wheat, 20 %) does not apply and does not count.
    t = pd.DataFrame({
        "plot_id": ["P1", "P1", "P1", "P2", "P2", "P3", "P3", "P3", "P3"],
        "option_id": ["do_nothing", "m", "x", "do_nothing", "m", "do_nothing", "b", "z", "w"],
        "applicable": [True] * 8 + [False],
        "food_crop": ["rice", "maize", "none", "none", "maize", "peanut", "peanut", "maize", "wheat"],
        "crop_compliance_prob": [0.4, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, 0.7, 0.2],
        "biomass_value_positive": [False, False, True, False, False, False, False, False, False],
        "removed_g_ha": [np.nan, np.nan, 300.0] + [np.nan] * 6, "needed_g_ha": [np.nan, np.nan, 600.0] + [np.nan] * 6,
        "target_metals": ["", "", "cd", "", "", "", "cd", "", ""], "metals_exceeding": ["cd"] * 9,
        "net_co2e_vs_baseline_t_ha_yr": [0.0] * 9,
        "npv_vs_baseline_cny_ha": [0.0, 5e4, 0.0, 0.0, 5e4, 0.0, -1e4, -5e4, 0.0]})
    v = ranking.criteria_values(t, 20)
    assert v["food_safety"].tolist()[:2] == pytest.approx([0.4, 0.0])
    assert v["food_safety"].iloc[4] == 0.0 and np.isnan(v["food_safety"].iloc[3])
    assert v["food_safety"].iloc[5:8].tolist() == pytest.approx([0.7, 0.7, 0.7])
    # without the non-food option, the new crop of P1 still earns nothing
    v2 = ranking.criteria_values(t.drop(index=2), 20)
    assert v2["food_safety"].iloc[1] == pytest.approx(0.0)
    r = ranking.rank_options(t, agriremed.Scenario().normalised_weights()).set_index(["plot_id", "option_id"])
    assert r.loc[("P1", "m"), "why_food_safety"] == (
        "red: crop safety not predicted (no uptake function or food limit for the crop, or the soil outside its "
        "range): a crop the plot does not grow now earns no food-safety credit, 0 % (red below 50 %)")
    assert r.loc[("P3", "do_nothing"), "why_food_safety"].startswith(
        "amber: crop safety not predicted (no uptake function or food limit for the crop, or the soil outside its "
        "range): the plot's own crop, counted as the least safe food option assessed on the plot, 70 %")
    assert "未能预测作物安全性" in render(r.loc[("P1", "m"), "why_food_safety_msg"], "zh")
    assert "本地块目前未种植的作物不计食品安全分" in render(r.loc[("P1", "m"), "why_food_safety_msg"], "zh")


def test_recommendation_does_not_jump_to_a_crop_whose_safety_is_no_longer_predicted():
    # calcareous wheat plot (Jiyuan): the maize grain functions are valid up to pH 9; above it maize's
    # compliance is predicted at the edge of the range (the pH-9 value kept: conservative, continuous) and
    # maize must not gain from crossing it (written as a spring-wheat row: on winter wheat the switch to
    # summer maize is no option at all)
    row = {"region": "Henan/Jiyuan/Chengliu", "lat": 35.1, "lon": 112.58, "land_use": "upland", "crop": "wheat",
           "wheat_type": "spring",
           "area_ha": 0.9, "cd_mg_kg": 2.6, "som_pct": 1.8, "clay_pct": 22, "bulk_density_g_cm3": 1.36,
           "depth_m": 0.2, "pb_mg_kg": 30, "as_mg_kg": 10, "hg_mg_kg": 0.21, "cr_mg_kg": 69, "cu_mg_kg": 38,
           "ni_mg_kg": 28, "zn_mg_kg": 215, "annual_rain_mm": 600, "mean_temp_c": 14.4}
    phs = [8.95, 9.0, 9.01, 9.2]
    plots = pd.DataFrame([{**row, "plot_id": f"W{h:.2f}", "ph": h} for h in phs])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    t = p.table[p.table["applicable"].astype(bool)]
    maize = t[t["option_id"] == "maize_grain"].set_index("plot_id")
    prob = maize["crop_compliance_prob"]
    assert prob.notna().all() and prob.loc["W9.01"] == pytest.approx(prob.loc["W9.00"], abs=1e-12)
    assert prob.loc["W9.20"] == pytest.approx(prob.loc["W9.00"], abs=1e-12)
    # its score does not rise across the edge and never rises to the top
    assert maize.loc["W9.01", "score"] <= maize.loc["W9.00", "score"]
    assert (maize["rank"] > 1).all()
    rec = t[t["recommended"].astype(bool)].set_index("plot_id")["option_id"]
    assert rec.nunique() == 1 and rec.iloc[0] != "maize_grain"
def test_expected_options_missing_the_food_target_rank_after_those_meeting_it():
    from agriremed.models.ranking import rank_in_plot

    # one plot: two expected options, the better-scoring one predicted to miss the compliance target
    # (target tier 1), one expected option also less compliant than unchanged practice at a cost
    # (target tier 2), unchanged practice (allowed) and a restrained option
    score = np.array([0.60, 0.40, 0.70, 0.50, 0.90])
    ok = np.ones(5, bool)
    tier = np.array([0, 0, 0, 1, 2])
    target_tier = np.array([1, 0, 2, 0, 0])
    partial = np.zeros(5, bool)
    rank = rank_in_plot(score, ok, partial, ["P"] * 5, tier, None, target_tier)
    # meeting the target first, then missing it; the tier-2 option competes with unchanged practice on
    # score (0.70 > 0.50); the restrained option last whatever its score
    assert rank.tolist() == [2, 1, 3, 4, 5]
    assert rank_in_plot(score, ok, partial, ["P"] * 5, tier).tolist() == [2, 3, 1, 4, 5]


def test_runner_up_clause_reads_ahead_of_when_the_rule_and_the_score_agree():
    # the policy tier decides, but the expected winner also scores higher than the only-allowed runner-up:
    # "ahead of X (score a vs b), which the rule set permits … but does not expect", never "ranked before" (EN and 中文)
    import agriremed
    from agriremed.core import messages
    from plotdata import make_plots

    # idle dry land: both food criteria are scored against maize, the upland reference crop (leaving it idle: 0)
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py), so the maize switch
    # keeps the score and compliance the clause under test is about
    from maize_fit import stricter_maize_tables

    p = agriremed.plan(make_plots(1, land_use="upland", crop="none", ph=8.4, cd_mg_kg=4.0, region="Yunnan/Gejiu"),
                       agriremed.Scenario(mc_draws=0), tables=stricter_maize_tables())
    s = p.summary["recommendation"].iloc[0]
    r = p.table.set_index("option_id")
    assert r.loc[p.summary["recommended_option"].iloc[0], "score"] > r.loc["do_nothing", "score"]
    assert "ahead of Continue current practice (score 0.59 vs 0.22), which the rule set permits on this land but does not expect" in s
    assert "ranked before" not in s
    zh = messages.column_texts(p.summary, "recommendation", "zh")[0]
    assert "优于维持现状（得分0.59对0.22），后者在该类土地上为管控规则允许、但非其推荐" in zh and "排在" not in zh


def _four_tied(**cols):
    """Four non-food options on one strict-control plot that score the same (no criterion but the NPV
    differs, and every NPV is below the economics utility's zero anchor): the Gejiu GJ006 case."""
    n = 4
    base = {"plot_id": ["G"] * n, "option_id": ["willow_src", "poplar_src", "miscanthus", "maize_energy"],
            "applicable": [True] * n, "food_crop": ["none"] * n, "crop_compliance_prob": [np.nan] * n,
            "compliant_season_fraction": [np.nan] * n, "food_seasons": [0] * n,
            "biomass_value_positive": [True] * n, "removed_g_ha": [0.0] * n, "needed_g_ha": [600.0] * n,
            "target_metals": ["cd"] * n, "metals_exceeding": ["cd"] * n, "soil_class": ["strict_control"] * n,
            "net_co2e_vs_baseline_t_ha_yr": [1.0] * n, "policy_status": ["expected"] * n,
            "npv_vs_baseline_cny_ha": [-293330.0, -292924.0, -284876.0, -338205.0],
            "cost_year1_cny_ha": [16500.0, 16500.0, 14200.0, 9119.25]}
    base.update(cols)
    return pd.DataFrame(base)


def test_equal_scores_go_to_the_higher_npv_then_the_lower_first_year_cost():
    w = agriremed.Scenario().normalised_weights()
    r = ranking.rank_options(_four_tied(), w)
    assert len(set(np.round(r["score"], 9))) == 1                      # a four-way tie
    # NPV: miscanthus -284,876 > poplar -292,924 > willow -293,330 > maize -338,205 CNY/ha (the option losing
    # least over the plan's years first, not the cheapest first year)
    assert r.sort_values("rank")["option_id"].tolist() == ["miscanthus", "poplar_src", "willow_src", "maize_energy"]
    assert r.set_index("option_id")["tie_break"].to_dict() == {
        "willow_src": "", "poplar_src": "", "miscanthus": "npv", "maize_energy": ""}
    clause = ranking.runner_up_clause(r, pd.Series(dtype=object), w)
    assert clause["G"] == ("ahead of Poplar short-rotation coppice (same score, 0.155): equal scores go to the "
                           "higher NPV, then the lower first-year cost, then the option listed first in the option "
                           "library, and this option has the higher NPV")
    zh = render(Message.decode(ranking.runner_up_message(r, w)["G"]), "zh")
    assert "得分相同（均为0.155）" in zh and zh.endswith("本方案净现值较高")
    assert "综合得分" not in zh
    # equal NPVs: the lower first-year cost decides, and the sentence says so
    r2 = ranking.rank_options(_four_tied(npv_vs_baseline_cny_ha=[-300000.0] * 4), w)
    assert r2.sort_values("rank")["option_id"].tolist() == ["maize_energy", "miscanthus", "willow_src", "poplar_src"]
    assert r2.set_index("option_id").loc["maize_energy", "tie_break"] == "first_year_cost"
    assert ranking.runner_up_clause(r2, pd.Series(dtype=object), w)["G"].endswith(
        "at the same NPV, this option costs less in its first year")
    # equal NPV and cost: the library order decides; reweight keeps the tie-break
    r3 = ranking.rank_options(_four_tied(npv_vs_baseline_cny_ha=[-300000.0] * 4, cost_year1_cny_ha=[1.0] * 4), w)
    assert r3.sort_values("rank")["option_id"].tolist() == ["willow_src", "poplar_src", "miscanthus", "maize_energy"]
    assert r3.set_index("option_id").loc["willow_src", "tie_break"] == "option_order"
    assert ranking.reweight(r, w).set_index("option_id").loc["miscanthus", "tie_break"] == "npv"


def test_scores_equal_at_three_decimals_tie_and_a_higher_score_wins_without_a_tie_break():
    from agriremed.models.ranking import rank_in_plot, tie_break_used
    ok, partial = np.ones(3, bool), np.zeros(3, bool)
    score = np.array([0.17649, 0.17651, 0.2])  # the first two print as 0.176 and 0.177
    cost = np.array([100.0, 200.0, 300.0])
    rank = rank_in_plot(score, ok, partial, ["p"] * 3, cost=cost)
    assert rank.tolist() == [3, 2, 1]                                  # 0.2 wins outright
    assert tie_break_used(rank, score, ok, partial, ["p"] * 3, cost=cost).tolist() == ["", "", ""]
    score = np.array([0.17641, 0.17649, 0.1])  # both 0.176: a tie, the cheaper first
    rank = rank_in_plot(score, ok, partial, ["p"] * 3, cost=np.array([100.0, 200.0, 0.0]))
    assert rank.tolist() == [1, 2, 3]
    assert tie_break_used(rank, score, ok, partial, ["p"] * 3, cost=np.array([100.0, 200.0, 0.0]))[0] == \
        "first_year_cost"


def test_an_option_that_is_no_measure_for_the_crop_ranks_after_unchanged_practice():
    from agriremed.models.ranking import NO_MEASURE_TIER, rank_in_plot

    # unchanged practice (allowed, 0.649), biochar (expected, 0.650, target_tier 6), fallow (restrained):
    # biochar moves to the allowed options and after them, unchanged practice included; the restrained
    # option stays last
    score = np.array([0.649, 0.650, 0.07])
    ok = np.ones(3, bool)
    partial = np.zeros(3, bool)
    tier = np.array([1, 0, 2])
    assert rank_in_plot(score, ok, partial, ["P"] * 3, tier).tolist() == [2, 1, 3]
    tt = np.array([0, NO_MEASURE_TIER, 0])
    assert rank_in_plot(score, ok, partial, ["P"] * 3, tier, None, tt).tolist() == [1, 2, 3]
    # an allowed one (priority protection) ranks after unchanged practice of its tier whatever its score
    assert rank_in_plot(np.array([0.5, 0.9, 0.07]), ok, partial, ["P"] * 3, np.array([1, 1, 2]), None,
                        tt).tolist() == [1, 2, 3]


def test_the_removal_criterion_is_named_metal_removal_not_clean_up():
    # a regression-panel finding: willow "stabilises, does not clean up; … ahead of Miscanthus …, mostly on
    # clean-up" read as a contradiction; the criterion is the share of the excess metal removed (污染去除)
    from agriremed.core import messages

    m = messages.Message.of("rec.ahead", option="miscanthus", score="0.334", runner_score="0.327",
                            criterion="clean_up")
    assert messages.render(m, "en").endswith("mostly on metal removal")
    assert messages.render(m, "zh").endswith("污染去除")
