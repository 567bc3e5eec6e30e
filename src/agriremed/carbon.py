"""Carbon ledger: removals, avoided emissions and emissions of every option.

Each plot × option gets one ledger row per term, in t CO2e ha⁻¹ yr⁻¹ averaged over
the scenario horizon H (positive = removal or avoided emission, negative = emission),
with the source of its factor:

``soc_change``
    IPCC 2019 Tier 1: SOC = SOC_ref · F_LU · F_MG · F_I; the stock moves from the
    current to the new land-use factor linearly over 20 years, so within H years
    ΔSOC = SOC_ref · (F_LU,new − F_LU,old) · min(H, 20)/20 [t C ha⁻¹]; F_MG = F_I = 1
    (full tillage, medium input) in this version. Taking paddy out of rice (F_LU 1.35)
    shows a Tier 1 loss.
``biochar_sink``
    IPCC 2019 Appendix 4: ΔC = M · F_C · F_perm (100-year permanence), for biochar
    applied to the plot; char from metal-rich biomass is not land-applied and earns no
    credit.
``avoided_electricity``
    Electricity exported × grid emission factor.
``field_diesel``, ``n_fertiliser``, ``lime``, ``biomass_transport``
    Diesel × 2.676 kg CO2 L⁻¹; N × 13.5 t CO2e t⁻¹ N (manufacture + field N2O, China);
    CaCO3 × 0.44 t CO2 t⁻¹; t·km × freight factor.

All C → CO2 conversions use 44/12.

References
----------
.. [1] IPCC (2019) 2019 Refinement, Vol. 4 Ch. 2 App. 4 and Ch. 5 (Tier 1 factors).
.. [2] MEE (2024) 2022 national grid emission factor 0.5366 kg CO2 kWh⁻¹.
.. [3] Zhang W. et al. (2013) PNAS (N fertiliser 13.5 t CO2e t⁻¹ N, China).
.. [4] IPCC (2006) Vol. 2 Ch. 3 (diesel 74 100 kg CO2 TJ⁻¹).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .options import parameter_for_rows
from .tables import Tables, load_tables

__all__ = [
    "C_TO_CO2",
    "LAND_USE_TO_IPCC",
    "ipcc_climate_zone",
    "ipcc_soil_class",
    "biochar_carbon_sink",
    "soc_stock_change",
    "soc_change_with_return",
    "carbon_ledger",
]

#: Mass ratio CO2 / C (44.01 / 12.011).
C_TO_CO2 = 44.0 / 12.0

#: IPCC land-use category of each input land use.
LAND_USE_TO_IPCC = {"paddy": "paddy", "upland": "annual_crop", "vegetable": "annual_crop",
                    "orchard": "perennial", "marginal": "set_aside"}


def ipcc_climate_zone(mean_temp_c, annual_rain_mm):
    """IPCC default climate zone from mean annual temperature and rainfall.

    Parameters
    ----------
    mean_temp_c : array_like
        Mean annual temperature [°C].
    annual_rain_mm : array_like
        Mean annual precipitation [mm yr⁻¹].

    Returns
    -------
    numpy.ndarray of str
        ``tropical_{dry,moist,wet}`` (MAT > 18 °C; rain < 1000, 1000–2000, > 2000 mm),
        ``warm_temperate_{dry,moist}`` (10 < MAT ≤ 18 °C), ``cool_temperate_{dry,moist}``
        (0 < MAT ≤ 10 °C); ``None`` where inputs are missing or MAT ≤ 0.

    Notes
    -----
    IPCC splits temperate zones into moist and dry by the ratio of rainfall to
    potential evapotranspiration, which plots do not carry; this function uses
    rainfall ≥ 800 mm (warm) and ≥ 600 mm (cool) as moist, an approximation. Supply
    a ``climate_zone`` column to override it.

    References
    ----------
    .. [1] IPCC (2006) Vol. 4 Ch. 3 Annex 3A.5, default climate classification.
    """
    t = np.asarray(mean_temp_c, float)
    r = np.asarray(annual_rain_mm, float)
    out = np.full(t.shape, None, dtype=object)
    trop = t > 18
    warm = (t > 10) & (t <= 18)
    cool = (t > 0) & (t <= 10)
    out[trop & (r < 1000)] = "tropical_dry"
    out[trop & (r >= 1000) & (r <= 2000)] = "tropical_moist"
    out[trop & (r > 2000)] = "tropical_wet"
    out[warm & (r >= 800)] = "warm_temperate_moist"
    out[warm & (r < 800)] = "warm_temperate_dry"
    out[cool & (r >= 600)] = "cool_temperate_moist"
    out[cool & (r < 600)] = "cool_temperate_dry"
    out[np.isnan(t) | np.isnan(r)] = None
    return out


def ipcc_soil_class(ph, mean_temp_c, clay_pct):
    """IPCC mineral-soil class guessed from pH, temperature and clay.

    Parameters
    ----------
    ph : array_like
        Soil pH (water) [–].
    mean_temp_c : array_like
        Mean annual temperature [°C].
    clay_pct : array_like
        Clay content [%].

    Returns
    -------
    numpy.ndarray of str
        ``sandy`` when clay < 8 %; ``low_activity_clay`` for acid (pH ≤ 6.5), warm
        (MAT ≥ 15 °C) soils — the weathered red and yellow soils of south China;
        otherwise ``high_activity_clay``. An approximation: supply an
        ``ipcc_soil_class`` column to override it.
    """
    ph = np.asarray(ph, float)
    t = np.asarray(mean_temp_c, float)
    clay = np.asarray(clay_pct, float)
    out = np.full(ph.shape, "high_activity_clay", dtype=object)
    out[(ph <= 6.5) & (t >= 15)] = "low_activity_clay"
    out[clay < 8] = "sandy"
    return out


def biochar_carbon_sink(mass_t, feedstock, temperature_class, process="pyrolysis",
                        tables: Tables | None = None):
    """CO2 removal of biochar applied to mineral soil (IPCC 2019 Tier 1).

    Parameters
    ----------
    mass_t : array_like
        Dry biochar applied [t] (or t ha⁻¹).
    feedstock : str or array_like of str
        Feedstock class of Table 4A.1 (``wood``, ``herbaceous``, ``rice_straw``,
        ``manure``, ``nut_shells``, ``biosolids``).
    temperature_class : str or array_like of str
        ``low`` (350–450 °C), ``medium`` (450–600 °C) or ``high`` (> 600 °C).
    process : {"pyrolysis", "gasification"}
        Production process.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    numpy.ndarray
        CO2 removed [t CO2] = M · F_C · F_perm · 44/12.

    References
    ----------
    .. [1] IPCC (2019) 2019 Refinement, Vol. 4 Ch. 2 Appendix 4, Eq. 2A.1,
       Tables 4A.1 and 4A.2.

    Examples
    --------
    >>> round(float(biochar_carbon_sink(1.0, "rice_straw", "medium")), 3)
    1.437
    """
    tables = tables or load_tables()
    fc = tables.biochar_carbon.set_index(["feedstock", "process"])["fc_t_c_per_t"]
    fp = tables.biochar_permanence.set_index("temperature_class")["fperm"]
    m = np.asarray(mass_t, float)
    fs = np.broadcast_to(np.asarray(feedstock, dtype=object), m.shape)
    tc = np.broadcast_to(np.asarray(temperature_class, dtype=object), m.shape)
    key = pd.MultiIndex.from_arrays([fs.ravel(), np.full(fs.size, process, dtype=object)])
    f_c = fc.reindex(key).to_numpy(float).reshape(m.shape)
    f_p = pd.Series(tc.ravel()).map(fp).to_numpy(float).reshape(m.shape)
    return m * f_c * f_p * C_TO_CO2


def soc_stock_change(socref_t_c_ha, flu_old, flu_new, years, transition_yr: int = 20):
    """Tier 1 soil organic carbon change over ``years`` after a land-use change.

    Parameters
    ----------
    socref_t_c_ha : array_like
        Reference SOC stock, 0–30 cm [t C ha⁻¹].
    flu_old, flu_new : array_like
        Land-use stock-change factors before and after [–].
    years : array_like
        Years since the change [yr].
    transition_yr : int
        IPCC default transition period [yr].

    Returns
    -------
    numpy.ndarray
        ΔSOC [t C ha⁻¹] = SOC_ref · (F_LU,new − F_LU,old) · min(years, 20)/20
        (F_MG = F_I = 1).

    Examples
    --------
    Annual crop → set-aside, warm temperate moist, high-activity clay soil:

    >>> round(float(soc_stock_change(64, 0.69, 0.82, 20)), 2)
    8.32
    """
    frac = np.minimum(np.asarray(years, float), transition_yr) / transition_yr
    return np.asarray(socref_t_c_ha, float) * (np.asarray(flu_new, float) - np.asarray(flu_old, float)) * frac


def soc_change_with_return(socref_t_c_ha, flu_old, flu_new, years_new, horizon_yr,
                           transition_yr: int = 20):
    """Tier 1 SOC change over a horizon when the new land use lasts only ``years_new``.

    The stock moves towards the new equilibrium at the IPCC rate
    SOC_ref·(F_new − F_old)/20 per year for min(years_new, 20) years, then back towards
    the old one at the same rate for the rest of the horizon (never past its start).

    Parameters
    ----------
    socref_t_c_ha : array_like
        Reference stock [t C ha⁻¹].
    flu_old, flu_new : array_like
        Land-use factors [–].
    years_new : array_like
        Years under the new use [yr].
    horizon_yr : float
        Horizon [yr].
    transition_yr : int
        IPCC transition period [yr].

    Returns
    -------
    numpy.ndarray
        ΔSOC at the end of the horizon [t C ha⁻¹].

    Examples
    --------
    Paddy → cropland for 6 years, then rice again, 20-year horizon: the loss of
    6 years is recovered within the remaining 14.

    >>> abs(float(soc_change_with_return(55, 1.35, 0.69, 6, 20)))
    0.0
    >>> round(float(soc_change_with_return(55, 1.35, 0.69, 20, 20)), 2)
    -36.3
    """
    rate = np.asarray(socref_t_c_ha, float) * (np.asarray(flu_new, float) - np.asarray(flu_old, float)) \
        / transition_yr
    y = np.minimum(np.asarray(years_new, float), horizon_yr)
    a = np.minimum(y, transition_yr)
    back = np.minimum(np.maximum(horizon_yr - y, 0.0), a)
    return rate * (a - back)


def _flu(tables: Tables, category, zone) -> np.ndarray:
    f = tables.soc_factors.loc[tables.soc_factors["factor"] == "FLU"]
    by_zone = f.set_index(["category", "climate_zone"])["value"]
    any_zone = f.loc[f["climate_zone"] == "*"].set_index("category")["value"]
    cat = pd.Series(np.asarray(category, dtype=object))
    z = pd.Series(np.asarray(zone, dtype=object))
    v = by_zone.reindex(pd.MultiIndex.from_arrays([cat, z])).to_numpy(float)
    return np.where(np.isnan(v), cat.map(any_zone).to_numpy(float), v)


def carbon_ledger(option_rows: pd.DataFrame, plots: pd.DataFrame, biomass: pd.DataFrame,
                  energy: pd.DataFrame, tables: Tables | None = None, horizon_yr: int = 20,
                  biochar_rate_t_ha: float | None = None, years_under_option=None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Carbon ledger of every applicable plot × option (and the do-nothing baseline).

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots (``land_use``, ``ph``, ``clay_pct``, ``mean_temp_c``,
        ``annual_rain_mm``, ``crop``, ``area_ha``; optional ``climate_zone`` and
        ``ipcc_soil_class``).
    biomass : pandas.DataFrame
        Output of :func:`agriremed.biomass.harvested_biomass`.
    energy : pandas.DataFrame
        Output of :func:`agriremed.energy.energy_outputs`.
    tables : Tables, optional
        Literature tables.
    horizon_yr : int
        Horizon H [yr].
    biochar_rate_t_ha : float, optional
        Biochar application rate overriding the table's typical value [t ha⁻¹].
    years_under_option : array_like, optional
        Years each row keeps its new land use before the current use returns (e.g. a
        phytoextraction crop that stops at its target) [yr]; default: the whole horizon.

    Returns
    -------
    ledger : pandas.DataFrame
        One row per plot × option × term: ``plot_id``, ``option_id``, ``term``,
        ``co2e_t_ha_yr`` [t CO2e ha⁻¹ yr⁻¹], ``source``, ``note``.
    totals : pandas.DataFrame
        One row per plot × option: ``net_co2e_t_ha_yr``, ``net_co2e_t_ha`` (× H),
        ``net_co2e_t`` (× area) and ``net_co2e_vs_baseline_t_ha_yr``.
    """
    tables = tables or load_tables()
    H = float(horizon_yr)
    opts = tables.options.set_index("option_id")

    def opt_param(name):
        return parameter_for_rows(tables, option_rows["option_id"], name)

    rows = option_rows
    n = len(rows)
    pl = plots.set_index("plot_id").reindex(rows["plot_id"].to_numpy(object))
    active = rows["applicable"].to_numpy(bool) | (rows["option_kind"] == "baseline").to_numpy()
    oid = rows["option_id"]
    food = oid.map(opts["food_crop"]).to_numpy(object)
    crop = pl["crop"].to_numpy(object)
    food_crop = np.where(food == "current", crop, np.where(food == "none", "none", food))

    # --- SOC ----------------------------------------------------------------------
    get = lambda c: pl[c].to_numpy(float) if c in pl else np.full(len(pl), np.nan)  # noqa: E731
    zone = ipcc_climate_zone(get("mean_temp_c"), get("annual_rain_mm"))
    sclass = ipcc_soil_class(get("ph"), get("mean_temp_c"), get("clay_pct"))
    if "climate_zone" in pl:  # user values win, row by row
        zone = pl["climate_zone"].astype(object).where(pl["climate_zone"].notna(), zone).to_numpy(object)
    if "ipcc_soil_class" in pl:
        sclass = pl["ipcc_soil_class"].astype(object).where(pl["ipcc_soil_class"].notna(), sclass).to_numpy(object)
    socref = tables.soc_reference.set_index(["soil_class", "climate_zone"])["socref_t_c_ha"].reindex(
        pd.MultiIndex.from_arrays([pd.Series(sclass, dtype=object), pd.Series(zone, dtype=object)])
    ).to_numpy(float)
    old_cat = pl["land_use"].map(LAND_USE_TO_IPCC).to_numpy(object)
    new_cat = oid.map(opts["new_land_use"]).to_numpy(object)
    new_cat = np.where(new_cat == "current", old_cat, new_cat)
    flu_old, flu_new = _flu(tables, old_cat, zone), _flu(tables, new_cat, zone)
    years_new = np.full(n, H) if years_under_option is None else np.minimum(
        np.nan_to_num(np.asarray(years_under_option, float), nan=H, posinf=H), H)
    dsoc = soc_change_with_return(socref, flu_old, flu_new, years_new, H)
    soc = dsoc * C_TO_CO2 / H

    # --- biochar applied as amendment ---------------------------------------------
    eff = opt_param("effect_duration_yr")
    n_app = np.where(np.isnan(eff), 0.0, np.ceil(H / np.where(np.isnan(eff), 1.0, eff)))
    rate = opt_param("rate_t_ha")
    if biochar_rate_t_ha is not None:
        rate = np.where(np.isnan(rate), np.nan, biochar_rate_t_ha)
    fs = oid.map(opts["biochar_feedstock"]).to_numpy(object)
    tc = oid.map(opts["biochar_temperature"]).to_numpy(object)
    is_amend = (oid.map(opts["kind"]) == "immobilisation").to_numpy() & ~np.isnan(rate)
    sink_amend = np.where(is_amend, biochar_carbon_sink(np.nan_to_num(rate) * n_app, fs, tc,
                                                        tables=tables) / H, 0.0)
    # --- biochar from pyrolysis of harvested biomass (only if land-applicable) ------
    char = energy["biochar_t_ha_yr"].to_numpy(float)
    land_ok = energy["residue_disposal"].fillna("none").eq("none").to_numpy()
    sink_pyro = np.where(land_ok & (char > 0),
                         biochar_carbon_sink(np.nan_to_num(char), fs, tc, tables=tables), 0.0)
    sink = np.nan_to_num(sink_amend) + np.nan_to_num(sink_pyro)

    # --- energy, operations ---------------------------------------------------------
    elec = np.nan_to_num(energy["electricity_mwh_ha_yr"].to_numpy(float))
    avoided = elec * tables.factor("grid_ef_t_co2_mwh")
    crop_diesel = pd.Series(food_crop).map(tables.crop_price_table("diesel_l_ha_yr")).to_numpy(float)
    crop_n = pd.Series(food_crop).map(tables.crop_price_table("n_fert_kg_ha_yr")).to_numpy(float)
    diesel = np.where(food != "none", np.nan_to_num(crop_diesel), np.nan_to_num(opt_param("diesel_l_ha_yr")))
    diesel = diesel + np.nan_to_num(opt_param("diesel_l_ha_app")) * n_app / H
    nfert = np.where(food != "none", np.nan_to_num(crop_n), np.nan_to_num(opt_param("n_fert_kg_ha_yr")))
    lime_t = np.nan_to_num(opt_param("lime_t_ha")) * n_app / H
    B = np.nan_to_num(biomass["biomass_t_dm_ha_yr"].to_numpy(float))
    terms = {
        "soc_change": (soc, "ipcc2019_soc", "IPCC Tier 1 land-use factor change over 20 years"),
        "biochar_sink": (sink, "ipcc2019_biochar", "biochar applied to the plot; 100-year permanence"),
        "avoided_electricity": (avoided, "mee2024_grid", "exported electricity × grid factor"),
        "field_diesel": (-diesel * tables.factor("diesel_kg_co2_l") / 1000.0, "ipcc2006_diesel", ""),
        "n_fertiliser": (-nfert * tables.factor("n_fert_t_co2e_t_n") / 1000.0, "zhang2013_nfert",
                         "manufacture and field N2O"),
        "lime": (-lime_t * tables.factor("lime_t_co2_t"), "stoichiometry", "CaCO3 applied"),
        "biomass_transport": (-B * tables.factor("transport_km") * tables.factor("freight_kg_co2_tkm") / 1000.0,
                              "uk2020_freight;agriremed_assumption", "one-way haul of harvested biomass"),
    }
    parts = []
    for term, (val, src, note) in terms.items():
        v = np.where(active, val, np.nan)
        parts.append(pd.DataFrame({"plot_id": rows["plot_id"].to_numpy(object),
                                   "option_id": oid.to_numpy(object), "term": term,
                                   "co2e_t_ha_yr": v, "source": src, "note": note}))
    ledger = pd.concat(parts, ignore_index=True)
    order = np.argsort(np.tile(np.arange(n), len(terms)), kind="stable")
    ledger = ledger.iloc[order].reset_index(drop=True)
    ledger = ledger.loc[np.repeat(active, len(terms))].reset_index(drop=True)

    net = sum(np.nan_to_num(v) for v, _, _ in terms.values())
    net = np.where(active, net, np.nan)
    totals = rows[["plot_id", "option_id"]].copy()
    totals["net_co2e_t_ha_yr"] = net
    totals["net_co2e_t_ha"] = net * H
    totals["net_co2e_t"] = net * H * pl["area_ha"].to_numpy(float)
    base = pd.Series(net[(oid == "do_nothing").to_numpy()],
                     index=rows.loc[oid == "do_nothing", "plot_id"].to_numpy(object))
    totals["net_co2e_vs_baseline_t_ha_yr"] = net - rows["plot_id"].map(base).to_numpy(float)
    return ledger, totals
