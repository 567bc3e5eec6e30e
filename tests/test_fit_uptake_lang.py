"""``agriremed fit-uptake --lang zh``: the fit report, its notes and warnings, the problems of the pairs
table and the command's own lines in Chinese, as in the other commands; English unchanged."""

import re

from agriremed.apps.cli import main
from agriremed.core import i18n
from plotdata import SAMPLES


def _bad_pairs(tmp_path):
    lines = (SAMPLES / "soil_crop_pairs.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",1.42,", ",-1.42,", 1)  # R002: a negative soil Cd
    p = tmp_path / "pairs.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_fit_uptake_report_in_chinese(tmp_path, capsys):
    out = tmp_path / "fit"
    assert main(["fit-uptake", str(_bad_pairs(tmp_path)), "--crop", "rice", "--out", str(out), "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("转移函数user_rice_cd_pairs：水稻中镉含量（配对样实测部位）的log10（mg/kg，干/鲜基未注明），OLS拟合\n"
                           "数据：pairs.csv；读取240行：有效119行，拒绝1行；错误1条，警告1条\n"
                           "说明：另有120行为其他作物，未参与拟合（本次拟合水稻）\n"
                           "说明：该作物120行中有效样品对119个，均用于拟合\n")
    assert "\n系数（95 %置信区间）：\n" in text and "\n交叉验证（均方根误差，log10单位，各折均值 ± 标准差）：\n" in text
    assert re.search(r"\n样本数n = 119，R² = -?\d\.\d{3}（校正R² -?\d\.\d{3}），残差标准误 = \d\.\d{3}（log10单位）\n", text)
    assert "  错误：第2条记录（文件第3行，样品对R002），列配对样土壤总镉：值'-1.42'——为零或负值：模型取log10" in text
    assert f"已写出{out / 'transfer_functions.csv'}" in text
    # the rice pairs of the samples: the terms predict new pairs no better than a simpler model (fit.warn_cv),
    # so the fit is not recommended for a plan
    assert "在规划中使用该函数" not in text
    assert ("不建议用于规划：在这些数据上，该函数对新样品对的预测并不优于更简单的模型（见上方警告）；"
            f"请先补充土壤条件范围更广的样品对，再考虑使用（agriremed plan 地块表 --out 输出文件夹 --tables {out}）") in text
    # every line but the table rows, the terms and the transfer_functions.csv row reads in Chinese
    head = text.split("写入transfer_functions.csv的行：")[0]
    prose = [ln for ln in head.splitlines() if ln and not ln.startswith("  ") or ln.startswith("  ·")]
    assert not [ln for ln in prose if "nan" in ln or i18n.untranslated(
        re.sub(r"log10\(\w+\)|(?<![A-Za-z_])(ph|soil|som_pct|clay_pct|mean|OLS|R²|SE|RMSE|BCF|Cook|n|p|"
               r"Shapiro–Wilk|Jarque–Bera|Breusch–Pagan|user_rice_cd_pairs|pairs\.csv)(?![A-Za-z_])", " ", ln))]


def test_fit_uptake_english_report_unchanged(tmp_path, capsys):
    assert main(["fit-uptake", str(_bad_pairs(tmp_path)), "--crop", "rice", "--out", str(tmp_path / "f")]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Transfer function user_rice_cd_pairs: log10 plant Cd [mg/kg, unknown] of rice, OLS fit\n"
                           "data: pairs.csv; 240 rows read: 119 valid, 1 rejected; 1 errors, 1 warnings\n"
                           "note: 120 row(s) of other crops set aside (fitting rice)\n"
                           "note: 119 valid pair(s) of 120 used\n")
    assert "pair R002), column soil_cd_mg_kg: value '-1.42' — zero or negative: the model takes log10" in text


def test_a_fit_with_skill_is_offered_for_a_plan(tmp_path, capsys):
    # pairs with a clear soil and pH effect: no fit.warn_cv, so the command says how to use the fit
    import numpy as np
    rng = np.random.default_rng(7)
    soil = 10 ** rng.uniform(-1, 0.7, 80)
    ph = rng.uniform(4.5, 7.5, 80)
    plant = 10 ** (0.2 + 0.9 * np.log10(soil) - 0.25 * ph + rng.normal(0, 0.1, 80))
    rows = ["pair_id,crop,soil_cd_mg_kg,plant_cd_mg_kg,ph"] + [
        f"P{i:03d},rice,{s:.4f},{c:.5f},{h:.2f}" for i, (s, c, h) in enumerate(zip(soil, plant, ph, strict=True))]
    pairs = tmp_path / "good.csv"
    pairs.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "fit"
    assert main(["fit-uptake", str(pairs), "--crop", "rice", "--out", str(out), "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert f"在规划中使用该函数：agriremed plan 地块表 --out 输出文件夹 --tables {out}" in text
    assert "不建议用于规划" not in text
