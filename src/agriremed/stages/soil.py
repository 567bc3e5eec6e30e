"""Soil screening against GB 15618-2018 (or any threshold set given as a table).

GB 15618-2018 sets, for agricultural land, a *risk screening value* per metal that
depends on soil pH (four bands: pH ≤ 5.5, 5.5 < pH ≤ 6.5, 6.5 < pH ≤ 7.5, pH > 7.5)
and land use (paddy versus other land for Cd, Hg, As, Pb and Cr; orchard versus other
land for Cu; one row for Ni and Zn), and a *risk intervention value* for Cd, Hg, As,
Pb and Cr. A plot × metal is classed

* ``priority_protection`` (优先保护类) when C ≤ screening value,
* ``safe_utilisation`` (安全利用类) when screening < C ≤ intervention value (or above
  the screening value for a metal without intervention value),
* ``strict_control`` (严格管控类) when C > intervention value,

and a plot takes the worst class of its measured metals.

Threshold sets are rows of ``soil_thresholds.csv`` keyed by ``set_id``; another
jurisdiction's set is added without code by putting its rows (and its sources) in a user
table folder: ``load_tables("my_tables/")`` adds them to the packaged GB 15618 set, and
``screen(plots, tables, set_id=...)``, ``Scenario(threshold_set=...)`` or
``agriremed screen --tables my_tables/ --set ...`` use them.

References
----------
.. [1] MEE & SAMR (2018) GB 15618-2018 Soil environmental quality — Risk control
   standard for soil contamination of agricultural land, Tables 1 and 3.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from agriremed.core import frames as _frames
from agriremed.core import columns as C
from agriremed.core import uncertainty as _unc
from agriremed.core.messages import Message
from agriremed.models.soil import metal_stock_kg_ha, soil_mass_t_ha
from agriremed.core.tables import Tables, load_tables

__all__ = [
    "CLASSES",
    "soil_mass_typical",
    "CLASS_NAMES",
    "ThresholdSetError",
    "threshold_sets",
    "threshold_values",
    "screen",
    "plot_classes",
    "field_classes",
    "duplicate_range_mg_kg",
    "boundary_band_mg_kg",
    "near_class_boundary",
    "ph_duplicate_tolerance",
    "ph_band_edges",
    "near_ph_edge",
    "PH_EDGE_CODE",
    "CLASS_BASES",
    "SCREENING_BASES",
    "ROTATION_LAND_USES",
    "rice_on_dry_land",
    "ph_undecided",
    "SOIL_MASS_COVARIATES",
    "with_soil_mass_defaults",
    "soil_mass_assumed_columns",
    "soil_mass_draws",
    "SOIL_MASS_STREAM",
    "band_probes",
    "ROTATION_SOURCE",
    "exceedance_table",
    "soil_mass_t_ha",
    "metal_stock_kg_ha",
]

#: Soil classes from best to worst.
CLASSES = ("priority_protection", "safe_utilisation", "strict_control")
_CLASS_RANK = {c: i for i, c in enumerate(CLASSES)}

#: English and Chinese names of the classes, as GB 15618-2018 practice names them.
CLASS_NAMES: dict[str, tuple[str, str]] = {
    "priority_protection": ("priority protection", "优先保护类"),
    "safe_utilisation": ("safe utilisation", "安全利用类"),
    "strict_control": ("strict control", "严格管控类"),
}


#: Where the class a plot is planned with comes from: the plot's values under the threshold set
#: (``computed``), the county's 农用地土壤环境质量类别划分 where it is stricter (``county``) or another season
#: row of the plot's field whose values give a stricter class (``field``, :func:`field_classes`).
CLASS_BASES = ("computed", "county", "field")


#: Which screening values classed a plot × metal (``screening_basis``): the paddy values, those of other
#: land (upland, orchard, vegetable, marginal), or on paddy–upland rotation land (``paddy_upland_rotation``
#: yes) under the scenario's ``rotation_screening`` ``stricter`` the lower of the values of
#: :data:`ROTATION_LAND_USES`, or on land recorded as other than paddy whose crop is rice (``rice_stricter``:
#: GB 15618-2018 gives paddy values for land growing rice, the record gives other land; the lower of both).
SCREENING_BASES = ("paddy", "other", "rotation_stricter", "rice_stricter")

#: The land uses whose screening values rotation land takes the lower of, metal by metal: the paddy and
#: the dry land (GB 15618-2018 Table 1's other land, ``upland`` in ``soil_thresholds.csv``).
ROTATION_LAND_USES = ("paddy", "upland")

#: Source (``sources.csv``) of the rule for rotation land: the GB 15618-2018 Table 1 note as quoted in
#: county practice; the standard's text was not read for this project (unconfirmed).
ROTATION_SOURCE = "gb15618_rotation_note"


class ThresholdSetError(ValueError):
    """The requested threshold set is not in the threshold table (message lists the sets)."""


def threshold_sets(tables: Tables | None = None) -> pd.DataFrame:
    """The threshold sets available in the tables.

    Parameters
    ----------
    tables : Tables, optional
        Literature tables (default: packaged; a user folder adds its sets).

    Returns
    -------
    pandas.DataFrame
        One row per ``set_id``: ``metals`` ('+'-joined), ``kinds`` (screening /
        intervention) and ``source`` (keys of ``sources.csv``).

    Examples
    --------
    >>> threshold_sets().loc[0, ["set_id", "metals"]].tolist()
    ['gb15618_2018', 'cd+hg+as+pb+cr+cu+ni+zn']
    """
    t = (tables or load_tables()).soil_thresholds
    g = t.groupby("set_id", sort=False)
    return pd.DataFrame({
        "set_id": list(g.groups),
        "metals": g["metal"].agg(lambda m: "+".join(pd.unique(m))).to_numpy(object),
        "kinds": g["kind"].agg(lambda m: "+".join(pd.unique(m))).to_numpy(object),
        "source": g["source"].agg(lambda m: ";".join(pd.unique(m))).to_numpy(object),
    })


def _check_set(t: pd.DataFrame, set_id: str) -> None:
    if not (t["set_id"] == set_id).any():
        raise ThresholdSetError(f"threshold set {set_id!r} is not in soil_thresholds.csv; available: "
                                + ", ".join(pd.unique(t["set_id"])) + " (add a set with a user table folder)")


def threshold_values(ph, land_use, metal: str, kind: str = "screening",
                     tables: Tables | None = None, set_id: str = "gb15618_2018") -> np.ndarray:
    """Threshold value for each plot from a threshold table.

    Parameters
    ----------
    ph : array_like
        Soil pH (water) [–].
    land_use : array_like of str
        Land use of each plot (``paddy``, ``upland``, ``orchard``, ``vegetable``,
        ``marginal``).
    metal : str
        Metal code.
    kind : {"screening", "intervention"}
        Which value.
    tables : Tables, optional
        Literature tables (default: packaged).
    set_id : str
        Threshold set in ``soil_thresholds.csv``.

    Returns
    -------
    numpy.ndarray
        Threshold [mg kg⁻¹]; ``NaN`` where the set has no value (e.g. no intervention
        value for Cu) or pH is missing. A band includes its upper edge and excludes its
        lower edge (``ph_above < pH ≤ ph_up_to``), as GB 15618 states.
    """
    tables = tables or load_tables()
    ph = np.asarray(ph, float)
    lu = np.asarray(land_use, dtype=object)
    out = np.full(ph.shape, np.nan)
    for uses, above, up_to, value in _bands(tables, set_id, kind, metal):
        lu_ok = np.ones(ph.shape, bool) if uses == ["*"] else np.isin(lu, uses)
        mask = lu_ok & (ph > above) & (ph <= up_to)
        out[mask] = value
    return out


def _bands(tables: Tables, set_id: str, kind: str, metal: str) -> list[tuple]:
    """(land uses, pH above, pH up to, value) of each row of a threshold set for one metal."""

    def build():
        t = tables.soil_thresholds
        _check_set(t, set_id)
        rows = t.loc[(t["set_id"] == set_id) & (t["kind"] == kind) & (t["metal"] == metal)]
        return [(str(u).split("|"), float(a), float(b), float(v)) for u, a, b, v in
                zip(rows["land_uses"], rows["ph_above"], rows["ph_up_to"], rows["value_mg_kg"], strict=True)]

    return tables.memo(("soil_bands", set_id, kind, metal), build)


def screen(plots: pd.DataFrame, tables: Tables | None = None,
           set_id: str = "gb15618_2018", rotation_screening: str = "stricter") -> pd.DataFrame:
    """Classify every measured plot × metal.

    Parameters
    ----------
    plots : pandas.DataFrame
        Validated plots with ``plot_id``, ``ph`` [–], ``land_use`` and metal columns
        ``<metal>_mg_kg`` [mg kg⁻¹]; optional ``depth_m`` [m] and
        ``bulk_density_g_cm3`` [g cm⁻³] for the metal stock.
    tables : Tables, optional
        Literature tables.
    set_id : str
        Threshold set.
    rotation_screening : {"stricter", "paddy"}
        Screening values of paddy–upland rotation land (plots with ``paddy_upland_rotation`` yes):
        ``stricter`` takes, metal by metal, the lower of the set's values for the land uses
        :data:`ROTATION_LAND_USES` (paddy and upland; the GB 15618-2018 Table 1 note on rotation land as
        quoted in county practice, unconfirmed: :data:`ROTATION_SOURCE`); ``paddy`` keeps the plot's own
        land-use values. Intervention values stay those of the plot's land use (GB 15618-2018 has one
        set for every land use). A row whose crop is rice on land recorded as other than paddy
        (:func:`rice_on_dry_land`) takes the lower values under either setting (``rice_stricter``).

    Returns
    -------
    pandas.DataFrame
        One row per plot × measured metal with ``plot_id``, ``metal``,
        ``conc_mg_kg``, ``screening_mg_kg`` (the value used), ``intervention_mg_kg``,
        ``exceedance_ratio`` [–], ``soil_class``, ``screening_basis`` (:data:`SCREENING_BASES`),
        ``soil_class_without_rotation`` (the class with the plot's own land-use values: differs from
        ``soil_class`` only on rotation land), ``soil_stock_kg_ha`` [kg ha⁻¹] and ``threshold_set``.
        Metals not measured (blank) have no row: not measured is not zero; a metal the set has no
        value for has a blank class.

    Examples
    --------
    >>> p = pd.DataFrame({"plot_id": ["a", "b"], "ph": [6.8, 6.8], "land_use": ["paddy", "paddy"],
    ...                   "cd_mg_kg": [0.52, 0.52], "paddy_upland_rotation": ["yes", None]})
    >>> screen(p)[["screening_mg_kg", "soil_class", "screening_basis", "soil_class_without_rotation"]].values.tolist()
    [[0.3, 'safe_utilisation', 'rotation_stricter', 'priority_protection'], [0.6, 'priority_protection', 'paddy', 'priority_protection']]

    Raises
    ------
    ThresholdSetError
        If ``set_id`` is not in the threshold table.
    """
    tables = tables or load_tables()
    _check_set(tables.soil_thresholds, set_id)
    cols: dict[str, list] = {k: [] for k in ("plot_id", "metal", "conc_mg_kg", "screening_mg_kg",
                                               "intervention_mg_kg", "cls", "cls_own", "basis", "depth", "bd")}
    ids = _frames.obj(plots["plot_id"])
    ph, land_use = plots["ph"].to_numpy(float), _frames.obj(plots["land_use"])
    rot, basis = _rotation_rows(plots, land_use, rotation_screening)
    depth = plots["depth_m"].to_numpy(float) if "depth_m" in plots else np.full(len(plots), np.nan)
    bd = (plots["bulk_density_g_cm3"].to_numpy(float) if "bulk_density_g_cm3" in plots
          else np.full(len(plots), np.nan))
    for m in C.present_metals(plots.columns):
        conc = plots[C.metal_column(m)].to_numpy(float)
        keep = np.flatnonzero(~np.isnan(conc))
        if not len(keep):
            continue
        c = conc[keep]
        own, scr, itv = _band_values(ph[keep], land_use[keep], rot[keep], m, tables, set_id)
        cls, cls_own = _class_codes(c, scr, itv), _class_codes(c, own, itv)
        free = np.isnan(ph[keep])
        if free.any():  # pH not given: the class where every pH band gives the same one (else blank)
            f = _ph_free(c[free], land_use[keep][free], rot[keep][free], m, tables, set_id)
            own[free], scr[free], itv[free], cls[free], cls_own[free] = f
        for k, v in (("plot_id", ids[keep]), ("metal", np.full(len(keep), m, dtype=object)),
                     ("conc_mg_kg", c), ("screening_mg_kg", scr), ("intervention_mg_kg", itv),
                     ("cls", cls), ("cls_own", cls_own),
                     ("basis", basis[keep]), ("depth", depth[keep]), ("bd", bd[keep])):
            cols[k].append(v)
    if not cols["plot_id"]:
        return pd.DataFrame(columns=["plot_id", "metal", "conc_mg_kg", "screening_mg_kg",
                                     "intervention_mg_kg", "exceedance_ratio", "soil_class", "screening_basis",
                                     "soil_class_without_rotation", "soil_stock_kg_ha", "threshold_set"])
    a = {k: np.concatenate(v) for k, v in cols.items()}
    return _frames.frame({
        "plot_id": a["plot_id"],
        "metal": a["metal"],
        "conc_mg_kg": a["conc_mg_kg"],
        "screening_mg_kg": a["screening_mg_kg"],
        "intervention_mg_kg": a["intervention_mg_kg"],
        "exceedance_ratio": a["conc_mg_kg"] / a["screening_mg_kg"],
        "soil_class": np.array([None, *CLASSES], dtype=object)[a["cls"] + 1],
        "screening_basis": a["basis"],
        "soil_class_without_rotation": np.array([None, *CLASSES], dtype=object)[a["cls_own"] + 1],
        "soil_stock_kg_ha": metal_stock_kg_ha(a["conc_mg_kg"], a["depth"], a["bd"]),
        "threshold_set": set_id,
    })


def _band_values(ph: np.ndarray, land_use: np.ndarray, rot: np.ndarray, metal: str, tables: Tables,
                 set_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The screening value of each plot's own land use, the screening value used (on rotation land ``rot`` the
    lower of the paddy and the dry-land value; fmin: either where one is blank) and the intervention value
    [mg kg⁻¹] at each plot's pH [–]."""
    own = threshold_values(ph, land_use, metal, "screening", tables, set_id)
    itv = threshold_values(ph, land_use, metal, "intervention", tables, set_id)
    scr = own.copy()
    if rot.any():
        scr[rot] = np.fmin(*(threshold_values(ph[rot], np.full(int(rot.sum()), u, dtype=object), metal,
                                              "screening", tables, set_id) for u in ROTATION_LAND_USES))
    return own, scr, itv


