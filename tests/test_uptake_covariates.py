"""Soil covariates a transfer function needs and the plot does not give (SOM, clay): the typical values of
``covariate_defaults.csv`` are assumed and their spread widens the prediction; never silently.

Hand check (devries2007_lettuce_cd_leafy, the leafy default used for pak choi; terms ph_kcl −0.33,
log10(som_pct) −0.39, log10(clay_pct) −0.19; se 0.605): vegetable land assumes SOM 2.5 % and clay 20 %, each
with sd 0.2 log10, so se = √(0.605² + (0.39·0.2)² + (0.19·0.2)²) = √0.373553 = 0.611190.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import agriremed
from agriremed.core.messages import render
from agriremed.core.scenario import ScenarioError
from agriremed.core.tables import load_tables
from agriremed.stages import uptake

SE_FN = 0.605
SE_ASSUMED = math.sqrt(SE_FN ** 2 + (0.39 * 0.2) ** 2 + (0.19 * 0.2) ** 2)

JIYUAN = dict(plot_id="JY-01", region="Henan/Jiyuan", land_use="vegetable", crop="pak_choi", area_ha=0.2,
              ph=7.8, cd_mg_kg=3.0, pb_mg_kg=400, zn_mg_kg=600)


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def _plots(**extra):
    base = dict(JIYUAN)
    base.update(extra)
    return pd.DataFrame([base])


def test_blank_som_and_clay_are_assumed_with_a_wider_spread(tables):
    blank = uptake.predict_crop_concentration(_plots(), metals=["cd"], tables=tables).iloc[0]
    given = uptake.predict_crop_concentration(_plots(som_pct=2.5, clay_pct=20.0), metals=["cd"],
                                              tables=tables).iloc[0]
    assert blank["function_id"] == given["function_id"] == "devries2007_lettuce_cd_leafy"
    # the same median as a plot that measured the typical values …
    assert blank["crop_fw_p50_mg_kg"] == pytest.approx(given["crop_fw_p50_mg_kg"], rel=1e-12)
    # … with the assumed values' spread added to the function's
    assert given["se_log10"] == pytest.approx(SE_FN, abs=1e-12)
    assert blank["se_log10"] == pytest.approx(SE_ASSUMED, abs=1e-9)
    assert blank["se_log10"] == pytest.approx(0.611190, abs=1e-6)
    assert blank["se_covariate_log10"] == pytest.approx(math.sqrt((0.39 * 0.2) ** 2 + (0.19 * 0.2) ** 2), abs=1e-12)
    assert given["se_covariate_log10"] == 0.0 and given["assumed_inputs"] == ""
    assert blank["assumed_inputs"] == "som_pct=2.5|clay_pct=20"
    assert blank["crop_fw_p95_mg_kg"] / blank["crop_fw_p50_mg_kg"] == pytest.approx(10 ** (1.6448536 * SE_ASSUMED),
                                                                                      rel=1e-6)
    # never silently: the function-choice reason says what was assumed
    assert blank["selection"] == ("devries2007_lettuce_cd_leafy used with assumed som_pct = 2.5 %, clay_pct = 20 % "
                                  "(not given; typical values of covariate_defaults.csv)")
    # the exceedance probability on the wider spread, by hand
    chk = uptake.food_safety(uptake.predict_crop_concentration(_plots(), metals=["cd"], tables=tables),
                             "GB2762", tables).iloc[0]
    z = (math.log10(0.2) - math.log10(blank["crop_fw_p50_mg_kg"])) / SE_ASSUMED
    assert chk["p_exceed_limit"] == pytest.approx(1 - norm.cdf(z), abs=1e-9)


def test_a_measured_som_keeps_its_value_and_only_clay_is_assumed(tables):
    r = uptake.predict_crop_concentration(_plots(som_pct=4.0), metals=["cd"], tables=tables).iloc[0]
    assert r["assumed_inputs"] == "clay_pct=20"
    assert r["se_log10"] == pytest.approx(math.sqrt(SE_FN ** 2 + (0.19 * 0.2) ** 2), abs=1e-12)


def test_land_use_and_region_pick_the_most_specific_row(tables):
    from agriremed.stages.uptake.covariates import assumed_covariate

    cd = pd.concat([tables.covariate_defaults, pd.DataFrame([{
        "covariate": "som_pct", "land_use": "vegetable", "region": "henan", "median": 1.8, "sd_log10": 0.1,
        "unit": "%", "source": "agriremed_assumption", "basis": "test row"}])], ignore_index=True)
    t = tables.replace(covariate_defaults=cd)
    med, sd = assumed_covariate(t, "som_pct", np.array(["vegetable", "vegetable", "paddy", "upland", "orchard"]),
                                np.array(["henan/jiyuan", "hunan/xiangtan", "", "", ""], dtype=object),
                                np.array(["henan", "hunan", "", "", ""], dtype=object))
    assert med.tolist() == [1.8, 2.5, 2.0, 1.5, 2.5]
    assert sd.tolist() == [0.1, 0.2, 0.2, 0.2, 0.2]


def test_the_plan_names_the_assumed_inputs_in_both_languages():
    p = agriremed.plan(_plots(), agriremed.Scenario(mc_draws=0), progress=False)
    s = p.summary.iloc[0]
    assert s["uptake_assumed_inputs"] == "cd: som_pct = 2.5 %, clay_pct = 20 %"
    en = render(s["recommendation_msg"], "en")
    zh = render(s["recommendation_msg"], "zh")
    assert ("Soil organic matter and clay content not given: the crop's Cd prediction assumes soil organic matter "
            "2.5 % and clay content 20 % (the library's typical values for this land use in China), which "
            "widens its spread; measure them to narrow the prediction.") in en
    assert ("未提供土壤有机质和黏粒含量：作物镉含量按土壤有机质2.5%和黏粒含量20%估算（库中我国同类用地的典型值）"
            "，预测范围因此更宽；实测这些指标可缩小预测范围。") in zh
    # the reproducer: Jiyuan pak choi, pH 7.8, Cd 3.0 — Cd is now assessed: biochar's benefit is predicted
    # (not target_tier 4, unknown), but at 3.4 points below min_compliance_gain at a cost it is no measure
    # for the crop and ranks after unchanged practice (target_tier 6; before that rule it was recommended)
    assert s["recommended_option"] == "do_nothing"
    assert p.ranking.set_index("option_id").loc["biochar_amendment", "target_tier"] == 6
    assert s["current_crop_compliance_prob"] == pytest.approx(0.7423455, abs=1e-6)  # 0.7350642 with se 0.627
    comp = p.compliance.set_index("option_id")["crop_compliance_prob"]
    assert comp["do_nothing"] == pytest.approx(norm.cdf(
        (math.log10(0.2) - math.log10(p.uptake.set_index("metal").at["cd", "crop_fw_p50_mg_kg"])) / SE_ASSUMED),
        abs=1e-9)


def test_switch_off_leaves_the_crop_not_assessed():
    p = agriremed.plan(_plots(), agriremed.Scenario(mc_draws=0, assume_missing_covariates=False), progress=False)
    s = p.summary.iloc[0]
    assert s["recommended_option"] == "do_nothing"
    assert np.isnan(s["current_crop_compliance_prob"])
    assert s["uptake_assumed_inputs"] == ""
    u = p.uptake.set_index("metal")
    assert u.at["cd", "not_assessed_reason"] == ("no function could be used: devries2007_lettuce_cd_leafy "
                                                 "(needs som_pct, clay_pct)")


def test_the_switch_must_be_true_or_false():
    with pytest.raises(ScenarioError, match="assume_missing_covariates"):
        agriremed.Scenario(assume_missing_covariates="yes")


def test_monte_carlo_draws_the_covariates_and_agrees_with_the_deterministic_probability():
    det = agriremed.plan(_plots(), agriremed.Scenario(mc_draws=0), progress=False)
    mc = agriremed.plan(_plots(), agriremed.Scenario(mc_draws=4000, seed=7), progress=False)
    again = agriremed.plan(_plots(), agriremed.Scenario(mc_draws=4000, seed=7), progress=False)
    d = det.compliance.set_index("option_id")["crop_compliance_prob"]
    m = mc.compliance.set_index("option_id")["crop_compliance_prob"]
    a = again.compliance.set_index("option_id")["crop_compliance_prob"]
    # E_z[Φ((L − m − s_c z)/s_f)] = Φ((L − m)/√(s_f² + s_c²)): the draws' mean matches within MC noise
    assert m["do_nothing"] == pytest.approx(d["do_nothing"], abs=0.01)
    assert m["do_nothing"] != d["do_nothing"]  # the covariate is drawn, not held at its typical value
    assert m["do_nothing"] == a["do_nothing"]  # reproducible by seed
