"""place_names.csv romanises a character of several readings as the place name reads it (什邡 Shifang, not
Shenfang; 筠连 Junlian, not Yunlian): an English region then resolves to the same division as the Chinese one
and is printed in 中文 (before, Sichuan/Deyang/Shenfang stayed untranslated in a Chinese report)."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from agriremed.core import i18n


def _names() -> pd.DataFrame:
    with resources.files("agriremed.data").joinpath("place_names.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str)


@pytest.mark.parametrize("english,chinese,path", [
    ("Sichuan/Deyang/Shifang", "四川省/德阳市/什邡市", ("sichuan", "deyang", "shifang")),
    ("Sichuan/Yibin/Junlian", "四川省/宜宾市/筠连县", ("sichuan", "yibin", "junlian")),
    ("Shanghai/Minhang", "上海市/闵行区", ("shanghai", "minhang")),
    ("Xinjiang/Aletai/Aletai", "新疆维吾尔自治区/阿勒泰地区/阿勒泰市", ("xinjiang", "aletai", "aletai")),
])
def test_english_and_chinese_name_resolve_to_the_same_division(english, chinese, path):
    assert i18n.region_path(english) == path == i18n.region_path(chinese)
    assert i18n.region_name(english, "zh") == chinese
    assert i18n.region_name(chinese, "en") == english


def test_the_chinese_county_is_printed_by_its_pinyin_in_english():
    assert i18n.region_name("四川/德阳/什邡", "en") == "Sichuan/Deyang/Shifang"
    assert i18n.region_name("Shifang", "zh") == "四川省/德阳市/什邡市"


def test_polyphonic_characters_take_their_place_name_reading():
    t = _names().set_index("code")
    expected = {
        "510682": "Shifang", "511527": "Junlian", "150425": "Keshiketeng", "150603": "Kangbashi",
        "652927": "Wushi", "653001": "Atushi", "653131": "Tashiku'ergan", "152500": "Xilinguole",
        "150581": "Huolinguole", "653000": "Kezilesu", "654300": "Aletai", "652801": "Ku'erle", "653225": "Cele",
        "654028": "Nileke", "410923": "Nanle", "620722": "Minle", "371481": "Laoling", "653129": "Jiashi",
        "441821": "Fogang", "610730": "Foping", "540531": "Langkazi", "350105": "Mawei", "640303": "Hongsibu",
        "410621": "Xunxian", "341621": "Guoyang", "222404": "Hunchun", "511822": "Yingjing", "340303": "Bengshan",
        "310112": "Minhang", "450804": "Qintang", "140924": "Fanshi", "130981": "Botou", "421303": "Zengdu",
        "140109": "Wanbailin", "230751": "Jinlin", "231202": "Beilin", "232763": "Xinlin", "610103": "Beilin",
    }
    got = {code: t.at[code, "name"] for code in expected}
    assert got == expected
    # the divisions under a renamed prefecture name it by its new spelling
    assert set(t.loc[t["parent"].str.startswith("Xinjiang/Kezile"), "parent"]) == {"Xinjiang/Kezilesu"}
    assert not t["parent"].str.contains("Xilinguolei|Aleitai|Kezileisu").any()
    # spellings kept: readings that are already the place-name ones
    assert t.at["341500", "name"] == "Lu'an" and t.at["130225", "name"] == "Laoting" and t.at["330382", "name"] == "Yueqing"
