"""Crops of Guangxi/Guangdong/Yunnan county sheets planned instead of rejected: cassava (木薯) and
banana (香蕉), food crops judged against their GB 2762 groups (薯类 and fresh fruit) with the metals
in the crop not assessed (no transfer function); leafy vegetables (叶菜) with the leafy-vegetable
limits and Cd function; vegetables of no given type (蔬菜) against the strictest vegetable limits,
each plot warned."""

import re

import numpy as np
import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.core.tables import load_tables
from agriremed.stages.uptake.predict import VEGETABLE_LIMIT_GROUPS, limits_for_crops, strictest_vegetable_limits
from plotdata import make_plots


def _zh_readable(text: str) -> bool:
    """Chinese text with no English words (codes of metals and standards aside) and no 'nan'."""
    return "nan" not in text and not i18n.untranslated(re.sub(r"GB ?\d+", " ", text))


def test_cassava_and_banana_rows_and_their_sources():
    t = load_tables()
    c = t.crops.set_index("crop")
    assert (c.loc["cassava", "name_zh"], c.loc["cassava", "crop_group"], bool(c.loc["cassava", "food"]),
            c.loc["cassava", "land_use"]) == ("木薯", "sweet_potato", True, "upland")
    assert (c.loc["banana", "name_zh"], c.loc["banana", "crop_group"], bool(c.loc["banana", "food"]),
            c.loc["banana", "land_use"]) == ("香蕉", "fruit", True, "orchard")
    # Guangxi 2019: 168.3 万 t of dried chips on 273.45 万亩 (computed 9.2 t/ha); Maguan 2014: 1.8 t/mu
    assert (c.loc["cassava", "yield_t_ha"], c.loc["cassava", "yield_source"]) == (9.2, "zheng2020_cassava")
    assert (c.loc["banana", "yield_t_ha"], c.loc["banana", "yield_source"]) == (27.0, "maguan2014_banana")
    price = t.crop_price_table("crop_price_cny_t")
    assert price["cassava"] == 2160.0 and price["banana"] == 2000.0
    keys = set(t.sources["key"])
    for k in ("zheng2020_cassava", "moa_cassava_market", "maguan2014_banana", "nanjing2017_banana"):
        assert k in keys
    for item in ("crop_price_cny_t", "production_cost_cny_ha_yr", "n_fert_kg_ha_yr", "diesel_l_ha_yr"):
        for crop in ("cassava", "banana"):
            assert crop in t.crop_price_table(item).index, (crop, item)


def test_gb2762_limits_of_cassava_and_banana():
    # 薯类 (cassava among them, GB 2762 Annex A): Pb 0.2 (Table 1), Cd 0.1 (Table 2), Hg 0.01, As 0.5,
    # Cr 0.5; fresh fruit (新鲜水果): Pb 0.1 (Table 1), Cd 0.05 (Table 2), no Hg, As or Cr limit
    t = load_tables()
    pairs = [("cassava", "pb", 0.2), ("cassava", "cd", 0.1), ("cassava", "hg", 0.01), ("cassava", "as", 0.5),
             ("cassava", "cr", 0.5), ("banana", "pb", 0.1), ("banana", "cd", 0.05)]
    limit, _ = limits_for_crops([c for c, _, _ in pairs], [m for _, m, _ in pairs], "GB2762", t)
    np.testing.assert_array_equal(limit, [v for _, _, v in pairs])
    limit, _ = limits_for_crops(["banana", "banana", "banana"], ["hg", "as", "cr"], "GB2762", t)
    assert np.isnan(limit).all()


ALIASES = {"木薯": "cassava", "cassava": "cassava", "manioc": "cassava", "tapioca": "cassava",
           "香蕉": "banana", "芭蕉": "banana", "banana": "banana"}


@pytest.fixture(scope="module")
def planned():
    crops = list(ALIASES)
    n = len(crops)
    land = ["upland" if ALIASES[c] == "cassava" else "orchard" for c in crops]
    plots = make_plots(n + 2, plot_id=[f"C{i}" for i in range(n)] + ["CAS_STRICT", "BAN_STRICT"],
                       land_use=land + ["upland", "orchard"], crop=crops + ["木薯", "香蕉"], ph=5.5,
                       cd_mg_kg=[0.5] * n + [2.5, 2.5], basic_farmland="no", region="Guangxi/Nanning")
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def _read_as(p, prefix: str, names: dict) -> None:
    """Every row planned, and the crop of plot ``<prefix><i>`` read as the i-th value of ``names``."""
    assert len(p.rejected) == 0
    s = p.summary.set_index("plot_id")
    assert [s.loc[f"{prefix}{i}", "crop"] for i in range(len(names))] == list(names.values())


