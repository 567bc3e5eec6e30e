"""Serve the dashboard notebooks with Voila on localhost, offline.

``python -m agriremed.dashboards [FOLDER] [--port N] [--no-browser]`` starts Voila on
``127.0.0.1`` with agriremed's Voila template (Voila's lab template without its links
to a CDN), so the page requests nothing outside the machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["TEMPLATE_ROOT", "find_notebooks", "voila_command", "main", "KERNEL_CULL_IDLE_S",
           "KERNEL_CULL_INTERVAL_S"]

#: Folder that holds ``voila/templates/agriremed`` (added to ``JUPYTER_PATH``).
TEMPLATE_ROOT = Path(__file__).resolve().parent / "jupyter"

#: Notebook opened first.
START = "00_agriremed.ipynb"

#: A dashboard kernel with no browser tab connected and idle this long is shut down [s]
#: (each kernel holds 260–360 MB; a tab left open is never culled, nor a kernel still planning).
KERNEL_CULL_IDLE_S = 180
#: How often kernels are checked for culling [s].
KERNEL_CULL_INTERVAL_S = 60


def find_notebooks(start: Path | None = None) -> Path | None:
    """``notebooks/dashboards`` of the repository containing ``start`` (default: the working directory)."""
    start = (start or Path.cwd()).resolve()
    for p in [start, *start.parents]:
        cand = p / "notebooks" / "dashboards"
        if (cand / START).exists():
            return cand
    return None


def voila_command(folder: Path, port: int = 8866, open_browser: bool = True,
                  tables: str | Path | None = None) -> tuple[list[str], dict]:
    """The Voila command line and environment that serve ``folder`` on 127.0.0.1:``port``.

    Kernels of closed tabs are culled: a kernel with no connection that has been idle for
    :data:`KERNEL_CULL_IDLE_S` seconds is shut down (checked every
    :data:`KERNEL_CULL_INTERVAL_S` seconds); a connected or busy kernel never is.

    Parameters
    ----------
    folder : Path
        Folder of dashboard notebooks.
    port : int
        TCP port.
    open_browser : bool
        Open the default browser at the list of dashboards.
    tables : str or Path, optional
        Folder of user tables (e.g. written by ``agriremed fit-uptake``) the dashboards add to
        the packaged ones; passed to the kernels as ``AGRIREMED_TABLES``.

    Returns
    -------
    cmd : list of str
        Command to run.
    env : dict
        Environment with agriremed's template folder first on ``JUPYTER_PATH``.

    Examples
    --------
    >>> cmd, env = voila_command(Path("notebooks/dashboards"), port=9000, open_browser=False)
    >>> cmd[3:6]
    ['--port=9000', '--Voila.ip=127.0.0.1', '--template=agriremed']
    """
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATE_ROOT), env.get("JUPYTER_PATH", "")) if p)
    if tables is not None:
        env["AGRIREMED_TABLES"] = str(Path(tables).resolve())
    cmd = [
        sys.executable,
        "-m",
        "voila",
        f"--port={int(port)}",
        "--Voila.ip=127.0.0.1",
        "--template=agriremed",
        "--theme=light",
        "--show_tracebacks=False",
        "--VoilaConfiguration.classic_tree=True",
        # a closed tab leaves its kernel without connections: shut it down once idle
        f"--MappingKernelManager.cull_idle_timeout={KERNEL_CULL_IDLE_S}",
        f"--MappingKernelManager.cull_interval={KERNEL_CULL_INTERVAL_S}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
        str(folder),
    ]
    if not open_browser:
        cmd.insert(-1, "--no-browser")
    return cmd, env


def main(argv: list[str] | None = None) -> int:
    """Start Voila (blocks until it is stopped with Ctrl+C)."""
    ap = argparse.ArgumentParser(
        prog="python -m agriremed.dashboards",
        description="Serve the agriremed dashboards offline on localhost with Voila.",
    )
    ap.add_argument("folder", nargs="?", help="folder of dashboard notebooks (default: notebooks/dashboards)")
    ap.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    ap.add_argument("--no-browser", action="store_true", help="do not open a browser")
    ap.add_argument("--tables", help="folder of your own tables (e.g. from agriremed fit-uptake) to plan with")
    args = ap.parse_args(argv)
    if args.tables is not None:
        from ..tables import TableError, load_tables

        try:
            load_tables(args.tables)
        except (TableError, OSError, ValueError) as exc:
            print(f"error: --tables {args.tables}: {exc}", file=sys.stderr)
            return 2
    folder = Path(args.folder) if args.folder else find_notebooks()
    if folder is None or not folder.exists():
        print(
            "error: no dashboard notebooks found; run from the agriremed repository or pass the folder "
            "notebooks/dashboards",
            file=sys.stderr,
        )
        return 2
    cmd, env = voila_command(folder, args.port, not args.no_browser, args.tables)
    print(
        f"[agriremed] dashboards at http://127.0.0.1:{args.port}/voila/render/{START} "
        f"(all dashboards: http://127.0.0.1:{args.port}/) — stop with Ctrl+C",
        flush=True,
    )
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
