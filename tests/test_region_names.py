"""Region paths in Chinese documents: the province part in Chinese, the rest as written."""

import pytest

import agriremed
from agriremed import i18n
from agriremed.advice import plot_advice
from agriremed.report import region_title


@pytest.mark.parametrize(
    "region,zh",
    [
        ("Hunan/Zhuzhou/Lukou", "湖南省/Zhuzhou/Lukou"),
        ("hunan province / Zhuzhou", "湖南省 / Zhuzhou"),
        ("湖南/株洲", "湖南省/株洲"),  # short Chinese name → full name
        ("湖南省株洲市渌口区", "湖南省株洲市渌口区"),  # one part, already Chinese: as it is
        ("Inner Mongolia/Baotou", "内蒙古自治区/Baotou"),  # two-word province, autonomous region
        ("Guangxi, Hechi", "广西壮族自治区, Hechi"),
        ("Chongqing|Yongchuan", "重庆市|Yongchuan"),  # municipality
        ("Macau/Taipa", "澳门特别行政区/Taipa"),  # an alias
        ("Atlantis/North", "Atlantis/North"),  # unknown: unchanged
        ("Zhuzhou/Hunan", "Zhuzhou/Hunan"),  # only the first part is read as a province
        ("", ""),
    ],
)
def test_region_name_translates_the_province_part(region, zh):
    assert i18n.region_name(region, "zh") == zh
    assert i18n.region_name(region, "en") == region


def test_region_name_of_a_missing_region_is_empty():
    assert i18n.region_name(None, "zh") == ""
    assert i18n.region_name(float("nan"), "zh") == ""


@pytest.mark.parametrize(
    "regions,lang,title",
    [
        (["Hunan/Zhuzhou/Lukou", "Hunan/Zhuzhou/Youxian"], "zh", "湖南省/Zhuzhou"),
        (["Hunan/Zhuzhou/Lukou", "Hunan/Zhuzhou/Youxian"], "en", "Hunan/Zhuzhou"),
        (["Hunan/Zhuzhou", "Guangxi/Hechi"], "zh", "广西壮族自治区/Hechi、湖南省/Zhuzhou"),
        (["Hunan/Zhuzhou", "Atlantis/x"], "zh", "Atlantis/x、湖南省/Zhuzhou"),
    ],
)
def test_report_title_names_the_province_in_chinese(regions, lang, title):
    assert region_title(regions, lang) == title


@pytest.fixture(scope="module")
def plan(sample_plots_path):
    return agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, seed=3))


def test_sheet_region_field_in_chinese(plan):
    r = plan.summary.set_index("plot_id").loc["HN-ZZ-01", "region"]
    assert r == "Hunan/Zhuzhou/Lukou"
    assert plot_advice(plan, "HN-ZZ-01", "zh").fields["region"] == "湖南省/Zhuzhou/Lukou"
    assert plot_advice(plan, "HN-ZZ-01", "en").fields["region"] == "Hunan/Zhuzhou/Lukou"
