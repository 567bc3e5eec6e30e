"""Harvested biomass of each option: yield, its adjustments, harvest years and metal content.

Yields are rows of ``biomass_yields.csv`` keyed by ``species`` (the option's ``species``
in ``options.csv``) and ``land`` quality, as ranges in t DM ha⁻¹ yr⁻¹ annualised over the
harvest cycle, each with its source. Species whose field yield is not confirmed in the
literature (e.g. Pteris vittata fronds) have blank values: their biomass, energy and
disposal mass stay blank rather than being guessed.

**Land quality.** Every plot × option row gets the row of its land quality:
``contaminated`` when a metal exceeds its GB 15618 screening value, otherwise
``marginal`` for marginal land and ``cropland`` for the rest. When a species has no
value for that land quality, the next row in :data:`LAND_FALLBACK` is used —
contaminated ↔ marginal only; a cropland yield is never used for poor land — and the
row used is reported in ``yield_land``.

**Adjustments.** The tabulated yield is multiplied by explicit factors for soil pH,
contamination class and climate zone from ``yield_adjustments.csv`` (the most specific
row wins: species over ``*``, category over ``*``). The pH, contamination and zone rows
are neutral (1.0) assumptions, because no sourced response was found; users put their own
trial data there. Ramp rows scale a species by the plot's annual rain and mean
temperature (Miscanthus: rain / 800 mm and (T − 6 °C) / 4 °C, the smaller of the two), so
Miscanthus in dry, cool Baiyin (190 mm, 6.9 °C) yields 0.225 of what it yields in Hunan.

**Establishment.** Perennials grow a share of their mature yield in their first years
(``yield_establishment.csv``: Miscanthus 0, 0.5, then 1; willow and poplar cut back in
year 1); :func:`harvest_series` (with ``tables``) and the economics follow it, while
``biomass_t_dm_ha_yr`` stays the mature, annualised yield.

**Harvest cycles.** Short-rotation coppice is cut every ``harvest_cycle_yr`` years;
:func:`harvest_series` turns the annualised yield into the year-by-year harvests.

**Metal in the harvest.** :func:`metal_in_biomass` joins the shoot concentrations of
the duration stage (``shoot_mg_kg``) to the harvested mass.

The biomass stage runs before the duration stage, which uses its yields (typical and
Monte Carlo draws) to compute metal removal.

References
----------
.. [1] Sedum plumbizincicola 1-ha acid paddy field study (1.8–5.9 t DM/ha per season).
.. [2] French C.J. et al. (2006) Environ. Pollut. 141:387–395 (willow and poplar on
   derelict and commercial land); SUMATECS (2008) (willow, maize, Noccaea).
.. [3] Prouzová N. et al. (2024) Chem. Biol. Technol. Agric. (willow and poplar SRC on a
   Cd/Pb-contaminated field, 2 × 4-yr rotation).
.. [4] Zgorelec Z. et al. (2020) Sci. Rep. 10:6685 (Miscanthus on Cd/Hg soil).
.. [5] Tang C. et al. (2018) Front. Plant Sci. 9:440 (energy sorghum on marginal land and
   cropland, northern China).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.models.ipcc import plot_climate_zone
from agriremed.models.biomass import (establishment_fractions, harvest_by_year, species_property,
                                      species_property_draws)
from agriremed.core.tables import Tables, load_tables
from agriremed.core.uncertainty import parameter_draws

__all__ = [
    "harvested_biomass",
    "land_quality",
    "yield_adjustments",
    "harvest_series",
    "harvest_table",
    "establishment_fractions",
    "harvest_by_year",
    "metal_in_biomass",
    "species_property",
    "species_property_draws",
    "LAND_QUALITY",
    "LAND_FALLBACK",
]

#: Land quality whose yields are used for contaminated plots.
LAND_QUALITY = "contaminated"

#: Rows of ``biomass_yields.csv`` tried, in order, for each land quality.
LAND_FALLBACK: dict[str, tuple[str, ...]] = {
    "contaminated": ("contaminated", "marginal"),
    "marginal": ("marginal", "contaminated"),
    "cropland": ("cropland",),
}

_DRIVERS = ("soil_ph", "contamination", "climate_zone")


def land_quality(option_rows: pd.DataFrame, plots: pd.DataFrame | None = None,
                 grid: _frames.Grid | None = None) -> np.ndarray:
    """Land quality of every plot × option row.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options` (``target_metals`` and
        ``untreated_metals`` together list the metals above the screening value).
    plots : pandas.DataFrame, optional
        Validated plots (``land_use``).
    grid : agriremed.core.frames.Grid, optional
        Plot position of every row (computed from the ids when not given).

    Returns
    -------
    numpy.ndarray of str
        ``contaminated`` where a metal exceeds its screening value, else ``marginal`` on
        marginal land, else ``cropland``.

    Examples
    --------
    >>> rows = pd.DataFrame({"plot_id": ["a", "b"], "target_metals": ["cd", ""],
    ...                      "untreated_metals": ["", ""]})
    >>> land_quality(rows, pd.DataFrame({"plot_id": ["a", "b"], "land_use": ["paddy", "marginal"]})).tolist()
    ['contaminated', 'marginal']
    """
    exceeds = np.zeros(len(option_rows), bool)
    for col in ("target_metals", "untreated_metals"):
        if col in option_rows:
            v = _frames.obj(option_rows[col])
            exceeds |= ~pd.isna(v) & (v != "")
    marginal = np.zeros(len(option_rows), bool)
    if plots is not None and "land_use" in plots:
        if grid is None or grid.n_rows != len(option_rows):
            grid = _frames.Grid(_frames.plot_index(plots, option_rows), np.zeros(len(option_rows), np.intp))
        marginal = grid.per_plot(_frames.obj(plots["land_use"]), None) == "marginal"
    return np.where(exceeds, "contaminated", np.where(marginal, "marginal", "cropland")).astype(object)


_KEY_SEP = "\x1f"  # joins species and land quality into one lookup key


def _adjustment_rows(tables: Tables, species, driver: str, category, ph) -> np.ndarray:
    """Index into ``yield_adjustments`` of the most specific row per plot (−1: none)."""
    n = len(species)
    best = np.full(n, -1)
    score = np.full(n, -1)
    sp = np.asarray(species, dtype=object)
    cat = np.asarray(category, dtype=object)
    ph = np.asarray(ph, float)
    for i, r in enumerate(tables.rows("yield_adjustments")):  # a few literature rows
        if r.driver != driver:
            continue
        m = (sp == r.species) | (r.species == "*")
        m &= (cat == r.category) | (r.category == "*")
        if driver == "soil_ph":
            m &= (ph > r.ph_above) & (ph <= r.ph_up_to) | (np.isnan(ph) & (r.ph_above == -np.inf)
                                                          & (r.ph_up_to == np.inf))
        s = 2 * (r.species != "*") + (r.category != "*")
        take = m & (s > score)
        best[take], score[take] = i, s
    return best


def yield_adjustments(species, ph, soil_class, climate_zone, tables: Tables | None = None,
                      n_draws: int = 0, seed: int = 0, annual_rain_mm=None, mean_temp_c=None):
    """Yield multipliers for soil pH, contamination class and climate.

    Parameters
    ----------
    species : array_like of str
        Species per row.
    ph : array_like
        Soil pH (water) [–].
    soil_class : array_like of str
        GB 15618 class (``priority_protection``, ``safe_utilisation``,
        ``strict_control``).
    climate_zone : array_like of str
        IPCC climate zone.
    tables : Tables, optional
        Literature tables.
    n_draws : int
        Monte Carlo draws (0: none).
    seed : int
        Scenario seed.
    annual_rain_mm : array_like, optional
        Mean annual precipitation [mm yr⁻¹] (water-limited yield; NaN: not checked).
    mean_temp_c : array_like, optional
        Mean annual temperature [°C] (temperature-limited yield; NaN: not checked).

    Returns
    -------
    factors : pandas.DataFrame
        ``yield_factor_ph``, ``yield_factor_contamination``, ``yield_factor_water``,
        ``yield_factor_temperature``, ``yield_factor_climate`` (climate-zone row × the smaller
        of the water and temperature factors) and their product ``yield_factor`` [–] (1 where
        no row applies).

    Notes
    -----
    Rows with a ``x_zero`` and ``x_full`` (drivers ``annual_rain_mm`` and ``mean_temp_c``)
    are ramps: factor = value · clip((x − x_zero) / (x_full − x_zero), 0, 1), the species row
    over the ``*`` row. Water and temperature limit the yield together as the smaller of
    their two factors (law of the minimum). Miscanthus: rain / 800 mm and (T − 6 °C) / 4 °C.

    References
    ----------
    .. [1] Liu W. et al. (2012) Yield potential of Miscanthus energy crops in the Loess
       Plateau of China. GCB Bioenergy 4, doi:10.1111/j.1757-1707.2011.01157.x (yield with
       annual precipitation).
    .. [2] Zub H.W. & Brancourt-Hulmel M. (2010) Agron. Sustain. Dev. 30:201–214 (up to 84 %
       less dry matter without water).
    draws : numpy.ndarray or None
        Draws of the product, shape ``(n, n_draws)`` [–].

    Examples
    --------
    >>> f, _ = yield_adjustments(["willow"], [5.0], ["strict_control"], ["tropical_moist"])
    >>> float(f["yield_factor"].iloc[0])   # no sourced pH, contamination or zone response for willow
    1.0
    >>> f, _ = yield_adjustments(["miscanthus"] * 2, [8.2, 5.1], ["safe_utilisation"] * 2, [None] * 2,
    ...                          annual_rain_mm=[190, 1410], mean_temp_c=[6.9, 17.6])
    >>> f["yield_factor"].round(3).tolist()   # Baiyin (dry, cool) and Hunan
    [0.225, 1.0]
    """
    tables = tables or load_tables()
    a = tables.yield_adjustments.reset_index(drop=True)
    n = len(np.asarray(species, dtype=object))
    cats = {"soil_ph": np.full(n, "*", dtype=object), "contamination": np.asarray(soil_class, dtype=object),
            "climate_zone": np.asarray(climate_zone, dtype=object)}
    d_all = (parameter_draws(a, n_draws, seed, id_columns=("species", "driver", "category"))
             if n_draws else None)
    out = {}  # column → factors; the frame is built once at the end
    total = np.ones(n)
    total_d = np.ones((n, n_draws)) if n_draws else None
    names = {"soil_ph": "yield_factor_ph", "contamination": "yield_factor_contamination",
             "climate_zone": "yield_factor_climate"}
    for drv in _DRIVERS:
        ix = _adjustment_rows(tables, species, drv, cats[drv], ph)
        f = np.where(ix >= 0, a["typical"].to_numpy(float)[np.maximum(ix, 0)], 1.0)
        out[names[drv]] = f
        total = total * f
        if n_draws:
            total_d = total_d * np.where((ix >= 0)[:, None], d_all[np.maximum(ix, 0)], 1.0)
    # water- and temperature-limited yield (ramp rows of a species): the smaller of the two factors
    wt = np.ones(n)
    wt_d = np.ones((n, n_draws)) if n_draws else None
    for drv, x in (("annual_rain_mm", annual_rain_mm), ("mean_temp_c", mean_temp_c)):
        f, fd = _ramp_factor(a, tables.rows("yield_adjustments"), d_all, species, drv, x, n, n_draws)
        out[_RAMP_NAMES[drv]] = f
        wt = np.minimum(wt, f)
        if n_draws:
            wt_d = np.minimum(wt_d, fd)
    out["yield_factor_climate"] = out["yield_factor_climate"] * wt
    total = total * wt
    if n_draws:
        total_d = total_d * wt_d
    out["yield_factor"] = total
    return _frames.frame(out, n), total_d


_RAMP_NAMES = {"annual_rain_mm": "yield_factor_water", "mean_temp_c": "yield_factor_temperature"}


def _ramp_factor(a: pd.DataFrame, rows: list, d_all, species, driver: str, x, n: int, n_draws: int):
    """Factor of the ramp rows of ``driver`` (species row over ``*``): value · clip((x − x_zero) /
    (x_full − x_zero), 0, 1); 1 where no row applies or ``x`` is unknown."""
    f = np.ones(n)
    fd = np.ones((n, n_draws)) if n_draws else None
    if x is None or driver not in set(a["driver"]):
        return f, fd
    x = np.broadcast_to(np.asarray(x, float), (n,))
    sp = np.asarray(species, dtype=object)
    best = np.full(n, -1)
    for i, r in enumerate(rows):  # a few literature rows (``a`` as named tuples)
        if r.driver != driver:
            continue
        m = (sp == r.species) | ((r.species == "*") & (best < 0))
        best[m] = i
    ok = (best >= 0) & ~np.isnan(x)
    if not ok.any():
        return f, fd
    b = best[ok]
    x0 = pd.to_numeric(a["x_zero"], errors="coerce").to_numpy(float)[b]
    x1 = pd.to_numeric(a["x_full"], errors="coerce").to_numpy(float)[b]
    ramp = np.clip((x[ok] - x0) / (x1 - x0), 0.0, 1.0)
    f[ok] = a["typical"].to_numpy(float)[b] * ramp
    if n_draws:
        fd[ok] = d_all[b] * ramp[:, None]
    return f, fd


def harvested_biomass(option_rows: pd.DataFrame, tables: Tables | None = None, n_draws: int = 0,
                      seed: int = 0, land: str | None = None, plots: pd.DataFrame | None = None,
                      soil_plot: pd.DataFrame | None = None, *, grid: _frames.Grid | None = None
                      ) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Harvested dry matter of every applicable plot × option.

    Parameters
    ----------
    option_rows : pandas.DataFrame
        Output of :func:`agriremed.stages.options.evaluate_options`.
    tables : Tables, optional
        Literature tables.
    n_draws : int
        Monte Carlo draws (0: none).
    seed : int
        Scenario seed.
    land : str, optional
        Use this land-quality row for every plot (``contaminated``, ``marginal`` or
        ``cropland``); default: each row's own land quality (:func:`land_quality`) when
        ``plots`` are given, else ``contaminated``.
    plots : pandas.DataFrame, optional
        Validated plots (``land_use``, ``ph``, ``mean_temp_c``, ``annual_rain_mm``,
        optional ``climate_zone``) for the land quality and the yield adjustments.
    soil_plot : pandas.DataFrame, optional
        Output of :func:`agriremed.stages.soil.plot_classes` (``soil_class``) for the
        contamination adjustment.
    grid : agriremed.core.frames.Grid, optional
        Plot and option position of every row (computed from the ids when not given).

    Returns
    -------
    biomass : pandas.DataFrame
        ``plot_id``, ``option_id``, ``biomass_t_dm_ha_yr`` [t ha⁻¹ yr⁻¹] (typical ×
        adjustments; NaN for options without harvested biomass, with an unconfirmed
        yield, or not applicable), ``biomass_species``, ``yield_land`` (row of
        ``biomass_yields.csv`` used), ``harvest_cycle_yr`` [yr] and ``yield_factor`` [–].
    draws : numpy.ndarray or None
        Shape ``(len(option_rows), n_draws)`` [t ha⁻¹ yr⁻¹], row-aligned with
        ``option_rows``; ``None`` when ``n_draws`` is 0.

    References
    ----------
    .. [1] Yields and their sources: ``biomass_yields.csv`` (e.g. French et al. 2006;
       Prouzová et al. 2024; Zgorelec et al. 2020; Tang et al. 2018; SUMATECS 2008).

    Examples
    --------
    >>> rows = pd.DataFrame({"plot_id": ["a"], "option_id": ["miscanthus"], "applicable": [True],
    ...                      "target_metals": ["cd"], "untreated_metals": [""]})
    >>> float(harvested_biomass(rows)[0]["biomass_t_dm_ha_yr"].iloc[0])
    9.9
    """
    tables = tables or load_tables()
    y = tables.biomass_yields.reset_index(drop=True)
    n = len(option_rows)
    g = _frames.grid(option_rows, plots, tables, grid)
    lib_species = tables.options["species"].astype(object)
    species = g.per_option(lib_species.where(lib_species.notna(), "").to_numpy(object), "")
    applicable = option_rows["applicable"].to_numpy(bool)
    if land is None and plots is None:
        land = LAND_QUALITY  # without plots, every row is treated as contaminated land (as before)
    quality = np.full(n, land, dtype=object) if land else land_quality(option_rows, plots, g)
    # row of each species × land-quality pair, as one text key per row
    keys = tables.memo("yield_row_keys", lambda: pd.Index(
        (y["species"].astype(str) + _KEY_SEP + y["land"].astype(str)).to_numpy(object)))
    has_value = y["typical"].notna().to_numpy()
    # the yield row depends on the species and the land quality only: decide it once per pair
    first, inv = _frames.distinct(species, quality)
    sp_u, q_u = species[first], quality[first]
    m = len(first)
    ix_u = np.full(m, -1)

    def row_of(lq):
        ix = keys.get_indexer(sp_u.astype(str).astype(object) + (_KEY_SEP + lq))
        return np.where(ix < 0, np.nan, ix)

    for q, chain in LAND_FALLBACK.items():  # a few land-quality rules
        sel = q_u == q
        for lq in chain:
            cand = row_of(lq)
            ok = sel & (ix_u < 0) & ~np.isnan(cand)
            ok[ok] = has_value[cand[ok].astype(int)]
            ix_u[ok] = cand[ok].astype(int)
        # keep a blank row of the plot's own quality so its note can be read
        cand = row_of(chain[0])
        blank = sel & (ix_u < 0) & ~np.isnan(cand)
        ix_u[blank] = cand[blank].astype(int)
    ix = ix_u[inv] if m else np.zeros(0, int)
    have = (ix >= 0) & applicable
    safe = np.maximum(ix, 0)
    typical = np.where(have, y["typical"].to_numpy(float)[safe], np.nan)

    # yield adjustments, for the rows that have a yield (the others stay blank whatever the factor)
    hv = np.flatnonzero(have)
    if plots is not None:
        ph = _frames.plot_column(plots, "ph", g)[hv]
        zone = g.per_plot(plot_climate_zone(plots), None)[hv]
    else:
        ph = np.full(len(hv), np.nan)
        zone = np.full(len(hv), None, dtype=object)
    if soil_plot is not None:
        cls = _frames.obj(soil_plot["soil_class"])
        if plots is not None and (g.plot >= 0).all():
            sclass = g.per_plot(_frames.take(cls, _frames.positions(soil_plot["plot_id"], plots["plot_id"]),
                                             np.nan), np.nan)[hv]
        else:
            sclass = _frames.take(cls, _frames.positions(soil_plot["plot_id"], option_rows["plot_id"]), np.nan)[hv]
    else:
        sclass = np.where(quality[hv] == "contaminated", "safe_utilisation", "priority_protection").astype(object)
    if plots is not None:
        rain = _frames.plot_column(plots, "annual_rain_mm", g)[hv]
        temp = _frames.plot_column(plots, "mean_temp_c", g)[hv]
    else:
        rain = temp = None
    adj, adj_d = yield_adjustments(species[hv], ph, sclass, zone, tables, n_draws, seed, rain, temp)
    factor = np.full(n, np.nan)
    factor[hv] = adj["yield_factor"].to_numpy(float)

    out = _frames.frame({
        "plot_id": _frames.obj(option_rows["plot_id"]), "option_id": _frames.obj(option_rows["option_id"]),
        "biomass_t_dm_ha_yr": typical * factor,
        "biomass_species": np.where(species == "", None, species),
        "yield_land": np.where(ix >= 0, _frames.obj(y["land"])[safe], None),
        "harvest_cycle_yr": np.where(ix >= 0, y["harvest_cycle_yr"].to_numpy(float)[safe], np.nan),
        "yield_factor": factor,
    }, n)
    if not n_draws:
        return out, None
    ids = y.assign(parameter="biomass_t_dm_ha_yr")
    d_all = parameter_draws(ids, n_draws, seed, id_columns=("species", "parameter", "land"))
    draws = np.full((n, n_draws), np.nan)
    draws[hv] = d_all[ix[hv]] * adj_d
    return out, draws


def harvest_series(biomass: pd.DataFrame, horizon_yr: int, years_under_option=None,
                   tables: Tables | None = None) -> np.ndarray:
    """Year-by-year harvested dry matter of every row.

    A crop with harvest cycle *c* is cut in years *c*, 2*c*, …; each cut removes the
    growth of the cycle, *c* × the annualised yield. Annual crops (*c* = 1) are cut
    every year. A row stops after ``years_under_option`` years (e.g. a phytoextraction
    crop that reaches its target). With ``tables``, perennial crops grow only a share of
    their mature yield in their establishment years (:func:`establishment_fractions`,
    by ``biomass_species``), and each cut removes the growth since the previous one. The columns
    are read here and handed to the kernel :func:`agriremed.models.biomass.harvest_by_year`.

    Parameters
    ----------
    biomass : pandas.DataFrame
        Output of :func:`harvested_biomass` (``biomass_t_dm_ha_yr`` [t ha⁻¹ yr⁻¹],
        ``harvest_cycle_yr`` [yr]; a missing cycle means 1).
    horizon_yr : int
        Years 1…H [yr].
    years_under_option : array_like, optional
        Years each row keeps the crop [yr]; default: the whole horizon.
    tables : Tables, optional
        Literature tables for the establishment years (default: none, every year grows the
        mature yield).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(biomass), H)``: harvest in each year [t DM ha⁻¹]; NaN rows stay NaN.

    Examples
    --------
    Willow at 8.6 t/ha/yr cut every 4 years, over 10 years: two cuts of 34.4 t/ha.

    >>> b = pd.DataFrame({"biomass_t_dm_ha_yr": [8.6], "harvest_cycle_yr": [4]})
    >>> harvest_series(b, 10)[0].round(1).tolist()
    [0.0, 0.0, 0.0, 34.4, 0.0, 0.0, 0.0, 34.4, 0.0, 0.0]
    """
    B = biomass["biomass_t_dm_ha_yr"].to_numpy(float)
    c = biomass["harvest_cycle_yr"].to_numpy(float) if "harvest_cycle_yr" in biomass else np.ones(len(B))
    frac = None
    if tables is not None and "biomass_species" in biomass and len(B):
        frac = establishment_fractions(tables, _frames.obj(biomass["biomass_species"]), int(horizon_yr))
    return harvest_by_year(B, c, horizon_yr, years_under_option, frac)


def harvest_table(biomass: pd.DataFrame, horizon_yr: int, years_under_option=None) -> pd.DataFrame:
    """:func:`harvest_series` as a long table.

    Parameters
    ----------
    biomass : pandas.DataFrame
        Output of :func:`harvested_biomass`.
    horizon_yr : int
        Horizon [yr].
    years_under_option : array_like, optional
        Years each row keeps the crop [yr].

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``harvest_year``, ``harvest_t_dm_ha`` [t ha⁻¹] for rows with
        biomass.
    """
    s = harvest_series(biomass, horizon_yr, years_under_option)
    H = s.shape[1]
    keep = ~np.isnan(biomass["biomass_t_dm_ha_yr"].to_numpy(float))
    return pd.DataFrame({
        "plot_id": np.repeat(biomass["plot_id"].to_numpy(object)[keep], H),
        "option_id": np.repeat(biomass["option_id"].to_numpy(object)[keep], H),
        "harvest_year": np.tile(np.arange(1, H + 1), int(keep.sum())),
        "harvest_t_dm_ha": s[keep].ravel(),
    })


def metal_in_biomass(biomass: pd.DataFrame, by_metal: pd.DataFrame) -> pd.DataFrame:
    """Metal concentration and mass in the harvest of every plot × option × metal.

    Parameters
    ----------
    biomass : pandas.DataFrame
        Output of :func:`harvested_biomass`.
    by_metal : pandas.DataFrame
        Per-metal duration table (``plot_id``, ``option_id``, ``metal``, ``shoot_mg_kg``
        [mg kg⁻¹], the metal in the harvested biomass in year 1 — the highest, as the
        soil is cleaned).

    Returns
    -------
    pandas.DataFrame
        ``plot_id``, ``option_id``, ``metal``, ``shoot_mg_kg`` [mg kg⁻¹],
        ``biomass_t_dm_ha_yr`` [t ha⁻¹ yr⁻¹] and ``metal_g_ha_yr`` [g ha⁻¹ yr⁻¹] for rows
        with biomass and a known concentration.

    Examples
    --------
    >>> b = pd.DataFrame({"plot_id": ["a"], "option_id": ["o"], "biomass_t_dm_ha_yr": [3.0]})
    >>> m = pd.DataFrame({"plot_id": ["a"], "option_id": ["o"], "metal": ["cd"], "shoot_mg_kg": [80.0]})
    >>> float(metal_in_biomass(b, m)["metal_g_ha_yr"].iloc[0])   # 3 t × 80 g/t
    240.0
    """
    cols = ["plot_id", "option_id", "metal", "shoot_mg_kg"]
    m = by_metal[cols] if len(by_metal) else pd.DataFrame(columns=cols)
    out = m.merge(biomass[["plot_id", "option_id", "biomass_t_dm_ha_yr"]], on=["plot_id", "option_id"],
                  how="inner")
    out = out.loc[out["shoot_mg_kg"].notna() & out["biomass_t_dm_ha_yr"].notna()].reset_index(drop=True)
    out["metal_g_ha_yr"] = out["shoot_mg_kg"].to_numpy(float) * out["biomass_t_dm_ha_yr"].to_numpy(float)
    return out
