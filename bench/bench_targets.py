"""The performance targets of the portfolio-scale issue, measured in one run (python bench/bench_targets.py).

Builds on the other scripts of ``bench/`` rather than repeating them: each command-line
measurement is ``bench/bench_memory.py`` (the default ``agriremed plan FILE --out DIR
--quiet`` command in a child process, wall time and the child's own peak resident memory,
``VmHWM``) run in a fresh interpreter per size.

(a) **Deterministic portfolio** — ``agriremed plan FILE --draws 0`` on ``--det-sizes``
    synthetic plots (:func:`agriremed.io.synthetic.synthetic_plots`): every option of every
    plot is evaluated; the summary, the plan rows of each plot's recommended option (the
    default of a chunked run), report.html, plan.xlsx and the soft re-use tables are written. Time, plots/s and peak memory per size; 10⁶ plots is *extrapolated*
    (time linear in the plots from the largest size; memory is set by the chunk size, so
    the largest size's peak) and labelled ``estimate``.
    ``--portfolio-sizes`` adds the planning alone for comparison: ``bench/bench_portfolio.py``'s
    :func:`run_size` in a fresh interpreter (:func:`agriremed.engine.stream.plan_stream` in chunks,
    every option evaluated, the summary with each plot's recommended option kept in memory,
    nothing written).
(b) **Default command** — ``agriremed plan FILE`` with the scenario's default draws on
    ``--mc-plots`` plots: plots/s and peak memory.
(c) **One-plot latency** — :func:`agriremed.plan` of one sample plot with the default
    scenario (``--latency-repeat`` calls after one warm-up, median in ms) with the tables
    loaded once: the same seed every call (the draw caches are warm, as in the dashboards)
    and a new seed every call (every parameter drawn again); also deterministic.
(d) **Engine against its kernels** — ``bench/bench_kernels.py`` in a fresh interpreter: the
    whole plan of ``--kernel-plots`` synthetic plots against the time spent inside the
    ``agriremed.models`` kernels during that plan (deterministic, and with the default draws
    on a tenth of the plots), the stand-in for "within 3× of a bare-numpy kernel of the
    whole pipeline" (see that script for what the ratio does and does not mean).

Writes ``results_targets.csv`` (one row per measurement, with the system load and CPU
count: the machine may be shared, which slows the times but not the memory) and
``results_targets.md`` (the table for the README's benchmark section) to ``--out``.
Reports what it measures and never fails on a missed target.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data" / "samples" / "plots.csv"
DEFAULT_DET_SIZES = (10_000, 100_000)
DEFAULT_PORTFOLIO_SIZES = (10_000, 100_000)
#: Plots per chunk of the planning-only runs (the most a 2 500 MB budget allows deterministically
#: is about 7 000: :func:`agriremed.engine.stream.memory_estimate_mb`).
PORTFOLIO_CHUNK = 5_000
#: Plots of the default-command row (b): enough to be planned in chunks, as 200 000 plots are.
DEFAULT_MC_PLOTS = 10_000
LATENCY_REPEAT = 20
DEFAULT_KERNEL_PLOTS = 10_000
#: Size of the extrapolated deterministic portfolio (target of the issue: ≤ 20 s, ≤ 4 096 MB).
TARGET_SIZE = 1_000_000
FIELDS = ("target", "measurement", "plots", "draws", "seconds", "plots_per_s", "latency_ms", "peak_mb",
          "rows_written", "kind", "load_avg_1min", "nproc", "date", "agriremed_version", "note")


def load_average() -> float:
    """System load averaged over the last minute (NaN where the platform has none)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float("nan")


def command_run(n: int, draws: int | None, workdir: Path) -> dict:
    """``bench_memory.py --plots n [--draws d]`` in a fresh interpreter; its ``memory.json`` plus counts.

    Returns
    -------
    dict
        ``seconds`` (the plan command only), ``peak_mb`` (the largest resident memory of the
        command and its worker processes together, sampled; else the command's own ``VmHWM``,
        else its ``ru_maxrss``), ``exit_code``, ``summary_rows`` and ``recommended_rows`` (rows of
        the written summary and those naming a recommended option), ``load_avg_1min``.
    """
    out = workdir / f"plots_{n}_draws_{'default' if draws is None else draws}"
    cmd = [sys.executable, str(HERE / "bench_memory.py"), "--plots", str(n), "--out", str(out),
           *(["--draws", str(draws)] if draws is not None else [])]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    load = load_average()
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    res = json.loads((out / "memory.json").read_text(encoding="utf-8"))
    if res.get("exit_code") != 0:
        raise RuntimeError(f"agriremed plan exited {res.get('exit_code')}: {res.get('stderr_tail')}")
    summary = _read_summary(out / "plan")
    return {"seconds": res["seconds"],
            "peak_mb": res.get("tree_peak_mb") or res.get("hwm_mb") or res["peak_rss_mb"],
            "summary_rows": len(summary),
            "recommended_rows": int(summary["recommended_option"].notna().sum()) if len(summary) else 0,
            "load_avg_1min": load}


