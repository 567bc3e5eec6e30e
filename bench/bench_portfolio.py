"""Portfolio-scale benchmark of the planner (run: python bench/bench_portfolio.py).

Prints, from one run on this machine:

1. **Throughput and peak memory** — plots/second of the deterministic plan (all options,
   ``mc_draws=0``) for each size of ``--sizes``, each size in a fresh Python process so
   that its peak resident memory (``ru_maxrss``) is its own. Plots come from
   :func:`agriremed.io.synthetic.synthetic_plots`; they are generated before the clock
   starts and planned in chunks of ``--chunk-size`` plots, keeping only the per-plot
   summary (the plot × option table of 10⁶ plots does not fit in memory). The planner
   is :func:`agriremed.engine.stream.plan_stream` when that module is importable, otherwise a
   loop of :func:`agriremed.plan` over the chunks (``--engine`` forces either).
2. **Per-row loop** — the whole plan called one plot at a time on the first
   ``--per-row-plots`` plots of a ``--ratio-plots`` subset (extrapolated to the subset:
   one plot costs a sizeable fraction of a second), against one vectorised call on the
   whole subset; the loop's summaries are checked against the vectorised ones.
3. **Stage level, on the whole subset** — the deterministic years-to-target arithmetic of
   the duration engine (:mod:`duration_kernel`): agriremed's vectorised functions, the
   same functions called once per plot, and a bare-numpy kernel of the same arithmetic
   (the practical limit of numpy for this work); all three are checked against
   :func:`agriremed.stages.duration.estimate_duration` to 1e-9.
4. **Monte Carlo** — one plot planned with ``--mc-draws`` draws, and deterministically.

Writes to ``--out``: ``scaling.csv`` (one row per size), ``comparisons.csv`` (ratios
and Monte Carlo), ``results.json`` (everything, with the machine) and ``scaling.html``
(time against plots, log–log; plotly.js embedded, opens offline; also ``scaling.png``
when kaleido is installed).

The targets of the portfolio-scale issue are printed beside the measurements; the
script reports what it measures and never fails on a missed target.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # duration_kernel sits beside this script
    sys.path.insert(0, str(HERE))

import agriremed  # noqa: E402
from agriremed.io.synthetic import synthetic_plots  # noqa: E402

import duration_kernel as K  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_CHUNK = 5_000  # fits the default memory budget of plan_stream (agriremed.engine.stream.check_draws)
DEFAULT_OUT = HERE / "results"
#: Seed of the synthetic portfolio (every size is a prefix-free draw with this seed).
PORTFOLIO_SEED = 0
#: Plots of the subset on which the loop ratios are measured.
RATIO_PLOTS = 10_000
#: Plots actually run through the whole-plan per-row loop (the rest is extrapolated).
PER_ROW_PLOTS = 50
#: Draws of the one-plot Monte Carlo run, and its seed.
MC_DRAWS = 10_000
MC_SEED = 1
#: Repeats of each short measurement (the best or the median is kept, as printed).
REPEAT = 3
#: Extra repeats of the millisecond-scale stage measurements (their best is kept).
STAGE_REPEAT_FACTOR = 5
#: ru_maxrss is in KiB on Linux (bytes on macOS).
RSS_UNIT_BYTES = 1 if sys.platform == "darwin" else 1024
MB = 1024.0 ** 2

#: Targets of the portfolio-scale issue (2-core machine).
TARGET_SECONDS_1E6 = 20.0
TARGET_PEAK_MB_1E6 = 4096.0
TARGET_LOOP_RATIO = 100.0
TARGET_KERNEL_RATIO = 5.0
TARGET_MC_SECONDS = 1.0
TARGET_SIZE = 1_000_000


# ----------------------------------------------------------------------------- planning
def planner(engine: str = "auto"):
    """The portfolio planner and its name.

    Parameters
    ----------
    engine : {"auto", "stream", "chunks"}
        ``stream``: :func:`agriremed.engine.stream.plan_stream`; ``chunks``: the loop of
        :func:`agriremed.plan` in :func:`plan_in_chunks`; ``auto``: ``stream`` when importable.

    Returns
    -------
    tuple of (callable, str)
        ``fn(plots, scenario, chunk_size)`` → ``(summary, n_planned)``, and the engine name.
    """
    if engine in ("auto", "stream"):
        try:
            from agriremed.engine.stream import plan_stream
        except ImportError:
            if engine == "stream":
                raise
        else:
            def run(plots, scenario, chunk_size):
                res = plan_stream(plots, scenario, chunk_size=chunk_size, progress=False)
                return res.summary, int(res.n_planned)
            return run, "agriremed.engine.stream.plan_stream"
    return plan_in_chunks, "agriremed.plan over chunks"


def plan_in_chunks(plots: pd.DataFrame, scenario, chunk_size: int) -> tuple[pd.DataFrame, int]:
    """Plan ``plots`` ``chunk_size`` rows at a time, keeping only the summary.

    Parameters
    ----------
    plots : pandas.DataFrame
        Plot table.
    scenario : agriremed.Scenario
        Scenario of every chunk.
    chunk_size : int
        Plots per call of :func:`agriremed.plan`.

    Returns
    -------
    summary : pandas.DataFrame
        The per-plot summaries, in input order, ``input_row`` counted over the whole table.
    n_planned : int
        Plots planned.
    """
    parts = []
    for start in range(0, len(plots), chunk_size):
        chunk = plots.iloc[start:start + chunk_size]
        s = agriremed.plan(chunk, scenario, progress=False, detail=False).summary
        if "input_row" in s:
            s["input_row"] = s["input_row"].to_numpy() + start
        parts.append(s)
    summary = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return summary, len(summary)


def load_average() -> float:
    """System load averaged over the last minute (NaN where the platform has none).

    A value above the CPU count means other processes shared the CPUs during the measurement.
    """
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float("nan")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far [MiB]."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * RSS_UNIT_BYTES / MB


def run_size(n: int, chunk_size: int, engine: str = "auto", seed: int = PORTFOLIO_SEED) -> dict:
    """Generate and plan ``n`` synthetic plots in this process (call it in a fresh one).

    Parameters
    ----------
    n : int
        Plots.
    chunk_size : int
        Plots per chunk.
    engine : str
        See :func:`planner`.
    seed : int
        Seed of :func:`agriremed.io.synthetic.synthetic_plots`.

    Returns
    -------
    dict
        ``plots``, ``n_planned``, ``engine``, ``chunk_size``, ``generate_s`` (synthetic
        table), ``plan_s`` (planning only), ``plots_per_s``, ``rss_before_plan_mb``
        (peak after imports and generation), ``peak_rss_mb`` (peak of the process) and
        ``load_avg_1min`` (system load at the end, see :func:`load_average`).
    """
    fn, name = planner(engine)
    scenario = agriremed.Scenario(mc_draws=0)
    t0 = time.perf_counter()
    plots = synthetic_plots(n, seed=seed)
    gen = time.perf_counter() - t0
    before = peak_rss_mb()
    t0 = time.perf_counter()
    summary, n_planned = fn(plots, scenario, chunk_size)
    dt = time.perf_counter() - t0
    return dict(plots=n, n_planned=n_planned, engine=name, chunk_size=chunk_size, generate_s=gen, plan_s=dt,
                plots_per_s=n / dt if dt > 0 else float("nan"), rss_before_plan_mb=before,
                peak_rss_mb=peak_rss_mb(), recommended_options=int(summary["recommended_option"].nunique()),
                load_avg_1min=load_average())


def run_size_in_subprocess(n: int, chunk_size: int, engine: str) -> dict:
    """:func:`run_size` in a fresh interpreter (so that the peak memory is this size's)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(n), "--chunk-size", str(chunk_size),
           "--engine", engine]
    done = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy(), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"size {n} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- ratios
