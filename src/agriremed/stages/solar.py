"""Ground-mounted solar PV on marginal, mine and brownfield land: yield, carbon and money.

A PVWatts-style chain (pvlib [1]_, [2]_) on plane-of-array irradiance gives the specific
yield of a fixed, south-facing array [kWh kWp⁻¹ yr⁻¹]:

1. **Weather** — either a user typical-meteorological-year file (EPW or TMY3, read with
   :mod:`pvlib.iotools`; scenario field ``pv_weather_file``), or, by default, an hourly
   clear-sky year at the plot (Ineichen–Perez, Linke turbidity climatology) whose global
   horizontal irradiance is **scaled** so that its annual sum equals the province's value
   of ``solar_resource.csv`` (China's solar-resource classes [3]_; the class mid-range),
   then split into beam and diffuse with the Erbs model. Scaling the clear-sky year keeps
   the daily and seasonal shape of the sun and puts the cloudiness into one factor; the
   diffuse share follows from the scaled clearness index (Erbs).
2. **Plane of array** — isotropic-sky transposition to tilt = latitude ×
   ``tilt_per_latitude``, azimuth 180°.
3. **Cell temperature** — SAPM open-rack glass/polymer model with the plot's mean air
   temperature (``mean_temp_c``) and a constant wind speed, or the file's hourly values.
4. **DC** — PVWatts: P_dc = P_dc0 · G_poa/1000 · (1 + γ (T_cell − 25)).
5. **Losses and AC** — P_dc × (1 − losses) through the PVWatts inverter model
   (nominal efficiency 96 %, DC/AC ratio 1.2, clipped at the AC rating).

All system numbers are rows of ``pv_parameters.csv`` (PVWatts defaults [2]_, degradation
[4]_, installed cost [5]_, the rest documented ``agriremed_assumption`` rows). Per hectare
of plot, :func:`pv_per_hectare` gives the electricity over the horizon (degrading
``degradation_pct_yr`` a year, stopping after ``lifetime_yr``), the grid emissions it
avoids (China's national grid average of ``factors.csv``, ``grid_ef_t_co2_mwh``: 0.5366 t
CO₂/MWh for 2022, MEE 2024), and the yearly cash flows (capital cost in year 1,
operation every year, electricity sold at the tariff) discounted with
:func:`agriremed.stages.economics.npv` — the same end-of-year convention, horizon and rate as
every other option. The avoided emission belongs to the buyer of the electricity by
default (the plan's ``land_based`` credit method), so it earns no carbon revenue; module
manufacture emissions are not counted (no sourced factor).

The same kernel serves the plan option ``pv_grass`` (policy family :data:`PV_FAMILY`):
:func:`plan_pv_energy` fills its rows of the plan's energy table (whole plot inside the
fence), the carbon ledger credits that electricity in its ``avoided_electricity`` term and
the economics stage adds the capital cost, operation and electricity sales; Monte Carlo
runs draw the rows of :data:`PV_DRAWN` (:func:`pv_parameter_draws`, keyed by parameter).

References
----------
.. [1] Holmgren W.F., Hansen C.W., Mikofski M.A. (2018) pvlib python: a python package for
   modeling solar energy systems. J. Open Source Softw. 3(29):884. doi:10.21105/joss.00884
.. [2] Dobos A.P. (2014) PVWatts Version 5 Manual. NREL/TP-6A20-62641. doi:10.2172/1158421
.. [3] China's five solar-resource classes by annual global horizontal irradiation
   (``cma_solar_classes`` of ``sources.csv``).
.. [4] Jordan D.C., Kurtz S.R. (2013) Photovoltaic degradation rates — an analytical
   review. Prog. Photovolt. 21:12–29. doi:10.1002/pip.1182
.. [5] China Photovoltaic Industry Association (2022): installed cost of a centralised PV
   station in 2021, 4.15 CNY/W.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from agriremed.models.finance import npv
from agriremed.models.solar import (GJ_PER_MWH, PV_DRAWN, pv_electricity_draws, pv_energy_by_year,
                                    pv_parameter, pv_parameter_draws, pv_year_shape)
from agriremed.core import frames as _frames
from agriremed.core.i18n import region_path, region_province
from agriremed.core.messages import Message, encode_column, render_column
from agriremed.core.tables import Tables, load_tables
from agriremed.stages.uptake.predict import province_names

__all__ = ["pv_parameter", "solar_resource", "clear_sky_weather", "read_weather_file", "dc_ac_power",
           "annual_specific_yield", "specific_yield_for_plots", "pv_energy_by_year", "pv_per_hectare",
           "PVWeatherError", "PV_FAMILY", "PV_DRAWN", "PV_PLAN_COLUMNS", "pv_year_shape",
           "pv_parameter_draws", "pv_electricity_draws", "pv_option_mask", "pv_site_yields", "plan_pv_energy",
           "pv_tariff", "place_coordinates"]

#: Local standard time of China (UTC+8) for the clear-sky year.
CHINA_TZ = "Etc/GMT-8"
#: Grid of the PV sites [°]: plots are computed at their coordinates rounded to it.
SITE_GRID_DEG = 0.1
#: Non-leap year used for the clear-sky weather (the result does not depend on it beyond ±0.1 %).
CLEAR_SKY_YEAR = 2023


class PVWeatherError(ValueError):
    """A weather file cannot be used (message names the file and what is wrong)."""


def _pvlib():
    try:
        import pvlib
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError("solar PV needs pvlib: pip install 'agriremed[pv]'") from exc
    return pvlib


def _quiet(fn):
    """Run a pvlib step without pandas' deprecation notice of ``DatetimeIndex.dayofyear`` (used
    inside pvlib; the numbers are unaffected)."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"DatetimeIndex\.dayofyear is deprecated")
            return fn(*args, **kwargs)
    return wrapped


def solar_resource(region, tables: Tables | None = None) -> pd.DataFrame:
    """Annual global horizontal irradiation of the plot's province (``solar_resource.csv``).

    Parameters
    ----------
    region : array_like of str
        Plot region texts (``"Gansu/Baiyin/…"``, ``"甘肃/白银"``); the province is found by
        any of its spellings in ``provinces.csv``, or by a city or county of ``place_names.csv``
        written without its province (``"白银"``: :func:`agriremed.core.i18n.region_province`).
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.DataFrame
        Per plot: ``province``, ``solar_zone``, ``ghi_kwh_m2_yr`` (typical, low, high)
        [kWh m⁻² yr⁻¹], ``resource_status`` (``confirmed`` / ``unconfirmed`` / ``missing``)
        and ``resource_source``; NaN where the province is unknown or not in the table.

    Examples
    --------
    >>> r = solar_resource(["Gansu/Baiyin/Dongdagou"]).iloc[0]
    >>> r["province"], r["solar_zone"], float(r["ghi_kwh_m2_yr"]), r["resource_status"]
    ('Gansu', 'II', 1741.0, 'confirmed')
    """
    tables = tables or load_tables()
    res = tables.solar_resource.set_index("province")
    # regions take few values: each distinct one is looked up once
    codes, uniq = pd.factorize(pd.Series(region, dtype=object).fillna("").astype(str).to_numpy(object),
                               use_na_sentinel=False)
    rows = []
    for prov in _solar_provinces(uniq, tables):
        if prov is None:
            rows.append({"province": "", "solar_zone": "", "ghi_kwh_m2_yr": np.nan, "ghi_low_kwh_m2_yr": np.nan,
                         "ghi_high_kwh_m2_yr": np.nan, "resource_status": "missing", "resource_source": ""})
            continue
        x = res.loc[prov]
        rows.append({"province": prov, "solar_zone": x["zone"], "ghi_kwh_m2_yr": float(x["ghi_typical_kwh_m2_yr"]),
                     "ghi_low_kwh_m2_yr": float(x["ghi_low_kwh_m2_yr"]),
                     "ghi_high_kwh_m2_yr": float(x["ghi_high_kwh_m2_yr"]),
                     "resource_status": x["status"], "resource_source": x["source"]})
    per_region = pd.DataFrame(rows, columns=["province", "solar_zone", "ghi_kwh_m2_yr", "ghi_low_kwh_m2_yr",
                                             "ghi_high_kwh_m2_yr", "resource_status", "resource_source"])
    return per_region.iloc[codes].reset_index(drop=True) if len(codes) else per_region


