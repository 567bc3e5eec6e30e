"""A soil pH within the duplicate tolerance of pH measurement of a GB 15618-2018 pH band edge (5.5, 6.5, 7.5),
where the values on the other side change the plot's class, is flagged: near_class_boundary lists it
('ph:6.5') and the recommendation asks to re-measure pH before acting on the class, naming the class on the
other side. Before, only the metal's duplicate spread was looked at: a paddy at pH 6.52 with Pb 520 mg/kg
(intervention value 700: safe utilisation, low-Cd rice) had no flag, the same paddy at pH 6.50 (500: strict
control, sorghum) only a Pb one. The class itself is kept."""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.stages import soil
from plotdata import make_plots

E1_EN = ("Soil pH 6.52 lies within 0.1 pH unit of 6.5, where the GB 15618 values change with pH: a duplicate "
         "measurement can read anywhere from 6.42 to 6.62 (a working duplicate tolerance, not confirmed in the soil "
         "pH method standards), and at pH ≤ 6.5 the values there (Pb 500 mg/kg) would make the plot strict control "
         "(a metal above its intervention value) — re-measure pH before acting on the class.")
E1_ZH = ("土壤pH 6.52与6.5相差不超过0.1个pH单位，GB 15618的筛选值和管制值在此按pH分档：pH复测结果可在6.42～6.62之间"
         "（暂按此平行测定允许差，未经土壤pH测定方法标准核实），pH≤6.5时按该档的值（铅500 mg/kg）地块将为严格管控类。"
         "建议复测pH后再按此类别执行。")


def _edge_plots(**columns) -> pd.DataFrame:
    """The Chenzhou paddies of the reproducer: E1/E2 Pb 520, E3/E4 Cd 0.48, pH 6.52 / 6.50."""
    base = dict(plot_id=["E1", "E2", "E3", "E4"], region="Hunan/Chenzhou/Suxian", ph=[6.52, 6.50, 6.52, 6.50],
                cd_mg_kg=[0.25, 0.25, 0.48, 0.48], pb_mg_kg=[520.0, 520.0, 50.0, 50.0], basic_farmland="yes",
                som_pct=3.0, clay_pct=28.0, area_ha=0.4)
    base.update(columns)
    return make_plots(4, **base)


def _near(p: pd.DataFrame) -> pd.DataFrame:
    return soil.near_class_boundary(soil.screen(p), p["plot_id"], plots=p)


def _notes(cell: str) -> tuple[str, str]:
    m = messages.Message.decode(cell)
    return messages.render(m, "en"), messages.render(m, "zh")


def test_the_tolerance_is_data_marked_unconfirmed():
    t = load_tables().soil_ph_precision.set_index("quantity")
    assert float(t.at["ph", "duplicate_tolerance_ph"]) == 0.1 and t.at["ph", "tolerance_status"] == "unconfirmed"
    assert t.at["ph", "note"].startswith("UNCONFIRMED")
    keys = set(load_tables().sources["key"])
    assert set(t.at["ph", "source"].split(";")) <= keys
    assert soil.ph_duplicate_tolerance() == (0.1, "unconfirmed")
    assert soil.ph_band_edges().tolist() == [5.5, 6.5, 7.5]


def test_plots_across_the_6_5_edge_are_flagged_with_the_class_on_the_other_side():
    p = _edge_plots()
    # the classes the values give are kept
    classes = soil.plot_classes(soil.screen(p), p["plot_id"])["soil_class"].tolist()
    assert classes == ["safe_utilisation", "strict_control", "priority_protection", "safe_utilisation"]
    out = _near(p)
    assert out["near_class_boundary"].tolist() == ["ph:6.5", "pb:intervention+ph:6.5", "cd:screening+ph:6.5",
                                                   "cd:screening+ph:6.5"]
    en, zh = _notes(out["near_class_boundary_msg"].iloc[0])
    assert en == E1_EN
    assert zh == E1_ZH
    # E2 at 6.50: the Pb note first, then the pH one (a duplicate above 6.5: intervention value 700)
    en2, zh2 = _notes(out["near_class_boundary_msg"].iloc[1])
    assert en2.startswith("Pb at 520 mg/kg is near its risk intervention value, 500 mg/kg")
    assert ("the class. Soil pH 6.5 lies within 0.1 pH unit of 6.5, where the GB 15618 values change with pH: a duplicate "
            "measurement can read anywhere from 6.40 to 6.60") in en2
    assert ("at pH > 6.5 the values there (Pb 700 mg/kg) would make the plot safe utilisation — re-measure pH "
            "before acting on the class.") in en2
    assert "pH>6.5时按该档的值（铅700 mg/kg）地块将为安全利用类。建议复测pH后再按此类别执行。" in zh2
    # E3/E4: Cd 0.48 against the screening value 0.4 (pH ≤ 6.5) or 0.6 (pH > 6.5): priority ↔ safe utilisation
    en3, _ = _notes(out["near_class_boundary_msg"].iloc[2])
    assert en3 == ("Soil pH 6.52 lies within 0.1 pH unit of 6.5, where the GB 15618 values change with pH: a "
                   "duplicate measurement can read anywhere from 6.42 to 6.62 (a working duplicate tolerance, not "
                   "confirmed in the soil pH method standards), and at pH ≤ 6.5 the values there (Cd 0.4 mg/kg) "
                   "would make the plot safe utilisation — re-measure pH before acting on the class.")
    en4, zh4 = _notes(out["near_class_boundary_msg"].iloc[3])
    assert "at pH > 6.5 the values there (Cd 0.6 mg/kg) would make the plot priority protection" in en4
    assert "地块将为优先保护类。建议复测pH后再按此类别执行。" in zh4


