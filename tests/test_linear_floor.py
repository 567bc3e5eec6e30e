"""A linear transfer function below its floor (``floor_mg_kg``) is outside its range in output space: it is carried on
from the floor by the change the function used predicts, as beyond an input range (issue 15, item 3: the opt-in
li2017 CaCl2 model "must not jump from 0.001 to 0.46 mg/kg between CaCl2-Zn 0.36 and 0.40"; before, the
prediction stepped from li2017's 0.00095 to the default's 0.0879 mg/kg between CaCl2-Zn 0.36 and 0.37)."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.stages.uptake.predict import food_safety, predict_crop_concentration

LI = "li2017_on"
FLOOR = 0.003   # floor_mg_kg of li2017_rice_cd_cacl2 (a project assumption, agriremed_assumption)
CONST, B_CD, B_ZN = 0.167, 2.547, -0.532   # li2017: grain Cd = 0.167 + 2.547·CaCl2-Cd − 0.532·CaCl2-Zn
SE = 0.454


def _li(cd, zn):
    return CONST + B_CD * cd + B_ZN * zn


def _default(cd_total, ph):
    """synth_rice_cd_ph (fw): log10 C = 0.4519 + 0.4305·log10 Cd − 0.22975·pH."""
    return 10 ** (0.4519 + 0.4305 * np.log10(cd_total) - 0.22975 * ph)


@pytest.fixture(scope="module")
def li_tables(tmp_path_factory):
    """The opt-in Jiangsu CaCl2 model switched on in a user folder, as its note tells users to."""
    tf = load_tables().transfer_functions
    row = tf.loc[tf["function_id"] == "li2017_rice_cd_cacl2"].copy()
    row["function_id"], row["usable"], row["priority"] = LI, True, 0
    folder = tmp_path_factory.mktemp("li_floor")
    row.to_csv(folder / "transfer_functions.csv", index=False)
    return load_tables(folder)


def _plots(zn, cd_cacl2=0.01, cd=0.5, ph=6.0):
    n = len(zn)
    return pd.DataFrame({"plot_id": [f"p{i}" for i in range(n)], "region": "Jiangsu/Suzhou", "land_use": "paddy",
                         "crop": "rice", "area_ha": 1.0, "ph": ph, "cd_mg_kg": cd,
                         "cd_cacl2_mg_kg": cd_cacl2, "zn_cacl2_mg_kg": zn})


def _predict(plots, tables):
    u = food_safety(predict_crop_concentration(plots, tables=tables, warn=False), tables=tables)
    return u.set_index("plot_id").loc[plots["plot_id"]]


def test_the_floor_is_a_sourced_value_of_the_function_row():
    tf = load_tables().transfer_functions.set_index("function_id")
    assert tf.loc["li2017_rice_cd_cacl2", "floor_mg_kg"] == FLOOR
    assert tf.loc["li2017_rice_cd_cacl2", "floor_source"] == "agriremed_assumption"
    assert "UNCONFIRMED" in tf.loc["li2017_rice_cd_cacl2", "note"]
    # packaged defaults unchanged: no other function sets a floor
    assert tf["floor_mg_kg"].drop("li2017_rice_cd_cacl2").isna().all()


def test_hand_computed_values_on_both_sides_of_the_floor(li_tables):
    z_star = (CONST + B_CD * 0.01 - FLOOR) / -B_ZN   # 0.356147…: li2017 = the floor
    zn = [0.35, z_star - 1e-9, z_star + 1e-9, 0.40, 0.60]
    u = _predict(_plots(zn), li_tables)
    p50 = u["crop_fw_p50_mg_kg"].to_numpy(float)
    assert p50[0] == pytest.approx(_li(0.01, 0.35), rel=1e-12) == pytest.approx(0.00627, rel=1e-9)
    assert p50[1] == pytest.approx(FLOOR, rel=1e-6) and p50[2] == pytest.approx(FLOOR, rel=1e-12)
    # beyond the floor: held at it (the default reads neither CaCl2 input); the old code gave the default's 0.0879
    assert p50[3] == pytest.approx(FLOOR, rel=1e-12) and p50[4] == pytest.approx(FLOOR, rel=1e-12)
    assert _default(0.5, 6.0) == pytest.approx(0.087863, rel=1e-4)
    assert u["function_id"].tolist() == [LI, LI, "synth_rice_cd_ph", "synth_rice_cd_ph", "synth_rice_cd_ph"]
    assert u["extrapolated"].tolist() == [False, False, True, True, True]
    # the step the default alone would take at the floor is reported: 0.0879 / 0.003
    assert u["user_fit_edge_ratio"].iloc[3] == pytest.approx(_default(0.5, 6.0) / FLOOR, rel=1e-9)
    # spread: li2017's own, as the carry-on widens only by the default's change, nil in inputs it does not read
    # (a widening with a median held at the floor would raise P(rice > 0.2) as CaCl2-Zn rises)
    assert np.allclose(u["se_log10"].to_numpy(float), SE, rtol=1e-12)
    p = u["p_exceed_limit"].to_numpy(float)
    assert p[3] == pytest.approx(1 - ndtr(np.log10(0.2 / FLOOR) / SE), rel=1e-9) == pytest.approx(2.942e-5, rel=1e-3)


def test_below_the_total_cd_range_and_the_floor_both_carry_ons_apply(li_tables):
    # total Cd 0.1, below li2017's range 0.17–10.5: the floor times the default's change from 0.17 to 0.1
    u = _predict(_plots([0.40, 0.20], cd=0.1), li_tables)
    assert u["crop_fw_p50_mg_kg"].iloc[0] == pytest.approx(FLOOR * (0.1 / 0.17) ** 0.4305, rel=1e-9)
    assert u["crop_fw_p50_mg_kg"].iloc[1] == pytest.approx(_li(0.01, 0.20) * (0.1 / 0.17) ** 0.4305, rel=1e-9)
    # the spread widened by the default's change from total Cd 0.17 to 0.1: √(0.454² + (0.4305·log10(0.17/0.1))²)
    se = np.hypot(SE, 0.4305 * np.log10(0.17 / 0.1))
    assert u["se_log10"].tolist() == pytest.approx([se, se], rel=1e-9) and se == pytest.approx(0.46471, abs=1e-5)
    assert u["note"].iloc[0] == ("li2017_on used beyond its range (Cd, total in soil outside 0.17–10.5 mg/kg, "
                                 "prediction below its floor of 0.003 mg/kg): its prediction at the end of the range, "
                                 "carried on by the change synth_rice_cd_ph predicts from there (continuous; "
                                 "extrapolated, test the harvest)")


def test_a_dense_sweep_of_cacl2_zn_has_no_step(li_tables):
    zn = np.round(np.arange(0.30, 0.45 + 1e-12, 0.0005), 6)
    u = _predict(_plots(zn), li_tables)
    p50 = u["crop_fw_p50_mg_kg"].to_numpy(float)
    step = np.abs(np.diff(p50))
    # no step larger than li2017's own change over one step (0.532 × 0.0005 = 0.000266 mg/kg); the old code
    # stepped 0.00095 → 0.0879
    assert step.max() <= -B_ZN * 0.0005 * (1 + 1e-6)
    assert np.all(np.diff(p50) <= 1e-15)   # non-increasing in CaCl2-Zn
    assert p50.min() == pytest.approx(FLOOR)
    assert np.allclose(u["se_log10"].to_numpy(float), SE, rtol=1e-12)
    p = u["p_exceed_limit"].to_numpy(float)
    assert np.all(np.diff(p) <= 1e-15)   # P(rice > 0.2) non-increasing in CaCl2-Zn too


def test_non_decreasing_in_soil_cd_across_the_floor(li_tables):
    # CaCl2-extractable Cd, the function's soil input: 0 → 0.05 at CaCl2-Zn 0.4 (floor reached at 0.0178)
    cd = np.linspace(0.0, 0.05, 201)
    u = _predict(_plots([0.4] * len(cd), cd_cacl2=cd), li_tables)
    p50 = u["crop_fw_p50_mg_kg"].to_numpy(float)
    assert np.all(np.diff(p50) >= -1e-15) and np.abs(np.diff(p50)).max() <= B_CD * 0.05 / 200 * (1 + 1e-6)
    assert p50[0] == pytest.approx(FLOOR) and p50[-1] == pytest.approx(_li(0.05, 0.4))
    # total Cd 0.05 → 12 below the floor (CaCl2-Zn 0.4): the floor, with the default's response beyond 0.17–10.5
    tot = np.linspace(0.05, 12, 240)
    u = _predict(_plots([0.4] * len(tot), cd=tot), li_tables)
    p50 = u["crop_fw_p50_mg_kg"].to_numpy(float)
    assert np.all(np.diff(p50) >= -1e-15)
    inside = (tot >= 0.17) & (tot <= 10.5)
    assert np.allclose(p50[inside], FLOOR, rtol=1e-12)


def test_the_chosen_function_and_the_reason_are_reported_per_plot_in_english_and_chinese(li_tables):
    u = _predict(_plots([0.35, 0.40]), li_tables)
    assert u["selection"].tolist() == [
        "", "skipped li2017_on (prediction below its floor of 0.003 mg/kg); synth_rice_cd_ph_hunan (for Hunan only)"]
    assert messages.selection_text(u["selection"].iloc[1], "zh") == (
        "未采用：li2017_on（预测值低于其下限0.003 mg/kg）；synth_rice_cd_ph_hunan（仅适用于湖南省）")
    assert u["note"].iloc[1] == ("li2017_on used beyond its range (prediction below its floor of 0.003 mg/kg): its "
                                 "prediction at the end of the range, carried on by the change synth_rice_cd_ph "
                                 "predicts from there (continuous; extrapolated, test the harvest)")
    assert messages.render(u["note_msg"].iloc[1], "zh") == (
        "li2017_on超出其范围使用（预测值低于其下限0.003 mg/kg）：取其在范围端点处的预测值，并按synth_rice_cd_ph自该端点起"
        "预测的变化外推（连续；外推，请检测收获物）")
    from agriremed.engine.pipeline import uptake_functions_text
    assert uptake_functions_text(u.reset_index(), ["p1"]).tolist() == [
        "cd: synth_rice_cd_ph (carrying on li2017_on from the end of its range, extrapolated)"]


def test_the_issue_s_case_no_jump_to_0_46_between_cacl2_zn_0_36_and_0_40(li_tables):
    # pH 5, total Cd 6.85: the default gives 0.460 mg/kg; the old code went 0.00095 (li2017) → 0.460 at CaCl2-Zn 0.37
    assert _default(6.85, 5.0) == pytest.approx(0.460166, rel=1e-5)
    u = _predict(_plots([0.36, 0.37, 0.40], cd=6.85, ph=5.0), li_tables)
    assert u["crop_fw_p50_mg_kg"].tolist() == pytest.approx([FLOOR, FLOOR, FLOOR], rel=1e-12)
    assert u["p_exceed_limit"].tolist() == pytest.approx([2.942e-5] * 3, rel=1e-3)
