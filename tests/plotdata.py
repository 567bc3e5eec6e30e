"""Sample data paths and a small plot builder for the unit tests.

A module of its own (not ``conftest``) so that test modules can import it by a name no
other test directory uses.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def make_plots(n: int = 1, **columns) -> pd.DataFrame:
    """A valid plot table with ``n`` rows; keyword arguments override columns (scalars or lists)."""
    base = {
        "plot_id": [f"P{i + 1}" for i in range(n)], "land_use": "paddy", "crop": "rice", "area_ha": 1.0,
        "ph": 5.0, "som_pct": 3.0, "clay_pct": 30.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
        "cd_mg_kg": 0.8, "annual_rain_mm": 1400.0, "mean_temp_c": 17.0, "region": "Hunan",
    }
    base.update(columns)
    return pd.DataFrame({k: (v if isinstance(v, list) else [v] * n) for k, v in base.items()})
