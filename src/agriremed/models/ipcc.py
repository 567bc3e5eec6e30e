"""IPCC Tier 1 lookups shared by the biomass, energy and carbon stages.

Climate zone and mineral-soil class of a plot, its IPCC land-use category, and the organic
carbon fraction of biochar. Arrays or plot tables in, arrays out; parameters come from the
literature tables.

References
----------
.. [1] IPCC (2006) 2006 Guidelines, Vol. 4 Ch. 3 Annex 3A.5 (default climate and soil classes).
.. [2] IPCC (2019) 2019 Refinement, Vol. 4 Ch. 2 Appendix 4, Table 4A.1 (biochar F_C).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.core.tables import Tables, load_tables

__all__ = ["LAND_USE_TO_IPCC", "ipcc_climate_zone", "ipcc_soil_class", "plot_climate_zone",
           "plot_soil_class", "biochar_fc"]

#: IPCC land-use category of each input land use.
LAND_USE_TO_IPCC = {"paddy": "paddy", "upland": "annual_crop", "vegetable": "annual_crop",
                    "orchard": "perennial", "marginal": "set_aside"}


def ipcc_climate_zone(mean_temp_c, annual_rain_mm):
    """IPCC default climate zone from mean annual temperature and rainfall.

    Parameters
    ----------
    mean_temp_c : array_like
        Mean annual temperature [°C].
    annual_rain_mm : array_like
        Mean annual precipitation [mm yr⁻¹].

    Returns
    -------
    numpy.ndarray of str
        ``tropical_{dry,moist,wet}`` (MAT > 18 °C; rain < 1000, 1000–2000, > 2000 mm),
        ``warm_temperate_{dry,moist}`` (10 < MAT ≤ 18 °C), ``cool_temperate_{dry,moist}``
        (0 < MAT ≤ 10 °C); ``None`` where inputs are missing or MAT ≤ 0.

    Notes
    -----
    IPCC splits temperate zones into moist and dry by the ratio of rainfall to
    potential evapotranspiration, which plots do not carry; this function uses
    rainfall ≥ 800 mm (warm) and ≥ 600 mm (cool) as moist, an approximation. Supply
    a ``climate_zone`` column to override it.

    References
    ----------
    .. [1] IPCC (2006) Vol. 4 Ch. 3 Annex 3A.5, default climate classification.
    """
    t = np.asarray(mean_temp_c, float)
    r = np.asarray(annual_rain_mm, float)
    out = np.full(t.shape, None, dtype=object)
    trop = t > 18
    warm = (t > 10) & (t <= 18)
    cool = (t > 0) & (t <= 10)
    out[trop & (r < 1000)] = "tropical_dry"
    out[trop & (r >= 1000) & (r <= 2000)] = "tropical_moist"
    out[trop & (r > 2000)] = "tropical_wet"
    out[warm & (r >= 800)] = "warm_temperate_moist"
    out[warm & (r < 800)] = "warm_temperate_dry"
    out[cool & (r >= 600)] = "cool_temperate_moist"
    out[cool & (r < 600)] = "cool_temperate_dry"
    out[np.isnan(t) | np.isnan(r)] = None
    return out


def ipcc_soil_class(ph, mean_temp_c, clay_pct):
    """IPCC mineral-soil class guessed from pH, temperature and clay.

    Parameters
    ----------
    ph : array_like
        Soil pH (water) [–].
    mean_temp_c : array_like
        Mean annual temperature [°C].
    clay_pct : array_like
        Clay content [%].

    Returns
    -------
    numpy.ndarray of str
        ``sandy`` when clay < 8 %; ``low_activity_clay`` for acid (pH ≤ 6.5), warm
        (MAT ≥ 15 °C) soils — the weathered red and yellow soils of south China;
        otherwise ``high_activity_clay``. An approximation: supply an
        ``ipcc_soil_class`` column to override it.
    """
    ph = np.asarray(ph, float)
    t = np.asarray(mean_temp_c, float)
    clay = np.asarray(clay_pct, float)
    out = np.full(ph.shape, "high_activity_clay", dtype=object)
    out[(ph <= 6.5) & (t >= 15)] = "low_activity_clay"
    out[clay < 8] = "sandy"
    return out


def plot_climate_zone(plots: pd.DataFrame) -> np.ndarray:
    """IPCC climate zone of each plot: the user's ``climate_zone`` where given, else derived.

    Parameters
    ----------
    plots : pandas.DataFrame
        Plots with optional ``climate_zone``, ``mean_temp_c`` [°C] and ``annual_rain_mm``
        [mm yr⁻¹].

    Returns
    -------
    numpy.ndarray of str
        Zone per row (``None`` where it cannot be derived).
    """
    get = lambda c: plots[c].to_numpy(float) if c in plots else np.full(len(plots), np.nan)  # noqa: E731
    zone = ipcc_climate_zone(get("mean_temp_c"), get("annual_rain_mm"))
    if "climate_zone" in plots:  # user values win, row by row
        user = plots["climate_zone"].astype(object)
        zone = user.where(user.notna(), pd.Series(zone, index=plots.index, dtype=object)).to_numpy(object)
    return zone


def plot_soil_class(plots: pd.DataFrame) -> np.ndarray:
    """IPCC mineral-soil class of each plot: the user's ``ipcc_soil_class`` where given.

    Parameters
    ----------
    plots : pandas.DataFrame
        Plots with ``ph`` [–], ``mean_temp_c`` [°C], ``clay_pct`` [%] and optional
        ``ipcc_soil_class``.

    Returns
    -------
    numpy.ndarray of str
        Soil class per row.
    """
    get = lambda c: plots[c].to_numpy(float) if c in plots else np.full(len(plots), np.nan)  # noqa: E731
    sclass = ipcc_soil_class(get("ph"), get("mean_temp_c"), get("clay_pct"))
    if "ipcc_soil_class" in plots:
        user = plots["ipcc_soil_class"].astype(object)
        sclass = user.where(user.notna(), pd.Series(sclass, index=plots.index, dtype=object)).to_numpy(object)
    return sclass


def biochar_fc(feedstock, process="pyrolysis", tables: Tables | None = None) -> np.ndarray:
    """Organic carbon fraction F_C of biochar by feedstock and process (IPCC Table 4A.1).

    Parameters
    ----------
    feedstock : str or array_like of str
        ``wood``, ``herbaceous``, ``rice_straw``, ``manure``, ``nut_shells`` or
        ``biosolids``.
    process : {"pyrolysis", "gasification"}
        Production process.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    numpy.ndarray
        F_C [t C t⁻¹ biochar]; NaN for an unknown feedstock.

    Examples
    --------
    >>> biochar_fc(["wood", "herbaceous"]).tolist()
    [0.77, 0.65]
    """
    tables = tables or load_tables()

    def build():
        bc = tables.biochar_carbon
        return bc.loc[bc["process"] == process].set_index("feedstock")["fc_t_c_per_t"]

    fc = tables.memo(("biochar_fc", process), build)
    return _frames.lookup(fc, np.atleast_1d(np.asarray(feedstock, dtype=object))).astype(float)
