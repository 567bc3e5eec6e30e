"""Solar PV kernels: PV parameters, yearly output shape and electricity per hectare.

Arrays in, arrays out: the relative output of each year of a PV plant (degradation and
lifetime) and its electricity per hectare from a specific yield and installed power, with the
parameters of ``pv_parameters.csv`` and their Monte Carlo draws (common random numbers). The side stage that adapts them (weather, pvlib yield per
site, PV per hectare and as a plan option) is :mod:`agriremed.stages.solar`, which re-exports these
names.

References
----------
.. [1] ``pv_parameters.csv`` (degradation, lifetime, costs, land per MWp) with the sources named
   in its ``source`` column (``sources.csv``).
"""

from __future__ import annotations

import numpy as np

from agriremed.core.tables import Tables, load_tables
from agriremed.core.uncertainty import parameter_draws

__all__ = ["pv_parameter", "pv_energy_by_year", "pv_year_shape", "pv_parameter_draws",
           "pv_electricity_draws", "GJ_PER_MWH", "PV_DRAWN"]


def pv_parameter(tables: Tables, name: str, which: str = "typical") -> float:
    """One value of ``pv_parameters.csv`` [the row's unit].

    Examples
    --------
    >>> pv_parameter(load_tables(), "inverter_efficiency")
    0.96
    """
    def build():
        t = tables.pv_parameters
        return {(p, w): float(v) for w in ("low", "typical", "high")
                for p, v in zip(t["parameter"], t[w], strict=True)}

    values = tables.memo("pv_parameters", build)
    if (name, which) not in values:
        raise KeyError(f"parameter {name!r} is not in pv_parameters.csv")
    return values[(name, which)]


def pv_energy_by_year(specific_yield_kwh_kwp_yr, mwp_per_ha, horizon_yr: int, tables: Tables | None = None
                      ) -> np.ndarray:
    """Electricity per hectare and year over the horizon [MWh ha⁻¹ yr⁻¹].

    E_t = Y · C · (1 − d)^(t−1) for t ≤ lifetime, 0 after it; Y specific yield
    [MWh MWp⁻¹ yr⁻¹ = kWh kWp⁻¹ yr⁻¹], C capacity per hectare [MWp ha⁻¹], d degradation
    [yr⁻¹].

    Parameters
    ----------
    specific_yield_kwh_kwp_yr : array_like
        First-year specific yield [kWh kWp⁻¹ yr⁻¹].
    mwp_per_ha : array_like
        Installed capacity per hectare of plot [MWp ha⁻¹].
    horizon_yr : int
        Years 1…H [yr].
    tables : Tables, optional
        Literature tables (``degradation_pct_yr``, ``lifetime_yr``).

    Returns
    -------
    numpy.ndarray
        Shape (plots, H) [MWh ha⁻¹ yr⁻¹].

    Examples
    --------
    1400 kWh/kWp on 0.5 MWp/ha: 700 MWh/ha in year 1, 696.5 in year 2 (−0.5 %/yr):

    >>> pv_energy_by_year([1400.0], [0.5], 2).round(1).tolist()
    [[700.0, 696.5]]
    """
    tables = tables or load_tables()
    shape = pv_year_shape(horizon_yr, pv_parameter(tables, "degradation_pct_yr"),
                          pv_parameter(tables, "lifetime_yr"))
    y = np.asarray(specific_yield_kwh_kwp_yr, float)[:, None]
    c = np.asarray(mwp_per_ha, float)[:, None]
    return y * c * shape[None, :]


#: Energy of one MWh [GJ MWh⁻¹] (unit conversion).
GJ_PER_MWH = 3.6


