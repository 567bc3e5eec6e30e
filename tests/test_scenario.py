"""Scenarios validate their fields and round-trip exactly through JSON and YAML."""

import json
import re

import numpy as np
import pytest
import yaml

from agriremed import Scenario
from agriremed.engine.plan import apply_overrides
from agriremed.core.scenario import ScenarioError


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


# ---- field types and ranges ------------------------------------------------------------------

NUMBER_FIELDS = ["seed", "mc_draws", "horizon_yr", "discount_rate", "carbon_price_cny_t",
                 "noncompliant_price_fraction", "target_compliance_prob", "min_compliance_gain", "min_gain_share",
                 "other_loss_frac_per_yr"]


@pytest.mark.parametrize("field", NUMBER_FIELDS)
@pytest.mark.parametrize("value,kind", [("20", "text"), (None, "null"), ([1], "a list"),
                                        (True, "true/false")])
def test_numbers_given_as_text_null_list_or_bool_are_refused(field, value, kind):
    if field == "noncompliant_price_fraction" and value is None:
        # null is its documented default: use the noncompliant_grain rule
        assert Scenario.from_dict({field: value}).noncompliant_price_fraction is None
        return
    with pytest.raises(ScenarioError, match=rf"scenario field {field} = .*\(got {kind}"):
        Scenario.from_dict({field: value})


@pytest.mark.parametrize("d,field", [
    ({"discount_rate": float("nan")}, "discount_rate"),
    ({"carbon_price_cny_t": float("inf")}, "carbon_price_cny_t"),
    ({"carbon_price_cny_t": float("-inf")}, "carbon_price_cny_t"),
    ({"noncompliant_price_fraction": float("nan")}, "noncompliant_price_fraction"),
    ({"exchange_rate_cny": float("inf"), "currency": "EUR"}, "exchange_rate_cny"),
    ({"weights": {"food_safety": float("nan")}}, "weights.food_safety"),
    ({"weights": {"food_safety": float("inf"), "economics": 1}}, "weights.food_safety"),
    ({"weights": {"economics": 1e308, "carbon": 1e308}}, "weights"),       # each finite, sum is not
    ({"overrides": {"crop_price_cny_t.rice": float("nan")}}, "overrides.crop_price_cny_t.rice"),
    ({"overrides": {"fallow.annual_cost_cny_ha": {"typical": float("inf")}}},
     "overrides.fallow.annual_cost_cny_ha.typical"),
    ({"biochar_h_corg": float("nan")}, "biochar_h_corg"),
    ({"discount_rate": 10**400}, "discount_rate"),                         # beyond the float range
    ({"weights": {"carbon": 10**400}}, "weights.carbon"),
    ({"carbon_price_cny_t": 10**5000}, "carbon_price_cny_t"),               # too long to print
])
def test_nan_and_infinity_are_refused(d, field):
    with pytest.raises(ScenarioError, match=rf"scenario field {re.escape(field)} = "):
        Scenario.from_dict(d)


@pytest.mark.parametrize("d,field", [
    ({"options": "fallow"}, "options"),                                # one text, not a list of ids
    ({"options": ["fallow", 3]}, "options"),
    ({"weights": [0.3, 0.7]}, "weights"),
    ({"weights": {"economics": "high"}}, "weights.economics"),
    ({"weights": {"economics": -1, "carbon": 2}}, "weights.economics"),
    ({"overrides": {"fallow.annual_cost_cny_ha": "900"}}, "overrides.fallow.annual_cost_cny_ha"),
    ({"overrides": {"fallow.annual_cost_cny_ha": {"low": 1}}}, "overrides.fallow.annual_cost_cny_ha"),
    ({"overrides": {"fallow.annual_cost_cny_ha": {"typical": 5, "low": 9}}},
     "overrides.fallow.annual_cost_cny_ha"),
    ({"overrides": ["fallow.annual_cost_cny_ha", 9]}, "overrides"),
    ({"name": {"a": 1}}, "name"),
    ({"name": "two\nlines"}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"currency": ["EUR"]}, "currency"),
    ({"seed": -1}, "seed"),
    ({"seed": 2**63}, "seed"),
    ({"horizon_yr": 20.0}, "horizon_yr"),                               # an integer, not converted
    ({"target_compliance_prob": 1.0}, "target_compliance_prob"),
    ({"threshold_set": ""}, "threshold_set"),
    ({"carbon_price_cny_t": 1e9}, "carbon_price_cny_t"),                  # a typing error, not a price
    ({"currency": "EUR", "exchange_rate_cny": 1e-300}, "exchange_rate_cny"),
])
def test_wrong_types_and_ranges_name_the_field(d, field):
    with pytest.raises(ScenarioError, match=rf"scenario field {re.escape(field)} = "):
        Scenario.from_dict(d)


