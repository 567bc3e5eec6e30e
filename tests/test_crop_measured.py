"""Metals measured in the harvest (糙米镉, 籽粒镉, grain_cd_mg_kg …): read as crop_<metal>_mg_kg, every plot
planned from its soil as before, the measured value compared with the food limit of the plot's crop in the
summary (crop_measured_exceeds), the recommendation (EN and ZH) and the plot sheet; soil headers unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed as A
from agriremed.core.messages import Message, render
from agriremed.core.names import read_header
from agriremed.io.pairs import read_pair_header
from agriremed.io.validate import validate_plots
from agriremed.stages.advice import plot_advice

HEAD = "plot_id,region,land_use,crop,area_ha,ph,som_pct,cd_mg_kg"
ROWS = ("G1,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,5.2,3.0,0.6", "G2,Hunan/Zhuzhou/Lukou,paddy,rice,0.3,6.5,3.0,0.5")


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    d = tmp_path_factory.mktemp("grain")
    with_grain, without = d / "g.csv", d / "g_nocol.csv"
    with_grain.write_text(f"{HEAD},糙米镉（mg/kg）\n{ROWS[0]},0.35\n{ROWS[1]},0.08\n", encoding="utf-8")
    without.write_text(f"{HEAD}\n{ROWS[0]}\n{ROWS[1]}\n", encoding="utf-8")
    return A.plan(str(with_grain), seed=1), A.plan(str(without), seed=1)


def test_grain_column_is_read_and_every_plot_planned(plans):
    p, _ = plans
    s = p.summary.set_index("plot_id")
    assert list(s.index) == ["G1", "G2"]
    assert s["recommended_option"].notna().all()
    assert s.loc["G1", "crop_measured_exceeds"] == "cd"
    assert s.loc["G2", "crop_measured_exceeds"] == ""  # measured, within the limit
    cols = list(p.summary.columns)
    assert cols.index("crop_measured_exceeds") == cols.index("metals_not_assessed") + 1


def test_measurement_does_not_change_the_prediction(plans):
    p, q = plans
    a, b = p.summary.set_index("plot_id"), q.summary.set_index("plot_id")
    assert a["current_crop_compliance_prob"].to_list() == b["current_crop_compliance_prob"].to_list()
    assert a["recommended_option"].to_list() == b["recommended_option"].to_list()
    assert "crop_measured_exceeds" not in q.summary and "crop_measured_msg" not in q.summary


def test_sentence_compares_the_harvest_with_the_limit_en_zh(plans):
    p, _ = plans
    s = p.summary.set_index("plot_id")
    p1, p2 = (round(100 * float(s.loc[k, "current_crop_compliance_prob"])) for k in ("G1", "G2"))
    assert (p1, p2) == (43, 70)
    en1, en2 = s.loc["G1", "recommendation"], s.loc["G2", "recommendation"]
    assert en1.endswith("Measured Cd in the harvest 0.35 mg/kg is above the GB2762 limit 0.2 mg/kg "
                        "(the plan's prediction for the crop grown now: 43 % within the limit a season).")
    assert en2.endswith("Measured Cd in the harvest 0.08 mg/kg is within the GB2762 limit 0.2 mg/kg "
                        "(the plan's prediction for the crop grown now: 70 % within the limit a season).")
    zh1 = render(Message.decode(s.loc["G1", "recommendation_msg"]), "zh", p.tables)
    zh2 = render(Message.decode(s.loc["G2", "recommendation_msg"]), "zh", p.tables)
    assert zh1.endswith("农产品实测镉0.35 mg/kg，超过GB2762限量0.2 mg/kg（本方案对现种作物的预测：每季达标概率43 %）。")
    assert zh2.endswith("农产品实测镉0.08 mg/kg，未超过GB2762限量0.2 mg/kg（本方案对现种作物的预测：每季达标概率70 %）。")


def test_plot_sheet_shows_the_measured_harvest(plans):
    p, _ = plans
    en = plot_advice(p, "G1", "en").crop_lines
    zh = plot_advice(p, "G1", "zh").crop_lines
    assert en[-1] == ("Measured Cd in the harvest 0.35 mg/kg is above the GB2762 limit 0.2 mg/kg "
                      "(the plan's prediction for the crop grown now: 43 % within the limit a season).")
    assert zh[-1].startswith("农产品实测镉0.35 mg/kg，超过GB2762限量0.2 mg/kg")


@pytest.mark.parametrize("header, canonical, factor", [
    ("糙米镉（mg/kg）", "crop_cd_mg_kg", 1.0), ("稻米镉", "crop_cd_mg_kg", 1.0), ("籽粒镉", "crop_cd_mg_kg", 1.0),
    ("农产品镉含量（mg/kg）", "crop_cd_mg_kg", 1.0), ("大米镉", "crop_cd_mg_kg", 1.0),
    ("稻米中镉含量(mg/kg)", "crop_cd_mg_kg", 1.0), ("小麦籽粒铅（mg/kg）", "crop_pb_mg_kg", 1.0),
    ("玉米砷", "crop_as_mg_kg", 1.0), ("作物汞", "crop_hg_mg_kg", 1.0), ("grain_cd_mg_kg", "crop_cd_mg_kg", 1.0),
    ("rice_cd_mg_kg", "crop_cd_mg_kg", 1.0), ("crop Cd (mg/kg)", "crop_cd_mg_kg", 1.0),
    ("Cd_rice", "crop_cd_mg_kg", 1.0), ("Cd in rice (mg/kg)", "crop_cd_mg_kg", 1.0),
    ("wheat Cr (mg/kg)", "crop_cr_mg_kg", 1.0), ("crop_cd_mg_kg", "crop_cd_mg_kg", 1.0),
    ("大米镉（μg/kg）", "crop_cd_mg_kg", 0.001), ("rice_cd_ug_kg", "crop_cd_mg_kg", 0.001),
    ("糙米镉（mg/kg，鲜重）", "crop_cd_mg_kg", 1.0),
])
def test_crop_metal_headers(header, canonical, factor):
    h = read_header(header)
    assert h.error is None, h.error
    assert (h.canonical, h.factor) == (canonical, pytest.approx(factor, rel=1e-12))
    if header != canonical:  # the note says what the column is used for
        assert "measured in the harvest" in h.note and "fit-uptake" in h.note


@pytest.mark.parametrize("header, canonical", [
    ("镉（mg/kg）", "cd_mg_kg"), ("Cd (mg/kg)", "cd_mg_kg"), ("土壤镉", "cd_mg_kg"), ("cd_mg_kg", "cd_mg_kg"),
    ("土壤总铅（mg/kg）", "pb_mg_kg"), ("作物", "crop"), ("crop", "crop"), ("rice_type", "rice_type"),
])
def test_soil_and_crop_headers_unchanged(header, canonical):
    h = read_header(header)
    assert h.error is None and h.canonical == canonical


def test_soil_words_and_dry_weight_are_not_read_as_the_crop_as_sold():
    assert read_header("玉米地土壤镉").canonical != "crop_cd_mg_kg"
    h = read_header("grain Cd (mg/kg DW)")
    assert h.canonical == "crop_cd_mg_kg" and "dry-weight basis" in h.error


def test_ug_kg_values_converted_and_bad_cells_ignored():
    df = pd.DataFrame({"plot_id": ["G1", "G2", "G3"], "region": ["Hunan/Zhuzhou/Lukou"] * 3,
                       "land_use": ["paddy"] * 3, "crop": ["rice"] * 3, "area_ha": [0.3] * 3,
                       "ph": [5.2, 6.5, 6.0], "cd_mg_kg": [0.6, 0.5, 0.4], "大米镉（μg/kg）": ["350", "80", "<10"]})
    v = validate_plots(df)
    assert v.rejected.empty
    got = v.plots.set_index("plot_id")["crop_cd_mg_kg"]
    assert got["G1"] == pytest.approx(0.35) and got["G2"] == pytest.approx(0.08) and pd.isna(got["G3"])
    w = v.warnings
    assert ((w["column"] == "crop_cd_mg_kg") & w["problem"].str.contains("detection limit")).any()
    assert v.plots.set_index("plot_id")["cd_mg_kg"].to_list() == [0.6, 0.5, 0.4]  # soil unchanged


def test_harvest_columns_are_the_plant_side_of_fit_uptake_pairs():
    for header, factor in (("grain_cd_mg_kg", 1.0), ("Cd_rice", 1.0), ("crop_cd_mg_kg", 1.0),
                           ("rice_cd_ug_kg", 0.001)):
        h = read_pair_header(header)
        assert (h.canonical, h.factor, h.error) == ("plant_cd_mg_kg", factor, None)
