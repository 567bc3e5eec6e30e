"""report.html in English and Chinese: title with region and date, plain-language summary,
readable numbers, print layout, glossary; the streamed plan's report from its totals."""

import html
import re
from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.core import i18n
from agriremed.apps.cli import main
from agriremed.io.report import PlanDigest, Section, plain_summary, region_title, report_html
from agriremed.io.synthetic import synthetic_plots

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def _no_urls(text: str) -> str:
    """``text`` without its web addresses (a source's URL may hold "…4b8e-94e4…", not a number)."""
    return re.sub(r"(?:https?://|www\.|doi\.org/)\S+", "", text)


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(
        SAMPLES / "plots_two_broken_rows.csv", agriremed.Scenario(mc_draws=20), progress=False
    )


def _text(doc: str) -> str:
    """Visible text of the report (scripts and styles removed)."""
    doc = re.sub(r"<script[^>]*>.*?</script>|<style>.*?</style>", " ", doc, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", doc))


@pytest.mark.parametrize(
    "regions,lang,title",
    [
        (["Hunan/Zhuzhou/Lukou", "Hunan/Zhuzhou/Youxian", "Hunan/Zhuzhou/Lukou"], "en", "Hunan/Zhuzhou"),
        (["湖南省株洲市渌口区A村", "湖南省株洲市渌口区B村"], "zh", "湖南省株洲市渌口区"),
        (["湖南省株洲市渌口区", "湖南省湘潭市湘潭县"], "zh", "湖南省"),
        # parts, not letters: Zhuzhou and Zhangjiajie share "Zh" but no part
        (["Hunan Zhuzhou", "Hunan Zhangjiajie"], "en", "Hunan"),
        (["Hunan/Zhuzhou", "Guangxi/Hechi"], "en", "Guangxi/Hechi, Hunan/Zhuzhou"),
        (["A/x", "B/x", "C/x", "D/x", "E/x"], "en", "A/x, B/x, C/x and 2 more"),
        (["A/x", "B/x", "C/x", "D/x", "E/x"], "zh", "A/x、B/x、C/x等5个地区"),
        ([None, "", float("nan")], "en", "region not given"),
        ([], "zh", "未填写地区"),
    ],
)
def test_region_title(regions, lang, title):
    assert region_title(regions, lang) == title


def test_plain_summary_counts_areas_and_money_by_hand(plan):
    d = PlanDigest.from_plan(plan)
    s = plan.summary
    assert d.n_planned == 16 and d.area_ha == pytest.approx(s["area_ha"].sum())
    npv = (s["npv_vs_baseline_cny_ha"] * s["area_ha"]).sum()
    assert d.npv_cny() == pytest.approx(npv)
    en = plain_summary(d, "en", n_rejected=2, horizon_yr=20)
    strict = s.loc[s["soil_class"] == "strict_control"]
    assert (
        en[0] == f"16 plots covering {agriremed.io.outputs.format_number(s['area_ha'].sum())} ha "
        f"({agriremed.io.outputs.format_number(s['area_ha'].sum() * 15)} mu) were planned."
    )
    assert en[1].startswith("2 rows of the input could not be planned")
    assert (
        f"strict control {len(strict)} plots ({agriremed.io.outputs.format_number(strict['area_ha'].sum())} ha "
        f"({agriremed.io.outputs.format_number(strict['area_ha'].sum() * 15)} mu))"
        in en[2]
    )
    money = f"worth {agriremed.io.outputs.format_number(npv)} CNY in total over 20 years"
    assert any(money in x for x in en)
    zh = plain_summary(d, "zh", n_rejected=2, horizon_yr=20)
    # mu first in Chinese, the unit of a county's land records, and for each class too
    assert zh[0] == (f"共规划16个地块，面积{agriremed.io.outputs.format_number(s['area_ha'].sum() * 15)}亩"
                     f"（{agriremed.io.outputs.format_number(s['area_ha'].sum())}公顷）。")
    assert (f"严格管控类{len(strict)}个地块（{agriremed.io.outputs.format_number(strict['area_ha'].sum() * 15)}亩"
            f"（{agriremed.io.outputs.format_number(strict['area_ha'].sum())}公顷））") in zh[2]
    assert not any(i18n.untranslated(x) for x in zh), [i18n.untranslated(x) for x in zh]


def test_the_digest_ledger_equals_the_ledger_of_the_recommended_options(plan):
    """Σ term × area over the recommended options, from the plan table's term columns, equals the
    long ledger's rows."""
    d = PlanDigest.from_plan(plan)
    rec = plan.table.loc[plan.table["recommended"], ["plot_id", "option_id"]]
    lg = plan.carbon_ledger.merge(rec, on=["plot_id", "option_id"]).merge(
        plan.summary[["plot_id", "area_ha"]]
    )
    by_term = (lg["co2e_t_ha_yr"] * lg["area_ha"]).groupby(lg["term"]).sum()
    got = {t: v for (t, _), v in d.ledger_t_yr.items()}
    assert set(got) == set(by_term.index)
    for t, v in by_term.items():
        assert got[t] == pytest.approx(v, abs=1e-9), t


def _figure_texts(doc: str) -> tuple[list[str], list[str]]:
    """The hover templates and the titles of the plotly figures of a report (JSON strings decoded)."""
    import json

    def found(pattern):
        return [json.loads(f'"{x}"') for x in re.findall(pattern, doc)]

    return (found(r'"hovertemplate":"((?:[^"\\]|\\.)*)"'), found(r'"title":\{"text":"((?:[^"\\]|\\.)*)"'))


def test_chinese_report_has_chinese_title_labels_and_no_exponents(plan):
    doc = report_html(plan, lang="zh", date="2026-12-04")
    text = _text(doc)
    assert "<html lang='zh-CN'>" in doc
    assert "<title>受污染耕地修复治理方案 — " in doc
    assert "编制日期：2026年12月4日 · agriremed " in text and f"随机种子 {plan.scenario.seed}" in text
    for head in (
        "概要",
        "无法规划的行（2）",
        "推荐方案",
        "图表",
        "全部方案（地块×方案）",
        "术语表",
        "数据来源",
    ):
        assert head in text, head
    assert "安全利用类" in text and "水田 / 水稻" in text and "相对不治理的净现值 [元/公顷]" in text
    # the figures' hovers and axis titles (plotly JSON) in Chinese units; the area in mu, as the summary states it
    hovers, titles = _figure_texts(doc)
    for h in hovers + titles:
        for en in ("screening value", " yr", "CNY", "CO2e", "[ha]", "plot ", "year "):
            assert en not in h, h
    assert "面积 [亩]" in titles and "相对不治理的净现值 [元/公顷]" in titles and "达标年限P50 [年]" in titles
    assert "地块 %{y}<br>%{x}: %{text} × 筛选值<extra></extra>" in hovers
    assert "%{x}<br>%{y:,.1f} 亩（%{customdata:,.2f} 公顷）<extra>%{fullData.name}</extra>" in hovers
    assert "低镉水稻品种（VIP：V）" in text  # option names from options.csv
    assert "逗号分隔文件中使用了小数逗号" in text  # rejected-row reason translated
    # residue notes in Chinese (their English text never shows)
    assert "超富集植物生物质：其残余物属危险废物，不得用作土壤改良剂" in text
    assert "never a soil amendment" not in text and "test the residue before any use" not in text
    assert "IPCC 2019 Tier 1：SOC_ref·F_LU·F_MG·F_I，20年线性过渡" in text  # ledger methods in Chinese
    assert "20-yr linear transition" not in text
    assert not re.search(r"\de[+-]\d", _no_urls(text)), re.findall(r".{20}\de[+-]\d.{10}", _no_urls(text))
    # the plain-language summary comes before the first table
    assert text.index("共规划16个地块") < text.index("地块编号")
    # charts still render offline: plotly.js inlined once, nothing fetched
    assert doc.count("plotly.js v") <= 2 and not re.search(r"<script[^>]+src=[\"']https?://", doc)


def test_english_report_numbers_and_print_layout(plan):
    doc = report_html(plan, lang="en", date="2026-12-04")
    text = _text(doc)
    assert "<title>Remediation plan for contaminated farmland — " in doc
    assert "Prepared 2026-12-04 · agriremed" in text
    assert not re.search(r"\de[+-]\d", _no_urls(text))
    # thousands separators in the tables (an NPV of a plot × option beyond ±1 000 CNY/ha)
    assert re.search(r"<td class='num'>-?\d{1,3},\d{3}</td>", doc)
    # print: page numbers in the footer, folded sections open, tables wrap instead of being cut
    assert "@page{" in doc and "counter(page)" in doc and "counter(pages)" in doc
    assert "beforeprint" in doc and "details::details-content" in doc
    assert "overflow-wrap:anywhere" in doc and "thead{display:table-header-group}" in doc
    # the glossary maps labels to column names, units and descriptions
    assert "Glossary" in text and "npv_vs_baseline_cny_ha" in text and "Strict control (严格管控类)" in text



def test_wide_tables_scroll_in_their_own_box(plan):
    """Every table (the recommendation table ~1 060 px wide among them) sits in a box that scrolls
    sideways, and the scenario's one-line JSON scrolls too: the page is never wider than a phone
    (checked in Chromium by tests/e2e/test_handover_browser.py)."""
    doc = report_html(plan, lang="zh", date="2026-12-04")
    assert doc.count("<table>") > 5
    assert doc.count("<table>") == doc.count("<div class='tablebox'><table>")
    assert ".tablebox,pre{overflow-x:auto;max-width:100%}" in doc
    assert "<pre>" in doc

def test_input_text_cannot_break_out_of_the_page_footer(plan):
    doc = report_html(plan, lang="en", title='x"};</style><script>alert(1)</script>', date="2026-12-04")
    assert "<script>alert(1)</script>" not in doc
    assert "\\22 " in doc and "\\3c /style\\3e " in doc


def test_extra_sections_go_after_the_figures(plan):
    doc = report_html(plan, extra_sections=[Section("map", "Map of the plots", "<p>map</p>")])
    assert doc.index("id='figures'") < doc.index("id='map'") < doc.index("id='why'")


def test_chunked_cli_writes_a_report_from_totals(tmp_path, capsys):
    f = tmp_path / "p.csv"
    df = synthetic_plots(120, seed=8)
    df.loc[3, "ph"] = 15  # one rejected row
    df.to_csv(f, index=False)
    out = tmp_path / "o"
    assert (
        main(
            [
                "plan",
                str(f),
                "--out",
                str(out),
                "--draws",
                "0",
                "--chunk-size",
                "50",
                "--format",
                "csv",
                "--lang",
                "zh",
                "--quiet",
            ]
        )
        == 0
    )
    capsys.readouterr()
    doc = (out / "report.html").read_text(encoding="utf-8")
    text = _text(doc)
    s = pd.read_csv(out / "summary.csv")
    assert len(s) == 119
    assert "共规划119个地块" in text and "输入中有1行无法规划" in text
    assert "本报告未包含的内容" in text and "分3块规划" in text
    area = s.groupby("recommended_option")["area_ha"].sum().sort_values(ascending=False)
    top = area.index[0]
    assert f"{i18n.option_name(top, 'zh')}{(s['recommended_option'] == top).sum()}个地块" in text
    assert not re.search(r"\de[+-]\d", _no_urls(text))
    # the same totals as the in-memory plan's report
    whole = agriremed.plan(f, agriremed.Scenario(mc_draws=0), progress=False)
    d = PlanDigest.from_plan(whole)
    assert plain_summary(d, "zh", n_rejected=1, horizon_yr=20)[3] in text
    import json

    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert {"report.html", "plan.xlsx"} <= set(run["files"])


def test_the_dashboard_report_download_follows_the_page_language():
    from agriremed.apps.dashboards.portfolio import Portfolio

    p = Portfolio(SAMPLES / "plots_two_broken_rows.csv", chunk_size=5, background=False)
    en = p.downloads["report"].payload().decode("utf-8")
    assert "<title>Remediation plan for contaminated farmland" in en
    p.set_lang("zh")
    doc = p.downloads["report"].payload().decode("utf-8")
    assert "<title>受污染耕地修复治理方案" in doc and "逗号分隔文件中使用了小数逗号" in doc


def _cjk(s: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", s))


def test_chinese_glossary_describes_every_column_in_chinese(plan):
    doc = report_html(plan, lang="zh", date="2026-12-04")
    gloss = doc[doc.index("id='glossary'"):]
    gloss = gloss[: gloss.index("</section>")] if "</section>" in gloss else gloss
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>[^<]*</td><td class='long'>([^<]*)</td></tr>", gloss)
    assert len(rows) > 50
    english = [(name, d) for _, name, d in rows if not _cjk(d)]
    assert english == []  # the column name (a machine name) is the only English in a row
    d = {name: html.unescape(desc) for _, name, desc in rows}
    assert d["area_ha"] == "面积；单位：公顷；取值范围：> 0，≤ 1,000,000"
    assert d["land_use"] == "土地利用类型；取值：水田、旱地、果园、菜地、边际土地"
    assert d["npv_vs_baseline_cny_ha"] == "规划期内净现值减去不治理的净现值（合并账户）"  # its own text (i18n.csv)
    assert "（说明为英文）" not in doc
    # in English the registry's descriptions
    en = report_html(plan, lang="en", date="2026-12-04")
    assert i18n.description("area_ha", "en") in en


#: A cell that is an internal code rather than words: a snake_case id (``cn_safe_keep_food``,
#: ``site_assessment``), a dotted message code (``rec.stabilises``) or a raw boolean.
_CODE_CELL = re.compile(r"^(?:[a-z]+(?:_[a-z0-9]+)+|[a-z]+(?:\.[a-z0-9_]+)+|true|false|True|False)$")


def _section_cells(doc: str, key: str) -> dict[str, list[str]]:
    """Visible text of every table cell of the report section ``key``, by column heading."""
    sec = doc[doc.index(f"<section id='{key}'"):]
    sec = sec[: sec.index("</section>")]
    heads = [html.unescape(h) for h in re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", sec, flags=re.S)]
    out: dict[str, list[str]] = {h: [] for h in heads}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", sec, flags=re.S):
        for h, c in zip(heads, re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S), strict=False):
            out[h].append(html.unescape(re.sub(r"<[^>]+>", "", c)).strip())
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plan_tables_of_the_report_print_words_not_codes(plan, lang):
    """The recommendation, every-option and soft re-use tables show the policy rule (its reason
    in land_rules.csv) and the GB 36600 exposure check as words, never as codes."""
    doc = report_html(plan, lang=lang, date="2026-12-04")
    rules = plan.tables.land_rules.set_index("rule_id")[f"reason_{lang}"]
    for key in ("recommendations", "options", "soft_reuse"):
        cells = _section_cells(doc, key)
        assert cells and any(cells.values()), key
        codes = {(h, c) for h, col in cells.items() for c in col if _CODE_CELL.match(c) or c in rules.index}
        assert codes == set(), (key, sorted(codes)[:5])
    rule_head = i18n.label("policy_rule", lang, with_unit=False)
    options = _section_cells(doc, "options")[rule_head]
    assert rules["cn_safe_keep_food"] in options and rules["cn_strict_risk_control"] in options
    rec = _section_cells(doc, "recommendations")
    hn01 = rec[i18n.t("ui.report.col_rule", lang)][rec[i18n.t("ui.report.col_plot", lang)].index("HN-ZZ-01")]
    assert hn01 == i18n.value("rule_set", "china", lang) + i18n.colon(lang) + rules["cn_safe_keep_food"]
    exposure = _section_cells(doc, "soft_reuse")[i18n.label("exposure_verdict", lang, with_unit=False)]
    assessed = {"en": "site investigation and risk assessment needed (GB 36600 screening value exceeded)",
                "zh": "须开展场地调查与风险评估（超过GB 36600筛选值）"}[lang]
    assert assessed in exposure and "site_assessment" not in exposure
