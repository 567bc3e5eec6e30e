"""Rice on land that is not a flooded paddy (upland rice, 旱稻) is not predicted with the paddy
functions: its metals are not assessed, with the reason (the water regime changes grain Cd and As
many-fold, hu2013_water)."""

import pytest

import agriremed
from agriremed.core import messages
from agriremed.stages import options, soil, uptake
from plotdata import make_plots


def test_upland_rice_is_not_assessed_and_says_why():
    p = agriremed.plan(make_plots(2, plot_id=["up", "pad"], region="Yunnan/Puer", land_use=["upland", "paddy"],
                                  crop="rice", ph=5.5, cd_mg_kg=0.5),
                       agriremed.Scenario(mc_draws=0), progress=False)
    u = p.uptake.set_index(["plot_id", "metal"])
    assert u.loc[("pad", "cd"), "function_id"] == "synth_rice_cd_ph"
    assert u["function_id"].isna()[("up", "cd")]
    s = p.summary.set_index("plot_id")
    assert s.loc["up", "metals_not_assessed"] == "cd" and s.loc["pad", "metals_not_assessed"] in ("", None)
    assert s.loc["up", "recommendation"].startswith(
        "Cd in the crop not assessed (rice on land recorded as upland, not a flooded paddy: the rice transfer functions are "
        "fitted on paddies, and the water regime changes grain Cd and As many-fold (13–41-fold between regimes, "
        "Hu et al. 2013)) — measure it in the harvest (limit: Cd 0.2 mg/kg, GB2762).")
    zh = messages.column_texts(p.summary, "recommendation", "zh", p.tables)[0]
    assert zh.startswith("作物中的镉未评估（水稻种植在旱地而非淹水稻田")


def test_rice_on_marginal_land_names_its_land_use_once(tables):
    # the land use's text is "marginal land": the reasons say "recorded as marginal land", not "marginal land land"
    p = make_plots(1, plot_id=["M1"], land_use="marginal", crop="rice", ph=5.5, cd_mg_kg=0.5)
    with pytest.warns(uptake.NotAssessedWarning, match=r"^1 plot × metal without a prediction \(plot M1, cd: rice on "
                      r"land recorded as marginal land, not a flooded paddy: the rice transfer functions are fitted"):
        assert uptake.predict_crop_concentration(p, tables=tables).empty
    u = uptake.unassessed_metals(p, tables=tables)
    assert u[["plot_id", "metal"]].values.tolist() == [["M1", "cd"]]
    assert u["reason"].iloc[0].startswith("rice on land recorded as marginal land, not a flooded paddy: ")
    assert messages.render(messages.Message.decode(u["reason_msg"].iloc[0]), "zh").startswith(
        "水稻种植在边际土地而非淹水稻田")
    cls = soil.plot_classes(soil.screen(p, tables), p["plot_id"])
    rows = options.evaluate_options(p, cls, tables).set_index("option_id")
    assert rows.loc["flooded_rice", "reason"].startswith(
        "a paddy measure, not used on this plot: its land use is recorded as marginal land though its crop is rice, "
        "so it is planned as rice grown without flooding (upland rice, 旱稻)")
    assert "land land" not in " ".join(rows["reason"])
