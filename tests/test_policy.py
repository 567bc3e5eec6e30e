"""Decisions that follow the land's class: the golden policy panel and policy properties.

The panel (``tests/golden/policy_panel.yaml``) holds canonical situations with the
recommendation family the jurisdiction rules force and the rule that decides it; the
properties check, over generated plots, that with the china rule set safe-utilisation grain
land keeps producing food, strict-control land never produces food for sale and permanent
basic farmland never gets trees.
"""

from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.models.ranking import NO_MEASURE_TIER
from plotdata import make_plots
from maize_fit import stricter_maize_tables

PANEL = yaml.safe_load((Path(__file__).parent / "golden" / "policy_panel.yaml").read_text(encoding="utf-8"))
CASES = PANEL["cases"]
DEFAULTS = {"area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2, "depth_m": 0.2,
            "annual_rain_mm": 1300.0, "mean_temp_c": 17.0}


def _plan(plots: pd.DataFrame, rule_set: str = "china", tables=None):
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0, rule_set=rule_set), tables=tables)


#: the upland and vegetable safe-utilisation measures (liming, foliar Zn, low-Cd wheat, liming acid leafy-vegetable
#: land by lime requirement): tests of other mechanisms (biochar off-class, a crop switch off-class, the min-gain
#: tier) leave them out so that the option they are about stays the one compared
UPLAND_MEASURES = ("lime_upland_wheat", "lime_upland_maize", "foliar_zn_wheat", "foliar_zn_maize", "low_cd_wheat",
                   "lime_vegetable")


def _plan_without_upland_measures(plots: pd.DataFrame, tables=None):
    ids = tuple(o for o in load_tables().options["option_id"] if o not in UPLAND_MEASURES)
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0, rule_set="china", options=ids), tables=tables)


def _recommended(p) -> pd.DataFrame:
    fam = load_tables().options.set_index("option_id")["policy_family"]
    rec = p.table.loc[p.table["recommended"]].set_index("plot_id")
    return rec.assign(policy_family=rec["option_id"].map(fam))


@pytest.fixture(scope="module")
def panel_results():
    out = {}
    for rule_set in sorted({c.get("rule_set", "china") for c in CASES}):
        cases = [c for c in CASES if c.get("rule_set", "china") == rule_set]
        plots = pd.DataFrame([{**DEFAULTS, "plot_id": c["id"], **c["plot"]} for c in cases])
        p = _plan(plots, rule_set)
        assert p.rejected.empty, p.rejected
        out.update({c["id"]: (p, c) for c in cases})
    return out


def test_panel_has_the_canonical_situations():
    ids = {c["id"] for c in CASES}
    assert len(ids) == len(CASES) >= 15
    known = set(load_tables().sources["key"])
    for c in CASES:
        assert c["why"] and set(c["sources"]) <= known, c["id"]


@pytest.mark.parametrize("case_id", [c["id"] for c in CASES])
def test_golden_policy_panel(panel_results, case_id):
    p, case = panel_results[case_id]
    rec = _recommended(p)
    assert case_id in rec.index, f"{case_id}: no recommendation"
    r = rec.loc[case_id]
    what = f"{case_id}: recommended {r['option_id']} ({r['policy_family']}, rule {r['policy_rule']!r})"
    if "families" in case:
        assert r["policy_family"] in case["families"], what
    assert r["policy_rule"] in case["rules"], what
    assert r["option_id"] not in case.get("never_options", []), what
    assert r["policy_family"] not in case.get("never_families", []), what
    s = p.summary.set_index("plot_id").loc[case_id]
    assert s["rule_set"] == case.get("rule_set", "china") and s["policy_rule"] == r["policy_rule"]
    if p.soil_plot.set_index("plot_id").loc[case_id, "soil_class"] == "strict_control":
        assert r["food_crop"] == "none", what


def test_the_panel_can_fail(panel_results):
    # the same strict-control paddy under rule set none may keep any family: the panel's rule
    # expectation then fails, so the check is not vacuous
    p, case = panel_results["hg_strict_paddy_basic_farmland"]
    plots = pd.DataFrame([{**DEFAULTS, "plot_id": case["id"], **case["plot"]}])
    r = _recommended(_plan(plots, "none")).iloc[0]
    assert r["policy_rule"] not in case["rules"]


_ZH_TABLE = ["reason", "why_food_safety", "why_food_production", "why_livelihood", "why_clean_up", "why_carbon",
             "why_economics", "data_gaps"]
_ZH_SUMMARY = ["recommendation", "monitoring", "duration_text"]


def _zh_leftovers(frame: pd.DataFrame, cols) -> list:
    """(plot, column, English words, Chinese text) of every text of ``cols`` whose Chinese rendering
    (from its message column) keeps English words, or is the English text itself."""
    from agriremed.core import i18n, messages

    bad = []
    for col in cols:
        t = frame.loc[frame[col].notna() & (frame[col] != "")]
        for pid, en, zh in zip(t["plot_id"], t[col], messages.column_texts(t, col, "zh"), strict=True):
            words = i18n.untranslated(zh)
            if words or (zh == en and any(ch.isalpha() for ch in en)):
                bad.append((pid, col, words, zh))
    return bad


def test_every_panel_recommendation_reads_in_chinese(panel_results):
    # the recommended option's reason, traffic-light reasons and evidence gaps, and the plot's
    # sentence, monitoring and duration, rendered in zh from their message columns
    seen = set()
    for p, _ in panel_results.values():
        if id(p) in seen:
            continue
        seen.add(id(p))
        rec = p.table.loc[p.table["recommended"]]
        assert _zh_leftovers(rec, _ZH_TABLE) == []
        assert _zh_leftovers(p.summary, _ZH_SUMMARY) == []
    # the rule of each Chinese-input case is named in its Chinese reason, and a rule that only allows
    # or restrains the option is quoted in Chinese
    from agriremed.core import messages

    for cid in ("zh_strict_paddy_basic_farmland", "zh_safe_upland_not_basic_farmland", "tea_garden_pb"):
        p, case = panel_results[cid]
        rec = p.table.loc[p.table["recommended"] & p.table["plot_id"].eq(cid)]
        zh = messages.column_texts(rec, "reason", "zh")[0]
        # the rule by its short name, not its id
        label = load_tables().land_rules.set_index("rule_id").at[rec["policy_rule"].iloc[0], "label_zh"]
        assert f"中国规则集规则“{label}”" in zh and rec["policy_rule"].iloc[0] not in zh, zh
    # a rule that only allows the recommended option is quoted in full, from reason_zh of land_rules.csv
    rules = load_tables().land_rules.set_index("rule_id")
    for cid in ("tea_garden_pb", "citrus_orchard_safe", "cu_upland_maize_safe"):
        p, _ = panel_results[cid]
        rec = p.table.loc[p.table["recommended"] & p.table["plot_id"].eq(cid)]
        if rec["policy_status"].iloc[0] != "expected":
            assert rules.loc[rec["policy_rule"].iloc[0], "reason_zh"] in messages.column_texts(rec, "reason", "zh")[0]


def test_chinese_input_values_read_as_their_codes(panel_results):
    p, _ = panel_results["zh_strict_vegetable_unknown"]
    s = p.summary.set_index("plot_id").loc["zh_strict_vegetable_unknown"]
    assert (s["land_use"], s["crop"], s["basic_farmland"]) == ("vegetable", "pak_choi", "unknown")
    p, _ = panel_results["zh_strict_paddy_basic_farmland"]
    s = p.summary.set_index("plot_id").loc["zh_strict_paddy_basic_farmland"]
    assert (s["land_use"], s["crop"], s["basic_farmland"]) == ("paddy", "rice", "yes")
    p, _ = panel_results["tea_garden_pb"]
    assert p.summary.set_index("plot_id").loc["tea_garden_pb", "land_use"] == "orchard"


def test_a_plot_without_ph_is_rejected_by_name_and_the_others_are_planned():
    # GB 15618 picks its values by pH band: where the bands give different classes, no class can be given
    # without pH, so the row is rejected with the column named, never planned on a guessed band
    from agriremed.core import messages

    case = next(c for c in CASES if c["id"] == "cd_light_acid_paddy")
    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "no_ph", **case["plot"], "ph": None},
                          {**DEFAULTS, "plot_id": case["id"], **case["plot"]}])
    p = _plan(plots)
    assert p.rejected["plot_id"].tolist() == ["no_ph"]
    assert p.rejected["input_row"].tolist() == [1]
    # Cd 0.45 on a paddy is safe utilisation at pH ≤ 6.5 and priority protection above: the class depends on pH
    assert p.rejected["reasons"].iloc[0] == (
        "ph: required value is blank: the soil class of this row depends on the pH (GB 15618 pH bands give "
        "different classes for a metal given) — measure the soil pH (water) (expected a number ≥ 2 and ≤ 11)")
    zh = messages.column_texts(p.rejected, "reasons", "zh")[0]
    assert zh == ("土壤pH（水浸提）：必填值为空：本行的土壤类别取决于pH（某种金属在GB 15618不同pH区间的类别不同）——"
                  "请测定土壤pH（水浸）（应为数值≥ 2且≤ 11）") and zh != p.rejected["reasons"].iloc[0]
    assert p.summary["plot_id"].tolist() == [case["id"]]
    assert len(p.rejected) + len(p.summary) == len(plots)


def test_a_plot_table_without_the_basic_farmland_column_reads_unknown():
    # strict-control paddy: without the column nothing is known about basic farmland, so forest or
    # grass is only allowed (checked first) and ranks after the expected non-food uses
    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "S", "land_use": "paddy", "crop": "rice", "ph": 5.0,
                           "cd_mg_kg": 1.8}])
    p = _plan(plots)
    t = p.table.set_index("option_id")
    assert t.loc["willow_src", "policy_status"] == "allowed"
    assert t.loc["willow_src", "policy_rule"] == "cn_strict_retire_check"
    r = _recommended(p).iloc[0]
    assert r["policy_rule"] == "cn_strict_risk_control" and r["policy_family"] in PANEL["families"]["non_food_no_trees"]


def test_a_strict_orchard_outside_basic_farmland_is_offered_energy_trees_and_one_inside_is_not():
    # strict-control citrus orchard (Cd 2.2 > 1.5 at pH 5.0) outside, inside and of unknown basic-farmland
    # status: short-rotation willow and poplar are expected outside (退耕还林, Art. 54; an orchard is
    # already woody land), forbidden inside, allowed after a check when unknown; on a safe-utilisation
    # orchard (园地, not cultivated land) restrained, ranked after keeping the crop
    base = {**DEFAULTS, "land_use": "orchard", "crop": "citrus", "ph": 5.0, "region": "Hunan/Chenzhou"}
    plots = pd.DataFrame([{**base, "plot_id": "out", "cd_mg_kg": 2.2, "basic_farmland": "no"},
                          {**base, "plot_id": "in", "cd_mg_kg": 2.2, "basic_farmland": "yes"},
                          {**base, "plot_id": "unknown", "cd_mg_kg": 2.2, "basic_farmland": "unknown"},
                          {**base, "plot_id": "safe", "cd_mg_kg": 0.5, "basic_farmland": "no"}])
    t = _plan(plots).table.set_index(["plot_id", "option_id"])
    for oid in ("willow_src", "poplar_src"):
        assert t.loc[("out", oid), ["applicable", "policy_status", "policy_rule"]].tolist() \
            == [True, "expected", "cn_strict_orchard_trees"], oid
        assert t.loc[("out", oid), "reason"].endswith("policy china, rule cn_strict_orchard_trees: expected")
        assert t.loc[("in", oid), ["applicable", "policy_rule"]].tolist() == [False, "cn_bf_no_trees"], oid
        assert t.loc[("unknown", oid), ["applicable", "policy_status", "policy_rule"]].tolist() \
            == [True, "allowed", "cn_strict_retire_check"], oid
        assert t.loc[("safe", oid), ["applicable", "policy_status", "policy_rule"]].tolist() \
            == [True, "restrained", "cn_orchard_trees_restrained"], oid
        assert not t.loc[("safe", oid), "recommended"], oid
    rule = load_tables().land_rules.set_index("rule_id").loc["cn_strict_orchard_trees"]
    assert rule["source"] == "cn_soil_law2018;mnr2023_pv_land;mep2017_order46" and "退耕还林" in rule["reason_zh"]


