"""A recommendation does not flip between a plan with and without Monte Carlo draws on a gain near
``min_compliance_gain``.

Bijie maize (pH 6.2, Cd 1.2, Zn 260, safe utilisation): biochar's Cd cut at the typical values of its
ranges is 0.564·(1 − e^(−0.066·20))·1.0·0.341 = 14.09 %, the maize prediction's as-sold median 0.061743
mg/kg (se_log10 0.469) against the 0.1 mg/kg limit, so its compliance is
Φ((log10 0.1 − log10(0.061743·(1 − 0.1409)))/0.469) = 0.72146 against 0.67238 without it: +4.91 points.
The mean over the draws is 0.7249 (+5.25): the response factor (0.62–1.0–1.56) and the rice-straw char
efficacy (0.298–0.341–0.389) are skewed triangles. The gain rules compare the central compliance in
both modes (:data:`agriremed.stages.duration.CENTRAL_COMPLIANCE`), so both recommend unchanged practice,
and the sentence says the deciding gain is within ``gain_resolution`` (1 point) of the 5-point threshold.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

import agriremed
from agriremed.core import messages
from agriremed.core.scenario import Scenario

P15 = pd.DataFrame({
    "plot_id": ["P15"], "region": ["Guizhou/Bijie/Hezhang"], "land_use": ["upland"], "crop": ["maize"],
    "area_ha": [0.9], "ph": [6.2], "som_pct": [3.5], "clay_pct": [32.0], "cec_cmol_kg": [14.0],
    "bulk_density_g_cm3": [1.2], "depth_m": [0.2], "basic_farmland": ["unknown"], "cd_mg_kg": [1.2],
    "pb_mg_kg": [60.0], "as_mg_kg": [18.0], "hg_mg_kg": [0.2], "cr_mg_kg": [90.0], "cu_mg_kg": [40.0],
    "ni_mg_kg": [45.0], "zn_mg_kg": [260.0], "annual_rain_mm": [900.0], "mean_temp_c": [13.0],
})

# hand check of the central compliance (see the module docstring)
R_TYP = 0.564 * (1.0 - np.exp(-0.066 * 20.0)) * 1.0 * 0.341
P_BIOCHAR = float(ndtr((np.log10(0.1) - np.log10(0.061743 * (1.0 - R_TYP))) / 0.469))
P_BASE = float(ndtr((np.log10(0.1) - np.log10(0.061743)) / 0.469))


@pytest.fixture(scope="module", params=[0, 100], ids=["draws0", "draws100"])
def plan(request):
    return agriremed.plan(P15, Scenario(mc_draws=request.param), seed=11)


def _row(p, option):
    t = p.ranking
    return t.loc[t["option_id"] == option].iloc[0]


def test_hand_checked_numbers():
    assert R_TYP == pytest.approx(0.14095, abs=5e-5)
    assert P_BIOCHAR == pytest.approx(0.72146, abs=5e-5)
    assert P_BASE == pytest.approx(0.67238, abs=5e-5)
    assert 100 * (P_BIOCHAR - P_BASE) == pytest.approx(4.91, abs=0.005)


def test_same_recommendation_in_both_modes(plan):
    assert plan.summary["recommended_option"].iloc[0] == "do_nothing"


def test_gain_rules_compare_the_central_compliance(plan):
    b, d = _row(plan, "biochar_amendment"), _row(plan, "do_nothing")
    assert b["food_compliance_central"] == pytest.approx(P_BIOCHAR, abs=2e-5)
    assert d["food_compliance_central"] == pytest.approx(P_BASE, abs=2e-5)
    if plan.scenario.mc_draws:  # the mean over the draws still printed: above the typical value's
        assert b["food_compliance"] == pytest.approx(0.7249, abs=3e-4)
    else:
        assert b["food_compliance"] == pytest.approx(P_BIOCHAR, abs=2e-5)
    # biochar is no measure for 4.91 points: ranked after unchanged practice
    assert b["target_tier"] == 6
    assert b["rank"] > d["rank"]


def test_sentence_says_the_gain_is_near_the_threshold(plan):
    msg = plan.summary["recommendation_msg"].iloc[0]
    assert "rec.gain_near_threshold" in msg
    en = messages.text_of(msg, "en")
    zh = messages.text_of(msg, "zh")
    # a sentence of its own, after the main one (before: one 1 077-character sentence holding lime's 2.3 and
    # biochar's 4.9 points, opening "no measure … with a benefit … that can be predicted" and closing "the
    # prediction does not settle between this measure and unchanged practice")
    note = ("Biochar amendment would raise the crop's chance of meeting the food limit by 4.9 percentage points (at "
            "the typical values of its effect), within 1 point of the 5-point gain that makes a measure (the plan's "
            "resolution of gains): the prediction does not settle between this measure and unchanged practice; a "
            "local trial or harvest tests can settle it.")
    assert ". " + note + " " in en
    main = en.split(". First year on the plot")[0]
    assert main.startswith("Continue current practice: no measure of a safe-utilisation plan in the option library "
                           "fits this plot with a predicted benefit for its crop above the plan's threshold (67 % "
                           "chance the crop meets GB2762 for Cd), though one comes close (see below): ")
    assert main.endswith("ranked before Liming acid dry land under maize (score 0.634 vs its 0.631), which would raise "
                         "the crop's chance of meeting the food limit by only 2.3 percentage points over unchanged "
                         "practice, below the 5-point gain that makes a measure for the crop, at a lower NPV")
    assert len(main) == 742 and "Biochar" not in main
    assert ("。生物炭钝化可使作物达标概率提高4.9个百分点（按其效果的典型值计），与作为措施所需的5个百分点相差不到1个百分点"
            "（本方案区分增益的精度）：预测不足以在该措施与维持现状之间作出判断，可由当地试验或收获检测确定。") in zh
    assert "但有一项接近（见下文）" in zh


def test_no_note_without_resolution():
    p = agriremed.plan(P15, Scenario(mc_draws=0, gain_resolution=0.0), seed=11)
    assert "rec.gain_near_threshold" not in p.summary["recommendation_msg"].iloc[0]
    assert "with a benefit for its crop that can be predicted" in p.summary["recommendation"].iloc[0]
