"""Scenario: every user-set assumption of a plan in one small, saveable object.

A :class:`Scenario` holds the choices that are not properties of a plot: the
horizon, discount rate, carbon price, food standard, clean-up target, criteria
weights, Monte Carlo settings, the biochar used by the biochar option, the output
currency and any override of a table value. It saves to and loads from JSON or YAML,
and every output of a plan records it, so a result can always be reproduced.

Money: the price and cost tables are in CNY and every model computes in CNY (columns
``*_cny*``). ``currency`` chooses the currency in which a plan also reports money:
for a currency other than CNY, the plan and summary tables get, next to each CNY
column, the same amount in that currency (``npv_cny_ha`` → ``npv_gbp_ha``), converted
at ``exchange_rate_cny`` (CNY per unit of the currency; default: the dated ECB
reference rate of ``exchange_rates.csv``); sentences and the report show that
currency. Scenario inputs named ``*_cny*`` (``carbon_price_cny_t``, price overrides)
stay in CNY.

Examples
--------
>>> from agriremed import Scenario
>>> s = Scenario(horizon_yr=15, carbon_price_cny_t=100)
>>> Scenario.from_dict(s.to_dict()) == s
True
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from agriremed.core.accounting import (BIOCHAR_METHODS, CREDIT_METHODS, GWP_SETS, N_METHODS, RICE_AMENDMENTS,
                                       RICE_PRESEASON, RICE_WATER_REGIMES)
from agriremed.core.columns import CURRENCIES
from agriremed.core.uncertainty import SAMPLINGS

__all__ = ["Scenario", "DEFAULT_WEIGHTS", "ScenarioError", "PartialWeightsWarning"]

#: Default criteria weights (SuRF-UK groups: environmental, social, economic); the
#: reasoning is in :mod:`agriremed.stages.ranking` and the README.
DEFAULT_WEIGHTS: dict[str, float] = {
    "food_safety": 0.25,      # social: safe food produced (GB 2762 compliance of the food grown)
    "food_production": 0.15,  # social: food output kept (of the current crop; idle land: its reference crop)
    "livelihood": 0.10,       # social: land keeps producing saleable food or biomass
    "clean_up": 0.15,         # environmental: excess metal removed, where the soil needs lowering
    "carbon": 0.10,           # environmental: net CO2e relative to doing nothing
    "economics": 0.25,        # economic: NPV relative to doing nothing
}

FOOD_STANDARDS = ("GB2762", "EU2023_915", "CODEX")
TARGETS = ("screening", "food_limit", "strictest")
#: Screening values of paddy–upland rotation land (``paddy_upland_rotation`` yes): each metal's lower of
#: the paddy and the dry-land value (``stricter``) or the plot's own land-use values (``paddy``).
ROTATION_SCREENINGS = ("stricter", "paddy")
BIOMASS_VALUATIONS = ("sale", "electricity")
#: Whose money the ranking's economics criterion counts (see ``economics.VIEW_COLUMNS``).
ECONOMICS_VIEWS = ("combined", "farmer", "programme")
#: How doing nothing's forbidden edible crop on strict-control land is valued
#: (``agriremed.stages.economics.STRICT_BASELINE_CROP``).
STRICT_BASELINE_CROPS = ("not_sold", "noncompliant_grain")
#: Area units of the plan's texts: chosen per plot by its region (``auto``), or mu or ha for all.
AREA_UNITS = ("auto", "mu", "ha")


class PartialWeightsWarning(UserWarning):
    """A scenario's ``weights`` leave some criteria out: they weigh 0 (the mapping replaces the
    default weights as a whole), which the warning names."""


class ScenarioError(ValueError):
    """A scenario value is invalid (message names the field and what was expected)."""


@dataclasses.dataclass(frozen=True)
class Scenario:
    """User-set assumptions of a plan.

    Parameters
    ----------
    name : str
        Label shown in reports.
    seed : int
        Seed of the Monte Carlo random generator; the same seed gives identical
        numbers on every run.
    mc_draws : int
        Monte Carlo draws per parameter (0 = deterministic only).
    sampling : {"lhs", "random"}
        How the Monte Carlo draws each parameter range: ``lhs`` (default; Latin hypercube:
        one draw in each of ``mc_draws`` equal-probability strata of every parameter, so
        percentiles settle with fewer draws, ``bench/bench_lhs.py``) or ``random``
        (independent draws; the numbers of agriremed before the Latin hypercube). Either
        way a parameter's draws depend only on the seed and the parameter
        (:mod:`agriremed.core.uncertainty`).
    horizon_yr : int
        Planning horizon for economics and carbon [yr].
    discount_rate : float
        Real discount rate for NPV [1/yr].
    carbon_price_cny_t : float
        Price received per tonne of CO2e credited [CNY t⁻¹].
    noncompliant_grain : str
        What happens to a food crop that fails the food limit (row of
        ``noncompliant_grain.csv``): ``discount_sale`` (default: sold for feed or industry
        at a discount; the farmer gets what it is worth), ``state_purchase`` (收储: the
        farmer is paid the normal price, the programme bears the loss) or ``destroyed``
        (worth nothing). The outlet of a rule is for the crop groups of its ``crop_groups``
        cell (grain, storable seed, tuber and cane); vegetables, fruit and tea over the limit
        have none and are valued as ``destroyed`` (not sold).
    noncompliant_price_fraction : float, optional
        Share of the normal price paid for a food crop that fails the food limit [–];
        when set it replaces the ``noncompliant_grain`` rule (farmer paid = value) for every crop.
    strict_baseline_crop : {"not_sold", "noncompliant_grain"}
        How doing nothing's edible crop is valued on strict-control land where the rule set
        forbids it (China: ``cn_strict_no_food``, edible crops prohibited on 严格管控类 land):
        ``not_sold`` (the whole harvest may not be sold, the ``destroyed`` row of
        ``noncompliant_grain.csv``, so the options are compared with a crop that may not be
        sold) or ``noncompliant_grain`` (default: as any crop over the food limit, under the
        ``noncompliant_grain`` rule, sold at a discount by default). The sentence says which.
        ``not_sold`` is not the default: against a baseline that loses its whole harvest every
        risk-control option that earns anything reaches the top of the economics utility
        (+50 000 CNY/ha against doing nothing in the combined view, +78 482 in the farmer's,
        ``traffic_lights.csv``), and the economics
        criterion no longer tells them apart (energy maize would rank before sorghum on the
        Hunan strict-control sample plots on carbon alone).
    economics_view : {"combined", "farmer", "programme"}
        Whose money the ranking's economics criterion counts, against doing nothing:
        farmer and programme together (default; transfers between them cancel), the
        farmer (incl. subsidies and price support received) or the programme (what it
        pays, ≤ 0). All three NPVs are reported whatever the choice. Each view has its own
        economics utility (``view`` column of ``traffic_lights.csv``): combined 0 at −150 000 and
        1 at +50 000 CNY/ha; farmer ±78 482 CNY/ha, the legal net income of a hectare of
        double-cropped rice over 20 yr at 6 % (the money the farmer has at stake), so a paid
        fallow is told apart from a crop earning a little more than doing nothing; programme 1 at
        no cost, 0 at 156 964 CNY/ha.
    food_standard : {"auto", "GB2762", "EU2023_915", "CODEX"}
        Food-limit set used to judge crop compliance: one for every plot, or ``auto``
        (default): per plot from its region (:func:`agriremed.stages.advice.food_standards`):
        ``GB2762`` in China (and for a plot without a region under the ``china`` rule set),
        ``EU2023_915`` in the EU and the UK (``food_standard_regions.csv``), ``CODEX``
        elsewhere.
    threshold_set : str
        Soil threshold set (``set_id`` in ``soil_thresholds.csv``).
    rotation_screening : {"stricter", "paddy"}
        Screening values of paddy–upland rotation land (水旱轮作地, ``paddy_upland_rotation`` yes:
        稻麦轮作, 稻-油, or the season rows of a field growing rice and a dry crop): ``stricter``
        (default) screens each metal with the lower of the set's paddy and dry-land (upland) values,
        the GB 15618-2018 Table 1 note on rotation land as quoted in county practice (source
        ``gb15618_rotation_note``: the standard's text was not read for this project, so the note is
        unconfirmed; it is applied as the precautionary reading); ``paddy`` screens the land with its
        own land-use values (a paddy's paddy values), as before the rule.
    target : {"screening", "food_limit", "strictest"}
        Clean-up target: the GB 15618 screening value for the plot's pH and land use,
        the soil concentration at which the current crop meets the food limit
        (inverted from the uptake functions), or the lower of the two.
    target_compliance_prob : float
        Share of harvests (food seasons; else the probability in a season) in which the crop
        should meet the food limit [–]. Default 0.9: safe utilisation counts light and moderate
        land only with compliant produce (``cn_safe_use_rate``), and the national target for the
        safe-utilisation rate is about 90 % by 2020 (``moa2017_safe_use_target``; reached, as
        reported, ``mee2022_safe_use``) and at least 95 % by 2030: a plot whose crop fails the limit
        in one season in four (a 0.5 or 0.75 target) is not safely used. Reading the national area
        rate as a per-plot share of compliant harvests is this project's (no rule read sets a
        per-plot share). In the ranking: an option the rule set expects whose food crop is
        predicted to meet the food limit with less than this ranks after the expected options
        that meet it; where none does, after those within ``min_compliance_gain`` of the best
        (the options that come closest to the target rank first); the sentence and the plot
        sheet of a recommended food option below it say how many harvests in 10 are predicted
        above the limit. For the food-limit clean-up target: probability that the crop meets
        the limit at the target soil concentration (0.5 would put the median prediction at the
        limit). Was 0.5.
    min_compliance_gain : float
        Smallest rise of the crop's predicted compliance over unchanged practice [–] that
        counts as making the crop safer (default 0.05: well below the gain of the VIP measures,
        0.2–0.4 on light paddies; the compliance carries no seed-to-seed Monte Carlo noise, as every
        plan draws it with the same random numbers, :data:`agriremed.stages.duration.COMPLIANCE_SEED`;
        two options whose gains differ by less than ``gain_resolution`` are not split by it; the gain compared is
        that of the central compliance, every crop reduction at its typical value, with and without draws,
        :data:`agriremed.stages.duration.CENTRAL_COMPLIANCE`, and where the gain that decides whether a plot
        has a measure lies within ``gain_resolution`` of this threshold the sentence says so). On a plot where no fully assessed expected or allowed food option reaches
        it, a food option below it that costs more than unchanged practice (a lower economics
        value) ranks after unchanged practice, whatever its score: it is no measure for the crop;
        so does an agronomic measure below it (``policy_family`` ``agronomic_control``: an
        amendment, a spray, water management) whatever its economics value, since it is there
        for the crop's metal alone (biochar whose advantage over unchanged practice is its carbon
        credit). Exempt is a food option that dominates unchanged practice for the farmer: it keeps
        the crop, produces no less food, makes it more often compliant and earns the farmer more
        without carbon credits or subsidies (``npv_farmer_own_vs_baseline_cny_ha`` above 0): it is a
        measure however small its gain (lime on a Suzhou pak choi field, +3.9 points and +32 527
        CNY/ha from the harvest; :func:`agriremed.stages.ranking.dominates_baseline`).
    min_dominance_share : float
        Least margin of the farmer's own gain for an option to dominate unchanged practice, as a
        share of the farmer's NPV of unchanged practice [–] (default 0.02, the project's choice: the
        price and yield ranges of ``prices.csv`` and ``crops.csv`` span ±10 % or more, so a gain under
        2 % of the field's own income decides nothing; the Suzhou pak choi lime gains 6.4 %, biochar on
        the Daye pak choi field, +3 677 CNY/ha from the harvest, about 1 %). 0: any gain above 0.
    max_switch_loss_share : float
        Largest loss of the farmer's own NPV (without carbon credits, subsidies or compensation)
        against unchanged practice, as a share of the farmer's NPV of unchanged practice [–], at which a
        crop switch that leaves its crop below ``target_compliance_prob`` still counts as a measure for the
        crop (default 0.5, the project's choice). A switch that misses the target and gives up more than
        that share of what the field earns now (water spinach to maize grain near a smelter: 82 → 88 %
        of compliant harvests for −1.18 million CNY/ha over 20 years) makes no harvest compliant that
        keeping the crop with harvest tests would not, at the cost of most of the field's income: it ranks
        with the allowed options after unchanged practice, as a measure of too small a gain does
        (:func:`agriremed.stages.ranking.costly_switch`). A switch that reaches the target stays a
        measure whatever it costs. 1: no switch is so ranked for its loss.
    min_gain_share : float
        Share of the largest compliance gain that a fully assessed expected food option buys
        on the plot [–] that another expected food option must also reach to count as making
        the crop safer (default 0.5). On a plot where a fully assessed expected food option
        raises compliance by at least ``min_compliance_gain``, the expected food options below
        ``max(min_compliance_gain, min_gain_share × that gain)`` rank after those above it.
        Safe utilisation counts only land whose produce complies, so clean-up or money does
        not buy a measure that leaves the crop far more exposed than the best measure would
        (a Sedum–rice rotation whose rice reaches 72 % of compliant seasons where flooding
        or lime reach 93–95 %); it still competes where it buys at least half the best gain.
        0 keeps the absolute gain only.
    gain_resolution : float
        Smallest difference between the compliance gains of two food options of a plot that the
        gain rules tell apart [–] (default 0.01, the project's choice: one percentage point, the
        precision of the whole percentages the plan prints compliance in; not a measured model
        resolution). On a plot where a fully assessed expected food option reaches
        ``min_compliance_gain``, an expected food option whose gain is within this of the largest
        such gain ranks in the same tier as it, whatever ``min_compliance_gain`` and
        ``min_gain_share`` say of it alone, and the score decides between them: a Zhejiang paddy at
        pH 8.05 (Cd 1.0) no longer ranks low-Cd rice (+4.85 points, score 0.709) after flooding
        (+5.73, score 0.693) for a 0.88-point difference. Whether the plot has such a measure at
        all is still decided by ``min_compliance_gain`` alone. 0: no tie.
    other_loss_frac_per_yr : float
        Yearly loss of soil metal other than by harvest (leaching, run-off) as a share
        of the soil metal [–]; default 0 (none credited). Credited to removal options
        only: the baseline, amendments and safe crops are judged on the current soil.
    biomass_valuation : {"sale", "electricity"}
        Value harvested biomass at its price per tonne, or (CHP options) as exported
        electricity at the feed-in tariff.
    weights : dict
        Criteria weights for the ranking (normalised to sum to 1). A mapping replaces the default
        weights (:data:`DEFAULT_WEIGHTS`) as a whole: a criterion it leaves out weighs 0, so
        ``{"economics": 1.0}`` ranks on economics alone (within the policy tiers, which no weight
        crosses). To change one weight keep the others: ``{**DEFAULT_WEIGHTS, "economics": 0.5}``.
        A mapping that leaves criteria out raises :class:`PartialWeightsWarning` naming them, and
        every plan records the note ``note.weights_omitted`` (:meth:`omitted_weights`).
    options : tuple of str, optional
        Restrict the plan to these option ids (``do_nothing`` is always included).
    overrides : dict
        Replacement values for table entries, keyed ``"<option_id>.<parameter>[.<metal>]"``
        (option parameters), ``"<item>.<crop>"`` (prices) or ``"factor.<name>"``.
    biochar_method : {"ipcc2019", "puro2025", "ebc2020"}
        Biochar carbon-persistence method of the carbon ledger.
    biochar_h_corg : float, optional
        Measured molar H/Corg of the biochar [–] (needed by ``puro2025``).
    n_fertiliser_method : {"ipcc_split", "full_chain"}
        Nitrogen accounting: manufacture plus IPCC direct N2O, or the full-chain factor.
    biochar_feedstock : str, optional
        Feedstock class of the biochar applied by the biochar option (``wood``,
        ``rice_straw``, ``herbaceous``, ``manure``, ``nut_shells``, ``biosolids``); sets its
        carbon content and scales its Cd dose–response. Default: ``options.csv``.
    biochar_temperature : {"low", "medium", "high"}, optional
        Pyrolysis temperature class of that biochar (350–450, 450–600, > 600 °C); sets
        its persistence and the As caution. Default: ``options.csv``.
    currency : {"CNY", "EUR", "GBP", "USD", "DKK"}
        Currency in which the plan reports money (computation stays in CNY).
    exchange_rate_cny : float, optional
        CNY per one unit of ``currency`` [CNY unit⁻¹]; default: the rate of
        ``exchange_rates.csv`` (ECB reference rates of 28 June 2024).
    area_unit : {"auto", "mu", "ha"}
        Area unit of the plan's texts (recommendation sentence, measures, plot sheet,
        report, workbook): ``mu`` (亩, 1/15 ha: amounts per mu beside those per ha and the
        plot's area in mu), ``ha`` (hectares only) or ``auto`` (default): per plot, ``mu``
        for a plot in China (a region naming a Chinese province, city or county, or written
        in Chinese characters; a plot without a region under the ``china`` rule set) and
        ``ha`` for every other plot (``UK/Derbyshire``, ``Denmark/Jutland``; a plot without
        a region under another rule set). Computation and the ``*_ha`` columns do not change.
    rule_set : str
        Jurisdiction rule set of ``land_rules.csv`` that forbids, expects or allows each
        option family by soil class, land use and permanent-basic-farmland status:
        ``auto`` (default): per plot from its region
        (:func:`agriremed.stages.advice.rule_sets_of`): ``china`` for a plot in China (as
        ``area_unit`` decides it) and for a plot without a region, ``none`` for a plot
        elsewhere (``UK/Derbyshire``); or, for every plot, ``china``, ``none`` (research runs:
        nothing forbidden or expected by policy) or a set added by a user table folder.
        Each plot's set is recorded in the summary column ``rule_set`` and the counts in
        ``run.json``. The GB 15618 soil class is the only threshold set: plots abroad are
        classed by it too.
    gwp_set : {"ar6", "ar5"}
        GWP100 set of CH4 and N2O in the carbon ledger (``gwp.csv``; AR5 is the set of
        Puro.earth and VM0044).
    rice_water_regime : str, optional
        Water regime of the current rice practice (``continuous_flooding``,
        ``single_drainage``, ``multiple_drainage``, ``regular_rainfed``, ``upland``);
        default: the regional practice of ``paddy_water_regime.csv`` (China: single
        drainage). Options that flood keep continuous flooding.
    rice_preseason : str
        Pre-season water regime of the rice seasons (``non_flooded_lt180``,
        ``non_flooded_gt180``, ``flooded_gt30``, ``non_flooded_gt365``; IPCC Table 5.13).
    rice_amendment : str, optional
        Organic amendment of every rice season (``straw_short``, ``straw_long``,
        ``compost``, ``farmyard_manure``, ``green_manure``); default none.
    rice_amendment_t_ha : float
        Its rate [t ha⁻¹ per season]: straw dry matter, the others fresh weight.
    rice_season_days : float, optional
        Rice cultivation period [d yr⁻¹] (both seasons of double rice); default: the
        IPCC world default of ``paddy_ch4.csv``.
    heat_user : str, optional
        Name of the user who takes the heat of the CHP options (a factory, a district
        heating network). Default none: the plant sells power only and its heat earns and
        displaces nothing.
    heat_user_frac : float
        Share of the CHP heat that named user takes [–].
    biochar_reapply_interval_yr : float, optional
        Re-apply the biochar of the biochar option every so many years [yr]; default
        none: one application in year 1 (cost and carbon sink counted once).
    carbon_credit_method : {"land_based", "all_terms"}
        Which ledger terms earn carbon revenue (``carbon_credit_terms.csv``):
        ``land_based`` leaves out the avoided emissions of electricity, heat or fuel that
        are sold (their buyer owns them); ``all_terms`` sells every term (inventory view,
        counts sold energy twice).
    transport_km : float, optional
        One-way haul distance from field to conversion plant [km] for plots without their
        own ``transport_km`` column value or a row of ``transport_distances.csv``; default:
        the ``transport_km`` factor (50 km).
    pv_weather_file : str, optional
        Typical-meteorological-year file (``.epw`` EnergyPlus or ``.csv`` TMY3) for the
        PV yield of the soft re-uses (:mod:`agriremed.stages.solar`); None scales a clear-sky
        year to the province's value of ``solar_resource.csv``.
    pv_tariff_cny_kwh : float, optional
        Price of the PV electricity [CNY kWh⁻¹]; None takes ``tariff_cny_kwh`` of
        ``pv_parameters.csv``.
    assume_missing_covariates : bool
        Where a transfer function needs a soil covariate the plot does not give (soil organic
        matter, clay), use its typical value for the plot's land use from ``covariate_defaults.csv``
        and widen the prediction by that value's spread (default true: the crop is assessed and the
        plan says which inputs were assumed, ``uptake_assumed_inputs``); false (research runs) leaves
        such a crop "not assessed", as a plot without the covariate had been before
        (:mod:`agriremed.stages.uptake.covariates`). The same switch assumes a blank plough-layer
        depth or bulk density at its typical value for the soil mass (metal stock, clean-up time;
        ``soil_mass_assumed``, said in the clean-up sentence; the Monte Carlo draws it around that value
        with the table's spread, :func:`agriremed.stages.soil.soil_mass_draws`); false leaves that time
        not known.
    organisation : dict, optional
        Who the farmer contacts, printed on the plot sheets: ``{"name": ..., "phone": ...}``
        (``name`` required; ``phone``, ``address``, ``email`` optional one-line texts).
    """

    name: str = "default"
    seed: int = 20261123
    mc_draws: int = 500
    horizon_yr: int = 20
    discount_rate: float = 0.06
    carbon_price_cny_t: float = 80.0
    noncompliant_grain: str = "discount_sale"
    noncompliant_price_fraction: float | None = None
    strict_baseline_crop: str = "noncompliant_grain"
    economics_view: str = "combined"
    food_standard: str = "auto"
    threshold_set: str = "gb15618_2018"
    rotation_screening: str = "stricter"
    target: str = "screening"
    target_compliance_prob: float = 0.9
    min_compliance_gain: float = 0.05
    min_gain_share: float = 0.5
    gain_resolution: float = 0.01
    min_dominance_share: float = 0.02
    max_switch_loss_share: float = 0.5
    other_loss_frac_per_yr: float = 0.0
    biomass_valuation: str = "sale"
    weights: dict = dataclasses.field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    options: tuple | None = None
    overrides: dict = dataclasses.field(default_factory=dict)
    biochar_method: str = "ipcc2019"
    biochar_h_corg: float | None = None
    n_fertiliser_method: str = "ipcc_split"
    biochar_feedstock: str | None = None
    biochar_temperature: str | None = None
    currency: str = "CNY"
    exchange_rate_cny: float | None = None
    area_unit: str = "auto"
    rule_set: str = "auto"
    gwp_set: str = "ar6"
    rice_water_regime: str | None = None
    rice_preseason: str = "non_flooded_lt180"
    rice_amendment: str | None = None
    rice_amendment_t_ha: float = 0.0
    rice_season_days: float | None = None
    heat_user: str | None = None
    heat_user_frac: float = 1.0
    biochar_reapply_interval_yr: float | None = None
    carbon_credit_method: str = "land_based"
    transport_km: float | None = None
    pv_weather_file: str | None = None
    pv_tariff_cny_kwh: float | None = None
    organisation: dict | None = None
    sampling: str = "lhs"
    assume_missing_covariates: bool = True

    def __post_init__(self):
        if isinstance(self.options, list):
            object.__setattr__(self, "options", tuple(self.options))
        _check(self)
        left_out = self.omitted_weights()
        if left_out:
            warnings.warn(f"weights give {', '.join(map(str, self.weights))} only: {', '.join(left_out)} weigh 0 "
                          "(a weights mapping replaces the default weights as a whole; to change one weight give "
                          "every criterion, e.g. {**DEFAULT_WEIGHTS, 'economics': 0.5})",
                          PartialWeightsWarning, stacklevel=3)
        for f in dataclasses.fields(self):  # numpy scalars (e.g. from widgets) as plain numbers
            v = getattr(self, f.name)
            if isinstance(v, np.generic):
                object.__setattr__(self, f.name, v.item())

    # -- serialisation ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON/YAML-friendly)."""
        d = dataclasses.asdict(self)
        d["options"] = list(self.options) if self.options is not None else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scenario:
        """Build a scenario from a dict; unknown keys are an error.

        Every value is type- and range-checked (:class:`ScenarioError` names the field,
        the value and what was expected); nothing is converted except a list of option
        ids to a tuple.
        """
        if not isinstance(d, dict):
            raise ScenarioError(f"a scenario is a mapping of field names to values, not {_kind(d)}")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(str(k) for k in d if k not in names)
        if unknown:
            raise ScenarioError(f"unknown scenario field(s): {', '.join(_show(k, 40) for k in unknown)}; "
                                f"expected some of {', '.join(sorted(names))}")
        d = dict(d)
        if isinstance(d.get("options"), list):
            d["options"] = tuple(d["options"])
        return cls(**d)

    def save(self, path: str | Path) -> Path:
        """Write the scenario as JSON (``.json``) or YAML (``.yml``/``.yaml``)."""
        p = Path(path)
        if p.suffix.lower() in (".yml", ".yaml"):
            import yaml

            p.write_text(yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True),
                         encoding="utf-8")
        else:
            p.write_text(self.to_json(), encoding="utf-8")
        return p

    def to_json(self) -> str:
        """Canonical JSON text (sorted keys), used in output provenance."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """Read a scenario saved by :meth:`save` (JSON or YAML; UTF-8, UTF-16 or GBK/GB18030).

        The file is checked before it is parsed: at most :data:`MAX_FILE_BYTES` bytes,
        nesting at most :data:`MAX_DEPTH` levels deep, no YAML anchors, aliases or
        explicit tags (a small file with aliases can expand to gigabytes), at most
        :data:`MAX_NODES` YAML nodes, no key given twice. JSON ``NaN`` and ``Infinity``
        are read and then refused by the field checks.

        Raises
        ------
        ScenarioError
            With a one-line message naming the file and, for a syntax error, the line
            and column.
        """
        p = Path(path)
        text = _read_text(p)
        if p.suffix.lower() in (".yml", ".yaml"):
            data = _parse_yaml(text, p.name)
        else:
            data = _parse_json(text, p.name)
        if data is None:
            raise ScenarioError(f"{p.name} holds no scenario fields (leave out the scenario file to use "
                                "the defaults)")
        if not isinstance(data, dict):
            raise ScenarioError(f"{p.name} does not hold a scenario mapping (field: value lines), "
                                f"it holds {_kind(data)}")
        try:
            return cls.from_dict(data)
        except ScenarioError as exc:
            raise ScenarioError(f"{p.name}: {exc}") from None

    def replace(self, **changes) -> Scenario:
        """Copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def omitted_weights(self) -> list[str]:
        """The criteria of :data:`DEFAULT_WEIGHTS` that ``weights`` leaves out, which weigh 0 (a weights
        mapping replaces the defaults as a whole), in the order of :data:`DEFAULT_WEIGHTS`.

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", PartialWeightsWarning)
        ...     Scenario(weights={"economics": 1.0, "carbon": 1.0}).omitted_weights()
        ['food_safety', 'food_production', 'livelihood', 'clean_up']
        >>> Scenario().omitted_weights()
        []
        """
        w = self.weights if isinstance(self.weights, dict) else {}
        return [k for k in DEFAULT_WEIGHTS if k not in w]

    def normalised_weights(self) -> dict[str, float]:
        """Weights scaled to sum to 1 (criteria missing from ``weights`` get 0: :meth:`omitted_weights`)."""
        w = {k: float(self.weights.get(k, 0.0)) for k in DEFAULT_WEIGHTS}
        total = sum(w.values())
        return {k: v / total for k, v in w.items()}