def band_probes(tables: Tables, set_id: str, metal: str) -> np.ndarray:
    """One pH [–] inside every pH band of the threshold set's screening and intervention rows of ``metal``
    (the upper edge of a band, which the band includes; above the top edge for the open band): the class
    at each of them is the class at every pH."""
    edges = set()
    for kind in ("screening", "intervention"):
        for _, above, up_to, _ in _bands(tables, set_id, kind, metal):
            edges.add(up_to if np.isfinite(up_to) else above + 1.0)
    return np.array(sorted(e for e in edges if np.isfinite(e)), float)


def _ph_free(conc: np.ndarray, land_use: np.ndarray, rot: np.ndarray, metal: str, tables: Tables,
             set_id: str) -> tuple:
    """For plots without a pH: (own screening, screening used, intervention values, class code, class code on
    the own land use's values) where every pH band of the set gives the same class, the values being the
    lowest over the bands (a concentration at or below it is at or below every band's; the exceedance ratio
    is the largest); blank values and class −1 where the class depends on the pH (not decided)."""
    probes = band_probes(tables, set_id, metal)
    n = len(conc)
    if not len(probes):
        return (np.full(n, np.nan),) * 3 + (np.full(n, -1), np.full(n, -1))
    per = [_band_values(np.full(n, p), land_use, rot, metal, tables, set_id) for p in probes]
    cls = np.array([_class_codes(conc, s, i) for _, s, i in per])
    cls_own = np.array([_class_codes(conc, o, i) for o, _, i in per])
    same, same_own = (cls == cls[0]).all(axis=0), (cls_own == cls_own[0]).all(axis=0)
    with warnings.catch_warnings():  # a metal without an intervention value: every band blank
        warnings.simplefilter("ignore", RuntimeWarning)
        own, scr, itv = (np.nanmin(np.array([v[k] for v in per]), axis=0) for k in range(3))
    scr, itv = np.where(same, scr, np.nan), np.where(same, itv, np.nan)
    own = np.where(same_own, own, np.nan)
    return own, scr, itv, np.where(same, cls[0], -1), np.where(same_own, cls_own[0], -1)


