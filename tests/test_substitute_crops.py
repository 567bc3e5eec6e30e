"""Substitute-planting and structure-adjustment crops (soybean, peanut, rapeseed, sweet potato,
cotton, tobacco): planned under their Chinese and English names, GB 2762—2025 limits read from
the standard's tables, metals without a transfer function reported as not assessed, cotton and
tobacco non-food (kept on strict-control land as its non-food use), rapeseed kept as substitute
planting on safe-utilisation land, and an unknown crop
rejected with the list of the crops that can be planned."""

import numpy as np
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.stages.uptake.predict import limits_for_crops
from plotdata import make_plots

NEW = ["soybean", "peanut", "rapeseed", "sweet_potato", "cotton", "tobacco"]


def test_gb2762_limits_of_the_new_crops():
    # GB 2762—2025: 豆类 Pb 0.2 (Table 1), Cd 0.2 (Table 2), Cr 1.0 (Table 7), no Hg or As limit;
    # 坚果及籽类 Pb 0.2 (Table 1) and 花生 Cd 0.5 (Table 2), no Hg, As or Cr limit;
    # 薯类 Pb 0.2 (Table 1), 块根和块茎蔬菜 Cd 0.1 (Table 2), fresh vegetables Hg 0.01, total As 0.5,
    # Cr 0.5 (Tables 3, 4, 7); no limit for the rapeseed seed itself (the oil's limits are not the seed's)
    t = load_tables()
    pairs = [("soybean", "pb", 0.2), ("soybean", "cd", 0.2), ("soybean", "cr", 1.0),
             ("peanut", "pb", 0.2), ("peanut", "cd", 0.5),
             ("sweet_potato", "pb", 0.2), ("sweet_potato", "cd", 0.1), ("sweet_potato", "hg", 0.01),
             ("sweet_potato", "as", 0.5), ("sweet_potato", "cr", 0.5)]
    limit, species = limits_for_crops([c for c, _, _ in pairs], [m for _, m, _ in pairs], "GB2762", t)
    np.testing.assert_array_equal(limit, [v for _, _, v in pairs])
    assert set(species) == {"total"}
    none = [("soybean", "hg"), ("soybean", "as"), ("peanut", "hg"), ("peanut", "as"), ("peanut", "cr"),
            ("rapeseed", "cd"), ("rapeseed", "pb"), ("cotton", "cd"), ("tobacco", "cd")]
    limit, _ = limits_for_crops([c for c, _ in none], [m for _, m in none], "GB2762", t)
    assert np.isnan(limit).all()


def test_food_and_non_food_crops():
    t = load_tables()
    food = t.crops.set_index("crop")["food"]
    assert food[["soybean", "peanut", "rapeseed", "sweet_potato"]].all()
    assert not food[["cotton", "tobacco"]].any()
    assert set(t.nonfood_grown_crops()) == {"cotton", "tobacco", "mulberry"}
    # yields of the national statistics (2023 communiqué): soybean 20.84 Mt / 10.47 Mha, cotton lint
    # 5.62 Mt / 2.79 Mha
    y = t.crops.set_index("crop")
    assert (y.loc["soybean", "yield_t_ha"], y.loc["soybean", "yield_source"]) == (1.99, "nbs2023_yield")
    assert (y.loc["cotton", "yield_t_ha"], y.loc["cotton", "yield_source"]) == (2.01, "nbs2023_yield")
    for c in NEW:  # every crop has a price, a production cost, N fertiliser and diesel
        for item in ("crop_price_cny_t", "production_cost_cny_ha_yr", "n_fert_kg_ha_yr", "diesel_l_ha_yr"):
            assert c in t.crop_price_table(item).index, (c, item)


ZH = ["大豆", "黄豆", "花生", "油菜籽", "油菜", "红薯", "地瓜", "番薯", "甘薯", "棉花", "烤烟", "烟叶", "烟草"]
ZH_CODES = ["soybean", "soybean", "peanut", "rapeseed", "rapeseed", "sweet_potato", "sweet_potato",
            "sweet_potato", "sweet_potato", "cotton", "tobacco", "tobacco", "tobacco"]
