"""A county's own rice Cd fit shared by the tests of fits used beyond their data."""

import numpy as np
import pandas as pd

from agriremed.io.pairs import fit_transfer_function


def county_rice_fit(function_id: str = "county_rice_cd"):
    """80 rice pairs of a Hunan county (soil Cd 0.2–2.85 mg/kg, pH 4.6–7.2), grain Cd far below the packaged
    Hunan function (log10 C = −0.29 + 0.47·log10 S − 0.21·pH + N(0, 0.2)), fitted for Hunan."""
    rng = np.random.default_rng(37)
    soil = np.round(np.geomspace(0.204, 2.848, 80), 4)
    ph = rng.permutation(np.round(np.linspace(4.62, 7.19, 80), 3))
    plant = 10 ** (-0.29 + 0.472 * np.log10(soil) - 0.206 * ph + rng.normal(0.0, 0.2, 80))
    d = pd.DataFrame({"pair_id": [f"P{i:02d}" for i in range(80)], "crop": "rice", "soil_cd_mg_kg": soil,
                      "ph": ph, "plant_cd_mg_kg": np.round(plant, 6)})
    return fit_transfer_function(d, crop="rice", metal="cd", terms=["log10(soil)", "ph"], provinces="Hunan",
                                 function_id=function_id)
