"""The sentence's target clause quotes the compliance the ranking's target rule compares.

Shimen paddy HN-SM-13 (As 68 mg/kg above screening, Cd 0.36 at pH 6.3): the Fe–Si As amendment + low-Cd rice
keeps rice with a central compliance (every crop reduction at its typical value) of 0.9099, at or above the
0.90 target; with 100 draws (seed 11) the mean over the draws is 0.8996. The ranking's target rule compares the central
compliance in both modes, so the sentence no longer says "below the plan's compliance target (89.9 % < 90 %)"
for an option the ranking treats as meeting it: with and without draws the sentence has no target clause.
"""

import pandas as pd
import pytest

import agriremed
from agriremed.core.scenario import Scenario
from agriremed.engine.plan import PLAN_COLUMNS

HN_SM_13 = pd.DataFrame({
    "plot_id": ["HN-SM-13"], "region": ["Hunan/Changde/Shimen"], "lat": [29.68], "lon": [111.06],
    "land_use": ["paddy"], "crop": ["rice"], "area_ha": [0.45], "ph": [6.3], "som_pct": [3.2], "clay_pct": [30.0],
    "bulk_density_g_cm3": [1.17], "depth_m": [0.20], "cd_mg_kg": [0.36], "pb_mg_kg": [52.0], "as_mg_kg": [68.0],
    "hg_mg_kg": [0.19], "cr_mg_kg": [74.0], "cu_mg_kg": [29.0], "ni_mg_kg": [28.0], "zn_mg_kg": [110.0],
    "cd_cacl2_mg_kg": [0.040], "zn_cacl2_mg_kg": [1.5], "annual_rain_mm": [1350.0], "mean_temp_c": [16.7],
})


@pytest.fixture(scope="module", params=[0, 100], ids=["draws0", "draws100"])
def plan(request):
    return agriremed.plan(HN_SM_13, Scenario(mc_draws=request.param), seed=11)


def test_target_clause_follows_the_central_compliance(plan):
    assert "food_compliance_central" in PLAN_COLUMNS
    s = plan.summary.iloc[0]
    assert s["recommended_option"] == "as_fe_si_low_cd_rice"
    row = plan.table.set_index("option_id").loc["as_fe_si_low_cd_rice"]
    assert row["food_compliance_central"] == pytest.approx(0.9099, abs=5e-5)  # the target rule's number
    if plan.scenario.mc_draws:
        assert row["crop_compliance_prob"] == pytest.approx(0.8996, abs=5e-5)  # the mean over the draws (prints 89.9 %)
    # before, with draws: "…; below the plan's compliance target (89.9 % < 90 %): about 1 in 10 harvests …"
    assert "compliance target" not in s["recommendation"]
    # the headline keeps the estimate of the probability (the mean over the draws, with draws)
    share = "90 %" if plan.scenario.mc_draws else "91 %"
    assert f"with {share} probability a season" in s["recommendation"]


def test_target_clause_central_in_chinese():
    zh = agriremed.plan(HN_SM_13, Scenario(mc_draws=100), seed=11).in_lang("zh").summary.iloc[0]["recommendation"]
    # before: "…；低于方案的达标目标（89.9 % < 90 %）…"
    assert "89.9" not in zh and "达标目标" not in zh
    assert "镉" in zh
