"""Measures for a metal below its GB 15618 screening value on land where another metal exceeds.

GB 15618-2018: at or below the screening value the risk to produce quality, crop growth or soil
ecology is low and can generally be ignored; above it, safe-utilisation measures are in principle
taken for the metal that exceeds. A protective measure that answers only a crop risk the plan
predicts for a metal below its screening value is allowed (``cn_safe_measure_off_class``), ranks among
the allowed options and its sentence says that no measure treats the class metal; where that risk
rests on a transfer function documented to over-predict (``known_bias`` of ``transfer_functions.csv``:
the maize Cd synthesis), unless the harvest was measured above the food limit or the plan rates that
risk red, it is allowed by ``cn_safe_measure_minor_risk`` and ranks with unchanged practice, not ahead
of it. A risk predicted by a function without a documented bias (the rice Cd synthesis, the wheat
default) is not demoted behind unchanged practice. A measure that treats a metal above its screening
value keeps its status whatever else it answers (the Fe–Si As amendment + low-Cd rice on an As paddy
whose rice has an amber Cd risk).
"""

import numpy as np
import pandas as pd

import agriremed
from agriremed.core.tables import load_tables
from agriremed.stages import options
from maize_fit import stricter_maize_tables

BASE = {"area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
        "annual_rain_mm": 1300.0, "mean_temp_c": 17.0, "region": "Hunan/Changde/Shimen", "basic_farmland": "yes"}
#: Shimen-like As-only dry land under maize: As 85 > 40 (pH ≤ 6.5), Cd 0.25 < 0.3
MAIZE = {**BASE, "plot_id": "maize", "land_use": "upland", "crop": "maize", "ph": 5.5, "as_mg_kg": 85.0,
         "cd_mg_kg": 0.25}
#: As paddy whose Cd is a third of its screening value: As 40 > 30, Cd 0.1 (screening 0.3 at pH ≤ 5.5)
AS_PADDY = {**BASE, "plot_id": "as_paddy", "land_use": "paddy", "crop": "rice", "ph": 5.0, "as_mg_kg": 40.0,
            "cd_mg_kg": 0.1}
#: Cd paddy above screening: Cd 0.5 > 0.4 (5.5 < pH ≤ 6.5), As 10
CD_PADDY = {**BASE, "plot_id": "cd_paddy", "land_use": "paddy", "crop": "rice", "ph": 6.0, "as_mg_kg": 10.0,
            "cd_mg_kg": 0.5}
#: Pb-only paddy (regression panel A28, Zhuzhou): Pb 180 > 100 (5.5 < pH ≤ 6.5), Cd 0.35 < 0.4
PB_PADDY = {**BASE, "plot_id": "pb_paddy", "region": "Hunan/Zhuzhou/Lukou", "land_use": "paddy", "crop": "rice",
            "area_ha": 0.4, "ph": 6.0, "bulk_density_g_cm3": 1.15, "cd_mg_kg": 0.35, "pb_mg_kg": 180.0,
            "as_mg_kg": 12.0, "hg_mg_kg": 0.2, "cr_mg_kg": 60.0, "cu_mg_kg": 30.0, "ni_mg_kg": 25.0, "zn_mg_kg": 120.0}
#: Pb-only wheat field: Pb 200 > 70 (other land, pH ≤ 5.5), Cd 0.1 < 0.3
PB_WHEAT = {**BASE, "plot_id": "pb_wheat", "region": "Henan/Xinxiang/Huojia", "land_use": "upland", "crop": "wheat",
            "ph": 5.0, "cd_mg_kg": 0.1, "pb_mg_kg": 200.0, "mean_temp_c": 14.0, "annual_rain_mm": 600.0}
#: Cd and As both above screening: the package treats both
CD_AS_PADDY = {**BASE, "plot_id": "cd_as_paddy", "land_use": "paddy", "crop": "rice", "ph": 6.0, "as_mg_kg": 45.0,
               "cd_mg_kg": 0.5}


def _plan(rows, tables=None):
    return agriremed.plan(pd.DataFrame(rows), agriremed.Scenario(mc_draws=0), tables=tables)


def _table(p):
    return p.table.set_index(["plot_id", "option_id"])


