"""Metals measured in the harvest (糙米镉, 籽粒镉, grain_cd_mg_kg …): read as crop_<metal>_mg_kg, every plot
planned from its soil as before, the measured value compared with the food limit of the plot's crop in the
summary (crop_measured_exceeds), the recommendation (EN and ZH) and the plot sheet; soil headers unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed as A
from agriremed.core.messages import Message, render
from agriremed.core.names import read_header
from agriremed.io.pairs import read_pair_header
from agriremed.io.validate import validate_plots
from agriremed.stages.advice import plot_advice

HEAD = "plot_id,region,land_use,crop,area_ha,ph,som_pct,cd_mg_kg"
ROWS = ("G1,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,5.2,3.0,0.6", "G2,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,6.5,3.0,0.5")


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    d = tmp_path_factory.mktemp("grain")
    with_grain, without = d / "g.csv", d / "g_nocol.csv"
    with_grain.write_text(f"{HEAD},糙米镉（mg/kg）\n{ROWS[0]},0.35\n{ROWS[1]},0.08\n", encoding="utf-8")
    without.write_text(f"{HEAD}\n{ROWS[0]}\n{ROWS[1]}\n", encoding="utf-8")
    return A.plan(str(with_grain), seed=1), A.plan(str(without), seed=1)


def test_grain_column_is_read_and_every_plot_planned(plans):
    p, _ = plans
    s = p.summary.set_index("plot_id")
    assert list(s.index) == ["G1", "G2"]
    assert s["recommended_option"].notna().all()
    assert s.loc["G1", "crop_measured_exceeds"] == "cd"
    assert s.loc["G2", "crop_measured_exceeds"] == ""  # measured, within the limit
    cols = list(p.summary.columns)
    assert cols.index("crop_measured_exceeds") == cols.index("metals_not_assessed") + 1


def test_measurement_does_not_change_the_prediction(plans):
    p, q = plans
    a, b = p.summary.set_index("plot_id"), q.summary.set_index("plot_id")
    assert a["current_crop_compliance_prob"].to_list() == b["current_crop_compliance_prob"].to_list()
    assert a["recommended_option"].to_list() == b["recommended_option"].to_list()
    assert "crop_measured_exceeds" not in q.summary and "crop_measured_msg" not in q.summary


def test_sentence_compares_the_harvest_with_the_limit_en_zh(plans):
    p, _ = plans
    s = p.summary.set_index("plot_id")
    p1, p2 = (round(100 * float(s.loc[k, "current_crop_compliance_prob"])) for k in ("G1", "G2"))
    assert (p1, p2) == (43, 70)
    en1, en2 = s.loc["G1", "recommendation"], s.loc["G2", "recommendation"]
    assert en1.endswith("Measured Cd in the harvest 0.35 mg/kg is above the GB2762 limit 0.2 mg/kg "
                        "(the plan's prediction for the crop grown now: 43 % within the limit a season).")
    assert en2.endswith("Measured Cd in the harvest 0.08 mg/kg is within the GB2762 limit 0.2 mg/kg "
                        "(the plan's prediction for the crop grown now: 70 % within the limit a season).")
    zh1 = render(Message.decode(s.loc["G1", "recommendation_msg"]), "zh", p.tables)
    zh2 = render(Message.decode(s.loc["G2", "recommendation_msg"]), "zh", p.tables)
    assert zh1.endswith("农产品实测镉0.35 mg/kg，超过GB2762限量0.2 mg/kg（本方案对现种作物的预测：每季达标概率43 %）。")
    assert zh2.endswith("农产品实测镉0.08 mg/kg，未超过GB2762限量0.2 mg/kg（本方案对现种作物的预测：每季达标概率70 %）。")


def test_plot_sheet_shows_the_measured_harvest(plans):
    p, _ = plans
    en = plot_advice(p, "G1", "en").crop_lines
    zh = plot_advice(p, "G1", "zh").crop_lines
    assert en[-1] == ("Measured Cd in the harvest 0.35 mg/kg is above the GB2762 limit 0.2 mg/kg "
                      "(the plan's prediction for the crop grown now: 43 % within the limit a season).")
    assert zh[-1].startswith("农产品实测镉0.35 mg/kg，超过GB2762限量0.2 mg/kg")


@pytest.mark.parametrize("header, canonical, factor", [
    ("糙米镉（mg/kg）", "crop_cd_mg_kg", 1.0), ("稻米镉", "crop_cd_mg_kg", 1.0), ("籽粒镉", "crop_cd_mg_kg", 1.0),
    ("农产品镉含量（mg/kg）", "crop_cd_mg_kg", 1.0), ("大米镉", "crop_cd_mg_kg", 1.0),
    ("稻米中镉含量(mg/kg)", "crop_cd_mg_kg", 1.0), ("小麦籽粒铅（mg/kg）", "crop_pb_mg_kg", 1.0),
    ("玉米砷", "crop_as_mg_kg", 1.0), ("作物汞", "crop_hg_mg_kg", 1.0), ("grain_cd_mg_kg", "crop_cd_mg_kg", 1.0),
    ("rice_cd_mg_kg", "crop_cd_mg_kg", 1.0), ("crop Cd (mg/kg)", "crop_cd_mg_kg", 1.0),
    ("Cd_rice", "crop_cd_mg_kg", 1.0), ("Cd in rice (mg/kg)", "crop_cd_mg_kg", 1.0),
    ("wheat Cr (mg/kg)", "crop_cr_mg_kg", 1.0), ("crop_cd_mg_kg", "crop_cd_mg_kg", 1.0),
    ("大米镉（μg/kg）", "crop_cd_mg_kg", 0.001), ("rice_cd_ug_kg", "crop_cd_mg_kg", 0.001),
    ("糙米镉（mg/kg，鲜重）", "crop_cd_mg_kg", 1.0),
])
def test_crop_metal_headers(header, canonical, factor):
    h = read_header(header)
    assert h.error is None, h.error
    assert (h.canonical, h.factor) == (canonical, pytest.approx(factor, rel=1e-12))
    if header != canonical:  # the note says what the column is used for
        assert "measured in the harvest" in h.note and "fit-uptake" in h.note


@pytest.mark.parametrize("header, canonical", [
    ("镉（mg/kg）", "cd_mg_kg"), ("Cd (mg/kg)", "cd_mg_kg"), ("土壤镉", "cd_mg_kg"), ("cd_mg_kg", "cd_mg_kg"),
    ("土壤总铅（mg/kg）", "pb_mg_kg"), ("作物", "crop"), ("crop", "crop"), ("rice_type", "rice_type"),
])
def test_soil_and_crop_headers_unchanged(header, canonical):
    h = read_header(header)
    assert h.error is None and h.canonical == canonical


def test_soil_words_are_not_read_as_the_crop_and_dry_weight_is_marked():
    assert read_header("玉米地土壤镉").canonical != "crop_cd_mg_kg"
    h = read_header("grain Cd (mg/kg DW)")
    assert (h.canonical, h.error, h.dry) == ("crop_cd_mg_kg", None, True) and "dry-weight basis" in h.note


def test_ug_kg_values_converted_and_below_detection_limit_read_as_the_limit():
    df = pd.DataFrame({"plot_id": ["G1", "G2", "G3"], "region": ["Hunan/Zhuzhou/Lukou"] * 3,
                       "land_use": ["paddy"] * 3, "crop": ["rice"] * 3, "area_ha": [0.3] * 3,
                       "ph": [5.2, 6.5, 6.0], "cd_mg_kg": [0.6, 0.5, 0.4], "大米镉（μg/kg）": ["350", "80", "<10"]})
    v = validate_plots(df)
    assert v.rejected.empty
    got = v.plots.set_index("plot_id")["crop_cd_mg_kg"]
    # '<10' µg/kg: below the detection limit 10 µg/kg, read as 0.01 mg/kg (an upper bound), reported
    assert got["G1"] == pytest.approx(0.35) and got["G2"] == pytest.approx(0.08) and got["G3"] == pytest.approx(0.01)
    assert v.plots["crop_censored_metals"].fillna("").tolist() == ["", "", "cd"]
    w = v.warnings
    assert w.loc[(w["column"] == "crop_cd_mg_kg") & (w["input_row"] == 3), "problem"].tolist() == [
        "below the detection limit 0.01 mg/kg: compared with the food limit as an upper bound (at or below the "
        "limit the harvest complies)"]
    assert v.plots.set_index("plot_id")["cd_mg_kg"].to_list() == [0.6, 0.5, 0.4]  # soil unchanged


def test_harvest_columns_are_the_plant_side_of_fit_uptake_pairs():
    for header, factor in (("grain_cd_mg_kg", 1.0), ("Cd_rice", 1.0), ("crop_cd_mg_kg", 1.0),
                           ("rice_cd_ug_kg", 0.001)):
        h = read_pair_header(header)
        assert (h.canonical, h.factor, h.error) == ("plant_cd_mg_kg", factor, None)


# ------------------------------------------------ several columns of one metal (a co-monitoring sheet)
def _co_monitoring(rows):
    """A 协同监测 sheet: one grain column per crop (mg/kg) and an outside lab's column in µg/kg."""
    base = {"region": "安徽/滁州/天长", "land_use": "水田", "area_ha": 0.2, "ph": 5.6, "cd_mg_kg": 0.5}
    cols = ["plot_id", "crop", "糙米镉（mg/kg）", "小麦籽粒镉（mg/kg）", "籽粒镉（μg/kg）"]
    return pd.DataFrame([{**base, **dict(zip(cols, r, strict=True))} for r in rows])


