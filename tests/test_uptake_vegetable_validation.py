"""Out-of-sample check of the leafy-vegetable Cd default on the committed CVCCD pairs: the metrics are
recomputed by hand from the data file, and the committed file is the one the provenance README describes."""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr
from scipy.stats import spearmanr

from agriremed.stages.uptake import skill
from agriremed.apps.validation import (CVCCD_FILE, excluded_crop_pairs, leafy_relation_crops, leafy_spread_split,
                                       vegetable_skill_markdown)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pairs():
    return pd.read_csv(ROOT / CVCCD_FILE)


def test_committed_file_is_the_described_subset(pairs):
    assert len(pairs) == 214 and pairs["cvccd_id"].is_unique
    assert pairs[["soil_cd_mg_kg", "veg_cd_mg_kg", "ph", "som_g_kg", "cec_cmol_kg"]].notna().all().all()
    assert (pairs["veg_cd_mg_kg"] > 0).all() and pairs["ph"].between(4.0, 9.0).all()
    assert pairs["crop"].fillna("").value_counts().to_dict() == {"": 124, "pak_choi": 62, "lettuce": 17, "cabbage": 11}
    assert "MIT License" in (ROOT / CVCCD_FILE).with_name("README.md").read_text(encoding="utf-8")


def _by_hand(pairs, clay=20.0):
    """devries2007_lettuce_cd: log10 C_dw = 2.55 − 0.33 pH_KCl − 0.39 log10 SOM% − 0.19 log10 clay% + 0.85 log10 Cd,
    pH_KCl from pH in water (Kabała 2016), fresh = dry × (1 − 0.953) for pak choi."""
    ph_kcl = 10 ** ((0.14 + 0.99 * pairs["ph"] + 1.95) / 11.58)
    log_dw = (2.55 - 0.33 * ph_kcl - 0.39 * np.log10(pairs["som_g_kg"] / 10) - 0.19 * np.log10(clay)
              + 0.85 * np.log10(pairs["soil_cd_mg_kg"]))
    return 10 ** log_dw * (1 - 0.953)


def test_metrics_recomputed_from_the_data(pairs, tables):
    m, rel, out = skill.leafy_cd_skill(pairs, tables=tables)
    assert m["function_id"] == "devries2007_lettuce_cd_leafy" and m["n"] == m["n_predicted"] == 214
    pred = _by_hand(pairs).to_numpy()
    assert out["predicted_mg_kg"].to_numpy() == pytest.approx(pred, rel=1e-9)
    obs = pairs["veg_cd_mg_kg"].to_numpy()
    d = np.log10(pred) - np.log10(obs)
    # lettuce relation 0.16, between-survey 0.237, between-species 0.172, between-variety 0.125 (Kong et al. 2024),
    # between-study 0.489 (calibration half of the CVCCD studies, head cabbage left out)
    se = 0.605
    assert se == pytest.approx(np.sqrt(0.16 ** 2 + 0.237 ** 2 + (np.log10(1.08 / 0.43) / 2.326) ** 2
                                       + (np.log10(1.39 / 0.77) / 2.059) ** 2 + 0.489 ** 2), abs=5e-4)
    assert (out["se_log10"] == se).all()
    assert m["bias_log10"] == pytest.approx(d.mean()) and m["rmse_log10"] == pytest.approx(np.sqrt((d ** 2).mean()))
    assert m["spearman"] == pytest.approx(spearmanr(pred, obs).statistic)
    f = 10 ** (1.6448536269514722 * se)
    assert m["coverage90"] == pytest.approx(np.mean((obs >= pred / f) & (obs <= pred * f)))
    p = 1 - ndtr((np.log10(0.2) - np.log10(pred)) / se)
    o = obs > 0.2
    assert m["brier"] == pytest.approx(np.mean((p - o) ** 2))
    assert m["observed_rate"] == pytest.approx(o.mean())
    pos, neg = p[o], p[~o]
    auc = np.mean((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :]))
    assert m["auc"] == pytest.approx(auc)
    assert rel["n"].sum() == 214
    # the reported skill over the 203 pairs of crops the leafy relation predicts (docs/validation.md, head cabbage
    # left out): the median is not moved (bias, RMSE, AUC as with the sourced spread 0.356 alone); the between-study
    # spread raises the 90 % coverage from 0.69 to 0.882
    m = skill.leafy_cd_skill(pairs.loc[pairs["crop"] != "cabbage"], tables=tables)[0]
    assert m["n"] == 203
    assert m["bias_log10"] == pytest.approx(-0.011, abs=0.005)
    assert m["rmse_log10"] == pytest.approx(0.643, abs=0.005)
    assert m["coverage90"] == pytest.approx(0.882, abs=0.005)
    assert m["auc"] == pytest.approx(0.881, abs=0.005)
    assert m["brier"] < m["brier_base_rate"]


