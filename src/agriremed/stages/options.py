"""Remediation options and their applicability rules.

The option library is ``options.csv`` (one row per option, with its rules) and
``option_parameters.csv`` (one row per parameter range, with sources). For every
plot, :func:`evaluate_options` builds one row per option and decides whether the
option applies. Rules are checked in a fixed, readable order and the first failing
rule gives the reason; an applicable option states what it treats. An excluded
option always carries its reason.

Rules, in order:

0. the option has the data it needs (``status`` is not ``data_gap``; the gap is named);
1. land use is among the option's ``land_uses``;
2. the jurisdiction rule set (``land_rules.csv``, scenario ``rule_set``; default
   ``china``) does not forbid the option's policy family on land of this soil class,
   land use and permanent-basic-farmland status (the reason names the rule and its
   sources); see :func:`policy_status`;
3. the plot's GB 15618 class is among the option's ``soil_classes`` (food crops are
   not grown on strict-control land; priority-protection land needs no clean-up);
4. the option treats a metal that needs treating (:func:`treated_metals`, one gate for
   every stage; what it treats may depend on the land use, :func:`treats_masks`: the maize
   switch treats Hg on paddy land only): a remediation option treats at least one metal above its screening
   value; a protective option (amendment, safe crop) may instead answer a metal
   predicted to make the crop fail the food limit; on strict-control land every
   non-food use is applicable as risk control even if it treats none of the metals
   (its reason says which metals it does not treat, and it is credited no clean-up);
   4b. a protective option that answers only a crop risk (its metals are below their
   screening values) while a metal above its screening value is left untreated is excluded
   where another applicable protective option treats a metal above its screening value that
   it leaves untreated (:func:`_drop_risk_only`; e.g. no Cd-only measure as the treatment of
   an As paddy), unless the crop risk it answers is one the plan rates red (the crop's
   predicted compliance below the food-safety amber threshold);
   4c. a package (``option_packages.csv``) is excluded where one of its components, applicable
   there, answers every metal the package answers and its other components treat none of them
   (:func:`_drop_idle_package`; e.g. the Fe–Si As amendment + low-Cd rice on an As paddy whose
   rice is predicted within the Cd limit: the amendment alone applies);
   4d. not an exclusion but a policy status: GB 15618-2018 defines the screening value as the level
   at or below which the risk to produce quality, crop growth or soil ecology is low and can
   generally be ignored, and takes safe-utilisation measures, in principle, above it, for the metal
   that exceeds. So on land where some metal exceeds its screening value, a protective option that
   treats none of the metals above their screening value is not the safe-utilisation measure for the
   metal that puts the land in its class: the rule of :data:`OFF_CLASS_FAMILY`
   (``cn_safe_measure_off_class``, ``allowed``) replaces its ``expected`` status, it ranks among the
   allowed options, and its sentence says that no measure treats the class metal (low-Cd rice on a
   paddy where only Pb exceeds). Where it answers only a *minor* crop risk of a metal below its
   screening value (foliar Zn or lime against the Cd risk of maize on dry land where only As exceeds;
   biochar against it where only Ni exceeds), the rule of :data:`MINOR_RISK_FAMILY`
   (``cn_safe_measure_minor_risk``, ``allowed``) applies instead, and the ranking puts it with
   unchanged practice and after it (``target_tier`` 5), whose steps test each harvest. An option that
   treats a metal above its screening value is the measure for that metal and keeps its status,
   whatever else it answers: a package that treats the exceeding
   metal is never demoted by this rule (the Fe–Si As amendment + low-Cd rice on an As paddy whose rice
   has an amber Cd risk treats As, and its low-Cd variety lifts the rice's Cd compliance at little
   cost; it stays expected and ranks before the amendment alone, which leaves that risk as it is);
   where its low-Cd variety answers nothing, rule 4c excludes it.
   A crop risk is minor only where it rests on a prediction the project itself documents as biased
   high: the transfer function predicting that metal in the plot's crop is flagged ``over_predicts``
   (``known_bias`` of ``transfer_functions.csv``, with ``known_bias_source`` and ``known_bias_note``
   citing the checks; :meth:`~agriremed.core.tables.Tables.over_predicting_functions`): the maize Cd
   synthesis (``synth_maize_cd_ph``, ``synth_maize_cd_ph_alkaline``: on the northern-China pH-class
   thresholds kept out of its calibration it predicts 30–37 % of kernels above the limit where the
   survey puts 5 %, and 39 % against 0.8 % on the Guizhou karst soils, docs/validation.md) and the pH-blind national BCFs. A below-screening risk
   predicted by a calibrated function (the rice Cd synthesis, its intercept set on survey data; the
   wheat default, the UK function with pH; a user's fit) is a real prediction that the crop fails the
   food limit in some seasons, and the measure answering it is not demoted behind unchanged practice
   (low-Cd rice on a Pb paddy whose rice is within the Cd limit in 67 % of seasons: 89 % and
   +11,702 CNY/ha); one predicted only by a function documented to over-predict is not by itself a
   reason to rank a measure ahead of unchanged practice, whose steps test each harvest (Shimen's As-only
   maize, Cd 0.25 at pH 6.0: 69 % as now, 79 % after foliar Zn). Even so the risk is not minor where
   (i) the plot's harvest was measured above the food limit for that metal (``crop_<metal>_mg_kg``,
   :func:`_measured_over_masks`), the produce monitoring that GB 15618 asks for above the screening
   value having found the crop unsafe, or (ii) the plan rates it red (predicted compliance below the
   food-safety amber threshold of ``traffic_lights.csv``, as in rule 4b): a red rating says the crop
   is predicted to fail more often than not, which the "generally negligible" of the standard does not
   cover; the maize synthesis rates a maize field below the upland Cd screening value (0.3 mg/kg up to
   pH 7.5) red only below about pH 5 (median safe soil Cd 0.21 mg/kg at pH 4.5, 0.31 at pH 5.0). A
   ``crop_risk`` without ``function_id`` counts every risk as calibrated (none is minor);
   4e. not an exclusion but a policy status: on priority-protection land (every metal at or below its
   screening value, no measure needed) a soil amendment (kind ``immobilisation``, or a package with one:
   the VIP+n packages with their lime, :func:`soil_amendment_options`) that answers no crop risk
   rated red and none measured above the food limit takes the rule of :data:`UNNEEDED_AMENDMENT_FAMILY`
   (``cn_priority_no_amendment``, ``restrained``): it ranks after the options that need no such spend,
   unchanged practice included, whatever the weights (biochar on a clean paddy, Cd 0.2 at pH 6.5, once
   recommended for its carbon at 36 217 CNY/ha); safe crops (variety, water, foliar spray) keep their status;
5. soil pH is within the option's ``ph_min``–``ph_max``; where the plot's pH is not measured (blank: its class is
   the same at every pH band), an option with a pH range or a lime dose is excluded (``opt.ph_not_measured``);
6. no metal listed in ``blocked_by`` exceeds its screening value (e.g. biochar and
   flooding can mobilise As; flooding promotes Hg methylation and grain methylmercury);
   the reason names the blocking metals that exceed on the plot;
   6b. where ``needs_exceeding`` lists metals, at least one of them exceeds its screening value
   (the VIP+n package without flooding is for paddies where As or Hg rules flooding out; on a
   Cd paddy the package with flooding is the programme's measure);
7. an option that protects the current crop needs a current food crop; a crop
   substitution needs a current crop other than the one it switches to; a measure made for
   its own crop that is no crop switch (the rice measures) is not used on a plot growing
   another food crop (the wheat row of a rice–wheat paddy: its rice season is a row of its
   own), unless its ``crops`` column lists the crops it replaces; on paddy land a crop switch
   (the maize switch) is the switch from the paddy crop (rice, ``land_use`` of ``crops.csv``):
   it is not used on a paddy row growing another food crop (the winter wheat or rapeseed row
   of a rice–wheat or rice–rapeseed paddy, where a summer crop would take the place of the
   rice season, not of the winter one; an idle paddy may still switch); on idle dry land below
   every screening value (crop ``none``, ``upland``; a cotton or tobacco field is not idle) a
   crop substitution returns the land to grain: rules 3 and 4 do not exclude it and its
   reason names the crop assumed;
8. the plot's mean annual temperature is at least the option's ``min_mean_temp_c``
   (species whose field evidence comes only from warm-temperate and subtropical
   China); plots without ``mean_temp_c`` are not excluded, and the reason says the
   climate was not checked;
   8b. a plot outside China (``abroad``: its region names another country) whose ``lat`` is north of the
   option's limit in ``option_latitude_limits.csv`` is excluded, the reason naming the latitude, the limit
   and its source (unconfirmed where the source is secondary): grain maize north of about 50° N, to which
   it is reported grown in north-west Europe, is not ranked on Chinese yields; a plot in China (Heilongjiang
   at 47–53° N) is planned on the Chinese yields whatever its latitude. A plot without ``lat`` is judged by
   its region (``lat_from``): the point of its prefecture or province (``place_coordinates.csv``) where the
   region names one, else the latitude range of the country it names (``countries.csv``, Natural Earth
   1:50m), excluded where the whole range lies north of the limit; the reason says the latitude came from
   the region. Where neither decides (no point, no range, or a range across the limit) the option is not
   excluded and the recommendation says the limit could not be checked.

An applicable option whose evidence has gaps (e.g. an unconfirmed yield) lists them in
``data_gaps``. Every row also carries its policy status (``expected``, ``allowed``,
``restrained`` or ``forbidden``) and the deciding rule (``policy_rule``); the ranking puts the
options the rule set expects before those it merely allows, and those before the ones it
restrains (allowed, but only after every allowed option); an option allowed by the minor-risk rule
of rule 4d ranks after the other allowed options, unchanged practice included.

Rule sets (``land_rules.csv``, one row per rule with ``reason_en``, ``reason_zh`` and
``source``):

* ``china`` (default), from the Soil Pollution Prevention and Control Law (2018), the
  Soil Pollution Action Plan (2016), GB 15618-2018 and the land-use notices of
  2020–2021: safe-utilisation cultivated land stays in food production with agronomic
  control and substitute planting (expected; unchanged practice allowed but ranked after
  them; non-food uses restrained, ranked after unchanged practice too, so that no weighting
  takes a plot that can keep its food crop out of food production); strict-control land grows no edible crops (forbidden) and leaves food
  production by structure adjustment, fallow or, outside permanent basic farmland,
  returning farmland to forest or grass (expected; on an orchard, energy trees); idle dry
  land below every screening value goes back to grain (expected); trees, nursery stock and turf
  are forbidden on permanent basic farmland, and on safe-utilisation and
  priority-protection cultivated land; an orchard or tea garden (园地) is other agricultural land,
  not cultivated land: there, outside strict control, trees and (on safe-utilisation land) PV are
  restrained, ranked after keeping its crop, and PV on an orchard whose basic-farmland status is
  unknown is allowed only after that check;
* ``none``: research runs, nothing forbidden or expected by policy (the option
  library's own rules still apply).

A user folder adds rule sets (another jurisdiction) through its own ``land_rules.csv``.
The packaged tables hold no UK or Danish set: no rule for those jurisdictions has been
read in a source yet.

The module also holds the dose–responses of the amendments in the library:
:func:`biochar_reduction` (grain-Cd reduction against biochar rate, scaled by the
feedstock's relative efficacy of :func:`biochar_efficacy`) and :func:`lime_ph_change`
(pH rise against lime rate).

Biochar feedstock and pyrolysis temperature (``biochar_feedstock`` and
``biochar_temperature`` of ``options.csv``, or the scenario's choice) act as follows:

* feedstock scales the Cd dose–response by its relative efficacy E
  (``biochar_feedstock_effects.csv``: the feedstock's pooled grain-Cd reduction over the
  pooled paddy mean; a feedstock without its own row takes the pooled default E = 1);
* temperature sets the carbon sink (:mod:`agriremed.stages.carbon`) but not the Cd effect (no
  sourced magnitude); it sets the As text: where As exceeds its screening value the
  option is excluded (rule 5), and where As is measured but below it, a char made above
  the temperature at which As mobilisation rose most carries a caution in its reason.
  No As reduction is ever credited to biochar.

References
----------
.. [1] MEE & SAMR (2018) GB 15618-2018 (soil classes, pH bands).
.. [2] Cui L. et al. (2011) BioResources 6(3):2605–2618 (biochar dose–response).
.. [3] Chen H. et al. (2018) Chemosphere 207:699–707 (7.5 t/ha CaCO3: pH 5.5 → 6.5).
.. [4] IPCC (2006) Vol. 4 Ch. 3 Annex 3A.5 (warm-temperate zone: MAT > 10 °C).
.. [5] Paddy biochar meta-analysis by feedstock (data 2000–2023): grain Cd −25 % with
   sawdust char, −13 % with rice-husk char; pooled paddy means −43.6 % (biochar, 2018)
   and −33.4 % (all amendments, Ge et al. 2023).
.. [6] Arabi Z. et al. (2021) Environ. Pollut. 286:117199 (As mobilisation by biochar,
   largest for chars made above 450 °C).
.. [7] 土壤污染防治法 (2018) Arts. 49–57; 土壤污染防治行动计划 (国发〔2016〕31号);
   国办发〔2020〕44号; 国办发明电〔2020〕24号; 自然资发〔2021〕166号 (keys of
   ``sources.csv`` in the ``source`` column of ``land_rules.csv``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import citations as _citations
from agriremed.core import frames as _frames
from agriremed.core import i18n as _i18n
from agriremed.core.messages import Message, encode_column, printed, render, render_encode
from agriremed.core.tables import Tables, load_tables, split_keys
from agriremed.core.uncertainty import parameter_draws
from agriremed.core.columns import COLUMNS, CROP_AS_INORGANIC, METALS, crop_metal_column, metal_column

__all__ = ["evaluate_options", "policy_status", "climate_for_full_yield", "rule_sets", "treated_metals",
           "treats_metals", "treats_masks",
           "POLICY_STATUSES",
           "option_parameter", "parameter_for_rows", "library_parameter",
           "option_parameter_draws", "align_rows", "options_table",
           "biochar_reduction", "biochar_efficacy", "lime_ph_change", "lime_requirement", "lime_dose_t_ha",
           "lime_share", "lime_by_requirement", "lime_applications_t_ha", "latitude_limits"]

def options_table(tables: Tables | None = None, only=None) -> pd.DataFrame:
    """The option library, optionally restricted to some ids (``do_nothing`` is kept)."""
    tables = tables or load_tables()
    opts = tables.options
    if only is not None:
        keep = set(only) | {"do_nothing"}
        unknown = set(only) - set(opts["option_id"])
        if unknown:
            raise KeyError(f"unknown option id(s): {', '.join(sorted(unknown))}; known: "
                           + ", ".join(opts["option_id"]))
        opts = opts.loc[opts["option_id"].isin(keep)]
    return opts.reset_index(drop=True)


def option_parameter(tables: Tables, option_id: str, parameter: str, metal: str = "",
                     which: str = "typical") -> float:
    """One value of an option parameter (``NaN`` when the option does not have it): :func:`parameter_for_rows`
    of one row, looked up directly (called per option, many times a plan)."""
    index, values = _parameter_index(tables.option_parameters)
    col = values[which]
    i = index.get((option_id, parameter, metal or ""))
    return float(col[i]) if i is not None else float("nan")


def parameter_for_rows(tables: Tables, option_ids, parameter: str, metal: str = "",
                       which: str = "typical") -> np.ndarray:
    """One option parameter for every row of a plot × option table.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    option_ids : array_like of str
        Option of each row.
    parameter : str
        Parameter name in ``option_parameters.csv``.
    metal : str
        Metal of a per-metal parameter (``''`` for plot-level parameters).
    which : {"low", "typical", "high"}
        Which end of the range.

    Returns
    -------
    numpy.ndarray
        Value per row [the parameter's unit]; NaN where the option has no such parameter.
    """
    index, values = _parameter_index(tables.option_parameters)
    codes, uniq = pd.factorize(_frames.obj(option_ids), use_na_sentinel=False)
    col = values[which]
    found = np.array([col[index[k]] if (k := (o, parameter, metal or "")) in index else np.nan
                      for o in uniq], dtype=float)
    return found[codes] if len(uniq) else np.full(len(codes), np.nan)


def library_parameter(tables: Tables, parameter: str, metal: str = "", which: str = "typical") -> np.ndarray:
    """:func:`parameter_for_rows` for the options of the library, in the order of ``options.csv``.

    Computed once per :class:`~agriremed.core.tables.Tables` object (read-only array); a stage
    maps it onto its plot × option rows with ``Grid.per_option``.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    parameter : str
        Parameter name in ``option_parameters.csv``.
    metal : str
        Metal of a per-metal parameter (``''`` for plot-level parameters).
    which : {"low", "typical", "high"}
        Which end of the range.

    Returns
    -------
    numpy.ndarray
        Value per library option [the parameter's unit]; NaN where the option has no such
        parameter. Sources: the ``source`` column of ``option_parameters.csv``.
    """
    def build():
        v = parameter_for_rows(tables, tables.options["option_id"], parameter, metal, which)
        v.flags.writeable = False
        return v

    return tables.memo(("library_parameter", parameter, metal or "", which), build)


_PARAM_INDEX: dict[int, tuple] = {}


def option_parameter_draws(tables: Tables, parameter: str, n_draws: int, seed: int):
    """Monte Carlo draws of a library-wide option parameter (one without a metal).

    Parameters
    ----------
    tables : Tables
        Literature tables.
    parameter : str
        Parameter name in ``option_parameters.csv``.
    n_draws : int
        Draws.
    seed : int
        Scenario seed.

    Returns
    -------
    draws : numpy.ndarray
        Shape ``(options with the parameter, n_draws)`` [unit of the parameter].
    row : numpy.ndarray
        For each option of ``tables.options``: its row of ``draws`` (NaN: the option has none).
    """

    def build():
        op = tables.option_parameters
        rows = op.loc[(op["parameter"] == parameter) & op["metal"].fillna("").eq("")].reset_index(drop=True)
        pos = _frames.index_of(rows["option_id"], tables.options["option_id"]).astype(float)
        return parameter_draws(rows, n_draws, seed), np.where(pos >= 0, pos, np.nan)

    return tables.memo_draws(("option_parameter_draws", parameter, n_draws, seed), build)


def _parameter_index(p: pd.DataFrame):
    """(option, parameter, metal) → row position, and the low/typical/high arrays (cached per table)."""
    hit = _PARAM_INDEX.get(id(p))
    if hit is not None and hit[0] is p:
        return hit[1]
    keys = zip(p["option_id"].to_numpy(object), p["parameter"].to_numpy(object),
               p["metal"].fillna("").to_numpy(object), strict=True)
    index = {}
    for i, k in enumerate(keys):
        index.setdefault(k, i)
    values = {w: p[w].to_numpy(float) for w in ("low", "typical", "high")}
    if len(_PARAM_INDEX) > 32:
        _PARAM_INDEX.clear()
    _PARAM_INDEX[id(p)] = (p, (index, values))
    return index, values


def climate_for_full_yield(species, driver: str = "annual_rain_mm", tables: Tables | None = None) -> np.ndarray:
    """Annual rain [mm] or mean temperature [°C] from which each species' yield is no longer
    limited by it, NaN where its yield has no such ramp.

    The ``x_full`` of the ramp row of ``driver`` in ``yield_adjustments.csv`` (the species' own
    row over a ``*`` row; :func:`agriremed.stages.biomass.yield_adjustments`). A plot without the
    driver's column gets the unlimited yield of such a species, which its reason and its
    recommendation say.

    Parameters
    ----------
    species : array_like of str
        Species of the options (``species`` of ``options.csv``; blank for none).
    driver : {"annual_rain_mm", "mean_temp_c"}
        Climate driver of the ramp.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    numpy.ndarray of float
        Value of full yield [mm or °C], one per species.

    Examples
    --------
    >>> climate_for_full_yield(["miscanthus", "sorghum", ""]).tolist()
    [800.0, 450.0, nan]
    >>> climate_for_full_yield(["miscanthus"], "mean_temp_c").tolist()
    [10.0]
    """
    tables = tables or load_tables()
    full = {}
    for r in tables.rows("yield_adjustments"):
        if r.driver == driver:
            full[r.species] = float(pd.to_numeric(r.x_full, errors="coerce"))
    default = full.get("*", np.nan)
    return np.array([full.get(_text(sp), default) if _text(sp) else np.nan for sp in species], dtype=float)


def align_rows(frame: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``frame`` re-ordered to the (plot_id, option_id) rows of ``rows`` (missing → NaN)."""
    key = pd.MultiIndex.from_frame(rows[["plot_id", "option_id"]])
    return frame.set_index(["plot_id", "option_id"]).reindex(key)


def biochar_reduction(rate_t_ha, rmax, k_per_t_ha, response_factor=1.0, cap: float = 0.95):
    """Fractional reduction of grain Cd by biochar at a given rate.

    R(D) = min(cap, F · rmax · (1 − exp(−k·D))), a saturating dose–response.

    Parameters
    ----------
    rate_t_ha : array_like
        Biochar rate D [t ha⁻¹], ≥ 0.
    rmax : array_like
        Reduction approached at high rates [–].
    k_per_t_ha : array_like
        Rate constant k [ha t⁻¹].
    response_factor : array_like
        Multiplier F for site-to-site variation around the fitted curve [–].
    cap : float
        Largest reduction allowed [–].

    Returns
    -------
    numpy.ndarray
        Reduction R [–], never decreasing with the rate.

    References
    ----------
    .. [1] Cui L. et al. (2011) BioResources 6(3):2605–2618; curve fitted by agriremed to
       the six grain-Cd reductions (rmax 0.564, k 0.066 ha t⁻¹).

    Examples
    --------
    >>> [round(float(biochar_reduction(d, 0.564, 0.066)), 3) for d in (10, 20, 40)]
    [0.272, 0.413, 0.524]
    """
    d = np.maximum(np.asarray(rate_t_ha, float), 0.0)
    k = np.asarray(k_per_t_ha, float)
    r = np.asarray(response_factor, float) * np.asarray(rmax, float) * (1.0 - np.exp(-k * d))
    return np.minimum(r, cap)


def biochar_efficacy(feedstock, tables: Tables | None = None, metal: str = "cd",
                     which: str = "typical") -> tuple[np.ndarray, np.ndarray]:
    """Relative efficacy E of a biochar feedstock for the grain-metal dose–response.

    E multiplies the fitted reduction: R(D) = min(cap, E · F · rmax · (1 − exp(−k·D))).
    E = feedstock's pooled grain-Cd reduction / pooled paddy mean (computed by agriremed in
    ``biochar_feedstock_effects.csv``). A feedstock without its own row takes the pooled
    default (the row with feedstock ``*``: the fitted curve as it stands).

    Parameters
    ----------
    feedstock : str or array_like of str
        Biochar feedstock class (as in ``biochar_carbon.csv``: ``wood``, ``rice_straw`` …).
    tables : Tables, optional
        Literature tables.
    metal : str
        Metal of the dose–response.
    which : {"low", "typical", "high"}
        Which end of the range.

    Returns
    -------
    efficacy : numpy.ndarray
        E [–] per feedstock (NaN when the table has no row for the metal at all).
    pooled : numpy.ndarray of bool
        True where the pooled default was used (no feedstock-specific figure).

    References
    ----------
    .. [1] Paddy biochar meta-analysis by feedstock: grain Cd −25 % (sawdust char), −13 %
       (rice-husk char); pooled means −43.6 % (2018 paddy biochar meta-analysis) and
       −33.4 % (Ge et al. 2023, all amendments).

    Examples
    --------
    >>> e, pooled = biochar_efficacy(["wood", "rice_straw", "manure"])
    >>> [round(float(x), 3) for x in e], pooled.tolist()
    ([0.655, 0.341, 1.0], [False, False, True])
    """
    tables = tables or load_tables()
    t = tables.biochar_feedstock_effects
    t = t.loc[(t["metal"] == metal) & (t["effect"] == "relative_efficacy")]
    by = dict(zip(t["feedstock"], t[which].to_numpy(float), strict=True))
    fs = np.atleast_1d(np.asarray(feedstock, dtype=object))
    own = np.array([isinstance(f, str) and f in by and f != "*" for f in fs], dtype=bool)
    default = by.get("*", np.nan)
    e = np.array([by[f] if o else default for f, o in zip(fs, own, strict=True)], dtype=float)
    return e, ~own


def _biochar_as_texts(o, tables: Tables) -> tuple[Message | None, Message | None]:
    """Exclusion message (As above screening) and caution message (As measured below it) of a
    biochar option (``None`` when there is none)."""
    t = tables.biochar_feedstock_effects
    row = t.loc[(t["metal"] == "as") & (t["effect"] == "raises_mobility_above_c")]
    if row.empty:
        return None, None
    above = float(row["typical"].iloc[0])
    src = "; ".join(str(row["source"].iloc[0]).split(";"))
    tc = _text(getattr(o, "biochar_temperature", ""))
    perm = tables.indexed("biochar_permanence", "temperature_class")
    if tc not in perm.index:
        return Message.of("opt.biochar_as_unknown", metals="as", sources=src), None
    lo, hi = float(perm.loc[tc, "t_above_c"]), float(perm.loc[tc, "t_up_to_c"])
    span = f"{lo:g}–{hi:g} °C" if np.isfinite(hi) else f"> {lo:g} °C"
    if lo >= above:
        block = Message.of("opt.biochar_as_hot", metals="as", above_c=above, span=span, sources=src)
        warn = Message.of("opt.biochar_as_caution", above_c=above, span=span, sources=src)
        return block, warn
    return Message.of("opt.biochar_as_cool", metals="as", above_c=above, span=span, sources=src), None


def lime_ph_change(lime_t_ha, ph_rise_per_t_ha, ph=None, ph_cap: float = 7.5):
    """pH rise of a soil limed with CaCO3.

    Linear in the rate through zero, ΔpH = s · L, and never above ``ph_cap`` when the
    starting pH is given.

    Parameters
    ----------
    lime_t_ha : array_like
        CaCO3 applied L [t ha⁻¹].
    ph_rise_per_t_ha : array_like
        Slope s [pH units per t ha⁻¹].
    ph : array_like, optional
        Soil pH before liming [–].
    ph_cap : float
        Highest pH the liming aims for [–] (the callers pass the option's target pH,
        :func:`lime_dose_t_ha`; 7.5 without one).

    Returns
    -------
    numpy.ndarray
        ΔpH [–], ≥ 0.

    References
    ----------
    .. [1] Chen H. et al. (2018) Chemosphere 207:699–707: 7.5 t ha⁻¹ CaCO3 raised pH
       from 5.5 to 6.5 (s = 0.133 per t ha⁻¹, computed; one soil).

    Examples
    --------
    >>> round(float(lime_ph_change(7.5, 0.133)), 2)
    1.0
    >>> round(float(lime_ph_change(7.5, 0.133, ph=7.0)), 2)
    0.5
    """
    rise = np.maximum(np.asarray(lime_t_ha, float) * np.asarray(ph_rise_per_t_ha, float), 0.0)
    if ph is not None:
        rise = np.minimum(rise, np.maximum(ph_cap - np.asarray(ph, float), 0.0))
    return rise


def lime_requirement(ph, target_ph, ph_rise_per_t_ha, max_t_ha):
    """CaCO3 needed to raise a soil to a target pH, capped at the largest single application.

    L = min(L_max, max(pH_target − pH, 0) / s): the rise per t ha⁻¹ ``s`` is the soil's field
    buffer (its inverse, t CaCO3 ha⁻¹ per pH unit, is the pH buffer capacity of the lime-requirement
    method). A soil at or above the target needs none.

    Parameters
    ----------
    ph : array_like
        Soil pH before liming [–].
    target_ph : array_like
        pH the liming aims for [–].
    ph_rise_per_t_ha : array_like
        pH rise per t ha⁻¹ CaCO3, s [t⁻¹ ha].
    max_t_ha : array_like
        Largest single application L_max [t ha⁻¹].

    Returns
    -------
    numpy.ndarray
        CaCO3 to apply [t ha⁻¹], ≥ 0.

    Examples
    --------
    >>> round(float(lime_requirement(6.0, 6.5, 0.133, 7.5)), 2)
    3.76
    >>> float(lime_requirement(5.0, 6.5, 0.133, 7.5)), float(lime_requirement(6.8, 6.5, 0.133, 7.5))
    (7.5, 0.0)
    >>> round(float(lime_requirement(6.2, 6.5, 0.329, 4.5)), 3)
    0.912
    """
    need = np.maximum(np.asarray(target_ph, float) - np.asarray(ph, float), 0.0) / np.asarray(ph_rise_per_t_ha, float)
    return np.minimum(need, np.asarray(max_t_ha, float))


def _lime_target_ph(tables: Tables, option_ids) -> np.ndarray:
    """Target pH of each row's liming: the option's ``target_ph`` row of ``option_parameters.csv`` where it
    has one, else its ``ph_max`` in ``options.csv`` (the top of the pH range its field evidence limes to:
    pH 6.5 for the rice and dry-land lime options); NaN for an option with neither."""
    return _lime_columns(tables, option_ids)[:, _LIME_TARGET]


#: Columns of :func:`_lime_columns`: ``lime_t_ha``, ``ph_rise_per_t_ha``, the liming's target pH
#: (:func:`_lime_target_ph`), the ``target_ph`` row itself and ``relime_below_ph``.
_LIME_FULL, _LIME_RISE, _LIME_TARGET, _LIME_TARGET_ROW, _LIME_BELOW = range(5)


def _lime_columns(tables: Tables, option_ids) -> np.ndarray:
    """The lime parameters of each row (rows × :data:`_LIME_FULL` … :data:`_LIME_BELOW`; typical values,
    NaN where the option has none), from a per-option lookup built once per tables object: the lime
    functions run for every lime option many times a plan, and reading ``ph_max`` of ``options.csv`` as
    numbers each time cost more than the arithmetic."""
    def build():
        lib = tables.indexed("options", "option_id")
        ids = pd.unique(np.concatenate([tables.options["option_id"].to_numpy(object),
                                        tables.option_parameters["option_id"].to_numpy(object)]))
        ph_max = (pd.to_numeric(lib["ph_max"], errors="coerce") if "ph_max" in lib
                  else pd.Series(dtype=float))
        top = pd.Series(ids, dtype=object).map(ph_max).to_numpy(float)
        cols = [parameter_for_rows(tables, ids, p) for p in ("lime_t_ha", "ph_rise_per_t_ha", "target_ph")]
        target = np.where(np.isnan(cols[2]), top, cols[2])
        below = parameter_for_rows(tables, ids, "relime_below_ph")
        values = np.column_stack([cols[0], cols[1], target, cols[2], below])
        return dict(zip(ids.tolist(), values, strict=True))

    table = tables.memo("lime_columns", build)
    codes, uniq = pd.factorize(_frames.obj(option_ids), use_na_sentinel=False)
    none = np.full(5, np.nan)
    found = np.array([table.get(o, none) for o in uniq], dtype=float).reshape(len(uniq), 5)
    return found[codes] if len(uniq) else np.full((len(codes), 5), np.nan)


def lime_options(tables: Tables) -> tuple[frozenset, frozenset]:
    """The options that lime (a ``lime_t_ha`` value in ``option_parameters.csv``) and those dosed by lime
    requirement (a ``target_ph`` value, :func:`lime_by_requirement`), found once per tables object."""
    def build():
        ids = pd.unique(np.concatenate([tables.options["option_id"].to_numpy(object),
                                        tables.option_parameters["option_id"].to_numpy(object)]))
        cols = _lime_columns(tables, ids)
        return (frozenset(ids[np.isfinite(cols[:, _LIME_FULL])].tolist()),
                frozenset(ids[~np.isnan(cols[:, _LIME_TARGET_ROW])].tolist()))

    return tables.memo("lime_options", build)


def lime_dose_t_ha(tables: Tables, option_ids, ph) -> np.ndarray:
    """CaCO3 of one application of each row [t ha⁻¹]: the lime needed to bring the plot's pH to the
    option's target (:func:`lime_requirement` with ``ph_rise_per_t_ha``, at most the full ``lime_t_ha`` of
    ``option_parameters.csv``).

    The single place that doses the lime options (the reason text, the amendment cost, the lime CO2
    of the carbon ledger, the amounts of the steps and the Cd cut credited, :func:`lime_share`): a
    soil already near the target needs little lime and is credited with a small pH rise, never
    with the evidence's full rate and a pH above the target. The target is the option's
    ``target_ph`` row or its ``ph_max`` (:func:`_lime_target_ph`). NaN for the rows of an option
    without ``lime_t_ha``; the full ``lime_t_ha`` where the plot's pH or the target is not known.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> d = lime_dose_t_ha(load_tables(), ["lime_rice", "lime_rice", "lime_rice", "do_nothing"], [5.0, 6.0, 6.46, 5.0])
    >>> [round(float(x), 2) for x in d]
    [7.5, 3.76, 0.3, nan]
    """
    ids = _frames.obj(option_ids)
    ph = np.broadcast_to(np.asarray(ph, float), ids.shape)
    lime = _lime_columns(tables, ids)
    full, s, target = lime[:, _LIME_FULL], lime[:, _LIME_RISE], lime[:, _LIME_TARGET]
    with np.errstate(invalid="ignore", divide="ignore"):
        need = lime_requirement(ph, target, s, full)
    return np.where(np.isnan(need), full, need)


def lime_share(tables: Tables, option_ids, ph) -> np.ndarray:
    """Share of the full ``lime_t_ha`` each row applies (:func:`lime_dose_t_ha` ÷ ``lime_t_ha``; 1 for an
    option that does not lime), which is the share of the evidence's pH rise it reaches (ΔpH = s · L)."""
    ids = _frames.obj(option_ids)
    full = _lime_columns(tables, ids)[:, _LIME_FULL]
    with np.errstate(invalid="ignore", divide="ignore"):
        f = lime_dose_t_ha(tables, ids, ph) / full
    return np.where(np.isfinite(f), np.clip(f, 0.0, 1.0), 1.0)


def lime_by_requirement(tables: Tables, option_ids, ph) -> dict:
    """Per row, the liming of an option dosed by lime requirement (a ``target_ph`` row in
    ``option_parameters.csv``: :func:`lime_requirement` from the plot's pH up to ``target_ph``, at
    most ``lime_t_ha``, with ``ph_rise_per_t_ha``); NaN for the rows of any other option.

    Parameters
    ----------
    tables : Tables
        Literature tables.
    option_ids : array_like of str
        Option of each row.
    ph : array_like
        Soil pH of each row [–].

    Returns
    -------
    dict
        ``dose_t_ha`` (the first application, :func:`lime_dose_t_ha`; the full ``lime_t_ha`` where the
        plot's pH is not known: applied and costed, the conservative reading) [t ha⁻¹], ``ph_limed``
        (min(target, pH + s·dose); the plot's pH where it is already at or above the target; NaN where the
        plot's pH is not known, so no Cd cut is credited without one) [–], ``relime_t_ha`` (each later
        application, made when the yearly re-test finds pH below ``relime_below_ph``: the requirement
        from that pH back to the target) [t ha⁻¹], ``target_ph`` and ``relime_below_ph`` [–], and
        ``by_requirement`` (bool).

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> d = lime_by_requirement(load_tables(), ["lime_vegetable", "lime_rice"], [4.8, 5.0])
    >>> [round(float(x), 2) for x in d["dose_t_ha"]], [round(float(x), 2) for x in d["ph_limed"]]
    ([4.5, nan], [6.28, nan])
    """
    ids = _frames.obj(option_ids)
    ph = np.broadcast_to(np.asarray(ph, float), ids.shape)
    lime = _lime_columns(tables, ids)
    target, s, below = lime[:, _LIME_TARGET_ROW], lime[:, _LIME_RISE], lime[:, _LIME_BELOW]
    by = ~np.isnan(target)
    # one dosing formula for every lime option (lime_dose_t_ha): the first application from the plot's pH,
    # each re-liming from the re-liming pH, both to the target and at most lime_t_ha
    dose = np.where(by, lime_dose_t_ha(tables, ids, ph), np.nan)
    with np.errstate(invalid="ignore"):
        limed = np.where(by, np.maximum(ph, np.minimum(target, ph + dose * s)), np.nan)
    relime = np.where(by & ~np.isnan(below), lime_dose_t_ha(tables, ids, np.where(by, below, np.nan)), np.nan)
    return {"dose_t_ha": dose, "ph_limed": limed, "relime_t_ha": relime, "target_ph": target,
            "relime_below_ph": below, "by_requirement": by}


def lime_applications_t_ha(tables: Tables, option_ids, ph, lime_t_ha) -> tuple[np.ndarray, np.ndarray]:
    """CaCO3 of the first application and of each later one, per row [t ha⁻¹].

    An option dosed by lime requirement (:func:`lime_by_requirement`) limes the plot's own requirement
    first and re-limes from its re-liming pH back to the target afterwards; any other option applies its
    ``lime_t_ha`` (``lime_t_ha``, the rows' values, NaN → 0) every time.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> first, later = lime_applications_t_ha(load_tables(), ["lime_vegetable", "lime_rice"], [5.0, 5.0],
    ...                                       [4.5, 7.5])
    >>> [round(float(x), 2) for x in first], [round(float(x), 2) for x in later]
    ([4.5, 7.5], [1.52, 7.5])
    """
    lime = np.nan_to_num(np.asarray(lime_t_ha, float))
    d = lime_by_requirement(tables, option_ids, ph)
    by = d["by_requirement"]
    first = np.where(by, np.nan_to_num(d["dose_t_ha"]), lime)
    later = np.where(by, np.nan_to_num(d["relime_t_ha"]), lime)
    return first, later


def _evaluate_by_rule_set(plots, plot_soil, tables, only, crop_risk, rule_set: pd.Series, render, abroad=None,
                          lat_from=None):
    """:func:`evaluate_options` of plots governed by different rule sets: the plots of each set
    evaluated under it, the rows put back in plot-major input order."""
    pid = _frames.obj(plots["plot_id"])
    at = _frames.positions(rule_set.index.to_numpy(object), pid)
    if (at < 0).any():
        raise KeyError(f"no rule set for plot {pid[np.flatnonzero(at < 0)[0]]!r}")
    rs = _frames.obj(rule_set.to_numpy(object))[at]
    parts = [_evaluate_one(plots.loc[rs == r], plot_soil, tables, only, crop_risk, str(r), render, abroad, lat_from)
             for r in pd.unique(rs)]
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    order = np.argsort(_frames.positions(pid, _frames.obj(out["plot_id"])), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def _numeric(opts: pd.DataFrame, col: str) -> pd.Series:
    if col not in opts:
        return pd.Series(np.nan, index=opts.index)
    return pd.to_numeric(opts[col].replace("", np.nan), errors="coerce")


def _text(cell) -> str:
    return "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell)


def _split(cell) -> list[str]:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    return [x for x in str(cell).split("|") if x]


# Sets of metals are bit masks over the metal codes (C.METALS order); texts list them sorted.
def _metal_bits():
    return {m: 1 << i for i, m in enumerate(METALS)}


def _mask_of(metals, bits) -> int:
    return sum(bits[m] for m in set(metals) if m in bits)


def treats_metals(cell) -> set[str]:
    """Metal codes of an option's ``treats`` field (``options.csv``), whatever land they apply on.

    The field lists metals separated by ``'|'``; a metal followed by ``@`` and ``'+'``-separated
    land uses (``hg@paddy``) is treated on those land uses only.

    Examples
    --------
    >>> sorted(treats_metals("cd|hg@paddy"))
    ['cd', 'hg']
    >>> treats_metals("")
    set()
    """
    return {x.split("@", 1)[0] for x in _split(cell)}


def treats_masks(cell, land_use, bits) -> np.ndarray:
    """Bit mask per plot of the metals an option treats on the plot's land use.

    Parameters
    ----------
    cell : str
        ``treats`` of ``options.csv``: metals separated by ``'|'``; ``metal@lu1+lu2`` limits a metal
        to those land uses (``hg@paddy``: Hg is treated where the option replaces paddy rice).
    land_use : numpy.ndarray of str
        Land use per plot.
    bits : dict
        Bit of every metal code.

    Returns
    -------
    numpy.ndarray of int
        One mask per plot.

    Examples
    --------
    >>> import numpy as np
    >>> bits = {"cd": 1, "hg": 2}
    >>> treats_masks("cd|hg@paddy", np.array(["paddy", "upland"], dtype=object), bits).tolist()
    [3, 1]
    """
    lu = np.asarray(land_use, dtype=object)
    out = np.zeros(len(lu), np.int64)
    for x in _split(cell):
        metal, _, where = x.partition("@")
        b = bits.get(metal, 0)
        out |= np.where(np.isin(lu, where.split("+")), b, 0) if where else b
    return out


def _mask_texts(bits) -> np.ndarray:
    """'+'-joined, sorted metal codes of every mask value."""
    names = sorted(bits)
    out = np.empty(1 << len(bits), dtype=object)
    for mask in range(len(out)):
        out[mask] = "+".join(m for m in names if mask & bits[m])
    return out


def _masks_of_texts(texts, bits) -> np.ndarray:
    """Bit mask of every '+'-joined metal list (computed once per distinct text)."""
    codes, uniq = pd.factorize(_frames.obj(texts), use_na_sentinel=False)
    vals = np.array([_mask_of(str(u).split("+"), bits) if isinstance(u, str) else 0 for u in uniq], dtype=np.int64)
    return vals[codes] if len(vals) else np.zeros(len(codes), np.int64)


def _crop_risk_masks(plot_ids, crop_risk, tables: Tables, bits, light: str = "green",
                     calibrated_only: bool = False) -> np.ndarray:
    """Metals whose predicted crop compliance is below the food-safety ``light`` threshold
    (``green``: any crop risk; ``amber``: a risk the plan rates red) as a bit mask per plot.

    With ``calibrated_only``, only risks predicted by a transfer function not documented to
    over-predict (``known_bias`` of ``transfer_functions.csv``,
    :meth:`~agriremed.core.tables.Tables.over_predicting_functions`); a ``crop_risk`` without
    ``function_id`` counts every risk as calibrated."""
    out = np.zeros(len(plot_ids), np.int64)
    if crop_risk is None or crop_risk.empty:
        return out
    at_least = tables.light_thresholds()["food_safety"][f"{light}_at_least"]
    risky_rows = (1.0 - crop_risk["p_exceed_limit"]) < at_least
    if calibrated_only and "function_id" in crop_risk:
        risky_rows = risky_rows & ~crop_risk["function_id"].isin(tables.over_predicting_functions())
    risky = crop_risk.loc[risky_rows]
    if risky.empty:
        return out
    pos = _frames.positions(plot_ids, risky["plot_id"]) if len(risky) else np.zeros(0, int)
    mbit = np.array([bits.get(m, 0) for m in _frames.obj(risky["metal"])], dtype=np.int64)
    ok = pos >= 0
    np.bitwise_or.at(out, pos[ok], mbit[ok])
    return out


def _crop_risk_sets(plot_ids, crop_risk, tables: Tables) -> list[set]:
    """Metals whose predicted crop compliance is below the food-safety green threshold."""
    bits = _metal_bits()
    masks = _crop_risk_masks(_frames.obj(plot_ids), crop_risk, tables, bits)
    return [{m for m, b in bits.items() if mask & b} for mask in masks]


def _measured_over_masks(plots: pd.DataFrame, crop_risk, bits) -> np.ndarray:
    """Metals measured in the plot's harvest above the food limit of its crop, as a bit mask per plot.

    A metal counts where ``crop_risk`` (:func:`agriremed.stages.uptake.food_safety`) holds its food
    limit for the plot (``food_limit_mg_kg`` [mg kg⁻¹]) and the plot's ``crop_<metal>_mg_kg`` [mg kg⁻¹]
    lies above it; against an inorganic-As limit (``limit_species`` inorganic) only
    ``crop_as_inorganic_mg_kg`` is compared. A value above the typical maximum of its column (µg/kg
    typed in a mg/kg column?) is not counted, as in the summary's ``crop_measured_exceeds``.
    """
    pid = _frames.obj(plots["plot_id"])
    out = np.zeros(len(pid), np.int64)
    if crop_risk is None or crop_risk.empty or "food_limit_mg_kg" not in crop_risk:
        return out
    at = _frames.positions(pid, crop_risk["plot_id"])
    metal = _frames.obj(crop_risk["metal"])
    limit = crop_risk["food_limit_mg_kg"].to_numpy(float)
    species = (_frames.obj(crop_risk["limit_species"]) if "limit_species" in crop_risk
               else np.full(len(metal), "", dtype=object))
    for m in pd.unique(metal):
        rows = (metal == m) & (at >= 0) & ~np.isnan(limit)
        inorganic = rows & (species == "inorganic") if m == "as" else np.zeros(len(rows), bool)
        for col, use in ((crop_metal_column(m), rows & ~inorganic), (CROP_AS_INORGANIC, inorganic)):
            if col not in plots or not use.any():
                continue
            value = plots[col].to_numpy(float)[at[use]]
            hi = COLUMNS[col].typical[1] if col in COLUMNS and COLUMNS[col].typical else None
            over = (value > limit[use]) & (True if hi is None else value <= hi)
            np.bitwise_or.at(out, at[use][over], bits.get(m, 0))
    return out


#: Policy statuses of ``land_rules.csv``, strongest first: when several rules match an
#: option on a plot, ``forbidden`` beats ``expected`` beats ``restrained`` beats ``allowed``
#: (ties: the first row of the table).
POLICY_STATUSES = ("forbidden", "expected", "restrained", "allowed")
#: Ranking tier of each status (the ranking puts expected options before allowed ones and
#: allowed ones before restrained ones).
POLICY_TIER = {"expected": 0, "allowed": 1, "restrained": 2, "forbidden": 3}
#: Land uses whose idle priority-protection plots a crop switch (``switches_crop``) returns to
#: grain: dry land, whose grains (wheat, maize) the option library grows; a paddy's grain is rice,
#: which no option offers on clean land.
BACK_TO_GRAIN_LAND_USES = ("upland",)
#: Values of the plot input ``basic_farmland``; blank or missing reads as ``unknown``.
BASIC_FARMLAND = ("yes", "no", "unknown")


def rule_sets(tables: Tables | None = None) -> list[str]:
    """Names of the rule sets of ``land_rules.csv`` (``china``, ``none`` and any user set)."""
    tables = tables or load_tables()
    return list(pd.unique(tables.land_rules["rule_set"]))


def _rules_of(tables: Tables, rule_set: str) -> pd.DataFrame:
    known = rule_sets(tables)
    if rule_set not in known:
        raise ValueError(f"unknown rule set {rule_set!r}; land_rules.csv has: {', '.join(known)}")
    r = tables.land_rules
    return r.loc[r["rule_set"] == rule_set].reset_index(drop=True)


def _matches(cell, value) -> bool:
    items = _split(cell)
    return items == ["*"] or items == ["any"] or value in items


def _basic_farmland(plots: pd.DataFrame) -> np.ndarray:
    """The plots' ``basic_farmland`` flag; blank or missing → ``unknown``."""
    if "basic_farmland" not in plots:
        return np.full(len(plots), "unknown", dtype=object)
    v = _frames.obj(plots["basic_farmland"])
    ok = np.isin(v, list(BASIC_FARMLAND))
    return np.where(ok, v, "unknown").astype(object)


def policy_status(opts: pd.DataFrame, soil_class, land_use, basic_farmland, tables: Tables | None = None,
                  rule_set: str = "china"):
    """Policy status of every option on every kind of land, from the rule set's rules.

    A rule of ``land_rules.csv`` applies to an option when its ``applies_to`` names the
    option's ``policy_family`` (``options.csv``) or its ``option_id`` (or is ``*``) and its
    ``soil_class``, ``land_use`` and ``basic_farmland`` cells match the plot (``*`` /
    ``any`` match everything; ``|`` separates several values). Of the matching rules the
    strongest status wins (``forbidden`` > ``expected`` > ``restrained`` > ``allowed``), then
    the first row. An option no rule names is ``allowed`` with no rule.

    Parameters
    ----------
    opts : pandas.DataFrame
        Option library rows (``option_id``, ``policy_family``).
    soil_class, land_use, basic_farmland : array_like of str
        Per plot: GB 15618 class, land use and permanent-basic-farmland flag
        (``yes``/``no``/``unknown``).
    tables : Tables, optional
        Literature tables (``land_rules``).
    rule_set : str
        Rule set (``china``, ``none`` or a user set).

    Returns
    -------
    status, rule_id, text : numpy.ndarray of object, shape (options, plots)
        Status, deciding rule (``''`` when none) and the rule's text
        ``"policy <set>, rule <id>: <reason_en> (<sources>)"`` (``''`` when none).

    Raises
    ------
    ValueError
        If the rule set is not in the table.

    Examples
    --------
    >>> t = load_tables()
    >>> o = t.options.loc[t.options["option_id"].isin(["willow_src", "lime_rice"])]
    >>> st, rid, _ = policy_status(o, ["strict_control", "safe_utilisation"], ["paddy", "paddy"],
    ...                            ["yes", "no"], t)
    >>> st.tolist()
    [['forbidden', 'forbidden'], ['forbidden', 'expected']]
    >>> rid[0].tolist()
    ['cn_bf_no_trees', 'cn_safe_no_trees']
    """
    codes, st, rid, txt = _policy_by_land(opts, soil_class, land_use, basic_farmland, tables, rule_set)
    txt = np.vectorize(lambda m: "" if m is None else render(m, "en", tables), otypes=[object])(txt) \
        if txt.size else txt.astype(object)
    return st[:, codes], rid[:, codes], txt[:, codes]


#: Policy family (``land_rules.csv`` ``applies_to``) of continuing a non-food crop already grown on
#: safe-utilisation land (cotton, tobacco …): substitute planting already in place.
KEPT_NONFOOD_FAMILY = "kept_non_food_crop"
#: Policy family (``land_rules.csv`` ``applies_to``) of leaving idle strict-control land as it is
#: (no crop): it grows no edible crop, as fallow.
IDLE_FAMILY = "fallow"
#: Policy family of continuing a substitute food crop already grown on safe-utilisation land
#: (``substitute_crop`` of ``crops.csv``: rapeseed): substitute planting already in place.
KEPT_SUBSTITUTE_FAMILY = "kept_substitute_crop"
#: Policy family (``land_rules.csv`` ``applies_to``) of a protective option (amendment, safe crop)
#: on a plot where some metal exceeds its screening value and the option treats none of them (it
#: answers only a predicted crop risk of a metal below its screening value; rule 4d; a package that
#: treats a metal above its screening value is not of this family): the rule it names (status
#: ``allowed`` or stronger) replaces an ``expected`` status, since the measure does not treat the
#: metal that puts the land in its class; the option ranks among the allowed options and its
#: sentence says that no measure treats that metal. Where the crop risk it answers is minor, the
#: rule of :data:`MINOR_RISK_FAMILY` applies instead.
OFF_CLASS_FAMILY = "measure_not_for_class_metal"
#: Policy family of a protective option of :data:`OFF_CLASS_FAMILY` whose every answered crop risk is
#: minor (rule 4d: predicted only by a transfer function documented to over-predict, not rated red,
#: not measured above the food limit): the rule it names (status ``allowed`` or stronger) replaces an
#: ``expected`` status, and the ranking puts an option of this rule after unchanged practice
#: (``target_tier`` 5); where the rule set has no rule of this family, the off-class rule applies.
MINOR_RISK_FAMILY = "measure_for_minor_risk"
#: Policy family of an option that replaces a kept substitute crop (:data:`KEPT_SUBSTITUTE_FAMILY`)
#: with another food crop (e.g. rice after rapeseed): the rule it names (``allowed`` or stronger)
#: replaces an ``expected`` status, so keeping the substitute planting in place comes first.
SWITCH_BACK_FAMILY = "replaces_substitute_crop"
#: Policy family of an option of :data:`OFF_CLASS_FAMILY` (or :data:`MINOR_RISK_FAMILY`) that switches the
#: plot to another food crop (maize on a rice paddy where only Pb exceeds and the switch answers the rice's
#: Cd risk below its screening value): the rule it names replaces the off-class one, so that keeping the
#: current crop (unchanged practice, a measure for that crop) comes first; not where the answered crop risk
#: is rated red or was measured above the food limit in the harvest (rule 4d); where the rule set has no rule
#: of this family, the off-class rule applies.
SWITCH_OFF_CLASS_FAMILY = "switch_not_for_class_metal"
#: Policy family of a soil amendment (kind ``immobilisation``: biochar, lime, the Fe–Si conditioner; or a
#: package with such a component, :func:`soil_amendment_options`) that
#: treats no metal above its screening value and answers no crop risk the plan rates red or that was
#: measured above the food limit in the harvest (rule 4e): on land whose rule set names a rule of this
#: family (``cn_priority_no_amendment``, priority-protection land, ``restrained``) the rule replaces the
#: option's own, so that the amendment, a recurring spend on the soil, ranks after the options that need
#: none (unchanged practice included); where the rule set has no rule of this family nothing changes.
UNNEEDED_AMENDMENT_FAMILY = "amendment_without_need"


def _family_rule(family, soil_class, land_use, basic_farmland, tables, rule_set, kept_family):
    """The rule of a policy family that replaces an option's own on some plots (:data:`OFF_CLASS_FAMILY`,
    :data:`MINOR_RISK_FAMILY`, :data:`SWITCH_BACK_FAMILY`): per plot its kind of land (``code``), the rule's
    text per kind of land (``suffix``, after the option's own suffixes), and per plot its status, rule id
    and ranking tier (:data:`POLICY_TIER`)."""
    code, st, rid, txt = _policy_by_land(pd.DataFrame({"option_id": [""], "policy_family": [family]}),
                                         soil_class, land_use, basic_farmland, tables, rule_set, kept_family)
    st, rid = st[0][code], rid[0][code]
    return code, list(txt[0]), st, rid, np.array([POLICY_TIER.get(x, 1) for x in st], np.int64)


def _policy_by_land(opts, soil_class, land_use, basic_farmland, tables, rule_set, nonfood_kept=None):
    """:func:`policy_status` per distinct kind of land: ``codes`` (plot → kind) and
    (options × kinds) arrays of status, rule id and text.

    ``nonfood_kept`` (bool per plot, optional) marks strict-control and safe-utilisation plots
    that grow a non-food crop (cotton, tobacco …): there continuing current practice is a
    non-food use, so the baseline is judged by the rules of the ``non_food_crop`` family on
    strict-control land and of :data:`KEPT_NONFOOD_FAMILY` on safe-utilisation land. Instead of
    bools it may hold, per plot, the policy family of the kept crop (``''``: none), e.g.
    :data:`KEPT_SUBSTITUTE_FAMILY` for a substitute food crop on safe-utilisation land."""
    tables = tables or load_tables()
    # the rules of the set as named tuples, built once per tables object (unknown set: an error)
    R = tables.memo(("rule_rows", rule_set), lambda: list(_rules_of(tables, rule_set).itertuples(index=False)))
    n = len(soil_class)
    kept = np.zeros(n, bool) if nonfood_kept is None else np.asarray(nonfood_kept)
    if kept.dtype != bool:  # family names per plot ('' none)
        kept = np.array(["" if k is None else str(k) for k in kept], dtype=object)
    columns = (_frames.obj(soil_class), _frames.obj(land_use), _frames.obj(basic_farmland), kept)
    # the kinds of land in order of first appearance (as factorizing their MultiIndex numbers them)
    first, codes = _frames.distinct(*columns)
    combos = list(zip(*(c[first].tolist() for c in columns), strict=True)) if n else []
    fam0 = _frames.obj(opts["policy_family"]) if "policy_family" in opts else np.full(len(opts), "", object)
    oid = _frames.obj(opts["option_id"])
    rank = {s: i for i, s in enumerate(POLICY_STATUSES)}
    k, m = len(opts), len(combos)
    st = np.full((k, m), "allowed", dtype=object)
    rid = np.full((k, m), "", dtype=object)
    txt = np.full((k, m), None, dtype=object)
    options_key = (_hashable(oid), _hashable(fam0))
    for j, combo in enumerate(combos):
        # decided once per options × kind of land for these tables (read-only): the dashboards
        # re-plan the same plot on every change
        found = tables.memo(("policy_by_kind", rule_set, options_key, _hashable(combo)),
                            lambda c=combo: _policy_of_kind(R, rank, oid, fam0, c, rule_set))
        for i, status, rule_id, text in found:
            st[i, j], rid[i, j], txt[i, j] = status, rule_id, text
    return np.asarray(codes, np.intp), st, rid, txt


def _hashable(values) -> tuple:
    """``values`` as a key of :meth:`Tables.memo`: text as it is, anything else (a flag, a missing
    NaN, which equals nothing) by its type and ``repr``."""
    return tuple(v if isinstance(v, str) else (type(v).__name__, repr(v)) for v in values)


def _policy_of_kind(R, rank, oid, fam0, combo, rule_set) -> tuple:
    """``(option position, status, rule id, text)`` of each option a rule of ``R`` names on one
    kind of land ``combo`` (soil class, land use, basic farmland, kept crop): the strictest rule."""
    cls, lu, bf, nf = combo
    live = [r for r in R if _matches(r.soil_class, cls) and _matches(r.land_use, lu)
            and _matches(r.basic_farmland, bf)]
    kept_as = (nf if isinstance(nf, str) else "non_food_crop" if cls == "strict_control"
               else KEPT_NONFOOD_FAMILY)
    fam = np.where(fam0 == "baseline", kept_as, fam0) if nf else fam0
    found = []
    for i in range(len(oid)):
        best = None
        for r in live:
            targets = _split(r.applies_to)
            if targets == ["*"] or fam[i] in targets or oid[i] in targets:
                if best is None or rank[r.status] < rank[best.status]:
                    best = r
        if best is not None:
            found.append((i, best.status, best.rule_id,
                          Message.of("opt.policy_rule", rule_set=rule_set, rule=best.rule_id,
                                     sources=";".join(split_keys(best.source)))))
    return tuple(found)


def treated_metals(kind: str, exceed, crop_risk, treats_mask):
    """Metals an option answers on each plot (bit masks): the one "treats" gate.

    Every option answers the metals it treats (``treats`` of ``options.csv``) that exceed
    their screening value; a protective option (``immobilisation``, ``safe_crop``) also
    answers a metal it treats that is predicted to make the current crop fail the food
    limit on soil below the screening value. Applicability (rule 4), years to target,
    the clean-up criterion and the recommendation texts all read this set
    (``target_metals``), so no stage credits an option with a metal this gate refuses.

    Parameters
    ----------
    kind : str
        Option kind.
    exceed, crop_risk : numpy.ndarray of int
        Bit masks per plot: metals above screening; metals with a predicted crop problem.
    treats_mask : int or numpy.ndarray of int
        Bit mask of the metals the option treats, or one per plot (:func:`treats_masks`: a metal
        may be treated on some land uses only).

    Returns
    -------
    numpy.ndarray of int
        Bit mask per plot.

    Examples
    --------
    >>> import numpy as np
    >>> treated_metals("phytoextraction", np.array([0b011, 0]), np.array([0, 0b001]), 0b001).tolist()
    [1, 0]
    >>> treated_metals("safe_crop", np.array([0b011, 0]), np.array([0, 0b001]), 0b001).tolist()
    [1, 1]
    """
    target = np.asarray(exceed) & treats_mask
    if kind in ("immobilisation", "safe_crop"):
        target = target | (np.asarray(crop_risk) & treats_mask)
    return target



def _ph_not_measured(o, ph: np.ndarray, tables: Tables, protective_only: bool = False) -> np.ndarray:
    """The plots without a pH (blank where the class is the same at every pH band) where option ``o`` needs it:
    it has a pH range (``ph_min``, ``ph_max``) or a lime dose. ``protective_only``: only for a protective option
    (amendment, safe crop), which is judged on the crop risk that is not predicted without pH (checked before
    the option's target, so its reason is the missing pH)."""
    needs = not (np.isnan(o.ph_min) and np.isnan(o.ph_max)
                 and np.isnan(option_parameter(tables, o.option_id, "lime_t_ha")))
    if not needs or (protective_only and o.kind not in ("immobilisation", "safe_crop")):
        return np.zeros(len(ph), bool)
    return np.isnan(ph)


def _target_failure(o, target, cls, exempt, tmask, mask_text, no_ph=None) -> tuple:
    """``(mask, reasons, codes)`` of the plots where option ``o`` treats no metal that needs it
    (``target`` 0): protective options (amendments, safe crops) need a metal at risk in the crop
    unless the plot is ``exempt``; other treatments a metal above screening, except non-food uses
    on strict-control land (risk control whatever they treat); baselines and land-use changes
    need none. The reason names the metals the option treats on the plot's land use (``tmask``); on plots
    without a pH (``no_ph``) a protective option's reason says the crop risk is not predicted."""
    tmask = np.asarray(tmask, np.int64)
    protective = o.kind in ("immobilisation", "safe_crop")
    no_ph = np.zeros(len(cls), bool) if no_ph is None or not protective else np.asarray(no_ph, bool)
    codes, uniq = pd.factorize(2 * tmask + no_ph, use_na_sentinel=False)  # (treated metals, no pH) pairs
    names = [mask_text[int(u) // 2].replace("+", ", ") or "none" for u in uniq]
    if protective:
        return (target == 0) & ~exempt, [Message.of("opt.no_target_crop_no_ph" if int(u) % 2 else
                                                    "opt.no_target_crop", metals=m)
                                         for u, m in zip(uniq, names, strict=True)], codes
    if o.kind in ("baseline", "land_use_change"):
        return np.zeros(len(cls), bool), Message.of("opt.no_target", metals="none"), None
    risk_control = (cls == "strict_control") & (o.food_crop == "none")
    return (target == 0) & ~risk_control, [Message.of("opt.no_target", metals=m) for m in names], codes


def _class_failures(o, cls, classes, exempt, nonfood_kept, cls_uniq, cls_codes) -> list:
    """``(mask, reason, codes)`` of the plots whose soil class the option ``o`` does not serve,
    the most specific reason first; ``exempt`` plots (idle clean land a crop switch returns to
    farming) pass, and so does continuing a non-food crop or leaving idle strict-control land idle
    (``nonfood_kept``), a non-food use."""
    bad = ~np.isin(cls, classes) & ~exempt
    if o.kind == "baseline":
        bad &= ~nonfood_kept
    strict_food = bad & (cls == "strict_control") & (o.food_crop != "none")
    return [(strict_food, Message.of("opt.strict_food"), None),
            (bad & (cls == "priority_protection"), Message.of("opt.clean"), None),
            (bad, [Message.of("opt.soil_class", soil_class=c) for c in cls_uniq], cls_codes)]


def evaluate_options(plots: pd.DataFrame, plot_soil: pd.DataFrame, tables: Tables | None = None,
                     only=None, crop_risk: pd.DataFrame | None = None,
                     rule_set: str = "china", render: bool = True, abroad: pd.Series | None = None,
                     lat_from: pd.DataFrame | None = None) -> pd.DataFrame:
    """Build the plot × option table with applicability and reasons.

    Parameters
    ----------
    plots : pandas.DataFrame
        Validated plots (``plot_id``, ``land_use``, ``ph`` [–], ``crop``).
    plot_soil : pandas.DataFrame
        Output of :func:`agriremed.stages.soil.plot_classes` for the same plots.
    tables : Tables, optional
        Literature tables.
    only : iterable of str, optional
        Restrict to these option ids.
    crop_risk : pandas.DataFrame, optional
        Output of :func:`agriremed.stages.uptake.food_safety` for the current crops. Protective
        options (amendments, safe crops) also apply where a metal they treat is predicted
        in the crop with a compliance probability below the food-safety green threshold
        of ``traffic_lights.csv``, even on soil below the screening value.
    rule_set : str or pandas.Series
        Jurisdiction rule set of ``land_rules.csv`` (``china``, ``none`` or a user set), or
        each plot's (a Series indexed by plot id,
        :func:`agriremed.stages.advice.plot_rule_sets`: the plots of each set are judged by
        its rules); reads the optional plot column ``basic_farmland`` (blank or missing: unknown).
    render : bool
        Render the English ``reason`` of every row. Without it ``reason`` is ``None`` and
        only the message ``reason_msg`` is filled: the engine renders the rows it writes
        (:func:`agriremed.core.messages.render_column`).
    abroad : pandas.Series of bool, optional
        Per plot id: the plot lies outside China (its region names another country,
        :func:`agriremed.stages.advice.region_in_china` False). Such a plot whose ``lat`` is north of an
        option's limit in ``option_latitude_limits.csv`` (scope ``outside_china``) is excluded (rule 8b);
        without it no plot is.
    lat_from : pandas.DataFrame, optional
        Per plot id (index), where a plot without ``lat`` lies (:func:`agriremed.stages.solar.latitude_from_region`):
        ``lat`` and ``place`` (the point of its prefecture or province; NaN and '' none) and ``country_low``,
        ``country_high`` (the latitude range of the country its region names [° N]; NaN none). Rule 8b then
        judges such a plot by its region's point, else by its country's range (excluded where the whole range
        lies north of the limit); without it a plot without ``lat`` is not excluded.

    Returns
    -------
    pandas.DataFrame
        One row per plot × option, plot-major (all options of the first plot, then
        the second …): ``plot_id``, ``option_id``, ``option_kind``,
        ``applicable`` (bool), ``reason`` (text), ``target_metals`` (treated metals
        above screening, ``'+'``-joined) and ``untreated_metals`` (metals above
        screening the option does not treat) and ``data_gaps`` (evidence gaps of an
        applicable option, e.g. an unconfirmed yield; ``''`` when none), ``policy_status``
        (``expected``, ``allowed``, ``restrained`` or ``forbidden``) and ``policy_rule`` (the deciding rule
        of ``land_rules.csv``; ``''`` when no rule names the option).
    """
    tables = tables or load_tables()
    if not isinstance(rule_set, str):
        return _evaluate_by_rule_set(plots, plot_soil, tables, only, crop_risk, rule_set, render, abroad, lat_from)
    return _evaluate_one(plots, plot_soil, tables, only, crop_risk, rule_set, render, abroad, lat_from)


def _switch_failures(food_crop: str, crop: np.ndarray, rot_uniq: list, rot_codes: np.ndarray):
    """Plots a crop switch to ``food_crop`` does not apply to, with the reason: the plot grows that
    crop already, or grows it in its rotation (小麦-玉米: maize in place of the wheat drops a season)."""
    out = [(crop == food_crop, Message.of("opt.same_crop", crop=food_crop))]
    if rot_uniq != [""]:
        out.append((np.array([food_crop in str(r).split("|") for r in rot_uniq], bool)[rot_codes],
                    Message.of("opt.rotation_crop", crop=food_crop)))
    return out


def winter_wheat_rows(plots: pd.DataFrame, tables: Tables | None = None) -> np.ndarray:
    """Rows that are the winter wheat season of their field: the crop is wheat and the row's ``wheat_type``
    is winter (冬小麦, winter wheat in the crop cell, or the column), or, where it is blank, the province of
    its ``region`` grows winter wheat (``wheat_seasons.csv`` season winter, or both: a province of winter
    and spring wheat zones is taken as winter wheat). Spring wheat rows (春小麦, spring wheat) and wheat rows
    whose region names no province (or that have no region) are not.

    >>> winter_wheat_rows(pd.DataFrame({"crop": ["wheat", "wheat", "wheat", "wheat", "maize"],
    ...     "region": ["Henan/Jiyuan", "甘肃省张掖市", "甘肃省张掖市", None, "Henan"],
    ...     "wheat_type": [None, None, "spring", None, None]})).tolist()
    [True, True, False, False, False]
    """
    tables = tables or load_tables()
    n = len(plots)
    wheat = _frames.obj(plots["crop"]) == "wheat" if "crop" in plots else np.zeros(n, bool)
    if not wheat.any():
        return np.zeros(n, bool)
    given = (np.where(pd.isna(plots["wheat_type"].to_numpy(object)), "", plots["wheat_type"].to_numpy(object))
             if "wheat_type" in plots else np.full(n, "", dtype=object))
    region = (np.where(pd.isna(plots["region"].to_numpy(object)), "", plots["region"].to_numpy(object))
              if "region" in plots else np.full(n, "", dtype=object))
    w = tables.wheat_seasons
    by_province = {str(k).lower(): v for k, v in zip(w.loc[w["scope"] == "province", "key"],
                                                     w.loc[w["scope"] == "province", "season"], strict=True)}
    codes, uniq = pd.factorize(pd.Series(region, dtype=object), use_na_sentinel=False)
    winter_province = np.array([by_province.get(_i18n.region_province(str(r), tables) if r else "", "")
                                in ("winter", "both") for r in uniq], bool)
    winter_province = winter_province[codes] if len(uniq) else np.zeros(n, bool)
    return wheat & ((given == "winter") | ((given == "") & winter_province))


def summer_crops(tables: Tables) -> frozenset:
    """Crops sown in summer after the winter wheat harvest (``wheat_seasons.csv`` rows of scope crop,
    season summer: maize): a switch to one cannot take the winter wheat season."""
    w = tables.wheat_seasons
    return frozenset(w.loc[(w["scope"] == "crop") & (w["season"] == "summer"), "key"])


def _crop_failures(o, switches: bool, has_food: np.ndarray, crop: np.ndarray, crops_coded: tuple,
                   rotations_coded: tuple, paddy_other: np.ndarray,
                   winter_summer: tuple | None = None) -> list[tuple]:
    """(mask, text[, codes]) of :func:`_evaluate_one`'s ``fail`` for the crop the plot grows (rule 7):
    an option protecting the current crop needs a food crop; a measure for its own crop that is no
    crop switch (the rice measures) is not used on a plot growing another food crop (the wheat row of a
    rice–wheat paddy is no rice season), unless its ``crops`` column lists the crops it replaces; the
    option's ``crops`` column; a crop switch needs another crop than the one it switches to; a crop
    switch on paddy land is a switch from the paddy crop, not used on the paddy rows growing another
    food crop (``paddy_other``: the winter wheat row of a rice–wheat paddy); a switch to a summer crop
    (``winter_summer``: the winter wheat rows, :func:`winter_wheat_rows`, and :func:`summer_crops`) is not
    used on a winter wheat row: the summer maize of a wheat–maize field is a season of its own."""
    crop_uniq, crop_codes = crops_coded
    out = []
    if switches and "paddy" in _split(o.land_uses):
        out.append((paddy_other, [Message.of("opt.paddy_switch_season", crop=c, option_crop=o.food_crop)
                                  for c in crop_uniq], crop_codes))
    if o.food_crop == "current":
        out.append((~has_food & (o.kind != "baseline"), Message.of("opt.no_food")))
    elif not switches and o.food_crop != "none" and not _split(getattr(o, "crops", None)):
        out.append((has_food & (crop != o.food_crop),
                    [Message.of("opt.other_crop_season", crop=c, option_crop=o.food_crop) for c in crop_uniq],
                    crop_codes))
    out.append(_crop_not_listed(o, crop, crop_uniq, crop_codes))
    if switches:
        out.extend(_switch_failures(o.food_crop, crop, *rotations_coded))
    if switches and winter_summer is not None and o.food_crop in winter_summer[1]:
        out.append((winter_summer[0] & ~paddy_other,
                    Message.of("opt.winter_wheat_season", option_crop=o.food_crop, sources=winter_summer[2])))
    return out


def _land_use_failures(uses: list, lu: np.ndarray, rice_dry: np.ndarray, lu_uniq: list) -> list:
    """(mask, texts per distinct land use) of the plots an option's land uses ``uses`` exclude: a paddy option
    on rice recorded on other land (``rice_dry``) with the reason of that contradiction (``opt.land_use_rice_dry``),
    then every other plot outside ``uses`` (``opt.land_use``); none for an option of every land use."""
    if uses == ["*"]:
        return []
    out = []
    if rice_dry.any() and "paddy" in uses:
        out.append((rice_dry & ~np.isin(lu, uses), [Message.of("opt.land_use_rice_dry", land_use=u) for u in lu_uniq]))
    out.append((~np.isin(lu, uses), [Message.of("opt.land_use", land_use=u) for u in lu_uniq]))
    return out


def _lime_at_target(tables: Tables, option_id: str, ph) -> tuple[np.ndarray, Message]:
    """The rows where a liming option doses no lime (:func:`lime_dose_t_ha` 0: the soil is already at
    the option's target pH) and the reason; no row for an option that does not lime."""
    ph = np.asarray(ph, float)
    if option_id not in lime_options(tables)[0]:
        return np.zeros(ph.shape, bool), Message()
    dose = lime_dose_t_ha(tables, np.full(ph.shape, option_id, dtype=object), ph)
    target_ph = _lime_target_ph(tables, np.array([option_id], dtype=object))[0]
    return np.isfinite(dose) & (dose <= 0), Message.of("opt.lime_at_target", ph_max=float(target_ph))


def _prepared_options(tables: Tables, only) -> tuple[pd.DataFrame, list]:
    """The option library as :func:`_evaluate_one` reads it (:func:`options_table` with ``min_mean_temp_c`` as
    numbers and the optional text columns present) and its rows as named tuples; built once per tables
    object for the whole library (``only`` None), which every plan evaluates (read-only: not to be changed)."""
    def build():
        opts = options_table(tables, only)
        opts = opts.assign(min_mean_temp_c=_numeric(opts, "min_mean_temp_c"))
        for col in ("status", "gap_note", "ph_note", "climate_note", "switches_crop", "crops", "needs_exceeding"):
            if col not in opts:
                opts[col] = ""
        return opts, list(opts.itertuples(index=False))

    return tables.memo("prepared_options", build) if only is None else build()


def soil_amendment_options(tables: Tables) -> frozenset:
    """Option ids that put a soil amendment on the land: kind ``immobilisation`` (biochar, lime, the Fe–Si
    conditioner) and every package (``option_packages.csv``) with such a component (the VIP+n packages
    with their lime, ``lime_low_cd_rice`` and ``vip_n_no_flood``): the options rule 4e
    (:data:`UNNEEDED_AMENDMENT_FAMILY`) restrains where they answer no need."""
    def build():
        o = tables.options
        amend = set(o.loc[o["kind"] == "immobilisation", "option_id"].astype(str))
        pk = getattr(tables, "option_packages", None)
        if pk is not None and not pk.empty:
            amend |= set(pk.loc[pk["component_option_id"].astype(str).isin(amend), "package_id"].astype(str))
        return frozenset(amend)

    return tables.memo("soil_amendment_options", build)


def latitude_limits(tables: Tables) -> dict:
    """The latitude limits of the options (rule 8b), read once per set of tables.

    Parameters
    ----------
    tables : Tables
        Literature tables (``option_latitude_limits.csv``).

    Returns
    -------
    dict
        Option id → its row of ``option_latitude_limits.csv`` (a named tuple: ``scope``, ``max_lat_deg`` [° N],
        ``source``, ``status`` …) whose limit is a number; empty without the table. Shared: not to be changed.
    """
    def build():
        t = getattr(tables, "option_latitude_limits", None)
        if t is None or t.empty:
            return {}
        lim = pd.to_numeric(t["max_lat_deg"], errors="coerce")
        return {r.option_id: r for r, x in zip(t.itertuples(index=False), lim, strict=True) if not np.isnan(x)}
    return tables.memo("option_latitude_limits_by_option", build)  # read once per set of tables


def _latitude_failure(o, lat: np.ndarray, abroad: np.ndarray, limits: dict, region=None):
    """Rule 8b: plots outside China (``abroad``) whose latitude is north of the option's limit of
    ``option_latitude_limits.csv`` (grain maize north of where it is grown in north-west Europe: its yield,
    price and uptake are Chinese), with the reason naming the plot's latitude, the limit and its source
    (``opt.latitude_north_unconfirmed`` where the limit's status is unconfirmed); None without a limit.

    A plot without ``lat`` is judged by ``region`` (:func:`_region_latitudes`: per plot the latitude and name of
    its region's point, and the latitude range of its country), the reason saying where the latitude came from
    (``opt.latitude_north_from``/``_unconfirmed`` with ``opt.lat_from_place`` or ``opt.lat_from_country``):
    north where the point is north of the limit, else where the country's whole range is."""
    r = limits.get(o.option_id)
    if r is None:
        return None
    scope = str(getattr(r, "scope", "outside_china") or "outside_china")
    where = abroad if scope == "outside_china" else np.ones(len(lat), bool)
    limit = float(r.max_lat_deg)
    n = len(lat)
    p_lat, place, c_low, c_high = region if region is not None else (
        np.full(n, np.nan), np.full(n, "", dtype=object), np.full(n, np.nan), np.full(n, np.nan))
    given = ~np.isnan(lat)
    by_place = where & ~given & ~np.isnan(p_lat) & (p_lat > limit)
    by_country = where & ~given & np.isnan(p_lat) & ~np.isnan(c_low) & (c_low > limit)
    north = (where & given & (lat > limit)) | by_place | by_country  # NaN (no lat anywhere): not excluded
    if not north.any():  # no plot north of the limit: the one (empty) reason of every plot
        return north, ([Message()] if n else []), np.zeros(n, np.intp)
    unconfirmed = str(getattr(r, "status", "")).strip().lower() == "unconfirmed"
    code = "opt.latitude_north_unconfirmed" if unconfirmed else "opt.latitude_north"
    kind = np.where(by_place, 1, np.where(by_country, 2, np.where(north, 0, -1)))
    key = pd.MultiIndex.from_arrays([kind, np.where(kind == 0, lat, np.where(kind == 1, p_lat, np.nan)),
                                     np.where(kind == 1, place, ""), np.where(kind == 2, c_low, np.nan),
                                     np.where(kind == 2, c_high, np.nan)])
    codes, uniq = pd.factorize(key, use_na_sentinel=False)

    def text(k, x, pl, lo, hi):
        if k == 0:
            return Message.of(code, lat=float(x), max_lat=limit, option_id=o.option_id, sources=r.source)
        frm = (Message.of("opt.lat_from_place", place=pl, lat=float(x), sources="geonames") if k == 1 else
               Message.of("opt.lat_from_country", low=float(lo), high=float(hi), sources="naturalearth_50m_subunits"))
        return Message.of("opt.latitude_north_from_unconfirmed" if unconfirmed else "opt.latitude_north_from",
                          where=frm, max_lat=limit, option_id=o.option_id, sources=r.source)

    return north, [text(*u) if u[0] >= 0 else Message() for u in uniq], codes


def _region_latitudes(lat_from: pd.DataFrame | None, pid, abroad: np.ndarray):
    """Per plot of ``pid``: the latitude and name of its region's point (plots in China only) and the latitude
    range of its country (plots abroad only), from ``lat_from`` of :func:`evaluate_options`; None without it."""
    if lat_from is None or lat_from.empty:
        return None
    f = lat_from.reindex(pid)
    p_lat = np.where(abroad, np.nan, f["lat"].to_numpy(float))
    place = np.where(abroad, "", f["place"].fillna("").to_numpy(object)).astype(object)
    low = np.where(abroad, f["country_low"].to_numpy(float), np.nan)
    high = np.where(abroad, f["country_high"].to_numpy(float), np.nan)
    return p_lat, place, low, high


def _evaluate_one(plots, plot_soil, tables: Tables, only, crop_risk, rule_set: str, render: bool,
                  abroad: pd.Series | None = None, lat_from: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`evaluate_options` of plots governed by one rule set."""
    opts, opt_rows = _prepared_options(tables, only)
    pid = _frames.obj(plots["plot_id"])
    pos = _frames.positions(plot_soil["plot_id"], pid)
    n = len(plots)
    lu = _frames.obj(plots["land_use"])
    ph = plots["ph"].to_numpy(float)
    crop = _frames.obj(plots["crop"])
    rotation = (np.where(pd.isna(plots["crops_not_planned"].to_numpy(object)), "",
                         plots["crops_not_planned"].to_numpy(object)) if "crops_not_planned" in plots
                else np.full(len(crop), "", dtype=object))
    rot_codes, rot_uniq = pd.factorize(rotation, use_na_sentinel=False)
    rot_uniq = list(rot_uniq)
    has_food = np.isin(crop, tables.food_crops())
    cls = _frames.take(_frames.obj(plot_soil["soil_class"]), pos, None)
    cls = np.where(pd.isna(cls), "", cls).astype(object)
    # a strict-control or safe-utilisation plot that grows a non-food crop (cotton, tobacco …)
    # already uses the land as the plan asks: continuing it is judged as a non-food crop on
    # strict-control land (risk control) and as substitute planting already in place on
    # safe-utilisation land (KEPT_NONFOOD_FAMILY), not as food production
    nonfood_kept = (np.isin(cls, ("strict_control", "safe_utilisation"))
                    & np.isin(crop, tables.nonfood_grown_crops()))
    bits = _metal_bits()
    mask_text = _mask_texts(bits)
    exceed = _masks_of_texts(_frames.take(_frames.obj(plot_soil["metals_exceeding"]), pos, None), bits)
    # a safe-utilisation plot that grows a substitute food crop (rapeseed) is in substitute planting
    # where every metal above its screening value is one the crop keeps out of its product
    # (substitute_metals: rapeseed Cd) or one no food standard limits (Cu, Zn): continuing it is judged
    # by the rules of KEPT_SUBSTITUTE_FAMILY; a rapeseed paddy polluted by As or Pb follows the ordinary rules
    sub_metals = tables.substitute_metals()
    sub_mask = np.array([_mask_of(sub_metals.get(c, ()), bits) for c in crop], dtype=np.int64) if n \
        else np.zeros(0, np.int64)
    # a metal no food standard limits (Cu, Zn, Ni: none in food_limits.csv) cannot make the product unsafe
    limited = _mask_of(tables.food_limited_metals(), bits)
    substitute = (np.isin(crop, tables.substitute_grown_crops()) & (exceed != 0)
                  & ((exceed & ~sub_mask & limited) == 0))
    kept_family = np.where(nonfood_kept, np.where(cls == "strict_control", "non_food_crop", KEPT_NONFOOD_FAMILY),
                           np.where((cls == "safe_utilisation") & substitute,
                                    KEPT_SUBSTITUTE_FAMILY, "")).astype(object)
    # idle strict-control farmland (no crop): leaving it so grows no edible crop; it is judged as fallow
    # (idle wasteland is not fallow: there the rules of marginal land apply)
    idle_strict = (cls == "strict_control") & (crop == "none") & (lu != "marginal")
    kept_family = np.where(idle_strict, IDLE_FAMILY, kept_family).astype(object)
    risk = _crop_risk_masks(pid, crop_risk, tables, bits)
    red_risk = _crop_risk_masks(pid, crop_risk, tables, bits, "amber")
    calibrated = _crop_risk_masks(pid, crop_risk, tables, bits, calibrated_only=True)
    # a crop risk of a metal below its screening value (GB 15618: risk low, generally negligible) that
    # the plan leaves to monitoring: predicted only by a function documented to over-predict, not rated
    # red and not measured above the food limit in the harvest (rule 4d)
    measured_over = _measured_over_masks(plots, crop_risk, bits)
    minor = risk & ~exceed & ~red_risk & ~calibrated & ~measured_over
    mean_t = plots["mean_temp_c"].to_numpy(float) if "mean_temp_c" in plots else np.full(n, np.nan)
    lat = pd.to_numeric(plots["lat"], errors="coerce").to_numpy(float) if "lat" in plots else np.full(n, np.nan)
    outside = (np.zeros(n, bool) if abroad is None
               else abroad.reindex(pid).fillna(False).to_numpy(bool))
    lat_limits = latitude_limits(tables)
    lat_region = _region_latitudes(lat_from, pid, outside) if lat_limits else None
    no_rain = np.isnan(plots["annual_rain_mm"].to_numpy(float)) if "annual_rain_mm" in plots else np.ones(n, bool)
    species = opts["species"] if "species" in opts else [""] * len(opts)
    rain_full = climate_for_full_yield(species, "annual_rain_mm", tables)
    temp_ramp = ~np.isnan(climate_for_full_yield(species, "mean_temp_c", tables))
    measured_mask = _measured_mask(plots, bits)
    as_measured = (measured_mask & bits["as"]) != 0
    land_code, pol_st, pol_rid, pol_txt = _policy_by_land(opts, cls, lu, _basic_farmland(plots), tables,
                                                          rule_set, kept_family)
    # an applicable option's reason ends with its rule: in full where the rule only allows it
    # (it ranks after the expected options), by name where the rule expects it
    pol_suffix = [[(None if not r else Message.of("opt.policy_expected", rule_set=rule_set, rule=r)
                    if st == "expected" else t) for st, r, t in zip(srow, rrow, trow, strict=True)]
                  for srow, rrow, trow in zip(pol_st, pol_rid, pol_txt, strict=True)]
    # the rule of a protective option that treats none of the metals putting the land in its class, of
    # one whose answered crop risks are all minor (rule 4d), and of a switch away from a kept substitute
    def family_rule(family):
        return _family_rule(family, cls, lu, _basic_farmland(plots), tables, rule_set, kept_family)

    off_code, off_suffix, off_st, off_rid, off_tier = family_rule(OFF_CLASS_FAMILY)
    mr_code, mr_suffix, mr_st, mr_rid, mr_tier = family_rule(MINOR_RISK_FAMILY)
    sw_code, sw_suffix, sw_st, sw_rid, sw_tier = family_rule(SWITCH_BACK_FAMILY)
    so_code, so_suffix, so_st, so_rid, so_tier = family_rule(SWITCH_OFF_CLASS_FAMILY)
    am_code, am_suffix, am_st, am_rid, am_tier = family_rule(UNNEEDED_AMENDMENT_FAMILY)
    kept_substitute = kept_family == KEPT_SUBSTITUTE_FAMILY
    amendments = soil_amendment_options(tables)  # a soil amendment alone or in a package (rule 4e)
    # per option × plot: status and rule (the land's, unless the off-class rule replaces them)
    st_plot = pol_st[:, land_code] if n else np.zeros((len(opts), 0), object)
    rid_plot = pol_rid[:, land_code] if n else np.zeros((len(opts), 0), object)
    lime_t = parameter_for_rows(tables, opts["option_id"], "lime_t_ha")
    lime_s = parameter_for_rows(tables, opts["option_id"], "ph_rise_per_t_ha")
    lime_to = _lime_target_ph(tables, opts["option_id"])  # the pH each lime option limes to (lime_dose_t_ha)
    lime_tgt = parameter_for_rows(tables, opts["option_id"], "target_ph")  # dosed by lime requirement
    # soil pH above which an option's reason gives its ph_note (the pH of its evidence) as a caution
    ev_ph = parameter_for_rows(tables, opts["option_id"], "evidence_ph_max")
    # and below which (a removal figure from a neutral soil)
    ev_ph_lo = parameter_for_rows(tables, opts["option_id"], "evidence_ph_min")
    # distinct values of the plot columns that appear in texts (formatted once per option)
    lu_codes, lu_uniq = pd.factorize(lu, use_na_sentinel=False)
    cls_codes, cls_uniq = pd.factorize(cls, use_na_sentinel=False)
    ph_codes, ph_uniq = pd.factorize(np.ascontiguousarray(ph).view(np.int64), use_na_sentinel=False)
    ph_uniq = np.asarray(ph_uniq).view(np.float64).tolist()
    t_codes, t_uniq = pd.factorize(np.ascontiguousarray(mean_t).view(np.int64), use_na_sentinel=False)
    t_uniq = np.asarray(t_uniq).view(np.float64).tolist()
    lu_uniq, cls_uniq = list(lu_uniq), list(cls_uniq)
    crop_codes, crop_uniq = pd.factorize(crop, use_na_sentinel=False)
    unmeasured_t = np.isnan(mean_t)
    # a paddy row growing another food crop than the paddy's own (wheat or rapeseed in the winter season
    # of a rice–wheat or rice–rapeseed paddy): a crop switch there would replace the rice season
    paddy_crops = tables.crops.loc[tables.crops["land_use"] == "paddy", "crop"].tolist() \
        if "land_use" in tables.crops else []
    paddy_other = (lu == "paddy") & has_food & ~np.isin(crop, paddy_crops)
    # the winter wheat row of a wheat–maize field: a switch to summer maize would leave the winter season idle
    ws = tables.wheat_seasons
    winter_summer = (winter_wheat_rows(plots, tables), summer_crops(tables),
                     ";".join(sorted(set(ws["source"].dropna()))))
    # idle dry land below every screening value (no crop: a cotton or tobacco field is in use, not
    # idle): a crop switch may return it to its grain
    idle_clean_dry = (crop == "none") & (cls == "priority_protection") & np.isin(lu, BACK_TO_GRAIN_LAND_USES)

    # rice on land recorded as other than paddy (upland rice assumed, with a validation warning)
    rice_dry = (crop == "rice") & np.array([isinstance(u, str) and u not in ("", "paddy") for u in lu.tolist()],
                                           bool)
    k = len(opts)
    reasons = np.empty((k, n), dtype=object)
    cautions = np.full((k, n), "", dtype=object)  # encoded cautions of each applicable row ("" none)
    applicable_all = np.zeros((k, n), bool)
    target_all = np.zeros((k, n), np.int64)
    untreated_all = np.zeros((k, n), np.int64)
    treats_all = np.zeros((k, n), np.int64)
    for i, o in enumerate(opt_rows):
        tmask = treats_masks(o.treats, lu, bits)  # per plot: Hg only where a paddy is switched (hg@paddy)
        treats_all[i] = tmask
        reason = reasons[i]
        todo = np.ones(n, bool)
        gap = _text(o.gap_note)

        def fail(mask, text, codes=None):
            nonlocal todo
            m = todo & np.asarray(mask, bool)
            if isinstance(text, Message):
                reason[m] = text
            else:  # one text per distinct value, indexed by ``codes``
                reason[m] = _frames.texts_by_code(codes[m], text)
            todo &= ~m

        if _text(o.status) == "data_gap":
            fail(np.ones(n, bool), Message.of("opt.data_gap", note=gap) if gap else
                 Message.of("opt.data_gap_default"))
        for mask, text in _land_use_failures(_split(o.land_uses), lu, rice_dry, lu_uniq):
            fail(mask, text, lu_codes)
        forbidden = pol_st[i] == "forbidden"
        if forbidden.any():
            fail(forbidden[land_code], list(pol_txt[i]), land_code)
        # idle priority-protection land (no food crop): a crop switch returns it to farming with the
        # option's crop, whatever its soil classes and with no metal to treat
        switches = _text(o.switches_crop).lower() == "true"
        back_to_grain = idle_clean_dry & switches
        classes = _split(o.soil_classes)
        if classes != ["*"]:
            for mask, text, codes in _class_failures(o, cls, classes, back_to_grain, nonfood_kept | idle_strict,
                                                     cls_uniq, cls_codes):
                fail(mask, text, codes)
        target = treated_metals(o.kind, exceed, risk, tmask)
        fail(_ph_not_measured(o, ph, tables, protective_only=True), Message.of("opt.ph_not_measured"))
        fail(*_target_failure(o, target, cls, back_to_grain, tmask, mask_text, np.isnan(ph)))
        fail(_ph_not_measured(o, ph, tables), Message.of("opt.ph_not_measured"))
        if not np.isnan(o.ph_min):
            fail(ph < o.ph_min, Message.of("opt.ph_below", ph_min=float(o.ph_min)))
        if not np.isnan(o.ph_max):
            note = _text(o.ph_note)
            fail(ph > o.ph_max, [Message.of("opt.ph_above_note", ph=ph_text(p, o.ph_max), ph_max=float(o.ph_max),
                                            note=note)
                                 if note else Message.of("opt.ph_above", ph=ph_text(p, o.ph_max), ph_max=float(o.ph_max))
                                 for p in ph_uniq], ph_codes)
        fail(*_lime_at_target(tables, o.option_id, ph))
        blockers = set(_split(o.blocked_by))
        biochar = o.kind == "immobilisation" and bool(_text(getattr(o, "biochar_feedstock", "")))
        as_block, as_warn = _biochar_as_texts(o, tables) if biochar else (None, None)
        alk_from, alk_warn = _biochar_ph_caution(tables) if biochar else (np.nan, None)
        if blockers:
            # the text names the blocking metals that exceed on the plot (As, Hg or both)
            hit = exceed & _mask_of(blockers, bits)
            if as_block and blockers == {"as"}:
                fail(hit != 0, as_block)
            else:
                hit_codes, hit_uniq = pd.factorize(hit, use_na_sentinel=False)
                fail(hit != 0, [Message.of("opt.blocked", metals=mask_text[h], sources=o.blocked_source)
                                for h in hit_uniq], hit_codes)
        fail(*_needs_failure(o, exceed, bits, measured_mask))
        for failure in _crop_failures(o, switches, has_food, crop, (crop_uniq, crop_codes), (rot_uniq, rot_codes),
                                     paddy_other, winter_summer):
            fail(*failure)
        unchecked = unmeasured_t & temp_ramp[i]  # a temperature-limited yield taken as unlimited
        if not np.isnan(o.min_mean_temp_c):
            note = _text(o.climate_note) or Message.of("opt.climate_default_note")
            fail(mean_t < o.min_mean_temp_c,
                 [Message.of("opt.climate", temp_c=printed(t, 1), min_c=float(o.min_mean_temp_c), note=note)
                  for t in t_uniq], t_codes)
            unchecked = unmeasured_t
        north = _latitude_failure(o, lat, outside, lat_limits, lat_region)
        if north is not None:
            fail(*north)
        # bit 2: a water-limited species on a plot without annual rain gets its unlimited yield
        unchecked = unchecked.astype(np.int64) + 2 * (no_rain & ~np.isnan(rain_full[i]))
        applicable = todo
        untreated = exceed & ~tmask
        # a protective option that treats no metal above its screening value is not the measure the
        # land's class expects: the off-class rule's status (allowed) and text replace it (an option
        # treating an exceeding metal keeps its status); where it answers only a minor crop risk of a
        # metal below its screening value, the minor-risk rule's (ranked after unchanged practice)
        off = ((o.kind in ("immobilisation", "safe_crop")) & (exceed != 0) & ((target & exceed) == 0)
               & (off_rid != "") & (st_plot[i] == "expected") & (off_tier > POLICY_TIER["expected"]))
        minor_off = (off & ((target & ~minor) == 0) & (mr_rid != "")
                     & (mr_tier > POLICY_TIER["expected"]))
        # … and one that switches to another food crop for that risk ranks after keeping the current crop,
        # unless the risk is rated red or the harvest was measured above the food limit
        switch_off = (off & switches & (o.food_crop not in ("current", "none")) & (o.food_crop != crop)
                      & ((target & (red_risk | measured_over)) == 0) & (so_rid != "")
                      & (so_tier > POLICY_TIER["expected"]))
        minor_off &= ~switch_off
        off_only = off & ~switch_off
        st_plot[i] = np.where(switch_off, so_st, np.where(minor_off, mr_st, np.where(off, off_st, st_plot[i])))
        rid_plot[i] = np.where(switch_off, so_rid, np.where(minor_off, mr_rid, np.where(off, off_rid, rid_plot[i])))
        # an option growing another food crop where a substitute crop (rapeseed) is kept
        sw = (kept_substitute & (o.kind != "baseline") & (o.food_crop not in ("current", "none"))
              & (o.food_crop != crop) & (sw_rid != "") & (st_plot[i] == "expected") & ~off
              & (sw_tier > POLICY_TIER["expected"]))
        st_plot[i] = np.where(sw, sw_st, st_plot[i])
        rid_plot[i] = np.where(sw, sw_rid, rid_plot[i])
        # a soil amendment with nothing to answer but a crop risk neither rated red nor measured over the
        # food limit, on land where the rule set restrains such a spend (priority protection, rule 4e)
        cur_tier = np.array([POLICY_TIER.get(x, 1) for x in st_plot[i]], np.int64)
        unneeded = ((o.option_id in amendments) & ((target & (exceed | red_risk | measured_over)) == 0)
                    & (am_rid != "") & (am_tier > cur_tier) & (cur_tier < POLICY_TIER["forbidden"]))
        st_plot[i] = np.where(unneeded, am_st, st_plot[i])
        rid_plot[i] = np.where(unneeded, am_rid, rid_plot[i])
        base_sfx = len(pol_suffix[i]) + len(off_suffix) + len(sw_suffix)
        sfx_codes = np.where(unneeded, base_sfx + len(mr_suffix) + len(so_suffix) + am_code,
                             np.where(switch_off, base_sfx + len(mr_suffix) + so_code,
                             np.where(minor_off, base_sfx + mr_code,
                                      np.where(off_only, len(pol_suffix[i]) + off_code,
                                               np.where(sw, len(pol_suffix[i]) + len(off_suffix) + sw_code,
                                                        land_code)))))
        suffixes = list(pol_suffix[i]) + off_suffix + sw_suffix + mr_suffix + so_suffix + am_suffix
        if applicable.any():
            extra = _biochar_text(o, tables) if biochar else None
            # caution bits: 1 As measured below its screening value, 2 soil above the biochar pH limit,
            # 4 liming by lime requirement (the evidence it rests on; test the harvest; not above pH 7),
            # 8 soil pH above that of the option's evidence (its ph_note; the credited cut is unchanged),
            # 16 soil pH below it (a removal credited from a neutral soil)
            lime_warn = _lime_requirement_caution(o) if not np.isnan(lime_tgt[i]) else None
            removal = _text(getattr(o, "removal_model", "")) not in ("", "none")
            ev_warn = (Message.of("opt.ph_evidence_caution_removal" if removal else "opt.ph_evidence_caution",
                                  ph_from=float(ev_ph[i]), note=_text(o.ph_note))
                       if not np.isnan(ev_ph[i]) and _text(o.ph_note) else None)
            ev_warn_lo = (Message.of("opt.ph_evidence_caution_below", ph_to=float(ev_ph_lo[i]), note=_text(o.ph_note))
                          if not np.isnan(ev_ph_lo[i]) and _text(o.ph_note) else None)
            # a removal option's caution is about the removal: only where it treats a metal
            ev_rows = (target != 0) if removal else np.ones(n, bool)
            warn_all = ((as_measured & bool(as_warn)) + 2 * ((ph > alk_from) & bool(alk_warn))
                        + 4 * np.full(n, bool(lime_warn)) + 8 * ((ph > ev_ph[i]) & ev_rows & bool(ev_warn))
                        + 16 * ((ph < ev_ph_lo[i]) & ev_rows & bool(ev_warn_lo)))
            warns = (as_warn, alk_warn, lime_warn, ev_warn, ev_warn_lo)
            warn = warn_all[applicable]
            cautions[i][applicable] = _caution_codes(warn, warns)
            reason[applicable] = _ok_texts(o, target[applicable], untreated[applicable],
                                           ph_codes[applicable], ph_uniq, lime_t[i], lime_s[i],
                                           unchecked[applicable], mask_text, extra, warn, warns,
                                           sfx_codes[applicable], suffixes, rain_mm=rain_full[i],
                                           lime_to_ph=lime_to[i], lime_target=lime_tgt[i])
            grain = applicable & back_to_grain & (target == 0)
            if grain.any():  # no metal to treat: the text says which crop the idle land is given
                reason[grain] = _ok_texts(o, target[grain], untreated[grain], ph_codes[grain], ph_uniq,
                                          lime_t[i], lime_s[i], unchecked[grain], mask_text, extra,
                                          warn_all[grain], warns, sfx_codes[grain],
                                          suffixes, base=Message.of("opt.back_to_grain", crop=o.food_crop),
                                          rain_mm=rain_full[i], lime_to_ph=lime_to[i], lime_target=lime_tgt[i])
        applicable_all[i] = applicable
        target_all[i] = target
        untreated_all[i] = untreated

    _drop_risk_only(opts, exceed, applicable_all, target_all, untreated_all, reasons, mask_text, red_risk,
                    (bits, _flood_sources(tables)))
    _drop_idle_package(opts, tables, applicable_all, target_all, treats_all, reasons, mask_text)

    # plot-major order: all options of plot 1, then plot 2 ...
    app = applicable_all.T.ravel()
    gaps = np.array([_text(g) for g in opts["gap_note"]], dtype=object)
    gap_msgs = np.array([Message.of("opt.gap_note", note=g).encode() if g else "" for g in gaps], dtype=object)
    gaps = np.array([_citations.cite_keys_in_text(g, "en", tables) for g in gaps], dtype=object)  # as rendered
    flat = reasons.T.ravel()
    reason_text, reason_msg = render_encode(flat, "en", tables) if render else (None, encode_column(flat))
    return _frames.frame({
        "plot_id": np.repeat(pid, k),
        "option_id": np.tile(_frames.obj(opts["option_id"]), n),
        "option_kind": np.tile(_frames.obj(opts["kind"]), n),
        "applicable": app,
        "reason": reason_text if render else np.full(n * k, None, dtype=object),
        "reason_msg": reason_msg,
        "target_metals": mask_text[target_all.T.ravel()],
        "untreated_metals": mask_text[untreated_all.T.ravel()],
        "data_gaps": np.where(app, np.tile(gaps, n), ""),
        "data_gaps_msg": np.where(app, np.tile(gap_msgs, n), ""),
        "policy_status": st_plot.T.ravel() if n else np.zeros(0, object),
        "policy_rule": rid_plot.T.ravel() if n else np.zeros(0, object),
        "option_cautions_msg": np.where(app, cautions.T.ravel(), "") if n else np.zeros(0, object),
    }, n * k)


def _measured_mask(plots: pd.DataFrame, bits: dict) -> np.ndarray:
    """Per plot, the bit mask of the metals it has a value of."""
    out = np.zeros(len(plots), np.int64)
    for m, bit in bits.items():
        col = _metal_column(m)
        if col in plots:
            out |= np.where(np.isnan(plots[col].to_numpy(float)), 0, bit)
    return out


def _needs_failure(o, exceed, bits, measured=None):
    """(mask, texts, codes) of :func:`_evaluate_one`'s ``fail`` for an option made for land where one of
    the metals of its ``needs_exceeding`` column exceeds its screening value (the VIP+n package without
    flooding: As or Hg; the Fe–Si As amendment + low-Cd rice: As): the plots where none does, said
    differently where none of them was measured (``measured``: bit mask per plot of the metals with a
    value); no plot where the column is empty."""
    needs = _split(getattr(o, "needs_exceeding", None))
    n = len(exceed)
    if not needs:
        return np.zeros(n, bool), Message(), None
    mask = _mask_of(set(needs), bits)
    names = "+".join(needs)
    unmeasured = np.zeros(n, bool) if measured is None else (np.asarray(measured) & mask) == 0
    # an option that treats the metals it needs (the Fe–Si As amendment + low-Cd rice) is made for
    # that metal; one that does not (VIP+n without flooding) is the package for land that rules flooding out
    own = set(needs) <= treats_metals(o.treats)
    texts = [Message.of("opt.needs_exceeding_own" if own else "opt.needs_exceeding", metals=names),
             Message.of("opt.needs_unmeasured_own" if own else "opt.needs_unmeasured", metals=names)]
    return (exceed & mask) == 0, texts, unmeasured.astype(np.intp)


def ph_text(ph: float, limit: float | None = None) -> str:
    """A plot's pH as a message prints it beside a limit: two decimals where the second one is given,
    else one (7.0, 5.62), and more where two would read as the limit it exceeds (5.614 beside 5.61), so
    that a pH just above a limit never reads as the limit itself ("soil pH 5.6 is above 5.61").

    Examples
    --------
    >>> ph_text(7.0), ph_text(5.62), ph_text(7.454), ph_text(5.614, 5.61)
    ('7.0', '5.62', '7.45', '5.614')
    """
    t = f"{float(ph):.2f}"
    if limit is not None and float(t) <= float(limit) < float(ph):
        return f"{float(ph):.4f}".rstrip("0")
    return t[:-1] if t.endswith("0") else t


def _crop_not_listed(o, crop, crop_uniq, crop_codes):
    """(mask, texts, codes) of :func:`_evaluate_one`'s ``fail`` for an option whose field evidence
    covers only some crops (the ``crops`` column of ``options.csv``, ``|``-separated): the plots
    growing another crop; no plot where the column is empty."""
    grown = _split(getattr(o, "crops", None))
    if not grown:
        return np.zeros(len(crop), bool), Message(), None
    named = "|".join(g for g in grown if g != "none")  # idle land ('none') is no crop of the evidence
    return (~np.isin(crop, grown), [Message.of("opt.crop_not_listed", crop=c, crops=named)
                                    for c in crop_uniq], crop_codes)


def _flood_sources(tables: Tables) -> str:
    """Sources of the rule that rules flooding out where As or Hg exceeds: the ``blocked_source`` of the
    options whose steps flood the paddy (``flood`` in ``option_steps.csv``), ';'-joined, each once."""
    steps = tables.option_steps
    flooding = set(steps.loc[steps["measure"] == "flood", "option_id"])
    o = tables.options
    cells = o.loc[o["option_id"].isin(flooding), "blocked_source"].fillna("")
    keys = [k.strip() for c in cells for k in str(c).split(";") if k.strip()]
    return ";".join(dict.fromkeys(keys))


def _no_flood_package_masks(opts, bits) -> np.ndarray:
    """Per option, the metals of its ``needs_exceeding`` that it does not treat (the VIP+n package without
    flooding: As and Hg, for which it is the Cd package of paddies where they rule flooding out); 0
    elsewhere."""
    out = []
    for needs, treats in zip(opts["needs_exceeding"] if "needs_exceeding" in opts else [None] * len(opts),
                             opts["treats"], strict=True):
        out.append(_mask_of(set(_split(needs)) - treats_metals(treats), bits))
    return np.asarray(out, np.int64)


def _drop_risk_only(opts, exceed, applicable, target, untreated, reasons, mask_text, red_risk=None,
                    no_flood=None) -> None:
    """Rule 4b (in place): a protective measure for a minor crop risk alone does not stand in for
    the treatment of the metal that sets the land's class.

    A protective option (amendment, safe crop) that answers only a metal predicted in the crop
    below its screening value, while a metal above its screening value is left untreated, is
    excluded on a plot where another applicable protective option treats a metal above its
    screening value that the first one leaves untreated (e.g. a low-Cd rice variety on an As paddy
    with soil Cd below 0.4 mg/kg, where an As amendment applies). Where no such option applies, it
    stays applicable. It also stays applicable where the crop risk it answers is one the plan rates
    red (``red_risk``: the current crop's predicted compliance for that metal is below the
    food-safety amber threshold of ``traffic_lights.csv``): a crop more likely to fail than the
    amber threshold allows is not left unprotected for the sake of another metal.

    ``no_flood`` is ``(bits, sources)``: the metal bits and the sources of the rule that rules flooding
    out (:func:`_flood_sources`). A package made for paddies where a metal rules flooding out that it does
    not treat itself (``needs_exceeding``, :func:`_no_flood_package_masks`: the VIP+n package without
    flooding on an Hg paddy) is excluded with a reason that says so (``opt.risk_only_no_flood``): none of
    its components lowers that metal in rice; leaving flooding out only keeps it from rising.
    """
    kinds = _frames.obj(opts["kind"])
    protective = np.isin(kinds, ["immobilisation", "safe_crop"])[:, None]
    answered = target & exceed[None, :]
    # per plot: the metals above screening that an applicable protective option treats
    covered = np.bitwise_or.reduce(np.where(protective & applicable, answered, 0), axis=0)
    other = untreated & covered[None, :]
    serious = (target & red_risk[None, :]) != 0 if red_risk is not None else False
    drop = protective & applicable & (target != 0) & (answered == 0) & (other != 0) & ~serious
    if not drop.any():
        return
    applicable &= ~drop
    m = len(mask_text)
    # the metals a no-flooding package is made for but does not lower, left untreated here
    pkg = np.zeros(len(kinds), np.int64) if no_flood is None else _no_flood_package_masks(opts, no_flood[0])
    own = (pkg[:, None] & untreated)[drop]
    key = ((own * m + target[drop]) * m + untreated[drop]) * m + other[drop]
    codes, uniq = pd.factorize(key.astype(np.int64), use_na_sentinel=False)
    texts = []
    for kv in np.asarray(uniq).tolist():
        t, u, c = mask_text[(kv // (m * m)) % m], mask_text[(kv // m) % m], mask_text[kv % m]
        w = mask_text[kv // (m * m * m)]
        texts.append(Message.of("opt.risk_only_no_flood", treated=t, untreated=u, covered=c, package=w,
                                sources=no_flood[1]) if w
                     else Message.of("opt.risk_only", treated=t, untreated=u, covered=c))
    reasons[drop] = _frames.texts_by_code(codes, texts)


def _drop_idle_package(opts, tables: Tables, applicable, target, treats, reasons, mask_text) -> None:
    """Rule 4c (in place): a package is not used where its added measures answer nothing.

    A package (``option_packages.csv``) is excluded on a plot where one of its components,
    applicable there, answers every metal the package answers (``target``) while each of its
    other components treats none of them: the package only adds measures for metals that
    neither exceed their screening value nor are predicted to make the crop fail the food
    limit (the Fe–Si As amendment + low-Cd rice on an As paddy whose rice is predicted within
    the Cd limit: the amendment alone applies). A package whose other components treat a metal
    it answers (the VIP+n packages, every component for Cd) is kept: they add to its effect.
    """
    packages = getattr(tables, "option_packages", None)
    if packages is None or packages.empty:
        return
    row = {oid: i for i, oid in enumerate(_frames.obj(opts["option_id"]).tolist())}
    for pkg, comps in packages.groupby("package_id", sort=False)["component_option_id"]:
        p = row.get(pkg)
        idx = [row.get(c) for c in comps]
        if p is None or any(c is None for c in idx):
            continue  # a component outside the library run answers for nothing here
        tp = target[p]
        drop = np.zeros(len(tp), bool)
        alone = np.full(len(tp), -1, np.int64)
        for c in idx:
            rest = [d for d in idx if d != c]
            idle = np.bitwise_or.reduce([treats[d] & tp for d in rest], axis=0) == 0 if rest else True
            hit = applicable[p] & ~drop & (tp != 0) & applicable[c] & ((target[c] & tp) == tp) & idle
            alone = np.where(hit, c, alone)
            drop |= hit
        if not drop.any():
            continue
        applicable[p] &= ~drop
        extra = treats[p] & ~tp  # the metals of the measures added for nothing
        key = alone[drop] * len(mask_text) + extra[drop]
        codes, uniq = pd.factorize(key, use_na_sentinel=False)
        oids = _frames.obj(opts["option_id"])
        texts = [Message.of("opt.package_idle", metals=mask_text[kv % len(mask_text)],
                            option=oids[kv // len(mask_text)]) for kv in np.asarray(uniq).tolist()]
        reasons[p][drop] = _frames.texts_by_code(codes, texts)


def _metal_column(metal: str) -> str:
    return metal_column(metal)


def _biochar_ph_caution(tables: Tables) -> tuple[float, Message | None]:
    """Soil pH above which a biochar option's reason carries the caution that its credited Cd cut
    may be too high (``smaller_above_ph`` of ``biochar_feedstock_effects.csv``; NaN and ``None``
    without that row). The credited cut itself is not scaled: no crop-Cd figure by soil pH."""
    t = tables.biochar_feedstock_effects
    row = t.loc[(t["metal"] == "cd") & (t["effect"] == "smaller_above_ph")]
    if row.empty:
        return np.nan, None
    ph_from = float(row["typical"].iloc[0])
    src = "; ".join(str(row["source"].iloc[0]).split(";"))
    return ph_from, Message.of("opt.biochar_alkaline", ph_from=ph_from, sources=src)


def _biochar_text(o, tables: Tables) -> Message | None:
    """Feedstock clause of a biochar option's reason (its Cd efficacy against the pooled mean)."""
    fs = _text(o.biochar_feedstock)
    e, pooled = biochar_efficacy([fs], tables)
    if np.isnan(e[0]):
        return None
    if pooled[0]:
        return Message.of("opt.biochar_pooled", feedstock=fs, factor=printed(e[0], 2))
    return Message.of("opt.biochar_feedstock", feedstock=fs, factor=printed(e[0], 2))


def _lime_requirement_caution(o) -> Message:
    """Caution of an option dosed by lime requirement (``opt.lime_requirement_caution``): the trials
    its Cd cut rests on (its ``source``), a harvest that may still exceed the food limit, and no liming
    above pH 7."""
    return Message.of("opt.lime_requirement_caution", sources="; ".join(str(o.source).split(";")))


def _caution_codes(warn, warn_texts) -> np.ndarray:
    """The cautions of each row as one encoded message (``""`` without any): bit k of ``warn`` adds
    ``warn_texts[k]``, as :func:`_ok_texts` adds them to the reason."""
    codes, uniq = pd.factorize(np.asarray(warn, np.int64), use_na_sentinel=False)
    texts = []
    for w in np.asarray(uniq).tolist():
        m = Message()
        for b, t in enumerate(warn_texts):
            if w >> b & 1 and t:
                m += t
        texts.append(m.encode() if m else "")
    return np.asarray(texts, dtype=object)[codes] if len(texts) else np.zeros(0, object)


def _ok_texts(o, target, untreated, ph_codes, ph_uniq, lime_t, lime_s, unchecked, mask_text,
              extra: Message | None = None, warn=None, warn_text=None, suffix_codes=None,
              suffixes=(None,), base: Message | None = None, rain_mm: float = np.nan,
              lime_to_ph: float = np.nan, lime_target: float = np.nan):
    """What an applicable option does, per row, built once per distinct combination
    (``suffixes[suffix_codes]`` ends each text: the policy rule of the row's land; ``base`` opens
    the text of a row that treats no metal instead of the reference / out-of-food words;
    ``unchecked``: 1 the temperature, 2 the rain of the water-limited yield, ``rain_mm`` its rain
    of full yield, not checked for want of the plot's value; ``warn``: bit k adds caution
    ``warn_text[k]``, a single Message being bit 0; ``lime_to_ph``: the pH a lime option limes to,
    whose text gives the plot's own dose and pH reached, :func:`lime_dose_t_ha`; ``lime_target``: the
    target pH of an option dosed by lime requirement (a ``target_ph`` row), whose text gives the plot's
    own dose, the target and the largest single application, :func:`lime_requirement`)."""
    lime = not np.isnan(lime_t) and not np.isnan(lime_s)
    n_ph = len(ph_uniq) + 1
    warn_texts = (warn_text,) if warn_text is None or isinstance(warn_text, Message) else tuple(warn_text)
    n_warn = 1 << len(warn_texts)
    warn = np.zeros(len(target), np.int64) if warn is None else np.asarray(warn, np.int64)
    sfx = np.zeros(len(target), np.int64) if suffix_codes is None else np.asarray(suffix_codes, np.int64)
    n_sfx = max(len(suffixes), 1)
    key = ((target * len(mask_text) + untreated) * n_ph + (ph_codes if lime else 0)) * 4 + unchecked
    key = (key * n_warn + warn) * n_sfx + sfx
    codes, uniq = pd.factorize(key.astype(np.int64), use_na_sentinel=False)
    texts = []
    for kv in np.asarray(uniq).tolist():
        sc, kv = kv % n_sfx, kv // n_sfx
        wrn, kv = kv % n_warn, kv // n_warn
        unc, kv = kv % 4, kv // 4
        phc, kv = kv % n_ph, kv // n_ph
        t, u = kv // len(mask_text), kv % len(mask_text)
        tt, ut = mask_text[t], mask_text[u]
        text = (Message.of("opt.treats", metals=tt) if tt else base if base is not None else
                Message.of("opt.reference" if o.kind == "baseline" else "opt.out_of_food"))
        if ut and o.kind not in ("baseline", "land_use_change"):
            text += Message.of("opt.untreated", metals=ut)
        if lime:
            a = ph_uniq[phc]
            if np.isnan(lime_target):
                # the plot's own dose to the target pH (the full rate where the pH or target is not known)
                dose = float(lime_requirement(a, lime_to_ph, lime_s, lime_t))
                dose = float(lime_t) if np.isnan(dose) else dose
                cap = float(lime_to_ph) if np.isfinite(lime_to_ph) else 7.5
                b = float(np.asarray(a + lime_ph_change(dose, lime_s, a, ph_cap=cap)))
                text += Message.of("opt.lime", lime_t_ha=printed(dose, 2), ph=printed(a, 2), ph_limed=printed(b, 2))
            else:  # the plot's lime requirement to the target, at most the largest single application
                dose = float(lime_requirement(a, lime_target, lime_s, lime_t))
                b = max(a, min(float(lime_target), a + dose * float(lime_s)))
                text += Message.of("opt.lime_requirement", lime_t_ha=printed(dose, 2), ph=printed(a, 1),
                                   ph_limed=printed(b, 2), target_ph=float(lime_target), max_t_ha=float(lime_t))
        text += extra
        if unc & 1:
            text += Message.of("opt.climate_unchecked")
        if unc & 2:
            text += Message.of("opt.water_unchecked", rain_mm=float(rain_mm))
        for k, w in enumerate(warn_texts):
            if wrn >> k & 1:
                text += w
        text += suffixes[sc] if len(suffixes) else None
        texts.append(text)
    return _frames.texts_by_code(codes, texts)
