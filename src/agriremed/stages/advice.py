"""What an extension officer tells the farmer: steps, amounts, money, monitoring, how long.

The plan ranks options per hectare over a horizon; an officer needs, for one plot, what to
do this season and next with amounts per mu and for the plot, what the first year costs
and what the plot nets in year 1 and in a typical year after it, which grain samples to take and for how long. This module
turns a plan result into that advice. It computes no new science: amounts come from the
option tables, money from the economics stage, years from the duration stage.

* **Steps** (``option_steps.csv``): per option, ordered steps with their timing
  (``this_season``, ``next_season``, ``every_season``), a measure (text key
  ``ui.step.<measure>`` of ``i18n.csv``), an amount per hectare read from
  ``option_parameters.csv`` (``amount_parameter``, typical value) — never repeated in
  the steps table — and a re-application interval parameter. Options without their own
  rows take the ``*`` rows (establish the crop, harvest and remove the biomass; no food
  crop where the option grows none). Amounts per mu use the unit registry
  (1 亩 = 1/15 ha, :func:`agriremed.core.names.unit_factor`); per plot = per ha × area.
* **Money** for the plot: ``first_year_cost_plot_cny`` = ``cost_year1_cny_ha`` (the
  undiscounted year-1 cost items of :func:`agriremed.stages.economics.evaluate_economics`:
  crop production, establishment, management, harvest, amendment, disposal) × area;
  ``cash_flow_year1_plot_cny`` = ``cash_flow_year1_cny_ha`` (revenue minus cost of year 1)
  × area and ``cash_flow_typical_plot_cny_yr`` = ``cash_flow_typical_cny_ha_yr`` (revenue
  minus cost of the typical year ``typical_year``, :func:`agriremed.stages.economics.typical_year`)
  × area: actual years of the option's undiscounted yearly cash flows, subsidies not
  included. Where years 2…horizon differ (lime every 2 years), the lowest, highest and mean of
  them × area (``cash_flow_later_*_plot_cny_yr``, :func:`agriremed.models.economics.later_years`)
  replace the typical year in the sentence and on the sheet, with the re-application years
  (:func:`reapply_message`). On a PV plant these are the landholder's: no cost but the risk control of
  land above a GB 36600 intervention value (a clean-soil cover, ``risk_control_cost_cny_ha`` × area, year 1;
  code ``rec.plot_pv_cover``), the land lease
  (``pv_lease_cny_ha_yr`` × area, ``pv_lease_plot_cny_yr``) in year 1 and every year; the
  developer's investment (``pv_capex_cny_ha`` × area, ``developer_investment_plot_cny``) and
  typical-year net cash flow after the lease (``developer_cash_flow_typical_plot_cny_yr``) are
  given beside them (code ``rec.plot_pv``).
* **Monitoring** (``monitoring_rules.csv``; :func:`grain_samples_per_season`): composite
  grain samples a season = max(minimum, ceil(area in mu / mu per sample)) every season a
  food crop is grown, over the plan horizon, tested for the metals
  above their screening value that have a food limit in the scenario's standard (the
  controlling metal when none exceeds). Each composite mixes at least 5 points laid along
  the plot's diagonals, taken within 3 days before harvest, and a plot under one option is
  one sampling lot (grain-sampling rule [4]_); the mu per sample is an
  ``agriremed_assumption`` (no rule read gives a density per area).
* **How long**: the years of :func:`agriremed.stages.duration.cleanup_years_text` with their unit
  (:func:`years_messages`: "about 12 yr" / 约12年, "> 200 yr" / > 200年 beyond 200 years;
  "stabilises, does not clean up" for an option that is not a clean-up method); for doing
  nothing, "metals stay in the soil".

References
----------
.. [1] 土壤污染防治法 (2018), Art. 53–54 (safe-utilisation and strict-control measures,
   joint soil and crop monitoring).
.. [2] Chen et al. (2018) Chemosphere 207:699–707 (7.5 t/ha CaCO3, two-year effect).
.. [3] Tang X. (2020) VIP+n model for Cd-contaminated paddies.
.. [4] 农业部农产品质量安全中心 (2005) 无公害农产品 粮油抽样规范 (production-base sampling:
   lot, diagonal sampling with at least 5 points, within 3 d before harvest).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from importlib import resources

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames, i18n, messages
from agriremed.core.columns import METALS, metal_codes
from agriremed.core.messages import measured_text
from agriremed.stages.duration import NOT_CLEAN_UP_CODES, YEARS_SHOWN_UP_TO, cleanup_years_text
from agriremed.stages.uptake.predict import limits_for_crops, row_standards
from agriremed.stages.seasons import option_rice_seasons_cap, per_season, plot_rice_seasons
from agriremed.stages.options import lime_by_requirement, lime_dose_t_ha, policy_status
from agriremed.core.names import UNLISTED_CROP, ha_per_mu  # noqa: F401 (ha_per_mu re-exported, see __all__)

__all__ = ["TIMINGS", "BASELINE_TEXT", "ha_per_mu", "area_units", "food_standards", "plot_food_standards", "plan_food_standards",
           "rule_sets_of", "rule_set_notes", "binding_rule_set", "plot_rule_sets", "plan_rule_sets", "row_rule_sets", "AUTO_RULE_SET",
           "step_table", "monitoring_rules", "option_steps",
           "grain_samples_per_season",
           "plot_steps", "measures_text", "soil_ph_of", "clean_cover_of", "no_flood_metals", "no_flood_rows", "no_flood_of", "step_flags_of",
           "idle_rows", "idle_of", "harvest_test_rows", "metal_title",
           "harvest_test_of", "harvest_standard", "harvest_standard_text", "forest_balance_rows", "forest_balance_of", "food_limit_metals", "food_limit_gaps",
           "summary_columns", "plot_clause", "compensation_lines",
           "plot_advice",
           "PlotAdvice", "years_text", "years_messages", "location_text", "place_text"]

#: Timings of a step: done this season, from the next season on, or every season.
TIMINGS = ("this_season", "next_season", "every_season")
#: How long, for doing nothing (the metals are neither removed nor held).
BASELINE_TEXT = "metals stay in the soil"
#: Summary columns of :func:`summary_columns`.
SUMMARY_ADDED = ("area_mu", "measures", "first_year_cost_plot_cny", "cash_flow_year1_plot_cny",
                 "cash_flow_typical_plot_cny_yr", "typical_year", "cash_flow_later_low_plot_cny_yr",
                 "cash_flow_later_high_plot_cny_yr", "cash_flow_later_mean_plot_cny_yr", "grain_samples_per_season",
                 "grain_samples_per_yr", "monitoring", "duration_text", "first_year_cost_cny_mu",
                 "npv_vs_baseline_cny_mu", "first_year_extra_cost_plot_cny")


#: A Chinese character (CJK unified ideographs): a region written in Chinese is in China.
_HAN = re.compile(r"[\u3400-\u9fff]")


def region_in_china(region, tables=None) -> bool | None:
    """Whether a region is in China (True), in another country (False) or not known (None: not
    given, or naming neither a place of China nor a country; planned as a plot in China under
    the ``auto`` rule set and food standard).

    Examples
    --------
    >>> [region_in_china(r) for r in ("Hunan Yiyang", "湘潭", "UK Derbyshire", "Kenya/Nakuru", "Atlantis", "")]
    [True, True, False, False, None, None]
    """
    return _region_in_china(region, tables)


def _region_in_china(region, tables=None) -> bool | None:
    """Whether a region is in China (True: written in Chinese characters, or naming a province,
    city or county of China), outside it (False: a part names another country of
    ``countries.csv`` or ``food_standard_regions.csv``, ``UK/Derbyshire``, ``Denmark Jutland``) or
    not known (None: not given, or naming neither; treated as a plot without a region, which
    validation warns about)."""
    if not isinstance(region, str) or not region.strip():
        return None
    if _HAN.search(region) or i18n.region_province(region, tables) or i18n.region_candidates(region, tables):
        return True
    return False if _country_in(region, _foreign_countries(tables)) else None


def area_units(region, area_unit: str = "auto", rule_set: str = "china", tables=None) -> np.ndarray:
    """Area unit of each plot's texts: ``'mu'`` (亩, amounts per mu beside those per ha) or ``'ha'``.

    Parameters
    ----------
    region : array_like of str
        Region of each plot as the plots table gives it.
    area_unit : {"auto", "mu", "ha"}
        The scenario's ``area_unit``: ``mu`` or ``ha`` for every plot, or ``auto``: ``mu`` for a
        plot in China (its region names a province, city or county of ``provinces.csv`` /
        ``place_names.csv`` or is written in Chinese characters), ``ha`` for a plot whose
        region names a place outside these tables (``UK/Derbyshire``); a plot without a
        region (or with one naming no known place and no country) is planned as a plot in China
        and gets ``mu``, whatever the rule set.
    rule_set : str
        The plan's rule set. It chooses the land rules only: the unit of a plot does not depend
        on it (kept for the callers' signature).
    tables : Tables, optional
        Literature tables (``provinces.csv``).

    Returns
    -------
    numpy.ndarray of str
        ``'mu'`` or ``'ha'`` per plot.

    Examples
    --------
    >>> area_units(["Hunan/Zhuzhou", "湘潭", "UK/Derbyshire", ""]).tolist()
    ['mu', 'mu', 'ha', 'mu']
    >>> area_units(["", "Denmark/Jutland"], rule_set="none").tolist(), area_units(["UK"], "mu").tolist()
    (['mu', 'ha'], ['mu'])
    """
    region = _frames.obj(np.asarray(region, dtype=object)) if not isinstance(region, np.ndarray) \
        else _frames.obj(region)
    if area_unit in ("mu", "ha"):
        return np.full(len(region), area_unit, dtype=object)
    def unit(r):
        return "ha" if _region_in_china(r, tables) is False else "mu"

    return _frames.per_distinct(unit, region) if len(region) else np.zeros(0, dtype=object)


#: Scenario ``rule_set`` that chooses each plot's rule set from its region (:func:`rule_sets_of`).
AUTO_RULE_SET = "auto"
#: Rule set of a plot in China (or without a region) under ``rule_set`` "auto".
CHINA_RULE_SET = "china"
#: Rule set of a plot outside China under ``rule_set`` "auto" (no jurisdiction rule applied).
OTHER_RULE_SET = "none"


def rule_sets_of(region, rule_set: str = AUTO_RULE_SET, tables=None) -> np.ndarray:
    """Jurisdiction rule set of ``land_rules.csv`` that governs each plot.

    Parameters
    ----------
    region : array_like of str
        Region of each plot as the plots table gives it.
    rule_set : str
        The scenario's ``rule_set``: a set of ``land_rules.csv`` for every plot, or ``auto``:
        ``china`` for a plot in China (as :func:`area_units` decides it: a region naming a
        province, city or county of China, or written in Chinese characters) and for a plot
        without a region, ``none`` (no jurisdiction rule applied) for a plot elsewhere.
    tables : Tables, optional
        Literature tables (``provinces.csv``, ``place_names.csv``).

    Returns
    -------
    numpy.ndarray of str
        Rule set per plot.

    Examples
    --------
    >>> rule_sets_of(["Hunan/Zhuzhou", "湘潭", "UK/Derbyshire", "Denmark/Jutland", ""]).tolist()
    ['china', 'china', 'none', 'none', 'china']
    >>> rule_sets_of(["UK"], "china").tolist()
    ['china']
    """
    region = _frames.obj(np.asarray(region, dtype=object)) if not isinstance(region, np.ndarray) \
        else _frames.obj(region)
    if rule_set != AUTO_RULE_SET:
        return np.full(len(region), rule_set, dtype=object)

    def one(r):
        return OTHER_RULE_SET if _region_in_china(r, tables) is False else CHINA_RULE_SET

    return _frames.per_distinct(one, region) if len(region) else np.zeros(0, dtype=object)


def binding_rule_set(rule_set: str, tables) -> bool:
    """Whether the rule set of ``land_rules.csv`` named ``rule_set`` binds anything: some rule of it
    forbids, expects or restrains an option. A set whose every rule only allows (``none``, the research
    set) applies no land-use rule; an unknown set binds nothing.

    >>> from agriremed.core.tables import load_tables
    >>> binding_rule_set("china", load_tables()), binding_rule_set("none", load_tables())
    (True, False)
    """
    lr = tables.land_rules
    return tables.memo(("advice.binding_rule_set", rule_set), lambda: bool(
        (lr.loc[lr["rule_set"] == rule_set, "status"] != "allowed").any()))


def rule_set_notes(rule_set, region, basic_farmland, soil_class, land_use, option, tables) -> np.ndarray:
    """What a plot's sentence and sheet say of its rule set when it is not the one its jurisdiction
    takes by default (``rule_set`` ``auto``, :func:`rule_sets_of`), as messages (empty where it is).

    * a rule set that binds nothing (:func:`binding_rule_set`; ``none``) chosen for a plot whose
      jurisdiction has a rule set: ``rec.rules_none_research`` ("No land-use rules applied (rule set none,
      research run)."); the same set as the default of a plot abroad, whose jurisdiction has no rule set in the
      tables: ``rec.rules_none_abroad``;
    * another binding set than the default: ``rec.rules_other``;
    * and where the input records the plot as permanent basic farmland (``basic_farmland`` yes) and the
      default rule set forbids the plot's ``option`` on its land (:func:`agriremed.stages.options.policy_status`
      on its soil class, land use and basic-farmland status): ``rec.rules_default_forbids``, naming the
      forbidding rule and its sources.

    Parameters
    ----------
    rule_set, region, basic_farmland, soil_class, land_use, option : array_like
        Per plot: the rule set applied, region, ``basic_farmland`` flag (blank: unknown), GB 15618 class,
        land use and the recommended option (None: none).
    tables : Tables
        Literature tables (``land_rules``, ``options``).

    Returns
    -------
    numpy.ndarray of Message

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> n = rule_set_notes(["none", "none", "china"], ["Hunan/Xiangtan", "UK/Derbyshire", "Hunan"],
    ...                    ["yes", None, "yes"], ["strict_control"] * 3, ["paddy", "upland", "paddy"],
    ...                    ["pv_grass", "low_cd_wheat", "sorghum"], load_tables())
    >>> [messages.render(m, "en") for m in n][1:]
    ['No land-use rules applied (rule set none: the tables hold none for this country).', '']
    >>> print(messages.render(n[0], "en"))
    No land-use rules applied (rule set none, research run). The input records the plot as permanent basic farmland, where rule set china forbids this option: rule “basic farmland: no PV” (自然资办发〔2023〕12号).
    """
    applied = _frames.obj(np.asarray(rule_set, dtype=object))
    n = len(applied)
    default = rule_sets_of(region, AUTO_RULE_SET, tables)
    bf = _frames.obj(np.asarray(basic_farmland, dtype=object))
    cls = _frames.obj(np.asarray(soil_class, dtype=object))
    lu = _frames.obj(np.asarray(land_use, dtype=object))
    opt = _frames.obj(np.asarray(option, dtype=object))
    lib = tables.options

    def note(a, d, b, c, u, o):
        out = messages.Message()
        binds = binding_rule_set(a, tables)
        if not binds:
            out = messages.Message.of("rec.rules_none_research" if a != d else "rec.rules_none_abroad", rule_set=a)
        elif a != d:
            out = messages.Message.of("rec.rules_other", rule_set=a, default=d)
        if (a != d and str(b).strip().lower() == "yes" and isinstance(o, str) and isinstance(c, str)
                and binding_rule_set(d, tables)):
            row = lib.loc[lib["option_id"] == o]
            if len(row):
                st, rid, _ = policy_status(row, [c], [u], ["yes"], tables, d)
                if st[0, 0] == "forbidden":
                    lr = tables.land_rules
                    src = lr.loc[(lr["rule_set"] == d) & (lr["rule_id"] == rid[0, 0]), "source"]
                    forbids = messages.Message.of("rec.rules_default_forbids", default=d, rule=rid[0, 0],
                                                  sources=str(src.iloc[0]) if len(src) else "")
                    out = messages.Message.of("rec.with_note", sentence=out, note=forbids) if out else forbids
        return out

    if not n:
        return np.zeros(0, dtype=object)
    return _frames.per_distinct(note, applied, _frames.obj(default), bf, cls, lu, opt)


def plot_rule_sets(plot_ids, region, rule_set: str = AUTO_RULE_SET, tables=None):
    """The rule set of a plan's plots, as the model stages take it.

    Parameters
    ----------
    plot_ids, region : array_like
        Plot ids and their regions.
    rule_set, tables
        As for :func:`rule_sets_of`.

    Returns
    -------
    str or pandas.Series
        The one rule set when every plot has the same (always so for an explicit
        ``rule_set``), else a Series of rule sets indexed by plot id.

    Examples
    --------
    >>> plot_rule_sets(["a", "b"], ["Hunan", "湘潭"])
    'china'
    >>> plot_rule_sets(["a", "b"], ["Hunan", "UK/Derbyshire"]).to_dict()
    {'a': 'china', 'b': 'none'}
    """
    auto = rule_set == AUTO_RULE_SET
    return _one_or_by_plot(rule_sets_of(region, rule_set, tables), plot_ids, auto,
                           CHINA_RULE_SET if auto else rule_set, "rule_set")


def _one_or_by_plot(values: np.ndarray, plot_ids, per_plot: bool, empty: str, name: str):
    """``values`` (one per plot) as the model stages take a per-plot choice: the one value when the
    choice was not made per plot or every plot got the same (``empty`` for no plot), else a Series
    named ``name`` indexed by plot id."""
    first = values[0] if len(values) else empty
    if not per_plot or (values == first).all():
        return first
    return pd.Series(values, index=_frames.obj(np.asarray(plot_ids, dtype=object)), dtype=object, name=name)


def plan_rule_sets(plots: pd.DataFrame, scenario, tables=None):
    """:func:`plot_rule_sets` of a plots table (``plot_id``, optional ``region``) under a
    scenario (``rule_set``)."""
    region = _frames.obj(plots["region"]) if "region" in plots else np.full(len(plots), None, dtype=object)
    return plot_rule_sets(plots["plot_id"], region, getattr(scenario, "rule_set", AUTO_RULE_SET), tables)


def row_rule_sets(rule_set, plot_ids) -> np.ndarray:
    """Rule set of each row: ``rule_set`` (one name, or a Series by plot id from
    :func:`plot_rule_sets`) read at each row's plot.

    Examples
    --------
    >>> row_rule_sets("china", ["a", "b"]).tolist()
    ['china', 'china']
    """
    pid = _frames.obj(np.asarray(plot_ids, dtype=object))
    if isinstance(rule_set, str):
        return np.full(len(pid), rule_set, dtype=object)
    if isinstance(rule_set, pd.Series):
        at = _frames.positions(rule_set.index.to_numpy(object), pid)
        if (at < 0).any():
            raise KeyError(f"no rule set for plot {pid[np.flatnonzero(at < 0)[0]]!r}")
        return _frames.obj(rule_set.to_numpy(object))[at]
    return _frames.obj(np.asarray(rule_set, dtype=object))


def _standard_regions(tables=None) -> dict[str, str]:
    """Country (lower case) → food standard (``food_standard_regions.csv``; read-only)."""
    t = getattr(tables, "food_standard_regions", None) if tables is not None else None
    if not isinstance(t, pd.DataFrame):
        return _packaged_standard_regions()
    return dict(zip(t["country"].str.strip().str.lower(), t["standard"].str.strip(), strict=True))


@functools.lru_cache(maxsize=1)
def _packaged_standard_regions() -> dict[str, str]:
    """The packaged ``food_standard_regions.csv`` as country → standard, read once."""
    with resources.files("agriremed.data").joinpath("food_standard_regions.csv").open("r", encoding="utf-8") as f:
        t = pd.read_csv(f, dtype=str, keep_default_na=False)
    return dict(zip(t["country"].str.strip().str.lower(), t["standard"].str.strip(), strict=True))


def named_country(region, tables=None) -> str | None:
    """The country of ``food_standard_regions.csv`` that a part of the region names (lower case), or
    None (a region in China, one naming no listed country, or none).

    Examples
    --------
    >>> named_country("UK/Derbyshire"), named_country("Hunan/Xiangtan"), named_country("花石镇")
    ('uk', None, None)
    """
    if not isinstance(region, str) or not region.strip() or _region_in_china(region, tables):
        return None
    return _country_in(region, _standard_regions(tables))


def _country_in(region: str, countries) -> str | None:
    """The first part of ``region`` (split at / , ; |), or the longest run of words a part starts
    with (``UK Derbyshire``, ``United Kingdom Derbyshire``), that is a key of ``countries`` (lower case)."""
    for part in (q.strip().lower() for q in re.split(r"[/,;|]", region)):
        if part in countries:
            return part
        words = part.replace("-", " ").split()
        hit = next((" ".join(words[:k]) for k in range(len(words) - 1, 0, -1) if " ".join(words[:k]) in countries),
                   None)
        if hit is not None:
            return hit
    return None


def _foreign_countries(tables=None) -> frozenset:
    """Names of the countries other than China (lower case): ``countries.csv`` (ISO 3166-1 names,
    common and official names) and the countries of ``food_standard_regions.csv``."""
    return _packaged_countries() | frozenset(_standard_regions(tables))


@functools.lru_cache(maxsize=1)
def _packaged_countries() -> frozenset:
    """The packaged ``countries.csv`` as a set of lower-case names, read once."""
    with resources.files("agriremed.data").joinpath("countries.csv").open("r", encoding="utf-8") as f:
        t = pd.read_csv(f, dtype=str, keep_default_na=False)
    names = [*t["name"], *(a for cell in t["aliases"] for a in cell.split("|"))]
    return frozenset(n.strip().lower() for n in names if n.strip() and "," not in n)


#: Food standard of a plot outside China whose region names no country of ``food_standard_regions.csv``.
OTHER_STANDARD = "CODEX"
#: Food standard of a plot in China.
CHINA_STANDARD = "GB2762"


def food_standards(region, food_standard: str = "auto", rule_set: str = "china", tables=None) -> np.ndarray:
    """Food standard each plot's crop is judged against.

    Parameters
    ----------
    region : array_like of str
        Region of each plot as the plots table gives it.
    food_standard : str
        The scenario's ``food_standard``: a standard of ``food_limits.csv`` for every plot, or
        ``auto``: ``GB2762`` for a plot in China (as :func:`area_units` decides it: a region
        naming a province, city or county of China, or written in Chinese characters), the
        standard ``food_standard_regions.csv`` gives to the country a part of the region names
        (``EU2023_915`` for an EU member state and for the UK, ``UK/Derbyshire``), and
        ``CODEX`` for any other region; a plot without a region (or with one naming no known
        place and no country) is planned as a plot in China and gets ``GB2762``, whatever the
        rule set.
    rule_set : str
        The plan's rule set. It chooses the land rules only: the food standard of a plot does
        not depend on it (kept for the callers' signature).
    tables : Tables, optional
        Literature tables (``provinces.csv``, ``food_standard_regions.csv``).

    Returns
    -------
    numpy.ndarray of str
        Food standard per plot.

    Examples
    --------
    >>> food_standards(["Hunan/Zhuzhou", "UK/Derbyshire", "Denmark/Jutland", "Kenya/Nakuru", ""]).tolist()
    ['GB2762', 'EU2023_915', 'EU2023_915', 'CODEX', 'GB2762']
    >>> food_standards(["", "UK"], "GB2762").tolist(), food_standards([""], rule_set="none").tolist()
    (['GB2762', 'GB2762'], ['GB2762'])
    """
    region = _frames.obj(np.asarray(region, dtype=object)) if not isinstance(region, np.ndarray) \
        else _frames.obj(region)
    if food_standard != "auto":
        return np.full(len(region), food_standard, dtype=object)
    countries = _standard_regions(tables)

    def standard(r):
        if _region_in_china(r, tables) is not False:
            return CHINA_STANDARD
        country = _country_in(r, countries)
        return OTHER_STANDARD if country is None else countries[country]

    return _frames.per_distinct(standard, region) if len(region) else np.zeros(0, dtype=object)


def plot_food_standards(plot_ids, region, food_standard: str = "auto", rule_set: str = "china", tables=None):
    """The food standard of a plan's plots, as the model stages take it.

    Parameters
    ----------
    plot_ids, region : array_like
        Plot ids and their regions.
    food_standard, rule_set, tables
        As for :func:`food_standards`.

    Returns
    -------
    str or pandas.Series
        The one standard when every plot has the same (always so for an explicit
        ``food_standard``), else a Series of standards indexed by plot id.

    Examples
    --------
    >>> plot_food_standards(["a", "b"], ["Hunan", "湘潭"])
    'GB2762'
    >>> plot_food_standards(["a", "b"], ["Hunan", "UK/Derbyshire"]).to_dict()
    {'a': 'GB2762', 'b': 'EU2023_915'}
    """
    auto = food_standard == "auto"
    return _one_or_by_plot(food_standards(region, food_standard, rule_set, tables), plot_ids, auto,
                           CHINA_STANDARD if auto else food_standard, "food_standard")


def plan_food_standards(plots: pd.DataFrame, scenario, tables=None):
    """:func:`plot_food_standards` of a plots table (``plot_id``, optional ``region``) under a
    scenario (``food_standard``, ``rule_set``)."""
    region = _frames.obj(plots["region"]) if "region" in plots else np.full(len(plots), None, dtype=object)
    return plot_food_standards(plots["plot_id"], region, getattr(scenario, "food_standard", "auto"),
                               getattr(scenario, "rule_set", "china"), tables)


def _packaged(name: str) -> pd.DataFrame:
    with resources.files("agriremed.data").joinpath(name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"option_id": object, "measure": object, "amount_parameter": object,
                                     "repeat_parameter": object, "unit": object, "parameter": object})


def step_table(tables=None) -> pd.DataFrame:
    """The steps table (``option_steps.csv``; ``tables.option_steps`` when the tables carry one)."""
    t = getattr(tables, "option_steps", None) if tables is not None else None
    return t if isinstance(t, pd.DataFrame) else _packaged("option_steps.csv")


def monitoring_rules(tables=None) -> dict[str, float]:
    """Grain-sampling rule (``monitoring_rules.csv``): parameter → value."""
    t = getattr(tables, "monitoring_rules", None) if tables is not None else None
    t = t if isinstance(t, pd.DataFrame) else _packaged("monitoring_rules.csv")
    return dict(zip(t["parameter"], t["value"].astype(float), strict=True))


def grain_samples_per_season(area_mu, food, area_per_sample_mu: float, min_samples: float) -> np.ndarray:
    """Composite grain samples a plot needs each season.

    Parameters
    ----------
    area_mu : array_like
        Plot area [mu].
    food : array_like of bool
        Whether the plot grows a food crop that season.
    area_per_sample_mu : float
        Plot area one composite sample stands for [mu] (``grain_area_per_sample_mu`` of
        ``monitoring_rules.csv``).
    min_samples : float
        Composite samples of a plot that grows a food crop, at least [–]
        (``min_samples_per_plot``).

    Returns
    -------
    numpy.ndarray
        max(``min_samples``, ceil(``area_mu`` / ``area_per_sample_mu``)) where ``food``,
        else 0 [–]; a started ``area_per_sample_mu`` counts whole (1e-9 tolerance for
        areas converted from hectares).

    References
    ----------
    .. [1] 农业部农产品质量安全中心 (2005) 无公害农产品 粮油抽样规范: one sampling lot is the crop
       of one origin, practice and variety harvested at the same time.

    Examples
    --------
    >>> grain_samples_per_season([6.3, 10.0, 10.5, 30.0, 4.0], [True, True, True, True, False], 10, 1)
    array([1., 1., 2., 3., 0.])
    """
    mu = np.asarray(area_mu, dtype=float)
    need = np.maximum(min_samples, np.ceil(mu / area_per_sample_mu - 1e-9))
    return np.where(np.asarray(food, dtype=bool), need, 0.0)


def _parameter(tables, option_id: str, name: str) -> float:
    p = tables.option_parameters
    row = p.loc[(p["option_id"] == option_id) & (p["parameter"] == name)]
    return float(row["typical"].iloc[0]) if len(row) else math.nan


def _number(v, what: str) -> float:
    """A table cell as a number (blank → NaN); anything else is an error naming the cell."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip()):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{what} is {v!r}; expected a number or blank") from None