def test_columns_per_crop_are_combined_row_by_row():
    v = validate_plots(_co_monitoring([
        ("Q1-稻", "水稻", "0.26", None, None), ("Q1-麦", "小麦", None, "0.12", None),
        ("Q2-稻", "水稻", "未检出", None, None), ("Q2-麦", "小麦", None, None, "85"),
        ("Q3-稻", "水稻", "0.09", None, "90")]))  # the same value in both units: agreed
    assert v.rejected.empty
    got = v.plots.set_index("plot_id")["crop_cd_mg_kg"]
    assert got["Q1-稻"] == pytest.approx(0.26) and got["Q1-麦"] == pytest.approx(0.12)
    assert pd.isna(got["Q2-稻"]) and got["Q2-麦"] == pytest.approx(0.085)
    assert got["Q3-稻"] == pytest.approx(0.09)
    notes = v.problems[v.problems["problem"].str.contains("combined row by row")]
    assert len(notes) == 1 and notes["input_row"].isna().all()  # said once, for the file
    assert notes["problem"].iloc[0] == ("several columns give crop_cd_mg_kg: '糙米镉（mg/kg）', '小麦籽粒镉（mg/kg）', "
                                        "'籽粒镉（μg/kg）', combined row by row (a column naming a crop, such as 糙米 "
                                        "or 小麦, is used on the rows of that crop)")
    zh = render(Message.decode(notes["problem_msg"].iloc[0]), "zh")
    assert zh.startswith("多列对应crop_cd_mg_kg：'糙米镉（mg/kg）', '小麦籽粒镉（mg/kg）', '籽粒镉（μg/kg）'，已逐行合并")
    assert not v.problems["problem"].str.contains("several columns map to").any()


