"""The pH-water → pH-KCl conversion (Kabała et al. 2016) is used only where it can hold
(pH-KCl ≤ pH-water); beyond, a function that needs pH-KCl is skipped with the reason, and every
function that uses the conversion cites it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agriremed.core.tables import load_tables, split_keys
from agriremed.models.uptake import PH_KCL_CONVERSION_MAX, ph_kcl_from_ph_water, ph_water_from_ph_kcl
from agriremed.stages.uptake.predict import predict_crop_concentration, unassessed_metals


def test_conversion_never_gives_ph_kcl_above_ph_water():
    w = np.linspace(3.0, 10.0, 701)
    k = ph_kcl_from_ph_water(w)
    assert np.all(k[np.isfinite(k)] <= w[np.isfinite(k)])
    # the bound is where the fitted relation crosses pH-KCl = pH-water
    assert PH_KCL_CONVERSION_MAX == pytest.approx(9.1153, abs=1e-4)
    assert 10.0 ** ((0.14 + 0.99 * PH_KCL_CONVERSION_MAX + 1.95) / 11.58) == pytest.approx(PH_KCL_CONVERSION_MAX)
    assert np.isfinite(k).sum() == int((w <= PH_KCL_CONVERSION_MAX).sum())
    assert float(ph_kcl_from_ph_water(8.0)) == pytest.approx(7.3185, abs=1e-4)      # unchanged inside
    assert np.isnan(ph_kcl_from_ph_water(10.0)) and np.isnan(ph_kcl_from_ph_water(9.2))
    assert float(ph_water_from_ph_kcl(ph_kcl_from_ph_water(9.0))) == pytest.approx(9.0)
    assert np.isnan(ph_water_from_ph_kcl(9.3))                                      # would be pH-water 9.19 < 9.3


def _pak_choi(ph, **extra):
    n = len(ph)
    return pd.DataFrame({"plot_id": [f"p{i}" for i in range(n)], "crop": ["pak_choi"] * n, "cd_mg_kg": [0.8] * n,
                         "ph": ph, "som_pct": [2.0] * n, "clay_pct": [20.0] * n, "land_use": ["dryland"] * n,
                         "region": [""] * n, **extra})


def test_a_plot_beyond_the_conversion_is_reported_not_predicted():
    plots = _pak_choi([8.0, 9.5])
    pred = predict_crop_concentration(plots)
    assert pred["plot_id"].tolist() == ["p0"]
    assert pred.loc[0, "function_id"] == "devries2007_lettuce_cd_leafy"
    assert pred.loc[0, "crop_dw_p50_mg_kg"] == pytest.approx(0.48745, rel=1e-4)
    u = unassessed_metals(plots)
    assert u["plot_id"].tolist() == ["p1"]
    assert u.loc[0, "reason"] == ("no function could be used: devries2007_lettuce_cd_leafy (ph_kcl not estimated "
                                  "from ph = 9.5: above 9.12, the pH-water → pH-KCl conversion (Kabała et al. 2016) "
                                  "gives pH-KCl above pH-water)")


def test_a_measured_ph_kcl_is_used_at_any_ph():
    pred = predict_crop_concentration(_pak_choi([9.5], ph_kcl=[8.5]))
    assert pred["plot_id"].tolist() == ["p0"]
    # log10 C = 2.55 − 0.33·8.5 − 0.39·log10 2 − 0.19·log10 20 + 0.85·log10 0.8 (dry weight)
    dw = 10 ** (2.55 - 0.33 * 8.5 - 0.39 * np.log10(2.0) - 0.19 * np.log10(20.0) + 0.85 * np.log10(0.8))
    assert pred.loc[0, "crop_dw_p50_mg_kg"] == pytest.approx(dw, rel=1e-9)


def test_every_function_using_the_conversion_cites_it():
    tf = load_tables().transfer_functions
    uses = tf.loc[tf["terms"].str.contains("ph_kcl"), ["function_id", "source"]]
    assert len(uses) >= 6 and "devries2007_lettuce_cd_leafy" in set(uses["function_id"])
    assert all("kabala2016_ph" in split_keys(s) for s in uses["source"])
