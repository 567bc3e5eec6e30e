"""Soft re-use, PV, GIS-layer, rule-set and rice-type texts as message codes: English as before,
Chinese rendered from the codes (no pattern matching of English)."""

import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import i18n, messages
from agriremed.core.messages import Message, Note
from agriremed.engine.plan import rules_note
from agriremed.io.outputs import translate_frame
from agriremed.stages.softreuse import gb36600_screening

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

FIRST_EN = "GB 36600 first-class land (homes, schools, community and children's parks): "
FIRST_ZH = "GB 36600第一类用地（住宅、中小学、医疗、社区公园和儿童公园）："
SECOND_EN = "GB 36600 second-class land (industry, utilities, other green space): "
SECOND_ZH = "GB 36600第二类用地（工业、公用设施、其他绿地）："
CR_EN = "Cr (GB 36600 lists hexavalent chromium; a total-Cr measurement cannot be compared with it)"
CR_ZH = "铬（GB 36600规定的是六价铬，总铬测定值无法与之比较）"
ZN_EN = "Zn (Zn is not among the basic items of GB 36600)"
ZN_ZH = "锌（锌不属于GB 36600基本项目）"
COVER_EN = " mg/kg: a clean cover layer or remediation is needed before people use the land"
ASSESS_EN = " mg/kg: a site investigation and risk assessment (HJ 25.3) decide the use"
ASSESS_ZH = " mg/kg：须开展场地调查和风险评估（HJ 25.3）后确定用途"
BACKGROUND_EN = "As at or below the local soil background is not managed as contamination (footnote ①)"
BACKGROUND_ZH = "As含量不超过当地土壤环境背景值的，不纳入污染地块管理（注①）"


def _both(df, col):
    return (messages.column_texts(df, col, "en").tolist(), messages.column_texts(df, col, "zh").tolist())


def test_gb36600_intervention_and_screening_reasons():
    # GB 36600 Table 1: Pb 400/800 (first), 800/2500 (second); As 20/120 (first); Cr, Zn not compared
    p = pd.DataFrame({"pb_mg_kg": [1480.0, np.nan, 500.0, np.nan], "as_mg_kg": [46.0, 24.0, np.nan, np.nan],
                      "cr_mg_kg": [80.0, np.nan, np.nan, np.nan], "zn_mg_kg": [200.0, np.nan, np.nan, 90.0]})
    g = gb36600_screening(p, "first")
    assert g["exposure_verdict"].tolist() == ["cover_layer", "site_assessment", "site_assessment", "not_assessed"]
    assert g["above_intervention"].tolist() == ["pb", "", "", ""]
    assert g["above_screening"].tolist() == ["as", "as", "pb", ""]
    en, zh = _both(g, "exposure_reason")
    assert en == g["exposure_reason"].tolist()
    assert en == [
        FIRST_EN + "Pb 1480 > intervention 800; As 46 > screening 20" + COVER_EN + f"; not compared: {CR_EN}; {ZN_EN}",
        FIRST_EN + "As 24 > screening 20" + ASSESS_EN + "; " + BACKGROUND_EN,
        FIRST_EN + "Pb 500 > screening 400" + ASSESS_EN,
        FIRST_EN + f"no listed metal measured; not compared: {ZN_EN}",
    ]
    assert zh == [
        FIRST_ZH + "铅 1480 > 管制值 800；砷 46 > 筛选值 20 mg/kg：人员使用前须覆盖清洁土层或开展修复"
        + f"；未比较：{CR_ZH}；{ZN_ZH}",
        FIRST_ZH + "砷 24 > 筛选值 20" + ASSESS_ZH + "；" + BACKGROUND_ZH,
        FIRST_ZH + "铅 500 > 筛选值 400" + ASSESS_ZH,
        FIRST_ZH + f"未测定标准所列重金属；未比较：{ZN_ZH}",
    ]
    assert json.loads(g["exposure_reason_msg"].iloc[2]) == [["reuse.gb36600", {"finding": [
        ["reuse.gb36600_assess", {"over": [["reuse.gb36600_screening", {"limit": 400.0, "metal": "pb",
                                                                         "value": 500.0}]]}]],
        "land_class": "first"}]]
    s = gb36600_screening(p, "second")
    en, zh = _both(s, "exposure_reason")
    assert en[0] == SECOND_EN + "Pb 1480 > screening 800" + ASSESS_EN + f"; not compared: {CR_EN}; {ZN_EN}"
    assert zh[0] == SECOND_ZH + "铅 1480 > 筛选值 800" + ASSESS_ZH + f"；未比较：{CR_ZH}；{ZN_ZH}"
    assert en[2] == SECOND_EN + "no measured metal above its screening value"
    assert zh[2] == SECOND_ZH + "实测重金属均未超过筛选值"
    # nobody uses the land: no reason, no message
    n = gb36600_screening(p, "")
    assert n["exposure_reason"].tolist() == [""] * 4 and n["exposure_reason_msg"].tolist() == [""] * 4