def test_an_idle_safe_paddy_returned_to_rice_judges_liming_as_for_rice():
    # idle safe-utilisation paddies (no crop; Cd above screening): the plan returns them to rice (VIP+n,
    # low-Cd rice, flooding), so liming is judged as for rice, never excluded for "no food crop" while a
    # package containing lime applies; above pH 6.5 lime and the limed packages are out for the same reason
    base = {**DEFAULTS, "land_use": "paddy", "crop": "none", "basic_farmland": "no", "region": "Hunan/Zhuzhou"}
    plots = pd.DataFrame([{**base, "plot_id": "acid", "ph": 5.2, "cd_mg_kg": 0.6},
                          {**base, "plot_id": "acid_as", "ph": 5.8, "cd_mg_kg": 0.8, "as_mg_kg": 45.0},
                          {**base, "plot_id": "neutral", "ph": 7.0, "cd_mg_kg": 0.9}])
    p = _plan(plots)
    t = p.table.set_index(["plot_id", "option_id"])
    lime = t.loc[("acid", "lime_rice")]
    assert lime["applicable"] and lime["policy_rule"] == "cn_safe_keep_food"
    assert lime["reason"].startswith("treats cd; 7.5 t/ha CaCO3 raises pH 5.20 → 6.20")
    assert t.loc[("acid_as", "lime_rice"), "applicable"] and t.loc[("acid_as", "vip_n_no_flood"), "applicable"]
    for oid in ("lime_rice", "lime_low_cd_rice", "vip_n_no_flood"):
        assert t.loc[("neutral", oid), "reason"].startswith("soil pH 7.0 is above 6.5"), oid
    # every component of an applicable package is judged on the same crop: none is excluded for want of one
    packages = load_tables().option_packages
    no_food = "no food crop on the plot to protect"
    for pid in ("acid", "acid_as", "neutral"):
        for pkg, comp in zip(packages["package_id"], packages["component_option_id"], strict=True):
            if t.loc[(pid, pkg), "applicable"]:
                assert t.loc[(pid, comp), "reason"] != no_food, (pid, pkg, comp)
    rec = _recommended(p)
    assert rec.loc["acid", "policy_rule"] == "cn_safe_keep_food" and rec.loc["acid", "food_crop"] == "rice"


def test_idle_clean_upland_goes_back_to_grain_and_farmed_or_paddy_land_does_not_switch():
    # idle dry land below every screening value: maize grain (the library's upland grain, assumed: no crop
    # given) is expected by cn_clean_idle_grain and ranks before leaving it idle; a farmed clean plot is
    # not switched, and an idle clean paddy (its grain is rice) is not given maize
    base = {**DEFAULTS, "ph": 7.8, "cd_mg_kg": 0.2, "basic_farmland": "no", "region": "Henan/Xinxiang"}
    plots = pd.DataFrame([{**base, "plot_id": "idle", "land_use": "upland", "crop": "none"},
                          {**base, "plot_id": "wheat", "land_use": "upland", "crop": "wheat"},
                          {**base, "plot_id": "paddy", "land_use": "paddy", "crop": "none"}])
    p = _plan(plots)
    t = p.table.set_index(["plot_id", "option_id"])
    g = t.loc[("idle", "maize_grain")]
    assert g["applicable"] and g["policy_status"] == "expected" and g["policy_rule"] == "cn_clean_idle_grain"
    assert g["reason"] == ("returns the idle land to grain: maize assumed (the plot names no crop and no default "
                           "crop per region is tabulated); policy china, rule cn_clean_idle_grain: expected")
    assert g["rank"] < t.loc[("idle", "do_nothing"), "rank"] < t.loc[("idle", "fallow"), "rank"]
    assert t.loc[("idle", "fallow"), "policy_rule"] == "cn_clean_keep_farming"
    rec = _recommended(p)
    assert rec.loc["idle", "option_id"] == "maize_grain" and rec.loc["idle", "food_crop"] == "maize"
    for pid in ("wheat", "paddy"):
        r = t.loc[(pid, "maize_grain")]
        assert not r["applicable"] and r["reason"] == "soil is at or below all screening values: no remediation needed"
        assert rec.loc[pid, "option_id"] == "do_nothing"
    from agriremed.core import messages

    zh = messages.column_texts(p.table.loc[p.table["plot_id"].eq("idle") & p.table["option_id"].eq("maize_grain")],
                               "reason", "zh")[0]
    assert zh.startswith("闲置耕地复耕种粮：假定种植玉米"), zh


def test_abandoned_cultivated_land_is_cultivated_land_never_wasteland():
    # 撂荒地 / 闲置地 (abandoned or idle cultivated land) is still cultivated land (耕地): without its recorded
    # class (水田 or 旱地, whose GB 15618 values differ) the row is rejected asking for it, never planned as
    # wasteland (PV, non-food sorghum); a marginal plot flagged permanent basic farmland or growing a food
    # crop contradicts itself and is rejected the same way
    from agriremed.core import messages

    base = {**DEFAULTS, "ph": 5.0, "cd_mg_kg": 0.8, "region": "湖南/衡阳"}
    plots = pd.DataFrame([{**base, "plot_id": "liaohuang", "land_use": "撂荒地", "crop": "none", "basic_farmland": "是"},
                          {**base, "plot_id": "xianzhi", "land_use": "闲置地", "crop": "none", "basic_farmland": "否",
                           "lat": 26.9, "lon": 112.6},
                          {**base, "plot_id": "marg_bf", "land_use": "marginal", "crop": "none", "basic_farmland": "yes"},
                          {**base, "plot_id": "marg_rice", "land_use": "marginal", "crop": "rice", "basic_farmland": "no"},
                          {**base, "plot_id": "paddy", "land_use": "撂荒水田", "crop": "撂荒", "basic_farmland": "是"},
                          {**base, "plot_id": "waste", "land_use": "荒地", "crop": "none", "basic_farmland": "否"}])
    p = _plan(plots)
    rej = p.rejected.set_index("plot_id")["reasons"]
    assert sorted(rej.index) == ["liaohuang", "marg_bf", "marg_rice", "xianzhi"]
    why = ("abandoned or idle cultivated land (撂荒地) is still cultivated land (耕地), not wasteland: write the "
           "land class it is recorded as in the land survey, paddy (水田, e.g. 撂荒水田) or upland (旱地, e.g. 撂荒旱地), "
           "with crop none (撂荒); paddy and dry land have different GB 15618 screening values")
    assert rej["liaohuang"].startswith("land_use '撂荒地': " + why) and rej["xianzhi"].startswith("land_use '闲置地': " + why)
    assert rej["marg_bf"].startswith("land_use, basic_farmland 'marginal, yes': the inputs contradict: marginal land")
    assert rej["marg_rice"].startswith("land_use, crop 'marginal, rice': the inputs contradict: marginal land")
    zh = dict(zip(p.rejected["plot_id"], messages.column_texts(p.rejected, "reasons", "zh")))
    assert "撂荒地、闲置地仍属耕地而非荒地" in zh["liaohuang"] and "输入相互矛盾" in zh["marg_rice"]
    s = p.summary.set_index("plot_id")
    assert s.loc["paddy", ["land_use", "crop", "soil_class"]].tolist() == ["paddy", "none", "safe_utilisation"]
    assert s.loc["waste", "land_use"] == "marginal"
    rec = _recommended(p)
    assert rec.loc["paddy", "policy_rule"] == "cn_safe_keep_food" and rec.loc["paddy", "food_crop"] == "rice"


def test_a_safe_food_option_predicted_to_fail_the_food_limit_is_said_and_ranked_after_compliant_ones():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the rule needs a maize
    # switch near the target
    # (idle dry land: the food criteria score maize against maize, the upland reference crop; staying idle 0)
    # safe utilisation counts only with compliant produce: an expected food option whose crop is predicted
    # to meet GB 2762 with less than the scenario's target (0.9) ranks after the expected ones that meet it
    # (where none does, after those within min_compliance_gain of the closest), and where it is the plan the
    # sentence says it is not expected to make the crop compliant, with how many harvests in 10 fail
    from agriremed.core import messages

    base = {**DEFAULTS, "land_use": "upland", "crop": "none"}
    plots = pd.DataFrame([{**base, "plot_id": "north", "ph": 6.0, "cd_mg_kg": 2.0, "region": "Jilin/Siping",
                           "mean_temp_c": 6.0, "annual_rain_mm": 600.0},
                          {**base, "plot_id": "acid", "ph": 5.0, "cd_mg_kg": 1.0, "region": "Hunan"}])
    p = _plan(plots, tables=stricter_maize_tables())
    t = p.table.set_index(["plot_id", "option_id"])
    rk = p.ranking.set_index(["plot_id", "option_id"])
    rec = _recommended(p)
    # Jilin, pH 6.0, Cd 2.0 (the intervention value), mean 6 °C (below the 10 °C of Sedum's field evidence, so
    # no remediation with food applies): maize grain (48 %: 10^(−0.2399 + 0.4305·log10 2 − 0.142·6.0) = 0.1091
    # mg/kg, Φ((−1 − log10 0.1082)/0.722) = 0.479) is still the plan (safe land stays in food), with the warning
    assert rec.loc["north", "option_id"] == "maize_grain"
    assert round(t.loc[("north", "maize_grain"), "crop_compliance_prob"], 3) == 0.479
    # (no expected food option reaches the target: maize, the only one of known compliance, is the closest)
    assert rk.loc[("north", "maize_grain"), "target_tier"] == 0
    s = p.summary.set_index("plot_id")
    assert ("metals stay in the soil; not expected to make the crop meet GB2762 (48 % < 90 %): about 5 in 10 "
            "harvests predicted above the limit, test the harvest before sale; re-check the class with crop data; if "
            "it fails, strict-control measures apply; ahead of Continue current practice (score 0.56 vs 0.22), which "
            "the rule set permits on this land but does not expect.") in s.loc["north", "recommendation"]
    zh = dict(zip(p.summary["plot_id"], messages.column_texts(p.summary, "recommendation", "zh")))
    assert "预计不能使作物达到GB2762（48 % < 90 %）：预计约每10季收获中有5季超过限量，出售前请检测收获的农产品" in zh["north"], \
        zh["north"]
    # pH 5.0, Cd 1.0: maize grain (47 %) scores higher than Sedum-wheat intercropping (wheat compliant in 56 %
    # of seasons); neither reaches the target, but maize is more than 5 points (min_compliance_gain) further from
    # it, so the intercrop is the plan, and the sentence says why
    assert round(t.loc[("acid", "maize_grain"), "crop_compliance_prob"], 2) == 0.47
    assert t.loc[("acid", "maize_grain"), "score"] > t.loc[("acid", "sedum_wheat_intercrop"), "score"]
    assert rec.loc["acid", "option_id"] == "sedum_wheat_intercrop"
    assert rk.loc[("acid", "sedum_wheat_intercrop"), "target_tier"] == 0
    assert rk.loc[("acid", "maize_grain"), "target_tier"] == 1
    # the clause names the numbers compared: the runner-up's share of compliant food seasons, the target and
    # the intercrop's share, itself below the target
    assert ("whose crop is predicted to meet the food limit in 47 % of its food seasons, below the target of 90 % "
            "(this option, also below the target but closer to it: 56 % of its food seasons)") \
        in s.loc["acid", "recommendation"]
    assert ("below the plan's compliance target (56 % < 90 %): about 4 in 10 harvests predicted above the "
            "limit, test the harvest before sale") in s.loc["acid", "recommendation"]
    assert "后者作物预计达标的季数占47 %，低于目标90 %（本方案同样低于目标，但更接近：作物达标的季数占56 %）" in zh["acid"]
    # with the former default target of 0.5 the intercrop (56 %) met it and maize (47 %) did not
    half = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, rule_set="china", target_compliance_prob=0.5),
                          tables=stricter_maize_tables())
    s5 = half.summary.set_index("plot_id")
    assert ("whose crop is predicted to meet the food limit in 47 % of its food seasons, below the target of 50 % "
            "(this option: 56 % of its food seasons)") in s5.loc["acid", "recommendation"]
    assert "not expected to make" not in s5.loc["acid", "recommendation"]


