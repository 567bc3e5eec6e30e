"""Biomass kernels: species properties and establishment-year yield shares.

Lookups of the literature tables by species, arrays in, arrays out (``biomass_properties.csv``,
``yield_establishment.csv``), with Monte Carlo draws under common random numbers. The plot-table
adapter of the biomass stage (harvested biomass per plot × option, harvest series, metal in the
harvest) is :mod:`agriremed.stages.biomass`, which re-exports these functions.

References
----------
.. [1] Cradle Crops, Miscanthus yields; Energiepflanzen, Miscanthus yields (establishment years).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.core.tables import Tables, load_tables  # noqa: F401  (load_tables: used by the examples)
from agriremed.core.uncertainty import parameter_draws

__all__ = ["species_property", "species_property_draws", "establishment_fractions"]


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
