"""Numbers quoted in the prose of the docs are recomputed here, so that the text cannot drift from the code."""

import re
from pathlib import Path

import pandas as pd
import pytest

from agriremed.core.scenario import Scenario
from agriremed.engine.plan import plan

ROOT = Path(__file__).resolve().parents[1]


def _prose(page: str) -> str:
    return " ".join((ROOT / "docs" / page).read_text(encoding="utf-8").split())


def test_sedum_wheat_intercrop_years_in_docs_are_the_code_s():
    # docs/soil_and_uptake.md: the capped Sedum–wheat intercrop at Cd 1.2 mg/kg (Henan upland wheat, pH 5.0,
    # the default seed and 500 draws)
    m = re.search(r"capped, the intercrop removes ([\d.]+) g/ha/yr and reaches the screening value in about "
                  r"([\d.]+) yr \(P10–P90 ([\d.]+)–([\d.]+)\)", _prose("soil_and_uptake.md"))
    assert m is not None, "the Sedum–wheat sentence of docs/soil_and_uptake.md is gone or reworded"
    removal, p50, p10, p90 = (float(x) for x in m.groups())
    plots = pd.DataFrame({"plot_id": ["SW12"], "region": ["Henan/Xinxiang"], "land_use": ["upland"],
                          "crop": ["wheat"], "area_ha": [1.0], "ph": [5.0], "cd_mg_kg": [1.2]})
    scenario = Scenario(options=["sedum_wheat_intercrop"])
    assert scenario.mc_draws == 500
    row = plan(plots, scenario, progress=False, detail=False).table.set_index("option_id").loc[
        "sedum_wheat_intercrop"]
    assert row["removal_g_ha_yr"] == pytest.approx(removal, abs=0.05)
    assert (p10, p50, p90) == (round(row["years_p10"], 1), round(row["years_p50"], 1), round(row["years_p90"], 1))


def test_calcareous_sorghum_removal_in_docs_is_the_code_s():
    # docs/soil_and_uptake.md: sorghum at soil Cd 1.5 mg/kg, pH 8 and pH 7, under the calcareous-soil bound
    m = re.search(r"At soil Cd 1\.5 mg/kg sorghum removes ([\d.]+) g Cd/ha/yr at pH 8 \(stalk Cd ([\d.]+) mg/kg\) "
                  r"where the pH factor alone gave [\d.]+ \([\d.]+ mg/kg, a shoot/soil ratio of [\d.]+\), ([\d.]+) at "
                  r"pH 7", _prose("soil_and_uptake.md"))
    assert m is not None, "the calcareous sorghum sentence of docs/soil_and_uptake.md is gone or reworded"
    at8, stalk, at7 = (float(x) for x in m.groups())
    plots = pd.DataFrame({"plot_id": ["S8", "S7"], "region": ["Henan/Jiyuan"] * 2, "land_use": ["upland"] * 2,
                          "crop": ["maize"] * 2, "area_ha": [1.0] * 2, "ph": [8.0, 7.0], "cd_mg_kg": [1.5] * 2})
    t = plan(plots, Scenario(options=["do_nothing", "sorghum"], mc_draws=0), progress=False, detail=False).table
    t = t[t["option_id"] == "sorghum"].set_index("plot_id")
    assert round(t.loc["S8", "removal_g_ha_yr"], 1) == at8 and round(t.loc["S7", "removal_g_ha_yr"], 1) == at7
    assert round(t.loc["S8", "removal_g_ha_yr"] / t.loc["S8", "biomass_t_dm_ha_yr"], 2) == stalk
