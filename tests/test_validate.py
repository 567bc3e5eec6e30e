"""Validation names row, column and expectation; valid rows are kept; nothing is dropped silently."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agriremed.validate import normalise_header, validate_plots

BAD = Path(__file__).parent / "bad_inputs"


def test_the_four_problems_are_all_named():
    v = validate_plots(BAD / "four_problems.csv")
    e = v.errors.set_index("input_row")
    assert e.loc[1, "column"] == "cd_mg_kg" and "negative" in e.loc[1, "problem"]
    assert e.loc[2, "column"] == "ph" and "above the valid range" in e.loc[2, "problem"]
    assert e.loc[2, "expected"] == "a number ≥ 2 and ≤ 11"
    assert e.loc[3, "column"] == "ph" and e.loc[3, "problem"] == "not a number" and e.loc[3, "value"] == "abc"
    assert e.loc[4, "column"] == "plot_id" and "blank" in e.loc[4, "problem"]
    assert len(v.errors) == 4
    assert v.plots["plot_id"].tolist() == ["A-05", "A-06"]
    assert v.rejected["input_row"].tolist() == [1, 2, 3, 4]
    assert len(v.plots) + len(v.rejected) == v.n_input == 6
    msgs = "\n".join(v.messages())
    assert "row 2 (line 3, plot A-02), column ph: value '15'" in msgs
    assert v.rejected["line"].tolist() == [2, 3, 4, 5]


def test_valid_sample_has_no_problem(sample_plots_path):
    v = validate_plots(sample_plots_path)
    assert v.ok and len(v.problems) == 0 and len(v.plots) == 16


def test_values_are_never_clipped(plots_factory):
    v = validate_plots(plots_factory(2, ph=[11.0, 11.01]))
    assert v.plots["ph"].tolist() == [11.0]
    assert v.rejected["input_row"].tolist() == [2]


def test_unusual_values_warn_but_are_kept(plots_factory):
    v = validate_plots(plots_factory(1, cd_mg_kg=250.0))
    assert v.ok and len(v.plots) == 1
    assert v.warnings["column"].tolist() == ["cd_mg_kg"]
    assert v.plots.loc[0, "cd_mg_kg"] == 250.0


def test_zero_concentration_is_an_error(plots_factory):
    v = validate_plots(plots_factory(1, cd_mg_kg=0.0))
    assert "zero or negative" in v.errors["problem"].iloc[0]


def test_missing_metals_are_not_measured_but_a_row_needs_one(plots_factory):
    v = validate_plots(plots_factory(2, cd_mg_kg=[np.nan, 0.5], pb_mg_kg=[np.nan, np.nan]))
    assert v.plots["plot_id"].tolist() == ["P2"]
    assert "no metal concentration" in v.errors["problem"].iloc[0]
    assert np.isnan(v.plots.loc[0, "pb_mg_kg"])


def test_duplicate_ids_reject_all_copies(plots_factory):
    v = validate_plots(plots_factory(3, plot_id=["X", "Y", "X"]))
    assert v.plots["plot_id"].tolist() == ["Y"]
    assert set(v.errors["problem"]) == {"duplicate plot id (rows 1, 3)"}


def test_land_use_and_crop_spellings_are_mapped_and_reported(plots_factory):
    v = validate_plots(plots_factory(3, land_use=["水田", "Paddy", "paddy"], crop=["水稻", "Rice", "rice"]))
    assert v.plots["land_use"].tolist() == ["paddy"] * 3
    assert v.plots["crop"].tolist() == ["rice"] * 3
    assert len(v.warnings) == 4 and v.ok


def test_unknown_land_use_and_crop(plots_factory):
    v = validate_plots(plots_factory(2, land_use=["forest", "paddy"], crop=["rice", "durian"]))
    assert v.errors[["input_row", "column"]].values.tolist() == [[1, "land_use"], [2, "crop"]]
    assert "one of paddy" in v.errors["expected"].iloc[0]


def test_text_decimal_comma_is_explained(plots_factory):
    df = plots_factory(1).astype(object)
    df.loc[0, "ph"] = "5,6"
    v = validate_plots(df)
    assert "decimal comma" in v.errors["problem"].iloc[0]


def test_missing_required_column_rejects_every_row(plots_factory):
    v = validate_plots(plots_factory(3).drop(columns=["ph"]))
    assert len(v.plots) == 0 and len(v.rejected) == 3
    assert "required column ph is missing" in set(v.errors["problem"])
    assert v.rejected["reasons"].str.contains("required column ph is missing").all()


def test_unknown_columns_are_kept(plots_factory):
    v = validate_plots(plots_factory(1, farmer="Li Wei"))
    assert "farmer" in v.plots.columns and v.plots.loc[0, "farmer"] == "Li Wei"
    assert v.warnings["column"].tolist() == ["farmer"]


def test_header_units_and_aliases():
    assert normalise_header("Cd (mg/kg)")[:2] == ("cd_mg_kg", 1.0)
    assert normalise_header("cd_ug_kg")[:2] == ("cd_mg_kg", 0.001)
    assert normalise_header("Pb_ppm")[:2] == ("pb_mg_kg", 1.0)
    assert normalise_header("pH")[0] == "ph"
    assert normalise_header("Cd")[2].endswith("(mg/kg assumed)")
    assert normalise_header("\ufeffplot_id")[0] == "plot_id"


def test_microgram_header_is_converted(plots_factory):
    df = plots_factory(1).rename(columns={"cd_mg_kg": "cd_ug_kg"})
    df["cd_ug_kg"] = 800.0
    v = validate_plots(df)
    assert v.plots.loc[0, "cd_mg_kg"] == pytest.approx(0.8)
    assert any("converted" in p for p in v.problems["problem"])


def test_gbk_encoded_file(tmp_path, plots_factory):
    df = plots_factory(1, land_use="水田", region="湖南/株洲")
    path = tmp_path / "gbk.csv"
    path.write_bytes(df.to_csv(index=False).encode("gbk"))
    v = validate_plots(path)
    assert v.ok and v.plots.loc[0, "region"] == "湖南/株洲"
    assert any("GB18030" in n for n in v.notes)


def test_excel_and_parquet(tmp_path, plots_factory):
    df = plots_factory(2)
    df.to_excel(tmp_path / "p.xlsx", index=False)
    df.to_parquet(tmp_path / "p.parquet")
    for name in ("p.xlsx", "p.parquet"):
        v = validate_plots(tmp_path / name)
        assert v.ok and v.plots["cd_mg_kg"].tolist() == [0.8, 0.8]


def test_empty_and_header_only_files(tmp_path):
    from agriremed.io import InputFileError

    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputFileError, match="empty"):
        validate_plots(tmp_path / "empty.csv")
    (tmp_path / "head.csv").write_text("plot_id,land_use,ph,area_ha,crop,cd_mg_kg\n")
    v = validate_plots(tmp_path / "head.csv")
    assert v.n_input == 0 and not v.ok
    assert "no data rows" in v.errors["problem"].iloc[0]
    assert isinstance(v.plots, pd.DataFrame)


def test_numbers_given_in_a_dataframe_keep_full_precision(plots_factory):
    v = validate_plots(plots_factory(1, area_ha=123456.7891, cd_mg_kg=0.123456789))
    assert v.plots.loc[0, "area_ha"] == 123456.7891
    assert v.plots.loc[0, "cd_mg_kg"] == 0.123456789


def test_basic_farmland_spellings_blanks_and_unknown_values(plots_factory):
    df = plots_factory(6, basic_farmland=["是", "否", "未知", "", "Yes", "maybe"])
    v = validate_plots(df)
    assert len(v.plots) == 6 and v.rejected.empty                  # an optional column never rejects
    assert v.plots["basic_farmland"].tolist() == ["yes", "no", "unknown", "unknown", "yes", "unknown"]
    pb = v.problems.loc[v.problems["column"] == "basic_farmland"]
    assert set(pb["severity"]) == {"warning"}
    assert "unknown value: treated as unknown" in pb["problem"].tolist()
    assert pb["problem"].str.startswith("read as").sum() == 4       # 是, 否, 未知, Yes
    assert normalise_header("永久基本农田")[0] == "basic_farmland"
