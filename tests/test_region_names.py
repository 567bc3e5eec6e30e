"""Region paths in Chinese documents: the province, city and county parts in Chinese (official names of
place_names.csv), unknown parts as written."""

import pytest

import agriremed
from agriremed.core import i18n
from agriremed.stages.advice import plot_advice
from agriremed.io.report import region_title


@pytest.mark.parametrize(
    "region,zh",
    [
        ("Hunan/Zhuzhou/Lukou", "湖南省/株洲市/渌口区"),  # province, city, county (MCA code list)
        ("hunan province / Zhuzhou City", "湖南省 / 株洲市"),
        ("湖南/株洲", "湖南省/株洲"),  # short Chinese name → full name
        ("湖南省株洲市渌口区", "湖南省株洲市渌口区"),  # one part, already Chinese: as it is
        ("Inner Mongolia/Baotou", "内蒙古自治区/包头市"),  # two-word province
        ("Inner Mongolia/Baotoux", "内蒙古自治区/Baotoux"),  # not in the table
        ("Guangxi, Hechi", "广西壮族自治区, 河池市"),
        ("Yunnan/Nujiang/Lanping County", "云南省/怒江傈僳族自治州/兰坪白族普米族自治县"),
        ("Jiangsu/Suzhou/Xiangcheng", "江苏省/苏州市/相城区"),
        ("Anhui/Suzhou", "安徽省/宿州市"),  # 宿州 in Anhui, not 苏州: a name is read under its parent only
        ("Hunan/Xiangtan/Zhubu", "湖南省/湘潭市/Zhubu"),  # not a division of the table: as written
        ("Hunan/Somewhere/Lukou", "湖南省/Somewhere/Lukou"),  # below an unknown part: as written
        ("Hunan/Lukou", "湖南省/株洲市/渌口区"),  # a county under its province alone: its city is found
        ("Henan/Jiyuan/Chengliu", "河南省/济源市/Chengliu"),
        ("Chongqing|Yongchuan", "重庆市|永川区"),  # municipality: districts right under it
        ("Macau/Taipa", "澳门特别行政区/Taipa"),  # an alias
        ("Atlantis/North", "Atlantis/North"),  # unknown: unchanged
        ("Zhuzhou/Hunan", "湖南省/株洲市/Hunan"),  # only the first part is read as a province (or a city)
        ("", ""),
    ],
)
def test_region_name_translates_the_province_part(region, zh):
    assert i18n.region_name(region, "zh") == zh
    # English: unchanged when written in ASCII; a placed region written in Chinese by its English names
    assert i18n.region_name(region, "en") == (region if region.isascii() else i18n._region_name_en(region))


@pytest.mark.parametrize(
    "region,path",
    [
        ("Hunan/Xiangtan", ("hunan", "xiangtan")),
        ("湖南/湘潭", ("hunan", "xiangtan")),
        ("湖南省/湘潭市", ("hunan", "xiangtan")),
        ("湖南省湘潭市", ("hunan", "xiangtan")),  # one piece
        ("hunan province / Xiangtan City", ("hunan", "xiangtan")),
        ("湖南省株洲市渌口区", ("hunan", "zhuzhou", "lukou")),
        ("广西壮族自治区河池市南丹县", ("guangxi", "hechi", "nandan")),
        ("湖南省湘潭市雨湖区", ("hunan", "xiangtan", "yuhu")),
        ("湖南省湘潭市某某区", ("hunan", "xiangtan", "某某区")),  # not in place_names.csv: as written
        ("Anhui/Suzhou", ("anhui", "suzhou")),
        ("Atlantis/North", ("atlantis", "north")),
        ("", ()),
        (None, ()),
    ],
)
def test_region_path_reads_english_and_chinese_spellings_alike(region, path):
    assert i18n.region_path(region) == path


def test_region_in_compares_places_by_their_english_parts():
    regions = ["湖南省湘潭市", "湖南/株洲/渌口", "Hunan", "Hunan/Xiangtanx", "安徽/宿州", None, ""]
    assert i18n.region_in(regions, ["Hunan/Xiangtan", "Hunan/Zhuzhou"]).tolist() == [
        True, True, False, False, False, False, False]


def test_region_name_of_a_missing_region_is_empty():
    assert i18n.region_name(None, "zh") == ""
    assert i18n.region_name(float("nan"), "zh") == ""


@pytest.mark.parametrize(
    "regions,lang,title",
    [
        (["Hunan/Zhuzhou/Lukou", "Hunan/Zhuzhou/Youxian"], "zh", "湖南省/株洲市"),
        (["Hunan/Zhuzhou/Lukou", "Hunan/Zhuzhou/Youxian"], "en", "Hunan/Zhuzhou"),
        (["Hunan/Zhuzhou", "Guangxi/Hechi"], "zh", "广西壮族自治区/河池市、湖南省/株洲市"),
        (["Hunan/Zhuzhou", "Atlantis/x"], "zh", "Atlantis/x、湖南省/株洲市"),
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
    assert plot_advice(plan, "HN-ZZ-01", "zh").fields["region"] == "湖南省/株洲市/渌口区"
    assert plot_advice(plan, "HN-ZZ-01", "en").fields["region"] == "Hunan/Zhuzhou/Lukou"


def test_every_sample_city_and_county_has_its_chinese_name(sample_plots_path):
    import pandas as pd

    from agriremed.core.names import place_names

    regions = pd.read_csv(sample_plots_path)["region"]
    table = place_names()
    # the non-administrative place names of the samples (a port area, a town, a ditch, a mine) stay as written
    left = {"Zhubu", "Chengliu", "Dongdagou", "Dabaoshan"}
    for r in regions:
        zh = i18n.region_name(r, "zh")
        parts = zh.split("/")
        assert all(not p.isascii() for p in parts[:2]), (r, zh)
        assert not parts[2].isascii() or parts[2] in left, (r, zh)
    # each row of the table has a source in sources.csv, a six-digit code and a parent that starts at a province
    rows = pd.read_csv(__import__("importlib").resources.files("agriremed.data").joinpath("place_names.csv"),
                       dtype=str, keep_default_na=False)
    keys = set(agriremed.load_tables().sources["key"])
    assert set(rows["source"]) <= keys
    assert rows["code"].str.fullmatch(r"\d{6}").all()
    assert len(table) == len(rows)  # no two rows share a parent and a name


def test_chinese_report_and_workbook_show_city_and_county(plan, tmp_path):
    import pandas as pd

    from agriremed.io.report import report_html
    from agriremed.io.workbook import write_workbook

    doc = report_html(plan, lang="zh", date="2026-12-04")
    assert "湖南省/株洲市/渌口区" in doc and "Zhuzhou/Lukou" not in doc
    p = write_workbook(plan, tmp_path / "plan.xlsx", lang="zh", date="2026-12-04")
    s = pd.read_excel(p, sheet_name="地块汇总", header=1, engine="openpyxl").set_index("plot_id")
    assert s.loc["HN-ZZ-01", "region"] == "湖南省/株洲市/渌口区"
    assert "Hunan/Zhuzhou/Lukou" in report_html(plan, lang="en", date="2026-12-04")
