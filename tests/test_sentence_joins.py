"""Where two texts of a recommendation meet, a sentence that ends with a full stop is not followed by a separator
or a second stop: two near-boundary notes (a pH within the duplicate tolerance of a GB 15618 band edge and a metal
near an intervention value) and two soil values to check read as separate sentences, in English ("… the class.
Soil pH 6.52 …") and in Chinese ("…执行。土壤pH 6.52…"), not "….; Soil pH" or "…。；土壤"."""

import re

import pandas as pd
import pytest

import agriremed
from agriremed.core.messages import Message, render
from agriremed.io.outputs import texts_in

BASE = dict(region="Hunan/Zhuzhou", land_use="paddy", crop="rice", area_ha=0.4, som_pct=3.0, clay_pct=30,
            bulk_density_g_cm3=1.2, depth_m=0.2, as_mg_kg=15, hg_mg_kg=0.2, cr_mg_kg=70, cu_mg_kg=30, zn_mg_kg=120,
            annual_rain_mm=1400, mean_temp_c=17.0)
#: paddies at pH 6.52 / 6.48 (band edge 6.5) with Pb 690 (intervention 700 above pH 6.5, 500 below), Cd 2.95
#: (intervention 3.0 above pH 6.5, 2.0 below) or Pb 520 (intervention 500 below pH 6.5): each has a metal near
#: an intervention value and the pH edge; a paddy with two soil values to check (Cd 450, Pb 90 000 mg/kg: a
#: column in µg/kg?); one with two metals measured in the harvest; one with the covariates not given
PANEL = [
    dict(BASE, plot_id="PB-EDGE", ph=6.52, cd_mg_kg=0.5, pb_mg_kg=690),
    dict(BASE, plot_id="CD-EDGE", ph=6.52, cd_mg_kg=2.95, pb_mg_kg=60),
    dict(BASE, plot_id="PB-LOW", ph=6.48, cd_mg_kg=2.0, pb_mg_kg=520),
    dict(BASE, plot_id="CHECK2", ph=5.5, cd_mg_kg=450, pb_mg_kg=90000),
    dict(BASE, plot_id="CROP2", ph=5.2, cd_mg_kg=0.8, pb_mg_kg=60, crop_cd_mg_kg=0.35, crop_pb_mg_kg=0.1),
    dict(BASE, plot_id="NOCOV", ph=6.52, cd_mg_kg=2.95, pb_mg_kg=60, som_pct=None, clay_pct=None,
         annual_rain_mm=None, mean_temp_c=None, crop_cd_mg_kg=0.5),
]
#: a stop before a separator, or two stops (an ellipsis "..." aside)
BAD = re.compile(r"\.\s*[;；]|。\s*[;；]|(?<!\.)\.\.(?!\.)|。。")


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(pd.DataFrame(PANEL), agriremed.Scenario(mc_draws=0))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_stop_meets_a_separator_or_a_second_stop(plan, lang):
    s = texts_in(plan.summary, lang, plan.tables, plan.scenario).set_index("plot_id")
    assert s.loc["PB-EDGE", "near_class_boundary"] == "pb:intervention+ph:6.5"
    assert s.loc["PB-LOW", "near_class_boundary"] == "pb:intervention+ph:6.5"
    for col in ("recommendation", "monitoring"):
        bad = {pid: [t[max(0, m.start() - 40):m.end() + 20] for m in BAD.finditer(t)]
               for pid, t in s[col].items() if BAD.search(t)}
        assert bad == {}, col


def test_two_near_boundary_notes_are_two_sentences(plan):
    en = plan.summary.set_index("plot_id")["recommendation"]
    zh = texts_in(plan.summary, "zh", plan.tables, plan.scenario).set_index("plot_id")["recommendation"]
    assert ("where the plot would be strict control (a metal above its intervention value) — re-sample / re-analyse "
            "before acting on the class. Soil pH 6.52 lies within 0.1 pH unit of 6.5") in en["PB-EDGE"]
    assert ("where the plot would be safe utilisation — re-sample / re-analyse before acting on the class. Soil pH 6.48 "
            "lies within 0.1 pH unit of 6.5") in en["PB-LOW"]
    assert "地块将为严格管控类。建议复测（重新采样或重新分析）后再按此类别执行。土壤pH 6.52与6.5相差不超过0.1个pH单位" in zh["PB-EDGE"]
    assert "re-measure pH before acting on the class." in en["CD-EDGE"]
    # two soil values to check: two sentences
    assert "the soil class depends on it. Check the Pb value (90000 mg/kg)" in en["CHECK2"]
    assert "土壤类别取决于该值。请核对铅含量（90000 mg/kg）" in zh["CHECK2"]


def test_the_join_rule_of_the_message_parts():
    # a sentence and a lower-case clause: the clause follows the separator, the stop goes
    m = Message.of("rec.class_review_background") + Message.of("opt.no_food")
    assert render(m, "en") == ("The soil metal is mainly of natural (geological) origin (high background, as given "
                               "for the plot): re-check the class with crop (grain) monitoring data; no food crop on "
                               "the plot to protect")
    assert render(m, "zh") == "土壤重金属主要来自地质高背景（按地块填报）：请结合农产品（籽粒）监测数据复核类别。地块上没有需要保护的食用作物"
    # a sentence in a field the template closes with a stop: one stop
    g = Message.of("rec.gb36600", check=Message.of("rec.class_review_background"))
    assert render(g, "en").endswith("monitoring data.") and not render(g, "en").endswith("..")
    assert render(g, "zh").endswith("复核类别。") and not render(g, "zh").endswith("。。")
