"""Regions written without their province: a city or county of place_names.csv (every prefecture-
and county-level division of China) is placed in its province when its name is unique; a name
shared by several divisions is not placed and is reported on its row."""

from importlib import resources

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import i18n
from agriremed.core.messages import render
from agriremed.io.validate import validate_plots
from agriremed.stages.solar import solar_resource


@pytest.mark.parametrize(
    "region,path",
    [
        ("湘潭", ("hunan", "xiangtan")),
        ("湘潭市", ("hunan", "xiangtan")),
        ("Xiangtan", ("hunan", "xiangtan")),
        ("Xiangtan City", ("hunan", "xiangtan")),
        ("湘潭县", ("hunan", "xiangtan", "xiangtan")),  # the county of the same name, under its city
        ("株洲市渌口区", ("hunan", "zhuzhou", "lukou")),  # one piece
        ("湘潭市雨湖区", ("hunan", "xiangtan", "yuhu")),
        ("湘潭雨湖区", ("hunan", "xiangtan", "yuhu")),  # city without its ending, then a district of it
        ("湘潭/Zhubu", ("hunan", "xiangtan", "zhubu")),  # a part below that is not a division: as written
        ("攸县/某村", ("hunan", "zhuzhou", "youxian", "某村")),
        ("石门", ("hunan", "changde", "shimen")),
        ("白银", ("gansu", "baiyin")),
        ("朝阳县", ("liaoning", "chaoyang", "chaoyang")),  # the official name is unique
    ],
)
def test_a_city_or_county_without_its_province_is_placed(region, path):
    assert i18n.region_path(region) == path
    assert i18n.region_province(region) == path[0]
    assert i18n.region_candidates(region) == ()


@pytest.mark.parametrize(
    "region,provinces",
    [
        ("朝阳区", {"Beijing", "Jilin"}),
        ("朝阳", {"Beijing", "Jilin", "Liaoning"}),
        ("Suzhou", {"Jiangsu", "Anhui", "Gansu"}),  # 苏州市, 宿州市, 肃州区
        ("Chaoyang/Some village", {"Beijing", "Jilin", "Liaoning", "Guangdong"}),  # and 潮阳区 in Shantou
    ],
)
def test_a_name_of_several_places_is_not_placed(region, provinces):
    written = tuple(p.strip().lower() for p in region.split("/"))
    assert i18n.region_path(region) == written
    assert i18n.region_province(region) == ""
    assert {p[0] for p in i18n.region_candidates(region)} == provinces
    assert i18n.region_name(region, "zh") == region


@pytest.mark.parametrize(
    "region,zh",
    [
        ("Xiangtan", "湖南省/湘潭市"),
        ("湘潭", "湖南省/湘潭市"),
        ("Zhuzhou/Lukou", "湖南省/株洲市/渌口区"),
        ("株洲市渌口区", "湖南省/株洲市/渌口区"),
        ("湘潭/Zhubu", "湖南省/湘潭市/Zhubu"),
        ("Atlantis/North", "Atlantis/North"),
        ("Hunan/Xiangtan", "湖南省/湘潭市"),
    ],
)
def test_chinese_region_name_starts_with_the_province_found(region, zh):
    assert i18n.region_name(region, "zh") == zh
    # English: unchanged when written in ASCII; a placed region written in Chinese by its English names
    assert i18n.region_name(region, "en") == {"湘潭": "Hunan/Xiangtan", "株洲市渌口区": "Hunan/Zhuzhou/Lukou",
                                              "湘潭/Zhubu": "Hunan/Xiangtan/Zhubu"}.get(region, region)


def test_an_unknown_name_stays_as_written():
    assert i18n.region_path("Atlantis/North") == ("atlantis", "north")
    assert i18n.region_path("某某村") == ("某某村",)
    assert i18n.region_province("Atlantis/North") == ""
    assert i18n.region_candidates("Atlantis/North") == ()


