"""One-at-a-time sensitivity: each range end moves the output the way the model says."""

import numpy as np
import pytest

from agriremed.engine.sensitivity import sensitivity_rows, tornado


def test_rows_cover_the_option_its_yield_and_the_crop(tables):
    rows = sensitivity_rows(tables, "sedum_plumbizincicola", {"rice"})
    labels = [r[0] for r in rows]
    assert "shoot_exponent_b (cd)" in labels and "biomass yield" in labels
    assert "crop_price_cny_t (rice)" in labels
    assert "soil_ref_mg_kg (cd)" not in labels                       # no range: nothing to vary


def test_tornado_years_to_target(sample_plots_path):
    t = tornado(sample_plots_path, "HN-ZZ-01", "sedum_plumbizincicola", "years_to_target")
    assert t.attrs == {"plot_id": "HN-ZZ-01", "option_id": "sedum_plumbizincicola",
                       "output": "years_to_target"}
    assert (np.diff(t["swing"].to_numpy()) <= 0).all()               # largest swing first
    r = t.set_index("parameter")
    # more biomass or a higher shoot concentration never lengthens clean-up
    assert r.loc["biomass yield", "output_at_high"] < r.loc["biomass yield", "base"] < \
        r.loc["biomass yield", "output_at_low"]
    assert r.loc["shoot_ref_mg_kg (cd)", "output_at_high"] < r.loc["shoot_ref_mg_kg (cd)", "output_at_low"]
    # costs do not change the clean-up time
    assert r.loc["annual_cost_cny_ha", "swing"] == 0
    # hand check of one end: the low yield 1.8 t/ha in the declining-BCF formula
    a = 1.8 * 109.3 * 1.244 ** -0.614 / (0.2 * 1.12 * 1e4)
    expected = (0.86 ** 0.386 - 0.3 ** 0.386) / (0.386 * a)
    assert r.loc["biomass yield", "output_at_low"] == pytest.approx(expected)


def test_tornado_unknown_plot_is_an_error(sample_plots_path):
    with pytest.raises(KeyError, match="not among the valid plots"):
        tornado(sample_plots_path, "nope", "sedum_plumbizincicola")


def test_package_tornado_varies_its_components_reductions(sample_plots_path, tables):
    labels = [r[0] for r in sensitivity_rows(tables, "lime_low_cd_rice", {"rice"})]
    assert "package_increment_frac (cd)" in labels
    assert {f"crop_reduction_frac (cd) of {o}" for o in ("lime_rice", "flooded_rice", "low_cd_rice",
                                                           "foliar_inhibitor")} <= set(labels)
    t = tornado(sample_plots_path, "HN-ZZ-01", "lime_low_cd_rice", "crop_compliance_prob").set_index("parameter")
    # lime is the strongest typical component (0.731): its low end (0.518) hands the lead to flooding
    # (0.685) and lowers compliance; its high end raises it; the low-Cd cultivar's range (typical
    # 0.5665, high 0.9932) moves it only upwards
    lime = t.loc["crop_reduction_frac (cd) of lime_rice"]
    assert lime["output_at_low"] < lime["base"] < lime["output_at_high"]
    v = t.loc["crop_reduction_frac (cd) of low_cd_rice"]
    assert v["output_at_low"] == pytest.approx(v["base"]) and v["output_at_high"] > v["base"]
    g = t.loc["package_increment_frac (cd)"]
    assert g["output_at_low"] < g["base"] < g["output_at_high"]