def test_chinese_and_english_names_agree(planned):
    _read_as(planned, "C", ALIASES)


def test_cd_in_cassava_and_banana_is_not_assessed(planned):
    # Cd 0.5 > 0.3 (upland and orchard, pH 5.5): GB 2762 limits Cd in both and no function predicts it
    s = planned.summary.set_index("plot_id")
    u = planned.uptake.set_index(["plot_id", "metal"])
    for pid in ("C0", "C4"):  # 木薯, 香蕉
        assert s.loc[pid, "soil_class"] == "safe_utilisation"
        assert s.loc[pid, "metals_not_assessed"] == "cd"
        assert u.loc[(pid, "cd"), "not_assessed_reason_msg"].startswith('[["upt.none')
        rec = s.loc[pid, "recommendation"]
        assert rec.startswith("Cd in the crop not assessed") and "nan" not in rec
        zh = messages.render(s.loc[pid, "recommendation_msg"], "zh")
        assert zh.startswith("作物中的镉未评估") and _zh_readable(zh), zh
    assert s.loc["C0", "monitoring"].startswith("root sampling every season:")
    assert s.loc["C4", "monitoring"].startswith("fruit sampling every season:")


def test_safe_utilisation_keeps_the_food_crop_and_strict_control_does_not(planned):
    s = planned.summary.set_index("plot_id")
    t = planned.table.set_index(["plot_id", "option_id"])
    # safe utilisation: the banana orchard keeps its fruit, the cassava field keeps a food crop
    assert s.loc["C4", "recommended_option"] == "do_nothing"
    assert t.loc[("C0", s.loc["C0", "recommended_option"]), "food_crop"] != "none"
    for pid in ("CAS_STRICT", "BAN_STRICT"):
        assert s.loc[pid, "soil_class"] == "strict_control"
        assert not bool(t.loc[(pid, "do_nothing"), "applicable"])
        assert s.loc[pid, "recommended_option"] != "do_nothing"


SHEET = """plot_id,region,land_use,crop,ph,cd_mg_kg,area_mu
V1,广西/河池/环江,vegetable,蔬菜,6.0,0.5,2
V2,广西/南宁,upland,木薯,5.5,0.5,5
V3,广西/南宁,orchard,香蕉,5.5,0.5,5
V4,湖南/株洲,vegetable,叶菜,6.0,0.5,2
"""


def test_the_county_sheet_plans_every_row(tmp_path):
    src = tmp_path / "veg.csv"
    src.write_text(SHEET, encoding="utf-8")
    p = agriremed.plan(str(src), agriremed.Scenario(mc_draws=0), progress=False)
    assert len(p.rejected) == 0
    assert p.summary.set_index("plot_id")["crop"].to_dict() == {
        "V1": "vegetable_unspecified", "V2": "cassava", "V3": "banana", "V4": "leafy_vegetable"}
    for text in p.summary["recommendation"]:
        assert "nan" not in text
    for m in p.summary["recommendation_msg"]:
        assert _zh_readable(messages.render(m, "zh"))


def test_strictest_vegetable_limits_of_each_standard():
    # GB 2762: Cd 0.05 (head brassica, fresh vegetables in general) and Pb 0.1 (root vegetables, fresh
    # vegetables in general) are the lowest of the vegetable groups; EU 2023/915 Cd 0.020 (fruiting,
    # legume), Pb 0.10 (root, potato)
    t = load_tables()
    gb = strictest_vegetable_limits(t, "GB2762")
    assert gb.loc["cd"].tolist() == [0.05, "brassica_vegetable|fruiting_vegetable"]
    assert gb.loc["pb"].tolist() == [0.1, "root_vegetable|fruiting_vegetable"]
    eu = strictest_vegetable_limits(t, "EU2023_915")
    assert eu.loc["cd"].tolist() == [0.02, "fruiting_vegetable|legume_vegetable"]
    # the vegetable_unspecified rows of food_limits.csv are those strictest limits, metal by metal
    fl = t.food_limits
    for std in sorted(set(fl["standard"])):
        worst = strictest_vegetable_limits(t, std)["limit_mg_kg"]
        mine = fl.loc[(fl["standard"] == std) & (fl["crop_group"] == "vegetable_unspecified")].set_index("metal")
        assert mine["limit_mg_kg"].to_dict() == worst.to_dict(), std
    assert "vegetable_unspecified" not in VEGETABLE_LIMIT_GROUPS


