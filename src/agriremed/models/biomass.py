"""Biomass kernels: species properties, establishment-year yield shares and year-by-year harvests.

Lookups of the literature tables by species, arrays in, arrays out (``biomass_properties.csv``,
``yield_establishment.csv``), with Monte Carlo draws under common random numbers, and the
harvested dry matter of each year from yields, harvest cycles and establishment shares
(:func:`harvest_by_year`). The plot-table adapter of the biomass stage (harvested biomass per
plot × option, harvest series, metal in the harvest) is :mod:`agriremed.stages.biomass`, which
re-exports these functions.

References
----------
.. [1] Cradle Crops, Miscanthus yields; Energiepflanzen, Miscanthus yields (establishment years).
.. [2] Prouzová N. et al. (2024) Chem. Biol. Technol. Agric. (short-rotation coppice cut in a
   4-year rotation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.core.tables import Tables, load_tables  # noqa: F401  (load_tables: used by the examples)
from agriremed.core.uncertainty import parameter_draws

__all__ = ["species_property", "species_property_draws", "establishment_fractions", "harvest_by_year"]


def _lookup_species(tables: Tables, species, prop: str, which: str = "typical") -> np.ndarray:
    def build():
        p = tables.biomass_properties
        return p.loc[p["property"] == prop].set_index("species")[which]

    by_species = tables.memo(("species_property", prop, which), build)
    default = float(by_species.get("*", np.nan))
    return _frames.lookup(by_species, species, default).astype(float)


def species_property(tables: Tables, species, prop: str, which: str = "typical") -> np.ndarray:
    """A property of each species from ``biomass_properties.csv``.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    species : array_like of str
        Species (or residue) keys.
    prop : str
        Property: ``lhv_gj_t`` [GJ t⁻¹ DM], ``carbon_frac`` [t C t⁻¹ DM], ``ash_frac``
        [t t⁻¹ DM], ``methane_m3_t_vs`` [m³ CH₄ t⁻¹ VS] or ``ethanol_l_t`` [L t⁻¹ DM].
    which : {"low", "typical", "high"}
        End of the range.

    Returns
    -------
    numpy.ndarray
        Value per species; the ``*`` row where the species has none; NaN where neither
        exists or the value is blank (not confirmed).

    Examples
    --------
    >>> t = load_tables()
    >>> species_property(t, ["miscanthus", "sedum_plumbizincicola"], "carbon_frac").tolist()
    [0.47, 0.47]
    >>> species_property(t, ["miscanthus", "sedum_plumbizincicola"], "lhv_gj_t").tolist()
    [17.0, nan]
    """
    return _lookup_species(tables, species, prop, which)


def species_property_draws(tables: Tables, species, prop: str, n_draws: int, seed: int) -> np.ndarray:
    """Monte Carlo draws of a species property, row-aligned with ``species``.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    species : array_like of str
        Species keys.
    prop : str
        Property name (see :func:`species_property`).
    n_draws : int
        Draws.
    seed : int
        Scenario seed (common random numbers keyed by species and property).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(species), n_draws)`` [unit of the property]; NaN where unknown.
    """
    def build():
        p = tables.biomass_properties
        rows = p.loc[p["property"] == prop].reset_index(drop=True)
        return parameter_draws(rows, n_draws, seed, id_columns=("species", "property")), \
            pd.Index(rows["species"].to_numpy(object))

    d_all, index = tables.memo_draws(("species_property_draws", prop, n_draws, seed), build)
    ix = index.get_indexer(np.asarray(species, dtype=object).ravel())
    star = index.get_indexer(["*"])[0]
    if star >= 0:
        ix = np.where(ix < 0, star, ix)
    out = np.full((len(ix), n_draws), np.nan)
    ok = ix >= 0
    out[ok] = d_all[ix[ok]]
    return out


def establishment_fractions(tables: Tables, species, horizon_yr: int) -> np.ndarray:
    """Share of the mature yield grown in each year after planting (``yield_establishment.csv``).

    Parameters
    ----------
    tables : Tables
        Literature tables.
    species : array_like of str
        Species per row.
    horizon_yr : int
        Years 1…H [yr].

    Returns
    -------
    numpy.ndarray
        Shape ``(len(species), H)`` [–]: the tabulated fraction of a species' listed years,
        1 for later years and for species without rows.

    References
    ----------
    .. [1] Cradle Crops, Miscanthus yields (year 1 not harvested, year 2 6–10 of 12–16 t/ha,
       mature from year 3); Energiepflanzen, Miscanthus yields (4–7 t/ha in year 2).

    Examples
    --------
    >>> establishment_fractions(load_tables(), ["miscanthus", "maize"], 4).tolist()
    [[0.0, 0.5, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]
    """
    H = int(horizon_yr)
    sp = np.asarray(species, dtype=object).ravel()
    out = np.ones((len(sp), H))
    for r in tables.rows("yield_establishment"):  # a few literature rows
        y = int(r.year)
        if 1 <= y <= H:
            out[sp == r.species, y - 1] = float(r.typical)
    return out


def harvest_by_year(yield_t_dm_ha_yr, harvest_cycle_yr, horizon_yr: int, years_under_option=None,
                    establishment=None) -> np.ndarray:
    """Year-by-year harvested dry matter of every row.

    A crop with harvest cycle *c* is cut in years *c*, 2*c*, …; each cut removes the growth of the
    cycle, *c* × the annualised yield. Annual crops (*c* = 1) are cut every year. A row stops after
    ``years_under_option`` years (a cut in the year it stops counts). With ``establishment``,
    a perennial grows only a share of its mature yield in its first years, and each cut removes
    the growth since the previous cut.

    Parameters
    ----------
    yield_t_dm_ha_yr : array_like
        Mature, annualised yield of each row [t DM ha⁻¹ yr⁻¹], shape ``(n,)``; NaN: not known.
    harvest_cycle_yr : array_like
        Years between cuts [yr], broadcast to ``(n,)``; rounded to whole years, NaN or < 1 means 1.
    horizon_yr : int
        Years 1…H [yr].
    years_under_option : array_like, optional
        Years each row keeps the crop [yr], shape ``(n,)``; NaN or inf: the whole horizon;
        default: the whole horizon.
    establishment : array_like, optional
        Share of the mature yield grown in each year after planting [–], shape ``(n, H)`` (or
        ``(H,)`` for every row), e.g. :func:`establishment_fractions`; default: the mature yield
        every year.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, H)``: harvest in each year [t DM ha⁻¹]; rows with a NaN yield are NaN.

    References
    ----------
    .. [1] Prouzová N. et al. (2024) Chem. Biol. Technol. Agric. (willow and poplar short-rotation
       coppice on a Cd/Pb-contaminated field, cut in a 4-year rotation).
    .. [2] Cradle Crops, Miscanthus yields; Energiepflanzen, Miscanthus yields (no harvest in
       year 1, about half the mature yield in year 2).

    Examples
    --------
    Willow at 8.6 t/ha/yr cut every 4 years, over 10 years: two cuts of 4 × 8.6 = 34.4 t/ha.

    >>> harvest_by_year([8.6], [4], 10)[0].round(1).tolist()
    [0.0, 0.0, 0.0, 34.4, 0.0, 0.0, 0.0, 34.4, 0.0, 0.0]

    Miscanthus at 16 t/ha/yr grown 0, 0.5, 1, 1 of that, cut every year: 0, 8, 16, 16.

    >>> harvest_by_year([16.0], [1], 4, establishment=[0.0, 0.5, 1.0, 1.0]).tolist()
    [[0.0, 8.0, 16.0, 16.0]]
    """
    H = int(horizon_yr)
    years = np.arange(1, H + 1)
    B = np.atleast_1d(np.asarray(yield_t_dm_ha_yr, float))
    c = np.broadcast_to(np.asarray(harvest_cycle_yr, float), B.shape)
    c = np.where(np.isnan(c) | (c < 1), 1.0, np.round(c))
    cut = (years[None, :] % c[:, None]) == 0
    if years_under_option is not None:
        y = np.nan_to_num(np.asarray(years_under_option, float), nan=H, posinf=H)
        cut &= years[None, :] <= np.ceil(y)[:, None]
    nan = np.where(np.isnan(B), np.nan, 1.0)[:, None]
    if establishment is None:
        return np.where(cut, (B * c)[:, None], 0.0) * nan
    frac = np.broadcast_to(np.asarray(establishment, float), (len(B), H))
    grow = frac * np.nan_to_num(B)[:, None]
    cum = np.concatenate([np.zeros((len(B), 1)), np.cumsum(grow, axis=1)], axis=1)
    prev = np.maximum(years[None, :] - c[:, None], 0).astype(int)
    since = cum[:, 1:] - np.take_along_axis(cum, prev, axis=1)  # growth since the previous cut
    return np.where(cut, since, 0.0) * nan