def _solar_spellings(tables: Tables) -> tuple[dict, list]:
    """Lower-case spellings of the provinces of ``solar_resource.csv`` → province, and the spellings,
    longest first (found once per set of tables)."""
    def build():
        names = province_names(tables)
        spell = {}
        for prov in tables.solar_resource["province"]:
            for s in names.get(prov.lower(), (prov.lower(),)):
                spell[s] = prov
        return spell, sorted(spell, key=len, reverse=True)
    return tables.memo("solar_province_spellings", build)


def _solar_provinces(regions, tables: Tables) -> list:
    """The province of ``solar_resource.csv`` each region text names (None: none): the longest spelling it
    contains, else the province of a city or county named without it (白银, Baiyin)."""
    spell, ordered = _solar_spellings(tables)
    out = []
    for r in regions:
        low = r.lower()
        prov = next((spell[s] for s in ordered if s in low), None)
        if prov is None:  # a city or county named without its province (白银, Baiyin)
            prov = spell.get(region_province(r, tables))
        out.append(prov)
    return out


def place_coordinates(region, province, tables: Tables | None = None) -> pd.DataFrame:
    """Coordinates of the place a plot's region names, for a plot without its own (``place_coordinates.csv``).

    Parameters
    ----------
    region : array_like of str
        Plot region texts (``"Hunan/Zhuzhou/Qingshuitang"``, ``"株洲市"``).
    province : array_like of str
        Each plot's province as :func:`solar_resource` finds it (``""`` none).
    tables : Tables, optional
        Literature tables (``place_coordinates.csv``, ``provinces.csv``, ``place_names.csv``).

    Returns
    -------
    pandas.DataFrame
        Per plot: ``lat`` and ``lon`` [°] of the GeoNames point of the seat of the plot's
        prefecture-level city when the region names one the table holds, else of its
        province's capital; ``place``: that prefecture or province as a region path
        (``"Hunan/Zhuzhou"``, ``"Hunan"``). NaN and ``""`` where the plot has no province or
        its province has no row.

    Examples
    --------
    >>> place_coordinates(["Hunan/Zhuzhou/Lukou", "Hunan/Xiangxi", ""], ["Hunan", "Hunan", ""]).values.tolist()
    [[27.83, 113.15, 'Hunan/Zhuzhou'], [28.2, 112.97, 'Hunan'], [nan, nan, '']]
    """
    tables = tables or load_tables()
    lat, lon, place = _place_points(pd.Series(region, dtype=object).fillna("").to_numpy(object),
                                    pd.Series(province, dtype=object).fillna("").to_numpy(object), tables)
    out = pd.DataFrame(list(zip(lat.tolist(), lon.tolist(), place.tolist(), strict=True)),
                       columns=["lat", "lon", "place"]).astype({"lat": float, "lon": float})
    return out


def _place_points(region: np.ndarray, province: np.ndarray, tables: Tables) -> tuple:
    """:func:`place_coordinates` of ``region`` and ``province`` (object arrays of text, '' none) as arrays:
    ``lat``, ``lon`` [°] and ``place``, each (region, province) pair looked up once."""
    def build():
        t = tables.place_coordinates
        return dict(zip(zip(t["level"], t["parent"].fillna("").str.lower(), t["place"].str.lower()),
                        zip(pd.to_numeric(t["lat"]), pd.to_numeric(t["lon"]), t["place"]), strict=True))
    at = tables.memo("place_coordinate_points", build)

    def point(r, prov):
        if not prov:
            return np.nan, np.nan, ""
        path = region_path(r, tables) if isinstance(r, str) else ()
        city = at.get(("prefecture", prov.lower(), path[1])) if len(path) > 1 and path[0] == prov.lower() else None
        if city is not None:
            return city[0], city[1], f"{prov}/{city[2]}"
        here = at.get(("province", "", prov.lower()))
        return (here[0], here[1], prov) if here is not None else (np.nan, np.nan, "")

    first, inv = _frames.distinct(region, province)
    pts = [point(region[i], province[i]) for i in first]
    lat = np.array([float(p[0]) for p in pts], dtype=float)[inv]
    lon = np.array([float(p[1]) for p in pts], dtype=float)[inv]
    place = np.array([p[2] for p in pts] + [""], dtype=object)[:-1][inv]
    return lat, lon, place


def latitude_from_region(region, tables: Tables | None = None) -> pd.DataFrame:
    """Where a plot without coordinates lies, from its region: the point of the prefecture or province it names
    (:func:`place_coordinates`) and the latitude range of the country it names (:func:`country_latitude_range`).

    Returns
    -------
    pandas.DataFrame
        Per plot: ``lat`` [° N] and ``place`` (the point's region path; NaN and '' none), ``country_low`` and
        ``country_high`` [° N] (NaN none). A region in China has no country range; a region abroad usually no
        point (the option stage uses each only on its side of the border).

    Examples
    --------
    >>> latitude_from_region(["Heilongjiang", "Denmark/Zealand"]).values.tolist()
    [[45.75, 'Heilongjiang', nan, nan], [nan, '', 54.63, 57.74]]
    """
    tables = tables or load_tables()
    region = pd.Series(region, dtype=object).fillna("").astype(str).to_numpy(object)
    codes, uniq = pd.factorize(region, use_na_sentinel=False)
    province = np.array(["" if p is None else p for p in _solar_provinces(uniq, tables)] + [""],
                        dtype=object)[:-1][codes]
    lat, _, place = _place_points(region, province, tables)
    country = country_latitude_range(region)
    return pd.DataFrame({"lat": lat, "place": place,
                         "country_low": country["country_low"].to_numpy(float),
                         "country_high": country["country_high"].to_numpy(float)})


def country_latitude_range(region) -> pd.DataFrame:
    """Latitude range of the country a plot's region names (``countries.csv``: ``min_lat_deg``,
    ``max_lat_deg``, Natural Earth 1:50m map subunits, source ``naturalearth_50m_subunits``).

    The country is the first part of the region (split at / , ; |) that is a name or alias of
    ``countries.csv`` (case-insensitive): ``"UK/Derbyshire"``, ``"Denmark/Zealand"``. China has no row,
    so a region in China gets none.

    Returns
    -------
    pandas.DataFrame
        Per plot: ``country_low``, ``country_high`` [° N, south negative]; NaN where the region names no
        country with a range.

    Examples
    --------
    >>> country_latitude_range(["Denmark/Zealand", "UK/Derbyshire", "Hunan/Xiangtan", ""]).values.tolist()
    [[54.63, 57.74], [50.02, 60.83], [nan, nan], [nan, nan]]
    """
    names = _country_ranges()
    region = pd.Series(region, dtype=object).fillna("").astype(str).to_numpy(object)
    codes, uniq = pd.factorize(region, use_na_sentinel=False)

    def first(r):
        hit = next((names[q] for q in (p.strip().lower() for p in re.split(r"[/,;|]", r)) if q in names), None)
        return hit if hit is not None else (np.nan, np.nan)

    out = pd.DataFrame([first(r) for r in uniq], columns=["country_low", "country_high"], dtype=float)
    return out.iloc[codes].reset_index(drop=True) if len(codes) else out


