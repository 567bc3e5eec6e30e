"""A row is one crop season of its plot: the wheat row of a rice–wheat paddy gets wheat measures, not
a rice measure that would count the rice season twice; a cotton or tobacco field is in use, not idle."""

from __future__ import annotations

import agriremed
from plotdata import make_plots


def _plan(plots):
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False)


def test_the_wheat_row_of_a_rice_wheat_paddy_gets_wheat_measures():
    # Anhui rice–wheat paddy, pH 5.6, Cd 0.55 (paddy screening 0.4): the rice row and the wheat row
    plots = make_plots(3, plot_id=["RICE", "WHEAT", "WHEAT_CS"], land_use="paddy", crop=["rice", "wheat", "wheat"],
                       ph=5.6, cd_mg_kg=0.55, basic_farmland="yes", region="Anhui/Chuzhou/Tianchang",
                       cropping_system=["稻-麦", "", "稻-麦"])
    p = _plan(plots)
    t = p.table.set_index(["plot_id", "option_id"])
    for pid in ("WHEAT", "WHEAT_CS"):
        for oid in ("flooded_rice", "low_cd_rice", "lime_rice", "lime_low_cd_rice", "sedum_rice_rotation"):
            assert not t.loc[(pid, oid), "applicable"], (pid, oid)
            assert t.loc[(pid, oid), "reason"].startswith("the plot grows Wheat: a measure for Rice is for a Rice season")
        for oid in ("foliar_zn_wheat", "low_cd_wheat"):  # the wheat measures apply on the drained paddy
            assert t.loc[(pid, oid), "applicable"], (pid, oid)
    s = p.summary.set_index("plot_id")
    assert s.loc["WHEAT", "recommended_option"] in ("foliar_zn_wheat", "low_cd_wheat", "lime_upland_wheat")
    assert s.loc["WHEAT_CS", "recommended_option"] in ("foliar_zn_wheat", "low_cd_wheat", "lime_upland_wheat")
    # the rice row keeps its rice measures
    assert t.loc[("RICE", "low_cd_rice"), "applicable"]
    assert s.loc["RICE", "recommended_option"] in ("low_cd_rice", "flooded_rice", "lime_low_cd_rice", "lime_rice",
                                                   "foliar_inhibitor")
    # an idle paddy may still go back to rice
    idle = _plan(make_plots(1, plot_id=["IDLE"], land_use="paddy", crop="none", ph=5.6, cd_mg_kg=0.55,
                            region="Anhui/Chuzhou/Tianchang")).table.set_index("option_id")
    assert idle.loc["low_cd_rice", "applicable"]


def test_a_clean_cotton_or_tobacco_field_is_not_idle_land():
    # Manas, Xinjiang: upland below every screening value; cotton and tobacco are uses of general
    # cultivated land (国办发〔2020〕44号), not idle land to return to grain
    plots = make_plots(3, plot_id=["COTTON", "TOBACCO", "IDLE"], land_use="upland", crop=["cotton", "tobacco", "none"],
                       ph=7.9, cd_mg_kg=0.2, basic_farmland="no", region="Xinjiang/Changji/Manas")
    p = _plan(plots)
    s = p.summary.set_index("plot_id")
    assert s.loc["COTTON", "recommended_option"] == "do_nothing"
    assert s.loc["TOBACCO", "recommended_option"] == "do_nothing"
    assert s.loc["IDLE", "recommended_option"] == "maize_grain"  # idle dry land goes back to grain
    t = p.table.set_index(["plot_id", "option_id"])
    assert "the plot names no crop" not in str(t.loc[("COTTON", "maize_grain"), "reason"])


def test_a_plot_without_an_applicable_option_beside_a_planned_one():
    # only trees offered: the basic-farmland plot gets none (trees are forbidden there), the other one a
    # tree option; the summary's advice columns are read at each plot's own recommended row
    plots = make_plots(2, plot_id=["BF", "NOT_BF"], land_use="upland", crop="maize", ph=5.0, cd_mg_kg=2.5,
                       basic_farmland=["yes", "no"], region="Hunan/Zhuzhou")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, options=("willow_src", "poplar_src")), progress=False)
    s = p.summary.set_index("plot_id")
    assert s.loc["NOT_BF", "recommended_option"] in ("willow_src", "poplar_src")
    assert not isinstance(s.loc["BF", "recommended_option"], str)
    assert s.loc["NOT_BF", "measures"].startswith("This season:")
    assert s.loc["BF", "measures"] == ""


def test_the_maize_switch_on_a_paddy_is_the_switch_from_rice():
    # Tianchang rice–wheat paddy, pH 5.2, Cd 0.55 (paddy screening 0.3 at pH ≤ 5.5): a summer maize crop
    # would take the place of the rice season, not of the winter wheat or rapeseed season
    plots = make_plots(4, plot_id=["RICE", "WHEAT", "RAPE", "IDLE"], land_use="paddy",
                       crop=["rice", "wheat", "rapeseed", "none"], ph=5.2, cd_mg_kg=0.55, basic_farmland="yes",
                       region="Anhui/Chuzhou/Tianchang")
    p = _plan(plots)
    t = p.table.set_index(["plot_id", "option_id"])
    for pid, name in (("WHEAT", "Wheat"), ("RAPE", "Rapeseed (oilseed rape)")):
        assert not t.loc[(pid, "maize_grain"), "applicable"], pid
        assert t.loc[(pid, "maize_grain"), "reason"].startswith(
            f"the paddy row grows {name}: on paddy land a switch to Maize is the switch from rice"), pid
        assert p.summary.set_index("plot_id").loc[pid, "recommended_option"] != "maize_grain"
    # the rice row and the idle paddy may still switch to maize
    assert t.loc[("RICE", "maize_grain"), "applicable"]
    assert "switch from rice" not in str(t.loc[("IDLE", "maize_grain"), "reason"])
    # maize on upland wheat land stays a switch
    up = _plan(make_plots(1, plot_id=["UP"], land_use="upland", crop="wheat", ph=5.2, cd_mg_kg=0.55,
                          region="Anhui/Chuzhou/Tianchang")).table.set_index("option_id")
    assert up.loc["maize_grain", "applicable"]
