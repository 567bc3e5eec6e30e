"""Transparent multi-criteria ranking of the options of each plot.

Six criteria in the three SuRF-UK groups:

================  =============  ==============================================
criterion         group          raw value
================  =============  ==============================================
food_safety       social         share of the horizon's years that give safe
                                 food: years with a food crop × share of those
                                 seasons in which it meets the food limit (else
                                 the probability in a season); 0 for an option
                                 that grows no food where the plot grows food
                                 now, or is idle now (crop ``none``) on land
                                 whose use has a reference food crop (no food is
                                 not safe food; unchanged practice, which keeps
                                 the land idle, included); not assessed where
                                 the option grows none on other land (a cotton
                                 field, an idle orchard, marginal land); a food
                                 crop whose safety is not predicted gets the
                                 lowest value assessed among the plot's options
                                 (0 if none), never a gap
food_production   social         food kept: the option's food output averaged
                                 over the horizon [t ha⁻¹ yr⁻¹, crop table
                                 yields] over the current crop's; on land idle
                                 now, over the yield of the reference food crop
                                 of its land use (``land_use_reference`` of
                                 ``crops.csv``: rice on paddy, maize on upland,
                                 vegetables of no given type on vegetable land;
                                 0 for an option growing no food); not assessed
                                 where the plot grows no food now and its land
                                 use has no reference crop
livelihood        social         1 saleable food crop, 0.5 saleable biomass or
                                 energy, 0 no saleable product
clean_up          environmental  share of the excess soil metal removed within
                                 the horizon; assessed only where the soil needs
                                 lowering: a metal exceeds its screening value
                                 and the target, and either the land is
                                 strict-control, the plot grows no food crop, or
                                 the current crop is not shown to meet the food
                                 limit for every metal above its screening value
                                 (its baseline food-safety light is not green, or
                                 its prediction does not cover such a metal: Pb
                                 or As not assessed in cabbage); 0 (as
                                 for an option removing nothing) where the option
                                 leaves untreated a metal above its intervention
                                 value (``class_kept_metals``): the land stays
                                 strict control whatever else it removes
carbon            environmental  net CO2e gain over doing nothing [t ha⁻¹ yr⁻¹]
economics         economic       NPV over doing nothing [CNY ha⁻¹], in the
                                 scenario's ``economics_view``: ``combined``
                                 (default: farmer and programme together;
                                 subsidies and grain price support cancel),
                                 ``farmer`` (what the farmer gets, subsidies
                                 included) or ``programme`` (minus what the
                                 programme pays beyond doing nothing, keeping
                                 the farmer no worse off)
================  =============  ==============================================

Default weights (:data:`agriremed.core.scenario.DEFAULT_WEIGHTS`, editable in the
scenario) and why:

================  ======  =======================================================
criterion         weight  reasoning
================  ======  =======================================================
food_safety       0.25    the legal test of safe utilisation is food produced to
                          standard (GB 2762); the largest social weight
food_production   0.15    grain land is kept for grain (国办发〔2020〕44号); an
                          option that ends food production loses this share
livelihood        0.10    saleable product for the farmer; partly overlaps
                          economics, hence lower
clean_up          0.15    lowering the soil matters where it is needed, and only
                          there (see above)
carbon            0.10    co-benefit, not the purpose of the plan
economics         0.25    cost to the farmer and the programme (one view at a
                          time, ``economics_view``; default both together)
================  ======  =======================================================

Each raw value is turned into a utility u ∈ [0, 1] by a linear value function
between two anchors of ``traffic_lights.csv`` (``utility_zero_at`` → 0,
``utility_one_at`` → 1, clipped), so an option's score never depends on which other
options are on the list. The economics anchors follow the ``economics_view`` (the table's
``view`` column): combined, 0 at −150 000 and 1 at +50 000 CNY/ha (no published basis, kept as the
default); farmer, 0 at −78 482 and 1 at +78 482 CNY/ha, ± the money the farmer has at stake on a
hectare of paddy (the legal net income of double-cropped rice over 20 yr at 6 %), so that a paid
fallow and a crop earning a little more than doing nothing are told apart; programme, 1 when it pays
nothing and 0 at 156 964 CNY/ha, the same span. The scale is fixed, not the plot's own options'
range (min–max), which would let an option's score depend on the others listed. score = Σ wᵢ·uᵢ / Σ wᵢ over the criteria that could be
assessed (a criterion without a value — e.g. no NPV for the option — is left
out and reported as not assessed, never counted as 0; food safety is the exception, see the
table: a food crop of unknown safety must not gain from the gap). Each criterion also gets a
REJUVENATE-style traffic light (green / amber / red) from the same table, with the
reason for its colour: the number behind it and the threshold it passed or missed
(``why_<criterion>``). The recommended option is the applicable option with the
highest score among the options the jurisdiction rule set expects on the land
(``policy_status`` of :func:`agriremed.stages.options.evaluate_options`; options it merely
allows rank after them); among the expected options, those that leave fewer metals untreated in
their food (above their screening value and limited by a food standard, :func:`untreated_limited`)
rank first, since a safe-utilisation plan addresses every metal that put the plot in its class
(土壤污染防治法 Art. 53; GB 15618); fully assessed options before partial ones; scores are
compared at three decimals (the finest the sentence prints), and equal scores go to the higher
NPV, then the lower first-year cost, then the option listed first in the library
(:data:`~agriremed.models.ranking.TIE_BREAKS`), which the sentence names. :func:`score_table` gives the full score table
(criterion values, utilities, weights, contributions, lights and reasons) and
:func:`runner_up_clause` the part of the one-sentence recommendation that says what
the choice beat and why.

References
----------
.. [1] Bardos R.P. et al. (2018) Sustainability 10(6):1781 (SuRF-UK criteria groups).
.. [2] REJUVENATE final report (SNOWMAN), traffic-light staged appraisal.
.. [3] 土壤污染防治法 (2018) Art. 53; 受污染耕地安全利用率核算方法（试行） (safe use
   counted only with compliant crop production); 国办发〔2020〕44号 (grain land for grain).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.models.ranking import LIGHTS, rank_in_plot, weighted_scores, light_codes, linear_utility
from agriremed.models.ranking import BEHIND_TIER, NO_MEASURE_TIER, SCORE_DECIMALS, TIE_BREAKS, tie_break_used
from agriremed.models.ranking import LEAST_SHOWN_GAIN, SCORE_SHOWN_DECIMALS
from agriremed.core.messages import Message, catalogue, render_column, render_encode, render_encode_filled
from agriremed.core.messages import printed as _num
from agriremed.core.tables import Tables, load_tables
from agriremed.core.names import ha_per_mu
from agriremed.stages.economics import VIEW_COLUMNS
from agriremed.stages.options import MINOR_RISK_FAMILY, POLICY_TIER
from agriremed.stages.uptake.predict import row_standards

__all__ = ["CRITERIA", "GROUPS", "UNITS", "criteria_values", "utilities", "traffic_lights", "light_reasons",
           "rank_options", "reweight", "score_table", "runner_up_clause", "runner_up_message", "policy_reason",
           "untreated_limited", "less_often_compliant", "class_kept_metals", "dominates_baseline"]

CRITERIA = ("food_safety", "food_production", "livelihood", "clean_up", "carbon", "economics")
GROUPS = {"food_safety": "social", "food_production": "social", "livelihood": "social",
          "clean_up": "environmental", "carbon": "environmental", "economics": "economic"}
#: Unit of each raw criterion value.
UNITS = {"food_safety": "1", "food_production": "1", "livelihood": "1", "clean_up": "1",
         "carbon": "t CO2e/ha/yr", "economics": "CNY/ha"}


def criteria_values(table: pd.DataFrame, horizon_yr: int = 20, tables: Tables | None = None,
                    economics_view: str = "combined", *, food: dict | None = None) -> pd.DataFrame:
    """Raw criterion values of every plot × option row of a plan table.

    Parameters
    ----------
    table : pandas.DataFrame
        Plan table with ``plot_id``, ``option_id``, ``food_crop``, ``crop_compliance_prob``
        (and, when present, ``compliant_season_fraction``, ``food_seasons`` and
        ``soil_class``), ``biomass_value_positive``, ``removed_g_ha``, ``needed_g_ha``,
        ``target_metals``, ``metals_exceeding``, ``net_co2e_vs_baseline_t_ha_yr`` and
        ``npv_vs_baseline_cny_ha``. The ``do_nothing`` row of a plot stands for its
        current crop (food or not, yield, compliance). Optional ``land_use`` (the plot's): on a
        plot idle now (``do_nothing`` grows no crop) whose land use has a reference food crop
        (``land_use_reference`` of ``crops.csv``), both food criteria are assessed against that
        crop; without the column they are not assessed on idle land.
    horizon_yr : int
        Horizon [yr]; food shares are ``food_seasons`` / horizon, the other years counting
        0.5 for livelihood when biomass or energy is sold.
    tables : Tables, optional
        Literature tables (crop yields ``yield_t_ha`` of ``crops.csv``; the food-safety
        green threshold of ``traffic_lights.csv`` that says a current crop complies).
    economics_view : {"combined", "farmer", "programme"}
        What the economics criterion reads (:data:`agriremed.stages.economics.VIEW_COLUMNS`):
        ``npv_vs_baseline_cny_ha``, ``npv_farmer_vs_baseline_cny_ha`` or minus
        ``programme_cost_cny_ha`` (the programme's cost beyond doing nothing with the
        farmer kept no worse off).
    food : dict, optional
        :func:`_food_parts` of ``table`` (computed here when not given; :func:`rank_options`
        computes it once and passes it to every step).

    Returns
    -------
    pandas.DataFrame
        Columns ``food_safety`` [–], ``food_production`` [–], ``livelihood`` [–],
        ``clean_up`` [–], ``carbon`` [t CO2e ha⁻¹ yr⁻¹] and ``economics`` [CNY ha⁻¹]
        (unscaled; NaN = not assessed).

    Examples
    --------
    Rice kept on a plot (safe in 90 % of seasons), sorghum instead of it, on soil whose
    rice fails the limit; then the same two on a plot whose rice complies:

    >>> import pandas as pd
    >>> t = pd.DataFrame({"plot_id": ["a", "a", "b", "b"],
    ...     "option_id": ["do_nothing", "sorghum"] * 2, "food_crop": ["rice", "none"] * 2,
    ...     "crop_compliance_prob": [0.9, float("nan"), 0.99, float("nan")],
    ...     "biomass_value_positive": [False, True] * 2, "removed_g_ha": [0.0, 300.0] * 2,
    ...     "needed_g_ha": [float("nan"), 600.0] * 2, "target_metals": ["", "cd"] * 2,
    ...     "metals_exceeding": ["cd"] * 4, "soil_class": ["safe_utilisation"] * 4,
    ...     "net_co2e_vs_baseline_t_ha_yr": [0.0, 1.0] * 2, "npv_vs_baseline_cny_ha": [0.0, -1e4] * 2})
    >>> v = criteria_values(t)
    >>> v[["food_safety", "food_production", "livelihood", "clean_up"]].round(2).values.tolist()
    [[0.9, 1.0, 1.0, 0.0], [0.0, 0.0, 0.5, 0.5], [0.99, 1.0, 1.0, nan], [0.0, 0.0, 0.5, nan]]

    The same paddy idle now, with maize grain as a third option: leaving it idle and sorghum grow no
    food (0 on both food criteria), rice is scored against the paddy's reference crop, rice
    (7.14 t/ha/yr), and maize grain by its output share of it (6.53 / 7.14):

    >>> i = t.iloc[:2].assign(food_crop=["none", "none"], crop_compliance_prob=[float("nan")] * 2)
    >>> i = pd.concat([i, t.iloc[:1].assign(option_id="maize_grain", food_crop="maize",
    ...                                    crop_compliance_prob=0.66)], ignore_index=True)
    >>> i = i.assign(land_use="paddy")
    >>> criteria_values(i)[["food_safety", "food_production"]].round(3).values.tolist()
    [[0.0, 0.0], [0.0, 0.0], [0.66, 0.915]]
    """
    tables = tables or load_tables()
    f = _food_parts(table, horizon_yr, tables) if food is None else food
    food, share, p, base, base_food = f["food"], f["share"], f["p"], f["base"], f["base_food"]
    applicable = table["applicable"].to_numpy(bool) if "applicable" in table else np.ones(len(table), bool)
    # land that grows food now, or is idle now and has a reference food crop: no food is not safe food
    food_land = base_food | f["idle_ref"]
    food_safety = _unpredicted_food_safety(table["plot_id"], food,
                                           np.where(food, p * share, np.where(food_land, 0.0, np.nan)),
                                           applicable, f["current"])
    with np.errstate(divide="ignore", invalid="ignore"):
        food_production = np.where(base_food & (f["y_now"] > 0), share * f["y_opt"] / f["y_now"],
                                   np.where(f["idle_ref"], share * f["y_opt"] / f["y_ref"], np.nan))
    other = np.where(table["biomass_value_positive"].to_numpy(bool), 0.5, 0.0)
    livelihood = share + (1.0 - share) * other
    n_exc = _count_metals(table["metals_exceeding"])
    n_tr = _count_metals(table["target_metals"])
    removed = table["removed_g_ha"].to_numpy(float)
    needed = table["needed_g_ha"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where(needed > 0, np.minimum(removed / needed, 1.0), np.nan)
    if "removed_share" in table:  # the same share, also where the soil mass is not needed for it
        part = np.where(np.isnan(part), table["removed_share"].to_numpy(float), part)
    part = np.where(np.isnan(part), 0.0, part) * np.where(n_exc > 0, n_tr / np.maximum(n_exc, 1), 1.0)
    if "class_kept_metals" in table:  # a metal above its intervention value left untreated keeps the class
        part = np.where(_count_metals(table["class_kept_metals"]) > 0, 0.0, part)
    clean_up = np.where(_soil_needs_lowering(table, base, base_food, p, tables) & ~clean_up_unknown(table),
                        part, np.nan)
    return pd.DataFrame({
        "food_safety": food_safety,
        "food_production": food_production,
        "livelihood": livelihood,
        "clean_up": clean_up,
        "carbon": table["net_co2e_vs_baseline_t_ha_yr"].to_numpy(float),
        "economics": _economics_value(table, economics_view),
    }, index=table.index)


def class_kept_metals(target_metals, above_intervention) -> np.ndarray:
    """The metals above their intervention value that each option leaves untreated.

    GB 15618-2018 puts land whose soil exceeds the risk intervention (control) value of any
    metal in the strict-control class; an option that does not treat such a metal cannot take
    the land out of that class, whatever it removes of the other metals (a Cd hyperaccumulator
    on land strict-control for Pb). :func:`criteria_values` credits such an option with no
    clean-up, and the sentence and the duration text say that the land stays strict control.

    Parameters
    ----------
    target_metals : array_like of str
        Metals each option treats, ``'+'``-joined (blank: none).
    above_intervention : array_like of str
        Metals of each row's plot above their intervention value, ``'+'``-joined (blank: none;
        :func:`agriremed.stages.soil.plot_classes`).

    Returns
    -------
    numpy.ndarray of str
        ``'+'``-joined metals of ``above_intervention`` not in ``target_metals`` (``''`` if none).

    Examples
    --------
    >>> class_kept_metals(["cd", "cd+pb", "", "cd"], ["pb", "pb", "pb", ""]).tolist()
    ['pb', '', 'pb', '']
    """
    return _frames.per_distinct(_metals_not_in, _frames.obj(above_intervention), _frames.obj(target_metals))


def _metals_not_in(metals, treated) -> str:
    """The ``'+'``-joined metals of ``metals`` that are not in ``treated`` (both ``'+'``-joined; a
    missing value is none)."""
    done = set(treated.split("+")) if isinstance(treated, str) else set()
    return "+".join(m for m in (metals.split("+") if isinstance(metals, str) else []) if m and m not in done)


def clean_up_unknown(table: pd.DataFrame) -> np.ndarray:
    """Rows of the plots on which some applicable option that removes a metal above its screening
    value has unknown years to target (its removal model needs the soil mass, and the plot gives no
    bulk density or depth): the clean-up criterion is not assessed on the whole plot, so no option
    is ranked on a removal that could not be computed (an unknown removal is not a removal of 0 %).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"plot_id": ["a", "a", "b"], "applicable": [True, True, True],
    ...     "target_metals": ["", "cd", "cd"], "years_to_target": [float("inf"), float("nan"), 12.0]})
    >>> clean_up_unknown(t).tolist()
    [True, True, False]
    """
    n = len(table)
    if not n or "years_to_target" not in table or "target_metals" not in table:
        return np.zeros(n, bool)
    app = table["applicable"].to_numpy(bool) if "applicable" in table else np.ones(n, bool)
    row = app & table["target_metals"].fillna("").ne("").to_numpy(bool) \
        & np.isnan(table["years_to_target"].to_numpy(float))
    if not row.any():
        return row
    pc = _frames.codes(_frames.obj(table["plot_id"]))[0]
    return (np.bincount(pc, weights=row, minlength=int(pc.max()) + 1) > 0)[pc]


def _unpredicted_food_safety(plot_id, food: np.ndarray, value: np.ndarray, applicable=None,
                             current=None) -> np.ndarray:
    """Food-safety values [–] of the food rows whose crop safety was not predicted (NaN).

    A crop of unknown safety never scores better on food safety than the food options assessed
    beside it: a row growing the plot's current crop (``current``: the farmer's crop, e.g. a
    paddy below the pH domain of the rice functions, or a crop without a transfer function)
    counts as the least safe applicable food option assessed on its plot, so an assessed crop
    switch does not win on the unknown alone; a row growing another crop counts 0, so a new
    crop cannot gain by leaving the range of its function. 0 where the plot has no assessed
    food option.
    """
    v = np.asarray(value, float)
    unknown = food & np.isnan(v)
    if not unknown.any():
        return v
    n = len(v)
    app = np.ones(n, bool) if applicable is None else np.asarray(applicable, bool)
    cur = np.zeros(n, bool) if current is None else np.asarray(current, bool)
    pc = _frames.codes(_frames.obj(plot_id))[0]
    worst = np.full(int(pc.max()) + 1, np.inf)
    known = food & app & ~np.isnan(v)
    np.minimum.at(worst, pc[known], v[known])
    worst = np.where(np.isinf(worst), 0.0, worst)
    return np.where(unknown, np.where(cur, worst[pc], 0.0), v)


def _economics_value(table: pd.DataFrame, economics_view: str) -> np.ndarray:
    """The economics criterion [CNY ha⁻¹] of an economics view (higher is better)."""
    if economics_view not in VIEW_COLUMNS:
        raise ValueError(f"economics_view {economics_view!r} is not one of {', '.join(VIEW_COLUMNS)}")
    column, sign = VIEW_COLUMNS[economics_view]
    return sign * table[column].to_numpy(float)


def _food_parts(table: pd.DataFrame, horizon_yr, tables: Tables) -> dict:
    """Per row: grows food, share of the horizon's years with food, compliance of the food
    (share of food seasons, else the probability in a season; ``p``, with draws their mean over the
    draws), the same from the central compliance (``p_gate``, every crop reduction at its typical value:
    :data:`agriremed.stages.duration.CENTRAL_COMPLIANCE`; what the gain and target rules compare, so that
    they decide alike with and without draws), the plot's baseline row,
    whether the plot grows food now, the current and the option's crop yields [t ha⁻¹ yr⁻¹],
    and, where the plot is idle now on land whose use has a reference food crop (``idle_ref``,
    :func:`_idle_reference`), that crop (``ref_crop``) and its yield (``y_ref`` [t ha⁻¹ yr⁻¹], per
    rice season grown on the plot as for the current crop)."""
    n = len(table)
    p = table["crop_compliance_prob"].to_numpy(float)
    crops = _frames.obj(table["food_crop"])
    # cotton, tobacco …: a crop of crops.csv that is no food produces no food, seasons or not
    nonfood = np.isin(crops, tables.nonfood_grown_crops())
    food = _grows_food(crops) & ~nonfood
    # the compliance the gain rules compare: the central one (typical crop reductions), the same with and
    # without Monte Carlo draws (:data:`agriremed.stages.duration.CENTRAL_COMPLIANCE`)
    mid = table["crop_compliance_prob_central"].to_numpy(float) if "crop_compliance_prob_central" in table else p
    mid = np.where(np.isnan(mid), p, mid)
    if "compliant_season_fraction" in table:
        seasons = table["compliant_season_fraction"].to_numpy(float)
        grows = table["food_seasons"].to_numpy(float) > 0 if "food_seasons" in table else food
        p = np.where(np.isnan(seasons), p, seasons)
        sm = (table["compliant_season_fraction_central"].to_numpy(float)
              if "compliant_season_fraction_central" in table else seasons)
        mid = np.where(np.isnan(sm), mid, sm)
        food = food | (grows & ~nonfood)
    share = np.where(food, 1.0, 0.0)
    if "food_seasons" in table:
        fs = table["food_seasons"].to_numpy(float)
        share = np.where(np.isnan(fs), share, np.clip(fs / float(horizon_yr), 0.0, 1.0))
    base = _baseline_rows(table)
    at = np.maximum(base, 0)
    base_food = (base >= 0) & food[at] if n else np.zeros(0, bool)
    y = _crop_yields(tables)
    y_now = np.where(base_food, _lookup(y, crops[at]) if n else np.zeros(0), np.nan)
    y_opt = np.where(food, _lookup(y, crops), 0.0)
    if "rice_seasons_grown_per_yr" in table and n:  # double-cropped rice yields each of its seasons
        rs = np.nan_to_num(table["rice_seasons_grown_per_yr"].to_numpy(float), nan=1.0)
        y_opt = y_opt * np.where(crops == "rice", rs, 1.0)
        y_now = y_now * np.where(crops[at] == "rice", rs[at], 1.0)
    current = base_food & (crops == crops[at]) if n else np.zeros(0, bool)  # grows the plot's crop
    # land idle now (no crop) whose land use has a reference food crop: the food criteria measure the
    # options against that crop's yield
    ref_crop, y_ref = _idle_reference(table, crops, base, tables)
    if "rice_seasons_grown_per_yr" in table and n:  # the plot's rice seasons, as for the crop grown now
        y_ref = y_ref * np.where(ref_crop == "rice", rs[at], 1.0)
    idle_ref = ~base_food & (y_ref > 0)
    return {"food": food, "share": share, "p": p, "p_gate": mid, "base": base, "base_food": base_food, "y_now": y_now,
            "y_opt": y_opt, "current": current, "idle_ref": idle_ref, "y_ref": np.where(idle_ref, y_ref, np.nan),
            "ref_crop": ref_crop}


def _idle_reference(table: pd.DataFrame, crops: np.ndarray, base: np.ndarray, tables: Tables):
    """Per row, the reference food crop of its plot's land use where the plot is idle now (its
    ``do_nothing`` row grows no crop: ``none`` or blank; a cotton field is in use, not idle), and that
    crop's yield [t ha⁻¹ yr⁻¹] (``yield_t_ha`` of ``crops.csv``); ``None`` and NaN elsewhere, and on
    every row of a table without ``land_use`` or of a land use without a reference crop
    (:meth:`agriremed.core.tables.Tables.land_use_reference_crops`: none for orchards or marginal land).

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = pd.DataFrame({"plot_id": ["a", "a", "b", "b", "c"], "land_use": ["paddy"] * 2 + ["upland"] * 2 + ["orchard"],
    ...                   "option_id": ["do_nothing", "sorghum", "do_nothing", "sorghum", "do_nothing"]})
    >>> crop, y = _idle_reference(t, np.array(["none", "none", "wheat", "none", "none"], dtype=object),
    ...                           _baseline_rows(t), load_tables())
    >>> crop.tolist(), y.tolist()
    (['rice', 'rice', None, None, None], [7.14, 7.14, nan, nan, nan])
    """
    n = len(table)
    ref_crop = np.full(n, None, dtype=object)
    refs = tables.land_use_reference_crops()
    if not n or "land_use" not in table or not refs:
        return ref_crop, np.full(n, np.nan)
    at = np.maximum(base, 0)
    idle = (base >= 0) & ~_grows_food(crops[at])
    lu = _frames.obj(table["land_use"])
    ref_crop = np.where(idle, _frames.per_distinct(lambda u: refs.get(u) if isinstance(u, str) else None, lu),
                        None).astype(object)
    y = _lookup(_crop_yields(tables), np.where(pd.isna(ref_crop), "", ref_crop).astype(object))
    return ref_crop, np.where(pd.isna(ref_crop), np.nan, y)


def _baseline_rows(table: pd.DataFrame) -> np.ndarray:
    """Position of the ``do_nothing`` row of each row's plot (−1 where the plot has none)."""
    pid = _frames.obj(table["plot_id"])
    is_base = _frames.obj(table["option_id"]) == "do_nothing"
    rows = np.flatnonzero(is_base)
    at = _frames.positions(pid[rows], pid) if len(rows) else np.full(len(pid), -1)
    return np.where(at >= 0, rows[np.maximum(at, 0)] if len(rows) else -1, -1).astype(np.intp)


