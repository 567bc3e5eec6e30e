"""Lime options are dosed to their target pH (``ph_max``, the pH their field evidence limes to), not
at the evidence's full rate: the reason, the cost, the lime CO2, the steps and the Cd cut credited all
follow the plot's own dose, so nothing jumps where the option stops applying (pH 6.5)."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

import agriremed

#: Hunan paddies growing rice at Cd 0.5 mg/kg, from pH 5.0 to just above the lime options' pH 6.5.
PH = [5.0, 6.0, 6.46, 6.50, 6.52]
PLOTS = pd.DataFrame({
    "plot_id": [f"L{i}" for i in range(len(PH))], "ph": PH, "cd_mg_kg": 0.5,
    "region": "Hunan/Zhuzhou/Lukou", "land_use": "paddy", "crop": "rice", "area_ha": 0.1, "som_pct": 3.0,
    "clay_pct": 30.0, "bulk_density_g_cm3": 1.15, "depth_m": 0.2, "annual_rain_mm": 1400.0, "mean_temp_c": 17.5,
})
SLOPE = 0.133      # pH per t/ha CaCO3 (option_parameters.csv, Chen et al. 2018: 7.5 t/ha raised pH 5.5 → 6.5)
FULL = 7.5         # t/ha, the evidence's rate
PRICE, SPREAD = 300.0, 800.0   # CNY/t lime, CNY/ha spreading (typical)


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(PLOTS, agriremed.Scenario(mc_draws=0), progress=False)


def _t(plan):
    return plan.table.set_index(["plot_id", "option_id"])


def test_dose_reason_cost_and_lime_co2_follow_the_plots_own_dose(plan):
    t = _t(plan)
    # hand-computed doses: min(7.5, (6.5 − pH)/0.133)
    dose = {"L0": 7.5, "L1": 0.5 / SLOPE, "L2": 0.04 / SLOPE}
    assert dose["L1"] == pytest.approx(3.759, abs=1e-3) and dose["L2"] == pytest.approx(0.301, abs=1e-3)
    assert t.loc[("L0", "lime_rice"), "reason"] == (
        "treats cd; 7.5 t/ha CaCO3 raises pH 5.00 → 6.00; policy china, rule cn_safe_keep_food: expected")
    assert t.loc[("L1", "lime_rice"), "reason"] == (
        "treats cd; 3.76 t/ha CaCO3 raises pH 6.00 → 6.50; policy china, rule cn_safe_keep_food: expected")
    assert t.loc[("L2", "lime_low_cd_rice"), "reason"] == (
        "treats cd; 0.3 t/ha CaCO3 raises pH 6.46 → 6.50; policy china, rule cn_safe_keep_food: expected")
    for pid, d in dose.items():
        base = t.loc[(pid, "do_nothing"), "cost_year1_cny_ha"]
        # year 1: the rice crop as before plus the lime of the dose and its spreading
        assert t.loc[(pid, "lime_rice"), "cost_year1_cny_ha"] - base == pytest.approx(d * PRICE + SPREAD)
        # lime CO2: 0.44 t CO2 per t CaCO3 (0.12 t C × 44/12), one application every 2 years
        assert t.loc[(pid, "lime_rice"), "lime_co2e_t_ha_yr"] == pytest.approx(-d * 0.44 / 2)
    # above pH 6.5 the option does not apply, as before
    assert not t.loc[("L4", "lime_rice"), "applicable"]


def test_cd_cut_credited_for_the_ph_rise_reached(plan):
    t = _t(plan)
    u = plan.uptake.set_index("plot_id")
    r = 0.731  # lime_rice crop_reduction_frac (typical) for the full rate's 1.0 pH unit

    def p_comply(pid, share):  # rice predicted for Cd only: P(grain ≤ 0.2) with the remaining (1 − R)^share
        fw, se, lim = u.at[pid, "crop_fw_p50_mg_kg"], u.at[pid, "se_log10"], u.at[pid, "food_limit_mg_kg"]
        return float(ndtr((np.log10(lim) - np.log10(fw * (1 - r) ** share)) / se))

    assert t.loc[("L0", "lime_rice"), "crop_compliance_prob"] == pytest.approx(p_comply("L0", 1.0), rel=1e-9)
    assert t.loc[("L1", "lime_rice"), "crop_compliance_prob"] == pytest.approx(p_comply("L1", 0.5 / SLOPE / FULL),
                                                                              rel=1e-9)
    # continuity at the target: no lime needed at pH 6.50, so no credit beyond unchanged practice; at 6.46 a
    # little (it was credited with the full 7.5 t/ha: 0.95 against 0.70)
    assert t.loc[("L3", "lime_rice"), "crop_compliance_prob"] == pytest.approx(
        t.loc[("L3", "do_nothing"), "crop_compliance_prob"], rel=1e-12)
    gain = t.loc[("L2", "lime_rice"), "crop_compliance_prob"] - t.loc[("L2", "do_nothing"), "crop_compliance_prob"]
    assert 0 < gain < 0.02
    # the package keeps its other measures: it is credited with its strongest component, now flooding or the
    # low-Cd variety, not a full lime dose
    assert t.loc[("L3", "lime_low_cd_rice"), "crop_compliance_prob"] > t.loc[("L3", "flooded_rice"),
                                                                             "crop_compliance_prob"]


def test_steps_give_the_plots_own_lime(plan):
    from agriremed.stages.advice import plot_steps

    s = plot_steps("lime_rice", 0.1, plan.tables, soil_ph=6.0)
    lime = s.loc[s["measure"] == "lime"].iloc[0]
    assert lime["amount_per_ha"] == pytest.approx(0.5 / SLOPE)
    assert lime["amount_per_mu"] == pytest.approx(0.5 / SLOPE / 15)
    assert lime["amount_plot"] == pytest.approx(0.5 / SLOPE * 0.1)
    assert "251 kg per mu" in lime["text"]
    # without the plot's pH: the full rate (500 kg per mu), as before
    full = plot_steps("lime_rice", 0.1, plan.tables)
    assert full.loc[full["measure"] == "lime", "amount_per_ha"].iloc[0] == FULL
    # the summary's measures of a plot give its own dose too
    from agriremed.stages.advice import measures_in

    m = measures_in(["lime_rice", "lime_rice"], ["mu", "mu"], plan.tables, soil_ph=[6.0, 5.0])
    assert "251 kg per mu" in m[0] and "500 kg per mu" in m[1]


def test_upland_lime_is_dosed_to_its_target_too(plan):
    from agriremed.stages.options import lime_dose_t_ha

    d = lime_dose_t_ha(plan.tables, ["lime_upland_wheat", "lime_upland_maize", "lime_rice", "do_nothing"],
                       [5.5, 4.0, 6.46, 5.0])
    # 1.0/0.307 = 3.26 t/ha; pH 4.0 needs 8.1 t/ha: the full 7.5; 0.04/0.133; no lime
    np.testing.assert_allclose(d[:3], [1.0 / 0.307, 7.5, 0.04 / SLOPE])
    assert np.isnan(d[3])


def test_lime_vegetable_dose_is_its_requirement_and_the_summary_measures_give_it():
    # lime_vegetable (a target_ph row) is dosed by the same function as the other lime options: its
    # requirement to pH 6.5 through 0.329 pH per t/ha, at most 4.5 t/ha; the summary's measures give the
    # plot's dose as the plot sheet does (pH 6.2: 0.3 / 0.329 = 0.912 t/ha = 60.8 kg per mu)
    from agriremed.core.tables import load_tables
    from agriremed.stages import advice
    from agriremed.stages.options import lime_by_requirement, lime_dose_t_ha, lime_share

    t = load_tables()
    ph = [4.8, 6.2, 6.6]
    dose = lime_dose_t_ha(t, ["lime_vegetable"] * 3, ph)
    assert dose.tolist() == pytest.approx([4.5, 0.3 / 0.329, 0.0])
    assert dose.tolist() == pytest.approx(lime_by_requirement(t, ["lime_vegetable"] * 3, ph)["dose_t_ha"].tolist())
    assert lime_share(t, ["lime_vegetable"], [6.2])[0] == pytest.approx(0.3 / 0.329 / 4.5)
    text = advice.measures_in(np.array(["lime_vegetable"], dtype=object), np.array(["mu"], dtype=object), t,
                              soil_ph=np.array([6.2]))[0]
    assert "never lime above pH 7: 61 kg per mu" in text
    assert "back to pH 6.5): 101 kg per mu" in text


def test_no_liming_option_at_its_target_ph():
    # at pH 6.50 the lime requirement to 6.5 is nil: the option is not applicable (was applicable with
    # "0 t/ha CaCO3 raises pH 6.50 → 6.50" and 800 CNY/ha of spreading); just below it a small dose remains
    import agriremed
    import pandas as pd

    from agriremed.core import messages

    base = {"region": "Hunan/Xiangtan/Xiangtan County", "land_use": "paddy", "crop": "rice", "area_mu": 2,
            "cd_mg_kg": 1.0, "som_pct": 3.0, "clay_pct": 30, "bulk_density_g_cm3": 1.15, "depth_m": 0.2}
    p = agriremed.plan(pd.DataFrame([{**base, "plot_id": "A", "ph": 6.49}, {**base, "plot_id": "B", "ph": 6.5}]),
                       agriremed.Scenario(mc_draws=0), progress=False)
    t = p.table.set_index(["plot_id", "option_id"])
    assert bool(t.loc[("A", "lime_rice"), "applicable"])
    assert "0.08 t/ha CaCO3 raises pH 6.49 → 6.50" in messages.render(t.loc[("A", "lime_rice"), "reason_msg"], "en")
    for o in ("lime_rice", "lime_low_cd_rice"):
        assert not bool(t.loc[("B", o), "applicable"])
        assert messages.render(t.loc[("B", o), "reason_msg"], "en") == (
            "soil pH is already at the liming target, 6.5: the lime requirement is nil")
        assert messages.render(t.loc[("B", o), "reason_msg"], "zh") == "土壤pH已达到调酸目标6.5：无需施石灰"


def test_limed_rice_is_the_function_at_the_limed_ph_times_a_dose_scaled_lime_cut():
    # the lime cut (1 − R)^f on the plot's own prediction is the function at the limed pH times
    # k^f, k = (1 − R)·10^(−c·ΔpH_full): a pH part and a part that grows with the dose
    # (docs/soil_and_uptake.md, "Liming rice: a pH part and a dose part"), so a plot nearer the
    # target, given less lime, ends less compliant than a more acid one given more, never below
    # unchanged practice, and continuous up to the target
    from plotdata import make_plots

    ph = np.array([5.6, 6.0, 6.4, 6.48])
    p = agriremed.plan(make_plots(len(ph), ph=ph.tolist(), cd_mg_kg=1.0, region="Hunan/Zhuzhou/Lukou"),
                       agriremed.Scenario(mc_draws=0, options=("lime_rice",)))
    t = p.table.set_index(["plot_id", "option_id"])["crop_compliance_prob"].unstack()
    a, b, c, se = 0.6753, 0.4305, -0.22975, 0.468          # synth_rice_cd_ph_hunan
    rise = 7.5 * 0.133
    f = np.minimum(1.0, (6.5 - ph) / rise)
    k = (1 - 0.731) * 10 ** (-c * rise)
    assert k == pytest.approx(0.456, abs=5e-4)
    log_c = a + b * np.log10(1.0) + c * (ph + f * rise) + f * np.log10(k)
    want = ndtr((np.log10(0.2) - log_c) / se)
    assert t["lime_rice"].to_numpy() == pytest.approx(want, abs=1e-6)
    assert t["lime_rice"].round(3).tolist()[:3] == [0.819, 0.732, 0.628]
    assert (t["lime_rice"] >= t["do_nothing"]).all()
    assert t["lime_rice"].iloc[-1] - t["do_nothing"].iloc[-1] < 0.02   # 0.15 t/ha: almost no cut
