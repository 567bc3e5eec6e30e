"""safe-soil never leaves a blank safe pH unexplained: a plot on which the function used does not change with pH
(maize above pH 8) gets the same kind of note as a plot whose safe pH lies beyond the function's pH range, in
English and Chinese, in safe_soil.csv and on the console (issue 15: no silent gaps)."""

import pandas as pd
import pytest

from agriremed.apps.cli import main
from agriremed.core import messages
from agriremed.stages.uptake import safe_thresholds

ALK = "synth_maize_cd_ph_alkaline"


def _beyond(fid):
    """The note's part on the median threshold, 14.4 mg/kg at pH 8 and above, beyond the soil range 0.05–10."""
    return (f"; safe soil threshold at probability 0.5 (14.4 mg/kg) lies outside the soil Cd range of {fid} "
            "(0.05–10 mg/kg): extrapolated beyond the data of the function, not clipped")


def _beyond_zh(fid):
    return f"；达标概率0.5的安全土壤阈值（14.4 mg/kg）超出{fid}的土壤镉适用范围（0.05–10 mg/kg）：为超出该函数数据范围的外推值，未截断"


def _maize():
    return pd.DataFrame({"plot_id": ["m80", "m85", "m90", "m80low", "m85low"], "region": "Henan/Xinxiang",
                         "land_use": "upland", "crop": "maize", "area_ha": 0.5, "ph": [8.0, 8.5, 9.0, 8.0, 8.5],
                         "som_pct": 2.0, "clay_pct": 25.0, "cd_mg_kg": [0.3, 0.3, 1.5, 0.2, 0.2]})


def test_every_maize_row_explains_its_safe_ph():
    t = safe_thresholds(_maize()).set_index("plot_id")
    assert t.loc["m80", "function_id"] == "synth_maize_cd_ph" and t.loc["m85", "function_id"] == ALK
    assert t.loc["m85", "safe_soil_mg_kg"] == pytest.approx(0.23302, rel=1e-4)
    assert t["safe_ph"].isna().tolist() == [True, True, True, False, True]
    assert t.loc["m80", "note"] == ("safe_ph: no pH up to 8 makes the crop meet the limit with probability 0.95 at "
                                    "this soil concentration (liming alone cannot)" + _beyond("synth_maize_cd_ph"))
    for pid in ("m85", "m90"):  # was blank
        assert t.loc[pid, "note"] == (
            "safe_ph: no pH makes the crop meet the limit with probability 0.95 at this soil concentration (liming "
            f"alone cannot): {ALK} does not change with pH, and no higher pH lowers the prediction" + _beyond(ALK))
        assert messages.render(t.loc[pid, "note_msg"], "zh") == (
            "安全pH：在此土壤含量下，任何pH都不能使作物以0.95的概率达到限量（仅靠施石灰无法达标）："
            f"{ALK}的预测不随pH变化，更高的pH也不会降低预测值" + _beyond_zh(ALK))
    assert t.loc["m80low", "note"] == "safe_ph: complies at this pH or above" + _beyond("synth_maize_cd_ph")
    assert t.loc["m85low", "note"] == ("safe_ph: the crop meets the limit with probability 0.95 at this soil "
                                       f"concentration; {ALK} does not change with pH, so liming changes nothing"
                                       + _beyond(ALK))
    assert messages.render(t.loc["m80", "note_msg"], "zh") == (
        "安全pH：在此土壤含量下，pH升至8仍不能使作物以0.95的概率达到限量（仅靠施石灰无法达标）"
        + _beyond_zh("synth_maize_cd_ph"))
    assert t["extrapolated"].tolist() == [True] * 5  # the median threshold, 14.4 mg/kg, is beyond 0.05–10


def test_the_console_says_why_the_safe_ph_is_blank(tmp_path, capsys):
    path = tmp_path / "maize.csv"
    _maize().to_csv(path, index=False)
    assert main(["safe-soil", str(path), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert ("地块m85（镉）：安全pH：在此土壤含量下，任何pH都不能使作物以0.95的概率达到限量（仅靠施石灰无法达标）："
            f"{ALK}的预测不随pH变化") in out
    assert "地块m80（镉）：安全pH：在此土壤含量下，pH升至8仍不能" in out
    assert main(["safe-soil", str(path)]) == 0
    out = capsys.readouterr().out
    assert "plot m85 (cd): safe_ph: no pH makes the crop meet the limit" in out
    assert "plot m80low" not in out
