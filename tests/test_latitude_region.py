"""Rule 8b (latitude limits of option_latitude_limits.csv) on plots without lat/lon: the latitude comes from
the region (the point of its prefecture or province, place_coordinates.csv; else the latitude range of the
country it names, countries.csv), the reason says so, and where neither decides the recommendation says the
limit could not be checked."""

import pandas as pd
import pytest

import agriremed
from agriremed.core.tables import load_tables
from agriremed.io.outputs import texts_in
from agriremed.stages import solar

#: panel24.csv P19 and P20 of the issue-16 panel review: wheat fields in Derbyshire and Zealand, no lat/lon
P19 = dict(plot_id="P19", region="UK/Derbyshire", land_use="upland", crop="wheat", area_ha=5.0, ph=6.8, som_pct=4.0,
           clay_pct=25, bulk_density_g_cm3=1.25, depth_m=0.2, cd_mg_kg=2.5, pb_mg_kg=450, as_mg_kg=20, hg_mg_kg=0.2,
           cr_mg_kg=60, cu_mg_kg=40, zn_mg_kg=250, annual_rain_mm=800, mean_temp_c=9.5)
P20 = dict(plot_id="P20", region="Denmark/Zealand", land_use="upland", crop="wheat", area_ha=8.0, ph=6.0,
           som_pct=2.5, clay_pct=15, bulk_density_g_cm3=1.4, depth_m=0.2, cd_mg_kg=0.5, pb_mg_kg=25, as_mg_kg=5,
           hg_mg_kg=0.05, cr_mg_kg=20, cu_mg_kg=15, zn_mg_kg=50, annual_rain_mm=650, mean_temp_c=8.5)
#: the Danish field named in France, whose metropolitan range (Corsica included, the overseas departments not)
#: spans the limit
FR = dict(P20, plot_id="FR", region="France/Bretagne")
#: the Danish field named in the Netherlands: the European part lies wholly north of the limit (the Caribbean
#: Netherlands, 12° N, made the range 12.03–53.68° N, across it)
NL = dict(P20, plot_id="NL", region="Netherlands/Gelderland")
#: a spring-wheat field in Heilongjiang without lat/lon
HLJ = dict(plot_id="HLJ", region="Heilongjiang/Qiqihar", land_use="upland", crop="wheat", area_ha=1.0, ph=6.0,
           som_pct=3.0, clay_pct=25, bulk_density_g_cm3=1.2, depth_m=0.2, cd_mg_kg=0.5, basic_farmland="no")

NORTH = ("north of about 50° N, to which grain maize is grown in north-west Europe (a secondary source, unconfirmed: "
         "Maize climatic requirements (web page)): the option's yield, price and uptake come from China and are "
         "untested this far north")


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(pd.DataFrame([P19, P20, FR, NL, HLJ]), agriremed.Scenario(mc_draws=0))


def test_country_latitude_ranges_from_natural_earth():
    # the map unit of the home part: metropolitan France with Corsica (41.38), not Réunion (-21.37); the European
    # Netherlands, not the Caribbean Netherlands (12.03); mainland Norway, not Svalbard (80.48); Portugal without
    # the Azores and Madeira (32.65); Denmark (Bornholm in its map unit) and the UK have no other map unit under
    # their codes (Greenland, the Faroes, the overseas territories are rows of their own)
    r = solar.country_latitude_range(["UK/Derbyshire", "Denmark/Zealand", "United Kingdom/Kent", "France/Bretagne",
                                      "Netherlands/Gelderland", "Norway/Viken", "Portugal/Alentejo", "Réunion",
                                      "Hunan/Changsha", "Atlantis"])
    assert r.values.tolist()[:8] == [[50.02, 60.83], [54.63, 57.74], [50.02, 60.83], [41.38, 51.10], [50.75, 53.68],
                                     [58.02, 71.14], [37.01, 42.14], [-21.37, -20.87]]
    assert r.iloc[8:].isna().all().all()


