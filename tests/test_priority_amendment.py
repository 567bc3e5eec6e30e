"""A soil amendment on priority-protection land (rule ``cn_priority_no_amendment``).

Priority-protection (优先保护类) land has every metal at or below its screening value, where GB 15618
rates the risk to crops negligible, and needs no safe-utilisation or strict-control measure (Soil
Pollution Law Art. 50, 53, 54). A clean Jiangxi paddy (Cd 0.2 mg/kg at pH 6.5, screening 0.4) was
recommended biochar (about 41 500 CNY/ha more than unchanged practice in year 1, −36 217 CNY/ha over
20 yr) under carbon-, livelihood- or no-food weights in every economics view, winning by 0.0009 points
with the livelihood weights. The rule restrains a soil amendment there unless the crop risk it answers
is rated red or was measured above the food limit.
"""

import pandas as pd
import pytest

import agriremed
from agriremed.core.tables import load_tables
from agriremed.stages import options

BASE = {"region": "Jiangxi/Pingxiang", "land_use": "paddy", "crop": "rice", "area_ha": 0.5, "som_pct": 2.5,
        "clay_pct": 25.0, "basic_farmland": "yes"}
WEIGHTS = {
    "carbon60": {"food_safety": .1, "food_production": .05, "livelihood": .05, "clean_up": .1, "carbon": .6,
                 "economics": .1},
    "liveli60": {"food_safety": .05, "food_production": .05, "livelihood": .6, "clean_up": .1, "carbon": .1,
                 "economics": .1},
    "nofood": {"food_safety": 0, "food_production": 0, "livelihood": .1, "clean_up": .4, "carbon": .25,
               "economics": .25},
}


def _plan(plots, weights=None, view="combined", rule_set="china"):
    kw = {"mc_draws": 0, "economics_view": view, "rule_set": rule_set}
    if weights:
        kw["weights"] = weights
    return agriremed.plan(pd.DataFrame(plots), agriremed.Scenario(**kw))


@pytest.mark.parametrize("view", ["combined", "farmer", "programme"])
@pytest.mark.parametrize("name", sorted(WEIGHTS))
def test_clean_paddy_gets_no_biochar_spend_whatever_the_weights_and_view(name, view):
    p = _plan([{**BASE, "plot_id": "PP", "ph": 6.5, "cd_mg_kg": 0.2}], WEIGHTS[name], view)
    s = p.summary.iloc[0]
    assert s["soil_class"] == "priority_protection"
    assert s["recommended_option"] != "biochar_amendment"
    # before: biochar, 20 750 CNY extra in year 1 on the plot (7.5 mu); now at most the low-Cd seed (300 CNY)
    assert s["first_year_extra_cost_plot_cny"] <= 300.0
    bio = p.table.set_index("option_id").loc["biochar_amendment"]
    assert bool(bio["applicable"])
    assert (bio["policy_status"], bio["policy_rule"]) == ("restrained", "cn_priority_no_amendment")
    assert "rule cn_priority_no_amendment: priority-protection cultivated land needs no" in bio["reason"]
    r = p.ranking.set_index("option_id")
    # listed, still scored on carbon, but after unchanged practice
    assert r.loc["biochar_amendment", "rank"] > r.loc["do_nothing", "rank"]
    assert r.loc["biochar_amendment", "policy_tier"] == options.POLICY_TIER["restrained"]


def test_livelihood_weights_recommend_low_cd_rice_not_the_higher_scoring_biochar():
    p = _plan([{**BASE, "plot_id": "PP", "ph": 6.5, "cd_mg_kg": 0.2}], WEIGHTS["liveli60"])
    r = p.ranking.set_index("option_id")
    # biochar still scores highest (0.8922 vs 0.8913): the rule, not the score, puts it after
    assert r.loc["biochar_amendment", "score"] == pytest.approx(0.8922, abs=5e-5)
    assert r.loc["low_cd_rice", "score"] == pytest.approx(0.8913, abs=5e-5)
    assert p.summary.iloc[0]["recommended_option"] == "low_cd_rice"
    assert p.summary.iloc[0]["programme_cost_cny_ha"] == pytest.approx(1397.5, abs=1.0)  # was 36 217