def _read_summary(folder: Path) -> pd.DataFrame:
    """The summary the command wrote (Parquet or CSV)."""
    if (folder / "summary.parquet").exists():
        return pd.read_parquet(folder / "summary.parquet", columns=["plot_id", "recommended_option"])
    return pd.read_csv(folder / "summary.csv", usecols=["plot_id", "recommended_option"])


def latency(repeat: int = LATENCY_REPEAT) -> list[dict]:
    """Median wall time of a one-plot :func:`agriremed.plan` [ms] in three settings."""
    import agriremed
    from agriremed.core.tables import load_tables

    tables = load_tables()
    plot = pd.read_csv(SAMPLE).iloc[:1]
    default = agriremed.Scenario()
    rows = []
    settings = (("default scenario, same seed (draw caches warm)", lambda i: default),
                ("default scenario, new seed each call (all parameters drawn)",
                 lambda i: default.replace(seed=default.seed + 1 + i)),
                ("deterministic (mc_draws=0)", lambda i: default.replace(mc_draws=0)))
    for what, scenario in settings:
        agriremed.plan(plot, scenario(-1), tables=tables, progress=False)  # warm-up (imports, lookups)
        times = []
        for i in range(repeat):
            t0 = time.perf_counter()
            agriremed.plan(plot, scenario(i), tables=tables, progress=False)
            times.append((time.perf_counter() - t0) * 1e3)
        sc = scenario(0)
        rows.append({"measurement": f"one-plot plan latency: {what}", "plots": 1, "draws": sc.mc_draws,
                     "latency_ms": statistics.median(times), "kind": "measured",
                     "note": f"median of {repeat}; sampling {sc.sampling}; min {min(times):.0f} ms, "
                             f"max {max(times):.0f} ms", "load_avg_1min": load_average()})
    return rows


def command_jobs(n: int, draws: int) -> tuple[int, int]:
    """``(worker processes, plots per chunk)`` the plan command chooses for ``n`` plots with
    ``draws`` draws on this machine at the default ``--memory`` (``(1, 0)``: one plan in memory)."""
    import argparse

    from agriremed.apps import cli
    from agriremed.engine.stream import MEMORY_BUDGET_MB, chunk_size_for

    rows = n + 1  # what the command counts: the lines of the CSV, header included
    if rows <= chunk_size_for(draws, MEMORY_BUDGET_MB, detail=True):
        return 1, 0
    fitting = chunk_size_for(draws, MEMORY_BUDGET_MB)
    args = argparse.Namespace(jobs=None, chunk_size=None, memory=MEMORY_BUDGET_MB, plots="", sheet=None,
                              all_options=False)
    return cli._jobs(args, draws, fitting, fitting, rows)


def _how(n: int, draws: int) -> str:
    jobs, chunk = command_jobs(n, draws)
    if not chunk:
        return "one plan in memory"
    return f"chunks of {chunk:,} plots, {jobs} worker process{'es' if jobs > 1 else ''} (the command's choice)"