def test_columns_that_disagree_reject_that_row_only():
    v = validate_plots(_co_monitoring([
        ("Q1-稻", "水稻", "0.26", None, "85"), ("Q1-麦", "小麦", None, "0.12", None)]))
    assert v.plots["plot_id"].to_list() == ["Q1-麦"]
    assert v.plots["crop_cd_mg_kg"].to_list() == [pytest.approx(0.12)]
    e = v.errors
    assert len(e) == 1 and e["input_row"].iloc[0] == 1 and e["column"].iloc[0] == "crop_cd_mg_kg"
    assert e["problem"].iloc[0] == ("the columns of crop_cd_mg_kg give different values for this row: "
                                    "'糙米镉（mg/kg）' 0.26 mg/kg, '籽粒镉（μg/kg）' 0.085 mg/kg")
    assert e["value"].iloc[0] == "0.26 | 0.085"


def test_value_in_the_column_of_another_crop_is_warned_about_and_not_used():
    v = validate_plots(_co_monitoring([
        ("Q1-稻", "水稻", None, "0.15", None), ("Q1-麦", "小麦", None, "0.12", None)]))
    assert v.rejected.empty
    got = v.plots.set_index("plot_id")["crop_cd_mg_kg"]
    assert pd.isna(got["Q1-稻"]) and got["Q1-麦"] == pytest.approx(0.12)
    w = v.warnings[v.warnings["problem"].str.contains("this row's crop")]
    assert w["input_row"].to_list() == [1] and w["value"].to_list() == ["0.15"]
    assert w["problem"].iloc[0] == "column '小麦籽粒镉（mg/kg）' is for Wheat, this row's crop is Rice: the value is not used"
    zh = render(Message.decode(w["problem_msg"].iloc[0]), "zh")
    assert zh == "列'小麦籽粒镉（mg/kg）'为小麦的实测值，本行作物为水稻：该值未采用"


