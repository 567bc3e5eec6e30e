"""Precision of Latin-hypercube Monte Carlo against random sampling (run: python bench/bench_lhs.py).

Target of the portfolio-scale issue: *percentiles with LHS at 200 draws as precise as plain
sampling at 500 (measured)*. For every plot × option row of the sample plots, each Monte
Carlo output below is estimated with ``--seeds`` different scenario seeds under three
designs, side by side in one run:

* ``lhs_200`` — ``Scenario(sampling="lhs", mc_draws=200)``;
* ``random_500`` — ``Scenario(sampling="random", mc_draws=500)`` (the default draws);
* ``random_200`` — ``Scenario(sampling="random", mc_draws=200)``.

The precision of a design is the standard deviation of the estimate over the seeds (its
Monte Carlo error); rows whose estimate is not finite under every seed (a target never
reached: ``inf`` years) or does not vary under any design (SD below 10⁻⁹ of its
magnitude: rounding noise) are left out. Per output the
script reports the median SD of each design over the rows, the median of the per-row
ratios ``SD(lhs_200) / SD(random_500)`` and ``SD(lhs_200) / SD(random_200)``, and the
share of rows where LHS-200 is at least as precise as random-500 (ratio ≤ 1), and the verdict
``lhs200_as_precise_as_random500`` (:func:`as_precise`): true when the median SD of LHS-200 over the
rows is at most that of random-500 *and* the median per-row ratio is at most 1 (LHS-200 at least as
precise in at least half of the rows). Theory for
a smooth output: LHS removes the additive part of the Monte Carlo variance (McKay et al.
1979; Stein 1987), random-500 has 200/500 = 0.4 of the variance of random-200, i.e.
SD ratio √0.4 = 0.63. A ratio ``lhs_200/random_200`` ≤ 0.63 means LHS-200 matches random-500.

Outputs (``--out``, default ``bench/``): ``results_lhs.csv`` (one row per output),
``results_lhs_rows.csv`` (one row per plot × option × output with the three SDs). The
script reports what it measures and never fails on a missed target.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import agriremed
from agriremed.core.tables import load_tables

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data" / "samples" / "plots.csv"
#: Monte Carlo outputs compared (columns of ``Plan.table``).
OUTPUTS = ("crop_compliance_prob", "years_p10", "years_p50", "years_p90",
           "net_co2e_t_ha_yr_p10", "net_co2e_t_ha_yr_p90")
#: Designs compared: name → (sampling, draws).
DESIGNS = {"lhs_200": ("lhs", 200), "random_500": ("random", 500), "random_200": ("random", 200)}
#: SD ratio of random-500 to random-200 for an average (√(200/500)).
RANDOM_500_VS_200 = float(np.sqrt(200 / 500))
KEY = ["plot_id", "option_id"]
#: An SD below this share of the output's magnitude is rounding noise (a row whose output is
#: fixed by the plot, e.g. an amendment's carbon term summed in another order), not Monte Carlo error.
NOISE_REL = 1e-9


def load_average() -> float:
    """System load averaged over the last minute (NaN where the platform has none)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float("nan")


def estimates(plots: pd.DataFrame, seeds, progress: bool = True) -> dict[str, pd.DataFrame]:
    """Per design, the outputs of every plot × option row for every seed.

    Returns
    -------
    dict
        Design → DataFrame indexed by (plot_id, option_id) with columns
        ``(output, seed)``; also ``"_seconds"`` → seconds spent per design.
    """
    from tqdm.auto import tqdm

    tables = load_tables()
    out = {d: [] for d in DESIGNS}
    secs = dict.fromkeys(DESIGNS, 0.0)
    bar = tqdm(total=len(seeds) * len(DESIGNS), desc="plans", disable=not progress)
    for seed in seeds:
        for name, (sampling, draws) in DESIGNS.items():  # interleaved: the load hits every design alike
            sc = agriremed.Scenario(seed=int(seed), mc_draws=draws, sampling=sampling)
            t0 = time.perf_counter()
            t = agriremed.plan(plots, sc, tables=tables, progress=False, detail=False).table
            secs[name] += time.perf_counter() - t0
            t = t.set_index(KEY)[list(OUTPUTS)]
            t.columns = pd.MultiIndex.from_product([list(OUTPUTS), [int(seed)]])
            out[name].append(t)
            bar.update()
    bar.close()
    res = {name: pd.concat(frames, axis=1) for name, frames in out.items()}
    res["_seconds"] = secs
    return res


