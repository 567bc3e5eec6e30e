"""Ranking: utilities, traffic lights with their reasons, the score table, the recommendation."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed import ranking


def _table(**cols):
    base = {"plot_id": ["P1", "P1"], "option_id": ["do_nothing", "x"], "applicable": [True, True],
            "food_crop": ["rice", "none"], "crop_compliance_prob": [0.4, np.nan],
            "biomass_value_positive": [False, True], "removed_g_ha": [np.nan, 300.0],
            "needed_g_ha": [np.nan, 600.0], "target_metals": ["", "cd"], "metals_exceeding": ["cd", "cd"],
            "net_co2e_vs_baseline_t_ha_yr": [0.0, 1.2], "npv_vs_baseline_cny_ha": [0.0, -40000.0]}
    base.update(cols)
    return pd.DataFrame(base)


def test_lights_carry_the_number_and_the_threshold():
    r = ranking.rank_options(_table(), agriremed.Scenario().normalised_weights(), horizon_yr=20)
    x = r.set_index("option_id")
    assert x.loc["do_nothing", "why_food_safety"] == \
        "red: crop meets GB2762 in 40 % of food seasons (red below 50 %)"
    assert x.loc["x", "why_food_safety"].startswith("green: no food crop, so no dietary exposure")
    assert x.loc["x", "why_clean_up"] == \
        "amber: removes 50 % of the excess Cd within 20 yr (amber at ≥ 25 %, green at ≥ 100 %)"
    assert x.loc["do_nothing", "why_clean_up"].startswith("red: removes none of the excess Cd")
    assert x.loc["x", "why_carbon"] == "green: +1.2 t CO2e/ha/yr against doing nothing (green at ≥ +0.5)"
    assert x.loc["x", "why_economics"] == \
        "red: NPV -40,000 CNY/ha against doing nothing over 20 yr (red below -30,000)"
    assert x.loc["x", "why_livelihood"].startswith("amber: saleable biomass or product")
    for c in ranking.CRITERIA:                              # the colour in the text is the light
        assert (r[f"why_{c}"].str.split(":").str[0] == r[f"light_{c}"]).all()


def test_score_table_contributions_sum_to_the_score():
    w = agriremed.Scenario().normalised_weights()
    r = ranking.rank_options(_table(), w)
    st = ranking.score_table(r, w)
    assert len(st) == 2 * len(ranking.CRITERIA)
    total = st.groupby("option_id")["contribution"].sum()
    np.testing.assert_allclose(total.reindex(r["option_id"]), r["score"])
    assert set(st["group"]) == {"social", "environmental", "economic"}
    # hand-computed: utility of −40 000 CNY/ha between −150 000 (0) and +50 000 (1) is 0.55
    assert st.set_index(["option_id", "criterion"]).loc[("x", "economics"), "utility"] == pytest.approx(0.55)


def test_unassessed_criterion_is_left_out_and_said_so():
    w = agriremed.Scenario().normalised_weights()
    r = ranking.rank_options(_table(npv_vs_baseline_cny_ha=[0.0, np.nan]), w).set_index("option_id")
    assert r.loc["x", "why_economics"].startswith("not assessed")
    st = ranking.score_table(r.reset_index(), w).set_index(["option_id", "criterion"])
    assert np.isnan(st.loc[("x", "economics"), "weight"])
    assert st.xs("x")["weight"].sum() == pytest.approx(1.0)


def test_weights_decide_and_the_sentence_explains(sample_plots_path):
    money = agriremed.Scenario(mc_draws=0, weights={"economics": 1.0, "food_safety": 0.0, "livelihood": 0.0,
                                                    "clean_up": 0.0, "carbon": 0.0})
    p = agriremed.plan(sample_plots_path, money)
    t = p.table.loc[p.table["applicable"]].copy()
    t["u"] = np.clip((t["npv_vs_baseline_cny_ha"] + 150000) / 200000, 0, 1)   # anchors of traffic_lights.csv
    best_u = t.groupby("plot_id")["u"].max()
    rec = t.loc[t["recommended"]].set_index("plot_id")
    np.testing.assert_allclose(rec["u"], best_u.reindex(rec.index))
    np.testing.assert_allclose(rec["score"], rec["u"])
    s = p.summary.set_index("plot_id")
    assert s["recommendation"].str.contains("ahead of").all()
    assert s["recommendation"].str.contains("mostly on economics|overall score").all()
    assert (s["recommendation"].str.count(r"\.$") == 1).all()


def test_full_score_table_is_in_the_plan(tmp_path, sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    n_app = int(p.table["applicable"].sum())
    assert len(p.scores) == n_app * len(ranking.CRITERIA)
    p.write(tmp_path, report=False)
    assert (tmp_path / "scores.csv").exists() and (tmp_path / "soil_trajectories.csv").exists()
    applicable = p.table.loc[p.table["applicable"]]
    for c in ranking.CRITERIA:
        assert applicable[f"why_{c}"].str.len().gt(10).all()
