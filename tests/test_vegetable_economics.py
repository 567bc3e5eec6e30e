"""Vegetables of the library valued from sourced yields and prices (issue 16): water spinach, spinach and
celery are costed (yield × wholesale price − the leafy-vegetable production cost assumption), their plots
get NPVs; amaranth, radish and the fruiting vegetables lack a yield, so their money stays a data gap. Each vegetable's yield_t_ha is the harvest of a year (the
economics count one season a year for every crop but rice)."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core.tables import load_tables
from agriremed.stages.economics import crop_value_gaps, legal_net_income

# Yunnan wholesale prices, CNY/kg: 22 Jan 2018, 22 Jan 2017, 15 Jun 2018, 15 Jun 2017
# (yunnan2018jan_veg_wholesale, yunnan2018jun_veg_wholesale)
YUNNAN = {"spinach": [3.4, 3.0, 2.85, 2.4], "celery": [3.73, 3.1, 2.43, 2.8], "radish": [1.1, 1.03, 1.0, 1.3],
          "cucumber": [2.6, 2.45, 2.45, 2.25], "pumpkin": [1.35, 1.1, 1.6, 1.4],
          "yardlong_bean": [2.8, 3.25, 3.75, 3.0], "tomato": [3.2, 3.0, 3.05, 3.75],
          "eggplant": [1.85, 2.65, 3.3, 2.15], "chili": [3.0, 4.75, 4.0, 3.8], "onion": [1.7, 1.7, 1.0, 1.45],
          "garlic": [11.53, 12.1, 5.75, 16.03], "scallion": [2.3, 1.95, 3.0, 2.5]}


def test_prices_are_the_mean_least_and_greatest_of_the_four_wholesale_prices():
    pr = load_tables().prices
    rows = pr.loc[pr["item"] == "crop_price_cny_t"].set_index("crop")
    for crop, kg in YUNNAN.items():
        t = 1000 * np.array(kg)
        r = rows.loc[crop]
        assert (r["low"], r["typical"], r["high"]) == pytest.approx((t.min(), t.mean(), t.max())), crop
        assert r["source"] == "yunnan2018jan_veg_wholesale;yunnan2018jun_veg_wholesale", crop
        assert "wholesale, fresh" in r["note"] and "farm-gate price is lower (not read)" in r["note"], crop
    assert rows.loc["spinach", "typical"] == 2912.5 and rows.loc["celery", "typical"] == 3015.0


def test_yields_are_a_year_of_harvest_and_unconfirmed_sources_say_so():
    t = load_tables()
    c = t.crops.set_index("crop")
    # mu → ha: × 15; water spinach: one 210-day season of repeated cutting, 2 500–3 000 kg/mu (mid 2 750);
    # spinach: one autumn crop of 1 500 kg/mu; celery: one open-field crop of 2 000–3 000 kg/mu (mid 2 500)
    assert (c.loc["water_spinach", "yield_t_ha"], c.loc["water_spinach", "yield_source"]) == \
        (41.25, "amy2017_water_spinach")
    assert (c.loc["spinach", "yield_t_ha"], c.loc["spinach", "yield_source"]) == (22.5, "zhidaotian_spinach")
    assert (c.loc["celery", "yield_t_ha"], c.loc["celery", "yield_source"]) == (37.5, "celery_yield_qa")
    assert np.isnan(c.loc["amaranth", "yield_t_ha"])  # per-crop yield read, crops a year not: no annual yield
    src = t.sources.set_index("key")
    for key in ("amy2017_water_spinach", "zhidaotian_spinach", "celery_yield_qa"):
        assert src.loc[key, "status"].startswith("UNCONFIRMED"), key


def test_water_spinach_spinach_and_celery_are_costed_one_season_a_year():
    r = legal_net_income(["spinach", "celery", "water_spinach"], [2.0, 2.0, 2.0])
    assert r["seasons"].tolist() == [1.0, 1.0, 1.0]  # rice seasons never multiply a vegetable's year
    # 22.5 t/ha × 2 912.5 CNY/t − 30 000; 37.5 × 3 015 − 30 000; 41.25 × 4 000 − 30 000
    np.testing.assert_allclose(r["net_cny_ha_yr"], [35531.25, 83062.5, 135000.0])
    ws = load_tables().prices.set_index(["item", "crop"]).loc[("crop_price_cny_t", "water_spinach")]
    assert (ws["low"], ws["typical"], ws["high"], ws["source"]) == (3500, 4000, 4400, "changzhou_ljt_veg_wholesale")
    assert "UNCONFIRMED" in ws["note"] and "wholesale, fresh" in ws["note"]
    assert r["sources"][0] == ("zhidaotian_spinach;yunnan2018jan_veg_wholesale;yunnan2018jun_veg_wholesale;"
                               "agriremed_assumption")
    gaps = crop_value_gaps(["spinach", "celery", "water_spinach", "amaranth", "radish", "tomato"], load_tables())
    assert gaps.tolist() == [False, False, False, True, True, True]


@pytest.fixture(scope="module")
def plan():
    plots = pd.DataFrame({"plot_id": ["WS", "SP"], "land_use": "vegetable", "crop": ["空心菜", "菠菜"],
                          "area_ha": 0.1, "ph": [5.5, 6.8], "cd_mg_kg": [0.8, 0.5],
                          "region": ["Hunan/Zhuzhou", "Hunan/Changsha"]})
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_water_spinach_and_spinach_plots_get_npvs_for_liming_biochar_and_the_maize_switch(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    base = t.loc[("SP", "do_nothing"), "npv_cny_ha"]
    # (the NPVs follow the leafy spread: 202 187.4, −12 622.4 and −174 405.0 with se 0.627; spinach now meets the
    # limit in more seasons with the narrower spread around a median below it, and the spinach over it is not sold)
    assert base == pytest.approx(207526.7, abs=1)
    assert t.loc[("SP", "biochar_amendment"), "npv_vs_baseline_cny_ha"] == pytest.approx(-12127.4, abs=1)
    assert t.loc[("SP", "maize_grain"), "npv_vs_baseline_cny_ha"] == pytest.approx(-179744.2, abs=1)
    s = plan.summary.set_index("plot_id")
    # the maize switch (84 % against spinach's 73 %, below the 90 % target, -179 744 of the field's 207 527
    # CNY/ha) is no measure: unchanged practice with harvest tests (scenario max_switch_loss_share 0.5)
    r = plan.ranking.set_index(["plot_id", "option_id"])
    assert r.loc[("SP", "maize_grain"), "target_tier"] == 6
    assert s.loc["SP", "recommended_option"] == "do_nothing"
    assert "about 3 in 10 harvests predicted above the limit" in s.loc["SP", "recommendation"]
    with_switch = agriremed.plan(plan.plots.loc[plan.plots["plot_id"] == "SP"],
                                 agriremed.Scenario(mc_draws=0, max_switch_loss_share=1.0))
    assert with_switch.summary["recommended_option"].iloc[0] == "maize_grain"
    assert "-179,744 CNY/ha" in with_switch.summary["recommendation"].iloc[0]
    # (410 030.1, 371 227.5, 39 194.8 and −394 226.0 with the leafy spread 0.627)
    assert t.loc[("WS", "do_nothing"), "npv_cny_ha"] == pytest.approx(403339.3, abs=1)
    assert t.loc[("WS", "lime_vegetable"), "npv_vs_baseline_cny_ha"] == pytest.approx(384435.9, abs=1)
    assert t.loc[("WS", "biochar_amendment"), "npv_vs_baseline_cny_ha"] == pytest.approx(41816.2, abs=1)
    assert t.loc[("WS", "maize_grain"), "npv_vs_baseline_cny_ha"] == pytest.approx(-387535.2, abs=1)
    for pid in ("WS", "SP"):
        assert "not in the library" not in s.loc[pid, "recommendation"]
