"""The benchmark scripts in bench/ run at tiny sizes and compute what they claim to time."""

from __future__ import annotations

import csv
import importlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.io.synthetic import synthetic_plots

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench_module(name: str):
    """A script of ``bench/`` imported as a module (the folder is on the path only meanwhile)."""
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def bench():
    return _bench_module("bench_portfolio"), _bench_module("duration_kernel")


@pytest.fixture(scope="module")
def small_plan():
    return agriremed.plan(synthetic_plots(120, seed=3), agriremed.Scenario(mc_draws=0), progress=False,
                          detail=False)


def test_kernels_agree_with_the_duration_stage(bench, small_plan):
    _, K = bench
    x, removal = K.duration_inputs(small_plan)
    assert len(x) > 0 and x.n_plots == 120
    assert set(np.unique(x.model[x.model_code >= 0])) == set(K.MODEL_CODES)  # every model is exercised
    diffs = K.check_agreement(x, removal, small_plan, rtol=1e-9)
    assert set(diffs) == {"agriremed_years", "per_plot_loop", "bare_kernel"}
    assert max(diffs.values()) <= 1e-9
    ref, _ = K.duration.estimate_duration(small_plan.options, small_plan.plots, small_plan.soil,
                                          small_plan.biomass, small_plan.tables, targets=small_plan.targets,
                                          removal=removal)
    years = ref["years_to_target"].to_numpy(float)
    np.testing.assert_allclose(K.bare_kernel(x), years, rtol=1e-9, atol=0.0, equal_nan=True)
    np.testing.assert_array_equal(K.per_plot_loop(x), K.agriremed_years(x))  # same calls, row by row
    assert np.isfinite(years).any() and (years > 0).any()


def test_bare_kernel_edge_cases(bench):
    _, K = bench
    n = 6
    x = K.DurationInputs(
        depth_m=np.full(n, 0.25), bulk_density_g_cm3=np.full(n, 1.5),
        c0=np.array([5.0, 5.0, 1.0, 0.86, 0.86, 2.0]), ct=np.array([2.0, 2.0, 2.0, 0.3, 0.3, 1.0]),
        model=np.array(["shoot_conc", "removal_rate", "bcf", "declining_bcf", "fraction", "none"],
                       dtype=object),
        model_code=np.array([2, 3, 0, 4, 1, K.NO_MODEL], dtype=np.int8),
        params={"Y": np.array([2.1, 1.0, 3.0, 3.26, 1.0, 1.0]), "h": np.zeros(n), "s": np.ones(n),
                "bcf": np.full(n, 100.0), "fr": np.array([np.nan, np.nan, np.nan, np.nan, 0.0, np.nan]),
                "cs": np.full(n, 257.0), "rr": np.array([np.nan, 0.0, np.nan, np.nan, np.nan, np.nan]),
                "sref": np.full(n, 109.3), "cref": np.full(n, 1.244), "b": np.full(n, 0.614),
                "rcref": np.full(n, np.nan)},
        plot_start=np.array([0, n]), n_plots=1)
    got = K.bare_kernel(x)
    np.testing.assert_allclose(got, K.agriremed_years(x), rtol=1e-12, equal_nan=True)
    assert round(got[0], 1) == 20.8                    # SUMATECS, as agriremed.stages.duration's doctest
    assert got[1] == np.inf and got[2] == 0.0 and got[4] == np.inf and np.isnan(got[5])


def test_chunked_plan_equals_one_plan(bench):
    bp, _ = bench
    plots = synthetic_plots(70, seed=5)
    sc = agriremed.Scenario(mc_draws=0)
    whole = agriremed.plan(plots, sc, progress=False, detail=False).summary
    chunked, n = bp.plan_in_chunks(plots, sc, chunk_size=30)
    assert n == 70
    pd.testing.assert_frame_equal(chunked, whole)


def test_per_row_loop_gives_the_vectorised_result(bench):
    bp, _ = bench
    row, p = bp.per_row_comparison(synthetic_plots(12, seed=2), n_loop=4)
    assert row["summaries_identical"] is True
    assert row["loop_plots"] == 4 and row["subset_plots"] == 12
    assert row["ratio"] > 1.0 and row["loop_s_extrapolated"] == pytest.approx(row["loop_s_per_plot"] * 12)
    assert len(p.summary) == 12


