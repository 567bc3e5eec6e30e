"""Removal crops by soil chemistry: tobacco's removal bounded, pH-scaled and credited only within the
pH of its evidence; safe crops on calcareous paddies; clean-up times beyond the plan horizon."""

from types import SimpleNamespace

import numpy as np
import pytest
from plotdata import make_plots

import agriremed
from agriremed.core import messages
from agriremed.models.duration import apply_soil_chemistry, cap_fraction_removal


def _tobacco_plan(ph, draws=0, result=False):
    s = agriremed.Scenario(mc_draws=draws, options=("do_nothing", "tobacco", "sorghum"))
    plots = make_plots(len(ph), plot_id=[f"T{i}" for i in range(len(ph))], land_use="upland", crop="wheat",
                       ph=list(ph), cd_mg_kg=[3.0] * len(ph), region="Henan/Xinxiang")
    r = agriremed.plan(plots, s)
    return r if result else r.table.set_index(["plot_id", "option_id"])


def test_tobacco_removal_is_capped_scaled_for_ph_and_credited_only_within_its_evidence():
    # D4: 598 g/ha/yr at soil Cd 3.0 whatever the pH (6.2–9.4 % of soil Cd, no bound); now at most
    # the survey's highest tobacco Cd (13.14 mg/kg) × the cap yield (typical 3.18 t/ha), times
    # 10^(−0.21 (pH − 6)) above pH 6, and no credit above pH 6.5
    t = _tobacco_plan([4.0, 6.3, 7.0, 7.5])
    at4, at63 = t.loc[("T0", "tobacco")], t.loc[("T1", "tobacco")]
    assert at4["applicable"] and at4["removal_g_ha_yr"] == pytest.approx(13.14 * 3.18, rel=1e-3)
    assert at63["removal_g_ha_yr"] == pytest.approx(13.14 * 3.18 * 10 ** (-0.21 * 0.3), rel=1e-3)
    # the first-order fraction at the capped removal: hundreds of years, not 25–32
    assert at4["years_to_target"] > 200
    for pid in ("T2", "T3"):
        r = t.loc[(pid, "tobacco")]
        assert not r["applicable"] and np.isnan(r["removal_g_ha_yr"])
        assert "above 6.5" in r["reason"] and "two acidic field soils" in r["reason"]


def test_fraction_model_takes_the_ph_factor_and_the_shoot_cap():
    # the yearly fraction falls with pH as a shoot concentration does and is capped at Y_cap·smax/(C0·M)
    p = {"fr": np.array([0.0767, 0.0767, 0.0767]), "phs": np.full(3, -0.21), "phr": np.full(3, 6.0),
         "smax": np.array([np.inf, 13.14, 13.14]), "Y": np.full(3, np.nan), "bcf": np.full(3, np.nan),
         "cs": np.full(3, np.nan), "rr": np.full(3, np.nan), "rcref": np.full(3, np.nan),
         "ycap": np.array([np.nan, 3.18, 3.18]), "h": np.zeros(3), "sref": np.full(3, np.nan),
         "cref": np.full(3, np.nan), "b": np.full(3, np.nan)}
    ph, c0, mass = np.array([8.0, 4.0, 8.0]), np.array([0.5, 3.0, 3.0]), np.array([2600.0, 2600.0, 2600.0])
    apply_soil_chemistry(p, ph, c0)
    cap_fraction_removal(p, c0, mass)
    f8 = 10 ** (-0.21 * 2.0)
    assert p["fr"][0] == pytest.approx(0.0767 * f8)  # no cap: the pH factor only
    assert p["fr"][1] == pytest.approx(3.18 * 13.14 / (3.0 * 2600.0))
    assert p["fr"][2] == pytest.approx(3.18 * 13.14 * f8 / (3.0 * 2600.0))


def _clause(p50, lang, horizon=20):
    from agriremed.engine.assemble import _cleanup_text
    row = SimpleNamespace(target_metals="cd", target_basis="screening_value", years_p10=p50 * 0.92,
                          years_p50=p50, years_to_target=p50, years_p90=p50 * 1.09, years_text=f"{p50:.0f}")
    return messages.render(_cleanup_text(row, horizon), lang)


