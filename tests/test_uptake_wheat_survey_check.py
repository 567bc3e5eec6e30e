"""Out-of-sample check of the wheat Cd functions on an independent survey summary (northern Henan):
the numbers are recomputed by hand from the printed survey values and the function coefficients."""

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.special import ndtr

from agriremed.stages.uptake import skill
from agriremed.apps.validation import coverage_problems, wheat_cd_survey_markdown

ROOT = Path(__file__).resolve().parents[1]


def _with_ph(tables, ph):
    sv = tables.uptake_surveys.copy()
    sv.loc[sv["survey_id"] == "henan_north_wheat_cd", "ph_mean"] = ph
    return dataclasses.replace(tables, uptake_surveys=sv)


def test_survey_row_is_as_printed(tables):
    sv = tables.uptake_surveys.set_index("survey_id").loc["henan_north_wheat_cd"]
    assert (sv["crop"], sv["metal"], sv["role"], sv["source"]) == ("wheat", "cd", "check", "xue_henan_wheat_cd")
    assert (sv["soil_mean_mg_kg"], sv["crop_mean_mg_kg"], sv["frac_above"], sv["frac_limit_mg_kg"]) == \
        (0.5, 0.049, 0.05732, 0.1)
    assert np.isnan(sv["ph_mean"])
    # the printed shares are whole numbers of 157 pairs (and of 314): 9/157, 45/157, 135/157
    for share, k in ((0.05732, 9), (0.28662, 45), (0.85987, 135)):
        assert share * 157 == pytest.approx(k, abs=1e-3)
    assert "xue_henan_wheat_cd" in set(tables.sources["key"])


def test_ratio_function_by_hand(tables):
    r = skill.survey_check("chen2021_wheat_cd_bcf", tables).set_index("survey_id").loc["henan_north_wheat_cd"]
    pred = 0.155 * 0.500                                    # mean BCF × printed soil Cd
    assert r["predicted_mg_kg"] == pytest.approx(pred)
    assert r["bias_log10"] == pytest.approx(math.log10(pred / 0.049))
    assert r["bias_log10"] == pytest.approx(0.1991, abs=5e-4)
    p = 1 - ndtr((math.log10(0.1) - math.log10(pred)) / 0.673)
    assert r["predicted_share_above"] == pytest.approx(p)
    assert r["predicted_share_above"] == pytest.approx(0.4347, abs=5e-4)
    assert r["observed_share_above"] == 0.05732
    assert r["outside_valid_range"] == 0.0          # soil 0.5 within the published 0.15–2.66 mg/kg
    # within-survey spread from mean 0.049 and 5.732 % above 0.1: the smaller root of
    # (ln10/2)σ² − zσ − log10(0.049/0.1) = 0, z = Φ⁻¹(1 − 0.05732)
    from scipy.special import ndtri
    k, z, d = math.log(10) / 2, ndtri(1 - 0.05732), math.log10(0.049 / 0.1)
    sigma = (z - math.sqrt(z * z + 4 * k * d)) / (2 * k)
    assert r["survey_sigma_log10"] == pytest.approx(sigma)
    assert r["survey_sigma_log10"] == pytest.approx(0.2375, abs=5e-4)


@pytest.mark.parametrize("fid,ph_is_enough", [("mcgrath2002_wheat_cd", True), ("jiangsu2007_wheat_cd", True),
                                              ("devries2007_wheat_cd", False)])
def test_functions_with_ph_get_no_prediction_without_a_printed_ph(tables, fid, ph_is_enough):
    r = skill.survey_check(fid, tables)
    assert list(r["survey_id"]) == ["henan_north_wheat_cd"]
    assert r["predicted_mg_kg"].isna().all() and r["predicted_share_above"].isna().all()
    # with a pH the same survey is predicted: the NaN comes from the missing input, nothing else;
    # the Dutch function also needs SOM and clay, which surveys do not carry: still no prediction
    r8 = skill.survey_check(fid, _with_ph(tables, 8.0))
    assert np.isfinite(r8["predicted_mg_kg"]).all() == ph_is_enough


def test_mcgrath_by_hand_when_a_ph_is_given(tables):
    r = skill.survey_check("mcgrath2002_wheat_cd", _with_ph(tables, 8.0)).iloc[0]
    assert r["predicted_mg_kg"] == pytest.approx(10 ** (0.282 + 0.44 * math.log10(0.5) - 0.1834 * 8.0))


def test_outside_the_validity_range_is_flagged(tables):
    sv = tables.uptake_surveys.copy()
    sv.loc[sv["survey_id"] == "henan_north_wheat_cd", "soil_mean_mg_kg"] = 3.0   # above 2.66 mg/kg
    r = skill.survey_check("chen2021_wheat_cd_bcf", dataclasses.replace(tables, uptake_surveys=sv)).iloc[0]
    assert r["outside_valid_range"] == 1.0 and r["predicted_mg_kg"] == pytest.approx(0.155 * 3.0)
    assert np.isnan(skill.survey_check("mcgrath2002_wheat_cd", tables).iloc[0]["outside_valid_range"])


def test_unknown_function_is_named():
    with pytest.raises(KeyError, match="no_such_function"):
        skill.survey_check("no_such_function")


def test_validation_page_section_and_coverage(tables):
    lines = "\n".join(wheat_cd_survey_markdown(tables))
    assert ("| `chen2021_wheat_cd_bcf` (0.673) | henan_north_wheat_cd | 157 | 0.500 | 0.049 | 0.077 | +0.20 | "
            "0.057 | 0.43 |") in lines
    assert "| `mcgrath2002_wheat_cd` (0.401) | henan_north_wheat_cd | 157 | 0.500 | 0.049 | – (needs an input" in lines
    assert "over-predicts henan_north_wheat_cd by a factor 1.6" in lines
    assert "implied by its mean and share, is 0.24 log10" in lines
    assert coverage_problems(ROOT / "tests" / "validation", tables) == []
    cov = (ROOT / "tests" / "validation" / "coverage.csv").read_text(encoding="utf-8")
    row = next(x for x in cov.splitlines() if x.startswith("transfer_function,chen2021_wheat_cd_bcf,"))
    assert ",survey_skill," in row and "xue_henan_wheat_cd" in row
