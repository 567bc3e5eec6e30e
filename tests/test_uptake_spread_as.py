"""Sourced spread of the leafy-vegetable default used for another species, and the rice grain As
synthesis: the library rows equal their documented derivations, and hand-computed predictions for
stated soils flow through the prediction, the food-limit check and the plan."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr, ndtri

import agriremed
from agriremed.stages import uptake
from agriremed.stages.uptake import synthesis


def _row(tables, fid):
    return tables.transfer_functions.set_index("function_id").loc[fid]


@pytest.fixture
def as_tables(tables):
    """The packaged tables with the rice As synthesis switched on, as a user's table would."""
    tf = tables.transfer_functions.copy()
    tf.loc[tf["function_id"] == "synth_rice_as_bcf", "usable"] = True
    return tables.replace(transfer_functions=tf)


def test_rice_as_synthesis_is_opt_in(tables, plots_factory):
    # it over-predicts both independent check surveys, so it is not a default: rice As stays
    # "not assessed" with the function named in the reason
    assert not bool(_row(tables, "synth_rice_as_bcf")["usable"])
    assert "usable = false" in _row(tables, "synth_rice_as_bcf")["note"]
    p = plots_factory(1, as_mg_kg=20.0, ph=6.0)
    pred, miss = uptake.predict_and_unassessed(p, metals=["as"], tables=tables)
    assert pred.empty and miss[["crop", "metal"]].values.tolist() == [["rice", "as"]]


# --- leafy vegetables -------------------------------------------------------------------------

def test_leafy_variance_components_are_the_documented_range_estimates(tables):
    c = synthesis.leafy_spread_components(tables.uptake_slopes)
    # Kong et al. 2024: species means 1.08 (spinach) and 0.43 (rape seedlings) over 5 species → d2 = 2.326;
    # spinach varieties 0.77–1.39 over 4 varieties → d2 = 2.059
    assert c["species"] == pytest.approx(math.log10(1.08 / 0.43) / 2.326, abs=5e-4)
    assert c["variety"] == pytest.approx(math.log10(1.39 / 0.77) / 2.059, abs=5e-4)


def test_leafy_proxy_spread_adds_species_and_variety_to_the_lettuce_spread(tables):
    c = synthesis.leafy_spread_components(tables.uptake_slopes)
    lettuce, proxy = _row(tables, "devries2007_lettuce_cd"), _row(tables, "devries2007_lettuce_cd_leafy")
    # source SE 0.16 and between-survey SD 0.237, plus the between-study SD of the CVCCD calibration half
    # (0.489: head-cabbage pairs left out of the calibration; 0.516 with them)
    assert c["study"] == pytest.approx(0.489)
    assert lettuce["se_log10"] == pytest.approx(math.sqrt(0.16 ** 2 + 0.237 ** 2 + c["study"] ** 2), abs=5e-4)
    assert lettuce["se_log10"] == pytest.approx(0.566)
    assert proxy["se_log10"] == pytest.approx(math.sqrt(0.16 ** 2 + 0.237 ** 2 + c["species"] ** 2
                                                        + c["variety"] ** 2 + c["study"] ** 2), abs=5e-4)
    # √(0.356² + 0.489²): the sourced spread of the proxy before the between-study part, and that part
    assert proxy["se_log10"] == pytest.approx(math.hypot(0.356, 0.489), abs=5e-4)
    assert proxy["se_log10"] == pytest.approx(0.605)
    # same median relation: only the spread differs
    assert proxy["terms"] == lettuce["terms"] and proxy["plant_basis"] == lettuce["plant_basis"]
    assert lettuce["applies_to"] == "lettuce" and proxy["applies_to"] == \
        "pak_choi|chinese_cabbage|leafy_vegetable|water_spinach|spinach|amaranth"


