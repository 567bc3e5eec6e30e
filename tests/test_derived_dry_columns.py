"""Columns of a county sheet the plan does not read as measurements: an exceedance ratio (稻米镉超标倍数, 超标倍数,
Cd exceedance ratio) is a derived value, passed through with one warning; a metal measured in the harvest on a
dry-weight basis (糙米镉（mg/kg，干重）) is compared on the rows of a cereal as a conservative value and not used on
the rows of other crops; sample ids, dates and coordinates never stop the file."""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed as A
from agriremed.core.messages import Message, render
from agriremed.core.names import read_header
from agriremed.io.validate import validate_plots

HEAD = "plot_id,region,land_use,crop,area_ha,ph,som_pct"


def _problems(v, code: str) -> pd.DataFrame:
    """The problems of validation ``v`` whose message is ``code``."""
    p = v.problems
    return p[p["problem_msg"].map(lambda e: code in Message.decode(e).codes if isinstance(e, str) and e else False)]


def _zh(row) -> str:
    return render(Message.decode(row["problem_msg"]), "zh")


@pytest.mark.parametrize("header", ["稻米镉超标倍数", "镉超标倍数", "超标倍数", "最大超标倍数", "Cd exceedance ratio",
                                    "镉超标倍数（倍）", "超标倍数(镉)", "镉单项污染指数", "稻米镉是否超标"])
def test_exceedance_ratio_headers_are_derived_values_not_metal_columns(header):
    h = read_header(header)
    assert h.error is None and h.derived
    assert h.canonical not in ("cd_mg_kg", "crop_cd_mg_kg")
    assert "derived value" in h.note


@pytest.mark.parametrize("header, factor", [("糙米镉（mg/kg，干重）", 1.0), ("籽粒镉(mg/kg DW)", 1.0),
                                            ("蔬菜镉（干重，mg/kg）", 1.0), ("grain Cd (mg/kg dry weight)", 1.0),
                                            ("籽粒镉（μg/kg，干重）", 0.001)])
def test_dry_weight_crop_headers_are_read_and_marked(header, factor):
    h = read_header(header)
    assert (h.canonical, h.error, h.dry) == ("crop_cd_mg_kg", None, True)
    assert h.factor == pytest.approx(factor)
    assert not read_header("糙米镉（mg/kg）").dry and not read_header("蔬菜镉（鲜重，mg/kg）").dry


@pytest.fixture(scope="module")
def ratio_sheet(tmp_path_factory):
    f = tmp_path_factory.mktemp("ratio") / "hdr3.csv"
    f.write_text(f"{HEAD},镉（mg/kg）,镉超标倍数,as_mg_kg,稻米镉含量(mg/kg),稻米镉超标倍数,最大超标倍数,"
                 "Cd exceedance ratio\n"
                 "H3,Hunan/Changde/Shimen,paddy,rice,0.3,6.0,3.0,0.25,0.83,45,0.25,1.25,1.25,0.83\n"
                 "H4,Hunan/Changde/Shimen,paddy,rice,0.3,5.5,3.0,0.6,2.0,20,0.1,0.5,2.0,2.0\n",
                 encoding="utf-8")
    return f


def test_exceedance_ratio_columns_do_not_stop_the_file(ratio_sheet):
    v = validate_plots(str(ratio_sheet))
    assert v.rejected.empty and list(v.plots["plot_id"]) == ["H3", "H4"]
    assert v.plots["cd_mg_kg"].tolist() == [0.25, 0.6] and v.plots["crop_cd_mg_kg"].tolist() == [0.25, 0.1]
    derived = _problems(v, "val.header_derived")
    # one warning per column, none per row, none saying "not used by agriremed" for them
    assert sorted(derived["column"]) == sorted(["镉超标倍数", "稻米镉超标倍数", "最大超标倍数", "cd_exceedance_ratio"])
    assert derived["input_row"].isna().all() and (derived["severity"] == "warning").all()
    assert _problems(v, "val.unused_column").empty and v.errors.empty
    assert all("派生值" in _zh(r) and "超标倍数" in _zh(r) for _, r in derived.iterrows() if "超标" in r["column"])