def _crop_yields(tables: Tables) -> dict:
    """Crop → yield [t ha⁻¹ yr⁻¹] of ``crops.csv`` (food crops with a yield)."""
    def build():
        c = tables.crops
        y = pd.to_numeric(c["yield_t_ha"], errors="coerce").to_numpy(float)
        return dict(zip(c["crop"], y, strict=True))

    return tables.memo("ranking_crop_yields", build)


def _lookup(d: dict, keys) -> np.ndarray:
    codes, uniq = _frames.factorize(_frames.obj(keys))
    vals = np.array([d.get(k, np.nan) for k in np.asarray(uniq).tolist()], dtype=float)
    return vals[codes] if len(vals) else np.full(len(codes), np.nan)


def _soil_needs_lowering(table, base, base_food, p, tables) -> np.ndarray:
    """Rows whose plot needs its soil lowered: a metal exceeds its screening value and the
    scenario's target is not met (some removal row of the plot still needs metal removed, or
    no row says), and the land is strict-control, or
    the plot grows no food crop now, or its current crop is not shown to meet the food limit for every
    metal above its screening value (the baseline's food-safety value below the green threshold of
    ``traffic_lights.csv``, or its probability not covering such a metal: :func:`_baseline_meets`)."""
    n = len(table)
    if not n:
        return np.zeros(0, bool)
    exceeds = _count_metals(table["metals_exceeding"]) > 0
    # the scenario's target: where every removal row of a plot needs nothing removed (the soil is
    # already at or below the target, e.g. a food-limit target above the soil), nothing needs lowering
    needed = table["needed_g_ha"].to_numpy(float)
    pc = _frames.codes(_frames.obj(table["plot_id"]))[0]
    k = int(pc.max()) + 1
    known = np.bincount(pc, weights=~np.isnan(needed), minlength=k) > 0
    positive = np.bincount(pc, weights=np.nan_to_num(needed) > 0, minlength=k) > 0
    exceeds &= (~known | positive)[pc]
    strict = (_frames.obj(table["soil_class"]) == "strict_control") if "soil_class" in table else \
        np.zeros(n, bool)
    green, unseen = _baseline_meets(table, base, base_food, p, tables)
    return exceeds & (strict | ~green | (unseen != ""))


def _baseline_meets(table, base, base_food, p, tables):
    """Per row, whether its plot's current crop meets the food limit without treatment for the metals its
    probability covers (the baseline's food-safety value at or above the green threshold of
    ``traffic_lights.csv``), and the metals above their screening value that this probability does not cover
    ('+'-joined; '' none): a current crop predicted to meet the Cd limit says nothing of the Pb or As that put
    the plot in its class and that no transfer function predicts in it (Chinese cabbage on Pb/As land), so the
    soil's clean-up is not "not needed" there. Without ``compliance_metals`` (a table that does not say what
    its probabilities cover) the probability is taken to cover every metal."""
    n = len(table)
    green = tables.light_thresholds()["food_safety"]["green_at_least"]
    at = np.maximum(base, 0)
    p_base = np.where(base >= 0, _frames.take(p, at), np.nan)
    meets = base_food & (p_base >= green - 1e-12)
    unseen = np.full(n, "", dtype=object)
    if "compliance_metals" in table and "metals_exceeding" in table and meets.any():
        cover = _frames.obj(table["compliance_metals"])
        rows = np.flatnonzero(meets)
        unseen[rows] = _frames.per_distinct(_metals_not_in, _frames.obj(table["metals_exceeding"])[rows],
                                            _frames.take(cover, at[rows]))
    return meets, unseen


def _grows_food(food_crop) -> np.ndarray:
    """True where a crop is named (not blank, not ``'none'``); :func:`_food_parts` leaves out the
    crops of ``crops.csv`` that are no food."""
    f = _frames.obj(food_crop)
    return ~pd.isna(f) & (f != "none")


def _count_metals(texts) -> np.ndarray:
    """Number of metals in each '+'-joined list (blank: 0), counted once per distinct text."""
    codes, uniq = _frames.factorize(_frames.obj(texts))
    counts = np.array([len([m for m in str(t).split("+") if m]) if isinstance(t, str) else 0
                       for t in np.asarray(uniq).tolist()], dtype=int)
    return counts[codes] if len(counts) else np.zeros(len(codes), int)


def _titles(texts):
    """'cd+pb' → 'Cd/Pb' for each text (codes into the distinct titles)."""
    codes, uniq = _frames.factorize(_frames.obj(texts))
    return codes, [(t if isinstance(t, str) else "").replace("+", "/").title() for t in np.asarray(uniq).tolist()]


def traffic_lights(values: pd.DataFrame, tables: Tables | None = None,
                   economics_view: str = "combined") -> pd.DataFrame:
    """Green / amber / red per criterion from ``traffic_lights.csv`` thresholds.

    Parameters
    ----------
    values : pandas.DataFrame
        Output of :func:`criteria_values`.
    tables : Tables, optional
        Literature tables.
    economics_view : {"combined", "farmer", "programme"}
        The view ``values`` were computed in: its rows of ``traffic_lights.csv``
        (:meth:`agriremed.core.tables.Tables.light_thresholds`).

    Returns
    -------
    pandas.DataFrame
        Columns ``light_<criterion>`` with ``green``, ``amber``, ``red`` (or None
        where the value is missing).
    """
    tables = tables or load_tables()
    tl = tables.light_thresholds(economics_view)
    cols = {}
    for c in CRITERIA:
        v = values[c].to_numpy(float)
        code = light_codes(v, tl[c]["green_at_least"], tl[c]["amber_at_least"])
        cols[f"light_{c}"] = _frames.texts_by_code(code, LIGHTS)
    out = _frames.frame(cols, len(values))
    out.index = values.index
    return out


def utilities(values: pd.DataFrame, tables: Tables | None = None, economics_view: str = "combined") -> pd.DataFrame:
    """Utility in [0, 1] of every criterion value (linear between the table's anchors).

    Parameters
    ----------
    values : pandas.DataFrame
        Output of :func:`criteria_values`.
    tables : Tables, optional
        Literature tables.
    economics_view : {"combined", "farmer", "programme"}
        The view the economics value was computed in: the anchors of its row of
        ``traffic_lights.csv`` (combined NPV: 0 at −150 000, 1 at +50 000 CNY/ha; the farmer's
        NPV: 0 at −78 482, 1 at +78 482, ± the legal net income of a hectare of double-cropped rice
        over 20 yr at 6 %, the money the farmer has at stake; minus the programme's cost: 0 at
        −156 964, 1 at 0, the same span).

    Returns
    -------
    pandas.DataFrame
        Same shape; NaN where the value is NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"food_safety": [0.9], "food_production": [0.8], "livelihood": [1.0],
    ...                   "clean_up": [0.5], "carbon": [1.5], "economics": [-50000.0]})
    >>> utilities(v).round(3).iloc[0].tolist()
    [0.9, 0.8, 1.0, 0.5, 0.5, 0.5]

    The same loss to the farmer, and a paid fallow's +251 734 CNY/ha against a crop's +19 023, in the
    farmer's view: (x + 78 482) / 156 964, clipped (0.5, 1 and 0.845 with the combined anchors):

    >>> f = pd.concat([v] * 3, ignore_index=True).assign(economics=[-50000.0, 251734.0, 19023.0])
    >>> utilities(f, economics_view="farmer")["economics"].round(4).tolist()
    [0.1815, 1.0, 0.6212]
    """
    tables = tables or load_tables()
    tl = tables.light_thresholds(economics_view)
    out = {}
    for c in CRITERIA:
        out[c] = linear_utility(values[c].to_numpy(float), tl[c]["utility_zero_at"], tl[c]["utility_one_at"])
    return pd.DataFrame(out, index=values.index)


def _pct(v: float) -> str:
    return f"{100 * v:.0f} %"


def _threshold_text(light, c, tl, fmt) -> Message:
    g, a = tl[c]["green_at_least"], tl[c]["amber_at_least"]
    if light == "green":
        return Message.of("why.rule_green", green=fmt(g))
    if light == "amber":
        return Message.of("why.rule_amber", amber=fmt(a), green=fmt(g))
    return Message.of("why.rule_red", amber=fmt(a))