def per_row_comparison(plots: pd.DataFrame, n_loop: int, repeat: int = 1) -> tuple[dict, object]:
    """Whole plan one plot at a time against one vectorised call.

    Parameters
    ----------
    plots : pandas.DataFrame
        The subset (all of it is planned vectorised).
    n_loop : int
        Plots planned one at a time (the first ones); the loop time for the subset is
        extrapolated from them.
    repeat : int
        Vectorised runs (the shortest counts).

    Returns
    -------
    result : dict
        Timings, ratio and whether the loop's summaries equal the vectorised ones.
    plan : agriremed.engine.plan.Plan
        The vectorised plan of the subset (reused by the stage comparison).
    """
    scenario = agriremed.Scenario(mc_draws=0)
    agriremed.plan(plots.iloc[:1], scenario, progress=False, detail=False)  # tables loaded, caches warm
    vec_s, p = K.best_of(lambda: agriremed.plan(plots, scenario, progress=False, detail=False), repeat)
    n_loop = min(n_loop, len(plots))
    t0 = time.perf_counter()
    rows = [agriremed.plan(plots.iloc[[i]], scenario, progress=False, detail=False).summary
            for i in range(n_loop)]
    loop_s = time.perf_counter() - t0
    loop = pd.concat(rows, ignore_index=True).drop(columns="input_row", errors="ignore")
    vec = p.summary.iloc[:n_loop].reset_index(drop=True).drop(columns="input_row", errors="ignore")
    same = bool(loop.equals(vec))
    per_plot_loop = loop_s / n_loop
    per_plot_vec = vec_s / len(plots)
    return dict(subset_plots=len(plots), loop_plots=n_loop, loop_s=loop_s, loop_s_per_plot=per_plot_loop,
                loop_s_extrapolated=per_plot_loop * len(plots), vectorised_s=vec_s,
                vectorised_s_per_plot=per_plot_vec, ratio=per_plot_loop / per_plot_vec,
                summaries_identical=same), p


