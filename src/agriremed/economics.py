"""Cash flows, NPV, payback and cost per gram of metal removed.

Every applicable plot × option gets a yearly cash flow over the horizon (years
1…H, discounted at the scenario rate, end-of-year convention):

* food crop grown (baseline, amendments, safe crops): yield × price × [P(crop meets
  the food limit) + (1 − P) × f] − production cost, where f is the scenario's
  ``noncompliant_price_fraction`` (default 0: a crop that fails the limit is not sold
  as food);
* removal options: establishment cost in year 1, annual cost, biomass value × yield
  (negative value = treatment cost of metal-rich biomass); a *phytoextraction*
  option stops when its target is reached and the current crop returns, assumed to
  meet the food limit from then on; *phytomanagement* crops continue all horizon;
* amendments: material and spreading costs at every (re-)application;
* carbon credits: scenario carbon price × net CO2e gain over doing nothing, when
  positive.

Comparisons follow Phyto-DSS: each option against doing nothing
(``npv_vs_baseline_cny_ha``) and against the best alternative (the ranking).
Prices and costs are table values; those marked ``agriremed_assumption`` are
placeholders to be replaced with local figures (the report lists them).

References
----------
.. [1] Robinson B. et al. (2003) Plant and Soil 249:117–125 (Phyto-DSS economics
   versus inaction and the best alternative).
.. [2] NDRC (2024) minimum grain purchase prices; NDRC (2010) biomass power tariff.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .options import align_rows, parameter_for_rows
from .tables import Tables, load_tables

__all__ = ["discount_factors", "npv", "payback_year", "evaluate_economics"]


def discount_factors(rate: float, horizon_yr: int) -> np.ndarray:
    """End-of-year discount factors 1/(1+r)^t for t = 1…H.

    Examples
    --------
    >>> [round(float(x), 4) for x in discount_factors(0.1, 2)]
    [0.9091, 0.8264]
    """
    t = np.arange(1, int(horizon_yr) + 1)
    return 1.0 / (1.0 + float(rate)) ** t


def npv(cash_flows, rate: float) -> np.ndarray:
    """Net present value of yearly cash flows (last axis = years 1…H) [same unit]."""
    cf = np.asarray(cash_flows, float)
    return (cf * discount_factors(rate, cf.shape[-1])).sum(axis=-1)


def payback_year(incremental_cash_flows, rate: float) -> np.ndarray:
    """First year in which the cumulative discounted incremental cash flow is ≥ 0.

    Returns
    -------
    numpy.ndarray
        Year (1…H), or ``inf`` if it never turns non-negative within the horizon.

    Examples
    --------
    >>> float(payback_year([[-100, 60, 60]], 0.0)[0])
    3.0
    """
    cf = np.atleast_2d(np.asarray(incremental_cash_flows, float))
    cum = np.cumsum(cf * discount_factors(rate, cf.shape[-1]), axis=-1)
    ok = cum >= 0
    first = np.argmax(ok, axis=-1) + 1.0
    return np.where(ok.any(axis=-1), first, np.inf)


def evaluate_economics(option_rows: pd.DataFrame, plots: pd.DataFrame, duration: pd.DataFrame,
                       compliance: pd.DataFrame, biomass: pd.DataFrame, carbon_totals: pd.DataFrame,
                       tables: Tables | None = None, horizon_yr: int = 20, discount_rate: float = 0.06,
                       carbon_price_cny_t: float = 0.0, biochar_rate_t_ha: float | None = None,
                       noncompliant_price_fraction: float = 0.0) -> pd.DataFrame:
    """Discounted costs, revenues and NPV of every plot × option.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots (``crop``).
    duration : pandas.DataFrame
        Overall duration table (``years_to_target`` [yr], ``removed_g_ha`` [g ha⁻¹]).
    compliance : pandas.DataFrame
        Output of :func:`agriremed.duration.crop_compliance_outcome`.
    biomass : pandas.DataFrame
        Output of :func:`agriremed.biomass.harvested_biomass`.
    carbon_totals : pandas.DataFrame
        Totals of :func:`agriremed.carbon.carbon_ledger`.
    tables : Tables, optional
        Literature tables.
    horizon_yr : int
        Horizon H [yr].
    discount_rate : float
        Real discount rate [yr⁻¹].
    carbon_price_cny_t : float
        Carbon price [CNY t⁻¹ CO2e].
    biochar_rate_t_ha : float, optional
        Biochar rate overriding the table's typical value [t ha⁻¹].
    noncompliant_price_fraction : float
        Share of the normal price paid for a crop that fails the food limit [–]
        (0 = it cannot be sold as food).

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``cost_cny_ha``, ``revenue_cny_ha``,
        ``carbon_revenue_cny_ha``, ``npv_cny_ha``, ``npv_vs_baseline_cny_ha``,
        ``npv_cny`` [CNY, whole plot], ``payback_yr`` [yr] and
        ``cost_per_g_removed_cny_g`` [CNY g⁻¹]; NaN for options that do not apply.
    """
    tables = tables or load_tables()
    H = int(horizon_yr)
    years = np.arange(1, H + 1)
    opts = tables.options.set_index("option_id")
    oid = option_rows["option_id"]

    def p(name):
        return np.nan_to_num(parameter_for_rows(tables, oid, name))

    n = len(option_rows)
    pl = plots.set_index("plot_id").reindex(option_rows["plot_id"].to_numpy(object))
    active = option_rows["applicable"].to_numpy(bool) | (option_rows["option_kind"] == "baseline").to_numpy()
    kind = oid.map(opts["kind"]).to_numpy(object)
    comp = align_rows(compliance, option_rows)
    food_crop = comp["food_crop"].to_numpy(object)
    p_comply = np.nan_to_num(comp["crop_compliance_prob"].to_numpy(float), nan=1.0)
    crops = tables.crops.set_index("crop")
    current = pl["crop"].to_numpy(object)

    def crop_margin(crop_arr, comply):
        y = pd.Series(crop_arr, dtype=object).map(crops["yield_t_ha"]).to_numpy(float)
        price = pd.Series(crop_arr, dtype=object).map(tables.crop_price_table("crop_price_cny_t")).to_numpy(float)
        cost = pd.Series(crop_arr, dtype=object).map(tables.crop_price_table("production_cost_cny_ha_yr")).to_numpy(float)
        sold = comply + (1.0 - comply) * float(noncompliant_price_fraction)
        rev = np.nan_to_num(y * price) * sold
        return rev, np.nan_to_num(cost)

    rev_food, cost_food = crop_margin(food_crop, p_comply)
    rev_after, cost_after = crop_margin(current, np.ones(n))
    grows_food = food_crop != "none"

    # removal options: option economics until the target, then the current crop
    dur = align_rows(duration, option_rows)
    t_target = dur["years_to_target"].to_numpy(float)
    stops = (kind == "phytoextraction") & np.isfinite(t_target)
    during = ~stops[:, None] | (years[None, :] <= np.ceil(np.nan_to_num(t_target, nan=np.inf))[:, None])

    B = np.nan_to_num(biomass["biomass_t_dm_ha_yr"].to_numpy(float))
    bval = p("biomass_value_cny_t")
    annual_cost = p("annual_cost_cny_ha") + p("extra_cost_cny_ha_yr")
    estab = p("establishment_cost_cny_ha")
    # amendments: applications at years 1, 1+d, 1+2d …
    eff = parameter_for_rows(tables, oid, "effect_duration_yr")
    app_year = np.where(np.isnan(eff)[:, None], False,
                        ((years[None, :] - 1) % np.where(np.isnan(eff), 1, eff)[:, None]) == 0)
    rate = p("rate_t_ha")
    if biochar_rate_t_ha is not None:
        rate = np.where(rate > 0, biochar_rate_t_ha, rate)
    app_cost = rate * p("biochar_price_cny_t") + p("lime_t_ha") * p("lime_price_cny_t") + p("application_cost_cny_ha")

    cost = np.zeros((n, H))
    rev = np.zeros((n, H))
    cost += np.where(grows_food, cost_food, 0.0)[:, None]
    rev += np.where(grows_food, rev_food, 0.0)[:, None]
    cost += np.where(during, annual_cost[:, None], 0.0)
    cost[:, 0] += estab
    cost += np.where(app_year, app_cost[:, None], 0.0)
    bio_cf = np.where(during, (B * bval)[:, None], 0.0)
    rev += np.where(bio_cf > 0, bio_cf, 0.0)
    cost += np.where(bio_cf < 0, -bio_cf, 0.0)
    after = stops[:, None] & ~during
    rev += np.where(after, rev_after[:, None], 0.0)
    cost += np.where(after, cost_after[:, None], 0.0)
    ct = align_rows(carbon_totals, option_rows)
    gain = np.nan_to_num(ct["net_co2e_vs_baseline_t_ha_yr"].to_numpy(float))
    carbon_rev = np.maximum(gain, 0.0) * float(carbon_price_cny_t)
    rev_total = rev + carbon_rev[:, None]

    df = discount_factors(discount_rate, H)
    pv_cost = (cost * df).sum(axis=1)
    pv_rev = (rev_total * df).sum(axis=1)
    pv_carbon = carbon_rev * df.sum()
    cf = rev_total - cost
    value = (cf * df).sum(axis=1)
    is_base = (oid == "do_nothing").to_numpy()
    base_idx = pd.Series(np.arange(n)[is_base], index=option_rows.loc[is_base, "plot_id"].to_numpy(object))
    bi = option_rows["plot_id"].map(base_idx).to_numpy(float)
    has_base = ~np.isnan(bi)
    bi_int = np.where(has_base, bi, 0).astype(int)
    incr = cf - cf[bi_int]
    npv_vs = np.where(has_base, value - value[bi_int], np.nan)
    payback = np.where(has_base & ~is_base, payback_year(incr, discount_rate), np.nan)
    removed = dur["removed_g_ha"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_g = np.where(removed > 0, pv_cost / removed, np.nan)

    out = option_rows[["plot_id", "option_id"]].copy()
    area = pl["area_ha"].to_numpy(float)
    cols = {
        "cost_cny_ha": pv_cost, "revenue_cny_ha": pv_rev, "carbon_revenue_cny_ha": pv_carbon,
        "npv_cny_ha": value, "npv_vs_baseline_cny_ha": npv_vs, "npv_cny": value * area,
        "payback_yr": payback, "cost_per_g_removed_cny_g": per_g,
    }
    for k, v in cols.items():
        out[k] = np.where(active, v, np.nan)
    return out