def test_run_size_counts_plots_and_memory(bench):
    bp, _ = bench
    r = bp.run_size(40, chunk_size=15, engine="chunks")
    assert r["n_planned"] == 40 and r["plots"] == 40
    assert r["plots_per_s"] == pytest.approx(40 / r["plan_s"])
    assert r["peak_rss_mb"] >= r["rss_before_plan_mb"] > 0


def test_main_writes_results(bench, tmp_path):
    bp, _ = bench
    res = bp.main(["--sizes", "30", "60", "--chunk-size", "25", "--engine", "chunks", "--out", str(tmp_path),
                   "--ratio-plots", "20", "--per-row-plots", "2", "--mc-draws", "50", "--repeat", "1"])
    assert [r["plots"] for r in res["scaling"]] == [30, 60]
    assert all(r["n_planned"] == r["plots"] for r in res["scaling"])
    assert res["per_row"]["summaries_identical"] is True
    assert max(res["stage"]["max_rel_diff"].values()) <= 1e-9
    stage = res["stage"]
    assert stage["kernel_ratio"] == pytest.approx(stage["agriremed_s"] / stage["bare_numpy_s"])
    assert res["monte_carlo"]["draws"] == 50 and res["monte_carlo"]["monte_carlo_s"] > 0
    with open(tmp_path / "scaling.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["plots"]) for r in rows] == [30, 60] and all(float(r["peak_rss_mb"]) > 0 for r in rows)
    metrics = {r["metric"] for r in csv.DictReader(open(tmp_path / "comparisons.csv", encoding="utf-8"))}
    assert {"plan_loop_ratio", "stage_kernel_ratio", "stage_loop_ratio", "mc_monte_carlo_s"} <= metrics
    html = (tmp_path / "scaling.html").read_text(encoding="utf-8")
    assert "plotly" in html and '"type":"log"' in html.replace(" ", "")
    assert json.loads((tmp_path / "results.json").read_text())["machine"]["nproc"] >= 1


def test_bench_plan_still_runs(capsys):
    mod = _bench_module("bench_plan")
    mod.main(sizes=(5,))
    assert "plots/s" in capsys.readouterr().out


def test_default_plan_command_memory_is_set_by_the_budget_not_the_input(tmp_path):
    """5 000 plots, 50 draws, --memory 700: (700 − 350 − 0.25) // (0.22 + 0.175) = 885 plots a chunk,
    6 chunks. In one plan the estimate is 350 + 0.25 + 5 000 × 0.395 = 2 325 MB; measured peaks of
    chunked runs stay near the budget (README, "Memory"), so 900 MB fails if chunking stops."""
    from agriremed.engine.stream import chunk_size_for, memory_estimate_mb

    assert chunk_size_for(50, 700) == 885 and round(memory_estimate_mb(5_000, 50)) == 2325
    cmd = [sys.executable, str(BENCH / "bench_memory.py"), "--plots", "5000", "--draws", "50",
           "--memory", "700", "--out", str(tmp_path)]
    import subprocess

    subprocess.run(cmd, check=True, capture_output=True, text=True)
    res = json.loads((tmp_path / "memory.json").read_text())
    assert res["exit_code"] == 0 and res["plots"] == 5000
    run = json.loads((tmp_path / "plan" / "run.json").read_text())
    assert (run["chunks"], run["chunk_size"], run["plots_planned"]) == (6, 885, 5000)
    assert 300 < res["hwm_mb"] <= res["peak_rss_mb"] < 900


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_tree_peak_adds_the_memory_of_child_processes():
    """A child holding 200 MB (bytes written, so resident) while the tree is sampled: the peak
    of this process and its children is at least this process's memory plus 190 MB."""
    import os
    import subprocess
    import time

    bm = _bench_module("bench_memory")
    alone = bm.tree_rss_mb(os.getpid())
    code = "import sys, time; b = bytearray(200_000_000); print('ready', flush=True); time.sleep(1.5)"
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout.readline().strip() == "ready"
        sampler = bm.TreePeak(os.getpid(), interval=0.02)
        time.sleep(0.5)
        peak = sampler.stop()
        child.wait()
    assert peak >= alone + 190
    assert bm.tree_rss_mb(os.getpid()) < peak - 150  # the child has gone


def test_memory_model_points_are_measured_in_fresh_processes(tmp_path):
    bm = _bench_module("bench_memory")
    row = bm.model_point(20, 10)
    assert (row["plots"], row["draws"]) == (20, 10)
    assert row["estimate_mb"] == pytest.approx(350 + 10 * 0.005 + 20 * (0.22 + 10 * 0.0035))
    assert 100 < row["peak_rss_mb"] < row["estimate_mb"]


def test_bench_outputs_splits_the_command_time(tmp_path):
    """bench_outputs times each part of a chunked plan command; the parts add up to the total."""
    B = _bench_module("bench_outputs")
    r = B.measure(40, seed=2, chunk_size=20, workdir=tmp_path)
    assert r["plots"] == 40
    assert all(r[p] > 0 for p in B.PHASES)  # every part ran (2 chunks: validated, planned, written)
    assert r["other"] >= 0 and r["total"] == pytest.approx(sum(r[p] for p in (*B.PHASES, "other")))
    # each chunk is validated and planned once (a count: the times of 40 plots are too short to compare)
    assert r["calls"]["validate"] == 2 and r["calls"]["planning"] == 2
    # the wrapped functions are put back
    import agriremed.engine.stream as stream
    from agriremed.io.validate import validate_plots

    assert stream.validate_plots is validate_plots


def test_bench_kernels_times_the_kernels_and_puts_them_back(tmp_path):
    """bench_kernels wraps every models/ function where the stages bound it, times only the
    outermost calls, and restores the originals; the kernels' time is a part of the plan's."""
    K = _bench_module("bench_kernels")
    import agriremed.models.duration as md
    import agriremed.stages.duration as sd

    before = (md.package_reduction, sd.package_reduction)
    timer = K.KernelTimer().install()
    try:
        assert sd.package_reduction is md.package_reduction  # one wrapper for both bindings
        assert sd.package_reduction.__wrapped_kernel__ is before[0]
    finally:
        timer.restore()
    assert (md.package_reduction, sd.package_reduction) == before

    def inner(x):
        return x + 1

    inner.__module__ = "agriremed.models.fake"
    t = K.KernelTimer()
    wrapped_inner = t._wrap(inner)

    def outer(x):
        return wrapped_inner(x) * 2

    outer.__module__ = "agriremed.models.fake"
    assert t._wrap(outer)(1) == 4 and wrapped_inner(1) == 2
    assert t.calls["fake"] == 2  # outer (inner inside it not counted again) and inner on its own

    rows = K.main(["--plots", "30", "--draws", "0", "--chunk-size", "20", "--out", str(tmp_path)])
    total = rows[-1]
    assert total["module"] == "all kernels" and total["plots"] == 30
    assert 0 < total["kernel_s"] < total["plan_s"]
    assert total["calls"] == sum(r["calls"] for r in rows[:-1])
    assert total["ratio"] == pytest.approx(total["plan_s"] / total["kernel_s"])
    assert (tmp_path / "results_kernels.csv").read_text(encoding="utf-8").count("\n") == len(rows) + 1


def test_county_sheet_bench_writes_a_valid_chinese_sheet_and_times_validation(tmp_path):
    """bench_county_sheet: every row of its sheet (title line, Chinese headers, unit row, μg/kg Hg,
    未检出) is a valid plot read as the template says, and one validation is timed in a child process."""
    cs = _bench_module("bench_county_sheet")
    sheet = cs.write_sheet(tmp_path / "county.csv", 60)
    v = agriremed.validate_plots(sheet)
    assert len(v.plots) == 60 and v.rejected.empty and v.errors.empty
    assert set(v.plots["land_use"]) <= {"paddy", "upland", "vegetable"}
    assert {"rice", "wheat", "maize"} <= set(v.plots["crop"])
    assert "som_pct" not in v.plots or v.plots["som_pct"].isna().all()
    assert v.plots["hg_mg_kg"].dropna().lt(1.0).all()  # μg/kg converted to mg/kg
    assert cs.main(["--rows", "30", "--skip-plan", "--out", str(tmp_path / "o")]) == 0
    (row,) = json.loads((tmp_path / "o" / "county_sheet.json").read_text(encoding="utf-8"))
    assert row["rows"] == 30 and row["validate"]["exit"] == 0 and row["validate"]["peak_mb"] > 50
