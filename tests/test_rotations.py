"""Rotations written in one cell (小麦-玉米): read as the planned crop, the other crops named as not planned."""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.io.validate import validate_plots
from plotdata import make_plots
from maize_fit import stricter_maize_tables


@pytest.mark.parametrize("cell, crop, others", [
    ("小麦-玉米", "wheat", "maize"), ("冬小麦-夏玉米", "wheat", "maize"), ("小麦/玉米轮作", "wheat", "maize"),
    ("玉米－小麦", "wheat", "maize"), ("小麦、玉米一年两熟", "wheat", "maize"), ("水稻+油菜", "rice", "rapeseed"),
    ("花生-甘薯", "peanut", "sweet_potato"), ("wheat - maize", "wheat", "maize"),
    ("麦玉两熟", "wheat", "maize"), ("小麦玉米轮作", "wheat", "maize"), ("麦-玉", "wheat", "maize"),
    ("稻-油", "rice", "rapeseed"),
])
def test_a_rotation_cell_is_read_as_its_planned_crop(cell, crop, others):
    v = validate_plots(make_plots(2, crop=[cell, "maize"], land_use=["upland", "upland"]))
    assert v.rejected.empty
    assert v.plots["crop"].tolist() == [crop, "maize"]
    got = v.plots["crops_not_planned"].tolist()
    assert got[0] == others and pd.isna(got[1])
    w = v.problems.loc[v.problems["input_row"].eq(1) & v.problems["column"].eq("crop")]
    assert w["severity"].tolist() == ["warning"]
    assert w["problem"].iloc[0].startswith("a rotation of several crops: planned as ")


@pytest.mark.parametrize("cell", ["小麦-高粱", "小麦-", "小麦-小麦", "小麦-撂荒", "麦", "小麦高粱"])
def test_a_cell_that_is_not_a_rotation_of_known_crops_stays_an_error(cell):
    v = validate_plots(make_plots(1, crop=[cell], land_use=["upland"]))
    assert v.rejected["input_row"].tolist() == [1]
    assert "crops_not_planned" not in v.plots


@pytest.mark.parametrize("cell", ["油茶", "油茶树", "茶油", "油茶林"])
def test_oil_tea_camellia_is_not_split_into_rapeseed_and_tea(cell):
    # 油茶 (Camellia oleifera) is one woody oil crop: 油 (short for 油菜 in 稻油) does not split it
    v = validate_plots(make_plots(2, crop=[cell, "maize"], land_use=["orchard", "upland"]))
    assert len(v.rejected) == 0
    assert v.plots["crop"].tolist() == ["camellia_oil", "maize"] and "crops_not_planned" not in v.plots


@pytest.mark.parametrize("cell, crops", [
    ("稻油", ["rice", "rapeseed"]), ("稻稻油", ["rice", "rapeseed"]), ("麦玉", ["wheat", "maize"]),
    ("油-稻", ["rapeseed", "rice"]), ("小麦玉米", ["wheat", "maize"]), ("油茶", None), ("茶油", None),
    ("油茶树", None), ("油菜籽", None), ("早稻+晚稻", None),
])
def test_rotation_crops_of_short_forms_and_whole_names(cell, crops):
    from agriremed.core.tables import load_tables
    from agriremed.io.validate import crop_lookup, rotation_crops
    assert rotation_crops(cell, crop_lookup(load_tables().crops)) == crops


def test_no_column_without_a_rotation():
    v = validate_plots(make_plots(2))
    assert "crops_not_planned" not in v.plots


def test_cropping_system_naming_other_crops_is_not_read():
    df = make_plots(1, crop=["花生"], land_use=["upland"])
    df["种植制度"] = ["冬小麦-夏玉米"]
    v = validate_plots(df)
    w = v.problems.loc[v.problems["column"].eq("cropping_system") & v.problems["input_row"].notna()]
    assert w["problem"].tolist() == [
        "cropping system (column 种植制度) names Wheat, Maize, not the plot's crop Peanut: not read (the plot is "
        "planned with its crop; check the two columns)"]
    assert "crops_not_planned" not in v.plots


def test_a_wheat_maize_plot_is_planned_as_wheat_and_says_the_maize_season_is_not_planned():
    df = make_plots(2, crop=["小麦-玉米", "小麦"], land_use=["upland", "upland"], ph=[7.9, 7.9],
                    cd_mg_kg=[0.9, 0.9], region="Henan/Jiyuan")
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py), so the maize switch
    # keeps the place in the ranking that the sentence under test is about
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0), tables=stricter_maize_tables())
    s = p.summary.set_index("plot_id")
    assert s["crops_not_planned"].tolist()[0] == "maize" and pd.isna(s["crops_not_planned"].tolist()[1])
    # the same numbers as the plain wheat plot: only the sentence adds the maize season
    t = p.table.loc[p.table["option_id"] != "maize_grain"].set_index(["plot_id", "option_id"])
    a, b = t.xs("P1"), t.xs("P2")  # (maize in place of the wheat is no switch on the rotation plot)
    for c in ("crop_compliance_prob", "npv_vs_baseline_cny_ha", "score"):
        np.testing.assert_allclose(a[c].to_numpy(float), b[c].to_numpy(float), equal_nan=True)
    rec = s["recommendation"].tolist()
    assert rec[0] == rec[1] + " Rotation crop not planned: Maize — test its harvest, or plan it in a row of its own."
    zh = agriremed.core.messages.column_texts(p.summary, "recommendation", "zh", p.tables)
    assert zh[0].endswith("轮作作物未纳入规划：玉米——请检测其收获物，或另起一行规划。")
    assert not zh[1].endswith("另起一行规划。")


