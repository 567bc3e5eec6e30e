"""Discounting, NPV, payback and cost per gram: hand-computed."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.stages import economics

from agriremed.engine.plan import replan
from agriremed.core.scenario import ScenarioError

from plotdata import SAMPLES, make_plots


def test_discount_factors_and_npv():
    np.testing.assert_allclose(economics.discount_factors(0.1, 3), [1 / 1.1, 1 / 1.21, 1 / 1.331])
    assert economics.npv([100, 100], 0.1) == pytest.approx(100 / 1.1 + 100 / 1.21)
    assert economics.npv([[1, 2], [3, 4]], 0.0).tolist() == [3, 7]


def test_payback():
    assert economics.payback_year([[-100, 60, 60]], 0.0).tolist() == [3.0]
    assert economics.payback_year([[-100, 60, 60]], 0.1).tolist() == [3.0]    # −90.9 + 49.6 + 45.1 ≥ 0
    assert economics.payback_year([[-100, 55, 55]], 0.1).tolist() == [np.inf]  # −90.9 + 45.5 + 41.3 < 0
    assert economics.payback_year([[10, -5]], 0.0).tolist() == [1.0]


def test_plan_economics_consistency(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    t = p.table
    base = t.loc[t["option_id"] == "do_nothing"].set_index("plot_id")["npv_cny_ha"]
    act = t.loc[t["applicable"]]
    expected = act["npv_cny_ha"] - act["plot_id"].map(base)
    np.testing.assert_allclose(act["npv_vs_baseline_cny_ha"], expected)
    np.testing.assert_allclose(act["npv_cny_ha"], act["revenue_cny_ha"] - act["cost_cny_ha"])
    rem = act.loc[act["cost_per_g_removed_cny_g"].notna()]
    assert len(rem) and (rem["cost_per_g_removed_cny_g"] > 0).all()


ANNUITY = (1 - 1.06 ** -20) / 0.06    # 20 yr at 6 %: 11.4699


def test_baseline_npv_hand_computed(sample_plots_path):
    # GX-NN-06: rice 7.14 t/ha × 2580 CNY/t × [P(comply) + (1 − P) × 0.6] − 15 000 CNY/ha, 20 yr at 6 %;
    # the default rule sells grain over the limit for feed or industry at 60 % of the price
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0))
    t = p.table.set_index(["plot_id", "option_id"])
    r = t.loc[("GX-NN-06", "do_nothing")]
    P = r["crop_compliance_prob"]
    annual = 7.14 * 2580 * (P + (1 - P) * 0.6) - 15000
    assert r["npv_cny_ha"] == pytest.approx(annual * ANNUITY, rel=1e-9)


def test_noncompliant_price_fraction_replaces_the_rule(sample_plots_path):
    a = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    b = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, noncompliant_price_fraction=0.5))
    ta = a.table.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "do_nothing")]
    kb = b.table.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "do_nothing"), "npv_cny_ha"]
    # 0.5 instead of the default 0.6 of the price for the grain that fails the limit
    lost = 0.1 * 7.14 * 2580 * (1 - ta["crop_compliance_prob"]) * ANNUITY
    assert ta["npv_cny_ha"] - kb == pytest.approx(lost, rel=1e-6)


def test_default_does_not_value_noncompliant_grain_at_zero(tables):
    s = agriremed.Scenario()
    assert s.noncompliant_grain == "discount_sale" and s.noncompliant_price_fraction is None
    assert economics.noncompliant_fractions(s.noncompliant_grain, tables) == (0.6, 0.6)
    assert economics.noncompliant_fractions("state_purchase", tables) == (1.0, 0.6)
    assert economics.noncompliant_fractions("destroyed", tables) == (0.0, 0.0)
    t = tables.noncompliant_grain
    assert set(t["rule"]) == {"discount_sale", "state_purchase", "destroyed"}
    assert t["source"].str.len().gt(0).all()
    with pytest.raises(ValueError, match="noncompliant_grain.csv"):
        economics.noncompliant_fractions("sold_abroad", tables)
    with pytest.raises(ScenarioError, match="noncompliant_grain"):
        agriremed.plan(make_plots(1), agriremed.Scenario(mc_draws=0, noncompliant_grain="sold_abroad"))
    with pytest.raises(ScenarioError, match="economics_view"):
        agriremed.Scenario(economics_view="society")


def test_baseline_npv_changes_as_documented_with_the_noncompliant_grain_rule(sample_plots_path):
    """The NPV of doing nothing, and every option's NPV against it, follow the rule of
    ``noncompliant_grain.csv``: grain failing the limit is worth v × price (combined
    account) and paid f × price to the farmer; the programme pays (f − v) × price."""
    plans = {rule: agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, noncompliant_grain=rule))
             for rule in ("destroyed", "discount_sale", "state_purchase")}
    t = {k: p.table.set_index(["plot_id", "option_id"]) for k, p in plans.items()}
    base = {k: v.loc[("HN-ZZ-01", "do_nothing")] for k, v in t.items()}
    P = base["destroyed"]["crop_compliance_prob"]                    # 0.35: rice fails in 65 % of seasons
    failing = 7.14 * 2580 * (1 - P) * ANNUITY                         # PV of the failing grain at full price
    assert base["discount_sale"]["npv_cny_ha"] - base["destroyed"]["npv_cny_ha"] == pytest.approx(0.6 * failing)
    # 收储: the farmer is paid the full price, the grain is still worth 0.6 of it
    assert base["state_purchase"]["npv_cny_ha"] == pytest.approx(base["discount_sale"]["npv_cny_ha"])
    assert base["state_purchase"]["npv_farmer_cny_ha"] - base["destroyed"]["npv_cny_ha"] == pytest.approx(failing)
    assert base["state_purchase"]["npv_programme_cny_ha"] == pytest.approx(-0.4 * failing)
    assert base["state_purchase"]["grain_support_cny_ha"] == pytest.approx(0.4 * failing)
    # so an option's advantage over doing nothing shrinks by what the baseline gained, less its own gain
    for oid in ("flooded_rice", "fallow"):
        r = {k: v.loc[("HN-ZZ-01", oid)] for k, v in t.items()}
        gain_opt = r["discount_sale"]["npv_cny_ha"] - r["destroyed"]["npv_cny_ha"]
        drop = r["destroyed"]["npv_vs_baseline_cny_ha"] - r["discount_sale"]["npv_vs_baseline_cny_ha"]
        assert drop == pytest.approx(0.6 * failing - gain_opt)
    assert t["discount_sale"].loc[("HN-ZZ-01", "fallow"), "npv_vs_baseline_cny_ha"] \
        < t["destroyed"].loc[("HN-ZZ-01", "fallow"), "npv_vs_baseline_cny_ha"] - 50000
    for p in plans.values():                                          # the rule never changes the food safety
        np.testing.assert_allclose(p.table["crop_compliance_prob"],
                                   plans["destroyed"].table["crop_compliance_prob"])


#: A wasteland plot near Guiyang (Guizhou coal benchmark 0.3515 CNY/kWh, 829 kWh/kWp a year) whose PV plant
#: loses money for a developer (developer's NPV −682 930 CNY/ha): no developer finances it.
UNFINANCED_PV = {"plot_id": "PV-FJ", "land_use": "marginal", "crop": "none", "ph": 5.2, "region": "Guizhou/Guiyang",
                 "cd_mg_kg": 0.2, "as_mg_kg": 208.0, "lat": 26.6, "lon": 106.7, "area_ha": 1.0, "som_pct": 3.0,
                 "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2, "annual_rain_mm": 1300.0,
                 "mean_temp_c": 17.0}


def test_farmer_programme_and_developer_add_up_to_the_combined_npv(sample_plots_path):
    plots = pd.concat([pd.read_csv(sample_plots_path), pd.DataFrame([UNFINANCED_PV])], ignore_index=True)
    for rule in ("discount_sale", "state_purchase"):
        t = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, noncompliant_grain=rule)).table
        a = t.loc[t["npv_cny_ha"].notna()]
        # three accounts: farmer + programme + developer = combined, on every row (financed PV or not)
        np.testing.assert_allclose(a["npv_farmer_cny_ha"] + a["npv_programme_cny_ha"] + a["npv_developer_cny_ha"],
                                   a["npv_cny_ha"], atol=1e-6)
        # a PV plant no developer finances (its NPV −682 930 < 0): no lease, developer's account 0, the
        # landholder carries the plant (farmer = combined = −614 110 CNY/ha against doing nothing) and, As 208
        # being above the GB 36600 second-class intervention value 140, the clean-soil cover in year 1
        # (275.6 CNY/m² × 10 000 m²/ha = 2 756 000 CNY/ha, discounted one year at 6 %)
        cover = 2_756_000 / 1.06
        off = (a["plot_id"] == "PV-FJ") & (a["option_id"] == "pv_grass")
        assert off.sum() == 1
        o = a.loc[off].iloc[0]
        assert o["pv_developer_npv_cny_ha"] == pytest.approx(-682_930, abs=1)
        assert np.isnan(o["pv_lease_cny_ha_yr"])
        assert o["npv_developer_cny_ha"] == 0.0 and o["npv_developer_vs_baseline_cny_ha"] == 0.0
        assert o["npv_farmer_cny_ha"] == pytest.approx(o["npv_cny_ha"], rel=1e-12)
        assert o["risk_control_cost_cny_ha"] == pytest.approx(2_756_000, abs=1)
        assert o["npv_farmer_vs_baseline_cny_ha"] == pytest.approx(-614_110 - cover, abs=1)
        assert o["programme_cost_cny_ha"] == pytest.approx(614_110 + cover, abs=1)
        # a PV plant a developer finances: the farmer keeps the land lease (400 CNY/mu/yr = 6000 CNY/ha/yr
        # for 20 years at 6 %), the developer the rest; the programme pays nothing
        pv = (a["option_id"] == "pv_grass") & ~off
        assert pv.any()
        assert (a.loc[pv, "pv_developer_npv_cny_ha"] >= 0).all()
        np.testing.assert_allclose(a.loc[pv, "npv_developer_cny_ha"], a.loc[pv, "pv_developer_npv_cny_ha"],
                                   rtol=1e-12)
        np.testing.assert_allclose(a.loc[pv, "npv_farmer_cny_ha"], 6000 * (1 - 1.06 ** -20) / 0.06, rtol=1e-9)
        np.testing.assert_allclose(a.loc[pv, "npv_developer_cny_ha"],
                                   a.loc[pv, "npv_cny_ha"] - 6000 * (1 - 1.06 ** -20) / 0.06, rtol=1e-9)
        np.testing.assert_allclose(a.loc[pv, "npv_programme_cny_ha"], 0.0, atol=1e-9)
        assert (a.loc[~pv, "npv_developer_cny_ha"] == 0).all()
        assert a.loc[a["option_id"] != "pv_grass", "pv_developer_npv_cny_ha"].isna().all()
        # without a developer, the two accounts add up to the combined NPV
        np.testing.assert_allclose(a.loc[~pv, "npv_farmer_cny_ha"] + a.loc[~pv, "npv_programme_cny_ha"],
                                   a.loc[~pv, "npv_cny_ha"], atol=1e-6)
        np.testing.assert_allclose(a["npv_programme_cny_ha"], -(a["grain_support_cny_ha"] + a["subsidy_cny_ha"]),
                                   atol=1e-6)
        assert (a["npv_programme_cny_ha"] <= 1e-9).all()
        cost = -a["npv_programme_vs_baseline_cny_ha"] + np.maximum(0.0, -a["npv_farmer_vs_baseline_cny_ha"])
        np.testing.assert_allclose(a["programme_cost_cny_ha"], cost, atol=1e-6)
        assert (a.loc[a["option_id"] == "do_nothing", "programme_cost_cny_ha"] == 0).all()


def test_subsidies_paid_in_changsha_zhuzhou_xiangtan_only(sample_plots_path):
    t = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0)).table.set_index(["plot_id", "option_id"])
    # 长株潭 fallow compensation: 1300 CNY/mu/yr × 15 mu/ha, every year of 20 at 6 %
    assert t.loc[("HN-ZZ-01", "fallow"), "subsidy_cny_ha"] == pytest.approx(1300 * 15 * ANNUITY)
    assert t.loc[("HN-ZZ-01", "fallow"), "npv_programme_cny_ha"] == pytest.approx(-1300 * 15 * ANNUITY)
    # VIP+n materials (assumed fully paid): 2000 CNY/ha/yr of seed, water and sprays, and lime
    # 7.5 t × 300 CNY/t + 800 CNY/ha spreading in years 1, 3, …, 19
    lime = sum(3050 / 1.06 ** y for y in range(1, 20, 2))
    assert t.loc[("HN-ZZ-01", "lime_low_cd_rice"), "subsidy_cny_ha"] == pytest.approx(2000 * ANNUITY + lime)
    assert t.loc[("HN-ZZ-01", "do_nothing"), "subsidy_cny_ha"] == 0
    # Changde (Hunan, outside 长株潭), Guangxi: none
    for plot in ("HN-SM-13", "GX-HC-05"):
        assert t.loc[plot, "subsidy_cny_ha"].fillna(0).eq(0).all()
    # strict-control land in Xiangtan: fallow compensated, no VIP subsidy (no food crops there)
    assert t.loc[("HN-XT-02", "fallow"), "subsidy_cny_ha"] == pytest.approx(1300 * 15 * ANNUITY)


SAME_PLACE = {"xiangtan": ["Hunan/Xiangtan", "湖南/湘潭", "湖南省/湘潭市", "湖南省湘潭市"],
              "zhuzhou": ["Hunan/Zhuzhou", "湖南/株洲", "Hunan Province, Zhuzhou City", "湖南省株洲市渌口区"]}


@pytest.mark.parametrize("place,ph,cd", [("xiangtan", 5.0, 2.5), ("zhuzhou", 5.0, 0.8)])
def test_subsidies_and_farmer_plan_do_not_depend_on_the_language_of_the_region(place, ph, cd):
    """长株潭 fallow compensation (1300 CNY/mu/yr) and VIP+n materials reach a plot whose region is written
    in Chinese, with or without 省/市, in one piece or with its county, as they reach the English name."""
    base = dict(plot_id="x", area_ha=1.0, som_pct=3.0, clay_pct=28.0, bulk_density_g_cm3=1.2, depth_m=0.2,
                annual_rain_mm=1300.0, mean_temp_c=17.0, land_use="paddy", crop="rice", ph=ph, cd_mg_kg=cd,
                basic_farmland="yes")
    plots = pd.DataFrame([{**base, "plot_id": f"p{i}", "region": r} for i, r in enumerate(SAME_PLACE[place])])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, economics_view="farmer"))
    t = p.table.set_index(["option_id", "plot_id"]).sort_index()
    assert t.loc[("fallow", "p0"), "subsidy_cny_ha"] == pytest.approx(1300 * 15 * ANNUITY)
    cols = ["subsidy_cny_ha", "npv_farmer_vs_baseline_cny_ha", "programme_cost_cny_ha", "rank"]
    first = t.xs("p0", level="plot_id")[cols]
    for i in range(1, len(SAME_PLACE[place])):
        pd.testing.assert_frame_equal(t.xs(f"p{i}", level="plot_id")[cols], first)
    assert p.summary["recommended_option"].nunique() == 1
    if place == "zhuzhou":  # safe-utilisation paddy: VIP+n materials paid in every spelling
        assert (t.loc["lime_low_cd_rice", "subsidy_cny_ha"] > 40000).all()


def test_economics_view_chooses_what_the_ranking_counts(sample_plots_path):
    base = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    for view in ("combined", "farmer", "programme"):
        p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, economics_view=view))
        t = p.table
        want = {"combined": t["npv_vs_baseline_cny_ha"], "farmer": t["npv_farmer_vs_baseline_cny_ha"],
                "programme": -t["programme_cost_cny_ha"]}[view]
        np.testing.assert_allclose(t["crit_economics"], want)
        assert (p.summary["economics_view"] == view).all()
        # the NPVs themselves do not depend on the view
        np.testing.assert_allclose(t["npv_cny_ha"], base.table["npv_cny_ha"])
    far = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, economics_view="farmer"))
    why = far.table.set_index(["plot_id", "option_id"]).loc[("HN-ZZ-01", "fallow"), "why_economics"]
    assert "farmer's NPV" in why
    # replan switches the view without planning again
    r = replan(base, base.scenario.replace(economics_view="farmer"))
    np.testing.assert_allclose(r.table["crit_economics"], far.table["crit_economics"])
    assert r.summary["recommended_option"].tolist() == far.summary["recommended_option"].tolist()


def test_recommendation_quotes_the_amount_of_the_economics_view(plots_factory):
    # safe-utilisation paddy in Changsha (长株潭 VIP+n materials paid): the sentence quotes the
    # amount the ranking read, named by its view, in English and Chinese
    from agriremed.core import messages

    plots = plots_factory(1, ph=5.0, cd_mg_kg=1.2, region="Hunan/Changsha", basic_farmland="yes", clay_pct=28.0,
                           annual_rain_mm=1300.0)
    for view, col, en, zh in [
            ("combined", "npv_vs_baseline_cny_ha", "{} CNY/ha ({} CNY/mu) vs doing nothing over 20 yr",
             "20年净现值相对不治理{1}元/亩（{0}元/公顷）"),
            ("farmer", "npv_farmer_vs_baseline_cny_ha", "farmer's NPV {} CNY/ha ({} CNY/mu) vs doing nothing over 20 yr",
             "20年农户净现值相对不治理{1}元/亩（{0}元/公顷）"),
            ("programme", "programme_cost_cny_ha",
             "programme cost {} CNY/ha ({} CNY/mu) beyond doing nothing over 20 yr (farmer kept no worse off)",
             "20年项目支出比不治理多{1}元/亩（{0}元/公顷）（保证农户收益不低于不治理）")]:
        p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, economics_view=view))
        s = p.summary.iloc[0]
        amount, per_mu = f"{s[col]:+,.0f}", f"{s[col] / 15:+,.0f}"  # 1 mu = 1/15 ha
        assert en.format(amount, per_mu) in s["recommendation"], (view, s["recommendation"])
        assert zh.format(amount, per_mu) in messages.column_texts(p.summary, "recommendation", "zh", p.tables)[0]
        if view == "programme":  # the combined NPV is not quoted
            assert f"{s['npv_vs_baseline_cny_ha']:+,.0f} CNY/ha" not in s["recommendation"]
    # farmer view on this plot: the VIP+n package, +46,774 CNY/ha for the farmer; the sentence also names
    # what the programme pays (40,941 CNY/ha) and the plot's NPV (46,774 − 40,941 = +5,833 CNY/ha), so a
    # subsidised option does not read as a gain for everyone
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, economics_view="farmer"))
    far = p.summary.iloc[0]
    assert far["recommended_option"] == "lime_low_cd_rice"
    assert far["npv_farmer_vs_baseline_cny_ha"] == pytest.approx(46774, abs=1)
    assert far["programme_cost_cny_ha"] == pytest.approx(40941, abs=1)
    assert far["npv_vs_baseline_cny_ha"] == pytest.approx(46774 - 40941, abs=1)
    # the farmer ends better off by what the programme pays: the clause says so (not "keeping the farmer
    # no worse off", which costs less)
    # (after the amount: how the rice over the food limit is valued, at the farmer's share of the price)
    assert ("farmer's NPV +46,774 CNY/ha (+3,118 CNY/mu) vs doing nothing over 20 yr (harvests over the food limit "
            "counted at 60 % of the price, as “Sold at a discount for feed or industrial use”), with the programme's "
            "subsidies and compensation, which cost it +40,941 CNY/ha (+2,729 CNY/mu) beyond doing nothing; NPV of "
            "the plot +5,833 CNY/ha (+389 CNY/mu)") in far["recommendation"]
    assert ("20年农户净现值相对不治理+3,118元/亩（+46,774元/公顷）（超过食品限量的收获按价格的60 %计，即“折价定向销售"
            "（饲料或工业用粮）”）（含项目补贴和补偿，项目方相对不治理支出"
            "+2,729元/亩（+40,941元/公顷））；地块净现值+389元/亩（+5,833元/公顷）") \
        in messages.column_texts(p.summary, "recommendation", "zh", p.tables)[0]
    # a farmer who loses without any subsidy: what keeping the farmer whole would cost the programme
    asp = agriremed.plan(plots_factory(1, ph=6.6, cd_mg_kg=0.25, as_mg_kg=85.0, region="Hunan/Changde/Shimen"),
                         agriremed.Scenario(mc_draws=0, economics_view="farmer")).summary.iloc[0]
    # (the rice is predicted within the Cd limit in 80 % of seasons: the As amendment + low-Cd rice)
    assert asp["recommended_option"] == "as_fe_si_low_cd_rice" and asp["npv_farmer_vs_baseline_cny_ha"] < 0
    assert asp["programme_cost_cny_ha"] == pytest.approx(-asp["npv_farmer_vs_baseline_cny_ha"], abs=1)
    assert (f"; keeping the farmer no worse off than doing nothing costs the programme "
            f"{asp['programme_cost_cny_ha']:+,.0f} CNY/ha") in asp["recommendation"]


def _plan(plots_factory, **scenario):
    p = plots_factory(1, ph=5.0, cd_mg_kg=0.8)            # paddy, safe utilisation (0.3 < 0.8 < 1.5)
    # rule set none: the cash flows of every option (willow included) are checked on this paddy
    s = agriremed.Scenario(**{"mc_draws": 0, "carbon_price_cny_t": 0.0, "rule_set": "none", **scenario})
    return agriremed.plan(p, s)


def test_willow_cash_flow_hand_computed(plots_factory):
    pl = _plan(plots_factory)
    r = pl.table.set_index("option_id").loc["willow_src"]
    # management, harvest per t, haul of the delivered fuel (50 km × 0.5 CNY/(t km)), fuel sale per t
    yearly = -1500 - 8.6 * 150 - 8.6 * 50 * 0.5 + 8.6 * 300
    annuity = (1 - 1.06 ** -20) / 0.06
    grown = annuity - 1 / 1.06                             # cut back in the planting year: no harvest in year 1
    assert r["npv_cny_ha"] == pytest.approx(-15000 / 1.06 - 1500 / 1.06 + yearly * grown)
    assert r["cost_establishment_cny_ha"] == pytest.approx(15000 / 1.06)
    assert r["cost_harvest_cny_ha"] == pytest.approx(8.6 * 150 * grown)
    assert r["cost_transport_cny_ha"] == pytest.approx(8.6 * 50 * 0.5 * grown)      # 215 CNY/ha in a year
    assert r["revenue_biomass_cny_ha"] == pytest.approx(8.6 * 300 * grown)


def test_cost_groups_and_cash_flows_add_up(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    t = p.table.loc[p.table["npv_cny_ha"].notna()].set_index(["plot_id", "option_id"])
    groups = ["cost_crop_cny_ha", "cost_establishment_cny_ha", "cost_management_cny_ha",
              "cost_harvest_cny_ha", "cost_transport_cny_ha", "cost_amendment_cny_ha", "cost_disposal_cny_ha"]
    np.testing.assert_allclose(t[groups].sum(axis=1), t["cost_cny_ha"], rtol=1e-9, atol=1e-6)
    revenue = t["revenue_crop_cny_ha"] + t["revenue_biomass_cny_ha"] + t["carbon_revenue_cny_ha"]
    np.testing.assert_allclose(revenue, t["revenue_cny_ha"], rtol=1e-9, atol=1e-6)
    cf = p.yearly_cash_flows().assign(pv=lambda d: d["cash_flow_cny_ha_yr"] * 1.06 ** -d["year"])
    pv = cf.groupby(["plot_id", "option_id"])["pv"].sum()
    np.testing.assert_allclose(pv.reindex(t.index), t["npv_cny_ha"], rtol=1e-9, atol=1e-6)


def test_phytoextraction_stops_and_the_crop_returns(plots_factory):
    pl = _plan(plots_factory)
    T = pl.table.set_index("option_id").loc["sedum_plumbizincicola", "years_to_target"]
    flows = pl.yearly_cash_flows()
    cf = flows.loc[flows["option_id"] == "sedum_plumbizincicola"].pivot(
        index="year", columns="item", values="cash_flow_cny_ha_yr")
    during, after = cf.index <= np.ceil(T), cf.index > np.ceil(T)
    assert (cf.loc[during, "crop_cost"] == 0).all() and (cf.loc[during, "management"] < 0).all()
    assert (cf.loc[after, "crop_cost"] == -15000).all() and (cf.loc[after, "management"] == 0).all()
    assert (cf.loc[after, "crop_revenue"] > 0).all()


def test_amendment_is_reapplied_when_its_effect_ends(plots_factory):
    pl = _plan(plots_factory)
    cf = pl.yearly_cash_flows().query("option_id == 'lime_low_cd_rice' and item == 'amendment'")
    paid = cf.set_index("year")["cash_flow_cny_ha_yr"]
    assert (paid.loc[[1, 3, 5, 19]] == -(7.5 * 300 + 800)).all()
    assert (paid.loc[[2, 4, 20]] == 0).all()


def test_unknown_yield_of_a_saleable_crop_is_not_assessed(plots_factory, tables):
    # hemp (yield on contaminated land not confirmed) is a data gap in the library; as a partial
    # option its saleable biomass without a yield leaves the economics unassessed, never zero
    lib = tables.options.copy()
    lib.loc[lib["option_id"] == "hemp", "status"] = "partial"
    p = plots_factory(1, land_use="upland", crop="wheat", ph=6.0, cd_mg_kg=1.0)
    t = agriremed.plan(p, agriremed.Scenario(mc_draws=0), tables=tables.replace(options=lib)).table
    t = t.set_index("option_id")
    assert t.loc["hemp", "applicable"] and np.isnan(t.loc["hemp", "npv_cny_ha"])
    assert "economics not assessed" in t.loc["hemp", "data_gaps"]
    assert t.loc["hemp", "light_economics"] is None or pd.isna(t.loc["hemp", "light_economics"])


def test_comparison_with_the_best_alternative(sample_plots_path):
    t = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0)).table
    for _, g in t.loc[t["npv_cny_ha"].notna()].groupby("plot_id"):
        g = g.sort_values("npv_cny_ha", ascending=False)
        best, second = g.iloc[0], g.iloc[1]
        assert best["npv_vs_best_cny_ha"] == pytest.approx(best["npv_cny_ha"] - second["npv_cny_ha"])
        assert best["best_alternative"] == second["option_id"] and best["npv_vs_best_cny_ha"] >= 0
        rest = g.iloc[1:]
        np.testing.assert_allclose(rest["npv_vs_best_cny_ha"], rest["npv_cny_ha"] - best["npv_cny_ha"])
        assert (rest["best_alternative"] == best["option_id"]).all()


def test_biomass_valued_as_electricity(plots_factory):
    pl = _plan(plots_factory, biomass_valuation="electricity")
    r = pl.table.set_index("option_id").loc["willow_src"]
    annuity = (1 - 1.06 ** -20) / 0.06
    assert r["revenue_biomass_cny_ha"] == pytest.approx(r["electricity_mwh_ha_yr"] * 750 * (annuity - 1 / 1.06))
    assert r["electricity_mwh_ha_yr"] == pytest.approx(8.6 * 15 * 0.32 / 3.6)


def test_carbon_price_raises_revenue_of_carbon_gains(plots_factory):
    annuity = (1 - 1.06 ** -20) / 0.06
    # inventory view (every term sold): the gain includes the avoided grid electricity
    a = _plan(plots_factory, carbon_credit_method="all_terms").table.set_index("option_id")
    b = _plan(plots_factory, carbon_price_cny_t=100.0,
              carbon_credit_method="all_terms").table.set_index("option_id")
    gain = b.loc["willow_src", "net_co2e_vs_baseline_t_ha_yr"]
    assert gain > 0
    assert b.loc["willow_src", "npv_cny_ha"] - a.loc["willow_src", "npv_cny_ha"] == pytest.approx(
        gain * 100 * annuity)
    # default (land_based): the electricity is sold, so its avoided emission earns no carbon revenue, nor does
    # the CH4 of the rice the paddy gives up for willow (carbon_credit_terms.csv: paddy_ch4 rice_seasons)
    c = _plan(plots_factory, carbon_price_cny_t=100.0).table.set_index("option_id")
    w = c.loc["willow_src"]
    assert c.loc["do_nothing", "paddy_ch4_co2e_t_ha_yr"] < -2 and w["paddy_ch4_co2e_t_ha_yr"] == 0.0
    credited = w["net_co2e_vs_baseline_t_ha_yr"] - w["avoided_electricity_co2e_t_ha_yr"] \
        + c.loc["do_nothing", "avoided_electricity_co2e_t_ha_yr"] + c.loc["do_nothing", "paddy_ch4_co2e_t_ha_yr"]
    assert w["credited_co2e_vs_baseline_t_ha_yr"] == pytest.approx(credited)
    assert w["carbon_revenue_cny_ha"] == pytest.approx(max(credited, 0.0) * 100 * annuity)


# ------------------------------------------------------------------------ currency
def test_default_exchange_rates_are_ecb_cross_rates(tables):
    # ECB reference rates of 28 June 2024: EUR 1 = 7.7748 CNY = 1.0705 USD = 0.84638 GBP = 7.4575 DKK
    for cur, per_eur in (("EUR", 1.0), ("USD", 1.0705), ("GBP", 0.84638), ("DKK", 7.4575)):
        rate, basis = economics.exchange_rate(cur, tables)
        assert rate == pytest.approx(7.7748 / per_eur, abs=5e-5) and basis == "2024-06-28 ecb2024_fxref"
    assert economics.exchange_rate("CNY", tables) == (1.0, "CNY")
    assert economics.exchange_rate("USD", tables, 7.0) == (7.0, "scenario")
    with pytest.raises(ValueError, match="exchange_rate_cny"):
        economics.exchange_rate("USD", tables.replace(exchange_rates=tables.exchange_rates.iloc[:1]))


def test_currency_columns_and_texts():
    f = pd.DataFrame({"plot_id": ["P1"], "npv_cny_ha": [-9185.9], "cost_per_g_removed_cny_g": [91.859],
                      "years_p50": [3.0]})
    out = economics.add_currency_columns(f, "GBP", 9.1859)
    assert list(out.columns) == ["plot_id", "npv_cny_ha", "npv_gbp_ha", "cost_per_g_removed_cny_g",
                                 "cost_per_g_removed_gbp_g", "years_p50"]
    assert out["npv_gbp_ha"].iloc[0] == pytest.approx(-1000.0)
    assert out["cost_per_g_removed_gbp_g"].iloc[0] == pytest.approx(10.0)
    assert economics.add_currency_columns(f, "CNY", 1.0) is f
    assert economics.money_text(-9185.9, "GBP", 9.1859) == "-1,000 GBP/ha (-9,186 CNY/ha)"
    assert economics.money_text(12345.6) == "+12,346 CNY/ha"


def test_plan_reports_money_in_the_scenario_currency(tmp_path, sample_plots_path):
    import json

    base = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0), progress=False, detail=False)
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, currency="EUR"), progress=False,
                       detail=False)
    t = p.table
    assert "npv_eur_ha" in t and "npv_gbp_ha" not in t and "npv_eur_ha" not in base.table
    np.testing.assert_allclose(t["npv_eur_ha"], t["npv_cny_ha"] / 7.7748, equal_nan=True)
    np.testing.assert_allclose(t["npv_cny_ha"], base.table["npv_cny_ha"], equal_nan=True)   # CNY unchanged
    s = p.summary
    np.testing.assert_allclose(s["npv_vs_baseline_eur_ha"], s["npv_vs_baseline_cny_ha"] / 7.7748,
                               equal_nan=True)
    rec = p.summary["recommendation"].dropna()
    assert rec.str.contains(r"EUR/ha \([+-][\d,]+ EUR/mu; [+-][\d,]+ CNY/ha\) vs doing nothing").any()
    why = t["why_economics"].dropna()
    assert why.str.contains("EUR/ha").sum() > 100
    assert why[~why.str.contains("EUR/ha")].str.contains("nan CNY/ha").all()   # not assessed: no amount
    p.write(tmp_path, report=True)
    assert "money in EUR at 7.7748 CNY per EUR" in (tmp_path / "report.html").read_text(encoding="utf-8")
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["currency"] == {"code": "EUR", "cny_per_unit": 7.7748, "basis": "2024-06-28 ecb2024_fxref"}
    assert any("7.7748 CNY per EUR" in line for line in run["provenance"])
    assert pd.read_csv(tmp_path / "plan.csv")["npv_eur_ha"].notna().any()


def test_miscanthus_establishes_before_its_harvests_pay(plots_factory):
    pl = _plan(plots_factory)
    cf = pl.yearly_cash_flows().query("option_id == 'miscanthus'").pivot(
        index="year", columns="item", values="cash_flow_cny_ha_yr")
    mature = cf.loc[5, "biomass_sale"]
    assert mature > 0
    assert cf.loc[1, "biomass_sale"] == 0 and cf.loc[1, "harvest"] == 0          # not worth harvesting
    assert cf.loc[2, "biomass_sale"] == pytest.approx(0.5 * mature)              # half the mature yield
    assert (cf.loc[3:, "biomass_sale"] == mature).all()


def test_biomass_haulage_is_charged_over_the_plot_distance(plots_factory):
    """Sold biomass pays t × one-way km × freight rate: willow 8.6 t DM/ha × 20 km × 0.5 CNY/(t km)
    = 86 CNY/ha a year (the plot's own ``transport_km``), 8.6 × 120 × 0.5 = 516 with the scenario
    distance; metal-rich hyperaccumulator biomass (harvest cost already incl. haulage) is not charged."""
    from agriremed.core.tables import load_tables

    assert load_tables().factor("freight_cost_cny_tkm") == 0.5
    p = plots_factory(1, ph=5.0, cd_mg_kg=0.8)
    s = agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0.0, rule_set="none")
    own = agriremed.plan(p.assign(transport_km=20.0), s)
    cf = own.yearly_cash_flows().query("option_id == 'willow_src' and item == 'transport'")
    haul = cf.set_index("year")["cash_flow_cny_ha_yr"]
    assert haul.loc[1] == 0                                                 # cut back: nothing hauled
    np.testing.assert_allclose(haul.loc[2:], -8.6 * 20 * 0.5)               # −86 CNY/ha
    far = agriremed.plan(p, agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0.0, rule_set="none",
                                               transport_km=120.0))
    cf = far.yearly_cash_flows().query("option_id == 'willow_src' and item == 'transport'")
    np.testing.assert_allclose(cf.set_index("year")["cash_flow_cny_ha_yr"].loc[2:], -8.6 * 120 * 0.5)
    grown = (1 - 1.06 ** -20) / 0.06 - 1 / 1.06
    t_own = own.table.set_index("option_id")
    t_far = far.table.set_index("option_id")
    assert t_own.loc["willow_src", "cost_transport_cny_ha"] == pytest.approx(86 * grown)
    assert t_own.loc["willow_src", "npv_cny_ha"] - t_far.loc["willow_src", "npv_cny_ha"] \
        == pytest.approx((516 - 86) * grown)
    assert t_own.loc["sedum_plumbizincicola", "cost_transport_cny_ha"] == 0
    assert t_own.loc["do_nothing", "cost_transport_cny_ha"] == 0


def test_local_freight_rate_is_a_scenario_override(plots_factory):
    """factor.freight_cost_cny_tkm = 1.2: willow's haul at 50 km is 8.6 × 50 × 1.2 = 516 CNY/ha a year."""
    p = plots_factory(1, ph=5.0, cd_mg_kg=0.8)
    s = agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0.0, rule_set="none",
                           overrides={"factor.freight_cost_cny_tkm": 1.2})
    cf = agriremed.plan(p, s).yearly_cash_flows().query("option_id == 'willow_src' and item == 'transport'")
    np.testing.assert_allclose(cf.set_index("year")["cash_flow_cny_ha_yr"].loc[2:], -8.6 * 50 * 1.2)


