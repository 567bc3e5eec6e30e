"""Official Chinese names of Chinese cities and counties (``data/place_names.csv``).

Read by :mod:`agriremed.core.i18n` (region names in Chinese) and re-exported by
:mod:`agriremed.core.names`; it imports nothing of agriremed, so both can use it.
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

__all__ = ["PLACE_SUFFIX", "place_names"]

#: English words that may follow a city or county name (``Zhuzhou City``, ``Youxian County``).
PLACE_SUFFIX = re.compile(r"\s+(?:city|county|district|prefecture|autonomous\s+(?:county|prefecture)|shi|xian|qu)$",
                          re.I)


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
