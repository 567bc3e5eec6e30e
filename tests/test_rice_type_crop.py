"""A crop cell that names the rice type (粳稻, 杂交稻, 籼稻) sets the plot's rice_type where the sheet
has no rice_type (the japonica factor applies), with a warning; a rice_type column is kept."""

import pandas as pd
import pytest

import agriremed
from agriremed.io.validate import validate_plots

SHEET = """地块编号,行政区,土地利用,作物,面积（亩）,pH,镉（mg/kg）
R1,湖南/株洲,水田,粳稻,3,6.0,0.5
R2,湖南/株洲,水田,杂交水稻,3,6.0,0.5
R3,湖南/株洲,水田,水稻,3,6.0,0.5
R4,湖南/株洲,水田,籼稻,3,6.0,0.5
"""


def test_rice_type_named_in_the_crop_cell_is_read(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(SHEET, encoding="utf-8")
    v = validate_plots(str(p))
    assert v.plots["crop"].tolist() == ["rice"] * 4
    assert v.plots["rice_type"].tolist()[:2] == ["japonica", "hybrid"] and pd.isna(v.plots["rice_type"].iloc[2])
    w = v.problems.loc[v.problems["problem_msg"].str.contains("val.rice_type_from_crop", regex=False)]
    assert w["plot_id"].tolist() == ["R1", "R2", "R4"]
    assert w["problem"].iloc[0] == ("read as japonica rice (rice_type = japonica): the grain Cd predicted is adjusted "
                                    "for the rice type")
    u = agriremed.plan(str(p), agriremed.Scenario(mc_draws=0), progress=False).uptake.set_index("plot_id")
    ratio = u.loc["R1", "crop_fw_p50_mg_kg"] / u.loc["R3", "crop_fw_p50_mg_kg"]
    assert ratio == pytest.approx(0.609, abs=0.001)  # the japonica factor of the packaged rice functions


def test_a_rice_type_column_is_kept_and_a_disagreement_warned(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("plot_id,region,land_use,crop,rice_type,area_ha,ph,cd_mg_kg\n"
                 "A,Hunan/Zhuzhou,paddy,粳稻,indica,0.2,6.0,0.5\n", encoding="utf-8")
    v = validate_plots(str(p))
    assert v.plots["rice_type"].tolist() == ["indica"]
    assert v.problems["problem_msg"].str.contains("val.rice_type_differs", regex=False).any()
