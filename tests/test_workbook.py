"""plan.xlsx: sheets, two header rows (labels with units, column names), Chinese labels and
values, formula-looking text neutralised, the streamed workbook and Excel's row limit."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.io import workbook as W
from agriremed.apps.cli import main
from agriremed.io.synthetic import synthetic_plots

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The sample plots with formula-looking text in an id, a region and an unused column,
    plus the two broken rows (one rejected row carries a formula)."""
    df = pd.read_csv(SAMPLES / "plots_two_broken_rows.csv", dtype=str, keep_default_na=False)
    df.loc[0, "plot_id"] = "=1+2"
    df.loc[1, "region"] = "@SUM(A1)"
    df.loc[2, "plot_id"] = "\x1b[2J@wipe"  # a control character a workbook cannot hold
    df["owner_note"] = ['=HYPERLINK("x")'] + ["ok"] * (len(df) - 1)
    df.loc[len(df) - 1, "crop"] = "=cmd|' /C calc'!A0"
    p = tmp_path_factory.mktemp("wb") / "plots.csv"
    df.to_csv(p, index=False)
    return p


@pytest.fixture(scope="module")
def written(hostile, tmp_path_factory):
    plan = agriremed.plan(hostile, agriremed.Scenario(mc_draws=0), progress=False)
    out = {}
    for lang in ("en", "zh"):
        d = tmp_path_factory.mktemp(f"wb_{lang}")
        out[lang] = W.write_workbook(plan, d / "plan.xlsx", lang=lang, date="2026-12-04")
    return plan, out


def test_sheets_and_their_names_in_both_languages(written):
    plan, paths = written
    for lang, path in paths.items():
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == [i18n.t(f"ui.workbook.sheet.{k}", lang) for k in W.SHEETS]
    assert openpyxl.load_workbook(paths["zh"]).sheetnames == [
        "说明",
        "地块汇总",
        "方案",
        "碳账",
        "无法规划的行",
        "术语表",
    ]


def test_two_header_rows_read_back_with_pandas(written):
    plan, paths = written
    names = W.sheet_names("en")
    s = pd.read_excel(paths["en"], sheet_name=names["summary"], header=1, engine="openpyxl")
    # (the area in mu moved before the area in ha; the soil pH and metals of the input before the class)
    soil = ["ph", *(f"{m}_mg_kg" for m in ("cd", "hg", "as", "pb", "cr", "cu", "ni", "zn"))]
    # (the soil pH is a summary column, just before the class: the metals join it there)
    assert "ph" in plan.summary.columns
    assert sorted(s.columns) == sorted([*plan.summary.columns, *soil[1:]])
    at = s.columns.get_loc("soil_class")
    assert list(s.columns[at - len(soil):at]) == soil
    assert s["cd_mg_kg"].tolist() == pytest.approx(
        plan.plots.set_index("plot_id").loc[plan.summary["plot_id"], "cd_mg_kg"].tolist())
    assert len(s) == len(plan.summary) == 16
    assert s["area_ha"].tolist() == pytest.approx(plan.summary["area_ha"].tolist())
    assert s["npv_vs_baseline_cny_ha"].tolist() == pytest.approx(
        plan.summary["npv_vs_baseline_cny_ha"].tolist(), nan_ok=True
    )
    both = pd.read_excel(paths["zh"], sheet_name="地块汇总", header=[0, 1], engine="openpyxl")
    heads = dict((b, a) for a, b in both.columns)
    assert heads["area_ha"] == "面积 [公顷]"
    assert heads["npv_vs_baseline_cny_ha"] == "相对不治理的净现值 [元/公顷]"
    assert heads["soil_class"] == "土壤类别" and heads["plot_id"] == "地块编号"
    en = pd.read_excel(paths["en"], sheet_name=names["summary"], header=[0, 1], engine="openpyxl")
    assert dict((b, a) for a, b in en.columns)["area_ha"] == "Area [ha]"
    opts = pd.read_excel(paths["en"], sheet_name=names["options"], header=1, engine="openpyxl")
    # the plot's location (the samples have lat/lon) after plot_id, on every row of the plot
    assert len(opts) == len(plan.table)
    assert list(opts.columns[:5]) == ["plot_id", "lat", "lon", "option_id", "option_name"]
    loc = plan.summary.set_index("plot_id")[["lat", "lon"]].astype(float)
    assert opts["lat"].tolist() == loc.loc[plan.table["plot_id"], "lat"].tolist()
    assert opts["lon"].tolist() == loc.loc[plan.table["plot_id"], "lon"].tolist()
    rej = pd.read_excel(paths["en"], sheet_name=names["rejected"], header=1, engine="openpyxl")
    assert rej["input_row"].tolist() == [17, 18]
    assert rej["reasons"].str.split(" ").str[0].tolist() == ["ph", "cd_mg_kg"]
    # in Chinese each reason names its column by the Chinese label
    zh = pd.read_excel(paths["zh"], sheet_name="无法规划的行", header=1, engine="openpyxl")
    assert zh["reasons"].str.split("：").str[0].tolist() == ["土壤pH（水浸提）", "土壤总镉"]