def test_a_crop_measured_over_the_limit_keeps_the_amendment_allowed():
    plots = [{**BASE, "plot_id": "meas", "ph": 6.5, "cd_mg_kg": 0.2, "crop_cd_mg_kg": 0.25},
             {**BASE, "plot_id": "PP", "ph": 6.5, "cd_mg_kg": 0.2}]
    p = _plan(plots, WEIGHTS["liveli60"])
    t = p.table.set_index(["plot_id", "option_id"])
    # the harvest measured above the 0.2 mg/kg rice limit: a reason for a measure on clean land
    assert (t.loc[("meas", "biochar_amendment"), "policy_status"],
            t.loc[("meas", "biochar_amendment"), "policy_rule"]) == ("allowed", "cn_priority_keep_food")
    assert t.loc[("PP", "biochar_amendment"), "policy_rule"] == "cn_priority_no_amendment"
    # safe crops (a seed or water change) are not restrained by it
    for oid in ("low_cd_rice", "foliar_inhibitor", "flooded_rice"):
        assert t.loc[("PP", oid), "policy_status"] == "allowed", oid


def test_the_rule_is_the_table_s_and_the_none_rule_set_has_none():
    rules = load_tables().land_rules.set_index("rule_id")
    r = rules.loc["cn_priority_no_amendment"]
    assert (r["soil_class"], r["applies_to"], r["status"]) == ("priority_protection",
                                                                options.UNNEEDED_AMENDMENT_FAMILY, "restrained")
    assert r["reason_zh"] and r["source"] == "cn_soil_law2018;mee2018_gb15618"
    p = _plan([{**BASE, "plot_id": "PP", "ph": 6.5, "cd_mg_kg": 0.2}], WEIGHTS["liveli60"], rule_set="none")
    assert p.table.set_index("option_id").loc["biochar_amendment", "policy_status"] == "allowed"
    assert p.summary.iloc[0]["recommended_option"] == "biochar_amendment"


# plots24 P11: a clean Jiangxi paddy (Cd 0.25 mg/kg at pH 6.0, screening 0.3), rice predicted 86 % compliant
# (amber, not red), nothing measured in the harvest
P11 = {"plot_id": "P11", "region": "Jiangxi/Yichun/Yuanzhou", "land_use": "paddy", "crop": "rice", "area_ha": 0.70,
       "ph": 6.0, "som_pct": 3.1, "clay_pct": 28, "cec_cmol_kg": 11, "bulk_density_g_cm3": 1.18, "depth_m": 0.20,
       "basic_farmland": "yes", "cd_mg_kg": 0.25, "pb_mg_kg": 45, "as_mg_kg": 12, "hg_mg_kg": 0.14, "cr_mg_kg": 60,
       "cu_mg_kg": 25, "ni_mg_kg": 22, "zn_mg_kg": 90, "annual_rain_mm": 1600, "mean_temp_c": 17.5}
FOOD_ONLY = {"food_safety": 1, "food_production": 0, "livelihood": 0, "clean_up": 0, "carbon": 0, "economics": 0}


def test_a_package_with_lime_is_restrained_like_the_lime_alone():
    p = _plan([P11], FOOD_ONLY)
    s = p.summary.iloc[0]
    assert s["soil_class"] == "priority_protection"
    t = p.table.set_index("option_id")
    for oid in ("lime_rice", "lime_low_cd_rice"):
        assert (t.loc[oid, "policy_status"], t.loc[oid, "policy_rule"]) == ("restrained", "cn_priority_no_amendment")
    # before: the VIP+n package (lime 7.5 t/ha every 2 yr), 22 815 CNY/ha to the programme over 20 yr, score 0.9943
    assert s["recommended_option"] == "flooded_rice"
    assert s["score"] == pytest.approx(0.9853, abs=5e-5)
    assert s["programme_cost_cny_ha"] == pytest.approx(0.0, abs=1.0)
    r = p.ranking.set_index("option_id")
    assert r.loc["lime_low_cd_rice", "score"] == pytest.approx(0.9943, abs=5e-5)  # still the highest score
    assert r.loc["lime_low_cd_rice", "rank"] > r.loc["do_nothing", "rank"]
    assert {"lime_low_cd_rice", "vip_n_no_flood", "as_fe_si_low_cd_rice", "lime_rice", "biochar_amendment"} \
        <= options.soil_amendment_options(load_tables())
    assert not {"low_cd_rice", "flooded_rice", "foliar_inhibitor"} & options.soil_amendment_options(load_tables())
