"""Regions written in English words without separators (Hunan Yiyang, Hunan-Zhuzhou, Hunan Province
Zhuzhou City) are placed like Hunan/Yiyang, and a region that names neither a place of China nor a
country is planned as a plot in China (with a warning) — never silently under no rules."""

import numpy as np
import pytest

import agriremed
from agriremed.core import i18n
from agriremed.stages.advice import area_units, food_standards, region_in_china, rule_sets_of
from plotdata import make_plots


@pytest.mark.parametrize("region,path", [
    ("Hunan Yiyang", ("hunan", "yiyang")),
    ("Hunan-Zhuzhou", ("hunan", "zhuzhou")),
    ("Hunan Province Zhuzhou City", ("hunan", "zhuzhou")),
    ("Hunan Zhuzhou Lukou", ("hunan", "zhuzhou", "lukou")),
    ("Zhuzhou Lukou", ("hunan", "zhuzhou", "lukou")),
    ("Zhuzhou City Lukou", ("hunan", "zhuzhou", "lukou")),
    ("Yunnan Lanping", ("yunnan", "nujiang", "lanping")),  # a county under its province: its prefecture found
    ("Guangxi Zhuang Autonomous Region", ("guangxi",)),
    ("Inner Mongolia Baotou", ("inner mongolia", "baotou")),
    ("Hunan/Xiangtan/Zhubu", ("hunan", "xiangtan", "zhubu")),
])
def test_english_words_place_the_region_as_its_slashed_spelling(region, path):
    assert i18n.region_path(region) == path


@pytest.mark.parametrize("region,inside,rules,standard,unit", [
    ("Hunan Yiyang", True, "china", "GB2762", "mu"),
    ("Zhangshi, Shenyang", None, "china", "GB2762", "mu"),  # a village before its city: not placed, planned in China
    ("UK Derbyshire", False, "none", "EU2023_915", "ha"),
    ("Denmark Jutland", False, "none", "EU2023_915", "ha"),
    ("United Kingdom Derbyshire", False, "none", "EU2023_915", "ha"),
    ("Kenya/Nakuru", False, "none", "CODEX", "ha"),
    ("Viet Nam/Thai Nguyen", False, "none", "CODEX", "ha"),
    ("Dabaoshan", None, "china", "GB2762", "mu"),      # no known place, no country: as a plot without a region
    ("Atlantis/North", None, "china", "GB2762", "mu"),
])
def test_rule_set_food_standard_and_unit_follow_the_country(region, inside, rules, standard, unit):
    assert region_in_china(region) is inside
    assert rule_sets_of([region], "auto").tolist() == [rules]
    assert food_standards([region], "auto", "auto").tolist() == [standard]
    assert area_units([region], "auto", "auto").tolist() == [unit]


def test_basic_farmland_written_with_spaces_keeps_the_china_rules():
    # a strict-control tea garden on permanent basic farmland: no trees, whatever the separator
    plots = make_plots(2, plot_id=["spaced", "slashed"], region=["Hunan Yiyang", "Hunan/Yiyang"], land_use="orchard",
                       crop="tea", ph=4.8, cd_mg_kg=0.25, pb_mg_kg=450.0, basic_farmland="yes", area_ha=0.5)
    s = agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False).summary.set_index("plot_id")
    cols = ["soil_class", "rule_set", "food_standard", "recommended_option", "policy_rule"]
    assert s.loc["spaced", cols].tolist() == s.loc["slashed", cols].tolist()
    assert s.loc["spaced", "rule_set"] == "china" and s.loc["spaced", "recommended_option"] not in (
        "willow_src", "poplar_src")


def test_an_unknown_region_is_warned_as_planned_in_china():
    plots = make_plots(2, plot_id=["a", "b"], region=["Atlantis/North", "Kenya/Nakuru"])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False)
    w = p.problems.loc[p.problems["column"] == "region"]
    assert w["plot_id"].tolist() == ["a"]
    assert w["problem"].iloc[0].endswith(
        "it is planned as a plot in China (China's land rules under rule set auto, GB 2762, mu): for a plot abroad write its country "
        "first, e.g. UK/Derbyshire")
    assert np.array_equal(p.summary["rule_set"].to_numpy(object), np.array(["china", "none"], dtype=object))


@pytest.mark.parametrize("region,zh", [
    ("Hubei Daye", "湖北省/黄石市/大冶市"), ("湖北/大冶", "湖北省/黄石市/大冶市"), ("Guangxi Hechi", "广西壮族自治区/河池市"),
    ("环江", "广西壮族自治区/河池市/环江毛南族自治县"), ("河池市 环江县", "广西壮族自治区/河池市/环江县"),
    ("Hunan/Zhuzhou/Somewhere", "湖南省/株洲市/Somewhere"), ("Atlantis/North", "Atlantis/North"),
])
def test_chinese_region_names_read_words_short_county_names_and_skipped_cities(region, zh):
    assert i18n.region_name(region, "zh") == zh


def test_autonomous_counties_go_by_their_place_name():
    assert i18n.region_path("环江") == i18n.region_path("环江县") == ("guangxi", "hechi", "huanjiang")
    assert i18n.region_path("恩施州") == ("hubei", "enshi")
