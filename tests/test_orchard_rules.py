"""Orchards and tea gardens (园地) under the china rule set: PV and trees on a safe-utilisation
orchard rank after keeping its crop, whatever the weights; the rules that decide it cite texts that
apply to 园地 (not the cultivated-land bans); an orchard whose basic-farmland status is unknown is
asked to check it before PV, as before trees on strict-control land."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core.tables import load_tables
from agriremed.stages.options import policy_status

#: Safe-utilisation orchards and tea gardens (GB 15618 "other" land: Pb above 70 at pH ≤ 5.5, Cd above
#: 0.3, As above 40 …), with basic_farmland no or unknown.
ORCHARDS = pd.DataFrame([
    # citrus, Pb 95 As 48 (safe utilisation), not basic farmland
    {"plot_id": "P05", "region": "Jiangxi/Ganzhou/Xinfeng", "land_use": "orchard", "crop": "citrus",
     "area_ha": 1.0, "ph": 4.8, "som_pct": 1.5, "clay_pct": 30, "bulk_density_g_cm3": 1.30, "depth_m": 0.3,
     "basic_farmland": "no", "cd_mg_kg": 0.22, "pb_mg_kg": 95, "as_mg_kg": 48, "zn_mg_kg": 90,
     "mean_temp_c": 19.0, "annual_rain_mm": 1500},
    # tea, Cd 0.45 Pb 110, basic farmland unknown
    {"plot_id": "P06", "region": "Hunan/Yiyang/Anhua", "land_use": "orchard", "crop": "tea",
     "area_ha": 0.8, "ph": 4.5, "som_pct": 2.6, "clay_pct": 28, "bulk_density_g_cm3": 1.20, "depth_m": 0.3,
     "basic_farmland": "unknown", "cd_mg_kg": 0.45, "pb_mg_kg": 110, "as_mg_kg": 15, "zn_mg_kg": 130,
     "mean_temp_c": 16.5, "annual_rain_mm": 1700},
    {"plot_id": "VA", "region": "Hunan/Hengyang/Hengnan", "land_use": "orchard", "crop": "camellia_oil",
     "area_ha": 1.0, "ph": 5.0, "som_pct": 2.0, "clay_pct": 28, "bulk_density_g_cm3": 1.25, "depth_m": 0.3,
     "basic_farmland": "unknown", "cd_mg_kg": 0.5, "pb_mg_kg": 60, "as_mg_kg": 15, "zn_mg_kg": 100},
    {"plot_id": "VD", "region": "Yunnan/Honghe/Mengzi", "land_use": "orchard", "crop": "citrus",
     "area_ha": 1.0, "ph": 5.2, "som_pct": 2.0, "clay_pct": 25, "bulk_density_g_cm3": 1.25, "depth_m": 0.3,
     "basic_farmland": "no", "cd_mg_kg": 0.5, "pb_mg_kg": 60, "as_mg_kg": 15, "zn_mg_kg": 100},
    {"plot_id": "VF", "region": "Yunnan/Puer/Simao", "land_use": "orchard", "crop": "tea",
     "area_ha": 1.0, "ph": 4.8, "som_pct": 2.6, "clay_pct": 28, "bulk_density_g_cm3": 1.20, "depth_m": 0.3,
     "basic_farmland": "no", "cd_mg_kg": 0.45, "pb_mg_kg": 110, "as_mg_kg": 15, "zn_mg_kg": 130},
])

#: The weights under which the tea garden P06 went to PV when PV on a safe-utilisation orchard was only
#: allowed (do_nothing 0.468 vs pv_grass 0.500).
PV_WEIGHTS = {"food_safety": .25, "food_production": .10, "livelihood": .10, "clean_up": .10, "carbon": .15,
              "economics": .30}

#: Seeded random weight vectors (Dirichlet, so that single criteria such as economics or carbon often dominate).
RANDOM_WEIGHTS = [dict(zip(("food_safety", "food_production", "livelihood", "clean_up", "carbon", "economics"),
                           (float(x) for x in w), strict=True))
                  for w in np.random.default_rng(39).dirichlet(np.full(6, 0.6), size=10)]


def _food(option_ids) -> pd.Series:
    lib = load_tables().options.set_index("option_id")
    return option_ids.map(lib["food_crop"]).ne("none")


def test_pv_and_trees_on_a_safe_utilisation_orchard_are_restrained_with_orchard_rules():
    t = load_tables()
    o = t.options.loc[t.options["option_id"].isin(["pv_grass", "willow_src"])].reset_index(drop=True)
    lands = [("safe_utilisation", "no"), ("safe_utilisation", "unknown"), ("safe_utilisation", "yes"),
             ("priority_protection", "unknown"), ("strict_control", "unknown"), ("strict_control", "no")]
    st, rid, txt = policy_status(o, [c for c, _ in lands], ["orchard"] * len(lands), [b for _, b in lands], t)
    got = {oid: list(zip(st[i], rid[i], strict=True)) for i, oid in enumerate(o["option_id"])}
    assert got["pv_grass"] == [("restrained", "cn_safe_orchard_pv"), ("restrained", "cn_safe_orchard_pv_check"),
                               ("forbidden", "cn_pv_no_basic_farmland"), ("allowed", "cn_pv_other_agri_check"),
                               ("allowed", "cn_pv_other_agri_check"), ("allowed", "cn_pv_other_agri")]
    assert got["willow_src"][:2] == [("restrained", "cn_orchard_trees_restrained")] * 2
    assert got["willow_src"][2] == ("forbidden", "cn_bf_no_trees")
    assert got["willow_src"][3] == ("restrained", "cn_orchard_trees_restrained")
    pv, trees = list(o["option_id"]).index("pv_grass"), list(o["option_id"]).index("willow_src")
    # PV: the safe-utilisation rule cites Art. 53 and the PV land notice (合理控制 of other agricultural land)
    assert "Art. 53" in txt[pv][0] and "自然资办发〔2023〕12号" in txt[pv][0]
    # basic farmland unknown: check it first, as trees under cn_strict_retire_check
    for j in (1, 3, 4):
        assert "check whether the plot is basic farmland" in txt[pv][j], txt[pv][j]
    assert "check whether" not in txt[pv][0] and "check whether" not in txt[pv][5]
    # trees on an orchard: no cultivated-land citation (园地 is not 耕地), the rule for 园地 instead
    assert "国办发明电〔2020〕24号" not in txt[trees][0] and "afforesting cultivated land" not in txt[trees][0]
    assert "other agricultural land, not cultivated land" in txt[trees][0]
    # cultivated land keeps its ban
    st2, rid2, _ = policy_status(o, ["safe_utilisation"] * 2, ["paddy", "vegetable"], ["no", "no"], t)
    assert rid2[trees].tolist() == ["cn_safe_no_trees"] * 2 and st2[trees].tolist() == ["forbidden"] * 2


def test_tea_garden_keeps_its_crop_under_the_weights_that_took_it_to_pv():
    p = agriremed.plan(ORCHARDS.loc[ORCHARDS["plot_id"] == "P06"],
                       agriremed.Scenario(mc_draws=0, weights=PV_WEIGHTS), progress=False)
    t = p.table.loc[p.table["applicable"].astype(bool)].set_index("option_id")
    assert t.loc["do_nothing", "recommended"] and not t.loc["pv_grass", "recommended"]
    # PV still scores higher under these weights: the policy tier, not the score, keeps the tea
    assert t.loc["do_nothing", "score"] == pytest.approx(0.468, abs=5e-4)
    assert t.loc["pv_grass", "score"] == pytest.approx(0.500, abs=5e-4)
    assert t.loc["pv_grass", "policy_status"] == "restrained"
    rec = p.summary["recommendation"].iloc[0]
    assert "which the rule set restrains on this land" in rec


@pytest.mark.parametrize("weights", RANDOM_WEIGHTS, ids=[f"w{i}" for i in range(len(RANDOM_WEIGHTS))])
def test_safe_utilisation_orchards_get_no_non_food_use_whatever_the_weights(weights):
    p = agriremed.plan(ORCHARDS, agriremed.Scenario(mc_draws=0, weights=weights), progress=False)
    s = p.summary.set_index("plot_id")
    assert (s["soil_class"] == "safe_utilisation").all(), s["soil_class"]
    food = _food(s["recommended_option"])
    assert food.all(), s.loc[~food, ["recommended_option", "policy_rule"]]
