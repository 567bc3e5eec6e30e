"""The composed plan: structure, registry coverage, reproducibility, rejected rows kept."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import columns as C
from agriremed.engine.plan import PLAN_COLUMNS, SUMMARY_COLUMNS


def test_plan_structure(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=100))
    # the sample plots have lat/lon (no village): carried right after region
    at = SUMMARY_COLUMNS.index("region") + 1
    assert list(p.summary.columns) == [*SUMMARY_COLUMNS[:at], "lat", "lon", *SUMMARY_COLUMNS[at:]]
    assert p.table.columns[:len(PLAN_COLUMNS)].tolist() == PLAN_COLUMNS
    assert len(p.summary) == 16 and p.summary["plot_id"].is_unique
    assert len(p.table) == 16 * len(p.tables.options)
    # exactly one recommended, applicable option per plot, with a sentence
    rec = p.table.loc[p.table["recommended"]]
    assert rec["plot_id"].is_unique and len(rec) == 16 and rec["applicable"].all()
    assert p.summary["recommendation"].str.len().gt(20).all()
    # excluded options always explain themselves
    assert p.table.loc[~p.table["applicable"], "reason"].str.len().gt(10).all()


def test_every_output_column_is_registered(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    names = set(p.table.columns) | set(p.summary.columns)
    unregistered = {n for n in names if n not in C.COLUMNS and not n.startswith(("light_", "crit_"))}
    assert unregistered == set()


def test_same_seed_gives_byte_identical_plan_csv(tmp_path, sample_plots_path):
    s = agriremed.Scenario(mc_draws=200, seed=11)
    agriremed.plan(sample_plots_path, s).write(tmp_path / "a", report=False)
    agriremed.plan(sample_plots_path, s).write(tmp_path / "b", report=False)
    assert (tmp_path / "a" / "plan.csv").read_bytes() == (tmp_path / "b" / "plan.csv").read_bytes()
    agriremed.plan(sample_plots_path, s.replace(seed=12)).write(tmp_path / "c", report=False)
    assert (tmp_path / "a" / "plan.csv").read_bytes() != (tmp_path / "c" / "plan.csv").read_bytes()


def test_outputs_record_version_scenario_and_seed(tmp_path, sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, seed=5))
    p.write(tmp_path, report=False)
    head = (tmp_path / "summary.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.startswith("plot_id,input_row,")  # a plain table: no comment lines
    assert agriremed.Scenario.load(tmp_path / "scenario.json") == p.scenario
    import json

    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert run["agriremed_version"] == agriremed.__version__ and run["seed"] == 5
    assert run["plots_planned"] == 16 and run["rows_rejected"] == 0
    assert agriremed.Scenario.from_dict(run["scenario"]) == p.scenario
    assert run["provenance"][0] == f"agriremed {agriremed.__version__}" and '"seed": 5' in run["provenance"][1]


def test_planned_plus_rejected_equals_input_rows(plots_factory):
    df = plots_factory(5, ph=[5.0, 15.0, 6.0, 7.0, -1.0])
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    assert len(p.plots) + len(p.rejected) == 5
    assert p.rejected["input_row"].tolist() == [2, 5]


def test_plan_on_plot_order_does_not_change_results(sample_plots_path):
    v = agriremed.validate_plots(sample_plots_path).plots
    s = agriremed.Scenario(mc_draws=100)
    a = agriremed.plan(v, s).table.set_index(["plot_id", "option_id"]).sort_index()
    b = agriremed.plan(v.iloc[::-1].reset_index(drop=True), s).table.set_index(
        ["plot_id", "option_id"]).sort_index()
    pd.testing.assert_frame_equal(a, b)


def test_clean_plot_keeps_its_crop(plots_factory):
    p = agriremed.plan(plots_factory(1, land_use="upland", crop="wheat", ph=8.1, cd_mg_kg=0.2, region=""),
                       agriremed.Scenario(mc_draws=0))
    s = p.summary.iloc[0]
    assert s["soil_class"] == "priority_protection" and s["recommended_option"] == "do_nothing"
    assert "screening value" in s["recommendation"]


def test_strict_control_plot_gets_no_food_crop(plots_factory):
    p = agriremed.plan(plots_factory(1, ph=5.0, cd_mg_kg=3.0), agriremed.Scenario(mc_draws=0))
    rec = p.table.loc[p.table["recommended"]].iloc[0]
    assert rec["food_crop"] == "none"
    assert np.isfinite(rec["score"])


def test_plan_uptake_equals_the_stage_on_the_users_table(sample_plots_path):
    # plan() fills absent input columns with blanks; no stage may read a blank as a value
    from agriremed.stages import uptake

    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    direct = uptake.predict_crop_concentration(agriremed.validate_plots(sample_plots_path).plots)
    assert len(direct) == 13                       # every food plot with a usable function
    cols = ["plot_id", "metal", "function_id", "crop_fw_p50_mg_kg"]
    assessed = p.uptake.loc[p.uptake["assessed"]]
    pd.testing.assert_frame_equal(assessed[cols].reset_index(drop=True), direct[cols].reset_index(drop=True))
    # the other rows: every metal above its screening value that could not be assessed, with the reason
    rest = p.uptake.loc[~p.uptake["assessed"]]
    assert set(zip(rest["plot_id"], rest["metal"])) == {
        ("GX-HC-05", "as"), ("HN-SM-13", "as"), ("GD-SG-15", "as"), ("HN-CS-04", "pb"), ("GX-HC-05", "pb"),
        ("HE-JY-11", "pb"), ("GD-SG-15", "pb"), ("SD-YT-14", "cu"), ("GD-SG-15", "cu"), ("HN-CS-04", "zn"),
        ("GX-HC-05", "zn"), ("GD-SG-15", "zn")}
    no_limit = rest["metal"].isin(["cu", "zn"])  # GB 2762 sets no limit for Cu or Zn: not "not assessed"
    assert (rest.loc[~no_limit, "not_assessed_reason"].str.match(r"no (usable |default )?transfer function for")).all()
    assert (rest.loc[no_limit, "not_assessed_reason"].str.match(r"GB2762 sets no food limit for (Cu|Zn) in this crop")).all()
    s = p.summary.set_index("plot_id")
    assert s.loc["GD-SG-15", "metals_not_assessed"] == "as+pb" and s.loc["HN-ZZ-01", "metals_not_assessed"] == ""
    assert s.loc["HN-SM-13", "recommendation"].startswith(
        "As in the crop not assessed (no usable transfer function) — measure it in the harvest (limit: inorganic "
        "As 0.35 mg/kg, GB2762). ")


@pytest.mark.parametrize("currency", ["CNY", "GBP"])
def test_rerank_equals_a_new_plan_with_the_weights(sample_plots_path, currency):
    from agriremed.engine.plan import rerank

    scenario = agriremed.Scenario(mc_draws=50, currency=currency)
    first = agriremed.plan(sample_plots_path, scenario, progress=False)
    w = {"food_safety": 0.1, "food_production": 0.0, "livelihood": 0.5, "clean_up": 0.05, "carbon": 0.9,
         "economics": 0.3}
    again = rerank(first, w)
    fresh = agriremed.plan(sample_plots_path, scenario.replace(weights=w), progress=False)
    changed = (first.summary["recommended_option"] != fresh.summary["recommended_option"]).sum()
    assert changed > 0  # the weights decide some plots
    pd.testing.assert_frame_equal(again.table, fresh.table)
    pd.testing.assert_frame_equal(again.summary, fresh.summary)
    pd.testing.assert_frame_equal(again.scores, fresh.scores)
    assert again.scenario == fresh.scenario
    assert first.scenario.weights != w  # the original plan is left as it was


@pytest.mark.parametrize("currency", ["CNY", "EUR"])
def test_reprice_equals_a_new_plan_with_the_carbon_price(sample_plots_path, currency):
    from agriremed.engine.plan import reprice

    scenario = agriremed.Scenario(mc_draws=50, currency=currency, carbon_price_cny_t=0.0)
    first = agriremed.plan(sample_plots_path, scenario, progress=False)
    other = scenario.replace(carbon_price_cny_t=400.0, weights={**scenario.weights, "economics": 0.9})
    again = reprice(first, other)
    fresh = agriremed.plan(sample_plots_path, other, progress=False)
    assert (again.table["carbon_revenue_cny_ha"] != first.table["carbon_revenue_cny_ha"]).any()
    pd.testing.assert_frame_equal(again.table, fresh.table)
    pd.testing.assert_frame_equal(again.summary, fresh.summary)
    pd.testing.assert_frame_equal(again.scores, fresh.scores)
    pd.testing.assert_frame_equal(again.economics, fresh.economics)
    assert again.scenario == fresh.scenario


@pytest.mark.parametrize("change", [
    {"horizon_yr": 35},
    {"horizon_yr": 8, "carbon_price_cny_t": 300.0},
    {"discount_rate": 0.03, "other_loss_frac_per_yr": 0.01, "currency": "GBP"},
    {"biochar_method": "ebc2020", "biochar_h_corg": 0.3, "biomass_valuation": "electricity"},
])
def test_replan_equals_a_new_plan(sample_plots_path, change):
    from agriremed.engine.plan import LATE_FIELDS, replan

    scenario = agriremed.Scenario(mc_draws=60)
    first = agriremed.plan(sample_plots_path, scenario, progress=False)
    other = scenario.replace(**change)
    again = replan(first, other)
    fresh = agriremed.plan(sample_plots_path, other, progress=False)
    assert set(change) <= set(LATE_FIELDS)
    compared = 0
    for f in dataclasses.fields(agriremed.Plan):
        mine, theirs = getattr(again, f.name), getattr(fresh, f.name)
        if isinstance(theirs, pd.DataFrame):
            pd.testing.assert_frame_equal(mine, theirs, obj=f.name)
            compared += 1
        elif f.name not in ("tables", "reuse"):
            assert mine == theirs, f.name
    assert compared == 25
    # the change reaches the outputs, and the first plan is left as it was
    assert not first.table["npv_cny_ha"].equals(fresh.table["npv_cny_ha"])
    pd.testing.assert_frame_equal(first.table,
                                  agriremed.plan(sample_plots_path, scenario, progress=False).table)
    assert again.yearly_cash_flows().equals(fresh.yearly_cash_flows())


def test_replan_keeps_a_plan_without_detail_lean(sample_plots_path):
    from agriremed.engine.plan import replan

    scenario = agriremed.Scenario(mc_draws=40)
    lean = agriremed.plan(sample_plots_path, scenario, progress=False, detail=False)
    other = scenario.replace(horizon_yr=12, discount_rate=0.1)
    again = replan(lean, other)
    fresh = agriremed.plan(sample_plots_path, other, progress=False, detail=False)
    pd.testing.assert_frame_equal(again.table, fresh.table)
    pd.testing.assert_frame_equal(again.summary, fresh.summary)
    assert again.trajectories.empty and again.carbon_by_year.empty and again.scores.empty
    detailed = agriremed.plan(sample_plots_path, other, progress=False)
    pd.testing.assert_frame_equal(again.table, detailed.table)  # detail never changes the plan table


def test_replan_refuses_changes_before_years_to_target(sample_plots_path, monkeypatch):
    import sys

    from agriremed.engine.plan import replan

    plan_mod = sys.modules["agriremed.engine.plan"]

    first = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0), progress=False)
    with pytest.raises(ValueError, match="mc_draws, seed"):
        replan(first, first.scenario.replace(mc_draws=10, seed=3))
    with pytest.raises(ValueError, match="food_standard"):
        replan(first, first.scenario.replace(food_standard="EU2023_915", horizon_yr=30))
    monkeypatch.setattr(plan_mod, "REPLAN_MAX_ROWS", 10)  # larger plans keep no early stages
    lean = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0), progress=False, detail=False)
    assert lean.reuse == {}
    with pytest.raises(ValueError, match="at most 10 plot × option rows"):
        replan(lean, lean.scenario.replace(horizon_yr=30))
    with pytest.raises(ValueError, match="detail=True or of at most 10"):
        plan_mod.reprice(lean, lean.scenario.replace(carbon_price_cny_t=10.0))
    # weights alone re-rank, which needs no stage outputs
    reranked = replan(lean, lean.scenario.replace(weights={"economics": 1.0}))
    assert reranked.scenario.weights == {"economics": 1.0}


def test_reprice_refuses_other_changes(sample_plots_path):
    from agriremed.engine.plan import reprice

    first = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0), progress=False)
    with pytest.raises(ValueError, match="only the carbon price"):
        reprice(first, first.scenario.replace(horizon_yr=30))
    lean = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0), progress=False, detail=False)
    other = lean.scenario.replace(carbon_price_cny_t=10.0)
    again = reprice(lean, other)  # a small plan keeps its stage inputs even without detail
    fresh = agriremed.plan(sample_plots_path, other, progress=False, detail=False)
    pd.testing.assert_frame_equal(again.table, fresh.table)
    assert again.scores.empty and again.trajectories.empty  # and stays without detail


def test_can_replan_says_what_replan_accepts(sample_plots_path, monkeypatch):
    import sys

    from agriremed.engine.plan import can_replan

    plan_mod = sys.modules["agriremed.engine.plan"]
    s = agriremed.Scenario(mc_draws=0)
    p = agriremed.plan(sample_plots_path, s, progress=False)
    assert can_replan(p, s.replace(horizon_yr=30, discount_rate=0.1))
    assert not can_replan(p, s.replace(mc_draws=10))
    monkeypatch.setattr(plan_mod, "REPLAN_MAX_ROWS", 10)
    lean = agriremed.plan(sample_plots_path, s, progress=False, detail=False)
    assert can_replan(lean, s.replace(weights={"economics": 1.0}))  # re-ranking needs no stage outputs
    assert not can_replan(lean, s.replace(horizon_yr=30))


def test_text_columns_become_object_with_none_for_every_missing_marker():
    from agriremed.engine.assemble import text_as_object

    text = np.array(["a", "b"], dtype=object)
    out = text_as_object({
        "mixed": pd.Series(["x", None, np.nan, pd.NA, pd.NaT, np.datetime64("NaT"), np.float32("nan"), "y"]),
        "text_only": pd.Series(np.resize(text, 8)),
        "arrow": pd.Series(["p", None, "q", None, None, None, None, "r"], dtype="string"),
        "reason": pd.Series(np.full(8, np.nan)),  # registered as text: all missing → None
        "score": pd.Series(np.arange(8.0)),
    })
    assert out["mixed"].tolist() == ["x", None, None, None, None, None, None, "y"]
    assert out["text_only"].tolist() == ["a", "b"] * 4
    assert out["arrow"].tolist() == ["p", None, "q", None, None, None, None, "r"]
    assert out["reason"].tolist() == [None] * 8
    assert [str(out[c].dtype) for c in out] == ["object"] * 4 + ["float64"]
    assert out["score"].tolist() == list(np.arange(8.0))
