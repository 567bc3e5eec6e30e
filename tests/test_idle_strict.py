"""Idle strict-control land (no crop): leaving it idle grows no edible crop, so unchanged practice is
judged as fallow (expected as risk control), not excluded as growing edible crops."""

import agriremed
from plotdata import make_plots


def test_leaving_idle_strict_land_idle_is_not_excluded_as_growing_food():
    p = agriremed.plan(make_plots(2, plot_id=["idle", "rice"], region="Guangdong/Shaoguan", land_use="paddy",
                                  crop=["none", "rice"], ph=5.0, cd_mg_kg=2.0, basic_farmland="yes"),
                       agriremed.Scenario(mc_draws=0), progress=False)
    t = p.table.set_index(["plot_id", "option_id"])
    idle, grown = t.loc[("idle", "do_nothing")], t.loc[("rice", "do_nothing")]
    assert (p.summary.set_index("plot_id")["soil_class"] == "strict_control").all()
    assert bool(idle["applicable"]) and idle["policy_status"] == "expected"
    assert idle["policy_rule"] == "cn_strict_risk_control"
    assert "edible" not in idle["reason"]
    # growing rice on it stays excluded: strict-control land grows no edible crops
    assert not bool(grown["applicable"]) and grown["policy_status"] == "forbidden"
