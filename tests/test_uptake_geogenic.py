"""The karst/geogenic adjustment of the rice and maize Cd defaults (plot column ``high_background`` yes): hand-computed
predictions with and without the flag, the shifts of ``uptake_slopes.csv`` recomputed from the syntheses, the survey
checks of the validation page, and the note of the prediction and of the plan's sentence in English and Chinese."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr, ndtri

from agriremed.core.messages import render
from agriremed.engine.pipeline import geogenic_notes
from agriremed.stages import uptake
from agriremed.stages.uptake import synthesis
from agriremed.stages.uptake.skill import maize_share_checks

LN10 = math.log(10)
#: rice synth_rice_cd_ph and maize synth_maize_cd_ph coefficients (transfer_functions.csv)
RICE = (0.4519, 0.4305, -0.22975)
MAIZE = (-0.3631, 0.4305, -0.142)
#: rice: the mean of the shifts implied by the two karst surveys that print pH (Guizhou −0.5023, SW Guangxi −0.1323);
#: spread added: their SD 0.2616 × √(1 + 1/2); maize: one survey, the rice synthesis' between-survey SD
# the maize spread added is the karst rice one (one maize survey: no between-survey SD of its own; was 0.2367)
RICE_SHIFT, MAIZE_SHIFT, SE_ADD_RICE, SE_ADD = -0.3173, -0.9174, 0.3204, 0.3204


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
        assert p.loc[pid, "crop_fw_p50_mg_kg"] == pytest.approx(0.051806, abs=1e-6)
        assert p.loc[pid, "se_log10"] == pytest.approx(math.hypot(0.454, SE_ADD_RICE), rel=1e-12)
        assert p.loc[pid, "se_log10"] == pytest.approx(0.5557, abs=1e-4)
        f = 10 ** (1.6448536269514722 * math.hypot(0.454, SE_ADD_RICE))
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
    assert p.loc["p0", "se_log10"] == pytest.approx(math.hypot(0.469, SE_ADD)) == pytest.approx(0.568, abs=5e-4)
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
    assert p.loc["p0", "se_log10"] == pytest.approx(0.468)
    # … and its note says the flag was not used, and why (the provinces of the adjustment's surveys); none without it
    assert p.loc["p0", "note"] == (
        "karst/geogenic adjustment not applied although the plot is given as high geological background: it is "
        "calibrated on surveys in Guizhou and Guangxi only, and the plot's region lies outside them (the default "
        "prediction, soil metal of any origin)")
    assert render(p.loc["p0", "note_msg"], "zh") == (
        "虽填报地质高背景，但未作岩溶/地质高背景校正：该校正仅依据贵州省和广西壮族自治区的调查标定，地块所在地区不在其内"
        "（按默认函数预测，不区分土壤重金属来源）")
    assert p.loc["p1", "note"] == "" and "not applied" not in p.loc["p2", "note"]
    karst = 10 ** (0.1346 + 0.4305 * math.log10(0.5) - 0.22975 * 5.5)  # karst intercept 0.4519 − 0.3173
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
        "× 0.482 for soil metal of natural (geological) origin (the plot given as high geological background): "
        "karst/geogenic adjustment calibrated on only 2 surveys (Song et al. 2023 (Guizhou rice); SW Guangxi Cd "
        "anomaly rice survey 2020; project synthesis of published data), not tested on other surveys with pH, spread "
        "widened to 0.556 log10 — check it with grain monitoring in the county")
    assert render(r.loc["p0", "note_msg"], "zh") == (
        "× 0.482：土壤重金属主要来自地质高背景（地质高背景=是）：岩溶/地质高背景校正，仅依据2项调查标定"
        "（宋江菊 等 2023；广西西南部镉地质异常区水稻调查 2020；本工具依据文献数据综合推算），未经其他含pH调查检验，"
        "离散度放宽至0.556 log10——请县里用籽粒监测数据核查")
    assert r.loc["p1", "note"].endswith(
        "× 0.121 for soil metal of natural (geological) origin (the plot given as high geological background): "
        "karst/geogenic adjustment calibrated on one survey (Yang et al. 2022; project synthesis of published data), "
        "not tested on other surveys with pH, spread widened to 0.568 log10 — check it with grain monitoring in the "
        "county")
    # the parts the plan's sentence keeps for the crops it compares (rec.geogenic: test_karst_sentence.py)
    notes = geogenic_notes({"current": pred}, plots["plot_id"])
    assert render(notes[0], "en") == (
        "rice Cd × 0.482, calibrated on only 2 surveys (Song et al. 2023 (Guizhou rice); SW Guangxi Cd anomaly rice "
        "survey 2020; project synthesis of published data)")
    assert render(notes[0], "zh") == (
        "水稻镉含量 × 0.482，仅依据2项调查标定（宋江菊 等 2023；广西西南部镉地质异常区水稻调查 2020；本工具依据文献数据综合推算）")
    assert render(notes[1], "zh").startswith("玉米镉含量 × 0.121，仅依据一项调查标定（Yang 等 2022；")
    plain = uptake.predict_crop_concentration(plots.assign(high_background="no"))
    assert list(geogenic_notes({"current": plain}, plots["plot_id"])) == ["", ""]


def test_safe_soil_threshold_uses_the_adjusted_function():
    t = uptake.safe_thresholds(_plots(crop=["rice", "rice"], ph=[6.0, 6.0], cd_mg_kg=[0.8, 0.8],
                                      high_background=["yes", "no"]), prob=0.5).set_index("plot_id")
    a, b, c = RICE
    assert t.loc["p1", "safe_soil_mg_kg"] == pytest.approx(10 ** ((math.log10(0.2) - a - c * 6.0) / b), rel=1e-6)
    assert t.loc["p0", "safe_soil_mg_kg"] == pytest.approx(
        10 ** ((math.log10(0.2) - RICE_SHIFT - a - c * 6.0) / b), rel=1e-6)


def _by_share(med_log10, spread, share, limit=0.2):
    """The log10 shift that puts ``share`` of a log-normal (median 10^med_log10, log10 SD spread) above ``limit``."""
    return math.log10(limit) - ndtri(1 - share) * spread - med_log10


def test_each_karst_survey_with_ph_implies_a_shift_by_its_share_hand_computed(tables):
    cal = synthesis.geogenic_rice_calibration(tables).set_index("survey_id")
    # every karst rice survey that prints a mean pH, a soil statistic and a grain share: two
    assert list(cal.index) == ["song2023_guizhou_rice", "guangxi2020_cd_anomaly"]
    a, b, c = synthesis.rice_cd_synthesis(tables)["intercept"], 0.4305, -0.22975
    cv = 0.45  # soil CV assumed for surveys without soil SD
    s_soil = math.sqrt(math.log(1 + cv ** 2)) / LN10
    # Guizhou: soil mean 0.883, pH 6.45, σ_pH = (7.56 − 4.81)/4; 3.65 % of grain above 0.2
    med = a + b * math.log10(0.883 / math.sqrt(1 + cv ** 2)) + c * 6.45
    s = math.sqrt(0.454 ** 2 + (b * s_soil) ** 2 + (c * (7.56 - 4.81) / 4) ** 2)
    assert s == pytest.approx(0.4874, abs=1e-4) and 10 ** med == pytest.approx(0.0850, abs=1e-4)
    g1 = cal.loc["song2023_guizhou_rice"]
    assert g1["shift_share"] == pytest.approx(_by_share(med, s, 0.0365), abs=1e-9)
    assert g1["shift_share"] == pytest.approx(-0.5023, abs=5e-5)
    # by its mean (the former calibration), reported, not used
    assert g1["shift_mean"] == pytest.approx(math.log10(0.039) - med - LN10 / 2 * s ** 2) == pytest.approx(-0.6119, abs=5e-5)
    assert np.isnan(g1["n"]) and np.isnan(g1["sampling_se_log10"])
    # SW Guangxi: pH 6.8 (screening value 0.6), 60.75 % of soils above it, no pH spread; 9.03 % of 432 grains
    lsm = math.log10(0.6) - ndtri(1 - 0.6075) * s_soil
    med2 = a + b * lsm + c * 6.8
    s2 = math.sqrt(0.454 ** 2 + (b * s_soil) ** 2)
    g2 = cal.loc["guangxi2020_cd_anomaly"]
    assert g2["soil_basis"] == "share" and g2["soil_median_mg_kg"] == pytest.approx(0.6746, abs=1e-4)
    assert g2["shift_share"] == pytest.approx(_by_share(med2, s2, 0.0903), abs=1e-9)
    assert g2["shift_share"] == pytest.approx(-0.1323, abs=5e-5)
    z = ndtri(1 - 0.0903)
    phi = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    assert g2["sampling_se_log10"] == pytest.approx(s2 * math.sqrt(0.0903 * 0.9097 / 432) / phi)
    assert g2["sampling_se_log10"] == pytest.approx(0.039, abs=5e-4)


def test_the_shift_is_the_simple_mean_and_the_spread_the_sd_of_the_implied_shifts(tables):
    g = synthesis.geogenic_rice_shift(tables)
    shifts = [-0.502260, -0.132305]
    assert g["k"] == 2 and g["shift"] == pytest.approx(sum(shifts) / 2, abs=1e-5)
    sd = abs(shifts[0] - shifts[1]) / math.sqrt(2)  # SD (ddof 1) of two values
    assert g["shifts_sd"] == pytest.approx(sd, abs=1e-5) and g["shifts_sd"] > g["tau_default"]
    assert g["se_add"] == pytest.approx(sd * math.sqrt(1 + 1 / 2), abs=1e-5)
    assert g["se_adjusted"] == pytest.approx(math.hypot(0.454, g["se_add"]))
    assert (round(g["shift"], 4), round(g["se_add"], 4), round(g["se_adjusted"], 3)) == (RICE_SHIFT, SE_ADD_RICE, 0.556)
    assert g["intercept"] == pytest.approx(0.4519 + RICE_SHIFT, abs=1e-4)


def test_the_spread_added_is_not_below_the_default_between_survey_sd(tables):
    # surveys that happened to agree would give an SD near 0: the spread added keeps the floor τ·√(1 + 1/k)
    sv = tables.uptake_surveys.copy()
    i = sv.index[sv["survey_id"] == "guangxi2020_cd_anomaly"][0]
    a, b, c = synthesis.rice_cd_synthesis(tables)["intercept"], 0.4305, -0.22975
    s_soil = math.sqrt(math.log(1 + 0.45 ** 2)) / LN10
    med2 = a + b * (math.log10(0.6) - ndtri(1 - 0.6075) * s_soil) + c * 6.8
    s2 = math.sqrt(0.454 ** 2 + (b * s_soil) ** 2)
    # the share at which SW Guangxi implies the Guizhou shift (−0.50226)
    sv.loc[i, "frac_above"] = float(1 - ndtr((math.log10(0.2) - med2 + 0.502260) / s2))
    g = synthesis.geogenic_rice_shift(tables.replace(uptake_surveys=sv))
    assert g["shifts_sd"] == pytest.approx(0.0, abs=1e-5)
    assert g["se_add"] == pytest.approx(g["tau_default"] * math.sqrt(1.5)) == pytest.approx(0.2899, abs=1e-4)


def test_the_shift_rows_are_the_recomputed_syntheses(tables):
    adj = synthesis.geogenic_adjustments(tables)
    rows = {**synthesis.geogenic_rice_rows(tables), **synthesis.geogenic_maize_rows(tables)}
    assert "geogenic_se_maize" in rows
    sl = tables.uptake_slopes.set_index("estimate_id")
    # value, source and note of the rice rows and of the maize spread are what the synthesis computes
    # (scripts/make_geogenic_rice_shift.py)
    for rid, row in rows.items():
        assert sl.loc[rid, "value"] == row["value"]
        assert (sl.loc[rid, "source"], sl.loc[rid, "note"]) == (row["source"], row["note"])
    g = synthesis.geogenic_rice_shift(tables)
    m = synthesis.geogenic_maize_shift(tables)
    assert adj["synth_rice_cd_ph"]["shift"] == pytest.approx(g["shift"], abs=5e-5)
    assert adj["synth_rice_cd_ph_hunan"]["shift"] == pytest.approx(g["intercept"] - 0.6753, abs=1e-4)
    assert adj["synth_rice_cd_ph_hunan"]["shift"] == pytest.approx(-0.5406, abs=5e-5)
    assert adj["synth_maize_cd_ph"]["shift"] == pytest.approx(m["shift"], abs=5e-5)
    assert adj["synth_maize_cd_ph_alkaline"]["shift"] == adj["synth_maize_cd_ph"]["shift"]
    assert adj["synth_rice_cd_ph"]["se_add"] == adj["synth_rice_cd_ph_hunan"]["se_add"] == pytest.approx(g["se_add"], abs=5e-5)
    # the maize spread added is the karst rice one, not the rice synthesis' between-survey SD (0.2367)
    assert adj["synth_maize_cd_ph"]["se_add"] == adj["synth_maize_cd_ph_alkaline"]["se_add"] == pytest.approx(
        g["se_add"], abs=5e-5) == pytest.approx(m["se_add"], abs=5e-5)
    assert m["se_adjusted"] == pytest.approx(math.hypot(0.469, 0.3204), abs=5e-4)
    assert m["intercept"] == pytest.approx(-1.2804, abs=5e-5)
    assert {f: v["n_surveys"] for f, v in adj.items()} == {
        "synth_rice_cd_ph": 2, "synth_rice_cd_ph_hunan": 2, "synth_maize_cd_ph": 1, "synth_maize_cd_ph_alkaline": 1}
    # the survey's mean and share admit no log-normal (heavier upper tail)
    assert np.isnan(synthesis.lognormal_from_mean_share(0.039, 0.0365, 0.2)[0])
    note = sl.loc["geogenic_shift_rice", "note"]
    assert "shift −0.5023 (by its mean 0.039: −0.6119, not used)" in note and "shift −0.1323" in note


def test_survey_checks_of_the_validation_page(tables):
    ck = synthesis.geogenic_survey_checks(tables).set_index(["survey_id", "variant"])
    r1 = ck.loc[("song2023_guizhou_rice", "default")]
    assert r1["check"] == "means" and r1["predicted_mean_mg_kg"] == pytest.approx(0.1596, abs=1e-4)
    assert r1["predicted_share_above"] == pytest.approx(0.2230, abs=1e-4)
    adj = ck.loc[("song2023_guizhou_rice", "adjusted")]
    assert bool(adj["in_sample"]) and adj["predicted_share_above"] == pytest.approx(0.1188, abs=1e-4)
    # SW Guangxi anomaly: pH 6.8 (screening value 0.6), 60.75 % of soils above it, soil CV 0.45 assumed
    s_soil = math.sqrt(math.log(1 + 0.45 ** 2)) / LN10
    lsm = math.log10(0.6) - ndtri(1 - 0.6075) * s_soil
    a = synthesis.rice_cd_synthesis(tables)["intercept"]
    for variant, icpt, se in (("default", a, 0.454), ("adjusted", a + RICE_SHIFT, math.hypot(0.454, SE_ADD_RICE))):
        m = icpt + 0.4305 * lsm - 0.22975 * 6.8
        s = math.sqrt(se ** 2 + (0.4305 * s_soil) ** 2)
        row = ck.loc[("guangxi2020_cd_anomaly", variant)]
        assert row["predicted_share_above"] == pytest.approx(1 - ndtr((math.log10(0.2) - m) / s), abs=2e-4)
    assert ck.loc[("guangxi2020_cd_anomaly", "default"), "predicted_share_above"] == pytest.approx(0.146, abs=1e-3)
    assert ck.loc[("guangxi2020_cd_anomaly", "adjusted"), "predicted_share_above"] == pytest.approx(0.0765, abs=1e-3)
    assert bool(ck.loc[("guangxi2020_cd_anomaly", "adjusted"), "in_sample"])
    # no pH printed: the mean pH at which the predicted mean is the printed mean, and at which the predicted share
    # is the printed share
    assert ck.loc[("song2022_guangxi_carbonate", "default"), "implied_ph"] == pytest.approx(10.33, abs=0.01)
    assert ck.loc[("song2022_guangxi_carbonate", "adjusted"), "implied_ph"] == pytest.approx(9.46, abs=0.01)
    assert ck.loc[("guizhou_karst_rice_thesis", "default"), "implied_ph"] == pytest.approx(8.34, abs=0.01)
    assert ck.loc[("guizhou_karst_rice_thesis", "adjusted"), "implied_ph"] == pytest.approx(7.47, abs=0.01)
    assert ck.loc[("hunan2013_y_county", "default"), "implied_ph"] == pytest.approx(4.06, abs=0.01)
    th = ck.loc[("guizhou_karst_rice_thesis", "adjusted")]
    assert not bool(th["in_sample"])
    s = math.sqrt(0.454 ** 2 + SE_ADD_RICE ** 2 + (0.4305 * s_soil) ** 2)
    soil_med = math.log10(0.50 / math.sqrt(1 + 0.45 ** 2))
    ph_share = (math.log10(0.2) - ndtri(1 - 0.052) * s - (a + RICE_SHIFT) - 0.4305 * soil_med) / -0.22975
    assert th["implied_ph_share"] == pytest.approx(ph_share, abs=2e-3) and round(th["implied_ph_share"], 2) == 6.96
    assert round(ck.loc[("song2022_guangxi_carbonate", "adjusted"), "implied_ph_share"], 2) == 7.76
    assert round(ck.loc[("song2022_guangxi_carbonate", "default"), "implied_ph_share"], 2) == 8.38
    assert round(ck.loc[("guizhou_karst_rice_thesis", "default"), "implied_ph_share"], 2) == 7.63
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
    # with the karst rice spread (0.3204, was 0.2367): 3.2 → 4.2 % on the survey (0.81 % observed), 5.4 → 6.9 % and
    # 3.4 → 4.5 % at its HC5 soils of pH 5 and 6 (5 %)
    assert r.loc["guizhou_karst_share", "predicted_geogenic"] == pytest.approx(0.042, abs=1e-3)
    assert r.loc["guizhou_hc5_ph5", "predicted_geogenic"] == pytest.approx(0.069, abs=1e-3)
    assert r.loc["guizhou_hc5_ph6", "predicted_geogenic"] == pytest.approx(0.045, abs=1e-3)


def test_rice_carried_on_beyond_the_range_keeps_the_karst_intercept():
    # Guizhou rice at pH 9 (beyond 4–8.5): synth_rice_cd_ph held at its edge; with high_background yes the level
    # at the edge carries the shift
    p = _pred(_plots(crop=["rice"] * 2, ph=[9.0] * 2, cd_mg_kg=[0.5] * 2, high_background=["yes", "no"]))
    assert p.loc["p0", "crop_fw_p50_mg_kg"] / p.loc["p1", "crop_fw_p50_mg_kg"] == pytest.approx(10 ** RICE_SHIFT)
    assert "karst/geogenic adjustment" in p.loc["p0", "note"] and "karst" not in p.loc["p1", "note"]
    assert p.loc["p0", "se_log10"] == pytest.approx(math.hypot(p.loc["p1", "se_log10"], SE_ADD_RICE))


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


def test_the_script_checks_the_maize_spread_row_too(tables, tmp_path):
    # scripts/make_geogenic_rice_shift.py --check fails on a table whose maize spread is not the computed one
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "make_geogenic_rice_shift.py"
    spec = importlib.util.spec_from_file_location("make_geogenic_rice_shift", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = mod.TABLE.read_text(encoding="utf-8")
    rows = {**synthesis.geogenic_rice_rows(tables), **synthesis.geogenic_maize_rows(tables)}
    assert mod.updated(text, rows) == text  # the packaged table is what the script writes
    old = text.replace("geogenic_se_maize,maize,cd,geogenic_se,0.3204,", "geogenic_se_maize,maize,cd,geogenic_se,0.2367,")
    assert old != text and mod.updated(old, rows) == text
