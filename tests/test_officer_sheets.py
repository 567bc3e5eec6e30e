"""County officers' sheets: the 详查 point-id field, pH annotated with the lab's water ratio,
CEC in cmol(+)/kg, a GIS area that disagrees with its polygon, the county's own class column,
and smaller spellings (E/N coordinate suffixes, note lines, Excel error values and dates)."""

from pathlib import Path

import pytest

import agriremed
from agriremed.core.messages import text_of


def _write(tmp_path: Path, text: str, name: str = "plots.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("header", ["点位编码", "点位编号", "样点编号", "采样点编号", "图斑编号", "点位代码",
                                    "样点编码"])
def test_point_code_headers_are_the_plot_id(tmp_path, header):
    """点位编码 (the 详查 point-table field) and its kin are read as plot_id."""
    p = _write(tmp_path, f"{header},土地利用类型,作物,面积（亩）,pH,镉（mg/kg）\n"
                         "430321001,水田,水稻,15,5.4,0.25\n430321002,旱地,小麦,7.5,7.9,0.9\n")
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["430321001", "430321002"]
    assert len(v.plots) + len(v.rejected) == v.n_input == 2


def test_missing_plot_id_names_a_code_column(tmp_path):
    """A header with 编码 that is no known alias is named in the missing-plot_id error."""
    p = _write(tmp_path, "监测点位编码,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）\nX1,水田,水稻,15,5.4,0.25\n")
    v = agriremed.validate_plots(p)
    err = v.errors.loc[v.errors["column"].eq("plot_id")]
    assert len(err) == 1
    assert "header '监测点位编码' was not recognised as plot_id" in err["problem"].iloc[0]
    assert "表头'监测点位编码'未被识别为plot_id" in text_of(err["problem_msg"].iloc[0], "zh")
    assert len(v.plots) + len(v.rejected) == v.n_input == 1


_PH_HEAD = "点位编号,土地利用类型,作物,面积（亩）,{ph},镉（mg/kg）\n"


@pytest.mark.parametrize("cell", ["6.5（水土比2.5:1）", "6.5(土水比1:2.5)", "6.5（水土比 2.5：1）", "6.5(1:2.5)"])
def test_ph_cell_with_the_water_ratio_is_water_ph(tmp_path, cell):
    """A pH cell annotated with the method's water ratio is read as water pH with the warning of
    '6.5（水）', naming row, line and column, in English and Chinese."""
    p = _write(tmp_path, _PH_HEAD.format(ph="pH") + f"B01,水田,水稻,15,{cell},0.25\nB02,水田,水稻,15,5.8,0.25\n")
    v = agriremed.validate_plots(p)
    assert v.plots["ph"].tolist() == pytest.approx([6.5, 5.8])
    w = v.problems.loc[v.problems["column"].eq("ph") & v.problems["input_row"].notna()]
    assert w["severity"].tolist() == ["warning"] and w["input_row"].tolist() == [1]
    assert w["line"].tolist() == [2] and w["value"].tolist() == [cell]
    assert w["problem"].iloc[0].startswith("read as water pH: the label ")
    assert "names water extraction (soil:water 1:2.5)" in w["problem"].iloc[0]
    assert text_of(w["problem_msg"].iloc[0], "zh").startswith("已按水浸提pH读取")
    assert len(v.plots) + len(v.rejected) == v.n_input == 2


@pytest.mark.parametrize("cell, extract", [("5.2(KCl，水土比2.5:1)", "KCl"), ("5.0（CaCl2 1:2.5）", "CaCl2")])
def test_ph_cell_with_a_salt_and_a_ratio_stays_refused(tmp_path, cell, extract):
    p = _write(tmp_path, _PH_HEAD.format(ph="pH") + f"B01,水田,水稻,15,{cell},0.25\nB02,水田,水稻,15,5.8,0.25\n")
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["B02"]
    e = v.errors.loc[v.errors["column"].eq("ph")]
    assert e["input_row"].tolist() == [1] and e["problem"].iloc[0].startswith(f"pH measured in {extract}")
    assert len(v.plots) + len(v.rejected) == v.n_input == 2


