"""Header and value spellings: map what users type to canonical names and units.

Headers are matched case-insensitively after trimming spaces, BOMs and punctuation;
known aliases (English and Chinese) are recognised, and a unit stated in the header, in
any bracket style or after a comma or space (``镉（mg/kg）``, ``Cd [mg/kg]``,
``Pb (mg kg-1)``, ``Pb (mg·kg⁻¹)``, ``Zn, mg/kg``, ``Cd mg/kg DW``, ``面积（亩）``,
``有机质（g/kg）``, ``cd_ug_kg``), is converted to the registry unit of the column with
a unit registry (pint; 亩 and the other local spellings come from ``data/units.csv``,
each with its source). A Chinese metal name may carry its element symbol (``镉(Cd) mg/kg``,
``镉（Cd）（mg/kg）``, ``镉 Cd``), and a bracket may repeat the column's name (``酸碱度(pH)``). An area
header in Chinese without a unit (``面积``) is read in 亩, the unit of Chinese county sheets, an English
one (``area``) in ha, each with a warning. Every mapping that is not an exact match is reported by
validation, so nothing is renamed or converted silently; a header that looks like a
metal (it holds a metal symbol or a Chinese metal name) but cannot be read, or whose
unit does not fit its column, is an error that stops the file.

References
----------
State Council of the PRC (1959) 国务院关于统一计量制度的命令 (1 市亩 = 1/15 ha).
BIPM (2019) The International System of Units (SI), 9th ed. (ppm, ppb as mass fractions).
MEE (2016) HJ 804-2016, DTPA extraction of soil available (有效态) elements.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
import dataclasses
from dataclasses import dataclass
from importlib import resources

from agriremed.core import columns as C
from agriremed.core.messages import Message, render
from agriremed.core.places import PLACE_SUFFIX, place_names  # noqa: F401 (re-exported, see __all__)

__all__ = [
    "ha_per_mu",
    "LAND_USE_ALIASES",
    "LAND_USE_NOT_MODELLED",
    "LAND_USE_IDLE_CULTIVATED",
    "LAND_USE_IDLE",
    "AREA_UNIT_HEADERS",
    "header_key",
    "BASIC_FARMLAND_ALIASES",
    "BASIC_FARMLAND_TICKS",
    "LandClass",
    "LAND_CLASS_CODE_HEADERS",
    "land_classes",
    "read_land_class",
    "RICE_TYPE_ALIASES",
    "WHEAT_TYPE_ALIASES",
    "SOIL_CLASS_ALIASES",
    "CROP_GROUP_WORDS",
    "VEGETABLE_UNSPECIFIED",
    "DOUBLE_RICE_WORDS",
    "SINGLE_RICE_WORDS",
    "PADDY_UPLAND_ROTATION_WORDS",
    "RICE_SEASON_WORDS",
    "RICE_SEASON_SUFFIXES",
    "ROTATION_SEP",
    "OTHER_METALS",
    "other_metal",
    "ROTATION_ENDINGS",
    "ROTATION_PLANNED_FIRST",
    "ROTATION_SHORT",
    "HeaderRead",
    "read_header",
    "crop_metal_header_crop",
    "normalise_header",
    "is_known_header",
    "complete_header",
    "complete_cut_ascii_header",
    "is_unit_text",
    "unit_row",
    "unit_cell",
    "unit_like_share",
    "with_unit_row",
    "is_no_unit_word",
    "unit_factor",
    "UnitReadError",
    "place_names",
]

#: Spellings accepted for each land-use class (compared case-insensitively).
LAND_USE_ALIASES: dict[str, str] = {
    "paddy": "paddy", "paddy field": "paddy", "rice paddy": "paddy", "paddy_field": "paddy",
    "水田": "paddy", "稻田": "paddy", "水稻田": "paddy",
    # 灌溉水田 (irrigated) and 望天田 (rain-fed paddy), classes 111 and 112 of the land classification used
    # before GB/T 21010 (全国土地分类（试行）, 2001): both are 水田 0101 of GB/T 21010-2017 (land for rice and other
    # aquatic crops, irrigated or not), as older county sheets still write them
    "灌溉水田": "paddy", "望天田": "paddy",
    "撂荒水田": "paddy", "闲置水田": "paddy", "抛荒水田": "paddy", "休耕水田": "paddy", "abandoned paddy": "paddy",
    "idle paddy": "paddy", "fallow paddy": "paddy",
    "upland": "upland", "dryland": "upland", "dry land": "upland", "upland field": "upland",
    "旱地": "upland", "旱田": "upland", "水浇地": "upland", "旱作地": "upland",
    "撂荒旱地": "upland", "闲置旱地": "upland", "抛荒旱地": "upland", "休耕旱地": "upland", "abandoned upland": "upland",
    "idle upland": "upland", "fallow upland": "upland",
    "orchard": "orchard", "果园": "orchard", "园地": "orchard", "茶园": "orchard",
    "vegetable": "vegetable", "vegetables": "vegetable", "vegetable field": "vegetable",
    "菜地": "vegetable", "蔬菜地": "vegetable", "菜园": "vegetable", "菜园地": "vegetable",
    "菜田": "vegetable",
    "marginal": "marginal", "marginal land": "marginal", "wasteland": "marginal",
    "边际土地": "marginal", "边际地": "marginal", "荒地": "marginal", "未利用地": "marginal",
    "brownfield": "marginal", "mine": "marginal", "mine land": "marginal", "mining land": "marginal",
    "矿区": "marginal", "矿山": "marginal", "工矿废弃地": "marginal", "废弃地": "marginal", "采矿用地": "marginal",
}

#: Spellings of :data:`LAND_USE_ALIASES` that say the land is idle, abandoned or fallow (撂荒水田, 闲置旱地,
#: 休耕水田 …): a row with one of them and a blank crop cell grows no crop, so it is planned with crop
#: ``none`` (the crops.csv code of 无/撂荒), reported as read from the land-use cell.
LAND_USE_IDLE: tuple[str, ...] = tuple(k for k in LAND_USE_ALIASES
                                       if k[:2] in ("撂荒", "闲置", "抛荒", "休耕")
                                       or k.split()[0] in ("abandoned", "idle", "fallow"))

@dataclass(frozen=True)
class LandClass:
    """A class of the land-use classification GB/T 21010-2017 as used by the third national
    land survey (三调工作分类), from ``data/land_classes.csv``.

    Attributes
    ----------
    code : str
        Class code (``0101``, ``0201K``, ``05H1``).
    name : str
        Chinese class name (水田).
    land_use : str
        The agriremed land use it is read as (paddy, upland, orchard, marginal); '' for a
        class agriremed does not plan.
    not_planned : str
        Why it is not planned: forest, grassland, construction, transport, water, facility, ridge,
        bare_rock or level1 (a level-1 class holding classes planned differently); '' when
        planned.
    """

    code: str
    name: str
    land_use: str
    not_planned: str


@functools.lru_cache(maxsize=1)
def land_classes() -> dict[str, LandClass]:
    """三调 land classes by code and by name (both keys), from ``data/land_classes.csv``.

    References
    ----------
    GB/T 21010-2017 土地利用现状分类; 第三次全国国土调查工作分类 (TD/T 1055-2019).
    """
    text = resources.files("agriremed.data").joinpath("land_classes.csv").read_text(encoding="utf-8")
    out: dict[str, LandClass] = {}
    for row in csv.DictReader(text.splitlines()):
        lc = LandClass(row["code"].strip().upper(), row["name"].strip(), row["land_use"].strip(),
                       row["not_planned"].strip())
        out[lc.code] = lc
        out.setdefault(lc.name, lc)
    return out


_LAND_CLASS_TEXT = re.compile(r"^(?P<n1>[\u4e00-\u9fff]+)?\s*[(（]?\s*(?P<code>\d{2,4}[A-Za-z]?\d?)\s*[)）]?\s*"
                              r"(?P<n2>[\u4e00-\u9fff]+)?$")


def read_land_class(text: str) -> LandClass | None:
    """The 三调 land class a land-use cell names: a code (``0101``, ``0201K``; ``101``–``103``,
    the codes 0101–0103 with the leading zero lost in a spreadsheet), a class name (``其他园地``)
    or both (``0101水田``, ``水田（0101）``, ``0101 水田``); None when the cell names none, or its
    code and name disagree.

    Examples
    --------
    >>> read_land_class("水田（0101）").land_use, read_land_class("101").code, read_land_class("乔木林地").not_planned
    ('paddy', '0101', 'forest')
    >>> read_land_class("0101旱地") is None
    True
    """
    classes = land_classes()
    t = unicodedata.normalize("NFKC", str(text)).strip()
    if t in classes:
        return classes[t]
    m = _LAND_CLASS_TEXT.match(t)
    if m is None or m.group("code") is None:
        return None
    code = m.group("code").upper()
    if code in ("101", "102", "103"):
        code = "0" + code
    lc = classes.get(code)
    if lc is None or lc.code != code:
        return None
    names = [n for n in (m.group("n1"), m.group("n2")) if n]
    if len(names) > 1 or (names and names[0] != lc.name):
        return None
    return lc


#: Headers of a land-class code column (三调 DLBM): beside a land-class name column (DLMC)
#: the code column is passed through, the name column is read as ``land_use``.
LAND_CLASS_CODE_HEADERS: tuple[str, ...] = ("地类编码", "dlbm", "地类代码")


#: Land uses agriremed does not model (no soil class, uptake or option rules are set up for
#: them): rejected with the classes it plans.
LAND_USE_NOT_MODELLED: tuple[str, ...] = ("grassland", "grass", "pasture", "meadow", "草地", "牧草地", "天然牧草地",
                                          "人工牧草地", "草原", "forest", "woodland", "林地", "有林地")

#: Words for abandoned or idle cultivated land that do not say whether it is paddy or dry land:
#: such land is still cultivated land (耕地), not wasteland, and paddy and other land have
#: different GB 15618 screening values, so the plot is rejected asking for its recorded class
#: (水田 / 旱地, e.g. "撂荒水田") with crop "none".
LAND_USE_IDLE_CULTIVATED: tuple[str, ...] = ("撂荒地", "闲置地", "撂荒耕地", "闲置耕地", "抛荒地", "抛荒耕地",
                                             "弃耕地", "撂荒", "休耕地", "休耕耕地", "休耕", "abandoned land", "abandoned farmland",
                                             "abandoned cropland", "idle land", "idle farmland")

#: Crop words that name a group of crops, not one crop: the food limits and transfer
#: functions differ within the group, so the plot needs the crop itself. Vegetables of no
#: given type (蔬菜) and leafy vegetables (叶菜) are crops of ``crops.csv`` instead
#: (:data:`VEGETABLE_UNSPECIFIED`, ``leafy_vegetable``).
CROP_GROUP_WORDS: dict[str, str] = {
    "粮食": "grain crops",
    "粮食作物": "grain crops", "谷物": "cereals", "cereal": "cereals", "cereals": "cereals",
    "水果": "fruit", "fruit": "fruit",
}

#: Crop code of a vegetable whose type is not given (蔬菜, 蔬菜类, vegetables): judged against the
#: strictest vegetable limits of its food standard, each plot warned.
VEGETABLE_UNSPECIFIED = "vegetable_unspecified"

#: Crop code of a crop the library does not know (黄精, 莲藕, 茭白 …: not a code, name or alias of
#: ``crops.csv``): the row is planned, not rejected. Its GB 15618 class comes from the soil alone;
#: every metal above its screening value is "not assessed — measure the harvest" (no transfer
#: function, no food limit group); its yield, price and cost are not in the library, so its income is a
#: data gap; only options that do not depend on the crop's own uptake or income are credited. The cell
#: as written is kept in ``crop_as_written`` and a warning names the row. To plan the crop with its own
#: limits, uptake and economics, add it (or its name as an alias) to ``crops.csv``.
UNLISTED_CROP = "unlisted"

#: Crop words for double-cropped rice (early and late rice on the same plot in one year,
#: compared case-insensitively with spaces and hyphens as ``_``): read as rice with
#: ``rice_seasons_per_yr`` = 2 (two rice seasons a year), with a note per row.
DOUBLE_RICE_WORDS: tuple[str, ...] = (
    "双季稻", "双季水稻", "双季", "早稻+晚稻", "早稻＋晚稻", "早晚稻", "早稻、晚稻", "早稻/晚稻", "早稻,晚稻",
    "早稻，晚稻", "早稻和晚稻", "早稻_晚稻", "early+late_rice", "double_rice", "double_cropped_rice",
    "double_cropping_rice", "double_season_rice",
    # the early or late crop of a double-rice plot, and double rice with a winter crop (稻-稻-油)
    "双季晚稻", "双季早稻", "稻_稻", "稻稻", "稻+稻", "稻_稻_油", "稻稻油", "稻_稻_油菜", "稻稻油菜")

#: Elements a county sheet may measure beside the eight of GB 15618 (锑 Sb near antimony mines, 铊 Tl …):
#: no screening value, food limit or transfer function in agriremed. A column naming one is passed
#: through and each plot's sentence says it was measured but not assessed. Chinese name → symbol.
OTHER_METALS: dict[str, str] = C.OTHER_METALS


#: A header naming one element and nothing else: 锑, 土壤锑, 总锑, 锑含量, 土壤总锑含量, Sb, SB, sb_mg_kg,
#: Sb total, each with an optional unit in brackets or after it.
_OTHER_METAL_HEADER = re.compile(
    r"^\s*(?:土壤)?(?:总)?(?P<zh>[锑铊钼钴锰硒铍锡钡银钒])(?:含量)?"
    r"|^\s*(?P<sym>sb|tl|mo|co|mn|se|be|sn|ba|ag|v)(?:[_\s]*(?:total|mg[_/]?kg|_mg_kg))?", re.I)


def other_metal(header: str) -> str | None:
    """The element a header names among :data:`OTHER_METALS` (its symbol), or None: the header is the
    element's Chinese name (土壤锑, 总锑, 锑含量) or symbol (Sb, sb_mg_kg) and at most a unit.

    >>> [other_metal(h) for h in ("锑（mg/kg）", "Sb mg/kg", "sb_mg_kg", "土壤总锑含量(mg/kg)", "镉")]
    ['Sb', 'Sb', 'Sb', 'Sb', None]
    >>> [other_metal(h) for h in ("SE", "Cd SE", "银川", "锡林郭勒", "CO2排放 (t/ha)", "Co.", "备注CO")]
    [None, None, None, None, None, None, None]
    """
    t = str(header).strip()
    t = re.sub(r"\s*[(（\[【].*?[)）\]】]\s*$", "", t)  # a unit in brackets at the end
    t = re.sub(r"\s*(?:mg/kg|mg kg-1|mg·kg-1|mg·kg⁻¹|ppm)\s*$", "", t, flags=re.I)
    m = _OTHER_METAL_HEADER.match(t)
    if not m or m.end() != len(t):
        return None
    if m.group("zh"):
        return OTHER_METALS[m.group("zh")]
    sym = m.group("sym")
    # a bare two-letter word in capitals (SE: standard error, CO, MO) is not read as an element
    if sym.isupper() and "_" not in t and len(t) == len(sym):
        return None
    return sym.capitalize()


#: Separators between the crops of a rotation written in one cell (小麦-玉米, 冬小麦/夏玉米, 水稻+油菜).
ROTATION_SEP = re.compile(r"\s*[-－—–~～/／+＋、，,;；→]\s*")

#: Words that may end a rotation written in one cell (小麦-玉米轮作, 麦玉两熟), removed before it is read.
ROTATION_ENDINGS: tuple[str, ...] = ("一年两熟", "一年二熟", "轮作", "复种", "两熟", "二熟", "rotation")

#: One-character names of crops in a rotation written short (麦-玉, 麦玉两熟, 稻-油): read only as parts
#: of a rotation, never as a crop cell of their own.
ROTATION_SHORT: dict[str, str] = {"麦": "wheat", "玉": "maize", "稻": "rice", "油": "rapeseed", "豆": "soybean"}

#: The crop planned where a cell names a rotation of several crops: the first of these in it (the
#: grain crops that take up the most Cd first), else the first written; the others are listed as
#: not planned (``crops_not_planned``).
ROTATION_PLANNED_FIRST: tuple[str, ...] = ("rice", "wheat", "maize")

#: Cropping-system words (种植制度, 种植模式, 熟制 columns; compared as :data:`DOUBLE_RICE_WORDS`) of one
#: rice season a year, with or without a winter crop: ``rice_seasons_per_yr`` = 1 on a rice plot.
SINGLE_RICE_WORDS: tuple[str, ...] = (
    "一季稻", "单季稻", "中稻", "一季中稻", "一季晚稻", "单季晚稻", "一季", "单季", "稻_油", "稻油", "稻+油",
    "稻_油菜", "稻油菜", "single_rice", "single_cropped_rice", "one_rice_season")

#: Cropping-system words (compared as :data:`DOUBLE_RICE_WORDS`) naming paddy–upland rotation (水旱轮作)
#: without naming its crops: a paddy row holding one is rotation land for the soil class
#: (``paddy_upland_rotation``), as is a row whose system names rice and a dry crop (稻麦轮作, 稻-油).
PADDY_UPLAND_ROTATION_WORDS: tuple[str, ...] = (
    "水旱轮作", "水旱轮作地", "水旱轮作田", "水旱两熟", "水旱复种", "paddy_upland_rotation", "paddy–upland_rotation",
    "rice_upland_rotation", "paddy_upland")
#: The rice season a rice crop cell names (compared as :data:`DOUBLE_RICE_WORDS`): ``early`` (早稻),
#: ``late`` (晚稻, the late crop of double rice) or ``single`` (one rice season a year: 中稻, 一季稻).
#: The early and the late rice of one field may be written as two rows (``rice_season``).
RICE_SEASON_WORDS: dict[str, str] = {
    "早稻": "early", "双季早稻": "early", "early_rice": "early", "early_season_rice": "early",
    "晚稻": "late", "双季晚稻": "late", "late_rice": "late", "late_season_rice": "late",
    "中稻": "single", "一季稻": "single", "单季稻": "single", "一季中稻": "single", "一季晚稻": "single",
    "单季晚稻": "single", "middle_rice": "single", "single_rice": "single", "single_season_rice": "single"}

#: Plot-id suffixes naming the early or the late rice season (``LY-01-早稻``, ``LY-01（晚稻）``, ``LY-01-早``,
#: ``A12-early``, ``A12_late_rice``; English ones compared in lower case): suffix → season code. One
#: character (早, 晚) is read only after a separator or in brackets.
RICE_SEASON_SUFFIXES: dict[str, str] = {
    "早稻": "early", "双季早稻": "early", "早": "early", "early": "early", "early_rice": "early",
    "晚稻": "late", "双季晚稻": "late", "晚": "late", "late": "late", "late_rice": "late"}

#: Spellings accepted for the permanent-basic-farmland flag (compared case-insensitively).
BASIC_FARMLAND_ALIASES: dict[str, str] = {
    "yes": "yes", "y": "yes", "true": "yes", "1": "yes", "是": "yes", "永久基本农田": "yes",
    "no": "no", "n": "no", "false": "no", "0": "no", "否": "no", "不是": "no", "非永久基本农田": "no",
    "unknown": "unknown", "not known": "unknown", "?": "unknown", "未知": "unknown", "不详": "unknown",
    "不清楚": "unknown",
    # tick and cross marks of paper-derived sheets, and the English words of the flag
    "√": "yes", "✓": "yes", "✔": "yes", "☑": "yes", "×": "no", "✗": "no", "✘": "no", "☒": "no",
    "permanent basic farmland": "yes", "basic farmland": "yes", "pbf": "yes", "基本农田": "yes",
    "not permanent basic farmland": "no", "not basic farmland": "no", "非基本农田": "no",
    # general cultivated land (一般耕地) is the cultivated land outside permanent basic farmland
    "一般耕地": "no", "非永久基本农田耕地": "no",
    # 有/无 (is one / is none) of paper-derived sheets: 无 here is "no", not a blank cell
    "有": "yes", "无": "no",
}

#: Spellings accepted for the high-geological-background flag (``high_background``; compared case-insensitively).
HIGH_BACKGROUND_ALIASES: dict[str, str] = {
    "yes": "yes", "y": "yes", "true": "yes", "1": "yes", "是": "yes", "地质高背景": "yes", "高背景": "yes",
    "√": "yes", "✓": "yes", "✔": "yes",
    "no": "no", "n": "no", "false": "no", "0": "no", "否": "no", "不是": "no", "×": "no", "✗": "no",
    "有": "yes", "无": "no",
}

#: The tick marks among :data:`BASIC_FARMLAND_ALIASES`: a column holding only ticks and blanks
#: is warned about once (blank is read as unknown, not as no).
BASIC_FARMLAND_TICKS: tuple[str, ...] = ("√", "✓", "✔", "☑")

#: Spellings accepted for the rice type (compared case-insensitively).
RICE_TYPE_ALIASES: dict[str, str] = {
    "indica": "indica", "籼稻": "indica", "籼": "indica", "常规籼稻": "indica", "籼型": "indica",
    "japonica": "japonica", "粳稻": "japonica", "粳": "japonica", "常规粳稻": "japonica", "粳型": "japonica",
    "hybrid": "hybrid", "杂交稻": "hybrid", "杂交水稻": "hybrid", "杂交籼稻": "hybrid", "hybrid rice": "hybrid",
    "indica rice": "indica", "japonica rice": "japonica",
}

#: Spellings accepted for the county's soil class (compared case-insensitively after NFKC, so
#: Ⅰ Ⅱ Ⅲ are I II III; spaces removed): the class names of the 农用地土壤环境质量类别划分 and
#: GB 15618-2018 practice, with or without 类, the I/II/III 类 numbering and the English names.
#: Spellings of the wheat type (``wheat_type``), also read from a wheat crop cell (冬小麦 → winter, 春小麦 →
#: spring): a winter wheat row is the winter season of its field (maize cannot replace it).
WHEAT_TYPE_ALIASES: dict[str, str] = {
    "winter": "winter", "winter wheat": "winter", "冬小麦": "winter", "冬麦": "winter", "冬": "winter",
    "spring": "spring", "spring wheat": "spring", "春小麦": "spring", "春麦": "spring", "春": "spring",
}

SOIL_CLASS_ALIASES: dict[str, str] = {
    "priority_protection": "priority_protection", "safe_utilisation": "safe_utilisation",
    "strict_control": "strict_control",
    "优先保护类": "priority_protection", "优先保护": "priority_protection", "优先保护类耕地": "priority_protection",
    "安全利用类": "safe_utilisation", "安全利用": "safe_utilisation", "安全利用类耕地": "safe_utilisation",
    "严格管控类": "strict_control", "严格管控": "strict_control", "严格管控类耕地": "strict_control",
    "i类": "priority_protection", "ii类": "safe_utilisation", "iii类": "strict_control",
    "第i类": "priority_protection", "第ii类": "safe_utilisation", "第iii类": "strict_control",
    "priorityprotection": "priority_protection", "safeutilisation": "safe_utilisation",
    "safeutilization": "safe_utilisation", "safe_utilization": "safe_utilisation",
    "strictcontrol": "strict_control",
}

_HEADER_ALIASES = {
    "id": "plot_id", "plot": "plot_id", "plotid": "plot_id", "plot_no": "plot_id",
    "地块编号": "plot_id", "编号": "plot_id", "地块": "plot_id", "样点编号": "plot_id",
    "点位编号": "plot_id", "样品编号": "plot_id", "地块号": "plot_id", "地块编码": "plot_id",
    "图斑编号": "plot_id", "地块代码": "plot_id",
    "landuse": "land_use", "土地利用类型": "land_use", "土地利用": "land_use", "用地类型": "land_use",
    "地类": "land_use", "土地类型": "land_use", "利用类型": "land_use",
    # fields of the 三调 land-class layer (DLTB): 地类名称 DLMC, 地类编码 DLBM, 图斑编号 TBBH
    "地类名称": "land_use", "dlmc": "land_use", "地类编码": "land_use", "dlbm": "land_use",
    "地类代码": "land_use", "tbbh": "plot_id", "图斑号": "plot_id",
    # DKBM: the field code of 地块编码 (Di Kuai Bian Ma, its pinyin initials, as TBBH is 图斑编号's) in
    # contracted-land parcel layers (承包地块 of the 确权 registration databases, NY/T 2539; the field code as
    # that standard lists it UNCONFIRMED here); 地块编码 itself is read above
    "dkbm": "plot_id",
    # the present-use column of county sheets built on the 三调 land classes (GB/T 21010)
    "土地利用现状": "land_use", "利用现状": "land_use", "现状地类": "land_use", "土地利用现状类型": "land_use",
    "土地现状": "land_use", "地类现状": "land_use", "现状利用类型": "land_use",
    "采样点编号": "plot_id", "采样点号": "plot_id", "样点号": "plot_id", "点号": "plot_id",
    # the county's own class (农用地土壤环境质量类别划分)
    "类别": "soil_class_county", "土壤环境质量类别": "soil_class_county", "划分类别": "soil_class_county",
    "类别划分": "soil_class_county", "质量类别": "soil_class_county", "类别划分结果": "soil_class_county",
    "农用地土壤环境质量类别": "soil_class_county", "耕地土壤环境质量类别": "soil_class_county",
    "county_class": "soil_class_county", "county_soil_class": "soil_class_county",
    "县级类别": "soil_class_county", "县级划分类别": "soil_class_county", "县级分类": "soil_class_county",
    "县级土壤类别": "soil_class_county", "土壤环境质量类别划分": "soil_class_county",
    # field names of the 土壤污染状况详查 point tables and sampling databases
    "点位编码": "plot_id", "点位代码": "plot_id", "样点编码": "plot_id", "采样点编码": "plot_id",
    "样品编码": "plot_id",
    "ph_water": "ph", "ph_h2o": "ph", "soil_ph": "ph", "ph值": "ph", "土壤ph": "ph", "土壤ph值": "ph",
    "酸碱度": "ph",
    "som": "som_pct", "om_pct": "som_pct", "organic_matter_pct": "som_pct", "有机质": "som_pct",
    "om": "som_pct", "organic_matter": "som_pct", "soil_organic_matter": "som_pct",
    "土壤有机质": "som_pct", "有机质含量": "som_pct",
    "clay": "clay_pct", "黏粒": "clay_pct", "粘粒": "clay_pct", "黏粒含量": "clay_pct",
    "粘粒含量": "clay_pct",
    "cec": "cec_cmol_kg", "阳离子交换量": "cec_cmol_kg",
    "bd": "bulk_density_g_cm3", "bulk_density": "bulk_density_g_cm3", "容重": "bulk_density_g_cm3",
    "土壤容重": "bulk_density_g_cm3",
    "depth": "depth_m", "plough_depth_m": "depth_m", "耕层厚度": "depth_m", "土层厚度": "depth_m",
    "耕层深度": "depth_m", "处理深度": "depth_m",
    "area": "area_ha", "面积": "area_ha", "地块面积": "area_ha", "图斑面积": "area_ha", "图斑地类面积": "area_ha", "种植面积": "area_ha",
    "实测面积": "area_ha", "测量面积": "area_ha",
    "作物": "crop", "current_crop": "crop", "种植作物": "crop", "作物类型": "crop", "农作物": "crop",
    "当前作物": "crop", "作物种类": "crop",
    "作物名称": "crop", "主栽作物": "crop", "现种作物": "crop", "主要作物": "crop",
    "当季作物": "crop", "现种植作物": "crop", "主种作物": "crop", "种植作物名称": "crop",
    "latitude": "lat", "longitude": "lon", "纬度": "lat", "经度": "lon",
    # the headings of 详查 point tables and GPS exports (东经 113.15, 北纬 27.70; X(经度) names the longitude)
    "东经": "lon", "北纬": "lat", "gps经度": "lon", "gps纬度": "lat", "经度坐标": "lon", "纬度坐标": "lat",
    "x_经度": "lon", "y_纬度": "lat", "经度_x": "lon", "纬度_y": "lat", "东经坐标": "lon", "北纬坐标": "lat",
    "地区": "region", "区域": "region", "行政区": "region", "所在地": "region", "县": "region",
    "县区": "region", "乡镇": "region", "区县": "region", "县市区": "region", "县名": "region",
    "乡": "region", "镇": "region", "街道": "region", "乡镇街道": "region", "乡镇名称": "region", "所在乡镇": "region",
    # 三调 坐落单位名称 (ZLDWMC, TD/T 1055-2019): the village collective the parcel lies in (渌口区南洲镇罗家村)
    "坐落单位名称": "region", "zldwmc": "region", "坐落单位": "region",
    "省": "region", "省份": "region", "市": "region", "地市": "region",
    "村": "village", "村庄": "village", "行政村": "village",
    "年降水量": "annual_rain_mm", "年降水": "annual_rain_mm", "年均降水": "annual_rain_mm",
    "年均降水量": "annual_rain_mm", "年平均降水量": "annual_rain_mm", "年降雨量": "annual_rain_mm",
    "年均降雨量": "annual_rain_mm", "年降雨": "annual_rain_mm",
    "年均气温": "mean_temp_c", "年平均气温": "mean_temp_c", "年均温": "mean_temp_c", "年平均温度": "mean_temp_c",
    "年均温度": "mean_temp_c",
    "永久基本农田": "basic_farmland", "基本农田": "basic_farmland", "permanent_basic_farmland": "basic_farmland",
    "是否永久基本农田": "basic_farmland", "是否基本农田": "basic_farmland", "是否为永久基本农田": "basic_farmland",
    "永农": "basic_farmland", "是否永农": "basic_farmland", "是否为永农": "basic_farmland",
    "水稻类型": "rice_type", "稻型": "rice_type", "水稻类别": "rice_type", "籼粳类型": "rice_type",
    "籼粳": "rice_type", "rice_subspecies": "rice_type", "ricetype": "rice_type", "rice_variety_type": "rice_type",
    # only headers that name rice seasons: 复种指数 (multiple-cropping index, 200 % for 稻-稻 and for
    # 小麦-玉米, 3 for 稻-稻-油), 种植季数 and 季数 count every crop, not rice seasons
    "水稻季数": "rice_seasons_per_yr", "稻作季数": "rice_seasons_per_yr",
    "种植制度": "cropping_system", "种植模式": "cropping_system", "熟制": "cropping_system",
    "水稻熟制": "cropping_system", "耕作制度": "cropping_system", "cropping_pattern": "cropping_system",
    "水稻种植季数": "rice_seasons_per_yr", "稻季数": "rice_seasons_per_yr",
    "rice_seasons": "rice_seasons_per_yr", "rice_seasons_per_year": "rice_seasons_per_yr",
    # metal of natural (geological) origin, as the county's survey finds it (karst soils)
    "地质高背景": "high_background", "高背景": "high_background", "是否地质高背景": "high_background",
    "地质高背景区": "high_background", "是否高背景": "high_background", "高背景区": "high_background",
    "geogenic": "high_background", "high_geological_background": "high_background",
    "geological_background": "high_background",
}

#: Headers that are themselves a unit: the column is the area in that unit.
_UNIT_ONLY_HEADERS = {"亩": "area_ha", "市亩": "area_ha", "公顷": "area_ha", "ha": "area_ha",
                      "hectare": "area_ha", "hectares": "area_ha", "平方米": "area_ha", "m2": "area_ha",
                      "mu": "area_ha"}

#: Field names of the third national land survey (三调) database whose unit the data standard
#: fixes: TBMJ (图斑面积, parcel area) and TBDLMJ (图斑地类面积, area of the land class) are in
#: square metres (TD/T 1055-2019 database structure), so they are read as area in m², under their
#: field codes and their Chinese field names alike (a header stating a unit, 图斑面积(亩), is read in it).
_IMPLIED_UNIT_HEADERS = {"tbmj": ("area_ha", "m2"), "tbdlmj": ("area_ha", "m2"),
                         "图斑面积": ("area_ha", "m2"), "图斑地类面积": ("area_ha", "m2"),
                         # 亩数 (the number of 亩) heads the area of 台账 ledgers: the area in 亩
                         "亩数": ("area_ha", "亩"), "面积亩数": ("area_ha", "亩")}

#: Hemisphere marks a coordinate header may state in its brackets or after it (经度(E), 纬度（N）, lat_N,
#: 经度(°E)): they name the column's hemisphere, not a unit. Only east and north (China's hemispheres) are
#: read so: a header marked W or S would need its values negated, and stays unread (its column passed through).
_HEMISPHERE_MARKS = {"lon": re.compile(r"(?i)^°?\s*(?:e|东经|东)\s*°?$"), "lat": re.compile(r"(?i)^°?\s*(?:n|北纬|北)\s*°?$")}

#: Headers of a column giving the unit of the area row by row (面积 12 | 面积单位 亩).
AREA_UNIT_HEADERS: tuple[str, ...] = ("面积单位", "单位", "面积计量单位", "计量单位", "area_unit", "unit",
                                      "area_units", "units")

#: Words stating that a column has no unit (pH (无量纲)): they agree with a unitless column.
_NO_UNIT_WORDS = ("无量纲", "无单位", "dimensionless", "unitless", "no_unit", "none", "无", "1")

#: Cell texts that hold no unit at all in a unit row (under a plot id or a crop).
_DASHES = ("", "-", "--", "/", "—", "–", "、")

#: The first cell of a unit row may name it (单位: …).
_UNIT_ROW_LABELS = ("单位", "unit", "units", "计量单位", "单位:")

#: Columns whose bare header (no unit) is read in the registry unit with a warning that
#: says so, because field sheets often use another unit (亩 for area, g/kg for SOM).
_AMBIGUOUS_BARE = {"area_ha": ("ha", "面积（亩）"), "som_pct": ("%", "有机质（g/kg）")}

#: The unit of an area header in Chinese stating none (面积, 地块面积, 种植面积): Chinese county sheets
#: (台账, 成果表) give plot areas in 亩, so a bare 面积 is read in 亩 and converted to ha, with a warning
#: naming the assumption and the rows (``val.header_area_mu_assumed``); an English header (area) stays in ha.
_AREA_BARE_ZH_UNIT = "亩"

_METAL_ZH = {zh: m for m, (_sym, zh) in C.METAL_NAMES.items()}
_EXTRACTION_WORDS = {"cacl2": "cacl2", "dtpa": "dtpa", "hno3": "hno3"}
_AVAILABLE_WORDS = ("有效态", "有效", "可提取态", "可提取", "available", "avail", "extractable",
                    "bioavailable")
#: Extraction taken for a header that says 有效态 (available) without naming the method: the
#: national method standards for soil available metals (HJ 804-2016, GB/T 23739-2009) use DTPA.
_AVAILABLE_DEFAULT = "dtpa"

#: Labels naming the extraction of a soil pH, in a header's brackets or typed after the number in
#: a cell ('6.5（水）', '5.2(KCl)'): water (水, 水浸, 水浸提, H2O, water; the basis of the ``ph``
#: column and of the GB 15618-2018 classes, soil:water 1:2.5), 1 M KCl (KCl, 氯化钾) or
#: 0.01 M CaCl2 (CaCl2, 氯化钙), each optionally with its molarity and 浸提/浸/提/提取.
_PH_EXTRACTIONS = (("water", r"水|h2o|water"), ("kcl", r"kcl|氯化钾"), ("cacl2", r"cacl2|氯化钙"))
#: The ratio of the pH methods (水土比2.5:1 = 土水比1:2.5, NY/T 1121.2 and HJ 962), alone or named as
#: water to soil: the water extraction; after KCl or CaCl2 it names that extraction's ratio.
_PH_RATIO = (r"(?:(?:水土比|土水比)_?(?:为|=)?_?)?"
             r"(?:2[._]5_?:_?1|1_?:_?2[._]5)")
_PH_LABEL = re.compile(r"^(?:[\d_]*(?:mol/l|m)_?)?(?P<word>水|h2o|water|kcl|氯化钾|cacl2|氯化钙)_?"
                       r"(?:浸提|浸|提取|提|extract(?:ion|ed)?)?(?:_?[,;]?_?" + _PH_RATIO + r")?$")
_PH_RATIO_LABEL = re.compile(r"^" + _PH_RATIO + r"(?:_?(?:浸提|浸|提取|提))?$")
_TOTAL_WORDS = ("总", "全", "total", "tot", "总量", "全量")
_FILLER_WORDS = ("土壤", "soil", "含量", "浓度", "content", "conc", "concentration", "元素", "值")

_DRY_BASIS = re.compile(r"(?i)(?<![a-z])(dw|d\.w\.|dry\s*weight|dry\s*mass|dry\s*matter|dry|dm)(?![a-z])"
                        r"|干重|干基|烘干")
_FRESH_BASIS = re.compile(r"(?i)(?<![a-z])(fw|f\.w\.|fresh\s*weight|fresh)(?![a-z])|鲜重|鲜基")
#: A value derived from measured values and a limit (稻米镉超标倍数, 最大超标倍数, 镉单项污染指数, 是否超标,
#: Cd exceedance ratio, pollution index): not a measurement; the plan compares the measured values itself.
_DERIVED_VALUE = re.compile(r"超标倍数|超标率|污染指数|是否超标|超标与否"
                            r"|(?i:(?<![a-z])exceed(?:ance|ing|ed)?[\s_-]*(?:ratio|factor|multiple|times|rate)(?![a-z])"
                            r"|(?<![a-z])pollution[\s_-]*index(?![a-z]))")

_OPEN, _CLOSE = "([{【〔<《〈「", ")]}】〕>》〉」"
_BRACKET_GROUP = re.compile(r"[\(\[\{【〔<《〈「]([^\)\]\}】〕>》〉」]*)[\)\]\}】〕>》〉」]")
_METAL_SYMBOL = re.compile(r"(?<![A-Za-z])(Cd|Hg|As|Pb|Cr|Cu|Ni|Zn|CD|HG|AS|PB|CR|CU|NI|ZN"
                           r"|cd|hg|pb|cr|cu|ni|zn)(?![A-Za-z])")
_METAL_ZH_ANY = re.compile("[" + "".join(_METAL_ZH) + "]")
#: A Chinese metal name with its own element symbol beside it, in brackets or after a space (镉(Cd), 镉（Cd）,
#: 镉 Cd, 镉Cd; symbol first: Cd(镉)), as Chinese lab reports head their columns: the symbol restates the name
#: and is read off (镉(Cd)(mg/kg) → 镉(mg/kg)). A symbol of another metal (镉(Pb)) is kept, so the header is
#: refused; the words around the name (有效态, 总, a CaCl2 extraction) are kept and read as before.
_METAL_WITH_SYMBOL = re.compile(
    r"(?P<zh>[" + "".join(_METAL_ZH) + r"])\s*(?:[(\[【]\s*(?P<s1>[A-Za-z]{1,2})\s*[)\]】]"
    r"|(?P<s2>[A-Za-z]{1,2})(?![A-Za-z]))"
    r"|(?<![A-Za-z])(?P<s3>[A-Za-z]{1,2})\s*[(\[【]\s*(?P<zh3>[" + "".join(_METAL_ZH) + r"])\s*[)\]】]")


def _without_metal_symbol(s: str) -> str:
    """A cleaned header with the element symbol restating its Chinese metal name read off
    (:data:`_METAL_WITH_SYMBOL`): ``镉(Cd) mg/kg`` → ``镉 mg/kg``, ``Cd(镉)`` → ``Cd``; other text unchanged.

    >>> [_without_metal_symbol(h) for h in ("镉(Cd)(mg/kg)", "镉 Cd", "有效态镉(Cd)", "Cd(镉)", "镉(Pb)", "镉(CaCl2)")]
    ['镉(mg/kg)', '镉', '有效态镉', 'Cd', '镉(Pb)', '镉(CaCl2)']
    """
    def repl(m: re.Match) -> str:
        zh = m["zh"] or m["zh3"]
        sym = m["s1"] or m["s2"] or m["s3"]
        if _METAL_ZH[zh] != sym.lower():
            return m.group(0)
        return zh if m["zh"] else sym + " "

    return re.sub(r"\s+", " ", _METAL_WITH_SYMBOL.sub(repl, s)).strip()


_CJK = re.compile(r"[\u4e00-\u9fff]")

#: Words naming the harvested crop or its edible part in a header of a measured crop metal (糙米镉, 籽粒镉,
#: 农产品镉含量, grain_cd_mg_kg, Cd_rice, crop Cd (mg/kg)): with one metal and at most a unit they name a
#: column ``crop_<metal>_mg_kg`` (:data:`agriremed.core.columns.CROP_METALS`), optionally followed by 中/的
#: (稻米中镉) or, in English, preceded by in/of (Cd in rice).
_CROP_PART_ZH = ("农产品", "农作物", "可食部分", "可食部", "糙米", "稻米", "大米", "精米", "籽粒", "籽实", "稻谷",
                 "水稻", "小麦", "玉米", "作物", "谷物", "粮食", "蔬菜")
_CROP_PART_EN = ("brown_rice", "polished_rice", "grains", "grain", "rice", "crops", "crop", "wheat", "maize", "corn",
                 "kernel", "vegetables", "vegetable", "produce", "harvest")
_CROP_PART = re.compile(
    r"(?:" + "|".join(sorted(_CROP_PART_ZH, key=len, reverse=True)) + r")(?:中|的)?"
    r"|(?i:(?<![a-z])(?:(?:in|of)[\s_]+)?(?:" + "|".join(w.replace("_", r"[\s_]*")
                                                      for w in _CROP_PART_EN) + r")(?![a-z]))")
#: Crop part words that name one crop (糙米 → rice, 小麦 → wheat): the crop's name as crops.csv spells it (a name or
#: alias), so that several columns of one metal measured in different crops are told apart
#: (:func:`crop_metal_header_crop`); the other words (籽粒, 农产品, grain) name no crop.
_CROP_PART_CROP = {"糙米": "水稻", "稻米": "水稻", "大米": "水稻", "精米": "水稻", "稻谷": "水稻", "水稻": "水稻",
                   "brown_rice": "水稻", "polished_rice": "水稻", "rice": "水稻", "小麦": "小麦", "wheat": "小麦",
                   "玉米": "玉米", "maize": "玉米", "corn": "玉米"}
#: Words naming inorganic As (无机砷, inorganic As, inorganic arsenic, iAs): measured in the harvest (GB 2762 limits
#: inorganic As in rice), read as ``crop_as_inorganic_mg_kg`` with or without a crop word.
_INORGANIC_AS = re.compile(r"无机砷|(?i:(?<![a-z])inorganic[\s_-]*(?:arsenic|as)(?![a-z]))"
                           r"|(?<![A-Za-z])i[-_]?As(?![A-Za-z])")
#: A header naming soil is never a crop column (玉米地土壤镉, paddy soil Cd).
_SOIL_WORD = re.compile(r"(?i)土|(?<![a-z])soils?(?![a-z])")

#: Words that show a header was meant for a required column.
_REQUIRED_HINTS = {
    "plot_id": re.compile(r"(?i)编号|编码|代码|地块|(?<![a-z])(plot|id)(?![a-z])"),
    "land_use": re.compile(r"(?i)土地利用|用地|地类|land[\s_]*use"),
    "ph": re.compile(r"(?i)(?<![a-z])ph(?![a-z])|酸碱"),
    "area_ha": re.compile(r"(?i)面积|(?<![a-z])area(?![a-z])"),
    "crop": re.compile(r"(?i)作物|(?<![a-z])crop(?![a-z])"),
}

#: Registry unit → pint spelling.
_PINT_TARGET = {"%": "percent", "g/cm3": "g/cm**3", "mm/yr": "mm/year", "1": "dimensionless",
                "": "dimensionless"}

_METAL_UNIT_RE = re.compile(
    r"^(?P<metal>cd|hg|as|pb|cr|cu|ni|zn)(?:_(?P<ex>cacl2|hno3|dtpa))?"
    r"(?:_?\(?(?P<unit>mg_kg|mg/kg|ppm|ug_kg|ug/kg|µg_kg|µg/kg|μg_kg|μg/kg|g_kg|g/kg|ppb)\)?)?$"
)


class UnitReadError(ValueError):
    """A unit text that the unit registry cannot read or convert to the column's unit.

    ``code`` (a ``val.header_*`` message code) and ``params`` say which problem it is; the
    text is the English problem after ``unit``.
    """

    def __init__(self, text: str, code: str = "", **params):
        super().__init__(text)
        self.code, self.params = code, params

    def __reduce__(self):  # pickled with its code and parameters (from a worker process)
        return _unit_read_error, (type(self), str(self), self.code, self.params)


def _unit_read_error(cls, text: str, code: str, params: dict) -> UnitReadError:
    return cls(text, code, **params)


def _message(code: str | None, **params):
    """:meth:`agriremed.core.messages.Message.of` (``None``: the empty message)."""
    return Message() if code is None else Message.of(code, **params)


def _english(message) -> str:
    return render(message, "en")


@dataclass(frozen=True)
class HeaderRead:
    """How one header of a plot table is read.

    Attributes
    ----------
    header : str
        The header as found in the file.
    canonical : str
        The registered column it maps to, or the cleaned header when it maps to none.
    factor : float
        Multiplier converting the column's values to the registry unit [-].
    unit : str or None
        The unit stated in the header, as written.
    note : str or None
        Warning text describing the mapping when it is not an exact match.
    error : str or None
        Problem text when the header cannot be used (the file is stopped).
    expected : str
        What was expected, for an error.
    note_msg, error_msg, expected_msg : Message or None
        ``note``, ``error`` and ``expected`` as messages (codes ``val.header_*``, ``exp.*``);
        the texts are their English renderings.
    derived : bool
        The header names a value derived from measured values and a limit (超标倍数, a pollution
        index): not read, passed through under ``canonical``.
    dry : bool
        The header names a metal measured in the harvest on a dry-weight basis (糙米镉（mg/kg，干重）).
    assumed : str or None
        The unit assumed for a header stating none where it is not the registry unit (``亩`` for a
        Chinese area header such as 面积, :data:`_AREA_BARE_ZH_UNIT`); ``factor`` converts from it and
        ``unit`` stays None (a unit row, a title line or a unit column may still state the unit).
    """

    header: str
    canonical: str
    factor: float = 1.0
    unit: str | None = None
    note: str | None = None
    error: str | None = None
    expected: str = ""
    note_msg: object = None
    error_msg: object = None
    expected_msg: object = None
    derived: bool = False
    dry: bool = False
    assumed: str | None = None


def _read(raw: str, canonical: str, note=None, error=None, expected=None, **kw) -> HeaderRead:
    """A :class:`HeaderRead` with its note, error and expectation given as messages."""
    return HeaderRead(raw, canonical, note=None if note is None else _english(note),
                      error=None if error is None else _english(error),
                      expected="" if expected is None else _english(expected),
                      note_msg=note, error_msg=error, expected_msg=expected, **kw)


def _clean(raw: str) -> str:
    s = unicodedata.normalize("NFKC", str(raw)).replace("\ufeff", "")
    s = s.replace("−", "-").replace("–", "-").replace("—", "-").replace("⁻", "-")
    return s.strip().strip("\"'").strip()


def _key(s: str) -> str:
    s = s.lower()
    s = re.sub(r"[\s\-.]+", "_", s)
    return re.sub(r"_+", "_", s).strip("_")


@functools.lru_cache(maxsize=1)
def ph_salt_offset() -> Message:
    """How far pH in KCl and in CaCl2 lies below water pH, as the message part the pH-extraction
    input messages quote (``val.ph_salt_offset``).

    The numbers are the ``ph_kcl_below_water`` and ``ph_cacl2_below_water`` rows of the packaged
    ``data/factors.csv`` [pH unit]; they are quoted to the user, never used to convert a value.

    References
    ----------
    Wang A. et al. (2019) Agricultural Sciences 10:142–149 (``wang2019_ph_kcl``);
    Soil Science 145:29–36 (1988) (``soilsci1988_ph_cacl2``).
    """
    text = resources.files("agriremed.data").joinpath("factors.csv").read_text(encoding="utf-8")
    rows = {r["factor"]: r for r in csv.DictReader(text.splitlines())}
    kcl, cacl2 = rows["ph_kcl_below_water"], rows["ph_cacl2_below_water"]
    return Message.of("val.ph_salt_offset", kcl=float(kcl["typical"]), kcl_low=float(kcl["low"]),
                      kcl_high=float(kcl["high"]), cacl2_low=float(cacl2["low"]), cacl2_high=float(cacl2["high"]))


@functools.lru_cache(maxsize=1)
def unit_table() -> tuple[dict[str, str], dict[str, str]]:
    """Spellings → pint unit, and pint definitions to add, from ``data/units.csv``."""
    import csv

    text = resources.files("agriremed.data").joinpath("units.csv").read_text(encoding="utf-8")
    spell, defs = {}, {}
    for row in csv.DictReader(text.splitlines()):
        spell[row["spelling"].strip().lower()] = row["unit"].strip()
        if row["definition"].strip():
            defs[row["unit"].strip()] = row["definition"].strip()
    return spell, defs


@functools.lru_cache(maxsize=1)
def _registry():
    import pint

    ureg = pint.UnitRegistry(cache_folder=None)
    for name, definition in unit_table()[1].items():
        ureg.define(f"{name} = {definition}")
    return ureg


def _pint_expression(unit: str) -> str:
    """A unit as written in a header (``mg kg-1``, ``mg·kg⁻¹``, ``毫克/千克``) → pint spelling."""
    spell, _ = unit_table()
    u = _clean(unit)
    u = _DRY_BASIS.sub(" ", u).strip()
    whole = spell.get(u.lower())
    if whole is not None:
        return whole
    for s in sorted(spell, key=len, reverse=True):  # Chinese and local words inside a unit
        if _CJK.search(s) or s in ("%", "％"):
            u = u.replace(s, f" {spell[s]} ")
    u = re.sub(r"(?i)\bppm\b", " milligram / kilogram ", u)
    u = re.sub(r"(?i)\bppb\b", " microgram / kilogram ", u)
    u = u.replace("^", "**").replace("·", " ").replace("•", " ").replace("×", " ")
    u = re.sub(r"(?<=[A-Za-zμµ])\s*(-?\d+)(?![\d.])", r"**\1", u)  # kg-1 → kg**-1, cm3 → cm**3
    u = re.sub(r"(?<=[A-Za-zμµ])\.(?=[A-Za-zμµ])", " ", u)       # mg.kg**-1
    u = re.sub(r"\s*/\s*", "/", u.strip())
    u = re.sub(r"\s*\*\*\s*", "**", u)
    u = re.sub(r"\s+", " * ", u.strip())
    return u


@functools.lru_cache(maxsize=1)
def ha_per_mu() -> float:
    """Hectares in one mu [ha mu⁻¹] (1/15), from the unit registry (``units.csv``); in ``core`` so that every
    stage can use it (``stages.advice`` re-exports it).

    The registry's definition of the mu (``10000 / 15 * meter ** 2``) is read directly; any
    other form of it goes through pint (:func:`agriremed.core.names.unit_factor`), which takes a
    few seconds to start.

    >>> round(ha_per_mu() * 15, 12)
    1.0
    """
    d = unit_table()[1].get("chinese_mu", "")
    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*/\s*(\d+(?:\.\d*)?)\s*\*\s*meter\s*\*\*\s*2\s*", d)
    if m:
        return float(m[1]) / float(m[2]) / 10000.0
    return unit_factor("亩", "ha")


@functools.lru_cache(maxsize=512)
def unit_factor(unit: str, target: str) -> float:
    """Multiplier converting values in ``unit`` to the registry unit ``target``.

    Parameters
    ----------
    unit : str
        Unit as written in a header (``'mg kg-1'``, ``'亩'``, ``'g/kg'``, ``'µg/g'``).
    target : str
        Registry unit of the column (``'mg/kg'``, ``'ha'``, ``'%'``).

    Returns
    -------
    float
        The factor [-]: value in ``target`` = value in ``unit`` × factor.

    Raises
    ------
    UnitReadError
        If the unit is not known or cannot be converted to ``target`` (another
        dimension, or a unit with an offset such as °F).

    Examples
    --------
    >>> round(unit_factor("亩", "ha") * 15, 12)
    1.0
    >>> unit_factor("g/kg", "%")
    0.1
    >>> unit_factor("mg·kg⁻¹", "mg/kg")
    1.0
    """
    import pint

    ureg = _registry()
    expr = _pint_expression(unit)
    to = _PINT_TARGET.get(target, target)
    if not expr:
        raise UnitReadError(f"no unit in {unit!r}", "val.header_no_unit_in", unit=repr(unit))
    try:
        src = ureg.parse_units(expr)
        dst = ureg.parse_units(to)
        if not (src == dst or (ureg.Quantity(1, src)._is_multiplicative
                               and ureg.Quantity(1, dst)._is_multiplicative)):
            raise UnitReadError(f"{unit!r} cannot be converted to {target} (a scale with an offset)",
                                "val.header_offset_unit", unit=repr(unit), target=target)
        return float(ureg.Quantity(1.0, src).to(dst).magnitude)
    except UnitReadError:
        raise
    except pint.errors.DimensionalityError as exc:
        raise UnitReadError(f"{unit!r} is not a unit of {C.unit_display(target)}", "val.header_not_unit_of",
                            unit=repr(unit), target=C.unit_display(target)) from exc
    except Exception as exc:  # any parse error of pint: an unknown unit
        raise UnitReadError(f"{unit!r} is not a unit agriremed knows", "val.header_unknown_unit",
                            unit=repr(unit)) from exc


def header_key(name: str) -> str:
    """A header as compared with the alias lists (NFKC, trimmed, lower case, ``_`` for spaces)."""
    return _key(_clean(name))


def is_no_unit_word(text: str) -> bool:
    """True for a word stating "no unit" (``无量纲``, ``无单位``, ``dimensionless``, ``-``)."""
    t = _clean(text)
    return _key(t) in _NO_UNIT_WORDS or (bool(t) and t in _DASHES)


@functools.lru_cache(maxsize=1024)
def is_unit_text(text: str) -> bool:
    """True when a cell holds only a unit of some registered column (``mg/kg``, ``μg/kg``, ``g/kg``,
    ``%``, ``亩``, ``公顷``, ``ha``, ``cm``, ``无量纲`` …), as in a unit row under the header.

    Examples
    --------
    >>> [is_unit_text(t) for t in ("μg/kg", "亩", "无量纲", "g/kg", "5.6", "G-01", "水田")]
    [True, True, True, True, False, False, False]
    """
    t = _clean(text)
    if not t or is_no_unit_word(t):
        return bool(t)
    if re.fullmatch(r"[-+]?[\d.,]+", t) or not re.search(r"[A-Za-z%°µμ\u4e00-\u9fff]", t):
        return False
    for target in sorted({c.unit for c in C.COLUMNS.values()
                          if c.role == "input" and c.dtype in ("float", "int") and c.unit not in ("", "1")}):
        try:
            unit_factor(t, target)
            return True
        except UnitReadError:
            continue
    return False


_UNIT_CELL_WRAP = re.compile(r"^(?:单位|计量单位|unit|units)?\s*[:：]?\s*[(（\[【]\s*(.*?)\s*[)）\]】]$|"
                             r"^(?:单位|计量单位|unit|units)\s*[:：]\s*(.*)$", re.IGNORECASE)


def unit_cell(cell: str, header: str = "") -> str:
    """The unit a cell of a unit row states: brackets and a 单位： label removed (``（mg/kg）``,
    ``[亩]``, ``单位：mg/kg`` → the unit); ``''`` for a dash or for the column's own name written
    under it (``pH`` under ``pH``).

    Examples
    --------
    >>> unit_cell("（μg/kg）"), unit_cell("单位：亩"), unit_cell("pH", "pH"), unit_cell("-")
    ('μg/kg', '亩', '', '')
    """
    c = _clean(cell)
    m = _UNIT_CELL_WRAP.match(c)
    if m:
        c = _clean(m.group(1) if m.group(1) is not None else m.group(2))
    if c in _DASHES or (header and _key(c) == _key(_clean(header))):
        return ""
    return c


def unit_row(cells: list[str], header: list[str] | None = None) -> bool:
    """True when a row below the header holds units only: every filled cell a unit (or a dash,
    the column's own name, or a label 单位 in the first cell; brackets around a unit allowed) and
    at least one of them a real unit.

    Examples
    --------
    >>> unit_row(["", "无量纲", "g/kg", "mg/kg", "μg/kg", "亩"])
    True
    >>> unit_row(["", "(无量纲)", "（mg/kg）", "[亩]"]), unit_row(["", "pH", "mg/kg"], ["id", "pH", "镉"])
    (True, True)
    >>> unit_row(["A-1", "水田", "5.6", "0.3"])
    False
    """
    header = list(header or [])
    filled = [(j, unit_cell(c, header[j] if j < len(header) else "")) for j, c in enumerate(cells)]
    filled = [(j, c) for j, c in filled if c and not (j == 0 and _key(c) in _UNIT_ROW_LABELS)]
    return bool(filled) and all(is_unit_text(c) for _, c in filled) and \
        any(not is_no_unit_word(c) for _, c in filled)


def unit_like_share(cells: list[str]) -> tuple[int, int, str]:
    """How many filled cells of a row read as units, how many are filled, and the first that
    does not (to tell a unit row with an unreadable cell from a data row).

    Words stating "no unit" (``无``, ``无量纲``, ``1``) count as units only beside at least two
    real units (``mg/kg``, ``亩``): a data row with ``无`` (not measured, no crop) and ``1`` cells
    is no unit row. Other numbers never count.

    Examples
    --------
    >>> unit_like_share(["", "无量纲", "mg/kg", "ug/kgx", "亩"])
    (3, 4, 'ug/kgx')
    >>> unit_like_share(["1", "无", "1", "5.4", "0.3", "无", "无"])
    (0, 7, '5.4')
    """
    filled = [unit_cell(c) for c in cells]
    filled = [c for c in filled if c]
    unit_like = [c for c in filled if is_unit_text(c)]
    real = [c for c in unit_like if not is_no_unit_word(c) and not re.fullmatch(r"[-+]?[\d.,]+", c)]
    no_unit = [c for c in unit_like if is_no_unit_word(c)]
    units = len(real) + (len(no_unit) if len(real) >= 2 else 0)
    other = next((c for c in filled if not is_unit_text(c)), "")
    return units, len(filled), other


def with_unit_row(header: str, unit: str) -> str:
    """The header a unit of a unit row stands for: ``汞`` and ``μg/kg`` → ``汞（μg/kg）``.

    The header is kept as it is when the unit row adds nothing (a dash, 无量纲 under a unitless
    column, the unit the header already states); a unit other than the header's own is added
    too, so that the header reads as stating two units (an error that stops the file).

    Examples
    --------
    >>> with_unit_row("汞", "μg/kg"), with_unit_row("pH", "无量纲"), with_unit_row("面积（亩）", "亩")
    ('汞（μg/kg）', 'pH', '面积（亩）')
    >>> with_unit_row("Cd (mg/kg)", "μg/kg")
    'Cd (mg/kg) (μg/kg)'
    """
    u = unit_cell(unit, header)
    if not u:
        return header
    h = read_header(header)
    spec = C.COLUMNS.get(h.canonical)
    if spec is not None and h.error is None:
        if is_no_unit_word(u) and (spec.unit in ("", "1") or spec.dtype not in ("float", "int")):
            return header
        if h.unit is not None and spec.unit not in ("", "1"):
            try:
                if unit_factor(u, spec.unit) == h.factor:
                    return header
            except UnitReadError:
                pass
    return f"{header}（{u}）" if _CJK.search(header) else f"{header} ({u})"


def _split(s: str) -> list[tuple[str, list[str]]]:
    """Ways to split a cleaned header into a name and unit texts, most explicit first."""
    out = []
    groups = _BRACKET_GROUP.findall(s)
    if groups:
        base = _BRACKET_GROUP.sub(" ", s).strip(" ,;:_/")
        out.append((base, [g.strip() for g in groups if g.strip()]))
    if "," in s and not groups:
        base, _, rest = s.partition(",")
        out.append((base.strip(), [rest.strip()]))
    m = re.fullmatch(r"([\u4e00-\u9fff]+)\s*[/_:]?\s*([^\u4e00-\u9fff].*|[\u4e00-\u9fff]+)", s)
    if m and not groups:  # 镉mg/kg, 面积/亩, 面积_亩
        out.append((m[1], [m[2]]))
    m = re.fullmatch(r"(\S+?)[\s_/]+(.+)", s)
    if m and not groups:  # Cd mg/kg DW, Pb_mg kg-1
        out.append((m[1], [m[2]]))
    return out


def _metal_of(base: str) -> tuple[str, str | None, bool] | None:
    """Metal code, extraction and 'available without method' of a header name, or None."""
    k = _clean(base)
    available = any(w in k.lower() for w in _AVAILABLE_WORDS)
    for w in sorted(_AVAILABLE_WORDS + _TOTAL_WORDS + _FILLER_WORDS, key=len, reverse=True):
        if _CJK.search(w):
            k = k.replace(w, " ")
    tokens = [t for t in re.split(r"[\s_\-–/:,.]+", k.lower()) if t]
    tokens = [t for t in tokens if t not in _AVAILABLE_WORDS + _TOTAL_WORDS + _FILLER_WORDS]
    metals, extractions, other = [], [], []
    for t in tokens:
        if t in C.METALS:
            metals.append(t)
        elif t in _METAL_ZH:
            metals.append(_METAL_ZH[t])
        elif t in _EXTRACTION_WORDS or re.fullmatch(r"0?\.?\d*m?(cacl2|hno3|dtpa)", t):
            extractions.append(re.sub(r"^[\d.m]*", "", t))
        else:
            other.append(t)
    if len(metals) != 1 or other or len(extractions) > 1:
        return None
    ex = extractions[0] if extractions else None
    return metals[0], ex, available and ex is None


def _looks_like_metal(s: str) -> bool:
    return bool(_METAL_ZH_ANY.search(s) or _METAL_SYMBOL.search(s))


@functools.lru_cache(maxsize=1)
def _label_headers() -> dict[str, str]:
    """Each input column's own labels (``label_zh`` and ``label_en`` of the column registry, as the
    workbook and the report print them) → the column: a table written by agriremed reads back."""
    out: dict[str, str] = {}
    for name, col in C.COLUMNS.items():
        if col.role != "input":
            continue
        for label in (col.label_zh, col.label_en):
            if label:
                out.setdefault(_key(_clean(label)), name)
    return out


def _resolve_name(base: str) -> tuple[str, str | None] | None:
    """Canonical column of a header name without unit, and a remark (available → DTPA)."""
    k = _key(base)
    if k in C.COLUMNS and C.COLUMNS[k].role == "input":
        return k, None
    if k in _HEADER_ALIASES:
        return _HEADER_ALIASES[k], None
    if k in _label_headers():
        return _label_headers()[k], None
    if k in _UNIT_ONLY_HEADERS:
        return _UNIT_ONLY_HEADERS[k], None
    m = _metal_of(base)
    if m is not None:
        metal, ex, available = m
        if available:
            return C.metal_column(metal, _AVAILABLE_DEFAULT), "available"
        return C.metal_column(metal, ex), None
    return None


def ph_extraction(label: str) -> str | None:
    """The extraction a pH label names: ``"water"``, ``"kcl"`` or ``"cacl2"``; None for other texts.

    Parameters
    ----------
    label : str
        A label as typed in a header's brackets or after a number in a cell, brackets (ASCII or
        full-width) and spaces included or not.

    Returns
    -------
    str or None
        ``"water"`` for 水, 水浸, 水浸提, H2O, H₂O, water; ``"kcl"`` for KCl, 1M KCl, 氯化钾;
        ``"cacl2"`` for CaCl2, CaCl₂, 0.01M CaCl2, 氯化钙 (each also followed by the method's
        ratio); ``"water"`` also for the ratio alone or named as water to soil (1:2.5,
        水土比2.5:1, 土水比1:2.5); None otherwise.

    Examples
    --------
    >>> [ph_extraction(t) for t in ["（水）", "( H₂O )", "水浸提", "(KCl)", "0.01 M CaCl2", "氯化钙", "(亩)"]]
    ['water', 'water', 'water', 'kcl', 'cacl2', 'cacl2', None]
    >>> [ph_extraction(t) for t in ["（水土比2.5:1）", "(土水比1:2.5)", "(1:2.5)", "(KCl，水土比2.5:1)", "(水土比5:1)"]]
    ['water', 'water', 'water', 'kcl', None]
    """
    k = _key(re.sub(r"[()\[\]{}【】〔〕]", " ", _clean(label)))
    if _PH_RATIO_LABEL.match(k):
        return "water"
    m = _PH_LABEL.match(k)
    if m is None:
        return None
    word = m["word"]
    return next(name for name, pat in _PH_EXTRACTIONS if re.fullmatch(pat, word))


def _unit_part(parts: list[str], canon: str) -> tuple[str | None, str | None, str | None]:
    """(unit text, extraction named in the brackets, problem) from the bracket texts; the problem
    as (message code, parameters) without the header."""
    unit, ex, problem = None, None, None
    spec = C.COLUMNS[canon]
    for p in parts:
        q = _clean(p)
        if _FRESH_BASIS.search(q):
            problem = ("val.header_fresh", {"unit": repr(p)})
            continue
        bare = _DRY_BASIS.sub(" ", q).strip(" ,;")
        kq = _key(bare)
        if not bare:
            continue
        if _names_column(kq, canon):  # the column's name again (酸碱度(pH), 有机质(OM)(g/kg)): no unit
            continue
        if canon in ("ph", "ph_kcl") and ph_extraction(bare) == "cacl2":
            pass  # pH in CaCl2: reported below
        elif kq in _EXTRACTION_WORDS or re.fullmatch(r"0?\.?\d*m?_?(cacl2|hno3|dtpa)(提取)?", kq):
            ex = re.sub(r"^[\d._m]*|提取$", "", kq)
            continue
        if kq in ("total", "总量", "全量", "总", "全"):
            continue
        if canon in ("ph", "ph_kcl") and kq in ("1:2_5", "1:2.5"):
            continue
        if canon in _HEMISPHERE_MARKS and _HEMISPHERE_MARKS[canon].match(bare):  # 经度(E), 纬度(°N)
            if "°" not in bare:
                continue
            bare = "°"
        ph_ex = ph_extraction(bare) if canon in ("ph", "ph_kcl") else None
        if ph_ex == "cacl2":  # no column holds pH in CaCl2: never read as the water pH
            problem = ("val.header_ph_cacl2", {"label": repr(p), "offset": ph_salt_offset()})
            continue
        if (canon, ph_ex) in (("ph", "water"), ("ph_kcl", "kcl")):
            continue
        if spec.dtype not in ("float", "int"):
            continue  # a remark on a text column (作物（当季）)
        if unit is not None:
            problem = ("val.header_two_units", {"first": repr(unit), "second": repr(p)})
            continue
        unit = bare
    return unit, ex, problem


def _names_column(key: str, canon: str) -> bool:
    """True when a header part (``key``: :func:`_key` of the bracket text) names the column ``canon`` itself, by
    its name, an alias or its own label (``pH`` in 酸碱度(pH), ``OM`` in 有机质(OM)(g/kg), ``CEC`` in
    阳离子交换量(CEC)): it restates the column's name and states no unit."""
    return bool(key) and (key == canon or _HEADER_ALIASES.get(key) == canon or _label_headers().get(key) == canon)


