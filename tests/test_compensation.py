"""The farmer's legal income lost on strict-control land, the compensation paid and the gap: hand-computed."""

import io
import warnings

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.io import report
from agriremed.stages import advice, economics

#: GX-06 of a county sheet (Guixi, Jiangxi): pak choi on acid dry land, Cd 1.8 mg/kg, strict control
GUIXI_VEG = {"plot_id": "GX-06", "region": "Jiangxi/Yingtan/Guixi", "land_use": "upland", "crop": "pak_choi",
             "area_ha": 0.08, "ph": 5.0, "som_pct": 2.5, "cd_mg_kg": 1.8, "as_mg_kg": 18.0, "pb_mg_kg": 160.0,
             "cu_mg_kg": 420.0, "zn_mg_kg": 280.0}
#: a strict-control rice paddy in Changsha (Cd 2.0 mg/kg at pH 5.2), inside the 长株潭 fallow compensation
CHANGSHA_PADDY = {"plot_id": "CS-01", "region": "Hunan/Changsha/Liuyang", "land_use": "paddy", "crop": "rice",
                  "area_ha": 0.42, "ph": 5.2, "som_pct": 3.0, "cd_mg_kg": 2.0}
#: a safe-utilisation paddy in the same county (Cd 0.6 mg/kg): its rice may still be sold
CHANGSHA_SAFE = {**CHANGSHA_PADDY, "plot_id": "CS-02", "cd_mg_kg": 0.6}

COLS = ["lost_income_cny_mu_yr", "lost_income_plot_cny_yr", "compensation_paid_cny_mu_yr",
        "compensation_paid_plot_cny_yr", "compensation_gap_cny_mu_yr", "compensation_gap_plot_cny_yr"]
ANNUITY = (1 - 1.06 ** -20) / 0.06    # 20 yr at 6 %: 11.4699


@pytest.fixture(scope="module")
def fallow_plan():
    """Fallow the only option (it is recommended on the strict-control plots), no carbon price: the fallow's
    net income is its yearly cost alone."""
    return agriremed.plan(pd.DataFrame([GUIXI_VEG, CHANGSHA_PADDY, CHANGSHA_SAFE]),
                          agriremed.Scenario(mc_draws=0, options=("fallow",), carbon_price_cny_t=0), progress=False)


def _table_values(tables, crop):
    """yield [t/ha], price [CNY/t], production cost [CNY/ha/yr] of a crop as the economics stage reads them."""
    y = float(tables.indexed("crops", "crop").loc[crop, "yield_t_ha"])
    price = float(tables.crop_price_table("crop_price_cny_t")[crop])
    cost = float(tables.crop_price_table("production_cost_cny_ha_yr")[crop])
    return y, price, cost