def test_as_amendment_is_costed_every_year_hand_computed(sample_plots_path):
    t = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0)).table.set_index(["plot_id", "option_id"])
    r = t.loc[("HN-SM-13", "as_fe_si_amendment")]
    # 3 t/ha of conditioner × 1500 CNY/t + 800 CNY/ha spreading, every year (reapply_interval_yr 1);
    # no effect on Cd, so the crop is sold as under current practice
    assert r["cost_amendment_cny_ha"] == pytest.approx((3 * 1500 + 800) * ANNUITY)   # present value of the costs
    assert r["npv_vs_baseline_cny_ha"] == pytest.approx(-(3 * 1500 + 800) * ANNUITY)
    # the rice is predicted within the Cd limit in 71 % of seasons, so the amendment + low-Cd rice is
    # recommended (the amendment alone leaves that risk as it is): the same amendment cost, the low-Cd seed
    # premium of 600 CNY/ha/yr on top, and more of the rice sold as compliant (91 % of seasons)
    assert not r["recommended"]
    pk = t.loc[("HN-SM-13", "as_fe_si_low_cd_rice")]
    assert pk["recommended"]
    assert pk["cost_amendment_cny_ha"] == pytest.approx((3 * 1500 + 800) * ANNUITY)
    assert pk["cost_management_cny_ha"] == pytest.approx(600 * ANNUITY)
    assert (r["compliant_season_fraction"], pk["compliant_season_fraction"]) == pytest.approx((0.7138, 0.9099), abs=1e-4)


