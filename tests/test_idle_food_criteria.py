"""Idle cultivated land (crop ``none``: 撂荒, 休耕) keeps both food criteria of the ranking.

On a paddy, upland or vegetable plot idle now, returning the land to safe food is the point: food
production is scored against the yield of the land use's reference food crop (``land_use_reference``
of ``crops.csv``: rice on paddy, maize on upland, vegetables of no given type on vegetable land) and
food safety scores the food an option produces, a non-food option (leaving the land idle included)
getting 0 on both, as it does on cropped land. Before, both were "not assessed" there, the weights fell
to economics, clean-up, carbon and livelihood, and sorghum (0.591) nearly tied the rice measures (0.60);
under ``rule_set='none'`` the idle paddy went to PV.
"""

from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.stages import ranking
from plotdata import make_plots

#: An idle safe-utilisation paddy (Hengnan, Hunan; no SOM, CEC or basic-farmland record).
P20 = dict(plot_id="P20", region="Hunan/Hengyang/Hengnan", land_use="paddy", crop="none", area_ha=0.35, ph=5.4,
           clay_pct=29.0, bulk_density_g_cm3=1.14, depth_m=0.20, cd_mg_kg=0.70, pb_mg_kg=60.0, as_mg_kg=15.0,
           hg_mg_kg=0.20, cr_mg_kg=62.0, cu_mg_kg=28.0, ni_mg_kg=24.0, zn_mg_kg=120.0, annual_rain_mm=1350.0,
           mean_temp_c=18.0)
RICE = ["lime_low_cd_rice", "lime_rice", "flooded_rice", "low_cd_rice"]


def _plan(plots, **scenario):
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0, **scenario), progress=False)


@pytest.fixture(scope="module")
def p20():
    return _plan(pd.DataFrame([P20]))


def _applicable(p):
    t = p.table.set_index("option_id")
    return t[t["applicable"].astype(bool)]


def test_both_food_criteria_are_assessed_on_an_idle_safe_utilisation_paddy(p20):
    a = _applicable(p20)
    assert p20.summary["soil_class"].iloc[0] == "safe_utilisation"
    assert not a["crit_food_safety"].isna().any() and not a["crit_food_production"].isna().any()
    # rice against the paddy's reference crop, rice: all of it kept
    for o in RICE:
        assert a.loc[o, "crit_food_production"] == pytest.approx(1.0)
        assert a.loc[o, "crit_food_safety"] == pytest.approx(a.loc[o, "crop_compliance_prob"], abs=1e-9)
    # maize grain by its output share of the rice yield (crops.csv: 6.53 / 7.14 t/ha/yr)
    assert a.loc["maize_grain", "crit_food_production"] == pytest.approx(6.53 / 7.14, abs=1e-6)
    # no food is not safe food: sorghum, fallow and leaving the paddy idle score 0 on both
    for o in ("sorghum", "fallow", "do_nothing", "miscanthus"):
        assert a.loc[o, "crit_food_safety"] == 0.0 and a.loc[o, "crit_food_production"] == 0.0, o
    s = p20.scores.set_index(["option_id", "criterion"])
    assert s.loc[("sorghum", "food_production"), "weight"] == pytest.approx(0.15)
    assert s.loc[("sorghum", "food_safety"), "weight"] == pytest.approx(0.25)
    assert "of a reference 7.1 t/ha/yr for paddy (idle now; reference crop rice, crop-table yield)" in a.loc["low_cd_rice",
                                                                                         "why_food_production"]
    assert a.loc["sorghum", "why_food_safety"].startswith("red: grows no food on paddy land idle now")


def test_the_rice_measures_lead_sorghum_by_more_than_before(p20):
    a = _applicable(p20)
    best_rice = a.loc[RICE, "score"].max()
    # before: 0.605 vs 0.591 (a 0.013 lead, only the policy tier decided); now 0.664 vs 0.355
    assert a.loc["sorghum", "score"] == pytest.approx(0.3547, abs=5e-4)
    assert best_rice - a.loc["sorghum", "score"] > 0.25
    assert a.loc[RICE, "score"].min() > a.loc["sorghum", "score"] + 0.25
    assert p20.summary["recommended_option"].iloc[0] in RICE