@functools.lru_cache(maxsize=1)
def _country_ranges() -> dict:
    """Lower-case country name or alias → (min_lat_deg, max_lat_deg) of the packaged ``countries.csv``."""
    with resources.files("agriremed.data").joinpath("countries.csv").open("r", encoding="utf-8") as f:
        t = pd.read_csv(f, dtype=str, keep_default_na=False)
    out = {}
    for name, aliases, lo, hi in zip(t["name"], t["aliases"], t["min_lat_deg"], t["max_lat_deg"], strict=True):
        if not lo or not hi:
            continue
        for n in [name, *aliases.split("|")]:
            if n.strip():
                out.setdefault(n.strip().lower(), (float(lo), float(hi)))
    return out


def pv_tariff(region, tables: Tables | None = None, tariff_cny_kwh: float | None = None) -> np.ndarray:
    """Price of the PV electricity sold in each plot's province [CNY kWh⁻¹].

    Grid-parity PV is paid the provincial coal-fired benchmark price (燃煤发电基准价); the
    province's row of ``pv_tariffs.csv`` gives it, and a province without a row takes the
    ``tariff_cny_kwh`` row of ``pv_parameters.csv``. A scenario price (``pv_tariff_cny_kwh``)
    replaces both.

    Parameters
    ----------
    region : array_like of str
        Plot region texts (the province found as in :func:`solar_resource`).
    tables : Tables, optional
        Literature tables.
    tariff_cny_kwh : float, optional
        Scenario price for every plot [CNY kWh⁻¹].

    Returns
    -------
    numpy.ndarray
        One price per plot [CNY kWh⁻¹].

    Examples
    --------
    >>> pv_tariff(["Hunan/Xiangtan", "Gansu/Baiyin", "Qinghai/Xining"]).tolist()
    [0.45, 0.3078, 0.35]
    """
    tables = tables or load_tables()
    n = len(pd.Series(region, dtype=object))
    if tariff_cny_kwh is not None:
        return np.full(n, float(tariff_cny_kwh))
    prov = solar_resource(region, tables)["province"].to_numpy(object) if n else np.zeros(0, object)
    by = tables.pv_tariffs.set_index("province")["tariff_cny_kwh"].astype(float)
    price = pd.Series(prov, dtype=object).map(by).to_numpy(float)
    return np.where(np.isnan(price), pv_parameter(tables, "tariff_cny_kwh"), price)


def pv_tariff_assumed(region, tables: Tables | None = None, tariff_cny_kwh: float | None = None) -> np.ndarray:
    """Whether each plot's PV price is the assumed default of ``pv_parameters.csv`` (no scenario
    price and no row of ``pv_tariffs.csv`` for the plot's province), as :func:`pv_tariff` takes it.

    Examples
    --------
    >>> pv_tariff_assumed(["Hunan/Xiangtan", "Gansu/Baiyin", "Qinghai/Xining"]).tolist()
    [False, False, True]
    """
    tables = tables or load_tables()
    n = len(pd.Series(region, dtype=object))
    if tariff_cny_kwh is not None or not n:
        return np.zeros(n, bool)
    prov = solar_resource(region, tables)["province"].to_numpy(object)
    return ~pd.Series(prov, dtype=object).isin(set(tables.pv_tariffs["province"])).to_numpy(bool)


def _hours(year: int = CLEAR_SKY_YEAR, tz: str = CHINA_TZ) -> pd.DatetimeIndex:
    """Hour midpoints of one year in local standard time."""
    return pd.date_range(f"{year}-01-01 00:30", f"{year}-12-31 23:30", freq="h", tz=tz)


def clear_sky_weather(lat: float, lon: float, ghi_annual_kwh_m2: float, temp_air_c: float,
                      wind_speed_m_s: float = 1.0, altitude_m: float | None = None) -> pd.DataFrame:
    """Hourly weather of a clear-sky year scaled to an annual global horizontal irradiation.

    Parameters
    ----------
    lat, lon : float
        Site latitude and longitude [°].
    ghi_annual_kwh_m2 : float
        Annual global horizontal irradiation to match [kWh m⁻² yr⁻¹].
    temp_air_c : float
        Air temperature used for every hour [°C].
    wind_speed_m_s : float
        Wind speed used for every hour [m s⁻¹].
    altitude_m : float, optional
        Site altitude [m] (pvlib's default of 0 m when not given).

    Returns
    -------
    pandas.DataFrame
        Hourly ``ghi``, ``dni``, ``dhi`` [W m⁻²], ``temp_air`` [°C], ``wind_speed``
        [m s⁻¹], ``solar_zenith``, ``solar_azimuth`` [°]; the annual sum of ``ghi`` is
        ``ghi_annual_kwh_m2`` × 1000 [Wh m⁻²]. ``attrs['clear_sky_factor']`` holds the
        scale factor (annual target ÷ clear-sky sum) [–]. The frame is shared between calls
        with the same arguments (cached): treat it as read-only.

    References
    ----------
    .. [1] Ineichen P., Perez R. (2002) Solar Energy 73:151–157 (clear sky).
    .. [2] Erbs D.G., Klein S.A., Duffie J.A. (1982) Solar Energy 28:293–302 (decomposition).
    """
    return _clear_sky_cached(float(lat), float(lon), float(ghi_annual_kwh_m2), float(temp_air_c),
                             float(wind_speed_m_s), None if altitude_m is None else float(altitude_m))


@functools.lru_cache(maxsize=256)
@_quiet
def _clear_sky_cached(lat, lon, ghi_annual_kwh_m2, temp_air_c, wind_speed_m_s, altitude_m):
    """:func:`clear_sky_weather`, computed once per distinct argument set (read-only result)."""
    pvlib = _pvlib()
    times = _hours()
    loc = pvlib.location.Location(lat, lon, tz=CHINA_TZ, altitude=altitude_m if altitude_m is not None else 0.0)
    sp = _solar_position(loc)
    cs = loc.get_clearsky(times, model="ineichen", solar_position=sp)
    factor = float(ghi_annual_kwh_m2) * 1000.0 / float(cs["ghi"].sum())
    ghi = cs["ghi"] * factor
    split = pvlib.irradiance.erbs(ghi, sp["zenith"], times)
    out = pd.DataFrame({"ghi": ghi, "dni": split["dni"], "dhi": split["dhi"],
                        "temp_air": float(temp_air_c), "wind_speed": float(wind_speed_m_s),
                        "solar_zenith": sp["apparent_zenith"], "solar_azimuth": sp["azimuth"]}, index=times)
    out.attrs["clear_sky_factor"] = factor
    return out


#: Difference between terrestrial time and UT1 [s] that pvlib's ``spa_python`` assumes by default.
_SPA_DELTA_T = 67.0
#: Refraction at sunrise and sunset [°] that pvlib's ``spa_python`` assumes by default.
_SPA_ATMOS_REFRACT = 0.5667
#: Yearly mean air temperature [°C] that ``Location.get_solarposition`` assumes by default.
_SPA_TEMPERATURE_C = 12.0


