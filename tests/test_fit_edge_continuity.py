"""Beyond the range of a preferred transfer function (a county's own fit, an opt-in function) the prediction is
continuous: the function's value at the end of its range, carried on by the change the fallback predicts from
there (issue 15, item 3: continuous in every input, no silent switches). The old rule let the packaged default
take over with a 6–7-fold step, so that liming could raise the predicted grain Cd."""

import numpy as np
import pandas as pd
import pytest

from countyfit import county_rice_fit
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.stages.uptake.predict import food_safety, parse_ranges, predict_crop_concentration

FIT = "county_rice_cd"
HUNAN = "synth_rice_cd_ph_hunan"


@pytest.fixture(scope="module")
def fit():
    """A Hunan county's rice Cd fit (:func:`countyfit.county_rice_fit`)."""
    return county_rice_fit(FIT)


def _plots(ph, cd, **extra):
    n = len(ph)
    return pd.DataFrame({"plot_id": [f"p{i}" for i in range(n)], "region": "Hunan/Zhuzhou", "land_use": "paddy",
                         "crop": "rice", "area_ha": 1.0, "ph": ph, "cd_mg_kg": cd, **extra})


def _predict(plots, tables):
    return food_safety(predict_crop_concentration(plots, tables=tables), tables=tables).set_index("plot_id")


def _ranges(fit):
    return parse_ranges(fit.function_row().iloc[0]["valid_ranges"])


@pytest.mark.parametrize("var,end", [("soil", 0), ("soil", 1), ("ph", 0), ("ph", 1)])
def test_continuous_across_each_end_of_the_fit(fit, var, end):
    r = _ranges(fit)
    edge = r[var][end]
    step = 1e-9 * (edge if var == "soil" else 1.0)
    at = [edge - step, edge, edge + step]
    plots = (_plots([5.5] * 3, at) if var == "soil" else _plots(at, [1.0] * 3))
    u = _predict(plots, fit.tables())
    inside, outside = ("p2", "p0") if end == 0 else ("p0", "p2")
    assert u.loc[inside, "function_id"] == FIT and u.loc["p1", "function_id"] == FIT
    assert u.loc[outside, "function_id"] == HUNAN
    for col in ("crop_fw_p50_mg_kg", "crop_fw_p95_mg_kg", "se_log10", "p_exceed_limit"):
        v = u[col].astype(float)
        assert v[outside] == pytest.approx(v["p1"], rel=1e-6, abs=1e-12), col
        assert v[inside] == pytest.approx(v["p1"], rel=1e-6, abs=1e-12), col
    assert u.loc[outside, "extrapolated"] is True and u.loc[inside, "extrapolated"] is False
    # the step the packaged function alone would take is still reported: it is large for this county
    ratio = u.loc[outside, "user_fit_edge_ratio"]
    assert ratio > 3
    assert u.loc[outside, "user_fit_skipped"].startswith(f"{FIT} (")


def test_beyond_the_fit_the_level_is_the_fit_s_and_the_change_the_fallback_s(fit):
    r = _ranges(fit)
    tables = fit.tables()
    hi_ph, hi_soil = r["ph"][1], r["soil"][1]
    u = _predict(_plots([hi_ph, 8.0, 5.5, 5.5], [1.0, 1.0, hi_soil, 6.0]), tables)
    # pH 8: fit at pH_hi × Hunan(8)/Hunan(pH_hi) = fit(pH_hi) × 10^(−0.22975·(8 − pH_hi)); soil 6: × (6/S_hi)^0.4305
    assert u.loc["p1", "crop_fw_p50_mg_kg"] == pytest.approx(
        u.loc["p0", "crop_fw_p50_mg_kg"] * 10 ** (-0.22975 * (8.0 - hi_ph)), rel=1e-9)
    assert u.loc["p3", "crop_fw_p50_mg_kg"] == pytest.approx(
        u.loc["p2", "crop_fw_p50_mg_kg"] * (6.0 / hi_soil) ** 0.4305, rel=1e-9)
    # the spread widens beyond the data (the fit's leverage and the two functions' disagreement)
    assert u.loc["p1", "se_log10"] > u.loc["p0", "se_log10"]
    note = u.loc["p1", "note"]
    assert (f"{FIT} used beyond its range (ph = 8 outside its fitted range {r['ph'][0]:g}–{hi_ph:g}): its prediction "
            f"at the end of the range, carried on by the change {HUNAN} predicts from there (continuous; "
            "extrapolated, test the harvest)") in note
    zh = messages.render(u.loc["p1", "note_msg"], "zh")
    assert f"{FIT}超出其范围使用（土壤pH（水浸提） = 8，超出其拟合数据范围" in zh
    assert f"并按{HUNAN}自该端点起预测的变化外推（连续；外推，请检测收获物）" in zh
    assert "outside" not in zh and "carried" not in zh


