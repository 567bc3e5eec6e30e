"""Grain maize north of where it is grown (R3): a plot outside China whose latitude lies north of the limit of
``option_latitude_limits.csv`` (grain maize: about 50° N in north-west Europe, a secondary source, unconfirmed)
does not get the switch to grain maize ranked on Chinese yields: the option is not applicable and its reason
names the latitude, the limit and the source (EN and 中文). A plot in China (Heilongjiang) keeps it; a plot abroad
without a latitude is judged by the latitude range of its country (tests/test_latitude_region.py)."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages

_B = {"land_use": "upland", "crop": "none", "area_ha": 2.0, "som_pct": 4.0, "clay_pct": 25}
UK = {**_B, "plot_id": "UK-1", "region": "UK/Derbyshire", "lat": 53.2, "lon": -1.6, "ph": 6.5, "cd_mg_kg": 1.5,
      "pb_mg_kg": 300, "zn_mg_kg": 400, "annual_rain_mm": 800, "mean_temp_c": 9.5}
DK = {**_B, "plot_id": "DK-1", "region": "Denmark/Jutland", "lat": 56.2, "lon": 9.3, "ph": 6.0, "cd_mg_kg": 1.0,
      "pb_mg_kg": 60, "zn_mg_kg": 150, "annual_rain_mm": 750, "mean_temp_c": 8.5}
UK_NO_LAT = {**UK, "plot_id": "UK-2", "lat": np.nan, "lon": np.nan}
HLJ = {**_B, "plot_id": "HLJ-1", "region": "Heilongjiang/Heihe", "lat": 50.2, "lon": 127.5, "ph": 6.5,
       "cd_mg_kg": 0.45, "pb_mg_kg": 40, "zn_mg_kg": 100, "annual_rain_mm": 500, "mean_temp_c": 0.5}
HLJ_ZH = {**HLJ, "plot_id": "HLJ-2", "region": "黑龙江省/黑河市", "lat": 49.0}

UK_EN = ("the plot lies at 53.2° N, north of about 50° N, to which grain maize is grown in north-west Europe "
         "(a secondary source, unconfirmed: Maize climatic requirements (web page)): the option's yield, price and "
         "uptake come from China and are untested this far north")
DK_ZH = ("地块位于北纬56.2°，在约北纬50°以北，超出西北欧种植籽粒玉米的北界（二手来源，未经核实：玉米气候需求（网页））："
         "该方案的产量、价格与吸收数据来自中国，未在如此高纬度验证")


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(pd.DataFrame([UK, DK, UK_NO_LAT, HLJ, HLJ_ZH]), agriremed.Scenario(mc_draws=0),
                          progress=False)


def _maize(plan, pid):
    t = plan.table
    return t.loc[(t["plot_id"] == pid) & (t["option_id"] == "maize_grain")].iloc[0]


def test_grain_maize_north_of_its_limit_abroad_is_not_applicable_and_says_why(plan):
    uk, dk = _maize(plan, "UK-1"), _maize(plan, "DK-1")
    assert not uk["applicable"] and not dk["applicable"]
    assert uk["reason"] == UK_EN
    assert messages.render(dk["reason_msg"], "zh") == DK_ZH
    assert messages.render(dk["reason_msg"], "en").startswith("the plot lies at 56.2° N, north of about 50° N")
    s = plan.summary.set_index("plot_id")
    assert s.loc["UK-1", "recommended_option"] != "maize_grain"   # was ranked first on Chinese yields
    assert s.loc["DK-1", "recommended_option"] != "maize_grain"


def test_grain_maize_stays_in_heilongjiang_not_abroad_without_a_latitude(plan):
    for pid in ("HLJ-1", "HLJ-2"):   # Chinese plots are planned on Chinese yields whatever their latitude
        assert _maize(plan, pid)["applicable"], pid
        assert plan.summary.set_index("plot_id").loc[pid, "recommended_option"] == "maize_grain"
    # no latitude given: the United Kingdom lies wholly north of the limit (Natural Earth 1:50m, 50.02–60.83° N)
    m = _maize(plan, "UK-2")
    assert not m["applicable"]
    assert m["reason"].startswith("the plot has no lat/lon; the country its region names lies wholly between 50.02 "
                                  "and 60.83° N (Natural Earth 1:50m), north of about 50° N")


def test_the_limit_is_a_sourced_row_marked_unconfirmed():
    from agriremed.core.tables import load_tables
    t = load_tables()
    row = t.option_latitude_limits.set_index("option_id").loc["maize_grain"]
    assert float(row["max_lat_deg"]) == 50.0 and row["scope"] == "outside_china"
    assert row["status"] == "unconfirmed" and "UNCONFIRMED" in row["note"]
    assert row["source"] in set(t.sources["key"])
    assert "UNCONFIRMED" in t.sources.set_index("key").loc[row["source"], "status"]
