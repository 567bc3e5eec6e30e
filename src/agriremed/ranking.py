"""Transparent multi-criteria ranking of the options of each plot.

Five criteria in the three SuRF-UK groups:

================  =============  ==============================================
criterion         group          raw value
================  =============  ==============================================
food_safety       social         share of the food seasons in the horizon in
                                 which the crop meets the food limit (else the
                                 probability in a season); 1 when no food crop
                                 is grown
livelihood        social         1 saleable food crop, 0.5 saleable biomass or
                                 energy, 0 no saleable product
clean_up          environmental  share of the excess soil metal removed within
                                 the horizon (1 when nothing exceeds)
carbon            environmental  net CO2e gain over doing nothing [t ha⁻¹ yr⁻¹]
economics         economic       NPV over doing nothing [CNY ha⁻¹]
================  =============  ==============================================

Each raw value is turned into a utility u ∈ [0, 1] by a linear value function
between two anchors of ``traffic_lights.csv`` (``utility_zero_at`` → 0,
``utility_one_at`` → 1, clipped), so an option's score never depends on which other
options are on the list. score = Σ wᵢ·uᵢ / Σ wᵢ over the criteria that could be
assessed (a criterion without a value — e.g. no food limit for the crop — is left
out and reported as not assessed, never counted as 0). Each criterion also gets a
REJUVENATE-style traffic light (green / amber / red) from the same table, with the
reason for its colour: the number behind it and the threshold it passed or missed
(``why_<criterion>``). The recommended option is the applicable option with the
highest score; ties go to the option listed first in the library.
:func:`score_table` gives the full score table (criterion values, utilities, weights,
contributions, lights and reasons) and :func:`runner_up_clause` the part of the
one-sentence recommendation that says what the choice beat and why.

References
----------
.. [1] Bardos R.P. et al. (2018) Sustainability 10(6):1781 (SuRF-UK criteria groups).
.. [2] REJUVENATE final report (SNOWMAN), traffic-light staged appraisal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .tables import Tables, load_tables

__all__ = ["CRITERIA", "GROUPS", "UNITS", "criteria_values", "utilities", "traffic_lights", "light_reasons",
           "rank_options", "score_table", "runner_up_clause"]

CRITERIA = ("food_safety", "livelihood", "clean_up", "carbon", "economics")
GROUPS = {"food_safety": "social", "livelihood": "social", "clean_up": "environmental",
          "carbon": "environmental", "economics": "economic"}
#: Unit of each raw criterion value.
UNITS = {"food_safety": "1", "livelihood": "1", "clean_up": "1", "carbon": "t CO2e/ha/yr",
         "economics": "CNY/ha"}


def criteria_values(table: pd.DataFrame, horizon_yr: int = 20) -> pd.DataFrame:
    """Raw criterion values of every plot × option row of a plan table.

    Parameters
    ----------
    table : pandas.DataFrame
        Plan table with ``food_crop``, ``crop_compliance_prob`` (and, when present,
        ``compliant_season_fraction`` and ``food_seasons``), ``biomass_value_positive``,
        ``removed_g_ha``, ``needed_g_ha``, ``target_metals``, ``untreated_metals``,
        ``metals_exceeding``, ``net_co2e_vs_baseline_t_ha_yr`` and
        ``npv_vs_baseline_cny_ha``.
    horizon_yr : int
        Horizon [yr]; livelihood is the share of its years with a saleable food crop
        (``food_seasons`` / horizon), the other years counting 0.5 when biomass or energy
        is sold.

    Returns
    -------
    pandas.DataFrame
        Columns ``food_safety`` [–], ``livelihood`` [–], ``clean_up`` [–], ``carbon``
        [t CO2e ha⁻¹ yr⁻¹] and ``economics`` [CNY ha⁻¹] (unscaled).
    """
    p = table["crop_compliance_prob"].to_numpy(float)
    food = table["food_crop"].fillna("none").ne("none").to_numpy()
    if "compliant_season_fraction" in table:
        seasons = table["compliant_season_fraction"].to_numpy(float)
        grows = table["food_seasons"].to_numpy(float) > 0 if "food_seasons" in table else food
        p = np.where(np.isnan(seasons), p, seasons)
        food = food | grows
    food_safety = np.where(food, p, 1.0)
    # share of the horizon's years with a saleable food crop; the other years count 0.5 when the
    # option sells biomass or energy, else 0
    share = np.where(food, 1.0, 0.0)
    if "food_seasons" in table:
        fs = table["food_seasons"].to_numpy(float)
        share = np.where(np.isnan(fs), share, np.clip(fs / float(horizon_yr), 0.0, 1.0))
    other = np.where(table["biomass_value_positive"].to_numpy(bool), 0.5, 0.0)
    livelihood = share + (1.0 - share) * other
    exceeding = table["metals_exceeding"].fillna("").to_numpy(object)
    n_exc = np.array([len([m for m in e.split("+") if m]) for e in exceeding])
    n_tr = np.array([len([m for m in str(t).split("+") if m]) for t in table["target_metals"].fillna("")])
    removed = table["removed_g_ha"].to_numpy(float)
    needed = table["needed_g_ha"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(needed > 0, np.minimum(removed / needed, 1.0), np.nan)
    share = np.where(np.isnan(share), 0.0, share) * np.where(n_exc > 0, n_tr / np.maximum(n_exc, 1), 1.0)
    clean_up = np.where(n_exc == 0, 1.0, share)
    return pd.DataFrame({
        "food_safety": food_safety,
        "livelihood": livelihood,
        "clean_up": clean_up,
        "carbon": table["net_co2e_vs_baseline_t_ha_yr"].to_numpy(float),
        "economics": table["npv_vs_baseline_cny_ha"].to_numpy(float),
    }, index=table.index)


def traffic_lights(values: pd.DataFrame, tables: Tables | None = None) -> pd.DataFrame:
    """Green / amber / red per criterion from ``traffic_lights.csv`` thresholds.

    Parameters
    ----------
    values : pandas.DataFrame
        Output of :func:`criteria_values`.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``light_<criterion>`` with ``green``, ``amber``, ``red`` (or None
        where the value is missing).
    """
    tables = tables or load_tables()
    tl = tables.traffic_lights.set_index("criterion")
    out = pd.DataFrame(index=values.index)
    for c in CRITERIA:
        v = values[c].to_numpy(float)
        g, a = float(tl.loc[c, "green_at_least"]), float(tl.loc[c, "amber_at_least"])
        light = np.where(v >= g - 1e-12, "green", np.where(v >= a, "amber", "red")).astype(object)
        light[np.isnan(v)] = None
        out[f"light_{c}"] = light
    return out


def utilities(values: pd.DataFrame, tables: Tables | None = None) -> pd.DataFrame:
    """Utility in [0, 1] of every criterion value (linear between the table's anchors).

    Parameters
    ----------
    values : pandas.DataFrame
        Output of :func:`criteria_values`.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.DataFrame
        Same shape; NaN where the value is NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"food_safety": [0.9], "livelihood": [1.0], "clean_up": [0.5],
    ...                   "carbon": [1.5], "economics": [-50000.0]})
    >>> utilities(v).round(3).iloc[0].tolist()
    [0.9, 1.0, 0.5, 0.5, 0.5]
    """
    tables = tables or load_tables()
    tl = tables.traffic_lights.set_index("criterion")
    out = pd.DataFrame(index=values.index)
    for c in CRITERIA:
        lo, hi = float(tl.loc[c, "utility_zero_at"]), float(tl.loc[c, "utility_one_at"])
        out[c] = np.clip((values[c].to_numpy(float) - lo) / (hi - lo), 0.0, 1.0)
    return out


def _pct(v: float) -> str:
    return f"{100 * v:.0f} %"


def _threshold_text(light, c, tl, fmt) -> str:
    g, a = float(tl.loc[c, "green_at_least"]), float(tl.loc[c, "amber_at_least"])
    if light == "green":
        return f"green at ≥ {fmt(g)}"
    if light == "amber":
        return f"amber at ≥ {fmt(a)}, green at ≥ {fmt(g)}"
    return f"red below {fmt(a)}"


def light_reasons(table: pd.DataFrame, values: pd.DataFrame, lights: pd.DataFrame,
                  tables: Tables | None = None, food_standard: str = "GB2762",
                  horizon_yr: int = 20) -> pd.DataFrame:
    """The reason for every traffic light: the number behind it and the threshold.

    Parameters
    ----------
    table : pandas.DataFrame
        Plan table (``food_crop``, ``target_metals``, ``metals_exceeding``; optional
        ``food_seasons``).
    values : pandas.DataFrame
        Output of :func:`criteria_values`.
    lights : pandas.DataFrame
        Output of :func:`traffic_lights`.
    tables : Tables, optional
        Literature tables (thresholds in ``traffic_lights.csv``).
    food_standard : str
        Food standard named in the text.
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
    >>> t = pd.DataFrame({"food_crop": ["rice"], "target_metals": ["cd"], "metals_exceeding": ["cd"]})
    >>> v = pd.DataFrame({"food_safety": [0.41], "livelihood": [1.0], "clean_up": [0.0],
    ...                   "carbon": [0.0], "economics": [-2000.0]})
    >>> light_reasons(t, v, traffic_lights(v))["why_food_safety"].iloc[0]
    'red: crop meets GB2762 in 41 % of food seasons (red below 50 %)'
    """
    tables = tables or load_tables()
    tl = tables.traffic_lights.set_index("criterion")
    food = table["food_crop"].fillna("none").ne("none").to_numpy()
    if "food_seasons" in table:
        food = food | (table["food_seasons"].fillna(0).to_numpy(float) > 0)
    exceeding = [e.replace("+", "/").title() for e in table["metals_exceeding"].fillna("").to_numpy(object)]
    treated = [t.replace("+", "/").title() for t in table["target_metals"].fillna("").to_numpy(object)]
    H = int(horizon_yr)
    food_share = (np.clip(table["food_seasons"].to_numpy(float) / H, 0.0, 1.0) if "food_seasons" in table
                  else food.astype(float))
    food_share = np.where(np.isnan(food_share), food.astype(float), food_share)
    fmt = {"food_safety": _pct, "livelihood": lambda x: f"{x:g}", "clean_up": _pct,
           "carbon": lambda x: f"{x:+g}", "economics": lambda x: f"{x:+,.0f}"}
    V = {c: values[c].to_numpy(float) for c in CRITERIA}
    statements = {
        "food_safety": ["no food crop, so no dietary exposure" if not f else
                        f"crop meets {food_standard} in {_pct(v)} of food seasons" if not np.isnan(v) else
                        "no uptake function or food limit for the crop"
                        for f, v in zip(food, V["food_safety"], strict=True)],
        "livelihood": ["saleable food crop" if v >= 1 else
                       f"saleable food crop in {_pct(s)} of years" if s > 0 else
                       "saleable biomass or product, no food" if v >= 0.5
                       else "no saleable product" for v, s in zip(V["livelihood"], food_share, strict=True)],
        "clean_up": ["no metal exceeds its screening value" if not e else
                     f"removes none of the excess {e}" if not t else
                     f"removes {_pct(v)} of the excess {e} within {H} yr"
                     + (f" (treats {t})" if t != e else "")
                     for e, t, v in zip(exceeding, treated, V["clean_up"], strict=True)],
        "carbon": [f"{v:+.1f} t CO2e/ha/yr against doing nothing" for v in V["carbon"]],
        "economics": [f"NPV {v:+,.0f} CNY/ha against doing nothing over {H} yr" for v in V["economics"]],
    }
    out = pd.DataFrame(index=values.index)
    texts = {}
    for c in CRITERIA:
        rule = {lt: _threshold_text(lt, c, tl, fmt[c]) for lt in ("green", "amber", "red")}
        texts[c] = [f"not assessed: {st}" if (lt is None or np.isnan(v)) else f"{lt}: {st} ({rule[lt]})"
                    for st, lt, v in zip(statements[c], lights[f"light_{c}"].to_numpy(object), V[c],
                                         strict=True)]
    for c in CRITERIA:
        out[f"why_{c}"] = np.array(texts[c], dtype=object)
    return out


def rank_options(table: pd.DataFrame, weights: dict[str, float], tables: Tables | None = None,
                 food_standard: str = "GB2762", horizon_yr: int = 20) -> pd.DataFrame:
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
    food_standard : str
        Food standard named in the reasons.
    horizon_yr : int
        Horizon named in the reasons [yr].

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, the five raw criterion values as ``crit_<criterion>``,
        ``light_<criterion>``, ``why_<criterion>`` (reason for the colour),
        ``score`` [0–1], ``evidence`` (``complete`` or ``partial``), ``rank`` (1 = best,
        applicable options only; fully assessed options rank before partial ones) and
        ``recommended`` (bool).
    """
    tables = tables or load_tables()
    w = np.array([float(weights.get(c, 0.0)) for c in CRITERIA])
    vals = criteria_values(table, horizon_yr)
    u = utilities(vals, tables).to_numpy(float)
    ok = table["applicable"].to_numpy(bool)
    pid = table["plot_id"].to_numpy(object)
    have = ~np.isnan(u)
    wsum = (have * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(wsum > 0, (np.nan_to_num(u) * w).sum(axis=1) / wsum, np.nan)
    score = np.where(ok, score, np.nan)
    out = table[["plot_id", "option_id"]].copy()
    for c in CRITERIA:
        out[f"crit_{c}"] = vals[c].to_numpy(float)
    lights = traffic_lights(vals, tables)
    for c in lights.columns:
        out[c] = np.where(ok, lights[c].to_numpy(object), None)
    why = light_reasons(table, vals, lights, tables, food_standard, horizon_yr)
    for c in why.columns:
        out[c] = np.where(ok, why[c].to_numpy(object), None)
    out["score"] = score
    # options whose evidence leaves out part of the outcome or the costs (status 'partial' in
    # options.csv, gaps named in data_gaps) rank after the fully assessed ones, so that a gap can
    # never win; among equals: score, then library order
    status = table["option_id"].map(tables.options.set_index("option_id")["status"]).fillna("ready")
    partial = status.eq("partial").to_numpy()
    out["evidence"] = np.where(ok, np.where(partial, "partial", "complete"), None)
    key = pd.DataFrame({"pid": pid, "partial": partial, "neg": -np.nan_to_num(score, nan=-np.inf),
                        "ord": np.arange(len(out))})
    key = key.loc[ok].sort_values(["pid", "partial", "neg", "ord"], kind="stable")
    rank = pd.Series(np.nan, index=out.index)
    rank.loc[key.index] = key.groupby("pid", sort=False).cumcount().to_numpy() + 1
    out["rank"] = rank.astype("Int64")
    out["recommended"] = (out["rank"] == 1).fillna(False).to_numpy(bool)
    return out


def score_table(ranked: pd.DataFrame, weights: dict[str, float], tables: Tables | None = None
                ) -> pd.DataFrame:
    """The full score table: one row per plot × applicable option × criterion.

    Parameters
    ----------
    ranked : pandas.DataFrame
        Output of :func:`rank_options`.
    weights : dict
        Criterion → weight (as passed to :func:`rank_options`).
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``criterion``, ``group`` (SuRF-UK), ``value``
        (raw, in ``unit``), ``unit``, ``utility`` [0–1], ``weight`` (normalised over the
        criteria assessed for the row) [–], ``contribution`` (weight × utility; the
        contributions of a row sum to its ``score``) [–], ``light`` and ``reason``.
    """
    tables = tables or load_tables()
    r = ranked.loc[ranked["rank"].notna()]
    vals = pd.DataFrame({c: r[f"crit_{c}"].to_numpy(float) for c in CRITERIA}, index=r.index)
    u = utilities(vals, tables)
    w = np.array([float(weights.get(c, 0.0)) for c in CRITERIA])
    have = ~np.isnan(u.to_numpy(float))
    wsum = (have * w).sum(axis=1)
    parts = []
    for j, c in enumerate(CRITERIA):
        with np.errstate(invalid="ignore", divide="ignore"):
            wn = np.where(have[:, j] & (wsum > 0), w[j] / wsum, np.nan)
        parts.append(pd.DataFrame({
            "plot_id": r["plot_id"].to_numpy(object), "option_id": r["option_id"].to_numpy(object),
            "criterion": c, "group": GROUPS[c], "value": vals[c].to_numpy(float), "unit": UNITS[c],
            "utility": u[c].to_numpy(float), "weight": wn, "contribution": wn * u[c].to_numpy(float),
            "light": r[f"light_{c}"].to_numpy(object), "reason": r[f"why_{c}"].to_numpy(object),
            "_o": np.arange(len(r))}))
    out = pd.concat(parts, ignore_index=True)
    out["_c"] = out["criterion"].map({c: i for i, c in enumerate(CRITERIA)})
    return out.sort_values(["_o", "_c"], kind="stable").drop(columns=["_o", "_c"]).reset_index(drop=True)


def runner_up_clause(ranked: pd.DataFrame, names: pd.Series, weights: dict[str, float],
                     tables: Tables | None = None) -> pd.Series:
    """Why the recommended option beat the next one, as a clause for the recommendation.

    Parameters
    ----------
    ranked : pandas.DataFrame
        Output of :func:`rank_options`.
    names : pandas.Series
        Option id → display name.
    weights : dict
        Criterion weights.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    pandas.Series
        Plot id → ``"ahead of <option> (score 0.71 vs 0.64), mostly on clean-up"``
        naming the criterion with the largest weighted utility gain; ``""`` for plots
        with a single applicable option.
    """
    tables = tables or load_tables()
    first = ranked.loc[ranked["rank"] == 1].set_index("plot_id")
    second = ranked.loc[ranked["rank"] == 2].set_index("plot_id").reindex(first.index)
    out = pd.Series("", index=first.index, dtype=object)
    has = second["option_id"].notna().to_numpy()
    if not has.any():
        return out
    w = np.array([float(weights.get(c, 0.0)) for c in CRITERIA])

    def util(frame):
        vals = pd.DataFrame({c: frame[f"crit_{c}"].to_numpy(float) for c in CRITERIA})
        return np.nan_to_num(utilities(vals, tables).to_numpy(float))

    gain = (util(first) - util(second)) * w
    why = np.where(gain.max(axis=1) > 0,
                   np.array([c.replace("_", "-") for c in CRITERIA], dtype=object)[gain.argmax(axis=1)],
                   "the overall score")
    text = [f"ahead of {names.get(b, b)} (score {sa:.2f} vs {sb:.2f}), mostly on {y}" if h else ""
            for b, sa, sb, y, h in zip(second["option_id"], first["score"], second["score"], why, has,
                                       strict=True)]
    out[:] = text
    return out
