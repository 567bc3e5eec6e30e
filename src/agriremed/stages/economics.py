"""Cash flows, NPV, payback, cost per gram of metal removed, and comparisons.

Every applicable plot × option gets a yearly cash flow over the horizon (years
1…H, discounted at the scenario rate, end-of-year convention), itemised:

* ``crop_revenue`` / ``crop_cost`` — in every year the schedule grows a food crop
  (:func:`agriremed.stages.duration.compliance_by_year`): yield × price × [P(crop meets the
  food limit) + (1 − P) × v] and the production cost, where v is what grain over the
  food limit is worth under the scenario's ``noncompliant_grain`` rule, for a crop of the groups
  of its ``crop_groups`` cell (a crop of any other group — vegetables, fruit, tea — has no feed or
  industrial outlet: v = 0, the ``destroyed`` row, :func:`noncompliant_outlets`) (on strict-control
  land, a specific-product prohibition zone, the crop that doing nothing keeps growing is
  valued with P = 0, and where the rule set forbids it, China's ``cn_strict_no_food``, as not
  sellable at all where the scenario's ``strict_baseline_crop`` is ``not_sold``: the
  ``destroyed`` row; by default, ``noncompliant_grain``, as grain over the limit; on a plot of
  double-cropped rice, ``rice_seasons_per_yr`` = 2, each year of rice counts the revenue and
  production cost of its two seasons, :mod:`agriremed.stages.seasons`)
  (``noncompliant_grain.csv``: ``discount_sale`` — sold for feed or industry at a
  discount, the default; ``state_purchase`` — 收储 at the normal price; ``destroyed``);
* ``establishment`` (year 1), ``management`` (yearly, incl. extra costs of a safe
  crop — once per rice season of the row, ``rice_seasons.csv`` — and the organic fertiliser of a package, ``organic_fertiliser_t_ha_yr`` ×
  ``organic_fertiliser_price_cny_t``), ``harvest`` (per tonne of harvested biomass) and ``amendment`` (material and
  spreading at every application: year 1, then lime and other conditioners
  (``amendment_t_ha`` × ``amendment_price_cny_t``) at their ``reapply_interval_yr``
  and biochar only at the scenario's ``biochar_reapply_interval_yr``) — while the option
  runs; a phytoextraction option stops at its target and the current crop returns;
* ``transport`` — road haul of biomass sold at a delivered price (options whose biomass
  has a positive value per tonne): harvested biomass × the plot's one-way haul distance
  (``transport_km`` of the plot, a region row of ``transport_distances.csv``, the
  scenario value or the ``transport_km`` factor, as in the carbon ledger) × the freight
  rate ``freight_cost_cny_tkm`` (0.5 CNY t⁻¹ km⁻¹, an assumption: set the local rate);
  metal-rich biomass (negative value: a treatment cost; its harvest cost per tonne already
  includes haulage) is not charged;
* ``biomass_sale`` or ``biomass_disposal`` — biomass × its value per tonne (a negative
  value is the treatment cost of metal-rich biomass); with ``biomass_valuation =
  "electricity"`` the biomass of a CHP option is valued as exported electricity at the
  feed-in tariff instead (``energy_sale``, gross: conversion costs are not deducted);
  ``product_sale`` — a product other than the biomass (e.g. sunflower seed);
* ``carbon_credit`` — scenario carbon price × the *credited* CO2e gain over doing
  nothing (``credited_co2e_vs_baseline_t_ha_yr`` of the carbon ledger: the terms its
  credit method may sell — by default not the avoided emissions of electricity, heat
  or fuel that are sold, so they are never paid twice, nor the paddy CH4 avoided by
  taking the field out of rice, which no methodology read credits), when positive;
* a PV plant (option ``pv_grass``): its capital cost in year 1 (``establishment``), operation
  while it runs (``management``) and the electricity sold at the province's benchmark price
  (``energy_sale``); when the array's ``lifetime_yr`` L outlasts the horizon H, the
  undepreciated share of the capital cost, capex × (L − H) ÷ L (straight line), is its residual
  value, credited in year H with the ``energy_sale`` item (it stands for what the array still
  earns after the horizon).

Who pays: the items above are the *combined* account (everyone together; ``npv_cny_ha``).
Transfers move money between three accounts and cancel in the combined account. The
programme pays the farmer the price support of non-compliant grain (farmer price − value, e.g.
收储 at the normal price of grain worth v) and the subsidies and compensation of
``subsidies.csv`` (per-area payments such as the 长株潭 fallow compensation, or a share of an
option's material and operation costs). A PV plant is built and run by a developer who pays the
landholder a land lease (``land_lease_cny_mu_yr`` of ``pv_parameters.csv``, per mu of fenced
land and year while the plant runs) — where a developer would finance it: the developer's NPV
of the plant (its capital, operation, electricity sales and residual value minus the lease, at
the scenario's discount rate; ``pv_developer_npv_cny_ha``, against doing nothing, which has no
developer) is ≥ 0. Then the transfer ``pv_lease`` hands the farmer the lease and the developer
everything else, so on a PV row the farmer's account is the lease (plus any subsidy) and the
developer's (``npv_developer_cny_ha``) that NPV; the programme pays nothing for it unless
``subsidies.csv`` has a row for it. A plant whose developer's NPV is below 0 is not viable for a
developer: no lease is paid (``pv_lease`` 0, ``pv_lease_cny_ha_yr`` blank), the developer's
account is 0 and the landholder's account carries the plant (its loss shows in the farmer's
and the programme's views). The decision is taken on the deterministic economics (no
Monte Carlo draws enter the NPVs); a sensitivity run that changes the price or the discount
rate takes it again for each of its plans. ``npv_farmer_cny_ha`` = combined + all transfers,
``npv_programme_cny_ha`` = − (grain support + subsidies) and ``npv_developer_cny_ha`` =
− ``pv_lease``, so farmer + programme + developer = combined NPV on every row; each is also given
against doing nothing. ``npv_farmer_own_vs_baseline_cny_ha`` is the farmer's NPV against doing nothing
without the carbon credits and the subsidies and compensation (the harvest, its price support and the
option's costs: what the land itself earns the farmer). ``programme_cost_cny_ha`` is what the programme pays for an option beyond
what it pays under doing nothing when it also keeps the farmer no worse off than doing nothing
(− programme NPV against doing nothing + max(0, − farmer's NPV against doing nothing); the
programme cost of :func:`budget_curve`); the developer's money is never part of it.
The ranking reads one of three views (scenario ``economics_view``): ``combined`` (NPV
against doing nothing), ``farmer`` (farmer's NPV against doing nothing) or ``programme``
(minus ``programme_cost_cny_ha``).

Options whose saleable biomass has no confirmed yield are not assessed (NaN): their
main revenue is unknown. Comparisons follow Phyto-DSS: each option against doing
nothing (``npv_vs_baseline_cny_ha``) and against the best alternative for the same
plot (``npv_vs_best_cny_ha``, ``best_alternative``). Prices and costs are table values
(CNY); those marked ``agriremed_assumption`` are placeholders to be replaced with local
figures through scenario overrides (the report lists them).

Currency: every computation is in CNY, the currency of the price tables, and the
``*_cny*`` columns always hold CNY. A plan whose scenario chooses another currency also
reports each money column in that currency (:func:`add_currency_columns`: the CNY amount
divided by the rate in CNY per unit, :func:`exchange_rate`), under the same name with
the currency code in place of ``cny``. Converting at the output, instead of renaming
the money columns to a generic unit, keeps every existing column, threshold
(``traffic_lights.csv``) and price override meaning exactly what it meant, and the
currency and rate used are recorded in ``run.json``.

References
----------
.. [1] Robinson B. et al. (2003) Plant and Soil 249:117–125 (Phyto-DSS economics
   versus inaction and the best alternative).
.. [2] NDRC (2024) minimum grain purchase prices; NDRC (2010) biomass power tariff.
.. [3] European Central Bank euro foreign exchange reference rates of 28 June 2024
   (default exchange rates; cross rates computed through the euro).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.core.i18n import region_in
from agriremed.stages.biomass import establishment_fractions
from agriremed.stages.carbon import application_interval, row_transport_km
from agriremed.models.finance import discount_factors, npv
from agriremed.models.economics import (block_items, block_transfers, over_limit_fractions, pv_developer_npv,
                                        versus_best, payback_year, typical_year, later_years, lost_legal_income,
                                        yearly_equivalent)
from agriremed.core.messages import Message, render, render_encode, render_encode_filled
from agriremed.stages.options import library_parameter, lime_applications_t_ha, lime_dose_t_ha
from agriremed.stages.seasons import plot_rice_seasons, row_rice_seasons, season_factor
from agriremed.stages.solar import pv_parameter, pv_year_shape
from agriremed.core.names import ha_per_mu
from agriremed.stages.softreuse import gb36600_checks, risk_control_cost_cny_ha
from agriremed.core.tables import Tables, load_tables, split_keys
from agriremed.core import columns as C
from agriremed.stages.duration import YearlySchedule, compliance_by_year

__all__ = ["discount_factors", "npv", "payback_year", "typical_year", "yearly_cash_flows", "evaluate_economics",
           "CASH_FLOW_ITEMS", "TRANSFER_ITEMS", "BIOMASS_VALUATIONS", "ECONOMICS_VIEWS", "VIEW_COLUMNS",
           "budget_curve", "exchange_rate", "add_currency_columns", "money_text", "noncompliant_fractions",
           "subsidy_inputs", "STRICT_BASELINE_CROP", "noncompliant_outlets", "NO_OUTLET_RULE", "crop_value_gaps",
           "kept_crop_income", "COMPARISON_COLUMNS", "legal_net_income", "subsidy_ids", "subsidy_line",
           "COMPENSATION_COLUMNS", "compensation_columns",
           "ASSUMPTION_SOURCE", "assumed_subsidy_ids", "compensated_alternatives"]

#: Cash-flow items (sign: revenue positive, cost negative) and the cost group of each.
CASH_FLOW_ITEMS = {
    "crop_revenue": "revenue_crop", "crop_cost": "cost_crop", "establishment": "cost_establishment",
    "management": "cost_management", "harvest": "cost_harvest", "transport": "cost_transport",
    "amendment": "cost_amendment", "risk_control": "cost_establishment",
    "biomass_disposal": "cost_disposal", "biomass_sale": "revenue_biomass", "product_sale": "revenue_biomass",
    "energy_sale": "revenue_biomass", "carbon_credit": "revenue_carbon",
}

#: Transfers from the programme to the farmer (positive for the farmer); they cancel in the
#: combined account: price support of non-compliant grain, subsidies/compensation, and on a PV
#: plant the developer's account (the farmer keeps the land lease, the developer the rest).
TRANSFER_ITEMS = ("grain_support", "subsidy", "pv_lease")

#: How harvested biomass is valued: sold per tonne, or as exported electricity.
BIOMASS_VALUATIONS = ("sale", "electricity")

#: Whose money the ranking's economics criterion counts: the column it reads and its sign
#: (the criterion is "higher is better"; the programme view counts minus its cost).
VIEW_COLUMNS = {"combined": ("npv_vs_baseline_cny_ha", 1.0), "farmer": ("npv_farmer_vs_baseline_cny_ha", 1.0),
                "programme": ("programme_cost_cny_ha", -1.0)}
ECONOMICS_VIEWS = tuple(VIEW_COLUMNS)


#: How doing nothing's edible crop is valued on strict-control land where the rule set forbids it:
#: not sold at all (the ``destroyed`` row of ``noncompliant_grain.csv``), or as grain over the food
#: limit under the scenario's ``noncompliant_grain`` rule.
STRICT_BASELINE_CROP = ("not_sold", "noncompliant_grain")


def noncompliant_fractions(rule: str = "discount_sale", tables: Tables | None = None,
                           price_fraction: float | None = None) -> tuple[float, float]:
    """Share of the normal price the farmer is paid for grain over the food limit, and what it is worth.

    Parameters
    ----------
    rule : str
        Row of ``noncompliant_grain.csv``: ``discount_sale`` (default: sold for feed or
        industry at a discount), ``state_purchase`` (收储: the farmer is paid the normal
        price, the reserve sells the grain at the discount value) or ``destroyed``.
    tables : Tables, optional
        Literature tables.
    price_fraction : float, optional
        A share set by the user [–]; replaces both (farmer paid = value = this share).

    Returns
    -------
    farmer_frac : float
        Price paid to the farmer as a share of the normal price [–].
    value_frac : float
        Value of the grain as a share of the normal price [–] (typical value of the table).

    Raises
    ------
    ValueError
        If ``rule`` is not a row of the table.

    Examples
    --------
    >>> noncompliant_fractions("discount_sale")
    (0.6, 0.6)
    >>> noncompliant_fractions("state_purchase")
    (1.0, 0.6)
    >>> noncompliant_fractions("destroyed")
    (0.0, 0.0)
    >>> noncompliant_fractions("state_purchase", price_fraction=0.25)
    (0.25, 0.25)
    """
    if price_fraction is not None:
        return float(price_fraction), float(price_fraction)
    t = (tables or load_tables()).noncompliant_grain
    row = t.loc[t["rule"] == rule]
    if row.empty:
        raise ValueError(f"non-compliant grain rule {rule!r} is not in noncompliant_grain.csv; expected one of "
                         + ", ".join(t["rule"].astype(str)))
    value = float(row["value_typical"].iloc[0])
    farmer = float(row["farmer_price_frac"].iloc[0])
    return (value if np.isnan(farmer) else farmer), value


#: The row of ``noncompliant_grain.csv`` that values produce over the food limit of a crop whose group the
#: scenario's rule does not list (``crop_groups``): not sold.
NO_OUTLET_RULE = "destroyed"


def noncompliant_outlets(crops, rule: str = "discount_sale", tables: Tables | None = None,
                         price_fraction: float | None = None) -> np.ndarray:
    """Whether the produce over the food limit of each crop of ``crops`` has the outlet of ``rule``.

    The ``crop_groups`` column of ``noncompliant_grain.csv`` lists the ``crops.csv`` groups
    (``crop_group``) whose produce over the limit the rule's outlet takes (a blank cell: every
    crop): grain sold for feed or industry, or bought by the state reserve. A crop of another
    group (vegetables, fruit, tea, a crop not in the library) has no such outlet: its produce over
    the limit is valued with the :data:`NO_OUTLET_RULE` row (not sold). A non-food crop of
    ``crops.csv`` (``food`` false: cotton, tobacco, mulberry) keeps the rule's value as before. A share
    set by the user (``price_fraction``) replaces the rule for every crop.

    Examples
    --------
    >>> noncompliant_outlets(["rice", "maize", "pak_choi", "apple", "soybean", "mulberry"]).tolist()
    [True, True, False, False, True, True]
    >>> noncompliant_outlets(["pak_choi"], "destroyed").tolist()
    [True]
    >>> noncompliant_outlets(["pak_choi"], price_fraction=0.3).tolist()
    [True]
    """
    crops = np.asarray(crops, dtype=object)
    if price_fraction is not None:
        return np.ones(len(crops), bool)
    t = (tables or load_tables())
    row = t.noncompliant_grain.loc[t.noncompliant_grain["rule"] == rule]
    if row.empty:
        noncompliant_fractions(rule, t)  # raises the table's error
    cell = str(row["crop_groups"].iloc[0]) if "crop_groups" in row else ""
    groups = {g.strip() for g in cell.split("|") if g.strip()}
    if not groups:
        return np.ones(len(crops), bool)
    c = t.indexed("crops", "crop")
    s = pd.Series(crops, dtype=object)
    # a non-food crop (cotton, tobacco, mulberry) keeps the rule's value, as before: its harvest is no food
    non_food = s.map(c["food"].astype(str).str.lower()).eq("false").to_numpy(bool)
    return s.map(c["crop_group"]).isin(groups).to_numpy(bool) | non_food


def subsidy_inputs(option_rows: pd.DataFrame, plots: pd.DataFrame, soil_plot: pd.DataFrame | None = None,
                   tables: Tables | None = None, grid=None) -> tuple[np.ndarray, np.ndarray]:
    """Subsidies of ``subsidies.csv`` that reach each plot × option row.

    A row of the table applies to a plot × option when the option is one of its
    ``option_ids``, the plot's soil class is one of its ``soil_classes`` (needs
    ``soil_plot``) and the plot's ``region`` lies in one of its ``regions``, compared
    by the English names of their parts (:func:`agriremed.core.i18n.region_in`:
    ``Hunan/Zhuzhou`` covers ``Hunan/Zhuzhou/Lukou``, ``湖南/株洲`` and ``湖南省株洲市``). Payments per mu are converted
    with the ``mu_per_ha`` factor. Several rows add up (a cost share is capped at 1).

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots (``region``).
    soil_plot : pandas.DataFrame, optional
        Plot classes (``plot_id``, ``soil_class``) of :func:`agriremed.stages.soil.plot_classes`;
        without it no subsidy applies.
    tables : Tables, optional
        Literature tables.
    grid : agriremed.core.frames.Grid, optional
        Plot and option position of every row.

    Returns
    -------
    cost_share : numpy.ndarray
        Share of the option's establishment, management and amendment costs paid by the
        programme [–], per row.
    per_area : numpy.ndarray
        Payment per hectare in every year the option runs [CNY ha⁻¹ yr⁻¹], per row.

    References
    ----------
    .. [1] 三湘都市报 (2016-11-22): 长株潭 heavy-metal zone fallow paid 1300 元/亩/yr.
    """
    tables = tables or load_tables()
    n = len(option_rows)
    share, per_area = np.zeros(n), np.zeros(n)
    sub = tables.subsidies
    if soil_plot is None or sub.empty or not n:
        return share, per_area
    g = _frames.grid(option_rows, plots, tables, grid)
    region = _frames.obj(plots["region"]) if "region" in plots else np.full(len(plots), None, dtype=object)
    cls = _frames.take(_frames.obj(soil_plot["soil_class"]), _frames.plot_index(soil_plot, option_rows), None)
    oid = _frames.obj(option_rows["option_id"])
    mu = tables.factor("mu_per_ha")
    # the region of each row is read once per plot
    for r, on in _subsidy_rows(oid, cls, lambda places: g.per_plot(region_in(region, places, tables), False), tables):
        amount = float(r.typical)
        if r.item == "cost_share":
            share = np.where(on, np.minimum(share + amount, 1.0), share)
        elif r.item == "per_area":
            per_area = np.where(on, per_area + amount * (mu if str(r.unit).startswith("CNY/mu") else 1.0),
                                per_area)
        else:
            raise ValueError(f"subsidies.csv row {r.subsidy_id}: item {r.item!r} is not cost_share or per_area")
    return share, per_area


def _subsidy_rows(oid, cls, in_region, tables: Tables):
    """Each row of ``subsidies.csv`` with the rows it reaches: the option ``oid`` is one of its ``option_ids``,
    the soil class ``cls`` one of its ``soil_classes`` and, where it names ``regions``, ``in_region(places)``
    (one bool per row) holds."""
    for r in tables.rows("subsidies"):
        on = np.isin(oid, str(r.option_ids).split("|")) & np.isin(cls, str(r.soil_classes).split("|"))
        places = [p for p in str(r.regions).split("|") if p]
        if places and on.any():
            on &= np.asarray(in_region(places), bool)
        yield r, on


def subsidy_caveats(tables: Tables | None = None) -> dict:
    """Per row of ``subsidies.csv``, ``(year, assumed to continue, includes treatment costs)``: ``period``
    ``assumed_continue`` (the source gives the rate of ``year`` and no end of the programme, so the plan
    assumes it is paid every year of its horizon) and ``includes_treatment`` true (the source's rate also
    pays for the treatment: the farmer's own share is smaller and not given). Columns absent: no caveat.

    Examples
    --------
    >>> subsidy_caveats()["czt_fallow_2016"]
    (2016, True, True)
    """
    sub = (tables or load_tables()).subsidies
    out = {}
    for r in sub.itertuples(index=False):
        year = pd.to_numeric(pd.Series([getattr(r, "year", None)]), errors="coerce").iloc[0]
        year = None if pd.isna(year) else int(year)
        cont = str(getattr(r, "period", "")).strip().lower() == "assumed_continue"
        treat = str(getattr(r, "includes_treatment", "")).strip().lower() == "true"
        out[str(r.subsidy_id)] = (year, cont and year is not None, treat)
    return out


def subsidy_ids(option_ids, soil_classes, regions, tables: Tables | None = None) -> np.ndarray:
    """The rows of ``subsidies.csv`` that reach each option on its plot ('+'-joined ``subsidy_id``; '' none).

    Matched as :func:`subsidy_inputs` matches them (option, soil class, region by the English names of
    its parts), one entry per element of the three arrays.

    Examples
    --------
    >>> subsidy_ids(["fallow", "fallow", "sorghum"], ["strict_control"] * 3,
    ...             ["Hunan/Changsha/Liuyang", "Jiangxi/Yingtan/Guixi", "Hunan/Changsha"]).tolist()
    ['czt_fallow_2016', '', '']
    """
    tables = tables or load_tables()
    oid, cls = _frames.obj(np.asarray(option_ids, dtype=object)), _frames.obj(np.asarray(soil_classes, dtype=object))
    region = _frames.obj(np.asarray(regions, dtype=object))
    out = [[] for _ in range(len(oid))]
    for r, on in _subsidy_rows(oid, cls, lambda places: region_in(region, places, tables), tables):
        for i in np.flatnonzero(on):
            out[i].append(str(r.subsidy_id))
    return np.array(["+".join(x) for x in out], dtype=object)


#: The ``sources.csv`` key of a value the project assumed (a placeholder to replace with local figures).
ASSUMPTION_SOURCE = "agriremed_assumption"


def assumed_subsidy_ids(option_ids, soil_classes, regions, tables: Tables | None = None) -> np.ndarray:
    """The rows of ``subsidies.csv`` that reach each option on its plot (:func:`subsidy_ids`) and whose amount is
    an assumption (``source`` names :data:`ASSUMPTION_SOURCE`: not confirmed to be paid), '+'-joined; '' none.

    Examples
    --------
    >>> assumed_subsidy_ids(["lime_low_cd_rice", "fallow", "lime_low_cd_rice"],
    ...                     ["safe_utilisation", "strict_control", "safe_utilisation"],
    ...                     ["Hunan/Changsha/Liuyang", "Hunan/Zhuzhou/Lukou", "Jiangxi/Yingtan/Guixi"]).tolist()
    ['czt_vip_materials', '', '']
    """
    tables = tables or load_tables()

    def build():
        sub = tables.subsidies
        assumed = {str(k) for k, src in zip(sub["subsidy_id"], sub["source"].fillna(""), strict=True)
                   if ASSUMPTION_SOURCE in split_keys(src)}
        rows = sub.loc[sub["subsidy_id"].astype(str).isin(assumed)]
        return assumed, list({o for cell in rows["option_ids"].astype(str) for o in cell.split("|")})
    assumed, opts = tables.memo("assumed_subsidies", build)  # the assumed rows and the options they name
    oid = _frames.obj(np.asarray(option_ids, dtype=object))
    out = np.full(len(oid), "", dtype=object)
    cand = np.flatnonzero(np.isin(oid, opts))  # only the options an assumed row names are looked up …
    if not len(cand):
        return out
    key = [pd.Series(a, dtype=object).fillna("").to_numpy(object) for a in (
        oid[cand], _frames.obj(np.asarray(soil_classes, dtype=object))[cand],
        _frames.obj(np.asarray(regions, dtype=object))[cand])]
    first, code = _frames.distinct(*key)  # … once per distinct option, class and region
    ids = subsidy_ids(key[0][first], key[1][first], key[2][first], tables)
    kept = np.array(["+".join(k for k in str(v).split("+") if k in assumed) for v in ids], dtype=object)
    out[cand] = kept[code]
    return out


def compensated_alternatives(table: pd.DataFrame, plot_ids, tables: Tables | None = None) -> np.ndarray:
    """Per plot of ``plot_ids``, the options of the plan ``table`` applicable on it but not recommended that a
    ``per_area`` row of ``subsidies.csv`` names (fallow: the 长株潭 compensation), '+'-joined; '' none. Whether the
    row reaches the plot (its class and region) is checked by :func:`compensation_columns`."""
    tables = tables or load_tables()
    sub = tables.subsidies
    paid = {o for ids, item in zip(sub["option_ids"].astype(str), sub["item"].astype(str), strict=True)
            if item == "per_area" for o in ids.split("|")}
    if table is None or not len(table) or not paid:
        return np.full(len(plot_ids), "", dtype=object)
    t = table.loc[table["applicable"].astype(bool).to_numpy() & ~table["recommended"].astype(bool).to_numpy()
                  & table["option_id"].isin(paid).to_numpy(), ["plot_id", "option_id"]]
    joined = t.groupby("plot_id", sort=False)["option_id"].agg("+".join)
    # as objects before the fill: with no such row the mapped plots are float NaN, which a text fill would recast
    return pd.Series(np.asarray(plot_ids, dtype=object)).map(joined).astype(object).fillna("").to_numpy(object)


def _alternative_pay(alternatives, soil_classes, regions, tables: Tables) -> list:
    """Per plot, ``(option, CNY per mu a year, '+'-joined subsidy ids, year)`` of the first option of
    ``alternatives`` ('+'-joined ids) that ``per_area`` rows of ``subsidies.csv`` pay on the plot (typical rates),
    or None."""
    sub = tables.indexed("subsidies", "subsidy_id")
    mu = tables.factor("mu_per_ha")
    caveats = subsidy_caveats(tables)
    out, seen = [], {}
    for alts, cls, region in zip(alternatives, soil_classes, regions, strict=True):
        key = (alts, cls, region)
        if key in seen:  # looked up once per distinct options, class and region
            out.append(seen[key])
            continue
        found = None
        for o in [a for a in str(alts or "").split("+") if a]:
            ids = [k for k in subsidy_ids([o], [cls], [region], tables)[0].split("+")
                   if k and str(sub.at[k, "item"]) == "per_area"]
            if ids:
                rate = sum(float(sub.at[k, "typical"]) * (1.0 if str(sub.at[k, "unit"]).startswith("CNY/mu") else 1 / mu)
                           for k in ids)
                years = [caveats[k][0] for k in ids if caveats.get(k, (None,))[0] is not None]
                found = (o, rate, "+".join(ids), min(years) if years else None)
                break
        seen[key] = found
        out.append(found)
    return out


def legal_net_income(crops, rice_seasons, tables: Tables | None = None) -> dict[str, np.ndarray]:
    """Net income of each crop sold whole as a compliant harvest at its market price.

    The legal income a crop earned before its land was classed strict control: yield
    (``yield_t_ha`` of ``crops.csv``) × price (``crop_price_cny_t`` of ``prices.csv``) minus the
    production cost (``production_cost_cny_ha_yr``), typical values — the tables and the valuation
    of the economics stage, with every harvest meeting the food limit; rice of ``rice_seasons`` > 1
    seasons a year counts each season where ``rice_seasons.csv`` says so
    (:func:`agriremed.stages.seasons.season_factor`).

    Parameters
    ----------
    crops : array_like of str
        Crop codes.
    rice_seasons : array_like of float
        Rice seasons a year of each entry (used for rice only).
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    dict
        ``yield_t_ha`` [t ha⁻¹], ``price_cny_t`` [CNY t⁻¹], ``cost_cny_ha_yr`` [CNY ha⁻¹ yr⁻¹], ``seasons``
        (1 but for rice), ``net_cny_ha_yr`` [CNY ha⁻¹ yr⁻¹] (NaN where the library lacks a value) and
        ``sources`` (the ``source`` cells of the three rows, ';'-joined, each key once).

    Examples
    --------
    >>> r = legal_net_income(["pak_choi", "rice"], [1.0, 2.0])
    >>> r["net_cny_ha_yr"].round(1).tolist(), r["sources"].tolist()
    ([60000.0, 6842.4], ['agriremed_assumption', 'nbs2023_yield;ndrc2024_grain_price;agriremed_assumption'])
    """
    tables = tables or load_tables()
    c = pd.Series(np.asarray(crops, dtype=object), dtype=object)
    y = c.map(tables.indexed("crops", "crop")["yield_t_ha"]).to_numpy(float)
    price = c.map(tables.crop_price_table("crop_price_cny_t")).to_numpy(float)
    cost = c.map(tables.crop_price_table("production_cost_cny_ha_yr")).to_numpy(float)
    seas = np.where(c.to_numpy(object) == "rice", np.asarray(rice_seasons, float), 1.0)
    net = (y * price * season_factor(tables, "crop_revenue", seas)
           - cost * season_factor(tables, "production_cost_cny_ha_yr", seas))
    pr = tables.prices
    src = {item: dict(zip(pr.loc[pr["item"] == item, "crop"], pr.loc[pr["item"] == item, "source"], strict=True))
           for item in ("crop_price_cny_t", "production_cost_cny_ha_yr")}
    ysrc = tables.indexed("crops", "crop")["yield_source"]
    sources = []
    for k in c.to_numpy(object):
        keys = [str(ysrc.get(k, "")), str(src["crop_price_cny_t"].get(k, "")),
                str(src["production_cost_cny_ha_yr"].get(k, ""))]
        sources.append(";".join(dict.fromkeys(x.strip() for x in ";".join(keys).split(";") if x.strip())))
    return {"yield_t_ha": y, "price_cny_t": price, "cost_cny_ha_yr": cost, "seasons": seas,
            "net_cny_ha_yr": net, "sources": np.array(sources, dtype=object)}


#: Per-plot columns of :func:`compensation_columns` (the summary's, with ``compensation_basis`` rendered from
#: ``compensation_basis_msg``).
COMPENSATION_COLUMNS = ("lost_income_cny_mu_yr", "lost_income_plot_cny_yr", "compensation_paid_cny_mu_yr",
                        "compensation_paid_plot_cny_yr", "compensation_gap_cny_mu_yr", "compensation_gap_plot_cny_yr",
                        "compensation_basis", "compensation_basis_msg")


def compensation_columns(crops, option_ids, soil_classes, regions, rice_seasons, area_ha, npv_farmer_cny_ha,
                         subsidy_cny_ha, discount_rate: float, horizon_yr: int,
                         tables: Tables | None = None, alternatives=None) -> dict[str, np.ndarray]:
    """The farmer's legal income lost on strict-control land, the compensation paid and the gap, per plot.

    For plots whose food crop grown before the strict-control classification may no longer be sold (the
    caller passes only those): the crop's legal net income (:func:`legal_net_income`: sold whole as a
    compliant harvest at its market price, minus its production cost) minus the farmer's net income under
    the recommended option without subsidies and compensation (its ``npv_farmer_cny_ha`` minus
    ``subsidy_cny_ha`` as an equal yearly amount over the horizon), the subsidies and compensation of
    ``subsidies.csv`` paid for it (``subsidy_cny_ha`` likewise; the rows that reach it, :func:`subsidy_ids`)
    and the gap (:func:`agriremed.models.economics.lost_legal_income`), per mu and year and × the plot's area.

    Parameters
    ----------
    crops, option_ids, soil_classes, regions : array_like of str
        Per plot: the crop grown before the classification, the recommended option, the soil class and the region.
    rice_seasons, area_ha : array_like of float
        Per plot: rice seasons a year and area [ha].
    npv_farmer_cny_ha, subsidy_cny_ha : array_like of float
        The recommended option's farmer NPV (with subsidies) and present value of its subsidies [CNY ha⁻¹].
    discount_rate, horizon_yr : float, int
        The plan's discount rate [yr⁻¹] and horizon [yr].
    tables : Tables, optional
        Literature tables.
    alternatives : array_like of str, optional
        Per plot, options applicable on it but not recommended (:func:`compensated_alternatives`): the first one
        a ``per_area`` row of ``subsidies.csv`` pays on the plot is named in the basis with its rate
        (``comp.alternative``: paid fallow beside a recommended crop that is not paid).

    Returns
    -------
    dict
        :data:`COMPENSATION_COLUMNS`: the amounts [CNY mu⁻¹ yr⁻¹ and CNY yr⁻¹], ``compensation_basis`` (English) and
        ``compensation_basis_msg`` (the same as encoded messages, codes ``comp.*``). A crop without a yield,
        price or production cost in the library, or an option whose money is not computed, has no lost income
        (NaN) and no gap; the basis says why.

    Examples
    --------
    >>> c = compensation_columns(["rice"], ["fallow"], ["strict_control"], ["Hunan/Changsha/Liuyang"], [1.0],
    ...                          [0.42], [-1500.0 * 11.469921 + 19500.0 * 11.469921], [19500.0 * 11.469921], 0.06, 20)
    >>> [round(float(c[k][0]), 2) for k in ("lost_income_cny_mu_yr", "compensation_paid_cny_mu_yr",
    ...                                      "compensation_gap_cny_mu_yr")]
    [328.08, 1300.0, -971.92]
    """
    tables = tables or load_tables()
    crop = _frames.obj(np.asarray(crops, dtype=object))
    opt = _frames.obj(np.asarray(option_ids, dtype=object))
    n = len(crop)
    legal = legal_net_income(crop, rice_seasons, tables)
    unknown_crop = crop_value_gaps(crop, tables) | np.isnan(legal["net_cny_ha_yr"])  # also a crop not in the library
    farmer, paid_pv = np.asarray(npv_farmer_cny_ha, float), np.asarray(subsidy_cny_ha, float)
    lost, paid, gap = lost_legal_income(np.where(unknown_crop, np.nan, legal["net_cny_ha_yr"]), farmer - paid_pv,
                                        paid_pv, discount_rate, horizon_yr)
    option_yr = legal["net_cny_ha_yr"] - lost  # the option's yearly equivalent [CNY ha⁻¹ yr⁻¹]
    mu = ha_per_mu()
    area = np.asarray(area_ha, float)
    ids = subsidy_ids(opt, soil_classes, regions, tables)
    caveats = subsidy_caveats(tables)
    region = np.array([r if isinstance(r, str) and r.strip() else "" for r in _frames.obj(np.asarray(regions,
                                                                                                    dtype=object))],
                      dtype=object)
    lost_mu, option_mu, paid_mu, gap_mu = lost * mu, option_yr * mu, paid * mu, gap * mu
    # a compensated option (fallow) applicable on the plot beside a recommended one: named with its rate
    alt = (_alternative_pay(_frames.obj(np.asarray(alternatives, dtype=object)), _frames.obj(np.asarray(
        soil_classes, dtype=object)), region, tables) if alternatives is not None else [None] * n)
    alt_key = np.array([repr(a) for a in alt], dtype=object)
    # 0: computed, 1: the crop's income unknown, 2: the option's money unknown
    kind = np.where(unknown_crop, 1, np.where(np.isnan(lost), 2, 0))
    over = np.isfinite(gap_mu) & (gap_mu <= -0.5)  # paid more than lost (a number that prints below 0)

    def build(i, lost_v, option_v, gap_v):  # the basis of row i with its three amounts per mu
        if kind[i] == 1:
            m = Message.of("comp.lost_crop_unknown", crop=crop[i])
        elif kind[i] == 2:
            m = Message.of("comp.lost_option_unknown", option=opt[i])
        else:
            seas = float(legal["seasons"][i])
            income = Message.of("comp.crop_income", crop=crop[i], yield_t_ha=float(legal["yield_t_ha"][i]),
                                price=float(legal["price_cny_t"][i]), cost=float(legal["cost_cny_ha_yr"][i]),
                                seasons=Message.of("comp.seasons", n=seas) if seas > 1 else Message(),
                                legal_mu=float(legal["net_cny_ha_yr"][i] * mu), sources=legal["sources"][i])
            m = Message.of("comp.lost", lost_mu=lost_v, crop_income=income,
                           option_income=Message.of("comp.option_income", option=opt[i]), option_mu=option_v,
                           years=int(horizon_yr), rate=float(discount_rate * 100.0))
        if not ids[i]:
            m = m + Message.of("comp.none", option=opt[i], where=Message.of("comp.in_region", region=region[i])
                               if region[i] else Message())
        elif np.isfinite(paid_mu[i]):
            m = m + Message.of("comp.paid", paid_mu=float(paid_mu[i]), subsidies=ids[i])
            # a rate the source gives for one year without an end of the programme is assumed to continue, and
            # one that includes treatment costs is not all the farmer's: both said, no share invented
            rows = [caveats[k] for k in ids[i].split("+") if k in caveats]
            years = [y for y, cont, _ in rows if cont]
            if years:
                m = m + Message.of("comp.paid_assumed", year=min(years), years=int(horizon_yr))
            if any(tr for _, _, tr in rows):
                m = m + Message.of("comp.paid_treatment")
        if kind[i] == 0:
            m = m + Message.of("comp.gap", gap_mu=gap_v, over=Message.of("comp.gap_over") if over[i] else Message())
        if alt[i] is not None:
            o, rate, sids, year = alt[i]
            m = m + Message.of("comp.alternative", option=o, paid_mu=float(rate), subsidies=sids,
                               year=year if year is not None else "")
        return m

    # rendered once per group of plots that differ only in their three amounts (crop, option, region,
    # subsidies, seasons, amount paid): the amounts are written into the group's text
    text, enc = np.empty(n, dtype=object), np.empty(n, dtype=object)
    first, inv = _frames.distinct(kind, crop, opt, region, ids, np.array([repr(float(x)) for x in legal["seasons"]],
                                                                           dtype=object),
                                  np.array([repr(float(x)) for x in paid_mu], dtype=object), over, alt_key)
    order = np.argsort(inv, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(inv, minlength=len(first)))] if n else np.zeros(1, np.intp)
    for g, i in enumerate(first):
        rows = order[bounds[g]:bounds[g + 1]]
        if kind[i] == 0:
            text[rows], enc[rows] = render_encode_filled(lambda a, b, c, i=i: build(i, a, b, c),
                                                         [lost_mu[rows], option_mu[rows], gap_mu[rows]], "en", tables)
        else:
            t, e = render_encode([build(i, np.nan, np.nan, np.nan)], "en", tables)
            text[rows], enc[rows] = t[0], e[0]
    return {"lost_income_cny_mu_yr": lost_mu, "lost_income_plot_cny_yr": lost * area,
            "compensation_paid_cny_mu_yr": paid_mu, "compensation_paid_plot_cny_yr": paid * area,
            "compensation_gap_cny_mu_yr": gap_mu, "compensation_gap_plot_cny_yr": gap * area,
            "compensation_basis": text, "compensation_basis_msg": enc}


def exchange_rate(currency: str = "CNY", tables: Tables | None = None, rate_cny: float | None = None
                  ) -> tuple[float, str]:
    """CNY per one unit of ``currency``, and where the rate comes from.

    Parameters
    ----------
    currency : str
        ISO code of the reporting currency.
    tables : Tables, optional
        Literature tables (``exchange_rates.csv``).
    rate_cny : float, optional
        A rate set by the user [CNY unit⁻¹]; replaces the table's rate.

    Returns
    -------
    rate : float
        CNY per unit of ``currency`` [CNY unit⁻¹] (1 for CNY).
    basis : str
        ``"scenario"`` for a user rate, else the table's date and source key.

    Raises
    ------
    ValueError
        If the currency has no rate in the table and none is given.

    References
    ----------
    .. [1] ECB euro foreign exchange reference rates of 28 June 2024.

    Examples
    --------
    >>> exchange_rate("GBP")
    (9.1859, '2024-06-28 ecb2024_fxref')
    >>> exchange_rate("GBP", rate_cny=9.0)
    (9.0, 'scenario')
    """
    if currency == "CNY":
        return 1.0, "CNY"
    if rate_cny is not None:
        return float(rate_cny), "scenario"
    t = (tables or load_tables()).exchange_rates
    row = t.loc[t["currency"] == currency]
    if row.empty or np.isnan(float(row["cny_per_unit"].iloc[0])):
        raise ValueError(f"no exchange rate for {currency} in exchange_rates.csv: set the scenario's "
                         f"exchange_rate_cny (CNY per {currency})")
    return float(row["cny_per_unit"].iloc[0]), f"{row['rate_date'].iloc[0]} {row['source'].iloc[0]}".strip()


def add_currency_columns(frame: pd.DataFrame, currency: str, rate_cny: float) -> pd.DataFrame:
    """``frame`` with every CNY money column also given in ``currency``.

    Each registered column whose unit is in CNY (``npv_cny_ha`` [CNY ha⁻¹]) gets a
    sibling in the other currency (``npv_gbp_ha`` [GBP ha⁻¹]) holding the CNY amount ÷
    ``rate_cny``, placed right after it. CNY (or a frame without money columns) is
    returned unchanged.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table with CNY money columns.
    currency : str
        Reporting currency, one of :data:`agriremed.core.columns.CURRENCIES`.
    rate_cny : float
        CNY per unit of ``currency`` [CNY unit⁻¹].

    Returns
    -------
    pandas.DataFrame
        A new frame (the input is not modified).

    Examples
    --------
    >>> f = pd.DataFrame({"npv_cny_ha": [9185.9]})
    >>> add_currency_columns(f, "GBP", 9.1859)["npv_gbp_ha"].round(2).tolist()
    [1000.0]
    """
    if currency == "CNY":
        return frame
    money = [c for c in frame.columns if c in C.COLUMNS and C.COLUMNS[c].unit.split("/")[0] == "CNY"]
    if not money:
        return frame
    cols = {}
    for c in frame.columns:
        cols[c] = frame[c]
        if c in money:
            cols[C.money_column(c, currency)] = frame[c].astype(float) / float(rate_cny)
    return pd.DataFrame(cols, index=frame.index)


def money_text(x_cny: float, currency: str = "CNY", rate_cny: float = 1.0, per: str = "/ha") -> str:
    """A CNY amount written in the reporting currency, with the CNY amount beside it.

    Examples
    --------
    >>> money_text(-9185.9)
    '-9,186 CNY/ha'
    >>> money_text(-9185.9, "GBP", 9.1859)
    '-1,000 GBP/ha (-9,186 CNY/ha)'
    """
    if np.isnan(x_cny) or currency == "CNY":
        return f"{x_cny:+,.0f} CNY{per}"
    return f"{x_cny / rate_cny:+,.0f} {currency}{per} ({x_cny:+,.0f} CNY{per})"


def _schedule_matrices(option_rows, schedule, H, rows):
    """The schedule of the rows ``rows`` as (crop code, crop names, option active, P(comply), row of each).

    The first, third and fourth outputs are rows × years arrays (of more rows than
    ``rows`` when the schedule is a :class:`agriremed.stages.duration.YearlySchedule` aligned
    with ``option_rows``); the last gives the row of these arrays of every entry of
    ``rows``, so that blocks of rows can be taken without copying the whole schedule.
    """
    if isinstance(schedule, YearlySchedule) and schedule.active.shape[0] == len(option_rows):
        return schedule.crop_code, schedule.crops, schedule.active, schedule.p, rows
    s = schedule
    r = _frames.pair_positions((option_rows["plot_id"], option_rows["option_id"]), (s["plot_id"], s["option_id"])) \
        if len(s) else np.zeros(0, np.intp)
    yr = s["year"].to_numpy(int) - 1 if len(s) else np.zeros(0, int)
    ok = (r >= 0) & (yr >= 0) & (yr < H)
    n = len(option_rows)
    crop = np.full((n, H), "none", dtype=object)
    active = np.zeros((n, H), bool)
    p = np.full((n, H), np.nan)
    fc = _frames.obj(s["food_crop"])[ok] if len(s) else np.zeros(0, object)
    crop[r[ok], yr[ok]] = np.where(pd.isna(fc), "none", fc)
    act = s["option_active"].astype(object).to_numpy(object)[ok] if len(s) else np.zeros(0, object)
    active[r[ok], yr[ok]] = np.where(pd.isna(act), False, act).astype(bool)
    p[r[ok], yr[ok]] = s["crop_compliance_prob"].to_numpy(float)[ok] if len(s) else 0.0
    code, vocab = pd.factorize(crop[rows].ravel(), use_na_sentinel=False)
    return code.reshape(len(rows), H), _frames.obj(vocab), active[rows], p[rows], np.arange(len(rows))


#: Rows whose yearly cash flows are built at once (rows × years arrays that stay in cache).
_BLOCK_ROWS = 8192


def _grows_rice(option_rows, plots, tables, g) -> np.ndarray:
    """Rows whose option grows rice: its food crop is rice, or the current crop and the plot's is rice."""
    food = g.per_option(_frames.obj(tables.options["food_crop"]), None)
    crop = _frames.plot_column(plots, "crop", g, "text")
    return (food == "rice") | ((food == "current") & (crop == "rice"))