@pytest.mark.parametrize("header", ["pH（水土比2.5:1）", "pH(土水比1:2.5)", "土壤pH（水土比2.5：1）"])
def test_ph_header_with_the_water_ratio_is_water_ph(tmp_path, header):
    p = _write(tmp_path, _PH_HEAD.format(ph=header) + "B01,水田,水稻,15,6.5,0.25\n")
    v = agriremed.validate_plots(p)
    assert v.plots["ph"].tolist() == [6.5] and v.errors.empty
    assert len(v.plots) + len(v.rejected) == v.n_input == 1


@pytest.mark.parametrize("header", ["pH（CaCl2，水土比2.5:1）", "pH（水土比5:1）"])
def test_ph_header_with_a_salt_or_another_ratio_stops_the_file(tmp_path, header):
    p = _write(tmp_path, _PH_HEAD.format(ph=header) + "B01,水田,水稻,15,6.5,0.25\n")
    v = agriremed.validate_plots(p)
    assert v.plots.empty and len(v.rejected) == v.n_input == 1
    assert v.errors["problem"].str.contains(f"header '{header}'", regex=False).any()


@pytest.mark.parametrize("header", ["阳离子交换量（cmol(+)/kg）", "CEC(cmol/kg)", "阳离子交换量(cmol+/kg)", "CEC（me/100g）",
                                    "CEC(cmol(+)/kg)"])
def test_cec_headers_in_cmol_per_kg(tmp_path, header):
    """CEC in cmol(+)/kg (the unit of NY/T 1121.5 / HJ 889 reports) and me/100g (= cmol(+)/kg)
    is read as cec_cmol_kg, × 1, with the header-read note in English and Chinese."""
    p = _write(tmp_path, f"点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）,{header}\n"
                         "E01,水田,水稻,15,5.4,0.25,12.5\nE02,旱地,小麦,15,7.9,0.25,8\n")
    v = agriremed.validate_plots(p)
    assert v.plots["cec_cmol_kg"].tolist() == pytest.approx([12.5, 8.0])
    assert header not in v.plots.columns and v.errors.empty
    note = v.problems.loc[v.problems["column"].eq("cec_cmol_kg")]
    assert len(note) == 1 and note["problem"].iloc[0].startswith(f"header '{header}' read as cec_cmol_kg")
    assert f"表头'{header}'" in text_of(note["problem_msg"].iloc[0], "zh")
    assert len(v.plots) + len(v.rejected) == v.n_input == 2


def _mu_layer(tmp_path, given_mu, suffix):
    """Squares of 100 m × 100 m (1 ha = 15 亩) in EPSG:4547 with the given 面积（亩）."""
    gpd = pytest.importorskip("geopandas")
    pyogrio = pytest.importorskip("pyogrio")
    shapely = pytest.importorskip("shapely")
    import pandas as pd

    n = len(given_mu)
    geoms = [shapely.box(499_950, 3_100_000 + 300 * i, 500_050, 3_100_100 + 300 * i) for i in range(n)]
    attrs = pd.DataFrame({"图斑编号": [f"D{i + 1:02d}" for i in range(n)], "地类名称": ["旱地"] * n,
                          "种植作物": ["玉米"] * n, "pH": ["6.2"] * n, "镉（mg/kg）": ["0.25"] * n,
                          "面积（亩）": [str(a) for a in given_mu]})
    p = tmp_path / f"d.{suffix}"
    pyogrio.write_dataframe(gpd.GeoDataFrame(attrs, geometry=geoms, crs="EPSG:4547"), p)
    return p