def test_chinese_values_translated(written):
    plan, paths = written
    s = pd.read_excel(paths["zh"], sheet_name="地块汇总", header=1, engine="openpyxl")
    codes = plan.summary.set_index("input_row")
    s = s.set_index("input_row")
    for row in (1, 2, 5):
        assert s.loc[row, "soil_class"] == i18n.value("soil_class", codes.loc[row, "soil_class"], "zh")
        assert s.loc[row, "recommended_name"] == i18n.option_name(codes.loc[row, "recommended_option"], "zh")
        assert s.loc[row, "recommendation"] == messages.render(codes.loc[row, "recommendation_msg"], "zh")
        assert s.loc[row, "recommended_option"] == codes.loc[row, "recommended_option"]  # ids stay ids
    assert s.loc[1, "land_use"] == "水田" and s.loc[1, "crop"] == "水稻"
    # the advice texts are written in Chinese too (measures per season, grain monitoring)
    assert s.loc[1, "measures"].startswith("本季：") and not i18n.untranslated(s.loc[1, "monitoring"])
    opts = pd.read_excel(paths["zh"], sheet_name="方案", header=1, engine="openpyxl")
    assert set(opts["light_economics"].dropna()) <= {"绿", "黄", "红"}
    # the residue notes (who handles hazardous waste) are Chinese, rendered from their messages
    assert len(opts) == len(plan.table)  # every plot × option, in the plan's order
    has = opts["residue_note"].notna().to_numpy()
    notes = opts.loc[has, "residue_note"]
    assert len(notes) and not any(i18n.untranslated(x) for x in notes)
    assert notes.tolist() == [messages.render(m, "zh") for m in plan.table.loc[has, "residue_note_msg"]]
    assert notes.str.contains("超富集植物生物质：其残余物属危险废物").any()
    # the carbon ledger's method and note columns are Chinese too
    led = pd.read_excel(paths["zh"], sheet_name="碳账", header=1, engine="openpyxl")
    texts = [x for c in ("term_method", "note") for x in led[c].dropna()]
    assert len(texts) > 10 and [x for x in texts if i18n.untranslated(x)] == []
    assert "耕作和碳投入因子只用于一年生耕地和水田" in set(led["note"])
    assert "term_method_msg" not in led.columns and "note_msg" not in led.columns
    # yes/no columns are words in the Chinese workbook, Excel booleans in the English one; the
    # economics view is named in the workbook's language
    cells = openpyxl.load_workbook(paths["zh"])["方案"]
    names = [c.value for c in cells[2]]
    for col in ("applicable", "recommended"):
        j = names.index(col) + 1
        vals = [cells.cell(row=r, column=j).value for r in range(3, cells.max_row + 1)]
        want = ["是" if v else "否" for v in plan.table[col]]
        assert vals == want
    assert set(s["economics_view"]) == {"综合"}
    en_ws = openpyxl.load_workbook(paths["en"])[W.sheet_names("en")["options"]]
    en_names = [c.value for c in en_ws[2]]
    j = en_names.index("applicable") + 1
    assert [en_ws.cell(row=r, column=j).value for r in range(3, en_ws.max_row + 1)] == plan.table["applicable"].tolist()
    en_s = pd.read_excel(paths["en"], sheet_name=W.sheet_names("en")["summary"], header=1, engine="openpyxl")
    assert set(en_s["economics_view"]) == {"combined"}
    readme = [r for r in openpyxl.load_workbook(paths["zh"])["说明"].iter_rows(values_only=True)]
    flat = {r[0]: r[1] for r in readme if r and r[0]}
    assert flat["随机种子"] == plan.scenario.seed and flat["日期"] == "2026年12月4日"
    assert flat["agriremed版本"] == f"agriremed {agriremed.__version__}"
    # food_standard auto: the plot whose region is "@SUM(A1)" names no place and no country: it is planned
    # as a plot in China (GB 2762, China's rules), as a plot without a region, and validation warns on it
    assert flat["食品标准"] == "GB 2762—2025（中国） × 16——按各地块所在地区选定"
    assert flat["管控规则"] == "中国 × 16——按各地块所在地区选定"
    assert flat["读取/规划/拒绝行数"] == "18 / 16 / 2"
    gl = pd.read_excel(paths["zh"], sheet_name="术语表", header=1, engine="openpyxl")
    row = gl.set_index("name").loc["npv_vs_baseline_cny_ha"]
    assert (row["label"], row["unit"]) == ("相对不治理的净现值", "元/公顷")


