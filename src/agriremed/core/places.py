"""Official Chinese names of Chinese cities and counties (``data/place_names.csv``).

Read by :mod:`agriremed.core.i18n` (region names in Chinese) and re-exported by
:mod:`agriremed.core.names`; it imports nothing of agriremed, so both can use it.
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

__all__ = ["PLACE_SUFFIX", "ZH_PLACE_SUFFIX", "place_names", "place_spellings"]

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
        for end in ZH_PLACE_SUFFIX:
            if zh.endswith(end) and len(zh) - len(end) >= 2:
                names.setdefault(zh[: -len(end)].lower(), name)
                break
    return out