@pytest.mark.parametrize("suffix, first_fid", [("gpkg", 1), ("geojson", 0)])
def test_gis_area_mismatch_is_warned_on_its_row(tmp_path, suffix, first_fid):
    """An area field 10× or 1/15 of the polygon's area: planned at the field's value, with a
    warning on the plot's row naming both areas in the field's unit (亩) and the feature's FID
    (GDAL's: from 1 in a GeoPackage, from 0 in a GeoJSON), besides the file-level note."""
    p = _mu_layer(tmp_path, [15, 150, 1, 15.5], suffix)
    v = agriremed.validate_plots(p)
    assert v.plots["area_ha"].tolist() == pytest.approx([1.0, 10.0, 1 / 15, 15.5 / 15])
    w = v.problems.loc[v.problems["column"].eq("area_ha") & v.problems["input_row"].notna()]
    assert w["input_row"].tolist() == [2, 3] and w["plot_id"].tolist() == ["D02", "D03"]
    assert w["severity"].eq("warning").all() and w["value"].tolist() == ["150", "1"]
    fid = first_fid + 1
    assert w["problem"].iloc[0] == (f"area 150 亩 in the area field, 15 亩 by the polygon of FID {fid}: "
                                    "they differ by more than 10%; planned with 150 亩")
    assert w["expected"].iloc[0].startswith("an area within 10% of the polygon's area")
    assert text_of(w["problem_msg"].iloc[1], "zh") == (f"面积字段为1 亩，FID {fid + 1}的图形面积为15 亩：两者相差超过10%；"
                                                        "按1 亩规划")
    msgs = v.messages()
    assert any(m.startswith("WARNING row 2") and "plot D02" in m and "150 亩" in m for m in msgs)
    assert len(v.plots) + len(v.rejected) == v.n_input == 4


_COUNTY = ("点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）,{header}\n"
           "P1,水田,水稻,15,5.4,0.25,{a}\n"      # 0.25 ≤ 0.3: priority protection
           "P2,旱地,小麦,15,7.8,0.9,{b}\n"       # 0.6 < 0.9 ≤ 4.0: safe utilisation
           "P3,水田,水稻,15,5.4,2.5,{c}\n")      # > 2.0: strict control


@pytest.mark.parametrize("header", ["类别", "土壤环境质量类别", "划分类别", "类别划分", "质量类别"])
@pytest.mark.parametrize("a, b, c", [("优先保护类", "优先保护类", "严格管控类"), ("优先保护", "优先保护", "严格管控"),
                                     ("I类", "Ⅰ类", "III类"),
                                     ("priority protection", "Priority protection", "strict_control")])
def test_county_class_column_is_read_and_compared(tmp_path, header, a, b, c):
    """The county's class column is read as soil_class_county; the plan keeps the computed GB 15618
    class, warns on the row whose county class differs (naming both, EN and 中文) and carries the
    county class beside the computed one in the summary."""
    p = _write(tmp_path, _COUNTY.format(header=header, a=a, b=b, c=c))
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    s = plan.summary
    assert s["soil_class"].tolist() == ["priority_protection", "safe_utilisation", "strict_control"]
    assert s["soil_class_county"].tolist() == ["priority_protection", "priority_protection", "strict_control"]
    cols = list(s.columns)
    assert cols.index("soil_class_county") == cols.index("soil_class") + 1
    assert header not in cols
    w = plan.problems.loc[plan.problems["problem_msg"].str.contains("val.county_class_differs", regex=False)]
    assert w["input_row"].tolist() == [2] and w["line"].tolist() == [3] and w["plot_id"].tolist() == ["P2"]
    assert w["column"].tolist() == ["soil_class_county"] and w["severity"].tolist() == ["warning"]
    assert w["value"].tolist() == ["优先保护类"]  # the class as the sheet writes it, not its code
    assert w["problem"].iloc[0].startswith(
        "the county's class priority protection (优先保护类) differs from the class computed from "
        "GB 15618-2018, safe utilisation (安全利用类), and is looser: the plan uses the computed class, the "
        "stricter of the two; the county's classification (农用地土壤环境质量类别划分")
    assert text_of(w["problem_msg"].iloc[0], "zh").startswith(
        "县级类别划分结果优先保护类与按GB 15618-2018计算的类别安全利用类不同且较宽：规划采用计算的类别（两者中较严者）；")
    assert s["soil_class_computed"].tolist() == s["soil_class"].tolist()
    assert s["soil_class_basis"].tolist() == ["computed"] * 3
    assert len(plan.plots) + len(plan.rejected) == plan.n_input == 3


