"""Soil kernels: mass of the treated layer and metal stock per hectare.

Family ``soil`` of the pure models: arrays in, arrays out (depth [m], bulk density
[g cm⁻³], concentration [mg kg⁻¹] → soil mass [t ha⁻¹], metal stock [kg ha⁻¹]); no
tables, no frames, no text. The stage module :mod:`agriremed.stages.soil` screens plot tables
against the threshold sets of ``soil_thresholds.csv`` and calls these kernels for the
metal stock of every plot × metal.

References
----------
.. [1] SUMATECS (2008) Final research report, SNOWMAN SN-01/20, Table 6 (soil mass of a
   0.25 m layer at 1.5 g cm⁻³; 3 mg kg⁻¹ Cd = 11.25 kg ha⁻¹).
"""

from __future__ import annotations

import numpy as np

__all__ = ["soil_mass_t_ha", "metal_stock_kg_ha"]


def soil_mass_t_ha(depth_m, bulk_density_g_cm3):
    """Dry soil mass of the treated layer per hectare.

    Parameters
    ----------
    depth_m : array_like
        Depth of the layer [m].
    bulk_density_g_cm3 : array_like
        Dry bulk density [g cm⁻³] (= t m⁻³).

    Returns
    -------
    numpy.ndarray
        Soil mass [t ha⁻¹] = depth × bulk density × 10 000 m² ha⁻¹.

    Examples
    --------
    >>> float(soil_mass_t_ha(0.25, 1.5))
    3750.0
    """
    return np.asarray(depth_m, float) * np.asarray(bulk_density_g_cm3, float) * 1.0e4


def metal_stock_kg_ha(conc_mg_kg, depth_m, bulk_density_g_cm3):
    """Mass of a metal in the treated layer per hectare.

    Parameters
    ----------
    conc_mg_kg : array_like
        Total concentration in soil [mg kg⁻¹].
    depth_m : array_like
        Layer depth [m].
    bulk_density_g_cm3 : array_like
        Dry bulk density [g cm⁻³].

    Returns
    -------
    numpy.ndarray
        Metal stock [kg ha⁻¹] = C × soil mass × 10⁻³.

    Examples
    --------
    >>> float(metal_stock_kg_ha(3.0, 0.25, 1.5))   # SUMATECS example: 11.25 kg Cd/ha
    11.25
    """
    return np.asarray(conc_mg_kg, float) * soil_mass_t_ha(depth_m, bulk_density_g_cm3) * 1.0e-3
