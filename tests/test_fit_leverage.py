"""A function fitted by fit-uptake carries the covariance of its coefficients, and a plan widens each
plot's prediction interval by the plot's leverage: √(σ² + x0ᵀ·Cov(β)·x0) × t/z."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from agriremed.apps.cli import main
from agriremed.core.tables import TableError, load_tables, parse_coef_cov, term_names
from agriremed.io.pairs import fit_transfer_function, write_fit
from agriremed.stages import uptake
from agriremed.stages.uptake.thresholds import safe_thresholds

from plotdata import make_plots

TRUE = (0.3, 0.5, -0.2)  # log10 C_plant = 0.3 + 0.5·log10 S − 0.2·pH + N(0, 0.2)
N = 40
LIMIT = 0.2  # GB 2762 rice Cd [mg/kg]


def pairs(seed=20261206):
    rng = np.random.default_rng(seed)
    soil = np.round(np.exp(rng.normal(np.log(0.6), 0.7, N)), 6)
    ph = np.round(rng.uniform(5.0, 6.5, N), 6)
    lp = TRUE[0] + TRUE[1] * np.log10(soil) + TRUE[2] * ph + rng.normal(0.0, 0.2, N)
    return pd.DataFrame({"pair_id": [f"S{i:02d}" for i in range(N)], "crop": "rice", "soil_cd_mg_kg": soil,
                         "plant_cd_mg_kg": np.round(10 ** lp, 8), "ph": ph})


def hand_spread(d: pd.DataFrame, soil, ph) -> np.ndarray:
    """OLS prediction SD at (soil, ph), widened by t(0.975, n − p)/z(0.975), by numpy alone."""
    X = np.column_stack([np.ones(len(d)), np.log10(d["soil_cd_mg_kg"]), d["ph"]])
    y = np.log10(d["plant_cd_mg_kg"].to_numpy(float))
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    s2 = float(np.sum((y - X @ beta) ** 2)) / (len(y) - 3)
    xtx_inv = np.linalg.inv(X.T @ X)
    x0 = np.column_stack([np.ones(len(soil)), np.log10(soil), ph])
    lev = np.einsum("ij,jk,ik->i", x0, xtx_inv, x0)
    return np.sqrt(s2 * (1.0 + lev)) * stats.t.ppf(0.975, len(y) - 3) / stats.norm.ppf(0.975)


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """The pairs, fitted through the CLI into a folder, and the plan of three plots with that folder."""
    tmp = tmp_path_factory.mktemp("lev")
    d = pairs()
    d.to_csv(tmp / "pairs.csv", index=False)
    assert main(["fit-uptake", str(tmp / "pairs.csv"), "--crop", "rice", "--metal", "cd", "--terms",
                 "log10(soil),ph", "--out", str(tmp / "fit")]) == 0
    centre_soil = round(float(10 ** np.log10(d["soil_cd_mg_kg"]).mean()), 6)
    centre_ph = round(float(d["ph"].mean()), 6)
    # P1 at the centre of the data, P2 at a corner of it (low soil Cd, high pH: the user's function is
    # used only inside the range of its data), P3 wheat (a packaged function)
    plots = make_plots(3, region="", crop=["rice", "rice", "wheat"], land_use=["paddy", "paddy", "upland"],
                       cd_mg_kg=[centre_soil, 0.14, 0.5], ph=[centre_ph, 6.48, 6.0])
    plots.to_csv(tmp / "plots.csv", index=False)
    assert main(["plan", str(tmp / "plots.csv"), "--out", str(tmp / "plan"), "--tables", str(tmp / "fit"),
                 "--draws", "0", "--no-report", "--no-xlsx", "--quiet"]) == 0
    up = pd.read_csv(tmp / "plan" / "crop_uptake.csv", encoding="utf-8-sig")
    up = up.loc[(up["metal"] == "cd") & up["assessed"]].set_index("plot_id")
    tf = pd.read_csv(tmp / "fit" / "transfer_functions.csv", keep_default_na=False)
    return {"pairs": d, "up": up, "tf": tf.iloc[0], "folder": tmp / "fit", "plots": plots,
            "soil": np.array([centre_soil, 0.14]), "ph": np.array([centre_ph, 6.48])}


def test_plan_spread_is_the_ols_prediction_sd_at_each_plot(fitted):
    up, row = fitted["up"], fitted["tf"]
    fid = "user_rice_cd_pairs"
    assert up.loc[["P1", "P2"], "function_id"].tolist() == [fid, fid]
    expected = hand_spread(fitted["pairs"], fitted["soil"], fitted["ph"])
    np.testing.assert_allclose(up.loc[["P1", "P2"], "se_log10"].to_numpy(float), expected, rtol=1e-6)
    old = float(row["se_log10"])  # the constant spread at the mean leverage p/n
    assert expected[0] < old < expected[1]
    # at the centre of the data the leverage is 1/n, against p/n = 3/n on average
    assert expected[0] == pytest.approx(old * np.sqrt((1 + 1 / N) / (1 + 3 / N)), rel=2e-3)
    assert expected[1] > 1.04 * old  # a corner of the data widens the interval
    # P5–P95 follow the plot's spread
    f = 10 ** (stats.norm.ppf(0.95) * expected)
    np.testing.assert_allclose(up.loc[["P1", "P2"], "crop_fw_p95_mg_kg"].to_numpy(float),
                               up.loc[["P1", "P2"], "crop_fw_p50_mg_kg"].to_numpy(float) * f, rtol=1e-6)
    # the packaged wheat function keeps its constant se_log10
    wheat = load_tables().transfer_functions.set_index("function_id").loc[up.loc["P3", "function_id"]]
    assert up.loc["P3", "se_log10"] == float(wheat["se_log10"])


def test_exceedance_probability_uses_the_plot_spread(fitted):
    up = fitted["up"]
    se = hand_spread(fitted["pairs"], fitted["soil"], fitted["ph"])
    p50 = up.loc[["P1", "P2"], "crop_fw_p50_mg_kg"].to_numpy(float)
    z = (np.log10(LIMIT) - np.log10(p50)) / se
    p_exceed = up.loc[["P1", "P2"], "p_exceed_limit"].to_numpy(float)
    np.testing.assert_allclose(p_exceed, 1.0 - stats.norm.cdf(z), rtol=1e-6)
    old = 1.0 - stats.norm.cdf((np.log10(LIMIT) - np.log10(p50)) / float(fitted["tf"]["se_log10"]))
    # both medians are below the limit: a narrower spread lowers P(exceed), a wider one raises it
    assert (p50 < LIMIT).all()
    assert p_exceed[0] < old[0] and p_exceed[1] > 1.2 * old[1]


def test_coef_cov_round_trips_through_the_table_folder(fitted):
    fid = "user_rice_cd_pairs"
    row = fitted["tf"]
    assert row["coef_cov"].startswith("const*const:") and "|log10(soil)*ph:" in row["coef_cov"]
    d = fitted["pairs"]
    X = np.column_stack([np.ones(N), np.log10(d["soil_cd_mg_kg"]), d["ph"]])
    y = np.log10(d["plant_cd_mg_kg"].to_numpy(float))
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    s2 = float(np.sum((y - X @ beta) ** 2)) / (N - 3)
    assert float(row["se_resid_log10"]) == pytest.approx(np.sqrt(s2), rel=1e-7)
    tf = load_tables(fitted["folder"]).transfer_functions.set_index("function_id")
    cov = parse_coef_cov(tf.loc[fid, "coef_cov"], term_names(tf.loc[fid, "terms"]))
    np.testing.assert_allclose(cov, s2 * np.linalg.inv(X.T @ X), rtol=1e-7)
    # the packaged functions have none: their spread stays the constant se_log10
    packaged = tf.drop(index=fid)
    assert (packaged["coef_cov"] == "").all() and packaged["se_resid_log10"].isna().all()
    assert set(uptake.function_spreads(load_tables(fitted["folder"]))) == {fid}


def test_robust_fit_uses_the_covariance_the_fit_reports():
    d = pairs()
    d.loc[:2, "plant_cd_mg_kg"] *= 30.0  # three gross errors
    fit = fit_transfer_function(d, crop="rice", terms=["log10(soil)", "ph"], method="huber")
    cov = np.asarray(fit.result.cov_params(), float)
    row = fit.function_row().iloc[0]
    np.testing.assert_allclose(parse_coef_cov(row["coef_cov"], ["const", "log10(soil)", "ph"]), cov, rtol=1e-7)
    assert row["se_resid_log10"] == pytest.approx(float(fit.result.scale), rel=1e-7)
    p = make_plots(1, region="", cd_mg_kg=0.8, ph=6.4)
    pred = uptake.predict_crop_concentration(p, tables=fit.tables())
    x0 = np.array([1.0, np.log10(0.8), 6.4])
    se = np.sqrt(float(fit.result.scale) ** 2 + x0 @ cov @ x0) * stats.t.ppf(0.975, N - 3) / stats.norm.ppf(0.975)
    assert pred["se_log10"].iloc[0] == pytest.approx(se, rel=1e-6)


def test_safe_thresholds_use_the_plot_spread(fitted):
    fit = fit_transfer_function(fitted["pairs"], crop="rice", terms=["log10(soil)", "ph"])
    p = fitted["plots"].iloc[:2]
    th = safe_thresholds(p, tables=fit.tables()).set_index("plot_id")
    se = hand_spread(fitted["pairs"], fitted["soil"], fitted["ph"])
    np.testing.assert_allclose(th.loc[["P1", "P2"], "se_log10"].to_numpy(float), se, rtol=1e-6)
    # at the safe soil Cd the median is the limit lowered by z(0.95)·se, the spread at the threshold's own leverage
    # (the threshold is solved on the plan's prediction: there it exceeds the limit with probability 0.05)
    c = fit.coefficients.set_index("model_term")["coef"]
    b, a, k = c["log10(soil)"], c["const"], c["ph"]
    got = th.loc[["P1", "P2"], "safe_soil_mg_kg"].to_numpy(float)
    se_at = hand_spread(fitted["pairs"], got, fitted["ph"])
    safe = 10 ** ((np.log10(LIMIT) - stats.norm.ppf(0.95) * se_at - a - k * fitted["ph"]) / b)
    np.testing.assert_allclose(got, safe, rtol=1e-4)  # the function row keeps 6 significant digits


@pytest.mark.parametrize("cell, n, resid, message", [
    ("const*const:0.5|const*log10(soil):0.1", 40, 0.2,
     "line 2 (function user_x), column coef_cov: no entry for const*ph, log10(soil)*log10(soil)"),
    ("const*const:0.5|const*soil:0.1", 40, 0.2,
     "column coef_cov: entry 'const*soil:0.1': term 'soil' is not a term of the function"),
    ("const*const:abc", 40, 0.2, "column coef_cov: entry 'const*const:abc': value 'abc' is not a number"),
    ("", 40, 0.2, "column se_resid_log10: 0.2 given without coef_cov"),
    (None, 40, "", "column se_resid_log10: blank; expected the residual SE"),
    (None, 3, 0.2, "column n: 3; expected the number of pairs fitted, more than the 3 coefficients"),
])
def test_a_bad_coef_cov_names_line_column_and_expectation(tmp_path, fitted, cell, n, resid, message):
    row = fitted["tf"].copy()
    row["function_id"] = "user_x"
    if cell is not None:
        row["coef_cov"] = cell
    row["n"], row["se_resid_log10"] = n, resid
    pd.DataFrame([row]).to_csv(tmp_path / "transfer_functions.csv", index=False)
    with pytest.raises(TableError) as err:
        load_tables(tmp_path)
    assert message in str(err.value) and str(Path(tmp_path) / "transfer_functions.csv") in str(err.value)


def test_write_fit_keeps_older_rows_without_coef_cov(tmp_path, fitted):
    old = fitted["tf"].drop(["coef_cov", "se_resid_log10"]).copy()
    old["function_id"] = "user_old"
    pd.DataFrame([old]).to_csv(tmp_path / "transfer_functions.csv", index=False)
    fit = fit_transfer_function(fitted["pairs"], crop="rice", terms=["log10(soil)", "ph"], function_id="user_new")
    write_fit(fit, tmp_path)
    tf = load_tables(tmp_path).transfer_functions.set_index("function_id")
    assert tf.loc["user_old", "coef_cov"] == "" and np.isnan(tf.loc["user_old", "se_resid_log10"])
    assert set(uptake.function_spreads(load_tables(tmp_path))) == {"user_new"}