def option_steps(option_id: str, tables) -> pd.DataFrame:
    """Ordered steps of one option with their amount per hectare resolved.

    Parameters
    ----------
    option_id : str
        Option of ``options.csv``.
    tables : Tables
        Literature tables (``option_parameters`` for the amounts, ``options`` for the
        food crop).

    Returns
    -------
    pandas.DataFrame
        ``option_id``, ``step``, ``timing``, ``measure``, ``amount_per_ha`` [unit ha⁻¹],
        ``unit``, ``repeat_yr`` [yr] (NaN: not repeated), ``source``.

    Raises
    ------
    ValueError
        If a step names an amount parameter the option does not have.
    """
    st = step_table(tables)
    rows = st.loc[st["option_id"] == option_id]
    generic = rows.empty
    if generic:
        rows = st.loc[st["option_id"] == "*"]
        lib = tables.indexed("options", "option_id")
        food = lib.at[option_id, "food_crop"] if option_id in lib.index else "none"
        if food != "none":
            rows = rows.loc[rows["measure"] != "stop_food_if_none"]
        # an annual crop is sown again every season: next season's steps say so
        if option_id in lib.index and lib.at[option_id, "new_land_use"] == "annual_crop":
            sow = (rows["measure"] == "establish").to_numpy()
            rows = rows.assign(timing=np.where(sow, "every_season", rows["timing"].to_numpy(object)),
                               measure=np.where(sow, "sow", rows["measure"].to_numpy(object)))
    rows = rows.assign(step=rows["step"].astype(int)).sort_values("step", kind="stable")
    amount, repeat = [], []
    for r in rows.itertuples(index=False):
        a = r.amount_per_ha
        if isinstance(r.amount_parameter, str) and r.amount_parameter.strip():
            a = _parameter(tables, option_id, r.amount_parameter)
            if math.isnan(a):
                raise ValueError(f"option_steps.csv: option {option_id} step {r.step} reads amount parameter "
                                 f"{r.amount_parameter!r}, which option_parameters.csv does not give for it")
        amount.append(_number(a, f"option_steps.csv: option {option_id} step {r.step}: amount_per_ha"))
        rp = r.repeat_parameter
        repeat.append(_parameter(tables, option_id, rp) if isinstance(rp, str) and rp.strip() else math.nan)
    measure = rows["measure"].replace("stop_food_if_none", "stop_food").to_numpy(object)
    return pd.DataFrame({"option_id": option_id, "step": rows["step"].astype(int).to_numpy(),
                         "timing": rows["timing"].to_numpy(object), "measure": measure,
                         "amount_per_ha": np.asarray(amount, float), "unit": rows["unit"].to_numpy(object),
                         "repeat_yr": np.asarray(repeat, float), "source": rows["source"].to_numpy(object)})


def _amount_text(x: float, unit: str, lang: str) -> str:
    """An amount in t as kg below 1 t, in t above; other units as they are."""
    if math.isnan(x):
        return ""
    if unit == "t":
        if x < 1:
            return f"{x * 1000:,.0f} " + ("公斤" if lang == "zh" else "kg")
        return f"{x:,.2f} " + ("吨" if lang == "zh" else "t")
    return f"{x:,.2f} {unit}"


def _repeat_text(repeat_yr: float, lang: str) -> str:
    """How often a step is repeated, from the interval the costs assume: " (every year)" for
    1 yr, " (repeat every n years)" above, nothing for a step not repeated (NaN) [yr]."""
    if math.isnan(repeat_yr):
        return ""
    if repeat_yr == 1:
        return i18n.t("ui.step.repeat_yearly", lang)
    return i18n.t("ui.step.repeat", lang, n=f"{repeat_yr:.0f}") if repeat_yr > 1 else ""


def _lime_step_fields(option_id: str, tables) -> dict:
    """The pH fields of the step texts of an option dosed by lime requirement (``target_ph``,
    ``relime_ph``: its target and re-liming pH, one decimal); empty for any other option."""
    lime = lime_by_requirement(tables, [option_id], [np.nan])
    if not lime["by_requirement"][0]:
        return {}
    return {"target_ph": f"{lime['target_ph'][0]:.1f}", "relime_ph": f"{lime['relime_below_ph'][0]:.1f}"}


def plot_steps(option_id: str, area_ha: float, tables, lang: str = "en", unit: str = "mu",
               no_flood: bool = False, test_harvest: int = 0, forest_balance: bool = False,
               idle: bool = False, soil_ph: float | None = None, clean_cover: bool = False) -> pd.DataFrame:
    """Steps of ``option_id`` for one plot, this season and next, with amounts per mu (or per
    ha) and per plot.

    Parameters
    ----------
    option_id : str
        Option.
    area_ha : float
        Plot area [ha].
    tables : Tables
        Literature tables.
    lang : {"en", "zh"}
        Language of ``text``.
    unit : {"mu", "ha"}
        Area unit of the amounts in ``text`` (:func:`area_units`): per mu, or per ha.
    no_flood : bool
        The plot is a paddy where a metal that rules flooding out exceeds its screening value and
        the option grows rice (:func:`no_flood_rows`): the option's steps end with the step of not
        flooding continuously (``moist_water``, every season) unless they have it already.
    test_harvest : {0, 1, 2, 3}
        What unchanged practice means on the plot (:func:`harvest_test_rows`): on a food crop a metal
        above its screening value may make fail its food limit, 1 adds the step of testing each harvest
        before it is sold (``test_harvest``, every season), 2 also the step of agreeing a
        safe-utilisation measure with the county for the next season (``ask_county``: safe-utilisation
        land under the Chinese rule set, where no measure of the library could be predicted to help);
        3 (:data:`IDLE_AS_IS`): the plot is idle and stays so (``keep_idle`` in place of growing the
        current crop).
    forest_balance : bool
        The option turns cultivated land that is not permanent basic farmland into forest or grassland
        (:func:`forest_balance_rows`): the steps start, this season, with its condition
        (``forest_balance``: the county's approval and the in–out balance, 自然资发〔2021〕166号).
    idle : bool
        The plot is idle now (crop ``none``, :func:`idle_of`): this season the step of growing rice
        returns the idle paddy to rice (``return_rice``, first of the season's steps); from the next
        season on it keeps growing it (``grow_rice``, the step of a plot growing rice); a switch of crop
        prepares the idle field (``prepare_idle``) instead of finishing the crop in the field
        (``finish_crop``).
    soil_ph : float, optional
        The plot's soil pH. An option dosed by lime requirement (a ``target_ph`` row,
        :func:`agriremed.stages.options.lime_by_requirement`) limes it with its own requirement
        (``lime_to_target``: from this pH to the target, at most the largest single application);
        without it that step gives no amount (the requirement is not known; the costs count the full
        ``lime_t_ha``). Its yearly re-test step (``retest_ph_relime``) gives
        the amount of a re-liming from the re-liming pH back to the target. Any other lime step
        (amount parameter ``lime_t_ha``) gives the plot's own dose to the option's target pH
        (:func:`agriremed.stages.options.lime_dose_t_ha`); without it, the full ``lime_t_ha``.
    clean_cover : bool
        The plot's soil exceeds a GB 36600 intervention value for the people the option puts on it
        (:func:`clean_cover_of`): the steps start, this season, with covering the land with clean soil
        (``clean_cover``, risk control).

    Returns
    -------
    pandas.DataFrame
        One row per step and season (``season``: ``this`` or ``next``): ``step``,
        ``measure``, ``amount_per_ha``, ``amount_per_mu`` (per ha × 1/15),
        ``amount_plot`` (per ha × area) [``unit``], ``repeat_yr`` [yr] and ``text``.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> s = plot_steps("lime_low_cd_rice", 0.42, load_tables())
    >>> s.loc[s["measure"] == "lime", ["season", "amount_per_mu", "amount_plot"]].values.tolist()
    [['this', 0.5, 3.15]]
    >>> s = plot_steps("lime_low_cd_rice", 0.42, load_tables(), soil_ph=6.0)
    >>> s.loc[s["measure"] == "lime", ["amount_per_mu", "amount_plot"]].round(3).values.tolist()
    [[0.251, 1.579]]
    """
    st = option_steps(option_id, tables)
    lime = lime_by_requirement(tables, [option_id], [np.nan if soil_ph is None else float(soil_ph)])
    ph_fields = _lime_step_fields(option_id, tables)
    if lime["by_requirement"][0]:
        # without the plot's pH the requirement is not known: the step gives no amount (the costs and the
        # lime CO2 count the full lime_t_ha, lime_by_requirement; no Cd cut is credited)
        first = lime["dose_t_ha"][0] if soil_ph is not None and np.isfinite(soil_ph) else np.nan
        m = st["measure"].to_numpy(object)
        st = st.assign(amount_per_ha=np.where(m == "lime_to_target", first,
                                              np.where(m == "retest_ph_relime", lime["relime_t_ha"][0],
                                                       st["amount_per_ha"].to_numpy(float))))
    elif soil_ph is not None:  # any other lime step: the plot's own dose to the target pH (lime_dose_t_ha)
        dose = float(lime_dose_t_ha(tables, [option_id], [float(soil_ph)])[0])
        tab = step_table(tables)
        lime_steps = tab.loc[(tab["option_id"] == option_id) & (tab["amount_parameter"] == "lime_t_ha"), "step"]
        if np.isfinite(dose) and len(lime_steps):
            st = st.assign(amount_per_ha=np.where(st["step"].isin(lime_steps.astype(int)), dose,
                                                  st["amount_per_ha"].to_numpy(float)))

    def after(steps):  # the number of a step added after the ones so far
        return int(steps["step"].max()) + 1 if len(steps) else 1

    if no_flood and not (st["measure"] == "moist_water").any():
        st = pd.concat([st, _no_flood_step(option_id, after(st), tables)], ignore_index=True)
    if int(test_harvest) == IDLE_AS_IS:  # unchanged practice on idle land: it stays idle, no crop is grown
        st = st.assign(measure=st["measure"].replace({"continue_crop": "keep_idle"}))
    elif test_harvest:
        st = pd.concat([st, _test_steps(option_id, after(st), int(test_harvest))], ignore_index=True)
    if forest_balance:
        st = pd.concat([_forest_balance_step(option_id), st], ignore_index=True)
    if clean_cover:  # GB 36600 risk control before anyone works on the land: first of all
        st = pd.concat([_added_steps(option_id, -1, ["clean_cover"], ["this_season"], "mee2018_gb36600"), st],
                       ignore_index=True)
    parts = []
    seasons = (("this", ("this_season", "every_season")), ("next", ("next_season", "every_season")))
    for season, timings in seasons:
        s = st.loc[st["timing"].isin(timings)].copy()
        if season == "next":  # applied this season and repeated every n > 1 years: not due next season
            s = s.loc[~((s["timing"] == "this_season") & (s["repeat_yr"] > 1))]
        if idle and season == "this":  # idle land has no crop to finish before a switch: it is prepared
            s = s.assign(measure=s["measure"].replace({"finish_crop": "prepare_idle"}))
        if idle and season == "this" and (s["measure"] == "grow_rice").any():
            # an idle paddy is first brought back to rice; from the next season on it keeps growing it
            back = (s["measure"] == "grow_rice").to_numpy()
            s = pd.concat([s.loc[back].assign(measure="return_rice"), s.loc[~back]])
        elif idle and season == "this" and len(s) and _grows_rice(option_id, tables):
            # a rice measure without a step of growing rice (a low-Cd variety, a package): the idle
            # paddy is brought back to rice before it
            back = s.iloc[:1].assign(measure="return_rice", amount_per_ha=np.nan, repeat_yr=np.nan)
            s = pd.concat([back, s])
        s.insert(1, "season", season)
        parts.append(s)
    out = pd.concat(parts, ignore_index=True)
    hpm = ha_per_mu()
    out["amount_per_mu"] = out["amount_per_ha"] * hpm
    out["amount_plot"] = out["amount_per_ha"] * float(area_ha)
    name = i18n.option_name(option_id, lang, tables)
    texts = []
    for r in out.itertuples(index=False):
        t = i18n.t(f"ui.step.{r.measure}", lang, option=name, **ph_fields)
        if not math.isnan(r.amount_per_ha) and unit == "ha":
            t += i18n.t("ui.step.amount_ha", lang, per_ha=_amount_text(r.amount_per_ha, r.unit, lang),
                        plot=_amount_text(r.amount_plot, r.unit, lang))
        elif not math.isnan(r.amount_per_ha):
            t += i18n.t("ui.step.amount", lang, per_mu=_amount_text(r.amount_per_mu, r.unit, lang),
                        plot=_amount_text(r.amount_plot, r.unit, lang))
        t += _repeat_text(r.repeat_yr, lang)
        texts.append(t)
    out["text"] = np.asarray(texts, dtype=object)
    return out


