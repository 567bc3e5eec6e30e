"""The plan: every stage composed for a table of plots.

:func:`plan` is the single composition used by the CLI, the notebooks and the
dashboards, so every number is computed in one place::

    plots ──validate──▶ soil ─▶ uptake ─▶ options ─▶ biomass ─▶ duration ─▶ energy
          ─▶ carbon ─▶ economics ─▶ ranking ─▶ Plan (tables + summary + report)

Biomass runs before duration because clean-up speed depends on the harvested yield.

The :class:`Plan` holds one tidy DataFrame per stage, the merged plot × option
``table`` (``plan.csv``) and the per-plot ``summary`` (``summary.csv``), the rejected
rows and all validation problems, the scenario and the agriremed version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from agriremed.core.version import __version__
from agriremed.stages import biomass as biomass_mod
from agriremed.stages import carbon as carbon_mod
from agriremed.stages import duration as duration_mod
from agriremed.stages import economics as economics_mod
from agriremed.stages import energy as energy_mod
from agriremed.stages import options as options_mod
from agriremed.stages import ranking as ranking_mod
from agriremed.stages import solar as solar_mod
from agriremed.stages import soil as soil_mod
from agriremed.core import frames as _frames
from agriremed.stages import advice as advice_mod
from agriremed.stages import uptake as uptake_mod
from agriremed.io.readers import write_csv
from agriremed.core.messages import Message, Note, encode_column, printed, render, render_column
from agriremed.io.outputs import prepare_out_dir, write_datapackage
from agriremed.core.scenario import Scenario, ScenarioError
from agriremed.core.tables import Tables, load_tables
from agriremed.core.uncertainty import draw_seed
from agriremed.io.validate import Validation, validate_plots
from agriremed.core import columns as C
from agriremed.io.report import write_report
from agriremed.io.workbook import write_workbook
from agriremed.stages.softreuse import for_plan as _soft_reuse

__all__ = ["Plan", "plan", "replan", "can_replan", "rerank", "reprice", "LATE_FIELDS", "REPLAN_MAX_ROWS",
           "apply_overrides", "apply_heat_user", "apply_biochar_choice", "STAGES", "pass_through_columns"]

STAGES = ("validate", "soil", "uptake", "options", "biomass", "duration", "energy", "carbon",
          "economics", "ranking")

#: Columns of plan.csv in order (plot × option).
PLAN_COLUMNS = [
    "plot_id", "option_id", "option_name", "option_kind", "applicable", "reason", "policy_status",
    "policy_rule", "rank",
    "recommended", "score", "soil_class", "metals_exceeding", "target_metals", "untreated_metals",
    "target_mg_kg", "removal_g_ha_yr", "years_to_target", "years_p10", "years_p50", "years_p90",
    "p_target_10yr", "p_target_20yr", "food_crop", "crop_compliance_prob", "biomass_t_dm_ha_yr",
    "energy_pathway", "useful_energy_gj_ha_yr", "electricity_mwh_ha_yr", "biochar_t_ha_yr",
    "residue_disposal", "net_co2e_t_ha_yr", "net_co2e_vs_baseline_t_ha_yr", "net_co2e_t_ha",
    "net_co2e_t", "cost_cny_ha", "revenue_cny_ha", "carbon_revenue_cny_ha", "npv_cny_ha",
    "npv_vs_baseline_cny_ha", "npv_farmer_cny_ha", "npv_farmer_vs_baseline_cny_ha", "npv_programme_cny_ha",
    "npv_programme_vs_baseline_cny_ha", "programme_cost_cny_ha", "grain_support_cny_ha", "subsidy_cny_ha",
    "npv_cny", "payback_yr",
    "cost_per_g_removed_cny_g",
    "light_food_safety", "light_food_production", "light_livelihood", "light_clean_up", "light_carbon",
    "light_economics",
    "data_gaps", "evidence", "target_basis", "effect_duration_yr", "compliant_season_fraction", "npv_vs_best_cny_ha",
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
    "plot_id", "input_row", "region", "land_use", "crop", "area_ha", "basic_farmland", "soil_class",
    "controlling_metal", "max_exceedance_ratio", "metals_exceeding", "metals_not_assessed",
    "current_crop_compliance_prob",
    "recommended_option", "recommended_name", "rule_set", "policy_rule", "score", "years_p50",
    "p_target_20yr",
    "npv_vs_baseline_cny_ha", "npv_farmer_vs_baseline_cny_ha", "programme_cost_cny_ha", "economics_view", "net_co2e_vs_baseline_t_ha_yr", "net_co2e_t", "recommendation",
]
#: The officer's advice of the recommended option (:mod:`agriremed.stages.advice`; appended).
SUMMARY_COLUMNS += list(advice_mod.SUMMARY_ADDED)
#: The recommendation as message codes (:mod:`agriremed.core.messages`; appended).
SUMMARY_COLUMNS += ["recommendation_msg"]
#: How long as message codes (appended).
SUMMARY_COLUMNS += ["duration_text_msg", "monitoring_msg"]
#: Undiscounted first-year cost and mean yearly revenue of the economics stage (appended), and the
#: net cash flows of year 1 and of a typical year (appended).
PLAN_COLUMNS += ["cost_year1_cny_ha", "revenue_mean_cny_ha_yr"]
PLAN_COLUMNS += ["cash_flow_year1_cny_ha", "cash_flow_typical_cny_ha_yr", "typical_year"]
#: Road haulage of sold biomass (economics item ``transport``, appended).
PLAN_COLUMNS += ["cost_transport_cny_ha"]
#: PV options (:func:`agriremed.stages.solar.plan_pv_energy`; blank on other rows; appended).
PLAN_COLUMNS += list(solar_mod.PV_PLAN_COLUMNS)
#: Message columns (:mod:`agriremed.core.messages`): the sentences above as codes and parameters.
PLAN_COLUMNS += ["reason_msg", "why_food_safety_msg", "why_food_production_msg", "why_livelihood_msg",
                 "why_clean_up_msg", "why_carbon_msg", "why_economics_msg"]
#: The evidence gaps as message codes (appended).
PLAN_COLUMNS += ["data_gaps_msg"]


def apply_overrides(tables: Tables, overrides: dict) -> Tables:
    """Apply scenario overrides to the literature tables.

    Parameters
    ----------
    tables : Tables
        Base tables.
    overrides : dict
        Keys ``"<option_id>.<parameter>[.<metal>]"``, ``"<price item>.<crop>"`` or
        ``"factor.<name>"``; values a number (used as low, typical and high) or a
        mapping with ``low``/``typical``/``high``.

    Returns
    -------
    Tables
        New tables with the overridden rows; the source of an overridden row becomes
        ``agriremed_assumption`` with a note naming the override.
    """
    if not overrides:
        return tables
    op = tables.option_parameters.copy()
    pr = tables.prices.copy()
    fa = tables.factors.copy()

    def vals(v):
        if isinstance(v, dict):
            return float(v.get("low", v["typical"])), float(v["typical"]), float(v.get("high", v["typical"]))
        return float(v), float(v), float(v)

    for key, v in overrides.items():
        parts = key.split(".")
        lo, ty, hi = vals(v)
        if parts[0] == "factor" and len(parts) == 2:
            m = fa["factor"] == parts[1]
            frame = fa
        elif parts[0] in set(op["option_id"]) and len(parts) in (2, 3):
            metal = parts[2] if len(parts) == 3 else ""
            m = (op["option_id"] == parts[0]) & (op["parameter"] == parts[1]) & (op["metal"].fillna("") == metal)
            frame = op
        elif parts[0] in set(pr["item"]) and len(parts) in (1, 2):
            crop = parts[1] if len(parts) == 2 else ""
            m = (pr["item"] == parts[0]) & (pr["crop"].fillna("") == crop)
            frame = pr
        else:
            raise ScenarioError(f"override {key!r} does not name an option parameter, price or factor")
        if not m.any():
            raise ScenarioError(f"override {key!r} matches no table row")
        frame.loc[m, ["low", "typical", "high"]] = [lo, ty, hi]
        frame.loc[m, "source"] = "agriremed_assumption"
        frame.loc[m, "note"] = f"scenario override {key}"
    return tables.replace(option_parameters=op, prices=pr, factors=fa)


def apply_heat_user(tables: Tables, heat_user: str | None, heat_user_frac: float = 1.0) -> Tables:
    """Credit CHP heat only when a heat user is named.

    Parameters
    ----------
    tables : Tables
        Literature tables (``factors.csv`` row ``chp_heat_used_frac``: 0 by default, a
        plant without a heat customer).
    heat_user : str, optional
        Who takes the heat; None leaves the table as it is.
    heat_user_frac : float
        Share of the CHP heat the user takes [–].

    Returns
    -------
    Tables
        Tables whose ``chp_heat_used_frac`` is ``heat_user_frac`` (source
        ``agriremed_assumption``, the note naming the user) when a user is named.
    """
    if heat_user is None:
        return tables
    fa = tables.factors.copy()
    m = fa["factor"] == "chp_heat_used_frac"
    fa.loc[m, ["low", "typical", "high"]] = [float(heat_user_frac)] * 3
    fa.loc[m, "source"] = "agriremed_assumption"
    fa.loc[m, "note"] = f"scenario heat_user {heat_user} takes this share of the CHP heat"
    return tables.replace(factors=fa)


def apply_biochar_choice(tables: Tables, feedstock: str | None = None, temperature: str | None = None
                         ) -> tuple[Tables, list[str]]:
    """Set the feedstock and pyrolysis temperature of the biochar applied by the biochar options.

    The biochar options are the immobilisation options of ``options.csv`` with a
    ``biochar_feedstock``; their feedstock sets the carbon content (IPCC Table 4A.1) and
    scales the Cd dose–response (:func:`agriremed.stages.options.biochar_efficacy`), their
    temperature class the persistence and the As caution. Energy crops that are pyrolysed
    keep their own feedstock.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    feedstock : str, optional
        Feedstock class of ``biochar_carbon.csv`` (pyrolysis rows); None keeps the library's.
    temperature : str, optional
        Temperature class of ``biochar_permanence.csv``; None keeps the library's.

    Returns
    -------
    tables : Tables
        Tables with the chosen biochar.
    notes : list of str
        A note when the feedstock has no grain-Cd figure of its own (pooled default used).

    Raises
    ------
    ScenarioError
        If the feedstock or temperature class is not in the tables.
    """
    lib = tables.options
    is_char = (lib["kind"] == "immobilisation") & (lib["biochar_feedstock"].fillna("") != "")
    if feedstock is not None:
        bc = tables.biochar_carbon
        known = sorted(set(bc.loc[bc["process"] == "pyrolysis", "feedstock"]))
        if feedstock not in known:
            raise ScenarioError(f"scenario field biochar_feedstock = {feedstock!r} is invalid; "
                                "expected one of " + ", ".join(known))
    if temperature is not None:
        known = list(tables.biochar_permanence["temperature_class"])
        if temperature not in known:
            raise ScenarioError(f"scenario field biochar_temperature = {temperature!r} is invalid; "
                                "expected one of " + ", ".join(known))
    if (feedstock is not None or temperature is not None) and is_char.any():
        lib = lib.copy()
        if feedstock is not None:
            lib.loc[is_char, "biochar_feedstock"] = feedstock
        if temperature is not None:
            lib.loc[is_char, "biochar_temperature"] = temperature
        tables = tables.replace(options=lib)
    notes = []
    for fs in sorted(set(lib.loc[is_char, "biochar_feedstock"])):
        e, pooled = options_mod.biochar_efficacy([fs], tables)
        if pooled[0]:
            notes.append(f"biochar feedstock {fs!r} has no grain-Cd figure of its own in "
                         f"biochar_feedstock_effects.csv: the pooled paddy dose–response "
                         f"(× {e[0]:g}) is used")
    return tables, notes


@dataclasses.dataclass
class Plan:
    """Result of :func:`plan`: one tidy table per stage plus the merged outputs.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per plot × option (``plan.csv``).
    summary : pandas.DataFrame
        One row per valid plot with the recommendation (``summary.csv``).
    plots, rejected, problems : pandas.DataFrame
        Valid plots, rejected input rows with reasons, and all validation problems.
    soil, soil_plot, uptake, options, duration, duration_by_metal, compliance,
    biomass, energy, carbon_ledger, carbon, economics, ranking : pandas.DataFrame
        Stage outputs.
    metal_fate : pandas.DataFrame
        Metal in each harvest split into the products of its energy pathway, with
        concentrations and land-application status (:func:`agriremed.stages.energy.metal_fate`).
    carbon_by_year : pandas.DataFrame
        The carbon ledger year by year (SOC transition, harvest years, applications),
        with the cumulative net CO2e.
    targets : pandas.DataFrame
        Clean-up target per plot × metal (:func:`agriremed.stages.duration.target_concentrations`).
    trajectories : pandas.DataFrame
        Soil concentration per plot × removal option × metal × year, with Monte Carlo
        bands (:func:`agriremed.stages.duration.soil_trajectories`).
    schedule : pandas.DataFrame
        Crop grown, option running and P(crop meets the limit) per plot × applicable
        option × year (:func:`agriremed.stages.duration.compliance_by_year`); the itemised yearly
        cash flows are computed from it on demand by :meth:`yearly_cash_flows`.
    scores : pandas.DataFrame
        The full score table (:func:`agriremed.stages.ranking.score_table`).
    reuse : dict
        Stage inputs (plots, yearly schedule, grid, currency, and for plans of at most
        :data:`REPLAN_MAX_ROWS` rows the earlier stage outputs) that :func:`reprice` and
        :func:`replan` reuse; empty for large plans made without detail and for plans
        joined from chunks.
    scenario : Scenario
        The scenario used (seed included).
    version : str
        agriremed version.
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    plots: pd.DataFrame
    rejected: pd.DataFrame
    problems: pd.DataFrame
    soil: pd.DataFrame
    soil_plot: pd.DataFrame
    uptake: pd.DataFrame
    options: pd.DataFrame
    duration: pd.DataFrame
    duration_by_metal: pd.DataFrame
    compliance: pd.DataFrame
    biomass: pd.DataFrame
    energy: pd.DataFrame
    carbon_ledger: pd.DataFrame
    carbon: pd.DataFrame
    economics: pd.DataFrame
    ranking: pd.DataFrame
    scenario: Scenario
    n_input: int
    tables: Tables = dataclasses.field(repr=False)
    version: str = __version__
    notes: list = dataclasses.field(default_factory=list)
    metal_fate: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    carbon_by_year: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    targets: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)
    trajectories: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)
    schedule: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)
    scores: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, repr=False)
    #: Stage inputs kept for :func:`reprice` and :func:`replan` (see ``reuse`` above).
    reuse: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def yearly_cash_flows(self, plot_ids=None, transfers: bool = False) -> pd.DataFrame:
        """Itemised yearly cash flows of some (default: all) plots, as the economics stage counts them.

        Parameters
        ----------
        plot_ids : iterable of str, optional
            Plots to include.
        transfers : bool
            Also list the transfers from the programme to the farmer (price support of
            non-compliant grain, subsidies); they are not part of the combined account.

        Returns
        -------
        pandas.DataFrame
            Output of :func:`agriremed.stages.economics.yearly_cash_flows` [CNY ha⁻¹ yr⁻¹].
        """
        rows = self.options
        if plot_ids is not None:
            rows = rows.loc[rows["plot_id"].isin(list(plot_ids))]
        s = self.scenario
        return economics_mod.yearly_cash_flows(
            rows.reset_index(drop=True), _with_all_input_columns(self.plots), self.schedule, self.biomass, self.carbon, self.tables,
            s.horizon_yr, s.carbon_price_cny_t, noncompliant_price_fraction=s.noncompliant_price_fraction,
            energy=self.energy, biomass_valuation=s.biomass_valuation, noncompliant_grain=s.noncompliant_grain,
            soil_plot=self.soil_plot, transfers=transfers,
            biochar_reapply_interval_yr=s.biochar_reapply_interval_yr, transport_km=s.transport_km)

    def money(self) -> dict:
        """Reporting currency of the plan: ``code``, ``cny_per_unit`` and the ``basis`` of the rate."""
        s = self.scenario
        rate, basis = economics_mod.exchange_rate(s.currency, self.tables, s.exchange_rate_cny)
        return {"code": self.scenario.currency, "cny_per_unit": rate, "basis": basis}

    def provenance(self) -> list[str]:
        """Provenance lines (version, scenario, counts and input digest, currency) recorded in
        ``run.json`` and ``datapackage.json``."""
        lines = [
            f"agriremed {self.version}",
            f"scenario {self.scenario.to_json()}",
            f"plots: {self.n_input} rows read, {len(self.plots)} planned, {len(self.rejected)} rejected; "
            f"input digest {self.input_digest()}",
        ]
        m = self.money()
        if m["code"] != "CNY":
            lines.append(f"money: computed in CNY; *_{m['code'].lower()}* columns = CNY ÷ "
                         f"{m['cny_per_unit']:g} "
                         f"CNY per {m['code']} ({m['basis']})")
        return lines

    def input_digest(self) -> str:
        """SHA-256 (first 16 hex digits) of the validated plot table."""
        h = pd.util.hash_pandas_object(self.plots.astype(str), index=False).to_numpy()
        return hashlib.sha256(h.tobytes()).hexdigest()[:16]

    def write(self, out_dir: str | Path, report: bool = True, lang: str = "en", xlsx: bool = True,
              date=None) -> dict[str, Path]:
        """Write plan.csv, summary.csv, rejected.csv, problems.csv, stage tables, report.html,
        plan.xlsx, scenario.json, datapackage.json and run.json.

        The CSV files are plain tables (header row first, UTF-8 with a byte-order mark, no
        comment lines; text a spreadsheet would run as a formula starts with a single quote,
        see :mod:`agriremed.io.outputs`). ``run.json`` records the provenance (agriremed
        version, scenario with seed, input digest, counts, currency) and the files written;
        ``scenario.json`` reloads with :meth:`Scenario.load`; ``datapackage.json`` describes
        every column of every CSV (type, unit, English and Chinese label). Output files of an
        earlier run in the folder (:data:`agriremed.io.outputs.PLAN_OUTPUT_FILES`) are removed
        first, so the folder holds this run's outputs only.

        Parameters
        ----------
        out_dir : str or Path
            Output folder (created if needed).
        report : bool
            Also write the self-contained HTML report.
        lang : {"en", "zh"}
            Language of ``report.html`` and ``plan.xlsx`` (the CSV files keep column names).
        xlsx : bool
            Also write the Excel workbook ``plan.xlsx`` (:mod:`agriremed.io.workbook`).
        date : datetime.date or str, optional
            Date printed on the report and the workbook (default today, or ``SOURCE_DATE_EPOCH``).

        Returns
        -------
        dict
            Output name → path written.

        Raises
        ------
        agriremed.io.outputs.OutputError
            If ``out_dir`` is a file or cannot be created.
        """
        out = prepare_out_dir(out_dir)
        tables = {"plan": self.table, "summary": self.summary, "rejected": self.rejected,
                  "problems": self.problems, "soil_screening": self.soil, "crop_uptake": self.uptake,
                  "carbon_ledger": self.carbon_ledger, "metal_fate": self.metal_fate,
                  "carbon_by_year": self.carbon_by_year, "scores": self.scores,
                  "soil_trajectories": self.trajectories}

        soft = _soft_reuse(self)  # soft re-uses of marginal land and the opportunity matrix
        if soft is not None:
            tables.update(reuse_options=soft[0], opportunity_matrix=soft[1])
        paths = {name: write_csv(df, out / f"{name}.csv") for name, df in tables.items()}
        paths["scenario"] = self.scenario.save(out / "scenario.json")
        if report and len(self.plots):
            paths["report"] = write_report(self, out / "report.html", lang=lang, date=date)
        if xlsx and len(self.plots):
            paths["xlsx"] = write_workbook(self, out / "plan.xlsx", lang=lang, date=date)
        passed = pass_through_columns(self.plots)
        paths["datapackage"] = write_datapackage(out, {f"{name}.csv": df for name, df in tables.items()},
                                                 passed_through=passed,
                                                 description="; ".join(self.provenance()))
        run = {"agriremed_version": self.version, "seed": self.scenario.seed,
               "scenario": self.scenario.to_dict(), "input_digest": self.input_digest(),
               "rows_read": self.n_input, "plots_planned": len(self.plots),
               "rows_rejected": len(self.rejected), "currency": self.money(), "provenance": self.provenance(),
               "passed_through": passed,
               "files": sorted([p.name for p in paths.values()] + ["run.json"])}
        paths["run"] = out / "run.json"
        paths["run"].write_text(json.dumps(run, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                encoding="utf-8")
        return paths


def _progress(total, enabled):
    return tqdm(total=total, desc="agriremed plan", unit="stage",
                disable=(not enabled) if enabled is not None else None, leave=False)


def plan(plots, scenario: Scenario | None = None, seed: int | None = None, *,
         tables: Tables | None = None, progress: bool | None = None, detail: bool = True) -> Plan:
    """Plan remediation for a table of plots.

    Parameters
    ----------
    plots : str, Path, pandas.DataFrame or Validation
        Plot table (file or DataFrame following the input contract) or the result of
        :func:`agriremed.io.validate.validate_plots`.
    scenario : Scenario, optional
        User assumptions; default :class:`Scenario()`.
    seed : int, optional
        Monte Carlo seed, overriding ``scenario.seed``.
    tables : Tables, optional
        Literature tables (default: the packaged ones).
    progress : bool, optional
        Show a progress bar (default: only on an interactive terminal or notebook).
    detail : bool
        Also build the long stage tables (``carbon_ledger`` by term, ``carbon_by_year``,
        ``trajectories``, ``schedule``, ``scores``, ``metal_fate``). Portfolio runs
        (:func:`plan_chunks`) may leave them out: ``table`` and ``summary`` are the same
        either way, and the skipped tables are empty.

    Returns
    -------
    Plan
        All stage tables, the plan and summary tables, and the rejected rows.

    Examples
    --------
    >>> import agriremed
    >>> p = agriremed.plan("data/samples/plots.csv", seed=1)      # doctest: +SKIP
    >>> p.summary[["plot_id", "recommended_option"]]                # doctest: +SKIP
    """
    scenario = scenario or Scenario()
    if seed is not None:
        scenario = scenario.replace(seed=int(seed))
    tables = apply_heat_user(apply_overrides(tables or load_tables(), scenario.overrides), scenario.heat_user,
                             scenario.heat_user_frac)
    _check_option_ids(scenario, tables)
    tables, biochar_notes = apply_biochar_choice(tables, scenario.biochar_feedstock,
                                                 scenario.biochar_temperature)
    money, money_note = _money(scenario, tables)
    bar = _progress(len(STAGES), progress)

    v = plots if isinstance(plots, Validation) else validate_plots(plots, tables)
    bar.update()
    early = {**_early_stages(v, scenario, tables, bar),
             "notes": list(v.notes) + biochar_notes + rules_note(scenario)}
    result = _late_stages(early, scenario, tables, money, early["notes"] + money_note, detail, bar)
    bar.close()
    return result


def _check_option_ids(scenario: Scenario, tables: Tables) -> None:
    """Refuse a scenario ``options`` list naming an option the library does not have."""
    if scenario.options is None:
        return
    known = tables.options["option_id"].tolist()
    unknown = sorted(set(scenario.options) - set(known))
    if unknown:
        raise ScenarioError(f"scenario field options names unknown option id(s): {', '.join(unknown)}; "
                            f"expected some of {', '.join(known)}")


def rules_note(scenario: Scenario) -> list[str]:
    """The note every plan records about its jurisdiction rule set (``land_rules.csv``), as a
    :class:`agriremed.core.messages.Note`."""
    return [Note(Message.of("note.rule_set", rule_set=scenario.rule_set))]


#: Scenario fields read only by the stages from years-to-target on (duration, carbon,
#: economics, ranking) and by the reporting currency: a change of these alone reuses the
#: soil, uptake, option, biomass, crop-compliance, removal and energy stages (:func:`replan`).
LATE_FIELDS = ("name", "horizon_yr", "other_loss_frac_per_yr", "discount_rate", "carbon_price_cny_t",
               "noncompliant_price_fraction", "noncompliant_grain", "economics_view", "biomass_valuation",
               "biochar_method", "biochar_h_corg", "n_fertiliser_method", "weights", "currency", "exchange_rate_cny",
               "gwp_set", "rice_water_regime", "rice_preseason", "rice_amendment", "rice_amendment_t_ha",
               "rice_season_days", "biochar_reapply_interval_yr", "carbon_credit_method", "transport_km")

#: Plans of at most this many plot × option rows keep their early stage outputs (Monte Carlo
#: draws included) for :func:`replan`; larger plans keep only what :func:`reprice` needs,
#: and only when planned with detail.
REPLAN_MAX_ROWS = 2_000


def _money(scenario: Scenario, tables: Tables) -> tuple[tuple[str, float], list[str]]:
    """Reporting currency ``(code, CNY per unit)`` of ``scenario`` and the note the plan records about it."""
    try:
        rate, basis = economics_mod.exchange_rate(scenario.currency, tables, scenario.exchange_rate_cny)
    except ValueError as exc:
        raise ScenarioError(str(exc)) from exc
    code = scenario.currency
    note = [] if code == "CNY" else [
        f"money is also reported in {code} at {rate:g} CNY per {code} ({basis}); "
        f"computation, thresholds and *_cny* columns stay in CNY"]
    return (code, rate), note


def _early_stages(v: Validation, scenario: Scenario, tables: Tables, bar) -> dict:
    """Stages whose outputs do not depend on :data:`LATE_FIELDS`, as a dict of their tables."""
    P = _with_all_input_columns(v.plots)
    screened = soil_mod.screen(P, tables, scenario.threshold_set)
    soil_plot = soil_mod.plot_classes(screened, P["plot_id"].to_numpy(object))
    bar.update()
    pred, unassessed = uptake_mod.predict_and_unassessed(P, tables=tables)
    checked = uptake_mod.food_safety(pred, scenario.food_standard, tables)
    unassessed, soil_plot = _unassessed_above_screening(unassessed, screened, soil_plot,
                                                         scenario.food_standard, tables)
    bar.update()
    try:
        opts = options_mod.evaluate_options(P, soil_plot, tables, scenario.options, crop_risk=checked,
                                            rule_set=scenario.rule_set)
    except ValueError as exc:
        if "rule set" not in str(exc):
            raise
        raise ScenarioError(f"scenario field rule_set = {scenario.rule_set!r} is invalid: {exc}") from exc
    bar.update()
    preds = {"current": pred}
    lib = tables.indexed("options", "option_id")
    grown = set(lib.loc[pd.unique(_frames.obj(opts["option_id"])), "food_crop"]) - {"current", "none"}
    crops = _frames.obj(P["crop"])
    for fc in sorted(grown):  # a crop every plot already grows has the current prediction
        preds[fc] = pred if len(crops) and (crops == fc).all() else \
            uptake_mod.predict_crop_concentration(P, crop=fc, tables=tables)
    grid = _frames.Grid.of(opts, P, tables.options["option_id"])
    n_draws, seed_ = scenario.mc_draws, draw_seed(scenario.seed, scenario.sampling)
    bio, bio_draws = biomass_mod.harvested_biomass(opts, tables, n_draws, seed_, plots=P, soil_plot=soil_plot,
                                                   grid=grid)
    bar.update()
    compliance = duration_mod.crop_compliance_outcome(opts, preds, P, scenario.food_standard, tables,
                                                      n_draws, seed_, grid=grid)
    targets = duration_mod.target_concentrations(P, screened, tables, scenario.target, scenario.food_standard,
                                                 scenario.target_compliance_prob)
    removal = duration_mod.removal_inputs(opts, P, screened, bio, tables, n_draws, seed_, bio_draws, targets,
                                          grid=grid)
    uptake_table = checked.assign(assessed=True, not_assessed_reason="", not_assessed_reason_msg="")
    if len(unassessed):
        uptake_table = pd.concat([uptake_table, unassessed.rename(columns={"reason": "not_assessed_reason",
                                                                           "reason_msg": "not_assessed_reason_msg"})
                                  .assign(assessed=False)], ignore_index=True)
    # plot by plot (input order), so that a plan in chunks gives the same table
    order = np.argsort(_frames.positions(P["plot_id"], uptake_table["plot_id"]), kind="stable")
    uptake_table = uptake_table.iloc[order].reset_index(drop=True)
    return {"v": v, "P": P, "screened": screened, "soil_plot": soil_plot, "uptake": uptake_table, "opts": opts,
            "grid": grid, "bio": bio, "bio_draws": bio_draws, "compliance": compliance, "targets": targets,
            "removal": removal}


def _unassessed_above_screening(unassessed: pd.DataFrame, screened: pd.DataFrame, soil_plot: pd.DataFrame,
                                food_standard: str | None = None, tables: Tables | None = None):
    """The unassessed plot × metal pairs whose soil metal is above its screening value, and
    ``soil_plot`` with ``metals_not_assessed`` (those metals, '+'-joined, '' if none).

    A metal for which the food standard sets no limit in the plot's crop (Cu and Zn under
    GB 2762) is not a metal "not assessed": its reason says the standard sets no limit and
    it is left out of ``metals_not_assessed``."""
    u = uptake_mod.above_screening(unassessed, screened)
    listed = u
    if food_standard is not None and len(u):
        has_limit = advice_mod.food_limit_metals(_frames.obj(u["crop"]), _frames.obj(u["metal"]),
                                                 food_standard, tables or load_tables())
        msg = [Message.of("upt.no_food_limit", standard=food_standard, metal=m.capitalize()).encode()
               for m in _frames.obj(u["metal"])]
        reason = [render(m, "en") for m in msg]
        u = u.assign(reason=np.where(has_limit, _frames.obj(u["reason"]), np.asarray(reason, dtype=object)),
                     reason_msg=np.where(has_limit, _frames.obj(u["reason_msg"]), np.asarray(msg, dtype=object)))
        listed = u.loc[has_limit]
    joined = listed.groupby("plot_id", sort=False)["metal"].agg("+".join) if len(listed) \
        else pd.Series(dtype=object)
    pid = _frames.obj(soil_plot["plot_id"])
    text = _frames.take(_frames.obj(joined), _frames.positions(joined.index.to_numpy(object), pid), "") \
        if len(joined) else np.full(len(pid), "", dtype=object)
    return u, soil_plot.assign(metals_not_assessed=np.where(pd.isna(text), "", text).astype(object))


def _late_stages(e: dict, scenario: Scenario, tables: Tables, money, notes, detail: bool, bar) -> Plan:
    """Duration, energy, carbon, economics and ranking from the early stage outputs ``e``.

    The energy stages read only the harvest's metal concentration of the years-to-target
    table, which does not depend on :data:`LATE_FIELDS`: when ``e`` already holds them
    (a :func:`replan`) they are reused.
    """
    v, P, screened, opts, grid = e["v"], e["P"], e["screened"], e["opts"], e["grid"]
    bio, bio_draws, compliance, targets, removal = e["bio"], e["bio_draws"], e["compliance"], e["targets"], \
        e["removal"]
    H, n_draws, seed_ = scenario.horizon_yr, scenario.mc_draws, draw_seed(scenario.seed, scenario.sampling)
    loss = scenario.other_loss_frac_per_yr
    by_metal, dur = duration_mod.estimate_duration(opts, P, screened, bio, tables, n_draws, seed_, H,
                                                   biomass_draws=bio_draws, targets=targets,
                                                   other_loss_frac_per_yr=loss, removal=removal, grid=grid)
    if detail:
        traj = duration_mod.soil_trajectories(opts, P, screened, bio, tables, n_draws, seed_, H, bio_draws,
                                              targets, loss, removal=removal)
    else:
        traj = pd.DataFrame()
    schedule, seasons = duration_mod.compliance_by_year(
        opts, P, compliance, dur, by_metal, duration_mod.typical_trajectories(removal, H, loss),
        scenario.food_standard, tables, H, n_draws, seed_, removal=removal, grid=grid, matrices=True)
    bar.update()
    if "energy" in e:
        fate, en = e["metal_fate"], e["energy"]
    else:
        fate = energy_mod.metal_fate(opts, bio, by_metal, tables, grid=grid)
        en = energy_mod.energy_outputs(opts, bio, by_metal, tables, fate=fate, grid=grid)
        e = {**e, "metal_fate": fate, "energy": en}
    # PV options: electricity over the horizon and the money inputs (site yields once per plan)
    en, pv_yields = solar_mod.plan_pv_energy(opts, P, en, H, tables, e.get("pv_yields"),
                                             scenario.pv_weather_file, scenario.pv_tariff_cny_kwh)
    e = {**e, "pv_yields": pv_yields}
    bar.update()
    stops = _frames.obj(opts["option_kind"]) == "phytoextraction"
    yrs = dur["years_to_target"].to_numpy(float)  # dur is row-aligned with opts
    years_under = np.where(stops, np.ceil(yrs), np.inf)
    ledger, ctot, *by_year = carbon_mod.carbon_ledger(
        opts, P, bio, en, tables, H, years_under_option=years_under, n_draws=n_draws, seed=seed_,
        biomass_draws=bio_draws, biochar_method=scenario.biochar_method, h_corg=scenario.biochar_h_corg,
        n_fertiliser_method=scenario.n_fertiliser_method, by_year=detail, ledger=detail, grid=grid,
        gwp_set=scenario.gwp_set, rice_water_regime=scenario.rice_water_regime,
        rice_preseason=scenario.rice_preseason, rice_amendment=scenario.rice_amendment,
        rice_amendment_t_ha=scenario.rice_amendment_t_ha, rice_season_days=scenario.rice_season_days,
        biochar_reapply_interval_yr=scenario.biochar_reapply_interval_yr,
        credit_method=scenario.carbon_credit_method, heat_user=scenario.heat_user,
        transport_km=scenario.transport_km)
    by_year = by_year[0] if by_year else pd.DataFrame()
    bar.update()
    eco = _economics(opts, P, dur, compliance, bio, ctot, en, schedule, grid, tables, scenario, e["soil_plot"])
    bar.update()
    soil_plot = e["soil_plot"]
    plan_table, summary, rank, scores = _rank_and_summarise(
        opts, [dur, compliance, bio, en, ctot, eco, seasons], P, soil_plot, tables, scenario, money, grid,
        detail)
    bar.update()
    reuse = {}
    small = len(opts) <= REPLAN_MAX_ROWS
    if detail or small:
        reuse = {"P": P, "schedule": schedule, "seasons": seasons, "grid": grid, "money": money,
                 "detail": detail}
        if small:
            reuse["early"] = e
    return Plan(table=plan_table, summary=summary, plots=v.plots, rejected=v.rejected, problems=v.problems,
                soil=screened, soil_plot=soil_plot, uptake=e["uptake"], options=opts, duration=dur,
                duration_by_metal=by_metal, compliance=compliance, biomass=bio, energy=en,
                carbon_ledger=ledger, carbon=ctot, economics=eco, ranking=rank, scenario=scenario,
                n_input=v.n_input, tables=tables, notes=notes, metal_fate=fate,
                carbon_by_year=by_year, targets=targets, trajectories=traj,
                schedule=_applicable_years(schedule, opts) if detail else pd.DataFrame(), scores=scores,
                reuse=reuse)


def _economics(opts, P, dur, compliance, bio, ctot, en, schedule, grid, tables, scenario,
               soil_plot=None) -> pd.DataFrame:
    """The economics stage with the scenario's money settings (shared by :func:`plan` and :func:`reprice`)."""
    try:
        return economics_mod.evaluate_economics(
            opts, P, dur, compliance, bio, ctot, tables, scenario.horizon_yr, scenario.discount_rate,
            scenario.carbon_price_cny_t, noncompliant_price_fraction=scenario.noncompliant_price_fraction,
            schedule=schedule, energy=en, biomass_valuation=scenario.biomass_valuation, grid=grid,
            noncompliant_grain=scenario.noncompliant_grain, soil_plot=soil_plot,
            biochar_reapply_interval_yr=scenario.biochar_reapply_interval_yr, transport_km=scenario.transport_km)
    except ValueError as exc:
        if "noncompliant_grain.csv" in str(exc):
            raise ScenarioError(f"scenario field noncompliant_grain = {scenario.noncompliant_grain!r} is invalid: "
                                f"{exc}") from exc
        raise


def _rank_and_summarise(opts, stage_frames, P, soil_plot, tables, scenario, money, grid, detail):
    """Plan table, summary, ranking and score table from the stage tables (all row-aligned with ``opts``)."""
    lib = tables.indexed("options", "option_id")
    H = scenario.horizon_yr
    # every stage table is row-aligned with ``opts`` (plot-major): join by position; the columns are
    # gathered by name and the plan table is built once from them
    cols = _side_by_side_columns(opts, stage_frames)
    index = pd.RangeIndex(len(opts))
    ppos = _frames.plot_index(soil_plot, opts)
    for c in ("soil_class", "metals_exceeding"):
        cols[c] = _frames.text_series(_frames.take(_frames.obj(soil_plot[c]), ppos, None), index)
    opos = _frames.index_of(lib.index, opts["option_id"])
    cols["option_name"] = _frames.text_series(_frames.take(_frames.obj(lib["name_en"]), opos, None), index)
    bval = options_mod.parameter_for_rows(tables, cols["option_id"], "biomass_value_cny_t")
    # livelihood counts the years biomass or energy is sold: a PV plant sells electricity
    sells_pv = (_frames.obj(cols["energy_pathway"]) == "pv") \
        & (cols["electricity_mwh_ha_yr"].fillna(0).to_numpy(float) > 0)
    cols["biomass_value_positive"] = pd.Series(
        ((np.nan_to_num(bval) > 0) & (cols["biomass_t_dm_ha_yr"].fillna(0).to_numpy(float) > 0)) | sells_pv,
        index=index)
    weights = scenario.normalised_weights()
    rank = ranking_mod.rank_options(pd.DataFrame(cols, copy=False), weights, tables, scenario.food_standard,
                                    H, money=money, economics_view=scenario.economics_view)
    _add_columns(cols, rank, index)
    scores = ranking_mod.score_table(rank, weights, tables) if detail else pd.DataFrame()
    ahead = ranking_mod.runner_up_message(rank, weights, tables)
    plan_cols = PLAN_COLUMNS + [c for c in cols if c.startswith("crit_")]
    plan_table = _text_as_object({c: cols[c] for c in plan_cols})
    summary = _text_as_object(_summary(P, soil_plot, plan_table, scenario, ahead, grid, money, tables))
    summary = _with_pass_through(economics_mod.add_currency_columns(summary, *money), P)
    plan_table = _with_pass_through(economics_mod.add_currency_columns(plan_table, *money), P)
    return plan_table, summary, rank, scores


def reprice(result: Plan, scenario: Scenario) -> Plan:
    """The plan ``result`` with another carbon price (and weights) from ``scenario``.

    The carbon price enters only the economics; the stages before it are reused, and the
    economics, ranking, recommendation and score table are computed again. The result
    equals ``plan(plots, scenario)`` on the same plots (the option comparison calls this
    when the carbon-price slider moves).

    Parameters
    ----------
    result : Plan
        A plan from :func:`plan` with ``detail=True`` or of at most :data:`REPLAN_MAX_ROWS`
        plot × option rows (the same detail is kept).
    scenario : Scenario
        ``result.scenario`` with another ``carbon_price_cny_t`` [CNY t⁻¹ CO2e] and/or
        ``weights``; any other change is refused.

    Returns
    -------
    Plan
        A new plan for ``scenario``.

    Raises
    ------
    ValueError
        If ``result`` kept no stage inputs (a large plan without detail) or ``scenario``
        changes anything else.
    """
    r = result.reuse
    if not r:
        raise ValueError(f"reprice needs a plan made with detail=True or of at most {REPLAN_MAX_ROWS} "
                         "plot × option rows")
    same = result.scenario.replace(carbon_price_cny_t=scenario.carbon_price_cny_t,
                                   weights=dict(scenario.weights))
    if same != scenario:
        raise ValueError("reprice changes only the carbon price and the weights; "
                         "plan again for other changes")
    tables, opts = result.tables, result.options
    eco = _economics(opts, r["P"], result.duration, result.compliance, result.biomass, result.carbon,
                     result.energy, r["schedule"], r["grid"], tables, scenario, result.soil_plot)
    frames = [result.duration, result.compliance, result.biomass, result.energy, result.carbon, eco,
              r["seasons"]]
    plan_table, summary, rank, scores = _rank_and_summarise(opts, frames, r["P"], result.soil_plot, tables,
                                                            scenario, r["money"], r["grid"], r["detail"])
    return dataclasses.replace(result, table=plan_table, summary=summary, ranking=rank, scores=scores,
                               economics=eco, scenario=scenario)


def replan(result: Plan, scenario: Scenario, *, progress: bool | None = False) -> Plan:
    """The plan ``result`` for a scenario that differs only in :data:`LATE_FIELDS`.

    The soil, uptake, option, biomass, crop-compliance, clean-up removal and energy stages
    do not read these fields, so their outputs (Monte Carlo draws included) are reused and
    only the years to target, trajectories, carbon, economics and ranking are computed
    again; a change of the weights alone re-ranks (:func:`rerank`) and of the carbon price
    and weights alone re-prices (:func:`reprice`). The result equals
    ``plan(plots, scenario)`` on the same plots (the option comparison calls this when
    the horizon slider moves).

    Parameters
    ----------
    result : Plan
        A plan from :func:`plan` of at most :data:`REPLAN_MAX_ROWS` plot × option rows
        (the same detail is kept).
    scenario : Scenario
        ``result.scenario`` with other values of :data:`LATE_FIELDS`, e.g. ``horizon_yr``
        [yr] or ``discount_rate`` [yr⁻¹].
    progress : bool, optional
        Show a progress bar.

    Returns
    -------
    Plan
        A new plan for ``scenario``.

    Raises
    ------
    ValueError
        If ``result`` kept no stage outputs or ``scenario`` changes a field outside
        :data:`LATE_FIELDS`.
    """
    route, why = _replan_route(result, scenario)
    if route is None:
        raise ValueError(why)
    if route == "rerank":
        return rerank(result, scenario.weights)
    if route == "reprice":
        return reprice(result, scenario)
    early = result.reuse["early"]
    tables = result.tables
    money, money_note = _money(scenario, tables)
    bar = _progress(len(STAGES) - 5, progress)
    out = _late_stages(early, scenario, tables, money, early["notes"] + money_note, result.reuse["detail"],
                       bar)
    bar.close()
    return out


def can_replan(result: Plan, scenario: Scenario) -> bool:
    """Whether :func:`replan` can give the plan for ``scenario`` from ``result``.

    Parameters
    ----------
    result : Plan
        A plan from :func:`plan`.
    scenario : Scenario
        The scenario wanted.

    Returns
    -------
    bool
        True when ``scenario`` differs from ``result.scenario`` only in :data:`LATE_FIELDS`
        and ``result`` kept the stage outputs that change needs.
    """
    return _replan_route(result, scenario)[0] is not None


def _replan_route(result: Plan, scenario: Scenario) -> tuple[str | None, str]:
    """How :func:`replan` reaches ``scenario``: ``"rerank"``, ``"reprice"`` or ``"late"``
    (years to target onwards), or ``None`` with the reason it cannot."""
    old = result.scenario
    changed = {f.name for f in dataclasses.fields(Scenario)
               if getattr(old, f.name) != getattr(scenario, f.name)}
    early_change = sorted(changed - set(LATE_FIELDS))
    if early_change:
        return None, ("replan reuses the stages before years-to-target, which read "
                      f"{', '.join(early_change)}: plan again for this change")
    if changed <= {"weights"}:
        return "rerank", ""
    if changed <= {"weights", "carbon_price_cny_t"} and result.reuse:
        return "reprice", ""
    if result.reuse.get("early") is None:
        return None, f"replan needs a plan of at most {REPLAN_MAX_ROWS} plot × option rows"
    return "late", ""


def rerank(result: Plan, weights: dict[str, float]) -> Plan:
    """The plan ``result`` ranked with other criterion weights.

    Only the score, the rank, the recommendation (and its sentence) and the score table
    depend on the weights; everything else is reused. The result equals
    ``plan(plots, scenario.replace(weights=weights))`` on the same plots, at a fraction of
    the cost (the option comparison calls this when a weight slider moves).

    Parameters
    ----------
    result : Plan
        A plan from :func:`plan`.
    weights : dict
        Criterion → weight [–] (normalised to sum to 1; see
        :meth:`agriremed.Scenario.normalised_weights`).

    Returns
    -------
    Plan
        A new plan with ``scenario.weights = weights``.
    """
    scenario = result.scenario.replace(weights=dict(weights))
    w = scenario.normalised_weights()
    tables = result.tables
    rank = ranking_mod.reweight(result.ranking, w, tables)
    table = result.table.copy()
    for c in ("score", "rank", "recommended"):
        table[c] = rank[c].to_numpy() if c != "rank" else rank[c].array
    ahead = ranking_mod.runner_up_message(rank, w, tables)
    money = (scenario.currency, result.money()["cny_per_unit"])
    P = _with_all_input_columns(result.plots)
    summary = _text_as_object(_summary(P, result.soil_plot, table, scenario, ahead, money=money,
                                       tables=tables))
    summary = _with_pass_through(economics_mod.add_currency_columns(summary, *money), P)
    scores = ranking_mod.score_table(rank, w, tables) if len(result.scores) else result.scores
    return dataclasses.replace(result, table=table, summary=summary, ranking=rank, scenario=scenario,
                               scores=scores)


def _side_by_side(rows: pd.DataFrame, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``rows`` with the columns of ``frames`` (each row-aligned with ``rows``) beside it.

    A frame in another row order (or with missing rows) is aligned on
    ``(plot_id, option_id)``, as a left join would.
    """
    return pd.DataFrame(_side_by_side_columns(rows, frames), copy=False)


def _side_by_side_columns(rows: pd.DataFrame, frames: list[pd.DataFrame]) -> dict[str, pd.Series]:
    """The columns of :func:`_side_by_side` by name (each on a 0…n−1 index)."""
    index = pd.RangeIndex(len(rows))
    same = rows.index.equals(index)
    cols = {c: (s if same else s.set_axis(index)) for c, s in rows.items()}
    for f in frames:
        _add_columns(cols, f, index, rows=rows)
    return cols


def _add_columns(cols: dict, f: pd.DataFrame, index: pd.RangeIndex,
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
        for c in extra:
            s = f[c]
            cols[c] = s if same_index else s.set_axis(index)
        return
    sub = f[extra].iloc[np.maximum(pos, 0)].set_axis(index)
    miss = pos < 0
    if miss.any():
        sub = sub.astype({c: object for c in sub.columns if sub[c].dtype == bool})
        sub.loc[miss] = np.nan
    for c in extra:
        cols[c] = sub[c]


def _text_as_object(df: pd.DataFrame | dict) -> pd.DataFrame:
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
            miss = pd.isna(v)
            if miss.any():
                v = v.copy()
                v[miss] = None
            cols[c] = pd.Series(v, dtype=object, index=index, copy=False)
        else:
            cols[c] = s
    # one copy consolidates the columns into a block per dtype, so that users can add columns
    return pd.DataFrame(cols, index=index, copy=True)


def pass_through_columns(plots: pd.DataFrame) -> list[str]:
    """Input columns that validation kept without any stage using them ("passed through").

    They are the columns of the valid plots that the column registry does not know; the
    plan and summary tables carry them unchanged, after the computed columns.
    """
    return [str(c) for c in plots.columns if c not in C.COLUMNS]


def _with_pass_through(table: pd.DataFrame, P: pd.DataFrame) -> pd.DataFrame:
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
        cols[name] = _frames.take(_frames.obj(P[c]), pos, None)
    return pd.concat([table, _frames.frame(cols, len(table)).set_axis(table.index)], axis=1)


def _with_all_input_columns(plots: pd.DataFrame) -> pd.DataFrame:
    """Valid plots with every registered numeric and text input column present.

    A column absent from the user's table is *not measured*: it becomes blank (NaN or
    None), so every stage can rely on the column and gives blank results where it needs
    the value. Validation has already warned about absent recommended columns.
    """
    n = len(plots)
    missing = {name: (np.full(n, np.nan) if spec.dtype in ("float", "int") else np.full(n, None, dtype=object))
               for name, spec in C.COLUMNS.items() if spec.role == "input" and name not in plots.columns}
    if not missing:
        return plots.copy()
    return pd.concat([plots.reset_index(drop=True), pd.DataFrame(missing)], axis=1)


def _applicable_years(schedule, opts: pd.DataFrame) -> pd.DataFrame:
    """The yearly schedule (:class:`agriremed.stages.duration.YearlySchedule`) of the applicable options
    (and the baseline) only, as a tidy table."""
    keep = opts["applicable"].to_numpy(bool) | (_frames.obj(opts["option_kind"]) == "baseline")
    out = schedule.frame(opts, keep)
    out["food_crop"] = out["food_crop"].astype("category")
    return out


def _fmt_money(x: float, money=("CNY", 1.0)) -> Message:
    """An amount per hectare as a message (:func:`agriremed.stages.economics.money_text`)."""
    currency, rate = money
    if np.isnan(x) or currency == "CNY":
        return Message.of("money.cny_ha", cny=printed(x))
    return Message.of("money.cur_ha", value=printed(x / rate), currency=currency, cny=printed(x))


_pct = advice_mod.pct_text


def _title(metals: str) -> str:
    """'cd+pb' → 'Cd/Pb' ('' → 'metal', the clean-up of an unnamed metal)."""
    return metals.replace("+", "/").title() if metals else "metal"


def _cleanup_text(row) -> Message:
    """The clean-up clause of a recommendation as a message."""
    metals = _title(row.target_metals)
    goal = "food_limit_target" if getattr(row, "target_basis", "") == "food_limit" else "screening_value"
    y = row.years_p50 if not np.isnan(row.years_p50) else row.years_to_target
    kind = getattr(row, "option_kind", "")
    text = duration_mod.cleanup_years_text([y], [kind], [row.target_metals or ""])[0]
    if text == duration_mod.STABILISES_TEXT:  # not a clean-up method: no years are printed
        return Message.of("rec.stabilises")
    if np.isnan(y):
        return Message.of("rec.cleanup_unknown", metals=metals, goal=goal)
    if y == 0:
        return Message.of("rec.cleanup_done", metals=metals, goal=goal)
    if np.isinf(y) or y > duration_mod.YEARS_SHOWN_UP_TO:
        return Message.of("rec.cleanup_never", metals=metals, goal=goal, years=duration_mod.YEARS_SHOWN_UP_TO)
    rng = Message()
    if not np.isnan(row.years_p10) and np.isfinite(row.years_p90):
        rng = Message.of("rec.range", p10=printed(row.years_p10), p90=printed(row.years_p90))
    return Message.of("rec.cleanup", metals=metals, goal=goal, years=printed(y), range=rng)


def _sentence_bodies(b: dict, std: str, H: int, money=("CNY", 1.0)) -> np.ndarray:
    """One-sentence recommendation of every row of the columns ``b`` (the chosen options'
    numbers), as messages (:class:`agriremed.core.messages.Message`) of the part after the
    option's name, without the final full stop.

    Each part of a sentence is built once per distinct value of the columns it reads.
    """
    n = len(b["option_id"])
    kind = b["option_kind"]
    body = np.full(n, None, dtype=object)
    if not n:
        return body
    M = Message.of
    npv = _frames.per_distinct(lambda x: M("rec.npv_na", years=H) if np.isnan(x)
                        else M("rec.npv", money=_fmt_money(x, money), years=H), b["npv_vs_baseline_cny_ha"])
    co2 = _frames.per_distinct(lambda x: Message() if np.isnan(x) else M("rec.co2", co2e_t_ha_yr=printed(x, 1)),
                        b["net_co2e_vs_baseline_t_ha_yr"])
    untreated = _frames.per_distinct(lambda u: M("rec.untreated", metals=_title(u)) if u else Message(),
                              b["untreated_metals"])
    p = b["crop_compliance_prob"]
    cleanup_cols = [c for c in ("target_metals", "target_basis", "years_p50", "years_to_target", "years_p10",
                                "years_p90", "option_kind") if c in b]

    def cleanup(sel):
        return _frames.per_distinct(lambda *v: _cleanup_text(types.SimpleNamespace(**dict(zip(cleanup_cols, v)))),
                             *(b[c][sel] for c in cleanup_cols))

    def each(code, sel, **parts):  # one message per row of ``sel`` from per-row parts
        idx = np.flatnonzero(sel)
        cols = {k: (v if isinstance(v, np.ndarray) and len(v) == len(idx) else np.asarray(v)[idx])
                for k, v in parts.items()}
        return [M(code, **{k: c[i] for k, c in cols.items()}) for i in range(len(idx))]

    rest = np.ones(n, bool)
    sel = kind == "baseline"
    if sel.any():
        safe = _frames.per_distinct(lambda x: Message() if np.isnan(x) else M("rec.chance", share=_pct(x), standard=std),
                             p[sel])
        clean = b["soil_class"][sel] == "priority_protection"
        msgs = np.empty(int(sel.sum()), dtype=object)
        msgs[:] = [M("rec.baseline_clean", chance=c) if k else M("rec.baseline", chance=c)
                   for k, c in zip(clean, safe, strict=True)]
        body[sel] = msgs
        rest &= ~sel
    sel = kind == "phytoextraction"
    if sel.any():
        seasons = b["compliant_season_fraction"][sel] if "compliant_season_fraction" in b \
            else np.full(int(sel.sum()), np.nan)
        food = _frames.per_distinct(lambda fc, x: M("rec.seasons", crop=fc, standard=std, share=_pct(x))
                             if fc not in ("none", None) and not np.isnan(x) else Message(),
                             b["food_crop"][sel], seasons)
        body[sel] = each("rec.phytoextraction", sel, cleanup=cleanup(sel), seasons=food, npv=npv[sel],
                         co2=co2[sel], untreated=untreated[sel])
        rest &= ~sel
    sel = kind == "phytomanagement"
    if sel.any():
        energy = _frames.per_distinct(lambda x: Message() if np.isnan(x) else M("rec.energy", energy_gj_ha_yr=printed(x)),
                               b["useful_energy_gj_ha_yr"][sel])
        biomass = _frames.per_distinct(lambda x: printed(x, 1), b["biomass_t_dm_ha_yr"][sel])
        body[sel] = each("rec.phytomanagement", sel, biomass_t_dm_ha_yr=biomass, energy=energy, cleanup=cleanup(sel),
                         npv=npv[sel], co2=co2[sel], untreated=untreated[sel])
        rest &= ~sel
    sel = (kind == "immobilisation") | (kind == "safe_crop")
    if sel.any():
        safe = _frames.per_distinct(lambda x: M("rec.crop_unknown") if np.isnan(x)
                             else M("rec.crop_meets", standard=std, share=_pct(x)), p[sel])
        body[sel] = each("rec.protect", sel, safe=safe, npv=npv[sel], co2=co2[sel], untreated=untreated[sel])
        rest &= ~sel
    if rest.any():
        body[rest] = each("rec.no_food_body", rest, npv=npv[rest], co2=co2[rest])
    return body


_SENTENCE_COLUMNS = ("option_id", "option_name", "option_kind", "npv_vs_baseline_cny_ha",
                     "net_co2e_vs_baseline_t_ha_yr", "untreated_metals", "crop_compliance_prob", "soil_class",
                     "food_crop", "compliant_season_fraction", "target_metals", "target_basis", "years_p50",
                     "years_to_target", "years_p10", "years_p90", "useful_energy_gj_ha_yr", "biomass_t_dm_ha_yr",
                     "policy_rule")


def _summary(P, soil_plot, table, scenario, ahead=None, grid=None, money=("CNY", 1.0),
             tables=None) -> pd.DataFrame:
    n = len(P)
    pid = _frames.obj(P["plot_id"])
    g = grid if grid is not None and grid.n_rows == len(table) else \
        _frames.Grid(_frames.plot_index(P, table), np.zeros(len(table), np.intp))
    s = {"plot_id": pid, "input_row": P["input_row"].to_numpy()}
    for c in ("region", "land_use", "crop", "area_ha", "basic_farmland"):
        s[c] = (P[c].to_numpy(float) if c == "area_ha" else _frames.obj(P[c])) if c in P else None
    sp = _frames.positions(soil_plot["plot_id"], pid)
    for c in ("soil_class", "controlling_metal", "max_exceedance_ratio", "metals_exceeding",
              "metals_not_assessed"):
        if c not in soil_plot:
            s[c] = np.full(n, "", dtype=object)
            continue
        v = soil_plot[c].to_numpy(float) if c == "max_exceedance_ratio" else _frames.obj(soil_plot[c])
        s[c] = _frames.take(v, sp, np.nan if c == "max_exceedance_ratio" else None)

    def per_plot(mask):  # the row of each plot where ``mask`` holds (−1: none)
        at = np.full(n, -1, dtype=np.intp)
        rows = np.flatnonzero(mask & (g.plot >= 0))
        at[g.plot[rows]] = rows
        return at

    base = per_plot(_frames.obj(table["option_id"]) == "do_nothing")
    s["current_crop_compliance_prob"] = _frames.take(table["crop_compliance_prob"].to_numpy(float), base)
    best = per_plot(table["recommended"].to_numpy(bool))
    b = {c: _frames.take(table[c].to_numpy(float) if pd.api.types.is_float_dtype(table[c])
                         else _frames.obj(table[c]), best, np.nan if pd.api.types.is_float_dtype(table[c]) else None)
         for c in _SENTENCE_COLUMNS + ("score", "p_target_20yr", "net_co2e_t", "npv_farmer_vs_baseline_cny_ha",
                                       "programme_cost_cny_ha") if c in table}
    s["recommended_option"] = b["option_id"]
    s["recommended_name"] = b["option_name"]
    s["rule_set"] = np.full(n, scenario.rule_set, dtype=object)
    s["policy_rule"] = b["policy_rule"] if "policy_rule" in b else np.full(n, None, dtype=object)
    for c in ("score", "years_p50", "p_target_20yr", "npv_vs_baseline_cny_ha",
              "net_co2e_vs_baseline_t_ha_yr", "net_co2e_t"):
        s[c] = b[c]
    for c in ("npv_farmer_vs_baseline_cny_ha", "programme_cost_cny_ha"):
        s[c] = b[c] if c in b else np.full(n, np.nan)
    s["economics_view"] = np.full(n, scenario.economics_view, dtype=object)
    std, H = scenario.food_standard, scenario.horizon_yr
    ok = ~pd.isna(b["option_id"])  # plots with a recommended option
    body = _sentence_bodies({c: v[ok] for c, v in b.items()}, std, H, money)
    ahead_msg = np.full(int(ok.sum()), Message(), dtype=object)
    if ahead is not None and len(ahead):  # "…; ahead of <runner-up> (score a vs b), mostly on <criterion>."
        clause = _frames.take(_frames.obj(ahead), _frames.positions(ahead.index.to_numpy(object), pid), None)[ok]
        has = np.flatnonzero(~pd.isna(clause) & (clause != ""))
        ahead_msg[has] = _frames.per_distinct(lambda c: Message.of("rec.then", clause=Message.decode(c)), clause[has])
    keys = ("plot_id", "area_ha", "crop", "metals_exceeding", "controlling_metal")
    adv = advice_mod.summary_columns(
        pd.DataFrame({c: s[c] if s[c] is not None else np.full(n, np.nan if c == "area_ha" else None)
                      for c in keys}), table, tables or load_tables(), std, H)
    s.update(adv)
    plot = advice_mod.plot_clause(adv, ok, money)
    na = _frames.obj(s["metals_not_assessed"])
    has_na = ~pd.isna(na) & (na != "")
    # "As/Pb in the crop not assessed (no usable transfer function): measure them in the harvest."
    unassessed = np.full(n, Message(), dtype=object)
    if has_na.any():
        unassessed[has_na] = _frames.per_distinct(
            lambda m: Message.of("rec.not_assessed_many" if "+" in m else "rec.not_assessed_one",
                                 metals="/".join(x.capitalize() for x in m.split("+"))), na[has_na])
    rec = np.empty(n, dtype=object)
    rec[~ok] = [Message.of("rec.none", unassessed=u) for u in unassessed[~ok]]
    rec[ok] = [Message.of("rec.sentence", option=o, body=bd, ahead=a, plot=pl, unassessed=u)
               for o, bd, a, pl, u in zip(b["option_id"][ok], body, ahead_msg, plot, unassessed[ok], strict=True)]
    s["recommendation_msg"] = encode_column(rec)
    s["recommendation"] = render_column(rec, "en", tables)
    return _frames.frame({c: s[c] for c in SUMMARY_COLUMNS}, n)


