"""What the plan, the plot sheet, safe-soil and validation say about a prediction's known bias and spread.

* A crop metal predicted by a transfer function flagged ``over_predicts`` (``known_bias`` of
  ``transfer_functions.csv``: the maize Cd synthesis) is said to be conservative in the recommendation
  (``rec.over_predicts``) and on the plot sheet beside its chance of exceeding; no number changes.
* ``safe-soil``: a safe soil value below the natural background is said to be uninformative at that
  probability, with the function's spread and the value at the median; ``--lang zh``.
* A missing ``som_pct`` / ``clay_pct`` is said to be assumed at its typical value
  (``covariate_defaults.csv``) while the scenario assumes missing covariates (the default).
"""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed
from agriremed.apps.cli import main
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.io.validate import validate_plots
from agriremed.stages import advice

MAIZE = ("plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg\n"
         "CQ-01,Chongqing/Wushan,upland,maize,0.3,6.2,0.30\n"
         "CQ-02,Chongqing/Wushan,upland,maize,0.3,5.2,0.30\n"
         "HN-01,Henan/Jiyuan,upland,maize,0.3,8.2,0.50\n")
RICE = "HU-01,Hunan/Zhuzhou,paddy,rice,0.3,5.5,0.25\n"

EN_NOTE = ("Maize: the Cd prediction is conservative, as its transfer function over-predicts independent "
           "surveys (see the validation page).")
ZH_NOTE = "玉米镉含量的预测偏保守：与独立调查的实测值相比，该预测函数的结果偏高（见验证页）。"


@pytest.fixture(scope="module")
def maize_plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("bias") / "plots.csv"
    path.write_text(MAIZE + RICE, encoding="utf-8")
    return agriremed.plan(str(path), agriremed.Scenario(mc_draws=0))


def test_recommendation_says_a_maize_cd_prediction_is_conservative(maize_plan):
    s = maize_plan.summary.set_index("plot_id")
    zh = dict(zip(maize_plan.summary["plot_id"], messages.column_texts(maize_plan.summary, "recommendation", "zh")))
    # the maize plots are predicted by the maize Cd syntheses, both flagged over_predicts
    assert s.loc["CQ-02", "uptake_functions"] == "cd: synth_maize_cd_ph"
    assert s.loc["HN-01", "uptake_functions"].startswith("cd: synth_maize_cd_ph_alkaline")
    for pid in ("CQ-01", "CQ-02", "HN-01"):
        assert s.loc[pid, "recommendation"].endswith(EN_NOTE)
        assert zh[pid].endswith(ZH_NOTE)
        assert s.loc[pid, "recommendation"].count("conservative") == 1
    # the numbers stay: CQ-02 complies with the maize Cd limit in 76 % of seasons
    assert s.loc["CQ-02", "current_crop_compliance_prob"] == pytest.approx(0.7569, abs=1e-3)
    assert "(76 % chance the crop meets GB2762 for Cd)" in s.loc["CQ-02", "recommendation"]
    # the Hunan rice synthesis has no documented bias: no note
    assert "conservative" not in s.loc["HU-01", "recommendation"]
    assert "偏保守" not in zh["HU-01"]


def test_plot_sheet_says_the_maize_cd_prediction_is_conservative(maize_plan):
    zh = advice.plot_advice(maize_plan, "CQ-02", "zh").crop_lines
    assert zh == ["镉：中位数0.047 mg/kg，限量0.1 mg/kg，超标概率24 %（预测偏保守：该预测函数的结果高于独立调查实测值，"
                  "见验证页）"]
    en = advice.plot_advice(maize_plan, "CQ-02", "en").crop_lines
    assert en == ["Cd: median 0.047 mg/kg vs limit 0.1 mg/kg, chance of exceeding 24 % (conservative: the function "
                  "over-predicts independent surveys, see the validation page)"]
    rice = advice.plot_advice(maize_plan, "HU-01", "zh").crop_lines
    assert len(rice) == 1 and rice[0].startswith("镉：中位数") and "偏保守" not in rice[0]


