"""The public uptake functions called directly: a bad argument raises a ValueError naming the argument or
column, the plot or position and the allowed range; a plot the table cannot predict is said (a warning naming
the plot and the reason, or a note in a table), and the domains are those of the plan (pH 3–10)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from agriremed.models import uptake as mu
from agriremed.stages.uptake.predict import evaluate_function, predict_and_unassessed, predict_crop_concentration
from agriremed.stages.uptake.thresholds import safe_soil_curve, safe_thresholds


def _rice_fn(tables):
    fn = tables.transfer_functions.set_index("function_id").loc["synth_rice_cd_ph"].rename("synth_rice_cd_ph")
    fn["function_id"] = "synth_rice_cd_ph"
    return fn


def _one(cd, ph):
    return pd.DataFrame({"plot_id": ["a"], "ph": [ph], "cd_mg_kg": [cd]})


@pytest.mark.parametrize("cd, ph, match", [
    (0.0, 5.0, r"synth_rice_cd_ph: cd_mg_kg ≤ 0 for plot\(s\) a \(0\); the function takes its log10 and needs a "
               r"value > 0"),
    (np.nan, 5.0, r"synth_rice_cd_ph: cd_mg_kg missing for plot\(s\) a; the function needs it \(a number > 0\)"),
    (0.5, np.nan, r"synth_rice_cd_ph: ph missing for plot\(s\) a"),
    (np.inf, 5.0, r"synth_rice_cd_ph: cd_mg_kg is not finite for plot\(s\) a \(inf\)"),
    (0.5, 2.0, r"synth_rice_cd_ph: ph outside 3–10, the domain of the transfer functions, for plot\(s\) a \(2\); "
               r"expected a soil pH in water from 3 to 10"),
    ("x", 5.0, r"cd_mg_kg: not a number in row 1 \(plot a\): 'x'; expected a number"),
    (0.5, "acid", r"ph: not a number in row 1 \(plot a\): 'acid'; expected a soil pH in water \(3–10 for a "
                  r"prediction\)"),
])
def test_evaluate_function_names_the_column_the_plot_and_the_range(tables, cd, ph, match):
    with pytest.raises(ValueError, match=match):
        evaluate_function(_rice_fn(tables), _one(cd, ph))


def test_evaluate_function_keeps_the_library_nan_on_request(tables):
    fn = _rice_fn(tables)
    got = evaluate_function(fn, pd.DataFrame({"plot_id": list("abcd"), "ph": [2.0, 5.0, np.nan, 5.0],
                                              "cd_mg_kg": [0.5, 0.5, 0.5, 0.0]}), invalid="nan")
    assert np.isnan(got[[0, 2, 3]]).all()
    # 10^(0.4519 + 0.4305·log10 0.5 − 0.22975·5) = 0.14913 (transfer_functions.csv, synth_rice_cd_ph)
    assert got[1] == pytest.approx(evaluate_function(fn, _one(0.5, 5.0))[0])
    assert got[1] == pytest.approx(0.14913, abs=5e-5)


def test_predict_crop_concentration_says_why_a_plot_has_no_row(tables):
    from agriremed.stages.uptake.predict import NotAssessedWarning

    base = dict(crop="rice", land_use="paddy", region="", som_pct=2.5, clay_pct=25.0)
    plots = pd.DataFrame([dict(base, plot_id="lo", ph=2.0, cd_mg_kg=0.5),
                          dict(base, plot_id="z", ph=5.0, cd_mg_kg=0.0),
                          dict(base, plot_id="ok", ph=5.0, cd_mg_kg=0.5)])
    with pytest.warns(NotAssessedWarning) as rec:
        pred = predict_crop_concentration(plots, metals=["cd"], tables=tables)
    assert pred["plot_id"].tolist() == ["ok"]
    text = str(rec[0].message)
    assert text.startswith("2 plot × metal without a prediction (plot lo, cd: soil pH outside 3–10, the domain "
                           "of the transfer functions; plot z, cd: no function could be used: synth_rice_cd_ph "
                           "(cd_mg_kg = 0: outside the function's domain, which needs a value > 0))")
    # a crop without any function for a metal is no warning (the plan lists it as not assessed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        predict_crop_concentration(plots.iloc[[2]].assign(zn_mg_kg=90.0), tables=tables)
        predict_and_unassessed(plots, metals=["cd"], tables=tables)


@pytest.mark.parametrize("col, value, match", [
    ("cd_mg_kg", "x", r"cd_mg_kg: not a number in row 1 \(plot a\): 'x'"),
    ("ph", np.inf, r"ph: not finite for plot\(s\) a \(inf\); expected a soil pH in water \(3–10 for a prediction\)"),
    ("cd_mg_kg", np.inf, r"cd_mg_kg: not finite for plot\(s\) a \(inf\)"),
    ("som_pct", "lots", r"som_pct: not a number in row 1 \(plot a\): 'lots'"),
])
def test_predict_crop_concentration_refuses_text_and_infinite_values(tables, col, value, match):
    plots = pd.DataFrame({"plot_id": ["a"], "crop": "rice", "land_use": "paddy", "region": "", "ph": [5.0],
                          "cd_mg_kg": [0.5], "som_pct": [2.5]}).astype({col: object})
    plots.loc[0, col] = value
    with pytest.raises(ValueError, match=match):
        predict_crop_concentration(plots, metals=["cd"], tables=tables)


def test_critical_median_refuses_a_negative_spread_and_a_limit_that_is_not_positive():
    with pytest.raises(ValueError, match=r"se_log10 = -0.45: expected a spread ≥ 0 log10 units"):
        mu.critical_median(0.2, "fw", 0.14, -0.45)
    with pytest.raises(ValueError, match=r"se_log10 = position 1: -0.1: expected a spread ≥ 0"):
        mu.critical_median(0.2, "fw", 0.14, [0.3, -0.1])
    with pytest.raises(ValueError, match=r"limit_mg_kg = 0: expected a food limit > 0 mg/kg"):
        mu.critical_median(0.0, "fw", 0.14, 0.3)
    assert float(mu.critical_median(0.2, "fw", 0.14, 0.0)) == pytest.approx(0.2)


def test_safe_soil_curve_solves_where_the_plan_predicts(tables):
    """pH 3.9 is outside synth_rice_cd_ph's 4–8.5 but inside 3–10: the plan predicts there at the edge (the
    function's trend continued), so the curve gives the threshold safe-soil gives a plot there."""
    c = safe_soil_curve("synth_rice_cd_ph", [2.5, 3.9, 5.0, 9.0, np.nan], tables=tables)
    plot = pd.DataFrame({"plot_id": ["p"], "crop": "rice", "land_use": "paddy", "region": "", "ph": [3.9],
                         "cd_mg_kg": [0.5]})
    cli = safe_thresholds(plot, metals=["cd"], tables=tables)
    assert cli["function_id"].iloc[0] == "synth_rice_cd_ph"
    assert c["safe_soil_mg_kg"].iloc[1] == pytest.approx(cli["safe_soil_mg_kg"].iloc[0], rel=1e-9)
    assert c["safe_soil_mg_kg"].iloc[1] == pytest.approx(0.004714, rel=1e-3)
    # above the range the value at its end (pH 8.5), as the plan holds rice there
    assert c["safe_soil_mg_kg"].iloc[3] == pytest.approx(
        safe_soil_curve("synth_rice_cd_ph", [8.5], tables=tables)["safe_soil_mg_kg"].iloc[0], rel=1e-12)
    # a threshold outside the soil range (0.05–10 mg/kg) is named, as safe-soil names it
    out = ("safe soil threshold at probability {} ({} mg/kg) lies outside the soil Cd range of synth_rice_cd_ph "
           "(0.05–10 mg/kg): extrapolated beyond the data of the function, not clipped")
    assert c["note"].tolist() == [
        "pH outside 3–10, the domain of the transfer functions: not used",
        "extrapolated: ph = 3.9: the function's trend continued beyond 4–8.5 (as a plan predicts there); "
        + out.format("0.95", "0.00471"),
        out.format("0.95", "0.0182"),
        "extrapolated: ph = 9: taken at 8.5, the end of 4–8.5 (as a plan predicts there); " + out.format("0.5", "72.9"),
        "pH missing: not used"]
    assert c["extrapolated"].tolist() == [None, True, True, True, None]
    assert cli["extrapolated"].iloc[0] == c["extrapolated"].iloc[1]
    assert c["safe_soil_mg_kg"].isna().tolist() == [True, False, False, False, True]
    with pytest.raises(ValueError, match=r"ph: position 1 \('acid'\) is not a number; expected a soil pH in "
                                         r"water from 3 to 10"):
        safe_soil_curve("synth_rice_cd_ph", [5.0, "acid"], tables=tables)
    with pytest.raises(ValueError, match=r"som_pct: position 0 \('high'\) is not a number"):
        safe_soil_curve("devries2007_lettuce_cd", [6.0], som_pct="high", clay_pct=20, tables=tables)
