"""The translation table is complete: every interface text, registry label, unit, category
value and planner message the dashboards show exists in English and Chinese."""

import re
from pathlib import Path

import pandas as pd
import pytest

import agriremed
from agriremed.core import columns as C
from agriremed.core import citations, i18n, messages
from agriremed.core.messages import Message
from agriremed.io.readers import InputFileError, empty_lines_note, read_table

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "agriremed"
NUMBER = re.compile(r"[+-]?\d(?:[\d,]*\d)?(?:\.\d+)?")  # a trailing comma is punctuation


@pytest.fixture(scope="module")
def sample_plan():
    return agriremed.plan(ROOT / "data" / "samples" / "plots.csv", progress=False)


def _numbers(text):
    return NUMBER.findall(re.sub(r"CO2e|CO₂|P\d+", " ", text))


def _fully_translated(text):
    zh = i18n._translate_zh(text)
    return zh, i18n.untranslated(zh)


def test_every_row_has_both_languages():
    tr = i18n.translations()
    empty = tr.loc[(tr["en"] == "") | (tr["zh"] == "")]
    assert empty.index.tolist() == ["unit."] or empty.empty, empty


def test_every_interface_key_used_in_the_code_exists():
    literal = set()
    dashboards = sorted((SRC / "apps" / "dashboards").glob("*.py"))
    assert dashboards, "no dashboard modules found"
    for path in dashboards + [SRC / "core" / "i18n.py"]:
        literal |= set(re.findall(r"[\"'](ui\.[a-z0-9_.]*[a-z0-9])[\"']", path.read_text(encoding="utf-8")))
    # keys built from a prefix and a known suffix
    built = {f"ui.section.{s}" for s in ("plot", "soil", "metals", "climate", "extractable", "other")}
    built |= {
        f"ui.problems.{c}"
        for c in ("input_row", "line", "plot_id", "severity", "column", "value", "problem", "expected")
    }
    built |= {
        f"ui.compare.head_{k}" for k in ("weights", "scenario", "table", "excluded", "duration", "money")
    }
    built |= {f"ui.portfolio.head_{k}" for k in ("errors", "map", "regions", "plots", "downloads")}
    built |= {f"ui.portfolio.download_{k}" for k in ("plan", "summary", "rejected", "report")}
    built |= {f"ui.portfolio.level{k}" for k in (1, 2, 3)} | {
        f"ui.tab.{k}" for k in ("assess", "compare", "portfolio")
    }
    built |= {f"ui.assess.placeholder_{r}" for r in ("required", "recommended", "optional")}
    missing = sorted(k for k in literal | built if k not in i18n.translations().index)
    assert missing == []
    assert len(literal) > 40  # the scan finds the keys (a scan that finds nothing cannot fail)


def test_unknown_key_is_an_error_not_a_silent_fallback():
    with pytest.raises(KeyError):
        i18n.t("ui.no.such.key", "zh")
    with pytest.raises(ValueError, match="not supported"):
        i18n.t("ui.yes", "fr")


def test_every_registry_column_has_both_labels_and_a_translated_unit():
    for col in C.COLUMNS.values():
        assert col.label_en and col.label_zh, col.name
        if col.dtype in ("float", "int"):
            assert f"unit.{col.unit}" in i18n.translations().index, f"{col.name}: unit {col.unit!r}"


def test_every_category_value_of_the_registry_is_translated():
    for col in C.COLUMNS.values():
        for cat in col.categories or ():
            key = f"value.{col.name}.{cat}"
            assert key in i18n.translations().index, key


def test_option_and_crop_names_exist_in_both_languages(tables):
    for df in (tables.options, tables.crops):
        assert (df["name_en"].str.len() > 0).all() and (df["name_zh"].str.len() > 0).all()


def test_labels_carry_translated_units():
    assert i18n.label("npv_vs_baseline_cny_ha", "zh") == "相对不治理的净现值 [元/公顷]"
    assert i18n.label("npv_vs_baseline_cny_ha", "en") == "NPV relative to doing nothing [CNY ha⁻¹]"
    assert i18n.label("area_ha", "zh") == "面积 [公顷]"
    assert i18n.label("soil_class", "zh") == "土壤类别"
    assert i18n.metals("cd+pb", "zh") == "镉、铅" and i18n.metals("Cd/Zn", "en") == "Cd/Zn"


WHY = ["why_food_safety", "why_livelihood", "why_clean_up", "why_carbon", "why_economics"]


