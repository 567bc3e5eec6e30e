"""Crops the library does not know (黄精, 莲藕) on a county sheet are planned as a crop not modelled
instead of rejected: the GB 15618 class from the soil, every metal above its screening value "not
assessed — measure the harvest", the income of the crop a data gap, the crop named as written."""

import re
from pathlib import Path

import numpy as np
import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.stages.advice import plot_advice

SHEET = ("点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）,铅（mg/kg）\n"
         "HJ1,旱地,黄精,6,5.2,0.5,40\n"      # Cd 0.5 > 0.3 (pH ≤ 5.5, other land): safe utilisation
         "LO1,水田,莲藕,4,6.8,0.3,60\n"      # Cd 0.3 = 0.3 (paddy, 6.5 < pH ≤ 7.5: 0.6): priority protection
         "LO2,水田,莲藕,4,5.0,2.0,60\n"      # Cd 2.0 > 1.5 (pH ≤ 5.5): strict control
         "R1,水田,水稻,8,5.3,0.6,40\n"
         "M1,旱地,玉米,8,6.0,0.2,30\n"
         "S1,旱地,蚕桑,5,5.2,0.5,40\n")     # 蚕桑 stays mulberry


def _zh_readable(text: str) -> bool:
    return "nan" not in text.lower() and not i18n.untranslated(re.sub(r"GB ?\d+", " ", text))


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    p = Path(tmp_path_factory.mktemp("sheet")) / "county.csv"
    p.write_text(SHEET, encoding="utf-8")
    return agriremed.plan(p, agriremed.Scenario(mc_draws=0))


def test_every_row_is_planned_with_its_soil_class(plan):
    s = plan.summary.set_index("plot_id")
    assert len(plan.rejected) == 0 and len(s) + len(plan.rejected) == 6
    assert s["crop"].to_dict() == {"HJ1": "unlisted", "LO1": "unlisted", "LO2": "unlisted", "R1": "rice",
                                   "M1": "maize", "S1": "mulberry"}
    assert s["soil_class"].to_dict() == {"HJ1": "safe_utilisation", "LO1": "priority_protection",
                                         "LO2": "strict_control", "R1": "safe_utilisation",
                                         "M1": "priority_protection", "S1": "safe_utilisation"}
    assert s.loc[["HJ1", "LO1", "LO2"], "crop_as_written"].tolist() == ["黄精", "莲藕", "莲藕"]
    assert s.loc[["HJ1", "LO2"], "metals_not_assessed"].tolist() == ["cd", "cd"]


def test_each_unlisted_row_is_warned_with_what_to_do(plan):
    w = plan.problems.loc[plan.problems["column"].eq("crop") & plan.problems["severity"].eq("warning")
                          & plan.problems["problem"].str.contains("is not in the library's crops")]
    assert w["input_row"].tolist() == [1, 2, 3]
    assert w.iloc[0]["problem"].startswith("黄精 is not in the library's crops: planned as a crop not modelled")
    assert "into a folder of your own tables, add the crop there" in w.iloc[0]["problem"]
    assert "--tables FOLDER" in w.iloc[0]["problem"] and "src/agriremed" not in w.iloc[0]["problem"]
    zh = messages.render(w.iloc[1]["problem_msg"], "zh")
    assert zh.startswith("作物库中没有“莲藕”：按“未建模作物”规划——土壤类别（GB 15618）只按土壤判定") and _zh_readable(zh)


def test_harvest_not_assessed_and_money_a_data_gap(plan):
    s = plan.summary.set_index("plot_id")
    t = plan.table.set_index(["plot_id", "option_id"])
    rec = s.loc["HJ1", "recommendation"]
    assert rec.startswith("Cd in the crop not assessed (the crop is not in the library, which holds no transfer "
                          "function or food limit for it) — measure it in the harvest.")
    assert "the yield, price or production cost of 黄精 is not in the library" in rec
    assert "tested for Cd" in rec and "Crop not in the library" not in rec
    zh = messages.render(s.loc["HJ1", "recommendation_msg"], "zh")
    assert zh.startswith("作物中的镉未评估（该作物不在作物库中，库中没有它的转移函数和限量）——请检测收获物。")
    assert "库中没有黄精的产量" in zh
    assert _zh_readable(zh), zh
    base = t.loc[("HJ1", "do_nothing")]
    assert np.isnan(base["npv_cny_ha"]) and base["data_gaps"].startswith("黄精: yield, price or production cost")
    # no measure is credited with an effect on the crop itself: options keeping it have no compliance
    # probability; a structure adjustment is judged by the crop it grows (maize)
    prob = t.loc["HJ1"]["crop_compliance_prob"]
    assert prob[["do_nothing", "biochar_amendment"]].isna().all() and np.isfinite(prob["maize_grain"])
    assert s.loc["HJ1", "recommended_option"] == "do_nothing"
    # strict control: no edible crop stays; the recommended option takes the land out of it
    assert s.loc["LO2", "recommended_option"] != "do_nothing"