def test_without_jurisdiction_rules_the_idle_paddy_goes_back_to_rice_not_pv():
    p = _plan(pd.DataFrame([P20]), rule_set="none")
    a = _applicable(p)
    rec = p.summary["recommended_option"].iloc[0]
    # before: pv_grass (0.667, food criteria not assessed); now PV scores 0.400, the rice measures 0.63–0.66
    assert rec != "pv_grass" and a.loc[rec, "food_crop"] == "rice"
    assert a.loc["pv_grass", "score"] == pytest.approx(0.400, abs=5e-4)
    assert a.loc["pv_grass", ["crit_food_safety", "crit_food_production"]].tolist() == [0.0, 0.0]
    assert (a.loc[RICE, "score"] > a.loc["pv_grass", "score"] + 0.2).all()


def test_the_reference_crop_follows_the_land_use_and_idle_orchards_are_not_assessed():
    p = _plan(make_plots(4, plot_id=["up", "veg", "orch", "cotton"], land_use=["upland", "vegetable", "orchard",
                                                                              "upland"],
                         crop=["none", "none", "none", "cotton"], ph=5.4, cd_mg_kg=0.7))
    t = p.table.set_index(["plot_id", "option_id"])
    # idle dry land: maize grain against maize, the upland reference; idle vegetable land: against
    # vegetables of no given type (30 t/ha/yr fresh), as a maize switch counts on cropped vegetable land
    assert t.loc[("up", "maize_grain"), "crit_food_production"] == pytest.approx(1.0)
    assert t.loc[("veg", "maize_grain"), "crit_food_production"] == pytest.approx(6.53 / 30.0, abs=1e-6)
    assert t.loc[("up", "do_nothing"), "crit_food_safety"] == 0.0
    assert "for vegetable (idle now; reference crop vegetables (type not given), crop-table yield)" in t.loc[("veg", "maize_grain"), "why_food_production"]
    # no reference crop for orchards, and a cotton field is in use, not idle: not assessed, as before
    for plot in ("orch", "cotton"):
        assert np.isnan(t.loc[(plot, "do_nothing"), "crit_food_production"]), plot
        assert np.isnan(t.loc[(plot, "do_nothing"), "crit_food_safety"]), plot


def test_the_chinese_reason_names_the_reference(p20):
    a = _applicable(p20)
    zh = messages.render(a.loc["low_cd_rice", "why_food_production_msg"], "zh")
    assert "参照水田（目前闲置）的水稻产量7.1吨/公顷/年" in zh
    assert messages.render(a.loc["sorghum", "why_food_safety_msg"], "zh").startswith("红灯：水田目前闲置")


def test_the_reference_crops_are_data_and_a_table_without_them_assesses_nothing(tables, tmp_path):
    assert tables.land_use_reference_crops() == {"paddy": "rice", "upland": "maize",
                                                 "vegetable": "vegetable_unspecified"}
    t = pd.DataFrame({"plot_id": ["a", "a"], "option_id": ["do_nothing", "sorghum"], "food_crop": ["none", "none"],
                      "crop_compliance_prob": [np.nan, np.nan], "biomass_value_positive": [False, True],
                      "removed_g_ha": [0.0, 300.0], "needed_g_ha": [np.nan, 600.0], "target_metals": ["", "cd"],
                      "metals_exceeding": ["cd", "cd"], "soil_class": ["safe_utilisation"] * 2,
                      "net_co2e_vs_baseline_t_ha_yr": [0.0, 1.0], "npv_vs_baseline_cny_ha": [0.0, -1e4],
                      "land_use": ["paddy", "paddy"]})
    v = ranking.criteria_values(t, tables=tables)
    assert v[["food_safety", "food_production"]].values.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    # a user crops.csv that names a reference crop for orchards: an idle orchard is measured against it
    crops = pd.read_csv(files("agriremed.data") / "crops.csv", dtype=str, keep_default_na=False)
    crops.loc[crops["crop"] == "citrus", "land_use_reference"] = "true"
    crops.loc[crops["crop"] == "rice", "land_use_reference"] = ""
    crops[crops["crop"].isin(["citrus", "rice"])].to_csv(tmp_path / "crops.csv", index=False)
    user = load_tables(tmp_path)
    assert user.land_use_reference_crops() == {"orchard": "citrus", "upland": "maize",
                                               "vegetable": "vegetable_unspecified"}
    v = ranking.criteria_values(t, tables=user)  # the paddy has no reference crop now
    assert v[["food_safety", "food_production"]].isna().all().all()
    v = ranking.criteria_values(t.assign(land_use="orchard"), tables=user)
    assert v[["food_safety", "food_production"]].values.tolist() == [[0.0, 0.0], [0.0, 0.0]]
