"""Sugarcane (甘蔗) and mulberry (桑树) plots of Guangxi/Hunan/Guangdong county sheets: planned
instead of rejected. Sugarcane is a substitute food crop for Cd (its cane juice was found within
the food limits on contaminated fields: crops.csv substitute_source), kept on safe-utilisation land
and not on strict-control land; chewing cane (果蔗), whose stalk is the food, is not read as
sugarcane. Mulberry (leaves fed to silkworms) is a non-food crop like cotton and tobacco: kept as
substitute planting on safe-utilisation land and as the non-food use strict-control land asks for;
the safety of silkworms, pupae and cocoons is not assessed."""

import re

import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.core.tables import load_tables
from plotdata import make_plots


def _zh_readable(text: str) -> bool:
    """Chinese text with no English words (codes of metals and standards aside) and no 'nan'."""
    return "nan" not in text and not i18n.untranslated(re.sub(r"GB ?\d+", " ", text))


def test_sugarcane_row_and_its_sources():
    t = load_tables()
    c = t.crops.set_index("crop").loc["sugarcane"]
    assert (c["name_zh"], c["crop_group"], bool(c["food"]), c["land_use"]) == ("甘蔗", "sugar_crop", True, "upland")
    # Guangxi 2021: 73.651 Mt on 857.8 thousand ha (computed 85.9 t/ha)
    assert (c["yield_t_ha"], c["yield_source"]) == (85.9, "gongyan2022_sugarcane")
    assert "sugarcane" in t.substitute_grown_crops() and t.substitute_metals()["sugarcane"] == frozenset({"cd"})
    keys = set(t.sources["key"]) if "key" in t.sources else set(t.sources.index)
    for k in ("wang2012_sugarcane", "xu2020_sugarcane", "gongyan2022_sugarcane", "huanjiang_sugarcane_cd"):
        assert k in keys
    for item in ("crop_price_cny_t", "production_cost_cny_ha_yr", "n_fert_kg_ha_yr", "diesel_l_ha_yr"):
        assert "sugarcane" in t.crop_price_table(item).index, item
    # every substitute crop says in both languages why keeping it is safe
    for crop in t.substitute_grown_crops():
        for lang in ("en", "zh"):
            assert f"rec.substitute_why.{crop}" in messages.catalogue(lang)


@pytest.fixture(scope="module")
def cane():
    plots = make_plots(4, plot_id=["SAFE", "STRICT", "ALIAS", "CHEW"], land_use="upland",
                       crop=["甘蔗", "甘蔗", "糖料蔗", "果蔗"], ph=5.5, cd_mg_kg=[0.9, 2.5, 0.9, 0.9],
                       basic_farmland="no", region="Guangxi/Hechi")
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_sugarcane_is_kept_as_substitute_planting_on_safe_utilisation_land(cane):
    s = cane.summary.set_index("plot_id")
    assert s.loc[["SAFE", "ALIAS"], "crop"].tolist() == ["sugarcane", "sugarcane"]
    assert s.loc["SAFE", "soil_class"] == "safe_utilisation"
    t = cane.table.set_index(["plot_id", "option_id"])
    assert (t.loc[("SAFE", "do_nothing"), "policy_status"], t.loc[("SAFE", "do_nothing"), "policy_rule"]) == \
        ("expected", "cn_safe_keep_substitute")
    rec = s.loc["SAFE", "recommendation"]
    assert "keep growing the substitute crop" in rec and "juice of cane" in rec and "rapeseed" not in rec
    zh = messages.render(s.loc["SAFE", "recommendation_msg"], "zh")
    assert "继续种植替代作物" in zh and "蔗汁" in zh and "菜籽" not in zh
    assert _zh_readable(zh), zh
    mon = messages.render(s.loc["SAFE", "monitoring_msg"], "zh")
    assert mon.startswith("每季蔗茎采样：") and _zh_readable(mon), mon


def test_sugarcane_is_food_and_not_kept_on_strict_control_land(cane):
    s = cane.summary.set_index("plot_id")
    assert s.loc["STRICT", "soil_class"] == "strict_control"
    t = cane.table.set_index(["plot_id", "option_id"])
    assert not bool(t.loc[("STRICT", "do_nothing"), "applicable"])
    assert s.loc["STRICT", "recommended_option"] != "do_nothing"


