"""Deterministic planning throughput, old code against new, side by side (issue 22, item 4).

Each measurement runs in a fresh interpreter with ``PYTHONPATH`` set to one source tree; the
trees alternate (old, new, old, new …) for ``--repeats`` rounds, so both see the same machine load.
Wall time (``time.perf_counter``) and CPU time (``time.process_time``, steadier on a shared
machine) of one timed run are reported as medians and minima over the rounds, with plots per second;
the old/new ratios are of the medians and of the minima.

Cases (the tables are loaded once per interpreter; a warm-up plan of 5 plots first):

* ``n_rec``     — :func:`agriremed.plan` of ``--plots`` synthetic plots
  (:func:`agriremed.io.synthetic.synthetic_plots`, seed 1), ``Scenario(mc_draws=0)``,
  ``text_rows="recommended"`` (the setting of large runs).
* ``n_all``     — the same with ``text_rows="all"``.
* ``stream_rec`` — :func:`agriremed.engine.stream.plan_stream` of ``--stream-plots`` synthetic
  plots to a temporary folder, Parquet, ``plan_rows="recommended"``.
* ``one_det``   — the first row of ``data/samples/plots.csv``, deterministic; median of ``--calls`` calls.
* ``one_mc``    — the same plot with the default scenario (its Monte Carlo draws, same seed each call).

Usage::

    python bench/bench_throughput35.py --old /tmp/old/src --new src [--repeats 3] [--out results.md]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data" / "samples" / "plots.csv"
CASES = ("n_rec", "n_all", "stream_rec", "one_det", "one_mc")
DEFAULT_PLOTS = 5_000
DEFAULT_STREAM_PLOTS = 20_000
DEFAULT_CALLS = 20
WARM_PLOTS = 5
SEED = 1
WARM_SEED = 2
MS_PER_S = 1e3


def child(case: str, n_plots: int, n_stream: int, calls: int) -> dict:
    """Time ``case`` in this interpreter: medians of wall and CPU time [ms], and the plots timed."""
    import pandas as pd

    import agriremed
    from agriremed.core.scenario import Scenario
    from agriremed.core.tables import load_tables
    from agriremed.engine.stream import plan_stream
    from agriremed.io.synthetic import synthetic_plots

    tables = load_tables()
    scenario = Scenario(mc_draws=0)
    agriremed.plan(synthetic_plots(WARM_PLOTS, seed=WARM_SEED), scenario, tables=tables, progress=False)
    with tempfile.TemporaryDirectory() as out:
        if case in ("n_rec", "n_all"):
            plots = synthetic_plots(n_plots, seed=SEED)
            rows = "recommended" if case == "n_rec" else "all"

            def once():
                agriremed.plan(plots, scenario, tables=tables, progress=False, text_rows=rows)
            calls, n = 1, n_plots
        elif case == "stream_rec":
            plots = synthetic_plots(n_stream, seed=SEED)

            def once():
                plan_stream(plots, scenario, out=out, fmt="parquet", plan_rows="recommended", tables=tables,
                            progress=False)
            calls, n = 1, n_stream
        else:
            plots = pd.read_csv(SAMPLE).head(1)
            one = scenario if case == "one_det" else Scenario()

            def once():
                agriremed.plan(plots, one, tables=tables, progress=False)
            once()
            n = 1
        wall, cpu = [], []
        for _ in range(calls):
            t, c = time.perf_counter(), time.process_time()
            once()
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    return {"wall_ms": MS_PER_S * statistics.median(wall), "cpu_ms": MS_PER_S * statistics.median(cpu), "plots": n}


def run(src: str, case: str, a) -> dict:
    """:func:`child` in a fresh interpreter on the source tree ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, __file__, "--child", case, "--plots", str(a.plots),
           "--stream-plots", str(a.stream_plots), "--calls", str(a.calls)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_average() -> float:
    """System load averaged over the last minute (NaN where the platform has none)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float("nan")


def table(cases, trees, res, loads) -> str:
    """The Markdown table of the results."""
    lines = ["| case | tree | wall [ms] median (min; runs) | CPU [ms] median (min) | plots/s (wall) |",
             "|---|---|---|---:|---:|"]
    for case in cases:
        for name in trees:
            w = [r["wall_ms"] for r in res[case, name]]
            c = [r["cpu_ms"] for r in res[case, name]]
            rate = res[case, name][0]["plots"] * MS_PER_S / statistics.median(w)
            lines.append(f"| {case} | {name} | {statistics.median(w):.1f} ({min(w):.1f}; "
                         f"{', '.join(f'{x:.1f}' for x in w)}) | {statistics.median(c):.1f} ({min(c):.1f}) "
                         f"| {rate:,.0f} |")
        if "old" in trees:
            ratio = {}
            for key in ("wall_ms", "cpu_ms"):
                o, n = ([r[key] for r in res[case, t]] for t in ("old", "new"))
                ratio[key] = f"×{statistics.median(o) / statistics.median(n):.2f} (min ×{min(o) / min(n):.2f})"
            lines.append(f"| {case} | old/new | {ratio['wall_ms']} | {ratio['cpu_ms']} | |")
    lines.append(f"\nload average (1 min) during the runs: {min(loads):.1f}–{max(loads):.1f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", help="source tree (the src folder) of the old code")
    ap.add_argument("--new", default=str(HERE.parent / "src"), help="source tree of the new code")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--plots", type=int, default=DEFAULT_PLOTS)
    ap.add_argument("--stream-plots", type=int, default=DEFAULT_STREAM_PLOTS)
    ap.add_argument("--calls", type=int, default=DEFAULT_CALLS)
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    ap.add_argument("--out", help="also write the table (Markdown) here")
    ap.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(child(a.child, a.plots, a.stream_plots, a.calls)))
        return 0
    trees = {"old": a.old, "new": a.new} if a.old else {"new": a.new}
    res = {(c, t): [] for c in a.cases for t in trees}
    loads = []
    for _ in range(a.repeats):
        for case in a.cases:
            for name, src in trees.items():
                loads.append(load_average())
                res[case, name].append(run(src, case, a))
    text = table(a.cases, trees, res, loads)
    print(text)
    if a.out:
        Path(a.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