def test_hemp_without_a_yield_is_a_data_gap_not_a_nan_npv(sample_plots_path):
    t = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0)).table
    h = t.loc[t["option_id"] == "hemp"]
    assert not h["applicable"].any()
    assert h.loc[h["plot_id"] == "YN-LP-12", "reason"].iloc[0] == (
        "cannot be assessed: biomass and fibre yield on contaminated farmland not confirmed: economics not assessed")
    # no applicable option is left without an NPV
    app = t.loc[t["applicable"]]
    assert app["npv_cny_ha"].notna().all(), app.loc[app["npv_cny_ha"].isna(), ["plot_id", "option_id"]]


def test_sunflower_seed_is_an_industrial_oilseed_hand_computed(sample_plots_path):
    t = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0)).table.set_index(["plot_id", "option_id"])
    r = t.loc[("YN-LP-12", "sunflower")]
    # 3.9 t/ha seed × 2000 CNY/t (non-food oilseed) − 8000 CNY/ha/yr, every year of 20 at 6 %
    assert r["npv_cny_ha"] == pytest.approx((3.9 * 2000 - 8000) * ANNUITY)
    assert r["food_crop"] == "none" and np.isnan(r["crop_compliance_prob"])


def test_pteris_costs_come_from_the_project_split_hand_computed(sample_plots_path):
    t = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0)).table.set_index(["plot_id", "option_id"])
    r = t.loc[("HN-SM-13", "pteris_vittata")]
    # US$ 75 375.2/hm² over 2 yr (Wan et al. 2016) at 7.2628 CNY/US$: capital 46.02 % in year 1,
    # operation 53.98 % spread over the 2 years; the clean-up takes longer than 20 years here
    capital = 75375.2 * 0.4602 * 7.2628
    operation = 75375.2 * 0.5398 / 2 * 7.2628
    assert capital == pytest.approx(251930, abs=1) and operation == pytest.approx(147752, abs=1)
    assert r["years_to_target"] > 20
    assert r["cost_establishment_cny_ha"] == pytest.approx(251930 / 1.06)
    assert r["cost_management_cny_ha"] == pytest.approx(147752 * ANNUITY)


