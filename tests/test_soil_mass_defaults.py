"""A strict-control plot without plough-layer depth or bulk density gets a clean-up time from their typical values
(``covariate_defaults.csv``: depth 0.20 m, bulk density 1.30 g/cm³), and its sentence says they were assumed."""

import numpy as np
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from plotdata import make_plots


@pytest.fixture(scope="module")
def plans():
    df = make_plots(2, ph=5.0, cd_mg_kg=2.0, region="Hunan/Xiangtan")
    df.loc[0, "bulk_density_g_cm3"] = np.nan
    df.loc[0, "depth_m"] = np.nan
    df.loc[1, "bulk_density_g_cm3"] = 1.3
    df.loc[1, "depth_m"] = 0.2
    return agriremed.plan(df, agriremed.Scenario(mc_draws=100, seed=7)), df


def test_typical_values_are_sourced():
    cd = load_tables().covariate_defaults.set_index("covariate")
    assert cd.loc["depth_m", "median"] == 0.2 and cd.loc["bulk_density_g_cm3", "median"] == 1.3
    assert "hjt166_2004" in cd.loc["depth_m", "source"] and "UNCONFIRMED" in cd.loc["depth_m", "basis"]
    assert "ecologica_bd_china" in cd.loc["bulk_density_g_cm3", "source"]
    assert "UNCONFIRMED" in cd.loc["bulk_density_g_cm3", "basis"]


def test_strict_plot_without_depth_gets_a_finite_time_with_the_assumption_stated(plans):
    p, _ = plans
    t = p.table.set_index(["plot_id", "option_id"])
    a, b = t.loc[("P1", "sedum_plumbizincicola")], t.loc[("P2", "sedum_plumbizincicola")]
    assert np.isfinite(a["years_p50"]) and a["years_p50"] > 0
    # the same as a plot that gives the typical values itself (the Monte Carlo draws the assumed values around
    # them, so the median of the draws is near, not at, the measured plot's: tests/test_soil_mass_draws.py)
    assert a["years_to_target"] == b["years_to_target"]
    assert a["years_p50"] == pytest.approx(b["years_p50"], rel=0.05)
    s = p.summary.set_index("plot_id")
    assert s.loc["P1", "soil_mass_assumed"] == "depth_m=0.2|bulk_density_g_cm3=1.3"
    assert s.loc["P2", "soil_mass_assumed"] == ""
    assert np.isfinite(s.loc["P1", "years_p50"])
    rec = s.loc["P1", "recommendation"]
    assert ("the time rests on typical plough-layer values, the plot giving none (depth 0.20 m; bulk density "
            "1.30 g/cm³): measure them to firm it up") in rec
    assert "not known" not in rec and "typical plough-layer" not in s.loc["P2", "recommendation"]
    zh = messages.column_texts(p.summary.iloc[[0]], "recommendation", "zh")[0]
    assert "所需时间采用耕层典型值（耕层厚度0.20米；土壤容重1.30克/立方厘米，地块未填）：实测后结果更可靠" in zh


def test_missing_columns_say_the_typical_value_is_assumed(plans):
    from agriremed.io.validate import validate_plots

    _, df = plans
    v = validate_plots(df.drop(columns=["depth_m", "bulk_density_g_cm3"]))
    w = v.problems.loc[v.problems["column"].eq("depth_m")]
    assert w["problem"].iloc[0].startswith("recommended column depth_m is missing: the typical plough-layer value "
                                           "is assumed for the soil mass")
