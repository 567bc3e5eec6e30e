"""Rows of a county sheet or village layer that are not plots to plan: land classes that are not farmland
(农村道路, 沟渠, 田坎 …) and the earlier sampling rounds of a plot are skipped with a note, neither planned nor
rejected (planned + rejected + skipped = rows)."""

from pathlib import Path

import pandas as pd

import agriremed
from agriremed.apps.cli import main
from agriremed.core.messages import text_of

_VILLAGE = ("TBBH,DLBM,DLMC,种植作物,面积（亩）,pH,镉(mg/kg)\n"
            "V000,0101,水田,水稻,3,5.5,0.5\n"
            "V001,0103,旱地,玉米,2,5.5,0.5\n"
            "V002,0102,水浇地,玉米,2,5.5,0.5\n"
            "V003,0201K,可调整果园,柑橘,1.5,5.5,0.5\n"
            "V004,0202,茶园,茶叶,1.5,5.5,0.5\n"
            "V005,1006,农村道路,,0.6,5.5,0.5\n"
            "V006,1107,沟渠,,0.3,5.5,0.5\n"
            "V007,0702,农村宅基地,,1.2,5.5,0.5\n"
            "V008,1203,田坎,,0.3,5.5,0.5\n"
            "V009,0301,乔木林地,,4.5,5.5,0.5\n"
            "V010,0404,其他草地,,1.5,5.5,0.5\n"
            "V011,1203,田坎,,0.15,5.5,0.5\n"
            "V012,1202,设施农用地,,1,5.5,0.5\n"
            "V013,0602,采矿用地,无,3,5.5,0.5\n")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def test_land_that_is_not_farmland_is_skipped_with_its_class_and_area(tmp_path):
    v = agriremed.validate_plots(_write(tmp_path, "village.csv", _VILLAGE))
    # farmland and the land agriremed plans (水田, 旱地, 水浇地, 园地, marginal 采矿用地) are planned
    assert v.plots["plot_id"].tolist() == ["V000", "V001", "V002", "V003", "V004", "V013"]
    assert v.plots["land_use"].tolist() == ["paddy", "upland", "upland", "orchard", "orchard", "marginal"]
    # 设施农用地 stays a row to correct (give the land use of the field under cover)
    assert v.rejected["input_row"].tolist() == [13]
    assert "设施农用地" in v.rejected["reasons"].iloc[0]
    assert v.skipped["input_row"].tolist() == [6, 7, 8, 9, 10, 11, 12]
    assert len(v.plots) + len(v.rejected) + len(v.skipped) == v.n_input == 14
    reasons = v.skipped["reason"].tolist()
    assert reasons[0] == ("land class 1006 农村道路 (transport land (roads, railways), land-use classification "
                          "GB/T 21010 / 三调) is not farmland, outside what agriremed plans: skipped (not planned, "
                          "not counted as rejected)")
    assert reasons[4].startswith("land class 0301 乔木林地 (forest land")
    assert text_of(v.skipped["reason_msg"].iloc[3], "zh").startswith("地类1203 田坎（田坎，土地利用现状分类GB/T 21010 / 三调）不是耕地")
    # no error and no "crop required" on the skipped rows: one note each
    sk = v.problems.loc[v.problems["input_row"].isin(range(6, 13))]
    assert set(sk["severity"]) == {"note"} and sk.groupby("input_row").size().eq(1).all()
    # the note on reading the input: their area by land class (亩 → ha)
    note = [n for n in v.notes if "not farmland" in n]
    assert note == ["7 row(s) of land that is not farmland skipped (not planned, not counted as rejected), by land "
                    "class: 0301 乔木林地 1 row(s), 0.3 ha; 0404 其他草地 1 row(s), 0.1 ha; 0702 农村宅基地 1 row(s), "
                    "0.08 ha; 1006 农村道路 1 row(s), 0.04 ha; 1107 沟渠 1 row(s), 0.02 ha; 1203 田坎 2 row(s), 0.03 ha"]
    assert text_of(note[0], "zh").startswith("已跳过7行非耕地（不规划，也不计为拒绝），按地类：0301 乔木林地 1行，0.3公顷；")