#: The charge mark of a CEC unit (cmol(+)/kg, cmol（+）/kg, cmol+/kg): dropped before the brackets of
#: a header are read, as cmol(+)/kg is the cmol/kg of the registry.
_CHARGE_MARK = re.compile(r"(?i)cmol\s*(?:\(\s*\+\s*\)|\+)")


@functools.lru_cache(maxsize=4096)
def read_header(name: str) -> HeaderRead:
    """Read a user column header: canonical column, unit conversion, note or error.

    Parameters
    ----------
    name : str
        Header as found in the file (``'镉（mg/kg）'``, ``'Pb (mg kg-1)'``, ``'面积（亩）'``).

    Returns
    -------
    HeaderRead
        ``canonical`` and ``factor`` (values × factor are in the registry unit); ``note``
        describes any mapping that is not an exact match; ``error`` is set when a header
        that looks like a metal (or carries a unit) cannot be read.

    Examples
    --------
    >>> read_header("镉（mg/kg）").canonical
    'cd_mg_kg'
    >>> h = read_header("面积（亩）")
    >>> h.canonical, round(h.factor * 15, 12)
    ('area_ha', 1.0)
    >>> read_header("有机质（g/kg）").factor
    0.1
    """
    raw = str(name)
    s = _without_metal_symbol(_CHARGE_MARK.sub("cmol", _clean(raw)))
    k = _key(s)
    if k in C.COLUMNS and C.COLUMNS[k].role == "input":
        return _read(raw, k, note=None if k == raw else _header_read(raw, k))
    bracket_key = _key(re.sub(r"[" + re.escape(_OPEN + _CLOSE) + "]", " ", s))
    if bracket_key in C.COLUMNS and C.COLUMNS[bracket_key].role == "input":  # pH (KCl)
        return _read(raw, bracket_key, note=_header_read(raw, bracket_key))
    if k in _IMPLIED_UNIT_HEADERS:  # 三调 TBMJ: square metres by the data standard
        canon, unit = _IMPLIED_UNIT_HEADERS[k]
        return _with_unit(raw, k, canon, [unit])
    for kk in (k, bracket_key):
        if kk in _HEADER_ALIASES or kk in _UNIT_ONLY_HEADERS:
            return _with_unit(raw, kk, _HEADER_ALIASES.get(kk) or _UNIT_ONLY_HEADERS[kk], [],
                              unit_only=kk in _UNIT_ONLY_HEADERS)
    if _DERIVED_VALUE.search(s):  # 超标倍数 beside the measured value: passed through, not read
        return _read(raw, k, note=_message("val.header_derived", header=repr(raw)), derived=True)
    crop = _crop_metal_header(raw, s)
    if crop is not None:
        return crop
    m = _METAL_UNIT_RE.match(k.replace("(", "_(").replace("__", "_")) or _METAL_UNIT_RE.match(k)
    if m:
        unit = m["unit"]
        return _with_unit(raw, k, C.metal_column(m["metal"], m["ex"]),
                          [unit.replace("_", "/")] if unit else [])
    resolved = _resolve_name(s)
    if resolved is not None:
        return _with_unit(raw, s, resolved[0], [], available=resolved[1] == "available")
    first_error = None
    for base, parts in _split(s):
        resolved = _resolve_name(base)
        if resolved is None:
            continue
        h = _with_unit(raw, base, resolved[0], parts, available=resolved[1] == "available")
        if h.error is None:
            return h
        first_error = first_error or h
    if first_error is not None:
        return first_error
    if _looks_like_metal(s):
        return _read(raw, k, error=_message("val.header_metal_lookalike", header=repr(raw)),
                     expected=_message("exp.metal_header"))
    return HeaderRead(raw, k)