def _rice_season_codes(code, vocab, srow, active, seas, seas_idle, value, cost, tables):
    """The schedule's crop codes with the rice of several seasons a year coded apart.

    In a year a row grows rice it grows ``seas`` seasons while its option runs and
    ``seas_idle`` (the plot's current practice) otherwise (both per assessed row; they differ
    only for an option ``rice_seasons.csv`` caps, the Sedum–rice rotation). Rice of ``s`` > 1
    seasons gets a vocabulary entry whose value [CNY ha⁻¹ yr⁻¹] (yield × price) and production
    cost are ``s`` times those of one season (where ``rice_seasons.csv`` counts ``crop_revenue``
    and ``production_cost_cny_ha_yr`` once a season). Returns (code, vocab, value, cost); the
    inputs are returned unchanged when no row grows more than one season.
    """
    rice = np.flatnonzero(np.asarray(vocab, dtype=object) == "rice")
    if not len(rice) or not ((seas > 1).any() or (seas_idle > 1).any()):
        return code, vocab, value, cost
    r = int(rice[0])
    many = np.flatnonzero((seas > 1) | (seas_idle > 1))
    at = srow[many]
    n_seas = np.where(active[at], seas[many][:, None], seas_idle[many][:, None])  # rows × years
    block = code[at].astype(np.int64)  # a copy: the schedule's codes are shared
    code = code.astype(np.int64)
    vocab, value, cost = list(vocab), list(value), list(cost)
    for s in np.unique(n_seas[(block == r) & (n_seas > 1)]):
        block[(block == r) & (n_seas == s)] = len(vocab)
        vocab.append("rice")
        value.append(value[r] * season_factor(tables, "crop_revenue", np.array([s]))[0])
        cost.append(cost[r] * season_factor(tables, "production_cost_cny_ha_yr", np.array([s]))[0])
    code[at] = block
    return code, np.array(vocab, dtype=object), np.array(value, float), np.array(cost, float)


