"""Where the time of ``agriremed plan FILE --out DIR --draws 0 --quiet`` goes (python bench/bench_outputs.py).

Runs the command in this interpreter on ``--plots`` synthetic plots
(:func:`agriremed.io.synthetic.synthetic_plots`, written to a CSV file first) and times, by
wrapping the functions the chunked run calls (:func:`agriremed.engine.stream.plan_stream`):

* ``validate`` — :func:`agriremed.io.validate.validate_plots` of each chunk;
* ``planning`` — :func:`agriremed.engine.plan.plan` of each chunk (validation excluded);
* ``soft_reuse`` — :func:`agriremed.stages.softreuse.reuse_for_plan` of each chunk;
* ``csv`` — :func:`agriremed.io.outputs.csv_text` of the plan, summary and soft re-use tables, and
  the rejected rows and problems;
* ``workbook`` — :class:`agriremed.io.workbook.StreamWorkbook` (``add`` per chunk, ``write``);
* ``report`` — :class:`agriremed.io.report.StreamReport` (``add`` per chunk, ``write``);
* ``total`` — the whole command (:func:`agriremed.apps.cli.main`); ``other`` is the rest.

Wall-clock times [s] of one run; the machine may be shared (the load is printed). Inputs of
more plots than the command plans in one go are planned in chunks (the default command);
smaller ones in one plan, whose writers are not split here (``--chunk-size`` forces chunks).
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

PHASES = ("validate", "planning", "soft_reuse", "csv", "workbook", "report")


def _wrap(owner, name: str, phase: str, times: Counter, inner: dict, calls: Counter) -> None:
    """Time ``owner.name`` into ``times[phase]`` and count its calls in ``calls[phase]`` (a call
    made inside another timed call is taken off the outer one, so the phases do not overlap)."""
    f = getattr(owner, name)

    @functools.wraps(f)
    def timed(*args, **kwargs):
        calls[phase] += 1
        t = time.perf_counter()
        inner["depth"] = inner.get("depth", 0) + 1
        start_inner = inner.get("spent", 0.0)
        try:
            return f(*args, **kwargs)
        finally:
            inner["depth"] -= 1
            dt = time.perf_counter() - t
            own = dt - (inner.get("spent", 0.0) - start_inner)
            times[phase] += own
            inner["spent"] = inner.get("spent", 0.0) + own

    setattr(owner, name, timed)


def measure(n_plots: int, seed: int = 1, chunk_size: int | None = None, workdir: str | Path | None = None) -> dict:
    """Run the deterministic plan command on ``n_plots`` synthetic plots and split its time.

    Returns
    -------
    dict
        ``plots``, the time of each of :data:`PHASES`, ``other`` and ``total`` [s], ``plots_per_s``
        and ``calls`` (how many times each phase's functions were called).
    """
    import agriremed.engine.stream as stream
    from agriremed.apps import cli
    from agriremed.io import report, workbook
    from agriremed.io.synthetic import synthetic_plots

    times: Counter = Counter()
    calls: Counter = Counter()
    inner: dict = {}
    saved = {(o, a): getattr(o, a) for o, a in (
        (stream, "validate_plots"), (stream, "plan"), (stream, "reuse_for_plan"), (stream, "csv_text"),
        (stream, "write_csv"), (workbook.StreamWorkbook, "add"), (workbook.StreamWorkbook, "write"),
        (report.StreamReport, "add"), (report.StreamReport, "write"))}
    for (owner, name), phase in zip(saved, ("validate", "planning", "soft_reuse", "csv", "csv", "workbook",
                                            "workbook", "report", "report"), strict=True):
        _wrap(owner, name, phase, times, inner, calls)
    try:
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            src = Path(tmp) / "plots.csv"
            synthetic_plots(n_plots, seed=seed).to_csv(src, index=False)
            argv = ["plan", str(src), "--out", str(Path(tmp) / "out"), "--draws", "0", "--quiet"]
            if chunk_size is not None:
                argv += ["--chunk-size", str(chunk_size), "--format", "csv"]
            t0 = time.perf_counter()
            rc = cli.main(argv)
            total = time.perf_counter() - t0
    finally:
        for (owner, name), f in saved.items():
            setattr(owner, name, f)
    if rc != 0:
        raise RuntimeError(f"agriremed plan exited with {rc}")
    out = {"plots": n_plots, **{p: times[p] for p in PHASES}}
    out["other"] = total - sum(times[p] for p in PHASES)
    out["total"] = total
    out["plots_per_s"] = n_plots / total
    out["calls"] = {p: calls[p] for p in PHASES}
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plots", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk-size", type=int)
    a = ap.parse_args(argv)
    os.environ.setdefault("TQDM_DISABLE", "1")
    r = measure(a.plots, a.seed, a.chunk_size)
    print(f"{a.plots:,} plots, load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for k in (*PHASES, "other", "total"):
        print(f"{k:12s} {r[k]:8.1f} s")
    print(f"{r['plots_per_s']:,.0f} plots/s")


if __name__ == "__main__":
    main()
