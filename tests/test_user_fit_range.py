"""A function fitted to a county's own pairs (fit-uptake → plan --tables) is used only inside the range of
its data: beyond it the packaged default of the plot's region predicts, the plot's record names the fit
and why it was skipped, and the sentence says so in English and Chinese (issue 15, item 3)."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.io.pairs import fit_transfer_function

from plotdata import make_plots

HUNAN = "synth_rice_cd_ph_hunan"
FIT = "yx_rice_cd"


@pytest.fixture(scope="module")
def youxian():
    """24 rice pairs of an acid-paddy survey (Youxian-like: soil Cd 0.259–1.903 mg/kg, pH 5.0–5.96, grain
    Cd from log10 C = 6.58 + 1.02·log10 S − 1.26·pH + N(0, 0.17)), fitted for Hunan."""
    rng = np.random.default_rng(15)
    soil = np.geomspace(0.259, 1.903, 24)
    ph = rng.permutation(np.round(np.linspace(5.0, 5.96, 24), 4))
    plant = 10 ** (6.58 + 1.02 * np.log10(soil) - 1.26 * ph + rng.normal(0.0, 0.17, 24))
    d = pd.DataFrame({"pair_id": [f"Y{i:02d}" for i in range(24)], "crop": "rice", "soil_cd_mg_kg": soil,
                      "ph": ph, "plant_cd_mg_kg": np.round(plant, 6)})
    fit = fit_transfer_function(d, crop="rice", metal="cd", terms=["log10(soil)", "ph"], provinces="Hunan",
                                function_id=FIT)
    assert fit.function_row().iloc[0]["valid_ranges"] == "soil:0.259..1.903;ph:5..5.96"
    return fit


def plots():
    # an acid paddy inside the data; neutral and alkaline paddies beyond it (one with rice Cd measured
    # above the GB 2762 limit 0.2 mg/kg); the end of the data, pH 5.96
    return make_plots(4, plot_id=["IN55", "PH70", "PH75", "EDGE"], region="Hunan/Zhuzhou/Lukou",
                      ph=[5.5, 7.0, 7.5, 5.96], cd_mg_kg=[0.3, 0.5, 0.6, 0.6],
                      crop_cd_mg_kg=[np.nan, 0.35, np.nan, np.nan])


@pytest.fixture(scope="module")
def plans(youxian):
    scen = agriremed.Scenario(mc_draws=0)
    return agriremed.plan(plots(), scen, tables=youxian.tables()), agriremed.plan(plots(), scen)


def cd(plan):
    u = plan.uptake
    return u.loc[(u["metal"] == "cd") & u["assessed"].astype(bool)].set_index("plot_id")


def test_the_fit_inside_its_data_carried_on_by_the_packaged_function_beyond_it(plans):
    own, packaged = cd(plans[0]), cd(plans[1])
    assert own.loc[["IN55", "PH70", "PH75"], "function_id"].tolist() == [FIT, HUNAN, HUNAN]
    assert own.loc["IN55", "user_fit_skipped"] == ""
    assert own.loc["PH70", "user_fit_skipped"] == f"{FIT} (ph = 7 outside its fitted range 5–5.96)"
    assert own.loc["PH75", "user_fit_skipped"] == f"{FIT} (ph = 7.5 outside its fitted range 5–5.96)"
    assert own.loc["PH75", "selection"] == f"skipped {FIT} (ph = 7.5 outside its fitted range 5–5.96)"
    assert own["extrapolated"].tolist() == [False, True, True, False]
    # beyond the data: the fit's value at the end of its data (pH 5.96), carried on by the Hunan function's pH
    # slope −0.22975 (no step where a plot crosses pH 5.96)
    assert own.loc["PH75", "crop_fw_p50_mg_kg"] == pytest.approx(
        own.loc["EDGE", "crop_fw_p50_mg_kg"] * 10 ** (-0.22975 * (7.5 - 5.96)), rel=1e-9)
    for pid in ("PH70", "PH75"):
        assert own.loc[pid, "crop_fw_p50_mg_kg"] == pytest.approx(
            packaged.loc[pid, "crop_fw_p50_mg_kg"] / own.loc[pid, "user_fit_edge_ratio"], rel=1e-9)
    # the spread: the fit's at the plot (its leverage beyond the data) with the two functions' disagreement
    assert (own.loc[["PH70", "PH75"], "se_log10"] > own.loc["EDGE", "se_log10"]).all()
    assert own.loc["PH75", "note"] == (f"{FIT} used beyond its range (ph = 7.5 outside its fitted range 5–5.96): "
                                       f"its prediction at the end of the range, carried on by the change {HUNAN} "
                                       "predicts from there (continuous; extrapolated, test the harvest)")


def test_the_step_at_the_end_of_the_data_is_reported(plans, youxian):
    own, packaged = cd(plans[0]), cd(plans[1])
    # at pH 5.96 (the end of the data) the fit and the packaged function predict for the same soil Cd: their
    # ratio is the step a plot at pH 7.5 and soil Cd 0.6 takes where it crosses the end of the data
    assert own.loc["EDGE", "function_id"] == FIT and packaged.loc["EDGE", "function_id"] == HUNAN
    step = packaged.loc["EDGE", "crop_fw_p50_mg_kg"] / own.loc["EDGE", "crop_fw_p50_mg_kg"]
    assert own.loc["PH75", "user_fit_edge_ratio"] == pytest.approx(step, rel=1e-9)
    assert step > 1.5  # the packaged Hunan function predicts more Cd than the county's fit at its pH 5.96
    assert np.isnan(own.loc["IN55", "user_fit_edge_ratio"])


def test_summary_and_sentence_name_the_function_used_in_english_and_chinese(plans):
    s = plans[0].summary.set_index("plot_id")
    assert s.loc["IN55", "uptake_functions"] == f"cd: {FIT}"
    assert s.loc["PH75", "uptake_functions"] == (f"cd: {HUNAN} (not {FIT}: ph = 7.5 outside its fitted range "
                                                 "5–5.96) (carrying on yx_rice_cd from the end of its range, "
                                                 "extrapolated)")
    ratio = cd(plans[0]).loc["PH70", "user_fit_edge_ratio"]
    en = s.loc["PH70", "recommendation"]
    assert (f"The crop's Cd beyond the range of the function fitted to your own pairs ({FIT} (ph = 7 outside its "
            f"fitted range 5–5.96)) is predicted from the fit's value at the end of that range, carried on by the "
            f"change {HUNAN} predicts from there (continuous; extrapolated); {HUNAN} alone would predict "
            f"{ratio:.2g} times the fitted function there.") in en
    # the measured exceedance is set against the packaged prediction, not a > 99 % of the fit
    assert "Measured Cd in the harvest 0.35 mg/kg is above the GB2762 limit 0.2 mg/kg" in en
    assert "> 99 % within the limit" not in en
    zh = messages.render(s.loc["PH70", "recommendation_msg"], "zh")
    assert (f"作物镉含量超出以您自己的样点对拟合的函数的数据范围（{FIT}（土壤pH（水浸提） = 7，超出其拟合数据范围5–5.96））："
            f"取拟合函数在该范围端点处的值，并按{HUNAN}自该端点起预测的变化外推（连续；外推）；若单用{HUNAN}，"
            f"该处预测值为拟合函数的{ratio:.2g}倍。") in zh
    assert "99 %以上" not in zh.split("农产品实测")[1]
    assert "not by the function fitted" not in s.loc["IN55", "recommendation"]


def test_a_fit_used_inside_its_data_is_named_in_the_sentence_with_what_it_was_fitted_on(plans, youxian):
    # IN55 lies inside the fit's data: its crop risk (and so its decision) comes from the county's fit, not from the
    # packaged Hunan function, and the sentence says so, with the pairs, R² and the packaged function's ratio
    own, packaged = cd(plans[0]), cd(plans[1])
    assert own.loc["IN55", "function_id"] == FIT and bool(own.loc["IN55", "user_function"])
    ratio = packaged.loc["IN55", "crop_fw_p50_mg_kg"] / own.loc["IN55", "crop_fw_p50_mg_kg"]
    r2 = float(youxian.function_row().iloc[0]["r2"])
    s = plans[0].summary.set_index("plot_id")
    en = s.loc["IN55", "recommendation"]
    assert (f"The crop's Cd is predicted with {FIT}, the transfer function fitted to your own pairs (24 pairs of "
            f"user data (DataFrame), "
            f"R² = {r2:.2f}; not peer reviewed), not with the packaged {HUNAN}, which would predict {ratio:.2g} "
            "times as much here: the recommendation rests on that fit, so check it against the county's grain "
            "monitoring.") in en
    zh = messages.render(s.loc["IN55", "recommendation_msg"], "zh")
    assert (f"作物镉含量按{FIT}预测，即以您自己的样点对拟合的转移函数（user data (DataFrame)中的24对样点，R² = {r2:.2f}；"
            "未经同行评审），"
            f"而非库内默认函数{HUNAN}（其在此处的预测值为拟合函数的{ratio:.2g}倍）") in zh
    # a plot beyond the data keeps its own note, and the packaged plan names no fit
    assert "is predicted with yx_rice_cd" not in s.loc["PH75", "recommendation"]
    assert "fitted to your own pairs" not in plans[1].summary.set_index("plot_id").loc["IN55", "recommendation"]


def test_safe_soil_curve_of_a_fit_says_how_a_plan_carries_it_on():
    # beyond the pH of its pairs a fit alone gives no threshold; the note says how a plan goes on (carried on with
    # the change of the plot's packaged function) instead of "not used"
    from agriremed.stages.uptake.thresholds import safe_soil_curve
    from countyfit import county_rice_fit

    fit = county_rice_fit()
    c = safe_soil_curve("county_rice_cd", [6.0, 7.5], tables=fit.tables())
    assert np.isfinite(c["safe_soil_mg_kg"].iloc[0]) and np.isnan(c["safe_soil_mg_kg"].iloc[1])
    assert "a plan carries the fit on with the change of the packaged function the plot takes" in c["note"].iloc[1]


def test_a_fit_not_recommended_by_fit_uptake_says_so_in_the_sentence(youxian):
    # 60 pairs whose grain Cd does not follow soil Cd or pH: fit-uptake warns that the terms add no predictive
    # skill (fit.warn_cv) and does not recommend the fit for a plan; a plan given it with --tables still uses it
    # inside its data and now says that verdict in the sentence (EN/中文), which the good Youxian fit does not
    rng = np.random.default_rng(7)
    soil = np.geomspace(0.2, 2.0, 60)
    ph = rng.permutation(np.round(np.linspace(5.0, 6.5, 60), 3))
    d = pd.DataFrame({"pair_id": [f"N{i:02d}" for i in range(60)], "crop": "rice", "soil_cd_mg_kg": soil, "ph": ph,
                      "plant_cd_mg_kg": np.round(10 ** (-0.8 + rng.normal(0.0, 0.3, 60)), 6)})
    weak = fit_transfer_function(d, crop="rice", metal="cd", terms=["log10(soil)", "ph"], provinces="Hunan",
                                 function_id="noise_rice_cd")
    assert weak.no_predictive_skill() and not youxian.no_predictive_skill()
    assert weak.function_row().iloc[0]["fit_verdict"] == "not_recommended"
    assert youxian.function_row().iloc[0]["fit_verdict"] == ""
    p = agriremed.plan(plots().iloc[:1], agriremed.Scenario(mc_draws=0), tables=weak.tables())
    assert bool(cd(p).loc["IN55", "user_function"])
    r2 = float(weak.function_row().iloc[0]["r2"])
    s = p.summary.set_index("plot_id")
    assert (f"fitted to your own pairs (60 pairs of user data (DataFrame), R² = {r2:.2f}; fit-uptake marked it not "
            "recommended for a plan, its terms predicting new pairs no better than a simpler model; not peer "
            "reviewed)") in s.loc["IN55", "recommendation"]
    zh = messages.render(s.loc["IN55", "recommendation_msg"], "zh")
    assert f"R² = {r2:.2f}；fit-uptake判定其不建议用于规划：对新样品对的预测不优于更简单的模型；未经同行评审）" in zh
    # a folder written by fit-uptake keeps the verdict (a row written before the column existed has none)
    tf = weak.tables().transfer_functions
    assert tf.loc[tf["function_id"] == "noise_rice_cd", "fit_verdict"].tolist() == ["not_recommended"]