def test_chinese_glossary_and_readme_have_no_english_descriptions(written):
    plan, paths = written
    gl = pd.read_excel(paths["zh"], sheet_name="术语表", header=1, engine="openpyxl")
    assert len(gl) > 50
    desc = gl["description"].fillna("").astype(str)
    # every description is Chinese; the column names (machine names) are the only English
    assert [n for n, d in zip(gl["name"], desc, strict=True) if d.isascii()] == []
    d = dict(zip(gl["name"], desc, strict=True))
    assert d["cash_flow_typical_plot_cny_yr"] == "推荐方案典型年份每公顷净现金流×地块面积；不含补贴"
    assert d["area_mu"] == "面积；单位：亩；取值范围：≥ 0"
    if "owner_note" in d:  # an input column the registry does not know
        assert d["owner_note"] == "输入表中的列，原样保留"
    en = pd.read_excel(paths["en"], sheet_name=i18n.t("ui.workbook.sheet.glossary", "en"), header=1, engine="openpyxl")
    assert en.set_index("name").loc["area_mu", "description"] == "Plot area in mu (1 亩 = 1/15 ha)."
    readme = [r for r in openpyxl.load_workbook(paths["zh"])["说明"].iter_rows(values_only=True) if r and r[0]]
    # item names of the README are Chinese (the values are versions, counts, codes and the scenario)
    assert [r[0] for r in readme if isinstance(r[0], str) and r[0].isascii()
            and r[0] not in ("scenario.json",)] == []


def test_formula_looking_text_is_neutralised(written):
    plan, paths = written
    for path in paths.values():
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    s = pd.read_excel(paths["en"], sheet_name="summary", header=1, dtype=str, engine="openpyxl")
    assert "'=1+2" in s["plot_id"].tolist() and "'@SUM(A1)" in s["region"].tolist()
    assert '\'=HYPERLINK("x")' in s["owner_note"].tolist()
    assert "\u241b[2J@wipe" in s["plot_id"].tolist()  # ESC shown as ␛, not dropped
    rej = pd.read_excel(paths["en"], sheet_name="rejected rows", header=1, dtype=str, engine="openpyxl")
    assert rej.loc[1, "crop"] == "'=cmd|' /C calc'!A0"


