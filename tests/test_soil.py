"""GB 15618-2018 screening: every pH band edge, classes, soil mass and metal stock."""

import numpy as np
import pandas as pd
import pytest

from agriremed.stages import soil
from agriremed.core.columns import LAND_USES

# (metal, kind, land use, pH, expected value) written out from GB 15618-2018 Tables 1 and 3
EXPLICIT = [
    ("cd", "screening", "paddy", 5.5, 0.3), ("cd", "screening", "paddy", 5.51, 0.4),
    ("cd", "screening", "paddy", 6.5, 0.4), ("cd", "screening", "paddy", 6.51, 0.6),
    ("cd", "screening", "paddy", 7.5, 0.6), ("cd", "screening", "paddy", 7.51, 0.8),
    ("cd", "screening", "upland", 7.5, 0.3), ("cd", "screening", "upland", 7.51, 0.6),
    ("cd", "screening", "vegetable", 4.0, 0.3), ("cd", "screening", "orchard", 8.5, 0.6),
    ("hg", "screening", "paddy", 7.51, 1.0), ("hg", "screening", "marginal", 6.0, 1.8),
    ("as", "screening", "paddy", 6.5, 30), ("as", "screening", "paddy", 6.51, 25),
    ("as", "screening", "upland", 7.51, 25), ("pb", "screening", "paddy", 5.51, 100),
    ("pb", "screening", "upland", 7.51, 170), ("cr", "screening", "paddy", 7.51, 350),
    ("cr", "screening", "orchard", 5.0, 150), ("cu", "screening", "orchard", 6.5, 150),
    ("cu", "screening", "orchard", 6.51, 200), ("cu", "screening", "paddy", 6.51, 100),
    ("cu", "screening", "vegetable", 5.0, 50), ("ni", "screening", "vegetable", 7.51, 190),
    ("ni", "screening", "paddy", 5.5, 60), ("zn", "screening", "upland", 6.51, 250),
    ("cd", "intervention", "paddy", 5.5, 1.5), ("cd", "intervention", "upland", 5.51, 2.0),
    ("cd", "intervention", "orchard", 7.51, 4.0), ("hg", "intervention", "paddy", 6.51, 4.0),
    ("as", "intervention", "paddy", 5.5, 200), ("as", "intervention", "paddy", 5.51, 150),
    ("as", "intervention", "upland", 7.51, 100), ("pb", "intervention", "vegetable", 7.5, 700),
    ("cr", "intervention", "marginal", 6.0, 850),
]


@pytest.mark.parametrize("metal,kind,use,ph,expected", EXPLICIT)
def test_explicit_threshold_values(tables, metal, kind, use, ph, expected):
    got = soil.threshold_values([ph], [use], metal, kind, tables)[0]
    assert got == pytest.approx(expected)


def _edge_cases(tables):
    t = tables.soil_thresholds
    cases = []
    for r in t.itertuples(index=False):
        uses = LAND_USES if r.land_uses == "*" else r.land_uses.split("|")
        for use in uses:
            if np.isfinite(r.ph_up_to):
                cases.append((r.metal, r.kind, use, r.ph_up_to, r.value_mg_kg))      # edge belongs here
            if np.isfinite(r.ph_above):
                cases.append((r.metal, r.kind, use, r.ph_above + 1e-9, r.value_mg_kg))  # just above lower edge
    return cases


def test_every_band_edge_of_every_row(tables):
    cases = _edge_cases(tables)
    assert len(cases) > 200
    metal, kind, use, ph, expected = map(np.array, zip(*cases))
    for m in np.unique(metal):
        for k in np.unique(kind):
            sel = (metal == m) & (kind == k)
            if sel.any():
                got = soil.threshold_values(ph[sel].astype(float), use[sel], m, k, tables)
                np.testing.assert_allclose(got, expected[sel].astype(float))


def test_no_intervention_value_for_cu_ni_zn(tables):
    for m in ("cu", "ni", "zn"):
        assert np.isnan(soil.threshold_values([6.0], ["paddy"], m, "intervention", tables)[0])


def test_classes_at_and_around_the_values(tables, plots_factory):
    # paddy, pH 6.0: Cd screening 0.4, intervention 2.0
    p = plots_factory(5, ph=6.0, cd_mg_kg=[0.4, 0.40001, 2.0, 2.00001, 0.1])
    s = soil.screen(p, tables)
    assert s["soil_class"].tolist() == ["priority_protection", "safe_utilisation", "safe_utilisation",
                                        "strict_control", "priority_protection"]
    np.testing.assert_allclose(s["exceedance_ratio"], [1.0, 1.000025, 5.0, 5.000025, 0.25])