def test_guixi_pak_choi_lost_income_hand_computed(fallow_plan):
    p = fallow_plan
    s = p.summary.set_index("plot_id").loc["GX-06"]
    assert s["soil_class"] == "strict_control" and s["recommended_option"] == "fallow"
    # the price/cost tables the planner uses: pak choi 30 t/ha (crops.csv), 3 000 CNY/t and 30 000 CNY/ha/yr
    # (prices.csv, typical); fallow's yearly cost 1 500 CNY/ha (option_parameters.csv annual_cost_cny_ha)
    assert _table_values(p.tables, "pak_choi") == (30.0, 3000.0, 30000.0)
    legal = 30 * 3000 - 30000                       # 60 000 CNY/ha/yr = 4 000 CNY/mu/yr sold legally
    fallow = -1500                                  # CNY/ha/yr, the farmer's net income under fallow
    lost_ha = legal - fallow                        # 61 500 CNY/ha/yr
    assert s["lost_income_cny_mu_yr"] == pytest.approx(lost_ha / 15)            # 4 100 CNY/mu/yr
    assert s["lost_income_plot_cny_yr"] == pytest.approx(lost_ha * 0.08)        # 4 920 CNY/yr for 1.2 mu
    # Jiangxi: no row of subsidies.csv covers the plot (czt_fallow_2016 is Changsha/Zhuzhou/Xiangtan only)
    assert s["compensation_paid_cny_mu_yr"] == 0.0 and s["compensation_paid_plot_cny_yr"] == 0.0
    assert s["compensation_gap_cny_mu_yr"] == pytest.approx(4100.0)
    assert s["compensation_gap_plot_cny_yr"] == pytest.approx(4920.0)
    en = s["compensation_basis"]
    assert en.startswith("Farmer's lost legal income 4,100 CNY/mu a year: Pak choi as grown before the "
                         "strict-control classification, sold whole as a compliant harvest at the market price, "
                         "(30 t/ha × 3,000 CNY/t − 30,000 CNY/ha production cost) = +4,000 CNY/mu a year")
    assert "minus the farmer's net income under Fallow / set-aside with cover without subsidies and " \
           "compensation, -100 CNY/mu a year" in en
    assert "no compensation paid (0 CNY/mu a year): the library holds no compensation for Fallow / set-aside with cover " \
           "on strict-control land in Jiangxi/Yingtan/Guixi" in en
    assert en.endswith("gap (lost income − compensation paid) +4,100 CNY/mu a year")
    zh = messages.render(s["compensation_basis_msg"], "zh")
    assert zh.startswith("农户合法收入损失每亩每年4,100元：严格管控类划定前种植的小白菜，按符合标准的农产品以市场价格全部出售，"
                         "（30吨/公顷×3,000元/吨−生产成本30,000元/公顷）=每亩每年+4,000元")
    assert "无补偿（每亩每年0元）" in zh and zh.endswith("补偿缺口（收入损失−实际补偿）每亩每年+4,100元")


def test_guixi_with_the_carbon_price_matches_the_fallow_npv():
    # the default scenario: fallow −14 813 CNY/ha against idle land over 20 yr at 6 % (its cost less its carbon
    # credit); as a yearly amount −14 813 / 11.4699 = −1 291.5 CNY/ha, so the farmer loses
    # (60 000 + 1 291.5) / 15 = 4 086.1 CNY/mu a year
    p = agriremed.plan(pd.DataFrame([GUIXI_VEG]), agriremed.Scenario(mc_draws=0, options=("fallow",)), progress=False)
    t = p.table.set_index("option_id")
    npv = t.loc["fallow", "npv_farmer_cny_ha"] - t.loc["fallow", "subsidy_cny_ha"]
    assert npv == pytest.approx(-14_813, abs=1)
    s = p.summary.iloc[0]
    assert s["lost_income_cny_mu_yr"] == pytest.approx((60_000 - npv / ANNUITY) / 15, rel=1e-9)
    assert s["lost_income_cny_mu_yr"] == pytest.approx(4086.1, abs=0.05)
    assert s["compensation_gap_cny_mu_yr"] == pytest.approx(s["lost_income_cny_mu_yr"])


