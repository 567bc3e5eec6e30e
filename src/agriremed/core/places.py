"""Official Chinese names of Chinese cities and counties (``data/place_names.csv``).

The table holds every prefecture-level and county-level division of the mainland (Ministry of
Civil Affairs / GB/T 2260 codes); a city or county written without its province is found in it
by :func:`locate`.

Read by :mod:`agriremed.core.i18n` (region names in Chinese) and re-exported by
:mod:`agriremed.core.names`; it imports nothing of agriremed, so both can use it.
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

__all__ = ["PLACE_SUFFIX", "ZH_PLACE_SUFFIX", "locate", "place_aliases", "place_english", "place_key", "place_names",
           "place_paths", "place_spellings", "squash_name", "squashed_spellings"]

#: English words that may follow a city or county name (``Zhuzhou City``, ``Youxian County``).
PLACE_SUFFIX = re.compile(r"\s+(?:city|county|district|prefecture|autonomous\s+(?:county|prefecture)|shi|xian|qu)$",
                          re.I)

#: Endings of the official Chinese name of a city or county that a writer may leave out
#: (湘潭市 → 湘潭, 攸县 → 攸 is too short and is not read).
ZH_PLACE_SUFFIX = ("自治州", "自治县", "地区", "市", "县", "区", "盟", "旗")


@functools.lru_cache(maxsize=1)
def place_names() -> dict[tuple[str, tuple[str, ...], str], str]:
    """Official Chinese names of cities and counties, from ``data/place_names.csv``.

    Each row names one prefecture-level city (or autonomous prefecture) or one county-level
    division (county, district, county-level city) in English (pinyin, as the plots table
    writes it), its official Chinese name and code (Ministry of Civil Affairs list of
    administrative division codes, GB/T 2260) and its parent path of English names from
    the province down (``Hunan/Zhuzhou``). A pinyin name can belong to several places
    (Suzhou is 苏州市 in Jiangsu and 宿州市 in Anhui), so a name is only read under its
    parent.

    Returns
    -------
    dict
        (province, parents below the province, name), all English and lower case →
        Chinese name: ``("hunan", ("zhuzhou",), "lukou") → "渌口区"``.

    References
    ----------
    Ministry of Civil Affairs of the PRC (2023) 中华人民共和国县以上行政区划代码.
    """
    text = resources.files("agriremed.data").joinpath("place_names.csv").read_text(encoding="utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        parent = [x.strip().lower() for x in row["parent"].split("/") if x.strip()]
        out[(parent[0], tuple(parent[1:]), row["name"].strip().lower())] = row["name_zh"].strip()
    return out


@functools.lru_cache(maxsize=1)
def place_english() -> dict[tuple[str, ...], str]:
    """English name of each city and county as ``data/place_names.csv`` writes it, by its path.

    Returns
    -------
    dict
        Path (English names in lower case from the province down: ``("hunan", "zhuzhou")``)
        → English name (``"Zhuzhou"``).
    """
    text = resources.files("agriremed.data").joinpath("place_names.csv").read_text(encoding="utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        parent = tuple(x.strip().lower() for x in row["parent"].split("/") if x.strip())
        out[(*parent, row["name"].strip().lower())] = row["name"].strip()
    return out


#: Characters an English place name may be written with or without (Ha'erbin, Haerbin; Xi’an, Xian).
_SQUASHED = re.compile(r"[\s'’‘`-]+")


def _squash(name: str) -> str:
    """An English name in lower case without apostrophes, hyphens and spaces (``"Ha'erbin"`` → ``"haerbin"``)."""
    return _SQUASHED.sub("", name.strip().lower())


def squash_name(name: str) -> str:
    """An English (pinyin) name in lower case without apostrophes, hyphens and spaces, the form in which
    ``"Hu Nan"``, ``"Hu-nan"`` and ``"Hunan"`` are one name.

    Examples
    --------
    >>> squash_name("Hu Nan"), squash_name("Xi'an"), squash_name("Nei-Mongol")
    ('hunan', 'xian', 'neimongol')
    """
    return _squash(name)


@functools.lru_cache(maxsize=1)
def squashed_spellings() -> dict[tuple[str, tuple[str, ...]], dict[str, str]]:
    """The English spellings of :func:`place_spellings` without apostrophes, hyphens and spaces
    (:func:`squash_name`), by parent, where they name one place only.

    A joined spelling that two places under one parent share is left out, so that the apostrophe keeps
    them apart: under Guangdong/Yunfu, Yun'an (云安区) and Yunan (郁南县) are both ``"yunan"`` joined, so
    ``"Yun An"`` names neither, while ``"Yun'an"`` and ``"Yunan"``, spelled as the table does, name each.

    Returns
    -------
    dict
        (province, parents below the province) → {joined spelling → English name in lower case}.

    Examples
    --------
    >>> s = squashed_spellings()
    >>> s[("hunan", ())]["xiangtan"], "yunan" in s[("guangdong", ("yunfu",))]
    ('xiangtan', False)
    """
    out: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {}
    for key, names in place_spellings().items():
        seen: dict[str, set] = {}
        for spelling, name in names.items():
            if spelling.isascii():
                seen.setdefault(_squash(spelling), set()).add(name)
        out[key] = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    return out


@functools.lru_cache(maxsize=1)
def place_aliases() -> dict[tuple[str, tuple[str, ...], str], str]:
    """Established English names of cities that differ from their pinyin in ``data/place_names.csv``
    (Harbin for Ha'erbin, Urumqi for Wulumuqi), and former official Chinese names of counties renamed
    since (株洲县 for 渌口区, 武鸣县 for 武鸣区: county sheets made before the change still write them), from
    ``data/place_aliases.csv``.

    Returns
    -------
    dict
        (province, parents below the province, alias), in lower case → the English name of
        ``place_names.csv`` in lower case: ``("heilongjiang", (), "harbin") → "ha'erbin"``,
        ``("hunan", ("zhuzhou",), "株洲县") → "lukou"``.
    """
    text = resources.files("agriremed.data").joinpath("place_aliases.csv").read_text(encoding="utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        parent = [x.strip().lower() for x in row["parent"].split("/") if x.strip()]
        out[(parent[0], tuple(parent[1:]), row["alias"].strip().lower())] = row["name"].strip().lower()
    return out


def place_key(province: str, parents: tuple[str, ...], text: str) -> str | None:
    """The English name (lower case) of the city or county of ``place_names.csv`` under ``province``
    and ``parents`` (lower case) that ``text`` spells: its English name, written with or without
    apostrophes and spaces, or an established English name of ``place_aliases.csv``; *City*,
    *County* … after it are read off. None when no division there is spelled so, or for Chinese text.

    Examples
    --------
    >>> place_key("heilongjiang", (), "Harbin"), place_key("heilongjiang", ("ha'erbin",), "Shuangcheng")
    ("ha'erbin", 'shuangcheng')
    >>> place_key("shaanxi", (), "Xian City"), place_key("hunan", (), "Atlantis")
    ("xi'an", None)
    """
    key = PLACE_SUFFIX.sub("", text.strip()).lower()
    if not key.isascii():  # a Chinese name is shown as written (湖南/株洲 → 湖南省/株洲)
        return None
    names = place_spellings().get((province, tuple(parents)), {})
    return names.get(key) or names.get(_squash(key))


@functools.lru_cache(maxsize=1)
def place_spellings() -> dict[tuple[str, tuple[str, ...]], dict[str, str]]:
    """Every spelling of the cities and counties of ``data/place_names.csv``, by parent.

    A place is spelled by its English name, its official Chinese name and that name
    without one ending of :data:`ZH_PLACE_SUFFIX` when at least two characters remain
    (湘潭市 → 湘潭).

    Returns
    -------
    dict
        (province, parents below the province), English and lower case → {spelling in
        lower case → English name in lower case}: ``("hunan", ()) → {"xiangtan": "xiangtan",
        "湘潭市": "xiangtan", "湘潭": "xiangtan", …}``.
    """
    out: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {}
    for (province, parents, name), zh in place_names().items():
        names = out.setdefault((province, parents), {})
        names[name] = name
        names[zh.lower()] = name
        short = _short(zh)
        if short:
            names.setdefault(short, name)
        for common in _common_names(zh):
            names.setdefault(common, name)
        names.setdefault(_squash(name), name)
    for (province, parents, alias), name in place_aliases().items():
        out.setdefault((province, parents), {}).setdefault(alias, name)
        out[(province, parents)].setdefault(_squash(alias), name)
    return out


def _short(zh: str) -> str:
    """A Chinese name without its ending when at least two characters remain (湘潭市 → 湘潭), else ''."""
    for end in ZH_PLACE_SUFFIX:
        if zh.endswith(end) and len(zh) - len(end) >= 2:
            return zh[: -len(end)].lower()
    return ""


#: The ethnic groups an autonomous county, prefecture or banner is named after (环江毛南族自治县).
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
    "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
    "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
    "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各")
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:(?:" + "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True))
                         + r")族)+自治(县|州|旗)$")


def _common_names(zh: str) -> tuple[str, ...]:
    """Names an autonomous division goes by without its ethnic groups (环江毛南族自治县 → 环江, 环江县;
    恩施土家族苗族自治州 → 恩施, 恩施州); empty for other names."""
    m = _AUTONOMOUS.match(zh)
    return (m[1].lower(), (m[1] + m[2]).lower()) if m else ()


@functools.lru_cache(maxsize=1)
def place_paths() -> tuple[dict[str, tuple[tuple[str, ...], ...]], dict[str, tuple[tuple[str, ...], ...]]]:
    """Every city and county of ``data/place_names.csv`` by its spellings, across the country.

    Returns
    -------
    tuple of two dict
        Official Chinese name (or a former one of :func:`place_aliases`: 株洲县) → paths, and other
        spelling (English name, with or without its apostrophes, an established English name of
        :func:`place_aliases`, Chinese name without its ending; lower case) → paths. A path is the
        division's English names in lower case from the province down (``("hunan", "zhuzhou", "lukou")``); a spelling shared by several
        divisions has several paths (``"suzhou"``: 苏州市 in Jiangsu and 宿州市 in Anhui).
    """
    full: dict[str, list] = {}
    other: dict[str, list] = {}
    for (province, parents, name), zh in place_names().items():
        path = (province, *parents, name)
        full.setdefault(zh.lower(), []).append(path)
        for spelling in dict.fromkeys(s for s in (name, _squash(name), _short(zh), *_common_names(zh)) if s):
            other.setdefault(spelling, []).append(path)
    for (province, parents, alias), name in place_aliases().items():
        if not alias.isascii():  # a former official name (株洲县): read like an official one (株洲县渌口镇)
            full.setdefault(alias, []).append((province, *parents, name))
            continue
        for spelling in dict.fromkeys((alias, _squash(alias))):
            other.setdefault(spelling, []).append((province, *parents, name))
    return ({k: tuple(v) for k, v in full.items()}, {k: tuple(v) for k, v in other.items()})


def locate(text: str) -> tuple[tuple[tuple[str, ...], ...], str]:
    """The divisions a region part written without its province may name.

    Parameters
    ----------
    text : str
        One part of a region (``'湘潭'``, ``'Xiangtan City'``, ``'株洲市渌口区'``), lower or
        upper case.

    Returns
    -------
    paths : tuple of tuple of str
        Paths (:func:`place_paths`) of the divisions the part names: by its official Chinese
        name first, else by its English name or Chinese name without ending (*City*, *County* …
        after an English name are read off). Chinese written in one piece is read by the longest
        official name it starts with (株洲市 of 株洲市渌口区), or by a name without its ending when
        the text after it names a division under it (湘潭 of 湘潭雨湖区). Empty when the part
        names no division.
    rest : str
        The text after the name read (``'渌口区'``), lower case; ``''`` when the whole part was read.

    Examples
    --------
    >>> locate("株洲市渌口区")
    ((('hunan', 'zhuzhou'),), '渌口区')
    >>> [p[0] for p in locate("Suzhou")[0]]
    ['jiangsu', 'anhui', 'gansu']
    """
    full, other = place_paths()
    key = PLACE_SUFFIX.sub("", text.strip()).lower()
    for index in (full, other):
        if key in index:
            return index[key], ""
    if key.isascii():
        return other.get(_squash(key), ()), "" if _squash(key) in other else key
    spellings = place_spellings()
    for k in range(len(key) - 1, 1, -1):  # the longest name the text starts with
        head, rest = key[:k], key[k:].strip()
        if head in full:
            return full[head], rest
        under = tuple(p for p in other.get(head, ()) if _starts_with_name(rest, spellings.get((p[0], p[1:]), {})))
        if under:
            return under, rest
    return (), key


def _starts_with_name(text: str, names: dict[str, str]) -> bool:
    """True where ``text`` is, or starts with, a Chinese spelling of ``names``."""
    return any(text.startswith(s) for s in names if not s.isascii())