def _grows_rice(option_id: str, tables) -> bool:
    """Whether ``option_id`` grows rice (``food_crop`` rice in ``options.csv``): its steps are
    those of a rice crop, which an idle paddy needs brought back first."""
    lib = tables.options
    row = lib.loc[lib["option_id"] == option_id, "food_crop"]
    return bool(len(row)) and str(row.iloc[0]) == "rice"


def measures_in(options, units, tables, lang: str = "en", no_flood=None, test_harvest=None,
                forest_balance=None, idle=None, soil_ph=None, clean_cover=None) -> np.ndarray:
    """:func:`measures_text` of each plot's recommended option in its area unit (one text per
    distinct option and unit; ``''`` where a plot has no option).

    Parameters
    ----------
    options : array_like of str
        Recommended option of each plot (None or NaN for none).
    units : array_like of str
        Area unit of each plot (:func:`area_units`).
    tables : Tables
        Literature tables.
    lang : {"en", "zh"}
        Language.
    no_flood : array_like of bool, optional
        Plots whose rice option gets the step of not flooding continuously (:func:`no_flood_rows`);
        default none.
    test_harvest : array_like of int, optional
        Plots whose unchanged practice gets the steps of testing the harvest (:func:`harvest_test_rows`);
        default none.
    forest_balance : array_like of bool, optional
        Plots whose option turns cultivated land that is not permanent basic farmland into forest
        (:func:`forest_balance_rows`): the measures start with its condition; default none.
    idle : array_like of bool, optional
        Plots idle now (crop ``none``, :func:`idle_of`): a rice option returns the idle paddy to rice;
        default none.
    soil_ph : array_like of float, optional
        Soil pH of each plot (:func:`soil_ph_of`): a lime step gives the plot's own dose
        (:func:`agriremed.stages.options.lime_dose_t_ha`); default the full ``lime_t_ha``.
    clean_cover : array_like of bool, optional
        Plots whose option needs a clean-soil cover first (GB 36600 risk control, :func:`clean_cover_of`);
        default none.

    Returns
    -------
    numpy.ndarray of object
        The measures of each plot.
    """
    opts = np.asarray(options, dtype=object)
    units = np.asarray(units, dtype=object)
    dry = np.zeros(len(opts), bool) if no_flood is None else np.asarray(no_flood, bool)
    test = np.zeros(len(opts), np.int64) if test_harvest is None else np.asarray(test_harvest, np.int64)
    wood = np.zeros(len(opts), bool) if forest_balance is None else np.asarray(forest_balance, bool)
    none = np.zeros(len(opts), bool) if idle is None else np.asarray(idle, bool)
    cover = np.zeros(len(opts), bool) if clean_cover is None else np.asarray(clean_cover, bool)
    # the lime dose of each plot (lime_dose_t_ha; None: no lime step or pH not given), to 4 decimals
    ph = np.full(len(opts), np.nan) if soil_ph is None else np.asarray(soil_ph, float)
    named = np.array([isinstance(o, str) and bool(o) for o in opts.tolist()], bool)
    dose = np.full(len(opts), np.nan)
    if named.any() and soil_ph is not None:
        dose[named] = lime_dose_t_ha(tables, opts[named], ph[named])
    dose = np.where(np.isnan(ph), np.nan, np.round(dose, 4))
    doses = [None if math.isnan(x) else float(x) for x in dose.tolist()]
    keys = list(zip(opts.tolist(), units.tolist(), dry.tolist(), test.tolist(), wood.tolist(), none.tolist(),
                    doses, cover.tolist(), strict=True))
    ph_of = {k: p for k, p in zip(keys, ph.tolist(), strict=True)}  # a pH of each dose (the same text)
    # an option's steps depend only on the tables, the lime dose and the flags: built once per tables object
    # (chunks share it)
    by = {k: tables.memo(("advice.measures_text", lang, *k),
                         lambda k=k: measures_text(k[0], tables, lang, *k[1:6],
                                                   soil_ph=None if k[6] is None else ph_of[k], clean_cover=k[7]))
          for k in set(keys) if isinstance(k[0], str) and k[0]}
    return np.array([by.get(k, "") for k in keys], dtype=object)


def clean_cover_of(frame: pd.DataFrame) -> np.ndarray:
    """Rows of a summary-like frame whose recommended re-use needs a clean-soil cover first: the GB 36600
    check of the plot (``gb36600_verdict``, :func:`agriremed.stages.softreuse.recommended_exposure`) is
    ``cover_layer`` (a metal above the intervention value); all False without the column."""
    if "gb36600_verdict" not in frame:
        return np.zeros(len(frame), bool)
    return (_frames.obj(frame["gb36600_verdict"]) == "cover_layer").astype(bool)


def soil_ph_of(frame: pd.DataFrame):
    """Soil pH of each row of a summary-like frame (its ``ph`` column; None without one), for the lime
    doses of :func:`measures_in`."""
    return frame["ph"].to_numpy(float) if "ph" in frame else None


def measures_text(option_id: str, tables, lang: str = "en", unit: str = "mu", no_flood: bool = False,
                  test_harvest: int = 0, forest_balance: bool = False, idle: bool = False,
                  soil_ph: float | None = None, clean_cover: bool = False) -> str:
    """The steps of an option this season and next as one text, with amounts per mu (or per ha).

    Parameters
    ----------
    option_id : str
        Option.
    tables : Tables
        Literature tables.
    lang : {"en", "zh"}
        Language.
    unit : {"mu", "ha"}
        Area unit of the amounts (:func:`area_units`): per mu, or per ha.
    no_flood : bool
        Add the step of not flooding continuously (see :func:`plot_steps`).
    test_harvest : {0, 1, 2, 3}
        Add the steps of testing the harvest, or keep idle land idle (see :func:`plot_steps`).
    forest_balance : bool
        Start with the condition of turning cultivated land into forest or grassland (see :func:`plot_steps`).
    idle : bool
        The plot is idle now: a rice option returns it to rice (see :func:`plot_steps`).
    soil_ph : float, optional
        The plot's soil pH: a lime step gives its own dose (see :func:`plot_steps`).
    clean_cover : bool
        Start with covering the land with clean soil (GB 36600 risk control, see :func:`plot_steps`).

    Returns
    -------
    str
        "This season: …; … | Next season: …" (the plot's own amounts are on its sheet and
        in :func:`plot_steps`).

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> this = measures_text("lime_rice", load_tables()).split(" | ")[0]
    >>> this.split("; ")[0].endswith("before transplanting: 500 kg per mu (repeat every 2 years)")
    True
    """
    s = plot_steps(option_id, 1.0, tables, lang, no_flood=no_flood, test_harvest=test_harvest,
                   forest_balance=forest_balance, idle=idle, soil_ph=soil_ph, clean_cover=clean_cover)
    sep, c = ("；", i18n.colon(lang)) if lang == "zh" else ("; ", i18n.colon(lang))
    parts = []
    for season in ("this", "next"):
        texts = []
        for r in s.loc[s["season"] == season].itertuples(index=False):
            t = i18n.t(f"ui.step.{r.measure}", lang, option=i18n.option_name(option_id, lang, tables),
                       **_lime_step_fields(option_id, tables))
            if not math.isnan(r.amount_per_ha) and unit == "ha":
                t += i18n.t("ui.step.amount_ha_only", lang, per_ha=_amount_text(r.amount_per_ha, r.unit, lang))
            elif not math.isnan(r.amount_per_ha):
                t += i18n.t("ui.step.amount_mu", lang, per_mu=_amount_text(r.amount_per_mu, r.unit, lang))
            t += _repeat_text(r.repeat_yr, lang)
            texts.append(t)
        parts.append(i18n.t(f"ui.sheet.{season}_season", lang) + c + (sep.join(texts) if texts else "—"))
    return " | ".join(parts)


def no_flood_metals(tables) -> frozenset:
    """Metals that rule flooding out where they exceed their screening value: the ``blocked_by``
    metals (``options.csv``) of the options whose steps flood the paddy (``flood`` in
    ``option_steps.csv``: continuous flooding and the VIP+n package with it; As and Hg).

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> sorted(no_flood_metals(load_tables()))
    ['as', 'hg']
    """
    def build():
        steps = tables.option_steps
        flooding = set(steps.loc[steps["measure"] == "flood", "option_id"])
        o = tables.options
        blocked = o.loc[o["option_id"].isin(flooding), "blocked_by"].fillna("")
        return frozenset(m.strip() for b in blocked for m in str(b).split("|") if m.strip())

    return tables.memo("advice_no_flood_metals", build)


def no_flood_rows(land_use, metals_exceeding, options, crops, tables) -> np.ndarray:
    """Plots whose recommended option grows rice on a paddy where a metal that rules flooding out
    (:func:`no_flood_metals`: As, Hg) exceeds its screening value: flooding mobilises As and
    promotes Hg methylation, so the farmer is told not to flood continuously (``moist_water`` step).

    Parameters
    ----------
    land_use, metals_exceeding, options, crops : array_like
        Per plot: land use, metals above their screening value ('+'-joined), recommended option
        (None or NaN for none) and current crop (an option growing the current crop, ``food_crop``
        ``current`` of ``options.csv``, grows rice where the plot grows rice).
    tables : Tables
        Literature tables.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> no_flood_rows(["paddy", "paddy", "paddy", "upland"], ["cd+as", "cd", "hg", "as"],
    ...               ["low_cd_rice", "low_cd_rice", "maize_grain", "do_nothing"],
    ...               ["rice", "rice", "rice", "rice"], load_tables()).tolist()
    [True, False, False, False]
    """
    lu, over = _frames.obj(np.asarray(land_use, dtype=object)), _frames.obj(np.asarray(metals_exceeding, dtype=object))
    opts, crop = _frames.obj(np.asarray(options, dtype=object)), _frames.obj(np.asarray(crops, dtype=object))
    if not len(opts):
        return np.zeros(0, bool)
    blocking = no_flood_metals(tables)
    lib = tables.options
    food = dict(zip(lib["option_id"], lib["food_crop"].fillna(""), strict=True))

    def needs(land, o, ex, c):
        if land != "paddy" or not isinstance(o, str) or not isinstance(ex, str):
            return False
        grown = food.get(o, "")
        grown = c if grown == "current" else grown
        return grown == "rice" and bool(blocking.intersection(ex.split("+")))

    return np.asarray(_frames.per_distinct(needs, lu, opts, over, crop), dtype=bool)


def no_flood_of(frame: pd.DataFrame, tables, option_column: str = "recommended_option") -> np.ndarray:
    """:func:`no_flood_rows` of the plots of a summary-like frame (``land_use``, ``metals_exceeding``,
    ``crop`` and ``option_column``); all False where a column is missing."""
    need = ("land_use", "metals_exceeding", option_column, "crop")
    if not all(c in frame for c in need):
        return np.zeros(len(frame), bool)
    return no_flood_rows(*(frame[c].to_numpy(object) for c in need), tables)


#: Land uses of cultivated land (耕地) under 自然资发〔2021〕166号: turning them into forest falls under the
#: in–out balance of cultivated land (an orchard, 园地, is other agricultural land, not cultivated land).
CULTIVATED_LAND_USES = ("paddy", "upland", "vegetable")

#: Policy family of the options that plant trees (``policy_family`` of ``options.csv``).
TREE_FAMILY = "trees"
#: Policy families whose options turn cultivated land into another farm use that falls under the in–out
#: balance of cultivated land (166号: forest, grassland): trees and perennial grass (Miscanthus).
BALANCE_FAMILIES = (TREE_FAMILY, "perennial_grass")


def forest_balance_rows(land_use, basic_farmland, options, tables) -> np.ndarray:
    """Plots whose option turns cultivated land that is not permanent basic farmland into forest or
    grassland (:data:`BALANCE_FAMILIES`: trees, perennial grass).

    On such land (``basic_farmland`` ``no``, or ``unknown``: the rule set then asks for the check
    first) converting cultivated land (:data:`CULTIVATED_LAND_USES`) to forest or grass needs the county's
    approval and the in–out balance of cultivated land (进出平衡: the county replaces it with
    cultivated land of the same amount and quality; 自然资发〔2021〕166号, source ``mnr2021_166``);
    the option's measures and sentence say so.

    Parameters
    ----------
    land_use, basic_farmland, options : array_like
        Per plot: land use, ``basic_farmland`` flag (``yes``, ``no``, ``unknown``; blank reads as
        ``unknown``) and option (None or NaN for none).
    tables : Tables
        Literature tables (``policy_family`` of the options).

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> forest_balance_rows(["upland", "upland", "orchard", "paddy", "paddy"], ["no", "yes", "no", None, "no"],
    ...                     ["willow_src", "willow_src", "willow_src", "poplar_src", "miscanthus"],
    ...                     load_tables()).tolist()
    [True, False, False, True, True]
    """
    lib = tables.options
    trees = frozenset(lib.loc[lib["policy_family"].isin(BALANCE_FAMILIES), "option_id"])
    bf = _frames.obj(np.asarray(basic_farmland, dtype=object))
    pbf = _frames.per_distinct(lambda v: str(v).strip().lower() == "yes", bf).astype(bool) if len(bf) \
        else np.zeros(0, bool)
    return (np.isin(_frames.obj(np.asarray(options, dtype=object)), list(trees))
            & np.isin(_frames.obj(np.asarray(land_use, dtype=object)), CULTIVATED_LAND_USES) & ~pbf)


def forest_balance_of(frame: pd.DataFrame, tables, option_column: str = "recommended_option") -> np.ndarray:
    """:func:`forest_balance_rows` of the plots of a summary-like frame (``land_use``, ``option_column``
    and, where present, ``basic_farmland``); all False where ``land_use`` or the option is missing."""
    if "land_use" not in frame or option_column not in frame:
        return np.zeros(len(frame), bool)
    bf = frame["basic_farmland"].to_numpy(object) if "basic_farmland" in frame \
        else np.full(len(frame), "unknown", dtype=object)
    return forest_balance_rows(frame["land_use"].to_numpy(object), bf, frame[option_column].to_numpy(object), tables)


def _added_steps(option_id: str, first: int, measures: list[str], timings: list[str], source: str) -> pd.DataFrame:
    """Steps a plot adds to its option's own (no amount, not repeated), as rows of :func:`option_steps`
    for ``option_id`` numbered from ``first``."""
    k = len(measures)
    return pd.DataFrame({"option_id": [option_id] * k, "step": list(range(first, first + k)), "timing": timings,
                         "measure": measures, "amount_per_ha": [math.nan] * k, "unit": [None] * k,
                         "repeat_yr": [math.nan] * k, "source": [source] * k})


def _forest_balance_step(option_id: str) -> pd.DataFrame:
    """The condition of turning cultivated land into forest (``forest_balance``, before planting, source
    ``mnr2021_166``) as the first row of :func:`option_steps` for ``option_id``."""
    return _added_steps(option_id, 0, ["forest_balance"], ["this_season"], "mnr2021_166")


def _no_flood_step(option_id: str, step: int, tables) -> pd.DataFrame:
    """The step of not flooding continuously (``moist_water`` every season, with the sources of the
    packaged step that has it) as a row of :func:`option_steps` for ``option_id``."""
    steps = tables.option_steps
    src = steps.loc[steps["measure"] == "moist_water", "source"]
    return _added_steps(option_id, step, ["moist_water"], ["every_season"], str(src.iloc[0]) if len(src) else "")


#: :func:`harvest_test_rows` code of unchanged practice on idle land (crop ``none``): it stays idle.
IDLE_AS_IS = 3


def harvest_test_rows(options, crops, metals_exceeding, soil_class, rule_sets, tables,
                      compliance=None, standards=None) -> np.ndarray:
    """Plots whose recommended option is unchanged practice on a food crop while a metal some food
    standard limits exceeds its screening value, or while the crop grown now is predicted to meet its
    food limit less often than the food-safety green threshold (``traffic_lights.csv``): the farmer is
    told to test each harvest before it is sold (1), and on safe-utilisation land under the Chinese
    rule set, where a plan of measures is required (GB 15618; Soil Pollution Law Art. 53) but none of
    the library could be predicted to help, also to agree a measure with the county for the next
    season (2); unchanged practice on idle land (crop ``none``) keeps it idle (:data:`IDLE_AS_IS`);
    0 elsewhere.

    Parameters
    ----------
    options, crops, metals_exceeding, soil_class, rule_sets : array_like
        Per plot: recommended option (None or NaN for none), current crop, metals above their
        screening value ('+'-joined), soil class and rule set.
    tables : Tables
        Literature tables.
    compliance : array_like of float, optional
        Per plot, the predicted probability that the crop grown now meets its food limit in a season
        (``current_crop_compliance_prob``; NaN where not predicted).
    standards : array_like of str, optional
        Per plot, its food standard (default GB 2762): under GB 2762 a metal counts only where the
        standard limits it in the crop's group (:func:`food_limit_group_metals`; it limits no metal in
        rapeseed, so a rapeseed field is not told to sell only within a limit); the other standards are
        held only in part, so any metal some food standard limits counts under them. On a crop not in
        the library (:data:`~agriremed.core.names.UNLISTED_CROP`: 黄精, 莲藕), whose food category is not
        known, any metal the standard limits in some crop counts (GB 2762: Cd, Hg, As, Pb, Cr; not Cu, Zn).

    Returns
    -------
    numpy.ndarray of int

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> harvest_test_rows(["do_nothing", "do_nothing", "do_nothing", "lime_rice", "do_nothing"],
    ...                   ["peanut", "peanut", "peanut", "rice", "none"],
    ...                   ["cd+pb", "cd+pb", "cu", "cd", "cd"],
    ...                   ["safe_utilisation", "safe_utilisation", "safe_utilisation", "safe_utilisation",
    ...                    "safe_utilisation"], ["china", "none", "china", "china", "china"],
    ...                   load_tables()).tolist()
    [2, 1, 0, 0, 3]
    """
    opts, crop = _frames.obj(np.asarray(options, dtype=object)), _frames.obj(np.asarray(crops, dtype=object))
    over = _frames.obj(np.asarray(metals_exceeding, dtype=object))
    cls, rs = _frames.obj(np.asarray(soil_class, dtype=object)), _frames.obj(np.asarray(rule_sets, dtype=object))
    if not len(opts):
        return np.zeros(0, np.int64)
    food = set(tables.food_crops())
    every_limited = set(tables.food_limited_metals())
    base = set(tables.options.loc[tables.options["kind"] == "baseline", "option_id"])
    green = tables.light_thresholds()["food_safety"]["green_at_least"]
    p = np.full(len(opts), np.nan) if compliance is None else np.asarray(compliance, float)
    risky = p < green  # the crop grown now predicted to miss its limit more often than green allows
    std = _frames.obj(np.broadcast_to(np.asarray("GB2762" if standards is None else standards, dtype=object),
                                      (len(opts),)).copy())

    def code(o, c, ex, k, r, at_risk, sd):
        if o in base and c == "none":
            return IDLE_AS_IS
        if o not in base or c not in food:
            return 0
        # GB 2762 is held whole (it sets no limit in rapeseed); other standards only in part: any metal a
        # food standard limits counts there
        sd = sd if isinstance(sd, str) else "GB2762"
        if c == UNLISTED_CROP:  # 黄精: its food category is not known, any metal the standard limits counts
            limited = set(_standard_metals(sd, tables)) or every_limited
        else:
            limited = set(food_limit_group_metals(c, sd, tables)) if sd == "GB2762" else every_limited
        above = isinstance(ex, str) and bool(limited.intersection(ex.split("+")))
        if not limited or not (above or at_risk):
            return 0
        return 2 if above and k == "safe_utilisation" and r == "china" else 1

    return _frames.per_distinct(code, opts, crop, over, cls, rs, risky, std).astype(np.int64)


