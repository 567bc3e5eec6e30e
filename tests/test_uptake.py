"""Transfer functions (one hand-computed point each), selection rules, DW/FW and food limits."""

import math

import numpy as np
import pandas as pd
import pytest

from agriremed.stages import uptake


def _fn(tables, fid):
    row = tables.transfer_functions.set_index("function_id").loc[fid].copy()
    row["function_id"] = fid
    return row


def soil_table(**cols):
    return pd.DataFrame({k: [v] for k, v in cols.items()})


# hand computations (log10):
#   UK wheat: 0.282 + 0.44·log10(1.0) − 0.1834·6.0 = −0.8184  → 0.15191
#   Jiangsu rice: −0.369 − 0.068·6.5 + 0.153·log10(0.5) = −0.85706 → 0.13898
#   Jiangsu wheat: 0.624 − 0.164·7.0 + 0.421·log10(2.0) = −0.39727 → 0.40062
HAND = [
    # synthesis: 0.4519 + 0.4305·log10(0.4) − 0.22975·5.5 = −0.98316 → 0.10395; Hunan intercept 0.6753
    ("synth_rice_cd_ph", dict(cd_mg_kg=0.4, ph=5.5), 10 ** (0.4519 + 0.4305 * math.log10(0.4) - 0.22975 * 5.5)),
    ("synth_rice_cd_ph_hunan", dict(cd_mg_kg=1.0, ph=7.0), 10 ** (0.6753 - 0.22975 * 7.0)),
    ("mcgrath2002_wheat_cd", dict(cd_mg_kg=1.0, ph=6.0), 10 ** -0.8184),
    ("jiangsu2007_rice_cd", dict(cd_mg_kg=0.5, ph=6.5), 10 ** (-0.369 - 0.442 + 0.153 * math.log10(0.5))),
    ("jiangsu2007_wheat_cd", dict(cd_mg_kg=2.0, ph=7.0), 10 ** (0.624 - 1.148 + 0.421 * math.log10(2.0))),
    ("li2017_rice_cd_cacl2", dict(cd_cacl2_mg_kg=0.1, zn_cacl2_mg_kg=0.2, ph=6.0), 0.167 + 0.2547 - 0.1064),
    ("chen2021_rice_cd_bcf", dict(cd_mg_kg=0.5, ph=6.0), 0.4575),
    ("chen2021_wheat_cd_bcf", dict(cd_mg_kg=0.5, ph=6.0), 0.0775),
    ("chen2021_maize_cd_bcf", dict(cd_mg_kg=0.5, ph=6.0), 0.0565),
    # maize synthesis: −0.3631 + 0.4305·log10(0.5) − 0.142·6.0 = −1.34469 → 0.04522; alkaline: −1.4991 + 0.4305·log10(2)
    ("synth_maize_cd_ph", dict(cd_mg_kg=0.5, ph=6.0), 10 ** (-0.3631 + 0.4305 * math.log10(0.5) - 0.852)),
    ("synth_maize_cd_ph_alkaline", dict(cd_mg_kg=2.0, ph=8.4), 10 ** (-1.4991 + 0.4305 * math.log10(2.0))),
    # Dutch lettuce at pH-water 6.0 (pH-KCl 4.9367), SOM 3 %, clay 20 %, Cd 0.5
    ("devries2007_lettuce_cd", dict(cd_mg_kg=0.5, ph=6.0, som_pct=3.0, clay_pct=20.0),
     10 ** (2.55 - 0.33 * 4.936703 - 0.39 * math.log10(3) - 0.19 * math.log10(20) + 0.85 * math.log10(0.5))),
    # the same relation used for pak choi (median unchanged; only its spread is wider)
    ("devries2007_lettuce_cd_leafy", dict(cd_mg_kg=0.5, ph=6.0, som_pct=3.0, clay_pct=20.0),
     10 ** (2.55 - 0.33 * 4.936703 - 0.39 * math.log10(3) - 0.19 * math.log10(20) + 0.85 * math.log10(0.5))),
    # rice grain As = 0.010768 × soil As: 0.010768 × 20 = 0.21536
    ("synth_rice_as_bcf", dict(as_mg_kg=20.0, ph=6.0), 0.21536),
    ("devries2007_wheat_cd", dict(cd_mg_kg=1.0, ph=6.0, som_pct=2.0, clay_pct=25.0),
     10 ** (0.22 - 0.12 * 4.936703 - 0.33 * math.log10(2) - 0.04 * math.log10(25))),
    ("devries2007_maize_cd", dict(cd_mg_kg=1.0, ph=6.0, clay_pct=25.0),
     10 ** (0.90 - 0.21 * 4.936703 - 0.32 * math.log10(25))),
    ("devries2007_grass_cd", dict(cd_mg_kg=2.0, ph=6.0), 10 ** (1.45 - 0.38 * 4.936703 + 1.22 * math.log10(2))),
    ("devries2007_sugarbeet_cd", dict(cd_mg_kg=1.0, ph=6.0, clay_pct=25.0),
     10 ** (1.33 - 0.22 * 4.936703 - 0.13 * math.log10(25))),
]


