"""Throughput of the deterministic plan on synthetic portfolios (run: python bench/bench_plan.py).

Plots come from :func:`agriremed.io.synthetic.synthetic_plots` (resampled, jittered sample
plots), so the workload has the same mix of classes and options. Prints plots per second for each size,
measured in this run on this machine. Scale targets, peak memory and ratios against per-row and
bare-numpy baselines are in the portfolio benchmark, ``bench/bench_portfolio.py``.
"""

from __future__ import annotations

import time

import agriremed
from agriremed.io.synthetic import synthetic_plots


def main(sizes=(16, 1_000, 10_000)) -> None:
    scenario = agriremed.Scenario(mc_draws=0)
    print(f"agriremed {agriremed.__version__}: deterministic plan")
    for n in sizes:
        df = synthetic_plots(n)
        t = time.perf_counter()
        agriremed.plan(df, scenario, progress=False)
        dt = time.perf_counter() - t
        print(f"{n:>9,d} plots  {dt:8.2f} s  {n / dt:12,.0f} plots/s")


if __name__ == "__main__":
    main()
