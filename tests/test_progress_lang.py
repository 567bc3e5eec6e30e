"""The `agriremed plan` progress bar is described in the language of --lang (ui.progress.plan), in one plan
and in a chunked run, as the plot-sheet bar is."""

import pytest

from agriremed.apps.cli import main
from agriremed.engine import plan as plan_module
from agriremed.engine import stream as stream_module
from agriremed.io.synthetic import synthetic_plots


class _Bar:
    """A tqdm stand-in that records the description of every bar shown (not disabled: the plans of the
    chunks of a chunked run make none)."""

    made: list = []

    def __init__(self, *args, desc=None, disable=None, **kwargs):
        if disable is not True:
            _Bar.made.append(desc)

    def update(self, *args):
        pass

    def close(self):
        pass


@pytest.mark.parametrize("lang, desc", [("zh", "agriremed 规划"), ("en", "agriremed plan")])
def test_plan_progress_bar_follows_the_language(tmp_path, monkeypatch, capsys, lang, desc):
    monkeypatch.setattr(plan_module, "tqdm", _Bar)
    monkeypatch.setattr(stream_module, "tqdm", _Bar)
    f = tmp_path / "p.csv"
    synthetic_plots(6, seed=3).to_csv(f, index=False)
    base = ["plan", str(f), "--draws", "0", "--no-xlsx", "--no-report", "--lang", lang]
    _Bar.made = []
    assert main(base + ["--out", str(tmp_path / "one")]) == 0
    assert _Bar.made == [desc]
    _Bar.made = []
    assert main(base + ["--out", str(tmp_path / "chunks"), "--chunk-size", "3"]) == 0
    assert _Bar.made == [desc]
