"""Liming acid leafy-vegetable land by lime requirement (``lime_vegetable``): where it applies, the dose
from the plot's pH to the target pH (capped at the largest single application), the Cd cut as the
leafy-vegetable uptake function's own response to the pH reached, the yearly pH re-test and re-liming,
the caution, and the costs of the first and later applications."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

import agriremed
from agriremed.core.messages import render
from agriremed.core.tables import load_tables
from agriremed.models.uptake import ph_kcl_from_ph_water
from agriremed.stages.advice import plot_advice, plot_steps
from agriremed.stages.options import lime_applications_t_ha, lime_by_requirement, lime_requirement
from agriremed.stages.uptake import food_safety, predict_crop_concentration

BASE = {"region": "Hubei/Huangshi/Daye", "lat": 30.1, "lon": 114.97, "land_use": "vegetable", "crop": "pak_choi",
        "area_ha": 0.2, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
        "annual_rain_mm": 1400.0, "mean_temp_c": 17.0}
PLOTS = pd.DataFrame([
    dict(BASE, plot_id="daye", ph=4.8, cd_mg_kg=0.6),          # acid, safe utilisation (Cd screening 0.3)
    dict(BASE, plot_id="neutral", ph=6.8, cd_mg_kg=0.6),       # above the target pH
    dict(BASE, plot_id="strict", ph=4.8, cd_mg_kg=2.5),        # above the Cd intervention value (1.5 at pH ≤ 5.5)
    dict(BASE, plot_id="clean", ph=5.5, cd_mg_kg=0.25),        # below the Cd screening value (0.3)
    dict(BASE, plot_id="compliant", ph=6.4, cd_mg_kg=0.31, som_pct=15.0, clay_pct=50.0),  # crop predicted safe
])


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(PLOTS, agriremed.Scenario(mc_draws=0))


def _row(plan, plot_id, option_id="lime_vegetable"):
    t = plan.table
    return t.loc[(t["plot_id"] == plot_id) & (t["option_id"] == option_id)].iloc[0]


def test_lime_requirement_from_ph_to_target_capped_at_the_trial_rate():
    # buffer of the Xiangtan field trial: 4.5 t/ha CaCO3 raised pH by 1.48 → 0.329 pH per t/ha
    assert lime_requirement(6.2, 6.5, 0.329, 4.5) == pytest.approx(0.3 / 0.329)        # 0.912 t/ha
    assert lime_requirement(4.8, 6.5, 0.329, 4.5) == pytest.approx(4.5)                # 5.17 t/ha needed, capped
    assert lime_requirement(6.8, 6.5, 0.329, 4.5) == 0.0
    d = lime_by_requirement(load_tables(), ["lime_vegetable"] * 3 + ["lime_upland_maize"], [4.8, 6.2, 6.8, 4.8])
    np.testing.assert_allclose(d["dose_t_ha"][:3], [4.5, 0.3 / 0.329, 0.0])
    # never beyond the target; a cap-limited dose stops short of it (4.8 + 4.5 × 0.329 = 6.2805)
    np.testing.assert_allclose(d["ph_limed"][:3], [4.8 + 4.5 * 0.329, 6.5, 6.8])
    # each re-liming: from the re-liming pH 6.0 back to 6.5 (0.5 / 0.329 = 1.52 t/ha)
    assert d["relime_t_ha"][0] == pytest.approx(0.5 / 0.329)
    assert np.isnan(d["dose_t_ha"][3]) and not d["by_requirement"][3]


def test_daye_pak_choi_is_limed_with_its_requirement_and_gains_what_the_function_gives(plan):
    r = _row(plan, "daye")
    assert bool(r["applicable"]) and r["policy_status"] == "expected"
    assert "4.50 t/ha CaCO3, the lime requirement to pH 6.5 (at most 4.5 t/ha at once), raises pH 4.8 → 6.28" \
        in r["reason"]
    base = _row(plan, "daye", "do_nothing")["crop_compliance_prob"]
    # hand check: the leafy Cd function (−0.33 per pH-KCl unit) predicted at the limed pH 6.2805
    tables = load_tables()
    plot = PLOTS.loc[PLOTS["plot_id"] == "daye"]
    chk = food_safety(predict_crop_concentration(plot, tables=tables), "GB2762", tables)
    chk = chk.loc[chk["metal"] == "cd"].iloc[0]
    ratio = 10 ** (-0.33 * (ph_kcl_from_ph_water(4.8 + 4.5 * 0.329) - ph_kcl_from_ph_water(4.8)))
    z = lambda fw: (np.log10(chk["food_limit_mg_kg"]) - np.log10(fw)) / chk["se_log10"]  # noqa: E731
    assert base == pytest.approx(float(ndtr(z(chk["crop_fw_p50_mg_kg"]))), abs=1e-6)
    assert r["crop_compliance_prob"] == pytest.approx(float(ndtr(z(chk["crop_fw_p50_mg_kg"] * ratio))), abs=1e-6)
    # (0.5095 and 0.7636 with the leafy spread 0.627)
    assert base == pytest.approx(0.5098, abs=5e-4) and r["crop_compliance_prob"] == pytest.approx(0.7716, abs=5e-4)
    # the cut credited at the largest rise (the trial's 1.48) lies inside the trial's leafy range 5.9–70.5 %
    assert 0.059 <= 1 - float(ratio) <= 0.705
    assert 1 - float(ratio) == pytest.approx(0.633, abs=1e-3)  # ΔpH-KCl 1.32
    assert plan.summary.set_index("plot_id").at["daye", "recommended_option"] == "lime_vegetable"


def test_caution_in_both_languages_and_the_sheet_gives_the_plots_dose(plan):
    r = _row(plan, "daye")
    assert "rests on one field trial and pot trials" in r["reason"]
    assert "test each harvest" in r["reason"] and "never lime above pH 7" in r["reason"]
    zh = render(r["option_cautions_msg"], "zh")
    assert "一项田间试验和盆栽试验" in zh and "切勿使pH超过7" in zh
    sheet = plot_advice(plan, "daye", "en")
    assert sheet.this_season[0].endswith("never lime above pH 7: 300 kg per mu, 900 kg for the plot")
    assert sheet.first_year_cost.endswith("(+430 CNY vs unchanged practice)")  # 0.2 ha × (4.5 t × 300 + 800)
    assert "note: the Cd cut rests on one field trial" in sheet.sentence
    assert r["data_gaps"].endswith("the yearly soil pH test is not costed (no sourced price)")


def test_not_offered_above_the_target_ph_below_screening_or_on_strict_control_land(plan):
    n = _row(plan, "neutral")
    assert not n["applicable"] and "soil pH 6.8 is above 6.4" in n["reason"]
    c = _row(plan, "clean")
    assert not c["applicable"]
    s = _row(plan, "strict")
    assert not s["applicable"] and s["policy_status"] == "forbidden" and "cn_strict_no_food" in s["reason"]


def test_a_plot_whose_crop_already_complies_keeps_unchanged_practice(plan):
    base = _row(plan, "compliant", "do_nothing")["crop_compliance_prob"]
    r = _row(plan, "compliant")
    # 95.9 % of seasons within the limit (above the 0.95 target) already; liming 6.4 → 6.5 adds 0.5 points
    # (95.4 % and 0.52 points with the leafy spread 0.627)
    assert base == pytest.approx(0.9595, abs=5e-4) and bool(r["applicable"])
    assert r["crop_compliance_prob"] - base == pytest.approx(0.0048, abs=5e-4)
    assert plan.summary.set_index("plot_id").at["compliant", "recommended_option"] != "lime_vegetable"


def test_steps_give_the_plots_dose_per_mu_and_plot_and_the_yearly_re_test():
    s = plot_steps("lime_vegetable", 0.2, load_tables(), soil_ph=4.8)
    lime = s.loc[s["measure"] == "lime_to_target"].iloc[0]
    assert lime["season"] == "this" and lime["amount_per_ha"] == pytest.approx(4.5)
    assert lime["amount_per_mu"] == pytest.approx(0.3) and lime["amount_plot"] == pytest.approx(0.9)
    assert lime["text"].endswith("bring the soil to pH 6.5, and plough it in before sowing; never lime above pH 7"
                                 ": 300 kg per mu, 900 kg for the plot")
    re = s.loc[s["measure"] == "retest_ph_relime"].iloc[0]
    assert re["season"] == "next" and re["amount_per_ha"] == pytest.approx(0.5 / 0.329)
    assert "lime again only if it has fallen below pH 6.0 (back to pH 6.5): 101 kg per mu" in re["text"]
    assert np.isnan(re["repeat_yr"]) and "(every year)" not in re["text"]  # the re-liming is not yearly
    zh = plot_steps("lime_vegetable", 0.2, load_tables(), lang="zh", soil_ph=6.2)
    assert "调至pH 6.5的需石灰量" in zh.loc[zh["measure"] == "lime_to_target", "text"].iloc[0]
    assert zh.loc[zh["measure"] == "lime_to_target", "amount_per_ha"].iloc[0] == pytest.approx(0.3 / 0.329)


def test_costs_lime_the_requirement_first_and_the_re_liming_dose_after():
    first, later = lime_applications_t_ha(load_tables(), ["lime_vegetable", "lime_vegetable", "lime_upland_maize"],
                                          [4.8, 6.2, 4.8], [4.5, 4.5, 7.5])
    np.testing.assert_allclose(first, [4.5, 0.3 / 0.329, 7.5])
    np.testing.assert_allclose(later, [0.5 / 0.329, 0.5 / 0.329, 7.5])


def test_a_plot_without_a_ph_is_limed_and_costed_at_the_full_rate_but_credited_no_cd_cut():
    # one dosing formula (lime_dose_t_ha): without the plot's pH, lime_vegetable's first application is the full
    # 4.5 t/ha (it was NaN here and 0 t/ha in the costs and the lime CO2, against 4.5 t/ha of lime_dose_t_ha);
    # the re-liming (pH 6.0 → 6.5) does not depend on the plot's pH
    from agriremed.stages.duration import crop_compliance_outcome
    from agriremed.stages.options import lime_dose_t_ha

    t = load_tables()
    ids = ["lime_vegetable", "lime_vegetable", "lime_rice"]
    ph = [np.nan, 6.2, np.nan]
    d = lime_by_requirement(t, ids, ph)
    np.testing.assert_allclose(d["dose_t_ha"][:2], [4.5, 0.3 / 0.329])
    np.testing.assert_allclose(d["dose_t_ha"][:2], lime_dose_t_ha(t, ids, ph)[:2])
    assert np.isnan(d["dose_t_ha"][2]) and np.isnan(d["ph_limed"][0]) and d["ph_limed"][1] == pytest.approx(6.5)
    np.testing.assert_allclose(d["relime_t_ha"][:2], [0.5 / 0.329, 0.5 / 0.329])
    # the costs and the lime CO2 (economics, carbon) count the full rate first, then the re-liming dose
    first, later = lime_applications_t_ha(t, ids, ph, lime_dose_t_ha(t, ids, ph))
    np.testing.assert_allclose(first, [4.5, 0.3 / 0.329, 7.5])
    np.testing.assert_allclose(later, [0.5 / 0.329, 0.5 / 0.329, 7.5])
    # no Cd cut without a pH: the crop is not predicted (as before), so lime_vegetable gains nothing there
    plots = PLOTS.loc[PLOTS["plot_id"] == "daye"]
    plots = pd.concat([plots, plots.assign(plot_id="no_ph", ph=np.nan)], ignore_index=True)
    rows = pd.DataFrame({"plot_id": ["daye", "daye", "no_ph", "no_ph"], "option_id": ["do_nothing", "lime_vegetable"] * 2})
    p = crop_compliance_outcome(rows, None, plots, tables=t)["crop_compliance_prob"].to_numpy(float)
    np.testing.assert_allclose(p[:2], [0.5098, 0.7716], atol=5e-4)
    assert np.isnan(p[2]) and np.isnan(p[3])
    # the step gives no amount without the plot's pH (the requirement is not known), as before
    s = plot_steps("lime_vegetable", 0.2, t)
    assert np.isnan(s.loc[s["measure"] == "lime_to_target", "amount_per_ha"].iloc[0])
    assert s.loc[s["measure"] == "retest_ph_relime", "amount_per_ha"].iloc[0] == pytest.approx(0.5 / 0.329)
