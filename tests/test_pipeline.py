"""The engine's phases: declared reads, uses and dependencies, and partial recomputation."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import agriremed
from agriremed.core.scenario import Scenario
from agriremed.engine import pipeline
from agriremed.engine.pipeline import LATE_FIELDS, PHASES, phases_to_rerun
from agriremed.engine.plan import replan

NAMES = [p.name for p in PHASES]


def test_every_result_a_phase_uses_is_given_before_it():
    given = {"v"}
    for p in PHASES:
        missing = set(p.uses) - given
        assert not missing, (p.name, missing)
        given |= set(p.gives)


def test_a_phase_depends_on_the_phases_whose_results_it_uses():
    gives = {r: p.name for p in PHASES for r in p.gives}
    gives.update({"v": None})
    for p in PHASES:
        needed = {gives[u] for u in p.uses if gives.get(u) not in (None, p.name)}
        # the energy phase reads only the harvest concentration of by_metal, set by the early phase
        if p.name == "energy":
            needed -= {"years"}
        assert needed <= set(p.after), (p.name, needed - set(p.after))
        assert all(NAMES.index(a) < NAMES.index(p.name) for a in p.after)


def test_every_scenario_field_is_read_by_a_phase_or_only_recorded():
    fields = {f.name for f in dataclasses.fields(Scenario)}
    read = set().union(*(p.reads for p in PHASES))
    assert fields - read == {"name"}
    assert set(LATE_FIELDS) == fields - PHASES[0].reads
    assert not PHASES[0].reads & set(LATE_FIELDS)


@pytest.mark.parametrize("changed, expected", [
    ({"carbon_price_cny_t"}, ("economics", "ranking")),
    ({"weights"}, ("ranking",)),
    ({"economics_view", "currency"}, ("ranking",)),
    ({"pv_tariff_cny_kwh"}, ("pv", "carbon", "economics", "ranking")),
    ({"gwp_set"}, ("carbon", "economics", "ranking")),
    ({"other_loss_frac_per_yr"}, ("years", "carbon", "economics", "ranking")),
    ({"horizon_yr"}, ("years", "pv", "carbon", "economics", "ranking")),
    ({"mc_draws"}, tuple(NAMES)),
    ({"name"}, ()),
])
def test_phases_to_rerun_follow_the_declared_reads(changed, expected):
    assert phases_to_rerun(changed) == expected


@pytest.fixture(scope="module")
def first(sample_plots_path):
    return agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=30), progress=False)


@pytest.mark.parametrize("change", [{"pv_tariff_cny_kwh": 0.30}, {"gwp_set": "ar5"},
                                    {"economics_view": "farmer", "currency": "GBP"}])
def test_replan_of_each_phase_equals_a_new_plan(sample_plots_path, first, change, monkeypatch):
    runs = []

    def counted(p):
        def run(ctx, r, bar):
            runs.append(p.name)
            return p.run(ctx, r, bar)
        return dataclasses.replace(p, run=run)

    monkeypatch.setattr(pipeline, "PHASES", tuple(counted(p) for p in PHASES))
    again = replan(first, first.scenario.replace(**change))
    assert tuple(runs) == phases_to_rerun(set(change))
    fresh = agriremed.plan(sample_plots_path, first.scenario.replace(**change), progress=False)
    pd.testing.assert_frame_equal(again.table, fresh.table)
    pd.testing.assert_frame_equal(again.summary, fresh.summary)
    pd.testing.assert_frame_equal(again.carbon_ledger, fresh.carbon_ledger)
    assert again.notes == fresh.notes
    # the change reaches the outputs
    assert not again.table.equals(first.table)


def test_a_change_no_phase_reads_keeps_every_table(first):
    again = replan(first, first.scenario.replace(name="county 2027"))
    assert again.scenario.name == "county 2027" and again.table is first.table


def test_a_large_plan_with_detail_keeps_only_what_economics_and_ranking_use(sample_plots_path, monkeypatch):
    import sys

    plan_mod = sys.modules["agriremed.engine.plan"]
    monkeypatch.setattr(plan_mod, "REPLAN_MAX_ROWS", 10)
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0), progress=False)
    kept = p.reuse["results"].present()
    assert {"opts", "duration", "carbon", "schedule", "energy"} <= kept
    assert not {"bio_draws", "removal", "targets", "screened", "by_metal"} & kept
    with pytest.raises(ValueError, match="at most 10 plot × option rows"):
        replan(p, p.scenario.replace(gwp_set="ar5"))
    again = replan(p, p.scenario.replace(discount_rate=0.1))
    fresh = agriremed.plan(sample_plots_path, p.scenario.replace(discount_rate=0.1), progress=False)
    pd.testing.assert_frame_equal(again.table, fresh.table)