def test_one_column_naming_no_crop_is_used_on_every_row():
    df = _co_monitoring([("Q1-稻", "水稻", None, None, "85"), ("Q1-麦", "小麦", None, None, "40")])
    v = validate_plots(df.drop(columns=["糙米镉（mg/kg）", "小麦籽粒镉（mg/kg）"]))
    assert v.rejected.empty and v.plots["crop_cd_mg_kg"].to_list() == [pytest.approx(0.085), pytest.approx(0.04)]
    assert not v.problems["problem"].str.contains("combined row by row").any()


def test_value_above_the_typical_range_is_to_be_checked_not_an_exceedance(tmp_path):
    """90 typed in µg/kg under a mg/kg header: 450 × the rice limit, above the column's typical max (5 mg/kg)."""
    f = tmp_path / "ug.csv"
    f.write_text(f"{HEAD},糙米镉（mg/kg）\n{ROWS[0]},90\n{ROWS[1]},0.35\n", encoding="utf-8")
    p = A.plan(str(f), seed=1)
    s = p.summary.set_index("plot_id")
    assert pd.isna(s.loc["G1", "crop_measured_exceeds"])  # not compared, not counted
    assert s.loc["G2", "crop_measured_exceeds"] == "cd"
    assert s.loc["G1", "recommendation"].endswith(
        "Measured Cd in the harvest 90 mg/kg is unusually high for a crop (usually ≤ 5 mg/kg) — a value in µg/kg? — "
        "check the value and its unit before acting on it; not compared with the GB2762 limit "
        "(the plan's prediction for the crop grown now: 43 % within the limit a season).")
    assert "above the GB2762 limit" not in s.loc["G1", "recommendation"]
    zh = render(Message.decode(s.loc["G1", "recommendation_msg"]), "zh", p.tables)
    assert zh.endswith("农产品实测镉90 mg/kg，对农产品而言异常偏高（通常≤5 mg/kg），是否以µg/kg填写？请先核对数值及其单位再据此行事；"
                       "暂不与GB2762限量比较（本方案对现种作物的预测：每季达标概率43 %）。")
    assert "超过GB2762限量" not in zh
    assert plot_advice(p, "G1", "zh").crop_lines[-1].startswith("农产品实测镉90 mg/kg，对农产品而言异常偏高")


def test_metals_measured_above_the_limit_are_named_in_the_output_language(plans):
    from agriremed.io.outputs import translate_frame
    p, _ = plans
    zh = translate_frame(p.summary, "zh", p.tables).set_index("plot_id")
    assert zh.loc["G1", "crop_measured_exceeds"] == "镉" and zh.loc["G1", "metals_exceeding"] == "镉"
    assert translate_frame(p.summary, "en", p.tables).set_index("plot_id").loc["G1", "crop_measured_exceeds"] == "Cd"


def test_fit_uptake_reads_a_grain_column_written_grain_cd():
    # a pairs file whose plant column is written grain_cd is read as the plant Cd (fit-uptake used to ask for
    # plant_cd_mg_kg); its two pairs are too few for three coefficients, which is the message now
    import io as _io
    from contextlib import redirect_stderr

    from agriremed.apps.cli import main
    from pathlib import Path
    import tempfile
    d = Path(tempfile.mkdtemp())
    (d / "p.csv").write_text("pair_id,crop,soil_cd_mg_kg,grain_cd,ph\nP01,rice,0.45,0.21,5.2\nP02,rice,0.52,0.25,5.4\n")
    err = _io.StringIO()
    with redirect_stderr(err):
        assert main(["fit-uptake", str(d / "p.csv"), "--crop", "rice", "--out", str(d)]) == 1
    assert "too few valid pairs: 2" in err.getvalue() and "plant_cd_mg_kg is missing" not in err.getvalue()


