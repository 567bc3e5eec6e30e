"""Survey summaries that print no number of pairs (blank ``n`` in uptake_surveys.csv): the survey checks run
on them (``n`` is a nullable integer, <NA>), and an n-weighted calibration names them instead of turning NaN."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from agriremed.apps.validation import wheat_cd_survey_markdown
from agriremed.stages.uptake import skill, synthesis


def _functions_with_checks(tables):
    sv = tables.uptake_surveys
    sv = sv.loc[sv["role"] == "check"]
    tf = tables.transfer_functions
    return [f for f, crop, metal in zip(tf["function_id"], tf["applies_to"], tf["metal"], strict=True)
            if ((sv["crop"] == crop) & (sv["metal"] == metal)).any()]


def test_the_packaged_check_surveys_include_some_without_n(tables):
    sv = tables.uptake_surveys.set_index("survey_id")
    blank = sorted(sv.index[sv["n"].isna()])
    assert blank == ["hunan2013_y_county", "song2022_guangxi_carbonate", "song2023_guizhou_rice"]
    assert (sv.loc[blank, "role"] == "check").all()


def test_survey_check_runs_for_every_function_with_check_surveys(tables):
    # synth_rice_cd_ph and synth_rice_cd_ph_hunan raised IntCastingNaNError at sv["n"].astype(int)
    ids = _functions_with_checks(tables)
    assert {"synth_rice_cd_ph", "synth_rice_cd_ph_hunan", "mcgrath2002_wheat_cd", "yao2021_rice_as"} <= set(ids)
    sv = tables.uptake_surveys.set_index("survey_id")
    for fid in ids:
        r = skill.survey_check(fid, tables)
        assert str(r["n"].dtype) == "Int64", fid
        printed = sv.loc[r["survey_id"], "n"].to_numpy(float)
        assert (r["n"].isna().to_numpy() == np.isnan(printed)).all(), fid
        assert (r["n"].dropna().to_numpy(float) == printed[~np.isnan(printed)]).all(), fid
    r = skill.survey_check("synth_rice_cd_ph", tables).set_index("survey_id")
    assert pd.isna(r.at["song2023_guizhou_rice", "n"]) and r.at["guizhou_karst_rice_thesis", "n"] == 2961
    # the survey without n is checked like the others: 10^(0.4519 + 0.4305 log10 0.883 − 0.22975 · 6.45)
    want = 10 ** (0.4519 + 0.4305 * np.log10(0.883) - 0.22975 * 6.45)
    assert r.at["song2023_guizhou_rice", "predicted_mg_kg"] == pytest.approx(want, rel=1e-9)
    assert r.at["song2023_guizhou_rice", "predicted_mg_kg"] == pytest.approx(0.08846, rel=1e-4)
    hunan = skill.survey_check("synth_rice_cd_ph_hunan", tables)
    assert len(hunan) == len(r) and hunan["n"].isna().sum() == 3


def test_an_n_weighted_calibration_names_the_surveys_without_n(tables):
    sv = tables.uptake_surveys.copy()
    sv.loc[sv["survey_id"] == "shengzhou_zhejiang", "n"] = np.nan
    mom = synthesis.survey_moments(sv.loc[(sv["crop"] == "rice") & (sv["metal"] == "cd")])
    with pytest.raises(ValueError, match="shengzhou_zhejiang print no n"):
        synthesis.calibrate_intercept(mom, 0.4305, -0.22975)
    # a check survey without n does not enter the weights: the calibration is unchanged
    ok = synthesis.calibrate_intercept(synthesis.survey_moments(
        tables.uptake_surveys.loc[(tables.uptake_surveys["crop"] == "rice")
                                  & (tables.uptake_surveys["metal"] == "cd")]), 0.4305, -0.22975)
    assert ok["n"] == 140 + 94 + 96
    sv = tables.uptake_surveys.copy()
    sv.loc[sv["survey_id"] == "guizhou_rice_as", "n"] = np.nan
    with pytest.raises(ValueError, match="guizhou_rice_as print no n"):
        synthesis.ratio_synthesis(sv, "rice", "as")
    # the checks of the ratio keep a check survey without n, as <NA>
    sv = tables.uptake_surveys.copy()
    sv.loc[sv["survey_id"] == "koudikasa_india_rice_as", "n"] = np.nan
    ck = synthesis.ratio_synthesis(sv, "rice", "as")["checks"].set_index("survey_id")
    assert pd.isna(ck.at["koudikasa_india_rice_as", "n"]) and ck.at["tongren_rice_as", "n"] == 230


def test_survey_skill_and_the_validation_tables_show_a_missing_n(tables):
    sv = tables.uptake_surveys.copy()
    sv.loc[sv["survey_id"] == "nanxun_zhejiang", "n"] = np.nan
    t = dataclasses.replace(tables, uptake_surveys=sv)
    sk = synthesis.survey_skill(t).set_index("survey_id")
    assert pd.isna(sk.at["nanxun_zhejiang", "n"]) and sk.at["changzhutan_hunan", "n"] == 140
    assert len(sk) == 4  # the check survey without n is still predicted (it was left out)
    sv.loc[sv["survey_id"] == "wenling_zhejiang", "n"] = np.nan  # a calibration survey: named, not left out
    with pytest.raises(ValueError, match="wenling_zhejiang print no n"):
        synthesis.survey_skill(dataclasses.replace(tables, uptake_surveys=sv))
    sv = tables.uptake_surveys.copy()
    sv.loc[sv["survey_id"] == "henan_north_wheat_cd", "n"] = np.nan
    md = "\n".join(wheat_cd_survey_markdown(dataclasses.replace(tables, uptake_surveys=sv)))
    assert "| henan_north_wheat_cd | – | 0.500 |" in md and "<NA>" not in md


def test_survey_sizes():
    assert synthesis.survey_sizes([140.0, np.nan, 53]).tolist() == [140, pd.NA, 53]
    with pytest.raises(ValueError, match="whole numbers"):
        synthesis.survey_sizes([12.5])
