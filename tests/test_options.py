"""Applicability rules: every excluded option carries its reason."""

import numpy as np
import pytest
from plotdata import make_plots
from hypothesis import given, settings
from hypothesis import strategies as st

from agriremed.core import messages
from agriremed.stages import duration, options, soil, uptake


def _rows(tables, plots, rule_set="china"):
    s = soil.screen(plots, tables)
    cls = soil.plot_classes(s, plots["plot_id"])
    risk = uptake.food_safety(uptake.predict_crop_concentration(plots, tables=tables), "GB2762", tables)
    return options.evaluate_options(plots, cls, tables, crop_risk=risk, rule_set=rule_set)


def _row(rows, plot, option):
    r = rows.loc[(rows["plot_id"] == plot) & (rows["option_id"] == option)]
    assert len(r) == 1
    return r.iloc[0]


def test_excluded_options_always_have_a_reason(tables, sample_plots_path):
    from agriremed.io.validate import validate_plots

    p = validate_plots(sample_plots_path, tables).plots
    rows = _rows(tables, p)
    assert len(rows) == len(p) * len(tables.options)
    excluded = rows.loc[~rows["applicable"]]
    assert len(excluded) > 10
    assert excluded["reason"].str.len().gt(10).all()
    assert rows.loc[rows["applicable"], "reason"].str.len().gt(0).all()


def test_strict_control_forbids_food_crops(tables, plots_factory):
    rows = _rows(tables, plots_factory(1, ph=5.0, cd_mg_kg=2.0))       # > intervention 1.5
    r = _row(rows, "P1", "do_nothing")
    assert not r["applicable"] and "strict-control" in r["reason"]
    assert not _row(rows, "P1", "lime_low_cd_rice")["applicable"]
    assert _row(rows, "P1", "sedum_plumbizincicola")["applicable"]
    assert _row(rows, "P1", "fallow")["applicable"]


def test_clean_soil_needs_no_phytoextraction(tables, plots_factory):
    rows = _rows(tables, plots_factory(1, ph=7.0, cd_mg_kg=0.1))
    r = _row(rows, "P1", "sedum_plumbizincicola")
    assert not r["applicable"] and "no remediation needed" in r["reason"]
    assert _row(rows, "P1", "do_nothing")["applicable"]


def test_arsenic_blocks_biochar_and_flooding(tables, plots_factory):
    rows = _rows(tables, plots_factory(1, ph=5.0, cd_mg_kg=0.8, as_mg_kg=60.0))
    for oid in ("biochar_amendment", "lime_low_cd_rice"):
        r = _row(rows, "P1", oid)
        assert not r["applicable"] and r["reason"].startswith("as exceeds")
    assert _row(rows, "P1", "pteris_vittata")["applicable"]


def test_vip_package_without_flooding_is_offered_where_arsenic_is_high(tables, plots_factory):
    # As 60 mg/kg on an acid paddy exceeds its screening value (30): flooding mobilises As
    rows = _rows(tables, plots_factory(2, ph=5.0, cd_mg_kg=0.8, as_mg_kg=[60.0, 10.0]))
    for oid in ("lime_low_cd_rice", "flooded_rice"):
        r = _row(rows, "P1", oid)
        assert not r["applicable"] and r["reason"].startswith("as exceeds")
    dry = _row(rows, "P1", "vip_n_no_flood")
    assert dry["applicable"] and dry["target_metals"] == "cd" and dry["policy_status"] == "expected"
    # with As below its screening value the package with flooding is offered, the one without is not:
    # it is for paddies where As or Hg rules flooding out
    assert _row(rows, "P2", "lime_low_cd_rice")["applicable"]
    dry2 = _row(rows, "P2", "vip_n_no_flood")
    assert not dry2["applicable"]
    assert dry2["reason"] == ("only for paddies where As/Hg exceeds its screening value and rules flooding out: "
                              "none does on this plot, so the package with flooding applies")


def test_mercury_blocks_flooding_and_the_package_without_flooding_is_offered(tables, plots_factory):
    # Hg 0.8 mg/kg on a pH 5.0 paddy exceeds its screening value (0.5): flooded, anoxic paddy
    # soil methylates Hg and rice accumulates methylmercury; Cd 0.35 (above 0.3) is still treated
    rows = _rows(tables, plots_factory(3, ph=5.0, cd_mg_kg=0.35, hg_mg_kg=[0.8, 0.3, 0.8],
                                       as_mg_kg=[10.0, 10.0, 60.0], region="Guizhou/Tongren"))
    for oid in ("flooded_rice", "lime_low_cd_rice"):
        r = _row(rows, "P1", oid)
        assert not r["applicable"] and r["reason"].startswith("hg exceeds its screening value"), r["reason"]
        assert "Peng et al. 2012" in r["reason"]
        # Hg below its screening value: flooding stays on offer
        assert _row(rows, "P2", oid)["applicable"]
        # both metals exceed: both are named
        assert _row(rows, "P3", oid)["reason"].startswith("as+hg exceeds")
    dry = _row(rows, "P1", "vip_n_no_flood")
    assert dry["applicable"] and dry["target_metals"] == "cd"


