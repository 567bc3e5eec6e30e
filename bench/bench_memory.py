"""Peak memory of the default ``agriremed plan`` command on a large plot table.

Run: ``python bench/bench_memory.py [--plots 200000] [--draws N] [--memory MB] [--jobs N] [--out DIR]``
(with agriremed importable).

1. **The default command** — writes a synthetic plot table
   (:func:`agriremed.io.synthetic.synthetic_plots`, the sample plots resampled and jittered)
   as CSV, then runs ``agriremed plan FILE --out DIR --quiet`` (``agriremed.apps.cli.main``, as
   ``bash run.sh plan FILE`` does) in a child process and reports its wall time and peak
   resident memory: ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the child is the only
   process this script waits for; on Linux the figure is at least this script's own memory
   when the child was started, inherited through fork and exec), the child's own
   ``VmHWM``, and the largest sum of the resident memory of the child and its worker
   processes (``--jobs``), sampled every 50 ms.
2. **The memory model** (``--model``) — plans ``n`` plots with ``D`` Monte Carlo draws in one
   call of :func:`agriremed.engine.stream.plan_chunk`, one fresh process per point, and prints the
   measured peak next to :func:`agriremed.engine.stream.memory_estimate_mb`, the estimate the CLI
   uses to choose its chunk size and to refuse too many draws.

Results are printed and written to ``DIR/memory.json``. ``tests/test_bench.py`` runs both
at a tiny size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: ru_maxrss is in KiB on Linux (bytes on macOS).
RSS_UNIT_BYTES = 1 if sys.platform == "darwin" else 1024
MB = 1e6

#: Points (plots, draws) of ``--model``: without draws, with the default 500 draws, and many
#: draws on one plot.
MODEL_POINTS = ((500, 0), (2_000, 0), (500, 500), (1_000, 500), (1, 100_000))


#: Runs ``agriremed plan …`` as ``python -m agriremed`` does, then writes the process's own
#: high-water mark of resident memory (``VmHWM`` of /proc/self/status, Linux) to the file
#: named by AGRIREMED_HWM_FILE.
LAUNCHER = """
import atexit, os, sys
def _hwm():
    try:
        kb = next(int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM:'))
    except (OSError, StopIteration):
        return
    open(os.environ['AGRIREMED_HWM_FILE'], 'w').write(str(kb * 1024))
atexit.register(_hwm)
from agriremed.apps.cli import main
sys.exit(main(sys.argv[1:]))
"""


def own_peak_mb() -> float:
    """Peak resident memory of this process since it started [MB]: ``VmHWM`` (Linux), which
    unlike ``ru_maxrss`` does not include the memory of the parent the process was forked from;
    ``ru_maxrss`` elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(x.split()[1]) for x in f if x.startswith("VmHWM:")) * 1024 / MB
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * RSS_UNIT_BYTES / MB


