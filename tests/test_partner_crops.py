"""Crops of UK and Danish farms (barley, sugar beet, grass, silage maize) and the climate sentence of an
option valued with Chinese yields on a plot abroad."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

import agriremed
from agriremed.core import messages
from agriremed.core.scenario import Scenario
from agriremed.core.tables import load_tables
from agriremed.engine import assemble
from agriremed.stages import advice
from agriremed.stages.uptake.predict import limits_for_crops

_PLOT = {"area_ha": 5.0, "som_pct": 3.0, "clay_pct": 12.0, "land_use": "upland", "ph": 6.0, "cd_mg_kg": 0.8,
         "mean_temp_c": 8.0, "annual_rain_mm": 800.0, "region": "Denmark/Jutland"}


def _plan(rows, **scenario):
    return agriremed.plan(pd.DataFrame([{**_PLOT, **r} for r in rows]), Scenario(mc_draws=0, **scenario),
                          progress=False)


@pytest.fixture(scope="module")
def danish():
    return _plan([{"plot_id": "B", "crop": "spring barley", "ph": 6.2},
                  {"plot_id": "S", "crop": "sugar beet", "ph": 7.0, "clay_pct": 18.0},
                  {"plot_id": "G", "crop": "grass", "som_pct": 5.0},
                  {"plot_id": "M", "crop": "silage maize"},
                  {"plot_id": "Z", "crop": "青贮玉米", "region": "Hebei/Baoding"}])


def test_partner_crops_are_in_the_library():
    c = load_tables().indexed("crops", "crop")
    assert c.loc[["barley", "sugar_beet", "grass", "silage_maize"], "crop_group"].tolist() == [
        "barley", "sugar_beet", "forage", "forage"]
    # forage is assessed at the 12 % moisture the feed limits refer to
    assert c.loc[["grass", "silage_maize"], "moisture_typical"].tolist() == [0.12, 0.12]


def test_eu_limits_of_the_partner_crops():
    t = load_tables()
    lim, _ = limits_for_crops(["barley", "barley", "grass", "grass", "grass", "grass", "silage_maize", "sugar_beet"],
                              ["cd", "pb", "cd", "pb", "hg", "as", "cd", "cd"], "EU2023_915", t)
    # EU 2023/915 barley Cd 0.050; Directive 2002/32/EC feed: Cd 1, Pb 30 (green fodder), As 2 (Hg 0.1 left out);
    # no EU limit for the sugar-beet root (a sugar plant, not a root vegetable)
    np.testing.assert_allclose(lim, [0.05, np.nan, 1.0, 30.0, np.nan, 2.0, 1.0, np.nan])
    lim, _ = limits_for_crops(["barley", "barley", "barley", "grass"], ["cd", "pb", "hg", "cd"], "GB2762", t)
    np.testing.assert_allclose(lim, [0.1, 0.2, np.nan, np.nan])
    hs = advice.harvest_standard("grass", None, "EU2023_915", t)
    assert hs["standard"] == "EU2002_32"
    assert advice.harvest_standard_text(hs, "en") == (
        "the limits of the Directive 2002/32/EC on undesirable substances in animal feed (European Union) for "
        "feed materials: green fodder (Directive 2002/32/EC, at 12 % moisture), not food limits")
    assert advice.harvest_standard("silage_maize", None, "GB2762", t)["standard"] == "GB13078"


def test_danish_plots_use_the_packaged_functions(danish):
    u = danish.uptake.loc[danish.uptake["metal"] == "cd"].set_index("plot_id")
    assert u["crop"].to_dict() == {"B": "barley", "S": "sugar_beet", "G": "grass", "M": "silage_maize",
                                   "Z": "silage_maize"}
    assert u.loc[["S", "G", "M"], "function_id"].tolist() == [
        "devries2007_sugarbeet_cd", "devries2007_grass_cd", "devries2007_maize_cd"]
    assert not u.loc["B", "assessed"]  # no transfer function for barley: measured in the harvest
    # grass: the dry-weight prediction at 12 % moisture against the feed limit of 1 mg/kg
    g = u.loc["G"]
    assert g["crop_fw_p50_mg_kg"] == pytest.approx(0.88 * g["crop_dw_p50_mg_kg"], rel=1e-9)
    assert g["food_limit_mg_kg"] == pytest.approx(1.0)
    p = 1.0 - ndtr((np.log10(1.0) - np.log10(g["crop_fw_p50_mg_kg"])) / g["se_log10"])
    assert g["p_exceed_limit"] == pytest.approx(p, rel=1e-9)
    assert 0.0 < g["p_exceed_limit"] < 0.1
    s = danish.summary.set_index("plot_id")
    assert "not in the library's crops" not in " ".join(s["recommendation"])
    assert "forage sampling every season" in s.loc["G", "recommendation"]
    assert "root sampling every season" in s.loc["S", "recommendation"]
    assert "grain sampling every season" in s.loc["B", "recommendation"]


@pytest.fixture(scope="module")
def abroad():
    # DK1 (in Germany, whose latitude range 47.28–55.06° N spans the limit of grain maize) gives no latitude: the
    # switch to grain maize stays, its limit not checked (tests/test_latitude_region.py); DK1n gives 56.2° N, where
    # it is not applicable (north of its limit, option_latitude_limits.csv; tests/test_latitude_limits.py)
    return _plan([{"plot_id": "DK1", "crop": "wheat", "cd_mg_kg": 1.0, "clay_pct": 15.0, "region": "Germany/Bavaria"},
                  {"plot_id": "DK1n", "crop": "wheat", "cd_mg_kg": 1.0, "clay_pct": 15.0, "lat": 56.2, "lon": 9.0},
                  {"plot_id": "UK2", "crop": "grass", "region": "UK/Derbyshire", "ph": 6.2, "som_pct": 6.0,
                   "clay_pct": 25.0, "cd_mg_kg": 3.5, "pb_mg_kg": 900.0, "mean_temp_c": 9.0}])


def test_chinese_yield_abroad_is_said_untested(abroad):
    s = abroad.summary.set_index("plot_id")
    assert s["recommended_option"].to_dict() == {"DK1": "maize_grain", "DK1n": "foliar_zn_wheat", "UK2": "sorghum"}
    t = abroad.table.set_index(["plot_id", "option_id"])
    assert not t.loc[("DK1n", "maize_grain"), "applicable"]
    assert t.loc[("DK1n", "maize_grain"), "reason"].startswith("the plot lies at 56.2° N, north of about 50° N")
    dk = s.loc["DK1", "recommendation"]
    assert ("Climate not tested: the yield assumed for Switch to maize grain (crop-structure adjustment) rests on "
            "yield, price and grain uptake from China") in dk
    assert "grain maize is grown to about 50° N and silage maize to about 55° N" in dk
    assert ("Climate not tested: the yield assumed for Sweet/biomass sorghum energy crop rests on yield from "
            "energy-sorghum field trials in northern China") in s.loc["UK2", "recommendation"]
    # in China (Chinese rule set or GB 2762) the evidence's own climate: no sentence; hemp has no note
    t = load_tables()
    got = assemble._climate_untested(["maize_grain", "maize_grain", "maize_grain", "hemp"],
                                     ["GB2762", "EU2023_915", "GB2762", "EU2023_915"],
                                     [True, False, False, False], t)
    assert got[0] is None and got[2] is None and got[3] is None
    assert got[1].startswith("yield, price and grain uptake from China")
    zh = messages.render(messages.Message.decode(s.loc["DK1", "recommendation_msg"]), "zh")
    assert "未验证气候适应性：改种玉米" in zh and "籽粒玉米种植至约北纬50°" in zh


def test_options_with_a_temperature_limit_keep_their_gate():
    o = load_tables().indexed("options", "option_id")
    # a note without a limit: no exclusion (hemp is grown in Denmark and keeps no limit or note)
    assert np.isnan(pd.to_numeric(o.loc[["sorghum", "maize_grain", "hemp"], "min_mean_temp_c"])).all()
    assert o.loc["hemp", "climate_note"] in ("", None) or pd.isna(o.loc["hemp", "climate_note"])


def test_forage_sentences_name_the_feed_directive(danish):
    s = danish.summary.set_index("plot_id")
    g = s.loc["G", "recommendation"]
    assert "chance the crop meets Directive 2002/32/EC (feed) for Cd" in g and "EU 2023/915" not in g
    zh = messages.render(messages.Message.decode(s.loc["G", "recommendation_msg"]), "zh")
    assert "作物镉含量符合欧盟饲料指令2002/32/EC的概率" in zh
    # barley keeps the food regulation's name
    assert assemble._named_standards(["EU2023_915", "EU2023_915", "GB2762"], ["barley", "grass", "grass"],
                                     load_tables()).tolist() == ["EU2023_915", "EU2002_32", "GB2762"]


def test_measured_forage_is_compared_with_the_feed_limit():
    p = _plan([{"plot_id": "G", "crop": "grass", "som_pct": 5.0, "crop_cd_mg_kg": 1.4}])
    text = p.summary.set_index("plot_id").loc["G", "recommendation"]
    assert "Measured Cd in the harvest 1.4 mg/kg is above the Directive 2002/32/EC (feed) limit 1 mg/kg" in text
