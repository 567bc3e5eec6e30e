"""Removal crops that are not hyperaccumulators on calcareous soil: the shoot/soil ratio is bounded by
calcareous-soil field evidence (SUMATECS Table 6, Dornach), continuously in pH; sunflower Cu is cautioned
outside the pH of its trial; poplar says why it has no removal."""

import numpy as np
import pandas as pd
import pytest
from plotdata import make_plots

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.models.duration import apply_soil_chemistry


def _plan(ph, cd, options, draws=0, **scenario):
    s = agriremed.Scenario(mc_draws=draws, options=("do_nothing", *options), **scenario)
    plots = make_plots(len(ph), plot_id=[f"P{i}" for i in range(len(ph))], land_use="upland", crop="maize",
                       ph=list(ph), cd_mg_kg=list(cd), region="Henan/Jiyuan")
    return agriremed.plan(plots, s).table.set_index(["plot_id", "option_id"])


def _param(option, parameter, metal="cd"):
    p = load_tables().option_parameters
    row = p[(p["option_id"] == option) & (p["parameter"] == parameter) & (p["metal"].fillna("") == metal)]
    assert len(row) == 1, (option, parameter)
    return float(row["typical"].iloc[0])


def test_calcareous_bounds_are_the_dornach_ratios_with_sources():
    # maize and willow from their own rows of the calcareous Dornach trials; other crops take willow's
    # 1.7, marked UNCONFIRMED; the bound is in full above pH 7.5 and blended in from pH 6.5
    p = load_tables().option_parameters
    assert _param("maize_energy", "removal_calcareous_bcf_max") == 0.3
    assert _param("willow_src", "removal_calcareous_bcf_max") == 1.7
    for crop in ("sorghum", "miscanthus", "ramie", "hemp"):
        assert _param(crop, "removal_calcareous_bcf_max") == 1.7
        note = p[(p["option_id"] == crop) & (p["parameter"] == "removal_calcareous_bcf_max")]["note"].iloc[0]
        assert note.startswith("UNCONFIRMED") and "Salix at Dornach" in note
    for crop in ("maize_energy", "willow_src", "sorghum", "miscanthus", "ramie", "hemp"):
        assert _param(crop, "removal_calcareous_ph_from", "") == 6.5
        assert _param(crop, "removal_calcareous_ph_full", "") == 7.5
    src = p[p["parameter"] == "removal_calcareous_bcf_max"]["source"]
    assert src.str.contains("sumatecs2008").all()


def test_removal_at_ph8_and_soil_cd_1_5_is_the_calcareous_bound():
    # the reviewer's D3: sorghum at pH 8, soil Cd 1.5 removed 61.6 g/ha/yr (stalk Cd 9.16 × 10^(−0.42) =
    # 3.48 mg/kg, shoot/soil 2.3); now the shoot Cd is at most 1.7 × 1.5 = 2.55 mg/kg: yield × 2.55.
    # Willow and energy maize are given BCFs (5 and 1) that exceed their bounds even after the pH factor
    # (5 × 0.38 = 1.9 > 1.7; 1 × 0.38 = 0.38 > 0.3), so the bound 1.7 × 1.5 and 0.3 × 1.5 sets their removal
    # (energy maize's shoot cap, 1.07 mg/kg × 0.38 = 0.41 < 0.3 × 1.5, is lifted here to reach the bound)
    t = _plan([8.0], [1.5], ("sorghum", "willow_src", "maize_energy"), rule_set="none",
              overrides={"willow_src.bcf.cd": 5.0, "maize_energy.bcf.cd": 1.0,
                         "maize_energy.shoot_max_mg_kg.cd": 100.0})
    for option, ratio in (("sorghum", 1.7), ("willow_src", 1.7), ("maize_energy", 0.3)):
        r = t.loc[("P0", option)]
        assert r["applicable"], option
        assert r["removal_g_ha_yr"] == pytest.approx(r["biomass_t_dm_ha_yr"] * ratio * 1.5, rel=1e-9), option
    # sorghum with its own parameters: 17.69 t/ha × 2.55 mg/kg = 45.1 g/ha/yr (61.6 before)
    sorghum = _plan([8.0], [1.5], ("sorghum",)).loc[("P0", "sorghum")]
    assert sorghum["removal_g_ha_yr"] == pytest.approx(45.11, abs=0.01)
    assert sorghum["removal_g_ha_yr"] / sorghum["biomass_t_dm_ha_yr"] == pytest.approx(2.55)