def light_reasons(table: pd.DataFrame, values: pd.DataFrame, lights: pd.DataFrame,
                  tables: Tables | None = None, food_standard="GB2762",
                  horizon_yr: int = 20) -> pd.DataFrame:
    """The reason for every traffic light: the number behind it and the threshold.

    Parameters
    ----------
    table : pandas.DataFrame
        Plan table (``plot_id``, ``option_id``, ``food_crop``, ``crop_compliance_prob``,
        ``target_metals``, ``metals_exceeding``; optional ``food_seasons``).
    values : pandas.DataFrame
        Output of :func:`criteria_values`.
    lights : pandas.DataFrame
        Output of :func:`traffic_lights`.
    tables : Tables, optional
        Literature tables (thresholds in ``traffic_lights.csv``).
    food_standard : str or pandas.Series
        Food standard named in the text, or one per plot (a Series indexed by plot id).
    horizon_yr : int
        Horizon named in the text [yr].

    Returns
    -------
    pandas.DataFrame
        Columns ``why_<criterion>`` with text such as
        ``"red: crop meets GB2762 in 41 % of seasons (red below 50 %)"``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"plot_id": ["P"], "option_id": ["do_nothing"], "food_crop": ["rice"],
    ...                   "crop_compliance_prob": [0.41], "target_metals": ["cd"],
    ...                   "metals_exceeding": ["cd"]})
    >>> v = pd.DataFrame({"food_safety": [0.41], "food_production": [1.0], "livelihood": [1.0],
    ...                   "clean_up": [0.0], "carbon": [0.0], "economics": [-2000.0]})
    >>> light_reasons(t, v, traffic_lights(v))["why_food_safety"].iloc[0]
    'red: crop meets GB2762 in 41 % of food seasons (red below 50 %)'
    """
    tables = tables or load_tables()
    V = {c: values[c].to_numpy(float) for c in CRITERIA}
    L = {c: _frames.obj(lights[f"light_{c}"]) for c in CRITERIA}
    texts = _reasons(table, V, L, np.arange(len(table)), tables, food_standard, horizon_yr)
    out = pd.DataFrame(index=values.index)
    for c in CRITERIA:
        inv, text, _ = texts[c]
        out[f"why_{c}"] = pd.Series(text[inv], dtype=object, index=values.index)
    return out


def _reasons(table, V, L, rows, tables, food_standard, horizon_yr, money=("CNY", 1.0),
             economics_view="combined", food=None) -> dict:
    """The ``why_<criterion>`` texts of the rows ``rows`` of ``table``: criterion → (distinct
    message of each row, as a position in the arrays; rendered English text and encoded
    :class:`agriremed.core.messages.Message` of each distinct message).

    Messages are built once per distinct (statement, light): numbers enter them only
    through their printed form, so rows that print alike share a message. The economics
    messages, distinct in their amount on nearly every row, are rendered once per light and
    filled with each row's amount (:func:`agriremed.core.messages.render_encode_filled`).
    ``food``: :func:`_food_parts` of ``table`` when the caller has it (else computed here).
    """
    tl = tables.light_thresholds(economics_view)
    f = _food_parts(table, horizon_yr, tables) if food is None else food
    food, food_share, p_food, base_food, y_now, current, idle_ref, y_ref, ref_crop = (
        f[k][rows] for k in ("food", "share", "p", "base_food", "y_now", "current", "idle_ref", "y_ref",
                             "ref_crop"))
    land_use = (_frames.obj(table["land_use"])[rows] if "land_use" in table
                else np.full(len(rows), None, dtype=object))
    e_code, e_names = _titles(table["metals_exceeding"].fillna(""))
    t_code, t_names = _titles(table["target_metals"].fillna(""))
    k_code, k_names = _titles(table["class_kept_metals"].fillna("") if "class_kept_metals" in table
                              else np.full(len(table), "", dtype=object))
    e_code, t_code, k_code = e_code[rows], t_code[rows], k_code[rows]
    unknown = clean_up_unknown(table)[rows]  # removal not computed: no soil mass
    # the current crop meets the limit for the metals its probability covers, not for those named here
    meets, unseen = _baseline_meets(table, f["base"], f["base_food"], f["p"], tables)
    u_code, u_names = _titles(pd.Series(np.where(meets, unseen, ""), dtype=object))
    c_code, c_names = _titles(pd.Series(_frames.take(_frames.obj(table["compliance_metals"]), np.maximum(f["base"], 0))
                                        if "compliance_metals" in table else np.full(len(table), "", dtype=object),
                                        dtype=object).fillna(""))
    u_code, c_code = u_code[rows], c_code[rows]
    H = int(horizon_yr)
    fmt = {"food_safety": _pct, "food_production": _pct, "livelihood": lambda x: f"{x:g}", "clean_up": _pct,
           "carbon": lambda x: f"{x:+g}", "economics": lambda x: f"{x:+,.0f}"}
    V = {c: np.asarray(V[c], float)[rows] for c in CRITERIA}
    L = {c: _frames.obj(L[c])[rows] for c in CRITERIA}

    def printed(x, scale=1.0):  # the integer a ".0f" format prints, with its sign (same text ⇔ same key)
        y = x * scale if scale != 1.0 else x
        return np.rint(y), np.signbit(y)

    v = V["food_safety"]
    fp = V["food_production"]
    std = row_standards(food_standard, _frames.obj(table["plot_id"])[rows])  # each row's plot's standard
    std = np.full(len(rows), std, dtype=object) if isinstance(std, str) else std
    ref_lu = np.where(idle_ref, land_use, None).astype(object)  # the idle land's use, where the texts name it
    ref_of = np.where(idle_ref, ref_crop, None).astype(object)
    keys = {"food_safety": (std, food, base_food, current, np.isnan(v), np.isnan(p_food), *printed(v, 100), *printed(p_food, 100),
                            *printed(food_share, 100), ref_lu),
            "food_production": (np.isnan(fp), np.isnan(y_now), *printed(fp, 100), *printed(fp * y_now, 10),
                                *printed(y_now, 10), ref_lu, ref_of, *printed(fp * y_ref, 10), *printed(y_ref, 10)),
            "livelihood": (V["livelihood"] >= 1, V["livelihood"] >= 0.5, food_share > 0,
                           *printed(food_share, 100)),
            "clean_up": (e_code, t_code, k_code, np.isnan(V["clean_up"]), unknown, *printed(V["clean_up"], 100),
                         u_code, c_code),
            "carbon": (V["carbon"],),
            "economics": printed(V["economics"])}

    def statement(c, i):
        x = V[c][i]
        M = Message.of
        if c == "food_safety":
            if not food[i]:
                return (M("why.no_safe_food") if base_food[i]
                        else M("why.no_safe_food_idle", land_use=ref_lu[i]) if idle_ref[i] else M("rec.no_food"))
            if np.isnan(p_food[i]):
                return M("why.safety_unpredicted" if current[i] else "why.safety_unpredicted_new", share=_pct(x))
            if food_share[i] >= 1:
                return M("why.food_seasons", standard=std[i], share=_pct(p_food[i]))
            return M("why.safe_food", standard=std[i], share=_pct(x), seasons=_pct(p_food[i]),
                     food_years=_pct(food_share[i]))
        if c == "food_production":
            if np.isnan(x):
                return M("why.no_food_now") if not base_food[i] else M("why.no_yield")
            if idle_ref[i]:
                return M("why.food_of_reference", kept_t_ha_yr=_num(x * y_ref[i], 1), ref_t_ha_yr=_num(y_ref[i], 1),
                         share=_pct(x), land_use=ref_lu[i], crop=ref_of[i])
            return M("why.food_kept", kept_t_ha_yr=_num(x * y_now[i], 1), now_t_ha_yr=_num(y_now[i], 1),
                     share=_pct(x))
        if c == "livelihood":
            s = food_share[i]
            return (M("why.food") if x >= 1 else M("why.food_share", share=_pct(s)) if s > 0
                    else M("why.biomass") if x >= 0.5 else M("why.nothing"))
        if c == "clean_up":
            st = _clean_up_statement(x, e_names[e_code[i]], t_names[t_code[i]], unknown[i], H,
                                     k_names[k_code[i]])
            if u_names[u_code[i]] and not np.isnan(x):
                # counted although the current crop meets the limit for the metals its probability covers
                return M("why.clean_counted_unassessed", statement=st, covered=c_names[c_code[i]],
                         metals=u_names[u_code[i]])
            return st
        if c == "carbon":
            if np.isnan(x):
                return M("why.carbon_na")
            # a value that prints as zero is written "0.0", never "-0.0" or "+0.0"
            return M("why.carbon_zero") if _num(x, 1) == 0 else M("why.carbon", co2e_t_ha_yr=_num(x, 1))
        raise ValueError(f"criterion {c!r} has no statement here")  # economics: _economics_texts

    light_code = {"green": 0, "amber": 1, "red": 2}
    out = {}
    for c in CRITERIA:
        rule = {lt: _threshold_text(lt, c, tl, fmt[c]) for lt in ("green", "amber", "red")}
        lt = L[c]
        lc = np.array([light_code.get(x, 3) if isinstance(x, str) else 3 for x in pd.unique(lt)], dtype=int)
        lcode = lc[_frames.factorize(lt)[0]] if len(lt) else np.zeros(0, int)
        assessed = (lcode < 3) & ~np.isnan(V[c])
        first, inv = _frames.distinct(*keys[c], lcode, assessed) if len(rows) else (np.zeros(0, int),
                                                                                    np.zeros(0, int))
        if c == "economics":
            out[c] = (inv, *_economics_texts(V[c], lt, assessed, first, rule, H, money, economics_view, tables))
            continue
        texts = []
        for i in first:
            st = statement(c, i)
            texts.append(Message.of("why.light", light=lt[i], statement=st, rule=rule[lt[i]])
                         if assessed[i] else Message.of("why.not_assessed", statement=st))
        out[c] = (inv, *render_encode(texts, "en", tables))
    return out


def _clean_up_statement(x: float, exceeding: str, treated: str, unknown: bool, H: int,
                        kept: str = "") -> Message:
    """What the clean-up criterion says of a row: no metal exceeds, its removal is not known (no soil
    mass), not needed, none, part or all of the excess removed within ``H`` years (``x``: share);
    an option that treats some metals but leaves ``kept`` (above their intervention value)
    untreated keeps the land strict control, and its removal is not credited."""
    M = Message.of
    if not exceeding:
        return M("why.clean")
    if unknown:
        return M("why.clean_up_unknown", metals=exceeding)
    if np.isnan(x):
        return M("why.clean_not_needed")
    if not treated:
        return M("why.removes_none", metals=exceeding)
    if kept:
        return M("why.class_kept", metals=kept, treated=treated)
    if treated != exceeding:
        return M("why.removes_part", share=_pct(x), metals=exceeding, years=H, treated=treated)
    return M("why.removes", share=_pct(x), metals=exceeding, years=H)


def _economics_texts(x, lt, assessed, first, rule, H, money, economics_view, tables):
    """Rendered and encoded ``why_economics`` message of each row ``first`` of ``_reasons``:
    one message per (light, assessed) with the rows' amounts written in; the rows without an
    amount (NaN) one by one."""
    code = {"programme": "why.programme", "farmer": "why.farmer_npv"}.get(economics_view, "why.npv")
    currency, rate = money
    first = np.asarray(first, dtype=np.intp)
    texts = np.empty(len(first), dtype=object)
    enc = np.empty(len(first), dtype=object)
    xf = x[first]
    nan = np.isnan(xf)

    def wrap(i, st):
        return (Message.of("why.light", light=lt[i], statement=st, rule=rule[lt[i]])
                if assessed[i] else Message.of("why.not_assessed", statement=st))

    if nan.any():
        at = np.flatnonzero(nan)
        texts[at], enc[at] = render_encode([wrap(i, Message.of(f"{code}_na", years=H)) for i in first[at]],
                                           "en", tables)
    at = np.flatnonzero(~nan)
    if not len(at):
        return texts, enc
    sx = -xf[at] if economics_view == "programme" else xf[at]
    light = np.where(assessed[first[at]], _frames.obj(lt)[first[at]], None)
    group, _ = pd.factorize(np.asarray(light, dtype=object), use_na_sentinel=False)
    for g in range(int(group.max()) + 1):
        sel = at[group == g]
        i = int(first[sel[0]])
        s = sx[group == g]
        if currency == "CNY":
            def build(cny, i=i):
                return wrap(i, Message.of(code, money=Message.of("money.cny_ha", cny=cny), years=H))
            values = ([_num(v) for v in s.tolist()],)
        else:
            def build(value, cny, i=i):
                return wrap(i, Message.of(code, money=Message.of("money.cur_ha", value=value, currency=currency,
                                                                 cny=cny), years=H))
            values = ([_num(v / rate) for v in s.tolist()], [_num(v) for v in s.tolist()])
        texts[sel], enc[sel] = render_encode_filled(build, values, "en", tables)
    return texts, enc