def test_as_only_upland_maize_keeps_maize_with_harvest_tests_not_a_cd_measure():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the rule needs a maize
    # switch near the target
    p = _plan([MAIZE], tables=stricter_maize_tables())
    s = p.summary.set_index("plot_id").loc["maize"]
    t = _table(p)
    assert (s["soil_class"], s["metals_exceeding"]) == ("safe_utilisation", "as")
    # the maize function puts Cd at risk (amber, not red) although Cd is below its screening value
    assert round(s["current_crop_compliance_prob"], 3) == 0.651
    assert (s["recommended_option"], s["policy_rule"]) == ("do_nothing", "cn_safe_baseline_needs_plan")
    for oid in ("foliar_zn_maize", "lime_upland_maize"):
        r = t.loc[("maize", oid)]
        assert bool(r["applicable"]) and r["target_metals"] == "cd", oid
        assert (r["policy_status"], r["policy_rule"]) == ("allowed", "cn_safe_measure_minor_risk"), oid
        assert r["rank"] > t.loc[("maize", "do_nothing"), "rank"], oid
    # foliar Zn scores above unchanged practice and still ranks after it
    assert t.loc[("maize", "foliar_zn_maize"), "score"] > t.loc[("maize", "do_nothing"), "score"]
    # unchanged practice keeps its steps: test each harvest (As in the crop is not assessed: measure it)
    assert "Have each harvest tested before it is sold or eaten" in s["measures"]
    assert s["recommendation"].startswith("As in the crop not assessed (no usable transfer function) — measure it "
                                          "in the harvest (limit: As 0.5 mg/kg, GB2762). Continue current practice")
    assert "which answers only a crop risk of a metal below its screening value" in s["recommendation"]


def test_maize_cd_risk_is_minor_because_its_function_is_documented_to_over_predict():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the rule needs a maize
    # switch near the target
    # the Shimen maize risk rests on synth_maize_cd_ph, flagged over_predicts (karst, Chongqing and pH-class
    # threshold checks, docs/validation.md); the rice and wheat defaults carry no documented bias
    tables = stricter_maize_tables()
    assert tables.over_predicting_functions() == {"synth_maize_cd_ph", "synth_maize_cd_ph_alkaline",
                                                  "chen2021_maize_cd_bcf", "chen2021_wheat_cd_bcf",
                                                  "synth_rice_as_bcf"}
    tf = tables.transfer_functions.set_index("function_id")
    for fid in tables.over_predicting_functions():
        assert tf.loc[fid, "known_bias_source"] and tf.loc[fid, "known_bias_note"].startswith("docs/"), fid
    p = _plan([MAIZE], tables=stricter_maize_tables())
    assert p.uptake.set_index("metal").loc["cd", "function_id"] == "synth_maize_cd_ph"
    # the same amber risk (65 %) from a function without a documented bias: the measures are allowed by the
    # off-class rule, not demoted behind unchanged practice
    plain = tables.replace(transfer_functions=tables.transfer_functions.assign(known_bias=""))
    q = agriremed.plan(pd.DataFrame([MAIZE]), agriremed.Scenario(mc_draws=0), tables=plain)
    s = q.summary.set_index("plot_id").loc["maize"]
    assert round(s["current_crop_compliance_prob"], 3) == 0.651
    assert s["recommended_option"] in ("foliar_zn_maize", "lime_upland_maize")
    assert s["policy_rule"] == "cn_safe_measure_off_class"


def test_crop_risk_masks_keep_only_calibrated_risks_on_request():
    bits = {m: 1 << i for i, m in enumerate(options.METALS)}
    tables = load_tables()
    risk = pd.DataFrame({"plot_id": ["a", "b", "c", "c"], "metal": ["cd", "cd", "cd", "as"],
                         "function_id": ["synth_maize_cd_ph", "mcgrath2002_wheat_cd", "synth_rice_cd_ph", "x"],
                         "p_exceed_limit": [0.3, 0.3, 0.01, 0.3]})
    pid = np.array(["a", "b", "c"], dtype=object)
    assert options._crop_risk_masks(pid, risk, tables, bits).tolist() == [bits["cd"], bits["cd"], bits["as"]]
    assert options._crop_risk_masks(pid, risk, tables, bits, calibrated_only=True).tolist() \
        == [0, bits["cd"], bits["as"]]
    # without function_id every risk counts as calibrated
    assert options._crop_risk_masks(pid, risk.drop(columns="function_id"), tables, bits,
                                    calibrated_only=True).tolist() == [bits["cd"], bits["cd"], bits["as"]]