EN = ["soybean", "peanut", "rapeseed", "oilseed rape", "sweet potato", "cotton", "tobacco"]
EN_CODES = ["soybean", "peanut", "rapeseed", "rapeseed", "sweet_potato", "cotton", "tobacco"]


@pytest.fixture(scope="module")
def planned():
    crops = ZH + EN
    n = len(crops)
    plots = make_plots(n, plot_id=[f"C{i:02d}" for i in range(n)], land_use="upland", crop=crops,
                       ph=5.5, cd_mg_kg=0.9, region="Hunan/Yiyang")
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_each_crop_planned_under_its_chinese_and_english_names(planned):
    assert len(planned.rejected) == 0
    assert planned.summary.sort_values("plot_id")["crop"].tolist() == ZH_CODES + EN_CODES


def test_metals_of_crops_without_a_transfer_function_are_not_assessed(planned):
    # Cd 0.9 > 0.3 (upland, pH 5.5): GB 2762 limits Cd in beans, peanut and sweet potato, and no function
    # predicts it for these crops: not assessed, never another crop's function
    s = planned.summary.set_index("plot_id")
    u = planned.uptake.set_index(["plot_id", "metal"])
    for pid, crop in zip(s.index, s["crop"], strict=True):
        if crop in ("soybean", "peanut", "sweet_potato"):
            assert s.loc[pid, "metals_not_assessed"] == "cd", crop
            assert u.loc[(pid, "cd"), "not_assessed_reason_msg"].startswith('[["upt.none'), crop
        else:  # rapeseed: no seed limit; cotton, tobacco: no food
            assert s.loc[pid, "metals_not_assessed"] == "", crop
    row = s.loc[s["crop"] == "soybean"].iloc[0]
    assert row["monitoring"].startswith("bean sampling every season:")
    assert s.loc[s["crop"] == "sweet_potato", "monitoring"].iloc[0].startswith("root sampling every season:")
    assert messages.render(s.loc[s["crop"] == "peanut", "monitoring_msg"].iloc[0], "zh").startswith("每季花生采样：")


@pytest.fixture(scope="module")
def strict():
    plots = make_plots(3, plot_id=["COT", "TOB", "RICE"], land_use=["upland", "upland", "paddy"],
                       crop=["棉花", "烤烟", "rice"], ph=[8.0, 5.5, 5.5], cd_mg_kg=[4.5, 2.5, 2.5],
                       basic_farmland=["yes", "no", "yes"], region=["Hebei/Baoding", "Hunan/Chenzhou", "Hunan/Yiyang"])
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_strict_control_plot_keeps_its_non_food_crop(strict):
    # strict-control land grows no food: cotton and tobacco already are the non-food use risk control
    # asks for, so continuing them is expected (cn_strict_risk_control), not forbidden as food production
    s = strict.summary.set_index("plot_id")
    assert (s.loc[["COT", "TOB", "RICE"], "soil_class"] == "strict_control").all()
    t = strict.table.set_index(["plot_id", "option_id"])
    for pid in ("COT", "TOB"):
        keep = t.loc[(pid, "do_nothing")]
        assert bool(keep["applicable"]) and keep["policy_status"] == "expected"
        assert keep["policy_rule"] == "cn_strict_risk_control"
    # on basic farmland (no trees) cotton is kept; outside it, tobacco competes with energy trees,
    # and keeping it earns no food-production credit (tobacco is no food)
    assert s.loc["COT", "recommended_option"] == "do_nothing"
    assert s.loc["COT", "monitoring"].startswith("no food crop: no crop sampling")
    assert t.loc[("TOB", s.loc["TOB", "recommended_option"]), "food_crop"] == "none" or \
        s.loc["TOB", "recommended_option"] == "do_nothing"
    # a food crop on strict-control land is still not kept
    assert not bool(t.loc[("RICE", "do_nothing"), "applicable"])
    assert s.loc["RICE", "recommended_option"] != "do_nothing"


