"""Properties of the whole plan over random valid plot tables (hypothesis)."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agriremed
from agriremed.stages import soil, uptake

CROP_FOR = {"paddy": ["rice"], "upland": ["wheat", "maize"], "vegetable": ["pak_choi"], "orchard": ["apple"],
            "marginal": ["none"]}


@st.composite
def plot_tables(draw, min_rows=1, max_rows=6):
    n = draw(st.integers(min_rows, max_rows))
    rows = []
    for i in range(n):
        lu = draw(st.sampled_from(list(CROP_FOR)))
        rows.append({
            "plot_id": f"R{i}", "land_use": lu, "crop": draw(st.sampled_from(CROP_FOR[lu])),
            "area_ha": draw(st.floats(0.05, 20)), "ph": round(draw(st.floats(3.6, 9.0)), 2),
            "som_pct": draw(st.floats(0.5, 8)), "clay_pct": draw(st.floats(5, 60)),
            "bulk_density_g_cm3": draw(st.floats(0.9, 1.6)), "depth_m": draw(st.floats(0.1, 0.4)),
            "cd_mg_kg": draw(st.floats(0.05, 15)), "pb_mg_kg": draw(st.floats(10, 800)),
            "as_mg_kg": draw(st.floats(3, 120)), "zn_mg_kg": draw(st.floats(30, 1500)),
            "annual_rain_mm": draw(st.floats(200, 2200)), "mean_temp_c": draw(st.floats(2, 24)),
            "region": draw(st.sampled_from(["Hunan/Zhuzhou", "Jiangsu/Wuxi", "Hebei", ""])),
        })
    return pd.DataFrame(rows)


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
S0 = agriremed.Scenario(mc_draws=0)


@FAST
@given(plot_tables())
def test_plan_invariants(df):
    p = agriremed.plan(df, S0)
    t = p.table
    assert len(p.plots) + len(p.rejected) == len(df)
    # one recommended, applicable option per plot
    rec = t.loc[t["recommended"]]
    assert rec["plot_id"].is_unique and set(rec["plot_id"]) == set(p.plots["plot_id"])
    assert rec["applicable"].all()
    # removal never exceeds what the soil holds, and stops at the target
    s = p.soil.set_index(["plot_id", "metal"])
    bm = p.duration_by_metal
    if len(bm):
        stock_g = s.loc[list(zip(bm["plot_id"], bm["metal"])), "soil_stock_kg_ha"].to_numpy() * 1000
        assert (bm["removed_g_ha"].to_numpy() <= stock_g + 1e-6).all()
        assert (bm["removed_g_ha"].to_numpy() <= bm["needed_g_ha"].to_numpy() + 1e-6).all()
        assert (bm["years_to_target"].dropna() >= 1.0).all()
    # probabilities are probabilities
    for c in ("crop_compliance_prob", "p_target_10yr", "p_target_20yr", "score"):
        v = t[c].dropna()
        assert ((v >= 0) & (v <= 1)).all(), c
    # the carbon ledger adds up
    led = p.carbon_ledger.groupby(["plot_id", "option_id"])["co2e_t_ha_yr"].sum()
    tot = p.carbon.dropna(subset=["net_co2e_t_ha_yr"]).set_index(["plot_id", "option_id"])["net_co2e_t_ha_yr"]
    np.testing.assert_allclose(led.reindex(tot.index).to_numpy(), tot.to_numpy(), atol=1e-9)
    # every excluded option explains itself
    assert t.loc[~t["applicable"], "reason"].str.len().gt(0).all()


@FAST
@given(plot_tables(), st.floats(1.05, 5.0))
def test_more_soil_cd_never_lowers_predicted_crop_cd(df, k):
    v = agriremed.validate_plots(df).plots
    a = uptake.predict_crop_concentration(v, metals=["cd"])
    v2 = v.assign(cd_mg_kg=v["cd_mg_kg"] * k)
    b = uptake.predict_crop_concentration(v2, metals=["cd"])
    m = a.merge(b, on=["plot_id", "function_id"], suffixes=("_a", "_b"))
    assert (m["crop_fw_p50_mg_kg_b"] >= m["crop_fw_p50_mg_kg_a"] - 1e-12).all()


@FAST
@given(plot_tables(), st.floats(1.05, 5.0))
def test_more_soil_metal_never_improves_the_soil_class(df, k):
    v = agriremed.validate_plots(df).plots
    order = {"priority_protection": 0, "safe_utilisation": 1, "strict_control": 2}
    a = soil.plot_classes(soil.screen(v), v["plot_id"])["soil_class"].map(order)
    metals = [c for c in v.columns if c.endswith("_mg_kg")]
    b = soil.plot_classes(soil.screen(v.assign(**{c: v[c] * k for c in metals})), v["plot_id"])["soil_class"].map(order)
    assert (b.to_numpy() >= a.to_numpy()).all()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plot_tables(min_rows=2, max_rows=6), st.integers(1, 5))
def test_chunked_runs_equal_the_whole_run(df, cut):
    cut = min(cut, len(df) - 1)
    s = agriremed.Scenario(mc_draws=40, seed=3)
    whole = agriremed.plan(df, s).table
    parts = pd.concat([agriremed.plan(df.iloc[:cut], s).table, agriremed.plan(df.iloc[cut:], s).table],
                      ignore_index=True)
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), parts)