def test_region_in_places_a_city_named_alone():
    regions = ["湘潭", "Xiangtan/Zhubu", "株洲市渌口区", "Suzhou", "朝阳区", "Atlantis"]
    assert i18n.region_in(regions, ["Hunan/Xiangtan", "Hunan/Zhuzhou"]).tolist() == [
        True, True, True, False, False, False]


def test_solar_resource_finds_the_province_of_a_city_named_alone():
    r = solar_resource(["白银/Dongdagou", "Gansu/Baiyin/Dongdagou", "Suzhou"])
    assert r["province"].tolist() == ["Gansu", "Gansu", ""]
    assert r["ghi_kwh_m2_yr"].iloc[0] == r["ghi_kwh_m2_yr"].iloc[1] == 1741.0


def test_validation_warns_on_the_row_of_an_ambiguous_name(tmp_path):
    p = tmp_path / "plots.csv"
    pd.DataFrame({"plot_id": ["A", "B", "C", "D"], "region": ["湘潭", "朝阳区/八里庄", "Hunan/Suzhou", "Atlantis"],
                  "land_use": "paddy", "crop": "rice", "cd_mg_kg": 0.8, "ph": 5.5, "area_ha": 1.0}).to_csv(p, index=False)
    w = validate_plots(p).warnings
    w = w.loc[w["column"] == "region"]
    # Atlantis (row 4) is not placed either: it gets the unplaced-region warning, not this one
    assert w["input_row"].tolist() == [2, 4] and w["plot_id"].tolist() == ["B", "D"]
    assert w["problem"].iloc[1].startswith("names no province and no city or county agriremed knows")
    w = w.iloc[:1]
    assert w["value"].tolist() == ["朝阳区/八里庄"]
    assert w["problem"].iloc[0] == (
        "names a city or county of several places (Beijing/Chaoyang; Jilin/Changchun/Chaoyang): the plot is not "
        "placed in a province (no provincial uptake functions, subsidies or transport distances); write the "
        "province (and city) first, e.g. Beijing/Chaoyang/八里庄")
    assert render(w["problem_msg"].iloc[0], "zh") == (
        "同名的市或县不止一个（北京市/朝阳区；吉林省/长春市/朝阳区）：无法确定地块所在省份（不采用分省吸收函数、补贴和运输距离）；"
        "请先写省（和市），例如北京市/朝阳区/八里庄")


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    sample = pd.read_csv(resources.files("agriremed.data").joinpath("sample_plots.csv"))
    row = sample.loc[sample["plot_id"] == "HN-XT-02"]
    regions = {"A": "Hunan/Xiangtan/Zhubu", "B": "湘潭/Zhubu", "C": "Xiangtan", "D": "Zhubu"}
    plots = pd.concat([row.assign(plot_id=k, region=v) for k, v in regions.items()], ignore_index=True)
    p = tmp_path_factory.mktemp("places") / "plots.csv"
    plots.to_csv(p, index=False)
    return agriremed.plan(p, agriremed.Scenario(mc_draws=0, seed=3))


def test_a_plot_placed_by_its_city_gets_the_provincial_uptake_function(plan):
    fn = plan.summary.set_index("plot_id")["uptake_functions"]
    assert fn["A"] == fn["B"] == fn["C"] == "cd: synth_rice_cd_ph_hunan"
    assert fn["D"] == "cd: synth_rice_cd_ph"  # not placed: the function of no province


def test_a_plot_placed_by_its_city_gets_the_city_subsidy_and_the_same_economics(plan):
    e = plan.economics.set_index(["option_id", "plot_id"]).sort_index()
    fallow = e.loc["fallow", "subsidy_cny_ha"]
    # 长株潭 fallow compensation, 1300 CNY/mu/yr (subsidies.csv): the same for 'Hunan/Xiangtan' and '湘潭'
    assert fallow["A"] == fallow["B"] == fallow["C"] > 0
    assert fallow["D"] < fallow["A"]
    num = e.select_dtypes("number")
    for other in ("B", "C"):
        np.testing.assert_allclose(num.xs("A", level="plot_id").to_numpy(float),
                                   num.xs(other, level="plot_id").to_numpy(float), equal_nan=True)
