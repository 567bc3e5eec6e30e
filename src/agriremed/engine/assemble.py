"""The plan table and the per-plot summary, assembled from the stage tables.

The ``ranking`` phase of the engine (:mod:`agriremed.engine.pipeline`) joins the stage tables
(all row-aligned with the plot × option rows) side by side, ranks the options
(:func:`agriremed.stages.ranking.rank_options`), and writes the plan table (``plan.csv``,
:data:`PLAN_COLUMNS`) and the summary (``summary.csv``, :data:`SUMMARY_COLUMNS`) with each
plot's recommendation as a message (:mod:`agriremed.core.messages`) and its English text.
"""

from __future__ import annotations

import math
import types

import numpy as np
import pandas as pd

from agriremed.core import columns as C
from agriremed.core import i18n
from agriremed.core import frames as _frames
from agriremed.core.names import UNLISTED_CROP
from agriremed.core.messages import Message, encode_column, printed, render_column, render_encode
from agriremed.core.tables import Tables, load_tables
from agriremed.stages import advice as advice_mod
from agriremed.stages import carbon as carbon_mod
from agriremed.stages import duration as duration_mod
from agriremed.stages import economics as economics_mod
from agriremed.stages import options as options_mod
from agriremed.stages import ranking as ranking_mod
from agriremed.stages import soil as soil_mod
from agriremed.stages import softreuse as softreuse_mod
from agriremed.stages import solar as solar_mod
from agriremed.stages import uptake as uptake_mod
from agriremed.stages.uptake import predict as predict_mod
from agriremed.stages.seasons import field_repeat_rows, plot_rice_seasons

__all__ = ["PLAN_COLUMNS", "SUMMARY_COLUMNS", "TEXT_ROWS", "rank_and_summarise", "summary_table",
           "text_as_object", "pass_through_columns", "with_pass_through", "location_columns", "side_by_side_columns",
           "add_columns"]

#: Columns of the plan table (``plan.csv``), in order.
PLAN_COLUMNS = [
    "plot_id", "option_id", "option_name", "option_kind", "applicable", "reason", "policy_status",
    "policy_rule", "rank",
    "recommended", "score", "soil_class", "metals_exceeding", "target_metals", "untreated_metals",
    "class_kept_metals", "target_mg_kg", "removal_g_ha_yr", "duration_kind", "years_to_target", "years_to_target_never",
    "years_p10", "years_p10_never", "years_p50", "years_p50_never", "years_p90", "years_p90_never",
    "p_target_10yr", "p_target_20yr", "food_crop", "rice_seasons_grown_per_yr", "crop_compliance_prob",
    "compliance_metals", "biomass_t_dm_ha_yr",
    "energy_pathway", "useful_energy_gj_ha_yr", "electricity_mwh_ha_yr", "biochar_t_ha_yr",
    "residue_disposal", "net_co2e_t_ha_yr", "net_co2e_vs_baseline_t_ha_yr", "net_co2e_t_ha",
    "net_co2e_t", "cost_cny_ha", "revenue_cny_ha", "carbon_revenue_cny_ha", "npv_cny_ha",
    "npv_vs_baseline_cny_ha", "npv_farmer_cny_ha", "npv_farmer_vs_baseline_cny_ha", "npv_programme_cny_ha",
    "npv_programme_vs_baseline_cny_ha", "npv_developer_cny_ha", "npv_developer_vs_baseline_cny_ha",
    "programme_cost_cny_ha", "grain_support_cny_ha", "subsidy_cny_ha", "npv_farmer_own_vs_baseline_cny_ha",
    "dominates_baseline", "npv_cny", "payback_yr",
    "cost_per_g_removed_cny_g",
    "light_food_safety", "light_food_production", "light_livelihood", "light_clean_up", "light_carbon",
    "light_economics",
    "data_gaps", "evidence", "target_basis", "effect_duration_yr", "compliant_season_fraction",
    "food_compliance_central", "npv_vs_best_cny_ha",
    "best_alternative", "cost_crop_cny_ha", "cost_establishment_cny_ha", "cost_management_cny_ha",
    "cost_harvest_cny_ha", "cost_amendment_cny_ha", "cost_disposal_cny_ha", "revenue_crop_cny_ha",
    "revenue_biomass_cny_ha", "why_food_safety", "why_food_production", "why_livelihood", "why_clean_up",
    "why_carbon", "why_economics",
]
#: Biomass, bioenergy, metal-fate and carbon-ledger columns of plan.csv (appended).
PLAN_COLUMNS += [
    "biomass_species", "yield_land", "harvest_cycle_yr", "yield_factor", "heat_gj_ha_yr", "fuel_gj_ha_yr",
    "fossil_energy_displaced_gj_ha_yr", "methane_m3_ha_yr", "ethanol_l_ha_yr", "bio_oil_t_ha_yr",
    "pyrolysis_gas_t_ha_yr", "ash_t_ha_yr", "bottom_ash_t_ha_yr", "fly_ash_t_ha_yr", "bottom_ash_cd_mg_kg",
    "fly_ash_cd_mg_kg", "biomass_c_t_ha_yr", "char_c_t_ha_yr", "volatiles_c_t_ha_yr",
    "feedstock_group", "residue_note", "biochar_method",
    *[f"{t}_co2e_t_ha_yr" for t in carbon_mod.LEDGER_TERMS],
    "net_co2e_t_ha_yr_p10", "net_co2e_t_ha_yr_p50", "net_co2e_t_ha_yr_p90", "net_co2e_vs_baseline_t_ha",
    "net_co2e_vs_baseline_t_ha_yr_p10", "net_co2e_vs_baseline_t_ha_yr_p90",
    "credited_co2e_vs_baseline_t_ha_yr", "carbon_credit_method", "gwp_set", "rice_water_regime",
    "biochar_inventory_sink_co2e_t_ha_yr", "biochar_credit_csink_co2e_t_ha_yr",
    "biochar_credit_puro_co2e_t_ha_yr", "biochar_credit_vm0044_co2e_t_ha_yr", "biochar_status_csink",
    "biochar_status_puro", "biochar_status_vm0044", "biochar_credit_note",
]

SUMMARY_COLUMNS = [
    "plot_id", "input_row", "region", "land_use", "crop", "crops_not_planned", "area_ha", "basic_farmland",
    "ph", "soil_class", "screening_basis",
    "controlling_metal", "max_exceedance_ratio", "metals_exceeding", "near_class_boundary", "metals_not_assessed",
    "metals_no_food_limit", "current_crop_compliance_prob", "current_compliance_metals", "uptake_functions", "uptake_assumed_inputs",
    "soil_mass_assumed", "recommended_option", "recommended_name", "rule_set", "food_standard", "policy_rule", "score", "years_p50",
    "years_p50_never", "p_target_20yr",
    "npv_vs_baseline_cny_ha", "npv_farmer_vs_baseline_cny_ha", "programme_cost_cny_ha", "economics_view", "net_co2e_vs_baseline_t_ha_yr", "net_co2e_t", "recommendation",
]
#: The officer's advice of the recommended option (:mod:`agriremed.stages.advice`; appended).
SUMMARY_COLUMNS += list(advice_mod.SUMMARY_ADDED)
#: The recommendation as message codes (:mod:`agriremed.core.messages`; appended).
SUMMARY_COLUMNS += ["recommendation_msg"]
#: How long as message codes (appended).
SUMMARY_COLUMNS += ["duration_text_msg", "monitoring_msg"]
#: The GB 36600 check of the recommended soft re-use on marginal, mine and brownfield land
#: (:func:`agriremed.stages.softreuse.recommended_exposure`; appended; blank elsewhere).
SUMMARY_COLUMNS += ["gb36600_verdict", "gb36600_check", "gb36600_check_msg"]
#: The farmer's legal income lost on strict-control land where the rule set forbids the crop grown before, the
#: compensation paid for the recommended option and the gap (:func:`agriremed.stages.economics.compensation_columns`;
#: appended; blank on every other plot).
SUMMARY_COLUMNS += list(economics_mod.COMPENSATION_COLUMNS)
#: Undiscounted first-year cost and mean yearly revenue of the economics stage (appended), and the
#: net cash flows of year 1 and of a typical year (appended).
PLAN_COLUMNS += ["cost_year1_cny_ha", "revenue_mean_cny_ha_yr"]
PLAN_COLUMNS += ["cash_flow_year1_cny_ha", "cash_flow_typical_cny_ha_yr", "typical_year"]
#: The land lease a PV plant's developer pays the landholder (appended; blank on other rows).
PLAN_COLUMNS += ["pv_lease_cny_ha_yr"]
#: The lowest, highest and mean net cash flow of years 2…horizon (appended).
PLAN_COLUMNS += ["cash_flow_later_low_cny_ha_yr", "cash_flow_later_high_cny_ha_yr", "cash_flow_later_mean_cny_ha_yr"]
#: The NPV a developer would make on a PV plant (financed where ≥ 0; appended; blank on other rows).
PLAN_COLUMNS += ["pv_developer_npv_cny_ha"]
#: The first-year cost beyond doing nothing (appended; given where the first-year cost is not: an option
#: keeping a crop whose income the library cannot value).
PLAN_COLUMNS += ["cost_year1_vs_baseline_cny_ha"]
#: The first-year cost of the risk control GB 36600 requires before people use the land (a clean-soil
#: cover; appended; 0 where none is required).
PLAN_COLUMNS += ["risk_control_cost_cny_ha"]
#: Road haulage of sold biomass (economics item ``transport``, appended).
PLAN_COLUMNS += ["cost_transport_cny_ha"]
#: PV options (:func:`agriremed.stages.solar.plan_pv_energy`; blank on other rows; appended).
PLAN_COLUMNS += list(solar_mod.PV_PLAN_COLUMNS)
#: Message columns (:mod:`agriremed.core.messages`): the sentences above as codes and parameters.
PLAN_COLUMNS += ["reason_msg", "why_food_safety_msg", "why_food_production_msg", "why_livelihood_msg",
                 "why_clean_up_msg", "why_carbon_msg", "why_economics_msg"]
#: The evidence gaps as message codes (appended).
PLAN_COLUMNS += ["data_gaps_msg"]
#: The cautions of the option's reason as message codes (appended; blank without any): the recommendation
#: repeats those of the recommended option.
PLAN_COLUMNS += ["option_cautions_msg"]
#: The PV note as message codes (appended): the sentence quotes the coordinates a yield was computed at.
PLAN_COLUMNS += ["pv_note_msg"]
#: The residue note as message codes (appended).
PLAN_COLUMNS += ["residue_note_msg"]

def rank_and_summarise(opts, stage_frames, P, soil_plot, tables, scenario, money, grid, detail,
                        text_rows: str = "all", located=(), crop_in_input: bool = False):
    """Plan table, summary, ranking and score table from the stage tables (all row-aligned with ``opts``);
    ``text_rows`` as in :func:`plan`; ``located``: the location columns of the input
    (:func:`location_columns`), carried into the summary after ``region``; ``crop_in_input``: the plots are a
    chunk of an input some row of which gives a value measured in the harvest
    (:attr:`agriremed.io.validate.Validation.crop_in_input`, :func:`crop_measured`)."""
    lib = tables.indexed("options", "option_id")
    H = scenario.horizon_yr
    # every stage table is row-aligned with ``opts`` (plot-major): join by position; the columns are
    # gathered by name and the plan table is built once from them
    cols = side_by_side_columns(opts, stage_frames)
    index = pd.RangeIndex(len(opts))
    ppos = _frames.plot_index(soil_plot, opts)
    for c in ("soil_class", "metals_exceeding"):
        cols[c] = _frames.text_series(_frames.take(_frames.obj(soil_plot[c]), ppos, None), index)
    # metals above their intervention value that an option leaves untreated keep the land strict control
    above = (_frames.take(_frames.obj(soil_plot["metals_above_intervention"]), ppos, "")
             if "metals_above_intervention" in soil_plot else np.full(len(index), "", dtype=object))
    cols["class_kept_metals"] = _frames.text_series(np.where(
        cols["applicable"].to_numpy(bool), ranking_mod.class_kept_metals(cols["target_metals"], above), ""), index)
    opos = _frames.index_of(lib.index, opts["option_id"])
    cols["option_name"] = _frames.text_series(_frames.take(_frames.obj(lib["name_en"]), opos, None), index)
    bval = options_mod.parameter_for_rows(tables, cols["option_id"], "biomass_value_cny_t")
    # livelihood counts the years biomass or energy is sold: a PV plant sells electricity
    sells_pv = (_frames.obj(cols["energy_pathway"]) == "pv") \
        & (cols["electricity_mwh_ha_yr"].fillna(0).to_numpy(float) > 0)
    cols["biomass_value_positive"] = pd.Series(
        ((np.nan_to_num(bval) > 0) & (cols["biomass_t_dm_ha_yr"].fillna(0).to_numpy(float) > 0)) | sells_pv,
        index=index)
    plot_crops = _frames.take(_frames.obj(P["crop"]), _frames.plot_index(P, opts), None)
    if "land_use" not in cols and "land_use" in P:  # the ranking's reference food crop of idle land (ranking)
        cols["land_use"] = _frames.text_series(_frames.take(_frames.obj(P["land_use"]), _frames.plot_index(P, opts),
                                                            None), index)
    _add_money_gaps(cols, tables, plot_crops)
    _add_carbon_gaps(cols, tables, plot_crops)
    _add_place_coordinates(cols, tables)
    weights = scenario.normalised_weights()
    # liming options on plots too acid for every transfer function of the crop rank first (expected)
    ppos_in = _frames.plot_index(P, opts)
    exceeding = _frames.take(_frames.obj(soil_plot["metals_exceeding"]),
                             _frames.index_of(soil_plot["plot_id"], P["plot_id"]), "")
    acid = uptake_mod.ph_below_every_function(_frames.obj(P["crop"]), exceeding, P["ph"].to_numpy(float), tables)
    limes = ~np.isnan(options_mod.parameter_for_rows(tables, cols["option_id"], "lime_t_ha"))
    lime_first = limes & _frames.take(acid, ppos_in, False).astype(bool)
    # metals measured in each plot's harvest above the crop's food limit: a known risk, which the ranking does
    # not treat as a benefit it cannot predict (ranking.unassessed_benefit_only)
    cols["harvest_over_metals"] = _frames.text_series(_frames.take(_harvest_over(P, scenario, tables), ppos_in, ""),
                                                      index)
    # each plot's values near a class boundary (soil.near_class_boundary, soil_method_precision.csv: 'as:screening'):
    # only a metal whose exceedance of its screening value is within that tolerance makes an As measure's benefit one
    # the plan cannot establish (ranking.unassessed_benefit_only)
    cols["near_class_boundary"] = _frames.text_series(
        _frames.take(_frames.obj(soil_plot["near_class_boundary"]), ppos, "")
        if "near_class_boundary" in soil_plot else np.full(len(index), "", dtype=object), index)
    rank = ranking_mod.rank_options(pd.DataFrame(cols, index=index, copy=False), weights, tables,
                                    advice_mod.plan_food_standards(P, scenario, tables),
                                    H, money=money, economics_view=scenario.economics_view,
                                    reasons_for="applicable" if text_rows == "all" else "recommended",
                                    target_compliance_prob=scenario.target_compliance_prob,
                                    lime_first=lime_first,
                                    min_compliance_gain=scenario.min_compliance_gain,
                                    min_gain_share=scenario.min_gain_share,
                                    gain_resolution=scenario.gain_resolution,
                                    min_dominance_share=scenario.min_dominance_share,
                                    max_switch_loss_share=scenario.max_switch_loss_share)
    add_columns(cols, rank, index)
    _years_of_clean_up_only(cols, index)
    if text_rows != "all":
        cols["reason"] = pd.Series(_reasons_of_output_rows(cols, tables), index=index, dtype=object)
    scores = ranking_mod.score_table(rank, weights, tables, scenario.economics_view) if detail else pd.DataFrame()
    ahead = ranking_mod.runner_up_message(rank, weights, tables, rules=_frames.obj(cols["policy_rule"]),
                                          economics_view=scenario.economics_view,
                                          duration_kind=_frames.obj(cols["duration_kind"]))
    # a plot whose measure-or-not decision lies within gain_resolution of min_compliance_gain says so, in a
    # sentence of its own (summary_table's near_threshold)
    near_gain = ranking_mod.gain_near_threshold(
        rank.assign(applicable=cols["applicable"].to_numpy(bool)), scenario.min_compliance_gain,
        scenario.gain_resolution)
    plan_cols = PLAN_COLUMNS + [c for c in cols if c.startswith("crit_")]
    plan_table = text_as_object({c: cols[c] for c in plan_cols})
    summary = text_as_object(summary_table(P, soil_plot, plan_table, scenario, ahead, grid, money, tables,
                                           located, crop_in_input, cols.get("over_limit_outlet"),
                                           gb36600_checks_of(cols), near_threshold=near_gain))
    summary = with_pass_through(economics_mod.add_currency_columns(summary, *money), P)
    plan_table = with_pass_through(economics_mod.add_currency_columns(plan_table, *money), P)
    if "crop_as_written" in P:  # a crop not in the library named as written (黄精), not by its code
        written = _frames.obj(P["crop_as_written"])
        summary = name_written_crops(summary, written, tables)
        plan_table = name_written_crops(plan_table, _frames.take(written, _frames.plot_index(P, plan_table), None),
                                        tables)
    return plan_table, summary, rank, scores


def _harvest_over(P: pd.DataFrame, scenario, tables: Tables) -> np.ndarray:
    """Per plot, the metals measured in its harvest above the food limit of its crop ('+'-joined, '' none), as
    the summary's ``crop_measured_exceeds`` counts them (:func:`crop_measured`: inorganic As against the
    inorganic-As limit)."""
    n = len(P)
    std = advice_mod.plan_food_standards(P, scenario, tables)
    std = std.reindex(_frames.obj(P["plot_id"])).to_numpy(object) if isinstance(std, pd.Series) \
        else np.full(n, std, dtype=object)
    s = {"crop": _frames.obj(P["crop"]), "food_standard": std, "current_crop_compliance_prob": np.full(n, np.nan),
         "current_compliance_metals": np.full(n, None, dtype=object)}
    measured = crop_measured(P, s, tables)
    if measured is None:
        return np.full(n, "", dtype=object)
    over = measured[0]
    return np.where(pd.isna(over), "", over).astype(object)


def _years_of_clean_up_only(cols: dict, index: pd.RangeIndex) -> None:
    """Add ``duration_kind`` (:func:`agriremed.stages.duration.duration_kinds`; '' on a row not
    applicable) and blank the years to target of the rows that are not a clean-up method
    (:func:`agriremed.stages.duration.blank_stabilising_years`), after the ranking has read them: an
    energy crop that stabilises the soil gives no pseudo-precise 3 800 years in the plan table. Each years
    column gets its ``<name>_never`` (:func:`agriremed.stages.duration.never_reaches_target`): TRUE where the
    years are infinite or blanked so, as the option does not bring the soil to the target."""
    p50, ytt = cols["years_p50"].to_numpy(float), cols["years_to_target"].to_numpy(float)
    kinds = _frames.obj(cols["option_kind"])
    targets = _frames.obj(cols["target_metals"].fillna(""))
    dk = duration_mod.duration_kinds(np.where(np.isnan(p50), ytt, p50), np.where(pd.isna(kinds), "", kinds), targets)
    dk = np.where(cols["applicable"].to_numpy(bool), dk, "").astype(object)
    cols["duration_kind"] = _frames.text_series(dk, index)
    for c in duration_mod.YEARS_COLUMNS:
        y = cols[c].to_numpy(float)
        cols[f"{c}_never"] = pd.Series(duration_mod.never_reaches_target(y, dk), index=index)
        cols[c] = pd.Series(duration_mod.blank_stabilising_years(y, dk), index=index)


