"""Rice on land that is not a flooded paddy (upland rice, 旱稻) is not predicted with the paddy
functions: its metals are not assessed, with the reason (the water regime changes grain Cd and As
many-fold, hu2013_water)."""

import agriremed
from agriremed.core import messages
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
        "Cd in the crop not assessed (rice on upland land, not a flooded paddy: the rice transfer functions are "
        "fitted on paddies, and the water regime changes grain Cd and As many-fold (13–41-fold between regimes, "
        "Hu et al. 2013)) — measure it in the harvest (limit: Cd 0.2 mg/kg, GB2762).")
    zh = messages.column_texts(p.summary, "recommendation", "zh", p.tables)[0]
    assert zh.startswith("作物中的镉未评估（水稻种植在旱地而非淹水稻田")