def test_valid_edge_values_and_numpy_numbers_are_kept():
    s = Scenario(seed=np.int64(3), discount_rate=np.float64(-0.05), carbon_price_cny_t=0,
                 weights={"economics": 1}, options=["fallow"],
                 overrides={"fallow.annual_cost_cny_ha": {"low": 1, "typical": 1, "high": 2}})
    assert type(s.seed) is int and s.seed == 3 and type(s.discount_rate) is float
    assert s.options == ("fallow",)
    assert json.loads(s.to_json())["seed"] == 3


def test_unknown_non_text_keys_are_one_message():
    with pytest.raises(ScenarioError, match="unknown scenario field"):
        Scenario.from_dict({1: 2, "horizon": 3})
    with pytest.raises(ScenarioError, match="mapping of field names"):
        Scenario.from_dict(["horizon_yr", 20])


# ---- files -----------------------------------------------------------------------------------


def _load_error(path) -> str:
    with pytest.raises(ScenarioError) as e:
        Scenario.load(path)
    msg = str(e.value)
    assert "\n" not in msg and path.name in msg
    return msg


def test_json_nan_and_infinity_in_a_file_name_the_field(tmp_path):
    for text, field in (('{"discount_rate": NaN}', "discount_rate"),
                        ('{"carbon_price_cny_t": Infinity}', "carbon_price_cny_t"),
                        ('{"weights": {"food_safety": -Infinity, "economics": 1}}', "weights.food_safety")):
        (tmp_path / "s.json").write_text(text, encoding="utf-8")
        assert f"scenario field {field} = " in _load_error(tmp_path / "s.json")
    (tmp_path / "s.yaml").write_text("carbon_price_cny_t: .inf\n", encoding="utf-8")
    assert "(got infinity)" in _load_error(tmp_path / "s.yaml")
    (tmp_path / "s.yaml").write_text("horizon_yr: '20'\n", encoding="utf-8")
    assert "horizon_yr = '20'" in _load_error(tmp_path / "s.yaml")
    (tmp_path / "s.json").write_text('{"horizon_yr": null}', encoding="utf-8")
    assert "(got null (no value))" in _load_error(tmp_path / "s.json")


def test_invalid_json_and_yaml_give_file_line_and_column(tmp_path):
    (tmp_path / "s.json").write_text('{\n  "horizon_yr": 20,\n  "seed": \n}', encoding="utf-8")
    assert _load_error(tmp_path / "s.json").startswith("s.json: invalid JSON at line 4, column 1: ")
    (tmp_path / "s.yaml").write_text("horizon_yr: 20\nweights: {economics: 1\n", encoding="utf-8")
    assert _load_error(tmp_path / "s.yaml").startswith("s.yaml: invalid YAML at line 3, column 1: ")
    (tmp_path / "t.json").write_text("[1, 2]", encoding="utf-8")
    assert "does not hold a scenario mapping" in _load_error(tmp_path / "t.json")
    (tmp_path / "e.yaml").write_text("# nothing\n", encoding="utf-8")
    assert "holds no scenario fields" in _load_error(tmp_path / "e.yaml")


def test_yaml_alias_bomb_is_refused_quickly_with_bounded_memory(tmp_path):
    import time
    import tracemalloc

    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for x, y in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{x}: &{x} [" + ",".join([f"*{y}"] * 9) + "]")
    lines.append("name: *i")                      # 9⁹ ≈ 387 million strings if expanded
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (tmp_path / "bomb.yaml").stat().st_size < 1000
    tracemalloc.start()
    t0 = time.perf_counter()
    msg = _load_error(tmp_path / "bomb.yaml")
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "anchor &a at line 1, column 4" in msg and "not accepted" in msg
    assert seconds < 2 and peak < 10e6
    (tmp_path / "alias.yaml").write_text("horizon_yr: *x\n", encoding="utf-8")   # alias without anchor
    assert "YAML alias *x at line 1, column 13" in _load_error(tmp_path / "alias.yaml")