def rank_options(table: pd.DataFrame, weights: dict[str, float], tables: Tables | None = None,
                 food_standard="GB2762", horizon_yr: int = 20,
                 money: tuple[str, float] = ("CNY", 1.0), economics_view: str = "combined",
                 reasons_for: str = "applicable", target_compliance_prob: float | None = None,
                 lime_first=None, min_compliance_gain: float | None = None,
                 min_gain_share: float = 0.0, min_dominance_share: float = 0.0,
                 max_switch_loss_share: float = 1.0, gain_resolution: float = 0.0) -> pd.DataFrame:
    """Score, rank and traffic lights for every plot × option.

    Parameters
    ----------
    table : pandas.DataFrame
        Plan table (see :func:`criteria_values`) with ``plot_id``, ``option_id`` and
        ``applicable``.
    weights : dict
        Criterion → weight (normalised here to sum to 1).
    tables : Tables, optional
        Literature tables.
    food_standard : str or pandas.Series
        Food standard named in the reasons, or one per plot (a Series indexed by plot id).
    horizon_yr : int
        Horizon named in the reasons [yr].
    money : (str, float)
        Reporting currency and CNY per unit of it: the economics reason states the NPV in
        that currency beside CNY (the traffic-light thresholds stay in CNY).
    economics_view : {"combined", "farmer", "programme"}
        Whose NPV the economics criterion counts (see :func:`criteria_values`).
    reasons_for : {"applicable", "recommended"}
        Rows that get the ``why_<criterion>`` texts: every applicable option, or only each
        plot's recommended one (portfolio runs that write only the recommended rows; the
        other rows get ``None`` and an empty message). Scores, ranks and lights are the
        same either way.
    target_compliance_prob : float, optional
        Probability [0–1] with which a food option should make the crop meet the food limit
        (the scenario's ``target_compliance_prob``). Given, an expected option predicted to miss
        it ranks after the expected options that meet it (or whose crop safety is not
        predicted); where none meets it, with ``min_compliance_gain``, one more than that below the
        best expected food option of the plot ranks after those within it (:func:`_reachable_target`); and one that also leaves the crop less compliant than unchanged practice
        at a lower NPV ranks with the allowed options (``target_tier``). None: no such ordering.
    lime_first : array-like of bool, optional
        Rows (one per row of ``table``) of liming options on plots whose soil pH is below the
        range of every transfer function of the crop (the crop's metal cannot be predicted):
        where expected, they rank before the other expected options (``lime_first`` of the
        output). None: no such ordering.
    min_compliance_gain : float, optional
        Smallest rise of the crop's compliance over unchanged practice [0–1] that makes a food
        option a measure for the crop (the scenario's ``min_compliance_gain``). Given, on a plot
        where an expected food option with complete evidence reaches it, an expected food option
        that does not ranks after those that do (``target_tier`` 3), and one less compliant than
        unchanged practice ranks with the allowed options (``target_tier`` 2) whatever the target
        and its money: a crop switch or measure that leaves the crop less safe is no safe-use
        measure, however much it earns. Where no fully assessed expected or allowed food option
        reaches it, an expected or allowed food option below it at a lower economics value than
        unchanged practice, or an agronomic measure (``policy_family`` ``agronomic_control``) below it
        whatever its economics value, ranks after unchanged practice whatever its score (``target_tier`` 6),
        unless it dominates unchanged practice for the farmer (``dominates_baseline``,
        :func:`dominates_baseline`: it keeps the crop, produces no less food, makes it more often compliant
        and earns the farmer more without carbon credits or subsidies, so its advantage comes from the
        harvest itself); then it is a measure however small its gain and ranks by the other rules and its
        score. One whose advantage needs the carbon credit or a subsidy stays after unchanged practice.
    min_gain_share : float
        With ``min_compliance_gain``: share [0–1] of the largest compliance gain of the plot's
        fully assessed expected food options that an expected food option must reach to count
        as making the crop safer (the scenario's ``min_gain_share``; 0: the absolute gain only).
    gain_resolution : float
        With ``min_compliance_gain``: smallest difference [0–1] between two compliance gains that the
        gain rules tell apart (the scenario's ``gain_resolution``; 0: none). On a plot where a fully
        assessed expected food option reaches ``min_compliance_gain``, an expected food option whose gain
        is within this of the largest such gain is not put after it (``target_tier`` 3, or 2 where the
        crop already complies) for its gain: the two are tied on that rule and the other rules and the
        score decide (:func:`_target_tier`).

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, the six raw criterion values as ``crit_<criterion>``,
        ``light_<criterion>``, ``why_<criterion>`` (reason for the colour),
        ``score`` [0–1], ``evidence`` (``complete`` or ``partial``), ``policy_tier`` (0: the
        rule set expects the option; 1: it allows it; 2: it restrains it), ``rank`` (1 = best,
        applicable options only; expected options rank before allowed ones and those before
        restrained ones, then fully assessed before partial ones; an option whose NPV could
        not be computed is partial and, if expected, ranks with the allowed ones where another option of its
        plot could be priced; where none could, a gap of the plot, tiers are kept),
        ``target_tier`` (0; 1: expected, but its food crop is predicted to miss the compliance
        target, ranked after the expected options that meet it; 2: less compliant than
        unchanged practice (without ``min_compliance_gain``: also missing the target at a lower
        NPV), ranked with the allowed options; 3: expected, but its
        food crop is predicted to be no safer than under unchanged practice (compliance gain below
        ``min_compliance_gain``) where another expected option makes it safer, ranked after the
        expected options that do; 5: allowed by the rule of the measures that answer only a crop
        risk of a metal below its screening value, where another metal exceeds (``applies_to``
        ``measure_for_minor_risk`` of ``land_rules.csv``), ranked after the other options of its
        policy tier, unchanged practice included; 6 (:data:`~agriremed.models.ranking.NO_MEASURE_TIER`):
        expected or allowed, a food option whose compliance gain is below ``min_compliance_gain`` at a
        lower economics value than unchanged practice, on a plot where no fully assessed expected or
        allowed food option reaches that gain, ranked with the allowed options and after them, unchanged
        practice included; not an option that dominates unchanged practice, ``dominates_baseline``), ``lime_first`` (bool: an expected liming option ranked first
        because the soil is too acid for every transfer function of the crop),
        ``untreated_limited`` (the metals above their screening value that a food standard limits
        and the option leaves untreated in its food, :func:`untreated_limited`; among the options
        ranked as expected, fewer such metals rank first, before ``lime_first``, ``target_tier`` and
        evidence), ``tie_cost_year1_cny_ha`` (the option's first-year cost [CNY ha⁻¹], the second
        tie-break, after the NPV), ``tie_break`` (on each plot's first option whose score equals that of the
        second at :data:`~agriremed.models.ranking.SCORE_DECIMALS` decimals in the same ordering
        group: the rule of :data:`~agriremed.models.ranking.TIE_BREAKS` that decided, ``first_year_cost``,
        ``npv`` or ``option_order``; ``""`` elsewhere), ``food_compliance`` (the printed compliance: the
        share of the option's food seasons over the horizon that meet the limit, else the probability in
        a season [–]; NaN without a food crop; with draws, the mean over them), ``food_compliance_central`` (the same from the central compliance, every crop
        reduction at its typical value, :data:`agriremed.stages.duration.CENTRAL_COMPLIANCE`: what the gain
        and target rules compare, with or without draws, so that a plan decides alike in both),
        ``food_target`` (``target_compliance_prob`` [–], NaN when not given), ``food_min_gain``
        (``min_compliance_gain`` [–], NaN when not given), ``dominates_baseline`` (bool: the applicable food
        option dominates unchanged practice for the farmer, :func:`dominates_baseline`; needs
        ``npv_farmer_own_vs_baseline_cny_ha`` in ``table``, else False) and ``recommended`` (bool).
    """
    if reasons_for not in ("applicable", "recommended"):
        raise ValueError(f"reasons_for {reasons_for!r}: expected 'applicable' or 'recommended'")
    tables = tables or load_tables()
    w = np.array([float(weights.get(c, 0.0)) for c in CRITERIA])
    fp = _food_parts(table, horizon_yr, tables)  # once per ranking: every step below reads it
    vals = criteria_values(table, horizon_yr, tables, economics_view, food=fp)
    u = utilities(vals, tables, economics_view).to_numpy(float)
    ok = table["applicable"].to_numpy(bool)
    n = len(table)
    score = weighted_scores(u, w, ok)
    out = {"plot_id": _frames.obj(table["plot_id"]), "option_id": _frames.obj(table["option_id"])}
    for c in CRITERIA:
        out[f"crit_{c}"] = vals[c].to_numpy(float)
    lights = traffic_lights(vals, tables, economics_view)
    for c in lights.columns:
        out[c] = np.where(ok, _frames.obj(lights[c]), None)
    # options whose evidence leaves out part of the outcome or the costs (status 'partial' in
    # options.csv, gaps named in data_gaps) rank after the fully assessed ones, so that a gap can
    # never win; among equals: score, then library order
    lib = tables.options
    status = _frames.take(_frames.obj(lib["status"]), _frames.index_of(lib["option_id"], table["option_id"]),
                          None)
    # an option whose NPV could not be computed (PV without coordinates: no yield) is partial too
    # (its gap is in data_gaps) and ranks after every option with known economics
    partial = (status == "partial") | (ok & np.isnan(vals["economics"].to_numpy(float)))
    # and, where another option of the plot could be priced, ranks with the allowed options
    unpriced = _unpriced_among_priced(ok, vals["economics"].to_numpy(float), table["plot_id"])
    # options the jurisdiction rule set expects on the land rank before those it merely allows
    tier = _policy_tier(table)
    first = ok & (tier == 0) & (np.zeros(n, bool) if lime_first is None else np.asarray(lime_first, bool))
    # plots whose soil is too acid for every transfer function of the crop (liming comes first there)
    pc = _frames.codes(_frames.obj(table["plot_id"]))[0] if n else np.zeros(0, np.int64)
    acid_plot = np.zeros(int(pc.max()) + 1 if n else 0, bool)
    np.logical_or.at(acid_plot, pc, np.zeros(n, bool) if lime_first is None else np.asarray(lime_first, bool))
    # a food option that keeps the crop and dominates unchanged practice for the farmer (safer, no less food,
    # more money from the land itself) is a measure whatever its gain (min_compliance_gain does not gate it)
    dominant = ok & dominates_baseline(table, vals, horizon_yr, tables, min_dominance_share, food=fp)
    # a crop switch that misses the target at the cost of most of the field's income is no measure for the crop
    costly = ok & costly_switch(table, vals, horizon_yr, tables, target_compliance_prob, max_switch_loss_share,
                                food=fp)
    # an expected option better than a cheaper one of the same crop only on a metal the plan cannot assess in it
    only = unassessed_benefit_only(table, vals, tables, tier, ok, min_compliance_gain, food=fp)
    target_tier = _target_tier(table, vals, tier, ok, horizon_yr, tables, target_compliance_prob,
                               min_compliance_gain, partial, min_gain_share, acid_plot[pc], dominant, costly,
                               food=fp, resolution=gain_resolution, only=only)
    # a measure allowed by the rule of the measures that answer only a crop risk of a metal below its
    # screening value ranks with unchanged practice, not ahead of it
    target_tier = np.where(ok & (tier > 0) & _below_screening_only(table, tables), BEHIND_TIER, target_tier)
    # an expected option leaving a food-limited metal above its screening value untreated ranks after
    # the expected options that leave fewer such metals untreated
    left = untreated_limited(table, tables)
    # equal scores: the higher NPV, then the lower first-year cost, then library order
    cost = table["cost_year1_cny_ha"].to_numpy(float) if "cost_year1_cny_ha" in table else np.full(n, np.nan)
    npv = vals["economics"].to_numpy(float)
    keys = (score, ok, partial, table["plot_id"], tier, unpriced, target_tier, first, _count_metals(left))
    rank = rank_in_plot(*keys, cost=cost, npv=npv)
    tie = tie_break_used(rank, *keys, cost=cost, npv=npv)
    rows = np.flatnonzero(ok & (rank == 1) if reasons_for == "recommended" else ok)
    why = _reasons(table, {c: vals[c].to_numpy(float) for c in CRITERIA},
                   {c: _frames.obj(lights[f"light_{c}"]) for c in CRITERIA}, rows, tables, food_standard, horizon_yr,
                   money, economics_view, food=fp)
    for c in CRITERIA:
        inv, text, enc = why[c]  # each distinct message once, then by row
        col = np.full(n, None, dtype=object)
        col[rows] = text[inv]
        out[f"why_{c}"] = col
        msg = np.full(n, "", dtype=object)
        msg[rows] = enc[inv]
        out[f"why_{c}_msg"] = msg
    out["score"] = score
    out["evidence"] = np.where(ok, np.where(partial, "partial", "complete"), None)
    out["policy_tier"] = tier
    out["target_tier"] = target_tier
    out["lime_first"] = first
    out["untreated_limited"] = left
    out["tie_cost_year1_cny_ha"] = cost
    out["tie_break"] = tie
    out["food_compliance"] = np.where(fp["food"], fp["p"], np.nan)
    out["food_compliance_central"] = np.where(fp["food"], fp["p_gate"], np.nan)
    out["food_target"] = np.full(n, np.nan if target_compliance_prob is None else float(target_compliance_prob))
    out["food_min_gain"] = np.full(n, np.nan if min_compliance_gain is None else float(min_compliance_gain))
    out["dominates_baseline"] = dominant
    out["unassessed_benefit"] = np.where(target_tier == 4, only, "").astype(object)
    frame = _frames.frame(out, n)
    frame.index = table.index
    frame["rank"] = pd.arrays.IntegerArray(np.where(ok, rank, 0).astype("int64"), ~ok)
    frame["recommended"] = ok & (rank == 1)
    return frame


def _unpriced_among_priced(ok: np.ndarray, econ: np.ndarray, plot_id) -> np.ndarray:
    """Applicable rows whose economics value is unknown (NaN) on a plot where another applicable
    option's is known.

    Such an option's missing NPV is its own gap (PV without coordinates: no yield) and it ranks
    with the partial, allowed options. Where no applicable option of a plot could be priced (a crop
    outside the library: no yield or price for unchanged practice, so no option has an NPV against it)
    the gap is the plot's, not the option's: it moves no option across the rule set's tiers, and an
    expected option keeps its place before the merely allowed ones.

    Examples
    --------
    >>> ok = np.array([True, True, True, True])
    >>> _unpriced_among_priced(ok, np.array([1.0, np.nan, np.nan, np.nan]), ["a", "a", "b", "b"]).tolist()
    [False, True, False, False]
    """
    ok = np.asarray(ok, bool)
    unknown = ok & np.isnan(econ)
    if not len(ok):
        return unknown
    pc = _frames.codes(_frames.obj(plot_id))[0]
    priced = np.zeros(int(pc.max()) + 1, bool)
    np.logical_or.at(priced, pc, ok & ~np.isnan(econ))
    return unknown & priced[pc]


def _target_tier(table: pd.DataFrame, vals: pd.DataFrame, tier: np.ndarray, ok: np.ndarray, horizon_yr,
                 tables: Tables, target: float | None, min_gain: float | None = None,
                 partial: np.ndarray | None = None, min_gain_share: float = 0.0,
                 acid: np.ndarray | None = None, dominant: np.ndarray | None = None,
                 costly: np.ndarray | None = None, food: dict | None = None,
                 resolution: float = 0.0, only: np.ndarray | None = None) -> np.ndarray:
    """Food-target tier of each row (see ``target_tier`` of :func:`rank_options`).

    Safe utilisation counts only when the crop meets the food standard (安全利用率核算方法), so
    an expected food option predicted (crop compliance below ``target``) to miss it is not
    preferred over expected options that meet it (1), and one that is also less compliant than
    unchanged practice (whose compliance is known) at a lower value of the economics criterion
    is not put ahead of unchanged practice by the rule set (2). With ``min_gain``, a food
    option is a measure for the crop only if it raises the crop's compliance over unchanged
    practice by at least ``min_gain`` and by at least ``min_gain_share`` of the largest gain a
    fully assessed (``partial`` False) expected food option buys on the plot: where one does, the
    expected food options that do not rank after it (3), whatever they score on clean-up,
    carbon or money, except those whose gain is within ``resolution`` of the largest (gains that
    close are not told apart: they share its tier and the score decides); and an option less compliant than unchanged practice ranks with the
    allowed options even above the target and whatever its economics value (2), as does, where the crop
    already complies (unchanged practice at least green on food safety, ``traffic_lights.csv``),
    one that raises its compliance by less than ``min_gain`` at a lower economics value. Where no fully
    assessed expected or allowed food option raises the crop's compliance by ``min_gain``, none is a
    measure for the crop: an expected or allowed food option whose gain is below it (a loss included) at
    a lower economics value ranks after unchanged practice whatever its score
    (:data:`~agriremed.models.ranking.NO_MEASURE_TIER`, 6, in place of 1–3; not one that treats a metal
    its compliance does not cover, :func:`_no_measure`): 20 t/ha of biochar is not the plan of a pak choi
    field for 3 points of compliance. Not one that dominates unchanged practice for the farmer
    (``dominant``, :func:`dominates_baseline`: it keeps the crop, produces no less food, makes it more often
    compliant and earns the farmer more without carbon credits or subsidies): it is a measure however small
    its gain, and keeps the tier it has otherwise (lime on a Suzhou pak choi field, +3.9 points and +32 527
    CNY/ha from the harvest); where no option reaches the target, such an option is measured against the
    options keeping the crop only (1: a crop switch's compliance is another crop's, under another limit). A metal no food standard limits (Cu, Zn, Ni) needs no compliance to
    count the crop as complying.
    """
    n = len(table)
    out = np.zeros(n, np.int64)
    if (target is None and min_gain is None) or not n:
        return out
    fp = _food_parts(table, horizon_yr, tables) if food is None else food
    p = fp["p_gate"]  # the central compliance, alike with and without draws
    # a crop switch that misses the target at the cost of most of the field's income (``costly``,
    # :func:`costly_switch`) sets no bar for the others and is no measure that makes the others none
    costly = np.zeros(n, bool) if costly is None else np.asarray(costly, bool)
    cand = ok & (tier == 0) & fp["food"] & ~np.isnan(p) & ~costly
    pc = _frames.codes(_frames.obj(table["plot_id"]))[0]
    below = cand & (p < _reachable_target(p, cand, pc, target, min_gain)) if target is not None \
        else np.zeros(n, bool)
    base = fp["base"]
    at = np.maximum(base, 0)
    econ = vals["economics"].to_numpy(float)
    p_base = np.where(base >= 0, p[at], np.nan)
    e_base = np.where(base >= 0, econ[at], np.nan)
    known = cand & (base >= 0) & fp["base_food"] & ~np.isnan(p_base)
    less = known & (p < p_base)  # less compliant than unchanged practice
    # … on the metals its compliance covers: an option treating a metal above its screening value
    # that no compliance covers (Hg: no transfer function) is not put with the allowed options for
    # it, since the comparison cannot see the metal the option is for
    unseen = _treats_unassessed(table, tables)
    less &= ~unseen
    out[below] = 1
    # where no transfer function predicts the crop grown now (cassava, banana, an unnamed vegetable), or
    # none can on this plot for want of its inputs (pak choi without SOM or clay; not a soil too acid for
    # every function, ``acid``, where liming comes first), the benefit of an expected option for it is
    # unknown (an amendment's effect on that crop, or a crop switch's against it): one that costs more
    # than unchanged practice ranks with the allowed options (4), unless it grows a crop of its own
    # evidence to treat a metal no transfer function predicts (the Fe–Si amendment with rice on an As
    # paddy now under rapeseed)
    crop_now = _frames.obj(table["food_crop"])[at] if n else np.zeros(0, dtype=object)
    acid = np.zeros(n, bool) if acid is None else np.asarray(acid, bool)
    unknown = ok & (tier == 0) & fp["food"] & fp["base_food"] & (base >= 0) & np.isnan(p_base) \
        & (~np.isin(crop_now, list(tables.predicted_crops())) | ~acid) & (econ < e_base) \
        & ~(unseen & _own_crop(table, tables))
    out[unknown] = 4
    # an expected food option whose only benefit over a cheaper option of the plot growing the same crop
    # (unchanged practice, or the measure it adds to) is on a metal the plan cannot assess in that crop
    # (As in rice: no transfer function) is no better known than on a crop no function predicts: it ranks
    # with the allowed options too (4), the policy expectation of its rule staying as it is
    # (:func:`unassessed_benefit_only`: the Fe–Si amendment on a Ningxia paddy at As 22 against 20)
    if only is None:
        only = unassessed_benefit_only(table, vals, tables, tier, ok, min_gain, food=fp)
    out[(np.asarray(only, dtype=object) != "") & (out <= 1)] = 4
    if min_gain is None:
        out[below & less & (econ < e_base)] = 2
        return out
    gain = p - p_base
    partial = costly if partial is None else np.asarray(partial, bool) | costly
    assessed = known & ~partial
    # the largest gain a fully assessed expected food option buys on each plot
    best = np.full(int(pc.max()) + 1 if n else 0, -np.inf)
    np.maximum.at(best, pc[assessed], gain[assessed])
    best_here = best[pc]
    plot_has = best_here >= float(min_gain)
    need = np.maximum(float(min_gain), float(min_gain_share) * np.where(plot_has, best_here, 0.0))
    # gains within ``resolution`` of the largest gain of a plot that has a measure are not told apart
    # from it: such an option shares its tier whatever the bar says of it alone, and the score decides
    # (low-Cd rice at +4.85 points is not put after flooding at +5.73 for 0.88 points); whether the plot
    # has a measure at all is still min_gain's alone
    tied = plot_has & (gain >= best_here - float(resolution) - 1e-12) if resolution > 0 else np.zeros(n, bool)
    safer = known & ((gain >= need) | tied)
    # a food option that dominates unchanged practice for the farmer (safer, no less food and more money
    # from the land itself, not from a carbon credit or a subsidy) is a measure however small its gain:
    # neither the smallest gain nor a share of the best gain on the plot puts it after the others (liming
    # a smelter-side pak choi field, +4.2 points and +36 248 CNY/ha, is not put after a switch to maize,
    # +8.2 points at −258 694 CNY/ha; the score decides between them)
    exempt = np.zeros(n, bool) if dominant is None else np.asarray(dominant, bool)
    # where no option reaches the target, the one that comes closest is measured against the options that
    # keep the crop: a crop switch's share of compliant harvests is of another crop, under another limit
    # and at another income, so it does not put after it a measure that dominates unchanged practice (lime
    # on a smelter-side water-spinach field, 40 → 60 % and +371 228 CNY/ha, is not ranked after a switch to
    # maize at 65 % and −394 226 CNY/ha; between them the score decides)
    if target is not None and exempt.any():
        keep = cand & (_frames.obj(table["food_crop"]) == crop_now)
        out[exempt & below & (p >= _reachable_target(p, keep, pc, target, min_gain))] = 0
    # (in place of 1: where it also misses the target, its small gain is the more telling reason)
    out[known & ~safer & plot_has & (out <= 1) & ~exempt] = 3
    # where the crop already complies (unchanged practice green on food safety), an option that makes
    # it no safer at a lower economics value is no measure for it, whether or not another option is
    green = tables.light_thresholds()["food_safety"]["green_at_least"]
    # … for every metal above its screening value (a probability of Cd alone says nothing of As)
    over = _frames.obj(table["metals_exceeding"]) if "metals_exceeding" in table else np.full(n, "", dtype=object)
    # a metal no food standard limits (Cu, Zn, Ni: none in food_limits.csv) has no compliance to cover
    limited = set(tables.food_limited_metals())
    over = _frames.per_distinct(lambda o: "+".join(m for m in o.split("+") if m in limited)
                                if isinstance(o, str) else o, over) if len(over) else over
    cover = (_frames.obj(table["compliance_metals"]) if "compliance_metals" in table
             else np.full(n, "", dtype=object))
    cover_base = np.where(base >= 0, cover[at], "")
    every = covers_every_metal(over, cover_base)
    complies = every & (p_base >= green - 1e-12)
    out[less | (known & complies & (gain < float(min_gain)) & ~tied & (econ < e_base))] = 2
    # an agronomic measure (an amendment, a spray, water management, a low-accumulating variety: policy family
    # agronomic_control) is there for the crop's metal alone, so below min_gain it is no measure whatever its
    # money (biochar's carbon credit); a crop switch or a clean-up with food keeps the money condition
    for_crop = _agronomic(table, tables)
    # … unless it dominates unchanged practice for the farmer (``exempt`` above)
    out[_no_measure(ok & (tier <= 1) & fp["food"] & ~np.isnan(p) & (base >= 0) & fp["base_food"] & ~np.isnan(p_base),
                    gain, (econ < e_base) | for_crop, ~unseen, partial, pc, float(min_gain)) & ~exempt] = NO_MEASURE_TIER
    out[costly & (tier <= 1)] = NO_MEASURE_TIER
    return out