@pytest.mark.parametrize("fid,inputs,expected", HAND, ids=[h[0] for h in HAND])
def test_transfer_function_hand_computed(tables, fid, inputs, expected):
    got = uptake.evaluate_function(_fn(tables, fid), soil_table(**inputs))[0]
    assert got == pytest.approx(expected, rel=1e-4)


def test_every_usable_function_is_covered_by_a_hand_computed_case(tables):
    usable = set(tables.transfer_functions.loc[tables.transfer_functions["usable"], "function_id"])
    assert usable <= {h[0] for h in HAND}


def test_ph_kcl_conversion_kabala2016():
    # pH(H2O 1:5) = 0.14 + 0.99·6.0 = 6.08 = −1.95 + 11.58·log10(pH_KCl) → pH_KCl = 10^(8.03/11.58)
    assert uptake.ph_kcl_from_ph_water(6.0) == pytest.approx(10 ** (8.03 / 11.58))
    assert uptake.ph_kcl_from_ph_water(5.0) < uptake.ph_kcl_from_ph_water(7.0)


def test_missing_input_gives_nan_not_a_guess(tables):
    fn = _fn(tables, "devries2007_lettuce_cd")
    table = soil_table(cd_mg_kg=0.5, ph=6.0, som_pct=np.nan, clay_pct=20.0)
    assert np.isnan(uptake.evaluate_function(fn, table, invalid="nan")[0])
    with pytest.raises(ValueError, match=r"devries2007_lettuce_cd: som_pct missing for plot"):
        uptake.evaluate_function(fn, table)


def test_selection_prefers_province_then_priority(tables, plots_factory):
    p = plots_factory(3, region=["Jiangsu/Wuxi", "Hunan/Zhuzhou", "湖南省株洲市"], ph=6.8,
                      cd_mg_kg=0.38, cd_cacl2_mg_kg=[0.05, np.nan, np.nan], zn_cacl2_mg_kg=[0.1, np.nan, np.nan])
    pred = uptake.predict_crop_concentration(p, tables=tables)
    # the CaCl2 model (priority 6) is never chosen over the soil-chemistry default
    assert pred["function_id"].tolist() == ["synth_rice_cd_ph", "synth_rice_cd_ph_hunan",
                                            "synth_rice_cd_ph_hunan"]


@pytest.mark.parametrize("en,zh", [("Jiangsu/Suzhou/Xiangcheng", "江苏/苏州/相城"), ("Hunan/Zhuzhou", "湖南省株洲市"),
                                   ("Guangxi/Hechi", "广西壮族自治区河池市")])
