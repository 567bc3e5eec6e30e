"""The sentences in the CSV files follow the run's language (``--lang zh``); codes, ids, numbers,
column names and the message columns stay the same in every language."""

import json
import re

import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.engine.stream import plan_stream
from agriremed.io.outputs import texts_in

HAN = re.compile(r"[\u4e00-\u9fff]")
SHEET = """地块编号,行政区,土地利用,种植作物,面积（亩）,pH,镉（mg/kg）,铅（mg/kg）
A1,湖南/株洲/渌口,水田,水稻,5,5.2,0.6,50
A2,湖南/株洲/渌口,水田,水稻,5,15,0.6,50
A3,湖南/株洲/渌口,水田,香蕉树,5,5.5,0.6,50
A4,湖南/株洲/渌口,水田,水稻,5,5.6,1.4,60
A5,湖南/株洲/渌口,旱地,小麦,3,7.8,0.9,40
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    d = tmp_path_factory.mktemp("lang")
    src = d / "sheet.csv"
    src.write_text(SHEET, encoding="utf-8")
    p = agriremed.plan(str(src), agriremed.Scenario(mc_draws=0), progress=False)
    out = {lang: d / lang for lang in ("en", "zh")}
    for lang, folder in out.items():
        p.write(folder, report=False, xlsx=False, lang=lang)
    return p, out, src


def _read(folder, name):
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name,col", [("summary", "recommendation"), ("summary", "monitoring"),
                                      ("plan", "reason"), ("rejected", "reasons"),
                                      ("problems", "problem")])
def test_sentences_are_chinese_under_zh_and_english_under_en(written, name, col):
    p, out, _ = written
    en, zh = _read(out["en"], name), _read(out["zh"], name)
    assert len(en) == len(zh) > 0
    shown = zh[col] != ""
    assert shown.any()
    # every sentence written in Chinese is the message rendered in Chinese, and the English file is unchanged
    assert zh.loc[shown, col].map(lambda t: bool(HAN.search(t))).all()
    assert (zh.loc[shown, col] != en.loc[shown, col]).all()
    assert zh[col].tolist() == [t or "" for t in messages.column_texts(en, col, "zh", p.tables)]
    assert en[col].tolist() == [t or "" for t in messages.column_texts(en, col, "en", p.tables)]


@pytest.mark.parametrize("name", ["summary", "plan", "rejected", "problems", "crop_uptake"])
def test_codes_numbers_and_message_columns_are_the_same_in_both_languages(written, name):
    _, out, _ = written
    en, zh = _read(out["en"], name), _read(out["zh"], name)
    assert list(en.columns) == list(zh.columns)
    texts = {c[:-4] for c in en.columns if c.endswith("_msg")} | {"option_name", "recommended_name", "measures"}
    same = [c for c in en.columns if c not in texts]
    pd.testing.assert_frame_equal(en[same], zh[same])


def test_option_names_follow_the_language(written):
    p, out, _ = written
    zh = _read(out["zh"], "summary")
    en = _read(out["en"], "summary")
    row = zh["recommended_option"] == "lime_low_cd_rice"  # the acid Cd paddies (flooding alone misses the target)
    assert row.any()
    assert set(en.loc[row, "recommended_name"]) == {"VIP+n package: low-Cd rice + flooding + lime + foliar spray"}
    assert set(zh.loc[row, "recommended_name"]) == {"VIP+n综合降镉（低镉品种+淹水+石灰+叶面阻控）"}


def test_run_json_records_the_language(written):
    _, out, _ = written
    assert json.loads((out["zh"] / "run.json").read_text(encoding="utf-8"))["text_language"] == "zh"
    assert json.loads((out["en"] / "run.json").read_text(encoding="utf-8"))["text_language"] == "en"


def test_a_rejected_ph_reads_in_chinese_with_the_value_and_the_range(written):
    _, out, _ = written
    zh = _read(out["zh"], "rejected").set_index("地块编号")
    assert zh.loc["A2", "reasons"] == "土壤pH（水浸提）：值'15'——高于有效范围（应为数值≥ 2且≤ 11）"


def test_a_streamed_run_writes_the_same_chinese_sentences(written, tmp_path):
    p, out, src = written
    plan_stream(str(src), agriremed.Scenario(mc_draws=0), out=tmp_path, chunk_size=2, fmt="csv",
                progress=False, lang="zh")
    for name, col in (("summary", "recommendation"), ("rejected", "reasons"), ("plan", "reason")):
        streamed, whole = _read(tmp_path, name), _read(out["zh"], name)
        assert streamed[col].tolist() == whole[col].tolist(), name
    probs = _read(tmp_path, "problems")
    assert probs["problem"].map(lambda t: bool(HAN.search(t))).all()
    assert json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["text_language"] == "zh"


def test_texts_in_keeps_a_missing_text_missing_and_english_as_it_is():
    df = pd.DataFrame({"reason": ["x", None], "reason_msg": ['[["opt.data_gap_default"]]', None]})
    assert texts_in(df, "en") is df
    zh = texts_in(df, "zh")
    assert zh["reason"].iloc[1] is None
    assert zh["reason"].iloc[0] == messages.render(messages.Message.of("opt.data_gap_default"), "zh")
    assert zh["reason_msg"].tolist() == df["reason_msg"].tolist()


def test_the_measures_of_the_summary_are_chinese_with_amounts_per_mu(written):
    p, out, _ = written
    zh = _read(out["zh"], "summary").set_index("plot_id")
    en = _read(out["en"], "summary").set_index("plot_id")
    assert en.loc["A1", "measures"].startswith("This season:")
    assert zh.loc["A1", "measures"].startswith("本季：")
    assert not zh["measures"].str.contains("This season|Next season", regex=True).any()