def _planner_pairs(p):
    """English text → Chinese text of every message of a plan the dashboards show: recommendations,
    option reasons (applicable or excluded), evidence gaps and the reason of every traffic light.
    Columns with a message column (reasons, traffic lights) are rendered from their codes, the
    others translated from English."""
    pairs = {}
    for col in ["reason", *WHY]:
        t = p.table.loc[p.table[col].notna() & (p.table[col] != "")]
        pairs.update(zip(t[col], messages.column_texts(t, col, "zh"), strict=True))
    pairs.update(zip(p.summary["recommendation"], messages.column_texts(p.summary, "recommendation", "zh"),
                     strict=True))
    t = p.table.loc[p.table["data_gaps"].notna() & (p.table["data_gaps"] != "")]
    pairs.update(zip(t["data_gaps"], messages.column_texts(t, "data_gaps", "zh"), strict=True))
    return pairs


def _bad(pairs):
    """The texts whose Chinese keeps English words (or is the English text)."""
    return {en: i18n.untranslated(zh) or [zh] for en, zh in pairs.items() if i18n.untranslated(zh) or zh == en}


@pytest.fixture(scope="module")
def varied_plan():
    """Plots that meet every exclusion rule of the option library: each land use, cold, alkaline,
    without a temperature, As and Cu above their screening values or not."""
    from conftest import make_plots

    crops = {
        "paddy": "rice",
        "upland": "maize",
        "marginal": "none",
        "vegetable": "pak_choi",
        "orchard": "apple",
    }
    rows = []
    for lu, crop in crops.items():
        for ph, temp in ((5.0, 5.0), (8.2, 17.0), (5.0, None)):
            rows.append(
                dict(
                    land_use=lu,
                    crop=crop,
                    ph=ph,
                    mean_temp_c=temp,
                    cd_mg_kg=1.0,
                    as_mg_kg=50.0,
                    cu_mg_kg=300.0,
                )
            )
        rows.append(
            dict(land_use=lu, crop=crop, ph=5.5, mean_temp_c=17.0, cd_mg_kg=0.5, as_mg_kg=10.0, cu_mg_kg=20.0)
        )
    # a calcareous paddy without As: flooding applies there, with the pH of its evidence as a caution
    rows.append(dict(land_use="paddy", crop="rice", ph=8.2, mean_temp_c=17.0, cd_mg_kg=1.0, as_mg_kg=10.0,
                     cu_mg_kg=20.0))
    plots = make_plots(len(rows), **{k: [r[k] for r in rows] for k in rows[0]})
    # plots abroad recommended options valued with yields from China (their climate_note: rec.climate_untested)
    # (DK1 in Germany, whose latitude range spans the limit of grain maize: the switch stays, its limit not checked)
    abroad = make_plots(2, plot_id=["DK1", "UK2"], region=["Germany/Bavaria", "UK/Derbyshire"], land_use="upland",
                        crop=["wheat", "grass"], ph=[6.0, 6.2], som_pct=[3.0, 6.0], clay_pct=[15.0, 25.0],
                        cd_mg_kg=[1.0, 3.5], pb_mg_kg=[float("nan"), 900.0], mean_temp_c=[8.0, 9.0],
                        annual_rain_mm=[800.0, 850.0])
    plots = pd.concat([plots, abroad], ignore_index=True)
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False)


def test_every_planner_message_of_the_sample_is_translated(sample_plan):
    pairs = _planner_pairs(sample_plan)
    assert len(pairs) > 300
    assert _bad(pairs) == {}


def test_every_evidence_note_of_the_option_library_is_translated(varied_plan, tables):
    pairs = _planner_pairs(varied_plan)
    # a note is shown with its sources by their short citations (li2019_awd_as → Li et al. 2019)
    notes = [citations.cite_keys_in_text(n, "en", tables)
             for c in ("gap_note", "ph_note", "climate_note") for n in tables.options[c].fillna("") if n]
    assert len(notes) > 20
    # the plots meet every note of every option (a note no plot meets would go unchecked)
    assert [n for n in notes if not any(n in t for t in pairs)] == []
    assert _bad(pairs) == {}
    # each note is shown in Chinese from its column of options.csv (gap_note_zh …)
    o = tables.options.set_index("option_id")
    gap = o.loc["noccaea_caerulescens", "gap_note"]
    assert messages.render(Message.of("opt.gap_note", note=gap), "zh", tables) == "国内尚无田间试验"
    assert o.loc["noccaea_caerulescens", "gap_note_zh"] == "国内尚无田间试验"


