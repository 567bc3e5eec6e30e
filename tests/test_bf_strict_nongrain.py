"""Strict-control permanent basic farmland recommended a non-food crop: the sentence says the land is
mainly for grain and asks to agree the crop with the county (review finding: energy sorghum on a
strict-control basic-farmland paddy read exactly as on ordinary land)."""
import agriremed
from agriremed.core import messages
from plotdata import make_plots


def test_a_non_food_crop_on_strict_control_basic_farmland_names_the_grain_rule():
    plots = make_plots(2, plot_id=["BF", "NO"], ph=5.0, cd_mg_kg=2.0, region="Hunan/Zhuzhou/Lukou",
                       basic_farmland=["yes", "no"])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert (s["soil_class"] == "strict_control").all()
    fam = agriremed.core.tables.load_tables().options.set_index("option_id")["policy_family"]
    assert fam[s.loc["BF", "recommended_option"]] in ("non_food_crop", "phytoextraction")
    en = s.loc["BF", "recommendation"]
    assert "permanent basic farmland, which is mainly for grain (国办发〔2020〕44号)" in en
    assert "湘府阅[2020]48号" in en
    zh = messages.render(messages.Message.decode(s.loc["BF", "recommendation_msg"]), "zh")
    assert "该地块为永久基本农田，主要用于粮食生产（国办发〔2020〕44号）" in zh
    # not on land outside permanent basic farmland
    assert "mainly for grain (国办发" not in s.loc["NO", "recommendation"]


def test_the_hunan_practice_is_cited_in_hunan_only():
    # regression-panel finding: the note quoted Hunan's practice (湘府阅[2020]48号) for a Guizhou plot
    plots = make_plots(1, plot_id="GZ", ph=5.0, cd_mg_kg=2.0, region="Guizhou/Zunyi", basic_farmland="yes")
    s = agriremed.plan(plots, agriremed.Scenario(mc_draws=0)).summary.iloc[0]
    assert s["soil_class"] == "strict_control"
    en = s["recommendation"]
    assert "permanent basic farmland, which is mainly for grain (国办发〔2020〕44号)" in en
    assert "湘府阅" not in en and "Hunan" not in en
    zh = messages.render(messages.Message.decode(s["recommendation_msg"]), "zh")
    assert "主要用于粮食生产" in zh and "湖南" not in zh
