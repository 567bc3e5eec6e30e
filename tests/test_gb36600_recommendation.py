"""The GB 36600 check of the recommended soft re-use on marginal, mine and brownfield land: in the
recommendation sentence (EN, 中文), the summary, the plot sheet and the report; farmland unchanged."""

import re

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pvlib")

import agriremed  # noqa: E402
from agriremed.core.messages import column_texts  # noqa: E402
from agriremed.stages import softreuse  # noqa: E402
from agriremed.stages.advice import plot_advice  # noqa: E402

#: SX-01 of a mining-area sheet (采矿用地 by a tailings pond, PV planned): Cd 12, Pb 1800, As 260 mg/kg;
#: MG-02, marginal land below every GB 36600 second-class screening value (As 50 < 60, Pb 500 < 800,
#: Cd 2 < 65, Cu 100 < 18000) but above the GB 15618 intervention value for Cd (1.5 at pH ≤ 5.5);
#: CN-05, a strict-control paddy on permanent basic farmland; CN-04, an upland vegetable plot.
PLOTS = pd.DataFrame({
    "plot_id": ["SX-01", "MG-02", "CN-05", "CN-04"],
    "region": ["湖南省郴州市苏仙区", "湖南省郴州市苏仙区", "湖南省衡阳市常宁市", "湖南省衡阳市常宁市"],
    "land_use": ["marginal", "marginal", "paddy", "upland"],
    "crop": ["none", "none", "rice", "maize"],
    "basic_farmland": ["no", "no", "yes", "no"],
    "area_ha": [3.0, 2.0, 0.2667, 0.1],
    "ph": [4.6, 4.6, 5.3, 5.6],
    "som_pct": [0.8, 0.8, 2.9, 2.4],
    "cd_mg_kg": [12.0, 2.0, 3.2, 2.8],
    "pb_mg_kg": [1800.0, 500.0, 210.0, 520.0],
    "as_mg_kg": [260.0, 50.0, 28.0, 35.0],
    "cu_mg_kg": [150.0, 100.0, 45.0, 60.0],
    "zn_mg_kg": [900.0, 300.0, 300.0, 380.0],
})

SX_EN = ("GB 36600 second-class land (industry, utilities, other green space): As 260 > intervention 140; "
         "Pb 1800 > screening 800 mg/kg: a clean cover layer or remediation is needed before people use the "
         "land; not compared: Zn (Zn is not among the basic items of GB 36600)")
SX_ZH = ("GB 36600第二类用地（工业、公用设施、其他绿地）：砷 260 > 管制值 140；铅 1800 > 筛选值 800 mg/kg："
         "人员使用前须覆盖清洁土层或开展修复；未比较：锌（锌不属于GB 36600基本项目）")
MG_EN = ("GB 36600 second-class land (industry, utilities, other green space): no measured metal above its "
         "screening value; not compared: Zn (Zn is not among the basic items of GB 36600)")
MG_ZH = ("GB 36600第二类用地（工业、公用设施、其他绿地）：实测重金属均未超过筛选值；"
         "未比较：锌（锌不属于GB 36600基本项目）")


@pytest.fixture(scope="module")
def plan():
    # a local clean-soil cover rate of 20 CNY/m² (factor override): with the tables' UK rate (UNCONFIRMED,
    # 275.6 CNY/m²) the cover makes PV on SX-01 lose to miscanthus, and the check is the one of a recommended PV
    return agriremed.plan(PLOTS, agriremed.Scenario(mc_draws=0, overrides={"factor.clean_cover_cost_cny_m2": 20.0}),
                          progress=False)


def _row(plan, pid):
    return plan.summary.loc[plan.summary["plot_id"] == pid]


def test_marginal_pv_plot_recommendation_closes_with_the_gb36600_check(plan):
    s = _row(plan, "SX-01")
    assert s["recommended_option"].iloc[0] == "pv_grass"
    # development land: the soil re-test follows the site's GB 36600 risk control, not Arts. 53–54 (farmland)
    assert s["recommendation"].iloc[0].endswith(
        "as the site's risk control under GB 36600-2018 (development land) sets it; the joint soil and crop "
        "monitoring of Soil Pollution Law Arts. 53–54 is for agricultural land. For the people who will work on or "
        "use the land, the soil against " + SX_EN + ".")
    zh = column_texts(s, "recommendation", "zh", plan.tables)[0]
    assert zh.endswith("土壤污染防治法第53、54条的土壤与农产品协同监测适用于农用地。针对在该土地上作业或使用的人员，土壤对照"
                       + SX_ZH + "。")
    assert s["gb36600_verdict"].iloc[0] == "cover_layer"
    assert s["gb36600_check"].iloc[0] == SX_EN
    assert column_texts(s, "gb36600_check", "zh", plan.tables)[0] == SX_ZH


def test_the_check_is_the_one_of_the_reuse_row(plan):
    reuse, _ = softreuse.reuse_for_plan(plan)
    row = reuse.loc[(reuse["plot_id"] == "SX-01") & (reuse["reuse_id"] == "pv_grass")].iloc[0]
    s = _row(plan, "SX-01").iloc[0]
    assert (s["gb36600_verdict"], s["gb36600_check"], s["gb36600_check_msg"]) == (
        row["exposure_verdict"], row["exposure_reason"], row["exposure_reason_msg"])