def test_chinese_region_names_select_the_same_functions(tables, plots_factory, en, zh):
    for crop, land_use in (("rice", "paddy"), ("wheat", "upland")):
        p = plots_factory(2, region=[en, zh], crop=crop, land_use=land_use, ph=6.0, cd_mg_kg=0.5)
        pred = uptake.food_safety(uptake.predict_crop_concentration(p, tables=tables), "GB2762", tables)
        assert pred["function_id"].iloc[0] == pred["function_id"].iloc[1]
        assert pred["p_exceed_limit"].iloc[0] == pred["p_exceed_limit"].iloc[1]


def test_province_names_cover_english_chinese_and_aliases(tables):
    names = uptake.province_names(tables)
    assert set(names["jiangsu"]) >= {"jiangsu", "江苏", "江苏省"}
    assert names["广西壮族自治区"] == names["guangxi"]
    # Shanxi and Shaanxi stay apart
    assert "陕西" not in names["shanxi"] and "山西" not in names["shaanxi"]


def test_skipped_functions_are_reported_with_their_reason(tables):
    # the CaCl2 model is not used by default; a user table makes it usable and puts it first
    tf = tables.transfer_functions
    li = tf["function_id"] == "li2017_rice_cd_cacl2"
    t = tables.replace(transfer_functions=tf.assign(priority=np.where(li, 0, tf["priority"]),
                                                    usable=tf["usable"] | li,
                                                    provinces=np.where(li, "", tf["provinces"])))
    p = pd.DataFrame({"plot_id": ["A", "B", "C"], "crop": "rice", "region": "", "ph": 6.0,
                      "cd_mg_kg": [0.5, 0.5, 12.0], "cd_cacl2_mg_kg": [np.nan, 0.05, 0.05],
                      "zn_cacl2_mg_kg": [np.nan, 2.0, 0.1]})
    pred, miss = uptake.predict_and_unassessed(p, tables=t)
    sel = pred.set_index("plot_id")["selection"]
    # the functions tried in their order, and the Hunan function passed over on plots not placed in Hunan
    assert sel["A"] == ("skipped li2017_rice_cd_cacl2 (needs cd_cacl2_mg_kg, zn_cacl2_mg_kg); "
                        "synth_rice_cd_ph_hunan (for Hunan only)")
    # 0.167 + 2.547·0.05 − 0.532·2 < 0, below li2017's floor (0.003 mg/kg): not used directly, but carried on from the
    # floor (the default reads neither CaCl2 input, so the floor itself), never a jump to the default's value
    assert sel["B"] == ("skipped li2017_rice_cd_cacl2 (prediction below its floor of 0.003 mg/kg); "
                        "synth_rice_cd_ph_hunan (for Hunan only)")
    b = pred.set_index("plot_id").loc["B"]
    assert b["crop_fw_p50_mg_kg"] == pytest.approx(0.003, rel=1e-12) and b["extrapolated"] is True
    # soil Cd 12 is outside both the CaCl2 model's (0.17–10.5) and the default's (0.05–10) range: no function
    # can be used inside its range, so the default predicts at the edge of its range (its soil term continued,
    # the higher prediction), flagged extrapolated; the CaCl2 model's range is on total Cd, which it does not
    # read, so it is not evaluated at an edge
    assert sel["C"] == ("skipped li2017_rice_cd_cacl2 (cd_mg_kg outside 0.17–10.5); synth_rice_cd_ph (cd_mg_kg "
                        "outside 0.05–10); synth_rice_cd_ph_hunan (for Hunan only); no function inside its validity "
                        "range: synth_rice_cd_ph used at the edge (cd_mg_kg = 12: the function's trend continued "
                        "beyond 0.05–10; conservative, extrapolated)")
    # the CaCl2 model, first in the order, is carried on beyond its range: its value (it does not read total Cd)
    # times the default's change from total Cd 10.5, the end of the CaCl2 model's range, to 12
    c = pred.set_index("plot_id").loc["C"]
    assert c["function_id"] == "synth_rice_cd_ph" and c["extrapolated"] is True
    li = 0.167 + 2.547 * 0.05 - 0.532 * 0.1
    assert c["crop_fw_p50_mg_kg"] == pytest.approx(li * (12.0 / 10.5) ** 0.4305, rel=1e-9)
    assert ("C", "cd") not in set(zip(miss["plot_id"], miss["metal"]))


