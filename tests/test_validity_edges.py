"""At the edge of a transfer function's validity range the plan does not fall silent (issue 15, items 3 and 4:
no silent switches; every metal accounted for).

Where no function of the crop can be used inside its range, the first one is evaluated at the edge: an input
beyond the range keeps the higher of the function's own trend and its value at the end of the range, so the
prediction is continuous where a plot crosses the end and never lower than at the end (conservative). Where no
function can be used at all, the metal is listed as not assessed whatever the soil's class.
"""

import numpy as np
import pandas as pd
import pytest

from agriremed.stages import uptake
from agriremed.core import messages
from agriremed.core.scenario import Scenario
from agriremed.engine.plan import plan
from agriremed.stages import advice

HUNAN = {"region": "Hunan/Zhuzhou", "land_use": "paddy", "crop": "rice", "area_ha": 1.0}


def _edges(draws=0):
    plots = pd.DataFrame([
        {**HUNAN, "plot_id": "R850", "ph": 8.5, "cd_mg_kg": 1.0},
        {**HUNAN, "plot_id": "R855", "ph": 8.55, "cd_mg_kg": 1.0},
        {**HUNAN, "plot_id": "R400", "ph": 4.0, "cd_mg_kg": 0.25},
        {**HUNAN, "plot_id": "R395", "ph": 3.95, "cd_mg_kg": 0.25},
        {**HUNAN, "plot_id": "R050", "ph": 5.0, "cd_mg_kg": 0.05},
        {**HUNAN, "plot_id": "R049", "ph": 5.0, "cd_mg_kg": 0.049},
    ])
    return plan(plots, Scenario(mc_draws=draws), progress=False)


@pytest.fixture(scope="module")
def edges():
    return _edges()


def test_prediction_is_continuous_across_the_edges_of_the_range(edges):
    u = edges.uptake.set_index("plot_id")
    fw = u["crop_fw_p50_mg_kg"].astype(float)
    # Hunan rice: log10 C = 0.6753 + 0.4305·log10 S − 0.22975·pH (as sold), range soil 0.05–10, pH 4–8.5
    def hunan(ph, soil):
        return 10 ** (0.6753 + 0.4305 * np.log10(soil) - 0.22975 * ph)
    # alkaline side: the prediction falls with pH, so pH 8.55 is taken at 8.5 (the higher prediction)
    assert fw["R855"] == pytest.approx(fw["R850"], rel=1e-12)
    assert fw["R855"] == pytest.approx(hunan(8.5, 1.0), rel=1e-9)
    # acid side: the prediction rises as the soil gets more acid, so the function's own trend is continued
    assert fw["R395"] == pytest.approx(hunan(3.95, 0.25), rel=1e-9)
    assert fw["R395"] > fw["R400"] == pytest.approx(hunan(4.0, 0.25), rel=1e-9)
    # below the lowest soil Cd of the range (0.05): taken at 0.05, never a lower prediction
    assert fw["R049"] == pytest.approx(fw["R050"], rel=1e-12)
    flags = u["extrapolated"].to_dict()
    assert flags == {"R850": False, "R855": True, "R400": False, "R395": True, "R050": False, "R049": True}
    assert (u["assessed"] == True).all()  # noqa: E712
    assert u.loc["R395", "selection"] == (
        "skipped synth_rice_cd_ph_hunan (ph outside 4–8.5); synth_rice_cd_ph (ph outside 4–8.5); no function inside "
        "its validity range: synth_rice_cd_ph_hunan used at the edge (ph = 3.95: the function's trend continued "
        "beyond 4–8.5; conservative, extrapolated)")
    assert u.loc["R049", "selection"].endswith(
        "synth_rice_cd_ph_hunan used at the edge (cd_mg_kg = 0.049: taken at 0.05, the end of 0.05–10; "
        "conservative, extrapolated)")
    assert "used outside its validity range (Cd, total in soil outside 0.05–10 mg/kg), at the edge of the range" in u.loc["R049",
                                                                                                          "note"]


