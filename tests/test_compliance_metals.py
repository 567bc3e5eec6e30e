"""The crop compliance probability names the metals it covers, and the harvest is tested for them."""

import numpy as np
import pytest

import agriremed
from agriremed.core import i18n, messages
from plotdata import make_plots


@pytest.fixture(scope="module")
def plan():
    # HG: an alkaline paddy above the Hg screening value (1.5 > 1.0 at pH > 7.5): Hg has no transfer
    # function, Cd (below screening) has one. AS: an acid As paddy (32 > 30 at pH ≤ 5.5) whose rice
    # is predicted to fail on Cd (0.2 mg/kg at pH 4.5).
    plots = make_plots(2, plot_id=["HG", "AS"], land_use="paddy", crop="rice", ph=[7.8, 4.5],
                       hg_mg_kg=[1.5, 0.1], as_mg_kg=[10.0, 32.0], cd_mg_kg=0.2, basic_farmland="yes",
                       region="Guizhou/Tongren")
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0))


def test_compliance_metals_are_those_with_a_prediction_and_a_limit(plan):
    t = plan.table
    food = t["crop_compliance_prob"].notna()
    assert food.any()
    assert set(t.loc[food, "compliance_metals"]) == {"cd"}
    assert (t.loc[~food, "compliance_metals"] == "").all()
    s = plan.summary.set_index("plot_id")
    assert s.loc["HG", "current_compliance_metals"] == "cd"
    assert s.loc["HG", "metals_not_assessed"] == "hg"


def test_sentence_names_the_metals_the_probability_covers(plan):
    s = plan.summary.set_index("plot_id")
    en = s.loc["HG", "recommendation"]
    # Hg (above its screening value) is not assessed: the sentence leads with it, and the probability
    # of the recommended maize switch (it treats Hg on a paddy) says it covers Cd, at or below its
    # screening value
    assert s.loc["HG", "recommended_option"] == "maize_grain"
    assert "crop meets GB2762 for Cd (at or below the screening value) with" in en
    assert en.startswith("Hg in the crop not assessed")
    zh = messages.render(s.loc["HG", "recommendation_msg"], "zh")
    assert "作物镉含量每季符合GB2762的概率为" in zh and "土壤镉不超过筛选值）" in zh
    assert s.loc["AS", "recommendation"].startswith("As in the crop not assessed")
    assert "crop meets GB2762 for Cd (at or below the screening value) with" in s.loc["AS", "recommendation"]


def test_harvest_is_tested_for_the_predicted_metals_too(plan):
    s = plan.summary.set_index("plot_id")
    # the As paddy's grain is predicted to fail on Cd: the harvest is tested for Cd as well as As (and for
    # Pb and Cr, not measured in its soil, which GB 2762 limits in rice)
    p = plan.table.set_index(["plot_id", "option_id"]).loc[("AS", "do_nothing"), "crop_compliance_prob"]
    assert p < 0.9
    tested = s.loc["AS", "monitoring"].split("tested for ")[1].split(",")[0]
    assert set(tested.split("/")) == {"As", "Cd", "Pb", "Cr"}
    assert "tested for Hg/Cd" in s.loc["HG", "monitoring"]
    assert np.isfinite(s.loc["HG", "current_crop_compliance_prob"])