def crop_value_gaps(crops, tables: Tables) -> np.ndarray:
    """Whether the library cannot value the income of each crop of ``crops``.

    A crop of ``crops.csv`` other than ``none`` lacking its yield (``yield_t_ha`` [t ha⁻¹]), its
    price (``crop_price_cny_t`` of ``prices.csv`` [CNY t⁻¹]) or its production cost
    (``production_cost_cny_ha_yr`` [CNY ha⁻¹ yr⁻¹]) has an unknown income: it is a data gap,
    never an income of 0. Names not in ``crops.csv`` give False.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> crop_value_gaps(["rice", "konjac", "none", "sorghum"], load_tables()).tolist()
    [False, True, False, False]
    """
    c = pd.Series(np.asarray(crops, dtype=object), dtype=object)
    known = c.isin(tables.crops["crop"]).to_numpy() & (c.to_numpy(object) != "none")
    y = c.map(tables.indexed("crops", "crop")["yield_t_ha"]).to_numpy(float)
    price = c.map(tables.crop_price_table("crop_price_cny_t")).to_numpy(float)
    cost = c.map(tables.crop_price_table("production_cost_cny_ha_yr")).to_numpy(float)
    return known & (np.isnan(y) | np.isnan(price) | np.isnan(cost))


#: Columns of :func:`evaluate_economics` that compare an option with doing nothing on the same plot:
#: given for an option that keeps a crop whose income the library cannot value
#: (:func:`kept_crop_income`) while its own NPV and cash flows are not.
COMPARISON_COLUMNS = ("npv_vs_baseline_cny_ha", "npv_farmer_vs_baseline_cny_ha", "npv_farmer_own_vs_baseline_cny_ha",
                      "npv_programme_vs_baseline_cny_ha",
                      "npv_developer_vs_baseline_cny_ha", "programme_cost_cny_ha", "payback_yr",
                      "cost_year1_vs_baseline_cny_ha")