def test_an_expected_switch_less_compliant_and_costlier_than_unchanged_practice_is_not_forced_above_it():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the rule needs a maize
    # switch near the target
    # a wheat field at pH 9.0 (Cd 0.7, safe utilisation) whose only measure is the switch to maize grain:
    # maize meets the Cd limit with 73 % (its pH effect held at pH 8), wheat as now with 86 %, and maize loses 553
    # CNY/ha: the rule set does not put it ahead of unchanged practice, which wins on score
    # (given as spring wheat: a winter wheat row of Hunan is not offered the switch to summer maize at all)
    base = {**DEFAULTS, "plot_id": "w", "land_use": "upland", "crop": "wheat", "ph": 9.0, "cd_mg_kg": 0.7,
            "region": "Hunan/Xiangtan", "basic_farmland": "no", "wheat_type": "spring"}
    p = agriremed.plan(pd.DataFrame([base]),
                       agriremed.Scenario(mc_draws=0, options=("do_nothing", "maize_grain")),
                       tables=stricter_maize_tables())
    t = p.table.set_index("option_id")
    assert (round(t.loc["maize_grain", "crop_compliance_prob"], 2), round(t.loc["do_nothing", "crop_compliance_prob"], 2)) \
        == (0.73, 0.86)
    assert round(t.loc["maize_grain", "npv_vs_baseline_cny_ha"]) == -553
    assert t.loc["maize_grain", "score"] < t.loc["do_nothing", "score"]
    assert t.loc["maize_grain", "policy_status"] == "expected"
    # no option of the plot makes the crop safer by min_compliance_gain: the switch ranks after unchanged
    # practice (target_tier 6, which takes the place of 2, ranked with the allowed options)
    assert p.ranking.set_index("option_id").loc["maize_grain", "target_tier"] == 6
    assert _recommended(p).loc["w", "option_id"] == "do_nothing"
    assert ("ranked before Switch to maize grain" in p.summary["recommendation"].iat[0]
            and "which would leave the crop no more likely to meet the food limit than unchanged practice (13.2 "
            "percentage points less) at a lower NPV" in p.summary["recommendation"].iat[0])
    # the same switch at a 0.4 target meets the target, but it still leaves the crop less safe than wheat
    # at a loss: the rule set does not put it first (whatever the target)
    p = agriremed.plan(pd.DataFrame([base]), agriremed.Scenario(mc_draws=0, options=("do_nothing", "maize_grain"),
                                                                target_compliance_prob=0.4),
                       tables=stricter_maize_tables())
    assert p.ranking.set_index("option_id").loc["maize_grain", "target_tier"] == 6
    assert _recommended(p).loc["w", "option_id"] == "do_nothing"


def test_a_measure_that_treats_no_metal_above_screening_is_not_the_expected_safe_use_measure():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the rule needs a maize
    # switch near the target
    # maize at pH 5.0 with Ni 65 (> 60, the screening value at pH ≤ 5.5) and Cd 0.2 (< 0.3): the land is
    # safe utilisation because of Ni; biochar answers only the maize's Cd risk (minor: predicted by the maize
    # synthesis, documented to over-predict), so the rule set allows it (cn_safe_measure_minor_risk) instead
    # of expecting it, and unchanged practice (higher score) is the
    # plan with the words for "no measure of the plan fits"; at Cd 0.31 and pH 7.0 (> 0.3) biochar
    # treats the class metal and stays expected, but it makes the maize only 2.9 points safer (73 % → 76 %,
    # below min_compliance_gain) at a cost, so unchanged practice ranks before it (target_tier 6)
    from agriremed.core import messages

    base = {**DEFAULTS, "land_use": "upland", "crop": "maize", "basic_farmland": "yes"}
    plots = pd.DataFrame([{**base, "plot_id": "ni", "ph": 5.0, "ni_mg_kg": 65.0, "cd_mg_kg": 0.2,
                           "region": "Guangxi/Baise"},
                          {**base, "plot_id": "cd", "ph": 7.0, "cd_mg_kg": 0.31, "region": "Hebei/Baoding",
                           "mean_temp_c": 12.5, "annual_rain_mm": 550.0}])
    p = _plan_without_upland_measures(plots, tables=stricter_maize_tables())
    s = p.summary.set_index("plot_id")
    assert (s.loc["ni", "soil_class"], s.loc["ni", "metals_exceeding"]) == ("safe_utilisation", "ni")
    t = p.table.set_index(["plot_id", "option_id"])
    bio = t.loc[("ni", "biochar_amendment")]
    assert bool(bio["applicable"]) and bio["target_metals"] == "cd" and bio["untreated_metals"] == "ni"
    assert (bio["policy_status"], bio["policy_rule"]) == ("allowed", "cn_safe_measure_minor_risk")
    assert "rule cn_safe_measure_minor_risk: GB 15618 defines the screening value as the level at or below which" \
        in bio["reason"]
    rec = _recommended(p)
    assert rec.loc["ni", "option_id"] == "do_nothing"
    assert s.loc["ni", "recommendation"].startswith(
        "Continue current practice: no measure of a safe-utilisation plan in the option library fits this plot")
    assert "ahead of Biochar amendment (score 0.63 vs 0.61)" in s.loc["ni", "recommendation"]
    zh = dict(zip(p.summary["plot_id"], messages.column_texts(p.summary, "recommendation", "zh")))
    assert zh["ni"].startswith("维持现状：选项库中没有适用于本地块的安全利用措施")
    assert "不处理任何超过筛选值的重金属" in messages.render(t.loc[("ni", "biochar_amendment"), "reason_msg"], "zh")
    cd = t.loc[("cd", "biochar_amendment")]
    assert (cd["policy_status"], cd["policy_rule"], cd["target_metals"]) == ("expected", "cn_safe_keep_food", "cd")
    assert p.ranking.set_index(["plot_id", "option_id"]).loc[("cd", "biochar_amendment"), "target_tier"] == 6
    assert rec.loc["cd", "option_id"] == "do_nothing"


def test_a_measure_for_a_metal_below_screening_ranks_after_unchanged_practice_only_for_an_over_predicted_risk():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the rule needs a maize
    # switch near the target
    # wheat with Zn 262.5 only (> 200 at pH 5.0), a paddy and a maize field with Cr 260 only (> 250 paddy, > 150
    # other land at pH 6.0): no measure of the library treats the metal that puts the land in its class, and
    # soil Cd (0.2) is below its screening value on all three. The paddy's rice is predicted within the Cd
    # limit in 88 % of seasons (amber) by the rice synthesis, its intercept set on survey data: a real
    # prediction, so low-Cd rice, which answers only that risk, is allowed by the off-class rule
    # (cn_safe_measure_off_class), not put after unchanged practice, and is recommended (98 %, +1,350 CNY/ha).
    # The maize field's amber Cd risk (71 %) comes from the maize synthesis, documented to over-predict
    # (known_bias over_predicts in transfer_functions.csv): biochar, which answers only that risk, is allowed
    # (cn_safe_measure_minor_risk) and ranks after unchanged practice (target_tier 5). The acid wheat field's
    # Cd risk is red (44 %): the maize switch is allowed by the off-class rule and is recommended
    from agriremed.core import messages

    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "wheat_zn", "land_use": "upland", "crop": "wheat", "ph": 5.0,
                           "cd_mg_kg": 0.2, "zn_mg_kg": 262.5, "basic_farmland": "yes",
                           "region": "Shandong/Liaocheng", "wheat_type": "spring"},
                          {**DEFAULTS, "plot_id": "rice_cr", "land_use": "水田", "crop": "水稻", "ph": 6.0,
                           "cd_mg_kg": 0.2, "cr_mg_kg": 260.0, "basic_farmland": "是", "region": "贵州/铜仁"},
                          {**DEFAULTS, "plot_id": "maize_cr", "land_use": "upland", "crop": "maize", "ph": 6.0,
                           "cd_mg_kg": 0.2, "cr_mg_kg": 260.0, "basic_farmland": "yes", "region": "Guizhou/Tongren"}])
    p = _plan_without_upland_measures(plots, tables=stricter_maize_tables())
    s = p.summary.set_index("plot_id")
    t = p.table.set_index(["plot_id", "option_id"])
    assert round(s.loc["wheat_zn", "current_crop_compliance_prob"], 3) == 0.443
    assert round(s.loc["rice_cr", "current_crop_compliance_prob"], 3) == 0.878
    assert round(s.loc["maize_cr", "current_crop_compliance_prob"], 3) == 0.707
    assert s["recommended_option"].to_dict() == {"wheat_zn": "maize_grain", "rice_cr": "low_cd_rice",
                                                 "maize_cr": "do_nothing"}
    assert s["policy_rule"].to_dict() == {"wheat_zn": "cn_safe_measure_off_class", "rice_cr": "cn_safe_measure_off_class",
                                          "maize_cr": "cn_safe_baseline_needs_plan"}
    up = p.uptake.set_index(["plot_id", "metal"])["function_id"]
    assert (up[("rice_cr", "cd")], up[("maize_cr", "cd")]) == ("synth_rice_cd_ph", "synth_maize_cd_ph")
    low = t.loc[("rice_cr", "low_cd_rice")]
    assert (low["policy_status"], low["policy_rule"], low["rank"]) == ("allowed", "cn_safe_measure_off_class", 1)
    assert low["crop_compliance_prob"] == pytest.approx(0.9752, abs=1e-4)
    assert low["npv_vs_baseline_cny_ha"] == pytest.approx(1349.65, abs=0.01)
    rk = p.ranking.set_index(["plot_id", "option_id"])["target_tier"]
    assert rk[("rice_cr", "low_cd_rice")] == 0
    bio = t.loc[("maize_cr", "biochar_amendment")]
    assert (bio["policy_status"], bio["policy_rule"]) == ("allowed", "cn_safe_measure_minor_risk")
    assert rk[("maize_cr", "biochar_amendment")] == 5
    assert "rule cn_safe_measure_minor_risk: GB 15618 defines the screening value as the level at or below which " \
        "the risk to produce quality, crop growth or soil ecology is low and can generally be ignored" in bio["reason"]
    zh = dict(zip(p.summary["plot_id"], messages.column_texts(p.summary, "recommendation", "zh")))
    assert s.loc["rice_cr", "recommendation"].split(" First year")[0] == (
        "Cr in the crop not assessed (no usable transfer function) — measure it in the harvest (limit: Cr 1 mg/kg, "
        "GB2762). "
        "Low-Cd rice variety (VIP: V): no measure of a safe-utilisation plan in the option library that treats Cr "
        "(above the screening value) fits this plot; this option only protects the crop from Cd: crop meets "
        "GB2762 for Cd (at or below the screening value) with 98 % probability a season; +1,350 CNY/ha "
        "(+90 CNY/mu) vs doing nothing over 20 yr (harvests over the food limit counted at 60 % of the price, as "
        "“Sold at a discount for feed or industrial use”), 0.0 t CO2e/ha/yr; choose substitute planting or another "
        "measure for Cr locally and monitor the crop; metals stay in the soil; ahead of Foliar Si/Zn/Se spray "
        "on rice (VIP+n) (score 0.712 vs 0.705), mostly on food-safety.")
    assert zh["rice_cr"].split("地块（")[0] == (
        "作物中的铬未评估（无可用的转移函数）——请检测收获物（限量：铬1 mg/kg，GB2762）。低镉水稻品种（VIP：V）：选项库中没有适用于本地块、处理铬"
        "（超过筛选值）的安全利用措施；本措施仅防护作物免受镉危害：作物镉含量每季符合GB2762的概率为98 %"
        "（土壤镉不超过筛选值）；20年净现值相对不治理+90元/亩（+1,350元/公顷）（超过食品限量的收获按价格的60 %计，即“折价定向销售"
        "（饲料或工业用粮）”），年净碳效益0.0吨CO₂当量/公顷（相对不治理）；"
        "请因地制宜确定针对铬的替代种植或其他措施，并监测农产品；重金属仍留在土壤中；优于叶面阻控剂（硅/锌/硒，VIP+n）"
        "（得分0.712对0.705），主要优势在于食品安全。")
    assert s.loc["maize_cr", "recommendation"].startswith(
        "Cr in the crop not assessed (no usable transfer function) — measure it in the harvest (limit: Cr 1 mg/kg, "
        "GB2762). "
        "Continue current practice: no measure of a safe-utilisation plan in the option library fits this plot "
        "with a benefit for its crop that can be predicted (71 % chance the crop meets GB2762 for Cd, at or below "
        "the screening value)")
    # the red Cd risk keeps the switch out of the minor-risk rule: allowed by the off-class rule, it ranks first
    assert (t.loc[("wheat_zn", "maize_grain"), "policy_status"], t.loc[("wheat_zn", "maize_grain"), "rank"]) \
        == ("allowed", 1)
    assert rk[("wheat_zn", "maize_grain")] == 0
    # a measure that treats the class metal keeps the usual words
    cd = _plan(pd.DataFrame([{**DEFAULTS, "plot_id": "cd", "land_use": "paddy", "crop": "rice", "ph": 6.0,
                              "cd_mg_kg": 0.5, "basic_farmland": "yes", "region": "Hunan/Changde"}]))
    assert cd.summary["policy_rule"].iloc[0] != "cn_safe_measure_off_class"
    assert "option library" not in cd.summary["recommendation"].iloc[0]