def test_changsha_paddy_fallow_is_paid_the_czt_compensation(fallow_plan):
    p = fallow_plan
    s = p.summary.set_index("plot_id").loc["CS-01"]
    assert s["soil_class"] == "strict_control" and s["recommended_option"] == "fallow"
    # rice 7.14 t/ha (crops.csv nbs2023_yield) × 2 580 CNY/t (prices.csv, the 2024 minimum purchase price) −
    # 15 000 CNY/ha/yr production cost = 3 421.2 CNY/ha/yr legal net income; fallow −1 500 CNY/ha/yr
    assert _table_values(p.tables, "rice") == (7.14, 2580.0, 15000.0)
    lost_ha = (7.14 * 2580 - 15000) - (-1500)       # 4 921.2 CNY/ha/yr
    assert s["lost_income_cny_mu_yr"] == pytest.approx(lost_ha / 15)            # 328.08 CNY/mu/yr
    assert s["lost_income_cny_mu_yr"] == pytest.approx(328.08)
    # czt_fallow_2016: 1 300 CNY/mu/yr (typical of subsidies.csv), paid every year the plot lies fallow
    sub = p.tables.subsidies.set_index("subsidy_id").loc["czt_fallow_2016"]
    assert float(sub["typical"]) == 1300.0 and sub["unit"] == "CNY/mu/yr"
    assert s["compensation_paid_cny_mu_yr"] == pytest.approx(1300.0)
    assert s["compensation_gap_cny_mu_yr"] == pytest.approx(328.08 - 1300.0)    # −971.92: paid more than lost
    mu = 0.42 * 15                                                              # 6.3 mu
    assert s["lost_income_plot_cny_yr"] == pytest.approx(328.08 * mu)          # 2 066.90 CNY/yr
    assert s["compensation_paid_plot_cny_yr"] == pytest.approx(1300.0 * mu)    # 8 190 CNY/yr
    assert s["compensation_gap_plot_cny_yr"] == pytest.approx(-971.92 * mu)    # −6 123.10 CNY/yr
    en = s["compensation_basis"]
    assert "(7.14 t/ha × 2,580 CNY/t − 15,000 CNY/ha production cost) = +228 CNY/mu a year" in en
    assert "sources: National Bureau of Statistics of China 2024; NDRC 2024; project assumption" in en
    assert ("compensation paid 1,300 CNY/mu a year: Changsha–Zhuzhou–Xiangtan heavy-metal fallow compensation "
            "(the library's typical values)") in en
    assert en.endswith("gap (lost income − compensation paid) -972 CNY/mu a year: the compensation exceeds the "
                       "income lost (it also pays for the treatment)")
    zh = messages.render(s["compensation_basis_msg"], "zh")
    assert "实际补偿每亩每年1,300元：长株潭重金属污染区休耕补助（库中典型值）" in zh
    assert "补偿缺口（收入损失−实际补偿）每亩每年-972元" in zh


def test_safe_utilisation_and_other_plots_have_blank_columns(fallow_plan):
    s = fallow_plan.summary.set_index("plot_id").loc["CS-02"]
    assert s["soil_class"] == "safe_utilisation"
    # fallow is paid the 长株潭 compensation here too, but the rice may still be sold: nothing to settle
    assert fallow_plan.table.set_index(["plot_id", "option_id"]).loc[("CS-02", "fallow"), "subsidy_cny_ha"] > 0
    assert all(np.isnan(float(s[c])) for c in COLS)
    assert s["compensation_basis_msg"] == "" and pd.isna(s["compensation_basis"])
    assert advice.plot_advice(fallow_plan, "CS-02", "zh").compensation == []


def test_sample_plots_only_strict_control_land_with_a_forbidden_crop(sample_plots_path):
    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    given = s.index[s["lost_income_cny_mu_yr"].notna()].tolist()
    # the strict-control rice paddies; YN-LP-12 (strict control, no crop) and every other class stay blank
    assert given == ["HN-XT-02", "HN-CS-04", "GD-SG-15"]
    assert s.loc["YN-LP-12", "soil_class"] == "strict_control" and np.isnan(s.loc["YN-LP-12", "lost_income_cny_mu_yr"])
    # energy crops on them: no subsidies.csv row pays them, so the whole lost income is the gap
    assert (s.loc[given, "compensation_paid_cny_mu_yr"] == 0.0).all()
    np.testing.assert_allclose(s.loc[given, "compensation_gap_cny_mu_yr"], s.loc[given, "lost_income_cny_mu_yr"])


@pytest.mark.parametrize("plot_id, numbers", [("GX-06", ("4,100", "4,920", "0", "0", "+4,100", "+4,920")),
                                              ("CS-01", ("328", "2,067", "1,300", "8,190", "-972", "-6,123"))])
