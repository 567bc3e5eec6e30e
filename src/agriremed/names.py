"""Header and value spellings: map what users type to canonical names.

Headers are matched case-insensitively after trimming spaces, BOMs and punctuation;
known aliases (English and Chinese) and metal headers with a stated unit
(``Cd (mg/kg)``, ``cd_ug_kg``, ``Pb_ppm``) are recognised. Every mapping that is not an
exact match is reported by validation, so nothing is renamed or converted silently.
"""

from __future__ import annotations

import re

from . import columns as C

__all__ = ["LAND_USE_ALIASES", "BASIC_FARMLAND_ALIASES", "normalise_header", "is_known_header"]

#: Spellings accepted for each land-use class (compared case-insensitively).
LAND_USE_ALIASES: dict[str, str] = {
    "paddy": "paddy", "paddy field": "paddy", "rice paddy": "paddy", "paddy_field": "paddy",
    "水田": "paddy", "稻田": "paddy",
    "upland": "upland", "dryland": "upland", "dry land": "upland", "upland field": "upland",
    "旱地": "upland", "旱田": "upland",
    "orchard": "orchard", "果园": "orchard", "园地": "orchard",
    "vegetable": "vegetable", "vegetables": "vegetable", "vegetable field": "vegetable",
    "菜地": "vegetable", "蔬菜地": "vegetable",
    "marginal": "marginal", "marginal land": "marginal", "wasteland": "marginal",
    "边际土地": "marginal", "边际地": "marginal", "荒地": "marginal", "撂荒地": "marginal",
}

#: Spellings accepted for the permanent-basic-farmland flag (compared case-insensitively).
BASIC_FARMLAND_ALIASES: dict[str, str] = {
    "yes": "yes", "y": "yes", "true": "yes", "1": "yes", "是": "yes", "永久基本农田": "yes",
    "no": "no", "n": "no", "false": "no", "0": "no", "否": "no", "不是": "no", "非永久基本农田": "no",
    "unknown": "unknown", "not known": "unknown", "?": "unknown", "未知": "unknown", "不详": "unknown",
    "不清楚": "unknown",
}

_HEADER_ALIASES = {
    "id": "plot_id", "plot": "plot_id", "plotid": "plot_id", "plot_no": "plot_id",
    "地块编号": "plot_id", "编号": "plot_id",
    "landuse": "land_use", "土地利用类型": "land_use", "土地利用": "land_use",
    "ph_water": "ph", "ph_h2o": "ph", "soil_ph": "ph", "ph值": "ph", "土壤ph": "ph",
    "som": "som_pct", "om_pct": "som_pct", "organic_matter_pct": "som_pct", "有机质": "som_pct",
    "clay": "clay_pct", "黏粒": "clay_pct",
    "cec": "cec_cmol_kg",
    "bd": "bulk_density_g_cm3", "bulk_density": "bulk_density_g_cm3", "容重": "bulk_density_g_cm3",
    "depth": "depth_m", "plough_depth_m": "depth_m",
    "area": "area_ha", "面积": "area_ha",
    "作物": "crop", "current_crop": "crop",
    "latitude": "lat", "longitude": "lon", "纬度": "lat", "经度": "lon",
    "地区": "region",
    "永久基本农田": "basic_farmland", "基本农田": "basic_farmland", "permanent_basic_farmland": "basic_farmland",
}

_METAL_UNIT_RE = re.compile(
    r"^(?P<metal>cd|hg|as|pb|cr|cu|ni|zn)(?:_(?P<ex>cacl2|hno3|dtpa))?"
    r"(?:_?\(?(?P<unit>mg_kg|mg/kg|ppm|ug_kg|ug/kg|µg_kg|µg/kg|μg_kg|μg/kg|g_kg|g/kg|ppb)\)?)?$"
)
_UNIT_FACTOR = {None: 1.0, "mg_kg": 1.0, "mg/kg": 1.0, "ppm": 1.0, "ug_kg": 1e-3, "ug/kg": 1e-3,
                "µg_kg": 1e-3, "µg/kg": 1e-3, "μg_kg": 1e-3, "μg/kg": 1e-3, "ppb": 1e-3,
                "g_kg": 1e3, "g/kg": 1e3}


def normalise_header(name: str) -> tuple[str, float, str | None]:
    """Map a user column header to a canonical column name.

    Parameters
    ----------
    name : str
        Header as found in the file (``'Cd (mg/kg)'``, ``'pH'``, ``'cd_ug_kg'``).

    Returns
    -------
    canonical : str
        Canonical name when recognised, otherwise the cleaned header.
    factor : float
        Multiplier that converts the column's values to the canonical unit
        (1 unless the header states another unit, e.g. 0.001 for µg/kg).
    note : str or None
        Description of the mapping when it was not an exact match.
    """
    raw = str(name)
    s = raw.replace("\ufeff", "").strip().strip('"').strip().lower()
    s = re.sub(r"[\s\-.]+", "_", s)
    s = re.sub(r"_+", "_", s).strip("_")
    if s in C.COLUMNS and C.COLUMNS[s].role == "input":
        return s, 1.0, None if s == raw else f"header {raw!r} read as {s}"
    if s in _HEADER_ALIASES:
        canon = _HEADER_ALIASES[s]
        return canon, 1.0, f"header {raw!r} read as {canon}"
    m = _METAL_UNIT_RE.match(s.replace("(", "_(").replace("__", "_"))
    if m is None:
        m = _METAL_UNIT_RE.match(s)
    if m:
        canon = C.metal_column(m["metal"], m["ex"])
        unit = m["unit"]
        factor = _UNIT_FACTOR[unit]
        if unit is None:
            return canon, 1.0, f"header {raw!r} has no unit: read as {canon} (mg/kg assumed)"
        if factor == 1.0:
            return canon, 1.0, f"header {raw!r} read as {canon}"
        return canon, factor, (f"header {raw!r} states {unit.replace('_', '/')}: values converted "
                               f"to mg/kg (× {factor:g}) as {canon}")
    return s, 1.0, None




def is_known_header(name: str) -> bool:
    """True when ``name`` maps to a registered input column."""
    canon = normalise_header(name)[0]
    spec = C.COLUMNS.get(canon)
    return spec is not None and spec.role == "input"
