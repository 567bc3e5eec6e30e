"""Double-cropped rice (双季稻): the per-plot number of rice seasons a year.

A plot of two rice seasons harvests, spends, emits and is sampled twice a year where
``rice_seasons.csv`` counts a quantity once a season; lime and other per-year items stay.
"""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.io.validate import validate_plots
from plotdata import make_plots

ANNUITY = (1 - 1.06 ** -20) / 0.06    # 20 yr at 6 %: 11.4699


# --------------------------------------------------------------------------- the column
def test_double_rice_crop_sets_two_seasons_and_a_note():
    v = validate_plots(make_plots(2, crop=["双季稻", "水稻"]))
    assert v.plots["crop"].tolist() == ["rice", "rice"]
    assert v.plots["rice_seasons_per_yr"].tolist()[0] == 2.0 and np.isnan(v.plots["rice_seasons_per_yr"][1])
    note = v.problems.loc[v.problems["input_row"] == 1, "problem"].iloc[0]
    assert note.startswith("read as rice, planned as TWO rice seasons a year")
    assert "ONE rice season" not in " ".join(v.problems["problem"])


@pytest.mark.parametrize("header", ["水稻季数", "稻作季数", "rice seasons", "rice_seasons_per_yr"])
def test_seasons_read_from_a_chinese_header(header):
    df = make_plots(2, crop=["水稻", "rice"])
    df[header] = [2, 1]
    v = validate_plots(df)
    assert v.plots["rice_seasons_per_yr"].tolist() == [2.0, 1.0]
    assert not (v.problems["severity"] == "error").any()


@pytest.mark.parametrize("header", ["复种指数", "种植季数", "季数"])
def test_a_multiple_cropping_index_is_not_rice_seasons(header):
    """复种指数 (200 % for 稻-稻 and for 小麦-玉米, 3 for 稻-稻-油), 种植季数 and 季数 count every crop of
    the year: the column is passed through unread and rejects no row, on rice or on upland."""
    df = make_plots(4, crop=["双季稻", "水稻", "wheat", "maize"],
                    land_use=["paddy", "paddy", "upland", "upland"])
    df[header] = pd.Series(["200%", 3, "200%", 2], dtype=object)
    v = validate_plots(df)
    assert v.plots["plot_id"].tolist() == ["P1", "P2", "P3", "P4"] and v.rejected.empty
    assert v.plots["rice_seasons_per_yr"].tolist()[0] == 2.0  # from the crop 双季稻
    assert np.isnan(v.plots["rice_seasons_per_yr"].tolist()[1:]).all()
    assert v.plots[header].astype(str).tolist() == ["200%", "3", "200%", "2"]
    w = v.problems.loc[v.problems["column"].eq(header)]
    assert w["problem"].str.startswith("column not used by agriremed").tolist() == [True]
    assert not (v.problems["severity"] == "error").any()


@pytest.mark.parametrize("header", ["种植制度", "种植模式", "熟制"])
def test_cropping_system_column_sets_the_rice_seasons(header):
    """双季稻 / 早稻+晚稻 / 稻-稻 / 稻稻 / 稻-稻-油 / 稻稻油 in a 种植制度 column → two rice seasons on a rice
    plot (with the double-rice warning), 一季稻 / 单季稻 / 中稻 / 一季中稻 / 稻-油 / 稻油 → one; other values
    are ignored with a warning naming the column; rice seasons given by rice_seasons_per_yr win."""
    system = ["双季稻", "早稻+晚稻", "稻-稻", "稻稻", "稻-稻-油", "稻稻油",
              "一季稻", "单季稻", "中稻", "一季中稻", "稻-油", "稻油", "冬小麦-夏玉米", ""]
    n = len(system)
    df = make_plots(n, crop=["水稻"] * 12 + ["wheat", "水稻"], land_use=["paddy"] * 12 + ["upland", "paddy"])
    df[header] = system
    v = validate_plots(df)
    assert v.rejected.empty and len(v.plots) == n
    seasons = v.plots["rice_seasons_per_yr"].tolist()
    assert seasons[:12] == [2.0] * 6 + [1.0] * 6
    assert np.isnan(seasons[12]) and np.isnan(seasons[13])
    assert v.plots["cropping_system"].tolist()[:3] == ["双季稻", "早稻+晚稻", "稻-稻"]
    w = v.problems.loc[v.problems["column"].eq("cropping_system") & v.problems["input_row"].notna()]
    two = w.loc[w["problem"].str.startswith("cropping system of double-cropped rice: planned as TWO rice seasons")]
    assert two["input_row"].tolist() == [1, 2, 3, 4, 5, 6]
    other = w.loc[w["input_row"].eq(13)]  # a wheat plot's wheat–maize rotation: its maize season not planned
    assert other["problem"].tolist() == [
        f"cropping system (column {header}) is a rotation: Wheat planned; the Maize season is not planned (test "
        "its harvest, or plan it in a row of its own with that crop)"]
    assert other["value"].tolist() == ["冬小麦-夏玉米"]
    assert v.plots["crops_not_planned"].tolist()[12] == "maize"
    assert len(w) == 7
    assert not (v.problems["severity"] == "error").any()