def test_liming_never_raises_the_prediction_across_the_fit(fit):
    r = _ranges(fit)
    ph = np.unique(np.concatenate([np.linspace(3.5, 9.5, 241), [r["ph"][0], r["ph"][1]],
                                   np.array(r["ph"]) - 1e-9, np.array(r["ph"]) + 1e-9]))
    u = _predict(_plots(ph, [1.0] * len(ph)), fit.tables())
    fw = u.loc[[f"p{i}" for i in range(len(ph))], "crop_fw_p50_mg_kg"].to_numpy(float)
    assert np.all(np.diff(fw) <= 1e-15)
    p = u.loc[[f"p{i}" for i in range(len(ph))], "p_exceed_limit"].to_numpy(float)
    assert np.all(np.diff(p) <= 1e-15)


@pytest.fixture(scope="module")
def li_tables(tmp_path_factory):
    """The opt-in Jiangsu CaCl2 model (li2017) switched on in a user folder, as its note tells users to."""
    tf = load_tables().transfer_functions
    row = tf.loc[tf["function_id"] == "li2017_rice_cd_cacl2"].copy()
    row["function_id"], row["usable"], row["priority"] = "li2017_on", True, 0
    folder = tmp_path_factory.mktemp("li")
    row.to_csv(folder / "transfer_functions.csv", index=False)
    return load_tables(folder)


def test_an_opt_in_function_is_carried_on_below_its_total_cd_range(li_tables):
    # li2017 reads CaCl2-extractable Cd and Zn; its range is on total soil Cd, 0.17–10.5 mg/kg
    cd = [0.17 * (1 - 1e-9), 0.17, 0.16, 0.1]
    plots = pd.DataFrame({"plot_id": ["below", "at", "p16", "p10"], "region": "Jiangsu/Suzhou", "land_use": "paddy",
                          "crop": "rice", "area_ha": 0.5, "ph": 6.0, "som_pct": 2.5, "clay_pct": 25.0, "cd_mg_kg": cd,
                          "cd_cacl2_mg_kg": 0.05, "zn_cacl2_mg_kg": 0.2})
    u = _predict(plots, li_tables)
    li = 0.167 + 2.547 * 0.05 - 0.532 * 0.2   # linear in CaCl2 Cd and Zn [mg/kg]
    assert u.loc["at", "function_id"] == "li2017_on" and u.loc["at", "crop_fw_p50_mg_kg"] == pytest.approx(li)
    assert u.loc["below", "function_id"] == "synth_rice_cd_ph"
    assert u.loc["below", "crop_fw_p50_mg_kg"] == pytest.approx(li, rel=1e-6)   # was 0.054 against 0.188
    assert u.loc["below", "p_exceed_limit"] == pytest.approx(u.loc["at", "p_exceed_limit"], rel=1e-6)
    # below the range: li2017's level, the packaged function's soil response (0.4305 on log10 total Cd)
    assert u.loc["p10", "crop_fw_p50_mg_kg"] == pytest.approx(li * (0.1 / 0.17) ** 0.4305, rel=1e-9)
    assert u.loc["p10", "extrapolated"] is True
    assert u.loc["p10", "note"] == ("li2017_on used beyond its range (Cd, total in soil outside 0.17–10.5 mg/kg): its "
                                    "prediction at the end of the range, carried on by the change synth_rice_cd_ph "
                                    "predicts from there (continuous; extrapolated, test the harvest)")
    from agriremed.engine.pipeline import uptake_functions_text
    assert uptake_functions_text(u.reset_index(), ["p10"]).tolist() == [
        "cd: synth_rice_cd_ph (carrying on li2017_on from the end of its range, extrapolated)"]
    assert messages.render(u.loc["p10", "note_msg"], "zh") == (
        "li2017_on超出其范围使用（土壤总镉超出0.17–10.5）：取其在范围端点处的预测值，并按synth_rice_cd_ph自该端点起"
        "预测的变化外推（连续；外推，请检测收获物）")


