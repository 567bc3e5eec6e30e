"""The clear-sky year's solar position: pvlib's NREL SPA with the time terms computed once."""

from __future__ import annotations

import pandas as pd
import pytest

pvlib = pytest.importorskip("pvlib")

from agriremed.stages import solar  # noqa: E402


@pytest.mark.parametrize("lat, lon, altitude", [(28.0, 113.0, 0.0), (36.55, 104.17, 1500.0),
                                                (26.4, 99.4, 2300.0), (45.75, 126.65, 150.0)])
def test_solar_position_equals_pvlib_bit_for_bit(lat, lon, altitude):
    loc = pvlib.location.Location(lat, lon, tz=solar.CHINA_TZ, altitude=altitude)
    want = loc.get_solarposition(solar._hours())
    pd.testing.assert_frame_equal(solar._solar_position(loc), want, check_exact=True)


def test_the_time_terms_are_computed_once():
    solar._spa_time_terms.cache_clear()
    for lat in (20.0, 30.0, 40.0):
        solar._solar_position(pvlib.location.Location(lat, 110.0, tz=solar.CHINA_TZ))
    info = solar._spa_time_terms.cache_info()
    assert (info.misses, info.hits) == (1, 2)


#: Sites of the block tests: (lat, lon, annual GHI [kWh m⁻²], air temperature [°C]), across China,
#: one south of the equator (panels face north).
SITES = [(28.0, 113.0, 1200.0, 17.5), (36.6, 104.2, 1741.0, 6.9), (26.4, 99.4, 1500.0, 15.0),
         (45.8, 126.7, 1300.0, 4.0), (-10.0, 120.0, 1600.0, 25.0), (22.3, 114.1, 1350.0, 22.9)]


def test_site_blocks_equal_the_one_site_chain_bit_for_bit(tables):
    import numpy as np

    a = np.array(SITES)
    got = solar._site_yields(a[:, 0], a[:, 1], a[:, 2], a[:, 3], 1.0, tables)
    for i, (lat, lon, ghi, temp) in enumerate(SITES):
        want = solar.annual_specific_yield(solar.clear_sky_weather(lat, lon, ghi, temp, 1.0), lat, tables)
        assert {k: got[k][i] for k in want} == want, (lat, lon)


def test_a_site_does_not_depend_on_the_other_sites_of_its_block(tables, monkeypatch):
    import numpy as np

    a = np.array(SITES)
    whole = solar._site_yields(a[:, 0], a[:, 1], a[:, 2], a[:, 3], 1.0, tables)
    monkeypatch.setattr(solar, "SITE_BLOCK", 4)
    order = np.array([5, 2, 0, 4, 1, 3])
    shuffled = solar._site_yields(a[order, 0], a[order, 1], a[order, 2], a[order, 3], 1.0, tables)
    for k in whole:
        np.testing.assert_array_equal(shuffled[k], whole[k][order])


def test_plot_yields_come_from_their_grid_site_and_say_why_when_missing(tables):
    import numpy as np

    plots = pd.DataFrame({"plot_id": ["a", "b", "c", "d", "e"],
                          "region": ["Gansu/Baiyin", "甘肃/白银", "Gansu", "Atlantis", "Gansu"],
                          "lat": [36.58, 36.6201, 36.64, 36.5, np.nan], "lon": [104.17, 104.1699, 104.2, 104.0, 104.0],
                          "mean_temp_c": [6.9, 6.94, 6.9, 6.9, 6.9]})
    y = solar.specific_yield_for_plots(plots, tables)
    site = solar.annual_specific_yield(solar.clear_sky_weather(36.6, 104.2, 1741.0, 6.9), 36.6, tables)
    # a and b share the grid site (36.6, 104.2) and temperature 6.9 °C; c rounds to the same site
    assert list(y["specific_yield_kwh_kwp_yr"][:3]) == [site["specific_yield_kwh_kwp_yr"]] * 3
    assert np.isnan(y["specific_yield_kwh_kwp_yr"][3:]).all()
    assert list(y["pv_note"][3:]) == [
        "province not in solar_resource.csv: PV yield not computed (give a weather file)",
        "no lat/lon: PV yield not computed (give coordinates or a weather file)"]
    assert y["pv_weather"][0] == "clear-sky year scaled to 1741 kWh/m²/yr (class II, Gansu)"
    assert list(y["pv_weather"][3:]) == ["", ""]