def _crop_metal_header(raw: str, s: str) -> HeaderRead | None:
    """The header ``raw`` (cleaned: ``s``) read as a metal measured in the harvested crop, or None.

    The header names a crop or its edible part (:data:`_CROP_PART_ZH`, :data:`_CROP_PART_EN`), no soil,
    and without the crop words reads as one total soil metal with at most a unit (糙米镉（mg/kg） →
    镉（mg/kg）): it is read as ``crop_<metal>_mg_kg`` in that unit. A metal without a food limit
    (Cu, Ni, Zn) or a header that does not read so is left to the other rules (None). A header naming
    inorganic As (:data:`_INORGANIC_AS`: 糙米无机砷, 无机砷, inorganic As, iAs), with or without a crop word, is read
    so as ``crop_as_inorganic_mg_kg``. A header marked dry weight (干重, DW) is read so too, with ``dry`` set and a
    warning (``val.header_crop_dry``): validation uses its values on the rows of a cereal only.

    >>> h = read_header("糙米镉（mg/kg，干重）")
    >>> h.canonical, h.dry, h.error
    ('crop_cd_mg_kg', True, None)
    >>> [read_header(h).canonical for h in ("糙米镉（mg/kg）", "grain_cd_mg_kg", "Cd_rice", "农产品铅含量")]
    ['crop_cd_mg_kg', 'crop_cd_mg_kg', 'crop_cd_mg_kg', 'crop_pb_mg_kg']
    >>> read_header("大米镉（μg/kg）").factor, read_header("镉（mg/kg）").canonical, read_header("水稻土壤镉").canonical
    (0.001, 'cd_mg_kg', '水稻土壤镉')
    >>> [read_header(h).canonical for h in ("糙米无机砷（mg/kg）", "无机砷", "inorganic As (mg/kg)", "iAs")]
    ['crop_as_inorganic_mg_kg', 'crop_as_inorganic_mg_kg', 'crop_as_inorganic_mg_kg', 'crop_as_inorganic_mg_kg']
    """
    inorganic = _INORGANIC_AS.search(s) is not None
    if _SOIL_WORD.search(s) or not (inorganic or _CROP_PART.search(s)):
        return None
    if inorganic:  # the metal is As; the words saying inorganic are read by the column
        s = _INORGANIC_AS.sub(" As ", s)
    rest = _CROP_PART.sub(" ", s).strip(" _-,;:/")
    fresh = _FRESH_BASIS.search(rest)
    if fresh is not None:  # the crop as sold (GB 2762: vegetables fresh): the basis of the food limits
        rest = _FRESH_BASIS.sub(" ", rest)
        rest = re.sub(r"[(（\[【]\s*[,，;；]?\s*[)）\]】]", " ", rest).strip(" _-,;:/")
    if not rest:
        return None
    h = read_header(rest)
    spec = C.COLUMNS.get(h.canonical)
    if (h.error is not None or spec is None or spec.group != "metal" or spec.extra.get("extraction")
            or spec.extra["metal"] not in C.CROP_METALS or (inorganic and spec.extra["metal"] != "as")):
        return None
    canon = C.CROP_AS_INORGANIC if inorganic else C.crop_metal_column(spec.extra["metal"])
    # the unit as written, or the registry's where the rest is the column's own name (grain_cd_mg_kg)
    unit = h.unit or (spec.unit if _key(_clean(rest)) == h.canonical else None)
    read = _with_unit(raw, rest, canon, [unit] if unit else [])
    if _DRY_BASIS.search(rest) and read.error is None:  # not the crop as sold: used on cereal rows only
        note = _message("val.header_crop_dry", read=read.note_msg or _header_read(raw, canon))
        return dataclasses.replace(read, note=_english(note), note_msg=note, dry=True)
    return read


