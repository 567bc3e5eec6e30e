"""What a streamed run keeps in memory between chunks (issue 22: memory stays bounded for any input size)."""

from __future__ import annotations

import dataclasses
import gc
import tracemalloc

import numpy as np
import pandas as pd
import pyarrow as pa

import agriremed
from agriremed.core.frames import no_rows
from agriremed.core.tables import load_tables
from agriremed.engine.stream import _PART_TABLES, plan_chunk, plan_stream
from agriremed.io.synthetic import synthetic_plots


def test_no_rows_keeps_columns_dtypes_and_attrs_and_none_of_the_data():
    n = 500_000
    df = pd.DataFrame({"x": np.arange(n, dtype=float), "n": pd.array(np.arange(n), dtype="Int64"),
                       "s": pd.array([f"plot {i}" for i in range(n)], dtype="str"),
                       "c": pd.Categorical(np.where(np.arange(n) % 2, "paddy", "dryland"))},
                      index=pd.Index(np.arange(n) * 2, name="row"))
    df.attrs["file_name"] = "county.csv"
    gc.collect()
    arrow_before = pa.total_allocated_bytes()
    tracemalloc.start()
    try:
        empty = no_rows(df)
        del df
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(empty) == 0 and list(empty.columns) == ["x", "n", "s", "c"]
    assert [str(d) for d in empty.dtypes] == ["float64", "Int64", "str", "category"]
    assert list(empty["c"].cat.categories) == ["dryland", "paddy"]
    assert empty.index.name == "row" and empty.index.dtype == np.int64
    assert empty.attrs == {"file_name": "county.csv"}
    # the 500 000 rows (4 MB of floats, 4.5 MB of nullable integers, 5 MB of index, the Arrow text) are released;
    # df.iloc[:0] would hold all of them
    assert held < 100_000, held
    assert pa.total_allocated_bytes() < arrow_before - 4_000_000


class _HeldBetweenChunks:
    """An extra output of plan_stream that records the traced memory when each chunk is handed over."""

    def __init__(self):
        self.held = []

    def add(self, plan) -> None:
        gc.collect()
        self.held.append(tracemalloc.get_traced_memory()[0])

    def write(self, out, run) -> dict:
        return {}


def test_a_streamed_run_keeps_no_chunk_s_stage_tables_between_chunks(tmp_path):
    """Between chunks the run keeps what it writes or sums (each planned plot's summary and recommended
    row, rejected rows, problems), not the chunk's stage tables: a chunk's emptied stage tables and the
    first chunk's skeleton (kept for the end) used to be ``iloc[:0]`` views holding their chunk's rows,
    two chunks' worth of stage tables beside the chunk being planned (the 200 000-row county sheet peaked
    at 2 718 MB with a 2 500 MB budget)."""
    scenario, chunk = agriremed.Scenario(mc_draws=0), 200
    plots = synthetic_plots(3 * chunk, seed=3)
    one = plan_chunk(plots.head(chunk), scenario, load_tables(), text_rows="recommended")
    stage = sum(int(getattr(one, f.name).memory_usage(deep=True).sum()) for f in dataclasses.fields(one)
                if isinstance(getattr(one, f.name), pd.DataFrame) and f.name not in _PART_TABLES)
    del one
    assert stage / chunk > 100e3  # bytes per plot: the per-option stage tables of one chunk
    args = dict(scenario=scenario, chunk_size=chunk, fmt="csv", progress=False, keep_summary=False,
                plan_rows="recommended")  # as `agriremed plan` runs a large input
    plan_stream(synthetic_plots(chunk, seed=5), out=tmp_path / "warm", **args)  # caches filled first
    rec = _HeldBetweenChunks()
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        r = plan_stream(plots, out=tmp_path / "run", extra_outputs=[rec], **args)
    finally:
        tracemalloc.stop()
    assert r.n_chunks == 3 and r.n_planned == 3 * chunk and len(rec.held) == 3
    held = [h - base for h in rec.held]
    # measured about 15 kB a plot (before: 76 kB after the first chunk, 151 kB from the second on)
    assert max(held) < stage / 4, (held, stage)