def test_cropping_system_beside_given_seasons():
    """Seasons given by rice_seasons_per_yr or the crop are kept; a cropping system that disagrees is warned on."""
    df = make_plots(3, crop=["水稻", "双季稻", "水稻"])
    df["种植制度"] = ["一季稻", "一季稻", "双季稻"]
    df["水稻季数"] = pd.Series([2, None, 2], dtype=object)
    v = validate_plots(df)
    assert v.plots["rice_seasons_per_yr"].tolist() == [2.0, 2.0, 2.0]
    w = v.problems.loc[v.problems["column"].eq("cropping_system") & v.problems["input_row"].notna()]
    assert w["input_row"].tolist() == [1, 2]
    assert w["problem"].str.startswith("the cropping system disagrees with the rice seasons").all()


def test_cropping_system_plans_two_seasons_of_rice():
    """A 种植制度 双季稻 plot with crop 水稻 earns two seasons of rice in the plan."""
    df = make_plots(2, crop=["水稻", "水稻"])
    df["种植制度"] = ["双季稻", "一季稻"]
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0))
    t = p.table.loc[p.table["option_id"].eq("do_nothing")].set_index("plot_id")
    assert t["rice_seasons_grown_per_yr"].tolist() == [2, 1]


@pytest.mark.parametrize("crop", ["双季晚稻", "双季早稻", "稻稻油", "稻-稻-油", "稻-稻"])
def test_double_rice_crop_spellings(crop):
    v = validate_plots(make_plots(1, crop=[crop]))
    assert v.plots["crop"].tolist() == ["rice"] and v.plots["rice_seasons_per_yr"].tolist() == [2.0]
    assert v.problems.loc[v.problems["column"].eq("crop"), "problem"].iloc[0].startswith(
        "read as rice, planned as TWO rice seasons a year")


@pytest.mark.parametrize("value, problem", [(3, "above the valid range"), (0, "below the valid range"),
                                            (1.5, "not a whole number"), ("两季", "not a number")])
def test_an_invalid_number_of_seasons_rejects_its_row(value, problem):
    df = make_plots(3)
    df["水稻季数"] = pd.Series([2, value, 1], dtype=object)
    v = validate_plots(df)
    assert v.plots["plot_id"].tolist() == ["P1", "P3"]
    assert v.rejected["input_row"].tolist() == [2]
    err = v.problems.loc[v.problems["severity"] == "error"].iloc[0]
    assert (err["input_row"], err["plot_id"], err["column"]) == (2, "P2", "rice_seasons_per_yr")
    assert err["problem"].startswith(problem)
    assert err["expected"] == "1 (one rice season a year) or 2 (double-cropped rice, 双季稻: early + late rice)"


def test_invalid_seasons_in_a_file_name_the_line(tmp_path):
    f = tmp_path / "plots.csv"
    df = make_plots(2)
    df["水稻季数"] = [2, 4]
    df.to_csv(f, index=False)
    v = validate_plots(f)
    err = v.problems.loc[v.problems["severity"] == "error"].iloc[0]
    assert (err["input_row"], err["line"], err["column"], err["value"]) == (2, 3, "rice_seasons_per_yr", "4")


def test_double_rice_with_one_season_is_an_error_and_seasons_on_maize_are_ignored():
    df = make_plots(2, crop=["早稻+晚稻", "maize"], land_use=["paddy", "upland"])
    df["rice_seasons_per_yr"] = [1, 2]
    v = validate_plots(df)
    assert v.rejected["input_row"].tolist() == [1]
    err = v.problems.loc[v.problems["severity"] == "error"].iloc[0]
    assert err["column"] == "crop, rice_seasons_per_yr" and err["value"] == "早稻+晚稻, 1"
    warn = v.problems.loc[(v.problems["input_row"] == 2) & (v.problems["column"] == "rice_seasons_per_yr")]
    assert warn["severity"].tolist() == ["warning"]
    assert warn["problem"].iloc[0].startswith("rice seasons given for a plot that grows no rice: ignored")
    assert np.isnan(v.plots["rice_seasons_per_yr"].iloc[0])


# --------------------------------------------------------------------------- economics
def _hunan(crop: str):
    """A Hunan paddy (Cd 0.8 mg/kg, pH 5.0) planned deterministically without a carbon price (the
    money of the seasons alone), and the plan's plot × option table."""
    p = agriremed.plan(make_plots(1, crop=crop), agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0))
    return p, p.table.set_index("option_id")