def stage_comparison(p, repeat: int = REPEAT) -> dict:
    """Years to target on every removal row of plan ``p``: vectorised, per plot, bare numpy.

    Parameters
    ----------
    p : agriremed.engine.plan.Plan
        Deterministic plan of the subset.
    repeat : int
        Runs of the vectorised and bare-numpy versions (the shortest counts); the loop runs once.

    Returns
    -------
    dict
        Rows, plots, seconds of each method, the stage function
        :func:`agriremed.stages.duration.estimate_duration` for context, ratios and the largest
        relative difference of each method from the stage.
    """
    x, removal = K.duration_inputs(p)
    agreement = K.check_agreement(x, removal, p)
    vec_s, _ = K.best_of(lambda: K.agriremed_years(x), repeat)
    bare_s, _ = K.best_of(lambda: K.bare_kernel(x), repeat)
    loop_s, _ = K.best_of(lambda: K.per_plot_loop(x), 1)
    stage_s, _ = K.best_of(lambda: K.duration.estimate_duration(
        p.options, p.plots, p.soil, p.biomass, p.tables, horizon_yr=p.scenario.horizon_yr, targets=p.targets,
        removal=removal), repeat)
    return dict(rows=len(x), plots=x.n_plots, agriremed_s=vec_s, per_plot_loop_s=loop_s, bare_numpy_s=bare_s,
                estimate_duration_s=stage_s, loop_ratio=loop_s / vec_s, kernel_ratio=vec_s / bare_s,
                estimate_duration_kernel_ratio=stage_s / bare_s,
                max_rel_diff={k: v for k, v in agreement.items()})


def monte_carlo_cost(plot: pd.DataFrame, draws: int = MC_DRAWS, seed: int = MC_SEED,
                     repeat: int = REPEAT) -> dict:
    """Whole plan of one plot with ``draws`` Monte Carlo draws and without.

    Parameters
    ----------
    plot : pandas.DataFrame
        One plot.
    draws : int
        Monte Carlo draws.
    seed : int
        Seed of the draws.
    repeat : int
        Runs of each (the median counts).

    Returns
    -------
    dict
        ``draws``, ``deterministic_s``, ``monte_carlo_s``, their difference ``draws_s`` and
        the summary's ``years_p50`` of the Monte Carlo run.
    """
    det = agriremed.Scenario(mc_draws=0, seed=seed)
    mc = agriremed.Scenario(mc_draws=draws, seed=seed)
    agriremed.plan(plot, det, progress=False)  # tables loaded, caches warm
    times = {}
    for name, sc in (("deterministic_s", det), ("monte_carlo_s", mc)):
        runs = []
        for _ in range(max(repeat, 1)):
            t0 = time.perf_counter()
            res = agriremed.plan(plot, sc, progress=False)
            runs.append(time.perf_counter() - t0)
        times[name] = statistics.median(runs)
    return dict(plot_id=str(plot["plot_id"].iloc[0]), draws=draws, **times,
                draws_s=times["monte_carlo_s"] - times["deterministic_s"],
                options_applicable=int(res.table["applicable"].sum()),
                years_p50=float(res.summary["years_p50"].iloc[0]))