def test_unassessed_metals_name_the_reason(tables):
    p = pd.DataFrame({"plot_id": ["A", "B", "C"], "crop": ["rice", "rice", "none"], "region": "",
                      "ph": [6.0, 10.5, 6.0], "cd_mg_kg": 0.5, "pb_mg_kg": 80.0, "as_mg_kg": [np.nan, 20.0, 20.0]})
    pred, miss = uptake.predict_and_unassessed(p, tables=tables)
    assert pred["plot_id"].tolist() == ["A"]
    m = miss.set_index(["plot_id", "metal"])["reason"]
    assert m[("A", "pb")] == "no usable transfer function for Pb in any crop"
    assert ("A", "as") not in m.index          # not measured: nothing to assess
    assert m[("B", "cd")] == "soil pH outside 3–10, the domain of the transfer functions"
    assert not (miss["plot_id"] == "C").any()  # no food crop
    assert uptake.unassessed_metals(p, tables=tables).equals(miss)
    # the reasons are message codes: English gives the reason column, Chinese its own words
    from agriremed.core import messages

    assert list(messages.render_column(miss["reason_msg"], "en")) == list(miss["reason"])
    zh = miss.set_index(["plot_id", "metal"])["reason_msg"].map(lambda x: messages.render(x, "zh"))
    assert zh[("A", "pb")] == "任何作物均无可用的铅转移函数"
    assert zh[("B", "cd")] == "土壤pH超出3–10（转移函数的适用范围）"


def test_negative_soil_metal_is_refused_with_a_message(tables):
    p = pd.DataFrame({"plot_id": ["A", "B"], "crop": "rice", "region": "", "ph": 6.0, "cd_mg_kg": [0.5, -0.2]})
    with pytest.raises(ValueError, match=r"cd_mg_kg: negative soil concentration for plot\(s\) B"):
        uptake.predict_crop_concentration(p, tables=tables)


@pytest.mark.parametrize("variable,grid", [("ph", np.linspace(3.5, 9.0, 1101)), ("cd_mg_kg", np.geomspace(0.02, 20, 1101)),
                                           ("cd_cacl2_mg_kg", np.linspace(0.0, 0.5, 1101)),
                                           ("zn_cacl2_mg_kg", np.linspace(0.0, 3.0, 1101))])
def test_default_predictions_are_continuous_in_every_input(tables, variable, grid):
    # along any input the prediction changes smoothly or stops (not assessed); it never jumps
    base = {"plot_id": [f"P{i}" for i in range(len(grid))], "crop": "rice", "region": "", "ph": 6.0,
            "cd_mg_kg": 0.5, "cd_cacl2_mg_kg": 0.05, "zn_cacl2_mg_kg": 0.5, "som_pct": 3.0, "clay_pct": 25.0}
    base[variable] = grid
    pred = uptake.predict_crop_concentration(pd.DataFrame(base), tables=tables)
    ids = pred["plot_id"].str[1:].astype(int).to_numpy()
    y = np.log10(pred["crop_fw_p50_mg_kg"].to_numpy())
    runs = np.split(np.arange(len(ids)), np.flatnonzero(np.diff(ids) != 1) + 1)
    assert len(runs) == 1  # one interval of inputs with a prediction
    step = np.abs(np.diff(y))
    assert step.max() < 0.01, (variable, step.max())
    assert pred["function_id"].nunique() == 1


