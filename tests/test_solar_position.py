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