def test_a_kept_non_food_crop_produces_no_food_and_is_said_so(strict):
    # cotton and tobacco are no food: keeping them scores no food production and no food safety
    # (both not applicable), and the sentence says the crop is a non-food use of strict-control land
    sc = strict.scores
    keep = sc.loc[sc["plot_id"].isin(["COT", "TOB"]) & (sc["option_id"] == "do_nothing")].set_index(
        ["plot_id", "criterion"])["value"]
    assert np.isnan(keep.loc[(["COT", "TOB"], ["food_production", "food_safety"])]).all()
    s = strict.summary.set_index("plot_id")
    for pid in ("COT",):
        assert "keep growing the non-food crop: a non-food use, as strict-control land requires" in s.loc[pid, "recommendation"]
        assert "food-production" not in s.loc[pid, "recommendation"]
        assert "符合严格管控类耕地不种植食用农产品的要求" in messages.render(s.loc[pid, "recommendation_msg"], "zh")


def test_crop_alias_of_two_words_is_read():
    plots = make_plots(1, crop=["paddy rice"], region="Hunan/Yiyang")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    assert p.summary["crop"].tolist() == ["rice"]


def test_unknown_crop_is_planned_as_not_modelled():
    plots = make_plots(2, plot_id=["A", "B"], crop=["durian", "paddy rice"], region="Hunan/Yiyang")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    assert p.summary["crop"].tolist() == ["unlisted", "rice"]  # an alias of two words is read as its crop
    assert p.summary["crop_as_written"].tolist()[0] == "durian" and len(p.rejected) == 0
    w = p.problems.loc[(p.problems["plot_id"] == "A") & (p.problems["column"] == "crop")].iloc[0]
    assert w["severity"] == "warning"
    assert w["problem"].startswith("durian is not in the library's crops: planned as a crop not modelled")
    assert w["problem"].endswith("(with its price and cost in a copy of prices.csv), and plan with --tables FOLDER")
    assert messages.render(w["problem_msg"], "zh").startswith("作物库中没有“durian”：按“未建模作物”规划")


def test_a_rapeseed_field_on_safe_utilisation_land_is_kept_as_substitute_planting():
    # paddy under winter rapeseed, pH 5.2, Cd 0.9 (> 0.3): rapeseed is a substitute crop on Cd-polluted
    # land (crops.csv substitute_crop; GB 2762 sets no Cd limit for the seed): keeping it is expected
    # (cn_safe_keep_substitute) and a crop switch that would replace it is only allowed
    # (cn_safe_substitute_kept_first), so the field keeps rapeseed with seed and soil monitoring; the rice
    # measures are for the rice season of the rotation (a row of its own), not a switch from rapeseed
    plots = make_plots(1, plot_id=["RAPE"], land_use="paddy", crop="油菜", ph=5.2, cd_mg_kg=0.9,
                       basic_farmland="yes", region="Hunan/Yiyang")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    assert load_tables().substitute_grown_crops() == ("rapeseed", "sugarcane")
    t = p.table.set_index("option_id")
    assert (t.loc["do_nothing", "policy_status"], t.loc["do_nothing", "policy_rule"]) == \
        ("expected", "cn_safe_keep_substitute")
    assert (t.loc["maize_grain", "policy_status"], t.loc["maize_grain", "policy_rule"]) == \
        ("allowed", "cn_safe_substitute_kept_first")
    for oid in ("sedum_rice_rotation", "lime_rice", "low_cd_rice"):
        assert not t.loc[oid, "applicable"]
        assert t.loc[oid, "reason"].startswith("the plot grows Rapeseed (oilseed rape): a measure for Rice is for a "
                                               "Rice season, not a switch from the crop grown")
    s = p.summary.iloc[0]
    assert s["recommended_option"] == "do_nothing"
    assert s["recommendation"].startswith("Continue current practice: keep growing the substitute crop: substitute "
                                          "planting already in place")
    assert messages.render(s["recommendation_msg"], "zh").startswith("维持现状：继续种植替代作物：已属替代种植")
    assert s["monitoring"].startswith("seed sampling every season:")
    assert "soil monitoring: re-test the soil for Cd" in s["monitoring"]
    # rapeseed stays food production: the same field on strict-control land does not keep it
    strict = agriremed.plan(make_plots(1, plot_id=["S"], land_use="paddy", crop="rapeseed", ph=5.2, cd_mg_kg=2.5,
                                       basic_farmland="yes", region="Hunan/Yiyang"), agriremed.Scenario(mc_draws=0))
    assert not bool(strict.table.set_index("option_id").loc["do_nothing", "applicable"])


