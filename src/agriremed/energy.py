"""Bioenergy from harvested biomass, and where its metals end up.

Pathways (``energy_pathway`` in ``options.csv``):

``chp`` — combustion in a biomass CHP plant: electricity = B · LHV · η_el,
    useful energy (heat + power) = B · LHV · η_total.
``pyrolysis`` — slow pyrolysis: biochar = B · y(T), with the char yield y falling
    linearly from 0.40 at 300 °C to 0.28 at 700 °C (herbaceous feedstock). Energy in
    the pyrolysis gas and oil is not credited in this version.
``none`` — no energy use.

Residue disposal: biomass of a phytoextraction option (metal deliberately enriched,
e.g. Cd ≥ 100 mg kg⁻¹ in Sedum shoots) is ``hazardous_waste``; its char must not be
spread on land without testing (in pyrolysis of Sedum > 87.6 % of Cd goes to the
bio-oil and > 66 % of Zn stays in the char). Ash of other metal-bearing biomass is
``test_before_use``.

References
----------
.. [1] IEA ETSAP (2007) ETE03 Biomass for power generation and CHP (η_el 30–34 %,
   CHP total 85–90 %).
.. [2] Yue Y. et al. (2018) BioResources 13(4):7455 (char yield 40 → 28 %, 300 → 700 °C).
.. [3] Pyrolysis of Sedum plumbizincicola at 450–750 °C (metal partitioning).
.. [4] SUMATECS (2008): hyperaccumulator shoot Cd > 100 mg kg⁻¹.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .options import align_rows, parameter_for_rows
from .tables import Tables, load_tables

__all__ = ["char_yield", "energy_outputs", "TEMPERATURE_C"]

#: Representative production temperature of each IPCC biochar temperature class [°C]
#: (mid-points of the class ranges; the high class uses 650 °C).
TEMPERATURE_C = {"low": 400.0, "medium": 525.0, "high": 650.0}


def char_yield(temperature_c, tables: Tables | None = None):
    """Slow-pyrolysis char yield of herbaceous biomass.

    Parameters
    ----------
    temperature_c : array_like
        Highest treatment temperature [°C], 300–700.

    Returns
    -------
    numpy.ndarray
        Char mass per dry feedstock mass [–], linear between the 300 °C and 700 °C
        yields of ``factors.csv``.

    Examples
    --------
    >>> round(float(char_yield(500)), 3)
    0.34
    """
    tables = tables or load_tables()
    y300 = tables.factor("pyrolysis_char_yield_300c")
    y700 = tables.factor("pyrolysis_char_yield_700c")
    t = np.asarray(temperature_c, float)
    return y300 + (y700 - y300) * (t - 300.0) / 400.0


def energy_outputs(option_rows: pd.DataFrame, biomass: pd.DataFrame, by_metal: pd.DataFrame,
                   tables: Tables | None = None) -> pd.DataFrame:
    """Energy, electricity, biochar and residue disposal per plot × option.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.options.evaluate_options`.
    biomass : pandas.DataFrame
        First output of :func:`agriremed.biomass.harvested_biomass`.
    by_metal : pandas.DataFrame
        Per-metal duration table (``shoot_mg_kg``: metal in the harvest) [mg kg⁻¹].
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``energy_pathway``, ``biomass_cd_mg_kg`` (Cd in the
        harvest) [mg kg⁻¹], ``useful_energy_gj_ha_yr``
        [GJ ha⁻¹ yr⁻¹], ``electricity_mwh_ha_yr`` [MWh ha⁻¹ yr⁻¹],
        ``biochar_t_ha_yr`` [t ha⁻¹ yr⁻¹] and ``residue_disposal``.
    """
    tables = tables or load_tables()
    opts = tables.options.set_index("option_id")
    out = biomass[["plot_id", "option_id"]].copy()
    path = out["option_id"].map(opts["energy_pathway"]).fillna("none").to_numpy(object)
    kind = out["option_id"].map(opts["kind"]).to_numpy(object)
    B = biomass["biomass_t_dm_ha_yr"].to_numpy(float)
    L = parameter_for_rows(tables, out["option_id"], "lhv_gj_t")
    eta_el = tables.factor("chp_electric_efficiency")
    eta_tot = tables.factor("chp_total_efficiency")
    chp = path == "chp"
    pyro = path == "pyrolysis"
    temp = out["option_id"].map(opts["biochar_temperature"]).map(TEMPERATURE_C).to_numpy(float)
    has_b = ~np.isnan(B)
    out["energy_pathway"] = np.where(has_b | ~np.isin(path, ["chp", "pyrolysis"]), path, "none")
    out["useful_energy_gj_ha_yr"] = np.where(chp, B * L * eta_tot, np.where(has_b, 0.0, np.nan))
    out["electricity_mwh_ha_yr"] = np.where(chp, B * L * eta_el / 3.6, np.where(has_b, 0.0, np.nan))
    out["biochar_t_ha_yr"] = np.where(pyro, B * char_yield(np.where(pyro, temp, 500.0), tables),
                                      np.where(has_b, 0.0, np.nan))
    cd = by_metal.loc[by_metal["metal"] == "cd", ["plot_id", "option_id", "shoot_mg_kg"]]
    out["biomass_cd_mg_kg"] = align_rows(cd, out)["shoot_mg_kg"].to_numpy(float)
    hyper = out["biomass_cd_mg_kg"].to_numpy(float) >= tables.factor("hyperaccumulator_cd_mg_kg")
    applicable = option_rows["applicable"].to_numpy(bool)
    disposal = np.where(kind == "phytoextraction", "hazardous_waste",
                        np.where(hyper, "hazardous_waste",
                                 np.where(has_b & (kind == "phytomanagement"), "test_before_use", "none")))
    out["residue_disposal"] = np.where(applicable, disposal, None)
    return out
