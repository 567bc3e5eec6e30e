"""PV on marginal, mine or brownfield land above a GB 36600 intervention value: the clean-soil cover that
risk control requires before people work there is a first-year cost of the landholder, a step of the
measures, and in the NPVs; land below the screening value is unchanged."""

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pvlib")

import agriremed  # noqa: E402
from agriremed.core.messages import column_texts  # noqa: E402
from agriremed.stages import softreuse  # noqa: E402
from agriremed.stages.advice import plot_advice  # noqa: E402

#: C10-mine of a county sheet (10 mu of mine wasteland, As 150 > second-class intervention 140, Pb 900 >
#: screening 800) and a marginal plot below every second-class screening value (As 50 < 60, Pb 500 < 800).
PLOTS = pd.DataFrame({
    "plot_id": ["C10", "LOW"], "region": "Hunan/Chenzhou/Suxian", "land_use": "marginal", "crop": "none",
    "area_ha": [10 / 15, 2.0], "ph": 4.5, "som_pct": 1.0, "clay_pct": 15.0, "bulk_density_g_cm3": 1.4,
    "depth_m": 0.3, "cd_mg_kg": [8.0, 2.0], "hg_mg_kg": 1.0, "as_mg_kg": [150.0, 50.0], "pb_mg_kg": [900.0, 500.0],
    "cu_mg_kg": [400.0, 100.0], "zn_mg_kg": [900.0, 300.0], "basic_farmland": "no", "annual_rain_mm": 1450.0,
    "mean_temp_c": 18.0,
})
DF1 = 1 / 1.06  # year 1 discounted at the scenario's 6 %


def _plan(cover_cny_m2):
    sc = agriremed.Scenario(mc_draws=0, overrides={"factor.clean_cover_cost_cny_m2": cover_cny_m2})
    return agriremed.plan(PLOTS, sc, progress=False)


@pytest.fixture(scope="module")
def plans():
    # a local cover rate of 20 CNY/m² keeps PV the recommended option on C10; 0 is the plan without the cover
    return _plan(20.0), _plan(0.0)


def _pv(plan, pid):
    t = plan.table
    return t.loc[(t["plot_id"] == pid) & (t["option_id"] == "pv_grass")].iloc[0]


def test_cover_is_the_landholders_first_year_cost_and_lowers_the_npv(plans):
    with_cover, without = plans
    a, b = _pv(with_cover, "C10"), _pv(without, "C10")
    cover = 20.0 * 10_000  # CNY/ha
    assert a["risk_control_cost_cny_ha"] == pytest.approx(cover) and b["risk_control_cost_cny_ha"] == 0.0
    assert a["cost_year1_cny_ha"] - b["cost_year1_cny_ha"] == pytest.approx(cover)
    for col in ("npv_cny_ha", "npv_vs_baseline_cny_ha", "npv_farmer_vs_baseline_cny_ha"):
        assert b[col] - a[col] == pytest.approx(cover * DF1)
    # the developer's plant is the same: the landholder carries the risk control
    assert a["npv_developer_vs_baseline_cny_ha"] == pytest.approx(b["npv_developer_vs_baseline_cny_ha"])
    assert a["pv_developer_npv_cny_ha"] == pytest.approx(b["pv_developer_npv_cny_ha"])
    s = with_cover.summary.set_index("plot_id").loc["C10"]
    assert s["recommended_option"] == "pv_grass" and s["gb36600_verdict"] == "cover_layer"
    # first-year cost of the plot: 10 mu = 0.6667 ha × 200 000 CNY/ha = 133 333 CNY (it was 0)
    assert s["first_year_cost_plot_cny"] == pytest.approx(10 / 15 * cover)
    assert s["first_year_cost_cny_mu"] == pytest.approx(cover / 15)
    lease = a["pv_lease_cny_ha_yr"]
    assert s["cash_flow_year1_plot_cny"] == pytest.approx((lease - cover) * 10 / 15)
    assert "the landholder first pays 133,333 CNY to cover the land with clean soil" in s["recommendation"]
    assert s["measures"].startswith("This season: Before anyone works on the land: a metal exceeds the GB 36600")


def test_sheet_gives_the_cover_as_step_and_first_year_cost_in_both_languages(plans):
    p = plans[0]
    en, zh = plot_advice(p, "C10", "en"), plot_advice(p, "C10", "zh")
    assert en.this_season[0].startswith("Before anyone works on the land: a metal exceeds the GB 36600 risk "
                                        "intervention value for this use, so cover the whole plot with a layer "
                                        "of clean soil")
    assert zh.this_season[0].startswith("人员进场作业前：有金属超过该用途的GB 36600风险管制值，须在整个地块覆盖清洁土层")
    assert en.first_year_cost == "133,333 CNY" and zh.first_year_cost == "133,333 元"
    assert en.money_note.startswith("a PV plant on land above a GB 36600 intervention value")
    s = p.summary.loc[p.summary["plot_id"] == "C10"]
    assert "土地所有者首年须先支付133,333元覆盖清洁土层" in column_texts(s, "recommendation", "zh", p.tables)[0]


def test_plot_below_screening_is_unchanged(plans):
    with_cover, without = plans
    a, b = _pv(with_cover, "LOW"), _pv(without, "LOW")
    assert a["risk_control_cost_cny_ha"] == 0.0
    for col in ("cost_year1_cny_ha", "npv_cny_ha", "npv_farmer_vs_baseline_cny_ha"):
        assert a[col] == pytest.approx(b[col], rel=1e-12)
    s = with_cover.summary.set_index("plot_id").loc["LOW"]
    assert s["gb36600_verdict"] == "allowed"
    assert "clean soil" not in s["measures"]
    assert plot_advice(with_cover, "LOW", "en").this_season[0].startswith("Build the PV plant")


def test_reuse_rows_carry_the_same_cover(plans):
    with_cover, without = plans
    ra, _ = softreuse.reuse_for_plan(with_cover)
    rb, _ = softreuse.reuse_for_plan(without)

    def npv(r, pid):
        return r.loc[(r["plot_id"] == pid) & (r["reuse_id"] == "pv_grass"), "npv_vs_baseline_cny_ha"].iloc[0]

    assert npv(rb, "C10") - npv(ra, "C10") == pytest.approx(200_000 * DF1)
    assert npv(rb, "LOW") == pytest.approx(npv(ra, "LOW"))


def test_tables_rate_and_hand_computed_cost():
    # the tables' rate (UNCONFIRMED, UK 1999: £20–40/m² × 9.1859 CNY/GBP, midpoint 275.6 CNY/m²)
    p = pd.DataFrame({"land_use": ["marginal", "marginal", "marginal", "paddy"],
                      "as_mg_kg": [150.0, 70.0, 150.0, 150.0]})
    cost = softreuse.risk_control_cost_cny_ha(p, ["pv_grass", "pv_grass", "miscanthus", "pv_grass"])
    # above intervention: cover; above screening only (70 > 60): the assessment decides, no cost; an option
    # nobody works on and farmland: none
    np.testing.assert_allclose(cost, [275.6 * 10_000, 0.0, 0.0, 0.0])
