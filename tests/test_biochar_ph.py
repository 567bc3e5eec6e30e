"""Biochar on soils above pH 7.5: the reason says the credited Cd cut may be too high.

The biochar Cd credit comes from a paddy dose–response (Cui et al. 2011) scaled by feedstock.
A meta-analysis of 81 studies (``huang2019_biochar_ph``, abstract only) found biochar lowered
available soil Cd most on weakly acid soils (−50.05 %), slightly less on neutral and clearly
less on alkaline soils; no crop-Cd figure by soil pH class was found, so the credit is not
scaled by pH (``smaller_above_ph`` of ``biochar_feedstock_effects.csv``) but a plot above
pH 7.5 (GB 15618 upper band) carries the caution in its reason.
"""

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables

PLOTS = pd.DataFrame({
    "plot_id": ["jiyuan", "hunan", "edge75", "edge76"],
    "region": ["Henan/Jiyuan", "湖南/株洲/渌口", "Henan/Jiyuan", "Henan/Jiyuan"],
    "land_use": ["vegetable", "paddy", "vegetable", "vegetable"],
    "crop": ["pak_choi", "rice", "pak_choi", "pak_choi"],
    "ph": [7.8, 5.0, 7.5, 7.6],
    "cd_mg_kg": [3.0, 0.6, 3.0, 3.0],
    "pb_mg_kg": [400.0, np.nan, 400.0, 400.0],
    "zn_mg_kg": [600.0, np.nan, 600.0, 600.0],
    "area_ha": [1.0, 1.0, 1.0, 1.0],
})
CAUTION_EN = "soil pH above 7.5: the Cd cut credited here comes from paddy trials"
CAUTION_ZH = "土壤pH高于7.5：此处计入的降镉幅度来自稻田试验"


@pytest.fixture(scope="module")
def plan():
    return agriremed.plan(PLOTS, seed=1)


def _row(plan, pid):
    t = plan.table
    return t[(t["plot_id"] == pid) & (t["option_id"] == "biochar_amendment")].iloc[0]


def test_the_threshold_and_its_sources_are_data():
    t = load_tables().biochar_feedstock_effects
    row = t[(t["effect"] == "smaller_above_ph") & (t["metal"] == "cd")].iloc[0]
    assert row["typical"] == 7.5
    assert row["source"] == "huang2019_biochar_ph;mee2018_gb15618"
    src = load_tables().sources.set_index("key").loc["huang2019_biochar_ph"]
    assert "UNCONFIRMED" in src["status"] and "50.05" in src["citation"]


def test_calcareous_vegetable_plot_carries_the_caution_in_both_languages(plan):
    r = _row(plan, "jiyuan")
    assert r["applicable"]
    assert CAUTION_EN in r["reason"]
    assert "may be too high on this soil (黄敏 et al. 2019; GB 15618—2018)" in r["reason"]
    zh = messages.render(r["reason_msg"], "zh")
    assert CAUTION_ZH in zh and "计入值未作下调" in zh and "（黄敏等 2019；GB 15618—2018）" in zh


def test_the_credit_itself_is_not_scaled_by_soil_ph(plan):
    # no crop-Cd figure by soil pH was found: compliance and rank are those of before (drawn with the common
    # random numbers of every plan's compliance, stages.duration.COMPLIANCE_SEED, since seed 1 is not the packaged one)
    t = plan.table
    j = t[t["plot_id"] == "jiyuan"].set_index("option_id")
    assert j.loc["biochar_amendment", "crop_compliance_prob"] == pytest.approx(0.7766, abs=1e-4)
    assert j.loc["do_nothing", "crop_compliance_prob"] == pytest.approx(0.7405, abs=1e-4)
    # its gain (3.6 points with the leafy spread 0.605; 3.5 with 0.627) is below min_compliance_gain and no option of the plot reaches it: biochar is no
    # measure for the crop and ranks after unchanged practice (target_tier 6; before that rule, rank 1)
    assert j.loc["biochar_amendment", "rank"] == 2 and j.loc["do_nothing", "rank"] == 1
    # −23 226 CNY/ha when the pak choi over the limit was sold for feed at 60 % of the price; unsold, the
    # 3.6 points of compliance are worth the full price: + 0.6 × 0.0361 × 30 t/ha × 3000 CNY/t × annuity
    assert j.loc["biochar_amendment", "npv_vs_baseline_cny_ha"] == pytest.approx(-567, abs=1)


def test_acid_paddy_is_unchanged_and_has_no_caution(plan):
    r = _row(plan, "hunan")
    assert r["applicable"]
    assert "soil pH above" not in r["reason"]
    assert r["crop_compliance_prob"] == pytest.approx(0.4498, abs=1e-4)
    assert r["rank"] == 8  # the typical plough layer (no depth or bulk density given) scores the clean-up


def test_caution_only_above_the_band_edge(plan):
    assert "soil pH above" not in _row(plan, "edge75")["reason"]
    assert CAUTION_EN in _row(plan, "edge76")["reason"]
