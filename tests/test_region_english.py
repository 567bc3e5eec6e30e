"""English outputs name a placed region written in Chinese in English (the township and village as given); the
report title of many regions is short ('13 places in …'); Chinese outputs unchanged."""

import pandas as pd
import pytest

import agriremed
from agriremed.core import i18n
from agriremed.io.report import region_names, region_title


@pytest.mark.parametrize(("region", "en"), [
    ("攸县/网岭镇", "Hunan/Zhuzhou/Youxian/网岭镇"),
    ("湖南省株洲市攸县网岭镇罗家村", "Hunan/Zhuzhou/Youxian/网岭镇罗家村"),
    ("环江毛南族自治县/大才乡", "Guangxi/Hechi/Huanjiang/大才乡"),
    ("Guangxi/Hechi/Huanjiang/大才乡", "Guangxi/Hechi/Huanjiang/大才乡"),
    ("云南省/红河哈尼族彝族自治州/个旧市", "Yunnan/Honghe/Gejiu"),
    ("Hunan Province, Xiangtan City", "Hunan Province, Xiangtan City"),  # ASCII: as written
    ("花石镇", "花石镇"),  # not placed: as written
    ("朝阳区/X村", "朝阳区/X村"),  # several places of that name: as written
])
def test_region_name_in_english(region, en):
    assert i18n.region_name(region, "en") == en


def test_chinese_region_names_unchanged():
    assert i18n.region_name("攸县/网岭镇", "zh") == "湖南省/株洲市/攸县/网岭镇"
    assert region_title(["攸县/网岭镇", "攸县/皇图岭镇"], "zh") == "湖南省/株洲市/攸县"


def test_report_title_of_a_county_sheet_in_english():
    assert region_title(["攸县/网岭镇", "攸县/皇图岭镇", "攸县/菜花坪镇"], "en") == "Hunan/Zhuzhou/Youxian"


_MANY = ["河南省/新乡市/原阳县", "河北省/石家庄市/藁城区", "湖南省/郴州市/苏仙区", "贵州省/铜仁市/万山区",
         "湖南省/株洲市/石峰区", "陕西省/延安市/洛川县", "湖南省/湘潭市/湘潭县", "河南省/济源市", "湖南省/衡阳市/常宁市",
         "云南省/红河哈尼族彝族自治州/个旧市", "湖南省/益阳市/赫山区", "江西省/鹰潭市/贵溪市", "广东省/韶关市/翁源县"]


def test_report_title_of_many_places_is_short():
    assert region_title(_MANY, "en") == "13 places in Hunan, Henan, Guangdong and 5 more provinces"
    assert region_title(_MANY, "zh") == "湖南省、河南省、广东省等8个省份的13个地区"
    three = ["云南省/红河哈尼族彝族自治州/个旧市", "广东省/韶关市/翁源县", "江西省/鹰潭市/贵溪市", "云南省/昆明市",
             "广东省/韶关市/曲江区"]
    assert region_title(three, "en") == "5 places in Guangdong, Yunnan, Jiangxi"
    assert region_title(three, "zh") == "广东省、云南省、江西省的5个地区"
    # a region not placed: the first three and how many more, as before
    assert region_title(["A/x", "B/x", "C/x", "D/x", "E/x"], "en") == "A/x, B/x, C/x and 2 more"


def test_summary_region_column_of_the_english_report_and_workbook(tmp_path):
    s = pd.Series(["攸县/网岭镇", "Hunan/Zhuzhou", None])
    assert region_names(s, "en", None).tolist() == ["Hunan/Zhuzhou/Youxian/网岭镇", "Hunan/Zhuzhou", ""]
    assert region_names(s, "zh", None).tolist() == ["湖南省/株洲市/攸县/网岭镇", "湖南省/株洲市", ""]
    plots = pd.DataFrame({"plot_id": ["YX-1", "YX-2"], "region": ["攸县/网岭镇", "攸县/皇图岭镇"],
                          "land_use": "paddy", "crop": "rice", "area_ha": 0.2, "ph": 5.6, "cd_mg_kg": 0.62})
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False)
    p.write(tmp_path / "en", lang="en")
    html = (tmp_path / "en" / "report.html").read_text(encoding="utf-8")
    assert "<title>Remediation plan for contaminated farmland — Hunan/Zhuzhou/Youxian</title>" in html
    assert "Hunan/Zhuzhou/Youxian/网岭镇" in html and "攸县/网岭镇" not in html
    import openpyxl
    wb = openpyxl.load_workbook(tmp_path / "en" / "plan.xlsx", read_only=True)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Hunan/Zhuzhou/Youxian/网岭镇" in cells and "攸县/网岭镇" not in cells
    # summary.csv keeps the region as the input gives it (data, the same in both languages)
    assert pd.read_csv(tmp_path / "en" / "summary.csv")["region"].tolist() == ["攸县/网岭镇", "攸县/皇图岭镇"]
    p.write(tmp_path / "zh", lang="zh")
    zh = (tmp_path / "zh" / "report.html").read_text(encoding="utf-8")
    assert "<title>受污染耕地修复治理方案 — 湖南省/株洲市/攸县</title>" in zh