def test_sheet_and_report_give_the_same_numbers_in_english_and_chinese(fallow_plan, plot_id, numbers):
    lost, lost_plot, paid, paid_plot, gap, gap_plot = numbers
    en, zh = (advice.plot_advice(fallow_plan, plot_id, lang) for lang in ("en", "zh"))
    assert en.compensation_head == "Farmer's lost legal income and compensation (strict-control land)"
    assert zh.compensation_head == "农户合法收入损失与补偿（严格管控类耕地）"
    # the 长株潭 rate (czt_fallow_2016) is a 2016 rate assumed to continue, and it includes treatment costs
    czt = paid != "0"
    assert en.compensation == [f"Farmer's lost legal income: {lost} CNY/mu a year ({lost_plot} CNY a year on the plot)",
                               ("Compensation paid, assumed to continue every year of the plan: " if czt
                                else "Compensation paid: ") + f"{paid} CNY/mu a year ({paid_plot} CNY a year on the plot)",
                               *(["The compensation rate includes treatment costs: the farmer's own share is smaller "
                                  "(not given by the source)"] if czt else []),
                               f"Gap (lost income − compensation): {gap} CNY/mu a year ({gap_plot} CNY a year on "
                               "the plot)"]
    assert zh.compensation == [f"农户合法收入损失：每亩每年{lost}元（地块每年{lost_plot}元）",
                               ("实际补偿（假定规划期内每年持续发放）：" if czt else "实际补偿：")
                               + f"每亩每年{paid}元（地块每年{paid_plot}元）",
                               *(["补偿标准含治理费用：农户实际所得更少（来源未给出）"] if czt else []),
                               f"补偿缺口（收入损失−补偿）：每亩每年{gap}元（地块每年{gap_plot}元）"]
    assert en.compensation_note.startswith("Farmer's lost legal income") and zh.compensation_note.startswith("农户合法收入损失")
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("reportlab")
    from agriremed.io.sheets import sheet_pdf
    for lang, text in (("en", f"Farmer's lost legal income: {lost} CNY/mu a year"), ("zh", f"每亩每年{lost}元")):
        pdf = pypdf.PdfReader(io.BytesIO(sheet_pdf(fallow_plan, plot_id, lang, date="2026-12-07")))
        assert len(pdf.pages) == 1
        assert text in pdf.pages[0].extract_text().replace("\n", "")
    for lang in ("en", "zh"):
        sec = report.compensation_section(fallow_plan.summary, lang, fallow_plan.tables)
        row = sec.body.split(f"<td class='id'>{plot_id}</td>")[1].split("</tr>")[0]
        cells = [c.split(">", 1)[1] for c in row.split("</td>") if "class='num'" in c]
        assert cells == [lost, lost_plot, paid, paid_plot, gap.lstrip("+"), gap_plot.lstrip("+")]


def test_report_section_in_both_languages_with_the_totals(fallow_plan):
    en = report.report_html(fallow_plan, lang="en", date="2026-12-07")
    zh = report.report_html(fallow_plan, lang="zh", date="2026-12-07")
    assert "<section id='compensation'><h2>Farmer&#x27;s lost legal income and compensation on strict-control land" in en
    assert "<section id='compensation'><h2>严格管控类耕地农户合法收入损失与补偿" in zh
    # over GX-06 and CS-01: lost 4 920 + 2 066.9, paid 8 190, gap 4 920 − 6 123.1 CNY a year
    assert ("Over the 2 plots: lost legal income 6,987 CNY a year, compensation paid 8,190 CNY a year, "
            "gap -1,203 CNY a year.") in en
    assert "2个地块合计：合法收入损失每年6,987元，实际补偿每年8,190元，缺口每年-1,203元。" in zh
    # the section follows the recommendations and comes before the figures
    assert en.index("id='recommendations'") < en.index("id='compensation'") < en.index("id='figures'")