def test_pb_paddy_with_an_amber_cd_risk_of_the_rice_function_gets_low_cd_rice():
    # regression panel A28: Pb exceeds and no option treats it; the rice is predicted within the Cd limit in
    # 67 % of seasons by the Hunan rice function (calibrated on Hunan paddy pairs: no documented bias). Low-Cd
    # rice lifts that to 89 % and gains 11,702 CNY/ha over 20 yr: allowed by the off-class rule (it does not
    # treat Pb), it is recommended ahead of unchanged practice
    p = _plan([PB_PADDY])
    s = p.summary.set_index("plot_id").loc["pb_paddy"]
    t = _table(p)
    assert (s["soil_class"], s["metals_exceeding"]) == ("safe_utilisation", "pb")
    assert p.uptake.set_index("metal").loc["cd", "function_id"] == "synth_rice_cd_ph_hunan"
    assert round(s["current_crop_compliance_prob"], 3) == 0.666
    assert (s["recommended_option"], s["policy_rule"]) == ("low_cd_rice", "cn_safe_measure_off_class")
    low = t.loc[("pb_paddy", "low_cd_rice")]
    assert (low["policy_status"], low["rank"]) == ("allowed", 1)
    assert round(low["crop_compliance_prob"], 3) == 0.886
    assert round(low["npv_vs_baseline_cny_ha"]) == 11702
    for oid in ("lime_rice", "flooded_rice", "foliar_inhibitor"):
        assert t.loc[("pb_paddy", oid), "policy_rule"] == "cn_safe_measure_off_class", oid
        assert t.loc[("pb_paddy", oid), "rank"] < t.loc[("pb_paddy", "do_nothing"), "rank"], oid
    assert "ranked before" not in s["recommendation"]


def test_pb_paddy_low_cd_rice_is_allowed_by_the_off_class_rule_and_says_no_measure_treats_pb():
    # no option of the library treats Pb: low-Cd rice only protects the rice from Cd (a calibrated, not a
    # minor, risk), so the off-class rule allows it, it is not put behind unchanged practice, and its
    # sentence says that no measure treating Pb fits and to choose another measure for Pb locally
    p = _plan([PB_PADDY])
    s = p.summary.set_index("plot_id").loc["pb_paddy"]
    assert (s["recommended_option"], s["policy_rule"]) == ("low_cd_rice", "cn_safe_measure_off_class")
    low = p.table.set_index(["plot_id", "option_id"]).loc[("pb_paddy", "low_cd_rice")]
    assert (low["policy_status"], low["rank"]) == ("allowed", 1)
    assert "policy china, rule cn_safe_measure_off_class: a measure that treats none of the metals above " \
           "their screening value" in low["reason"]
    assert p.ranking.set_index("option_id").loc["low_cd_rice", "target_tier"] == 0
    assert "Low-Cd rice variety (VIP: V): no measure of a safe-utilisation plan in the option library that " \
           "treats Pb (above the screening value) fits this plot; this option only protects the crop from Cd: " \
           in s["recommendation"]
    assert "choose substitute planting or another measure for Pb locally and monitor the crop" in s["recommendation"]


def test_wheat_with_an_amber_cd_risk_ranks_its_wheat_measure_ahead_of_unchanged_practice():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the rule needs a maize
    # switch near the target
    # Pb-only wheat land (like the sweep plots Q111, Q206): Cd 0.1 below its screening value, the wheat
    # predicted within the Cd limit in 57 % of seasons by the wheat default (mcgrath2002_wheat_cd, the UK
    # function with pH: no documented bias). Foliar Zn (80 %, +6,952 CNY/ha) does not treat Pb: allowed by the
    # off-class rule, it ranks by its score among the allowed options and is recommended
    p = _plan([PB_WHEAT], tables=stricter_maize_tables())
    s = p.summary.set_index("plot_id").loc["pb_wheat"]
    t = _table(p)
    assert p.uptake.set_index("metal").loc["cd", "function_id"] == "mcgrath2002_wheat_cd"
    assert round(s["current_crop_compliance_prob"], 3) == 0.574
    assert (s["recommended_option"], s["policy_rule"]) == ("foliar_zn_wheat", "cn_safe_measure_off_class")
    zn = t.loc[("pb_wheat", "foliar_zn_wheat")]
    assert (zn["policy_status"], zn["rank"]) == ("allowed", 1)
    assert round(zn["crop_compliance_prob"], 3) == 0.795 and round(zn["npv_vs_baseline_cny_ha"]) == 6952
    for oid in ("low_cd_wheat", "lime_upland_wheat"):
        assert t.loc[("pb_wheat", oid), "policy_rule"] == "cn_safe_measure_off_class", oid
    # by score with unchanged practice (0.610): low-Cd wheat (0.648) before it, lime (0.596) after it
    assert t.loc[("pb_wheat", "low_cd_wheat"), "rank"] < t.loc[("pb_wheat", "do_nothing"), "rank"]
    assert t.loc[("pb_wheat", "lime_upland_wheat"), "rank"] > t.loc[("pb_wheat", "do_nothing"), "rank"]
    tiers = p.ranking.set_index("option_id")["target_tier"]
    assert tiers["foliar_zn_wheat"] == 0 and tiers["lime_upland_wheat"] == 0