# ------------------------------------------------ inorganic As measured in the harvest (GB 2762 limits it in rice)
AS_HEAD = "plot_id,region,land_use,crop,area_ha,ph,som_pct,cd_mg_kg,as_mg_kg"
AS_SOIL = "Hunan/Changde/Shimen,paddy,rice,0.3,6.0,3.0,0.25,45"


@pytest.mark.parametrize("header, factor", [
    ("糙米无机砷（mg/kg）", 1.0), ("稻米无机砷含量(mg/kg)", 1.0), ("无机砷", 1.0), ("无机砷含量", 1.0),
    ("inorganic As (mg/kg)", 1.0), ("Inorganic arsenic (mg/kg)", 1.0), ("iAs", 1.0), ("iAs_mg_kg", 1.0),
    ("籽粒无机砷（μg/kg）", 0.001), ("i-As (µg/kg)", 0.001), ("crop_as_inorganic_mg_kg", 1.0)])
def test_inorganic_as_headers(header, factor):
    h = read_header(header)
    assert (h.canonical, h.factor, h.error) == ("crop_as_inorganic_mg_kg", pytest.approx(factor), None)


def test_inorganic_as_headers_keep_the_crop_word_and_the_other_rules():
    from agriremed.core.names import crop_metal_header_crop
    assert [crop_metal_header_crop(h) for h in ("糙米无机砷（mg/kg）", "小麦籽粒无机砷（mg/kg）", "无机砷")] == \
        ["水稻", "小麦", None]
    assert read_header("糙米砷（mg/kg）").canonical == "crop_as_mg_kg"  # total As unchanged
    assert read_header("土壤无机砷").canonical != "crop_as_inorganic_mg_kg"  # soil is never the crop
    dry = read_header("糙米无机砷（mg/kg，干重）")  # dry weight: read and marked, as for the other crop metals
    assert (dry.canonical, dry.error, dry.dry) == ("crop_as_inorganic_mg_kg", None, True)
    ratio = read_header("糙米无机砷超标倍数")  # an exceedance ratio is no concentration: a derived value, not read
    assert ratio.canonical == "糙米无机砷超标倍数" and ratio.error is None and ratio.derived
    assert read_pair_header("糙米无机砷（mg/kg）", "as").canonical != "plant_as_mg_kg"  # not the total of a fit


def test_inorganic_as_typical_max_is_ten_times_the_highest_gb2762_inorganic_limit():
    from agriremed.core import columns as C
    from agriremed.core.tables import load_tables
    fl = load_tables().food_limits
    gb = fl[(fl["standard"] == "GB2762") & (fl["metal"] == "as") & (fl["species"] == "inorganic")]
    assert C.COLUMNS["crop_as_inorganic_mg_kg"].typical == (None, pytest.approx(10 * gb["limit_mg_kg"].max()))
    assert C.CROP_METAL_COLUMNS.index("crop_as_inorganic_mg_kg") == C.CROP_METAL_COLUMNS.index("crop_as_mg_kg") + 1


@pytest.fixture(scope="module")
def inorganic_plan(tmp_path_factory):
    f = tmp_path_factory.mktemp("ias") / "ias.csv"
    f.write_text(f"{AS_HEAD},糙米无机砷（mg/kg）,糙米总砷（mg/kg）,籽粒无机砷（μg/kg）,小麦籽粒无机砷（mg/kg）\n"
                 f"A1,{AS_SOIL},0.42,,,\n"  # above the inorganic limit
                 f"A2,{AS_SOIL},0.2,0.6,,\n"  # both measured: inorganic within decides, total not compared
                 f"A3,{AS_SOIL},,0.6,,\n"  # total only: the inorganic share decides
                 f"A4,{AS_SOIL},,,420,\n"  # µg/kg: 0.42 mg/kg
                 f"A5,{AS_SOIL.replace('paddy,rice', 'upland,wheat')},,,,0.2\n"  # wheat: total-As limit only
                 f"A6,{AS_SOIL},,,,0.2\n", encoding="utf-8")  # a wheat column on a rice row: not used
    return A.plan(str(f), seed=1)


