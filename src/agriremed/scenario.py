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
from pathlib import Path
from typing import Any

__all__ = ["Scenario", "DEFAULT_WEIGHTS", "ScenarioError"]

#: Default criteria weights (SuRF-UK groups: environmental, social, economic); the
#: reasoning is in :mod:`agriremed.ranking` and the README.
DEFAULT_WEIGHTS: dict[str, float] = {
    "food_safety": 0.25,      # social: safe food produced (GB 2762 compliance of the food grown)
    "food_production": 0.15,  # social: food output kept, relative to the current crop
    "livelihood": 0.10,       # social: land keeps producing saleable food or biomass
    "clean_up": 0.15,         # environmental: excess metal removed, where the soil needs lowering
    "carbon": 0.10,           # environmental: net CO2e relative to doing nothing
    "economics": 0.25,        # economic: NPV relative to doing nothing
}

FOOD_STANDARDS = ("GB2762", "EU2023_915", "CODEX")
TARGETS = ("screening", "food_limit", "strictest")
BIOMASS_VALUATIONS = ("sale", "electricity")
#: Whose money the ranking's economics criterion counts (see ``economics.VIEW_COLUMNS``).
ECONOMICS_VIEWS = ("combined", "farmer", "programme")


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
        (worth nothing).
    noncompliant_price_fraction : float, optional
        Share of the normal price paid for a food crop that fails the food limit [–];
        when set it replaces the ``noncompliant_grain`` rule (farmer paid = value).
    economics_view : {"combined", "farmer", "programme"}
        Whose money the ranking's economics criterion counts, against doing nothing:
        farmer and programme together (default; transfers between them cancel), the
        farmer (incl. subsidies and price support received) or the programme (what it
        pays, ≤ 0). All three NPVs are reported whatever the choice.
    food_standard : {"GB2762", "EU2023_915", "CODEX"}
        Food-limit set used to judge crop compliance.
    threshold_set : str
        Soil threshold set (``set_id`` in ``soil_thresholds.csv``).
    target : {"screening", "food_limit", "strictest"}
        Clean-up target: the GB 15618 screening value for the plot's pH and land use,
        the soil concentration at which the current crop meets the food limit
        (inverted from the uptake functions), or the lower of the two.
    target_compliance_prob : float
        For the food-limit target: probability that the crop meets the limit at the
        target soil concentration [–] (0.5: the median prediction equals the limit).
    other_loss_frac_per_yr : float
        Yearly loss of soil metal other than by harvest (leaching, run-off) as a share
        of the soil metal [–]; default 0 (none credited). Credited to removal options
        only: the baseline, amendments and safe crops are judged on the current soil.
    biomass_valuation : {"sale", "electricity"}
        Value harvested biomass at its price per tonne, or (CHP options) as exported
        electricity at the feed-in tariff.
    weights : dict
        Criteria weights for the ranking (normalised to sum to 1).
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
    rule_set : str
        Jurisdiction rule set of ``land_rules.csv`` that forbids, expects or allows each
        option family by soil class, land use and permanent-basic-farmland status:
        ``china`` (default), ``none`` (research runs: nothing forbidden or expected by
        policy) or a set added by a user table folder. Recorded in every output.
    """

    name: str = "default"
    seed: int = 20261123
    mc_draws: int = 500
    horizon_yr: int = 20
    discount_rate: float = 0.06
    carbon_price_cny_t: float = 80.0
    noncompliant_grain: str = "discount_sale"
    noncompliant_price_fraction: float | None = None
    economics_view: str = "combined"
    food_standard: str = "GB2762"
    threshold_set: str = "gb15618_2018"
    target: str = "screening"
    target_compliance_prob: float = 0.5
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
    rule_set: str = "china"

    def __post_init__(self):
        _check(self)

    # -- serialisation ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON/YAML-friendly)."""
        d = dataclasses.asdict(self)
        d["options"] = list(self.options) if self.options is not None else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Scenario":
        """Build a scenario from a dict; unknown keys are an error."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ScenarioError(f"unknown scenario field(s): {', '.join(unknown)}; "
                                f"expected some of {', '.join(sorted(names))}")
        d = dict(d)
        if d.get("options") is not None:
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
    def load(cls, path: str | Path) -> "Scenario":
        """Read a scenario saved by :meth:`save` (JSON or YAML)."""
        p = Path(path)
        text = p.read_text(encoding="utf-8")
        if p.suffix.lower() in (".yml", ".yaml"):
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            data = json.loads(text)
        if not isinstance(data, dict):
            raise ScenarioError(f"{p.name} does not hold a scenario mapping")
        return cls.from_dict(data)

    def replace(self, **changes) -> "Scenario":
        """Copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def normalised_weights(self) -> dict[str, float]:
        """Weights scaled to sum to 1 (criteria missing from ``weights`` get 0)."""
        w = {k: float(self.weights.get(k, 0.0)) for k in DEFAULT_WEIGHTS}
        total = sum(w.values())
        return {k: v / total for k, v in w.items()}


