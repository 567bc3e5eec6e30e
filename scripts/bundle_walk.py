"""Walk the offline bundle end to end, as on an office PC without internet.

    python scripts/bundle_walk.py [--zip dist/agriremed-offline-<version>.zip] [--pc /tmp/bundle_pc]
                                  [--build] [--no-install] [--no-browser]

1. (``--build``) builds the bundle with ``bash run.sh bundle`` and records its size and build time;
2. unpacks the zip into a fresh folder (``--pc``, emptied first) and runs the Linux install steps
   exactly as the bundle's INSTALL.txt gives them, with every network route closed: pip reads no
   configuration file (no index or wheel folder of this machine), ``PIP_NO_INDEX=1`` and a proxy
   that refuses connections (``http://127.0.0.1:9``);
3. runs ``pytest tests/e2e/test_bundle_walk.py`` with ``AGRIREMED_BUNDLE_DIR`` pointing at the
   unpacked folder: from the installed environment, outside the repository, the officer's walk
   in Chromium (assess a typed plot, switch to 中文, download the one-page Chinese sheet) and
   ``agriremed plan samples/plots.csv --out out --lang zh --sheets``.

Sizes and times go to ``test-artifacts/bundle_walk/bundle_walk.json``, with the screenshots and
PDFs of the walk. The browser part needs the repository's ``.venv`` (``bash run.sh env``, with
the test extra) and Chromium, like the other browser tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "bundle_walk"
#: A proxy that refuses every connection: a download attempt fails at once instead of going out.
NO_NETWORK_PROXY = "http://127.0.0.1:9"


def offline_env() -> dict[str, str]:
    """The environment of the install: no pip configuration of this machine, no index, no proxy
    that works."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PIP_")}
    env.update(
        PIP_CONFIG_FILE=os.devnull,  # ignore pip.conf: its index and wheel folders are not on the office PC
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        http_proxy=NO_NETWORK_PROXY,
        https_proxy=NO_NETWORK_PROXY,
        HTTP_PROXY=NO_NETWORK_PROXY,
        HTTPS_PROXY=NO_NETWORK_PROXY,
        no_proxy="",
        NO_PROXY="",
    )
    return env


def linux_steps(install_txt: str) -> list[str]:
    """The Linux / macOS commands of INSTALL.txt, in order."""
    part = install_txt.split("Linux / macOS:", 1)[1]
    steps = []
    for line in part.splitlines()[1:]:
        if not line.strip():
            break
        steps.append(line.strip())
    if not steps:
        raise SystemExit("INSTALL.txt lists no Linux / macOS commands")
    return steps


def build() -> dict:
    t0 = time.time()
    subprocess.run(["nice", "bash", "run.sh", "bundle"], cwd=ROOT, check=True)
    return {"build_s": round(time.time() - t0)}


def install(zip_path: Path, pc: Path) -> tuple[Path, dict]:
    """Unpack ``zip_path`` into the empty folder ``pc`` and follow INSTALL.txt; the bundle folder."""
    if pc.exists():
        shutil.rmtree(pc)
    pc.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(pc)
    (folder,) = [p for p in pc.iterdir() if p.is_dir()]
    steps = linux_steps((folder / "INSTALL.txt").read_text(encoding="utf-8"))
    py = f"python{sys.version_info.major}.{sys.version_info.minor}"
    env = offline_env()
    t0 = time.time()
    for step in steps:
        args = shlex.split(step)
        if args[-1] == "dash":  # the start command: the walk starts it itself
            continue
        if args[0] == py and shutil.which(py) is None:
            args[0] = sys.executable
        print("[bundle walk] $", " ".join(args), flush=True)
        subprocess.run(["nice", *args], cwd=folder, env=env, check=True)
    info = {"install_s": round(time.time() - t0), "install_steps": steps}
    return folder, info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--zip", type=Path, help="the bundle (default: the newest dist/agriremed-offline-*.zip)")
    ap.add_argument("--pc", type=Path, default=Path("/tmp/bundle_pc"), help="folder of the simulated PC")
    ap.add_argument("--build", action="store_true", help="build the bundle first (bash run.sh bundle)")
    ap.add_argument("--no-install", action="store_true", help="reuse the install in --pc")
    ap.add_argument("--no-browser", action="store_true", help="only build / install")
    args = ap.parse_args(argv)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report_path = ARTIFACTS / "bundle_walk.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    report.update(
        date_utc=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        machine=f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
                f"load {os.getloadavg()[0]:.1f} at start",
        python=platform.python_version(),
    )
    if args.build:
        report.update(build())
    zips = [args.zip] if args.zip else sorted((ROOT / "dist").glob("agriremed-offline-*.zip"),
                                              key=lambda p: p.stat().st_mtime)
    if not zips or not zips[-1].exists():
        raise SystemExit("no bundle: build it with bash run.sh bundle (or pass --build)")
    zip_path = zips[-1]
    with zipfile.ZipFile(zip_path) as z:
        wheels = [n for n in z.namelist() if n.endswith(".whl")]
    report.update(bundle=zip_path.name, bundle_mb=round(zip_path.stat().st_size / 1e6), wheels=len(wheels))
    if args.no_install:
        (folder,) = [p for p in args.pc.iterdir() if p.is_dir()]
    else:
        folder, info = install(zip_path, args.pc)
        report.update(info)
    report_path.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    if args.no_browser:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    env = {**os.environ, "AGRIREMED_BUNDLE_DIR": str(folder), "TQDM_DISABLE": "1", "MPLBACKEND": "Agg"}
    py = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    t0 = time.time()
    code = subprocess.call(["nice", str(py), "-m", "pytest", "tests/e2e/test_bundle_walk.py", "-q", "-x",
                            "-p", "no:cacheprovider", "-o", "addopts="], cwd=ROOT, env=env)
    report = json.loads(report_path.read_text())  # the test adds its numbers
    report.update(walk_s=round(time.time() - t0),
                  walk="passed" if code == 0 else f"failed (pytest exit {code})")
    report_path.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return code


if __name__ == "__main__":
    sys.exit(main())
