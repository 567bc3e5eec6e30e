"""Ranking kernels: utilities, traffic-light codes, weighted scores and ranks within a plot.

Family ``ranking`` of the pure models: arrays in, arrays out. The linear value function
that turns a raw criterion value into a utility in [0, 1] between two anchors, the
traffic-light code of a value against its green and amber thresholds, the weighted mean
utility over the criteria assessed for each row, and the rank of each applicable row
within its plot (policy tier, then full evidence, then score, then library order). No
tables, no frames, no text: the thresholds and anchors are passed in. The stage module
:mod:`agriremed.stages.ranking` reads the raw criterion values off the plan table, looks the
anchors and thresholds up in ``traffic_lights.csv``, writes the reasons and re-exports
these names (the criteria and default weights are set out in its module docstring).

References
----------
.. [1] Bardos R.P. et al. (2018) Sustainability 10(6):1781 (SuRF-UK criteria groups).
.. [2] REJUVENATE final report (SNOWMAN), traffic-light staged appraisal.
"""

from __future__ import annotations

import numpy as np

from agriremed.core import frames as _frames

__all__ = ["linear_utility", "light_codes", "LIGHTS"]

#: Traffic-light names by code: 0 green, 1 amber, 2 red, 3 not assessed (None).
LIGHTS = ("green", "amber", "red", None)


def linear_utility(values, zero_at, one_at) -> np.ndarray:
    """Utility in [0, 1] of raw criterion values: linear between two anchors, clipped.

    Parameters
    ----------
    values : array_like
        Raw criterion values [unit of the criterion]; NaN = not assessed.
    zero_at, one_at : float
        Values that get utility 0 and utility 1 [unit of the criterion]
        (``utility_zero_at``, ``utility_one_at`` of ``traffic_lights.csv``);
        ``one_at`` may lie below ``zero_at`` for a criterion where less is better.

    Returns
    -------
    numpy.ndarray
        Utility [–], NaN where the value is NaN.

    References
    ----------
    .. [1] Bardos R.P. et al. (2018) Sustainability 10(6):1781 (SuRF-UK criteria groups).

    Examples
    --------
    >>> linear_utility([-100000.0, -50000.0, 0.0, 10000.0, float("nan")], -100000.0, 0.0).tolist()
    [0.0, 0.5, 1.0, 1.0, nan]
    """
    lo, hi = zero_at, one_at
    return np.clip((np.asarray(values, float) - lo) / (hi - lo), 0.0, 1.0)


def light_codes(values, green_at_least, amber_at_least) -> np.ndarray:
    """Traffic-light code of raw criterion values against their thresholds.

    Parameters
    ----------
    values : array_like
        Raw criterion values [unit of the criterion]; NaN = not assessed.
    green_at_least, amber_at_least : float
        Lowest value that is green and lowest value that is amber [unit of the criterion]
        (``traffic_lights.csv``); a value within 1e-12 below the green threshold counts as
        green, so a share printed as the threshold is not shown red or amber.

    Returns
    -------
    numpy.ndarray
        Integer code per value: 0 green, 1 amber, 2 red, 3 not assessed (see :data:`LIGHTS`).

    References
    ----------
    .. [1] REJUVENATE final report (SNOWMAN), traffic-light staged appraisal.

    Examples
    --------
    >>> light_codes([0.95, 0.9, 0.6, 0.41, float("nan")], 0.9, 0.5).tolist()
    [0, 0, 1, 2, 3]
    """
    v = np.asarray(values, float)
    g, a = green_at_least, amber_at_least
    return np.where(np.isnan(v), 3, np.where(v >= g - 1e-12, 0, np.where(v >= a, 1, 2)))


def weighted_scores(u: np.ndarray, w: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Weighted mean utility over the criteria assessed for each row (NaN where not applicable)."""
    have = ~np.isnan(u)
    wsum = (have * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(wsum > 0, (np.nan_to_num(u) * w).sum(axis=1) / wsum, np.nan)
    return np.where(ok, score, np.nan)


def rank_in_plot(score: np.ndarray, ok: np.ndarray, partial: np.ndarray, plot_id, tier=None,
                 unpriced=None, target_tier=None, first=None, untreated=None) -> np.ndarray:
    """Rank of each applicable row within its plot (1 = best; 0 where not applicable).

    Options the rule set expects rank before those it merely allows, and those before the
    ones it restrains (``tier``); among the expected ones, those predicted to make the crop
    meet the compliance target before those predicted to miss it (``target_tier`` 1) or to
    leave the crop no safer than unchanged practice where another makes it safer (3); then
    fully assessed options before partial ones; among equals the higher score, then the row
    order (library order) wins. An expected option whose economics could not be computed
    (``unpriced``: NPV NaN, e.g. PV without coordinates) ranks with the allowed ones: an
    encouragement does not put an option of unknown cost ahead of assessed ones, and it never
    passes a restrained one's tier. So does an expected option with ``target_tier`` 2
    (predicted to miss the target, less compliant than unchanged practice and costlier) or 4
    (a measure of no particular crop whose effect on the plot's crop is not predicted, costlier
    than unchanged practice).
    Expected rows marked ``first`` (liming where the soil is too acid for every transfer
    function of the crop) rank before the other expected ones. Among the expected options (after
    the moves above), those that leave fewer metals untreated (``untreated``: the number of metals
    above their screening value that a food standard limits and the option does not treat) rank
    first, before the ``first``, target and evidence orderings; the allowed and restrained options
    keep their order.
    """
    n = len(score)
    rows = np.flatnonzero(ok)
    tier = np.zeros(n, np.int64) if tier is None else np.asarray(tier, np.int64)
    unpriced = np.zeros(n, bool) if unpriced is None else np.asarray(unpriced, bool)
    target_tier = np.zeros(n, np.int64) if target_tier is None else np.asarray(target_tier, np.int64)
    pc = _frames.codes(_frames.obj(plot_id))[0]
    neg = -np.nan_to_num(score, nan=-np.inf)
    tier = np.where((unpriced | np.isin(target_tier, (2, 4))) & (tier == 0), 1, tier)
    short = np.isin(target_tier, (1, 3)) & (tier == 0)
    later = (tier == 0) & ~(np.zeros(n, bool) if first is None else np.asarray(first, bool))
    gap = np.where(tier == 0, np.zeros(n, np.int64) if untreated is None else np.asarray(untreated, np.int64), 0)
    order = rows[np.lexsort((rows, neg[rows], partial[rows], short[rows], later[rows], gap[rows], tier[rows],
                             pc[rows]))]
    grp = pc[order]
    start = np.r_[True, grp[1:] != grp[:-1]] if len(order) else np.zeros(0, bool)
    first_of_group = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0)) if len(order) else \
        np.zeros(0, int)
    rank = np.zeros(n, dtype=np.int64)
    rank[order] = np.arange(len(order)) - first_of_group + 1
    return rank
