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
from agriremed.stages.economics import crop_value_gaps, kept_crop_income
from agriremed.stages.uptake.predict import limits_for_crops
from plotdata import make_plots
from maize_fit import stricter_maize_tables


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
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py), so the maize switch
    # keeps the place in the ranking that the sentence under test is about
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0), tables=stricter_maize_tables())


def test_aliases_are_read_and_rows_add_up(planned):
    s = planned.summary.set_index("plot_id")
    assert [s.loc[f"H{i}", "crop"] for i in range(len(ALIASES))] == list(ALIASES.values())
    # planned + rejected = rows: the crop the library does not know (黄精) is planned as a crop not modelled
    assert planned.rejected["plot_id"].tolist() == []
    assert (s.loc["BAD", "crop"], s.loc["BAD", "crop_as_written"]) == ("unlisted", "黄精")
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
    # unchanged practice is recommended, compared with itself: 0, not an income of 0
    assert (s.loc[pid, "recommended_option"], s.loc[pid, "npv_vs_baseline_cny_ha"]) == ("do_nothing", 0.0)
    assert (base["npv_vs_baseline_cny_ha"], base["cost_year1_vs_baseline_cny_ha"]) == (0.0, 0.0)


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


def test_an_option_keeping_the_crop_is_compared_on_its_own_costs(planned):
    # biochar on konjac keeps the crop (same crop every year, compliance not predicted on either row): the
    # unknown income cancels, so the comparison is the option's own money while its NPV stays unknown
    t = planned.table.set_index(["plot_id", "option_id"])
    b = t.loc[("H5", "biochar_amendment")]
    assert np.isnan(b["npv_cny_ha"]) and np.isnan(b["cost_year1_cny_ha"])
    # year 1: 20 t/ha × 2 000 CNY/t + 1 500 CNY/ha spreading; one application in 20 yr; carbon credit
    # 1.435 t CO2e/ha/yr × 80 CNY/t every year, discounted at 6 %
    df = 1.06 ** -np.arange(1, 21)
    assert b["cost_year1_vs_baseline_cny_ha"] == pytest.approx(41500.0)
    assert b["net_co2e_vs_baseline_t_ha_yr"] == pytest.approx(1.435326, abs=1e-6)
    expected = -41500.0 * df[0] + b["net_co2e_vs_baseline_t_ha_yr"] * 80.0 * df.sum()
    assert b["npv_vs_baseline_cny_ha"] == pytest.approx(expected) == pytest.approx(-37833.897, abs=1e-3)
    assert b["npv_farmer_vs_baseline_cny_ha"] == pytest.approx(expected)
    assert b["programme_cost_cny_ha"] == pytest.approx(-expected)
    assert b["data_gaps"].startswith("Konjac: yield, price or production cost not in the library")
    assert "only the option's own costs and revenues are counted" in b["data_gaps"]
    assert "NPV not computed" not in b["data_gaps"]
    # a switch to another crop (maize) or to none (fallow) is not compared: the konjac income would not cancel
    for o in ("maize_grain", "fallow"):
        assert np.isnan(t.loc[("H5", o), "npv_vs_baseline_cny_ha"])
        assert np.isnan(t.loc[("H5", o), "cost_year1_vs_baseline_cny_ha"])


def test_konjac_plot_is_not_given_biochar_of_unpredicted_benefit(planned):
    # the rule of an expected measure costlier than unchanged practice on a crop no transfer function
    # predicts (target_tier 4) now sees the cost: biochar ranks with the allowed options, after unchanged practice
    s = planned.summary.set_index("plot_id")
    r = planned.ranking.set_index(["plot_id", "option_id"])
    assert s.loc["H5", "recommended_option"] == "do_nothing"
    assert r.loc[("H5", "biochar_amendment"), "target_tier"] == 4
    assert r.loc[("H5", "biochar_amendment"), "rank"] == 2
    assert r.loc[("H5", "biochar_amendment"), "evidence"] == "complete"
    assert "ranked before Biochar amendment (score 0.54 vs its 0.50), whose benefit for the crop grown cannot be " \
        "predicted" in s.loc["H5", "recommendation"]


def test_the_sentence_gives_the_extra_cost_of_a_kept_crop_option():
    # weighted on carbon alone, biochar is recommended on the konjac plot: its cost beyond unchanged practice
    plots = make_plots(1, plot_id=["K"], land_use="upland", crop="魔芋", ph=5.2, cd_mg_kg=0.5,
                       basic_farmland="no", region="Hunan/Hengyang", area_ha=0.5)
    w = {"food_safety": 0, "food_production": 0, "livelihood": 0, "clean_up": 0, "carbon": 1, "economics": 0}
    s = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, weights=w)).summary.set_index("plot_id")
    assert s.loc["K", "recommended_option"] == "biochar_amendment"
    assert s.loc["K", "first_year_extra_cost_plot_cny"] == pytest.approx(41500.0 * 0.5)
    assert np.isnan(s.loc["K", "first_year_cost_plot_cny"])
    rec = s.loc["K", "recommendation"]
    assert "-37,834 CNY/ha (-2,522 CNY/mu) vs doing nothing over 20 yr" in rec
    assert ("On the plot (7.5 mu): costs 2,767 CNY/mu more than unchanged practice in the first year (20,750 CNY "
            "for the plot); the crop's income is not in the library (the yield, price or production cost of Konjac "
            "is missing), so the cash flows are not computed;") in rec
    zh = messages.render(s.loc["K", "recommendation_msg"], "zh")
    assert "地块（7.5亩）：首年比维持现状多花2,767元/亩（全地块20,750元）；库中没有该作物的收入（缺魔芋的产量、价格或生产成本）" in zh
    assert _zh_readable(zh), zh


