"""Plan a GIS layer of many parcels: time and peak memory (run: python bench/bench_geo.py [--n 100000]).

Writes a synthetic grid of square parcels (50 m x 50 m = 0.25 ha, 10 m apart) in CGCS2000 /
3-degree Gauss-Kruger CM 114E (EPSG:4547) with the attributes of
:func:`agriremed.io.synthetic.synthetic_plots` (without area, lat and lon: they come from the
geometry), then runs ``agriremed plan LAYER --out OUT --draws 0 --format gpkg --regions R`` in a
child process and reports its wall time and peak resident memory (``ru_maxrss`` of the
child). The plan is made in chunks (the attribute table is planned chunk by chunk; the
geometry is kept aside and joined back by plot id when plan.gpkg is written, one batch of
rows at a time).

``--phases`` plans the layer in this process instead and reports, for each step of the GIS run
(reading the layer, the regions, planning the chunks, plan.gpkg, regions.csv), the peak
resident memory reached during the step (``VmHWM``, reset before each step through
``/proc/self/clear_refs``; Linux only) and the resident memory after it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from agriremed.io.synthetic import synthetic_plots


def grid_layer(n: int, path: Path, side: float = 50.0, gap: float = 10.0) -> Path:
    """n squares in rows of 300 north of (500 000 m, 3 100 000 m) in EPSG:4547."""
    cols = 300
    i = np.arange(n)
    x0 = 500_000.0 + (i % cols) * (side + gap) - cols * (side + gap) / 2
    y0 = 3_100_000.0 + (i // cols) * (side + gap)
    geoms = shapely.box(x0, y0, x0 + side, y0 + side)
    attrs = synthetic_plots(n, seed=1).drop(columns=["lat", "lon", "area_ha"], errors="ignore")
    gpd.GeoDataFrame(attrs, geometry=geoms, crs="EPSG:4547").to_file(path, layer="parcels", driver="GPKG")
    return path


def regions_layer(path: Path, n_plots: int, side: float = 50.0, gap: float = 10.0) -> Path:
    """Four quadrant regions covering the grid."""
    rows = int(np.ceil(n_plots / 300))
    xmin, xmax = 500_000.0 - 150 * (side + gap), 500_000.0 + 150 * (side + gap)
    ymin, ymax = 3_100_000.0, 3_100_000.0 + rows * (side + gap)
    xm, ym = (xmin + xmax) / 2, (ymin + ymax) / 2
    boxes = [shapely.box(xmin, ym, xm, ymax), shapely.box(xm, ym, xmax, ymax),
             shapely.box(xmin, ymin, xm, ym), shapely.box(xm, ymin, xmax, ym)]
    gpd.GeoDataFrame({"name": ["NW", "NE", "SW", "SE"]}, geometry=boxes, crs="EPSG:4547").to_file(
        path, layer="regions", driver="GPKG")
    return path


def _status(key: str) -> float:
    """``VmRSS`` or ``VmHWM`` of this process [MB] (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1]) / 1024
    return float("nan")


def phases(cmd: list[str]) -> list[dict]:
    """Run ``agriremed`` ``cmd`` in this process, the peak and resident memory of each GIS step [MB]."""
    import importlib

    from agriremed.apps import cli
    from agriremed.io import geo, report
    from agriremed.engine import stream

    plan_module = importlib.import_module("agriremed.engine.plan")  # the module (agriremed.plan is the function)

    rows: list[dict] = []

    def wrap(mod, name: str, label: str, reset: bool = True):
        f = getattr(mod, name)

        def run(*a, **k):
            if reset:
                Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
            before, t = _status("VmRSS"), time.perf_counter()
            out = f(*a, **k)
            rows.append(dict(step=label, rss_before_mb=before, peak_mb=_status("VmHWM"),
                             rss_after_mb=_status("VmRSS"), seconds=time.perf_counter() - t))
            return out
        setattr(mod, name, run)
        return f

    saved = [(geo, "read_layer", wrap(geo, "read_layer", "read a layer (plots, then regions)")),
             (geo, "read_regions", wrap(geo, "read_regions", "read the regions")),
             (stream, "plan_stream", wrap(stream, "plan_stream", "plan the chunks (plan/summary Parquet)")),
             (stream, "plan_chunk", wrap(stream, "plan_chunk", "  one chunk (peak so far)", reset=False)),
             (geo, "write_plan_layers_chunked", wrap(geo, "write_plan_layers_chunked", "write plan.gpkg")),
             (cli, "_regions_from_parquet", wrap(cli, "_regions_from_parquet", "regions.csv (region join)")),
             (geo, "write_plan_layers", wrap(geo, "write_plan_layers", "write plan.gpkg (in-memory plan)")),
             (cli, "_attach_geometry", wrap(cli, "_attach_geometry", "geometry + regions on the plan")),
             (report, "_map_section", wrap(report, "_map_section", "map figures of report.html")),
             (plan_module, "plan", wrap(plan_module, "plan", "plan in memory (one plan)")),
             (plan_module.Plan, "write", wrap(plan_module.Plan, "write", "write the in-memory plan's files"))]
    try:
        cli.main(cmd)
    finally:
        for mod, name, f in saved:
            setattr(mod, name, f)
    rows.append(dict(step="whole run", rss_before_mb=float("nan"), peak_mb=float("nan"),
                     rss_after_mb=_status("VmRSS"), seconds=float("nan")))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--keep", help="folder to keep the layer and outputs in")
    ap.add_argument("--memory", type=float, help="--memory of the plan [MB] (default: agriremed's)")
    ap.add_argument("--layer", help="plan this existing grid layer (and its regions.gpkg beside it)")
    ap.add_argument("--phases", action="store_true",
                    help="plan in this process and report the memory of each GIS step (Linux)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        base = Path(args.keep) if args.keep else Path(d)
        base.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        if args.layer:
            layer, regions = Path(args.layer), Path(args.layer).with_name("regions.gpkg")
        else:
            layer = grid_layer(args.n, base / "grid.gpkg")
            regions = regions_layer(base / "regions.gpkg", args.n)
            print(f"wrote {args.n:,} parcels in {time.perf_counter() - t:.1f} s "
                  f"({layer.stat().st_size / 1e6:.1f} MB)")
        cmd = ["plan", str(layer), "--out", str(base / "out"), "--draws", "0", "--format", "gpkg",
               "--regions", str(regions), "--quiet"]
        if args.memory:
            cmd += ["--memory", str(args.memory)]
        if args.phases:
            import pandas as pd

            t = time.perf_counter()
            table = pd.DataFrame(phases(cmd))
            print(table.to_string(index=False, float_format=lambda x: f"{x:,.0f}"))
            print(f"highest step peak {table['peak_mb'].max():,.0f} MB; {time.perf_counter() - t:.0f} s")
            return
        cmd = [sys.executable, "-m", "agriremed", *cmd]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env={"TQDM_DISABLE": "1",
                                                                        "PATH": "/usr/bin:/bin"})
        wall = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out = gpd.read_file(base / "out" / "plan.gpkg", layer="plots", columns=["plot_id"])
        run = json.loads((base / "out" / "run.json").read_text(encoding="utf-8"))
        print(f"planned {len(out):,} parcels in {run['chunks']} chunk(s) of {run['chunk_size']:,}: "
              f"{wall:.0f} s wall, peak RSS {peak_mb:,.0f} MB ({len(out) / wall:,.0f} plots/s)")


if __name__ == "__main__":
    main()
