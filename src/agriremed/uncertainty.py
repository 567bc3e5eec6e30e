"""Monte Carlo sampling of literature parameter ranges.

Parameters in the tables are ranges (``low``, ``typical``, ``high``). The Monte Carlo
run draws each one from a triangular distribution with mode ``typical``.

Draws are *common random numbers*: the draw vector of a parameter depends only on
the scenario seed and the parameter's identity (option, parameter name, metal), never
on which plots are in the table, their order or how the table is chunked. Hence

* the same seed gives identical numbers on every run and in every chunking;
* a different seed gives different draws;
* two plots see the same parameter draws, so differences between plots come from
  their soils, and parameter uncertainty (which is about the plant or the method,
  not the plot) is shared, as it should be when results are summed over a region.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np
import pandas as pd

__all__ = ["stable_key", "generator", "triangular", "parameter_draws"]


def stable_key(*parts) -> int:
    """A 32-bit integer that depends only on the text of ``parts`` (not on Python's hash)."""
    return zlib.crc32("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))


def generator(seed: int, *parts) -> np.random.Generator:
    """Random generator seeded by ``seed`` and the identity ``parts``."""
    return np.random.default_rng([int(seed), stable_key(*parts)])


def triangular(low, mode, high, n: int, rng: np.random.Generator, log: bool = False) -> np.ndarray:
    """Draw ``n`` values from a (log-)triangular distribution; degenerate ranges give constants.

    Parameters
    ----------
    low, mode, high : float
        Range and mode; ``NaN`` anywhere gives ``NaN`` draws. ``low == high`` gives a
        constant. ``mode`` outside ``[low, high]`` is an error in the table.
    n : int
        Number of draws.
    rng : numpy.random.Generator
        Source of randomness.
    log : bool
        Triangular in log space (for ranges spanning orders of magnitude, such as a BCF
        of 0.18–20); needs ``low > 0``. With ``mode`` at the geometric mean of the
        range the median draw is ``mode``.
    """
    low, mode, high = float(low), float(mode), float(high)
    if np.isnan([low, mode, high]).any():
        return np.full(n, np.nan)
    if not low <= mode <= high:
        raise ValueError(f"range low={low}, typical={mode}, high={high} is not ordered")
    if high == low:
        return np.full(n, mode)
    if log:
        if low <= 0:
            raise ValueError(f"log-triangular range needs low > 0 (got {low})")
        return np.exp(rng.triangular(np.log(low), np.log(mode), np.log(high), size=n))
    return rng.triangular(low, mode, high, size=n)


def parameter_draws(params: pd.DataFrame, n_draws: int, seed: int,
                    id_columns=("option_id", "parameter", "metal")) -> np.ndarray:
    """Draw every row of a parameter table.

    Parameters
    ----------
    params : pandas.DataFrame
        Rows with ``low``, ``typical``, ``high``, the identity columns and optionally
        ``distribution`` (``triangular``, the default, or ``log_triangular``).
    n_draws : int
        Number of draws.
    seed : int
        Scenario seed.
    id_columns : tuple of str
        Columns that identify a parameter (used to key its random stream).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(params), n_draws)``; row ``i`` holds the draws of ``params.iloc[i]``.
    """
    out = np.empty((len(params), n_draws))
    cols = [params[c].to_numpy(object) for c in id_columns]
    ids = [np.where(pd.isna(c), "", c) for c in cols]
    log = (params["distribution"].to_numpy(object) == "log_triangular" if "distribution" in params
           else np.zeros(len(params), bool))
    low, mode, high = (params[c].to_numpy(float) for c in ("low", "typical", "high"))
    blank = np.isnan(low) | np.isnan(mode) | np.isnan(high)  # NaN draws (see triangular)
    for i, ident in enumerate(zip(*ids, strict=True)):
        if blank[i]:
            out[i] = np.nan
            continue
        out[i] = _row_draws(int(seed), ident, float(low[i]), float(mode[i]), float(high[i]), bool(log[i]),
                            int(n_draws))
    return out


#: Draw vectors kept by :func:`_row_draws` (a few thousand parameters of a few kB each).
ROW_DRAWS_CACHE_SIZE = 4096


@functools.lru_cache(maxsize=ROW_DRAWS_CACHE_SIZE)
def _row_draws(seed: int, ident: tuple, low: float, mode: float, high: float, log: bool,
               n: int) -> np.ndarray:
    """The draws of one parameter: a pure function of its seed, identity, range and ``n``
    (kept, read-only, so the dashboards' repeated one-plot plans do not draw again)."""
    d = triangular(low, mode, high, n, generator(seed, *ident), log=log)
    d.flags.writeable = False
    return d
