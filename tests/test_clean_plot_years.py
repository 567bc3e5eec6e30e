"""A plot at or below its clean-up target in every metal is at target whatever the option: a
protective option there reads 0 years and probability 1, not "never" (∞ and 0)."""

import numpy as np

import agriremed
from plotdata import make_plots


def test_protective_options_on_clean_land_are_at_target_and_on_polluted_land_never():
    p = agriremed.plan(make_plots(2, plot_id=["clean", "safe"], region="Jiangxi/Yingtan/Guixi", land_use="paddy",
                                  crop="rice", ph=5.1, cd_mg_kg=[0.25, 0.6]),
                       agriremed.Scenario(mc_draws=0), progress=False)
    t = p.table.set_index(["plot_id", "option_id"])
    for oid in ("low_cd_rice", "flooded_rice", "lime_rice"):
        assert t.loc[("clean", oid), "years_to_target"] == 0.0, oid
        assert t.loc[("clean", oid), "p_target_20yr"] == 1.0, oid
        assert np.isinf(t.loc[("safe", oid), "years_to_target"]), oid
        assert t.loc[("safe", oid), "p_target_20yr"] == 0.0, oid
    s = p.summary.set_index("plot_id")
    assert s.loc["clean", "soil_class"] == "priority_protection"
    assert (s.loc["clean", "years_p50"], s.loc["clean", "p_target_20yr"]) == (0.0, 1.0)
