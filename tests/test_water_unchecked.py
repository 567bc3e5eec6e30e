"""A water-limited crop on a plot without annual rain: its reason and the recommendation say the
yield was taken as with enough rain (issue 16: unknown is not silently the best case)."""

import numpy as np
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.stages.options import climate_for_full_yield
from plotdata import make_plots


def test_rain_of_full_yield_is_the_ramp_end_of_yield_adjustments(tables):
    got = climate_for_full_yield(["miscanthus", "willow", "sorghum", "sedum", ""], "annual_rain_mm", tables)
    assert got[:3].tolist() == [800.0, 800.0, 450.0]
    assert np.isnan(got[3:]).all()
    assert climate_for_full_yield(["miscanthus"], "mean_temp_c", tables).tolist() == [10.0]


def _no_pv() -> agriremed.Scenario:
    """Every option of the library but PV: a plot without lat/lon in Baiyin gets a PV yield at Baiyin's point
    (place_coordinates.csv) and PV ranks first; these plots test the notes of an energy crop."""
    lib = load_tables().options
    return agriremed.Scenario(mc_draws=0, options=tuple(lib.loc[lib["policy_family"] != "solar_pv", "option_id"]))


@pytest.fixture(scope="module")
def dry_plans():
    base = dict(region="Gansu/Baiyin", land_use="marginal", crop="none", area_ha=0.15, ph=7.8, cd_mg_kg=3.5,
                pb_mg_kg=400.0, as_mg_kg=30.0, bulk_density_g_cm3=1.3, depth_m=0.2, mean_temp_c=9.0,
                lat=np.nan, lon=np.nan)
    s = _no_pv()
    unknown = agriremed.plan(make_plots(1, annual_rain_mm=np.nan, **base), s, progress=False)
    dry = agriremed.plan(make_plots(1, annual_rain_mm=200.0, **base), s, progress=False)
    return unknown, dry


def test_reason_of_a_water_limited_option_names_the_missing_rain(dry_plans):
    unknown, dry = dry_plans
    r = unknown.table.set_index("option_id")["reason"]
    assert "water not checked (annual rainfall not given): yield as with enough rain (800 mm a year or more)" in r["miscanthus"]
    assert "(450 mm a year or more)" in r["sorghum"]
    assert not dry.table["reason"].fillna("").str.contains("water not checked").any()


def test_recommendation_of_a_water_limited_crop_closes_with_the_rain_it_assumed(dry_plans):
    unknown, dry = dry_plans
    s = unknown.summary.iloc[0]
    assert s["recommended_option"] == "miscanthus"
    assert s["recommendation"].endswith(
        "Yield as with enough rain (800 mm a year or more): the plot's annual rainfall is not given — on drier land the "
        "crop yields less (give the plot's annual rain).")
    # the smaller of the water and temperature factors: 9 °C gives (9 − 6)/(10 − 6) = 0.75 without rain,
    # 200 mm gives 200/800 = 0.25 with it, so the dry yield is a third of the unknown-rain one
    y = lambda p: p.table.set_index("option_id").loc["miscanthus", "biomass_t_dm_ha_yr"]  # noqa: E731
    assert y(dry) == pytest.approx(y(unknown) * 0.25 / 0.75, rel=1e-9)
    assert "annual_rain_mm" not in dry.summary.iloc[0]["recommendation"]
    zh = messages.column_texts(unknown.summary, "recommendation", "zh", unknown.tables)[0]
    assert zh.endswith("产量按降水充足（年降水800毫米以上）估算：本地块未填年降水量，较干旱的土地产量更低（请补填年降水量）。")


def test_recommendation_of_a_crop_with_a_climate_limit_says_the_temperature_was_not_checked(tables):
    p = agriremed.plan(make_plots(1, region="Gansu/Baiyin", land_use="marginal", crop="none", area_ha=0.15, ph=7.8,
                                  cd_mg_kg=3.5, pb_mg_kg=400.0, as_mg_kg=30.0, bulk_density_g_cm3=1.3, depth_m=0.2,
                                  annual_rain_mm=900.0, mean_temp_c=np.nan, lat=np.nan, lon=np.nan),
                       _no_pv(), progress=False)
    s = p.summary.iloc[0]
    assert s["recommended_option"] == "miscanthus"
    min_c = 10.0  # miscanthus: full yield from 10 °C (the mean_temp_c ramp of yield_adjustments.csv)
    reason = p.table.set_index("option_id").loc["miscanthus", "reason"]
    assert "climate not checked (mean annual temperature not given)" in reason
    assert s["recommendation"].endswith(
        f"Climate not checked: the plot's mean annual temperature is not given, and the crop needs a mean annual temperature of "
        f"{min_c:g} °C or more for the yield assumed (give the plot's mean temperature).")


def test_both_missing_make_one_note():
    p = agriremed.plan(make_plots(1, region="Gansu/Baiyin", land_use="marginal", crop="none", area_ha=0.15, ph=7.8,
                                  cd_mg_kg=3.5, pb_mg_kg=400.0, as_mg_kg=30.0, bulk_density_g_cm3=1.3, depth_m=0.2,
                                  annual_rain_mm=np.nan, mean_temp_c=np.nan, lat=np.nan, lon=np.nan),
                       _no_pv(), progress=False)
    rec = p.summary.iloc[0]["recommendation"]
    assert rec.endswith("Climate not checked: the plot's mean annual temperature and annual rainfall are not given, and the yield assumed "
                        "needs a mean annual temperature of 10 °C or more and 800 mm of rain a year or more (give the "
                        "plot's mean temperature and annual rain).")
    assert rec.count("Climate not checked") == 1 and "Yield as with enough rain" not in rec
