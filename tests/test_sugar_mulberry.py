"""Sugarcane (甘蔗) and mulberry (桑树) plots of Guangxi/Hunan/Guangdong county sheets: planned
instead of rejected. Sugarcane is a substitute food crop for Cd (its cane juice was found within
the food limits on contaminated fields: crops.csv substitute_source), kept on safe-utilisation land
and not on strict-control land; chewing cane (果蔗), whose stalk is the food, is not read as
sugarcane."""

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
    # for sugar (and a Guangxi survey found stalks above 0.2 mg/kg Cd): it stays an unknown crop
    r = cane.rejected
    assert r["plot_id"].tolist() == ["CHEW"]
    assert "甘蔗（sugarcane）" in messages.render(r["reasons_msg"].iloc[0], "zh")
