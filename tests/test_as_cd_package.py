"""The Fe–Si As amendment + low-Cd rice package (``as_fe_si_low_cd_rice``): its rows, its
per-metal crediting and where the plan uses it (As paddies whose rice is also at risk for Cd)."""

import numpy as np
import pandas as pd
import pytest
from plotdata import make_plots
from scipy.stats import norm

import agriremed
from agriremed.core.tables import load_tables
from agriremed.stages import duration, uptake

PKG = "as_fe_si_low_cd_rice"


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def _plot(plot_id, ph, cd, as_, **kw):
    # a Chenzhou (Hunan) paddy as in the review case A10 (SOM 3.0 %, clay 28 %, bulk density 1.15)
    return make_plots(1, plot_id=[plot_id], ph=ph, cd_mg_kg=cd, as_mg_kg=as_, som_pct=3.0, clay_pct=28.0,
                      bulk_density_g_cm3=1.15, region="Hunan/Chenzhou/Beihu", basic_farmland="yes", **kw)


@pytest.fixture(scope="module")
def plan():
    # A10: As 85 > 30 (paddy pH ≤ 5.5), Cd 0.25 < 0.3; GREEN: As 45 > 40 (pH 6.5–7.5), Cd 0.05, rice
    # within the Cd limit in ≥ 95 % of seasons; CD: Cd 0.6 > 0.3, As 10; BOTH: Cd 0.8 > 0.3 and As 45 > 30;
    # A10M: A10 with its rice measured at Cd 0.25 mg/kg (> 0.2)
    p = pd.concat([_plot("A10", 5.4, 0.25, 85.0), _plot("GREEN", 7.0, 0.05, 45.0), _plot("CD", 5.5, 0.6, 10.0),
                   _plot("BOTH", 5.5, 0.8, 45.0), _plot("A10M", 5.4, 0.25, 85.0, crop_cd_mg_kg=0.25)],
                  ignore_index=True)
    return agriremed.plan(p, agriremed.Scenario(mc_draws=0))


def test_rows_of_the_package(tables):
    o = tables.options.set_index("option_id").loc[PKG]
    assert (o["kind"], o["treats"], o["needs_exceeding"], o["food_crop"], o["land_uses"]) == (
        "immobilisation", "as|cd", "as", "rice", "paddy")
    assert {"yuan2020_shimen_as", "liu2023_karst", "youxian_variety"} <= set(o["source"].split(";"))
    comps = tables.option_packages.query("package_id == @PKG")
    assert comps["component_option_id"].tolist() == ["as_fe_si_amendment", "low_cd_rice"]
    assert comps["source"].str.len().gt(0).all()
    p = tables.option_parameters
    own = p.loc[p["option_id"] == PKG].set_index("parameter")
    # no increment row (g = 0) and no reduction row of its own: each metal is its component's
    assert "package_increment_frac" not in own.index and "crop_reduction_frac" not in own.index
    amend = p.loc[p["option_id"] == "as_fe_si_amendment"].set_index("parameter")
    for name in ("amendment_t_ha", "effect_duration_yr", "reapply_interval_yr", "amendment_price_cny_t",
                 "application_cost_cny_ha", "diesel_l_ha_app"):
        assert own.loc[name, ["low", "typical", "high"]].tolist() == amend.loc[name, ["low", "typical", "high"]].tolist()
        assert own.loc[name, "source"] == amend.loc[name, "source"]
    seed = p.loc[(p["option_id"] == "low_cd_rice") & (p["parameter"] == "extra_cost_cny_ha_yr")].iloc[0]
    assert own.loc["extra_cost_cny_ha_yr", ["low", "typical", "high"]].tolist() == [300, 600, 1200]
    assert own.loc["extra_cost_cny_ha_yr", ["low", "typical", "high"]].tolist() == seed[["low", "typical", "high"]].tolist()
    steps = tables.option_steps.query("option_id == @PKG")["measure"].tolist()
    assert steps == ["as_amendment", "low_cd_variety", "moist_water"]


