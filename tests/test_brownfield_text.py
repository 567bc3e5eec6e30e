"""Brownfield (工矿废弃地) plots whose recommended soft re-use is checked against GB 36600: the soil re-test follows
the site's risk control under GB 36600 (development land), not the agricultural-land monitoring of Soil Pollution
Law Arts. 53–54 (a site below every GB 36600 screening value has no risk control: the text says so), and a
re-use whose check asks for a site investigation (HJ 25.3) is recommended on that condition."""

import pandas as pd
import pytest

import agriremed
from agriremed.io.outputs import texts_in

#: brown.csv of the issue-16 panel review (Changzhou, Xinbei)
BROWN = dict(land_use="工矿废弃地", crop="none", area_ha=1.0, ph=7.2, som_pct=1.5, clay_pct=25, bulk_density_g_cm3=1.4,
             depth_m=0.2, hg_mg_kg=1.0, cr_mg_kg=200, cu_mg_kg=150, zn_mg_kg=500, basic_farmland="否", lat=31.9,
             lon=119.9, region="江苏/常州/新北区")
BF1 = dict(BROWN, plot_id="BF1", cd_mg_kg=3.5, pb_mg_kg=450, as_mg_kg=30)
BF2 = dict(BROWN, plot_id="BF2", cd_mg_kg=25, pb_mg_kg=900, as_mg_kg=80)
#: a safe-utilisation paddy: its monitoring keeps the agricultural-land articles
PADDY = dict(plot_id="PADDY", region="Hunan/Changde", land_use="paddy", crop="rice", area_ha=0.4, ph=6.0, som_pct=3.0,
             clay_pct=28, bulk_density_g_cm3=1.2, depth_m=0.2, cd_mg_kg=0.5, basic_farmland="yes")

GB36600_EN = ("soil monitoring: re-test the soil for {m} as the site's risk control under GB 36600-2018 (development "
              "land) sets it; the joint soil and crop monitoring of Soil Pollution Law Arts. 53–54 is for agricultural "
              "land")
GB36600_ZH = ("土壤监测：按场地依据GB 36600-2018（建设用地）实施的风险管控要求复测土壤{m}；土壤污染防治法第53、54条的土壤与"
              "农产品协同监测适用于农用地")
#: the re-test of a site whose soil is below every GB 36600 screening value it is compared with: no risk control
BELOW_EN = ("soil monitoring: no GB 36600-2018 risk control is needed at these values (no metal compared with the "
            "standard is above its screening value for this use); re-test the soil for {m} if the use of the land "
            "changes or as the local environment authority requires; the joint soil and crop monitoring of Soil "
            "Pollution Law Arts. 53–54 is for agricultural land")
BELOW_ZH = ("土壤监测：按此数值无需实施GB 36600-2018风险管控（与该标准比较的重金属均未超过该用途的筛选值）；土地用途改变或"
            "当地生态环境主管部门要求时复测土壤{m}；土壤污染防治法第53、54条的土壤与农产品协同监测适用于农用地")
FIRST_EN = ("Only once a site investigation and risk assessment (HJ 25.3) have decided the use, since the soil exceeds "
            "a GB 36600 screening value for the people on the land (see below): Solar PV with a permanent grass cover "
            "(phytostabilisation): ")
FIRST_ZH = "须先开展场地调查和风险评估（HJ 25.3）确定用途后方可实施，因土壤超过GB 36600对该土地使用人员的筛选值（见下文）：光伏电站"


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(pd.DataFrame([BF1, BF2, PADDY]), agriremed.Scenario(mc_draws=0))


def test_brownfield_soil_monitoring_cites_gb36600_not_the_farmland_articles(plan):
    s = plan.summary.set_index("plot_id")
    zh = texts_in(plan.summary, "zh", plan.tables, plan.scenario).set_index("plot_id")
    assert (s.loc["BF1", "recommended_option"], s.loc["BF1", "gb36600_verdict"]) == ("pv_grass", "allowed")
    # BF2 above the second-class screening values (As 80 > 60, Pb 900 > 800): the site's risk control sets the re-test
    assert s.loc["BF2", "gb36600_verdict"] == "site_assessment"
    assert s.loc["BF2", "monitoring"] == "no food crop: no crop sampling; " + GB36600_EN.format(m="Cd/As/Pb/Cu/Zn")
    assert zh.loc["BF2", "monitoring"] == "不种植食用作物：无需农产品采样；" + GB36600_ZH.format(m="镉、砷、铅、铜、锌")
    # BF1 below every value it is compared with (Cd 3.5 < 65, Pb 450 < 800, As 30 < 60, Hg 1 < 38, Cu 150 < 18000):
    # there is no risk control to follow, and the text does not invent one
    assert s.loc["BF1", "monitoring"] == "no food crop: no crop sampling; " + BELOW_EN.format(m="Cd/Pb/Cu/Zn")
    assert zh.loc["BF1", "monitoring"] == "不种植食用作物：无需农产品采样；" + BELOW_ZH.format(m="镉、铅、铜、锌")
    assert "as the site's risk control" not in s.loc["BF1", "recommendation"]
    assert BELOW_EN.format(m="Cd/Pb/Cu/Zn") in s.loc["BF1", "recommendation"]
    assert "风险管控要求复测" not in zh.loc["BF1", "recommendation"]
    for pid in ("BF1", "BF2"):
        assert "(Soil Pollution Law Arts. 53–54)" not in s.loc[pid, "recommendation"]
    # farmland keeps the joint soil and crop monitoring of Arts. 53–54
    assert s.loc["PADDY", "monitoring"].endswith(
        "soil monitoring: re-test the soil for Cd at the interval of the county's joint soil and crop monitoring plan "
        "(Soil Pollution Law Arts. 53–54)")


def test_pv_on_a_site_that_needs_an_investigation_is_recommended_on_that_condition(plan):
    s = plan.summary.set_index("plot_id")
    zh = texts_in(plan.summary, "zh", plan.tables, plan.scenario).set_index("plot_id")
    assert (s.loc["BF2", "recommended_option"], s.loc["BF2", "gb36600_verdict"]) == ("pv_grass", "site_assessment")
    assert s.loc["BF2", "recommendation"].startswith(FIRST_EN + "no food crop, so no dietary exposure; +209,050 CNY/ha")
    assert zh.loc["BF2", "recommendation"].startswith(FIRST_ZH)
    assert ("As 80 > screening 60; Pb 900 > screening 800 mg/kg: a site investigation and risk assessment (HJ 25.3) "
            "decide the use") in s.loc["BF2", "recommendation"]
    # allowed by GB 36600: no condition
    assert s.loc["BF1", "recommendation"].startswith("Solar PV with a permanent grass cover (phytostabilisation): ")