@pytest.fixture(scope="module")
def single():
    return _hunan("水稻")


@pytest.fixture(scope="module")
def double():
    return _hunan("双季稻")


def test_unchanged_double_rice_earns_and_spends_two_seasons_hand_computed(single, double):
    one, two = single[1].loc["do_nothing"], double[1].loc["do_nothing"]
    P = two["crop_compliance_prob"]                         # a share of seasons: the same for one or two
    assert P == one["crop_compliance_prob"]
    # each season: 7.14 t/ha × 2580 CNY/t × [P + (1 − P) × 0.6] − 15 000 CNY/ha; two a year, 20 yr at 6 %
    season = 7.14 * 2580 * (P + (1 - P) * 0.6) - 15000
    assert two["npv_cny_ha"] == pytest.approx(2 * season * ANNUITY, rel=1e-9)
    assert one["npv_cny_ha"] == pytest.approx(season * ANNUITY, rel=1e-9)
    assert two["revenue_crop_cny_ha"] == pytest.approx(2 * 7.14 * 2580 * (P + (1 - P) * 0.6) * ANNUITY)
    assert two["cost_crop_cny_ha"] == pytest.approx(2 * 15000 * ANNUITY)


def test_vip_n_on_double_rice_doubles_the_seasonal_items_not_the_lime(single, double):
    one, two = single[1].loc["lime_low_cd_rice"], double[1].loc["lime_low_cd_rice"]
    for col in ("revenue_crop_cny_ha", "cost_crop_cny_ha"):
        assert two[col] == pytest.approx(2 * one[col], rel=1e-12), col
    # seed premium + water management + two foliar sprays a season: 2000 CNY/ha each season
    assert one["cost_management_cny_ha"] == pytest.approx(2000 * ANNUITY)
    assert two["cost_management_cny_ha"] == pytest.approx(2 * 2000 * ANNUITY)
    # lime 7.5 t/ha × 300 CNY/t + 800 CNY/ha spreading every second year: once a year's worth, not per season
    assert two["cost_amendment_cny_ha"] == one["cost_amendment_cny_ha"]
    lime = sum((7.5 * 300 + 800) * 1.06 ** -t for t in range(1, 21, 2))
    assert two["cost_amendment_cny_ha"] == pytest.approx(lime)


def test_switching_to_maize_loses_the_second_rice_season(single, double):
    one, two = single[1], double[1]
    assert two.loc["maize_grain", "npv_cny_ha"] == one.loc["maize_grain", "npv_cny_ha"]   # one maize crop a year
    second = one.loc["do_nothing", "npv_cny_ha"]              # the margin of the second rice season
    assert two.loc["maize_grain", "npv_vs_baseline_cny_ha"] == pytest.approx(
        one.loc["maize_grain", "npv_vs_baseline_cny_ha"] - second, rel=1e-9)
    assert two.loc["fallow", "npv_vs_baseline_cny_ha"] == pytest.approx(
        one.loc["fallow", "npv_vs_baseline_cny_ha"] - second, rel=1e-9)


def test_sedum_rice_rotation_keeps_one_rice_season_while_it_runs(single, double):
    # Sedum from October to June leaves the summer rice only (rice_seasons.csv); when the Cd target is
    # reached the rotation stops and the plot's two rice seasons come back
    one, two = single[1].loc["sedum_rice_rotation"], double[1].loc["sedum_rice_rotation"]
    T = int(np.ceil(two["years_to_target"]))
    assert 1 < T < 20
    d = 1.06 ** -np.arange(1, 21)
    assert one["cost_crop_cny_ha"] == pytest.approx(15000 * ANNUITY)
    assert two["cost_crop_cny_ha"] == pytest.approx(15000 * d[:T].sum() + 2 * 15000 * d[T:].sum())
    assert two["cost_management_cny_ha"] == one["cost_management_cny_ha"]     # the winter Sedum: once a year


# --------------------------------------------------------------------------- carbon
def _terms(plan, option):
    led = plan.carbon_ledger
    return led.loc[led["option_id"] == option].set_index("term")["co2e_t_ha_yr"]


def test_paddy_ch4_counts_both_seasons_hand_computed(single, double):
    # IPCC 2019 Tier 1, East Asia 1.32 kg CH4/ha/d × 113 d a season × GWP 27.0: single drainage (SFw 0.71)
    # under current practice, continuous flooding (SFw 1.0) under the VIP+n package
    season_now = 1.32 * 0.71 * 113 * 27.0 / 1000
    season_vip = 1.32 * 1.00 * 113 * 27.0 / 1000
    assert _terms(single[0], "do_nothing")["paddy_ch4"] == pytest.approx(-season_now, rel=1e-6)
    assert _terms(double[0], "do_nothing")["paddy_ch4"] == pytest.approx(-2 * season_now, rel=1e-6)
    assert _terms(double[0], "lime_low_cd_rice")["paddy_ch4"] == pytest.approx(-2 * season_vip, rel=1e-6)
    assert _terms(double[0], "maize_grain")["paddy_ch4"] == 0.0