def test_translation_keeps_every_number_of_a_recommendation(sample_plan):
    s = sample_plan.summary
    for en, zh in zip(s["recommendation"], messages.column_texts(s, "recommendation", "zh"), strict=True):
        assert zh != en
        assert sorted(_numbers(en)) == sorted(_numbers(zh)), (en, zh)


def test_translation_keeps_every_number_of_a_reason(sample_plan, varied_plan):
    pairs = {**_planner_pairs(sample_plan), **_planner_pairs(varied_plan)}
    for en, zh in pairs.items():
        assert zh != en
        assert sorted(_numbers(en)) == sorted(_numbers(zh)), (en, zh)


def test_recommendation_clauses():
    M = messages.Message.of
    body = M("rec.no_food_body", npv=M("rec.npv", money=M("money.cny_ha", cny=1200.0), years=20),
             co2=M("rec.co2_more", co2e_t_ha_yr=3.4))
    rec = M("rec.sentence", option="fallow", body=body,
            ahead=M("rec.then", clause=M("rec.ahead", option="sorghum", score=0.55, runner_score=0.54,
                                         criterion="food_safety")),
            plot=messages.Message(), unassessed=messages.Message())
    assert messages.render(rec, "en") == (
        "Fallow / set-aside with cover: no food crop, so no dietary exposure; +1,200 CNY/ha vs doing nothing "
        "over 20 yr, 3.4 t CO2e/ha/yr more emitted; metals stay in the soil; ahead of Sweet/biomass sorghum energy crop "
        "(score 0.55 vs 0.54), mostly on food-safety.")
    assert messages.render(rec.encode(), "zh") == (
        "休耕（覆盖作物）：不种植食用作物，无膳食暴露；20年净现值相对不治理+1,200元/公顷，"
        "年净增加排放3.4吨CO₂当量/公顷（相对不治理）；重金属仍留在土壤中；"
        "优于甜高粱/能源高粱（得分0.55对0.54），主要优势在于食品安全。"
    )
    assert messages.render(M("rec.ahead", option="biochar_amendment", score=0.5, runner_score=0.4,
                             criterion="the_overall_score"), "zh") == "优于生物炭钝化（得分0.50对0.40），主要优势在于综合得分"
    cleanup = M("rec.cleanup", metals="Cd/Zn", goal="food_limit_target", years=12.0, range=messages.Message())
    assert messages.render(cleanup, "en") == "brings Cd/Zn to the food-limit target in about 12 yr"
    assert messages.render(cleanup, "zh") == "约12年可使镉、锌降至食品限量对应的目标值"
    unknown = M("rec.cleanup_unknown", metals="metal", goal="screening_value")
    assert messages.render(unknown, "en") == "time for metal to reach the screening value not known"
    assert messages.render(unknown, "zh") == "重金属降至筛选值所需时间未知"
    why = messages.Message.of(
        "why.light", light="amber",
        statement=messages.Message.of("why.removes_part", share="29 %", metals="Cd/Pb", years=20, treated="Cd"),
        rule=messages.Message.of("why.rule_amber", amber="25 %", green="100 %"))
    assert messages.render(why, "en") == (
        "amber: removes 29 % of the excess Cd/Pb within 20 yr (treats Cd) (amber at ≥ 25 %, green at ≥ 100 %)")
    assert messages.render(why.encode(), "zh") == (
        "黄灯：20年内去除超标镉、铅的29 %（只处理镉）（≥ 25 %为黄灯，≥ 100 %为绿灯）")


def _validation_texts(v):
    """English problem and expected texts → their Chinese text as the outputs show it (from
    the message columns; texts without one translated from English)."""
    p = v.problems.fillna({"expected": "", "expected_msg": "", "problem_msg": ""})
    out = {}
    for col in ("problem", "expected"):
        out.update(zip(p[col], messages.column_texts(p, col, "zh"), strict=True))
    out.pop("", None)
    return out


def _untranslated(pairs):
    """The texts whose Chinese text keeps English words, with those words."""
    return {en: u for en, zh in pairs.items() for u in [i18n.untranslated(zh) or ([zh] if zh == en else [])] if u}


