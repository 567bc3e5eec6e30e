"""The column registry is complete and consistent."""

import math

import pytest

from agriremed.core import columns as C


def test_every_input_metal_has_total_and_extract_columns():
    for m in C.METALS:
        assert C.metal_column(m) in C.COLUMNS
        assert C.COLUMNS[C.metal_column(m)].unit == "mg/kg"
        for ex in ("cacl2", "hno3", "dtpa"):
            assert C.metal_column(m, ex) in C.COLUMNS


SUFFIX_UNITS = {
    "_mg_kg": "mg/kg", "_pct": "%", "_g_cm3": "g/cm3", "_t_dm_ha_yr": "t/ha/yr", "_gj_ha_yr": "GJ/ha/yr",
    "_mwh_ha_yr": "MWh/ha/yr", "_t_ha_yr": "t/ha/yr", "_g_ha_yr": "g/ha/yr", "_kg_ha": "kg/ha",
    "_cny_ha": "CNY/ha", "_cny_g": "CNY/g", "_co2e_t_ha_yr": "t CO2e/ha/yr", "_co2e_t_ha": "t CO2e/ha",
    "_co2e_t": "t CO2e", "_cny": "CNY", "_mm": "mm/yr", "_c": "degC", "_m": "m", "_ha": "ha",
    "_cmol_kg": "cmol/kg", "_yr": "yr", "_co2e_vs_baseline_t_ha_yr": "t CO2e/ha/yr",
    "_co2e_vs_baseline_t_ha": "t CO2e/ha", "_t_dm_ha": "t/ha", "_m3_ha_yr": "m3/ha/yr", "_l_ha_yr": "L/ha/yr",
    "_g_ha": "g/ha", "_cny_ha_yr": "CNY/ha/yr", "_cny_yr": "CNY/yr", "_cny_mu_yr": "CNY/mu/yr",
    "_kwh_m2_yr": "kWh/m2/yr", "_kwh_kwp_yr": "kWh/kWp/yr", "_mwp_ha": "MWp/ha", "_per_yr": "1/yr",
}
# the same money columns in the other reporting currencies
for _cur in C.CURRENCIES[1:]:
    SUFFIX_UNITS.update({f"_{_cur.lower()}{s[4:]}": u.replace("CNY", _cur)
                         for s, u in list(SUFFIX_UNITS.items()) if s.startswith("_cny")})


@pytest.mark.parametrize("col", [c for c in C.COLUMNS.values() if c.dtype in ("float", "int")],
                         ids=lambda c: c.name)
def test_numeric_columns_have_labels_and_units_matching_their_names(col):
    assert col.label_en and col.label_zh and col.description
    assert col.label().endswith("]")
    matches = [s for s in SUFFIX_UNITS if ("_" + col.name).endswith(s)]
    if matches:
        suffix = max(matches, key=len)
        assert col.unit == SUFFIX_UNITS[suffix], (col.name, col.unit)


def test_input_columns_have_valid_ranges():
    for c in C.COLUMNS.values():
        if c.role == "input" and c.dtype == "float":
            lo, hi = c.valid
            assert lo is not None and hi is not None and lo < hi, c.name


def test_label_and_expected_text():
    assert C.label("cd_mg_kg") == "Cd, total in soil [mg kg⁻¹]"
    assert C.label("ph", "zh") == "土壤pH（水浸提） [–]"
    assert C.label("not_a_column") == "not_a_column"
    assert C.COLUMNS["ph"].expected() == "a number ≥ 2 and ≤ 11"
    assert C.COLUMNS["cd_mg_kg"].expected() == "a number > 0 and ≤ 100000 mg kg⁻¹"
    assert C.COLUMNS["land_use"].expected().startswith("one of paddy, upland")


def test_register_refuses_a_conflicting_definition():
    with pytest.raises(ValueError):
        C.register(C.Column("ph", "1", "x", "x", "conflicting"))
    assert not math.isnan(C.COLUMNS["ph"].valid[0])


def test_every_cny_money_column_has_a_sibling_in_each_reporting_currency():
    cny = [c for c in C.COLUMNS.values() if c.unit.split("/")[0] == "CNY"]
    assert len(cny) >= 20
    for col in cny:
        for cur in C.CURRENCIES[1:]:
            sib = C.COLUMNS[C.money_column(col.name, cur)]
            assert sib.unit == col.unit.replace("CNY", cur) and sib.label_en == col.label_en
    assert C.money_column("cost_per_g_removed_cny_g", "USD") == "cost_per_g_removed_usd_g"