def test_the_more_acid_plot_is_not_told_to_do_nothing(edges):
    s = edges.summary.set_index("plot_id")
    # the same advice on either side of the edge; the old code told R395 and R049 to do nothing
    assert s.loc["R395", "recommended_option"] == s.loc["R400", "recommended_option"] != "do_nothing"
    assert s.loc["R049", "recommended_option"] == s.loc["R050", "recommended_option"] != "do_nothing"
    t = edges.table.set_index(["plot_id", "option_id"])
    rec = s.loc["R395", "recommended_option"]
    assert t.loc[("R395", rec), "crop_compliance_prob"] <= t.loc[("R400", rec), "crop_compliance_prob"]
    assert t.loc[("R395", rec), "crop_compliance_prob"] == pytest.approx(t.loc[("R400", rec), "crop_compliance_prob"],
                                                                         abs=0.01)
    assert s.loc["R395", "uptake_functions"] == "cd: synth_rice_cd_ph_hunan (at the edge of its validity range, " \
                                                "extrapolated)"
    note = ("The crop's Cd is predicted outside the validity range of every rice transfer function (soil pH (water) outside "
            "4–8.5): at the edge of the range, the higher of the function's own trend and its value at the end of "
            "the range (conservative) — test the harvest.")
    assert s.loc["R395", "recommendation"].endswith(note)
    assert note not in s.loc["R400", "recommendation"]
    zh = dict(zip(edges.summary["plot_id"], messages.column_texts(edges.summary, "recommendation", "zh")))
    assert zh["R049"].endswith("作物镉含量在所有水稻转移函数的适用范围之外预测（土壤总镉超出0.05–10）：在范围边界处评估，"
                               "取函数自身趋势与范围端点值中较高者（保守）——请检测收获物。")


def test_a_metal_no_function_can_predict_is_not_assessed_whatever_the_soil_class():
    # Cd 0.25 is below the paddy screening value at pH ≤ 5.5 (0.3): the old code listed "not assessed" only above
    # it, so these plots were told to do nothing with no word on the crop
    plots = pd.DataFrame([
        {**HUNAN, "plot_id": "A295", "ph": 2.95, "cd_mg_kg": 0.25},   # outside the domain of every function, 3–10
        {**HUNAN, "plot_id": "UP", "land_use": "upland", "ph": 6.0, "cd_mg_kg": 0.1},   # rice on upland land
    ])
    p = plan(plots, Scenario(mc_draws=0), progress=False)
    s = p.summary.set_index("plot_id")
    assert s["metals_not_assessed"].tolist() == ["cd", "cd"]
    assert s["metals_exceeding"].fillna("").tolist() == ["", ""]
    assert s.loc["A295", "recommendation"].startswith(
        "Cd in the crop not assessed (soil pH outside 3–10, the domain of the transfer functions) — measure it in "
        "the harvest (limit: Cd 0.2 mg/kg, GB2762).")
    assert s.loc["UP", "recommendation"].startswith("Cd in the crop not assessed (rice on land recorded as upland, "
                                                    "not a flooded paddy")
    zh = dict(zip(p.summary["plot_id"], messages.column_texts(p.summary, "recommendation", "zh")))
    assert zh["A295"].startswith("作物中的镉未评估（土壤pH超出3–10")
    u = p.uptake.set_index("plot_id")
    assert not u.loc["A295", "assessed"] and u.loc["A295", "not_assessed_reason"] == (
        "soil pH outside 3–10, the domain of the transfer functions")
    sheet = advice.plot_advice(p, "A295", "en").crop_lines
    assert sheet[0].startswith("Cd: not assessed (the crop's transfer functions cannot be used on this plot) — test "
                               "the harvest")
    assert advice.plot_advice(p, "A295", "zh").crop_lines[0].startswith("镉：未评估（该作物的转移函数不适用于本地块）——请检测收获物")