def test_vip_n_organic_fertiliser_is_costed_hand_computed(sample_plots_path):
    # HN-ZZ-01 with As 40 mg/kg (above 30): the package without flooding is offered there
    plots = pd.read_csv(sample_plots_path)
    plots = plots.loc[plots["plot_id"] == "HN-ZZ-01"].assign(as_mg_kg=40.0)
    t = agriremed.plan(plots, agriremed.Scenario(mc_draws=0)).table.set_index(["plot_id", "option_id"])
    r = t.loc[("HN-ZZ-01", "vip_n_no_flood")]
    # seed premium + sprays 1200 CNY/ha/yr and 3 t/ha/yr organic fertiliser × 800 CNY/t, every year
    assert r["cost_management_cny_ha"] == pytest.approx((1200 + 3 * 800) * ANNUITY)


def test_strict_control_baseline_crop_is_valued_as_grain_over_the_limit():
    # HN-XT-02 is strict-control land (a specific-product prohibition zone): the rice doing nothing keeps
    # growing is valued with P(comply) = 0, whatever its predicted compliance. Between selling it at the
    # discount of non-compliant grain (value 0.6) and destroying it (0) the baseline NPV then differs by
    # the whole harvest: 7.14 t/ha × 2580 CNY/t × 0.6 × annuity (20 yr, 6 %), not by (1 − P) of it
    df = pd.read_csv(SAMPLES / "plots.csv")
    df = df[df["plot_id"] == "HN-XT-02"]
    # (the old valuation, scenario strict_baseline_crop = noncompliant_grain; the default is not_sold: below)
    runs = {g: agriremed.plan(df, agriremed.Scenario(mc_draws=0, noncompliant_grain=g,
                                                     strict_baseline_crop="noncompliant_grain"), progress=False)
            for g in ("discount_sale", "destroyed")}
    assert runs["destroyed"].summary["soil_class"].iloc[0] == "strict_control"
    t = {g: r.table.set_index("option_id") for g, r in runs.items()}
    pc = t["destroyed"].loc["do_nothing", "crop_compliance_prob"]
    assert 0.2 < pc < 0.4
    ann = sum(1.06 ** -k for k in range(1, 21))
    diff = t["discount_sale"].loc["do_nothing", "npv_cny_ha"] - t["destroyed"].loc["do_nothing", "npv_cny_ha"]
    assert diff == pytest.approx(7.14 * 2580 * 0.6 * ann, rel=1e-6)