def name_written_crops(table: pd.DataFrame, written: np.ndarray, tables: Tables) -> pd.DataFrame:
    """``table`` with the crop of each row planned as a crop not in the library
    (:data:`~agriremed.core.names.UNLISTED_CROP`) named in its messages as its cell was written
    (``written``, one per row; None elsewhere: 黄精, not "crop not in the library"): every message column
    (``*_msg``) and the English text column beside it. A copy where something changes."""
    rows = np.flatnonzero(~pd.isna(written))
    if not len(rows):
        return table
    code = Message.of("x", crop=UNLISTED_CROP).encode().split(":", 1)[1][:-3]  # the code as messages write it
    table = table.copy()
    for c in [c for c in table.columns if c.endswith("_msg")]:
        old = _frames.obj(table[c])[rows]
        new = np.array([m.replace(code, Message.of("x", crop=str(w)).encode().split(":", 1)[1][:-3])
                        if isinstance(m, str) else m for m, w in zip(old, written[rows], strict=True)], dtype=object)
        changed = new != old
        if not changed.any():
            continue
        at = rows[changed]
        col = _frames.obj(table[c]).copy()
        col[at] = new[changed]
        table[c] = col
        if c[:-4] in table.columns:
            text = _frames.obj(table[c[:-4]]).copy()
            text[at] = render_column(new[changed], "en", tables)
            table[c[:-4]] = text
    return table


def _add_money_gaps(cols: dict, tables: Tables, crops: np.ndarray) -> None:
    """Name in ``data_gaps`` (in place) that an applicable option's NPV, costs and cash flows were
    not computed (``npv_cny_ha`` NaN), after the option's own gaps and the reason of the PV
    yield (``pv_note``: no lat/lon, province not in the table) where there is one; on a plot
    growing a crop (``crops``, one per row) whose income the library cannot value
    (:func:`agriremed.stages.economics.crop_value_gaps`), every applicable option whose money or
    money against doing nothing (``npv_vs_baseline_cny_ha``) is NaN names that crop
    (``opt.gap_crop_value``); one that keeps that crop as it is and so is compared with doing
    nothing while its own money is not computed (:func:`agriremed.stages.economics.kept_crop_income`)
    names it as such (``opt.gap_crop_value_kept``, without ``opt.gap_money``). The ranking treats an
    option whose money against doing nothing is NaN as partial and ranks it after the options with
    known economics."""
    if "npv_cny_ha" not in cols or "data_gaps_msg" not in cols:
        return
    npv_nan = np.isnan(cols["npv_cny_ha"].to_numpy(float))
    vs = (cols["npv_vs_baseline_cny_ha"].to_numpy(float) if "npv_vs_baseline_cny_ha" in cols
          else np.full(len(npv_nan), np.nan))
    unvalued = economics_mod.crop_value_gaps(np.where(pd.isna(crops), "none", crops), tables)
    rows = np.flatnonzero(cols["applicable"].to_numpy(bool) & (npv_nan | (unvalued & np.isnan(vs))))
    if not len(rows):
        return
    own = _frames.obj(cols["data_gaps_msg"])[rows]
    pv = _frames.obj(cols["pv_note_msg"])[rows] if "pv_note_msg" in cols else np.full(len(rows), "", object)
    crop = np.where(unvalued[rows], crops[rows], "")
    # compared with doing nothing although its own money is not computed (doing nothing itself aside)
    kept = (unvalued & npv_nan & ~np.isnan(vs))[rows] & (_frames.obj(cols["option_id"])[rows] != "do_nothing")

    def joined(o, note, c, money_nan, k):
        gap = Message.of("opt.gap_crop_value_kept" if k else "opt.gap_crop_value", crop=c) if c else Message()
        return (Message.decode(o) + Message.decode(note) + gap
                + (Message.of("opt.gap_money") if money_nan and not k else Message())).encode()

    new = np.asarray(_frames.per_distinct(joined, own, np.where(pd.isna(pv), "", pv), crop, npv_nan[rows],
                                          kept), dtype=object)
    for c, values in (("data_gaps_msg", new), ("data_gaps", render_column(new, "en", tables))):
        col = _frames.obj(cols[c]).copy()
        col[rows] = values
        cols[c] = pd.Series(col, index=cols[c].index, dtype=object)


def _add_carbon_gaps(cols: dict, tables: Tables, crops: np.ndarray) -> None:
    """Name in ``data_gaps`` (in place), after the option's other gaps, the crop without an N fertiliser or
    diesel row (:func:`agriremed.stages.carbon.management_gap_crops`) for which an applicable option's
    net CO2e against doing nothing (``net_co2e_vs_baseline_t_ha_yr``) and its carbon credit were not
    computed (``opt.gap_crop_management``); ``crops``: the plot's crop of each row."""
    if "data_gaps_msg" not in cols or "net_co2e_vs_baseline_t_ha_yr" not in cols:
        return
    food = _frames.take(_frames.obj(tables.options["food_crop"]),
                        _frames.index_of(tables.options["option_id"], cols["option_id"]), None)
    gap = carbon_mod.management_gap_crops(food, np.where(pd.isna(crops), "none", crops), tables)
    rows = np.flatnonzero(cols["applicable"].to_numpy(bool) & (gap != "")
                          & np.isnan(cols["net_co2e_vs_baseline_t_ha_yr"].to_numpy(float)))
    if not len(rows):
        return

    def joined(o, c):
        return (Message.decode(o) + Message.of("opt.gap_crop_management", crop=c)).encode()

    new = np.asarray(_frames.per_distinct(joined, _frames.obj(cols["data_gaps_msg"])[rows], gap[rows]), dtype=object)
    for c, values in (("data_gaps_msg", new), ("data_gaps", render_column(new, "en", tables))):
        col = _frames.obj(cols[c]).copy()
        col[rows] = values
        cols[c] = pd.Series(col, index=cols[c].index, dtype=object)


#: Code of the PV note of a yield computed at the coordinates of the plot's place (:mod:`agriremed.stages.solar`).
PLACE_COORDS = "reuse.pv_place_coords"


def _place_part(note) -> Message:
    """The ``reuse.pv_place_coords`` part of an encoded PV note (an empty message when it has none)."""
    m = Message.decode(note) if isinstance(note, str) and note else Message()
    return Message(tuple(p for p in m.parts if p[0] == PLACE_COORDS))


def _add_place_coordinates(cols: dict, tables: Tables) -> None:
    """Add to the reason (``reason_msg``, and ``reason`` where rendered) of each applicable PV row whose
    yield was computed at the coordinates of the plot's prefecture or province, not at the site, the
    note that says so and asks for the site's lat and lon (in place)."""
    if "pv_note_msg" not in cols or "reason_msg" not in cols:
        return
    note = _frames.obj(cols["pv_note_msg"])
    rows = np.flatnonzero(cols["applicable"].to_numpy(bool) & np.isfinite(cols["specific_yield_kwh_kwp_yr"]
                                                                           .to_numpy(float))
                          & np.array([isinstance(x, str) and PLACE_COORDS in x for x in note], bool))
    if not len(rows):
        return

    def joined(reason, pv):
        return (Message.decode(reason) + _place_part(pv)).encode()

    new = np.asarray(_frames.per_distinct(joined, _frames.obj(cols["reason_msg"])[rows], note[rows]), dtype=object)
    for c, values in (("reason_msg", new), ("reason", render_column(new, "en", tables))):
        if c in cols:
            col = _frames.obj(cols[c]).copy()
            col[rows] = values
            cols[c] = pd.Series(col, index=cols[c].index, dtype=object)


def _reasons_of_output_rows(cols: dict, tables: Tables) -> np.ndarray:
    """The English ``reason`` of the rows a portfolio run writes (``text_rows="recommended"``):
    each plot's recommended row; ``None`` elsewhere (``reason_msg`` is kept, and soft re-use
    renders the reasons it quotes from it)."""
    rows = np.flatnonzero(cols["recommended"].to_numpy(bool))
    out = np.full(len(cols["recommended"]), None, dtype=object)
    if len(rows):
        out[rows] = render_column(_frames.obj(cols["reason_msg"])[rows], "en", tables)
    return out


#: Values of :func:`plan`'s ``text_rows``.
TEXT_ROWS = ("all", "recommended")