def _baseline_farmer_npv(table: pd.DataFrame, base: np.ndarray) -> np.ndarray:
    """Per row, the farmer's NPV of its plot's unchanged practice in absolute value [CNY ha⁻¹]
    (``npv_farmer_cny_ha`` of the ``do_nothing`` row ``base``, :func:`_food_parts`): the reference of the
    dominance margin (:func:`dominates_baseline`) and of a crop switch's loss (:func:`costly_switch`);
    NaN where the plot has no such row or the table no such column."""
    if "npv_farmer_cny_ha" not in table:
        return np.full(len(table), np.nan)
    farmer = table["npv_farmer_cny_ha"].to_numpy(float)
    return np.abs(np.where(base >= 0, farmer[np.maximum(base, 0)], np.nan))


def costly_switch(table: pd.DataFrame, vals: pd.DataFrame, horizon_yr, tables: Tables, target: float | None,
                  max_loss_share: float = 1.0, *, food: dict | None = None) -> np.ndarray:
    """Per row, whether the option is a crop switch that leaves its crop below the compliance ``target``
    and costs the farmer more than ``max_loss_share`` of what the field earns under unchanged practice.

    A crop switch is a substitute planting (``policy_family`` ``substitute_planting``: maize grain on a
    vegetable field) growing a food crop other than the plot's; a clean-up with food (the Sedum–wheat
    intercrop) is not one: its loss buys removal. Its loss is the farmer's NPV against unchanged practice without carbon credits,
    subsidies or compensation (``npv_farmer_own_vs_baseline_cny_ha``, as for :func:`dominates_baseline`),
    compared with the farmer's NPV of unchanged practice (``npv_farmer_cny_ha`` of the plot's
    ``do_nothing`` row, in absolute value). Such a switch makes no harvest compliant that keeping the
    crop with harvest tests would not (it misses the target too) and gives up most of the field's income:
    :func:`_target_tier` ranks it as no measure for the crop (the scenario's ``max_switch_loss_share``,
    0.5, the project's choice). False where the target, either crop's compliance, either NPV or unchanged
    practice is unknown, and for every option with ``max_loss_share`` 1 or more.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = pd.DataFrame({"plot_id": ["a"] * 3, "option_id": ["do_nothing", "biochar_amendment", "maize_grain"],
    ...                   "food_crop": ["water_spinach", "water_spinach", "maize"],
    ...                   "crop_compliance_prob": [0.823, 0.851, 0.88],
    ...                   "npv_farmer_cny_ha": [1.25e6, 1.26e6, 7.0e4],
    ...                   "npv_farmer_own_vs_baseline_cny_ha": [0.0, 1.5e4, -1.18e6]})
    >>> costly_switch(t, pd.DataFrame(index=t.index), 20, load_tables(), 0.9, 0.5).tolist()
    [False, False, True]
    """
    n = len(table)
    if (not n or target is None or float(max_loss_share) >= 1.0
            or not {"npv_farmer_own_vs_baseline_cny_ha", "npv_farmer_cny_ha"} <= set(table.columns)):
        return np.zeros(n, bool)
    fp = _food_parts(table, horizon_yr, tables) if food is None else food
    base = fp["base"]
    at = np.maximum(base, 0)
    own = table["npv_farmer_own_vs_baseline_cny_ha"].to_numpy(float)
    limit = float(max_loss_share) * _baseline_farmer_npv(table, base)
    p_base = np.where(base >= 0, fp["p_gate"][at], np.nan)
    # the comparison needs the compliance of both crops: where the crop grown now is not predicted the
    # switch's benefit is unknown, not small (target_tier 4)
    # a substitute planting only: a clean-up with food (the Sedum–wheat intercrop) buys removal with its loss
    lib = tables.options
    fam = _frames.take(_frames.obj(lib["policy_family"]), _frames.index_of(lib["option_id"], table["option_id"]),
                       None)
    switch = (fp["food"] & fp["base_food"] & (base >= 0) & ~fp["current"] & ~np.isnan(p_base)
              & (fam == "substitute_planting"))
    with np.errstate(invalid="ignore"):
        return switch & (fp["p_gate"] < float(target)) & (own < -limit)


def dominates_baseline(table: pd.DataFrame, vals: pd.DataFrame, horizon_yr, tables: Tables,
                       min_share: float = 0.0, *, food: dict | None = None) -> np.ndarray:
    """Per row, whether the option dominates unchanged practice for the farmer (True only on applicable
    food options other than ``do_nothing``; the caller masks the rows that do not apply).

    It keeps the plot's current food crop; its crop is more often compliant than under unchanged
    practice (``food_compliance`` higher by at least :data:`~agriremed.models.ranking.LEAST_SHOWN_GAIN`,
    the smallest gain the sentence prints above 0; the compliance is drawn with the same random numbers
    at every seed, :data:`agriremed.stages.duration.COMPLIANCE_SEED`, so neither it nor the farmer's own
    gain that follows the compliant harvests changes with the plan's seed); it produces no less food
    (``food_production`` criterion not below unchanged practice's); and the farmer's NPV against
    unchanged practice without carbon-credit revenue and without subsidies and compensation
    (``npv_farmer_own_vs_baseline_cny_ha`` of :func:`agriremed.stages.economics.evaluate_economics`: the
    harvest, its price support and the option's costs) is above 0 and above ``min_share`` of the
    farmer's NPV of unchanged practice (``npv_farmer_cny_ha`` of its ``do_nothing`` row, in absolute value;
    the scenario's ``min_dominance_share``, 0.02: a gain smaller than that is within the spread of the
    prices and yields it rests on, so it decides nothing). Such an option is safer and earns
    more from the harvest itself, so ``min_compliance_gain`` does not keep it from being a measure
    (:func:`_target_tier`); one whose advantage needs the carbon credit or a subsidy does not dominate.
    A table without ``npv_farmer_own_vs_baseline_cny_ha``: no row dominates.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = pd.DataFrame({"plot_id": ["a"] * 4, "option_id": ["do_nothing", "lime_vegetable", "biochar_amendment",
    ...                   "fallow"], "food_crop": ["pak_choi"] * 3 + ["none"],
    ...                   "crop_compliance_prob": [0.829, 0.867, 0.856, float("nan")],
    ...                   "npv_farmer_own_vs_baseline_cny_ha": [0.0, 32527.0, -3000.0, -525100.0]})
    >>> v = pd.DataFrame({"food_production": [1.0, 1.0, 1.0, 0.0]})
    >>> dominates_baseline(t, v, 20, load_tables()).tolist()
    [False, True, False, False]
    """
    n = len(table)
    if not n or "npv_farmer_own_vs_baseline_cny_ha" not in table:
        return np.zeros(n, bool)
    fp = _food_parts(table, horizon_yr, tables) if food is None else food
    p, base = fp["p_gate"], fp["base"]
    at = np.maximum(base, 0)
    p_base = np.where(base >= 0, p[at], np.nan)
    food = vals["food_production"].to_numpy(float)
    food_base = np.where(base >= 0, food[at], np.nan)
    own = table["npv_farmer_own_vs_baseline_cny_ha"].to_numpy(float)
    margin = float(min_share) * _baseline_farmer_npv(table, base)
    margin = np.where(np.isnan(margin), 0.0, margin)
    not_base = _frames.obj(table["option_id"]) != "do_nothing"
    with np.errstate(invalid="ignore"):
        return (not_base & fp["current"] & fp["food"] & (p - p_base >= LEAST_SHOWN_GAIN)
                & (food >= food_base - 1e-12) & (own > 0) & (own > margin))


def _reachable_target(p: np.ndarray, cand: np.ndarray, pc: np.ndarray, target: float,
                      min_gain: float | None) -> np.ndarray:
    """Per row, the compliance an expected food option must reach not to rank after the others (tier 1):
    ``target``, or on a plot where no expected food option of known compliance (``cand``) reaches it,
    the best compliance such an option reaches less ``min_gain`` (the smallest difference in compliance
    the plan counts, :class:`~agriremed.core.scenario.Scenario`): where no option makes the crop meet the
    target, those that come closest to it rank first, not one that leaves the crop far more often over
    the limit for its money (flooding at 73 % of compliant seasons where the VIP+n package reaches 87 %).
    Without ``min_gain``: ``target``.

    Examples
    --------
    >>> p = np.array([0.73, 0.87, 0.93, 0.896, 0.5])
    >>> cand = np.array([True, True, True, True, False])
    >>> _reachable_target(p, cand, np.array([0, 0, 1, 1, 2]), 0.9, 0.05).round(3).tolist()
    [0.82, 0.82, 0.9, 0.9, 0.9]
    """
    out = np.full(len(p), float(target))
    if min_gain is None or not len(p):
        return out
    best = np.full(int(pc.max()) + 1, -np.inf)
    np.maximum.at(best, pc[cand], p[cand])
    b = best[pc]
    return np.where(np.isfinite(b) & (b < out), np.minimum(out, b - float(min_gain)), out)


def _no_measure(known: np.ndarray, gain: np.ndarray, costlier: np.ndarray, seen: np.ndarray, partial, pc: np.ndarray,
                min_gain: float) -> np.ndarray:
    """Rows of :data:`~agriremed.models.ranking.NO_MEASURE_TIER`: on a plot where no fully assessed
    (``partial`` False) expected or allowed food option with a known gain over unchanged practice
    (``known``) raises the crop's compliance by ``min_gain``, those whose gain is below it at a lower
    economics value or that are agronomic measures for the crop alone (``costlier``), unless they treat a metal their compliance does not cover (``seen``
    False: the gain cannot see what the option is for).

    Examples
    --------
    >>> known = np.array([True, True, True, True])
    >>> _no_measure(known, np.array([0.036, 0.0, 0.03, 0.08]), np.array([True, False, True, True]),
    ...             np.ones(4, bool), None, np.array([0, 0, 1, 1]), 0.05).tolist()
    [True, False, False, False]
    """
    assessed = known if partial is None else known & ~np.asarray(partial, bool)
    measure = np.zeros(int(pc.max()) + 1 if len(pc) else 0, bool)
    np.logical_or.at(measure, pc[assessed & (gain >= min_gain)], True)
    return known & seen & costlier & (gain < min_gain) & ~measure[pc]


def _agronomic(table: pd.DataFrame, tables: Tables) -> np.ndarray:
    """Per row, whether the option is an agronomic measure for the crop (``policy_family``
    ``agronomic_control`` of ``options.csv``: an amendment, a foliar spray, water management, a
    low-accumulating variety), whose only purpose is to lower the metal in the crop.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = pd.DataFrame({"option_id": ["biochar_amendment", "maize_grain", "do_nothing", "flooded_rice"]})
    >>> _agronomic(t, load_tables()).tolist()
    [True, False, False, True]
    """
    lib = tables.options
    agro = set(lib.loc[lib["policy_family"].astype(str) == "agronomic_control", "option_id"])
    return np.isin(_frames.obj(table["option_id"]), list(agro))


