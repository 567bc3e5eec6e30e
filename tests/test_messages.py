"""Messages as codes: catalogues per language, stable encoding, rendering at the edge."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import agriremed
from agriremed.core import i18n, messages
from agriremed.core.messages import Message
from agriremed.io.outputs import translate_frame


@pytest.fixture(autouse=True)
def _no_extra_dirs():
    """Each test starts and ends with the package catalogues only."""
    saved = list(messages._DIRS)
    yield
    messages._DIRS[:] = saved
    messages.catalogue.cache_clear()
    messages._render_one.cache_clear()


def test_every_code_has_english_and_chinese_templates_with_the_same_fields():
    en, zh = messages.catalogue("en"), messages.catalogue("zh")
    assert len(en) > 60
    assert sorted(en) == sorted(zh)
    differ = {c: (messages.fields(en[c]), messages.fields(zh[c])) for c in en
              if messages.fields(en[c]) != messages.fields(zh[c])}
    assert differ == {}
    # the Chinese templates have no English words outside their fields
    assert [c for c in zh if i18n.untranslated(re.sub(r"\{[^}]*\}", " ", zh[c]))] == []


def test_encoding_is_compact_stable_json_and_round_trips():
    m = Message.of("opt.ph_above", ph_max=6.5, ph=6.8) + Message.of("opt.treats", metals="cd+pb")
    text = m.encode()
    # parameters sorted by name, no spaces: the same message is always the same text
    assert text == '[["opt.ph_above",{"ph":6.8,"ph_max":6.5}],["opt.treats",{"metals":"cd+pb"}]]'
    assert json.loads(text)[0][0] == "opt.ph_above"
    assert Message.decode(text) == m
    assert Message.of("opt.clean").encode() == '[["opt.clean"]]'
    assert Message().encode() == "" and Message.decode("") == Message()
    nested = Message.of("why.not_assessed", statement=Message.of("why.clean"))
    assert Message.decode(nested.encode()) == nested
    with pytest.raises(ValueError, match="not an encoded message"):
        Message.decode('{"code": 1}')
    # -0.0 prints as "-0.0": a message with it is not the message with 0.0 (nor in a column)
    neg, pos = Message.of("why.carbon", co2e_t_ha_yr=-0.0), Message.of("why.carbon", co2e_t_ha_yr=0.0)
    assert neg != pos and len({neg, pos}) == 2
    assert list(messages.render_column(np.array([neg, pos, neg], dtype=object), "en")) == [
        "-0.0 t CO2e/ha/yr against doing nothing", "+0.0 t CO2e/ha/yr against doing nothing",
        "-0.0 t CO2e/ha/yr against doing nothing"]
    assert messages.printed(-0.04, 1) == 0.0 and str(messages.printed(-0.04, 1)) == "-0.0"


def test_render_encode_gives_render_column_and_encode_column_rendering_each_distinct_message_once(monkeypatch):
    neg, pos = Message.of("why.carbon", co2e_t_ha_yr=-0.0), Message.of("why.carbon", co2e_t_ha_yr=0.0)
    pos2 = Message.of("why.carbon", co2e_t_ha_yr=0.0)  # equal to pos, another object
    one = Message.of("why.carbon", co2e_t_ha_yr=1.0)
    nested = Message.of("why.not_assessed", statement=pos) + Message.of("opt.clean")
    rows = [neg, pos, None, pos2, Message(), nested, neg, one, pos2, 1 and one]
    want = (messages.render_column(np.array(rows, dtype=object), "en"), messages.encode_column(rows))
    calls = []
    real = messages._render_message
    monkeypatch.setattr(messages, "_render_message",
                        lambda m, *a, **k: calls.append(m.encode()) or real(m, *a, **k))
    text, enc = messages.render_encode(rows, "en")
    assert text.dtype == object and enc.dtype == object
    assert list(text) == list(want[0]) and list(enc) == list(want[1])
    assert text[0] == "-0.0 t CO2e/ha/yr against doing nothing" and text[2] == "" and enc[2] == ""
    # one rendering per distinct text (0.0 of two objects once; None and the empty message: no call);
    # the 0.0 nested in the fourth is the object rendered before (its text is kept)
    assert calls == [neg.encode(), pos.encode(), nested.encode(), pos.encode(), one.encode()]
    empty = messages.render_encode([], "en")
    assert [len(a) for a in empty] == [0, 0]


def test_render_encode_filled_writes_numbers_into_one_rendering_and_equals_render_encode(monkeypatch):
    rule = Message.of("why.rule_green", green="+0")

    def cny_only(cny):
        return Message.of("why.light", light="green", rule=rule,
                          statement=Message.of("why.npv", money=Message.of("money.cny_ha", cny=cny), years=20))

    def two(value, cny):
        return Message.of("why.not_assessed", statement=Message.of(
            "why.programme", money=Message.of("money.cur_ha", value=value, currency="GBP", cny=cny), years=20))

    cny = [34558.0, -0.0, 0.0, -1234567.0, 918273645.0, float("nan"), 34558.0]
    for build, values in ((cny_only, (cny,)), (two, ([x / 9.1 for x in cny], cny))):
        calls = []
        real = messages._render_message
        monkeypatch.setattr(messages, "_render_message",
                            lambda m, *a, calls=calls, real=real, **k: calls.append(m) or real(m, *a, **k))
        text, enc = messages.render_encode_filled(build, values, "en")
        monkeypatch.setattr(messages, "_render_message", real)
        top = build(*[1.0] * len(values)).codes
        assert [m.codes for m in calls].count(top) == 1  # rendered once, with stand-in numbers
        want = messages.render_encode([build(*row) for row in zip(*values)], "en")
        assert list(text) == list(want[0]) and list(enc) == list(want[1])
    text, enc = messages.render_encode_filled(cny_only, (cny,), "en")
    assert text[0] == "green: NPV +34,558 CNY/ha against doing nothing over 20 yr (green at ≥ +0)"
    assert text[1] == "green: NPV -0 CNY/ha against doing nothing over 20 yr (green at ≥ +0)"
    assert enc[3] == ('[["why.light",{"light":"green","rule":[["why.rule_green",{"green":"+0"}]],"statement":'
                      '[["why.npv",{"money":[["money.cny_ha",{"cny":-1234567.0}]],"years":20}]]}]]')
    # a number used twice, or in a part with a domain field, is rendered row by row (same texts)
    twice = lambda x: Message.of("money.cur_ha", value=x, currency="GBP", cny=x)  # noqa: E731
    domain = lambda x: Message.of("why.not_assessed", statement=Message.of(  # noqa: E731
        "rec.chance_for", share=x, standard="GB2762", metals="cd"))
    for build in (twice, domain):
        assert messages._filled_pieces(build, 1, "en", None) is None
        text, enc = messages.render_encode_filled(build, ([1.0, 2.5, 1.0],), "en")
        want = messages.render_encode([build(x) for x in (1.0, 2.5, 1.0)], "en")
        assert list(text) == list(want[0]) and list(enc) == list(want[1])
    assert [len(a) for a in messages.render_encode_filled(cny_only, ([],), "en")] == [0, 0]


def test_render_hand_written_cases():
    m = Message.of("opt.ph_above", ph="6.84", ph_max=6.5)
    assert messages.render(m, "en") == "soil pH 6.84 is above 6.5: the option works on more acid soils"
    assert messages.render(m.encode(), "zh") == "土壤pH 6.84高于6.5：该方案适用于酸性更强的土壤"
    lime = Message.of("opt.lime", lime_t_ha=2.25, ph=5.04, ph_limed=6.0)
    assert messages.render(lime, "en") == "2.25 t/ha CaCO3 raises pH 5.04 → 6.00"
    assert messages.render(lime, "zh") == "施用CaCO3 2.25吨/公顷，pH由5.04升至6.00"
    money = Message.of("money.cur_ha", value=-1000.4, currency="GBP", cny=-9185.9)
    npv = Message.of("why.npv", money=money, years=20)
    assert messages.render(npv, "en") == "NPV -1,000 GBP/ha (-9,186 CNY/ha) against doing nothing over 20 yr"
    assert messages.render(npv, "zh") == "20年净现值相对不治理-1,000 英镑/公顷（-9,186元/公顷）"
    # a soil class shown through its own code; an unknown class as its code
    assert messages.render(Message.of("opt.soil_class", soil_class="strict_control"), "zh") == \
        "不适用于严格管控类耕地（有重金属超过管制值）"
    assert messages.render(Message.of("opt.soil_class", soil_class="odd_class"), "en") == "not suited to odd class land"


def test_text_that_is_not_a_message_passes_through():
    assert messages.render("an English sentence of an older plan", "zh") == "an English sentence of an older plan"
    assert messages.render(None, "zh") == "" and messages.render(float("nan"), "en") == ""
    with pytest.raises(KeyError, match="unknown message code"):
        messages.render(Message.of("no.such_code"), "en")


def test_a_new_language_is_a_file_and_renders_every_code_without_patterns(tmp_path, monkeypatch):
    en = messages.catalogue("en")
    # a test language: every template is its code followed by its fields, in order
    rows = []
    for code, tpl in en.items():
        names = sorted(messages.fields(tpl))
        rows.append({"code": code, "template": "|" if code == "_sep" else
                     code.upper() + "".join(f" <{{{f}}}>" for f in names)})
    pd.DataFrame(rows).to_csv(tmp_path / "xx.csv", index=False)
    monkeypatch.setattr(i18n, "message", lambda *a, **k: pytest.fail("regex translation used"))
    messages.add_catalogue_dir(tmp_path)
    assert "xx" in messages.languages()
    sample = {"metals": "cd", "land_use": "orchard", "note": "n", "rule_set": "china",
              "rule": "cn_strict_no_food", "sources": "a;b", "soil_class": "safe_utilisation",
              "statement": Message.of("why.clean"), "money": Message.of("money.cny_ha", cny=5.0),
              "light": "green", "crop": "rice", "feedstock": "wood", "currency": "GBP"}
    for code, tpl in en.items():
        if code == "_sep":
            continue
        params = {f: sample.get(f, 1.5) for f in messages.fields(tpl)}
        text = messages.render(Message.of(code, **params), "xx")
        assert text.startswith(code.upper()), (code, text)
    two = Message.of("opt.treats", metals="cd") + Message.of("opt.no_food")
    assert messages.render(two, "xx") == "OPT.TREATS <cd>|OPT.NO_FOOD"
    assert messages.render(Message.of("why.not_assessed", statement=Message.of("why.clean")), "xx") == \
        "WHY.NOT_ASSESSED <WHY.CLEAN>"


def test_a_language_missing_a_code_shows_it_in_english(tmp_path):
    pd.DataFrame({"code": ["_sep"], "template": [" / "]}).to_csv(tmp_path / "yy.csv", index=False)
    messages.add_catalogue_dir(tmp_path)
    two = Message.of("opt.clean") + Message.of("opt.no_food")
    assert messages.render(two, "yy") == ("soil is at or below all screening values: no remediation needed / "
                                          "no food crop on the plot to protect")
    with pytest.raises(ValueError, match="no message file for language 'qq'"):
        messages.render(two, "qq")


def test_a_code_listed_twice_is_an_error(tmp_path):
    pd.DataFrame({"code": ["_sep", "a.b", "a.b"], "template": ["; ", "x", "y"]}).to_csv(tmp_path / "dd.csv",
                                                                                      index=False)
    messages.add_catalogue_dir(tmp_path)
    with pytest.raises(ValueError, match="dd.csv: code.*listed twice: a.b"):
        messages.catalogue("dd")


@pytest.fixture(scope="module")
def small_plan():
    from conftest import make_plots

    plots = make_plots(4, land_use=["paddy", "orchard", "paddy", "upland"], crop=["rice", "apple", "rice", "maize"],
                       ph=[5.0, 5.5, 8.2, 6.0], cd_mg_kg=[1.0, 0.5, 0.8, 0.2])
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False)


def test_plan_reasons_are_rendered_from_their_codes(small_plan):
    t = small_plan.table
    assert (messages.render_column(t["reason_msg"], "en") == t["reason"].to_numpy(object)).all()
    for c in ("food_safety", "clean_up", "economics"):
        ok = t[f"why_{c}"].notna()
        assert (messages.render_column(t.loc[ok, f"why_{c}_msg"], "en") == t.loc[ok, f"why_{c}"]).all()
        assert (t.loc[~ok, f"why_{c}_msg"] == "").all()
    # the orchard plot: options that are not used on orchard land say so, in both languages
    row = t.loc[t["reason"].str.startswith("not used on orchard")]
    assert len(row) > 0
    assert set(messages.render_column(row["reason_msg"], "zh")) == {"不适用于果园"}
    assert Message.decode(row["reason_msg"].iloc[0]).codes == ("opt.land_use",)


def test_translate_frame_renders_message_columns(small_plan):
    t = small_plan.table.head(40)
    zh = translate_frame(t[["option_id", "reason", "reason_msg"]], "zh")
    assert list(zh["reason"]) == list(messages.render_column(t["reason_msg"], "zh"))
    assert (zh["reason"] != t["reason"]).all()
    assert list(translate_frame(t[["reason", "reason_msg"]], "en")["reason"]) == list(t["reason"])
    # a table without the message column (an older plan.csv) is still translated from English
    old = translate_frame(pd.DataFrame({"reason": ["file not found: plots.csv", np.nan]}), "zh")
    assert old["reason"].tolist()[0] == "找不到文件：plots.csv"


# --------------------------------------------------------------------------- encoder equality


def _reference_encoding(m: Message) -> str:
    """The encoding as one ``json.dumps`` of the whole message (nested messages serialised again)."""
    return json.dumps(m._items(), ensure_ascii=False, separators=(",", ":"), allow_nan=True) if m.parts else ""


_names = st.text(st.characters(codec="utf-8"), max_size=6)
_floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([0.0, -0.0, 1e16, 1e-7, 0.1, -475.0, float("nan"), -float("inf")]))
_scalars = st.one_of(_names, _floats, st.integers(-2**70, 2**70), st.booleans(), st.none(),
                     st.sampled_from(["成都", 'say "hi"', "back\\slash", "tab\tnl\n", "\x00\x1f", "\ud800", "é🙂"]))


def _messages(values):
    part = st.tuples(_names, st.dictionaries(_names, values, max_size=4))
    return st.lists(part, max_size=3).map(
        lambda ps: Message(tuple((c, tuple(sorted(p.items()))) for c, p in ps)))


_values = st.recursive(_scalars, lambda inner: st.one_of(inner, _messages(inner)), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(m=_messages(_values), share=st.booleans())
def test_encoding_assembled_from_parts_is_byte_identical_to_one_json_dump(m, share):
    # a nested message encoded first (as when it is shared by many rows) gives the same text
    if share:
        for _, params in m.parts:
            for _, v in params:
                if isinstance(v, Message):
                    v.encode()
    assert m.encode() == _reference_encoding(m)
    assert Message.of("x", nested=m).encode() == _reference_encoding(Message.of("x", nested=m))
    if m:
        assert Message.decode(m.encode()).encode() == m.encode() or any(
            isinstance(v, float) and v != v for _, p in m.parts for _, v in p)


def _outcome(encode, m):
    try:
        return encode(m)
    except TypeError as exc:
        return type(exc)


def test_encoding_of_values_json_would_convert_is_json_s():
    # numpy scalars put into a message directly, tuples, non-text names, a name twice: json's text
    # (or json's error, for a value json cannot write)
    cases = [Message((("c", (("a", np.float64(0.1)), ("b", np.float64("nan")))),)),
             Message((("c", (("b", np.int64(-3)),)),)),
             Message((("c", (("t", (1, "x", None)), ("m", {"k": [1.5, float("inf")]}))),)),
             Message((("c", ((2, "one"), (None, 2.0), (False, True), (1.5, 0))),)),
             Message((("c", (("a", 1), ("a", Message.of("n", v=-0.0)))),)),
             Message((("c", ()), ("d", (("e", Message()),)))),
             Message((("c", (("s", {1, 2}),)),)),
             Message.of("rec.npv", money=Message.of("money.cny_ha", cny=messages.printed(-0.4)), years=20)]
    for m in cases:
        assert _outcome(Message.encode, m) == _outcome(_reference_encoding, m), m
    assert cases[0].encode() == '[["c",{"a":0.1,"b":NaN}]]'
    assert _outcome(Message.encode, cases[1]) is TypeError
    assert cases[3].encode() == '[["c",{"2":"one","null":2.0,"false":true,"1.5":0}]]'
    assert cases[4].encode() == '[["c",{"a":[["n",{"v":-0.0}]]}]]'
    assert cases[5].encode() == '[["c"],["d",{"e":[]}]]'
    assert cases[-1].encode() == '[["rec.npv",{"money":[["money.cny_ha",{"cny":-0.0}]],"years":20}]]'


def test_carbon_that_prints_as_zero_has_no_sign():
    """PV without lat/lon on strict wasteland: net CO2e −0.012 t/ha/yr (the grass cover's operations)
    prints as 0.0 in the recommendation and in why_carbon, in English and Chinese, never -0.0."""
    plot = {"plot_id": "s", "area_ha": 1.0, "som_pct": 3.0, "clay_pct": 28.0, "bulk_density_g_cm3": 1.2,
            "depth_m": 0.2, "annual_rain_mm": 1300.0, "mean_temp_c": 17.0, "land_use": "荒地", "crop": "none",
            "ph": 5.5, "cd_mg_kg": 5.0, "region": "", "basic_farmland": "no"}  # no region: no point for the PV yield
    p = agriremed.plan(pd.DataFrame([plot]), agriremed.Scenario(mc_draws=0, options=["pv_grass"]))
    row = p.table.loc[p.table["recommended"]].iloc[0]
    assert -0.05 < row["net_co2e_vs_baseline_t_ha_yr"] < 0
    rec = p.summary["recommendation_msg"].iloc[0]
    assert ", 0.0 t CO2e/ha/yr;" in messages.render(rec, "en")
    assert "年净碳效益0.0吨CO₂当量/公顷" in messages.render(rec, "zh")
    assert row["why_carbon"].startswith("amber: 0.0 t CO2e/ha/yr against doing nothing")
    assert "相对不治理0.0吨CO₂当量/公顷/年" in messages.render(row["why_carbon_msg"], "zh")
    for text in (messages.render(rec, "en"), messages.render(rec, "zh"), row["why_carbon"]):
        assert "-0.0" not in text and "+0.0" not in text


def test_a_rejected_rows_column_is_named_by_its_label_in_chinese():
    """``val.in_column``: the column name in English, the Chinese label in Chinese (a list of
    columns label by label; a name outside the registry as written)."""
    m = Message.of("val.in_column", column="crop", problem=Message.of("val.required_blank"))
    render = messages.render
    assert render(m, "en").startswith("crop: ")
    assert render(m, "zh").startswith("当前作物：")
    both = Message.of("val.in_column", column="land_use, crop", problem=Message.of("val.marginal_food_crop"))
    assert render(both, "en").startswith("land_use, crop: ")
    assert render(both, "zh").startswith("土地利用类型、当前作物：")
    other = Message.of("val.in_column", column="owner_note", problem=Message.of("val.required_blank"))
    assert render(other, "zh").startswith("owner_note：")


def test_texts_cite_sources_by_their_short_citations_not_their_keys():
    """A law by its title in Chinese, a paper by author and year, a policy notice by its 文号, the tool's own
    assumption as such: never the source keys."""
    from agriremed.core.messages import Message, render

    m = Message.of("opt.policy_rule", rule_set="china", rule="cn_strict_no_food",
                   sources="cn_soil_law2018;liao2021_liming;cn_nonfarm2020;agriremed_assumption")
    assert render(m, "zh").endswith("（《土壤污染防治法》；Liao 等 2021；国办发明电〔2020〕24号；本工具假设）")
    assert render(m, "en").endswith("(Soil Pollution Prevention and Control Law; Liao et al. 2021; "
                                    "国办发明电〔2020〕24号; project assumption)")


def _reads_of(tables, name: str) -> tuple:
    """A copy of ``tables`` that counts how often its table ``name`` is read, and the counter."""
    import copy

    reads = [0]

    class Counting(type(tables)):
        def __getattribute__(self, attr):
            if attr == name:
                reads[0] += 1
            return super().__getattribute__(attr)

    t = copy.copy(tables)
    object.__setattr__(t, "__class__", Counting)  # the tables are a frozen dataclass
    return t, reads


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_rule_and_a_subsidy_name_are_looked_up_once_per_tables_not_once_per_sentence(lang):
    # a portfolio's recommendation sentences name the noncompliant-grain rule and the assumed subsidies on
    # every plot concerned, each sentence distinct (its own NPV): the names come from the tables once
    tables = agriremed.load_tables()
    ng = tables.noncompliant_grain.set_index("rule")
    sub = tables.subsidies.set_index("subsidy_id")
    sid = sub.index[0]
    msgs = [Message.of("rec.npv_over_limit", npv=f"NPV {i}", share="60%", rule="discount_sale").encode()
            for i in range(40)]
    msgs += [Message.of("rec.subsidy_assumed", npv=f"NPV {i}", subsidies=f"{sid}+{sid}").encode() for i in range(40)]
    counted, reads = _reads_of(tables, "noncompliant_grain")
    texts = messages.render_column(np.array(msgs, dtype=object), lang, counted)
    rule_name = ng.loc["discount_sale", f"name_{lang}"]
    sub_name = sub.loc[sid, f"name_{lang}"]
    assert all(rule_name in t and f"NPV {i}" in t for i, t in enumerate(texts[:40]))
    # the subsidy named once though listed twice, in the language's own name
    assert all(t.count(sub_name) == 1 and f"NPV {i}" in t for i, t in enumerate(texts[40:]))
    assert reads[0] == 1
    counted, reads = _reads_of(tables, "subsidies")
    assert list(messages.render_column(np.array(msgs, dtype=object), lang, counted)) == list(texts)
    assert reads[0] == 1
    # the same texts as without the memo (a fresh copy of the tables: nothing looked up yet)
    assert [messages.render(m, lang, tables.replace()) for m in msgs[::13]] == list(texts[::13])