def test_dw_fw_conversion_and_interval(tables, plots_factory):
    p = plots_factory(1, land_use="vegetable", crop="pak_choi", ph=6.0, som_pct=3.0, clay_pct=20.0,
                      cd_mg_kg=0.5, region="")
    r = uptake.predict_crop_concentration(p, tables=tables).iloc[0]
    assert r["function_id"] == "devries2007_lettuce_cd_leafy" and r["plant_basis"] == "dw"
    assert r["crop_fw_p50_mg_kg"] == pytest.approx(r["crop_dw_p50_mg_kg"] * (1 - 0.953))
    # se(Y) 0.16 of the lettuce relation (Römkens et al. 2007 Table B1.1) with the between-survey SD 0.237,
    # the between-species SD 0.172, the between-variety SD 0.125 (the lettuce relation used for pak choi) and
    # the between-study SD 0.489 (calibration half of the CVCCD studies, head cabbage left out)
    assert r["se_log10"] == pytest.approx(0.605)
    f = 10 ** (1.6448536 * 0.605)
    assert r["crop_dw_p95_mg_kg"] == pytest.approx(r["crop_dw_p50_mg_kg"] * f, rel=1e-6)
    assert r["crop_fw_p05_mg_kg"] == pytest.approx(r["crop_fw_p50_mg_kg"] / f, rel=1e-6)


def test_unknown_basis_is_compared_as_sold(tables):
    # a function of unknown plant basis (the rice BCF) is compared with the limit as is
    fn = _fn(tables, "chen2021_rice_cd_bcf")
    assert fn["plant_basis"] == "unknown"
    t = tables.replace(transfer_functions=tables.transfer_functions.loc[
        tables.transfer_functions["function_id"] == "chen2021_rice_cd_bcf"].assign(usable=True))
    p = pd.DataFrame({"plot_id": ["A"], "crop": "rice", "region": "", "ph": 6.0, "cd_mg_kg": 0.8})
    r = uptake.predict_crop_concentration(p, tables=t).iloc[0]
    assert r["crop_fw_p50_mg_kg"] == pytest.approx(0.8 * 0.915)
    assert r["crop_dw_p50_mg_kg"] == pytest.approx(0.8 * 0.915 / (1 - 0.14))


def test_probability_of_exceeding_the_limit(tables, plots_factory):
    # soil Cd at which the synthesis median equals the GB 2762 rice limit (0.2): p = 0.5; a soil
    # 10^(1.645·0.454/0.4305) times lower gives p = 0.05
    s50 = 10 ** ((math.log10(0.2) - 0.4519 + 0.22975 * 6.5) / 0.4305)
    p = plots_factory(2, region="", ph=6.5, cd_mg_kg=[s50, s50 / 10 ** (1.6448536 * 0.454 / 0.4305)])
    chk = uptake.food_safety(uptake.predict_crop_concentration(p, tables=tables), "GB2762", tables)
    np.testing.assert_allclose(chk["p_exceed_limit"], [0.5, 0.05], atol=1e-6)
    assert (chk["food_limit_mg_kg"] == 0.2).all()


def test_limits_differ_by_standard(tables, plots_factory):
    pred = uptake.predict_crop_concentration(plots_factory(1, region=""), tables=tables)
    lims = {s: uptake.food_safety(pred, s, tables)["food_limit_mg_kg"].iloc[0]
            for s in ("GB2762", "EU2023_915", "CODEX")}
    assert lims == {"GB2762": 0.2, "EU2023_915": 0.15, "CODEX": 0.4}


def test_reduction_lowers_exceedance(tables, plots_factory):
    pred = uptake.predict_crop_concentration(plots_factory(1, region=""), tables=tables)
    a = uptake.food_safety(pred, "GB2762", tables)["p_exceed_limit"].iloc[0]
    b = uptake.food_safety(pred, "GB2762", tables, reduction=0.5)["p_exceed_limit"].iloc[0]
    assert b < a


