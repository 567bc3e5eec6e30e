"""Sedum Cd removal is credited only within the soil pH of its field evidence.

The Sedum plumbizincicola removal line (declining BCF) comes from two acid field soils, pH 5.0
(1-ha paddy, ``sedum_paddy2018``) and pH 5.61 (8-ha Yunnan field, ``sedum_yunnan8ha``); on a
calcareous soil at Jiyuan, Henan, intercropped Sedum took up only 2.12 g Cd/ha
(``lu2015_sedum_calcareous``). Every Sedum option therefore stops at pH 5.61 (``ph_max`` of
``options.csv``) and says why; below it the removal is unchanged.
"""

import io

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.stages import options, soil, uptake

# three strict-control plots of a 300-plot sweep with soil Cd ≈ 3.4–3.5 mg/kg at pH 4.49, 5.73, 7.45
PLOTS = """plot_id,region,land_use,crop,area_ha,ph,som_pct,clay_pct,bulk_density_g_cm3,depth_m,cd_mg_kg,pb_mg_kg,as_mg_kg,hg_mg_kg,cr_mg_kg,cu_mg_kg,ni_mg_kg,zn_mg_kg,basic_farmland,annual_rain_mm
Q017,,vegetable,lettuce,3.399,4.49,1.75,43.9,1.1,0.2,3.372,54.656,15.913,,,63.077,,,,
Q114,Henan/Xinxiang/Huojia,vegetable,carrot,1.038,7.45,6.97,34.8,1.41,0.2,3.531,,,0.562,,,68.098,,no,
Q188,Hunan/Chenzhou/Suxian,upland,maize,1.971,5.73,6.43,19.8,1.04,0.2,3.504,,,,,,,121.722,是,
"""
SEDUM = ("sedum_plumbizincicola", "sedum_alfredii", "sedum_rice_rotation", "sedum_wheat_intercrop")


@pytest.fixture(scope="module")
def plan():
    plots = pd.read_csv(io.StringIO(PLOTS), dtype={"basic_farmland": str})
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_acid_soil_within_the_evidence_keeps_its_removal(plan):
    # pH 4.49, Cd 3.372: 3.26 t/ha × 109.3 × (3.372/1.244)^0.614 mg/kg = 657.3 g/ha/yr, as before
    t = plan.table.set_index(["plot_id", "option_id"])
    r = t.loc[("Q017", "sedum_plumbizincicola")]
    assert r["applicable"]
    shoot = 109.3 * (3.372 / 1.244) ** 0.614
    assert r["removal_g_ha_yr"] == pytest.approx(3.26 * shoot, rel=1e-6)
    assert r["removal_g_ha_yr"] == pytest.approx(657.27, abs=0.01)
    assert r["years_to_target"] == pytest.approx(17.75, abs=0.01)
    assert t.loc[("Q017", "sedum_alfredii"), "removal_g_ha_yr"] == pytest.approx(148.0)
    # Sedum is no longer the plan on this strict-control lettuce field: the lettuce may not be sold (no feed
    # outlet for vegetables), so doing nothing is idle land (no income, no cost) and fallow, −14 813 CNY/ha
    # against it, is recommended over Sedum (−375 599), which stays the runner-up with its removal (it was
    # recommended, at −650 877, while the lettuce was valued as sold for feed at 60 % of the price)
    s = plan.summary.set_index("plot_id").loc["Q017"]
    assert s["recommended_option"] == "fallow"
    assert t.loc[("Q017", "sedum_plumbizincicola"), "rank"] == 2
    assert t.loc[("Q017", "fallow"), "npv_vs_baseline_cny_ha"] == pytest.approx(-14_813, abs=1)
    assert t.loc[("Q017", "do_nothing"), "npv_cny_ha"] == 0.0


@pytest.mark.parametrize("pid, ph_text", [("Q114", "7.45"), ("Q188", "5.73")])
def test_sedum_above_the_ph_of_its_field_evidence_is_excluded_with_the_jiyuan_result(plan, pid, ph_text):
    # before: 676 g/ha/yr at pH 7.45 and 673 at pH 5.73 (no pH term), "about 23 yr" at pH 7.45
    t = plan.table.set_index(["plot_id", "option_id"])
    for oid in ("sedum_plumbizincicola", "sedum_alfredii"):
        r = t.loc[(pid, oid)]
        assert not r["applicable"]
        assert r["reason"].startswith(f"soil pH {ph_text} is above 5.61: the option works on more acid soils (")
        assert "2.12 g Cd/ha" in r["reason"]
        assert np.isnan(r["removal_g_ha_yr"]) and np.isnan(r["years_to_target"])
    assert "pH 5.0 (1-ha acid paddy) to 5.61 (8-ha Yunnan field)" in t.loc[(pid, "sedum_plumbizincicola"), "reason"]


