"""Liming acid vegetable land: the limestone–sepiolite conditioner of options.csv (``lime_vegetable``).

Field evidence (``zhu2015_ls_vegetable``, abstract): limestone:sepiolite 2:1 at 2–8 g/kg on Pb–Cd
contaminated dry land in southern Hunan cut amaranth shoot Cd by 40.0–87.2 %. Two plots of a 200-plot
sweep (Daye, Hubei; pak choi on acid soil) had no measure: unchanged practice was recommended at 34 and
48 % compliance.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import agriremed

SWEEP = pd.DataFrame([
    {"plot_id": "S080", "region": "Hubei/Huangshi/Daye", "land_use": "vegetable", "crop": "pak_choi",
     "area_ha": 2.67, "ph": 5.11, "som_pct": 3.83, "clay_pct": 10.7, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
     "cd_mg_kg": 1.435, "pb_mg_kg": 139.3, "as_mg_kg": 17.4, "hg_mg_kg": 0.072, "cr_mg_kg": 89.4,
     "cu_mg_kg": 83.9, "zn_mg_kg": 79.0, "annual_rain_mm": 1300.0, "mean_temp_c": 17.0, "basic_farmland": "no"},
    {"plot_id": "S139", "region": "Hubei/Huangshi/Daye", "land_use": "vegetable", "crop": "pak_choi",
     "area_ha": 2.28, "ph": 4.52, "som_pct": 1.67, "clay_pct": 23.3, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
     "cd_mg_kg": 0.421, "pb_mg_kg": 37.0, "as_mg_kg": 21.1, "hg_mg_kg": 0.271, "cr_mg_kg": 66.1,
     "cu_mg_kg": 27.9, "zn_mg_kg": 94.7, "annual_rain_mm": 1300.0, "mean_temp_c": 17.0, "basic_farmland": "no"}])

#: leafy-vegetable spread of the Cd prediction [log10] (with the between-study SD), deterministic run
LEAFY_SD = 0.627


def test_the_lime_option_is_in_the_library_with_its_sourced_effect(tables):
    o = tables.options.set_index("option_id").loc["lime_vegetable"]
    assert o["land_uses"] == "vegetable|upland" and o["soil_classes"] == "safe_utilisation"
    assert float(o["ph_max"]) == 6.5 and o["crops"] == "pak_choi|lettuce|chinese_cabbage|leafy_vegetable"
    p = tables.option_parameters
    p = p.loc[p["option_id"] == "lime_vegetable"].set_index("parameter")
    red = p.loc["crop_reduction_frac"]
    assert (red["low"], red["typical"], red["high"]) == (0.4, 0.636, 0.872)
    assert red["source"] == "zhu2015_ls_vegetable"
    assert "zhu2015_ls_vegetable" in set(tables.sources["key"])
    # 8 g/kg of the 2:1 conditioner over 2 400 t/ha of plough layer: 12.8 t limestone + 6.4 t sepiolite
    assert p.loc["lime_t_ha", "typical"] == pytest.approx(8 * 2 / 3 * 2.4)
    assert p.loc["amendment_t_ha", "typical"] == pytest.approx(8 / 3 * 2.4)
    for name in ("lime_t_ha", "amendment_t_ha", "amendment_price_cny_t", "effect_duration_yr"):
        assert "UNCONFIRMED" in p.loc[name, "note"]


def test_acid_pak_choi_land_gets_the_lime_option_with_the_sourced_effect():
    p = agriremed.plan(SWEEP, agriremed.Scenario(mc_draws=0), progress=False)
    t = p.table.set_index(["plot_id", "option_id"])
    s = p.summary.set_index("plot_id")
    annual = 12.8 * 300 + 6.4 * 1000 + 800          # limestone, sepiolite and spreading [CNY/ha]
    pv_cost = annual * sum(1.06 ** -(1 + 2 * k) for k in range(10))   # years 1, 3, …, 19 at 6 %
    for pid, before in (("S080", 0.337), ("S139", 0.476)):
        now = t.loc[(pid, "do_nothing"), "crop_compliance_prob"]
        assert now == pytest.approx(before, abs=5e-4)
        lime = t.loc[(pid, "lime_vegetable")]
        assert lime["applicable"]
        # the predicted pak choi Cd × (1 − 0.636): the log-normal compliance moves by −log10(0.364)/σ
        expected = norm.cdf(norm.ppf(now) - np.log10(1 - 0.636) / LEAFY_SD)
        assert lime["crop_compliance_prob"] == pytest.approx(expected, rel=1e-9)
        assert lime["cost_amendment_cny_ha"] == pytest.approx(pv_cost, rel=1e-9)
        assert s.loc[pid, "recommended_option"] == "lime_vegetable"
        assert "Continue current practice" not in s.loc[pid, "recommendation"]
        assert s.loc[pid, "recommendation"].startswith("Pb in the crop not assessed") or \
            s.loc[pid, "recommendation"].startswith("Limestone–sepiolite conditioner on acid vegetable land: ")
    assert t.loc[("S080", "lime_vegetable"), "crop_compliance_prob"] == pytest.approx(0.610, abs=5e-4)
    assert t.loc[("S139", "lime_vegetable"), "crop_compliance_prob"] == pytest.approx(0.739, abs=5e-4)


def test_the_lime_option_stays_off_where_its_evidence_does_not_reach():
    base = SWEEP.iloc[[0]].assign(plot_id="x")
    cases = {"neutral": {"ph": 6.8}, "carrot": {"crop": "carrot"}, "strict": {"cd_mg_kg": 4.5},
             "paddy": {"land_use": "paddy", "crop": "rice"}}
    plots = pd.concat([base.assign(plot_id=k, **v) for k, v in cases.items()], ignore_index=True)
    t = agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False).table
    lime = t.loc[t["option_id"] == "lime_vegetable"].set_index("plot_id")
    assert sorted(lime.index) == sorted(cases)
    assert not lime["applicable"].any()


def test_the_reapplied_lime_is_named_in_both_languages():
    from agriremed.core.messages import Message, render
    # the dry-land lime step printed its code ("lime upland again", "再施一次lime upland")
    for measure, en, zh in (("lime_upland", "lime", "石灰"), ("lime_sepiolite", "limestone and sepiolite",
                                                                "石灰石粉和海泡石")):
        m = Message.of("rec.reapply", measure=measure, n=2, first=3, last=19)
        assert render(m, "en") == f" ({en} again every 2 yr from year 3 to year 19)"
        assert render(m, "zh") == f"（第3年至第19年每2年再施一次{zh}）"
    p = agriremed.plan(SWEEP.iloc[[0]], agriremed.Scenario(mc_draws=0), progress=False)
    assert "(limestone and sepiolite again every 2 yr from year 3 to year 19)" in p.summary["recommendation"].iat[0]