def test_each_metal_is_credited_its_component_effect_by_hand(tables):
    # As: inorganic As in rice −75.59, −85.04, −79.03, −89.76 % (Shimen plot trial), typical = their mean
    typ_as, _ = duration._reduction_typical_and_draws(tables, PKG, "as", 0, 0)
    assert typ_as == pytest.approx(0.8236, abs=1e-9)
    assert np.mean([0.7559, 0.8504, 0.7903, 0.8976]) == pytest.approx(0.8236, abs=1e-4)
    # Cd: the low-Cd cultivar, median of six reported cuts (low_cd_rice row)
    typ_cd, _ = duration._reduction_typical_and_draws(tables, PKG, "cd", 0, 0)
    assert typ_cd == pytest.approx(0.5665, abs=1e-9)
    for metal, comp in (("as", "as_fe_si_amendment"), ("cd", "low_cd_rice")):
        t_pkg, d_pkg = duration._reduction_typical_and_draws(tables, PKG, metal, 300, 11)
        t_c, d_c = duration._reduction_typical_and_draws(tables, comp, metal, 300, 11)
        assert t_pkg == t_c
        np.testing.assert_allclose(d_pkg, d_c, rtol=0, atol=1e-12)  # g = 0 in every draw: no interaction credited


def test_as_paddy_with_a_cd_risk_gets_the_package_first(plan, tables):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    # rice Cd on A10 by hand: median 0.1498 mg/kg fresh weight, s.e. 0.468 log10, limit 0.2
    fs = uptake.food_safety(uptake.predict_crop_concentration(_plot("A10", 5.4, 0.25, 85.0), tables=tables),
                            "GB2762", tables).set_index("metal").loc["cd"]
    z = (np.log10(0.2) - np.log10(fs["crop_fw_p50_mg_kg"])) / fs["se_log10"]
    assert (fs["crop_fw_p50_mg_kg"], fs["se_log10"]) == pytest.approx((0.14978, 0.468), abs=1e-5)
    assert s.loc["A10", "current_crop_compliance_prob"] == pytest.approx(norm.cdf(z)) == pytest.approx(0.6058, abs=1e-4)
    pk = t.loc[("A10", PKG)]
    # the low-Cd cultivar's 56.65 % cut shifts the median: Φ(z − log10(1 − 0.5665) / 0.468)
    assert pk["crop_compliance_prob"] == pytest.approx(norm.cdf(z - np.log10(1 - 0.5665) / fs["se_log10"]))
    assert pk["crop_compliance_prob"] == pytest.approx(0.8518, abs=1e-4)
    # Cd 0.25 is below its screening value (0.3) and the risk is amber (0.61 ≥ 0.5): the package treats As,
    # the metal above its screening value, so rule 4d does not demote it for what its low-Cd variety answers
    assert (pk["applicable"], pk["rank"], pk["target_metals"], pk["untreated_metals"]) == (True, 1, "as+cd", "")
    assert (pk["policy_status"], pk["policy_rule"]) == ("expected", "cn_safe_keep_food")
    assert s.loc["A10", "recommended_option"] == PKG
    am = t.loc[("A10", "as_fe_si_amendment")]
    assert am["rank"] == 2 and am["crop_compliance_prob"] == pytest.approx(0.6058, abs=1e-4)
    # rule 4b is unchanged: the Cd-only measures are still not the treatment of the As paddy
    for oid in ("low_cd_rice", "foliar_inhibitor"):
        r = t.loc[("A10", oid)]
        assert not r["applicable"] and r["reason"].startswith("answers only a predicted crop risk of cd"), oid
    # the package without flooding says why: none of its components lowers As in rice
    r = t.loc[("A10", "vip_n_no_flood")]
    assert not r["applicable"] and r["reason"].startswith("no component of this package lowers As in rice")
    assert "Fe–Si As amendment + low-Cd rice: treats As" in s.loc["A10", "recommendation"]
    assert s.loc["A10", "measures"].startswith(
        "This season: Spread the Fe–Si As-reducing conditioner and plough it in before transplanting: 200 kg per mu "
        "(every year); Plant a low-Cd rice variety; Do not flood continuously")


