"""The translation table is complete: every interface text, registry label, unit, category
value and planner message the dashboards show exists in English and Chinese."""

import re
from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed import columns as C
from agriremed import i18n
from agriremed.io import InputFileError, read_table

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "agriremed"
NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def sample_plan():
    return agriremed.plan(ROOT / "data" / "samples" / "plots.csv", progress=False)


def _numbers(text):
    return NUMBER.findall(re.sub(r"CO2e|CO₂|P\d+", " ", text))


def _fully_translated(text):
    zh = i18n._translate_zh(text)
    return zh, i18n.untranslated(zh)


def test_every_row_has_both_languages():
    tr = i18n.translations()
    empty = tr.loc[(tr["en"] == "") | (tr["zh"] == "")]
    assert empty.index.tolist() == ["unit."] or empty.empty, empty


def test_every_interface_key_used_in_the_code_exists():
    literal = set()
    for path in list((SRC / "dashboards").glob("*.py")) + [SRC / "i18n.py"]:
        literal |= set(re.findall(r"[\"'](ui\.[a-z0-9_.]*[a-z0-9])[\"']", path.read_text(encoding="utf-8")))
    # keys built from a prefix and a known suffix
    built = {f"ui.section.{s}" for s in ("plot", "soil", "metals", "climate", "extractable", "other")}
    built |= {
        f"ui.problems.{c}"
        for c in ("input_row", "plot_id", "severity", "column", "value", "problem", "expected")
    }
    built |= {f"ui.compare.head_{k}" for k in ("weights", "scenario", "table", "duration", "money")}
    built |= {f"ui.portfolio.head_{k}" for k in ("errors", "map", "regions", "plots", "downloads")}
    built |= {f"ui.portfolio.download_{k}" for k in ("plan", "summary", "rejected", "report")}
    built |= {f"ui.portfolio.level{k}" for k in (1, 2, 3)} | {
        f"ui.tab.{k}" for k in ("assess", "compare", "portfolio")
    }
    built |= {f"ui.assess.placeholder_{r}" for r in ("required", "recommended", "optional")}
    missing = sorted(k for k in literal | built if k not in i18n.translations().index)
    assert missing == []
    assert len(literal) > 40  # the scan finds the keys (a scan that finds nothing cannot fail)


def test_unknown_key_is_an_error_not_a_silent_fallback():
    with pytest.raises(KeyError):
        i18n.t("ui.no.such.key", "zh")
    with pytest.raises(ValueError, match="not supported"):
        i18n.t("ui.yes", "fr")


def test_every_registry_column_has_both_labels_and_a_translated_unit():
    for col in C.COLUMNS.values():
        assert col.label_en and col.label_zh, col.name
        if col.dtype in ("float", "int"):
            assert f"unit.{col.unit}" in i18n.translations().index, f"{col.name}: unit {col.unit!r}"


def test_every_category_value_of_the_registry_is_translated():
    for col in C.COLUMNS.values():
        for cat in col.categories or ():
            key = f"value.{col.name}.{cat}"
            assert key in i18n.translations().index, key


def test_option_and_crop_names_exist_in_both_languages(tables):
    for df in (tables.options, tables.crops):
        assert (df["name_en"].str.len() > 0).all() and (df["name_zh"].str.len() > 0).all()


def test_labels_carry_translated_units():
    assert i18n.label("npv_vs_baseline_cny_ha", "zh") == "相对不治理的净现值 [元/公顷]"
    assert i18n.label("npv_vs_baseline_cny_ha", "en") == "NPV relative to doing nothing [CNY ha⁻¹]"
    assert i18n.label("area_ha", "zh") == "面积 [公顷]"
    assert i18n.label("soil_class", "zh") == "土壤类别"
    assert i18n.metals("cd+pb", "zh") == "镉、铅" and i18n.metals("Cd/Zn", "en") == "Cd/Zn"


def test_every_planner_message_of_the_sample_is_translated(sample_plan):
    texts = set(sample_plan.summary["recommendation"]) | set(sample_plan.table["reason"])
    assert len(texts) > 30
    bad = {t: u for t in texts for _zh, u in [_fully_translated(t)] if u}
    assert bad == {}


def test_translation_keeps_every_number_of_a_recommendation(sample_plan):
    for en in sample_plan.summary["recommendation"]:
        zh = i18n.message(en, "zh")
        assert zh != en
        assert sorted(_numbers(en)) == sorted(_numbers(zh)), (en, zh)


def _validation_texts(v):
    return set(v.problems["problem"]) | set(v.problems["expected"].fillna("")) - {""}


def test_every_validation_message_is_translated(tables):
    many_problems = pd.DataFrame(
        {
            "Plot": ["A", "A", "C", "D", "E", "F"],
            "land_use": ["paddy", "rice field", "水田", "", "upland", "orchard"],
            "crop": ["rice", "rice", "stone", "rice", "", "apple"],
            "area_ha": ["1", "0", "1", "-2", "1", "1"],
            "ph": ["5,6", "abc", "15", "1", "5", "6"],
            "som_pct": ["", "2", "2", "2", "200", "2"],
            "Cd (ug/kg)": ["300", "-1", "0", "", "", "1e9"],
            "pb": ["10", "", "", "", "", ""],
            "depth_m": ["0.2", "0.2", "3", "0.2", "0.2", "0.2"],
            "climate_zone": ["", "arctic", "", "", "", ""],
            "farmer": ["x"] * 6,
        }
    )
    v = agriremed.validate_plots(many_problems, tables)
    texts = _validation_texts(v)
    for path in (
        ROOT / "tests" / "bad_inputs" / "four_problems.csv",
        ROOT / "data" / "samples" / "plots_two_broken_rows.csv",
    ):
        texts |= _validation_texts(agriremed.validate_plots(path, tables))
    no_rows = agriremed.validate_plots(pd.DataFrame({"plot_id": [], "ph": []}), tables)
    texts |= _validation_texts(no_rows)
    assert len(texts) > 25
    bad = {t: u for t in texts for _zh, u in [_fully_translated(t)] if u}
    assert bad == {}


def test_file_reading_messages_are_translated(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    texts = [f"file not found: {tmp_path / 'nope.csv'}", f"{tmp_path} is a folder, not a table file"]
    with pytest.raises(InputFileError) as e:
        read_table(empty)
    texts.append(str(e.value))
    for t in texts:
        zh = i18n.message(t, "zh")
        assert zh != t and i18n.untranslated(zh) == [], (t, zh)


def test_message_examples():
    assert (
        i18n.message("soil is at or below all screening values: no remediation needed", "zh")
        == "土壤含量均不超过筛选值：无需修复"
    )
    assert i18n.message("treats cd; does not treat as+pb", "zh") == "处理镉；不处理砷、铅"
    assert (
        i18n.message("decimal comma: write the number with a point (e.g. 5.6)", "zh")
        == "使用了小数逗号：请用小数点书写（如5.6）"
    )
    assert i18n.message("a number ≥ 2 and ≤ 11", "zh") == "数值≥ 2且≤ 11"


def test_a_message_without_pattern_stays_english_whole():
    text = "brings Cd to the screening value in about 3 yr; a brand-new clause nobody translated"
    assert i18n.message(text, "zh") == text
    assert i18n.message(text, "en") == text
    assert i18n.untranslated("地块 uses new words") == ["uses", "new", "words"]


def test_quoted_input_and_file_names_are_not_counted_as_untranslated():
    assert i18n.untranslated("表头'Soil Type'识别为ph") == []
    assert i18n.untranslated("my_plots.csv按GB18030编码读取") == []