def _check(s: Scenario) -> None:
    """Type- and range-check every field of ``s`` (raises :class:`ScenarioError`)."""
    c = _Checker()
    c.text("name", s.name, max_len=MAX_NAME_CHARS, one_line=True)
    c.integer("seed", s.seed, 0, MAX_SEED, "a non-negative integer below 2⁶³")
    c.integer("mc_draws", s.mc_draws, 0, 1_000_000, "an integer from 0 to 1 000 000")

    c.choice("sampling", s.sampling, SAMPLINGS)
    c.integer("horizon_yr", s.horizon_yr, 1, 100, "an integer number of years from 1 to 100")
    c.number("discount_rate", s.discount_rate, -0.05, 0.5, "a rate between −0.05 and 0.5 (e.g. 0.06)")
    c.number("carbon_price_cny_t", s.carbon_price_cny_t, 0.0, MAX_CARBON_PRICE_CNY_T,
             f"a price from 0 to {MAX_CARBON_PRICE_CNY_T:,} CNY per t CO2e")
    if s.noncompliant_price_fraction is not None:
        c.number("noncompliant_price_fraction", s.noncompliant_price_fraction, 0.0, 1.0,
                 "a fraction from 0 to 1, or none to use the noncompliant_grain rule")
    c.text("noncompliant_grain", s.noncompliant_grain, max_len=MAX_NAME_CHARS, one_line=True)
    c.choice("strict_baseline_crop", s.strict_baseline_crop, STRICT_BASELINE_CROPS)
    c.choice("economics_view", s.economics_view, ECONOMICS_VIEWS)
    c.choice("food_standard", s.food_standard, ("auto", *FOOD_STANDARDS))
    c.text("threshold_set", s.threshold_set, max_len=MAX_NAME_CHARS, one_line=True)
    c.choice("rotation_screening", s.rotation_screening, ROTATION_SCREENINGS)
    c.choice("target", s.target, TARGETS)
    c.number("target_compliance_prob", s.target_compliance_prob, 0.0, 1.0,
             "a probability between 0 and 1 (e.g. 0.9)", open_=(True, True))
    c.number("min_compliance_gain", s.min_compliance_gain, 0.0, 1.0,
             "a share of compliance from 0 to below 1 (e.g. 0.05)", open_=(False, True))
    c.number("min_gain_share", s.min_gain_share, 0.0, 1.0, "a share from 0 to 1 (e.g. 0.5)")
    c.number("gain_resolution", s.gain_resolution, 0.0, 1.0, "a share of compliance from 0 to 1 (e.g. 0.01)")
    c.number("min_dominance_share", s.min_dominance_share, 0.0, 1.0, "a share from 0 to 1 (e.g. 0.02)")
    c.number("max_switch_loss_share", s.max_switch_loss_share, 0.0, 1.0, "a share from 0 to 1 (e.g. 0.5)")
    c.number("other_loss_frac_per_yr", s.other_loss_frac_per_yr, 0.0, 1.0,
             "a yearly fraction from 0 to below 1", open_=(False, True))
    c.choice("biomass_valuation", s.biomass_valuation, BIOMASS_VALUATIONS)
    _check_weights(c, s.weights)
    _check_options(c, s.options)
    _check_overrides(c, s.overrides)
    c.choice("biochar_method", s.biochar_method, BIOCHAR_METHODS)
    if s.biochar_h_corg is not None:
        c.number("biochar_h_corg", s.biochar_h_corg, 0.0, 2.0,
                 "a molar H/Corg ratio between 0 and 2 (e.g. 0.4), or none", open_=(True, False))
    c.choice("n_fertiliser_method", s.n_fertiliser_method, N_METHODS)
    for field in ("biochar_feedstock", "biochar_temperature"):
        v = getattr(s, field)
        if v is not None and (not isinstance(v, str) or not v.strip() or len(v) > MAX_NAME_CHARS):
            c.bad(field, v,
                  "a feedstock or temperature class name, or none for the option library's choice")
    if not isinstance(s.rule_set, str) or not s.rule_set.strip() or len(s.rule_set) > MAX_NAME_CHARS:
        c.bad("rule_set", s.rule_set, "auto, or the name of a rule set of land_rules.csv (china, none or a user set)")
    c.choice("currency", s.currency, CURRENCIES)
    c.choice("area_unit", s.area_unit, AREA_UNITS)
    if s.exchange_rate_cny is not None:
        lo, hi = EXCHANGE_RATE_RANGE
        c.number("exchange_rate_cny", s.exchange_rate_cny, lo, hi,
                 f"CNY per unit of the currency, from {lo:g} to {hi:g} (e.g. 7.8 for EUR)")
        if s.currency == "CNY" and s.exchange_rate_cny != 1.0:
            c.bad("exchange_rate_cny", s.exchange_rate_cny, "1 (or none) when the currency is CNY")
    _check_carbon(c, s, GWP_SETS, RICE_WATER_REGIMES, RICE_PRESEASON, RICE_AMENDMENTS, CREDIT_METHODS)
    if s.pv_weather_file is not None:
        v = s.pv_weather_file
        if not isinstance(v, str) or not v.strip() or not v.lower().endswith((".epw", ".csv")) or len(v) > 4096:
            c.bad("pv_weather_file", v, "the path of an .epw (EnergyPlus) or .csv (TMY3) weather file, or none")
    if s.pv_tariff_cny_kwh is not None:
        c.number("pv_tariff_cny_kwh", s.pv_tariff_cny_kwh, 0.0, 10.0,
                 "a price from 0 to 10 CNY per kWh (e.g. 0.35), or none for the table value")
    if s.organisation is not None:
        _check_organisation(c, s.organisation)
    if not isinstance(s.assume_missing_covariates, (bool, np.bool_)):
        c.bad("assume_missing_covariates", s.assume_missing_covariates, "true or false")


