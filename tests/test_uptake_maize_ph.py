"""The default maize grain Cd function: sourced slopes, intercept and spread calibrated on survey statistics."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.special import ndtr, ndtri

from agriremed.stages import uptake
from agriremed.stages.uptake import synthesis

_SE = 0.469
_A = -0.3631


def _maize(ph, cd, region="Guizhou/Liupanshui"):
    ph, cd = np.broadcast_arrays(np.asarray(ph, float), np.asarray(cd, float))
    return pd.DataFrame({"plot_id": [f"m{i}" for i in range(ph.size)], "crop": "maize", "land_use": "upland",
                         "region": region, "ph": ph.ravel(), "cd_mg_kg": cd.ravel()})


def test_synthesis_slopes_are_the_documented_medians(tables):
    s = synthesis.maize_cd_synthesis(tables)
    # pH: median of wheat −0.164, −0.1834, −0.12 and maize −0.21, −0.1035, −0.1027 = (−0.12 − 0.164)/2
    assert s["ph"] == pytest.approx(-0.142)
    assert sorted(s["ph_values"]) == pytest.approx([-0.21, -0.1834, -0.164, -0.12, -0.1035, -0.1027])
    assert s["ph_sd"] == pytest.approx(0.04509, abs=1e-5)
    assert s["soil"] == pytest.approx(0.4305)


def test_within_survey_spread_from_the_guizhou_thresholds_hand_computed(tables):
    s = synthesis.maize_cd_synthesis(tables)
    z = 1.6448536
    # each pH class: HC5 and HC95 are the 95th and 5th percentiles of BCF (= 0.1 / soil threshold) pooled over
    # the survey's soils (median 1.4955, σ 0.4386 log10); log10 BCF = a − 0.5695·log10 S − 0.142·pH + e
    a, s2 = [], []
    for ph, h5, h95 in ((5.0, 2.2, 85.1), (6.0, 2.5, 108.5), (7.0, 3.0, 161.8)):
        m = -1 - (math.log10(h5) + math.log10(h95)) / 2
        tau = math.log10(h95 / h5) / (2 * z)
        a.append(m + 0.142 * ph + 0.5695 * math.log10(1.4955))
        s2.append(tau ** 2 - (0.5695 * 0.4386) ** 2)
    # pH ≤ 5.5: m = −1 − log10 √(2.2 × 85.1) = −2.1362, τ = log10 38.68 / 3.29 = 0.4826 → a = −1.3266, s = 0.4129
    assert a[0] == pytest.approx(-1.3266, abs=1e-4) and math.sqrt(s2[0]) == pytest.approx(0.4129, abs=1e-4)
    assert list(s["classes"]["intercept"]) == pytest.approx(a, abs=1e-9)
    assert s["within"] == pytest.approx(math.sqrt(np.mean(s2))) and s["within"] == pytest.approx(0.4361, abs=1e-4)
    # the karst intercept is reported, not used: 0.92 log10 units below the default
    assert s["intercept_guizhou"] == pytest.approx(np.mean(a)) and s["intercept_guizhou"] == pytest.approx(-1.2804, abs=1e-4)
    assert s["karst_offset"] == pytest.approx(-1.2804 - _A, abs=2e-4)


def test_chongqing_calibration_reproduces_its_printed_share(tables):
    s = synthesis.maize_cd_synthesis(tables)
    a_c, sw, b, c = s["intercept_chongqing"], s["within"], 0.4305, -0.142
    assert a_c == pytest.approx(-0.4406, abs=1e-4)
    # independent integral (not the grid): soil log-normal from mean 0.30 and CV 53 %, pH ~ N(6.5, 1) held at 8
    cv2 = 0.53 ** 2
    mu_s, sig_s = math.log10(0.30 / math.sqrt(1 + cv2)), math.sqrt(math.log1p(cv2)) / math.log(10)
    tot = math.hypot(sw, b * sig_s)

    def f(ph):
        m = a_c + b * mu_s + c * min(ph, 8.0)
        return math.exp(-(ph - 6.5) ** 2 / 2) / math.sqrt(2 * math.pi) * (1 - ndtr((-1 - m) / tot))

    share = integrate.quad(f, 6.5 - 8, 6.5 + 8, points=[8.0])[0]
    assert share == pytest.approx(0.096, abs=1e-3)


def test_intercept_and_spread_hand_computed(tables):
    s = synthesis.maize_cd_synthesis(tables)
    sw = s["within"]
    # national mean summer-maize BCF 0.113 as a median with the within-survey spread, at soil 0.6317, pH 7.0
    med = 0.113 * 10 ** (-math.log(10) * sw ** 2 / 2)
    a_n = math.log10(med * 0.6317) - 0.4305 * math.log10(0.6317) + 0.142 * 7.0
    assert s["bcf_median"] == pytest.approx(med) and med == pytest.approx(0.06825, abs=5e-5)
    assert s["intercept_national"] == pytest.approx(a_n) and a_n == pytest.approx(-0.2855, abs=1e-4)
    a_c = s["intercept_chongqing"]
    assert s["intercept"] == pytest.approx((a_c + a_n) / 2) and s["intercept"] == pytest.approx(_A, abs=5e-5)
    assert s["between"] == pytest.approx(abs(a_c - a_n) / math.sqrt(2)) and s["between"] == pytest.approx(0.1097, abs=1e-4)
    # √(0.436² + 0.1097² + (0.142/√2)² + (0.5695·log10 2 / 2)²)
    se = math.sqrt(sw ** 2 + s["between"] ** 2 + (0.142 / math.sqrt(2)) ** 2 + (0.5695 * math.log10(2) / 2) ** 2)
    assert s["se_log10"] == pytest.approx(se) and round(se, 3) == _SE
    assert s["intercept_capped"] == pytest.approx(_A - 0.142 * 8.0, abs=5e-5)
    assert ndtri(0.95) == pytest.approx(1.6448536, abs=1e-7)


def test_packaged_rows_equal_the_recomputed_synthesis(tables):
    s = synthesis.maize_cd_synthesis(tables)
    tf = tables.transfer_functions.set_index("function_id")
    main, alk = tf.loc["synth_maize_cd_ph"], tf.loc["synth_maize_cd_ph_alkaline"]
    terms = dict((v, c) for v, _, c in uptake.parse_terms(main["terms"]))
    assert terms["const"] == pytest.approx(s["intercept"], abs=5e-5)
    assert terms["soil"] == pytest.approx(s["soil"]) and terms["ph"] == pytest.approx(s["ph"])
    alk_terms = dict((v, c) for v, _, c in uptake.parse_terms(alk["terms"]))
    assert alk_terms["const"] == pytest.approx(s["intercept_capped"], abs=5e-5) and "ph" not in alk_terms
    assert main["se_log10"] == alk["se_log10"] == pytest.approx(s["se_log10"], abs=5e-4)
    assert main["usable"] and alk["usable"] and not tf.loc["chen2021_maize_cd_bcf", "usable"]


def test_default_maize_prediction_hand_computed(tables):
    # log10 C = −0.3631 + 0.4305·log10(Cd) − 0.142·pH (pH held at 8.0 above 8)
    ph = np.array([5.0, 7.5, 5.0, 7.5, 8.6])
    cd = np.array([0.5, 0.5, 2.0, 2.0, 2.0])
    p = uptake.predict_crop_concentration(_maize(ph, cd), tables=tables)
    expected = 10 ** (_A + 0.4305 * np.log10(cd) - 0.142 * np.minimum(ph, 8.0))
    assert p["crop_fw_p50_mg_kg"].to_numpy() == pytest.approx(expected, rel=1e-6)
    # 0.5 mg/kg at pH 5.0: 10^(−0.3631 − 0.12959 − 0.71) = 0.062706; at pH 7.5: 10^(−1.55769) = 0.027689
    assert expected[:2] == pytest.approx([0.062706, 0.027689], rel=1e-4)
    assert list(p["function_id"]) == ["synth_maize_cd_ph"] * 4 + ["synth_maize_cd_ph_alkaline"]
    assert (p["se_log10"] == _SE).all()


def test_prediction_continuous_at_the_ph_cap_and_falls_with_ph(tables):
    ph = np.array([7.98, 7.999, 8.0, 8.001, 8.02, 9.0])
    p = uptake.predict_crop_concentration(_maize(ph, 1.0), tables=tables)["crop_fw_p50_mg_kg"].to_numpy()
    assert p[1] == pytest.approx(p[3], rel=5e-4) and p[2] == pytest.approx(p[3], rel=1e-9)
    assert p[0] > p[2] and p[3] == p[4] == p[5]
    grid = np.linspace(4.0, 9.0, 101)
    g = uptake.predict_crop_concentration(_maize(grid, 1.0), tables=tables)["crop_fw_p50_mg_kg"].to_numpy()
    assert np.all(np.diff(g) <= 0) and np.all(np.diff(g)[grid[1:] <= 8.0] < 0)
    assert np.max(np.abs(np.diff(np.log10(g)))) <= 0.142 * 0.05 + 1e-12   # no jump anywhere in pH 4–9


def test_compliance_at_soil_cd_1_rises_with_ph(tables):
    ph = np.array([4.5, 5.5, 6.5, 7.5, 8.0, 8.2])
    checked = uptake.food_safety(uptake.predict_crop_concentration(_maize(ph, 1.0), tables=tables), tables=tables)
    comply = 1.0 - checked["p_exceed_limit"].to_numpy()
    # P(C ≤ 0.1) = Φ((−1 − log10 C) / 0.469), log10 C = −0.3631 − 0.142·min(pH, 8)
    hand = ndtr((-1.0 - _A + 0.142 * np.minimum(ph, 8.0)) / _SE)
    assert comply == pytest.approx(hand, abs=1e-4)
    assert comply[0] == pytest.approx(0.5018, abs=1e-3) and comply[4] == pytest.approx(0.8564, abs=1e-3)
    assert np.all(np.diff(comply[:5]) > 0) and comply[5] == pytest.approx(comply[4])


def test_safe_soil_rises_with_ph(tables):
    ph = np.array([4.5, 5.5, 6.5, 7.5, 8.0])
    st = uptake.safe_thresholds(_maize(ph, 1.0), tables=tables)
    p50 = st["safe_soil_p50_mg_kg"].to_numpy(float)
    p95 = st["safe_soil_mg_kg"].to_numpy(float)
    # median threshold: log10 S = (−1 + 0.3631 + 0.142·pH) / 0.4305
    assert p50 == pytest.approx(10 ** ((-1 - _A + 0.142 * ph) / 0.4305), rel=1e-4)
    assert np.all(np.diff(p50) > 0) and np.all(np.diff(p95) > 0)
    # at P 0.95 the threshold is 10^(1.645·0.469/0.4305) ≈ 62 times lower (was ≈ 575): below the natural background
    # (0.097) up to pH 6.5, above it from pH 7.5 (pH 6.5: 10^((−1 + 0.3631 + 0.923 − 0.7714)/0.4305) = 0.0746 mg/kg;
    # pH 7.5: 0.1594 mg/kg)
    assert p50 / p95 == pytest.approx(10 ** (1.6448536 * _SE / 0.4305), rel=1e-3)
    assert p95[2] == pytest.approx(10 ** ((-1 - _A + 0.142 * 6.5 - 1.6448536 * _SE) / 0.4305), rel=1e-3)
    assert p95[2:4] == pytest.approx([0.0746, 0.1594], abs=5e-4)
    assert list(st["below_background"]) == [True, True, True, False, False]


def test_safe_soil_and_compliance_at_the_reproducer_plots(tables):
    # Guizhou maize plot at Cd 0.3 mg/kg, pH 6.2 (was: P(exceed) 0.316, 95 % safe soil 0.0033 mg/kg)
    plot = _maize([6.2], [0.3])
    fs = uptake.food_safety(uptake.predict_crop_concentration(plot, tables=tables), tables=tables)
    m = _A + 0.4305 * math.log10(0.3) - 0.142 * 6.2
    assert fs["p_exceed_limit"].iloc[0] == pytest.approx(1 - ndtr((-1 - m) / _SE), abs=1e-4)
    assert fs["p_exceed_limit"].iloc[0] == pytest.approx(0.1589, abs=1e-3)
    st = uptake.safe_thresholds(plot, tables=tables)
    assert st["safe_soil_mg_kg"].iloc[0] == pytest.approx(0.0594, abs=5e-4)
    # Henan maize plot at Cd 1.8 mg/kg, pH 8.1 (the pH term held at 8; was 0.356)
    hn = _maize([8.1], [1.8], region="Henan/Jiyuan")
    fh = uptake.food_safety(uptake.predict_crop_concentration(hn, tables=tables), tables=tables)
    m = _A - 0.142 * 8.0 + 0.4305 * math.log10(1.8)
    assert fh["p_exceed_limit"].iloc[0] == pytest.approx(1 - ndtr((-1 - m) / _SE), abs=1e-4)
    assert fh["p_exceed_limit"].iloc[0] == pytest.approx(0.2033, abs=1e-3)


def test_guizhou_karst_plot_before_and_after(tables):
    # Guizhou/Liupanshui upland maize, pH 7.6, soil Cd 2.2 mg/kg
    plot = _maize(7.6, 2.2)
    after = uptake.food_safety(uptake.predict_crop_concentration(plot, tables=tables), tables=tables)
    med = 10 ** (_A + 0.4305 * math.log10(2.2) - 0.142 * 7.6)
    assert after["crop_fw_p50_mg_kg"].iloc[0] == pytest.approx(med, rel=1e-6) and med == pytest.approx(0.05071, abs=1e-5)
    assert 1 - after["p_exceed_limit"].iloc[0] == pytest.approx(0.7352, abs=1e-3)
    # the pH-blind ratio it replaces: 0.113 × 2.2 = 0.2486, P(≤ 0.1) = Φ(log10(0.1/0.2486)/0.673) = 0.2775
    t = tables.transfer_functions.copy()
    t["usable"] = np.where(t["function_id"].str.startswith("synth_maize"), False,
                           np.where(t["function_id"] == "chen2021_maize_cd_bcf", True, t["usable"]))
    t["usable"] = t["usable"].astype(bool)
    old = tables.replace(transfer_functions=t)
    before = uptake.food_safety(uptake.predict_crop_concentration(plot, tables=old), tables=old)
    assert before["function_id"].iloc[0] == "chen2021_maize_cd_bcf"
    assert 1 - before["p_exceed_limit"].iloc[0] == pytest.approx(ndtr(math.log10(0.1 / 0.2486) / 0.673), abs=1e-3)
    assert 1 - before["p_exceed_limit"].iloc[0] == pytest.approx(0.2775, abs=1e-3)


def test_outside_the_validity_range_predicted_at_the_edge(tables):
    # no maize function holds at pH 3.8, 9.2 or soil Cd 12: the first (synth_maize_cd_ph) is used at the edge of
    # its range, flagged extrapolated: the rise with acidity and soil Cd continued (pH 3.8, Cd 12), the value at
    # pH 8 kept above it (pH 9.2: the alkaline function's flat value, so no step at pH 8 or 9)
    p = _maize([3.8, 9.2, 6.0], [1.0, 1.0, 12.0])
    pred, un = uptake.predict_and_unassessed(p, tables=tables)
    assert un.empty
    r = pred.set_index("plot_id")
    assert (r["function_id"] == "synth_maize_cd_ph").all() and (r["extrapolated"] == True).all()  # noqa: E712
    fw = r["crop_fw_p50_mg_kg"].astype(float)   # the synthesis predicts grain as sold
    np.testing.assert_allclose(fw, [10 ** (_A - 0.142 * 3.8), 10 ** (_A - 0.142 * 8.0),
                                    10 ** (_A + 0.4305 * math.log10(12.0) - 0.142 * 6.0)], rtol=1e-9)
    assert 10 ** (_A - 0.142 * 8.0) == pytest.approx(10 ** -1.4991, rel=1e-12)   # synth_maize_cd_ph_alkaline
    assert "synth_maize_cd_ph (ph outside 4–8)" in r.loc["m0", "selection"]
    assert "synth_maize_cd_ph (cd_mg_kg outside 0.05–10)" in r.loc["m2", "selection"]


def test_survey_share_checks_hand_computed(tables):
    from pathlib import Path

    from agriremed.stages.uptake.skill import maize_share_checks

    path = Path(__file__).resolve().parents[1] / "data" / "validation" / "maize_cd_surveys.csv"
    checks = pd.read_csv(path)
    # the northern-China survey is the check; Chongqing calibrates the intercept, the karst survey only the spread
    assert set(checks.loc[checks["role"] == "check", "check_id"]) == {"guan_north_share_bound", "guan_safe_ph7",
                                                                      "guan_safe_ph8"}
    assert set(checks.loc[checks["role"] == "calibration", "check_id"]) == {"chongqing_share"}
    assert set(checks.loc[checks["role"] == "spread_only", "source"]) == {"yang2022_guizhou_maize"}
    r = maize_share_checks(checks, tables).set_index("check_id")
    # northern-China safe soil of the pH 6.5–7.5 class (3.0 mg/kg at pH 7): log10 m = −0.3631 + 0.4305·log10 3 − 0.994
    # = −1.15170, P(C > 0.1) = 1 − Φ((−1 + 1.15170)/0.469) = 0.3732 (the survey: 5 %; was 0.4843)
    m = _A + 0.4305 * math.log10(3.0) - 0.142 * 7.0
    assert r.loc["guan_safe_ph7", "predicted"] == pytest.approx(1 - ndtr((-1 - m) / _SE), abs=1e-6)
    assert r.loc["guan_safe_ph7", "predicted"] == pytest.approx(0.3732, abs=1e-4)
    assert r.loc["guan_safe_ph7", "predicted_bcf"] == pytest.approx(1 - ndtr(math.log10(0.1 / 0.339) / 0.673), abs=1e-6)
    # at pH 8.0 and 3.8 mg/kg: the pH term held at 8 (0.2974; was 0.4306)
    m8 = -1.4991 + 0.4305 * math.log10(3.8)
    assert r.loc["guan_safe_ph8", "predicted"] == pytest.approx(1 - ndtr((-1 - m8) / _SE), abs=1e-4)
    assert r.loc["guan_safe_ph8", "predicted"] == pytest.approx(0.2974, abs=1e-3)
    assert r.loc["guan_north_share_bound", "predicted"] < r.loc["guan_north_share_bound", "observed"]
    # Chongqing 14.3 % against 9.6 % (in sample, total spread wider than the within-survey spread it was calibrated
    # with); the karst soils 39 % against 0.8 % (was 49 %; karst not in the intercept)
    assert r.loc["chongqing_share", "predicted"] == pytest.approx(0.1428, abs=2e-3)
    assert r.loc["guizhou_karst_share", "predicted"] == pytest.approx(0.3942, abs=2e-3)
    assert r.loc["guizhou_hc5_ph5", "predicted"] > r.loc["guizhou_hc5_ph6", "predicted"] > r.loc["guizhou_hc5_ph7", "predicted"]
