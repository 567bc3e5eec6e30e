"""Generate ``src/agriremed/data/place_names.csv``: China's prefecture- and county-level divisions.

Input: the code lists ``cities.csv`` and ``areas.csv`` (columns ``code, name, provinceCode``
and ``code, name, cityCode, provinceCode``) of the National Bureau of Statistics 2023
statistical division codes (统计用区划代码, as of 2023-06-30) in the public copy
github.com/modood/Administrative-divisions-of-China (``dist/``, commit 57a0aa9). Its codes
and names of the county level and above are those of the Ministry of Civil Affairs list
(GB/T 2260); the statistics-only units it adds (development zones, 管理区 …, county-level
codes ending in 71–79) are left out.

Output rows: every prefecture-level division (cities, autonomous prefectures, 地区, 盟, and
the county-level cities administered directly by a province, such as 济源市, as in the
previous table) and every county-level division (districts, counties, county-level
cities, autonomous counties, 旗 …); the districts and counties of the four municipalities
have the municipality as parent. The English name is the pinyin of the name without its
ending (and, for autonomous divisions, without the peoples named before 自治), without
tones, generated with pypinyin (needed by this script only, not by agriremed); a name of
one character keeps its ending (攸县 → Youxian). Rows already in the table keep their
English name, note and source (those names were checked); the generated rows cite
``nbs2023_divisions``, whose entry in sources.csv says that their English names are
generated and not checked.

Run from the repository root:
    python scripts/make_place_names.py DIR   (DIR holds cities.csv and areas.csv)
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "agriremed" / "data" / "place_names.csv"
PROVINCES = ROOT / "src" / "agriremed" / "data" / "provinces.csv"
SOURCE = "nbs2023_divisions"

#: endings of a division's name, longest first
ENDINGS = ("行政委员会", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "市", "县", "区", "盟", "旗")
#: the 55 peoples as named in autonomous divisions (…族自治县), longest first when stripped
PEOPLES = sorted("""蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山
拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克
俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各""".split(), key=len, reverse=True)
#: prefecture-level rows of the code list that are groups, not divisions
PLACEHOLDERS = ("市辖区", "县")
DIRECT = ("省直辖县级行政区划", "自治区直辖县级行政区划")


def stem(name: str) -> str:
    """The name without its ending and, before 自治, without the peoples it names."""
    for end in ENDINGS:
        if name.endswith(end) and len(name) > len(end):
            base = name[: -len(end)]
            break
    else:
        return name
    if end.startswith("自治"):
        full = base
        first = True  # the people right before 自治 may be written without 族 (博尔塔拉蒙古自治州)
        while base.endswith("族") or first:  # 长白朝鲜族 → 长白 (白 of 长白 has no 族 after it)
            head = base[:-1] if base.endswith("族") else base
            people = next((p for p in PEOPLES if head.endswith(p)), None)
            if people is None:
                break
            base, first = head[: -len(people)], False
        base = base or full.removesuffix("族")
    return base if len(base) >= 2 else name


#: readings of characters in place names where pypinyin's usual reading is another one
CHAR_READINGS = {"都": "du", "朝": "chao", "长": "chang"}
#: names read otherwise still (长子 Zhǎngzǐ, 洪洞 Hóngtóng, 六合 Lùhé, 单县 Shànxiàn)
NAME_READINGS = {"长子": ["zhang", "zi"], "洪洞": ["hong", "tong"], "六合": ["lu", "he"], "单县": ["shan", "xian"]}


def pinyin(name: str) -> str:
    """Pinyin without tones, one word, first letter capital, ' before a syllable starting with a, o, e."""
    out = ""
    syllables = NAME_READINGS.get(name) or [
        CHAR_READINGS.get(c, s) for c, s in zip(name, lazy_pinyin(name, style=Style.NORMAL, v_to_u=True), strict=True)]
    for i, s in enumerate(syllables):
        out += ("'" if i and s[:1] in "aoe" else "") + s
    return out[:1].upper() + out[1:]


def main(src: Path) -> Path:
    provinces = {r["code"]: r["province"] for r in csv.DictReader(PROVINCES.open(encoding="utf-8"))}
    old = {r["code"]: r for r in csv.DictReader(OUT.open(encoding="utf-8"))}
    cities = {r["code"]: r for r in csv.DictReader((src / "cities.csv").open(encoding="utf-8"))}
    rows = []

    def add(code, name, level, parent):
        keep = old.get(code)
        if keep is not None and keep["name_zh"] != name:
            raise SystemExit(f"{code}: {keep['name_zh']} in place_names.csv, {name} in the code list")
        rows.append({"name": keep["name"] if keep else pinyin(stem(name)), "name_zh": name, "level": level,
                     "parent": keep["parent"] if keep else parent, "code": code,
                     "source": keep["source"] if keep else SOURCE, "note": keep["note"] if keep else ""})

    english = {}
    for code, c in cities.items():
        if c["name"] in PLACEHOLDERS or c["name"] in DIRECT:
            continue
        add(code + "00", c["name"], "prefecture", provinces[c["provinceCode"]])
        english[code] = rows[-1]["name"]
    for a in csv.DictReader((src / "areas.csv").open(encoding="utf-8")):
        if a["code"][4] == "7":  # statistics-only units (development zones …), not in the GB/T 2260 list
            continue
        city, province = cities[a["cityCode"]], provinces[a["provinceCode"]]
        if city["name"] in DIRECT:
            add(a["code"], a["name"], "prefecture", province)
        elif city["name"] in PLACEHOLDERS:
            add(a["code"], a["name"], "county", province)
        else:
            add(a["code"], a["name"], "county", f"{province}/{english[a['cityCode']]}")
    missing = set(old) - {r["code"] for r in rows}
    if missing:
        raise SystemExit(f"rows of place_names.csv not in the code list: {sorted(missing)}")
    seen: dict[tuple[str, str], str] = {}
    for r in rows:  # two places of one parent with one English name: the second keeps its ending
        key = (r["parent"].lower(), r["name"].lower())
        if key in seen:
            r["name"] = pinyin(r["name_zh"])
            key = (r["parent"].lower(), r["name"].lower())
        if key in seen:
            raise SystemExit(f"{r['name_zh']} and {seen[key]}: same English name {r['name']} under {r['parent']}")
        seen[key] = r["name_zh"]
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["name", "name_zh", "level", "parent", "code", "source", "note"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return OUT


if __name__ == "__main__":
    print(main(Path(sys.argv[1])))