def test_a_metal_note_of_a_user_table_is_shown_as_given(tables):
    t = tables.gb36600_values.copy()
    t.loc[t["metal"] == "zn", "note"] = "not a basic item"
    g = gb36600_screening(pd.DataFrame({"zn_mg_kg": [90.0]}), "first", tables.replace(gb36600_values=t))
    en, zh = _both(g, "exposure_reason")
    assert en == [FIRST_EN + "no listed metal measured; not compared: Zn (not a basic item)"]
    assert zh == [FIRST_ZH + "未测定标准所列重金属；未比较：Zn（not a basic item）"]


def test_pv_notes():
    pytest.importorskip("pvlib")
    from agriremed.stages import solar

    # c has no region and no lat/lon (a plot in a province without lat/lon takes its place's coordinates:
    # tests/test_pv_option.py)
    pl = pd.DataFrame({"plot_id": ["a", "b", "c"], "region": ["Yunnan/Kunming", "Atlantis", ""],
                       "lat": [25.0, 30.0, np.nan], "lon": [102.7, 110.0, np.nan], "mean_temp_c": 15.0})
    y = solar.specific_yield_for_plots(pl, progress=False)
    en, zh = _both(y, "pv_note")
    assert en == y["pv_note"].tolist() == [
        "the solar class of Yunnan is UNCONFIRMED in the source: check with a weather file (pv_weather_file)",
        "province not in solar_resource.csv: PV yield not computed (give a weather file)",
        "no lat/lon: PV yield not computed (give coordinates or a weather file)"]
    assert zh == ["云南省的太阳能资源等级在来源中未经证实：请用气象数据文件（pv_weather_file）核实",
                  "省份不在solar_resource.csv中：未计算光伏发电量（请提供气象数据文件）",
                  "缺少经纬度：未计算光伏发电量（请提供坐标或气象数据文件）"]
    assert y["pv_note_msg"].tolist() == ['[["reuse.pv_unconfirmed",{"province":"Yunnan"}]]',
                                         '[["reuse.pv_no_province"]]', '[["reuse.pv_no_lat_lon"]]']


@pytest.fixture(scope="module")
def sample_reuse():
    pytest.importorskip("pvlib")
    from agriremed.stages.softreuse import for_plan

    p = agriremed.plan(SAMPLES / "plots.csv", agriremed.Scenario(mc_draws=0), progress=False)
    return p, for_plan(p)[0]


#: English → Chinese of the soft re-use texts of the sample plots that were translated before they
#: were message codes (the Chinese these codes must still give).
SAMPLE_ZH = {
    "reason": {
        "grazing strict-control land moves soil metal into forage and livestock, which are not assessed: "
        "not planned": "在严格管控类土地上放牧会使土壤重金属进入牧草和牲畜，而牧草和牲畜未作评估：不纳入规划",
        "allowed: no rule of the rule set names this use": "允许：规则集中没有针对该用途的规则",
    },
    "exposure_reason": {
        SECOND_EN + "Pb 1480 > screening 800" + ASSESS_EN + f"; not compared: {CR_EN}; {ZN_EN}":
            SECOND_ZH + "铅 1480 > 筛选值 800" + ASSESS_ZH + f"；未比较：{CR_ZH}；{ZN_ZH}",
        FIRST_EN + "Pb 1480 > intervention 800; As 46 > screening 20" + COVER_EN + f"; not compared: {CR_EN}; {ZN_EN}":
            FIRST_ZH + "铅 1480 > 管制值 800；砷 46 > 筛选值 20 mg/kg：人员使用前须覆盖清洁土层或开展修复"
            + f"；未比较：{CR_ZH}；{ZN_ZH}",
        SECOND_EN + f"no measured metal above its screening value; not compared: {CR_EN}; {ZN_EN}":
            SECOND_ZH + f"实测重金属均未超过筛选值；未比较：{CR_ZH}；{ZN_ZH}",
        FIRST_EN + f"no measured metal above its screening value; not compared: {CR_EN}; {ZN_EN}":
            FIRST_ZH + f"实测重金属均未超过筛选值；未比较：{CR_ZH}；{ZN_ZH}",
        FIRST_EN + "As 24 > screening 20" + ASSESS_EN + f"; {BACKGROUND_EN}; not compared: {CR_EN}; {ZN_EN}":
            FIRST_ZH + "砷 24 > 筛选值 20" + ASSESS_ZH + f"；{BACKGROUND_ZH}；未比较：{CR_ZH}；{ZN_ZH}",
    },
}