_STRICTER = ("点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）,类别\n"
             "S1,水田,水稻,12,5.8,0.8,严格管控类\n"    # 0.4 < 0.8 ≤ 2.0: safe utilisation by the values
             "S2,水田,水稻,12,5.8,0.8,\n"              # the same plot without a county class
             "S3,水田,水稻,9,5.2,2.0,安全利用类\n"     # 2.0 > 1.5: strict control, the county's is looser
             "S4,水田,水稻,10,6.0,0.25,III类\n")       # 0.25 ≤ 0.4: priority protection by the values


def test_stricter_county_class_governs_the_plan(tmp_path):
    """A county 严格管控类 plot whose values are safe utilisation is planned as strict control: no food
    option is recommended or allowed (土壤污染防治行动计划: 严格管控类 严禁种植食用农产品), the summary
    records the computed class and the basis, the sentence names the basis (EN, 中文) and the warning
    says the plan uses the county's class. A looser county class keeps the computed strict class."""
    p = _write(tmp_path, _STRICTER)
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    s = plan.summary.set_index("plot_id")
    assert s["soil_class"].tolist() == ["strict_control", "safe_utilisation", "strict_control", "strict_control"]
    assert s["soil_class_computed"].tolist() == ["safe_utilisation", "safe_utilisation", "strict_control",
                                                 "priority_protection"]
    assert s["soil_class_basis"].tolist() == ["county", "computed", "computed", "county"]
    cols = list(plan.summary.columns)
    at = cols.index("soil_class")
    assert cols[at + 1:at + 4] == ["soil_class_county", "soil_class_computed", "soil_class_basis"]
    food = set(plan.tables.food_crops())
    lib = plan.tables.options.set_index("option_id")["food_crop"]
    for pid in ("S1", "S3", "S4"):
        rec = s.loc[pid, "recommended_option"]
        assert lib[rec] not in food | {"current"}, (pid, rec)
        t = plan.table.loc[plan.table["plot_id"].eq(pid) & plan.table["option_id"].isin(
            ["flooded_rice", "lime_rice", "low_cd_rice", "vip_n"])]
        assert not (t["applicable"].astype(bool) & t["policy_status"].ne("forbidden")).any(), pid
    # the same values without a county class: a rice measure is recommended (food kept)
    assert lib[s.loc["S2", "recommended_option"]] in food | {"current"}
    # the class basis closes the plan's sentence (before the note on the climate the sheet does not give)
    assert (" Class from the county's classification: strict control (严格管控类) (GB 15618 values alone: "
            "safe utilisation (安全利用类)). Yield as with enough rain") in s.loc["S1", "recommendation"]
    assert "土壤类别依据县级类别划分：严格管控类（仅按GB 15618数值：安全利用类）。产量按降水充足" in text_of(
        s.loc["S1", "recommendation_msg"], "zh")
    assert "county's classification" not in s.loc["S2", "recommendation"]
    # a looser county class: the values' class is used, and the sentence says so
    assert (" The county classes it safe utilisation (安全利用类); its GB 15618 values put it in strict control "
            "(严格管控类), which the plan uses (check the county's classification). ") in s.loc["S3", "recommendation"]
    w = plan.problems.loc[plan.problems["problem_msg"].str.contains("val.county_class_", regex=False)]
    w = w.set_index("plot_id")
    assert w.index.tolist() == ["S1", "S3", "S4"] and set(w["column"]) == {"soil_class_county"}
    assert w.loc["S1", "problem"].startswith(
        "the county's class strict control (严格管控类) is stricter than the class computed from GB 15618-2018, "
        "safe utilisation (安全利用类): the plan uses the county's class")
    assert text_of(w.loc["S1", "problem_msg"], "zh").startswith(
        "县级类别划分结果严格管控类严于按GB 15618-2018计算的类别安全利用类：规划采用县级类别")
    assert "and is looser: the plan uses the computed class" in w.loc["S3", "problem"]
    assert len(plan.plots) + len(plan.rejected) == plan.n_input == 4