def test_on_an_as_paddy_the_cd_measures_kept_for_a_red_crop_risk_rank_after_the_as_measure():
    # As 32 > 30 and soil Cd 0.2 < 0.3 at pH 4.5 (rule 4b keeps the Cd measures: the rice's Cd risk is red):
    # they stay applicable, allowed by the off-class rule (they treat no metal above its screening value) and
    # not by the minor-risk one (a red risk is not one GB 15618 lets the plan leave to monitoring); they rank
    # after the As amendment + low-Cd rice, which treats the class metal and the Cd risk. As 32 is within the
    # measurement tolerance of 30 (near_class_boundary 'as:screening': up to 39.69 with soil_method_precision.csv),
    # so the amendment alone, better than unchanged practice only on As, which no function predicts in rice, at
    # −60 791 CNY/ha, ranks with the allowed options, after unchanged practice (ranking.unassessed_benefit_only)
    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "acid", "land_use": "paddy", "crop": "rice", "ph": 4.5,
                           "cd_mg_kg": 0.2, "as_mg_kg": 32.0, "region": "Hunan/Changde", "basic_farmland": "yes"}])
    p = _plan(plots)
    t = p.table.set_index("option_id")
    for oid in ("low_cd_rice", "lime_rice", "vip_n_no_flood"):
        assert bool(t.loc[oid, "applicable"]), (oid, t.loc[oid, "reason"])
        assert (t.loc[oid, "policy_status"], t.loc[oid, "policy_rule"]) == ("allowed", "cn_safe_measure_off_class")
        assert t.loc[oid, "rank"] > t.loc["as_fe_si_low_cd_rice", "rank"], oid
        assert t.loc[oid, "rank"] < t.loc["as_fe_si_amendment", "rank"], oid
    assert p.summary.iloc[0]["near_class_boundary"] == "as:screening"
    assert (t.loc["do_nothing", "rank"], t.loc["as_fe_si_amendment", "rank"]) == (7, 8)
    assert (t.loc["as_fe_si_amendment", "policy_status"], t.loc["as_fe_si_amendment", "policy_rule"]) \
        == ("expected", "cn_safe_keep_food")
    # the Fe–Si As amendment + low-Cd rice treats As and answers the red Cd risk as well: it is expected
    # (As is treated) and ranks before the amendment alone, which leaves the Cd risk as it is
    assert (t.loc["as_fe_si_low_cd_rice", "policy_status"], t.loc["as_fe_si_low_cd_rice", "policy_rule"]) \
        == ("expected", "cn_safe_keep_food")
    assert _recommended(p).loc["acid", "option_id"] == "as_fe_si_low_cd_rice"
    assert t.loc["as_fe_si_low_cd_rice", "rank"] < t.loc["as_fe_si_amendment", "rank"]


def test_a_paddy_too_acid_for_every_rice_function_is_limed_first():
    # pH 3.9 is below 4, the lowest pH of both rice Cd functions (valid_ranges ph:4..8.5): no function holds
    # there, so the first (Hunan) is used at the edge of its range, its rise with acidity continued (flagged
    # extrapolated, never silent: the sentence and crop_uptake.csv say so); the liming options of the expected
    # tier rank first, and at pH 5.0 the functions apply and the ordering is the usual one
    from agriremed.core import messages

    base = {**DEFAULTS, "land_use": "paddy", "crop": "rice", "cd_mg_kg": 0.6, "basic_farmland": "yes",
            "region": "Hunan/Xiangtan"}
    p = _plan(pd.DataFrame([{**base, "plot_id": "acid", "ph": 3.9}, {**base, "plot_id": "usual", "ph": 5.0}]))
    rk = p.ranking.set_index(["plot_id", "option_id"])
    limes = ["lime_rice", "lime_low_cd_rice"]   # the package without flooding is for As or Hg paddies
    assert sorted(rk.loc["acid"].index[rk.loc["acid", "lime_first"]]) == sorted(limes)
    assert sorted(rk.loc["acid", "rank"].sort_values().index[:2]) == sorted(limes)
    rec = _recommended(p)
    assert rec.loc["acid", "option_id"] in limes
    assert rec.loc["acid", "crop_compliance_prob"] > 0
    s = p.summary.set_index("plot_id")
    note = ("The crop's Cd is predicted outside the validity range of every rice transfer function (soil pH (water) outside "
            "4–8.5): at the edge of the range, the higher of the function's own trend and its value at the end of "
            "the range (conservative) — test the harvest.")
    assert s.loc["acid", "recommendation"].endswith(note)
    assert s.loc["acid", "metals_not_assessed"] == ""
    assert s.loc["acid", "uptake_functions"] == ("cd: synth_rice_cd_ph_hunan (at the edge of its validity range, "
                                                 "extrapolated)")
    zh = dict(zip(p.summary["plot_id"], messages.column_texts(p.summary, "recommendation", "zh")))
    assert zh["acid"].endswith("作物镉含量在所有水稻转移函数的适用范围之外预测（土壤pH（水浸提）超出4–8.5）：在范围边界处评估，"
                               "取函数自身趋势与范围端点值中较高者（保守）——请检测收获物。")
    # the sentence names the rice transfer functions, not their ids; crop_uptake.csv keeps the ids
    assert "synth_" not in s.loc["acid", "recommendation"] and "synth_" not in zh["acid"]
    u = p.uptake.set_index(["plot_id", "metal"])
    assert u.loc[("acid", "cd"), "extrapolated"] is True
    assert u.loc[("acid", "cd"), "selection"].endswith(
        "no function inside its validity range: synth_rice_cd_ph_hunan used at the edge (ph = 3.9: the function's "
        "trend continued beyond 4–8.5; conservative, extrapolated)")
    assert not rk.loc["usual", "lime_first"].any()
    assert "liming comes first" not in s.loc["usual", "recommendation"]


def test_idle_safe_paddies_go_back_to_food_with_a_measure_for_their_metal_or_are_told_none_fits():
    # idle safe-utilisation cultivated land: an idle As paddy goes back to rice with the As amendment (a
    # paddy-only amendment judged as for rice, as liming is), never excluded for "no food crop"; an idle
    # Hg paddy goes back to food with the maize switch (it treats Hg on paddy land: no flooded rice); an
    # idle paddy or dry land whose metal (Cr, Pb, Ni) no food-keeping measure treats stays idle and the
    # sentence says that no measure fits, instead of "no other option ranks higher"
    from agriremed.core import messages

    base = {**DEFAULTS, "crop": "none", "ph": 5.0, "cd_mg_kg": 0.2, "basic_farmland": "no", "region": "Hunan/Zhuzhou"}
    plots = pd.DataFrame([{**base, "plot_id": "as_paddy", "land_use": "paddy", "as_mg_kg": 45.0},
                          {**base, "plot_id": "hg_paddy", "land_use": "paddy", "hg_mg_kg": 0.8},
                          {**base, "plot_id": "cr_paddy", "land_use": "paddy", "cr_mg_kg": 260.0},
                          {**base, "plot_id": "pb_upland", "land_use": "upland", "pb_mg_kg": 100.0},
                          {**base, "plot_id": "ni_upland", "land_use": "upland", "ni_mg_kg": 65.0}])
    p = _plan(plots)
    assert set(p.soil_plot["soil_class"]) == {"safe_utilisation"}
    t = p.table.set_index(["plot_id", "option_id"])
    r = t.loc[("as_paddy", "as_fe_si_amendment")]
    assert r["applicable"] and r["food_crop"] == "rice" and r["policy_rule"] == "cn_safe_keep_food"
    assert r["reason"] == "treats as; policy china, rule cn_safe_keep_food: expected"
    rec = _recommended(p)
    assert rec.loc["as_paddy", "option_id"] == "as_fe_si_amendment"
    r = t.loc[("hg_paddy", "maize_grain")]
    assert (r["target_metals"], r["policy_rule"]) == ("hg", "cn_safe_keep_food")
    assert rec.loc["hg_paddy", "option_id"] == "maize_grain"
    s = p.summary.set_index("plot_id")
    zh = dict(zip(p.summary["plot_id"], messages.column_texts(p.summary, "recommendation", "zh")))
    for pid in ("cr_paddy", "pb_upland", "ni_upland"):
        assert rec.loc[pid, "option_id"] == "do_nothing", pid
        assert s.loc[pid, "recommendation"].startswith(
            "Continue current practice: the land is idle and no measure of a safe-utilisation plan in the option "
            "library brings it back into food production on this soil: choose a crop and a measure for its metals "
            "locally and monitor the crop; metals stay in the soil"), pid
        assert "该地块闲置，选项库中没有可使其在此土壤上恢复食用农产品生产的安全利用措施" in zh[pid], pid


def test_crop_switch_and_rice_steps_read_right_on_idle_and_non_rice_land():
    # the maize-grain switch is offered on wheat, vegetable and idle land too: its steps never say
    # "instead of rice"; the paddy amendments that grow rice say so instead of "the current crop"
    from agriremed.stages.advice import measures_text

    t = load_tables()
    en, zh = measures_text("maize_grain", t), measures_text("maize_grain", t, "zh")
    assert en == ("This season: Harvest the crop in the field as usual and have it tested before the switch"
                  " | Next season: Grow maize for grain in place of the current crop, or on the idle land "
                  "(crop-structure adjustment)")
    assert "rice" not in en and "水稻" not in zh and zh.startswith("本季：照常收获田间作物，检测后再改种")
    # on idle land there is no crop to finish: the field is prepared
    idle = measures_text("maize_grain", t, "zh", idle=True)
    assert idle.startswith("本季：闲置地直接整地，准备改种 | 下一季：") and "收获" not in idle.split(" | ")[0]
    for oid in ("lime_rice", "as_fe_si_amendment"):
        txt = measures_text(oid, t)
        assert "Keep growing rice" in txt and "idle" not in txt, oid
        assert "current crop" not in txt, oid


