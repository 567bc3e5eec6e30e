"""Figure builders for screening, fitted transfer functions and safe thresholds."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agriremed.stages import soil, uptake
from agriremed.io import viz
from agriremed.io.pairs import fit_transfer_function

PAIRS = Path(__file__).resolve().parents[1] / "data" / "samples" / "soil_crop_pairs.csv"


@pytest.fixture(scope="module")
def fit():
    return fit_transfer_function(PAIRS, crop="wheat", terms=["log10(soil)", "ph"])


def test_fit_diagnostics_panels(fit):
    fig = viz.fit_diagnostics(fit)
    names = [t.name for t in fig.data]
    assert {"pairs", "1:1", "95 % PI"} <= set(names)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 1 and len(bars[0].y) == 120
    np.testing.assert_allclose(bars[0].y, fit.diagnostics["cooks_distance"])
    assert "R² = 0.44" in fig.layout.title.text
    assert fig.layout.shapes[-1].y0 == pytest.approx(4 / 120)  # Cook's threshold line


def test_predicted_vs_observed_reports_rmse(fit):
    fig = viz.predicted_vs_observed(fit.cv_predictions)
    legend = [t.name for t in fig.data]
    rmse = fit.cv.set_index("model")
    # pooled RMSE over all out-of-fold predictions (the table gives the mean of per-fold RMSEs)
    p = fit.cv_predictions.loc[fit.cv_predictions["model"] == "loglog"]
    pooled = np.sqrt(np.mean((p["log10_plant_pred"] - p["log10_plant_obs"]) ** 2))
    assert legend[0] == f"loglog (RMSE {pooled:.3f})" and legend[-1] == "1:1"
    assert abs(pooled - rmse.loc["loglog", "rmse_log10"]) < 0.01


def test_safe_threshold_curve_with_screening_steps(tables):
    ph = np.linspace(5, 8, 7)
    curves = pd.concat([uptake.safe_soil_curve(f, ph, crop="wheat", tables=tables)
                        for f in ("jiangsu2007_wheat_cd", "mcgrath2002_wheat_cd")])
    scr = soil.threshold_values(ph, ["upland"] * 7, "cd", tables=tables)
    gb = pd.DataFrame({"ph": ph, "screening_mg_kg": scr})
    fig = viz.safe_threshold_curve(curves, gb)
    assert [t.name for t in fig.data] == ["jiangsu2007_wheat_cd", "mcgrath2002_wheat_cd",
                                          "GB 15618 screening value"]
    assert fig.layout.yaxis.type == "log" and fig.data[2].line.shape == "hv"
    assert fig.layout.yaxis.title.text == "Safe soil threshold [mg kg⁻¹]"