def _inp(code, p, grows=(False, True, True), value_frac=(0.5, 0.5, 0.5)):
    return {"crop_gap": np.array([True, True, True]), "srow": np.arange(3), "code": np.array(code),
            "p_comply": np.array(p, float), "grows_vocab": np.array(grows),
            "value_frac": np.array(value_frac), "farmer_frac": np.array([0.9, 0.9, 0.9])}


def test_kept_crop_income_needs_the_same_crop_and_compliance():
    base = np.zeros(3, np.intp)  # row 0 is the baseline of all three
    # crop code 1 each year; row 1 keeps it, row 2 leaves it for code 0 (none) in year 2
    inp = _inp([[1, 1], [1, 1], [1, 0]], [[np.nan] * 2] * 3)
    assert kept_crop_income(inp, base).tolist() == [True, True, False]
    # same crop, but the option makes more of it meet the food limit: the income difference is unknown
    inp = _inp([[1, 1]] * 3, [[0.4, 0.4], [0.4, 0.4], [0.4, 0.9]])
    assert kept_crop_income(inp, base).tolist() == [True, True, False]
    # all sold at full price: another share paid for produce over the limit does not matter
    inp = _inp([[1, 1]] * 3, [[1.0, 1.0], [np.nan, 1.0], [1.0, 1.0]], value_frac=(0.5, 0.5, 0.0))
    assert kept_crop_income(inp, base).tolist() == [True, True, True]
    # … but it does where some of it is over the limit
    inp = _inp([[1, 1]] * 3, [[0.4, 0.4]] * 3, value_frac=(0.5, 0.5, 0.0))
    assert kept_crop_income(inp, base).tolist() == [True, True, False]
    # a plot whose baseline crop is valued: nothing to mark
    inp = _inp([[1, 1]] * 3, [[1.0, 1.0]] * 3)
    inp["crop_gap"] = np.array([False, True, True])
    assert kept_crop_income(inp, base).tolist() == [False, False, False]


def test_carbon_against_a_crop_without_field_rows_is_a_data_gap(planned):
    # konjac has no N fertiliser or diesel row (prices.csv): its field emissions are unknown, not 0, so a
    # switch to maize (-2.6 t CO2e/ha/yr against konjac counted as 0) or to none is not compared
    t = planned.table.set_index(["plot_id", "option_id"])
    for o in ("maize_grain", "fallow", "miscanthus"):
        row = t.loc[("H5", o)]
        assert np.isnan(row["net_co2e_vs_baseline_t_ha_yr"]) and np.isnan(row["credited_co2e_vs_baseline_t_ha_yr"])
        assert "Konjac: no N fertiliser or diesel rate in the library: its field emissions are unknown, so net " \
            "CO2e against unchanged practice and the carbon credit are not computed" in row["data_gaps"]
        zh = messages.render(row["data_gaps_msg"], "zh")
        assert "库中没有魔芋的施氮量或柴油用量" in zh and _zh_readable(zh), zh
    # the option's own terms are still given: maize's N fertiliser, 197 kg N/ha × 8.01 t CO2e/t N
    assert t.loc[("H5", "maize_grain"), "n_fertiliser_co2e_t_ha_yr"] == pytest.approx(-197 * 8.01 / 1000)
    # biochar keeps konjac: the unknown field terms are the same on both rows and cancel
    b = t.loc[("H5", "biochar_amendment")]
    assert b["net_co2e_vs_baseline_t_ha_yr"] == pytest.approx(1.435326, abs=1e-6)
    assert "no N fertiliser or diesel rate" not in b["data_gaps"]
    assert t.loc[("H5", "do_nothing"), "net_co2e_vs_baseline_t_ha_yr"] == 0.0
    # a crop with its rows keeps its comparisons
    assert np.isfinite(t.loc[("RICE", "flooded_rice"), "net_co2e_vs_baseline_t_ha_yr"])
    assert np.isfinite(t.loc[("RICE", "fallow"), "net_co2e_vs_baseline_t_ha_yr"])


def test_management_gap_crops():
    from agriremed.stages.carbon import management_gap_crops
    t = load_tables()
    got = management_gap_crops(["current", "maize", "none", "maize", "current", "konjac", None],
                               ["konjac", "konjac", "pomegranate", "rice", "rice", "rice", "camellia_oil"], t)
    assert got.tolist() == ["", "konjac", "pomegranate", "", "", "konjac", "camellia_oil"]


def test_chili_is_a_fruiting_vegetable_judged_against_gb2762_without_income():
    # 辣椒 (chili pepper, 茄果类蔬菜): GB 2762 fruiting vegetables (Cd 0.05, Pb 0.1, Hg 0.01); no yield,
    # price or cost in the library, so its money is a data gap, and Cd in it is not assessed
    t = load_tables()
    limit, _ = limits_for_crops(["chili"] * 3, ["cd", "pb", "hg"], "GB2762", t)
    np.testing.assert_array_equal(limit, [0.05, 0.1, 0.01])
    assert crop_value_gaps(["chili"], t).tolist() == [True]
    plots = make_plots(2, plot_id=["CN-04", "X"], land_use=["vegetable", "菜地"], crop=["辣椒", "朝天椒"],
                       ph=5.6, cd_mg_kg=[1.2, 0.4], region="Hunan/Chenzhou")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert p.rejected.empty and s["crop"].tolist() == ["chili", "chili"]
    assert s["metals_not_assessed"].tolist() == ["cd", "cd"]
    assert "the yield, price or production cost of Pepper (chili or sweet) is not in the library" in s.loc["CN-04", "recommendation"]
