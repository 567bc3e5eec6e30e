"""The farmer's plot sheet names no table file (``crops.csv``) and no column id (``depth_m``,
``production_cost_cny_ha_yr``): the compensation basis, the climate and soil-mass notes and the
assumed inputs say "the library's typical values" / "库中典型值" and name the inputs in plain words,
in English and in Chinese; a subsidy is shown by its name, not its row id; and a rule whose text
already gives its 文号 is not followed by the same citation again.

Inputs: the 16 sample plots, and two county sheets of review panel 24 (``tests/sheets/panel24_*``:
the 20 policy cases of C_decisions.csv and the 攸县 field sheet A_hunan_gbk.csv, GBK-encoded)."""

import re
from pathlib import Path

import pytest

import agriremed
from sheettext import sheet_text
from agriremed.core import messages

ROOT = Path(__file__).resolve().parents[1]
INPUTS = {
    "samples": ROOT / "data" / "samples" / "plots.csv",
    "C_decisions": ROOT / "tests" / "sheets" / "panel24_C_decisions.csv",
    "A_hunan_gbk": ROOT / "tests" / "sheets" / "panel24_A_hunan_gbk.csv",
}
#: A snake_case id (``depth_m``, ``yield_t_ha``, ``czt_fallow_2016``); ASCII word boundaries, so an id
#: written right after a Chinese character (``见covariate_defaults``) is found too. No allow-list is
#: needed: no sheet of these inputs holds a legitimate snake_case word.
SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b", re.ASCII)
FILE = re.compile(r"\w*\.csv", re.ASCII)


@pytest.fixture(scope="module")
def plans():
    return {k: agriremed.plan(f, agriremed.Scenario(mc_draws=100), seed=7, progress=False)
            for k, f in INPUTS.items()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sheets_name_no_file_and_no_column_id(plans, lang):
    n = {k: len(p.summary) for k, p in plans.items()}
    # the county sheet's rows read grow as the reader learns its cell formats (10 of 16 at the time of writing)
    assert (n["samples"], n["C_decisions"]) == (16, 20) and n["A_hunan_gbk"] >= 10
    found, texts = {}, {}
    for name, plan in plans.items():
        for pid in plan.summary["plot_id"]:
            text = texts[name, pid] = sheet_text(plan, pid, lang)
            hits = FILE.findall(text) + SNAKE.findall(text)
            if hits:
                found[name, pid] = sorted(set(hits))
    assert found == {}
    # the lost income of a strict-control paddy: the library's typical values, with their sources
    hx = texts["samples", "HN-XT-02"].replace(" ", "")
    assert ("(thelibrary'stypicalyield,priceandproductioncost;sources:NationalBureauofStatisticsofChina2024;"
            "NDRC2024;projectassumption)" if lang == "en"
            else "（库中典型的产量、价格和生产成本；来源：国家统计局2024；国家发展改革委2024；本工具假设）") in hx
    assert ("thelibraryholdsnocompensationfor" if lang == "en" else "无补偿（每亩每年0元）：库中没有适用于") in hx
    # the 2016 fallow compensation by its name only, as one of the library's typical values
    c07 = texts["C_decisions", "C07-ZZ-veg-strict"].replace(" ", "")
    assert ("Changsha–Zhuzhou–Xiangtanheavy-metalfallowcompensation(thelibrary'stypicalvalues)" if lang == "en"
            else "长株潭重金属污染区休耕补助（库中典型值）") in c07
    # the climate: the inputs by their plain names (YX-016's sorghum, 0.383 vs miscanthus 0.382 since the CH4
    # of rice given up is no longer sold as a credit, names the missing rainfall)
    yx = texts["A_hunan_gbk", "YX-016"].replace(" ", "")
    assert ("theplot'sannualrainfallisnotgiven—ondrierlandthecropyieldsless(givetheplot'sannualrain)" if lang == "en"
            else "本地块未填年降水量，较干旱的土地产量更低（请补填年降水量）") in yx
    # the soil mass (a plot giving bulk density or depth as blank cells that are not defaulted)
    m = messages.Message.of("rec.cleanup_unknown_mass", metals="Cd", goal="screening")
    assert messages.render(m, lang).endswith(
        "the soil mass needs the plot's bulk density and plough-layer depth (give both)" if lang == "en"
        else "计算土壤质量需要地块的土壤容重和耕层厚度（请填写土壤容重和耕层厚度）")


def test_a_citation_the_rule_text_names_is_not_repeated():
    m = messages.Message.of("opt.policy_rule", rule_set="china", rule="cn_pv_no_basic_farmland",
                            sources="mnr2023_pv_land")
    en, zh = messages.render(m, "en"), messages.render(m, "zh")
    assert en.endswith("may not occupy permanent basic farmland (自然资办发〔2023〕12号)")
    assert en.count("自然资办发〔2023〕12号") == 1 and zh.count("自然资办发〔2023〕12号") == 1
    assert zh.endswith("一律不得占用永久基本农田（自然资办发〔2023〕12号）")
    # a citation the text does not name is still given
    both = messages.Message.of("opt.policy_rule", rule_set="china", rule="cn_pv_no_basic_farmland",
                               sources="mnr2023_pv_land;agriremed_assumption")
    assert messages.render(both, "en").endswith("(自然资办发〔2023〕12号) (project assumption)")
    assert messages.render(both, "zh").endswith("（自然资办发〔2023〕12号）（本工具假设）")


def test_assumed_inputs_are_the_librarys_typical_values():
    m = messages.Message.of("rec.assumed_inputs", inputs="som_pct=2.5|clay_pct=20", metal="cd")
    assert "(the library's typical values for this land use in China)" in messages.render(m, "en")
    assert "（库中我国同类用地的典型值）" in messages.render(m, "zh")
    assert ".csv" not in messages.render(m, "en") + messages.render(m, "zh")


#: Message families that reach the recommendation sentence and the sheet (rec., comp., mon., dur., money.) and
#: the sheet's own texts (ui.sheet., ui.step.). The one exception names a data table as such: the report's
#: compensation section says where the compensation rates come from, for a user who overrides them.
READER_FAMILIES = re.compile(r"(rec|comp|mon|dur|money)\.")
LABELLED_TABLES = {"comp.report_intro"}


def test_reader_templates_name_no_file_and_no_column_id():
    import pandas as pd

    from agriremed.core import i18n

    found = []
    for lang in ("en", "zh"):
        for code, template in messages.catalogue(lang).items():
            if READER_FAMILIES.match(code) and code not in LABELLED_TABLES:
                literal = re.sub(r"\{[^}]*\}", "", template)
                found += [(lang, code, x) for x in FILE.findall(literal) + SNAKE.findall(literal)]
    tr = i18n.translations()
    for key in tr.index[pd.Series(tr.index).str.match(r"ui\.(sheet|step)\.").to_numpy()]:
        for lang in ("en", "zh"):
            literal = re.sub(r"\{[^}]*\}", "", str(tr.loc[key, lang]))
            found += [(lang, key, x) for x in FILE.findall(literal) + SNAKE.findall(literal)]
    assert found == []
    # the report's compensation section names the table as one of the library's data tables
    assert "of the library (data table subsidies.csv)" in messages.catalogue("en")["comp.report_intro"]
    assert "库中（数据表subsidies.csv）" in messages.catalogue("zh")["comp.report_intro"]
