"""Headers and values of Chinese lab reports and county sheets: element symbols beside the metal name
(镉(Cd)), 重金属全量 group headings, 酸碱度(pH), former county names (株洲县), 望天田, 柑桔, and a bare
面积 read in 亩 with a warning naming the rows."""

import pandas as pd
import pytest

from agriremed.core.i18n import region_path, region_province
from agriremed.core.names import read_header
from agriremed.io.validate import validate_plots

METALS = {"cd": ("镉", "Cd"), "hg": ("汞", "Hg"), "as": ("砷", "As"), "pb": ("铅", "Pb"), "cr": ("铬", "Cr"),
          "cu": ("铜", "Cu"), "zn": ("锌", "Zn"), "ni": ("镍", "Ni")}


def _plots(header: str, value: float = 0.45, **more) -> pd.DataFrame:
    return pd.DataFrame({"plot_id": ["P1"], "region": ["湖南/株洲/渌口"], "land_use": ["paddy"], "crop": ["rice"],
                         "area_ha": [0.1], "ph": [5.2], header: [value], **{k: [v] for k, v in more.items()}})


@pytest.mark.parametrize("header", ["镉(Cd) mg/kg", "镉(Cd)(mg/kg)", "镉（Cd）（mg/kg）", "镉（Cd）", "镉 Cd", "镉Cd",
                                    "Cd（镉）(mg/kg)", "总镉(Cd)", "镉（CD）（mg/kg）"])
def test_cadmium_with_its_symbol_is_total_cadmium(header):
    v = validate_plots(_plots(header))
    assert v.plots["cd_mg_kg"].tolist() == [0.45]
    assert not (v.problems["severity"] == "error").any()


@pytest.mark.parametrize("metal", list(METALS))
@pytest.mark.parametrize("form", ["{zh}({sym}) mg/kg", "{zh}（{sym}）（mg/kg）", "{zh}（{sym}）", "{zh} {sym}"])
def test_every_metal_with_its_symbol(metal, form):
    zh, sym = METALS[metal]
    h = read_header(form.format(zh=zh, sym=sym))
    assert (h.canonical, h.factor, h.error) == (f"{metal}_mg_kg", 1.0, None)


def test_a_symbol_in_another_unit_is_converted():
    h = read_header("汞(Hg)(μg/kg)")
    assert (h.canonical, h.factor, h.unit) == ("hg_mg_kg", 0.001, "μg/kg")


@pytest.mark.parametrize("header,canonical", [
    ("有效态镉(Cd)", "cd_dtpa_mg_kg"), ("有效镉（Cd）（mg/kg）", "cd_dtpa_mg_kg"), ("有效态镉", "cd_dtpa_mg_kg"),
    ("有效镉", "cd_dtpa_mg_kg"), ("DTPA-Cd", "cd_dtpa_mg_kg"), ("镉(CaCl2)", "cd_cacl2_mg_kg"),
    ("镉(Cd)(CaCl2)", "cd_cacl2_mg_kg"), ("镉（Cd）（CaCl2）（mg/kg）", "cd_cacl2_mg_kg"), ("有效态铅(Pb)", "pb_dtpa_mg_kg")])
def test_available_cadmium_with_its_symbol_is_never_total(header, canonical):
    assert read_header(header).canonical == canonical
    v = validate_plots(_plots(header, 0.12, 铅=50))
    assert "cd_mg_kg" not in v.plots.columns or v.plots["cd_mg_kg"].isna().all()
    assert v.plots[canonical].tolist() == [0.12]


def test_a_symbol_of_another_metal_is_refused():
    h = read_header("镉(Pb)")
    assert h.error is not None
    v = validate_plots(_plots("镉(Pb)"))
    assert len(v.plots) == 0 and (v.problems["severity"] == "error").any()


@pytest.mark.parametrize("header,canonical,factor", [
    ("酸碱度(pH)", "ph", 1.0), ("酸碱度（pH）", "ph", 1.0), ("pH（酸碱度）", "ph", 1.0),
    ("有机质(OM)(g/kg)", "som_pct", 0.1), ("阳离子交换量(CEC)(cmol/kg)", "cec_cmol_kg", 1.0)])
def test_a_bracket_restating_the_column_is_no_unit(header, canonical, factor):
    h = read_header(header)
    assert (h.canonical, h.factor, h.error) == (canonical, factor, None)


def test_acidity_with_ph_in_brackets_is_the_ph():
    df = _plots("镉", 0.45).drop(columns=["ph"]).assign(**{"酸碱度(pH)": [5.2]})
    v = validate_plots(df)
    assert v.plots["ph"].tolist() == [5.2]
    assert not (v.problems["severity"] == "error").any()