def kept_crop_income(inp: dict, base) -> np.ndarray:
    """Whether each assessed row keeps a crop of unknown income and earns from it what doing nothing earns.

    True where the plot's baseline row (positions ``base`` among the assessed rows) grows a crop whose
    income the library cannot value (``inp["crop_gap"]``, :func:`crop_value_gaps`) and the row grows
    the same crop as it in every year (same code of the schedule, rice seasons apart), sells the same
    share of it (the same P(crop meets the limit) [–], a NaN probability taken as 1 as the cash flows
    take it, and the same shares of the price for produce over the limit) and so gets the same price
    support for it: the crop's revenue and production cost [CNY ha⁻¹ yr⁻¹], unknown, are then the
    same on both rows and cancel in every comparison. The cash flows value a crop by its ``crops.csv``
    yield alone (no option changes the yield of the crop it keeps), so an option keeping the crop
    changes its income only through its compliance. Only the rows of such plots are compared, so the
    rows × years arrays stay the size of those plots.

    Parameters
    ----------
    inp : dict
        First output of :func:`_item_inputs`.
    base : numpy.ndarray of int
        Position of each assessed row's baseline row among the assessed rows.
    """
    base = np.asarray(base, np.intp)
    out = np.zeros(len(base), bool)
    at = np.flatnonzero(inp["crop_gap"][base]) if len(base) else np.zeros(0, np.intp)
    if not len(at):
        return out
    s, sb = inp["srow"][at], inp["srow"][base[at]]
    code = inp["code"][s]
    comply = np.nan_to_num(inp["p_comply"][s], nan=1.0)
    comply_b = np.nan_to_num(inp["p_comply"][sb], nan=1.0)
    grows = inp["grows_vocab"][code]
    same_crop = (code == inp["code"][sb]).all(axis=1)
    same_sold = (np.where(grows, comply, 0.0) == np.where(grows, comply_b, 0.0)).all(axis=1)
    sold_all = (np.where(grows, comply, 1.0) == 1.0).all(axis=1)  # nothing over the limit: no price share used
    # the shares of the price of the produce over the limit, each year (they depend on the crop's outlet)
    f, v = over_limit_fractions(inp, at, code)
    fb, vb = over_limit_fractions(inp, base[at], inp["code"][sb])
    same_frac = (np.where(grows, (f == fb) & (v == vb), True)).all(axis=1)
    out[at] = same_crop & same_sold & (same_frac | sold_all)
    return out


