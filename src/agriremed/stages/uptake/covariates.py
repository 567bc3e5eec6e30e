"""Typical values of the soil covariates a transfer function needs and a plot does not give.

County sheets usually give only the soil pH and metals; the leafy-vegetable Cd function (and the other
functions of de Vries et al. 2007) also read soil organic matter (``som_pct``) and clay (``clay_pct``).
Where a plot leaves such a covariate blank, the uptake stage takes the typical value of the plot's land
use (and region, where the table has a row for it) from ``covariate_defaults.csv`` — a table with a
``median`` and a spread ``sd_log10`` (the standard deviation of log10 of the covariate among the
plots it stands for) that a user can replace — instead of leaving the crop "not assessed".

The prediction then carries the spread of the assumed value. For a log-linear function with the term
``b·log10(x)``, an assumed ``x`` adds (b·sd_log10)² to the variance of log10 C_plant; a linear term ``b·x``
adds (b·median·ln 10·sd_log10)² (the first-order spread of a log-normal ``x``). The deterministic plan
uses se² = se_function² + Σ added variance; the Monte Carlo draws log10 ``x`` from
Normal(log10 median, sd_log10) and keeps the function's own spread (the two agree in expectation).
Every plot says which inputs were assumed (``uptake_assumed_inputs``, the recommendation's closing
note and the function-choice reason); the scenario field ``assume_missing_covariates`` (default true)
turns the fallback off, and the crop is then "not assessed" as before.

References
----------
.. [1] de Vries W., Römkens P.F.A.M., Schütze G. (2007) Rev. Environ. Contam. Toxicol. 191:91–130
   (transfer functions with SOM and clay terms).
.. [2] ``covariate_defaults.csv`` and its sources (``sources.csv``): Qin et al. (2013) cropland SOC
   densities; Zhao et al. (2023) texture classes of cultivated soils; the 2019 national cultivated-land
   quality bulletin (UNCONFIRMED).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core.tables import Tables

__all__ = ["covariate_rows", "assumed_covariate", "assumed_covariate_source", "covariate_variance", "assumed_text",
           "LN10"]

LN10 = float(np.log(10.0))


def covariate_rows(tables: Tables) -> dict:
    """``covariate`` → list of ``(land_use, region, median, sd_log10)`` of ``covariate_defaults.csv``
    (``land_use``/``region`` lower-cased, ``''`` for any), in table order; empty when the table is empty
    (the scenario turned the fallback off)."""
    def build():
        df = getattr(tables, "covariate_defaults", None)
        out: dict = {}
        if df is None or df.empty:
            return out
        for r in df.itertuples(index=False):
            lu = "" if pd.isna(r.land_use) else str(r.land_use).strip().lower()
            reg = "" if pd.isna(r.region) else str(r.region).strip().lower()
            out.setdefault(str(r.covariate).strip(), []).append((lu, reg, float(r.median), float(r.sd_log10)))
        return out
    return tables.memo("covariate_rows", build)


def _pick_at(rows, land_use: str, region: str, province: str) -> int:
    """Position in ``rows`` of the most specific row for a plot: land use and region given beat land
    use alone, which beats region alone, which beats the row for any plot; -1 when no row fits."""
    best, score = -1, -1
    for k, (lu, reg, _med, _sd) in enumerate(rows):
        if lu and lu != land_use:
            continue
        if reg and not (reg == province or (region and reg in region)):
            continue
        s = 2 * bool(lu) + bool(reg)
        if s > score:
            best, score = k, s
    return best


def _pick(rows, land_use: str, region: str, province: str):
    """``(median, sd_log10)`` of the most specific row for a plot (:func:`_pick_at`); None when no row fits."""
    k = _pick_at(rows, land_use, region, province)
    return None if k < 0 else rows[k][2:]


def _covariate_sources(tables: Tables) -> dict:
    """``covariate`` → the ``source`` of each of its rows of ``covariate_defaults.csv``, in the order of
    :func:`covariate_rows` (``''`` where a row has none)."""
    def build():
        df = getattr(tables, "covariate_defaults", None)
        out: dict = {}
        if df is None or df.empty:
            return out
        src = df["source"] if "source" in df else pd.Series("", index=df.index)
        for cov, s in zip(df["covariate"], src, strict=True):
            out.setdefault(str(cov).strip(), []).append("" if pd.isna(s) else str(s).strip())
        return out
    return tables.memo("covariate_sources", build)


def assumed_covariate_source(tables: Tables, covariate: str, land_use, region, province) -> np.ndarray:
    """The ``source`` (``sources.csv`` keys, ``';'``-joined) of the ``covariate_defaults.csv`` row whose
    typical value :func:`assumed_covariate` takes for each plot; ``''`` where the table has no row for it.

    >>> from agriremed.core.tables import load_tables
    >>> assumed_covariate_source(load_tables(), "clay_pct", ["paddy"], [""], [""]).tolist()
    ['zhao2023_cultivated_texture;agriremed_assumption']
    """
    rows = covariate_rows(tables).get(covariate)
    n = len(land_use)
    if not rows:
        return np.full(n, "", dtype=object)
    sources = _covariate_sources(tables).get(covariate, [])
    picked = [_pick_at(rows, a, b, c) for a, b, c in zip(land_use, region, province, strict=True)]
    return np.array([sources[k] if 0 <= k < len(sources) else "" for k in picked], dtype=object)


def assumed_covariate(tables: Tables, covariate: str, land_use, region, province) -> tuple[np.ndarray, np.ndarray]:
    """Typical value and spread of ``covariate`` for each plot.

    Parameters
    ----------
    tables : Tables
        Literature tables (``covariate_defaults.csv``).
    covariate : str
        Plot column (``som_pct``, ``clay_pct`` …).
    land_use, region, province : array_like of str
        Each plot's land use code, region text (lower case) and province (lower case, ``''`` if
        unknown).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Median [unit of the covariate] and ``sd_log10`` [log10 units]; NaN where the table has no
        row for the plot (the covariate stays missing).
    """
    rows = covariate_rows(tables).get(covariate)
    n = len(land_use)
    if not rows:
        return np.full(n, np.nan), np.full(n, np.nan)
    keys = np.array([f"{a}\x1f{b}\x1f{c}" for a, b, c in zip(land_use, region, province, strict=True)],
                    dtype=object)
    codes, uniq = pd.factorize(keys)
    hits = [_pick(rows, *k.split("\x1f")) for k in uniq]
    med = np.array([np.nan if h is None else h[0] for h in hits], float)[codes] if n else np.zeros(0)
    sd = np.array([np.nan if h is None else h[1] for h in hits], float)[codes] if n else np.zeros(0)
    return med, sd


def covariate_variance(transform: str, coef: float, median: np.ndarray, sd_log10: np.ndarray) -> np.ndarray:
    """Variance the assumed covariate adds to the predictor [predictor units²].

    ``log10`` term: (coef·sd_log10)²; linear term: (coef·median·ln 10·sd_log10)².

    >>> round(float(covariate_variance("log10", -0.39, np.array([2.5]), np.array([0.2]))[0]), 9)  # (0.39·0.2)²
    0.006084
    """
    if transform == "log10":
        return (coef * sd_log10) ** 2
    return (coef * median * LN10 * sd_log10) ** 2


def _fmt(x: float) -> str:
    return f"{x:g}"


def assumed_text(names: list[str], values: list[np.ndarray], mask: list[np.ndarray], n: int) -> np.ndarray:
    """Per plot, the assumed inputs as ``'som_pct=2.5|clay_pct=20'`` (``''`` where none)."""
    out = np.full(n, "", dtype=object)
    for name, val, m in zip(names, values, mask, strict=True):
        if not m.any():
            continue
        piece = np.full(n, "", dtype=object)
        piece[m] = [f"{name}={_fmt(v)}" for v in val[m]]
        out = np.where(m, np.where(out == "", piece, out + "|" + piece), out)
    return out