def harvest_test_of(frame: pd.DataFrame, tables, option_column: str = "recommended_option") -> np.ndarray:
    """:func:`harvest_test_rows` of the plots of a summary-like frame (``crop``, ``metals_exceeding``,
    ``soil_class``, ``rule_set`` and ``option_column``); all 0 where a column is missing."""
    need = (option_column, "crop", "metals_exceeding", "soil_class", "rule_set")
    if not all(c in frame for c in need):
        return np.zeros(len(frame), np.int64)
    p = frame["current_crop_compliance_prob"].to_numpy(float) if "current_crop_compliance_prob" in frame else None
    std = frame["food_standard"].to_numpy(object) if "food_standard" in frame else None
    return harvest_test_rows(*(frame[c].to_numpy(object) for c in need), tables, p, std)


def idle_rows(crops) -> np.ndarray:
    """Plots idle now (crop ``none``): a rice option's step of growing rice returns them to rice.

    Examples
    --------
    >>> idle_rows(["rice", "none", None]).tolist()
    [False, True, False]
    """
    return np.asarray([c == "none" for c in _frames.obj(np.asarray(crops, dtype=object))], bool)


def idle_of(frame: pd.DataFrame) -> np.ndarray:
    """:func:`idle_rows` of the plots of a summary-like frame (``crop``); all False without it."""
    return idle_rows(frame["crop"].to_numpy(object)) if "crop" in frame else np.zeros(len(frame), bool)


def step_flags_of(frame: pd.DataFrame, tables, option_column: str = "recommended_option") -> dict:
    """The plot-dependent steps of each plot's option in a summary-like frame, as the keyword arguments of
    :func:`measures_in` and :func:`plot_steps`: ``no_flood`` (:func:`no_flood_of`), ``test_harvest``
    (:func:`harvest_test_of`), ``forest_balance`` (:func:`forest_balance_of`), ``idle``
    (:func:`idle_of`) and ``clean_cover`` (:func:`clean_cover_of`)."""
    return {"no_flood": no_flood_of(frame, tables, option_column),
            "test_harvest": harvest_test_of(frame, tables, option_column),
            "forest_balance": forest_balance_of(frame, tables, option_column),
            "idle": idle_of(frame), "clean_cover": clean_cover_of(frame)}


def _test_steps(option_id: str, step: int, code: int) -> pd.DataFrame:
    """The steps of testing each harvest before it is sold (every season) and, for ``code`` 2, of
    agreeing a safe-utilisation measure with the county for the next season, as rows of
    :func:`option_steps` for ``option_id`` (:func:`harvest_test_rows`)."""
    measures = ["test_harvest"] + (["ask_county"] if code == 2 else [])
    timings = ["every_season"] + (["next_season"] if code == 2 else [])
    return _added_steps(option_id, step, measures, timings, "mee2018_gb15618;cn_soil_law2018")


def raised_metals(tables) -> dict[str, list[str]]:
    """Metals an option raises in the crop: its ``crop_reduction_frac`` rows with a negative
    typical value (a side effect, e.g. continuous flooding raises grain As).

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> raised_metals(load_tables())["flooded_rice"]
    ['as']
    """
    def build() -> dict[str, tuple[str, ...]]:
        p = tables.option_parameters
        r = p.loc[(p["parameter"] == "crop_reduction_frac") & (p["typical"].astype(float) < 0)]
        out: dict[str, list[str]] = {}
        for o, m in zip(r["option_id"], r["metal"].fillna(""), strict=True):
            if m:
                out.setdefault(str(o), []).append(str(m))
        return {o: tuple(ms) for o, ms in out.items()}

    # read once per tables object (read-only); each caller gets its own lists
    return {o: list(ms) for o, ms in tables.memo("raised_metals", build).items()}


def food_limit_metals(crop, metals, standard, tables) -> np.ndarray:
    """Whether the food standard sets a limit for each crop × metal pair.

    Parameters
    ----------
    crop, metals : array_like of str
        Crop (``crops.csv``) and metal per pair.
    standard : str or array_like of str
        Food standard (``food_limits.csv`` ``standard``, e.g. ``GB2762``), or one per pair.
    tables : Tables
        Literature tables.

    Returns
    -------
    numpy.ndarray of bool
        True where ``food_limits.csv`` has a row for the crop's group and the metal.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> food_limit_metals(["rice", "rice", "rice"], ["cd", "cu", "zn"], "GB2762", load_tables()).tolist()
    [True, False, False]
    """
    if not isinstance(standard, str):
        std = _frames.obj(np.asarray(standard, dtype=object))
        c = np.atleast_1d(np.asarray(crop, dtype=object))
        m = np.atleast_1d(np.asarray(metals, dtype=object))
        out = np.zeros(len(std), bool)
        for one in pd.unique(std):
            out[std == one] = food_limit_metals(c[std == one], m[std == one], one, tables)
        return out

    def build_have() -> frozenset:
        fl = tables.food_limits
        fl = fl.loc[fl["standard"] == standard]
        return frozenset(zip(fl["crop_group"], fl["metal"], strict=True))

    # built once per tables object (read-only) and standard
    have = tables.memo(("food_limit_pairs", standard), build_have)
    groups = tables.memo("advice_crop_groups", lambda: dict(zip(tables.crops["crop"], tables.crops["crop_group"],
                                                                strict=True)))
    c = np.atleast_1d(np.asarray(crop, dtype=object))
    m = np.atleast_1d(np.asarray(metals, dtype=object))
    return np.fromiter(((groups.get(a), b) in have for a, b in zip(c, m, strict=True)), bool, len(m))


def food_limit_group_metals(crop: str, standard: str, tables) -> list[str]:
    """The metals the food standard limits in a crop's group (``food_limits.csv``), in the order
    of :data:`agriremed.core.columns.METALS`.

    Parameters
    ----------
    crop : str
        Crop (``crops.csv``).
    standard : str
        Food standard (``food_limits.csv`` ``standard``, e.g. ``GB2762``).
    tables : Tables
        Literature tables.

    Returns
    -------
    list of str
        Metal codes; empty where the table holds no limit for the crop's group.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = load_tables()
    >>> food_limit_group_metals("apple", "GB2762", t), food_limit_group_metals("rapeseed", "GB2762", t)
    (['cd', 'pb'], [])
    """
    def build() -> dict:
        fl = tables.food_limits
        out: dict = {}
        for sd, g, m in zip(fl["standard"], fl["crop_group"], fl["metal"], strict=True):
            out.setdefault((str(sd), str(g)), set()).add(str(m))
        order = {m: i for i, m in enumerate(METALS)}
        return {k: tuple(sorted(v, key=lambda m: (order.get(m, len(order)), m))) for k, v in out.items()}

    groups = tables.memo("advice_crop_groups", lambda: dict(zip(tables.crops["crop"], tables.crops["crop_group"],
                                                                strict=True)))
    by_group = tables.memo("food_limit_group_metals", build)
    return list(by_group.get((str(standard), str(groups.get(crop))), ()))


def _standard_metals(standard: str, tables) -> tuple:
    """The metals the food standard limits in some crop group (``food_limits.csv``), in the order of
    :data:`agriremed.core.columns.METALS`: those a harvest of a crop not in the library may be held to.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> _standard_metals("GB2762", load_tables())
    ('cd', 'hg', 'as', 'pb', 'cr')
    """
    def build() -> dict:
        fl = tables.food_limits
        order = {m: i for i, m in enumerate(METALS)}
        out: dict = {}
        for sd, m in zip(fl["standard"], fl["metal"], strict=True):
            out.setdefault(str(sd), set()).add(str(m))
        return {k: tuple(sorted(v, key=lambda m: (order.get(m, len(order)), m))) for k, v in out.items()}

    return tables.memo("food_standard_metals", build).get(str(standard), ())


def _incomplete_standards() -> frozenset:
    """The food standards only part of whose limits for the library's crops are in
    ``food_limits.csv`` (``food_standards.csv`` ``rows_complete`` false)."""
    with resources.files("agriremed.data").joinpath("food_standards.csv").open("r", encoding="utf-8") as f:
        t = pd.read_csv(f, dtype=str, keep_default_na=False)
    return frozenset(t.loc[t["rows_complete"].str.strip().str.lower() != "true", "standard"].str.strip())


def harvest_standard(crop: str | None, written: str | None, standard: str | None, tables) -> dict | None:
    """The row of ``harvest_standards.csv`` that names what a plot's harvest is tested against where a metal in
    it is not assessed: the rows of the plot's food ``standard`` (GB2762) for the crop's ``crop_group``
    (crops.csv); for a crop not in the library (:data:`~agriremed.core.names.UNLISTED_CROP`), the first row whose
    ``crop_words`` has a word inside the crop cell as written (``written``: 黄精, 中药材 → the Pharmacopoeia, ChP),
    else its row without words. None where no row applies (a standard or crop group the table does not list).

    >>> from agriremed.core.tables import load_tables
    >>> t = load_tables()
    >>> [harvest_standard(c, w, "GB2762", t)["standard"] for c, w in (("unlisted", "黄精"), ("unlisted", "莲藕"),
    ...                                                               ("rice", None))]
    ['ChP', 'GB2762', 'GB2762']
    >>> harvest_standard("rice", None, "EU2023_915", t) is None
    True
    """
    hs = getattr(tables, "harvest_standards", None)
    if hs is None or not len(hs) or not isinstance(standard, str):
        return None
    if crop == UNLISTED_CROP:
        group = UNLISTED_CROP
    else:
        crops = tables.indexed("crops", "crop")
        group = crops["crop_group"].get(crop) if isinstance(crop, str) else None
    rows = hs.loc[(hs["food_standard"] == standard) & (hs["crop_group"] == group)]
    text = str(written).strip().lower() if isinstance(written, str) else ""
    fallback = None
    for r in rows.to_dict("records"):
        words = [w.strip().lower() for w in str(r["crop_words"]).split("|")
                 if w.strip()] if isinstance(r["crop_words"], str) else []
        if not words:
            fallback = fallback or r
        elif text and any(w in text for w in words):
            return r
    return fallback


def harvest_standard_text(r, lang: str) -> str:
    """What the harvest is tested against, in ``lang``, from a row of ``harvest_standards.csv``
    (:func:`harvest_standard`): ``'the GB 2762—2025 (China) limits for cereals: paddy rice (as brown rice)'``,
    in the standard's own wording where ``ui.sheet.harvest_against_<standard>`` has one (the Pharmacopoeia:
    GB 2762 does not apply); '' for None."""
    if r is None:
        return ""
    group = r.get(f"food_group_{lang}") or r.get("food_group_en") or ""
    key = f"ui.sheet.harvest_against_{r['standard']}"  # a standard's own wording (ChP: not GB 2762), if any
    return i18n.t(key if i18n.keys(key) else "ui.sheet.harvest_against", lang,
                  standard=i18n.value("standard", r["standard"], lang), group=group)


def food_limit_gaps(crop, metals, standard, tables) -> np.ndarray:
    """Whether the library may lack the food standard's limit for each crop × metal pair.

    A pair is a gap where the standard's rows in ``food_limits.csv`` are incomplete
    (``food_standards.csv``), the crop is a food crop, ``food_limits.csv`` has no row for the
    crop's group and the metal, but has one for the metal in another crop group (EU 2023/915:
    Pb in leaf vegetables but not in wheat). Such a metal is measured in the harvest rather
    than dropped as "no limit". On a crop not in the library (:data:`~agriremed.core.names.UNLISTED_CROP`)
    every metal the standard limits in some crop group is such a gap, whatever the standard.

    Parameters
    ----------
    crop, metals : array_like of str
        Crop (``crops.csv``) and metal per pair.
    standard : str or array_like of str
        Food standard (``food_limits.csv`` ``standard``), or one per pair.
    tables : Tables
        Literature tables.

    Returns
    -------
    numpy.ndarray of bool
        True where the pair is such a gap.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> food_limit_gaps(["wheat", "wheat", "wheat"], ["pb", "hg", "cd"], "EU2023_915", load_tables()).tolist()
    [True, False, False]
    >>> food_limit_gaps(["wheat"], ["zn"], "GB2762", load_tables()).tolist()
    [False]
    >>> food_limit_gaps(["unlisted", "unlisted"], ["cd", "zn"], "GB2762", load_tables()).tolist()
    [True, False]
    """
    c = np.atleast_1d(np.asarray(crop, dtype=object))
    m = np.atleast_1d(np.asarray(metals, dtype=object))
    std = np.full(len(m), standard, dtype=object) if isinstance(standard, str) \
        else _frames.obj(np.asarray(standard, dtype=object))
    partial = tables.memo("food_limit_incomplete_standards", _incomplete_standards)
    limited = tables.memo("food_limit_metals_by_standard",
                          lambda: frozenset(zip(tables.food_limits["standard"], tables.food_limits["metal"],
                                                strict=True)))
    food = tables.memo("advice_food_crops",
                       lambda: frozenset(tables.crops.loc[tables.crops["food"].astype(bool), "crop"]))
    # a crop not in the library (UNLISTED_CROP: 黄精) may have a limit for any metal the standard limits
    maybe = np.fromiter((((s in partial and a in food) or a == UNLISTED_CROP) and (s, b) in limited
                         for a, b, s in zip(c, m, std, strict=True)), bool, len(m))
    if not maybe.any():
        return maybe
    return maybe & ~food_limit_metals(c, m, std, tables)


def years_text(years, kind, target_metals, duration_kind=None) -> np.ndarray:
    """How long, as text: :func:`agriremed.stages.duration.cleanup_years_text` (``duration_kind``: the
    plan table's column of that name, optional), and :data:`BASELINE_TEXT` for doing nothing."""
    out = cleanup_years_text(years, kind, target_metals, duration_kind)
    k = np.atleast_1d(np.asarray(kind, dtype=object))
    return np.where(k == "baseline", BASELINE_TEXT, out).astype(object)


#: Passed-through input columns that name the farmer on the plot sheet, first found wins (county
#: sheets name the contract holder 户主, 承包户 or 承包方).
FARMER_COLUMNS = ("farmer", "owner", "farmer_name", "household", "contact", "户主", "户主姓名", "农户",
                  "农户姓名", "承包户", "承包户姓名", "承包方", "承包方名称", "承包人", "经营者", "经营主体",
                  "联系人")

def years_messages(years, kind, target_metals, duration_kind=None, horizon_yr=None) -> np.ndarray:
    """How long, as messages (:mod:`agriremed.core.messages`) with the years of :func:`years_text`
    and their unit: ``rec.stabilises`` / ``rec.protects`` for an option that is not a clean-up
    method, ``dur.stay`` for doing nothing, ``dur.years`` ("about 12 yr", 约12年),
    ``dur.years_over`` ("> 200 yr" beyond :data:`agriremed.stages.duration.YEARS_SHOWN_UP_TO`
    years or never), ``dur.done`` ("already at the target", 0 years), ``dur.under_one`` ("less
    than 1 yr", under half a year), ``dur.unknown`` ("not known") for an option whose years
    could not be computed, or an empty message where there is no option. With ``horizon_yr`` [yr],
    years of a clean-up option beyond it read ``dur.beyond_horizon`` ("not a clean-up within the
    plan horizon (about 110 yr)").

    Parameters
    ----------
    years, kind, target_metals, duration_kind : array_like
        As for :func:`years_text` (years [yr]; ``duration_kind`` optional).
    horizon_yr : float, optional
        The plan horizon [yr] (the scenario's ``horizon_yr``).

    Returns
    -------
    numpy.ndarray of Message
    """
    text = years_text(years, kind, target_metals, duration_kind)
    fixed = {**{t: messages.Message.of(c) for t, c in NOT_CLEAN_UP_CODES.items()},
             BASELINE_TEXT: messages.Message.of("dur.stay"), "": messages.Message(),
             f"> {YEARS_SHOWN_UP_TO:.0f}": messages.Message.of("dur.years_over", years=YEARS_SHOWN_UP_TO)}
    codes, uniq = pd.factorize(text)
    beyond = horizon_yr is not None and not np.isnan(float(horizon_yr))
    msgs = [fixed.get(t) if t in fixed
            else messages.Message.of("dur.beyond_horizon", years=t, horizon=int(horizon_yr))
            if beyond and float(t) > float(horizon_yr)
            else messages.Message.of("dur.years", years=t) for t in uniq]
    out = np.empty(len(text), dtype=object)
    out[:] = [msgs[c] for c in codes]
    # whole years that print as 0: at the target already, or less than half a year away
    zero = text == "0"
    if zero.any():
        y = np.broadcast_to(np.atleast_1d(np.asarray(years, float)), text.shape)
        out[zero & (y == 0)] = messages.Message.of("dur.done")
        out[zero & (y != 0)] = messages.Message.of("dur.under_one")
    k = np.atleast_1d(np.asarray(kind, dtype=object))
    option = np.array([isinstance(x, str) and x != "" for x in k], bool)
    out[(text == "") & option] = messages.Message.of("dur.unknown")  # an option whose years are not known
    return out


#: The how-long messages of :func:`years_messages` that give the years of a clean-up option.
_YEARS_CODES = {(c,) for c in ("dur.years", "dur.years_over", "dur.under_one", "dur.done", "dur.unknown",
                                 "dur.beyond_horizon")}


def class_kept_years(msgs, target_metals, kept, target_basis=None) -> np.ndarray:
    """The how-long messages ``msgs`` (:func:`years_messages`) of clean-up options that leave a metal
    above its intervention value untreated (``kept``: ``class_kept_metals``), as
    ``dur.class_kept``: the years of the treated metals and that the land stays strict control
    ("Cd: about 8 yr to the screening value; Pb above the intervention value not treated: the land
    stays strict control"). Other rows, and options that treat no metal, are kept.

    Parameters
    ----------
    msgs : numpy.ndarray of Message
        One how-long message per row.
    target_metals, kept : array_like of str
        Metals each option treats and metals above their intervention value it leaves untreated
        (``'+'``-joined, blank: none).
    target_basis : array_like of str, optional
        ``food_limit`` where the target is the food-limit target, else the screening value.

    Returns
    -------
    numpy.ndarray of Message
    """
    out = np.array(msgs, dtype=object)
    t, k = _frames.obj(target_metals), _frames.obj(kept)
    basis = (np.full(len(t), "", dtype=object) if target_basis is None else _frames.obj(target_basis))
    years = np.array([isinstance(m, messages.Message) and m.codes in _YEARS_CODES for m in out], bool)
    rows = np.flatnonzero(years & np.array([isinstance(x, str) and x != "" for x in t], bool)
                          & np.array([isinstance(x, str) and x != "" for x in k], bool))
    for i in rows:
        out[i] = messages.Message.of("dur.class_kept", treated=metal_title(t[i]), years=out[i],
                                     goal="food_limit_target" if basis[i] == "food_limit" else "screening_value",
                                     metals=metal_title(k[i]))
    return out