def _item_inputs(option_rows, plots, schedule, biomass, carbon_totals, tables, H, carbon_price_cny_t,
                 biochar_rate_t_ha, noncompliant_price_fraction, energy, biomass_valuation, grid=None,
                 noncompliant_grain="discount_sale", soil_plot=None, biochar_reapply_interval_yr=None,
                 transport_km=None, discount_rate=0.06, strict_baseline_crop="noncompliant_grain"):
    """Per-row inputs of the yearly cash-flow items (see :func:`block_items`).

    Returns the inputs, the rows they are for (applicable options and the baseline that
    can be assessed, plus every baseline row), and the rows not assessed. ``discount_rate``
    [yr⁻¹] discounts a PV plant's cash flows for the developer's decision to finance it
    (:func:`agriremed.models.economics.pv_developer_npv`).
    """
    if biomass_valuation not in BIOMASS_VALUATIONS:
        raise ValueError(f"biomass_valuation {biomass_valuation!r} is not one of "
                         f"{', '.join(BIOMASS_VALUATIONS)}")
    g = _frames.grid(option_rows, plots, tables, grid)
    B_all = _frames.take(biomass["biomass_t_dm_ha_yr"].to_numpy(float), _frames.row_index(biomass, option_rows))
    bval_all = g.per_option(library_parameter(tables, "biomass_value_cny_t"))
    applicable = option_rows["applicable"].to_numpy(bool)
    unassessed = (bval_all > 0) & np.isnan(B_all) & applicable
    pv_all = None
    if energy is not None and "pv_capex_cny_ha" in energy:  # PV plants (agriremed.stages.solar.plan_pv_energy)
        at_e = _frames.row_index(energy, option_rows)
        pv_all = {k: _frames.take(energy[c].to_numpy(float), at_e) for k, c in (
            ("capex", "pv_capex_cny_ha"), ("opex", "pv_opex_cny_ha_yr"), ("tariff", "pv_tariff_cny_kwh"),
            ("y", "specific_yield_kwh_kwp_yr"), ("mwp", "pv_mwp_ha"))}
        is_pv = ~np.isnan(pv_all["capex"])
        unassessed |= is_pv & np.isnan(pv_all["y"]) & applicable  # no yield: no economics
    baseline = _frames.obj(option_rows["option_kind"]) == "baseline"
    is_base = _frames.obj(option_rows["option_id"]) == "do_nothing"
    rows = np.flatnonzero(((applicable | baseline) & ~unassessed) | is_base)
    opt = g.option[rows]

    def p(name):
        return np.nan_to_num(_frames.take(library_parameter(tables, name), opt))

    code, vocab, active, p_comply, srow = _schedule_matrices(option_rows, schedule, H, rows)
    if soil_plot is not None and len(rows):
        # strict-control land is a specific-product prohibition zone (Soil Pollution Law Art. 54): the
        # food crop that doing nothing keeps growing there is valued as grain over the food limit
        cls = _frames.take(_frames.obj(soil_plot["soil_class"]), _frames.plot_index(soil_plot, option_rows), None)
        banned = rows[is_base[rows] & (cls[rows] == "strict_control")]
        if len(banned):
            p_comply = p_comply.copy()  # the schedule's own matrix is shared
            p_comply[srow[np.searchsorted(rows, banned)]] = 0.0
    else:
        banned = np.zeros(0, np.intp)
    farmer_frac, value_frac = noncompliant_fractions(noncompliant_grain, tables, noncompliant_price_fraction)
    if strict_baseline_crop not in STRICT_BASELINE_CROP:
        raise ValueError(f"strict_baseline_crop {strict_baseline_crop!r} is not one of "
                         f"{', '.join(STRICT_BASELINE_CROP)}")
    farmer_frac = np.full(len(rows), farmer_frac)
    value_frac = np.full(len(rows), value_frac)
    if strict_baseline_crop == "not_sold" and len(banned) and "policy_status" in option_rows:
        # where the rule set forbids the edible crop doing nothing keeps growing (China: cn_strict_no_food), the
        # whole harvest may not be sold: valued as the ``destroyed`` row of noncompliant_grain.csv
        forbidden = banned[_frames.obj(option_rows["policy_status"])[banned] == "forbidden"]
        at = np.searchsorted(rows, forbidden)
        farmer_frac[at], value_frac[at] = noncompliant_fractions("destroyed", tables)
    no_farmer, no_value = noncompliant_fractions(NO_OUTLET_RULE, tables)
    share, per_area = subsidy_inputs(option_rows, plots, soil_plot, tables, g)
    crops = tables.indexed("crops", "crop")
    v = pd.Series(vocab, dtype=object)
    y = v.map(crops["yield_t_ha"]).to_numpy(float)
    price = v.map(tables.crop_price_table("crop_price_cny_t")).to_numpy(float)
    pcost = v.map(tables.crop_price_table("production_cost_cny_ha_yr")).to_numpy(float)
    seas = row_rice_seasons(option_rows, plots, tables, g)[rows]  # rice seasons a year of each row
    seas_idle = g.per_plot(plot_rice_seasons(plots), 1.0)[rows]    # … of the current practice
    # a row growing, in any year, a crop whose income the library cannot value is not assessed (its
    # income is not taken as 0); the baseline row stays computed, its plot's comparisons are dropped but
    # for the options that keep its crop as it is (kept_crop_income)
    crop_gap = crop_value_gaps(vocab, tables)[code[srow]].any(axis=1) if H else np.zeros(len(rows), bool)
    unassessed = unassessed.copy()
    unassessed[rows[crop_gap]] = True
    code, vocab, value, pcost = _rice_season_codes(code, vocab, srow, active, seas, seas_idle,
                                                   np.nan_to_num(y * price), np.nan_to_num(pcost), tables)
    B = B_all[rows]
    bval = np.nan_to_num(bval_all[rows])
    # perennials grow a share of their mature yield in their establishment years (yield_establishment.csv)
    at = _frames.row_index(biomass, option_rows)
    species = (_frames.take(_frames.obj(biomass["biomass_species"]), at, None) if "biomass_species" in biomass
               else np.full(len(option_rows), None, dtype=object))
    ramp = establishment_fractions(tables, species[rows], H)
    km = row_transport_km(plots, g, tables, transport_km)[rows]  # one-way haul of each row [km]
    km = np.where(np.isnan(km), tables.factor("transport_km"), km)
    rate = p("rate_t_ha")
    eff = application_interval(_frames.take(library_parameter(tables, "effect_duration_yr"), opt),
                               _frames.take(library_parameter(tables, "reapply_interval_yr"), opt), rate > 0,
                               biochar_reapply_interval_yr)
    if biochar_rate_t_ha is not None:
        rate = np.where(rate > 0, biochar_rate_t_ha, rate)
    # lime of the first application and of each re-application: the plot's own dose to the option's target
    # pH (lime_dose_t_ha), not the evidence's full rate; an option dosed by lime requirement limes the plot's
    # own requirement first, then from the re-liming pH back to its target (lime_applications_t_ha)
    lime_ids = _frames.obj(option_rows["option_id"])[rows]
    lime_ph = _frames.plot_column(plots, "ph", g)[rows]
    # the plan's one GB 36600 check of every row (each plot once per land class): the clean-cover cost here,
    # the summary's check of the recommended re-use from it (gb36600_verdict, gb36600_check_msg)
    checks = gb36600_checks(plots, _frames.obj(option_rows["option_id"]), g.plot, tables)
    lime_first, lime_later = lime_applications_t_ha(tables, lime_ids, lime_ph, lime_dose_t_ha(tables, lime_ids, lime_ph))
    inp = {
        "H": H, "code": code, "active": active, "p_comply": p_comply, "srow": srow,
        "grows_vocab": vocab != "none", "crop_value": value, "crop_cost": pcost,
        "farmer_frac": farmer_frac, "value_frac": value_frac,
        # produce over the limit of a crop without the rule's outlet (vegetables, fruit …) is not sold
        "outlet": noncompliant_outlets(vocab, noncompliant_grain, tables, noncompliant_price_fraction),
        "no_outlet_frac": (no_farmer, no_value),
        "establishment": p("establishment_cost_cny_ha"),
        # the extra cost of an option that grows rice (seed premium, water management, sprays) is
        # spent each rice season (rice_seasons.csv); the yearly running cost once a year
        "management": p("annual_cost_cny_ha")
        + p("extra_cost_cny_ha_yr") * season_factor(tables, "extra_cost_cny_ha_yr",
                                                     np.where(_grows_rice(option_rows, plots, tables, g)[rows],
                                                              seas, 1.0))
        + p("organic_fertiliser_t_ha_yr") * p("organic_fertiliser_price_cny_t"),
        "harvest": np.nan_to_num(B) * p("harvest_cost_cny_t"),
        "transport": np.where(bval > 0, np.nan_to_num(B) * km * tables.factor("freight_cost_cny_tkm"), 0.0),
        "eff": eff,
        "app_cost": rate * p("biochar_price_cny_t") + lime_later * p("lime_price_cny_t")
        + p("amendment_t_ha") * p("amendment_price_cny_t") + p("application_cost_cny_ha"),
        "app_cost_first": rate * p("biochar_price_cny_t") + lime_first * p("lime_price_cny_t")
        + p("amendment_t_ha") * p("amendment_price_cny_t") + p("application_cost_cny_ha"),
        "bio": np.nan_to_num(B) * bval,
        "mwh": None,
        "product": p("product_t_ha_yr") * p("product_price_cny_t"),
        # GB 36600 risk control (a clean-soil cover) where people use land above an intervention value: year 1,
        # on the landholder's account
        "risk_control": risk_control_cost_cny_ha(plots, None, tables=tables,
                                                 verdict=checks["exposure_verdict"][rows]),
        "gb36600": checks,
        "ramp": ramp,
        "crop_gap": crop_gap,
    }
    if biomass_valuation == "electricity" and energy is not None and "electricity_mwh_ha_yr" in energy:
        mwh = _frames.take(energy["electricity_mwh_ha_yr"].to_numpy(float), _frames.row_index(energy, option_rows))
        inp["mwh"] = np.nan_to_num(mwh[rows])
        inp["elec"] = inp["mwh"] * tables.price("electricity_price_cny_mwh")
    inp["pv"] = None
    if pv_all is not None and np.isfinite(pv_all["capex"][rows]).any():
        pv = {k: np.nan_to_num(v[rows]) for k, v in pv_all.items()}
        life = pv_parameter(tables, "lifetime_yr")
        inp["pv"] = {"capex": pv["capex"], "opex": pv["opex"],
                     # first-year electricity [kWh ha⁻¹] × tariff: revenue of year 1 [CNY ha⁻¹]
                     "rev1": pv["y"] * pv["mwp"] * 1000.0 * pv["tariff"],
                     "shape": pv_year_shape(H, pv_parameter(tables, "degradation_pct_yr"), life),
                     "running": (np.arange(1, H + 1) <= life).astype(float),
                     # an array that outlasts the horizon keeps the undepreciated share of its capital
                     # cost (straight line over the lifetime), credited in year H [CNY ha⁻¹]
                     "residual": pv["capex"] * max(0.0, life - H) / life,
                     # land lease the developer pays the landholder for the fenced land while the plant
                     # runs: CNY mu⁻¹ yr⁻¹ ÷ ha mu⁻¹, × the share of the plot inside the fence [CNY ha⁻¹ yr⁻¹]
                     "lease": np.where(pv["capex"] > 0, pv_parameter(tables, "land_lease_cny_mu_yr") / ha_per_mu()
                                       * pv["mwp"] * pv_parameter(tables, "land_ha_per_mwp"), 0.0),
                     # the scenario's discount factors of years 1…H, for the developer's NPV
                     "df": discount_factors(discount_rate, H)}
    credited = "credited_co2e_vs_baseline_t_ha_yr" if "credited_co2e_vs_baseline_t_ha_yr" in carbon_totals \
        else "net_co2e_vs_baseline_t_ha_yr"
    gain = _frames.take(carbon_totals[credited].to_numpy(float),
                        _frames.row_index(carbon_totals, option_rows))
    inp["credit"] = np.maximum(np.nan_to_num(gain[rows]), 0.0) * float(carbon_price_cny_t)
    inp["cost_share"], inp["per_area"] = share[rows], per_area[rows]
    return inp, rows, unassessed


