"""The programme record beside the plot-trial prediction (programme_evidence.csv): a VIP-type rice package on a
moderately polluted acid Hunan paddy (Cd 1.45 mg/kg, pH 5.0: single-factor index 4.8 against Cd 0.3 mg/kg, the
screening value assumed for the classes of the 2014 national soil survey) says that the Hunan 2014 VIP
demonstrations (38 sites, hunan_vip2018) cut grain Cd by only 24–47 % there and did not meet the limit, and asks for
a grain test of every harvest; a light paddy (Cd 0.6, pH 5.2: index 2.0) does not. Numbers are not changed."""
import numpy as np
import pytest

from agriremed.core import messages
from plotdata import make_plots


def _plan(cd, ph, options=("lime_low_cd_rice",)):
    import agriremed

    return agriremed.plan(make_plots(1, ph=ph, cd_mg_kg=cd, region="Hunan/Zhuzhou/Lukou"),
                          agriremed.Scenario(mc_draws=200, options=options))


@pytest.fixture(scope="module")
def moderate():
    return _plan(1.45, 5.0)


@pytest.fixture(scope="module")
def light():
    return _plan(0.6, 5.2)


def test_moderate_hunan_paddy_with_the_vip_package_says_the_programme_fell_short(moderate):
    s = moderate.summary
    assert s["recommended_option"].iloc[0] == "lime_low_cd_rice"
    share = advice_pct(moderate.table.set_index("option_id").loc["lime_low_cd_rice", "crop_compliance_prob"])
    en = s["recommendation"].iloc[0]
    assert ("In Hunan's 2014 VIP demonstrations (38 sites) grain Cd fell by only 24–47 % on moderately polluted soil "
            "(single-factor index 3–5; this plot 4.8: 1.45 ÷ 0.3 mg/kg") in en
    assert "did not meet the limit" in en and "rests on plot-trial effects: test the grain of every harvest" in en
    assert f"the {share} predicted for VIP+n package" in en
    zh = messages.column_texts(s, "recommendation", "zh", moderate.tables)[0]
    assert "湖南2014年VIP示范（38个点）在中度污染土壤上（单项污染指数3–5；本地块为4.8" in zh
    assert "籽粒镉仅降低24–47 %，未达到限量" in zh and "每季收获的籽粒出售前均须检测" in zh
    # the monitoring line (plot sheet, workbook) says it too, in both languages
    assert s["monitoring"].iloc[0].endswith("test the grain of every harvest before sale: in Hunan's 2014 VIP "
                                            "demonstrations (38 sites) grain Cd fell by only 24–47 % on moderately "
                                            "polluted soil (single-factor index 3–5) and did not meet the limit")
    assert "湖南2014年VIP示范（38个点）在中度污染土壤上（单项污染指数3–5）籽粒镉仅降低24–47 %" in \
        messages.column_texts(s, "monitoring", "zh", moderate.tables)[0]
    assert "rec.programme_shortfall" in s["recommendation_msg"].iloc[0]


def test_light_hunan_paddy_has_no_programme_caveat(light):
    s = light.summary
    assert s["recommended_option"].iloc[0] == "lime_low_cd_rice"
    for lang in ("en", "zh"):
        for col in ("recommendation", "monitoring"):
            text = messages.column_texts(s, col, lang, light.tables)[0]
            assert "VIP demonstrations" not in text and "VIP示范" not in text, (lang, col)