def test_a_designed_piecewise_pair_is_not_carried_on():
    # maize: synth_maize_cd_ph up to pH 8, synth_maize_cd_ph_alkaline from 8, equal at pH 8: used as is
    plots = pd.DataFrame({"plot_id": ["a", "b"], "region": "Henan", "land_use": "upland", "crop": "maize",
                          "area_ha": 1.0, "ph": [8.0, 8.5], "cd_mg_kg": 0.3})
    u = predict_crop_concentration(plots).set_index("plot_id")
    assert u.loc["b", "function_id"] == "synth_maize_cd_ph_alkaline"
    assert u.loc["b", "extrapolated"] is False and np.isnan(u.loc["b", "user_fit_edge_ratio"])
    assert u.loc["b", "crop_fw_p50_mg_kg"] == pytest.approx(u.loc["a", "crop_fw_p50_mg_kg"], rel=1e-12)


def test_safe_soil_is_solved_on_the_carried_prediction_and_is_continuous(fit):
    from agriremed.stages.uptake import safe_thresholds
    r = _ranges(fit)
    hi_soil, hi_ph = r["soil"][1], r["ph"][1]
    plots = _plots([5.5, 5.5, hi_ph, hi_ph + 1e-9], [hi_soil, hi_soil * (1 + 1e-9), 1.0, 1.0])
    t = safe_thresholds(plots, tables=fit.tables()).set_index("plot_id")
    assert t["function_id"].tolist() == [FIT, HUNAN, FIT, HUNAN]
    for a, b in (("p0", "p1"), ("p2", "p3")):
        for col in ("safe_soil_mg_kg", "safe_soil_p50_mg_kg"):
            assert t.loc[b, col] == pytest.approx(t.loc[a, col], rel=1e-6), col   # was 6.38 → 6.90 and 34 → 49
    # at the threshold the plan's own prediction exceeds the limit with probability 0.05 (median: 0.5)
    for pid in ("p0", "p3"):
        at = _plots([plots.set_index("plot_id").loc[pid, "ph"]] * 2,
                    [t.loc[pid, "safe_soil_mg_kg"], t.loc[pid, "safe_soil_p50_mg_kg"]])
        u = _predict(at, fit.tables())
        assert u["p_exceed_limit"].tolist() == pytest.approx([0.05, 0.5], abs=1e-6)


def test_a_gain_that_prints_as_zero_is_said_to_be_the_same(fit):
    # beyond the fit at pH 7.2 (Cd 1.0) the crop complies whatever is done: foliar spray's difference from unchanged
    # practice prints as 0.0 points, and the sentence says "the same", not "(0.0 percentage points less)"
    import agriremed

    plots = _plots([7.2], [1.0], som_pct=2.5, clay_pct=25.0)
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=100), seed=11, tables=fit.tables(), progress=False)
    en = p.summary["recommendation"].iloc[0]
    assert "(0.0 percentage points less)" not in en
    assert "no more likely to meet the food limit than unchanged practice (the same to 0.1 percentage point)" in en
    zh = messages.render(p.summary["recommendation_msg"].iloc[0], "zh")
    assert "与维持现状相同，差值不足0.1个百分点" in zh
