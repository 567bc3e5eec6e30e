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
           "whole_year_options", "field_repeat_rows", "first_field_rows", "counted_once"]


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


def first_field_rows(field: np.ndarray, *keys: np.ndarray, seen: set | None = None) -> np.ndarray:
    """Rows whose area a total counts: every row without a field (``field_id``), and the first row of each field
    with the same ``keys`` (soil class, option …) in this or an earlier call with the same ``seen`` set.

    >>> first_field_rows(np.array(["D4", "D4", None, "D3"], dtype=object)).tolist()
    [True, False, True, True]
    """
    seen = set() if seen is None else seen
    first = np.ones(len(field), bool)
    for i in np.flatnonzero(~pd.isna(field)):
        k = (len(keys), *(str(x[i]) for x in keys), str(field[i]))
        first[i] = k not in seen
        seen.add(k)
    return first


def counted_once(summary: pd.DataFrame, tables: Tables | None = None, *, whole_year_seen: dict | None = None,
                 seen_fields: set | None = None) -> pd.DataFrame:
    """Per row of a plan summary, the amounts every total of the plan adds (the report's
    :class:`~agriremed.io.report.PlanDigest`, the workbook's ledger totals, the dashboards' figures and region
    table, the GIS region totals): a field (``field_id``) of several season rows counts its area once, and a
    whole-year option (:func:`whole_year_options`) on several season rows of one field is one plan, whose money
    and carbon count once, with the field's first such row (:func:`field_repeat_rows`, the summary's
    ``same_plan_as``). Summing a column over any set of rows (a region, an option) gives that set's total.

    Parameters
    ----------
    summary : pandas.DataFrame
        Plan summary (``area_ha``; ``plot_id``, ``field_id``, ``soil_class``, ``recommended_option``,
        ``npv_vs_baseline_cny_ha``, ``programme_cost_cny_ha``, ``net_co2e_t`` where present).
    tables : Tables, optional
        Literature tables (``options.csv``).
    whole_year_seen, seen_fields : dict, set, optional
        The whole-year plans (:func:`field_repeat_rows`) and field keys (:func:`first_field_rows`) of earlier
        chunks of the same plan, updated.

    Returns
    -------
    pandas.DataFrame
        One row per summary row: ``repeat`` (the row repeats an earlier row's whole-year plan: not added),
        ``area_ha`` (the area on the field's first row), ``area_class_ha``, ``area_option_ha`` and
        ``area_class_option_ha`` (on the field's first row of its soil class, its option, both) [ha];
        ``npv_cny`` (NPV against doing nothing × area) and ``programme_cny`` [CNY] and ``co2e_t`` [t CO₂e]
        (``net_co2e_t``), 0 on a repeated row (NaN where the summary has no value).

    Examples
    --------
    >>> s = pd.DataFrame({"plot_id": ["D4~早稻", "D4~晚稻", "E1"], "field_id": ["D4", "D4", None],
    ...     "area_ha": [0.2, 0.2, 1.0], "recommended_option": ["sorghum", "sorghum", "sorghum"],
    ...     "npv_vs_baseline_cny_ha": [100.0, 50.0, 10.0], "net_co2e_t": [1.0, 2.0, 3.0]})
    >>> counted_once(s)[["repeat", "area_ha", "npv_cny", "co2e_t"]].values.tolist()
    [[False, 0.2, 20.0, 1.0], [True, 0.0, 0.0, 0.0], [False, 1.0, 10.0, 3.0]]
    """
    n = len(summary)
    seen_fields = set() if seen_fields is None else seen_fields
    area = summary["area_ha"].to_numpy(float)
    field = _frames.obj(summary["field_id"]) if "field_id" in summary else np.full(n, None, dtype=object)
    opt = (summary["recommended_option"].fillna("").astype(str).to_numpy(object) if "recommended_option" in summary
           else np.full(n, "", dtype=object))
    cls = (summary["soil_class"].astype(str).to_numpy(object) if "soil_class" in summary
           else np.full(n, "", dtype=object))
    ids = _frames.obj(summary["plot_id"]) if "plot_id" in summary else np.arange(n).astype(str).astype(object)
    again = ~pd.isna(field_repeat_rows(field, opt, ids, tables, whole_year_seen))

    def per_row(col: str, per_ha: bool) -> np.ndarray:
        if col not in summary:
            return np.full(n, np.nan)
        v = summary[col].to_numpy(float) * (area if per_ha else 1.0)
        return np.where(again, 0.0, v)

    return pd.DataFrame({
        "repeat": again,
        "area_ha": np.where(first_field_rows(field, seen=seen_fields), area, 0.0),
        "area_class_ha": np.where(first_field_rows(field, cls, seen=seen_fields), area, 0.0),
        "area_option_ha": np.where(first_field_rows(field, opt, seen=seen_fields), area, 0.0),
        "area_class_option_ha": np.where(first_field_rows(field, cls, opt, seen=seen_fields), area, 0.0),
        "npv_cny": per_row("npv_vs_baseline_cny_ha", True),
        "programme_cny": per_row("programme_cost_cny_ha", True),
        "co2e_t": per_row("net_co2e_t", False),
    }, index=summary.index)
