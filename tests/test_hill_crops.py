"""Crops of Hunan/Jiangxi/Sichuan hill land planned instead of rejected: camellia oil tree (油茶), konjac
(魔芋) and pomegranate (石榴) get their soil class and a plan; no transfer function, so a metal with a
GB 2762 limit in the crop is not assessed; their income is not in the library (no price), so money
against the current crop is a data gap, never computed from an income of 0."""

import re

import numpy as np
import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.core.tables import load_tables
from agriremed.stages.economics import crop_value_gaps
from agriremed.stages.uptake.predict import limits_for_crops
from plotdata import make_plots


def _zh_readable(text: str) -> bool:
    """Chinese text with no English words (codes of metals and standards aside) and no 'nan'."""
    return "nan" not in text and not i18n.untranslated(re.sub(r"GB ?\d+", " ", text))


def test_rows_of_the_three_crops_and_their_sources():
    t = load_tables()
    c = t.crops.set_index("crop")
    got = {k: (c.loc[k, "name_zh"], c.loc[k, "crop_group"], bool(c.loc[k, "food"]), c.loc[k, "land_use"])
           for k in ("camellia_oil", "konjac", "pomegranate")}
    assert got == {"camellia_oil": ("油茶", "oilseed", True, "orchard"),
                   "konjac": ("魔芋", "root_vegetable", True, "upland"),
                   "pomegranate": ("石榴", "fruit", True, "orchard")}
    # 2019: 285 万 t of camellia seed on 6 925 万亩 (0.62 t/ha, computed); Huili: 3 万 t on 10 万亩 (4.5 t/ha)
    assert (c.loc["camellia_oil", "yield_t_ha"], c.loc["camellia_oil", "yield_source"]) == (0.62, "askci2020_camellia")
    assert (c.loc["pomegranate", "yield_t_ha"], c.loc["pomegranate", "yield_source"]) == (4.5, "huili_pomegranate")
    assert np.isnan(c.loc["konjac", "yield_t_ha"])  # no source read
    assert {"askci2020_camellia", "huili_pomegranate"} <= set(t.sources["key"])
    price = t.crop_price_table("crop_price_cny_t")
    assert not {"camellia_oil", "konjac", "pomegranate"} & set(price.index)


def test_gb2762_limits_of_konjac_and_pomegranate():
    # konjac corm: 块根和块茎蔬菜 (Cd 0.1, Hg 0.01, As 0.5, Cr 0.5), Pb 0.1, the stricter of 薯类 (0.2) and
    # other root vegetables (0.1); pomegranate: fresh fruit, Pb 0.1, Cd 0.05
    t = load_tables()
    pairs = [("konjac", "pb", 0.1), ("konjac", "cd", 0.1), ("konjac", "hg", 0.01), ("konjac", "as", 0.5),
             ("konjac", "cr", 0.5), ("pomegranate", "pb", 0.1), ("pomegranate", "cd", 0.05)]
    limit, _ = limits_for_crops([c for c, _, _ in pairs], [m for _, m, _ in pairs], "GB2762", t)
    np.testing.assert_array_equal(limit, [v for _, _, v in pairs])


def test_crops_without_income_are_data_gaps():
    gaps = crop_value_gaps(["rice", "camellia_oil", "konjac", "pomegranate", "banana", "none", "sorghum"],
                           load_tables())
    assert gaps.tolist() == [False, True, True, True, False, False, False]


ALIASES = {"油茶": "camellia_oil", "油茶树": "camellia_oil", "茶油": "camellia_oil", "茶籽": "camellia_oil",
           "camellia oleifera": "camellia_oil", "魔芋": "konjac", "蒟蒻": "konjac", "磨芋": "konjac",
           "konjac": "konjac", "石榴": "pomegranate", "石榴树": "pomegranate", "pomegranate": "pomegranate"}


