"""The column registry: one place that says what every column means.

Every column that agriremed reads or writes is declared here once, with its unit,
its English and Chinese labels, a description, its data type and its valid range.
Validation (:mod:`agriremed.io.validate`), docstrings, widget labels, axis titles and
the column glossary in the report are all generated from this registry, so a unit
or a label is never written twice.

Column names carry their unit as a suffix (``cd_mg_kg``, ``biomass_t_dm_ha_yr``).
Concentrations in soil are on a dry-mass basis; concentrations in crops carry an
explicit basis in their name (``_dw`` dry weight, ``_fw`` fresh weight as marketed).

Examples
--------
>>> from agriremed.core.columns import COLUMNS, label
>>> COLUMNS["cd_mg_kg"].unit
'mg/kg'
>>> label("cd_mg_kg")
'Cd, total in soil [mg kg⁻¹]'
>>> label("ph", lang="zh")
'土壤pH（水浸提） [–]'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "METALS",
    "OTHER_METALS",
    "METAL_NAMES",
    "LAND_USES",
    "LOCATION_COLUMNS",
    "PASSED_THROUGH",
    "Column",
    "COLUMNS",
    "INPUT_COLUMNS",
    "label",
    "unit_display",
    "metal_column",
    "CROP_METALS",
    "CROP_AS_INORGANIC",
    "CROP_DRY_WEIGHT",
    "CROP_METAL_COLUMNS",
    "crop_metal_column",
    "METAL_LIST_SEP",
    "metal_list",
    "metal_codes",
    "register",
]

#: Metals (and the metalloid As) handled by the planner, in the order of GB 15618-2018.
METALS: tuple[str, ...] = ("cd", "hg", "as", "pb", "cr", "cu", "ni", "zn")

#: Separator of every per-row list of metals (``metals_exceeding``, ``censored_metals``, ``crop_censored_metals``,
#: ``crop_dry_weight_metals``, ``values_to_check``, ``near_class_boundary`` …): metal codes of :data:`METALS`
#: (``as_inorganic`` for inorganic As in the harvest; a code may carry a qualifier: ``cd@215``, ``cd:screening``,
#: with no ``+`` in it: a number is written without an exponent) joined by ``+`` in a fixed order, ``cd+pb``. A list never starts with ``+`` (no empty item), so no cell is
#: one a spreadsheet reads as a formula (:func:`agriremed.io.readers.write_csv` quotes such cells anyway).
METAL_LIST_SEP = "+"


def metal_list(codes) -> str:
    """Metal codes joined as every per-row metal list is (:data:`METAL_LIST_SEP`), blank items left out.

    >>> metal_list(["cd", "", "as_inorganic"])
    'cd+as_inorganic'
    """
    return METAL_LIST_SEP.join(c for c in codes if c)


def metal_codes(text) -> list[str]:
    """The items of a per-row metal list (:func:`metal_list`); a list written with ``|`` (an output of an
    earlier version, before the lists were unified) is split at ``|`` only; ``[]`` for a blank or missing cell.

    >>> metal_codes("cd+pb"), metal_codes("cd@215|pb"), metal_codes("cd@1e+06|pb"), metal_codes(None)
    (['cd', 'pb'], ['cd@215', 'pb'], ['cd@1e+06', 'pb'], [])
    """
    if not isinstance(text, str):
        return []
    return [c.strip() for c in text.split("|" if "|" in text else METAL_LIST_SEP) if c.strip()]

#: Elements a county sheet may measure beside :data:`METALS` (锑 Sb near antimony mines, 铊 Tl …), which
#: have no screening value, food limit or transfer function here: Chinese name → symbol
#: (read by :func:`agriremed.core.names.other_metal`).
OTHER_METALS: dict[str, str] = {"锑": "Sb", "铊": "Tl", "钼": "Mo", "钴": "Co", "锰": "Mn", "硒": "Se", "铍": "Be",
                                "锡": "Sn", "钡": "Ba", "银": "Ag", "钒": "V"}

#: Element names (EN, 中文) for each metal code.
METAL_NAMES: dict[str, tuple[str, str]] = {
    "cd": ("Cd", "镉"),
    "hg": ("Hg", "汞"),
    "as": ("As", "砷"),
    "pb": ("Pb", "铅"),
    "cr": ("Cr", "铬"),
    "cu": ("Cu", "铜"),
    "ni": ("Ni", "镍"),
    "zn": ("Zn", "锌"),
}

#: Input columns that say where a plot lies (besides ``region``): carried from the input into
#: the summary, the workbook, the report's recommendation table and the plot sheet when the
#: input has them, so that a plot can be handed to its village and found in the field.
LOCATION_COLUMNS: tuple[str, ...] = ("village", "lat", "lon")

#: Registered columns that a reader adds to the input table itself and the plan carries unchanged after its
#: computed columns, as it does the input columns the registry does not know (passed through): the polygon area
#: of a GIS layer beside its area field (:func:`agriremed.io.geo.read_layer`), a number.
PASSED_THROUGH: tuple[str, ...] = ("geometry_area_ha",)

#: Land-use classes of the input contract.
LAND_USES: tuple[str, ...] = ("paddy", "upland", "orchard", "vegetable", "marginal")

#: Extractions for which per-metal columns exist (``cd_cacl2_mg_kg`` etc.).
EXTRACTIONS: dict[str, tuple[str, str, str]] = {
    "cacl2": ("0.01 M CaCl₂-extractable", "CaCl₂提取态", "0.01 M CaCl2-extractable"),
    "hno3": ("0.43 M HNO₃-extractable", "HNO₃提取态", "0.43 M HNO3-extractable (reactive)"),
    "dtpa": ("DTPA-extractable", "DTPA提取态", "DTPA-extractable"),
}

_UNIT_DISPLAY = {
    "": "–",
    "1": "–",
    "mg/kg": "mg kg⁻¹",
    "g/cm3": "g cm⁻³",
    "m": "m",
    "ha": "ha",
    "%": "%",
    "degree": "°",
    "mm/yr": "mm yr⁻¹",
    "degC": "°C",
    "t/ha": "t ha⁻¹",
    "kg/ha": "kg ha⁻¹",
    "g/ha": "g ha⁻¹",
    "g/ha/yr": "g ha⁻¹ yr⁻¹",
    "1/yr": "yr⁻¹",
    "t/ha/yr": "t ha⁻¹ yr⁻¹",
    "yr": "yr",
    "GJ/ha/yr": "GJ ha⁻¹ yr⁻¹",
    "MWh/ha/yr": "MWh ha⁻¹ yr⁻¹",
    "t CO2e/ha/yr": "t CO₂e ha⁻¹ yr⁻¹",
    "t CO2e/ha": "t CO₂e ha⁻¹",
    "t CO2e": "t CO₂e",
    "CNY/ha": "CNY ha⁻¹",
    "CNY/ha/yr": "CNY ha⁻¹ yr⁻¹",
    "CNY": "CNY",
    "CNY/g": "CNY g⁻¹",
    "cmol/kg": "cmol(+) kg⁻¹",
    "g/kg": "g kg⁻¹",
    "m3/ha/yr": "m³ ha⁻¹ yr⁻¹",
    "L/ha/yr": "L ha⁻¹ yr⁻¹",
    "kWh/m2/yr": "kWh m⁻² yr⁻¹",
    "kWh/kWp/yr": "kWh kWp⁻¹ yr⁻¹",
    "MWp/ha": "MWp ha⁻¹",
    "ha/MWp": "ha MWp⁻¹",
    "CNY/kWh": "CNY kWh⁻¹",
}


#: Currencies a plan can report money in (every computation is in CNY; see
#: :class:`agriremed.Scenario` ``currency`` and :func:`agriremed.stages.economics.add_currency_columns`).
CURRENCIES = ("CNY", "EUR", "GBP", "USD", "DKK")

for _cur in CURRENCIES[1:]:
    for _u in ("CNY/ha", "CNY/ha/yr", "CNY", "CNY/g"):
        _UNIT_DISPLAY[_u.replace("CNY", _cur)] = _UNIT_DISPLAY[_u].replace("CNY", _cur)

# money per plot and year, and per mu (the advice of :mod:`agriremed.stages.advice`)
_UNIT_DISPLAY["CNY/yr"] = "CNY yr⁻¹"
_UNIT_DISPLAY["CNY/mu"] = "CNY mu⁻¹"
_UNIT_DISPLAY["CNY/mu/yr"] = "CNY mu⁻¹ yr⁻¹"
for _cur in CURRENCIES[1:]:
    _UNIT_DISPLAY[f"{_cur}/yr"] = f"{_cur} yr⁻¹"
    _UNIT_DISPLAY[f"{_cur}/mu"] = f"{_cur} mu⁻¹"
    _UNIT_DISPLAY[f"{_cur}/mu/yr"] = f"{_cur} mu⁻¹ yr⁻¹"
# electricity prices (the PV tariff of agriremed.stages.solar)
for _cur in CURRENCIES[1:]:
    _UNIT_DISPLAY[f"{_cur}/kWh"] = f"{_cur} kWh⁻¹"


def money_column(name: str, currency: str) -> str:
    """Name of a CNY money column in another currency (``npv_cny_ha``, ``GBP`` → ``npv_gbp_ha``).

    Examples
    --------
    >>> money_column("npv_vs_baseline_cny_ha", "EUR"), money_column("npv_cny", "CNY")
    ('npv_vs_baseline_eur_ha', 'npv_cny')
    """
    if currency == "CNY":
        return name
    parts = name.split("_")
    i = len(parts) - 1 - parts[::-1].index("cny")
    parts[i] = currency.lower()
    return "_".join(parts)


def unit_display(unit: str) -> str:
    """Return the display form of a registry unit string (``mg/kg`` → ``mg kg⁻¹``).

    Parameters
    ----------
    unit : str
        Unit as stored in the registry (pint-compatible spelling).

    Returns
    -------
    str
        The unit with unicode exponents, or the input unchanged if it has no
        special display form.
    """
    return _UNIT_DISPLAY.get(unit, unit)


@dataclass(frozen=True)
class Column:
    """Metadata of one column.

    Attributes
    ----------
    name : str
        Column name; ends with the unit suffix where the column has a unit.
    unit : str
        Unit (pint spelling), ``""`` for text and dimensionless values.
    label_en, label_zh : str
        Short human labels without unit (the unit is appended by :func:`label`).
    description : str
        One sentence saying what the value is and on which basis.
    dtype : {"float", "int", "str", "category", "bool"}
        Data type after validation.
    valid : tuple of (float or None, float or None)
        Hard range; values outside it are rejected by validation.
    valid_open : tuple of (bool, bool)
        Whether the lower / upper bound is exclusive.
    typical : tuple of (float or None, float or None) or None
        Plausible range; values outside it produce a warning, not a rejection.
    categories : tuple of str or None
        Allowed values of a category column.
    role : {"input", "output", "pairs"}
        Whether users supply the column in a plot table, agriremed computes it, or it
        belongs to a paired soil–plant table for fitting transfer functions.
    required : {"required", "recommended", "optional"}
        For inputs: required columns must exist and be filled in every row;
        recommended columns produce a warning when absent or blank.
    fraction : bool
        A probability or share from 0 to 1 (unit ``"1"``), shown as a percentage in the workbook.
    """

    name: str
    unit: str
    label_en: str
    label_zh: str
    description: str
    dtype: str = "float"
    valid: tuple[float | None, float | None] = (None, None)
    valid_open: tuple[bool, bool] = (False, False)
    typical: tuple[float | None, float | None] | None = None
    categories: tuple[str, ...] | None = None
    role: str = "output"
    required: str = "optional"
    group: str = "plot"
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    fraction: bool = False

    def label(self, lang: str = "en", with_unit: bool = True) -> str:
        """Label for widgets and axis titles, e.g. ``'Soil pH [–]'``."""
        text = self.label_zh if lang == "zh" else self.label_en
        if with_unit and self.dtype in ("float", "int"):
            return f"{text} [{unit_display(self.unit)}]"
        return text

    def expected(self) -> str:
        """Plain-English statement of the valid range, used in validation messages."""
        if self.categories:
            return "one of " + ", ".join(self.categories)
        lo, hi = self.valid
        lo_open, hi_open = self.valid_open
        unit = f" {unit_display(self.unit)}" if self.unit not in ("", "1") else ""
        parts = []
        if lo is not None and not (isinstance(lo, float) and math.isinf(lo)):
            parts.append(("> " if lo_open else "≥ ") + _fmt(lo))
        if hi is not None and not (isinstance(hi, float) and math.isinf(hi)):
            parts.append(("< " if hi_open else "≤ ") + _fmt(hi))
        if self.dtype in ("float", "int"):
            what = "a number" + (" " + " and ".join(parts) if parts else "")
            return what + unit
        return "text"


def _fmt(x: float) -> str:
    return f"{x:g}"


COLUMNS: dict[str, Column] = {}


def register(col: Column) -> Column:
    """Add a column to the registry (raises if the name is already taken differently)."""
    old = COLUMNS.get(col.name)
    if old is not None and old != col:
        raise ValueError(f"column {col.name!r} is already registered with other metadata")
    COLUMNS[col.name] = col
    return col


def metal_column(metal: str, extraction: str | None = None) -> str:
    """Name of the soil column for ``metal`` (``'cd'`` → ``'cd_mg_kg'``).

    Parameters
    ----------
    metal : str
        Metal code, one of :data:`METALS`.
    extraction : str, optional
        ``None`` for total content, or one of ``'cacl2'``, ``'hno3'``, ``'dtpa'``.
    """
    if extraction is None:
        return f"{metal}_mg_kg"
    return f"{metal}_{extraction}_mg_kg"


def label(name: str, lang: str = "en", with_unit: bool = True) -> str:
    """Label of a registered column, with its unit in brackets.

    Parameters
    ----------
    name : str
        Column name.
    lang : {"en", "zh"}
        Language of the label.
    with_unit : bool
        Append ``[unit]``.

    Returns
    -------
    str
        The label; unregistered names are returned unchanged.
    """
    col = COLUMNS.get(name)
    return col.label(lang, with_unit) if col else name


def _inp(name, unit, en, zh, desc, **kw) -> Column:
    kw.setdefault("role", "input")
    return register(Column(name, unit, en, zh, desc, **kw))


def _out(name, unit, en, zh, desc, **kw) -> Column:
    kw.setdefault("role", "output")
    return register(Column(name, unit, en, zh, desc, **kw))


# --------------------------------------------------------------------------- inputs
_inp("plot_id", "", "Plot ID", "地块编号", "Unique identifier of the plot.", dtype="str",
     required="required")
_inp("land_use", "", "Land use", "土地利用类型",
     "Land use of the plot; decides which GB 15618 row applies (paddy, upland, orchard, "
     "vegetable, marginal).", dtype="category", categories=LAND_USES, required="required")
_inp("ph", "1", "Soil pH (water)", "土壤pH（水浸提）",
     "Soil pH measured in water (1:2.5), as GB 15618-2018 uses.", valid=(2.0, 11.0),
     typical=(3.5, 9.5), required="required")
_inp("som_pct", "%", "Soil organic matter", "土壤有机质",
     "Soil organic matter content by mass.",
     valid=(0.0, 100.0), typical=(0.2, 20.0), required="recommended")
_inp("clay_pct", "%", "Clay content", "黏粒含量", "Clay (< 2 µm) content by mass.",
     valid=(0.0, 100.0), typical=(1.0, 80.0), required="recommended")
_inp("cec_cmol_kg", "cmol/kg", "Cation exchange capacity", "阳离子交换量",
     "Cation exchange capacity of the soil.", valid=(0.0, 200.0), valid_open=(True, False),
     typical=(1.0, 60.0))
_inp("bulk_density_g_cm3", "g/cm3", "Bulk density", "土壤容重",
     "Dry bulk density of the treated (plough) layer.", valid=(0.1, 2.65), typical=(0.8, 1.8),
     required="recommended")
_inp("depth_m", "m", "Treated layer depth", "耕层/处理层厚度",
     "Depth of the treated or plough layer whose metal stock is to be remediated.",
     valid=(0.0, 2.0), valid_open=(True, False), typical=(0.1, 0.5), required="recommended")
_inp("area_ha", "ha", "Area", "面积", "Plot area.", valid=(0.0, 1.0e6), valid_open=(True, False),
     typical=(0.001, 1000.0), required="required")
_inp("crop", "", "Current crop", "当前作物",
     "Crop currently grown (a crop code from the crop table, e.g. rice, wheat, maize, "
     "pak_choi, apple, tea, soybean, cotton, none; leafy_vegetable for a leafy vegetable and "
     "vegetable_unspecified for a vegetable whose type is not given, judged against the strictest "
     "vegetable limit).", dtype="str", required="required")
_inp("ph_kcl", "1", "Soil pH (1 M KCl)", "土壤pH（KCl浸提）",
     "Soil pH in 1 M KCl (1:2.5); when absent it is estimated from pH in water for functions that "
     "need it.", valid=(2.0, 11.0), typical=(3.0, 9.0))
_inp("climate_zone", "", "IPCC climate zone", "IPCC气候区",
     "IPCC default climate zone; when absent it is derived from mean temperature and rainfall.",
     dtype="category", categories=("warm_temperate_moist", "warm_temperate_dry", "cool_temperate_moist",
                                   "cool_temperate_dry", "tropical_moist", "tropical_wet", "tropical_dry",
                                   "tropical_montane"))
_inp("ipcc_soil_class", "", "IPCC soil class", "IPCC土壤类别",
     "IPCC mineral soil class for reference SOC stocks; when absent it is guessed from pH, "
     "temperature and clay.", dtype="category",
     categories=("high_activity_clay", "low_activity_clay", "sandy", "wetland", "volcanic"))
_inp("lat", "degree", "Latitude", "纬度", "Latitude (WGS84); carried into the summary and printed on the "
     "plot sheet.", valid=(-90.0, 90.0))
_inp("lon", "degree", "Longitude", "经度", "Longitude (WGS84); carried into the summary and printed on the "
     "plot sheet.", valid=(-180.0, 180.0))
_inp("region", "", "Region", "地区", "Free-text region (province / county / village); a city or county "
     "written without its province (湘潭, Xiangtan, 株洲市渌口区) is placed in it when no other division "
     "of China has that name.",
     dtype="str")
_inp("village", "", "Village", "村", "Village or other local grouping used in portfolio summaries; "
     "carried into the summary, the workbook, the report and the plot sheet with the region.",
     dtype="str")
_inp("annual_rain_mm", "mm/yr", "Annual rainfall", "年降水量", "Mean annual precipitation.",
     valid=(0.0, 15000.0), typical=(50.0, 4000.0))
_inp("mean_temp_c", "degC", "Mean annual temperature", "年均气温", "Mean annual air temperature.",
     valid=(-40.0, 40.0), typical=(-10.0, 30.0))
_inp("transport_km", "km", "Haul distance", "运输距离",
     "One-way distance from the plot to the conversion plant; blank = the region row of "
     "transport_distances.csv, then the scenario transport_km, then the default factor.",
     valid=(0.0, 5000.0), typical=(0.0, 500.0))
_inp("basic_farmland", "", "Permanent basic farmland", "永久基本农田",
     "Whether the plot is permanent basic farmland (永久基本农田): yes, no or unknown (是/否/未知, "
     "ticks √ ✓ ✔ and crosses × ✗, Y/N, 1/0 accepted); blank = unknown. The jurisdiction rule set decides which options it forbids there "
     "(trees, nursery stock and turf under the china rules).",
     dtype="category", categories=("yes", "no", "unknown"))
_inp("tillage", "", "Tillage", "耕作方式",
     "Current tillage of cropland for the IPCC Tier 1 management factor (default full_till).",
     dtype="category", categories=("full_till", "reduced_till", "no_till"))
_inp("carbon_input", "", "Carbon input", "碳投入水平",
     "Current carbon input to cropland for the IPCC Tier 1 input factor: low (residues removed), "
     "medium (default), high (e.g. residues returned plus cover crops), high_manure.",
     dtype="category", categories=("low", "medium", "high", "high_manure"))
_inp("rice_type", "", "Rice type", "水稻类型",
     "Rice type grown (indica, japonica or hybrid; 籼稻/粳稻/杂交稻 accepted). Optional: when given, the "
     "grain Cd of the packaged rice functions (calibrated on indica and hybrid indica rice) is multiplied "
     "by a sourced factor for the type (japonica ≈ 0.61, uptake_slopes.csv); blank = no change.",
     dtype="category", categories=("indica", "japonica", "hybrid"))
_inp("wheat_type", "", "Wheat type", "小麦类型",
     "Wheat type grown (winter or spring; 冬小麦/春小麦 accepted). Optional: filled from a wheat crop cell that "
     "names it (冬小麦, winter wheat, 春小麦, spring wheat); blank = the type of the region's province "
     "(wheat_seasons.csv: a province growing both is taken as winter wheat). A winter wheat row is the winter "
     "season of its field: a switch to a summer crop (maize grain) is not an option there. Spring wheat rows "
     "and rows without a placed region keep it.",
     dtype="category", categories=("winter", "spring"))
_inp("rice_seasons_per_yr", "1/yr", "Rice seasons a year", "水稻季数",
     "Rice seasons the plot grows each year: 1 (one rice crop) or 2 (double-cropped rice, 双季稻: early + "
     "late rice on the same paddy); 水稻季数, 稻作季数 accepted as headers (not 复种指数 or 种植季数, which "
     "count every crop of the year: such a column is passed through unread); blank = 2 where the crop "
     "reads 双季稻 / 早稻+晚稻, else 1. Every option that grows rice on the plot (unchanged practice, VIP+n, "
     "flooding, lime, low-Cd rice …) grows that many seasons: rice yield, revenue, production cost, per-season "
     "measure costs, paddy CH₄, fertiliser, field diesel and grain samples are counted once a season "
     "(rice_seasons.csv); early and late rice are modelled alike (the same yield and Cd uptake each season: the "
     "usually higher Cd of late rice is not modelled). Ignored, with a warning, on a plot that grows no rice.",
     dtype="int", valid=(1.0, 2.0),
     extra={"invalid_is_error": True, "integer": True, "expected": "exp.rice_seasons"})
_inp("cropping_system", "", "Cropping system", "种植制度",
     "The plot's cropping system (种植制度, 种植模式, 熟制 accepted as headers). Optional: on a rice plot "
     "双季稻, 早稻+晚稻, 稻-稻, 稻-稻-油 set rice_seasons_per_yr to 2 and 一季稻, 单季稻, 中稻, 稻-油 to 1 where "
     "rice_seasons_per_yr and the crop say nothing of the seasons; other values (冬小麦-夏玉米 …) are ignored "
     "with a warning; carried through as text.", dtype="str")
_inp("paddy_upland_rotation", "", "Paddy–upland rotation land", "水旱轮作地",
     "Whether the plot is paddy–upland rotation land (水旱轮作地): yes or no. Optional: filled yes on a paddy "
     "row whose cropping system names a rotation of rice with a dry crop (稻麦轮作, 稻-麦, 稻-油, 稻油轮作, "
     "水稻-小麦, rice-wheat) or paddy–upland rotation (水旱轮作), on a paddy row growing a dry crop (wheat, "
     "rapeseed on a paddy: its dry season) or whose crop cell names rice with one (稻-油, 稻麦, rice-wheat), "
     "and on every row of a field (field_id, "
     "season rows) that has a rice row and a row of a dry crop (crops.csv land_use not paddy); rice only "
     "(双季稻, 稻-稻) and rice with fish (稻-鱼) are not rotation land. Under the scenario's rotation_screening "
     "stricter (default) such land is screened metal by metal with the lower of the paddy and the dry-land "
     "(upland) screening values (screening_basis rotation_stricter).",
     dtype="category", categories=("yes", "no"))
_inp("crops_not_planned", "", "Rotation crops not planned", "轮作中未规划的作物",
     "Crops the plot grows in rotation with its crop that the plan does not grow (crop codes joined by |, "
     "e.g. maize for 冬小麦-夏玉米). Optional: filled where the crop cell names a rotation (小麦-玉米, 水稻+油菜: "
     "the plot is planned with rice, else wheat, else maize, else the first crop written) or the cropping "
     "system does (种植制度 冬小麦-夏玉米 beside the crop 小麦); the recommendation then says that season is "
     "not planned (test its harvest, or plan it in a row of its own). Carried through as text.", dtype="str")
_inp("crop_as_written", "", "Crop as written (not in the library)", "作物（原表填写，库中未收录）",
     "The crop cell as written on a row whose crop is not a code, name or alias of crops.csv (黄精, 莲藕, 茭白): "
     "such a row is planned with the crop code unlisted (a crop not modelled) instead of rejected, with a "
     "warning naming the crop and how to add it to crops.csv. Its GB 15618 class comes from the soil alone, every "
     "metal above its screening value is not assessed (measure it in the harvest), its yield, price and cost are "
     "a data gap (never an income of 0) and no measure is credited with an effect on it; sentences, data gaps, "
     "the plot sheet and the report name the crop as written. Filled by the reader (blank on other rows; the "
     "column is added only where some row has such a crop). Carried through as text.", dtype="str")
_inp("other_metals_measured", "", "Other elements measured, not assessed", "另测元素（未评估）",
     "Elements outside GB 15618 a sheet measures (锑 Sb, 铊 Tl, 钼 Mo, 钴 Co, 锰 Mn, 硒 Se …), as written "
     "(Sb 300; Tl 2): filled from columns naming one, which are passed through as they are. agriremed holds "
     "no screening value, food limit or transfer function for them: the recommendation names them as measured "
     "but not assessed. Carried through as text.", dtype="str")
_inp("values_to_check", "", "Soil values to check", "待核对的土壤数值",
     "Total soil metals of the plot whose value to check before acting on the plan (metal codes joined by +): "
     "filled where a value is above the values usually measured in soil (cd: above 100 mg/kg, the typical range "
     "of its column) or where most values of its column are far above soil values (cd@215: the column's median "
     "[mg/kg] is more than unit_check_median_x_screening (factors.csv) times the metal's lowest screening value, "
     "as a column in µg/kg under a mg/kg header is), or where a value looks read 1 000 × too low (cd<: below the "
     "natural soils' soil_natural_low_<metal>_mg_kg or more than unit_check_low_median_ratio times below its "
     "column's median, as a mg/kg value under a µg/kg or ppb header is). The values are planned as given; the "
     "recommendation closes with a note to check each one (a value in µg/kg?), as the soil class depends on it. "
     "Carried through as text.",
     dtype="str")
_inp("censored_metals", "", "Metals below the detection limit (planned at the limit)", "低于检出限的重金属（按检出限规划）",
     "Total soil metals of the plot given below the laboratory's detection limit ('<0.05', '＜0.05', '<0.05mg/kg', "
     "'0.05L', '未检出(<0.05)'; metal codes joined by +). Such a value is planned at the limit, an upper bound of the "
     "concentration (conservative for every model), where the limit is at or below the metal's screening value for "
     "the plot's land use at the plot's pH band (on paddy–upland rotation land the stricter of the paddy and "
     "dry-land value; the lowest over every pH band where pH is blank or not valid; soil_thresholds.csv), so the "
     "soil class is decided; a limit above "
     "it rejects the row (the class cannot be decided). 'ND', '未检出', '低于检出限' without a limit are read as not "
     "measured (not_detected_metals). Each such cell is reported. Present when a plot of the input has such a value.",
     dtype="str")
_inp("not_detected_metals", "", "Metals not detected, no detection limit given (not measured)",
     "未检出且未注明检出限的重金属（按未测定处理）",
     "Total soil metals of the plot given as not detected without a detection limit ('ND', '未检出', '低于检出限', "
     "'<DL'; metal codes joined by +). Such a metal is read as not measured, as an empty cell: the soil class does "
     "not consider it, and the recommendation and the plot sheet say so and ask for the laboratory's detection limit. "
     "Each such cell is reported. Present when a plot of the input has such a value.", dtype="str")
_inp("crop_censored_metals", "", "Harvest values below the detection limit", "农产品低于检出限的测定值",
     "Metals measured in the harvest (crop_cd_mg_kg …) whose value the plot gives below the detection limit "
     "('<0.02'; metal codes joined by +, as_inorganic for inorganic As: cd+as_inorganic): the value is the limit, "
     "compared with the food limit as an upper bound (at or below the limit the harvest complies; above it the value cannot be compared). Present when a plot of the "
     "input has such a value.", dtype="str")
_inp("soil_class_county", "", "County soil class", "县级土壤环境质量类别",
     "The plot's class in the county's own 农用地土壤环境质量类别划分 (priority_protection, safe_utilisation or "
     "strict_control; 优先保护类/安全利用类/严格管控类, I/II/III 类 accepted). Optional: where it is stricter "
     "than the class computed from GB 15618-2018 (priority_protection < safe_utilisation < strict_control) "
     "the plot is planned with the county's class (policy rules, options, ranking and sentence; "
     "soil_class_basis = county): a county 严格管控类 plot gets no food crop recommended. Where it is looser "
     "the computed class is kept. A plot whose county class differs is warned on its row (the warning says "
     "which class the plan uses); the county class is carried into the summary beside soil_class.",
     dtype="category", categories=("priority_protection", "safe_utilisation", "strict_control"))

_inp("high_background", "", "High geological background", "地质高背景",
     "Whether the soil metal above its screening value is mainly of natural (geological) origin (地质高背景, "
     "such as the karst soils of Guizhou and Guangxi), as the county's survey finds it: yes or no (是/否 accepted; "
     "地质高背景, 高背景, 是否地质高背景 accepted as headers). Optional; it changes no class. Yes applies the "
     "karst/geogenic adjustment to the rice and maize Cd defaults (uptake_slopes.csv, kind geogenic_adjustment: rice "
     "× 0.482, the mean of a Guizhou and a Guangxi survey; maize × 0.121, the NW Guizhou karst intercept; spread "
     "widened) "
     "in Guizhou and Guangxi only (the provinces of its surveys) and only where the plot grows rice or maize, and "
     "the plan's sentence names the factor and surveys of each crop it compares (a switch from rice to maize "
     "relies on the maize factor) and says the county should check them with grain monitoring data; elsewhere the "
     "prediction note and the sentence say the adjustment is not applied and why (docs/soil_and_uptake.md). "
     "On a safe-utilisation or strict-control plot under a Chinese rule set whose class is computed "
     "from the soil values (not the county's class), the plot sheet and the recommendation add that the class "
     "is re-checked with crop (grain) monitoring data: the project's advice, not a rule read in a source "
     "(docs/soil_and_uptake.md). Carried into the summary.",
     dtype="category", categories=("yes", "no"))

#: Hard upper bound of any total soil concentration: 10 % by mass. Anything above is
#: a unit error (e.g. µg/kg entered as mg/kg), not a soil.
_MAX_TOTAL_MG_KG = 1.0e5
#: Unusually high totals that deserve a "check the unit" warning [mg/kg]. These are
#: validation heuristics, not regulatory values.
_PLAUSIBLE_MAX = {"cd": 100.0, "hg": 100.0, "as": 5000.0, "pb": 20000.0, "cr": 10000.0,
                  "cu": 10000.0, "ni": 5000.0, "zn": 50000.0}

for _m in METALS:
    _sym, _zh = METAL_NAMES[_m]
    _inp(metal_column(_m), "mg/kg", f"{_sym}, total in soil", f"土壤总{_zh}",
         f"Total {_sym} in soil (dry mass), as GB 15618-2018 screens it. Blank = not measured.",
         valid=(0.0, _MAX_TOTAL_MG_KG), valid_open=(True, False), typical=(None, _PLAUSIBLE_MAX[_m]),
         group="metal", extra={"metal": _m})
    for _ex, (_en, _exzh, _desc) in EXTRACTIONS.items():
        _inp(metal_column(_m, _ex), "mg/kg", f"{_sym}, {_en}", f"土壤{_exzh}{_zh}",
             f"{_sym} in a {_desc} soil extract (dry mass).",
             valid=(0.0, _MAX_TOTAL_MG_KG), typical=(None, _PLAUSIBLE_MAX[_m]),
             group="metal", extra={"metal": _m, "extraction": _ex})

#: Plant concentration above which a pair value is flagged "unusual" [mg kg⁻¹]: 10 × the highest
#: GB 2762—2025 limit of the metal for any food crop in food_limits.csv (Cd 0.5 peanut,
#: Hg 0.02, As 0.5, Pb 5.0 tea, Cr 1.0); no GB 2762 limit for Cu, Ni, Zn, so no
#: typical range. A test checks these against food_limits.csv.
PLANT_TYPICAL_MAX = {"cd": 5.0, "hg": 0.2, "as": 5.0, "pb": 50.0, "cr": 10.0}

#: Metals whose measured concentration in the harvested crop a plot table may carry
#: (``crop_cd_mg_kg`` …): those GB 2762 limits in food crops.
CROP_METALS: tuple[str, ...] = ("cd", "pb", "as", "hg", "cr")

#: Hard upper bound of a measured crop concentration [mg kg⁻¹]: 0.1 % of the crop's mass, far above
#: any plant (values in µg/kg under a mg/kg header are caught by the typical range).
_MAX_CROP_MG_KG = 1.0e3


#: Input column of inorganic As measured in the harvested crop (糙米无机砷): GB 2762 limits inorganic As in rice.
CROP_AS_INORGANIC = "crop_as_inorganic_mg_kg"

#: Inorganic As concentration in a crop above which a measured value is flagged "unusual" [mg kg⁻¹]: 10 × the
#: highest GB 2762—2025 inorganic-As limit of a food crop in food_limits.csv (0.35, brown rice). A test checks it
#: against food_limits.csv.
INORGANIC_AS_TYPICAL_MAX = 3.5


def crop_metal_column(metal: str) -> str:
    """Name of the input column of ``metal`` measured in the harvested crop (``'cd'`` → ``'crop_cd_mg_kg'``)."""
    return f"crop_{metal}_mg_kg"


for _m in CROP_METALS:
    _sym, _zh = METAL_NAMES[_m]
    _inp(crop_metal_column(_m), "mg/kg", f"{_sym} measured in the harvest", f"农产品实测{_zh}",
         f"Measured {_sym} in the harvested crop of the plot (糙米{_zh}, 籽粒{_zh}, grain {_sym} …), as sold (the part and "
         "moisture basis the food standard uses). Optional: the plan does not predict from it (one sample is "
         "no calibration; paired soil–crop data of a county are fitted with agriremed fit-uptake); where the food "
         "standard limits the metal in the plot's crop, the summary (crop_measured_exceeds) and the recommendation "
         "say whether the measured value is above the limit, beside the plan's prediction. "
         f"Values above {PLANT_TYPICAL_MAX[_m]:g} mg/kg (10 × the highest GB 2762 limit of {_sym}) are warned "
         "about; a value that cannot be read is reported and ignored. Blank = not measured. Several columns of the "
         "metal (糙米镉 for the rice rows, 小麦籽粒镉 for the wheat rows, a lab's 籽粒镉 in µg/kg) are combined row by "
         "row: a column naming a crop is used on the rows of that crop; two values that differ reject the row.",
         valid=(0.0, _MAX_CROP_MG_KG), typical=(None, PLANT_TYPICAL_MAX[_m]), group="crop_metal",
         extra={"metal": _m})
    if _m == "as":
        _inp(CROP_AS_INORGANIC, "mg/kg", "Inorganic As measured in the harvest", "农产品实测无机砷",
             "Measured inorganic As in the harvested crop of the plot (糙米无机砷, 无机砷, inorganic As, iAs), as sold. "
             "GB 2762 limits inorganic As in rice (food_limits.csv, species inorganic): where the food standard of the "
             "plot's crop holds an inorganic-As limit the value is compared with it (the summary's "
             "crop_measured_exceeds counts As above it), and where total As (crop_as_mg_kg) is measured too the "
             "inorganic value decides and the total is not compared; elsewhere it is reported, not compared. "
             "Optional: the plan does not predict from it. "
             f"Values above {INORGANIC_AS_TYPICAL_MAX:g} mg/kg (10 × the highest GB 2762 inorganic-As limit) are "
             "warned about; a value that cannot be read is reported and ignored. Blank = not measured. Several "
             "columns are combined row by row as for the other metals measured in the harvest (a column naming a "
             "crop is used on the rows of that crop; µg/kg converted).",
             valid=(0.0, _MAX_CROP_MG_KG), typical=(None, INORGANIC_AS_TYPICAL_MAX), group="crop_metal",
             extra={"metal": "as", "species": "inorganic"})

#: Input column of the metals whose value measured in the harvest a row carries on a dry-weight basis.
CROP_DRY_WEIGHT = "crop_dry_weight_metals"
_inp(CROP_DRY_WEIGHT, "", "Harvest values on a dry-weight basis", "农产品实测值为干重的元素",
     "Metals measured in the harvest whose value on the row was read from a column marked dry weight (糙米镉（mg/kg，"
     "干重）, 籽粒镉(mg/kg DW); metal codes joined by +, as_inorganic for inorganic As: cd+as_inorganic). GB 2762 limits apply to the "
     "crop as sold: on the rows of a cereal (cereal in crops.csv: rice, wheat, maize, sold as grain nearly dry) the "
     "value is read without conversion and compared with the food limit as a conservative (upper) value, the "
     "recommendation saying so (dry weight; conservative); on the rows of other crops (limits on the fresh weight) "
     "the value is not used, with a warning on the row. A dry-weight column beside a column of the same metal as "
     "sold is not read (the value as sold decides) and is passed through as it is. Filled by validation; carried "
     "through as text.", dtype="str")

#: Input columns of the metals measured in the harvested crop, in registry order (total As followed by
#: inorganic As).
CROP_METAL_COLUMNS: tuple[str, ...] = tuple(n for n, c in COLUMNS.items() if c.group == "crop_metal")

#: Names of all input columns, in registry order.
INPUT_COLUMNS: tuple[str, ...] = tuple(n for n, c in COLUMNS.items() if c.role == "input")

# ----------------------------------------------------------------------- bookkeeping
_out("input_row", "", "Input row", "输入行号",
     "1-based row number of the plot in the input table (header excluded).", dtype="int")
_out("line", "", "File line", "文件行号",
     "Line of the input file (spreadsheet row) holding the plot, header lines included.", dtype="int")
_out("field_id", "", "Field ID", "田块编号",
     "The field a row is one crop season of: rows with the same field_id are the seasons of one "
     "field (the rice and the wheat row of a rice–wheat paddy): a rotation crop planned in a sibling row (the same plot id "
     "repeated, or with another season suffix) is not called not planned, and the field's area is counted once in the area totals of the report, the "
     "console and the workbook. Filled where a plot id is repeated on rows growing different crops: such rows "
     "are read as the seasons of one field, not as duplicates, each with the plot id <id>~<crop cell as written> "
     "(TC-01~水稻, TC-01~小麦, A12~wheat; path separators and ~ in the cell become -; the crop code where two rows "
     "of the id would get the same text; the text before the last ~ is the id as written) and the id as written in "
     "field_id. Filled too where plot ids that occur once are one id with a season suffix naming a crop or season "
     "(TC-01-稻 / TC-01-麦, TC-01（早稻）, A12-rice; not single letters) on rows growing different crops whose "
     "region and area cells agree where filled: each row keeps its plot id and field_id is the id without the "
     "suffix; a field_id column of the input is carried through and groups the area totals too.", dtype="str")
_out("same_plan_as", "", "Same plan as row (this row not added in totals)", "与该行同一方案（本行不计入合计）",
     "On a season row of a field (field_id) recommended the whole-year option (options.csv new_land_use not "
     "current: an energy or fibre crop, trees, grass, PV, fallow, phytoextraction, a crop switch) that an earlier "
     "row of the field has: the plot id of that first row. Such an option occupies the field all year, so it is one "
     "plan for the field: this row repeats the plan of that row and is not added in any total (the report, the "
     "workbook's ledger totals, the dashboards' key figures and region table, the GIS regions.csv and the console "
     "table count its money, carbon, compensation and area once, with the first row: "
     "stages.seasons.counted_once). Its per-plot amounts (area, first-year cost, NPV, CO2e, income, compensation) "
     "stay in the row for reference; leave the rows with this column filled out when adding a column. Blank on "
     "every other row. A streamed run looks across its chunks; a dask partition within its own rows (the report "
     "totals of a streamed run see every chunk).", dtype="str")
_out("rice_season", "", "Rice season", "稻季",
     "The rice season of a rice row: early (早稻), late (晚稻, 双季晚稻) or single (one rice season a year: 中稻, "
     "一季稻), from the crop cell, else from a plot-id suffix naming it (LY-01-早稻, LY-01（晚稻）, LY-01-早 / "
     "LY-01-晚, LY-01早稻, A12-early / A12-late, A12_early_rice); blank where neither says. The early and the late "
     "rice of one field written as two rows (the same plot id with crops 早稻 and 晚稻, or ids with such suffixes) "
     "are its two season rows (field_id; a repeated id becomes <id>~早稻 and <id>~晚稻, its crop cells): each row is "
     "planned as one rice season a year (a 双季稻 cropping system or a 双季晚稻 crop on such a row gives no second "
     "season), with a note naming the row of the other season, and the field's area is counted once. Early and "
     "late rice are planned with the same rice parameters (rice_seasons.csv holds no season-specific yield or "
     "price). Each row keeps its own soil values. Set by agriremed: an input column of that name is replaced.",
     dtype="str")
_out("metal", "", "Metal", "重金属", "Metal code (cd, hg, as, pb, cr, cu, ni, zn).", dtype="str")
_out("note", "", "Note", "说明", "Explanation attached to a result.", dtype="str")
_out("note_msg", "", "Note (message code)", "说明（消息代码）",
     "The note as message codes with their parameters (JSON, agriremed.core.messages); blank where the note "
     "is not a message.", dtype="str")

# ---------------------------------------------------------------------- soil stage
_out("conc_mg_kg", "mg/kg", "Soil concentration", "土壤含量",
     "Total concentration of the metal in soil (dry mass).")
_out("screening_mg_kg", "mg/kg", "Risk screening value", "风险筛选值",
     "GB 15618-2018 risk screening value for the plot's pH and land use.")
_out("intervention_mg_kg", "mg/kg", "Risk intervention value", "风险管制值",
     "GB 15618-2018 risk intervention value for the plot's pH (blank where the standard "
     "sets none).")
_out("exceedance_ratio", "1", "Exceedance ratio", "超标倍数",
     "Soil concentration divided by the screening value (> 1 exceeds).")
_out("soil_class", "", "Soil class", "土壤类别",
     "GB 15618 management class: priority_protection (≤ screening), safe_utilisation "
     "(between screening and intervention), strict_control (> intervention); the county's class "
     "(soil_class_county) where it is stricter; on the season rows of one field (field_id) the strictest "
     "class of the field's rows.", dtype="category",
     categories=("priority_protection", "safe_utilisation", "strict_control"))
_out("soil_class_computed", "", "Soil class from GB 15618 values", "按GB 15618计算的土壤类别",
     "The class computed from the plot's values alone (as soil_class without the county's class); "
     "present where the input has a soil_class_county column.", dtype="category",
     categories=("priority_protection", "safe_utilisation", "strict_control"))
_out("soil_class_basis", "", "Basis of the soil class", "土壤类别依据",
     "Where soil_class comes from: computed (the plot's values under GB 15618-2018), county (the "
     "county's 农用地土壤环境质量类别划分, stricter than the computed class) or field (another season row of the "
     "plot's field, field_id, whose values give a stricter class: a field is one soil and every row of it takes "
     "the strictest class of its rows); present where the input has a soil_class_county column.",
     dtype="category", categories=("computed", "county", "field"))
_out("screening_basis", "", "Screening values used", "风险筛选值依据",
     "Which GB 15618 screening values classed the plot: paddy (水田), other (other land: upland, orchard, "
     "vegetable, marginal) or rotation_stricter (paddy–upland rotation land, paddy_upland_rotation yes: each "
     "metal's lower of the paddy and the dry-land value, the GB 15618-2018 Table 1 note as quoted in county "
     "practice, applied as the precautionary reading; scenario rotation_screening paddy uses the plot's own "
     "land-use values instead) or rice_stricter (a row whose crop is rice on land recorded as other than "
     "paddy: GB 15618-2018 gives paddy values for land growing rice, the record other land; the lower of both, "
     "under either rotation_screening, with a validation warning). Blank for a plot without a screened metal.",
     dtype="category", categories=("paddy", "other", "rotation_stricter", "rice_stricter"))
_out("soil_class_without_rotation", "", "Soil class with the land use's own screening values",
     "按本地类筛选值的土壤类别",
     "The class with the plot's own land-use screening values (a paddy's paddy values), as without the rule "
     "for paddy–upland rotation land; differs from the computed class only on rotation land or rice on land "
     "recorded as other than paddy whose stricter values (screening_basis rotation_stricter, rice_stricter) "
     "change it (soil_screening and soil-class tables).",
     dtype="category", categories=("priority_protection", "safe_utilisation", "strict_control"))
_out("controlling_metal", "", "Controlling metal", "主控重金属",
     "The metal that sets the plot's class: on strict-control plots the metal with the highest "
     "ratio to its intervention value; on safe-utilisation plots the metal with the highest ratio "
     "to its screening value among those that have an intervention value (Cd, Hg, As, Pb, Cr), or, "
     "where none of these exceeds, the highest screening ratio of any metal (Cu, Ni, Zn); on "
     "priority-protection plots the metal with the highest screening ratio (below 1).", dtype="str")
_out("max_exceedance_ratio", "1", "Controlling metal's exceedance ratio", "主控重金属超标倍数",
     "The controlling metal's soil concentration divided by its screening value (> 1 exceeds); not "
     "always the largest ratio of the plot (a metal without intervention value, such as Cu, can "
     "have a larger one: see exceedance_ratio in soil_screening).")
_out("metals_exceeding", "", "Metals above screening value", "超筛选值重金属",
     "Metals whose concentration exceeds the screening value, separated by '+'.", dtype="str")
_out("near_class_boundary", "", "Values near a class boundary", "接近类别界限的数值",
     "Metals whose duplicate analysis can fall on the other side of their screening or intervention value b "
     "(soil_method_precision.csv, r = the largest within-laboratory relative deviation |a−b|/(a+b) of "
     "duplicates: value within b(1−r)/(1+r) … b(1+r)/(1−r)), where the class on the other side would change the plot's "
     "class ('cd:screening+as:intervention'; '' none; Hg has no sourced figure and no entry). A re-sample "
     "or re-analysis can change the class: the recommendation closes with a note (rec.near_class_boundary); "
     "the class itself is the one the values give. After the metals, a soil pH within the duplicate tolerance "
     "of pH measurement (soil_ph_precision.csv; 0.1 pH unit, unconfirmed) of a pH band edge of the threshold "
     "set (5.5, 6.5, 7.5), where the values on the other side change the plot's class, is listed as 'ph:6.5' "
     "and the recommendation asks to re-measure pH (rec.near_ph_edge).", dtype="str")
_out("metals_above_intervention", "", "Metals above intervention value", "超管制值重金属",
     "Metals whose concentration exceeds the GB 15618 risk intervention (control) value, which make "
     "the plot strict-control, separated by '+'.", dtype="str")
_out("soil_stock_kg_ha", "kg/ha", "Soil metal stock", "土壤重金属储量",
     "Mass of the metal in the treated layer per hectare.")
_out("threshold_set", "", "Threshold set", "土壤标准值集",
     "set_id of the soil threshold set used (gb15618_2018 unless a user set is chosen).", dtype="str")

# -------------------------------------------------------------------- uptake stage
_out("crop_dw_p50_mg_kg", "mg/kg", "Crop concentration (median, DW)", "作物含量中位数（干重）",
     "Predicted metal in the edible part, median, dry weight.")
_out("crop_dw_p05_mg_kg", "mg/kg", "Crop concentration (P5, DW)", "作物含量P5（干重）",
     "5th percentile of the predicted edible-part concentration, dry weight.")
_out("crop_dw_p95_mg_kg", "mg/kg", "Crop concentration (P95, DW)", "作物含量P95（干重）",
     "95th percentile of the predicted edible-part concentration, dry weight.")
_out("crop_fw_p50_mg_kg", "mg/kg", "Crop concentration (median, as sold)",
     "作物含量中位数（鲜重/商品）",
     "Predicted metal in the edible part on the basis the food limit uses (fresh / as sold).")
_out("food_limit_mg_kg", "mg/kg", "Food limit", "食品限量",
     "Maximum level in the chosen food standard, on its own (as-sold) basis.")
_out("p_exceed_limit", "1", "Probability above food limit", "超食品限量概率",
     "Probability that the crop exceeds the food limit, from the prediction interval.", fraction=True)
_out("function_id", "", "Transfer function", "转移函数",
     "Identifier of the soil→crop transfer function used.", dtype="str")
_out("user_function", "", "Fitted to the user's data", "用户数据拟合",
     "True when the transfer function was fitted to the user's own paired soil–crop data (agriremed "
     "fit-uptake, plan --tables), False for a packaged function.", dtype="bool")
_out("extrapolated", "", "Outside validity range", "超出适用范围",
     "TRUE when an input lies outside the range the transfer function was fitted on: no function of the crop "
     "could be used inside its range, so the first was evaluated at the edge of its range (each input beyond it "
     "at the higher of its own value and the range's end; selection says how), or a safe soil threshold (at the "
     "stated probability or the median; the note names it and the range, the value is not clipped) lies outside "
     "it; FALSE inside a published range; unknown where the function publishes no range.",
     dtype="str")
_out("selection", "", "Function selection", "函数选择说明",
     "Functions of higher priority skipped for the plot, each with its reason (missing input, input "
     "outside its validity range, prediction not positive or below the function's floor).", dtype="str")
_out("user_fit_skipped", "", "User's fit not used", "未采用的用户拟合函数",
     "A function fitted to the user's own pairs (fit-uptake, plan --tables) that was not used directly for "
     "the plot because an input lies beyond the range of its data, with the plot's value and that range "
     "('yx_rice_cd (ph = 7.5 outside its fitted range 5–5.96)'): its value at the end of the data is "
     "carried on by the change the next function in the order (function_id) predicts from there "
     "(continuous; extrapolated). Empty where none.", dtype="str")
_out("user_fit_edge_ratio", "1", "Step at the end of the user's fit", "用户拟合函数边界处跳变倍数",
     "Where a preferred function (a user's fit, named in user_fit_skipped, or an opt-in or regional "
     "function) is carried on beyond its range: function_id's as-sold prediction divided by the preferred "
     "function's, both at the plot's inputs moved to the nearest end of the preferred function's ranges — "
     "the step function_id alone would take there, by which its prediction is divided (1 = none). "
     "Empty elsewhere.")
_out("assessed", "", "Crop metal assessed", "作物含量已评估",
     "True when the metal in the crop was predicted; False when no transfer function could be used "
     "(the reason is in not_assessed_reason).", dtype="bool")
_out("not_assessed_reason", "", "Why not assessed", "未评估原因",
     "Why the metal in the crop could not be predicted (no transfer function for the crop and metal, "
     "pH outside the functions' domain, or each function's reason for being skipped).", dtype="str")
_out("metals_not_assessed", "", "Metals above screening not assessed in the crop", "超筛选值但未评估作物含量的重金属",
     "Metals above their screening value whose concentration in the crop cannot be predicted although the food "
     "standard sets a limit for them in the crop (no usable transfer function; also a metal at or below its "
     "screening value whose crop has functions none of which can be used on the plot), separated by '+': measure "
     "them in the harvested crop. Metals above screening without a food limit in the crop, not assessed either, "
     "are in metals_no_food_limit.", dtype="str")
_out("metals_no_food_limit", "", "Metals above screening without a food limit in the crop",
     "超筛选值但作物无食品限量的重金属",
     "Metals above their screening value for which the food standard sets no limit in the plot's crop (GB 2762: "
     "Hg, As and Cr in fresh fruit; Cu, Zn and Ni in any crop), separated by '+': the crop is not assessed for them, there "
     "being no limit to compare it with, and the recommendation says so; the soil class still applies. Together "
     "with metals_not_assessed, every metal above screening whose crop is not assessed.", dtype="str")
_out("crop_measured_exceeds", "", "Metals measured above the food limit in the harvest", "农产品实测超标重金属",
     "Metals measured in the plot's harvest (crop_cd_mg_kg …) above the food standard's limit for the plot's crop, "
     "separated by '+'; blank where every measured metal is within its limit or none was compared (a value above "
     "the typical range of its column is not compared: the recommendation asks to check it and its unit). Present when "
     "a plot of the input carries a measured crop value; the measurement is not used by the prediction.", dtype="str")
_out("crop_fw_p05_mg_kg", "mg/kg", "Crop concentration (P5, as sold)", "作物含量P5（鲜重/商品）",
     "5th percentile of the predicted edible-part concentration on the as-sold basis.")
_out("crop_fw_p95_mg_kg", "mg/kg", "Crop concentration (P95, as sold)", "作物含量P95（鲜重/商品）",
     "95th percentile of the predicted edible-part concentration on the as-sold basis.")
_out("plant_basis", "", "Plant basis of the function", "植物含量基准",
     "Basis of the transfer function's output: dw (dry weight), fw (fresh weight) or unknown "
     "(compared with the as-sold limit as is).", dtype="category", categories=("dw", "fw", "unknown"))
_out("se_log10", "1", "Residual SE (log10)", "残差标准误（log10）",
     "Residual standard deviation of log10 crop concentration around the function's prediction; for a "
     "function fitted with fit-uptake (coef_cov) the spread at the plot's own term values x0, "
     "√(se_resid_log10² + x0ᵀ·coef_cov·x0) × t/z, wider the farther the plot lies from the centre of the pairs.")
_out("limit_species", "", "Limit species", "限量形态",
     "Chemical species the food limit applies to (total, inorganic).", dtype="str")
_out("soil_measure", "", "Soil extraction of the function", "函数所用土壤提取方法",
     "Soil metal the transfer function expects: total, cacl2 (0.01 M CaCl2) or hno3 (0.43 M HNO3).",
     dtype="category", categories=("total", "cacl2", "hno3", "dtpa"))
_out("safe_prob", "1", "Probability of meeting the limit", "达标概率要求",
     "Probability with which the crop meets the food limit at the safe threshold (0.95 = 95 % "
     "prediction bound).", fraction=True)
_out("soil_input_mg_kg", "mg/kg", "Soil metal used by the function", "函数输入土壤含量",
     "The plot's soil metal in the extract the transfer function expects (total or extractable).")
_out("safe_soil_mg_kg", "mg/kg", "Safe soil threshold", "安全土壤阈值",
     "Soil metal (in the function's extract) at or below which the crop meets the food limit with the "
     "stated probability, for the plot's pH and other soil properties.")
_out("safe_soil_p50_mg_kg", "mg/kg", "Median safe soil threshold", "安全土壤阈值（中位数）",
     "Soil metal (in the function's extract) at which the median crop concentration equals the food limit "
     "(probability 0.5), beside the threshold at the stated probability.")
_out("background_mg_kg", "mg/kg", "Natural soil background", "土壤自然背景值",
     "Natural background of the metal in total topsoil (factor soil_background_<metal>_mg_kg; Cd 0.097 "
     "mg/kg, 1990 national soil background survey); empty for an extract or a metal without one.")
_out("below_background", "", "Threshold below background", "阈值低于背景值",
     "True when the safe soil threshold is below the natural background: soil metal alone cannot make the "
     "crop meet the limit at this pH with this probability (raise the pH, choose a measure or fit local "
     "data); empty where no background applies.", dtype="bool")
_out("safe_ph", "1", "Safe soil pH", "安全pH阈值",
     "Soil pH (water) at which the crop meets the food limit with the stated probability for the plot's "
     "soil metal; with a negative pH coefficient the crop complies at this pH or above.")

# -------------------------------------------- paired soil–plant data (fit-uptake)
for _m in METALS:
    _sym, _zh = METAL_NAMES[_m]
    register(Column(f"soil_{_m}_mg_kg", "mg/kg", f"{_sym}, total in soil (pair)", f"配对样土壤总{_zh}",
                    f"Total {_sym} in the soil sample paired with a plant sample (dry mass).",
                    valid=(0.0, _MAX_TOTAL_MG_KG), valid_open=(True, False),
                    typical=(None, _PLAUSIBLE_MAX[_m]), role="pairs", group="metal", extra={"metal": _m}))
    register(Column(f"plant_{_m}_mg_kg", "mg/kg", f"{_sym} in plant (pair)", f"配对样作物{_zh}",
                    f"{_sym} in the edible part of the plant sample, on the basis stated when fitting "
                    "(dry weight, fresh weight or unknown)."
                    + (f" Values above {PLANT_TYPICAL_MAX[_m]:g} mg/kg (10 × the highest GB 2762 limit of "
                       f"{_sym} for a food crop) are flagged as unusual (often µg/kg under a mg/kg header); "
                       "fit-uptake also flags values above 10 × the limit of the fitted crop."
                       if _m in PLANT_TYPICAL_MAX else ""),
                    valid=(0.0, _MAX_TOTAL_MG_KG), valid_open=(True, False),
                    typical=(None, PLANT_TYPICAL_MAX[_m]) if _m in PLANT_TYPICAL_MAX else None,
                    role="pairs", group="metal", extra={"metal": _m}))
register(Column("oc_g_kg", "g/kg", "Soil organic carbon", "土壤有机碳",
                "Soil organic carbon; converted to som_pct = oc_g_kg × SOM/OC factor / 10 when som_pct is "
                "absent (factor som_per_oc in factors.csv).", valid=(0.0, 600.0), typical=(1.0, 120.0),
                role="pairs"))
register(Column("pair_id", "", "Pair ID", "样点编号", "Identifier of a paired soil–plant sample.",
                dtype="str", role="pairs"))

# ------------------------------------------------------- fitted transfer functions
_out("model_term", "", "Model term", "模型项",
     "Term of a fitted transfer function (const, a variable or log10(variable)).", dtype="str")
_out("coef", "1", "Coefficient", "系数", "Estimated coefficient of the term (log10 plant per unit of term).")
_out("coef_se", "1", "Standard error", "标准误", "Standard error of the coefficient.")
_out("coef_ci_low", "1", "95 % CI, lower", "95%置信区间下限", "Lower bound of the coefficient's 95 % CI.")
_out("coef_ci_high", "1", "95 % CI, upper", "95%置信区间上限", "Upper bound of the coefficient's 95 % CI.")
_out("coef_p_value", "1", "p-value", "p值", "Two-sided p-value of the coefficient (H0: coefficient = 0).")
_out("log10_plant_obs", "1", "Observed plant metal (log10)", "实测作物含量（log10）",
     "log10 of the observed plant concentration [log10 mg kg⁻¹].")
_out("log10_plant_fit", "1", "Fitted plant metal (log10)", "拟合作物含量（log10）",
     "log10 of the fitted median plant concentration [log10 mg kg⁻¹].")
_out("log10_plant_pred", "1", "Predicted plant metal (log10, out of fold)", "交叉验证预测（log10）",
     "Out-of-fold prediction of log10 plant concentration in k-fold cross-validation [log10 mg kg⁻¹].")
_out("residual_log10", "1", "Residual (log10)", "残差（log10）",
     "Observed minus fitted log10 plant concentration.")
_out("studentized_residual", "1", "Studentised residual", "学生化残差",
     "Externally studentised residual of the OLS fit.")
_out("leverage", "1", "Leverage", "杠杆值", "Diagonal of the hat matrix of the OLS fit.")
_out("cooks_distance", "1", "Cook's distance", "库克距离", "Cook's distance of the pair in the OLS fit.")
_out("influential", "", "Influential pair", "强影响点",
     "True when Cook's distance exceeds the threshold (default 4/n).", dtype="bool")
_out("robust_weight", "1", "Robust weight", "稳健权重",
     "Weight of the pair in the Huber robust fit (1 = full weight; NaN for OLS).")
_out("plant_fit_mg_kg", "mg/kg", "Fitted plant metal (median)", "拟合作物含量（中位数）",
     "Fitted median plant concentration, on the basis of the plant data.")
_out("plant_pi_low_mg_kg", "mg/kg", "Prediction interval, lower", "预测区间下限",
     "Lower bound of the 95 % prediction interval of a new plant sample.")
_out("plant_pi_high_mg_kg", "mg/kg", "Prediction interval, upper", "预测区间上限",
     "Upper bound of the 95 % prediction interval of a new plant sample.")
_out("model", "", "Model", "模型", "Model compared in cross-validation (loglog, bcf, gbm, mean).",
     dtype="str")
_out("fold", "", "Fold", "折", "Cross-validation fold of the pair.", dtype="int")
_out("rmse_log10", "1", "RMSE (log10)", "均方根误差（log10）",
     "Root-mean-square error of out-of-fold log10 predictions (mean over folds).")
_out("rmse_log10_sd", "1", "RMSE SD across folds", "RMSE折间标准差",
     "Standard deviation of the per-fold RMSE.")
_out("r2_cv", "1", "Cross-validated R²", "交叉验证R²",
     "1 − SSE/SST of the pooled out-of-fold log10 predictions.")

# ------------------------------------------------------------------- options stage
_out("option_id", "", "Option", "方案", "Identifier of the remediation option.", dtype="str")
_out("option_name", "", "Option name", "方案名称", "Name of the remediation option.", dtype="str")
_out("food_crop", "", "Food crop grown", "种植的食用作物",
     "Food crop grown under the option ('none' when the option grows no food).", dtype="str")
_out("option_kind", "", "Option type", "方案类型",
     "baseline, phytoextraction, phytomanagement, immobilisation, safe_crop or land_use_change.",
     dtype="str")
_out("applicable", "", "Applicable", "适用", "Whether the option can be used on the plot.",
     dtype="bool")
_out("reason", "", "Reason", "原因", "Why the option is or is not applicable.", dtype="str")
_out("reason_msg", "", "Reason (message code)", "原因（消息代码）",
     "The reason as message codes with their parameters (JSON, agriremed.core.messages); the reason column "
     "is this message rendered in the run's language (English, or Chinese with --lang zh).", dtype="str")
_out("why_food_safety_msg", "", "Why (food safety, message code)", "原因（食品安全，消息代码）",
     "The why_food_safety text as message codes with their parameters (JSON, agriremed.core.messages).", dtype="str")
_out("why_food_production_msg", "", "Why (food production, message code)", "原因（粮食生产，消息代码）",
     "The why_food_production text as message codes with their parameters (JSON, agriremed.core.messages).", dtype="str")
_out("why_livelihood_msg", "", "Why (livelihood, message code)", "原因（生计，消息代码）",
     "The why_livelihood text as message codes with their parameters (JSON, agriremed.core.messages).", dtype="str")
_out("why_clean_up_msg", "", "Why (clean-up, message code)", "原因（土壤修复，消息代码）",
     "The why_clean_up text as message codes with their parameters (JSON, agriremed.core.messages).", dtype="str")
_out("why_carbon_msg", "", "Why (carbon, message code)", "原因（碳，消息代码）",
     "The why_carbon text as message codes with their parameters (JSON, agriremed.core.messages).", dtype="str")
_out("why_economics_msg", "", "Why (economics, message code)", "原因（经济，消息代码）",
     "The why_economics text as message codes with their parameters (JSON, agriremed.core.messages).", dtype="str")
_out("recommendation_msg", "", "Recommendation (message code)", "推荐说明（消息代码）",
     "The recommendation as message codes with their parameters (JSON, agriremed.core.messages); the "
     "recommendation column is this message rendered in the run's language (English, or Chinese with --lang zh).", dtype="str")
_out("crop_measured_msg", "", "Measured harvest against the food limit (message code)", "农产品实测与限量比较（消息代码）",
     "Per metal measured in the plot's harvest: its value against the food standard's limit for the plot's crop "
     "and the plan's prediction for the crop grown now, as message codes (JSON); the clause the recommendation "
     "carries and the plot sheet prints. Present when a plot of the input carries a measured crop value.", dtype="str")
_out("duration_text_msg", "", "How long (message code)", "所需年限（消息代码）",
     "duration_text as a message code with its parameters (JSON), rendered in any language.", dtype="str")
_out("data_gaps_msg", "", "Evidence gaps (message code)", "证据缺口（消息代码）",
     "data_gaps as a message code with its parameters (JSON): the gap_note of options.csv, rendered in any "
     "language from its gap_note_<lang> column.", dtype="str")
_out("option_cautions_msg", "", "Cautions of the option (message code)", "方案注意事项（消息代码）",
     "The cautions the option's reason carries on the plot, as message codes with their parameters (JSON, "
     "agriremed.core.messages): a biochar on soil above the pH its Cd credit was measured at "
     "(opt.biochar_alkaline), a char hot enough to raise As mobility (opt.biochar_as_caution), a rice "
     "measure (flooding, low-Cd variety, foliar spray) on soil above the pH of its evidence "
     "(opt.ph_evidence_caution); blank without any. "
     "The recommendation of the plot repeats those of the recommended option (rec.option_caution).", dtype="str")
_out("monitoring_msg", "", "Monitoring (message code)", "监测（消息代码）",
     "monitoring as message codes with their parameters (JSON), rendered in any language.", dtype="str")
_out("not_assessed_reason_msg", "", "Why not assessed (message code)", "未评估原因（消息代码）",
     "not_assessed_reason as a message code with its parameters (JSON), rendered in any language.", dtype="str")
_out("target_metals", "", "Target metals", "目标重金属",
     "Metals above the screening value that the option treats, separated by '+'.", dtype="str")
_out("untreated_metals", "", "Metals not treated", "未处理重金属",
     "Metals above the screening value that the option does not treat.", dtype="str")
_out("class_kept_metals", "", "Untreated metals that keep the class", "未处理且维持类别的重金属",
     "Metals above their intervention value (strict-control land) that the option does not treat, "
     "separated by '+': the land stays strict control whatever the option removes, so the clean-up "
     "criterion credits the option with no clean-up.", dtype="str")
_out("data_gaps", "", "Evidence gaps", "证据缺口",
     "What the literature does not confirm for an applicable option (e.g. its yield), and what is "
     "therefore not computed; also an option whose costs and NPV were not computed, and why (PV without "
     "lat/lon).", dtype="str")

# ------------------------------------------------------------------ duration stage
_out("target_mg_kg", "mg/kg", "Target concentration", "目标浓度",
     "Soil concentration the clean-up aims for (default: GB 15618 screening value).")
_out("removal_g_ha_yr", "g/ha/yr", "Metal removal in harvest", "收获移除量",
     "Metal exported in harvested biomass in the first year; blank where the option credits no removal "
     "(data_gaps says why, e.g. poplar, whose shoot metal concentration is not confirmed).")
_out("duration_kind", "", "What the years to target mean", "达标年限含义",
     "clean_up: a clean-up method, the years are its years to target; stabilises: not a clean-up method "
     "(it holds the metals in place; also a non-food crop whose removal would take more than 200 years); "
     "protects: a safe crop, which lowers what the crop takes up; baseline: doing nothing; '' where the "
     "option is not applicable. Rows other than clean_up give no number of years (years_* blank), only 0 "
     "(already at the target) or inf (never); where their years are blank, years_*_never is TRUE.", dtype="str")
_out("years_to_target", "yr", "Years to target", "达标年限",
     "Years of cropping until the soil reaches the target (deterministic, typical parameters; "
     "0 = already below target, inf = never; blank where duration_kind is not clean_up and a number of "
     "years would have been computed: such an option stabilises, it gives no years, and years_to_target_never "
     "is TRUE).")
_out("years_p10", "yr", "Years to target (P10)", "达标年限P10",
     "10th percentile of years to target over the Monte Carlo draws (blank as years_to_target).")
_out("years_p50", "yr", "Years to target (P50)", "达标年限P50",
     "Median years to target over the Monte Carlo draws (blank as years_to_target).")
_out("years_p90", "yr", "Years to target (P90)", "达标年限P90",
     "90th percentile of years to target over the Monte Carlo draws (blank as years_to_target).")
_out("p_target_10yr", "1", "Probability of target within 10 years", "10年内达标概率",
     "Fraction of Monte Carlo draws that reach the target within 10 years.", fraction=True)
_out("p_target_20yr", "1", "Probability of target within 20 years", "20年内达标概率",
     "Fraction of Monte Carlo draws that reach the target within 20 years.", fraction=True)
_out("current_crop_compliance_prob", "1", "Probability the current crop meets the food limit",
     "当前作物达标概率",
     "Probability that the plot's current crop meets every food limit of the chosen standard.", fraction=True)
_out("crop_compliance_prob", "1", "Probability the crop meets the food limit",
     "作物达标概率",
     "Probability that the crop grown under the option meets the food limit in a season.", fraction=True)
_out("crop_compliance_prob_central", "1", "Probability the crop meets the food limit (central)",
     "作物达标概率（中心值）",
     "crop_compliance_prob with every crop reduction of the option (and every assumed covariate) at its typical "
     "value, the same with and without Monte Carlo draws (with draws crop_compliance_prob is the mean over them); "
     "the compliance the ranking's gain and target rules compare.", fraction=True)
_out("compliance_metals", "", "Metals the compliance probability covers", "达标概率涵盖的重金属",
     "Metals ('+'-joined) whose food limit the crop compliance probability checks: those with a "
     "prediction and a limit in the crop; a metal above screening without a transfer function is "
     "not covered (see metals_not_assessed).")
_out("uptake_functions", "", "Transfer functions of the current crop", "当前作物的转移函数",
     "The transfer function that predicts each metal in the plot's current crop ('cd: "
     "synth_rice_cd_ph'; where a user-fitted function was not used because the plot lies beyond its "
     "data, it is named with the reason: 'cd: synth_rice_cd_ph_hunan (not yx_rice_cd: ph = 7.5 outside "
     "its fitted range 5–5.96)'); crop_uptake.csv has the full selection.")
_out("uptake_assumed_inputs", "", "Soil inputs assumed for the crop prediction", "作物预测中采用的假定土壤指标",
     "Soil covariates a transfer function of the current crop needs that the plot did not give, with the "
     "typical value assumed for the plot's land use ('cd: som_pct = 2.5 %, clay_pct = 20 %', from "
     "covariate_defaults.csv; '' where none). The prediction's spread includes the spread of the assumed "
     "value; measuring the covariate narrows it. The scenario field assume_missing_covariates: false turns "
     "the assumption off (the crop is then not assessed).")
_out("soil_mass_assumed", "", "Plough-layer values assumed for the soil mass", "土壤质量计算中采用的假定耕层指标",
     "The plough-layer depth and bulk density the plot did not give, with the typical value assumed for its soil "
     "mass (metal stock and clean-up time): 'depth_m=0.2|bulk_density_g_cm3=1.3', from covariate_defaults.csv; '' "
     "where the plot gave both. The clean-up sentence says so. The Monte Carlo draws an assumed value around the "
     "typical one with the table's spread (log-normal, sd_log10), so the years' P10–P90 of such a plot are wider "
     "than with measured values. The scenario field assume_missing_covariates: false turns the assumption off "
     "(the clean-up time is then not known).", dtype="str")
_out("current_compliance_metals", "", "Metals the current crop's compliance covers",
     "当前作物达标概率涵盖的重金属",
     "Metals ('+'-joined) whose food limit current_crop_compliance_prob checks.")
_out("target_basis", "", "Target basis", "目标依据",
     "What the clean-up target is: the GB 15618 screening value (screening) or the soil concentration "
     "at which the current crop meets the food limit (food_limit).", dtype="category",
     categories=("screening", "food_limit"))
_out("shoot_mg_kg", "mg/kg", "Metal in harvested biomass", "收获物重金属含量",
     "Metal concentration in the harvested biomass in the first year (dry matter).")
_out("removed_g_ha", "g/ha", "Metal removed within the horizon", "期内去除量",
     "Metal removed from the treated layer within the horizon, never beyond the target.")
_out("needed_g_ha", "g/ha", "Metal to remove", "需去除量",
     "Metal that has to leave the treated layer to reach the target.")
_out("removed_share", "", "Share of the excess removed within the horizon", "期内去除超标量的比例",
     "Share of the metal above the target removed within the horizon: removed_g_ha / needed_g_ha, computed "
     "without the soil mass where the removal model needs none (a yearly fraction of the soil metal); blank "
     "where the target is met or the soil mass (bulk density × depth) is not known.")
_out("year", "yr", "Year", "年份", "Year since the start of the option (0 = now).", dtype="int")
_out("conc_p10_mg_kg", "mg/kg", "Soil concentration (P10)", "土壤含量P10",
     "10th percentile of the soil concentration in that year over the Monte Carlo draws.")
_out("conc_p50_mg_kg", "mg/kg", "Soil concentration (P50)", "土壤含量P50",
     "Median soil concentration in that year over the Monte Carlo draws.")
_out("conc_p90_mg_kg", "mg/kg", "Soil concentration (P90)", "土壤含量P90",
     "90th percentile of the soil concentration in that year over the Monte Carlo draws.")
_out("effect_duration_yr", "yr", "Duration of the amendment effect", "钝化效果持续时间",
     "How long one application of an amendment keeps working; it is re-applied after this interval.")
_out("compliant_season_fraction", "1", "Share of seasons the crop meets the food limit",
     "作物达标季节比例",
     "Expected share of the food seasons within the horizon in which the crop meets every food limit "
     "(the crop, the soil and the option's effect year by year).", fraction=True)
_out("compliant_season_fraction_central", "1", "Share of seasons the crop meets the food limit (central)",
     "作物达标季节比例（中心值）",
     "compliant_season_fraction from crop_compliance_prob_central and the typical crop reductions, the same with "
     "and without Monte Carlo draws; the share the ranking's gain and target rules compare.", fraction=True)
_out("food_seasons", "", "Food seasons", "食用作物季数",
     "Number of years within the horizon in which a food crop is grown.", dtype="int")
_out("option_active", "", "Option running", "方案实施中",
     "Whether the option's own operations run in that year.", dtype="bool")

# ------------------------------------------------------------ biomass/energy stage
_out("biomass_t_dm_ha_yr", "t/ha/yr", "Harvested biomass", "收获生物量",
     "Harvested dry matter per hectare and year (annualised).")
_out("energy_pathway", "", "Energy pathway", "能源转化途径",
     "How the biomass is used: chp, pyrolysis, digestion, ethanol, none.", dtype="str")
_out("useful_energy_gj_ha_yr", "GJ/ha/yr", "Useful energy", "有效能量",
     "Useful heat plus electricity delivered per hectare and year.")
_out("electricity_mwh_ha_yr", "MWh/ha/yr", "Electricity", "发电量",
     "Electricity delivered per hectare and year.")
_out("biochar_t_ha_yr", "t/ha/yr", "Biochar produced", "生物炭产量",
     "Biochar (dry) produced per hectare and year from the harvested biomass.")
_out("residue_disposal", "", "Residue disposal", "残余物处置",
     "Where the metal-bearing residue goes (land_application_ok, test_before_use, "
     "exceeds_land_limit, hazardous_waste, none).", dtype="str")
_out("biomass_species", "", "Biomass species", "生物质物种",
     "Species (key of biomass_yields.csv) whose yield is used.", dtype="str")
_out("yield_land", "", "Yield basis (land)", "产量依据（土地类型）",
     "Row of biomass_yields.csv used: contaminated, marginal or cropland (a fallback is reported as used).",
     dtype="str")
_out("harvest_cycle_yr", "yr", "Harvest cycle", "收获周期",
     "Years between harvests (short-rotation coppice is cut every few years; the yield is annualised).")
_out("yield_factor", "1", "Yield adjustment factor", "产量调整系数",
     "Product of the soil pH, contamination and climate yield factors applied to the tabulated yield.")
_out("harvest_year", "", "Harvest year", "收获年份", "Year of the horizon (1 = first year).", dtype="int")
_out("harvest_t_dm_ha", "t/ha", "Harvest", "收获量", "Dry matter cut in a given year.")
_out("heat_gj_ha_yr", "GJ/ha/yr", "Useful heat", "有效热量",
     "Useful heat delivered per hectare and year (CHP).")
_out("fuel_gj_ha_yr", "GJ/ha/yr", "Fuel energy", "燃料能量",
     "Energy (lower heating value) of the biomethane or ethanol made per hectare and year.")
_out("fossil_energy_displaced_gj_ha_yr", "GJ/ha/yr", "Fossil energy displaced", "替代化石能源",
     "Grid electricity, supplied heat and fossil fuel displaced per hectare and year (final energy).")
_out("methane_m3_ha_yr", "m3/ha/yr", "Methane", "甲烷产量",
     "Methane from anaerobic digestion per hectare and year (0 °C, 101.325 kPa).")
_out("ethanol_l_ha_yr", "L/ha/yr", "Ethanol", "乙醇产量", "Ethanol made per hectare and year.")
_out("bio_oil_t_ha_yr", "t/ha/yr", "Bio-oil", "生物油", "Pyrolysis bio-oil per hectare and year.")
_out("pyrolysis_gas_t_ha_yr", "t/ha/yr", "Pyrolysis gas", "热解气", "Pyrolysis gas per hectare and year.")
_out("ash_t_ha_yr", "t/ha/yr", "Ash", "灰分", "Ash from combustion per hectare and year.")
_out("bottom_ash_t_ha_yr", "t/ha/yr", "Bottom ash", "底灰",
     "Bottom ash with the coarse (cyclone) fly ash from combustion per hectare and year: the ash that may "
     "go on land if it passes the limits (factor chp_bottom_ash_frac).")
_out("fly_ash_t_ha_yr", "t/ha/yr", "Fly ash", "飞灰",
     "Fine fly ash collected in the flue-gas filter per hectare and year; hazardous waste unless tested.")
_out("bottom_ash_cd_mg_kg", "mg/kg", "Cd in bottom ash", "底灰镉含量",
     "Typical Cd concentration in the combustion bottom ash (with coarse fly ash), dry mass; blank where "
     "the Cd split between the ashes is not sourced (hyperaccumulator biomass): see metal_fate.")
_out("fly_ash_cd_mg_kg", "mg/kg", "Cd in fly ash", "飞灰镉含量",
     "Typical Cd concentration in the fine fly ash of combustion, dry mass; blank where the split is "
     "not sourced.")
_out("biomass_c_t_ha_yr", "t/ha/yr", "Carbon in biomass", "生物质碳", "Carbon (t C) in the harvested biomass per hectare and year.")
_out("char_c_t_ha_yr", "t/ha/yr", "Carbon in biochar", "生物炭碳", "Organic carbon (t C) in the pyrolysis char per hectare and year.")
_out("volatiles_c_t_ha_yr", "t/ha/yr", "Carbon in oil and gas", "油气中碳",
     "Carbon (t C) leaving pyrolysis with the bio-oil and gas (biomass carbon minus char carbon).")
_out("pyrolysis_temp_c", "degC", "Pyrolysis temperature", "热解温度",
     "Representative temperature of the option's biochar temperature class.")
_out("feedstock_group", "", "Feedstock group", "原料类别",
     "hyperaccumulator (phytoextraction crop or shoot Cd ≥ 100 mg/kg) or other; selects the metal "
     "partition.", dtype="str")
_out("residue_note", "", "Residue note", "残余物说明",
     "Why the residue has its disposal class (the limiting metal, product and limit).", dtype="str")
_out("residue_note_msg", "", "Residue note (message code)", "残余物说明（消息代码）",
     "residue_note as message codes with their parameters (JSON, agriremed.core.messages), rendered in any "
     "language.", dtype="str")
_out("biomass_metal_mg_kg", "mg/kg", "Metal in harvested biomass", "收获生物质中重金属",
     "Metal concentration in the harvested biomass (dry mass), first year.")
_out("metal_in_g_ha_yr", "g/ha/yr", "Metal into conversion", "进入转化的重金属",
     "Metal in the harvested biomass entering the conversion pathway.")
_out("product", "", "Product", "产物",
     "Product of the conversion pathway (char, oil, gas, oil_gas, bottom_ash, fly_ash, digestate, liquor, "
     "residue, stillage, biomass).", dtype="str")
_out("metal_share", "1", "Metal share", "重金属分配比例",
     "Share of the metal going to the product (blank = not reported in the literature: a gap).")
_out("metal_out_g_ha_yr", "g/ha/yr", "Metal in product", "产物中重金属量", "Metal going to the product.")
_out("product_t_ha_yr", "t/ha/yr", "Product mass", "产物质量", "Dry mass of the product (blank = unknown).")
_out("product_conc_mg_kg", "mg/kg", "Metal in product", "产物重金属含量",
     "Metal concentration in the product (blank where the share or the mass is unknown).")
_out("product_conc_low_mg_kg", "mg/kg", "Metal in product (lower bound)", "产物重金属含量下限",
     "Lowest possible concentration given what is known.")
_out("product_conc_high_mg_kg", "mg/kg", "Metal in product (upper bound)", "产物重金属含量上限",
     "Highest possible concentration given what is known (inf = unbounded).")
_out("land_product", "", "Spread on land if used", "可还田产物",
     "True for products that would be spread on farmland (char, bottom ash, digestate, stillage, "
     "residue).",
     dtype="bool")
_out("land_limit_mg_kg", "mg/kg", "Land-application limit", "还田限量",
     "Metal limit of the land-application limit set (default NY 525-2012; blank = no limit).")
_out("land_status", "", "Land-application status", "还田判定",
     "exceeds (even the lower bound is above the limit), below (the upper bound is at or below it), "
     "unknown, not_applied, or hazardous_unless_tested (combustion fly ash: never on land, hazardous "
     "waste unless a test shows otherwise).", dtype="str")

# ------------------------------------------------------------------- carbon stage
_out("term", "", "Ledger term", "核算项", "Carbon ledger term.", dtype="str")
_out("co2e_t_ha_yr", "t CO2e/ha/yr", "CO₂e per year", "年CO₂当量",
     "Ledger term in tonnes CO2-equivalent per hectare and year; positive = removal or "
     "avoided emission, negative = emission.")
_out("net_co2e_t_ha_yr", "t CO2e/ha/yr", "Net CO₂e per year", "年净CO₂当量",
     "Net carbon benefit per hectare and year (removals + avoided − emissions).")
_out("net_co2e_vs_baseline_t_ha_yr", "t CO2e/ha/yr", "Net CO₂e relative to doing nothing",
     "相对不治理的年净CO₂当量",
     "Net carbon benefit per hectare and year minus that of the do-nothing baseline. Blank where it depends on "
     "the field emissions of a crop without an N fertiliser or diesel rate in the library (konjac: a switch to "
     "another crop or to none; an option keeping the crop is compared, its terms cancelling), named in data_gaps.")
_out("net_co2e_t_ha", "t CO2e/ha", "Net CO₂e over horizon", "期内净CO₂当量",
     "Net carbon benefit per hectare over the scenario horizon.")
_out("net_co2e_t", "t CO2e", "Net CO₂e over horizon, whole plot", "地块期内净CO₂当量",
     "Net carbon benefit of the whole plot over the scenario horizon.")
_out("source", "", "Source", "来源", "Reference key of the value's source.", dtype="str")
_out("term_category", "", "Term category", "核算项类别",
     "removal, avoided_emission or emission.", dtype="str")
_out("term_unit", "", "Term unit", "核算项单位", "Unit of the ledger value.", dtype="str")
_out("term_method", "", "Method", "方法", "How the ledger term is computed.", dtype="str")
_out("term_method_msg", "", "Method (message code)", "方法（消息代码）",
     "term_method as a message code with its parameters (JSON, agriremed.core.messages), rendered in any "
     "language.", dtype="str")
_out("co2e_t_ha", "t CO2e/ha", "CO₂e over horizon", "期内CO₂当量", "Ledger term summed over the horizon.")
_out("co2e_t_ha_yr_p10", "t CO2e/ha/yr", "CO₂e per year (P10)", "年CO₂当量P10",
     "10th percentile of the ledger term over the Monte Carlo draws.")
_out("net_co2e_t_ha_yr_p10", "t CO2e/ha/yr", "Net CO₂e per year (P10)", "年净CO₂当量P10",
     "10th percentile of the net carbon benefit over the Monte Carlo draws.")
_out("co2e_t_ha_yr_p50", "t CO2e/ha/yr", "CO₂e per year (P50)", "年CO₂当量P50",
     "50th percentile of the ledger term over the Monte Carlo draws.")
_out("net_co2e_t_ha_yr_p50", "t CO2e/ha/yr", "Net CO₂e per year (P50)", "年净CO₂当量P50",
     "50th percentile of the net carbon benefit over the Monte Carlo draws.")
_out("co2e_t_ha_yr_p90", "t CO2e/ha/yr", "CO₂e per year (P90)", "年CO₂当量P90",
     "90th percentile of the ledger term over the Monte Carlo draws.")
_out("net_co2e_t_ha_yr_p90", "t CO2e/ha/yr", "Net CO₂e per year (P90)", "年净CO₂当量P90",
     "90th percentile of the net carbon benefit over the Monte Carlo draws.")
_out("net_co2e_vs_baseline_t_ha_yr_p10", "t CO2e/ha/yr", "Net CO₂e relative to doing nothing (P10)",
     "相对不治理的年净CO₂当量P10",
     "10th percentile over the draws of the net benefit minus that of doing nothing (same draws).")
_out("net_co2e_vs_baseline_t_ha_yr_p90", "t CO2e/ha/yr", "Net CO₂e relative to doing nothing (P90)",
     "相对不治理的年净CO₂当量P90",
     "90th percentile over the draws of the net benefit minus that of doing nothing (same draws).")
_out("net_co2e_vs_baseline_t_ha", "t CO2e/ha", "Net CO₂e over horizon relative to doing nothing",
     "相对不治理的期内净CO₂当量", "Net carbon benefit over the horizon minus that of doing nothing.")
_out("biochar_method", "", "Biochar persistence method", "生物炭碳汇方法",
     "Method of the biochar sink: ipcc2019, puro2025 or ebc2020.", dtype="str")
_out("credited_co2e_vs_baseline_t_ha_yr", "t CO2e/ha/yr", "Credited CO₂e relative to doing nothing",
     "可计入碳信用的CO₂当量（相对维持现状）",
     "Net CO2e of the ledger terms the carbon-credit method may sell, relative to doing nothing: "
     "by default without the avoided emissions of electricity, heat or fuel that are sold, and without "
     "the paddy CH4 avoided by growing fewer rice seasons (a paddy taken out of rice), which no "
     "methodology read credits; a change of water regime within rice counts (carbon_credit_terms.csv).")
_out("carbon_credit_method", "", "Carbon-credit method", "碳信用计入方法",
     "Which ledger terms earn carbon revenue: land_based or all_terms (carbon_credit_terms.csv).",
     dtype="str")
_out("gwp_set", "", "GWP set", "全球增温潜势版本",
     "IPCC assessment report whose GWP100 of CH4 and N2O the ledger uses: ar6 or ar5.", dtype="str")
_out("rice_water_regime", "", "Rice water regime", "水稻水分管理",
     "IPCC water regime of the rice seasons of the option (continuous_flooding, single_drainage, …); "
     "empty where no rice is grown.", dtype="str")
_out("ledger_year", "", "Year", "年份", "Year of the horizon of a year-by-year ledger row (1 = first year).",
     dtype="int")
_out("year_net_co2e_t_ha", "t CO2e/ha", "Net CO₂e in the year", "当年净CO₂当量",
     "Sum of the ledger terms in one year of the horizon.")
_out("cumulative_net_co2e_t_ha", "t CO2e/ha", "Cumulative net CO₂e", "累计净CO₂当量",
     "Net CO2e from year 1 to this year.")
_out("soc_change_co2e_t_ha", "t CO2e/ha", "SOC change in the year", "当年土壤有机碳变化",
     "Ledger term soc_change in one year of the horizon (positive = removal or avoided emission).")
_out("biochar_sink_co2e_t_ha", "t CO2e/ha", "Biochar carbon sink in the year", "当年生物炭碳汇",
     "Ledger term biochar_sink in one year of the horizon (positive = removal or avoided emission).")
_out("avoided_electricity_co2e_t_ha", "t CO2e/ha", "Avoided grid electricity in the year", "当年替代电网电力减排",
     "Ledger term avoided_electricity in one year of the horizon (positive = removal or avoided emission).")
_out("avoided_heat_co2e_t_ha", "t CO2e/ha", "Avoided heat in the year", "当年替代供热减排",
     "Ledger term avoided_heat in one year of the horizon (positive = removal or avoided emission).")
_out("avoided_fuel_co2e_t_ha", "t CO2e/ha", "Avoided fossil fuel in the year", "当年替代化石燃料减排",
     "Ledger term avoided_fuel in one year of the horizon (positive = removal or avoided emission).")
_out("field_diesel_co2e_t_ha", "t CO2e/ha", "Field diesel in the year", "当年田间柴油排放",
     "Ledger term field_diesel in one year of the horizon (positive = removal or avoided emission).")
_out("n_fertiliser_co2e_t_ha", "t CO2e/ha", "N fertiliser in the year", "当年氮肥排放",
     "Ledger term n_fertiliser in one year of the horizon (positive = removal or avoided emission).")
_out("n2o_fertiliser_direct_co2e_t_ha", "t CO2e/ha", "Direct N₂O in the year", "当年直接N₂O排放",
     "Ledger term n2o_fertiliser_direct in one year of the horizon (positive = removal or avoided emission).")
_out("paddy_ch4_co2e_t_ha", "t CO2e/ha", "Paddy CH₄ in the year", "当年稻田甲烷排放",
     "Ledger term paddy_ch4 in one year of the horizon (positive = removal or avoided emission).")
_out("lime_co2e_t_ha", "t CO2e/ha", "Lime in the year", "当年石灰排放",
     "Ledger term lime in one year of the horizon (positive = removal or avoided emission).")
_out("biomass_transport_co2e_t_ha", "t CO2e/ha", "Biomass transport in the year", "当年生物质运输排放",
     "Ledger term biomass_transport in one year of the horizon (positive = removal or avoided emission).")
_out("processing_co2e_t_ha", "t CO2e/ha", "Processing in the year", "当年加工排放",
     "Ledger term processing in one year of the horizon (positive = removal or avoided emission).")
_out("conversion_process_co2e_t_ha", "t CO2e/ha", "Conversion plant in the year", "当年转化工厂排放",
     "Ledger term conversion_process in one year of the horizon (positive = removal or avoided emission).")
_out("conversion_process_co2e_t_ha_yr", "t CO2e/ha/yr", "Conversion plant", "转化工厂排放",
     "Ledger term conversion_process: CH4 leaked from digesters, pyrolysis process CH4 and plant "
     "electricity, ethanol plant emissions (t CO2e per hectare and year; positive = removal or "
     "avoided emission).")
_out("biochar_inventory_sink_co2e_t_ha_yr", "t CO2e/ha/yr", "Biochar sink (inventory)", "生物炭碳汇（清单）",
     "IPCC 2019 inventory sink of the biochar applied (M·F_C·F_perm·44/12 per hectare and year); "
     "not a credit: no deduction, nothing issued.")
for _short, _name, _zh in (("csink", "Global Biochar C-Sink", "全球生物炭碳汇标准"),
                           ("puro", "Puro.earth 2025", "Puro.earth 2025"),
                           ("vm0044", "Verra VM0044", "Verra VM0044")):
    _out(f"biochar_credit_{_short}_co2e_t_ha_yr", "t CO2e/ha/yr", f"Biochar credit ({_name})",
         f"生物炭碳信用（{_zh}）",
         f"Credit {_name} would issue for the biochar applied: persistent C × 44/12 minus the production "
         "emissions and buffer the registry deducts; 0 when the biochar is not eligible (per hectare "
         "and year).")
    _out(f"biochar_status_{_short}", "", f"Biochar eligibility ({_name})", f"生物炭资格（{_zh}）",
         f"Whether the biochar meets the {_name} rules checked: eligible, unconfirmed (a rule needs data or "
         "a certificate) or not_eligible.", dtype="category",
         categories=("eligible", "unconfirmed", "not_eligible"))
_out("biochar_credit_note", "", "Biochar credit rules", "生物炭碳信用规则",
     "Each registry's eligibility status of the biochar and the rule that decided it.", dtype="str")
_out("soc_change_co2e_t_ha_yr", "t CO2e/ha/yr", "SOC change", "土壤有机碳变化",
     "Ledger term soc_change: IPCC Tier 1 soil organic carbon change (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("biochar_sink_co2e_t_ha_yr", "t CO2e/ha/yr", "Biochar carbon sink", "生物炭碳汇",
     "Ledger term biochar_sink: Persistent carbon of biochar applied to the plot (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("avoided_electricity_co2e_t_ha_yr", "t CO2e/ha/yr", "Avoided grid electricity", "替代电网电力减排",
     "Ledger term avoided_electricity: Grid electricity displaced by biomass power (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("avoided_heat_co2e_t_ha_yr", "t CO2e/ha/yr", "Avoided heat", "替代供热减排",
     "Ledger term avoided_heat: Supplied (coal-fired) heat displaced by CHP heat (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("avoided_fuel_co2e_t_ha_yr", "t CO2e/ha/yr", "Avoided fossil fuel", "替代化石燃料减排",
     "Ledger term avoided_fuel: Natural gas or gasoline displaced by biomethane or ethanol (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("field_diesel_co2e_t_ha_yr", "t CO2e/ha/yr", "Field diesel", "田间柴油排放",
     "Ledger term field_diesel: Diesel burnt in field operations (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("n_fertiliser_co2e_t_ha_yr", "t CO2e/ha/yr", "N fertiliser", "氮肥排放",
     "Ledger term n_fertiliser: Nitrogen fertiliser manufacture (or full chain) (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("n2o_fertiliser_direct_co2e_t_ha_yr", "t CO2e/ha/yr", "Direct N₂O", "直接N₂O排放",
     "Ledger term n2o_fertiliser_direct: Direct N2O from nitrogen applied to the soil (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("paddy_ch4_co2e_t_ha_yr", "t CO2e/ha/yr", "Paddy CH₄", "稻田甲烷排放",
     "Ledger term paddy_ch4: methane of the rice seasons on paddy, IPCC 2019 Tier 1 "
     "(t CO2e per hectare and year; positive = removal or avoided emission).")
_out("lime_co2e_t_ha_yr", "t CO2e/ha/yr", "Lime", "石灰排放",
     "Ledger term lime: CO2 from applied lime (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("biomass_transport_co2e_t_ha_yr", "t CO2e/ha/yr", "Biomass transport", "生物质运输排放",
     "Ledger term biomass_transport: Hauling the harvested biomass (t CO2e per hectare and year; positive = removal or avoided emission).")
_out("processing_co2e_t_ha_yr", "t CO2e/ha/yr", "Processing", "加工排放",
     "Ledger term processing: Electricity for biomass processing before conversion (t CO2e per hectare and year; positive = removal or avoided emission).")

# ---------------------------------------------------------------- economics stage
_out("cost_cny_ha", "CNY/ha", "Cost (discounted)", "成本（折现）",
     "Present value of all costs per hectare over the horizon.")
_out("revenue_cny_ha", "CNY/ha", "Revenue (discounted)", "收入（折现）",
     "Present value of all revenues per hectare over the horizon, carbon credits included.")
_out("carbon_revenue_cny_ha", "CNY/ha", "Carbon revenue (discounted)", "碳收益（折现）",
     "Present value of carbon-credit revenue per hectare at the scenario carbon price.")
_out("npv_cny_ha", "CNY/ha", "Net present value", "净现值", "NPV per hectare over the horizon.")
_out("npv_vs_baseline_cny_ha", "CNY/ha", "NPV relative to doing nothing", "相对不治理的净现值",
     "NPV of the option minus the NPV of the do-nothing baseline, per hectare. On a plot whose crop has no "
     "yield, price or production cost in the library (konjac), given for the options that keep that crop as it "
     "is (same crop, same compliance: the unknown income cancels) while their own NPV is blank; blank for the "
     "others.")
_out("npv_farmer_cny_ha", "CNY/ha", "Farmer's NPV", "农户净现值",
     "NPV per hectare of what the farmer gets: the combined NPV plus the subsidies and the price "
     "support of non-compliant grain paid by the programme.")
_out("npv_farmer_vs_baseline_cny_ha", "CNY/ha", "Farmer's NPV relative to doing nothing", "相对不治理的农户净现值",
     "Farmer's NPV of the option minus that of doing nothing, per hectare.")
_out("npv_farmer_own_vs_baseline_cny_ha", "CNY/ha", "Farmer's NPV from the land itself relative to doing nothing",
     "相对不治理的农户自身收益净现值（不含碳信用和补贴）",
     "Farmer's NPV of the option minus that of doing nothing, per hectare, without the carbon-credit revenue and "
     "without the subsidies and compensation (the harvest, the price support of non-compliant grain and the "
     "option's costs). A food option that keeps the crop, produces no less food, makes it more often compliant "
     "than unchanged practice and is above 0 here dominates unchanged practice: the ranking's min_compliance_gain "
     "does not keep it from being a measure (dominates_baseline).")
_out("npv_programme_cny_ha", "CNY/ha", "Programme's NPV", "项目（政府）净现值",
     "NPV per hectare of the programme's payments (subsidies, compensation, price support of "
     "non-compliant grain; zero or negative). Farmer's NPV + programme's NPV + developer's NPV = combined NPV.")
_out("npv_developer_cny_ha", "CNY/ha", "Developer's NPV", "开发商净现值",
     "NPV per hectare of the developer who builds and runs a PV plant: its capital cost, operation, "
     "electricity sales and residual value minus the land lease paid to the landholder (0 on options "
     "without a developer and on a PV plant no developer finances: pv_developer_npv_cny_ha below 0).")
_out("npv_developer_vs_baseline_cny_ha", "CNY/ha", "Developer's NPV relative to doing nothing",
     "相对不治理的开发商净现值",
     "Developer's NPV of the option minus that of doing nothing (which has no developer), per hectare.")
_out("npv_programme_vs_baseline_cny_ha", "CNY/ha", "Programme's NPV relative to doing nothing",
     "相对不治理的项目净现值",
     "Programme's NPV of the option minus that of doing nothing, per hectare (positive: the option "
     "costs the programme less than doing nothing).")
_out("grain_support_cny_ha", "CNY/ha", "Price support of non-compliant grain (discounted)", "超标粮价格补贴（折现）",
     "Present value of what the programme pays the farmer for grain over the food limit beyond its "
     "value (e.g. 收储 at the normal price; noncompliant_grain.csv).")
_out("subsidy_cny_ha", "CNY/ha", "Subsidies and compensation (discounted)", "补贴与补偿（折现）",
     "Present value of the subsidies and compensation of subsidies.csv paid to the farmer.")
_out("economics_view", "", "Economics view", "经济核算口径",
     "Whose NPV the ranking's economics criterion counts: combined, farmer or programme.", dtype="str")
_out("npv_cny", "CNY", "Net present value, whole plot", "地块净现值",
     "NPV of the whole plot over the horizon.")
_out("payback_yr", "yr", "Payback year", "回收期",
     "First year in which cumulative discounted cash flow relative to doing nothing turns "
     "positive (inf = never within the horizon).")
for _c, _en, _zh in (("years_to_target", "Target never reached", "永不达标"),
                     ("years_p10", "Target never reached (P10)", "永不达标（P10）"),
                     ("years_p50", "Target never reached (P50)", "永不达标（P50）"),
                     ("years_p90", "Target never reached (P90)", "永不达标（P90）")):
    _out(f"{_c}_never", "", _en, _zh,
         f"TRUE where the option does not bring the soil to the target: {_c} is infinite (it removes none of the "
         f"metal, or never enough; a CSV file writes the cell blank, as a spreadsheet reads the text inf as text; "
         f"the workbook shows ∞), or {_c} is blank because the option is not a clean-up method (duration_kind "
         f"stabilises, protects or baseline: an energy crop whose removal would take more than 200 years holds "
         f"the metal in place). FALSE where {_c} gives the years (0 = at the target already), and where it is "
         f"blank for want of a number: the option is not applicable (applicable FALSE, duration_kind blank) or "
         f"no Monte Carlo draws were made.", dtype="bool")
_out("payback_yr_never", "", "Never pays back", "不能回收",
     "CSV files only: TRUE where payback_yr is infinite (never within the horizon), which the CSV file writes as "
     "a blank cell (a spreadsheet reads the text inf as text); FALSE elsewhere. The workbook shows ∞ in "
     "payback_yr itself.", dtype="bool")
_out("cost_per_g_removed_cny_g", "CNY/g", "Cost per gram removed", "每克去除成本",
     "Discounted remediation cost (establishment, management, harvest, amendment, biomass disposal) "
     "divided by the metal removed over the horizon.")
_out("npv_vs_best_cny_ha", "CNY/ha", "NPV relative to the best alternative", "相对最佳备选方案的净现值",
     "NPV of the option minus the NPV of the best other option for the plot (positive for the "
     "most profitable option: its margin over the runner-up).")
_out("best_alternative", "", "Best alternative", "最佳备选方案",
     "The other option with the highest NPV for the plot.", dtype="str")
_out("cost_crop_cny_ha", "CNY/ha", "Food-crop production cost (discounted)", "作物生产成本（折现）",
     "Present value of the production costs of food crops grown under the option.")
_out("cost_establishment_cny_ha", "CNY/ha", "Establishment cost (discounted)", "建植成本（折现）",
     "Present value of the establishment costs (planting material, planting).")
_out("cost_management_cny_ha", "CNY/ha", "Management cost (discounted)", "管理成本（折现）",
     "Present value of yearly management and extra costs of the option while it runs.")
_out("cost_harvest_cny_ha", "CNY/ha", "Harvest cost (discounted)", "收获成本（折现）",
     "Present value of the harvest costs of the biomass (per tonne).")
_out("cost_transport_cny_ha", "CNY/ha", "Biomass haulage cost (discounted)", "生物质运输成本（折现）",
     "Present value of hauling the sold biomass to the plant: t × one-way km × freight rate (CNY/(t km)).")
_out("cost_amendment_cny_ha", "CNY/ha", "Amendment cost (discounted)", "改良剂成本（折现）",
     "Present value of amendment material and spreading at every application.")
_out("cost_disposal_cny_ha", "CNY/ha", "Biomass disposal cost (discounted)", "生物质处置成本（折现）",
     "Present value of the treatment cost of metal-rich biomass.")
_out("revenue_crop_cny_ha", "CNY/ha", "Food-crop revenue (discounted)", "作物收入（折现）",
     "Present value of food-crop sales (only crops that meet the food limit are sold as food).")
_out("revenue_biomass_cny_ha", "CNY/ha", "Biomass, product and energy revenue (discounted)",
     "生物质/产品/能源收入（折现）",
     "Present value of biomass sales, other products and (if chosen) exported electricity.")
_out("item", "", "Cash-flow item", "现金流项目", "Cost or revenue item of a yearly cash flow.", dtype="str")
_out("cash_flow_cny_ha_yr", "CNY/ha/yr", "Cash flow", "现金流",
     "Undiscounted cash flow of one item in one year per hectare (revenue positive, cost negative).")

# ------------------------------------------------------------------ ranking stage
_out("evidence", "", "Evidence", "证据完整性",
     "complete, or partial when the evidence leaves out part of the outcome or the costs (see data_gaps); "
     "partial options rank after complete ones, and an option whose NPV could not be computed (PV without "
     "lat/lon) after every option with known economics.", dtype="category", categories=("complete", "partial"))
_out("policy_status", "", "Policy status", "政策属性",
     "What the scenario's jurisdiction rule set (land_rules.csv) says of the option on this land: expected "
     "(ranked first), allowed, restrained (allowed, ranked after every allowed option) or forbidden "
     "(excluded, the reason names the rule and its sources).",
     dtype="category", categories=("expected", "allowed", "forbidden", "restrained"))
_out("policy_rule", "", "Policy rule", "政策规则",
     "Rule of land_rules.csv that decided the option's policy status (blank: no rule names it).", dtype="str")
_out("policy_tier", "", "Policy tier", "政策排序层级",
     "0 when the rule set expects the option on this land, 1 when it only allows it, 2 when it restrains it; "
     "tier 0 ranks first.",
     dtype="int")
_out("target_tier", "", "Food-target tier", "达标排序层级",
     "0, or for an option the rule set expects: 1 when its food crop is predicted to meet the food limit with "
     "less than the scenario's target_compliance_prob (ranked after the expected options that meet it; where none "
     "does, when it is more than min_compliance_gain below the best compliance of the plot's expected food options, "
     "ranked after those within it), 2 when "
     "it is less compliant than unchanged practice (with the scenario's min_compliance_gain; without it: also "
     "missing the target at a lower economics value) (ranked with the allowed options, whatever the target), 3 when its food crop is predicted to be no safer than under "
     "unchanged practice (compliance gain below the scenario's min_compliance_gain, or below its "
     "min_gain_share of the largest gain of a fully assessed expected food option of the plot) where such an "
     "option makes it safer (ranked after the expected options that do); 5 for an option the rule set allows by "
     "its rule for measures that answer only a crop risk of a metal below its screening value where another "
     "metal exceeds, predicted by a transfer function documented to over-predict (cn_safe_measure_minor_risk): ranked after the other options of its policy tier, unchanged "
     "practice included; 6 for an expected or allowed food option that is no measure for the crop on a plot where "
     "none is: its compliance gain over unchanged practice is below the scenario's min_compliance_gain, as is that "
     "of every fully assessed expected or allowed food option of the plot, at a lower economics value than "
     "unchanged practice or, for an agronomic measure (policy_family agronomic_control), whatever its economics "
     "value (ranked with the allowed options and after them, unchanged practice included, whatever its score), "
     "unless it dominates unchanged practice for the farmer (dominates_baseline: safer, no less food and more "
     "money from the harvest itself, without carbon credits or subsidies).",
     dtype="int")
_out("lime_first", "", "Liming first", "优先调酸",
     "True for an expected liming option (lime_t_ha of option_parameters.csv) on a plot whose soil pH is below the "
     "range of every transfer function of the crop: the crop's metal is predicted only beyond the functions' data "
     "(at the edge of their range, extrapolated) and the liming options rank before the other expected options.",
     dtype="bool")
_out("food_compliance", "1", "Food compliance", "食用作物达标比例",
     "The printed compliance of the option's food crop: the share of its food seasons over the horizon that meet "
     "the food limit (compliant_season_fraction), else the probability in a season (crop_compliance_prob); with "
     "Monte Carlo draws the mean over them; blank without a food crop. The ranking's target and gain rules "
     "compare food_compliance_central instead.")
_out("food_compliance_central", "1", "Food compliance the rules compare", "规则比较的达标比例",
     "food_compliance with every crop reduction at its typical value (with Monte Carlo draws not their mean; "
     "without draws the same as food_compliance): the compliance the ranking's target and gain rules compare "
     "(target_compliance_prob, min_compliance_gain), so that they decide alike with and without draws, and the "
     "one the recommendation's target and gain clauses quote; blank without a food crop.", fraction=True)
_out("food_target", "1", "Food compliance target", "达标比例目标",
     "The scenario's target_compliance_prob the ranking compared food_compliance with; blank when not given.")
_out("dominates_baseline", "", "Dominates unchanged practice", "优于维持现状（更安全且更赚钱）",
     "True for a food option that dominates unchanged practice for the farmer: it keeps the plot's crop, produces "
     "no less food (food_production), makes the crop more often compliant (food_compliance higher, by at least the "
     "0.05 percentage points the sentence prints as 0.1) and earns the farmer more without carbon credits or "
     "subsidies (npv_farmer_own_vs_baseline_cny_ha above 0). Such an option is a measure for the crop however "
     "small its gain: min_compliance_gain does not put it after unchanged practice (target_tier 6), and where it "
     "is recommended with a gain below that, the sentence says it is safer and earns more from the harvest itself.",
     dtype="bool")
_out("food_min_gain", "1", "Least compliance gain of a measure", "措施的最小达标增幅",
     "The scenario's min_compliance_gain the ranking compared each food option's gain in food_compliance over "
     "unchanged practice with; blank when not given.")
_out("rule_set", "", "Rule set", "规则集",
     "Jurisdiction rule set that governed the plot (land_rules.csv): the scenario's, or under rule_set "
     "auto china for a plot in China or without a region and none (no jurisdiction rule) elsewhere.",
     dtype="str")
_out("food_standard", "", "Food standard", "食品标准",
     "Food standard the plot's crop is judged against (food_limits.csv): the scenario's, or under "
     "food_standard auto the one of the plot's region (GB2762 in China, EU2023_915 in the EU and UK, "
     "CODEX elsewhere).", dtype="str")
_out("score", "1", "Score", "综合得分", "Weighted multi-criteria score (0–1, higher is better).")
_out("rank", "", "Rank", "排名", "Rank of the option within the plot (1 = best).", dtype="int")
_out("recommended", "", "Recommended", "推荐", "True for the recommended option of the plot.",
     dtype="bool")
_out("recommended_option", "", "Recommended option", "推荐方案",
     "Option recommended for the plot.", dtype="str")
_out("recommended_name", "", "Recommended option (name)", "推荐方案名称",
     "Name of the option recommended for the plot.", dtype="str")
_out("recommendation", "", "Recommendation", "推荐说明",
     "One-sentence explanation of the recommendation.", dtype="str")
for _c, (_en, _zh) in {"food_safety": ("food safety", "食品安全"), "food_production": ("food production", "粮食生产"),
                       "livelihood": ("livelihood", "生计"),
                       "clean_up": ("clean-up", "土壤修复"), "carbon": ("carbon", "碳"),
                       "economics": ("economics", "经济")}.items():
    _out(f"light_{_c}", "", f"Traffic light: {_en}", f"红绿灯：{_zh}",
         f"Green, amber or red for the {_en} criterion (thresholds in traffic_lights.csv).", dtype="str")
    _out(f"why_{_c}", "", f"Why this colour: {_en}", f"颜色原因：{_zh}",
         f"The number behind the {_en} traffic light and the threshold it passed or missed.", dtype="str")
_out("criterion", "", "Criterion", "评价指标",
     "Ranking criterion (food_safety, food_production, livelihood, clean_up, carbon, economics).",
     dtype="str")
_out("utility", "1", "Utility", "效用值",
     "Criterion value scaled to 0–1 between the anchors of traffic_lights.csv.")
_out("weight", "1", "Weight", "权重",
     "Normalised criterion weight over the criteria assessed for the option.")
_out("contribution", "1", "Contribution to the score", "得分贡献", "Weight × utility; sums to the score.")
_out("programme_cost_cny_ha", "CNY/ha", "Programme cost per hectare", "每公顷项目成本（财政支出）",
     "Present value over the horizon that a programme pays for the option beyond what it pays under "
     "doing nothing (subsidies, compensation, price support of non-compliant grain) plus what keeps the "
     "farmer no worse off than doing nothing (the farmer's NPV shortfall against the baseline); negative "
     "when the option saves the programme money. The ranking's programme view counts minus this.")
_out("programme_cost_cny", "CNY", "Programme cost, whole plot", "地块项目补贴", "Programme cost per hectare × area.")
_out("cumulative_area_ha", "ha", "Area treated", "累计治理面积",
     "Contaminated area treated when plots are funded cheapest hectare first.")
_out("cumulative_budget_cny", "CNY", "Budget", "累计预算",
     "Programme budget needed to treat the cumulative area, cheapest hectare first.")


# soft re-use of marginal land (agriremed.stages.softreuse, agriremed.stages.solar): reuse_options.csv, opportunity_matrix.csv
_out("reuse_id", "", "Soft re-use", "软性再利用方式", "Id of the soft re-use (reuse_options.csv).", dtype="str")
_out("reuse_name", "", "Soft re-use (name)", "软性再利用方式名称", "Name of the soft re-use.", dtype="str")
_out("reuse_name_zh", "", "Soft re-use (Chinese name)", "软性再利用方式（中文）", "Chinese name of the soft re-use.",
     dtype="str")
_out("policy_family", "", "Policy family", "政策类别", "Family the jurisdiction rules (land_rules.csv) name.",
     dtype="str")
_out("allowed", "", "Allowed", "允许", "The re-use is allowed on the plot (rules, soil class, plan verdict).",
     dtype="bool")
_out("pv_area_share", "1", "Share under PV", "光伏占地比例", "Share of the plot inside the PV plant's fence.",
     valid=(0.0, 1.0), fraction=True)
_out("cover", "", "Permanent cover", "永久覆盖", "Managed cover of the re-use (none, grass, woodland).", dtype="str")
_out("cover_area_share", "1", "Share under cover", "覆盖比例", "Share of the plot under the permanent cover "
     "(under the panels: the same land as the PV share).", valid=(0.0, 1.0), fraction=True)
_out("biomass_option", "", "Biomass option", "生物质方案", "Plan option whose biomass the re-use grows.", dtype="str")
_out("biomass_area_share", "1", "Share under the biomass crop", "生物质作物占地比例",
     "Share of the plot under the biomass crop (its energy, carbon and NPV scaled by it).", valid=(0.0, 1.0), fraction=True)
_out("habitat_area_share", "1", "Share as habitat", "生境比例", "Share of the plot kept as permanent habitat.",
     valid=(0.0, 1.0), fraction=True)
_out("public_access", "", "Public access", "公众进入", "People use the land (yes/no).", dtype="str")
_out("labour", "", "Work created", "用工", "Labour the re-use needs (low, medium, high; an assumption).", dtype="str")
_out("solar_zone", "", "Solar resource class", "太阳能资源等级", "China's solar resource class (I–V) of the province.",
     dtype="str")
_out("ghi_kwh_m2_yr", "kWh/m2/yr", "Global horizontal irradiation", "水平面总辐射",
     "Annual global horizontal irradiation used for the PV yield.", valid=(0.0, 3000.0))
_out("specific_yield_kwh_kwp_yr", "kWh/kWp/yr", "PV specific yield", "光伏等效利用小时（单位容量发电量）",
     "First-year AC electricity per kWp of a fixed south-facing array (pvlib PVWatts chain).", valid=(0.0, 3000.0))
_out("pv_mwp_ha", "MWp/ha", "PV capacity per hectare", "每公顷光伏装机", "Installed PV capacity per hectare of plot.")
_out("avoided_co2_t_ha_yr", "t/ha/yr", "Avoided grid CO2", "替代电网CO2减排",
     "Grid CO2 avoided by the electricity produced (China national grid average factor).")
_out("soc_co2e_t_ha_yr", "t CO2e/ha/yr", "Soil carbon of the cover", "覆盖植被土壤碳",
     "IPCC Tier 1 SOC change of the permanent cover, averaged over the horizon, as CO2.")
_out("pv_capex_cny_ha", "CNY/ha", "PV capital cost", "光伏投资", "Installed cost of the PV plant per hectare of plot.")
_out("exposure_class", "", "GB 36600 land class", "GB 36600用地类别",
     "Development-land class of the intended use (first, second; blank when nobody uses the land).", dtype="str")
_out("exposure_verdict", "", "Exposure check", "暴露核查结论",
     "GB 36600 outcome: allowed, site_assessment, cover_layer, not_assessed, not_applicable.", dtype="str")
_out("exposure_reason", "", "Exposure check: why", "暴露核查理由", "Metals and values behind the GB 36600 outcome.",
     dtype="str")
_out("gb36600_verdict", "", "GB 36600 check of the recommended re-use", "推荐再利用方式的GB 36600核查结论",
     "Summary: on marginal, mine and brownfield land (land_use marginal) whose recommended option is a soft re-use "
     "people work on or use (pv_grass: the PV plant's workers, second-class land), the GB 36600 outcome of that "
     "re-use's row of reuse_options.csv (exposure_verdict: allowed, site_assessment, cover_layer, not_assessed); "
     "blank elsewhere.", dtype="str")
_out("gb36600_check", "", "GB 36600 check of the recommended re-use: why", "推荐再利用方式的GB 36600核查理由",
     "Summary: the metals and values behind gb36600_verdict and what they mean (exposure_reason of the re-use's "
     "row of reuse_options.csv); the recommendation closes with it (rec.gb36600) and the plot sheet prints it on "
     "its own line. Blank where gb36600_verdict is.", dtype="str")
_out("gb36600_check_msg", "", "GB 36600 check of the recommended re-use (message code)",
     "推荐再利用方式的GB 36600核查理由（消息代码）",
     "gb36600_check as message codes with their parameters (JSON, agriremed.core.messages); the gb36600_check "
     "column is this message rendered in the run's language (English, or Chinese with --lang zh).", dtype="str")
_out("pv_note", "", "PV note", "光伏说明",
     "Why the PV yield is missing, that it was computed at the coordinates of the plot's prefecture or "
     "province (no lat/lon), or that the solar class is unconfirmed.",
     dtype="str")
_out("exposure_reason_msg", "", "Exposure check: why (message code)", "暴露核查理由（消息代码）",
     "The exposure reason as message codes with their parameters (JSON, agriremed.core.messages); the "
     "exposure_reason column is this message rendered in the run's language (English, or Chinese with --lang zh).", dtype="str")
_out("pv_note_msg", "", "PV note (message code)", "光伏说明（消息代码）",
     "The PV note as message codes with their parameters (JSON, agriremed.core.messages); the pv_note "
     "column is this message rendered in the run's language (English, or Chinese with --lang zh).", dtype="str")
# PV as a plan option (agriremed.stages.solar.plan_pv_energy): plan.csv
_out("pv_land_ha_per_mwp", "ha/MWp", "PV land per MWp", "每兆瓦光伏占地",
     "Fenced land per MWp of the PV plant (pv_parameters.csv); capacity per hectare is its inverse.",
     valid=(0.0, 10.0))
_out("pv_opex_cny_ha_yr", "CNY/ha/yr", "PV operating cost", "光伏运维费用",
     "Operation, maintenance and insurance of the PV plant per hectare and year while it runs (the land "
     "lease is paid to the landholder: pv_parameters.csv land_lease_cny_mu_yr).")
_out("pv_tariff_cny_kwh", "CNY/kWh", "PV electricity price", "光伏上网电价",
     "Price of the PV electricity sold (scenario pv_tariff_cny_kwh, else the province's coal-fired "
     "benchmark price of pv_tariffs.csv, else pv_parameters.csv).", valid=(0.0, 10.0))
for _svc, _en, _zh in [("energy", "energy", "能源"), ("carbon", "carbon", "碳"), ("biodiversity", "biodiversity", "生物多样性"),
                       ("water_regulation", "water regulation", "水调节"), ("amenity", "amenity", "休闲景观"),
                       ("risk_reduction", "risk reduction", "风险削减"), ("income", "income", "收益"),
                       ("jobs", "jobs", "就业")]:
    _out(f"score_{_svc}", "1", f"Score: {_en}", f"得分：{_zh}",
         f"Opportunity-matrix score 0–3 for {_en} (opportunity_rules.csv).", dtype="int", valid=(0, 3))
    if f"why_{_svc}" not in COLUMNS:
        _out(f"why_{_svc}", "", f"Why: {_en}", f"理由：{_zh}", f"Rule and numbers behind the {_en} score.", dtype="str")
_out("score_total", "1", "Opportunity score", "机会总分", "Sum of the eight service scores (0–24).", dtype="int",
     valid=(0, 24))
_out("risk_control_cost_cny_ha", "CNY/ha", "Risk control cost (GB 36600)", "风险管控成本（GB 36600）",
     "First-year cost of covering the land with clean soil before people use it, where a marginal, mine or "
     "brownfield plot's soil exceeds a GB 36600 risk intervention value for the option's users (a PV plant's "
     "workers: second-class land): factors.csv clean_cover_cost_cny_m2 × 10 000 m²/ha, on the landholder's "
     "account (in cost_year1_cny_ha and the establishment costs); 0 elsewhere.")
_out("pv_lease_cny_ha_yr", "CNY/ha/yr", "PV land lease", "光伏土地租金",
     "Land lease the developer of a PV plant pays the landholder per hectare of plot and year while the "
     "plant runs (pv_parameters.csv land_lease_cny_mu_yr × 15 mu/ha × the fenced share); blank on other options "
     "and on a plant no developer finances (pv_developer_npv_cny_ha below 0).")
_out("pv_developer_npv_cny_ha", "CNY/ha", "Developer's NPV of the PV plant", "光伏电站开发商净现值",
     "NPV per hectare a developer would make on the PV plant against doing nothing: capital cost, operation, "
     "electricity sales and residual value minus the land lease, at the scenario's discount rate. A developer "
     "finances the plant where it is ≥ 0 (then npv_developer_cny_ha equals it and the lease is paid); below 0 "
     "the plant is not viable for a developer: no lease, developer's NPV 0, the landholder's account carries "
     "the plant. Blank on other options.")
_out("cost_year1_cny_ha", "CNY/ha", "First-year cost per hectare", "首年每公顷成本",
     "Undiscounted cost items of year 1 of the yearly cash flows (crop production, establishment, "
     "management, harvest, amendment, biomass disposal), combined account (no subsidies).")
_out("cost_year1_vs_baseline_cny_ha", "CNY/ha", "First-year cost per hectare beyond doing nothing",
     "比维持现状增加的首年每公顷成本",
     "cost_year1_cny_ha minus that of doing nothing on the same plot. Also given where both are blank because "
     "the plot's crop has no yield, price or production cost in the library (konjac) and the option keeps that "
     "crop as it is (an amendment, a spray): the crop's unknown income and production cost are the same on both "
     "rows, so the difference is the option's own costs; blank for an option that switches that crop or "
     "changes its compliance.")
_out("revenue_mean_cny_ha_yr", "CNY/ha/yr", "Mean yearly revenue per hectare", "年均每公顷收入",
     "Undiscounted revenue items of the yearly cash flows (crop, biomass, product, energy, carbon "
     "credit; no subsidies or price support) averaged over the horizon.")
_out("first_year_extra_cost_plot_cny", "CNY", "First-year cost beyond doing nothing", "比维持现状增加的首年成本",
     "First-year cost of the recommended option on the plot minus that of doing nothing (unchanged practice) on "
     "the same plot (cost_year1_cny_ha of both × area_ha): what the measure adds to the farm's spending in year 1; "
     "negative where it costs less.")
_out("first_year_cost_plot_cny", "CNY", "First-year cost of the plot", "地块首年成本",
     "First-year cost per hectare of the recommended option × plot area (cost_year1_cny_ha × area_ha); 0 for "
     "a PV plant, which the developer builds (the landholder invests nothing).")
_out("cash_flow_year1_cny_ha", "CNY/ha", "Net cash flow of year 1 per hectare", "第一年每公顷净现金流",
     "Undiscounted revenue minus cost of year 1 of the yearly cash flows, combined account (no subsidies "
     "or price support).")
_out("cash_flow_typical_cny_ha_yr", "CNY/ha/yr", "Net cash flow of a typical year per hectare",
     "典型年份每公顷净现金流",
     "Undiscounted revenue minus cost of the typical year (typical_year: the first of years 2…horizon whose "
     "net cash flow is the median of those years), combined account (no subsidies or price support).")
_out("typical_year", "yr", "Typical year", "典型年份",
     "The year of the yearly cash flows whose net cash flow is shown as a typical year (2…horizon).",
     valid=(2, None))
_out("cash_flow_later_low_cny_ha_yr", "CNY/ha/yr", "Lowest net cash flow of years 2 on per hectare",
     "第2年起最低每公顷净现金流",
     "Undiscounted revenue minus cost of the year with the lowest net cash flow among years 2…horizon "
     "(a re-application year of an option limed every few years), combined account.")
_out("cash_flow_later_high_cny_ha_yr", "CNY/ha/yr", "Highest net cash flow of years 2 on per hectare",
     "第2年起最高每公顷净现金流",
     "Undiscounted revenue minus cost of the year with the highest net cash flow among years 2…horizon, "
     "combined account.")
_out("cash_flow_later_mean_cny_ha_yr", "CNY/ha/yr", "Mean net cash flow of years 2 on per hectare",
     "第2年起平均每公顷净现金流",
     "Undiscounted revenue minus cost averaged over years 2…horizon, combined account.")
_out("cash_flow_year1_plot_cny", "CNY", "Net cash flow of the plot in year 1", "地块第一年净现金流",
     "Net cash flow of year 1 per hectare of the recommended option × plot area "
     "(cash_flow_year1_cny_ha × area_ha); subsidies are not included. For a PV plant the landholder's: the "
     "land lease (pv_lease_cny_ha_yr × area_ha).")
_out("cash_flow_typical_plot_cny_yr", "CNY/yr", "Net cash flow of the plot in a typical year",
     "地块典型年份净现金流",
     "Net cash flow of the typical year per hectare of the recommended option × plot area "
     "(cash_flow_typical_cny_ha_yr × area_ha); subsidies are not included. For a PV plant the landholder's: "
     "the land lease (pv_lease_cny_ha_yr × area_ha).")
_out("cash_flow_later_low_plot_cny_yr", "CNY/yr", "Lowest net cash flow of the plot in years 2 on",
     "地块第2年起最低净现金流",
     "Lowest net cash flow of years 2…horizon per hectare of the recommended option × plot area "
     "(cash_flow_later_low_cny_ha_yr × area_ha); subsidies are not included. For a PV plant the land lease.")
_out("cash_flow_later_high_plot_cny_yr", "CNY/yr", "Highest net cash flow of the plot in years 2 on",
     "地块第2年起最高净现金流",
     "Highest net cash flow of years 2…horizon per hectare of the recommended option × plot area "
     "(cash_flow_later_high_cny_ha_yr × area_ha); subsidies are not included. For a PV plant the land lease.")
_out("cash_flow_later_mean_plot_cny_yr", "CNY/yr", "Mean net cash flow of the plot in years 2 on",
     "地块第2年起平均净现金流",
     "Net cash flow averaged over years 2…horizon per hectare of the recommended option × plot area "
     "(cash_flow_later_mean_cny_ha_yr × area_ha); subsidies are not included. For a PV plant the land lease.")
_out("area_mu", "mu", "Area", "面积", "Plot area in mu (1 亩 = 1/15 ha).", valid=(0, None))
_out("geometry_area_ha", "ha", "Polygon area", "图形面积",
     "Area of the plot's polygon (GIS input whose attributes hold an area: Lambert azimuthal equal-area projection "
     "centred on the layer, GRS80 ellipsoid), written beside the area the attributes give, with which the plot is "
     "planned (area_ha); carried from the layer into the summary.", valid=(0, None))
_out("measures", "", "Measures this season and next", "本季和下一季措施",
     "Steps of the recommended option this season and next with amounts per mu (option_steps.csv; "
     "amounts from option_parameters.csv); the plot's own amounts are on its sheet.", dtype="str")
_out("monitoring", "", "Monitoring", "监测",
     "Grain sampling of the recommended option: composite samples a season for the plot, the metals "
     "to test and for how long (rule of monitoring_rules.csv).", dtype="str")
_out("grain_samples_per_season", "1", "Composite grain samples a season", "每季混合籽粒样品数",
     "Composite grain samples a season for the plot (0: no food crop grown).", valid=(0, None))
_out("rice_seasons_grown_per_yr", "1/yr", "Rice seasons a year grown", "每年种植水稻季数",
     "Rice seasons a year the option grows where its crop is rice (the plot's rice_seasons_per_yr: two on "
     "double-cropped rice; one under the Sedum–rice rotation, rice_seasons.csv); 1 for other crops. Rice "
     "yield, revenue, per-season costs, paddy CH₄ and grain samples count each season.", valid=(1, 2))
_out("grain_samples_per_yr", "1/yr", "Composite grain samples a year", "每年混合籽粒样品数",
     "Composite grain samples a year for the plot: the samples of a season × the rice seasons a year the "
     "recommended option grows (rice_seasons_per_yr: two on double-cropped rice; one season for other crops).",
     valid=(0, None))
_out("duration_text", "", "How long", "所需时间",
     "Years to target of the recommended option as text with its unit ('about 12 yr', 约12年, for a "
     "clean-up option; '> 200 yr' beyond 200 years; 'stabilises, does not clean up' for an option that is "
     "not a clean-up method); the number is years_p50.", dtype="str")
_out("first_year_cost_cny_mu", "CNY/mu", "First-year cost per mu", "每亩首年成本",
     "First-year cost per hectare of the recommended option per mu (cost_year1_cny_ha × 1/15 ha per mu), "
     "the unit subsidies are set in.")
_out("npv_vs_baseline_cny_mu", "CNY/mu", "NPV vs doing nothing per mu", "每亩相对不治理的净现值",
     "NPV against doing nothing of the recommended option per mu (npv_vs_baseline_cny_ha × 1/15 ha per mu).")

# the farmer's legal income lost on strict-control land and the compensation paid for it (the summary, from
# agriremed.engine.assemble; blank on plots whose crop the rule set does not forbid)
_COMP_WHERE = (" Given only on strict-control land where the rule set forbids selling the food crop grown before "
               "the classification (the plots whose doing nothing the recommendation values as a crop that may "
               "not be sold); blank elsewhere.")
_COMP_YEARLY = ("the equal yearly amount over the horizon with the same present value at the scenario's discount "
                "rate (year-1 costs spread over the years)")
_out("lost_income_cny_mu_yr", "CNY/mu/yr", "Farmer's lost legal income per mu", "农户每亩合法收入损失",
     "The farmer's legal net income lost per mu and year: the net income of the crop as grown before the "
     "strict-control classification, sold whole as a compliant harvest at its market price minus its production "
     "cost (crops.csv yield_t_ha × prices.csv crop_price_cny_t − production_cost_cny_ha_yr, typical values; each "
     "rice season counted), minus the farmer's net income under the recommended option without subsidies and "
     "compensation (its NPV as " + _COMP_YEARLY + "). Blank where the library holds no yield, price or "
     "production cost of the crop, or the option's money is not computed." + _COMP_WHERE)
_out("lost_income_plot_cny_yr", "CNY/yr", "Farmer's lost legal income of the plot", "地块农户合法收入损失",
     "lost_income_cny_mu_yr × the plot's area in mu." + _COMP_WHERE)
_out("compensation_paid_cny_mu_yr", "CNY/mu/yr", "Compensation paid per mu", "每亩实际补偿",
     "Subsidies and compensation the programme pays the farmer per mu and year for the recommended option "
     "(subsidies.csv rows matched by option, soil class and region, typical values; their present value as "
     + _COMP_YEARLY + "); 0 where no row reaches the option on the plot (compensation_basis says why)."
     + _COMP_WHERE)
_out("compensation_paid_plot_cny_yr", "CNY/yr", "Compensation paid for the plot", "地块实际补偿",
     "compensation_paid_cny_mu_yr × the plot's area in mu." + _COMP_WHERE)
_out("compensation_gap_cny_mu_yr", "CNY/mu/yr", "Compensation gap per mu (lost income − compensation)",
     "每亩补偿缺口（收入损失−补偿）",
     "lost_income_cny_mu_yr − compensation_paid_cny_mu_yr: positive, the part of the lost legal income the "
     "farmer bears; negative, paid more than the income lost." + _COMP_WHERE)
_out("compensation_gap_plot_cny_yr", "CNY/yr", "Compensation gap of the plot", "地块补偿缺口",
     "compensation_gap_cny_mu_yr × the plot's area in mu." + _COMP_WHERE)
_out("compensation_basis", "", "Lost income and compensation: basis", "收入损失与补偿：依据",
     "How the lost legal income and the compensation were computed: the crop's yield, price and production cost "
     "with their table rows and sources, the recommended option's yearly net income, the subsidies.csv rows paid "
     "or why none is." + _COMP_WHERE, dtype="str")
_out("compensation_basis_msg", "", "Lost income and compensation: basis (message code)",
     "收入损失与补偿：依据（消息代码）",
     "compensation_basis as message codes with their parameters (JSON, agriremed.core.messages); the "
     "compensation_basis column is this message rendered in the run's language.", dtype="str")

# money columns in the other reporting currencies (same amount ÷ CNY per unit of the currency)
for _col in [c for c in COLUMNS.values() if c.unit.split("/")[0] == "CNY" and c.role == "output"]:
    for _cur in CURRENCIES[1:]:
        _out(money_column(_col.name, _cur), _col.unit.replace("CNY", _cur, 1), _col.label_en, _col.label_zh,
             f"{_col.description} In {_cur}: the CNY amount divided by the scenario's exchange rate "
             f"(CNY per {_cur}).", dtype=_col.dtype, group=_col.group)


def input_columns(group: str | None = None) -> list[Column]:
    """Registered input columns, optionally restricted to one ``group``."""
    return [c for c in COLUMNS.values() if c.role == "input" and (group is None or c.group == group)]


def present_metals(columns: Iterable[str]) -> list[str]:
    """Metals whose total column is among ``columns``, in :data:`METALS` order."""
    cols = set(columns)
    return [m for m in METALS if metal_column(m) in cols]