def pv_year_shape(horizon_yr: int, degradation_pct_yr, lifetime_yr) -> np.ndarray:
    """Output of each year relative to year 1: (1 − d)^(t−1) while t ≤ lifetime, else 0 [–].

    Parameters
    ----------
    horizon_yr : int
        Years 1…H [yr].
    degradation_pct_yr : float or array_like
        Yearly output loss d × 100 [% yr⁻¹]; an array of draws gives one row per draw.
    lifetime_yr : float or array_like
        Years the array produces [yr] (same shape as ``degradation_pct_yr``).

    Returns
    -------
    numpy.ndarray
        Shape (H,) for scalars, (draws, H) for arrays [–].

    Examples
    --------
    >>> pv_year_shape(4, 1.0, 3).round(4).tolist()
    [1.0, 0.99, 0.9801, 0.0]
    """
    t = np.arange(1, int(horizon_yr) + 1)
    d = np.asarray(degradation_pct_yr, float) / 100.0
    life = np.asarray(lifetime_yr, float)
    if d.ndim == 0 and life.ndim == 0:
        return np.where(t <= life, (1.0 - d) ** (t - 1), 0.0)
    d, life = np.broadcast_arrays(np.atleast_1d(d), np.atleast_1d(life))
    return np.where(t[None, :] <= life[:, None], (1.0 - d[:, None]) ** (t[None, :] - 1), 0.0)


#: Rows of ``pv_parameters.csv`` drawn in Monte Carlo runs (the others are single values, or, like
#: ``gamma_pdc_per_c``, enter the yield, which is computed once per site with the typical value).
PV_DRAWN = ("land_ha_per_mwp", "degradation_pct_yr", "lifetime_yr", "capex_cny_w", "opex_cny_w_yr",
            "tariff_cny_kwh")


def pv_parameter_draws(tables: Tables | None = None, n_draws: int = 0,
                       seed: int = 0) -> dict[str, np.ndarray]:
    """Monte Carlo draws of the PV parameters of :data:`PV_DRAWN` [their units].

    Each row of ``pv_parameters.csv`` is drawn from its ``low``–``typical``–``high`` range and
    ``distribution`` by :func:`agriremed.core.uncertainty.parameter_draws`, keyed by
    (``pv_parameters``, parameter): the draws depend only on the seed and the parameter, never
    on the plots, their order or the chunking (common random numbers, like the option
    parameters).

    Parameters
    ----------
    tables : Tables, optional
        Literature tables.
    n_draws : int
        Draws.
    seed : int
        Scenario seed.

    Returns
    -------
    dict
        Parameter → array of shape (n_draws,).

    Examples
    --------
    >>> a, b = pv_parameter_draws(n_draws=500, seed=7), pv_parameter_draws(n_draws=500, seed=7)
    >>> bool((a["capex_cny_w"] == b["capex_cny_w"]).all()), bool(3.32 <= a["capex_cny_w"].min())
    (True, True)
    """
    tables = tables or load_tables()
    t = tables.pv_parameters
    t = t.loc[t["parameter"].isin(PV_DRAWN)].assign(table="pv_parameters")
    d = parameter_draws(t, int(n_draws), seed, id_columns=("table", "parameter"))  # seed kept: it carries the sampling
    return {p: d[i] for i, p in enumerate(t["parameter"])}


def pv_electricity_draws(specific_yield_kwh_kwp_yr, horizon_yr: int, tables: Tables | None = None,
                         n_draws: int = 0, seed: int = 0, draws: dict | None = None) -> np.ndarray:
    """Monte Carlo draws of the mean electricity of a whole-plot PV plant [MWh ha⁻¹ yr⁻¹].

    Ē = Y · (1 ÷ L) · mean_t shape_t with the land per MWp L, degradation and lifetime drawn
    (:func:`pv_parameter_draws`); the specific yield Y is the site's (typical system values).

    Parameters
    ----------
    specific_yield_kwh_kwp_yr : array_like
        First-year specific yield per row [kWh kWp⁻¹ yr⁻¹].
    horizon_yr : int
        Horizon [yr].
    tables : Tables, optional
        Literature tables.
    n_draws, seed : int
        Draws and scenario seed.
    draws : dict, optional
        Output of :func:`pv_parameter_draws` (drawn here when None).

    Returns
    -------
    numpy.ndarray
        Shape (rows, n_draws) [MWh ha⁻¹ yr⁻¹].
    """
    tables = tables or load_tables()
    d = draws if draws is not None else pv_parameter_draws(tables, n_draws, seed)
    shape = pv_year_shape(horizon_yr, d["degradation_pct_yr"], d["lifetime_yr"]).mean(axis=1)
    y = np.asarray(specific_yield_kwh_kwp_yr, float)[:, None]
    return y * (1.0 / d["land_ha_per_mwp"] * shape)[None, :]