# ---- properties over generated plots ------------------------------------------------------

_GRAIN = {"paddy": ["rice"], "upland": ["wheat", "maize"]}


@st.composite
def _plots(draw, n=12):
    rows = []
    for i in range(n):
        lu = draw(st.sampled_from(["paddy", "upland"]))
        crop = draw(st.sampled_from(_GRAIN[lu]))
        rows.append({**DEFAULTS, "plot_id": f"G{i}", "land_use": lu, "crop": crop,
                     "ph": draw(st.floats(4.5, 8.5)), "cd_mg_kg": draw(st.floats(0.1, 6.0)),
                     "pb_mg_kg": draw(st.floats(20.0, 800.0)), "as_mg_kg": draw(st.floats(5.0, 80.0)),
                     "hg_mg_kg": draw(st.floats(0.05, 5.0)),
                     "mean_temp_c": draw(st.floats(8.0, 22.0)),
                     "basic_farmland": draw(st.sampled_from(["yes", "no", "unknown"]))})
    return pd.DataFrame(rows)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plots())
def test_china_rules_keep_food_on_safe_land_none_on_strict_land_and_no_trees_on_basic_farmland(plots):
    p = _plan(plots)
    cls = p.soil_plot.set_index("plot_id")["soil_class"]
    rec = _recommended(p)
    food = rec["food_crop"].ne("none")
    safe = cls.reindex(rec.index).eq("safe_utilisation")
    strict = cls.reindex(rec.index).eq("strict_control")
    assert food[safe].all(), rec.loc[safe & ~food, ["option_id", "policy_rule"]]
    assert not food[strict].any(), rec.loc[strict & food, ["option_id", "policy_rule"]]
    basic = plots.set_index("plot_id")["basic_farmland"].eq("yes")
    fam = load_tables().options.set_index("option_id")["policy_family"]
    t = p.table
    trees = t["option_id"].map(fam).eq("trees").to_numpy()
    on_basic = basic.reindex(t["plot_id"]).to_numpy(bool)
    assert not (t["applicable"].to_numpy(bool) & trees & on_basic).any()
    # every plot gets a recommendation (fallow or the baseline is always open)
    assert set(rec.index) == set(cls.index)


_WEIGHTS = st.fixed_dictionaries({c: st.floats(0.0, 1.0) for c in
                                  ("food_safety", "food_production", "livelihood", "clean_up", "carbon",
                                   "economics")}).filter(lambda w: sum(w.values()) > 0.05)


@st.composite
def _food_plots(draw, n=8):
    rows = []
    for i in range(n):
        lu = draw(st.sampled_from(["paddy", "upland", "vegetable"]))
        crop = draw(st.sampled_from({"paddy": ["rice"], "upland": ["wheat", "maize", "potato"],
                                     "vegetable": ["pak_choi", "lettuce"]}[lu]))
        rows.append({**DEFAULTS, "plot_id": f"W{i}", "land_use": lu, "crop": crop,
                     "ph": draw(st.floats(4.5, 8.5)), "cd_mg_kg": draw(st.floats(0.1, 5.0)),
                     "pb_mg_kg": draw(st.floats(20.0, 600.0)), "as_mg_kg": draw(st.floats(5.0, 60.0)),
                     "cu_mg_kg": draw(st.floats(10.0, 250.0)),
                     "basic_farmland": draw(st.sampled_from(["yes", "no", "unknown"]))})
    return pd.DataFrame(rows)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_food_plots(), _WEIGHTS)
def test_whatever_the_weights_safe_land_that_grows_food_keeps_food_and_strict_land_grows_none(plots, weights):
    # the weights rank within a policy tier, never across: a safe-utilisation cultivated plot that
    # grows food keeps a food crop (a non-food use is restrained, unchanged practice always
    # applies), a strict-control plot grows none. Orchards: tests/test_orchard_rules.py (PV and trees
    # restrained on a safe-utilisation orchard, cn_safe_orchard_pv and cn_orchard_trees_restrained)
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, weights=weights))
    cls = p.soil_plot.set_index("plot_id")["soil_class"]
    rec = _recommended(p)
    food = rec["food_crop"].ne("none")
    c = cls.reindex(rec.index)
    assert food[c.eq("safe_utilisation")].all(), rec.loc[c.eq("safe_utilisation") & ~food,
                                                         ["option_id", "policy_rule"]]
    assert not food[c.eq("strict_control")].any()
    assert not rec.loc[c.eq("safe_utilisation"), "policy_status"].eq("restrained").any()
    assert set(rec.index) == set(cls.index)


def test_no_sentence_prints_centuries_and_stabilising_options_say_so(panel_results):
    import re

    from agriremed.stages.duration import cleanup_years_text

    p, _ = panel_results["hg_strict_paddy_outside_basic_farmland"]
    rec = p.summary.set_index("plot_id").loc["hg_strict_paddy_outside_basic_farmland", "recommendation"]
    assert "stabilises, does not clean up" in rec          # nothing it grows takes up Hg
    for plan_, _ in panel_results.values():
        for text in plan_.summary["recommendation"]:
            years = [int(y) for y in re.findall(r"in about (\d+) yr", text)]
            assert all(y <= 200 for y in years), text
    assert cleanup_years_text([5991.0, 350.0], ["phytomanagement", "phytoextraction"], ["cd", "cd"]).tolist() \
        == ["stabilises, does not clean up", "> 200"]


def test_a_measure_that_leaves_the_crop_no_safer_ranks_after_those_that_make_it_safer():
    # light Cd acid paddy (Jiangxi/Yichun, pH 5.4, Cd 0.35 = 1.17 × the screening value): the Sedum–rice
    # rotation scores highest (0.778, on clean-up) but its rice is as exposed as today's (0.736 in the first
    # season, 0.755 of the seasons over 20 years as the soil is cleaned), while low-Cd rice, flooding and
    # lime raise the rice to 0.92–0.99: safe use counts only compliant produce, so the rotation ranks after
    # the measures that make the crop safer (target_tier 3) and low-Cd rice (best score among them) wins
    from agriremed.core import messages

    rows = [{**DEFAULTS, "plot_id": "light", "land_use": "水田", "crop": "水稻", "ph": 5.4, "cd_mg_kg": 0.35,
             "basic_farmland": "是", "region": "江西/宜春"}]
    # the GB 15618 band edge at pH 5.5 (screening 0.3 → 0.4, class unchanged) no longer flips the
    # recommendation to the rotation (its rice compliance 0.55–0.59 against the VIP+n package's 0.95; flooding,
    # 0.87, and lime, 0.896, miss the 0.9 compliance target)
    rows += [{**DEFAULTS, "plot_id": f"edge_{ph}", "land_use": "paddy", "crop": "rice", "ph": ph, "cd_mg_kg": 0.5,
              "basic_farmland": "yes", "region": "Hunan/Zhuzhou"} for ph in (5.50, 5.51)]
    p = _plan(pd.DataFrame(rows))
    t = p.table.set_index(["plot_id", "option_id"])
    tt = p.ranking.set_index(["plot_id", "option_id"])["target_tier"]
    rot = t.loc[("light", "sedum_rice_rotation")]
    assert round(rot["crop_compliance_prob"], 3) == round(t.loc[("light", "do_nothing"), "crop_compliance_prob"], 3) \
        == 0.736
    assert round(rot["compliant_season_fraction"], 3) == 0.755 and round(rot["score"], 3) == 0.778
    assert tt[("light", "sedum_rice_rotation")] == 3 and tt[("light", "low_cd_rice")] == 0
    rec = _recommended(p)
    assert rec.loc["light", "option_id"] == "low_cd_rice"
    assert round(rec.loc["light", "crop_compliance_prob"], 3) == 0.924
    assert rec.loc["edge_5.5", "option_id"] == rec.loc["edge_5.51", "option_id"] == "lime_low_cd_rice"
    assert (rec["policy_family"] == "agronomic_control").all()
    # the sentence says why the higher-scoring rotation ranks second
    two = agriremed.plan(pd.DataFrame(rows[:1]), agriremed.Scenario(
        mc_draws=0, options=("do_nothing", "sedum_rice_rotation", "flooded_rice")))
    s = two.summary.iloc[0]
    assert "ranked before Sedum (winter) – rice (summer) rotation (score 0.70 vs its 0.78), whose gain in crop safety " \
           "over unchanged practice is too small to rank with the measures before it" in s["recommendation"]
    assert "后者相对维持现状提高作物安全性的幅度过小，排在更有效的措施之后" in \
        messages.column_texts(two.summary, "recommendation", "zh")[0]
    # with no minimum gain the rotation (+0.019) counts as a measure, but its rice (0.755) misses the 0.9
    # compliance target; with the former target of 0.5 as well, it wins on its score again
    zero = agriremed.plan(pd.DataFrame(rows[:1]), agriremed.Scenario(mc_draws=0, min_compliance_gain=0.0,
                                                                     min_gain_share=0.0))
    assert zero.ranking.set_index("option_id").loc["sedum_rice_rotation", "target_tier"] == 1
    assert _recommended(zero).loc["light", "option_id"] == "low_cd_rice"
    zero5 = agriremed.plan(pd.DataFrame(rows[:1]), agriremed.Scenario(mc_draws=0, min_compliance_gain=0.0,
                                                                      min_gain_share=0.0, target_compliance_prob=0.5))
    assert _recommended(zero5).loc["light", "option_id"] == "sedum_rice_rotation"


def test_a_rotation_buying_less_than_half_the_best_gain_ranks_after_the_measures_that_buy_it():
    # light Cd acid paddy (Jiangxi/Yichun, pH 5.2, Cd 0.5): as the Sedum rotation cleans the soil its rice
    # complies in 0.72 of the seasons, more than unchanged practice (0.65: +0.07, above the 0.05 minimum
    # gain), but lime and flooding raise it to 0.95 and 0.93 and the VIP+n package to 0.98: the rotation buys
    # less than half the best gain (0.33), so it ranks after them although it scores highest on clean-up
    plot = {**DEFAULTS, "plot_id": "y", "land_use": "paddy", "crop": "rice", "ph": 5.2, "cd_mg_kg": 0.5,
            "basic_farmland": "yes", "region": "Jiangxi/Yichun"}
    p = _plan(pd.DataFrame([plot]))
    t = p.table.set_index("option_id")
    r = p.ranking.set_index("option_id")
    base = t.loc["do_nothing", "crop_compliance_prob"]
    rot = t.loc["sedum_rice_rotation", "compliant_season_fraction"]
    best = t.loc[r.index[(r["policy_tier"] == 0) & (t["evidence"] == "complete")], "compliant_season_fraction"].max()
    assert round(base, 2) == 0.65 and round(rot, 2) == 0.72 and round(best, 2) == 0.98
    assert 0.05 <= rot - base < 0.5 * (best - base)
    assert r.loc["sedum_rice_rotation", "target_tier"] == 3
    assert t.loc["sedum_rice_rotation", "rank"] > t.loc[["lime_rice", "flooded_rice"], "rank"].max()
    rec = _recommended(p).loc["y"]
    # low-Cd rice (0.88, the best score of the measures that buy half the gain) misses the 0.9 target: flooding
    # (0.93) is the plan
    assert r.loc["low_cd_rice", "target_tier"] == 1
    assert rec["option_id"] == "flooded_rice" and round(rec["crop_compliance_prob"], 2) == 0.93
    # with the share at 0 (absolute gain only) and the former target of 0.5, the rotation wins on its score, as
    # before; at the 0.9 target its rice (0.72) misses the target and flooding stays the plan
    old = agriremed.plan(pd.DataFrame([plot]), agriremed.Scenario(mc_draws=0, min_gain_share=0.0,
                                                                  target_compliance_prob=0.5))
    assert _recommended(old).loc["y", "option_id"] == "sedum_rice_rotation"
    share0 = agriremed.plan(pd.DataFrame([plot]), agriremed.Scenario(mc_draws=0, min_gain_share=0.0))
    assert _recommended(share0).loc["y", "option_id"] == "flooded_rice"