@functools.lru_cache(maxsize=2)
def _spa_time_terms(year: int = CLEAR_SKY_YEAR) -> dict:
    """The terms of the NREL solar position algorithm that depend only on the time, for the hours
    of the clear-sky year (:func:`_hours`): computed once, shared by every site.

    The same pvlib functions in the same order as ``pvlib.spa.solar_position_numpy``, up to the
    first term that reads the site.
    """
    spa = _pvlib().spa
    times = _hours(year)
    epoch = pd.Timestamp("1970-01-01", tz="UTC").tz_convert(times.tz)
    unixtime = np.array((times - epoch).total_seconds())
    jd = spa.julian_day(unixtime)
    jde = spa.julian_ephemeris_day(jd, _SPA_DELTA_T)
    jc = spa.julian_century(jd)
    jce = spa.julian_ephemeris_century(jde)
    jme = spa.julian_ephemeris_millennium(jce)
    R = spa.heliocentric_radius_vector(jme)
    L = spa.heliocentric_longitude(jme)
    B = spa.heliocentric_latitude(jme)
    theta = spa.geocentric_longitude(L)
    beta = spa.geocentric_latitude(B)
    x0, x1, x2 = spa.mean_elongation(jce), spa.mean_anomaly_sun(jce), spa.mean_anomaly_moon(jce)
    x3, x4 = spa.moon_argument_latitude(jce), spa.moon_ascending_longitude(jce)
    nutation = np.empty((2, len(x0)))
    spa.longitude_obliquity_nutation(jce, x0, x1, x2, x3, x4, nutation)
    delta_psi, delta_epsilon = nutation[0], nutation[1]
    epsilon = spa.true_ecliptic_obliquity(spa.mean_ecliptic_obliquity(jme), delta_epsilon)
    lamd = spa.apparent_sun_longitude(theta, delta_psi, spa.aberration_correction(R))
    v = spa.apparent_sidereal_time(spa.mean_sidereal_time(jd, jc), delta_psi, epsilon)
    alpha = spa.geocentric_sun_right_ascension(lamd, epsilon, beta)
    delta = spa.geocentric_sun_declination(lamd, epsilon, beta)
    eot = spa.equation_of_time(spa.sun_mean_longitude(jme), alpha, delta_psi, epsilon)
    return {"v": v, "alpha": alpha, "delta": delta, "eot": eot, "xi": spa.equatorial_horizontal_parallax(R)}


def _solar_position(loc) -> pd.DataFrame:
    """``loc.get_solarposition(_hours())`` of a pvlib ``Location`` (NREL SPA, pvlib's defaults), with
    the time terms computed once for every site (:func:`_spa_time_terms`): the same numbers,
    several times faster for a portfolio of sites."""
    return pd.DataFrame(_spa_site_terms(loc.latitude, loc.longitude, loc.altitude), index=_hours())


def _spa_site_terms(lat, lon, elev) -> dict:
    """The site terms of NREL SPA on the clear-sky year's hours: ``apparent_zenith``, ``zenith``,
    ``apparent_elevation``, ``elevation``, ``azimuth`` [°] and ``equation_of_time`` [min] (of the
    hours only), as ``pvlib.spa.solar_position_numpy``
    computes them after the time terms (:func:`_spa_time_terms`). ``lat``, ``lon`` [°] and ``elev``
    [m] are numbers, or column arrays (sites × 1) giving one row of hours per site."""
    pvlib = _pvlib()
    spa = pvlib.spa
    t = _spa_time_terms()
    pressure = pvlib.atmosphere.alt2pres(elev) / 100  # millibars, as spa_python passes it
    H = spa.local_hour_angle(t["v"], lon, t["alpha"])
    u = spa.uterm(lat)
    x, y = spa.xterm(u, lat, elev), spa.yterm(u, lat, elev)
    delta_alpha = spa.parallax_sun_right_ascension(x, t["xi"], H, t["delta"])
    delta_prime = spa.topocentric_sun_declination(t["delta"], x, y, t["xi"], delta_alpha, H)
    H_prime = spa.topocentric_local_hour_angle(H, delta_alpha)
    e0 = spa.topocentric_elevation_angle_without_atmosphere(lat, delta_prime, H_prime)
    delta_e = spa.atmospheric_refraction_correction(pressure, _SPA_TEMPERATURE_C, e0, _SPA_ATMOS_REFRACT)
    e = spa.topocentric_elevation_angle(e0, delta_e)
    gamma = spa.topocentric_astronomers_azimuth(H_prime, delta_prime, lat)
    return {"apparent_zenith": spa.topocentric_zenith_angle(e), "zenith": spa.topocentric_zenith_angle(e0),
            "apparent_elevation": e, "elevation": e0, "azimuth": spa.topocentric_azimuth_angle(gamma),
            "equation_of_time": t["eot"]}


#: Sites computed together by :func:`_site_yields`: the rows of its (sites × hours) arrays
#: (64 × 8 760 hours × 8 bytes = 4.5 MB an array).
SITE_BLOCK = 64


def _linke_turbidity(lat, lon) -> np.ndarray:
    """``pvlib.clearsky.lookup_linke_turbidity`` of the clear-sky year's hours (:func:`_hours`) at
    many sites, reading pvlib's turbidity file once: (sites × hours) [–]."""
    import h5py

    clearsky = _pvlib().clearsky
    times = _hours()
    path = Path(clearsky.__file__).parent / "data" / "LinkeTurbidities.h5"
    out = np.empty((len(lat), len(times)))
    with h5py.File(path, "r") as f:
        ds = f["LinkeTurbidity"]
        for i, (la, lo) in enumerate(zip(lat, lon, strict=True)):
            lts = ds[clearsky._degrees_to_index(la, coordinate="latitude"),
                     clearsky._degrees_to_index(lo, coordinate="longitude")]
            out[i] = clearsky._interpolate_turbidity(lts, times).to_numpy() / 20.0
    return out


