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