@pytest.mark.parametrize("suffix,text", [
    (".json", '{"weights": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    (".yaml", "weights: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    (".yaml", "".join(" " * i + f"k{i}:\n" for i in range(12)) + " " * 12 + "x: 1\n"),
])
def test_deep_nesting_is_refused_before_parsing(tmp_path, suffix, text):
    p = tmp_path / f"deep{suffix}"
    p.write_text(text, encoding="utf-8")
    assert "nesting deeper than 8 levels" in _load_error(p)


def test_oversized_file_is_refused_before_reading(tmp_path):
    p = tmp_path / "big.json"
    p.write_text('{"name": "' + "x" * 1_100_000 + '"}', encoding="utf-8")
    assert "larger than 1,000 kB" in _load_error(p)


def test_keys_given_twice_are_refused(tmp_path):
    (tmp_path / "d.json").write_text('{"horizon_yr": 10, "horizon_yr": 20}', encoding="utf-8")
    assert "'horizon_yr' is given twice" in _load_error(tmp_path / "d.json")
    (tmp_path / "d.yaml").write_text("horizon_yr: 10\nseed: 1\nhorizon_yr: 20\n", encoding="utf-8")
    assert "'horizon_yr' at line 3, column 1 is given twice" in _load_error(tmp_path / "d.yaml")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_chinese_scenarios_in_gbk_gb18030_and_utf16_are_read(tmp_path, encoding, suffix):
    s = Scenario(name="湖南株洲试点（镉）", horizon_yr=15, options=("fallow",))
    text = s.to_json() if suffix == ".json" else yaml.safe_dump(s.to_dict(), allow_unicode=True)
    p = tmp_path / f"s{suffix}"
    p.write_bytes(text.encode(encoding))
    assert Scenario.load(p) == s


def test_binary_or_undecodable_files_are_one_message(tmp_path):
    (tmp_path / "b.json").write_bytes(b"\x00\x01\x02{}")
    assert "not text" in _load_error(tmp_path / "b.json")
    (tmp_path / "c.yaml").write_bytes(b"name: \xff\xff\xff\n")
    assert "not text" in _load_error(tmp_path / "c.yaml")


def test_missing_scenario_file_and_folder(tmp_path):
    with pytest.raises(ScenarioError, match="scenario file not found"):
        Scenario.load(tmp_path / "nope.json")
    with pytest.raises(ScenarioError, match="is a folder"):
        Scenario.load(tmp_path)


BAD_SCENARIOS = {
    "text.json": '{"horizon_yr": "20"}',
    "null.json": '{"carbon_price_cny_t": null}',
    "nan.json": '{"discount_rate": NaN}',
    "inf.yaml": "weights: {economics: .inf}\n",
    "syntax.json": '{"horizon_yr": 20,,}',
    "syntax.yaml": "horizon_yr: [20\n",
    "deep.json": "[" * 50_000 + "]" * 50_000,
    "alias.yaml": "a: &x 1\nname: *x\n",
    "unknown.json": '{"horizon": 20}',
    "list.yaml": "- 1\n- 2\n",
    "option.json": '{"options": ["fallow", "no_such_option"]}',
}


@pytest.mark.parametrize("name", sorted(BAD_SCENARIOS))
def test_cli_scenario_errors_are_one_line_and_exit_2(tmp_path, sample_plots_path, capsys, name):
    from agriremed.apps.cli import main

    p = tmp_path / name
    p.write_text(BAD_SCENARIOS[name], encoding="utf-8")
    code = main(["plan", str(sample_plots_path), "--out", str(tmp_path / "out"), "--scenario", str(p)])
    cap = capsys.readouterr()
    assert code == 2
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in cap.err
    if name == "option.json":   # checked against the option library when the plan starts
        assert lines[0].startswith("error: scenario field options names unknown option id(s): no_such_option")
        return
    assert lines[0].startswith(f"error: {name}")
    assert not (tmp_path / "out").exists()          # refused before anything was planned or written