def test_a_costly_measure_is_not_forced_on_a_crop_that_already_complies():
    # lettuce at pH 8.5 on Cd 0.62 (Shandong calcareous vegetable soil, safe utilisation just above the 0.6
    # screening value) meets the limit in 99.2 % of seasons (lettuce spread 0.566 with the between-study SD;
    # 98.9 % with 0.590); biochar, the only expected measure, raises it to 99.4 % at -35 448
    # CNY/ha (-34 927 with the spread 0.590; -36 671 while lettuce over the limit was sold for feed at 60 % of the
    # price): no measure for the crop, it ranks after unchanged practice (target_tier 6: no option of the
    # plot reaches min_compliance_gain) and unchanged practice with monitoring is recommended, with a sentence
    # that says the crop already complies. A maize field in Guangxi (pH 6.0, Cd 0.7) whose crop meets the
    # limit in 73 % of seasons no longer keeps biochar (+4.5 points, below the 0.05 gain of a measure, at a
    # cost): unchanged practice, whose sentence asks for a local measure, ranks before it
    from agriremed.core import messages

    rows = [{**DEFAULTS, "plot_id": "lettuce", "land_use": "菜地", "crop": "生菜", "ph": 8.5, "cd_mg_kg": 0.62,
             "basic_farmland": "否", "region": "山东/潍坊"},
            {**DEFAULTS, "plot_id": "maize", "land_use": "旱地", "crop": "玉米", "ph": 6.0, "cd_mg_kg": 0.7,
             "basic_farmland": "是", "region": "广西/河池"}]
    p = _plan_without_upland_measures(pd.DataFrame(rows))
    t = p.table.set_index(["plot_id", "option_id"])
    tt = p.ranking.set_index(["plot_id", "option_id"])["target_tier"]
    assert round(t.loc[("lettuce", "do_nothing"), "crop_compliance_prob"], 3) == 0.992
    assert round(t.loc[("lettuce", "biochar_amendment"), "crop_compliance_prob"], 3) == 0.994
    assert round(t.loc[("lettuce", "biochar_amendment"), "npv_vs_baseline_cny_ha"]) == -35448
    assert tt[("lettuce", "biochar_amendment")] == 6 and tt[("maize", "biochar_amendment")] == 6
    rec = _recommended(p)
    assert rec.loc["lettuce", "option_id"] == "do_nothing" and rec.loc["maize", "option_id"] == "do_nothing"
    s = p.summary.set_index("plot_id")
    assert s.loc["lettuce", "recommendation"].startswith(
        "Continue current practice: the crop is already predicted to meet the food limit (> 99 % chance the crop "
        "meets GB2762 for Cd); no measure of a safe-utilisation plan in the option library makes it materially "
        "safer for its cost: keep the crop and monitor it")
    zh = dict(zip(p.summary["plot_id"], messages.column_texts(p.summary, "recommendation", "zh")))
    assert zh["lettuce"].startswith("维持现状：预计作物已符合食品限量（作物镉含量符合GB2762的概率为99 %以上）；"
                                    "选项库中的安全利用措施均不能以合理成本使其明显更安全：保持现有作物并监测农产品")


def test_the_crop_counts_as_complying_only_for_every_metal_above_screening():
    # an As paddy (Guangxi, pH 8.0, As 40 above its screening value, Cd 0.15 below it): the rice meets the
    # Cd limit in 98.9 % of seasons, but no function predicts its As, so the crop is not known to comply:
    # the Fe–Si As amendment (the library's measure for As) stays the recommendation, not unchanged practice
    plot = {**DEFAULTS, "plot_id": "as", "land_use": "水田", "crop": "水稻", "ph": 8.0, "cd_mg_kg": 0.15,
            "as_mg_kg": 40.0, "basic_farmland": "是", "region": "广西/河池"}
    p = _plan(pd.DataFrame([plot]))
    s = p.summary.iloc[0]
    assert s["metals_exceeding"] == "as" and s["metals_not_assessed"] == "as"
    assert round(s["current_crop_compliance_prob"], 3) == 0.989 and s["current_compliance_metals"] == "cd"
    assert p.ranking.set_index("option_id").loc["as_fe_si_amendment", "target_tier"] == 0
    assert _recommended(p).loc["as", "option_id"] == "as_fe_si_amendment"


def test_strict_wasteland_is_revegetated_under_the_wasteland_rule_not_the_farmland_one():
    # bare strict-control wasteland outside basic farmland (Fujian, Cd 12, Pb 2 200): the grass or trees
    # recommended there are decided by the wasteland rule (not cultivated land), never by the rule for
    # returning farmland to forest or grass (退耕还林还草, Soil Pollution Law Art. 54), which is for farmland
    plot = {**DEFAULTS, "plot_id": "w", "land_use": "裸土地", "crop": "无", "ph": 5.0, "cd_mg_kg": 12.0,
            "pb_mg_kg": 2200.0, "basic_farmland": "否", "region": "福建/龙岩"}
    p = _plan(pd.DataFrame([plot]))
    t = p.table.set_index("option_id")
    rules = set(t.loc[t["applicable"] & t["policy_family"].isin(["trees", "perennial_grass"])
                      if "policy_family" in t else t["applicable"], "policy_rule"])
    assert "cn_strict_retire" not in set(t["policy_rule"].dropna())
    assert "cn_strict_wasteland_revegetate" in rules


def test_upland_safe_use_measures_are_expected_and_cheaper_than_biochar():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the rule needs a maize
    # switch near the target
    # Guizhou karst maize (pH 7.6, Cd 2.2) and Tianjin sewage-irrigated wheat (pH 8.0, Cd 0.9): a foliar
    # Zn spray (grain Cd −44.5 %, lu2024_foliar_zn_wheat) is an expected agronomic measure that keeps the
    # crop, makes it safer than 20 t/ha biochar and costs far less, so it is recommended; liming applies
    # only on acid soil (Guangxi maize, pH 5.3: 7.5 t/ha limestone, +2.3 pH units), and each measure only
    # on the crop its field evidence covers
    from agriremed.core import messages
    from agriremed.stages.options import lime_ph_change

    base = {**DEFAULTS, "land_use": "upland", "basic_farmland": "yes"}
    plots = pd.DataFrame([{**base, "plot_id": "gz", "crop": "maize", "ph": 7.6, "cd_mg_kg": 2.2,
                           "region": "Guizhou/Liupanshui/Shuicheng"},
                          {**base, "plot_id": "tj", "crop": "wheat", "ph": 8.0, "cd_mg_kg": 0.9,
                           "region": "Tianjin/Xiqing"},
                          {**base, "plot_id": "gx", "crop": "maize", "ph": 5.3, "cd_mg_kg": 0.8,
                           "region": "Guangxi/Hechi/Huanjiang"}])
    p = _plan(plots, tables=stricter_maize_tables())
    t = p.table.set_index(["plot_id", "option_id"])
    rec = _recommended(p)
    assert rec["option_id"].to_dict() == {"gz": "foliar_zn_maize", "tj": "foliar_zn_wheat", "gx": "foliar_zn_maize"}
    for pid, opt in (("gz", "foliar_zn_maize"), ("tj", "foliar_zn_wheat")):
        r, bio, now = t.loc[(pid, opt)], t.loc[(pid, "biochar_amendment")], t.loc[(pid, "do_nothing")]
        assert (r["policy_status"], r["policy_rule"]) == ("expected", "cn_safe_keep_food")
        assert r["crop_compliance_prob"] > bio["crop_compliance_prob"] > now["crop_compliance_prob"]
        assert r["npv_vs_baseline_cny_ha"] > 0 > bio["npv_vs_baseline_cny_ha"]
    # Guizhou maize: log10 C = −0.2399 + 0.4305·log10 2.2 − 0.142·7.6 = −1.1717, P = Φ((−1 + 1.1717)/0.722) = 0.594;
    # with the spray log10 C + log10(1 − 0.445) = −1.4274, P = 0.723
    assert round(t.loc[("gz", "foliar_zn_maize"), "crop_compliance_prob"], 3) == 0.723
    assert round(t.loc[("gz", "do_nothing"), "crop_compliance_prob"], 3) == 0.594
    assert round(t.loc[("tj", "foliar_zn_wheat"), "crop_compliance_prob"], 3) == 0.875
    assert round(t.loc[("tj", "low_cd_wheat"), "crop_compliance_prob"], 3) == 0.815
    # liming: acid soil only
    assert bool(t.loc[("gx", "lime_upland_maize"), "applicable"])
    assert t.loc[("gx", "lime_upland_maize"), "policy_status"] == "expected"
    assert not t.loc[("gz", "lime_upland_maize"), "applicable"]
    assert round(float(5.3 + lime_ph_change(7.5, 0.307, 5.3)), 1) == 7.5  # capped at pH 7.5
    assert round(float(lime_ph_change(7.5, 0.307)), 2) == 2.30  # pH 4.5 → 6.8 in the field trial
    # crops: the wheat measures do not apply to maize, and say why
    w = t.loc[("gz", "foliar_zn_wheat")]
    assert not w["applicable"] and w["reason"] == "not for maize: the field evidence covers wheat"
    zh = messages.render(w["reason_msg"], "zh")
    assert zh.startswith("不适用于玉米：田间证据仅涉及小麦"), zh


def test_upland_measure_effects_are_the_sourced_values():
    # hand check: the typical grain-Cd reduction credited is the table's sourced figure — foliar Zn on
    # wheat 44.5 % (two-year field mean), liming maize the midpoint of 21–63 %, liming wheat of 5–38 %,
    # a low-Cd wheat cultivar 30 % (assumed midpoint of 0 to 1 − 1/2.5)
    from agriremed.stages.duration import _reduction_typical_and_draws

    tb = load_tables()
    got = {o: round(_reduction_typical_and_draws(tb, o, "cd", 0, 1)[0], 4)
           for o in ("foliar_zn_wheat", "foliar_zn_maize", "lime_upland_maize", "lime_upland_wheat", "low_cd_wheat")}
    assert got == {"foliar_zn_wheat": 0.445, "foliar_zn_maize": 0.445, "lime_upland_maize": 0.42,
                   "lime_upland_wheat": 0.215, "low_cd_wheat": 0.3}


def test_a_costly_measure_with_a_small_gain_ranks_after_unchanged_practice_and_says_so():
    # Zhejiang pak choi (pH 5.6, Cd 0.5): biochar is the only expected measure (no upland or vegetable
    # measure of the library covers the crop) and raises compliance by 3.7 points (< min_compliance_gain
    # 0.05; from 69 % to 73 % with the leafy spread 0.605) at +697 CNY/ha (−261 with the spread 0.627; pak choi
    # over the limit is not sold: the gain is worth the full price): no option of the plot makes the crop safer by
    # 0.05, so biochar is no measure for it and ranks after unchanged practice (target_tier 6) although it scores
    # 0.670 against 0.639 (before: biochar, "only slightly safer … for its cost"); the sentence says why (its NPV
    # is now the higher one: the clause on a higher NPV, not "at a lower NPV")
    from agriremed.core import messages

    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "zj", "land_use": "vegetable", "crop": "pak_choi", "ph": 5.6,
                           "cd_mg_kg": 0.5, "basic_farmland": "no", "region": "Zhejiang/Wenzhou/Ouhai"}])
    p = _plan_without_upland_measures(plots)  # (with lime_vegetable, that liming is the plan)
    s = p.summary.set_index("plot_id")
    r = p.ranking.set_index("option_id")
    assert s.loc["zj", "recommended_option"] == "do_nothing"
    assert r.loc["biochar_amendment", "target_tier"] == 6
    assert r.loc["biochar_amendment", "score"] > r.loc["do_nothing", "score"]
    assert ("ranked before Biochar amendment (score 0.64 vs its 0.67), which would raise the crop's chance of "
            "meeting the food limit by only 3.7 percentage points over unchanged practice, below the 5-point gain "
            "that makes a measure for the crop; a higher NPV does not make an agronomic measure one unless the "
            "harvest itself pays the farmer clearly more") in s.loc["zj", "recommendation"]
    assert "only slightly safer" not in s.loc["zj", "recommendation"]
    zh = messages.column_texts(p.summary, "recommendation", "zh")[0]
    assert ("后者仅使作物达标概率比维持现状提高3.7个百分点，未达到作为措施所需的5个百分点；农艺措施不因净现值较高而成为措施，"
            "除非收获本身明显增加农户收入") in zh


