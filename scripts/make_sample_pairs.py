"""Generate the synthetic paired soil–crop sample table ``data/samples/soil_crop_pairs.csv``.

The table is SYNTHETIC: plant Cd is computed with two published transfer functions
from agriremed's library (``jiangsu2007_rice_cd`` and ``jiangsu2007_wheat_cd``:
log10 C_grain = a + c·pH + b·log10 C_soil) plus normal noise of 0.25 log10 units, on
soils drawn from ranges typical of Chinese paddy and upland fields. SOM, clay and CEC
are drawn independently and play no part in the simulated plant Cd, so a fit on this
table should find their coefficients near zero and recover a, b and c within their
confidence intervals. Every row says so in its ``data_origin`` column.

Run from the repository root:  python scripts/make_sample_pairs.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agriremed.core.tables import load_tables
from agriremed.stages.uptake import evaluate_function

SEED = 20261123
N_PER_CROP = 120
NOISE_LOG10 = 0.25
OUT = Path(__file__).resolve().parents[1] / "data" / "samples" / "soil_crop_pairs.csv"


def main() -> Path:
    rng = np.random.default_rng(SEED)
    tf = load_tables().transfer_functions.set_index("function_id")
    parts = []
    for crop, fid, ph_range in (("rice", "jiangsu2007_rice_cd", (4.6, 7.8)),
                                ("wheat", "jiangsu2007_wheat_cd", (5.0, 8.4))):
        n = N_PER_CROP
        soil = pd.DataFrame({
            "ph": rng.uniform(*ph_range, n).round(2),
            "cd_mg_kg": np.exp(rng.normal(np.log(0.5), 0.8, n)).round(3),
            "som_pct": rng.uniform(1.0, 4.5, n).round(2),
            "clay_pct": rng.uniform(10, 45, n).round(1),
            "cec_cmol_kg": rng.uniform(6, 25, n).round(1),
        })
        fn = tf.loc[fid]
        fn = fn.copy()
        fn["function_id"] = fid
        median = evaluate_function(fn, soil)
        plant = median * 10 ** rng.normal(0.0, NOISE_LOG10, n)
        parts.append(pd.DataFrame({
            "pair_id": [f"{crop[:1].upper()}{i + 1:03d}" for i in range(n)],
            "crop": crop,
            "soil_cd_mg_kg": soil["cd_mg_kg"],
            "plant_cd_mg_kg": plant.round(4),
            "ph": soil["ph"],
            "som_pct": soil["som_pct"],
            "clay_pct": soil["clay_pct"],
            "cec_cmol_kg": soil["cec_cmol_kg"],
            "data_origin": f"SYNTHETIC: {fid} + N(0, {NOISE_LOG10}) log10 noise, seed {SEED}",
        }))
    out = pd.concat(parts, ignore_index=True)
    out.to_csv(OUT, index=False, lineterminator="\n")
    return OUT


if __name__ == "__main__":
    print(f"wrote {main()}")
