"""Transparent multi-criteria ranking of the options of each plot.

Five criteria in the three SuRF-UK groups:

================  =============  ==============================================
criterion         group          raw value
================  =============  ==============================================
food_safety       social         probability the crop meets the food limit in a
                                 season; 1 when no food crop is grown
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
REJUVENATE-style traffic light (green / amber / red) from the same table. The
recommended option is the applicable option with the highest score; ties go to the
option listed first in the library.

References
----------
.. [1] Bardos R.P. et al. (2018) Sustainability 10(6):1781 (SuRF-UK criteria groups).
.. [2] REJUVENATE final report (SNOWMAN), traffic-light staged appraisal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .tables import Tables, load_tables

__all__ = ["CRITERIA", "GROUPS", "criteria_values", "utilities", "traffic_lights", "rank_options"]

CRITERIA = ("food_safety", "livelihood", "clean_up", "carbon", "economics")
GROUPS = {"food_safety": "social", "livelihood": "social", "clean_up": "environmental",
          "carbon": "environmental", "economics": "economic"}


def criteria_values(table: pd.DataFrame) -> pd.DataFrame:
    """Raw criterion values of every plot × option row of a plan table.

    Parameters
    ----------
    table : pandas.DataFrame
        Plan table with ``food_crop``, ``crop_compliance_prob``, ``biomass_value_positive``,
        ``removed_g_ha``, ``needed_g_ha``, ``target_metals``, ``untreated_metals``,
        ``metals_exceeding``, ``net_co2e_vs_baseline_t_ha_yr`` and
        ``npv_vs_baseline_cny_ha``.

    Returns
    -------
    pandas.DataFrame
        Columns ``food_safety`` [–], ``livelihood`` [–], ``clean_up`` [–], ``carbon``
        [t CO2e ha⁻¹ yr⁻¹] and ``economics`` [CNY ha⁻¹] (unscaled).
    """
    food = table["food_crop"].fillna("none").ne("none").to_numpy()
    p = table["crop_compliance_prob"].to_numpy(float)
    food_safety = np.where(food, p, 1.0)
    livelihood = np.where(food, 1.0, np.where(table["biomass_value_positive"].to_numpy(bool), 0.5, 0.0))
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


def rank_options(table: pd.DataFrame, weights: dict[str, float], tables: Tables | None = None
                 ) -> pd.DataFrame:
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

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, the five raw criterion values as ``crit_<criterion>``,
        ``light_<criterion>``, ``score`` [0–1], ``rank`` (1 = best, applicable options
        only) and ``recommended`` (bool).
    """
    tables = tables or load_tables()
    w = np.array([float(weights.get(c, 0.0)) for c in CRITERIA])
    vals = criteria_values(table)
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
    out["score"] = score
    # rank by score (ties: library order), applicable options only
    key = pd.DataFrame({"pid": pid, "neg": -np.nan_to_num(score, nan=-np.inf),
                        "ord": np.arange(len(out))})
    key = key.loc[ok].sort_values(["pid", "neg", "ord"], kind="stable")
    rank = pd.Series(np.nan, index=out.index)
    rank.loc[key.index] = key.groupby("pid", sort=False).cumcount().to_numpy() + 1
    out["rank"] = rank.astype("Int64")
    out["recommended"] = (out["rank"] == 1).fillna(False).to_numpy(bool)
    return out