def test_strict_control_baseline_crop_that_the_rule_set_forbids_can_be_valued_as_not_sold():
    # cn_strict_no_food forbids the edible crop on strict-control land: with strict_baseline_crop = not_sold
    # doing nothing's harvest may not be sold at all (the destroyed row), whatever the noncompliant_grain rule,
    # so the options are compared with a crop that earns nothing; the farmer, programme and combined accounts
    # stay consistent. The default keeps the noncompliant_grain valuation and the sentence says so.
    assert agriremed.Scenario().strict_baseline_crop == "noncompliant_grain"
    df = pd.read_csv(SAMPLES / "plots.csv")
    df = df[df["plot_id"] == "HN-XT-02"]
    ann = sum(1.06 ** -k for k in range(1, 21))
    runs = {(g, v): agriremed.plan(df, agriremed.Scenario(mc_draws=0, noncompliant_grain=g,
                                                          strict_baseline_crop=v), progress=False)
            for g in ("discount_sale", "state_purchase", "destroyed") for v in ("not_sold", "noncompliant_grain")}
    t = {k: r.table.set_index("option_id") for k, r in runs.items()}
    assert t[("discount_sale", "not_sold")].loc["do_nothing", "policy_status"] == "forbidden"
    base = {k: x.loc["do_nothing"] for k, x in t.items()}
    # default: the baseline earns what the destroyed rule gives, under any noncompliant_grain rule
    for g in ("discount_sale", "state_purchase"):
        assert base[(g, "not_sold")]["npv_cny_ha"] == pytest.approx(base[("destroyed", "not_sold")]["npv_cny_ha"],
                                                                   rel=1e-9)
        # no grain support on a crop that may not be sold: farmer and programme as the combined account
        assert base[(g, "not_sold")]["npv_farmer_cny_ha"] == pytest.approx(base[(g, "not_sold")]["npv_cny_ha"],
                                                                          rel=1e-9)
    old = base[("discount_sale", "noncompliant_grain")]["npv_cny_ha"]
    assert old - base[("discount_sale", "not_sold")]["npv_cny_ha"] == pytest.approx(7.14 * 2580 * 0.6 * ann,
                                                                                  rel=1e-6)
    # under state purchase the old valuation paid the farmer the full price (programme bore 0.4 of it)
    sp_old = base[("state_purchase", "noncompliant_grain")]
    assert sp_old["npv_farmer_cny_ha"] - base[("state_purchase", "not_sold")]["npv_farmer_cny_ha"] == \
        pytest.approx(7.14 * 2580 * 1.0 * ann, rel=1e-6)
    # every option's NPV against doing nothing rises by what the baseline no longer sells; the combined
    # NPV of the options themselves is unchanged
    new, was = t[("discount_sale", "not_sold")], t[("discount_sale", "noncompliant_grain")]
    opts = [o for o in new.index if o != "do_nothing" and new.loc[o, "applicable"]]
    assert opts
    for o in opts:
        assert new.loc[o, "npv_cny_ha"] == pytest.approx(was.loc[o, "npv_cny_ha"], rel=1e-9)
        assert new.loc[o, "npv_vs_baseline_cny_ha"] - was.loc[o, "npv_vs_baseline_cny_ha"] == \
            pytest.approx(7.14 * 2580 * 0.6 * ann, rel=1e-6)
        # combined = farmer + programme (transfers cancel)
        assert new.loc[o, "npv_cny_ha"] == pytest.approx(new.loc[o, "npv_farmer_cny_ha"]
                                                        + new.loc[o, "npv_programme_cny_ha"], rel=1e-9, abs=1e-6)
    # the sentence says the comparison is with a crop that may not be sold (EN and ZH)
    from agriremed.core import messages
    s = runs[("discount_sale", "not_sold")].summary
    assert "(doing nothing keeps growing an edible crop that may not be sold on this strict-control land)" \
        in s["recommendation"].iloc[0]
    assert "不治理即继续种植在该严格管控类土地上不得销售的食用农产品" in \
        messages.column_texts(s, "recommendation", "zh")[0]
    was_s = runs[("discount_sale", "noncompliant_grain")].summary
    assert "may not be sold" not in was_s["recommendation"].iloc[0]
    assert ("(doing nothing is valued as selling its edible crop, which may not be grown on this strict-control "
            "land, as produce over the food limit)") in was_s["recommendation"].iloc[0]
    assert "禁止种植的食用农产品作为超标农产品出售计算" in messages.column_texts(was_s, "recommendation", "zh")[0]
    from agriremed.core.scenario import ScenarioError
    with pytest.raises(ScenarioError, match="strict_baseline_crop"):
        agriremed.Scenario(strict_baseline_crop="sold")