def test_vip_package_increment_is_the_median_of_the_same_trial_increments(tables):
    p = tables.option_parameters.set_index(["option_id", "parameter"])
    # further cut of adding measures to a measure or set already applied, in the same trial:
    # foliar Si 19.0 % -> Si + water regimes 31.8 / 44.0 % (wei2020_foliar_si); lime + slag
    # 38.3 / 69.1 % -> + bagasse 58.3 / 70.9 % (ecoenv2016_lime_slag); mulch 50 % -> mulch +
    # biochar + foliar Si 80 % (youxian_variety)
    g = [1 - 0.682 / 0.81, 1 - 0.56 / 0.81, 1 - 0.417 / 0.617, 1 - 0.291 / 0.309, 1 - 0.20 / 0.50]
    assert np.round(g, 3).tolist() == [0.158, 0.309, 0.324, 0.058, 0.6]
    for oid in ("lime_low_cd_rice", "vip_n_no_flood"):
        r = p.loc[(oid, "package_increment_frac")]
        assert (r["low"], r["typical"], r["high"]) == (0.0, pytest.approx(np.median(g), abs=5e-4), 0.6)
        assert "ecoenv2016_lime_slag" in r["source"] and "wei2020_foliar_si" in r["source"]
        # the package no longer carries a reduction of its own from another evidence class
        # (only the As side effect of flooding is a row of the flooded package itself)
        own = p.loc[[i for i in p.index if i == (oid, "crop_reduction_frac")]]
        assert set(own["metal"]) <= ({"as"} if oid == "lime_low_cd_rice" else set())
    comps = tables.option_packages.groupby("package_id")["component_option_id"].agg(set)
    assert comps["lime_low_cd_rice"] == {"lime_rice", "flooded_rice", "low_cd_rice", "foliar_inhibitor"}
    assert comps["vip_n_no_flood"] == {"lime_rice", "low_cd_rice", "foliar_inhibitor"}


def test_package_reduction_by_hand():
    # strongest component lime 0.731 (plot trials), g = 0.309: 1 - 0.269 * 0.691 = 0.814121
    assert duration.package_reduction([0.731, 0.685, 0.5665, 0.44], 0.309) == pytest.approx(0.814121, abs=1e-9)
    # g = 0 credits exactly the strongest component
    assert duration.package_reduction([0.2, 0.5], 0.0) == pytest.approx(0.5)
    # per draw: components along the first axis, draws along the second
    d = duration.package_reduction([[0.1, 0.6], [0.4, 0.2]], [0.5, 0.0])
    assert d.tolist() == pytest.approx([1 - 0.6 * 0.5, 0.6])


def test_package_credited_at_least_its_strongest_component_draw_by_draw(tables):
    n = 400
    for pkg in ("lime_low_cd_rice", "vip_n_no_flood"):
        typ, d = duration._reduction_typical_and_draws(tables, pkg, "cd", n, 7)
        comps = tables.option_packages.query("package_id == @pkg")["component_option_id"]
        parts = [duration._reduction_typical_and_draws(tables, c, "cd", n, 7) for c in comps]
        strongest = np.max([dd for _, dd in parts], axis=0)
        assert (d >= strongest - 1e-12).all() and (d > strongest).mean() > 0.9
        assert typ >= max(t for t, _ in parts)
        # and below the product of every component (measures partly act on the same Cd pool)
        assert (d <= 1 - np.prod([1 - dd for _, dd in parts], axis=0) + 1e-12).mean() > 0.95
    # typical values by hand: the strongest typical component is lime_rice 0.731
    typ, _ = duration._reduction_typical_and_draws(tables, "lime_low_cd_rice", "cd", 0, 0)
    assert typ == pytest.approx(1 - (1 - 0.731) * (1 - 0.309))
    dry, _ = duration._reduction_typical_and_draws(tables, "vip_n_no_flood", "cd", 0, 0)
    assert dry == pytest.approx(typ)
    # with flooding the package has one more component to draw its strongest from
    _, wet_d = duration._reduction_typical_and_draws(tables, "lime_low_cd_rice", "cd", n, 7)
    _, dry_d = duration._reduction_typical_and_draws(tables, "vip_n_no_flood", "cd", n, 7)
    assert (wet_d >= dry_d - 1e-12).all()


def test_lime_option_needs_acid_soil(tables, plots_factory):
    rows = _rows(tables, plots_factory(2, ph=[6.0, 7.0], cd_mg_kg=[0.8, 1.0]))
    assert _row(rows, "P1", "lime_low_cd_rice")["applicable"]
    r = _row(rows, "P2", "lime_low_cd_rice")
    assert not r["applicable"] and "above 6.5" in r["reason"]


