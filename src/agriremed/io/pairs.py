"""Reading and validation of paired soil–plant tables for fitting transfer functions.

A pairs table has one row per sampling point: the metal in the soil and in the edible
part of the crop grown on it, and the soil properties a transfer function may use.

* ``soil_<metal>_mg_kg`` — total metal in soil [mg kg⁻¹ dry mass] (or, for a function on
  an extract, ``<metal>_cacl2_mg_kg`` / ``<metal>_hno3_mg_kg`` / ``<metal>_dtpa_mg_kg``,
  the plot-table names, so that a fitted function reads plot tables directly);
* ``plant_<metal>_mg_kg`` — metal in the edible part [mg kg⁻¹, basis stated when fitting];
* ``ph`` (water), and as the model needs them ``som_pct`` [%] (or ``oc_g_kg`` [g kg⁻¹],
  converted with the SOM/OC factor of ``factors.csv``), ``clay_pct`` [%],
  ``cec_cmol_kg`` [cmol(+) kg⁻¹], other extractable fractions;
* optional ``crop`` (rows of other crops are set aside) and ``pair_id``.

:func:`validate_pairs` reports every problem with its row, column, value and what was
expected (the same form as plot validation); rows with an error are left out of the fit
and listed, never dropped silently. :func:`fit_transfer_function` reads and checks a pairs
file (or DataFrame) and fits it with :func:`agriremed.stages.uptake.fit.fit_pairs`;
:func:`write_fit` writes the fitted function as a tables folder.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd

from agriremed.core import columns as C
from agriremed.core import i18n, names
from agriremed.core.messages import Message, Note
from agriremed.core.tables import TABLE_FILES, Tables, load_tables
from agriremed.io.readers import na_cells, read_table, write_csv
from agriremed.io.validate import (Collector, Validation, as_text, crop_lookup, expected_message,
                                   header_note_severity, typical_message)
from agriremed.stages.uptake.fit import (DEFAULT_TERMS, FitError, TransferFit, check_fit_options, fit_pairs,
                                         parse_model_terms, plant_column, soil_column)
from agriremed.stages.uptake.predict import PH_DOMAIN

__all__ = ["PairsValidation", "validate_pairs", "soil_column", "plant_column", "som_from_oc",
           "fit_transfer_function", "write_fit", "read_pair_header", "plant_typical_max", "bcf_band",
           "bcf_warnings", "folder_warnings"]


class PairsValidation(Validation):
    """Result of :func:`validate_pairs` (``pairs`` is the table of valid rows)."""

    def messages(self, group: bool = True, lang: str = "en", tables=None) -> list[str]:
        """Every problem as one readable sentence in ``lang`` (rows are pairs, named by ``pair_id``;
        ``group``: as :meth:`Validation.messages`)."""
        if lang == "zh":  # 第3条记录（文件第4行，样品对R003）
            return [re.sub(r"^([^（]*第[\d–]+条记录（[^）]*?)地块", r"\1样品对", m, count=1)
                    for m in super().messages(group, lang, tables)]
        return [re.sub(r"^(\S+ row \d+ \((?:line \d+, )?)plot ", r"\1pair ", m, count=1)
                for m in super().messages(group, lang, tables)]

    @property
    def pairs(self) -> pd.DataFrame:
        """Valid rows with canonical column names, ``input_row`` first."""
        return self.plots


def som_from_oc(oc_g_kg, factor: float) -> np.ndarray:
    """Soil organic matter from organic carbon.

    Parameters
    ----------
    oc_g_kg : array_like
        Soil organic carbon [g kg⁻¹].
    factor : float
        SOM/SOC mass ratio [–] (``som_per_oc`` in ``factors.csv``: 1.724 conventional).

    Returns
    -------
    numpy.ndarray
        SOM [%] = OC [g kg⁻¹] × factor / 10.

    References
    ----------
    .. [1] Pribyl D.W. (2010) Geoderma 156:75–83, doi:10.1016/j.geoderma.2010.02.003.

    Examples
    --------
    >>> round(float(som_from_oc(12.0, 1.724)), 4)     # 12 g/kg OC × 1.724 / 10
    2.0688
    """
    return np.asarray(oc_g_kg, float) * float(factor) / 10.0


_UG_KG = re.compile(r"^(?P<side>soil|plant)_(?P<metal>[a-z]{2})_(?:ug|µg|μg)_kg$")

#: Words before a metal name in a Chinese pairs header: the soil (土壤镉, 土壤总镉) or the edible
#: part / plant (籽粒镉, 糙米镉, 稻米镉, 大米镉, 植株镉, 可食部镉) side of the pair.
PAIR_SIDE_WORDS: dict[str, tuple[str, ...]] = {
    "soil": ("土壤总", "土壤全", "土壤", "soil_total", "soil"),
    "plant": ("可食部分", "可食部", "籽粒", "糙米", "稻米", "大米", "精米", "植株", "作物", "plant"),
}
_METAL_WORDS = {w.lower(): m for m, (sym, zh) in C.METAL_NAMES.items() for w in (m, sym, zh)}
_PAIR_METAL = re.compile(
    r"^(?P<side>" + "|".join(sorted((w for ws in PAIR_SIDE_WORDS.values() for w in ws), key=len, reverse=True))
    + r")[\s_]*(?P<metal>" + "|".join(sorted(map(re.escape, _METAL_WORDS), key=len, reverse=True))
    + r")(?:含量|浓度)?$", re.IGNORECASE)
_SIDE_OF = {w.lower(): side for side, ws in PAIR_SIDE_WORDS.items() for w in ws}
#: Pairs columns besides the registry's input columns.
_PAIR_ONLY = re.compile(r"^(?:pair_id|crop|(?:soil|plant)_[a-z]{2}_mg_kg)$")


@dataclasses.dataclass(frozen=True)
class PairHeader:
    """How one header of a pairs table is read.

    Attributes
    ----------
    canonical : str
        Pairs column it maps to (``soil_cd_mg_kg``, ``plant_cd_mg_kg``, ``pair_id``,
        ``ph`` …) or the cleaned header when it maps to none.
    factor : float
        Multiplier converting the values to the column's unit [–] (µg/kg → mg/kg: 0.001;
        SOM in g/kg → %: 0.1).
    note : Message or Note or None
        Warning describing a mapping that is not an exact match.
    error : Message or None
        Why the header cannot be used (a unit that cannot be read).
    expected : Message or str
        What was expected, for an error.
    known : bool
        The column is a pairs column or a registered input column.
    """

    canonical: str
    factor: float = 1.0
    note: object = None
    error: object = None
    expected: object = ""
    known: bool = True


def _pair_metal_header(raw: str) -> PairHeader | None:
    """A soil or plant metal header (土壤镉, 籽粒镉（mg/kg）, 糙米镉(μg/kg), Soil Cd (ppm)), or None."""
    s = names._clean(raw)
    units = [g.strip() for g in names._BRACKET_GROUP.findall(s) if g.strip()]
    base = names._BRACKET_GROUP.sub(" ", s).strip(" ,;:_/")
    m = _PAIR_METAL.match(base) or _PAIR_METAL.match(re.sub(r"[\s\-.]+", "_", base))
    if m is None and not units:  # 土壤镉mg/kg, soil Cd mg/kg
        m2 = re.fullmatch(r"(.+?(?:" + "|".join(map(re.escape, _METAL_WORDS)) + r"))[\s_/]*([^\u4e00-\u9fff]+/.+)",
                          base, re.IGNORECASE)
        if m2:
            m, units = _PAIR_METAL.match(m2[1].strip()), [m2[2].strip()]
    if m is None:
        return None
    side, metal = _SIDE_OF[m["side"].lower()], _METAL_WORDS[m["metal"].lower()]
    canon = f"{side}_{metal}_mg_kg"
    units = [u for u in (names._FRESH_BASIS.sub(" ", names._DRY_BASIS.sub(" ", u)).strip(" ,;") for u in units)
             if u]  # the plant basis is stated with --basis, not read from the header
    header = repr(raw)
    expected = Message.of("exp.unit_of", target="mg/kg", examples="mg/kg, µg/kg, mg kg-1, ppm")
    if len(units) > 1:
        return PairHeader(canon, error=Message.of("val.header_two_units", header=header, first=repr(units[0]),
                                                  second=repr(units[1])), expected=expected)
    if not units:
        return PairHeader(canon, note=Message.of("val.header_no_unit", header=header, column=canon,
                                                 unit="mg/kg", tail=Message()))
    try:
        factor = names.unit_factor(units[0], "mg/kg")
    except names.UnitReadError as exc:
        return PairHeader(canon, error=Message.of(exc.code, header=header, **exc.params), expected=expected)
    if factor == 1.0:
        return PairHeader(canon, note=Message.of("val.header_read", header=header, column=canon, tail=Message()))
    return PairHeader(canon, factor=factor, note=Message.of("val.header_unit", header=header, unit=units[0],
                                                            target="mg/kg", factor=factor, column=canon,
                                                            tail=Message()))


def read_pair_header(name: str, metal: str = "cd") -> PairHeader:
    """Read a header of a pairs table: pairs column, unit factor, note or error.

    The pairs names (``soil_<metal>_mg_kg``, ``plant_<metal>_mg_kg``, ``pair_id``, their
    short English spellings and ``…_ug_kg``), then soil and plant metal headers in
    Chinese or English with the unit in brackets (``土壤镉``, ``土壤总镉(mg/kg)``,
    ``籽粒镉（mg/kg）``, ``糙米镉(μg/kg)``, ``稻米镉``, ``大米镉``, ``植株镉``,
    ``可食部镉`` for every metal of :data:`agriremed.core.columns.METALS`), then the
    header reader of plot tables (:func:`agriremed.core.names.read_header`: ``pH``,
    ``有机质(%)``, ``有机质(g/kg)`` → ``som_pct`` × 0.1, ``作物`` → ``crop``,
    ``样品编号``/``样点编号`` → ``pair_id``, extract columns such as ``有效态镉``).

    Parameters
    ----------
    name : str
        Header as found in the file.
    metal : str
        Metal code of the fit (the short spellings ``soil_cd``, ``cd_plant`` … of this metal).

    Returns
    -------
    PairHeader
        Canonical column, factor to its unit, note or error.

    Examples
    --------
    >>> read_pair_header("土壤镉(mg/kg)").canonical, read_pair_header("籽粒镉（μg/kg）").factor
    ('soil_cd_mg_kg', 0.001)
    >>> h = read_pair_header("有机质(g/kg)"); h.canonical, h.factor
    ('som_pct', 0.1)
    >>> read_pair_header("样品编号").canonical, read_pair_header("备注").known
    ('pair_id', False)
    """
    s = str(name).replace("\ufeff", "").strip().strip('"').strip().lower()
    s = re.sub(r"[\s\-.]+", "_", s)
    s = re.sub(r"_+", "_", s).strip("_")
    aliases = {f"soil_{metal}": f"soil_{metal}_mg_kg", f"{metal}_soil": f"soil_{metal}_mg_kg",
               f"plant_{metal}": f"plant_{metal}_mg_kg", f"{metal}_plant": f"plant_{metal}_mg_kg",
               "ph_water": "ph", "ph_h2o": "ph", "soil_ph": "ph", "som": "som_pct", "om_pct": "som_pct",
               "clay": "clay_pct", "cec": "cec_cmol_kg", "oc": "oc_g_kg", "soc_g_kg": "oc_g_kg",
               "id": "pair_id", "sample_id": "pair_id"}
    for ex in C.EXTRACTIONS:
        aliases[f"soil_{metal}_{ex}_mg_kg"] = C.metal_column(metal, ex)
    m = _UG_KG.match(s)
    if m:
        canon = f"{m['side']}_{m['metal']}_mg_kg"
        return PairHeader(canon, 0.001, Note.of("val.header_unit", header=repr(name), unit="µg/kg",
                                                target="mg/kg", factor=0.001, column=canon, tail=Message()))
    if s in aliases:
        canon = aliases[s]
        note = None if canon.endswith("_mg_kg") and s.endswith("_mg_kg") else \
            Note.of("val.header_read", header=repr(name), column=canon,
                    tail=Message.of("val.unit_assumed", unit="mg/kg") if canon.endswith("_mg_kg") else Message())
        return PairHeader(canon, note=note)
    if _PAIR_ONLY.match(s):
        return PairHeader(s, note=None if s == name else Note.of("val.header_read", header=repr(name), column=s,
                                                                 tail=Message()))
    pair = _pair_metal_header(str(name))
    if pair is not None:
        return pair
    h = names.read_header(str(name))
    canon = "pair_id" if h.canonical == "plot_id" else h.canonical
    crop_metal = (C.COLUMNS.get(canon) is not None and C.COLUMNS[canon].group == "crop_metal"
                  and canon != C.CROP_AS_INORGANIC)  # inorganic As is not the total a transfer function predicts
    if crop_metal:  # a metal measured in the harvest (grain_cd_mg_kg, Cd_rice, crop_cd_mg_kg): the plant side
        canon = plant_column(C.COLUMNS[canon].extra["metal"])
    spec = C.COLUMNS.get(canon)
    known = canon == "pair_id" or (spec is not None and (spec.role == "input" or crop_metal))
    note = h.note_msg
    if canon != h.canonical:
        note = (Message.of("val.header_unit", header=repr(name), unit=h.unit, target="mg/kg", factor=h.factor,
                           column=canon, tail=Message()) if h.factor != 1.0 else
                Message.of("val.header_read", header=repr(name), column=canon,
                           tail=Message.of("val.unit_assumed", unit="mg/kg") if crop_metal and h.unit is None
                           else Message()))
    if not known and h.error_msg is None:
        return PairHeader(canon, note=None if canon == str(name) else note, known=False)
    return PairHeader(canon, h.factor, note, h.error_msg, h.expected_msg or "", known)


def _canonical(name: str, metal: str) -> tuple[str, str | None]:
    """Canonical column name of a pairs header and a note when it was not an exact match."""
    h = read_pair_header(name, metal)
    return h.canonical, h.note


def validate_pairs(data, metal: str = "cd", crop: str | None = None, needed: tuple[str, ...] = ("ph",),
                   soil_measure: str = "total", tables: Tables | None = None) -> PairsValidation:
    """Validate a paired soil–plant table for one metal (and, optionally, one crop).

    Parameters
    ----------
    data : str, Path or pandas.DataFrame
        The pairs table (CSV, Excel, Parquet) or a DataFrame.
    metal : str
        Metal code (``cd``, ``pb`` …).
    crop : str, optional
        Keep the rows of this crop (code or alias of ``crops.csv``) when the table has a
        ``crop`` column; rows of other crops are set aside (reported in ``notes``).
    needed : tuple of str
        Variables the model uses besides the soil metal (``ph``, ``som_pct``,
        ``clay_pct``, ``cec_cmol_kg``, ``zn_cacl2_mg_kg`` …): each must be a column and
        filled in every row used.
    soil_measure : {"total", "cacl2", "hno3", "dtpa"}
        Soil extraction of the soil metal.
    tables : Tables, optional
        Literature tables (crop aliases, SOM/OC factor).

    Returns
    -------
    PairsValidation
        ``pairs`` (valid rows; soil metal, plant metal and ``needed`` columns as
        floats, ``som_pct`` derived from ``oc_g_kg`` when needed and absent),
        ``rejected`` rows with reasons, ``problems`` and ``notes``.
    """
    tables = tables or load_tables()
    raw, notes = read_table(data) if isinstance(data, (str, Path)) else (pd.DataFrame(data).copy(), [])
    attrs = dict(raw.attrs or getattr(data, "attrs", {}))  # how a file was read (header line, file lines)
    raw.attrs = {}
    raw = raw.set_axis([str(c) for c in raw.columns], axis=1).reset_index(drop=True)
    mapping, header_notes, factor_of, header_errors, unknown = _pair_headers(raw, metal)
    raw = raw.rename(columns=mapping)
    n = len(raw)
    ids = as_text(raw["pair_id"]).to_numpy(object) if "pair_id" in raw.columns else np.full(n, "", object)
    col = Collector(n, ids)
    for canon, note in header_notes:
        col.add_file(canon, header_note_severity(note), note)
    for header, error, expected in header_errors:
        col.add_file(header, "error", error, expected)
    for header in unknown:
        col.add_file(header, "warning", Message.of("val.pair_unused_column"),
                     Message.of("exp.pair_columns", soil=soil_column(metal, soil_measure),
                                plant=plant_column(metal)))
    dups = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    for d in dups:
        col.add_file(d, "error", Message.of("val.pair_duplicate_column", column=d), Message.of("exp.each_once"))
    if n == 0:
        col.add_file("", "error", Message.of("val.no_rows"), "at least one pair")
    use = _crop_rows(col, raw, crop, dups, tables, notes)
    factor = _derive_som(col, raw, needed, tables, notes)

    # ---- required columns --------------------------------------------------------------
    required = [soil_column(metal, soil_measure), plant_column(metal), *[v for v in needed if v != "soil"]]
    missing = [r for r in required if r not in raw.columns]
    for r in missing:
        spec = C.COLUMNS.get(r)
        if spec is None:
            expected = f"a column named {r}"
        elif r == "som_pct":
            expected = Message.of("exp.column_named_or", column=r, other="oc_g_kg")
        else:
            expected = Message.of("exp.column_named", column=r)
        col.add_file(r, "error", Message.of("val.missing_required", column=r, hint=Message()), expected)
    if missing or dups or n == 0 or header_errors:
        col.error_rows[:] = True

    # ---- cells -------------------------------------------------------------------------
    out = pd.DataFrame(index=raw.index)
    logged = {soil_column(metal, soil_measure), plant_column(metal)}
    for name in [r for r in required if r in raw.columns and r not in dups]:
        derived = name == "som_pct" and "som_pct" not in mapping.values()
        num = _check_pair_column(col, raw, name, derived, factor_of, use, name in logged)
        out[name] = som_from_oc(num, factor) if derived else num
    for keep in ("pair_id", "crop"):
        if keep in raw.columns and keep not in dups:
            out[keep] = as_text(raw[keep]).to_numpy(object)
    _check_repeated_pairs(col, raw, use, dups)
    _check_plant_plausible(col, raw, out, plant_column(metal), crop, use, tables)
    return _pairs_result(col, raw, out, use, notes, attrs)


def _rows_text(rows) -> str:
    return ", ".join(str(int(r) + 1) for r in rows)


def _check_repeated_pairs(col: Collector, raw: pd.DataFrame, use: np.ndarray, dups: list[str]) -> None:
    """Warn about rows identical to another row and about a ``pair_id`` used by several rows.

    Warnings, not errors (plot tables reject a repeated plot id, which keys every plot output):
    a pair's id only labels its diagnostics and the fit still runs, but a pair entered twice
    counts twice — a pseudo-replicate that narrows the coefficients' confidence intervals — so
    the user is told which rows to check. Only the rows of the fitted crop are compared.
    """
    if dups or not use.any():
        return
    rows = np.flatnonzero(use)
    cells = raw.iloc[rows].astype(str).apply(lambda c: c.str.strip())
    key = pd.Series(list(map(tuple, cells.to_numpy(object))), index=rows)
    same = key.duplicated(keep=False).to_numpy()
    identical = np.zeros(len(raw), bool)
    identical[rows[same]] = True
    if same.any():
        groups = key[same].groupby(key[same]).groups
        text = {r: _rows_text(g) for g in groups.values() for r in g}
        col.add(identical, "", None, "warning",
                lambda idx: [Message.of("val.pair_identical_rows", rows=text[i]) for i in idx],
                Message.of("exp.pair_once"))
    if "pair_id" not in raw.columns:
        return
    pid = as_text(raw["pair_id"]).iloc[rows]
    rep = (pid != "").to_numpy() & pid.duplicated(keep=False).to_numpy() & ~same
    if rep.any():
        both = pid[(pid != "").to_numpy() & pid.duplicated(keep=False).to_numpy()]
        groups = both.groupby(both).groups
        text = {r: _rows_text(g) for g in groups.values() for r in g}
        mask = np.zeros(len(raw), bool)
        mask[rows[rep]] = True
        col.add(mask, "pair_id", as_text(raw["pair_id"]).to_numpy(object), "warning",
                lambda idx: [Message.of("val.pair_duplicate_id", rows=text[i]) for i in idx],
                Message.of("exp.pair_id_once"))


def _check_plant_plausible(col: Collector, raw: pd.DataFrame, out: pd.DataFrame, plant: str,
                           crop: str | None, use: np.ndarray, tables: Tables) -> None:
    """Warn about plant values above ten times the highest GB 2762 limit of the metal for the
    crop (:func:`plant_typical_max`; for any crop, the registry's ``typical`` range of
    ``plant_<metal>_mg_kg``, when no crop is named): most often a value typed in µg/kg under a
    mg/kg header. The values are kept."""
    if plant not in out.columns:
        return
    hi, group = plant_typical_max(plant.split("_")[1], crop, tables)
    if hi is None:
        return
    x = out[plant].to_numpy(float)
    soft = use & ~np.isnan(x) & (x > hi)
    col.add(soft, plant, as_text(raw[plant]).to_numpy(object), "warning", Message.of("val.unusual"),
            Message.of("exp.plant_typical", hi=f"{hi:g}", crop=crop, group=group))


def plant_typical_max(metal: str, crop: str | None = None, tables: Tables | None = None):
    """Highest plausible plant concentration of a metal: 10 × the highest GB 2762 limit.

    Parameters
    ----------
    metal : str
        Metal code.
    crop : str, optional
        Crop code: the limits of its ``crop_group`` (``crops.csv``) are used; all GB 2762
        limits of the metal when None or when the crop has none.
    tables : Tables, optional
        Literature tables (``food_limits.csv``, ``crops.csv``).

    Returns
    -------
    tuple
        (limit × 10 [mg kg⁻¹] or None when GB 2762 sets no limit for the metal, the crop
        group of the limit or ``"all crops"``).

    Examples
    --------
    >>> plant_typical_max("cd", "rice")
    (2.0, 'rice')
    """
    tables = tables or load_tables()
    fl = tables.food_limits
    fl = fl.loc[(fl["standard"] == "GB2762") & (fl["metal"] == metal)]
    group = "all crops"
    if crop is not None:
        crops = tables.crops.set_index("crop")
        g = crops["crop_group"].get(crop)
        mine = fl.loc[fl["crop_group"].isin([crop, g])]
        if len(mine):
            fl, group = mine, str(mine["crop_group"].iloc[0])
    if fl.empty:
        return None, group
    return 10.0 * float(pd.to_numeric(fl["limit_mg_kg"]).max()), group


def _pair_headers(raw: pd.DataFrame, metal: str):
    """Headers read: original → canonical name, the (canonical, note) of each converted header,
    canonical name → unit factor (µg/kg headers: 1e-3 to mg/kg; SOM in g/kg: 0.1 to %), the
    headers that cannot be read (original, error, expected) and the unknown ones."""
    mapping, header_notes, factor_of, errors, unknown = {}, [], {}, [], []
    for col in raw.columns:
        h = read_pair_header(col, metal)
        mapping[col] = h.canonical
        factor_of[h.canonical] = h.factor
        if h.error is not None:
            errors.append((col, h.error, h.expected))
        elif h.note:
            header_notes.append((h.canonical, h.note))
        if not h.known and h.error is None:
            unknown.append(col)
    return mapping, header_notes, factor_of, errors, unknown


def _crop_rows(col: Collector, raw: pd.DataFrame, crop: str | None, dups: list[str], tables: Tables,
               notes: list[str]) -> np.ndarray:
    """Rows of ``crop`` (code or alias; all rows without a crop or a crop column); rows of other
    crops are noted as set aside, no row of the crop is an error."""
    n = len(raw)
    use = np.ones(n, bool)
    if crop is not None and "crop" in raw.columns and not dups:
        lookup = {c.lower(): c for c in tables.crops["crop"]}
        for c, aliases in zip(tables.crops["crop"], tables.crops["aliases"], strict=True):
            for a in str(aliases).split("|"):
                if a.strip():
                    lookup[a.strip().lower()] = c
        want = lookup.get(str(crop).strip().lower(), str(crop).strip().lower())
        got = as_text(raw["crop"]).str.lower().map(lambda x: lookup.get(x, x)).to_numpy(object)
        use = got == want
        if not use.any():
            present = sorted({str(x) for x in got if x})
            col.add_file("crop", "error", f"no row for crop {crop!r}",
                         "one of the crops in the file: " + (", ".join(present) or "(none)"))
        elif (~use).any():
            notes.append(Note(Message.of("fit.note_other_crops", n=int((~use).sum()), crop=str(want))))
    elif crop is not None:
        notes.append(Note(Message.of("fit.note_no_crop_column", crop=str(crop))))
    return use


def _derive_som(col: Collector, raw: pd.DataFrame, needed, tables: Tables, notes: list[str]) -> float:
    """When ``som_pct`` is needed and only ``oc_g_kg`` is given, put the OC values in a ``som_pct``
    column of ``raw`` (converted after the checks); returns the SOM/OC factor [–]."""
    factor = tables.factor("som_per_oc")
    if "som_pct" in needed and "som_pct" not in raw.columns and "oc_g_kg" in raw.columns:
        raw["som_pct"] = raw["oc_g_kg"]  # converted below, after the checks on oc_g_kg
        f = tables.factors
        source = f.loc[f["factor"].eq("som_per_oc"), "source"].iloc[0]
        notes.append(Note(Message.of("fit.note_som_from_oc", factor=float(factor), source=source)))
    elif "som_pct" in needed and "som_pct" in raw.columns and "oc_g_kg" in raw.columns:
        col.add_file("oc_g_kg", "warning", Message.of("val.pair_som_and_oc"), "")
    return factor


def _check_pair_column(col: Collector, raw: pd.DataFrame, name: str, derived: bool, factor_of: dict,
                       use: np.ndarray, logged: bool) -> np.ndarray:
    """Report the cells of the model column ``name`` (of ``oc_g_kg`` when SOM is ``derived``) that
    are not numbers, blank, not positive (``logged``: the model takes their log) or out of range;
    returns the values [mg/kg for µg/kg headers], blank where rejected."""
    n = len(raw)
    spec = C.COLUMNS.get(name)
    report = "oc_g_kg" if derived else name  # problems name the column the user wrote
    text = as_text(raw[report])
    if derived:
        spec = C.COLUMNS["oc_g_kg"]
    if pd.api.types.is_numeric_dtype(raw[report]) and not pd.api.types.is_bool_dtype(raw[report]):
        num = raw[report].to_numpy(float, copy=True)  # numbers stay numbers (no rounding via text)
        blank = np.isnan(num)
    else:
        blank = na_cells(text)
        num = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(float, copy=True)
    bad_text = ~blank & np.isnan(num)
    num = num * factor_of.get(report, 1.0)  # µg/kg headers: checked and kept in mg/kg
    comma = bad_text & text.str.fullmatch(r"[-+]?\d+,\d+").to_numpy()
    expected = expected_message(spec) if spec is not None else Message.of("exp.number", unit=Message())
    col.add(use & comma, report, text, "error", Message.of("val.decimal_comma", example="0.25"), expected)
    col.add(use & bad_text & ~comma, report, text, "error", Message.of("val.not_number", tail=Message()), expected)
    col.add(use & blank, report, text, "error", Message.of("val.pair_blank"), expected)
    ok = ~np.isnan(num)
    if logged:
        col.add(use & ok & (num <= 0), name, text, "error",
                Message.of("val.pair_not_positive"), expected)
        bad = ok & (num <= 0)
    else:
        bad = np.zeros(n, bool)
    if name == "ph":  # no function is evaluated outside PH_DOMAIN: a pair there cannot enter a fit
        lo, hi = (spec.valid if spec is not None else (None, None))
        inside_valid = ok & ((num >= lo) if lo is not None else True) & ((num <= hi) if hi is not None else True)
        domain = inside_valid & ~bad & ((num < PH_DOMAIN[0]) | (num > PH_DOMAIN[1]))
        col.add(use & domain, report, text, "error",
                Message.of("val.pair_ph_domain", lo=float(PH_DOMAIN[0]), hi=float(PH_DOMAIN[1])),
                Message.of("exp.ph_domain", lo=float(PH_DOMAIN[0]), hi=float(PH_DOMAIN[1])))
        bad = bad | domain
    if spec is not None and spec.dtype == "float":
        bad = _check_pair_range(col, report, spec, text, num, ok, bad, use, expected)
    num[bad | bad_text] = np.nan
    return num


def _check_pair_range(col: Collector, report: str, spec, text, num: np.ndarray, ok: np.ndarray,
                      bad: np.ndarray, use: np.ndarray, expected) -> np.ndarray:
    """Report values outside the registry's valid range (errors) and typical range (warnings);
    returns ``bad`` with the rows out of the valid range added."""
    n = len(num)
    lo, hi = spec.valid
    lo_open, hi_open = spec.valid_open
    below = (ok & ~bad & ((num <= lo) if lo_open else (num < lo)) if lo is not None
             else np.zeros(n, bool))
    above = ok & ((num >= hi) if hi_open else (num > hi)) if hi is not None else np.zeros(n, bool)
    col.add(use & below, report, text, "error", Message.of("val.below", tail=Message()), expected)
    col.add(use & above, report, text, "error", Message.of("val.above_unit", tail=Message()), expected)
    bad = bad | below | above
    if spec.typical is not None and not report.startswith("plant_"):  # plant: _check_plant_plausible
        tlo, thi = spec.typical
        soft = ok & ~bad & (((num < tlo) if tlo is not None else False) |
                            ((num > thi) if thi is not None else False))
        col.add(use & soft, report, text, "warning", Message.of("val.unusual"),
                typical_message(tlo, thi, spec.unit))
    return bad


def _pairs_result(col: Collector, raw: pd.DataFrame, out: pd.DataFrame, use: np.ndarray,
                  notes: list[str], attrs: dict | None = None) -> PairsValidation:
    """Valid pairs of the rows used, rejected rows with their reasons, problems (with the file
    line of each row when the pairs were read from a file) and notes."""
    n = len(raw)
    problems = col.frame()
    header_line = (attrs or {}).get("header_line")
    if header_line is not None:
        lines = (attrs or {}).get("lines")
        line_of = (np.asarray(lines, int) if lines is not None and len(lines) == n
                   else np.arange(1, n + 1) + int(header_line))
        problems.insert(1, "line", pd.array([line_of[int(r) - 1] if not pd.isna(r) else pd.NA
                                             for r in problems["input_row"]], dtype="Int64"))
    err = col.error_rows
    out.insert(0, "input_row", np.arange(1, n + 1))
    good = use & ~err
    pairs = out.loc[good].reset_index(drop=True)
    rejected = raw.loc[use & err].copy()
    rejected.insert(0, "input_row", np.flatnonzero(use & err) + 1)
    errs = problems.loc[problems["severity"] == "error"]
    by_row = errs.dropna(subset=["input_row"]).assign(
        msg=lambda d: d["column"].fillna("").map(lambda c: f"{c}: " if c else "") + d["problem"]
    ).groupby("input_row")["msg"].agg("; ".join)
    file_reason = "; ".join(errs.loc[errs["input_row"].isna(), "problem"])
    rejected["reasons"] = [by_row.get(r, file_reason) or file_reason for r in rejected["input_row"]]
    return PairsValidation(plots=pairs, rejected=rejected.reset_index(drop=True), problems=problems,
                           n_input=n,
                           notes=notes + [Note(Message.of("fit.note_pairs_used", valid=int(good.sum()), n=int(use.sum())))])


def fit_transfer_function(pairs, metal: str = "cd", crop: str | None = None, terms=None, method: str = "ols",
                          soil_measure: str = "total", plant_basis: str = "unknown",
                          function_id: str | None = None, source_name: str | None = None, priority: int = 0,
                          provinces: str = "", region: str = "", cv_folds: int = 5, seed: int = 20261123,
                          cooks_threshold: float | None = None, tables: Tables | None = None) -> TransferFit:
    """Fit a log–log transfer function to paired soil–plant data.

    Parameters
    ----------
    pairs : str, Path or pandas.DataFrame
        Pairs table (see :mod:`agriremed.io.pairs`): ``soil_<metal>_mg_kg``
        [mg kg⁻¹], ``plant_<metal>_mg_kg`` [mg kg⁻¹], ``ph`` [–] and the variables of
        ``terms``; optional ``crop``, ``pair_id``, ``oc_g_kg`` [g kg⁻¹].
    metal : str
        Metal code.
    crop : str, optional
        Crop the function is for (rows of other crops are set aside). Required unless
        the table has a ``crop`` column with a single crop.
    terms : sequence of str, optional
        Model terms besides the constant; default :data:`DEFAULT_TERMS` restricted to
        the variables present in the table (``log10(soil)`` and ``ph`` always).
    method : {"ols", "huber"}
        Ordinary least squares or Huber robust regression.
    soil_measure : {"total", "cacl2", "hno3", "dtpa"}
        Soil extraction of the soil metal.
    plant_basis : {"dw", "fw", "unknown"}
        Basis of the plant concentrations; ``unknown`` is compared with as-sold food
        limits as is (conservative).
    function_id : str, optional
        Identifier; default ``user_<crop>_<metal>_<file name>`` (``user_<crop>_<metal>``
        for a DataFrame).
    source_name : str, optional
        Name of the data in the source row; default the file name.
    priority : int
        Selection priority in a plan (0 = before every packaged function).
    provinces, region : str
        Where the data come from (``provinces`` '|'-separated: plots naming one of them
        in ``region`` choose this function first).
    cv_folds : int
        Folds of the cross-validation (at most the number of pairs).
    seed : int
        Seed of the fold split and the gradient-boosting model.
    cooks_threshold : float, optional
        Cook's distance above which a pair is flagged influential; default 4/n.
    tables : Tables, optional
        Literature tables (crop aliases, SOM/OC factor).

    Returns
    -------
    TransferFit
        Coefficients with 95 % CIs, diagnostics, cross-validation, the
        ``transfer_functions.csv`` row and the validation of the pairs.

    Raises
    ------
    FitError
        Unknown method, basis or term; no valid pairs; fewer valid pairs than
        coefficients + 3; a term that is constant in the data.

    Examples
    --------
    Pairs simulated from log10 C = 0.6 + 0.4·log10 S − 0.15·pH with 0.1 log10 noise:

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> soil, ph = 10 ** rng.uniform(-1, 0.5, 60), rng.uniform(5, 8, 60)
    >>> plant = 10 ** (0.6 + 0.4 * np.log10(soil) - 0.15 * ph + rng.normal(0, 0.1, 60))
    >>> f = fit_transfer_function(pd.DataFrame({"soil_cd_mg_kg": soil, "plant_cd_mg_kg": plant, "ph": ph}),
    ...                           crop="wheat")
    >>> f.terms, f.function_row().loc[0, "function_id"]
    (('log10(soil)', 'ph'), 'user_wheat_cd')
    >>> c = f.coefficients.set_index("model_term")
    >>> bool(c.loc["ph", "coef_ci_low"] < -0.15 < c.loc["ph", "coef_ci_high"])
    True
    """
    tables = tables or load_tables()
    check_fit_options(metal, method, plant_basis, soil_measure)
    check_provinces(provinces, tables)
    if crop is not None:  # a crop alias (水稻, paddy rice) is read as its code, as in plot tables
        lookup = crop_lookup(tables.crops)
        key = str(crop).strip().lower()
        crop = lookup.get(key) or lookup.get(re.sub(r"[\s\-]+", "_", key)) or crop
    read_notes: list[str] = []
    stem = ""
    if isinstance(pairs, (str, Path)):
        source_name, stem = source_name or Path(pairs).name, Path(pairs).stem
        pairs, read_notes = read_table(pairs)
    source_name = source_name or "user data (DataFrame)"
    if terms is None:
        have = {_canonical(c, metal)[0] for c in pd.DataFrame(pairs).columns}
        have |= {"som_pct"} if "oc_g_kg" in have else set()
        terms = [t for t in DEFAULT_TERMS
                 if t in DEFAULT_TERMS[:2] or parse_model_terms([t], require_soil=False)[0][1] in have]
    parsed = parse_model_terms(terms)
    needed = tuple(dict.fromkeys(v for _, v, _ in parsed if v != "soil"))
    needed = tuple("ph" if v == "ph_kcl" else v for v in needed)
    v = validate_pairs(pairs, metal, crop, needed, soil_measure, tables)
    v.notes[:0] = read_notes
    fit = fit_pairs(v, metal, crop, terms, method, soil_measure, plant_basis, function_id, source_name, stem,
                    priority, provinces, region, cv_folds, seed, cooks_threshold)
    fit.warnings.extend(bcf_warnings(fit, tables))
    return fit


def check_provinces(provinces: str, tables: Tables | None = None) -> None:
    """Raise :class:`FitError` naming every part of ``provinces`` ('|'-separated) that is not a
    province of ``provinces.csv`` (English, Chinese or an alias: ``Hunan``, ``湖南``, ``湖南省``):
    a misspelt province would make the fitted function apply to no plot.

    Examples
    --------
    >>> check_provinces("Hunan|湖南省|Jiangxi")
    >>> check_provinces("Hunnan|Jiangxi")
    Traceback (most recent call last):
    ...
    agriremed.stages.uptake.fit.FitError: --provinces 'Hunnan': not a province of China (provinces.csv); expected '|'-separated provinces such as Hunan|湖南|Jiangxi
    """
    tables = tables or load_tables()

    def province(p):  # the province itself, not a place in one (Hunnan is a district of Shenyang)
        return len(i18n.region_path(p, tables)) == 1 and bool(i18n.region_province(p, tables))

    bad = [p.strip() for p in str(provinces or "").split("|") if p.strip() and not province(p.strip())]
    if bad:
        raise FitError(f"--provinces {', '.join(map(repr, bad))}: not a province of China (provinces.csv); "
                       "expected '|'-separated provinces such as Hunan|湖南|Jiangxi")


def bcf_band(crop: str, metal: str, tables: Tables | None = None):
    """Plausible band of the geometric-mean bioconcentration factor of a crop × metal.

    The band is the lowest and highest ratio of mean plant to mean soil metal among the field
    surveys of ``uptake_surveys.csv`` for the crop and metal, widened tenfold each way
    (agriremed's own rule: a data set outside it is most often in another unit, µg/kg or
    g/kg, or another plant part).

    Parameters
    ----------
    crop, metal : str
        Crop and metal codes.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    tuple or None
        (low, high, survey ids) [–: plant mg kg⁻¹ / soil mg kg⁻¹], None without a survey.

    Examples
    --------
    >>> lo, hi, ids = bcf_band("rice", "cd")
    >>> lo < 0.1 < 1.0 < hi < 100
    True
    """
    tables = tables or load_tables()
    s = tables.uptake_surveys
    s = s.loc[(s["crop"] == crop) & (s["metal"] == metal)]
    ratio = pd.to_numeric(s["crop_mean_mg_kg"], errors="coerce") / pd.to_numeric(s["soil_mean_mg_kg"],
                                                                                errors="coerce")
    ok = ratio.notna() & (ratio > 0)
    if not ok.any():
        return None
    return float(ratio[ok].min()) / 10.0, float(ratio[ok].max()) * 10.0, tuple(s.loc[ok, "survey_id"])


def bcf_warnings(fit: TransferFit, tables: Tables | None = None) -> list[Message]:
    """A warning when the geometric-mean BCF of the pairs is outside :func:`bcf_band` (only for a
    fit on total soil metal)."""
    if fit.soil_measure != "total":
        return []
    band = bcf_band(fit.crop, fit.metal, tables)
    bcf = fit.stats["bcf_geometric_mean"]
    if band is None or band[0] <= bcf <= band[1]:
        return []
    return [Message.of("fit.warn_bcf", bcf=bcf, lo=band[0], hi=band[1], n=len(band[2]))]


def folder_warnings(fit: TransferFit, out: str | Path) -> list[Message]:
    """Warnings when the tables folder ``out`` already holds another usable function for the
    fit's crop, metal and soil measure with the same provinces.

    A plan tries the user's functions (``priority`` ≤ 0) in ascending ``priority`` and, at equal
    priority, in the row order of ``transfer_functions.csv`` (a stable sort), and takes the
    first whose inputs are given (a function fitted to user data is extrapolated beyond the
    range of its data, :func:`agriremed.stages.uptake.predict.predict_crop_concentration`).
    :func:`write_fit` puts a new function after the rows already there, so at equal priority
    the function already in the folder is used for every plot whose inputs it has, and the new
    one only where it lacks an input.

    Parameters
    ----------
    fit : TransferFit
        The fitted function.
    out : str or Path
        Tables folder it is to be written to.

    Returns
    -------
    list of Message
        One ``fit.warn_folder_same`` per such function, and ``fit.warn_folder_replaced`` when the
        folder already holds a function of the same id (the new fit replaces it).
    """
    p = Path(out) / TABLE_FILES["transfer_functions"]
    if not p.exists():
        return []
    old = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    need = {"function_id", "applies_to", "metal", "priority"}
    if not need <= set(old.columns):
        return []
    out_msgs = []
    mine = set(fit.provinces.split("|")) - {""}
    for r in old.to_dict("records"):
        if r["function_id"] == fit.function_id:  # written again: the new fit replaces the row
            out_msgs.append(Message.of("fit.warn_folder_replaced", function=fit.function_id))
            continue
        if r["metal"] != fit.metal:
            continue
        if str(r.get("usable", "True")).strip().lower() in ("false", "0", "no"):
            continue
        if fit.crop not in str(r["applies_to"]).split("|"):
            continue
        if (r.get("soil_measure") or "total") != fit.soil_measure:
            continue
        if set(str(r.get("provinces", "")).split("|")) - {""} != mine:
            continue
        try:
            prio = float(r["priority"])
        except ValueError:
            continue
        first, second = ((r["function_id"], fit.function_id) if prio <= fit.priority
                         else (fit.function_id, r["function_id"]))
        out_msgs.append(Message.of("fit.warn_folder_same", other=r["function_id"], crop=fit.crop,
                                   metal=C.METAL_NAMES[fit.metal][0], priority=f"{prio:g}",
                                   first=first, second=second))
    return out_msgs


def write_fit(fit: TransferFit, out: str | Path) -> dict[str, Path]:
    """Write the function and its reports to a folder usable as a user table folder.

    ``transfer_functions.csv`` and ``sources.csv`` in ``out`` gain (or update) this
    function's rows — other functions already there are kept — so several fits can
    share a folder, and ``load_tables(out)`` / ``agriremed plan --tables out`` use
    them. ``<function_id>_coefficients.csv``, ``_diagnostics.csv``,
    ``_cross_validation.csv``, ``_cv_predictions.csv``, ``_problems.csv`` and
    ``_summary.txt`` hold the reports. Another function of the folder for the same crop,
    metal, soil measure and provinces is a warning of the fit (:func:`folder_warnings`:
    which one a plan uses).

    Parameters
    ----------
    fit : TransferFit
        The fitted function (:func:`fit_transfer_function`).
    out : str or Path
        Folder to write to (created when missing).

    Returns
    -------
    dict
        Name → path of every file written.
    """
    out = Path(out)
    fit.warnings.extend(w for w in folder_warnings(fit, out) if w not in fit.warnings)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for table, row, key in (("transfer_functions", fit.function_row(), "function_id"),
                            ("sources", fit.source_row(), "key")):
        p = out / TABLE_FILES[table]
        old = (pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
               if p.exists() else None)
        rows = row.astype(str) if old is None else pd.concat(
            [old.loc[old[key] != row[key].iloc[0]], row.astype(str)], ignore_index=True)
        rows.to_csv(p, index=False, lineterminator="\n", encoding="utf-8")
        paths[table] = p
    fid = fit.function_id
    for name, df in (("coefficients", fit.coefficients), ("diagnostics", fit.diagnostics),
                     ("cross_validation", fit.cv), ("cv_predictions", fit.cv_predictions),
                     ("problems", fit.validation.problems.rename(columns={"plot_id": "pair_id"}))):
        paths[name] = write_csv(df, out / f"{fid}_{name}.csv")
    p = out / f"{fid}_summary.txt"
    p.write_text(fit.summary(), encoding="utf-8")
    paths["summary"] = p
    return paths
