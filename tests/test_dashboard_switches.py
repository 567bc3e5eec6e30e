"""The dashboards' scenario switches (issue 16): rule set, economics view and non-compliant-grain rule.

Driven from Python as in ``tests/test_dashboards.py``: set a switch, then compare what the page shows
with an independent :func:`agriremed.plan` of the same scenario, and with the scenario the ``plan``
command builds from ``--rules``, ``--economics-view`` and ``--noncompliant-grain``.
"""

import html
import re
from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.apps import cli
from agriremed.apps.dashboards import App, OptionComparison, Portfolio
from agriremed.apps.dashboards._base import fmt_number
from agriremed.core.tables import load_tables

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "plots.csv"

#: A 长株潭 strict-control paddy (Zhuzhou Lukou, pH 5.0, Cd 2.0 mg/kg) on permanent basic farmland,
#: where fallow is compensated (1 300 CNY/mu a year, subsidies.csv czt_fallow_2016).
CZT_STRICT = pd.DataFrame([dict(
    plot_id="CZT-strict", region="Hunan/Zhuzhou/Lukou", land_use="paddy", crop="rice", area_ha=0.35, ph=5.0,
    som_pct=3.0, clay_pct=28, cd_mg_kg=2.0, pb_mg_kg=70, as_mg_kg=15, hg_mg_kg=0.25, cu_mg_kg=30, zn_mg_kg=150,
    basic_farmland="yes")])

NO_DRAWS = agriremed.Scenario(mc_draws=0)


def heads(html_text, table_id):
    """Column name → header text of the HTML table ``table_id``."""
    table = re.search(rf"<table[^>]*id='{table_id}'.*?</table>", html_text, re.S).group(0)
    return {c: html.unescape(t) for c, t in re.findall(r"<th data-col='([^']*)'>(.*?)</th>", table)}


