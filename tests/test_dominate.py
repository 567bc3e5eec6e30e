"""A food option that dominates unchanged practice for the farmer — same crop, no less food, more often
compliant and a higher farmer's NPV without carbon credits or subsidies — is a measure for the crop however
small its compliance gain: min_compliance_gain does not put it after unchanged practice (target_tier 6). One
whose advantage needs the carbon credit, or that loses the farmer money, stays no measure."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.models.ranking import NO_MEASURE_TIER
from agriremed.stages import ranking

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples" / "plots.csv"


@pytest.fixture(scope="module")
def suzhou():
    plots = pd.read_csv(SAMPLES)
    return agriremed.plan(plots[plots["plot_id"] == "JS-SZ-07"], agriremed.Scenario(mc_draws=0), progress=False)


def test_liming_that_is_safer_and_pays_from_the_harvest_is_recommended_on_js_sz_07(suzhou):
    # pak choi at pH 6.2, Cd 0.41 (Suzhou): liming by lime requirement raises compliance from 83.7 % to 87.6 %
    # (+3.8 points, below the 5-point min_compliance_gain; 82.9 → 86.7 % with the leafy spread 0.627) and the
    # farmer's NPV from 520 401 to 552 786 CNY/ha (511 490 → 544 018),
    # none of it a carbon credit (lime earns none) or a subsidy: it dominates unchanged practice and is the
    # plan (before: unchanged practice, lime "no measure whatever it earns")
    t = suzhou.table.set_index("option_id")
    r = suzhou.ranking.set_index("option_id")
    assert round(r.loc["do_nothing", "food_compliance"], 3) == 0.837
    assert round(r.loc["lime_vegetable", "food_compliance"], 3) == 0.876
    assert round(t.loc["do_nothing", "npv_farmer_cny_ha"]) == 520401
    assert round(t.loc["lime_vegetable", "npv_farmer_cny_ha"]) == 552786
    assert t.loc["lime_vegetable", "carbon_revenue_cny_ha"] == 0 and t.loc["lime_vegetable", "subsidy_cny_ha"] == 0
    assert round(t.loc["lime_vegetable", "npv_farmer_own_vs_baseline_cny_ha"]) == 32385
    assert r.loc["lime_vegetable", "dominates_baseline"] and r.loc["lime_vegetable", "target_tier"] == 0
    assert t.loc["lime_vegetable", "dominates_baseline"]  # in plan.csv too
    assert r.loc["lime_vegetable", "rank"] == 1 and r.loc["do_nothing", "rank"] == 2
    # biochar (+2.5 points at −11 642 CNY/ha) does not dominate and stays no measure
    assert round(t.loc["biochar_amendment", "npv_vs_baseline_cny_ha"]) == -11642
    assert not r.loc["biochar_amendment", "dominates_baseline"]
    assert r.loc["biochar_amendment", "target_tier"] == NO_MEASURE_TIER
    s = suzhou.summary.iloc[0]
    assert s["recommended_option"] == "lime_vegetable"
    assert ("; it raises the crop's chance of meeting the food limit by only 3.8 percentage points over unchanged "
            "practice, below the 5-point gain that makes a measure for the crop, but it is safer and earns the farmer "
            "more from the harvest itself (+32,385 CNY/ha (+2,159 CNY/mu) vs doing nothing over 20 yr without carbon "
            "credits or subsidies), so it is a measure;") in s["recommendation"]
    zh = messages.render(s["recommendation_msg"], "zh")
    assert ("；该措施仅使作物达标概率比维持现状提高3.8个百分点，未达到作为措施所需的5个百分点，但它更安全，且仅靠收获本身就使"
            "农户比维持现状多收益（20年内相对不治理+2,159元/亩（+32,385元/公顷），不含碳信用和补贴），因此仍是一项措施；") in zh


def _hand_built(npv: float, own: float, food_crop: str = "pak_choi") -> pd.DataFrame:
    """One safe-utilisation pak choi plot: unchanged practice (80 % compliant) and liming (83 %, +3 points),
    liming's NPV against unchanged practice ``npv`` (the ranking's economics) and the farmer's NPV without
    carbon credits or subsidies ``own`` [CNY/ha]."""
    return pd.DataFrame({
        "plot_id": ["H", "H"], "option_id": ["do_nothing", "lime_vegetable"], "applicable": [True, True],
        "policy_status": ["allowed", "expected"], "food_crop": ["pak_choi", food_crop],
        "crop_compliance_prob": [0.80, 0.83], "compliance_metals": ["cd", "cd"], "soil_class": ["safe_utilisation"] * 2,
        "biomass_value_positive": [False, False], "removed_g_ha": [np.nan, 0.0], "needed_g_ha": [np.nan, np.nan],
        "target_metals": ["", "cd"], "metals_exceeding": ["cd", "cd"], "net_co2e_vs_baseline_t_ha_yr": [0.0, 0.0],
        "npv_vs_baseline_cny_ha": [0.0, npv], "npv_farmer_own_vs_baseline_cny_ha": [0.0, own],
        "cost_year1_cny_ha": [30000.0, 31000.0]})


@pytest.mark.parametrize("npv, own, food_crop, dominates", [
    (-2000.0, -2000.0, "pak_choi", False),  # +3 points but the farmer loses money: stays gated
    (1500.0, -500.0, "pak_choi", False),    # ahead only with a carbon credit of 2 000 CNY/ha: stays gated
    (2000.0, 2000.0, "pak_choi", True),     # safer and more money from the harvest: a measure
    (2000.0, 2000.0, "lettuce", False),     # another crop: does not keep the plot's crop
])
def test_a_small_gain_is_a_measure_only_when_the_harvest_itself_pays_for_it(npv, own, food_crop, dominates):
    w = agriremed.Scenario().normalised_weights()
    r = ranking.rank_options(_hand_built(npv, own, food_crop), w, target_compliance_prob=0.9,
                             min_compliance_gain=0.05, min_gain_share=0.5).set_index("option_id")
    assert round(r.loc["lime_vegetable", "food_compliance"] - r.loc["do_nothing", "food_compliance"], 3) == 0.03
    assert bool(r.loc["lime_vegetable", "dominates_baseline"]) is dominates
    assert (r.loc["lime_vegetable", "target_tier"] == NO_MEASURE_TIER) is not dominates
    assert r.loc["lime_vegetable" if dominates else "do_nothing", "rank"] == 1


def test_a_measure_that_loses_the_farmer_money_stays_after_unchanged_practice_whatever_it_scores():
    # +3 points at −2 000 CNY/ha: weighted on food safety alone liming scores higher, but it is no measure
    w = {"food_safety": 1.0}
    r = ranking.rank_options(_hand_built(-2000.0, -2000.0), w, target_compliance_prob=0.9,
                             min_compliance_gain=0.05).set_index("option_id")
    assert r.loc["lime_vegetable", "score"] > r.loc["do_nothing", "score"]
    assert r.loc["lime_vegetable", "target_tier"] == NO_MEASURE_TIER and r.loc["do_nothing", "recommended"]


def test_the_farmers_own_npv_leaves_out_the_credit_and_the_subsidies(suzhou):
    # farmer's NPV against unchanged practice − (carbon credit − unchanged practice's) − (subsidies − its): on
    # every applicable row of the sample plot
    t = suzhou.table.loc[suzhou.table["applicable"]].set_index("option_id")
    base = t.loc["do_nothing"]
    want = (t["npv_farmer_vs_baseline_cny_ha"] - (t["carbon_revenue_cny_ha"] - base["carbon_revenue_cny_ha"])
            - (t["subsidy_cny_ha"] - base["subsidy_cny_ha"]))
    assert np.allclose(t["npv_farmer_own_vs_baseline_cny_ha"], want, rtol=1e-9, atol=1e-6)
    assert round(t.loc["biochar_amendment", "npv_farmer_own_vs_baseline_cny_ha"]) == -12959  # −11 642 − 1 317


def test_a_dominating_measure_is_not_put_after_a_ruinous_crop_switch_by_the_best_gain_share():
    # a smelter-side pak choi field in Zhuzhou (safe utilisation): liming by lime requirement raises compliance
    # by 4.3 points and earns the farmer more from the harvest; the switch to maize grain raises it by 7.9 points
    # (4.2 and 8.2 with the leafy spread 0.627) at a large loss. Half the best gain and min_compliance_gain (5) put
    # liming after the switch before;
    # dominating unchanged practice, it now ranks by its score and is the plan
    plot = {"plot_id": "C06", "region": "湖南省/株洲市/石峰区", "land_use": "vegetable", "crop": "pak_choi",
            "area_ha": 0.1, "ph": 6.3, "cd_mg_kg": 1.2, "pb_mg_kg": 150, "as_mg_kg": 15, "hg_mg_kg": 0.2,
            "cu_mg_kg": 40, "zn_mg_kg": 300, "basic_farmland": "no", "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
            "som_pct": 2.5, "clay_pct": 25}
    p = agriremed.plan(pd.DataFrame([plot]), agriremed.Scenario(mc_draws=0), progress=False)
    t = p.table.set_index("option_id")
    r = p.ranking.set_index("option_id")
    gain = t["crop_compliance_prob"] - t.at["do_nothing", "crop_compliance_prob"]
    assert 0.04 < gain["lime_vegetable"] < 0.05 and gain["maize_grain"] > 0.075
    assert t.at["lime_vegetable", "npv_farmer_own_vs_baseline_cny_ha"] > 0 > t.at["maize_grain", "npv_vs_baseline_cny_ha"]
    assert r.at["lime_vegetable", "dominates_baseline"]
    assert p.summary["recommended_option"].iat[0] == "lime_vegetable"
    assert r.at["lime_vegetable", "rank"] < r.at["maize_grain", "rank"]