def test_extrapolation_flag(tables, plots_factory):
    # inside a function's published validity range the flag is False; where the function publishes no range
    # (UK wheat: the source gives none) it says "unknown", not blank
    p = plots_factory(3, region="", cd_mg_kg=[0.1, 1.0, 5.0])
    assert uptake.predict_crop_concentration(p, tables=tables)["extrapolated"].tolist() == [False] * 3
    p2 = plots_factory(1, region="", land_use="upland", crop="wheat", ph=7.0)
    r = uptake.predict_crop_concentration(p2, tables=tables).iloc[0]
    assert r["function_id"] == "mcgrath2002_wheat_cd" and r["extrapolated"] == "unknown"
    note = tables.transfer_functions.set_index("function_id").loc["mcgrath2002_wheat_cd", "note"]
    assert "validity range unknown" in note and "UNCONFIRMED" in note


def test_crop_compliance_is_product_over_metals():
    chk = pd.DataFrame({"plot_id": ["A", "A", "B"], "p_exceed_limit": [0.1, 0.5, np.nan]})
    np.testing.assert_allclose(uptake.crop_compliance(chk, ["A", "B"]), [0.45, np.nan])


def test_terms_parser():
    assert uptake.parse_terms("const:0.2|log10(soil):0.44|ph:-0.1") == [
        ("const", "const", 0.2), ("soil", "log10", 0.44), ("ph", "lin", -0.1)]
    with pytest.raises(ValueError):
        uptake.parse_terms("exp(soil):1")


def test_function_coverage_shows_the_gaps(tables):
    cov = uptake.function_coverage(tables, metals=["cd", "pb"]).set_index(["crop", "metal"])
    # rice: only the soil-chemistry synthesis (the BCF, CaCl2 and Jiangsu functions are not defaults)
    assert cov.loc[("rice", "cd"), "functions"].split("|") == ["synth_rice_cd_ph", "synth_rice_cd_ph_hunan"]
    assert cov.loc[("wheat", "cd"), "functions"].split("|")[0] == "mcgrath2002_wheat_cd"
    assert cov.loc[("pak_choi", "cd"), "functions"] == "devries2007_lettuce_cd_leafy"
    assert cov.loc[("lettuce", "cd"), "functions"] == "devries2007_lettuce_cd"
    # Pb in rice has a GB 2762 limit but no published function in the library
    assert cov.loc[("rice", "pb"), "functions"] == "" and cov.loc[("rice", "pb"), "standards"] == "GB2762"
    assert cov.loc[("potato", "cd"), "functions"] == "" and "GB2762" in cov.loc[("potato", "cd"), "standards"]
    assert "none" not in cov.index.get_level_values("crop")


def test_as_sold_conversion_of_a_dry_weight_prediction():
    from agriremed.stages.uptake.predict import as_sold_factor

    # 1.0 mg/kg DW lettuce at 95.0 % moisture is 0.05 mg/kg as sold; grain at 14 % is 0.86
    np.testing.assert_allclose(as_sold_factor(["dw", "dw", "fw", "unknown"], [0.95, 0.14, 0.95, 0.14]),
                               [0.05, 0.86, 1.0, 1.0])
    assert uptake.ph_water_from_ph_kcl(uptake.ph_kcl_from_ph_water(7.3)) == pytest.approx(7.3)


def test_user_function_with_only_the_required_columns(tmp_path, plots_factory):
    from agriremed.core.tables import load_tables, source_problems

    (tmp_path / "transfer_functions.csv").write_text(
        "function_id,applies_to,metal,form,soil_measure,terms,plant_basis,priority,usable,se_log10,source\n"
        "my_rice,rice,cd,loglinear,total,const:-1|log10(soil):0.5,fw,0,true,0.2,mee2018_gb15618\n",
        encoding="utf-8-sig")  # saved by Excel with a byte-order mark
    t = load_tables(tmp_path)
    assert source_problems(t) == []
    row = t.transfer_functions.set_index("function_id").loc["my_rice"]
    assert row["provinces"] == "" and row["valid_ranges"] == "" and bool(row["usable"])
    r = uptake.predict_crop_concentration(plots_factory(1, cd_mg_kg=4.0, region=""), tables=t).iloc[0]
    # 10^(−1 + 0.5·log10 4) = 0.2, fresh weight as sold; validity range not given → NA
    assert r["function_id"] == "my_rice" and r["crop_fw_p50_mg_kg"] == pytest.approx(0.2)
    assert r["extrapolated"] == "unknown"