def test_unchanged_practice_on_safe_land_says_no_measure_fits():
    # an alkaline paddy above the Cr screening value (400 > 350 at pH > 7.5) is safe-utilisation land
    # where no measure of the option library treats Cr (and the rice meets the Cd limit): unchanged
    # practice ranks first, and the sentence says that the plan's measure must be chosen locally and
    # that its chance covers Cd, at or below its screening value
    plots = make_plots(1, plot_id=["CR"], land_use="paddy", crop="rice", ph=[7.8], cr_mg_kg=[400.0],
                       cd_mg_kg=0.2, basic_farmland="yes", region="Guizhou/Tongren")
    s = agriremed.plan(plots, agriremed.Scenario(mc_draws=0)).summary.set_index("plot_id")
    assert s.loc["CR", "soil_class"] == "safe_utilisation"
    assert s.loc["CR", "recommended_option"] == "do_nothing"
    en = s.loc["CR", "recommendation"]
    assert en.startswith("Cr in the crop not assessed")
    assert "no measure of a safe-utilisation plan in the option library fits this plot" in en
    assert "chance the crop meets GB2762 for Cd, at or below the screening value)" in en
    assert "no other option ranks higher" not in en
    zh = messages.render(s.loc["CR", "recommendation_msg"], "zh")
    assert "请因地制宜确定替代种植" in zh
    assert "作物镉含量符合GB2762的概率为" in zh and "土壤镉不超过筛选值）" in zh


def test_sentence_gives_the_real_reason_a_metal_is_not_assessed():
    # Cd 0.8 > 0.3 screening at pH 5.5 or below: above screening, but pH 2.5 and 11 are outside the
    # domain of every function (3–10); pH 3.5 is outside the rice functions' 4–8.5 but inside the domain, so Cd
    # is predicted at the edge of the range (said in the sentence); Hg 1.5 has no function
    plots = make_plots(3, plot_id=["PH25", "PH35", "PH11"], ph=[2.5, 3.5, 11.0], cd_mg_kg=[0.8, 0.8, 4.0],
                       hg_mg_kg=[0.1, 1.5, 0.1], region="Guizhou/Tongren")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    en = s["recommendation"]
    assert en["PH25"].startswith("Cd in the crop not assessed (soil pH outside 3–10, the domain of the transfer "
                                 "functions) — measure it in the harvest (limit: Cd 0.2 mg/kg, GB2762). ")
    assert "no usable transfer function" not in en["PH25"]
    # the sentence names the crop's transfer functions, not their ids (crop_uptake.csv keeps them)
    assert en["PH35"].startswith("Hg in the crop not assessed (no usable transfer function) — measure it in the "
                                 "harvest (limit: Hg 0.02 mg/kg, GB2762). ")
    assert "Cd in the crop not assessed" not in en["PH35"]
    assert en["PH35"].endswith("The crop's Cd is predicted outside the validity range of every rice transfer function "
                               "(soil pH (water) outside 4–8.5): at the edge of the range, the higher of the "
                               "function's own trend and its value at the end of the range (conservative) — test the "
                               "harvest.")
    u = p.uptake.set_index(["plot_id", "metal"])
    assert u.loc[("PH35", "cd"), "extrapolated"] is True and u.loc[("PH35", "cd"), "assessed"]
    assert "Cd in the crop not assessed (soil pH outside 3–10" in en["PH11"]
    zh = messages.render(s.loc["PH25", "recommendation_msg"], "zh")
    assert zh.startswith("作物中的镉未评估（土壤pH超出3–10（转移函数的适用范围））——请检测收获物（限量：镉0.2 mg/kg，GB2762）。")
    zh35 = messages.render(s.loc["PH35", "recommendation_msg"], "zh")
    # the function's reason in Chinese too, the input by its Chinese label
    assert zh35.startswith("作物中的汞未评估（无可用的转移函数）——请检测收获物（限量：汞0.02 mg/kg，GB2762）。")
    assert zh35.endswith("作物镉含量在所有水稻转移函数的适用范围之外预测（土壤pH（水浸提）超出4–8.5）：在范围边界处评估，"
                         "取函数自身趋势与范围端点值中较高者（保守）——请检测收获物。")
    assert "synth_" not in zh35 and "synth_" not in en["PH35"]
    assert "outside" not in zh35 and i18n.untranslated(zh35) == []