def column(html_text, table_id, col):
    """Texts of column ``col`` of the HTML table ``table_id``, top to bottom."""
    table = re.search(rf"<table[^>]*id='{table_id}'.*?</table>", html_text, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    return [html.unescape(re.search(rf"<td data-col='{col}'[^>]*>(.*?)</td>", r, re.S).group(1)) for r in rows]


def ranked(p):
    return p.table.loc[p.table["applicable"].astype(bool)].sort_values("rank")


@pytest.fixture(scope="module")
def compare():
    return OptionComparison(CZT_STRICT, background=False, scenario=NO_DRAWS)


def test_economics_view_farmer_changes_the_counted_column_and_the_ranking(compare):
    counted = " — counted in the ranking"
    h = heads(compare.table_html.value, "options-table")
    assert h["npv_vs_baseline_cny_ha"].endswith(counted) and not h["npv_farmer_vs_baseline_cny_ha"].endswith(counted)
    assert "economics counted in the ranking: combined: farmer and programme together" in compare.settings.value
    combined = [html.unescape(n) for n in column(compare.table_html.value, "options-table", "option_name")]

    compare.switches.economics_view.value = "farmer"
    assert compare.result.scenario.economics_view == "farmer"
    independent = agriremed.plan(CZT_STRICT, NO_DRAWS.replace(economics_view="farmer"), progress=False)
    t = ranked(independent)
    page = compare.table_html.value
    h = heads(page, "options-table")
    assert h["npv_farmer_vs_baseline_cny_ha"] == "Farmer's NPV relative to doing nothing [CNY ha⁻¹]" + counted
    assert not h["npv_vs_baseline_cny_ha"].endswith(counted)
    # the rows in the farmer view's rank order, its farmer NPVs and economics reasons, as the planner gives them
    assert column(page, "options-table", "option_name") == t["option_name"].tolist() != combined
    assert column(page, "options-table", "npv_farmer_vs_baseline_cny_ha") == [
        fmt_number(x, signed=True) for x in t["npv_farmer_vs_baseline_cny_ha"]]
    assert t["option_id"].tolist()[:2] == ["sorghum", "fallow"]  # fallow (paid 1 300 CNY/mu a year) moves up
    assert column(page, "options-table", "npv_farmer_vs_baseline_cny_ha")[:2] == ["+19,023", "+253,524"]
    # the money chart shows the counted column: the farmer's NPV of each applicable option
    npv = compare.money_fig.figure.data[0]
    assert list(npv.x) == pytest.approx(t["npv_farmer_vs_baseline_cny_ha"].tolist())
    assert any("Farmer's NPV relative to doing nothing" in a.text for a in compare.money_fig.figure.layout.annotations)
    assert compare.recommendation_text() == independent.summary["recommendation"].iloc[0]
    assert "farmer's NPV +19,023 CNY/ha" in compare.recommendation_text()
    assert "economics counted in the ranking: farmer, with subsidies and compensation received" in compare.settings.value
    assert "data-economics-view='farmer'" in compare.settings.value
    compare.set_lang("zh")
    assert "排序计入的经济账户：农户（含所获补贴和补偿）" in compare.settings.value
    assert heads(compare.table_html.value, "options-table")["npv_farmer_vs_baseline_cny_ha"].endswith("（计入排序）")
    assert compare.switches.economics_view.description == "排序计入的经济账户"
    compare.set_lang("en")
    compare.switches.economics_view.value = "combined"


def test_grain_rule_and_rule_set_switches_plan_as_the_cli(compare):
    compare.switches.noncompliant_grain.value = "state_purchase"
    compare.switches.rule_set.value = "none"
    args = cli.build_parser().parse_args(["plan", "x.csv", "--out", "o", "--draws", "0", "--rules", "none",
                                          "--noncompliant-grain", "state_purchase"])
    s = cli._plan_scenario(args)
    assert compare.current_scenario() == s.replace(weights=compare.current_scenario().weights)
    independent = agriremed.plan(CZT_STRICT, s, progress=False)
    pd.testing.assert_frame_equal(compare.result.summary, independent.summary)
    assert compare.result.summary["rule_set"].tolist() == ["none"]
    assert "rule set none · " in compare.settings.value
    assert ("grain over the food limit: State purchase and storage (收储) at the normal price"
            in compare.settings.value)
    compare.set_lang("zh")
    assert "管控规则无（研究情景）" in compare.settings.value and "超标粮食：政府按正常价格收储" in compare.settings.value
    compare.set_lang("en")
    compare.switches.rule_set.value = "auto"
    # under auto the page says which set each plot got
    assert "rule set auto (per plot: china in China; none elsewhere): china · " in compare.settings.value
    assert compare.result.summary["rule_set"].tolist() == ["china"]


def test_a_users_rule_set_is_offered_and_applied(tmp_path):
    # agriremed dash --tables DIR with a land_rules.csv of another jurisdiction (the CLI's --tables)
    (tmp_path / "land_rules.csv").write_text(
        "rule_id,rule_set,soil_class,land_use,basic_farmland,applies_to,status,label_en,label_zh,reason_en,"
        "reason_zh,source,note\n"
        "xx_no_trees_test,xx,*,*,any,trees,forbidden,test: no trees,测试：禁止植树,test rule: no trees,"
        "测试规则：禁止植树,agriremed_assumption,test\n", encoding="utf-8")
    tables = load_tables(tmp_path)
    d = OptionComparison(CZT_STRICT.assign(basic_farmland="no"), background=False, scenario=NO_DRAWS,
                         tables=tables)
    assert [v for _, v in d.switches.rule_set.options] == ["auto", "china", "none", "xx"]
    d.switches.rule_set.value = "xx"
    t = d.result.table.set_index("option_id")
    assert not t.loc["willow_src", "applicable"] and "test rule: no trees" in t.loc["willow_src", "reason"]
    assert d.result.summary["rule_set"].tolist() == ["xx"] and "rule set xx · " in d.settings.value


def test_portfolio_switches_plan_the_table_again_and_the_app_links_them():
    a = App(SAMPLE, background=False, scenario=NO_DRAWS)
    p = a.portfolio
    assert "data-economics-view='combined'" in p.settings.value
    a.comparison.switches.economics_view.value = "farmer"  # set on the comparison tab
    assert p.switches.economics_view.value == "farmer" and p.result.scenario.economics_view == "farmer"
    independent = agriremed.plan(SAMPLE, NO_DRAWS.replace(economics_view="farmer"), progress=False)
    pd.testing.assert_frame_equal(p.result.summary, independent.summary)
    assert "economics counted in the ranking: farmer, with subsidies and compensation received" in p.settings.value
    assert p.downloads["report"].disabled is False
    a.set_lang("zh")
    p.refresh()
    assert "排序计入的经济账户：农户" in p.settings.value


def test_portfolio_alone_states_its_grain_rule():
    p = Portfolio(CZT_STRICT, background=False, scenario=NO_DRAWS.replace(noncompliant_grain="destroyed"))
    assert p.switches.noncompliant_grain.value == "destroyed"
    assert "grain over the food limit: Not sold: destroyed or disposed of" in p.settings.value
    p.switches.noncompliant_grain.value = "discount_sale"
    assert p.result.scenario.noncompliant_grain == "discount_sale"
    assert "grain over the food limit: Sold at a discount for feed or industrial use" in p.settings.value
