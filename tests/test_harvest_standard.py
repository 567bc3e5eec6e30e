"""Where a metal in the crop is not assessed (a crop not in the library, or no usable transfer function), the
plot sheet names what to test the harvest against, from harvest_standards.csv: the GB 2762 food group of the
crop's group, or for a traditional Chinese medicinal herb (黄精, 金银花, 中药材) the Pharmacopoeia of the People's
Republic of China, not GB 2762. The table is data a user can replace; it holds no Pharmacopoeia limit values."""

import agriremed
from agriremed.core.tables import load_tables
from agriremed.stages.advice import harvest_standard, plot_advice

SHEET = """地块编号,行政区,土地利用类型,种植作物,面积（亩）,pH,镉（mg/kg）,铅（mg/kg）
H,湖南/株洲/攸县,旱地,黄精,3,5.2,0.5,20
J,湖南/株洲/攸县,旱地,中药材（白芍）,3,5.2,0.5,20
L,湖南/株洲/攸县,水田,莲藕,3,5.2,0.5,20
T,湖南/株洲/攸县,果园,茶叶,3,5.2,0.5,200
"""


def _plan(tmp_path, tables=None):
    f = tmp_path / "p.csv"
    f.write_text(SHEET, encoding="utf-8")
    return agriremed.plan(str(f), agriremed.Scenario(mc_draws=0), progress=False, tables=tables)


def test_the_sheet_names_the_standard_to_test_the_harvest_against(tmp_path):
    p = _plan(tmp_path)
    line = {pid: (plot_advice(p, pid, "en").crop_lines[0], plot_advice(p, pid, "zh").crop_lines[0])
            for pid in ("H", "J", "L", "T")}
    herb_en = ("Cd (above the screening value): not assessed — test the harvest against the limits of the "
               "Pharmacopoeia of the People's Republic of China (中国药典) for medicinal materials (中药材), not the "
               "GB 2762 food limits")
    herb_zh = "镉（超过筛选值）：未评估——请检测收获物，对照《中华人民共和国药典》对“中药材”的限量（不适用GB 2762食品限量）"
    assert line["H"] == (herb_en, herb_zh) and line["J"] == (herb_en, herb_zh)
    assert line["L"] == ("Cd (above the screening value): not assessed — test the harvest against the GB 2762—2025 "
                         "(China) limits for its food category (Annex A of the standard)",
                         "镉（超过筛选值）：未评估——请检测收获物，对照GB 2762—2025（中国）中“其所属食品类别（见标准附录A）”的限量")
    assert line["T"] == ("Pb (above the screening value): not assessed — test the harvest against the GB 2762—2025 "
                         "(China) limits for tea (Pb 5 mg/kg)",
                         "铅（超过筛选值）：未评估——请检测收获物，对照GB 2762—2025（中国）中“茶叶”的限量（铅5 mg/kg）")


def test_the_herb_words_are_data_and_no_pharmacopoeia_limit_is_stated():
    t = load_tables()
    hs = t.harvest_standards
    herb = hs.loc[hs["standard"] == "ChP"]
    assert len(herb) == 1 and "UNCONFIRMED" in herb["note"].iloc[0]
    assert not any(c.endswith("mg_kg") for c in hs.columns)  # the table names standards, it holds no limits
    assert harvest_standard("unlisted", "金银花", "GB2762", t)["standard"] == "ChP"
    # a user's table without 金银花 among the herb words: judged as a crop of unknown food group
    words = herb["crop_words"].iloc[0].replace("|金银花", "")
    mine = t.replace(harvest_standards=hs.assign(crop_words=hs["crop_words"].where(hs["standard"] != "ChP", words)))
    assert harvest_standard("unlisted", "金银花", "GB2762", mine)["food_group_en"] == \
        "its food category (Annex A of the standard)"
    # every crop group with GB 2762 limits names its food group
    gb = set(t.food_limits.loc[t.food_limits["standard"] == "GB2762", "crop_group"])
    assert gb <= set(hs.loc[hs["food_standard"] == "GB2762", "crop_group"])


def test_a_library_crop_without_uptake_function_gets_its_group_and_limit_values(tmp_path):
    # chili (辣椒): a fruiting vegetable, GB 2762's general fresh-vegetable limits (Cd 0.05, Pb 0.1 mg/kg)
    f = tmp_path / "c.csv"
    f.write_text("地块编号,行政区,土地利用类型,种植作物,面积（亩）,pH,镉（mg/kg）,铅（mg/kg）\n"
                 "C,湖南/衡阳/常宁,菜地,辣椒,1.5,5.6,1.2,120\n", encoding="utf-8")
    p = agriremed.plan(str(f), agriremed.Scenario(mc_draws=0), progress=False)
    assert plot_advice(p, "C", "en").crop_lines[0] == (
        "Cd/Pb (above the screening value): not assessed — test the harvest against the GB 2762—2025 (China) limits "
        "for fresh vegetables (fruiting vegetables, gourds, bulb vegetables: the general limits of fresh vegetables) "
        "(Cd 0.05 mg/kg, Pb 0.1 mg/kg)")
    assert plot_advice(p, "C", "zh").crop_lines[0] == (
        "镉、铅（超过筛选值）：未评估——请检测收获物，对照GB 2762—2025（中国）中“新鲜蔬菜（茄果类、瓜类、鳞茎类：按新鲜蔬菜的一般限量）”的限量"
        "（镉0.05 mg/kg、铅0.1 mg/kg）")
