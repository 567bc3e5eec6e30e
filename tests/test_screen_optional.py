"""Soil screening needs land use, pH and metals, not a crop the planner knows: rows with an unknown
crop (黄精, 香蕉树), a crop group (粮食) or no crop column are screened, their crop problems warned; a plan
rejects the crop group and plans the crops it does not know as crops not modelled."""

import pandas as pd

from agriremed.apps.cli import main
from agriremed.io.validate import validate_plots

SHEET = """地块编号,行政区,土地利用,作物,面积（亩）,pH,镉（mg/kg）
A,广西/河池/环江,旱地,黄精,3,7.6,1.8
B,广西/河池/环江,旱地,香蕉树,3,7.4,4.2
C,广西/河池/环江,旱地,粮食,3,7.2,0.5
D,广西/河池/环江,水田,水稻,3,6.8,0.9
"""


def test_screen_classes_plots_whose_crop_is_not_planned(tmp_path, capsys):
    p = tmp_path / "s.csv"
    p.write_text(SHEET, encoding="utf-8")
    assert main(["screen", str(p), "--out", str(tmp_path / "o")]) == 0
    classes = pd.read_csv(tmp_path / "o" / "soil_classes.csv").set_index("plot_id")["soil_class"]
    assert classes.to_dict() == {"A": "safe_utilisation", "B": "strict_control", "C": "safe_utilisation",
                                 "D": "safe_utilisation"}
    # the plan needs the crop: a crop group (粮食) and a cell naming a known crop in another form (香蕉树: write
    # 香蕉) are rejected there, with their reason; 黄精 is planned as a crop not modelled
    v = validate_plots(str(p))
    assert v.rejected["地块编号"].tolist() == ["B", "C"]
    assert v.plots["crop_as_written"].tolist()[0] == "黄精" and pd.isna(v.plots["crop_as_written"].iloc[1])
    soft = validate_plots(str(p), optional=("crop", "area_ha"))
    assert soft.rejected.empty and len(soft.plots) == 4
    assert "error" not in set(soft.problems.loc[soft.problems["column"] == "crop", "severity"])


def test_screen_without_a_crop_column(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("plot_id,region,land_use,ph,cd_mg_kg\nA,Hunan/Zhuzhou,paddy,5.0,0.6\n", encoding="utf-8")
    assert main(["screen", str(p), "--out", str(tmp_path / "o")]) == 0
    assert pd.read_csv(tmp_path / "o" / "soil_classes.csv")["soil_class"].tolist() == ["safe_utilisation"]


def test_validate_speaks_chinese_under_lang_zh(tmp_path, capsys):
    p = tmp_path / "s.csv"
    p.write_text(SHEET, encoding="utf-8")
    assert main(["validate", str(p), "--lang", "zh", "--out", str(tmp_path / "v")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("读取4行：有效2行，拒绝2行；错误2条，警告")
    assert any(x.startswith("  警告：第1条记录（文件第2行，地块A），列当前作物：值'黄精'——作物库中没有“黄精”") for x in out)
    probs = pd.read_csv(tmp_path / "v" / "problems.csv")
    assert probs.loc[probs["plot_id"] == "A", "problem"].iloc[0].startswith("作物库中没有“黄精”：按“未建模作物”规划")
    # header only read under another name: a note, not a warning
    assert set(probs.loc[probs["problem_msg"].str.contains("val.header_read", regex=False), "severity"]) == {"note"}
