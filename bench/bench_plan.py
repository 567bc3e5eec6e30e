"""Throughput of the deterministic plan on synthetic portfolios (run: python bench/bench_plan.py).

Plots are resampled from the bundled sample plots (with jittered pH and metals), so the
workload has the same mix of classes and options. Prints plots per second for each size,
measured in this run on this machine. Scale targets and ratios against per-row and
bare-numpy baselines belong to the portfolio benchmark.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import agriremed

ROOT = Path(__file__).resolve().parents[1]


def synthetic(n: int, seed: int = 0):
    base = agriremed.validate_plots(ROOT / "data" / "samples" / "plots.csv").plots
    rng = np.random.default_rng(seed)
    df = base.iloc[rng.integers(0, len(base), n)].reset_index(drop=True)
    df["plot_id"] = [f"S{i:07d}" for i in range(n)]
    df["ph"] = np.clip(df["ph"] + rng.normal(0, 0.3, n), 3.5, 9.0).round(2)
    for c in [c for c in df.columns if c.endswith("_mg_kg")]:
        df[c] = df[c] * np.exp(rng.normal(0, 0.2, n))
    return df.drop(columns=["input_row"])


def main(sizes=(16, 1_000, 10_000)) -> None:
    scenario = agriremed.Scenario(mc_draws=0)
    print(f"agriremed {agriremed.__version__}: deterministic plan")
    for n in sizes:
        df = synthetic(n)
        t = time.perf_counter()
        agriremed.plan(df, scenario, progress=False)
        dt = time.perf_counter() - t
        print(f"{n:>9,d} plots  {dt:8.2f} s  {n / dt:12,.0f} plots/s")


if __name__ == "__main__":
    main()