def test_the_runner_up_gets_the_caveat_and_numbers_do_not_move(moderate):
    import agriremed
    from agriremed.core.tables import load_tables

    # the package first, lime alone runner-up (0.69): with only lime in the table's options, the caveat names lime
    t = load_tables()
    ev = t.programme_evidence.copy()
    ev["options"] = "lime_rice"
    plots = make_plots(1, ph=5.0, cd_mg_kg=1.45, region="Hunan/Zhuzhou/Lukou")
    s = agriremed.Scenario(mc_draws=200, options=("lime_rice", "lime_low_cd_rice"))
    p = agriremed.plan(plots, s, tables=t.replace(programme_evidence=ev))
    tab = p.table.set_index("option_id")
    assert tab.loc["lime_low_cd_rice", "rank"] == 1 and tab.loc["lime_rice", "rank"] == 2
    en = p.summary["recommendation"].iloc[0]
    share = advice_pct(tab.loc["lime_rice", "crop_compliance_prob"])
    assert f"did not meet the limit; the {share} predicted for Liming" in en
    assert "monitoring" in p.summary and "VIP demonstrations" not in p.summary["monitoring"].iloc[0]
    # without the table's rows: no caveat, and the same numbers and ranking as with them
    q = agriremed.plan(plots, s, tables=t.replace(programme_evidence=ev.iloc[:0]))
    assert "VIP demonstrations" not in q.summary["recommendation"].iloc[0]
    cols = ["option_id", "rank", "score", "crop_compliance_prob", "recommended"]
    a, b = p.table[cols].reset_index(drop=True), q.table[cols].reset_index(drop=True)
    assert a["option_id"].tolist() == b["option_id"].tolist() and a["rank"].tolist() == b["rank"].tolist()
    assert np.allclose(a["score"], b["score"]) and np.allclose(a["crop_compliance_prob"], b["crop_compliance_prob"])
    for c in ("recommended_option", "score", "years_p50", "grain_samples_per_season"):
        assert p.summary[c].iloc[0] == q.summary[c].iloc[0] or (p.summary[c].isna() & q.summary[c].isna()).all()


def advice_pct(x):
    from agriremed.stages.advice import pct_param

    return pct_param(float(x))


def test_pollution_class_bounds_follow_the_table():
    from agriremed.core.tables import load_tables
    from agriremed.stages.advice import programme_shortfalls

    t = load_tables()
    cd = np.array([0.6, 0.9, 0.91, 1.45, 1.5, 1.51, 3.0, np.nan])  # index 2, 3, 3.03, 4.8, 5, 5.03, 10, unknown
    n = len(cd)
    rows = programme_shortfalls(np.full(n, "lime_rice", object), np.full(n, "paddy", object), {"cd": cd},
                                np.ones(n, bool), np.full(n, "hunan", object), t)
    cls = [t.programme_evidence["pollution_class"].iloc[r] if r >= 0 else None for r in rows]
    assert cls == [None, None, "moderate", "moderate", "moderate", "heavy", "heavy", None]
    # not on upland, not for a measure outside the list (the low-Cd cultivar alone), not outside China
    assert (programme_shortfalls(np.array(["lime_rice"], object), np.array(["upland"], object), {"cd": np.array([1.45])},
                                 np.ones(1, bool), np.array([""], object), t) == -1).all()
    assert (programme_shortfalls(np.array(["low_cd_rice"], object), np.array(["paddy"], object),
                                 {"cd": np.array([1.45])}, np.ones(1, bool), np.array([""], object), t) == -1).all()
    assert (programme_shortfalls(np.array(["lime_rice"], object), np.array(["paddy"], object), {"cd": np.array([1.45])},
                                 np.zeros(1, bool), np.array([""], object), t) == -1).all()


def test_the_index_is_compared_only_in_the_ph_range_of_its_screening_value():
    # the record's classes are computed with 0.3 mg/kg Cd, GB 15618-1995 class II read for pH < 6.5
    # (ph_below): a plot at pH 6.5 or above is not put in a class on that basis; unknown pH is compared
    from agriremed.core.tables import load_tables
    from agriremed.stages.advice import programme_shortfalls

    t = load_tables()
    ph = np.array([5.0, 6.49, 6.5, 7.0, 8.0, np.nan])
    n = len(ph)
    args = (np.full(n, "lime_low_cd_rice", object), np.full(n, "paddy", object), {"cd": np.full(n, 1.45)},
            np.ones(n, bool), np.full(n, "hunan", object), t)
    rows = programme_shortfalls(*args, ph)
    assert [r >= 0 for r in rows] == [True, True, False, False, False, True]
    assert (programme_shortfalls(*args) >= 0).all()                        # no pH given: every plot compared
    # a user table without the column compares every pH
    t2 = t.replace(programme_evidence=t.programme_evidence.drop(columns="ph_below"))
    assert (programme_shortfalls(*args[:-1], t2, ph) >= 0).all()
