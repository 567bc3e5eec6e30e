"""Economics kernels: yearly cash-flow items, transfers, payback, typical year, best alternative.

Family ``economics`` of the pure models: arrays in, arrays out, money in CNY ha⁻¹ (per
year for the rows × years items). The yearly items of a block of plot × option rows
from their prepared per-row and per-crop inputs (crop revenue and cost, establishment,
management, harvest, transport, amendment, biomass, energy, product and carbon credit;
a PV plant's capital, operation and electricity), the transfers between programme and
farmer, the payback year, the typical year of a cash-flow series and the comparison
with the best other option of the same plot. Discounting lives in
:mod:`agriremed.models.finance`. No tables, no text: the stage module
:mod:`agriremed.stages.economics` looks prices, costs, subsidies and schedules up in the tables
and the plan, prepares the inputs and calls these kernels (the items are described in
its module docstring).

References
----------
.. [1] Robinson B. et al. (2003) Plant and Soil 249:117–125 (Phyto-DSS economics
   versus inaction and the best alternative).
.. [2] Brealey, R. A., Myers, S. C. & Allen, F. (2020) Principles of Corporate Finance,
   13th ed., Ch. 2 (present value of end-of-year cash flows; payback).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.models.finance import discount_factors

__all__ = ["payback_year", "typical_year", "later_years", "yearly_equivalent", "lost_legal_income"]


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


def typical_year(cash_flows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Net cash flow of year 1 and of a typical year after it, read from the yearly series.

    The typical year is an actual year of the series: the first of years 2…H whose net
    cash flow is the lower median of those years' flows. It is the steady state of an
    option whose costs fall in year 1 (establishment) or whose yield ramps up over its
    first years, and the usual year of one re-applied every few years (a re-application
    year is typical only when it is the most common kind of year).

    Parameters
    ----------
    cash_flows : array_like
        Undiscounted net cash flows, rows × H years [CNY ha⁻¹ yr⁻¹].

    Returns
    -------
    year1 : numpy.ndarray
        Net cash flow of year 1 [CNY ha⁻¹].
    typical : numpy.ndarray
        Net cash flow of the typical year [CNY ha⁻¹ yr⁻¹] (NaN when H < 2).
    year : numpy.ndarray
        The typical year, 2…H [yr] (NaN when H < 2).

    >>> y1, typ, yr = typical_year([[-900.0, 50.0, 300.0, 300.0, 300.0]])
    >>> float(y1[0]), float(typ[0]), float(yr[0])
    (-900.0, 300.0, 3.0)
    """
    cf = np.atleast_2d(np.asarray(cash_flows, float))
    n, H = cf.shape
    year1 = cf[:, 0].copy() if H else np.full(n, np.nan)
    if H < 2:
        return year1, np.full(n, np.nan), np.full(n, np.nan)
    later = cf[:, 1:]
    typical = np.sort(later, axis=1)[:, (H - 2) // 2]
    year = np.argmax(later == typical[:, None], axis=1) + 2.0
    return year1 + 0.0, typical + 0.0, year


def later_years(cash_flows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lowest, highest and mean net cash flow of years 2…H, read from the yearly series.

    An option re-applied every few years (lime every 2 years) has two kinds of later year;
    one typical year (:func:`typical_year`) shows only one of them.

    Parameters
    ----------
    cash_flows : array_like
        Undiscounted net cash flows, rows × H years [CNY ha⁻¹ yr⁻¹].

    Returns
    -------
    low, high, mean : numpy.ndarray
        Lowest, highest and mean net cash flow of years 2…H [CNY ha⁻¹ yr⁻¹] (NaN when H < 2).

    >>> low, high, mean = later_years([[-900.0, 2143.0, -907.0, 2143.0, -907.0]])
    >>> float(low[0]), float(high[0]), float(mean[0])
    (-907.0, 2143.0, 618.0)
    """
    cf = np.atleast_2d(np.asarray(cash_flows, float))
    n, H = cf.shape
    if H < 2:
        return (np.full(n, np.nan),) * 3
    later = cf[:, 1:]
    return later.min(axis=1) + 0.0, later.max(axis=1) + 0.0, later.mean(axis=1) + 0.0


def yearly_equivalent(present_value, rate: float, horizon_yr: int) -> np.ndarray:
    """The equal yearly amount over years 1…H whose present value is ``present_value``.

    ``present_value`` [CNY ha⁻¹] ÷ the sum of the end-of-year discount factors of years 1…H
    (the annuity factor; ``H`` at a rate of 0): the yearly amount an NPV stands for, with year-1
    costs spread over the horizon [CNY ha⁻¹ yr⁻¹].

    >>> round(float(yearly_equivalent(-14_813.0, 0.06, 20)), 1)
    -1291.5
    >>> float(yearly_equivalent(300.0, 0.0, 3))
    100.0
    """
    a = float(discount_factors(rate, int(horizon_yr)).sum())
    return np.asarray(present_value, float) / a if a > 0 else np.full(np.shape(present_value), np.nan)


def lost_legal_income(legal_net, option_npv, paid_pv, rate: float, horizon_yr: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The farmer's legal net income lost, the compensation paid and the gap between them, per year.

    Parameters
    ----------
    legal_net : array_like
        Net income of the crop grown before the land was classed strict control, sold whole as a
        compliant harvest at its market price minus its production cost [CNY ha⁻¹ yr⁻¹].
    option_npv : array_like
        The farmer's NPV of the recommended option without subsidies and compensation [CNY ha⁻¹].
    paid_pv : array_like
        Present value of the subsidies and compensation the programme pays for it [CNY ha⁻¹].
    rate, horizon_yr : float, int
        Discount rate [yr⁻¹] and horizon [yr] of the NPVs.

    Returns
    -------
    lost, paid, gap : numpy.ndarray
        ``legal_net`` minus the option's yearly equivalent (:func:`yearly_equivalent`), the yearly
        equivalent of ``paid_pv``, and ``lost − paid`` (positive: a shortfall the farmer bears;
        negative: paid more than lost) [CNY ha⁻¹ yr⁻¹].

    Examples
    --------
    >>> lost, paid, gap = lost_legal_income([60_000.0], [-1_500.0 * 11.469921], [0.0], 0.06, 20)
    >>> round(float(lost[0])), float(paid[0]), round(float(gap[0]))
    (61500, 0.0, 61500)
    """
    option = yearly_equivalent(option_npv, rate, horizon_yr)
    paid = yearly_equivalent(paid_pv, rate, horizon_yr)
    lost = np.asarray(legal_net, float) - option
    return lost + 0.0, paid + 0.0, lost - paid + 0.0


def _per_row(v, sel):
    """A value of the assessed rows (a scalar, or one per row) for the entries ``sel``, as a column."""
    return np.asarray(v, float)[sel][:, None] if np.ndim(v) else v


def over_limit_fractions(inp: dict, sel, code) -> tuple:
    """Shares of the price the farmer is paid and the produce is worth, for the crop over the food limit.

    Rows × years (``code``: the schedule's crop codes of the entries ``sel`` of the assessed rows):
    the row's shares (``inp["farmer_frac"]``, ``inp["value_frac"]``: the scenario's rule, or not sold
    where the rule set forbids the crop) where the crop has the rule's outlet (``inp["outlet"]``, one
    per crop code), else the shares of produce that is not sold (``inp["no_outlet_frac"]``).
    Without ``inp["outlet"]`` every crop has the outlet.
    """
    farmer, value = _per_row(inp["farmer_frac"], sel), _per_row(inp["value_frac"], sel)
    has = _has_outlet(inp, code)
    if has is None:
        return farmer, value
    nf, nv = inp["no_outlet_frac"]
    return np.where(has, farmer, nf), np.where(has, value, nv)


def _has_outlet(inp: dict, code) -> np.ndarray | None:
    """Whether each crop code of ``code`` has the rule's outlet for produce over the food limit
    (``inp["outlet"]``, one per crop code); None without ``inp["outlet"]`` (every crop has it)."""
    outlet = inp.get("outlet")
    return None if outlet is None else np.asarray(outlet, bool)[code]


def block_items(inp: dict, sel) -> dict:
    """Yearly cash-flow items [CNY ha⁻¹] of the entries ``sel`` of the assessed rows, each rows × years.

    Parameters
    ----------
    inp : dict
        First output of :func:`_item_inputs`.
    sel : slice or numpy.ndarray of int
        Positions among the assessed rows.
    """
    H = inp["H"]
    years = np.arange(1, H + 1)
    srow = inp["srow"][sel]
    code, active, p_comply = inp["code"][srow], inp["active"][srow], inp["p_comply"][srow]
    comply = np.nan_to_num(p_comply, nan=1.0)
    sold = comply + (1.0 - comply) * over_limit_fractions(inp, sel, code)[1]
    grows = inp["grows_vocab"][code]
    # a crop none of whose harvest may be sold and whose produce over the limit has no outlet under the rule
    # (vegetables, fruit, tea on strict-control land: noncompliant_grain.csv crop_groups): the farmer is taken
    # to stop growing it, so its production cost is not paid either (grain keeps the rule's valuation)
    has = _has_outlet(inp, code)
    unsellable = (comply <= 0.0) & (False if has is None else ~has)
    items = {
        "crop_revenue": np.where(grows, inp["crop_value"][code] * sold, 0.0),
        "crop_cost": -np.where(grows & ~unsellable, inp["crop_cost"][code], 0.0),
    }
    est = np.zeros((len(srow), H))
    est[:, 0] = inp["establishment"][sel]
    items["establishment"] = -np.where(active, est, 0.0)
    items["management"] = -np.where(active, inp["management"][sel][:, None], 0.0)
    ramp = inp["ramp"][sel]
    items["harvest"] = -np.where(active, inp["harvest"][sel][:, None] * ramp, 0.0)
    items["transport"] = -np.where(active, inp["transport"][sel][:, None] * ramp, 0.0)
    eff = inp["eff"][sel]
    app_year = np.where(np.isnan(eff)[:, None], False,
                        ((years[None, :] - 1) % np.where(np.isnan(eff), 1, eff)[:, None]) == 0)
    # the first application (year 1) may differ from the later ones (a lime requirement from the plot's pH)
    cost = np.broadcast_to(inp["app_cost"][sel][:, None], (len(srow), H)).copy()
    if "app_cost_first" in inp:
        cost[:, 0] = inp["app_cost_first"][sel]
    items["amendment"] = -np.where(active & app_year, cost, 0.0)
    # risk control GB 36600 requires before people use the land (a clean-soil cover): year 1
    rc = np.zeros((len(srow), H))
    if H and "risk_control" in inp:
        rc[:, 0] = inp["risk_control"][sel]
    items["risk_control"] = -np.where(active, rc, 0.0)
    bio = np.where(active, inp["bio"][sel][:, None] * ramp, 0.0)
    sale, disposal = np.maximum(bio, 0.0), np.minimum(bio, 0.0)
    items["energy_sale"] = np.zeros_like(bio)
    if inp["mwh"] is not None:
        elec = np.where(active, inp["elec"][sel][:, None] * ramp, 0.0)
        use = (inp["mwh"][sel] > 0)[:, None]
        items["energy_sale"] = np.where(use, elec, 0.0)
        sale = np.where(use, 0.0, sale)
    items["biomass_sale"] = sale
    items["biomass_disposal"] = disposal
    items["product_sale"] = np.where(active, inp["product"][sel][:, None], 0.0)
    items["carbon_credit"] = np.repeat(inp["credit"][sel][:, None], H, axis=1)
    pv = inp.get("pv")
    if pv is not None:  # PV plant: capital cost in year 1, operation
        # while it runs, electricity sold (and the residual value in year H)
        items["establishment"] = items["establishment"].copy()
        items["establishment"][:, 0] -= pv["capex"][sel]
        items["management"] = items["management"] - pv["opex"][sel][:, None] * pv["running"][None, :]
        items["energy_sale"] = items["energy_sale"] + pv["rev1"][sel][:, None] * pv["shape"][None, :]
        if H:  # residual value of an array that outlasts the horizon (what it still sells after it), year H
            items["energy_sale"][:, H - 1] += pv["residual"][sel]
    return items


def _plant_items(items: dict, at) -> np.ndarray:
    """The yearly cash flow of rows ``at`` that a PV developer takes over: every item but the risk
    control of the land (``risk_control``), which stays with the landholder (Soil Pollution Law Art. 45:
    the polluter, or where none can be identified the holder of the land-use right, carries out risk
    control)."""
    return sum(v[at] for k, v in items.items() if k != "risk_control")


def pv_developer_npv(inp: dict, sel, items: dict) -> np.ndarray:
    """NPV a developer would make on the PV plant of each row [CNY ha⁻¹] (NaN on rows without one).

    The developer builds and runs the plant and pays the landholder the land lease: its yearly
    cash flow is the row's items (``items``, the output of :func:`block_items` for the same rows:
    capital cost, operation, electricity sales, residual value) minus the lease in every year the
    plant runs, discounted with ``inp["pv"]["df"]`` (the scenario's discount factors, year 1…H).
    Doing nothing has no developer, so this is also the developer's NPV against doing nothing.
    A plant whose value is below 0 is not financed by a developer (:func:`block_transfers`).
    """
    pv = inp.get("pv")
    first = next(iter(items.values()))
    out = np.full(first.shape[0], np.nan)
    if pv is None:
        return out
    at = np.flatnonzero(pv["capex"][sel] > 0)
    if len(at):
        cf = _plant_items(items, at) - pv["lease"][sel][at][:, None] * pv["running"][None, :]
        out[at] = (cf * pv["df"][None, :]).sum(axis=1)
    return out


def block_transfers(inp: dict, sel, items: dict, developer: np.ndarray | None = None) -> dict:
    """Yearly transfers from the programme to the farmer [CNY ha⁻¹], rows × years (see :data:`TRANSFER_ITEMS`).

    ``grain_support``: the crop that fails the food limit, paid to the farmer at
    ``farmer_frac`` of the price while it is worth ``value_frac``; ``subsidy``: the
    programme's share of the option's establishment, management and amendment costs
    (``items``, the output of :func:`block_items` for the same rows) plus the per-area
    payment in every year the option runs; ``pv_lease``: on a PV plant that a developer
    finances, the land lease minus the row's cash flows (``items``), so that the farmer is left
    with the lease and the developer with the plant's capital, operation and sales. A developer
    finances the plant only where its NPV (``developer``, :func:`pv_developer_npv`; computed
    when not given) is ≥ 0; elsewhere ``pv_lease`` is 0: no lease is paid and the landholder's
    account carries the plant.
    """
    srow = inp["srow"][sel]
    code, active, p_comply = inp["code"][srow], inp["active"][srow], inp["p_comply"][srow]
    fails = 1.0 - np.nan_to_num(p_comply, nan=1.0)
    grows = inp["grows_vocab"][code]
    farmer, value = over_limit_fractions(inp, sel, code)
    support = np.where(grows, inp["crop_value"][code] * fails * (farmer - value), 0.0)
    costs = -(items["establishment"] + items["management"] + items["amendment"])
    subsidy = inp["cost_share"][sel][:, None] * costs + np.where(active, inp["per_area"][sel][:, None], 0.0)
    lease = np.zeros_like(subsidy)
    pv = inp.get("pv")
    if pv is not None:  # a developer's PV plant: the farmer keeps the lease, the developer the row's cash flows
        if developer is None:
            developer = pv_developer_npv(inp, sel, items)
        at = np.flatnonzero(developer >= 0)  # financed by a developer (NaN: no plant)
        if len(at):
            lease[at] = pv["lease"][sel][at][:, None] * pv["running"][None, :] - _plant_items(items, at)
    return {"grain_support": support, "subsidy": subsidy, "pv_lease": lease}


def versus_best(plot_codes, option_ids, value):
    """NPV minus the best other option of the same plot, and that option's id.

    Within a plot the options are ordered by NPV (highest first; ties in row order).
    """
    n = len(value)
    ok = np.flatnonzero(~np.isnan(value))
    order = ok[np.lexsort((ok, -value[ok], np.asarray(plot_codes)[ok]))]
    grp = np.asarray(plot_codes)[order]
    start = np.r_[True, grp[1:] != grp[:-1]] if len(order) else np.zeros(0, bool)
    second = np.r_[False, start[:-1] & ~start[1:]] if len(order) else np.zeros(0, bool)
    m = int(np.max(plot_codes)) + 1 if n else 0
    f_i = np.full(m, -1, dtype=np.intp)
    s_i = np.full(m, -1, dtype=np.intp)
    f_i[grp[start]] = order[start]
    s_i[grp[second]] = order[second]
    pc = np.asarray(plot_codes)
    first_row, second_row = f_i[pc], s_i[pc]
    top = first_row == np.arange(n)
    other = np.where(top, second_row, first_row)
    other_v = _frames.take(value, other)
    other_o = _frames.take(_frames.obj(option_ids), other, None)
    vs = np.where(np.isnan(value), np.nan, value - other_v)
    return vs, np.where(pd.isna(other_o), None, other_o)