def test_plan_lists_land_that_is_not_farmland_as_skipped_not_as_errors(tmp_path, capsys):
    o = tmp_path / "o"
    assert main(["plan", str(_write(tmp_path, "village.csv", _VILLAGE)), "--out", str(o), "--draws", "0",
                 "--no-xlsx", "--region", "湖南/株洲/渌口", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "共规划6个地块，拒绝1行，跳过7行" in out
    assert "说明：已跳过7行非耕地" in out
    rej = pd.read_csv(o / "rejected.csv", encoding="utf-8-sig", dtype=str)
    assert rej["TBBH"].tolist() == ["V012"]
    pb = pd.read_csv(o / "problems.csv", encoding="utf-8-sig", dtype=str)
    assert set(pb.loc[pb["input_row"].isin([str(r) for r in range(6, 13)]), "severity"]) == {"note"}
    import json
    run = json.loads((o / "run.json").read_text(encoding="utf-8"))
    assert (run["rows_read"], run["plots_planned"], run["rows_rejected"], run["rows_skipped"]) == (14, 6, 1, 7)


_ROUNDS = ("样品编号,采样日期,乡镇,地类,作物,面积（亩）,pH,有机质(g/kg),镉(mg/kg)\n"
           "L01,2021-05-10,湖南省株洲市渌口区,水田,水稻,3.2,5.1,28.5,0.65\n"
           "L01,2023-05-12,湖南省株洲市渌口区,水田,水稻,3.2,5.3,29.0,0.45\n"
           "L02,2021-05-10,湖南省株洲市渌口区,水田,水稻,2.0,5.8,31.0,0.42\n"
           "L02,2023-05-12,湖南省株洲市渌口区,水田,水稻,2.0,5.9,30.0,0.44\n"
           "L03,2023-05-12,湖南省株洲市渌口区,水田,水稻,2.0,5.9,30.0,0.44\n"
           "L03,2023-05-12,湖南省株洲市渌口区,水田,水稻,2.0,5.9,30.0,0.46\n")


def test_sampling_rounds_plan_the_latest_round_and_skip_the_earlier_ones(tmp_path):
    v = agriremed.validate_plots(_write(tmp_path, "rounds.csv", _ROUNDS))
    assert v.plots["plot_id"].tolist() == ["L01", "L02"]
    assert v.plots["cd_mg_kg"].tolist() == [0.45, 0.44]            # the 2023 round
    assert v.skipped["input_row"].tolist() == [1, 3]
    assert v.skipped["reason"].tolist() == [
        "earlier sampling round (2021-05-10) of plot L01; the round of 2023-05-12 (row 2) is planned; in this "
        "earlier round its Cd was 0.65 mg/kg, above its screening value 0.3 mg/kg and higher than in the round "
        "planned (0.45 mg/kg)",
        "earlier sampling round (2021-05-10) of plot L02; the round of 2023-05-12 (row 4) is planned"]
    assert text_of(v.skipped["reason_msg"].iloc[1], "zh") == "地块L02较早一轮的采样（2021-05-10）；规划的是2023-05-12一轮（第4行）"
    # the same date twice stays a duplicate, and no rice-season advice is given for the rounds
    assert v.rejected["input_row"].tolist() == [5, 6]
    assert v.rejected["reasons"].str.contains("duplicate plot id").all()
    assert not v.problems.loc[v.problems["input_row"].isin([1, 2, 3, 4]), "problem"].str.contains("早稻").any()
    # the date column is read, not "not used"
    dcol = v.problems.loc[v.problems["column"] == "采样日期"]
    assert dcol["problem"].tolist() == [
        "header '采样日期' read as the sampling date: 2 plot(s) were sampled in several rounds; the latest round of "
        "each is planned, its earlier rounds are skipped (each listed as a note)"]
    assert len(v.plots) + len(v.rejected) + len(v.skipped) == v.n_input == 6


def test_sampling_years_and_seasons_of_one_year_are_told_apart(tmp_path):
    years = ("地块编号,年份,地类,作物,面积（亩）,pH,镉(mg/kg)\n"
             "A,2019,水田,水稻,2,5.5,0.9\nA,2022,水田,水稻,2,5.5,0.5\n"
             # rice and wheat of one field sampled in one year: the season rows of one field, not rounds
             "B,2023-09-01,水田,水稻,2,5.5,0.5\nB,2023-05-01,水田,小麦,2,5.5,0.5\n")
    v = agriremed.validate_plots(_write(tmp_path, "years.csv", years))
    assert v.skipped["input_row"].tolist() == [1]
    assert v.skipped["reason"].iloc[0].startswith("earlier sampling round (2019) of plot A; the round of 2022 (row 2) is "
                                                  "planned; in this earlier round its Cd was 0.9 mg/kg")
    assert sorted(v.plots["input_row"].tolist()) == [2, 3, 4] and v.rejected.empty


# ---------------------------------------------------------------------------- values 1 000 × too low
_LAB = ("样品编号,地区,地类,作物,面积(亩),pH,Cd (ppb),Pb(mg/kg)\n"
        "L01,湖南省株洲市渌口区,水田,水稻,3.2,5.1,650,45\n"
        "L02,湖南省株洲市渌口区,水田,水稻,2.0,5.6,380,38\n"
        "L03,湖南省株洲市渌口区,水田,水稻,2.0,5.6,0.42 ,40\n"
        "L04,湖南省株洲市渌口区,水田,水稻,2.0,5.6,<10,0.041\n"
        "L05,湖南省株洲市渌口区,水田,水稻,2.0,5.6,50,36\n")


def test_a_value_read_1000_times_too_low_is_warned_on_its_row_and_in_its_recommendation(tmp_path):
    v = agriremed.validate_plots(_write(tmp_path, "lab.csv", _LAB))
    assert v.plots["plot_id"].tolist() == ["L01", "L02", "L03", "L04", "L05"]    # kept: a warning, as the high side
    w = v.warnings.loc[v.warnings["problem"].str.contains("1 000 × too low")]
    assert w[["input_row", "column", "value"]].values.tolist() == [[3, "cd_mg_kg", "0.00042"], [4, "pb_mg_kg", "0.041"]]
    assert w["problem"].iloc[0] == (
        "0.00042 mg/kg is below the Cd of natural soils (2.5 % of China's topsoils are below 0.017 mg/kg, CNEMC 1990, "
        "UNCONFIRMED): a value in mg/kg under a µg/kg (ppb) header, read 1 000 × too low? Then write mg/kg in the "
        "header or multiply the value by 1 000. Kept as given: its recommendation says to check it")
    assert text_of(w["problem_msg"].iloc[1], "zh").startswith("0.041 mg/kg低于天然土壤的铅含量（我国表层土壤仅2.5%低于10 mg/kg")
    # '<10' ppb (below the detection limit, 0.01 mg/kg) is the limit, not a value read too low; 0.05 mg/kg neither
    assert v.plots["values_to_check"].fillna("").tolist() == ["", "", "cd<", "pb<", ""]
    p = agriremed.plan(v, agriremed.Scenario(mc_draws=0), progress=False)
    rec = p.summary.set_index("plot_id")["recommendation"]
    assert ("Check the Cd value (0.00042 mg/kg): it is far below the values measured in soil — a value in mg/kg read "
            "as µg/kg (1 000 × too low)? — before acting on this plan; the soil class depends on it.") in rec["L03"]
    assert "Check the" not in rec["L05"]


def test_a_value_far_below_its_column_median_is_warned(plots_factory):
    v = agriremed.validate_plots(plots_factory(4, cd_mg_kg=["5.0", "6.0", "4.0", "0.03"]))
    w = v.warnings.loc[v.warnings["column"] == "cd_mg_kg"]
    assert w["input_row"].tolist() == [4]
    assert w["problem"].iloc[0].startswith("0.03 mg/kg is more than 100 × below the median of its column (4.5 mg/kg): "
                                           "a value in mg/kg under a µg/kg (ppb) header, read 1 000 × too low?")
    assert v.plots["values_to_check"].tolist()[3] == "cd<"


# ---------------------------------------------------------------------------- hidden rows and sheets
def _township(tmp_path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "南洲镇"
    ws.append(["株洲市渌口区南洲镇受污染耕地安全利用台账"])
    ws.append(["地块编号", "地类", "作物", "面积（亩）", "pH", "镉(mg/kg)"])
    for r in (["NZ-01", "水田", "水稻", 3.2, 5.1, 0.65], ["NZ-02", "水田", "水稻", 2.0, 5.6, 0.44],
              ["NZ-03", "水田", "水稻", 1.4, 6.2, 0.9]):
        ws.append(r)
    ws.row_dimensions[5].hidden = True                    # NZ-03
    old = wb.create_sheet("旧数据2019")
    old.sheet_state = "hidden"
    old.append(["地块编号", "地类", "作物", "面积（亩）", "pH", "镉(mg/kg)"])
    old.append(["NZ-01", "水田", "水稻", 3.2, 5.1, 2.65])
    p = tmp_path / "township.xlsx"
    wb.save(p)
    return p


def test_hidden_rows_are_planned_with_a_warning_and_hidden_sheets_are_named(tmp_path):
    from agriremed.core.inputs import InputFileError

    p = _township(tmp_path)
    v = agriremed.validate_plots(p, sheet="南洲镇")
    assert v.plots["plot_id"].tolist() == ["NZ-01", "NZ-02", "NZ-03"]
    w = v.warnings.loc[v.warnings["problem"].str.contains("hidden")]
    assert w[["input_row", "plot_id"]].values.tolist() == [[3, "NZ-03"]]
    assert w["problem"].iloc[0] == ("row hidden in the workbook (line 5): it is planned as any row; if it was hidden "
                                    "to leave the plot out, delete the row")
    assert text_of(w["problem_msg"].iloc[0], "zh").startswith("该行在工作簿中被隐藏（第5行）")
    try:
        agriremed.validate_plots(p)
    except InputFileError as e:
        assert str(e) == ("township.xlsx has 2 sheets with data ('南洲镇', '旧数据2019'): choose the sheet of plots with "
                          "--sheet NAME; hidden in the workbook: '旧数据2019'")
        assert text_of(e, "zh").endswith("；在工作簿中隐藏的工作表：'旧数据2019'")
    else:
        raise AssertionError("no error")
    old = agriremed.validate_plots(p, sheet="旧数据2019")
    assert ("township.xlsx: sheet '旧数据2019' is hidden in the workbook (hidden sheets often hold old or working data): "
            "it is read as any sheet") in old.notes
    assert not old.problems["problem"].str.contains("row hidden").any()


def test_sampling_dates_of_a_workbook_are_read_as_dates(tmp_path):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地块编号", "采样日期", "地类", "作物", "面积（亩）", "pH", "镉(mg/kg)"])
    ws.append(["L01", dt.datetime(2023, 5, 12), "水田", "水稻", 3.2, 5.3, 0.45])
    ws.append(["L01", dt.datetime(2021, 5, 10), "水田", "水稻", 3.2, 5.1, 0.35])
    p = tmp_path / "rounds.xlsx"
    wb.save(p)
    v = agriremed.validate_plots(p)
    assert v.plots["input_row"].tolist() == [1] and v.rejected.empty
    assert v.skipped["reason"].tolist() == ["earlier sampling round (2021-05-10) of plot L01; the round of 2023-05-12 "
                                            "(row 1) is planned"]
