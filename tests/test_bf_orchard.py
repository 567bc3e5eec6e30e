"""An orchard crop kept on permanent basic farmland: the sentence says that basic farmland may not
become orchard or garden land (自然资发〔2021〕166号) and is mainly for grain (国办发〔2020〕44号), so the
planting is kept only as it stands; nothing is said off basic farmland, under another rule set or
where the plan replaces the orchard crop."""

import agriremed
from agriremed.core import messages
from plotdata import make_plots

NOTE_EN = "Permanent basic farmland may not become orchard or garden land (自然资发〔2021〕166号)"
NOTE_ZH = "永久基本农田不得转为园地、不得种植林果（自然资发〔2021〕166号）"


def test_kept_mulberry_and_tea_on_basic_farmland_carry_the_orchard_note():
    plots = make_plots(5, plot_id=["BF", "NOBF", "UNK", "TEA", "ABROAD"],
                       land_use=["orchard", "orchard", "orchard", "orchard", "orchard"],
                       crop=["桑树", "桑树", "桑树", "tea", "mulberry"], ph=6.5, cd_mg_kg=0.9,
                       basic_farmland=["yes", "no", "unknown", "yes", "yes"],
                       region=["广西/河池/环江", "广西/河池/环江", "广西/河池/环江", "Hunan/Changsha", "Denmark/Jutland"])
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert s.loc["BF", "recommended_option"] == "do_nothing"
    en = s.loc["BF", "recommendation"]
    assert NOTE_EN in en and "the plan keeps the existing planting (Mulberry (sericulture)) only as it stands" in en
    zh = messages.render(s.loc["BF", "recommendation_msg"], "zh")
    assert NOTE_ZH in zh and "本方案仅保留现有桑树，不得在此新种桑树" in zh
    for pid in ("NOBF", "UNK", "ABROAD"):   # not basic farmland, not known to be, or not under China's rules
        assert NOTE_EN not in s.loc[pid, "recommendation"], pid
    # tea kept (with or without a measure on the tea garden) on basic farmland gets it too
    tea = p.table.set_index(["plot_id", "option_id"])
    rec_tea = s.loc["TEA", "recommended_option"]
    assert tea.loc[("TEA", rec_tea), "food_crop"] in ("tea", "current") or rec_tea == "do_nothing"
    assert NOTE_EN in s.loc["TEA", "recommendation"]


def test_no_orchard_note_where_the_plan_replaces_the_orchard_crop_or_grows_no_orchard_crop():
    import numpy as np

    from agriremed.core.tables import load_tables
    from agriremed.engine.assemble import _orchard_on_basic_farmland

    t = load_tables()
    s = {"basic_farmland": np.array(["yes"] * 4, object),
         "crop": np.array(["mulberry", "mulberry", "rice", "citrus"], object)}
    b = {"option_id": np.array(["do_nothing", "maize_grain", "do_nothing", "do_nothing"], object),
         "china_rules": np.array([True, True, True, False])}
    ok = np.ones(4, bool)
    # kept mulberry: note; mulberry replaced by maize, rice (not an orchard crop), citrus abroad: none
    assert _orchard_on_basic_farmland(s, b, ok, t).tolist() == [True, False, False, False]
    assert not _orchard_on_basic_farmland(s, b, np.zeros(4, bool), t).any()   # no recommendation
