"""Fitting transfer functions: recovery of known coefficients, diagnostics, cross-validation,
saving and using a fitted function, validation of pairs tables."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.stages import uptake
from agriremed.core.tables import load_tables, source_problems
from agriremed.io.pairs import fit_transfer_function, som_from_oc, validate_pairs, write_fit
from agriremed.stages.uptake.fit import FitError

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "data" / "samples" / "soil_crop_pairs.csv"
TRUE = {"const": 0.5, "log10(soil)": 0.6, "ph": -0.15, "log10(som_pct)": -0.3}
TERMS = ["log10(soil)", "ph", "log10(som_pct)"]


def simulate(n=400, seed=8, noise=0.2, outliers=0.0):
    """Pairs from log10 C_plant = 0.5 + 0.6·log10 S − 0.15·pH − 0.3·log10 SOM + N(0, noise)."""
    rng = np.random.default_rng(seed)
    soil = np.exp(rng.normal(np.log(0.5), 0.8, n))
    ph = rng.uniform(4.5, 8.0, n)
    som = rng.uniform(1.0, 5.0, n)
    lp = (TRUE["const"] + TRUE["log10(soil)"] * np.log10(soil) + TRUE["ph"] * ph
          + TRUE["log10(som_pct)"] * np.log10(som) + rng.normal(0.0, noise, n))
    lp[: int(outliers * n)] += 1.0  # gross errors in the first rows
    return pd.DataFrame({"pair_id": [f"S{i:03d}" for i in range(n)], "soil_cd_mg_kg": soil,
                         "plant_cd_mg_kg": 10 ** lp, "ph": ph, "som_pct": som})


@pytest.fixture(scope="module")
def sim_fit():
    return fit_transfer_function(simulate(), crop="rice", terms=TERMS)


def test_recovers_known_coefficients_within_their_95_ci(sim_fit):
    c = sim_fit.coefficients.set_index("model_term")
    assert list(c.index) == ["const", *TERMS]
    for term, true in TRUE.items():
        assert c.loc[term, "coef_ci_low"] <= true <= c.loc[term, "coef_ci_high"], term
    # the intervals are informative: a wrong coefficient lies outside them
    assert c.loc["log10(soil)", "coef_ci_high"] < TRUE["log10(soil)"] + 0.1
    assert c.loc["ph", "coef_ci_low"] > TRUE["ph"] - 0.05 and c.loc["ph", "coef_ci_high"] < 0
    # residual SE estimates the simulated noise (0.2 log10 units)
    assert sim_fit.stats["se_log10"] == pytest.approx(0.2, rel=0.1)
    assert sim_fit.stats["n"] == 400 and sim_fit.stats["n_params"] == 4


def test_ci_is_the_t_interval_of_ols(sim_fit):
    c = sim_fit.coefficients
    from scipy import stats

    t = stats.t.ppf(0.975, 400 - 4)
    np.testing.assert_allclose(c["coef_ci_high"] - c["coef"], t * c["coef_se"], rtol=1e-10)


def test_robust_fit_resists_gross_errors():
    d = simulate()
    d.loc[:19, "plant_cd_mg_kg"] *= 1000.0  # 5 % of the plant values entered in µg/kg
    ols = fit_transfer_function(d, crop="rice", terms=TERMS)
    hub = fit_transfer_function(d, crop="rice", terms=TERMS, method="huber")
    oc, hc = (f.coefficients.set_index("model_term") for f in (ols, hub))
    inside = lambda c: [c.loc[t, "coef_ci_low"] <= v <= c.loc[t, "coef_ci_high"] for t, v in TRUE.items()]
    assert not all(inside(oc))       # OLS is pulled away from the truth by the unit errors
    assert all(inside(hc))           # Huber's intervals hold every true coefficient
    assert ols.stats["se_log10"] > 0.6 and hub.stats["se_log10"] == pytest.approx(0.2, rel=0.15)
    w = hub.diagnostics["robust_weight"].to_numpy()
    assert w[:20].max() < 0.3 and w[20:].mean() > 0.9
    assert ols.diagnostics["influential"].iloc[:20].sum() >= 15


def test_sample_pairs_recover_the_generating_functions():
    # data/samples/soil_crop_pairs.csv was simulated from jiangsu2007_rice_cd / _wheat_cd + N(0, 0.25)
    generating = {"rice": [-0.369, 0.153, -0.068], "wheat": [0.624, 0.421, -0.164]}
    for crop, true in ((c, np.array(v)) for c, v in generating.items()):
        f = fit_transfer_function(PAIRS, crop=crop, terms=["log10(soil)", "ph"])
        c = f.coefficients
        assert ((c["coef_ci_low"] <= true) & (true <= c["coef_ci_high"])).all(), crop
        assert f.stats["n"] == 120


def test_prediction_interval_covers_about_95_percent(sim_fit):
    d = sim_fit.diagnostics
    obs = 10 ** d["log10_plant_obs"]
    inside = ((obs >= d["plant_pi_low_mg_kg"]) & (obs <= d["plant_pi_high_mg_kg"])).mean()
    assert 0.92 <= inside <= 0.98
    assert (d["plant_pi_low_mg_kg"] < d["plant_fit_mg_kg"]).all()
    np.testing.assert_allclose(np.log10(d["plant_fit_mg_kg"]), d["log10_plant_fit"], rtol=1e-12)


def test_cooks_distance_flags_an_influential_pair():
    d = simulate(n=100, seed=3)
    d.loc[0, ["soil_cd_mg_kg", "plant_cd_mg_kg"]] = [50.0, 0.01]  # far out in soil, far below the line
    f = fit_transfer_function(d, crop="rice", terms=TERMS)
    diag = f.diagnostics
    assert diag["cooks_distance"].idxmax() == 0
    assert bool(diag.loc[0, "influential"]) and diag.loc[0, "leverage"] == diag["leverage"].max()
    assert f.stats["cooks_threshold"] == pytest.approx(4 / 100)
    assert f.stats["n_influential"] == int(diag["influential"].sum())


def test_cross_validation_is_seeded_and_ranks_models(sim_fit):
    cv = sim_fit.cv.set_index("model")
    assert list(cv.index) == ["loglog", "bcf", "gbm", "mean"]
    assert cv.loc["loglog", "rmse_log10"] == pytest.approx(0.2, rel=0.15)
    assert cv.loc["loglog", "rmse_log10"] < cv.loc["bcf", "rmse_log10"] < cv.loc["mean", "rmse_log10"]
    assert cv.loc["loglog", "r2_cv"] > 0.5 and abs(cv.loc["mean", "r2_cv"]) < 0.05
    again = fit_transfer_function(simulate(), crop="rice", terms=TERMS)
    pd.testing.assert_frame_equal(again.cv, sim_fit.cv)
    other = fit_transfer_function(simulate(), crop="rice", terms=TERMS, seed=1)
    assert not np.allclose(other.cv["rmse_log10"], sim_fit.cv["rmse_log10"])
    p = sim_fit.cv_predictions
    assert len(p) == 4 * 400 and set(p["fold"]) == set(range(5))


def test_bcf_statistics_hand_computed():
    d = pd.DataFrame({"soil_cd_mg_kg": [1.0, 2.0, 4.0, 1.0, 2.0, 4.0, 0.5, 8.0],
                      "plant_cd_mg_kg": [0.1, 0.4, 0.4, 0.4, 0.1, 1.6, 0.05, 0.8],
                      "ph": [5.0, 6.0, 7.0, 5.5, 6.5, 7.5, 6.0, 6.2]})
    f = fit_transfer_function(d, crop="rice", terms=["log10(soil)", "ph"], cv_folds=2)
    ratios = np.array([0.1, 0.2, 0.1, 0.4, 0.05, 0.4, 0.1, 0.1])
    assert f.stats["bcf_arithmetic_mean"] == pytest.approx(ratios.mean())
    assert f.stats["bcf_geometric_mean"] == pytest.approx(np.exp(np.log(ratios).mean()))


def test_function_row_predicts_like_the_fit(sim_fit, plots_factory):
    row = sim_fit.function_row().iloc[0]
    assert row["form"] == "loglinear" and row["usable"] and row["priority"] == 0
    assert row["terms"].startswith("const:") and "|log10(soil):" in row["terms"]
    # the plan's spread is the predictive one: residual SE × √(1 + p/n) × t(0.975, n − p)/z(0.975)
    # (n = 400, p = 4: × 1.00504 × 1.96599/1.95996)
    assert row["n"] == 400 and row["se_log10"] == pytest.approx(
        sim_fit.stats["se_log10"] * np.sqrt(1 + 4 / 400) * 1.965994 / 1.959964, abs=1e-4)
    ranges = uptake.parse_ranges(row["valid_ranges"])
    assert set(ranges) == {"soil", "ph", "som_pct"} and ranges["ph"][0] >= 4.5
    p = plots_factory(3, region="", ph=[5.0, 6.5, 8.5], cd_mg_kg=[0.3, 1.0, 2.0], som_pct=2.0)
    pred = uptake.predict_crop_concentration(p, tables=sim_fit.tables())
    # pH 8.5 is beyond the data: the user's function is carried on from the end of its data by the packaged
    # default of the plot's region (extrapolated), and the plot's record names the fit and why
    assert pred["function_id"].tolist() == [sim_fit.function_id] * 2 + ["synth_rice_cd_ph"]
    np.testing.assert_allclose(pred["crop_fw_p50_mg_kg"].iloc[:2], sim_fit.predict(p)["plant_fit_mg_kg"].iloc[:2],
                               rtol=1e-5)
    assert pred["extrapolated"].tolist() == [False, False, True]
    reason = f"{sim_fit.function_id} (ph = 8.5 outside its fitted range {ranges['ph'][0]:.4g}–{ranges['ph'][1]:.4g})"
    assert pred["user_fit_skipped"].tolist() == ["", "", reason]
    assert pred["selection"].iloc[2] == "skipped " + reason + "; synth_rice_cd_ph_hunan (for Hunan only)"


def test_user_function_is_carried_on_at_the_edge_of_its_data_with_the_step_reported(sim_fit, plots_factory):
    # just inside and just outside the largest soil Cd of the data: the fit inside; outside, the fit's value at the
    # end of the data carried on by the packaged default's soil exponent; the step the packaged default alone
    # would take there is reported
    hi = uptake.parse_ranges(sim_fit.function_row().iloc[0]["valid_ranges"])["soil"][1]
    p = plots_factory(2, region="", ph=6.0, som_pct=2.0, cd_mg_kg=[hi * 0.999, hi * 1.01])
    pred = uptake.predict_crop_concentration(p, tables=sim_fit.tables())
    assert pred["function_id"].tolist() == [sim_fit.function_id, "synth_rice_cd_ph"]
    assert pred["user_fit_skipped"].iloc[1].startswith(f"{sim_fit.function_id} (cd_mg_kg = {hi * 1.01:g} outside "
                                                       "its fitted range ")
    b = sim_fit.coefficients.set_index("model_term").loc["log10(soil)", "coef"]
    terms = dict((v, c) for v, t, c in uptake.parse_terms(
        sim_fit.tables().transfer_functions.set_index("function_id").loc["synth_rice_cd_ph", "terms"]) if t == "log10")
    fit_at_hi = pred["crop_fw_p50_mg_kg"].iloc[0] * (1 / 0.999) ** b
    assert pred["crop_fw_p50_mg_kg"].iloc[1] == pytest.approx(fit_at_hi * 1.01 ** terms["soil"], rel=1e-6)
    packaged = uptake.predict_crop_concentration(p).iloc[1]["crop_fw_p50_mg_kg"]
    packaged_at_hi = packaged * (1 / 1.01) ** terms["soil"]
    assert pred["user_fit_edge_ratio"].iloc[1] == pytest.approx(packaged_at_hi / fit_at_hi, rel=1e-6)
    assert np.isnan(pred["user_fit_edge_ratio"].iloc[0])


def test_written_folder_is_a_user_table_folder(sim_fit, tmp_path, plots_factory):
    paths = write_fit(sim_fit, tmp_path)
    for name in ("transfer_functions", "sources", "coefficients", "diagnostics", "cross_validation",
                 "summary"):
        assert paths[name].exists()
    wheat = fit_transfer_function(PAIRS, crop="wheat", terms=["log10(soil)", "ph"], plant_basis="dw")
    write_fit(wheat, tmp_path)  # a second fit in the same folder keeps the first
    t = load_tables(tmp_path)
    ids = set(t.transfer_functions["function_id"])
    assert {sim_fit.function_id, wheat.function_id, "mcgrath2002_wheat_cd"} <= ids
    assert source_problems(t) == []
    assert t.transfer_functions["usable"].dtype == bool
    p = plots_factory(2, region="", crop=["rice", "wheat"], land_use=["paddy", "upland"], ph=6.5)
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0), tables=t)
    assert plan.uptake["function_id"].tolist() == [sim_fit.function_id, wheat.function_id]
    assert plan.uptake["plant_basis"].tolist() == ["unknown", "dw"]


def test_oc_is_converted_to_som_with_the_sourced_factor(tables):
    d = simulate(n=60)
    with_oc = d.assign(oc_g_kg=d["som_pct"] * 10 / 1.724).drop(columns="som_pct")
    a = fit_transfer_function(d, crop="rice", terms=TERMS)
    b = fit_transfer_function(with_oc, crop="rice", terms=TERMS)
    np.testing.assert_allclose(b.coefficients["coef"], a.coefficients["coef"], rtol=1e-9)
    assert any("1.724" in n and "source Pribyl 2010)" in n for n in b.notes)
    assert tables.factor("som_per_oc") == 1.724
    assert float(som_from_oc(20.0, 1.724)) == pytest.approx(3.448)


def test_default_terms_follow_the_columns_present():
    f = fit_transfer_function(PAIRS, crop="rice")
    assert f.terms == ("log10(soil)", "ph", "log10(som_pct)", "log10(clay_pct)")
    g = fit_transfer_function(simulate(n=50).drop(columns="som_pct"), crop="rice")
    assert g.terms == ("log10(soil)", "ph")


@pytest.mark.parametrize("kwargs,message", [
    (dict(terms=["exp(soil)"]), "not understood"),
    (dict(terms=["log10(foo)", "log10(soil)"]), "unknown variable 'foo'"),
    (dict(terms=["ph"]), "must include the soil metal"),
    (dict(method="lasso"), "method 'lasso'"),
    (dict(plant_basis="wet"), "plant_basis 'wet'"),
    (dict(metal="xx"), "metal 'xx'"),
])
def test_bad_arguments_are_fit_errors(kwargs, message):
    with pytest.raises(FitError, match=message):
        fit_transfer_function(simulate(n=30), **{"crop": "rice", **kwargs})


def test_data_that_cannot_be_fitted_are_fit_errors():
    with pytest.raises(FitError, match="too few valid pairs: 5 for 4 coefficients"):
        fit_transfer_function(simulate(n=5), crop="rice", terms=TERMS)
    with pytest.raises(FitError, match="constant"):
        fit_transfer_function(simulate(n=30).assign(ph=6.0), crop="rice", terms=TERMS)
    with pytest.raises(FitError, match="required column plant_cd_mg_kg is missing"):
        fit_transfer_function(simulate(n=30).drop(columns="plant_cd_mg_kg"), crop="rice")
    with pytest.raises(FitError, match="name the crop"):
        fit_transfer_function(pd.read_csv(PAIRS))


def test_pairs_validation_names_row_column_and_expectation():
    d = pd.read_csv(PAIRS).astype({"soil_cd_mg_kg": object})
    d.loc[2, "soil_cd_mg_kg"] = "0,5"
    d.loc[3, "plant_cd_mg_kg"] = 0.0
    d.loc[4, "ph"] = 15.0
    d.loc[5, "som_pct"] = np.nan
    v = validate_pairs(d, "cd", "rice", needed=("ph", "som_pct"))
    msgs = [m for m in v.messages() if m.startswith("ERROR")]
    assert "WARNING file, column data_origin — column not read" in v.messages()[0]
    assert len(v.pairs) == 116 and v.rejected["input_row"].tolist() == [3, 4, 5, 6]
    assert msgs[0].startswith("ERROR row 3 (pair R003), column soil_cd_mg_kg: value '0,5' — decimal comma")
    assert "row 4 (pair R004), column plant_cd_mg_kg: value '0' — zero or negative" in msgs[1]
    assert "column ph: value '15' — above the valid range" in msgs[2]
    assert "expected a number ≥ 2 and ≤ 11" in msgs[2]
    assert "column som_pct — blank: the model uses this column" in msgs[3]
    assert "120 row(s) of other crops set aside (fitting rice)" in v.notes
    # the fit leaves the bad rows out and says so
    f = fit_transfer_function(d, crop="rice", terms=["log10(soil)", "ph", "log10(som_pct)"])
    assert f.stats["n"] == 116 and len(f.validation.rejected) == 4


def test_unknown_crop_in_pairs_is_reported():
    v = validate_pairs(PAIRS, "cd", "potato")
    assert not v.ok and "no row for crop 'potato'" in v.messages()[0] and "rice, wheat" in v.messages()[0]


def test_microgram_headers_are_converted_and_reported():
    d = simulate(n=40)
    ug = d.assign(plant_cd_ug_kg=d["plant_cd_mg_kg"] * 1000).drop(columns="plant_cd_mg_kg")
    a = fit_transfer_function(d, crop="rice", terms=TERMS)
    b = fit_transfer_function(ug, crop="rice", terms=TERMS)
    np.testing.assert_allclose(b.coefficients["coef"], a.coefficients["coef"], rtol=1e-9)
    assert any("states µg/kg: values converted to mg/kg (× 0.001) as plant_cd_mg_kg" in m
               for m in b.validation.messages())


def test_small_sample_widens_the_plan_spread():
    # 8 pairs, 3 terms + const: residual SE × √1.5 × t(0.975, 4)/z(0.975) = × 1.2247 × 2.7764/1.9600
    fit = fit_transfer_function(simulate(n=8, seed=3), crop="rice", terms=TERMS)
    assert fit.predictive_se() == pytest.approx(fit.stats["se_log10"] * np.sqrt(1.5) * 2.776445 / 1.959964,
                                                rel=1e-5)
    assert fit.function_row().iloc[0]["se_log10"] == pytest.approx(fit.predictive_se(), abs=1e-4)


def test_provenance_names_the_user_function_and_the_changed_tables(sim_fit, tmp_path, plots_factory):
    # run.json of a plan made with a fitted function says so; a default plan's says nothing of tables
    write_fit(sim_fit, tmp_path)
    p = plots_factory(1, region="", ph=6.0)
    mine = agriremed.plan(p, agriremed.Scenario(mc_draws=0), tables=load_tables(tmp_path)).provenance()
    default = agriremed.plan(p, agriremed.Scenario(mc_draws=0)).provenance()
    assert not any("tables" in line or "fitted to user data" in line for line in default)
    changed = next(line for line in mine if line.startswith("tables differing from the packaged ones: "))
    assert "transfer_functions (digest " in changed and "sources (digest " in changed
    fitted = [line for line in mine if line.startswith("transfer function fitted to user data: ")]
    assert fitted == [f"transfer function fitted to user data: {sim_fit.function_id} (rice Cd, n = 400, "
                      f"R² = {round(sim_fit.stats['r2'], 4)}, se_log10 = {round(sim_fit.predictive_se(), 4)}; "
                      f"source {sim_fit.source_key})"]
    out = agriremed.plan(p, agriremed.Scenario(mc_draws=0), tables=load_tables(tmp_path)).write(
        tmp_path / "out", report=False, xlsx=False)
    import json
    assert fitted[0] in json.loads(out["run"].read_text(encoding="utf-8"))["provenance"]


def test_assessment_dashboard_names_the_user_function_it_did_not_use(sim_fit, tmp_path):
    from agriremed.apps.dashboards.assessment import PlotAssessment

    write_fit(sim_fit, tmp_path)
    hi = uptake.parse_ranges(sim_fit.function_row().iloc[0]["valid_ranges"])["soil"][1]
    plots = tmp_path / "plots.csv"
    pd.DataFrame({"plot_id": ["P1"], "land_use": ["paddy"], "crop": ["rice"], "area_ha": [1.0], "ph": [6.0],
                  "som_pct": [2.0], "cd_mg_kg": [hi * 1.01], "region": [""]}).to_csv(plots, index=False)
    a = PlotAssessment(str(plots), plot_id="P1", background=False, tables=load_tables(tmp_path))
    assert a.uptake["function_id"].tolist() == ["synth_rice_cd_ph"]
    # beyond its data the fit is carried on by the packaged function's change (not skipped), and the table says so
    assert f"{sim_fit.function_id}, beyond its range carried on by the change synth_rice_cd_ph predicts" \
        in a._crop_table("en")
    assert f"{sim_fit.function_id}（超出其数据范围，按synth_rice_cd_ph预测的变化延伸）" in a._crop_table("zh")


def test_pairs_outside_the_ph_domain_are_rejected_and_never_widen_the_range(tmp_path):
    """pH 2.5 and 11 are within the column's valid range (2–11) but outside PH_DOMAIN (3–10),
    where no function is evaluated: they are errors naming the pair and line, not fitted, and the
    written range stays inside 3–10."""
    raw = pd.read_csv(PAIRS, dtype=str)
    raw = raw.loc[raw["crop"] == "rice"].reset_index(drop=True)
    raw.loc[0, "ph"], raw.loc[1, "ph"] = "2.5", "11"
    path = tmp_path / "bad_pairs.csv"
    raw.to_csv(path, index=False)
    fit = fit_transfer_function(path, crop="rice", terms=["log10(soil)", "ph"])
    msgs = fit.validation.messages()
    assert any(m.startswith(f"ERROR row 1 (line 2, pair {raw.loc[0, 'pair_id']}), column ph: value '2.5' — "
                            "outside the prediction domain") for m in msgs), msgs
    assert any(m.startswith(f"ERROR row 2 (line 3, pair {raw.loc[1, 'pair_id']}), column ph: value '11' — "
                            "outside the prediction domain") for m in msgs), msgs
    assert 1 not in set(fit.diagnostics["input_row"]) and 2 not in set(fit.diagnostics["input_row"])
    assert fit.stats["n"] == len(raw) - 2
    ph = raw["ph"].astype(float).iloc[2:]
    assert fit.valid_ranges["ph"] == (ph.min(), ph.max())
    lo, hi = fit.valid_ranges["ph"]
    assert 3.0 <= lo and hi <= 10.0
    # given straight to fit_pairs, such a pair is refused, never fitted
    v = validate_pairs(PAIRS, crop="rice")
    v.plots.loc[0, "ph"] = 11.0
    with pytest.raises(FitError, match="ph: pairs with soil pH outside 3–10"):
        uptake.fit_pairs(v, crop="rice")
