"""Fruit and tea under GB 2762—2025: limits from the standard's tables, crops named in Chinese,
metals without a transfer function reported as not assessed, and sampling named by what is harvested."""

import numpy as np
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.stages.uptake.predict import limits_for_crops
from plotdata import make_plots


def test_gb2762_fruit_and_tea_limits():
    # GB 2762—2025 Table 1 (Pb): fresh fruit 0.1, tea 5.0; Table 2 (Cd): fresh fruit 0.05, no tea limit;
    # no Hg, As or Cr limit for fresh fruit or tea (Tables 3, 4 and 7)
    t = load_tables()
    crops = ["citrus", "apple", "citrus", "tea", "tea", "tea", "citrus"]
    metals = ["cd", "cd", "pb", "pb", "cd", "as", "hg"]
    limit, _ = limits_for_crops(crops, metals, "GB2762", t)
    np.testing.assert_array_equal(limit[:4], [0.05, 0.05, 0.1, 5.0])
    assert np.isnan(limit[4:]).all()


@pytest.fixture(scope="module")
def tea_and_fruit():
    plots = make_plots(3, plot_id=["TEA", "CIT", "APP"], land_use=["茶园", "orchard", "果园"],
                       crop=["茶叶", "citrus", "苹果"], ph=[4.8, 5.0, 5.0],
                       cd_mg_kg=[0.2, 0.5, 0.2], pb_mg_kg=[120.0, 40.0, 40.0], region="Hunan/Changsha")
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_tea_written_in_chinese_is_planned_as_tea(tea_and_fruit):
    p = tea_and_fruit
    assert len(p.rejected) == 0
    s = p.summary.set_index("plot_id")
    assert s.loc["TEA", "crop"] == "tea"
    assert s.loc["APP", "crop"] == "apple"
    # Pb 120 > 70 (other land, pH ≤ 5.5): GB 2762 limits Pb in tea, and no function predicts it
    assert s.loc["TEA", "metals_not_assessed"] == "pb"
    u = p.uptake.set_index(["plot_id", "metal"])
    assert u.loc[("TEA", "pb"), "not_assessed_reason_msg"].startswith('[["upt.none')


def test_fruit_metals_are_not_assessed_rather_than_without_limit(tea_and_fruit):
    s = tea_and_fruit.summary.set_index("plot_id")
    # citrus on Cd 0.5 (above 0.3 at pH 5.0): GB 2762 limits Cd in fresh fruit (0.05), no function exists
    assert s.loc["CIT", "metals_not_assessed"] == "cd"
    assert "Cd in the crop not assessed" in s.loc["CIT", "recommendation"]


def test_sampling_is_named_by_the_harvested_part(tea_and_fruit):
    s = tea_and_fruit.summary.set_index("plot_id")
    assert s.loc["TEA", "monitoring"].startswith("tea leaf sampling every season:")
    assert s.loc["CIT", "monitoring"].startswith("fruit sampling every season:")
    assert messages.render(s.loc["TEA", "monitoring_msg"], "zh").startswith("每季茶叶采样：")
    assert messages.render(s.loc["CIT", "monitoring_msg"], "zh").startswith("每季果实采样：")
    assert "tested for Pb" in s.loc["TEA", "monitoring"]


def test_tea_garden_keeps_producing_tea(tea_and_fruit):
    # safe-utilisation tea garden: the garden is kept (the plan never recommends taking it out of production)
    s = tea_and_fruit.summary.set_index("plot_id")
    assert s.loc["TEA", "soil_class"] == "safe_utilisation"
    t = tea_and_fruit.table
    rec = t.loc[(t["plot_id"] == "TEA") & t["recommended"], "option_id"].iloc[0]
    assert rec == "do_nothing"


@pytest.mark.parametrize("name", ["脐橙", "蜜柚", "沙田柚", "柚子", "柚", "蜜橘", "橙", "柑", "柑橘", "pomelo",
                                  "navel orange"])
def test_navel_orange_and_pomelo_are_citrus(name):
    # GB 2762 柑橘类 covers oranges (橙), mandarins (柑, 橘) and pomelos (柚): planned as citrus with its
    # fresh-fruit limits (Cd 0.05, Pb 0.1), yield and income, not as a crop outside the library
    from agriremed.io.validate import validate_plots

    plots = make_plots(1, plot_id=["PH-03"], land_use=["果园"], crop=[name], ph=[4.5], cd_mg_kg=[0.2],
                       region="福建省漳州市平和县")
    v = validate_plots(plots)
    assert v.plots["crop"].tolist() == ["citrus"] and len(v.rejected) == 0
    assert not v.problems["problem"].str.contains("not in the library's crops", regex=False).any()


def test_a_pomelo_orchard_gets_the_money_of_citrus_and_chili_has_none():
    # PH-03 (平和县 蜜柚 orchard) and E04 (信丰县 脐橙): income known, so the comparison with doing nothing is
    # computed; 辣椒 (a fruiting vegetable without a sourced yield, price and cost) has unknown money
    plots = make_plots(3, plot_id=["PH-03", "E04", "CN-04"], land_use=["果园", "果园", "旱地"],
                       crop=["蜜柚", "脐橙", "辣椒"], ph=[4.5, 4.8, 5.8], cd_mg_kg=[0.2, 0.25, 0.9],
                       region="Hunan/Chenzhou")
    s = agriremed.plan(plots, agriremed.Scenario(mc_draws=0)).summary.set_index("plot_id")
    assert s["crop"].tolist() == ["citrus", "citrus", "chili"]
    assert s.loc[["PH-03", "E04"], "npv_vs_baseline_cny_ha"].notna().all()
    assert np.isfinite(s.loc[["PH-03", "E04"], "cash_flow_typical_plot_cny_yr"].astype(float)).all()
    assert np.isnan(float(s.loc["CN-04", "cash_flow_typical_plot_cny_yr"]))


@pytest.mark.parametrize("cell, crop", [("橙子", "citrus"), ("冰糖橙", "citrus"), ("香柚", "citrus"), ("金柑", "citrus"),
                                        ("砂糖橘", "citrus"), ("青椒", "chili"), ("甜椒", "chili"),
                                        ("花椒", "unlisted"), ("胡椒", "unlisted")])
def test_everyday_names_of_oranges_and_peppers(cell, crop):
    from agriremed.io.validate import validate_plots
    land = "菜地" if crop == "chili" else "果园"
    v = validate_plots(make_plots(1, crop=[cell], land_use=[land], ph=5.5, cd_mg_kg=0.2, region="Hunan/Chenzhou"))
    assert v.plots["crop"].tolist() == [crop]
