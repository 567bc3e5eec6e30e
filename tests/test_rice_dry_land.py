"""Rice on land recorded as other than paddy (旱地 + 水稻): the two columns contradict each other. The plot is
screened with the stricter of the paddy and dry-land GB 15618-2018 values (``screening_basis`` rice_stricter:
the standard gives paddy values for land growing rice), the validation warns naming both columns and what is
assumed (the recorded land use, rice without flooding), and the paddy options say why they are excluded."""

from __future__ import annotations

import pytest

import agriremed
from agriremed.core import messages
from agriremed.io.validate import validate_plots
from agriremed.stages import soil
from plotdata import make_plots


def _plots():
    # pH 6.0: Cd screening paddy 0.4 / other 0.3; As paddy 30 / other 40 (GB 15618-2018 Table 1)
    return make_plots(3, plot_id=["R4", "UP-CLEAN", "PAD"], land_use=["upland", "upland", "paddy"], crop="rice",
                      ph=6.0, cd_mg_kg=[0.35, 0.25, 0.25], as_mg_kg=35.0, region="江苏/苏州/相城")


def test_rice_on_dry_land_is_screened_with_the_stricter_values():
    v = validate_plots(_plots())
    scr = soil.screen(v.plots).set_index(["plot_id", "metal"])
    # As 35: paddy 30, other 40 -> the stricter 30: exceeds (ratio 35/30); with the dry-land value alone it would not
    assert scr.loc[("R4", "as"), "screening_mg_kg"] == 30.0
    assert scr.loc[("R4", "as"), "exceedance_ratio"] == pytest.approx(35 / 30)
    assert scr.loc[("R4", "as"), "screening_basis"] == "rice_stricter"
    assert scr.loc[("R4", "as"), "soil_class"] == "safe_utilisation"
    assert scr.loc[("R4", "as"), "soil_class_without_rotation"] == "priority_protection"
    # Cd: paddy 0.4, other 0.3 -> 0.3
    assert scr.loc[("R4", "cd"), "screening_mg_kg"] == 0.3
    # Cd 0.25 and As 35: priority protection with the dry-land values, safe utilisation with the stricter ones
    cls = soil.plot_classes(soil.screen(v.plots), v.plots["plot_id"]).set_index("plot_id")
    assert cls.loc["UP-CLEAN", "soil_class"] == "safe_utilisation"
    assert cls.loc["UP-CLEAN", "soil_class_without_rotation"] == "priority_protection"
    assert cls.loc["UP-CLEAN", "controlling_metal"] == "as"
    assert cls.loc["PAD", "screening_basis"] == "paddy" and cls.loc["PAD", "soil_class"] == "safe_utilisation"
    # the rice rule holds under rotation_screening paddy too (it is not rotation land)
    assert soil.screen(v.plots, rotation_screening="paddy").set_index(["plot_id", "metal"]).loc[
        ("R4", "as"), "screening_mg_kg"] == 30.0


def test_the_validation_warns_on_both_columns_and_says_what_is_assumed():
    v = validate_plots(_plots())
    pb = v.problems
    w = pb[pb["problem"].str.startswith("contradictory input: the crop is rice")]
    assert w["plot_id"].tolist() == ["R4", "UP-CLEAN"] and w["input_row"].tolist() == [1, 2]
    assert (w["severity"] == "warning").all() and (w["column"] == "land_use, crop").all()
    assert w["value"].iloc[0] == "upland, rice"
    en = w["problem"].iloc[0]
    assert en.startswith("contradictory input: the crop is rice but the land use is upland, not paddy. Assumed: the "
                         "land use as recorded, with rice grown without flooding (upland rice, 旱稻): the soil is "
                         "screened with the stricter of the paddy and dry-land screening values")
    assert "write 水田 (paddy) in the land-use column" in en
    zh = messages.render(messages.Message.decode(w["problem_msg"].iloc[0]), "zh")
    assert zh.startswith("输入相互矛盾：作物为水稻，地类却为旱地（非水田）。按所记地类、不淹水种植的旱稻处理")
    assert "请在地类一栏填写“水田”" in zh


def test_the_plan_excludes_paddy_options_with_the_reason_and_names_the_class_basis():
    p = agriremed.plan(_plots(), agriremed.Scenario(mc_draws=0), progress=False)
    t = p.table.set_index(["plot_id", "option_id"])
    for opt in ("flooded_rice", "low_cd_rice", "lime_low_cd_rice"):
        assert not t.loc[("R4", opt), "applicable"]
        assert t.loc[("R4", opt), "reason"].startswith(
            "a paddy measure, not used on this plot: its land use is recorded as upland though its crop is "
            "rice, so it is planned as rice grown without flooding (upland rice, 旱稻); if the field is a paddy, "
            "record its land use as paddy (水田) and plan again")
        zh = messages.render(messages.Message.decode(t.loc[("R4", opt), "reason_msg"]), "zh")
        assert zh.startswith("水田措施，不适用于旱地：该地块记为旱地但种植水稻，按不淹水种植的旱稻规划")
        assert not str(t.loc[("PAD", opt), "reason"]).startswith("a paddy measure")
    s = p.summary.set_index("plot_id")
    assert s.loc["UP-CLEAN", "soil_class"] == "safe_utilisation"
    assert s.loc["UP-CLEAN", "screening_basis"] == "rice_stricter"
    en = s.loc["UP-CLEAN", "recommendation"]
    assert ("Rice on land recorded as upland: classed with the stricter of the paddy and dry-land screening values "
            "(GB 15618-2018 gives paddy values for land growing rice; precautionary reading of the contradiction): "
            "safe utilisation (安全利用类); with the values of its recorded land use alone it would be priority "
            "protection (优先保护类).") in en
    zh = messages.render(messages.Message.decode(s.loc["UP-CLEAN", "recommendation_msg"]), "zh")
    assert "记为旱地的地块种植水稻：按水田与其他用地中较严格的风险筛选值分类" in zh
    assert "：安全利用类；仅按所记地类筛选值为优先保护类。" in zh
