"""Numbers quoted in the prose of the docs are recomputed here, so that the text cannot drift from the code."""

import re
from pathlib import Path

import pandas as pd
import pytest

from agriremed.core.scenario import Scenario
from agriremed.core.messages import render
from agriremed.engine.plan import plan

ROOT = Path(__file__).resolve().parents[1]


def _prose(page: str) -> str:
    return " ".join((ROOT / "docs" / page).read_text(encoding="utf-8").split())


def test_sedum_wheat_intercrop_years_in_docs_are_the_code_s():
    # docs/soil_and_uptake.md: the capped Sedum–wheat intercrop at Cd 1.2 mg/kg (Henan upland wheat, pH 5.0,
    # the default seed and 500 draws)
    m = re.search(r"capped, the intercrop removes ([\d.]+) g/ha/yr and reaches the screening value in about "
                  r"([\d.]+) yr \(P10–P90 ([\d.]+)–([\d.]+)\)", _prose("soil_and_uptake.md"))
    assert m is not None, "the Sedum–wheat sentence of docs/soil_and_uptake.md is gone or reworded"
    removal, p50, p10, p90 = (float(x) for x in m.groups())
    plots = pd.DataFrame({"plot_id": ["SW12"], "region": ["Henan/Xinxiang"], "land_use": ["upland"],
                          "crop": ["wheat"], "area_ha": [1.0], "ph": [5.0], "cd_mg_kg": [1.2]})
    scenario = Scenario(options=["sedum_wheat_intercrop"])
    assert scenario.mc_draws == 500
    row = plan(plots, scenario, progress=False, detail=False).table.set_index("option_id").loc[
        "sedum_wheat_intercrop"]
    assert row["removal_g_ha_yr"] == pytest.approx(removal, abs=0.05)
    assert (p10, p50, p90) == (round(row["years_p10"], 1), round(row["years_p50"], 1), round(row["years_p90"], 1))


def test_calcareous_sorghum_removal_in_docs_is_the_code_s():
    # docs/soil_and_uptake.md: sorghum at soil Cd 1.5 mg/kg, pH 8 and pH 7, under the calcareous-soil bound
    m = re.search(r"At soil Cd 1\.5 mg/kg sorghum removes ([\d.]+) g Cd/ha/yr at pH 8 \(stalk Cd ([\d.]+) mg/kg\) "
                  r"where the pH factor alone gave [\d.]+ \([\d.]+ mg/kg, a shoot/soil ratio of [\d.]+\), ([\d.]+) at "
                  r"pH 7", _prose("soil_and_uptake.md"))
    assert m is not None, "the calcareous sorghum sentence of docs/soil_and_uptake.md is gone or reworded"
    at8, stalk, at7 = (float(x) for x in m.groups())
    plots = pd.DataFrame({"plot_id": ["S8", "S7"], "region": ["Henan/Jiyuan"] * 2, "land_use": ["upland"] * 2,
                          "crop": ["maize"] * 2, "area_ha": [1.0] * 2, "ph": [8.0, 7.0], "cd_mg_kg": [1.5] * 2})
    t = plan(plots, Scenario(options=["do_nothing", "sorghum"], mc_draws=0), progress=False, detail=False).table
    t = t[t["option_id"] == "sorghum"].set_index("plot_id")
    assert round(t.loc["S8", "removal_g_ha_yr"], 1) == at8 and round(t.loc["S7", "removal_g_ha_yr"], 1) == at7
    assert round(t.loc["S8", "removal_g_ha_yr"] / t.loc["S8", "biomass_t_dm_ha_yr"], 2) == stalk


# --------------------------------------------------------------------------- README worked examples (--draws 0)

def _readme() -> str:
    return " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def _num(text: str) -> float:
    return float(text.replace(",", "").replace(" ", "").replace("−", "-"))


@pytest.fixture(scope="module")
def js_sz_07():
    plots = pd.read_csv(ROOT / "data" / "samples" / "plots.csv")
    return plan(plots[plots["plot_id"] == "JS-SZ-07"], Scenario(mc_draws=0), progress=False)


