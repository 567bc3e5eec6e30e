"""A plan never applies other land-use rules silently: a rule set other than the plot's default (the research
run without rules, a plot abroad that has none, the china set abroad) is named in the sentence and on the
plot sheet, with what the default set says of the recommended option on land the input records as permanent
basic farmland; tables of a user folder (``--tables``) are named in the report header, the workbook README
and the sheet footer."""

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.io.report import report_html
from agriremed.io.workbook import write_workbook
from sheettext import sheet_text

PLOTS = pd.DataFrame([
    # 长株潭 strict-control paddy, permanent basic farmland
    {"plot_id": "P08", "region": "Hunan/Xiangtan/Xiangtan County", "land_use": "paddy", "crop": "rice",
     "area_ha": 0.40, "ph": 5.0, "som_pct": 3.0, "clay_pct": 30, "cec_cmol_kg": 11, "bulk_density_g_cm3": 1.12,
     "depth_m": 0.20, "basic_farmland": "yes", "cd_mg_kg": 1.80, "pb_mg_kg": 70, "as_mg_kg": 18, "hg_mg_kg": 0.30,
     "cr_mg_kg": 66, "cu_mg_kg": 33, "ni_mg_kg": 25, "zn_mg_kg": 170, "annual_rain_mm": 1390, "mean_temp_c": 17.4},
    # Derbyshire wheat: no rule set in the tables for the UK
    {"plot_id": "P23", "region": "UK/Derbyshire", "land_use": "upland", "crop": "wheat", "area_ha": 5.0, "ph": 6.8,
     "som_pct": 4.0, "clay_pct": 25, "cec_cmol_kg": 18, "bulk_density_g_cm3": 1.25, "depth_m": 0.25,
     "basic_farmland": None, "cd_mg_kg": 1.40, "pb_mg_kg": 450, "as_mg_kg": 20, "hg_mg_kg": 0.20, "cr_mg_kg": 50,
     "cu_mg_kg": 40, "ni_mg_kg": 35, "zn_mg_kg": 350, "annual_rain_mm": 900, "mean_temp_c": 9.0},
])

RESEARCH = "No land-use rules applied (rule set none, research run)."
RESEARCH_ZH = "未适用土地用途管控规则（规则集none，研究情景）。"
BF_PV = ("The input records the plot as permanent basic farmland, where rule set china forbids this option: "
         "rule “basic farmland: no PV” (自然资办发〔2023〕12号).")
BF_PV_ZH = "输入记录该地块为永久基本农田，china规则集在此禁止本方案：规则“永久基本农田：不得建光伏”（自然资办发〔2023〕12号）。"
ABROAD = "No land-use rules applied (rule set none: the tables hold none for this country)."


@pytest.fixture(scope="module")
def research():
    return agriremed.plan(PLOTS, agriremed.Scenario(mc_draws=0, rule_set="none"), progress=False)


def _sentences(p, lang="en") -> dict:
    s = p.summary
    return dict(zip(s["plot_id"], messages.column_texts(s, "recommendation", lang, p.tables), strict=True))


def test_research_run_names_the_rule_set_and_the_basic_farmland_it_overrides(research):
    s = research.summary.set_index("plot_id")
    # the research run puts PV on the basic-farmland paddy: the sentence says no rules applied and that the
    # default set forbids it there (the PV step still reads "not permanent basic farmland")
    assert s.loc["P08", "recommended_option"] == "pv_grass"
    en, zh = _sentences(research), _sentences(research, "zh")
    assert f"{RESEARCH} {BF_PV}" in en["P08"]
    assert RESEARCH_ZH + BF_PV_ZH in zh["P08"]
    # the UK plot has no rule set of its own: none is its default, said as such
    assert ABROAD in en["P23"] and RESEARCH not in en["P23"]
    assert "未适用土地用途管控规则（规则集none：数据表中没有该国的规则集）。" in zh["P23"]


def test_default_rule_sets_say_nothing_and_china_abroad_is_named():
    auto = agriremed.plan(PLOTS, agriremed.Scenario(mc_draws=0), progress=False)
    en = _sentences(auto)
    assert "land-use rules" not in en["P08"].lower() and "rule set china" not in en["P08"]
    assert ABROAD in en["P23"]
    china = agriremed.plan(PLOTS.loc[PLOTS["plot_id"] == "P23"], agriremed.Scenario(mc_draws=0, rule_set="china"),
                           progress=False)
    assert "Land-use rules of rule set china applied (the default here: none)." in _sentences(china)["P23"]
    assert "适用规则集china的土地用途管控规则（本地默认：none）。" in _sentences(china, "zh")["P23"]