def metal_title(metals: str) -> str:
    """Metal codes as the sentences print them: 'cd+pb' → 'Cd/Pb'."""
    return metals.replace("+", "/").title()


#: Rule sets whose soil monitoring follows the Soil Pollution Law of the PRC (Arts. 53–54);
#: under any other rule set the soil re-test names no law (``mon.soil_local``).
CHINA_RULE_SETS = ("china",)


def _monitoring_message(n: int, metals: list[str], years: float, food: bool,
                        rules: dict | None = None, part: str = "rice",
                        soil_metals: list[str] | None = None, rule_set: str = "china",
                        names: messages.Message | None = None, seasons: float = 1.0,
                        development: bool = False, below_screening: bool = False) -> messages.Message:
    """The monitoring advice as a message: sampling of the harvest (samples, metals, years) and
    how each sample is taken, or no sampling without a food crop. ``part`` is the crop group
    (``crops.csv``), which names what is sampled (``mon.part.<group>``: grain, vegetables,
    fruit, tea …). ``soil_metals`` (the metals above their screening value) adds the soil
    re-test of the joint soil and crop monitoring that Soil Pollution Law Arts. 53–54 ask for on
    safe-utilisation and strict-control land; its interval is the county plan's (no source read
    gives one). Under a rule set other than :data:`CHINA_RULE_SETS` the re-test follows the local
    soil monitoring plan and cites no Chinese law (``mon.soil_local``). ``names`` (a message)
    names the metals tested in place of ``metals`` (:func:`_tested_metals`). ``seasons`` > 1 (rice
    seasons a year of double-cropped rice) adds the samples a year (``mon.seasons``). With ``development`` (a
    marginal, mine or brownfield plot whose recommended re-use is checked against GB 36600, the standard of
    development land) the re-test follows the site's risk control under GB 36600 (``mon.soil_gb36600``), not the
    agricultural-land monitoring of Arts. 53–54; with ``below_screening`` too (the check found no measured metal
    above its GB 36600 screening value: verdict ``allowed``) there is no risk control to follow, and the message
    says so and asks for a re-test if the use changes or the local authority requires one
    (``mon.soil_gb36600_below``)."""
    soil_code = (("mon.soil_gb36600_below" if below_screening else "mon.soil_gb36600")
                 if development and rule_set in CHINA_RULE_SETS
                 else "mon.soil" if rule_set in CHINA_RULE_SETS else "mon.soil_local")
    if soil_metals == ["*"]:  # a class set by the county, no metal above screening: the soil as a whole
        soil = messages.Message.of(f"{soil_code}_class")
    else:
        soil = messages.Message.of(soil_code, metals="+".join(soil_metals)) if soil_metals else messages.Message()
    if not food:
        return messages.Message.of("mon.none") + soil
    if not names:
        names = messages.Message.of("mon.metals", metals="+".join(metals)) if metals else messages.Message.of(
            "mon.any_metal")
    text = messages.Message.of("mon.grain_one" if n == 1 else "mon.grain", n=int(n), metals=names,
                               years=messages.printed(years), part=str(part))
    if seasons > 1:
        text = text + messages.Message.of("mon.seasons", seasons=float(seasons), n_yr=float(n * seasons))
    rules = monitoring_rules() if rules is None else rules
    how = messages.Message.of("mon.method", points=messages.printed(rules["subsamples_per_composite"]),
                              days=messages.printed(rules["sampling_days_before_harvest"]))
    return text + how + soil


def _tested_metals(crop: str, standard: str, soil: list[str], tables) -> tuple[list[str], messages.Message]:
    """The metals to test in the harvest of a food crop when none of the plot's metals (``soil``:
    above screening, raised by the option, covered by the compliance probability) has a limit in
    the crop under the food standard, and the message that names them.

    Where the standard limits other metals in the crop's group (fruit: Cd, Pb), those are tested
    and the soil metals without a limit are named (``mon.group_metals``); where it limits no metal
    in the group (GB 2762: rapeseed seed), the soil metals are tested and the message says the
    standard sets no limit for the crop (``mon.metals_no_limit``). For a standard only part of
    whose limits the library holds (``food_standards.csv`` ``rows_complete`` false) the messages
    say the library holds no such limit (``..._listed``). Without any metal to name: no metals
    and an empty message (``mon.any_metal``)."""
    if crop == UNLISTED_CROP:  # a crop not in the library: its limits are not known here
        # the plot's metals the standard limits in some food (not Zn, Cu: GB 2762 limits neither), else all
        # those it limits
        every = _standard_metals(standard, tables)
        named = [m for m in soil if m in every] or list(every)
        return named, (messages.Message.of("mon.metals_unlisted", metals="+".join(named), standard=standard)
                       if named else messages.Message())
    listed = "_listed" if standard in tables.memo("food_limit_incomplete_standards", _incomplete_standards) else ""
    group = food_limit_group_metals(crop, standard, tables)
    if group:
        msg = messages.Message.of(f"mon.group_metals{listed}", metals="+".join(group), unlimited="+".join(soil),
                                  standard=standard, crop=crop) if soil \
            else messages.Message.of("mon.metals", metals="+".join(group))
        return group, msg
    if soil:
        return list(soil), messages.Message.of(f"mon.metals_no_limit{listed}", metals="+".join(soil),
                                               standard=standard, crop=crop)
    return [], messages.Message()


def _monitoring(n: int, metals: list[str], years: float, food: bool, lang: str = "en",
                rules: dict | None = None, part: str = "rice") -> str:
    return messages.render(_monitoring_message(n, metals, years, food, rules, part), lang)


def _baseline_cost_year1(table: pd.DataFrame, plot_ids) -> np.ndarray:
    """First-year cost per hectare of doing nothing on each plot of ``plot_ids`` [CNY ha⁻¹] (the plan
    table's ``do_nothing`` row; NaN where the table has none)."""
    if "cost_year1_cny_ha" not in table or "option_id" not in table:
        return np.full(len(plot_ids), np.nan)
    base = np.flatnonzero(_frames.obj(table["option_id"]) == BASELINE_OPTION)  # its rows (the table is not copied)
    at = _frames.positions(_frames.obj(table["plot_id"])[base], plot_ids)
    return _frames.take(table["cost_year1_cny_ha"].to_numpy(float)[base], at, np.nan)


#: The option of unchanged practice, the plot's reference case.
BASELINE_OPTION = "do_nothing"
#: Policy family of a solar PV plant (``options.csv``).
PV_FAMILY = "solar_pv"


def summary_columns(summary: pd.DataFrame, table: pd.DataFrame, tables, food_standard,
                    horizon_yr: int, lang: str = "en", rule_set: str = "china",
                    units=None) -> dict[str, np.ndarray]:
    """The advice columns of every summary row (texts in ``lang``; the summary keeps English).

    Parameters
    ----------
    summary : pandas.DataFrame
        Plan summary (``plot_id``, ``area_ha`` [ha], ``crop``, ``recommended_option``, ``land_use``,
        ``metals_exceeding``, ``controlling_metal``; optional ``soil_class``: on
        priority-protection land "how long" says there is nothing to clean up).
    table : pandas.DataFrame
        Plan table (``recommended``, ``option_kind``, ``food_crop``, ``cost_year1_cny_ha``
        [CNY ha⁻¹], ``cash_flow_year1_cny_ha`` [CNY ha⁻¹], ``cash_flow_typical_cny_ha_yr``
        [CNY ha⁻¹ yr⁻¹], ``typical_year`` [yr], ``cash_flow_later_low_cny_ha_yr``,
        ``cash_flow_later_high_cny_ha_yr``, ``cash_flow_later_mean_cny_ha_yr`` [CNY ha⁻¹ yr⁻¹], ``years_p50``,
        ``years_to_target`` [yr], ``target_metals``, ``compliance_metals``: the metals whose
        food limit the crop probability covers, which the harvest is tested for too).
    tables : Tables
        Literature tables (food limits, monitoring rule).
    food_standard : str or pandas.Series
        Food standard of the plan, or of each plot (a Series indexed by plot id).
    horizon_yr : int
        Plan horizon [yr]: grain sampling runs every season over it (also while and after a
        clean-up option lowers the soil: the crop is what must comply).
    lang : {"en", "zh"}
        Language of the monitoring text.
    rule_set : str or pandas.Series
        Rule set of the plan, or of each plot (a Series indexed by plot id,
        :func:`plot_rule_sets`): a plot's soil re-test cites the Soil Pollution Law only
        under :data:`CHINA_RULE_SETS`.
    units : array_like of str, optional
        Area unit of each row (:func:`area_units`; default all ``'mu'``): the amounts of
        ``measures`` per mu, or per ha.

    Returns
    -------
    dict
        Column → values: ``area_mu`` [mu], ``measures`` (:func:`measures_text`),
        ``first_year_cost_plot_cny`` [CNY],
        ``cash_flow_year1_plot_cny`` [CNY], ``cash_flow_typical_plot_cny_yr`` [CNY yr⁻¹],
        ``typical_year`` [yr], ``cash_flow_later_low_plot_cny_yr``, ``cash_flow_later_high_plot_cny_yr``,
        ``cash_flow_later_mean_plot_cny_yr`` [CNY yr⁻¹] (lowest, highest and mean net cash flow of
        years 2…horizon × area), ``grain_samples_per_season`` [–],
        ``monitoring``, ``duration_text`` (English) and ``monitoring_msg``,
        ``duration_text_msg`` (the same as encoded messages, :func:`years_messages`),
        ``first_year_cost_cny_mu`` and ``npv_vs_baseline_cny_mu`` (the recommended option's
        first-year cost and NPV against doing nothing per mu: per ha × :func:`ha_per_mu`) [CNY mu⁻¹],
        ``first_year_extra_cost_plot_cny`` (its first-year cost beyond that of doing nothing on the
        plot, × area; NaN where the plan has no row of doing nothing) [CNY];
        on a PV plant the plot's cost and cash flows are the landholder's (no cost, the lease),
        with ``pv_lease_plot_cny_yr`` [CNY yr⁻¹], ``developer_investment_plot_cny`` [CNY] and
        ``developer_cash_flow_typical_plot_cny_yr`` [CNY yr⁻¹] (NaN on other options).
    """
    n = len(summary)
    pid = _frames.obj(summary["plot_id"])
    rec = np.flatnonzero(table["recommended"].to_numpy(bool))  # the recommended rows (the table is not copied)
    at = _frames.positions(_frames.obj(table["plot_id"])[rec], pid)

    def col(c, fill=np.nan):
        if c not in table:
            return np.full(n, fill, dtype=float if isinstance(fill, float) else object)
        s = table[c]
        v = s.to_numpy(float)[rec] if pd.api.types.is_float_dtype(s) else _frames.obj(s)[rec]
        return _frames.take(v, at, fill)

    area = summary["area_ha"].to_numpy(float)
    kind = col("option_kind", None)
    y50, ytt = col("years_p50"), col("years_to_target")
    years = np.where(np.isnan(y50), ytt, y50)
    targets = col("target_metals", "")
    targets = np.where(pd.isna(targets), "", targets)
    dkind = col("duration_kind", "")
    dur_msg = years_messages(years, np.where(pd.isna(kind), "", kind), targets, np.where(pd.isna(dkind), "", dkind),
                             horizon_yr)
    kept = col("class_kept_metals", "")
    dur_msg = class_kept_years(dur_msg, targets, np.where(pd.isna(kept), "", kept).astype(object),
                               col("target_basis", ""))
    unmeasured = _frames.obj(summary["metals_unmeasured"]) if "metals_unmeasured" in summary \
        else np.full(n, "", dtype=object)
    unmeasured = np.where(pd.isna(unmeasured), "", unmeasured).astype(object)
    if "soil_class" in summary:  # land below every screening value has nothing to clean up
        clean = _frames.obj(summary["soil_class"]) == "priority_protection"
        dur_msg[clean] = _frames.per_distinct(
            lambda u: messages.Message.of("dur.clean_measured", metals=u) if u else messages.Message.of("dur.clean"),
            unmeasured[clean]) if clean.any() else dur_msg[clean]
    dur_msg[pd.isna(kind)] = messages.Message()
    dur = messages.render_column(dur_msg, "en")
    rules = monitoring_rules(tables)
    per_sample = rules["grain_area_per_sample_mu"]
    at_least = rules["min_samples_per_plot"]
    food_opt = col("food_crop", None)
    crops = _frames.obj(summary["crop"]) if "crop" in summary else np.full(n, None, dtype=object)
    exceeding = _frames.obj(summary["metals_exceeding"]) if "metals_exceeding" in summary else np.full(n, "")
    control = _frames.obj(summary["controlling_metal"]) if "controlling_metal" in summary \
        else np.full(n, None)
    food_crops = tables.memo("advice_food_crops",
                             lambda: frozenset(tables.crops.loc[tables.crops["food"].astype(bool), "crop"]))
    mu = area / ha_per_mu()
    planned = ~pd.isna(kind)
    grown = np.where(pd.isna(food_opt) | (food_opt == "current"), crops, food_opt)
    opt_ids = col("option_id", None)
    covered = col("compliance_metals", "")
    covered = np.where(pd.isna(covered), "", covered).astype(object)
    raised = raised_metals(tables)
    # the food crop and metals to test depend on a few distinct (crop, metals, controlling metal, option,
    # metals of the compliance probability)
    std_row = row_standards(food_standard, pid)  # each plot's food standard
    std_row = np.full(n, std_row, dtype=object) if isinstance(std_row, str) else std_row
    first, inv = _frames.distinct(_frames.obj(grown), _frames.obj(exceeding), _frames.obj(control),
                                  _frames.obj(opt_ids), covered, unmeasured, std_row)
    food_k = np.zeros(len(first), bool)
    metals_k = []
    plot_metals = []  # the metals of the plot itself (above screening, raised, covered), not the unmeasured
    for k, r in enumerate(first):
        g, ex, ctl = grown[r], exceeding[r], control[r]
        food_k[k] = isinstance(g, str) and g in food_crops
        metals = [m for m in (ex if isinstance(ex, str) else "").split("+") if m]
        if not metals and isinstance(ctl, str) and ctl:
            metals = [ctl]
        # a metal the option raises in the crop (flooding raises grain As) is tested too, and so is every
        # metal whose compliance the plan predicts (the harvest checks the stated probability)
        metals += [m for m in raised.get(opt_ids[r], []) if m not in metals]
        metals += [m for m in covered[r].split("+") if m and m not in metals]
        plot_metals.append(list(metals))
        # a metal not measured in the soil is tested in the harvest where the food standard limits it
        metals += [m for m in unmeasured[r].split("+") if m and m not in metals]
        metals_k.append(metals)
    # with a food crop, only the metals the food standard limits in it (one look-up for all pairs)
    pairs = [(k, grown[first[k]], m) for k in np.flatnonzero(food_k) for m in metals_k[k]]
    pair_std = _frames.obj(std_row[first[[k for k, _, _ in pairs]]]) if pairs else np.zeros(0, dtype=object)
    limited = food_limit_metals([g for _, g, _ in pairs], [m for _, _, m in pairs], pair_std, tables) \
        if pairs else np.zeros(0, bool)
    # a metal above its screening value whose limit in this crop may be missing from the library
    # (EU 2023/915: Pb in wheat) is tested too
    above = np.array([isinstance(exceeding[first[k]], str) and m in exceeding[first[k]].split("+")
                      for k, _, m in pairs], dtype=bool)
    if above.any():
        limited = limited | (above & food_limit_gaps([g for _, g, _ in pairs], [m for _, _, m in pairs],
                                                     pair_std, tables))
    for k in np.flatnonzero(food_k):
        metals_k[k] = []
    for (k, _, m), ok in zip(pairs, limited, strict=True):
        if ok:
            metals_k[k].append(m)
    # a food crop none of whose metals has a limit in it is still tested for named metals
    names_k = np.full(len(first), "", dtype=object)
    for k in np.flatnonzero(food_k):
        if not metals_k[k]:
            metals_k[k], msg = _tested_metals(grown[first[k]], std_row[first[k]], plot_metals[k], tables)
            names_k[k] = msg.encode() if msg else ""
    metals_k = ["+".join(m) for m in metals_k]
    food = food_k[inv]
    group_of = tables.memo("advice_crop_groups", lambda: dict(zip(tables.crops["crop"], tables.crops["crop_group"],
                                                                  strict=True)))
    part = np.array([group_of.get(grown[r], "") if isinstance(grown[r], str) else "" for r in first],
                    dtype=object)[inv]
    samples = np.where(planned, grain_samples_per_season(mu, food, per_sample, at_least), np.nan)
    # sampling is per harvest: a recommended option that grows rice on double-cropped rice is sampled
    # each of its seasons (rice_seasons.csv grain_samples; the Sedum–rice rotation keeps one)
    seasons = np.ones(n)
    if "rice_seasons_per_yr" in summary and per_season(tables, "grain_samples"):
        s_plot = plot_rice_seasons(pd.DataFrame({"crop": crops, "rice_seasons_per_yr": summary["rice_seasons_per_yr"]}))
        cap = option_rice_seasons_cap(tables)
        s_opt = np.array([min(s, cap.get(o, s)) if isinstance(o, str) else s
                          for s, o in zip(s_plot, col("option_id", None), strict=True)], float)
        seasons = np.where(food & (grown == "rice"), s_opt, 1.0)
    texts = np.full(n, "", dtype=object)
    mon_msg = np.full(n, "", dtype=object)
    if planned.any():
        metals = np.asarray(metals_k, dtype=object)[inv]
        done = np.flatnonzero(planned)  # not ``at``: col() reads it
        soil_m = np.where(pd.isna(exceeding), "", exceeding).astype(object)
        # land the county put in a stricter class than its metals (none above screening): the soil is
        # re-tested all the same (joint monitoring of safe-utilisation and strict-control land)
        if "soil_class" in summary:
            cls = np.asarray(summary["soil_class"], dtype=object)
            soil_m = np.where((soil_m == "") & np.isin(cls, ["safe_utilisation", "strict_control"]), "*", soil_m)

        rs_row = row_rule_sets(rule_set, pid)  # each plot's rule set: its soil re-test cites its law

        names = names_k[inv]

        # marginal, mine or brownfield land whose recommended re-use is checked against GB 36600 (development land):
        # its soil re-test follows the site's risk control, not the agricultural-land monitoring
        verdict = (_frames.obj(summary["gb36600_verdict"]) if "gb36600_verdict" in summary
                   else np.full(n, None, dtype=object))
        dev = np.array([v if isinstance(v, str) else "" for v in verdict], dtype=object)

        def text(k, m, f, g, e, r, nm, s, d):
            # d: the GB 36600 verdict ('' none); 'allowed' (no metal above its screening value): no risk control
            return _monitoring_message(int(k), [x for x in m.split("+") if x], horizon_yr, bool(f),
                                       rules, g, [x for x in e.split("+") if x], r,
                                       messages.Message.decode(nm) if nm else None, s, bool(d),
                                       d == "allowed").encode()

        mon_msg[done] = _frames.per_distinct(text, samples[done], metals[done], food[done], part[done],
                                             soil_m[done], rs_row[done], names[done], seasons[done], dev[done])
        texts[done] = messages.render_column(mon_msg[done], lang)
    opts = col("option_id", None)
    units = np.full(n, "mu", dtype=object) if units is None else np.asarray(units, dtype=object)
    # a rice option on a paddy where As or Hg exceeds: the step of not flooding continuously too
    land = _frames.obj(summary["land_use"]) if "land_use" in summary else np.full(n, None, dtype=object)
    # unchanged practice kept on a food crop a metal above screening may make fail: test each harvest
    cls_col = _frames.obj(summary["soil_class"]) if "soil_class" in summary else np.full(n, None, dtype=object)
    test = harvest_test_rows(opts, crops, exceeding, cls_col, row_rule_sets(rule_set, pid), tables,
                             summary["current_crop_compliance_prob"].to_numpy(float)
                             if "current_crop_compliance_prob" in summary else None,
                             row_standards(food_standard, pid))
    # trees on cultivated land that is not permanent basic farmland: the condition of the in–out balance first
    bf = _frames.obj(summary["basic_farmland"]) if "basic_farmland" in summary else np.full(n, "unknown", dtype=object)
    wood = forest_balance_rows(land, bf, opts, tables)
    measures = measures_in(opts, units, tables, lang, no_flood_rows(land, exceeding, opts, crops, tables), test,
                           wood, idle_rows(crops), soil_ph=soil_ph_of(summary), clean_cover=clean_cover_of(summary))
    # a PV plant: the landholder receives the land lease every year and pays only the risk control of land
    # above a GB 36600 intervention value (a clean-soil cover, year 1; 0 elsewhere); the developer invests
    # the capital cost and keeps the plant's cash flows minus the lease
    lease = col("pv_lease_cny_ha_yr")
    pv = np.isfinite(lease)
    risk = np.nan_to_num(col("risk_control_cost_cny_ha"))
    cost_y1, net_y1, net_typ = col("cost_year1_cny_ha"), col("cash_flow_year1_cny_ha"), col("cash_flow_typical_cny_ha_yr")
    owner_y1 = np.where(pv, risk, cost_y1)  # the landholder's first-year cost
    base_cost = _baseline_cost_year1(table, pid)
    # an option keeping a crop of unknown income: its first-year cost beyond doing nothing, both costs unknown
    extra_y1 = owner_y1 - base_cost
    extra_y1 = np.where(np.isnan(extra_y1), col("cost_year1_vs_baseline_cny_ha"), extra_y1)
    dev_typ = np.where(pv, net_typ - lease, np.nan)
    later = {f"cash_flow_later_{k}_plot_cny_yr": np.where(pv, lease, col(f"cash_flow_later_{k}_cny_ha_yr")) * area
             for k in ("low", "high", "mean")}
    return {"area_mu": mu, "measures": measures,
            "first_year_cost_plot_cny": owner_y1 * area,
            "cash_flow_year1_plot_cny": np.where(pv, lease - risk, net_y1) * area,
            "cash_flow_typical_plot_cny_yr": np.where(pv, lease, net_typ) * area,
            "typical_year": col("typical_year"), **later,
            "pv_lease_plot_cny_yr": lease * area, "developer_investment_plot_cny": col("pv_capex_cny_ha") * area,
            "developer_cash_flow_typical_plot_cny_yr": dev_typ * area,
            "grain_samples_per_season": samples, "grain_samples_per_yr": samples * seasons, "monitoring": texts, "duration_text": dur,
            "duration_text_msg": messages.encode_column(dur_msg), "monitoring_msg": mon_msg,
            "first_year_cost_cny_mu": owner_y1 * ha_per_mu(),
            "first_year_extra_cost_plot_cny": extra_y1 * area,
            "npv_vs_baseline_cny_mu": col("npv_vs_baseline_cny_ha") * ha_per_mu()}