@_quiet
def _site_block(lat, lon, ghi_annual_kwh_m2, temp_air_c, wind_speed_m_s, tables: Tables) -> dict:
    """:func:`clear_sky_weather` and :func:`annual_specific_yield` of a block of sites at altitude 0
    as (sites × hours) arrays: the same pvlib functions in the same order, one row per site (numpy
    arrays, where pvlib's own path passes pandas Series, which hide the divisions by zero at night)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return _site_block_arrays(lat, lon, ghi_annual_kwh_m2, temp_air_c, wind_speed_m_s, tables)


def _site_block_arrays(lat, lon, ghi_annual_kwh_m2, temp_air_c, wind_speed_m_s, tables: Tables) -> dict:
    pvlib = _pvlib()
    atm = pvlib.atmosphere
    times = _hours()
    elev = 0.0
    sp = _spa_site_terms(lat[:, None], lon[:, None], elev)  # solar position (:func:`_solar_position`)
    apparent_zenith, zenith, azimuth = sp["apparent_zenith"], sp["zenith"], sp["azimuth"]
    # clear sky (``Location.get_clearsky``, Ineichen with the Linke turbidity)
    dni_extra = pvlib.irradiance.get_extra_radiation(times).to_numpy()
    airmass = atm.get_absolute_airmass(atm.get_relative_airmass(apparent_zenith, "kastenyoung1989"),
                                       atm.alt2pres(elev))
    cs = pvlib.clearsky.ineichen(apparent_zenith, airmass, _linke_turbidity(lat, lon), altitude=elev,
                                 dni_extra=dni_extra)
    factor = np.asarray(ghi_annual_kwh_m2, float) * 1000.0 / cs["ghi"].sum(axis=1)
    ghi = cs["ghi"] * factor[:, None]
    split = pvlib.irradiance.erbs(ghi, zenith, times.tz_convert("UTC").day_of_year.to_numpy())  # pvlib: UTC days
    # annual yield (:func:`annual_specific_yield`)
    tilt = np.abs(lat) * pv_parameter(tables, "tilt_per_latitude")
    poa = pvlib.irradiance.get_total_irradiance(
        tilt[:, None], np.where(lat >= 0, 180.0, 0.0)[:, None], apparent_zenith, azimuth, split["dni"], ghi,
        split["dhi"], model="isotropic")
    g = np.nan_to_num(np.asarray(poa["poa_global"], float), nan=0.0)
    g = np.where(g < 0.0, 0.0, g)
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    tc = pvlib.temperature.sapm_cell(g, np.asarray(temp_air_c, float)[:, None],
                                     np.asarray(wind_speed_m_s, float)[:, None], **params)
    ac = dc_ac_power(g, tc, tables)
    yld = ac.sum(axis=1) / 1000.0
    h_poa = g.sum(axis=1) / 1000.0
    pr = np.where(h_poa > 0, yld / h_poa, np.nan)
    return {"specific_yield_kwh_kwp_yr": yld, "poa_kwh_m2_yr": h_poa,
            "ghi_kwh_m2_yr": np.where(ghi < 0, 0.0, ghi).sum(axis=1) / 1000.0, "performance_ratio": pr,
            "tilt_deg": tilt}


def _site_yields(lat, lon, ghi_annual_kwh_m2, temp_air_c, wind_speed_m_s, tables: Tables | None = None,
                 progress: bool | None = False) -> dict:
    """Annual yield of clear-sky sites at altitude 0, :data:`SITE_BLOCK` sites at a time.

    Each site's numbers equal ``annual_specific_yield(clear_sky_weather(lat, lon, ghi, temp, wind),
    lat)`` (the same pvlib functions on one row per site) and do not depend on the other sites.

    Parameters
    ----------
    lat, lon : array_like
        Site latitude and longitude [°].
    ghi_annual_kwh_m2 : array_like
        Annual global horizontal irradiation to match [kWh m⁻² yr⁻¹].
    temp_air_c, wind_speed_m_s : array_like
        Air temperature [°C] and wind speed [m s⁻¹] of every hour, per site.
    tables : Tables, optional
        Literature tables.
    progress : bool or None
        Show a progress bar over the blocks of sites (tqdm; None = automatic).

    Returns
    -------
    dict of numpy.ndarray
        Per site the keys of :func:`annual_specific_yield`.
    """
    from tqdm.auto import tqdm

    tables = tables or load_tables()
    cols = [np.atleast_1d(np.asarray(v, float)) for v in (lat, lon, ghi_annual_kwh_m2, temp_air_c)]
    n = len(cols[0])
    wind = np.broadcast_to(np.asarray(wind_speed_m_s, float), (n,))
    out = {k: np.empty(n) for k in (*_SITE_VALUES, "tilt_deg")}
    for s in tqdm(range(0, n, SITE_BLOCK), desc="PV sites", unit="block",
                  disable=None if progress is None else not progress):
        b = slice(s, min(n, s + SITE_BLOCK))
        r = _site_block(*(c[b] for c in cols), wind[b], tables)
        for k in out:
            out[k][b] = r[k]
    return out


@_quiet
def read_weather_file(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Hourly weather and site of a typical-meteorological-year file (EPW, or TMY3 CSV).

    Parameters
    ----------
    path : str or Path
        ``.epw`` (EnergyPlus weather) or ``.csv`` (TMY3) file.

    Returns
    -------
    weather : pandas.DataFrame
        Hourly ``ghi``, ``dni``, ``dhi`` [W m⁻²], ``temp_air`` [°C], ``wind_speed``
        [m s⁻¹], ``solar_zenith``, ``solar_azimuth`` [°].
    site : dict
        ``latitude``, ``longitude`` [°], ``altitude`` [m], ``file``.

    Raises
    ------
    PVWeatherError
        If the file is missing, of another kind or lacks a column the chain needs.
    """
    pvlib = _pvlib()
    p = Path(path)
    if not p.is_file():
        raise PVWeatherError(f"{p}: no such weather file")
    try:
        if p.suffix.lower() == ".epw":
            data, meta = pvlib.iotools.read_epw(str(p))
        elif p.suffix.lower() == ".csv":
            data, meta = pvlib.iotools.read_tmy3(str(p), map_variables=True)
        else:
            raise PVWeatherError(f"{p}: a weather file must be .epw (EnergyPlus) or .csv (TMY3)")
    except PVWeatherError:
        raise
    except Exception as exc:  # pvlib raises several kinds for a malformed file
        raise PVWeatherError(f"{p}: cannot be read as a weather file ({exc})") from exc
    need = ["ghi", "dni", "dhi", "temp_air", "wind_speed"]
    missing = [c for c in need if c not in data.columns]
    if missing:
        raise PVWeatherError(f"{p}: weather file lacks {', '.join(missing)}")
    site = {"latitude": float(meta["latitude"]), "longitude": float(meta["longitude"]),
            "altitude": float(meta.get("altitude", 0.0) or 0.0), "file": str(p)}
    loc = pvlib.location.Location(site["latitude"], site["longitude"], altitude=site["altitude"])
    # a TMY stamp marks the end of the hour: the sun is placed at the middle of it
    sp = loc.get_solarposition(data.index - pd.Timedelta(minutes=30))
    w = data[need].copy()
    w["solar_zenith"] = sp["apparent_zenith"].to_numpy()
    w["solar_azimuth"] = sp["azimuth"].to_numpy()
    return w, site


def dc_ac_power(poa_global, temp_cell, tables: Tables | None = None, pdc0_w: float = 1000.0) -> np.ndarray:
    """AC power of an array from plane-of-array irradiance and cell temperature (PVWatts).

    Parameters
    ----------
    poa_global : array_like
        Plane-of-array irradiance [W m⁻²].
    temp_cell : array_like
        Cell temperature [°C].
    tables : Tables, optional
        Literature tables (``pv_parameters.csv``: ``gamma_pdc_per_c``, ``system_losses_pct``,
        ``inverter_efficiency``, ``dc_ac_ratio``).
    pdc0_w : float
        DC nameplate [W] (1000 W = 1 kWp).

    Returns
    -------
    numpy.ndarray
        AC power [W] (≥ 0; clipped at the AC rating pdc0 ÷ DC/AC ratio).

    Examples
    --------
    1000 W/m² at 25 °C: 1000 W DC × 0.86 = 860 W into an inverter rated 833 W AC
    (868 W DC input) running at ζ = 0.991, η = 0.96/0.9637 × (−0.0162ζ − 0.0059/ζ + 0.9858):

    >>> round(float(dc_ac_power([1000.0], [25.0])[0]), 1)
    825.7
    """
    pvlib = _pvlib()
    tables = tables or load_tables()
    gamma = pv_parameter(tables, "gamma_pdc_per_c")
    losses = pv_parameter(tables, "system_losses_pct")
    eta = pv_parameter(tables, "inverter_efficiency")
    ratio = pv_parameter(tables, "dc_ac_ratio")
    poa = np.asarray(poa_global, float)
    pdc = pvlib.pvsystem.pvwatts_dc(poa, np.asarray(temp_cell, float), pdc0_w, gamma)
    pdc = np.asarray(pdc, float) * (1.0 - losses / 100.0)
    pac0 = pdc0_w / ratio
    pac = pvlib.inverter.pvwatts(pdc, pac0 / eta, eta_inv_nom=eta)
    return np.clip(np.nan_to_num(np.asarray(pac, float), nan=0.0), 0.0, None)