def test_rapeseed_is_kept_only_where_cd_alone_is_above_screening():
    # crops.csv substitute_metals: rapeseed keeps Cd out of its oil (substitute_source); a rapeseed
    # paddy polluted by As, Pb and Ni (Cd 0.2 below 0.3) is not substitute planting for those metals:
    # the ordinary safe-utilisation rules apply: not "keep rapeseed"; the As amendment grows rice (it is for
    # the rice season of the rotation, a row of its own), so no measure of the library fits the rapeseed
    assert load_tables().substitute_metals()["rapeseed"] == frozenset({"cd"})
    plots = make_plots(1, plot_id=["S223"], land_use="paddy", crop="rapeseed", ph=4.3, cd_mg_kg=0.2,
                       as_mg_kg=31.5, pb_mg_kg=84.0, ni_mg_kg=96.0, basic_farmland="unknown",
                       region="Hubei/Huangshi")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, economics_view="farmer"))
    t = p.table.set_index("option_id")
    assert t.loc["do_nothing", "policy_rule"] != "cn_safe_keep_substitute"
    assert "cn_safe_keep_substitute" not in set(p.table["policy_rule"])
    s = p.summary.iloc[0]
    assert s["recommended_option"] == "do_nothing"
    assert not t.loc["as_fe_si_amendment", "applicable"]
    assert s["recommendation"].startswith("Continue current practice: no measure of a safe-utilisation plan in the "
                                          "option library fits this plot")
    assert "keep growing the substitute crop" not in s["recommendation"]
    assert "继续种植替代作物" not in messages.render(s["recommendation_msg"], "zh")
    # the same paddy with Cd 0.9 as well: As and Pb still exceed, so it is not kept either
    both = agriremed.plan(make_plots(1, plot_id=["B"], land_use="paddy", crop="rapeseed", ph=5.2, cd_mg_kg=0.9,
                                     as_mg_kg=31.5, basic_farmland="yes", region="Hunan/Yiyang"),
                          agriremed.Scenario(mc_draws=0))
    assert "cn_safe_keep_substitute" not in set(both.table["policy_rule"])


def test_rapeseed_is_kept_where_the_other_metal_has_no_food_limit():
    # Daye, Hubei: upland rapeseed on Cd 0.45 and Cu 95 (both above screening at pH 6.3): no food standard
    # limits Cu (food_limits.csv), so Cu cannot make the oil unsafe: the field stays substitute planting
    plots = make_plots(2, plot_id=["cu", "pb"], land_use="upland", crop="rapeseed", ph=6.3, cd_mg_kg=0.45,
                       cu_mg_kg=[95.0, 20.0], pb_mg_kg=[60.0, 150.0], basic_farmland="no", region="Hubei/Daye")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert s.loc["cu", "metals_exceeding"] == "cd+cu"
    assert (s.loc["cu", "recommended_option"], s.loc["cu", "policy_rule"]) == ("do_nothing", "cn_safe_keep_substitute")
    # Pb, which GB 2762 limits, still takes the field out of substitute planting
    assert "cn_safe_keep_substitute" not in set(p.table.loc[p.table["plot_id"] == "pb", "policy_rule"])