def crop_metal_header_crop(header: str) -> str | None:
    """The crop a header of a measured crop metal names (its Chinese name as crops.csv spells it), or None where
    it names none (籽粒镉, 农产品镉) or several.

    >>> [crop_metal_header_crop(h) for h in ("糙米镉（mg/kg）", "小麦籽粒镉（mg/kg）", "籽粒镉（μg/kg）", "Cd_rice")]
    ['水稻', '小麦', None, '水稻']
    """
    s = _clean(str(header))
    words = {re.sub(r"(?:中|的)$", "", re.sub(r"(?i)^(?:in|of)[\s_]+", "", m.group(0))).strip().lower()
             for m in _CROP_PART.finditer(s)}
    crops = {_CROP_PART_CROP.get(re.sub(r"[\s_]+", "_", w)) for w in words} - {None}
    return crops.pop() if len(crops) == 1 else None


def _with_unit(raw: str, base: str, canon: str, parts: list[str], unit_only: bool = False,
               available: bool = False) -> HeaderRead:
    if canon == "ph" and any(ph_extraction(p) == "kcl" for p in parts):  # pH（KCl浸提）, pH(氯化钾)
        canon = "ph_kcl"
    spec = C.COLUMNS[canon]
    unit, ex, problem = _unit_part(parts, canon)
    if unit_only:  # the header is the unit itself (亩, 公顷)
        unit = _clean(raw)
    if ex is not None and spec.group != "metal":
        problem = ("val.header_extraction", {"extraction": ex, "column": canon})
    elif ex is not None:
        metal = spec.extra["metal"]
        if spec.extra.get("extraction") not in (None, ex) and not available:
            problem = ("val.header_two_extractions", {"first": spec.extra["extraction"], "second": ex})
        canon, available = C.metal_column(metal, ex), False
        spec = C.COLUMNS[canon]
    target = spec.unit
    expected = (_message("exp.unit_of", target=C.unit_display(target), examples=_examples(target))
                if target not in ("", "1") else _message("exp.no_unit"))
    header = repr(raw)
    if problem is not None:
        if problem[0] == "val.header_ph_cacl2":
            expected = _message("exp.ph_water")
        return _read(raw, canon, error=_message(problem[0], header=header, **problem[1]), expected=expected)
    avail_note = (_message("val.header_available", example=f"CaCl2-{C.METAL_NAMES[spec.extra['metal']][0]}")
                  if available else _message(None))
    if spec.group == "crop_metal":  # what a measured crop value is used for
        avail_note = _message("val.header_crop", command="agriremed fit-uptake")
    if unit is None:
        return _without_unit(raw, canon, avail_note)
    if is_no_unit_word(unit):  # pH（无量纲）: agrees with a column without unit
        if target in ("", "1"):
            return _read(raw, canon, note=_header_read(raw, canon, _message("val.header_no_unit_word",
                                                                            unit=repr(unit))))
        return _read(raw, canon, unit=unit, error=_message("val.header_not_unit_of", header=header,
                                                           unit=repr(unit), target=C.unit_display(target)),
                     expected=expected)
    if target in ("", "1"):
        return _read(raw, canon, unit=unit, error=_message("val.header_unit_on_unitless", header=header,
                                                           column=canon, unit=repr(unit)),
                     expected=_message("exp.header_no_unit"))
    try:
        factor = unit_factor(unit, target)
    except UnitReadError as exc:
        # a yearly column (annual_rain_mm) whose header names the year (年降水（mm）, annual rain (mm)):
        # a unit of the yearly amount (mm, 毫米) is that amount per year
        per_year = None
        if target.endswith("/yr"):
            try:
                per_year = unit_factor(unit, target[:-len("/yr")])
            except UnitReadError:
                per_year = None
        if per_year is None:
            return _read(raw, canon, unit=unit, error=_message(exc.code, header=header, **exc.params),
                         expected=expected)
        factor = per_year
    if factor == 1.0:
        same = _key(unit) in (_key(target), _key(target.replace("/", "_")))
        tail = avail_note if same else _message("val.header_same_unit", unit=unit, target=target, tail=avail_note)
        return _read(raw, canon, unit=unit, note=_header_read(raw, canon, tail))
    return _read(raw, canon, factor=factor, unit=unit,
                 note=_message("val.header_unit", header=header, unit=unit, target=target, factor=factor,
                               column=canon, tail=avail_note))