def test_marginal_plot_below_every_screening_value_says_so(plan):
    # said, not left out: the developer's copy must show the check was made (blank would read as "not checked")
    s = _row(plan, "MG-02")
    assert s["recommended_option"].iloc[0] == "pv_grass"
    assert s["recommendation"].iloc[0].endswith(
        " For the people who will work on or use the land, the soil against " + MG_EN + ".")
    assert column_texts(s, "recommendation", "zh", plan.tables)[0].endswith(
        "针对在该土地上作业或使用的人员，土壤对照" + MG_ZH + "。")
    assert s["gb36600_verdict"].iloc[0] == "allowed"
    # below screening: no GB 36600 risk control to re-test by (SX-01, above an intervention value, keeps it)
    assert s["monitoring"].iloc[0] == (
        "no food crop: no crop sampling; soil monitoring: no GB 36600-2018 risk control is needed at these values (no "
        "metal compared with the standard is above its screening value for this use); re-test the soil for "
        "Cd/As/Pb/Cu/Zn if the use of the land changes or as the local environment authority requires; the joint soil "
        "and crop monitoring of Soil Pollution Law Arts. 53–54 is for agricultural land")
    assert "as the site's risk control" not in s["recommendation"].iloc[0]
    assert "按此数值无需实施GB 36600-2018风险管控" in column_texts(s, "recommendation", "zh", plan.tables)[0]
    assert plot_advice(plan, "MG-02", "en").gb36600 == MG_EN
    assert plot_advice(plan, "MG-02", "zh").gb36600 == MG_ZH


def test_farmland_plots_carry_no_gb36600_check(plan):
    for pid in ("CN-05", "CN-04"):
        s = _row(plan, pid)
        assert s["recommended_option"].iloc[0] != "pv_grass"
        assert "GB 36600" not in s["recommendation"].iloc[0]
        assert "GB 36600" not in column_texts(s, "recommendation", "zh", plan.tables)[0]
        assert plot_advice(plan, pid, "en").gb36600 == "" and plot_advice(plan, pid, "zh").gb36600 == ""
        assert pd.isna(s["gb36600_verdict"].iloc[0]) and pd.isna(s["gb36600_check"].iloc[0])
        assert s["gb36600_check_msg"].iloc[0] == ""


def test_plot_sheet_prints_the_check_on_its_own_line(plan):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("reportlab")
    import io

    from agriremed.io.sheets import sheet_pdf

    assert plot_advice(plan, "SX-01", "en").gb36600 == SX_EN
    assert plot_advice(plan, "SX-01", "zh").gb36600 == SX_ZH
    for lang, label, check in (("en", "Soil for people on the land (GB 36600)", SX_EN),
                               ("zh", "土地使用人员的土壤核查（GB 36600）", SX_ZH)):
        pdf = pypdf.PdfReader(io.BytesIO(sheet_pdf(plan, "SX-01", lang, date="2026-01-01")))
        assert len(pdf.pages) == 1
        text = re.sub(r"\s+", "", pdf.pages[0].extract_text())
        flat = re.sub(r"\s+", "", label + check)
        assert flat in text  # the label, then the check, in the table under the soil test
        assert text.index(re.sub(r"\s+", "", label)) < text.index(re.sub(r"\s+", "", "Recommended" if lang == "en"
                                                                          else "推荐方案"))
    farm = pypdf.PdfReader(io.BytesIO(sheet_pdf(plan, "CN-05", "en", date="2026-01-01")))
    assert "GB36600" not in re.sub(r"\s+", "", farm.pages[0].extract_text())


def test_report_plot_section_carries_the_check(plan):
    from agriremed.io.report import report_html

    en = report_html(plan, lang="en", date="2026-01-01")
    zh = report_html(plan, lang="zh", date="2026-01-01")
    assert ("For the people who will work on or use the land, the soil against "
            + SX_EN.replace(">", "&gt;") + ".") in en
    assert ("针对在该土地上作业或使用的人员，土壤对照" + SX_ZH.replace(">", "&gt;") + "。") in zh


def test_recommended_exposure_only_for_marginal_land_and_a_reuse_people_use(tables):
    p = pd.DataFrame({"land_use": ["marginal", "marginal", "paddy", "marginal"],
                      "pb_mg_kg": [1800.0, 1800.0, 1800.0, 1800.0], "as_mg_kg": [260.0] * 4})
    ex = softreuse.recommended_exposure(p, ["pv_grass", "miscanthus", "pv_grass", None], tables)
    assert ex["exposure_verdict"].tolist() == ["cover_layer", "", "", ""]
    assert ex["exposure_reason"].iloc[0] == ("GB 36600 second-class land (industry, utilities, other green space): "
                                             "As 260 > intervention 140; Pb 1800 > screening 800 mg/kg: a clean cover "
                                             "layer or remediation is needed before people use the land")
    assert softreuse.option_exposure_classes(["pv_grass", "poplar_src", "fallow", "lime_rice"], tables).tolist() == [
        "second", "", "", ""]
    assert np.all(ex["exposure_reason_msg"].iloc[1:] == "")