def test_readme_js_sz_07_liming_that_dominates_unchanged_practice(js_sz_07):
    # README, Jurisdiction rules: the Suzhou sample JS-SZ-07 (pak choi), liming by lime requirement recommended
    # although its gain is below min_compliance_gain, since it earns the farmer more from the harvest itself
    text = _readme()
    m = re.search(r"liming by lime requirement raises compliance from ([\d.]+) % to ([\d.]+) % \(\+([\d.]+) points\) "
                  r"and the farmer's NPV from ([\d,]+) to ([\d,]+) CNY/ha \(\+([\d,]+), all from", text)
    assert m is not None, "the JS-SZ-07 liming sentence of README.md is gone or reworded"
    base_p, lime_p, points, base_npv, lime_npv, gain = (_num(x) for x in m.groups())
    t = js_sz_07.table.set_index("option_id")
    assert js_sz_07.summary.iloc[0]["recommended_option"] == "lime_vegetable"
    assert (base_p, lime_p) == (round(100 * t.loc["do_nothing", "crop_compliance_prob"], 1),
                                round(100 * t.loc["lime_vegetable", "crop_compliance_prob"], 1))
    assert points == round(100 * (t.loc["lime_vegetable", "crop_compliance_prob"]
                                  - t.loc["do_nothing", "crop_compliance_prob"]), 1)
    assert (base_npv, lime_npv) == (round(t.loc["do_nothing", "npv_farmer_cny_ha"]),
                                    round(t.loc["lime_vegetable", "npv_farmer_cny_ha"]))
    assert gain == round(t.loc["lime_vegetable", "npv_vs_baseline_cny_ha"])
    # the quoted sentence, word for word, and its Chinese fragment
    q = re.search(r'so it is recommended, with "(it raises the crop\'s chance .*? so it is a measure)" \((.*?)…(.*?)\)',
                  text)
    assert q is not None
    rec = js_sz_07.summary.iloc[0]["recommendation"]
    assert q.group(1) in rec
    zh = render(js_sz_07.summary.iloc[0]["recommendation_msg"], "zh")
    assert q.group(2) in zh and q.group(3) in zh
    # biochar on the same plot: "+2.5 points at −11,642 CNY/ha without draws"
    b = re.search(r"JS-SZ-07 \(pak choi, \+([\d.]+) points at (−[\d,]+) CNY/ha without draws", text)
    assert b is not None
    assert _num(b.group(1)) == round(100 * (t.loc["biochar_amendment", "crop_compliance_prob"]
                                            - t.loc["do_nothing", "crop_compliance_prob"]), 1)
    assert _num(b.group(2)) == round(t.loc["biochar_amendment", "npv_vs_baseline_cny_ha"])


def test_readme_jiyuan_and_baiyin_biochar_examples():
    # README: a Jiyuan pak choi field (safe utilisation: the gain rule) and a Baiyin lettuce field (priority
    # protection: the amendment restrained by cn_priority_no_amendment), both at --draws 0
    text = _readme()
    m = re.search(r"On a Jiyuan pak choi field \(pH 7\.8, Cd 3\.0, Pb 400, Zn 600 mg/kg: safe utilisation; `--draws 0`\) "
                  r"biochar raises the crop's compliance from ([\d.]+) % to ([\d.]+) % at (−[\d,]+) CNY/mu over 20 years",
                  text)
    assert m is not None, "the Jiyuan biochar sentence of README.md is gone or reworded"
    plots = pd.DataFrame([
        {"plot_id": "B03", "region": "Henan/Jiyuan", "land_use": "vegetable", "crop": "pak_choi", "area_ha": 0.05,
         "ph": 7.8, "cd_mg_kg": 3.0, "pb_mg_kg": 400.0, "zn_mg_kg": 600.0},
        {"plot_id": "N004", "region": "甘肃省白银市白银区", "land_use": "vegetable", "crop": "lettuce", "ph": 4.4,
         "cd_mg_kg": 0.137, "hg_mg_kg": 0.48, "basic_farmland": "no", "area_ha": 0.67}])
    p = plan(plots, Scenario(mc_draws=0), progress=False)
    t = p.table.set_index(["plot_id", "option_id"])
    s = p.summary.set_index("plot_id")
    assert s["recommended_option"].to_dict() == {"B03": "do_nothing", "N004": "do_nothing"}
    base, bio = t.loc[("B03", "do_nothing")], t.loc[("B03", "biochar_amendment")]
    assert _num(m.group(1)) == round(100 * base["crop_compliance_prob"], 1)
    assert _num(m.group(2)) == round(100 * bio["crop_compliance_prob"], 1)
    assert _num(m.group(3)) == round(bio["npv_vs_baseline_cny_ha"] / 15)
    q = re.search(r'unchanged practice is, with its own sentence \(harvest testing and a request for a local measure\) '
                  r'and "(ranked before Biochar amendment .*? at a lower NPV)" \((.*?)……(.*?)\)', text)
    assert q is not None
    assert q.group(1) in s.loc["B03", "recommendation"]
    zh = render(s.loc["B03", "recommendation_msg"], "zh")
    assert q.group(2) in zh and q.group(3) in zh
    # Baiyin: the gain in points, the restraining rule and the quoted reason
    n = re.search(r"a Baiyin lettuce field below every screening value \(pH 4\.4, Cd 0\.137, Hg 0\.48 mg/kg; biochar "
                  r"\+([\d.]+) points\) ranks biochar after unchanged practice by the land rule "
                  r"`(\w+)` .*? and the sentence gives that reason: \"(ranked before Biochar amendment .*?) …\"", text)
    assert n is not None
    nb, nd = t.loc[("N004", "biochar_amendment")], t.loc[("N004", "do_nothing")]
    assert _num(n.group(1)) == round(100 * (nb["crop_compliance_prob"] - nd["crop_compliance_prob"]), 1)
    assert nb["policy_rule"] == n.group(2) == "cn_priority_no_amendment" and nb["policy_status"] == "restrained"
    assert n.group(3) in s.loc["N004", "recommendation"]