def test_uk_and_danish_wheat_without_coordinates_is_not_switched_to_grain_maize(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    for pid, lo, hi in (("P19", "50.02", "60.83"), ("P20", "54.63", "57.74"), ("NL", "50.75", "53.68")):
        m = t.loc[(pid, "maize_grain")]
        assert not m["applicable"]
        assert m["reason"] == (f"the plot has no lat/lon; the country its region names lies wholly between {lo} and "
                               f"{hi}° N (Natural Earth 1:50m), {NORTH}")
        assert s.loc[pid, "recommended_option"] == "foliar_zn_wheat"
        assert "Latitude limit not checked" not in s.loc[pid, "recommendation"]
    assert (round(s.loc["P19", "npv_vs_baseline_cny_ha"]), round(s.loc["P20", "npv_vs_baseline_cny_ha"])) == (8459, 8485)
    assert round(s.loc["NL", "npv_vs_baseline_cny_ha"]) == 8485
    zh = texts_in(plan.table, "zh", plan.tables, plan.scenario).set_index(["plot_id", "option_id"])
    assert zh.loc[("P20", "maize_grain"), "reason"].startswith(
        "地块未给经纬度；其地区所属国家整体位于北纬54.63°至57.74°之间（Natural Earth 1:50m），在约北纬50°以北")


def test_a_country_across_the_limit_leaves_it_unchecked_and_says_so(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    assert t.loc[("FR", "maize_grain"), "applicable"]
    assert s.loc["FR", "recommended_option"] == "maize_grain"
    assert ("Latitude limit not checked: Switch to maize grain (crop-structure adjustment) is not planned north of "
            "about 50° N, to which grain maize is grown in north-west Europe, but the plot has no lat/lon, and the "
            "country its region names spans 41.38–51.10° N (Natural Earth 1:50m), across the limit; give the plot's "
            "lat and lon before relying on it.") in s.loc["FR", "recommendation"]
    zh = texts_in(plan.summary, "zh", plan.tables, plan.scenario).set_index("plot_id")
    assert ("未核查纬度界限：改种玉米（种植结构调整）不用于约北纬50°以北（西北欧种植籽粒玉米），而地块未给经纬度，其地区所属国家跨北纬"
            "41.38°至51.10°（Natural Earth 1:50m），跨越该界限；请先补充地块经纬度再采用。") in zh.loc["FR", "recommendation"]


def test_a_chinese_province_is_planned_on_chinese_yields_whatever_its_latitude(plan):
    # the packaged limit applies outside China only: the Heilongjiang field keeps the maize switch
    t = plan.table.set_index(["plot_id", "option_id"])
    assert t.loc[("HLJ", "maize_grain"), "applicable"]
    assert "Latitude limit not checked" not in plan.summary.set_index("plot_id").loc["HLJ", "recommendation"]


def test_a_limit_for_every_plot_uses_the_point_of_a_chinese_region():
    # a user limit of 40° N for every plot: the Heilongjiang field (no lat/lon) is judged at the GeoNames point of
    # Qiqihar, 47.3° N; a plot whose region names no place cannot be checked, and its sentence says so
    lim = load_tables().option_latitude_limits.copy()
    lim["scope"], lim["max_lat_deg"] = "all", 40
    tables = load_tables().replace(option_latitude_limits=lim)
    p = agriremed.plan(pd.DataFrame([HLJ, dict(HLJ, plot_id="NOWHERE", region="")]), agriremed.Scenario(mc_draws=0),
                       tables=tables)
    t = p.table.set_index(["plot_id", "option_id"])
    s = p.summary.set_index("plot_id")
    assert not t.loc[("HLJ", "maize_grain"), "applicable"]
    assert t.loc[("HLJ", "maize_grain"), "reason"].startswith(
        "the plot has no lat/lon; the point of its region, Heilongjiang/Qiqiha'er, lies at 47.3° N (GeoNames), north "
        "of about 40° N")
    zh = texts_in(p.table, "zh", p.tables, p.scenario).set_index(["plot_id", "option_id"])
    assert zh.loc[("HLJ", "maize_grain"), "reason"].startswith(
        "地块未给经纬度；其所在地区黑龙江省/齐齐哈尔市的代表点位于北纬47.3°（GeoNames），在约北纬40°以北")
    assert t.loc[("NOWHERE", "maize_grain"), "applicable"]
    assert s.loc["NOWHERE", "recommended_option"] == "maize_grain"
    assert ("Latitude limit not checked: Switch to maize grain (crop-structure adjustment) is not planned north of "
            "about 40° N, to which grain maize is grown in north-west Europe, but the plot has no lat/lon; give the "
            "plot's lat and lon before relying on it.") in s.loc["NOWHERE", "recommendation"]


def test_coordinates_given_still_decide():
    dk = dict(P20, plot_id="DK1", lat=55.6, lon=12.0)
    south = dict(P20, plot_id="S", region="Denmark/Zealand", lat=45.0, lon=12.0)  # a lat given wins over the country
    p = agriremed.plan(pd.DataFrame([dk, south]), agriremed.Scenario(mc_draws=0))
    t = p.table.set_index(["plot_id", "option_id"])
    assert t.loc[("DK1", "maize_grain"), "reason"] == f"the plot lies at 55.6° N, {NORTH}"
    assert t.loc[("S", "maize_grain"), "applicable"]