def test_every_validation_message_is_translated(tables):
    many_problems = pd.DataFrame(
        {
            "Plot": ["A", "A", "C", "D", "E", "F"],
            "land_use": ["paddy", "rice field", "水田", "", "upland", "orchard"],
            "crop": ["rice", "rice", "stone", "rice", "", "apple"],
            "area_ha": ["1", "0", "1", "-2", "1", "1"],
            "ph": ["5,6", "abc", "15", "1", "5", "6"],
            "som_pct": ["", "2", "2", "2", "200", "2"],
            "Cd (ug/kg)": ["300", "-1", "0", "", "", "1e9"],
            "pb": ["10", "", "", "", "", ""],
            "depth_m": ["0.2", "0.2", "3", "0.2", "0.2", "0.2"],
            "climate_zone": ["", "arctic", "", "", "", ""],
            "farmer": ["x"] * 6,
        }
    )
    v = agriremed.validate_plots(many_problems, tables)
    texts = _validation_texts(v)
    for path in (
        ROOT / "tests" / "bad_inputs" / "four_problems.csv",
        ROOT / "data" / "samples" / "plots_two_broken_rows.csv",
    ):
        texts |= _validation_texts(agriremed.validate_plots(path, tables))
    no_rows = agriremed.validate_plots(pd.DataFrame({"plot_id": [], "ph": []}), tables)
    texts |= _validation_texts(no_rows)
    assert len(texts) > 25
    assert _untranslated(texts) == {}


def test_file_notes_and_optional_column_messages_are_translated(tmp_path, tables):
    """Messages of reading a file (title rows, empty lines, separators) and of optional columns,
    whose bad values are reported and ignored."""
    comma = tmp_path / "comma.csv"
    comma.write_text(
        "Survey of Lukou township,,,,,,,,\n"
        "plot_id,land_use,crop,area_ha,ph,cd_mg_kg,lat,lon,mean_temp_c\n"
        'A,paddy,rice,1,5.2,<0.05,"27,7",abc,17\n'
        ",,,,,,,,\n"
        "B,paddy,rice,1,5.2,0.5,<1,113,99\n",
        encoding="utf-8",
    )
    semicolon = tmp_path / "semicolon.csv"
    semicolon.write_text("plot_id;land_use;crop;area_ha;ph;cd_mg_kg;tillage\nA;paddy;rice;1;5,2;0,5;deep\n")
    texts = {}
    for path in (comma, semicolon):
        v = agriremed.validate_plots(path, tables)
        texts |= _validation_texts(v) | {n: messages.text_of(n, "zh") for n in v.notes}
    expected_parts = (
        "header found on line 2",
        "empty line(s) ignored",
        "below the detection limit",
        "(value ignored)",
        "decimal comma in a comma-separated file",
        "is separated by semicolons",
        "decimal commas read as decimal points",
        "unknown value",
    )
    assert [p for p in expected_parts if not any(p in t for t in texts)] == []
    assert _untranslated(texts) == {}
    assert (
        messages.text_of(empty_lines_note("comma.csv", [4]), "zh")
        == "comma.csv：已忽略1个空行（第4行）"
    )
    assert messages.render(Message.of("val.not_number", tail=Message.of("val.ignored")), "zh") == "不是数字（该值不予采用）"


def test_file_reading_messages_are_translated(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    broken = tmp_path / "plots.xlsx"
    broken.write_bytes(b"this is not a spreadsheet")
    errors = []
    for path in (tmp_path / "nope.csv", tmp_path, empty, broken):  # broken: the reader's own words in quotes
        with pytest.raises(InputFileError) as e:
            read_table(path)
        errors.append(e.value)
    assert [e.message.codes for e in errors] == [("io.not_found",), ("io.folder",), ("io.empty",),
                                                 ("io.unreadable",)]
    for t in errors:
        zh = messages.text_of(t, "zh")
        assert zh != str(t) and i18n.untranslated(zh) == [], (t, zh)


def test_message_examples():
    assert messages.render("opt.clean", "zh") == "土壤含量均不超过筛选值：无需修复"
    m = messages.Message.of("opt.treats", metals="cd") + messages.Message.of("opt.untreated", metals="as+pb")
    assert messages.render(m, "en") == "treats cd; does not treat as+pb"
    assert messages.render(m, "zh") == "处理镉；不处理砷、铅"
    assert messages.render(Message.of("val.decimal_comma", example="5.6"), "zh") == "使用了小数逗号：请用小数点书写（如5.6）"
    between = Message.of("exp.number_between", lo="≥ 2", hi="≤ 11", unit=Message())
    assert (messages.render(between, "en"), messages.render(between, "zh")) == ("a number ≥ 2 and ≤ 11",
                                                                                "数值≥ 2且≤ 11")


def test_a_message_without_pattern_stays_english_whole():
    text = "brings Cd to the screening value in about 3 yr; a brand-new clause nobody translated"
    assert i18n.message(text, "zh") == text
    assert i18n.message(text, "en") == text
    assert i18n.untranslated("地块 uses new words") == ["uses", "new", "words"]


def test_quoted_input_and_file_names_are_not_counted_as_untranslated():
    assert i18n.untranslated("表头'Soil Type'识别为ph") == []
    assert i18n.untranslated("my_plots.csv按GB18030编码读取") == []


def test_currency_and_biochar_messages_are_translated(tables, plots_factory):
    """Plans in another currency with several biochars: every message translates and keeps its numbers."""
    p = plots_factory(3, ph=[5.0, 5.0, 5.0], cd_mg_kg=[0.8, 0.8, 0.8], as_mg_kg=[10.0, 60.0, 10.0],
                      land_use="paddy", crop="rice")
    pairs = {}
    for fs, tc in (("wood", "high"), ("manure", "low"), ("rice_straw", "medium")):
        plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0, currency="GBP", biochar_feedstock=fs,
                                                    biochar_temperature=tc), progress=False, detail=False)
        pairs.update(_planner_pairs(plan))
    assert any("GBP/ha" in t for t in pairs) and any("chars made above" in t for t in pairs)
    assert any("pooled paddy dose–response is used" in t for t in pairs)
    assert any("largest above 450 °C" in t for t in pairs)
    assert _bad(pairs) == {}
    for en, zh in pairs.items():
        assert sorted(_numbers(en)) == sorted(_numbers(zh)), (en, zh)


