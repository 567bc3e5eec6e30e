"""Crops of Guangxi/Guangdong/Yunnan county sheets planned instead of rejected: cassava (木薯) and
banana (香蕉), food crops judged against their GB 2762 groups (薯类 and fresh fruit) with the metals
in the crop not assessed (no transfer function)."""

import re

import numpy as np
import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.core.tables import load_tables
from agriremed.stages.uptake.predict import limits_for_crops
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


def test_chinese_and_english_names_agree(planned):
    assert len(planned.rejected) == 0
    s = planned.summary.set_index("plot_id")
    assert [s.loc[f"C{i}", "crop"] for i in range(len(ALIASES))] == list(ALIASES.values())


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