def test_compensation_kernel_and_subsidy_rows():
    from agriremed.models.economics import lost_legal_income, yearly_equivalent

    # the Changsha paddy by hand: 3 421.2 CNY/ha/yr legal, fallow −1 500 a year, 19 500 CNY/ha/yr (1 300/mu) paid
    lost, paid, gap = lost_legal_income([3421.2], [(19500.0 - 1500.0) * ANNUITY - 19500.0 * ANNUITY],
                                        [19500.0 * ANNUITY], 0.06, 20)
    assert lost[0] == pytest.approx(4921.2) and paid[0] == pytest.approx(19500.0)
    assert gap[0] == pytest.approx(4921.2 - 19500.0)
    assert yearly_equivalent(300.0, 0.0, 3) == pytest.approx(100.0)
    ids = economics.subsidy_ids(["fallow", "fallow", "fallow", "maize_energy"],
                                ["strict_control", "priority_protection", "strict_control", "strict_control"],
                                ["湖南省长沙市浏阳市", "Hunan/Changsha", "Jiangxi/Yingtan/Guixi", "Hunan/Zhuzhou"])
    assert ids.tolist() == ["czt_fallow_2016", "", "", ""]
    # double-cropped rice counts the revenue and production cost of both seasons
    r = economics.legal_net_income(["rice", "rice"], [1.0, 2.0])
    assert r["net_cny_ha_yr"].tolist() == pytest.approx([7.14 * 2580 - 15000, 2 * (7.14 * 2580 - 15000)])