def test_fertiliser_and_diesel_count_both_seasons_lime_once(single, double):
    for option in ("do_nothing", "lime_low_cd_rice"):
        one, two = _terms(single[0], option), _terms(double[0], option)
        for term in ("n_fertiliser", "n2o_fertiliser_direct"):
            assert two[term] == pytest.approx(2 * one[term], rel=1e-12), (option, term)
        assert two["lime"] == one["lime"]
    # rice field diesel 80 L/ha a season × 2.676 kg CO2/L; the lime spreading (8 L/ha every 2nd year) once
    one, two = _terms(single[0], "do_nothing"), _terms(double[0], "do_nothing")
    assert two["field_diesel"] == pytest.approx(2 * one["field_diesel"], rel=1e-12)
    vip1, vip2 = _terms(single[0], "lime_low_cd_rice"), _terms(double[0], "lime_low_cd_rice")
    assert vip2["field_diesel"] - vip1["field_diesel"] == pytest.approx(one["field_diesel"], rel=1e-12)


def test_switching_to_maize_avoids_two_seasons_of_ch4(single, double):
    led1, led2 = single[0].carbon_ledger, double[0].carbon_ledger
    ch4 = lambda led, o: led.query("option_id == @o and term == 'paddy_ch4'")["co2e_t_ha_yr"].iloc[0]  # noqa: E731
    gain1 = ch4(led1, "maize_grain") - ch4(led1, "do_nothing")
    gain2 = ch4(led2, "maize_grain") - ch4(led2, "do_nothing")
    assert gain2 == pytest.approx(2 * gain1, rel=1e-12) and gain1 > 0


# --------------------------------------------------------------------------- sampling
def test_double_rice_is_sampled_each_season():
    # 2 ha = 30 mu: one composite sample per started 10 mu = 3 a season (monitoring_rules.csv)
    for crop, per_yr in (("水稻", 3.0), ("双季稻", 6.0)):
        p = agriremed.plan(make_plots(1, crop=crop, area_ha=2.0), agriremed.Scenario(mc_draws=0))
        s = p.summary.iloc[0]
        assert p.table.set_index("option_id").loc[s["recommended_option"], "food_crop"] == "rice"
        assert (s["grain_samples_per_season"], s["grain_samples_per_yr"]) == (3.0, per_yr), crop
    assert "2 rice seasons a year (early and late rice, each sampled before its harvest): 6 composite samples a " \
           "year" in s["monitoring"]


@pytest.mark.parametrize("option, per_yr", [("do_nothing", 6.0), ("lime_low_cd_rice", 6.0),
                                            ("sedum_rice_rotation", 3.0), ("maize_grain", 3.0)])
def test_samples_a_year_of_each_kind_of_option(double, option, per_yr):
    from agriremed.stages import advice
    plan, table = double[0], double[0].table.copy()
    table["recommended"] = table["option_id"].eq(option)
    s = plan.summary.assign(area_ha=2.0, rice_seasons_per_yr=2.0)
    cols = advice.summary_columns(s, table, agriremed.load_tables(), "gb2762_2022", 20)
    assert (cols["grain_samples_per_season"][0], cols["grain_samples_per_yr"][0]) == (3.0, per_yr)


# --------------------------------------------------------------------------- ranking
def test_food_production_counts_both_rice_seasons(single, double):
    one, two = single[1], double[1]
    assert two.loc["do_nothing", "rice_seasons_grown_per_yr"] == 2.0
    assert two.loc["lime_low_cd_rice", "rice_seasons_grown_per_yr"] == 2.0
    assert two.loc["sedum_rice_rotation", "rice_seasons_grown_per_yr"] == 1.0
    assert two.loc["maize_grain", "rice_seasons_grown_per_yr"] == 1.0
    assert two.loc["lime_low_cd_rice", "crit_food_production"] == 1.0
    # one maize crop (or one rice season) in place of two rice seasons keeps half the share it keeps of one
    for option in ("maize_grain", "sedum_rice_rotation"):
        assert two.loc[option, "crit_food_production"] == pytest.approx(
            one.loc[option, "crit_food_production"] / 2, rel=1e-12), option
    assert "keeps 14.3 of 14.3 t/ha/yr of food" in two.loc["do_nothing", "why_food_production"]   # 2 × 7.14