def _county_sheet(path, group: str, subs: list[str], values=(0.45, 0.21, 14, 55)):
    """A county sheet with a title line, a two-line header (``group`` merged over ``subs``) and two plots."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["株洲市渌口区2024年受污染耕地土壤样品检测结果汇总表"])
    ws.merge_cells("A1:J1")
    ws.append(["序号", "地块编码", "地类", "种植作物", "面积（亩）", "pH", group, None, None, None])
    ws.append([None] * 6 + subs)
    for c in "ABCDEF":
        ws.merge_cells(f"{c}2:{c}3")
    ws.merge_cells("G2:J2")
    ws.append([1, "LK001", "水田", "早稻", 1.5, 5.3, *values])
    ws.append([2, "LK002", "水田", "晚稻", 3, 6.5, *values])
    wb.save(path)
    return path


@pytest.mark.parametrize("group", ["重金属含量（mg/kg）", "重金属全量（mg/kg）", "重金属总量（mg/kg）", "土壤重金属全量（mg/kg）"])
@pytest.mark.parametrize("subs", [["镉(Cd)", "汞(Hg)", "砷(As)", "铅(Pb)"], ["镉 Cd", "汞 Hg", "砷 As", "铅 Pb"],
                                  ["镉", "汞", "砷", "铅"]])
def test_metal_group_heading_over_metals_with_symbols(tmp_path, group, subs):
    v = validate_plots(_county_sheet(tmp_path / "sheet.xlsx", group, subs))
    assert len(v.plots) == 2 and len(v.rejected) == 0
    assert v.plots["cd_mg_kg"].tolist() == [0.45, 0.45]
    assert v.plots["hg_mg_kg"].tolist() == [0.21, 0.21]
    assert v.plots["as_mg_kg"].tolist() == [14, 14] and v.plots["pb_mg_kg"].tolist() == [55, 55]
    assert v.plots["area_ha"].tolist() == pytest.approx([0.1, 0.2])


def test_the_unit_of_a_total_heading_applies(tmp_path):
    v = validate_plots(_county_sheet(tmp_path / "sheet.xlsx", "土壤重金属全量（μg/kg）", ["镉(Cd)", "汞(Hg)", "砷(As)", "铅(Pb)"],
                                     (450, 210, 14000, 55000)))
    assert v.plots["cd_mg_kg"].tolist() == pytest.approx([0.45, 0.45])
    assert v.plots["hg_mg_kg"].tolist() == pytest.approx([0.21, 0.21])
    assert any("the unit μg/kg of the heading '土壤重金属全量（μg/kg）'" in n for n in v.notes)


def test_an_available_heading_over_symbols_is_never_total(tmp_path):
    v = validate_plots(_county_sheet(tmp_path / "sheet.xlsx", "有效态含量（mg/kg）", ["镉(Cd)", "汞(Hg)", "砷(As)", "铅(Pb)"],
                                     (0.12, 0.01, 1, 2)))
    # read as the DTPA-extractable metals: no total metal, so the file is refused, never read as total Cd
    assert any("镉(Cd) → 有效态含量镉(Cd)（mg/kg）" in n for n in v.notes)
    assert read_header("有效态含量镉(Cd)（mg/kg）").canonical == "cd_dtpa_mg_kg"
    assert len(v.plots) == 0 and v.problems["problem"].eq("no metal column found").any()


@pytest.mark.parametrize("region,path", [
    ("株洲县渌口镇", ("hunan", "zhuzhou", "lukou", "渌口镇")), ("株洲县/渌口镇", ("hunan", "zhuzhou", "lukou", "渌口镇")),
    ("株洲县", ("hunan", "zhuzhou", "lukou")), ("湖南/株洲县", ("hunan", "zhuzhou", "lukou")),
    ("湖南/株洲/株洲县", ("hunan", "zhuzhou", "lukou")), ("武鸣县", ("guangxi", "nanning", "wuming")),
    ("藁城市", ("hebei", "shijiazhuang", "gaocheng")), ("鹿泉市", ("hebei", "shijiazhuang", "luquan")),
    ("栾城县", ("hebei", "shijiazhuang", "luancheng")), ("湖南/湘潭县", ("hunan", "xiangtan", "xiangtan"))])
def test_former_county_names_are_placed(region, path):
    assert region_path(region) == path
    assert region_province(region) == path[0]


def test_a_sheet_of_zhuzhou_county_is_placed_in_hunan():
    df = _plots("镉", 0.45).assign(region=["株洲县渌口镇"])
    v = validate_plots(df)
    assert not v.problems["problem"].str.contains("names no province").any()
    assert region_path(v.plots["region"].iloc[0])[:3] == ("hunan", "zhuzhou", "lukou")


@pytest.mark.parametrize("cell", ["望天田", "灌溉水田"])
def test_rain_fed_and_irrigated_paddy_are_paddy(cell):
    v = validate_plots(_plots("镉", 0.45).assign(land_use=[cell]))
    assert v.plots["land_use"].tolist() == ["paddy"]
    assert v.problems.query("column == 'land_use'")["problem"].tolist() == ["read as paddy"]


@pytest.mark.parametrize("cell", ["柑桔", "桔子", "蜜桔"])
def test_citrus_spelled_with_ju(cell):
    v = validate_plots(_plots("镉", 0.45).assign(land_use=["果园"], crop=[cell]))
    assert v.plots["crop"].tolist() == ["citrus"]


# ---- a bare 面积 is read in 亩 ---------------------------------------------------------------------------

def _write(tmp_path, text: str):
    p = tmp_path / "plots.csv"
    p.write_text(text, encoding="utf-8")
    return p


_ZH = "地块编号,地类,作物,{area},pH,镉\nA,水田,水稻,1.5,5.2,0.5\nB,水田,水稻,3,5.2,0.5\nC,水田,水稻,,5.2,0.5\n"


@pytest.mark.parametrize("header", ["面积", "地块面积", "种植面积"])
def test_a_bare_chinese_area_is_mu_with_a_warning_on_each_row(tmp_path, header):
    v = validate_plots(_write(tmp_path, _ZH.format(area=header)))
    assert v.plots["area_ha"].tolist() == pytest.approx([0.1, 0.2])
    w = v.problems.query("column == 'area_ha' and severity == 'warning'")
    assert w["input_row"].tolist() == [1, 2]  # the rows read so (row 3 has no area: an error)
    assert w["problem"].iloc[0] == (
        f"header '{header}' has no unit: read as area_ha in 亩 (a bare 面积 on a Chinese county sheet is almost always 亩), "
        "converted to ha (× 0.0666667); write the unit in the header: 面积（亩）, or 面积（公顷） for hectares")
    assert not v.problems.query("column == 'area_ha'")["input_row"].isna().any()  # no file-level note besides
    shown = [m for m in v.messages() if "read as area_ha in 亩" in m]
    assert len(shown) == 1 and shown[0].startswith("WARNING rows 1–2 (lines 2–3; 2 rows), column area_ha")
    zh = [m for m in v.messages(lang="zh") if "按亩读取" in m]
    assert len(zh) == 1 and "共2条" in zh[0]


def test_an_english_area_header_stays_hectares(tmp_path):
    v = validate_plots(_write(tmp_path, "plot_id,land_use,crop,area,ph,cd_mg_kg\nA,paddy,rice,1.5,5.2,0.5\n"))
    assert v.plots["area_ha"].tolist() == [1.5]
    assert v.problems.query("column == 'area_ha'")["problem"].str.contains("ha assumed").any()


@pytest.mark.parametrize("text,areas", [
    ("地块编号,地类,作物,面积,面积单位,pH,镉\nA,水田,水稻,1.5,公顷,5.2,0.5\nB,水田,水稻,15,亩,5.2,0.5\n", [1.5, 1.0]),
    ("地块编号,地类,作物,面积,pH,镉\n,,,公顷,,mg/kg\nA,水田,水稻,1.5,5.2,0.5\n", [1.5]),
    ("面积单位：公顷\n地块编号,地类,作物,面积,pH,镉\nA,水田,水稻,1.5,5.2,0.5\n", [1.5]),
    ("地块编号,地类,作物,面积（公顷）,pH,镉\nA,水田,水稻,1.5,5.2,0.5\n", [1.5]),
])
def test_an_area_unit_stated_elsewhere_wins_over_the_assumption(tmp_path, text, areas):
    v = validate_plots(_write(tmp_path, text))
    assert v.plots["area_ha"].tolist() == pytest.approx(areas)
    assert not v.problems["problem"].str.contains("read as area_ha in 亩").any()


def test_the_mu_warning_is_the_same_read_in_chunks(tmp_path):
    from agriremed.engine.stream import validate_stream

    rows = "".join(f"P{i},水田,水稻,{i},5.2,0.5\n" for i in range(1, 8))
    p = _write(tmp_path, "地块编号,地类,作物,面积,pH,镉\n" + rows)
    whole = validate_plots(p)
    chunked = validate_stream(p, chunk_size=3)
    pick = "column == 'area_ha' and severity == 'warning'"
    assert chunked.problems.query(pick)["input_row"].tolist() == whole.problems.query(pick)["input_row"].tolist() \
        == list(range(1, 8))