def test_exceedance_ratio_columns_are_carried_to_the_outputs_unchanged(ratio_sheet):
    p = A.plan(str(ratio_sheet), seed=1)
    s = p.summary.set_index("plot_id")
    assert list(s.index) == ["H3", "H4"] and s["recommended_option"].notna().all()
    # passed through as written (text cells)
    assert s["稻米镉超标倍数"].tolist() == ["1.25", "0.5"] and s["镉超标倍数"].tolist() == ["0.83", "2.0"]
    assert s["最大超标倍数"].tolist() == ["1.25", "2.0"] and s["cd_exceedance_ratio"].tolist() == ["0.83", "2.0"]
    assert s.loc["H3", "crop_measured_exceeds"] == "cd"  # 0.25 > 0.2, from the measured value


@pytest.fixture(scope="module")
def dry_sheet(tmp_path_factory):
    f = tmp_path_factory.mktemp("dry") / "cm_dw.csv"
    f.write_text(f"{HEAD},cd_mg_kg,籽粒镉（mg/kg，干重）\n"
                 "E1,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,5.2,3.0,0.6,0.15\n"
                 "E2,Hunan/Zhuzhou/Lukou,upland,wheat,0.3,6.0,3.0,0.5,0.3\n"
                 "E3,Hunan/Zhuzhou/Lukou,vegetable,pak_choi,0.3,6.0,3.0,0.5,0.5\n"
                 "E4,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,5.2,3.0,0.6,\n", encoding="utf-8")
    return f


def test_dry_weight_column_is_used_on_cereal_rows_and_not_on_a_vegetable_row(dry_sheet):
    v = validate_plots(str(dry_sheet))
    assert len(v.plots) + len(v.rejected) == 4 and v.rejected.empty
    p = v.plots.set_index("plot_id")
    assert p["crop_cd_mg_kg"].tolist()[:2] == [0.15, 0.3] and p["crop_cd_mg_kg"].iloc[2:].isna().all()
    assert p["crop_dry_weight_metals"].tolist()[:2] == ["cd", "cd"] and p["crop_dry_weight_metals"].iloc[2:].isna().all()
    header = _problems(v, "val.header_crop_dry")
    assert len(header) == 1 and header["input_row"].isna().all() and header["severity"].tolist() == ["warning"]
    assert "保守" in _zh(header.iloc[0]) and "conservative" in header["problem"].iloc[0]
    row = _problems(v, "val.crop_dry_not_cereal")
    assert row["plot_id"].tolist() == ["E3"] and row["line"].tolist() == [4] and row["value"].tolist() == ["0.5"]
    assert row["severity"].tolist() == ["warning"] and "籽粒镉（mg/kg，干重）" in row["problem"].iloc[0]
    assert "fresh weight" in row["problem"].iloc[0] and "鲜重" in _zh(row.iloc[0])
    assert v.errors.empty


def test_dry_weight_value_is_compared_as_a_conservative_value(dry_sheet):
    p = A.plan(str(dry_sheet), seed=1)
    s = p.summary.set_index("plot_id")
    assert list(s.index) == ["E1", "E2", "E3", "E4"] and s["recommended_option"].notna().all()
    assert s.loc["E1", "crop_measured_exceeds"] == "" and s.loc["E2", "crop_measured_exceeds"] == "cd"  # 0.3 > 0.1
    assert pd.isna(s.loc["E3", "crop_measured_exceeds"]) and pd.isna(s.loc["E4", "crop_measured_exceeds"])
    assert "in the harvest 0.15 mg/kg (dry weight; conservative) is within the GB2762 limit 0.2 mg/kg" \
        in s.loc["E1", "recommendation"]
    assert "0.3 mg/kg (dry weight; conservative) is above the GB2762 limit 0.1 mg/kg" in s.loc["E2", "recommendation"]
    zh = render(Message.decode(s.loc["E1", "crop_measured_msg"]), "zh")
    assert "0.15 mg/kg（干重；保守值）" in zh
    assert "Measured Cd in the harvest" not in s.loc["E3", "recommendation"]


