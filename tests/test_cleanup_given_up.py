"""The runner-up clause "it gives up the clean-up of …" only for a runner-up that is a clean-up method.

Changsha paddy HN-CS-04 (Cd 2.85 mg/kg at pH 4.9, strict control) in the farmer's view: fallow (0.27) is ahead of
energy maize harvested whole (0.24) mostly on the farmer's money. Energy maize would remove about 1 % of the soil's
excess metal in 20 years; the plan classes it as "stabilises, does not clean up" (duration_kind), so the sentence
no longer says the fallow "gives up the clean-up of" it. A Sedum runner-up (a clean-up method) keeps the clause
(test_economics_view_scale.py).
"""

import pandas as pd
import pytest

import agriremed
from agriremed.core.scenario import Scenario

HN_CS_04 = pd.DataFrame({
    "plot_id": ["HN-CS-04"], "region": ["Hunan/Changsha/Liuyang"], "lat": [28.15], "lon": [113.63],
    "land_use": ["paddy"], "crop": ["rice"], "area_ha": [0.28], "ph": [4.9], "som_pct": [2.8], "clay_pct": [33.0],
    "bulk_density_g_cm3": [1.10], "depth_m": [0.18], "cd_mg_kg": [2.85], "pb_mg_kg": [96.0], "as_mg_kg": [21.0],
    "hg_mg_kg": [0.28], "cr_mg_kg": [70.0], "cu_mg_kg": [41.0], "ni_mg_kg": [30.0], "zn_mg_kg": [238.0],
    "cd_cacl2_mg_kg": [0.520], "zn_cacl2_mg_kg": [6.3], "annual_rain_mm": [1460.0], "mean_temp_c": [17.3],
})


def test_no_clean_up_given_up_for_a_runner_up_that_does_not_clean_up():
    p = agriremed.plan(HN_CS_04, Scenario(mc_draws=0, economics_view="farmer"))
    s = p.summary.iloc[0]
    assert s["recommended_option"] == "fallow"
    t = p.table.set_index("option_id")
    assert t.loc["maize_energy", "rank"] == 2
    assert t.loc["maize_energy", "duration_kind"] == "stabilises"
    assert t.loc["maize_energy", "crit_clean_up"] == pytest.approx(0.007, abs=5e-4)
    en = s["recommendation"]
    # before: "…, mostly on the farmer's money: it gives up the clean-up of Maize harvested whole for energy, which
    # would remove 1 % of the soil's excess metal within the plan horizon, for an NPV higher by 269,385 CNY/ha …"
    assert "ahead of Maize harvested whole for energy (score 0.27 vs 0.24), mostly on the farmer's money. " in en
    assert "gives up the clean-up" not in en
    zh = p.in_lang("zh").summary.iloc[0]["recommendation"]
    assert "优于能源玉米（全株收获）（得分0.27对0.24），主要优势在于农户收益。" in zh
    assert "放弃了" not in zh
