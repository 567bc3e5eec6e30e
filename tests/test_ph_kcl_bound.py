"""The pH-water → pH-KCl conversion (Kabała et al. 2016) is used only where it can hold
(pH-KCl ≤ pH-water); beyond, pH-KCl is held at the conversion's end (conservative, extrapolated, with the
reason in English and Chinese), and every function that uses the conversion cites it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agriremed.core import messages
from agriremed.core.scenario import Scenario
from agriremed.core.tables import load_tables, split_keys
from agriremed.engine.plan import plan
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


def test_a_plot_beyond_the_conversion_is_held_at_its_end():
    # above pH 9.12 in water pH-KCl is held at the conversion's end (as rice and maize are held at the end of their
    # ranges: the functions fall with pH-KCl, so this is the conservative edge), flagged extrapolated, with the
    # reason in English and Chinese; it used to be "not assessed", with an English fragment in the Chinese sentence
    top = PH_KCL_CONVERSION_MAX
    plots = _pak_choi([8.0, top - 1e-9, top + 1e-9, 9.5, 9.5], ph_kcl=[np.nan] * 4 + [top])
    pred = predict_crop_concentration(plots).set_index("plot_id")
    assert pred.index.tolist() == ["p0", "p1", "p2", "p3", "p4"]
    assert pred.loc["p0", "crop_dw_p50_mg_kg"] == pytest.approx(0.48745, rel=1e-4)
    dw = pred["crop_dw_p50_mg_kg"].astype(float)
    assert dw["p2"] == pytest.approx(dw["p1"], rel=1e-6)
    assert dw["p3"] == pytest.approx(dw["p4"], rel=1e-12)   # as if pH-KCl 9.115 had been measured
    # the pH-KCl slope −0.33 of the leafy function from pH-KCl 7.3185 (pH 8) to 9.1153
    assert dw["p3"] == pytest.approx(dw["p0"] * 10 ** (-0.33 * (top - float(ph_kcl_from_ph_water(8.0)))), rel=1e-9)
    assert dw["p3"] == pytest.approx(0.12445, rel=1e-4)
    assert pred["extrapolated"].tolist() == ["unknown", "unknown", True, True, "unknown"]
    assert pred.loc["p3", "note"] == ("pH-KCl taken at 9.12, the upper end of the pH-water → pH-KCl conversion "
                                      "(Kabała et al. 2016): the soil's pH 9.5 in water lies above it, where the "
                                      "conversion would give pH-KCl above pH-water (conservative; extrapolated, "
                                      "test the harvest)")
    zh = messages.render(pred.loc["p3", "note_msg"], "zh")
    assert zh == ("pH-KCl取9.12，即水浸提pH→KCl浸提pH换算（Kabała 等 2016）的上限：土壤水浸提pH 9.5高于该上限，"
                  "换算将得出高于水浸提pH的KCl浸提pH（保守；外推，请检测收获物）")
    assert not unassessed_metals(plots)["plot_id"].tolist()


def test_a_lettuce_plan_above_the_conversion_says_so_in_chinese():
    plots = pd.DataFrame({"plot_id": ["l95"], "region": "Jiangsu/Suzhou", "land_use": "vegetable", "crop": "lettuce",
                          "area_ha": 0.5, "ph": 9.5, "som_pct": 2.0, "clay_pct": 25.0, "cd_mg_kg": 0.3})
    p = plan(plots, Scenario(mc_draws=0), progress=False)
    u = p.uptake.set_index("plot_id")
    assert bool(u.loc["l95", "assessed"]) and u.loc["l95", "extrapolated"] is True
    zh = messages.render(p.summary.set_index("plot_id").loc["l95", "recommendation_msg"], "zh")
    assert "作物镉含量按KCl浸提pH 9.12预测，即水浸提pH→KCl浸提pH换算的上限（土壤pH 9.5高于该上限；保守，外推）——请检测收获物。" in zh
    assert "not estimated" not in zh and "above" not in zh and "未评估" not in zh


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