def _without_unit(raw: str, canon: str, avail_note) -> HeaderRead:
    """Header ``raw`` of column ``canon`` stating no unit: read in the registry unit (a metal in mg/kg, an English
    area in ha, SOM in %), said so; an area header in Chinese (面积) in 亩 (:data:`_AREA_BARE_ZH_UNIT`)."""
    spec, header = C.COLUMNS[canon], repr(raw)
    if spec.group in ("metal", "crop_metal"):
        return _read(raw, canon, note=_message("val.header_no_unit", header=header, column=canon,
                                               unit="mg/kg", tail=avail_note))
    if canon == "area_ha" and _CJK.search(_clean(raw)):
        factor = unit_factor(_AREA_BARE_ZH_UNIT, spec.unit)
        return _read(raw, canon, factor=factor, assumed=_AREA_BARE_ZH_UNIT,
                     note=_message("val.header_area_mu_assumed", header=header, column=canon,
                                   unit=_AREA_BARE_ZH_UNIT, factor=factor))
    if canon in _AMBIGUOUS_BARE and _key(raw) != canon:
        bare_unit, example = _AMBIGUOUS_BARE[canon]
        return _read(raw, canon, note=_message("val.header_no_unit_hint", header=header, column=canon,
                                               unit=bare_unit, example=example))
    return _read(raw, canon, note=None if canon == raw else _header_read(raw, canon, avail_note))