def test_the_sentence_names_unusable_transfer_functions_by_the_crop_with_their_distinct_reasons():
    from agriremed.engine import pipeline

    enc = messages.Message.of("upt.no_function_used",
                              skipped="f1 (needs som_pct); f2 (ph outside 4–8.5); f3 (ph outside 4–8.5)").encode()
    out = pipeline._sentence_reason("rice", enc)
    assert messages.render(out, "en") == "the rice transfer functions could not be used: needs som_pct; ph outside 4–8.5"
    assert messages.render(out, "zh") == "水稻转移函数均不可用：缺少土壤有机质；土壤pH（水浸提）超出4–8.5"
    other = messages.Message.of("upt.other_provinces").encode()
    assert pipeline._sentence_reason("rice", other) == other


def test_a_class_metal_without_a_food_limit_in_the_crop_is_named_in_the_sentence():
    # Ni sets the wheat field's class but GB 2762 sets no Ni limit in wheat: the sentence says the
    # crop is not checked for it (every metal above screening accounted for)
    import pandas as pd

    import agriremed
    from agriremed.core.messages import column_texts

    rows = [dict(plot_id="NI", region="Gansu/Jinchang", land_use="upland", crop="wheat", ph=8.2, ni_mg_kg=300,
                 area_ha=1.0),
            dict(plot_id="CD", region="Gansu/Jinchang", land_use="upland", crop="wheat", ph=8.2, cd_mg_kg=0.2,
                 area_ha=1.0)]
    p = agriremed.plan(pd.DataFrame(rows), agriremed.Scenario(mc_draws=0))
    rec = p.summary.set_index("plot_id")["recommendation"]
    assert rec["NI"].endswith(" Ni above the screening value: GB2762 sets no food limit for it in wheat, so the crop "
                              "is not checked for it (the soil class still applies).")
    assert "screening value: GB2762 sets no food limit" not in rec["CD"]
    zh = column_texts(p.summary, "recommendation", "zh", p.tables)[0]
    assert zh.endswith("镍超过筛选值：GB2762未规定小麦中该元素的限量，故未评估作物中的含量（土壤类别仍按其划定）。")


def test_an_element_outside_gb15618_is_named_as_measured_but_not_assessed(tmp_path):
    # 锑 (Sb) 300 mg/kg near Lengshuijiang: no screening value, food limit or transfer function; the
    # column is passed through, the file warned once, and the plot's sentence names the value
    import pandas as pd

    import agriremed
    from agriremed.core.messages import column_texts

    f = tmp_path / "sb.csv"
    pd.DataFrame([dict(plot_id="SB", region="Hunan/Loudi/Lengshuijiang", land_use="paddy", crop="rice", ph=6.2,
                       cd_mg_kg=0.2, area_ha=1.0, **{"锑（mg/kg）": 300}),
                  dict(plot_id="X", region="Hunan/Loudi/Lengshuijiang", land_use="paddy", crop="rice", ph=6.2,
                       cd_mg_kg=0.2, area_ha=1.0, **{"锑（mg/kg）": None})]).to_csv(f, index=False)
    p = agriremed.plan(f, agriremed.Scenario(mc_draws=0))
    rec = p.summary.set_index("plot_id")["recommendation"]
    assert rec["SB"].endswith("Also measured, not assessed by agriremed (no screening value or uptake function): "
                              "Sb 300 — compare with the standard that applies and test the harvest where high.")
    assert "Also measured" not in rec["X"]
    assert column_texts(p.summary, "recommendation", "zh", p.tables)[0].endswith(
        "另测定锑300：agriremed未收录其筛选值和吸收函数，未评估——请对照适用标准判断，含量高时检测收获物。")
    w = p.problems.loc[p.problems["problem"].str.startswith("column of Sb, an element outside GB 15618")]
    assert len(w) == 1 and w["severity"].iloc[0] == "warning"


def test_columns_that_only_look_like_elements_are_not_named_and_unmeasured_cells_are_not_quoted(sample_plots_path):
    # 'CO2排放 (t/ha)', 'SE' (a standard error) are not cobalt and selenium; Sb '未检出' or -1 is no value
    import pandas as pd

    import agriremed

    df = pd.read_csv(sample_plots_path, comment="#").iloc[:3].copy()
    df["CO2排放 (t/ha)"] = [3.1, 2.8, 1.0]
    df["SE"] = [0.02, 0.03, 0.01]
    df["锑"] = pd.Series(["未检出", -1, 12], dtype=object)
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    rec = p.summary["recommendation"].tolist()
    assert not any("Co " in r or "Se " in r for r in rec)
    assert ["Also measured" in r for r in rec] == [False, False, True] and rec[2].count("Sb 12 —") == 1