def test_land_use_rule(tables, plots_factory):
    rows = _rows(tables, plots_factory(1, land_use="vegetable", crop="pak_choi", ph=6.0, cd_mg_kg=0.5))
    r = _row(rows, "P1", "willow_src")
    assert not r["applicable"] and r["reason"] == "not used on vegetable land"


def test_predicted_crop_risk_triggers_protective_options_on_clean_soil(tables, plots_factory):
    # Cd 0.35 at pH 5.8 is below the paddy screening value 0.4, but rice is predicted to fail
    rows = _rows(tables, plots_factory(1, ph=5.8, cd_mg_kg=0.35, region=""))
    r = _row(rows, "P1", "lime_low_cd_rice")
    assert r["applicable"] and r["target_metals"] == "cd"
    assert not _row(rows, "P1", "sedum_plumbizincicola")["applicable"]


def test_untreated_metals_are_reported(tables, plots_factory):
    rows = _rows(tables, plots_factory(1, land_use="upland", crop="wheat", ph=8.0, cd_mg_kg=2.0,
                                       pb_mg_kg=300.0), rule_set="none")  # trees: the library's own rules
    r = _row(rows, "P1", "willow_src")
    assert r["applicable"] and r["target_metals"] == "cd" and r["untreated_metals"] == "pb"
    assert "does not treat pb" in r["reason"]


def test_restricting_options_keeps_the_baseline(tables, plots_factory):
    p = plots_factory(1)
    cls = soil.plot_classes(soil.screen(p, tables), p["plot_id"])
    rows = options.evaluate_options(p, cls, tables, only=["fallow"])
    assert sorted(rows["option_id"]) == ["do_nothing", "fallow"]
    assert np.isfinite(options.option_parameter(tables, "sedum_plumbizincicola", "bcf", "cd"))


def test_climate_rule_excludes_subtropical_species_with_a_reason(tables, plots_factory):
    rows = _rows(tables, plots_factory(2, land_use="marginal", crop="none", ph=5.5, cd_mg_kg=2.0,
                                       mean_temp_c=[6.9, 17.0]))
    r = _row(rows, "P1", "sedum_plumbizincicola")
    assert not r["applicable"] and r["reason"].startswith("mean annual temperature 6.9 °C is below 10 °C")
    assert _row(rows, "P2", "sedum_plumbizincicola")["applicable"]
    assert _row(rows, "P1", "willow_src")["applicable"]                 # no climate limit
    # without a temperature the option is kept and the reason says the climate was not checked
    no_t = plots_factory(1, land_use="marginal", crop="none", ph=5.5, cd_mg_kg=2.0)
    no_t = no_t.drop(columns="mean_temp_c")
    r = _row(_rows(tables, no_t), "P1", "sedum_plumbizincicola")
    assert r["applicable"] and "climate not checked" in r["reason"]


def test_options_with_a_data_gap_are_excluded_with_the_gap_named(tables, plots_factory):
    rows = _rows(tables, plots_factory(1, land_use="upland", crop="wheat", ph=6.0, cd_mg_kg=1.0))
    for oid in ("kenaf", "brassica_juncea", "hemp"):
        r = _row(rows, "P1", oid)
        assert not r["applicable"] and r["reason"].startswith("cannot be assessed:")
        assert "not confirmed" in r["reason"]
    # applicable options with partial evidence list their gaps
    r = _row(rows, "P1", "tobacco")
    assert r["applicable"] and "not confirmed" in r["data_gaps"]
    assert _row(rows, "P1", "willow_src")["data_gaps"] == ""


def test_calcareous_soil_excludes_sedum_with_the_evidence(tables, plots_factory):
    rows = _rows(tables, plots_factory(1, land_use="upland", crop="wheat", ph=8.0, cd_mg_kg=2.4))
    r = _row(rows, "P1", "sedum_plumbizincicola")
    assert not r["applicable"] and "above 5.61" in r["reason"] and "2.12 g Cd/ha" in r["reason"]


def test_crop_substitution_needs_another_crop_and_flooding_is_blocked_by_arsenic(tables, plots_factory):
    rows = _rows(tables, plots_factory(2, land_use="upland", crop=["maize", "wheat"], ph=6.0, cd_mg_kg=0.8,
                                       wheat_type=["", "spring"]))
    r = _row(rows, "P1", "maize_grain")
    assert not r["applicable"] and r["reason"] == "the plot already grows maize: nothing to switch"
    assert _row(rows, "P2", "maize_grain")["applicable"]  # spring wheat: maize can take its season
    rows = _rows(tables, plots_factory(1, ph=5.0, cd_mg_kg=0.8, as_mg_kg=60.0))
    r = _row(rows, "P1", "flooded_rice")
    assert not r["applicable"] and r["reason"].startswith("as exceeds")
    assert "Kawasaki et al. 2012" in r["reason"]
    assert _row(rows, "P1", "low_cd_rice")["applicable"]                # a variety does not mobilise As


