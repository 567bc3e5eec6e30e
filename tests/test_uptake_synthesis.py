"""The rice Cd synthesis: its packaged coefficients are recomputed from their tables, and its
out-of-sample survey check."""

import math

import numpy as np
import pandas as pd
import pytest

from agriremed.stages import uptake
from agriremed.stages.uptake import skill, synthesis


def _row(tables, fid):
    tf = tables.transfer_functions.set_index("function_id")
    return {v: c for v, _, c in uptake.parse_terms(tf.loc[fid, "terms"])}, tf.loc[fid]


def test_slopes_are_the_documented_medians(tables):
    s = synthesis.synthesis_slopes(tables.uptake_slopes, "rice")
    # meta-analyses: median(−0.334, −0.301); field functions: median(−0.068, −0.164, −0.1834, −0.12)
    assert s["ph_meta"] == pytest.approx((-0.334 - 0.301) / 2)
    assert s["ph_field"] == pytest.approx((-0.12 - 0.164) / 2)
    assert s["ph"] == pytest.approx(((-0.334 - 0.301) / 2 + (-0.12 - 0.164) / 2) / 2)
    # soil exponents 0.153, 0.421, 0.44, 0.62 → median 0.4305
    assert s["soil"] == pytest.approx((0.421 + 0.44) / 2)


def test_packaged_rows_equal_the_recomputed_synthesis(tables):
    syn = synthesis.rice_cd_synthesis(tables)
    coef, row = _row(tables, "synth_rice_cd_ph")
    assert coef["const"] == pytest.approx(syn["intercept"], abs=5e-5)
    assert coef["soil"] == pytest.approx(syn["soil"], abs=5e-5)
    assert coef["ph"] == pytest.approx(syn["ph"], abs=5e-5)
    assert row["se_log10"] == pytest.approx(syn["se_log10"], abs=5e-4)
    assert syn["surveys"] == ["changzhutan_hunan", "shengzhou_zhejiang", "wenling_zhejiang"]
    hn = synthesis.calibrate_intercept(syn["moments"].loc[syn["moments"]["survey_id"] == "changzhutan_hunan"],
                                       syn["soil"], syn["ph"])
    coef_h, row_h = _row(tables, "synth_rice_cd_ph_hunan")
    assert coef_h["const"] == pytest.approx(hn["intercept"], abs=5e-5)
    assert row_h["se_log10"] == pytest.approx(math.hypot(hn["within"], syn["between"]), abs=5e-4)
    assert row_h["provinces"] == "Hunan"


def test_survey_moments_hand_computed(tables):
    m = synthesis.survey_moments(tables.uptake_surveys).set_index("survey_id")
    # Shengzhou grain 0.09 ± 0.10: median 0.09/√(1 + (0.10/0.09)²)
    assert 10 ** m.loc["shengzhou_zhejiang", "log10_crop_median"] == pytest.approx(
        0.09 / math.sqrt(1 + (0.10 / 0.09) ** 2))
    # Chang-Zhu-Tan: no soil SD → CV = median of the published CVs (0.45, 1.2258, 0.3333) = 0.45
    cv = np.median([0.09 / 0.20, 0.38 / 0.31, 0.07 / 0.21])
    assert 10 ** m.loc["changzhutan_hunan", "log10_soil_median"] == pytest.approx(0.40 / math.sqrt(1 + cv ** 2))
    assert bool(m.loc["changzhutan_hunan", "soil_cv_assumed"])
    # the grain spread solved from the mean and the share above 0.2 reproduces both
    med, sig = 10 ** m.loc["changzhutan_hunan", "log10_crop_median"], m.loc["changzhutan_hunan", "crop_sigma_log10"]
    assert med * 10 ** (math.log(10) / 2 * sig ** 2) == pytest.approx(0.28)
    assert skill.exceedance_probability(med, sig, 0.2) == pytest.approx(0.444)


def test_intercept_is_the_weighted_mean_of_survey_intercepts(tables):
    syn = synthesis.rice_cd_synthesis(tables)
    m = syn["moments"].set_index("survey_id")
    a = {k: m.loc[k, "log10_crop_median"] - syn["soil"] * m.loc[k, "log10_soil_median"] - syn["ph"] * m.loc[k, "ph_mean"]
         for k in syn["surveys"]}
    n = {k: m.loc[k, "n"] for k in syn["surveys"]}
    assert syn["intercept"] == pytest.approx(sum(a[k] * n[k] for k in a) / sum(n.values()))
    assert syn["between"] == pytest.approx(np.std(list(a.values()), ddof=1))