def busiest_plot(p) -> pd.DataFrame:
    """The input row of the plot of ``p`` with the most applicable options (Monte Carlo workload)."""
    counts = p.table.groupby("plot_id", sort=False)["applicable"].sum()
    pid = counts.idxmax()
    return p.plots.loc[p.plots["plot_id"] == pid].reset_index(drop=True)


# ----------------------------------------------------------------------------- output
def machine() -> dict:
    """Machine and software of this run."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    model = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), model)
    except OSError:
        pass
    return dict(date=_dt.datetime.now().astimezone().isoformat(timespec="seconds"), nproc=cpus, cpu=model,
                platform=platform.platform(), python=platform.python_version(), numpy=np.__version__,
                pandas=pd.__version__, agriremed=agriremed.__version__, load_avg_1min=load_average())


def write_scaling_plot(rows: list[dict], path: Path, info: dict) -> list[Path]:
    """Time against plots, log–log, as an offline HTML file (and PNG when kaleido is installed).

    Parameters
    ----------
    rows : list of dict
        Results of :func:`run_size`.
    path : Path
        HTML file to write.
    info : dict
        :func:`machine` (for the title).

    Returns
    -------
    list of Path
        Files written.
    """
    import plotly.graph_objects as go

    rows = sorted(rows, key=lambda r: r["plots"])
    n = np.array([r["plots"] for r in rows], float)
    t = np.array([r["plan_s"] for r in rows], float)
    fig = go.Figure()
    fig.add_scatter(x=n, y=t, mode="lines+markers", name="measured (plan only)",
                    customdata=np.array([[r["plots_per_s"], r["peak_rss_mb"]] for r in rows]),
                    hovertemplate="%{x:,} plots: %{y:.1f} s<br>%{customdata[0]:,.0f} plots/s"
                                  "<br>peak %{customdata[1]:,.0f} MB<extra></extra>")
    if len(n):
        ref = np.array([n[0], max(n[-1], TARGET_SIZE)])
        fig.add_scatter(x=ref, y=t[0] * ref / n[0], mode="lines", line=dict(dash="dot"),
                        name="linear scaling from smallest size")
    fig.add_scatter(x=[TARGET_SIZE], y=[TARGET_SECONDS_1E6], mode="markers",
                    marker=dict(symbol="star", size=14),
                    name=f"target: {TARGET_SIZE:,} plots in {TARGET_SECONDS_1E6:.0f} s")
    fig.update_xaxes(type="log", title="plots")
    fig.update_yaxes(type="log", title="wall time [s]")
    fig.update_layout(title=f"agriremed {info['agriremed']}: deterministic plan, all options — "
                            f"{info['nproc']} CPU, Python {info['python']}, {info['date'][:10]}",
                      template="plotly_white")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    written = [path]
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return written
    png = path.with_suffix(".png")
    fig.write_image(png)
    return written + [png]


def _write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


SCALING_HEADER = (f"{'plots':>10s} {'plan s':>9s} {'plots/s':>10s} {'peak MB':>9s} {'gen s':>7s} "
                  f"{'load':>6s}  engine (chunk)")


def scaling_line(r: dict) -> str:
    """One row of the throughput table."""
    return (f"{r['plots']:>10,d} {r['plan_s']:9.2f} {r['plots_per_s']:10,.0f} {r['peak_rss_mb']:9,.0f} "
            f"{r['generate_s']:7.2f} {r.get('load_avg_1min', float('nan')):6.1f}  "
            f"{r['engine']} ({r['chunk_size']:,})")


def target_lines(rows: list[dict]) -> list[str]:
    """The 10⁶-plot targets against the measurement (or a linear extrapolation when not run)."""
    big = [r for r in rows if r["plots"] == TARGET_SIZE]
    out = [f"  {TARGET_SIZE:,} plots: {r['plan_s']:.1f} s (target ≤ {TARGET_SECONDS_1E6:.0f} s, "
           f"{_verdict(r['plan_s'] <= TARGET_SECONDS_1E6)}), peak {r['peak_rss_mb']:,.0f} MB "
           f"(target ≤ {TARGET_PEAK_MB_1E6:,.0f} MB, {_verdict(r['peak_rss_mb'] <= TARGET_PEAK_MB_1E6)})"
           for r in big]
    if rows and not big:
        r = max(rows, key=lambda r: r["plots"])
        out.append(f"  {TARGET_SIZE:,} plots not run; at {r['plots_per_s']:,.0f} plots/s they would take "
                   f"≈ {TARGET_SIZE / r['plots_per_s']:,.0f} s (linear extrapolation; target ≤ "
                   f"{TARGET_SECONDS_1E6:.0f} s)")
    return out


def print_ratios(row: dict | None, stage: dict | None, mc: dict | None) -> None:
    """Print the per-row, bare-numpy and Monte Carlo comparisons."""
    if row:
        print(f"\nWhole plan, per-row loop vs vectorised ({row['subset_plots']:,}-plot subset):")
        print(f"  vectorised: {row['vectorised_s']:.2f} s = {1e3 * row['vectorised_s_per_plot']:.3f} ms/plot")
        print(f"  loop: {row['loop_plots']} plots one at a time in {row['loop_s']:.1f} s = "
              f"{1e3 * row['loop_s_per_plot']:.0f} ms/plot → {row['loop_s_extrapolated']:,.0f} s "
              f"for the subset (extrapolated)")
        print(f"  ratio {row['ratio']:,.0f}× (target ≥ {TARGET_LOOP_RATIO:.0f}×, "
              f"{_verdict(row['ratio'] >= TARGET_LOOP_RATIO)}); loop summaries identical to vectorised: "
              f"{'yes' if row['summaries_identical'] else 'NO'}")
    if stage:
        print(f"\nStage level: deterministic years to target, {stage['rows']:,} plot × removal option × "
              f"metal rows of {stage['plots']:,} plots")
        print("  (all three agree with agriremed.stages.duration.estimate_duration to 1e-9)")
        print(f"  agriremed vectorised functions   {1e3 * stage['agriremed_s']:9.2f} ms")
        print(f"  same functions, once per plot    {1e3 * stage['per_plot_loop_s']:9.2f} ms  "
              f"→ vectorised is {stage['loop_ratio']:,.0f}× faster (target ≥ {TARGET_LOOP_RATIO:.0f}×, "
              f"{_verdict(stage['loop_ratio'] >= TARGET_LOOP_RATIO)})")
        print(f"  bare-numpy kernel                {1e3 * stage['bare_numpy_s']:9.2f} ms  "
              f"→ agriremed is {stage['kernel_ratio']:.1f}× the kernel "
              f"(target ≤ {TARGET_KERNEL_RATIO:.0f}×, "
              f"{_verdict(stage['kernel_ratio'] <= TARGET_KERNEL_RATIO)})")
        print(f"  for context: estimate_duration   {1e3 * stage['estimate_duration_s']:9.2f} ms  "
              f"(the stage as the plan calls it: also horizon removal, per-metal and per-option tables; "
              f"{stage['estimate_duration_kernel_ratio']:.0f}× the kernel, not the same work)")
    if mc:
        print(f"\nMonte Carlo, one plot ({mc['plot_id']}, {mc['options_applicable']} applicable options), "
              f"whole plan, median of runs:")
        print(f"  deterministic {mc['deterministic_s']:.3f} s; "
              f"{mc['draws']:,} draws {mc['monte_carlo_s']:.3f} s "
              f"(draws add {mc['draws_s']:.3f} s; target ≤ {TARGET_MC_SECONDS:.0f} s, "
              f"{_verdict(mc['monte_carlo_s'] <= TARGET_MC_SECONDS)})")


def comparison_rows(row: dict | None, stage: dict | None, mc: dict | None) -> list[dict]:
    """The comparisons as ``metric, value, unit, target, note`` rows (``comparisons.csv``)."""
    out = []

    def add(metric, value, unit, target, note):
        out.append(dict(metric=metric, value=value, unit=unit, target=target, note=note))

    if row:
        add("plan_vectorised_s_per_plot", row["vectorised_s_per_plot"], "s", "",
            f"one call on {row['subset_plots']} plots")
        add("plan_loop_s_per_plot", row["loop_s_per_plot"], "s", "",
            f"{row['loop_plots']} plots one at a time")
        add("plan_loop_ratio", row["ratio"], "x", f">= {TARGET_LOOP_RATIO:g}",
            f"loop extrapolated from {row['loop_plots']} plots; "
            f"summaries identical: {row['summaries_identical']}")
    if stage:
        add("stage_agriremed_s", stage["agriremed_s"], "s", "", f"years to target, {stage['rows']} rows")
        add("stage_loop_s", stage["per_plot_loop_s"], "s", "", f"once per plot, {stage['plots']} plots")
        add("stage_bare_numpy_s", stage["bare_numpy_s"], "s", "", "bare-numpy kernel")
        add("stage_estimate_duration_s", stage["estimate_duration_s"], "s", "", "whole stage, more work")
        add("stage_loop_ratio", stage["loop_ratio"], "x", f">= {TARGET_LOOP_RATIO:g}", "loop / vectorised")
        add("stage_kernel_ratio", stage["kernel_ratio"], "x", f"<= {TARGET_KERNEL_RATIO:g}",
            "agriremed / bare numpy")
    if mc:
        add("mc_deterministic_s", mc["deterministic_s"], "s", "", f"one plot ({mc['plot_id']})")
        add("mc_monte_carlo_s", mc["monte_carlo_s"], "s", f"<= {TARGET_MC_SECONDS:g}", f"{mc['draws']} draws")
    return out


# ----------------------------------------------------------------------------- main
def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES),
                    help="portfolio sizes [plots]")
    ap.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK, help="plots per chunk")
    ap.add_argument("--engine", choices=("auto", "stream", "chunks"), default="auto",
                    help="plan_stream, the chunk loop, or plan_stream when importable")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for CSV, JSON and the figure")
    ap.add_argument("--ratio-plots", type=int, default=RATIO_PLOTS,
                    help="subset for the loop ratios (0: skip)")
    ap.add_argument("--per-row-plots", type=int, default=PER_ROW_PLOTS,
                    help="plots of the subset run through the whole-plan loop")
    ap.add_argument("--mc-draws", type=int, default=MC_DRAWS, help="Monte Carlo draws for one plot (0: skip)")
    ap.add_argument("--repeat", type=int, default=REPEAT, help="repeats of short measurements")
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv=None) -> dict:
    """Run the benchmark; returns everything it printed and wrote (see the module docstring)."""
    a = parse_args(argv)
    if a.child is not None:  # one size, in the fresh process started by run_size_in_subprocess
        print(json.dumps(run_size(a.child, a.chunk_size, a.engine)))
        return {}
    info = machine()
    _, engine_name = planner(a.engine)
    print(f"agriremed {info['agriremed']} — portfolio benchmark, {info['date']}")
    print(f"{info['nproc']} CPU ({info['cpu']}), Python {info['python']}, numpy {info['numpy']}, "
          f"pandas {info['pandas']}; planner: {engine_name}; load average {info['load_avg_1min']:.1f}\n")
    print("Deterministic plan, all options (mc_draws=0), each size in a fresh process:")
    print(SCALING_HEADER)
    rows = []
    for n in a.sizes:
        rows.append(run_size_in_subprocess(n, a.chunk_size, a.engine))
        print(scaling_line(rows[-1]), flush=True)
    for line in target_lines(rows):
        print(line)

    row = stage = mc = None
    p = None
    if a.ratio_plots:
        subset = synthetic_plots(a.ratio_plots, seed=PORTFOLIO_SEED)
        row, p = per_row_comparison(subset, a.per_row_plots, a.repeat)
        stage = stage_comparison(p, a.repeat * STAGE_REPEAT_FACTOR)
    if a.mc_draws:
        if p is None:
            p = agriremed.plan(synthetic_plots(max(a.per_row_plots, 1), seed=PORTFOLIO_SEED),
                               agriremed.Scenario(mc_draws=0), progress=False, detail=False)
        mc = monte_carlo_cost(busiest_plot(p), a.mc_draws, MC_SEED, a.repeat)
    print_ratios(row, stage, mc)

    a.out.mkdir(parents=True, exist_ok=True)
    files = []
    if rows:
        _write_csv(a.out / "scaling.csv", [{**r, "date": info["date"], "nproc": info["nproc"]} for r in rows])
        files += [a.out / "scaling.csv", *write_scaling_plot(rows, a.out / "scaling.html", info)]
    comp = comparison_rows(row, stage, mc)
    if comp:
        _write_csv(a.out / "comparisons.csv", comp)
        files.append(a.out / "comparisons.csv")
    result = dict(machine=info, scaling=rows, per_row=row, stage=stage, monte_carlo=mc)
    (a.out / "results.json").write_text(json.dumps(result, indent=2, default=float) + "\n", encoding="utf-8")
    files.append(a.out / "results.json")
    print("\nwrote " + ", ".join(str(f) for f in files))
    return result


if __name__ == "__main__":
    main()
