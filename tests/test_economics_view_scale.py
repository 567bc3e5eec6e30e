"""The economics utility follows the scenario's economics view (``view`` column of ``traffic_lights.csv``):
in the farmer's view a paid fallow's +251 734 CNY/ha and a crop's +19 023 are told apart, where the
combined anchors (0 at −150 000, 1 at +50 000 CNY/ha) gave both nearly full marks (1 and 0.845)."""

import pandas as pd
import pytest

import agriremed
from agriremed.core.tables import load_tables
from agriremed.stages.ranking import utilities

#: ± the legal net income of a hectare of double-cropped rice, 2 × (7.14 t/ha × 2 580 CNY/t − 15 000 CNY/ha), over
#: 20 yr at 6 % (annuity factor 11.469921)
STAKE = 2 * (7.14 * 2580 - 15000) * 11.469921


def _values(econ):
    n = len(econ)
    return pd.DataFrame({"food_safety": [0.0] * n, "food_production": [0.0] * n, "livelihood": [0.0] * n,
                         "clean_up": [0.0] * n, "carbon": [0.0] * n, "economics": econ})


def test_each_view_has_its_own_economics_scale():
    x = [-300_000.0, -50_000.0, 0.0, 19_023.2, 251_733.6]
    farmer = utilities(_values(x), economics_view="farmer")["economics"].tolist()
    # (x + 78 482) / 156 964, clipped: by hand
    assert farmer == pytest.approx([0.0, 28_482 / 156_964, 0.5, 97_505.2 / 156_964, 1.0], abs=1e-9)
    assert farmer[3] == pytest.approx(0.621194, abs=1e-6)
    assert 78_482 == round(STAKE)
    # the combined view keeps its anchors: the crop's +19 023 scores 0.845, the fallow's +251 734 is clipped at 1
    combined = utilities(_values(x), economics_view="combined")["economics"].tolist()
    assert combined == pytest.approx([0.0, 0.5, 0.75, 169_023.2 / 200_000, 1.0], abs=1e-9)
    # the programme: minus its cost, 1 at 0 and 0 at twice the farmer's stake
    prog = utilities(_values([0.0, -STAKE, -2 * STAKE, 10_000.0]), economics_view="programme")["economics"]
    assert prog.tolist() == pytest.approx([1.0, 0.5, 0.0, 1.0], abs=1e-5)
    assert utilities(_values([-223_663.0]), economics_view="programme")["economics"].tolist() == [0.0]
    # the other criteria do not depend on the view
    assert utilities(_values(x), economics_view="farmer")["carbon"].tolist() == \
        utilities(_values(x))["carbon"].tolist()


def test_a_user_table_without_a_view_column_holds_for_every_view(tmp_path):
    tl = load_tables().traffic_lights
    old = tl.loc[(tl["view"] == "") | (tl["view"] == "combined")].drop(columns="view")
    old.to_csv(tmp_path / "traffic_lights.csv", index=False)
    t = load_tables(tmp_path)
    for view in ("combined", "farmer", "programme"):
        assert t.light_thresholds(view)["economics"]["utility_zero_at"] == -150_000.0
        assert t.light_thresholds(view)["economics"]["utility_one_at"] == 50_000.0
    bad = old.assign(view=["", "", "", "", "", "farmers"])
    bad.to_csv(tmp_path / "traffic_lights.csv", index=False)
    with pytest.raises(ValueError, match="column view: 'farmers'"):
        load_tables(tmp_path).light_thresholds("farmer")
    with pytest.raises(ValueError, match="view 'owner' is not one of"):
        load_tables().light_thresholds("owner")


def _p08():
    # 长株潭 strict-control paddy on permanent basic farmland (Xiangtan County, Cd 1.8 at pH 5.0): fallow is paid
    # 1 300 CNY/mu a year (czt_fallow_2016)
    return pd.DataFrame([{
        "plot_id": "P08", "region": "Hunan/Xiangtan/Xiangtan County", "land_use": "paddy", "crop": "rice",
        "area_ha": 0.40, "ph": 5.0, "som_pct": 3.0, "clay_pct": 30, "cec_cmol_kg": 11, "bulk_density_g_cm3": 1.12,
        "depth_m": 0.20, "basic_farmland": "yes", "cd_mg_kg": 1.80, "pb_mg_kg": 70, "as_mg_kg": 18, "hg_mg_kg": 0.30,
        "cr_mg_kg": 66, "cu_mg_kg": 33, "ni_mg_kg": 25, "zn_mg_kg": 170, "annual_rain_mm": 1390, "mean_temp_c": 17.4}])


def test_the_farmer_view_tells_the_paid_fallow_from_sorghum():
    p = agriremed.plan(_p08(), agriremed.Scenario(mc_draws=100, economics_view="farmer"), seed=11, progress=False)
    t = p.table.set_index("option_id")
    sc = p.scores.loc[p.scores["criterion"] == "economics"].set_index("option_id")
    assert round(float(t.loc["fallow", "npv_farmer_vs_baseline_cny_ha"])) == 251_734
    assert round(float(t.loc["sorghum", "npv_farmer_vs_baseline_cny_ha"])) == 19_023
    # economics utility 1 (clipped) against 0.621: 0.379 apart (0.155 with the combined anchors: 1 vs 0.845)
    assert sc.at["fallow", "utility"] == 1.0
    assert sc.at["sorghum", "utility"] == pytest.approx(97_505.2 / 156_964, abs=1e-5)
    assert sc.at["sedum_plumbizincicola", "utility"] == 0.0
    # with the default weights sorghum stays first on its clean-up (0.672) and livelihood (0.5): 0.306 vs the
    # fallow's 0.271 (0.362 before); Sedum plumbizincicola, which costs the farmer 247 135 CNY/ha, scores 0.277 on
    # clean-up, food and carbon alone and is second: no economics scale puts the fallow (0.021 without economics,
    # economics weight 0.25) ahead of it
    assert p.summary.iloc[0]["recommended_option"] == "sorghum"
    assert t.loc["sorghum", "score"] == pytest.approx(0.3061, abs=5e-4)
    assert t.loc["fallow", "score"] == pytest.approx(0.2710, abs=5e-4)
    assert t["rank"].dropna().sort_values().index[:3].tolist() == ["sorghum", "sedum_plumbizincicola", "fallow"]
    # the sentence names the view whose money explains the order
    assert ("mostly on the farmer's money: it gives up the clean-up of Sedum plumbizincicola phytoextraction"
            in p.summary.iloc[0]["recommendation"])
    assert "CNY/mu) for the farmer." in p.summary.iloc[0]["recommendation"]