def test_lime_dose_response_in_the_reason(tables, plots_factory):
    rows = _rows(tables, plots_factory(1, ph=5.1, cd_mg_kg=0.8))
    r = _row(rows, "P1", "lime_rice")
    assert r["applicable"] and r["reason"].endswith(
        "7.5 t/ha CaCO3 raises pH 5.10 → 6.10; policy china, rule cn_safe_keep_food: expected")
    assert options.lime_ph_change(7.5, 0.133) == pytest.approx(0.9975)
    assert options.lime_ph_change(15, 0.133, ph=7.0) == pytest.approx(0.5)      # capped at pH 7.5
    assert options.lime_ph_change(0, 0.133) == 0.0


def test_biochar_dose_response_hand_computed():
    assert options.biochar_reduction(20, 0.564, 0.066) == pytest.approx(0.564 * (1 - np.exp(-1.32)))
    assert options.biochar_reduction(0, 0.564, 0.066) == 0.0
    assert options.biochar_reduction(1e4, 0.9, 1.0, response_factor=2.0) == 0.95    # capped


def test_every_option_has_the_parameters_its_model_needs(tables):
    from agriremed.stages.duration import REMOVAL_MODELS

    p = tables.option_parameters
    for o in tables.options.itertuples(index=False):
        if o.removal_model == "none" or o.status == "data_gap":
            continue
        for metal in options.treats_metals(o.treats):
            for name in REMOVAL_MODELS[o.removal_model]:
                assert ((p["option_id"] == o.option_id) & (p["parameter"] == name)
                        & (p["metal"].fillna("") == metal)).any(), (o.option_id, name, metal)


@settings(max_examples=40, deadline=None)
@given(ph=st.floats(3.5, 9.5), cd=st.floats(0.05, 20), pb=st.floats(10, 2000), as_=st.floats(1, 200),
       land=st.sampled_from(["paddy", "upland", "orchard", "vegetable", "marginal"]),
       crop=st.sampled_from(["rice", "wheat", "maize", "pak_choi", "apple", "none"]),
       temp=st.one_of(st.none(), st.floats(-5, 28)))
def test_random_plots_every_option_row_has_a_reason(tables, ph, cd, pb, as_, land, crop, temp):
    kw = dict(land_use=land, crop=crop, ph=ph, cd_mg_kg=cd, pb_mg_kg=pb, as_mg_kg=as_)
    p = make_plots(1, **kw)
    if temp is None:
        p = p.drop(columns="mean_temp_c")
    else:
        p["mean_temp_c"] = temp
    if crop == "rice" and land != "paddy":   # rice not on a flooded paddy: its Cd is not assessed, and said so
        lu = "marginal land" if land == "marginal" else land
        with pytest.warns(uptake.NotAssessedWarning, match=rf"^1 plot × metal without a prediction \(plot P1, cd: "
                          rf"rice on land recorded as {lu}, not a flooded paddy: the rice transfer functions"):
            rows = _rows(tables, p)
    else:   # every other plot is assessed (an unexpected NotAssessedWarning is an error: pyproject filterwarnings)
        rows = _rows(tables, p)
    assert len(rows) == len(tables.options)
    assert rows["reason"].str.len().gt(5).all()
    assert rows.loc[~rows["applicable"], "reason"].str.len().gt(10).all()


# ------------------------------------------------ biochar feedstock and temperature
def test_biochar_feedstock_efficacy_hand_computed(tables):
    # grain-Cd reduction of the feedstock over the pooled paddy means −43.6 % (biochar) and −33.4 % (all)
    lo, _ = options.biochar_efficacy(["wood", "rice_straw"], tables, which="low")
    hi, _ = options.biochar_efficacy(["wood", "rice_straw"], tables, which="high")
    typ, pooled = options.biochar_efficacy(["wood", "rice_straw", "herbaceous", "kitchen_waste"], tables)
    assert lo == pytest.approx([25 / 43.6, 13 / 43.6], abs=5e-4)
    assert hi == pytest.approx([25 / 33.4, 13 / 33.4], abs=5e-4)
    geo = [np.sqrt(25 / 43.6 * 25 / 33.4), np.sqrt(13 / 43.6 * 13 / 33.4)]   # geometric means
    assert typ[:2] == pytest.approx(geo, abs=5e-4)
    assert typ[2:].tolist() == [1.0, 1.0] and pooled.tolist() == [False, False, True, True]


def _with_biochar(tables, feedstock=None, temperature=None):
    from agriremed.engine.plan import apply_biochar_choice

    return apply_biochar_choice(tables, feedstock, temperature)[0]


