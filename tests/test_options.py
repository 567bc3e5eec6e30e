"""Applicability rules: every excluded option carries its reason."""

import numpy as np

from agriremed import options, soil, uptake


def _rows(tables, plots):
    s = soil.screen(plots, tables)
    cls = soil.plot_classes(s, plots["plot_id"])
    risk = uptake.food_safety(uptake.predict_crop_concentration(plots, tables=tables), "GB2762", tables)
    return options.evaluate_options(plots, cls, tables, crop_risk=risk)


def _row(rows, plot, option):
    r = rows.loc[(rows["plot_id"] == plot) & (rows["option_id"] == option)]
    assert len(r) == 1
    return r.iloc[0]


def test_excluded_options_always_have_a_reason(tables, sample_plots_path):
    from agriremed.validate import validate_plots

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
                                       pb_mg_kg=300.0))
    r = _row(rows, "P1", "willow_src")
    assert r["applicable"] and r["target_metals"] == "cd" and r["untreated_metals"] == "pb"
    assert "does not treat pb" in r["reason"]


def test_restricting_options_keeps_the_baseline(tables, plots_factory):
    p = plots_factory(1)
    cls = soil.plot_classes(soil.screen(p, tables), p["plot_id"])
    rows = options.evaluate_options(p, cls, tables, only=["fallow"])
    assert sorted(rows["option_id"]) == ["do_nothing", "fallow"]
    assert np.isfinite(options.option_parameter(tables, "sedum_plumbizincicola", "bcf", "cd"))