def test_chinese_cabbage_is_a_leafy_vegetable_with_the_leafy_cd_function():
    # 大白菜 (napa): GB 2762 leafy vegetable, predicted with the leafy-vegetable proxy as pak choi is
    df = make_plots(2, crop=["大白菜", "小白菜"], land_use=["vegetable", "vegetable"], ph=6.0, cd_mg_kg=0.6)
    df["som_pct"], df["clay_pct"] = 3.0, 25.0
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    assert p.plots["crop"].tolist() == ["chinese_cabbage", "pak_choi"]
    u = p.uptake.set_index("plot_id")
    assert u.loc["P1", "function_id"] == u.loc["P2", "function_id"] == "devries2007_lettuce_cd_leafy"
    # the same dry-weight prediction, on fresh weight by each crop's water content (0.944 and 0.953)
    assert u.loc["P1", "crop_dw_p50_mg_kg"] == pytest.approx(u.loc["P2", "crop_dw_p50_mg_kg"])
    assert u.loc["P1", "crop_fw_p50_mg_kg"] == pytest.approx(
        u.loc["P2", "crop_fw_p50_mg_kg"] * (1 - 0.944) / (1 - 0.953), rel=1e-6)



def test_fallow_written_as_xiugeng_is_no_crop():
    v = validate_plots(make_plots(1, crop=["休耕"], land_use=["upland"]))
    assert v.plots["crop"].tolist() == ["none"] and v.rejected.empty


def test_a_rotation_is_not_switched_to_its_own_other_crop_and_strict_land_is_not_told_to_test_it():
    # 小麦-玉米: maize in place of the wheat drops a season, it is not a crop switch; on strict-control
    # land (no food) the sentence does not ask for the maize season to be tested
    df = make_plots(3, crop=["小麦-玉米", "小麦-玉米", "小麦"], land_use="upland", ph=[6.2, 7.9, 6.2],
                    cd_mg_kg=[0.9, 4.8, 0.9], region="Henan/Jiyuan")
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    t = p.table.set_index(["plot_id", "option_id"])
    assert not t.loc[("P1", "maize_grain"), "applicable"]
    assert t.loc[("P1", "maize_grain"), "reason"].startswith("the plot already grows Maize in its rotation")
    # a wheat-only plot of Henan is winter wheat: maize, a summer crop, cannot take its season
    assert not t.loc[("P3", "maize_grain"), "applicable"]
    assert t.loc[("P3", "maize_grain"), "reason"].startswith("winter wheat row: Maize is a summer crop")
    s = p.summary.set_index("plot_id")
    assert s.loc["P2", "soil_class"] == "strict_control"
    assert s.loc["P2", "crops_not_planned"] == "maize" and "Rotation crop not planned" not in s.loc["P2", "recommendation"]
    assert "Rotation crop not planned: Maize" in s.loc["P1", "recommendation"]



def test_the_crop_names_the_outputs_print_read_back():
    v = validate_plots(make_plots(4, crop=["Chinese cabbage (napa)", "Rapeseed (oilseed rape)", "无作物（闲置或自然植被）",
                                           "Head cabbage"], land_use="upland"))
    assert v.rejected.empty
    assert v.plots["crop"].tolist() == ["chinese_cabbage", "rapeseed", "none", "cabbage"]


def test_a_switch_to_summer_maize_is_not_an_option_on_a_winter_wheat_row():
    # winter wheat (Henan, Shandong; or 冬小麦 in the cell) is the winter season of a wheat–maize field: maize is
    # sown in summer and cannot replace it. Spring wheat (春小麦, a spring-wheat province) and a wheat row whose
    # region is not known keep the switch.
    from agriremed.core import messages

    df = make_plots(6, crop=["wheat", "冬小麦", "春小麦", "wheat", "wheat", "春小麦"], land_use="upland",
                    ph=6.2, cd_mg_kg=0.9,
                    region=["Henan/Jiyuan", "甘肃省张掖市", "甘肃省张掖市", "Heilongjiang/Harbin", None, "宁夏银川"])
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    t = p.table.set_index(["plot_id", "option_id"])
    applicable = [bool(t.loc[(f"P{i}", "maize_grain"), "applicable"]) for i in range(1, 7)]
    assert applicable == [False, False, True, True, True, True]
    assert t.loc[("P1", "maize_grain"), "reason"] == (
        "winter wheat row: Maize is a summer crop and cannot take the place of the winter wheat season; the summer "
        "Maize of a wheat–Maize field is a season of its own (plan it in its own row) (金善宝 1996)")
    zh = messages.render(t.loc[("P2", "maize_grain"), "reason_msg"], "zh")
    assert zh.startswith("冬小麦茬口：玉米为夏播作物，不能替代冬小麦季；本田块的夏播玉米为另一季，请另起一行规划"), zh
    wt = validate_plots(df).plots["wheat_type"]
    assert wt.fillna("").tolist() == ["", "winter", "spring", "", "", "spring"]
