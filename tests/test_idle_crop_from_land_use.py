"""A blank crop cell beside a land use that says the land is idle (撂荒水田, 闲置旱地, 休耕水田) is read as crop
``none`` and the row planned as idle land, with a warning in EN and 中文 that the crop was taken from the land-use
cell; a blank crop beside another land use stays rejected with its message."""

import agriremed
from agriremed.core import messages
from agriremed.io.validate import validate_plots

SHEET = """地块编号,行政区,土地利用类型,种植作物,面积（亩）,pH,镉（mg/kg）
A,湖南/株洲/攸县,撂荒水田,,3,5.2,0.5
B,湖南/株洲/攸县,水田,,3,5.2,0.5
C,湖南/株洲/攸县,撂荒,,3,5.2,0.5
D,湖南/株洲/攸县,闲置旱地,,3,6.2,0.5
E,湖南/株洲/攸县,休耕水田,,3,5.2,0.5
F,湖南/株洲/攸县,撂荒水田,水稻,3,5.2,0.5
"""


def test_a_blank_crop_on_idle_land_is_planned_as_no_crop(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(SHEET, encoding="utf-8")
    v = validate_plots(str(p))
    got = v.plots.set_index("plot_id")
    assert got["crop"].to_dict() == {"A": "none", "D": "none", "E": "none", "F": "rice"}
    assert got["land_use"].to_dict() == {"A": "paddy", "D": "upland", "E": "paddy", "F": "paddy"}
    assert v.rejected["地块编号"].tolist() == ["B", "C"]
    assert len(v.plots) + len(v.rejected) == 6
    pr = v.problems
    told = pr.loc[pr["problem_msg"].fillna("").str.contains("val.crop_from_idle_land_use", regex=False)]
    assert told["plot_id"].tolist() == ["A", "D", "E"]
    assert (told["severity"] == "warning").all() and (told["column"] == "crop").all()
    assert told["problem"].iloc[0] == ("crop blank: read as none (no crop) from the land-use cell 撂荒水田, which says "
                                       "the land is idle, abandoned or fallow; the plot is planned as idle land — "
                                       "write the crop if one is grown")
    assert messages.render(told["problem_msg"].iloc[1], "zh") == (
        "作物为空：按土地利用类型“闲置旱地”（撂荒、闲置或休耕）识别为无作物，按闲置地规划——如实际种有作物，请填写作物")
    # a blank crop beside a land use that does not say idle keeps its error
    blank = pr.loc[(pr["column"] == "crop") & (pr["severity"] == "error")]
    assert blank["plot_id"].tolist() == ["B", "C"]
    assert set(blank["problem"]) == {"required value is blank"}
    plan = agriremed.plan(str(p), agriremed.Scenario(mc_draws=0), progress=False)
    s = plan.summary.set_index("plot_id")
    assert s.loc[["A", "D", "E"], "crop"].tolist() == ["none"] * 3
    assert len(plan.summary) + len(plan.rejected) == 6


MORE = """地块编号,行政区,土地利用现状,种植制度,作物,面积（亩）,pH,镉（mg/kg）
M1,湖南/郴州/苏仙,采矿用地,,,45,4.6,12.0
M2,湖南/郴州/苏仙,0602,,,20,4.6,12.0
M3,湖南/株洲/渌口,水田,撂荒,,3,5.2,0.5
M4,湖南/株洲/渌口,水田,一季稻-冬闲,,3,5.2,0.5
M5,湖南/株洲/渌口,水田,稻-休耕,,3,5.2,0.5
M6,湖南/株洲/渌口,旱地,,,3,5.2,0.5
"""


def test_a_blank_crop_on_marginal_land_or_with_an_idle_cropping_system_is_no_crop(tmp_path):
    # mine land (采矿用地, class 0602) grows no crop in the plan; a cropping-system cell that is, as a whole,
    # an idle word (撂荒) says the paddy is idle; 一季稻-冬闲 and 稻-休耕 name a fallow season, not idle land
    p = tmp_path / "m.csv"
    p.write_text(MORE, encoding="utf-8")
    v = validate_plots(str(p))
    got = v.plots.set_index("plot_id")
    assert got["crop"].to_dict() == {"M1": "none", "M2": "none", "M3": "none"}
    assert got["land_use"].to_dict() == {"M1": "marginal", "M2": "marginal", "M3": "paddy"}
    assert v.rejected["地块编号"].tolist() == ["M4", "M5", "M6"]
    warn = v.problems.loc[(v.problems["column"] == "crop") & (v.problems["severity"] == "warning")]
    assert warn["plot_id"].tolist() == ["M1", "M2", "M3"]
    assert warn["problem"].iloc[0] == (
        "crop blank: read as none (no crop) from the land-use cell 采矿用地: marginal land grows no crop in the plan "
        "(its soft re-uses are planned) — write the crop if one is grown")
    assert warn["problem"].iloc[2] == (
        "crop blank: read as none (no crop) from the cell 撂荒 of column 种植制度, which says the land is idle; the "
        "plot is planned as idle land — write the crop if one is grown")
    assert messages.render(warn["problem_msg"].iloc[2], "zh") == (
        "作物为空：按“种植制度”列的“撂荒”（闲置）识别为无作物，按闲置地规划——如实际种有作物，请填写作物")
    assert messages.render(warn["problem_msg"].iloc[1], "zh").startswith("作物为空：按土地利用类型“0602”识别为无作物")
