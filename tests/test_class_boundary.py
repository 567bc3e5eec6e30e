"""A soil value within the spread of duplicate analyses of a GB 15618-2018 class boundary (screening or
intervention value) is flagged: a re-sample or re-analysis can change the class (Shimen As paddies: As 120
at the intervention value 120; Cd 0.31 against the screening value 0.3). The class itself is kept."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.stages import soil
from plotdata import make_plots


def _near(plots: pd.DataFrame) -> pd.DataFrame:
    return soil.near_class_boundary(soil.screen(plots), plots["plot_id"])


def test_band_is_where_a_duplicate_analysis_can_cross_the_boundary():
    prec = load_tables().soil_method_precision.set_index("metal")["within_lab_rd_max"].astype(float)
    # the table: As 13.9 %, Cd 20.0 % (largest within-laboratory relative deviation RD = |a-b|/(a+b))
    assert prec["as"] == 0.139 and prec["cd"] == 0.200 and "hg" not in prec.index
    # a duplicate y of x with |x-y|/(x+y) <= r lies in x(1-r)/(1+r) ... x(1+r)/(1-r); the boundary b lies in
    # that range when b(1-r)/(1+r) <= x <= b(1+r)/(1-r). Hand-computed: Cd r = 0.2: 0.8/1.2 = 2/3, 1.2/0.8 = 1.5,
    # so around 1.5: 1.0 ... 2.25, around 0.3: 0.2 ... 0.45; As r = 0.139 around 120: 120 x 0.861/1.139 = 90.7112,
    # 120 x 1.139/0.861 = 158.7456; Hg none
    low, high = soil.boundary_band_mg_kg(["cd", "cd", "as", "hg"], [1.5, 0.3, 120.0, 0.5])
    assert low[:3] == pytest.approx([1.0, 0.2, 90.7112], abs=1e-4) and np.isnan(low[3])
    assert high[:3] == pytest.approx([2.25, 0.45, 158.7456], abs=1e-4) and np.isnan(high[3])
    lo, hi = soil.duplicate_range_mg_kg("cd", 2.2)
    assert lo[0] == pytest.approx(2.2 * 2 / 3) and hi[0] == pytest.approx(3.3)


def test_intervention_band_is_asymmetric_both_sides():
    # paddy pH 5.0: Cd intervention 1.5, band 1.0 ... 2.25 (r = 0.2). 0.92: a duplicate reaches 0.92 x 1.5 = 1.38
    # < 1.5, cannot cross (was flagged with the old symmetric margin 2 x 0.2 x 1.5 = 0.6); 1.05 can (up to 1.575);
    # 2.2 can fall to 2.2 x 2/3 = 1.467 < 1.5 (was not flagged); 2.3 cannot (down to 1.533)
    p = make_plots(5, plot_id=["B1", "B2", "B3", "B4", "B5"], ph=5.0, cd_mg_kg=[0.92, 1.05, 2.05, 2.2, 2.3])
    out = _near(p)
    assert out["near_class_boundary"].tolist() == ["", "cd:intervention", "cd:intervention", "cd:intervention", ""]
    msg = messages.Message.decode(out["near_class_boundary_msg"].iloc[3])
    en, zh = messages.render(msg, "en"), messages.render(msg, "zh")
    assert "Cd at 2.2 mg/kg is near its risk intervention value, 1.5 mg/kg" in en
    assert "anywhere from 1.47 to 3.3 mg/kg" in en and "safe utilisation" in en
    assert "复测结果可在1.47～3.3 mg/kg之间" in zh and "安全利用类" in zh
    assert out["near_class_boundary_msg"].iloc[0] == "" and out["near_class_boundary_msg"].iloc[4] == ""


def test_as_at_the_intervention_value_is_near_it_and_the_class_is_kept():
    # paddy pH 7.0: As intervention value 120 mg/kg (GB 15618-2018 Table 3), screening 25 (As 40 is above
    # its band's top 25 × 1.139/0.861 = 33.07 mg/kg)
    p = make_plots(2, plot_id=["SM-1", "SM-2"], ph=7.0, cd_mg_kg=0.2, as_mg_kg=[120.0, 40.0])
    s = soil.screen(p)
    row = s[(s["plot_id"] == "SM-1") & (s["metal"] == "as")].iloc[0]
    assert row["intervention_mg_kg"] == 120.0 and row["soil_class"] == "safe_utilisation"
    out = _near(p)
    assert out["near_class_boundary"].tolist() == ["as:intervention", ""]
    msg = messages.Message.decode(out["near_class_boundary_msg"].iloc[0])
    en, zh = messages.render(msg, "en"), messages.render(msg, "zh")
    assert "As at 120 mg/kg is near its risk intervention value" in en and "120 mg/kg" in en
    assert "anywhere from 90.7 to 159 mg/kg" in en and "strict control" in en and "re-sample / re-analyse" in en
    assert "砷含量120 mg/kg接近风险管制值（120 mg/kg）" in zh and "90.7～159 mg/kg" in zh
    assert "严格管控类" in zh and "建议复测" in zh
    # the class is the one the values give
    classes = soil.plot_classes(s, p["plot_id"])
    assert classes["soil_class"].tolist() == ["safe_utilisation", "safe_utilisation"]


def test_cd_just_above_the_screening_value_is_near_it_and_far_above_is_not():
    # paddy pH 5.0: Cd screening 0.3, intervention 1.5; band around 0.3: 0.2 ... 0.45 mg/kg
    p = make_plots(4, ph=5.0, cd_mg_kg=[0.31, 0.5, 0.44, 0.46])
    out = _near(p)
    assert out["near_class_boundary"].tolist() == ["cd:screening", "", "cd:screening", ""]
    # near a screening value the plot is listed, without a note closing the recommendation (the produce
    # monitoring of safe utilisation answers that doubt; a 40 % margin at low Cd would close most sentences)
    assert out["near_class_boundary_msg"].tolist() == ["", "", "", ""]
    # the note itself, as given near an intervention value
    m = messages.Message.of("rec.near_class_boundary", metal="cd", value=0.31, kind="screening", limit=0.3,
                            low=0.31 * 2 / 3, high=0.465, other="priority_protection")
    en, zh = messages.render(m, "en"), messages.render(m, "zh")
    assert "Cd at 0.31 mg/kg is near its risk screening value, 0.3 mg/kg" in en
    assert "anywhere from 0.207 to 0.465 mg/kg" in en and "priority protection" in en and not re.search("[\u4e00-\u9fff]", en)
    assert "镉含量0.31 mg/kg接近风险筛选值（0.3 mg/kg）" in zh and "优先保护类" in zh


def test_a_boundary_that_does_not_change_the_plot_class_is_not_flagged():
    # Cd 0.31 near its screening value, but As 300 is far above its intervention value (200 at pH 5.0; band top 264.6):
    # the plot is strict control on either side of the Cd value; Hg has no sourced figure
    p = make_plots(2, ph=5.0, cd_mg_kg=0.31, as_mg_kg=[300.0, 10.0], hg_mg_kg=[0.1, 0.5])
    assert _near(p)["near_class_boundary"].tolist() == ["", "cd:screening"]


def test_the_plan_adds_the_note_to_the_recommendation():
    p = make_plots(2, plot_id=["SM-1", "SM-2"], ph=7.0, cd_mg_kg=0.2, as_mg_kg=[120.0, 60.0])
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=50))
    s = plan.summary.set_index("plot_id")
    assert s.loc["SM-1", "near_class_boundary"] == "as:intervention"
    assert s.loc["SM-2", "near_class_boundary"] in ("", None)
    assert "is near its risk intervention value, 120 mg/kg" in s.loc["SM-1", "recommendation"]
    assert "re-sample / re-analyse before acting on the class." in s.loc["SM-1", "recommendation"]
    assert "near its risk intervention value" not in s.loc["SM-2", "recommendation"]
    zh = messages.render(messages.Message.decode(s.loc["SM-1", "recommendation_msg"]), "zh")
    assert "接近风险管制值" in zh and "建议复测（重新采样或重新分析）后再按此类别执行。" in zh