def test_biochar_reason_names_feedstock_and_as_caution_by_temperature(tables, plots_factory):
    # As measured below its screening value (paddy pH 5: 30 mg/kg): caution only for a char made above 450 °C
    p = plots_factory(1, ph=5.0, cd_mg_kg=0.8, as_mg_kg=10.0)
    hot = _row(_rows(_with_biochar(tables, "wood", "high"), p), "P1", "biochar_amendment")
    assert hot["applicable"]
    assert "wood biochar: Cd effect × 0.66 of the pooled paddy dose–response" in hot["reason"]
    assert "chars made above 450 °C, as this one (> 600 °C)" in hot["reason"]
    assert "no As reduction is credited" in hot["reason"]
    assert messages.Message.decode(hot["option_cautions_msg"]).codes == ("opt.biochar_as_caution",)
    cool = _row(_rows(_with_biochar(tables, "manure", "low"), p), "P1", "biochar_amendment")
    assert cool["applicable"] and "often raised As mobility" not in cool["reason"]
    assert cool["option_cautions_msg"] == ""
    assert "manure biochar: no grain-Cd figure for this feedstock" in cool["reason"]
    # no As measurement: nothing to caution about
    q = plots_factory(1, ph=5.0, cd_mg_kg=0.8)
    r = _row(_rows(_with_biochar(tables, "wood", "high"), q), "P1", "biochar_amendment")
    assert "often raised As mobility" not in r["reason"] and r["option_cautions_msg"] == ""


def test_arsenic_above_screening_excludes_biochar_with_the_temperature_named(tables, plots_factory):
    p = plots_factory(1, ph=5.0, cd_mg_kg=0.8, as_mg_kg=60.0)
    r = _row(_rows(_with_biochar(tables, temperature="medium"), p), "P1", "biochar_amendment")
    assert not r["applicable"]
    assert r["reason"] == ("as exceeds its screening value and biochar can raise As mobility, most for chars "
                           "made above 450 °C as this one (450–600 °C) (Arabi et al. 2021)")
    r = _row(_rows(_with_biochar(tables, temperature="low"), p), "P1", "biochar_amendment")
    assert not r["applicable"] and "largest above 450 °C, this char 350–450 °C" in r["reason"]


def test_biochar_choice_rejects_unknown_classes(tables):
    from agriremed.core.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="biochar_feedstock"):
        _with_biochar(tables, "kitchen_waste")
    with pytest.raises(ScenarioError, match="biochar_temperature"):
        _with_biochar(tables, temperature="very_hot")
    t = _with_biochar(tables, "wood", "high")
    o = t.options.set_index("option_id")
    assert o.loc["biochar_amendment", "biochar_feedstock"] == "wood"
    assert o.loc["sedum_plumbizincicola", "biochar_feedstock"] == "herbaceous"   # energy crops keep theirs


def test_option_parameter_draws_are_the_rows_draws_in_library_order(tables):
    from agriremed.stages.options import option_parameter_draws
    from agriremed.core.uncertainty import parameter_draws

    draws, row = option_parameter_draws(tables, "diesel_l_ha_yr", 50, 7)
    op = tables.option_parameters
    rows = op.loc[(op["parameter"] == "diesel_l_ha_yr") & op["metal"].fillna("").eq("")]
    rows = rows.reset_index(drop=True)
    assert len(rows) >= 2 and draws.shape == (len(rows), 50)
    np.testing.assert_array_equal(draws, parameter_draws(rows, 50, 7))
    lib = tables.options["option_id"].tolist()
    for i, oid in enumerate(rows["option_id"]):
        assert row[lib.index(oid)] == i
    without = [o for o in lib if o not in set(rows["option_id"])]
    assert without and np.isnan(row[[lib.index(o) for o in without]]).all()
    again, _ = option_parameter_draws(tables, "diesel_l_ha_yr", 50, 7)
    assert again is draws and not draws.flags.writeable
    other, _ = option_parameter_draws(tables, "diesel_l_ha_yr", 50, 8)
    assert not np.array_equal(other, draws)


# ---- jurisdiction rules (land_rules.csv) ------------------------------------------------


def test_basic_farmland_never_gets_trees_and_the_reason_names_rule_and_sources(tables, plots_factory):
    # strict-control paddy (Cd 2.0 > intervention 1.5 at pH 5.0) inside, outside and of unknown status
    rows = _rows(tables, plots_factory(3, ph=5.0, cd_mg_kg=2.0, basic_farmland=["yes", "no", "unknown"]))
    inside, outside, unknown = (_row(rows, f"P{i}", "willow_src") for i in (1, 2, 3))
    assert not inside["applicable"] and inside["policy_status"] == "forbidden"
    assert inside["policy_rule"] == "cn_bf_no_trees"
    assert inside["reason"].startswith("policy china, rule cn_bf_no_trees: permanent basic farmland")
    # the 文号 the rule's text already gives are not repeated among its citations
    assert inside["reason"].endswith("(Land Administration Law; MARA & MEE General Offices 2019)")
    assert inside["reason"].count("国办发明电〔2020〕24号") == 1 and inside["reason"].count("自然资发〔2021〕166号") == 1
    assert not _row(rows, "P1", "miscanthus")["applicable"]              # no grassland either
    assert outside["applicable"] and outside["policy_status"] == "expected"    # 退耕还林 outside
    assert unknown["applicable"] and unknown["policy_status"] == "allowed"
    assert unknown["policy_rule"] == "cn_strict_retire_check" and "check whether" in unknown["reason"]