def annual_specific_yield(weather: pd.DataFrame, lat: float, tables: Tables | None = None) -> dict:
    """Specific yield of a fixed south-facing array for one year of hourly weather.

    Parameters
    ----------
    weather : pandas.DataFrame
        Output of :func:`clear_sky_weather` or :func:`read_weather_file`.
    lat : float
        Site latitude [°] (sets the tilt).
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    dict
        ``specific_yield_kwh_kwp_yr`` [kWh kWp⁻¹ yr⁻¹], ``poa_kwh_m2_yr`` and
        ``ghi_kwh_m2_yr`` [kWh m⁻² yr⁻¹], ``performance_ratio`` (yield ÷ POA) [–],
        ``tilt_deg`` [°].
    """
    pvlib = _pvlib()
    tables = tables or load_tables()
    tilt = abs(float(lat)) * pv_parameter(tables, "tilt_per_latitude")
    azimuth = 180.0 if lat >= 0 else 0.0
    poa = pvlib.irradiance.get_total_irradiance(
        tilt, azimuth, weather["solar_zenith"], weather["solar_azimuth"], weather["dni"], weather["ghi"],
        weather["dhi"], model="isotropic")
    g = poa["poa_global"].fillna(0.0).clip(lower=0.0)
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    tc = pvlib.temperature.sapm_cell(g, weather["temp_air"], weather["wind_speed"], **params)
    ac = dc_ac_power(g.to_numpy(), tc.to_numpy(), tables)
    y = float(ac.sum()) / 1000.0
    h_poa = float(g.sum()) / 1000.0
    return {"specific_yield_kwh_kwp_yr": y, "poa_kwh_m2_yr": h_poa,
            "ghi_kwh_m2_yr": float(weather["ghi"].clip(lower=0).sum()) / 1000.0,
            "performance_ratio": y / h_poa if h_poa > 0 else np.nan, "tilt_deg": tilt}


def specific_yield_for_plots(plots: pd.DataFrame, tables: Tables | None = None,
                             weather_file: str | Path | None = None, progress: bool | None = False) -> pd.DataFrame:
    """Specific yield [kWh kWp⁻¹ yr⁻¹] for every plot.

    With ``weather_file`` every plot takes that file's weather (one site); otherwise each
    plot's province value of ``solar_resource.csv`` scales a clear-sky year at the plot's
    ``lat``/``lon``; a plot without both takes the coordinates of its prefecture's seat, else of
    its province's capital (:func:`place_coordinates`), and its note says so and asks for the
    site's (``reuse.pv_place_coords``); a plot with no province, or none in the table, gets NaN
    and a reason. The irradiation is the province's either way: the point moves only the sun's
    path (a Zhuzhou brownfield at Zhuzhou's point, 27.83° N 113.15° E, against the site,
    27.87° N 113.08° E: the same yield to 0.01 %). The site is the plot's coordinates rounded
    to :data:`SITE_GRID_DEG` (0.1°, about 10 km; the annual irradiation is the province's, so the grid moves only the sun's path:
    < 0.1 % of the yield at the samples) and its temperature rounded to 0.1 °C; each site is
    computed once per tables object (the chunks of a streamed run share them), so a plot's
    yield does not depend on the other plots of the run (chunked runs equal whole runs).

    Parameters
    ----------
    plots : pandas.DataFrame
        Valid plots (``plot_id``, ``region``, ``lat``, ``lon``, ``mean_temp_c``).
    tables : Tables, optional
        Literature tables.
    weather_file : str or Path, optional
        EPW or TMY3 file (scenario ``pv_weather_file``).
    progress : bool or None
        Show a progress bar (tqdm; None = automatic).

    Returns
    -------
    pandas.DataFrame
        One row per plot: ``plot_id``, ``solar_zone``, ``ghi_kwh_m2_yr``, ``poa_kwh_m2_yr``,
        ``specific_yield_kwh_kwp_yr``, ``performance_ratio``, ``pv_weather`` (what was
        used), ``pv_note`` (why a plot has no yield, or that its class is unconfirmed) and
        ``pv_note_msg`` (the note as an encoded message, :mod:`agriremed.core.messages`).
    """
    tables = tables or load_tables()
    n = len(plots)

    def col(name):
        return plots[name].to_numpy() if name in plots else np.full(n, np.nan, object)

    res = solar_resource(col("region"), tables)
    lat = pd.to_numeric(pd.Series(col("lat")), errors="coerce").to_numpy(float)
    lon = pd.to_numeric(pd.Series(col("lon")), errors="coerce").to_numpy(float)
    # no lat and no lon: the point of the plot's prefecture or province (a plot with one of them keeps its gap)
    placed = pd.DataFrame({"lat": np.nan, "lon": np.nan, "place": ""}, index=range(n))
    bare = np.isnan(lat) & np.isnan(lon)
    if bare.any():
        placed.loc[bare] = place_coordinates(col("region")[bare], res["province"].to_numpy(object)[bare],
                                             tables).to_numpy(object)
    from_place = bare & np.isfinite(placed["lat"].to_numpy(float))
    lat = np.where(from_place, placed["lat"].to_numpy(float), lat)
    lon = np.where(from_place, placed["lon"].to_numpy(float), lon)
    temp = pd.to_numeric(pd.Series(col("mean_temp_c")), errors="coerce").to_numpy(float)
    t_default = pv_parameter(tables, "temp_air_default_c")
    wind = pv_parameter(tables, "wind_speed_m_s")
    out = pd.DataFrame({"plot_id": col("plot_id"), "solar_zone": res["solar_zone"].to_numpy(),
                        "ghi_kwh_m2_yr": np.nan, "poa_kwh_m2_yr": np.nan, "specific_yield_kwh_kwp_yr": np.nan,
                        "performance_ratio": np.nan, "pv_weather": "", "pv_note": "", "pv_note_msg": ""})
    if weather_file is not None:
        w, site = read_weather_file(weather_file)
        r = annual_specific_yield(w, site["latitude"], tables)
        for k in ("ghi_kwh_m2_yr", "poa_kwh_m2_yr", "specific_yield_kwh_kwp_yr", "performance_ratio"):
            out[k] = r[k]
        out["pv_weather"] = f"weather file {Path(site['file']).name}"
        return out
    # site yields kept on the tables object: the chunks of a streamed run share them
    memo: dict = tables.memo("pv_site_yields", dict)
    g = res["ghi_kwh_m2_yr"].to_numpy(float)
    has_site = np.isfinite(lat) & np.isfinite(lon)
    ok = has_site & np.isfinite(g)
    # the site: coordinates on the grid, temperature to 0.1 °C (computed at the grid site, so a
    # plot's yield never depends on its neighbours)
    t = np.where(np.isfinite(temp), temp, t_default)
    keys = pd.DataFrame({"lat": np.round(np.round(lat / SITE_GRID_DEG) * SITE_GRID_DEG, 6),
                         "lon": np.round(np.round(lon / SITE_GRID_DEG) * SITE_GRID_DEG, 6),
                         "ghi": g, "temp": np.round(t, 1)})[ok]
    codes, uniq = pd.factorize(pd.MultiIndex.from_frame(keys))
    uniq = [(float(a), float(b), float(c), float(d), wind) for a, b, c, d in uniq]
    new = [k for k in uniq if k not in memo]
    if new:
        a = np.array([k[:4] for k in new], float).reshape(-1, 4)
        r = _site_yields(a[:, 0], a[:, 1], a[:, 2], a[:, 3], wind, tables, progress)
        for i, k in enumerate(new):
            memo[k] = {c: float(r[c][i]) for c in r}
    site = {k: out[k].to_numpy(float).copy() for k in _SITE_VALUES}
    for k in _SITE_VALUES:
        site[k][ok] = np.array([memo[u][k] for u in uniq], float)[codes] if len(uniq) else []
        out[k] = site[k]
    zone, prov, status = (res[c].to_numpy(object) for c in ("solar_zone", "province", "resource_status"))
    notes = np.full(n, None, dtype=object)
    notes[~has_site] = Message.of("reuse.pv_no_lat_lon")
    notes[has_site & ~np.isfinite(g)] = Message.of("reuse.pv_no_province")
    unconfirmed = ok & (status != "confirmed")
    if unconfirmed.any():
        notes[unconfirmed] = _frames.per_distinct(lambda p_: Message.of("reuse.pv_unconfirmed", province=p_),
                                                  prov[unconfirmed])
    _place_notes(notes, ok & from_place, placed, lat, lon)
    weather = np.full(n, "", dtype=object)
    if ok.any():
        weather[ok] = _frames.per_distinct(
            lambda x, z, q: f"clear-sky year scaled to {x:.0f} kWh/m²/yr (class {z}, {q})", g[ok], zone[ok], prov[ok])
        at_place = ok & from_place
        weather[at_place] = weather[at_place] + " at the coordinates of " + placed["place"].to_numpy(object)[at_place]
    out["pv_note_msg"] = encode_column(notes)
    out["pv_note"] = render_column(out["pv_note_msg"].to_numpy(object), "en")
    out["pv_weather"] = weather
    return out


