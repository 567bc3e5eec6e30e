"""Values below the detection limit in county lab sheets ('<0.05', '＜0.05', '<0.05mg/kg', 'ND', '未检出'):
a soil metal planned at its limit where the limit decides the soil class, a row rejected where it cannot,
'ND' without a limit read as not measured, a harvest value compared with the food limit as an upper bound."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.engine.stream import plan_stream

_HEAD = "plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg,pb_mg_kg\n"


def _write(tmp_path: Path, text: str, name: str = "plots.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("cell", ["<0.05", "＜0.05", "< 0.05", "<0.05mg/kg"])
def test_soil_cd_below_the_limit_is_planned_at_the_limit(tmp_path, cell):
    p = _write(tmp_path, _HEAD + f"A,湖南/株洲/渌口,paddy,rice,0.5,5.0,{cell},30\n")
    v = agriremed.validate_plots(p)
    assert v.errors.empty and v.plots["cd_mg_kg"].tolist() == [0.05]
    assert v.plots["censored_metals"].tolist() == ["cd"]
    w = v.problems.loc[v.problems["column"] == "cd_mg_kg"]
    assert w["severity"].tolist() == ["warning"] and w["value"].tolist() == [cell] and w["line"].tolist() == [2]
    assert w["problem"].tolist() == ["below the detection limit 0.05 mg/kg: planned at 0.05, an upper bound (at or "
                                     "below the Cd screening value 0.3 mg/kg of the land use at the row's pH 5: the "
                                     "soil class is decided)"]
    assert messages.render(w["problem_msg"].iloc[0], "zh") == (
        "低于检出限0.05 mg/kg：按0.05（上限值）规划（不高于该用地类型在本行pH 5下的镉筛选值0.3 mg/kg，土壤类别可以确定）")
    s = agriremed.plan(p, agriremed.Scenario(mc_draws=0)).summary
    assert s["soil_class"].tolist() == ["priority_protection"]
    assert s["censored_metals"].tolist() == ["cd"]
    cols = s.columns.tolist()
    assert cols.index("censored_metals") == cols.index("metals_exceeding") + 1
    assert len(s) + 0 == v.n_input == 1


def test_limit_above_the_screening_value_rejects_the_row(tmp_path):
    p = _write(tmp_path, _HEAD + "A,湖南/株洲/渌口,paddy,rice,0.5,5.0,<0.5,30\nB,湖南/株洲/渌口,paddy,rice,0.5,5.0,0.2,30\n")
    v = agriremed.validate_plots(p)
    assert v.rejected["input_row"].tolist() == [1] and v.plots["plot_id"].tolist() == ["B"]
    e = v.errors
    assert e["column"].tolist() == ["cd_mg_kg"] and e["line"].tolist() == [2] and e["value"].tolist() == ["<0.5"]
    assert e["problem"].tolist() == ["below the detection limit 0.5 mg/kg, which is above the Cd screening value "
                                     "0.3 mg/kg of the land use at the row's pH 5: the soil class cannot be decided "
                                     "from this cell"]
    assert messages.render(e["problem_msg"].iloc[0], "zh") == (
        "低于检出限0.5 mg/kg，但检出限高于该用地类型在本行pH 5下的镉筛选值0.3 mg/kg：无法据此确定土壤类别")
    assert len(v.plots) + len(v.rejected) == v.n_input == 2
    # the column is there (the row with the limit was rejected): no plot is planned at a limit
    assert v.plots["censored_metals"].isna().all()


def test_not_detected_without_a_limit_is_not_measured(tmp_path):
    p = _write(tmp_path, _HEAD + "A,湖南/株洲/渌口,paddy,rice,0.5,5.0,ND,30\nB,湖南/株洲/渌口,paddy,rice,0.5,5.0,,30\n")
    v = agriremed.validate_plots(p)
    assert v.errors.empty and len(v.plots) == 2 and v.plots["cd_mg_kg"].isna().all()
    w = v.warnings.loc[v.warnings["column"] == "cd_mg_kg"]
    assert w["input_row"].tolist() == [1]
    assert w["problem"].iloc[0].startswith("not detected, no detection limit given: treated as not measured")
    s = agriremed.plan(p, agriremed.Scenario(mc_draws=0)).summary
    # as an empty cell, with a note that the class does not consider the metal
    assert s["recommendation"].iloc[0] == s["recommendation"].iloc[1].replace("plot B", "plot A") + (
        " Cd in the soil given as not detected without a detection limit: treated as not measured, the soil class "
        "does not consider Cd; give the laboratory's detection limit (e.g. <0.05) and plan again.")
    assert "censored_metals" not in s
    assert s["not_detected_metals"].tolist() == ["cd", None]


def _crop_sheet(tmp_path, cell):
    return _write(tmp_path, "plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg,crop_cd_mg_kg\n"
                            f"A,湖南/株洲/渌口,paddy,rice,0.5,5.0,0.2,{cell}\n")


def test_harvest_below_a_limit_under_the_food_limit_complies(tmp_path):
    p = _crop_sheet(tmp_path, "<0.02")
    v = agriremed.validate_plots(p)
    assert v.errors.empty and v.plots["crop_cd_mg_kg"].tolist() == [0.02]
    assert v.plots["crop_censored_metals"].tolist() == ["cd"]
    r = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    s = r.summary
    assert s["crop_measured_exceeds"].tolist() == [""]  # compared: not above the limit
    assert ("Measured Cd in the harvest is below the detection limit 0.02 mg/kg, within the GB2762 limit 0.2 mg/kg: "
            "the harvest complies") in s["recommendation"].iloc[0]
    zh = messages.render(s["recommendation_msg"].iloc[0], "zh")
    assert "农产品实测镉低于检出限0.02 mg/kg，未超过GB2762限量0.2 mg/kg：农产品达标" in zh


def test_harvest_limit_above_the_food_limit_is_not_comparable(tmp_path):
    s = agriremed.plan(_crop_sheet(tmp_path, "<0.5"), agriremed.Scenario(mc_draws=0)).summary
    assert pd.isna(s["crop_measured_exceeds"].iloc[0])  # not compared
    assert ("Measured Cd in the harvest is below the detection limit 0.5 mg/kg, which is above the GB2762 limit "
            "0.2 mg/kg: not comparable; measure it with a detection limit at or below 0.2 mg/kg.") \
        in s["recommendation"].iloc[0]


def test_harvest_below_a_limit_in_a_dry_weight_column(tmp_path):
    """'<0.02' in a dry-weight column: on a cereal row the limit is compared with the dry-weight tail, on a
    vegetable row the value is not used (only the dry-weight warning, no below-limit one)."""
    p = _write(tmp_path, "plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg,糙米镉（mg/kg，干重）\n"
                         "A,湖南/株洲/渌口,paddy,rice,0.5,5.0,0.5,<0.02\n"
                         "B,湖南/株洲/渌口,paddy,rice,0.5,5.0,0.5,<0.5\n"
                         "C,湖南/株洲/渌口,upland,vegetables,0.5,5.0,0.5,<0.02\n")
    v = agriremed.validate_plots(p)
    np.testing.assert_allclose(v.plots["crop_cd_mg_kg"].to_numpy(float), [0.02, 0.5, np.nan])
    assert v.plots["crop_dry_weight_metals"].tolist()[:2] == ["cd", "cd"]
    assert v.plots["crop_censored_metals"].tolist()[:2] == ["cd", "cd"]
    assert pd.isna(v.plots["crop_dry_weight_metals"].iloc[2]) and pd.isna(v.plots["crop_censored_metals"].iloc[2])
    w = v.problems.loc[(v.problems["column"] == "crop_cd_mg_kg") & v.problems["line"].notna()]
    assert w["line"].tolist() == [2, 3, 4]
    assert w["problem"].iloc[2].startswith("column '糙米镉（mg/kg，干重）' gives a dry-weight value")
    s = agriremed.plan(p, agriremed.Scenario(mc_draws=0)).summary
    assert s["crop_measured_exceeds"].iloc[0] == "" and pd.isna(s["crop_measured_exceeds"].iloc[1])
    assert pd.isna(s["crop_measured_exceeds"].iloc[2])
    assert ("Measured Cd in the harvest is below the detection limit 0.02 mg/kg (dry weight; conservative), within "
            "the GB2762 limit 0.2 mg/kg: the harvest complies") in s["recommendation"].iloc[0]
    assert ("Measured Cd in the harvest is below the detection limit 0.5 mg/kg (dry weight; conservative), which is "
            "above the GB2762 limit 0.2 mg/kg: not comparable") in s["recommendation"].iloc[1]
    assert "Measured Cd in the harvest" not in s["recommendation"].iloc[2]
    zh = messages.render(s["recommendation_msg"].iloc[0], "zh")
    assert "农产品实测镉低于检出限0.02 mg/kg（干重；保守值），未超过GB2762限量0.2 mg/kg：农产品达标" in zh


def test_detection_limits_and_lowest_screening_numbers():
    from agriremed.io.validate import detection_limits, lowest_screening

    lim, unit = detection_limits(pd.Series(["<0.05", "＜0.05", "<0.05mg/kg", "0.05L", "未检出（＜0.05）", "ND", "<DL",
                                            "<abc"]))
    np.testing.assert_allclose(lim, [0.05] * 5 + [np.nan] * 3)
    assert unit.tolist() == [False, False, True, False, False, False, False, False]
    t = load_tables()
    # GB 15618-2018 Cd: 0.3 on paddy and upland (pH ≤ 5.5); Pb: 80 paddy, 70 upland (pH ≤ 5.5)
    np.testing.assert_allclose(lowest_screening(t, "cd", ["paddy", "upland", None]), [0.3, 0.3, 0.3])
    np.testing.assert_allclose(lowest_screening(t, "pb", ["paddy", "upland", None]), [80.0, 70.0, 70.0])


def test_streamed_in_chunks_as_read_whole(tmp_path):
    """The same plots, problems and censored_metals read whole and in chunks of one row (the column is in
    every chunk's summary, also in chunks without such a value)."""
    p = _write(tmp_path, _HEAD + "A,湖南/株洲/渌口,paddy,rice,0.5,5.0,0.2,30\nB,湖南/株洲/渌口,paddy,rice,0.5,5.0,<0.05,30\n"
                                 "C,湖南/株洲/渌口,paddy,rice,0.5,5.0,<0.5,30\nD,湖南/株洲/渌口,paddy,rice,0.5,5.0,ND,30\n")
    whole = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    r = plan_stream(p, agriremed.Scenario(mc_draws=0), out=tmp_path / "out", chunk_size=1, fmt="csv", progress=False)
    assert r.summary["plot_id"].tolist() == whole.summary["plot_id"].tolist() == ["A", "B", "D"]
    assert r.summary["censored_metals"].fillna("").tolist() == ["", "cd", ""]
    assert r.rejected["input_row"].tolist() == [3]
    written = pd.read_csv(tmp_path / "out" / "summary.csv", keep_default_na=False)
    assert written["censored_metals"].tolist() == ["", "cd", ""]
    assert len(r.summary) + len(r.rejected) == 4
    got = r.problems.loc[r.problems["column"] == "cd_mg_kg", ["input_row", "severity"]]
    assert got.values.tolist() == [[2, "warning"], [3, "error"], [4, "warning"]]


def test_the_limit_is_compared_with_the_screening_value_of_the_rows_own_ph(tmp_path):
    """Paddy Cd screening values 0.3 / 0.4 / 0.6 / 0.8 (pH ≤ 5.5 / ≤ 6.5 / ≤ 7.5 / > 7.5), dry land 0.6 above 7.5:
    '<0.5' at pH 7.8 decides the class (priority protection), at pH 5.0 it does not; on paddy–upland rotation
    land (稻-油) at pH 7.8 '<0.7' is above the stricter value 0.6; without a pH the lowest value 0.3 is used."""
    p = _write(tmp_path, "plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg,pb_mg_kg\n"
                         "ALK,江苏/徐州/邳州,paddy,rice,0.5,7.8,<0.5,30\n"
                         "ACID,江苏/徐州/邳州,paddy,rice,0.5,5.0,<0.5,30\n"
                         "ROT,江苏/徐州/邳州,paddy,稻-油,0.5,7.8,<0.7,30\n"
                         "ROT5,江苏/徐州/邳州,paddy,稻-油,0.5,7.8,<0.5,30\n"
                         "NOPH,江苏/徐州/邳州,paddy,rice,0.5,,<0.5,30\n")
    v = agriremed.validate_plots(p)
    assert v.plots["plot_id"].tolist() == ["ALK", "ROT5"]
    assert v.plots["cd_mg_kg"].tolist() == [0.5, 0.5] and v.plots["censored_metals"].tolist() == ["cd", "cd"]
    assert v.rejected["input_row"].tolist() == [2, 3, 5]
    pr = v.problems.loc[v.problems["column"] == "cd_mg_kg"].set_index("plot_id")
    assert pr.loc["ALK", "severity"] == "warning"
    assert pr.loc["ALK", "problem"] == ("below the detection limit 0.5 mg/kg: planned at 0.5, an upper bound (at or "
                                        "below the Cd screening value 0.8 mg/kg of the land use at the row's pH 7.8: "
                                        "the soil class is decided)")
    assert messages.render(pr.loc["ALK", "problem_msg"], "zh") == (
        "低于检出限0.5 mg/kg：按0.5（上限值）规划（不高于该用地类型在本行pH 7.8下的镉筛选值0.8 mg/kg，土壤类别可以确定）")
    assert pr.loc["ACID", "problem"] == ("below the detection limit 0.5 mg/kg, which is above the Cd screening value "
                                         "0.3 mg/kg of the land use at the row's pH 5: the soil class cannot be "
                                         "decided from this cell")
    assert pr.loc["ROT", "problem"] == ("below the detection limit 0.7 mg/kg, which is above the Cd screening value "
                                        "0.6 mg/kg of paddy–upland rotation land (the stricter of the paddy and "
                                        "dry-land values) at the row's pH 7.8: the soil class cannot be decided from "
                                        "this cell")
    assert messages.render(pr.loc["ROT", "problem_msg"], "zh") == (
        "低于检出限0.7 mg/kg，但检出限高于水旱轮作地（取水田与其他用地中较严格的筛选值）在本行pH 7.8下的镉筛选值0.6 mg/kg："
        "无法据此确定土壤类别")
    assert pr.loc["ROT5", "problem"].endswith("at or below the Cd screening value 0.6 mg/kg of paddy–upland rotation "
                                              "land (the stricter of the paddy and dry-land values) at the row's pH "
                                              "7.8: the soil class is decided)")
    noph = pr.loc[["NOPH"]]
    assert ("below the detection limit 0.5 mg/kg, which is above the lowest Cd screening value 0.3 mg/kg of the land "
            "use: the soil class cannot be decided from this cell") in noph["problem"].tolist()
    s = agriremed.plan(p, agriremed.Scenario(mc_draws=0), progress=False).summary.set_index("plot_id")
    assert s.loc["ALK", "soil_class"] == "priority_protection" and s.loc["ALK", "censored_metals"] == "cd"
    assert s.loc["ALK", "max_exceedance_ratio"] == pytest.approx(0.5 / 0.8)
    assert s.loc["ROT5", "max_exceedance_ratio"] == pytest.approx(0.5 / 0.6)
    streamed = plan_stream(p, agriremed.Scenario(mc_draws=0), chunk_size=2, progress=False)
    assert streamed.summary["plot_id"].tolist() == ["ALK", "ROT5"]
    assert streamed.rejected["input_row"].tolist() == [2, 3, 5]


def test_band_screening_numbers():
    from agriremed.io.validate import band_screening

    t = load_tables()
    got = band_screening(t, "cd", ["paddy", "paddy", "paddy", "upland", "paddy", None],
                         [7.8, 5.5, 5.51, 7.8, np.nan, 7.0], [False, False, False, False, False, False])
    np.testing.assert_allclose(got, [0.8, 0.3, 0.4, 0.6, np.nan, 0.3])
    np.testing.assert_allclose(band_screening(t, "cd", ["paddy", "upland"], [7.0, 7.0], [True, True]), [0.3, 0.3])
    np.testing.assert_allclose(band_screening(t, "pb", ["paddy"], [7.8], [True]), [170.0])