def unassessed_benefit_only(table: pd.DataFrame, vals: pd.DataFrame, tables: Tables, tier: np.ndarray,
                            ok: np.ndarray, min_gain: float | None = None, food: dict | None = None,
                            horizon_yr: int = 20) -> np.ndarray:
    """Per row, the metals ('+'-joined; ``''`` none) on which alone an expected food option is better than
    a cheaper applicable option of its plot that grows the same food crop, where the plan cannot assess
    those metals in that crop.

    A row ``a`` gets the metals ``m`` where, for some other applicable row ``b`` of its plot (unchanged
    practice, or an expected measure ``a`` adds to: ``b`` treats no metal that ``a`` does not) that grows the same
    food crop with a known compliance:
    ``m``, the metals above their screening value (``metals_exceeding``) that ``a`` treats
    (``target_metals``) and ``b`` does not, is not empty and holds only metals a food standard limits
    and ``a``'s compliance does not cover (``compliance_metals``: no transfer function predicts them in
    the crop, as As in rice), each near its screening value (``near_class_boundary`` lists ``metal:screening``,
    :func:`agriremed.stages.soil.near_class_boundary`: a duplicate analysis of the soil, by
    ``soil_method_precision.csv``, can fall below the screening value and the plot's class with it; As 22
    against 20 is, As 40 against 30 is not, nor As 35 against 30 where Cd keeps the plot in safe utilisation;
    without the column no metal is) and none measured in the harvest above its food limit (``harvest_over_metals``
    of the plan table, :func:`agriremed.engine.assemble.crop_measured`: that risk is known); ``a`` makes
    the crop no safer than ``b`` on the metals its compliance covers (a gain below ``min_gain``, or below
    :data:`~agriremed.models.ranking.LEAST_SHOWN_GAIN` without it); and ``a``'s economics value is below
    ``b``'s. Where a metal clearly exceeds its screening value the land rule's safe-use measure stays
    expected (Soil Pollution Law Art. 53; safe utilisation counts measures and a compliant crop together);
    within the measurement tolerance, such an option's only extra benefit is one neither the soil value nor
    the plan can establish for the crop, so
    :func:`_target_tier` ranks it with the allowed options (``target_tier`` 4), as it does an expected
    option on a crop no function predicts; the land rule that expects it is not changed. Only rows of
    the expected tier (``tier`` 0) are marked.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = pd.DataFrame({"plot_id": ["x", "x", "y", "y"],
    ...                   "option_id": ["do_nothing", "as_fe_si_amendment", "low_cd_rice", "as_fe_si_low_cd_rice"],
    ...                   "food_crop": ["rice"] * 4, "crop_compliance_prob": [0.98, 0.98, 0.915, 0.915],
    ...                   "target_metals": ["", "as", "cd", "as+cd"], "metals_exceeding": ["as", "as", "as+cd", "as+cd"],
    ...                   "compliance_metals": ["cd"] * 4,
    ...                   "near_class_boundary": ["as:screening", "as:screening", "", ""]})
    >>> v = pd.DataFrame({"economics": [0.0, -60791.0, 7850.0, -52940.0]})
    >>> unassessed_benefit_only(t, v, load_tables(), np.array([1, 0, 0, 0]), np.ones(4, bool), 0.05).tolist()
    ['', 'as', '', '']
    """
    n = len(table)
    out = np.full(n, "", dtype=object)
    need = ("target_metals", "metals_exceeding", "compliance_metals", "food_crop")
    if not n or not all(c in table for c in need):
        return out
    fp = _food_parts(table, horizon_yr, tables) if food is None else food
    p = np.asarray(fp["p_gate"], float)
    econ = vals["economics"].to_numpy(float)
    ok = np.asarray(ok, bool)
    crop = _frames.obj(table["food_crop"])
    base_ok = ok & np.asarray(fp["food"], bool) & ~np.isnan(p) & ~np.isnan(econ)
    expected = np.asarray(tier) == 0
    cand = base_ok & expected & _treats_unassessed(table, tables)
    if not cand.any():
        return out
    pc = _frames.codes(_frames.obj(table["plot_id"]))[0]
    # what ``a`` is compared with: unchanged practice, or an option the rule set expects too (a measure it
    # allows only, as one for a metal below its screening value on an As paddy, is no plan ``a`` extends)
    a_rows = np.flatnonzero(cand)
    b_rows = np.flatnonzero(base_ok & (expected | (_frames.obj(table["option_id"]) == "do_nothing")))
    pairs = pd.DataFrame({"pc": pc[a_rows], "a": a_rows}).merge(pd.DataFrame({"pc": pc[b_rows], "b": b_rows}),
                                                                 on="pc")
    a, b = pairs["a"].to_numpy(np.intp), pairs["b"].to_numpy(np.intp)
    bar = LEAST_SHOWN_GAIN if min_gain is None else float(min_gain)
    keep = (a != b) & (crop[a] == crop[b]) & (econ[a] < econ[b]) & (p[a] - p[b] < bar)
    a, b = a[keep], b[keep]
    if not len(a):
        return out
    limited = set(tables.food_limited_metals())
    tm, over, cover = (_frames.obj(table[c]) for c in ("target_metals", "metals_exceeding", "compliance_metals"))

    def parts(x):
        return [m for m in x.split("+") if m] if isinstance(x, str) else []

    def extra(ta, tb, o, c, near):
        if not set(parts(tb)) <= set(parts(ta)):  # ``b`` must be what ``a`` adds to: it treats no metal ``a`` does not
            return ""
        gained = [m for m in parts(ta) if m in set(parts(o)) and m not in set(parts(tb))]
        # only a metal whose exceedance of its screening value is within the measurement tolerance (near)
        return "+".join(gained) if gained and all(m in limited and m not in set(parts(c))
                                                  and f"{m}:screening" in set(parts(near)) for m in gained) else ""

    # a metal measured in the harvest above the food limit (``harvest_over_metals``) is a known risk of the crop
    # grown: an option treating it is not judged on a benefit the plan cannot see
    shown = (_frames.obj(table["harvest_over_metals"]) if "harvest_over_metals" in table
             else np.full(n, "", dtype=object))
    near = (_frames.obj(table["near_class_boundary"]) if "near_class_boundary" in table
            else np.full(n, "", dtype=object))
    got = _frames.per_distinct(lambda ta, tb, o, c, h, ne: "" if set(parts(h)) & set(parts(extra(ta, tb, o, c, ne)))
                               else extra(ta, tb, o, c, ne), tm[a], tm[b], over[a], cover[a], shown[a], near[a])
    for i, m in zip(a.tolist(), got.tolist(), strict=True):
        if m and not out[i]:
            out[i] = m
    return out


def _own_crop(table: pd.DataFrame, tables: Tables) -> np.ndarray:
    """Per row, whether the option grows a crop of its own (``food_crop`` of ``options.csv`` other
    than ``current``: the crop its field evidence is on), not whatever the plot grows.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = pd.DataFrame({"option_id": ["as_fe_si_amendment", "biochar_amendment", "maize_grain"]})
    >>> _own_crop(t, load_tables()).tolist()
    [True, False, True]
    """
    lib = tables.options
    own = set(lib.loc[lib["food_crop"].astype(str) != "current", "option_id"])
    return np.isin(_frames.obj(table["option_id"]), list(own))


def _treats_unassessed(table: pd.DataFrame, tables: Tables) -> np.ndarray:
    """Per row, whether the option treats (``target_metals``) a metal above its screening value
    (``metals_exceeding``) that a food standard limits and that its crop compliance does not cover
    (``compliance_metals``): e.g. the maize switch of an Hg paddy, whose probability covers Cd only.

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = pd.DataFrame({"target_metals": ["cd+hg", "cd", "cd+zn"], "metals_exceeding": ["hg", "hg", "zn"],
    ...                   "compliance_metals": ["cd", "cd", "cd"]})
    >>> _treats_unassessed(t, load_tables()).tolist()
    [True, False, False]
    """
    n = len(table)
    if not n or not all(c in table for c in ("target_metals", "metals_exceeding", "compliance_metals")):
        return np.zeros(n, bool)
    limited = set(tables.food_limited_metals())

    def unseen(t, o, c):
        parts = [set(x.split("+")) if isinstance(x, str) and x else set() for x in (t, o, c)]
        return bool((parts[0] & parts[1] & limited) - parts[2])

    return _frames.per_distinct(unseen, _frames.obj(table["target_metals"]), _frames.obj(table["metals_exceeding"]),
                                _frames.obj(table["compliance_metals"])).astype(bool)


def untreated_limited(table: pd.DataFrame, tables: Tables) -> np.ndarray:
    """Per row, the metals above their screening value that a food standard limits
    (:meth:`agriremed.core.tables.Tables.food_limited_metals`) and that the option leaves untreated
    in the food it grows ('+'-joined codes in the order of ``untreated_metals``; ``''`` none).

    The metals are those of ``untreated_metals``; a table without that column takes the metals of
    ``metals_exceeding`` that are not in ``target_metals``. Left out: a metal no food standard limits
    (Cu, Zn, Ni: it cannot make a crop fail a food limit); every metal of a row that grows no food
    (``food_crop`` blank, ``none`` or a non-food crop of ``crops.csv``: substitute planting with a
    non-food crop, trees, fallow, PV); and the metals a substitute food crop keeps out of its product
    (``substitute_metals`` of ``crops.csv``: rapeseed Cd). Added: on a row whose crop is predicted
    within the limit less often than under unchanged practice, the metals above their screening value
    its probability covers (:func:`_less_safe_left`: a switch that leaves the crop less Cd-safe does not
    treat Cd).

    Examples
    --------
    >>> from agriremed.core.tables import load_tables
    >>> t = pd.DataFrame({"untreated_metals": ["hg", "", "zn", "hg+zn+as", "cd+pb", "cd+pb"],
    ...                   "food_crop": ["rice", "rice", "rice", "rice", "mulberry", "rapeseed"]})
    >>> untreated_limited(t, load_tables()).tolist()
    ['hg', '', '', 'hg+as', '', 'pb']
    """
    n = len(table)
    if not n:
        return np.zeros(0, dtype=object)
    if "untreated_metals" in table:
        left = _frames.obj(table["untreated_metals"])
    elif "metals_exceeding" in table and "target_metals" in table:
        left = _frames.per_distinct(_metals_not_in, _frames.obj(table["metals_exceeding"]),
                                    _frames.obj(table["target_metals"]))
    else:
        return np.full(n, "", dtype=object)
    crop = _frames.obj(table["food_crop"]) if "food_crop" in table else np.full(n, "", dtype=object)
    limited = set(tables.food_limited_metals())
    nonfood = set(tables.nonfood_grown_crops())
    kept_out = tables.substitute_metals()
    left = _less_safe_left(table, left)

    def food_metals(u, c):
        if not isinstance(u, str) or not u:
            return ""
        if "food_crop" in table and (not isinstance(c, str) or c in ("", "none") or c in nonfood):
            return ""
        own = kept_out.get(c, frozenset()) if isinstance(c, str) else frozenset()
        return "+".join(m for m in u.split("+") if m in limited and m not in own)

    return np.asarray(_frames.per_distinct(food_metals, left, crop), dtype=object)


def less_often_compliant(p, p_base) -> np.ndarray:
    """Per row, whether the compliance ``p`` is below ``p_base`` as the sentences print them (whole
    percentages: 71 % against 71 % is no difference); False where either is NaN.

    Examples
    --------
    >>> less_often_compliant([0.56, 0.712, np.nan], [0.71, 0.714, 0.9]).tolist()
    [True, False, False]
    """
    p, p_base = np.asarray(p, float), np.asarray(p_base, float)
    return ~np.isnan(p) & ~np.isnan(p_base) & (np.round(100 * p_base) > np.round(100 * p))


def _less_safe_left(table: pd.DataFrame, left: np.ndarray) -> np.ndarray:
    """``left`` (metals left untreated per row, '+'-joined) with, on the rows whose crop is predicted
    within the food limit less often than under unchanged practice (printed percentages of
    ``crop_compliance_prob`` against the plot's ``do_nothing`` row), the metals above their screening
    value that this probability covers (``compliance_metals`` ∩ ``metals_exceeding``): an option that
    leaves the crop less safe from a metal does not treat it, whatever ``treats`` says (the maize
    switch of a Cd–Hg paddy whose maize is predicted less Cd-safe than the rice grown now)."""
    need = ("crop_compliance_prob", "compliance_metals", "metals_exceeding")
    if not all(c in table for c in need):
        return left
    p = table["crop_compliance_prob"].to_numpy(float)
    base = _baseline_rows(table)
    p_base = np.where(base >= 0, p[np.maximum(base, 0)], np.nan)
    worse = less_often_compliant(p, p_base)
    if not worse.any():
        return left

    def add(u, c, o):
        have = [m for m in u.split("+") if m] if isinstance(u, str) else []
        over = set(o.split("+")) if isinstance(o, str) else set()
        extra = [m for m in (c.split("+") if isinstance(c, str) else []) if m in over and m not in have]
        return "+".join(have + extra)

    out = np.asarray(left, dtype=object).copy()
    out[worse] = _frames.per_distinct(add, out[worse], _frames.obj(table["compliance_metals"])[worse],
                                      _frames.obj(table["metals_exceeding"])[worse])
    return out


def covers_every_metal(exceeding, covered) -> np.ndarray:
    """Per row, whether the metals of ``covered`` ('+'-joined, e.g. the metals a compliance
    probability covers) include every metal of ``exceeding`` (the metals above their screening
    value; a row with none is False).

    Examples
    --------
    >>> covers_every_metal(["cd", "as", "cd+pb", ""], ["cd", "cd", "cd+pb+hg", "cd"]).tolist()
    [True, False, True, False]
    """
    def covers(o, c):
        return isinstance(o, str) and bool(o) and isinstance(c, str) and set(o.split("+")) <= set(c.split("+"))

    # a few distinct (exceeding, covered) pairs among many rows: each is judged once
    return _frames.per_distinct(covers, _frames.obj(np.asarray(exceeding, dtype=object)),
                                _frames.obj(np.asarray(covered, dtype=object))).astype(bool)


def _below_screening_only(table: pd.DataFrame, tables: Tables) -> np.ndarray:
    """Rows whose deciding rule (``policy_rule``) is one of ``land_rules.csv`` for the measures that
    answer only a crop risk of a metal below its screening value, predicted by a transfer function
    documented to over-predict (``applies_to`` naming :data:`agriremed.stages.options.MINOR_RISK_FAMILY`;
    rule 4d of :mod:`agriremed.stages.options`): GB 15618 rates that risk low, so the measure ranks
    with unchanged practice, not ahead of it."""
    if "policy_rule" not in table:
        return np.zeros(len(table), bool)
    r = tables.land_rules
    ids = [rid for rid, to in zip(_frames.obj(r["rule_id"]), _frames.obj(r["applies_to"]), strict=True)
           if MINOR_RISK_FAMILY in str(to).split("|")]
    return np.isin(_frames.obj(table["policy_rule"]), ids)


def _policy_tier(table: pd.DataFrame) -> np.ndarray:
    """Ranking tier of each row from its ``policy_status`` (0 expected, 1 allowed or no status,
    2 restrained: :data:`agriremed.stages.options.POLICY_TIER`)."""
    if "policy_status" not in table:
        return np.ones(len(table), np.int64)
    st = _frames.obj(table["policy_status"])
    return np.where(st == "expected", 0, np.where(st == "restrained", POLICY_TIER["restrained"], 1)).astype(np.int64)


def reweight(ranked: pd.DataFrame, weights: dict[str, float], tables: Tables | None = None,
             economics_view: str = "combined") -> pd.DataFrame:
    """The output of :func:`rank_options` with other weights: new ``score``, ``rank`` and
    ``recommended``; criterion values, traffic lights and their reasons are kept.

    Criterion values, lights and reasons do not depend on the weights, so this gives the
    same frame as :func:`rank_options` with ``weights`` on the same plan table, without
    recomputing them (the option comparison re-ranks this way when only a weight moves).

    Parameters
    ----------
    ranked : pandas.DataFrame
        Output of :func:`rank_options`.
    weights : dict
        Criterion → weight (normalised here to sum to 1).
    tables : Tables, optional
        Literature tables (utility bounds).
    economics_view : {"combined", "farmer", "programme"}
        The view ``ranked`` was ranked in (the economics anchors of :func:`utilities`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``ranked`` with ``score`` [0–1], ``rank``, ``tie_break`` and ``recommended`` recomputed.
    """
    tables = tables or load_tables()
    w = np.array([float(weights.get(c, 0.0)) for c in CRITERIA])
    vals = pd.DataFrame({c: ranked[f"crit_{c}"].to_numpy(float) for c in CRITERIA})
    ok = ranked["rank"].notna().to_numpy(bool)
    partial = (ranked["evidence"].to_numpy(object) == "partial") & ok
    unpriced = _unpriced_among_priced(ok, vals["economics"].to_numpy(float), ranked["plot_id"])
    score = weighted_scores(utilities(vals, tables, economics_view).to_numpy(float), w, ok)
    out = ranked.copy()
    out["score"] = score
    tier = ranked["policy_tier"].to_numpy(np.int64) if "policy_tier" in ranked else None
    target_tier = ranked["target_tier"].to_numpy(np.int64) if "target_tier" in ranked else None
    first = ranked["lime_first"].to_numpy(bool) if "lime_first" in ranked else None
    left = _count_metals(ranked["untreated_limited"]) if "untreated_limited" in ranked else None
    cost = ranked["tie_cost_year1_cny_ha"].to_numpy(float) if "tie_cost_year1_cny_ha" in ranked else None
    keys = (score, ok, partial, ranked["plot_id"], tier, unpriced, target_tier, first, left)
    rank = rank_in_plot(*keys, cost=cost, npv=vals["economics"].to_numpy(float))
    out["rank"] = pd.arrays.IntegerArray(np.where(ok, rank, 0).astype("int64"), ~ok)
    out["tie_break"] = tie_break_used(rank, *keys, cost=cost, npv=vals["economics"].to_numpy(float))
    out["recommended"] = ok & (rank == 1)
    return out