def test_compensated_alternatives_of_a_plan_with_none_is_blank_without_a_warning():
    # the fallow row recommended, none left to name: no plot maps to a joined id (float NaN), filled with '' as
    # text, not by recasting a float column (pandas' Pandas4Warning, raised as an error here)
    t = pd.DataFrame({"plot_id": ["P1", "P1"], "option_id": ["fallow", "do_nothing"], "applicable": [True, True],
                      "recommended": [True, False]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert economics.compensated_alternatives(t, ["P1", "P2"]).tolist() == ["", ""]
        t = t.assign(recommended=[False, True])
        assert economics.compensated_alternatives(t, ["P1", "P2"]).tolist() == ["fallow", ""]


def test_streamed_report_gives_the_sums_and_summary_the_columns(sample_plots_path, tmp_path):
    # a plan in chunks has no plot × option table: its report gives the sums over the plots, its summary file
    # the per-plot amounts, equal to those of the plan in memory
    from agriremed.apps.cli import main

    whole = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0), progress=False).summary
    n, lost, paid, gap = report.compensation_totals(whole)
    assert n == 3 and paid == 0.0 and gap == pytest.approx(lost)
    out = tmp_path / "out"
    assert main(["plan", str(sample_plots_path), "--out", str(out), "--draws", "0", "--chunk-size", "5",
                 "--format", "csv", "--quiet", "--lang", "zh"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"3个地块合计：合法收入损失每年{lost:,.0f}元，实际补偿每年0元，缺口每年{gap:+,.0f}元。" in html
    s = pd.read_csv(out / "summary.csv", dtype={"plot_id": str}).set_index("plot_id")
    np.testing.assert_allclose(s.loc[whole["plot_id"], "lost_income_plot_cny_yr"],
                               whole["lost_income_plot_cny_yr"], rtol=1e-9)
    # written in Chinese, the basis is rendered in Chinese from its message
    assert s.loc["HN-CS-04", "compensation_basis"].startswith("农户合法收入损失每亩每年")


def test_basis_rendered_once_per_group_equals_each_message_rendered():
    # plots differing only in their amounts share one rendering with the numbers written in
    # (messages.render_encode_filled); each text equals its own message rendered, in both languages
    n = 4
    c = economics.compensation_columns(["rice", "rice", "pak_choi", "konjac"], ["fallow"] * n, ["strict_control"] * n,
                                       ["Hunan/Changsha/Liuyang"] * 2 + ["Jiangxi/Yingtan/Guixi", ""], [1.0] * n,
                                       [0.42, 1.0, 0.08, 0.1], [-17_000.0 + 223_664.0, -30_000.0 + 223_664.0,
                                                                -17_205.0, -17_205.0],
                                       [223_664.0, 223_664.0, 0.0, 0.0], 0.06, 20)
    for i in range(n):
        assert c["compensation_basis"][i] == messages.render(c["compensation_basis_msg"][i], "en")
    assert c["compensation_basis"][0] != c["compensation_basis"][1]  # same group, different amounts
    assert c["compensation_basis"][0].startswith(f"Farmer's lost legal income {c['lost_income_cny_mu_yr'][0]:,.0f} ")
    assert c["compensation_basis"][1].startswith(f"Farmer's lost legal income {c['lost_income_cny_mu_yr'][1]:,.0f} ")
    # konjac: no yield, price or production cost in the library: no lost income, no gap, the basis says why
    assert np.isnan(c["lost_income_cny_mu_yr"][3]) and np.isnan(c["compensation_gap_cny_mu_yr"][3])
    assert c["compensation_paid_cny_mu_yr"][3] == 0.0
    assert messages.render(c["compensation_basis_msg"][3], "zh").startswith(
        "农户合法收入损失未计算：数据库中没有严格管控类划定前种植的")
    assert c["compensation_basis"][3].endswith("the library holds no compensation for Fallow / set-aside with cover on "
                                               "strict-control land")


def test_czt_rate_is_said_to_be_assumed_to_continue_and_to_include_treatment_costs():
    # 株洲 石峰区 C07: strict-control pak choi land (Cd 4.5 mg/kg at pH 6.3), fallowed; czt_fallow_2016 is the 2016
    # rate of the 长株潭 pilot, whose source gives no end of the programme and no farmer's share of the rate
    sub = economics.subsidy_caveats()
    assert sub["czt_fallow_2016"] == (2016, True, True)
    veg = {"plot_id": "C07", "region": "湖南省/株洲市/石峰区", "land_use": "vegetable", "crop": "pak_choi",
           "area_ha": 0.1, "ph": 6.3, "cd_mg_kg": 4.5, "pb_mg_kg": 300.0, "as_mg_kg": 20.0, "hg_mg_kg": 0.3,
           "basic_farmland": "unknown", "som_pct": 2.5, "clay_pct": 25.0}
    p = agriremed.plan(pd.DataFrame([veg]), agriremed.Scenario(mc_draws=0), progress=False)
    s = p.summary.iloc[0]
    assert s["recommended_option"] == "fallow" and s["compensation_paid_cny_mu_yr"] == pytest.approx(1300.0)
    en = s["compensation_basis"]
    assert ("fallow compensation (the library's typical values); the 2016 rate is assumed to continue every year of "
            "the 20-yr plan (the source gives no end of the programme); the rate includes treatment costs, so the "
            "farmer's own share is smaller (the source does not give it); gap") in en
    zh = messages.render(s["compensation_basis_msg"], "zh")
    assert ("；假定2016年的补助标准在20年规划期内每年持续发放（来源未给出项目结束时间）；该标准含治理费用，农户实际所得更少"
            "（来源未给出农户所得部分）；补偿缺口") in zh
    sheet = advice.plot_advice(p, "C07", "zh").compensation
    assert sheet[1] == "实际补偿（假定规划期内每年持续发放）：每亩每年1,300元（地块每年1,950元）"
    assert sheet[2] == "补偿标准含治理费用：农户实际所得更少（来源未给出）"
    # a row without the caveat columns says nothing more (user tables keep working)
    t = p.tables
    plain = t.subsidies.drop(columns=["period", "includes_treatment"])
    assert economics.subsidy_caveats(type("T", (), {"subsidies": plain})())["czt_fallow_2016"] == (2016, False, False)