def test_the_calcareous_vegetable_plot_is_no_longer_told_a_sedum_clean_up(plan):
    # before: Sedum recommended "brings Cd to the screening value in about 23 yr ... mostly on clean-up"
    s = plan.summary.set_index("plot_id")
    assert s.loc["Q114", "recommended_option"] == "fallow"
    text = s.loc["Q114", "recommendation"]
    assert text.startswith("Fallow / set-aside with cover: no food crop, so no dietary exposure; -15,328 CNY/ha")
    assert "Sedum" not in text and "brings Cd to the screening value" not in text
    # pH 5.73: sorghum was and stays recommended (its own pH-scaled removal), Sedum is not its runner-up
    assert s.loc["Q188", "recommended_option"] == "sorghum"
    assert "Sedum" not in s.loc["Q188", "recommendation"]


def test_every_sedum_option_stops_at_the_same_ph(tables, plots_factory):
    # a safe-utilisation upland wheat plot (Cd 0.8) just inside and just outside the evidence:
    # the wheat intercrop (capped at the monoculture's removal) keeps the monoculture's limit
    rows = options_rows(tables, plots_factory(2, land_use="upland", crop="wheat", ph=[5.61, 5.62],
                                              cd_mg_kg=0.8))
    for oid in ("sedum_plumbizincicola", "sedum_alfredii", "sedum_wheat_intercrop"):
        inside, outside = rows.loc[("P1", oid)], rows.loc[("P2", oid)]
        assert inside["applicable"], (oid, inside["reason"])
        assert not outside["applicable"] and outside["reason"].startswith("soil pH 5.62 is above 5.61")
        assert "2.12 g Cd/ha" in outside["reason"]
    paddy = options_rows(tables, plots_factory(2, ph=[5.61, 5.62], cd_mg_kg=0.8))
    assert paddy.loc[("P1", "sedum_rice_rotation"), "applicable"]
    r = paddy.loc[("P2", "sedum_rice_rotation")]
    assert not r["applicable"] and "above 5.61" in r["reason"] and "2.12 g Cd/ha" in r["reason"]


def test_noccaea_keeps_ph_7_5_because_its_field_evidence_includes_a_calcareous_soil(tables, plots_factory):
    # the European trials behind the Noccaea BCF include Keller et al. (2003) at Dornach, Switzerland,
    # a calcareous soil (0.9 t/ha × 184 mg/kg = 166 g Cd/ha a year, SUMATECS Table 6): its limit is not
    # moved down to the pH of an acid field soil, and the exclusion reason says why
    lib = tables.options.set_index("option_id")
    r = lib.loc["noccaea_caerulescens"]
    assert r["ph_max"] == 7.5
    assert {"sumatecs2008", "dornach_calcareous", "lu2015_sedum_calcareous"} <= set(r["rule_source"].split(";"))
    assert "dornach_calcareous" in set(tables.sources["key"])
    assert "calcareous soil at Dornach" in r["ph_note"] and "166 g Cd/ha" in r["ph_note"]
    assert "多尔纳赫" in r["ph_note_zh"] and "166克" in r["ph_note_zh"] and "7.5" in r["ph_note_zh"]
    rows = options_rows(tables, plots_factory(2, land_use="upland", crop="wheat", ph=[7.5, 7.6], cd_mg_kg=1.0))
    assert rows.loc[("P1", "noccaea_caerulescens"), "applicable"]
    out = rows.loc[("P2", "noccaea_caerulescens")]
    assert not out["applicable"]
    assert out["reason"].startswith("soil pH 7.6 is above 7.5: the option works on more acid soils (")
    assert "calcareous soil at Dornach" in out["reason"] and "so its limit is 7.5" in out["reason"]
    assert "2.12 g Cd/ha" in out["reason"]


def options_rows(tables, plots):
    s = soil.screen(plots, tables)
    cls = soil.plot_classes(s, plots["plot_id"])
    risk = uptake.food_safety(uptake.predict_crop_concentration(plots, tables=tables), "GB2762", tables)
    rows = options.evaluate_options(plots, cls, tables, crop_risk=risk, rule_set="china")
    return rows.set_index(["plot_id", "option_id"])


def test_a_ph_just_above_the_limit_never_prints_as_the_limit(tables, plots_factory):
    # pH 5.614 with two decimals reads 5.61, the limit it exceeds: it is printed with three
    rows = options_rows(tables, plots_factory(1, land_use="upland", crop="wheat", ph=5.614, cd_mg_kg=0.8))
    assert rows.loc[("P1", "sedum_plumbizincicola"), "reason"].startswith("soil pH 5.614 is above 5.61")
