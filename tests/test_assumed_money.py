"""Money a reader can trace: an assumed subsidy is said to be one (sentence, plot sheet, the report's assumptions),
a compensated fallow beside a recommended crop is named, the report's headline money is split by account, and
every plot's excluded options are in the printed report."""

import re
import html

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.io import report
from sheettext import sheet_text

COLS = ["plot_id", "region", "land_use", "crop", "area_ha", "ph", "som_pct", "clay_pct", "cd_mg_kg", "pb_mg_kg",
        "as_mg_kg", "hg_mg_kg", "cu_mg_kg", "zn_mg_kg", "basic_farmland"]
#: a reviewer's panel: a light Changsha paddy (VIP+n, the 长株潭 materials subsidy), mine wasteland, a strict-control
#: Zhuzhou paddy (sorghum recommended, fallow paid 1 300 CNY/mu/yr) and safe wasteland under a PV plant
ROWS = [
    ["R01-HN-light", "Hunan/Changsha/Liuyang", "paddy", "rice", 0.30, 5.3, 3.2, 30, 0.50, 45, 12, 0.15, 25, 90, "yes"],
    ["R16-HN-mine", "Hunan/Chenzhou/Suxian", "marginal", "none", 2.00, 4.5, 1.0, 15, 8.00, 1500, 300, 0.50, 300, 1500,
     "no"],
    ["R19-HN-strict-bfyes", "Hunan/Zhuzhou/Lukou", "paddy", "rice", 0.35, 5.0, 3.0, 28, 2.00, 70, 15, 0.25, 30, 150,
     "yes"],
    ["R28-HN-mine-safe-wl", "Hunan/Chenzhou/Suxian", "marginal", "none", 1.00, 5.0, 1.0, 15, 0.80, 200, 35, 0.20, 60,
     300, "no"],
]
ANNUITY = (1 - 1.06 ** -20) / 0.06    # 20 yr at 6 %: 11.4699


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(pd.DataFrame(ROWS, columns=COLS), agriremed.Scenario(mc_draws=0), progress=False)


def _rec(plan, pid):
    t = plan.table
    return t.loc[(t["plot_id"] == pid) & t["recommended"].astype(bool)].iloc[0]


def test_sentence_says_the_vip_materials_subsidy_is_an_assumption(plan):
    s = plan.summary.set_index("plot_id")
    assert s.at["R01-HN-light", "recommended_option"] == "lime_low_cd_rice"
    assert _rec(plan, "R01-HN-light")["subsidy_cny_ha"] > 0
    en = s.at["R01-HN-light", "recommendation"]
    assert (" (counting VIP+n materials supplied by the programme (Changsha–Zhuzhou–Xiangtan), a subsidy the planner "
            "assumes: the amount paid is not confirmed; see Assumptions used), ") in en  # the carbon figure follows
    assert "for the farmer +" in en  # the farmer's figure the clause qualifies
    zh = messages.column_texts(plan.summary.loc[plan.summary["plot_id"] == "R01-HN-light"], "recommendation", "zh")[0]
    assert "（含长株潭VIP+n物资补贴，该补贴为本工具假设，实际发放金额未经核实，见“所用假设”）" in zh
    # the fallow compensation of 长株潭 is sourced (rednet2016_fallow): no such clause on a plot without assumed pay
    for pid in ("R16-HN-mine", "R19-HN-strict-bfyes", "R28-HN-mine-safe-wl"):
        assert "a subsidy the planner assumes" not in s.at[pid, "recommendation"]


def test_farmer_view_sentence_also_flags_the_assumed_subsidy():
    p = agriremed.plan(pd.DataFrame(ROWS[:1], columns=COLS), agriremed.Scenario(mc_draws=0, economics_view="farmer"),
                       progress=False)
    en = p.summary["recommendation"].iloc[0]
    assert "farmer's NPV" in en and "a subsidy the planner assumes: the amount paid is not confirmed;" in en


def test_plot_sheet_states_the_subsidy_the_sentence_counts(plan):
    r = _rec(plan, "R01-HN-light")
    per_mu = r["subsidy_cny_ha"] / ANNUITY / 15.0           # the PV of the cost share as an equal yearly amount
    plot = r["subsidy_cny_ha"] / ANNUITY * 0.30
    en = sheet_text(plan, "R01-HN-light", "en")
    assert "subsidies not included" in en                   # the cash flows leave it out …
    want = (f"Subsidies counted in the recommendation's farmer figure, not in the cash flows above: VIP+n materials "
            f"supplied by the programme (Changsha–Zhuzhou–Xiangtan), about {per_mu:,.0f} CNY/mu a year ({plot:,.0f} "
            f"CNY a year on the plot; the 20-yr total as an equal yearly amount)")
    squeeze = lambda x: re.sub(r"\s+", "", x)  # noqa: E731  (the PDF text breaks lines without spaces)
    assert squeeze(want) in squeeze(en)                     # … the line says what the sentence counts
    assert squeeze("is an assumption of the planner: the amount paid is not confirmed, check it locally") in squeeze(en)
    zh = sheet_text(plan, "R01-HN-light", "zh")
    assert (f"推荐意见中农户收益计入的补贴（未计入上述现金流）：长株潭VIP+n物资补贴，约每亩每年{per_mu:,.0f}元"
            f"（地块每年{plot:,.0f}元；20年合计折为每年等额）") in zh
    assert "长株潭VIP+n物资补贴为本工具假设，实际发放金额未经核实，请向当地核实" in zh
    assert "Subsidies counted" not in sheet_text(plan, "R16-HN-mine", "en")