#: Fields of the scenario's ``organisation`` (the contact printed on the plot sheets).
ORGANISATION_FIELDS = ("name", "phone", "address", "email")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{2,30}$")


def _check_organisation(c: _Checker, org) -> None:
    """``organisation``: a mapping with a ``name`` and optional ``phone``, ``address``, ``email``."""
    expected = ("a mapping with a name and optionally phone, address, email, "
                "e.g. {name: 县农业农村局, phone: 0731-1234567}")
    if not isinstance(org, dict):
        c.bad("organisation", org, expected)
    unknown = [k for k in org if k not in ORGANISATION_FIELDS]
    if unknown:
        c.bad(f"organisation.{unknown[0]}", org[unknown[0]],
              "one of the fields " + ", ".join(ORGANISATION_FIELDS))
    if "name" not in org:
        c.bad("organisation", org, expected)
    for k, v in org.items():
        c.text(f"organisation.{k}", v, max_len=MAX_NAME_CHARS, one_line=True)
    if "phone" in org and not _PHONE.match(org["phone"].strip()):
        c.bad("organisation.phone", org["phone"],
              "a phone number of digits, spaces, '-', '(' ')' and a leading '+'")


def _check_carbon(c: _Checker, s: Scenario, gwp_sets, regimes, preseasons, amendments,
                  credit_methods) -> None:
    """Check the paddy CH4, heat user, biochar regime and carbon-credit fields."""
    c.choice("gwp_set", s.gwp_set, gwp_sets)
    if s.rice_water_regime is not None:
        c.choice("rice_water_regime", s.rice_water_regime, regimes)
    c.choice("rice_preseason", s.rice_preseason, preseasons)
    if s.rice_amendment is not None:
        c.choice("rice_amendment", s.rice_amendment, amendments)
    c.number("rice_amendment_t_ha", s.rice_amendment_t_ha, 0.0, 100.0,
             "a rate from 0 to 100 t per ha and season (e.g. 5 for the straw of one rice crop)")
    if s.rice_amendment is None and s.rice_amendment_t_ha != 0:
        c.bad("rice_amendment_t_ha", s.rice_amendment_t_ha, "0 when no rice_amendment is named")
    if s.rice_season_days is not None:
        c.number("rice_season_days", s.rice_season_days, 1.0, 365.0,
                 "days of rice cultivation in a year, from 1 to 365 (e.g. 120), or none")
    if s.heat_user is not None:
        c.text("heat_user", s.heat_user, max_len=MAX_NAME_CHARS, one_line=True)
    c.number("heat_user_frac", s.heat_user_frac, 0.0, 1.0,
             "the share of the CHP heat the heat user takes, above 0 and at most 1", open_=(True, False))
    if s.heat_user is None and "factor.chp_heat_used_frac" in s.overrides:
        v = s.overrides["factor.chp_heat_used_frac"]
        typ = v.get("typical") if isinstance(v, dict) else v
        if isinstance(typ, numbers.Real) and float(typ) > 0:
            c.bad("overrides.factor.chp_heat_used_frac", v,
                  "0 unless heat_user names who takes the heat (then set heat_user_frac)")
    if s.biochar_reapply_interval_yr is not None:
        c.number("biochar_reapply_interval_yr", s.biochar_reapply_interval_yr, 1.0, 100.0,
                 "years between biochar applications, from 1 to 100, or none for one application")
    c.choice("carbon_credit_method", s.carbon_credit_method, credit_methods)
    if s.transport_km is not None:
        c.number("transport_km", s.transport_km, 0.0, 5000.0,
                 "a one-way haul distance from 0 to 5000 km, or none for the default")


