"""A row without pH is planned where every GB 15618 pH band gives it the same class for every metal given
(strict control above every intervention value, priority protection below every screening value), with a
warning naming the row and column; a row whose class depends on the pH stays rejected. Options with a pH range
or a lime dose are excluded (pH not measured), and no crop prediction that needs pH is made."""

import re
import io

import numpy as np
import pandas as pd

import agriremed
from agriremed.core import messages
from agriremed.io.validate import validate_plots
from agriremed.stages import soil

CSV = """plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg,pb_mg_kg,as_mg_kg,hg_mg_kg,basic_farmland
G01-noPH-strict,湖南省/湘潭市/湘潭县,paddy,rice,0.3,,5.0,50,10,0.1,yes
G02-noPH-clean,湖南省/湘潭市/湘潭县,paddy,rice,0.3,,0.1,20,5,0.05,yes
G03-noPH-depends,湖南省/湘潭市/湘潭县,paddy,rice,0.3,,0.5,20,5,0.05,yes
G04-noPH-veg,湖南省/湘潭市/湘潭县,vegetable,pak_choi,0.3,,1.0,20,5,0.05,no
"""


def _validation():
    return validate_plots(pd.read_csv(io.StringIO(CSV), dtype=str, keep_default_na=False))


def test_rows_whose_class_does_not_depend_on_ph_are_planned_with_a_warning():
    v = _validation()
    assert v.plots["plot_id"].tolist() == ["G01-noPH-strict", "G02-noPH-clean", "G04-noPH-veg"]
    assert v.rejected["plot_id"].tolist() == ["G03-noPH-depends"]
    assert len(v.plots) + len(v.rejected) == 4
    w = v.problems.loc[v.problems["column"].eq("ph") & v.problems["severity"].eq("warning")]
    assert w["input_row"].tolist() == [1, 2, 4]
    assert w["problem"].iloc[0] == (
        "pH not measured: every GB 15618 pH band gives this row the same soil class for every metal given, so the "
        "plot is planned with that class; crop predictions that need the pH are not assessed and liming is not "
        "offered — measure the soil pH (water) and re-run")
    zh = messages.column_texts(w, "problem", "zh")[0]
    assert zh.startswith("未测pH：对所给的每种金属，GB 15618各pH区间给出的土壤类别相同")
    e = v.problems.loc[v.problems["column"].eq("ph") & v.problems["severity"].eq("error")]
    assert e["input_row"].tolist() == [3]
    assert e["problem"].iloc[0].startswith("required value is blank: the soil class of this row depends on the pH")


def test_screen_gives_the_class_that_every_ph_band_gives():
    p = pd.DataFrame({"plot_id": ["a", "b", "c"], "ph": [np.nan] * 3, "land_use": ["paddy"] * 3,
                      "cd_mg_kg": [5.0, 0.1, 0.5]})
    s = soil.screen(p).set_index("plot_id")
    assert s["soil_class"].tolist() == ["strict_control", "priority_protection", None]
    # the lowest paddy Cd values over the bands: screening 0.3, intervention 1.5
    assert s.loc["a", "screening_mg_kg"] == 0.3 and s.loc["a", "intervention_mg_kg"] == 1.5
    assert round(s.loc["a", "exceedance_ratio"], 4) == round(5.0 / 0.3, 4)
    assert np.isnan(s.loc["c", "screening_mg_kg"])
    assert soil.ph_undecided(p).tolist() == [False, False, True]


def test_plan_without_ph_strict_control_and_priority_protection():
    p = agriremed.plan(_validation(), agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert s.loc["G01-noPH-strict", "soil_class"] == "strict_control"
    assert s.loc["G02-noPH-clean", "soil_class"] == "priority_protection"
    assert s.loc["G04-noPH-veg", "soil_class"] == "safe_utilisation"
    assert len(p.summary) + len(p.rejected) == 4
    t = p.table.set_index(["plot_id", "option_id"])
    reason = "pH not measured: whether the option fits depends on the soil pH (its pH range or lime dose)"
    assert not t.loc[("G04-noPH-veg", "lime_vegetable"), "applicable"]
    assert t.loc[("G04-noPH-veg", "lime_vegetable"), "reason"].startswith(reason)
    assert t.loc[("G02-noPH-clean", "lime_rice"), "reason"].startswith(reason)
    assert t.loc[("G01-noPH-strict", "sedum_plumbizincicola"), "reason"].startswith(reason)
    assert t.loc[("G02-noPH-clean", "low_cd_rice"), "reason"] == (
        "no metal it treats (cd) exceeds its screening value; the crop risk is not predicted (soil pH not "
        "measured): test the harvest")
    # the crop Cd is not predicted without pH, and says so
    assert s.loc["G04-noPH-veg", "metals_not_assessed"] == "cd"
    # below the screening value too: the crop risk of a clean paddy depends on the pH
    assert s.loc["G02-noPH-clean", "metals_not_assessed"] == "cd"
    assert s.loc["G02-noPH-clean", "recommendation"].startswith(
        "Cd in the crop not assessed (soil pH missing: the transfer functions need it) — measure it in the harvest "
        "(limit: Cd 0.2 mg/kg, GB2762). Continue current practice")
    assert s.loc["G04-noPH-veg", "recommendation"].startswith(
        "Cd in the crop not assessed (soil pH missing: the transfer functions need it)")
    for c in ("recommendation", "monitoring", "duration_text"):
        for text in s[c].dropna().astype(str):
            assert not re.search(r"\bnan\b", text, re.I), text
    reasons = p.table["reason"].dropna().astype(str)
    assert not reasons.str.contains(r"\bnan\b").any()