def ph_undecided(plots: pd.DataFrame, tables: Tables | None = None, set_id: str | None = None) -> np.ndarray:
    """Rows of ``plots`` without a pH [–] whose class under GB 15618 depends on the pH: for some metal given,
    two pH bands give different classes (under any threshold set of the table, or ``set_id``, with rotation land
    screened either way). Rows with a pH, and rows whose class is the same at every pH, are false."""
    tables = tables or load_tables()
    ph = pd.to_numeric(plots["ph"], errors="coerce").to_numpy(float) if "ph" in plots else np.full(len(plots), np.nan)
    out = np.zeros(len(plots), bool)
    free = np.isnan(ph)
    if not free.any():
        return out
    sets = [set_id] if set_id else list(pd.unique(tables.soil_thresholds["set_id"]))
    land_use = _frames.obj(plots["land_use"]) if "land_use" in plots else np.full(len(plots), None, dtype=object)
    for rotation_screening in ("stricter", "paddy"):
        rot, _ = _rotation_rows(plots, land_use, rotation_screening)
        for s in sets:
            for m in C.present_metals(plots.columns):
                conc = pd.to_numeric(plots[C.metal_column(m)], errors="coerce").to_numpy(float)
                rows = np.flatnonzero(free & ~np.isnan(conc))
                if not len(rows):
                    continue
                probes = band_probes(tables, s, m)
                cls = np.array([_class_codes(conc[rows], *_band_values(np.full(len(rows), p), land_use[rows],
                                                                      rot[rows], m, tables, s)[1:])
                                for p in probes]) if len(probes) else np.zeros((1, len(rows)), int)
                out[rows] |= ~(cls == cls[0]).all(axis=0)
    return out


#: The plot columns the soil mass is computed from (:func:`soil_mass_t_ha`), assumed at their typical value of
#: ``covariate_defaults.csv`` where a plot leaves them blank (:func:`with_soil_mass_defaults`) and drawn around it
#: in the Monte Carlo (:func:`soil_mass_draws`).
SOIL_MASS_COVARIATES = ("depth_m", "bulk_density_g_cm3")

#: First part of the identity of the random stream of an assumed plough-layer value (:func:`soil_mass_draws`):
#: with the column and the plot id it keys the draws (:func:`agriremed.core.uncertainty.generator`).
SOIL_MASS_STREAM = "soil_mass_assumed"


