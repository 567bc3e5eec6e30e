"""Safe soil thresholds and safe pH: hand-computed values for every function form."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agriremed.stages import uptake
from agriremed.core.tables import load_tables
from agriremed.stages.uptake import thresholds as T

Z95 = 1.6448536269514722  # Φ⁻¹(0.95)


def _fn(tables, fid, se=None):
    """A library function; ``se`` replaces its residual spread (the solver tests fix it by hand)."""
    row = tables.transfer_functions.set_index("function_id").loc[fid].copy()
    row["function_id"] = fid
    if se is not None:
        row["se_log10"] = se
    return row


def frame(**cols):
    n = max([len(v) for v in cols.values() if isinstance(v, list)] or [1])
    return pd.DataFrame({k: (v if isinstance(v, list) else [v] * n) for k, v in cols.items()})


def test_critical_median_hand_computed():
    # unknown basis, se 0.30: 0.1 × 10^(−1.64485 × 0.30) = 0.1 × 10^−0.493456 = 0.0321029
    assert T.critical_median(0.1, "unknown", 0.14, 0.30) == pytest.approx(0.0321029, rel=1e-5)
    # dry-weight function: the limit on the DW basis is 0.2 / (1 − 0.953) = 4.25532
    assert T.critical_median(0.2, "dw", 0.953, 0.0) == pytest.approx(4.255319, rel=1e-6)
    # fresh weight: as is
    assert T.critical_median(0.2, "fw", 0.953, 0.0) == pytest.approx(0.2)
    # prob 0.5 is the median itself
    assert T.critical_median(0.2, "unknown", 0.14, 0.30, prob=0.5) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="probability"):
        T.critical_median(0.2, "unknown", 0.14, 0.3, prob=1.0)


def test_loglinear_safe_soil_uk_wheat(tables):
    # log C = 0.282 + 0.44·log S − 0.1834·pH, GB 2762 wheat 0.1, unknown basis, se 0.30, pH 6:
    # log S* = (log10 0.0321029 − 0.282 + 1.1004) / 0.44 = (−1.493456 + 0.8184) / 0.44 = −1.534218
    fn = _fn(tables, "mcgrath2002_wheat_cd", se=0.30)
    got = T.safe_soil_concentration(fn, frame(ph=[6.0, 7.0]), 0.1, 0.14)
    np.testing.assert_allclose(got, [10 ** -1.534218, 10 ** (-1.534218 + 0.1834 / 0.44)], rtol=1e-5)
    assert got[0] == pytest.approx(0.0292268, rel=1e-5)


def test_linear_bcf_safe_soil_rice(tables):
    # C = 0.915·S: S* = 0.2 × 10^(−0.493456) / 0.915 = 0.0642057 / 0.915 = 0.0701702
    fn = _fn(tables, "chen2021_rice_cd_bcf", se=0.30)
    assert T.safe_soil_concentration(fn, frame(ph=5.0), 0.2, 0.14)[0] == pytest.approx(0.0701702, rel=1e-5)


def test_linear_with_other_terms_cacl2_rice(tables):
    # C = 0.167 + 2.547·CaCl2-Cd − 0.532·CaCl2-Zn; Zn 0.5:
    # S* = (0.0642057 − 0.167 + 0.266) / 2.547 = 0.0640776
    fn = _fn(tables, "li2017_rice_cd_cacl2", se=0.30)
    got = T.safe_soil_concentration(fn, frame(ph=6.0, zn_cacl2_mg_kg=[0.5, 0.0]), 0.2, 0.14)
    assert got[0] == pytest.approx(0.0640776, rel=1e-5)
    # without Zn the intercept alone (0.167) exceeds 0.0642: no CaCl2-Cd is safe → 0
    assert got[1] == 0.0


def test_dry_weight_function_uses_moisture(tables):
    # Dutch lettuce relation on pak choi (DW, moisture 0.953), pH 6 (pH-KCl 4.936703), SOM 3 %, clay 20 %,
    # se(Y) 0.16 (Römkens et al. 2007 Table B1.1):
    # log S* = (log10(4.255319 × 10^−0.263177) − 2.55 + 0.33·4.936703 + 0.39·log 3 + 0.19·log 20) / 0.85
    fn = _fn(tables, "devries2007_lettuce_cd", se=0.16)
    m_star = math.log10(0.2 / (1 - 0.953) * 10 ** (-Z95 * 0.16))
    rest = 2.55 - 0.33 * 4.936703 - 0.39 * math.log10(3) - 0.19 * math.log10(20)
    expected = 10 ** ((m_star - rest) / 0.85)
    got = T.safe_soil_concentration(fn, frame(ph=6.0, som_pct=3.0, clay_pct=20.0), 0.2, 0.953)[0]
    assert got == pytest.approx(expected, rel=1e-5)
    assert got == pytest.approx(0.71885, rel=1e-4)


def test_safe_ph_hand_computed_uk_wheat(tables):
    # at soil Cd 0.5: pH* = (0.282 + 0.44·log 0.5 − log10 0.0321029) / 0.1834 = 8.958576
    fn = _fn(tables, "mcgrath2002_wheat_cd", se=0.30)
    assert T.safe_ph(fn, frame(cd_mg_kg=0.5), 0.1, 0.14)[0] == pytest.approx(8.958576, rel=1e-6)


def test_safe_ph_through_ph_kcl_is_converted_to_ph_water(tables):
    fn = _fn(tables, "devries2007_lettuce_cd", se=0.16)
    plots = frame(cd_mg_kg=0.5, som_pct=3.0, clay_pct=20.0)
    ph = T.safe_ph(fn, plots, 0.2, 0.953)[0]
    # closed form in pH-KCl: (2.55 − 0.39 log 3 − 0.19 log 20 + 0.85 log 0.5 − log M*) / 0.33,
    # then the inverse of Kabała et al. (2016); se(Y) 0.16
    m_star = math.log10(0.2 / (1 - 0.953) * 10 ** (-Z95 * 0.16))
    ph_kcl = (2.55 - 0.39 * math.log10(3) - 0.19 * math.log10(20) + 0.85 * math.log10(0.5) - m_star) / 0.33
    expected = ((-1.95 + 11.58 * math.log10(ph_kcl)) - 0.14) / 0.99
    assert ph == pytest.approx(expected, rel=1e-6)
    # and at that pH the forward prediction is the critical median
    at = plots.assign(ph=ph)
    assert uptake.evaluate_function(fn, at)[0] == pytest.approx(10 ** m_star, rel=1e-6)


def test_function_without_ph_term_has_no_safe_ph(tables):
    assert np.isnan(T.safe_ph(_fn(tables, "chen2021_rice_cd_bcf"), frame(cd_mg_kg=0.5), 0.2, 0.14)[0])


def test_numeric_root_when_soil_is_in_two_terms():
    # log C = −1 + log10 S + 0.5·S; with se 0 and an FW limit 10^−0.5 the root is S = 1 exactly
    fn = pd.Series({"metal": "cd", "soil_measure": "total", "form": "loglinear",
                    "terms": "const:-1|log10(soil):1|soil:0.5", "plant_basis": "fw", "se_log10": 0.0})
    got = T.safe_soil_concentration(fn, frame(ph=[6.0, 6.0]), [10 ** -0.5, 1e-30], np.nan)
    assert got[0] == pytest.approx(1.0, rel=1e-9)
    assert got[1] == 0.0  # even 10^-6 mg/kg predicts more than 10^-30: no soil is safe
    ph_fn = pd.Series({"metal": "cd", "soil_measure": "total", "form": "loglinear",
                       "terms": "const:0|ph:-0.1|ph_kcl:-0.1", "plant_basis": "fw", "se_log10": 0.0})
    ph = T.safe_ph(ph_fn, frame(cd_mg_kg=1.0), 10 ** -1.1, np.nan)[0]
    assert -0.1 * ph - 0.1 * uptake.ph_kcl_from_ph_water(ph) == pytest.approx(-1.1, abs=1e-9)


def test_every_usable_function_round_trips(tables):
    """At the safe threshold the forward prediction equals the critical median (all forms)."""
    plots = frame(ph=6.0, som_pct=3.0, clay_pct=25.0, zn_cacl2_mg_kg=1.0, cd_mg_kg=0.5, cd_cacl2_mg_kg=0.05,
                  as_mg_kg=15.0)
    for fn in tables.transfer_functions.loc[tables.transfer_functions["usable"]].itertuples(index=False):
        s = T.safe_soil_concentration(fn, plots, 0.2, 0.14)[0]
        col = f"{fn.metal}_mg_kg" if fn.soil_measure == "total" else f"{fn.metal}_cacl2_mg_kg"
        target = T.critical_median(0.2, fn.plant_basis, 0.14, fn.se_log10)
        assert uptake.evaluate_function(fn, plots.assign(**{col: s}))[0] == pytest.approx(target, rel=1e-6), \
            fn.function_id


def test_probability_of_exceeding_at_the_threshold_is_five_percent(tables, plots_factory):
    p = plots_factory(2, region="", crop="wheat", land_use="upland", ph=[6.0, 7.5], cd_mg_kg=0.4)
    th = uptake.safe_thresholds(p, tables=tables)
    at = p.assign(cd_mg_kg=th["safe_soil_mg_kg"].to_numpy())
    chk = uptake.food_safety(uptake.predict_crop_concentration(at, tables=tables), "GB2762", tables)
    np.testing.assert_allclose(chk["p_exceed_limit"], 0.05, atol=1e-9)


def test_safe_thresholds_table(tables, plots_factory):
    p = plots_factory(3, region=["", "Hunan", ""], crop=["rice", "rice", "pak_choi"],
                      land_use=["paddy", "paddy", "vegetable"], ph=6.0, cd_mg_kg=[0.3, 0.3, 0.5])
    t = uptake.safe_thresholds(p, tables=tables)
    assert t["function_id"].tolist() == ["synth_rice_cd_ph", "synth_rice_cd_ph_hunan", "devries2007_lettuce_cd_leafy"]
    # log S* = (log10(0.2 · 10^(−1.64485·0.454)) − 0.4519 + 0.22975·6) / 0.4305
    s_star = 10 ** ((math.log10(0.2) - Z95 * 0.454 - 0.4519 + 0.22975 * 6.0) / 0.4305)
    assert t["safe_soil_mg_kg"].iloc[0] == pytest.approx(s_star, rel=1e-9)
    assert t["soil_input_mg_kg"].tolist() == [0.3, 0.3, 0.5]
    assert (t["safe_prob"] == 0.95).all() and (t["soil_measure"] == "total").all()
    # the synthesis's validity range (soil 0.05–10) holds at the threshold; an unpublished range → "unknown"
    assert t["extrapolated"].iloc[0] == False  # noqa: E712
    assert t["extrapolated"].iloc[2] == "unknown"
    # pH* = (0.4519 + 0.4305·log10 0.3 − log10 M*) / 0.22975, inside 4–8.5
    ph_star = (0.4519 + 0.4305 * math.log10(0.3) - (math.log10(0.2) - Z95 * 0.454)) / 0.22975
    assert t["safe_ph"].iloc[0] == pytest.approx(ph_star, rel=1e-9) and 4 < ph_star < 8.5
    # the Hunan intercept is higher: more liming needed
    assert t["safe_ph"].iloc[1] > t["safe_ph"].iloc[0]
    # a stricter standard gives a lower threshold (EU rice 0.15 < GB 0.2)
    eu = uptake.safe_thresholds(p, standard="EU2023_915", tables=tables)
    assert eu["safe_soil_mg_kg"].iloc[0] == pytest.approx(s_star * (0.15 / 0.2) ** (1 / 0.4305), rel=1e-9)


def test_safe_ph_outside_the_sensible_range_is_explained_not_reported(tables, plots_factory):
    # rice on 3 mg/kg Cd would need pH (0.4519 + 0.4305·log 3 − log M*)/0.22975 > 8.5; wheat on
    # 0.0005 mg/kg (UK function, no published range) complies at pH (0.282 + 0.44·log S − log M*)/0.1834 < 4
    p = plots_factory(2, region="", ph=6.0, cd_mg_kg=[3.0, 0.0005], crop=["rice", "wheat"],
                      land_use=["paddy", "upland"])
    t = uptake.safe_thresholds(p, tables=tables)
    assert np.isnan(t["safe_ph"]).all()
    assert "no pH up to 8.5 makes the crop meet the limit with probability 0.95" in t["note"].iloc[0]
    assert "at any pH from 4" in t["note"].iloc[1]


@pytest.mark.parametrize("crop,land_use,fid", [("rice", "paddy", "synth_rice_cd_ph"),
                                               ("wheat", "upland", "mcgrath2002_wheat_cd")])
def test_safe_soil_rises_with_ph_and_safe_ph_is_sensible(tables, plots_factory, crop, land_use, fid):
    ph = np.arange(4.5, 8.51, 0.5)
    p = plots_factory(len(ph), region="", crop=crop, land_use=land_use, ph=list(ph), cd_mg_kg=0.4)
    t = uptake.safe_thresholds(p, tables=tables)
    assert (t["function_id"] == fid).all()
    assert (np.diff(t["safe_soil_mg_kg"]) > 0).all()
    ok = t["safe_ph"].dropna()
    assert ((ok >= 4.0) & (ok <= 8.5)).all()


def test_safe_soil_curve_rises_with_ph(tables):
    c = uptake.safe_soil_curve("jiangsu2007_wheat_cd", np.arange(5.0, 8.51, 0.5), tables=tables)
    assert (np.diff(c["safe_soil_mg_kg"]) > 0).all()
    # slope of log S* against pH = 0.164 / 0.421
    np.testing.assert_allclose(np.diff(np.log10(c["safe_soil_mg_kg"])), 0.5 * 0.164 / 0.421, rtol=1e-9)
    assert (c["food_limit_mg_kg"] == 0.1).all() and (c["crop"] == "wheat").all()
    with pytest.raises(KeyError):
        uptake.safe_soil_curve("no_such_function", [6.0], tables=tables)


@settings(max_examples=60, deadline=None)
@given(ph=st.floats(4.0, 8.5), som=st.floats(0.5, 10.0), clay=st.floats(2.0, 60.0),
       prob=st.floats(0.5, 0.99), fid=st.sampled_from(["mcgrath2002_wheat_cd", "jiangsu2007_wheat_cd",
                                                        "devries2007_wheat_cd", "chen2021_wheat_cd_bcf"]))
def test_threshold_property_forward_prediction_and_monotony(ph, som, clay, prob, fid):
    fn = _fn(load_tables(), fid)
    plots = frame(ph=ph, som_pct=som, clay_pct=clay)
    s = T.safe_soil_concentration(fn, plots, 0.1, 0.14, prob)[0]
    target = T.critical_median(0.1, fn.plant_basis, 0.14, fn.se_log10, prob)
    assert uptake.evaluate_function(fn, plots.assign(cd_mg_kg=s))[0] == pytest.approx(target, rel=1e-9)
    # asking for more certainty never raises the threshold
    assert T.safe_soil_concentration(fn, plots, 0.1, 0.14, min(prob + 0.005, 0.995))[0] <= s


def test_safe_thresholds_lists_plots_outside_the_domain_with_the_reason(tables, plots_factory):
    p = plots_factory(4, region="", crop="rice", land_use="paddy", ph=[11.0, 6.0, 3.5, 8.7], cd_mg_kg=0.4)
    t = uptake.safe_thresholds(p, metals=["cd"], tables=tables)
    assert t["plot_id"].tolist() == p["plot_id"].tolist()
    # outside the domain of every function (pH 3–10): not assessed; pH 3.5 and 8.7, outside the rice functions'
    # range 4–8.5 but inside the domain, are solved at the edge of the range as the plan predicts them
    assert t["not_assessed_reason"].tolist() == ["soil pH outside 3–10, the domain of the transfer functions", "",
                                                 "", ""]
    assert np.isnan(t["safe_soil_mg_kg"].iloc[0])
    s_star = [10 ** ((math.log10(0.2) - Z95 * 0.454 - 0.4519 + 0.22975 * ph) / 0.4305) for ph in (6.0, 3.5, 8.5)]
    # pH 3.5: the function's rise continued (a lower threshold than at pH 4); pH 8.7: taken at 8.5
    np.testing.assert_allclose(t["safe_soil_mg_kg"].iloc[1:].to_numpy(float), s_star, rtol=1e-9)
    assert t["extrapolated"].tolist()[1:] == [False, True, True]


def test_safe_thresholds_names_a_text_ph(tables, plots_factory):
    p = plots_factory(2, region="", crop="rice", land_use="paddy", ph=6.0, cd_mg_kg=0.4)
    p["ph"] = p["ph"].astype(object)
    p.loc[1, "ph"] = "acid"
    with pytest.raises(ValueError, match=r"ph: not a number in row 2 \(plot .*\): 'acid'; expected a soil pH in water \(3–10 for a "
                                         r"prediction\)"):
        uptake.safe_thresholds(p, tables=tables)


def test_thresholds_below_the_natural_background_are_flagged_with_the_median(tables, plots_factory):
    # Hunan rice, Cd 0.6: log S* = (log10(0.2) − z·0.468 − 0.6753 + 0.22975·pH) / 0.4305
    p = plots_factory(2, region="Hunan", crop="rice", land_use="paddy", ph=[5.5, 8.0], cd_mg_kg=0.6)
    t = uptake.safe_thresholds(p, metals=["cd"], tables=tables)
    assert (t["function_id"] == "synth_rice_cd_ph_hunan").all()
    s95 = [10 ** ((math.log10(0.2) - Z95 * 0.468 - 0.6753 + 0.22975 * ph) / 0.4305) for ph in (5.5, 8.0)]
    s50 = [10 ** ((math.log10(0.2) - 0.6753 + 0.22975 * ph) / 0.4305) for ph in (5.5, 8.0)]
    np.testing.assert_allclose(t["safe_soil_mg_kg"], s95, rtol=1e-9)   # 0.00901, 0.195
    np.testing.assert_allclose(t["safe_soil_p50_mg_kg"], s50, rtol=1e-9)  # 0.553, 11.9
    assert s95[0] == pytest.approx(0.00901, abs=5e-6)
    # national background of soil Cd (1990 survey, factors.csv): 0.097 mg/kg
    assert uptake.soil_background("cd", tables) == 0.097
    assert (t["background_mg_kg"] == 0.097).all()
    assert t["below_background"].tolist() == [True, False]
    assert ("below the natural background (0.097 mg/kg): soil Cd alone cannot make the crop meet the limit at "
            "this pH with this confidence — raise the pH / choose a measure / fit local data") in t["note"].iloc[0]
    assert "background" not in t["note"].iloc[1]
    from agriremed.core import messages
    zh = messages.render(messages.Message.of("upt.below_background", background=0.097, metal="Cd"), "zh")
    assert zh.startswith("低于自然背景值（0.097 mg/kg）：在此pH和置信度下，仅降低土壤镉无法使作物达标")