def children_peak_mb() -> float:
    """Largest peak resident memory of the child processes waited for so far [MB]."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * RSS_UNIT_BYTES / MB


def tree_rss_mb(root: int) -> float | None:
    """Resident memory of process ``root`` and all its descendants now [MB] (the sum of their
    ``VmRSS``, Linux /proc; pages shared between them counted in each, so an upper bound);
    ``None`` where /proc cannot be read."""
    try:
        parents = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat", encoding="ascii", errors="replace") as f:
                        parents[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
    except OSError:
        return None
    tree, grew = {root}, True
    while grew:
        more = {p for p, pp in parents.items() if pp in tree and p not in tree}
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total / MB


class TreePeak:
    """Largest :func:`tree_rss_mb` of a process tree, sampled every ``interval`` seconds in a
    thread while the root runs (a worker process of a parallel run counts with the main one)."""

    def __init__(self, root: int, interval: float = 0.05):
        import threading

        self.root, self.interval, self.peak = root, interval, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            now = tree_rss_mb(self.root)
            if now is not None:
                self.peak = now if self.peak is None else max(self.peak, now)
            self._stop.wait(self.interval)

    def stop(self) -> float | None:
        """Stop sampling; the peak [MB] (``None`` where /proc cannot be read)."""
        self._stop.set()
        self._thread.join()
        return self.peak


def write_plots(n: int, path: Path, seed: int = 20261123) -> Path:
    """Write ``n`` synthetic plots as CSV (UTF-8) to ``path``."""
    from agriremed.io.synthetic import synthetic_plots

    path.parent.mkdir(parents=True, exist_ok=True)
    synthetic_plots(n, seed=seed).to_csv(path, index=False)
    return path


def run_default_command(plots: Path, out: Path, extra: list[str] | None = None) -> dict:
    """Run ``python -m agriremed plan PLOTS --out OUT --quiet [extra]`` and measure it.

    Returns
    -------
    dict
        ``exit_code``, ``seconds`` (wall time), ``peak_rss_mb`` (the child's ``ru_maxrss``:
        on Linux at least this script's own resident memory when it started the child, which
        is far below the plan's; with worker processes the largest single process),
        ``hwm_mb`` (the child's own ``VmHWM``, Linux), ``tree_peak_mb`` (the largest sum of
        the resident memory of the command and its worker processes, sampled every 50 ms;
        Linux), ``command`` and the last lines of its output.
    """
    if children_peak_mb() > 0:
        raise RuntimeError("a child process already ran: its peak would mask the plan's "
                           "(use a fresh process)")
    args = ["plan", str(plots), "--out", str(out), "--quiet", *(extra or [])]
    hwm = Path(tempfile.mkdtemp(prefix="agriremed-hwm-")) / "hwm"
    env = {**os.environ, "AGRIREMED_HWM_FILE": str(hwm)}
    t0 = time.perf_counter()
    with subprocess.Popen([sys.executable, "-c", LAUNCHER, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=env) as child:
        sampler = TreePeak(child.pid)
        stdout, stderr = child.communicate()
        tree_peak = sampler.stop()
    seconds = time.perf_counter() - t0
    return dict(command=" ".join(["agriremed", *args]), exit_code=child.returncode, seconds=seconds,
                peak_rss_mb=children_peak_mb(),
                hwm_mb=int(hwm.read_text()) / MB if hwm.exists() else None,
                tree_peak_mb=tree_peak,
                bench_process_peak_mb=own_peak_mb(), stdout_tail=stdout.splitlines()[-3:],
                stderr_tail=stderr.splitlines()[-3:])


def _model_child(n: int, draws: int) -> None:
    """Plan ``n`` synthetic plots with ``draws`` draws in one chunk; print the peak as JSON."""
    import agriremed
    from agriremed.engine.stream import plan_chunk
    from agriremed.io.synthetic import synthetic_plots
    from agriremed.core.tables import load_tables

    plots = synthetic_plots(n, seed=1).astype(str)
    tables = load_tables()
    t0 = time.perf_counter()
    plan_chunk(plots, agriremed.Scenario(mc_draws=draws), tables)
    peak = own_peak_mb()
    print(json.dumps({"plots": n, "draws": draws, "peak_rss_mb": peak, "seconds": time.perf_counter() - t0}))


def model_point(n: int, draws: int) -> dict:
    """Measured peak of one (plots, draws) point in a fresh process, with the model's estimate."""
    from agriremed.engine.stream import memory_estimate_mb

    cmd = [sys.executable, str(Path(__file__).resolve()), "--model-child", str(n), str(draws)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    row = json.loads(done.stdout.strip().splitlines()[-1])
    row["estimate_mb"] = memory_estimate_mb(n, draws)
    return row


def machine() -> dict:
    import numpy
    import pandas

    import agriremed

    return {"python": platform.python_version(), "numpy": numpy.__version__, "pandas": pandas.__version__,
            "agriremed": agriremed.__version__, "nproc": os.cpu_count(),
            "load_avg": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "date": time.strftime("%Y-%m-%d %H:%M")}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plots", type=int, default=200_000,
                    help="plots in the generated table (default 200 000)")
    ap.add_argument("--draws", type=int,
                    help="--draws passed to agriremed plan (default: the scenario's, 500)")
    ap.add_argument("--memory", type=float, help="--memory passed to agriremed plan [MB]")
    ap.add_argument("--jobs", type=int, help="--jobs passed to agriremed plan (default: its own choice)")
    ap.add_argument("--out", default=None, help="folder for the table, the plan outputs and memory.json")
    ap.add_argument("--model", action="store_true", help="measure the memory model instead")
    ap.add_argument("--points", type=int, nargs="*", help="--model points as plots draws plots draws …")
    ap.add_argument("--model-child", type=int, nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.model_child:
        _model_child(*a.model_child)
        return {}
    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="agriremed-bench-memory-"))
    out.mkdir(parents=True, exist_ok=True)
    res: dict = {"machine": machine()}
    if a.model:
        pts = list(zip(a.points[0::2], a.points[1::2], strict=True)) if a.points else list(MODEL_POINTS)
        rows = []
        print(f"{'plots':>8s} {'draws':>8s} {'peak MB':>9s} {'estimate MB':>12s} {'s':>7s}")
        for n, d in pts:
            r = model_point(n, d)
            rows.append(r)
            print(f"{n:>8,d} {d:>8,d} {r['peak_rss_mb']:>9,.0f} {r['estimate_mb']:>12,.0f} "
                  f"{r['seconds']:>7.1f}", flush=True)
        res["model"] = rows
    else:
        t0 = time.perf_counter()
        plots = write_plots(a.plots, out / f"plots_{a.plots}.csv")
        res["generate_s"] = time.perf_counter() - t0
        res["plots"] = a.plots
        res["file_mb"] = plots.stat().st_size / MB
        extra = [*(["--draws", str(a.draws)] if a.draws is not None else []),
                 *(["--memory", str(a.memory)] if a.memory is not None else []),
                 *(["--jobs", str(a.jobs)] if a.jobs is not None else [])]
        run = run_default_command(plots, out / "plan", extra)
        res.update(run)
        hwm = "" if run["hwm_mb"] is None else f" (its own VmHWM {run['hwm_mb']:,.0f} MB)"
        if run["tree_peak_mb"] is not None:
            hwm += f"; with its worker processes {run['tree_peak_mb']:,.0f} MB"
        print(f"{a.plots:,} plots ({res['file_mb']:,.0f} MB CSV): {run['command']}\n"
              f"exit {run['exit_code']}, {run['seconds']:,.0f} s, "
              f"peak resident memory (ru_maxrss of the child) {run['peak_rss_mb']:,.0f} MB{hwm}",
              flush=True)
        for line in run["stderr_tail"]:
            print("  " + line)
    (out / "memory.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return res


if __name__ == "__main__":
    main()