def _soil_mass_typical(tables: Tables, covariate: str,
                       land_use: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Typical value (``median``), spread (``sd_log10`` [log10 units]) and ``source`` (``sources.csv`` keys) of
    ``covariate`` for each plot of ``covariate_defaults.csv``: the row of the plot's land use, else the row for any
    land use (NaN and ``''`` where neither is); None where the table has no row of the covariate (or is empty: the
    scenario turned the fallback off)."""
    def build():
        df = getattr(tables, "covariate_defaults", None)
        if df is None or df.empty:
            return None
        rows = df.loc[df["covariate"].astype(str).str.strip() == covariate]
        if rows.empty:
            return None
        sd_col = rows["sd_log10"] if "sd_log10" in rows else pd.Series(np.nan, index=rows.index)
        src_col = (rows["source"].fillna("").astype(str).str.strip() if "source" in rows
                   else pd.Series("", index=rows.index))
        own = {str(u).strip().lower(): (float(v), float(d), s) for u, v, d, s in
               zip(rows["land_use"], rows["median"], sd_col, src_col, strict=True) if isinstance(u, str) and u.strip()}
        anyuse = rows["land_use"].isna() | (rows["land_use"].astype(str).str.strip() == "")
        default = ((float(rows.loc[anyuse, "median"].iloc[0]), float(sd_col[anyuse].iloc[0]), src_col[anyuse].iloc[0])
                   if anyuse.any() else (np.nan, np.nan, ""))
        return own, default
    found = tables.memo(("soil_mass_typical", covariate), build)  # the table's rows read once per set of tables
    if found is None:
        return None
    own, default = found
    picked = [own.get(str(u).lower(), default) if isinstance(u, str) else default for u in land_use]
    typical = np.array([a for a, _, _ in picked], float) if picked else np.zeros(0)
    sd = np.array([b for _, b, _ in picked], float) if picked else np.zeros(0)
    source = np.array([c for _, _, c in picked], dtype=object) if picked else np.zeros(0, dtype=object)
    return typical, sd, source


def soil_mass_typical(tables: Tables, covariate: str, land_use) -> tuple[np.ndarray, np.ndarray]:
    """Typical plough-layer value of ``covariate`` (``depth_m`` [m], ``bulk_density_g_cm3`` [g cm⁻³]) that a plot
    leaving it blank is given (:func:`with_soil_mass_defaults`), and the ``source`` of its
    ``covariate_defaults.csv`` row, for each land use of ``land_use`` (NaN and ``''`` where the table has none).

    >>> v, src = soil_mass_typical(load_tables(), "depth_m", np.array(["paddy"], dtype=object))
    >>> float(v[0]), src[0]
    (0.2, 'hjt166_2004;agriremed_assumption')
    """
    lu = np.asarray(land_use, dtype=object)
    found = _soil_mass_typical(tables, covariate, lu)
    if found is None:
        return np.full(len(lu), np.nan), np.full(len(lu), "", dtype=object)
    return found[0], found[2]


def _land_uses(plots: pd.DataFrame) -> np.ndarray:
    return _frames.obj(plots["land_use"]) if "land_use" in plots else np.full(len(plots), None, dtype=object)


def with_soil_mass_defaults(plots: pd.DataFrame, tables: Tables | None = None) -> pd.DataFrame:
    """``plots`` with a blank ``depth_m`` [m] or ``bulk_density_g_cm3`` [g cm⁻³] replaced by the typical value of
    ``covariate_defaults.csv`` (the row of the plot's land use, else the row for any land use) and the column
    ``soil_mass_assumed`` saying which ('depth_m=0.2|bulk_density_g_cm3=1.3'; '' where both were given). The
    metal stock and the clean-up time then rest on them, and the plot's sentence says so; the Monte Carlo draws
    the assumed values around the typical one (:func:`soil_mass_draws`). Nothing is assumed where the table has
    no row (a scenario with ``assume_missing_covariates`` false empties it).

    >>> p = pd.DataFrame({"land_use": ["paddy", "paddy"], "depth_m": [0.25, np.nan], "bulk_density_g_cm3": [1.1, np.nan]})
    >>> with_soil_mass_defaults(p)[["depth_m", "bulk_density_g_cm3", "soil_mass_assumed"]].values.tolist()
    [[0.25, 1.1, ''], [0.2, 1.3, 'depth_m=0.2|bulk_density_g_cm3=1.3']]
    """
    tables = tables or load_tables()
    n = len(plots)
    note = np.full(n, "", dtype=object)
    out = plots.copy()
    lu = _land_uses(plots)
    for c in SOIL_MASS_COVARIATES:
        found = _soil_mass_typical(tables, c, lu)
        if found is None:
            continue
        typical = found[0]
        have = out[c].to_numpy(float) if c in out else np.full(n, np.nan)
        take = np.isnan(have) & ~np.isnan(typical)
        if not take.any():
            continue
        out[c] = np.where(take, typical, have)
        note = np.where(take, note + np.where(note == "", "", "|") + c + "="
                        + pd.Series(typical).map("{:g}".format).to_numpy(object), note)
    out["soil_mass_assumed"] = note
    return out


def soil_mass_assumed_columns(plots: pd.DataFrame) -> dict[str, np.ndarray]:
    """For each of :data:`SOIL_MASS_COVARIATES`, whether each plot's value was assumed (``soil_mass_assumed`` of
    :func:`with_soil_mass_defaults` names it); all False where the column is absent (values given or not known).

    >>> soil_mass_assumed_columns(pd.DataFrame({"soil_mass_assumed": ["", "depth_m=0.2", None]}))["depth_m"].tolist()
    [False, True, False]
    """
    n = len(plots)
    text = (pd.Series(_frames.obj(plots["soil_mass_assumed"])).fillna("").astype(str).to_numpy(object)
            if "soil_mass_assumed" in plots else np.full(n, "", dtype=object))
    out = {}
    for c in SOIL_MASS_COVARIATES:
        out[c] = np.array([any(piece.split("=", 1)[0] == c for piece in t.split("|")) for t in text], bool) \
            if n else np.zeros(0, bool)
    return out


def soil_mass_draws(plots: pd.DataFrame, tables: Tables | None = None, n_draws: int = 0,
                    seed: int = 0) -> np.ndarray | None:
    """Monte Carlo draws of each plot's soil mass [t ha⁻¹] where its plough-layer depth or bulk density was assumed.

    A value assumed by :func:`with_soil_mass_defaults` (named in ``soil_mass_assumed``) is not known: its draws are
    log-normal around the typical value ``x̃`` with the spread of its ``covariate_defaults.csv`` row,
    ``log10 x = log10 x̃ + sd_log10 · z`` with ``z`` standard normal — the distribution the table states (the
    median and the ``sd_log10`` of the plots it stands for, e.g. 90 % of plots within 0.94–1.80 g cm⁻³), as the
    uptake stage draws an assumed soil organic matter or clay. The median draw is the typical value the
    deterministic plan uses. A value the plot gives stays fixed, and a plot with no assumed value has its
    soil mass in every draw, bit for bit.

    The draws of a plot depend only on the seed, the column and the plot id (common random numbers, as
    :mod:`agriremed.core.uncertainty`): the same in every run, chunking and plot order; the plots' values are
    drawn independently of each other (each plot's layer is its own), depth and bulk density independently of
    each other. An :class:`agriremed.core.uncertainty.LHSSeed` draws a Latin hypercube.

    Parameters
    ----------
    plots : pandas.DataFrame
        Output of :func:`with_soil_mass_defaults` (``plot_id``, ``land_use``, ``depth_m`` [m],
        ``bulk_density_g_cm3`` [g cm⁻³], ``soil_mass_assumed``).
    tables : Tables, optional
        Literature tables (``covariate_defaults.csv``).
    n_draws : int
        Number of draws.
    seed : int
        Scenario seed (:func:`agriremed.core.uncertainty.draw_seed`).

    Returns
    -------
    numpy.ndarray or None
        Shape ``(len(plots), n_draws)`` [t ha⁻¹] (the plot's soil mass in every draw where nothing is
        assumed); None where no plot has an assumed value with a spread, or ``n_draws`` is 0.

    Examples
    --------
    >>> p = with_soil_mass_defaults(pd.DataFrame({"plot_id": ["a", "b"], "land_use": ["paddy", "paddy"],
    ...                                           "depth_m": [0.2, np.nan], "bulk_density_g_cm3": [1.3, np.nan]}))
    >>> d = soil_mass_draws(p, n_draws=2000, seed=1)
    >>> d[0, :2].tolist(), round(float(np.median(d[1])), -2)
    ([2600.0, 2600.0], 2600.0)
    """
    if not n_draws or not len(plots):
        return None
    tables = tables or load_tables()
    assumed = soil_mass_assumed_columns(plots)
    if not any(a.any() for a in assumed.values()):
        return None
    n = len(plots)
    lu = _land_uses(plots)
    ids = _frames.obj(plots["plot_id"])
    sampling = _unc.sampling_of(seed)
    spread = {}
    for c in SOIL_MASS_COVARIATES:
        found = _soil_mass_typical(tables, c, lu)
        sd = found[1] if found is not None else np.full(n, np.nan)
        rows = assumed[c] & np.isfinite(sd) & (sd > 0)
        if rows.any():
            spread[c] = (rows, sd)
    if not spread:
        return None
    drawn = np.flatnonzero(np.logical_or.reduce([rows for rows, _ in spread.values()]))
    get = lambda c: plots[c].to_numpy(float) if c in plots else np.full(n, np.nan)  # noqa: E731
    value = {}
    for c in SOIL_MASS_COVARIATES:  # the drawn plots' values: the plot's own (given or typical), × the draws
        v = np.repeat(get(c)[drawn, None], int(n_draws), axis=1)
        if c in spread:
            rows, sd = spread[c]
            for k in np.flatnonzero(rows[drawn]):
                i = drawn[k]
                z = _unc.standard_normal(int(n_draws), _unc.generator(int(seed), SOIL_MASS_STREAM, c, ids[i]),
                                         sampling)
                v[k] = v[k] * 10.0 ** (sd[i] * z)
        value[c] = v
    out = np.repeat(np.asarray(soil_mass_t_ha(get("depth_m"), get("bulk_density_g_cm3")), float)[:, None],
                    int(n_draws), axis=1)
    out[drawn] = soil_mass_t_ha(value["depth_m"], value["bulk_density_g_cm3"])
    return out


def _class_codes(conc: np.ndarray, scr: np.ndarray, itv: np.ndarray) -> np.ndarray:
    """Class code of each plot × metal: 0 priority protection (C ≤ screening), 1 safe utilisation, 2 strict
    control (C > intervention); −1 where the screening value is blank."""
    cls = np.where(conc <= scr, 0, np.where(np.isnan(itv) | (conc <= itv), 1, 2))
    return np.where(np.isnan(scr), -1, cls)


def _rotation_rows(plots: pd.DataFrame, land_use: np.ndarray, rotation_screening: str):
    """Rows screened with the lower of the paddy and dry-land values and the ``screening_basis`` of every row
    (:data:`SCREENING_BASES`): rotation land (``paddy_upland_rotation`` yes under ``rotation_screening``
    ``stricter``: ``rotation_stricter``) and rice on land recorded as other than paddy (``rice_stricter``, under
    either setting: the paddy values are those of land growing rice, the land-use record gives the dry-land
    values, and the lower of both is the precautionary reading of the contradiction)."""
    if rotation_screening not in ("stricter", "paddy"):
        raise ValueError(f"rotation_screening {rotation_screening!r}: expected stricter or paddy")
    flag = _frames.obj(plots["paddy_upland_rotation"]) if "paddy_upland_rotation" in plots else None
    rot = (flag == "yes") if flag is not None and rotation_screening == "stricter" else np.zeros(len(land_use), bool)
    rice = rice_on_dry_land(plots)
    basis = np.where(rot, "rotation_stricter", np.where(rice, "rice_stricter", np.where(
        land_use == "paddy", "paddy", "other"))).astype(object)
    return rot | rice, basis


def rice_on_dry_land(plots: pd.DataFrame) -> np.ndarray:
    """Rows whose crop is rice on land recorded as other than paddy (upland, orchard, vegetable: not blank).

    Examples
    --------
    >>> rice_on_dry_land(pd.DataFrame({"crop": ["rice", "rice", "wheat"], "land_use": ["upland", "paddy", "upland"]}))
    array([ True, False, False])
    """
    if "crop" not in plots or "land_use" not in plots:
        return np.zeros(len(plots), bool)
    lu, crop = _frames.obj(plots["land_use"]), _frames.obj(plots["crop"])
    return (crop == "rice") & np.array([isinstance(u, str) and u not in ("", "paddy") for u in lu.tolist()], bool)


def plot_classes(screened: pd.DataFrame, plot_ids=None, county=None, field=None) -> pd.DataFrame:
    """Overall class of each plot from its per-metal classes, or the county's class where it is stricter.

    Parameters
    ----------
    screened : pandas.DataFrame
        Output of :func:`screen`.
    plot_ids : array_like, optional
        Plots to report (in this order); default: plots present in ``screened``.
    county : array_like of str, optional
        The county's class of each plot of ``plot_ids`` (``soil_class_county``: one of
        :data:`CLASSES`, blank where not given). Where it is stricter than the class computed
        from the values (order priority_protection < safe_utilisation < strict_control), the
        plot is planned with the county's class: the county's classification is the legal
        designation and may tighten a class by crop monitoring, which the soil values cannot
        show. Where it is looser, the computed class is kept.
    field : array_like of str, optional
        The field each plot of ``plot_ids`` is a crop season of (``field_id``; blank where none). A field is
        one soil: every row of a field takes the strictest class of its rows (after ``county``), as
        rotation land classes its rows alike (:func:`field_classes`).

    Returns
    -------
    pandas.DataFrame
        One row per plot: ``plot_id``, ``soil_class`` (worst metal; with ``county``, the
        stricter of it and the county's class), ``controlling_metal`` (the metal
        that sets the computed class: on strict-control plots the metal with the highest ratio to
        its intervention value; on safe-utilisation plots the metal with the highest exceedance
        ratio among those with an intervention value above their screening value, else the highest
        exceedance ratio of any metal; on priority-protection plots the highest exceedance ratio),
        ``max_exceedance_ratio`` (the controlling metal's exceedance ratio: concentration /
        screening value [–]), ``metals_exceeding`` (metals above screening,
        ``'+'``-joined, ``''`` if none) and ``metals_above_intervention`` (metals above their
        intervention value, which make the plot strict-control, ``'+'``-joined, ``''`` if none); where
        ``screened`` has them (:func:`screen`) ``screening_basis`` (the screening values that classed the
        plot, :data:`SCREENING_BASES`) and ``soil_class_without_rotation`` (the worst metal with the plot's
        own land-use values: differs from the computed class only where the rotation rule changes it);
        with ``county`` also ``soil_class_computed`` (the
        class from the values alone) and ``soil_class_basis`` (:data:`CLASS_BASES`:
        ``county`` where the county's class governs, else ``computed``; blank without a class).

    Examples
    --------
    >>> s = pd.DataFrame({"plot_id": ["A", "B"], "metal": ["cd", "cd"], "exceedance_ratio": [1.5, 3.0],
    ...                   "soil_class": ["safe_utilisation", "strict_control"]})
    >>> out = plot_classes(s, ["A", "B"], county=["strict_control", "safe_utilisation"])
    >>> out[["soil_class", "soil_class_computed", "soil_class_basis"]].values.tolist()
    [['strict_control', 'safe_utilisation', 'county'], ['strict_control', 'strict_control', 'computed']]
    """
    s = screened.dropna(subset=["soil_class"])
    pid = _frames.obj(s["plot_id"])
    rank = np.array([_CLASS_RANK[c] for c in _frames.obj(s["soil_class"]).tolist()], dtype=np.intp)
    ratio = s["exceedance_ratio"].to_numpy(float)
    metal = _frames.obj(s["metal"])
    tier, key = _controlling_keys(s, rank, ratio)
    code, uniq = pd.factorize(pid)  # plots in order of first appearance; a blank id has no plot
    have = code >= 0
    code, rank, ratio, metal, tier, key = code[have], rank[have], ratio[have], metal[have], tier[have], key[have]
    k = len(uniq)
    worst = np.full(k, -1, dtype=np.intp)
    np.maximum.at(worst, code, rank)
    # the first row of the highest tier and, within it, the highest key of each plot (NaN keys last)
    order = np.lexsort((np.arange(len(code)), -np.nan_to_num(key, nan=-np.inf), -tier, code))
    first = order[np.r_[True, code[order][1:] != code[order][:-1]]] if len(order) else order
    ids = np.asarray(uniq, dtype=object)
    cols = {
        "plot_id": ids,
        "soil_class": np.array(CLASSES, dtype=object)[worst],
        "controlling_metal": metal[first],
        "max_exceedance_ratio": ratio[first],
        "metals_exceeding": _joined_per_plot(code[ratio > 1], metal[ratio > 1], k),
        "metals_above_intervention": _joined_per_plot(code[rank == 2], metal[rank == 2], k),
    }
    cols.update(_rotation_columns(s, have, code, k))
    out = _frames.frame(cols, k)
    if plot_ids is not None:
        pos = _frames.index_of(ids, np.asarray(list(plot_ids), dtype=object))
        blank = {"max_exceedance_ratio": np.nan, "metals_exceeding": "", "metals_above_intervention": ""}
        out = _frames.frame({"plot_id": np.asarray(list(plot_ids), dtype=object), **{
            c: _frames.take(out[c].to_numpy(float if c == "max_exceedance_ratio" else object), pos,
                            blank.get(c, np.nan if c in ("soil_class", "controlling_metal") else None))
            for c in out.columns if c != "plot_id"}}, len(pos))
    if county is not None:
        out = _county_governs(out, county)
    if field is not None:
        out = field_classes(out, field)
    return out


#: Basis of a soil class taken from another season row of the plot's field (:func:`field_classes`).
FIELD_BASIS = "field"


def field_classes(classes: pd.DataFrame, field) -> pd.DataFrame:
    """Every row of a field (its crop seasons, ``field_id``) planned with the strictest class of the field's rows.

    A field has one soil: its rows are samples of it, and the standard's gate (GB 15618-2018, Soil Pollution
    Law Art. 54: no food crop on land above the intervention value) applies to the field, so a row whose own
    values give a looser class than another row of its field takes the field's class (the idea of rotation
    land, whose rows are all screened alike). Each row keeps its own measured values for everything else
    (its metals, the uptake of its crop and its clean-up): only the class, which gates the options, is the
    field's.

    Parameters
    ----------
    classes : pandas.DataFrame
        One row per plot (:func:`plot_classes`: ``plot_id``, ``soil_class``, ``controlling_metal`` …).
    field : array_like of str
        The field of each row (blank or None: a row of its own).

    Returns
    -------
    pandas.DataFrame
        ``classes`` with ``soil_class`` the field's strictest class, ``soil_class_computed`` (the row's own
        class) and ``soil_class_basis`` (:data:`FIELD_BASIS` where the field's class governs), and
        ``field_class_row`` (the plot id of the field's first row with that class, where it governs; else
        None) and ``field_class_metal`` (that row's controlling metal), where some row has a field.

    Examples
    --------
    >>> c = pd.DataFrame({"plot_id": ["D4~早稻", "D4~晚稻", "X"], "controlling_metal": ["cd", "cd", "cd"],
    ...                   "soil_class": ["priority_protection", "strict_control", "safe_utilisation"]})
    >>> out = field_classes(c, ["D4", "D4", None])
    >>> out[["soil_class", "soil_class_computed", "soil_class_basis"]].values.tolist()
    [['strict_control', 'priority_protection', 'field'], ['strict_control', 'strict_control', 'computed'], ['safe_utilisation', 'safe_utilisation', 'computed']]
    >>> out["field_class_row"].iloc[0]
    'D4~晚稻'
    """
    f = np.asarray(list(field), dtype=object)
    n = len(classes)
    if len(f) != n:
        raise ValueError(f"field ids: {len(f)} values for {n} plots")
    known = np.array([isinstance(x, str) and x != "" for x in f.tolist()], bool)
    if not known.any():
        return classes
    cls = _frames.obj(classes["soil_class"])
    rank = np.array([_CLASS_RANK.get(c, -1) if isinstance(c, str) else -1 for c in cls.tolist()], dtype=np.intp)
    codes, _ = pd.factorize(f[known])
    worst = np.full(int(codes.max()) + 1, -1, dtype=np.intp)
    np.maximum.at(worst, codes, rank[known])
    fw = np.full(n, -1, dtype=np.intp)
    fw[known] = worst[codes]
    raised = known & (fw >= 0) & (fw > rank)
    out = classes.copy()
    if "soil_class_computed" not in out:
        at = list(out.columns).index("soil_class") + 1
        out.insert(at, "soil_class_computed", cls)
        out.insert(at + 1, "soil_class_basis", np.where(rank >= 0, "computed", None).astype(object))
    ids, metal = _frames.obj(out["plot_id"]), _frames.obj(out["controlling_metal"]) \
        if "controlling_metal" in out else np.full(n, None, dtype=object)
    pos = np.flatnonzero(known)
    setter = {}  # each field's first row at the field's class
    for i in pos[rank[pos] == fw[pos]].tolist():
        setter.setdefault(f[i], i)
    row = np.full(n, None, dtype=object)
    row_metal = np.full(n, None, dtype=object)
    for i in np.flatnonzero(raised).tolist():
        row[i], row_metal[i] = ids[setter[f[i]]], metal[setter[f[i]]]
    out["soil_class"] = np.where(raised, np.array(CLASSES, dtype=object)[np.maximum(fw, 0)], cls).astype(object)
    out["soil_class_basis"] = np.where(raised, FIELD_BASIS, _frames.obj(out["soil_class_basis"])).astype(object)
    out["field_class_row"] = row
    out["field_class_metal"] = row_metal
    return out


def _rotation_columns(s: pd.DataFrame, have: np.ndarray, code: np.ndarray, k: int) -> dict:
    """``screening_basis`` and ``soil_class_without_rotation`` of each of ``k`` plots (rows ``s`` of
    :func:`screen` with a class, ``have`` those of a plot, ``code`` its plot): the basis of the plot's rows
    (one per plot) and the worst class with the plot's own land-use values; none without those columns."""
    if "screening_basis" not in s or "soil_class_without_rotation" not in s:
        return {}
    basis = np.full(k, None, dtype=object)
    basis[code] = _frames.obj(s["screening_basis"])[have]
    own = _frames.obj(s["soil_class_without_rotation"])[have]
    rank_own = np.array([_CLASS_RANK.get(c, -1) if isinstance(c, str) else -1 for c in own.tolist()], dtype=np.intp)
    worst = np.full(k, -1, dtype=np.intp)
    np.maximum.at(worst, code, rank_own)
    return {"screening_basis": basis,
            "soil_class_without_rotation": np.where(worst >= 0, np.array([None, *CLASSES], dtype=object)[worst + 1],
                                                    None).astype(object)}


def duplicate_range_mg_kg(metal, value_mg_kg, tables: Tables | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The range a duplicate analysis of a soil value can fall in: ``x (1 − r) / (1 + r)`` … ``x (1 + r) / (1 − r)``.

    Two analyses a and b of one sample differ by at most RD = |a − b| / (a + b) ≤ r, where r is the largest
    within-laboratory relative deviation of duplicate analyses of the metal in real soil samples
    (``within_lab_rd_max`` of ``soil_method_precision.csv``, sourced). Solved for the duplicate y of a value
    x: y − x ≤ r (x + y) gives y ≤ x (1 + r) / (1 − r), and x − y ≤ r (x + y) gives y ≥ x (1 − r) / (1 + r).
    It is the observed counterpart of the 95 % repeatability limit r = 2.8 σ_r of ISO 5725-6 (the largest
    difference of two results of one laboratory): a re-analysis in another laboratory can differ more.

    Parameters
    ----------
    metal : str or array-like of str
        Metal code(s) (``cd``, ``as`` …).
    value_mg_kg : float or array-like of float
        The measured value(s) [mg kg⁻¹].
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    tuple of numpy.ndarray of float
        ``(low, high)`` [mg kg⁻¹]; NaN for a metal without a row (Hg: its duplicates' spread is of the order
        of the value itself) or a blank value.

    Examples
    --------
    >>> [a.round(4).tolist() for a in duplicate_range_mg_kg(["cd", "as", "hg"], [1.5, 120.0, 0.5])]
    [[1.0, 90.7112, nan], [2.25, 158.7456, nan]]
    """
    r = _duplicate_rd(metal, tables)
    x = np.broadcast_to(np.asarray(value_mg_kg, float), r.shape)
    return x * (1 - r) / (1 + r), x * (1 + r) / (1 - r)


def boundary_band_mg_kg(metal, boundary_mg_kg, tables: Tables | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The values whose duplicate analysis can fall on the other side of a class boundary b.

    A value x is near b when b lies within the range of a duplicate of x (:func:`duplicate_range_mg_kg`):
    x (1 − r) / (1 + r) ≤ b ≤ x (1 + r) / (1 − r), i.e. ``b (1 − r) / (1 + r) ≤ x ≤ b (1 + r) / (1 − r)``.
    The band is not symmetric: for Cd (r = 0.20) against the intervention value 1.5 it is 1.0 … 2.25 mg/kg
    (a value 0.92 cannot cross, 2.2 can).

    Parameters
    ----------
    metal : str or array-like of str
        Metal code(s).
    boundary_mg_kg : float or array-like of float
        The class boundary [mg kg⁻¹] (a screening or intervention value).
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    tuple of numpy.ndarray of float
        ``(low, high)`` of the band [mg kg⁻¹]; NaN for a metal without a row or a blank boundary.

    Examples
    --------
    >>> [a.round(4).tolist() for a in boundary_band_mg_kg(["as", "cd", "hg"], [120.0, 0.3, 0.5])]
    [[90.7112, 0.2, nan], [158.7456, 0.45, nan]]
    """
    return duplicate_range_mg_kg(metal, boundary_mg_kg, tables)


def _duplicate_rd(metal, tables: Tables | None) -> np.ndarray:
    """``within_lab_rd_max`` of each metal (``soil_method_precision.csv``; NaN for a metal without a row)."""
    tables = tables or load_tables()
    prec = tables.soil_method_precision
    metal = np.atleast_1d(np.asarray(metal, dtype=object))
    return _frames.take(prec["within_lab_rd_max"].to_numpy(float),
                        _frames.index_of(_frames.obj(prec["metal"]), metal), np.nan)


def near_class_boundary(screened: pd.DataFrame, plot_ids, tables: Tables | None = None,
                        plots: pd.DataFrame | None = None, set_id: str = "gb15618_2018",
                        rotation_screening: str = "stricter") -> pd.DataFrame:
    """The plot × metal values near a class boundary, where a re-sample or re-analysis can change the class.

    A metal's value is near a boundary (its screening or intervention value) when a duplicate analysis of it
    can fall on the boundary's other side (:func:`boundary_band_mg_kg`: the boundary lies within the range of
    a duplicate, :func:`duplicate_range_mg_kg`), and the metal's class on the other side
    changes the plot's class (the worst of its metals): a Cd at 0.31 mg/kg against a screening
    value of 0.3 on a plot whose As is above its intervention value changes nothing. The class
    itself is not changed. Both boundaries are listed (``near_class_boundary``); the note for the
    recommendation (``near_class_boundary_msg``) is given near an intervention value only, where the
    other side decides whether the land may grow food at all (strict control): near a screening value
    the produce monitoring of safe utilisation answers the same doubt, and with the spread of
    duplicate analyses at low Cd (a duplicate of 0.3 ranges over 0.2 … 0.45 mg/kg) the note would close most
    recommendations.

    With ``plots`` the soil pH is checked too (:func:`near_ph_edge`): a pH within the duplicate tolerance of
    pH measurement (``soil_ph_precision.csv``) of a pH band edge of the threshold set (5.5, 6.5, 7.5 in
    GB 15618-2018), where the values on the other side of the edge change the plot's class, is listed as
    ``ph:<edge>`` (``ph:6.5``) after the metals, and its note (``rec.near_ph_edge``: re-measure pH before
    acting on the class) is given near a screening value as well: a pH is re-measured at little cost.

    Parameters
    ----------
    screened : pandas.DataFrame
        Rows of :func:`screen` (``plot_id``, ``metal``, ``conc_mg_kg``, ``screening_mg_kg``,
        ``intervention_mg_kg``, ``soil_class``).
    plot_ids : array-like
        The plots, in the order of the result.
    tables : Tables, optional
        Literature tables.
    plots : pandas.DataFrame, optional
        The plots ``screened`` was computed from (``plot_id``, ``ph``, ``land_use``, metal columns); without
        them the pH is not checked.
    set_id, rotation_screening : str
        The threshold set and the rule for rotation land ``screened`` was computed with (:func:`screen`).

    Returns
    -------
    pandas.DataFrame
        One row per plot: ``plot_id``; ``near_class_boundary`` (``metal:screening`` or
        ``metal:intervention`` codes, ``+``-joined (:func:`agriremed.core.columns.metal_list`); '' none) and ``near_class_boundary_msg`` (the
        encoded note ``rec.near_class_boundary`` per metal; '' none).

    Examples
    --------
    >>> p = pd.DataFrame({"plot_id": ["a", "b", "c"], "ph": [7.0, 5.0, 5.0], "land_use": "paddy",
    ...                   "as_mg_kg": [120.0, 10.0, 10.0], "cd_mg_kg": [0.2, 0.31, 0.5]})
    >>> near_class_boundary(screen(p), p["plot_id"])["near_class_boundary"].tolist()
    ['as:intervention', 'cd:screening', '']
    """
    ids = np.asarray(list(plot_ids), dtype=object)
    n = len(ids)
    codes, notes = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    s = screened.dropna(subset=["soil_class"])
    row_plot = _frames.index_of(ids, _frames.obj(s["plot_id"]))
    keep = row_plot >= 0
    s, row_plot = s[keep], row_plot[keep]
    if not len(s):
        return _frames.frame({"plot_id": ids, "near_class_boundary": codes, "near_class_boundary_msg": notes}, n)
    rank = np.array([_CLASS_RANK[c] for c in _frames.obj(s["soil_class"]).tolist()], dtype=np.intp)
    others = _others_worst(row_plot, rank, n)
    worst = np.maximum(others, rank)
    metal, conc = _frames.obj(s["metal"]), s["conc_mg_kg"].to_numpy(float)
    hits: list[tuple[int, str, Message]] = []
    for kind, lower, upper in (("screening", 0, 1), ("intervention", 1, 2)):
        limit = s[f"{kind}_mg_kg"].to_numpy(float)
        low, high = boundary_band_mg_kg(metal, limit, tables)
        dup_low, dup_high = duplicate_range_mg_kg(metal, conc, tables)
        flipped = np.where(conc <= limit, upper, lower)
        new = np.maximum(others, flipped)
        with np.errstate(invalid="ignore"):
            near = (conc >= low) & (conc <= high) & (new != worst)
        for r in np.flatnonzero(near):
            hits.append((int(r), f"{metal[r]}:{kind}", Message.of(
                "rec.near_class_boundary", metal=metal[r], value=float(conc[r]), kind=kind,
                limit=float(limit[r]), low=float(dup_low[r]), high=float(dup_high[r]), other=CLASSES[new[r]])
                if kind == "intervention" else None))
    for r, code, msg in sorted(hits, key=lambda h: h[0]):
        i = row_plot[r]
        codes[i] = C.metal_list([codes[i], code])
        if msg is not None:
            notes[i] = (Message.decode(notes[i]) + msg).encode() if notes[i] else msg.encode()
    if plots is not None:
        _add_ph_edges(codes, notes, ids, plots, screened, tables, set_id, rotation_screening)
    return _frames.frame({"plot_id": ids, "near_class_boundary": codes, "near_class_boundary_msg": notes}, n)


def _add_ph_edges(codes: np.ndarray, notes: np.ndarray, ids: np.ndarray, plots: pd.DataFrame,
                  screened: pd.DataFrame, tables: Tables | None, set_id: str, rotation_screening: str) -> None:
    """Append the pH band edges of :func:`near_ph_edge` to ``codes`` (``ph:6.5``) and their notes to ``notes``
    (encoded messages), in place, for the plots ``ids``."""
    near = near_ph_edge(plots, screened, tables, set_id, rotation_screening)
    if not len(near):
        return
    pos = _frames.index_of(ids, _frames.obj(near["plot_id"]))
    for i, edge, msg in zip(pos.tolist(), near["edge"].tolist(), near["msg"].tolist(), strict=True):
        if i < 0:
            continue
        codes[i] = C.metal_list([codes[i], f"{PH_EDGE_CODE}:{edge:g}"])
        m = Message.decode(msg)
        notes[i] = (Message.decode(notes[i]) + m).encode() if notes[i] else m.encode()


#: The code of a pH band edge in ``near_class_boundary`` (``ph:6.5``), beside the metal codes.
PH_EDGE_CODE = "ph"

#: Decimals to which a pH difference from a band edge is rounded before it is compared with the tolerance
#: (6.6 − 6.5 is 0.0999… in binary; the pH is given to two decimals at most).
_PH_DECIMALS = 9


def ph_duplicate_tolerance(tables: Tables | None = None) -> tuple[float, str]:
    """The largest difference of two duplicate soil pH measurements [pH units] and its status.

    From the ``ph`` row of ``soil_ph_precision.csv`` (``duplicate_tolerance_ph``; ``tolerance_status``
    ``confirmed`` or ``unconfirmed``, confirmed where a user table has no such column). The packaged figure,
    0.1 pH unit, is a working one: the duplicate clauses of HJ 962-2018, NY/T 1377-2007 and NY/T 1121.2-2006
    were not read for this project (``unconfirmed``).

    Returns
    -------
    tuple
        ``(tolerance, status)``; ``(nan, "")`` without a ``ph`` row.

    Examples
    --------
    >>> ph_duplicate_tolerance()
    (0.1, 'unconfirmed')
    """
    tables = tables or load_tables()

    def build():
        t = tables.soil_ph_precision
        rows = t.loc[t["quantity"].astype(str).str.strip().str.lower() == "ph"]
        if not len(rows):
            return np.nan, ""
        status = (str(rows["tolerance_status"].iloc[0]).strip().lower() if "tolerance_status" in rows
                  else "confirmed")
        return float(rows["duplicate_tolerance_ph"].iloc[0]), status if status == "confirmed" else "unconfirmed"
    return tables.memo("ph_duplicate_tolerance", build)  # read once per set of tables


def ph_band_edges(tables: Tables | None = None, set_id: str = "gb15618_2018") -> np.ndarray:
    """The pH values [–] at which a threshold set's values change (the finite ``ph_above`` / ``ph_up_to`` of its
    rows), sorted.

    Examples
    --------
    >>> ph_band_edges().tolist()
    [5.5, 6.5, 7.5]
    """
    tables = tables or load_tables()

    def build():
        t = tables.soil_thresholds
        _check_set(t, set_id)
        rows = t.loc[t["set_id"] == set_id]
        e = pd.to_numeric(pd.concat([rows["ph_above"], rows["ph_up_to"]]), errors="coerce").to_numpy(float)
        return np.unique(e[np.isfinite(e)])
    return tables.memo(("ph_band_edges", set_id), build).copy()  # found once per set of tables and set


def near_ph_edge(plots: pd.DataFrame, screened: pd.DataFrame, tables: Tables | None = None,
                 set_id: str = "gb15618_2018", rotation_screening: str = "stricter") -> pd.DataFrame:
    """Plots whose soil pH lies within the duplicate tolerance of pH measurement of a pH band edge of the
    threshold set, where the values on the other side of the edge change the plot's class.

    GB 15618-2018 gives each metal's values by pH band, a band including its upper edge (``5.5 < pH ≤ 6.5``).
    A duplicate measurement of a pH x lies within x ± d, d the tolerance (:func:`ph_duplicate_tolerance`);
    it can fall on the other side of an edge e when ``e − d < x ≤ e`` (a duplicate above e) or
    ``e < x ≤ e + d`` (a duplicate at or below e). The plot is screened again at the other side (every metal,
    rotation land as in ``screened``) and listed where its class (the worst of its metals) differs: pH 6.52
    and Pb 520 mg/kg on a paddy is safe utilisation (intervention value 700), at pH 6.5 strict control
    (500). The class itself is not changed.

    Parameters
    ----------
    plots : pandas.DataFrame
        The plots ``screened`` was computed from (``plot_id``, ``ph``, ``land_use``, metal columns).
    screened : pandas.DataFrame
        Rows of :func:`screen` of ``plots``.
    tables : Tables, optional
        Literature tables.
    set_id, rotation_screening : str
        As given to :func:`screen`.

    Returns
    -------
    pandas.DataFrame
        One row per plot and edge: ``plot_id``, ``edge`` [–], ``ph_other`` (a pH on the other side [–]),
        ``soil_class_other`` (the plot's class there), ``limits`` (``'pb:500'``: the values there of the metals
        whose class changes, '|'-joined) and ``msg`` (the encoded note ``rec.near_ph_edge``).

    Examples
    --------
    >>> p = pd.DataFrame({"plot_id": ["E1", "E2", "far"], "ph": [6.52, 6.5, 6.0], "land_use": "paddy",
    ...                   "cd_mg_kg": 0.25, "pb_mg_kg": 520.0})
    >>> near_ph_edge(p, screen(p))[["plot_id", "edge", "soil_class_other", "limits"]].values.tolist()
    [['E1', 6.5, 'strict_control', 'pb:500'], ['E2', 6.5, 'safe_utilisation', 'pb:700']]
    """
    tables = tables or load_tables()
    out = {k: [] for k in ("plot_id", "edge", "ph_other", "soil_class_other", "limits", "msg")}
    tol, status = ph_duplicate_tolerance(tables)
    if not np.isfinite(tol) or "ph" not in plots or not len(plots):
        return pd.DataFrame(out)
    ids = _frames.obj(plots["plot_id"])
    ph = pd.to_numeric(plots["ph"], errors="coerce").to_numpy(float)
    d_tol = round(float(tol), _PH_DECIMALS)
    near = []  # per edge: the pH differences and the plots within the tolerance of it
    for edge in ph_band_edges(tables, set_id).tolist():
        with np.errstate(invalid="ignore"):
            d = np.round(ph - edge, _PH_DECIMALS)
            near.append((edge, d, np.flatnonzero(((d <= 0) & (-d < d_tol)) | ((d > 0) & (d <= d_tol)))))
    if not any(len(sel) for _, _, sel in near):  # no pH near an edge: the classes are not looked at
        return pd.DataFrame(out)
    now = screened.dropna(subset=["soil_class"])
    worst_now = _worst_by_plot(now)
    for edge, d, sel in near:
        sel = sel[np.array([worst_now.get(i, -1) >= 0 for i in ids[sel].tolist()], bool)] if len(sel) else sel
        if not len(sel):
            continue
        above = d[sel] <= 0  # the other side lies above the edge
        probe = np.where(above, np.nextafter(edge, np.inf), edge)
        other = screen(plots.iloc[sel].assign(ph=probe), tables, set_id, rotation_screening)
        other = other.dropna(subset=["soil_class"])
        worst_other, rows_other = _worst_by_plot(other), _rows_by_plot(other)
        ranks_now = _metal_ranks(now.loc[now["plot_id"].isin(ids[sel]).to_numpy(bool)])
        for k, i in enumerate(ids[sel].tolist()):
            w0, w1 = worst_now[i], worst_other.get(i, -1)
            if w1 < 0 or w1 == w0:
                continue
            limits = _changed_limits(ranks_now.get(i, {}), other, rows_other.get(i, ()), w0, w1)
            x = float(ph[sel[k]])
            msg = Message.of("rec.near_ph_edge", ph=x, edge=float(edge), tol=float(tol), low=x - float(tol),
                             high=x + float(tol), side=">" if above[k] else "≤", limits=limits,
                             other=CLASSES[w1], status=status)
            for key, v in (("plot_id", i), ("edge", float(edge)), ("ph_other", float(probe[k])),
                           ("soil_class_other", CLASSES[w1]), ("limits", limits), ("msg", msg.encode())):
                out[key].append(v)
    return pd.DataFrame(out)


def _worst_by_plot(s: pd.DataFrame) -> dict:
    """Plot id → the rank of its worst class among the rows of ``s`` (rows of :func:`screen` with a class)."""
    if not len(s):
        return {}
    rank = pd.Series(_frames.obj(s["soil_class"])).map(_CLASS_RANK).astype("int64")
    return rank.groupby(_frames.obj(s["plot_id"]), sort=False).max().to_dict()


def _rows_by_plot(s: pd.DataFrame) -> dict:
    """Plot id → the positions of its rows in ``s``."""
    out: dict = {}
    for r, pid in enumerate(_frames.obj(s["plot_id"]).tolist()):
        out.setdefault(pid, []).append(r)
    return out


def _metal_ranks(s: pd.DataFrame) -> dict:
    """Plot id → {metal: class rank} of the rows of ``s`` (rows of :func:`screen` with a class)."""
    out: dict = {}
    for pid, m, c in zip(_frames.obj(s["plot_id"]).tolist(), _frames.obj(s["metal"]).tolist(),
                         _frames.obj(s["soil_class"]).tolist(), strict=True):
        out.setdefault(pid, {})[m] = _CLASS_RANK[c]
    return out


def _changed_limits(now: dict, other: pd.DataFrame, rows, w0: int, w1: int) -> str:
    """The values on the other side of a pH edge (``'pb:500|cd:0.4'``) of the metals of one plot whose class
    changes there and that set the plot's class on either side (the boundary crossed: the intervention value
    where strict control is on either side of it, else the screening value). ``now``: metal → class rank at the
    measured pH; ``rows``: the plot's rows of ``other`` (:func:`screen` on the other side)."""
    metal, cls = _frames.obj(other["metal"]), _frames.obj(other["soil_class"])
    items = []
    for r in rows:
        if metal[r] not in now:
            continue
        r0, r1 = now[metal[r]], _CLASS_RANK[cls[r]]
        if r0 == r1 or not (r1 == w1 or r0 == w0):
            continue
        kind = "intervention" if 2 in (r0, r1) else "screening"
        items.append(f"{metal[r]}:{float(other[f'{kind}_mg_kg'].iat[r]):g}")
    return "|".join(items)


def _others_worst(plot: np.ndarray, rank: np.ndarray, n: int) -> np.ndarray:
    """For each row, the worst class rank of the other rows of its plot (−1 where it is the plot's only row).

    Parameters
    ----------
    plot : numpy.ndarray of int
        Plot position of each row (0 … ``n`` − 1).
    rank : numpy.ndarray of int
        Class rank of each row.
    n : int
        Number of plots.
    """
    worst = np.full(n, -1, dtype=np.intp)
    np.maximum.at(worst, plot, rank)
    at_worst = rank == worst[plot]
    count = np.zeros(n, dtype=np.intp)
    np.add.at(count, plot, at_worst)
    second = np.full(n, -1, dtype=np.intp)
    np.maximum.at(second, plot[~at_worst], rank[~at_worst])
    return np.where(~at_worst | (count[plot] > 1), worst[plot], second[plot])


def _controlling_keys(s: pd.DataFrame, rank: np.ndarray, ratio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tier and key of each plot × metal row for the choice of the plot's controlling metal.

    The controlling metal is the metal that sets the plot's class: the row of the highest tier,
    and within it the highest key. Tier 2: the metal exceeds its intervention value (the plot is
    strict-control), key = concentration / intervention value. Tier 1: the metal exceeds its
    screening value and has an intervention value (Cd, Hg, As, Pb, Cr under GB 15618), key =
    concentration / screening value. Tier 0: any other metal (one without an intervention value
    such as Cu, Ni, Zn, or one below its screening value), key = concentration / screening value;
    it controls only where no metal of a higher tier is in the plot.

    Parameters
    ----------
    s : pandas.DataFrame
        Rows of :func:`screen` with a class; without ``conc_mg_kg`` and ``intervention_mg_kg``
        every metal counts as having an intervention value and a strict-control row's key is its
        screening ratio.
    rank : numpy.ndarray of int
        Class rank of each row (0 priority protection, 1 safe utilisation, 2 strict control).
    ratio : numpy.ndarray of float
        ``exceedance_ratio`` of each row [–].

    Returns
    -------
    tuple of numpy.ndarray
        ``(tier, key)``: tier [–] (int) and key [–] (float) of each row.
    """
    if "intervention_mg_kg" in s and "conc_mg_kg" in s:
        itv = s["intervention_mg_kg"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            over_itv = s["conc_mg_kg"].to_numpy(float) / itv
        has_itv = ~np.isnan(itv)
    else:
        over_itv, has_itv = ratio, np.ones(len(rank), bool)
    tier = np.where(rank == 2, 2, np.where((rank == 1) & has_itv, 1, 0)).astype(np.intp)
    return tier, np.where(tier == 2, over_itv, ratio)


def _county_governs(classes: pd.DataFrame, county) -> pd.DataFrame:
    """``classes`` (:func:`plot_classes`, one row per plot of ``county``) planned with the county's
    class where it is stricter than the computed one, with ``soil_class_computed`` and
    ``soil_class_basis``."""
    computed = _frames.obj(classes["soil_class"])
    cty = np.asarray(list(county), dtype=object)
    if len(cty) != len(computed):
        raise ValueError(f"county classes: {len(cty)} values for {len(computed)} plots")
    rank_of = np.vectorize(lambda c: _CLASS_RANK.get(c, -1) if isinstance(c, str) else -1, otypes=[np.intp])
    r_comp = rank_of(computed) if len(computed) else np.zeros(0, np.intp)
    r_cty = rank_of(cty) if len(cty) else np.zeros(0, np.intp)
    stricter = (r_comp >= 0) & (r_cty > r_comp)
    out = classes.copy()
    out["soil_class"] = np.where(stricter, cty, computed).astype(object)
    at = list(out.columns).index("soil_class") + 1
    out.insert(at, "soil_class_computed", computed)
    out.insert(at + 1, "soil_class_basis", np.where(stricter, "county", np.where(r_comp >= 0, "computed", None))
               .astype(object))
    return out


def _joined_per_plot(code: np.ndarray, metal: np.ndarray, k: int) -> np.ndarray:
    """``'+'``-joined metals of each of ``k`` plots (rows in table order; ``''`` if none)."""
    out = np.full(k, "", dtype=object)
    if not len(code):
        return out
    m_code, m_uniq = pd.factorize(metal, use_na_sentinel=False)
    order = np.argsort(code, kind="stable")
    c_o, m_o = code[order], m_code[order]
    same = c_o[1:] == c_o[:-1]
    if len(m_uniq) <= 62 and np.all(m_o[1:][same] > m_o[:-1][same]):
        # every plot lists its metals in one common order: one text per distinct set of metals
        mask = np.zeros(k, dtype=np.int64)
        np.bitwise_or.at(mask, code, np.left_shift(1, m_code.astype(np.int64)))
        names = [str(m) for m in np.asarray(m_uniq, dtype=object).tolist()]
        hit = np.flatnonzero(mask)
        out[hit] = _frames.format_unique(mask[hit], lambda b: "+".join(
            n for i, n in enumerate(names) if b >> i & 1))
        return out
    starts = np.flatnonzero(np.r_[True, ~same])
    for a, b in zip(starts, np.r_[starts[1:], len(order)], strict=True):
        out[c_o[a]] = "+".join(str(m) for m in metal[order[a:b]].tolist())
    return out


def exceedance_table(screened: pd.DataFrame, plot_ids=None) -> pd.DataFrame:
    """Exceedance ratios as a plot × metal table.

    Parameters
    ----------
    screened : pandas.DataFrame
        Output of :func:`screen`.
    plot_ids : array_like, optional
        Row order; default: plots in ``screened``.

    Returns
    -------
    pandas.DataFrame
        Index ``plot_id``; one column per screened metal (GB 15618 order) holding
        C / screening value [–] (blank = not measured or no value in the set).

    Examples
    --------
    >>> s = pd.DataFrame({"plot_id": ["A", "A", "B"], "metal": ["pb", "cd", "cd"],
    ...                   "exceedance_ratio": [0.5, 2.0, 0.8]})
    >>> exceedance_table(s).to_dict("index")
    {'A': {'cd': 2.0, 'pb': 0.5}, 'B': {'cd': 0.8, 'pb': nan}}
    """
    wide = screened.pivot_table(index="plot_id", columns="metal", values="exceedance_ratio",
                                sort=False, dropna=False)
    wide = wide[[m for m in C.METALS if m in wide.columns]]
    wide.columns.name = None
    if plot_ids is not None:
        wide = wide.reindex(pd.Index(list(plot_ids), name="plot_id"))
    return wide