def test_study_split_is_deterministic_and_disjoint(pairs):
    cal, chk = skill.study_halves(pairs["article"])
    assert len(cal) == len(chk) == 24 and not set(cal) & set(chk)
    assert set(cal) | set(chk) == set(pairs["article"])
    # the order is the SHA-256 digest of the title text, whatever the order or repetition of the input
    again = skill.study_halves(pairs["article"].iloc[::-1].tolist() * 2)
    assert again == (cal, chk)
    order = sorted(set(pairs["article"]), key=lambda a: hashlib.sha256(a.encode("utf-8")).hexdigest())
    assert cal == order[0::2] and chk == order[1::2]
    assert pairs["article"].isin(cal).sum() == 73 and pairs["article"].isin(chk).sum() == 141
    # head cabbage left out afterwards: the halves stay, 68 and 135 pairs remain (one check article had only cabbage)
    kept = pairs["crop"] != "cabbage"
    assert (kept & pairs["article"].isin(cal)).sum() == 68 and (kept & pairs["article"].isin(chk)).sum() == 135
    assert pairs.loc[kept & pairs["article"].isin(chk), "article"].nunique() == 23


def test_between_study_spread_recomputed_by_hand(pairs, tables):
    split = leafy_spread_split(pairs, tables)
    # the calibration half without the head-cabbage pairs (a crop the plan does not predict)
    cal = pairs.loc[split["is_calibration"] & (pairs["crop"] != "cabbage").to_numpy()]
    assert len(cal) == 68 and split["spread"]["n_pairs"] == 68 and split["spread"]["n_studies"] == 24
    r = np.log10(cal["veg_cd_mg_kg"]) - np.log10(_by_hand(cal))
    g = r.groupby(cal["article"])
    n, k, big_n = g.size().to_numpy(float), g.ngroups, len(r)
    msw = ((r - g.transform("mean")) ** 2).sum() / (big_n - k)
    msb = (n * (g.mean() - r.mean()) ** 2).sum() / (k - 1)
    n0 = (big_n - (n ** 2).sum() / big_n) / (k - 1)
    tau2 = (msb - msw) / n0
    sourced2 = 0.286 ** 2 + 0.172 ** 2 + 0.125 ** 2  # the sourced spread of the leafy proxy, 0.356²
    s_study = np.sqrt(tau2 + msw - sourced2)
    assert s_study == pytest.approx(0.4892, abs=5e-4)
    assert split["spread"]["extra_sd"] == pytest.approx(s_study, abs=2e-4)  # table values rounded to 3 digits
    assert split["spread"]["within_sd"] == pytest.approx(np.sqrt(msw)) == pytest.approx(0.2799, abs=5e-4)
    assert split["spread"]["between_sd"] == pytest.approx(np.sqrt(tau2)) == pytest.approx(0.5367, abs=5e-4)
    assert split["spread"]["mean"] == pytest.approx(r.mean()) and r.mean() == pytest.approx(-0.0236, abs=5e-4)
    # the table row is this estimate (0.516 when the head-cabbage pairs were in)
    assert split["table_sd_study"] == pytest.approx(s_study, abs=5e-4) and split["table_sd_study"] == 0.489
    assert split["spread_all_crops"]["extra_sd"] == pytest.approx(0.5158, abs=5e-4)


def test_check_half_coverage_and_reliability(pairs, tables):
    split = leafy_spread_split(pairs, tables)
    chk = pairs.loc[~split["is_calibration"] & (pairs["crop"] != "cabbage").to_numpy()]
    m, rel, _ = skill.leafy_cd_skill(chk, tables=tables)
    # out of sample for the spread: 118 of 135 check pairs inside the 90 % interval (0.67 with se 0.356)
    assert m["n"] == 135 and m["coverage90"] == pytest.approx(118 / 135)
    pred, obs = _by_hand(chk).to_numpy(), chk["veg_cd_mg_kg"].to_numpy()
    f = 10 ** (1.6448536269514722 * 0.605)
    assert m["coverage90"] == pytest.approx(np.mean((obs >= pred / f) & (obs <= pred * f)))
    # the 0.4–0.6 bin (14 pairs): mean predicted 0.48, observed 0.64 — outside the ±0.15 target
    assert rel["difference"].abs().max() == pytest.approx(0.164, abs=0.005)
    assert rel["n"].tolist() == [63, 32, 14, 19, 7]
    assert m["bias_log10"] == pytest.approx(-0.029, abs=0.005) and m["auc"] == pytest.approx(0.905, abs=0.005)
    assert m["brier"] == pytest.approx(0.122, abs=5e-4) and m["brier_base_rate"] == pytest.approx(0.225, abs=5e-4)