def test_stricter_county_class_on_the_plot_sheet_and_workbook(tmp_path):
    """The plot sheet's class line names the county basis; the workbook shows the class columns as words."""
    from agriremed.stages.advice import plot_advice
    from agriremed.io.outputs import translate_frame

    plan = agriremed.plan(_write(tmp_path, _STRICTER), agriremed.Scenario(mc_draws=0))
    a = plot_advice(plan, "S1", "zh")
    assert a.soil_class_text.startswith("严格管控类（以县级类别划分为准；仅按GB 15618数值为安全利用类） — 县级类别划分为严格管控类")
    a = plot_advice(plan, "S1", "en")
    assert a.soil_class_text.startswith(
        "strict control, from the county's classification (GB 15618 values alone: safe utilisation) — the county")
    assert plot_advice(plan, "S2", "en").soil_class_text.startswith("safe utilisation — the soil is above")
    z = translate_frame(plan.summary, "zh", plan.tables)
    assert z.iloc[0][["soil_class", "soil_class_county", "soil_class_computed", "soil_class_basis"]].tolist() == [
        "严格管控类", "严格管控类", "安全利用类", "县级类别划分"]


def test_plot_sheet_crop_line_of_double_rice(tmp_path):
    """The plot sheet's crop line says 双季稻 for a plot of two rice seasons (its money lines are for two
    crops a year), 水稻 for one."""
    from agriremed.stages.advice import plot_advice

    p = _write(tmp_path, "点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）\n"
                         "D1,水田,双季稻,8,5.3,0.6\nD2,水田,水稻,8,5.3,0.6\n")
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    assert plot_advice(plan, "D1", "zh").fields["crop"] == "双季稻（早稻+晚稻，每年两季）"
    assert plot_advice(plan, "D1", "en").fields["crop"] == (
        "double-cropped rice (双季稻: early + late rice, two seasons a year)")
    assert plot_advice(plan, "D2", "zh").fields["crop"] == "水稻"


def test_county_class_unknown_value_is_ignored_with_a_warning(tmp_path):
    p = _write(tmp_path, _COUNTY.format(header="类别", a="待定", b="安全利用类", c=""))
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    assert plan.summary["soil_class_county"].tolist() == [None, "safe_utilisation", None]
    w = plan.problems.loc[plan.problems["column"].eq("soil_class_county") & plan.problems["input_row"].eq(1)]
    assert w["problem"].tolist() == ["unknown value (value ignored)"] and w["value"].tolist() == ["待定"]
    assert not plan.problems["problem_msg"].str.contains("county_class_differs", regex=False).any()
    assert len(plan.plots) + len(plan.rejected) == plan.n_input == 3


def test_without_a_county_class_the_summary_is_unchanged(tmp_path):
    p = _write(tmp_path, "点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）\nP1,水田,水稻,15,5.4,0.25\n")
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    assert "soil_class_county" not in plan.summary.columns


