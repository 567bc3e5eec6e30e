"""bench/bench_lhs.py and bench/bench_targets.py compute what they report (tiny sizes)."""

from __future__ import annotations

import csv
import importlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "plots.csv"


@pytest.fixture(scope="module")
def mods():
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("bench_lhs"), importlib.import_module("bench_targets")
    finally:
        sys.path.remove(str(BENCH))


def _estimates(B, values: dict[str, list[list[float]]]):
    """Fake per-design estimates: design → rows × seeds, the same for every output."""
    idx = pd.MultiIndex.from_tuples([("p1", "a"), ("p1", "b"), ("p2", "a")], names=B.KEY)
    out = {}
    for d, v in values.items():
        v = np.asarray(v, float)
        cols = pd.MultiIndex.from_product([list(B.OUTPUTS), list(range(v.shape[1]))])
        out[d] = pd.DataFrame(np.tile(v, len(B.OUTPUTS)), index=idx, columns=cols)
    return out


def test_spread_and_summary_hand_computed(mods):
    B, _ = mods
    est = _estimates(B, {
        # row 1: SD 1 (lhs), 2 (random 500), 4 (random 200); row 2: inf under one seed -> left out;
        # row 3: fixed up to rounding noise -> left out
        "lhs_200": [[1, 2, 3], [1, np.inf, 1], [7, 7 + 1e-15, 7]],
        "random_500": [[0, 2, 4], [1, 2, 3], [7, 7, 7]],
        "random_200": [[-2, 2, 6], [1, 2, 3], [7, 7, 7]]})
    rows = B.spread(est)
    assert len(rows) == len(B.OUTPUTS) and set(rows["plot_id"] + rows["option_id"]) == {"p1a"}
    r = rows.iloc[0]
    assert (r["sd_lhs_200"], r["sd_random_500"], r["sd_random_200"]) == (1.0, 2.0, 4.0)
    assert r["mean_lhs_200"] == 2.0
    s = B.summarise(rows, 3, dict.fromkeys(B.DESIGNS, 1.0), 0.5)
    assert s["median_ratio_lhs200_random500"].tolist() == [0.5] * len(B.OUTPUTS)
    assert s["median_ratio_lhs200_random200"].tolist() == [0.25] * len(B.OUTPUTS)
    assert s["share_rows_lhs200_le_random500"].tolist() == [1.0] * len(B.OUTPUTS)
    assert s["lhs200_as_precise_as_random500"].all()
    assert "| crop_compliance_prob | 1 | 1 | 2 | 4 | 0.50 | 0.25 | 100% | yes |" in B.markdown(s)


