"""One-plan timings of two source trees in turn, for a machine shared with other jobs (issue 22, item 4).

Two worker interpreters (``PYTHONPATH`` = the old and the new ``src``) load the tables once and
plan on request; the parent asks them in turn (old, new, then new, old …), so both see the same
load from moment to moment, and reports the minimum and the median of the wall and CPU time
(``time.process_time``) of each tree, with the old/new ratios. The minimum is the steadier figure
under load. Cases as in :mod:`bench_throughput35`: ``one_det`` and ``one_mc`` (the first sample
plot, deterministic and with the default draws), ``one_bare_mc`` (the wheat sample plot HB-SJZ-09
without soil organic matter and clay, as a county sheet gives it, default draws: its Cd functions
plan with the typical covariates and their Monte Carlo), ``n2k_det`` (2 000 synthetic plots, seed 1,
deterministic, every row's sentences, as ``agriremed.plan`` by default), ``n_rec`` (5 000 synthetic plots, seed 1,
deterministic, sentences of the recommended rows), ``n2k_mc`` (2 000 synthetic plots, seed 1,
default draws, sentences of the recommended rows) and ``n2k_bare_mc`` (the same without soil
organic matter and clay).

Usage::

    python bench/bench_ab35.py --old /tmp/old/src --new src one_det:40 one_mc:20 n_rec:5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data" / "samples" / "plots.csv"
MS_PER_S = 1e3

WORKER = r'''
import json, sys, time
import pandas as pd
import agriremed
from agriremed.core.scenario import Scenario
from agriremed.core.tables import load_tables
from agriremed.io.synthetic import synthetic_plots
tables, det = load_tables(), Scenario(mc_draws=0)
one = pd.read_csv(sys.argv[1]).head(1)
many = synthetic_plots(2000, seed=1)
bare = lambda d: d.drop(columns=["som_pct", "clay_pct"])  # a county sheet: no SOM, no clay
wheat = pd.read_csv(sys.argv[1]).iloc[[8]]  # HB-SJZ-09, wheat: its Cd functions read SOM and clay
cases = {"one_det": (one, det, {}), "one_mc": (one, Scenario(), {}),
         "one_bare_mc": (bare(wheat), Scenario(), {}),
         "n2k_det": (many, det, {}),
         "n_rec": (synthetic_plots(5000, seed=1), det, {"text_rows": "recommended"}),
         "n2k_mc": (many, Scenario(), {"text_rows": "recommended"}),
         "n2k_bare_mc": (bare(many), Scenario(), {"text_rows": "recommended"})}
for c, (p, s, kw) in cases.items():  # warm-up
    agriremed.plan(p if not c.startswith("n") else p.head(5), s, tables=tables, progress=False, **kw)
print("ready", flush=True)
for line in sys.stdin:
    p, s, kw = cases[line.strip()]
    t, u = time.perf_counter(), time.process_time()
    agriremed.plan(p, s, tables=tables, progress=False, **kw)
    print(json.dumps([time.perf_counter() - t, time.process_time() - u]), flush=True)
'''


def _worker(src: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", WORKER, str(SAMPLE)], env=dict(os.environ, PYTHONPATH=src),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if proc.stdout.readline().strip() != "ready":
        raise RuntimeError(f"worker on {src} did not start")
    return proc


def _ask(proc: subprocess.Popen, case: str) -> list[float]:
    proc.stdin.write(case + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", required=True, help="source tree (the src folder) of the old code")
    ap.add_argument("--new", default=str(HERE.parent / "src"), help="source tree of the new code")
    ap.add_argument("runs", nargs="+", help="case:calls (one_det, one_mc, one_bare_mc, n2k_det, n_rec, n2k_mc, "
                                              "n2k_bare_mc)")
    a = ap.parse_args(argv)
    procs = {"old": _worker(a.old), "new": _worker(a.new)}
    loads = []
    try:
        for run in a.runs:
            case, n = run.split(":")
            res = {k: [] for k in procs}
            for i in range(int(n)):
                for k in (("old", "new") if i % 2 == 0 else ("new", "old")):
                    loads.append(os.getloadavg()[0])
                    res[k].append(_ask(procs[k], case))
            print(f"## {case}: {n} calls per tree, in turn")
            for k, r in res.items():
                w, c = [x[0] * MS_PER_S for x in r], [x[1] * MS_PER_S for x in r]
                print(f"{k}: wall min {min(w):.1f} median {statistics.median(w):.1f} ms | "
                      f"CPU min {min(c):.1f} median {statistics.median(c):.1f} ms")
            (wo, co), (wn, cn) = ([[x[j] for x in res[k]] for j in (0, 1)] for k in ("old", "new"))
            print(f"old/new: wall min ×{min(wo) / min(wn):.2f} median ×{statistics.median(wo) / statistics.median(wn):.2f}"
                  f" | CPU min ×{min(co) / min(cn):.2f} median ×{statistics.median(co) / statistics.median(cn):.2f}")
        print(f"load average (1 min): {min(loads):.1f}–{max(loads):.1f}")
    finally:
        for p in procs.values():
            p.stdin.close()
            p.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