def test_metal_without_intervention_value_is_at_most_safe_utilisation(tables, plots_factory):
    p = plots_factory(1, land_use="orchard", crop="apple", ph=6.0, cd_mg_kg=0.1, cu_mg_kg=5000.0)
    cls = soil.plot_classes(soil.screen(p, tables))
    assert cls.loc[0, "soil_class"] == "safe_utilisation"
    assert cls.loc[0, "controlling_metal"] == "cu"
    assert cls.loc[0, "max_exceedance_ratio"] == pytest.approx(5000 / 150)


def test_not_measured_is_not_zero(tables, plots_factory):
    p = plots_factory(2, cd_mg_kg=[0.2, np.nan], pb_mg_kg=[np.nan, 500.0])
    s = soil.screen(p, tables)
    assert set(zip(s["plot_id"], s["metal"])) == {("P1", "cd"), ("P2", "pb")}
    cls = soil.plot_classes(s, ["P1", "P2"])
    assert cls["soil_class"].tolist() == ["priority_protection", "strict_control"]
    assert cls["metals_exceeding"].tolist() == ["", "pb"]


def test_worst_metal_decides_and_exceeding_list(tables, plots_factory):
    p = plots_factory(1, ph=5.0, cd_mg_kg=0.5, pb_mg_kg=500.0, zn_mg_kg=100.0)
    cls = soil.plot_classes(soil.screen(p, tables))
    assert cls.loc[0, "soil_class"] == "strict_control"        # Pb 500 > 400
    assert cls.loc[0, "metals_exceeding"] == "cd+pb"
    assert cls.loc[0, "controlling_metal"] == "pb"              # 500/80 = 6.25 > 0.5/0.3


def test_controlling_metal_of_a_strict_plot_exceeds_its_intervention_value(tables, plots_factory):
    # paddy pH 5.0: Cd 1.85 > 1.5 and Pb 420 > 400 make the plot strict-control; Cu 560 / 50 = 11.2
    # is the largest screening ratio but Cu has no intervention value
    p = plots_factory(1, ph=5.0, cd_mg_kg=1.85, pb_mg_kg=420.0, cu_mg_kg=560.0)
    cls = soil.plot_classes(soil.screen(p, tables))
    assert cls.loc[0, "soil_class"] == "strict_control"
    assert cls.loc[0, "metals_exceeding"] == "cd+pb+cu"
    assert cls.loc[0, "controlling_metal"] == "cd"              # 1.85/1.5 = 1.23 > 420/400 = 1.05
    assert cls.loc[0, "max_exceedance_ratio"] == pytest.approx(1.85 / 0.3)


def test_controlling_metal_of_a_strict_plot_by_intervention_ratio(tables, plots_factory):
    # paddy pH 5.0: As 250 is 8.33 × its screening value 30 but 1.25 × its intervention value 200;
    # Cd 2.0 is 6.67 × 0.3 but 1.33 × 1.5: Cd sets the class further above its line
    p = plots_factory(1, ph=5.0, cd_mg_kg=2.0, as_mg_kg=250.0)
    cls = soil.plot_classes(soil.screen(p, tables))
    assert cls.loc[0, "controlling_metal"] == "cd"
    assert cls.loc[0, "max_exceedance_ratio"] == pytest.approx(2.0 / 0.3)


def test_controlling_metal_of_a_safe_plot_has_an_intervention_value(tables, plots_factory):
    # paddy pH 5.5: Cd 0.5 / 0.3 = 1.67, Cu 150 / 50 = 3.0; Cu exceeding alone cannot be the class's
    # reason where Cd exceeds too
    p = plots_factory(2, ph=5.5, cd_mg_kg=[0.5, 0.2], cu_mg_kg=150.0)
    cls = soil.plot_classes(soil.screen(p, tables))
    assert cls["soil_class"].tolist() == ["safe_utilisation", "safe_utilisation"]
    assert cls["controlling_metal"].tolist() == ["cd", "cu"]    # P2: only Cu exceeds
    np.testing.assert_allclose(cls["max_exceedance_ratio"], [0.5 / 0.3, 3.0])