def _check_weights(c: _Checker, weights) -> None:
    if not isinstance(weights, dict):
        c.bad("weights", weights, "a mapping of criteria (" + ", ".join(DEFAULT_WEIGHTS) + ") to weights")
    unknown = [k for k in weights if k not in DEFAULT_WEIGHTS]
    if unknown:
        c.bad("weights", sorted(map(str, unknown)), "criteria among " + ", ".join(DEFAULT_WEIGHTS))
    for k, v in weights.items():
        c.number(f"weights.{k}", v, 0.0, None, "a weight ≥ 0")
    total = sum(float(v) for v in weights.values())  # inf when finite weights overflow
    if not 0 < total < math.inf:
        c.bad("weights", weights, "non-negative weights with a positive, finite sum")


def _check_options(c: _Checker, options) -> None:
    if options is None:
        return
    if not isinstance(options, tuple) or not options:
        c.bad("options", options,
              "a list of option ids (e.g. [fallow, sedum_plumbizincicola]), or none for all")
    for v in options:
        if not isinstance(v, str) or not v.strip() or len(v) > MAX_NAME_CHARS:
            c.bad("options", v, "a list of option ids, each a name")


def _check_overrides(c: _Checker, overrides) -> None:
    if not isinstance(overrides, dict):
        c.bad("overrides", overrides, "a mapping of table entries ('<option_id>.<parameter>', "
                                      "'<price item>.<crop>', 'factor.<name>') to values")
    for key, v in overrides.items():
        if not isinstance(key, str) or not key.strip() or len(key) > MAX_NAME_CHARS:
            c.bad("overrides", key, "table entries named '<option_id>.<parameter>[.<metal>]', "
                                    "'<price item>.<crop>' or 'factor.<name>'")
        field = f"overrides.{key}"
        if isinstance(v, dict):
            extra = sorted(str(k) for k in v if k not in ("low", "typical", "high"))
            if extra or "typical" not in v:
                c.bad(field, v, "a number, or a mapping with typical (and optional low, high)")
            for k in ("low", "typical", "high"):
                if k in v:
                    c.number(f"{field}.{k}", v[k], None, None, "a finite number")
            lo, ty, hi = (float(v.get(k, v["typical"])) for k in ("low", "typical", "high"))
            if not lo <= ty <= hi:
                c.bad(field, v, "low ≤ typical ≤ high")
        else:
            c.number(field, v, None, None,
                     "a finite number, or a mapping with typical (and optional low, high)")


