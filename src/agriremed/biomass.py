"""Harvested biomass of each option and the metal it carries.

The yield of an option is its ``biomass_t_dm_ha_yr`` range in ``option_parameters.csv``
(dry matter per hectare and year, annualised over harvest cycles). Options whose
biomass is not confirmed in the literature (e.g. Pteris vittata fronds in the field)
have no value: their biomass, energy and disposal mass stay blank rather than being
guessed. Metal in the harvest comes from the duration stage (``shoot_mg_kg``).

References
----------
.. [1] Sedum plumbizincicola 1-ha acid paddy field study (1.8–5.9 t DM/ha per season).
.. [2] French C.J. et al. (2006) Environ. Pollut. 141:387–395; SUMATECS (2008) (willow).
.. [3] Zgorelec Z. et al. (2020) Sci. Rep. 10:6685 (Miscanthus on Cd/Hg soil).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .options import align_rows, parameter_for_rows
from .tables import Tables, load_tables

__all__ = ["harvested_biomass"]


def harvested_biomass(option_rows: pd.DataFrame, by_metal: pd.DataFrame,
                      tables: Tables | None = None) -> pd.DataFrame:
    """Harvested dry matter and its metal concentration for every plot × option.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.options.evaluate_options`.
    by_metal : pandas.DataFrame
        Per-metal duration table (``shoot_mg_kg`` [mg kg⁻¹] per plot × option × metal).
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``biomass_t_dm_ha_yr`` [t ha⁻¹ yr⁻¹] (NaN for
        options without harvested biomass or not applicable) and
        ``biomass_cd_mg_kg`` [mg kg⁻¹] (Cd in the harvest, NaN where not modelled).
    """
    tables = tables or load_tables()
    out = option_rows[["plot_id", "option_id"]].copy()
    b = parameter_for_rows(tables, out["option_id"], "biomass_t_dm_ha_yr")
    out["biomass_t_dm_ha_yr"] = np.where(option_rows["applicable"].to_numpy(bool), b, np.nan)
    cd = by_metal.loc[by_metal["metal"] == "cd", ["plot_id", "option_id", "shoot_mg_kg"]]
    out["biomass_cd_mg_kg"] = align_rows(cd, out)["shoot_mg_kg"].to_numpy(float)
    return out