@pytest.fixture(scope="module")
def planned():
    crops = list(ALIASES)
    land = ["upland" if ALIASES[c] == "konjac" else "orchard" for c in crops]
    plots = make_plots(len(crops) + 2, plot_id=[f"H{i}" for i in range(len(crops))] + ["RICE", "BAD"],
                       land_use=land + ["paddy", "upland"], crop=crops + ["水稻", "黄精"], ph=5.2,
                       cd_mg_kg=0.5, basic_farmland="no", region="Hunan/Hengyang")
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_aliases_are_read_and_rows_add_up(planned):
    s = planned.summary.set_index("plot_id")
    assert [s.loc[f"H{i}", "crop"] for i in range(len(ALIASES))] == list(ALIASES.values())
    # planned + rejected = rows: only the crop the library does not know (黄精) is rejected
    assert planned.rejected["plot_id"].tolist() == ["BAD"]
    assert len(planned.summary) + len(planned.rejected) == len(ALIASES) + 2


@pytest.mark.parametrize("pid, crop, zh", [("H0", "Camellia oil tree", "油茶"), ("H5", "Konjac", "魔芋"),
                                           ("H9", "Pomegranate", "石榴")])
def test_class_plan_and_money_gap(planned, pid, crop, zh):
    s = planned.summary.set_index("plot_id")
    t = planned.table.set_index(["plot_id", "option_id"])
    # Cd 0.5 > 0.3 (pH 5.2, upland and orchard) and below the intervention value 1.5
    assert s.loc[pid, "soil_class"] == "safe_utilisation"
    assert s.loc[pid, "recommended_option"] in t.loc[pid].index
    rec = s.loc[pid, "recommendation"]
    assert "nan" not in rec.lower() and "n/a" not in rec
    assert f"cost and cash flows not computed: the yield, price or production cost of {crop}" in rec
    zh_rec = messages.render(s.loc[pid, "recommendation_msg"], "zh")
    assert f"未计算成本和现金流：库中没有{zh}的产量、价格或生产成本" in zh_rec and _zh_readable(zh_rec), zh_rec
    # doing nothing grows the crop: its money is not computed from an income of 0
    base = t.loc[(pid, "do_nothing")]
    assert np.isnan(base["npv_cny_ha"]) and np.isnan(base["cost_year1_cny_ha"])
    assert base["data_gaps"].startswith(f"{crop}")
    # options growing no crop keep their own money, but nothing is compared with doing nothing
    fallow = t.loc[(pid, "fallow")]
    assert np.isfinite(fallow["npv_cny_ha"]) and np.isnan(fallow["npv_vs_baseline_cny_ha"])
    assert "its income is unknown, so money against it is not computed" in fallow["data_gaps"]
    assert np.isnan(s.loc[pid, "npv_vs_baseline_cny_ha"])


def test_metals_not_assessed_where_the_crop_has_a_limit(planned):
    s = planned.summary.set_index("plot_id")
    for pid in ("H5", "H9"):  # 魔芋, 石榴: GB 2762 limits Cd in both, no function predicts it
        assert s.loc[pid, "metals_not_assessed"] == "cd"
        assert s.loc[pid, "recommendation"].startswith("Cd in the crop not assessed")
        assert messages.render(s.loc[pid, "recommendation_msg"], "zh").startswith("作物中的镉未评估")
    assert s.loc["H5", "monitoring"].startswith("root sampling every season:")
    assert s.loc["H9", "monitoring"].startswith("fruit sampling every season:")
    # the seed of camellia, like rapeseed, has no GB 2762 limit: tested and compared with local limits
    assert s.loc["H0", "monitoring"].startswith("seed sampling every season:")
    assert "GB2762 sets no limit for Camellia oil tree" in s.loc["H0", "monitoring"]


def test_a_plot_of_a_valued_crop_keeps_its_money(planned):
    s = planned.summary.set_index("plot_id")
    assert np.isfinite(s.loc["RICE", "npv_vs_baseline_cny_ha"])
    assert "not computed" not in s.loc["RICE", "recommendation"]
