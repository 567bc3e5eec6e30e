"""One-plot latency and deterministic throughput, old code against new, side by side (issue 22, item 4).

Each measurement runs in a fresh interpreter with ``PYTHONPATH`` set to one source tree; the
trees alternate (old, new, old, new …) for ``--repeats`` rounds, so both see the same machine load.
Wall time (``time.perf_counter``) and CPU time (``time.process_time``, steadier on a shared
machine) are reported as medians.

Cases (the tables are loaded once per interpreter; one warm-up plan first):

* ``one_det``  — :func:`agriremed.plan` of the first row of ``data/samples/plots.csv``,
  ``Scenario(mc_draws=0)``; median of ``--calls`` calls.
* ``one_mc``   — the same with ``Scenario()`` (default draws, same seed each call).
* ``n_det``    — one deterministic plan of ``--plots`` synthetic plots
  (:func:`agriremed.io.synthetic.synthetic_plots`), after a warm-up plan of 5 plots.

Usage::

    python bench/bench_latency35.py --old /tmp/old/src --new src [--repeats 3] [--out results.md]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data" / "samples" / "plots.csv"
CASES = ("one_det", "one_mc", "n_det")
DEFAULT_CALLS = 30
DEFAULT_PLOTS = 5_000
WARM_PLOTS = 5


def child(case: str, calls: int, n_plots: int) -> dict:
    """Time ``case`` in this interpreter: medians of wall and CPU time [ms]."""
    import pandas as pd

    import agriremed
    from agriremed.core.scenario import Scenario
    from agriremed.core.tables import load_tables
    from agriremed.io.synthetic import synthetic_plots

    tables = load_tables()
    if case == "n_det":
        plots, scenario, calls = synthetic_plots(n_plots), Scenario(mc_draws=0), 1
        agriremed.plan(synthetic_plots(WARM_PLOTS), scenario, tables=tables, progress=False)
    else:
        plots = pd.read_csv(SAMPLE).head(1)
        scenario = Scenario(mc_draws=0) if case == "one_det" else Scenario()
        agriremed.plan(plots, scenario, tables=tables, progress=False)
    wall, cpu = [], []
    for _ in range(calls):
        t, c = time.perf_counter(), time.process_time()
        agriremed.plan(plots, scenario, tables=tables, progress=False)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {"wall_ms": 1e3 * statistics.median(wall), "cpu_ms": 1e3 * statistics.median(cpu)}


def run(src: str, case: str, calls: int, n_plots: int) -> dict:
    """:func:`child` in a fresh interpreter on the source tree ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, __file__, "--child", case, "--calls", str(calls), "--plots", str(n_plots)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_average() -> float:
    """System load averaged over the last minute (NaN where the platform has none)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", help="source tree (the src folder) of the old code")
    ap.add_argument("--new", default=str(HERE.parent / "src"), help="source tree of the new code")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--calls", type=int, default=DEFAULT_CALLS)
    ap.add_argument("--plots", type=int, default=DEFAULT_PLOTS)
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    ap.add_argument("--out", help="also write the table (Markdown) here")
    ap.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(child(a.child, a.calls, a.plots)))
        return 0
    trees = {"old": a.old, "new": a.new} if a.old else {"new": a.new}
    res = {(c, t): [] for c in a.cases for t in trees}
    loads = []
    for _ in range(a.repeats):
        for case in a.cases:
            for name, src in trees.items():
                loads.append(load_average())
                res[case, name].append(run(src, case, a.calls, a.plots))
    lines = ["| case | tree | wall [ms] (median; runs) | CPU [ms] (median) |", "|---|---|---|---:|"]
    for case in a.cases:
        for name in trees:
            w = [r["wall_ms"] for r in res[case, name]]
            c = [r["cpu_ms"] for r in res[case, name]]
            lines.append(f"| {case} | {name} | {statistics.median(w):.1f} ({', '.join(f'{x:.1f}' for x in w)}) "
                         f"| {statistics.median(c):.1f} |")
        if a.old:
            wo, wn = (statistics.median(r["wall_ms"] for r in res[case, t]) for t in ("old", "new"))
            co, cn = (statistics.median(r["cpu_ms"] for r in res[case, t]) for t in ("old", "new"))
            lines.append(f"| {case} | old/new | ×{wo / wn:.2f} | ×{co / cn:.2f} |")
    lines.append(f"\nload average (1 min) during the runs: {min(loads):.1f}–{max(loads):.1f}")
    text = "\n".join(lines)
    print(text)
    if a.out:
        Path(a.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
