"""The karst/geogenic adjustment of the rice and maize Cd defaults (plot column ``high_background`` yes): hand-computed
predictions with and without the flag, the shifts of ``uptake_slopes.csv`` recomputed from the syntheses, the survey
checks of the validation page, and the note of the prediction and of the plan's sentence in English and Chinese."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr, ndtri

from agriremed.core.messages import render
from agriremed.engine.pipeline import user_fit_notes
from agriremed.stages import uptake
from agriremed.stages.uptake import synthesis
from agriremed.stages.uptake.skill import maize_share_checks

LN10 = math.log(10)
#: rice synth_rice_cd_ph and maize synth_maize_cd_ph coefficients (transfer_functions.csv)
RICE = (0.4519, 0.4305, -0.22975)
MAIZE = (-0.3631, 0.4305, -0.142)
RICE_SHIFT, MAIZE_SHIFT, SE_ADD = -0.6119, -0.9174, 0.2367


def _plots(**cols):
    # Guizhou unless said: the adjustment is applied only in the provinces of its surveys (Guizhou, Guangxi)
    n = len(cols["crop"])
    cols.setdefault("region", ["Guizhou/Bijie"] * n)
    return pd.DataFrame({"plot_id": [f"p{i}" for i in range(n)], **cols})


def _pred(plots):
    return uptake.predict_crop_concentration(plots).set_index("plot_id")


def test_rice_prediction_with_and_without_high_background_hand_computed():
    p = _pred(_plots(crop=["rice"] * 5, ph=[6.0] * 5, cd_mg_kg=[0.8] * 5,
                     high_background=["yes", "是", "no", None, ""]))
    a, b, c = RICE
    plain = 10 ** (a + b * math.log10(0.8) + c * 6.0)  # 0.10757 mg/kg as sold (fw basis)
    assert plain == pytest.approx(0.107567, abs=1e-6)
    for pid in ("p0", "p1"):
        assert p.loc[pid, "function_id"] == "synth_rice_cd_ph"
        assert p.loc[pid, "crop_fw_p50_mg_kg"] == pytest.approx(plain * 10 ** RICE_SHIFT, rel=1e-9)
        assert p.loc[pid, "crop_fw_p50_mg_kg"] == pytest.approx(0.026289, abs=1e-6)
        assert p.loc[pid, "se_log10"] == pytest.approx(math.hypot(0.454, SE_ADD), rel=1e-12)
        f = 10 ** (1.6448536269514722 * math.hypot(0.454, SE_ADD))
        assert p.loc[pid, "crop_fw_p95_mg_kg"] == pytest.approx(plain * 10 ** RICE_SHIFT * f, rel=1e-6)
    for pid in ("p2", "p3", "p4"):
        assert p.loc[pid, "crop_fw_p50_mg_kg"] == pytest.approx(plain, rel=1e-9)
        assert p.loc[pid, "se_log10"] == 0.454 and p.loc[pid, "note"] == ""


def test_maize_prediction_with_and_without_high_background_hand_computed():
    p = _pred(_plots(crop=["maize"] * 4, ph=[6.5, 6.5, 8.5, 8.5], cd_mg_kg=[0.8] * 4,
                     high_background=["yes", "no", "yes", "no"]))
    a, b, c = MAIZE  # plant basis not published: compared as is (the fw column)
    acid = 10 ** (a + b * math.log10(0.8) + c * 6.5)
    alk = 10 ** (a + b * math.log10(0.8) + c * 8.0)  # synth_maize_cd_ph_alkaline: the pH term held at pH 8
    assert p.loc["p1", "crop_fw_p50_mg_kg"] == pytest.approx(acid, rel=1e-9)
    assert p.loc["p0", "crop_fw_p50_mg_kg"] == pytest.approx(acid * 10 ** MAIZE_SHIFT, rel=1e-9)
    assert p.loc["p0", "crop_fw_p50_mg_kg"] / p.loc["p1", "crop_fw_p50_mg_kg"] == pytest.approx(10 ** MAIZE_SHIFT)
    assert p.loc["p2", "function_id"] == "synth_maize_cd_ph_alkaline"
    assert p.loc["p3", "crop_fw_p50_mg_kg"] == pytest.approx(alk, rel=1e-9)
    assert p.loc["p2", "crop_fw_p50_mg_kg"] / p.loc["p3", "crop_fw_p50_mg_kg"] == pytest.approx(10 ** MAIZE_SHIFT)
    assert p.loc["p0", "se_log10"] == pytest.approx(math.hypot(0.469, SE_ADD))
    assert p.loc["p1", "se_log10"] == pytest.approx(0.469)


def test_the_adjustment_holds_only_in_the_provinces_of_its_surveys():
    # a Hunan plot given high_background yes keeps the Hunan function unadjusted (the Guizhou karst factor is not
    # a Hunan one); Guizhou and Guangxi plots are adjusted
    p = _pred(_plots(crop=["rice"] * 4, ph=[5.5] * 4, cd_mg_kg=[0.5] * 4,
                     region=["Hunan", "Hunan", "Guizhou", "广西壮族自治区/河池市"],
                     high_background=["yes", "no", "yes", "yes"]))
    assert p.loc["p0", "function_id"] == "synth_rice_cd_ph_hunan" and p.loc["p2", "function_id"] == "synth_rice_cd_ph"
    hunan = 10 ** (0.6753 + 0.4305 * math.log10(0.5) - 0.22975 * 5.5)
    assert p.loc["p0", "crop_fw_p50_mg_kg"] == pytest.approx(hunan) == p.loc["p1", "crop_fw_p50_mg_kg"]
    assert p.loc["p0", "se_log10"] == pytest.approx(0.468) and "karst" not in p.loc["p0", "note"]
    karst = 10 ** (-0.1600 + 0.4305 * math.log10(0.5) - 0.22975 * 5.5)
    assert p.loc["p2", "crop_fw_p50_mg_kg"] == pytest.approx(karst, rel=2e-4)
    assert p.loc["p3", "crop_fw_p50_mg_kg"] == pytest.approx(karst, rel=2e-4)


def test_a_substitute_crop_is_not_adjusted_where_the_crop_grown_now_has_no_shift():
    # a Guangxi pak choi plot (high_background yes): maize predicted for the switch keeps the default, so the
    # switch is not made safer than pak choi by an adjustment pak choi cannot have; on a rice plot it is adjusted
    plots = _plots(crop=["pak_choi", "rice"], ph=[7.2] * 2, cd_mg_kg=[1.2] * 2, region=["Guangxi"] * 2,
                   high_background=["yes", "yes"])
    p = uptake.predict_crop_concentration(plots, crop="maize").set_index("plot_id")
    q = uptake.predict_crop_concentration(plots.assign(high_background="no"), crop="maize").set_index("plot_id")
    assert p.loc["p0", "crop_dw_p50_mg_kg"] == pytest.approx(q.loc["p0", "crop_dw_p50_mg_kg"], rel=1e-9)
    assert "karst" not in p.loc["p0", "note"]
    assert p.loc["p1", "crop_dw_p50_mg_kg"] == pytest.approx(q.loc["p1", "crop_dw_p50_mg_kg"] * 10 ** MAIZE_SHIFT,
                                                             rel=2e-4)


def test_plots_without_the_flag_are_predicted_exactly_as_before():
    base = _plots(crop=["rice", "maize", "wheat", "rice"], ph=[5.0, 6.0, 7.0, 8.0], cd_mg_kg=[0.3, 1.2, 0.6, 2.0])
    without = uptake.predict_crop_concentration(base)
    for flag in (["no"] * 4, [None] * 4, [""] * 4):
        with_col = uptake.predict_crop_concentration(base.assign(high_background=flag))
        pd.testing.assert_frame_equal(without, with_col)
    # wheat has no shift: unchanged with the flag too
    w = uptake.predict_crop_concentration(base.assign(high_background="yes")).set_index("plot_id")
    assert w.loc["p2", "crop_fw_p50_mg_kg"] == without.set_index("plot_id").loc["p2", "crop_fw_p50_mg_kg"]


def test_note_en_zh_and_the_plan_sentence():
    plots = _plots(crop=["rice", "maize"], ph=[6.0, 6.5], cd_mg_kg=[0.8, 0.8], high_background=["yes", "yes"])
    pred = uptake.predict_crop_concentration(plots)
    r = pred.set_index("plot_id")
    assert r.loc["p0", "note"] == (
        "× 0.244 for soil metal of natural (geological) origin (the plot given as high geological background): karst/geogenic adjustment "
        "calibrated on one survey (Song et al. 2023 (Guizhou rice); project synthesis of published data), spread "
        "widened to 0.512 log10 — check it with grain monitoring in the county")
    assert render(r.loc["p0", "note_msg"], "zh") == (
        "× 0.244：土壤重金属主要来自地质高背景（地质高背景=是）：岩溶/地质高背景校正，仅依据一项调查标定"
        "（宋江菊 等 2023；本工具依据文献数据综合推算），离散度放宽至0.512 log10——请县里用籽粒监测数据核查")
    assert "× 0.121 for soil metal of natural (geological) origin" in r.loc["p1", "note"]
    assert "Yang et al. 2022" in r.loc["p1", "note"] and "0.525 log10" in r.loc["p1", "note"]
    notes = user_fit_notes(pred, plots["plot_id"])
    assert render(notes[0], "en") == (
        "The crop's Cd is predicted with the karst/geogenic adjustment (soil metal of natural origin, the plot given "
        "as high geological background: × 0.244, calibrated on one survey, Song et al. 2023 (Guizhou rice); project synthesis of published data)"
        " — the county should check it with grain monitoring data.")
    assert render(notes[0], "zh") == (
        "作物镉含量按岩溶/地质高背景校正预测（土壤重金属主要来自地质高背景：× 0.244，仅依据一项调查标定，宋江菊 等 2023；"
        "本工具依据文献数据综合推算）——请县里结合籽粒监测数据核查。")
    plain = uptake.predict_crop_concentration(plots.assign(high_background="no"))
    assert list(user_fit_notes(plain, plots["plot_id"])) == ["", ""]


def test_safe_soil_threshold_uses_the_adjusted_function():
    t = uptake.safe_thresholds(_plots(crop=["rice", "rice"], ph=[6.0, 6.0], cd_mg_kg=[0.8, 0.8],
                                      high_background=["yes", "no"]), prob=0.5).set_index("plot_id")
    a, b, c = RICE
    assert t.loc["p1", "safe_soil_mg_kg"] == pytest.approx(10 ** ((math.log10(0.2) - a - c * 6.0) / b), rel=1e-6)
    assert t.loc["p0", "safe_soil_mg_kg"] == pytest.approx(
        10 ** ((math.log10(0.2) - RICE_SHIFT - a - c * 6.0) / b), rel=1e-6)


def test_the_shift_rows_are_the_recomputed_syntheses(tables):
    g = synthesis.geogenic_rice_shift(tables)
    m = synthesis.geogenic_maize_shift(tables)
    adj = synthesis.geogenic_adjustments(tables)
    assert adj["synth_rice_cd_ph"]["shift"] == pytest.approx(g["shift"], abs=5e-5)
    assert adj["synth_rice_cd_ph_hunan"]["shift"] == pytest.approx(g["intercept"] - 0.6753, abs=1e-4)
    assert adj["synth_maize_cd_ph"]["shift"] == pytest.approx(m["shift"], abs=5e-5)
    assert adj["synth_maize_cd_ph_alkaline"]["shift"] == adj["synth_maize_cd_ph"]["shift"]
    between = synthesis.rice_cd_synthesis(tables)["between"]
    assert all(v["se_add"] == pytest.approx(between, abs=5e-5) for v in adj.values())
    assert m["intercept"] == pytest.approx(-1.2804, abs=5e-5)
    # by hand: the Guizhou survey (soil 0.883, CV 0.45 assumed; pH 6.45, SD = (7.56 − 4.81)/4; grain mean 0.039)
    cv = 0.45
    soil_med = 0.883 / math.sqrt(1 + cv ** 2)
    s_soil = math.sqrt(math.log(1 + cv ** 2)) / LN10
    a, b, c = synthesis.rice_cd_synthesis(tables)["intercept"], 0.4305, -0.22975
    med = a + b * math.log10(soil_med) + c * 6.45
    s = math.sqrt(0.454 ** 2 + (b * s_soil) ** 2 + (c * (7.56 - 4.81) / 4) ** 2)
    assert s == pytest.approx(0.4874, abs=1e-4) and 10 ** med == pytest.approx(0.0850, abs=1e-4)
    assert g["default_mean"] == pytest.approx(10 ** (med + LN10 / 2 * s ** 2))
    assert g["shift"] == pytest.approx(math.log10(0.039) - med - LN10 / 2 * s ** 2)
    assert g["shift"] == pytest.approx(-0.6119, abs=5e-5)
    # the survey's mean and share admit no log-normal (heavier upper tail): NaN, hence the mean-based shift
    assert np.isnan(synthesis.lognormal_from_mean_share(0.039, 0.0365, 0.2)[0])


def test_survey_checks_of_the_validation_page(tables):
    ck = synthesis.geogenic_survey_checks(tables).set_index(["survey_id", "variant"])
    r1 = ck.loc[("song2023_guizhou_rice", "default")]
    assert r1["check"] == "means" and r1["predicted_mean_mg_kg"] == pytest.approx(0.1596, abs=1e-4)
    assert r1["predicted_share_above"] == pytest.approx(0.2230, abs=1e-4)
    adj = ck.loc[("song2023_guizhou_rice", "adjusted")]
    assert bool(adj["in_sample"]) and adj["predicted_share_above"] == pytest.approx(0.0348, abs=1e-4)
    # SW Guangxi anomaly: pH 6.8 (screening value 0.6), 60.75 % of soils above it, soil CV 0.45 assumed
    s_soil = math.sqrt(math.log(1 + 0.45 ** 2)) / LN10
    lsm = math.log10(0.6) - ndtri(1 - 0.6075) * s_soil
    a = synthesis.rice_cd_synthesis(tables)["intercept"]
    for variant, icpt, se in (("default", a, 0.454), ("adjusted", a - 0.6119, math.hypot(0.454, SE_ADD))):
        m = icpt + 0.4305 * lsm - 0.22975 * 6.8
        s = math.sqrt(se ** 2 + (0.4305 * s_soil) ** 2)
        row = ck.loc[("guangxi2020_cd_anomaly", variant)]
        assert row["predicted_share_above"] == pytest.approx(1 - ndtr((math.log10(0.2) - m) / s), abs=2e-4)
    assert ck.loc[("guangxi2020_cd_anomaly", "default"), "predicted_share_above"] == pytest.approx(0.146, abs=1e-3)
    assert ck.loc[("guangxi2020_cd_anomaly", "adjusted"), "predicted_share_above"] == pytest.approx(0.017, abs=1e-3)
    # no pH printed: the mean pH at which the predicted mean is the printed mean
    assert ck.loc[("song2022_guangxi_carbonate", "default"), "implied_ph"] == pytest.approx(10.33, abs=0.01)
    assert ck.loc[("song2022_guangxi_carbonate", "adjusted"), "implied_ph"] == pytest.approx(7.95, abs=0.01)
    assert ck.loc[("guizhou_karst_rice_thesis", "default"), "implied_ph"] == pytest.approx(8.34, abs=0.01)
    assert ck.loc[("guizhou_karst_rice_thesis", "adjusted"), "implied_ph"] == pytest.approx(5.96, abs=0.01)
    assert ck.loc[("hunan2013_y_county", "default"), "implied_ph"] == pytest.approx(4.06, abs=0.01)
    # Youxian: town averages, the default's share at the two corners against 39 of 53
    y = ck.loc[("wang2016_youxian", "default")]
    assert y["check"] == "bracket" and y["observed_share_above"] == pytest.approx(39 / 53, abs=1e-4)
    assert y["predicted_share_above"] == pytest.approx(0.127, abs=1e-3)
    assert y["predicted_share_high"] == pytest.approx(0.595, abs=1e-3)
    # non-karst surveys get no adjusted row; none of these surveys is in the leave-one-out table
    assert ("wang2016_youxian", "adjusted") not in ck.index and ("hunan2013_y_county", "adjusted") not in ck.index
    assert list(synthesis.survey_skill(tables)["survey_id"]) == [
        "changzhutan_hunan", "shengzhou_zhejiang", "wenling_zhejiang", "nanxun_zhejiang"]


def test_maize_karst_share_with_the_adjustment(tables):
    from pathlib import Path
    checks = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "validation" / "maize_cd_surveys.csv")
    r = maize_share_checks(checks, tables).set_index("check_id")
    assert r.loc["guizhou_karst_share", "predicted"] == pytest.approx(0.394, abs=1e-3)
    assert r.loc["guizhou_karst_share", "predicted_geogenic"] == pytest.approx(0.032, abs=1e-3)
    assert r.loc["guizhou_hc5_ph5", "predicted_geogenic"] == pytest.approx(0.054, abs=1e-3)


def test_rice_carried_on_beyond_the_range_keeps_the_karst_intercept():
    # Guizhou rice at pH 9 (beyond 4–8.5): synth_rice_cd_ph held at its edge; with high_background yes the level
    # at the edge carries the shift
    p = _pred(_plots(crop=["rice"] * 2, ph=[9.0] * 2, cd_mg_kg=[0.5] * 2, high_background=["yes", "no"]))
    assert p.loc["p0", "crop_fw_p50_mg_kg"] / p.loc["p1", "crop_fw_p50_mg_kg"] == pytest.approx(10 ** RICE_SHIFT)
    assert "karst/geogenic adjustment" in p.loc["p0", "note"] and "karst" not in p.loc["p1", "note"]
    assert p.loc["p0", "se_log10"] == pytest.approx(math.hypot(p.loc["p1", "se_log10"], SE_ADD))


def test_hunan_surveys_are_also_checked_with_the_hunan_function_a_plan_there_uses():
    # Youxian (town averages: soil Cd 0.228–1.91, pH 4.98–6.02, 73.58 % of grains above 0.2) and Y county are in
    # Hunan, where a plan uses synth_rice_cd_ph_hunan (intercept 0.6753 against the default's 0.4519)
    from agriremed.stages.uptake.synthesis import geogenic_survey_checks

    d = geogenic_survey_checks().set_index(["survey_id", "variant"])
    yx = d.loc[("wang2016_youxian", "regional:synth_rice_cd_ph_hunan")]
    assert (round(yx["predicted_share_above"], 3), round(yx["predicted_share_high"], 3)) == (0.262, 0.759)
    assert round(d.loc[("wang2016_youxian", "default"), "predicted_share_high"], 3) == 0.595
    assert round(d.loc[("hunan2013_y_county", "regional:synth_rice_cd_ph_hunan"), "implied_ph"], 2) == 5.10
    # karst surveys outside Hunan get no provincial variant
    assert not any(v.startswith("regional:") for s, v in d.index if s == "song2023_guizhou_rice")