def _items(option_rows, plots, schedule, biomass, carbon_totals, tables, H, carbon_price_cny_t,
           biochar_rate_t_ha, noncompliant_price_fraction, energy, biomass_valuation, grid=None,
           noncompliant_grain="discount_sale", soil_plot=None, transfers=False, biochar_reapply_interval_yr=None,
           transport_km=None, discount_rate=0.06, strict_baseline_crop="noncompliant_grain"):
    """Yearly cash-flow items [CNY ha⁻¹], each rows × years for the rows that are assessed.

    Returns the items, the rows they are for (applicable options and the baseline that
    can be assessed, plus every baseline row), and the rows not assessed.
    """
    inp, rows, unassessed = _item_inputs(option_rows, plots, schedule, biomass, carbon_totals, tables, H,
                                         carbon_price_cny_t, biochar_rate_t_ha, noncompliant_price_fraction,
                                         energy, biomass_valuation, grid, noncompliant_grain, soil_plot,
                                         biochar_reapply_interval_yr, transport_km, discount_rate,
                                         strict_baseline_crop)
    items = block_items(inp, slice(None))
    if transfers:
        items = {**items, **block_transfers(inp, slice(None), items)}
    return items, rows, unassessed


def yearly_cash_flows(option_rows: pd.DataFrame, plots: pd.DataFrame, schedule: pd.DataFrame,
                      biomass: pd.DataFrame, carbon_totals: pd.DataFrame, tables: Tables | None = None,
                      horizon_yr: int = 20, carbon_price_cny_t: float = 0.0,
                      biochar_rate_t_ha: float | None = None, noncompliant_price_fraction: float | None = None,
                      energy: pd.DataFrame | None = None, biomass_valuation: str = "sale",
                      noncompliant_grain: str = "discount_sale", soil_plot: pd.DataFrame | None = None,
                      transfers: bool = False, biochar_reapply_interval_yr: float | None = None,
                      transport_km: float | None = None, discount_rate: float = 0.06,
                      strict_baseline_crop: str = "noncompliant_grain") -> pd.DataFrame:
    """Itemised yearly cash flows of every applicable plot × option (undiscounted).

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots.
    schedule : pandas.DataFrame
        First output of :func:`agriremed.stages.duration.compliance_by_year` (crop grown,
        option running and P(crop meets the limit) per year).
    biomass : pandas.DataFrame
        Output of :func:`agriremed.stages.biomass.harvested_biomass` [t ha⁻¹ yr⁻¹].
    carbon_totals : pandas.DataFrame
        Totals of :func:`agriremed.stages.carbon.carbon_ledger`
        (``net_co2e_vs_baseline_t_ha_yr`` [t CO2e ha⁻¹ yr⁻¹]).
    tables : Tables, optional
        Literature tables.
    horizon_yr : int
        Horizon H [yr].
    carbon_price_cny_t : float
        Carbon price [CNY t⁻¹ CO2e].
    biochar_rate_t_ha : float, optional
        Biochar rate overriding the table's typical value [t ha⁻¹].
    noncompliant_price_fraction : float, optional
        Share of the normal price paid for a crop that fails the food limit [–]; replaces
        the ``noncompliant_grain`` rule (farmer paid = value = this share).
    energy : pandas.DataFrame, optional
        Output of :func:`agriremed.stages.energy.energy_outputs` (``electricity_mwh_ha_yr``
        [MWh ha⁻¹ yr⁻¹]), used when ``biomass_valuation = "electricity"``.
    biomass_valuation : {"sale", "electricity"}
        Value harvested biomass at its price per tonne, or as exported electricity.
    noncompliant_grain : str
        What happens to grain over the food limit (:func:`noncompliant_fractions`).
    soil_plot : pandas.DataFrame, optional
        Plot classes, for the subsidies of :func:`subsidy_inputs`.
    transfers : bool
        Also list the transfers between the accounts (items :data:`TRANSFER_ITEMS`; they are
        not part of the combined account).
    biochar_reapply_interval_yr : float, optional
        Re-apply (and pay for) the biochar every so many years [yr]; default: once, in
        year 1 (lime follows its ``reapply_interval_yr``).
    transport_km : float, optional
        Scenario one-way haul distance [km] for plots without their own ``transport_km``
        or a row of ``transport_distances.csv`` (default: the ``transport_km`` factor);
        the ``transport`` item charges it at ``freight_cost_cny_tkm``.
    discount_rate : float
        Real discount rate [yr⁻¹] of the developer's decision to finance a PV plant (with
        ``transfers``: a plant whose developer's NPV is below 0 has no ``pv_lease``); the
        scenario's, as in :func:`evaluate_economics`.
    strict_baseline_crop : {"not_sold", "noncompliant_grain"}
        How doing nothing's edible crop is valued on strict-control land where the rule set
        forbids it (``policy_status`` ``forbidden``, China: ``cn_strict_no_food``): ``not_sold``
        (the whole harvest may not be sold, the ``destroyed`` row of ``noncompliant_grain.csv``)
        or ``noncompliant_grain`` (default: as any crop over the food limit, under the
        ``noncompliant_grain`` rule). ``not_sold`` is not the default because the economics
        utility (``traffic_lights.csv``, combined view: 0 at −150 000, 1 at +50 000 CNY/ha against
        doing nothing; farmer view ±78 482) then saturates for every risk-control option that earns
        anything, so the economics criterion no longer tells them apart.

    Returns
    -------
    pandas.DataFrame
        Tidy: ``plot_id``, ``option_id``, ``year`` (1…H), ``item`` (one of
        :data:`CASH_FLOW_ITEMS`) and ``cash_flow_cny_ha_yr`` [CNY ha⁻¹ yr⁻¹, revenue
        positive]; only applicable options (and the baseline) that could be assessed.
    """
    tables = tables or load_tables()
    H = int(horizon_yr)
    items, rows, unassessed = _items(option_rows, plots, schedule, biomass, carbon_totals, tables, H,
                                     carbon_price_cny_t, biochar_rate_t_ha, noncompliant_price_fraction, energy,
                                     biomass_valuation, noncompliant_grain=noncompliant_grain, soil_plot=soil_plot,
                                     transfers=transfers, biochar_reapply_interval_yr=biochar_reapply_interval_yr,
                                     transport_km=transport_km, discount_rate=discount_rate,
                                     strict_baseline_crop=strict_baseline_crop)
    keep = (option_rows["applicable"].to_numpy(bool) | option_rows["option_kind"].eq("baseline").to_numpy()) \
        & ~unassessed
    sub = np.flatnonzero(keep[rows])
    idx = rows[sub]
    parts = [_frames.frame({
        "plot_id": np.repeat(_frames.obj(option_rows["plot_id"])[idx], H),
        "option_id": np.repeat(_frames.obj(option_rows["option_id"])[idx], H),
        "year": np.tile(np.arange(1, H + 1), len(idx)), "item": name,
        "cash_flow_cny_ha_yr": v[sub].ravel()}, len(idx) * H) for name, v in items.items()]
    return pd.concat(parts, ignore_index=True)


