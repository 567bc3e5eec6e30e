"""Double-cropped rice (双季稻): the per-plot number of rice seasons a year.

A plot of two rice seasons harvests, spends, emits and is sampled twice a year where
``rice_seasons.csv`` counts a quantity once a season; lime and other per-year items stay.
"""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.io.validate import validate_plots
from plotdata import make_plots

ANNUITY = (1 - 1.06 ** -20) / 0.06    # 20 yr at 6 %: 11.4699


# --------------------------------------------------------------------------- the column
def test_double_rice_crop_sets_two_seasons_and_a_note():
    v = validate_plots(make_plots(2, crop=["双季稻", "水稻"]))
    assert v.plots["crop"].tolist() == ["rice", "rice"]
    assert v.plots["rice_seasons_per_yr"].tolist()[0] == 2.0 and np.isnan(v.plots["rice_seasons_per_yr"][1])
    note = v.problems.loc[v.problems["input_row"] == 1, "problem"].iloc[0]
    assert note.startswith("read as rice, planned as TWO rice seasons a year")
    assert "ONE rice season" not in " ".join(v.problems["problem"])


@pytest.mark.parametrize("header", ["水稻季数", "种植季数", "复种指数", "rice_seasons_per_yr"])
def test_seasons_read_from_a_chinese_header(header):
    df = make_plots(2, crop=["水稻", "rice"])
    df[header] = [2, 1]
    v = validate_plots(df)
    assert v.plots["rice_seasons_per_yr"].tolist() == [2.0, 1.0]
    assert not (v.problems["severity"] == "error").any()


@pytest.mark.parametrize("value, problem", [(3, "above the valid range"), (0, "below the valid range"),
                                            (1.5, "not a whole number"), ("两季", "not a number")])
def test_an_invalid_number_of_seasons_rejects_its_row(value, problem):
    df = make_plots(3)
    df["水稻季数"] = pd.Series([2, value, 1], dtype=object)
    v = validate_plots(df)
    assert v.plots["plot_id"].tolist() == ["P1", "P3"]
    assert v.rejected["input_row"].tolist() == [2]
    err = v.problems.loc[v.problems["severity"] == "error"].iloc[0]
    assert (err["input_row"], err["plot_id"], err["column"]) == (2, "P2", "rice_seasons_per_yr")
    assert err["problem"].startswith(problem)
    assert err["expected"] == "1 (one rice season a year) or 2 (double-cropped rice, 双季稻: early + late rice)"


def test_invalid_seasons_in_a_file_name_the_line(tmp_path):
    f = tmp_path / "plots.csv"
    df = make_plots(2)
    df["水稻季数"] = [2, 4]
    df.to_csv(f, index=False)
    v = validate_plots(f)
    err = v.problems.loc[v.problems["severity"] == "error"].iloc[0]
    assert (err["input_row"], err["line"], err["column"], err["value"]) == (2, 3, "rice_seasons_per_yr", "4")


def test_double_rice_with_one_season_is_an_error_and_seasons_on_maize_are_ignored():
    df = make_plots(2, crop=["早稻+晚稻", "maize"], land_use=["paddy", "upland"])
    df["rice_seasons_per_yr"] = [1, 2]
    v = validate_plots(df)
    assert v.rejected["input_row"].tolist() == [1]
    err = v.problems.loc[v.problems["severity"] == "error"].iloc[0]
    assert err["column"] == "crop, rice_seasons_per_yr" and err["value"] == "早稻+晚稻, 1"
    warn = v.problems.loc[(v.problems["input_row"] == 2) & (v.problems["column"] == "rice_seasons_per_yr")]
    assert warn["severity"].tolist() == ["warning"]
    assert warn["problem"].iloc[0].startswith("rice seasons given for a plot that grows no rice: ignored")
    assert np.isnan(v.plots["rice_seasons_per_yr"].iloc[0])
