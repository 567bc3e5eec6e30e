"""run.json ties a plan to the code and table state that made it: git commit, local changes,
digest of the packaged data and of the tables as used, the user table folder."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import agriremed
from agriremed.core import version as version_mod
from agriremed.core.tables import folder_digest, load_tables, packaged_data_digest, tables_digest
from agriremed.core.version import code_state
from agriremed.engine.stream import plan_stream
from agriremed.io.synthetic import synthetic_plots

HEX64 = set("0123456789abcdef")


def _prices_folder(path, factor):
    """A user table folder whose prices.csv has every typical price × ``factor``."""
    path.mkdir()
    prices = load_tables().prices.copy()
    prices["typical"] = prices["typical"] * factor
    prices.to_csv(path / "prices.csv", index=False)
    return path


def test_two_table_states_give_two_digests_and_one_state_one(tmp_path):
    base = load_tables()
    assert tables_digest(base) == tables_digest(load_tables())
    # the same values in another object (a copy, a user folder repeating the packaged table) give the same digest
    assert tables_digest(base.replace(prices=base.prices.copy())) == tables_digest(base)
    same = tmp_path / "same"
    same.mkdir()
    base.prices.to_csv(same / "prices.csv", index=False)
    assert tables_digest(load_tables(same)) == tables_digest(base)
    a = load_tables(_prices_folder(tmp_path / "a", 2.0))
    b = load_tables(_prices_folder(tmp_path / "b", 3.0))
    assert len({tables_digest(base), tables_digest(a), tables_digest(b)}) == 3
    assert a.user_folder["files"] == ["prices.csv"] and a.user_folder["sha256"] != b.user_folder["sha256"]
    assert a.user_folder["sha256"] == folder_digest(tmp_path / "a", ["prices.csv"])
    assert base.user_folder is None
    # an override of one table keeps the record of the folder the rest came from
    assert a.replace(factors=a.factors.copy()).user_folder == a.user_folder


def test_packaged_data_digest_covers_the_table_and_message_files(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(Path(agriremed.__file__).parent / "data", copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    files = sorted(p.relative_to(copy).as_posix() for p in [*copy.glob("*.csv"), *copy.glob("messages/*.csv")])
    assert "messages/zh.csv" in files and "transfer_functions.csv" in files
    digest = packaged_data_digest()
    assert len(digest) == 64 and set(digest) <= HEX64
    assert folder_digest(copy, files) == digest
    msg = copy / "messages" / "en.csv"
    msg.write_bytes(msg.read_bytes() + b"\n")
    assert folder_digest(copy, files) != digest


def test_run_json_carries_the_commit_and_the_digests(tmp_path, plots_factory):
    plots = plots_factory(2)
    out = agriremed.plan(plots, agriremed.Scenario(mc_draws=0)).write(tmp_path / "d", report=False, xlsx=False)
    run = json.loads(out["run"].read_text(encoding="utf-8"))
    assert run["agriremed_commit"] == code_state()["commit"]
    assert run["agriremed_commit"] is None or (len(run["agriremed_commit"]) == 40
                                               and set(run["agriremed_commit"]) <= HEX64)
    assert run["agriremed_modified"] in (True, False, None)
    assert run["packaged_data_sha256"] == packaged_data_digest()
    assert run["tables_sha256"] == tables_digest(load_tables())
    assert run["user_tables"] is None
    code = "not a git checkout" if run["agriremed_commit"] is None else f"git commit {run['agriremed_commit']}"
    assert run["provenance"][-1].startswith(f"code: {code}")
    assert run["provenance"][-1].endswith(f"; packaged data sha256 {run['packaged_data_sha256']}; "
                                          f"data as used sha256 {run['tables_sha256']}")
    folder = _prices_folder(tmp_path / "t", 2.0)
    out = agriremed.plan(plots, agriremed.Scenario(mc_draws=0), tables=load_tables(folder)).write(
        tmp_path / "u", report=False, xlsx=False)
    mine = json.loads(out["run"].read_text(encoding="utf-8"))
    assert mine["packaged_data_sha256"] == run["packaged_data_sha256"]
    assert mine["tables_sha256"] != run["tables_sha256"]
    assert mine["user_tables"] == {"path": str(folder.resolve()), "files": ["prices.csv"],
                                   "sha256": folder_digest(folder, ["prices.csv"])}


def test_streamed_run_json_carries_them_too(tmp_path):
    r = plan_stream(synthetic_plots(12, seed=2), agriremed.Scenario(mc_draws=0), out=tmp_path, chunk_size=6,
                    fmt="csv", progress=False)
    run = json.loads(r.paths["run"].read_text(encoding="utf-8"))
    assert run["packaged_data_sha256"] == packaged_data_digest()
    assert run["tables_sha256"] == tables_digest(load_tables())
    assert run["agriremed_commit"] == code_state()["commit"] and run["user_tables"] is None


def test_no_git_checkout_gives_none_not_an_error(tmp_path, monkeypatch):
    code_state.cache_clear()
    assert code_state(str(tmp_path)) == {"commit": None, "modified": None}        # a folder outside any repository
    assert code_state(str(tmp_path / "absent")) == {"commit": None, "modified": None}
    monkeypatch.setattr(version_mod.shutil, "which", lambda name: None)           # no git program
    code_state.cache_clear()
    assert code_state() == {"commit": None, "modified": None}
    code_state.cache_clear()


def test_a_git_that_does_not_answer_in_time_gives_none(tmp_path, monkeypatch):
    slow = tmp_path / "git"
    slow.write_text("#!/bin/sh\nsleep 5\n")
    slow.chmod(0o755)
    monkeypatch.setattr(version_mod.shutil, "which", lambda name: str(slow))
    monkeypatch.setattr(version_mod, "GIT_TIMEOUT_S", 0.3)
    code_state.cache_clear()
    assert code_state(str(tmp_path)) == {"commit": None, "modified": None}
    code_state.cache_clear()


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_a_git_checkout_gives_its_commit_and_local_changes(tmp_path):
    repo = tmp_path / "repo"
    pkg = repo / "src" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("x = 1\n")
    (repo / "venv_pkg").mkdir()
    (repo / "venv_pkg" / "__init__.py").write_text("")                            # in the repository, not tracked

    def git(*args):
        return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                              capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    git("add", "src")
    git("commit", "-q", "-m", "one")
    head = git("rev-parse", "HEAD")
    code_state.cache_clear()
    assert code_state(str(pkg)) == {"commit": head, "modified": False}
    assert code_state(str(repo / "venv_pkg")) == {"commit": None, "modified": None}
    (pkg / "__init__.py").write_text("x = 2\n")
    code_state.cache_clear()
    assert code_state(str(pkg)) == {"commit": head, "modified": True}
    code_state.cache_clear()