def test_chinese_soft_reuse_table_of_the_sample(sample_reuse):
    p, reuse = sample_reuse
    tr = translate_frame(reuse, "zh", p.tables)
    for col, pairs in SAMPLE_ZH.items():
        got = dict(zip(reuse[col], tr[col], strict=True))
        assert {en: got.get(en) for en in pairs} == pairs
        # every text of the column comes with its message
        assert (reuse.loc[reuse[col] != "", f"{col}_msg"] != "").all()
    assert (reuse.loc[reuse["pv_note"] != "", "pv_note_msg"] != "").all()
    # a rule of the rule set: the rule's message, as in the plan's option reasons
    policy = reuse["reason"].str.startswith("policy ")
    assert policy.any() and reuse.loc[policy, "reason_msg"].str.startswith('[["opt.policy_rule"').all()
    got = dict(zip(reuse["reason"], tr["reason"], strict=True))
    assert got["policy china, rule cn_safe_orchard_pv_check: a safe-utilisation orchard or tea garden keeps "
               "producing under a safe-utilisation plan (Soil Pollution Law Art. 53; orchards refer to the classified "
               "management, Order No. 46, Art. 2), PV on other agricultural land is to be kept small and no PV may "
               "occupy permanent basic farmland (自然资办发〔2023〕12号): check whether the plot is basic farmland "
               "(basic_farmland) first; a PV array, which ends the crop, ranks after the food-keeping options "
               "(unchanged practice included) (Soil Pollution Prevention and Control Law; MEP & MOA Order No. 46 "
               "(2017))"] == (
        "中国规则集规则“安全利用类园地：限制建光伏，须核实基本农田”：安全利用类园地（果园、茶园）应在安全利用方案下继续生产"
        "（土壤污染防治法第53条；园地可参照农用地分类管理，《农用地土壤环境管理办法（试行）》，部令第46号，第2条），"
        "其他农用地上的光伏方阵应合理控制，且光伏项目不得占用永久基本农田（自然资办发〔2023〕12号）：请先核实地块是否为"
        "永久基本农田（basic_farmland）；建光伏方阵使园地停止生产，排在保留食用农产品生产的方案（含维持现状）之后"
        "（《土壤污染防治法》；环境保护部 农业部令 第46号（2017））")
    # the PV note names the province; a biomass re-use gives the plan option's reason in Chinese
    got = dict(zip(reuse["pv_note"], tr["pv_note"], strict=True))
    assert got["the solar class of Yunnan is UNCONFIRMED in the source: check with a weather file "
               "(pv_weather_file)"] == "云南省的太阳能资源等级在来源中未经证实：请用气象数据文件（pv_weather_file）核实"
    got = dict(zip(reuse["reason"], tr["reason"], strict=True))
    assert got["miscanthus: not used on orchard land"] == "芒草能源作物（植物稳定）：不适用于果园"
    # English as before: rendering the message columns in English gives the text columns
    for col in ("reason", "exposure_reason", "pv_note"):
        has = reuse[f"{col}_msg"] != ""
        assert (messages.render_column(reuse.loc[has, f"{col}_msg"], "en", p.tables)
                == reuse.loc[has, col].to_numpy()).all()


def test_missing_plan_option_and_pv_without_coordinates(tables):
    pytest.importorskip("pvlib")
    from agriremed.stages.softreuse import evaluate_reuse

    plots = pd.DataFrame({"plot_id": ["m1"], "land_use": ["marginal"], "basic_farmland": ["no"],
                          "region": [""], "lat": [np.nan], "lon": [np.nan], "cd_mg_kg": [0.4]})  # nowhere placed
    r = evaluate_reuse(plots, ["priority_protection"], None, tables=tables).set_index("reuse_id")
    bio = r.loc[r["biomass_option"] != ""].iloc[0]
    assert bio["reason"] == f"the plan's option {bio['biomass_option']} is not available"
    assert messages.render(bio["reason_msg"], "zh", tables) == \
        f"规划中没有方案{i18n.option_name(bio['biomass_option'], 'zh', tables)}"
    pv = r.loc[(r["pv_area_share"] > 0) & r["allowed"]].iloc[0]
    assert pv["reason"] == "allowed; no lat/lon: PV yield not computed (give coordinates or a weather file)"
    assert messages.render(pv["reason_msg"], "zh") == "允许；缺少经纬度：未计算光伏发电量（请提供坐标或气象数据文件）"