def test_chewing_cane_is_not_read_as_sugarcane(cane):
    # 果蔗 is eaten fresh: its stalk is the food, and the substitute-crop sources speak of cane milled
    # for sugar (and a Guangxi survey found stalks above 0.2 mg/kg Cd): it stays a crop the library does not
    # know, planned as a crop not modelled (its Cd not assessed: measure the harvest), not as sugarcane
    assert cane.rejected.empty
    s = cane.summary.set_index("plot_id")
    assert (s.loc["CHEW", "crop"], s.loc["CHEW", "crop_as_written"]) == ("unlisted", "果蔗")
    assert s.loc["CHEW", "metals_not_assessed"] == "cd"
    assert messages.render(s.loc["CHEW", "recommendation_msg"], "zh").startswith("作物中的镉未评估")


def test_mulberry_row_and_its_sources():
    t = load_tables()
    c = t.crops.set_index("crop").loc["mulberry"]
    assert (c["name_zh"], bool(c["food"]), c["land_use"]) == ("桑树", False, "orchard")
    # Xincheng County, Guangxi, 2021: 3.72 万 t of fresh cocoons on 1.73 万 hm2 of mulberry (2.15 t/ha)
    assert (c["yield_t_ha"], c["yield_source"]) == (2.15, "xincheng2022_sericulture")
    assert "mulberry" in t.nonfood_grown_crops() and "mulberry" not in t.substitute_grown_crops()
    # the yield and the price are of the fresh cocoons sold (about 50 CNY/kg)
    assert t.crop_price_table("crop_price_cny_t").loc["mulberry"] == pytest.approx(50100)
    for item in ("crop_price_cny_t", "production_cost_cny_ha_yr", "n_fert_kg_ha_yr", "diesel_l_ha_yr"):
        assert "mulberry" in t.crop_price_table(item).index, item


@pytest.fixture(scope="module")
def karst():
    # a Guangxi karst county sheet (Hechi): sugarcane and mulberry on safe-utilisation (Cd 0.9) and
    # strict-control (Cd 2.5) land, written in Chinese and in English
    crops = ["甘蔗", "桑树", "甘蔗", "桑", "sugarcane", "mulberry", "蚕桑"]
    cd = [0.9, 0.9, 2.5, 2.5, 0.9, 2.5, 0.9]
    lu = ["upland", "orchard", "upland", "orchard", "upland", "upland", "paddy"]
    plots = make_plots(len(crops), plot_id=[f"K{i}" for i in range(len(crops))], land_use=lu, crop=crops,
                       ph=5.5, cd_mg_kg=cd, basic_farmland=["no"] * 6 + ["yes"], region="Guangxi/Hechi")
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_karst_sheet_with_sugarcane_and_mulberry_is_planned(karst):
    assert len(karst.rejected) == 0
    s = karst.summary.set_index("plot_id")
    assert s.loc[[f"K{i}" for i in range(7)], "crop"].tolist() == [
        "sugarcane", "mulberry", "sugarcane", "mulberry", "sugarcane", "mulberry", "mulberry"]
    t = karst.table.set_index(["plot_id", "option_id"])
    expected = {"K0": "cn_safe_keep_substitute", "K1": "cn_safe_keep_nonfood", "K3": "cn_strict_risk_control",
                "K4": "cn_safe_keep_substitute", "K5": "cn_strict_risk_control", "K6": "cn_safe_keep_nonfood"}
    for pid, rule in expected.items():
        keep = t.loc[(pid, "do_nothing")]
        assert (bool(keep["applicable"]), keep["policy_status"], keep["policy_rule"]) == (True, "expected", rule), pid
    # sugarcane is food: strict-control land does not keep it
    assert not bool(t.loc[("K2", "do_nothing"), "applicable"])
    for pid in s.index:
        for col in ("recommendation_msg", "monitoring_msg"):
            zh = messages.render(s.loc[pid, col], "zh")
            assert zh and _zh_readable(zh), (pid, col, zh)


def test_kept_mulberry_is_a_non_food_use_without_crop_sampling(karst):
    s = karst.summary.set_index("plot_id")
    assert s.loc["K1", "recommended_option"] == "do_nothing"
    assert "keep growing the non-food crop: substitute planting already in place" in s.loc["K1", "recommendation"]
    assert s.loc["K1", "monitoring"].startswith("no food crop: no crop sampling")
    assert "符合严格管控类耕地不种植食用农产品的要求" in messages.render(s.loc["K3", "recommendation_msg"], "zh")
    # keeping mulberry scores no food production and no food safety (it is no food)
    sc = karst.scores
    keep = sc.loc[(sc["plot_id"] == "K1") & (sc["option_id"] == "do_nothing")].set_index("criterion")["value"]
    assert keep[["food_production", "food_safety"]].isna().all()