def test_pairs_of_crops_not_predicted_with_the_leafy_relation_are_left_out(pairs, tables):
    # the crops whose default Cd function is the lettuce relation (crops.csv × transfer_functions.csv)
    assert leafy_relation_crops(tables) == {"pak_choi", "lettuce", "chinese_cabbage", "leafy_vegetable",
                                            "water_spinach", "spinach", "amaranth"}
    left = excluded_crop_pairs(pairs, tables)
    # CVCCD "Cabbage"/"Green Cabbage" (head cabbage 结球甘蓝, GB 2762 brassica: Cd 0.05 mg/kg): no plan function;
    # the blank crop codes (124 pairs) are leafy vegetables of type not given and stay
    assert len(left) == 11 and (left["crop"] == "cabbage").all() and (left["food_limit_mg_kg"] == 0.05).all()
    assert (left["plan_function"] == "").all()
    assert sorted(pd.unique(left["vegetable"])) == ["Cabbage", "Green Cabbage"]
    split = leafy_spread_split(pairs, tables)
    assert int(split["is_calibration"][~split["kept"]].sum()) == 5 and int((~split["kept"]).sum()) == 11


def test_the_rule_follows_the_tables_not_a_list_of_names(pairs, tables):
    # were the leafy function to apply to head cabbage, its pairs would be kept; were pak choi given a function of
    # another relation, the pak choi pairs would be left out
    tf = tables.transfer_functions.copy()
    leafy = tf["function_id"] == "devries2007_lettuce_cd_leafy"
    tf.loc[leafy, "applies_to"] = tf.loc[leafy, "applies_to"] + "|cabbage"
    assert excluded_crop_pairs(pairs, tables.replace(transfer_functions=tf)).empty
    tf = tables.transfer_functions.copy()
    leafy = tf["function_id"] == "devries2007_lettuce_cd_leafy"
    tf.loc[leafy, "applies_to"] = tf.loc[leafy, "applies_to"].str.replace("pak_choi|", "", regex=False)
    other = tf.loc[tf["function_id"] == "devries2007_lettuce_cd"].assign(
        function_id="pak_choi_other", applies_to="pak_choi", terms="const:-1|log10(soil):0.5")
    t2 = tables.replace(transfer_functions=pd.concat([tf, other], ignore_index=True))
    assert excluded_crop_pairs(pairs, t2)["crop"].value_counts().to_dict() == {"pak_choi": 62, "cabbage": 11}


def test_the_page_shows_the_check_before_head_cabbage_was_left_out(tables):
    lines = "\n".join(vegetable_skill_markdown(ROOT, tables))
    # the old figures: the spread calibrated with the head-cabbage pairs (0.516, se 0.627), the whole check half
    assert ("| check half with the head cabbage pairs in, spread calibrated with them (sd_study 0.516; before they "
            "were left out) | 0.627 | 141 | -0.02 | 0.67 | 0.78 | 0.90 | 0.33 | 0.31 | 0.126 | 0.220 | 0.89 | 0.12 |"
            ) in lines
    assert ("5 of them were in the calibration half and 6 in the check half (halves unchanged). With them in, as "
            "before they were left out, the calibration half gave σ = 0.3172, τ = 0.5407, mean residual -0.062 and "
            "sd_study = 0.5158 (table 0.516, se 0.627)") in lines
    assert "214 in the file, of which the 11 of crops the plan does not predict with this relation are left out" \
        in lines


def test_clay_assumption_moves_the_bias_as_its_coefficient_says(pairs, tables):
    m10 = skill.leafy_cd_skill(pairs, clay_pct=10.0, tables=tables)[0]
    m40 = skill.leafy_cd_skill(pairs, clay_pct=40.0, tables=tables)[0]
    assert m10["bias_log10"] - m40["bias_log10"] == pytest.approx(0.19 * np.log10(4.0), abs=1e-9)


def test_validation_page_section(tables):
    lines = "\n".join(vegetable_skill_markdown(ROOT, tables))
    assert ("| **check half (out of sample for the spread)** | 0.605 | 135 | -0.03 | 0.68 | 0.81 | 0.87 | 0.34 | 0.30 | "
            "0.122 | 0.225 | 0.90 | 0.16 |") in lines
    assert "| check half, sourced spread only (before) | 0.356 | 135 | -0.03 | 0.68 | 0.81 | 0.67 |" in lines
    assert "| calibration half | 0.605 | 68 | +0.02 | 0.57 | 0.73 | 0.90 |" in lines
    assert "| all pairs | 0.605 | 203 | -0.01 | 0.64 | 0.78 | 0.88 |" in lines
    assert "| all pairs, sourced spread only (before) | 0.356 | 203 | -0.01 | 0.64 | 0.78 | 0.69 |" in lines
    assert "| lettuce, all pairs (`devries2007_lettuce_cd`) | 0.566 | 17 |" in lines
    assert "coverage 80–98 % — 87 %, reached (before: 67 %)" in lines
    assert "largest gap 0.16, not reached (before: 0.21)" in lines
    assert ("within-article SD σ = 0.2799, between-article SD τ = 0.5367; a field in a new study scatters by "
            "√(τ² + σ²) = 0.6053 around the mean residual (-0.024") in lines
    assert vegetable_skill_markdown(ROOT / "nonexistent") == []