def test_safe_soil_says_a_value_below_background_is_uninformative(tmp_path, capsys):
    path = tmp_path / "maize.csv"
    path.write_text(MAIZE, encoding="utf-8")
    assert main(["safe-soil", str(path), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    # the numbers stay: safe soil 0.0594 / 0.0278 / 0.233 at 95 %, 3.68 / 1.72 / 14.4 at the median
    t = pd.read_csv(tmp_path / "o" / "safe_soil.csv", encoding="utf-8-sig").set_index("plot_id")
    assert t["safe_soil_mg_kg"].tolist() == pytest.approx([0.0594, 0.0278, 0.233], abs=6e-4)
    assert t["safe_soil_p50_mg_kg"].tolist() == pytest.approx([3.68, 1.72, 14.4], abs=0.06)
    # the spread is shown for every row: median ÷ safe = 10^(1.645·0.469/0.4305·…) ≈ 62
    rows = [line for line in out.splitlines() if line.startswith(("CQ-0", "HN-01"))]
    assert len(rows) == 3 and all("×62" in line for line in rows)
    assert ("Cd with synth_maize_cd_ph at probability 95 %: no soil value is informative for 2 plot(s) "
            "(CQ-01, CQ-02). The function's spread (se_log10 0.469: at a given soil the crop Cd of the 95 % bound "
            "is 5.9 times the median, which makes the safe soil value 1/62 of the value at the median) puts the "
            "safe soil value (0.0278–0.0594 mg/kg) below the natural background (0.097 mg/kg), which lowering "
            "soil Cd cannot reach. At the median (probability 0.5) the value is 1.72–3.68 mg/kg: at that soil "
            "about one harvest in two would exceed the limit.") in out
    assert "HN-01" not in out.split("no soil value is informative")[1].split(")")[0]
    assert main(["safe-soil", str(path), "--lang", "zh"]) == 0
    zh = capsys.readouterr().out
    assert "安全土壤阈值：作物以95 %的概率符合GB2762限量时的土壤重金属含量" in zh
    assert ("synth_maize_cd_ph预测的镉：按95 %的达标概率，2个地块（CQ-01, CQ-02）得不到有参考意义的安全土壤值。"
            "该函数的预测离散度大（se_log10为0.469：同一土壤下，作物镉含量的95 %上限是中位数的5.9倍，"
            "安全土壤值因此只有中位数对应值的1/62），算出的安全土壤值（0.0278–0.0594 mg/kg）低于自然背景值"
            "（0.097 mg/kg），靠降低土壤镉无法达到。按中位数（概率0.5）计，土壤值为1.72–3.68 mg/kg，"
            "在该值下约每两季收获有一季超标。") in zh
    assert "共3行：已评估3个地块，拒绝0行，未评估0个" in zh
    assert "缺少建议列som_pct（土壤有机质）：作物转移函数需要该指标时，按地块所属用地类型的典型值估算" in zh


def _missing(v, column):
    p = v.problems.loc[v.problems["column"] == column, "problem"].tolist()
    assert len(p) == 1
    return p[0]


def test_missing_covariates_are_said_to_be_assumed_while_typical_values_are(tmp_path):
    path = tmp_path / "maize.csv"
    path.write_text(MAIZE, encoding="utf-8")
    tables = load_tables()
    v = validate_plots(str(path), tables)
    for c in ("som_pct", "clay_pct"):
        assert _missing(v, c) == (f"recommended column {c} is missing: where a crop's transfer function needs it, "
                                  "the typical value for the plot's land use is assumed (covariate_defaults.csv), "
                                  "which widens the crop prediction; measuring it narrows the prediction")
    # the plough-layer depth has a typical value for the soil mass (not for a crop function)
    assert _missing(v, "depth_m") == (
        "recommended column depth_m is missing: the typical plough-layer value is assumed for the soil mass (metal "
        "stock and clean-up time; covariate_defaults.csv), and each clean-up time resting on it says so; measuring "
        "it firms the time up")
    zh = [m for m in v.messages(lang="zh") if "clay_pct" in m]
    assert len(zh) == 1 and ("缺少建议列clay_pct（黏粒含量）：作物转移函数需要该指标时，按地块所属用地类型的典型值估算"
                             "（见covariate_defaults.csv），作物含量的预测范围因此更宽；实测该指标可缩小预测范围") in zh[0]
    # the scenario's assume_missing_covariates: false leaves no typical values: the old text
    off = agriremed.plan(str(path), agriremed.Scenario(mc_draws=0, assume_missing_covariates=False))
    p = off.problems.set_index("column")["problem"]
    assert p["som_pct"] == "recommended column som_pct is missing: stages that need it give blank results"
    assert p["depth_m"] == "recommended column depth_m is missing: stages that need it give blank results"
    on = agriremed.plan(str(path), agriremed.Scenario(mc_draws=0))
    assert on.problems.set_index("column")["problem"]["clay_pct"].startswith(
        "recommended column clay_pct is missing: where a crop's transfer function needs it")