def test_the_forbidden_crop_does_not_return_after_a_target_on_land_that_stays_strict():
    # strict-control vegetable land (China rule set: edible crops forbidden): after Sedum reaches its Cd
    # target the pak choi does not come back where Pb stays above its intervention value (untreated by
    # Sedum) or where the class is the county's strict control; it did, paying +49 761 CNY/ha/yr of
    # forbidden sales into the Sedum option
    plots = pd.DataFrame([
        {"plot_id": "county", "region": "Guangdong/Qingyuan", "land_use": "vegetable", "crop": "pak_choi",
         "area_ha": 1.0, "ph": 5.5, "cd_mg_kg": 0.2, "pb_mg_kg": 30.0, "soil_class_county": "strict_control",
         "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2},
        {"plot_id": "pb", "region": "Guangdong/Qingyuan", "land_use": "vegetable", "crop": "pak_choi",
         "area_ha": 1.0, "ph": 4.5, "cd_mg_kg": 0.35, "pb_mg_kg": 520.0,
         "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    assert (p.soil_plot.set_index("plot_id")["soil_class"] == "strict_control").all()
    t = p.table.set_index(["plot_id", "option_id"])
    for pid in ("county", "pb"):
        sedum = t.loc[(pid, "sedum_plumbizincicola")]
        assert sedum["revenue_mean_cny_ha_yr"] < 10.0, (pid, sedum["revenue_mean_cny_ha_yr"])
        # doing nothing's forbidden pak choi may not be sold (no feed outlet for vegetables): the farmer is
        # taken to stop growing it (no income, no cost); Sedum never gains the pak choi's income
        assert t.loc[(pid, "do_nothing"), "npv_cny_ha"] == 0.0
        assert sedum["npv_vs_baseline_cny_ha"] == pytest.approx(sedum["npv_cny_ha"], rel=1e-9)
    # with the strict class lifted by clean-up (Cd the only metal above screening, no county class) the
    # crop still returns after the target (the land is no longer strict control)
    one = pd.DataFrame([{**plots.iloc[1].to_dict(), "plot_id": "cd_only", "pb_mg_kg": 30.0, "cd_mg_kg": 2.0,
                         "ph": 5.0}])
    q = agriremed.plan(one, agriremed.Scenario(mc_draws=0)).table.set_index("option_id")
    assert q.loc["sedum_plumbizincicola", "revenue_mean_cny_ha_yr"] > 1_000.0


def test_the_sentence_names_the_farmers_npv_and_the_programmes_payments_where_subsidies_differ():
    # 长株潭 fallow compensation: the plot's NPV hides what the farmer gets and the programme pays
    import agriremed
    from agriremed.core.messages import column_texts
    from plotdata import make_plots

    df = make_plots(1, ph=5.0, cd_mg_kg=2.0, region="Hunan/Zhuzhou/Lukou", area_ha=0.02)
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0, options=("fallow",)))
    s = p.summary.iloc[0]
    farmer, whole = s["npv_farmer_vs_baseline_cny_ha"], s["npv_vs_baseline_cny_ha"]
    assert farmer - whole > 100_000
    rec = s["recommendation"]
    assert f"; for the farmer {farmer:+,.0f} CNY/ha ({farmer / 15:+,.0f} CNY/mu) with subsidies and compensation" in rec
    prog = s["programme_cost_cny_ha"]
    assert f"the programme's cost {prog:+,.0f} CNY/ha ({prog / 15:+,.0f} CNY/mu) beyond doing nothing (the farmer " in rec
    zh = column_texts(p.summary, "recommendation", "zh", p.tables)[0]
    assert f"农户计入补贴和补偿后{farmer / 15:+,.0f}元/亩（{farmer:+,.0f}元/公顷）" in zh
    # without subsidies (outside 长株潭) the sentence keeps one amount
    q = agriremed.plan(make_plots(1, ph=5.0, cd_mg_kg=0.6, region="Jiangxi/Ganzhou"),
                       agriremed.Scenario(mc_draws=0, options=("flooded_rice",)))
    assert "for the farmer" not in q.summary["recommendation"].iloc[0]


def test_produce_over_the_limit_has_the_feed_or_industry_outlet_only_where_its_crop_group_does(tables):
    # noncompliant_grain.csv lists, per rule, the crop groups whose produce over the limit the outlet takes:
    # grain (and storable seed, tuber and cane) for feed or industry; vegetables, fruit and tea have none
    t = tables.noncompliant_grain.set_index("rule")
    assert t.loc["destroyed", "crop_groups"] == ""
    assert {"rice", "wheat", "maize"} <= set(t.loc["discount_sale", "crop_groups"].split("|"))
    crops = ["rice", "wheat", "maize", "pak_choi", "lettuce", "cabbage", "carrot", "potato", "apple", "tea",
             "soybean", "vegetable_unspecified", "unlisted", "mulberry", "cotton"]
    for rule in ("discount_sale", "state_purchase"):
        got = dict(zip(crops, economics.noncompliant_outlets(crops, rule, tables).tolist()))
        assert got == {"rice": True, "wheat": True, "maize": True, "pak_choi": False, "lettuce": False,
                       "cabbage": False, "carrot": False, "potato": True, "apple": False, "tea": False,
                       "soybean": True, "vegetable_unspecified": False, "unlisted": False,
                       # non-food crops (no food limit) keep the rule's value, as before
                       "mulberry": True, "cotton": True}
    assert economics.noncompliant_outlets(crops, "destroyed", tables).all()
    assert economics.noncompliant_outlets(crops, price_fraction=0.3, tables=tables).all()  # the user's share


#: GX-06 of a county sheet (Guixi, Jiangxi, near the smelter): pak choi on acid dry land with Cd 1.8 mg/kg,
#: strict control; doing nothing keeps growing the pak choi
GUIXI_VEG = {"plot_id": "GX-06", "region": "Jiangxi/Yingtan/Guixi", "land_use": "upland", "crop": "pak_choi",
             "area_ha": 0.08, "ph": 5.0, "som_pct": 2.5, "cd_mg_kg": 1.8, "as_mg_kg": 18.0, "pb_mg_kg": 160.0,
             "cu_mg_kg": 420.0, "zn_mg_kg": 280.0}


def test_vegetables_over_the_limit_are_not_sold_for_feed_on_strict_control_land():
    # the forbidden pak choi doing nothing keeps growing is over the limit (P = 0) and has no feed or
    # industrial outlet: none of it may be sold, so the farmer is taken to stop growing it (no income and no
    # production cost): doing nothing's NPV is 0 and fallow is compared with idle land (its own NPV, and the
    # programme pays what keeps the farmer no worse off). It was sold at 60 % of the price (+275 278 CNY/ha),
    # which made fallow −290 091 CNY/ha (−19 339 CNY/mu) against doing nothing; paying 30 000 CNY/ha/yr of
    # production cost for a harvest that may not be sold would have made it +329 285 CNY/ha
    p = agriremed.plan(pd.DataFrame([GUIXI_VEG]), agriremed.Scenario(mc_draws=0), progress=False)
    assert p.summary["soil_class"].iloc[0] == "strict_control"
    t = p.table.set_index("option_id")
    base = t.loc["do_nothing"]
    assert base["revenue_crop_cny_ha"] == 0.0
    assert base["npv_cny_ha"] == 0.0
    fallow = t.loc["fallow"]
    assert fallow["npv_vs_baseline_cny_ha"] == pytest.approx(fallow["npv_cny_ha"], rel=1e-9)
    assert fallow["npv_vs_baseline_cny_ha"] == pytest.approx(-14_813, abs=1)
    assert fallow["programme_cost_cny_ha"] == pytest.approx(14_813, abs=1)
    # the sentence says the comparison is with idle land (EN and ZH)
    from agriremed.core import messages
    s = p.summary
    assert ("(doing nothing: the edible crop may not be sold on this strict-control land, so the farmer is taken to "
            "stop growing it — no income and no production cost)") in s["recommendation"].iloc[0]
    assert "as produce over the food limit" not in s["recommendation"].iloc[0]
    assert "不治理：该严格管控类土地上的食用农产品不得销售，按农户停止种植计——无收入，也无生产成本" in \
        messages.column_texts(s, "recommendation", "zh")[0]
    # a share of the price set by the user still applies to every crop
    q = agriremed.plan(pd.DataFrame([GUIXI_VEG]), agriremed.Scenario(mc_draws=0, noncompliant_price_fraction=0.5),
                       progress=False).table.set_index("option_id")
    assert q.loc["do_nothing", "npv_cny_ha"] == pytest.approx((30 * 3000 * 0.5 - 30000) * ANNUITY, rel=1e-9)


def test_the_sentence_takes_the_outlet_the_economics_stage_valued_the_crop_with(monkeypatch):
    # whether the pak choi doing nothing keeps growing on strict-control land has a feed or industrial outlet
    # is looked up once per plan, by the economics stage (it was looked up again for the sentence): the stage
    # gives its answer on the do-nothing row (over_limit_outlet) and the summary and a re-ranking read it
    from agriremed.engine.plan import rerank

    calls = []
    real = economics.noncompliant_outlets

    def counting(crops, *args, **kwargs):
        calls.append(list(crops))
        return real(crops, *args, **kwargs)

    monkeypatch.setattr(economics, "noncompliant_outlets", counting)
    p = agriremed.plan(pd.DataFrame([GUIXI_VEG]), agriremed.Scenario(mc_draws=0), progress=False)
    assert len(calls) == 1 and "pak_choi" in calls[0]
    e = p.economics.set_index("option_id")["over_limit_outlet"]
    assert e["do_nothing"] == False  # noqa: E712 (pak choi: no feed or industrial outlet)
    assert e.drop("do_nothing").isna().all()
    stop = "so the farmer is taken to stop growing it — no income and no production cost"
    assert stop in p.summary["recommendation"].iloc[0]
    q = rerank(p, {**p.scenario.weights, "economics": 0.5})
    assert len(calls) == 1  # the re-ranking asks nothing again
    assert stop in q.summary["recommendation"].iloc[0]


def test_safe_utilisation_vegetables_over_the_limit_earn_nothing(sample_plots_path):
    # JS-SZ-07 (pak choi, safe utilisation): 30 t/ha × 3000 CNY/t × P(comply) − 30 000 CNY/ha, 20 yr at 6 %;
    # the share that fails the limit is not sold (it was sold at 60 % of the price: 617 513 CNY/ha)
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0))
    r = p.table.set_index(["plot_id", "option_id"]).loc[("JS-SZ-07", "do_nothing")]
    P = r["crop_compliance_prob"]
    assert 0.5 < P < 1.0
    assert r["npv_cny_ha"] == pytest.approx((30 * 3000 * P - 30000) * ANNUITY, rel=1e-9)
    assert r["grain_support_cny_ha"] == 0.0
    # under 收储 the reserve does not buy vegetables: no price support either
    q = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0,
                                                             noncompliant_grain="state_purchase"))
    rq = q.table.set_index(["plot_id", "option_id"]).loc[("JS-SZ-07", "do_nothing")]
    assert rq["npv_farmer_cny_ha"] == pytest.approx(r["npv_cny_ha"], rel=1e-9)
    assert rq["grain_support_cny_ha"] == 0.0