def area_number(x: float, decimals: int) -> str:
    """An area as text: ``decimals`` decimals (``30.0`` mu, ``2.00`` ha), and below 1 three
    significant figures, so that a small plot does not read as zero (0.0002 ha → ``0.0002``,
    0.003 mu → ``0.003``, 0.42 ha → ``0.42``).

    Examples
    --------
    >>> [area_number(x, 1) for x in (30.0, 6.3, 0.42, 0.003)]
    ['30.0', '6.3', '0.42', '0.003']
    >>> area_number(0.0002, 2), area_number(1234.5, 2)
    ('0.0002', '1,234.50')
    """
    if math.isnan(x) or not 0 < abs(x) < 1:
        return f"{x:,.{decimals}f}"
    return np.format_float_positional(x, precision=3, fractional=False, trim="-")


def area_text(area_ha: float, unit: str, lang: str = "en") -> str:
    """A plot's area in its area unit and ``lang``, as the plot sheet prints it.

    Parameters
    ----------
    area_ha : float
        Area [ha].
    unit : {"mu", "ha"}
        The plot's area unit (:func:`area_units`): ``mu`` gives mu [亩] with ha in brackets.
    lang : {"en", "zh"}
        Language.

    Examples
    --------
    >>> area_text(0.42, "mu", "zh"), area_text(0.42, "mu"), area_text(0.42, "ha", "zh")
    ('6.3 亩（0.42 公顷）', '6.3 mu (0.42 ha)', '0.42 公顷')
    """
    ha = area_number(area_ha, 2)
    if unit == "ha":
        return f"{ha} 公顷" if lang == "zh" else f"{ha} ha"
    mu = area_number(area_ha / ha_per_mu(), 1)
    return f"{mu} 亩（{ha} 公顷）" if lang == "zh" else f"{mu} mu ({ha} ha)"


def _extra_cost_text(extra: float, option, amount, lang: str, tables) -> str:
    """What the recommended option adds to the first year's spending beyond doing nothing, as the plot
    sheet prints it after the first-year cost (``''`` for doing nothing itself, for a PV plant, whose
    money the sheet gives as the landholder's and the developer's, or when not known)."""
    if math.isnan(extra) or option == BASELINE_OPTION or not isinstance(option, str):
        return ""
    families = tables.options.set_index("option_id")["policy_family"]
    if families.get(option) == PV_FAMILY:
        return ""
    return i18n.t("ui.sheet.extra_cost", lang, extra=amount(extra, _signed))


def _money(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:,.0f}"


def _signed(x: float) -> str:
    """Net money with its sign ('+2,345', '-1,234'; zero unsigned)."""
    if math.isnan(x):
        return "n/a"
    r = round(x)
    return f"{r:+,.0f}" if r else "0"


def _year(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.0f}"


#: Why the money of an option was not computed, from the code of its data gap (``pv_note``).
_MONEY_WHY = {"reuse.pv_no_lat_lon": "rec.money_why_lat_lon", "reuse.pv_no_province": "rec.money_why_province",
              "opt.gap_crop_value": "rec.money_why_crop", "opt.gap_crop_value_kept": "rec.money_why_crop"}


def _kept_crop(gaps) -> str | None:
    """The crop of unknown income an option keeps (the ``opt.gap_crop_value_kept`` part of its encoded
    ``data_gaps_msg``), or None."""
    parts = messages.Message.decode(gaps).parts if isinstance(gaps, str) and gaps else ()
    return next((dict(p).get("crop") for c, p in parts if c == "opt.gap_crop_value_kept"), None)


def _money_why(gaps: str) -> messages.Message:
    """The reason clause of ``rec.plot_no_money`` from an option's encoded ``data_gaps_msg`` (with
    the parameters of the gap: the crop of ``opt.gap_crop_value``)."""
    parts = messages.Message.decode(gaps).parts if isinstance(gaps, str) else ()
    return next((messages.Message.of(_MONEY_WHY[c], **dict(p)) for c, p in parts if c in _MONEY_WHY),
                messages.Message())


def reapply_message(option_id, tables, horizon_yr: int) -> messages.Message:
    """The years an option's re-applied step falls in again within the horizon, as a message.

    The step of ``option_steps.csv`` with a re-application interval n > 1 yr (lime every 2 years)
    is applied in year 1 and again in years 1 + n, 1 + 2n, … ≤ ``horizon_yr``, as the economics
    stage costs it: " (lime again every 2 yr from year 3 to year 19)" (``rec.reapply``), one year
    only ``rec.reapply_once``; an empty message for an option without such a step.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> messages.render(reapply_message("lime_rice", load_tables(), 20), "en")
    ' (lime again every 2 yr from year 3 to year 19)'
    >>> messages.render(reapply_message("flooded_rice", load_tables(), 20), "en")
    ''
    """
    if not isinstance(option_id, str) or not option_id:
        return messages.Message()
    # one (immutable) message per option and horizon, shared by the plots recommended it
    return tables.memo(("advice.reapply_message", option_id, horizon_yr),
                       lambda: _reapply_message(option_id, tables, horizon_yr))