def test_as_paddy_with_cd_a_third_of_screening_gets_the_package_that_treats_as():
    # Cd 0.1 is a third of its screening value, but the acid paddy's rice is predicted within the Cd limit
    # in only 67 % of seasons (amber: below the green threshold, so rule 4c keeps the package; not red, so
    # rule 4b still excludes the Cd-only measures). The package treats As, the metal above its screening
    # value: rule 4d does not demote it for what its low-Cd variety answers, and it ranks first (89 %)
    p = _plan([AS_PADDY])
    s = p.summary.set_index("plot_id").loc["as_paddy"]
    t = _table(p)
    assert s["metals_exceeding"] == "as"
    assert round(s["current_crop_compliance_prob"], 3) == 0.669
    assert (s["recommended_option"], s["policy_rule"]) == ("as_fe_si_low_cd_rice", "cn_safe_keep_food")
    pkg = t.loc[("as_paddy", "as_fe_si_low_cd_rice")]
    assert bool(pkg["applicable"]) and pkg["target_metals"] == "as+cd"
    assert (pkg["policy_status"], pkg["policy_rule"]) == ("expected", "cn_safe_keep_food")
    assert round(pkg["crop_compliance_prob"], 3) == 0.888
    assert pkg["rank"] == 1
    assert t.loc[("as_paddy", "as_fe_si_amendment"), "rank"] == 2
    assert t.loc[("as_paddy", "do_nothing"), "rank"] == 3
    # no option credited with Cd alone is expected on the plot (rule 4b: not the treatment of the As paddy)
    rows = t.loc["as_paddy"]
    cd_expected = rows["applicable"].astype(bool) & (rows["target_metals"].fillna("") == "cd") \
        & (rows["policy_status"] == "expected")
    assert not cd_expected.any(), rows.index[cd_expected].tolist()


def test_chenzhou_as_paddy_with_an_amber_cd_risk_gets_the_package_first():
    # Chenzhou-like As paddies: As 40 > 30 (pH <= 5.5), Cd 0.25 < 0.3, rice predicted within the Cd limit in
    # 53 % (pH 5.0) and 62 % (pH 5.5) of seasons (amber). The package treats As and its low-Cd variety lifts
    # that to 80 % and 86 % for 600 CNY/ha/yr of seed: it is expected and ranks before the amendment alone
    # (which leaves the Cd risk as it is) and before unchanged practice
    cz = {**AS_PADDY, "region": "Hunan/Chenzhou", "cd_mg_kg": 0.25}
    p = _plan([{**cz, "plot_id": "cz50", "ph": 5.0}, {**cz, "plot_id": "cz55", "ph": 5.5}])
    t = _table(p)
    s = p.summary.set_index("plot_id")
    for pid, now, pkg_prob in (("cz50", 0.529, 0.802), ("cz55", 0.625, 0.863)):
        pkg = t.loc[(pid, "as_fe_si_low_cd_rice")]
        am = t.loc[(pid, "as_fe_si_amendment")]
        assert round(s.loc[pid, "current_crop_compliance_prob"], 3) == now, pid
        assert (round(pkg["crop_compliance_prob"], 3), round(am["crop_compliance_prob"], 3)) == (pkg_prob, now), pid
        assert (pkg["policy_status"], pkg["policy_rule"]) == ("expected", "cn_safe_keep_food"), pid
        assert (pkg["rank"], am["rank"], t.loc[(pid, "do_nothing"), "rank"]) == (1, 2, 3), pid
        assert (s.loc[pid, "recommended_option"], s.loc[pid, "policy_rule"]) \
            == ("as_fe_si_low_cd_rice", "cn_safe_keep_food"), pid
        # more rice sold as compliant: a better NPV than the amendment alone
        assert pkg["npv_vs_baseline_cny_ha"] > am["npv_vs_baseline_cny_ha"], pid


