"""Every literature value carries a source; ranges are ordered; tables parse."""

import numpy as np
import pandas as pd
import pytest

from agriremed.core.tables import source_problems


def test_every_row_of_every_table_has_a_known_source(tables):
    assert source_problems(tables) == []


def test_the_source_check_can_fail(tables):
    bad = tables.factors.copy()
    bad.loc[0, "source"] = ""
    bad.loc[1, "source"] = "no_such_key"
    problems = source_problems(tables.replace(factors=bad))
    assert any("row 1: no source" in p for p in problems)
    assert any("unknown source key 'no_such_key'" in p for p in problems)


def test_ranges_are_ordered(tables):
    for name in ("option_parameters", "factors", "prices", "biomass_yields", "biomass_properties",
                 "yield_adjustments", "metal_partitioning"):
        df = tables.__getattribute__(name)
        ok = df[["low", "typical", "high"]].dropna()
        assert (ok["low"] <= ok["typical"]).all() and (ok["typical"] <= ok["high"]).all(), name


def test_every_option_parameter_names_a_known_option(tables):
    assert set(tables.option_parameters["option_id"]) <= set(tables.options["option_id"])


def test_log_triangular_ranges_are_positive(tables):
    p = tables.option_parameters
    lt = p.loc[p["distribution"] == "log_triangular"]
    assert len(lt) and (lt["low"] > 0).all()


def test_threshold_bands_tile_the_ph_axis(tables):
    t = tables.soil_thresholds
    for (kind, metal, uses), g in t.groupby(["kind", "metal", "land_uses"]):
        g = g.sort_values("ph_above")
        assert g["ph_above"].iloc[0] == -np.inf and g["ph_up_to"].iloc[-1] == np.inf
        assert (g["ph_up_to"].to_numpy()[:-1] == g["ph_above"].to_numpy()[1:]).all()


def test_land_uses_of_screening_rows_cover_every_land_use_once(tables):
    t = tables.soil_thresholds
    scr = t.loc[t["kind"] == "screening"]
    for metal, g in scr.groupby("metal"):
        uses = []
        for cell in g.drop_duplicates("land_uses")["land_uses"]:
            uses += ["paddy", "upland", "orchard", "vegetable", "marginal"] if cell == "*" else cell.split("|")
        assert sorted(uses) == sorted(["paddy", "upland", "orchard", "vegetable", "marginal"]), metal


def test_crop_moisture_is_a_fraction(tables):
    m = tables.crops[["moisture_low", "moisture_typical", "moisture_high"]].dropna()
    assert ((m > 0) & (m < 1)).all().all()
    assert isinstance(tables.crops, pd.DataFrame)


def test_source_check_covers_the_biomass_energy_and_carbon_tables(tables):
    for name in ("biomass_yields", "biomass_properties", "yield_adjustments", "metal_partitioning",
                 "land_application_limits", "puro_persistence", "soc_factors", "factors"):
        bad = getattr(tables, name).copy()
        bad.loc[bad.index[0], "source"] = ""
        problems = source_problems(tables.replace(**{name: bad}))
        assert any(p.startswith(f"{name} row 1: no source") for p in problems), name


def test_blank_literature_values_say_why(tables):
    for name, col in (("biomass_yields", "typical"), ("biomass_properties", "typical"),
                      ("land_application_limits", "limit_mg_kg"), ("factors", "typical")):
        df = getattr(tables, name)
        assert df.loc[df[col].isna(), "note"].str.len().gt(20).all(), name
    gaps = tables.metal_partitioning.loc[tables.metal_partitioning["share_rule"] == "gap"]
    assert gaps[["low", "typical", "high"]].isna().all().all() and gaps["note"].str.len().gt(20).all()


def test_puro_table_covers_every_integer_soil_temperature(tables):
    p = tables.puro_persistence
    assert p["soil_temp_c"].tolist() == list(range(7, 41))
    assert (p["m_pct"].diff().dropna() <= 0).all() and (p["a_pct"].diff().dropna() >= 0).all()


def test_lookups_follow_replaced_tables():
    from agriremed.core.tables import load_tables

    t = load_tables()
    name = t.factors["factor"].iloc[0]
    before = t.factor(name)  # builds the lookup on t
    f = t.factors.copy()
    f.loc[f["factor"] == name, "typical"] = before * 2 + 1
    changed = t.replace(factors=f)
    assert changed.factor(name) == before * 2 + 1  # the copy does not reuse t's lookups
    assert t.factor(name) == before
    assert t.memo("k", lambda: 1) == 1 and t.memo("k", lambda: 2) == 1


def test_memo_draws_keeps_the_newest_entries_read_only(monkeypatch):
    import numpy as np

    from agriremed.core import tables as T

    t = T.load_tables().replace()
    monkeypatch.setattr(T, "DRAW_MEMO_SIZE", 3)
    built = []

    def build(k):
        built.append(k)
        return np.arange(3.0) + k

    for k in (1, 2, 3, 1, 4):  # 1 is used again before 4 arrives, so 2 is dropped
        t.memo_draws(("d", k), lambda k=k: build(k))
    assert built == [1, 2, 3, 4]
    assert list(t._draw_memo) == [("d", 3), ("d", 1), ("d", 4)]
    a = t.memo_draws(("d", 4), lambda: build(99))
    assert built == [1, 2, 3, 4] and a.tolist() == [4.0, 5.0, 6.0]
    assert not a.flags.writeable  # shared between plans: never edited in place


