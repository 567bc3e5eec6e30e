"""Spring wheat (春小麦, or wheat_type spring) on a plot in a province that wheat_seasons.csv lists as growing
winter wheat only (湖南) is planned with a warning in EN and 中文 naming the province and the table's zone; spring
wheat where the table has spring wheat (甘肃, 四川: both) and wheat of no type are not warned."""

from agriremed.core import messages
from agriremed.io.validate import validate_plots

SHEET = """地块编号,行政区,土地利用类型,种植作物,面积（亩）,pH,镉（mg/kg）
A,湖南/株洲/攸县,旱地,春小麦,3,6.2,0.5
B,甘肃/张掖,旱地,春小麦,3,7.8,0.5
C,湖南/株洲/攸县,旱地,小麦,3,6.2,0.5
D,四川/成都,旱地,春小麦,3,6.2,0.5
"""


def test_spring_wheat_in_a_winter_wheat_province_is_warned(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(SHEET, encoding="utf-8")
    v = validate_plots(str(f))
    assert v.plots["plot_id"].tolist() == ["A", "B", "C", "D"] and len(v.rejected) == 0
    pr = v.problems
    w = pr.loc[pr["problem_msg"].fillna("").str.contains("val.spring_wheat_winter_province", regex=False)]
    assert w["plot_id"].tolist() == ["A"] and w["severity"].tolist() == ["warning"]
    m = w["problem_msg"].iloc[0]
    assert messages.render(m, "en") == (
        "spring wheat in Hunan: wheat_seasons.csv lists Hunan as growing winter wheat only (长江中下游冬麦区; the west "
        "in 西南冬麦区); planned as spring wheat as written — check the crop (冬小麦 or 小麦 for winter wheat)")
    assert messages.render(m, "zh") == (
        "湖南省的春小麦：wheat_seasons.csv中湖南省只种冬小麦（长江中下游冬麦区；西部属西南冬麦区）；仍按所填春小麦规划"
        "——请核对作物（冬小麦请填“冬小麦”或“小麦”）")
    # a wheat_type column saying spring is warned alike
    g = tmp_path / "q.csv"
    g.write_text("plot_id,region,land_use,crop,wheat_type,area_ha,ph,cd_mg_kg\n"
                 "X,Hunan/Zhuzhou,upland,wheat,spring,0.2,6.2,0.5\n", encoding="utf-8")
    assert validate_plots(str(g)).problems["problem_msg"].fillna("").str.contains(
        "val.spring_wheat_winter_province", regex=False).sum() == 1
