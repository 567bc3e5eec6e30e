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

Two samplings (scenario field ``sampling``):

* ``random`` — independent draws, ``Generator.triangular`` of the parameter's generator;
* ``lhs`` — Latin hypercube: the parameter's generator gives ``n`` stratified uniforms
  ``u_i = (π(i) − U_i) / n`` (one in each ``1/n`` stratum, in a random order π; the numbers
  of :class:`scipy.stats.qmc.LatinHypercube` with ``d = 1`` seeded by that generator), and the
  inverse distribution function :func:`triangular_ppf` maps them to values. Each
  parameter has its own permutation, so the joint design over all parameters is a Latin
  hypercube, and a parameter's draws still depend only on the seed and its identity
  (common random numbers hold as for ``random``).

The sampling travels with the seed: :func:`draw_seed` gives the seed of a Latin-hypercube
run as an :class:`LHSSeed` (an ``int`` that compares and hashes apart from the plain seed,
so caches keyed by the seed keep the two samplings apart); a plain ``int`` seed means
``random``.

References
----------
.. [1] McKay, M. D., Beckman, R. J., Conover, W. J. (1979). A comparison of three methods
   for selecting values of input variables in the analysis of output from a computer code.
   Technometrics 21(2), 239–245. https://doi.org/10.2307/1268522
.. [2] Stein, M. (1987). Large sample properties of simulations using Latin hypercube
   sampling. Technometrics 29(2), 143–151. https://doi.org/10.1080/00401706.1987.10488205