def test_survey_skill_is_leave_one_out(tables):
    sk = synthesis.survey_skill(tables).set_index("survey_id")
    syn = synthesis.rice_cd_synthesis(tables)
    m = syn["moments"].set_index("survey_id")
    others = syn["moments"].loc[syn["moments"]["survey_id"] != "changzhutan_hunan"]
    a = synthesis.calibrate_intercept(others, syn["soil"], syn["ph"])["intercept"]
    pred = a + syn["soil"] * m.loc["changzhutan_hunan", "log10_soil_median"] + syn["ph"] * 5.42
    assert sk.loc["changzhutan_hunan", "predicted_median_mg_kg"] == pytest.approx(10 ** pred)
    assert sk.loc["changzhutan_hunan", "observed_share_above"] == pytest.approx(0.444)
    # the japonica check is predicted from all three calibration surveys and over-predicted
    assert sk.loc["nanxun_zhejiang", "se_log10"] == pytest.approx(syn["se_log10"])
    assert sk.loc["nanxun_zhejiang", "bias_log10"] > 0.5
    # the honest out-of-sample record of the calibration surveys (docs/validation.md)
    cal = sk.loc[sk["role"] == "calibration"]
    assert abs(cal["bias_log10"].mean()) < 0.1 and np.sqrt((cal["bias_log10"] ** 2).mean()) < 0.35


def test_skill_metrics_hand_computed():
    obs = np.array([0.1, 0.3, 0.05, 0.4])
    med = np.array([0.2, 0.3, 0.05, 0.1])
    m = skill.skill_metrics(obs, med, 0.3, 0.2)
    d = np.log10(med) - np.log10(obs)
    assert m["bias_log10"] == pytest.approx(d.mean())
    assert m["rmse_log10"] == pytest.approx(np.sqrt((d ** 2).mean()))
    f = 10 ** (1.6448536 * 0.3)
    assert m["coverage90"] == pytest.approx(np.mean((obs >= med / f) & (obs <= med * f)))
    p = skill.exceedance_probability(med, 0.3, 0.2)
    o = obs > 0.2
    assert m["brier"] == pytest.approx(np.mean((p - o) ** 2))
    assert m["brier_base_rate"] == pytest.approx(0.25)
    # AUC: exceeding pairs (0.3 → p(0.3), 0.4 → p(0.1)) against compliant (p(0.2) = 0.5, p(0.05))
    pos, neg = p[o], p[~o]
    expected = np.mean([(a > b) + 0.5 * (a == b) for a in pos for b in neg])
    assert m["auc"] == pytest.approx(expected)


def test_reliability_bins():
    r = skill.reliability([0.1, 0.15, 0.5, 0.9, 1.0], [0, 1, 1, 1, 1])
    assert r["n"].tolist() == [2, 1, 2]
    assert r["mean_prob"].tolist() == pytest.approx([0.125, 0.5, 0.95])
    assert r["observed_freq"].tolist() == pytest.approx([0.5, 1.0, 1.0])


def test_default_rice_prediction_falls_with_ph_and_rises_with_soil(tables):
    p = pd.DataFrame({"plot_id": [f"P{i}" for i in range(6)], "crop": "rice", "region": "",
                      "ph": [4.5, 5.5, 6.5, 7.5, 5.5, 5.5], "cd_mg_kg": [0.4, 0.4, 0.4, 0.4, 0.2, 1.6]})
    y = uptake.predict_crop_concentration(p, tables=tables)["crop_fw_p50_mg_kg"].to_numpy()
    # × 10^(−0.22975) ≈ 0.589 per pH unit; × 2^0.4305 ≈ 1.348 per doubling of soil Cd
    np.testing.assert_allclose(y[1:4] / y[0:3], 10 ** -0.22975, rtol=1e-9)
    assert y[5] / y[1] == pytest.approx(4 ** 0.4305) and y[1] / y[4] == pytest.approx(2 ** 0.4305)


def test_survey_skill_share_integrates_the_survey_spread(tables):
    """The predicted share > 0.2 uses s = √(se² + b²σ_soil² + c²σ_pH²), printed on the validation page."""
    from scipy.stats import norm

    from agriremed.apps.validation import uptake_skill_markdown

    sk = synthesis.survey_skill(tables).set_index("survey_id")
    syn = synthesis.rice_cd_synthesis(tables)
    m = syn["moments"].set_index("survey_id")
    w = sk.loc["wenling_zhejiang"]
    s = np.sqrt(w["se_log10"] ** 2 + (syn["soil"] * m.loc["wenling_zhejiang", "soil_sigma_log10"]) ** 2
                + (syn["ph"] * m.loc["wenling_zhejiang", "ph_sd"]) ** 2)
    assert w["share_spread_log10"] == pytest.approx(s) and w["share_spread_log10"] == pytest.approx(0.5101, abs=1e-4)
    assert w["predicted_share_above"] == pytest.approx(norm.sf(np.log10(0.2 / w["predicted_median_mg_kg"]) / s))
    # with se alone the share would be 0.200, not the 0.233 printed
    assert norm.sf(np.log10(0.2 / w["predicted_median_mg_kg"]) / w["se_log10"]) == pytest.approx(0.2004, abs=1e-4)
    assert w["predicted_share_above"] == pytest.approx(0.233, abs=1e-3)
    page = "\n".join(uptake_skill_markdown(tables))
    assert "s = √(se² + b²σ_soil² + c²σ_pH²)" in page and "spread of the share s (log10)" in page
    assert "| wenling_zhejiang | calibration | 96 | 0.039 | 0.085 | +0.34 | 0.44 | 0.51 | " in page