def test_a_range_on_an_input_the_function_does_not_read_gives_no_edge_prediction(tables):
    # the CaCl2 rice model publishes a range of total soil Cd, which it does not read: beyond it nothing says how
    # its prediction behaves, so it is never evaluated at an edge (the default function is, on its own input)
    tf = tables.transfer_functions
    li = tf["function_id"] == "li2017_rice_cd_cacl2"
    only = tables.replace(transfer_functions=tf.assign(usable=li, priority=np.where(li, 0, tf["priority"]),
                                                       provinces=np.where(li, "", tf["provinces"])))
    p = pd.DataFrame({"plot_id": ["C"], "crop": "rice", "region": "", "ph": 6.0, "cd_mg_kg": [12.0],
                      "cd_cacl2_mg_kg": [0.05], "zn_cacl2_mg_kg": [0.1]})
    pred, miss = uptake.predict_and_unassessed(p, tables=only)
    assert pred.empty
    assert miss["reason"].tolist() == ["no function could be used: li2017_rice_cd_cacl2 (cd_mg_kg outside 0.17–10.5)"]


def test_safe_soil_assumes_the_plan_s_covariates_and_says_so(tables):
    # pak choi without SOM or clay: the plan assumes the typical values (covariate_defaults.csv); safe-soil used to
    # leave the thresholds blank and still print "complies at this pH or above"
    base = {"plot_id": "PC", "region": "Hunan/Changsha", "land_use": "vegetable", "crop": "pak_choi", "area_ha": 1.0,
            "ph": 6.5, "cd_mg_kg": 0.8}
    blank = uptake.safe_thresholds(pd.DataFrame([base]), tables=tables).iloc[0]
    given = uptake.safe_thresholds(pd.DataFrame([{**base, "som_pct": 2.5, "clay_pct": 20.0}]), tables=tables).iloc[0]
    assert blank["function_id"] == "devries2007_lettuce_cd_leafy" and blank["not_assessed_reason"] == ""
    # the median threshold is that of the typical values; the 95 % one lies lower, for the wider spread
    assert blank["safe_soil_p50_mg_kg"] == pytest.approx(given["safe_soil_p50_mg_kg"], rel=1e-12)
    assert blank["safe_soil_p50_mg_kg"] == pytest.approx(2.129, abs=5e-4)
    assert blank["se_log10"] == pytest.approx(0.611, abs=5e-4) and given["se_log10"] == pytest.approx(0.605)
    assert blank["safe_soil_mg_kg"] == pytest.approx(0.1398, abs=5e-5)
    assert given["safe_soil_mg_kg"] == pytest.approx(0.1437, abs=5e-5)
    assert blank["safe_ph"] == pytest.approx(8.055, abs=5e-4)
    assert blank["note"] == ("safe_ph: complies at this pH or above; assumed soil organic matter 2.5 % and clay "
                             "content 20 % (not given; typical values of covariate_defaults.csv, as the plan assumes)")
    # the Dutch function publishes no validity range: whether the plot lies inside it is unknown, and said so
    assert blank["extrapolated"] == "unknown"
    # the plan's P(exceed) at the 95 % threshold is 5 %: the same spread and covariates
    at = pd.DataFrame([{**base, "cd_mg_kg": blank["safe_soil_mg_kg"]}])
    chk = uptake.food_safety(uptake.predict_crop_concentration(at, tables=tables), "GB2762", tables)
    assert chk["p_exceed_limit"].iloc[0] == pytest.approx(0.05, abs=1e-9)


def test_unranged_functions_say_their_range_is_unknown(tables):
    tf = tables.transfer_functions.set_index("function_id")
    ids = ["mcgrath2002_wheat_cd"] + [f for f in tf.index if f.startswith("devries2007_")]
    assert len(ids) == 7
    for fid in ids:
        assert pd.isna(tf.loc[fid, "valid_ranges"]) or tf.loc[fid, "valid_ranges"] == ""
        assert "validity range unknown" in tf.loc[fid, "note"] and "UNCONFIRMED" in tf.loc[fid, "note"], fid