#: Largest scenario file read [bytes] (a full scenario with every override is a few kB).
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of mappings and lists in a scenario file (the file's own mapping is level 1;
#: an override given as ``{low, typical, high}`` is level 3).
MAX_DEPTH = 8
#: Most YAML nodes (mappings, lists and values) in a scenario file.
MAX_NODES = 100_000
#: Longest name, option id or override key [characters].
MAX_NAME_CHARS = 200
#: Largest seed (the seed is kept in 64-bit integers elsewhere).
MAX_SEED = 2**63 - 1
#: Highest carbon price accepted [CNY t⁻¹ CO2e]: a bound against typing errors, about a hundred
#: times the highest prices traded (a larger value makes carbon the only criterion that counts).
MAX_CARBON_PRICE_CNY_T = 100_000
#: Accepted exchange rates [CNY per unit]: a bound against typing errors (the currencies offered
#: trade between 1 and 10 CNY).
EXCHANGE_RATE_RANGE = (1e-3, 1e3)


def _kind(v) -> str:
    """What ``v`` is, in words (for messages)."""
    if v is None:
        return "null (no value)"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, str):
        return "text"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, (list, tuple)):
        return "a list"
    if isinstance(v, numbers.Integral):
        return "an integer"
    if isinstance(v, numbers.Real):
        f = float(v)
        if math.isnan(f):
            return "NaN (not a number)"
        if math.isinf(f):
            return "infinity"
        return "a number"
    return type(v).__name__


