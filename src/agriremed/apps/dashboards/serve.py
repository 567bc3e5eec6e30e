"""Serve the dashboard notebooks with Voila on localhost, offline.

``python -m agriremed.apps.dashboards [FOLDER] [--port N] [--no-browser]`` starts Voila on
``127.0.0.1`` with agriremed's Voila template (Voila's lab template without its links
to a CDN), so the page requests nothing outside the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from agriremed.apps.dashboards._base import PLOTLY_ESM_ENV
from agriremed.core.tables import TableError, load_tables

__all__ = ["TEMPLATE_ROOT", "PACKAGED_NOTEBOOKS", "find_notebooks", "sample_file", "voila_command", "main",
           "KERNEL_CULL_IDLE_S", "KERNEL_CULL_INTERVAL_S"]

#: Folder that holds ``voila/templates/agriremed`` (added to ``JUPYTER_PATH``).
TEMPLATE_ROOT = Path(__file__).resolve().parent / "jupyter"

#: Notebook opened first.
START = "00_agriremed.ipynb"

#: The dashboard notebooks and sample tables as installed with the package (copied from
#: ``notebooks/dashboards`` and ``data/samples`` when the wheel is built; see ``setup.py``).
PACKAGED_NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"

#: A dashboard kernel with no browser tab connected and idle this long is shut down [s]
#: (each kernel holds 260–360 MB; a tab left open is never culled, nor a kernel still planning).
KERNEL_CULL_IDLE_S = 180
#: How often kernels are checked for culling [s].
KERNEL_CULL_INTERVAL_S = 60


def find_notebooks(start: Path | None = None) -> Path | None:
    """``notebooks/dashboards`` of the repository containing ``start`` (default: the working
    directory), else the notebooks installed with the package, else None."""
    start = (start or Path.cwd()).resolve()
    for p in [start, *start.parents]:
        cand = p / "notebooks" / "dashboards"
        if (cand / START).exists():
            return cand
    return PACKAGED_NOTEBOOKS if (PACKAGED_NOTEBOOKS / START).exists() else None


def sample_file(name: str, start: Path | None = None) -> Path:
    """A sample table (``plots.csv``, ``plots_two_broken_rows.csv``) for the dashboard notebooks.

    ``data/samples/<name>`` of the repository containing ``start`` (default: the working
    directory), else the copy installed with the package (``pip install agriremed``).

    Raises
    ------
    FileNotFoundError
        Neither exists.
    """
    start = (start or Path.cwd()).resolve()
    for p in [start, *start.parents]:
        cand = p / "data" / "samples" / name
        if cand.exists():
            return cand
    cand = PACKAGED_NOTEBOOKS / "samples" / name
    if cand.exists():
        return cand
    raise FileNotFoundError(f"sample table {name} not found (no data/samples folder and none installed)")


#: Template whose ``static`` folder serves plotly's widget module to the dashboard pages.
_STATIC_TEMPLATE = "agriremed"


def plotly_module_root() -> tuple[Path, str] | None:
    """A folder for ``JUPYTER_PATH`` holding plotly's widget module as a static file of the template.

    Figure widgets then import the module from the server once per page instead of each
    carrying its 5 MB (see :func:`agriremed.apps.dashboards._base.figure_widget_class`). The file is
    copied to the temporary folder once per plotly version. Returns (folder, file name), or
    None when plotly's module is not found (figures then carry it, as in JupyterLab).
    """
    try:
        import plotly
    except ImportError:
        return None
    src = Path(plotly.__file__).resolve().parent / "package_data" / "widgetbundle.js"
    if not src.exists():
        return None
    name = f"plotly-widget-{plotly.__version__}.js"
    root = Path(tempfile.gettempdir()) / f"agriremed-voila-{plotly.__version__}"
    dst = root / "voila" / "templates" / _STATIC_TEMPLATE / "static" / name
    try:
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            dst.parent.mkdir(parents=True, exist_ok=True)
            tmp = dst.with_suffix(f".{os.getpid()}.tmp")
            shutil.copyfile(src, tmp)
            os.replace(tmp, dst)
    except OSError:
        return None
    return root, name


def voila_command(folder: Path, port: int = 8866, open_browser: bool = True,
                  tables: str | Path | None = None, cull_idle_s: float = KERNEL_CULL_IDLE_S,
                  cull_interval_s: float = KERNEL_CULL_INTERVAL_S) -> tuple[list[str], dict]:
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
    cull_idle_s, cull_interval_s : float
        A kernel without a connection is shut down after this idle time [s]; checked at
        this interval [s].

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
    static = plotly_module_root()
    roots = [str(TEMPLATE_ROOT), *([str(static[0])] if static else []), env.get("JUPYTER_PATH", "")]
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in roots if p)
    if static:
        env[PLOTLY_ESM_ENV] = f"voila/templates/{_STATIC_TEMPLATE}/static/{static[1]}"
    else:
        env.pop(PLOTLY_ESM_ENV, None)
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
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_s)}",
        f"--MappingKernelManager.cull_interval={max(int(cull_interval_s), 1)}",
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
        prog="agriremed dash",
        description="Serve the agriremed dashboards offline on localhost with Voila.",
    )
    ap.add_argument("folder", nargs="?", help="folder of dashboard notebooks (default: notebooks/dashboards)")
    ap.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    ap.add_argument("--no-browser", action="store_true", help="do not open a browser")
    ap.add_argument("--tables",
                    help="folder of your own tables (e.g. from agriremed fit-uptake) to plan with")
    ap.add_argument("--cull-idle", type=float, default=KERNEL_CULL_IDLE_S, metavar="SECONDS",
                    help="shut down the kernel of a closed tab after this idle time "
                         f"(default {KERNEL_CULL_IDLE_S} s)")
    args = ap.parse_args(argv)
    if args.tables is not None:
        try:
            load_tables(args.tables)
        except (TableError, OSError, ValueError) as exc:
            print(f"error: --tables {args.tables}: {exc}", file=sys.stderr)
            return 2
    folder = Path(args.folder) if args.folder else find_notebooks()
    if folder is None or not folder.exists():
        print(
            "error: no dashboard notebooks found (neither notebooks/dashboards of a repository nor the "
            "installed copies); pass the folder of the dashboard notebooks",
            file=sys.stderr,
        )
        return 2
    cmd, env = voila_command(folder, args.port, not args.no_browser, args.tables, cull_idle_s=args.cull_idle,
                             cull_interval_s=min(KERNEL_CULL_INTERVAL_S, max(args.cull_idle / 3, 1)))
    print(
        f"[agriremed] dashboards at http://127.0.0.1:{args.port}/voila/render/{START} "
        f"(all dashboards: http://127.0.0.1:{args.port}/) — stop with Ctrl+C",
        flush=True,
    )
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