def test_gb2762_limits_inorganic_as_in_rice_total_as_in_wheat():
    from agriremed.core.tables import load_tables
    fl = load_tables().food_limits.set_index(["standard", "crop_group", "metal"])
    assert tuple(fl.loc[("GB2762", "rice", "as"), ["limit_mg_kg", "species"]]) == (0.35, "inorganic")
    assert tuple(fl.loc[("GB2762", "wheat", "as"), ["limit_mg_kg", "species"]]) == (0.5, "total")


def test_inorganic_as_compared_with_the_inorganic_limit(inorganic_plan):
    p = inorganic_plan
    s = p.summary.set_index("plot_id")
    # 0.42 > 0.35 (A1, and A4 from 420 µg/kg); 0.2 ≤ 0.35 (A2); total 0.6 alone is not counted (A3)
    assert s.loc["A1", "crop_measured_exceeds"] == "as" and s.loc["A4", "crop_measured_exceeds"] == "as"
    assert s.loc["A2", "crop_measured_exceeds"] == "" and s.loc["A3", "crop_measured_exceeds"] == ""
    assert p.plots.set_index("plot_id").loc["A4", "crop_as_inorganic_mg_kg"] == pytest.approx(0.42)
    above = ("Measured inorganic As in the harvest 0.42 mg/kg is above the GB2762 limit 0.35 mg/kg for inorganic As "
             "(not predicted by the plan for the crop grown now).")
    assert s.loc["A1", "recommendation"].endswith(above) and s.loc["A4", "recommendation"].endswith(above)
    assert s.loc["A3", "recommendation"].endswith(
        "Measured As in the harvest 0.6 mg/kg is above the GB2762 limit 0.35 mg/kg for inorganic As: a total was "
        "measured, the inorganic share decides — test it (not predicted by the plan for the crop grown now).")


def test_both_measured_the_inorganic_value_decides(inorganic_plan):
    s = inorganic_plan.summary.set_index("plot_id")
    en = s.loc["A2", "recommendation"]
    assert en.endswith("Measured inorganic As in the harvest 0.2 mg/kg is within the GB2762 limit 0.35 mg/kg for "
                       "inorganic As (not predicted by the plan for the crop grown now).")
    assert "Measured As in the harvest" not in en and "inorganic share decides" not in en


def test_inorganic_as_clauses_in_chinese(inorganic_plan):
    p = inorganic_plan
    s = p.summary.set_index("plot_id")
    zh = {k: render(Message.decode(s.loc[k, "recommendation_msg"]), "zh", p.tables) for k in ("A1", "A2", "A5")}
    assert zh["A1"].endswith("农产品实测无机砷0.42 mg/kg，超过GB2762无机砷限量0.35 mg/kg（本方案未预测现种作物的该元素含量）。")
    assert zh["A2"].endswith("农产品实测无机砷0.2 mg/kg，未超过GB2762无机砷限量0.35 mg/kg（本方案未预测现种作物的该元素含量）。")
    assert "农产品实测砷" not in zh["A2"]
    assert zh["A5"].endswith("农产品实测无机砷0.2 mg/kg：GB2762对该地块作物未设无机砷限量，未作比较。")


def test_inorganic_as_without_an_inorganic_limit_or_of_another_crop_is_not_compared(inorganic_plan):
    p = inorganic_plan
    s = p.summary.set_index("plot_id")
    assert pd.isna(s.loc["A5", "crop_measured_exceeds"]) and pd.isna(s.loc["A6", "crop_measured_exceeds"])
    assert s.loc["A5", "recommendation"].endswith(
        "Measured inorganic As in the harvest 0.2 mg/kg: GB2762 sets no inorganic-As limit for this plot's crop, "
        "not compared.")
    assert "Measured inorganic As" not in s.loc["A6", "recommendation"]
    w = p.problems[p.problems["problem"].str.contains("this row's crop")]
    assert w["severity"].to_list() == ["warning"] and w["column"].to_list() == ["crop_as_inorganic_mg_kg"] and w["value"].to_list() == ["0.2"]


