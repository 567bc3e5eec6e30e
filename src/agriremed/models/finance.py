"""Discounting kernels shared by the economics, PV and soft re-use stages.

Arrays in, arrays out; money in whatever unit the cash flows carry.

References
----------
.. [1] Brealey, R. A., Myers, S. C. & Allen, F. (2020) Principles of Corporate Finance, 13th ed.,
   Ch. 2 (present value of end-of-year cash flows).
"""

from __future__ import annotations

import numpy as np

__all__ = ["discount_factors", "npv"]


def discount_factors(rate: float, horizon_yr: int) -> np.ndarray:
    """End-of-year discount factors 1/(1+r)^t for t = 1…H.

    Examples
    --------
    >>> [round(float(x), 4) for x in discount_factors(0.1, 2)]
    [0.9091, 0.8264]
    """
    t = np.arange(1, int(horizon_yr) + 1)
    return 1.0 / (1.0 + float(rate)) ** t


def npv(cash_flows, rate: float) -> np.ndarray:
    """Net present value of yearly cash flows (last axis = years 1…H) [same unit]."""
    cf = np.asarray(cash_flows, float)
    return (cf * discount_factors(rate, cf.shape[-1])).sum(axis=-1)