def test_a_paid_amendment_is_not_recommended_over_unchanged_practice_for_a_gain_below_a_measure():
    # B03: Jiyuan pak choi (pH 7.8, Cd 3.0, Pb 400, Zn 600: safe utilisation) and N004: Baiyin lettuce (pH 4.4,
    # Cd 0.137, Hg 0.48: priority protection, below every screening value). Biochar is the only food option
    # with a predicted gain and makes the crop 3.4 and 3.6 points safer (74 % → 78 %, 74 % → 78 %: below
    # min_compliance_gain, 0.05; 3.3 and 3.5 points, −252 and −125 CNY/mu with the leafy spreads 0.627 and 0.590)
    # at −210 and −75 CNY/mu over 20 yr against unchanged practice (vegetables over
    # the limit are not sold, so the gain is worth the full price; −1 614 and −1 563 when they were sold for
    # feed at 60 %); no option
    # of either plot reaches the gain, so biochar is no measure for the crop and ranks after unchanged
    # practice (target_tier 6), which is recommended with its own sentence (before: biochar recommended on
    # B03 as the expected measure, and unchanged practice first on N004 only by the NPV tie-break at 0.765)
    from agriremed.core import messages

    plots = pd.DataFrame([
        {"plot_id": "B03", "region": "Henan/Jiyuan", "land_use": "vegetable", "crop": "pak_choi", "area_ha": 0.05,
         "ph": 7.8, "cd_mg_kg": 3.0, "pb_mg_kg": 400.0, "zn_mg_kg": 600.0},
        {"plot_id": "N004", "region": "甘肃省白银市白银区", "land_use": "vegetable", "crop": "lettuce", "ph": 4.4,
         "cd_mg_kg": 0.137, "hg_mg_kg": 0.48, "basic_farmland": "no", "area_ha": 0.67}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    r = p.ranking.set_index(["plot_id", "option_id"])
    t = p.table.set_index(["plot_id", "option_id"])
    assert s["soil_class"].to_dict() == {"B03": "safe_utilisation", "N004": "priority_protection"}
    assert s["recommended_option"].to_dict() == {"B03": "do_nothing", "N004": "do_nothing"}
    for pid, points, per_mu, status, scores in (("B03", 3.4, -210, "expected", "0.65 vs its 0.68"),
                                             ("N004", 3.6, -75, "restrained", "0.77 vs its 0.80")):
        bio, now = r.loc[(pid, "biochar_amendment")], r.loc[(pid, "do_nothing")]
        assert round(100 * (bio["food_compliance"] - now["food_compliance"]), 1) == points
        assert round(t.loc[(pid, "biochar_amendment"), "npv_vs_baseline_cny_ha"] / 15) == per_mu
        assert t.loc[(pid, "biochar_amendment"), "policy_status"] == status
        # on N004 the restraint (policy tier 2) puts it after unchanged practice, not the gain rule (tier 6)
        assert bio["target_tier"] == (6 if pid == "B03" else 0) and bio["rank"] == 2
    assert ("ranked before Biochar amendment (score 0.65 vs its 0.68), which would raise the crop's chance of meeting "
            "the food limit by only 3.4 percentage points over unchanged practice, below the 5-point gain that makes a "
            "measure for the crop, at a lower NPV") in s.loc["B03", "recommendation"]
    # N004 is priority protection: the amendment is restrained there (cn_priority_no_amendment), and the
    # sentence gives that rule's reason
    assert ("ranked before Biochar amendment (score 0.77 vs its 0.80), which the rule set restrains on this land "
            "(ranked after the options it allows), because priority-protection land, below every screening value, "
            "needs no soil amendment") in s.loc["N004", "recommendation"]
    # the sentence of unchanged practice stays as it is (safe utilisation: a local measure and crop monitoring)
    assert "Continue current practice: no measure of a safe-utilisation plan in the option library fits this plot" \
        in s.loc["B03", "recommendation"]
    zh = dict(zip(p.summary["plot_id"], messages.column_texts(p.summary, "recommendation", "zh")))
    assert "后者仅使作物达标概率比维持现状提高3.4个百分点，未达到作为措施所需的5个百分点，且净现值更低" in zh["B03"]
    assert "后者在该类土地上受管控规则限制（排在规则允许的方案之后），因为优先保护类耕地" in zh["N004"]
    # where the gain of a measure is set at 0.03, biochar is one again: recommended on B03 as the expected measure
    p3 = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, min_compliance_gain=0.03))
    assert p3.summary.set_index("plot_id").loc["B03", "recommended_option"] == "biochar_amendment"
    r3 = p3.ranking.set_index(["plot_id", "option_id"])
    assert set(r3.drop(index="maize_grain", level="option_id")["target_tier"]) <= {0, 1, 2, 3, 4, 5}
    # the switch of the pak choi field to maize misses the target at the cost of most of its income: no measure
    assert r3.loc[("B03", "maize_grain"), "target_tier"] == 6


def test_a_crop_switch_that_leaves_the_crop_less_safe_is_no_safe_use_measure_however_it_earns():
    # a county's own maize fit, stricter than the packaged default (tests/maize_fit.py): the rule needs a maize
    # switch near the target
    # calcareous Jiyuan wheat (pH 8.9, Cd 2.0, safe utilisation): switching to maize earns +2813 CNY/ha
    # against unchanged practice but its grain meets GB 2762 in 63 % of seasons (its pH effect held at pH 8)
    # against wheat's 71 %: it ranks with the allowed options (target_tier 2), after unchanged practice, not
    # ahead of it by the rule set
    # (written as a spring-wheat row: on winter wheat the switch to summer maize is no option at all)
    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "jy", "land_use": "upland", "crop": "wheat", "ph": 8.9,
                           "cd_mg_kg": 2.0, "region": "Henan/Jiyuan", "basic_farmland": "yes",
                           "wheat_type": "spring"}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, options=("do_nothing", "maize_grain",
                                                                      "biochar_amendment")),
                       tables=stricter_maize_tables())
    t = p.table.set_index("option_id")
    m, now = t.loc["maize_grain"], t.loc["do_nothing"]
    assert m["policy_status"] == "expected"
    assert round(m["crop_compliance_prob"], 2) == 0.63 and round(now["crop_compliance_prob"], 2) == 0.71
    assert m["npv_vs_baseline_cny_ha"] == pytest.approx(2813, abs=1)
    assert p.ranking.set_index("option_id").loc["maize_grain", "target_tier"] == 2
    assert m["score"] < now["score"] and m["rank"] > now["rank"]
    assert t["rank"].to_dict() == {"biochar_amendment": 1, "do_nothing": 2, "maize_grain": 3}


def test_trees_on_safe_wasteland_name_the_rule_that_allows_them():
    # marginal land is not cultivated land (Order No. 46 Art. 2): trees or grass on a safe-utilisation
    # wasteland plot are allowed by a named rule, not by the absence of one
    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "w", "land_use": "marginal", "crop": "none", "ph": 5.5,
                           "cd_mg_kg": 0.5, "region": "Hunan/Zhuzhou", "basic_farmland": "unknown"},
                          {**DEFAULTS, "plot_id": "bf", "land_use": "upland", "crop": "maize", "ph": 5.5,
                           "cd_mg_kg": 0.5, "region": "Hunan/Zhuzhou", "basic_farmland": "unknown"}])
    p = _plan(plots)
    t = p.table.set_index(["plot_id", "option_id"])
    assert p.summary.set_index("plot_id").loc["w", "soil_class"] == "safe_utilisation"
    for o in ("miscanthus", "willow_src", "poplar_src"):
        assert t.loc[("w", o), "applicable"]
        assert t.loc[("w", o), "policy_status"] == "allowed"
        assert t.loc[("w", o), "policy_rule"] == "cn_safe_wasteland_revegetate"
    # without lat/lon the PV yield is computed at Zhuzhou's point, so PV, which cn_pv_wasteland expects on
    # unused land, is costed and recommended ahead of the allowed revegetation
    rec = _recommended(p)
    assert rec.loc["w", "option_id"] == "pv_grass"
    assert rec.loc["w", "policy_rule"] == "cn_pv_wasteland"
    # cultivated safe-utilisation land keeps its ban on trees
    assert t.loc[("bf", "willow_src"), "policy_rule"] == "cn_safe_no_trees"


def test_a_plot_outside_china_says_its_soil_class_is_gb15618s():
    # Mae Sot (Thailand): the class comes from GB 15618-2018, a Chinese standard; the sentence says so, and a
    # plot in China does not get the remark
    from agriremed.core import messages

    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "th", "land_use": "paddy", "crop": "rice", "ph": 7.0,
                           "cd_mg_kg": 8.0, "region": "Thailand/Tak", "mean_temp_c": 27.0},
                          {**DEFAULTS, "plot_id": "cn", "land_use": "paddy", "crop": "rice", "ph": 7.0,
                           "cd_mg_kg": 8.0, "region": "Hunan/Zhuzhou"}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert s.loc["th", "soil_class"] == "strict_control" and s.loc["th", "rule_set"] == "none"
    # … followed by the rule set: none, the tables holding no rule set for Thailand
    assert s.loc["th", "recommendation"].endswith(
        " The soil class, strict control (a metal above its intervention value), is that of GB 15618-2018, a "
        "Chinese standard applied here for comparison: it is not a local designation. No land-use rules applied "
        "(rule set none: the tables hold none for this country).")
    zh = dict(zip(p.summary["plot_id"], messages.column_texts(p.summary, "recommendation", "zh")))
    assert zh["th"].endswith("土壤类别“严格管控类耕地（有重金属超过管制值）”依据中国标准GB 15618-2018划定，仅供比较，"
                             "并非当地的法定类别。未适用土地用途管控规则（规则集none：数据表中没有该国的规则集）。")
    assert "GB 15618-2018" not in s.loc["cn", "recommendation"] and "中国标准" not in zh["cn"]


def test_a_zinc_spray_is_not_offered_on_land_above_the_zinc_screening_value():
    # Huize maize (Zn 800 mg/kg, above its screening value): a foliar Zn spray against Cd would add the
    # metal the land is already over for; it is excluded with the reason and its source label, and kept
    # on the same plot with ordinary Zn
    plots = pd.DataFrame([{**DEFAULTS, "plot_id": pid, "land_use": "upland", "crop": "maize", "ph": 7.2,
                           "cd_mg_kg": 1.2, "zn_mg_kg": zn, "region": "Yunnan/Qujing/Huize"}
                          for pid, zn in (("high_zn", 800.0), ("low_zn", 100.0))])
    t = _plan(plots).table.set_index(["plot_id", "option_id"])
    hi, lo = t.loc[("high_zn", "foliar_zn_maize")], t.loc[("low_zn", "foliar_zn_maize")]
    assert not hi["applicable"] and lo["applicable"]
    assert hi["reason"] == ("zn exceeds its screening value and this option can raise its mobility or crop uptake "
                            "(project assumption)")