def test_as_paddy_whose_rice_was_measured_above_the_cd_limit_gets_the_package_first(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    pk = t.loc[("A10M", PKG)]
    assert (pk["applicable"], pk["rank"], pk["target_metals"], pk["untreated_metals"]) == (True, 1, "as+cd", "")
    assert (pk["policy_status"], pk["policy_rule"]) == ("expected", "cn_safe_keep_food")
    assert s.loc["A10M", "recommended_option"] == PKG
    assert t.loc[("A10M", "as_fe_si_amendment"), "rank"] == 2
    assert "Fe–Si As amendment + low-Cd rice: treats As" in s.loc["A10M", "recommendation"]
    assert s.loc["A10M", "measures"].startswith(
        "This season: Spread the Fe–Si As-reducing conditioner and plough it in before transplanting: 200 kg per mu "
        "(every year); Plant a low-Cd rice variety; Do not flood continuously")


def test_as_paddy_without_a_cd_risk_keeps_the_amendment_alone(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    assert s.loc["GREEN", "current_crop_compliance_prob"] == pytest.approx(0.9551, abs=1e-4)  # ≥ green 0.95
    assert s.loc["GREEN", "recommended_option"] == "as_fe_si_amendment"
    pk = t.loc[("GREEN", PKG)]
    # rule 4c: the low-Cd variety answers no metal here (Cd below screening, no crop risk)
    assert not pk["applicable"] and pk["target_metals"] == "as"
    assert pk["reason"] == (
        "adds a measure for Cd, which is below its screening value and not predicted to make the crop fail the "
        "food limit on this plot: Fe–Si As-reducing amendment (wollastonite + zeolite + FeCl₃) alone answers "
        "every metal the package answers here")
    zh = agriremed.core.messages.render(pk["reason_msg"], "zh")
    assert zh.startswith("所加的镉措施在本地块无对象") and "单用降砷修复剂（硅灰石+沸石+氯化铁）即可" in zh


def test_cd_only_paddy_is_not_offered_the_package(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    pk = t.loc[("CD", PKG)]
    assert not pk["applicable"]
    assert pk["reason"] == "only for land where As exceeds its screening value: it does not on this plot"
    assert agriremed.core.messages.render(pk["reason_msg"], "zh") == "仅用于砷超过筛选值的地块：本地块未超过"
    # the VIP+n package with flooding stays beside its single measures (rule 4c keeps a package whose
    # measures all answer the same metal)
    assert t.loc[("CD", "lime_low_cd_rice"), "applicable"] and t.loc[("CD", "lime_rice"), "applicable"]


def test_cd_and_as_paddy_gets_the_measure_that_treats_both(plan):
    t = plan.table.set_index(["plot_id", "option_id"])
    s = plan.summary.set_index("plot_id")
    assert s.loc["BOTH", "metals_exceeding"] == "cd+as"
    # the only rice measure leaving neither metal untreated ranks first; the Cd measures leave As
    # untreated and the amendment alone leaves Cd
    assert s.loc["BOTH", "recommended_option"] == PKG
    assert t.loc[("BOTH", PKG), "untreated_metals"] == ""
    assert t.loc[("BOTH", "low_cd_rice"), "untreated_metals"] == "as"
    assert t.loc[("BOTH", "as_fe_si_amendment"), "untreated_metals"] == "cd"
    assert t.loc[("BOTH", PKG), "crop_compliance_prob"] == pytest.approx(
        t.loc[("BOTH", "low_cd_rice"), "crop_compliance_prob"])