def test_as_sold_value_decides_on_its_row_and_the_dry_weight_value_is_a_note(tmp_path):
    f = tmp_path / "both.csv"
    f.write_text(f"{HEAD},cd_mg_kg,稻米镉含量(mg/kg),糙米镉（mg/kg，干重）\n"
                 "B1,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,5.2,3.0,0.6,0.18,0.21\n"
                 "B2,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,5.2,3.0,0.6,,0.3\n", encoding="utf-8")
    v = validate_plots(str(f))
    assert v.rejected.empty and v.errors.empty
    p = v.plots.set_index("plot_id")
    # B1: the value as sold; B2 (no value as sold): its dry-weight value, on a dry-weight basis
    assert p["crop_cd_mg_kg"].tolist() == [0.18, 0.3]
    assert pd.isna(p.loc["B1", "crop_dry_weight_metals"]) and p.loc["B2", "crop_dry_weight_metals"] == "cd"
    note = _problems(v, "val.crop_dry_beside_as_sold")
    assert note["plot_id"].tolist() == ["B1"] and note["severity"].tolist() == ["note"]
    assert note["value"].tolist() == ["0.18 | 0.21"]
    assert note["problem"].iloc[0] == ("this row gives crop_cd_mg_kg as sold in column '稻米镉含量(mg/kg)' (0.18 mg/kg) "
                                       "and on a dry-weight basis in column '糙米镉（mg/kg，干重）' (0.21 mg/kg): the "
                                       "value as sold is compared with the food limit; the dry-weight value is not used")
    assert _zh(note.iloc[0]).startswith("本行crop_cd_mg_kg在列'稻米镉含量(mg/kg)'中为商品值（0.18 mg/kg），"
                                        "在列'糙米镉（mg/kg，干重）'中为干重值（0.21 mg/kg）")
    assert len(_problems(v, "val.header_crop_dry")) == 1 and _problems(v, "val.unused_column").empty
    s = A.plan(str(f), seed=1).summary.set_index("plot_id")
    assert s.loc["B1", "crop_measured_exceeds"] == "" and "dry weight" not in s.loc["B1", "recommendation"]
    assert s.loc["B2", "crop_measured_exceeds"] == "cd"  # 0.3 > 0.2
    assert "0.3 mg/kg (dry weight; conservative) is above the GB2762 limit 0.2 mg/kg" in s.loc["B2", "recommendation"]


@pytest.fixture(scope="module")
def co_monitoring_sheet(tmp_path_factory):
    """A 协同监测 sheet: the rice rows fill a dry-weight rice column, the wheat rows an as-sold wheat column."""
    f = tmp_path_factory.mktemp("co") / "co.csv"
    f.write_text("地块编码,region,地类,作物,面积（亩）,土壤pH,镉（mg/kg）,糙米镉（mg/kg，干重）,小麦籽粒镉（mg/kg）\n"
                 "R1-稻,Anhui/Chuzhou/Tianchang,水田,水稻,3,6.8,0.52,0.12,\n"
                 "R1-麦,Anhui/Chuzhou/Tianchang,水田,小麦,3,6.8,0.52,,0.06\n"
                 "R2-稻,Anhui/Chuzhou/Tianchang,水田,水稻,2,6.2,0.35,0.15,\n"
                 "R2-麦,Anhui/Chuzhou/Tianchang,水田,小麦,2,6.2,0.35,,<0.02\n"
                 "R3,Anhui/Chuzhou/Tianchang,水田,水稻,2,6.0,0.42,0.18,\n"
                 "R4,Anhui/Chuzhou/Tianchang,水田,水稻,1,6.0,0.42,<0.02,\n"
                 "R5,Anhui/Chuzhou/Tianchang,旱地,小麦,1,7.0,0.45,0.3,0.08\n"
                 "R6,Anhui/Chuzhou/Tianchang,旱地,小麦,1,7.0,0.45,,0.12\n", encoding="utf-8")
    return f


