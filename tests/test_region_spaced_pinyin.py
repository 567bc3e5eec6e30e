"""A region written in pinyin with spaces, hyphens or apostrophes inside a name ("Hu Nan", "Xiang-tan", "Nei Mongol")
is read as the same province, city or county as its canonical spelling, so it selects the same transfer functions;
where the place table tells two names apart only by an apostrophe (Yun'an, Yunan) they stay apart."""

import pandas as pd
import pytest

from agriremed.core.i18n import region_candidates, region_path, region_province
from agriremed.core.tables import load_tables
from agriremed.stages.uptake import predict_crop_concentration

HUNAN = ["Hunan", "HUNAN", "湖南", "Hu Nan", "hu nan", "HU NAN", "Hu-Nan", "Hu'nan", "Hu Nan Province",
         "Hu Nan/Zhuzhou", "Hu Nan Zhuzhou", "Hu Nan Zhu Zhou", "Hunan/Zhu Zhou", "Hunan/Xiang-tan", "Xiang-tan",
         "Xiang Tan", "Hu-Nan/Xiang Tan/Yu Hu", "Hunan Province Zhuzhou City", "湖南省株洲市"]


@pytest.mark.parametrize(("written", "canonical"), [
    ("Hu Nan", "Hunan"), ("HU NAN", "Hunan"), ("Hu-Nan", "Hunan"), ("Hu'nan", "Hunan"),
    ("Hu Nan Province", "Hunan"), ("Hu Nan/Zhuzhou", "Hunan/Zhuzhou"), ("Hu Nan Zhu Zhou", "Hunan/Zhuzhou"),
    ("Hunan/Xiang-tan", "Hunan/Xiangtan"), ("Hunan Xiang Tan Yu Hu", "Hunan/Xiangtan/Yuhu"),
    ("Guang Xi/He Chi", "Guangxi/Hechi"), ("Zhe Jiang Hangzhou", "Zhejiang/Hangzhou"),
    ("Nei Mongol", "Inner Mongolia"), ("Nei-Mongol", "Inner Mongolia"), ("NeiMongol", "Inner Mongolia"),
    ("Inner-Mongolia", "Inner Mongolia"), ("Nei Mongol/Hohhot", "Inner Mongolia/Hohhot"),
    ("Shaanxi/Xi An", "Shaanxi/Xi'an"), ("Shan Xi", "Shanxi"), ("Shaan Xi", "Shaanxi"), ("He Nan", "Henan"),
])
def test_spaced_pinyin_reads_as_the_canonical_name(written, canonical):
    assert region_path(written) == region_path(canonical)
    assert region_province(written) == region_province(canonical) != ""
    assert region_candidates(written) == ()


def test_names_the_table_tells_apart_stay_apart():
    assert region_path("Shan Xi") != region_path("Shaan Xi")  # 山西, 陕西
    assert region_path("Hu Nan") != region_path("He Nan")
    # Guangdong/Yunfu has Yun'an (云安区) and Yunan (郁南县): written as the table writes them each is found;
    # "Yun An" could be either, so it is read as neither (left as written)
    assert region_path("Guangdong/Yunfu/Yun'an") == ("guangdong", "yunfu", "yun'an")
    assert region_path("Guangdong/Yunfu/Yunan") == ("guangdong", "yunfu", "yunan")
    assert region_path("Guangdong/Yunfu/Yun An") == ("guangdong", "yunfu", "yun an")
    # Xi'an names three districts and a city: alone it is not placed, with its province it is
    assert region_province("Xi'an") == "" and region_path("Shaanxi/Xian") == ("shaanxi", "xi'an")
    assert region_path("Atlantis") == ("atlantis",) and region_province("Hunanese") == ""


def _rice(regions, **extra):
    return pd.DataFrame({"plot_id": [f"p{i}" for i in range(len(regions))], "region": regions, "crop": "rice",
                         "land_use": "paddy", "ph": 5.5, "som_pct": 2.5, "clay_pct": 25.0, "cd_mg_kg": 0.6, **extra})


def test_every_spelling_of_hunan_selects_the_hunan_rice_function():
    # "Hu Nan" fell back to the national function: median 0.124 mg/kg, P(> 0.2) 0.32 instead of 0.207 and 0.51
    p = predict_crop_concentration(_rice(HUNAN + ["Jiangxi/Pingxiang"]), metals=["cd"], warn=False)
    p = p.set_index("plot_id")
    fid = p["function_id"].tolist()
    assert fid == ["synth_rice_cd_ph_hunan"] * len(HUNAN) + ["synth_rice_cd_ph"]
    hunan = p["crop_fw_p50_mg_kg"].iloc[:-1]
    assert hunan.nunique() == 1
    want = 10 ** (0.6753 + 0.4305 * __import__("math").log10(0.6) - 0.22975 * 5.5)
    assert hunan.iloc[0] == pytest.approx(want, rel=1e-9) and hunan.iloc[0] == pytest.approx(0.2070, rel=1e-3)
    assert p["crop_fw_p50_mg_kg"].iloc[-1] == pytest.approx(0.1237, rel=1e-3)


def test_the_karst_adjustment_reads_spaced_guangxi():
    regions = ["Guangxi/Hechi", "Guang Xi/He Chi", "Guang-Xi Hechi", "广西河池"]
    p = predict_crop_concentration(_rice(regions, high_background="yes"), metals=["cd"], warn=False)
    med = p.set_index("plot_id")["crop_fw_p50_mg_kg"]
    assert med.nunique() == 1
    plain = predict_crop_concentration(_rice(["Guang Xi/He Chi"]), metals=["cd"], warn=False)
    slopes = load_tables().uptake_slopes.set_index("estimate_id")
    shift = 10 ** float(slopes.loc["geogenic_shift_rice", "value"])  # the table's karst shift (×0.482)
    assert shift < 0.9
    assert med.iloc[0] == pytest.approx(shift * plain["crop_fw_p50_mg_kg"].iloc[0], rel=1e-9)