def _place_notes(notes: np.ndarray, rows: np.ndarray, placed: pd.DataFrame, lat: np.ndarray,
                 lon: np.ndarray) -> None:
    """Put the note of a yield computed at the coordinates of the plot's place (``reuse.pv_place_coords``)
    before the other note of ``rows`` (in place)."""
    if not rows.any():
        return
    place = placed["place"].to_numpy(object)

    def note(p, a, b):
        return Message.of("reuse.pv_place_coords", region=p, lat=f"{a:.2f}", lon=f"{b:.2f}")

    first = np.asarray(_frames.per_distinct(note, place[rows], lat[rows], lon[rows]), dtype=object)
    notes[rows] = [m + o if isinstance(o, Message) else m for m, o in zip(first, notes[rows], strict=True)]


#: The numbers :func:`specific_yield_for_plots` takes from a site's yield.
_SITE_VALUES = ("ghi_kwh_m2_yr", "poa_kwh_m2_yr", "specific_yield_kwh_kwp_yr", "performance_ratio")


def pv_per_hectare(specific_yield_kwh_kwp_yr, pv_area_share, horizon_yr: int, discount_rate: float,
                   tables: Tables | None = None, tariff_cny_kwh: float | None = None) -> pd.DataFrame:
    """Electricity, avoided grid CO₂ and money of a PV plant per hectare of plot.

    Parameters
    ----------
    specific_yield_kwh_kwp_yr : array_like
        First-year specific yield [kWh kWp⁻¹ yr⁻¹] (:func:`specific_yield_for_plots`).
    pv_area_share : array_like
        Share of the plot inside the PV plant's fence [–] (capacity = share ÷
        ``land_ha_per_mwp``).
    horizon_yr : int
        Horizon [yr].
    discount_rate : float
        Discount rate [yr⁻¹].
    tables : Tables, optional
        Literature tables (``pv_parameters.csv``, ``factors.csv``).
    tariff_cny_kwh : float, optional
        Electricity price [CNY kWh⁻¹]; the table's ``tariff_cny_kwh`` when None.

    Returns
    -------
    pandas.DataFrame
        Per row: ``pv_mwp_ha`` [MWp ha⁻¹], ``electricity_mwh_ha_yr`` (mean over the
        horizon) [MWh ha⁻¹ yr⁻¹], ``avoided_co2_t_ha_yr`` [t CO₂ ha⁻¹ yr⁻¹],
        ``pv_capex_cny_ha`` [CNY ha⁻¹], ``pv_opex_cny_ha_yr`` and ``pv_revenue_cny_ha_yr``
        (mean) [CNY ha⁻¹ yr⁻¹], ``pv_npv_cny_ha`` [CNY ha⁻¹].

    Examples
    --------
    1400 kWh/kWp, whole hectare (0.667 MWp), 2 years at 0 %: capex 2 766 667 CNY,
    electricity 933.3 + 928.7 MWh, revenue at 0.35 CNY/kWh 326 667 + 325 033 CNY,
    opex 26 667 CNY a year, residual value 23/25 of the capex (2 545 333 CNY) in year 2:

    >>> r = pv_per_hectare([1400.0], [1.0], 2, 0.0)
    >>> round(float(r["electricity_mwh_ha_yr"][0]), 1), round(float(r["pv_npv_cny_ha"][0]))
    (931.0, 377033)
    """
    tables = tables or load_tables()
    share = np.asarray(pv_area_share, float)
    mwp = share / pv_parameter(tables, "land_ha_per_mwp")
    e = pv_energy_by_year(specific_yield_kwh_kwp_yr, mwp, horizon_yr, tables)
    ef = tables.factor("grid_ef_t_co2_mwh")
    price = pv_parameter(tables, "tariff_cny_kwh") if tariff_cny_kwh is None else float(tariff_cny_kwh)
    capex = mwp * 1e6 * pv_parameter(tables, "capex_cny_w")
    life = pv_parameter(tables, "lifetime_yr")
    t = np.arange(1, int(horizon_yr) + 1)
    running = (t <= life).astype(float)
    opex = mwp[:, None] * 1e6 * pv_parameter(tables, "opex_cny_w_yr") * running[None, :]
    revenue = e * 1000.0 * price
    cf = revenue - opex
    cf[:, 0] -= capex
    if len(t):  # residual value (straight line) of an array outlasting the horizon, in the last year
        cf[:, -1] += capex * max(0.0, life - len(t)) / life
    return pd.DataFrame({
        "pv_mwp_ha": mwp,
        "electricity_mwh_ha_yr": e.mean(axis=1),
        "avoided_co2_t_ha_yr": e.mean(axis=1) * ef,
        "pv_capex_cny_ha": capex,
        "pv_opex_cny_ha_yr": opex.mean(axis=1),
        "pv_revenue_cny_ha_yr": revenue.mean(axis=1),
        "pv_npv_cny_ha": npv(cf, discount_rate),
    })


# --------------------------------------------------------------------------- PV as a plan option
#: Policy family (``options.csv``, ``land_rules.csv``) of the plan options that are PV plants.
PV_FAMILY = "solar_pv"
#: Columns :func:`plan_pv_energy` adds to the energy table (NaN / blank on rows that are not PV).
PV_PLAN_COLUMNS = ("specific_yield_kwh_kwp_yr", "pv_mwp_ha", "pv_land_ha_per_mwp", "pv_capex_cny_ha",
                   "pv_opex_cny_ha_yr", "pv_tariff_cny_kwh", "pv_note")


