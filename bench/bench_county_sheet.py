"""Time and peak memory of a large Chinese county sheet: validation and the streamed plan.

Run: ``python bench/bench_county_sheet.py [--rows 200000] [--draws 0] [--src SRC ...] [--out DIR]``
(with agriremed importable; ``--src`` names one or more source trees, the ``src`` folders of two
versions of the code, measured in turn on the same sheet).

The sheet is what a county office sends, written as CSV (UTF-8): a title line, Chinese headers
(地块编号, 行政区, 土地利用类型, 作物, 面积, pH, 镉, 汞, 砷, 铅, 铬), a unit row under them (亩, 无量纲,
mg/kg, Hg in μg/kg), Chinese land uses and crops (水田 水稻, 旱地 小麦/玉米, 菜地 青菜), lab words
(未检出, <5 μg/kg), no soil organic matter and no clay (the transfer functions that read them use the
typical values of ``covariate_defaults.csv``). Rows are drawn from twelve templates with jittered
values (seed 1), so every row is a valid plot.

For each source tree, two commands, each in a child process (wall time; processor time and peak
resident memory ``ru_maxrss`` of the child from ``os.wait4``, the same figure as ``/usr/bin/time -v``
gives; with ``--jobs 1`` there are no worker processes, so the figure is the whole command's):

1. ``agriremed validate SHEET --out DIR`` — validation of the whole sheet, ``problems.csv``;
2. ``agriremed plan SHEET --out DIR --draws D --jobs 1 --quiet --no-report --no-xlsx`` — the
   streamed plan (chunks of the automatic size), ``plan.csv`` and ``summary.csv``.

Results are printed and written to ``DIR/county_sheet.json`` with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

#: ru_maxrss is in KiB on Linux (bytes on macOS).
RSS_UNIT_BYTES = 1 if sys.platform == "darwin" else 1024
MB = 1e6

HERE = Path(__file__).resolve().parent

TITLE = "县级耕地土壤重金属详查结果汇总表（2025年）"
HEADER = "地块编号,行政区,土地利用类型,作物,面积,pH,镉,汞,砷,铅,铬"
UNITS = ",,,,亩,无量纲,mg/kg,μg/kg,mg/kg,mg/kg,mg/kg"

#: Row templates: region, land use, crop, pH, Cd, Hg [μg/kg], As, Pb, Cr (mg/kg but Hg).
TEMPLATES = (
    ("湖南省株洲市渌口区", "水田", "水稻", 5.1, 0.86, 220, 16.2, 58, 71),
    ("湖南省湘潭市湘潭县", "水田", "水稻", 5.4, 1.92, 310, 18.5, 74, 66),
    ("湖南省衡阳市衡阳县", "水田", "早稻", 5.8, 0.45, 150, 12.0, 45, 60),
    ("广西壮族自治区河池市环江毛南族自治县", "水田", "水稻", 6.2, 0.62, 180, 25.0, 80, 75),
    ("江苏省苏州市吴中区", "菜地", "青菜", 6.6, 0.52, 200, 9.8, 35, 65),
    ("河北省石家庄市藁城区", "旱地", "小麦", 7.9, 0.48, 90, 11.0, 28, 62),
    ("河南省周口市西华县", "旱地", "玉米", 8.1, 0.35, 60, 10.5, 24, 58),
    ("河南省济源市", "旱地", "小麦", 8.0, 1.25, 120, 13.0, 160, 64),
    ("广东省韶关市曲江区", "水田", "水稻", 5.3, 0.38, "未检出", 21.0, 95, 50),
    ("湖南省郴州市苏仙区", "旱地", "玉米", 6.4, 0.95, 260, 45.0, 210, 80),
    ("四川省成都市新津区", "水田", "水稻", 6.9, 0.31, 110, 8.7, 33, 72),
    ("江西省赣州市大余县", "旱地", "红薯", 5.6, 0.72, "<5", 14.0, 88, 55),
)


def write_sheet(path: Path, rows: int, seed: int = 1) -> Path:
    """The county sheet of ``rows`` plots (see the module text) as UTF-8 CSV."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(TEMPLATES), rows)
    jit = rng.lognormal(0.0, 0.15, (rows, 5))
    dph = rng.normal(0.0, 0.15, rows)
    area = np.round(rng.uniform(0.5, 12.0, rows), 1)
    lines = [TITLE, HEADER, UNITS]
    for i in range(rows):
        reg, lu, crop, ph, cd, hg, as_, pb, cr = TEMPLATES[pick[i]]
        j = jit[i]
        hg_txt = hg if isinstance(hg, str) else f"{hg * j[1]:.0f}"
        lines.append(f"DK{i + 1:06d},{reg},{lu},{crop},{area[i]},{min(max(ph + dph[i], 4.0), 8.8):.1f},"
                     f"{cd * j[0]:.3f},{hg_txt},{as_ * j[2]:.1f},{pb * j[3]:.1f},{cr * j[4]:.1f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _timed(cmd: list[str], src: str) -> dict:
    """Wall time [s], processor time [s] and peak resident memory [MB] of ``cmd`` in a child process
    (``os.wait4``: the child's own resource use, with the processes it waited for)."""
    env = dict(os.environ, PYTHONPATH=src, TQDM_DISABLE="1", MPLBACKEND="Agg")
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        tail = log.read().strip().splitlines()[-3:]
    return {"exit": proc.returncode, "wall_s": round(wall, 1), "cpu_s": round(ru.ru_utime + ru.ru_stime, 1),
            "peak_mb": round(ru.ru_maxrss * RSS_UNIT_BYTES / MB), "load_start": round(load, 1),
            "load_end": round(os.getloadavg()[0], 1), "tail": tail}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000, help="plots in the sheet (default 200 000)")
    ap.add_argument("--draws", type=int, default=0, help="Monte Carlo draws of the plan (default 0)")
    ap.add_argument("--src", nargs="+", default=[str(HERE.parent / "src")], help="source trees to measure")
    ap.add_argument("--out", default=None, help="folder for the sheet, the outputs and county_sheet.json")
    ap.add_argument("--skip-plan", action="store_true", help="validation only")
    a = ap.parse_args(argv)
    out = Path(a.out or tempfile.mkdtemp(prefix="agriremed_county_"))
    out.mkdir(parents=True, exist_ok=True)
    sheet = write_sheet(out / f"county_{a.rows}.csv", a.rows)
    print(f"sheet {sheet} ({sheet.stat().st_size / 1e6:.1f} MB, {a.rows} rows)", flush=True)
    results = []
    for k, src in enumerate(a.src):
        d = out / f"tree{k}"
        v = _timed([sys.executable, "-m", "agriremed", "validate", str(sheet), "--out", str(d / "validate")], src)
        print(f"{src}: validate {v}", flush=True)
        row = {"src": src, "rows": a.rows, "validate": v}
        if not a.skip_plan:
            p = _timed([sys.executable, "-m", "agriremed", "plan", str(sheet), "--out", str(d / "plan"), "--draws",
                        str(a.draws), "--jobs", "1", "--quiet", "--no-report", "--no-xlsx"], src)
            print(f"{src}: plan --draws {a.draws} {p}", flush=True)
            row["plan"] = p
        results.append(row)
    (out / "county_sheet.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