def spread(est: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per plot × option × output: SD over the seeds of each design (kept rows only)."""
    rows = []
    for o in OUTPUTS:
        vals = {d: est[d][o].to_numpy(float) for d in DESIGNS}
        finite = np.logical_and.reduce([np.isfinite(v).all(axis=1) for v in vals.values()])
        sd = {d: np.where(finite, np.std(np.where(np.isfinite(v), v, 0.0), axis=1, ddof=1), np.nan)
              for d, v in vals.items()}
        scale = np.nanmax(np.abs(np.stack([np.where(np.isfinite(v), v, 0.0) for v in vals.values()])),
                          axis=(0, 2))
        varies = np.logical_or.reduce([s > NOISE_REL * np.maximum(scale, 1.0) for s in sd.values()])
        keep = finite & varies
        idx = est["lhs_200"].index[keep]
        rows.append(pd.DataFrame({
            "plot_id": idx.get_level_values(0), "option_id": idx.get_level_values(1), "output": o,
            **{f"mean_{d}": vals[d][keep].mean(axis=1) for d in DESIGNS},
            **{f"sd_{d}": sd[d][keep] for d in DESIGNS}}))
    return pd.concat(rows, ignore_index=True)


def as_precise(median_sd_lhs200, median_sd_random500, median_ratio_lhs200_random500):
    """The verdict "LHS-200 as precise as random-500" of an output: its median SD over the rows is at
    most random-500's and the median per-row SD ratio LHS-200 / random-500 is at most 1. Arrays in,
    a boolean array out (False where a number is missing)."""
    a, b, r = (np.asarray(x, float) for x in (median_sd_lhs200, median_sd_random500,
                                               median_ratio_lhs200_random500))
    with np.errstate(invalid="ignore"):
        return (a <= b) & (r <= 1.0)


def reverdict(summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` (``results_lhs.csv``) with ``lhs200_as_precise_as_random500`` recomputed from its
    own numbers by :func:`as_precise` (no new run)."""
    return summary.assign(lhs200_as_precise_as_random500=as_precise(
        summary["median_sd_lhs_200"], summary["median_sd_random_500"], summary["median_ratio_lhs200_random500"]))


def summarise(rows: pd.DataFrame, n_seeds: int, seconds: dict, load: float) -> pd.DataFrame:
    """One row per output: median SDs, median SD ratios and the share of rows where LHS-200 wins."""
    out = []
    today = _dt.date.today().isoformat()
    for o, g in rows.groupby("output", sort=False):
        with np.errstate(divide="ignore", invalid="ignore"):
            r500 = g["sd_lhs_200"] / g["sd_random_500"]
            r200 = g["sd_lhs_200"] / g["sd_random_200"]
            rr = g["sd_random_500"] / g["sd_random_200"]
        ok = np.isfinite(r500) & np.isfinite(r200)
        out.append({
            "output": o, "rows": int(len(g)), "seeds": n_seeds,
            "median_sd_lhs_200": float(g["sd_lhs_200"].median()),
            "median_sd_random_500": float(g["sd_random_500"].median()),
            "median_sd_random_200": float(g["sd_random_200"].median()),
            "median_ratio_lhs200_random500": float(np.median(r500[ok])) if ok.any() else np.nan,
            "median_ratio_lhs200_random200": float(np.median(r200[ok])) if ok.any() else np.nan,
            "median_ratio_random500_random200": float(np.median(rr[ok])) if ok.any() else np.nan,
            "share_rows_lhs200_le_random500": float((r500[ok] <= 1.0).mean()) if ok.any() else np.nan,
            "lhs200_as_precise_as_random500": bool(ok.any() and as_precise(
                g["sd_lhs_200"].median(), g["sd_random_500"].median(), np.median(r500[ok]))),
            "seconds_lhs_200": round(seconds["lhs_200"], 2), "seconds_random_500": round(seconds["random_500"], 2),
            "seconds_random_200": round(seconds["random_200"], 2),
            "load_avg_1min": round(load, 2), "nproc": os.cpu_count(), "date": today,
            "agriremed_version": agriremed.__version__})
    return pd.DataFrame(out)


def markdown(summary: pd.DataFrame) -> str:
    """The summary as a markdown table."""
    lines = ["| output | rows | median SD LHS-200 | random-500 | random-200 | SD LHS-200 / random-500 "
             "| LHS-200 / random-200 | rows with LHS-200 ≤ random-500 | as precise as random-500 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in summary.itertuples():
        lines.append(f"| {r.output} | {r.rows} | {r.median_sd_lhs_200:.3g} | {r.median_sd_random_500:.3g} "
                     f"| {r.median_sd_random_200:.3g} | {r.median_ratio_lhs200_random500:.2f} "
                     f"| {r.median_ratio_lhs200_random200:.2f} | {r.share_rows_lhs200_le_random500:.0%} "
                     f"| {'yes' if r.lhs200_as_precise_as_random500 else 'no'} |")
    return "\n".join(lines)


def main(argv=None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plots", type=Path, default=SAMPLE, help="plot table (default: the sample plots)")
    ap.add_argument("--seeds", type=int, default=30, help="scenario seeds per design (default 30)")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=HERE, help="folder of the result CSVs (default bench/)")
    ap.add_argument("--reverdict", action="store_true",
                    help="only recompute the verdict column of OUT/results_lhs.csv from its numbers (no run)")
    a = ap.parse_args(argv)
    if a.reverdict:
        path = a.out / "results_lhs.csv"
        summary = reverdict(pd.read_csv(path))
        summary.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
        print(markdown(summary))
        return summary
    plots = pd.read_csv(a.plots)
    seeds = list(range(a.first_seed, a.first_seed + a.seeds))
    load0 = load_average()
    est = estimates(plots, seeds, progress=sys.stderr.isatty())
    load = max(load0, load_average())
    rows = spread(est)
    summary = summarise(rows, len(seeds), est["_seconds"], load)
    a.out.mkdir(parents=True, exist_ok=True)
    summary.to_csv(a.out / "results_lhs.csv", index=False, quoting=csv.QUOTE_MINIMAL)
    rows.to_csv(a.out / "results_lhs_rows.csv", index=False, float_format="%.6g")
    print(f"agriremed {agriremed.__version__}: {len(plots)} plots, {len(seeds)} seeds per design, "
          f"load {load:.1f} on {os.cpu_count()} CPUs")
    print(markdown(summary))
    print(f"(random-500 / random-200 SD ratio expected for a mean: {RANDOM_500_VS_200:.2f})")
    return summary


if __name__ == "__main__":
    main()