def evaluate_economics(option_rows: pd.DataFrame, plots: pd.DataFrame, duration: pd.DataFrame,
                       compliance: pd.DataFrame, biomass: pd.DataFrame, carbon_totals: pd.DataFrame,
                       tables: Tables | None = None, horizon_yr: int = 20, discount_rate: float = 0.06,
                       carbon_price_cny_t: float = 0.0, biochar_rate_t_ha: float | None = None,
                       noncompliant_price_fraction: float | None = None, schedule: pd.DataFrame | None = None,
                       energy: pd.DataFrame | None = None, biomass_valuation: str = "sale", *,
                       grid=None, noncompliant_grain: str = "discount_sale",
                       soil_plot: pd.DataFrame | None = None,
                       biochar_reapply_interval_yr: float | None = None,
                       transport_km: float | None = None, strict_baseline_crop: str = "noncompliant_grain") -> pd.DataFrame:
    """Discounted costs, revenues and NPV of every plot × option, beside doing nothing and the best alternative.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots (``crop``, ``area_ha`` [ha]).
    duration : pandas.DataFrame
        Overall duration table (``years_to_target`` [yr], ``removed_g_ha`` [g ha⁻¹]).
    compliance : pandas.DataFrame
        Output of :func:`agriremed.stages.duration.crop_compliance_outcome`.
    biomass : pandas.DataFrame
        Output of :func:`agriremed.stages.biomass.harvested_biomass`.
    carbon_totals : pandas.DataFrame
        Totals of :func:`agriremed.stages.carbon.carbon_ledger`.
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
    noncompliant_price_fraction : float, optional
        Share of the normal price paid for a crop that fails the food limit [–]
        (0 = it cannot be sold at all); replaces the ``noncompliant_grain`` rule.
    schedule : pandas.DataFrame, optional
        First output of :func:`agriremed.stages.duration.compliance_by_year`; default: built
        from ``compliance`` and ``duration`` (the crop that returns after a target is
        then taken to meet the limit).
    energy : pandas.DataFrame, optional
        Output of :func:`agriremed.stages.energy.energy_outputs`, for
        ``biomass_valuation = "electricity"``.
    biomass_valuation : {"sale", "electricity"}
        See :func:`yearly_cash_flows`.
    grid : agriremed.core.frames.Grid, optional
        Plot and option position of every row (computed from the ids when not given).
    noncompliant_grain : str
        What happens to grain over the food limit (row of ``noncompliant_grain.csv``,
        :func:`noncompliant_fractions`); default ``discount_sale``.
    soil_plot : pandas.DataFrame, optional
        Plot classes (``plot_id``, ``soil_class``), for the subsidies of
        :func:`subsidy_inputs` (none without it).
    biochar_reapply_interval_yr : float, optional
        See :func:`yearly_cash_flows`.
    transport_km : float, optional
        See :func:`yearly_cash_flows`.
    strict_baseline_crop : {"not_sold", "noncompliant_grain"}
        See :func:`yearly_cash_flows`.

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``cost_cny_ha``, ``revenue_cny_ha``,
        ``carbon_revenue_cny_ha``, the present value of each cost and revenue group
        (``cost_crop_cny_ha``, ``cost_establishment_cny_ha``, ``cost_management_cny_ha``,
        ``cost_harvest_cny_ha``, ``cost_transport_cny_ha``, ``cost_amendment_cny_ha``, ``cost_disposal_cny_ha``,
        ``revenue_crop_cny_ha``, ``revenue_biomass_cny_ha``), ``npv_cny_ha``,
        ``npv_vs_baseline_cny_ha``, ``npv_vs_best_cny_ha`` (NPV minus that of the best
        other option of the plot), ``best_alternative``, ``npv_cny`` [CNY, whole plot],
        ``payback_yr`` [yr] and ``cost_per_g_removed_cny_g`` (remediation costs only)
        [CNY g⁻¹], the present value of the transfers to the farmer
        (``grain_support_cny_ha``: price support of non-compliant grain;
        ``subsidy_cny_ha``: subsidies and compensation), ``npv_farmer_cny_ha`` (combined
        NPV + transfers), ``npv_programme_cny_ha`` (− grain support − subsidies),
        ``npv_developer_cny_ha`` (the developer of a PV plant it finances: − ``pv_lease``; 0 on
        other rows), each against doing nothing (``npv_farmer_vs_baseline_cny_ha``,
        ``npv_programme_vs_baseline_cny_ha``, ``npv_developer_vs_baseline_cny_ha``), the farmer's NPV
        against doing nothing without the carbon credits and without the subsidies and compensation
        (``npv_farmer_own_vs_baseline_cny_ha``: what the land itself earns the farmer, harvest and price
        support of non-compliant grain included; the ranking's test of a measure that dominates unchanged
        practice, :func:`agriremed.stages.ranking.rank_options`), the land
        lease a PV row's developer pays the landholder ``pv_lease_cny_ha_yr`` [CNY ha⁻¹ yr⁻¹,
        undiscounted, every year the plant runs; NaN on other rows and on a plant no developer
        finances], the NPV a developer would make on a PV plant ``pv_developer_npv_cny_ha``
        [CNY ha⁻¹; financed where ≥ 0; NaN on other rows]
        and ``programme_cost_cny_ha`` (programme's cost beyond doing nothing with the
        farmer kept whole) [CNY ha⁻¹]; ``cost_year1_cny_ha``, the undiscounted cost
        items of year 1 (crop production, establishment, management, harvest, transport, amendment,
        disposal) [CNY ha⁻¹] and that of doing nothing subtracted ``cost_year1_vs_baseline_cny_ha``
        [CNY ha⁻¹], and ``revenue_mean_cny_ha_yr``, the undiscounted revenue items
        (crop, biomass, product, energy, carbon credit; no transfers) averaged over the
        H years [CNY ha⁻¹ yr⁻¹]; the net cash flow of year 1 ``cash_flow_year1_cny_ha``
        [CNY ha⁻¹] and of a typical year ``cash_flow_typical_cny_ha_yr`` [CNY ha⁻¹ yr⁻¹]
        with its year ``typical_year`` [yr] (:func:`typical_year`; undiscounted, combined
        account), the lowest, highest and mean net cash flow of years 2…H
        ``cash_flow_later_low_cny_ha_yr``, ``cash_flow_later_high_cny_ha_yr``,
        ``cash_flow_later_mean_cny_ha_yr`` [CNY ha⁻¹ yr⁻¹] (:func:`later_years`); NaN for options that do not apply or cannot be assessed.
        ``over_limit_outlet``: on the row of doing nothing, whether the produce over the food limit of the
        crop it keeps growing has the outlet of the ``noncompliant_grain`` rule (:func:`noncompliant_outlets`)
        in its cash flows (the plan's sentence says how that crop is valued from it); None on other rows.
        On a plot whose crop's income the library cannot value (:func:`crop_value_gaps`) every row
        growing that crop is NaN, and so are the comparisons with doing nothing, except the
        :data:`COMPARISON_COLUMNS` of the rows that keep the crop as it is (:func:`kept_crop_income`:
        the unknown income cancels, so the comparison is the option's own costs and revenues).

    Examples
    --------
    >>> import agriremed
    >>> p = agriremed.plan("data/samples/plots.csv", agriremed.Scenario(mc_draws=0))  # doctest: +SKIP
    >>> p.economics[["plot_id", "option_id", "npv_vs_baseline_cny_ha"]].head()       # doctest: +SKIP
    """
    tables = tables or load_tables()
    H = int(horizon_yr)
    if schedule is None:
        schedule, _ = compliance_by_year(option_rows, plots, compliance, duration, tables=tables,
                                         horizon_yr=H, grid=grid, matrices=True)
    inp, rows, unassessed = _item_inputs(option_rows, plots, schedule, biomass, carbon_totals, tables, H,
                                         carbon_price_cny_t, biochar_rate_t_ha, noncompliant_price_fraction,
                                         energy, biomass_valuation, grid, noncompliant_grain, soil_plot,
                                         biochar_reapply_interval_yr, transport_km, discount_rate,
                                         strict_baseline_crop)
    n, k = len(option_rows), len(rows)
    g = _frames.grid(option_rows, plots, tables, grid)
    oid = _frames.obj(option_rows["option_id"])
    baseline = _frames.obj(option_rows["option_kind"]) == "baseline"
    active = (option_rows["applicable"].to_numpy(bool) | baseline) & ~unassessed
    df = discount_factors(discount_rate, H)
    is_base = oid == "do_nothing"
    at = np.full(n, -1, dtype=np.intp)     # row → position among the computed rows
    at[rows] = np.arange(k)
    bi = _frames.member_row(_frames.plot_codes(option_rows, g), is_base)
    has_base = (bi >= 0)[rows]
    bi_r = np.where(has_base, at[np.maximum(bi, 0)][rows], 0)
    # cash flows of the baseline rows first: every row's incremental flow needs its plot's
    base = np.unique(bi_r) if k else np.zeros(0, np.intp)
    cf_base = sum(block_items(inp, base).values()) if len(base) else np.zeros((0, H))
    base_at = np.zeros(k, dtype=np.intp)
    base_at[base] = np.arange(len(base))
    pv = {key: np.empty(k) for key in CASH_FLOW_ITEMS}
    pv_cost, pv_rev, value, payback = (np.empty(k) for _ in range(4))
    cost_y1, rev_mean = np.empty(k), np.empty(k)
    net_y1, net_typ, typ_year = np.empty(k), np.empty(k), np.empty(k)
    net_low, net_high, net_mean = np.empty(k), np.empty(k), np.empty(k)
    pv_t = {key: np.empty(k) for key in TRANSFER_ITEMS}
    plant_npv = np.full(k, np.nan)  # the developer's NPV of a PV plant, financed or not
    # items are built, discounted and summed in blocks of rows (rows × years arrays stay small)
    for lo in range(0, k, _BLOCK_ROWS):
        blk = slice(lo, min(lo + _BLOCK_ROWS, k))
        items = block_items(inp, blk)
        cf = sum(items.values())
        for key, v in items.items():
            pv[key][blk] = (v * df).sum(axis=1)
        plant_npv[blk] = pv_developer_npv(inp, blk, items)
        for key, v in block_transfers(inp, blk, items, plant_npv[blk]).items():
            pv_t[key][blk] = (v * df).sum(axis=1)
        pv_cost[blk] = -sum(np.minimum(v, 0.0) * df for v in items.values()).sum(axis=1)
        pv_rev[blk] = sum(np.maximum(v, 0.0) * df for v in items.values()).sum(axis=1)
        cost_y1[blk] = -sum(np.minimum(v[:, 0], 0.0) for v in items.values()) + 0.0
        rev_mean[blk] = sum(np.maximum(v, 0.0) for v in items.values()).mean(axis=1) if H else 0.0
        net_y1[blk], net_typ[blk], typ_year[blk] = typical_year(cf)
        net_low[blk], net_high[blk], net_mean[blk] = later_years(cf)
        value[blk] = (cf * df).sum(axis=1)
        payback[blk] = payback_year(cf - cf_base[base_at[bi_r[blk]]], discount_rate)
    groups = {}
    for item, group in CASH_FLOW_ITEMS.items():
        groups[group] = groups.get(group, 0.0) + pv[item]
    npv_vs = np.where(has_base, value - value[bi_r], np.nan)
    # three accounts: the programme pays grain support and subsidies, the developer of a PV
    # plant it finances (developer's NPV ≥ 0) carries it and pays the lease; a plant no developer
    # finances stays on the landholder's account; farmer + programme + developer = combined
    pv_in = inp.get("pv")
    financed = plant_npv >= 0
    lease_yr = (np.where((pv_in["capex"] > 0) & financed, pv_in["lease"], np.nan) if pv_in is not None
                else np.full(k, np.nan))
    programme = -(pv_t["grain_support"] + pv_t["subsidy"])
    developer = -pv_t["pv_lease"]
    farmer = value - programme - developer
    farmer_vs = np.where(has_base, farmer - farmer[bi_r], np.nan)
    # the farmer's account from the land itself: without the carbon credits and the subsidies and
    # compensation (what the ranking asks of a measure that dominates unchanged practice)
    own = farmer - pv["carbon_credit"] - pv_t["subsidy"]
    own_vs = np.where(has_base, own - own[bi_r], np.nan)
    programme_vs = np.where(has_base, programme - programme[bi_r], np.nan)
    developer_vs = np.where(has_base, developer - developer[bi_r], np.nan)
    # what the programme pays for the option beyond doing nothing, with the farmer kept whole
    programme_cost = -programme_vs + np.maximum(0.0, -farmer_vs) + 0.0  # + 0.0: no -0.0 on the baseline
    payback = np.where(has_base & ~is_base[rows], payback, np.nan)
    cost_y1_vs = np.where(has_base, cost_y1 - cost_y1[bi_r], np.nan) + 0.0
    # doing nothing grows a crop the library cannot value: only an option that keeps that crop as it is
    # (same crop each year, same share sold) is compared with it, on its own costs and revenues (the
    # unknown income cancels); a crop switch or a change of the crop's compliance is not
    kept = has_base & kept_crop_income(inp, bi_r)
    base_gap = has_base & inp["crop_gap"][bi_r] & ~kept
    npv_vs, farmer_vs, own_vs, programme_vs, developer_vs, programme_cost, payback, cost_y1_vs = (
        np.where(base_gap, np.nan, x)
        for x in (npv_vs, farmer_vs, own_vs, programme_vs, developer_vs, programme_cost, payback, cost_y1_vs))
    removed = _frames.take(duration["removed_g_ha"].to_numpy(float), _frames.row_index(duration, option_rows))[rows]
    remediation = -(pv["establishment"] + pv["management"] + pv["harvest"] + pv["amendment"]
                    + pv["biomass_disposal"])
    with np.errstate(divide="ignore", invalid="ignore"):
        per_g = np.where(removed > 0, remediation / removed, np.nan)
    value_all = np.full(n, np.nan)
    value_all[rows] = value
    vs_best, best_alt = versus_best(_frames.plot_codes(option_rows, g), oid,
                                    np.where(active, value_all, np.nan))
    area = _frames.plot_column(plots, "area_ha", g)[rows]
    cols = {
        "cost_cny_ha": pv_cost, "revenue_cny_ha": pv_rev, "carbon_revenue_cny_ha": pv["carbon_credit"],
        "cost_crop_cny_ha": -groups["cost_crop"], "cost_establishment_cny_ha": -groups["cost_establishment"],
        "cost_management_cny_ha": -groups["cost_management"], "cost_harvest_cny_ha": -groups["cost_harvest"],
        "cost_transport_cny_ha": -groups["cost_transport"],
        "cost_amendment_cny_ha": -groups["cost_amendment"], "cost_disposal_cny_ha": -groups["cost_disposal"],
        "revenue_crop_cny_ha": groups["revenue_crop"], "revenue_biomass_cny_ha": groups["revenue_biomass"],
        "npv_cny_ha": value, "npv_vs_baseline_cny_ha": npv_vs, "npv_vs_best_cny_ha": vs_best[rows],
        "npv_cny": value * area, "payback_yr": payback, "cost_per_g_removed_cny_g": per_g,
        "grain_support_cny_ha": pv_t["grain_support"], "subsidy_cny_ha": pv_t["subsidy"],
        "npv_farmer_cny_ha": farmer, "npv_programme_cny_ha": programme,
        "npv_farmer_vs_baseline_cny_ha": farmer_vs, "npv_programme_vs_baseline_cny_ha": programme_vs,
        "npv_farmer_own_vs_baseline_cny_ha": own_vs,
        "npv_developer_cny_ha": developer, "npv_developer_vs_baseline_cny_ha": developer_vs,
        "pv_lease_cny_ha_yr": lease_yr, "pv_developer_npv_cny_ha": plant_npv,
        "programme_cost_cny_ha": programme_cost,
        "risk_control_cost_cny_ha": inp["risk_control"],
        "cost_year1_cny_ha": cost_y1, "cost_year1_vs_baseline_cny_ha": cost_y1_vs, "revenue_mean_cny_ha_yr": rev_mean,
        "cash_flow_year1_cny_ha": net_y1, "cash_flow_typical_cny_ha_yr": net_typ, "typical_year": typ_year,
        "cash_flow_later_low_cny_ha_yr": net_low, "cash_flow_later_high_cny_ha_yr": net_high,
        "cash_flow_later_mean_cny_ha_yr": net_mean,
    }
    out = {"plot_id": _frames.obj(option_rows["plot_id"]), "option_id": oid}
    act = active[rows]
    # an option keeping a crop of unknown income: its comparisons with doing nothing, not its own money
    compared = act | (kept & inp["crop_gap"] & (option_rows["applicable"].to_numpy(bool) | baseline)[rows])
    for k, v in cols.items():
        o = np.full(n, np.nan)
        o[rows] = np.where(compared if k in COMPARISON_COLUMNS else act, v, np.nan)
        out[k] = o
    out["best_alternative"] = np.where(active, best_alt, None)
    out["over_limit_outlet"] = _baseline_outlets(inp, rows, is_base, n)
    # the GB 36600 check of every row (softreuse.gb36600_checks), for the summary's check of the recommended re-use
    out["gb36600_verdict"] = inp["gb36600"]["exposure_verdict"]
    out["gb36600_check_msg"] = inp["gb36600"]["exposure_reason_msg"]
    return _frames.frame(out, n)


