"""``agriremed.plan(..., lang="zh")`` returns its sentences in Chinese, as ``agriremed plan --lang zh`` writes
them; the plan still writes every language, and replanning keeps its language."""

import re
from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.apps.cli import main
from agriremed.engine.plan import rerank, replan
from agriremed.io.report import report_html

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "plots.csv"
S = agriremed.Scenario(mc_draws=0)
HAN = re.compile(r"[\u4e00-\u9fff]")

#: Sentence columns of plan.csv and summary.csv (those with a message column) and the other texts
#: written in the run's language.
TEXTS = ("option_name", "recommended_name", "measures")


@pytest.fixture(scope="module")
def en():
    return agriremed.plan(SAMPLE, S, progress=False)


@pytest.fixture(scope="module")
def zh():
    return agriremed.plan(SAMPLE, S, progress=False, lang="zh")


@pytest.fixture(scope="module")
def cli_zh(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli_zh")
    assert main(["plan", str(SAMPLE), "--out", str(out), "--draws", "0", "--lang", "zh", "--no-report",
                 "--no-xlsx", "--quiet"]) == 0
    return {name: pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False) for name in ("plan", "summary")}


def _text_columns(df):
    return [c for c in df.columns if f"{c}_msg" in df.columns or c in TEXTS]


def test_the_sentences_of_plan_lang_zh_are_the_cli_sentences(zh, cli_zh):
    assert zh.text_lang == "zh"
    for name, frame in (("plan", zh.table), ("summary", zh.summary)):
        cols = _text_columns(frame)
        assert {"recommendation", "measures", "recommended_name"} <= set(cols) if name == "summary" else \
            {"reason", "option_name", "why_economics"} <= set(cols)
        for c in cols:
            assert frame[c].fillna("").astype(str).tolist() == cli_zh[name][c].tolist(), (name, c)
    rec = zh.summary.set_index("plot_id")["recommendation"]
    assert rec["HN-ZZ-01"].startswith("VIP+n综合降镉（低镉品种+淹水+石灰+叶面阻控）：作物镉含量每季符合GB2762的概率为")
    assert all(HAN.search(r) for r in rec) and not any("probability" in r for r in rec)


def test_numbers_and_messages_do_not_depend_on_the_language(en, zh):
    for a, b in ((en.table, zh.table), (en.summary, zh.summary)):
        same = [c for c in a.columns if c not in _text_columns(a)]
        pd.testing.assert_frame_equal(a[same], b[same])
    assert en.text_lang == "en" and en.summary["recommendation"].iloc[0].startswith("VIP+n package")


def test_a_chinese_plan_writes_english_as_an_english_plan_does(en, zh, tmp_path):
    en.write(tmp_path / "en", report=False, xlsx=False)
    zh.write(tmp_path / "zh", report=False, xlsx=False)
    for f in sorted((tmp_path / "en").glob("*.csv")):
        assert f.read_text(encoding="utf-8") == (tmp_path / "zh" / f.name).read_text(encoding="utf-8"), f.name
    pd.testing.assert_frame_equal(zh.in_lang("en").summary, en.summary)
    pd.testing.assert_frame_equal(zh.in_lang("en").table, en.table)
    page = report_html(zh, lang="en", date="2026-01-01")
    assert en.summary["recommendation"].iloc[0][:60] in page.replace("&#x27;", "'")
    assert zh.summary["recommendation"].iloc[0][:30] not in page


def test_replanning_keeps_the_language(en, zh):
    w = {**agriremed.core.scenario.DEFAULT_WEIGHTS, "economics": 0.0}
    ranked = rerank(zh, w)
    assert ranked.text_lang == "zh"
    pd.testing.assert_frame_equal(ranked.summary, rerank(en, w).in_lang("zh").summary)
    later = replan(zh, zh.scenario.replace(horizon_yr=10))
    assert later.text_lang == "zh"
    assert later.summary["recommendation"].tolist() == \
        replan(en, en.scenario.replace(horizon_yr=10)).in_lang("zh").summary["recommendation"].tolist()
    assert "10年净现值" in later.summary.set_index("plot_id").at["HN-ZZ-01", "recommendation"]


def test_an_unsupported_language_is_refused_with_a_sentence(en):
    with pytest.raises(ValueError, match="language 'fr' is not supported; expected 'en' or 'zh'"):
        agriremed.plan(SAMPLE, S, progress=False, lang="fr")
    with pytest.raises(ValueError, match="expected 'en' or 'zh'"):
        en.in_lang("de")
