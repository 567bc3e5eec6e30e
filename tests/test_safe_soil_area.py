"""`agriremed safe-soil` does not need the plot area: the safe soil threshold depends on the crop, pH, metal and
the uptake function's covariates, not on how large the plot is (before, every row without area_ha was rejected
with "required column area_ha is missing"). A plan still needs it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agriremed.apps.cli import main

SHEET = """plot_id,region,land_use,crop,ph,cd_mg_kg,som_pct,clay_pct
A,Hunan/Xiangtan,paddy,rice,4.5,0.5,3,30
B,Hunan/Xiangtan,paddy,rice,5.5,0.5,3,30
C,Hunan/Xiangtan,paddy,rice,6.5,0.5,3,30
D,Hunan/Xiangtan,paddy,rice,7.5,0.5,3,30
E,Henan/Jiyuan,upland,wheat,8.2,0.5,2,20
F,Guangxi/Baise,upland,maize,7.4,1.4,4,35
"""


def test_safe_soil_runs_without_area_and_gives_the_same_thresholds(tmp_path, capsys):
    no_area = tmp_path / "no_area.csv"
    no_area.write_text(SHEET, encoding="utf-8")
    with_area = tmp_path / "with_area.csv"
    pd.read_csv(no_area).assign(area_ha=1.0).to_csv(with_area, index=False)
    assert main(["safe-soil", str(no_area), "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "6 row(s): 6 assessed, 0 rejected" in out
    assert "required column area_ha is missing" not in out
    assert main(["safe-soil", str(with_area), "--out", str(tmp_path / "b")]) == 0
    a = pd.read_csv(tmp_path / "a" / "safe_soil.csv", encoding="utf-8-sig")
    b = pd.read_csv(tmp_path / "b" / "safe_soil.csv", encoding="utf-8-sig")
    assert a["plot_id"].tolist() == ["A", "B", "C", "D", "E", "F"]
    assert pd.read_csv(tmp_path / "a" / "rejected.csv", encoding="utf-8-sig").empty
    np.testing.assert_allclose(a["safe_soil_p50_mg_kg"], b["safe_soil_p50_mg_kg"])
    # the Hunan rice synthesis at the median: 10^((log10 0.2 − 0.6753 + 0.22975 pH) / 0.4305) mg/kg
    med = a.set_index("plot_id")["safe_soil_p50_mg_kg"]
    for plot, ph in (("A", 4.5), ("B", 5.5), ("C", 6.5), ("D", 7.5)):
        assert med[plot] == pytest.approx(10 ** ((np.log10(0.2) - 0.6753 + 0.22975 * ph) / 0.4305), rel=1e-4)


def test_a_plan_still_needs_the_area(tmp_path, capsys):
    no_area = tmp_path / "no_area.csv"
    no_area.write_text(SHEET, encoding="utf-8")
    assert main(["plan", str(no_area), "--out", str(tmp_path / "p"), "--draws", "0"]) != 0
    assert "area_ha" in capsys.readouterr().out
