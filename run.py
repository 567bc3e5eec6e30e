"""agriremed: one-command set-up and run without bash (Windows, macOS, Linux).

    python run.py plan [agriremed plan arguments]   set up, then plan the sample plots (or FILE) into out/
    python run.py test [pytest arguments]           set up, then run the test suite
    python run.py dash [--port N] [--no-browser]    set up, then serve the dashboards offline on localhost
    python run.py env                               only set up the environment
    python run.py bundle                            build dist/agriremed-offline-<version>.zip (wheels of
                                                    agriremed and its pinned dependencies, for this
                                                    operating system and Python, with install steps)

The same steps as ``run.sh``, with the standard library only (``run.ps1`` calls this file):
a virtual environment in ``.venv`` (Python >= 3.11), agriremed with all extras at the versions
pinned in constraints.txt, skipped when nothing it depends on has changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
EXTRAS = "all"
#: Extras of the offline bundle: what the plan, its one-page PDF sheets, solar PV and GIS files
#: and the dashboards need (no test, dask or developer tools).
BUNDLE_EXTRAS = "notebooks,xlsx,pdf,pv,geo"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd, **kw) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=HERE, **kw)


def setup() -> Path:
    """Create .venv and install agriremed[all] with the pinned versions when needed; return its python."""
    if sys.version_info < (3, 11):
        sys.exit(f"agriremed needs Python >= 3.11 (this is {sys.version.split()[0]}); "
                 "run it with py -3.11 run.py")
    py = venv_python()
    if not py.exists():
        print(f"[agriremed] creating virtual environment in {VENV.name}", flush=True)
        import venv

        venv.create(VENV, with_pip=True)
    # the same stamp as run.sh: the two set-ups recognise each other's environment
    stamp = hashlib.sha256((HERE / "pyproject.toml").read_bytes() + (HERE / "constraints.txt").read_bytes())
    stamp = f"{stamp.hexdigest()[:16]}-{EXTRAS}"
    mark = VENV / ".agriremed-installed"
    if not mark.exists() or mark.read_text().strip() != stamp:
        print(f"[agriremed] installing agriremed[{EXTRAS}] with pinned versions (first run: a few minutes)",
              flush=True)
        if run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"]) or run(
            [py, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", f".[{EXTRAS}]"]
        ):
            sys.exit("[agriremed] installation failed (see the pip messages above)")
        mark.write_text(stamp + "\n")
    return py


def version() -> str:
    text = (HERE / "src" / "agriremed" / "core" / "version.py").read_text(encoding="utf-8")
    return re.search(r'__version__\s*=\s*"([^"]+)"', text).group(1)


INSTALL = """agriremed {version} — offline installation
=============================================

This bundle holds agriremed and every package it needs ({extras} extras) as wheels for
{platform}, Python {python}. No internet connection is needed.

1. Install Python {python} (python.org; on Windows tick "Add python.exe to PATH").
2. Unpack this zip file and open a terminal (Windows: PowerShell) in the unpacked folder.
3. Create an environment and install from the wheels in this folder only:

   Windows (PowerShell):
     py -{python} -m venv agriremed-env
     agriremed-env\\Scripts\\python -m pip install --no-index --find-links wheelhouse "agriremed[{extras}]"
     agriremed-env\\Scripts\\agriremed dash

   Linux / macOS:
     python{python} -m venv agriremed-env
     agriremed-env/bin/python -m pip install --no-index --find-links wheelhouse "agriremed[{extras}]"
     agriremed-env/bin/agriremed dash

4. "agriremed dash" opens the dashboards in the browser (http://127.0.0.1:8866/); stop them
   with Ctrl+C. "agriremed plan samples/plots.csv --out out --lang zh --sheets" plans the sample
   plots of this folder: out/report.html, out/plan.xlsx and one A4 sheet per plot in out/sheets.
   Any other table of plots in the same columns is planned the same way.

The wheels are for the system the bundle was built on: build the bundle for Windows on a
Windows computer (python run.py bundle), for Linux on Linux.
"""


def bundle(py: Path) -> Path:
    """Build dist/agriremed-offline-<version>.zip: a wheelhouse of agriremed and its pinned dependencies."""
    import platform

    ver = version()
    dist = HERE / "dist"
    dist.mkdir(exist_ok=True)
    out = dist / f"agriremed-offline-{ver}.zip"
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="agriremed-bundle-") as d:
        house = Path(d) / "wheelhouse"
        code = run([py, "-m", "pip", "wheel", "--quiet", "-c", "constraints.txt", "-w", house,
                    f".[{BUNDLE_EXTRAS}]"])
        if code:
            sys.exit("[agriremed] building the wheels failed (see the pip messages above)")
        py_ver = f"{sys.version_info.major}.{sys.version_info.minor}"
        text = INSTALL.format(version=ver, extras=BUNDLE_EXTRAS, python=py_ver,
                              platform=f"{platform.system()} {platform.machine()}")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:  # wheels are compressed already
            z.writestr(f"agriremed-offline-{ver}/INSTALL.txt", text)
            z.write(HERE / "constraints.txt", f"agriremed-offline-{ver}/constraints.txt")
            for csv in sorted((HERE / "data" / "samples").glob("*.csv")):
                z.write(csv, f"agriremed-offline-{ver}/samples/{csv.name}")
            for whl in sorted(house.glob("*.whl")):
                z.write(whl, f"agriremed-offline-{ver}/wheelhouse/{whl.name}")
        n = len(list(house.glob("*.whl")))
    mb = out.stat().st_size / 1e6
    print(f"[agriremed] {out.relative_to(HERE)}: {n} wheels, {mb:.0f} MB, built in {time.time() - t0:.0f} s")
    return out


def main(argv: list[str]) -> int:
    cmd, args = (argv[0], argv[1:]) if argv else ("plan", [])
    if cmd not in ("plan", "test", "dash", "env", "bundle"):
        print("usage: python run.py {plan|test|dash|env|bundle} [arguments]", file=sys.stderr)
        return 2
    py = setup()
    if cmd == "env":
        print(f"[agriremed] environment ready: {VENV.name}")
        return 0
    if cmd == "bundle":
        bundle(py)
        return 0
    if cmd == "plan":
        if not args:
            args = ["data/samples/plots.csv"]
        if not any(a in ("--out", "-h", "--help") or a.startswith("--out=") for a in args):
            args += ["--out", "out/"]
        return run([py, "-m", "agriremed", "plan", *args])
    if cmd == "test":
        env = {**os.environ, "TQDM_DISABLE": "1", "MPLBACKEND": "Agg"}
        return run([py, "-m", "pytest", *args], env=env)
    return run([py, "-m", "agriremed.apps.dashboards", *args])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(0)