def test_blank_ph_kcl_falls_back_to_the_estimate_row_by_row(tables, plots_factory):
    p = plots_factory(2, land_use="vegetable", crop="pak_choi", ph=6.0, som_pct=3.0, clay_pct=20.0,
                      cd_mg_kg=0.5, region="", ph_kcl=[np.nan, 5.5])
    r = uptake.predict_crop_concentration(p, tables=tables)
    assert len(r) == 2
    est = 10 ** (2.55 - 0.33 * 4.936703 - 0.39 * math.log10(3) - 0.19 * math.log10(20) + 0.85 * math.log10(0.5))
    meas = 10 ** (2.55 - 0.33 * 5.5 - 0.39 * math.log10(3) - 0.19 * math.log10(20) + 0.85 * math.log10(0.5))
    np.testing.assert_allclose(r["crop_dw_p50_mg_kg"], [est, meas], rtol=1e-5)


def test_jiangsu_wheat_function_is_not_a_default(tables, plots_factory):
    # jiangsu2007_wheat_cd is transcribed as published (W3: 0.624 − 0.164 pH + 0.421 log Cd_soil) but
    # predicts ~3× every other wheat evidence: Jiangsu wheat uses the UK function like the rest of China
    tf = tables.transfer_functions.set_index("function_id")
    row = tf.loc["jiangsu2007_wheat_cd"]
    assert row["terms"] == "const:0.624|ph:-0.164|log10(soil):0.421"
    assert not row["usable"] and "Not a default" in row["note"] and "0.049" in row["note"]
    p = plots_factory(3, region=["Jiangsu/Suzhou", "江苏省苏州市", "Henan"], crop="wheat", land_use="upland",
                      ph=6.0, cd_mg_kg=0.6)
    pred = uptake.predict_crop_concentration(p, tables=tables)
    assert pred["function_id"].tolist() == ["mcgrath2002_wheat_cd"] * 3
    # 10^(0.282 + 0.44·log10 0.6 − 0.1834·6) = 0.12134 mg/kg (was 0.352 from the Jiangsu function)
    np.testing.assert_allclose(pred["crop_fw_p50_mg_kg"], 10 ** (0.282 + 0.44 * math.log10(0.6) - 0.1834 * 6.0), rtol=1e-9)


def test_a_zero_input_is_outside_the_domain_not_missing(tables):
    p = pd.DataFrame({"plot_id": ["SOM0", "CD0", "SOMNA"], "crop": "pak_choi", "land_use": "vegetable",
                      "region": "", "ph": 6.0, "som_pct": [0.0, 3.0, np.nan], "clay_pct": 20.0,
                      "cd_mg_kg": [0.5, 0.0, 0.5]})
    r = uptake.unassessed_metals(p, tables=tables).set_index("plot_id")["reason"]
    assert r["SOM0"] == ("no function could be used: devries2007_lettuce_cd_leafy (som_pct = 0: outside the "
                         "function's domain, which needs a value > 0)")
    assert r["CD0"] == ("no function could be used: devries2007_lettuce_cd_leafy (cd_mg_kg = 0: outside the "
                        "function's domain, which needs a value > 0)")
    # a blank SOM is assumed (covariate_defaults.csv); a given zero is not replaced
    assert "SOMNA" not in r.index
    off = tables.replace(covariate_defaults=tables.covariate_defaults.iloc[0:0])  # the fallback turned off
    r = uptake.unassessed_metals(p, tables=off).set_index("plot_id")["reason"]
    assert r["SOMNA"] == "no function could be used: devries2007_lettuce_cd_leafy (needs som_pct)"