def test_pak_choi_gets_the_wider_interval_and_lettuce_keeps_its_own(tables, plots_factory):
    p = plots_factory(2, crop=["pak_choi", "lettuce"], land_use="vegetable", ph=6.0, som_pct=3.0,
                      clay_pct=20.0, cd_mg_kg=0.5)
    pred = uptake.food_safety(uptake.predict_crop_concentration(p, metals=["cd"], tables=tables), "GB2762", tables)
    pred = pred.set_index("crop")
    assert pred.loc["pak_choi", "function_id"] == "devries2007_lettuce_cd_leafy"
    assert pred.loc["lettuce", "function_id"] == "devries2007_lettuce_cd"
    # dry-weight median: 10^(2.55 − 0.33·pH_KCl − 0.39·log10 3 − 0.19·log10 20 + 0.85·log10 0.5)
    dw = 10 ** (2.55 - 0.33 * 4.936703 - 0.39 * math.log10(3) - 0.19 * math.log10(20) + 0.85 * math.log10(0.5))
    assert pred.loc["pak_choi", "crop_dw_p50_mg_kg"] == pytest.approx(dw, rel=1e-5)
    fw = dw * (1 - 0.953)  # pak choi moisture
    assert pred.loc["pak_choi", "crop_fw_p50_mg_kg"] == pytest.approx(fw, rel=1e-5)
    assert pred.loc["pak_choi", "crop_fw_p95_mg_kg"] == pytest.approx(fw * 10 ** (float(ndtri(0.95)) * 0.605),
                                                                       rel=1e-5)
    p_hand = 1 - ndtr(math.log10(0.2 / fw) / 0.605)
    assert pred.loc["pak_choi", "p_exceed_limit"] == pytest.approx(p_hand, rel=1e-5)
    assert pred.loc["lettuce", "se_log10"] == pytest.approx(0.566)


# --- rice As --------------------------------------------------------------------------------

def test_rice_as_row_is_the_ratio_synthesis_of_the_surveys(tables):
    r = synthesis.ratio_synthesis(tables.uptake_surveys, "rice", "as")
    fn = _row(tables, "synth_rice_as_bcf")
    assert fn["terms"] == f"soil:{r['ratio']:.6f}"
    assert r["ratio"] == pytest.approx(0.108 / 10.03)
    # within: log10(0.35 / 0.108) / z(1 − 0.1021); between: SD of the three log10 ratios
    within = math.log10(0.35 / 0.108) / float(ndtri(1 - 0.1021))
    logs = np.log10([0.108 / 10.03, 0.056 / 12.94, 0.47 / 126])
    assert r["within"] == pytest.approx(within) and r["between"] == pytest.approx(np.std(logs, ddof=1))
    assert fn["se_log10"] == pytest.approx(r["se_log10"], abs=5e-4) and int(fn["n"]) == r["n"] == 1567
    chk = r["checks"].set_index("survey_id")["bias_log10"]
    assert chk["guizhou_rice_as"] == pytest.approx(0.0, abs=1e-12)
    assert chk["tongren_rice_as"] == pytest.approx(math.log10(0.108 / 10.03 * 12.94 / 0.056))  # +0.40: over
    assert chk["koudikasa_india_rice_as"] == pytest.approx(math.log10(0.108 / 10.03 * 126 / 0.47))  # +0.46


def test_rice_as_prediction_and_exceedance_for_a_stated_soil(as_tables, plots_factory):
    tables = as_tables
    # soil As 20 mg/kg: median grain As 0.010768 × 20 = 0.21536 mg/kg, compared as is with 0.35 (brown rice)
    p = plots_factory(1, as_mg_kg=20.0, ph=6.0)
    pred = uptake.food_safety(uptake.predict_crop_concentration(p, metals=["as"], tables=tables), "GB2762", tables)
    r = pred.iloc[0]
    assert r["function_id"] == "synth_rice_as_bcf" and r["plant_basis"] == "unknown"
    assert r["crop_fw_p50_mg_kg"] == pytest.approx(0.21536, rel=1e-4)
    assert r["crop_fw_p95_mg_kg"] == pytest.approx(0.21536 * 10 ** (1.6448536 * 0.473), rel=1e-4)
    assert r["food_limit_mg_kg"] == 0.35 and r["limit_species"] == "inorganic"
    # 1 − Φ(log10(0.35 / 0.21536) / 0.473) = 1 − Φ(0.4459) = 0.3278
    assert r["p_exceed_limit"] == pytest.approx(1 - ndtr(math.log10(0.35 / 0.21536) / 0.473), rel=1e-4)
    assert r["p_exceed_limit"] == pytest.approx(0.3278, abs=5e-4)
    assert "total As compared with an inorganic-As limit" in r["note"]


def test_rice_as_is_assessed_and_other_crops_stay_unassessed(as_tables, plots_factory):
    tables = as_tables
    p = plots_factory(2, crop=["rice", "wheat"], land_use=["paddy", "upland"], as_mg_kg=15.0, ph=6.0)
    pred, miss = uptake.predict_and_unassessed(p, metals=["as"], tables=tables)
    assert pred["crop"].tolist() == ["rice"]
    assert miss[["crop", "metal"]].values.tolist() == [["wheat", "as"]]
    assert miss["reason"].iloc[0] == "no transfer function for wheat and As"