def test_rule_set_note():
    for rule_set, zh in (("china", "中国"), ("none", "无（研究情景）")):
        (n,) = rules_note(agriremed.Scenario(rule_set=rule_set))
        assert isinstance(n, Note) and n.message == Message.of("note.rule_set", rule_set=rule_set)
        assert n == (f"jurisdiction rule set: {rule_set} (land_rules.csv); options it forbids are excluded "
                     "with the rule and its sources, options it expects rank first")
        assert messages.text_of(n, "zh") == (f"管辖规则集：{zh}（land_rules.csv）；规则禁止的方案连同规则及其来源"
                                               "一并排除，规则期望的方案优先排序")


def test_a_note_is_its_english_text_and_keeps_its_message():
    n = Note(Message.of("note.rule_set", rule_set="china"))
    assert isinstance(n, str) and n.startswith("jurisdiction rule set: china") and str(n) == n
    back = pickle.loads(pickle.dumps(n))
    assert back == n and back.message == n.message
    assert json.loads(json.dumps([n])) == [str(n)]
    assert messages.text_of(n, "en") == n
    # a plain English note without a message stays as written
    assert messages.text_of("some note", "zh") == "some note"


def test_the_migrated_patterns_are_gone():
    keys = i18n.keys("msg.")
    assert [k for k in keys if k.startswith(("msg.reuse_", "msg.geo_"))
            or k in ("msg.note_rule_set", "msg.uptake_rice_type_note")] == []
    new = [c for c in messages.codes("en") if c.startswith(("reuse.", "geo.", "note.", "upt.rice", "upt.basis"))]
    # the 48 migrated codes and those added since, every one in both languages
    assert len(new) >= 48 and set(new) <= set(messages.codes("zh"))


# --------------------------------------------------------------------------- GIS layers
gpd = pytest.importorskip("geopandas")
pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")

from agriremed.io import geo  # noqa: E402


def _attrs(n):
    return pd.DataFrame({"plot_id": [f"P{i:03d}" for i in range(n)], "land_use": "paddy", "crop": "rice",
                         "ph": "5.5", "cd_mg_kg": "0.6"})


def _squares(n, side=100.0):
    """n squares of ``side`` metres (1 ha) near the central meridian of EPSG:4547."""
    return [shapely.box(500_000 - side / 2, 3_100_000 + 3 * side * i, 500_000 + side / 2,
                        3_100_000 + 3 * side * i + side) for i in range(n)]


def _write(path, attrs, geoms, crs, **kw):
    pyogrio.write_dataframe(gpd.GeoDataFrame(attrs, geometry=geoms, crs=crs), path, **kw)
    return path


def _notes(lay):
    assert all(isinstance(n, Note) for n in lay.notes)
    return [str(n) for n in lay.notes], [messages.text_of(n, "zh") for n in lay.notes]


pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name", "ignore:'crs' was not provided")

LAEA_EN = "Lambert azimuthal equal-area projection centred on 114.0000 E, {lat} N, GRS80 ellipsoid"
LAEA_ZH = "以东经114.0000°、北纬{lat}°为中心的兰伯特方位等积投影，GRS80椭球"


def test_crs_notes_of_the_sample_and_of_a_layer_without_crs(tmp_path):
    en, zh = _notes(geo.read_layer(SAMPLES / "parcels.gpkg"))
    assert en[0] == "parcels.gpkg: coordinates in China Geodetic Coordinate System 2000 (EPSG:4490)"
    assert zh == ["parcels.gpkg：坐标系为“China Geodetic Coordinate System 2000”（EPSG:4490）",
                  "parcels.gpkg：面积（area_ha）由多边形计算（以东经110.1248°、北纬30.5902°为中心的兰伯特方位等积投影，GRS80椭球）",
                  "parcels.gpkg：经纬度（lat、lon）取各要素的质心，CGCS2000经纬度坐标（EPSG:4490）"]
    assert en[1] == ("parcels.gpkg: area_ha computed from the polygons (Lambert azimuthal equal-area projection "
                     "centred on 110.1248 E, 30.5902 N, GRS80 ellipsoid)")
    p = _write(tmp_path / "s.shp", _attrs(2), _squares(2), None)
    en, zh = _notes(geo.read_layer(p, crs="EPSG:4547"))
    crs = "CGCS2000 / 3-degree Gauss-Kruger CM 114E"
    assert en[1] == f"s.shp: the layer declares no CRS; read as {crs} (EPSG:4547) as given"
    assert zh[1] == f"s.shp：图层未声明坐标系，按给定的坐标系“{crs}”（“EPSG:4547”）读取"
    assert en[0] == "s.shp: attributes decoded as UTF-8 (its .cpg file)"
    assert zh[0] == "s.shp：属性表按UTF-8编码解码（依据其.cpg文件）"