def _side_by_side(rows: pd.DataFrame, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``rows`` with the columns of ``frames`` (each row-aligned with ``rows``) beside it.

    A frame in another row order (or with missing rows) is aligned on
    ``(plot_id, option_id)``, as a left join would.
    """
    return pd.DataFrame(side_by_side_columns(rows, frames), copy=False)


def side_by_side_columns(rows: pd.DataFrame, frames: list[pd.DataFrame]) -> dict[str, pd.Series]:
    """The columns of :func:`_side_by_side` by name (each on a 0…n−1 index)."""
    index = pd.RangeIndex(len(rows))
    same = rows.index.equals(index)
    cols = {c: (s if same else s.set_axis(index)) for c, s in rows.items()}
    for f in frames:
        add_columns(cols, f, index, rows=rows)
    return cols


def add_columns(cols: dict, f: pd.DataFrame, index: pd.RangeIndex,
                 rows: pd.DataFrame | None = None) -> None:
    """Add the columns of ``f`` other than the row keys to ``cols`` (in place).

    ``f`` is row-aligned with ``rows`` (default: with the columns already in ``cols``) or
    aligned on ``(plot_id, option_id)`` as a left join; a column already present is an error.
    """
    key = ("plot_id", "option_id")
    extra = [c for c in f.columns if c not in key]
    clash = cols.keys() & set(extra)
    if clash:
        raise ValueError(f"stage tables share columns {sorted(clash)}")
    if rows is None:
        rows = pd.DataFrame({c: cols[c] for c in key}, copy=False)
    pos = _frames.row_index(f, rows)
    if (pos == np.arange(len(index))).all():
        same_index = f.index.equals(index)
        for c, s in f.items():  # (items: no lookup of each name)
            if c not in key:
                cols[c] = s if same_index else s.set_axis(index)
        return
    sub = f[extra].iloc[np.maximum(pos, 0)].set_axis(index)
    miss = pos < 0
    if miss.any():
        sub = sub.astype({c: object for c in sub.columns if sub[c].dtype == bool})
        sub.loc[miss] = np.nan
    for c in extra:
        cols[c] = sub[c]


def text_as_object(df: pd.DataFrame | dict) -> pd.DataFrame:
    """Text columns (inferred, or registered as text) as ``object`` dtype with ``None`` for
    missing, so that a column's dtype and missing marker never depend on whether the plots in
    this run (or chunk) gave it a value.

    ``df`` may also be a dict of equally indexed Series (column name → Series).
    """
    index = df.index if isinstance(df, pd.DataFrame) else next(iter(df.values())).index
    cols = {}
    for c, s in df.items():
        spec = C.COLUMNS.get(c)
        dt = s.dtype
        if spec is not None and spec.dtype in ("str", "category"):
            text = True
        elif isinstance(dt, np.dtype):
            text = dt.kind in "OSU"
        else:
            text = pd.api.types.is_string_dtype(dt)
        if text:
            v = s.to_numpy(object)
            miss = _missing(v)
            if miss is not None and miss.any():
                v = v.copy()
                v[miss] = None
            elif isinstance(dt, np.dtype) and dt.kind == "O" and s.index.equals(index):  # already as wanted
                cols[c] = s
                continue
            cols[c] = v  # an object array: kept as object by frames.consolidated
        else:
            cols[c] = s
    # one copy consolidates the columns into a block per dtype, so that users can add columns
    return _frames.consolidated(cols, index)


def _missing(values: np.ndarray) -> np.ndarray | None:
    """Where an object array is missing (NaN, None, ``pd.NA``, NaT …: :func:`pandas.isna`);
    ``None`` when every value is text (checked first with :func:`pandas.api.types.infer_dtype`,
    a fraction of the cost of :func:`pandas.isna` on text)."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return None
    return pd.isna(values)


def location_columns(plots: pd.DataFrame) -> list[str]:
    """The input columns the summary carries as read: the location columns
    (:data:`agriremed.core.columns.LOCATION_COLUMNS`: village, lat, lon), the county's soil
    class (``soil_class_county``), its high-geological-background flag (``high_background``), the soil metals
    planned at their detection limit (``censored_metals``) and those "not detected" without a limit
    (``not_detected_metals``) of the valid plots as read, i.e. before the absent input columns are added blank."""
    return [c for c in (*C.LOCATION_COLUMNS, "soil_class_county", "high_background", "censored_metals",
                        "not_detected_metals") if c in plots.columns]


def pass_through_columns(plots: pd.DataFrame) -> list[str]:
    """Input columns that validation kept without any stage using them ("passed through").

    They are the columns of the valid plots that the column registry does not know, and the registered
    columns a reader adds to the input itself (:data:`agriremed.core.columns.PASSED_THROUGH`); the
    plan and summary tables carry them unchanged, after the computed columns.
    """
    return [str(c) for c in plots.columns if c not in C.COLUMNS or c in C.PASSED_THROUGH]


def with_pass_through(table: pd.DataFrame, P: pd.DataFrame) -> pd.DataFrame:
    """``table`` (plot or plot × option rows) with the passed-through input columns of ``P``
    appended, each plot's value on each of its rows. A name the table already uses gets
    the prefix ``input_``."""
    extra = pass_through_columns(P)
    if not extra:
        return table
    pos = _frames.plot_index(P, table)
    cols = {}
    for c in extra:
        name = c
        while name in table.columns or name in cols:
            name = "input_" + name
        if c in C.PASSED_THROUGH and pd.api.types.is_float_dtype(P[c]):  # a number the reader wrote stays one
            cols[name] = _frames.take(P[c].to_numpy(float), pos, np.nan)
        else:
            cols[name] = _frames.take(_frames.obj(P[c]), pos, None)
    return pd.concat([table, _frames.frame(cols, len(table)).set_axis(table.index)], axis=1)

def _fmt_money(x: float, money=("CNY", 1.0), unit: str = "mu") -> Message:
    """An amount per hectare [CNY ha⁻¹] as a message with the amount per mu beside it
    (× :func:`agriremed.stages.advice.ha_per_mu`; per mu is the unit subsidies are set in in
    China); per hectare only where the plot's area ``unit`` is ``'ha'``
    (:func:`agriremed.stages.advice.area_units`)."""
    currency, rate = money
    if np.isnan(x) or (unit == "ha" and currency == "CNY"):
        return Message.of("money.cny_ha", cny=_amount(x))
    if unit == "ha":
        return Message.of("money.cur_ha", value=_amount(x / rate), currency=currency, cny=_amount(x))
    mu = x * advice_mod.ha_per_mu()
    if currency == "CNY":
        return Message.of("money.cny_ha_mu", cny=_amount(x), cny_mu=_amount(mu))
    return Message.of("money.cur_ha_mu", value=_amount(x / rate), value_mu=_amount(mu / rate), currency=currency,
                      cny=_amount(x))


def _amount(x: float):
    """A signed amount of a money clause as printed (whole units): an amount that rounds to zero is
    ``money.zero`` ("0", neither "-0" nor "+0": -0.3 CNY/mu beside -5 CNY/ha)."""
    v = printed(x)
    return Message.of("money.zero") if v == 0 else v


_pct = advice_mod.pct_param


def _title(metals: str) -> str:
    """'cd+pb' → 'Cd/Pb' ('' → 'metal', the clean-up of an unnamed metal)."""
    return advice_mod.metal_title(metals) if metals else "metal"


def _bound_text(years: float) -> str:
    """A P10 or P90 of the years to target as printed: whole years, or ``"> 200"`` above
    :data:`agriremed.stages.duration.YEARS_SHOWN_UP_TO` (infinity included) [yr]."""
    cap = duration_mod.YEARS_SHOWN_UP_TO
    return f"> {cap:.0f}" if years > cap else f"{printed(years):.0f}"


def _cleanup_text(row, horizon_yr: float = np.inf) -> Message:
    """The clean-up clause of a recommendation as a message (``row.years_text``: the years as
    :func:`agriremed.stages.duration.cleanup_years_text` writes them; ``horizon_yr``: the plan
    horizon [yr], beyond which a clean-up time is said to be no clean-up within it)."""
    metals = _title(row.target_metals)
    goal = "food_limit_target" if getattr(row, "target_basis", "") == "food_limit" else "screening_value"
    y = row.years_p50 if not np.isnan(row.years_p50) else row.years_to_target
    if row.years_text in duration_mod.NOT_CLEAN_UP_CODES:  # not a clean-up method: no years are printed
        return Message.of(duration_mod.NOT_CLEAN_UP_CODES[row.years_text])
    kept = getattr(row, "class_kept_metals", None)
    if isinstance(kept, str) and kept and row.target_metals:  # the land stays strict control
        return Message.of("rec.cleanup_class_kept", cleanup=_treated_cleanup_text(row, metals, goal, y, horizon_yr),
                          metals=_title(kept))
    return _treated_cleanup_text(row, metals, goal, y, horizon_yr)


def _treated_cleanup_text(row, metals: str, goal: str, y: float, horizon_yr: float = np.inf) -> Message:
    """The years to target of the metals an option treats, as the clause of :func:`_cleanup_text`
    (``y``: median years, else the point estimate [yr]). Years beyond the plan horizon
    ``horizon_yr`` [yr] read as no clean-up within the plan horizon, with the years after it."""
    if np.isnan(y):
        if getattr(row, "soil_mass_missing", False):  # no bulk density or depth on the plot
            return Message.of("rec.cleanup_unknown_mass", metals=metals, goal=goal)
        return Message.of("rec.cleanup_unknown", metals=metals, goal=goal)
    if y == 0:
        return Message.of("rec.cleanup_done", metals=metals, goal=goal)
    assumed = _mass_assumed_text(getattr(row, "soil_mass_assumed", ""))
    if np.isinf(y) or y > duration_mod.YEARS_SHOWN_UP_TO:
        return Message.of("rec.cleanup_never", metals=metals, goal=goal,
                          years=duration_mod.YEARS_SHOWN_UP_TO) + assumed
    rng = Message()
    cap = duration_mod.YEARS_SHOWN_UP_TO
    if np.isnan(row.years_p10) or np.isnan(row.years_p90):
        pass
    elif row.years_p10 > cap or row.years_p90 > cap:  # a bound beyond the cap (or never) reads "> 200"
        rng = Message.of("rec.range_over", p10=_bound_text(row.years_p10), p90=_bound_text(row.years_p90))
    else:
        rng = Message.of("rec.range", p10=printed(row.years_p10), p90=printed(row.years_p90))
    if printed(y) > horizon_yr:  # a clean-up time beyond the plan horizon is no clean-up within the plan
        return Message.of("rec.cleanup_beyond_horizon", metals=metals, goal=goal, years=printed(y), range=rng,
                          horizon=int(horizon_yr)) + assumed
    return Message.of("rec.cleanup", metals=metals, goal=goal, years=printed(y), range=rng) + assumed


def _mass_assumed_text(assumed) -> Message:
    """The clause saying which plough-layer values of a clean-up time are typical values, not the plot's
    (``assumed``: ``soil_mass_assumed``, 'depth_m=0.2|bulk_density_g_cm3=1.3'); empty where none is."""
    if not isinstance(assumed, str) or not assumed:
        return Message()
    vals = dict(part.split("=", 1) for part in assumed.split("|") if "=" in part)
    parts = Message()
    if "depth_m" in vals:
        parts += Message.of("rec.assumed_depth", depth=float(vals["depth_m"]))
    if "bulk_density_g_cm3" in vals:
        parts += Message.of("rec.assumed_bd", bd=float(vals["bulk_density_g_cm3"]))
    return Message.of("rec.mass_assumed", assumed=parts)


def _soil_mass_missing(P: pd.DataFrame, n: int) -> np.ndarray:
    """Per plot, whether its soil mass is not known (no ``depth_m`` or no ``bulk_density_g_cm3``): a
    clean-up time cannot be computed there, and the sentence says why."""
    out = np.zeros(n, bool)
    for c in ("depth_m", "bulk_density_g_cm3"):
        out |= np.isnan(P[c].to_numpy(float)) if c in P else True
    return out


def _unmeasured_metals(P: pd.DataFrame, n: int) -> np.ndarray:
    """The GB 15618 metals (Cd, Hg, As, Pb, Cr, Cu, Ni, Zn) without a total concentration for
    each plot of ``P``, as '+'-joined codes ('hg+as'; '' when all eight were measured)."""
    missing = np.zeros((n, len(C.METALS)), bool)
    for j, m in enumerate(C.METALS):
        col = C.metal_column(m)
        missing[:, j] = np.isnan(P[col].to_numpy(float)) if col in P else True
    code = missing.astype(np.int64) @ (1 << np.arange(len(C.METALS), dtype=np.int64))
    uniq, inv = np.unique(code, return_inverse=True)  # one text per distinct set of metals
    texts = np.array(["+".join(m for j, m in enumerate(C.METALS) if (u >> j) & 1) for u in uniq.tolist()],
                     dtype=object)
    return texts[inv.reshape(-1)] if n else np.empty(0, dtype=object)


#: Land uses of cultivated land (and orchards) under the safe-utilisation rules: idle land of them
#: left idle is told that no measure of the plan fits it.
CULTIVATED_LAND_USES = ("paddy", "upland", "vegetable", "orchard")

#: The money clause of the sentence in each economics view: the column the ranking read and
#: the message code (``<code>_na`` when the amount is not computed).
_VIEW_NPV = {"combined": ("npv_vs_baseline_cny_ha", "rec.npv"),
             "farmer": ("npv_farmer_vs_baseline_cny_ha", "rec.npv_farmer"),
             "programme": ("programme_cost_cny_ha", "rec.programme_cost")}


def _farmer_view_split(npv: np.ndarray, b: dict, money, units) -> np.ndarray:
    """The farmer view's money clauses ``npv`` with what the programme pays beyond doing nothing and
    the plot's whole NPV named beside the farmer's NPV (``rec.npv_farmer_programme``), so that a
    subsidised option does not read as a gain for everyone; rows without a programme cost (or PV
    plants, whose accounts have a clause of their own) unchanged."""
    if "programme_cost_cny_ha" not in b or "npv_vs_baseline_cny_ha" not in b:
        return npv
    M = Message.of
    n = len(npv)
    prog = np.asarray(b["programme_cost_cny_ha"], float)
    whole = np.asarray(b["npv_vs_baseline_cny_ha"], float)
    farmer = np.asarray(b["npv_farmer_vs_baseline_cny_ha"], float) if "npv_farmer_vs_baseline_cny_ha" in b \
        else np.full(n, np.nan)
    pv = np.isfinite(np.asarray(b["pv_developer_npv_cny_ha"], float)) if "pv_developer_npv_cny_ha" in b \
        else np.zeros(n, bool)
    paid = np.flatnonzero(np.isfinite(prog) & np.isfinite(whole) & ~pv & (np.abs(prog) >= 0.5))
    # a farmer better off than under doing nothing is so by what the programme pays (subsidies and
    # compensation); one no better off is kept whole by it, which is what the cost is then
    code = np.where(prog <= 0, "rec.npv_farmer_programme_saves",
                    np.where(farmer >= 0.5, "rec.npv_farmer_programme_paid", "rec.npv_farmer_programme"))
    if len(paid):
        npv = npv.copy()
        npv[paid] = [M(str(code[i]), npv=npv[i], programme=_fmt_money(abs(prog[i]), money, units[i]),
                       whole=_fmt_money(whole[i], money, units[i])) for i in paid]
    return npv


def _assumed_subsidy_clause(npv: np.ndarray, b: dict) -> np.ndarray:
    """The money clauses ``npv`` with ``rec.subsidy_assumed`` where the amounts count a subsidy whose payment is a
    project assumption (``subsidies_assumed`` of ``b``: the ``subsidies.csv`` rows citing ``agriremed_assumption``
    that reach the option; ``subsidy_cny_ha`` not 0)."""
    n = len(npv)
    assumed = np.asarray(b.get("subsidies_assumed", np.full(n, "", dtype=object)), dtype=object)
    paid = np.asarray(b.get("subsidy_cny_ha", np.zeros(n)), float)
    at = np.flatnonzero((assumed != "") & pd.notna(assumed) & (np.abs(np.nan_to_num(paid)) >= 0.5))
    if not len(at):
        return npv
    npv = npv.copy()
    npv[at] = [Message.of("rec.subsidy_assumed", npv=npv[i], subsidies=str(assumed[i])) for i in at]
    return npv


def _sentence_bodies(b: dict, std, H: int, money=("CNY", 1.0), economics_view: str = "combined",
                     units=None) -> np.ndarray:
    """One-sentence recommendation of every row of the columns ``b`` (the chosen options'
    numbers), as messages (:class:`agriremed.core.messages.Message`) of the part after the
    option's name, without the final full stop.

    The money clause quotes the amount of the scenario's ``economics_view`` (the one the
    ranking read): the NPV against doing nothing [CNY/ha] (``combined``), the farmer's NPV
    against doing nothing (``farmer``) or the programme's cost beyond doing nothing with the
    farmer kept no worse off (``programme``), and names the view.

    ``units`` (one per row, :func:`agriremed.stages.advice.area_units`; default all ``'mu'``)
    gives the area unit of the money clause: per hectare and per mu (``'mu'``) or per hectare only.

    Each part of a sentence is built once per distinct value of the columns it reads.
    """
    n = len(b["option_id"])
    kind = b["option_kind"]
    body = np.full(n, None, dtype=object)
    if not n:
        return body
    M = Message.of
    col, code = _VIEW_NPV[economics_view]
    units = np.full(n, "mu", dtype=object) if units is None else np.asarray(units, dtype=object)
    # the programme view: an option that costs the programme less than doing nothing "saves" (never
    # "costs −x"), one that costs what doing nothing costs has "no programme cost"
    npv = _frames.per_distinct(lambda x, u: M(f"{code}_na", years=H) if np.isnan(x)
                               else M("rec.programme_saving", money=_fmt_money(-x, money, u), years=H)
                               if code == "rec.programme_cost" and printed(x) < 0
                               else M("rec.programme_cost_zero", years=H)
                               if code == "rec.programme_cost" and printed(x) == 0
                               else M(code, money=_fmt_money(x, money, u), years=H),
                               np.asarray(b[col] if col in b else np.full(n, np.nan), dtype=float), units)
    npv = _valuation_clauses(npv, b)
    # the combined view: where subsidies or compensation make the farmer's account differ from the
    # plot's, the farmer's NPV (with them) and what the programme pays beyond doing nothing are named
    if economics_view == "combined" and "npv_farmer_vs_baseline_cny_ha" in b:
        # amounts that print as 0 are 0 (a farmer's NPV of −1e-11 is not "-0")
        farmer = np.asarray(b["npv_farmer_vs_baseline_cny_ha"], float)
        farmer = np.where(np.abs(farmer) < 0.5, 0.0, farmer)
        whole = np.asarray(b[col], float)
        # the programme's cost beyond doing nothing, the farmer kept no worse off (programme_cost_cny_ha)
        prog = np.asarray(b["programme_cost_cny_ha"], float) if "programme_cost_cny_ha" in b else farmer - whole
        # a PV plant's accounts differ by the developer's, said by its own clause below
        pv = np.isfinite(np.asarray(b["pv_developer_npv_cny_ha"], float)) if "pv_developer_npv_cny_ha" in b \
            else np.zeros(n, bool)
        split = np.flatnonzero(np.isfinite(farmer) & np.isfinite(whole) & np.isfinite(prog) & ~pv
                               & (np.abs(farmer - whole) >= 1.0))
        if len(split):
            npv = npv.copy()
            npv[split] = [M("rec.npv_split_farmer_same", npv=npv[i], programme=_fmt_money(prog[i], money, units[i]))
                          if farmer[i] == 0 else
                          M("rec.npv_split", npv=npv[i], farmer=_fmt_money(farmer[i], money, units[i]),
                            programme=_fmt_money(prog[i], money, units[i])) for i in split]
    if economics_view == "farmer":
        npv = _farmer_view_split(npv, b, money, units)
    npv = _assumed_subsidy_clause(npv, b)
    # a PV plant: the developer's own account beside the amount of the view
    lease = np.asarray(b["pv_lease_cny_ha_yr"], float) if "pv_lease_cny_ha_yr" in b else np.full(n, np.nan)
    dev = np.asarray(b["npv_developer_vs_baseline_cny_ha"], float) if "npv_developer_vs_baseline_cny_ha" in b \
        else np.full(n, np.nan)
    pv_at = np.flatnonzero(np.isfinite(lease) & np.isfinite(dev))
    if len(pv_at):
        npv = npv.copy()
        npv[pv_at] = [M("rec.npv_developer", npv=npv[i], money=_fmt_money(dev[i], money, units[i]))
                      for i in pv_at]
    # a PV plant no developer would finance (its NPV below 0): no lease; say so, with the price and the
    # developer's NPV (the amount of the view is the landholder's, who carries the plant)
    plant = np.asarray(b["pv_developer_npv_cny_ha"], float) if "pv_developer_npv_cny_ha" in b else np.full(n, np.nan)
    tariff = np.asarray(b["pv_tariff_cny_kwh"], float) if "pv_tariff_cny_kwh" in b else np.full(n, np.nan)
    off_at = np.flatnonzero(np.isnan(lease) & (plant < 0))
    if len(off_at):
        npv = npv.copy()
        # a price that is the assumed default (no row for the province in pv_tariffs.csv) is said to be one
        assumed = np.asarray(b["pv_tariff_assumed"], bool) if "pv_tariff_assumed" in b else np.zeros(n, bool)
        npv[off_at] = [M("rec.npv_pv_not_viable_assumed" if assumed[i] else "rec.npv_pv_not_viable", npv=npv[i],
                         tariff=float(tariff[i]), money=_fmt_money(plant[i], money, units[i])) for i in off_at]
    # a value that prints as zero is written "0.0", never "-0.0" or "+0.0"
    # a net emission (a negative benefit) is said as emissions added, with the magnitude
    co2 = _frames.per_distinct(lambda x: Message() if np.isnan(x) else M("rec.co2_zero") if printed(x, 1) == 0
                               else M("rec.co2_more", co2e_t_ha_yr=-printed(x, 1)) if printed(x, 1) < 0
                               else M("rec.co2", co2e_t_ha_yr=printed(x, 1)), b["net_co2e_vs_baseline_t_ha_yr"])
    untreated = _frames.per_distinct(lambda u: M("rec.untreated", metals=_title(u)) if u else Message(),
                              b["untreated_metals"])
    p = b["crop_compliance_prob"]
    # the metals the probability covers (those with a prediction and a limit), named in the sentence
    covered = b["compliance_metals"] if "compliance_metals" in b else np.full(n, "", dtype=object)
    covered = np.where(pd.isna(covered), "", covered).astype(object)
    # in a sentence led by a metal above its screening value that is not assessed in the crop, a
    # probability covering only metals at or below their screening value says so ("<code>_below")
    below = np.asarray(b["covers_below_only"], bool) if "covers_below_only" in b else np.zeros(n, bool)

    # the food standard of each row (the scenario's, or its plot's under food_standard "auto")
    stds = np.full(n, std, dtype=object) if isinstance(std, str) else _frames.obj(np.asarray(std, dtype=object))

    def meets(code, x, metals, sd, bl=False, **params):  # "<code>_for" names the metals the probability covers
        if metals:
            return M(f"{code}_below" if bl else f"{code}_for", share=_pct(x), standard=sd, metals=metals, **params)
        return M(code, share=_pct(x), standard=sd, **params)

    cleanup_cols = [c for c in ("target_metals", "target_basis", "years_p50", "years_to_target", "years_p10",
                                "years_p90", "option_kind", "class_kept_metals", "soil_mass_missing",
                                "soil_mass_assumed") if c in b]

    def cleanup(sel):
        cols = [b[c][sel] for c in cleanup_cols]
        p50, ytt = b["years_p50"][sel], b["years_to_target"][sel]
        kinds = b["option_kind"][sel] if "option_kind" in b else np.full(len(p50), "", dtype=object)
        text = duration_mod.cleanup_years_text(np.where(np.isnan(p50), ytt, p50), kinds,
                                               [t or "" for t in b["target_metals"][sel]],
                                               b["duration_kind"][sel] if "duration_kind" in b else None)
        names = (*cleanup_cols, "years_text")
        return _frames.per_distinct(lambda *v: _cleanup_text(types.SimpleNamespace(**dict(zip(names, v))), H),
                                    *cols, text)

    def each(code, sel, **parts):  # one message per row of ``sel`` from per-row parts (code: one or per row)
        idx = np.flatnonzero(sel)
        cols = {k: (v if isinstance(v, np.ndarray) and len(v) == len(idx) else np.asarray(v)[idx])
                for k, v in parts.items()}
        codes = np.full(len(idx), code, dtype=object) if isinstance(code, str) else np.asarray(code, object)[idx]
        return [M(codes[i], **{k: c[i] for k, c in cols.items()}) for i in range(len(idx))]

    # land below every screening value has no excess metal to "stay in the soil"
    clean = b["soil_class"] == "priority_protection"

    rest = np.ones(n, bool)
    sel = kind == "baseline"
    if sel.any():
        safe = _frames.per_distinct(lambda x, m, sd, bl: Message() if np.isnan(x)
                                    else meets("rec.chance", x, m, sd, bl), p[sel], covered[sel], stds[sel], below[sel])
        cls = b["soil_class"][sel]
        unmeasured = (b["metals_unmeasured"][sel] if "metals_unmeasured" in b
                      else np.full(int(sel.sum()), "", dtype=object))
        # on safe-utilisation land unchanged practice ranks first only when no measure the plan
        # expects applies: the sentence says so instead of "no other option ranks higher"; on clean
        # land with metals not measured, "every measured metal" names them
        food = _frames.obj(b["food_crop"])[sel] if "food_crop" in b else np.full(int(sel.sum()), None)
        grows_crop = np.array([isinstance(f, str) and f not in ("", "none") for f in food], bool)
        grows_food = (grows_crop & b["food_crop_is_food"][sel].astype(bool) if "food_crop_is_food" in b
                      else grows_crop)
        # a non-food crop kept on safe-utilisation land is substitute planting already in place;
        # idle safe-utilisation cultivated land left idle: no measure that would bring it back into
        # food production fits (none treats its metal), and the sentence says so
        land = _frames.obj(b["land_use"])[sel] if "land_use" in b else np.full(int(sel.sum()), None)
        # safe-utilisation wording (plans, substitute planting) only under a Chinese rule set
        china = b["china_rules"][sel].astype(bool) if "china_rules" in b else np.ones(int(sel.sum()), bool)
        on_safe = (cls == "safe_utilisation") & china
        idle_farmland = on_safe & ~grows_crop & np.isin(land, CULTIVATED_LAND_USES)
        nonfood = grows_crop & ~grows_food
        # a substitute food crop (rapeseed) kept on safe-utilisation land: substitute planting in place
        substitute = (grows_food & b["food_crop_is_substitute"][sel].astype(bool) if "food_crop_is_substitute" in b
                      else np.zeros(len(grows_food), bool))
        complies = b["crop_complies"][sel].astype(bool) if "crop_complies" in b else np.zeros(len(grows_food), bool)
        # idle strict-control farmland left idle: no food crop, as the class requires (judged as fallow)
        idle_strict = (cls == "strict_control") & ~grows_crop & np.isin(land, CULTIVATED_LAND_USES)
        code = np.select([cls == "priority_protection", on_safe & substitute, on_safe & grows_food & complies,
                          on_safe & grows_food, on_safe & nonfood, (cls == "strict_control") & nonfood, idle_farmland,
                          idle_strict],
                         ["rec.baseline_clean", "rec.baseline_substitute", "rec.baseline_complies",
                          "rec.baseline_no_measure", "rec.baseline_nonfood", "rec.baseline_nonfood_strict",
                          "rec.baseline_idle_no_measure", "rec.baseline_idle_strict"], "rec.baseline").astype(object)
        msgs = np.empty(int(sel.sum()), dtype=object)
        # a kept substitute crop says why it is safe in its own words (rec.substitute_why.<crop>)
        # … where the deciding gain of a measure is near the threshold, the opening says one comes close
        near = b["gain_near"][sel].astype(bool) if "gain_near" in b else np.zeros(len(code), bool)
        code = np.where(near & (code == "rec.baseline_no_measure"), "rec.baseline_no_measure_near", code)
        msgs[:] = [M("rec.baseline_clean_measured", chance=c, metals=u) if k == "rec.baseline_clean" and u
                   else M(k, chance=c, crop=str(f)) if k == "rec.baseline_substitute"
                   else M(k, chance=c) for k, c, u, f in zip(code, safe, unmeasured, food, strict=True)]
        body[sel] = msgs
        rest &= ~sel
    sel = kind == "phytoextraction"
    if sel.any():
        seasons = b["compliant_season_fraction"][sel] if "compliant_season_fraction" in b \
            else np.full(int(sel.sum()), np.nan)
        food = _frames.per_distinct(lambda fc, x, m, sd, bl: meets("rec.seasons", x, m, sd, bl, crop=fc)
                                    if fc not in ("none", None) and not np.isnan(x) else Message(),
                                    b["food_crop"][sel], seasons, covered[sel], stds[sel], below[sel])
        body[sel] = each("rec.phytoextraction", sel, cleanup=cleanup(sel), seasons=food, npv=npv[sel],
                         co2=co2[sel], untreated=untreated[sel])
        rest &= ~sel
    sel = kind == "phytomanagement"
    if sel.any():
        # per mu beside per hectare where the plot's area unit is the mu, as the money clauses are
        mu = units[sel] == "mu"
        per_mu = advice_mod.ha_per_mu()
        energy = _frames.per_distinct(
            lambda x, m: Message() if np.isnan(x) else
            M("rec.energy_mu", energy_gj_mu_yr=printed(x * per_mu, 1), energy_gj_ha_yr=printed(x)) if m
            else M("rec.energy", energy_gj_ha_yr=printed(x)), b["useful_energy_gj_ha_yr"][sel], mu)
        biomass = _frames.per_distinct(lambda x: printed(x, 1), b["biomass_t_dm_ha_yr"][sel])
        biomass_mu = _frames.per_distinct(lambda x: printed(x * per_mu, 2), b["biomass_t_dm_ha_yr"][sel])
        body[sel] = each(np.where(units == "mu", "rec.phytomanagement_mu", "rec.phytomanagement"), sel,
                         biomass_t_dm_ha_yr=biomass, biomass_t_dm_mu_yr=biomass_mu, energy=energy,
                         cleanup=cleanup(sel), npv=npv[sel], co2=co2[sel], untreated=untreated[sel])
        rest &= ~sel
    sel = (kind == "immobilisation") | (kind == "safe_crop")
    if sel.any():
        safe = np.full(n, None, dtype=object)
        safe[sel] = _frames.per_distinct(lambda x, m, sd, bl: M("rec.crop_unknown") if np.isnan(x)
                                         else meets("rec.crop_meets", x, m, sd, bl), p[sel], covered[sel], stds[sel],
                                         below[sel])
        # a measure that treats none of the metals putting safe-utilisation land in its class (the
        # off-class rule allows it): the sentence says that no measure of the library treats them
        # and that the option only protects the crop from the metal it treats, as the sentence of
        # unchanged practice does where no measure fits (rec.baseline_no_measure)
        off = sel & (np.asarray(b["off_class"], bool) if "off_class" in b else np.zeros(n, bool))
        on = sel & ~off
        # a metal above its screening value that the option treats but no transfer function predicts
        # in the crop (Hg of a paddy switched to maize): named before the probability of the others
        unseen = _frames.obj(b["treats_unassessed"]) if "treats_unassessed" in b else np.full(n, "", dtype=object)
        told = on & (unseen != "")
        if told.any():
            safe[told] = [M("rec.treats_unassessed", metals=m) + x for m, x in zip(unseen[told], safe[told],
                                                                                  strict=True)]
        if on.any():
            body[on] = each(np.where(clean, "rec.protect_clean", "rec.protect"), on, safe=safe, npv=npv,
                            co2=co2, untreated=untreated)
        if off.any():
            title = _frames.per_distinct(lambda m: _title(m if isinstance(m, str) else ""), _frames.obj(b["untreated_metals"])[off])
            treated = _frames.per_distinct(lambda m: _title(m if isinstance(m, str) else ""), _frames.obj(b["target_metals"])[off])
            body[off] = each("rec.protect_off_class", off, safe=safe, npv=npv, co2=co2, class_metals=title,
                             metals=treated)
        rest &= ~sel
    if rest.any():
        body[rest] = each(np.where(clean, "rec.no_food_body_clean", "rec.no_food_body"), rest, npv=npv[rest],
                          co2=co2[rest])
    return body


def _valuation_clauses(npv: np.ndarray, b: dict) -> np.ndarray:
    """The money clauses ``npv`` (one per row of the columns ``b``) with how doing nothing's crop is valued where
    that decides the NPV against it: on strict-control land where the rule set forbids the edible crop doing
    nothing keeps growing (``baseline_banned``, scenario ``strict_baseline_crop``: not sold at all, or sold as
    grain over the food limit), and elsewhere where the value of the harvests over the food limit drives the
    difference (``over_limit``, :func:`_over_limit_clause`)."""
    n = len(npv)
    M = Message.of
    banned = np.asarray(b["baseline_banned"], dtype=object) if "baseline_banned" in b else np.full(n, None)
    at = np.flatnonzero(pd.notna(banned))
    if len(at):
        npv = npv.copy()
        npv[at] = [M({"not_sold": "rec.npv_not_sold", "not_grown": "rec.npv_not_grown"}.get(banned[i],
                                                                                        "rec.npv_banned_sold"),
                     npv=npv[i])
                   for i in at]
    over = np.asarray(b["over_limit"], dtype=object) if "over_limit" in b else np.full(n, None, dtype=object)
    at = np.flatnonzero(pd.notna(over))
    if len(at):
        npv = npv.copy()
        npv[at] = [M(over[i][0], npv=npv[i], **over[i][1]) for i in at]
    return npv


def _shared_metals(a, b, minus=None) -> str:
    """The metals of ``a`` that are also in ``b`` and not in ``minus`` ('+'-joined codes, in the order
    of ``a``; '' none).

    Examples
    --------
    >>> _shared_metals("cd+hg", "hg"), _shared_metals("cd", "hg"), _shared_metals(None, "hg")
    ('hg', '', '')
    >>> _shared_metals("cd+hg", "cd+hg", "cd"), _shared_metals("cd+hg", "cd+hg", None)
    ('hg', 'cd+hg')
    """
    if not isinstance(a, str) or not isinstance(b, str):
        return ""
    other = set(b.split("+")) - (set(minus.split("+")) if isinstance(minus, str) else set())
    return "+".join(m for m in a.split("+") if m and m in other)


def _expected_without_coordinates(table: pd.DataFrame, g, n: int):
    """Plots (positions among ``n``) and options the rule set expects whose PV yield was not computed
    for want of the plot's lat/lon (``pv_capex_cny_ha`` set, ``specific_yield_kwh_kwp_yr`` NaN) and
    that are not recommended."""
    need = ("policy_status", "pv_capex_cny_ha", "specific_yield_kwh_kwp_yr", "applicable", "recommended")
    if not all(c in table for c in need):
        return np.zeros(0, np.intp), np.zeros(0, dtype=object)
    rows = np.flatnonzero((_frames.obj(table["policy_status"]) == "expected") & table["applicable"].to_numpy(bool)
                          & np.isfinite(table["pv_capex_cny_ha"].to_numpy(float))
                          & np.isnan(table["specific_yield_kwh_kwp_yr"].to_numpy(float))
                          & ~table["recommended"].to_numpy(bool) & (g.plot >= 0))
    _, first = np.unique(g.plot[rows], return_index=True)  # one per plot
    rows = rows[first]
    return g.plot[rows], _frames.obj(table["option_id"])[rows]


def _add_clauses(ahead_msg: np.ndarray, ok: np.ndarray, table: pd.DataFrame, g, P: pd.DataFrame, n: int,
                 tables: Tables) -> None:
    """Append to the runner-up clause (``ahead_msg``, one per recommended plot, in place) what the
    sentence must add: an expected PV option that could not be assessed and why, unchanged
    practice that outscores the recommended measure, and the in–out balance of cultivated land where
    the recommended option turns cultivated land that is not permanent basic farmland into forest
    (``rec.forest_balance``, :func:`agriremed.stages.advice.forest_balance_rows`; ``ok``: plots with a
    recommended option)."""
    # an option the rule set expects (PV on unused land) whose yield needs the plot's coordinates and province:
    # the sentence says it could not be assessed and why (its NPV is unknown, so it ranks with the allowed options)
    pos_ok = np.cumsum(ok) - 1  # position of each recommended plot among them
    # with lat/lon given, the yield is missing because the region names no province agriremed places
    has_latlon = np.isfinite(P["lat"].to_numpy(float)) & np.isfinite(P["lon"].to_numpy(float)) \
        if "lat" in P and "lon" in P else np.zeros(n, bool)
    for i, o in zip(*_expected_without_coordinates(table, g, n), strict=True):
        if not ok[i]:
            continue
        j = int(pos_ok[i])
        part = Message.of("rec.pv_no_province" if has_latlon[i] else "rec.pv_no_coords", option=o)
        ahead_msg[j] = ahead_msg[j] + part if ahead_msg[j] else Message.of("rec.then", clause=part)
    # a recommended PV option whose yield was computed at the coordinates of the plot's place: the sentence says so
    if "pv_note_msg" in table and "recommended" in table:
        rec = np.flatnonzero(table["recommended"].to_numpy(bool) & (g.plot >= 0))
        for r in rec:
            part = _place_part(_frames.obj(table["pv_note_msg"])[r])
            i = g.plot[r]
            if part and ok[i]:
                j = int(pos_ok[i])
                part = Message.of("rec.pv_place_coords", **dict(part.parts[0][1]))
                ahead_msg[j] = ahead_msg[j] + part if ahead_msg[j] else Message.of("rec.then", clause=part)
    # unchanged practice, only allowed, scores above the recommended measure the rule set expects and is
    # not the runner-up the clause names: the sentence says so (a potato field's biochar at a loss)
    for i, sc in zip(*_baseline_scores_higher(table, g), strict=True):
        if ok[i]:
            j = int(pos_ok[i])
            part = Message.of("rec.baseline_higher", score=f"{sc:.2f}")
            ahead_msg[j] = ahead_msg[j] + part if ahead_msg[j] else Message.of("rec.then", clause=part)
    # trees on cultivated land that is not permanent basic farmland: the county's approval and 进出平衡
    rec = np.flatnonzero((g.plot >= 0) & table["recommended"].to_numpy(bool)) if "recommended" in table \
        else np.zeros(0, np.intp)
    if len(rec) and "land_use" in P:
        plot = g.plot[rec]
        bf = P["basic_farmland"].to_numpy(object)[plot] if "basic_farmland" in P else np.full(len(rec), None)
        wood = advice_mod.forest_balance_rows(P["land_use"].to_numpy(object)[plot], bf,
                                              _frames.obj(table["option_id"])[rec], tables)
        for i in plot[wood & ok[plot]]:
            j = int(pos_ok[i])
            part = Message.of("rec.forest_balance")
            ahead_msg[j] = ahead_msg[j] + part if ahead_msg[j] else Message.of("rec.then", clause=part)


def _geogenic_clauses(ahead_msg: np.ndarray, ok: np.ndarray, table: pd.DataFrame, crop, best: np.ndarray,
                      runner: np.ndarray, geo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The notes on the karst/geogenic adjustment of each plot (``geo``: the encoded parts of
    :func:`agriremed.engine.pipeline.geogenic_notes`), kept for the crops its sentence compares — the crop grown
    (``crop``), the recommended option's (row ``best`` of ``table``) and the runner-up's (row ``runner``; −1:
    none), ``food_crop`` ``current`` being the crop grown: ``rec.geogenic`` (each adjustment applied, with its
    factor, number of surveys and sources) and ``rec.geogenic_not_applied`` (the flag given outside the provinces
    of the adjustment's surveys). Where the recommended option switches to another crop whose prediction carries
    an adjustment, the runner-up clause (``ahead_msg``, one per plot of ``ok``, in place) says the switch relies on
    it (``rec.geogenic_switch``): a switch off rice that a one-survey maize adjustment makes safe (issue 16, F4).

    Returns
    -------
    tuple of numpy.ndarray
        Per plot, the note of the adjustments applied and that of those not applied (empty :class:`Message`
        where none).
    """
    n = len(geo)
    note = np.full(n, Message(), dtype=object)
    off = np.full(n, Message(), dtype=object)
    has = np.flatnonzero(_given(geo))
    if not len(has):
        return note, off
    grown = _frames.obj(np.asarray(crop, dtype=object)) if crop is not None else np.full(n, None, dtype=object)
    food = _frames.obj(table["food_crop"]) if "food_crop" in table else np.full(len(table), None, dtype=object)

    def crop_of(rows, i):  # the crop an option grows on plot i (None: no food crop, or no such option)
        if rows[i] < 0:
            return None
        c = food[rows[i]]
        return grown[i] if c == "current" else (None if pd.isna(c) or c in ("none", "") else c)

    pos_ok = np.cumsum(ok) - 1
    for i in has:
        rec_crop = crop_of(best, i)
        compared = {grown[i], rec_crop, crop_of(runner, i)} - {None}
        applied, declined = [], []
        for code, p in Message.decode(geo[i]).parts:
            p = dict(p)
            c = p.get("crop") if code == "rec.geogenic_crop" else p.get("crops")
            if c not in compared:
                continue
            (applied if code == "rec.geogenic_crop" else declined).append(p)
        if applied:
            note[i] = Message.of("rec.geogenic", adjustments=sum(
                (Message.of("rec.geogenic_crop", **p) for p in applied), Message()))
        if declined:
            off[i] = Message.of("rec.geogenic_not_applied",
                                crops="|".join(dict.fromkeys(p["crops"] for p in declined)),
                                metals="+".join(dict.fromkeys(p["metals"] for p in declined)),
                                provinces="|".join(dict.fromkeys(x for p in declined
                                                                 for x in str(p["provinces"]).split("|") if x)))
        if ok[i] and rec_crop is not None and rec_crop != grown[i]:
            for p in applied:
                if p["crop"] == rec_crop:
                    j = int(pos_ok[i])
                    part = Message.of("rec.geogenic_switch", crop=grown[i], option_crop=rec_crop, metal=p["metal"])
                    ahead_msg[j] = ahead_msg[j] + part if ahead_msg[j] else Message.of("rec.then", clause=part)
    return note, off


def _baseline_scores_higher(table: pd.DataFrame, g):
    """Plots (positions) where unchanged practice, only allowed by the rule set, scores above the
    recommended option and is not its runner-up (rank > 2), with unchanged practice's score."""
    need = ("option_id", "score", "rank", "recommended", "policy_status")
    if not all(c in table for c in need) or not len(table):
        return np.zeros(0, np.intp), np.zeros(0)
    oid = _frames.obj(table["option_id"])
    score = table["score"].to_numpy(float)
    on = g.plot >= 0
    base = np.flatnonzero(on & (oid == "do_nothing") & (_frames.obj(table["policy_status"]) == "allowed")
                          & (table["rank"].to_numpy(float) > 2))
    best = np.full(int(g.plot.max()) + 1, np.nan)
    rec = np.flatnonzero(on & table["recommended"].to_numpy(bool))
    best[g.plot[rec]] = score[rec]
    higher = base[score[base] > best[g.plot[base]] + 1e-12]
    return g.plot[higher], score[higher]


def _covers_below_only(covered, exceeding) -> bool:
    """Whether the metals a probability covers (``covered``, '+'-joined) are all at or below
    their screening value while the plot has a metal above it: none of them is among ``exceeding``
    (the plot's metals above it; none above: False, the plot has nothing to tell them from).

    >>> _covers_below_only("cd", "as"), _covers_below_only("cd+as", "as"), _covers_below_only("", "as")
    (True, False, False)
    >>> _covers_below_only("cd", "cu+ni+zn"), _covers_below_only("cd", "")
    (True, False)
    """
    c = [m for m in (covered if isinstance(covered, str) else "").split("+") if m]
    over = {m for m in (exceeding if isinstance(exceeding, str) else "").split("+") if m}
    return bool(c) and bool(over) and not over.intersection(c)


def _below_where_grown(P: pd.DataFrame, land_use, food_crop, covered, tables: Tables,
                       set_id: str = "gb15618_2018") -> np.ndarray:
    """Per plot, whether every metal of ``covered`` ('+'-joined) is at or below its screening value on
    the land use its crop is grown on (``land_use`` of ``crops.csv``: maize ``upland``, rice
    ``paddy``) where that differs from the plot's ``land_use``: maize on a paddy at pH 7.2 with Cd 0.40
    mg/kg is below the paddy value (0.6) but above that of other land (0.3). True where the crop's
    land use is the plot's or not known; False where the value or the concentration is missing.

    Parameters
    ----------
    P : pandas.DataFrame
        Plots (``ph`` [–], ``<metal>_mg_kg`` [mg kg⁻¹]), one row per plot.
    land_use, food_crop, covered : array_like
        Per plot: its land use, the recommended option's food crop and the metals its probability covers.
    tables : Tables
        Literature tables (``crops.csv``, ``soil_thresholds.csv``).
    set_id : str
        Threshold set.

    Returns
    -------
    numpy.ndarray of bool
    """
    n = len(P)
    out = np.ones(n, bool)
    c = tables.crops
    if not n or "land_use" not in c:
        return out
    grown_on = dict(zip(c["crop"], c["land_use"].fillna(""), strict=True))
    lu = _frames.obj(np.asarray(land_use if land_use is not None else np.full(n, None), dtype=object))
    grown = np.array([grown_on.get(f, "") if isinstance(f, str) else "" for f in _frames.obj(food_crop)], dtype=object)
    moved = (grown != "") & (grown != lu)
    cov = _frames.obj(np.asarray(covered, dtype=object))
    ph = P["ph"].to_numpy(float)
    for m in C.METALS:
        rows = np.flatnonzero(moved & np.array([isinstance(x, str) and m in x.split("+") for x in cov], bool))
        if not len(rows):
            continue
        col = C.metal_column(m)
        conc = P[col].to_numpy(float)[rows] if col in P else np.full(len(rows), np.nan)
        value = soil_mod.threshold_values(ph[rows], grown[rows], m, "screening", tables, set_id)
        out[rows] &= conc <= value  # NaN on either side: not said to be below
    return out


#: The part on metals not assessed in the crop (rec.not_assessed_*) → its form at the head of the
#: sentence (rec.not_assessed_lead_*, no leading space, a dash before what to do).
_LEAD_PREFIX = ("rec.not_assessed_", "rec.not_assessed_lead_")


def _lead_form(m: Message) -> Message:
    """The message ``m`` on metals not assessed in the crop (``rec.not_assessed_*``, reasons
    nested in it as they are) in its form at the head of the sentence (``rec.not_assessed_lead_*``)."""
    old, new = _LEAD_PREFIX
    parts = tuple((new + c[len(old):] if c.startswith(old) else c,
                   tuple((k, _lead_form(v) if isinstance(v, Message) and k in ("first", "second") else v)
                         for k, v in p)) for c, p in m.parts)
    return Message(parts)


def _below_target(body: np.ndarray, b: dict, std, target: float, base_p=None) -> np.ndarray:
    """The sentence bodies, with the warning ``rec.below_target`` after each whose option keeps a
    food crop predicted to meet ``std`` with a probability (share of food seasons where the option
    has them) below ``target`` [0–1], whatever the soil class: a safe-utilisation plot only counts as
    safely used with compliant produce, and a harvest over the limit is unsafe on any land. The warning
    says plainly how many harvests are predicted above the limit
    (:func:`agriremed.stages.advice.harvests_over`: about 4 in 10). On priority-protection land under a
    Chinese rule set (soil at or below every screening value) it is ``rec.below_target_priority``: the
    soil is clean but the crop prediction is high, so the class is re-checked with crop monitoring data;
    ``rec.below_target_priority_now`` where the option is not unchanged practice and the crop as now
    (``base_p``, one per row) is predicted over the limit in more harvests."""
    if not len(body):
        return body
    p = _gate_compliance(b)
    food = np.array([isinstance(f, str) and f not in ("", "none") for f in _frames.obj(b["food_crop"])], bool) \
        if "food_crop" in b else np.zeros(len(body), bool)
    sel = food & ~np.isnan(p) & (p < float(target))
    out = body.copy()
    stds = np.full(len(body), std, dtype=object) if isinstance(std, str) else _frames.obj(np.asarray(std, dtype=object))
    # the class re-check and strict-control measures are Chinese rules: elsewhere only the harvest test
    china = np.asarray(b["china_rules"], bool) if "china_rules" in b else np.ones(len(body), bool)
    code = np.where(china, "rec.below_target", "rec.below_target_local")
    # a crop whose median harvest meets the limit (p ≥ 0.5) is only below the plan's target: test the harvest,
    # no class re-check or strict-control wording, which are for a crop predicted over the limit
    code = np.where(p >= 0.5, "rec.below_target_near", code)
    # soil at or below every screening value (priority protection) with a crop predicted over the limit:
    # the harvest test, and the class re-checked with crop monitoring data (no strict-control wording)
    base = np.full(len(body), np.nan) if base_p is None else np.asarray(base_p, float)
    baseline = _frames.obj(b["option_kind"]) == "baseline" if "option_kind" in b else np.zeros(len(body), bool)
    now = ~baseline & ~np.isnan(base) & (base < p)
    prio = china & (_frames.obj(np.asarray(b["soil_class"], dtype=object)) == "priority_protection")
    code = np.where(prio, np.where(now, "rec.below_target_priority_now", "rec.below_target_priority"), code)
    # a share that would print as the target although below it gets one decimal, rounded down ('89.9 %' < '90 %')
    out[sel] = [Message.of(c, body=bd, standard=sd,
                           share=f"{math.floor(1000 * x) / 10:.1f} %" if _pct(x) == _pct(float(target)) else _pct(x),
                           target=_pct(float(target)),
                           over=advice_mod.harvests_over(x),
                           **({"now_over": advice_mod.harvests_over(y)} if c == "rec.below_target_priority_now"
                              else {}))
                for c, bd, x, y, sd in zip(code[sel], body[sel], p[sel], base[sel], stds[sel], strict=True)]
    return out


def _gate_compliance(b: dict) -> np.ndarray:
    """Per sentence row: the compliance the ranking's target and gain rules compare (``food_compliance_central``:
    the share of food seasons that meet the limit, else the probability in a season, with every crop reduction
    at its typical value; with Monte Carlo draws not their mean), so that a clause explaining a rule quotes its
    number; without that column the share of seasons, else ``crop_compliance_prob``."""
    p = np.asarray(b["crop_compliance_prob"], float)
    if "compliant_season_fraction" in b:
        seasons = np.asarray(b["compliant_season_fraction"], float)
        p = np.where(np.isnan(seasons), p, seasons)
    if "food_compliance_central" in b:
        mid = np.asarray(b["food_compliance_central"], float)
        p = np.where(np.isnan(mid), p, mid)
    return p


def _slight_gain(body: np.ndarray, b: dict, base_p, min_gain: float) -> np.ndarray:
    """The sentence bodies, with ``rec.slight_gain`` after each whose option is a measure for the
    crop (amendment, safe crop) on safe-utilisation land under a Chinese rule set that costs more
    than unchanged practice (NPV vs doing nothing below 0) and raises the crop's compliance
    probability by less than ``min_gain`` [0–1] (and by at least the 0.05 percentage points its
    text prints) over unchanged practice (``base_p``): the plan
    expects a measure and this is the one recommended, but the sentence says it makes the crop
    only slightly safer for its cost."""
    if not len(body):
        return body
    p = np.asarray(b["crop_compliance_prob"], float)
    gain = p - np.asarray(base_p, float)
    kind = _frames.obj(b["option_kind"])
    npv = np.asarray(b["npv_vs_baseline_cny_ha"], float)
    china = np.asarray(b["china_rules"], bool) if "china_rules" in b else np.ones(len(body), bool)
    sel = (np.isin(kind, ("immobilisation", "safe_crop")) & (b["soil_class"] == "safe_utilisation") & china
           & ~np.isnan(gain) & (gain >= 0.0005) & (gain < float(min_gain)) & (npv < 0))
    out = body.copy()
    out[sel] = [Message.of("rec.slight_gain", body=bd, points=printed(100.0 * g, 1))
                for bd, g in zip(body[sel], gain[sel], strict=True)]
    return out


def _food_compliance(table: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """The compliance the ranking compares (``food_compliance`` of :func:`agriremed.stages.ranking.rank_options`)
    of the plan-table rows ``rows`` (−1: none, NaN): the share of the food seasons that meet the limit
    (``compliant_season_fraction``), else the probability in a season (``crop_compliance_prob``), from the
    central compliance where the table has it (``food_compliance_central``: :func:`_gate_compliance`)."""
    return _frames.take(_gate_compliance({c: table[c].to_numpy(float) for c in
                                          ("crop_compliance_prob", "compliant_season_fraction",
                                           "food_compliance_central") if c in table}), rows)


def _dominant_gain(body: np.ndarray, b: dict, base_p, min_gain: float, H: int, money=("CNY", 1.0),
                   units=None) -> np.ndarray:
    """The sentence bodies, with ``rec.dominant_gain`` after each whose option is recommended although it
    raises the crop's compliance over unchanged practice (``base_p``, the compliance the ranking compares)
    by less than ``min_gain`` [0–1]: it dominates unchanged practice for the farmer (``dominates_baseline``,
    :func:`agriremed.stages.ranking.dominates_baseline`: it keeps the crop, produces no less food, makes it
    more often compliant and earns more from the harvest itself, without carbon credits or subsidies), and
    the sentence says so with the farmer's gain from the land itself (``npv_farmer_own_vs_baseline_cny_ha``)."""
    if not len(body) or "dominates_baseline" not in b or "npv_farmer_own_vs_baseline_cny_ha" not in b:
        return body
    p = _gate_compliance(b)
    gain = p - np.asarray(base_p, float)
    dom = np.asarray(pd.array(b["dominates_baseline"], dtype="boolean").fillna(False), bool)
    own = np.asarray(b["npv_farmer_own_vs_baseline_cny_ha"], float)
    units = np.full(len(body), "mu", dtype=object) if units is None else units
    sel = np.flatnonzero(dom & ~np.isnan(gain) & (gain < float(min_gain)) & ~np.isnan(own))
    out = body.copy()
    out[sel] = [Message.of("rec.dominant_gain", body=body[i], points=printed(100.0 * gain[i], 1),
                           threshold=printed(100.0 * float(min_gain), 1), years=H,
                           money=_fmt_money(own[i], money, units[i])) for i in sel]
    return out


def _less_safe_for_unseen(body: np.ndarray, b: dict, base_p) -> np.ndarray:
    """The sentence bodies, with ``rec.less_safe_for_unseen`` after each whose option treats a metal
    above its screening value that no transfer function predicts in the crop (``treats_unassessed``:
    Hg of a paddy switched to maize) while its crop is predicted within the food limit less often,
    for the metals the probability covers, than the crop grown now (``base_p``): the option is
    chosen for the metal it treats, and the sentence says what it costs in the others."""
    if not len(body) or "treats_unassessed" not in b:
        return body
    p = np.asarray(b["crop_compliance_prob"], float)
    now = np.asarray(base_p, float)
    unseen = _frames.obj(b["treats_unassessed"])
    sel = (unseen != "") & ranking_mod.less_often_compliant(p, now)
    out = body.copy()
    out[sel] = [Message.of("rec.less_safe_for_unseen", body=bd, metals=m, share=_pct(x), now=_pct(y),
                           treated=t)
                for bd, m, x, y, t in zip(body[sel], _frames.obj(b["compliance_metals"])[sel], p[sel], now[sel],
                                          unseen[sel], strict=True)]
    return out


_SENTENCE_COLUMNS = ("option_id", "option_name", "option_kind", "npv_vs_baseline_cny_ha",
                     "net_co2e_vs_baseline_t_ha_yr", "untreated_metals", "class_kept_metals", "crop_compliance_prob",
                     "compliance_metals", "soil_class",
                     "food_crop", "compliant_season_fraction", "target_metals", "target_basis", "duration_kind",
                     "years_p50", "years_to_target", "years_p10", "years_p90", "useful_energy_gj_ha_yr", "biomass_t_dm_ha_yr",
                     "policy_rule")


def _soil_columns(soil_plot: pd.DataFrame, sp: np.ndarray) -> dict:
    """The soil columns of the summary for the plots at rows ``sp`` of ``soil_plot`` ("" where a column
    is absent)."""
    n = len(sp)
    out = {}
    for c in ("soil_class", "screening_basis", "controlling_metal", "max_exceedance_ratio", "metals_exceeding",
              "near_class_boundary", "metals_not_assessed", "metals_no_food_limit", "uptake_functions",
              "uptake_assumed_inputs"):
        if c not in soil_plot:
            out[c] = np.full(n, "", dtype=object)
            continue
        v = soil_plot[c].to_numpy(float) if c == "max_exceedance_ratio" else _frames.obj(soil_plot[c])
        out[c] = _frames.take(v, sp, np.nan if c == "max_exceedance_ratio" else None)
    return out


def _baseline_banned(table: pd.DataFrame, base: np.ndarray, soil_class, how: str, outlet=None) -> np.ndarray:
    """Per plot, on strict-control land where the rule set forbids the edible crop that doing nothing
    (row ``base`` of ``table``, −1: none) keeps growing, how the economics stage valued it (the
    scenario's ``strict_baseline_crop``, ``how``); None elsewhere. Valued as produce over the food
    limit (``noncompliant_grain``), a crop without the outlet of the scenario's ``noncompliant_grain``
    rule (vegetables, fruit) is not sold, and the farmer is taken to stop growing it (no income, no
    production cost): ``not_grown``. ``outlet`` is the economics stage's answer, per row of ``table``
    (``over_limit_outlet`` of :func:`agriremed.stages.economics.evaluate_economics`); without it every
    crop has the outlet (as the economics kernel takes it without one)."""
    n = len(base)
    base_food = _frames.take(_frames.obj(table["food_crop"]), base, None) if "food_crop" in table \
        else np.full(n, None, dtype=object)
    banned = ((_frames.obj(soil_class) == "strict_control")
              & (_frames.take(_frames.obj(table["policy_status"]), base, None) == "forbidden")
              & ~pd.isna(base_food) & (base_food != "none"))
    out = np.where(banned, how, None).astype(object)
    at = np.flatnonzero(banned)
    if how == "noncompliant_grain" and outlet is not None and len(at):
        none = np.array([pd.notna(h) and not h for h in _frames.obj(outlet)[base[at]]], dtype=bool)
        out[at[none]] = "not_grown"   # nothing of it may be sold: the farmer stops growing it
    return out


#: Economics views whose money clause names how produce over the food limit is valued (:func:`_over_limit_clause`):
#: the combined NPV (its value to anyone) and the farmer's (the price share paid to the farmer).
OVER_LIMIT_VIEWS = {"combined": 1, "farmer": 0}


def _over_limit_clause(s: dict, b: dict, base: np.ndarray, outlet, scenario, tables: Tables) -> np.ndarray:
    """Per plot, how the money clause names the value of the harvests over the food limit, where that value
    drives the NPV against doing nothing: the recommended option is an amendment or safe crop (``kind``
    immobilisation, safe_crop) keeping the crop doing nothing grows (its ``food_crop`` current or that crop),
    the predicted share of harvests meeting the limit differs from doing nothing's at the printed percent and
    doing nothing has harvests over the limit, and those are valued below the full price in the scenario's
    economics view (:data:`OVER_LIMIT_VIEWS`). Then the difference in NPV is mostly the extra harvests that
    meet the limit, each worth the price less what produce over the limit is worth: ``(code, params)`` of
    ``rec.npv_over_limit`` (the share of the price under the scenario's ``noncompliant_grain`` rule and its
    name) or, where the crop has no outlet under that rule (vegetables, fruit, tea: the ``destroyed`` row of
    ``noncompliant_grain.csv``, :func:`agriremed.stages.economics.noncompliant_outlets`), of
    ``rec.npv_over_limit_none`` (worth 0, the crop named); None elsewhere (strict-control land, whose doing
    nothing is valued by its own clause, included)."""
    n = len(base)
    out = np.full(n, None, dtype=object)
    which = OVER_LIMIT_VIEWS.get(scenario.economics_view)
    need = ("option_kind", "food_crop", "crop_compliance_prob")
    if which is None or not n or any(c not in b for c in need) or s["crop"] is None:
        return out
    crop = _frames.obj(s["crop"])
    food = _frames.obj(b["food_crop"])
    kind = _frames.obj(b["option_kind"])
    p_rec = np.asarray(b["crop_compliance_prob"], float)
    p_base = np.asarray(s["current_crop_compliance_prob"], float)
    banned = (np.asarray(b["baseline_banned"], dtype=object) if "baseline_banned" in b
              else np.full(n, None, dtype=object))
    keeps = np.isin(kind, ("immobilisation", "safe_crop")) & ((food == "current") | (food == crop))
    moves = (np.isfinite(p_rec) & np.isfinite(p_base) & (np.round(100 * p_base) < 100)
             & (np.round(100 * p_rec) != np.round(100 * p_base)))
    at = np.flatnonzero(keeps & moves & pd.isna(banned) & (base >= 0))
    if not len(at):
        return out
    rule = scenario.noncompliant_grain
    share = economics_mod.noncompliant_fractions(rule, tables, scenario.noncompliant_price_fraction)[which]
    has = (np.ones(len(at), bool) if outlet is None
           else np.array([not (pd.notna(h) and not h) for h in _frames.obj(outlet)[base[at]]], dtype=bool))
    none_share = economics_mod.noncompliant_fractions(economics_mod.NO_OUTLET_RULE, tables)[which]
    for i, h in zip(at, has, strict=True):
        v = share if h else none_share
        if v >= 1.0:
            continue  # produce over the limit worth the full price: its value does not move the NPV
        out[i] = (("rec.npv_over_limit", {"share": f"{100 * v:.0f} %", "rule": rule}) if h
                  else ("rec.npv_over_limit_none", {"crop": str(crop[i])}))
    return out


def _compensation(P: pd.DataFrame, table: pd.DataFrame, base: np.ndarray, best: np.ndarray, banned, soil_class,
                  scenario, tables: Tables) -> dict:
    """The summary's :data:`agriremed.stages.economics.COMPENSATION_COLUMNS` of the plots ``P``: on the plots
    whose crop doing nothing (row ``base`` of ``table``) keeps growing the rule set forbids on strict-control
    land (``banned``, :func:`_baseline_banned`: not None) and that have a recommended option (row ``best``),
    the farmer's lost legal income, the compensation paid and the gap
    (:func:`agriremed.stages.economics.compensation_columns`); blank on every other plot."""
    n = len(best)
    out = {c: np.full(n, np.nan) for c in economics_mod.COMPENSATION_COLUMNS[:6]}
    out["compensation_basis"] = np.full(n, None, dtype=object)
    out["compensation_basis_msg"] = np.full(n, "", dtype=object)
    if banned is None or not n:
        return out
    on = np.flatnonzero(pd.notna(np.asarray(banned, dtype=object)) & (np.asarray(best) >= 0))
    if not len(on):
        return out

    def rec(c):  # the recommended option's value of a money column of the plan table
        return (_frames.take(table[c].to_numpy(float), best[on]) if c in table else np.full(len(on), np.nan))

    region = _frames.obj(P["region"])[on] if "region" in P else np.full(len(on), None, dtype=object)
    cols = economics_mod.compensation_columns(
        _frames.take(_frames.obj(table["food_crop"]), base[on], None),
        _frames.take(_frames.obj(table["option_id"]), best[on], None), _frames.obj(soil_class)[on], region,
        plot_rice_seasons(P)[on], P["area_ha"].to_numpy(float)[on], rec("npv_farmer_cny_ha"), rec("subsidy_cny_ha"),
        scenario.discount_rate, scenario.horizon_yr, tables,
        alternatives=economics_mod.compensated_alternatives(table, _frames.obj(P["plot_id"])[on], tables))
    for c in economics_mod.COMPENSATION_COLUMNS:
        out[c][on] = cols[c]
    return out


def _climate_unchecked(recommended, plots: pd.DataFrame, tables: Tables) -> tuple[np.ndarray, np.ndarray]:
    """What the plot's missing climate left unchecked for its recommended option: the rain of full
    yield [mm] of a water-limited crop on a plot without ``annual_rain_mm`` (it got the unlimited
    yield), and on a plot without ``mean_temp_c`` the mean temperature [°C] the option needs (the
    higher of its lowest temperature, ``min_mean_temp_c``, and that of its full yield); NaN elsewhere."""
    rec = _frames.obj(recommended)
    n = len(rec)
    # looked up once per distinct option (code −1, no option, reads the last entry: None)
    code, uniq = pd.factorize(rec, use_na_sentinel=True)
    uniq = [*uniq.tolist(), None]
    opts = tables.indexed("options", "option_id")
    species = [opts["species"].get(o, "") if isinstance(o, str) else "" for o in uniq]
    rain = options_mod.climate_for_full_yield(species, "annual_rain_mm", tables)[code]
    lowest = pd.to_numeric(opts["min_mean_temp_c"], errors="coerce")
    temp = np.fmax(np.array([lowest.get(o, np.nan) if isinstance(o, str) else np.nan for o in uniq], dtype=float),
                   options_mod.climate_for_full_yield(species, "mean_temp_c", tables))[code]

    def known(col):
        return ~np.isnan(plots[col].to_numpy(float)) if col in plots else np.zeros(n, bool)

    return np.where(known("annual_rain_mm"), np.nan, rain), np.where(known("mean_temp_c"), np.nan, temp)


def _named_standards(standard, crop, tables: Tables) -> np.ndarray:
    """The standard a sentence names for each plot's food ``standard`` and ``crop``: the plot's standard, or the
    ``standard`` of the crop group's row of ``harvest_standards.csv`` where that differs and the library holds
    the group's limits under the plot's standard (grass and silage maize under EU2023_915 are held to the feed
    limits of Directive 2002/32/EC, EU2002_32: "meets Directive 2002/32/EC", not "meets EU 2023/915")."""
    std = _frames.obj(np.asarray(standard, dtype=object))
    crops = np.full(len(std), None, dtype=object) if crop is None else _frames.obj(np.asarray(crop, dtype=object))

    def named(sd, c):
        if not isinstance(sd, str) or not isinstance(c, str):
            return sd
        row = advice_mod.harvest_standard(c, None, sd, tables)
        other = row["standard"] if row is not None and isinstance(row.get("standard"), str) else sd
        return other if other != sd and advice_mod.food_limit_group_metals(c, sd, tables) else sd

    return _frames.per_distinct(named, std, crops)


def _climate_untested(recommended, standard, china_rules, tables: Tables) -> np.ndarray:
    """The ``climate_note`` (options.csv) of each plot's recommended option where the plot lies outside China
    (a rule set not Chinese and a food standard other than GB 2762) and the option has a ``climate_note`` but
    no ``min_mean_temp_c``: no sourced temperature limit gates it, so the sentence names the climate of its
    evidence (``rec.climate_untested``: energy sorghum from northern China in Jutland); None elsewhere."""
    rec = _frames.obj(recommended)
    opts = tables.indexed("options", "option_id")
    lowest = pd.to_numeric(opts["min_mean_temp_c"], errors="coerce")
    note = opts["climate_note"] if "climate_note" in opts else pd.Series(dtype=object)
    by_option = {o: n for o, n in note.items()
                 if isinstance(n, str) and n.strip() and np.isnan(lowest.get(o, np.nan))}
    abroad = ~np.asarray(china_rules, bool) & (_frames.obj(standard) != advice_mod.CHINA_STANDARD)
    return np.array([by_option.get(o) if a and isinstance(o, str) else None
                     for o, a in zip(rec, abroad, strict=True)], dtype=object)


def _latitude_unchecked(recommended, P: pd.DataFrame, tables: Tables) -> np.ndarray:
    """Per plot, the note ``rec.latitude_unchecked`` where the recommended option has a latitude limit
    (``option_latitude_limits.csv``) that applies to the plot (scope ``outside_china``: a region naming another
    country) and neither the plot's ``lat`` nor its region decided it (rule 8b of
    :mod:`agriremed.stages.options`: no point for the region, and the country's latitude range unknown or across
    the limit); None elsewhere."""
    n = len(P)
    out = np.full(n, None, dtype=object)
    lim = getattr(tables, "option_latitude_limits", None)
    rec = _frames.obj(recommended)
    if lim is None or lim.empty or not n:
        return out
    limits = options_mod.latitude_limits(tables)  # option id → its row whose limit is a number
    rows = np.flatnonzero(np.isin(rec, list(limits)))
    lat = pd.to_numeric(P["lat"], errors="coerce").to_numpy(float) if "lat" in P else np.full(n, np.nan)
    rows = rows[np.isnan(lat[rows])]
    if not len(rows):
        return out
    region = _frames.obj(P["region"])[rows] if "region" in P else np.full(len(rows), "", dtype=object)
    abroad = np.asarray(_frames.per_distinct(lambda r: advice_mod.region_in_china(r, tables) is False, region), bool)
    where = solar_mod.latitude_from_region(region, tables)
    for j, i in enumerate(rows.tolist()):
        r = limits[rec[i]]
        scope = str(getattr(r, "scope", "outside_china") or "outside_china")
        if scope == "outside_china" and not abroad[j]:
            continue
        limit = float(r.max_lat_deg)
        if not abroad[j] and not np.isnan(where["lat"].iat[j]):
            continue  # the region's point decided
        lo, hi = where["country_low"].iat[j], where["country_high"].iat[j]
        if abroad[j] and not np.isnan(lo) and (lo > limit or hi <= limit):
            continue  # the whole country lies on one side of the limit
        part = (Message.of("rec.lat_unchecked_country", low=float(lo), high=float(hi),
                           sources="naturalearth_50m_subunits") if abroad[j] and not np.isnan(lo) else Message())
        out[i] = Message.of("rec.latitude_unchecked", option=rec[i], max_lat=limit, option_id=rec[i], where=part)
    return out


def _orchard_on_basic_farmland(s: dict, b: dict, ok: np.ndarray, tables: Tables) -> np.ndarray:
    """Plots under a Chinese rule set flagged permanent basic farmland (``basic_farmland`` yes) whose
    recommended option keeps a grown orchard crop (mulberry, tea, fruit: ``land_use`` orchard in
    ``crops.csv``; the option's ``new_land_use`` current): permanent basic farmland may not become
    orchard or garden land (自然资发〔2021〕166号, ``mnr2021_166``) and is mainly for grain
    (国办发〔2020〕44号, ``cn_nongrain2020``), so the sentence says the planting is kept only as it
    stands (``rec.bf_orchard``)."""
    n = len(ok)
    if s["basic_farmland"] is None or s["crop"] is None:
        return np.zeros(n, bool)
    crops = tables.crops
    orchard = _frames.obj(crops["crop"])[_frames.obj(crops["land_use"]) == "orchard"]
    lib = tables.options
    keeps = _frames.obj(lib["option_id"])[_frames.obj(lib["new_land_use"]) == "current"]
    bf = np.array([str(v).strip().lower() == "yes" for v in _frames.obj(s["basic_farmland"])], bool)
    return (ok & bf & np.asarray(b["china_rules"], bool) & np.isin(_frames.obj(s["crop"]), orchard)
            & np.isin(_frames.obj(b["option_id"]), keeps))


#: Option families that take permanent basic farmland out of grain for the time of strict control
#: (:func:`_nongrain_on_basic_farmland`).
NONGRAIN_FAMILIES = ("phytoextraction", "non_food_crop")


def _nongrain_on_basic_farmland(s: dict, b: dict, ok: np.ndarray, tables: Tables) -> np.ndarray:
    """Plots under a Chinese rule set on strict-control permanent basic farmland (``basic_farmland``
    yes) whose recommended option grows a non-food crop or a hyperaccumulator
    (:data:`NONGRAIN_FAMILIES`): strict control takes the land out of food production as risk control
    (Soil Pollution Law Art. 54, ``cn_soil_law2018``), but permanent basic farmland is mainly for grain
    (国办发〔2020〕44号, ``cn_nongrain2020``), so the sentence asks the officer to agree the crop with the
    county (``rec.bf_strict_nongrain``); in Hunan, which moves strict-control paddies mainly to dry grain, in
    principle not to non-grain uses (湘府阅[2020]48号, ``changde2020_rice_exit``), it says so
    (``rec.bf_strict_nongrain_hunan``, :func:`_in_hunan`)."""
    n = len(ok)
    if s["basic_farmland"] is None:
        return np.zeros(n, bool)
    lib = tables.options
    nongrain = _frames.obj(lib["option_id"])[np.isin(_frames.obj(lib["policy_family"]), NONGRAIN_FAMILIES)]
    bf = np.array([str(v).strip().lower() == "yes" for v in _frames.obj(s["basic_farmland"])], bool)
    strict = _frames.obj(np.asarray(b["soil_class"], dtype=object)) == "strict_control"
    return ok & bf & strict & np.asarray(b["china_rules"], bool) & np.isin(_frames.obj(b["option_id"]), nongrain)


def _in_hunan(s: dict, i: int, tables: Tables | None) -> bool:
    """Whether plot ``i`` of the summary columns ``s`` lies in Hunan (its region's province,
    :func:`agriremed.core.i18n.region_province`): the Hunan practice for strict-control paddies
    (湘府阅[2020]48号, ``changde2020_rice_exit``) is cited there only."""
    region = s["region"][i] if s.get("region") is not None else None
    return isinstance(region, str) and i18n.region_province(region, tables) == "hunan"


def _check_values_note(entry: str, P: pd.DataFrame, i: int) -> Message:
    """The note of the soil metal values to check of plot ``i`` of the plots ``P`` (``entry``: its
    ``values_to_check``, e.g. ``cd`` or ``cd@215+pb``, :func:`agriremed.core.columns.metal_codes`): per metal, its value [mg/kg] above the typical
    range of its column (``rec.check_value``), in a column whose median is far above soil values
    (``rec.check_column_value``) or far below soil values (``cd<``: ``rec.check_low_value``)."""
    note = Message()
    for part in C.metal_codes(entry):
        m, _, median = part.partition("@")
        low = m.endswith("<")  # a value far below soil values: read 1 000 × too low?
        m = m.rstrip("<")
        canon = C.metal_column(m)
        value = float(P[canon].iloc[i])
        if low:
            note = note + Message.of("rec.check_low_value", metal=m, value=value)
        elif median:
            note = note + Message.of("rec.check_column_value", metal=m, value=value, median=float(median))
        else:
            note = note + Message.of("rec.check_value", metal=m, value=value, hi=C.COLUMNS[canon].typical[1])
    return note


def _then(first: Message, second: Message) -> Message:
    """Two sentences one after the other (``rec.with_note``); ``second`` alone where ``first`` is empty."""
    return Message.of("rec.with_note", sentence=first, note=second) if first else second


def _abroad(region, tables: Tables | None) -> np.ndarray:
    """Plots whose region lies outside China (their GB 15618 class is for comparison only), looked up once
    per distinct region."""
    reg = np.asarray(region, dtype=object)
    return _frames.per_distinct(lambda r: advice_mod._region_in_china(r, tables) is False, reg).astype(bool)


def _near_boundary_here(near, region, tables: Tables | None) -> np.ndarray:
    """Plots whose near-boundary note (``near``: encoded, '' none) is added to the recommendation: none on a
    plot outside China, whose class is for comparison only."""
    here = _given(near)
    if here.any():
        here[here] = ~_abroad(np.asarray(region, dtype=object)[here], tables)
    return here


def _class_review(measured, soil_class) -> np.ndarray:
    """Plots whose harvest was measured above its food limit (``measured``: :func:`crop_measured`) on land the
    soil puts in priority protection: the county's classification of cultivated land combines the soil with
    the co-monitored produce, so the class may need review (``rec.class_review_measured``). The plan keeps
    the class computed from GB 15618-2018 (or the county's, where given): it is not changed on one sample."""
    n = len(soil_class)
    if measured is None:
        return np.zeros(n, bool)
    over = np.array([isinstance(x, str) and x != "" for x in measured[0]], bool)
    return over & (_frames.obj(soil_class) == "priority_protection")


def crop_measured(P: pd.DataFrame, s: dict, tables: Tables,
                  in_input: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
    """Each plot's metals measured in its harvest (:data:`C.CROP_METAL_COLUMNS`: ``crop_<metal>_mg_kg`` and
    ``crop_as_inorganic_mg_kg``) against the food limit of its crop, beside the plan's prediction; None where no
    plot of ``P`` carries such a value, unless ``in_input`` (a chunk of a streamed or dask run whose input holds
    such a value in another chunk: blank results, so that every chunk's summary has the same columns).

    The measurement is compared, not used by the prediction (one sample is no calibration). Inorganic As is
    compared with the inorganic-As limit of the crop's standard (``species`` inorganic in ``food_limits.csv``:
    rice in GB 2762); on a row where it is so compared, a total As measured beside it is not compared (the
    inorganic value decides).

    Parameters
    ----------
    P : pandas.DataFrame
        The validated plots.
    s : dict
        The summary's columns so far: ``crop``, ``food_standard``, ``current_crop_compliance_prob`` [0–1]
        and ``current_compliance_metals`` ('+'-joined metals that probability covers).
    tables : Tables
        Literature tables (``food_limits.csv``, ``crops.csv``).

    Returns
    -------
    exceeds : numpy.ndarray of object
        The metals measured above their limit ('+'-joined; inorganic As above its limit counts as ``as``), '' where
        every compared metal is within its limit (a total As above the limit for inorganic As is not counted),
        None where none was compared. A value above the typical range of its column (the registry's typical max
        [mg kg⁻¹]: a value in µg/kg?) is not compared and not counted.
    notes : numpy.ndarray of object
        Per plot, the clauses (:class:`Message`; empty where nothing was measured): ``rec.crop_measured_above``,
        ``_within``, ``_inorganic``, ``_no_limit`` or ``_check`` (a value to check) per measured metal, and
        ``rec.crop_measured_ias_above``, ``_within``, ``_no_limit`` or ``_check`` for inorganic As.
    """
    cols = [c for c in C.CROP_METAL_COLUMNS if c in P and P[c].notna().any()]
    n = len(P)
    if not cols:
        return (np.full(n, None, dtype=object), np.full(n, Message(), dtype=object)) if in_input else None
    crop = s["crop"] if s["crop"] is not None else np.full(n, None, dtype=object)
    std = _frames.obj(s["food_standard"])
    prob = np.asarray(s["current_crop_compliance_prob"], dtype=float)
    covered = [set(str(c).split("+")) if isinstance(c, str) else set() for c in s["current_compliance_metals"]]
    exceeds = np.full(n, None, dtype=object)
    notes = np.full(n, Message(), dtype=object)
    decided = _inorganic_as_decides(P, crop, std, tables)
    named = _named_standards(std, crop, tables)  # the standard each clause names (feed for forage)
    below = (_frames.obj(P["crop_censored_metals"]) if "crop_censored_metals" in P
             else np.full(n, None, dtype=object))
    dry = _dry_weight_sets(P)
    for c in cols:
        m, inorganic = C.COLUMNS[c].extra["metal"], c == C.CROP_AS_INORGANIC
        value = P[c].to_numpy(float)
        skip = decided if c == C.crop_metal_column("as") else np.zeros(n, dtype=bool)  # inorganic As decides
        has = np.flatnonzero(~np.isnan(value) & ~skip)
        if not len(has):
            continue
        limit, species = predict_mod.limits_for_crops(crop[has], np.full(len(has), m, dtype=object), std[has],
                                                      tables)
        hi = C.COLUMNS[c].typical[1]  # above the values usually measured in a crop: a unit to check
        code = "as_inorganic" if inorganic else m  # as crop_dry_weight_metals names it
        for i, lim, sp in zip(has, limit, species, strict=True):
            pred = (Message.of("rec.crop_measured_prediction", share=_pct(float(prob[i])))
                    if m in covered[i] and not np.isnan(prob[i]) else None)
            censored = code in C.metal_codes(below[i])
            clause, counted = (_below_dl_clause(m, inorganic, float(value[i]), float(lim), sp, named[i], pred,
                                                code in dry[i])
                               if censored else
                               _measured_clause(m, inorganic, float(value[i]), float(lim), sp, hi, named[i], pred,
                                                code in dry[i]))
            notes[i] = _then(notes[i], clause)
            if counted is not None:
                over = [] if exceeds[i] is None else [x for x in exceeds[i].split("+") if x]
                exceeds[i] = "+".join(over + ([m] if counted and m not in over else []))
    return exceeds, notes


def _dry_weight_sets(P: pd.DataFrame) -> list[set[str]]:
    """Per plot, the metals whose value measured in the harvest was read on a dry-weight basis
    (``crop_dry_weight_metals``, :func:`agriremed.core.columns.metal_codes`: ``cd``, ``as_inorganic``); empty sets
    without the column."""
    if C.CROP_DRY_WEIGHT not in P:
        return [set()] * len(P)
    return [set(C.metal_codes(v)) for v in _frames.obj(P[C.CROP_DRY_WEIGHT])]


def _inorganic_as_decides(P: pd.DataFrame, crop: np.ndarray, std: np.ndarray, tables: Tables) -> np.ndarray:
    """Rows whose measured inorganic As (``crop_as_inorganic_mg_kg``) is compared with an inorganic-As limit of
    their crop's food standard (a value within the column's typical range [mg kg⁻¹], a limit of species inorganic):
    there the inorganic value decides and a total As measured beside it is not compared."""
    out = np.zeros(len(P), dtype=bool)
    if C.CROP_AS_INORGANIC not in P:
        return out
    value = P[C.CROP_AS_INORGANIC].to_numpy(float)
    hi = C.COLUMNS[C.CROP_AS_INORGANIC].typical[1]
    has = np.flatnonzero(~np.isnan(value) & (value <= hi))
    if len(has):
        limit, species = predict_mod.limits_for_crops(crop[has], np.full(len(has), "as", dtype=object), std[has],
                                                      tables)
        out[has] = ~np.isnan(limit) & (species == "inorganic")
    return out


def _measured_clause(m: str, inorganic: bool, v: float, lim: float, sp, hi: float | None, standard,
                     pred: Message | None, dry: bool = False) -> tuple[Message, bool | None]:
    """The clause of one value measured in the harvest ``v`` [mg kg⁻¹] of metal ``m`` (``inorganic``: inorganic As)
    against the limit ``lim`` [mg kg⁻¹] (NaN: none) of species ``sp`` of the food standard ``standard``, the
    column's typical max ``hi`` [mg kg⁻¹] and the plan's prediction clause ``pred`` (None: the prediction does not
    cover the metal), and whether it counts as above the limit (None: not compared). ``dry``: the value was read
    on a dry-weight basis (a cereal's grain, compared as a conservative value), said after it
    (``rec.crop_measured_dry``)."""
    basis = Message.of("rec.crop_measured_dry") if dry else Message()
    if hi is not None and v > hi:
        code = "rec.crop_measured_ias_check" if inorganic else "rec.crop_measured_check"
        return Message.of(code, **({} if inorganic else {"metal": m}), value=v, basis=basis, hi=float(hi),
                          standard=standard, prediction=pred or Message()), None
    if np.isnan(lim) or (inorganic and sp != "inorganic"):
        code = "rec.crop_measured_ias_no_limit" if inorganic else "rec.crop_measured_no_limit"
        return Message.of(code, **({} if inorganic else {"metal": m}), value=v, basis=basis, standard=standard), None
    pred = pred or Message.of("rec.crop_measured_unpredicted")
    above = v > lim
    if inorganic:
        code = "rec.crop_measured_ias_above" if above else "rec.crop_measured_ias_within"
        return Message.of(code, value=v, basis=basis, standard=standard, limit=lim, prediction=pred), above
    code = ("rec.crop_measured_within" if not above else
            "rec.crop_measured_above" if sp == "total" else "rec.crop_measured_inorganic")
    return (Message.of(code, metal=m, value=v, basis=basis, standard=standard, limit=lim, prediction=pred),
            code == "rec.crop_measured_above")


def _below_dl_clause(m: str, inorganic: bool, dl: float, lim: float, sp, standard,
                     pred: Message | None, dry: bool = False) -> tuple[Message, bool | None]:
    """The clause of a value measured in the harvest given below the detection limit ``dl`` [mg kg⁻¹] ('<0.02')
    of metal ``m`` (``inorganic``: inorganic As) against the limit ``lim`` [mg kg⁻¹] (NaN: none) of species ``sp``
    of the food standard ``standard``, and whether it counts as above the limit: a limit of detection at or
    below the food limit shows the harvest complies (False); above it the value is not comparable (None), nor
    where the standard sets no limit of the species. ``dry``: the value was read on a dry-weight basis (a
    cereal's grain, the limit compared as a conservative value), said after the limit (``rec.crop_measured_dry``)."""
    what = {} if inorganic else {"metal": m}
    basis = Message.of("rec.crop_measured_dry") if dry else Message()
    pre = "rec.crop_measured_ias_below_dl" if inorganic else "rec.crop_measured_below_dl"
    if np.isnan(lim) or (inorganic and sp != "inorganic"):  # a total below an inorganic limit complies too
        return Message.of(pre + "_no_limit", **what, dl=dl, basis=basis, standard=standard), None
    if dl > lim:
        return Message.of(pre + "_undecided", **what, dl=dl, basis=basis, standard=standard, limit=lim), None
    return Message.of(pre, **what, dl=dl, basis=basis, standard=standard, limit=lim,
                      prediction=pred or Message.of("rec.crop_measured_unpredicted")), False


def _given(values: np.ndarray) -> np.ndarray:
    """Cells holding a value (not None, NaN or '')."""
    return ~pd.isna(values) & (values != "")


def _county_basis(plot, soil_plot: pd.DataFrame, sp: np.ndarray, soil_class: np.ndarray, county=None):
    """The plot clauses ``plot`` of the recommended plots (their rows ``sp`` of ``soil_plot``, their
    class ``soil_class``, the county's class ``county``), where a
    plot is planned with the county's class (stricter than its values' class, ``soil_class_basis`` =
    county) followed by the basis: "Class from the county's classification: … (GB 15618 values alone: …)";
    where the county's class is looser than its values' class, the clause says the values' class is used."""
    if "soil_class_basis" not in soil_plot or not len(sp):
        return plot
    basis = _frames.take(_frames.obj(soil_plot["soil_class_basis"]), sp, None)
    by_county = basis == "county"
    cty = np.asarray(county, dtype=object) if county is not None else np.full(len(sp), None, dtype=object)
    looser = (basis == "computed") & np.array([isinstance(c, str) and c != "" for c in cty], bool) \
        & (cty != soil_class)
    if not (by_county.any() or looser.any()):
        return plot
    plot = np.asarray(plot, dtype=object).copy()
    computed = _frames.take(_frames.obj(soil_plot["soil_class_computed"]), sp, None)
    plot[by_county] = [Message.of("rec.class_county", plot=pl, soil_class=c, computed=k) for pl, c, k in
                       zip(plot[by_county], soil_class[by_county], computed[by_county], strict=True)]
    plot[looser] = [Message.of("rec.class_county_looser", plot=pl, soil_class=c, county=k) for pl, c, k in
                    zip(plot[looser], soil_class[looser], cty[looser], strict=True)]
    return plot


def _field_basis(plot, soil_plot: pd.DataFrame, sp: np.ndarray, soil_class: np.ndarray, field: np.ndarray | None):
    """The plot clauses ``plot`` of the recommended plots (their rows ``sp`` of ``soil_plot``, their class
    ``soil_class`` and field ``field``), where a row is planned with the stricter class of another season row
    of its field (``soil_class_basis`` field, :func:`agriremed.stages.soil.field_classes`), followed by the
    basis: "Classed with its field …: the field is one soil, and its row … puts it in …" (``rec.class_field``)."""
    if field is None or "field_class_row" not in soil_plot or not len(sp):
        return plot
    row = _frames.take(_frames.obj(soil_plot["field_class_row"]), sp, None)
    by_field = np.array([isinstance(r, str) and r != "" for r in row.tolist()], bool)
    if not by_field.any():
        return plot
    plot = np.asarray(plot, dtype=object).copy()
    own = _frames.take(_frames.obj(soil_plot["soil_class_computed"]), sp, None)
    metal = _frames.take(_frames.obj(soil_plot["field_class_metal"]), sp, None)
    plot[by_field] = [Message.of("rec.class_field", plot=pl, field=f, row=r, metal=m if isinstance(m, str) else "",
                                 soil_class=c, own=k)
                      for pl, f, r, m, c, k in zip(plot[by_field], field[by_field], row[by_field], metal[by_field],
                                                   soil_class[by_field], own[by_field], strict=True)]
    return plot


def _with_censored(s: dict, P: pd.DataFrame, order: list, read: set) -> None:
    """The soil metals each plot gives below the detection limit, planned at the limit (``censored_metals``),
    and those given as "not detected" without a limit, not measured for the class (``not_detected_metals``),
    where the plots as read carry the column (``read``), after the metals exceeding in the summary (``s`` and
    ``order``, changed in place)."""
    at = order.index("metals_exceeding") + 1
    for c in ("censored_metals", "not_detected_metals"):
        if c in read and c in P:
            s[c] = _frames.obj(P[c])
            order.insert(at, c)
            at += 1


def _rotation_basis(plot, soil_plot: pd.DataFrame, sp: np.ndarray, land_use: np.ndarray):
    """The plot clauses ``plot`` of the recommended plots (their rows ``sp`` of ``soil_plot``, their land
    use ``land_use``), where the stricter screening values of paddy–upland rotation land
    (``screening_basis`` rotation_stricter) give a stricter class than the plot's own land-use values,
    followed by the basis: "Paddy–upland rotation land: classed with the stricter of the paddy and dry-land
    screening values …; with the paddy values alone it would be …" (``rec.class_rotation``, or
    ``rec.class_rotation_dry`` on land other than paddy; ``rec.class_rice_dry`` for rice on land recorded as
    other than paddy, ``screening_basis`` rice_stricter)."""
    if "screening_basis" not in soil_plot or "soil_class_without_rotation" not in soil_plot or not len(sp):
        return plot
    cls_col = "soil_class_computed" if "soil_class_computed" in soil_plot else "soil_class"
    computed = _frames.take(_frames.obj(soil_plot[cls_col]), sp, None)
    own = _frames.take(_frames.obj(soil_plot["soil_class_without_rotation"]), sp, None)
    basis = _frames.take(_frames.obj(soil_plot["screening_basis"]), sp, None)
    changed = (np.isin(basis, ["rotation_stricter", "rice_stricter"])
               & np.array([isinstance(c, str) for c in computed], bool)
               & np.array([isinstance(c, str) for c in own], bool) & (computed != own))
    if not changed.any():
        return plot
    plot = np.asarray(plot, dtype=object).copy()
    plot[changed] = [Message.of("rec.class_rice_dry" if b == "rice_stricter" else "rec.class_rotation"
                                if lu == "paddy" else "rec.class_rotation_dry", plot=pl, soil_class=c, own=k,
                                **({"land_use": lu} if b == "rice_stricter" else {}))
                     for pl, c, k, lu, b in zip(plot[changed], computed[changed], own[changed], land_use[changed],
                                                basis[changed], strict=True)]
    return plot


def mark_field_repeats(summary: pd.DataFrame, tables, seen: dict | None = None) -> pd.DataFrame:
    """``summary`` with ``same_plan_as`` filled and a closing note (``rec.field_same_plan``) on each season row
    whose recommended whole-year option (sorghum, fallow, PV … on the 早稻 and the 晚稻 row of one field) an
    earlier row of its field has (:func:`agriremed.stages.seasons.field_repeat_rows`): one plan for the field,
    counted once in the report totals (:class:`agriremed.io.report.PlanDigest`). ``seen`` carries the fields'
    first rows from earlier chunks of a streamed plan; a row already marked (by its own chunk) is kept. Without
    a ``field_id`` column, ``summary`` unchanged."""
    if "field_id" not in summary or "same_plan_as" not in summary or not len(summary):
        return summary
    same = field_repeat_rows(_frames.obj(summary["field_id"]), _frames.obj(summary["recommended_option"]),
                             _frames.obj(summary["plot_id"]), tables or load_tables(), seen)
    new = ~pd.isna(same) & pd.isna(summary["same_plan_as"]).to_numpy(bool)
    if not new.any():
        return summary
    out = summary.copy()
    rows = np.flatnonzero(new)
    rec = np.empty(len(rows), dtype=object)
    rec[:] = [Message.of("rec.with_note", sentence=Message.decode(str(out["recommendation_msg"].iat[i])),
                         note=Message.of("rec.field_same_plan", row=same[i], field=str(out["field_id"].iat[i]),
                                         option=str(out["recommended_option"].iat[i])))
              for i in rows]
    text, code = render_encode(rec, "en", tables)
    # a row whose sentence is not rendered (text_rows) keeps its blank text, its message gets the note
    shown = _given(_frames.obj(out["recommendation"])[rows])
    col = {c: out.columns.get_loc(c) for c in ("same_plan_as", "recommendation", "recommendation_msg")}
    out = out.astype({c: object for c in col})
    out.iloc[rows, col["same_plan_as"]] = same[rows]
    out.iloc[rows[shown], col["recommendation"]] = text[shown]
    out.iloc[rows, col["recommendation_msg"]] = code
    return out


def _with_field(s: dict, P: pd.DataFrame, order: list) -> None:
    """The field a row is one crop season of (``field_id``, where the input has season rows: a plot id
    repeated with different crops), the rice season of a rice row (``rice_season``: early, late, single) and
    the field's first row with the same whole-year option (``same_plan_as``), beside the row's plot id in the
    summary (``s`` and ``order``, changed in place)."""
    if "field_id" in P:
        s["field_id"] = _frames.obj(P["field_id"])
        order.insert(order.index("plot_id") + 1, "field_id")
    if "rice_season" in P:  # early, late or single rice (the early and the late rice of a field: two rows)
        s["rice_season"] = _frames.obj(P["rice_season"])
        order.insert(order.index("plot_id") + 1 + ("field_id" in P), "rice_season")
    if "field_id" in P:  # filled by :func:`mark_field_repeats`
        s["same_plan_as"] = np.full(len(P), None, dtype=object)
        order.insert(order.index("field_id") + 1 + ("rice_season" in P), "same_plan_as")


def _best_value(column: pd.Series, best: np.ndarray) -> np.ndarray:
    """The value of ``column`` (of the plan table) on each plot's row ``best`` (−1: NaN, or None for
    a column that is not float)."""
    if pd.api.types.is_float_dtype(column):
        return _frames.take(column.to_numpy(float), best, np.nan)
    return _frames.take(_frames.obj(column), best, None)


def _with_written_crop(s: dict, P, order: list) -> None:
    """A crop not in the library as written (``crop_as_written``: 黄精) beside its code ``unlisted``, where
    the plots carry the column (in place)."""
    if "crop_as_written" in P:
        s["crop_as_written"] = _frames.obj(P["crop_as_written"])
        order.insert(order.index("crop") + 1, "crop_as_written")


def gb36600_checks_of(frame) -> tuple | None:
    """The economics stage's GB 36600 check of every row (``gb36600_verdict``, ``gb36600_check_msg``:
    :func:`agriremed.stages.softreuse.gb36600_checks`) in a frame or dict of columns; None without them."""
    if "gb36600_verdict" not in frame or "gb36600_check_msg" not in frame:
        return None
    return _frames.obj(frame["gb36600_verdict"]), _frames.obj(frame["gb36600_check_msg"])


def _with_class_inputs(s: dict, P: pd.DataFrame, order: list, soil_plot: pd.DataFrame, sp: np.ndarray,
                       county: bool, background: bool) -> None:
    """The summary's class inputs, in ``s`` and ``order`` (in place): with ``county``, the county's class
    (``soil_class_county``) beside the class the plan uses, then the computed one and which governs
    (``soil_class_computed``, ``soil_class_basis``); with ``background``, the plot's high-geological-background
    flag (``high_background``) after them."""
    at = order.index("soil_class") + 1
    extra = []
    if county:
        s["soil_class_county"] = _frames.obj(P["soil_class_county"])
        extra = ["soil_class_county", *(c for c in ("soil_class_computed", "soil_class_basis") if c in soil_plot)]
        s.update({c: _frames.take(_frames.obj(soil_plot[c]), sp, None) for c in extra[1:]})
    if background:
        s["high_background"] = _frames.obj(P["high_background"])
        extra.append("high_background")
    order[at:at] = extra


def _with_programme_monitoring(s: dict, prog_mon: np.ndarray, tables) -> None:
    """Append the programme-record caveat of the monitoring line (``mon.programme_shortfall``,
    :func:`_programme_notes`) to the summary columns ``s`` (``monitoring_msg`` and its English ``monitoring``)."""
    flagged = np.flatnonzero([bool(m) for m in prog_mon])
    if not len(flagged):
        return
    mon_msg = np.asarray(s["monitoring_msg"], dtype=object).copy()
    mon_txt = np.asarray(s["monitoring"], dtype=object).copy()
    for i in flagged:
        m = (Message.decode(mon_msg[i]) if isinstance(mon_msg[i], str) and mon_msg[i] else Message()) + prog_mon[i]
        mon_msg[i] = m.encode()
        mon_txt[i] = render_column(np.array([m], dtype=object), "en", tables)[0]
    s["monitoring_msg"], s["monitoring"] = mon_msg, mon_txt


def _programme_notes(s: dict, b: dict, P: pd.DataFrame, table: pd.DataFrame, ok: np.ndarray, per_plot,
                     tables: Tables) -> tuple[np.ndarray, np.ndarray]:
    """The programme-record caveat of each plot (:func:`agriremed.stages.advice.programme_shortfalls`):
    the recommended option, else the runner-up (rank 2; ``per_plot``: a mask of ``table`` → its row per plot), a
    VIP-type rice package or a rice amendment credited from plot trials on a pollution class where a
    programme found the grain not compliant (``programme_evidence.csv``). Returns the sentence's note
    (``rec.programme_shortfall``) and the monitoring line's (``mon.programme_shortfall``, the recommended
    option only) per plot, empty messages elsewhere. Numbers and rankings are not touched."""
    n = len(s["plot_id"])
    note = np.full(n, Message(), dtype=object)
    mon = np.full(n, Message(), dtype=object)
    ev = getattr(tables, "programme_evidence", None)
    if ev is None or not len(ev) or not ok.any():
        return note, mon
    metals = {m: P[f"{m}_mg_kg"].to_numpy(float) for m in {str(x).strip().lower() for x in ev["metal"]}
              if f"{m}_mg_kg" in P}
    if not metals:
        return note, mon
    land = _frames.obj(s["land_use"]) if s["land_use"] is not None else np.full(n, None, dtype=object)
    region = s["region"] if s["region"] is not None else np.full(n, None, dtype=object)
    scopes = {str(x).strip().lower() for x in ev["region_scope"]}
    prov = (_frames.per_distinct(lambda r: i18n.region_province(r, tables) if isinstance(r, str) else "",
                                 _frames.obj(region)) if scopes - {"china"} else np.full(n, "", dtype=object))
    china = np.asarray(b["china_rules"], dtype=bool)
    runner = per_plot(table["rank"].to_numpy(float) == 2) if "rank" in table else np.full(n, -1, np.intp)
    rec_opt = np.where(ok, _frames.obj(b["option_id"]), None)
    ph = P["ph"].to_numpy(float) if "ph" in P else None
    rec_rows = advice_mod.programme_shortfalls(rec_opt, land, metals, china, prov, tables, ph)
    ru_opt = np.where(ok, _frames.take(_frames.obj(table["option_id"]), runner, None), None)
    ru_rows = advice_mod.programme_shortfalls(ru_opt, land, metals, china, prov, tables, ph)
    ru_prob = _frames.take(table["crop_compliance_prob"].to_numpy(float), runner)
    rec_prob = np.asarray(b["crop_compliance_prob"], dtype=float)
    metal_of = ev["metal"].astype(str).str.strip().str.lower().to_numpy(object)
    for i in np.flatnonzero(rec_rows >= 0):
        k = rec_rows[i]
        soil = metals[metal_of[k]][i]
        note[i] = advice_mod.programme_caveat(k, rec_opt[i], rec_prob[i], soil, tables)
        mon[i] = advice_mod.programme_caveat(k, rec_opt[i], rec_prob[i], soil, tables, "mon.programme_shortfall")
    for i in np.flatnonzero((rec_rows < 0) & (ru_rows >= 0)):
        k = ru_rows[i]
        note[i] = advice_mod.programme_caveat(k, ru_opt[i], ru_prob[i], metals[metal_of[k]][i], tables)
    return note, mon


def summary_table(P, soil_plot, table, scenario, ahead=None, grid=None, money=("CNY", 1.0),
             tables=None, located=(), crop_in_input: bool = False, outlet=None, checks=None,
             near_threshold=None) -> pd.DataFrame:
    """One row per plot (:data:`SUMMARY_COLUMNS`), with the input's location columns
    ``located`` (:func:`location_columns`) right after ``region`` and its county soil class
    (``soil_class_county`` in ``located``) right after ``soil_class``, unchanged, followed by
    ``soil_class_computed`` and ``soil_class_basis`` (the plan uses the county's class where it is
    stricter: :func:`agriremed.stages.soil.plot_classes`). The measured-harvest columns
    (``crop_measured_exceeds``, ``crop_measured_msg``) where a plot carries a value measured in the harvest,
    or ``crop_in_input`` (a chunk of an input some row of which does: :func:`crop_measured`). ``outlet``: the
    economics stage's ``over_limit_outlet``, per row of ``table`` (:func:`_baseline_banned`); ``checks``: its
    GB 36600 check of each row of ``table`` (:func:`gb36600_checks_of`), whose recommended row's is the
    summary's (``gb36600_*``; without it the recommended re-uses are screened here). ``near_threshold``: plot id →
    encoded ``rec.gain_near_threshold`` (:func:`agriremed.stages.ranking.gain_near_threshold`), a closing sentence of
    its plot's recommendation, whose opening on unchanged practice then says a measure comes close
    (``rec.baseline_no_measure_near``)."""
    n = len(P)
    pid = _frames.obj(P["plot_id"])
    g = grid if grid is not None and grid.n_rows == len(table) else \
        _frames.Grid(_frames.plot_index(P, table), np.zeros(len(table), np.intp))
    s = {"plot_id": pid, "input_row": P["input_row"].to_numpy()}
    for c in ("region", "land_use", "crop", "area_ha", "ph", "basic_farmland"):
        s[c] = (P[c].to_numpy(float) if c in ("area_ha", "ph") else _frames.obj(P[c])) if c in P else None
    county = "soil_class_county" in located and "soil_class_county" in P
    background = "high_background" in located and "high_background" in P
    censored = {c for c in ("censored_metals", "not_detected_metals") if c in located}
    located = [c for c in C.LOCATION_COLUMNS if c in located]
    for c in located:  # lat/lon stay numbers, the village its text
        s[c] = P[c].to_numpy(float) if C.COLUMNS[c].dtype == "float" else _frames.obj(P[c])
    sp = _frames.positions(soil_plot["plot_id"], pid)  # each plot's row of the soil table
    s.update(_soil_columns(soil_plot, sp))

    def per_plot(mask):  # the row of each plot where ``mask`` holds (−1: none)
        at = np.full(n, -1, dtype=np.intp)
        rows = np.flatnonzero(mask & (g.plot >= 0))
        at[g.plot[rows]] = rows
        return at

    base = per_plot(_frames.obj(table["option_id"]) == "do_nothing")
    s["current_crop_compliance_prob"] = _frames.take(table["crop_compliance_prob"].to_numpy(float), base)
    s["current_compliance_metals"] = _frames.take(_frames.obj(table["compliance_metals"]), base, "") \
        if "compliance_metals" in table else np.full(n, "", dtype=object)
    best = per_plot(table["recommended"].to_numpy(bool))
    b = {c: _best_value(table[c], best)
         for c in _SENTENCE_COLUMNS + ("score", "p_target_20yr", "net_co2e_t", "npv_farmer_vs_baseline_cny_ha",
                                       "programme_cost_cny_ha", "npv_developer_vs_baseline_cny_ha",
                                       "pv_lease_cny_ha_yr", "pv_developer_npv_cny_ha", "pv_tariff_cny_kwh",
                                       "data_gaps_msg", "option_cautions_msg", "dominates_baseline",
                                       "npv_farmer_own_vs_baseline_cny_ha", "compliant_season_fraction",
                                       "food_compliance_central",
                                       "subsidy_cny_ha") if c in table}
    s["recommended_option"] = b["option_id"]
    s["recommended_name"] = b["option_name"]
    region = s["region"] if s["region"] is not None else np.full(n, None, dtype=object)
    s["rule_set"] = advice_mod.rule_sets_of(region, scenario.rule_set, tables)  # each plot's own
    # the plot is governed by a Chinese rule set: its sentence may speak of safe-utilisation plans
    b["china_rules"] = np.isin(_frames.obj(s["rule_set"]), tuple(advice_mod.CHINA_RULE_SETS))
    if "policy_status" in table:
        b["baseline_banned"] = _baseline_banned(table, base, s["soil_class"], scenario.strict_baseline_crop,
                                                outlet)
    s["policy_rule"] = b["policy_rule"] if "policy_rule" in b else np.full(n, None, dtype=object)
    s["years_p50_never"] = (_frames.take(table["years_p50_never"].to_numpy(bool), best, False).astype(bool)
                            if "years_p50_never" in table else np.isposinf(b["years_p50"]))
    for c in ("score", "years_p50", "p_target_20yr", "npv_vs_baseline_cny_ha",
              "net_co2e_vs_baseline_t_ha_yr", "net_co2e_t"):
        s[c] = b[c]
    for c in ("npv_farmer_vs_baseline_cny_ha", "programme_cost_cny_ha"):
        s[c] = b[c] if c in b else np.full(n, np.nan)
    s["economics_view"] = np.full(n, scenario.economics_view, dtype=object)
    s.update(_compensation(P, table, base, best, b.get("baseline_banned"), s["soil_class"], scenario,
                           tables or load_tables()))
    b["metals_unmeasured"] = s["metals_unmeasured"] = _unmeasured_metals(P, n)
    b["soil_mass_missing"] = _soil_mass_missing(P, n)
    b["soil_mass_assumed"] = s["soil_mass_assumed"] = (_frames.obj(P["soil_mass_assumed"]) if "soil_mass_assumed" in P
                                                       else np.full(n, "", dtype=object))
    b["land_use"] = s["land_use"] if s["land_use"] is not None else np.full(n, None, dtype=object)
    H = scenario.horizon_yr
    units = advice_mod.area_units(region, scenario.area_unit, scenario.rule_set, tables)
    s["food_standard"] = advice_mod.food_standards(region, scenario.food_standard, scenario.rule_set, tables)
    std_all = advice_mod.plot_food_standards(pid, region, scenario.food_standard, scenario.rule_set, tables)
    ok = ~pd.isna(b["option_id"])  # plots with a recommended option
    gain_near = np.full(n, "", dtype=object)  # the measure-or-not decision near min_compliance_gain
    if near_threshold is not None and len(near_threshold):
        gain_near = _frames.take(_frames.obj(near_threshold), _frames.positions(
            near_threshold.index.to_numpy(object), pid), "")
        gain_near = np.where(pd.isna(gain_near), "", gain_near).astype(object)
    b["gain_near"] = gain_near != ""
    # each recommended plot's standard, named in its sentence (that of its crop's group: feed for forage)
    std = _named_standards(s["food_standard"][ok], _frames.obj(b["food_crop"])[ok] if "food_crop" in b else None,
                           tables or load_tables())
    # the recommended option on safe-utilisation land treats none of the metals above their
    # screening value: the rule that decided it is one of the off-class family (cn_safe_measure_off_class)
    # or of the minor-risk family (cn_safe_measure_minor_risk)
    lr = (tables or load_tables()).land_rules
    off_rules = _frames.obj(lr["rule_id"])[np.isin(_frames.obj(lr["applies_to"]),
                                                   (options_mod.OFF_CLASS_FAMILY, options_mod.MINOR_RISK_FAMILY))]
    b["off_class"] = (np.isin(_frames.obj(s["policy_rule"]), off_rules)
                      & (_frames.obj(s["soil_class"]) == "safe_utilisation"))
    if "food_crop" in b:  # cotton, tobacco …: a grown crop that is no food
        b["food_crop_is_food"] = np.isin(b["food_crop"], (tables or load_tables()).food_crops())
        # … and substitute planting in place where the rule set judged it so (the rule of the kept-substitute
        # family: the crop keeps out of its product every metal above its screening value that a food
        # standard limits, stages.options; rapeseed Cd, not As or Pb)
        kept_rules = _frames.obj(lr["rule_id"])[_frames.obj(lr["applies_to"]) == options_mod.KEPT_SUBSTITUTE_FAMILY]
        b["food_crop_is_substitute"] = np.isin(_frames.obj(s["policy_rule"]), kept_rules)
    # the crop already complies (green on food safety) for every metal above its screening value:
    # unchanged practice needs no measure for it
    green = (tables or load_tables()).light_thresholds()["food_safety"]["green_at_least"]
    covered = _frames.obj(b["compliance_metals"]) if "compliance_metals" in b else np.full(n, "", dtype=object)
    over = _frames.obj(s["metals_exceeding"])
    every = ranking_mod.covers_every_metal(over, covered)
    b["crop_complies"] = every & (np.nan_to_num(np.asarray(b["crop_compliance_prob"], float), nan=-1.0)
                                  >= green - 1e-12)
    # the price of a PV plant no developer finances is said to be assumed where it is (looked up only then)
    if "pv_developer_npv_cny_ha" in b and "pv_lease_cny_ha_yr" in b and np.any(
            np.isnan(np.asarray(b["pv_lease_cny_ha_yr"], float)) & (np.asarray(b["pv_developer_npv_cny_ha"], float) < 0)):
        b["pv_tariff_assumed"] = solar_mod.pv_tariff_assumed(region, tables, scenario.pv_tariff_cny_kwh)
    # metals above their screening value (those that set the soil class) not assessed in the crop
    # of a food option: the sentence leads with them, before any probability (rec.sentence_lead)
    na = _frames.obj(s["metals_not_assessed"])
    has_na = ~pd.isna(na) & (na != "")
    # a recommended option that grows no food has no harvest to measure the unassessed metals in
    no_food = np.zeros(n, bool)
    if "food_crop" in b:
        no_food[ok] = _frames.obj(b["food_crop"])[ok] == "none"
    lead = has_na & ok & ~no_food
    # a probability covering only metals at or below their screening value, on a plot with a metal above it
    # (not assessed in the crop, or without a food limit in it: Cu/Ni/Zn in wheat), says so, whatever leads
    b["covers_below_only"] = ok & ~no_food & _frames.per_distinct(_covers_below_only, covered, over).astype(bool)
    # … and at or below it on the land the crop is grown as: maize switched onto a paddy is dry-land
    # farming, judged by the screening values of other land (GB 15618 Table 1), not the paddy's
    if b["covers_below_only"].any() and "food_crop" in b:
        b["covers_below_only"] &= _below_where_grown(P, s["land_use"], b["food_crop"], covered,
                                                     tables or load_tables(), scenario.threshold_set)
    # the metals above their screening value that the recommended food option treats but whose crop
    # probability does not cover them ('+'-joined codes; '' none): an idle Hg paddy switched to maize
    # too, which has no current crop to lead the sentence with its unassessed metals
    treated = _frames.obj(b["target_metals"]) if "target_metals" in b else np.full(n, "", dtype=object)
    unseen = _frames.per_distinct(_shared_metals, treated, over, covered)
    b["treats_unassessed"] = np.where(ok & ~no_food, unseen, "").astype(object)
    # the subsidies of the recommended option whose amount is a project assumption: the money clause says so
    b["subsidies_assumed"] = economics_mod.assumed_subsidy_ids(b["option_id"], s["soil_class"], region, tables)
    # the value of the harvests over the food limit, where it drives the NPV against doing nothing (P01's
    # liming of pak choi: its over-limit harvests are worth 0, vegetables having no feed or industrial outlet)
    b["over_limit"] = _over_limit_clause(s, b, base, outlet, scenario, tables or load_tables())
    body = _sentence_bodies({c: v[ok] for c, v in b.items()}, std, H, money, scenario.economics_view, units[ok])
    body = _below_target(body, {c: v[ok] for c, v in b.items()}, std, scenario.target_compliance_prob,
                         s["current_crop_compliance_prob"][ok])
    body = _slight_gain(body, {c: v[ok] for c, v in b.items()}, s["current_crop_compliance_prob"][ok],
                        scenario.min_compliance_gain)
    # a measure below min_compliance_gain that dominates unchanged practice says why it is one all the same
    body = _dominant_gain(body, {c: v[ok] for c, v in b.items()}, _food_compliance(table, base)[ok],
                          scenario.min_compliance_gain, H, money, units[ok])
    body = _less_safe_for_unseen(body, {c: v[ok] for c, v in b.items()}, s["current_crop_compliance_prob"][ok])
    ahead_msg = np.full(int(ok.sum()), Message(), dtype=object)
    if ahead is not None and len(ahead):  # "…; ahead of <runner-up> (score a vs b), mostly on <criterion>."
        clause = _frames.take(_frames.obj(ahead), _frames.positions(ahead.index.to_numpy(object), pid), None)[ok]
        has = np.flatnonzero(~pd.isna(clause) & (clause != ""))
        ahead_msg[has] = _frames.per_distinct(lambda c: Message.of("rec.then", clause=Message.decode(c)), clause[has])
    _add_clauses(ahead_msg, ok, table, g, P, n, tables or load_tables())
    # the karst/geogenic adjustment of every crop the sentence compares (the crop grown, the recommended and the
    # runner-up option's), applied or not outside its provinces; a switch to a crop whose prediction carries one
    # says it relies on it
    geo_note, geo_off = _geogenic_clauses(ahead_msg, ok, table, s["crop"], best, per_plot(
        table["rank"].to_numpy(float) == 2) if "rank" in table else np.full(n, -1, np.intp),
        _frames.take(_frames.obj(soil_plot["geogenic_msg"]), sp, "") if "geogenic_msg" in soil_plot
        else np.full(n, "", dtype=object))
    keys = ("plot_id", "area_ha", "ph", "land_use", "crop", "metals_exceeding", "controlling_metal", "soil_class",
            "metals_unmeasured", "basic_farmland", "current_crop_compliance_prob")
    adv_in = pd.DataFrame({c: s[c] if s[c] is not None else np.full(n, np.nan if c in ("area_ha", "ph") else None)
                           for c in keys})
    if "rice_seasons_per_yr" in P:  # double-cropped rice is sampled each season
        adv_in["rice_seasons_per_yr"] = P["rice_seasons_per_yr"].to_numpy(float)
    # the GB 36600 check of the recommended soft re-use (its clean-soil cover is a step of the measures)
    # (the economics stage's check of the recommended row where given: the plan screens each plot once)
    checked = None if checks is None else tuple(_frames.take(c, best, "") for c in checks)
    dev = softreuse_mod.recommended_exposure(P, s["recommended_option"], tables or load_tables(), checked)
    dev_msg = dev["exposure_reason_msg"].to_numpy(object)
    dev_ok = _given(dev_msg) & ok
    adv_in["gb36600_verdict"] = np.where(dev_ok, dev["exposure_verdict"].to_numpy(object), None)
    adv = advice_mod.summary_columns(
        adv_in, table, tables or load_tables(), std_all, H,
        rule_set=advice_mod.plot_rule_sets(pid, region, scenario.rule_set, tables), units=units)
    s.update(adv)
    gaps = b["data_gaps_msg"][ok] if "data_gaps_msg" in b else None
    plot = advice_mod.plot_clause(adv, ok, money, gaps, units, options=s["recommended_option"],
                                  tables=tables or load_tables(), horizon_yr=H)
    # a plot outside China: its soil class is GB 15618-2018's, a Chinese standard applied for comparison
    if scenario.threshold_set == "gb15618_2018" and ok.any():
        cls_ok = _frames.obj(s["soil_class"])[ok]
        abroad = _abroad(region[ok], tables) & ~pd.isna(cls_ok)
        if abroad.any():
            plot = np.asarray(plot, dtype=object).copy()
            plot[abroad] = [Message.of("rec.class_foreign", plot=pl, soil_class=c)
                            for pl, c in zip(plot[abroad], cls_ok[abroad], strict=True)]
    plot = _rotation_basis(plot, soil_plot, sp[ok], _frames.obj(s["land_use"])[ok] if s["land_use"] is not None
                           else np.full(int(ok.sum()), None, dtype=object))
    plot = _county_basis(plot, soil_plot, sp[ok], _frames.obj(s["soil_class"])[ok],
                         _frames.obj(P["soil_class_county"])[ok] if "soil_class_county" in P else None)
    plot = _field_basis(plot, soil_plot, sp[ok], _frames.obj(s["soil_class"])[ok],
                        _frames.obj(P["field_id"])[ok] if "field_id" in P else None)
    # "As/Pb in the crop not assessed (no usable transfer function): measure them in the harvest."
    unassessed = np.full(n, Message(), dtype=object)
    why = (_frames.take(_frames.obj(soil_plot["not_assessed_msg"]), sp, "")
           if "not_assessed_msg" in soil_plot else np.full(n, "", dtype=object))
    with_why = has_na & ~pd.isna(why) & (why != "")
    if with_why.any():  # the metals with the reason each was not assessed for
        unassessed[with_why] = _frames.per_distinct(Message.decode, why[with_why])
    rest = has_na & ~with_why
    if rest.any():
        unassessed[rest] = _frames.per_distinct(
            lambda m: Message.of("rec.not_assessed_many" if "+" in m else "rec.not_assessed_one",
                                 metals="/".join(x.capitalize() for x in m.split("+")), limits=Message()), na[rest])
    rec = np.empty(n, dtype=object)
    rec[~ok] = [Message.of("rec.none", unassessed=u) for u in unassessed[~ok]]
    unassessed[no_food] = Message()
    rec[ok] = [Message.of("rec.sentence_lead", option=o, body=bd, ahead=a, plot=pl, unassessed=_lead_form(u)) if ld
               else Message.of("rec.sentence", option=o, body=bd, ahead=a, plot=pl, unassessed=u)
               for o, bd, a, pl, u, ld in zip(b["option_id"][ok], body, ahead_msg, plot, unassessed[ok], lead[ok],
                                              strict=True)]
    # a soft re-use whose GB 36600 check asks for a site investigation and risk assessment (HJ 25.3) before the use
    # is decided (a metal above its screening value for the re-use's users): the sentence is conditional on it
    first = dev_ok & (dev["exposure_verdict"].to_numpy(object) == "site_assessment")
    rec[first] = [Message.of("rec.site_assessment_first", sentence=rec[i]) for i in np.flatnonzero(first)]
    # notes closing the sentence (a plan that grows no food has no crop to check and no season to test):
    # a metal above screening without a food limit in the crop (Ni in wheat); elements outside GB 15618
    # measured on the sheet (锑 300); a rotation's crops not planned (小麦-玉米: the maize season)
    nl = (_frames.take(_frames.obj(soil_plot["no_food_limit_msg"]), sp, "")
          if "no_food_limit_msg" in soil_plot else np.full(n, "", dtype=object))
    uf = (_frames.take(_frames.obj(soil_plot["user_fit_msg"]), sp, "")
          if "user_fit_msg" in soil_plot else np.full(n, "", dtype=object))
    am = (_frames.take(_frames.obj(soil_plot["assumed_msg"]), sp, "")
          if "assumed_msg" in soil_plot else np.full(n, "", dtype=object))
    # the crop's prediction of a metal from a function documented to over-predict: conservative
    op = (_frames.take(_frames.obj(soil_plot["over_predicts_msg"]), sp, "")
          if "over_predicts_msg" in soil_plot else np.full(n, "", dtype=object))
    om = _frames.obj(P["other_metals_measured"]) if "other_metals_measured" in P else np.full(n, None, dtype=object)
    rotation = _frames.obj(P["crops_not_planned"]) if "crops_not_planned" in P else np.full(n, None, dtype=object)
    has_rot = ~pd.isna(rotation) & (rotation != "")
    check = _frames.obj(P["values_to_check"]) if "values_to_check" in P else np.full(n, None, dtype=object)
    nd = _frames.obj(P["not_detected_metals"]) if "not_detected_metals" in P else np.full(n, None, dtype=object)
    near = (_frames.take(_frames.obj(soil_plot["near_class_boundary_msg"]), sp, "")
            if "near_class_boundary_msg" in soil_plot else np.full(n, "", dtype=object))
    near_here = _near_boundary_here(near, region, tables)
    rain_mm, min_c = _climate_unchecked(s["recommended_option"], P, tables or load_tables())
    no_t, no_r = ~np.isnan(min_c) & ok, ~np.isnan(rain_mm) & ok
    untested = _climate_untested(s["recommended_option"], s["food_standard"], b["china_rules"],
                                 tables or load_tables())
    lat_unchecked = _latitude_unchecked(s["recommended_option"], P, tables or load_tables())
    measured = crop_measured(P, s, tables or load_tables(), crop_in_input)
    grain = measured[1] if measured is not None else np.full(n, Message(), dtype=object)
    review = _class_review(measured, s["soil_class"])
    # a class from soil metal mainly of natural origin (high_background: karst): re-checked with crop monitoring
    bg_review = advice_mod.background_review(
        s["soil_class"], _frames.obj(P["high_background"]) if "high_background" in P else np.full(n, None, object),
        _frames.take(_frames.obj(soil_plot["soil_class_basis"]), sp, None) if "soil_class_basis" in soil_plot
        else np.full(n, None, object), b["china_rules"])
    # the cautions of the recommended option (a biochar on alkaline soil, a char that can raise As mobility):
    # first, right after the sentence that recommends it
    cautions = (_frames.obj(b["option_cautions_msg"]) if "option_cautions_msg" in b
                else np.full(n, "", dtype=object))
    # a rule set other than the jurisdiction's default (a research run without rules, china abroad, a user set),
    # and what the default set says of the recommended option on land the input records as basic farmland
    # a VIP-type rice package or rice amendment credited from plot trials (recommended, else runner-up) on a
    # pollution class where the Hunan VIP demonstrations did not make the grain comply (programme_evidence.csv)
    prog_note, prog_mon = _programme_notes(s, b, P, table, ok, per_plot, tables or load_tables())
    rules_note = advice_mod.rule_set_notes(
        s["rule_set"], region, s["basic_farmland"] if s["basic_farmland"] is not None else np.full(n, None, object),
        s["soil_class"], b["land_use"], s["recommended_option"], tables or load_tables())
    notes = (
        (np.array([bool(m) for m in rules_note], bool) & ok, lambda i: rules_note[i]),
        (_given(cautions) & ok, lambda i: Message.of("rec.option_caution", option=b["option_id"][i],
                                                      cautions=Message.decode(cautions[i]))),
        # plot-trial effects where a programme record found the grain not compliant: test every harvest
        (np.array([bool(m) for m in prog_note], bool) & ok, lambda i: prog_note[i]),
        # the measure-or-not decision near min_compliance_gain: the prediction does not settle it
        (_given(gain_near) & ok, lambda i: Message.decode(gain_near[i])),
        # a soil value within the spread of duplicate analyses of an intervention value (As 120 at an
        # intervention value of 120): a re-sample or re-analysis can change the class; first, beside the class
        (near_here, lambda i: Message.decode(near[i])),
        # the metals measured in the harvest against the food limit: the crop may already fail
        (np.array([bool(x.parts) for x in grain], bool), lambda i: grain[i]),
        # a harvest above its limit on priority-protection land: the county's class may need review
        (review, lambda i: Message.of("rec.class_review_measured", metals=measured[0][i])),
        # a class from metal mainly of natural (geological) origin: the class re-checked with crop monitoring
        # … in one sentence with why the karst/geogenic adjustment was not applied, where it was not (same flag)
        (bg_review, lambda i: Message.of("rec.class_review_background_not_applied", **dict(geo_off[i].parts[0][1]))
         if geo_off[i] else Message.of("rec.class_review_background")),
        # the karst/geogenic adjustment of the crops compared (high_background yes), or why it was not applied
        (np.array([bool(m) for m in geo_note], bool), lambda i: geo_note[i]),
        (np.array([bool(m) for m in geo_off], bool) & ~np.asarray(bg_review, bool), lambda i: geo_off[i]),
        # the user's fitted function not used for the crop (an input beyond its data): which one is
        (_given(uf) & ~no_food, lambda i: Message.decode(uf[i])),
        # soil covariates the crop's function needs, not given: the typical values assumed (never silently)
        (_given(am) & ~no_food, lambda i: Message.decode(am[i])),
        # the prediction rests on a function documented to over-predict: it errs on the safe side
        (_given(op) & ~no_food, lambda i: Message.decode(op[i])),
        (no_t & no_r, lambda i: Message.of("rec.climate_water_unchecked", min_c=float(min_c[i]),
                                           rain_mm=float(rain_mm[i]))),
        (no_t & ~no_r, lambda i: Message.of("rec.climate_unchecked", min_c=float(min_c[i]))),
        (no_r & ~no_t, lambda i: Message.of("rec.water_unchecked", rain_mm=float(rain_mm[i]))),
        # a latitude limit of the recommended option that neither the plot's lat nor its region could decide
        (_given(lat_unchecked) & ok, lambda i: lat_unchecked[i]),
        # an option valued with yields from China on a plot abroad, without a sourced temperature limit
        (_given(untested) & ok, lambda i: Message.of("rec.climate_untested", option=s["recommended_option"][i],
                                                     note=untested[i])),
        (_given(nl) & ~no_food, lambda i: Message.decode(nl[i])),
        (_given(om), lambda i: Message.of("rec.other_metals_no_food" if no_food[i] else "rec.other_metals",
                                          values=om[i])),
        (has_rot & ~no_food, lambda i: Message.of("rec.rotation", crops=rotation[i])),
        (_orchard_on_basic_farmland(s, b, ok, tables or load_tables()),
         lambda i: Message.of("rec.bf_orchard", crop=s["crop"][i])),
        (_nongrain_on_basic_farmland(s, b, ok, tables or load_tables()),
         lambda i: Message.of("rec.bf_strict_nongrain_hunan" if _in_hunan(s, i, tables) else "rec.bf_strict_nongrain")),
        # the recommended soft re-use of marginal, mine or brownfield land against GB 36600 for the people on
        # it (a PV plant's workers: second-class land), as reuse_options.csv gives it
        (dev_ok, lambda i: Message.of("rec.gb36600", check=Message.decode(dev_msg[i]))),
        # a soil metal 'ND' without a limit (not measured) and a soil metal value to check (450 mg/kg Cd, a column
        # in µg/kg): last, the class depends on them
        (_given(nd), lambda i: Message.of("rec.not_detected_soil", metals=nd[i])),
        (_given(check), lambda i: _check_values_note(check[i], P, i)),
    )
    for mask, note in notes:
        rec[mask] = [Message.of("rec.with_note", sentence=rec[i], note=note(i)) for i in np.flatnonzero(mask)]
    s["crops_not_planned"] = np.where(has_rot, rotation, None)
    s["recommendation"], s["recommendation_msg"] = render_encode(rec, "en", tables)
    _with_programme_monitoring(s, prog_mon, tables)  # the monitoring line (plot sheet, workbook) says it too
    s["gb36600_verdict"] = np.where(dev_ok, dev["exposure_verdict"].to_numpy(object), None)
    s["gb36600_check"] = np.where(dev_ok, dev["exposure_reason"].to_numpy(object), None)
    s["gb36600_check_msg"] = np.where(dev_ok, dev_msg, "").astype(object)
    at = SUMMARY_COLUMNS.index("region") + 1
    order = [*SUMMARY_COLUMNS[:at], *located, *SUMMARY_COLUMNS[at:]]
    if measured is not None:  # the measured harvest beside the metals not assessed, its clauses at the end
        s["crop_measured_exceeds"] = measured[0]
        s["crop_measured_msg"] = encode_column(grain)
        order.insert(order.index("metals_not_assessed") + 1, "crop_measured_exceeds")
        order.append("crop_measured_msg")
    _with_censored(s, P, order, censored)
    _with_field(s, P, order)
    _with_written_crop(s, P, order)
    _with_class_inputs(s, P, order, soil_plot, sp, county, background)
    return mark_field_repeats(_frames.frame({c: s[c] for c in order}, n), tables)


