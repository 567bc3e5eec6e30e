"""Readable logarithmic axes for the dashboard figures.

Plotly labels the minor ticks of a log axis with their first digit only ("2", "5"), so a
food limit of 0.2 mg/kg sits on a tick that reads "2". :func:`log_axis` labels the decades
in full and the values that matter on the chart (a food limit, the screening value, a cap),
and draws the other ticks as unlabelled grid lines.
"""

from __future__ import annotations

import numpy as np

__all__ = ["tick_text", "log_ticks", "log_axis"]

#: Two labels closer than this on the log10 scale would overlap on a narrow chart: the decade
#: label next to a marked value is left out (the marked value is kept) [log10 units].
MIN_LABEL_GAP_LOG10 = 0.15


def tick_text(value: float) -> str:
    """A tick value as plain text: no exponent for the values charts use, no trailing zeros.

    Examples
    --------
    >>> [tick_text(v) for v in (0.001, 0.02, 0.2, 0.35, 1.0, 10.0, 500.0, 1000.0, 2.5e-5)]
    ['0.001', '0.02', '0.2', '0.35', '1', '10', '500', '1,000', '0.000025']
    """
    v = float(value)
    if v == 0 or not np.isfinite(v):
        return f"{v:g}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    # enough decimals for three significant digits, then strip the zeros
    decimals = max(0, 2 - int(np.floor(np.log10(abs(v)))))
    text = f"{v:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def log_ticks(lo: float, hi: float, marks=()) -> tuple[list[float], list[str], list[float]]:
    """Labelled ticks of a log axis from ``lo`` to ``hi``: every decade, plus ``marks``.

    Parameters
    ----------
    lo, hi : float
        Axis range in data units (> 0).
    marks : iterable of float
        Values labelled wherever they fall in the range (e.g. food limits); a decade label
        closer than :data:`MIN_LABEL_GAP_LOG10` to a mark is dropped so the two do not overlap.

    Returns
    -------
    tickvals : list of float
        Labelled values, ascending.
    ticktext : list of str
        Their labels (:func:`tick_text`).
    minor : list of float
        2…9 × each decade inside the range, unlabelled (grid lines only).

    Examples
    --------
    >>> vals, text, _ = log_ticks(0.01, 3, marks=[0.2])
    >>> text
    ['0.01', '0.1', '0.2', '1']
    >>> log_ticks(0.05, 0.4, marks=[0.2])[1]   # less than a decade: the 1-2-5 steps are labelled
    ['0.05', '0.1', '0.2']
    >>> log_ticks(0.15, 0.4)[1]                # fewer than two 1-2-5 steps: every step
    ['0.2', '0.3', '0.4']
    """
    lo, hi = float(min(lo, hi)), float(max(lo, hi))
    if not (lo > 0 and np.isfinite(hi)):
        raise ValueError(f"a log axis needs 0 < lo <= hi, got {lo}, {hi}")
    eps = 1e-9
    k0, k1 = int(np.floor(np.log10(lo) + eps)), int(np.ceil(np.log10(hi) - eps))
    decades = [10.0**k for k in range(k0, k1 + 1) if lo * (1 - eps) <= 10.0**k <= hi * (1 + eps)]
    minor = [m * 10.0**k for k in range(k0, k1 + 1) for m in range(2, 10) if lo <= m * 10.0**k <= hi]
    mk = sorted({float(m) for m in marks if m is not None and np.isfinite(m) and lo <= m <= hi})
    base = decades
    if len(decades) < 2:  # less than a decade shown: label the 1-2-5 steps (or 1…9) as well
        steps = [v for v in minor + decades if round(v / 10.0 ** np.floor(np.log10(v) + eps), 6) in (1, 2, 5)]
        base = steps if len(steps) >= 2 else sorted(minor + decades)
    keep = [b for b in base if all(abs(np.log10(b) - np.log10(m)) >= MIN_LABEL_GAP_LOG10 for m in mk)]
    vals = sorted({round(v, 12) for v in keep + mk})
    # a mark between two labels at less than the gap: keep all marks, they are the point of the chart
    return vals, [tick_text(v) for v in vals], [m for m in minor if round(m, 12) not in vals]


def log_axis(lo: float, hi: float, marks=(), pad: float = 1.25) -> dict:
    """Plotly axis settings of a log axis from ``lo`` to ``hi`` with readable labels.

    Parameters
    ----------
    lo, hi : float
        Smallest and largest value to show (> 0) [data units].
    marks : iterable of float
        Values labelled on the axis (see :func:`log_ticks`).
    pad : float
        The range is widened by this factor on both sides [–].

    Returns
    -------
    dict
        ``type``, ``range`` (log10 units), ``tickmode="array"``, ``tickvals``, ``ticktext`` and
        ``minor`` grid lines, to merge into a plotly axis.

    Examples
    --------
    >>> ax = log_axis(0.05, 0.3, marks=[0.2])
    >>> ax["ticktext"]
    ['0.05', '0.1', '0.2']
    """
    lo, hi = float(lo) / pad, float(hi) * pad
    vals, text, minor = log_ticks(lo, hi, marks)
    return dict(
        type="log",
        range=[np.log10(lo), np.log10(hi)],
        tickmode="array",
        tickvals=vals,
        ticktext=text,
        minor=dict(tickmode="array", tickvals=minor, showgrid=True, gridcolor="#f1f4f7", ticks=""),
    )
