"""How much of a whole plan is the science's own arithmetic (python bench/bench_kernels.py).

Issue 22 asks for the whole-plan engine to be within 3× of a bare-numpy kernel of the same
arithmetic for the whole pipeline. No bare-numpy copy of the whole pipeline exists (writing
one would duplicate every stage), so this script measures the closest honest stand-in: it
plans synthetic plots once with every function of :mod:`agriremed.models` (the pure kernels:
arrays in, arrays out) wrapped in a timer, and reports

* the wall time of the whole plan (:func:`agriremed.plan`, every option evaluated),
* the time spent inside the kernels (outermost kernel calls only, so a kernel calling another
  is counted once), their number of calls, and
* the ratio whole plan / kernels, by kernel module and in all.

What the ratio means, and what it does not:

* It is the factor by which the engine (alignment of plots and options, pandas frames, table
  lookups, messages and texts) multiplies the kernels' own time. The target asks for ≤ 3×.
* It is not exactly the ratio to a bare-numpy pipeline: some arithmetic still lives in the
  stage adapters (``stages/``), which this counts as engine time (the ratio is then too high),
  and some kernels receive pandas Series instead of arrays, whose overhead this counts as
  kernel time (the ratio is then too low).
* The timers add about a microsecond per kernel call (a few thousand calls per plan).

Writes ``results_kernels.csv`` (one row per kernel module plus a total row) to ``--out``.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as _dt
import functools
import inspect
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ("plots", "draws", "module", "calls", "kernel_s", "plan_s", "share", "ratio", "load_avg_1min",
          "nproc", "date", "agriremed_version")


class KernelTimer:
    """Wraps every function of the ``agriremed.models`` modules wherever it is bound.

    A stage imports kernels by name (``from agriremed.models.uptake import f``) or uses them
    through their module; both bindings are replaced, in every loaded ``agriremed`` module,
    by a wrapper that adds its wall time to ``seconds[module]`` when no other kernel call is
    under way (outermost calls only). :meth:`restore` puts the originals back.
    """

    def __init__(self):
        self.seconds = collections.Counter()
        self.calls = collections.Counter()
        self._depth = 0
        self._patched = []

    def _wrap(self, fn):
        short = fn.__module__.rsplit(".", 1)[-1]

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            if self._depth:
                return fn(*args, **kwargs)
            self._depth += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[short] += time.perf_counter() - t0
                self.calls[short] += 1
                self._depth -= 1

        timed.__wrapped_kernel__ = fn
        return timed

    def install(self) -> KernelTimer:
        import agriremed  # noqa: F401  (loads the package's modules)
        import agriremed.models as models
        import pkgutil
        import importlib

        for info in pkgutil.iter_modules(models.__path__):
            importlib.import_module(f"agriremed.models.{info.name}")
        wrappers = {}
        for name, mod in list(sys.modules.items()):
            if not name.startswith("agriremed.") or mod is None:
                continue
            for attr, value in list(vars(mod).items()):
                if not inspect.isfunction(value) or not value.__module__.startswith("agriremed.models."):
                    continue
                if value not in wrappers:
                    wrappers[value] = self._wrap(value)
                self._patched.append((mod, attr, value))
                setattr(mod, attr, wrappers[value])
        return self

    def restore(self) -> None:
        for mod, attr, value in reversed(self._patched):
            setattr(mod, attr, value)
        self._patched.clear()


def measure(n: int, draws: int, chunk: int = 5_000) -> list[dict]:
    """Plan ``n`` synthetic plots (``draws`` Monte Carlo draws) in chunks of ``chunk`` with the
    kernels timed; one row per kernel module and a total row."""
    import agriremed
    from agriremed.core.tables import load_tables
    from agriremed.io.synthetic import synthetic_plots

    tables = load_tables()
    plots = synthetic_plots(n, seed=1)
    scenario = agriremed.Scenario(mc_draws=draws)
    agriremed.plan(plots.head(20), scenario, tables=tables, progress=False)  # warm-up: imports, lookups
    timer = KernelTimer().install()
    try:
        t0 = time.perf_counter()
        for start in range(0, n, chunk):
            agriremed.plan(plots.iloc[start:start + chunk], scenario, tables=tables, progress=False,
                           text_rows="recommended", detail=False)
        plan_s = time.perf_counter() - t0
    finally:
        timer.restore()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    base = {"plots": n, "draws": draws, "plan_s": plan_s, "load_avg_1min": load, "nproc": os.cpu_count(),
            "date": _dt.date.today().isoformat(), "agriremed_version": agriremed.__version__}
    rows = [{**base, "module": m, "calls": timer.calls[m], "kernel_s": s, "share": s / plan_s,
             "ratio": plan_s / s if s else float("inf")} for m, s in timer.seconds.most_common()]
    total = sum(timer.seconds.values())
    rows.append({**base, "module": "all kernels", "calls": sum(timer.calls.values()), "kernel_s": total,
                 "share": total / plan_s, "ratio": plan_s / total if total else float("inf")})
    return rows


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plots", type=int, nargs="*", default=[10_000], help="synthetic plots per run")
    ap.add_argument("--draws", type=int, nargs="*", default=[0], help="Monte Carlo draws per run")
    ap.add_argument("--chunk-size", type=int, default=5_000, help="plots planned per call")
    ap.add_argument("--out", type=Path, default=HERE, help="folder of results_kernels.csv")
    args = ap.parse_args(argv)
    rows = []
    for n in args.plots:
        for d in args.draws:
            got = measure(n, d, args.chunk_size)
            rows += got
            tot = got[-1]
            print(f"{n:,} plots, {d} draws: plan {tot['plan_s']:.2f} s, kernels {tot['kernel_s']:.2f} s "
                  f"({tot['calls']:,} calls) → whole plan / kernels = {tot['ratio']:.1f}×", flush=True)
            for r in got[:-1]:
                print(f"    {r['module']:<10} {r['kernel_s']:7.3f} s  {r['calls']:6,} calls  "
                      f"{100 * r['share']:5.1f} % of the plan", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "results_kernels.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return rows


if __name__ == "__main__":
    main()
