"""An economics gap of the whole plot (a crop outside the library: no option can be priced against
unchanged practice) moves no option across the rule set's tiers (review finding: on strict-control
orchard land growing 黄精, willow, allowed only after checking the basic-farmland status, ranked before
fallow, the expected risk control)."""
from pathlib import Path

import numpy as np

import agriremed
from agriremed.core.tables import load_tables

from plotdata import make_plots


def _strict_orchard(crop):
    return make_plots(1, plot_id=f"O-{crop}", land_use="orchard", crop=crop, ph=5.0, cd_mg_kg=5.0,
                      region="Hunan/Zhuzhou/Lukou", basic_farmland="unknown")


def test_an_option_is_unpriced_only_where_another_option_of_its_plot_is_priced():
    ok = np.array([True, True, True, True, False, True])
    econ = np.array([10.0, np.nan, np.nan, np.nan, 5.0, np.nan])
    from agriremed.stages.ranking import _unpriced_among_priced

    got = _unpriced_among_priced(ok, econ, ["a", "a", "b", "b", "b", "c"])
    # plot b's only priced row is not applicable: the gap is the plot's
    assert got.tolist() == [False, True, False, False, False, False]


def test_expected_fallow_ranks_first_on_strict_control_land_with_a_crop_outside_the_library():
    p = agriremed.plan(_strict_orchard("黄精"), agriremed.Scenario(mc_draws=0))
    t = p.table.loc[p.table["applicable"]].set_index("option_id")
    assert t["npv_vs_baseline_cny_ha"].isna().all()          # nothing could be priced
    assert t.loc["fallow", "policy_status"] == "expected"
    assert t.loc["fallow", "rank"] == 1
    assert t.loc["willow_src", "policy_status"] == "allowed"
    assert t.loc["willow_src", "rank"] > t.loc["fallow", "rank"]
    # the citrus plot (priced) ranks the same way: the gap no longer decides
    q = agriremed.plan(_strict_orchard("citrus"), agriremed.Scenario(mc_draws=0)).table
    assert q.loc[q["recommended"], "option_id"].tolist() == ["fallow"]


def test_a_user_rule_set_keeps_its_expected_options_first_on_an_unpriced_plot(tmp_path: Path):
    (tmp_path / "land_rules.csv").write_text(
        "rule_id,rule_set,soil_class,land_use,basic_farmland,applies_to,status,label_en,label_zh,reason_en,"
        "reason_zh,source,note\n"
        "x_keep_grass,x,*,upland,any,trees|perennial_grass,expected,grass kept,保持草地,woodland or grass,林草,"
        "agriremed_assumption,\n"
        "x_default,x,*,*,any,*,allowed,allowed,允许,no rule,无规则,agriremed_assumption,\n", encoding="utf-8")
    plots = make_plots(1, plot_id="G1", land_use="upland", crop="pasture_grass_x", ph=6.2, cd_mg_kg=3.5,
                       region=None)
    t = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, rule_set="x"), tables=load_tables(tmp_path)).table
    t = t.loc[t["applicable"]].sort_values("rank")
    assert t["npv_vs_baseline_cny_ha"].isna().all()
    expected = t["policy_status"].eq("expected").to_numpy()
    assert expected.any() and expected[: expected.sum()].all(), t[["option_id", "policy_status", "rank"]]
