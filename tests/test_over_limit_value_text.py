"""The NPV against doing nothing of a measure that makes more harvests meet the food limit rests on what the
harvests over the limit are worth: the sentence names that value (0 for vegetables, which have no feed or
industrial outlet; the share of the price of the --noncompliant-grain rule for grain), not only on
strict-control land."""

import pandas as pd
import pytest

import agriremed
from agriremed.core import messages

PLOTS = pd.DataFrame([
    # 菜地 pak choi, safe utilisation (Cd 0.65 at pH 5.2): liming by lime requirement
    {"plot_id": "P01", "region": "Hunan/Changsha/Wangcheng", "land_use": "vegetable", "crop": "pak_choi",
     "area_ha": 0.20, "ph": 5.2, "som_pct": 2.8, "clay_pct": 25, "cec_cmol_kg": 12, "bulk_density_g_cm3": 1.15,
     "depth_m": 0.20, "basic_farmland": "no", "cd_mg_kg": 0.65, "pb_mg_kg": 50, "as_mg_kg": 12, "hg_mg_kg": 0.15,
     "cr_mg_kg": 60, "cu_mg_kg": 30, "ni_mg_kg": 25, "zn_mg_kg": 110, "annual_rain_mm": 1400, "mean_temp_c": 17.2},
    # calcareous winter wheat at Jiyuan (Cd 1.1 at pH 8.1): foliar Zn
    {"plot_id": "P13", "region": "Henan/Jiyuan", "land_use": "upland", "crop": "wheat", "area_ha": 1.5, "ph": 8.1,
     "som_pct": 1.6, "clay_pct": 22, "cec_cmol_kg": 14, "bulk_density_g_cm3": 1.35, "depth_m": 0.20,
     "basic_farmland": "yes", "cd_mg_kg": 1.10, "pb_mg_kg": 60, "as_mg_kg": 12, "hg_mg_kg": 0.10, "cr_mg_kg": 60,
     "cu_mg_kg": 30, "ni_mg_kg": 30, "zn_mg_kg": 120, "annual_rain_mm": 600, "mean_temp_c": 14.4},
])


def _plan(**scenario):
    return agriremed.plan(PLOTS, agriremed.Scenario(mc_draws=0, **scenario), progress=False)


def _texts(p, lang="en") -> dict:
    s = p.summary
    return dict(zip(s["plot_id"], messages.column_texts(s, "recommendation", lang, p.tables), strict=True))


def test_vegetable_measure_says_its_over_limit_harvests_count_as_worth_nothing():
    p = _plan()
    s = p.summary.set_index("plot_id")
    assert s.loc["P01", "recommended_option"] == "lime_vegetable"
    en, zh = _texts(p)["P01"], _texts(p, "zh")["P01"]
    # the valuation is unchanged (+237,825 CNY/ha): only said
    assert s.loc["P01", "npv_vs_baseline_cny_ha"] == pytest.approx(237_825, abs=1)
    assert ("+237,825 CNY/ha (+15,855 CNY/mu) vs doing nothing over 20 yr (harvests over the food limit counted as "
            "worth 0: Pak choi has no feed or industrial outlet)") in en
    assert "（+237,825元/公顷）（超过食品限量的收获按0计：小白菜无饲料或工业用途出路）" in zh


@pytest.mark.parametrize(("rule", "npv", "clause", "clause_zh"), [
    ("discount_sale", "+4,776 CNY/ha (+318 CNY/mu)",
     "counted at 60 % of the price, as “Sold at a discount for feed or industrial use”",
     "按价格的60 %计，即“折价定向销售（饲料或工业用粮）”"),
    ("destroyed", "+22,263 CNY/ha (+1,484 CNY/mu)",
     "counted at 0 % of the price, as “Not sold: destroyed or disposed of”",
     "按价格的0 %计，即“不得销售，无害化处理”"),
])
def test_grain_measure_names_the_noncompliant_grain_rule(rule, npv, clause, clause_zh):
    p = _plan(noncompliant_grain=rule)
    assert p.summary.set_index("plot_id").loc["P13", "recommended_option"] == "foliar_zn_wheat"
    assert f"{npv} vs doing nothing over 20 yr (harvests over the food limit {clause})" in _texts(p)["P13"]
    assert f"（超过食品限量的收获{clause_zh}）" in _texts(p, "zh")["P13"]


def test_no_clause_where_the_over_limit_harvest_is_paid_in_full():
    # the farmer's account under state purchase: grain over the limit is paid the normal price, so its value
    # does not move the farmer's NPV; the vegetables (no such outlet) still say theirs
    en = _texts(_plan(noncompliant_grain="state_purchase", economics_view="farmer"))
    assert "harvests over the food limit" not in en["P13"]
    assert "harvests over the food limit counted as worth 0: Pak choi" in en["P01"]