@pytest.mark.parametrize("ph", [6.0, 6.4, 5.6, 7.0, 7.4, 7.61])
def test_a_ph_whose_duplicate_cannot_cross_an_edge_is_not_flagged(ph):
    # 6.4: a duplicate reaches 6.5 at most, which is still in the band 5.5 < pH ≤ 6.5; 5.6 and 7.61: more than
    # 0.1 above 5.5 and 7.5
    p = make_plots(2, plot_id=["A", "B"], ph=ph, cd_mg_kg=[0.25, 0.48], pb_mg_kg=[520.0, 50.0])
    assert _near(p)["near_class_boundary"].str.contains("ph:").sum() == 0


@pytest.mark.parametrize("ph,edge", [(6.6, "6.5"), (6.41, "6.5"), (5.5, "5.5"), (5.6, "5.5"), (7.45, "7.5")])
def test_the_band_reaches_the_tolerance_on_either_side(ph, edge):
    # Cd 0.35 on a paddy: 0.3 (pH ≤ 5.5, safe utilisation) | 0.4 | 0.6 | 0.8; Cd 0.5 across 6.5; Cd 0.7 across 7.5
    cd = {"5.5": 0.35, "6.5": 0.5, "7.5": 0.7}[edge]
    p = make_plots(1, plot_id=["A"], ph=ph, cd_mg_kg=cd)
    assert f"ph:{edge}" in _near(p)["near_class_boundary"].iloc[0]


def test_an_edge_whose_other_side_keeps_the_class_is_not_flagged():
    # pH 6.52 within 0.1 of 6.5, but Cd 0.2 / Pb 30 is priority protection on both sides (Cd 0.4 | 0.6, Pb 100 |
    # 140), Pb 1200 strict control on both (intervention 500 | 700), Cd 1.2 safe utilisation on both (screening
    # 0.4 | 0.6, intervention 2.0 | 3.0); none is near a metal boundary either
    p = make_plots(3, plot_id=["low", "high", "mid"], ph=6.52, cd_mg_kg=[0.2, 0.25, 1.2], pb_mg_kg=[30.0, 1200.0, 30.0])
    assert soil.plot_classes(soil.screen(p), p["plot_id"])["soil_class"].tolist() == [
        "priority_protection", "strict_control", "safe_utilisation"]
    assert _near(p)["near_class_boundary"].tolist() == ["", "", ""]
    assert soil.near_ph_edge(p, soil.screen(p)).empty


def test_a_user_tolerance_widens_the_band():
    t = load_tables()
    wide = t.soil_ph_precision.assign(duplicate_tolerance_ph=0.2, tolerance_status="confirmed")
    t2 = t.replace(soil_ph_precision=wide)
    # Cd 0.5 at pH 6.68: priority protection (screening 0.6), safe utilisation at pH ≤ 6.5 (0.4); the Cd value
    # itself is near 0.6 (cd:screening)
    p = make_plots(1, plot_id=["A"], ph=6.68, cd_mg_kg=0.5)
    assert _near(p)["near_class_boundary"].iloc[0] == "cd:screening"
    out = soil.near_class_boundary(soil.screen(p, t2), p["plot_id"], t2, plots=p)
    assert out["near_class_boundary"].iloc[0] == "cd:screening+ph:6.5"
    en, zh = _notes(out["near_class_boundary_msg"].iloc[0])
    assert "from 6.48 to 6.88 (the duplicate tolerance of the soil pH method)" in en
    assert "（土壤pH测定方法的平行测定允许差）" in zh


def test_the_plan_says_to_re_measure_ph_and_keeps_the_class():
    p = _edge_plots()
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0), progress=False)
    s = plan.summary.set_index("plot_id")
    assert s["near_class_boundary"].tolist() == ["ph:6.5", "pb:intervention+ph:6.5", "cd:screening+ph:6.5",
                                                 "cd:screening+ph:6.5"]
    assert s["soil_class"].tolist() == ["safe_utilisation", "strict_control", "priority_protection",
                                        "safe_utilisation"]
    assert E1_EN in s.loc["E1", "recommendation"]
    assert "would make the plot safe utilisation — re-measure pH before acting on the class" in s.loc["E2", "recommendation"]
    zh = messages.render(messages.Message.decode(s.loc["E1", "recommendation_msg"]), "zh")
    assert E1_ZH in zh
