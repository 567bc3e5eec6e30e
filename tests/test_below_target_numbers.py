"""The runner-up clause of a higher-scoring runner-up ranked second for missing the food target names
the numbers compared: the runner-up's share of compliant food seasons, the target and the winner's."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.stages import ranking
from plotdata import make_plots
from maize_fit import stricter_maize_tables


def _ranked(own, runner, target=0.5):
    """A ranked plot: the winner (0.30) ahead of a higher-scoring runner-up (0.58) below the target."""
    return pd.DataFrame({
        "plot_id": ["P", "P"], "option_id": ["sedum_wheat_intercrop", "maize_grain"], "rank": [1, 2],
        "score": [0.301, 0.584], "policy_tier": [0, 0], "target_tier": [0, 1], "evidence": ["complete"] * 2,
        **{f"crit_{c}": [0.5, 0.5] for c in ranking.CRITERIA},
        "food_compliance": [own, runner], "food_target": [target, target]})


def test_below_target_clause_prints_both_shares_and_the_target():
    w = {"economics": 1.0}
    msg = ranking.runner_up_message(_ranked(0.520304, 0.467545), w)["P"]
    assert messages.render(msg, "en") == (
        "ranked before Switch to maize grain (crop-structure adjustment) (score 0.30 vs its 0.58), whose crop is predicted to meet the "
        "food limit in 47 % of its food seasons, below the target of 50 % (this option: 52 % of its food seasons)")
    assert messages.render(msg, "zh").endswith("后者作物预计达标的季数占47 %，低于目标50 %（本方案作物达标的季数占52 %）")
    # the winner below the target too (no option reaches it; it is the closest): the clause says so
    both = ranking.runner_up_message(_ranked(0.520304, 0.467545, target=0.9), w)["P"]
    assert messages.render(both, "en").endswith(
        "whose crop is predicted to meet the food limit in 47 % of its food seasons, below the target of 90 % "
        "(this option, also below the target but closer to it: 52 % of its food seasons)")
    assert messages.render(both, "zh").endswith(
        "后者作物预计达标的季数占47 %，低于目标90 %（本方案同样低于目标，但更接近：作物达标的季数占52 %）")
    # a share that prints as the target is given with one decimal; a winner without food says so
    near = messages.render(ranking.runner_up_message(_ranked(np.nan, 0.497), w)["P"], "en")
    assert near.endswith("meet the food limit in 49.7 % of its food seasons, below the target of 50 % "
                         "(this option grows no food crop)")


def test_huangdi_idle_upland_names_the_shares():
    # 曲江区 大塘镇 HD-02: idle upland, pH 4.8, Cd 0.9, Pb 150, not basic farmland (safe utilisation)
    plots = make_plots(1, plot_id="HD-02", region="Guangdong/Shaoguan/Qujiang", land_use="upland", crop="none",
                       area_ha=0.1, ph=4.8, cd_mg_kg=0.9, pb_mg_kg=150.0, basic_farmland="no"
                       ).drop(columns=["som_pct", "clay_pct", "annual_rain_mm", "mean_temp_c"])
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py), so the maize switch
    # keeps the place in the ranking that the sentence under test is about
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False, tables=stricter_maize_tables())
    t = p.table.set_index("option_id")
    s = p.summary.iloc[0]
    assert s["recommended_option"] == "sedum_wheat_intercrop"
    win, runner = t.loc["sedum_wheat_intercrop"], t.loc["maize_grain"]
    assert runner["rank"] == 2 and runner["score"] > win["score"]
    # the clause prints the shares the ranking compared (food_compliance) and the scenario's target
    assert win["compliant_season_fraction"] == pytest.approx(0.537, abs=0.001)
    assert runner["compliant_season_fraction"] == pytest.approx(0.468, abs=0.001)
    # neither reaches the 0.9 target: the intercrop is the closer, maize more than min_compliance_gain further off
    assert agriremed.Scenario().target_compliance_prob == 0.9
    assert ("whose crop is predicted to meet the food limit in 47 % of its food seasons, below the target of 90 % "
            "(this option, also below the target but closer to it: 54 % of its food seasons)") in s["recommendation"]
    assert ("below the plan's compliance target (54 % < 90 %): about 5 in 10 harvests predicted above the "
            "limit, test the harvest before sale") in s["recommendation"]
