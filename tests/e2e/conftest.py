"""Browser tests: Voila serves the dashboard notebooks on 127.0.0.1, Debian's Chromium loads them.

Playwright cannot download its own browser on the project's machines, so the tests drive
the system Chromium (``/usr/bin/chromium``, or ``$AGRIREMED_CHROMIUM``) through
``executable_path``. ``bash run.sh test`` installs it with apt-get when it is missing and
the user is root. Without Chromium the browser tests are skipped with a message, unless
``AGRIREMED_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which turns the skip into a failure.

Every page records its requests and console messages; a test fails if any request leaves
the machine or the console logs an error. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from agriremed.apps.dashboards.serve import voila_command

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
LOCAL_PREFIXES = ("http://127.0.0.1:", "ws://127.0.0.1:", "blob:", "data:", "about:")


def pytest_collection_modifyitems(items):
    """Mark the browser tests and run them last (the quick tests report first)."""
    here = Path(__file__).parent
    browser = [i for i in items if here in Path(i.fspath).parents]
    for item in browser:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.timeout(600))
    items[:] = [i for i in items if i not in browser] + browser


def chromium_path() -> str | None:
    """Path of the system Chromium, or None."""
    for cand in (
        os.environ.get("AGRIREMED_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if cand and Path(cand).exists():
            return cand
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        msg = (
            "Chromium not found: the browser tests need Debian's chromium package "
            "(apt-get install chromium, done by 'bash run.sh test' as root) "
            "or AGRIREMED_CHROMIUM=/path/to/chromium"
        )
        if os.environ.get("AGRIREMED_REQUIRE_BROWSER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1400, "height": 2200},
        "accept_downloads": True,
        "locale": "en-GB",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, proc: subprocess.Popen, log, seconds: float = 120) -> None:
    """Wait until the Voila server at ``url`` answers; fail with the end of its log when it
    exits or does not answer within ``seconds``."""
    deadline = time.time() + seconds
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"Voila did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory):
    """Base URL of a Voila server on 127.0.0.1 serving notebooks/dashboards (stopped after the session)."""
    if chromium_path() is None and os.environ.get("AGRIREMED_REQUIRE_BROWSER") != "1":
        pytest.skip("Chromium not found (see tests/e2e/conftest.py)")
    port = _free_port()
    cmd, env = voila_command(ROOT / "notebooks" / "dashboards", port, open_browser=False)
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    wait_for_server(url, proc, log)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(log, ARTIFACTS / "voila.log")


class PageWatch:
    """Requests, console errors and page errors seen by one page."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    @property
    def external(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_PREFIXES)]


@pytest.fixture
def watched(page):
    """The page, with a check at the end that it stayed on localhost and logged no error."""
    page.set_default_timeout(60_000)
    watch = PageWatch(page)
    page.watch = watch
    yield page
    assert watch.requests, "no request was recorded (the watch cannot fail)"
    assert watch.external == [], f"requests outside localhost: {watch.external}"
    assert watch.errors == [], f"console errors: {watch.errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder of test artefacts (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def shoot(artifacts):
    """``shoot(page, name)`` saves a screenshot of the whole page as test-artifacts/<name>.png."""

    def save(page, name: str) -> Path:
        path = artifacts / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