def _check(s: Scenario) -> None:
    def bad(field, value, expected):
        raise ScenarioError(f"scenario field {field} = {value!r} is invalid; expected {expected}")

    if not isinstance(s.seed, int) or s.seed < 0:
        bad("seed", s.seed, "a non-negative integer")
    if not isinstance(s.mc_draws, int) or not 0 <= s.mc_draws <= 1_000_000:
        bad("mc_draws", s.mc_draws, "an integer from 0 to 1 000 000")
    if not isinstance(s.horizon_yr, int) or not 1 <= s.horizon_yr <= 100:
        bad("horizon_yr", s.horizon_yr, "an integer number of years from 1 to 100")
    if not -0.05 <= float(s.discount_rate) <= 0.5:
        bad("discount_rate", s.discount_rate, "a rate between −0.05 and 0.5 (e.g. 0.06)")
    if s.noncompliant_price_fraction is not None and (isinstance(s.noncompliant_price_fraction, bool)
                                                      or not 0.0 <= float(s.noncompliant_price_fraction) <= 1.0):
        bad("noncompliant_price_fraction", s.noncompliant_price_fraction,
            "a fraction from 0 to 1, or none to use the noncompliant_grain rule")
    if not isinstance(s.noncompliant_grain, str) or not s.noncompliant_grain.strip():
        bad("noncompliant_grain", s.noncompliant_grain,
            "a rule of noncompliant_grain.csv (discount_sale, state_purchase or destroyed)")
    if s.economics_view not in ECONOMICS_VIEWS:
        bad("economics_view", s.economics_view, "one of " + ", ".join(ECONOMICS_VIEWS))
    if float(s.carbon_price_cny_t) < 0:
        bad("carbon_price_cny_t", s.carbon_price_cny_t, "a price ≥ 0")
    if s.food_standard not in FOOD_STANDARDS:
        bad("food_standard", s.food_standard, "one of " + ", ".join(FOOD_STANDARDS))
    if s.target not in TARGETS:
        bad("target", s.target, "one of " + ", ".join(TARGETS))
    from .carbon import BIOCHAR_METHODS, N_METHODS  # the accounting methods live with the ledger

    if s.biochar_method not in BIOCHAR_METHODS:
        bad("biochar_method", s.biochar_method, "one of " + ", ".join(BIOCHAR_METHODS))
    if s.biochar_h_corg is not None and not 0.0 < float(s.biochar_h_corg) <= 2.0:
        bad("biochar_h_corg", s.biochar_h_corg, "a molar H/Corg ratio between 0 and 2 (e.g. 0.4)")
    from .columns import CURRENCIES

    if s.currency not in CURRENCIES:
        bad("currency", s.currency, "one of " + ", ".join(CURRENCIES))
    if s.exchange_rate_cny is not None:
        if isinstance(s.exchange_rate_cny, bool) or not float(s.exchange_rate_cny) > 0:
            bad("exchange_rate_cny", s.exchange_rate_cny, "a positive number of CNY per unit of the currency")
        if s.currency == "CNY" and float(s.exchange_rate_cny) != 1.0:
            bad("exchange_rate_cny", s.exchange_rate_cny, "1 (or none) when the currency is CNY")
    for field in ("biochar_feedstock", "biochar_temperature"):
        v = getattr(s, field)
        if v is not None and (not isinstance(v, str) or not v):
            bad(field, v, "a feedstock or temperature class name, or none for the option library's choice")
    if s.n_fertiliser_method not in N_METHODS:
        bad("n_fertiliser_method", s.n_fertiliser_method, "one of " + ", ".join(N_METHODS))
    if not 0.0 < float(s.target_compliance_prob) < 1.0:
        bad("target_compliance_prob", s.target_compliance_prob, "a probability between 0 and 1 (e.g. 0.5)")
    if not 0.0 <= float(s.other_loss_frac_per_yr) < 1.0:
        bad("other_loss_frac_per_yr", s.other_loss_frac_per_yr, "a yearly fraction from 0 to below 1")
    if s.biomass_valuation not in BIOMASS_VALUATIONS:
        bad("biomass_valuation", s.biomass_valuation, "one of " + ", ".join(BIOMASS_VALUATIONS))
    if not isinstance(s.rule_set, str) or not s.rule_set.strip():
        bad("rule_set", s.rule_set, "the name of a rule set of land_rules.csv (china, none or a user set)")
    unknown = set(s.weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        bad("weights", sorted(unknown), "criteria among " + ", ".join(DEFAULT_WEIGHTS))
    if any(float(v) < 0 for v in s.weights.values()) or sum(float(v) for v in s.weights.values()) <= 0:
        bad("weights", s.weights, "non-negative weights with a positive sum")
