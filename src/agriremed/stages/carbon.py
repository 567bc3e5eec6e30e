"""Carbon ledger: removals, avoided emissions and emissions of every option.

Each plot × option gets one ledger row per term (:data:`LEDGER_TERMS`), in t CO2e
ha⁻¹ yr⁻¹ averaged over the scenario horizon H (positive = removal or avoided emission,
negative = emission), with its category, method, unit and source (``term_category``, ``term_method``,
``term_unit``, ``source``), the total over the
horizon and, with Monte Carlo draws, its P10/P50/P90:

``soc_change``
    IPCC 2019 Tier 1: SOC = SOC_ref · F_LU · F_MG · F_I (0–30 cm); the stock moves
    linearly over 20 years from the current to the new equilibrium, and back when a
    phytoextraction crop stops (:func:`soc_change_with_return`). F_MG (tillage) and F_I
    (carbon input) apply to cultivated cropland (annual crops and paddy): the plot's
    ``tillage`` and ``carbon_input`` for its current use; full tillage and *low* input
    for an annual remediation crop whose whole shoot is harvested; 1 for perennial crops
    and set-aside. Taking paddy out of rice (F_LU 1.35) shows a Tier 1 loss.
``biochar_sink``
    Biochar applied to the plot (amendments, and char of harvested biomass only when its
    residue is ``land_application_ok``). Methods (:data:`BIOCHAR_METHODS`): ``ipcc2019``
    (default, M · F_C · F_perm, 100 years), ``puro2025`` (M · F_C · PF, PF = M − a ·
    H/Corg at the soil temperature, 200 years; needs a measured H/Corg ≤ 0.7) and
    ``ebc2020`` (M · F_C · 0.997¹⁰⁰). The ledger's ``method`` column says which.
``avoided_electricity``, ``avoided_heat``, ``avoided_fuel``
    Electricity × grid factor (China 2022), CHP heat × heat factor (China default for
    supplied heat, mainly coal), biomethane × natural-gas factor, ethanol × gasoline
    factor; every factor is a ``factors.csv`` row a scenario can override
    (``factor.grid_ef_t_co2_mwh`` …).
``paddy_ch4``
    IPCC 2019 Tier 1 CH4 of every rice season on paddy (:func:`paddy_ch4_t_co2e`):
    EF_c (East Asia) · SF_w · SF_p · SF_o × days × GWP(CH4), × the rice seasons a year of the
    plot (``rice_seasons_per_yr``: two on double-cropped rice; the rice N fertiliser and field
    diesel likewise, :mod:`agriremed.stages.seasons`). The baseline practice
    and the options that keep it use the regional default water regime
    (``paddy_water_regime.csv``: mid-season drainage in China); continuous flooding
    (``flooded_rice``, the VIP package with flooding) is charged more than the
    baseline, and leaving paddy for a non-rice use emits none (the methane avoided
    shows against the baseline). Pre-season water regime, straw or manure and season
    length are scenario choices; the GWP set (AR6 or AR5) is named in the scenario and
    also sets the GWP of N2O.
``field_diesel``, ``n_fertiliser``, ``n2o_fertiliser_direct``, ``lime``, ``biomass_transport``, ``processing``
    Diesel × 2.676 kg CO2 L⁻¹. Nitrogen by one of two explicit methods
    (:data:`N_METHODS`): ``ipcc_split`` (default) — manufacture 8.01 t CO2e t⁻¹ N
    (China) in ``n_fertiliser`` plus direct field N2O = N · EF1 · 44/28 · GWP in
    ``n2o_fertiliser_direct`` (EF1 0.010; 0.004 for flooded rice); ``full_chain`` —
    13.5 t CO2e t⁻¹ N (manufacture and use, China) in ``n_fertiliser`` and 0 in the N2O
    row, so field N2O is never counted twice. CaCO3 × 0.44 t CO2 t⁻¹; biomass × haul
    distance × freight factor; biomass × processing electricity × grid factor (not
    quantified until a processing factor is set).

``conversion_process``
    Emissions of the conversion plant (:func:`conversion_process_t_co2e`): CH4 leaked from
    digesters (5 %, 2.8–10 %), pyrolysis process CH4 (0 for a plant that burns its gases),
    pyrolysis plant electricity (125 kWh t⁻¹ biochar, 100–250, × grid factor) and the
    energy of a sweet-sorghum ethanol plant (0.3001 kWh and 0.4822 kg coal L⁻¹ of ethanol,
    × grid and coal factors; 0 for a plant that fires its bagasse or lignin). The haul distance of ``biomass_transport`` is the plot's
    ``transport_km``, a region row of ``transport_distances.csv`` or the scenario value
    (:func:`row_transport_km`).

Amendments are applied in year 1; lime is re-applied when its effect ends
(``reapply_interval_yr``), biochar only when the scenario sets
``biochar_reapply_interval_yr`` (one application by default: field trials saw one
application work for the 2–3 years they ran). CHP heat counts only with a named heat
user (scenario ``heat_user``; the default plant sells power only).

What may be sold as a carbon credit is a method of ``carbon_credit_terms.csv``
(:data:`CREDIT_METHODS`, :func:`credit_rules`): ``land_based`` (default) credits the removals and
emissions of the land and its supply chain but not the avoided emissions of electricity, heat
or fuel that are sold (their buyer owns that attribute), so carbon revenue never
counts them twice; ``all_terms`` is the inventory view. A term may be credited by component
(:data:`TERM_COMPONENTS`): ``paddy_ch4`` against doing nothing is the change of the water regime
of the rice seasons the option grows (``water_regime``: sold, as the rice methodologies — CDM
AMS-III.AU, Gold Standard 2023, Verra VM0051 — credit water management in rice, a longer flooding
deducted) plus the CH4 of rice seasons given up or added (``rice_seasons``: no methodology read
credits taking a paddy out of rice, so under ``land_based`` a fall is not sold and a rise is
deducted). The net CO2e (the climate criterion) keeps every term whole. The totals carry
``credited_co2e_vs_baseline_t_ha_yr`` (:func:`credited_vs_baseline`), which the economics prices.

Beside it, the biochar applied is shown as the IPCC 2019 inventory sink and as the credit
each registry would issue (:func:`biochar_credits`: Global Biochar C-Sink, Puro.earth 2025,
VM0044 — persistence, production emissions and buffer of ``biochar_credit_rules.csv``,
eligibility of :func:`biochar_credit_eligibility`); these are reported, not priced.

A phytoextraction crop that stops at its target is followed by the current crop: its
operation terms count for its years only, the current crop's field operations for the
rest of the horizon. All C → CO2 conversions use 44/12, N2O-N → N2O 44/28.

References
----------
.. [1] IPCC (2019) 2019 Refinement, Vol. 4 Ch. 2 App. 4 (biochar), Ch. 5 (Tier 1 SOC
   factors) and Ch. 11 (EF1, EF1FR).
.. [2] Puro.earth (2025) Biochar Methodology Edition 2025 V1, Eq. 6.4 and Table 6.1;
   EBC (2020) C-sink certification v1.0.
.. [3] MEE (2024) 2022 national grid emission factor 0.5366 kg CO2 kWh⁻¹; GB/T 32150—2025
   (heat 0.11 t CO2 GJ⁻¹); IPCC (2006) Vol. 2 Table 1.4 (fuel factors).
.. [4] Zhang W. et al. (2013) PNAS (N fertiliser 13.5 t CO2e t⁻¹ N, China); Carbon
   Balance Manag. 14:20 (2019) (N manufacture, China).
.. [5] IPCC (2006) Vol. 2 Ch. 3 (diesel 74 100 kg CO2 TJ⁻¹); IPCC AR6 WG I (GWP of N2O).
.. [6] IPCC (2019) 2019 Refinement, Vol. 4 Ch. 5.5, Eq. 5.1–5.3, Tables 5.11–5.14 (rice CH4);
   Yan X. et al. (2003) J. Geophys. Res. 108(D16):4505 (water management of China's rice).
.. [7] WRI & WBCSD (2015) GHG Protocol Scope 2 Guidance (unique claims).
.. [8] UNFCCC CDM AMS-III.AU v4.0; Gold Standard (2023) Methane Emission Reduction by Adjusted Water
   Management Practice in Rice Cultivation v1.0; Verra (2025) VM0051 v1.0 (scope: practices within
   flooded rice cultivation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.core.messages import Message, render_column
from agriremed.core.i18n import region_in, region_path
from agriremed.core.accounting import (BIOCHAR_METHODS, CREDIT_METHODS, GWP_SETS, N_METHODS, RICE_AMENDMENTS,
                                       RICE_PRESEASON, RICE_WATER_REGIMES)
from agriremed.models.ipcc import (LAND_USE_TO_IPCC, biochar_fc, ipcc_climate_zone, ipcc_soil_class,
                                   plot_climate_zone, plot_soil_class)
from agriremed.models.carbon import (C_TO_CO2, N2O_N_TO_N2O, RICE_EF_REGION, application_interval,
                                     biochar_carbon_sink, biochar_persistence, conversion_process_t_co2e,
                                     gwp_value, n2o_direct_t_co2e, paddy_ch4_t_co2e, soc_change_with_return,
                                     soc_factor, soc_stock_change, rice_factor)
from agriremed.stages.options import (library_parameter, lime_applications_t_ha, lime_dose_t_ha,
                                     option_parameter_draws)
from agriremed.stages.seasons import plot_rice_seasons, row_rice_seasons, season_factor
from agriremed.core.tables import Tables, load_tables
from agriremed.stages.biomass import harvest_series
from agriremed.stages.energy import energy_draw_sampler, factor_draws
from agriremed.stages.solar import pv_electricity_draws, pv_parameter, pv_parameter_draws, pv_year_shape

__all__ = [
    "management_gap_crops",
    "C_TO_CO2",
    "N2O_N_TO_N2O",
    "LAND_USE_TO_IPCC",
    "LEDGER_TERMS",
    "BIOCHAR_METHODS",
    "N_METHODS",
    "ipcc_climate_zone",
    "ipcc_soil_class",
    "plot_climate_zone",
    "plot_soil_class",
    "biochar_fc",
    "biochar_persistence",
    "biochar_carbon_sink",
    "soc_factor",
    "soc_stock_change",
    "soc_change_with_return",
    "n2o_direct_t_co2e",
    "gwp_value",
    "paddy_ch4_t_co2e",
    "application_interval",
    "conversion_process_t_co2e",
    "row_transport_km",
    "credit_terms",
    "credit_rules",
    "credited_vs_baseline",
    "TERM_COMPONENTS",
    "CREDIT_FLAGS",
    "biochar_credit_eligibility",
    "biochar_credits",
    "CREDIT_REGISTRIES",
    "BIOCHAR_REGISTRIES",
    "RICE_WATER_REGIMES",
    "RICE_PRESEASON",
    "RICE_AMENDMENTS",
    "GWP_SETS",
    "CREDIT_METHODS",
    "carbon_ledger",
    "ledger_wide",
]

#: Ledger terms, in order, with their category.
LEDGER_TERMS: dict[str, str] = {
    "soc_change": "removal", "biochar_sink": "removal", "avoided_electricity": "avoided_emission",
    "avoided_heat": "avoided_emission", "avoided_fuel": "avoided_emission", "field_diesel": "emission",
    "n_fertiliser": "emission", "n2o_fertiliser_direct": "emission", "paddy_ch4": "emission",
    "lime": "emission",
    "biomass_transport": "emission", "processing": "emission", "conversion_process": "emission",
}

#: Components of a ledger term that ``carbon_credit_terms.csv`` may credit apart (they sum to the
#: term): ``paddy_ch4`` splits into ``water_regime`` — the CH4 of the rice seasons the option grows,
#: at its water regime against the current practice's — and ``rice_seasons`` — the CH4 of the rice
#: seasons it does not grow (paddy taken out of rice, a season dropped) or adds, at the current practice.
TERM_COMPONENTS: dict[str, tuple[str, ...]] = {"paddy_ch4": ("water_regime", "rice_seasons")}

#: Values of the ``credited`` column of ``carbon_credit_terms.csv``.
CREDIT_FLAGS = ("yes", "no", "debits_only")

#: Columns of the long carbon ledger.
LEDGER_COLUMNS = ("plot_id", "option_id", "term", "term_category", "co2e_t_ha_yr", "co2e_t_ha",
                  "co2e_t_ha_yr_p10", "co2e_t_ha_yr_p50", "co2e_t_ha_yr_p90", "term_unit", "term_method",
                  "source", "note", "term_method_msg", "note_msg")

#: Region row of ``paddy_water_regime.csv`` giving the baseline practice of the plots (all Chinese).
RICE_PRACTICE_REGION = "china"

#: Land-use categories whose stock changes with tillage and carbon input.
_MANAGED = ("annual_crop", "paddy")

#: Rows × draws computed at once in the Monte Carlo ledger (bounds memory on large portfolios).
_MC_CHUNK = 500_000
#: Ledger rows computed together for the year-by-year ledger (rows × years arrays that stay in cache).
_YEAR_BLOCK = 16384


#: Credit standards of ``biochar_credit_rules.csv`` checked by :func:`biochar_credit_eligibility`.
BIOCHAR_REGISTRIES = ("verra_vm0044", "puro2025", "global_biochar_csink")


def _registry_rules(tables: Tables, registry: str) -> pd.Series:
    """A registry's rules (``biochar_credit_rules.csv``): rule → ``rule_value``, looked up once per tables."""
    def build():
        rules = tables.biochar_credit_rules
        return rules.loc[rules["registry"] == registry].set_index("rule")["rule_value"]
    return tables.memo(("biochar_credit_rules", registry), build)