def test_crop_of_an_option_is_named_not_coded_in_a_chinese_reason():
    # a peanut field: the wheat spray's reason reads 田间证据仅涉及小麦, without the code in brackets
    from agriremed.core import messages

    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "pn", "land_use": "upland", "crop": "peanut", "ph": 6.0,
                           "cd_mg_kg": 0.8, "region": "Hunan/Zhuzhou"}])
    t = _plan(plots).table
    zh = dict(zip(t["option_id"], messages.column_texts(t, "reason", "zh")))
    assert zh["foliar_zn_wheat"] == "不适用于花生：田间证据仅涉及小麦"


def test_a_measure_recommended_over_higher_scoring_unchanged_practice_says_so():
    # a wheat field on safe-utilisation land with two expected measures offered (biochar, liming): both
    # rank first by the rule set; unchanged practice scores higher (0.56 against 0.55) but is only allowed
    # and ranks third, so the runner-up clause (liming) alone would hide it
    from agriremed.core import messages

    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "wh", "land_use": "upland", "crop": "wheat", "ph": 6.0,
                           "cd_mg_kg": 0.8, "region": "Hunan/Zhuzhou"}])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, options=("biochar_amendment", "lime_upland_wheat")))
    t = p.table.set_index("option_id")
    assert p.summary["recommended_option"].iat[0] == "biochar_amendment"
    assert t.loc["do_nothing", "score"] > t.loc["biochar_amendment", "score"] and t.loc["do_nothing", "rank"] == 3
    s = p.summary["recommendation"].iat[0]
    assert ("; unchanged practice scores higher (0.56), but the rule set expects a safe-utilisation measure on "
            "this land.") in s
    zh = messages.column_texts(p.summary, "recommendation", "zh")[0]
    assert "；维持现状得分更高（0.56），但管控规则要求在该类土地上采取安全利用措施。" in zh


def test_a_measure_of_unknown_benefit_for_a_crop_no_function_predicts_ranks_with_the_allowed_ones():
    # a potato field on safe-utilisation land (no transfer function predicts potato): biochar's effect on
    # it and the maize switch's benefit against it are unknown, and both cost more than unchanged
    # practice, so they rank with the allowed options and unchanged practice (0.61 against biochar's
    # 0.58) is the plan, its sentence saying why biochar is not
    from agriremed.core import messages

    plots = pd.DataFrame([{**DEFAULTS, "plot_id": "po", "land_use": "upland", "crop": "potato", "ph": 6.0,
                           "cd_mg_kg": 0.8, "region": "Hunan/Zhuzhou"}])
    p = _plan(plots)
    t = p.table.set_index("option_id")
    r = p.ranking.set_index("option_id")
    assert "potato" not in load_tables().predicted_crops()
    assert p.summary["recommended_option"].iat[0] == "do_nothing"
    assert r.loc["biochar_amendment", "target_tier"] == 4 and r.loc["maize_grain", "target_tier"] == 4
    assert t.loc["do_nothing", "score"] > t.loc["biochar_amendment", "score"]
    s = p.summary["recommendation"].iat[0]
    assert (f"ranked before Biochar amendment (score {t.loc['do_nothing', 'score']:.2f} vs its "
            f"{t.loc['biochar_amendment', 'score']:.2f}), whose benefit for the crop grown cannot be predicted (no "
            "transfer function for it, or none usable on this plot) at a lower NPV (ranked with the options the rule "
            "set only allows)") in s
    zh = messages.column_texts(p.summary, "recommendation", "zh")[0]
    assert "后者对现种作物的效果无法预测（该作物无转移函数，或本地块无可用的转移函数）且净现值更低" in zh
    # the same field growing wheat (predicted): the measures keep their expected rank
    wheat = _plan(plots.assign(crop="wheat"))
    assert wheat.summary["recommended_option"].iat[0] != "do_nothing"
    assert set(wheat.ranking["target_tier"]) <= {0, 1, 2, 3}
    # pak choi has a function; without SOM the typical SOM of vegetable land is assumed (covariate_defaults.csv),
    # so biochar's benefit is predicted; with the assumption turned off it is as unknown as for potato
    veg = {**plots.iloc[0].to_dict(), "land_use": "vegetable", "crop": "pak_choi"}
    # (biochar the only vegetable measure: the liming of acid leafy-vegetable land and the substitute planting of
    # maize grain, which applies on vegetable land too, left out)
    ids = tuple(o for o in load_tables().options["option_id"] if o not in (*UPLAND_MEASURES, "maize_grain"))
    with_som = agriremed.plan(pd.DataFrame([veg]), agriremed.Scenario(mc_draws=0, rule_set="china", options=ids))
    no_som_plots = pd.DataFrame([{k: v for k, v in veg.items() if k != "som_pct"}])
    no_som = agriremed.plan(no_som_plots, agriremed.Scenario(mc_draws=0, rule_set="china", options=ids))
    # (predicted, biochar makes the pak choi 3.9–4.0 points safer and earns +2 364 and +3 007 CNY/ha over 20 yr
    # (+1 251 and +1 829 with the leafy spread 0.627), the pak choi over the limit being unsold; an agronomic
    # measure is there for the crop's metal alone, and 4 points is below min_compliance_gain: without its carbon
    # credit (1 317 CNY/ha) the harvest pays +1 047 CNY/ha with SOM and +1 690 with the assumed SOM (−66 and +512
    # with 0.627), 0.3 % and 0.5 % of the field's own NPV, far below the 2 % (min_dominance_share) a farmer's gain
    # must reach to dominate unchanged practice: no measure for the crop either way, target_tier 6, not 4, and
    # unchanged practice with substitute planting is the plan)
    w = with_som.table.set_index("option_id").loc["biochar_amendment"]
    assert round(w["npv_vs_baseline_cny_ha"]) == 2364 and round(w["npv_farmer_own_vs_baseline_cny_ha"]) == 1047
    n = no_som.table.set_index("option_id").loc["biochar_amendment"]
    assert round(n["npv_vs_baseline_cny_ha"]) == 3007 and round(n["npv_farmer_own_vs_baseline_cny_ha"]) == 1690
    for q in (with_som, no_som):
        assert q.summary["recommended_option"].iat[0] == "do_nothing"
        assert q.ranking.set_index("option_id").loc["biochar_amendment", "target_tier"] == NO_MEASURE_TIER
        assert not q.ranking.set_index("option_id").loc["biochar_amendment", "dominates_baseline"]
        assert "choose substitute planting or another measure locally" in q.summary["recommendation"].iat[0]
    assert no_som.summary["uptake_assumed_inputs"].iat[0] == "cd: som_pct = 2.5 %"
    off = agriremed.plan(no_som_plots, agriremed.Scenario(mc_draws=0, rule_set="china",
                                                          assume_missing_covariates=False))
    assert off.summary["recommended_option"].iat[0] == "do_nothing"
    assert off.ranking.set_index("option_id").loc["biochar_amendment", "target_tier"] == 4


def test_sedum_wheat_intercrop_only_replaces_wheat_maize_or_idle_land():
    from agriremed.core import messages

    # the Sedum–wheat evidence is a wheat field; the intercrop may replace maize (wheat–maize land) or take
    # idle dry land, not a banana, sugarcane or mulberry plantation
    base = {**DEFAULTS, "land_use": "upland", "ph": 5.5, "cd_mg_kg": 0.8, "region": "Hunan/Zhuzhou"}
    crops = ["wheat", "maize", "banana", "sugarcane", "mulberry"]
    p = _plan(pd.DataFrame([{**base, "plot_id": c, "crop": c} for c in crops]))
    t = p.table.set_index(["plot_id", "option_id"])
    ok = {c: bool(t.loc[(c, "sedum_wheat_intercrop"), "applicable"]) for c in crops}
    assert ok == {"wheat": True, "maize": True, "banana": False, "sugarcane": False, "mulberry": False}
    assert t.loc[("banana", "sedum_wheat_intercrop"), "reason"] == "not for banana: the field evidence covers wheat|maize"
    zh = dict(zip(p.table["plot_id"] + p.table["option_id"], messages.column_texts(p.table, "reason", "zh")))
    assert zh["bananasedum_wheat_intercrop"] == "不适用于香蕉：田间证据仅涉及小麦、玉米"


def test_every_option_on_safe_or_clean_wasteland_names_its_rule():
    # marginal land below the intervention values: unchanged use, annual non-food crops and
    # phytoextraction are allowed by cn_wasteland_other_uses (wasteland is not cultivated land), while
    # the more specific rules (revegetation, PV) keep their own names
    p = agriremed.plan(make_plots(2, plot_id=["AS", "CD"], land_use="marginal", crop="none", ph=[6.0, 5.5],
                                  cd_mg_kg=[0.2, 1.31], as_mg_kg=[52.0, 10.0],
                                  region=["Guangxi/Hechi", "Guizhou/Tongren"]), agriremed.Scenario(mc_draws=0))
    t = p.table.loc[p.table["applicable"]].set_index(["plot_id", "option_id"])
    assert (t["policy_rule"].fillna("") != "").all()
    assert t.loc[("CD", "sorghum"), "policy_rule"] == "cn_wasteland_other_uses"
    assert t.loc[("CD", "miscanthus"), "policy_rule"] == "cn_safe_wasteland_revegetate"
    assert t.loc[("AS", "do_nothing"), "policy_rule"] == "cn_wasteland_other_uses"
    assert t.loc[("AS", "pv_grass"), "policy_rule"] == "cn_pv_wasteland"


def test_strict_wasteland_non_food_uses_carry_a_wasteland_rule_not_the_cultivated_land_text():
    # Chenzhou mine wasteland (Cd 8, Pb 1 500: strict control, not cultivated land): phytoextraction, tobacco and
    # fallow are risk control under the wasteland rule, whose text says wasteland is not cultivated land (Order 46
    # Art. 2); the cultivated-land text "严格管控类耕地退出食用农产品生产" is not printed on it. A strict-control
    # paddy keeps the cultivated-land rule.
    mine = {**DEFAULTS, "plot_id": "mine", "land_use": "marginal", "crop": "none", "ph": 4.5, "cd_mg_kg": 8.0,
            "pb_mg_kg": 1500.0, "basic_farmland": "no", "region": "Hunan/Chenzhou/Suxian"}
    paddy = {**DEFAULTS, "plot_id": "paddy", "land_use": "paddy", "crop": "rice", "ph": 5.0, "cd_mg_kg": 2.0,
             "region": "Hunan/Zhuzhou/Lukou"}
    p = _plan(pd.DataFrame([mine, paddy]))
    t = p.table
    m = t.loc[t["plot_id"] == "mine"].set_index("option_id")
    for o in ("sedum_plumbizincicola", "tobacco", "fallow", "sorghum"):
        assert m.at[o, "policy_rule"] == "cn_strict_wasteland_nonfood", o
        assert m.at[o, "policy_status"] == "expected", o
    zh = messages.column_texts(m.reset_index().loc[m.reset_index()["option_id"] == "tobacco"], "reason", "zh")[0]
    assert "中国规则集规则“严格管控类荒地：非食用利用”：政策期望方案" in zh and "退出食用农产品生产" not in zh
    assert "rule cn_strict_wasteland_nonfood: expected" in m.at["tobacco", "reason"]
    # the rule's own text (workbook, report) is about wasteland
    rule = p.tables.land_rules.set_index("rule_id").loc["cn_strict_wasteland_nonfood"]
    assert "严格管控类耕地" not in rule["reason_zh"] and rule["reason_zh"].startswith("边际土地（荒地）不属于耕地")
    assert "部令第46号" in rule["reason_zh"]
    assert "is not cultivated land" in rule["reason_en"] and "so it has no food production to leave" in rule["reason_en"]
    assert "cn_strict_risk_control" not in set(m["policy_rule"].dropna())
    d = t.loc[t["plot_id"] == "paddy"].set_index("option_id")
    assert d.at["sorghum", "policy_rule"] == "cn_strict_risk_control"
    assert "中国规则集规则“严格管控：退出食用农产品生产”" in messages.column_texts(
        d.reset_index().loc[d.reset_index()["option_id"] == "sorghum"], "reason", "zh")[0]
