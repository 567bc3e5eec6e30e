"""The exported uptake functions keep the domain the plan keeps: no threshold or prediction at a soil
pH outside 3–10 or outside a function's published pH range, and a negative soil metal is an error."""

import numpy as np
import pandas as pd
import pytest

from agriremed.stages.uptake.predict import evaluate_function
from agriremed.stages.uptake.thresholds import safe_soil_curve


def test_safe_soil_curve_gives_no_threshold_outside_the_domain_and_the_edge_value_beyond_the_range():
    c = safe_soil_curve("synth_rice_cd_ph", [2.0, 3.9, 5.0, 8.5, 12.0])
    assert np.isnan(c["safe_soil_mg_kg"].to_numpy()[[0, 4]]).all()
    assert c["safe_soil_mg_kg"].iloc[2] == pytest.approx(0.018215, rel=1e-4)
    outside = ("safe soil threshold at probability 0.95 ({} mg/kg) lies outside the soil Cd range of synth_rice_cd_ph "
               "(0.05–10 mg/kg): extrapolated beyond the data of the function, not clipped")
    assert c["note"].tolist()[:3] == ["pH outside 3–10, the domain of the transfer functions: not used",
                                      "extrapolated: ph = 3.9: the function's trend continued beyond 4–8.5 "
                                      "(as a plan predicts there); " + outside.format("0.00471"),
                                      outside.format("0.0182")]
    # a function without a published pH range keeps the domain of all functions, 3–10
    w = safe_soil_curve("mcgrath2002_wheat_cd", [2.5, 6.0, 10.5])
    assert w["safe_soil_mg_kg"].isna().tolist() == [True, False, True]


def test_safe_soil_curve_flags_thresholds_outside_the_soil_range_as_safe_soil_does(tables):
    # synth_rice_cd_ph: soil Cd 0.05–10 mg/kg, pH 4–8.5. At pH 7 the threshold at 0.95 (0.213) lies inside,
    # the median one (11.5) beyond it; at pH 6 both inside; at pH 5 the one at 0.95 (0.018) below it; pH 3.9
    # is solved at the edge of the pH range; pH 12 gets no threshold. Before, the curve had no flag at all.
    c = safe_soil_curve("synth_rice_cd_ph", [3.9, 5.0, 6.0, 7.0, 12.0], tables=tables)
    assert c["extrapolated"].tolist() == [True, True, False, True, None]
    assert c["safe_soil_mg_kg"].iloc[3] == pytest.approx(0.2127, abs=1e-4)
    assert c["safe_soil_p50_mg_kg"].iloc[3] == pytest.approx(11.546, abs=1e-3)
    assert c["note"].iloc[3] == ("safe soil threshold at probability 0.5 (11.5 mg/kg) lies outside the soil Cd range of "
                                 "synth_rice_cd_ph (0.05–10 mg/kg): extrapolated beyond the data of the function, "
                                 "not clipped")
    assert c["note"].iloc[2] == ""
    # a function that publishes no range: unknown, as in safe-soil
    w = safe_soil_curve("mcgrath2002_wheat_cd", [6.0, 10.5], tables=tables)
    assert w["extrapolated"].tolist() == ["unknown", None]
    # the same flag and thresholds as agriremed safe-soil gives a plot at pH 7 with that function
    from agriremed.stages.uptake.thresholds import safe_thresholds
    plot = pd.DataFrame({"plot_id": ["a"], "region": ["Jiangxi/Yichun"], "land_use": ["paddy"], "crop": ["rice"],
                         "ph": [7.0], "cd_mg_kg": [0.3], "som_pct": [2.5], "clay_pct": [25.0]})
    t = safe_thresholds(plot, metals=["cd"], tables=tables).iloc[0]
    assert t["function_id"] == "synth_rice_cd_ph"
    assert t["extrapolated"] == c["extrapolated"].iloc[3]
    assert t["safe_soil_p50_mg_kg"] == pytest.approx(c["safe_soil_p50_mg_kg"].iloc[3], rel=1e-9)


def test_evaluate_function_refuses_negative_soil_and_ph_outside_3_to_10(tables):
    fn = tables.transfer_functions.set_index("function_id").loc["synth_rice_cd_ph"]
    fn = fn.rename("synth_rice_cd_ph")
    fn["function_id"] = "synth_rice_cd_ph"
    plots = pd.DataFrame({"plot_id": ["a", "b", "c", "d"], "ph": [2.0, 5.0, 12.0, np.nan], "cd_mg_kg": 0.5})
    got = evaluate_function(fn, plots, invalid="nan")
    assert np.isnan(got[[0, 2]]).all() and got[1] > 0
    with pytest.raises(ValueError, match=r"synth_rice_cd_ph: ph outside 3–10, the domain of the transfer "
                                         r"functions, for plot\(s\) a \(2\), c \(12\)"):
        evaluate_function(fn, plots)
    with pytest.raises(ValueError, match="synth_rice_cd_ph: negative soil concentration for plot"):
        evaluate_function(fn, plots.assign(cd_mg_kg=[0.5, -0.1, 0.5, 0.5]))


def test_a_missing_ph_is_reported_as_missing_not_as_outside_the_domain():
    from agriremed.core.messages import render
    from agriremed.stages.uptake.predict import unassessed_metals

    plots = pd.DataFrame({"plot_id": ["n1", "lo", "ok"], "crop": "rice", "ph": [np.nan, 2.5, 6.0],
                          "cd_mg_kg": 0.5, "land_use": "paddy", "region": ""})
    u = unassessed_metals(plots).set_index("plot_id")
    assert sorted(u.index) == ["lo", "n1"]
    assert u.loc["n1", "reason"] == "soil pH missing: the transfer functions need it"
    assert render(u.loc["n1", "reason_msg"], "zh") == "缺少土壤pH：转移函数需要该值"
    assert u.loc["lo", "reason"] == "soil pH outside 3–10, the domain of the transfer functions"
