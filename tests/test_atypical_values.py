"""Soil metal values above the values usually measured in soil (a value in µg/kg typed under a mg/kg
header): the problem says what is typical in words that read as such, and the plan of the plot says
to check the value before acting on it."""

import pandas as pd

from agriremed.io.validate import validate_plots

#: Four Hunan paddies whose Cd column was written in µg/kg under a mg/kg header (officer review F1).
UGKG_COLUMN = ("地块编号,县,地类,作物,面积(亩),pH,镉(mg/kg),是否永久基本农田\n"
               "E-01,湖南省常德市石门县,水田,水稻,2.0,5.5,250,是\n"
               "E-02,湖南省常德市石门县,水田,水稻,2.0,5.8,420,是\n"
               "E-03,湖南省常德市石门县,水田,水稻,2.0,6.0,180,是\n"
               "E-04,湖南省常德市石门县,水田,水稻,2.0,6.2,95,是\n")


def _csv(tmp_path, text, name="plots.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_value_above_the_typical_range_says_typically_at_most_in_both_languages(tmp_path):
    v = validate_plots(_csv(tmp_path, UGKG_COLUMN))
    cd = v.problems[(v.problems["column"] == "cd_mg_kg") & (v.problems["value"] == "250")]
    assert cd["expected"].tolist() == ["typically ≤ 100 mg kg⁻¹"]
    en = [m for m in v.messages(group=False) if "'250'" in m]
    assert en == ["WARNING row 1 (line 2, plot E-01), column cd_mg_kg: value '250' — unusual value: kept, "
                  "please check it (and its unit); typically ≤ 100 mg kg⁻¹"]
    zh = [m for m in v.messages(group=False, lang="zh") if "'250'" in m]
    assert zh == ["警告：第1条记录（文件第2行，地块E-01），列土壤总镉：值'250'——数值异常：已保留，请核对数值（及单位）；"
                  "通常不超过100 mg/kg"]


def test_a_range_with_both_bounds_is_said_as_a_range_after_the_problem():
    from plotdata import make_plots
    v = validate_plots(make_plots(1, bulk_density_g_cm3=2.2))
    bd = v.problems[v.problems["column"] == "bulk_density_g_cm3"]
    assert bd["expected"].tolist() == ["typically 0.8–1.8 g cm⁻³"]
    zh = [m for m in v.messages(group=False, lang="zh") if "土壤容重" in m]
    assert len(zh) == 1 and zh[0].endswith("；通常为0.8–1.8 g/cm³") and "应为通常" not in zh[0]


def test_typical_message_of_an_open_range():
    from agriremed.core.messages import render
    from agriremed.io.validate import typical_message
    assert render(typical_message(None, 100.0, "mg/kg"), "zh") == "通常不超过100 mg/kg"
    assert render(typical_message(50.0, None, "mm"), "en").startswith("typically ≥ 50 ")
    assert isinstance(pd.__version__, str)


def test_a_ph_outside_its_typical_range_says_the_range_without_a_unit():
    # pH is a pure number: the range is written without the "–" a table shows for its unit
    from plotdata import make_plots
    v = validate_plots(make_plots(1, ph=10.5))
    ph = v.problems[v.problems["column"] == "ph"]
    assert ph["expected"].tolist() == ["typically 3.5–9.5"]
    zh = [m for m in v.messages(group=False, lang="zh") if "'10.5'" in m]
    assert len(zh) == 1 and zh[0].endswith("；通常为3.5–9.5"), zh


# ------------------------------------------------------------------ the plan says to check the value
import agriremed  # noqa: E402
from agriremed.core import messages  # noqa: E402
from agriremed.engine.stream import plan_stream  # noqa: E402

SC = agriremed.Scenario(mc_draws=0)
#: Shimen-style sheet: SM-08's Cd 450 is 0.45 mg/kg written in µg/kg; its As and Pb are background.
SHIMEN = ("地块编号,县,地类,作物,面积(亩),pH,镉(mg/kg),砷(mg/kg),铅(mg/kg)\n"
          "SM-01,湖南省常德市石门县,水田,水稻,3.5,5.6,0.45,12,40\n"
          "SM-02,湖南省常德市石门县,水田,水稻,2.0,5.8,0.52,15,38\n"
          "SM-08,湖南省常德市石门县,水田,水稻,2.1,5.4,450,17,46\n"
          "SM-09,湖南省常德市石门县,水田,水稻,1.5,6.0,0.38,14,52\n")
NOTE_EN = ("Check the Cd value (450 mg/kg): it is above the values usually measured in soil (≤ 100 mg/kg) — a value "
           "in µg/kg? — before acting on this plan; the soil class depends on it.")
NOTE_ZH = ("请核对镉含量（450 mg/kg）：高于土壤中通常测得的数值（≤100 mg/kg），是否以µg/kg填写？"
           "核实前请勿据此执行方案，土壤类别取决于该值。")


def _column_note(value, lang="en"):
    if lang == "zh":
        return (f"请核对镉含量（{value} mg/kg）：该列多数数值远高于土壤数值（中位数215 mg/kg），是否整列以µg/kg填写？"
                "核实前请勿据此执行方案，土壤类别取决于该值。")
    return (f"Check the Cd value ({value} mg/kg): most values of its column are far above soil values (median 215 "
            "mg/kg) — is the column in µg/kg? — before acting on this plan; the soil class depends on it.")


def _recs(summary, tables, lang="en"):
    texts = (summary["recommendation"].to_numpy(object) if lang == "en"
             else messages.column_texts(summary, "recommendation", lang, tables))
    return dict(zip(summary["plot_id"], texts, strict=True))


def test_a_value_above_the_typical_range_closes_the_plots_recommendation(tmp_path):
    p = agriremed.plan(_csv(tmp_path, SHIMEN), SC, progress=False)
    en, zh = _recs(p.summary, p.tables), _recs(p.summary, p.tables, "zh")
    assert en["SM-08"].endswith(" " + NOTE_EN)
    assert zh["SM-08"].endswith("。" + NOTE_ZH)
    for pid in ("SM-01", "SM-02", "SM-09"):  # 0.45 mg/kg and the like: no note
        assert "Check the" not in en[pid] and "请核对" not in zh[pid]
    assert p.plots.set_index("plot_id")["values_to_check"].fillna("").to_dict() == {
        "SM-01": "", "SM-02": "", "SM-08": "cd", "SM-09": ""}
    # the value is planned as given: nothing converted
    assert p.plots.set_index("plot_id").loc["SM-08", "cd_mg_kg"] == 450.0
    from agriremed.stages.advice import plot_advice  # the plot sheet prints the same sentence
    assert plot_advice(p, "SM-08", "zh").sentence.endswith("。" + NOTE_ZH)
    w = p.problems[(p.problems["plot_id"] == "SM-08") & (p.problems["column"] == "cd_mg_kg")]
    assert w["expected"].tolist() == ["typically ≤ 100 mg kg⁻¹"]


def test_a_column_in_ug_per_kg_is_warned_about_once_and_every_plot_is_told_to_check(tmp_path):
    p = agriremed.plan(_csv(tmp_path, UGKG_COLUMN), SC, progress=False)
    f = p.problems[p.problems["input_row"].isna() & (p.problems["column"] == "cd_mg_kg")
                   & p.problems["problem"].str.contains("median")]
    assert f["problem"].tolist() == [
        "most values of this column are far above soil values (median 215 mg/kg, more than 100 × the lowest Cd "
        "screening value 0.3 mg/kg): is the column in µg/kg? Then write the unit in the header (Cd (µg/kg)): "
        "agriremed converts it; or divide the values by 1 000. Kept as given: every plot's recommendation says to "
        "check its value"]
    en, zh = _recs(p.summary, p.tables), _recs(p.summary, p.tables, "zh")
    for pid, v in {"E-01": 250, "E-02": 420, "E-03": 180, "E-04": 95}.items():  # E-04 (95) too
        assert en[pid].endswith(" " + _column_note(v)), pid
        assert zh[pid].endswith("。" + _column_note(v, "zh")), pid
    # the route the warning names: the unit in the header is converted, and nothing is left to check
    p = agriremed.plan(_csv(tmp_path, UGKG_COLUMN.replace("镉(mg/kg)", "镉(µg/kg)"), "ug.csv"), SC, progress=False)
    assert p.plots["cd_mg_kg"].tolist() == [0.25, 0.42, 0.18, 0.095]
    assert "values_to_check" not in p.plots
    assert not p.summary["recommendation"].str.contains("Check the Cd value").any()


def test_chunked_plans_give_the_same_notes(tmp_path):
    # half the column in µg/kg, in the second chunk: the first chunk's plots are flagged by the file's median
    mixed = UGKG_COLUMN.replace(",250,", ",0.25,").replace(",420,", ",0.42,")
    for text, name in ((SHIMEN, "shimen.csv"), (UGKG_COLUMN, "ugkg.csv"), (mixed, "mixed.csv")):
        src = _csv(tmp_path, text, name)
        whole = agriremed.plan(src, SC, progress=False)
        r = plan_stream(src, SC, chunk_size=2, progress=False)
        assert r.n_chunks == 2
        assert _recs(r.summary, whole.tables) == _recs(whole.summary, whole.tables)
        f = r.problems[r.problems["input_row"].isna() & r.problems["problem"].str.contains("median")]
        assert len(f) == (0 if name == "shimen.csv" else 1)
    recs = _recs(r.summary, whole.tables)
    assert recs["E-01"].endswith("Check the Cd value (0.25 mg/kg): most values of its column are far above soil "
                                 "values (median 47.71 mg/kg) — is the column in µg/kg? — before acting on this plan; "
                                 "the soil class depends on it.")
    assert recs["E-04"].endswith("Check the Cd value (95 mg/kg): most values of its column are far above soil values "
                                 "(median 47.71 mg/kg) — is the column in µg/kg? — before acting on this plan; the "
                                 "soil class depends on it.")


# ------------------------------------------------------------------ small Chinese and format items (F10)
ROTATION = ("地块编号,县,地类,作物,面积(亩),pH,镉(mg/kg),是否永久基本农田\n"
            "R-01,湖南省常德市石门县,水田,水稻-油菜,3.0,5.6,0.45,是\n"
            "R-02,湖南省常德市石门县,旱地,甘蔗,2.0,6.5,0.25,否\n")


def test_zh_workbook_names_the_rotation_crops_not_planned(tmp_path):
    from agriremed.io import workbook as W
    p = agriremed.plan(_csv(tmp_path, ROTATION), SC, progress=False)
    assert p.summary.set_index("plot_id").loc["R-01", "crops_not_planned"] == "rapeseed"
    path = W.write_workbook(p, tmp_path / "plan.xlsx", lang="zh", date="2026-12-06")
    s = pd.read_excel(path, sheet_name=W.sheet_names("zh")["summary"], header=1, engine="openpyxl").set_index("plot_id")
    assert s.loc["R-01", "crops_not_planned"] == "油菜"


def test_zh_problems_name_the_value_a_cell_is_read_as(tmp_path):
    v = validate_plots(_csv(tmp_path, ROTATION))
    zh = messages.column_texts(v.problems, "problem", "zh")
    got = {(c, t) for c, t in zip(v.problems["column"], zh, strict=True) if t.startswith("识别为")}
    assert {("land_use", "识别为水田"), ("land_use", "识别为旱地"), ("basic_farmland", "识别为是"),
            ("crop", "识别为甘蔗")} <= got
    assert not any(t in ("识别为paddy", "识别为yes", "识别为sugarcane", "识别为upland") for _, t in got)
    en = dict(zip(v.problems["value"], v.problems["problem"], strict=False))
    assert en["甘蔗"] == "read as sugarcane" and en["水田"] == "read as paddy"  # English keeps the code


def test_an_amount_per_mu_that_rounds_to_zero_prints_without_a_sign():
    from agriremed.core.messages import render
    from agriremed.engine.assemble import _fmt_money
    assert render(_fmt_money(-5.0), "zh") == "0元/亩（-5元/公顷）"
    assert render(_fmt_money(-5.0), "en") == "-5 CNY/ha (0 CNY/mu)"
    assert render(_fmt_money(4.0), "zh") == "0元/亩（+4元/公顷）"
    assert render(_fmt_money(-1051.0), "zh") == "-70元/亩（-1,051元/公顷）"


def test_an_area_out_of_range_says_the_range_in_the_unit_of_the_header_too(tmp_path):
    v = validate_plots(_csv(tmp_path, ROTATION.replace(",3.0,", ",20000000,")))
    e = v.problems[(v.problems["column"] == "area_ha") & (v.problems["severity"] == "error")]
    assert e["expected"].tolist() == [
        "a number > 0 and ≤ 1,000,000 ha (a number > 0 and ≤ 15,000,000 in the unit of the header)"]
    zh = messages.column_texts(e, "expected", "zh")
    assert zh.tolist() == ["数值> 0且≤ 1,000,000 公顷（按表头单位：数值> 0且≤ 15,000,000）"]


def test_console_shows_the_values_to_check_before_other_warnings(tmp_path, capsys):
    from agriremed.apps.cli import main
    src = _csv(tmp_path, SHIMEN)
    assert main(["plan", str(src), "--out", str(tmp_path / "o"), "--draws", "0", "--no-xlsx", "--no-report",
                 "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    warn = out[out.index("已规划的行有"):].splitlines()[1]
    assert warn == ("  警告：第3条记录（文件第4行，地块SM-08），列土壤总镉：值'450'——数值异常：已保留，请核对数值（及单位）；"
                    "通常不超过100 mg/kg")


def test_dask_partitions_use_the_medians_of_the_whole_table(tmp_path):
    import pytest
    dd = pytest.importorskip("dask.dataframe")
    from agriremed.engine.dask_backend import plan_dask
    from agriremed.io.readers import read_table
    mixed = UGKG_COLUMN.replace(",250,", ",0.25,").replace(",420,", ",0.42,")
    frame, _ = read_table(_csv(tmp_path, mixed))
    whole = agriremed.plan(frame, SC, progress=False)
    out = plan_dask(dd.from_pandas(frame, npartitions=2), SC)
    summary = out.summary.compute()
    assert _recs(summary, whole.tables) == _recs(whole.summary, whole.tables)
    assert _recs(summary, whole.tables)["E-01"].endswith(
        "Check the Cd value (0.25 mg/kg): most values of its column are far above soil values (median 47.71 mg/kg) "
        "— is the column in µg/kg? — before acting on this plan; the soil class depends on it.")
