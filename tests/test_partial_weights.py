"""A scenario whose ``weights`` leave criteria out gives them 0 (the mapping replaces the default weights as a
whole), and says so: a :class:`PartialWeightsWarning` naming them when the scenario is built, and the note
``note.weights_omitted`` the plan records (EN/中文); full mappings and the default say nothing."""

import warnings

import pytest

import agriremed
from agriremed import Scenario
from agriremed.core.messages import render
from agriremed.core.scenario import DEFAULT_WEIGHTS, PartialWeightsWarning
from agriremed.engine.plan import rerank

from plotdata import make_plots

NOTE = ("weights: the scenario gives economics only, so the criteria it leaves out (food_safety, food_production, "
        "livelihood, clean_up, carbon) weigh 0 — a weights mapping replaces the default weights as a whole; to "
        "change one weight, give every criterion")


def _weights_notes(p):
    return [n for n in p.notes if "note.weights_omitted" in getattr(getattr(n, "message", None), "codes", ())]


def test_left_out_criteria_weigh_zero_and_are_named():
    with pytest.warns(PartialWeightsWarning, match=r"weights give economics only: food_safety, food_production, "
                                                   r"livelihood, clean_up, carbon weigh 0"):
        s = Scenario(weights={"economics": 1.0})
    assert s.omitted_weights() == ["food_safety", "food_production", "livelihood", "clean_up", "carbon"]
    assert s.normalised_weights() == {"food_safety": 0.0, "food_production": 0.0, "livelihood": 0.0,
                                      "clean_up": 0.0, "carbon": 0.0, "economics": 1.0}


def test_full_weights_and_the_default_say_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Scenario().omitted_weights() == []
        full = Scenario(weights={**DEFAULT_WEIGHTS, "economics": 0.5})
        assert full.omitted_weights() == []
        assert full.normalised_weights()["economics"] == pytest.approx(0.5 / 1.25)


def test_the_plan_records_the_note_and_a_rerank_keeps_it_current():
    plots = make_plots(1, ph=5.2, cd_mg_kg=0.5, region="Hunan/Zhuzhou/Lukou")
    with pytest.warns(PartialWeightsWarning):
        econ = Scenario(mc_draws=0, weights={"economics": 1.0})
    p = agriremed.plan(plots, econ, progress=False)
    (note,) = _weights_notes(p)
    assert str(note) == NOTE
    assert render(note.message.encode(), "zh") == (
        "权重：情景只给出了economics，未列出的准则（food_safety, food_production, livelihood, clean_up, carbon）权重为0"
        "——权重映射整体替换默认权重；如只想调整其中一项，请列出全部准则")
    assert _weights_notes(agriremed.plan(plots, Scenario(mc_draws=0), progress=False)) == []
    full = agriremed.plan(plots, Scenario(mc_draws=0), progress=False, text_rows="all")
    with pytest.warns(PartialWeightsWarning):
        re_econ = rerank(full, {"economics": 1.0})
    assert [str(n) for n in _weights_notes(re_econ)] == [NOTE]
    assert _weights_notes(rerank(re_econ, dict(DEFAULT_WEIGHTS))) == []
