"""Synthetic plot tables of any size, for benchmarks, demos and scale tests.

Plots are drawn from the bundled sample plots (``data/samples/plots.csv`` shape, shipped
in the package as ``agriremed/data/sample_plots.csv``) and jittered, so a synthetic county
has the same mix of land uses, soils, contamination and classes as the samples:

* each plot copies a template plot chosen at random;
* pH moves by N(0, 0.3) (kept within 3.5–9.5), SOM and clay by ×LogNormal(0, 0.2);
* every metal (total and extractable) by ×LogNormal(0, 0.35), area by ×LogNormal(0, 0.8);
* latitude/longitude by N(0, 0.05°); plots get village names under the template's region.

The table is synthetic and says so (``data_origin`` column). Same ``seed`` → same table.

Examples
--------
>>> from agriremed.io.synthetic import synthetic_plots
>>> df = synthetic_plots(1000, seed=1)
>>> len(df), df["plot_id"].is_unique
(1000, True)
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["synthetic_plots", "sample_plots"]


def sample_plots() -> pd.DataFrame:
    """The bundled sample plots (the same table as ``data/samples/plots.csv``)."""
    with resources.as_file(resources.files("agriremed.data").joinpath("sample_plots.csv")) as p:
        return pd.read_csv(p)


def synthetic_plots(n: int, seed: int = 0, villages_per_region: int = 20) -> pd.DataFrame:
    """Generate ``n`` synthetic plots that look like the bundled samples.

    Parameters
    ----------
    n : int
        Number of plots.
    seed : int
        Random seed.
    villages_per_region : int
        Number of village names drawn under each template region.

    Returns
    -------
    pandas.DataFrame
        A plot table following the input contract (units as in the samples:
        concentrations [mg kg⁻¹], ``area_ha`` [ha], ``depth_m`` [m] …) plus ``village``
        and ``data_origin``.
    """
    base = sample_plots()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(base), n)
    df = base.iloc[idx].reset_index(drop=True)
    df["plot_id"] = [f"S{i:07d}" for i in range(n)]
    df["ph"] = np.clip(df["ph"].to_numpy() + rng.normal(0.0, 0.3, n), 3.5, 9.5).round(2)
    for c in ("som_pct", "clay_pct"):
        df[c] = (df[c].to_numpy() * rng.lognormal(0.0, 0.2, n)).clip(0.1, 90).round(2)
    for c in [c for c in df.columns if c.endswith("_mg_kg")]:
        df[c] = (df[c].to_numpy() * rng.lognormal(0.0, 0.35, n)).round(4)
    df["area_ha"] = (df["area_ha"].to_numpy() * rng.lognormal(0.0, 0.8, n)).clip(0.01, 500).round(3)
    df["lat"] = (df["lat"].to_numpy() + rng.normal(0, 0.05, n)).round(4)
    df["lon"] = (df["lon"].to_numpy() + rng.normal(0, 0.05, n)).round(4)
    village = rng.integers(1, villages_per_region + 1, n)
    df["village"] = df["region"].str.rsplit("/", n=1).str[-1] + "-" + pd.Series(village).astype(str).str.zfill(2)
    df["data_origin"] = f"SYNTHETIC: resampled and jittered sample plots, seed {seed}"
    return df