"""

from __future__ import annotations

import functools
import zlib

import numpy as np
import pandas as pd
from scipy.special import ndtri as _ndtri

__all__ = ["SAMPLINGS", "LHSSeed", "draw_seed", "sampling_of", "stable_key", "generator",
           "lhs_uniforms", "triangular_ppf", "triangular", "standard_normal", "parameter_draws"]

#: Monte Carlo samplings: independent draws or a Latin hypercube (scenario field ``sampling``).
SAMPLINGS = ("random", "lhs")


class LHSSeed(int):
    """The seed of a Latin-hypercube run: the same integer, told apart from a plain seed.

    Equal only to an :class:`LHSSeed` of the same value and hashed apart from the plain
    ``int``, so a cache keyed by ``(…, n_draws, seed)`` never returns random draws to a
    Latin-hypercube run or the reverse. Arithmetic on it gives a plain ``int``.
    """

    __slots__ = ()

    def __eq__(self, other):
        return isinstance(other, LHSSeed) and int(self) == int(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(("lhs", int(self)))

    def __repr__(self):
        return f"LHSSeed({int(self)})"

    def __reduce__(self):  # pickles (process pools) as itself, not as a plain int
        return (LHSSeed, (int(self),))


def draw_seed(seed: int, sampling: str = "random") -> int:
    """The seed handed to the draw functions: ``seed`` itself (``random``) or an :class:`LHSSeed`.

    >>> draw_seed(7), draw_seed(7, "lhs"), sampling_of(draw_seed(7, "lhs"))
    (7, LHSSeed(7), 'lhs')
    """
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling {sampling!r} is not one of {', '.join(SAMPLINGS)}")
    return LHSSeed(int(seed)) if sampling == "lhs" else int(seed)


def sampling_of(seed) -> str:
    """``"lhs"`` for an :class:`LHSSeed`, else ``"random"``."""
    return "lhs" if isinstance(seed, LHSSeed) else "random"


def stable_key(*parts) -> int:
    """A 32-bit integer that depends only on the text of ``parts`` (not on Python's hash)."""
    return zlib.crc32("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))


def generator(seed: int, *parts) -> np.random.Generator:
    """Random generator seeded by ``seed`` and the identity ``parts``."""
    return np.random.default_rng([int(seed), stable_key(*parts)])


def lhs_uniforms(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` stratified uniforms on (0, 1): one in each stratum ``[k/n, (k+1)/n)``, in random order.

    ``u_i = (π(i) − U_i) / n`` with π a random permutation of ``1 … n`` and ``U_i``
    uniform on [0, 1), both from ``rng``: a one-dimensional Latin hypercube [1]_. The
    numbers are those of ``scipy.stats.qmc.LatinHypercube(d=1, rng=rng).random(n)`` (same
    child generator, same draws, same order; ``tests/test_uncertainty_lhs.py`` checks the
    equality), written out because building the scipy engine costs about three times the
    draws themselves, once per parameter. A pure function of the generator's state, so a
    generator seeded by a parameter's identity gives that parameter the same uniforms in
    every run, chunking and plot order.

    Parameters
    ----------
    n : int
        Number of uniforms [–].
    rng : numpy.random.Generator
        Source of randomness (consumed).

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, values in [0, 1) [–].

    References
    ----------
    .. [1] McKay, Beckman and Conover (1979), Technometrics 21(2), 239–245.

    >>> u = lhs_uniforms(4, np.random.default_rng(0))
    >>> sorted(np.floor(u * 4).astype(int).tolist())
    [0, 1, 2, 3]
    """
    if n <= 0:
        return np.empty(0)
    child = rng.spawn(1)[0]  # as scipy's engine does: it owns a child of the generator
    u = child.uniform(size=(int(n), 1))[:, 0]
    strata = np.arange(1, int(n) + 1)
    child.shuffle(strata)
    return (strata - u) / int(n)


def triangular_ppf(u, low, mode, high, log: bool = False) -> np.ndarray:
    """Inverse distribution function of the (log-)triangular distribution.

    With ``a = low``, ``c = mode``, ``b = high`` and ``F_c = (c − a)/(b − a)``:
    ``x = a + √(u (b − a)(c − a))`` for ``u < F_c``, else ``x = b − √((1 − u)(b − a)(b − c))``.
    ``log=True`` applies this to ``ln a, ln c, ln b`` and returns ``exp`` of the result.
    ``low == high`` gives ``mode``. Arguments broadcast against each other.

    Parameters
    ----------
    u : array_like
        Probabilities in [0, 1] [–].
    low, mode, high : array_like
        Range and mode (``low ≤ mode ≤ high``; ``low > 0`` when ``log``) [unit of the value].
    log : bool
        Triangular in log space.

    Returns
    -------
    numpy.ndarray
        Quantiles [unit of the value].

    References
    ----------
    .. [1] Kotz, S., van Dorp, J. R. (2004). Beyond Beta: Other Continuous Families of
       Distributions with Bounded Support and Applications, ch. 1. World Scientific.
       https://doi.org/10.1142/5720

    Examples
    --------
    Range 0–4, mode 1 (``F_c = 0.25``): u = 0.125 → √(0.125·4·1) = 0.7071;
    u = 0.5 → 4 − √(0.5·4·3) = 1.5505.

    >>> triangular_ppf([0.0, 0.125, 0.25, 0.5, 1.0], 0.0, 1.0, 4.0).round(4).tolist()
    [0.0, 0.7071, 1.0, 1.5505, 4.0]
    """
    u = np.asarray(u, float)
    a, c, b = (np.asarray(v, float) for v in (low, mode, high))
    if log:
        a, c, b = np.log(a), np.log(c), np.log(b)
    width = b - a
    with np.errstate(invalid="ignore", divide="ignore"):
        fc = np.where(width > 0, (c - a) / np.where(width > 0, width, 1.0), 0.0)
        left = a + np.sqrt(np.clip(u * width * (c - a), 0.0, None))
        right = b - np.sqrt(np.clip((1.0 - u) * width * (b - c), 0.0, None))
    x = np.where(width > 0, np.where(u < fc, left, right), c)
    return np.exp(x) if log else x


def triangular(low, mode, high, n: int, rng: np.random.Generator, log: bool = False,
               sampling: str = "random") -> np.ndarray:
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
    sampling : {"random", "lhs"}
        Independent draws (``Generator.triangular``) or a Latin hypercube
        (:func:`lhs_uniforms` through :func:`triangular_ppf`).
    """
    low, mode, high = float(low), float(mode), float(high)
    if np.isnan([low, mode, high]).any():
        return np.full(n, np.nan)
    if not low <= mode <= high:
        raise ValueError(f"range low={low}, typical={mode}, high={high} is not ordered")
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling {sampling!r} is not one of {', '.join(SAMPLINGS)}")
    if high == low:
        return np.full(n, mode)
    if log and low <= 0:
        raise ValueError(f"log-triangular range needs low > 0 (got {low})")
    if sampling == "lhs":
        return triangular_ppf(lhs_uniforms(n, rng), low, mode, high, log=log)
    if log:
        return np.exp(rng.triangular(np.log(low), np.log(mode), np.log(high), size=n))
    return rng.triangular(low, mode, high, size=n)


def standard_normal(n: int, rng: np.random.Generator, sampling: str = "random") -> np.ndarray:
    """Draw ``n`` standard normal values: independent (``Generator.standard_normal``) or a Latin
    hypercube (:func:`lhs_uniforms` through the normal quantile function ``Φ⁻¹``).

    Parameters
    ----------
    n : int
        Number of draws.
    rng : numpy.random.Generator
        Source of randomness (consumed).
    sampling : {"random", "lhs"}
        Sampling, as in :func:`triangular`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)`` [–]. A Latin-hypercube uniform of exactly 1 (probability zero) is taken as
        the largest double below 1, so no draw is infinite.

    >>> from scipy.special import ndtr
    >>> z = standard_normal(4, np.random.default_rng(0), "lhs")
    >>> sorted(np.floor(ndtr(z) * 4).astype(int).tolist())
    [0, 1, 2, 3]
    """
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling {sampling!r} is not one of {', '.join(SAMPLINGS)}")
    if sampling == "lhs":
        return _ndtri(np.minimum(lhs_uniforms(n, rng), np.nextafter(1.0, 0.0)))
    return rng.standard_normal(int(n))


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
        Scenario seed; an :class:`LHSSeed` (:func:`draw_seed`) draws a Latin hypercube.
    id_columns : tuple of str
        Columns that identify a parameter (used to key its random stream).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(params), n_draws)``; row ``i`` holds the draws of ``params.iloc[i]``.
    """
    sampling = sampling_of(seed)
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
                            int(n_draws), sampling)
    return out


#: Draw vectors kept by :func:`_row_draws` (a few thousand parameters of a few kB each).
ROW_DRAWS_CACHE_SIZE = 4096


@functools.lru_cache(maxsize=ROW_DRAWS_CACHE_SIZE)
def _row_draws(seed: int, ident: tuple, low: float, mode: float, high: float, log: bool,
               n: int, sampling: str = "random") -> np.ndarray:
    """The draws of one parameter: a pure function of its seed, identity, range, ``n`` and
    sampling (kept, read-only, so the dashboards' repeated one-plot plans do not draw again)."""
    d = triangular(low, mode, high, n, generator(seed, *ident), log=log, sampling=sampling)
    d.flags.writeable = False
    return d