def test_gb2762_limits_of_the_vegetable_groups_as_crops():
    t = load_tables()
    pairs = [("vegetable_unspecified", "cd", 0.05), ("vegetable_unspecified", "pb", 0.1),
             ("vegetable_unspecified", "hg", 0.01), ("vegetable_unspecified", "as", 0.5),
             ("vegetable_unspecified", "cr", 0.5), ("leafy_vegetable", "cd", 0.2), ("leafy_vegetable", "pb", 0.3)]
    limit, _ = limits_for_crops([c for c, _, _ in pairs], [m for _, m, _ in pairs], "GB2762", t)
    np.testing.assert_array_equal(limit, [v for _, _, v in pairs])
    c = t.crops.set_index("crop")
    assert bool(c.loc["vegetable_unspecified", "food"]) and bool(c.loc["leafy_vegetable", "food"])
    assert (c.loc["leafy_vegetable", "crop_group"], c.loc["vegetable_unspecified", "land_use"]) == \
        ("leafy_vegetable", "vegetable")


VEG = {"蔬菜": "vegetable_unspecified", "蔬菜类": "vegetable_unspecified", "菜地作物": "vegetable_unspecified",
       "vegetables": "vegetable_unspecified", "叶菜": "leafy_vegetable", "叶菜类": "leafy_vegetable",
       "叶类蔬菜": "leafy_vegetable", "leafy vegetables": "leafy_vegetable"}


@pytest.fixture(scope="module")
def vegetables():
    crops = list(VEG)
    plots = make_plots(len(crops), plot_id=[f"G{i}" for i in range(len(crops))], land_use="vegetable",
                       crop=crops, ph=6.0, cd_mg_kg=0.5, region="Hunan/Zhuzhou")
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_vegetable_names_in_chinese_and_english_agree(vegetables):
    _read_as(vegetables, "G", VEG)


def test_leafy_vegetables_use_the_leafy_cd_function(vegetables):
    u = vegetables.uptake.set_index(["plot_id", "metal"])
    for i, crop in enumerate(VEG.values()):
        if crop != "leafy_vegetable":
            continue
        r = u.loc[(f"G{i}", "cd")]
        assert r["function_id"] == "devries2007_lettuce_cd_leafy" and bool(r["assessed"])
        assert r["food_limit_mg_kg"] == 0.2 and r["crop_fw_p50_mg_kg"] > 0
    # the same prediction as for pak choi on the same soil
    pak = agriremed.plan(make_plots(1, land_use="vegetable", crop="小白菜", ph=6.0, cd_mg_kg=0.5,
                                    region="Hunan/Zhuzhou"), agriremed.Scenario(mc_draws=0)).uptake.iloc[0]
    leafy = u.loc[("G4", "cd")]
    assert leafy["crop_dw_p50_mg_kg"] == pytest.approx(pak["crop_dw_p50_mg_kg"])


def test_unspecified_vegetable_is_judged_against_the_strictest_limit_and_warned(vegetables):
    s = vegetables.summary.set_index("plot_id")
    u = vegetables.uptake.set_index(["plot_id", "metal"])
    pr = vegetables.problems
    for i, crop in enumerate(VEG.values()):
        if crop != "vegetable_unspecified":
            continue
        pid = f"G{i}"
        assert s.loc[pid, "metals_not_assessed"] == "cd"
        assert u.loc[(pid, "cd"), "not_assessed_reason_msg"].startswith('[["upt.none')
        assert s.loc[pid, "monitoring"].startswith("vegetable sampling every season:")
        mine = pr.loc[(pr["plot_id"] == pid) & (pr["column"] == "crop")]
        assert mine["severity"].tolist() == ["warning"]  # one warning, not also "read as"
        text = mine["problem"].iloc[0]
        assert text.startswith("vegetable type not given: judged against the strictest vegetable limits of GB 2762 "
                               "(Cd 0.05 mg/kg, that of head brassicas and fruiting and other fresh vegetables; "
                               "Pb 0.1 mg/kg, that of root vegetables and fruiting and other fresh vegetables)")
        assert text.endswith("name the vegetable (小白菜, 生菜, 甘蓝, 胡萝卜 …) for a sharper answer")
        zh = messages.render(mine["problem_msg"].iloc[0], "zh")
        assert zh.startswith("未注明蔬菜种类：按GB 2762中最严格的蔬菜限量评判（镉0.05 mg/kg，即结球芸薹类蔬菜") and "nan" not in zh
    leafy = pr.loc[(pr["plot_id"] == "G4") & (pr["column"] == "crop"), "problem"].tolist()
    assert leafy == ["read as leafy_vegetable"]


def test_other_crop_groups_are_still_refused():
    plots = make_plots(2, plot_id=["A", "B"], land_use="upland", crop=["粮食", "水果"])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    assert p.rejected["plot_id"].tolist() == ["A", "B"]
    assert all(m.startswith('[["val.in_column_value_expected"') and "val.crop_group" in m
               for m in p.rejected["reasons_msg"])