def biochar_credit_eligibility(feedstock, registry: str, h_corg: float | None = None,
                               tables: Tables | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Whether a biochar could earn credits under a registry's rules (``biochar_credit_rules.csv``).

    Parameters
    ----------
    feedstock : str or array_like of str
        IPCC feedstock class of the biochar (``rice_straw``, ``wood``, …).
    registry : {"verra_vm0044", "puro2025", "global_biochar_csink"}
        Credit standard.
    h_corg : float, optional
        Measured molar H/Corg of the biochar [–].
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    status : numpy.ndarray of str
        ``eligible``, ``not_eligible`` or ``unconfirmed`` per feedstock.
    reason : numpy.ndarray of str
        The rule that decided, in words.

    References
    ----------
    .. [1] Verra (2025) VM0044 v1.2 (waste biomass only; H/C ≤ 0.70).
    .. [2] Puro.earth (2025) Biochar Methodology Edition 2025 V1 (H/Corg ≤ 0.7).
    .. [3] Carbon Standards International (2026) Global Biochar C-Sink standard v4.0.

    Examples
    --------
    >>> s, r = biochar_credit_eligibility(["rice_straw", "herbaceous"], "verra_vm0044", h_corg=0.4)
    >>> s.tolist()
    ['eligible', 'unconfirmed']
    """
    tables = tables or load_tables()
    if registry not in BIOCHAR_REGISTRIES:
        raise ValueError(f"registry {registry!r} is unknown; expected one of "
                         + ", ".join(BIOCHAR_REGISTRIES))
    r = _registry_rules(tables, registry)
    fs = np.atleast_1d(np.asarray(feedstock, dtype=object))
    status = np.full(fs.shape, "eligible", dtype=object)
    reason = np.full(fs.shape, f"meets the {registry} rules checked", dtype=object)
    if "requires" in r:
        status[:] = "unconfirmed"
        reason[:] = f"{registry} requires {r['requires']}"
    if "h_corg_max" in r:
        cap = float(r["h_corg_max"])
        if h_corg is None:
            status[status == "eligible"] = "unconfirmed"
            reason[status == "unconfirmed"] = f"H/Corg not measured ({registry} requires ≤ {cap:g})"
        elif h_corg > cap:
            status[:] = "not_eligible"
            reason[:] = f"H/Corg {h_corg:g} above the {registry} cap {cap:g}"
    if "eligible_feedstock" in r:
        ok = set(str(r["eligible_feedstock"]).split("|"))
        other = ~np.isin(fs, list(ok)) & (status != "not_eligible")
        status[other] = "unconfirmed"
        reason[other] = (f"{registry} takes waste biomass only: this feedstock qualifies only as a "
                         "documented residue")
    return status, reason


#: Biochar credit methods shown side by side: the inventory sink, then each registry.
CREDIT_REGISTRIES = ("ipcc2019", "global_biochar_csink", "puro2025", "verra_vm0044")
#: Short names of the registries in plan columns (``biochar_credit_<short>_co2e_t_ha_yr``).
REGISTRY_SHORT = {"global_biochar_csink": "csink", "puro2025": "puro", "verra_vm0044": "vm0044"}


def biochar_credits(mass_t, feedstock, temperature_class, tables: Tables | None = None, h_corg=None,
                    soil_temp_c=None, production_t_co2e=0.0) -> pd.DataFrame:
    """The inventory sink and the credit each registry would issue for applied biochar.

    For each registry of :data:`CREDIT_REGISTRIES` (rules in ``biochar_credit_rules.csv``):
    gross = M · F_C · persistence · 44/12 with the registry's persistence method; credit =
    (gross − production emissions where the registry deducts them) · (1 − buffer share),
    0 when the biochar is not eligible, never below 0. ``ipcc2019`` is the inventory sink:
    no deduction, nothing issued.

    Parameters
    ----------
    mass_t : array_like
        Dry biochar applied [t] (or t ha⁻¹ yr⁻¹).
    feedstock : array_like of str
        IPCC feedstock class of the biochar.
    temperature_class : array_like of str
        ``low``, ``medium`` or ``high``.
    tables : Tables, optional
        Literature tables.
    h_corg : float, optional
        Measured molar H/Corg [–] (Puro needs it; VM0044 and Puro cap it at 0.7).
    soil_temp_c : array_like, optional
        Mean annual soil temperature [°C] (Puro).
    production_t_co2e : array_like
        Emissions of making the biochar [t CO2e] (same basis as ``mass_t``).

    Returns
    -------
    pandas.DataFrame
        One row per input × registry: ``row``, ``registry``, ``status`` (``inventory``,
        ``eligible``, ``unconfirmed``, ``not_eligible``), ``reason``, ``persistence`` [–],
        ``gross_t_co2e``, ``production_t_co2e``, ``buffer_t_co2e``, ``credit_t_co2e``
        [t CO2e] (NaN where the persistence needs data not given).

    References
    ----------
    .. [1] IPCC (2019) Vol. 4 Ch. 2 App. 4; Verra (2025) VM0044 v1.2; Puro.earth (2025)
       Biochar Methodology 2025 V1; Carbon Standards International (2026) Global Biochar
       C-Sink v4.0; EBC (2020) C-sink v1.0.

    Examples
    --------
    10 t of rice-straw biochar made at 450–600 °C, H/Corg 0.4, soil at 20 °C:

    >>> c = biochar_credits(10.0, "rice_straw", "medium", h_corg=0.4, soil_temp_c=20.0)
    >>> c.set_index("registry")["credit_t_co2e"].round(2).to_dict()
    {'ipcc2019': 14.37, 'global_biochar_csink': 13.3, 'puro2025': 12.57, 'verra_vm0044': 14.37}
    """
    tables = tables or load_tables()
    m = np.atleast_1d(np.asarray(mass_t, float))
    n = len(m)
    fs = np.broadcast_to(np.asarray(feedstock, dtype=object), (n,))
    tc = np.broadcast_to(np.asarray(temperature_class, dtype=object), (n,))
    prod = np.broadcast_to(np.asarray(production_t_co2e, float), (n,))
    fc = biochar_fc(fs, "pyrolysis", tables)
    parts = []
    for reg in CREDIT_REGISTRIES:
        r = _registry_rules(tables, reg)
        method = str(r.get("persistence", "ipcc2019"))
        st = None if soil_temp_c is None else np.broadcast_to(np.asarray(soil_temp_c, float), (n,))
        persist = biochar_persistence(tc, method, tables, h_corg, st).reshape(n)
        gross = m * fc * persist * C_TO_CO2
        if reg == "ipcc2019":
            status = np.full(n, "inventory", dtype=object)
            reason = np.full(n, "inventory sink (not a credit)", dtype=object)
        else:
            status, reason = biochar_credit_eligibility(fs, reg, h_corg, tables)
        deduct = str(r.get("deduct_production", "no")).lower() == "yes"
        net = gross - (prod if deduct else 0.0)
        buffer = float(r.get("buffer_frac", 0.0)) * np.maximum(net, 0.0)
        credit = np.where(status == "not_eligible", 0.0, np.maximum(net - buffer, 0.0))
        credit = np.where(np.isnan(gross), np.nan, credit)
        parts.append(pd.DataFrame({"row": np.arange(n), "registry": reg, "status": status, "reason": reason,
                                   "persistence": persist, "gross_t_co2e": gross,
                                   "production_t_co2e": prod if deduct else np.zeros(n),
                                   "buffer_t_co2e": buffer, "credit_t_co2e": credit}))
    return pd.concat(parts, ignore_index=True).sort_values(["row"], kind="stable").reset_index(drop=True)


def credit_rules(tables: Tables, method: str) -> dict[tuple[str, str], str]:
    """How a carbon-credit method treats each ledger term and term component (``carbon_credit_terms.csv``).

    A row of the table names a ``term`` and its ``component``: ``all`` (the whole term against
    doing nothing) or one of the term's components (:data:`TERM_COMPONENTS`, e.g. the CH4 of the
    rice seasons kept, changed by their water regime, and the CH4 of rice seasons given up);
    ``credited`` is ``yes`` (sold), ``no`` (not sold) or ``debits_only`` (only a rise in
    emissions against doing nothing is deducted; a fall is not sold). A table without the
    ``component`` column (the older layout) credits every term whole.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    method : {"land_based", "all_terms"}
        Credit method.

    Returns
    -------
    dict
        (term, component) → ``yes``, ``no`` or ``debits_only``.

    Raises
    ------
    ValueError
        For a method not in the table, an unknown ``credited`` value or component, or a term
        credited both whole and by component, or by some of its components only. A term without
        any row is not credited.

    Examples
    --------
    >>> r = credit_rules(load_tables(), "land_based")
    >>> r[("paddy_ch4", "water_regime")], r[("paddy_ch4", "rice_seasons")], r[("avoided_heat", "all")]
    ('yes', 'debits_only', 'no')
    """
    def build() -> dict:
        c = tables.carbon_credit_terms
        rows = c.loc[c["method"] == method]
        if rows.empty:
            raise ValueError(f"credit method {method!r} is not in carbon_credit_terms.csv")
        comp = (rows["component"].astype(object).where(rows["component"].notna(), "all")
                if "component" in rows else pd.Series("all", index=rows.index, dtype=object))
        comp = comp.astype(str).str.strip().replace("", "all")
        flag = rows["credited"].astype(str).str.strip().str.lower()
        bad = sorted(set(flag) - set(CREDIT_FLAGS))
        if bad:
            raise ValueError(f"carbon_credit_terms.csv, method {method!r}: credited {bad} unknown; expected "
                             + ", ".join(CREDIT_FLAGS))
        out = dict(zip(zip(rows["term"].astype(str), comp), flag, strict=True))
        for term, part in out:
            if part != "all" and part not in TERM_COMPONENTS.get(term, ()):
                raise ValueError(f"carbon_credit_terms.csv, method {method!r}: term {term!r} has no component "
                                 f"{part!r}; its components are " + (", ".join(TERM_COMPONENTS.get(term, ()))
                                                                     or "none (use all)"))
        for term in LEDGER_TERMS:
            whole = (term, "all") in out
            parts = [(term, k) for k in TERM_COMPONENTS.get(term, ())]
            some = any(p in out for p in parts)
            if (whole and some) or (some and not all(p in out for p in parts)):
                raise ValueError(f"carbon_credit_terms.csv, method {method!r}: term {term!r} needs one row for the "
                                 "whole term (component all) or one row for each of its components"
                                 + (" (" + ", ".join(k for _, k in parts) + ")" if parts else ""))
        return out

    # read once per tables object (read-only) and method; each caller gets its own dict
    return dict(tables.memo(("credit_rules", method), build))


def credit_terms(tables: Tables, method: str) -> set[str]:
    """Ledger terms a carbon-credit method sells, whole or in part (``carbon_credit_terms.csv``).

    Parameters
    ----------
    tables : Tables
        Literature tables.
    method : {"land_based", "all_terms"}
        Credit method.

    Returns
    -------
    set of str
        Terms with a row (the whole term or a component) marked ``yes`` (:func:`credit_rules`).

    Examples
    --------
    >>> sorted(set(LEDGER_TERMS) - credit_terms(load_tables(), "land_based"))
    ['avoided_electricity', 'avoided_fuel', 'avoided_heat']
    """
    return {term for (term, _), flag in credit_rules(tables, method).items() if flag == "yes"}


def credited_vs_baseline(parts: dict[str, dict[str, np.ndarray]], rules: dict[tuple[str, str], str],
                         bix: np.ndarray) -> np.ndarray:
    """CO2e a credit method sells, relative to the plot's doing-nothing row [t CO2e ha⁻¹ yr⁻¹].

    Each term enters whole (its ``all`` value) or by its components, as the method's rules say
    (:func:`credit_rules`): the change against the baseline row is summed where ``yes``, only
    where negative (a rise in emissions, deducted) where ``debits_only``, and left out where ``no``.

    Parameters
    ----------
    parts : dict
        term → {``all``: the term, and each component of :data:`TERM_COMPONENTS`} per row
        [t CO2e ha⁻¹ yr⁻¹]; the components of a term sum to it.
    rules : dict
        (term, component) → ``yes``, ``no`` or ``debits_only``.
    bix : numpy.ndarray
        Row of each row's doing-nothing row.

    Returns
    -------
    numpy.ndarray
        Credited CO2e against doing nothing per row (NaN terms count 0).

    Examples
    --------
    A paddy taken out of rice (row 1) avoids the 2.86 t of its baseline row (row 0): sold whole, it
    earns 2.86; sold only for the water regime of the rice seasons kept, nothing, while the diesel
    saved still counts.

    >>> ch4 = {"all": np.array([-2.86, 0.0]), "water_regime": np.array([0.0, 0.0]),
    ...        "rice_seasons": np.array([-2.86, 0.0])}
    >>> parts = {"paddy_ch4": ch4, "field_diesel": {"all": np.array([-0.2, -0.1])}}
    >>> bix = np.array([0, 0])
    >>> credited_vs_baseline(parts, {("paddy_ch4", "all"): "yes", ("field_diesel", "all"): "yes"}, bix).round(2)
    array([0.  , 2.96])
    >>> credited_vs_baseline(parts, {("paddy_ch4", "water_regime"): "yes", ("paddy_ch4", "rice_seasons"): "debits_only",
    ...                              ("field_diesel", "all"): "yes"}, bix).round(2)
    array([0. , 0.1])
    """
    total = 0.0
    for (term, part), flag in rules.items():
        if flag == "no" or term not in parts:
            continue
        v = np.nan_to_num(np.ravel(parts[term][part]))
        d = v - v[bix]
        total = total + (np.minimum(d, 0.0) if flag == "debits_only" else d)
    return np.asarray(total, float) + np.zeros(len(bix))


def row_transport_km(plots: pd.DataFrame, g, tables: Tables, scenario_km: float | None = None) -> np.ndarray:
    """One-way haul distance of every plot × option row [km]; NaN: the ``transport_km`` factor.

    The plot's own ``transport_km`` wins; else the longest ``region`` of
    ``transport_distances.csv`` that the plot's region lies in (``Hunan`` or
    ``Hunan/Zhuzhou``, in any language: :func:`agriremed.core.i18n.region_in`); else the
    scenario's ``transport_km``; else NaN (the factor of
    ``factors.csv`` applies).

    Parameters
    ----------
    plots : pandas.DataFrame
        Validated plots (optional ``transport_km`` [km] and ``region``).
    g : agriremed.core.frames.Grid
        Plot position of every row.
    tables : Tables
        Literature tables (``transport_distances``).
    scenario_km : float, optional
        Scenario default distance [km].

    Returns
    -------
    numpy.ndarray
        Distance per row [km].
    """
    n = len(plots)
    km = plots["transport_km"].to_numpy(float) if "transport_km" in plots else np.full(n, np.nan)
    td = tables.transport_distances
    if len(td) and "region" in plots:
        reg = _frames.obj(plots["region"])
        best = np.full(n, -1)
        # a few rows; the longest place wins, compared by the English names of its parts
        for i, prefix in sorted(enumerate(td["region"].astype(str)), key=lambda t: len(region_path(t[1], tables))):
            best[region_in(reg, [prefix], tables)] = i
        table_km = np.where(best >= 0, td["transport_km"].to_numpy(float)[np.maximum(best, 0)], np.nan)
        km = np.where(np.isnan(km), table_km, km)
    if scenario_km is not None:
        km = np.where(np.isnan(km), float(scenario_km), km)
    return g.per_plot(km)


def _management_factor(tables: Tables, category, zone, tillage, carbon_input) -> np.ndarray:
    """F_MG · F_I where the land-use category is cultivated cropland, else 1."""
    managed = np.isin(np.asarray(category, dtype=object), _MANAGED)
    f = soc_factor(tables, "FMG", tillage, zone) * soc_factor(tables, "FI", carbon_input, zone)
    return np.where(managed, f, 1.0)


def _column(pl: pd.DataFrame, name: str, default: str) -> np.ndarray:
    if name not in pl:
        return np.full(len(pl), default, dtype=object)
    v = pl[name].astype(object)
    return v.where(v.notna(), default).to_numpy(object)


def management_gap_crops(option_food, plot_crop, tables: Tables) -> np.ndarray:
    """Per row, the crop whose field emissions the library cannot give and on which the row's net CO2e
    against doing nothing depends ("" where none).

    A crop of ``crops.csv`` other than ``none`` without its N fertiliser rate (``n_fert_kg_ha_yr``
    [kg N ha⁻¹ yr⁻¹]) or its diesel use (``diesel_l_ha_yr`` [L ha⁻¹ yr⁻¹]) in ``prices.csv`` has
    unknown field diesel, N fertiliser and fertiliser N2O terms, never 0. Doing nothing grows the plot's
    crop (``plot_crop``): an option that keeps it (``option_food`` ``current``, the ``food_crop`` of
    ``options.csv``) has the same terms and they cancel; any other option (another crop, none, or the
    current crop only after its own years) is compared with them, so the plot's crop is named where its
    rows are missing, else the option's own crop where its rows are. A name not in ``crops.csv`` gives "".

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> management_gap_crops(["current", "maize", "none", "maize"], ["konjac", "konjac", "konjac", "rice"],
    ...                      load_tables()).tolist()
    ['', 'konjac', 'konjac', '']
    """
    food = np.asarray(option_food, dtype=object)
    crop = np.asarray(plot_crop, dtype=object)
    missing = sorted(_management_missing(tables))
    cur = np.isin(crop, missing) & (food != "current")
    own = np.isin(food, missing)
    return np.where(cur, crop, np.where(own, food, "")).astype(object)


def _management_missing(tables: Tables) -> set:
    """Crops of ``crops.csv`` (``none`` aside) lacking their ``n_fert_kg_ha_yr`` or ``diesel_l_ha_yr`` row."""
    def build():
        crops = set(tables.crops["crop"]) - {"none"}
        out = set()
        for item in ("n_fert_kg_ha_yr", "diesel_l_ha_yr"):
            t = tables.crop_price_table(item)
            have = set(t.index[~np.isnan(t.to_numpy(float))])
            out |= crops - have
        return out
    return tables.memo("carbon_management_missing", build)


def carbon_ledger(option_rows: pd.DataFrame, plots: pd.DataFrame, biomass: pd.DataFrame,
                  energy: pd.DataFrame, tables: Tables | None = None, horizon_yr: int = 20,
                  biochar_rate_t_ha: float | None = None, years_under_option=None, *, n_draws: int = 0,
                  seed: int = 0, biomass_draws: np.ndarray | None = None, biochar_method: str = "ipcc2019",
                  h_corg: float | None = None, n_fertiliser_method: str = "ipcc_split", by_year: bool = False,
                  ledger: bool = True, grid: _frames.Grid | None = None, gwp_set: str = "ar6",
                  rice_water_regime: str | None = None, rice_preseason: str = "non_flooded_lt180",
                  rice_amendment: str | None = None, rice_amendment_t_ha: float = 0.0,
                  rice_season_days: float | None = None, biochar_reapply_interval_yr: float | None = None,
                  credit_method: str = "land_based", heat_user: str | None = None,
                  transport_km: float | None = None) -> tuple[pd.DataFrame, ...]:
    """Carbon ledger of every applicable plot × option (and the do-nothing baseline).

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    plots : pandas.DataFrame
        Validated plots (``land_use``, ``ph``, ``clay_pct``, ``mean_temp_c``,
        ``annual_rain_mm``, ``crop``, ``area_ha``; optional ``climate_zone``,
        ``ipcc_soil_class``, ``tillage`` and ``carbon_input``).
    biomass : pandas.DataFrame
        Output of :func:`agriremed.stages.biomass.harvested_biomass`.
    energy : pandas.DataFrame
        Output of :func:`agriremed.stages.energy.energy_outputs`.
    tables : Tables, optional
        Literature tables.
    horizon_yr : int
        Horizon H [yr].
    biochar_rate_t_ha : float, optional
        Biochar application rate overriding the table's typical value [t ha⁻¹].
    years_under_option : array_like, optional
        Years each row keeps its new land use before the current use returns (e.g. a
        phytoextraction crop that stops at its target) [yr]; default: the whole horizon.
    n_draws : int
        Monte Carlo draws for the P10/P50/P90 columns (0: none).
    seed : int
        Scenario seed (common random numbers shared with the other stages).
    biomass_draws : numpy.ndarray, optional
        Biomass draws row-aligned with ``option_rows`` [t ha⁻¹ yr⁻¹] (needed when
        ``n_draws > 0``).
    biochar_method : {"ipcc2019", "puro2025", "ebc2020"}
        Biochar persistence method.
    h_corg : float, optional
        Molar H/Corg of the biochar [–] (required by ``puro2025``).
    n_fertiliser_method : {"ipcc_split", "full_chain"}
        Nitrogen accounting: manufacture + IPCC direct N2O, or the full-chain factor.
    by_year : bool
        Also return the year-by-year ledger (third output).
    gwp_set : {"ar6", "ar5"}
        GWP100 set of CH4 and N2O (``gwp.csv``).
    rice_water_regime : str, optional
        Water regime of the current rice practice (:data:`RICE_WATER_REGIMES`); default:
        the regional row of ``paddy_water_regime.csv`` (China: single drainage). Options
        with their own regime (continuous flooding) keep it.
    rice_preseason : str
        Pre-season water regime of the rice seasons (:data:`RICE_PRESEASON`).
    rice_amendment : str, optional
        Organic amendment of every rice season (:data:`RICE_AMENDMENTS`); None: none.
    rice_amendment_t_ha : float
        Its rate [t ha⁻¹ season⁻¹] (straw dry matter; others fresh weight).
    rice_season_days : float, optional
        Rice cultivation period [d season⁻¹]; default: the IPCC world default of
        ``paddy_ch4.csv``.
    biochar_reapply_interval_yr : float, optional
        Re-apply the biochar of the biochar options every so many years [yr]; default:
        one application in year 1.
    credit_method : {"land_based", "all_terms"}
        Which terms may be sold as carbon credits (``carbon_credit_terms.csv``).
    heat_user : str, optional
        Named user of the CHP heat (only for the ledger's note; the heat itself comes
        from ``energy``).
    transport_km : float, optional
        Scenario one-way haul distance [km] for plots without their own ``transport_km``
        or a row of ``transport_distances.csv`` (default: the ``transport_km`` factor).

    Returns
    -------
    ledger : pandas.DataFrame
        One row per plot × option × term: ``plot_id``, ``option_id``, ``term``,
        ``term_category`` (removal, avoided_emission, emission), ``co2e_t_ha_yr``
        [t CO2e ha⁻¹ yr⁻¹], ``co2e_t_ha`` [t CO2e ha⁻¹, over H], ``co2e_t_ha_yr_p10``,
        ``co2e_t_ha_yr_p50``, ``co2e_t_ha_yr_p90`` [t CO2e ha⁻¹ yr⁻¹], ``term_unit``,
        ``term_method``, ``source``, ``note``. NaN value = not quantified.
    totals : pandas.DataFrame
        One row per plot × option: ``net_co2e_t_ha_yr``, ``net_co2e_t_ha`` (× H),
        ``net_co2e_t`` (× area), ``net_co2e_vs_baseline_t_ha_yr``,
        ``net_co2e_vs_baseline_t_ha``, ``net_co2e_t_ha_yr_p10/p50/p90``,
        ``net_co2e_vs_baseline_t_ha_yr_p10/p90``, ``biochar_method``,
        ``credited_co2e_vs_baseline_t_ha_yr`` (the terms and term components ``credit_method``
        credits, relative to doing nothing: :func:`credited_vs_baseline`), ``carbon_credit_method``, ``gwp_set``,
        ``rice_water_regime`` (regime of the option's rice seasons; None without rice)
        and one ``<term>_co2e_t_ha_yr`` column per term.
    by_year : pandas.DataFrame
        Only with ``by_year=True``: one row per plot × option × year (``ledger_year``)
        with each term in that year, ``<term>_co2e_t_ha`` [t CO2e ha⁻¹], their sum
        ``year_net_co2e_t_ha`` and ``cumulative_net_co2e_t_ha`` [t CO2e ha⁻¹]: the SOC
        transition year by year, biomass terms in harvest years (coppice cut every few
        years), amendments in application years. The years sum to the horizon totals.

    References
    ----------
    .. [1] IPCC (2019) 2019 Refinement, Vol. 4: Ch. 2 App. 4 (biochar), Ch. 5 (Tier 1 SOC
       factors), Ch. 11 Table 11.1 (EF1, EF1FR); IPCC (2021) AR6 WG I (GWP of N2O).
    .. [2] Puro.earth (2025) Biochar Methodology Edition 2025 V1; EBC (2020) C-sink v1.0.
    .. [3] MEE (2024) national grid factor 2022; SAMR (2025) GB/T 32150—2025 (heat
       0.11 t CO2 GJ⁻¹); IPCC (2006) Vol. 2 Table 1.4 (natural gas, gasoline) and Ch. 3
       (diesel).
    .. [4] Zhang W. et al. (2013) PNAS (13.5 t CO2e t⁻¹ N, full chain); Carbon Balance
       Manag. 14:20 (2019) (N manufacture in China, 8.01 t CO2e t⁻¹ N computed).
    .. [5] UK Government (2020) GHG conversion factors (freight).

    Examples
    --------
    >>> import agriremed
    >>> p = agriremed.plan("data/samples/plots.csv", seed=1)   # doctest: +SKIP
    >>> p.carbon_ledger.query("plot_id == 'HN-ZZ-01'")          # doctest: +SKIP
    """
    _check_ledger_arguments(biochar_method, n_fertiliser_method, n_draws, biomass_draws, gwp_set, credit_method,
                            rice_preseason, rice_water_regime, rice_amendment)
    tables = tables or load_tables()
    H = float(horizon_yr)
    lib = tables.options
    rows = option_rows
    n = len(rows)
    g = _frames.grid(rows, plots, tables, grid)

    def per_opt(col):  # an options.csv column for every row (NaN for an unknown option)
        return g.per_option(_frames.obj(lib[col]), np.nan)

    def opt_param(name):
        return g.per_option(library_parameter(tables, name))

    active = rows["applicable"].to_numpy(bool) | (_frames.obj(rows["option_kind"]) == "baseline")
    food = per_opt("food_crop")
    crop = _frames.plot_column(plots, "crop", g, "text")
    current = food == "current"
    food_crop = np.where(current, crop, np.where(food == "none", "none", food))
    paddy = _frames.plot_column(plots, "land_use", g, "text") == "paddy"
    years_new = np.full(n, H) if years_under_option is None else np.minimum(
        np.nan_to_num(np.asarray(years_under_option, float), nan=H, posinf=H), H)
    frac = years_new / H  # share of the horizon under the option's own operations
    B = biomass["biomass_t_dm_ha_yr"].to_numpy(float)
    harvests = np.nan_to_num(B) > 0
    path = energy["energy_pathway"].astype(object).fillna("none").to_numpy(object)

    # --- SOC (IPCC Tier 1, typical factors): plot-level values, then per distinct combination
    zone_p, sclass_p = plot_climate_zone(plots), plot_soil_class(plots)
    socref_p = tables.indexed("soc_reference", ["soil_class", "climate_zone"])["socref_t_c_ha"].reindex(
        pd.MultiIndex.from_arrays([pd.Series(sclass_p, dtype=object), pd.Series(zone_p, dtype=object)])
    ).to_numpy(float)
    old_cat_p = _frames.format_unique(_frames.obj(plots["land_use"]),
                                      lambda u: LAND_USE_TO_IPCC.get(u, np.nan))
    tillage_p = _column(plots, "tillage", "full_till")
    c_input_p = _column(plots, "carbon_input", "medium")
    f_old_p = soc_factor(tables, "FLU", old_cat_p, zone_p) * _management_factor(tables, old_cat_p, zone_p,
                                                                                tillage_p, c_input_p)
    socref = g.per_plot(socref_p)
    f_old = g.per_plot(f_old_p)
    new_use_o = _frames.obj(lib["new_land_use"])
    first, inv = _frames.distinct(g.plot, g.option, harvests)  # f_new depends on these only
    fp, fo = g.plot[first], g.option[first]
    zone_r = _frames.take(zone_p, fp, None)
    old_r = _frames.take(old_cat_p, fp, np.nan)
    new_use = _frames.take(new_use_o, fo, np.nan)
    new_cat = np.where(new_use == "current", old_r, new_use)
    new_till = np.where(new_use == "current", _frames.take(tillage_p, fp, "full_till"), "full_till")
    new_input = np.where(new_use == "current", _frames.take(c_input_p, fp, "medium"),
                         np.where(harvests[first], "low", "medium"))
    f_new = (soc_factor(tables, "FLU", new_cat, zone_r)
             * _management_factor(tables, new_cat, zone_r, new_till, new_input))[inv]
    soc = soc_change_with_return(socref, f_old, f_new, years_new, H) * C_TO_CO2 / H
    soc_rate = socref * (f_new - f_old) / 20.0 * C_TO_CO2  # t CO2 ha⁻¹ yr⁻¹ while the stock moves

    # --- fixed activity data ---------------------------------------------------------
    rate = opt_param("rate_t_ha")
    is_char_opt = (per_opt("kind") == "immobilisation") & ~np.isnan(rate)
    eff = application_interval(opt_param("effect_duration_yr"), opt_param("reapply_interval_yr"), is_char_opt,
                               biochar_reapply_interval_yr)
    n_app = np.where(np.isnan(eff), 0.0, np.maximum(1.0, np.ceil(H / np.where(np.isnan(eff), 1.0, eff))))
    if biochar_rate_t_ha is not None:
        rate = np.where(np.isnan(rate), np.nan, biochar_rate_t_ha)
    fc = g.per_option(biochar_fc(_frames.obj(lib["biochar_feedstock"]), "pyrolysis", tables))
    if biochar_method == "puro2025":
        soil_t = _frames.plot_column(plots, "mean_temp_c", g)
        persist = biochar_persistence(per_opt("biochar_temperature"), biochar_method, tables, h_corg, soil_t)
    else:
        persist = g.per_option(biochar_persistence(_frames.obj(lib["biochar_temperature"]), biochar_method,
                                                   tables, h_corg, None))
    keep = fc * persist
    is_amend = (per_opt("kind") == "immobilisation") & ~np.isnan(rate)
    char_ok = energy["residue_disposal"].astype(object).eq("land_application_ok").to_numpy()
    crop_diesel = tables.crop_price_table("diesel_l_ha_yr")
    crop_n = tables.crop_price_table("n_fert_kg_ha_yr")

    def by_crop(table):
        """Crop-table value of the plots' crops and of the option's crop, per row (NaN → 0)."""
        cur = g.per_plot(_frames.lookup(table, _frames.obj(plots["crop"])).astype(float))
        fixed = g.per_option(_frames.lookup(table, _frames.obj(lib["food_crop"])).astype(float))
        return np.nan_to_num(cur), np.nan_to_num(np.where(current, cur, fixed))

    # a plot of double-cropped rice (rice_seasons_per_yr 2) farms, fertilises and floods each rice season:
    # the per-season quantities of rice_seasons.csv count its seasons (the option's, capped for the
    # Sedum–rice rotation, and the current practice's)
    s_opt = np.where(food_crop == "rice", row_rice_seasons(rows, plots, tables, g), 1.0)
    s_cur = np.where(crop == "rice", g.per_plot(plot_rice_seasons(plots), 1.0), 1.0)

    def seasonal(quantity, cur, opt):
        return cur * season_factor(tables, quantity, s_cur), opt * season_factor(tables, quantity, s_opt)

    cur_diesel, food_diesel = seasonal("diesel_l_ha_yr", *by_crop(crop_diesel))
    cur_n, food_n = seasonal("n_fert_kg_ha_yr", *by_crop(crop_n))
    grows_food = food != "none"
    app_diesel = np.nan_to_num(opt_param("diesel_l_ha_app"))   # per application
    # per application: the mean over the horizon's applications; each is the plot's own dose to the option's
    # target pH (lime_dose_t_ha), and an option dosed by lime requirement limes the plot's own requirement
    # first and re-limes less, from its re-liming pH back to the target (lime_applications_t_ha)
    lime_ids, lime_ph = _frames.obj(rows["option_id"]), _frames.plot_column(plots, "ph", g)
    lime_first, lime_later = lime_applications_t_ha(tables, lime_ids, lime_ph,
                                                    lime_dose_t_ha(tables, lime_ids, lime_ph))
    with np.errstate(invalid="ignore", divide="ignore"):
        lime_t = np.where(n_app > 0, (lime_first + np.maximum(n_app - 1.0, 0.0) * lime_later)
                          / np.where(n_app > 0, n_app, 1.0), 0.0)

    hv = np.flatnonzero(harvests)  # only rows with a harvest have harvest years
    cuts_hv = harvest_series(biomass.iloc[hv], int(H), years_new[hv], tables)
    bio_share = np.zeros(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        bio_share[hv] = np.nansum(cuts_hv, axis=1) / (H * B[hv])  # harvests ÷ (H · B)
    # a PV plant's electricity (energy_pathway "pv", the horizon mean) is produced every year, not
    # by harvests: its avoided grid emission takes the year's output relative to that mean
    is_pv = path == "pv"
    pv_year = np.ones(int(H))
    if is_pv.any():
        shp = pv_year_shape(int(H), pv_parameter(tables, "degradation_pct_yr"),
                            pv_parameter(tables, "lifetime_yr"))
        pv_year = shp / shp.mean() if shp.mean() > 0 else shp
    average = {"ops": frac, "bio": bio_share, "app": n_app / H, "soc": soc,
               "elec": np.where(is_pv, 1.0, bio_share)}
    flooded_opt = (food_crop == "rice") & paddy
    flooded_cur = (crop == "rice") & paddy
    # --- paddy CH4 of one rice season [t CO2e ha⁻¹], of the option's practice and of the current one
    regimes = tables.paddy_water_regime
    base_regime = rice_water_regime or regimes.loc[(regimes["scope"] == "region")
                                                   & (regimes["key"] == RICE_PRACTICE_REGION),
                                                   "water_regime"].iloc[0]
    own = regimes.loc[regimes["scope"] == "option"].set_index("key")["water_regime"]
    opt_regime_o = _frames.lookup(own, _frames.obj(lib["option_id"])).astype(object)
    opt_regime_o = np.where(pd.isna(opt_regime_o), base_regime, opt_regime_o)
    opt_regime = g.per_option(opt_regime_o, base_regime)
    days = float(rice_season_days) if rice_season_days is not None else float(
        rice_factor(tables, "cultivation_days", "world")[0])
    gwp_ch4 = gwp_value(tables, gwp_set, "ch4")
    season = {r: float(paddy_ch4_t_co2e(r, days, rice_preseason, rice_amendment, rice_amendment_t_ha,
                                        RICE_EF_REGION, gwp_ch4, tables)[0]) for r in RICE_WATER_REGIMES}
    ch4_opt = np.where(flooded_opt, _frames.format_unique(opt_regime, season.get).astype(float), 0.0)
    ch4_cur = np.where(flooded_cur, season[base_regime], 0.0)
    # the option's rice seasons at the current practice's regime: what its CH4 would be without a change of
    # water regime (splits paddy_ch4 into water regime and rice seasons for the credit, TERM_COMPONENTS)
    ch4_kept = np.where(flooded_opt, season[base_regime], 0.0)
    ch4_cur, ch4_opt = seasonal("paddy_ch4", ch4_cur, ch4_opt)  # the seasons of the year
    ch4_kept = ch4_kept * season_factor(tables, "paddy_ch4", s_opt)
    km_row = row_transport_km(plots, g, tables, transport_km)
    factor_names = ("grid_ef_t_co2_mwh", "heat_ef_t_co2_gj", "natural_gas_ef_t_co2_gj",
                    "gasoline_ef_t_co2_gj",
                    "diesel_kg_co2_l", "n_fert_t_co2e_t_n", "n_fert_production_t_co2e_t_n",
                    "n2o_ef1_kg_n2on_kg_n", "n2o_ef1_flooded_rice_kg_n2on_kg_n", "lime_t_co2_t",
                    "transport_km", "freight_kg_co2_tkm", "processing_kwh_t", "digestion_ch4_leak_frac",
                    "pyrolysis_ch4_t_t_char", "pyrolysis_electricity_kwh_t_char", "ethanol_plant_kwh_l",
                    "ethanol_plant_coal_kg_l", "coal_ef_t_co2_t", "methane_density_kg_m3")
    full_chain = n_fertiliser_method == "full_chain"
    gwp_n2o = gwp_value(tables, gwp_set, "n2o")

    def compute(f, B, opt_diesel, opt_n, en, col, period):
        """Every term for activity data ``B``, ``en`` and factors ``f`` over a period (arrays broadcast).

        ``period`` gives, per row, the share of the period under the option's operations
        (``ops``), the harvested biomass as a multiple of the annualised yield (``bio``), the
        applications per year (``app``) and the SOC change [t CO2 ha⁻¹ yr⁻¹] (``soc``): the
        horizon average, or every year of the horizon (rows × years arrays).
        """
        fr, bio, app, elec = col(period["ops"]), col(period["bio"]), col(period["app"]), col(period["elec"])
        diesel = fr * np.where(col(grows_food), col(food_diesel), opt_diesel) + (1 - fr) * col(cur_diesel) \
            + app * col(app_diesel)
        nfert = np.where(col(grows_food), col(food_n), opt_n)
        n_total = fr * nfert + (1 - fr) * col(cur_n)
        ef = (f["n2o_ef1_kg_n2on_kg_n"], f["n2o_ef1_flooded_rice_kg_n2on_kg_n"], gwp_n2o)
        n2o = fr * n2o_direct_t_co2e(nfert, col(flooded_opt), tables, *ef) \
            + (1 - fr) * n2o_direct_t_co2e(col(cur_n), col(flooded_cur), tables, *ef)
        n_ef = f["n_fert_t_co2e_t_n"] if full_chain else f["n_fert_production_t_co2e_t_n"]
        Bz = np.nan_to_num(B)
        char = np.nan_to_num(en["biochar_t"])
        sink = np.where(col(is_amend), app * col(np.nan_to_num(rate)), 0.0) * col(keep) * C_TO_CO2 \
            + np.where(col(char_ok), bio * char * col(keep) * C_TO_CO2, 0.0)
        fuel_ef = np.where(col(path) == "digestion", f["natural_gas_ef_t_co2_gj"],
                           np.where(col(path) == "ethanol", f["gasoline_ef_t_co2_gj"], 0.0))
        converted = col(harvests & (path != "none"))
        with np.errstate(invalid="ignore"):
            processing = np.where(converted,
                                  -bio * Bz * f["processing_kwh_t"] / 1000.0 * f["grid_ef_t_co2_mwh"], 0.0)
        return {
            "soc_change": col(period["soc"]),
            "biochar_sink": np.nan_to_num(sink),
            "avoided_electricity": elec * np.nan_to_num(en["electricity_mwh"]) * f["grid_ef_t_co2_mwh"],
            "avoided_heat": bio * np.nan_to_num(en["heat_gj"]) * f["heat_ef_t_co2_gj"],
            "avoided_fuel": bio * np.nan_to_num(en["fuel_gj"]) * fuel_ef,
            "field_diesel": -diesel * f["diesel_kg_co2_l"] / 1000.0,
            "n_fertiliser": -n_total * n_ef / 1000.0,
            "n2o_fertiliser_direct": np.zeros_like(n2o) if full_chain else -n2o,
            "paddy_ch4": 0.0 - (fr * col(ch4_opt) + (1 - fr) * col(ch4_cur)),
            "lime": -app * col(lime_t) * f["lime_t_co2_t"],
            "biomass_transport": -bio * Bz * np.where(np.isnan(col(km_row)), f["transport_km"], col(km_row))
            * f["freight_kg_co2_tkm"] / 1000.0,
            "processing": processing,
            "conversion_process": -bio * conversion_process_t_co2e(
                np.nan_to_num(en["methane_leak_m3"]), char, np.where(col(path) == "pyrolysis", Bz, 0.0),
                np.nan_to_num(en["ethanol_l"]), gwp_ch4, f["methane_density_kg_m3"],
                f["pyrolysis_ch4_t_t_char"], f["pyrolysis_electricity_kwh_t_char"], f["grid_ef_t_co2_mwh"],
                f["ethanol_plant_kwh_l"], f["ethanol_plant_coal_kg_l"], f["coal_ef_t_co2_t"]),
        }

    ident = lambda a: a  # noqa: E731
    f_typ = {k: tables.factor(k) for k in factor_names}
    en_typ = {"biochar_t": energy["biochar_t_ha_yr"].to_numpy(float),
              "electricity_mwh": energy["electricity_mwh_ha_yr"].to_numpy(float),
              "heat_gj": (energy["heat_gj_ha_yr"] if "heat_gj_ha_yr" in energy
                          else pd.Series(0.0, index=energy.index)).to_numpy(float),
              "fuel_gj": (energy["fuel_gj_ha_yr"] if "fuel_gj_ha_yr" in energy
                          else pd.Series(0.0, index=energy.index)).to_numpy(float)}
    for k in ("methane_m3", "ethanol_l"):
        en_typ[k] = (energy[f"{k}_ha_yr"] if f"{k}_ha_yr" in energy
                     else pd.Series(0.0, index=energy.index)).to_numpy(float)
    en_typ["methane_leak_m3"] = en_typ.pop("methane_m3") * f_typ["digestion_ch4_leak_frac"]
    opt_diesel_typ = np.nan_to_num(opt_param("diesel_l_ha_yr"))
    opt_n_typ = np.nan_to_num(opt_param("n_fert_kg_ha_yr"))
    terms = compute(f_typ, B, opt_diesel_typ, opt_n_typ, en_typ, ident, average)
    oid = _frames.obj(rows["option_id"])
    is_base = oid == "do_nothing"
    bi = _frames.member_row(_frames.plot_codes(rows, g), is_base)
    has_base = bi >= 0
    bix = np.where(has_base, bi, 0)
    pct = {}  # P10/P50/P90 of every term (Monte Carlo only)
    q = qv = np.full((3, n), np.nan)
    if n_draws:
        pct, q, qv = _ledger_draws(compute, list(terms), rows, biomass, energy, tables, g, factor_names, n_draws,
                                   seed, biomass_draws, average, active, is_pv, is_base, has_base, bix, H,
                                   term_percentiles=ledger)

    method_msg, sources, note_msg = _term_texts(biochar_method, full_chain, days, gwp_ch4, gwp_set,
                                                rice_season_days, biochar_reapply_interval_yr, heat_user,
                                                base_regime, rice_preseason, rice_amendment,
                                                rice_amendment_t_ha, f_typ)
    method_text, notes = ({t: str(x) for t, x in zip(d, render_column(list(d.values()), "en", tables), strict=True)}
                          for d in (method_msg, note_msg))
    names = list(terms)
    K = len(names)
    idx = np.flatnonzero(active)
    pid = _frames.obj(rows["plot_id"])
    if ledger:
        vals = np.stack([np.ravel(terms[t])[idx] for t in names], axis=1).ravel()  # plot-major, then term
        pcts = np.stack([pct[t][:, idx] for t in names], axis=2).reshape(3, -1) if pct \
            else np.full((3, len(idx) * K), np.nan)
        tile = lambda d: np.tile(np.array([d[t] for t in names], dtype=object), len(idx))  # noqa: E731
        long = _frames.frame({
            "plot_id": np.repeat(pid[idx], K),
            "option_id": np.repeat(oid[idx], K), "term": tile({t: t for t in names}),
            "term_category": tile(LEDGER_TERMS), "co2e_t_ha_yr": vals, "co2e_t_ha": vals * H,
            "co2e_t_ha_yr_p10": pcts[0], "co2e_t_ha_yr_p50": pcts[1], "co2e_t_ha_yr_p90": pcts[2],
            "term_unit": "t CO2e/ha/yr", "term_method": tile(method_text), "source": tile(sources),
            "note": tile(notes), "term_method_msg": tile(method_msg), "note_msg": tile(note_msg)}, len(idx) * K)
    else:
        long = _frames.frame({c: np.zeros(0, object) for c in LEDGER_COLUMNS}, 0)

    net = sum(np.nan_to_num(np.ravel(v)) for v in terms.values())
    net = np.where(active, net, np.nan)
    # the field terms of a crop without its N fertiliser or diesel row are unknown (taken as 0 in the
    # terms): a comparison with doing nothing that depends on them is not computed
    compared = has_base & (management_gap_crops(food, crop, tables) == "")
    vs = np.where(compared, net - net[bix], np.nan)
    qv = np.where(compared, qv, np.nan)
    parts = {t: {"all": np.ravel(terms[t])} for t in names}
    ch4_seasons = -(frac * ch4_kept + (1 - frac) * ch4_cur)  # paddy_ch4 had the option kept the current regime
    parts["paddy_ch4"].update(rice_seasons=ch4_seasons, water_regime=np.ravel(terms["paddy_ch4"]) - ch4_seasons)
    cred_vs = np.where(compared & active, credited_vs_baseline(parts, credit_rules(tables, credit_method), bix), np.nan)
    cols = {
        "plot_id": pid, "option_id": oid,
        "net_co2e_t_ha_yr": net, "net_co2e_t_ha": net * H,
        "net_co2e_t": net * H * _frames.plot_column(plots, "area_ha", g),
        "net_co2e_vs_baseline_t_ha_yr": vs, "net_co2e_vs_baseline_t_ha": vs * H,
        "net_co2e_t_ha_yr_p10": q[0], "net_co2e_t_ha_yr_p50": q[1], "net_co2e_t_ha_yr_p90": q[2],
        "net_co2e_vs_baseline_t_ha_yr_p10": qv[0], "net_co2e_vs_baseline_t_ha_yr_p90": qv[2],
        "biochar_method": np.where(active, biochar_method, None),
        "credited_co2e_vs_baseline_t_ha_yr": cred_vs,
        "carbon_credit_method": np.where(active, credit_method, None),
        "gwp_set": np.where(active, gwp_set, None),
        "rice_water_regime": np.where(active & (flooded_opt | (flooded_cur & (frac < 1))),
                                      np.where(flooded_opt, opt_regime, base_regime), None),
    }
    for t in names:
        cols[f"{t}_co2e_t_ha_yr"] = np.where(active, np.ravel(terms[t]), np.nan)
    cols.update(_credit_columns(
        np.where(is_amend, n_app / H * np.nan_to_num(rate), 0.0)
        + np.where(char_ok, bio_share * np.nan_to_num(en_typ["biochar_t"]), 0.0),
        per_opt("biochar_feedstock"), per_opt("biochar_temperature"), active, tables, h_corg,
        _frames.plot_column(plots, "mean_temp_c", g), f_typ["pyrolysis_ch4_t_t_char"] * gwp_ch4))
    totals = _frames.frame(cols, n)
    if not by_year:
        return long, totals
    return long, totals, _ledger_by_year(compute, n, names, idx, pid, oid, eff, years_new, hv, cuts_hv, B,
                                         soc_rate, opt_diesel_typ, opt_n_typ, en_typ, f_typ, is_pv, pv_year, H)


def _check_ledger_arguments(biochar_method, n_fertiliser_method, n_draws, biomass_draws, gwp_set, credit_method,
                            rice_preseason, rice_water_regime, rice_amendment) -> None:
    """Raise ValueError for a method or setting of :func:`carbon_ledger` that is unknown."""
    if biochar_method not in BIOCHAR_METHODS:
        raise ValueError(f"biochar_method {biochar_method!r} is unknown; expected one of "
                         + ", ".join(BIOCHAR_METHODS))
    if n_fertiliser_method not in N_METHODS:
        raise ValueError(f"n_fertiliser_method {n_fertiliser_method!r} is unknown; expected one of "
                         + ", ".join(N_METHODS))
    if n_draws and biomass_draws is None:
        raise ValueError("biomass_draws are needed when n_draws > 0")
    for name, v, allowed in (("gwp_set", gwp_set, GWP_SETS), ("credit_method", credit_method, CREDIT_METHODS),
                             ("rice_preseason", rice_preseason, RICE_PRESEASON)):
        if v not in allowed:
            raise ValueError(f"{name} {v!r} is unknown; expected one of " + ", ".join(allowed))
    if rice_water_regime is not None and rice_water_regime not in RICE_WATER_REGIMES:
        raise ValueError(f"rice_water_regime {rice_water_regime!r} is unknown; expected one of "
                         + ", ".join(RICE_WATER_REGIMES))
    if rice_amendment is not None and rice_amendment not in RICE_AMENDMENTS:
        raise ValueError(f"rice_amendment {rice_amendment!r} is unknown; expected one of "
                         + ", ".join(RICE_AMENDMENTS))


def _ledger_draws(compute, terms, rows, biomass, energy, tables, g, factor_names, n_draws, seed,
                  biomass_draws, average, active, is_pv, is_base, has_base, bix, H, term_percentiles=True):
    """Monte Carlo P10/P50/P90 of every term (with ``term_percentiles``: the ledger by term needs
    them) and of the net balance (absolute and relative to the plot's do-nothing row) of
    :func:`carbon_ledger`, drawn in chunks of rows.

    Returns ``(pct, q, qv)``: term → (3, rows) percentiles [t CO2e ha⁻¹ yr⁻¹] (empty without
    ``term_percentiles``), and the (3, rows) percentiles of the net and of the net relative to
    the baseline.
    """
    n = len(rows)
    pct = {t: np.full((3, n), np.nan) for t in terms} if term_percentiles else {}
    q, qv = np.full((3, n), np.nan), np.full((3, n), np.nan)
    fd = {k: v[None, :] for k, v in factor_draws(tables, factor_names, n_draws, seed).items()}
    # draws of each option parameter, and the row of them of every plot × option row (NaN: none)
    od = {name: option_parameter_draws(tables, name, n_draws, seed)
          for name in ("diesel_l_ha_yr", "n_fert_kg_ha_yr")}
    od_rows = {name: g.per_option(row) for name, (_, row) in od.items()}

    def opt_draws(name, sel):
        ix = od_rows[name][sel]
        out = np.zeros((len(sel), n_draws))
        ok = ~np.isnan(ix)
        out[ok] = od[name][0][ix[ok].astype(int)]
        return out

    sample_energy = energy_draw_sampler(rows, biomass, tables, n_draws, seed, grid=g)
    if is_pv.any():  # PV electricity from the drawn PV parameters (solar.pv_electricity_draws)

        pv_d = pv_parameter_draws(tables, n_draws, seed)
        pv_yield = (energy["specific_yield_kwh_kwp_yr"].to_numpy(float)
                    if "specific_yield_kwh_kwp_yr" in energy else np.full(n, np.nan))

    def net_draws(sel):
        """Term and net draws of the rows ``sel`` (memory bounded by the chunk, not the portfolio)."""
        ed = sample_energy(sel, biomass_draws[sel])
        en_d = {k: ed[k] for k in ("biochar_t", "electricity_mwh", "heat_gj", "fuel_gj",
                                   "methane_leak_m3", "ethanol_l")}
        if is_pv[sel].any():
            pv_sel = is_pv[sel]
            el = np.array(en_d["electricity_mwh"], float, copy=True)
            el[pv_sel] = pv_electricity_draws(pv_yield[sel][pv_sel], int(H), tables, draws=pv_d)
            en_d["electricity_mwh"] = el
        t_d = compute(fd, biomass_draws[sel], opt_draws("diesel_l_ha_yr", sel),
                      opt_draws("n_fert_kg_ha_yr", sel), en_d, lambda x: np.asarray(x)[sel][:, None],
                      average)
        proc = np.broadcast_to(t_d["processing"], (len(sel), n_draws))
        t_d["processing"] = np.where(np.isnan(proc).all(axis=1, keepdims=True), np.nan, proc)
        live = active[sel][:, None]
        # terms that do not vary by draw are summed as rows × 1 columns (the same sums, element by element)
        net = np.broadcast_to(sum(np.nan_to_num(v) for v in t_d.values()), (len(sel), n_draws))
        return {k: np.broadcast_to(v, (len(sel), n_draws)) for k, v in t_d.items()}, np.where(live, net, np.nan)

    base_rows = np.flatnonzero(is_base)
    base_net = net_draws(base_rows)[1] if len(base_rows) else np.zeros((0, n_draws))
    where_base = pd.Series(np.arange(len(base_rows)), index=base_rows)
    # inactive rows (not applicable, not the baseline) keep NaN: only the active ones are drawn
    todo = np.flatnonzero(active)
    for sel in np.array_split(todo, max(1, int(np.ceil(len(todo) * n_draws / _MC_CHUNK)))):
        if not len(sel):
            continue
        t_d, net_c = net_draws(sel)
        for k, v in t_d.items() if term_percentiles else ():
            pct[k][:, sel] = _frames.row_percentiles(v)
        q[:, sel] = _frames.row_percentiles(net_c)
        hb = has_base[sel]
        ref = base_net[where_base.reindex(bix[sel]).fillna(0).to_numpy(int)] if len(base_rows) else net_c
        qv[:, sel] = _frames.row_percentiles(np.where(hb[:, None], net_c - ref, np.nan))
    return pct, q, qv


def _term_texts(biochar_method, full_chain, days, gwp_ch4, gwp_set, rice_season_days,
                biochar_reapply_interval_yr, heat_user, base_regime, rice_preseason, rice_amendment,
                rice_amendment_t_ha, factors):
    """Method, source keys and note of every ledger term of :func:`carbon_ledger`: the method and
    the note as encoded messages (``led.method.*``, ``led.note.*``; ``''`` for no note), the
    sources as text (term → value). Numbers in the texts are the factors the ledger used
    (``factors``: factor name → typical value, overrides applied)."""
    M = Message.of
    method = {
        "soc_change": M("led.method.soc_change"),
        "biochar_sink": M(f"led.method.biochar_sink.{biochar_method}"),
        "avoided_electricity": M("led.method.avoided_electricity"),
        "avoided_heat": M("led.method.avoided_heat"),
        "avoided_fuel": M("led.method.avoided_fuel"),
        "field_diesel": M("led.method.field_diesel"),
        "n_fertiliser": (M("led.method.n_fertiliser_full_chain", factor=float(factors["n_fert_t_co2e_t_n"]))
                         if full_chain else M("led.method.n_fertiliser")),
        "n2o_fertiliser_direct": M("led.method.n2o_in_full_chain" if full_chain
                                   else "led.method.n2o_fertiliser_direct"),
        "paddy_ch4": M("led.method.paddy_ch4", days=float(days), gwp=float(gwp_ch4), gwp_set=gwp_set.upper()),
        "lime": M("led.method.lime"),
        "biomass_transport": M("led.method.biomass_transport"),
        "processing": M("led.method.processing"),
        "conversion_process": M("led.method.conversion_process"),
    }
    persistence_src = {"ipcc2019": "ipcc2019_biochar", "puro2025": "ipcc2019_biochar;puro2025_biochar",
                       "ebc2020": "ipcc2019_biochar;ebc2020_csink"}[biochar_method]
    sources = {
        "soc_change": "ipcc2019_soc", "biochar_sink": persistence_src, "avoided_electricity": "mee2024_grid",
        "avoided_heat": "samr2025_gbt32150", "avoided_fuel": "ipcc2006_fuel_ef;nist_webbook",
        "field_diesel": "ipcc2006_diesel",
        "n_fertiliser": "zhang2013_nfert" if full_chain else "cbm2019_nrates",
        "n2o_fertiliser_direct": "zhang2013_nfert" if full_chain else (
            "ipcc2019_n2o;ipcc2021_ar6_gwp" if gwp_set == "ar6" else "ipcc2019_n2o;puro2025_biochar"),
        "paddy_ch4": "ipcc2019_rice_ch4;yan2003_china_ch4;" + ("ipcc2021_ar6_gwp" if gwp_set == "ar6"
                                                               else "puro2025_biochar")
        + ("" if rice_season_days is not None else ";climateview_rice_ch4"),
        "lime": "stoichiometry", "biomass_transport": "uk2020_freight;agriremed_assumption",
        "processing": "agriremed_assumption",
        "conversion_process": ("cdm_tool14_digester;verra2025_vm0044;nist_webbook;pronatura2016_carbochar;"
                               "dongying2021_sorghum_lca;ipcc2006_coal_ef;gbt2589_ncv;mee2024_grid"),
    }
    amendment = (M("led.note.amendment", amendment=rice_amendment, t_ha=float(rice_amendment_t_ha))
                 if rice_amendment else M("led.note.no_amendment"))
    notes = {
        "soc_change": M("led.note.soc_change"),
        "biochar_sink": (M("led.note.biochar_sink_every", years=float(biochar_reapply_interval_yr))
                         if biochar_reapply_interval_yr else M("led.note.biochar_sink_once")),
        "avoided_electricity": Message(),
        "avoided_heat": (M("led.note.avoided_heat_user", user=str(heat_user)) if heat_user
                         else M("led.note.avoided_heat_none")),
        "paddy_ch4": (M("led.note.paddy_ch4", regime=base_regime, preseason=rice_preseason, amendment=amendment)
                      + (None if rice_season_days is not None else M("led.note.season_default"))),
        "avoided_fuel": Message(), "field_diesel": Message(), "n_fertiliser": Message(),
        "n2o_fertiliser_direct": Message(), "lime": M("led.note.lime"),
        "biomass_transport": M("led.note.biomass_transport"),
        "processing": M("led.note.processing", key="factor.processing_kwh_t"),
        "conversion_process": M("led.note.conversion_process",
                                ch4=float(factors["pyrolysis_ch4_t_t_char"]),
                                kwh_char=float(factors["pyrolysis_electricity_kwh_t_char"]),
                                kwh_l=float(factors["ethanol_plant_kwh_l"]),
                                coal_kg_l=float(factors["ethanol_plant_coal_kg_l"]),
                                coal_key="factor.ethanol_plant_coal_kg_l"),
    }
    return ({t: m.encode() for t, m in method.items()}, sources, {t: m.encode() for t, m in notes.items()})


def _ledger_by_year(compute, n, names, idx, pid, oid, eff, years_new, hv, cuts_hv, B, soc_rate, opt_diesel_typ,
                    opt_n_typ, en_typ, f_typ, is_pv, pv_year, H) -> pd.DataFrame:
    """Year-by-year ledger of the active rows ``idx`` of :func:`carbon_ledger` (its third output):
    ``compute`` gives the terms of a block of rows × years; ``n`` rows in all."""
    m = len(idx)
    eff_d = eff[idx]  # NaN: nothing applied; inf: applied in year 1 only
    yn = years_new[idx]
    a = np.minimum(yn, 20.0)
    back = np.minimum(np.maximum(H - yn, 0.0), a)
    at = np.full(n, -1, dtype=np.intp)
    at[hv] = np.arange(len(hv))
    cut_row = at[idx]
    Hn = int(H)
    per_year = {t: np.empty((m, Hn)) for t in names}
    net_y = np.empty((m, Hn))
    en_sub = {k: v[idx] for k, v in en_typ.items()}
    rate_sub = soc_rate[idx]
    B_sub, diesel_sub, n_sub = B[idx], opt_diesel_typ[idx], opt_n_typ[idx]
    y0 = np.arange(Hn)[None, :]  # year − 1 of every column
    # every year at once (rows × years), in blocks of rows that stay in cache
    for lo in range(0, m, _YEAR_BLOCK):
        blk = slice(lo, min(lo + _YEAR_BLOCK, m))
        yb, eb = yn[blk, None], eff_d[blk, None]
        loss = np.clip(np.minimum(y0 + 1, yb + back[blk, None]) - np.maximum(y0, yb), 0.0, 1.0)
        cr = cut_row[blk]
        per_cut = np.zeros((len(cr), Hn))
        has = cr >= 0
        with np.errstate(invalid="ignore", divide="ignore"):
            per_cut[has] = cuts_hv[cr[has]] / B_sub[blk][has, None]
        period = {"ops": np.clip(yb - y0, 0.0, 1.0), "bio": np.nan_to_num(per_cut),
                  "elec": np.where(is_pv[idx[blk]][:, None], pv_year[None, :], np.nan_to_num(per_cut)),
                  "app": np.where(np.isnan(eb), False, (y0 % np.nan_to_num(eb, nan=1.0)) < 1).astype(float),
                  "soc": rate_sub[blk, None] * (np.clip(a[blk, None] - y0, 0.0, 1.0) - loss)}

        def col(x, rows_blk=idx[blk]):  # a per-row array at this block's ledger rows, as a column
            x = np.asarray(x)
            return x if x.ndim == 2 else x[rows_blk][:, None]

        acc = np.zeros((len(cr), Hn))
        for term, val in compute(f_typ, B_sub[blk, None], diesel_sub[blk, None], n_sub[blk, None],
                                 {k: v[blk, None] for k, v in en_sub.items()}, col, period).items():
            per_year[term][blk] = val
            acc += np.nan_to_num(per_year[term][blk])
        net_y[blk] = acc
    ycols = {"plot_id": np.repeat(pid[idx], Hn), "option_id": np.repeat(oid[idx], Hn),
             "ledger_year": np.tile(np.arange(1, Hn + 1), m)}
    for t in names:
        ycols[f"{t}_co2e_t_ha"] = per_year[t].ravel()
    ycols["year_net_co2e_t_ha"] = net_y.ravel()
    ycols["cumulative_net_co2e_t_ha"] = np.cumsum(net_y, axis=1).ravel()
    return _frames.frame(ycols, m * Hn)


def _credit_columns(mass, feedstock, temperature_class, active, tables, h_corg, soil_temp_c,
                    production_per_t) -> dict:
    """Per plot × option: the inventory sink and each registry's credit for the biochar applied
    [t CO2e ha⁻¹ yr⁻¹], each registry's eligibility status and the reasons (blank without biochar)."""
    n = len(mass)
    sel = np.flatnonzero(active & (mass > 0) & ~pd.isna(feedstock))
    out = {"biochar_inventory_sink_co2e_t_ha_yr": np.full(n, np.nan)}
    for short in REGISTRY_SHORT.values():
        out[f"biochar_credit_{short}_co2e_t_ha_yr"] = np.full(n, np.nan)
        out[f"biochar_status_{short}"] = np.full(n, None, dtype=object)
    out["biochar_credit_note"] = np.full(n, None, dtype=object)
    if not len(sel):
        return out
    c = biochar_credits(mass[sel], np.asarray(feedstock, dtype=object)[sel],
                        np.asarray(temperature_class, dtype=object)[sel], tables, h_corg,
                        np.asarray(soil_temp_c, float)[sel], mass[sel] * production_per_t)
    notes = {}
    for reg, part in c.groupby("registry", sort=False):
        rows = sel[part["row"].to_numpy(int)]
        if reg == "ipcc2019":
            out["biochar_inventory_sink_co2e_t_ha_yr"][rows] = part["gross_t_co2e"].to_numpy(float)
            continue
        short = REGISTRY_SHORT[reg]
        out[f"biochar_credit_{short}_co2e_t_ha_yr"][rows] = part["credit_t_co2e"].to_numpy(float)
        out[f"biochar_status_{short}"][rows] = _frames.obj(part["status"])
        for r, st, why in zip(rows, part["status"], part["reason"], strict=True):
            notes.setdefault(r, []).append(f"{reg}: {st} ({why})")
    for r, texts in notes.items():
        out["biochar_credit_note"][r] = "; ".join(texts)
    return out


def ledger_wide(ledger: pd.DataFrame) -> pd.DataFrame:
    """One column per ledger term, ``<term>_co2e_t_ha_yr``, per plot × option.

    Parameters
    ----------
    ledger : pandas.DataFrame
        First output of :func:`carbon_ledger`.

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id`` and a column per term of :data:`LEDGER_TERMS`
        [t CO2e ha⁻¹ yr⁻¹].
    """
    w = ledger.pivot_table(index=["plot_id", "option_id"], columns="term", values="co2e_t_ha_yr",
                           aggfunc="first", dropna=False, sort=False)
    w = w.reindex(columns=list(LEDGER_TERMS))
    w.columns = [f"{t}_co2e_t_ha_yr" for t in w.columns]
    return w.reset_index()
