"""Rice seasons a year: one per-plot factor on the quantities counted once a rice season.

A plot of double-cropped rice (双季稻: early + late rice on the same paddy; input column
``rice_seasons_per_yr`` = 2, set from the crop 双季稻 / 早稻+晚稻) harvests rice twice a year.
Every option that grows rice on it (unchanged practice, VIP+n, flooding, lime, low-Cd rice,
an amendment under the current rice …) grows that many seasons, except where
``rice_seasons.csv`` caps an option (``scope`` = ``option``: the Sedum–rice rotation leaves one
rice season a year). ``rice_seasons.csv`` (``scope`` = ``quantity``) says which yearly quantities
are counted once a season (``per`` = ``season``: rice yield and revenue, production cost, the
per-season measure costs ``extra_cost_cny_ha_yr``, N fertiliser, field diesel, paddy CH₄, grain
samples) and which once a year (``per`` = ``year``: lime and other amendments, the yearly
running cost ``annual_cost_cny_ha``, organic fertiliser, soil re-tests). The stage adapters
(economics, carbon, advice) multiply the per-season quantities of the years a row grows rice by
:func:`row_rice_seasons`; the kernels stay per season. Early and late rice are modelled alike
(same yield, price and grain Cd each season).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.core.tables import Tables, load_tables

__all__ = ["plot_rice_seasons", "row_rice_seasons", "per_season", "season_factor", "option_rice_seasons_cap",
           "whole_year_options", "field_repeat_rows"]


def plot_rice_seasons(plots: pd.DataFrame) -> np.ndarray:
    """Rice seasons a year of each plot [yr⁻¹]: ``rice_seasons_per_yr`` on rice plots, else 1.

    Parameters
    ----------
    plots : pandas.DataFrame
        Validated plots (``crop``; ``rice_seasons_per_yr`` optional, blank = 1).

    Returns
    -------
    numpy.ndarray
        1.0 or 2.0 per plot (1.0 where the plot grows no rice or the column is absent or blank).

    Examples
    --------
    >>> import pandas as pd
    >>> plot_rice_seasons(pd.DataFrame({"crop": ["rice", "rice", "maize"],
    ...                                 "rice_seasons_per_yr": [2.0, None, 2.0]})).tolist()
    [2.0, 1.0, 1.0]
    """
    n = len(plots)
    if "rice_seasons_per_yr" not in plots or "crop" not in plots:
        return np.ones(n)
    s = pd.to_numeric(plots["rice_seasons_per_yr"], errors="coerce").to_numpy(float)
    rice = _frames.obj(plots["crop"]) == "rice"
    return np.where(rice & ~np.isnan(s), s, 1.0)


def option_rice_seasons_cap(tables: Tables) -> dict[str, float]:
    """Option → the most rice seasons it grows a year (``rice_seasons.csv`` rows of scope ``option``)."""
    def build():
        t = tables.rice_seasons
        o = t.loc[t["scope"] == "option"]
        return dict(zip(o["key"], pd.to_numeric(o["rice_seasons"], errors="coerce"), strict=True))
    # read once per tables object (the tables are read-only); a copy, so callers may change it
    return dict(tables.memo("option_rice_seasons_cap", build))


def per_season(tables: Tables, quantity: str) -> bool:
    """Whether ``quantity`` (a ``rice_seasons.csv`` key of scope ``quantity``) is counted once a rice season.

    Raises
    ------
    KeyError
        When the table has no row for ``quantity``.
    """
    def build():
        t = tables.rice_seasons
        q = t.loc[t["scope"] == "quantity"].drop_duplicates("key")  # the first row of a quantity counts
        return {k: str(v) == "season" for k, v in zip(q["key"], q["per"], strict=True)}
    # the quantities, read once per tables object (the tables are read-only)
    per = tables.memo("rice_seasons_per_quantity", build)
    if quantity not in per:
        raise KeyError(f"rice_seasons.csv has no quantity {quantity!r}")
    return per[quantity]


def season_factor(tables: Tables, quantity: str, seasons) -> np.ndarray:
    """The factor on ``quantity`` of rows growing ``seasons`` rice seasons a year [–]: ``seasons``
    where ``rice_seasons.csv`` counts it once a rice season (:func:`per_season`), else 1."""
    seasons = np.asarray(seasons, float)
    return seasons if per_season(tables, quantity) else np.ones(seasons.shape)


def row_rice_seasons(option_rows: pd.DataFrame, plots: pd.DataFrame, tables: Tables,
                     grid=None) -> np.ndarray:
    """Rice seasons a year of each plot × option row, in the years it grows rice [yr⁻¹].

    The plot's seasons (:func:`plot_rice_seasons`), capped by the option's row of
    ``rice_seasons.csv`` where it has one. A row is multiplied by it only where (and when) it
    grows rice; on a plot of one season, and for an option that grows another crop, it is 1 in
    effect.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Plot × option rows (``plot_id``, ``option_id``).
    plots : pandas.DataFrame
        Validated plots.
    tables : Tables
        Literature tables (``rice_seasons.csv``).
    grid : agriremed.core.frames.Grid, optional
        The rows' plot and option positions, when already computed.

    Returns
    -------
    numpy.ndarray
        Seasons per row (≥ 1).
    """
    g = _frames.grid(option_rows, plots, tables, grid)
    s = g.per_plot(plot_rice_seasons(plots), 1.0)
    cap = option_rice_seasons_cap(tables)
    if cap:
        c = g.per_option(np.array([cap.get(o, np.nan) for o in tables.options["option_id"]], float))
        s = np.where(np.isnan(c), s, np.minimum(s, c))
    return np.where(np.isnan(s), 1.0, s)


def whole_year_options(tables: Tables | None) -> frozenset:
    """Options that occupy a field for the whole year (``options.csv`` ``new_land_use`` other than ``current``:
    an energy or fibre crop, trees, grass, PV, fallow, phytoextraction, a crop switch): on the season rows of one
    field (``field_id``: 早稻 and 晚稻, rice and 油菜) such an option is one plan for the field, not one a season.
    Options that keep the current crop (``current``) are planned season by season."""
    tables = tables if tables is not None else load_tables()
    lib = tables.options
    return frozenset(str(o) for o, u in zip(lib["option_id"], lib["new_land_use"], strict=True)
                     if str(u) != "current")


def field_repeat_rows(field: np.ndarray, option: np.ndarray, plot_id: np.ndarray, tables: Tables | None,
                      seen: dict | None = None) -> np.ndarray:
    """Per row, the plot id of the earlier row of its field (``field_id``) recommended the same whole-year
    option (:func:`whole_year_options`), in this or an earlier call with the same ``seen`` dict ((option, field)
    → first row's plot id), else None: the field's one plan, which totals count once, with its first row.

    >>> field_repeat_rows(np.array(["D4", "D4", "D3", "D3", None], dtype=object),
    ...     np.array(["sorghum", "sorghum", "lime_low_cd_rice", "lime_low_cd_rice", "sorghum"], dtype=object),
    ...     np.array(["D4~早稻", "D4~晚稻", "D3~早稻", "D3~晚稻", "E1"], dtype=object), None).tolist()
    [None, 'D4~早稻', None, None, None]
    """
    seen = {} if seen is None else seen
    out = np.full(len(field), None, dtype=object)
    rows = [i for i in np.flatnonzero(~pd.isna(field)) if isinstance(option[i], str) and option[i]]
    if not rows:
        return out
    whole = whole_year_options(tables)
    for i in rows:
        if option[i] in whole:
            k = (option[i], str(field[i]))
            out[i] = seen.get(k)
            seen.setdefault(k, plot_id[i])
    return out
