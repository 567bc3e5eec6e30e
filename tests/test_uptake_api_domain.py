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
    assert c["note"].tolist()[:3] == ["pH outside 3–10, the domain of the transfer functions: not used",
                                      "extrapolated: ph = 3.9: the function's trend continued beyond 4–8.5 "
                                      "(as a plan predicts there)",
                                      ""]
    # a function without a published pH range keeps the domain of all functions, 3–10
    w = safe_soil_curve("mcgrath2002_wheat_cd", [2.5, 6.0, 10.5])
    assert w["safe_soil_mg_kg"].isna().tolist() == [True, False, True]


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