def test_a_clean_up_time_beyond_the_plan_horizon_is_not_called_a_clean_up():
    # D9: "brings Cd to the screening value in about 109 yr (P10–P90 100–120)" on a 20-yr plan
    en = _clause(109.0, "en")
    assert en.startswith("not a clean-up within the plan horizon (20 yr): Cd would reach the screening value "
                         "in about 109 yr")
    assert "(P10–P90 100–119)" in en and "brings" not in en
    assert _clause(109.0, "zh").startswith("在规划期（20年）内不能完成修复：约需109年")
    # within the horizon the clause is unchanged
    assert _clause(12.0, "en").startswith("brings Cd to the screening value in about 12 yr")


def test_recommended_capped_sorghum_says_it_is_no_clean_up_within_the_horizon():
    # the reviewer's T40: sorghum at its stalk cap, about a century to the screening value
    r = _tobacco_plan([4.0], draws=50, result=True)
    rec = r.summary.set_index("plot_id").loc["T0"]
    assert rec["recommended_option"] == "sorghum" and rec["years_p50"] > 20
    assert "not a clean-up within the plan horizon (20 yr): Cd would reach the screening value in about" \
        in rec["recommendation"]
    assert "brings Cd" not in rec["recommendation"]
    # the how-long column says so too, in both languages
    assert rec["duration_text"] == f"not a clean-up within the plan horizon (20 yr; about {rec['years_p50']:.0f} yr)"
    zh = messages.render_column(r.summary["duration_text_msg"].to_numpy(object), "zh")[0]
    assert zh == f"规划期（20年）内不能完成修复（约{rec['years_p50']:.0f}年）"


def test_safe_crops_on_a_calcareous_paddy_carry_the_ph_of_their_evidence():
    # D7: flooding, low-Cd rice and foliar sprays keep their acid-paddy cut up to pH 8.5: the reason
    # says the evidence's pH above GB 15618's highest pH class (7.5); the credit itself is unchanged
    s = agriremed.Scenario(mc_draws=0, options=("do_nothing", "flooded_rice", "low_cd_rice", "foliar_inhibitor"))
    plots = make_plots(2, plot_id=["acid", "calc"], land_use="paddy", crop="rice", ph=[6.0, 8.2],
                       cd_mg_kg=[1.0, 1.0], region="Zhejiang/Shaoxing")
    t = agriremed.plan(plots, s).table.set_index(["plot_id", "option_id"])
    for oid in ("flooded_rice", "low_cd_rice", "foliar_inhibitor"):
        calc, acid = t.loc[("calc", oid), "reason"], t.loc[("acid", oid), "reason"]
        assert t.loc[("calc", oid), "applicable"]
        assert "soil pH is above 7.5, beyond the pH of the evidence" in calc
        assert "no source gives the cut on calcareous paddies" in calc
        assert "beyond the pH of the evidence" not in acid


def test_energy_maize_shoot_cd_is_capped_at_the_highest_of_its_field_trials(tables):
    # BCF 0.155 × soil Cd had no ceiling: 3.10 / 7.75 mg/kg shoot Cd and 37.5 / 93.9 g/ha/yr at soil Cd 20 / 50
    # (pH 5), 6× the highest maize removal of SUMATECS Table 6 (16.05 g/ha/yr); now at most 1.07 mg/kg DW
    cap = tables.option_parameters.set_index(["option_id", "parameter"]).loc[("maize_energy", "shoot_max_mg_kg")]
    assert (cap["metal"], cap["typical"], cap["source"]) == ("cd", 1.07, "sumatecs2008")
    s = agriremed.Scenario(mc_draws=0, options=("do_nothing", "maize_energy"))
    plots = make_plots(4, plot_id=["A", "B", "C", "D"], land_use="upland", crop="wheat", ph=[5.0, 5.0, 5.0, 8.2],
                       cd_mg_kg=[6.0, 20.0, 50.0, 50.0], region="Henan/Xinxiang")
    t = agriremed.plan(plots, s).table.set_index(["plot_id", "option_id"])["removal_g_ha_yr"]
    y = 12.11  # typical maize yield on contaminated soil [t/ha/yr] (biomass_yields.csv)
    assert t[("A", "maize_energy")] == pytest.approx(0.155 * 6.0 * y, rel=1e-4)  # 0.93 mg/kg: below the cap
    assert t[("B", "maize_energy")] == pytest.approx(1.07 * y, rel=1e-4)  # 12.96 g/ha/yr (was 37.5)
    assert t[("C", "maize_energy")] == pytest.approx(1.07 * y, rel=1e-4)  # (was 93.9)
    # on calcareous soil the cap falls with the pH factor, as it was observed at the trials' pH
    assert t[("D", "maize_energy")] == pytest.approx(1.07 * 10 ** (-0.21 * 2.2) * y, rel=1e-4)  # (was 32.4)