def test_controlling_metal_of_a_cu_only_orchard_and_a_clean_plot(tables, plots_factory):
    # orchard pH 6.0: Cu 300 / 150 = 2.0, Cd 0.1 / 0.3 below; paddy pH 6.0: Cd 0.2 / 0.4, Pb 90 / 100
    p = plots_factory(2, plot_id=["O", "C"], land_use=["orchard", "paddy"], crop=["apple", "rice"], ph=6.0,
                      cd_mg_kg=[0.1, 0.2], pb_mg_kg=[np.nan, 90.0], cu_mg_kg=[300.0, np.nan])
    cls = soil.plot_classes(soil.screen(p, tables))
    assert cls["soil_class"].tolist() == ["safe_utilisation", "priority_protection"]
    assert cls["controlling_metal"].tolist() == ["cu", "pb"]
    np.testing.assert_allclose(cls["max_exceedance_ratio"], [2.0, 0.9])


def test_soil_mass_and_stock_hand_computed():
    assert soil.soil_mass_t_ha(0.2, 1.3) == pytest.approx(2600.0)
    # 0.86 mg/kg × 0.2 m × 1.12 t/m3 × 10 000 m2/ha = 1.9264 kg/ha
    assert soil.metal_stock_kg_ha(0.86, 0.2, 1.12) == pytest.approx(1.9264)
    assert soil.metal_stock_kg_ha(3.0, 0.25, 1.5) == pytest.approx(11.25)


def test_screen_reports_stock(tables, plots_factory):
    s = soil.screen(plots_factory(1, cd_mg_kg=1.0, depth_m=0.2, bulk_density_g_cm3=1.2), tables)
    assert s.loc[0, "soil_stock_kg_ha"] == pytest.approx(2.4)
    assert isinstance(s, pd.DataFrame)


# ---- another jurisdiction's threshold set, added without code ------------------------------
DEMO_SET = """set_id,kind,metal,land_uses,ph_above,ph_up_to,value_mg_kg,source
demo_set,screening,cd,*,-inf,6.0,1.0,demo_source
demo_set,screening,cd,*,6.0,inf,2.0,demo_source
demo_set,intervention,cd,*,-inf,inf,5.0,demo_source
"""
DEMO_SOURCE = """key,citation,year,doi_or_url,status
demo_source,"A made-up threshold set used to test user sets.",2026,none,test data
"""


@pytest.fixture
def user_folder(tmp_path):
    (tmp_path / "soil_thresholds.csv").write_text(DEMO_SET, encoding="utf-8")
    (tmp_path / "sources.csv").write_text(DEMO_SOURCE, encoding="utf-8")
    return tmp_path


def test_user_folder_adds_a_threshold_set(user_folder, tables):
    from agriremed.core.tables import load_tables, source_problems

    t = load_tables(user_folder)
    assert soil.threshold_sets(t)["set_id"].tolist() == ["gb15618_2018", "demo_set"]
    gb = t.soil_thresholds.loc[t.soil_thresholds["set_id"] == "gb15618_2018"]
    pd.testing.assert_frame_equal(gb.reset_index(drop=True), tables.soil_thresholds)
    assert source_problems(t) == []   # the user's source row is added to the packaged sources
    # band edges of the user set: pH 6.0 belongs to the lower band
    np.testing.assert_allclose(soil.threshold_values([6.0, 6.0 + 1e-9], ["paddy", "upland"], "cd",
                                                     tables=t, set_id="demo_set"), [1.0, 2.0])


def test_screening_with_a_user_set(user_folder, plots_factory):
    from agriremed.core.tables import load_tables

    t = load_tables(user_folder)
    p = plots_factory(3, ph=[5.0, 6.5, 5.0], cd_mg_kg=[1.5, 1.5, 6.0], pb_mg_kg=50.0)
    s = soil.screen(p, t, set_id="demo_set")
    cd = s.loc[s["metal"] == "cd"]
    np.testing.assert_allclose(cd["exceedance_ratio"], [1.5, 0.75, 6.0])
    assert cd["soil_class"].tolist() == ["safe_utilisation", "priority_protection", "strict_control"]
    assert (s["threshold_set"] == "demo_set").all()
    pb = s.loc[s["metal"] == "pb"]
    assert pb["soil_class"].isna().all() and pb["screening_mg_kg"].isna().all()  # the set has no Pb value
    assert soil.plot_classes(s)["soil_class"].tolist() == ["safe_utilisation", "priority_protection",
                                                           "strict_control"]