def _reapply_message(option_id: str, tables, horizon_yr: int) -> messages.Message:
    """:func:`reapply_message` of an option id, computed."""
    st = tables.memo(("advice.option_steps", option_id), lambda: option_steps(option_id, tables))
    st = st.loc[st["repeat_yr"].to_numpy(float) > 1]
    if st.empty:
        return messages.Message()
    n, measure = float(st["repeat_yr"].iloc[0]), str(st["measure"].iloc[0])
    first, last = 1 + n, 1 + ((int(horizon_yr) - 1) // n) * n
    if first > horizon_yr:
        return messages.Message()
    if first == last:
        return messages.Message.of("rec.reapply_once", measure=measure, first=_year(first))
    return messages.Message.of("rec.reapply", measure=measure, n=_year(n), first=_year(first), last=_year(last))


def plot_clause(cols: dict, rows=None, money=("CNY", 1.0), gaps=None, units=None, options=None, tables=None,
                horizon_yr=None) -> list:
    """The clause that ends a recommendation with the plot's money and monitoring, as a message.

    "First year on the plot (6.3 mu): cost 12,345 CNY, net -1,234 CNY; a typical year (year 3):
    net +2,345 CNY/yr; grain sampling every season: …." — one :class:`~agriremed.core.messages.Message`
    (code ``rec.plot``) per row of ``cols`` (output of :func:`summary_columns`), or of the rows
    ``rows`` (boolean mask or positions). In another reporting currency ``money`` = (code, CNY per
    unit) the amounts are given in it with the CNY amount in brackets. Where the first-year cost
    was not computed (PV without coordinates) the clause says so (code ``rec.plot_no_money``)
    instead of printing amounts, with the reason read from ``gaps`` (the option's encoded
    ``data_gaps_msg``, one per row of ``rows``) where it names one. ``units`` (one per row of
    ``cols``, :func:`area_units`; default all ``'mu'``) gives the area unit of the clause: a
    plot in ``'ha'`` states its area in hectares (codes ``rec.plot_ha``, ``rec.plot_no_money_ha``).

    Where the net cash flow of years 2…``horizon_yr`` varies (its lowest and highest amounts print
    differently: an option limed every two years), one typical year would hide the other kind of
    year: the clause gives the lowest, highest and mean net cash flow of those years (code
    ``rec.plot_later``, ``rec.plot_later_ha``) and the re-application years of the recommended
    option ``options`` (one per row of ``cols``; :func:`reapply_message`).
    """
    idx = np.arange(len(cols["area_mu"])) if rows is None else np.flatnonzero(rows) \
        if np.asarray(rows).dtype == bool else np.asarray(rows)
    code, rate = money
    gaps = np.full(len(idx), "", dtype=object) if gaps is None else np.asarray(gaps, dtype=object)

    def amount(x, yearly=False, signed=False, per_mu=False):
        fmt = _signed if signed else _money
        per = "_yr" if yearly else "_mu" if per_mu else ""
        if code == "CNY" or np.isnan(x):
            return messages.Message.of(f"money.cny{per}", cny=fmt(x))
        return messages.Message.of(f"money.cur{per}", value=fmt(x / rate), currency=code, cny=fmt(x))

    f = {k: np.asarray(cols[k], float)[idx].tolist() for k in ("area_mu", "first_year_cost_plot_cny",
                                                              "cash_flow_year1_plot_cny",
                                                              "cash_flow_typical_plot_cny_yr", "typical_year")}
    n_idx = len(idx)
    for k in ("pv_lease_plot_cny_yr", "developer_investment_plot_cny", "developer_cash_flow_typical_plot_cny_yr",
              "cash_flow_later_low_plot_cny_yr", "cash_flow_later_high_plot_cny_yr", "cash_flow_later_mean_plot_cny_yr",
              "first_year_extra_cost_plot_cny"):
        f[k] = np.asarray(cols[k], float)[idx].tolist() if k in cols else [math.nan] * n_idx
    opt = np.full(n_idx, None, dtype=object) if options is None else np.asarray(options, dtype=object)[idx]
    mon = _frames.per_distinct(messages.Message.decode, np.asarray(cols["monitoring_msg"], dtype=object)[idx])
    unit = np.full(len(idx), "mu", dtype=object) if units is None else np.asarray(units, dtype=object)[idx]
    hpm = ha_per_mu()

    def area(a, u):  # the plot's area in its unit: "6.3" mu, "0.42" ha, "0.003" mu (2 m²)
        return {"area_ha": area_number(a * hpm, 2)} if u == "ha" else {"area_mu": area_number(a, 1)}

    def clause(a, c, n1, t, y, m, gp, u, lease, capex, dev, low, high, mean, o, extra):
        kept = _kept_crop(gp) if math.isnan(c) and not math.isnan(extra) else None
        if kept is not None:  # keeps a crop of unknown income: what it costs beyond doing nothing
            if u == "ha":
                return messages.Message.of("rec.plot_extra_cost_ha", **area(a, u), extra=amount(extra), crop=kept,
                                           monitoring=m)
            return messages.Message.of("rec.plot_extra_cost", **area(a, u), extra=amount(extra),
                                       extra_mu=amount(extra / a, per_mu=True), crop=kept, monitoring=m)
        if math.isnan(c):
            return messages.Message.of("rec.plot_no_money_ha" if u == "ha" else "rec.plot_no_money", **area(a, u),
                                       why=_money_why(gp), monitoring=m)
        if not math.isnan(lease) and c > 0:  # … on land above a GB 36600 intervention value: the cover first
            return messages.Message.of("rec.plot_pv_cover_ha" if u == "ha" else "rec.plot_pv_cover", **area(a, u),
                                       cost=amount(c), lease=amount(lease, yearly=True, signed=True),
                                       capex=amount(capex), year=_year(y),
                                       typical=amount(dev, yearly=True, signed=True), monitoring=m)
        if not math.isnan(lease):  # a PV plant: the landholder's lease, the developer's investment
            return messages.Message.of("rec.plot_pv_ha" if u == "ha" else "rec.plot_pv", **area(a, u),
                                       lease=amount(lease, yearly=True, signed=True), capex=amount(capex),
                                       year=_year(y), typical=amount(dev, yearly=True, signed=True), monitoring=m)
        if horizon_yr is not None and not math.isnan(low + high) and _signed(low) != _signed(high):
            # later years differ (a re-application year and the others): their range and mean
            return messages.Message.of("rec.plot_later_ha" if u == "ha" else "rec.plot_later", **area(a, u),
                                       cost=amount(c), net=amount(n1, signed=True), last=_year(horizon_yr),
                                       low=amount(low, yearly=True, signed=True),
                                       high=amount(high, yearly=True, signed=True),
                                       mean=amount(mean, yearly=True, signed=True),
                                       reapply=reapply_message(o, tables, horizon_yr) if tables is not None
                                       else messages.Message(), monitoring=m)
        return messages.Message.of("rec.plot_ha" if u == "ha" else "rec.plot", **area(a, u), cost=amount(c),
                                   net=amount(n1, signed=True), year=_year(y),
                                   typical=amount(t, yearly=True, signed=True), monitoring=m)

    return [clause(*v) for v in zip(f["area_mu"], f["first_year_cost_plot_cny"], f["cash_flow_year1_plot_cny"],
                                    f["cash_flow_typical_plot_cny_yr"], f["typical_year"], mon, gaps, unit,
                                    f["pv_lease_plot_cny_yr"], f["developer_investment_plot_cny"],
                                    f["developer_cash_flow_typical_plot_cny_yr"], f["cash_flow_later_low_plot_cny_yr"],
                                    f["cash_flow_later_high_plot_cny_yr"], f["cash_flow_later_mean_plot_cny_yr"], opt,
                                    f["first_year_extra_cost_plot_cny"], strict=True)]


def harvests_over(p: float) -> messages.Message:
    """``rec.harvests_over`` for a crop predicted to meet the food limit with probability (share of food
    seasons) ``p`` [0–1]: the share of harvests predicted above the limit, 1 − ``p``, as about n in 10
    (n = that share × 10, rounded), or about 1 in per where that rounds to 0.

    >>> messages.render(harvests_over(0.584), "en")
    'about 4 in 10 harvests predicted above the limit'
    >>> messages.render(harvests_over(0.98), "en")
    'about 1 in 50 harvests predicted above the limit'
    >>> messages.render(harvests_over(0.584), "zh")
    '预计约每10季收获中有4季超过限量'
    """
    over = 1.0 - float(p)
    n = int(round(10.0 * over))
    if n >= 1 or over <= 0:
        return messages.Message.of("rec.harvests_over", n=n, per=10)
    return messages.Message.of("rec.harvests_over", n=1, per=int(round(1.0 / over)))


@dataclasses.dataclass
class PlotAdvice:
    """Everything the one-page sheet of a plot shows (texts in one language)."""

    plot_id: str
    fields: dict
    soil_class: str
    soil_class_text: str
    crop_lines: list
    this_season: list
    next_season: list
    first_year_cost: str
    year1_net: str
    typical_net: str
    typical_year: str
    money_note: str
    monitoring: str
    how_long: str
    recommended: str
    runner_up: str
    sentence: str
    #: Where the net cash flow of years 2…horizon varies: its label ("Net cash flow in years 2–20")
    #: and its lowest, highest and mean amounts with the re-application years; "" otherwise.
    later_label: str = ""
    later_net: str = ""
    #: The measured soil pH and each measured metal [mg/kg] with its screening and intervention
    #: values for the plot's land use and pH, and which of them it exceeds (:func:`soil_values_text`).
    soil_values: str = ""
    #: The label of the typical year's net cash flow: "Net cash flow in a typical year (year 2)", or
    #: without the year where it is not known (the option's money not computed, a one-year plan).
    typical_label: str = ""
    #: On safe-utilisation land whose recommended option keeps a food crop predicted to meet the food limit
    #: in less than the scenario's ``target_compliance_prob`` of its harvests: how many harvests are predicted
    #: above the limit and that the harvest is tested before sale (:func:`harvest_risk_text`); "" elsewhere.
    harvest_risk: str = ""
    #: On marginal, mine and brownfield land whose recommended option is a soft re-use people work on or
    #: use (a PV plant: its workers): the soil against GB 36600 for that use, the metals above its
    #: screening and intervention values and what they mean (``gb36600_check`` of the summary); "" elsewhere.
    gb36600: str = ""
    #: Where the plot's rule set is not the one its jurisdiction takes by default (a research run without
    #: land-use rules, the china set abroad, a user set): which rules applied, and on land the input records
    #: as permanent basic farmland whether the default set forbids the recommended option there
    #: (:func:`rule_set_notes`); "" elsewhere.
    rules: str = ""
    #: The tables of a user folder the plan used (``--tables``: file names and hash), for the footer; "" none.
    user_tables: str = ""
    #: On strict-control land where the rule set forbids selling the crop grown before: the heading and the
    #: lines of the farmer's lost legal income, the compensation paid and the gap, per mu and year and for the
    #: plot, and their basis (:func:`compensation_lines`); empty elsewhere.
    compensation_head: str = ""
    compensation: list = dataclasses.field(default_factory=list)
    compensation_note: str = ""
    #: Where the recommended option gets subsidies (``subsidies.csv``) and the plot has no compensation lines: the
    #: subsidies the sentence's farmer figure counts (not the cash flows), as an equal yearly amount per mu and for
    #: the plot, said to be an assumption where the row's amount is one
    #: (:func:`agriremed.stages.economics.subsidy_line`, filled by the plot sheets); "" elsewhere.
    subsidy: str = ""


def compensation_lines(r, lang: str = "en", tables=None) -> tuple[str, list, str]:
    """The plot sheet's compensation heading, lines and note of one summary row ``r`` in ``lang``.

    From the summary's compensation columns (:data:`agriremed.stages.economics.COMPENSATION_COLUMNS`):
    the farmer's lost legal income, the compensation paid and the gap, each per mu and year and for the
    plot (``comp.sheet_lost``, ``comp.sheet_paid``, ``comp.sheet_gap``; an amount not computed is left
    out), and the basis (``compensation_basis_msg``). ``("", [], "")`` on a plot without them.
    """
    basis = r.get("compensation_basis_msg")
    if not isinstance(basis, str) or not basis:
        return "", [], ""
    lines = []
    # a rate assumed to continue over the horizon (comp.paid_assumed of the basis) is said so on its line, and
    # one that includes treatment costs gets a line of its own
    paid = "comp.sheet_paid_assumed" if '"comp.paid_assumed"' in basis else "comp.sheet_paid"
    for code, key in (("comp.sheet_lost", "lost_income"), (paid, "compensation_paid"),
                      ("comp.sheet_gap", "compensation_gap")):
        per_mu, plot = (float(r.get(f"{key}_{unit}", np.nan)) for unit in ("cny_mu_yr", "plot_cny_yr"))
        if math.isfinite(per_mu) and math.isfinite(plot):
            lines.append(messages.render(messages.Message.of(code, per_mu=per_mu, plot=plot), lang, tables))
            if key == "compensation_paid" and '"comp.paid_treatment"' in basis:
                lines.append(messages.render(messages.Message.of("comp.sheet_paid_treatment"), lang, tables))
    # a compensated option applicable on the plot but not recommended (paid fallow beside sorghum): its own line,
    # and not again in the note below the lines
    note = basis
    if '"comp.alternative"' in basis:
        parts = messages.Message.decode(basis).parts
        for code, params in parts:
            if code == "comp.alternative":
                p = dict(params)
                area_mu = float(r.get("area_ha", np.nan)) / ha_per_mu()
                lines.append(messages.render(messages.Message.of(
                    "comp.sheet_alternative", option=p["option"], per_mu=float(p["paid_mu"]),
                    plot=float(p["paid_mu"]) * area_mu, subsidies=p["subsidies"]), lang, tables))
        note = messages.Message(tuple(x for x in parts if x[0] != "comp.alternative"))
    return (messages.render(messages.Message.of("comp.sheet_head"), lang, tables), lines,
            messages.render(note, lang, tables))


#: Message columns of the summary (written with the summary sentence by :func:`summary_columns`)
#: that :func:`plot_advice` prints as they are.
_ADVICE_MESSAGES = ("duration_text_msg", "monitoring_msg")


def _china_rules(s: pd.DataFrame) -> bool:
    """Whether the plot of the one-row summary ``s`` is planned under a Chinese rule set (its class re-check and
    strict-control wording are Chinese rules)."""
    return "rule_set" in s and s["rule_set"].iloc[0] in CHINA_RULE_SETS


def below_target_share(result, plot_id: str) -> float | None:
    """Share of harvests [0–1] in which the recommended option's food crop of the plot ``plot_id`` is
    predicted to meet the food limit (share of food seasons, else the probability in a season), where it is
    below the scenario's ``target_compliance_prob``: the case of the sentence's ``rec.below_target`` warning
    and of the sheet's harvest warning; None where the plot has no recommended food crop, no prediction, or one
    at or above the target."""
    t, sc = result.table, result.scenario
    target = getattr(sc, "target_compliance_prob", None)
    if target is None or not (result.summary["plot_id"] == plot_id).any():
        return None
    rec = t.loc[(t["plot_id"] == plot_id) & t["recommended"].astype(bool)]
    if rec.empty:
        return None
    return _food_share_below(rec.iloc[0], target)


def harvest_risk_text(result, plot_id: str, lang: str = "en") -> str:
    """The plot sheet's harvest warning (``ui.sheet.harvest_risk``): whatever the soil class, where the
    recommended option keeps a food crop predicted to meet the food limit in less than the scenario's
    ``target_compliance_prob`` of its harvests (:func:`below_target_share`), about how many harvests in 10 are
    predicted above the limit, and to test the harvest before sale, as the sentence's ``rec.below_target`` says;
    on priority-protection land under a Chinese rule set (``ui.sheet.harvest_risk_priority``) also that the soil
    is at or below every screening value but the crop prediction is high, so the class is re-checked with crop
    monitoring data; ``""`` otherwise."""
    s = result.summary.loc[result.summary["plot_id"] == plot_id]
    p = below_target_share(result, plot_id)
    if p is None:
        return ""
    key = ("ui.sheet.harvest_risk_priority" if s["soil_class"].iloc[0] == "priority_protection" and _china_rules(s)
           else "ui.sheet.harvest_risk")
    return i18n.t(key, lang, over=messages.render(harvests_over(p), lang, result.tables),
                  share=f"{100 * p:.0f} %", target=f"{100 * float(result.scenario.target_compliance_prob):.0f} %")


def background_review(soil_class, high_background, basis, china) -> np.ndarray:
    """Plots whose class is re-checked with crop (grain) monitoring data because the soil metal is mainly of
    natural (geological) origin: safe-utilisation or strict-control land given ``high_background`` yes (the
    county's survey finds a high geological background, as on karst soils) under a Chinese rule set (``china``),
    whose class is computed from the soil values (``basis`` not ``county``: a county's own class is kept as
    given). The project's advice, not a rule read in a source (docs/soil_and_uptake.md): the plan keeps the class.

    Parameters
    ----------
    soil_class, high_background, basis : array_like
        Per plot: the class the plan uses, the ``high_background`` flag (yes, no or blank) and
        ``soil_class_basis`` (``county`` where the county's class governs; blank otherwise).
    china : array_like of bool
        Per plot: planned under a Chinese rule set.

    Examples
    --------
    >>> background_review(["safe_utilisation", "strict_control", "priority_protection", "safe_utilisation"],
    ...                   ["yes", "yes", "yes", None], [None, "county", None, None], [True] * 4).tolist()
    [True, False, False, False]
    """
    cls = _frames.obj(np.asarray(soil_class, dtype=object))
    hb = np.array([isinstance(v, str) and v.strip().lower() == "yes"
                   for v in _frames.obj(np.asarray(high_background, dtype=object))], bool)
    county = _frames.obj(np.asarray(basis, dtype=object)) == "county"
    return hb & np.isin(cls, ("safe_utilisation", "strict_control")) & ~county & np.asarray(china, bool)


def priority_class_key(result, plot_id: str) -> str:
    """The i18n key of what the plot sheet says a priority-protection class means for the plot ``plot_id``.

    ``ui.sheet.class_priority_protection`` (farm as usual and protect the land) only where nothing on the sheet
    says otherwise. Where the harvest was measured above its food limit (``crop_measured_exceeds`` of the
    summary) it is ``ui.sheet.class_priority_protection_measured``, and where the recommended option's food
    crop is predicted below the plan's compliance target (:func:`below_target_share`, the sheet's harvest
    warning and the sentence's ``rec.below_target_priority``) ``ui.sheet.class_priority_protection_crop_high``:
    the soil is clean, but the crop is not, so the harvest is tested and the class re-checked with crop (grain)
    monitoring data; where the crop grown as before is predicted below that target and a measure is recommended
    (:func:`unchanged_below_target_share`) ``ui.sheet.class_priority_protection_measure``: take the recommended
    measure (not "farm as usual"), test the harvest and re-check the class; under a rule set other than
    :data:`CHINA_RULE_SETS` (``_local``) only the harvest test."""
    s = result.summary.loc[result.summary["plot_id"] == plot_id]
    measured = s["crop_measured_exceeds"].iloc[0] if "crop_measured_exceeds" in s and len(s) else None
    if isinstance(measured, str) and measured:
        key = "ui.sheet.class_priority_protection_measured"
    elif below_target_share(result, plot_id) is not None:
        key = "ui.sheet.class_priority_protection_crop_high"
    elif unchanged_below_target_share(result, plot_id) is not None:
        key = "ui.sheet.class_priority_protection_measure"
    else:
        return "ui.sheet.class_priority_protection"
    return key if _china_rules(s) else key + "_local"


def unchanged_below_target_share(result, plot_id: str) -> float | None:
    """Share of harvests [0–1] in which the current crop of the plot ``plot_id`` grown as before (the
    ``do_nothing`` row: share of food seasons, else the probability in a season) is predicted to meet the food
    limit, where it is below the scenario's ``target_compliance_prob`` and the recommended option is a measure
    (not ``do_nothing``): the plot sheet of priority-protection land then says to take the recommended measure
    (``ui.sheet.class_priority_protection_measure``), not to farm as usual; None elsewhere."""
    t, sc = result.table, result.scenario
    target = getattr(sc, "target_compliance_prob", None)
    rows = t.loc[t["plot_id"] == plot_id]
    rec, base = rows.loc[rows["recommended"].astype(bool)], rows.loc[rows["option_id"] == "do_nothing"]
    if target is None or rec.empty or base.empty or rec["option_id"].iloc[0] == "do_nothing":
        return None
    return _food_share_below(base.iloc[0], target)


def _food_share_below(r, target) -> float | None:
    """Share of harvests [0–1] in which the food crop of plan row ``r`` is predicted to meet the food limit
    (share of food seasons, else the probability in a season), where it is below ``target``; None where the
    row grows no food crop, has no prediction, or one at or above the target."""
    food = r.get("food_crop")
    if not isinstance(food, str) or food in ("", "none"):
        return None
    p = float(r.get("compliant_season_fraction", np.nan))
    if math.isnan(p):
        p = float(r.get("crop_compliance_prob", np.nan))
    return None if math.isnan(p) or p >= float(target) else p


def _runner_up(table: pd.DataFrame, plot_id: str) -> str | None:
    t = table.loc[(table["plot_id"] == plot_id) & table["rank"].notna()]
    t = t.loc[t["rank"].astype(float) == 2]
    return str(t["option_id"].iloc[0]) if len(t) else None


def _is_pv_plant(table: pd.DataFrame, plot_id: str) -> bool:
    """Whether the plot's recommended option is a developer's PV plant (it has a land lease)."""
    if "pv_lease_cny_ha_yr" not in table:
        return False
    rec = table.loc[(table["plot_id"] == plot_id) & table["recommended"].astype(bool), "pv_lease_cny_ha_yr"]
    return bool(len(rec)) and bool(np.isfinite(pd.to_numeric(rec, errors="coerce").to_numpy(float)).any())


def _limit_values(crop, metals: str, standard: str, tables, lang: str) -> str:
    """The food limits of ``crop`` for the metals ``metals`` (``'cd+pb'``) in ``standard``, as the bracket the
    plot sheet prints after the food group (``' (Cd 0.05 mg/kg, Pb 0.1 mg/kg)'``); '' where the library holds
    none (a crop not in the library, a metal without a limit)."""
    ms = metal_codes(metals)
    if not ms or not isinstance(crop, str):
        return ""
    limit, species = limits_for_crops([crop] * len(ms), ms, standard, tables)
    items = [i18n.t("ui.sheet.limit_item_inorganic" if sp == "inorganic" else "ui.sheet.limit_item", lang,
                    metal=i18n.metal_name(m, lang), limit=f"{v:g}")
             for m, v, sp in zip(ms, limit, species, strict=True) if np.isfinite(v)]
    if not items:
        return ""
    return i18n.t("ui.sheet.limit_values", lang, items=i18n.join_list(items, lang))


def _crop_lines(result, r, plot_id: str, lang: str) -> list:
    """What the crop will contain under current practice, one line per metal, in ``lang``: the
    metals above their screening value not assessed in the crop first (as in the sentence), then
    each assessed metal's median [mg/kg, as sold] against its food limit and chance of exceeding it (said to be
    conservative where its transfer function is flagged ``over_predicts``, ``known_bias`` of
    ``transfer_functions.csv``), then the
    metals measured in the harvest against their limit (``crop_measured_msg`` of the summary)."""
    crop_lines = []
    # metals above their screening value not assessed in the crop come first, as in the sentence
    na = r.get("metals_not_assessed")
    if isinstance(na, str) and na:
        # what to test the harvest against: the standard's food group, or the Pharmacopoeia for a herb
        hs = harvest_standard(r.get("crop"), r.get("crop_as_written"), r.get("food_standard"), result.tables)
        against = harvest_standard_text(hs, lang)
        if against and hs is not None and hs["standard"] == r.get("food_standard"):
            against += _limit_values(r.get("crop"), na, hs["standard"], result.tables, lang)
        # a metal at or below its screening value is listed too where the crop's functions could not be used on
        # the plot (a pH outside their domain, upland rice …): its line does not say "above the screening value"
        exc = r.get("metals_exceeding")
        above = set(exc.split("+")) if isinstance(exc, str) and exc else set()
        groups = [("", "+".join(m for m in na.split("+") if m in above)),
                  ("_below", "+".join(m for m in na.split("+") if m not in above))]
        for tail, ms in groups:
            if not ms:
                continue
            crop_lines.append(i18n.t(f"ui.sheet.crop_not_assessed{tail}_against", lang, metals=i18n.metals(ms, lang),
                                     against=against) if against
                              else i18n.t(f"ui.sheet.crop_not_assessed{tail}", lang, metals=i18n.metals(ms, lang)))
    u = result.uptake
    if u is not None and len(u):
        uu = u.loc[(u["plot_id"] == plot_id)]
        if "assessed" in uu:
            uu = uu.loc[uu["assessed"].astype(bool)]
        over = result.tables.over_predicting_functions()
        for row in uu.itertuples(index=False):
            lim = getattr(row, "food_limit_mg_kg", np.nan)
            med = getattr(row, "crop_fw_p50_mg_kg", np.nan)  # as sold: the basis of the food limit
            pex = getattr(row, "p_exceed_limit", np.nan)
            if pd.isna(lim) or pd.isna(med):
                continue
            # a function documented to over-predict (known_bias): the line says the prediction is conservative
            key = ("ui.sheet.crop_line_over" if getattr(row, "function_id", None) in over
                   else "ui.sheet.crop_line")
            crop_lines.append(i18n.t(key, lang, metal=i18n.metal_name(row.metal, lang),
                                     median=f"{med:.2g}" if med < 100 else f"{med:.0f}", limit=f"{lim:g}",
                                     p="" if pd.isna(pex) else pct_text(float(pex), lang)))
    measured = r.get("crop_measured_msg")  # the metals measured in the harvest against their food limit
    if isinstance(measured, str) and measured:
        crop_lines.append(messages.render(messages.Message.decode(measured), lang, result.tables))
    return crop_lines


#: Per-metal soil class → the sheet's mark of the threshold the concentration exceeds.
_EXCEEDED = {"safe_utilisation": "ui.sheet.soil_above_screening",
             "strict_control": "ui.sheet.soil_above_intervention"}


def _soil_metal_text(metal: str, conc: float, screening: float, intervention: float, cls, lang: str,
                     below_dl: bool = False) -> str:
    """One metal of :func:`soil_values_text`: ``'镉 1.85 mg/kg（筛选值0.3，管制值1.5，超管制值）'``; a value given
    below the detection limit (``below_dl``: ``conc`` is the limit) as ``'镉 <0.05 mg/kg（低于检出限，筛选值0.3，…）'``."""
    parts = [i18n.t("ui.sheet.soil_below_dl", lang)] if below_dl else []
    if math.isnan(screening):
        parts.append(i18n.t("ui.sheet.soil_no_screening", lang))
    else:
        parts.append(i18n.t("ui.sheet.soil_screening", lang, value=f"{screening:g}"))
        if not math.isnan(intervention):
            parts.append(i18n.t("ui.sheet.soil_intervention", lang, value=f"{intervention:g}"))
        if cls in _EXCEEDED:
            parts.append(i18n.t(_EXCEEDED[cls], lang))
    return i18n.t("ui.sheet.soil_metal", lang, metal=i18n.metal_name(metal, lang),
                  value=f"<{measured_text(conc)}" if below_dl else measured_text(conc), thresholds=("，" if lang == "zh" else ", ").join(parts))


def _plot_metals(plots, plot_id: str, column: str) -> list[str]:
    """The metal codes of a '+'-joined column of the validated plots (``censored_metals``,
    ``not_detected_metals``) for ``plot_id``; [] where the plan has no such column or value."""
    if plots is None or column not in plots or "plot_id" not in plots:
        return []
    v = plots.loc[plots["plot_id"] == plot_id, column]
    return metal_codes(v.iloc[0]) if len(v) else []


def not_detected_metals(result, plot_id: str) -> list[str]:
    """The soil metals of a plot given as "not detected" without a detection limit ('ND', '未检出', '低于检出限',
    '<DL'; ``not_detected_metals`` of the validated plots): not measured for the soil class."""
    return _plot_metals(getattr(result, "plots", None), plot_id, "not_detected_metals")


def _plot_ph(result, plot_id) -> float | None:
    """The plot's soil pH from the plan's validated plots (None where not given)."""
    plots = getattr(result, "plots", None)
    if plots is None or "ph" not in plots or "plot_id" not in plots:
        return None
    ph = pd.to_numeric(plots.loc[plots["plot_id"] == plot_id, "ph"], errors="coerce").dropna()
    return float(ph.iloc[0]) if len(ph) else None


def soil_values_text(result, plot_id: str, lang: str = "en") -> str:
    """The measured soil values of a plot against the thresholds its class was found with.

    Parameters
    ----------
    result : agriremed.engine.plan.Plan
        Plan result (``plots`` with ``ph`` [–]; ``soil``: one row per plot × measured metal with
        ``conc_mg_kg``, ``screening_mg_kg`` and ``intervention_mg_kg`` [mg kg⁻¹] for the plot's
        land use and pH, and the metal's ``soil_class``, from :func:`agriremed.stages.soil.screen`).
    plot_id : str
        Plot.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
        ``'土壤pH 4.6；镉 1.85 mg/kg（筛选值0.3，管制值1.5，超管制值）；…'``: the soil pH, then every
        measured metal in the order of :data:`agriremed.core.columns.METALS` with its screening
        value, its intervention value where the threshold set has one, and the value it exceeds;
        a metal given below the detection limit (``censored_metals``) as ``'镉 <0.05 mg/kg（低于检出限，…）'``
        and one given as "not detected" without a limit (``not_detected_metals``, not measured for the
        class) as ``'镉 未检出（未注明检出限）'``, in the same order; "" when the plan has none of them.
    """
    parts = []
    plots = getattr(result, "plots", None)
    if plots is not None and "ph" in plots and "plot_id" in plots:
        ph = pd.to_numeric(plots.loc[plots["plot_id"] == plot_id, "ph"], errors="coerce").dropna()
        if len(ph):
            parts.append(i18n.t("ui.sheet.soil_ph", lang, ph=measured_text(float(ph.iloc[0]))))
    order = {m: k for k, m in enumerate(METALS)}
    below = set(_plot_metals(plots, plot_id, "censored_metals"))
    metals = [(order.get(m, len(order)), i18n.t("ui.sheet.soil_not_detected", lang, metal=i18n.metal_name(m, lang)))
              for m in not_detected_metals(result, plot_id)]
    soil = getattr(result, "soil", None)
    if soil is not None and len(soil):
        rows = soil.loc[soil["plot_id"] == plot_id]
        for m, c, scr, itv, cls in zip(rows["metal"], rows["conc_mg_kg"].to_numpy(float),
                                      rows["screening_mg_kg"].to_numpy(float),
                                      rows["intervention_mg_kg"].to_numpy(float), rows["soil_class"], strict=True):
            metals.append((order.get(m, len(order)),
                           _soil_metal_text(str(m), float(c), float(scr), float(itv), cls, lang, m in below)))
    parts += [text for _, text in sorted(metals, key=lambda x: x[0])]
    return ("；" if lang == "zh" else "; ").join(parts)


def _plot_rice_seasons_of(result, plot_id: str) -> float:
    """Rice seasons a year of the plot ``plot_id`` of a plan (:func:`plot_rice_seasons` of its validated row)."""
    plots = getattr(result, "plots", None)
    if plots is None or "plot_id" not in plots:
        return 1.0
    row = plots.loc[plots["plot_id"] == plot_id]
    return float(plot_rice_seasons(row)[0]) if len(row) else 1.0


def _class_texts(result, r, plot_id: str, lang: str) -> tuple[str, str]:
    """The plot sheet's soil class (its name, with the basis where it is the county's) and what it means for the
    plot (``ui.sheet.class_*``: on priority-protection land :func:`priority_class_key`; the metals not detected
    without a limit; the class re-check of :func:`background_review`), in ``lang``; ``r``: the plot's summary row."""
    cls = r.get("soil_class")
    cls_text = i18n.value("soil_class", cls, lang) if isinstance(cls, str) else ""
    # priority protection says "farm as usual" only where the sheet does not warn about the crop
    if cls == "priority_protection":
        key = priority_class_key(result, plot_id)
        unchanged = unchanged_below_target_share(result, plot_id) if "_measure" in key else None
        cls_plain = i18n.t(key, lang, **({} if unchanged is None else {
            "share": f"{100 * unchanged:.0f} %", "target": f"{100 * float(result.scenario.target_compliance_prob):.0f} %"}))
    else:
        cls_plain = i18n.t(f"ui.sheet.class_{cls}", lang) if isinstance(cls, str) else ""
    computed = r.get("soil_class_computed")
    if r.get("soil_class_basis") == "county" and isinstance(cls, str) and isinstance(computed, str):
        # planned with the county's class, stricter than the values' class: the sheet names the basis
        cls_text = i18n.t("ui.sheet.class_by_county", lang, soil_class=cls_text,
                          computed=i18n.value("soil_class", computed, lang))
        cls_plain = i18n.t(f"ui.sheet.class_county_{cls}", lang)
    nd = not_detected_metals(result, plot_id)
    if nd and cls_text:  # a metal 'ND' without a limit: the class rests on the measured metals only
        cls_plain = i18n.t("ui.sheet.class_not_detected", lang, text=cls_plain, metals=i18n.metals("+".join(nd), lang))
    if background_review([cls], [r.get("high_background")], [r.get("soil_class_basis")],
                         [r.get("rule_set") in CHINA_RULE_SETS])[0]:
        # the metal mainly of natural origin (karst): the class re-checked with crop monitoring data
        cls_plain = i18n.t("ui.sheet.class_high_background", lang, text=cls_plain)
    return cls_text, cls_plain


def plot_advice(result, plot_id: str, lang: str = "en") -> PlotAdvice:
    """The advice for one plot of a plan, in ``lang``.

    Parameters
    ----------
    result : agriremed.engine.plan.Plan
        Plan result (``summary``, ``table``, ``uptake``, ``tables``, ``scenario``).
    plot_id : str
        Plot.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    PlotAdvice
    """
    s = result.summary.loc[result.summary["plot_id"] == plot_id]
    if s.empty:
        raise KeyError(f"plot {plot_id!r} is not in the plan summary")
    r = s.iloc[0]
    tables = result.tables
    fields = {"plot_id": plot_id}
    area = float(r["area_ha"])
    sc = result.scenario
    unit = area_units([r.get("region")], sc.area_unit, sc.rule_set, tables)[0]
    for c in ("region", "area", "crop", "land_use"):
        v = r.get(c)
        if c == "area":
            fields["area"] = area_text(area, unit, lang)
        elif c == "region":  # region and village: "网岭镇 罗家村"
            place = place_text(v, r.get("village"), lang, tables)
            if place:
                fields["region"] = place
            where = location_text(r.get("lat"), r.get("lon"))
            if where:
                fields["location"] = where
        elif isinstance(v, str) and v:
            fields[c] = i18n.crop_name(v, lang, tables) if c == "crop" else i18n.value("land_use", v, lang)
    if fields.get("crop") and _plot_rice_seasons_of(result, plot_id) == 2:  # the money lines are for two crops a year
        fields["crop"] = i18n.t("ui.sheet.crop_double_rice", lang)
    written = r.get("crop_as_written")
    if r.get("crop") == UNLISTED_CROP and isinstance(written, str) and written:  # 黄精, as the sheet wrote it
        fields["crop"] = i18n.t("ui.sheet.crop_unlisted", lang, crop=written)
    for c in FARMER_COLUMNS:
        v = r.get(c)
        if isinstance(v, str) and v.strip():
            fields["farmer"] = v.strip()
            break
    cls = r.get("soil_class")
    cls_text, cls_plain = _class_texts(result, r, plot_id, lang)
    crop_lines = _crop_lines(result, r, plot_id, lang)
    opt = r.get("recommended_option")
    ph = _plot_ph(result, plot_id)  # the plan's plots, else the summary's ph column
    if ph is None and pd.notna(pd.to_numeric(pd.Series([r.get("ph")]), errors="coerce").iloc[0]):
        ph = float(r.get("ph"))
    steps = plot_steps(opt, area, tables, lang, unit, **{k: v[0] for k, v in step_flags_of(s, tables).items()},
                       soil_ph=ph) \
        if isinstance(opt, str) else pd.DataFrame({"season": [], "text": []})
    ru = _runner_up(result.table, plot_id)
    if all(c in s for c in _ADVICE_MESSAGES):
        # the summary's own monitoring and clean-up time (one source: the metals to test and the
        # metals not measured are those of the summary sentence)
        cols = {c: s[c].to_numpy(object) for c in ("duration_text", *_ADVICE_MESSAGES)}
        cols["monitoring"] = messages.column_texts(s, "monitoring", lang, tables)
    else:  # a summary without the advice messages: computed again from its columns
        cols = summary_columns(s, result.table, tables, sc.food_standard, sc.horizon_yr, lang,
                               rule_sets_of([r.get("region")], sc.rule_set, tables)[0], units=[unit])
    # the years with their unit ("about 12 yr", "> 200 yr"), or why there are none, in the language
    how = messages.render(cols["duration_text_msg"][0], lang, tables)
    money_cur = i18n.unit("CNY", lang)
    unknown = messages.render(messages.Message.of("money.not_computed"), lang)
    code, rate = _plan_money(result)

    def amount(x, fmt, per=""):  # "not computed" where the option's money is unknown (PV without lat/lon)
        if math.isnan(x):
            return unknown
        if code != "CNY":  # in the plan's currency with the CNY amount in brackets, as in the sentence
            m = messages.Message.of(f"money.cur{'_yr' if per else ''}", value=fmt(x / rate), currency=code,
                                    cny=fmt(x))
            return messages.render(m, lang, tables)
        return f"{fmt(x)} {money_cur}{per}"

    later_label = later_net = ""
    low, high = (float(r.get(f"cash_flow_later_{k}_plot_cny_yr", np.nan)) for k in ("low", "high"))
    if not _is_pv_plant(result.table, plot_id) and not math.isnan(low + high) and _signed(low) != _signed(high):
        per = "/年" if lang == "zh" else "/yr"
        later_label = i18n.t("ui.sheet.later_net", lang, last=_year(sc.horizon_yr))
        later_net = i18n.t("ui.sheet.later_range", lang, low=amount(low, _signed, per), high=amount(high, _signed, per),
                           mean=amount(float(r["cash_flow_later_mean_plot_cny_yr"]), _signed, per)) + messages.render(
            reapply_message(opt, tables, sc.horizon_yr), lang, tables)
    return PlotAdvice(
        plot_id=plot_id, later_label=later_label, later_net=later_net, fields=fields, soil_class=cls or "", soil_class_text=f"{cls_text} — {cls_plain}",
        crop_lines=crop_lines, soil_values=soil_values_text(result, plot_id, lang),
        this_season=list(steps.loc[steps["season"] == "this", "text"]),
        next_season=list(steps.loc[steps["season"] == "next", "text"]),
        first_year_cost=amount(float(r["first_year_cost_plot_cny"]), _money) + _extra_cost_text(
            float(r.get("first_year_extra_cost_plot_cny", np.nan)), opt, amount, lang, tables),
        year1_net=amount(float(r["cash_flow_year1_plot_cny"]), _signed),
        typical_net=amount(float(r["cash_flow_typical_plot_cny_yr"]), _signed, "/年" if lang == "zh" else "/yr"),
        typical_year="–" if math.isnan(float(r["typical_year"])) else _year(float(r["typical_year"])),
        typical_label=(i18n.t("ui.sheet.typical_net_no_year", lang) if math.isnan(float(r["typical_year"]))
                       else i18n.t("ui.sheet.typical_net", lang, year=_year(float(r["typical_year"])))),
        money_note=i18n.t(("ui.sheet.money_note_pv_cover" if float(r["first_year_cost_plot_cny"]) > 0
                           else "ui.sheet.money_note_pv") if _is_pv_plant(result.table, plot_id)
                          else "ui.sheet.money_note", lang),
        monitoring=str(cols["monitoring"][0]),
        how_long=how,
        recommended=i18n.option_name(opt, lang, tables) if isinstance(opt, str) else messages.render(
            messages.Message.of("rec.none", unassessed=messages.Message()), lang),
        runner_up=i18n.option_name(ru, lang, tables) if ru else "—",
        harvest_risk=harvest_risk_text(result, plot_id, lang),
        sentence=messages.column_texts(r.to_frame().T, "recommendation", lang, tables)[0],
        gb36600=(messages.column_texts(r.to_frame().T, "gb36600_check", lang, tables)[0] or ""
                 if "gb36600_check" in s else ""),
        rules=_rules_text(r, lang, tables),
        **dict(zip(("compensation_head", "compensation", "compensation_note"), compensation_lines(r, lang, tables),
                   strict=True)))


def _rules_text(r, lang: str, tables) -> str:
    """The sheet's line on the rule set of the plot of summary row ``r`` (:func:`rule_set_notes`), in ``lang``;
    "" where the plot's rule set is its jurisdiction's default or the row does not name it."""
    rs = r.get("rule_set")
    if not isinstance(rs, str) or not rs:
        return ""
    note = rule_set_notes([rs], [r.get("region")], [r.get("basic_farmland")], [r.get("soil_class")],
                          [r.get("land_use")], [r.get("recommended_option")], tables)[0]
    return messages.render(note, lang, tables) if note else ""


def _plan_money(result) -> tuple[str, float]:
    """Reporting currency of a plan result and CNY per unit of it (``('CNY', 1.0)`` when the
    result does not say)."""
    money = getattr(result, "money", None)
    if not callable(money) or getattr(result.scenario, "currency", "CNY") == "CNY":
        return "CNY", 1.0
    m = money()
    return str(m["code"]), float(m["cny_per_unit"])


def place_text(region, village, lang: str = "en", tables=None) -> str:
    """Region (in ``lang``, :func:`agriremed.core.i18n.region_name`) and village as one text
    (``'网岭镇', '罗家村'`` → ``'网岭镇 罗家村'``); ``''`` when both are blank.

    >>> place_text("网岭镇", "罗家村")
    '网岭镇 罗家村'
    >>> place_text(None, "Luojia")
    'Luojia'
    """
    parts = []
    if isinstance(region, str) and region.strip():
        parts.append(i18n.region_name(region, lang, tables))
    if isinstance(village, str) and village.strip():
        parts.append(village.strip())
    return " ".join(parts)


def _degrees(x: float) -> str:
    """Degrees with up to 6 decimals as given (27.0012 → '27.0012', 113.0 → '113')."""
    return f"{abs(x):.6f}".rstrip("0").rstrip(".")


def location_text(lat, lon) -> str:
    """Latitude and longitude [°, WGS84] as text for finding the field (``27.0012°N 113.3451°E``);
    ``''`` unless both are numbers.

    >>> location_text(27.0012, 113.3451)
    '27.0012°N 113.3451°E'
    >>> location_text(-33.9, -70.25)
    '33.9°S 70.25°W'
    >>> location_text(27.0, float("nan"))
    ''
    """
    try:
        la, lo = float(lat), float(lon)
    except (TypeError, ValueError):
        return ""
    if not (np.isfinite(la) and np.isfinite(lo)):
        return ""
    return f"{_degrees(la)}°{'N' if la >= 0 else 'S'} {_degrees(lo)}°{'E' if lo >= 0 else 'W'}"


def pct_param(p: float) -> str | messages.Message:
    """Probability as a message parameter that never rounds a risk away: ``'37 %'``, or above
    0.99 and below 0.01 the message ``rec.pct_above`` / ``rec.pct_below`` (``> 99 %``, in
    Chinese ``99 %以上``).

    Parameters
    ----------
    p : float
        Probability [0–1].

    Examples
    --------
    >>> pct_param(0.37), messages.render(pct_param(0.996), "zh"), messages.render(pct_param(0.004), "en")
    ('37 %', '99 %以上', '< 1 %')
    """
    if p > 0.99:
        return messages.Message.of("rec.pct_above", pct=99)
    if p < 0.01:
        return messages.Message.of("rec.pct_below", pct=1)
    return f"{100 * p:.0f} %"


def pct_text(p: float, lang: str = "en") -> str:
    """Probability as text in ``lang`` that never rounds a risk away (0.996 → '> 99 %',
    in Chinese '99 %以上'); ``p`` [0–1]."""
    v = pct_param(p)
    return v if isinstance(v, str) else messages.render(v, lang)


def programme_shortfalls(options, land_use, metal_mg_kg, china, province, tables, ph=None) -> np.ndarray:
    """The row of ``programme_evidence.csv`` that says a programme did not make the grain comply on the
    plot's pollution class with the plot's option, per plot (its position in the table; −1 none).

    A row applies where the option is one of its ``options`` ('|'-separated), the plot's land use is its
    ``land_use``, the plot lies in its ``region_scope`` (``china``: a plot under a Chinese rule set; else a
    province id, :func:`agriremed.core.i18n.region_province`), the row's ``compliant`` is ``no``, and the
    plot's single-factor pollution index Pi = C / ``screening_ref_mg_kg`` of the row's ``metal`` lies in
    (``pi_low``, ``pi_high``] (the classes of the 2014 national soil survey bulletin: ≤ 2, 2–3, 3–5, > 5 ×
    the standard; ``mep2014_soil_survey``, partly confirmed), and the plot's soil pH is below the row's
    ``ph_below`` (optional; blank: any pH), the pH range of the screening value the index is computed with
    (``screening_ref_status``): above it the class of the plot on the record's basis is not known, so no row
    applies; a plot of unknown pH is compared (most paddies of the record's region are acid). The first
    applying row counts. Numbers and
    rankings are not changed: the row only adds a caveat to the sentence (:func:`programme_caveat`).

    Parameters
    ----------
    options : array of str or None
        Option id per plot (the recommended or the runner-up option).
    land_use : array of str or None
        Land use per plot.
    metal_mg_kg : dict of str to array of float
        Metal code → soil total content per plot [mg kg⁻¹] (NaN unknown: no row applies).
    china : array of bool
        The plot is governed by a Chinese rule set.
    province : array of str or None
        The plot's province id ('' or None unknown).
    tables : Tables
        Literature tables (``programme_evidence``).
    ph : array of float, optional
        Soil pH per plot (NaN unknown); default: every plot compared as of unknown pH.

    Returns
    -------
    numpy.ndarray of int
        Row position per plot, −1 where none applies.

    References
    ----------
    hunan_vip2018; mep2014_soil_survey; sepa1995_gb15618 (``sources.csv``).

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = load_tables()
    >>> rows = programme_shortfalls(np.array(["lime_low_cd_rice", "lime_low_cd_rice", "low_cd_rice"], object),
    ...                             np.array(["paddy"] * 3, object), {"cd": np.array([1.45, 0.6, 1.45])},
    ...                             np.ones(3, bool), np.array(["hunan"] * 3, object), t)
    >>> t.programme_evidence["pollution_class"].to_numpy()[rows[0]], rows[1:].tolist()
    ('moderate', [-1, -1])
    """
    opts = np.asarray(options, dtype=object)
    out = np.full(len(opts), -1, dtype=np.intp)
    ev = getattr(tables, "programme_evidence", None)
    if ev is None or not len(ev) or not len(opts):
        return out
    land = np.asarray(land_use, dtype=object)
    prov = np.asarray(province, dtype=object)
    china = np.asarray(china, dtype=bool)
    ph = np.full(len(opts), np.nan) if ph is None else np.asarray(ph, dtype=float)
    for k, r in enumerate(ev.itertuples(index=False)):
        if str(r.compliant).strip().lower() != "no":
            continue
        soil = metal_mg_kg.get(str(r.metal).strip().lower())
        if soil is None:
            continue
        pi = np.asarray(soil, dtype=float) / float(r.screening_ref_mg_kg)
        scope = str(r.region_scope).strip().lower()
        where = china if scope == "china" else (prov == scope)
        hit = (np.isin(opts, [o.strip() for o in str(r.options).split("|") if o.strip()])
               & (land == str(r.land_use).strip()) & where
               & (pi > float(r.pi_low)) & (pi <= float(r.pi_high)) & (out < 0))
        below = pd.to_numeric(getattr(r, "ph_below", np.nan), errors="coerce")
        if np.isfinite(below):
            hit &= ~(ph >= below)        # unknown pH (NaN) is compared
        out[hit] = k
    return out


def programme_caveat(row, option: str, share: float, soil_mg_kg: float, tables, code: str = "rec.programme_shortfall"
                     ) -> messages.Message:
    """The caveat of one row of ``programme_evidence.csv`` (:func:`programme_shortfalls`) for a plot:
    the programme, its sites and year, the plot's pollution class and index, the grain-Cd cut the
    programme realised there and that its grain did not meet the limit; with ``code``
    ``rec.programme_shortfall`` also the ``share`` [0–1] of seasons predicted for ``option`` and that it
    rests on plot-trial effects, with ``mon.programme_shortfall`` (the monitoring line) the grain test.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = load_tables()
    >>> m = programme_caveat(2, "lime_low_cd_rice", 0.85, 1.45, t)
    >>> "24–47 %" in messages.render(m, "en", t) and "85 %" in messages.render(m, "en", t)
    True
    """
    r = tables.programme_evidence.iloc[int(row)]
    ref = float(r["screening_ref_mg_kg"])
    hi = float(r["pi_high"])
    span = (messages.Message.of("prog.pi_above", low=float(r["pi_low"])) if math.isinf(hi)
            else messages.Message.of("prog.pi_range", low=float(r["pi_low"]), high=hi))
    params = dict(programme=str(r["programme"]), pclass=str(r["pollution_class"]), span=span,
                  pi=float(soil_mg_kg) / ref, soil=float(soil_mg_kg), ref=ref, metal=str(r["metal"]),
                  cut_low=float(r["realised_cut_low_pct"]), cut_high=float(r["realised_cut_high_pct"]))
    if code == "rec.programme_shortfall":
        params.update(option=option, share=pct_param(float(share)))
    return messages.Message.of(code, **params)