def test_area_mismatch_notes(tmp_path):
    a = _attrs(2)
    a["面积(亩)"] = ["15", "30"]  # 15 mu = 1.0 ha (matches the 1 ha square), 30 mu = 2.0 ha (off by 100 %)
    en, zh = _notes(geo.read_layer(_write(tmp_path / "a.gpkg", a, _squares(2), "EPSG:4547")))
    laea = {"lat": "28.0159"}
    assert en[1:3] == [
        f"a.gpkg: area from column '面积(亩)'; the geometry area ({LAEA_EN.format(**laea)}) is written as "
        "geometry_area_ha",
        "a.gpkg: 1 feature(s) have an area that differs from their geometry by more than 10%: FID 2 (2 ha given, "
        "1 ha by geometry) (面积与图形面积相差超过10%)"]
    assert zh[1:3] == [f"a.gpkg：面积取自'面积(亩)'列；图形面积（{LAEA_ZH.format(**laea)}）写入geometry_area_ha列",
                       "a.gpkg：1个要素的面积与其图形面积相差超过10%：FID 2（填报2 ha，按图形1 ha）"]
    # more than ten features: the first ten and an ellipsis
    a = _attrs(12)
    a["area_ha"] = "5"
    en, zh = _notes(geo.read_layer(_write(tmp_path / "m.gpkg", a, _squares(12), "EPSG:4547")))
    pairs_en = ", ".join(f"FID {i} (5 ha given, 1 ha by geometry)" for i in range(1, 11))
    pairs_zh = "，".join(f"FID {i}（填报5 ha，按图形1 ha）" for i in range(1, 11))
    assert en[2] == (f"m.gpkg: 12 feature(s) have an area that differs from their geometry by more than 10%: "
                     f"{pairs_en} … (面积与图形面积相差超过10%)")
    assert zh[2] == f"m.gpkg：12个要素的面积与其图形面积相差超过10%：{pairs_zh} …"


def test_invalid_feature_problem(tmp_path):
    geoms = _squares(2)
    geoms[1] = shapely.Polygon([(500_000, 3_100_000), (500_100, 3_100_100), (500_100, 3_100_000),
                                (500_000, 3_100_100)])  # bow tie
    lay = geo.read_layer(_write(tmp_path / "bad.gpkg", _attrs(2), geoms, "EPSG:4547"))
    (rp,) = lay.table.attrs["row_problems"]
    assert isinstance(rp["problem"], Message) and rp["value"] == "FID 2"
    assert messages.render(rp["problem"], "en") == \
        "feature FID 2 has an invalid geometry: Self-intersection[500050 3100050] (几何无效)"
    assert messages.render(rp["problem"], "zh") == "要素FID 2的几何无效：“Self-intersection[500050 3100050]”"
    assert messages.render(rp["expected"], "en") == ("a valid polygon: repair it in a GIS (e.g. QGIS Fix geometries, "
                                                     "shapely make_valid) and read the layer again")
    assert messages.render(rp["expected"], "zh") == \
        "有效的多边形：请在GIS软件中修复（如QGIS的“Fix geometries”或“shapely make_valid”）后重新读取图层"
    en, zh = _notes(lay)
    assert en[-1] == ("bad.gpkg: 1 feature(s) with an empty, invalid or unsupported geometry are rejected "
                      "(see the rejected rows)")
    assert zh[-1] == "bad.gpkg：1个要素的几何为空、无效或不受支持，已拒绝（见拒绝的行）"
    # the rejected row: its problem in the problems table, its reason in both languages
    from agriremed.io.validate import validate_plots

    v = validate_plots(lay.table)
    assert v.rejected["reasons"].tolist() == [
        "geometry: feature FID 2 has an invalid geometry: Self-intersection[500050 3100050] (几何无效) (expected a "
        "valid polygon: repair it in a GIS (e.g. QGIS Fix geometries, shapely make_valid) and read the layer again)"]
    assert messages.render_column(v.rejected["reasons_msg"], "zh").tolist()[0].startswith(
        "geometry：要素FID 2的几何无效：“Self-intersection[500050 3100050]”（应为")