def pv_option_mask(option_ids, tables: Tables | None = None) -> np.ndarray:
    """True for the rows whose option is a PV plant (``policy_family`` :data:`PV_FAMILY`)."""
    tables = tables or load_tables()
    lib = tables.options
    pv_ids = set(lib.loc[lib["policy_family"] == PV_FAMILY, "option_id"])
    ids = pd.Series(option_ids, dtype=object).to_numpy(object)
    return np.isin(ids, list(pv_ids)) if pv_ids else np.zeros(len(ids), bool)


def pv_site_yields(plots: pd.DataFrame, tables: Tables | None = None, weather_file=None) -> pd.DataFrame:
    """:func:`specific_yield_for_plots`, or NaN with the reason when pvlib is not installed.

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``specific_yield_kwh_kwp_yr`` [kWh kWp⁻¹ yr⁻¹], ``pv_note`` and
        ``pv_note_msg`` (the note as an encoded message; empty for the pvlib note).
    """
    tables = tables or load_tables()
    if not len(plots):
        return pd.DataFrame({"plot_id": pd.Series(dtype=object),
                             "specific_yield_kwh_kwp_yr": pd.Series(dtype=float),
                             "pv_note": pd.Series(dtype=object), "pv_note_msg": pd.Series(dtype=object)})
    try:
        y = specific_yield_for_plots(plots.reset_index(drop=True), tables, weather_file)
    except ImportError:
        return pd.DataFrame({"plot_id": plots["plot_id"].to_numpy(object), "specific_yield_kwh_kwp_yr": np.nan,
                             "pv_note": "pvlib is not installed: PV yield not computed "
                                        "(pip install 'agriremed[pv]')", "pv_note_msg": ""})
    return y[["plot_id", "specific_yield_kwh_kwp_yr", "pv_note", "pv_note_msg"]].astype(
        {"pv_note": object, "pv_note_msg": object})


def plan_pv_energy(option_rows: pd.DataFrame, plots: pd.DataFrame, energy: pd.DataFrame, horizon_yr: int,
                   tables: Tables | None = None, yields: pd.DataFrame | None = None, weather_file=None,
                   tariff_cny_kwh: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The energy table of a plan with the PV options' electricity and money inputs filled in.

    For every applicable row whose option is a PV plant (:func:`pv_option_mask`) the whole
    plot is inside the fence: capacity C = 1 ÷ ``land_ha_per_mwp`` [MWp ha⁻¹], electricity
    the mean over the horizon of Y · C · (1 − d)^(t−1) (0 after the lifetime, as
    :func:`pv_energy_by_year`), useful and displaced energy = electricity × 3.6 GJ MWh⁻¹,
    ``energy_pathway = "pv"``. The carbon ledger credits this electricity with the grid factor
    through its ``avoided_electricity`` term (so the credit method decides whether it earns
    carbon revenue, as for biomass power), and the economics stage builds the PV cash flows
    from ``pv_capex_cny_ha``, ``pv_opex_cny_ha_yr`` and ``pv_tariff_cny_kwh``.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    plots : pandas.DataFrame
        Valid plots (``plot_id``, ``region``, ``lat``, ``lon``, ``mean_temp_c``).
    energy : pandas.DataFrame
        Output of :func:`agriremed.stages.energy.energy_outputs`, row-aligned with ``option_rows``.
    horizon_yr : int
        Horizon [yr].
    tables : Tables, optional
        Literature tables.
    yields : pandas.DataFrame, optional
        Site yields of the plots (second output of an earlier call; computed when None).
    weather_file : str, optional
        EPW/TMY3 file (scenario ``pv_weather_file``).
    tariff_cny_kwh : float, optional
        Electricity price of PV [CNY kWh⁻¹] (scenario ``pv_tariff_cny_kwh``; when None the
        province's benchmark price of ``pv_tariffs.csv`` (:func:`pv_tariff`), else the table value).

    Returns
    -------
    energy : pandas.DataFrame
        ``energy`` with the PV rows filled and the columns of :data:`PV_PLAN_COLUMNS`, and
        ``pv_note_msg`` (``pv_note`` as an encoded message).
    yields : pandas.DataFrame
        Site yields of the plots with an applicable PV row (:func:`pv_site_yields`).
    """
    tables = tables or load_tables()
    pv = pv_option_mask(option_rows["option_id"], tables) & option_rows["applicable"].to_numpy(bool)
    pid = option_rows["plot_id"].to_numpy(object)
    if yields is None:
        need = pd.unique(pid[pv])
        yields = pv_site_yields(plots.loc[plots["plot_id"].isin(need)], tables, weather_file)
    at = pd.Index(yields["plot_id"]).get_indexer(pid)
    ok = pv & (at >= 0)
    y = np.where(ok, yields["specific_yield_kwh_kwp_yr"].to_numpy(float)[np.maximum(at, 0)] if len(yields)
                 else np.nan, np.nan)
    note = np.where(ok, yields["pv_note"].to_numpy(object)[np.maximum(at, 0)] if len(yields) else None, None)
    note_msg = (np.where(ok, yields["pv_note_msg"].to_numpy(object)[np.maximum(at, 0)], "")
                if len(yields) and "pv_note_msg" in yields else np.full(len(pid), "", dtype=object))
    land = pv_parameter(tables, "land_ha_per_mwp")
    mwp = 1.0 / land
    shape = pv_year_shape(horizon_yr, pv_parameter(tables, "degradation_pct_yr"),
                          pv_parameter(tables, "lifetime_yr"))
    mean_mwh = y * mwp * shape.mean()
    # the plot's provincial benchmark price (pv_tariffs.csv), the table value or the scenario's
    region = plots.set_index("plot_id")["region"].reindex(pd.unique(pid[pv])) if "region" in plots \
        else pd.Series(np.full(len(pd.unique(pid[pv])), "", dtype=object), index=pd.unique(pid[pv]))
    by_plot = pd.Series(pv_tariff(region.fillna("").to_numpy(object), tables, tariff_cny_kwh), index=region.index)
    price = np.where(pv, pd.Series(pid, dtype=object).map(by_plot).to_numpy(float), np.nan)
    out = dict(energy.items())  # columns replaced or added by name; the table is built once
    el = out["electricity_mwh_ha_yr"].to_numpy(float).copy()
    el[pv] = mean_mwh[pv]
    out["electricity_mwh_ha_yr"] = el
    for c in ("useful_energy_gj_ha_yr", "fossil_energy_displaced_gj_ha_yr"):
        v = out[c].to_numpy(float).copy()
        v[pv] = mean_mwh[pv] * GJ_PER_MWH
        out[c] = v
    path = out["energy_pathway"].astype(object).to_numpy(object).copy()
    path[pv] = "pv"
    out["energy_pathway"] = path
    out["specific_yield_kwh_kwp_yr"] = y
    out["pv_mwp_ha"] = np.where(pv, mwp, np.nan)
    out["pv_land_ha_per_mwp"] = np.where(pv, land, np.nan)
    out["pv_capex_cny_ha"] = np.where(pv, mwp * 1e6 * pv_parameter(tables, "capex_cny_w"), np.nan)
    out["pv_opex_cny_ha_yr"] = np.where(pv, mwp * 1e6 * pv_parameter(tables, "opex_cny_w_yr"), np.nan)
    out["pv_tariff_cny_kwh"] = price
    out["pv_note"] = pd.Series(np.where(pd.isna(note), None, note), dtype=object, index=energy.index)
    out["pv_note_msg"] = pd.Series(np.where(pd.isna(note_msg), "", note_msg), dtype=object, index=energy.index)
    out = pd.DataFrame(out, index=energy.index, copy=True)
    return out, yields