def test_cd_paddies_above_screening_keep_their_cd_measures():
    p = _plan([CD_PADDY, CD_AS_PADDY])
    t = _table(p)
    s = p.summary.set_index("plot_id")
    for oid in ("low_cd_rice", "lime_rice", "flooded_rice"):
        assert (t.loc[("cd_paddy", oid), "policy_status"], t.loc[("cd_paddy", oid), "policy_rule"]) \
            == ("expected", "cn_safe_keep_food"), oid
    assert s.loc["cd_paddy", "recommended_option"] == "flooded_rice"
    pkg = t.loc[("cd_as_paddy", "as_fe_si_low_cd_rice")]
    assert (pkg["policy_status"], pkg["policy_rule"]) == ("expected", "cn_safe_keep_food")
    assert s.loc["cd_as_paddy", "recommended_option"] == "as_fe_si_low_cd_rice"


def test_a_harvest_measured_above_the_limit_keeps_the_measure_out_of_the_minor_risk_rule():
    # maize grain Cd 0.15 > 0.1 (GB 2762) and rice Cd 0.3 > 0.2: the measured harvest exceeds; 150 typed in
    # a mg/kg column (µg/kg?) lies above the column's typical range and is not counted
    p = _plan([{**MAIZE, "crop_cd_mg_kg": 0.15}, {**AS_PADDY, "crop_cd_mg_kg": 0.3},
               {**MAIZE, "plot_id": "maize_ug", "crop_cd_mg_kg": 150.0}])
    t = _table(p)
    s = p.summary.set_index("plot_id")
    for oid in ("foliar_zn_maize", "lime_upland_maize"):
        assert (t.loc[("maize", oid), "policy_status"], t.loc[("maize", oid), "policy_rule"]) \
            == ("allowed", "cn_safe_measure_off_class"), oid
        assert t.loc[("maize_ug", oid), "policy_rule"] == "cn_safe_measure_minor_risk", oid
    assert s.loc["maize", "recommended_option"] in ("foliar_zn_maize", "lime_upland_maize")
    assert s.loc["maize_ug", "recommended_option"] == "do_nothing"
    pkg = t.loc[("as_paddy", "as_fe_si_low_cd_rice")]
    assert (pkg["policy_status"], pkg["policy_rule"]) == ("expected", "cn_safe_keep_food")
    assert s.loc["as_paddy", "recommended_option"] == "as_fe_si_low_cd_rice"


def test_measured_over_masks_compare_the_harvest_with_the_limit_of_the_prediction():
    bits = {m: 1 << i for i, m in enumerate(options.METALS)}
    plots = pd.DataFrame({"plot_id": ["a", "b", "c", "d"], "crop_cd_mg_kg": [0.3, 0.1, 150.0, np.nan]})
    risk = pd.DataFrame({"plot_id": ["a", "b", "c", "d"], "metal": ["cd"] * 4, "food_limit_mg_kg": [0.2] * 4,
                         "limit_species": ["total"] * 4, "p_exceed_limit": [0.3] * 4})
    got = options._measured_over_masks(plots, risk, bits)
    assert got.tolist() == [bits["cd"], 0, 0, 0]
    assert options._measured_over_masks(plots, None, bits).tolist() == [0, 0, 0, 0]


def test_the_rule_names_the_screening_value_definition():
    rules = load_tables().land_rules.set_index("rule_id")
    off = rules.loc["cn_safe_measure_off_class"]
    assert off["status"] == "allowed" and off["applies_to"] == options.OFF_CLASS_FAMILY
    r = rules.loc["cn_safe_measure_minor_risk"]
    assert r["status"] == "allowed" and r["applies_to"] == options.MINOR_RISK_FAMILY
    assert "at or below which the risk to produce quality, crop growth or soil ecology is low and can generally " \
           "be ignored" in r["reason_en"]
    assert "一般情况下可以忽略" in r["reason_zh"]
    assert "mee2018_gb15618" in r["source"].split(";")