def test_dry_weight_rice_column_beside_an_as_sold_wheat_column_is_used_row_by_row(co_monitoring_sheet):
    v = validate_plots(str(co_monitoring_sheet))
    assert v.rejected.empty and v.errors.empty
    p = v.plots.set_index("plot_id")
    assert p["crop_cd_mg_kg"].tolist() == [0.12, 0.06, 0.15, 0.02, 0.18, 0.02, 0.08, 0.12]
    dry = p["crop_dry_weight_metals"]
    assert dry[["R1-稻", "R2-稻", "R3", "R4"]].tolist() == ["cd"] * 4
    assert dry[["R1-麦", "R2-麦", "R5", "R6"]].isna().all()
    assert p["crop_censored_metals"][["R2-麦", "R4"]].tolist() == ["cd"] * 2
    assert p["crop_censored_metals"].drop(["R2-麦", "R4"]).isna().all()
    # R5 (wheat): the rice column names another crop; its value is not used, the wheat value as sold is
    other = _problems(v, "val.crop_col_other_crop")
    assert other["plot_id"].tolist() == ["R5"] and other["value"].tolist() == ["0.3"]
    assert _problems(v, "val.crop_dry_beside_as_sold").empty
    below = _problems(v, "val.below_dl_crop")
    assert below["plot_id"].tolist() == ["R2-麦", "R4"] and below["value"].tolist() == ["<0.02", "<0.02"]


def test_dry_weight_rice_values_beside_a_wheat_column_are_compared(co_monitoring_sheet):
    s = A.plan(str(co_monitoring_sheet), seed=1).summary.set_index("plot_id")
    assert s.loc[["R1-稻", "R2-稻", "R3", "R4"], "crop_measured_exceeds"].tolist() == [""] * 4
    assert s.loc[["R1-麦", "R2-麦", "R5", "R6"], "crop_measured_exceeds"].tolist() == ["", "", "", "cd"]  # 0.12 > 0.1
    assert "0.18 mg/kg (dry weight; conservative) is within the GB2762 limit 0.2 mg/kg" in s.loc["R3", "recommendation"]
    assert "below the detection limit 0.02 mg/kg" in s.loc["R4", "recommendation"]
    zh = render(Message.decode(s.loc["R1-稻", "crop_measured_msg"]), "zh")
    assert "0.12 mg/kg（干重；保守值）" in zh


def test_sample_ids_dates_and_coordinates_do_not_stop_the_file(tmp_path):
    f = tmp_path / "ids.csv"
    f.write_text("点位编号,样品编号,检测日期,采样日期,经度,纬度,region,land_use,crop,area_ha,ph,镉（mg/kg）\n"
                 "P1,S-001,2023-10-12,2023-09-30,112.95,27.83,Hunan/Xiangtan/Xiangtan,paddy,rice,0.3,5.5,0.5\n"
                 "P2,S-002,2023-10-12,2023-09-30,112.96,27.84,Hunan/Xiangtan/Xiangtan,paddy,rice,0.3,5.8,0.4\n",
                 encoding="utf-8")
    v = validate_plots(str(f))
    assert v.errors.empty and v.rejected.empty and v.plots["plot_id"].tolist() == ["P1", "P2"]
    assert v.plots["lon"].tolist() == [112.95, 112.96] and v.plots["lat"].tolist() == [27.83, 27.84]
    assert v.plots["检测日期"].tolist() == ["2023-10-12"] * 2 and v.plots["样品编号"].tolist() == ["S-001", "S-002"]
