"""Trees on cultivated land that is not permanent basic farmland: the county's approval and the in–out
balance of cultivated land (进出平衡, 自然资发〔2021〕166号) in the measures and the sentence."""

import agriremed
from agriremed.core.messages import Message, render
from agriremed.core.tables import load_tables
from agriremed.stages import advice

from plotdata import make_plots


def _gejiu(**cols):
    # Gejiu GJ006: upland vegetables, pH 7.9, Cd 4.8, Pb 1250, As 260, 0.8 mu: strict control
    base = dict(plot_id=["U", "V", "O"], land_use=["upland", "upland", "orchard"],
                crop=["vegetables", "vegetables", "apple"], ph=7.9, cd_mg_kg=4.8,
                pb_mg_kg=1250.0, as_mg_kg=260.0, basic_farmland=["no", "unknown", "no"],
                area_ha=0.8 / 15, region="Yunnan/Honghe/Gejiu")
    base.update(cols)
    return make_plots(3, **base)


def test_forest_balance_rows_are_tree_options_on_cultivated_land_outside_basic_farmland():
    t = load_tables()
    got = advice.forest_balance_rows(
        ["upland", "paddy", "vegetable", "upland", "orchard", "marginal", "upland", "upland"],
        ["no", "unknown", " No ", "yes", "no", "no", "no", "no"],
        ["willow_src", "poplar_src", "willow_src", "willow_src", "poplar_src", "willow_src", "miscanthus", None], t)
    # perennial grass (Miscanthus) turns cultivated land into grassland: the same in–out balance (166号)
    assert got.tolist() == [True, True, True, False, False, False, True, False]


def test_tree_measures_start_with_the_in_out_balance_condition():
    t = load_tables()
    en, zh = (advice.measures_in(["willow_src", "willow_src"], ["mu", "mu"], t, lang, forest_balance=[True, False])
              for lang in ("en", "zh"))
    assert en[0].startswith("This season: Before planting: turning cultivated land that is not permanent basic "
                            "farmland into forest or grassland needs the county's approval and the in–out balance")
    assert "自然资发〔2021〕166号" in en[0] and "166号" not in en[1]
    assert "进出平衡" in zh[0] and "须经县级人民政府同意" in zh[0] and "进出平衡" not in zh[1]
    # only this season: the condition is met once, before planting
    assert "进出平衡" not in zh[0].split(" | ")[1]


def test_a_tree_plan_on_general_cultivated_land_names_the_county_approval_and_166():
    r = agriremed.plan(_gejiu(), agriremed.Scenario(options=("willow_src", "poplar_src"), mc_draws=0))
    s = r.summary.set_index("plot_id")
    assert s.loc[["U", "V", "O"], "recommended_option"].isin(["willow_src", "poplar_src"]).all()
    for pid in ("U", "V"):  # not, or not known to be, basic farmland: the condition in sentence and measures
        assert "in–out balance of cultivated land (进出平衡, 自然资发〔2021〕166号)" in s.loc[pid, "recommendation"]
        assert "county's approval" in s.loc[pid, "measures"]
        zh = render(Message.decode(s.loc[pid, "recommendation_msg"]), "zh")
        assert "须经县级人民政府同意" in zh and "进出平衡" in zh and "自然资发〔2021〕166号" in zh
    # an orchard is other agricultural land, not cultivated land: no in–out balance
    assert "进出平衡" not in s.loc["O", "recommendation"] and "county's approval" not in s.loc["O", "measures"]
    # the zh workbook's measures (computed again in zh from the summary) carry the condition too
    zh_measures = advice.measures_in(r.summary["recommended_option"].to_numpy(object), ["mu"] * 3, r.tables, "zh",
                                     forest_balance=advice.forest_balance_of(r.summary, r.tables))
    assert ["进出平衡" in m for m in zh_measures] == [True, True, False]