def _clean_up(p, option):
    """The clean-up criterion's raw value of ``option`` (share of the excess soil metal removed in the horizon)."""
    sc = p.scores
    return float(sc.loc[(sc["criterion"] == "clean_up") & (sc["option_id"] == option), "value"].iloc[0])


def test_readme_farmer_view_examples():
    # README, ranking criteria: the Xiangtan paddy of tests/test_economics_view_scale.py and the sample HN-CS-04,
    # economics view farmer, --draws 0
    text = _readme()
    m = re.search(r"sorghum stays first in the farmer's view \(score ([\d.]+)\) on its clean-up \((\d+) % of the excess "
                  r"Cd within 20 yr\) and livelihood, ahead of Sedum plumbizincicola phytoextraction \(([\d.]+), on "
                  r"clean-up alone: it costs the farmer ([\d ]+) CNY/ha\) and the paid fallow third \(([\d.]+)\), and the "
                  r"sentence says what it gives up \"for the farmer\" \(\"(ahead of .*?) … (for an NPV .*?)\"\)", text)
    assert m is not None, "the farmer's-view paragraph of README.md is gone or reworded"
    p08 = pd.DataFrame([{
        "plot_id": "P08", "region": "Hunan/Xiangtan/Xiangtan County", "land_use": "paddy", "crop": "rice",
        "area_ha": 0.40, "ph": 5.0, "som_pct": 3.0, "clay_pct": 30, "cec_cmol_kg": 11, "bulk_density_g_cm3": 1.12,
        "depth_m": 0.20, "basic_farmland": "yes", "cd_mg_kg": 1.80, "pb_mg_kg": 70, "as_mg_kg": 18, "hg_mg_kg": 0.30,
        "cr_mg_kg": 66, "cu_mg_kg": 33, "ni_mg_kg": 25, "zn_mg_kg": 170, "annual_rain_mm": 1390, "mean_temp_c": 17.4}])
    p = plan(p08, Scenario(mc_draws=0, economics_view="farmer"), progress=False)
    t = p.table.set_index("option_id")
    assert t["rank"].dropna().sort_values().index[:3].tolist() == ["sorghum", "sedum_plumbizincicola", "fallow"]
    assert _num(m.group(1)) == round(t.loc["sorghum", "score"], 2)
    assert _num(m.group(2)) == round(100 * _clean_up(p, "sorghum"))
    assert _num(m.group(3)) == round(t.loc["sedum_plumbizincicola", "score"], 2)
    assert _num(m.group(4)) == -round(t.loc["sedum_plumbizincicola", "npv_farmer_vs_baseline_cny_ha"])
    assert _num(m.group(5)) == round(t.loc["fallow", "score"], 2)
    rec = p.summary.iloc[0]["recommendation"]
    assert m.group(6) in rec and m.group(7) in rec
    h = re.search(r"HN-CS-04, a 长株潭 strict-control paddy with the same money \(\+([\d ]+) and \+([\d ]+) CNY/ha\) but "
                  r"Cd 2\.85 mg/kg, where sorghum removes only (\d+) % of the excess within 20 yr \(fallow ([\d.]+), "
                  r"energy maize ([\d.]+), sorghum ([\d.]+);", text)
    assert h is not None
    plots = pd.read_csv(ROOT / "data" / "samples" / "plots.csv")
    q = plan(plots[plots["plot_id"] == "HN-CS-04"], Scenario(mc_draws=0, economics_view="farmer"), progress=False)
    u = q.table.set_index("option_id")
    assert q.summary.iloc[0]["recommended_option"] == "fallow"
    assert (_num(h.group(1)), _num(h.group(2))) == (round(u.loc["fallow", "npv_farmer_vs_baseline_cny_ha"]),
                                                    round(u.loc["sorghum", "npv_farmer_vs_baseline_cny_ha"]))
    assert _num(h.group(3)) == round(100 * _clean_up(q, "sorghum"))
    assert [_num(x) for x in h.groups()[3:]] == [round(u.loc[o, "score"], 2)
                                                 for o in ("fallow", "maize_energy", "sorghum")]
