"""Food standard per plot (Scenario food_standard "auto"): GB 2762 in China, EU 2023/915 in the EU and UK."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

import agriremed
from agriremed.core import messages
from agriremed.core.scenario import Scenario
from agriremed.core.tables import load_tables
from agriremed.stages import advice

# a wheat plot of 1 ha, Cd 1.5 mg/kg at pH 6.5
_PLOT = {"area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2,
         "depth_m": 0.2, "land_use": "upland", "crop": "wheat", "ph": 6.5, "cd_mg_kg": 1.5, "basic_farmland": "no",
         "mean_temp_c": 9.0, "annual_rain_mm": 800.0}


def _plan(rows, **scenario):
    return agriremed.plan(pd.DataFrame([{**_PLOT, **r} for r in rows]), Scenario(mc_draws=0, **scenario),
                          progress=False)


@pytest.fixture(scope="module")
def mixed():
    return _plan([{"plot_id": "UK", "region": "UK/Derbyshire"},
                  {"plot_id": "UKR", "region": "UK/Derbyshire", "crop": "rice", "land_use": "paddy"},
                  {"plot_id": "CNR", "region": "Hunan/Zhuzhou", "crop": "rice", "land_use": "paddy"},
                  {"plot_id": "KE", "region": "Kenya/Nakuru"}])


def test_standards_follow_the_region():
    regions = ["Hunan/Zhuzhou", "湘潭", "UK/Derbyshire", "Denmark/Jutland", "Kenya/Nakuru", "", None]
    assert advice.food_standards(regions).tolist() == ["GB2762", "GB2762", "EU2023_915", "EU2023_915", "CODEX",
                                                       "GB2762", "GB2762"]
    # without a region a plot is planned as in China whatever the rule set: the rule set chooses land rules only
    assert advice.food_standards(["", None], rule_set="none").tolist() == ["GB2762", "GB2762"]
    assert advice.food_standards(regions, "GB2762").tolist() == ["GB2762"] * 7


def test_default_is_auto():
    assert Scenario().food_standard == "auto"


def test_derbyshire_wheat_is_judged_against_the_eu_limit(mixed):
    s = mixed.summary.set_index("plot_id")
    assert s.loc["UK", "food_standard"] == "EU2023_915"
    u = mixed.uptake.loc[(mixed.uptake["plot_id"] == "UK") & (mixed.uptake["metal"] == "cd")].iloc[0]
    assert u["food_limit_mg_kg"] == pytest.approx(0.10)  # EU 2023/915 cereals (food_limits.csv)
    p = 1.0 - ndtr((np.log10(0.10) - np.log10(u["crop_fw_p50_mg_kg"])) / u["se_log10"])
    assert u["p_exceed_limit"] == pytest.approx(p, rel=1e-9)
    text = s.loc["UK", "recommendation"]
    assert "crop meets EU 2023/915 for Cd" in text and "GB2762" not in text and "EU2023_915" not in text
    # EU 2023/915 sets no Pb, Hg, As or Cr limit for wheat: the harvest is tested for Cd only
    assert "tested for Cd," in text


def test_derbyshire_rice_uses_the_eu_rice_limit(mixed):
    u = mixed.uptake.loc[(mixed.uptake["metal"] == "cd") & mixed.uptake["plot_id"].isin(["UKR", "CNR"])]
    u = u.set_index("plot_id")
    assert u.loc["UKR", "food_limit_mg_kg"] == pytest.approx(0.15)  # EU 2023/915 rice
    assert u.loc["CNR", "food_limit_mg_kg"] == pytest.approx(0.20)  # GB 2762 brown rice
    for pid, lim in (("UKR", 0.15), ("CNR", 0.20)):
        p = 1.0 - ndtr((np.log10(lim) - np.log10(u.loc[pid, "crop_fw_p50_mg_kg"])) / u.loc[pid, "se_log10"])
        assert u.loc[pid, "p_exceed_limit"] == pytest.approx(p, rel=1e-9)
    s = mixed.summary.set_index("plot_id")
    assert s.loc["UKR", "current_crop_compliance_prob"] == pytest.approx(1 - u.loc["UKR", "p_exceed_limit"])
    assert s.loc["CNR", "current_crop_compliance_prob"] == pytest.approx(1 - u.loc["CNR", "p_exceed_limit"])
    assert "GB2762" in s.loc["CNR", "recommendation"] and "EU2023_915" not in s.loc["CNR", "recommendation"]


def test_mixed_run_records_each_plots_standard(mixed):
    s = mixed.summary.set_index("plot_id")
    assert s["food_standard"].to_dict() == {"UK": "EU2023_915", "UKR": "EU2023_915", "CNR": "GB2762",
                                            "KE": "CODEX"}
    u = mixed.uptake
    ke = u.loc[(u["plot_id"] == "KE") & (u["metal"] == "cd"), "food_limit_mg_kg"]
    assert ke.tolist() == [pytest.approx(0.2)]  # Codex wheat


def test_explicit_standard_keeps_gb2762_on_a_uk_plot():
    r = _plan([{"plot_id": "UK", "region": "UK/Derbyshire", "crop": "rice", "land_use": "paddy"}],
              food_standard="GB2762")
    assert r.summary["food_standard"].tolist() == ["GB2762"]
    u = r.uptake.loc[r.uptake["metal"] == "cd"].iloc[0]
    assert u["food_limit_mg_kg"] == pytest.approx(0.20)
    assert "GB2762" in r.summary["recommendation"].iloc[0]


def test_run_json_and_report_name_the_standards_used(mixed, tmp_path):
    import json
    assert mixed.food_standards() == {"EU2023_915": 2, "GB2762": 1, "CODEX": 1}
    mixed.write(tmp_path, report=True, xlsx=False)
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert run["food_standards"] == {"EU2023_915": 2, "GB2762": 1, "CODEX": 1}
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "chosen per plot from its region" in html and "EU 2023/915 (European Union) × 2" in html


def test_metal_whose_limit_the_library_lacks_is_tested_in_the_harvest():
    # Pb 120 > screening 90: EU 2023/915 limits Pb in cereals, but the library's EU rows carry Pb only
    # for leaf and root vegetables and potatoes; Pb stays "not assessed" and is tested in the harvest
    p = _plan([{"plot_id": "UK", "region": "UK/Derbyshire", "pb_mg_kg": 120.0},
               {"plot_id": "CN", "region": "Hunan/Zhuzhou", "pb_mg_kg": 120.0}])
    s = p.summary.set_index("plot_id")
    assert s.loc["UK", "food_standard"] == "EU2023_915"
    assert s.loc["UK", "metals_not_assessed"] == "pb"
    assert "tested for Cd/Pb, for 20 yr" in s.loc["UK", "monitoring"]
    assert s.loc["UK", "recommendation"].startswith(
        "Pb in the crop not assessed (no usable transfer function) — measure it in the harvest. ")
    assert s.loc["CN", "metals_not_assessed"] == "pb"
    zh = messages.render(s.loc["UK", "recommendation_msg"], "zh")
    assert zh.startswith("作物中的铅未评估（无可用的转移函数）——请检测收获物。")


def test_library_gaps_only_for_standards_with_partial_rows():
    t = load_tables()
    assert advice.food_limit_gaps(["wheat", "wheat", "wheat", "rice"], ["pb", "hg", "cd", "pb"], "EU2023_915",
                                  t).tolist() == [True, False, False, True]
    # GB 2762 rows are complete: Zn (no limit anywhere) and tea Cd (no limit in tea) are no gaps
    assert advice.food_limit_gaps(["wheat", "tea", "cotton"], ["zn", "cd", "pb"], "GB2762", t).tolist() == \
        [False, False, False]
    # a non-food crop has no food limit to lack
    assert advice.food_limit_gaps(["cotton"], ["pb"], "EU2023_915", t).tolist() == [False]


def test_a_plot_without_a_region_keeps_gb2762_and_mu_under_the_none_rule_set():
    # the same paddy (pH 5.2, Cd 0.8) with a blank region and in Hunan: the rule set "none" drops China's land
    # rules only; the plot without a region is still judged against GB 2762 rice Cd 0.2 (not Codex 0.4) per mu
    rice = {"land_use": "paddy", "crop": "rice", "area_ha": 0.4, "ph": 5.2, "cd_mg_kg": 0.8, "basic_farmland": "yes",
            "mean_temp_c": 17.0, "annual_rain_mm": 1400.0}
    rows = [{"plot_id": "blank", "region": "", **rice}, {"plot_id": "hunan", "region": "Hunan/Zhuzhou/Lukou", **rice}]
    none, auto = _plan(rows, rule_set="none"), _plan(rows)
    n, a = none.summary.set_index("plot_id").loc["blank"], auto.summary.set_index("plot_id").loc["blank"]
    assert (n["rule_set"], a["rule_set"]) == ("none", "china")
    assert n["food_standard"] == a["food_standard"] == "GB2762"
    assert n["current_crop_compliance_prob"] == pytest.approx(a["current_crop_compliance_prob"], abs=1e-12)
    lim = none.uptake.loc[(none.uptake["metal"] == "cd"), "food_limit_mg_kg"]
    assert lim.tolist() == pytest.approx([0.2] * len(lim))  # GB 2762 brown rice Cd (food_limits.csv)
    assert "CNY/mu" in n["recommendation"] and "Codex" not in n["recommendation"]
    w = none.problems.loc[none.problems["column"] == "region", "problem"].tolist()
    assert any(t.startswith("some plots have a blank region cell") and t.endswith(
        "they are planned as plots in China (China's land rules under rule set auto, GB 2762, mu)") for t in w)
