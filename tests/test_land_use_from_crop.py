"""A sheet without a land-use column (a county's paddy sheet that lists only 早稻/晚稻) is read with
each plot's land use from its crop (crops.csv land_use), reported once; a plot without a crop is
rejected for its blank land use. A sheet with the column is read as it is."""

import pandas as pd

import agriremed
from agriremed.io.validate import validate_plots

SHEET = """地块编号,行政区,种植作物,面积（亩）,pH,镉（mg/kg）
A,江西/鹰潭/贵溪,双季稻,3,5.2,0.5
B,江西/鹰潭/贵溪,小麦,3,6.0,0.5
C,江西/鹰潭/贵溪,青菜,3,6.0,0.5
D,江西/鹰潭/贵溪,柑橘,3,6.0,0.5
E,江西/鹰潭/贵溪,撂荒,3,6.0,0.5
"""


def test_land_use_is_read_from_the_crop_when_the_sheet_has_none(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(SHEET, encoding="utf-8")
    v = validate_plots(str(p))
    assert v.plots.set_index("plot_id")["land_use"].to_dict() == {
        "A": "paddy", "B": "upland", "C": "vegetable", "D": "orchard"}
    assert v.rejected["地块编号"].tolist() == ["E"]
    assert len(v.plots) + len(v.rejected) == 5
    note = v.problems.loc[v.problems["problem_msg"].str.contains("val.land_use_from_crop", regex=False)]
    assert len(note) == 1 and note["severity"].iloc[0] == "warning"
    assert note["problem"].iloc[0].startswith("no land-use column: each plot's land use is read from its crop "
                                              "('种植作物'): rice → paddy")
    plan = agriremed.plan(str(p), agriremed.Scenario(mc_draws=0), progress=False)
    assert plan.summary.set_index("plot_id").loc["A", "land_use"] == "paddy"


def test_a_land_use_column_is_kept(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg\nA,Hunan/Zhuzhou,upland,rapeseed,0.2,6.0,0.5\n",
                 encoding="utf-8")
    v = validate_plots(str(p))
    assert v.plots["land_use"].tolist() == ["upland"]
    assert not v.problems["problem_msg"].fillna("").str.contains("val.land_use_from_crop", regex=False).any()
    # without a crop column either, the land-use column is still required
    q = tmp_path / "q.csv"
    q.write_text("plot_id,region,area_ha,ph,cd_mg_kg\nA,Hunan/Zhuzhou,0.2,6.0,0.5\n", encoding="utf-8")
    assert pd.Series(validate_plots(str(q)).problems["problem"]).str.contains(
        "required column land_use is missing").any()