def test_the_bound_does_not_change_acid_soils_and_is_continuous_in_ph():
    ph = [6.0, 6.5, 6.5001, 7.0, 7.4999, 7.5, 7.5001, 8.0]
    t = _plan(ph, [1.5] * len(ph), ("sorghum",))
    rem = np.array([t.loc[(f"P{i}", "sorghum")]["removal_g_ha_yr"] for i in range(len(ph))])
    y = t.loc[("P0", "sorghum")]["biomass_t_dm_ha_yr"]
    f = 10 ** (-0.21 * (np.array(ph) - 6.0))
    # at and below pH 6.5 the stalk cap × pH factor as before (no bound on acid soil)
    assert rem[0] == pytest.approx(y * 9.16, rel=1e-9)
    assert rem[1] == pytest.approx(y * 9.16 * f[1], rel=1e-9)
    # at pH 7 half-way in log space between 9.16 × f and 2.55 mg/kg
    assert rem[3] == pytest.approx(y * np.sqrt(9.16 * f[3] * 2.55), rel=1e-9)
    assert rem[3] == pytest.approx(67.13, abs=0.01)
    # no jump at either edge of the band
    assert rem[2] == pytest.approx(rem[1], rel=1e-3)
    assert rem[4] == pytest.approx(rem[5], rel=1e-3) and rem[6] == pytest.approx(rem[5], rel=1e-3)
    assert rem[5] == pytest.approx(y * 2.55, rel=1e-9) and rem[7] == pytest.approx(y * 2.55, rel=1e-9)


def test_shoot_concentration_is_continuous_and_never_rises_with_ph():
    # the kernel on a fine pH grid: a BCF row, a constant shoot concentration row and a removal-rate row
    ph = np.round(np.arange(5.0, 9.51, 0.01), 2)
    n = len(ph)
    c0 = np.full(n, 1.5)

    def run(**kw):
        p = {"phs": np.full(n, -0.21), "phr": np.full(n, 6.0), "smax": np.full(n, 22.2), "Y": np.full(n, 10.0),
             "rcref": np.full(n, np.nan), "rcal": np.full(n, 1.7), "cpf": np.full(n, 6.5), "cpu": np.full(n, 7.5)}
        p.update({k: np.full(n, v) for k, v in kw.items()})
        apply_soil_chemistry(p, ph, c0)
        return p

    shoot = {"bcf": run(bcf=5.0)["bcf"] * 1.5, "cs": run(cs=8.0)["cs"], "rr": run(rr=120.0)["rr"] / 10.0}
    for k, s in shoot.items():
        assert np.all(np.diff(s) <= 1e-12), k
        assert np.max(np.abs(np.diff(np.log(s)))) < 0.05, k  # no step: at most the slope over 0.01 pH
        assert np.all(s[ph >= 7.5] <= 1.7 * 1.5 + 1e-12), k
    # below the band each row keeps its own value; above it the bound holds
    assert shoot["bcf"][ph == 6.0][0] == pytest.approx(5.0 * 1.5)
    assert shoot["bcf"][ph == 8.0][0] == pytest.approx(2.55)
    # rows without a bound (no rcal) are unchanged by it
    p = {"bcf": np.array([5.0]), "phs": np.array([-0.21]), "phr": np.array([6.0]), "smax": np.array([np.inf]),
         "Y": np.array([10.0]), "rcref": np.array([np.nan])}
    apply_soil_chemistry(p, np.array([8.0]), np.array([1.5]))
    assert p["bcf"][0] == pytest.approx(5.0 * 10 ** (-0.42))


def test_sunflower_cu_removal_is_cautioned_outside_the_neutral_ph_of_its_trial():
    # D3: 59 g Cu/ha/yr at pH 5, 8 and 8.5 with no word; no pH relation or shoot-Cu cap of sunflower was
    # found, so the removal stays and the reason says the pH of the trial (neutral sandy soil, pH about 7)
    plots = pd.DataFrame({"plot_id": ["cu5", "cu7", "cu8"], "region": ["Henan/Jiyuan"] * 3,
                          "land_use": ["upland"] * 3, "crop": ["maize"] * 3, "area_ha": [1.0] * 3,
                          "ph": [5.0, 7.0, 8.0], "cd_mg_kg": [0.2] * 3, "cu_mg_kg": [400.0] * 3})
    t = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, options=("do_nothing", "sunflower"))).table
    t = t[t["option_id"] == "sunflower"].set_index("plot_id")
    for pid in ("cu5", "cu7", "cu8"):
        assert t.loc[pid, "applicable"] and t.loc[pid, "removal_g_ha_yr"] == 59.0
    assert "soil pH is above 7.5, beyond the pH of the evidence (Cu removal from one field trial on a sandy " \
           "soil of neutral pH (about 7" in t.loc["cu8", "reason"]
    assert "the credited metal removal may be smaller on this soil" in t.loc["cu8", "reason"]
    assert "soil pH is below 6.5" in t.loc["cu5", "reason"]
    assert "evidence" not in t.loc["cu7", "reason"]
    zh = messages.render(t.loc["cu8", "reason_msg"], "zh")
    assert "土壤pH高于7.5" in zh and "重金属去除量可能偏高" in zh


def test_poplar_says_why_its_removal_is_blank():
    r = _plan([6.0], [6.0], ("poplar_src",)).loc[("P0", "poplar_src")]
    assert r["applicable"] and np.isnan(r["removal_g_ha_yr"])
    assert "no Cd or Zn concentration of poplar shoots" in r["data_gaps"]
    assert "removal_g_ha_yr is blank" in r["data_gaps"]
