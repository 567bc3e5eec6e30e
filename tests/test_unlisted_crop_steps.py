"""A crop not in the library (黄精, 莲藕) on safe-utilisation land: the harvest is tested before it is
sold and a measure agreed with the county, as for a known crop whose uptake is not predicted; the
harvest is tested for the metals GB 2762 limits (not Zn, Cu); a rejected row names the crop as
written and its columns in Chinese; a city written in its established English name (Harbin) is
shown in Chinese."""

from pathlib import Path

import numpy as np
import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.core.tables import load_tables
from agriremed.stages import advice

HEAD = "plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg,zn_mg_kg,cu_mg_kg\n"
ROWS = ("C01,湖南/衡阳,upland,黄精,0.3,5.2,0.5,,\n"       # Cd 0.5 > 0.3: safe utilisation
        "C02,湖北/荆州,paddy,莲藕,0.3,5.5,0.6,,\n"        # Cd 0.6 > 0.3 (paddy, pH ≤ 5.5)
        "C03,湖南/衡阳,upland,potato,0.3,5.2,0.5,,\n"     # a known crop whose Cd is not predicted
        "Z01,湖南/衡阳,upland,黄精,0.3,5.2,0.2,400,200\n"  # only Zn, Cu above screening
        "Z02,湖南/衡阳,upland,黄精,0.3,5.2,0.5,400,\n")    # Cd and Zn above screening

TEST_EN = "Have each harvest tested before it is sold or eaten and sell it only if it meets the food standard"
ASK_EN = "Agree a safe-utilisation measure with the county agricultural station"


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    p = Path(tmp_path_factory.mktemp("unl")) / "plots.csv"
    p.write_text(HEAD + ROWS, encoding="utf-8")
    return agriremed.plan(p, agriremed.Scenario(mc_draws=0))


def test_unlisted_crop_on_safe_utilisation_land_is_told_to_test_and_agree_a_measure(plan):
    s = plan.summary.set_index("plot_id")
    assert s.loc[["C01", "C02", "C03"], "recommended_option"].tolist() == ["do_nothing"] * 3
    assert s.loc[["C01", "C02"], "crop"].tolist() == ["unlisted", "unlisted"]
    # the same steps as the potato whose Cd is not predicted
    assert s.loc["C01", "measures"] == s.loc["C02", "measures"] == s.loc["C03", "measures"]
    this, nxt = s.loc["C01", "measures"].split(" | ")
    assert TEST_EN in this and ASK_EN not in this
    assert TEST_EN in nxt and ASK_EN in nxt
    flags = advice.step_flags_of(plan.summary, load_tables())
    assert flags["test_harvest"].tolist() == [2, 2, 2, 0, 2]
    zh = advice.measures_text("do_nothing", load_tables(), "zh", test_harvest=2)
    assert zh.count(i18n.t("ui.step.test_harvest", "zh")) == 2
    assert zh.count(i18n.t("ui.step.ask_county", "zh")) == 1


def test_harvest_test_rows_of_unlisted_crop_count_metals_gb2762_limits():
    t = load_tables()
    got = advice.harvest_test_rows(["do_nothing"] * 6, ["unlisted"] * 6, ["cd", "pb", "hg+zn", "zn", "cu+zn", "cd"],
                                   ["safe_utilisation"] * 5 + ["strict_control"], ["china"] * 6, t)
    assert got.tolist() == [2, 2, 2, 0, 0, 1]


def test_harvest_of_unlisted_crop_is_tested_for_limited_metals_not_zn(plan):
    s = plan.summary.set_index("plot_id")
    assert s.loc["Z02", "metals_exceeding"] == "cd+zn"
    assert "tested for Cd," in s.loc["Z02", "monitoring"]
    # only Zn and Cu above screening: the metals GB 2762 limits, not Zn or Cu
    z1 = s.loc["Z01", "monitoring"]
    assert s.loc["Z01", "metals_exceeding"] == "cu+zn"
    assert "tested for Cd/Hg/As/Pb/Cr (the crop is not in the library" in z1
    assert "tested for Cu" not in z1 and "Zn (the crop" not in z1
    assert s.loc["Z01", "measures"] == "This season: Grow the current crop as usual | Next season: Grow the current crop as usual"


def test_rejected_marginal_row_names_the_crop_as_written_and_columns_in_chinese(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg,basic_farmland\n"
                 "N003,甘肃/白银,marginal,黄精,0.3,7.5,0.5,yes\n", encoding="utf-8")
    r = agriremed.plan(p, agriremed.Scenario(mc_draws=0)).rejected
    assert len(r) == 1
    en, zh = r["reasons"].iloc[0], messages.render(r["reasons_msg"].iloc[0], "zh")
    assert "'marginal, 黄精'" in en and "unlisted" not in en
    assert "or correct the basic_farmland column if" in en and "or correct the crop column if" in en
    assert "值'marginal, 黄精'" in zh and "unlisted" not in zh
    assert "请更正“永久基本农田”一栏" in zh and "请更正“当前作物”一栏" in zh
    assert "basic_farmland" not in zh


@pytest.mark.parametrize("region,zh", [
    ("黑龙江省/Harbin/Shuangcheng", "黑龙江省/哈尔滨市/双城区"),   # established English name of 哈尔滨 (Ha'erbin)
    ("Heilongjiang/Haerbin", "黑龙江省/哈尔滨市"),                # pinyin without its apostrophe
    ("Shaanxi/Xian City", "陕西省/西安市"),
    ("Xinjiang/Urumqi", "新疆维吾尔自治区/乌鲁木齐市"),
    ("Harbin", "黑龙江省/哈尔滨市"),                              # a city named alone
    ("湖南/株洲", "湖南省/株洲"),                                  # a Chinese part stays as written
])
def test_region_in_established_english_is_shown_in_chinese(region, zh):
    assert i18n.region_name(region, "zh") == zh


def test_place_aliases_name_cities_of_place_names():
    from agriremed.core import places
    names = places.place_names()
    for (prov, parents, _alias), name in places.place_aliases().items():
        assert (prov, parents, name) in names
    assert not np.any([a == n for (_, _, a), n in places.place_aliases().items()])
    import csv
    from importlib import resources
    text = resources.files("agriremed.data").joinpath("place_aliases.csv").read_text(encoding="utf-8")
    keys = set(load_tables().sources["key"])
    assert {r["source"] for r in csv.DictReader(text.splitlines())} <= keys
