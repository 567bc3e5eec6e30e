"""Strict-control land whose class is set by a metal an option does not treat: the option cannot take
the land out of strict control, so the clean-up criterion credits it no clean-up, and the sentence and
the duration text say that the land stays strict control (a Cd hyperaccumulator on land strict-control
for Pb, Renhua / Fankou Pb–Zn mine)."""

import pytest

import agriremed
from agriremed.core import messages
from agriremed.stages import ranking, soil
from plotdata import make_plots

#: Chinese-cabbage plots of Renhua (vegetable land, pH 5.2; GB 15618 Cd 0.3 / 1.5, Pb 70 / 400):
#: V1 strict control for Pb with Cd in the safe-utilisation band, V2 the same with Cd below
#: screening, V3 strict control for Cd alone.
VEG = dict(plot_id=["V1", "V2", "V3"], region="Guangdong/Shaoguan/Renhua", land_use="vegetable",
           crop="chinese_cabbage", area_ha=0.2, ph=5.2, som_pct=2.5, clay_pct=24.0, bulk_density_g_cm3=1.2,
           depth_m=0.2, cd_mg_kg=[1.2, 0.25, 1.8], pb_mg_kg=[650.0, 650.0, 50.0], as_mg_kg=[35.0, 35.0, 10.0],
           hg_mg_kg=[0.3, 0.3, 0.1], cu_mg_kg=[70.0, 70.0, 30.0], zn_mg_kg=[520.0, 150.0, 150.0],
           basic_farmland="no")


@pytest.fixture(scope="module")
def veg():
    plots = make_plots(3, **VEG).drop(columns=["annual_rain_mm", "mean_temp_c"])
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False)


def test_metals_above_intervention_per_plot():
    plots = make_plots(3, **VEG)
    c = soil.plot_classes(soil.screen(plots), plots["plot_id"])
    assert c["metals_above_intervention"].tolist() == ["pb", "pb", "cd"]
    assert c["soil_class"].tolist() == ["strict_control"] * 3


def test_class_kept_metals():
    assert ranking.class_kept_metals(["cd", "cd+zn", "", "cd", "cd"], ["pb", "pb", "pb", "cd", "cd+pb"]).tolist() \
        == ["pb", "pb", "pb", "", "pb"]


def test_cd_extraction_on_pb_strict_land_gets_no_clean_up_and_fallow_wins(veg):
    t = veg.table.set_index(["plot_id", "option_id"])
    s = veg.summary.set_index("plot_id")
    sedum = t.loc[("V1", "sedum_plumbizincicola")]
    assert sedum["target_metals"] == "cd" and sedum["class_kept_metals"] == "pb"
    # it removes all the excess Cd (1 of the 4 metals above screening: 0.25 before), credited 0
    assert sedum["p_target_20yr"] == pytest.approx(1.0)
    assert sedum["crit_clean_up"] == 0.0 and sedum["light_clean_up"] == "red"
    assert sedum["why_clean_up"].startswith("red: credited with no clean-up: Pb above the intervention value, "
                                            "not treated, so the land stays strict control (treats Cd)")
    assert s.loc["V1", "recommended_option"] == "fallow"
    assert s.loc["V2", "recommended_option"] == "fallow"
    assert t.loc[("V1", "fallow"), "score"] > sedum["score"]


def test_cd_extraction_where_cd_sets_the_class_is_credited(veg):
    t = veg.table.set_index(["plot_id", "option_id"])
    s = veg.summary.set_index("plot_id")
    sedum = t.loc[("V3", "sedum_plumbizincicola")]
    assert sedum["class_kept_metals"] == "" and sedum["untreated_metals"] == ""
    assert sedum["crit_clean_up"] == pytest.approx(1.0) and sedum["light_clean_up"] == "green"
    assert s.loc["V3", "recommended_option"] == "sedum_plumbizincicola"
    assert s.loc["V3", "duration_text"] == "about 12 yr"
    assert "brings Cd to the screening value in about 12 yr" in s.loc["V3", "recommendation"]
    assert "strict control" not in s.loc["V3", "duration_text"]


def test_sentence_and_duration_say_the_land_stays_strict_control():
    # V1 with Sedum as the only option: it is recommended, and says what it does not do
    plots = make_plots(1, **{k: (v[0] if isinstance(v, list) else v) for k, v in VEG.items()})
    s = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, options=("do_nothing", "sedum_plumbizincicola")),
                       progress=False).summary.iloc[0]
    for lang in ("en", "zh"):
        assert s["recommended_option"] == "sedum_plumbizincicola"
        dur = messages.render(s["duration_text_msg"], lang)
        rec = messages.render(s["recommendation_msg"], lang)
        if lang == "en":
            assert s["duration_text"] == dur == ("Cd to the screening value: about 9 yr; Pb above the intervention "
                                                 "value not treated: the land stays strict control")
            assert ("brings Cd to the screening value in about 9 yr; Pb above the intervention value not "
                    "treated: the land stays strict control") in rec
        else:
            assert dur == "镉降至筛选值所需时间：约9年；铅（超过管制值）未处理：仍为严格管控类"
            assert "约9年可使镉降至筛选值；铅（超过管制值）未处理：土地仍为严格管控类" in rec


def test_class_kept_duration_reads_when_the_years_are_not_known():
    # "镉：未知降至筛选值" did not read; the time is said after what it is the time of
    from agriremed.core.messages import Message, render
    m = Message.of("dur.class_kept", treated="Cd", years=Message.of("dur.unknown"), goal="screening_value", metals="Pb")
    assert render(m, "zh") == "镉降至筛选值所需时间：未知；铅（超过管制值）未处理：仍为严格管控类"
    assert render(m, "en") == "Cd to the screening value: not known; Pb above the intervention value not treated: " \
                              "the land stays strict control"