def test_the_npv_split_never_prints_a_signed_zero_and_quotes_the_programme_cost(sample_plots_path):
    import agriremed
    from agriremed.core.messages import column_texts

    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0, noncompliant_grain="state_purchase"))
    rec = p.summary["recommendation"].tolist() + column_texts(p.summary, "recommendation", "zh", p.tables)
    assert not any("-0 CNY" in r or "+0 CNY" in r or "-0元" in r or "+0元" in r for r in rec)
    s = p.summary.set_index("plot_id")
    said = [i for i in s.index if "for the farmer" in s.at[i, "recommendation"]
            or "the farmer ends as under doing nothing" in s.at[i, "recommendation"]]
    assert said
    for i in said:
        assert f"the programme's cost {s.at[i, 'programme_cost_cny_ha']:+,.0f} CNY/ha" in s.at[i, "recommendation"]


def test_no_food_limit_clause_only_where_the_plan_grows_food(sample_plots_path):
    import agriremed

    p = agriremed.plan(sample_plots_path, agriremed.Scenario(mc_draws=0))
    lib = p.tables.indexed("options", "option_id")["food_crop"]
    for _, r in p.summary.iterrows():
        if lib[r["recommended_option"]] == "none":
            assert "so the crop is not checked for" not in r["recommendation"], r["plot_id"]


def test_the_probability_of_a_metal_below_screening_says_so_beside_class_metals_without_a_food_limit():
    # P17 (Jinchang wheat, pH 8.3): Cu/Ni/Zn above their screening values set the class, GB 2762 limits
    # none of them in wheat, and the compliance covers Cd (0.40, below 0.6): the probability says Cd is at or
    # below its screening value, as it does beside a class metal not assessed in the crop (P16, Cr paddy)
    import pandas as pd

    p17 = dict(plot_id="P17", region="Gansu/Jinchang/Yongchang", land_use="upland", crop="wheat", area_ha=3.0,
               ph=8.3, clay_pct=18, bulk_density_g_cm3=1.4, depth_m=0.2, basic_farmland="no", cd_mg_kg=0.40,
               pb_mg_kg=35, as_mg_kg=14, hg_mg_kg=0.05, cr_mg_kg=80, cu_mg_kg=150, ni_mg_kg=240, zn_mg_kg=330,
               annual_rain_mm=200, mean_temp_c=7.5)
    p16 = dict(plot_id="P16", region="Guangdong/Qingyuan/Qingcheng", land_use="paddy", crop="rice", area_ha=0.55,
               ph=6.0, som_pct=2.9, clay_pct=30, cec_cmol_kg=12, bulk_density_g_cm3=1.16, depth_m=0.2,
               basic_farmland="yes", cd_mg_kg=0.20, pb_mg_kg=50, as_mg_kg=15, hg_mg_kg=0.15, cr_mg_kg=330,
               cu_mg_kg=35, ni_mg_kg=40, zn_mg_kg=110, annual_rain_mm=1800, mean_temp_c=21.0)
    p = agriremed.plan(pd.DataFrame([p17, p16]), agriremed.Scenario(mc_draws=0))
    s = p.summary.set_index("plot_id")
    assert s.loc["P17", "metals_exceeding"] == "cu+ni+zn" and s.loc["P17", "current_compliance_metals"] == "cd"
    for plot in ("P17", "P16"):
        assert "crop meets GB2762 for Cd (at or below the screening value) with" in s.loc[plot, "recommendation"]
        assert "（土壤镉不超过筛选值）" in messages.render(s.loc[plot, "recommendation_msg"], "zh")
