"""Out-of-sample skill of transfer functions: bias, error, ranking, interval coverage and calibration.

A transfer function is judged on paired soil–crop data it was not fitted on. For each
pair i with observed crop concentration yᵢ, predicted median mᵢ, residual spread sᵢ
(log10 units) and a food limit L:

* bias = mean(log10 mᵢ − log10 yᵢ) [log10 units] (> 0: over-prediction);
* RMSE = √mean((log10 mᵢ − log10 yᵢ)²) [log10 units];
* Spearman ρ between mᵢ and yᵢ;
* coverage of the central 90 % interval: share of yᵢ within mᵢ·10^(±1.645 sᵢ);
* pᵢ = P(C > L) = 1 − Φ((log10 L − log10 mᵢ)/sᵢ), the predicted probability of exceeding
  the limit, and oᵢ = 1 if yᵢ > L: Brier score mean((pᵢ − oᵢ)²) against the base-rate
  score ō(1 − ō) of a constant forecast, and the AUC (probability that a random
  exceeding pair gets a higher pᵢ than a random compliant one; ties count ½);
* reliability: pairs binned by pᵢ, mean pᵢ against the observed frequency of
  exceedance in each bin.

Observations below the detection limit must be given as the limit value or removed by
the caller; zero or negative observations are left out of the log metrics.

References
----------
.. [1] Brier G.W. (1950) Mon. Weather Rev. 78(1):1–3 (Brier score).
.. [2] Hanley J.A. & McNeil B.J. (1982) Radiology 143:29–36 (AUC as the Mann–Whitney
   probability).
.. [3] Wilks D.S. (2011) Statistical Methods in the Atmospheric Sciences, 3rd ed., §8.4
   (reliability diagrams).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri
from scipy.stats import rankdata, spearmanr

__all__ = ["exceedance_probability", "auc", "brier", "reliability", "skill_metrics"]

_Z95 = float(ndtri(0.95))


def exceedance_probability(median, se_log10, limit):
    """Probability that a log-normal crop concentration exceeds a limit.

    Parameters
    ----------
    median : array_like
        Predicted median crop concentration [mg kg⁻¹].
    se_log10 : array_like
        Residual spread of log10 concentration [log10 units].
    limit : array_like
        Food limit on the same basis [mg kg⁻¹].

    Returns
    -------
    numpy.ndarray
        P(C > limit) [–].

    Examples
    --------
    >>> float(exceedance_probability(0.2, 0.3, 0.2))
    0.5
    >>> round(float(exceedance_probability(0.1, 0.3, 0.2)), 4)   # 1 − Φ(log10 2 / 0.3)
    0.1578
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.log10(np.asarray(limit, float)) - np.log10(np.asarray(median, float))) / np.asarray(se_log10, float)
    return 1.0 - ndtr(z)


def auc(prob, outcome) -> float:
    """Area under the ROC curve of probabilities against 0/1 outcomes (Mann–Whitney form).

    Parameters
    ----------
    prob : array_like
        Predicted probabilities [–].
    outcome : array_like of bool
        Observed events.

    Returns
    -------
    float
        AUC [–]; NaN when all outcomes are equal.

    Examples
    --------
    >>> auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    0.75
    """
    p = np.asarray(prob, float)
    o = np.asarray(outcome, bool)
    n1, n0 = int(o.sum()), int((~o).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = rankdata(p)
    return float((r[o].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def brier(prob, outcome) -> float:
    """Brier score mean((p − o)²) [–].

    Examples
    --------
    >>> brier([1.0, 0.0, 0.5], [1, 0, 1])
    0.08333333333333333
    """
    p = np.asarray(prob, float)
    o = np.asarray(outcome, float)
    return float(np.mean((p - o) ** 2))


def reliability(prob, outcome, edges=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0)) -> pd.DataFrame:
    """Reliability table: mean predicted probability and observed frequency per probability bin.

    Parameters
    ----------
    prob : array_like
        Predicted probabilities [–].
    outcome : array_like of bool
        Observed events.
    edges : sequence of float
        Bin edges [–]; the last bin includes its upper edge.

    Returns
    -------
    pandas.DataFrame
        ``bin_low``, ``bin_high``, ``n``, ``mean_prob``, ``observed_freq`` and
        ``difference`` (observed − predicted) per non-empty bin.
    """
    p = np.asarray(prob, float)
    o = np.asarray(outcome, float)
    edges = np.asarray(edges, float)
    b = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for k in range(len(edges) - 1):
        m = b == k
        if m.any():
            rows.append({"bin_low": edges[k], "bin_high": edges[k + 1], "n": int(m.sum()),
                         "mean_prob": float(p[m].mean()), "observed_freq": float(o[m].mean())})
    out = pd.DataFrame(rows, columns=["bin_low", "bin_high", "n", "mean_prob", "observed_freq"])
    out["difference"] = out["observed_freq"] - out["mean_prob"]
    return out


def skill_metrics(observed, median, se_log10, limit) -> dict:
    """Out-of-sample skill of a transfer function's predictions (see the module text).

    Parameters
    ----------
    observed : array_like
        Measured crop concentration [mg kg⁻¹, on the basis of the prediction].
    median : array_like
        Predicted median [mg kg⁻¹].
    se_log10 : array_like or float
        Residual spread used for intervals and probabilities [log10 units].
    limit : array_like or float
        Food limit [mg kg⁻¹] for the exceedance metrics.

    Returns
    -------
    dict
        ``n``, ``bias_log10``, ``rmse_log10``, ``spearman``, ``coverage90``,
        ``mean_prob``, ``observed_rate``, ``brier``, ``brier_base_rate``, ``auc``.

    Examples
    --------
    >>> m = skill_metrics([0.1, 0.2, 0.4], [0.1, 0.2, 0.4], 0.3, 0.25)
    >>> m["bias_log10"], m["rmse_log10"], m["spearman"], m["coverage90"]
    (0.0, 0.0, 1.0, 1.0)
    """
    y = np.asarray(observed, float)
    m = np.asarray(median, float)
    s = np.broadcast_to(np.asarray(se_log10, float), y.shape)
    lim = np.broadcast_to(np.asarray(limit, float), y.shape)
    ok = np.isfinite(y) & (y > 0) & np.isfinite(m) & (m > 0) & np.isfinite(s)
    y, m, s, lim = y[ok], m[ok], s[ok], lim[ok]
    d = np.log10(m) - np.log10(y)
    f = 10.0 ** (_Z95 * s)
    p = exceedance_probability(m, s, lim)
    o = y > lim
    rate = float(o.mean()) if len(o) else float("nan")
    return {
        "n": int(ok.sum()),
        "bias_log10": float(d.mean()) if len(d) else float("nan"),
        "rmse_log10": float(np.sqrt(np.mean(d ** 2))) if len(d) else float("nan"),
        "spearman": float(spearmanr(m, y).statistic) if len(d) > 2 else float("nan"),
        "coverage90": float(np.mean((y >= m / f) & (y <= m * f))) if len(d) else float("nan"),
        "mean_prob": float(p.mean()) if len(p) else float("nan"),
        "observed_rate": rate,
        "brier": brier(p, o) if len(p) else float("nan"),
        "brier_base_rate": rate * (1.0 - rate),
        "auc": auc(p, o),
    }