def test_report_assumptions_list_the_subsidy_and_the_grain_discount(plan):
    notes = report._assumptions(plan.tables, plan.scenario)
    sub = notes.loc[notes["table"] == "subsidies"]
    assert sub["entry"].tolist() == ["cost_share.czt_vip_materials"]
    assert sub["value"].tolist() == [1] and sub["range"].tolist() == ["0 – 1"]
    grain = notes.loc[notes["table"] == "noncompliant_grain"]
    assert grain["entry"].tolist() == ["discount_sale"]     # the scenario's rule only
    assert grain["value"].tolist() == [0.6] and grain["range"].tolist() == ["0.4 – 0.8"]
    other = report._assumptions(plan.tables, agriremed.Scenario(noncompliant_grain="state_purchase"))
    assert other.loc[other["table"] == "noncompliant_grain", "entry"].tolist() == ["state_purchase"]
    none = report._assumptions(plan.tables, agriremed.Scenario(noncompliant_grain="destroyed"))
    assert none.loc[none["table"] == "noncompliant_grain"].empty  # destroyed cites no assumption
    assert "czt_vip_materials" in _section(report.report_html(plan, lang="en"), "assumptions")


def test_strict_paddy_names_the_paid_fallow_beside_sorghum(plan):
    s = plan.summary.set_index("plot_id")
    assert s.at["R19-HN-strict-bfyes", "recommended_option"] == "sorghum"
    t = plan.table
    f = t.loc[(t["plot_id"] == "R19-HN-strict-bfyes") & (t["option_id"] == "fallow")].iloc[0]
    assert bool(f["applicable"]) and not bool(f["recommended"])
    en = s.at["R19-HN-strict-bfyes", "compensation_basis"]
    assert s.at["R19-HN-strict-bfyes", "compensation_paid_cny_mu_yr"] == 0.0
    assert en.endswith("; Fallow / set-aside with cover is also applicable on this plot and would be compensated 1,300 "
                       "CNY/mu a year: Changsha–Zhuzhou–Xiangtan heavy-metal fallow compensation (the 2016 rate, the "
                       "library's typical value); it ranks lower by the plan's criteria")
    zh = messages.render(s.at["R19-HN-strict-bfyes", "compensation_basis_msg"], "zh")
    assert zh.endswith("；本地块也可选择休耕（覆盖作物），可获补偿每亩每年1,300元：长株潭重金属污染区休耕补助（2016年标准，"
                       "库中典型值）；按本规划的评价标准其排名较低")
    # the sheet: 1 300 CNY/mu × 0.35 ha × 15 mu/ha = 6 825 CNY a year on the plot
    sheet_en = re.sub(r"\s+", "", sheet_text(plan, "R19-HN-strict-bfyes", "en"))
    assert re.sub(r"\s+", "", "Compensated alternative: Fallow / set-aside with cover on this plot would be paid 1,300 "
                  "CNY/mu a year (6,825 CNY a year on the plot): Changsha–Zhuzhou–Xiangtan heavy-metal fallow "
                  "compensation") in sheet_en
    sheet_zh = sheet_text(plan, "R19-HN-strict-bfyes", "zh")
    assert "有补偿的备选方案：本地块若选择休耕（覆盖作物），每亩每年可获补偿1,300元（地块每年6,825元）：长株潭重金属污染区休耕补助" \
        in sheet_zh
    # said once on the sheet: the note under the compensation lines leaves the alternative to its own line
    assert sheet_en.count(re.sub(r"\s+", "", "Fallow / set-aside with cover")) == 1
    assert re.sub(r"\s+", "", sheet_zh).count("休耕（覆盖作物）") == 1