def _baseline_outlets(inp: dict, rows: np.ndarray, is_base: np.ndarray, n: int) -> np.ndarray:
    """On each row of doing nothing, whether the produce over the food limit of the crop it keeps growing
    (the crop of its first year) has the outlet of the scenario's rule, as its cash flows value it
    (``inp["outlet"]``, :func:`noncompliant_outlets`); None on the other rows (of ``n``)."""
    out = np.full(n, None, dtype=object)
    at = np.flatnonzero(is_base[rows])
    if len(at) and inp["H"]:
        out[rows[at]] = np.asarray(inp["outlet"], bool)[inp["code"][inp["srow"][at], 0]]
    return out


def budget_curve(summary: pd.DataFrame) -> pd.DataFrame:
    """Contaminated area treated as a function of programme budget (a cost curve).

    Plots whose soil exceeds a screening value (class ``safe_utilisation`` or
    ``strict_control``) and whose recommended option is not "do nothing" are funded in
    order of their programme cost per hectare, cheapest first: the present value the
    programme pays so that the farmer is no worse off than doing nothing,
    ``max(0, programme_cost_cny_ha)`` (subsidies and grain price support included), or
    ``max(0, −npv_vs_baseline_cny_ha)`` for a summary without that column. Options that
    earn more than doing nothing cost the programme nothing and come first.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per plot: ``plot_id``, ``soil_class``, ``recommended_option``, ``area_ha`` [ha],
        ``npv_vs_baseline_cny_ha`` [CNY ha⁻¹] (``Plan.summary`` or a streamed summary).

    Returns
    -------
    pandas.DataFrame
        The funded plots in order with ``programme_cost_cny_ha`` [CNY ha⁻¹],
        ``programme_cost_cny`` [CNY], ``cumulative_area_ha`` [ha] and
        ``cumulative_budget_cny`` [CNY].

    Examples
    --------
    >>> s = pd.DataFrame({"plot_id": ["a", "b", "c"], "soil_class": ["strict_control", "safe_utilisation",
    ...                   "priority_protection"], "recommended_option": ["fallow", "willow_src", "do_nothing"],
    ...                   "area_ha": [2.0, 1.0, 5.0], "npv_vs_baseline_cny_ha": [-3000.0, 500.0, 0.0]})
    >>> budget_curve(s)[["plot_id", "cumulative_area_ha", "cumulative_budget_cny"]].to_numpy().tolist()
    [['b', 1.0, 0.0], ['a', 3.0, 6000.0]]
    """
    cls = summary["soil_class"].to_numpy(object)
    opt = summary["recommended_option"].to_numpy(object)
    treat = np.isin(cls, ["safe_utilisation", "strict_control"]) & pd.notna(opt) & (opt != "do_nothing")
    area = summary["area_ha"].to_numpy(float)[treat]
    if "programme_cost_cny_ha" in summary:  # plans that count subsidies and grain price support
        per_ha = np.maximum(0.0, np.nan_to_num(summary["programme_cost_cny_ha"].to_numpy(float)[treat], nan=0.0))
    else:
        npv = summary["npv_vs_baseline_cny_ha"].to_numpy(float)[treat]
        per_ha = np.maximum(0.0, -np.nan_to_num(npv, nan=0.0))
    order = np.argsort(per_ha, kind="stable")
    cost = (per_ha * area)[order]
    return pd.DataFrame({
        "plot_id": summary["plot_id"].to_numpy(object)[treat][order],
        "recommended_option": opt[treat][order],
        "area_ha": area[order],
        "programme_cost_cny_ha": per_ha[order],
        "programme_cost_cny": cost,
        "cumulative_area_ha": np.cumsum(area[order]),
        "cumulative_budget_cny": np.cumsum(cost),
    })


def subsidy_line(result, plot_id: str, lang: str = "en") -> str:
    """The plot sheet's line of the subsidies of the recommended option of ``plot_id`` (``subsidies.csv`` rows that
    reach it, :func:`subsidy_ids`): what the sentence's farmer figure counts and the
    cash flows leave out, as the equal yearly amount of its present value ``subsidy_cny_ha`` over the horizon, per mu
    and for the plot (``comp.sheet_subsidy``), with ``comp.sheet_subsidy_assumed`` where a row's amount is a project
    assumption. "" where the option gets none, or the plot's compensation lines state what is paid."""
    t, sc, tables = result.table, result.scenario, result.tables
    s = result.summary.loc[result.summary["plot_id"] == plot_id]
    if s.empty or "subsidy_cny_ha" not in t:
        return ""
    r = s.iloc[0]
    basis = r.get("compensation_basis_msg")
    if isinstance(basis, str) and basis:  # strict-control land: the compensation lines say what is paid
        return ""
    rec = t.loc[(t["plot_id"] == plot_id) & t["recommended"].astype(bool)]
    if rec.empty:
        return ""
    pv = float(rec["subsidy_cny_ha"].iloc[0])
    if not math.isfinite(pv) or abs(pv) < 0.5:
        return ""
    where = ([rec["option_id"].iloc[0]], [r.get("soil_class")], [r.get("region")])
    ids, assumed = subsidy_ids(*where, tables)[0], assumed_subsidy_ids(*where, tables)[0]
    if not ids:
        return ""
    yearly = float(yearly_equivalent(np.array([pv]), sc.discount_rate, sc.horizon_yr)[0])
    m = Message.of("comp.sheet_subsidy", subsidies=ids, per_mu=yearly * ha_per_mu(),
                            plot=yearly * float(r["area_ha"]), years=int(sc.horizon_yr))
    if assumed:
        m = m + Message.of("comp.sheet_subsidy_assumed", subsidies=assumed)
    return render(m, lang, tables)