def test_safe_utilisation_grain_land_keeps_food_expected_and_non_food_restrained(tables, plots_factory):
    rows = _rows(tables, plots_factory(1, ph=5.1, cd_mg_kg=0.8, basic_farmland="no"))
    for oid in ("lime_rice", "low_cd_rice", "maize_grain", "sedum_rice_rotation"):
        r = _row(rows, "P1", oid)
        assert r["policy_status"] == "expected" and r["policy_rule"] == "cn_safe_keep_food", oid
    # unchanged practice needs a safe-utilisation plan (Soil Pollution Law Art. 53): allowed, ranked after
    r = _row(rows, "P1", "do_nothing")
    assert r["applicable"] and r["policy_status"] == "allowed" and r["policy_rule"] == "cn_safe_baseline_needs_plan"
    # leaving food production is restrained: allowed, but ranked after unchanged practice too
    for oid in ("sorghum", "sedum_plumbizincicola", "fallow"):
        r = _row(rows, "P1", oid)
        assert r["applicable"] and r["policy_status"] == "restrained", oid
        assert r["policy_rule"] == "cn_safe_nonfood_restrained", oid
        assert "cn_safe_nonfood_restrained" in r["reason"] and r["reason"].endswith(
            "(国办发〔2020〕44号): ranked after the food-keeping options (unchanged practice included) "
            "(Soil Pollution Prevention and Control Law)")
    w = _row(rows, "P1", "willow_src")                # no forest on safe-utilisation farmland
    assert not w["applicable"] and w["policy_rule"] == "cn_safe_no_trees"


def test_rule_set_none_forbids_and_expects_nothing(tables, plots_factory):
    rows = _rows(tables, plots_factory(2, ph=5.0, cd_mg_kg=[0.8, 2.0], basic_farmland="yes"), rule_set="none")
    assert set(rows["policy_status"]) == {"allowed"} and set(rows["policy_rule"]) == {"none_no_rules"}
    assert _row(rows, "P1", "willow_src")["applicable"] and _row(rows, "P2", "willow_src")["applicable"]
    # the option library's own rule stays: no food crop on strict-control land
    assert not _row(rows, "P2", "lime_rice")["applicable"]


def test_unknown_rule_set_is_refused_with_the_known_ones(tables, plots_factory):
    with pytest.raises(ValueError, match="unknown rule set 'uk'.*china, none"):
        _rows(tables, plots_factory(1), rule_set="uk")
    import agriremed
    from agriremed.core.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="rule_set"):
        agriremed.plan(plots_factory(1), agriremed.Scenario(mc_draws=0, rule_set="uk"))


def test_a_user_rule_set_is_added_to_the_packaged_ones(tmp_path, plots_factory):
    from agriremed.core.tables import load_tables

    user = load_tables().land_rules.iloc[:1].assign(
        rule_id="x_no_fallow", rule_set="partner", soil_class="*", land_use="*", basic_farmland="any",
        applies_to="fallow", status="forbidden", reason_en="fallow is not paid here", reason_zh="此处休耕无补贴",
        note="")
    user.to_csv(tmp_path / "land_rules.csv", index=False)
    t = load_tables(tmp_path)
    assert {"china", "none", "partner"} <= set(options.rule_sets(t))
    rows = _rows(t, plots_factory(1, ph=5.0, cd_mg_kg=0.8), rule_set="partner")
    r = _row(rows, "P1", "fallow")
    assert not r["applicable"]
    assert r["reason"] == ("policy partner, rule x_no_fallow: fallow is not paid here "
                           "(Soil Pollution Prevention and Control Law; 国发〔2016〕31号 (Soil Pollution Action Plan); "
                           "MEE 2018, Q&A on GB 15618—2018)")


def test_strict_control_non_food_uses_apply_as_risk_control_even_without_treating(tables, plots_factory):
    # Hg 5 mg/kg on a paddy at pH 5.5: above the intervention value; no Cd problem
    rows = _rows(tables, plots_factory(1, ph=5.5, cd_mg_kg=0.2, hg_mg_kg=5.0, basic_farmland="no"))
    for oid in ("sedum_plumbizincicola", "willow_src", "miscanthus", "sorghum", "maize_energy", "ramie",
                "fallow"):
        r = _row(rows, "P1", oid)
        assert r["applicable"], (oid, r["reason"])
        assert r["target_metals"] == "" and r["untreated_metals"] == "hg"
        assert r["reason"].startswith("keeps the land out of food production")
    # food options stay excluded; removal on safe-utilisation land still needs a treated metal
    assert not _row(rows, "P1", "low_cd_rice")["applicable"]
    safe = _rows(tables, plots_factory(1, ph=5.5, cd_mg_kg=0.2, hg_mg_kg=1.0))   # Hg between 0.5 and 2.0
    r = _row(safe, "P1", "sedum_plumbizincicola")
    assert not r["applicable"] and r["reason"].startswith("no metal it treats (cd)")


