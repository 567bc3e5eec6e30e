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

__all__ = ["linear_utility", "light_codes", "LIGHTS", "SCORE_DECIMALS", "SCORE_SHOWN_DECIMALS", "TIE_BREAKS", "BEHIND_TIER", "NO_MEASURE_TIER",
           "LEAST_SHOWN_GAIN"]

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


SCORE_DECIMALS = 3

#: Decimals the sentences print a score with ("score 0.44 vs 0.35"; three where two would hide a difference,
#: :data:`SCORE_DECIMALS`).
SCORE_SHOWN_DECIMALS = 2
"""Decimals at which scores are compared when ranking (the finest precision the sentence prints):
scores equal at this precision tie, and the tie goes to :data:`TIE_BREAKS` in turn."""

TIE_BREAKS = ("npv", "first_year_cost", "option_order")
"""Rules that order options whose scores tie (at :data:`SCORE_DECIMALS`) in the same ordering
group, in turn: the higher NPV (over the plan's years), then the lower first-year cost, then the
option listed first in the option library (row order)."""


BEHIND_TIER = 5
"""``target_tier`` of an option that ranks after the other options of its policy tier, unchanged
practice included (a measure that answers only a crop risk of a metal below its screening value, where
another metal exceeds, predicted by a transfer function documented to over-predict:
:func:`agriremed.stages.ranking.rank_options`)."""

NO_MEASURE_TIER = 6
"""``target_tier`` of an expected or allowed food option that is no measure for the crop on a plot where
none is: its compliance gain over unchanged practice is below the scenario's ``min_compliance_gain``,
as is that of every fully assessed expected or allowed food option of the plot, and its economics
value is below unchanged practice's, or it is an agronomic measure for the crop alone (``policy_family``
``agronomic_control``: biochar earning a carbon credit is no measure for 4 points of compliance). It ranks with the allowed options (an expected one is moved
there) and, like :data:`BEHIND_TIER`, after the other options of that tier, unchanged practice
included: a paid amendment is not recommended over unchanged practice for a gain in crop safety
too small to be a measure, whatever it scores on carbon or clean-up. Not an option that dominates
unchanged practice for the farmer (it keeps the crop, produces no less food, makes it more often
compliant, by at least :data:`LEAST_SHOWN_GAIN`, and earns the farmer more without carbon credits or
subsidies: :func:`agriremed.stages.ranking.dominates_baseline`): safer and more profitable from the
harvest itself, it is a measure however small its gain."""

LEAST_SHOWN_GAIN = 0.0005
"""Smallest rise of the crop's compliance over unchanged practice [–] that the sentence prints above 0
(0.05 percentage points: its gains are printed at one decimal of a percentage point). An option that
dominates unchanged practice (:data:`NO_MEASURE_TIER`) must be safer by at least this much: a gain the
sentence would print as 0.0 points is none. Not a Monte Carlo noise floor (the code has none; the
scenario's ``min_compliance_gain`` documents the noise of the default draws as about ±0.02)."""