def test_text_columns_are_object_and_indexed_tables_follow_replacements(tables):
    import pandas as pd

    from agriremed.core.tables import load_tables

    t = load_tables()
    for name, df in t.items():
        assert not any(isinstance(dt, pd.StringDtype) for dt in df.dtypes), name
    lib = t.indexed("options", "option_id")
    assert lib is t.indexed("options", "option_id")               # built once
    assert lib.index.tolist() == t.options["option_id"].tolist()
    soc = t.indexed("soc_reference", ["soil_class", "climate_zone"])
    assert soc.index.names == ["soil_class", "climate_zone"]
    opts = t.options.copy()
    opts.loc[0, "name_en"] = "renamed"
    changed = t.replace(options=opts)
    assert changed.indexed("options", "option_id")["name_en"].iloc[0] == "renamed"
    assert lib["name_en"].iloc[0] != "renamed"


def test_light_thresholds_and_crop_price_tables_read_the_tables(tables):
    keys = ("green_at_least", "amber_at_least", "utility_zero_at", "utility_one_at")
    rows = tables.traffic_lights.loc[tables.traffic_lights["criterion"] == "economics"].set_index("view")
    for view in ("combined", "farmer", "programme"):  # one economics row per view, the default is combined
        assert tables.light_thresholds(view)["economics"] == {k: float(rows.at[view, k]) for k in keys}
        assert tables.light_thresholds(view)["carbon"] == tables.light_thresholds()["carbon"]
    assert tables.light_thresholds() == tables.light_thresholds("combined")
    prices = tables.crop_price_table("crop_price_cny_t")
    rows = tables.prices.loc[tables.prices["item"] == "crop_price_cny_t"]
    assert prices.to_dict() == dict(zip(rows["crop"], rows["typical"].astype(float), strict=True))
    assert prices is tables.crop_price_table("crop_price_cny_t")


def test_land_classes_cite_known_sources_and_map_to_planned_land_uses():
    from importlib import resources

    import pandas as pd

    from agriremed.core.names import LAND_USE_ALIASES, land_classes
    from agriremed.core.tables import split_keys

    rows = pd.read_csv(resources.files("agriremed.data").joinpath("land_classes.csv"), dtype=str,
                       keep_default_na=False)
    keys = set(pd.read_csv(resources.files("agriremed.data").joinpath("sources.csv"))["key"])
    assert all(k in keys for s in rows["source"] for k in split_keys(s))
    assert ((rows["land_use"] == "") != (rows["not_planned"] == "")).all()   # planned as one use, or why not
    assert set(rows["land_use"]) - {""} <= set(LAND_USE_ALIASES.values())
    assert land_classes()["0101"].land_use == "paddy" and land_classes()["其他林地"].code == "0307"


def test_factor_gives_the_first_row_of_each_factor_in_every_column(tables):
    t = tables
    first = t.factors.drop_duplicates("factor").set_index("factor")
    for which in ("low", "typical", "high"):
        for name in first.index:
            got, expected = t.factor(name, which), float(first.at[name, which])
            assert got == expected or (np.isnan(got) and np.isnan(expected)), (name, which)
    with pytest.raises(KeyError, match="is not in factors.csv"):
        t.factor("no_such_factor")
    with pytest.raises(KeyError):
        t.factor(first.index[0], "no_such_column")


def test_known_bias_of_a_user_transfer_function_is_checked(tmp_path):
    # known_bias takes over_predicts or a blank; a user table may leave the column out (a fitted function
    # carries no documented bias); another value is refused naming the line, column and function
    from agriremed.core.tables import TableError, load_tables

    tf = load_tables().transfer_functions
    row = tf.loc[tf["function_id"] == "mcgrath2002_wheat_cd"].assign(function_id="user_wheat_cd")
    row.drop(columns=["known_bias", "known_bias_source", "known_bias_note"]).to_csv(
        tmp_path / "transfer_functions.csv", index=False)
    got = load_tables(tmp_path)
    assert "user_wheat_cd" not in got.over_predicting_functions()
    assert "synth_maize_cd_ph" in got.over_predicting_functions()
    bad = tmp_path / "bad"
    bad.mkdir()
    row.assign(known_bias="overpredicts").to_csv(bad / "transfer_functions.csv", index=False)
    with pytest.raises(TableError, match=r"line 2 \(function user_wheat_cd\), column known_bias: 'overpredicts'; "
                                         r"expected blank \(no documented bias\) or over_predicts"):
        load_tables(bad)
    flagged = tmp_path / "flagged"
    flagged.mkdir()
    row.assign(known_bias="over_predicts").to_csv(flagged / "transfer_functions.csv", index=False)
    assert "user_wheat_cd" in load_tables(flagged).over_predicting_functions()


def test_source_keys_are_unique():
    # one key, one citation: a second row with the same key silently hid one of them (cnemc1990_soil_background)
    from importlib.resources import files

    keys = pd.read_csv(files("agriremed") / "data" / "sources.csv", dtype=str)["key"]
    assert keys[keys.duplicated()].tolist() == []