def _header_read(raw: str, canon: str, tail=None):
    """The note that header ``raw`` is read as column ``canon`` (``tail``: a remark after it)."""
    return _message("val.header_read", header=repr(raw), column=canon,
                    tail=tail if tail is not None else _message(None))


def _examples(target: str) -> str:
    return {"mg/kg": "mg/kg, µg/kg, mg kg-1, ppm", "ha": "ha, 亩, m², 公顷", "%": "%, g/kg",
            "m": "m, cm", "g/cm3": "g/cm³", "cmol/kg": "cmol/kg, meq/100g"}.get(target, target)


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
        Description of the mapping when it was not an exact match (or why the
        header cannot be read: see :func:`read_header`).
    """
    h = read_header(str(name))
    return h.canonical, h.factor, h.error or h.note


def required_hint(header: str, column: str) -> bool:
    """True when an unrecognised ``header`` looks meant for the required ``column``."""
    pat = _REQUIRED_HINTS.get(column)
    return bool(pat is not None and pat.search(_clean(header)))


def complete_header(prefix: str) -> str | None:
    """The known header that a cut header begins, when all such headers name one column.

    Parameters
    ----------
    prefix : str
        A header cut short (a shapefile field name: 10 bytes, 3 Chinese characters in UTF-8).

    Returns
    -------
    str or None
        The shortest known header (alias) longer than ``prefix`` that starts with it, when
        every known header starting with it maps to the same column; None otherwise.

    Examples
    --------
    >>> complete_header("图斑编"), complete_header("种植作"), complete_header("土")
    ('图斑编号', '种植作物', None)
    """
    k = _key(prefix)
    if not k:
        return None
    hits = sorted((a for a in _HEADER_ALIASES if a.startswith(k) and a != k), key=len)
    if not hits or len({_HEADER_ALIASES[a] for a in hits}) != 1:
        return None
    return hits[0]


@functools.lru_cache(maxsize=1)
def _ascii_input_headers() -> tuple[tuple[str, str], ...]:
    """(header, input column) of every ASCII name an input column is read under: the column names of
    the registry and their ASCII spellings (:data:`_HEADER_ALIASES`)."""
    out = {n: n for n, c in C.COLUMNS.items() if c.role == "input"}
    out.update({a: v for a, v in _HEADER_ALIASES.items() if a.isascii() and C.COLUMNS.get(v) is not None
                and C.COLUMNS[v].role == "input"})
    return tuple(sorted(out.items(), key=lambda kv: (len(kv[0]), kv[0])))


def complete_cut_ascii_header(field: str) -> tuple[str | None, tuple[str, ...]]:
    """The input header an ASCII field name cut short begins (a shapefile field name: 10 characters).

    Parameters
    ----------
    field : str
        The name as stored (``'cd_cacl2_m'``, ``'bulk_densi'``).

    Returns
    -------
    tuple
        ``(header, columns)``: when every known input header (a column name of the registry or an ASCII
        spelling of one) longer than ``field`` that starts with it names one input column, that column's
        name if it starts with ``field``, else the shortest such spelling; else None; and the input columns those headers name (several: the cut is ambiguous; none:
        ``field`` begins no input header). A field that is itself a known input header is not completed:
        ``(None, ())``; nor is one that is the name of another column of the registry (``soil_class``, the
        computed class, which also begins ``soil_class_county``): ``(None, (that column, the input columns it
        begins))``.

    Examples
    --------
    >>> complete_cut_ascii_header("cd_cacl2_m"), complete_cut_ascii_header("bulk_densi")
    (('cd_cacl2_mg_kg', ('cd_cacl2_mg_kg',)), ('bulk_density_g_cm3', ('bulk_density_g_cm3',)))
    >>> complete_cut_ascii_header("crop_cd_mg"), complete_cut_ascii_header("depth_m")
    (('crop_cd_mg_kg', ('crop_cd_mg_kg',)), (None, ()))
    >>> complete_cut_ascii_header("soil_class")
    (None, ('soil_class', 'soil_class_county'))
    """
    k = _key(field)
    known = _ascii_input_headers()
    if not k or not field.isascii() or any(h == k for h, _ in known):
        return None, ()
    hits = [(h, v) for h, v in known if h.startswith(k)]
    columns = tuple(dict.fromkeys(v for _, v in hits))
    if k in C.COLUMNS:  # a column's own name (of an output): read as it stands
        return None, ((k, *columns) if columns else ())
    if len(columns) != 1:
        return None, columns
    return (columns[0] if any(h == columns[0] for h, _ in hits) else hits[0][0]), columns


def is_known_header(name: str) -> bool:
    """True when ``name`` maps to a registered input column."""
    h = read_header(str(name))
    spec = C.COLUMNS.get(h.canonical)
    return spec is not None and spec.role == "input" and h.error is None
