"""Every per-row list of metals (censored_metals, not_detected_metals, crop_censored_metals,
crop_dry_weight_metals, values_to_check, near_class_boundary, metals_exceeding …) is written one way: metal
codes joined by '+' (``cd+pb``; ``as_inorganic`` for inorganic As in the harvest), never starting with a
character a spreadsheet runs as a formula."""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed
from agriremed.core import columns as C
from agriremed.io.outputs import FORMULA_PREFIXES
from agriremed.io.validate import validate_plots
from agriremed.stages.soil import near_class_boundary, screen

#: The registry's per-row metal-list columns (the format each description states).
METAL_LISTS = ("censored_metals", "not_detected_metals", "crop_censored_metals", "crop_dry_weight_metals",
               "values_to_check", "near_class_boundary", "metals_exceeding", "metals_above_intervention",
               "metals_not_assessed", "crop_measured_exceeds", "target_metals", "class_kept_metals",
               "compliance_metals", "current_compliance_metals")

HEAD = "plot_id,land_use,crop,area_ha,ph,cd_mg_kg,pb_mg_kg,as_mg_kg,{}\n"


def _sheet(tmp_path, head, rows):
    f = tmp_path / "plots.csv"
    f.write_text(HEAD.format(head) + "".join(r + "\n" for r in rows), encoding="utf-8")
    return f


def test_the_registry_states_one_format_for_every_metal_list():
    for c in ("censored_metals", "not_detected_metals", "crop_censored_metals", "crop_dry_weight_metals",
              "values_to_check"):
        assert "metal codes joined by +" in C.COLUMNS[c].description, c
    assert "cd:screening+as:intervention" in C.COLUMNS["near_class_boundary"].description
    assert not any("joined by |" in C.COLUMNS[c].description for c in METAL_LISTS)
    assert C.metal_list(["cd", "", "pb"]) == "cd+pb" and C.metal_codes("cd@215|pb") == ["cd@215", "pb"]


def test_harvest_values_below_the_limit_and_on_dry_weight_list_metal_codes_joined_by_plus(tmp_path):
    # before: crop_censored_metals 'crop_cd_mg_kg+crop_pb_mg_kg' (column names), crop_dry_weight_metals 'cd|pb'
    f = _sheet(tmp_path, "糙米镉（mg/kg，干重）,糙米铅（mg/kg，干重）",
               ["A,paddy,rice,0.5,5.4,0.8,40,10,<0.02,<0.05", "B,paddy,rice,0.5,5.4,0.8,40,10,0.12,0.1"])
    v = validate_plots(f)
    assert v.rejected.empty
    p = v.plots.set_index("plot_id")
    assert p.loc["A", "crop_censored_metals"] == "cd+pb" and pd.isna(p.loc["B", "crop_censored_metals"])
    assert p["crop_dry_weight_metals"].tolist() == ["cd+pb", "cd+pb"]
    assert p["crop_cd_mg_kg"].tolist() == [0.02, 0.12]
    # the plan reads both lists back: A's grain Cd is compared as a dry-weight value below the detection limit
    rec = agriremed.plan(f, agriremed.Scenario(mc_draws=0), progress=False).summary.set_index("plot_id")
    assert "detection limit" in rec.loc["A", "recommendation"] and "dry weight" in rec.loc["A", "recommendation"]
    assert "dry weight" in rec.loc["B", "recommendation"]


def test_values_to_check_list_metal_codes_joined_by_plus(tmp_path):
    # before: 'cd|pb'
    f = _sheet(tmp_path, "hg_mg_kg", ["A,paddy,rice,0.5,5.4,450,25000,10,0.1"]
               + [f"{b},paddy,rice,0.5,5.4,0.5,40,10,0.1" for b in "BCDE"])
    p = validate_plots(f).plots.set_index("plot_id")
    assert p["values_to_check"].fillna("").tolist() == ["cd+pb", "", "", "", ""]
    rec = agriremed.plan(f, agriremed.Scenario(mc_draws=0), progress=False).summary.set_index("plot_id")
    assert rec.loc["A", "recommendation"].count("Check the") == 2  # one note per metal, read back from the list


def test_near_class_boundary_lists_metal_boundaries_joined_by_plus():
    # before: 'cd:screening|pb:screening'
    p = pd.DataFrame({"plot_id": ["a", "b"], "ph": [5.0, 5.0], "land_use": "paddy",
                      "cd_mg_kg": [0.29, 0.2], "pb_mg_kg": [79.0, 30.0]})
    assert near_class_boundary(screen(p), p["plot_id"])["near_class_boundary"].tolist() == [
        "cd:screening+pb:screening", "cd:screening"]


def test_no_metal_list_cell_starts_like_a_formula(tmp_path):
    f = _sheet(tmp_path, "糙米镉（mg/kg，干重）,糙米铅（mg/kg，干重）",
               ["A,paddy,rice,0.5,5.4,450,25000,<0.1,<0.02,<0.05", "B,paddy,rice,0.5,7.0,0.29,79,ND,0.12,0.1"]
               + [f"{b},paddy,rice,0.5,5.4,0.5,40,10,0.1,0.1" for b in "CDE"])
    p = agriremed.plan(f, agriremed.Scenario(mc_draws=0), progress=False)
    cells = [v for t in (p.summary, p.plots, p.table) for c in METAL_LISTS if c in t
             for v in t[c].tolist() if isinstance(v, str) and v]
    assert len(cells) > 10
    assert not [v for v in cells if v.startswith(FORMULA_PREFIXES) or v.endswith("+") or "|" in v]


@pytest.mark.parametrize("old", ["cd|pb", "cd+pb"])
def test_a_list_written_by_an_earlier_version_is_read_alike(old):
    assert C.metal_codes(old) == ["cd", "pb"]


def test_a_column_median_in_values_to_check_is_written_without_an_exponent(tmp_path):
    # median of 0.5 and 2 000 000 mg/kg: 1 000 000; '{:g}' wrote 'cd@1e+06', whose '+' would split the item
    f = _sheet(tmp_path, "hg_mg_kg", ["A,paddy,rice,0.5,5.4,0.5,40,10,0.1", "B,paddy,rice,0.5,5.4,2000000,40,10,0.1"])
    p = agriremed.plan(f, agriremed.Scenario(mc_draws=0), progress=False)
    assert p.plots.set_index("plot_id").loc["A", "values_to_check"] == "cd@1000000"
    assert C.metal_codes("cd@1000000+pb") == ["cd@1000000", "pb"]
    assert "(median 1e+06 mg/kg) — is the column in µg/kg?" in p.summary.set_index("plot_id").loc["A", "recommendation"]