def test_headline_money_is_split_by_account_with_the_developer_apart(plan):
    s = plan.summary.set_index("plot_id")
    area = s["area_ha"]
    t = plan.table.loc[plan.table["recommended"].astype(bool)].set_index("plot_id")
    total = float((s["npv_vs_baseline_cny_ha"] * area).sum())
    farmer = float((s["npv_farmer_vs_baseline_cny_ha"] * area).sum())
    programme = float((t["npv_programme_vs_baseline_cny_ha"] * area).sum())
    developer = float((t["npv_developer_vs_baseline_cny_ha"] * area).sum())
    assert developer == pytest.approx(float(t.at["R28-HN-mine-safe-wl", "npv_developer_vs_baseline_cny_ha"]))
    assert developer > 0.8 * total                           # the PV developer's account is most of the total
    d = report.PlanDigest.from_plan(plan)
    acc = d.accounts
    assert acc["farmer"] == pytest.approx(farmer) and acc["programme"] == pytest.approx(programme)
    assert acc["developer"] == pytest.approx(developer, abs=1.0)
    assert acc["farmer"] + acc["programme"] + acc["developer"] == pytest.approx(total, abs=1.0)
    assert acc["developer_plots"] == 1
    co2 = float(s.at["R28-HN-mine-safe-wl", "net_co2e_vs_baseline_t_ha_yr"]) * 1.0 * 20
    fmt = lambda x: report.format_number(x, "en", "CNY", signed=True)  # noqa: E731
    en = report.plain_summary(d, "en", horizon_yr=20, tables=plan.tables)
    want = (f"By account: farmers {fmt(farmer)}, the programme {fmt(programme)} (the subsidies, compensation and grain "
            f"price support it pays), a PV developer {fmt(developer)} on 1 plot (its own investment, power sales and "
            f"the land lease it pays); without the developer's account, the recommended options are worth "
            f"{fmt(farmer + programme)}. The developer's plant also carries "
            f"{report.format_number(co2, 'en', 't CO2e', signed=True)} of the carbon below.")
    assert want in en
    zh = " ".join(report.plain_summary(d, "zh", horizon_yr=20, tables=plan.tables))
    fz = lambda x: report.format_number(x, "zh", "CNY", signed=True)  # noqa: E731
    assert (f"按账户：农户{fz(farmer)}，项目（财政）{fz(programme)}（其支付的补贴、补偿和超标粮价格支持），光伏开发商"
            f"{fz(developer)}（1个地块；其自身投资、售电收入及支付的土地租金）；不计开发商账户，推荐方案的净现值为"
            f"{fz(farmer + programme)}。") in zh


def test_headline_without_a_developer_splits_farmers_and_programme():
    p = agriremed.plan(pd.DataFrame(ROWS[:1], columns=COLS), agriremed.Scenario(mc_draws=0), progress=False)
    r = _rec(p, "R01-HN-light")
    fmt = lambda x: report.format_number(x, "en", "CNY", signed=True)  # noqa: E731
    en = report.plain_summary(report.PlanDigest.from_plan(p), "en", horizon_yr=20, tables=p.tables)
    assert (f"By account: farmers {fmt(r['npv_farmer_vs_baseline_cny_ha'] * 0.3)}, the programme "
            f"{fmt(r['npv_programme_vs_baseline_cny_ha'] * 0.3)} (the subsidies") in " ".join(en)
    assert not any("developer" in x for x in en)


def _section(page: str, key: str) -> str:
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    i = page.find(f"<section id='{key}'")
    assert i >= 0, key
    j = page.find("</section>", i)
    return html.unescape(re.sub(r"<[^>]+>", " ", page[i:j]))


def test_report_lists_every_plots_excluded_options_with_rule_and_source(plan, monkeypatch):
    page = report.report_html(plan, lang="en")
    sec = _section(page, "excluded")
    t = plan.table
    for pid in plan.summary["plot_id"]:
        assert pid in sec
    # the basic-farmland tree ban on R19 with its rule and source, the mine's excluded food options
    assert "Willow short-rotation coppice, Poplar short-rotation coppice" in sec
    assert "policy china, rule cn_bf_no_trees: " in sec
    assert "permanent basic farmland: no afforestation, nursery stock or turf (State Council notice 国办发明电〔2020〕24号 " \
           "ban 1; 自然资发〔2021〕166号)" in sec
    n_ex = int((~t["applicable"].astype(bool)).sum())
    assert n_ex > 40 and "more plots" not in sec
    zh = _section(report.report_html(plan, lang="zh"), "excluded")
    assert "各地块不适用的方案（规则及依据）" in zh and "R28-HN-mine-safe-wl" in zh
    assert "中国规则集规则“永久基本农田：禁止植树、苗木、草皮”" in zh
    # a huge run: whole plots up to the bound, the rest counted and plan.csv named
    sizes = t.loc[~t["applicable"].astype(bool)].groupby("plot_id", sort=False).size()
    bound = int(sizes.iloc[:2].sum())
    cut = report._excluded_section(t, "en", plan.tables, max_rows=bound)
    rest = sizes.iloc[2:]
    text = html.unescape(re.sub(r"<[^>]+>", " ", cut.body))
    assert (f"The excluded options of {len(rest)} more plots ({int(rest.sum())} rows) are not shown here (the table "
            f"stops after 2 plots): see plan.csv, rows with applicable = no, column reason.") in text
    assert sizes.index[1] in text and sizes.index[2] not in text
    assert np.isfinite(bound)