def _show(v, limit: int = 60) -> str:
    """``repr(v)`` on one line, cut to ``limit`` characters."""
    try:
        r = repr(v)
    except ValueError:  # an integer of more digits than Python converts to text
        return f"an integer of {v.bit_length()} bits"
    return r if len(r) <= limit else r[:limit - 1] + "…"


class _Checker:
    """Field checks that raise :class:`ScenarioError` with a one-line message."""

    @staticmethod
    def bad(field, value, expected):
        raise ScenarioError(f"scenario field {field} = {_show(value)} is invalid; expected {expected} "
                            f"(got {_kind(value)})")

    def number(self, field, v, lo, hi, expected, open_=(False, False)):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            self.bad(field, v, expected)
        try:
            f = float(v)
        except OverflowError:  # an integer beyond the float range
            f = math.inf
        if not math.isfinite(f):
            self.bad(field, v, expected)
        if lo is not None and (f < lo or (open_[0] and f == lo)):
            self.bad(field, v, expected)
        if hi is not None and (f > hi or (open_[1] and f == hi)):
            self.bad(field, v, expected)

    def integer(self, field, v, lo, hi, expected):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral) or not lo <= int(v) <= hi:
            self.bad(field, v, expected)

    def choice(self, field, v, allowed):
        if not isinstance(v, str) or v not in allowed:
            self.bad(field, v, "one of " + ", ".join(allowed))

    def text(self, field, v, max_len, one_line=False):
        if not isinstance(v, str) or not v.strip() or len(v) > max_len or (
                one_line and any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in v)):
            self.bad(field, v, f"one line of text of 1 to {max_len} characters")