def test_no_nan_in_any_sentence_and_the_plot_sheet(plan):
    for pid in ("HJ1", "LO1", "LO2"):
        s = plan.summary.set_index("plot_id").loc[pid]
        for lang in ("en", "zh"):
            text = messages.render(s["recommendation_msg"], lang)
            assert "nan" not in text.lower() and "unlisted" not in text, (pid, lang, text)
        a = plot_advice(plan, pid, "zh")
        sheet = " ".join(str(v) for v in a.fields.values()) + " " + a.soil_class_text
        assert "nan" not in sheet.lower() and "unlisted" not in sheet
    from agriremed.io.outputs import translate_frame
    z = translate_frame(plan.summary, "zh", plan.tables).set_index("plot_id")
    assert z.loc[["HJ1", "LO1", "R1"], "crop"].tolist() == ["黄精（作物库未收录）", "莲藕（作物库未收录）", "水稻"]
    e = translate_frame(plan.summary, "en", plan.tables).set_index("plot_id")
    assert e.loc["HJ1", "crop"] == "黄精 (not in the crop library)"
    assert plot_advice(plan, "HJ1", "zh").fields["crop"] == "黄精（作物库未收录：未评估农产品，收益未知）"
    assert plot_advice(plan, "LO1", "en").fields["crop"] == (
        "莲藕 (not in the crop library: harvest not assessed, income unknown)")


def test_ratoon_rice_is_rice():
    # 再生稻 (the ratoon crop of a rice field, Hubei, Fujian, Sichuan) is rice grain, judged by the rice limit;
    # it is not a crop outside the library
    import pandas as pd
    from agriremed.io.validate import validate_plots
    df = pd.DataFrame({"地块编号": ["R1", "R2"], "土地利用类型": "水田", "作物": ["再生稻", "ratoon rice"],
                       "面积（亩）": 2.0, "pH": 5.5, "镉（mg/kg）": 0.5, "区县": "湖北省荆州市"})
    v = validate_plots(df)
    assert v.plots["crop"].tolist() == ["rice", "rice"] and len(v.rejected) == 0


def test_an_unlisted_crop_on_a_paddy_keeps_the_paddy_values():
    # 莲藕 and 茭白 are aquatic crops of paddy land (GB/T 21010 水田): a crop whose land use the library does
    # not know is not taken for the dry season of a paddy–upland rotation; wheat on a paddy still is
    import pandas as pd
    df = pd.DataFrame({"plot_id": ["LO-1", "LO-2", "LO-3", "LO-4"], "region": "湖北/荆州", "land_use": "paddy",
                       "crop": ["莲藕", "茭白", "rice", "wheat"], "area_ha": 0.3, "ph": 6.1, "cd_mg_kg": 0.35})
    s = agriremed.plan(df, agriremed.Scenario(mc_draws=0)).summary.set_index("plot_id")
    assert s["screening_basis"].tolist() == ["paddy", "paddy", "paddy", "rotation_stricter"]
    assert s["soil_class"].tolist() == ["priority_protection"] * 3 + ["safe_utilisation"]


def test_a_blank_crop_says_how_to_write_idle_land_in_chinese():
    # a paddy with an empty crop cell: the message says what to write in Chinese (无 / 撂荒), not the code 'none'
    # (beside an idle land use, 撂荒水田, the blank crop is read as none: test_idle_crop_from_land_use.py)
    import pandas as pd
    from agriremed.io.validate import validate_plots
    df = pd.DataFrame({"地块编号": ["XT-03"], "土地利用类型": ["水田"], "作物": [""], "面积（亩）": [2.0],
                       "pH": [5.5], "镉（mg/kg）": [0.5], "区县": ["湖南省湘潭市"]})
    v = validate_plots(df)
    zh = [m for m in v.messages(group=False, lang="zh") if "XT-03" in m and "作物" in m]
    assert any("无作物（撂荒、闲置）的土地填“无”或“撂荒”" in m for m in zh), zh
    assert not any("'none'" in m for m in zh)


def test_the_plot_sheet_prints_no_empty_typical_year_where_the_money_is_not_computed(plan):
    # HJ1 (黄精, income unknown): no typical year — the line reads 典型年份净现金流：未计算, not
    # 典型年份（第–年）…; R1 (rice) keeps its year
    pypdf = pytest.importorskip("pypdf")
    import io

    from agriremed.io.sheets import sheet_pdf

    def text(pid, lang):
        b = sheet_pdf(plan, pid, lang, date="2026-12-07")
        return pypdf.PdfReader(io.BytesIO(b)).pages[0].extract_text().replace("\n", " ")

    zh, en = text("HJ1", "zh"), text("HJ1", "en")
    assert "典型年份净现金流：未计算" in zh and "第–年" not in zh
    assert "Net cash flow in a typical year: not computed" in en and "(year –)" not in en
    assert plot_advice(plan, "HJ1", "zh").typical_label == "典型年份净现金流"
    r1 = plot_advice(plan, "R1", "zh")
    assert r1.typical_label == "典型年份（第2年）净现金流" and "典型年份（第2年）净现金流：" in text("R1", "zh")
    assert plot_advice(plan, "R1", "en").typical_label == "Net cash flow in a typical year (year 2)"
