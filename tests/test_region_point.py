"""A plot's coordinates far from the place its region names (the seat of its prefecture, or the nearest seat of
its province, farther than place_point_max_km = 300 km): a warning naming the row, both places and the
distance; the plot keeps its region (its province's functions)."""

from pathlib import Path

import pytest

import agriremed
from agriremed.core.messages import text_of
from agriremed.core.tables import load_tables
from agriremed.io.validate import _great_circle_km

_HEAD = "地块编号,行政区,经度,纬度,土地利用类型,作物,面积（亩）,pH,镉(mg/kg)\n"
_FAR_EN = ("the point (lat 25.0400, lon 102.7100) lies 1,084 km from Hunan/Zhuzhou, the place the region names (the "
           "seat of its prefecture, or the nearest seat of a province named alone: more than 300 km, factor "
           "place_point_max_km), and 1 km from the seat of Yunnan/Kunming: the "
           "coordinates or the region are wrong; planned with the region (the functions, prices and subsidies of "
           "its province), not the point")


def _write(tmp_path: Path, rows: str) -> Path:
    p = tmp_path / "plots.csv"
    p.write_bytes((_HEAD + rows).encode("utf-8"))
    return p


def test_the_rule_and_the_distance():
    t = load_tables()
    assert t.factor("place_point_max_km") == 300 and t.factor("earth_mean_radius_km") == pytest.approx(6371.0088)
    # Kunming to the seat of Zhuzhou (place_coordinates.csv: 27.83 N, 113.15 E)
    assert _great_circle_km(25.04, 102.71, 27.83, 113.15, 6371.0088) == pytest.approx(1084.4, abs=0.5)


def test_a_point_in_another_province_is_warned_and_the_region_kept(tmp_path):
    v = agriremed.validate_plots(_write(tmp_path, "I01,湖南省株洲市攸县网岭镇罗家村,102.71,25.04,水田,中稻,2,5.5,0.6\n"
                                                  "I02,湖南省株洲市攸县网岭镇罗家村,113.35,27.00,水田,中稻,2,5.5,0.6\n"))
    assert v.ok and len(v.plots) == 2
    w = v.warnings.loc[v.warnings["column"].eq("lat, lon")]
    assert w["input_row"].tolist() == [1] and w["value"].tolist() == ["lat 25.04, lon 102.71"]
    assert w["problem"].tolist() == [_FAR_EN]
    assert text_of(w["problem_msg"].iloc[0], "zh") == (
        "坐标点（纬度25.0400，经度102.7100）距行政区所指的湖南省/株洲市驻地（所指地级市的驻地，只写省时为该省最近的驻地）"
        "1,084公里（超过300公里，系数"
        "place_point_max_km），距云南省/昆明市驻地1公里：坐标或行政区有误；已按行政区（其所在省的函数、价格和补贴）规划，"
        "而不是按坐标点")
    assert v.plots["region"].tolist()[0].startswith("湖南省")  # the region is kept, the point not used to move it


def test_a_region_placed_in_a_province_only_uses_its_nearest_seat(tmp_path):
    v = agriremed.validate_plots(_write(tmp_path, "A,湖南,102.71,25.04,水田,中稻,2,5.5,0.6\n"
                                                  "B,湖南,110.0,27.5,水田,中稻,2,5.5,0.6\n"
                                                  "C,云南省昆明市,102.75,25.0,水田,中稻,2,5.5,0.6\n"))
    w = v.warnings.loc[v.warnings["column"].eq("lat, lon")]
    assert w["input_row"].tolist() == [1]
    # the nearest seat of Hunan to Kunming is 怀化市 (27.56 N, 110.0 E of place_coordinates.csv): 779 km
    assert w["problem"].iloc[0].startswith("the point (lat 25.0400, lon 102.7100) lies 779 km from Hunan, ")


def test_the_plan_keeps_the_hunan_function(tmp_path):
    p = agriremed.plan(_write(tmp_path, "I01,湖南省株洲市攸县网岭镇罗家村,102.71,25.04,水田,中稻,2,5.5,0.6\n"),
                       agriremed.Scenario(mc_draws=0), progress=False)
    fn = p.uptake.loc[p.uptake["metal"].eq("cd"), "function_id"].iloc[0]
    assert fn == "synth_rice_cd_ph_hunan"