def test_plot_sheet_names_the_rule_set(research):
    en = sheet_text(research, "P08", "en")
    assert "Land-use rules" in en and "No land-use rules applied (rule set none, research" in en
    assert "rule set china forbids this option" in en
    zh = sheet_text(research, "P08", "zh")
    assert "土地用途管控规则" in zh and "规则集none，研究情景" in zh and "china规则集在此禁止本方案" in zh
    # a plan under its default rule set has no such line
    auto = agriremed.plan(PLOTS.loc[PLOTS["plot_id"] == "P08"], agriremed.Scenario(mc_draws=0), progress=False)
    assert "Land-use rules" not in sheet_text(auto, "P08", "en")


@pytest.fixture(scope="module")
def user_plan(tmp_path_factory):
    # the county's own land rules: energy trees forbidden on strict-control orchards
    folder = tmp_path_factory.mktemp("usertables")
    lr = load_tables().land_rules.copy()
    lr.loc[lr["rule_id"] == "cn_strict_orchard_trees", "status"] = "forbidden"
    lr.to_csv(folder / "land_rules.csv", index=False)
    plot = {**PLOTS.iloc[0].to_dict(), "plot_id": "P07", "region": "Hunan/Chenzhou/Beihu", "land_use": "orchard",
            "crop": "citrus", "basic_farmland": "no", "cd_mg_kg": 2.0}
    p = agriremed.plan(pd.DataFrame([plot]), agriremed.Scenario(mc_draws=0), tables=load_tables(folder),
                       progress=False)
    sha = hashlib.sha256(b"land_rules.csv\0" + str((folder / "land_rules.csv").stat().st_size).encode() + b"\0"
                         + (folder / "land_rules.csv").read_bytes()).hexdigest()
    return p, folder, sha


def test_user_tables_are_named_in_report_workbook_and_sheet(user_plan, research, tmp_path):
    p, folder, sha = user_plan
    assert p.summary["recommended_option"].iloc[0] == "fallow"  # the user's rule decided
    en = report_html(p, lang="en", date="2026-12-07")
    assert (f"Tables from a user folder (--tables), used in place of or added to the packaged ones: land_rules.csv "
            f"— folder {Path(folder).resolve()}, sha256 {sha}") in en
    zh = report_html(p, lang="zh", date="2026-12-07")
    assert f"用户目录中的数据表（--tables），替换或补充软件自带的表：land_rules.csv — 目录{Path(folder).resolve()}，sha256 {sha}" in zh
    for lang, sheet, item in (("en", "README", "Tables from a user folder"), ("zh", "说明", "用户目录中的数据表")):
        path = write_workbook(p, tmp_path / f"plan_{lang}.xlsx", lang=lang, date="2026-12-07")
        rows = {r[0]: r[1] for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True) if len(r) > 1}
        assert rows[item] == f"land_rules.csv — {Path(folder).resolve()} (sha256 {sha})"
    # the footer (a line may break before the hash: the extracted text joins lines without a space)
    foot = sheet_text(p, "P07", "en").replace(" ", "")
    assert f"tablesfromauserfolder:land_rules.csv(sha256{sha})" in foot
    assert f"用户目录中的数据表：land_rules.csv（sha256{sha}）" in sheet_text(p, "P07", "zh").replace(" ", "")

    # a streamed plan (large inputs): its report and workbook say the same
    from agriremed.engine.stream import plan_stream
    from agriremed.io.report import StreamReport
    from agriremed.io.workbook import StreamWorkbook

    out = tmp_path / "streamed"
    plan_stream(p.plots, agriremed.Scenario(mc_draws=0), out=out, fmt="csv", tables=p.tables, progress=False,
                extra_outputs=[StreamReport(date="2026-12-07"), StreamWorkbook(date="2026-12-07")])
    assert f"land_rules.csv — folder {Path(folder).resolve()}, sha256 {sha}" in (out / "report.html").read_text("utf-8")
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(out / "plan.xlsx")["README"].iter_rows(values_only=True)
            if len(r) > 1}
    assert rows["Tables from a user folder"] == f"land_rules.csv — {Path(folder).resolve()} (sha256 {sha})"
    # the packaged tables: no such line
    assert "user folder" not in report_html(research, lang="en", date="2026-12-07")
    path = write_workbook(research, tmp_path / "plan.xlsx", lang="en", date="2026-12-07")
    items = [r[0] for r in openpyxl.load_workbook(path)["README"].iter_rows(values_only=True)]
    assert "Tables from a user folder" not in items
    assert "user folder" not in sheet_text(research, "P08", "en")