def test_reuse_rows_take_the_summarys_check_instead_of_screening_again(monkeypatch):
    # the summary has checked SX-01 and MG-02 against GB 36600 for second-class land (their recommended
    # pv_grass); the re-use rows of the same plots and class take that check instead of screening again. The
    # plan screens each of them once for second-class land: the economics stage for the clean-cover cost of
    # every PV row on marginal land (gb36600_checks, before a recommendation exists), whose check of the
    # recommended PV row the summary takes (it screened them a second time); the re-use tables add no
    # screening for that class
    import dataclasses

    screened = []
    real = softreuse.gb36600_screening

    def counting(plots, land_class, tables=None):
        cls = np.broadcast_to(np.asarray(land_class, dtype=object), (len(plots),))
        screened.extend(zip(plots["plot_id"], cls, strict=True))
        return real(plots, land_class, tables)

    monkeypatch.setattr(softreuse, "gb36600_screening", counting)
    # the local cover rate of the module's plan (with the tables' UK rate PV on SX-01 loses to miscanthus)
    p = agriremed.plan(PLOTS, agriremed.Scenario(mc_draws=0, overrides={"factor.clean_cover_cost_cny_m2": 20.0}),
                       progress=False)
    in_plan = list(screened)
    reuse, _ = softreuse.reuse_for_plan(p)
    checked = p.summary.loc[p.summary["gb36600_verdict"].notna(), "plot_id"].tolist()
    assert checked == ["SX-01", "MG-02"]
    assert in_plan == [("SX-01", "second"), ("MG-02", "second")]
    by_reuse = screened[len(in_plan):]
    assert ("SX-01", "second") not in by_reuse and ("MG-02", "second") not in by_reuse
    assert len(by_reuse) == len(set(by_reuse))
    pv = reuse.loc[reuse["reuse_id"] == "pv_grass"].set_index("plot_id")
    assert pv.loc["SX-01", "exposure_verdict"] == "cover_layer"
    assert pv.loc["SX-01", "exposure_reason"] == SX_EN
    assert pv.loc["MG-02", "exposure_reason"] == MG_EN
    # the same rows as when every plot is screened anew (a summary without the check)
    blank = p.summary.drop(columns=["gb36600_verdict", "gb36600_check", "gb36600_check_msg"])
    again, _ = softreuse.reuse_for_plan(dataclasses.replace(p, summary=blank))
    pd.testing.assert_frame_equal(reuse, again)
    assert screened.count(("SX-01", "second")) == 2


def test_the_summary_takes_the_economics_check_and_a_reranking_screens_nothing_again(plan, monkeypatch):
    # the economics stage carries its GB 36600 check of every row (gb36600_verdict, gb36600_check_msg); the
    # summary's check is that of the recommended row, and a re-ranking takes it from the plan's economics
    from agriremed.engine.plan import rerank

    eco = plan.economics.set_index(["plot_id", "option_id"])
    assert eco.loc[("SX-01", "pv_grass"), "gb36600_verdict"] == "cover_layer"
    assert eco.loc[("MG-02", "pv_grass"), "gb36600_verdict"] == "allowed"
    assert eco.loc[("CN-05", "do_nothing"), "gb36600_verdict"] == "" and eco.loc[("SX-01", "miscanthus"),
                                                                                  "gb36600_check_msg"] == ""
    s = plan.summary.set_index("plot_id")
    assert s.at["SX-01", "gb36600_check_msg"] == eco.loc[("SX-01", "pv_grass"), "gb36600_check_msg"]
    screened = []
    real = softreuse.gb36600_screening
    monkeypatch.setattr(softreuse, "gb36600_screening",
                        lambda p, c, t=None: screened.append(len(p)) or real(p, c, t))
    again = rerank(plan, plan.scenario.weights)
    assert screened == []
    pd.testing.assert_frame_equal(again.summary, plan.summary)


def test_a_county_class_below_the_gb36600_values_has_no_risk_control_either():
    # a class the county set (no metal above a GB 15618 screening value: the soil as a whole is re-tested) on land
    # below every GB 36600 value compared: the same honest statement, without metals; above: the site's risk control
    from agriremed.core.messages import render
    from agriremed.stages.advice import _monitoring_message

    below = _monitoring_message(0, [], 20, False, soil_metals=["*"], development=True, below_screening=True)
    above = _monitoring_message(0, [], 20, False, soil_metals=["*"], development=True)
    assert render(below, "en") == (
        "no food crop: no crop sampling; soil monitoring: no GB 36600-2018 risk control is needed at these values (no "
        "metal compared with the standard is above its screening value for this use); re-test the soil if the use of "
        "the land changes or as the local environment authority requires; the joint soil and crop monitoring of Soil "
        "Pollution Law Arts. 53–54 is for agricultural land")
    assert "按此数值无需实施GB 36600-2018风险管控" in render(below, "zh")
    assert "as the site's risk control under GB 36600-2018 (development land) sets it" in render(above, "en")
