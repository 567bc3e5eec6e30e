"""Crop names with a qualifier in brackets (玉米(春), 蔬菜（叶菜类）, 水稻（中稻）) are read, with a warning saying how,
as the names without brackets (春玉米, 叶菜类, 中稻) are."""

import io

import pandas as pd
import pytest

from agriremed.core import messages
from agriremed.io.validate import validate_plots

HEAD = "地块编号,县,土地利用类型,作物,面积（亩）,pH,镉(mg/kg),是否基本农田\n"


@pytest.mark.parametrize("cell, land, crop, read", [
    ("玉米(春)", "旱地", "maize", "春玉米"), ("玉米（春）", "旱地", "maize", "春玉米"),
    ("蔬菜(叶菜)", "菜地", "leafy_vegetable", "叶菜"), ("蔬菜（叶菜类）", "菜地", "leafy_vegetable", "叶菜类蔬菜"),
    ("水稻（中稻）", "水田", "rice", "中稻"), ("小麦(冬)", "旱地", "wheat", "冬小麦"),
    ("玉米(鲜食)", "旱地", "maize", "玉米")])
def test_bracketed_crop_is_read_with_a_warning(cell, land, crop, read):
    text = HEAD + f"E01,湖南省株洲市攸县,{land},{cell},1,5.8,0.5,否\n"
    v = validate_plots(pd.read_csv(io.StringIO(text), dtype=str))
    assert v.rejected.empty
    assert v.plots["crop"].tolist() == [crop]
    w = v.problems.loc[v.problems["column"].eq("crop") & v.problems["severity"].eq("warning")]
    first = w.iloc[0]
    assert first["value"] == cell and first["input_row"] == 1
    assert first["problem"] == (
        f"a crop name with a qualifier in brackets: read as '{read}' (the qualifier joined to the name, the qualifier "
        "alone where it names the crop or its kind, else the name without the bracket); check the crop")
    assert messages.column_texts(w.iloc[[0]], "problem", "zh")[0].startswith(f"带括号限定词的作物名：按“{read}”读取")


def test_names_without_brackets_still_read_and_an_intercrop_is_not_guessed():
    text = HEAD + "E00,湖南省株洲市攸县,旱地,春玉米,1,5.8,0.5,否\nE01,湖南省株洲市攸县,旱地,玉米（大豆）,1,5.8,0.5,否\n"
    v = validate_plots(pd.read_csv(io.StringIO(text), dtype=str))
    assert v.plots["crop"].tolist() == ["maize"]
    assert v.rejected["input_row"].tolist() == [2]  # 玉米（大豆）: names two crops, stays an error


def test_rice_type_of_a_bracketed_season_is_kept():
    text = HEAD + "E34,湖南省株洲市攸县,水田,水稻（中稻）,1,5.8,0.5,是\nE35,湖南省株洲市攸县,水田,中稻,1,5.8,0.5,是\n"
    v = validate_plots(pd.read_csv(io.StringIO(text), dtype=str))
    a, b = v.plots.iloc[0], v.plots.iloc[1]
    for c in v.plots.columns:
        if c not in ("plot_id", "input_row", "line"):
            assert pd.isna(a[c]) and pd.isna(b[c]) or a[c] == b[c], c