def portfolio_run(n: int) -> dict:
    """``bench_portfolio.run_size`` of ``n`` plots in a fresh interpreter (planning only, nothing written)."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import bench_portfolio

    return bench_portfolio.run_size_in_subprocess(n, PORTFOLIO_CHUNK, "auto")


def kernel_runs(n: int, workdir: Path) -> list[dict]:
    """``bench_kernels.py`` on ``n`` plots deterministically and on ``n // 10`` plots with the
    default draws, each in a fresh interpreter; rows of target (d)."""
    import agriremed

    rows = []
    for plots, draws in ((n, 0), (max(n // 10, 1), agriremed.Scenario().mc_draws)):
        out = workdir / f"kernels_{plots}_{draws}"
        cmd = [sys.executable, str(HERE / "bench_kernels.py"), "--plots", str(plots), "--draws", str(draws),
               "--chunk-size", str(min(plots, PORTFOLIO_CHUNK if draws == 0 else 1_000)), "--out", str(out)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
        with open(out / "results_kernels.csv", newline="", encoding="utf-8") as f:
            total = [r for r in csv.DictReader(f) if r["module"] == "all kernels"][0]
        plan_s, kernel_s = float(total["plan_s"]), float(total["kernel_s"])
        rows.append({"target": "d", "measurement": "whole plan (summary + recommended rows, in memory) against "
                     f"the time inside the models/ kernels during it: {plan_s / kernel_s:.1f}× "
                     f"({kernel_s:.2f} s in {int(total['calls']):,} kernel calls)", "plots": plots, "draws": draws,
                     "seconds": plan_s, "plots_per_s": plots / plan_s, "kind": "measured",
                     "load_avg_1min": float(total["load_avg_1min"]),
                     "note": "bench_kernels.py; arithmetic left in stages/ counts as engine time"})
    return rows


def measure(det_sizes, mc_plots: int, repeat: int, workdir: Path, portfolio_sizes=(),
            kernel_plots: int = 0) -> list[dict]:
    """All measurements as rows of ``results_targets.csv``."""
    import agriremed

    rows = []
    for n in portfolio_sizes:
        r = portfolio_run(n)
        rows.append({"target": "a", "measurement": "deterministic planning only (plan_stream in chunks of "
                     f"{r['chunk_size']:,}, one process), all options, summary kept, nothing written", "plots": n,
                     "draws": 0,
                     "seconds": r["plan_s"], "plots_per_s": r["plots_per_s"], "peak_mb": r["peak_rss_mb"],
                     "rows_written": "", "kind": "measured", "load_avg_1min": r["load_avg_1min"],
                     "note": f"{r['n_planned']:,} plots planned; bench_portfolio.run_size"})
        print(_line(rows[-1]), flush=True)
    for n in det_sizes:
        r = command_run(n, 0, workdir)
        rows.append({"target": "a", "measurement": "deterministic plan command, all options evaluated; summary, "
                     "recommended rows, report, workbook, soft re-use written", "plots": n, "draws": 0, "seconds": r["seconds"],
                     "plots_per_s": n / r["seconds"], "peak_mb": r["peak_mb"],
                     "rows_written": r["summary_rows"], "kind": "measured", "load_avg_1min": r["load_avg_1min"],
                     "note": f"{r['recommended_rows']:,} summary rows name a recommended option; {_how(n, 0)}"})
        print(_line(rows[-1]), flush=True)
    if det_sizes:
        big = max((r for r in rows if r["measurement"].startswith("deterministic plan command")),
                  key=lambda r: r["plots"])
        rows.append({"target": "a", "measurement": "deterministic plan command, all options evaluated (extrapolated)",
                     "plots": TARGET_SIZE, "draws": 0, "seconds": big["seconds"] * TARGET_SIZE / big["plots"],
                     "plots_per_s": big["plots_per_s"], "peak_mb": big["peak_mb"], "kind": "estimate",
                     "load_avg_1min": big["load_avg_1min"],
                     "note": f"time linear from {big['plots']:,} plots; memory set by the chunk size, "
                             f"taken from {big['plots']:,} plots; not measured"})
        print(_line(rows[-1]), flush=True)
    if mc_plots:
        draws = agriremed.Scenario().mc_draws
        r = command_run(mc_plots, None, workdir)
        rows.append({"target": "b", "measurement": "default plan command (default draws)", "plots": mc_plots,
                     "draws": draws, "seconds": r["seconds"], "plots_per_s": mc_plots / r["seconds"],
                     "peak_mb": r["peak_mb"], "rows_written": r["summary_rows"], "kind": "measured",
                     "load_avg_1min": r["load_avg_1min"],
                     "note": f"sampling {agriremed.Scenario().sampling}; {_how(mc_plots, draws)}"})
        print(_line(rows[-1]), flush=True)
    if repeat:
        for r in latency(repeat):
            rows.append({"target": "c", **r})
            print(_line(rows[-1]), flush=True)
    if kernel_plots:
        for r in kernel_runs(kernel_plots, workdir):
            rows.append(r)
            print(_line(r), flush=True)
    today, nproc = _dt.date.today().isoformat(), os.cpu_count()
    return [{**dict.fromkeys(FIELDS, ""), **r, "date": today, "nproc": nproc,
             "agriremed_version": agriremed.__version__} for r in rows]


def _parse(v: str):
    """A cell of an earlier results_targets.csv as a number where it is one."""
    for kind in (int, float):
        try:
            return kind(v)
        except ValueError:
            pass
    return v


def _line(r: dict) -> str:
    parts = [f"({r['target']}) {r['measurement']}: {r['plots']:,} plots"]
    if r.get("seconds") not in (None, ""):
        parts.append(f"{r['seconds']:,.1f} s, {r['plots_per_s']:,.0f} plots/s")
    if r.get("latency_ms") not in (None, ""):
        parts.append(f"{r['latency_ms']:,.0f} ms")
    if r.get("peak_mb") not in (None, ""):
        parts.append(f"peak {r['peak_mb']:,.0f} MB")
    return ", ".join(parts) + f" [{r['kind']}; load {r['load_avg_1min']:.1f}]"


def _num(v, fmt: str) -> str:
    return "" if v in (None, "") or (isinstance(v, float) and v != v) else format(v, fmt).replace(",", " ")


def markdown(rows: list[dict]) -> str:
    """The rows as the README's benchmark table."""
    out = ["| target | measurement | plots | draws | time [s] | plots/s | latency [ms] | peak memory [MB] "
           "| kind | load (1 min) |",
           "|---|---|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        out.append(f"| {r['target']} | {r['measurement']} | {_num(r['plots'], ',d')} | {_num(r['draws'], ',d')} "
                   f"| {_num(r['seconds'], ',.1f')} | {_num(r['plots_per_s'], ',.0f')} "
                   f"| {_num(r['latency_ms'], ',.0f')} | {_num(r['peak_mb'], ',.0f')} | {r['kind']} "
                   f"| {_num(r['load_avg_1min'], '.1f')} |")
    return "\n".join(out)


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--det-sizes", type=int, nargs="*", default=list(DEFAULT_DET_SIZES),
                    help="plots of the deterministic runs (a)")
    ap.add_argument("--portfolio-sizes", type=int, nargs="*", default=list(DEFAULT_PORTFOLIO_SIZES),
                    help="plots of the planning-only runs of bench_portfolio (a, for comparison)")
    ap.add_argument("--append", action="store_true",
                    help="add the rows to an existing results_targets.csv instead of replacing it")
    ap.add_argument("--mc-plots", type=int, default=DEFAULT_MC_PLOTS,
                    help="plots of the default-command run (b); 0 skips it")
    ap.add_argument("--latency-repeat", type=int, default=LATENCY_REPEAT,
                    help="one-plot plans per latency setting (c); 0 skips them")
    ap.add_argument("--kernel-plots", type=int, default=DEFAULT_KERNEL_PLOTS,
                    help="plots of the engine-against-kernels runs (d; a tenth with draws); 0 skips them")
    ap.add_argument("--out", type=Path, default=HERE, help="folder of the results (default bench/)")
    ap.add_argument("--workdir", type=Path, default=None,
                    help="folder for the generated tables and plan outputs (default: a temporary folder)")
    a = ap.parse_args(argv)
    workdir = a.workdir or Path(tempfile.mkdtemp(prefix="agriremed-bench-targets-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"load {load_average():.1f} on {os.cpu_count()} CPUs; outputs in {workdir}", flush=True)
    rows = measure(a.det_sizes, a.mc_plots, a.latency_repeat, workdir, a.portfolio_sizes, a.kernel_plots)
    a.out.mkdir(parents=True, exist_ok=True)
    path = a.out / "results_targets.csv"
    if a.append and path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            old = [{k: _parse(v) for k, v in r.items()} for r in csv.DictReader(f)]
        rows = sorted(old + rows, key=lambda r: str(r["target"]))  # stable: earlier rows first per target
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(FIELDS))
        w.writeheader()
        w.writerows(rows)
    md = markdown(rows)
    (a.out / "results_targets.md").write_text(md + "\n", encoding="utf-8")
    print(md)
    return rows


if __name__ == "__main__":
    main()