def test_decimal_degrees_with_a_hemisphere_letter(tmp_path):
    """112.9312E / E112.9312 / 28.12N are read like E112°55′10″ (one warning per column); the
    letter of the other axis is an error on the row, as for E112°55′10″ under 纬度."""
    p = _write(tmp_path, "点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）,经度,纬度\n"
                         "P1,水田,水稻,15,5.4,0.25,112.9312E,28.12N\n"
                         "P2,水田,水稻,15,5.4,0.25,E112.5,N27.5\n"
                         "P3,水田,水稻,15,5.4,0.25,112.5N,27.5\n")
    v = agriremed.validate_plots(p)
    assert v.plots["lon"].tolist()[:2] == pytest.approx([112.9312, 112.5])
    assert v.plots["lat"].tolist() == pytest.approx([28.12, 27.5])
    assert v.plots["plot_id"].tolist() == ["P1", "P2"]
    w = v.problems.loc[v.problems["column"].eq("lon") & v.problems["input_row"].isna()
                       & v.problems["problem"].str.contains("degrees", regex=False)]
    assert len(w) == 1 and w["problem"].iloc[0].startswith("2 value(s) written in degrees")
    assert "e.g. '112.9312E' → 112.931200" in w["problem"].iloc[0]
    bad = v.problems.loc[v.problems["column"].eq("lon") & v.problems["input_row"].eq(3)]
    assert bad["value"].tolist() == ["112.5N"] and bad["severity"].tolist() == ["error"]
    assert bad["problem"].str.contains("hemisphere letter of the other axis").all()
    assert len(v.plots) + len(v.rejected) == v.n_input == 3


@pytest.mark.parametrize("note", ["备注：类别依据GB 15618-2018划分；面积单位为亩", "注：镉单位mg/kg", "说明: 数据来自详查",
                                  "Note: areas in mu"])
def test_note_line_under_the_sheet_is_one_note_rejection(tmp_path, note):
    """A 备注：/注：/说明： line under the table is skipped once as a note line (a note, not a rejection), not
    rejected as blank required values."""
    p = _write(tmp_path, "点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）\n"
                         "P1,水田,水稻,15,5.4,0.25\nP2,旱地,小麦,15,7.8,0.9\n"
                         f"{note},,,,,\n")
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["P1", "P2"]
    assert v.errors.empty and v.rejected.empty
    e = v.problems.loc[v.problems["input_row"].eq(3)]
    assert len(e) == 1 and e["column"].tolist() == ["plot_id"] and e["value"].tolist() == [note]
    assert e["severity"].tolist() == ["note"] and v.skipped["input_row"].tolist() == [3]
    assert e["problem"].iloc[0].startswith("a signature or note line under the sheet")
    assert "line 4" in [m for m in v.messages() if "signature or note" in m][0]
    assert text_of(e["problem_msg"].iloc[0], "zh").startswith("表格下方的签名或备注行（审核人/填表人/制表人、备注/注等）")
    assert len(v.plots) + len(v.rejected) + len(v.skipped) == v.n_input == 3


def test_excel_error_values_and_dates_are_named(tmp_path):
    """#DIV/0!, #N/A, #VALUE! (error cells of a workbook) and a date in a pH or metal cell are
    rejected saying what Excel made of the cell, naming row, line and column (EN and 中文)."""
    import datetime

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["点位编号", "土地利用类型", "作物", "面积（亩）", "pH", "镉（mg/kg）", "铅（mg/kg）"])
    ws.append(["F1", "水田", "水稻", 15, 5.4, 0.25, "#DIV/0!"])
    ws.append(["F2", "水田", "水稻", 15, 5.4, "#N/A", 30])
    ws.append(["F3", "水田", "水稻", 15, "#VALUE!", 0.25, 30])
    ws.append(["F4", "水田", "水稻", 15, datetime.datetime(2023, 6, 5), 0.25, 30])
    ws.append(["F5", "水田", "水稻", 15, 5.4, 0.25, 30])
    ws.append(["F6", "水田", "水稻", 15, 5.4, None, 30])
    ws["F7"] = datetime.datetime(2023, 3, 15)  # F6's Cd: a date-formatted number
    p = tmp_path / "f.xlsx"
    wb.save(p)
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["F5"]
    e = v.errors.set_index("plot_id")
    assert e.loc["F1", "column"] == "pb_mg_kg" and e.loc["F1", "value"] == "#DIV/0!"
    assert e.loc["F1", "problem"].startswith("an Excel error value (#DIV/0!), not a number: the formula of this cell "
                                             "failed in Excel")
    assert e.loc["F2", "problem"].startswith("an Excel error value (#N/A)")
    assert e.loc["F3", "column"] == "ph" and e.loc["F3", "problem"].startswith("an Excel error value (#VALUE!)")
    assert e.loc["F4", "column"] == "ph" and e.loc["F4", "problem"].startswith(
        "the cell holds a date (2023-06-05), not a number: Excel stored what was typed")
    assert e.loc["F6", "column"] == "cd_mg_kg" and e.loc["F6", "problem"].startswith("the cell holds a date (2023-03-15)")
    assert text_of(e.loc["F1", "problem_msg"], "zh").startswith("Excel错误值（#DIV/0!），不是数字")
    assert text_of(e.loc["F4", "problem_msg"], "zh").startswith("单元格中是日期（2023-06-05），不是数字")
    assert "'#DIV/ !'" not in " ".join(v.messages())
    msg = [m for m in v.messages() if "#DIV/0!" in m][0]
    assert "line 2" in msg and "pb_mg_kg" in msg
    assert len(v.plots) + len(v.rejected) == v.n_input == 6


