"""Harvested biomass of each option.

Yields are rows of ``biomass_yields.csv`` keyed by ``species`` (the option's ``species``
in ``options.csv``) and ``land`` quality, as ranges in t DM ha⁻¹ yr⁻¹ (annualised over
harvest cycles) with sources. Species whose field yield is not confirmed in the
literature (e.g. Pteris vittata fronds) have blank values: their biomass, energy and
disposal mass stay blank rather than being guessed.

The biomass stage runs before the duration stage, which uses its yields (typical and
Monte Carlo draws) to compute metal removal.

References
----------
.. [1] Sedum plumbizincicola 1-ha acid paddy field study (1.8–5.9 t DM/ha per season).
.. [2] French C.J. et al. (2006) Environ. Pollut. 141:387–395; SUMATECS (2008) (willow).
.. [3] Zgorelec Z. et al. (2020) Sci. Rep. 10:6685 (Miscanthus on Cd/Hg soil).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .tables import Tables, load_tables
from .uncertainty import parameter_draws

__all__ = ["harvested_biomass", "LAND_QUALITY"]

#: Land quality whose yields are used for contaminated plots.
LAND_QUALITY = "contaminated"


def harvested_biomass(option_rows: pd.DataFrame, tables: Tables | None = None, n_draws: int = 0,
                      seed: int = 0, land: str = LAND_QUALITY) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Harvested dry matter of every applicable plot × option.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.options.evaluate_options`.
    tables : Tables, optional
        Literature tables.
    n_draws : int
        Monte Carlo draws (0: none).
    seed : int
        Scenario seed.
    land : str
        Land quality row of ``biomass_yields.csv`` to use.

    Returns
    -------
    biomass : pandas.DataFrame
        ``plot_id``, ``option_id``, ``biomass_t_dm_ha_yr`` [t ha⁻¹ yr⁻¹] (typical; NaN for
        options without harvested biomass, with an unconfirmed yield, or not applicable).
    draws : numpy.ndarray or None
        Shape ``(len(option_rows), n_draws)`` [t ha⁻¹ yr⁻¹], row-aligned with
        ``option_rows``; ``None`` when ``n_draws`` is 0.
    """
    tables = tables or load_tables()
    y = tables.biomass_yields
    y = y.loc[y["land"] == land].reset_index(drop=True)
    species = option_rows["option_id"].map(tables.options.set_index("option_id")["species"]).fillna("")
    applicable = option_rows["applicable"].to_numpy(bool)
    pos = pd.Series(np.arange(len(y)), index=y["species"].to_numpy(object))
    ix = species.map(pos).to_numpy(float)
    have = ~np.isnan(ix) & applicable
    typical = np.full(len(option_rows), np.nan)
    typical[have] = y["typical"].to_numpy(float)[ix[have].astype(int)]
    out = option_rows[["plot_id", "option_id"]].copy()
    out["biomass_t_dm_ha_yr"] = typical
    if not n_draws:
        return out, None
    ids = y.assign(parameter="biomass_t_dm_ha_yr")
    d_all = parameter_draws(ids, n_draws, seed, id_columns=("species", "parameter", "land"))
    draws = np.full((len(option_rows), n_draws), np.nan)
    draws[have] = d_all[ix[have].astype(int)]
    return out, draws
