"""Memory of GIS runs: the layer held beside the chunks is counted, chunks carry no geometry,
plan.gpkg is appended batch by batch, and the traced peak of a chunked GIS plan stays below
the memory model's estimate."""

from __future__ import annotations

import math
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")
pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")

from agriremed.io import geo  # noqa: E402
from agriremed.engine import stream  # noqa: E402
from agriremed.apps.cli import main  # noqa: E402
from agriremed.io.synthetic import synthetic_plots  # noqa: E402


def _grid(path: Path, n: int, side: float = 50.0, gap: float = 10.0) -> Path:
    """n squares of ``side`` m (5 coordinates each) in rows of 20, EPSG:4547, with the
    attributes of synthetic_plots (area and centre come from the geometry)."""
    i = np.arange(n)
    x0 = 500_000.0 + (i % 20) * (side + gap)
    y0 = 3_100_000.0 + (i // 20) * (side + gap)
    attrs = synthetic_plots(n, seed=3).drop(columns=["lat", "lon", "area_ha"], errors="ignore")
    gpd.GeoDataFrame(attrs, geometry=shapely.box(x0, y0, x0 + side, y0 + side), crs="EPSG:4547").to_file(
        path, layer="parcels", driver="GPKG")
    return path


def _regions(path: Path) -> Path:
    gpd.GeoDataFrame({"name": ["W", "E"]}, geometry=[shapely.box(499_000, 3_099_000, 500_600, 3_200_000),
                                                     shapely.box(500_600, 3_099_000, 502_000, 3_200_000)],
                     crs="EPSG:4547").to_file(path, layer="regions", driver="GPKG")
    return path


@pytest.fixture(scope="module")
def grid400(tmp_path_factory):
    d = tmp_path_factory.mktemp("geo_memory")
    return _grid(d / "grid.gpkg", 400), _regions(d / "regions.gpkg")


def test_held_memory_is_the_layer_table_and_its_coordinates(grid400):
    lay = geo.read_layer(grid400[0])
    table = float(lay.table.memory_usage(deep=True).sum())
    # 400 squares: 5 coordinates x 16 bytes + 200 bytes per geometry object = 280 bytes each
    want = geo.HELD_FACTOR * (table + 400 * 280.0) / 1e6
    assert geo.held_mb(lay) == pytest.approx(want, rel=1e-12)
    assert geo.held_mb(lay) > 0.5  # a layer of 400 parcels holds more than half a MB


@pytest.mark.parametrize("draws", [0, 50, 500])
@pytest.mark.parametrize("budget", [400.0, 1_200.0, 2_500.0, 8_000.0])
def test_chunks_of_a_gis_input_are_smaller_than_of_the_same_plots_without_geometry(grid400, budget, draws):
    held = geo.held_mb(geo.read_layer(grid400[0]))
    plain = stream.chunk_size_for(draws, budget)
    gis = stream.chunk_size_for(draws, budget, held_mb=held)
    per_plot = stream.MEMORY_PER_PLOT_MB + draws * stream.MEMORY_PER_PLOT_DRAW_MB
    free = budget - stream.MEMORY_BASE_MB - draws * stream.MEMORY_PER_DRAW_MB
    assert plain == math.floor(free / per_plot + 1e-9)
    assert gis == max(math.floor((free - held) / per_plot + 1e-9), 0)
    # never larger; smaller by at least the plots the layer's memory is worth (held > 0.5 MB: at
    # least two plots of 0.22 MB without draws)
    assert gis <= plain and plain - gis >= math.floor(held / per_plot)
    if draws == 0:
        assert gis < plain
    # the estimate of the GIS chunk, the layer included, is within the budget; one plot more is not
    assert stream.memory_estimate_mb(gis, draws, held_mb=held) <= budget
    assert stream.memory_estimate_mb(gis + 1, draws, held_mb=held) > budget
    assert stream.memory_estimate_mb(gis, draws, held_mb=held) == pytest.approx(
        stream.memory_estimate_mb(gis, draws) + held)


def test_the_cli_sizes_chunks_of_a_gis_layer_with_the_layer_taken_off(grid400, tmp_path, capsys):
    layer, regions = grid400
    held = geo.held_mb(geo.read_layer(layer))
    # --memory 420: one whole plan holds (420 - 350 - held) / 0.25 < 400 plots, so the run is chunked,
    # (420 - 350 - held) / 0.22 plots per chunk: fewer than the 318 of the same plots without geometry
    want = math.floor((420 - 350 - held) / 0.22 + 1e-9)
    assert want < stream.chunk_size_for(0, 420) == 318
    assert main(["plan", str(layer), "--out", str(tmp_path), "--draws", "0", "--memory", "420",
                 "--format", "gpkg", "--regions", str(regions), "--no-xlsx", "--no-report"]) == 0
    out = capsys.readouterr().out
    assert f"planning in chunks of {want:,} plots" in out
    assert len(gpd.read_file(tmp_path / "plan.gpkg", layer="plots")) == 400


def test_chunks_carry_no_geometry_and_plan_gpkg_is_appended_in_batches(grid400, tmp_path, monkeypatch):
    layer, regions = grid400
    seen, writes = [], []
    plan_chunk, write_layer = stream.plan_chunk, geo._write_layer

    def spy_chunk(chunk, *a, **k):
        seen.append(chunk)
        return plan_chunk(chunk, *a, **k)

    def spy_write(path, df, geometry, layer_name, append):
        writes.append((layer_name, len(df), append))
        return write_layer(path, df, geometry, layer_name, append)

    monkeypatch.setattr(stream, "plan_chunk", spy_chunk)
    monkeypatch.setattr(geo, "_write_layer", spy_write)
    writer = geo.write_plan_layers_chunked
    monkeypatch.setattr(geo, "write_plan_layers_chunked",  # batches of 150 rows
                        lambda *a, **k: writer(*a, **{**k, "batch_rows": 150}))
    assert main(["plan", str(layer), "--out", str(tmp_path), "--draws", "0", "--chunk-size", "100",
                 "--format", "gpkg", "--regions", str(regions), "--quiet", "--no-xlsx", "--no-report",
                 "--all-options"]) == 0  # every plot × option row in plan.parquet, read back in batches
    assert [len(c) for c in seen] == [100, 100, 100, 100]
    for c in seen:  # attributes as text and the columns taken from the geometry, never the shapes
        assert "geometry" not in c.columns and not isinstance(c, gpd.GeoDataFrame)
        assert not any(isinstance(v, shapely.Geometry) for col in c.columns for v in c[col].to_numpy()[:5])
        assert {"area_ha", "lat", "lon"} <= set(c.columns)
    # 400 plots in batches of 150 appended to the first; the recommended rows of each batch of 150
    # plan rows likewise
    assert writes[:3] == [("plots", 150, False), ("plots", 150, True), ("plots", 100, True)]
    rec = [w for w in writes[3:] if w[0] == "recommended"]
    n_plan = len(pd.read_parquet(tmp_path / "plan.parquet", columns=["plot_id"]))
    assert len(writes) == 3 + len(rec) and n_plan > 400 and len(rec) >= 2
    assert max(n for _, n, _ in rec) <= 150
    assert [a for _, _, a in rec] == [False] + [True] * (len(rec) - 1)
    assert sum(n for _, n, _ in rec) == len(gpd.read_file(tmp_path / "plan.gpkg", layer="recommended"))
    plots = gpd.read_file(tmp_path / "plan.gpkg", layer="plots")
    assert len(plots) == 400 and plots["plot_id"].is_unique
    assert plots.geometry.area.to_numpy() == pytest.approx(np.full(400, 2_500.0))


def _traced_peak_mb(args: list[str]) -> float:
    tracemalloc.start()
    try:
        assert main(args) == 0
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_traced_peak_of_a_chunked_gis_plan_stays_below_the_model(grid400, tmp_path):
    """Python-level peak (tracemalloc) of planning 400 parcels in chunks of 200 with plan.gpkg,
    regions.csv, report and workbook, against the model: the base is what the same run of a
    3-parcel layer allocates (as MEMORY_BASE_MB is the resident memory of a 3-plot plan),
    plus the layer held (held_mb) plus 200 plots x MEMORY_PER_PLOT_MB."""
    layer, regions = grid400
    small = _grid(tmp_path / "three.gpkg", 3)
    common = ["--draws", "0", "--format", "gpkg", "--regions", str(regions), "--quiet"]
    assert main(["plan", str(small), "--out", str(tmp_path / "warm"), "--chunk-size", "3", *common]) == 0
    base = _traced_peak_mb(["plan", str(small), "--out", str(tmp_path / "o3"), "--chunk-size", "3", *common])
    chunk = 200
    peak = _traced_peak_mb(["plan", str(layer), "--out", str(tmp_path / "o400"), "--chunk-size", str(chunk),
                            *common])
    held = geo.held_mb(geo.read_layer(layer))
    model = stream.memory_estimate_mb(chunk, 0, held_mb=held) - stream.MEMORY_BASE_MB  # held + 44 MB
    assert model == pytest.approx(held + 200 * 0.22)
    assert base < peak < base + model, (base, peak, model)
    assert pd.read_csv(tmp_path / "o400" / "regions.csv", encoding="utf-8-sig")["plots"].sum() == 400


def test_a_layer_larger_than_the_budget_is_said_not_ignored(grid400, tmp_path, capsys, monkeypatch):
    layer, _ = grid400
    monkeypatch.setattr(geo, "held_mb", lambda gdf: 5000.0)  # a layer that alone exceeds --memory 440
    assert main(["plan", str(layer), "--out", str(tmp_path), "--draws", "0", "--memory", "440",
                 "--format", "gpkg", "--no-xlsx", "--no-report"]) == 0
    err = capsys.readouterr().err
    assert "the GIS layer alone needs about 5,000 MB" in err and "--memory 440 MB" in err
    assert len(gpd.read_file(tmp_path / "plan.gpkg", layer="plots")) == 400