def test_hn_zz_01_vip_measures_rank_first_and_packages_keep_more_grain_compliant_than_any_single(
        sample_plots_path):
    import agriremed

    # sample plot HN-ZZ-01: acid (pH 5.1) safe-utilisation Hunan paddy, Cd 0.86 mg/kg, As 16.2
    # (below its screening value, so the package without flooding, for As or Hg paddies, is not offered);
    # default weights. Flooding (VIP 'I') and the flooded VIP+n package rank first
    p = agriremed.plan(sample_plots_path, agriremed.Scenario())
    t = p.table.loc[p.table["plot_id"] == "HN-ZZ-01"].set_index("option_id")
    assert set(t["rank"].nsmallest(2).index) == {"flooded_rice", "lime_low_cd_rice"}
    assert not t.loc["vip_n_no_flood", "applicable"] and t["rank"].isna()["vip_n_no_flood"]
    c = t["crop_compliance_prob"]   # computed for the excluded package too
    singles = c[["lime_rice", "flooded_rice", "low_cd_rice", "foliar_inhibitor"]]
    assert c["lime_low_cd_rice"] > singles.max() and c["vip_n_no_flood"] > singles.drop("flooded_rice").max()


def _as_paddy(plots_factory):
    # the HN-SM-13 soil (Shimen, Hunan): As 68 mg/kg > 30 (paddy pH 5.5–6.5), Cd 0.36 < 0.4, so
    # As sets the class while rice Cd is only a predicted crop risk
    return plots_factory(1, ph=6.3, cd_mg_kg=0.36, as_mg_kg=68.0, som_pct=3.2, clay_pct=30,
                         region="Hunan/Changde/Shimen")


def test_cd_only_measures_are_not_the_treatment_of_an_as_paddy(tables, plots_factory):
    p = _as_paddy(plots_factory)
    rows = _rows(tables, p)
    am = _row(rows, "P1", "as_fe_si_amendment")
    assert am["applicable"] and am["target_metals"] == "as" and am["reason"].startswith("treats as")
    want = ("answers only a predicted crop risk of cd (below its screening value) while as, above its "
            "screening value, is left untreated: an option for as applies")
    for oid in ("low_cd_rice", "lime_rice", "vip_n_no_flood", "foliar_inhibitor", "maize_grain"):
        r = _row(rows, "P1", oid)
        # the package made for paddies where As rules flooding out says that none of its components lowers As
        pkg = ("no component of this package lowers As in rice: it is the Cd package for paddies where As rules "
               "flooding out, and leaving flooding out only keeps flooding from raising As in the grain")
        assert not r["applicable"] and (r["reason"].startswith(pkg) and r["reason"].endswith(
            "while As, above its screening value, is left untreated: an option for As applies")
            if oid == "vip_n_no_flood" else r["reason"] == want), oid
        assert r["target_metals"] == "cd" and r["untreated_metals"] == "as"
    # flooding stays excluded for its own reason (it mobilises As)
    assert _row(rows, "P1", "flooded_rice")["reason"].startswith("as exceeds")
    # phytoextraction of As is not a protective option: it does not displace the Cd measures by itself
    only = options.evaluate_options(p, soil.plot_classes(soil.screen(p, tables), p["plot_id"]), tables,
                                    only=("do_nothing", "low_cd_rice", "pteris_vittata"),
                                    crop_risk=uptake.food_safety(uptake.predict_crop_concentration(p, tables=tables),
                                                                 "GB2762", tables))
    assert _row(only, "P1", "low_cd_rice")["applicable"]
    assert _row(only, "P1", "pteris_vittata")["applicable"]


def test_cd_measures_stay_where_cd_exceeds_beside_as(tables, plots_factory):
    # Cd 0.8 > 0.3 (pH 5.0) and As 60 > 30: low-Cd rice treats a metal above screening, so it stays
    rows = _rows(tables, plots_factory(1, ph=5.0, cd_mg_kg=0.8, as_mg_kg=60.0))
    r = _row(rows, "P1", "low_cd_rice")
    assert r["applicable"] and r["target_metals"] == "cd" and r["untreated_metals"] == "as"
    assert _row(rows, "P1", "as_fe_si_amendment")["applicable"]


def test_risk_only_reason_names_the_metal_another_option_treats(tables, plots_factory):
    # As 68 and Pb 150 (> 100 at paddy pH 5.5–6.5) exceed; the As amendment treats As, none treats Pb
    p = plots_factory(1, ph=6.3, cd_mg_kg=0.36, as_mg_kg=68.0, pb_mg_kg=150.0, som_pct=3.2, clay_pct=30,
                      region="Hunan/Changde/Shimen")
    r = _row(_rows(tables, p), "P1", "low_cd_rice")
    assert not r["applicable"]
    assert r["reason"] == ("answers only a predicted crop risk of cd (below its screening value) while as+pb, "
                           "above its screening value, is left untreated: an option for as applies")