# ---- reading scenario files ------------------------------------------------------------------


def _read_text(p: Path) -> str:
    """The text of a scenario file, size-checked before it is read and decoded."""
    if not p.exists():
        raise ScenarioError(f"scenario file not found: {p}")
    if p.is_dir():
        raise ScenarioError(f"scenario {p} is a folder, not a JSON or YAML file")
    try:
        with open(p, "rb") as fh:  # never more than the limit, whatever stat says (pipes, devices)
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"scenario file {p.name} could not be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(f"scenario file {p.name} is larger than {MAX_FILE_BYTES // 1000:,} kB; "
                            "a scenario is a short JSON or YAML file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for enc in encodings:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ScenarioError(f"scenario file {p.name} is not text in UTF-8, UTF-16 or GBK/GB18030")


def _parse_json(text: str, name: str):
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        t = m.group()
        if t in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, col = _position(text, m.start())
                raise ScenarioError(f"{name}: nesting deeper than {MAX_DEPTH} levels at line {line}, "
                                    f"column {col}; a scenario nests at most mappings of mappings")
        elif t in "]}":
            depth -= 1
    try:
        return json.loads(text, object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") \
            from None
    except ScenarioError as exc:
        raise ScenarioError(f"{name}: {exc}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4300 digits
        raise ScenarioError(f"{name}: invalid JSON: {_one_line(exc)}") from None


#: Strings (skipped) and brackets of JSON text.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_object(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ScenarioError(f"key {k!r} is given twice in one mapping")
        d[k] = v
    return d


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _parse_yaml(text: str, name: str):
    import yaml

    def where(mark):
        return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "?"

    try:
        _scan_yaml_events(yaml.parse(text, Loader=yaml.SafeLoader), name, where)
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        what = exc.problem or exc.context or "not YAML"
        mark = exc.problem_mark or exc.context_mark
        raise ScenarioError(f"{name}: invalid YAML at {where(mark)}: {_one_line(what)}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{name}: invalid YAML: {_one_line(exc)}") from None


def _scan_yaml_events(events, name: str, where) -> None:
    """Refuse aliases, anchors, tags, deep nesting, too many nodes and repeated keys, event by
    event (before any object is built, so memory stays bounded)."""
    import yaml

    stack: list[list] = []  # per open collection: [is_mapping, keys seen, next scalar is a key]
    nodes = 0
    for ev in events:
        if isinstance(ev, yaml.AliasEvent):
            raise ScenarioError(f"{name}: YAML alias *{ev.anchor} at {where(ev.start_mark)}: aliases and "
                                "anchors are not accepted in a scenario file; write each value out")
        if not isinstance(ev, yaml.NodeEvent):
            if isinstance(ev, yaml.CollectionEndEvent):
                stack.pop()
                _value_done(stack)
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise ScenarioError(f"{name}: more than {MAX_NODES:,} values; a scenario is a short file")
        if ev.anchor is not None:
            raise ScenarioError(f"{name}: YAML anchor &{ev.anchor} at {where(ev.start_mark)}: anchors and "
                                "aliases are not accepted in a scenario file; write each value out")
        if getattr(ev, "tag", None) is not None and not (isinstance(ev, yaml.ScalarEvent) and ev.tag == "!"):
            raise ScenarioError(f"{name}: YAML tag {ev.tag} at {where(ev.start_mark)} is not accepted in a "
                                "scenario file")
        if isinstance(ev, yaml.ScalarEvent):
            if stack and stack[-1][0] and stack[-1][2]:
                if ev.value in stack[-1][1]:
                    raise ScenarioError(f"{name}: key {_show(ev.value, 40)} at {where(ev.start_mark)} is "
                                        "given twice in one mapping")
                stack[-1][1].add(ev.value)
                stack[-1][2] = False
            else:
                _value_done(stack)
            continue
        if stack and stack[-1][0] and stack[-1][2]:
            raise ScenarioError(f"{name}: a mapping or list used as a key at {where(ev.start_mark)}")
        stack.append([isinstance(ev, yaml.MappingStartEvent), set(), True])
        if len(stack) > MAX_DEPTH:
            raise ScenarioError(f"{name}: nesting deeper than {MAX_DEPTH} levels at {where(ev.start_mark)}; "
                                "a scenario nests at most mappings of mappings")


def _value_done(stack: list[list]) -> None:
    """A value ended: the next scalar of the enclosing mapping is a key again."""
    if stack and stack[-1][0]:
        stack[-1][2] = True
