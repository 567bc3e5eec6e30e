"""Rule set per plot (Scenario rule_set "auto"): china in China, none (no jurisdiction rule) elsewhere."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.scenario import Scenario
from agriremed.stages import advice, softreuse
from maize_fit import stricter_maize_tables

_SOIL = {"som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2}
# a Hunan rice paddy (safe-utilisation Cd), a Derbyshire and a Jutland wheat field
_PLOTS = [
    {"plot_id": "HN", "region": "湖南/株洲/渌口", "land_use": "paddy", "crop": "rice", "area_ha": 0.42, "ph": 5.1,
     "cd_mg_kg": 0.86, "pb_mg_kg": 58.0, "as_mg_kg": 16.0, "basic_farmland": "yes", "mean_temp_c": 17.6,
     "annual_rain_mm": 1410.0},
    {"plot_id": "UK", "region": "UK/Derbyshire", "land_use": "upland", "crop": "wheat", "area_ha": 2.0, "ph": 6.5,
     "cd_mg_kg": 1.5, "pb_mg_kg": 120.0, "as_mg_kg": 20.0, "basic_farmland": "no", "mean_temp_c": 9.5,
     "annual_rain_mm": 800.0},
    {"plot_id": "DK", "region": "Denmark/Jutland", "land_use": "upland", "crop": "wheat", "area_ha": 3.0, "ph": 6.0,
     "cd_mg_kg": 0.5, "pb_mg_kg": 30.0, "as_mg_kg": 8.0, "basic_farmland": "no", "mean_temp_c": 8.5,
     "annual_rain_mm": 750.0},
]
_ABROAD = ["UK", "DK"]
_LAW = ("Soil Pollution Law", "土壤污染防治法")


def _plan(**scenario):
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py), so the sentences keep the
    # maize switch and its share that they are about
    return agriremed.plan(pd.DataFrame([{**_SOIL, **r} for r in _PLOTS]), Scenario(mc_draws=0, **scenario),
                          progress=False, tables=stricter_maize_tables())


@pytest.fixture(scope="module")
def auto():
    return _plan()


@pytest.fixture(scope="module")
def china():
    return _plan(rule_set="china")


def _texts(plan, col, lang):
    s = plan.summary
    return dict(zip(s["plot_id"], messages.column_texts(s, col, lang, plan.tables), strict=True))


def test_rule_sets_follow_the_region():
    regions = ["Hunan/Zhuzhou", "湘潭", "UK/Derbyshire", "Denmark/Jutland", "Kenya/Nakuru", "", None]
    assert advice.rule_sets_of(regions).tolist() == ["china", "china", "none", "none", "none", "china", "china"]
    assert advice.rule_sets_of(regions, "china").tolist() == ["china"] * 7
    assert advice.plot_rule_sets(["a", "b"], ["Hunan", "湘潭"]) == "china"
    assert advice.plot_rule_sets(["a", "b"], ["Hunan", "UK"]).to_dict() == {"a": "china", "b": "none"}
    # a plot without a region under auto counts as in China, as for the food standard and the area unit
    assert advice.food_standards([""], rule_set="auto").tolist() == ["GB2762"]
    assert advice.area_units([""], rule_set="auto").tolist() == ["mu"]


def test_default_is_auto():
    assert Scenario().rule_set == "auto"


def test_plots_abroad_are_planned_under_no_jurisdiction_rule(auto, china):
    s = auto.summary.set_index("plot_id")
    assert s["rule_set"].to_dict() == {"HN": "china", "UK": "none", "DK": "none"}
    for pid in _ABROAD:
        assert s.loc[pid, "policy_rule"] in ("", "none_no_rules") or pd.isna(s.loc[pid, "policy_rule"])
        rules = auto.table.loc[auto.table["plot_id"] == pid, "policy_rule"].fillna("")
        assert not rules.str.startswith("cn_").any()
        st = auto.table.loc[auto.table["plot_id"] == pid, "policy_status"]
        assert set(st) <= {"allowed", ""}  # the none set forbids and expects nothing
    # the same plots under an explicit china rule set keep China's rules, as before
    c = china.summary.set_index("plot_id")
    assert c["rule_set"].tolist() == ["china"] * 3
    assert c.loc["UK", "policy_rule"].startswith("cn_")


def test_no_chinese_law_in_the_sentences_of_plots_abroad(auto, china):
    for lang in ("en", "zh"):
        rec, mon = _texts(auto, "recommendation", lang), _texts(auto, "monitoring", lang)
        for pid in _ABROAD:
            assert mon[pid] and not any(law in mon[pid] for law in _LAW), (lang, mon[pid])
            assert not any(law in rec[pid] for law in _LAW), (lang, rec[pid])
        assert any(law in mon["HN"] for law in _LAW)
        # the explicit china set still cites the law on every plot
        assert any(law in _texts(china, "monitoring", lang)["UK"] for law in _LAW)
    assert "local soil monitoring plan" in _texts(auto, "monitoring", "en")["UK"]
    for pid in _ABROAD:  # the plot sheet's monitoring and sentence
        for lang in ("en", "zh"):
            a = advice.plot_advice(auto, pid, lang)
            assert not any(law in a.monitoring + a.sentence for law in _LAW), (pid, lang)


def test_the_chinese_plot_is_planned_as_under_the_china_rule_set(auto, china):
    a, c = auto.summary.set_index("plot_id"), china.summary.set_index("plot_id")
    for col in ("recommended_option", "policy_rule", "recommendation", "monitoring", "score"):
        assert a.loc["HN", col] == c.loc["HN", col], col
    for lang in ("en", "zh"):
        assert _texts(auto, "recommendation", lang)["HN"] == _texts(china, "recommendation", lang)["HN"]
    ta = auto.table.loc[auto.table["plot_id"] == "HN"].reset_index(drop=True)
    tc = china.table.loc[china.table["plot_id"] == "HN"].reset_index(drop=True)
    pd.testing.assert_frame_equal(ta[["option_id", "applicable", "policy_status", "policy_rule", "reason"]],
                                  tc[["option_id", "applicable", "policy_status", "policy_rule", "reason"]])


def test_rows_stay_plot_major_in_input_order(auto):
    t = auto.table
    assert pd.unique(t["plot_id"]).tolist() == ["HN", "UK", "DK"]
    k = (t["plot_id"] == "HN").sum()
    assert t["option_id"].iloc[:k].tolist() == t["option_id"].iloc[k:2 * k].tolist()


def test_soft_reuses_follow_each_plots_rule_set(auto):
    reuse, _ = softreuse.for_plan(auto)
    rule = reuse["policy_rule"].fillna("").astype(str)
    hn = reuse["plot_id"] == "HN"
    assert rule[hn].str.startswith("cn_").any()  # basic farmland in Hunan: no PV, no trees
    assert set(reuse.loc[hn & (reuse["reuse_id"] == "pv"), "policy_rule"]) == {"cn_pv_no_basic_farmland"}
    abroad = reuse["plot_id"].isin(_ABROAD)
    assert abroad.sum() == 2 * hn.sum()
    assert not rule[abroad].str.startswith("cn_").any()
    assert not reuse.loc[abroad, "reason"].fillna("").str.contains("policy china").any()
    assert (reuse.loc[abroad, "policy_status"] != "forbidden").all()


def test_plots_abroad_are_planned_as_under_the_none_rule_set(auto):
    none = _plan(rule_set="none")
    a, n = auto.summary.set_index("plot_id"), none.summary.set_index("plot_id")
    for pid in _ABROAD:
        for col in ("recommended_option", "policy_rule", "recommendation", "monitoring"):
            assert a.loc[pid, col] == n.loc[pid, col], (pid, col)


def test_run_json_and_report_record_the_sets(auto, china, tmp_path):
    from agriremed.io.report import rule_set_text
    assert auto.rule_sets() == {"china": 1, "none": 2}
    assert china.rule_sets() == {"china": 3}
    auto.write(tmp_path / "a", report=True, lang="zh", xlsx=False)
    run = json.loads((tmp_path / "a" / "run.json").read_text(encoding="utf-8"))
    assert run["rule_sets"] == {"china": 1, "none": 2}
    assert run["scenario"]["rule_set"] == "auto"
    assert rule_set_text(auto.scenario, auto.rule_sets(), "en") == \
        "china × 1; none × 2 — chosen per plot from its region"
    assert rule_set_text(china.scenario, china.rule_sets(), "en") == "china"
    html = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert "中国 × 1；无（研究情景） × 2" in html or "中国 × 1; 无（研究情景） × 2" in html
    notes = [str(n) for n in auto.notes]
    assert any("auto" in n and "GB 15618" in n for n in notes)
    assert dataclasses.replace(auto.scenario).rule_set == "auto"


def test_a_plan_in_chunks_records_the_sets(tmp_path):
    from agriremed.engine.stream import plan_stream
    src = tmp_path / "plots.csv"
    pd.DataFrame([{**_SOIL, **r} for r in _PLOTS]).to_csv(src, index=False)
    plan_stream(src, Scenario(mc_draws=0), out=tmp_path / "s", chunk_size=2, fmt="csv", progress=False)
    run = json.loads((tmp_path / "s" / "run.json").read_text(encoding="utf-8"))
    assert run["rule_sets"] == {"china": 1, "none": 2}
    s = pd.read_csv(tmp_path / "s" / "summary.csv")
    assert s["rule_set"].tolist() == ["china", "none", "none"]


def test_sentences_abroad_speak_no_chinese_policy(auto):
    # a Derbyshire wheat field given the foliar Zn spray (abroad no rule set expects a measure, so the scores
    # decide; the switch to grain maize is excluded, the United Kingdom lying wholly north of about 50° N:
    # tests/test_latitude_region.py), judged against the EU limit, without the Chinese class re-check and
    # strict-control measures, "safe-utilisation plan" or "substitute planting"
    s = auto.summary.set_index("plot_id")
    text = s.loc["UK", "recommendation"]
    assert ("Foliar Zn spray on wheat: crop meets EU 2023/915 for Cd with 59 % probability a season; +8,700 CNY/ha "
            "vs doing nothing over 20 yr") in text
    assert "re-test the soil for Cd/Pb at the interval of the local soil monitoring plan" in text
    for phrase in ("strict-control", "re-check the class", "safe-utilisation plan", "substitute planting"):
        assert phrase not in " ".join(s.loc[_ABROAD, "recommendation"]), phrase
    zh = dict(zip(auto.summary["plot_id"], messages.column_texts(auto.summary, "recommendation", "zh")))
    assert "小麦叶面喷锌阻控：作物镉含量每季符合EU 2023/915的概率为59 %；" in zh["UK"]
    assert "严格管控" not in zh["UK"] + zh["DK"]