def score_table(ranked: pd.DataFrame, weights: dict[str, float], tables: Tables | None = None,
                economics_view: str = "combined") -> pd.DataFrame:
    """The full score table: one row per plot × applicable option × criterion.

    Parameters
    ----------
    ranked : pandas.DataFrame
        Output of :func:`rank_options`.
    weights : dict
        Criterion → weight (as passed to :func:`rank_options`).
    tables : Tables, optional
        Literature tables.
    economics_view : {"combined", "farmer", "programme"}
        The view ``ranked`` was ranked in (the economics anchors of :func:`utilities`).

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``criterion``, ``group`` (SuRF-UK), ``value``
        (raw, in ``unit``), ``unit``, ``utility`` [0–1], ``weight`` (normalised over the
        criteria assessed for the row) [–], ``contribution`` (weight × utility; the
        contributions of a row sum to its ``score``) [–], ``light`` and ``reason``.
    """
    tables = tables or load_tables()
    keep = ranked["rank"].notna().to_numpy()
    vals = pd.DataFrame({c: ranked[f"crit_{c}"].to_numpy(float)[keep] for c in CRITERIA})
    u = utilities(vals, tables, economics_view).to_numpy(float)
    w = np.array([float(weights.get(c, 0.0)) for c in CRITERIA])
    have = ~np.isnan(u)
    wsum = (have * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        wn = np.where(have & (wsum[:, None] > 0), w[None, :] / wsum[:, None], np.nan)
    m, k = len(vals), len(CRITERIA)
    per_row = lambda a: np.repeat(_frames.obj(a)[keep], k)  # noqa: E731
    per_crit = lambda d: np.tile(np.array([d[c] for c in CRITERIA], dtype=object), m)  # noqa: E731
    return _frames.frame({
        "plot_id": per_row(ranked["plot_id"]), "option_id": per_row(ranked["option_id"]),
        "criterion": per_crit({c: c for c in CRITERIA}), "group": per_crit(GROUPS),
        "value": vals.to_numpy(float).ravel(), "unit": per_crit(UNITS), "utility": u.ravel(),
        "weight": wn.ravel(), "contribution": (wn * u).ravel(),
        "light": np.stack([_frames.obj(ranked[f"light_{c}"])[keep] for c in CRITERIA], axis=1).ravel()
        if m else np.zeros(0, object),
        "reason": np.stack([_frames.obj(ranked[f"why_{c}"])[keep] for c in CRITERIA], axis=1).ravel()
        if m else np.zeros(0, object),
        **({"reason_msg": np.stack([_frames.obj(ranked[f"why_{c}_msg"])[keep] for c in CRITERIA], axis=1).ravel()
            if m else np.zeros(0, object)} if all(f"why_{c}_msg" in ranked for c in CRITERIA) else {}),
    }, m * k)


def _below_target_shares(ranked: pd.DataFrame, fr: np.ndarray, sr: np.ndarray,
                         sel: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The winner's and the runner-up's food compliance and the food target as printed (``'52 %'``;
    ``''`` for the winner without a food crop, and on rows not in ``sel``), for ``rec.ahead_below_target``.

    A compliance that prints as the target although below it is given with one decimal
    (``'49.7 %'`` against ``'50 %'``)."""
    n = len(fr)
    own, runner, target = (np.full(n, "", dtype=object) for _ in range(3))
    if not sel.any() or "food_compliance" not in ranked or "food_target" not in ranked:
        return own, runner, target
    # the compliance the target rule compared (the central one, the same with and without draws)
    p = ranked["food_compliance_central" if "food_compliance_central" in ranked else "food_compliance"].to_numpy(float)
    t = ranked["food_target"].to_numpy(float)
    for i in np.flatnonzero(sel):
        target[i] = _pct(t[sr[i]])
        runner[i] = _pct_against(p[sr[i]], t[sr[i]])
        own[i] = "" if np.isnan(p[fr[i]]) else _pct_against(p[fr[i]], t[sr[i]])
    return own, runner, target


def _gain_points(ranked: pd.DataFrame, sr: np.ndarray, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ``rec.ahead_no_measure``: the runner-up's gain in ``food_compliance`` over its plot's unchanged
    practice and ``food_min_gain``, in percentage points at the precision printed (one decimal; NaN on
    rows not in ``sel``). A gain that does not print above 0 takes ``rec.ahead_no_measure_less``: the
    runner-up leaves the crop no safer, or less safe, than unchanged practice."""
    n = len(sr)
    points, threshold = np.full(n, np.nan), np.full(n, np.nan)
    if not sel.any() or "food_compliance" not in ranked or "food_min_gain" not in ranked:
        return points, threshold
    col = "food_compliance_central" if "food_compliance_central" in ranked else "food_compliance"
    p = ranked[col].to_numpy(float)  # the gain the rule compared (the central compliance)
    pid = _frames.obj(ranked["plot_id"])
    base = np.flatnonzero(_frames.obj(ranked["option_id"]) == "do_nothing")
    p_base = _frames.take(p[base], _frames.positions(pid[base], pid[sr]))
    points[sel] = [_num(100.0 * g, 1) for g in (p[sr] - p_base)[sel]]
    threshold[sel] = [_num(100.0 * t, 1) for t in ranked["food_min_gain"].to_numpy(float)[sr][sel]]
    return points, threshold


def _ha_per_mu() -> float:
    """Hectares in one mu (:func:`agriremed.stages.advice.ha_per_mu`)."""
    return ha_per_mu()


def _pct_against(x: float, target: float) -> str:
    """``x`` [–] as a percentage, with one decimal where the whole percent would print as the
    ``target`` on the other side of it."""
    if _pct(x) == _pct(target) and x != target:
        return f"{100 * x:.1f} %"
    return _pct(x)


def _own_share(share: str, below: bool = False) -> Message:
    """The winner's part of ``rec.ahead_below_target``: its compliance (``rec.target_own_below`` where it
    too is below the target), or that it grows no food crop."""
    if not share:
        return Message.of("rec.target_own_nofood")
    return Message.of("rec.target_own_below" if below else "rec.target_own", share=share)


def _no_lower_npv(ranked: pd.DataFrame, sr: np.ndarray) -> np.ndarray:
    """Per runner-up row ``sr``, whether its economics value is not below that of its plot's unchanged
    practice (``do_nothing``): the no-measure clause then does not say "at a lower NPV"."""
    if not len(sr) or "crit_economics" not in ranked:
        return np.zeros(len(sr), bool)
    econ = ranked["crit_economics"].to_numpy(float)
    pid = _frames.obj(ranked["plot_id"])
    base = np.flatnonzero(_frames.obj(ranked["option_id"]) == "do_nothing")
    e_base = _frames.take(econ[base], _frames.positions(pid[base], pid[sr]))
    return econ[sr] >= np.asarray(e_base, float)


def runner_up_clause(ranked: pd.DataFrame, names: pd.Series, weights: dict[str, float],
                     tables: Tables | None = None, economics_view: str = "combined") -> pd.Series:
    """Why the recommended option beat the next one, as English text (see :func:`runner_up_message`;
    ``names`` maps option ids to display names).

    Returns
    -------
    pandas.Series
        Plot id → ``"ahead of <option> (score 0.71 vs 0.64), mostly on metal removal"`` or
        ``"ranked before <option> (score 0.52 vs its 0.54), …"`` (``""`` for plots with a single
        applicable option).
    """
    msg = runner_up_message(ranked, weights, tables, economics_view=economics_view)
    tables = tables or load_tables()
    lib = dict(zip(tables.options["option_id"], tables.options["name_en"], strict=True))
    out = pd.Series(render_column(msg.to_numpy(object), "en", tables), index=msg.index, dtype=object)
    if any(names.get(k, k) != v for k, v in lib.items() if k in names):  # other display names
        for k in names.index:
            for lead in ("ahead of", "ranked before"):
                out = out.str.replace(f"{lead} {lib.get(k, k)} (", f"{lead} {names[k]} (", regex=False)
    return out


#: Prefix of the message codes that give, per land rule, why the rule set ranks an option it only
#: allows after the one it expects (``rec.policy_why.cn_safe_baseline_needs_plan``).
POLICY_WHY = "rec.policy_why."


def policy_reason(rule: str) -> Message:
    """Why the rule ``rule`` (a ``rule_id`` of ``land_rules.csv``) ranks an option it only allows after
    the one the rule set expects, as the clause closing ``rec.ahead_policy``: the rule's own short
    reason (``rec.policy_why.<rule>``: "because safe-utilisation land needs a safe-utilisation
    measure (Soil Pollution Law Art. 53)"), else its name (``rec.policy_why_rule``); without a rule
    ``rec.policy_why_expected``."""
    if not rule:
        return Message.of("rec.policy_why_expected")
    if POLICY_WHY + rule in catalogue("en"):
        return Message.of(POLICY_WHY + rule)
    return Message.of("rec.policy_why_rule", rule=rule)


def runner_up_message(ranked: pd.DataFrame, weights: dict[str, float],
                      tables: Tables | None = None, rules=None, economics_view: str = "combined",
                      duration_kind=None) -> pd.Series:
    """Why the recommended option beat the next one, as a clause for the recommendation.

    Parameters
    ----------
    ranked : pandas.DataFrame
        Output of :func:`rank_options`.
    weights : dict
        Criterion weights.
    tables : Tables, optional
        Literature tables.
    rules : array_like of str, optional
        The ``policy_rule`` of each row of ``ranked`` (when ``ranked`` has no such column).
    economics_view : {"combined", "farmer", "programme"}
        The view ``ranked`` was ranked in: its economics anchors (:func:`utilities`), and the view
        named where the economics criterion explains the order ("mostly on the farmer's money";
        "an NPV higher by … for the farmer").
    duration_kind : array_like of str, optional
        The ``duration_kind`` of each row of ``ranked`` (:func:`agriremed.stages.duration.duration_kinds`):
        a runner-up that is no clean-up method by it (``stabilises``: energy maize whose removal would
        take centuries) is not said to be a clean-up given up (``rec.ahead_cleanup_cost``).

    Returns
    -------
    pandas.Series
        Plot id → encoded message (:mod:`agriremed.core.messages`) ``rec.ahead`` ("ahead of
        <option> (score 0.71 vs 0.64), mostly on metal removal", naming the criterion with the
        largest weighted utility gain; scores that tie at two decimals are given with three), or,
        where an ordering rule rather than the score decided (the winner may score lower), a
        message that reads "ranked before <option> (score 0.52 vs its 0.54), …":
        ``rec.ahead_policy`` ("…, which the rule set only
        allows on this land, because safe-utilisation land needs a safe-utilisation measure (Soil
        Pollution Law Art. 53)", when the policy tier decided: the reason is that of the runner-up's
        rule, ``policy_rule`` of ``ranked`` or ``rules`` (row-aligned with ``ranked``), by
        :func:`policy_reason`), ``pol.ahead_restrained`` ("…,
        which the rule set restrains on this land", when the runner-up is restrained and the
        winner only allowed; ``pol.ahead_restrained_why`` where the runner-up's rule has its own
        ``rec.policy_why.<rule>``, which closes it), ``rec.ahead_evidence`` ("…, whose evidence is partial", when the
        runner-up scores higher but ranks after the fully assessed winner) or
        ``rec.ahead_unpriced`` ("…, whose costs and NPV were not computed", when only the
        runner-up's NPV is unknown) or ``rec.ahead_below_target`` ("…, whose crop is predicted to
        meet the food limit in 47 % of its food seasons, below the target of 50 % (this option: 52 %)",
        ``food_compliance`` and ``food_target`` of :func:`rank_options`, when both are expected and the
        higher-scoring runner-up ranks second for that, ``target_tier`` 1) or
        ``rec.ahead_lime_first`` ("…: the soil pH is below the range of every transfer function for
        the crop … liming the soil comes first", ``lime_first``) or ``rec.ahead_no_safer`` ("…, whose
        gain in crop safety over unchanged practice is too small to rank with the measures before
        it", ``target_tier`` 3) or ``rec.ahead_less_safe`` (runner-up of ``target_tier`` 2) or
        ``rec.ahead_untreated`` ("…, which leaves Hg untreated, above its screening value and limited
        in food: …", when both rank as expected and the higher-scoring runner-up leaves more
        ``untreated_limited`` metals) or
        ``rec.ahead_unassessed_only`` ("…, whose only benefit over this option is on As, above its screening
        value in the soil only within the measurement tolerance … and not predictable in the crop grown …:
        re-sample the soil and test the harvest for As … before paying for …", runner-up of
        ``target_tier`` 4 with ``unassessed_benefit``, :func:`unassessed_benefit_only`) or
        ``rec.ahead_below_screening`` ("…, which answers only a crop risk of a metal below its screening
        value …", when the higher-scoring runner-up of the same policy tier has ``target_tier`` 5) or
        ``rec.ahead_no_measure`` ("…, which would raise the crop's chance of meeting the food limit by only
        3.3 percentage points over unchanged practice, below the 5-point gain that makes a measure for the
        crop, at a lower NPV", whatever the scores, when the runner-up has ``target_tier`` 6 and the winner
        not; ``rec.ahead_no_measure_less`` where that gain does not print above 0, ``rec.ahead_no_measure_same``
        where it prints as 0.0) or
        ``rec.ahead_order`` (any other order that puts a lower score first) or
        ``rec.ahead_cleanup_cost`` ("ahead of Sedum plumbizincicola phytoextraction (score 0.26 vs 0.18), mostly on
        economics: it gives up the clean-up of Sedum plumbizincicola phytoextraction, which would remove 97 % of the
        soil's excess metal within the plan horizon, for an NPV higher by 384,730 CNY/ha (25,649 CNY/mu) for farmer and
        programme together", where the
        winner is ahead mostly on economics of a runner-up whose clean-up criterion prints higher and that is a
        clean-up method by its ``duration_kind`` where given) or
        ``rec.ahead_npv_given_up`` ("ahead of Fallow / set-aside with cover (score 0.44 vs 0.35), mostly on metal
        removal, although Fallow / set-aside with cover has an NPV higher by 237,125 CNY/ha (15,808 CNY/mu) for the
        farmer", the view named (``rec.npv_view.<view>``), where the winner is ahead mostly on metal removal or carbon of a runner-up whose
        economics criterion, in the scenario's view, is higher by enough to show in the printed scores: its
        economics utility times the criterion's share of the weights at least half the last printed digit) or
        ``rec.ahead_tie_first_year_cost``, ``rec.ahead_tie_npv``, ``rec.ahead_tie_option_order``
        ("ahead of <option> (same score, 0.176): equal scores go to …", where the scores tie
        at :data:`~agriremed.models.ranking.SCORE_DECIMALS` decimals and the named tie-break of
        ``tie_break`` decided), with "ahead of" where the
        policy tier or an unknown NPV decided and the winner also scores higher
        (``rec.ahead_policy_higher``, ``rec.ahead_unpriced_higher``); ``""`` for plots with
        a single applicable option.
    """
    tables = tables or load_tables()
    rank = ranked["rank"].to_numpy(dtype=float, na_value=np.nan)
    pid = _frames.obj(ranked["plot_id"])
    f_rows = np.flatnonzero(rank == 1)
    s_rows = np.flatnonzero(rank == 2)
    out = pd.Series("", index=pd.Index(pid[f_rows], name="plot_id"), dtype=object)
    at = _frames.positions(pid[s_rows], pid[f_rows]) if len(s_rows) else np.full(len(f_rows), -1)
    has = at >= 0
    if not has.any():
        return out
    w = np.array([float(weights.get(c, 0.0)) for c in CRITERIA])

    def util(idx):
        vals = pd.DataFrame({c: ranked[f"crit_{c}"].to_numpy(float)[idx] for c in CRITERIA})
        return np.nan_to_num(utilities(vals, tables, economics_view).to_numpy(float))

    fr, sr = f_rows[has], s_rows[at[has]]
    gain = (util(fr) - util(sr)) * w
    why = np.where(gain.max(axis=1) > 0, np.array(CRITERIA, dtype=object)[gain.argmax(axis=1)],
                   "the_overall_score")
    score = ranked["score"].to_numpy(float)

    def score_of(rows):
        return np.nan_to_num(score[rows], nan=-np.inf)

    oid = _frames.obj(ranked["option_id"])
    text = np.full(len(f_rows), "", dtype=object)
    tier = ranked["policy_tier"].to_numpy(np.int64) if "policy_tier" in ranked else \
        np.zeros(len(ranked), np.int64)
    # the runner-up is only allowed where the winner is expected (1), or restrained where the
    # winner is allowed (2)
    by_policy = np.where(tier[fr] >= tier[sr], 0,
                         np.where((tier[sr] == POLICY_TIER["restrained"]) & (tier[fr] > 0), 2, 1))
    # in the same tier, a runner-up with the higher score ranks second because its evidence is partial (3)
    if "evidence" in ranked:
        ev = _frames.obj(ranked["evidence"])
        by_evidence = (by_policy == 0) & (tier[fr] == tier[sr]) & (ev[fr] == "complete") & (ev[sr] == "partial") \
            & (score_of(sr) > score_of(fr))
        by_policy = np.where(by_evidence, 3, by_policy)
    # the runner-up's NPV was not computed where the winner's was (4): that decided the order
    econ = ranked["crit_economics"].to_numpy(float)
    by_policy = np.where(np.isnan(econ[sr]) & ~np.isnan(econ[fr]) & ((by_policy == 0) | (by_policy == 3)), 4,
                         by_policy)
    # both ranked as expected, the higher-scoring runner-up leaves more food-limited metals above their
    # screening value untreated (12)
    left = (_frames.obj(ranked["untreated_limited"]) if "untreated_limited" in ranked
            else np.full(len(ranked), "", dtype=object))
    n_left = _count_metals(left)
    tt_all = ranked["target_tier"].to_numpy(np.int64) if "target_tier" in ranked else np.zeros(len(ranked), np.int64)
    as_expected = (tier == 0) & ~np.isnan(econ) & ~np.isin(tt_all, (2, 4))
    by_policy = np.where(((by_policy == 0) | (by_policy == 3)) & as_expected[fr] & as_expected[sr] & (n_left[sr] > n_left[fr])
                         & (score_of(sr) > score_of(fr)), 12, by_policy)
    # both expected, the runner-up ranks second because its crop is predicted to miss the target (5)
    if "target_tier" in ranked:
        tt = ranked["target_tier"].to_numpy(np.int64)
        by_policy = np.where((by_policy == 0) & (tier[fr] == 0) & (tier[sr] == 0) & (tt[fr] == 0) & (tt[sr] == 1)
                             & (score_of(sr) > score_of(fr)), 5, by_policy)
        # … or because its crop is predicted to be no safer than under unchanged practice (7)
        by_policy = np.where((by_policy == 0) & (tier[fr] == 0) & (tier[sr] == 0) & (tt[fr] == 0) & (tt[sr] == 3)
                             & (score_of(sr) > score_of(fr)), 7, by_policy)
    # the winner limes a soil too acid for every transfer function of the crop, ahead of an expected
    # option that does not lime and scores higher (6)
    if "lime_first" in ranked:
        lf = ranked["lime_first"].to_numpy(bool)
        other = (rank >= 1) & (tier == 0) & ~lf
        best_other = pd.Series(np.where(other, np.nan_to_num(score, nan=-np.inf), -np.inf)).groupby(pid).max()
        beaten = best_other.reindex(pid[fr]).to_numpy(float) > score_of(fr)
        by_policy = np.where((by_policy == 0) & lf[fr] & beaten, 6, by_policy)
    if "target_tier" in ranked:
        # the higher-scoring runner-up is expected but ranks with the allowed options because its
        # crop is less safe than under unchanged practice at a lower NPV (8)
        by_policy = np.where((by_policy == 0) & (tt[sr] == 2) & (score_of(sr) > score_of(fr)), 8, by_policy)
        # … or because its benefit for a crop no transfer function predicts is unknown, at a lower NPV (13)
        by_policy = np.where((by_policy == 0) & (tt[sr] == 4), 13, by_policy)
        # … or because its only benefit over the winner is on a metal the plan cannot assess in the crop (21)
        only = (_frames.obj(ranked["unassessed_benefit"]) if "unassessed_benefit" in ranked
                else np.full(len(ranked), "", dtype=object))
        by_policy = np.where((by_policy == 13) & (only[sr] != "") & (only[sr] != None), 21, by_policy)  # noqa: E711
    # the runner-up is no measure for the crop on a plot where none is: a gain in crop safety below
    # min_compliance_gain at a lower NPV puts it after unchanged practice whatever it scores (18)
    by_policy = np.where((by_policy == 0) & (tt_all[sr] == NO_MEASURE_TIER) & (tt_all[fr] != NO_MEASURE_TIER), 18,
                         by_policy)
    # the higher-scoring runner-up answers only a crop risk of a metal below its screening value and
    # ranks after the winner of the same tier (unchanged practice) for that (17)
    by_policy = np.where((by_policy == 0) & (tier[fr] == tier[sr]) & (tt_all[sr] == BEHIND_TIER)
                         & (tt_all[fr] != BEHIND_TIER) & (score_of(sr) > score_of(fr)), 17, by_policy)
    # any other order that puts a lower score first never reads "ahead of" (9)
    by_policy = np.where((by_policy == 0) & (score_of(sr) > score_of(fr)), 9, by_policy)
    # the policy tier or the unknown NPV decided, but the winner also scores higher: "ahead of" (10, 11)
    higher = score_of(fr) >= score_of(sr)
    by_policy = np.where(higher & (by_policy == 1), 10, np.where(higher & (by_policy == 4), 11, by_policy))
    # scores equal at SCORE_DECIMALS in the same ordering group: the tie-break decided (14–16)
    tie_rule = _frames.obj(ranked["tie_break"])[fr] if "tie_break" in ranked else np.full(len(fr), "", object)
    tie_codes = {"first_year_cost": 14, "npv": 15, "option_order": 16}
    by_policy = np.select([tie_rule == r for r in TIE_BREAKS], [tie_codes[r] for r in TIE_BREAKS], by_policy)
    # ahead mostly on economics of a runner-up that cleans up more (fallow before Sedum on strict-control land):
    # the sentence names the clean-up given up and the money that buys it (19)
    clean = ranked["crit_clean_up"].to_numpy(float) if "crit_clean_up" in ranked else np.full(len(ranked), np.nan)
    with np.errstate(invalid="ignore"):
        gives_up = ((by_policy == 0) & (why == "economics") & ~np.isnan(clean[sr])
                    & (np.round(100 * clean[sr]) > np.round(100 * np.nan_to_num(clean[fr]))) & (econ[fr] > econ[sr]))
    if duration_kind is not None:  # … a clean-up method (not energy maize removing 1 % in the horizon)
        gives_up &= _frames.obj(np.asarray(duration_kind, dtype=object))[sr] == "clean_up"
    by_policy = np.where(gives_up, 19, by_policy)
    cleanup_share = np.where(gives_up, [_pct(x) if g else "" for x, g in zip(clean[sr].tolist(), gives_up.tolist(),
                                                                             strict=True)], "").astype(object)
    saved = np.where(gives_up, np.rint(econ[fr] - econ[sr]), np.nan)
    # ahead mostly on metal removal or carbon of a runner-up that earns more in the scenario's economics view
    # (sorghum before compensated fallow on strict-control paddies in the farmer's view): the sentence says
    # what the choice costs (20)
    # — only where the money would show in the printed scores: the difference, as economics utility times the
    # criterion's share of the weights, is at least half the last printed digit of a score (0.005; with the
    # default weights and anchors about 4 000 CNY/ha over the horizon); smaller differences are within the
    # spread of prices and yields and the clause would only lengthen the sentence
    anchors = tables.light_thresholds(economics_view)["economics"]
    span = abs(float(anchors["utility_one_at"]) - float(anchors["utility_zero_at"]))
    w_econ = float(weights.get("economics", 0.0)) / max(sum(float(v) for v in weights.values()), 1e-12)
    with np.errstate(invalid="ignore"):
        costs_npv = ((by_policy == 0) & np.isin(why, ("clean_up", "carbon"))
                     & ((econ[sr] - econ[fr]) * w_econ / span >= 0.5 * 10.0 ** -SCORE_SHOWN_DECIMALS))
    by_policy = np.where(costs_npv, 20, by_policy)
    lost = np.where(costs_npv, np.rint(econ[sr] - econ[fr]), np.nan)
    # one message per distinct (runner-up, printed scores, criterion, policy)
    a = np.array([_num(x, SCORE_SHOWN_DECIMALS) for x in score[fr].tolist()])
    b = np.array([_num(x, SCORE_SHOWN_DECIMALS) for x in score[sr].tolist()])
    # "0.67 vs 0.67" would hide which is ahead, and a tie names its score: three decimals
    tie = ((a == b) & (score[fr] != score[sr])) | ((by_policy >= 14) & (by_policy <= 17))
    if tie.any():  # both with three decimals as text ("0.821 vs 0.820", not "0.821 vs 0.82")
        a, b = a.astype(object), b.astype(object)
        a[tie] = [f"{x:.{SCORE_DECIMALS}f}" for x in score[fr][tie].tolist()]
        b[tie] = [f"{x:.{SCORE_DECIMALS}f}" for x in score[sr][tie].tolist()]
    metals_sr = np.where(by_policy == 12, left[sr], "").astype(object)
    if "unassessed_benefit" in ranked:
        metals_sr = np.where(by_policy == 21, _frames.obj(ranked["unassessed_benefit"])[sr], metals_sr).astype(object)
    # no measure (18) with a gain at or above the threshold: a crop switch missing the target at the cost of most
    # of the field's income (costly_switch); its compliance and the target, as printed
    pts = _gain_points(ranked, sr, by_policy == 18)
    switch = (by_policy == 18) & (pts[0] >= pts[1])
    # below the target (5): the runner-up's compliance, the target and the winner's, as printed
    shares = _below_target_shares(ranked, fr, sr, (by_policy == 5) | switch)
    # the rule that ranks the runner-up after the winner (its reason closes rec.ahead_policy)
    rule_all = (_frames.obj(ranked["policy_rule"]) if "policy_rule" in ranked else
                np.asarray(rules, dtype=object) if rules is not None else np.full(len(ranked), "", dtype=object))
    rule_sr = np.where(by_policy == 1, rule_all[sr], "").astype(object)
    rule_sr[pd.isna(rule_sr)] = ""
    # a restrained runner-up whose rule has its own short reason (rec.policy_why.<rule>) names it (22)
    own_why = np.array([isinstance(x, str) and POLICY_WHY + x in catalogue("en") for x in rule_all[sr]], bool)
    by_policy = np.where((by_policy == 2) & own_why, 22, by_policy)
    rule_sr = np.where(by_policy == 22, rule_all[sr], rule_sr).astype(object)
    # no measure (18): the runner-up's gain over unchanged practice and the threshold, in percentage points
    gains = _gain_points(ranked, sr, by_policy == 18)
    # … an agronomic measure whose NPV is not below unchanged practice's: no measure whatever it earns
    earns = (by_policy == 18) & _no_lower_npv(ranked, sr)
    # below the target (5), the winner too: no expected option reaches it, the winner comes closest
    comp_col = "food_compliance_central" if "food_compliance_central" in ranked else "food_compliance"
    comp = ranked[comp_col].to_numpy(float) if comp_col in ranked else np.full(len(ranked), np.nan)
    goal = ranked["food_target"].to_numpy(float) if "food_target" in ranked else np.full(len(ranked), np.nan)
    own_below = (by_policy == 5) & (comp[fr] < goal[fr])
    first, inv = _frames.distinct(oid[sr], a, b, why, by_policy, metals_sr, rule_sr, *shares, *gains, earns,
                                  own_below, switch, cleanup_share, saved, lost)
    mu = _ha_per_mu()
    # the criterion that led, with the economics view named where it is not the combined one ("mostly on the
    # farmer's money", rec.lead.economics_farmer)
    lead = np.where(why == "economics", "economics" if economics_view == "combined" else f"economics_{economics_view}",
                    why).astype(object)
    code = {1: "rec.ahead_policy", 2: "pol.ahead_restrained", 3: "rec.ahead_evidence", 4: "rec.ahead_unpriced",
            5: "rec.ahead_below_target", 6: "rec.ahead_lime_first", 7: "rec.ahead_no_safer",
            8: "rec.ahead_less_safe", 9: "rec.ahead_order", 10: "rec.ahead_policy_higher",
            11: "rec.ahead_unpriced_higher", 12: "rec.ahead_untreated", 13: "rec.ahead_unpredicted",
            14: "rec.ahead_tie_first_year_cost", 15: "rec.ahead_tie_npv", 16: "rec.ahead_tie_option_order",
            17: "rec.ahead_below_screening", 18: "rec.ahead_no_measure", 21: "rec.ahead_unassessed_only"}
    msgs = [Message.of(code[by_policy[i]], option=oid[sr][i], score=a[i], runner_score=b[i], metals=metals_sr[i])
            if by_policy[i] in (12, 21) else
            Message.of("rec.ahead_cleanup_cost", option=oid[sr][i], score=a[i], runner_score=b[i],
                       criterion=lead[i], share=cleanup_share[i], saved=float(saved[i]),
                       saved_mu=float(saved[i]) * mu, view=economics_view)
            if by_policy[i] == 19 else
            Message.of("rec.ahead_npv_given_up", option=oid[sr][i], score=a[i], runner_score=b[i],
                       criterion=why[i], lost=float(lost[i]), lost_mu=float(lost[i]) * mu, view=economics_view)
            if by_policy[i] == 20 else
            Message.of("rec.ahead_costly_switch", option=oid[sr][i], score=a[i], runner_score=b[i],
                       runner_share=shares[1][i], target=shares[2][i])
            if switch[i] else
            Message.of("rec.ahead_no_measure_npv" if earns[i] else code[18], option=oid[sr][i], score=a[i],
                       runner_score=b[i], points=gains[0][i], threshold=gains[1][i])
            if by_policy[i] == 18 and gains[0][i] > 0 else
            Message.of("rec.ahead_no_measure_less", option=oid[sr][i], score=a[i], runner_score=b[i],
                       points=abs(gains[0][i]))
            if by_policy[i] == 18 and round(abs(gains[0][i]), 1) > 0 else
            Message.of("rec.ahead_no_measure_same", option=oid[sr][i], score=a[i], runner_score=b[i])
            if by_policy[i] == 18 else
            Message.of(code[5], option=oid[sr][i], score=a[i], runner_score=b[i], runner_share=shares[1][i],
                       target=shares[2][i], own=_own_share(shares[0][i], own_below[i]))
            if by_policy[i] == 5 else
            Message.of(code[1], option=oid[sr][i], score=a[i], runner_score=b[i],
                       because=policy_reason(rule_sr[i]))
            if by_policy[i] == 1 else
            Message.of("pol.ahead_restrained_why", option=oid[sr][i], score=a[i], runner_score=b[i],
                       because=policy_reason(rule_sr[i]))
            if by_policy[i] == 22 else
            Message.of(code[by_policy[i]], option=oid[sr][i], score=a[i], runner_score=b[i]) if by_policy[i] else
            Message.of("rec.ahead", option=oid[sr][i], score=a[i], runner_score=b[i], criterion=lead[i])
            for i in first]
    text[has] = _frames.texts_by_code(inv, [m.encode() for m in msgs])
    out[:] = text
    return out


def gain_near_threshold(ranked: pd.DataFrame, min_gain: float | None, resolution: float) -> pd.Series:
    """Per plot whose measure-or-not decision lies within ``resolution`` of ``min_gain``: the clause
    ``rec.gain_near_threshold`` (encoded), indexed by plot id ("" elsewhere).

    The decision is whether the plot has a measure for its crop: whether the largest gain of the central
    compliance over unchanged practice (``food_compliance_central``, every crop reduction at its typical
    value) among its applicable, fully assessed (``evidence`` complete) food options that the rule set expects
    or allows (``policy_tier`` 0–1) reaches ``min_gain`` (the scenario's ``min_compliance_gain``;
    :func:`_target_tier`, :func:`_no_measure`). Where that gain is less than ``resolution`` (the scenario's
    ``gain_resolution``, one percentage point: the smallest difference of two gains the gain rules tell apart)
    from ``min_gain``, the sentence says so, with the gain, the option, the threshold and the margin: the
    prediction cannot tell that gain from the threshold (biochar on a Bijie maize plot, +4.91 points at the
    typical values of its effect and +5.25 as the mean over their ranges, against 5). No clause without
    ``min_gain`` or with ``resolution`` 0.

    Examples
    --------
    >>> r = pd.DataFrame({"plot_id": ["a", "a", "a", "b", "b"],
    ...                   "option_id": ["do_nothing", "biochar_amendment", "lime_upland_maize"] + ["do_nothing", "x"],
    ...                   "applicable": [True] * 5, "evidence": ["complete"] * 5, "policy_tier": [0, 0, 1, 0, 0],
    ...                   "food_compliance_central": [0.672385, 0.721462, 0.695755, 0.5, 0.6]})
    >>> m = gain_near_threshold(r, 0.05, 0.01)
    >>> m.index.tolist(), Message.decode(m["a"]).codes, m["b"]
    (['a', 'b'], ('rec.gain_near_threshold',), '')
    >>> dict(Message.decode(m["a"]).parts[0][1])["points"]
    4.91
    """
    pid = _frames.obj(ranked["plot_id"])
    uniq = pd.unique(pid)
    out = pd.Series(np.full(len(uniq), "", dtype=object), index=pd.Index(uniq, dtype=object))
    need = ("food_compliance_central", "applicable", "policy_tier")
    if min_gain is None or not resolution > 0 or not len(pid) or not all(c in ranked for c in need):
        return out
    p = ranked["food_compliance_central"].to_numpy(float)
    oid = _frames.obj(ranked["option_id"])
    pc, _ = _frames.codes(pid)
    base = np.flatnonzero(oid == "do_nothing")
    p_base = np.full(int(pc.max()) + 1, np.nan)
    p_base[pc[base]] = p[base]
    gain = p - p_base[pc]
    complete = (_frames.obj(ranked["evidence"]) == "complete") if "evidence" in ranked else np.ones(len(pid), bool)
    cand = (ranked["applicable"].to_numpy(bool) & (ranked["policy_tier"].to_numpy(float) <= 1) & complete
            & (oid != "do_nothing") & ~np.isnan(gain))
    best = np.full(len(p_base), -np.inf)
    np.maximum.at(best, pc[cand], gain[cand])
    near = np.isfinite(best) & (np.abs(best - float(min_gain)) < float(resolution) - 1e-12)
    for k in np.flatnonzero(near):
        rows = np.flatnonzero(cand & (pc == k))
        i = rows[np.argmax(gain[rows])]
        out.iloc[k] = Message.of("rec.gain_near_threshold", option=oid[i], points=_num(100.0 * gain[i], 2),
                                 threshold=_num(100.0 * float(min_gain), 2),
                                 margin=_num(100.0 * float(resolution), 2)).encode()
    return out