def _order_keys(n: int, ok, partial, plot_id, tier=None, unpriced=None, target_tier=None, first=None,
                untreated=None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Plot codes and the ordering keys of :func:`rank_in_plot` before the score, most significant first."""
    tier = np.zeros(n, np.int64) if tier is None else np.asarray(tier, np.int64)
    unpriced = np.zeros(n, bool) if unpriced is None else np.asarray(unpriced, bool)
    target_tier = np.zeros(n, np.int64) if target_tier is None else np.asarray(target_tier, np.int64)
    pc = _frames.codes(_frames.obj(plot_id))[0]
    tier = np.where((unpriced | np.isin(target_tier, (2, 4, NO_MEASURE_TIER))) & (tier == 0), 1, tier)
    behind = np.isin(target_tier, (BEHIND_TIER, NO_MEASURE_TIER)) & (tier > 0)
    short = np.isin(target_tier, (1, 3)) & (tier == 0)
    later = (tier == 0) & ~(np.zeros(n, bool) if first is None else np.asarray(first, bool))
    gap = np.where(tier == 0, np.zeros(n, np.int64) if untreated is None else np.asarray(untreated, np.int64), 0)
    return pc, [tier, behind, gap, later, short, np.asarray(partial, bool)]


def _tie_keys(score, cost, npv, n: int) -> list[np.ndarray]:
    """Score at :data:`SCORE_DECIMALS` (higher first), then the :data:`TIE_BREAKS` keys in their order
    (lower first): minus the NPV, the first-year cost."""
    neg = -np.nan_to_num(np.round(np.asarray(score, float), SCORE_DECIMALS), nan=-np.inf)
    cost = np.full(n, np.nan) if cost is None else np.asarray(cost, float)
    npv = np.full(n, np.nan) if npv is None else np.asarray(npv, float)
    return [neg, -np.nan_to_num(npv, nan=-np.inf), np.nan_to_num(cost, nan=np.inf)]


def rank_in_plot(score: np.ndarray, ok: np.ndarray, partial: np.ndarray, plot_id, tier=None,
                 unpriced=None, target_tier=None, first=None, untreated=None, cost=None, npv=None) -> np.ndarray:
    """Rank of each applicable row within its plot (1 = best; 0 where not applicable).

    Options the rule set expects rank before those it merely allows, and those before the
    ones it restrains (``tier``); among the expected ones, those predicted to make the crop
    meet the compliance target before those predicted to miss it (``target_tier`` 1) or to
    leave the crop no safer than unchanged practice where another makes it safer (3); then
    fully assessed options before partial ones; among equals the higher score (compared at
    :data:`SCORE_DECIMALS` decimals), and among equal scores the higher NPV (``npv`` [CNY ha⁻¹],
    unknown last), then the lower first-year cost (``cost`` [CNY ha⁻¹], unknown last),
    then the row order (library order) wins (:data:`TIE_BREAKS`). An expected option whose
    economics could not be computed
    (``unpriced``: NPV NaN where another option of its plot has one, e.g. PV without coordinates;
    not where no option of the plot could be priced, a crop outside the library) ranks with the allowed ones: an
    encouragement does not put an option of unknown cost ahead of assessed ones, and it never
    passes a restrained one's tier. So does an expected option with ``target_tier`` 2
    (predicted to miss the target, less compliant than unchanged practice and costlier) or 4
    (a measure of no particular crop whose effect on the plot's crop is not predicted, costlier
    than unchanged practice). Rows with ``target_tier`` :data:`BEHIND_TIER` (5) rank after the
    other rows of their policy tier, whatever their score (a measure the rule set allows for a crop
    risk of a metal below its screening value, predicted by a function documented to over-predict,
    ranks with unchanged practice, not ahead of it). So do rows with ``target_tier``
    :data:`NO_MEASURE_TIER` (6), an expected one moved to the allowed options first (a food option
    that makes the crop safer by less than ``min_compliance_gain`` at a lower economics value, or an
    agronomic measure that does, on a plot where no expected or allowed food option reaches that gain).
    Expected rows marked ``first`` (liming where the soil is too acid for every transfer
    function of the crop) rank before the other expected ones. Among the expected options (after
    the moves above), those that leave fewer metals untreated (``untreated``: the number of metals
    above their screening value that a food standard limits and the option does not treat) rank
    first, before the ``first``, target and evidence orderings; the allowed and restrained options
    keep their order.
    """
    n = len(score)
    rows = np.flatnonzero(ok)
    pc, group = _order_keys(n, ok, partial, plot_id, tier, unpriced, target_tier, first, untreated)
    keys = [rows] + [k[rows] for k in reversed(_tie_keys(score, cost, npv, n))] \
        + [k[rows] for k in reversed(group)] + [pc[rows]]
    order = rows[np.lexsort(tuple(keys))]
    grp = pc[order]
    start = np.r_[True, grp[1:] != grp[:-1]] if len(order) else np.zeros(0, bool)
    first_of_group = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0)) if len(order) else \
        np.zeros(0, int)
    rank = np.zeros(n, dtype=np.int64)
    rank[order] = np.arange(len(order)) - first_of_group + 1
    return rank


def tie_break_used(rank: np.ndarray, score: np.ndarray, ok: np.ndarray, partial: np.ndarray, plot_id, tier=None,
                   unpriced=None, target_tier=None, first=None, untreated=None, cost=None,
                   npv=None) -> np.ndarray:
    """The tie-break that put each plot's first option before its second (on the first's row).

    Parameters
    ----------
    rank : numpy.ndarray of int
        Output of :func:`rank_in_plot` with the same arguments.
    score, ok, partial, plot_id, tier, unpriced, target_tier, first, untreated, cost, npv
        As for :func:`rank_in_plot`.

    Returns
    -------
    numpy.ndarray of object
        On each rank-1 row whose plot's rank-2 row is in the same ordering group with a score
        equal at :data:`SCORE_DECIMALS`: the :data:`TIE_BREAKS` rule that decided
        (``first_year_cost``, ``npv`` or ``option_order``); ``""`` on every other row.
    """
    n = len(score)
    out = np.full(n, "", dtype=object)
    pc, group = _order_keys(n, ok, partial, plot_id, tier, unpriced, target_tier, first, untreated)
    rank = np.asarray(rank)
    f_rows, s_rows = np.flatnonzero(rank == 1), np.flatnonzero(rank == 2)
    if not len(f_rows) or not len(s_rows):
        return out
    at = _frames.positions(pc[s_rows], pc[f_rows])
    fr, sr = f_rows[at >= 0], s_rows[at[at >= 0]]
    neg, first_key, second_key = _tie_keys(score, cost, npv, n)
    same = np.ones(len(fr), bool)
    for k in [*group, neg]:
        same &= k[fr] == k[sr]
    rule = np.where(first_key[fr] != first_key[sr], TIE_BREAKS[0],
                    np.where(second_key[fr] != second_key[sr], TIE_BREAKS[1], TIE_BREAKS[2]))
    out[fr[same]] = rule[same]
    return out
