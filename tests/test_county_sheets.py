"""County field sheets as extension officers send them: lab words for 'not detected' and
'not measured', a unit row under the header, 无量纲 pH headers, common Chinese headers and
land-use words, full-width digits, and an area with a separate unit column."""

from pathlib import Path

import pytest

import agriremed
from agriremed.core.messages import text_of

_HEAD = "plot_id,land_use,crop,area_ha,ph,cd_mg_kg,hg_mg_kg,pb_mg_kg\n"


def _write(tmp_path: Path, text: str, name: str = "plots.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_clean_plot_with_an_unmeasured_metal_names_it(tmp_path):
    """'-' under Cd: the plot is kept without Cd, the cell is reported, and the summary says
    'every measured metal' and names the metals not measured (never 'every screening value')."""
    p = _write(tmp_path, _HEAD + "A,paddy,rice,0.5,6.8,-,0.1,30\n")
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    warn = plan.problems.loc[plan.problems["column"].eq("cd_mg_kg")]
    assert warn["severity"].tolist() == ["warning"] and warn["value"].tolist() == ["-"]
    rec = plan.summary.loc[0, "recommendation"]
    assert plan.summary.loc[0, "soil_class"] == "priority_protection"
    assert "every measured metal (Cd/As/Cr/Cu/Ni/Zn not measured)" in rec
    assert "every GB 15618 screening value" not in rec
    zh = text_of(plan.summary.loc[0, "recommendation_msg"], "zh")
    assert "已测定的重金属" in zh and "Cd/As/Cr/Cu/Ni/Zn未测定" in zh


def test_clean_plot_with_all_eight_metals_keeps_the_plain_sentence(tmp_path):
    p = _write(tmp_path, "plot_id,land_use,crop,area_ha,ph,cd_mg_kg,hg_mg_kg,as_mg_kg,pb_mg_kg,cr_mg_kg,"
                         "cu_mg_kg,ni_mg_kg,zn_mg_kg\nA,paddy,rice,0.5,7.2,0.05,0.1,10,30,50,20,20,60\n")
    rec = agriremed.plan(p, agriremed.Scenario(mc_draws=0)).summary.loc[0, "recommendation"]
    assert rec.startswith("Continue current practice")
    assert "every GB 15618 screening value" in rec and "not measured" not in rec


@pytest.mark.parametrize("word", ["ND", "nd", "N.D.", "未检出", "未检测出", "低于检出限", "<0.01"])
def test_not_detected_spellings_are_one_rejection(tmp_path, word):
    p = _write(tmp_path, _HEAD + f"A,paddy,rice,0.5,6.8,{word},0.1,30\n")
    v = agriremed.validate_plots(p)
    err = v.errors
    assert err["input_row"].tolist() == [1] and err["column"].tolist() == ["cd_mg_kg"]
    assert err["value"].tolist() == [word] and err["problem"].str.startswith("below the detection limit").all()
    assert "line 2" in v.messages()[-1]
    assert len(v.plots) + len(v.rejected) == v.n_input == 1
