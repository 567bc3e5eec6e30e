"""English / 中文 text for the dashboards: labels, units, values and messages.

Every text the dashboards show comes from one translation table,
``agriremed/data/i18n.csv`` (columns ``key``, ``en``, ``zh``), or from the column
registry and literature tables that already carry both languages (column labels,
crop and option names). Keys are grouped by their first dotted part:

* ``ui.*`` — fixed interface texts (titles, button captions, headings); ``{name}``
  placeholders are filled with :meth:`str.format`;
* ``unit.<unit>`` — display form of a registry unit (``unit.CNY/ha`` → ``元/公顷``);
* ``value.<domain>.<code>`` — display form of a category code (soil classes, land
  uses, traffic lights, criteria, severities …);
* ``msg.*`` — translations of English messages that the planner still writes as
  sentences (GIS notes, soft re-use texts, a few notes of other stages). Option reasons,
  traffic-light reasons, validation problems, file-reading notes and input-file errors are
  message codes rendered by :mod:`agriremed.core.messages` from per-language files instead. The ``en`` cell is a regular
  expression, the ``zh`` cell a template whose ``{group}`` fields take the matched
  text and ``{group:domain}`` fields its translation (``{lu:land_use}``,
  ``{m:metals}``; words matched in a sentence are looked up as a code with spaces and
  hyphens read as ``_``, so ``clean-up`` finds ``value.lead.clean_up``). Patterns are
  applied in table order, each to every match: a pattern for a whole data sentence (the
  evidence notes of ``options.csv``, ``msg.note_*``) comes before the patterns for its
  parts, and a clause inside brackets before the pattern for its words.

:func:`message` returns the English text unchanged for ``lang="en"`` and, for
``"zh"``, the translation — or the English original when some words have no
pattern, so a reader never sees a half-translated sentence. :func:`untranslated`
lists those words; the tests run it over every message the sample data produce.

Examples
--------
>>> from agriremed.core import i18n
>>> i18n.label("npv_vs_baseline_cny_ha", "zh")
'相对不治理的净现值 [元/公顷]'
>>> i18n.value("soil_class", "strict_control", "zh")
'严格管控类'
>>> i18n.message("file not found: plots.csv", "zh")
'找不到文件：plots.csv'
>>> i18n.t("ui.lang.label", "zh")
'语言'
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Mapping
from importlib import resources

import numpy as np
import pandas as pd

from agriremed.core import columns as C
from agriremed.core import places as _places
from agriremed.core.tables import load_tables

__all__ = [
    "LANGS",
    "translations",
    "t",
    "colon",
    "list_sep",
    "join_list",
    "unit",
    "label",
    "value",
    "option_name",
    "crop_name",
    "metal_name",
    "metals",
    "region_name",
    "region_path",
    "region_in",
    "region_province",
    "region_candidates",
    "region_in_title",
    "description",
    "message",
    "untranslated",
    "keys",
]

#: Supported interface languages (code, name shown on the toggle).
LANGS: tuple[tuple[str, str], ...] = (("en", "English"), ("zh", "中文"))

_FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")


@functools.lru_cache(maxsize=1)
def translations() -> pd.DataFrame:
    """The translation table (``key``, ``en``, ``zh``), indexed by ``key``.

    Returns
    -------
    pandas.DataFrame
        One row per key; cells are text (``''`` when empty).
    """
    path = resources.files("agriremed.data").joinpath("i18n.csv")
    with resources.as_file(path) as p:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, comment=None)
    if df["key"].duplicated().any():
        dup = sorted(df.loc[df["key"].duplicated(), "key"])
        raise ValueError(f"i18n.csv: duplicate keys {dup}")
    return df.set_index("key")


@functools.lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    """The table as ``{lang: {key: text}}`` (dict look-ups: a table of options shows hundreds)."""
    tr = translations()
    return {lang: dict(zip(tr.index, tr[lang], strict=True)) for lang in ("en", "zh")}


def keys(prefix: str = "") -> list[str]:
    """Keys of the translation table that start with ``prefix``."""
    idx = translations().index
    return [k for k in idx if k.startswith(prefix)]


def _check_lang(lang: str) -> str:
    if lang not in ("en", "zh"):
        raise ValueError(f"language {lang!r} is not supported; expected 'en' or 'zh'")
    return lang


def t(key: str, lang: str = "en", **fields) -> str:
    """Interface text for ``key`` in ``lang``, with ``{placeholders}`` filled.

    Parameters
    ----------
    key : str
        Key of the translation table (``'ui.assess.title'``).
    lang : {"en", "zh"}
        Language.
    **fields
        Values for the text's ``{placeholders}``.

    Returns
    -------
    str
        The text.

    Raises
    ------
    KeyError
        If the key is not in the table (a missing text is a defect, not a fallback).
    """
    text = _texts()[_check_lang(lang)][key]
    return text.format(**fields) if fields else text


def colon(lang: str = "en") -> str:
    """The colon that ends a caption: ``': '`` in English, ``'：'`` in Chinese."""
    return "：" if _check_lang(lang) == "zh" else ": "


def list_sep(lang: str = "en") -> str:
    """The separator between the items of a list: ``', '`` in English, ``'、'`` in Chinese.

    >>> list_sep("en"), list_sep("zh")
    (', ', '、')
    """
    return "、" if lang == "zh" else ", "


def join_list(items, lang: str = "en") -> str:
    """Items as a list is written in ``lang`` (:func:`list_sep`): ``rice, wheat`` / ``水稻、小麦``.

    >>> join_list(["Cd", "Pb"], "en"), join_list(["镉", "铅"], "zh")
    ('Cd, Pb', '镉、铅')
    """
    return list_sep(lang).join(items)


def unit(unit_: str, lang: str = "en") -> str:
    """Display form of a registry unit (``'CNY/ha'`` → ``'CNY ha⁻¹'`` or ``'元/公顷'``).

    Parameters
    ----------
    unit_ : str
        Unit as spelled in the column registry.
    lang : {"en", "zh"}
        Language.
    """
    text = _texts()[_check_lang(lang)].get(f"unit.{unit_}")
    return text if text else C.unit_display(unit_)


def label(name: str, lang: str = "en", with_unit: bool = True) -> str:
    """Label of a registered column in ``lang`` with its unit in brackets.

    Parameters
    ----------
    name : str
        Column name in :data:`agriremed.core.columns.COLUMNS` (or a ``ui.`` key).
    lang : {"en", "zh"}
        Language.
    with_unit : bool
        Append ``[unit]`` for numeric columns.

    Returns
    -------
    str
        The label; an unregistered name is returned unchanged.
    """
    if name.startswith("ui."):
        return t(name, lang)
    col = C.COLUMNS.get(name)
    if col is None:
        return name
    text = col.label_zh if _check_lang(lang) == "zh" else col.label_en
    if with_unit and col.dtype in ("float", "int"):
        return f"{text} [{unit(col.unit, lang)}]"
    return text


@functools.lru_cache(maxsize=1)
def _default_tables():
    return load_tables()


def _name_map(table: str, code_col: str, lang: str, tables=None) -> dict[str, str]:
    t = tables or _default_tables()

    def build() -> dict[str, str]:
        df = getattr(t, table)
        return dict(zip(df[code_col], df["name_zh" if lang == "zh" else "name_en"], strict=True))

    # built once per tables object (read-only), not on every name looked up
    return t.memo(("i18n_names", table, code_col, lang), build)


def option_name(option_id: str, lang: str = "en", tables=None) -> str:
    """Name of a remediation option in ``lang`` (from ``options.csv``)."""
    return _name_map("options", "option_id", _check_lang(lang), tables).get(option_id, str(option_id))


def rule_text(rule_id, lang: str = "en", tables=None) -> str:
    """A policy rule (``rule_id`` of ``land_rules.csv``) as people read it in ``lang``: its reason
    (``reason_en`` / ``reason_zh``; ``''`` for a blank id; an id the tables do not hold, or one
    without a reason in ``lang``, stays as it is).

    >>> rule_text("cn_strict_no_food", "zh")[:12]
    '严格管控类耕地不种植食用'
    >>> rule_text("cn_strict_no_food", "en")[:38]
    'strict-control land grows no edible cr'
    >>> rule_text("my_rule", "zh")
    'my_rule'
    """
    if rule_id is None or (isinstance(rule_id, float) and rule_id != rule_id) or rule_id == "":
        return ""
    return _rule_column("reason", lang, tables).get(str(rule_id), str(rule_id))


def _rule_column(column: str, lang: str, tables=None) -> dict[str, str]:
    """Rule id → the rule's ``<column>_<lang>`` text of ``land_rules.csv`` (``reason``, ``label``), the
    rules without one left out; read once per tables object."""
    lang = _check_lang(lang)
    t = tables or _default_tables()
    col = f"{column}_{lang}"
    return t.memo(("i18n_rule_column", column, lang), lambda: {
        r: z for r, z in zip(t.land_rules["rule_id"], t.land_rules[col], strict=True)
        if isinstance(z, str) and z.strip()} if col in t.land_rules.columns else {})


def rule_label(rule_id, lang: str = "en", tables=None) -> str:
    """A policy rule's short name in ``lang`` (``label_en`` / ``label_zh`` of ``land_rules.csv``), for
    narrow places such as the console table; a rule table without labels, or a rule without one in
    ``lang``, gives its reason (:func:`rule_text`).

    >>> rule_label("cn_safe_keep_food", "zh")
    '安全利用：继续生产食用农产品'
    >>> rule_label("cn_strict_no_food", "en")
    'strict control: no edible crops'
    >>> rule_label("my_rule", "en")
    'my_rule'
    """
    if rule_id is None or (isinstance(rule_id, float) and rule_id != rule_id) or rule_id == "":
        return ""
    return _rule_column("label", lang, tables).get(str(rule_id)) or rule_text(rule_id, lang, tables)


def scenario_name(name, lang: str = "en") -> str:
    """A scenario's name in ``lang``: the packaged ``default`` as 默认 in Chinese; a name the user
    gave stays as written.

    >>> scenario_name("default", "zh"), scenario_name("county_2025", "zh")
    ('默认', 'county_2025')
    """
    return _texts()[_check_lang(lang)].get(f"value.scenario.{name}", str(name))


def crop_name(crop: str, lang: str = "en", tables=None) -> str:
    """Name of a crop code in ``lang`` (from ``crops.csv``)."""
    return _name_map("crops", "crop", _check_lang(lang), tables).get(crop, str(crop))


def metal_name(metal: str, lang: str = "en") -> str:
    """Element symbol (en) or Chinese name (zh) of a metal code (``'cd'`` → ``'Cd'`` / ``'镉'``)."""
    names = C.METAL_NAMES.get(str(metal).lower())
    if names is None:
        return str(metal)
    return names[1] if _check_lang(lang) == "zh" else names[0]


#: Distinct (metal codes, language) pairs whose text :func:`metals` keeps.
_METALS_CACHE_SIZE = 4096


def metals(codes: str, lang: str = "en") -> str:
    """Metal codes separated by +, comma or / in ``lang`` (``'cd+pb'`` → ``'Cd/Pb'``, ``'镉、铅'``).

    The planner's placeholder ``'metal'`` (clean-up of an unnamed metal) becomes ``'重金属'``.
    """
    if type(codes) is str and type(lang) is str:  # a handful of distinct texts: each written once
        return _metals_text(codes, lang)
    return _metals(codes, lang)


@functools.lru_cache(maxsize=_METALS_CACHE_SIZE)
def _metals_text(codes: str, lang: str) -> str:
    return _metals(codes, lang)


def _metals(codes, lang: str) -> str:
    if _check_lang(lang) == "zh" and str(codes).strip().lower() in ("metal", "metals"):
        return "重金属"
    parts = [p for p in re.split(r"[+,/]\s*|\s+", str(codes).strip()) if p]
    sep = "、" if lang == "zh" else "/"
    return sep.join(metal_name(p, lang) for p in parts)


#: Separators between the parts of a region path (``Hunan/Zhuzhou/Lukou``).
REGION_SEP = _REGION_SEP = re.compile(r"[/,;|，；、·]")
#: English words that may follow a province name (``Hunan Province``).
_PROVINCE_SUFFIX = re.compile(
    r"\s+(?:province|sheng|autonomous\s+region|municipality|shi|special\s+administrative\s+region|sar)$", re.I
)
#: Characters between the words of a region written in English without separators (``Hunan Yiyang``).
_WORD_SEP = " -"
#: An English word for the level of the division just read, before the next division's name.
_LEADING_PROVINCE_WORD = re.compile(
    r"^(?:province|sheng|autonomous\s+region|municipality|special\s+administrative\s+region|sar)\b", re.I)
_LEADING_PLACE_WORD = re.compile(r"^(?:city|shi|prefecture|county|xian|district|qu|autonomous\s+county)\b", re.I)
#: Endings of the full Chinese name of a province-level division.
_PROVINCE_ZH_END = ("省", "市", "自治区", "特别行政区")


def wheat_zone(province: str, lang: str = "en", tables=None) -> str:
    """The wheat zone note of a province in ``wheat_seasons.csv`` (column ``note``; ``note_zh`` in Chinese,
    the English note where a user table has no Chinese one); ``''`` for a province the table does not list.

    Examples
    --------
    >>> wheat_zone("Hunan", "zh")
    '长江中下游冬麦区；西部属西南冬麦区'
    """
    w = (tables if tables is not None else _default_tables()).wheat_seasons
    row = w.loc[(w["scope"] == "province") & (w["key"].astype(str).str.lower() == str(province).lower())]
    if row.empty:
        return ""
    note = row["note"].iloc[0]
    if lang == "zh" and "note_zh" in row and isinstance(row["note_zh"].iloc[0], str) and row["note_zh"].iloc[0]:
        note = row["note_zh"].iloc[0]
    return note if isinstance(note, str) else ""


def _province_map(tables=None) -> dict[str, str]:
    """Every spelling of a province (English, Chinese, aliases; lower case) → its full Chinese name."""
    tables = tables or _default_tables()
    hit = _PROVINCES.get(id(tables))
    if hit is not None and hit[0] is tables:
        return hit[1]
    out: dict[str, str] = {}
    provinces = getattr(tables, "provinces", None)
    for r in provinces.itertuples(index=False) if provinces is not None else ():
        aliases = [a.strip() for a in str(r.aliases or "").split("|") if a.strip() and a.strip() != "nan"]
        short = str(r.name_zh).strip()
        full = next((a for a in aliases if a.startswith(short) and a.endswith(_PROVINCE_ZH_END)), short)
        for spelling in [str(r.province), short, *aliases]:
            out[spelling.strip().lower()] = full
    _PROVINCES.clear()
    _PROVINCES[id(tables)] = (tables, out)
    return out


_PROVINCES: dict[int, tuple[object, dict[str, str]]] = {}


def region_name(region, lang: str = "en", tables=None) -> str:
    """A region path with its province, city and county parts in ``lang``.

    Parameters
    ----------
    region : str
        Region as the plots table gives it, parts separated by ``/ , ; | ， ； 、 ·``
        (``'Hunan/Zhuzhou/Lukou'``).
    lang : {"en", "zh"}
        Language.
    tables : Tables, optional
        Literature tables (``provinces.csv``: English name, Chinese name, aliases).

    Returns
    -------
    str
        For ``"zh"``, the region with a first part that names a province (in any
        spelling of ``provinces.csv``, optionally followed by *Province*) replaced by
        the province's full Chinese name, and the parts below it that name a city or
        county of ``place_names.csv`` under that province (and city), optionally followed
        by *City*, *County* or *District*, by their official Chinese names
        (:func:`agriremed.core.places.place_names`); separators, unknown names and every part
        below an unknown one stay as they are. A first part that names a city or county of
        one place alone (:func:`region_path`) becomes the province, city and county in Chinese
        (``'Xiangtan'`` → ``'湖南省/湘潭市'``, ``'株洲市渌口区'`` → ``'湖南省/株洲市/渌口区'``).
        For ``"en"``, a region written with Chinese that is placed (:func:`region_path`: its
        province, and the cities and counties of ``place_names.csv`` read below it) has those
        parts in English, the parts below them (a township, a village) as given
        (``'攸县/网岭镇'`` → ``'Hunan/Zhuzhou/Youxian/网岭镇'``); a region in ASCII, or one not
        placed in a province, is unchanged.

    Examples
    --------
    >>> region_name("Hunan/Zhuzhou/Lukou", "zh")
    '湖南省/株洲市/渌口区'
    >>> region_name("Hunan/Zhuzhou/Somewhere", "zh")
    '湖南省/株洲市/Somewhere'
    >>> region_name("Guangxi Autonomous Region, Hechi", "zh")
    '广西壮族自治区, 河池市'
    >>> region_name("Atlantis/North", "zh")
    'Atlantis/North'
    >>> region_name("湖南省株洲市攸县网岭镇罗家村"), region_name("Hunan/Zhuzhou/Lukou")
    ('Hunan/Zhuzhou/Youxian/网岭镇罗家村', 'Hunan/Zhuzhou/Lukou')
    """
    if region is None or (isinstance(region, float) and region != region):
        return ""
    text = str(region)
    if not text.strip():
        return text
    if _check_lang(lang) == "en":
        return text if text.isascii() else _region_name_en(text, tables)
    shown = _region_name_zh(text, tables)
    # English words left (Hubei Daye) or a division skipped (湖北/大冶: its city): the path read, when every
    # part of it is a known division
    by_path = _region_name_by_path(text, tables)
    parts = [p for p in _REGION_SEP.split(shown) if p.strip()]
    if by_path is not None and (re.search(r"[A-Za-z]", shown) or 1 < len(parts) < by_path.count("/") + 1):
        return by_path
    return shown


def _region_name_en(text: str, tables=None) -> str:
    """:func:`region_name` in English: the province and the divisions of ``place_names.csv`` read below it
    (:func:`region_path`) by their English names, the rest of the path as given; the text unchanged when it
    is not placed in a province."""
    path = region_path(text, tables)
    if not path:
        return text
    english = {str(r.province).strip().lower(): str(r.province).strip()
               for r in (tables or _default_tables()).provinces.itertuples(index=False)}
    if path[0] not in english:
        return text
    names, places = [english[path[0]]], _places.place_english()
    k = 1
    while k < len(path) and tuple(path[:k + 1]) in places:
        names.append(places[tuple(path[:k + 1])])
        k += 1
    rest = list(path[k:])
    if rest:  # the parts below the places read, as written (region_path gives them in lower case)
        parts = [p.strip() for p in _REGION_SEP.split(text) if p.strip()]
        tail = parts[len(parts) - len(rest):] if len(parts) >= len(rest) else []
        if [t.lower() for t in tail] == rest:
            rest = tail
    return "/".join(names + rest)


def _region_name_by_path(text: str, tables=None) -> str | None:
    """The region in Chinese from its path (:func:`region_path`: 'Hubei Daye' → 湖北省/黄石市/大冶市)
    when the path is a province and divisions of ``place_names.csv`` only, else None."""
    path = region_path(text, tables)
    prov_zh = next((v for k, v in _province_map(tables).items()
                    if path and _province_english(tables).get(k) == path[0]), None)
    if prov_zh is None:
        return None
    places, zh = _places.place_names(), [prov_zh]
    for i in range(1, len(path)):
        name = places.get((path[0], tuple(path[1:i]), path[i]))
        if name is None:
            return None
        zh.append(name)
    return "/".join(zh)


def _region_name_zh(text: str, tables=None) -> str:
    """:func:`region_name` in Chinese, part by part (separators kept)."""
    parts = re.split(f"({_REGION_SEP.pattern})", text)  # names at even positions, separators between
    head = parts[0]
    key = _PROVINCE_SUFFIX.sub("", head.strip()).lower()
    full = _province_map(tables).get(key)
    places, chain = _places.place_names(), []
    if full is None:  # a city or county named alone: its province and city first (Xiangtan → 湖南省/湘潭市)
        path, rest, _ = _placed(head) if not any(
            not s.isascii() and key.startswith(s) for s in _province_map(tables)) else (None, "", ())
        if path is None:
            return text
        province, chain = path[0], list(path[1:])
        prov_zh = next((v for k, v in _province_map(tables).items()
                        if _province_english(tables).get(k) == province), None)
        if prov_zh is None:
            return text
        zh = [places[(province, tuple(chain[:i]), chain[i])] for i in range(len(chain))]
        parts[0] = _same_space(head, "/".join([prov_zh, *zh, *([rest] if rest else [])]))
        if rest:  # the text after the name read is not a known division: the parts below stay as written
            return "".join(parts)
    else:
        parts[0] = _same_space(head, full)
        province = _province_english(tables).get(key, key)
    for i in range(2, len(parts), 2):
        # its English name as place_names.csv writes it (Harbin, Haerbin: Ha'erbin), or None
        name = _places.place_key(province, tuple(chain), parts[i])
        zh = None if name is None else places.get((province, tuple(chain), name))
        if zh is None:  # unknown: this part and the ones below it stay as written
            break
        parts[i] = _same_space(parts[i], zh)
        chain.append(name)
    return "".join(parts)


def _same_space(old: str, new: str) -> str:
    """``new`` with the spaces around ``old``."""
    return f"{old[: len(old) - len(old.lstrip())]}{new}{old[len(old.rstrip()):]}"


def _province_english(tables=None) -> Mapping[str, str]:
    """Every spelling of a province (lower case) → its English name (lower case).

    Built once per tables object (read-only) and returned as a read-only mapping.
    """
    tables = tables or _default_tables()

    def build() -> Mapping[str, str]:
        out: dict[str, str] = {}
        provinces = getattr(tables, "provinces", None)
        for r in provinces.itertuples(index=False) if provinces is not None else ():
            aliases = [a.strip() for a in str(r.aliases or "").split("|") if a.strip() and a.strip() != "nan"]
            for spelling in [str(r.province), str(r.name_zh), *aliases]:
                out[spelling.strip().lower()] = str(r.province).strip().lower()
        return types.MappingProxyType(out)

    memo = getattr(tables, "memo", None)
    return memo("i18n_province_english", build) if memo is not None else build()


def _province_english_names(tables=None) -> frozenset[str]:
    """The English names (lower case) of the provinces of ``provinces.csv``."""
    tables = tables or _default_tables()
    memo = getattr(tables, "memo", None)
    build = lambda: frozenset(_province_english(tables).values())  # noqa: E731
    return memo("i18n_province_english_names", build) if memo is not None else build()


def region_path(region, tables=None, _provinces=None) -> tuple[str, ...]:
    """The parts of a region as English names in lower case, however the region is written.

    Parameters
    ----------
    region : str
        Region as the plots table gives it: parts separated by ``/ , ; | ， ； 、 ·``, in
        English or Chinese, with or without *Province*/省, *City*/市 …, or written in one
        piece in Chinese (``'湖南省湘潭市'``).
    tables : Tables, optional
        Literature tables (``provinces.csv``).

    Returns
    -------
    tuple of str
        The province's English name (any spelling of ``provinces.csv``, as the first part
        or, in Chinese, at the start of the text), then each city or county of
        ``place_names.csv`` under it (English or Chinese name, with or without its ending)
        by its English name; the part that is not found and every part below it as written
        (lower case, spaces trimmed). A first part that is not a province but a city or
        county of ``place_names.csv`` (official Chinese name, English name, Chinese name
        without its ending, or Chinese written in one piece: ``'湘潭'``, ``'Xiangtan'``,
        ``'株洲市渌口区'``) gives its province and the cities above it when it names one
        division only (or a division and one inside it of the same name: 湘潭市 and 湘潭县);
        a name several divisions share (``'朝阳区'``, ``'Suzhou'``) is left as written
        (:func:`region_candidates`). Empty for a missing or blank region. Tables of
        places (``subsidies.csv``, ``transport_distances.csv``) are matched on these parts,
        so a plot's rows do not depend on the language of its region.

    Examples
    --------
    >>> region_path("湖南省湘潭市") == region_path("湖南/湘潭") == region_path("Hunan Province, Xiangtan City")
    True
    >>> region_path("Hunan/Xiangtan/Zhubu")
    ('hunan', 'xiangtan', 'zhubu')
    >>> region_path("Atlantis/North")
    ('atlantis', 'north')
    >>> region_path("湘潭"), region_path("株洲市渌口区"), region_path("朝阳区")
    (('hunan', 'xiangtan'), ('hunan', 'zhuzhou', 'lukou'), ('朝阳区',))
    """
    if region is None or (isinstance(region, float) and region != region):
        return ()
    parts = [p.strip() for p in _REGION_SEP.split(str(region)) if p.strip()]
    if not parts:
        return ()
    provinces = _provinces if _provinces is not None else _province_english(tables)
    head = _PROVINCE_SUFFIX.sub("", parts[0]).lower()
    province = provinces.get(head)
    if province is None:  # Chinese written in one piece (湖南省湘潭市), English words (Hunan Yiyang, Hunan-Zhuzhou)
        start = next((s for s in sorted(provinces, key=len, reverse=True)
                      if head.startswith(s) and (not s.isascii() or head[len(s):len(s) + 1] in _WORD_SEP)), None)
        # pinyin written with spaces, hyphens or apostrophes inside the name (Hu Nan, Hu-Nan Zhuzhou, Nei-Mongol)
        spaced = _spaced_province(head, tables) if start is None and head.isascii() else None
        if start is None and spaced is None:  # no province: a city or county named alone (湘潭, Xiangtan, 株洲市渌口区)
            path, rest, _ = _placed(parts[0])
            words = parts[0].split() if parts[0].isascii() else []
            for k in range(len(words) - 1, 0, -1) if path is None else ():
                path, rest, _ = _placed(" ".join(words[:k]))
                if path is not None:
                    rest = _LEADING_PLACE_WORD.sub("", " ".join(words[k:])).strip(_WORD_SEP).lower()
                    break
            if path is None:
                return tuple(p.lower() for p in parts)
            out, todo = list(path), [*([rest] if rest else []), *(p.lower() for p in parts[1:])]
            return _below(out, todo)
        if spaced is not None:
            province, rest = spaced
        else:
            province = provinces[start]
            rest = head[len(start):].strip()
            if start.isascii():  # "hunan province zhuzhou city": the words after the province and its suffix
                rest = _LEADING_PROVINCE_WORD.sub("", rest.strip(_WORD_SEP)).strip(_WORD_SEP)
        parts = [parts[0], rest, *parts[1:]] if rest else parts
    return _below([province], [p.lower() for p in parts[1:]])


#: Characters between the syllables or words of a name written in pinyin (``Hu Nan``, ``Xiang-tan``).
_PINYIN_WORDS = re.compile(r"[\s\-]+")


def _spaced_province(head: str, tables=None) -> tuple[str, str] | None:
    """The province an English ``head`` (lower case) starts with when its pinyin is written with spaces, hyphens
    or apostrophes inside the name (``'hu nan'``, ``'hu-nan zhuzhou'``, ``'nei-mongol'``): (its English name in
    lower case, the words after it without a *Province* word), or None. The first words are joined without those
    characters and looked up among the provinces' English spellings joined the same way (:func:`_province_squashed`),
    the longest first."""
    words = [w for w in _PINYIN_WORDS.split(head.strip(_WORD_SEP)) if w]
    if not words:
        return None
    squashed = _province_squashed(tables)
    for k in range(len(words), 0, -1):
        province = squashed.get(_places.squash_name(" ".join(words[:k])))
        if province is not None:
            rest = _LEADING_PROVINCE_WORD.sub("", " ".join(words[k:])).strip(_WORD_SEP)
            return province, rest
    return None


def _province_squashed(tables=None) -> Mapping[str, str]:
    """The English spellings of the provinces (``provinces.csv``: name and aliases) without spaces, hyphens and
    apostrophes (``'innermongolia'``, ``'neimongol'``) → the English name in lower case; a joined spelling that
    two provinces would share is left out (none does)."""
    tables = tables or _default_tables()

    def build() -> Mapping[str, str]:
        seen: dict[str, set] = {}
        for spelling, province in _province_english(tables).items():
            if spelling.isascii():
                seen.setdefault(_places.squash_name(spelling), set()).add(province)
        return types.MappingProxyType({k: next(iter(v)) for k, v in seen.items() if len(v) == 1})

    memo = getattr(tables, "memo", None)
    return memo("i18n_province_squashed", build) if memo is not None else build()


def _placed(part: str) -> tuple[tuple[str, ...] | None, str, tuple[tuple[str, ...], ...]]:
    """The division a region part written without its province names (:func:`agriremed.core.places.locate`).

    Returns the division's path (English, lower case, from the province down) when the part
    names exactly one division, or only a division and divisions inside it (湘潭: 湘潭市 and its
    湘潭县 → 湘潭市), else None; the text after the name read; and every division the part may name.
    """
    paths, rest = _places.locate(part)
    if not paths:
        return None, rest, ()
    top = min(paths, key=len)
    if all(p[:len(top)] == top for p in paths):
        return top, rest, paths
    return None, rest, paths


def _below(out: list[str], todo: list[str]) -> tuple[str, ...]:
    """``out`` (a known path) followed by the parts of ``todo`` read under it (see :func:`region_path`)."""
    spellings = _places.place_spellings()
    province = out[0]
    while todo:
        part = todo.pop(0)
        names = spellings.get((province, tuple(out[1:])), {})
        name = names.get(_places.PLACE_SUFFIX.sub("", part))
        if name is None and part.isascii():  # pinyin with spaces or hyphens inside the name (xiang tan, xiang-tan)
            name = _places.squashed_spellings().get((province, tuple(out[1:])), {}).get(
                _places.squash_name(_places.PLACE_SUFFIX.sub("", part)))
        if name is None and not part.isascii():  # a county named whole under its province (湖南/湘潭县, 湖南/株洲县)
            below = _one_level_down(spellings, province, tuple(out[1:]), part)
            if below is not None:
                out.extend(below)
                continue
        if name is None:  # 湘潭市雨湖区, zhuzhou lukou: the longest known name it starts with
            start = next((s for s in sorted(names, key=len, reverse=True) if part.startswith(s)
                          and (not s.isascii() or part[len(s):len(s) + 1] in _WORD_SEP)), None)
            if start is not None:
                name = names[start]
                rest = part[len(start):].strip(_WORD_SEP)
                if start.isascii():
                    rest = _LEADING_PLACE_WORD.sub("", rest).strip(_WORD_SEP)
                if rest:
                    todo.insert(0, rest)
        if name is None and part.isascii():  # the same with pinyin spaced inside the names (xiang tan yu hu)
            name, rest = _spaced_place(part, _places.squashed_spellings().get((province, tuple(out[1:])), {}))
            if rest:
                todo.insert(0, rest)
        if name is None:  # a county named under its province without its city (湖北/大冶): the one division below
            below = _one_level_down(spellings, province, tuple(out[1:]), _places.PLACE_SUFFIX.sub("", part))
            if below is not None:
                out.extend(below)
                continue
        if name is None:  # unknown: this part and the ones below it as written
            return (*out, part, *todo)
        out.append(name)
    return tuple(out)


def _spaced_place(part: str, squashed: Mapping[str, str]) -> tuple[str | None, str]:
    """The place of ``squashed`` (:func:`agriremed.core.places.squashed_spellings` of one parent) that the first
    words of ``part`` (English, lower case) name with their pinyin joined, the longest first, and the words after it
    without a *City*/*County* word: (English name, rest), or (None, '')."""
    words = [w for w in _PINYIN_WORDS.split(part.strip(_WORD_SEP)) if w]
    for k in range(len(words), 0, -1):
        name = squashed.get(_places.squash_name(" ".join(words[:k])))
        if name is not None:
            return name, _LEADING_PLACE_WORD.sub("", " ".join(words[k:])).strip(_WORD_SEP)
    return None, ""


def _one_level_down(spellings, province: str, parents: tuple, part: str) -> tuple[str, str] | None:
    """(city, county) when ``part`` names exactly one division two levels below ``parents`` of
    ``province`` (大冶 under 湖北: 黄石市/大冶市), else None."""
    hits = {(key[1][-1], names[part]) for key, names in spellings.items()
            if key[0] == province and len(key[1]) == len(parents) + 1 and key[1][:-1] == parents and part in names}
    return next(iter(hits)) if len(hits) == 1 else None


def region_province(region, tables=None) -> str:
    """The province of a region (:func:`region_path`): its English name in lower case, or ``''``.

    Parameters
    ----------
    region : str
        Region as the plots table gives it.
    tables : Tables, optional
        Literature tables (``provinces.csv``).

    Returns
    -------
    str
        ``'hunan'`` for ``'Hunan/Xiangtan'``, ``'湖南省湘潭市'`` and ``'湘潭'`` alike; ``''`` when
        the region names no province and no city or county of a single province.

    Examples
    --------
    >>> region_province("湘潭市雨湖区"), region_province("Suzhou"), region_province("Atlantis")
    ('hunan', '', '')
    """
    path = region_path(region, tables)
    return path[0] if path and path[0] in _province_english_names(tables) else ""


def region_candidates(region, tables=None) -> tuple[tuple[str, ...], ...]:
    """The divisions a region written without its province may be, when it is not placed for that.

    Parameters
    ----------
    region : str
        Region as the plots table gives it.
    tables : Tables, optional
        Literature tables (``provinces.csv``).

    Returns
    -------
    tuple of tuple of str
        Paths (English names as in ``place_names.csv`` and ``provinces.csv``, from the province
        down) of the divisions in several provinces or cities that the region's first part names
        (``'Suzhou'``: Jiangsu/Suzhou, Anhui/Suzhou, Gansu/Jiuquan/Suzhou); empty when the region
        starts with a province, names one division or none.

    Examples
    --------
    >>> region_candidates("朝阳区")
    (('Beijing', 'Chaoyang'), ('Jilin', 'Changchun', 'Chaoyang'))
    >>> region_candidates("Xiangtan"), region_candidates("Hunan/Suzhou")
    ((), ())
    """
    if region is None or (isinstance(region, float) and region != region):
        return ()
    parts = [p.strip() for p in _REGION_SEP.split(str(region)) if p.strip()]
    if not parts:
        return ()
    provinces = _province_english(tables)
    head = _PROVINCE_SUFFIX.sub("", parts[0]).lower()
    if head in provinces or any(not s.isascii() and head.startswith(s) for s in provinces):
        return ()
    if head.isascii() and _spaced_province(head, tables) is not None:  # Hu Nan, Nei-Mongol: a province
        return ()
    path, _, paths = _placed(parts[0])
    if path is not None:
        return ()
    english = _places.place_english()
    names = {p.lower(): p for p in (tables or _default_tables()).provinces["province"].astype(str)}
    return tuple((names.get(p[0], p[0]), *(english[p[:i + 1]] for i in range(1, len(p)))) for p in paths)


#: What may stand before the place at the start of a title (``附表1``, ``表2：``, ``2024年``, ``2024年度``).
_TITLE_LEAD = re.compile(r"^(?:\s*(?:(?:附表|附件|表)\s*[0-9一二三四五六七八九十.\-]*\s*[:：.、]?|"
                         r"(?:19|20)\d{2}\s*年度?)\s*)+")
#: Endings of a place named at the start of a title followed by other words (湖南省, 株洲市渌口区).
_TITLE_PLACE_END = (*_places.ZH_PLACE_SUFFIX, *_PROVINCE_ZH_END)
#: Separators between the words of a file or sheet name written in Latin letters (``zhuzhou_lukou_2024``).
_NAME_WORDS = re.compile(r"[\s_.\-]+")


def region_in_title(text, tables=None) -> tuple[str, str]:
    """The place a title line, sheet name or file name starts with, as a region path.

    Parameters
    ----------
    text : str
        A title line (``'株洲市渌口区耕地土壤环境质量类别划分成果表'``), the text after its
        label (``'填报单位：株洲市渌口区农业农村局'``), a sheet name or a file name without its
        suffix (``'zhuzhou_lukou_2024'``).
    tables : Tables, optional
        Literature tables (``provinces.csv``).

    Returns
    -------
    words : str
        The words naming the place, as written (``'株洲市渌口区'``); ``''`` when none.
    region : str
        The place as a region path of English names from the province down, as
        ``provinces.csv`` and ``place_names.csv`` write them (``'Hunan/Zhuzhou/Lukou'``);
        ``''`` when none.

    Notes
    -----
    The place is the longest start of the text (after a table number such as ``附表1`` or a
    year such as ``2024年``; in Latin letters, whole words) that :func:`region_path` reads
    as a province and divisions of ``place_names.csv`` only; a name several divisions share
    (``'朝阳区'``) names no place. In Chinese followed by other words, the place must end as
    a division's name does (省, 市, 县, 区 …: ``株洲市渌口区耕地…``), so that a title starting with
    a word that is also a short place name (``东方红村…``, 东方 of 东方市) names no place; a text that
    is all a place (a sheet named ``渌口``) may leave the ending out. Only the start is read.

    Examples
    --------
    >>> region_in_title("株洲市渌口区耕地土壤环境质量类别划分成果表")
    ('株洲市渌口区', 'Hunan/Zhuzhou/Lukou')
    >>> region_in_title("附表1 湖南省耕地质量类别"), region_in_title("zhuzhou_lukou_2024")
    (('湖南省', 'Hunan'), ('zhuzhou lukou', 'Hunan/Zhuzhou/Lukou'))
    >>> region_in_title("耕地土壤环境质量类别划分成果表"), region_in_title("朝阳区耕地"), region_in_title("东方红村")
    (('', ''), ('', ''), ('', ''))
    """
    if text is None or (isinstance(text, float) and text != text):
        return "", ""
    body = str(text).strip()
    parts = [body]
    label = re.split(r"[:：]", body, maxsplit=1)
    if len(label) == 2 and label[1].strip():  # 填报单位：株洲市渌口区农业农村局
        parts.append(label[1].strip())
    for part in parts:
        part = _TITLE_LEAD.sub("", part).strip()
        if part.isascii():
            words = [w for w in _NAME_WORDS.split(part) if w]
            starts = [" ".join(words[:k]) for k in range(len(words), 0, -1)]
        else:  # a name ending as a division does (株洲市渌口区耕地…), or the whole text (a sheet named 渌口)
            starts = [part[:k].strip() for k in range(len(part), 1, -1)
                      if k == len(part) or part[:k].endswith(_TITLE_PLACE_END)]
        for start in starts:
            if _REGION_SEP.search(start):
                continue
            path = region_path(start, tables)
            if path and _region_name_by_path(start, tables) is not None:
                return start, _region_english(path, tables)
    return "", ""


def _region_english(path: tuple[str, ...], tables=None) -> str:
    """A region path (English, lower case) as ``provinces.csv`` and ``place_names.csv`` write it."""
    names = {p.lower(): p for p in (tables or _default_tables()).provinces["province"].astype(str)}
    english = _places.place_english()
    return "/".join([names.get(path[0], path[0]), *(english.get(path[:i + 1], path[i]) for i in range(1, len(path)))])


def region_in(regions, places, tables=None) -> np.ndarray:
    """True where a region lies in (or is) one of ``places``, compared by :func:`region_path`.

    Parameters
    ----------
    regions : array_like of str
        Plot regions (any language, NaN or blank: in no place).
    places : iterable of str
        Places of a table (``'Hunan/Xiangtan'`` covers ``'湖南省湘潭市雨湖区'``).
    tables : Tables, optional
        Literature tables (``provinces.csv``).

    Returns
    -------
    numpy.ndarray of bool
        Per region.
    """
    provinces = _province_english(tables)
    keys = [k for k in (region_path(p, tables, provinces) for p in places) if k]
    codes, uniq = pd.factorize(pd.Series(list(regions) if not isinstance(regions, pd.Series) else regions,
                                         dtype=object), use_na_sentinel=True)
    inside = np.array([any(path[:len(k)] == k for k in keys)
                       for path in (region_path(u, tables, provinces) for u in uniq)], bool)
    return np.where(codes >= 0, inside[np.maximum(codes, 0)] if len(inside) else False, False)


def description(name, lang: str = "en") -> str:
    """Description of a column for a glossary, in ``lang``.

    Parameters
    ----------
    name : str or agriremed.core.columns.Column
        Column name, or its registry entry.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    str
        English: the registry's description (empty for an unregistered column). Chinese:
        the ``desc.<name>`` text of ``i18n.csv`` where there is one, otherwise the column's
        Chinese label with its unit and valid range (``地块首年成本；单位：元``); an
        unregistered column is described as a column of the input table kept as given.

    Examples
    --------
    >>> description("area_mu", "zh")
    '面积；单位：亩；取值范围：≥ 0'
    """
    col = name if isinstance(name, C.Column) else C.COLUMNS.get(name)
    name = col.name if col is not None else str(name)
    if _check_lang(lang) == "en":
        return col.description if col is not None else ""
    own = _texts()["zh"].get(f"desc.{name}")
    if own:
        return own
    if col is None:
        return t("ui.gloss.input_column", lang)
    parts = [col.label_zh]
    if col.dtype in ("float", "int") and col.unit not in ("", "1"):
        parts.append(t("ui.gloss.unit", lang, unit=unit(col.unit, lang)))
    def num(x):
        return f"{int(x):,}" if float(x).is_integer() else f"{x:,g}"

    (lo, hi), (lo_open, hi_open) = col.valid, col.valid_open
    bounds = ([f"{'>' if lo_open else '≥'} {num(lo)}"] if lo is not None else []) + \
        ([f"{'<' if hi_open else '≤'} {num(hi)}"] if hi is not None else [])
    if bounds:
        parts.append(t("ui.gloss.range", lang, range="，".join(bounds)))
    names = [value(col.name, c, lang) for c in (col.categories or ())]
    if names and not any(n.isascii() for n in names):  # only where every category has a Chinese name
        parts.append(t("ui.gloss.values", lang, values=join_list(names, "zh")))
    return "；".join(parts)


def value(domain: str, code, lang: str = "en", tables=None) -> str:
    """Display form of a category code.

    Parameters
    ----------
    domain : str
        ``'crop'``, ``'crops'`` (codes joined by ``|``), ``'option'``, ``'metal'``, ``'metals'``,
        ``'unit'``, ``'column'``
        or a ``value.<domain>`` group of the table (``'soil_class'``, ``'land_use'``,
        ``'light'``, ``'criterion'``, ``'severity'`` …).
    code : str
        The code (``'strict_control'``).
    lang : {"en", "zh"}
        Language.
    tables : Tables, optional
        Literature tables for crop and option names.

    Returns
    -------
    str
        The display text; for an unknown code the code itself with ``_`` shown as a
        space (so new codes added to the tables still show, in English).
    """
    _check_lang(lang)
    if code is None or (isinstance(code, float) and code != code):
        return ""
    code = str(code)
    if domain == "crop":
        return crop_name(code, lang, tables)
    if domain == "crops":  # crop codes joined by | (crops_not_planned)
        return join_list((crop_name(c, lang, tables) for c in code.split("|") if c), lang)
    if domain == "option":
        return option_name(code, lang, tables)
    if domain == "metal":
        return metal_name(code, lang)
    if domain == "metals":
        return metals(code, lang)
    if domain == "unit":
        return unit(code, lang)
    if domain == "policy_rule":
        return rule_text(code, lang, tables)
    if domain == "column":
        return label(code, lang, with_unit=False)
    text = _texts()[lang].get(f"value.{domain}.{code}")
    return text if text is not None else code.replace("_", " ")


# --------------------------------------------------------------------------- messages
@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern, str]]:
    tr = translations()
    return [(re.compile(tr.loc[k, "en"]), tr.loc[k, "zh"]) for k in tr.index if k.startswith("msg.")]


_TABLES: dict[int, tuple[object, tuple[tuple[str, str], ...]]] = {}


def _tables_token(tables=None) -> int:
    """A hashable stand-in for a tables object (its id, kept valid by holding the object)."""
    tables = tables or _default_tables()
    hit = _TABLES.get(id(tables))
    if hit is None or hit[0] is not tables:
        if len(_TABLES) > 16:
            _TABLES.clear()
            _translate_zh_cached.cache_clear()
        df = tables.options
        names = tuple(sorted(zip(df["name_en"], df["name_zh"], strict=True), key=lambda p: -len(p[0])))
        lr = getattr(tables, "land_rules", None)
        # the jurisdiction rules carry their own Chinese text (land_rules.csv reason_zh)
        rules = () if lr is None else tuple(sorted(
            ((e, z) for e, z in zip(lr["reason_en"], lr["reason_zh"], strict=True) if e and z),
            key=lambda p: -len(p[0])))
        _TABLES[id(tables)] = (tables, names, rules)
    return id(tables)


def _option_names_longest_first(tables=None) -> tuple[tuple[str, str], ...]:
    """(English, Chinese) option names, longest English name first."""
    return _TABLES[_tables_token(tables)][1]


def _fill(template: str, m: re.Match, tables=None) -> str:
    def one(f: re.Match) -> str:
        text = m.group(f.group(1)) or ""
        dom = f.group(2)
        if not dom:
            return text
        if dom == "list":  # comma-separated codes of any kind (e.g. land uses)
            return join_list((value("land_use", x.strip(), "zh", tables) for x in text.split(",")), "zh")
        if dom in ("crop", "option", "metal", "metals", "unit", "column"):
            return value(dom, text, "zh", tables)
        # words of a sentence as a code of the table:
        # 'clean-up' → clean_up, 'the overall score' → the_overall_score
        return value(dom, re.sub(r"[\s-]+", "_", text.strip()), "zh", tables)

    return _FIELD.sub(one, template)


def _translate_zh(text: str, tables=None) -> str:
    return _translate_zh_cached(text, _tables_token(tables))


@functools.lru_cache(maxsize=20_000)
def _translate_zh_cached(text: str, token: int) -> str:
    # cached: a table of options repeats its reasons on every redraw and language switch
    tables, names, rules = _TABLES[token]
    described = {c.description: c for c in C.COLUMNS.values()}
    if text in described:  # a column description stands in for "what was expected"
        col = described[text]
        return f"{col.label_zh}（{col.name}）"
    out = text
    for en, zh in rules:
        out = out.replace(en, zh)
    for en, zh in names:
        out = out.replace(en, zh)
    for pat, template in _patterns():
        out = pat.sub(lambda m, tpl=template: _fill(tpl, m, tables), out)
    # sentence punctuation
    out = re.sub(r";\s*", "；", out)
    out = re.sub(r"(?<=[^\d\s]):\s+", "：", out)
    out = re.sub(r"(?<=\D),\s+(?=\D)", "，", out)
    out = re.sub(r"\.$", "。", out)
    return out


def message(text, lang: str = "en", tables=None) -> str:
    """Translate a message produced by the planner (validation problem, reason, recommendation).

    Parameters
    ----------
    text : str
        English message as the planner wrote it.
    lang : {"en", "zh"}
        Target language.
    tables : Tables, optional
        Literature tables (option names).

    Returns
    -------
    str
        The message in ``lang``; for ``"zh"``, the English original when a part of it
        has no translation pattern yet (see :func:`untranslated`).

    Examples
    --------
    >>> message("file not found: plots.csv", "zh")
    '找不到文件：plots.csv'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    if _check_lang(lang) == "en" or not text:
        return text
    zh = _translate_zh(text, tables)
    return text if untranslated(zh) else zh


#: Latin tokens allowed in a Chinese text: codes, symbols, standards and units.
_ALLOWED = {
    "GB",
    "HJ",  # environmental protection standards (HJ 25.3: site risk assessment)
    "GB2762",
    "CO₂",
    "EU2023_915",
    "CODEX",
    "Codex",
    "EU",
    "IPCC",
    "Tier",
    "GWP",
    "Puro",
    "EBC",
    "CarboChar",
    "kWh",
    "VIP",
    "DM",
    "CO2e",
    "CO₂e",
    "P5",
    "P10",
    "P50",
    "P90",
    "P95",
    "pH",
    "KCl",
    "CaCl₂",
    "CaCl2",
    "HNO₃",
    "HNO3",
    "DTPA",
    "DW",
    "FW",
    "NPV",
    "CSV",
    "Excel",
    "HTML",
    "Parquet",
    "UTF",
    "GBK",
    "GB18030",
    "WGS84",
    "M",
    "mg",
    "kg",
    "g",
    "t",
    "ha",
    "cm",
    "m",
    "mm",
    "yr",
    "GJ",
    "MWh",
    "CNY",
    "cmol",
    "hm",
    "e",
    "µm",
    "ppm",
    "ppb",
    "ug",
    "µg",
    "μg",
    "x",
    "xlsx",
    "xls",
    "csv",
    "parquet",
    "pq",
    "txt",
    "xlsm",
    "nan",
    "n",
    "a",
    "na",
    "nd",
    "none",
    "null",
    "agriremed",
    "DOI",
    "URL",
    # GIS files and coordinate systems
    "GIS",
    "QGIS",
    "FID",
    "EPSG",
    "CGCS2000",
    "GRS80",
    "DBF",
    "GeoPackage",
    "Shapefile",
    "GeoJSON",
    "geometry",  # the geometry column of a layer, named in its row problems
}


@functools.lru_cache(maxsize=1)
def _allowed_tokens() -> frozenset:
    tokens = set(_ALLOWED)
    tokens |= set(C.COLUMNS)
    for col in C.COLUMNS.values():
        tokens |= set(col.categories or ())
    for sym, _ in C.METAL_NAMES.values():
        tokens.add(sym)
    tokens |= set(C.METALS)
    tb = _default_tables()
    tokens |= set(tb.crops["crop"]) | set(tb.options["option_id"])
    for aliases in tb.crops["aliases"]:
        tokens |= {a.strip() for a in str(aliases).split("|") if a.strip()}
    return frozenset(tokens)


@functools.lru_cache(maxsize=1)
def _citation_labels() -> re.Pattern | None:
    """The Chinese short citations of the sources that hold Latin letters (``Arabi 等 2021``): a source is
    cited so, its authors' names and titles as written."""
    src = _default_tables().sources
    if "short_cite" not in src:
        return None
    zh = src["short_cite_zh"].fillna("") if "short_cite_zh" in src else pd.Series("", index=src.index)
    labels = {z.strip() or str(e).strip() for z, e in zip(zh, src["short_cite"].fillna(""), strict=True)}
    labels = sorted((x for x in labels if re.search(r"[A-Za-z]", x)), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, labels))) if labels else None


def untranslated(text: str) -> list[str]:
    """English words left in a Chinese text (codes, symbols and units are allowed).

    Parameters
    ----------
    text : str
        Translated text.

    Returns
    -------
    list of str
        Words of two or more Latin letters that are neither a registered column,
        a code, a metal symbol nor a unit; empty when the text is fully translated.

    Examples
    --------
    >>> untranslated("土壤pH 6.8高于6.5")
    []
    >>> untranslated("土壤 is acid")
    ['is', 'acid']
    """
    return list(_untranslated(str(text)))


@functools.lru_cache(maxsize=20_000)
def _untranslated(text: str) -> tuple[str, ...]:
    allowed = _allowed_tokens()
    cited = _citation_labels()
    if cited is not None:  # a source's short citation (Arabi 等 2021) keeps its authors' names
        text = cited.sub(" ", text)
    # what the user typed (quoted), file names, paths and command options (--tables) are shown as they are
    text = re.sub(
        r"'[^']*'|\"[^\"]*\"|“[^”]*”|(?<![\w-])--[a-z][a-z-]*"
        r"|[\w.-]+\.(?:csv|txt|xlsx|xlsm|xls|ods|parquet|pq|gpkg|shp|geojson|zip|dbf|cpg|prj)(?![A-Za-z0-9])|\S*/\S*",
        " ",
        str(text),
    )
    words = re.findall(r"[A-Za-z][A-Za-z0-9_₂₃]*", text)
    return tuple(w for w in words if len(w) > 1 and w not in allowed and not re.search(r"[_\d]", w))
