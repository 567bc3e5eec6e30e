"""An option that is not a clean-up method gives no number of years: a non-food crop whose removal
would take thousands of years ``stabilises`` (``duration_kind``) and its years-to-target columns are
blank, not a pseudo-precise 3 800; a clean-up option keeps its years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.io.report import _with_years_text
from plotdata import make_plots

YEARS = ["years_to_target", "years_p10", "years_p50", "years_p90"]


@pytest.fixture(scope="module")
def plan():
    # acid dry land under wheat, Anhui, pH 5.2, Cd 0.8 (upland screening 0.3): ramie and energy maize remove
    # too little Cd to clean it up in any horizon (thousands of years at their removal)
    plots = make_plots(1, plot_id=["AH"], land_use="upland", crop="wheat", ph=5.2, cd_mg_kg=0.8, region="Anhui")
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=50), progress=False)


def test_a_stabilising_option_has_no_years_and_says_why(plan):
    t = plan.table.set_index("option_id")
    for oid in ("ramie", "maize_energy"):
        assert t.loc[oid, "applicable"], oid
        assert t.loc[oid, "duration_kind"] == "stabilises", oid
        for c in YEARS:
            assert np.isnan(t.loc[oid, c]), (oid, c)
        assert t.loc[oid, "p_target_20yr"] == 0.0
    # clean-up options keep their years
    for oid in ("sorghum", "sedum_plumbizincicola"):
        assert t.loc[oid, "duration_kind"] == "clean_up"
        assert 0 < t.loc[oid, "years_p50"] < 200 and 0 < t.loc[oid, "years_to_target"] < 200
    # a safe crop protects, an amendment stabilises, doing nothing is the baseline: never (inf), not blank
    assert t.loc["foliar_zn_wheat", "duration_kind"] == "protects"
    assert t.loc["lime_upland_wheat", "duration_kind"] == "stabilises"
    assert t.loc["do_nothing", "duration_kind"] == "baseline"
    for oid in ("foliar_zn_wheat", "lime_upland_wheat", "do_nothing"):
        assert np.isinf(t.loc[oid, "years_p50"]) and np.isinf(t.loc[oid, "years_to_target"]), oid
    # options not applicable have no kind
    assert t.loc["lime_rice", "duration_kind"] == "" and not t.loc["lime_rice", "applicable"]
    # no finite number of years above 200 is left in a row that is not a clean-up method
    y = plan.table[YEARS].to_numpy(float)
    off = (plan.table["duration_kind"] != "clean_up").to_numpy()[:, None]
    assert not (off & np.isfinite(y) & (y > 200)).any()


def test_the_report_and_the_comparison_still_read_stabilises(plan):
    t = _with_years_text(plan.table).set_index("option_id")
    assert t.loc["ramie", "years_text"] == "stabilises, does not clean up"
    assert t.loc["foliar_zn_wheat", "years_text"] == "protects the crop, does not clean up"
    assert t.loc["sorghum", "years_text"] == f"{t.loc['sorghum', 'years_p50']:.0f}"
    from agriremed.core import messages
    from agriremed.stages.advice import years_messages
    r = plan.table.set_index("option_id").loc[["ramie", "sorghum"]]
    msgs = years_messages(r["years_p50"].to_numpy(float), r["option_kind"].to_numpy(object),
                          r["target_metals"].to_numpy(object), r["duration_kind"].to_numpy(object))
    assert [messages.render(m, "zh") for m in msgs][0] == "稳定土壤、不能去除重金属（非修复方法）"
    assert messages.render(msgs[0], "en") == "stabilises, does not clean up"


def test_the_written_plan_carries_the_kind_and_blank_years(plan, tmp_path):
    plan.write(tmp_path, report=True, xlsx=True)
    csv = pd.read_csv(tmp_path / "plan.csv").set_index(["plot_id", "option_id"])
    assert csv.loc[("AH", "ramie"), "duration_kind"] == "stabilises"
    assert np.isnan(csv.loc[("AH", "ramie"), "years_p50"])
    assert csv.loc[("AH", "sorghum"), "duration_kind"] == "clean_up"
    assert (tmp_path / "plan.xlsx").exists() and (tmp_path / "report.html").exists()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "stabilises, does not clean up" in html


def test_duration_kinds_and_blanking():
    from agriremed.stages.duration import blank_stabilising_years, duration_kinds
    y = [3812.5, 150.0, float("inf"), 0.0, 12.4, float("nan")]
    k = duration_kinds(y, ["phytomanagement", "phytomanagement", "immobilisation", "safe_crop", "phytoextraction",
                           "phytoextraction"], ["cd"] * 6)
    assert k.tolist() == ["stabilises", "clean_up", "stabilises", "protects", "clean_up", "clean_up"]
    out = blank_stabilising_years(y, k)
    assert np.isnan(out[0]) and out[1] == 150.0 and np.isinf(out[2]) and out[3] == 0.0 and out[4] == 12.4
    assert np.isnan(out[5])


def test_a_recommended_stabilising_option_gives_no_years_in_the_summary():
    # strict-control paddy (Cd 2.5 > 1.5 at pH 5.4), only energy crops offered: energy maize is recommended;
    # its removal would take some 2 800 years, so it stabilises: the summary gives no years either
    from agriremed.apps import cli
    plots = make_plots(1, plot_id=["S1"], land_use="paddy", crop="rice", ph=5.4, cd_mg_kg=2.5, basic_farmland="yes",
                       region="Hunan/Changsha")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=50, options=("do_nothing", "ramie", "maize_energy")),
                       progress=False)
    s = p.summary.iloc[0]
    assert s["recommended_option"] == "maize_energy"
    assert np.isnan(s["years_p50"])
    assert s["duration_text"] == "stabilises, does not clean up"
    assert "stabilises, does not clean up" in s["recommendation"]
    assert cli._years_column(p, "zh") == ["稳定土壤、不能去除重金属（非修复方法）"]


def test_blank_years_of_an_option_that_does_not_clean_up_read_never_in_every_output(plan, tmp_path):
    """plan.csv, summary.csv and the workbook agree: a stabilising energy crop's blank years say never (TRUE),
    as its duration_kind and "stabilises, does not clean up" do, not FALSE beside a missing value."""
    t = plan.table.set_index("option_id")
    for oid in ("ramie", "maize_energy"):     # removal too slow: years blank, never TRUE
        assert np.isnan(t.loc[oid, "years_p50"]) and all(t.loc[oid, f"{c}_never"] for c in YEARS), oid
    for oid in ("lime_upland_wheat", "do_nothing", "foliar_zn_wheat"):   # infinite: never TRUE as before
        assert all(t.loc[oid, f"{c}_never"] for c in YEARS), oid
    assert not any(t.loc["sorghum", f"{c}_never"] for c in YEARS)     # a clean-up: its years are given
    assert not t.loc["lime_rice", "applicable"] and not t.loc["lime_rice", "years_p50_never"]   # no years: FALSE
    plan.write(tmp_path, xlsx=True)
    csv = pd.read_csv(tmp_path / "plan.csv").set_index("option_id")
    assert csv["years_p50_never"].dtype == bool
    assert csv.loc["ramie", ["years_to_target_never", "years_p10_never", "years_p50_never",
                             "years_p90_never"]].tolist() == [True] * 4
    assert csv.loc["ramie", "duration_kind"] == "stabilises" and np.isnan(csv.loc["ramie", "years_to_target"])
    # no row says "not never" beside blank years while its option is applicable
    applicable = csv["applicable"].to_numpy(bool)
    assert not (applicable & csv["years_p50"].isna().to_numpy() & ~csv["years_p50_never"].to_numpy(bool)).any()
    sheet = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="options", engine="openpyxl").set_index("Option")
    assert sheet.loc["ramie", "Target never reached"] in (True, "TRUE")
    assert sheet.loc["sorghum", "Target never reached"] in (False, "FALSE")


def test_a_recommended_stabilising_option_reads_never_in_summary_csv(tmp_path):
    plots = make_plots(1, plot_id=["S1"], land_use="paddy", crop="rice", ph=5.4, cd_mg_kg=2.5, basic_farmland="yes",
                       region="Hunan/Changsha")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=50, options=("do_nothing", "ramie", "maize_energy")),
                       progress=False)
    assert p.summary.iloc[0]["recommended_option"] == "maize_energy" and bool(p.summary.iloc[0]["years_p50_never"])
    p.write(tmp_path)
    s = pd.read_csv(tmp_path / "summary.csv")
    assert s["years_p50_never"].dtype == bool and s["years_p50_never"].tolist() == [True]
    assert np.isnan(s["years_p50"].iloc[0])
    # without Monte Carlo draws the P50 is not known: blank and not never; the deterministic years still say never
    q = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, options=("do_nothing", "ramie", "maize_energy")),
                       progress=False)
    r = q.table.set_index("option_id").loc["maize_energy"]
    assert np.isnan(r["years_p50"]) and not r["years_p50_never"] and r["years_to_target_never"]


def test_never_reaches_target():
    from agriremed.stages.duration import never_reaches_target
    out = never_reaches_target([3812.5, float("inf"), 0.0, 12.4, float("nan"), 3812.5],
                               ["stabilises", "stabilises", "protects", "clean_up", "stabilises", "clean_up"])
    assert out.tolist() == [True, True, False, False, False, False]