def test_risk_only_measures_stay_where_the_crop_risk_is_red(tables, plots_factory):
    # As 32 > 30 (paddy, pH ≤ 5.5) and soil Cd 0.2 (below 0.3) at pH 4.5: the rice is predicted to fail
    # the Cd limit in about half the seasons (below the amber threshold of traffic_lights.csv), so the
    # Cd measures are not dropped for the As amendment; at pH 6.3 the Cd risk is minor and they are
    p = plots_factory(2, plot_id=["ACID", "NEUTRAL"], ph=[4.5, 6.3], cd_mg_kg=[0.2, 0.36],
                      as_mg_kg=[32.0, 68.0], som_pct=3.0, clay_pct=28, region="Hunan/Changde")
    risk = uptake.food_safety(uptake.predict_crop_concentration(p, tables=tables), "GB2762", tables)
    cd = risk.set_index(["plot_id", "metal"]).loc[("ACID", "cd"), "p_exceed_limit"]
    amber = tables.light_thresholds()["food_safety"]["amber_at_least"]
    assert 1.0 - cd < amber
    rows = _rows(tables, p)
    for oid in ("low_cd_rice", "lime_rice", "vip_n_no_flood"):
        r = _row(rows, "ACID", oid)
        assert r["applicable"], (oid, r["reason"])
        assert r["target_metals"] == "cd" and r["untreated_metals"] == "as"
    assert _row(rows, "ACID", "as_fe_si_amendment")["applicable"]
    assert not _row(rows, "NEUTRAL", "low_cd_rice")["applicable"]


def test_calcareous_soil_rule_is_the_same_for_every_cd_hyperaccumulator(tables, plots_factory):
    # every option growing a Cd hyperaccumulator (Sedum species, Noccaea) rests on acid-soil evidence:
    # a pH ceiling and the Jiyuan calcareous-soil figure come from options.csv for each. Every Sedum
    # option stops at pH 5.61, the least acid soil of the Sedum field evidence (8-ha Yunnan field);
    # Noccaea, whose European field trials include a calcareous soil (Dornach), keeps 7.5
    lib = tables.options.set_index("option_id")
    hyper = lib.index[lib.index.str.contains("sedum|noccaea")
                      | lib["species"].fillna("").str.contains("sedum|noccaea")].tolist()
    sedum = [h for h in hyper if h != "noccaea_caerulescens"]
    assert {"sedum_plumbizincicola", "sedum_alfredii", "noccaea_caerulescens", "sedum_rice_rotation",
            "sedum_wheat_intercrop"} <= set(hyper)
    assert (lib.loc[sedum, "ph_max"] == 5.61).all() and lib.loc["noccaea_caerulescens", "ph_max"] == 7.5
    assert lib.loc[sedum, "rule_source"].str.contains("sedum_yunnan8ha").all()
    assert lib.loc[hyper, "rule_source"].str.contains("lu2015_sedum_calcareous").all()
    notes = lib.loc[hyper, ["ph_note", "ph_note_zh"]]
    assert notes["ph_note"].str.contains("2.12 g Cd/ha").all() and notes["ph_note_zh"].str.contains("2.12克").all()
    assert lib.loc[sedum, "ph_note"].str.contains("5.61").all() and lib.loc[sedum, "ph_note_zh"].str.contains("5.61").all()
    calc = _rows(tables, plots_factory(1, land_use="upland", crop="wheat", ph=8.0, cd_mg_kg=1.0))
    acid = _rows(tables, plots_factory(1, land_use="upland", crop="wheat", ph=5.0, cd_mg_kg=1.0))
    for oid, ph_max in (("sedum_alfredii", "5.61"), ("noccaea_caerulescens", "7.5")):
        r = _row(calc, "P1", oid)
        assert not r["applicable"] and f"above {ph_max}" in r["reason"] and "2.12 g Cd/ha" in r["reason"]
        assert _row(acid, "P1", oid)["applicable"]


def test_the_package_without_flooding_says_when_as_and_hg_were_not_measured(tables, plots_factory):
    # a Cd paddy without As or Hg values: the reason does not say they are below their screening
    # values, it says they were not measured (and to measure them before flooding continuously)
    p = plots_factory(2, ph=5.5, cd_mg_kg=0.6, as_mg_kg=[np.nan, 10.0], hg_mg_kg=[np.nan, 0.1])
    rows = _rows(tables, p)
    unmeasured, measured = _row(rows, "P1", "vip_n_no_flood"), _row(rows, "P2", "vip_n_no_flood")
    assert not unmeasured["applicable"] and not measured["applicable"]
    assert unmeasured["reason"] == ("only for paddies where As/Hg exceeds its screening value and rules flooding out: "
                                    "As/Hg not measured on this plot (measure them before flooding continuously)")
    assert measured["reason"].endswith("none does on this plot, so the package with flooding applies")