def test_ids_of_more_than_15_digits_stored_as_numbers_get_the_excel_hint(tmp_path):
    """19-digit 地块编码 stored as numbers in a workbook are all the same float: rejected as
    duplicates, and each row says that Excel keeps 15 digits (store the ids as text)."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地块编码", "土地利用类型", "作物", "面积（亩）", "pH", "镉（mg/kg）"])
    for i in (1, 2, 3):
        ws.append([4303211010010100000 + i, "水田", "水稻", 15, 5.4, 0.25])
    ws.append([430321101001010, "水田", "水稻", 15, 5.4, 0.25])  # 15 digits: exact
    p = tmp_path / "k.xlsx"
    wb.save(p)
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["430321101001010"]
    w = v.warnings.loc[v.warnings["column"].eq("plot_id") & v.warnings["input_row"].notna()]
    assert w["input_row"].tolist() == [1, 2, 3] and w["value"].tolist() == ["4.3032110100101e+18"] * 3
    assert w["problem"].iloc[0] == ("an id of more than 15 digits stored as a number (4.3032110100101e+18): Excel keeps "
                                    "only 15 significant digits of a number, so its last digits are lost and ids that "
                                    "differ only there have become equal")
    assert w["expected"].iloc[0].startswith("the ids stored as text")
    assert text_of(w["problem_msg"].iloc[0], "zh").startswith("超过15位的编号以数字存储（4.3032110100101e+18）")
    assert v.errors["problem"].str.startswith("duplicate plot id").sum() == 3
    assert len(v.plots) + len(v.rejected) == v.n_input == 4


def test_unusual_area_in_mu_is_quoted_in_ha(tmp_path):
    """150000 亩 = 10000 ha, above the typical 1000 ha: the warning states the converted value in
    the unit of the range it is compared with."""
    p = _write(tmp_path, "点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）\nC1,水田,水稻,15,5.4,0.25\n"
                         "C11,水田,水稻,150000,5.4,0.25\n")
    v = agriremed.validate_plots(p)
    assert v.plots["area_ha"].tolist() == pytest.approx([1.0, 10000.0])
    w = v.warnings.loc[v.warnings["column"].eq("area_ha") & v.warnings["input_row"].notna()]
    assert w["input_row"].tolist() == [2] and w["value"].tolist() == ["150000"]
    assert w["problem"].iloc[0] == ("unusual value: 10000 ha after conversion from the unit of the header: kept, "
                                    "please check it (and its unit)")
    assert w["expected"].iloc[0] == "typically 0.001–1000 ha"
    assert text_of(w["problem_msg"].iloc[0], "zh") == "数值异常：按表头单位换算后为10000 公顷：已保留，请核对数值（及单位）"
    assert "line 3" in [m for m in v.messages() if "unusual value" in m][0]
    assert len(v.plots) + len(v.rejected) == v.n_input == 2


@pytest.mark.parametrize("sep, advice", [("\t", "decimal comma: write the number with a point (e.g. 5.6)"),
                                         (",", "decimal comma in a comma-separated file: write the number with a "
                                               "point (e.g. 5.6) or save the file with semicolons")])
def test_decimal_comma_message_fits_the_separator(tmp_path, sep, advice):
    """0，45 (a full-width comma) in a tab-separated file: the message does not tell it to use
    semicolons; in a comma-separated file it still does."""
    rows = [["点位编号", "土地利用类型", "作物", "面积（亩）", "pH", "镉（mg/kg）"], ["E1", "水田", "水稻", "15", "5.4", "0.25"],
            ["E2", "水田", "水稻", "15", "5.4", "0，45"]]
    p = _write(tmp_path, "\n".join(sep.join(r) for r in rows) + "\n", name="e.txt" if sep == "\t" else "e.csv")
    v = agriremed.validate_plots(p)
    e = v.errors.loc[v.errors["column"].eq("cd_mg_kg")]
    assert e["input_row"].tolist() == [2] and e["value"].tolist() == ["0，45"]
    assert e["problem"].tolist() == [advice]
    if sep == "\t":
        assert text_of(e["problem_msg"].iloc[0], "zh") == "使用了小数逗号：请用小数点书写（如5.6）"
    assert "line 3" in [m for m in v.messages() if "decimal comma" in m][0]
    assert len(v.plots) + len(v.rejected) == v.n_input == 2


@pytest.mark.parametrize("footer", [["注：汞单位为μg/kg；面积单位为公顷。", "填表人：张三    审核人：李四"],
                                    ["制表人：王五", "审核：赵六", "填表日期：2025年6月"]])
@pytest.mark.parametrize("title", ["湖南省郴州市苏仙区受污染耕地安全利用台账（2025年）", "受污染耕地安全利用台账（2025年）"])
def test_note_and_signature_lines_in_the_region_column_under_a_title_naming_a_place(tmp_path, title, footer):
    """注：… and 填表人：… lines written in the 地区 column under an .xlsx whose title names a place
    (湖南省郴州市苏仙区…) are each skipped once as a signature or note line, as without such a
    title — not read as places below the title and rejected for five blank required values."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(["地区", "地块编号", "土地利用类型", "作物", "面积(公顷)", "土壤pH", "镉(mg/kg)"])
    ws.append(["湖南省郴州市苏仙区", "E01", "水田", "水稻", 0.3, 5.2, 0.7])
    ws.append(["许家洞镇", "E02", "旱地", "玉米", 0.1, 5.8, 0.9])
    for f in footer:
        ws.append([f])
    p = tmp_path / "sheet.xlsx"
    wb.save(p)
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["E01", "E02"]
    assert v.errors.empty
    e = v.problems.loc[v.problems["severity"].eq("note") & v.problems["input_row"].gt(2)]
    assert e["input_row"].tolist() == list(range(3, 3 + len(footer)))
    assert e["column"].tolist() == ["plot_id"] * len(footer)
    assert e["problem"].str.startswith("a signature or note line under the sheet").all()
    assert text_of(e["problem_msg"].iloc[0], "zh").startswith("表格下方的签名或备注行")
    assert v.skipped["input_row"].tolist() == list(range(3, 3 + len(footer))) and v.rejected.empty
    assert len(v.plots) + len(v.skipped) == v.n_input == 2 + len(footer)
    # the footer cells are no places: the note on town cells read below the title names 许家洞镇 only
    below = [text_of(m, "en") for m in v.problems["problem_msg"] if "val.region_below_title" in str(m)]
    assert len(below) == (1 if title.startswith("湖南") else 0)
    assert all(b.startswith("region cells 许家洞镇 name no province") for b in below)