def test_rice_as_outside_the_survey_range_is_predicted_at_the_edge(as_tables, plots_factory):
    # soil As 150 is above the surveys' 91.75: no rice As function holds, so the BCF is used at the edge of its
    # range, its rise with soil As continued (conservative), flagged extrapolated
    tables = as_tables
    p = plots_factory(1, as_mg_kg=150.0, ph=6.0)
    pred, miss = uptake.predict_and_unassessed(p, metals=["as"], tables=tables)
    assert miss.empty
    r = pred.iloc[0]
    assert r["function_id"] == "synth_rice_as_bcf" and r["extrapolated"] is True
    assert r["crop_fw_p50_mg_kg"] == pytest.approx(0.010768 * 150.0, rel=1e-4)
    assert "synth_rice_as_bcf (as_mg_kg outside 0.042–91.75)" in r["selection"]


def test_rice_as_flows_through_the_plan(as_tables, plots_factory):
    p = plots_factory(1, as_mg_kg=40.0, ph=6.0, cd_mg_kg=0.2)
    res = agriremed.plan(p, agriremed.Scenario(mc_draws=0), tables=as_tables, progress=False)
    up = res.uptake
    row = up.loc[up["metal"] == "as"].iloc[0]
    assert row["function_id"] == "synth_rice_as_bcf"
    assert row["crop_fw_p50_mg_kg"] == pytest.approx(0.010768 * 40.0, rel=1e-4)
    p_as = 1 - ndtr(math.log10(0.35 / (0.010768 * 40.0)) / 0.473)
    assert row["p_exceed_limit"] == pytest.approx(p_as, rel=1e-4)
    assert pd.isna(row.get("not_assessed_reason", np.nan)) or row.get("not_assessed_reason", "") == ""
    # the plot's compliance multiplies the Cd and As probabilities of meeting the limit
    cd = up.loc[up["metal"] == "cd"].iloc[0]
    expected = (1 - cd["p_exceed_limit"]) * (1 - p_as)
    comp = res.summary.set_index("plot_id").loc["P1", "current_crop_compliance_prob"]
    assert "as" not in str(res.summary.set_index("plot_id").loc["P1", "metals_not_assessed"]).split("|")
    assert comp == pytest.approx(expected, rel=1e-6)


def test_validation_page_rice_as_section(tables):
    from agriremed.apps.validation import rice_as_skill_markdown

    text = "\n".join(rice_as_skill_markdown(tables))
    assert "| tongren_rice_as | check | 230 | 0.056 | 0.139 | +0.40 |" in text
    assert "| koudikasa_india_rice_as | check | 20 | 0.470 | 1.357 | +0.46 |" in text
    assert "factor 2.5–2.9" in text


def test_flooding_raises_grain_as_where_as_is_assessed(as_tables, plots_factory):
    # flooded_rice: Cd cut 0.685 (typical), As side effect −0.6 (grain As × 1.6, li2019_awd_as)
    p = plots_factory(1, as_mg_kg=20.0, ph=6.0, cd_mg_kg=0.2)
    res = agriremed.plan(p, agriremed.Scenario(mc_draws=0), tables=as_tables, progress=False)
    up = res.uptake.set_index("metal")
    t = res.table.set_index("option_id")
    lim_cd = float(up.loc["cd", "food_limit_mg_kg"])
    cd50, se_cd = float(up.loc["cd", "crop_fw_p50_mg_kg"]), float(up.loc["cd", "se_log10"])
    as50 = 0.010768 * 20.0
    ok_cd = ndtr(math.log10(lim_cd / (cd50 * (1 - 0.685))) / se_cd)
    ok_as = ndtr(math.log10(0.35 / (as50 * 1.6)) / 0.473)
    assert t.loc["flooded_rice", "crop_compliance_prob"] == pytest.approx(ok_cd * ok_as, rel=1e-4)
    # without the side effect flooding would keep the current As compliance
    assert ok_as < ndtr(math.log10(0.35 / as50) / 0.473)
    # the drained package gets no As change: its As factor is the current one
    ok_as0 = ndtr(math.log10(0.35 / as50) / 0.473)
    assert t.loc["vip_n_no_flood", "crop_compliance_prob"] / ok_as0 > t.loc["flooded_rice", "crop_compliance_prob"] / ok_as