def test_inorganic_as_value_above_its_typical_range_is_to_be_checked(tmp_path):
    f = tmp_path / "ias_ug.csv"
    f.write_text(f"{AS_HEAD},糙米无机砷（mg/kg）\nA1,{AS_SOIL},42\n", encoding="utf-8")
    p = A.plan(str(f), seed=1)
    s = p.summary.set_index("plot_id")
    assert pd.isna(s.loc["A1", "crop_measured_exceeds"])
    assert s.loc["A1", "recommendation"].endswith(
        "Measured inorganic As in the harvest 42 mg/kg is unusually high for a crop (usually ≤ 3.5 mg/kg) — a value "
        "in µg/kg? — check the value and its unit before acting on it; not compared with the GB2762 limit.")


@pytest.mark.parametrize("header", ["糙米镉（mg/kg）", "糙米镉（mg/kg，干重）"])
@pytest.mark.parametrize("at", [0, 2])
def test_streamed_harvest_value_in_one_chunk_only(tmp_path, header, at):
    """A harvest value in one row of three, planned in chunks of one row (the value in the first chunk, or in
    the last): every chunk's summary has the measured-harvest columns, as the plan of the whole file."""
    from agriremed.engine.stream import plan_stream

    cells = ["", "", ""]
    cells[at] = "0.35"
    rows = [f"G{i},Hunan/Zhuzhou/Lukou,paddy,rice,0.3,5.2,3.0,0.6,{c}" for i, c in enumerate(cells)]
    p = tmp_path / "g.csv"
    p.write_text(f"{HEAD},{header}\n" + "\n".join(rows) + "\n", encoding="utf-8")
    sc = A.Scenario(mc_draws=0)
    whole = A.plan(str(p), sc).summary
    r = plan_stream(p, sc, out=tmp_path / "out", chunk_size=1, fmt="csv", progress=False)
    assert r.summary.columns.tolist() == whole.columns.tolist()
    exceeds = [None, None, None]
    exceeds[at] = "cd"
    assert r.summary["crop_measured_exceeds"].tolist() == whole["crop_measured_exceeds"].tolist() == exceeds
    written = pd.read_csv(tmp_path / "out" / "summary.csv", keep_default_na=False)
    from agriremed.io.outputs import csv_frame

    # the CSV adds the companion <name>_never column after each years column
    assert written.columns.tolist() == csv_frame(whole).columns.tolist()
    assert written["crop_measured_exceeds"].tolist() == [e or "" for e in exceeds]
    basis = " (dry weight; conservative)" if "干重" in header else ""
    said = [f"Measured Cd in the harvest 0.35 mg/kg{basis} is above the GB2762 limit 0.2 mg/kg" in t
            for t in written["recommendation"]]
    assert said == [i == at for i in range(3)]
    assert [bool(m) for m in written["crop_measured_msg"]] == [i == at for i in range(3)]


def test_harvest_above_the_limit_on_priority_land_asks_for_a_class_review(tmp_path):
    # priority protection by the soil (pH 7.0, Cd 0.5 < 0.6) with rice measured at 0.35 > 0.2: the county's
    # classification combines soil and harvest, so the sentence asks for a review (the class is kept); a
    # priority plot within the limit and a safe-utilisation plot above it get no such note
    f = tmp_path / "review.csv"
    f.write_text(f"{HEAD},糙米镉（mg/kg）\n"
                 "R1,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,7.0,3.0,0.5,0.35\n"
                 "R2,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,7.0,3.0,0.5,0.10\n"
                 f"{ROWS[0]},0.35\n", encoding="utf-8")
    p = A.plan(str(f), seed=1)
    s = p.summary.set_index("plot_id")
    assert list(s["soil_class"]) == ["priority_protection", "priority_protection", "safe_utilisation"]
    en = "on land whose soil is below every screening value (priority protection): report it to the county"
    assert en in s.loc["R1", "recommendation"]
    assert "(Cd) on land" in s.loc["R1", "recommendation"]
    assert en not in s.loc["R2", "recommendation"] and en not in s.loc["G1", "recommendation"]
    zh = render(Message.decode(s.loc["R1", "recommendation_msg"]), "zh")
    assert "但农产品实测镉超过食品限量：请报告县级部门" in zh