def test_rule_ids_scenario_and_codes_in_chinese_outputs():
    """Chinese outputs show a rule's Chinese reason (land_rules.csv reason_zh) for its id, the
    default scenario as 默认, metal codes as 镉, and the yield basis and biochar credit status
    in Chinese; English shows the rule's English reason (reason_en), and a scenario or rule of the
    user's own keeps its name."""
    import pandas as pd

    from agriremed.core.tables import load_tables
    from agriremed.io.outputs import translate_frame

    t = load_tables()
    rules = t.land_rules.set_index("rule_id")
    zh_reason = rules.at["cn_safe_keep_food", "reason_zh"]
    assert i18n.rule_text("cn_safe_keep_food", "zh", t) == zh_reason
    assert i18n.rule_text("cn_safe_keep_food", "en", t) == rules.at["cn_safe_keep_food", "reason_en"]
    assert i18n.rule_text("my_county_rule", "en", t) == "my_county_rule"
    assert i18n.rule_text("my_county_rule", "zh", t) == "my_county_rule"
    assert i18n.scenario_name("default", "zh") == "默认" and i18n.scenario_name("default", "en") == "default"
    assert i18n.scenario_name("my_scen", "zh") == "my_scen"
    df = pd.DataFrame({"policy_rule": ["cn_safe_keep_food", None], "current_compliance_metals": ["cd", "cd+as"],
                       "compliance_metals": ["cd", ""], "yield_land": ["contaminated", "marginal"],
                       "biochar_status_csink": ["unconfirmed", "eligible"],
                       "biochar_status_puro": ["unconfirmed", "not_eligible"],
                       "biochar_status_vm0044": ["unconfirmed", None]})
    zh = translate_frame(df, "zh", t)
    assert zh["policy_rule"].tolist() == [zh_reason, None]
    assert zh["current_compliance_metals"].tolist() == ["镉", "镉、砷"] and zh["compliance_metals"].tolist()[0] == "镉"
    assert zh["yield_land"].tolist() == ["污染耕地", "边际土地"]
    assert zh["biochar_status_csink"].tolist() == ["待确认", "符合"]
    assert zh["biochar_status_vm0044"].tolist()[0] == "待确认"
    en = translate_frame(df, "en", t)
    assert en["policy_rule"].tolist()[0] == rules.at["cn_safe_keep_food", "reason_en"]
    assert en["yield_land"].tolist()[0] == "contaminated"


def test_list_separator_in_english_and_chinese():
    # one separator between the items of a list: ", " in English, "、" in Chinese
    assert i18n.list_sep("en") == ", "
    assert i18n.list_sep("zh") == "、"
    assert i18n.join_list(["Cd", "Pb", "As"], "en") == "Cd, Pb, As"
    assert i18n.join_list(["镉", "铅", "砷"], "zh") == "镉、铅、砷"
    assert i18n.join_list(["镉"], "zh") == "镉"
    assert i18n.join_list([], "en") == ""
    # the lists of crops the texts write use it
    assert i18n.value("crops", "rice|wheat", "en") == "Rice, Wheat"
    assert i18n.value("crops", "rice|wheat", "zh") == "水稻、小麦"
