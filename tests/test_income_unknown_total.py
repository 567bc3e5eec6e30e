"""The report's money totals say how many plots have an unknown income (a crop whose yield, price or production
cost is not in the library): those plots are left out of the totals, and the count is printed beside them in
EN and 中文 (summary sentence and the by-option table)."""

import agriremed
from agriremed.io.report import PlanDigest, plain_summary, write_report

SHEET = """地块编号,行政区,土地利用类型,种植作物,面积（亩）,pH,镉（mg/kg）
A,湖南/株洲/攸县,旱地,黄精,3,5.2,0.5
B,湖南/株洲/攸县,水田,水稻,3,5.2,0.5
C,湖南/株洲/攸县,旱地,金银花,2,6.2,0.2
D,湖南/株洲/攸县,水田,水稻,3,5.2,2.5
E,湖南/株洲/攸县,旱地,玉米,3,5.2,0.5
"""


def test_totals_name_the_plots_with_unknown_income(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(SHEET, encoding="utf-8")
    plan = agriremed.plan(str(f), agriremed.Scenario(mc_draws=0), progress=False)
    d = PlanDigest.from_plan(plan)
    assert d.income_unknown == 2  # 黄精 and 金银花: crops not in the library
    en = plain_summary(d, "en", horizon_yr=20)
    zh = plain_summary(d, "zh", horizon_yr=20)
    said = ("2 plots with unknown income (the yield, price or production cost of their crop is not in the library) "
            "are not in these money totals: their income is left out, not taken as 0.")
    # right after the money lines (the total, its split by account and the programme's cost)
    assert said in en and en.index(said) == next(i for i, x in enumerate(en) if "in total over 20 years" in x) + 3
    assert en[en.index(said) - 2].startswith("By account: farmers ")
    assert "2个地块收益未知（其作物的产量、价格或生产成本不在库中），未计入上述金额合计：其收益未计入，也不按0计。" in zh
    t = d.option_table("en", plan.tables).set_index("option")
    # (the acid paddy gets the VIP+n package: flooding alone misses the 0.9 compliance target)
    assert t["income_unknown"].to_dict() == {"Continue current practice": 2, "Foliar Zn spray on maize": 0,
                                             "Sweet/biomass sorghum energy crop": 0,
                                             "VIP+n package: low-Cd rice + flooding + lime + foliar spray": 0}
    html = write_report(plan, tmp_path / "report.html", lang="zh").read_text(encoding="utf-8")
    assert "2个地块收益未知" in html and "<th>收益未知地块数（未计入合计）</th>" in html
    # a plan where every income is known says nothing of it
    g = tmp_path / "q.csv"
    g.write_text("\n".join(line for line in SHEET.splitlines() if "黄精" not in line and "金银花" not in line) + "\n",
                 encoding="utf-8")
    d2 = PlanDigest.from_plan(agriremed.plan(str(g), agriremed.Scenario(mc_draws=0), progress=False))
    assert d2.income_unknown == 0
    assert not any("unknown income" in x for x in plain_summary(d2, "en", horizon_yr=20))


def test_one_plot_is_said_in_the_singular(tmp_path):
    g = tmp_path / "one.csv"
    g.write_text("\n".join(line for line in SHEET.splitlines() if "金银花" not in line) + "\n", encoding="utf-8")
    d = PlanDigest.from_plan(agriremed.plan(str(g), agriremed.Scenario(mc_draws=0), progress=False))
    en = " ".join(plain_summary(d, "en", horizon_yr=20))
    assert d.income_unknown == 1
    assert ("1 plot with unknown income (the yield, price or production cost of its crop is not in the library) is "
            "not in these money totals: its income is left out, not taken as 0.") in en
    assert " on 1 plots" not in en and "1 plots" not in en