def test_verdict_compares_the_spreads(mods):
    B, _ = mods
    # a median per-row ratio below 1 with a larger median SD than random-500 is not "as precise"
    assert B.as_precise([1.453, 2.10, 1.0], [1.381, 3.56, 2.0], [0.92, 0.62, 1.2]).tolist() == [False, True, False]
    assert not B.as_precise(np.nan, 1.0, 0.5)
    # the committed results follow from their own numbers, and the README states the same verdicts
    csv_path = BENCH / "results_lhs.csv"
    committed = pd.read_csv(csv_path)
    assert committed["lhs200_as_precise_as_random500"].tolist() == \
        B.reverdict(committed)["lhs200_as_precise_as_random500"].tolist()
    verdict = dict(zip(committed["output"], committed["lhs200_as_precise_as_random500"], strict=True))
    assert verdict == {"crop_compliance_prob": True, "years_p10": False, "years_p50": True, "years_p90": True,
                       "net_co2e_t_ha_yr_p10": True, "net_co2e_t_ha_yr_p90": True}
    readme = (BENCH.parent / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| LHS percentiles at 200 draws"))
    assert row.endswith("| **met** for compliance, P50 and P90 of years, P10 and P90 of net CO₂e; **not met** "
                        "for P10 of years (median SD 1.45 against 1.38) |")


def test_bench_lhs_runs_on_two_plots(mods, tmp_path):
    B, _ = mods
    plots = tmp_path / "plots.csv"
    pd.read_csv(SAMPLE).iloc[:2].to_csv(plots, index=False)
    s = B.main(["--plots", str(plots), "--seeds", "2", "--out", str(tmp_path)])
    assert set(s["output"]) <= set(B.OUTPUTS) and (s["seeds"] == 2).all() and len(s) >= 3
    rows = pd.read_csv(tmp_path / "results_lhs_rows.csv")
    assert set(rows["plot_id"]) <= set(pd.read_csv(plots)["plot_id"]) and len(rows) == s["rows"].sum()
    assert (rows[[f"sd_{d}" for d in B.DESIGNS]] >= 0).all().all()
    assert len(pd.read_csv(tmp_path / "results_lhs.csv")) == len(s)


def test_targets_extrapolate_and_tabulate(mods, tmp_path, monkeypatch):
    _, T = mods
    fake = {100: dict(seconds=2.0, peak_mb=300.0, summary_rows=100, recommended_rows=99, load_avg_1min=1.0),
            400: dict(seconds=4.0, peak_mb=350.0, summary_rows=400, recommended_rows=400, load_avg_1min=1.0),
            30: dict(seconds=6.0, peak_mb=500.0, summary_rows=30, recommended_rows=30, load_avg_1min=1.0)}
    monkeypatch.setattr(T, "command_run", lambda n, draws, workdir: fake[n])
    monkeypatch.setattr(T, "portfolio_run", lambda n: dict(chunk_size=10_000, plan_s=1.0, plots_per_s=float(n),
                                                            peak_rss_mb=200.0, load_avg_1min=1.0, n_planned=n))
    rows = T.main(["--det-sizes", "100", "400", "--mc-plots", "30", "--latency-repeat", "0", "--portfolio-sizes",
                   "--kernel-plots", "0", "--out", str(tmp_path), "--workdir", str(tmp_path / "w")])
    est = next(r for r in rows if r["kind"] == "estimate")
    # 400 plots in 4 s -> 10^6 plots in 4 * 10^6 / 400 = 10 000 s; memory of the largest size
    assert est["plots"] == 1_000_000 and est["seconds"] == pytest.approx(10_000.0) and est["peak_mb"] == 350.0
    b = next(r for r in rows if r["target"] == "b")
    assert b["plots_per_s"] == pytest.approx(5.0) and b["draws"] == 500
    with open(tmp_path / "results_targets.csv", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 4
    md = (tmp_path / "results_targets.md").read_text(encoding="utf-8")
    assert "| a | deterministic plan command, all options evaluated (extrapolated) | 1 000 000 | 0 | 10 000.0 | 100 |" in md
    more = T.main(["--det-sizes", "--mc-plots", "0", "--latency-repeat", "0", "--portfolio-sizes", "500",
                   "--kernel-plots", "0", "--append", "--out", str(tmp_path), "--workdir", str(tmp_path / "w")])
    assert [r["target"] for r in more] == ["a"] * 4 + ["b"]  # appended row sorted among the (a) rows
    assert more[3]["plots"] == 500 and more[3]["plots_per_s"] == 500.0 and more[0]["seconds"] == 2.0
    assert "planning only" in (tmp_path / "results_targets.md").read_text(encoding="utf-8")


def test_engine_against_kernels_rows(mods, tmp_path):
    _, T = mods
    rows = T.kernel_runs(20, tmp_path)
    assert [(r["target"], r["plots"], r["draws"]) for r in rows] == [("d", 20, 0), ("d", 2, 500)]
    for r in rows:
        ratio = float(r["measurement"].split(": ")[1].split("×")[0])
        assert ratio > 1 and r["seconds"] > 0 and r["plots_per_s"] == pytest.approx(r["plots"] / r["seconds"])


def test_one_plot_latency_is_measured(mods):
    _, T = mods
    rows = T.latency(repeat=1)
    assert [r["draws"] for r in rows] == [500, 500, 0]
    assert all(r["latency_ms"] > 0 for r in rows)
