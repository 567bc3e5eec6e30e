"""Scenarios validate their fields and round-trip exactly through JSON and YAML."""

import pytest

from agriremed import Scenario
from agriremed.plan import apply_overrides
from agriremed.scenario import ScenarioError


def test_round_trip(tmp_path):
    s = Scenario(name="county", horizon_yr=15, carbon_price_cny_t=120.0, options=("fallow",),
                 weights={"food_safety": 1, "economics": 2}, overrides={"fallow.annual_cost_cny_ha": 900})
    for name in ("s.json", "s.yaml"):
        s.save(tmp_path / name)
        assert Scenario.load(tmp_path / name) == s


@pytest.mark.parametrize("field,value", [("horizon_yr", 0), ("discount_rate", 0.9), ("food_standard", "XX"),
                                         ("mc_draws", -1), ("weights", {"beauty": 1}),
                                         ("noncompliant_price_fraction", 1.5)])
def test_invalid_fields_name_the_field(field, value):
    with pytest.raises(ScenarioError, match=field):
        Scenario(**{field: value})


def test_unknown_key_in_file(tmp_path):
    (tmp_path / "s.json").write_text('{"horizon": 10}')
    with pytest.raises(ScenarioError, match="unknown scenario field"):
        Scenario.load(tmp_path / "s.json")


def test_overrides_change_tables(tables):
    t = apply_overrides(tables, {"sedum_plumbizincicola.bcf.cd": 50, "crop_price_cny_t.rice": 3000,
                                 "factor.grid_ef_t_co2_mwh": 0.6})
    p = t.option_parameters
    row = p.loc[(p["option_id"] == "sedum_plumbizincicola") & (p["parameter"] == "bcf")].iloc[0]
    assert (row["low"], row["typical"], row["high"]) == (50, 50, 50)
    assert row["source"] == "agriremed_assumption"
    assert t.crop_price_table("crop_price_cny_t")["rice"] == 3000
    assert t.factor("grid_ef_t_co2_mwh") == 0.6
    with pytest.raises(ScenarioError):
        apply_overrides(tables, {"nonsense.key": 1})


def test_weights_are_normalised():
    w = Scenario(weights={"food_safety": 2, "economics": 2}).normalised_weights()
    assert w["food_safety"] == 0.5 and w["carbon"] == 0.0


def test_currency_and_biochar_fields_round_trip(tmp_path):
    s = Scenario(currency="GBP", exchange_rate_cny=9.0, biochar_feedstock="wood", biochar_temperature="high")
    for name in ("s.json", "s.yaml"):
        s.save(tmp_path / name)
        assert Scenario.load(tmp_path / name) == s
    d = Scenario().to_dict()
    assert d["currency"] == "CNY" and d["exchange_rate_cny"] is None and d["biochar_feedstock"] is None


@pytest.mark.parametrize("changes,field", [({"currency": "JPY"}, "currency"),
                                           ({"currency": "EUR", "exchange_rate_cny": 0}, "exchange_rate_cny"),
                                           ({"exchange_rate_cny": 7.8}, "exchange_rate_cny"),
                                           ({"biochar_feedstock": ""}, "biochar_feedstock")])
def test_invalid_currency_and_biochar_fields(changes, field):
    with pytest.raises(ScenarioError, match=field):
        Scenario(**changes)