def test_cli_writes_the_workbook_by_default_and_skips_it_on_request(tmp_path, sample_plots_path, capsys):
    assert (
        main(["plan", str(sample_plots_path), "--out", str(tmp_path / "a"), "--draws", "0", "--lang", "zh"])
        == 0
    )
    assert f"已写出{tmp_path / 'a' / 'plan.xlsx'}" in capsys.readouterr().out
    assert openpyxl.load_workbook(tmp_path / "a" / "plan.xlsx").sheetnames[0] == "说明"
    assert "元/公顷" in (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert (
        main(
            [
                "plan",
                str(sample_plots_path),
                "--out",
                str(tmp_path / "a"),
                "--draws",
                "0",
                "--no-xlsx",
                "--quiet",
            ]
        )
        == 0
    )
    assert not (tmp_path / "a" / "plan.xlsx").exists()  # the earlier run's workbook is removed too
    with pytest.raises(SystemExit) as exc:
        main(["plan", str(sample_plots_path), "--out", str(tmp_path / "b"), "--lang", "fr"])
    assert exc.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err


def _formats(ws) -> dict:
    """Column name (row 2) → the number formats of its number cells (without the leading
    sections that show ±1E+307 as ∞, :data:`agriremed.io.workbook.INFINITE_FORMAT`)."""
    names = [c.value for c in ws[2]]
    out = {}
    for row in ws.iter_rows(min_row=3):
        for name, c in zip(names, row, strict=False):
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                head = W.years_format("") if name in W.YEARS_TO_TARGET else W.INFINITE_FORMAT
                assert c.number_format.startswith(head), (name, c.number_format)
                out.setdefault(name, set()).add(c.number_format[len(head):])
    return out


def test_numbers_have_formats_for_people_and_keep_their_precision(written):
    plan, paths = written
    for lang, path in paths.items():
        wb = openpyxl.load_workbook(path)
        names = W.sheet_names(lang)
        f = _formats(wb[names["summary"]])
        assert f["area_ha"] == {"#,##0.00"} and f["area_mu"] == {"#,##0.00"}
        assert f["current_crop_compliance_prob"] == {"0%"} and f["p_target_20yr"] == {"0%"}
        assert f["npv_vs_baseline_cny_ha"] == {"#,##0"} and f["first_year_cost_plot_cny"] == {"#,##0"}
        assert f["net_co2e_t"] == {"#,##0.0"} and f["net_co2e_vs_baseline_t_ha_yr"] == {"#,##0.0"}
        assert f["max_exceedance_ratio"] == {"0.00"} and f["score"] == {"0.00"}
        assert f["input_row"] == {"0"} and f["lat"] == {"0.0#####"}
        o = _formats(wb[names["options"]])
        assert o["crop_compliance_prob"] == {"0%"} and o["biomass_t_dm_ha_yr"] == {"#,##0.0"}
        assert o["cost_per_g_removed_cny_g"] == {"#,##0.00"} and o["years_p50"] == {"#,##0.0"}
        assert o["useful_energy_gj_ha_yr"] == {"#,##0.0"} and o["payback_yr"] == {"#,##0.0"}
        assert _formats(wb[names["ledger"]])["co2e_t_ha_yr"] == {"#,##0.0"}
    # only the display changes: the values are the plan's numbers
    s = pd.read_excel(paths["zh"], sheet_name="地块汇总", header=1, engine="openpyxl")
    for c in ("current_crop_compliance_prob", "area_ha", "npv_vs_baseline_cny_ha"):  # 16 significant digits
        assert s[c].tolist() == pytest.approx(plan.summary[c].tolist(), rel=1e-15, nan_ok=True)


def test_summary_has_money_per_mu(written):
    plan, paths = written
    s, t = plan.summary, plan.table
    rec = t.loc[t["recommended"]].set_index("plot_id").loc[s["plot_id"]]
    # 1 亩 = 1/15 ha: per mu = per ha ÷ 15; a PV plant costs the landholder nothing (the developer invests)
    pv = rec["pv_lease_cny_ha_yr"].notna().to_numpy()
    assert pv.any()
    assert s["first_year_cost_cny_mu"].tolist() == pytest.approx(
        (rec["cost_year1_cny_ha"].where(~pv, 0.0) / 15).tolist(), nan_ok=True)
    assert s["npv_vs_baseline_cny_mu"].tolist() == pytest.approx((s["npv_vs_baseline_cny_ha"] / 15).tolist(),
                                                                  nan_ok=True)
    assert s["first_year_cost_cny_mu"].notna().sum() > 10
    both = pd.read_excel(paths["zh"], sheet_name="地块汇总", header=[0, 1], engine="openpyxl")
    heads = dict((b, a) for a, b in both.columns)
    assert heads["first_year_cost_cny_mu"] == "每亩首年成本 [元/亩]"
    codes = [b for _, b in both.columns]
    assert codes.index("area_mu") + 1 == codes.index("area_ha")  # the area in mu first
    assert heads["npv_vs_baseline_cny_mu"] == "每亩相对不治理的净现值 [元/亩]"
    f = _formats(openpyxl.load_workbook(paths["zh"])["地块汇总"])
    assert f["first_year_cost_cny_mu"] == {"#,##0"} and f["npv_vs_baseline_cny_mu"] == {"#,##0"}


def test_number_format_follows_the_registry_unit():
    assert W.number_format("npv_vs_baseline_eur_ha") == "#,##0"  # money in the scenario currency
    assert W.number_format("cash_flow_typical_plot_cny_yr") == "#,##0"
    assert W.number_format("pv_tariff_cny_kwh") == "#,##0.00"
    assert W.number_format("safe_prob") == "0%" and W.number_format("biomass_area_share") == "0%"
    # every other number of the registry has a format too: no column shows 16 digits
    assert W.number_format("max_exceedance_ratio") == "0.00" and W.number_format("score") == "0.00"
    assert W.number_format("years_p50") == "#,##0.0" and W.number_format("useful_energy_gj_ha_yr") == "#,##0.0"
    assert W.number_format("input_row") == "0" and W.number_format("ph") == "0.00"
    assert W.number_format("cd_mg_kg") == "0.000" and W.number_format("lat") == "0.0#####"
    assert W.number_format("co2e_t_ha") == "#,##0.0" and W.number_format("harvest_t_dm_ha") == "#,##0.0"
    assert W.number_format("plot_id") is None and W.number_format("not_a_column") is None


def test_streamed_workbook_has_each_plot_once_with_its_recommended_option(tmp_path, capsys):
    f = tmp_path / "p.csv"
    synthetic_plots(90, seed=4).to_csv(f, index=False)
    out = tmp_path / "o"
    assert main(["plan", str(f), "--out", str(out), "--draws", "0", "--chunk-size", "40", "--quiet"]) == 0
    capsys.readouterr()
    s = pd.read_excel(out / "plan.xlsx", sheet_name="summary", header=1, engine="openpyxl")
    ref = pd.read_parquet(out / "summary.parquet")
    f = _formats(openpyxl.load_workbook(out / "plan.xlsx")["summary"])  # chunks written with the formats
    assert f["area_ha"] == {"#,##0.00"} and f["npv_vs_baseline_cny_ha"] == {"#,##0"}
    assert s["plot_id"].tolist() == ref["plot_id"].tolist()
    o = pd.read_excel(out / "plan.xlsx", sheet_name="options", header=1, engine="openpyxl")
    assert o["plot_id"].tolist() == ref["plot_id"].tolist() and o["recommended"].all()
    assert o["option_id"].tolist() == ref["recommended_option"].tolist()
    led = pd.read_excel(out / "plan.xlsx", sheet_name="carbon ledger", header=1, engine="openpyxl")
    plan = pd.read_parquet(out / "plan.parquet")
    rec = plan.loc[plan["recommended"], ["plot_id", "soc_change_co2e_t_ha_yr"]].merge(
        ref[["plot_id", "area_ha"]]
    )
    soc = (rec["soc_change_co2e_t_ha_yr"] * rec["area_ha"]).sum()
    assert len(rec) == 90 and abs(soc) > 1
    assert led.set_index("term").loc["soil organic carbon change", "co2e_t_yr"] == pytest.approx(soc)


def test_a_sheet_stops_at_the_row_limit_and_says_so(tmp_path, monkeypatch):
    """Excel's limit is 1 048 576 rows; with the limit set to 12 (2 header rows + 10) the summary
    of 16 plots keeps 10 rows and the README counts the 6 left out."""
    monkeypatch.setattr(W, "EXCEL_MAX_ROWS", 12)
    plan = agriremed.plan(SAMPLES / "plots.csv", agriremed.Scenario(mc_draws=0), progress=False)
    p = W.write_workbook(plan, tmp_path / "plan.xlsx")
    assert len(pd.read_excel(p, sheet_name="summary", header=1, engine="openpyxl")) == 10
    readme = [r[1] for r in openpyxl.load_workbook(p)["README"].iter_rows(values_only=True) if len(r) > 1]
    assert (
        "The summary sheet stops at Excel's limit of 1,048,576 rows: 6 rows are only in summary.csv."
        in readme
    )


def test_a_large_plan_keeps_the_recommended_option_of_each_plot(tmp_path, monkeypatch):
    """Above ALL_OPTIONS_MAX_ROWS plot × option rows (set to 100 here: 16 plots × the library are
    more) the options sheet holds the 16 recommended rows and the ledger the sums by term."""
    monkeypatch.setattr(W, "ALL_OPTIONS_MAX_ROWS", 100)
    plan = agriremed.plan(SAMPLES / "plots.csv", agriremed.Scenario(mc_draws=0), progress=False)
    p = W.write_workbook(plan, tmp_path / "plan.xlsx", lang="zh")
    o = pd.read_excel(p, sheet_name="方案", header=1, engine="openpyxl")
    rec = plan.table.loc[plan.table["recommended"]]
    assert o["option_id"].tolist() == rec["option_id"].tolist() and len(o) == 16
    led = pd.read_excel(p, sheet_name="碳账", header=1, engine="openpyxl").set_index("term")
    lg = plan.carbon_ledger.merge(rec[["plot_id", "option_id"]]).merge(plan.summary[["plot_id", "area_ha"]])
    ch4 = lg.loc[lg["term"] == "paddy_ch4"]
    paddy = (ch4["co2e_t_ha_yr"] * ch4["area_ha"]).sum()
    assert led.loc["稻田甲烷", "co2e_t_yr"] == pytest.approx(paddy) and paddy != 0


def test_data_rows_written_as_sheet_xml_read_back_as_given(tmp_path):
    """The data rows go into the sheet XML column by column (each distinct value once): numbers
    as numbers (16 significant digits, as openpyxl writes them; -0 kept), missing values as empty
    cells, ±inf as ±1E+307 (shown as ∞), booleans, text with XML's special characters, a carriage return, edge
    spaces and an error-looking text, formula-looking text neutralised; the same values as
    openpyxl's own rows in a second, identical sheet."""
    df = pd.DataFrame({
        "plot_id": ["a&b", "<c>", " lead", "x\ry", "#N/A", "=1+2"],
        "x": [1 / 3, -0.0, 0.0, float("nan"), float("inf"), -float("inf")],
        "n": [3, -2, 0, 7, 7, 3],
        "k": pd.array([1, None, 2, 2, None, 5], dtype="Int64"),
        "ok": [True, False, True, True, False, True],
        "mixed": [2.5, True, None, "x", 1, "-1.5"],
    })
    book = W._Book(tmp_path / "t.xlsx", "en")
    book.sheet("summary", df.columns).add(df)
    book.sheet("summary", df.columns).add(df.iloc[:2])  # a second chunk continues the numbering
    ws = book.wb.create_sheet("by_openpyxl")  # the same rows appended cell by cell
    for row in zip(*W._cells(df), strict=True):
        ws.append(list(row))
    for row in zip(*W._cells(df.iloc[:2]), strict=True):
        ws.append(list(row))
    path = book.finish({}, [])
    wb = openpyxl.load_workbook(path)
    got = [[c.value for c in r] for r in wb[W.sheet_names("en")["summary"]].iter_rows(min_row=3)]
    mine = [[c.value for c in r] for r in wb["by_openpyxl"].iter_rows()]
    assert got == mine
    assert got[0] == ["a&b", 0.3333333333333333, 3, 1, True, 2.5]
    assert got[1][:5] == ["<c>", 0, -2, None, False] and got[1][5] is True
    assert got[2][0] == " lead" and got[3][0] == "x\ry" and got[4][0] == "#N/A" and got[5][0] == "'=1+2"
    assert [r[1] for r in got[3:6]] == [None, 1e307, -1e307]  # numbers, never the text ∞
    assert got[5][5] == "-1.5" and got[3][5] == "x" and got[2][5] is None
    assert len(got) == 8 and got[6] == got[0] and got[7] == got[1]
    assert wb[W.sheet_names("en")["summary"]].freeze_panes == "B3"


def test_float_columns_are_written_as_each_value_alone_would_be():
    """A float column's cells built column-wise equal the cells of its values one by one
    (NaN: no cell; ±inf: the number ±1E+307; −0.0 keeps its sign; 16 significant digits)."""
    import numpy as np

    from agriremed.io.workbook import _cell_xml, _column_xml

    a = np.array([1.0, np.nan, -0.0, 0.0, np.inf, -np.inf, 1 / 3, 1e300, -2.5e-12, 123456789.123456789, 1.0])
    rows = np.array([str(r) for r in range(7, 7 + len(a))], dtype=object)
    got = _column_xml(a, "C", rows)
    want = ["" if np.isnan(x) else _cell_xml(1e307 if x == np.inf else -1e307 if x == -np.inf else float(x), f"C{r}")
            for x, r in zip(a, rows, strict=True)]
    assert got.tolist() == want
    assert got[2] == '<c r="C9" t="n"><v>-0</v></c>' and got[6] == '<c r="C13" t="n"><v>0.3333333333333333</v></c>'
    assert got[4] == '<c r="C11" t="n"><v>1e+307</v></c>'


def test_infinite_years_are_numbers_shown_as_infinity(tmp_path):
    """An option that never reaches its target (years ∞) or never pays back: the cell is the
    number 1E+307 (the column stays numeric for sorting, filters, pandas and R), shown as ∞ by
    its number format, and the README says so."""
    import numpy as np

    plan = agriremed.plan(SAMPLES / "plots.csv", agriremed.Scenario(mc_draws=0), progress=False)
    inf = np.isinf(plan.table["payback_yr"].to_numpy(float))
    assert inf.any()
    path = W.write_workbook(plan, tmp_path / "plan.xlsx", lang="zh", date="2026-12-06")
    o = pd.read_excel(path, sheet_name="方案", header=1, engine="openpyxl")
    assert pd.api.types.is_float_dtype(o["payback_yr"]) and pd.api.types.is_float_dtype(o["years_p50"])
    assert (o.loc[inf, "payback_yr"] == 1e307).all()
    assert o.loc[~inf, "payback_yr"].tolist() == pytest.approx(plan.table.loc[~inf, "payback_yr"].tolist(),
                                                                nan_ok=True)
    wb = openpyxl.load_workbook(path)
    ws = wb["方案"]
    col = [c.value for c in ws[2]].index("payback_yr") + 1
    cells = [ws.cell(row=r + 3, column=col) for r in np.flatnonzero(inf)]
    assert all(c.number_format == W.INFINITE_FORMAT + "#,##0.0" for c in cells)
    readme = " ".join(str(c.value) for r in wb["说明"].iter_rows() for c in r if c.value)
    assert "1E+307" in readme and "∞" in readme


def test_summary_carries_the_harvest_measured_and_its_metals_in_zh(tmp_path):
    """The metals measured in the harvest (crop_cd_mg_kg) are in the plot summary, just before the metals measured
    above their food limit, which are named in the workbook's language (镉, not the code cd)."""
    f = tmp_path / "grain.csv"
    f.write_text("plot_id,region,land_use,crop,area_ha,ph,som_pct,cd_mg_kg,糙米镉（mg/kg）,稻米铅（mg/kg）\n"
                 "G1,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,5.2,3.0,0.6,0.35,0.5\n"
                 "G2,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,6.5,3.0,0.5,0.08,\n", encoding="utf-8")
    plan = agriremed.plan(str(f), seed=1)
    assert plan.summary.set_index("plot_id")["crop_measured_exceeds"].to_dict() == {"G1": "cd+pb", "G2": ""}
    for lang, sheet, head, metals in (("zh", "地块汇总", ["农产品实测镉 [mg/kg]", "农产品实测铅 [mg/kg]", "农产品实测超标重金属"],
                                       "镉、铅"),
                                      ("en", "summary", ["Cd measured in the harvest [mg kg⁻¹]",
                                                         "Pb measured in the harvest [mg kg⁻¹]",
                                                         "Metals measured above the food limit in the harvest"],
                                       "Cd/Pb")):
        path = W.write_workbook(plan, tmp_path / f"{lang}.xlsx", lang=lang)
        rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
        labels = list(rows[0])
        at = labels.index(head[2])
        assert labels[at - 2:at + 1] == head
        assert [r[at - 2:at + 1] for r in rows[2:4]] == [(0.35, 0.5, metals), (0.08, None, None)]
def test_measured_crop_metals_above_the_limit_are_named_in_chinese():
    """``crop_measured_exceeds`` (``cd``, ``cd,as``) is written as 镉, 镉、砷 in a Chinese workbook (Cd, Cd/As in English)."""
    from agriremed.io.outputs import translate_frame

    df = pd.DataFrame({"crop_measured_exceeds": ["cd", "cd,as", "", None]})
    assert translate_frame(df, "zh")["crop_measured_exceeds"].tolist() == ["镉", "镉、砷", "", None]
    assert translate_frame(df, "en")["crop_measured_exceeds"].tolist() == ["Cd", "Cd/As", "", None]


def test_years_to_target_beyond_200_show_as_over_200_and_keep_the_number(tmp_path):
    """Issue 16 item 5: years above 200 read "> 200" in the workbook as in the sentences (a tobacco clean-up
    of 1 575.7 yr was printed as 1,575.7); the cell keeps the number, ∞ stays ∞."""

    plan = agriremed.plan(SAMPLES / "plots.csv", agriremed.Scenario(mc_draws=0), progress=False)
    path = W.write_workbook(plan, tmp_path / "plan.xlsx", lang="en", date="2026-12-07")
    wb = openpyxl.load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        names = [c.value for c in ws[2]] if ws.max_row >= 2 else []
        for name in set(names) & set(W.YEARS_TO_TARGET):
            col = names.index(name) + 1
            for r in range(3, ws.max_row + 1):
                c = ws.cell(row=r, column=col)
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    assert c.number_format == '[>=1E+307]"∞";[>200]"> 200";#,##0.0', (ws.title, name)
                    seen += 200 < c.value < 1e307
    assert seen > 0                                   # some clean-up beyond 200 yr among the samples
    readme = " ".join(str(c.value) for r in wb[W.sheet_names("en")["readme"]].iter_rows() for c in r if c.value)
    assert '"> 200"' in readme