def test_scenario_threshold_set_reaches_the_plan(user_folder, plots_factory):
    import agriremed
    from agriremed.core.tables import load_tables

    p = plots_factory(2, ph=5.0, cd_mg_kg=[0.5, 1.5])
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0, threshold_set="demo_set"),
                          tables=load_tables(user_folder))
    assert (plan.soil["threshold_set"] == "demo_set").all()
    assert plan.soil_plot["soil_class"].tolist() == ["priority_protection", "safe_utilisation"]


def test_unknown_set_and_broken_user_table_are_clear_errors(tmp_path, tables, plots_factory):
    from agriremed.core.tables import TableError, load_tables

    with pytest.raises(soil.ThresholdSetError, match="'uk_2009' is not in soil_thresholds.csv; available: "
                                                     "gb15618_2018"):
        soil.screen(plots_factory(1), tables, set_id="uk_2009")
    (tmp_path / "soil_thresholds.csv").write_text(
        "set_id,kind,metal,value_mg_kg,source\nx,screening,cd,1,s\n", encoding="utf-8")
    with pytest.raises(TableError, match="column\\(s\\) land_uses, ph_above, ph_up_to missing"):
        load_tables(tmp_path)
    with pytest.raises(TableError, match="table folder not found"):
        load_tables(tmp_path / "nope")


def test_user_rows_with_the_packaged_set_id_replace_that_set(tmp_path, plots_factory):
    from agriremed.core.tables import load_tables

    gb_only = DEMO_SET.replace("demo_set", "gb15618_2018").replace("demo_source", "mee2018_gb15618")
    (tmp_path / "soil_thresholds.csv").write_text(gb_only, encoding="utf-8")
    t = load_tables(tmp_path)
    assert len(t.soil_thresholds) == 3
    assert soil.threshold_values([5.0], ["paddy"], "cd", tables=t)[0] == 1.0


def test_class_names_and_exceedance_table(tables, plots_factory):
    assert soil.CLASS_NAMES["safe_utilisation"] == ("safe utilisation", "安全利用类")
    s = soil.screen(plots_factory(2, ph=5.0, cd_mg_kg=[0.6, np.nan], pb_mg_kg=[np.nan, 160.0]), tables)
    wide = soil.exceedance_table(s, ["P2", "P1"])
    assert list(wide.columns) == ["cd", "pb"] and list(wide.index) == ["P2", "P1"]
    assert wide.loc["P1", "cd"] == pytest.approx(2.0) and wide.loc["P2", "pb"] == pytest.approx(2.0)
    assert np.isnan(wide.loc["P2", "cd"])


def test_plot_classes_of_a_table_in_any_row_order():
    # rows not metal-major, and the two plots list their metals in different orders: the
    # exceeding metals keep each plot's own order
    s = pd.DataFrame({
        "plot_id": ["B", "A", "A", "B", "A", "B"],
        "metal": ["pb", "cd", "pb", "cd", "zn", "zn"],
        "exceedance_ratio": [2.0, 3.0, 1.5, 0.5, 4.0, 1.2],
        "soil_class": ["safe_utilisation", "strict_control", "safe_utilisation", "priority_protection",
                       "safe_utilisation", "safe_utilisation"],
    })
    cls = soil.plot_classes(s)
    assert cls["plot_id"].tolist() == ["B", "A"]                     # order of first appearance
    assert cls["soil_class"].tolist() == ["safe_utilisation", "strict_control"]
    # A is strict-control by Cd: Cd controls, although Zn (no intervention value) has the larger ratio
    assert cls["controlling_metal"].tolist() == ["pb", "cd"]
    assert cls["max_exceedance_ratio"].tolist() == [2.0, 3.0]
    assert cls["metals_exceeding"].tolist() == ["pb+zn", "cd+pb+zn"]
    # one common order: one text per distinct set of metals
    s2 = s.iloc[[1, 2, 4, 0, 5]].assign(plot_id=["A", "A", "A", "B", "B"])
    assert soil.plot_classes(s2)["metals_exceeding"].tolist() == ["cd+pb+zn", "pb+zn"]
    # plots asked for but not screened: blank class, no exceeding metals
    out = soil.plot_classes(s, ["A", "Z", "B"])
    assert out["plot_id"].tolist() == ["A", "Z", "B"]
    assert out["soil_class"].iloc[0] == "strict_control" and pd.isna(out["soil_class"].iloc[1])
    assert np.isnan(out["max_exceedance_ratio"].iloc[1])
    assert out["metals_exceeding"].tolist() == ["cd+pb+zn", "", "pb+zn"]
