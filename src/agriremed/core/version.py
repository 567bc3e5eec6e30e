"""Version of agriremed (read by the build and by ``run.py``), and the code state behind it.

``__version__`` alone does not tell two states of the code apart between releases;
:func:`code_state` adds the git commit of the package's source tree when the package is run
from a git checkout, so that ``run.json`` can be tied to the code that wrote it.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

__version__ = "0.1.0"

#: Longest time a git query of :func:`code_state` may take [s]; beyond it the state is unknown.
GIT_TIMEOUT_S = 3.0


def _git(args: list[str], cwd: Path) -> str | None:
    """Output of ``git <args>`` run in ``cwd`` (stripped), or ``None`` if git is absent, fails
    or takes longer than :data:`GIT_TIMEOUT_S`. No shell, no lock taken on the repository."""
    exe = shutil.which("git")
    if exe is None:
        return None
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S, env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@functools.lru_cache(maxsize=4)
def code_state(package_dir: str | None = None) -> dict:
    """The git commit of the package's source tree and whether it had local changes.

    Parameters
    ----------
    package_dir : str, optional
        Folder of the ``agriremed`` package (default: the folder of this package).

    Returns
    -------
    dict
        ``commit``: the 40-hex-digit commit checked out (``None`` when the package is not a
        tracked part of a git checkout, e.g. installed from a wheel, or when git is absent or
        does not answer within :data:`GIT_TIMEOUT_S` seconds); ``modified``: ``True`` when
        files of the package folder differ from that commit (tracked files changed or new
        files not ignored), ``False`` when none do, ``None`` when not known. Never raises;
        cached per folder for the life of the process.
    """
    d = Path(package_dir) if package_dir else Path(__file__).resolve().parents[1]
    unknown = {"commit": None, "modified": None}
    if not d.is_dir():
        return unknown
    # the package's own files must be tracked: a package installed inside another
    # repository's folder (a virtual environment in a checkout) is not that repository's code
    if not _git(["ls-files", "--", "__init__.py"], d):
        return unknown
    commit = _git(["rev-parse", "--verify", "HEAD"], d)
    if not commit:
        return unknown
    status = _git(["status", "--porcelain", "--", "."], d)
    return {"commit": commit, "modified": None if status is None else bool(status)}
