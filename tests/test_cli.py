"""The command line: plan, screen, validate; exit codes; offline report."""

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agriremed.apps.cli import main
from agriremed.core import i18n
from agriremed.core.tables import load_tables

BAD = Path(__file__).parent / "bad_inputs"


def test_validate_exit_codes(capsys, sample_plots_path):
    assert main(["validate", str(sample_plots_path)]) == 0
    assert main(["validate", str(BAD / "four_problems.csv")]) == 1
    out = capsys.readouterr().out
    for piece in ("column cd_mg_kg", "column ph: value '15'", "value 'abc'", "column plot_id"):
        assert piece in out
    assert "Traceback" not in out


def test_validate_missing_file_is_a_message_not_a_traceback(capsys, tmp_path):
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_plan_writes_outputs(tmp_path, sample_plots_path, capsys):
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path), "--draws", "50"]) == 0
    out = capsys.readouterr().out
    assert "16 plot(s) planned, 0 rejected" in out
    for f in ("plan.csv", "summary.csv", "report.html", "rejected.csv", "scenario.json"):
        assert (tmp_path / f).exists()
        assert f"wrote {tmp_path / f}" in out
    plan = pd.read_csv(tmp_path / "plan.csv")
    assert len(plan) == 16 * len(load_tables().options)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Plotly" in html and "HN-ZZ-01" in html
    # works offline: nothing is loaded from the network (plotly.js is inlined)
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)
    assert not re.search(r"<link[^>]+href=[\"']https?://", html)
    assert html.count("<script") >= 4


def test_plan_console_summary_is_chinese_under_lang_zh(tmp_path, capsys):
    args = ["plan", str(BAD / "four_problems.csv"), "--out", str(tmp_path), "--draws", "0", "--no-report",
            "--no-xlsx"]
    assert main(args + ["--lang", "zh"]) == 0
    out = capsys.readouterr().out
    table = out.split("\n\n")[0]
    head = table.splitlines()[0].split()
    assert head == ["地块", "土壤类别", "超筛选值重金属", "推荐方案", "管控规则", "所需年限P50",
                    "相对不治理净现值[元/亩]", "相对不治理CO2e[吨/亩/年]"]
    s = pd.read_csv(tmp_path / "summary.csv")
    for cls in s["soil_class"]:
        assert i18n.value("soil_class", cls, "zh") in table
    # the rule by its short name, not its id; money per mu (as the sentences of plots in China give it)
    assert "cn_" not in table and "安全利用：继续生产食用农产品" in table
    assert "相对不治理CO2e：正值表示比不治理清除或避免的排放，负值表示排放更多" in out  # the sign explained
    rows = table.splitlines()[1:]
    for pid, npv in zip(s["plot_id"], s["npv_vs_baseline_cny_ha"], strict=True):
        row = next(r for r in rows if r.split()[0] == pid)
        assert row.split()[-2] == f"{npv / 15:,.0f}"
    assert "safe utilisation" not in table and "strict control" not in table
    assert "共规划2个地块，拒绝4行（随机种子" in out and "无法规划的行及原因见rejected.csv：" in out
    # rejected rows by their file line (the header is line 1), the record number beside it
    assert "  文件第2行（第1条记录）：" in out and "row 1:" not in out
    # each reason names its column by the Chinese label (the English output keeps the column name)
    # with the value read and what was expected
    assert "土壤pH（水浸提）：值'15'——高于有效范围（应为数值≥ 2且≤ 11）" in out and "ph：" not in out
    assert "土壤总镉：值'-0.4'——" in out
    # English stays as it was
    assert main(args) == 0
    en = capsys.readouterr().out
    assert en.splitlines()[0].split()[:3] == ["plot", "class", "metals>screen"]
    assert "2 plot(s) planned, 4 rejected" in en and "  line 2 (row 1): " in en
    assert "ph '15': above the valid range (expected a number ≥ 2 and ≤ 11)" in en
    assert "cd_mg_kg '-0.4': zero or negative" in en


def test_plan_console_names_the_recommended_option_in_english_too(tmp_path, sample_plots_path, capsys):
    # the English console printed option ids (lime_low_cd_rice for the four-part VIP+n package), 中文 the names
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path), "--draws", "0", "--no-report",
                 "--no-xlsx"]) == 0
    table = capsys.readouterr().out.split("\n\n")[0]
    s = pd.read_csv(tmp_path / "summary.csv")
    names = load_tables().options.set_index("option_id")["name_en"]
    assert (s["recommended_option"] == "lime_low_cd_rice").any()
    rows = table.splitlines()[1:]
    for pid, opt in zip(s["plot_id"], s["recommended_option"], strict=True):
        row = next(r for r in rows if r.split()[0] == pid)
        assert f" {names[opt]} " in row and ("_" not in opt or opt not in row)
    assert "VIP+n package: low-Cd rice + flooding + lime + foliar spray" in table
    assert "lime_low_cd_rice" not in table


#: The Chinese column names of a county's plot table (read as agriremed names them).
_ZH_HEADER = "地块编号,地区,土地利用类型,作物,面积(公顷),pH,有机质(%),黏粒(%),容重,耕层深度(m),镉(mg/kg),年降水(mm),年均温(℃)"


def test_plan_warnings_and_nothing_planned_are_chinese_under_lang_zh(tmp_path, capsys):
    """--lang zh: the warnings of the planned rows (a township 花石镇 no province places) and, when
    every row is rejected, the problems printed instead of the plan are Chinese (prob.* messages),
    with no English frame or sentence; English stays as it was."""
    ok = "湖南省株洲市渌口区,水田,水稻,0.5,{ph},3.0,30,1.2,0.2,0.8,1400,17"
    one_bad = tmp_path / "one_bad.csv"
    one_bad.write_text("\n".join([_ZH_HEADER, "A1," + ok.format(ph="5.2"),
                                  "A2," + ok.format(ph="5.2").replace("湖南省株洲市渌口区", "花石镇"),
                                  "A3," + ok.format(ph="abc")]) + "\n", encoding="utf-8")
    base = ["--draws", "0", "--no-report", "--no-xlsx"]
    assert main(["plan", str(one_bad), "--out", str(tmp_path / "o1"), "--lang", "zh", *base]) == 0
    out = capsys.readouterr()
    warn = out.out[out.out.index("已规划的行有1条警告"):].splitlines()[1]
    assert warn.startswith("  警告：第2条记录（文件第3行，地块A2），列地区：值'花石镇'——未写省份，也不是agriremed已知的市或县")
    english = ("WARNING", "ERROR", "row ", "column ", "value ", "expected", "names no province", "not a number",
               "note:", "more (see")
    assert [w for w in english if w in out.out + out.err] == []
    assert main(["plan", str(one_bad), "--out", str(tmp_path / "e1"), *base]) == 0
    en = capsys.readouterr().out
    assert "  WARNING row 2 (line 3, plot A2), column region: value '花石镇' — names no province" in en

    all_bad = tmp_path / "all_bad.csv"
    all_bad.write_text("\n".join([_ZH_HEADER, "B1," + ok.format(ph="abc"),
                                  "B2," + ok.format(ph="5.2").replace(",0.5,", ",-1,", 1)]) + "\n",
                       encoding="utf-8")
    assert main(["plan", str(all_bad), "--out", str(tmp_path / "o2"), "--lang", "zh", *base]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0] == "没有可规划的地块：2行被拒绝"
    assert "  错误：第1条记录（文件第2行，地块B1），列土壤pH（水浸提）：值'abc'——不是数字；应为数值≥ 2且≤ 11" in lines
    assert any(x.startswith("  错误：第2条记录（文件第3行，地块B2），列面积：值'-1'——必须为正数；应为数值> 0") for x in lines)
    assert any(x.startswith("  说明：文件，列地块编号——表头'地块编号'识别为plot_id") for x in lines)  # a note
    assert [w for w in english if w in out.out + out.err] == []
    assert main(["plan", str(all_bad), "--out", str(tmp_path / "e2"), *base]) == 1
    en = capsys.readouterr().out
    assert "  ERROR row 1 (line 2, plot B1), column ph: value 'abc' — not a number; expected a number ≥ 2 and ≤ 11" in en


def test_wrote_lines_and_chunked_summary_are_chinese_under_lang_zh(tmp_path, capsys):
    """--lang zh: the 'wrote …' lines, the chunked run's summary and its table of options by area are
    Chinese (options by their names); the report's score table and assumptions are headed in Chinese."""
    from agriremed.io.synthetic import synthetic_plots

    f = tmp_path / "p.csv"
    synthetic_plots(12, seed=3).to_csv(f, index=False)
    base = ["plan", str(f), "--draws", "0", "--no-xlsx"]
    assert main(base + ["--out", str(tmp_path / "w"), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert f"已写出{tmp_path / 'w' / 'summary.csv'}" in out and "wrote " not in out
    html = (tmp_path / "w" / "report.html").read_text(encoding="utf-8")
    assert "<th>信号灯</th>" in html and "<th>light</th>" not in html and "<th>value</th>" not in html
    assert "说明列为数据表中的英文注释" in html
    assert main(base + ["--out", str(tmp_path / "c"), "--lang", "zh", "--chunk-size", "5"]) == 0
    out = capsys.readouterr().out
    assert "分块规划，每块5个地块" in out and "planning in chunks" not in out
    assert "共规划12个地块，拒绝0行，分3块，用时" in out and "plot(s) planned" not in out
    assert f"已写出{tmp_path / 'c' / 'summary.parquet'}" in out and "wrote " not in out
    s = pd.read_parquet(tmp_path / "c" / "summary.parquet", columns=["recommended_option", "area_ha"])
    top = s["recommended_option"].value_counts().index[0]
    head = next(line for line in out.splitlines() if "地块数" in line)
    assert head.split() == ["地块数", "面积[公顷]"]
    assert i18n.value("option", top, "zh") in out and "recommended_option" not in out
    # English stays as it was
    assert main(base + ["--out", str(tmp_path / "e"), "--chunk-size", "5", "--no-report"]) == 0
    en = capsys.readouterr().out
    assert "12 plot(s) planned, 0 rejected, 3 chunk(s)" in en and f"wrote {tmp_path / 'e' / 'run.json'}" in en
    assert "plots  area [ha]" in en and "recommended_option" in en


def test_plan_with_bad_rows_plans_the_rest(tmp_path, capsys):
    assert main(["plan", str(BAD / "four_problems.csv"), "--out", str(tmp_path), "--draws", "0"]) == 0
    out = capsys.readouterr().out
    assert "2 plot(s) planned, 4 rejected" in out
    rej = pd.read_csv(tmp_path / "rejected.csv")
    assert rej["input_row"].tolist() == [1, 2, 3, 4]
    assert "Traceback" not in out


def test_screen_prints_and_writes(tmp_path, sample_plots_path, capsys):
    assert main(["screen", str(sample_plots_path), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "strict control" in out and "HN-XT-02" in out
    classes = pd.read_csv(tmp_path / "soil_classes.csv", encoding="utf-8-sig")
    assert classes.set_index("plot_id").loc["HN-XT-02", "soil_class"] == "strict_control"


def test_module_entry_point(sample_plots_path):
    r = subprocess.run([sys.executable, "-m", "agriremed", "validate", str(sample_plots_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "16 valid" in r.stdout


# ---- soil screening with a user set, fitting transfer functions, safe soil thresholds ----------
PAIRS = Path(__file__).resolve().parents[1] / "data" / "samples" / "soil_crop_pairs.csv"


def test_screen_prints_classes_in_both_languages_and_ratios(sample_plots_path, capsys):
    assert main(["screen", str(sample_plots_path)]) == 0
    out = capsys.readouterr().out
    assert "threshold set gb15618_2018" in out and "严格管控类" in out and "优先保护类" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("HN-XT-02"))
    assert "strict control" in line and "6.40*" in line   # Cd 1.92 / 0.3 = 6.4, above intervention 1.5
    assert "3 priority protection (优先保护类), 9 safe utilisation (安全利用类), 4 strict control" in out


def test_screen_in_chinese_prints_and_writes_in_chinese(tmp_path, sample_plots_path, capsys, monkeypatch):
    """``screen --lang zh``: table heads, classes, metals, counts, rejected rows, the 'wrote' lines
    and rejected.csv's reasons in 中文, whole and in chunks; the CSV columns keep their codes."""
    import agriremed.apps.cli as cli

    rows = pd.read_csv(sample_plots_path, dtype=str)
    rows.loc[0, "ph"] = "acid"
    path = tmp_path / "plots.csv"
    rows.to_csv(path, index=False)
    assert main(["screen", str(path), "--lang", "zh", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "土壤按风险筛选值标准gb15618_2018" in out and "比值 = 土壤含量/风险筛选值" in out
    head = next(ln for ln in out.splitlines() if "土壤类别" in ln).split()
    assert head[:3] == ["地块", "土壤类别", "主控重金属"] and "镉" in head
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("HN-XT-02")).split()
    assert line[1:3] == ["严格管控类", "镉"] and "6.40*" in line
    assert "优先保护类3个，安全利用类8个，严格管控类4个" in out
    assert "拒绝1行：" in out and f"已写出{tmp_path / 'o' / 'rejected.csv'}" in out
    for word in ("strict control", "row(s) rejected", "wrote", "controlling", "Soil screening"):
        assert word not in out
    rejected = pd.read_csv(tmp_path / "o" / "rejected.csv", encoding="utf-8-sig")
    assert rejected["reasons"].str.contains("pH").all() and rejected["reasons"].str.contains("应为").all()
    classes = pd.read_csv(tmp_path / "o" / "soil_classes.csv", encoding="utf-8-sig")
    assert classes.set_index("plot_id").loc["HN-XT-02", "soil_class"] == "strict_control"
    monkeypatch.setattr(cli, "STREAM_ROWS", 8)  # chunks of 2 rows
    assert main(["screen", str(path), "--lang", "zh"]) == 0
    streamed = capsys.readouterr().out
    assert "优先保护类3个，安全利用类8个，严格管控类4个" in streamed and "拒绝1行：" in streamed
    assert "strict control" not in streamed and "row(s) rejected" not in streamed


def test_screen_with_a_user_set_and_an_unknown_set(tmp_path, sample_plots_path, capsys):
    (tmp_path / "soil_thresholds.csv").write_text(
        "set_id,kind,metal,land_uses,ph_above,ph_up_to,value_mg_kg,source\n"
        "demo_set,screening,cd,*,-inf,inf,1.0,mee2018_gb15618\n", encoding="utf-8")
    assert main(["screen", str(sample_plots_path), "--tables", str(tmp_path), "--set", "demo_set",
                 "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "threshold set demo_set" in out
    s = pd.read_csv(tmp_path / "o" / "soil_screening.csv", encoding="utf-8-sig")
    assert (s["threshold_set"] == "demo_set").all()
    assert s.loc[(s["plot_id"] == "HN-XT-02") & (s["metal"] == "cd"), "exceedance_ratio"].item() == 1.92
    assert main(["screen", str(sample_plots_path), "--set", "nope"]) == 2
    err = capsys.readouterr().err
    assert "threshold set 'nope' is not in soil_thresholds.csv; available: gb15618_2018" in err


def test_fit_uptake_writes_a_function_that_plan_uses(tmp_path, sample_plots_path, capsys):
    out_dir = tmp_path / "fit"
    assert main(["fit-uptake", str(PAIRS), "--crop", "rice", "--metal", "cd", "--out", str(out_dir),
                 "--terms", "log10(soil),ph", "--basis", "dw"]) == 0
    out = capsys.readouterr().out
    assert "coefficients (95 % CI):" in out and "cross-validation" in out and "loglog" in out
    fid = "user_rice_cd_soil_crop_pairs"
    tf = pd.read_csv(out_dir / "transfer_functions.csv")
    assert tf["function_id"].tolist() == [fid] and tf.loc[0, "plant_basis"] == "dw" and tf.loc[0, "n"] == 120
    coefs = pd.read_csv(out_dir / f"{fid}_coefficients.csv", encoding="utf-8-sig")
    assert coefs["model_term"].tolist() == ["const", "log10(soil)", "ph"]
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path / "plan"), "--tables", str(out_dir),
                 "--draws", "0", "--no-report", "--quiet"]) == 0
    up = pd.read_csv(tmp_path / "plan" / "crop_uptake.csv")
    rice = up.loc[(up["crop"] == "rice") & (up["metal"] == "cd") & up["assessed"]].set_index("plot_id")["function_id"]
    # the user's own function (priority 0) comes before the packaged provincial ones
    assert (rice == fid).all() and len(rice) == 9


def test_fit_uptake_leaves_bad_rows_out_and_lists_them(tmp_path, capsys):
    assert main(["fit-uptake", str(BAD / "pairs_four_problems.csv"), "--crop", "rice", "--out", str(tmp_path),
                 "--terms", "log10(soil),ph"]) == 0
    out = capsys.readouterr().out
    assert "12 rows read: 8 valid, 4 rejected" in out and "n = 8," in out
    for piece in ("row 2 (line 3, pair P02), column soil_cd_mg_kg: value '0,52' — decimal comma",
                  "row 3 (line 4, pair P03), column plant_cd_mg_kg: value '0' — zero or negative",
                  "row 4 (line 5, pair P04), column ph: value '15' — above the valid range",
                  "row 5 (line 6, pair P05), column plant_cd_mg_kg: value 'abc' — not a number"):
        assert piece in out
    assert "Traceback" not in out


def test_fit_uptake_bad_files_are_messages_not_tracebacks(tmp_path, capsys):
    assert main(["fit-uptake", str(BAD / "pairs_no_plant_column.csv"), "--crop", "rice",
                 "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "required column plant_cd_mg_kg is missing" in err and "Traceback" not in err
    assert main(["fit-uptake", str(tmp_path / "missing.csv"), "--crop", "rice", "--out", str(tmp_path)]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["fit-uptake", str(PAIRS), "--crop", "rice", "--out", str(tmp_path),
                 "--terms", "exp(soil)"]) == 1
    assert "not understood" in capsys.readouterr().err


def test_safe_soil_command(tmp_path, sample_plots_path, capsys):
    assert main(["safe-soil", str(sample_plots_path), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "probability 0.95" in out and "synth_rice_cd_ph_hunan" in out
    t = pd.read_csv(tmp_path / "safe_soil.csv", encoding="utf-8-sig").set_index(["plot_id", "metal"])
    # Hunan rice synthesis at pH 5.1, GB 2762 0.2 mg/kg, se 0.468:
    # 10^((log10(0.2) − 1.64485·0.468 − 0.6753 + 0.22975·5.1) / 0.4305)
    expected = 10 ** ((np.log10(0.2) - 1.6448536 * 0.468 - 0.6753 + 0.22975 * 5.1) / 0.4305)
    assert t.loc[("HN-ZZ-01", "cd"), "safe_soil_mg_kg"] == pytest.approx(expected, rel=1e-5)
    # rice As has no usable default function (synth_rice_as_bcf is opt-in): no As row
    assert ("HN-ZZ-01", "as") not in t.index
    assert main(["safe-soil", str(sample_plots_path), "--standard", "CODEX", "--prob", "0.9"]) == 0
    assert main(["safe-soil", str(sample_plots_path), "--prob", "1.5"]) == 2
    assert "expected a probability" in capsys.readouterr().err


def test_safe_soil_judges_each_plot_against_its_own_standard(tmp_path, sample_plots_path, capsys):
    # the same rice plot in Hunan and in Derbyshire: under the default --standard auto the Hunan plot's
    # threshold is computed at the GB 2762 limit (0.2 mg/kg) and the UK plot's at the EU 2023/915 limit
    # (0.15 mg/kg, the rice row of food_limits.csv), as a plan judges them; --standard GB2762 keeps 0.2 for both
    df = pd.read_csv(sample_plots_path).query("plot_id == 'HN-ZZ-01'")
    uk = df.assign(plot_id="UK-1", region="UK/Derbyshire")
    path = tmp_path / "mixed.csv"
    pd.concat([uk, df]).to_csv(path, index=False)
    assert main(["safe-soil", str(path), "--out", str(tmp_path / "auto")]) == 0
    out = capsys.readouterr().out
    assert "meets the EU2023_915 / GB2762 limit" in out
    t = pd.read_csv(tmp_path / "auto" / "safe_soil.csv", encoding="utf-8-sig")
    cd = t.loc[t["metal"] == "cd"].set_index("plot_id")
    assert list(cd.index) == ["UK-1", "HN-ZZ-01"]                       # plot order kept
    assert cd.loc["UK-1", "food_standard"] == "EU2023_915" and cd.loc["UK-1", "food_limit_mg_kg"] == 0.15
    assert cd.loc["HN-ZZ-01", "food_standard"] == "GB2762" and cd.loc["HN-ZZ-01", "food_limit_mg_kg"] == 0.2
    assert main(["safe-soil", str(path), "--standard", "GB2762", "--out", str(tmp_path / "gb")]) == 0
    g = pd.read_csv(tmp_path / "gb" / "safe_soil.csv", encoding="utf-8-sig")
    assert (g.loc[g["metal"] == "cd", "food_limit_mg_kg"] == 0.2).all()
    assert (g["food_standard"] == "GB2762").all()


# ---- outputs people can open -----------------------------------------------------------------
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _hostile_plots(sample_plots_path, folder: Path) -> Path:
    """The 16 sample plots with formula-looking and escape-laden text and two unused columns;
    row 5 has a formula where pH should be (rejected)."""
    df = pd.read_csv(sample_plots_path, dtype=str, keep_default_na=False)
    df.loc[1, "plot_id"] = "=1+2"
    df.loc[2, "plot_id"] = "\x1b[31mRED\x1b]0;owned\x07-3\x1b[0m"
    df.loc[3, "plot_id"] = "@SUM(A1)"
    df.loc[6, "plot_id"] = "\u202eevil"
    df.loc[3, "region"] = "+cmd|' /C calc'!A0"
    df.loc[4, "ph"] = "=HYPERLINK(\"http://x\",\"ph\")"
    df.insert(2, "Farmer phone", ["+86 138 0000 0000", "-1.5", "-2+3", "@home", "-"] + ["Wang"] * 11)
    df["备注"] = ["=cmd", "正常"] + [""] * 14
    p = folder / "hostile.csv"
    df.to_csv(p, index=False, encoding="utf-8")
    return p


def _csv_outputs(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.csv"))
    assert files
    return files


def _assert_no_formula_cells(path: Path) -> None:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            for cell in row:
                assert not cell.startswith(FORMULA_START) or PLAIN_NUMBER.fullmatch(cell), (path.name, cell)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, sample_plots_path):
    folder = tmp_path_factory.mktemp("hostile")
    src = _hostile_plots(sample_plots_path, folder)
    out = folder / "out"
    import contextlib
    import io

    buf, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
        code = main(["plan", str(src), "--out", str(out), "--draws", "0"])
    return code, buf.getvalue() + err.getvalue(), out


def test_every_csv_output_reads_with_plain_read_csv(hostile_run):
    code, _, out = hostile_run
    assert code == 0
    for f in _csv_outputs(out):
        head = f.read_bytes()[:3]
        assert head == b"\xef\xbb\xbf"                    # UTF-8 with BOM: Excel shows Chinese text
        assert not f.read_text(encoding="utf-8-sig").startswith("#")
        df = pd.read_csv(f)                                 # no arguments
        assert df.columns[0] in ("plot_id", "input_row"), f.name
    s = pd.read_csv(out / "summary.csv")
    assert len(s) == 15 and s["area_ha"].dtype == float
    assert len(pd.read_csv(out / "plan.csv")) == 15 * len(load_tables().options)
    assert len(pd.read_csv(out / "rejected.csv")) == 1


def test_formula_looking_cells_are_neutralised_everywhere(hostile_run):
    _, _, out = hostile_run
    for f in _csv_outputs(out):
        _assert_no_formula_cells(f)
    s = pd.read_csv(out / "summary.csv", dtype=str, keep_default_na=False).set_index("input_row")
    assert s.loc["2", "plot_id"] == "'=1+2"
    assert s.loc["4", "plot_id"] == "'@SUM(A1)" and s.loc["4", "region"] == "'+cmd|' /C calc'!A0"
    phone = s["farmer_phone"]
    assert phone["1"] == "'+86 138 0000 0000" and phone["2"] == "-1.5"      # a plain number stays
    assert phone["3"] == "'-2+3" and phone["4"] == "'@home"
    assert s.loc["1", "备注"] == "'=cmd" and s.loc["2", "备注"] == "正常"
    rej = pd.read_csv(out / "rejected.csv", dtype=str, keep_default_na=False)
    assert rej.loc[0, "ph"] == "'=HYPERLINK(\"http://x\",\"ph\")" and rej.loc[0, "Farmer phone"] == "'-"
    probs = pd.read_csv(out / "problems.csv", dtype=str, keep_default_na=False)
    assert "'=HYPERLINK(\"http://x\",\"ph\")" in probs["value"].tolist()
    plan = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False)
    assert (plan.loc[plan["plot_id"] == "'=1+2", "option_id"].size == len(load_tables().options))


def test_control_characters_are_stripped_from_cli_output(hostile_run, tmp_path, capsys):
    _, text, out = hostile_run
    assert "RED" in text and "=1+2" in text and "evil" in text
    for bad in ("\x1b", "\x07", "\u202e", "\r"):
        assert bad not in text
    assert main(["validate", str(out.parent / "hostile.csv")]) == 1
    cap = capsys.readouterr()
    assert "HYPERLINK" in cap.out and not any(c in cap.out + cap.err for c in ("\x1b", "\x07", "\u202e"))
    assert main(["screen", str(out.parent / "hostile.csv")]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_passed_through_columns_are_in_summary_and_plan(hostile_run):
    _, _, out = hostile_run
    probs = pd.read_csv(out / "problems.csv", dtype=str, keep_default_na=False)
    announced = probs.loc[probs["problem"].str.contains("passed through"), "column"].tolist()
    assert sorted(announced) == sorted(["farmer_phone", "备注"])
    s = pd.read_csv(out / "summary.csv", dtype=str, keep_default_na=False)
    plan = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False)
    for col in announced:
        assert col in s.columns and col in plan.columns
    # each plot's value on each of its option rows
    per_plot = plan.groupby("plot_id")["farmer_phone"].agg(lambda v: set(v))
    assert all(len(v) == 1 for v in per_plot)
    assert per_plot["HN-ZZ-01"] == {"'+86 138 0000 0000"}
    assert s.set_index("plot_id").loc["'=1+2", "备注"] == "正常"
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert sorted(run["passed_through"]) == sorted(announced)


def _check_datapackage(out: Path) -> dict:
    """Every CSV and Parquet output described, field names = header, types hold, units given."""
    from agriremed.core import columns as C

    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["profile"] == "tabular-data-package" and re.fullmatch(r"[a-z0-9._-]+", pkg["name"])
    described = {r["path"]: r for r in pkg["resources"]}
    tables = sorted(p.name for p in out.iterdir() if p.suffix in (".csv", ".parquet"))
    assert sorted(described) == tables
    for path, r in described.items():
        assert re.fullmatch(r"[a-z0-9._-]+", r["name"]) and r["profile"] == "tabular-data-resource"
        df = pd.read_csv(out / path) if path.endswith(".csv") else pd.read_parquet(out / path)
        fields = r["schema"]["fields"]
        assert [f["name"] for f in fields] == list(df.columns), path
        for f in fields:
            assert f["type"] in ("string", "number", "integer", "boolean"), (path, f)
            assert "unit" in f and "title" in f and "title_zh" in f and "description" in f, (path, f)
            v = df[f["name"]].dropna()
            if f["type"] == "number":
                assert pd.api.types.is_numeric_dtype(v) or v.empty, (path, f["name"])
            elif f["type"] == "integer":
                assert (v.astype(float) % 1 == 0).all(), (path, f["name"])
            elif f["type"] == "boolean":
                assert set(v.astype(str)) <= {"True", "False"}, (path, f["name"])
            spec = C.COLUMNS.get(f["name"])
            if spec is not None:
                assert f["unit"] == (spec.unit if spec.unit != "1" else "") and f["title_zh"] == spec.label_zh
    return described


def test_datapackage_describes_every_column_with_unit_and_chinese_label(hostile_run):
    _, _, out = hostile_run
    d = _check_datapackage(out)
    summary = {f["name"]: f for f in d["summary.csv"]["schema"]["fields"]}
    assert summary["area_ha"]["unit"] == "ha" and summary["area_ha"]["title_zh"] == "面积"
    assert summary["area_ha"]["type"] == "number"
    assert summary["npv_vs_baseline_cny_ha"]["unit"] == "CNY/ha"
    assert summary["plot_id"] == {"name": "plot_id", "type": "string", "unit": "", "unit_display": "",
                                  "title": "Plot ID", "title_zh": "地块编号",
                                  "description": "Unique identifier of the plot."}
    assert summary["farmer_phone"]["description"] == "input column passed through unchanged"
    plan = {f["name"]: f for f in d["plan.csv"]["schema"]["fields"]}
    assert plan["applicable"]["type"] == "boolean" and plan["years_p50"]["unit"] == "yr"
    assert d["plan.csv"]["encoding"] == "utf-8" and d["plan.csv"]["dialect"]["header"] is True


def test_out_naming_a_file_is_one_line_and_exit_2(tmp_path, sample_plots_path, capsys):
    f = tmp_path / "results.txt"
    f.write_text("keep me", encoding="utf-8")
    for argv in (["plan", str(sample_plots_path), "--out", str(f)],
                 ["plan", str(sample_plots_path), "--out", str(f), "--chunk-size", "5"],
                 ["plan", str(sample_plots_path), "--out", str(f / "sub")],
                 ["screen", str(sample_plots_path), "--out", str(f)],
                 ["validate", str(sample_plots_path), "--out", str(f)],
                 ["safe-soil", str(sample_plots_path), "--out", str(f)]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"error: output folder {f}") and "is a file" in err
    assert f.read_text(encoding="utf-8") == "keep me"


def test_rerun_with_every_row_rejected_leaves_no_output_of_the_first_run(tmp_path, sample_plots_path, capsys):
    out = tmp_path / "out"
    assert main(["plan", str(sample_plots_path), "--out", str(out), "--draws", "0"]) == 0
    assert (out / "report.html").exists() and len(pd.read_csv(out / "summary.csv")) == 16
    (out / "my_notes.txt").write_text("mine", encoding="utf-8")
    bad = pd.read_csv(sample_plots_path, dtype=str, keep_default_na=False)
    bad["ph"] = "15"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    assert main(["plan", str(tmp_path / "bad.csv"), "--out", str(out), "--draws", "0"]) == 1
    capsys.readouterr()
    assert not (out / "report.html").exists()
    assert len(pd.read_csv(out / "rejected.csv")) == 16 and len(pd.read_csv(out / "summary.csv")) == 0
    assert (out / "my_notes.txt").read_text(encoding="utf-8") == "mine"    # not ours: kept
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["plots_planned"] == 0 and "report.html" not in run["files"]
    assert sorted(p.name for p in out.iterdir()) == sorted(run["files"] + ["my_notes.txt"])
    # a streamed rerun writes Parquet: the CSV plan and summary of the earlier run go too
    assert main(["plan", str(sample_plots_path), "--out", str(out), "--draws", "0"]) == 0
    assert main(["plan", str(tmp_path / "bad.csv"), "--out", str(out), "--draws", "0",
                 "--chunk-size", "4"]) == 1
    names = {p.name for p in out.iterdir()}
    assert not names & {"plan.csv", "summary.csv", "report.html", "scores.csv", "carbon_ledger.csv"}
    assert {"plan.parquet", "summary.parquet", "rejected.csv", "run.json", "datapackage.json"} <= names
    _check_datapackage(out)
def test_plan_rule_set_switch_is_recorded_and_an_unknown_set_refused(tmp_path, sample_plots_path, capsys):
    import pandas as pd

    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path), "--draws", "0", "--rules", "none",
                 "--no-report"]) == 0
    s = pd.read_csv(tmp_path / "summary.csv", comment="#")
    assert set(s["rule_set"]) == {"none"} and set(s["policy_rule"]) == {"none_no_rules"}
    assert "policy rule" in capsys.readouterr().out
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path / "x"), "--draws", "0",
                 "--rules", "uk"]) == 2
    assert "unknown rule set 'uk'" in capsys.readouterr().err


# ---- bounded memory -------------------------------------------------------------------------


def test_too_many_draws_are_refused_in_one_line_with_the_largest_that_fits(tmp_path, sample_plots_path,
                                                                            capsys):
    from agriremed.engine.stream import max_draws, memory_estimate_mb

    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path / "o"), "--draws", "1000000"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    # 1 plot × 10⁶ draws: 350 + 10⁶ × (0.005 + 0.0035) + 0.22 MB
    assert round(memory_estimate_mb(1, 1_000_000)) == 8850
    assert "--draws 1,000,000: one plot with this many Monte Carlo draws needs about 8,850 MB" in err
    assert f"the largest number of draws that fits is {max_draws():,}" in err and max_draws() == 252915
    assert not (tmp_path / "o" / "plan.csv").exists()
    sc = tmp_path / "s.json"
    sc.write_text(json.dumps({"mc_draws": 400_000}), encoding="utf-8")
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path / "o"), "--scenario", str(sc)]) == 2
    assert "mc_draws 400,000: one plot" in capsys.readouterr().err
    # the budget sets the limit: --memory 2000 → (2000 − 350 − 0.22) // 0.0085 draws
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path / "o"), "--draws", "200000",
                 "--memory", "2000"]) == 2
    assert "the largest number of draws that fits is 194,091" in capsys.readouterr().err


def test_a_chunk_size_beyond_the_memory_budget_is_refused(tmp_path, sample_plots_path, capsys):
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path), "--chunk-size", "5000"]) == 2
    err = capsys.readouterr().err
    # 500 draws: (2500 − 350 − 2.5) // (0.22 + 1.75) = 1090 plots; 5 000 plots: 352.5 + 5 000 × 1.97 MB
    assert "use --chunk-size 1,090 or less" in err and "about 10,202 MB" in err


def test_default_command_chunks_by_rows_and_writes_the_in_memory_files(tmp_path, capsys):
    """With --memory 400 MB, 20 draws and every option written, (400 − 350 − 0.1) // (0.40 + 0.07) = 106
    plots fit at once: 300 plots are planned in three chunks, with the same plan.csv and summary.csv
    as one plan."""
    import agriremed
    from agriremed.io.synthetic import synthetic_plots

    f = tmp_path / "p.csv"
    synthetic_plots(300, seed=21).to_csv(f, index=False)
    assert main(["plan", str(f), "--out", str(tmp_path / "chunked"), "--draws", "20", "--memory", "400",
                 "--all-options"]) == 0
    out = capsys.readouterr().out
    assert "planning in chunks of 106 plots (the input has up to 301 rows" in out
    assert "300 plot(s) planned, 0 rejected, 3 chunk(s)" in out
    whole = tmp_path / "whole"
    agriremed.plan(f, agriremed.Scenario(mc_draws=20), progress=False).write(whole, report=False)
    for name in ("plan.csv", "summary.csv", "rejected.csv"):
        assert (tmp_path / "chunked" / name).read_bytes() == (whole / name).read_bytes(), name
    assert json.loads((tmp_path / "chunked" / "run.json").read_text())["chunk_size"] == 106
    # by default the chunked plan.csv holds the recommended rows, as the whole plan writes them
    assert main(["plan", str(f), "--out", str(tmp_path / "rec"), "--draws", "20", "--memory", "400",
                 "--quiet"]) == 0
    lines = (whole / "plan.csv").read_text(encoding="utf-8-sig").splitlines()
    col = lines[0].split(",").index("recommended")
    want = [lines[0]] + [x for x in lines[1:] if next(csv.reader([x]))[col] == "TRUE"]
    assert (tmp_path / "rec" / "plan.csv").read_text(encoding="utf-8-sig").splitlines() == want
    assert (tmp_path / "rec" / "summary.csv").read_bytes() == (whole / "summary.csv").read_bytes()
    # the same file fits in one plan with the default budget: report.html and the per-year tables
    assert main(["plan", str(f), "--out", str(tmp_path / "one"), "--draws", "20", "--quiet"]) == 0
    assert (tmp_path / "one" / "report.html").exists()


# ---- validate and screen of large inputs, chunk by chunk -----------------------------------


def _with_bad_rows(tmp_path, n=400):
    from agriremed.io.synthetic import synthetic_plots

    df = synthetic_plots(n, seed=11)
    df.loc[7, "ph"] = 15  # out of range
    df["cd_mg_kg"] = df["cd_mg_kg"].astype(object)
    df.loc[300, "cd_mg_kg"] = "abc"  # not a number
    df.loc[350, "plot_id"] = df.loc[3, "plot_id"]  # repeated id across chunks
    path = tmp_path / "many.csv"
    df.to_csv(path, index=False)
    return path, n


def test_streamed_validation_equals_whole_file_validation(tmp_path):
    from agriremed.engine.stream import validate_stream
    from agriremed.io.validate import validate_plots

    path, n = _with_bad_rows(tmp_path)
    whole = validate_plots(path)
    streamed = validate_stream(path, chunk_size=64, keep_plots=10)
    assert streamed.n_input == whole.n_input == n
    assert streamed.n_valid == len(whole.plots) and len(streamed.plots) == 10
    assert streamed.n_valid + len(streamed.rejected) == n
    assert streamed.rejected["input_row"].tolist() == whole.rejected["input_row"].tolist()
    assert streamed.messages() == whole.messages()
    assert streamed.summary() == whole.summary()


def test_validate_and_screen_stream_large_inputs_with_the_same_answers(tmp_path, capsys, monkeypatch):
    import agriremed.apps.cli as cli

    path, n = _with_bad_rows(tmp_path)
    assert main(["validate", str(path)]) == 1
    whole_out = capsys.readouterr().out
    assert main(["screen", str(path), "--out", str(tmp_path / "whole")]) == 0
    capsys.readouterr()
    monkeypatch.setattr(cli, "STREAM_ROWS", 100)  # chunks of 25 rows
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out == whole_out
    assert main(["screen", str(path), "--out", str(tmp_path / "streamed")]) == 0
    out = capsys.readouterr().out
    assert "356 more plots in soil_classes.csv" in out  # 396 valid rows (4 rejected), 40 shown
    for name in ("soil_screening.csv", "soil_classes.csv", "rejected.csv"):
        a = pd.read_csv(tmp_path / "whole" / name, encoding="utf-8-sig")
        b = pd.read_csv(tmp_path / "streamed" / name, encoding="utf-8-sig")
        if name == "soil_screening.csv":  # metal by metal within each chunk: same rows, other order
            a, b = (x.sort_values(["plot_id", "metal"], ignore_index=True) for x in (a, b))
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    classes = pd.read_csv(tmp_path / "whole" / "soil_classes.csv", encoding="utf-8-sig")
    counts = classes["soil_class"].value_counts()
    from agriremed.stages.soil import CLASS_NAMES

    assert ", ".join(f"{counts.get(c, 0):,} {en} ({zh})" for c, (en, zh) in CLASS_NAMES.items()) in out


def _bad_plots(tmp_path, sample_plots_path) -> Path:
    """Sample row HN-ZZ-01 six times: negative Cd, pH 2.5, pH 11, pH 'acid', as is, pH 3.5."""
    row = pd.read_csv(sample_plots_path, dtype=str).iloc[[0] * 6].reset_index(drop=True)
    row["plot_id"] = ["NEG", "PH25", "PH11", "TXT", "OK", "PH35"]
    row.loc[0, "cd_mg_kg"] = "-0.5"
    row["ph"] = ["5.1", "2.5", "11", "acid", "5.1", "3.5"]
    path = tmp_path / "bad.csv"
    row.to_csv(path, index=False)
    return path


def test_safe_soil_lists_rejected_and_unassessed_plots(tmp_path, sample_plots_path, capsys):
    bad = _bad_plots(tmp_path, sample_plots_path)
    assert main(["safe-soil", str(bad), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    # planned + rejected + not assessed = rows
    # pH 3.5 is outside the rice functions' 4–8.5 but inside the domain (3–10): solved at the edge of the range
    assert "6 row(s): 2 assessed, 2 rejected, 2 not assessed" in out
    assert "ERROR row 1 (line 2, plot NEG), column cd_mg_kg" in out
    assert "ERROR row 4 (line 5, plot TXT), column ph: value 'acid' — not a number" in out
    assert "row 2 (line 3, plot PH25) — Cd: soil pH outside 3–10" in out
    assert "row 3 (line 4, plot PH11) — Cd: soil pH outside 3–10" in out
    assert "plot PH35) —" not in out  # assessed, not listed as not assessed
    # its blank safe pH is explained (no pH up to 8.5 makes the rice meet the limit)
    assert "plot PH35 (cd): safe_ph: no pH up to 8.5 makes the crop meet the limit with probability 0.95" in out
    t = pd.read_csv(tmp_path / "o" / "safe_soil.csv", encoding="utf-8-sig", keep_default_na=False)
    assert t["plot_id"].tolist() == ["PH25", "PH11", "OK", "PH35"]
    assert t.set_index("plot_id").loc["PH11", "safe_soil_mg_kg"] == ""
    assert t.set_index("plot_id").loc["OK", "not_assessed_reason"] == ""
    assert t.set_index("plot_id").loc["PH35", "extrapolated"] == "TRUE"
    problems = pd.read_csv(tmp_path / "o" / "problems.csv", encoding="utf-8-sig")
    assert set(problems.loc[problems["severity"] == "error", "plot_id"]) == {"NEG", "TXT"}
    rejected = pd.read_csv(tmp_path / "o" / "rejected.csv", encoding="utf-8-sig")
    assert rejected["plot_id"].tolist() == ["NEG", "TXT"]


def test_safe_soil_flags_thresholds_below_background(tmp_path, sample_plots_path, capsys):
    assert main(["safe-soil", str(sample_plots_path), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # at 95 % no soil value is informative: the function's spread and the value at the median are given
    assert "Cd with synth_rice_cd_ph_hunan at probability 95 %: no soil value is informative for" in out
    assert "HN-ZZ-01" in out.split("no soil value is informative")[1].split(". ")[0]
    assert "below the natural background (0.097 mg/kg), which lowering soil Cd cannot reach" in out
    t = pd.read_csv(tmp_path / "safe_soil.csv", encoding="utf-8-sig").set_index(["plot_id", "metal"])
    # Hunan rice at pH 5.1: median threshold 10^((log10 0.2 − 0.6753 + 0.22975·5.1)/0.4305)
    expected = 10 ** ((np.log10(0.2) - 0.6753 + 0.22975 * 5.1) / 0.4305)
    assert t.loc[("HN-ZZ-01", "cd"), "safe_soil_p50_mg_kg"] == pytest.approx(expected, rel=1e-5)
    assert bool(t.loc[("HN-ZZ-01", "cd"), "below_background"]) is True


def test_plan_prints_the_grouped_warnings_of_planned_rows(capsys, tmp_path):
    # two plots of 2 m² share the small-area warning: said once with their rows; the 1 ha plot has none
    f = tmp_path / "small.csv"
    f.write_text("plot_id,region,land_use,crop,area_ha,ph,cd_mg_kg,basic_farmland,som_pct,clay_pct,"
                 "bulk_density_g_cm3,depth_m\n"
                 + "".join(f"{p},Hunan/Yiyang,paddy,rice,{a},5.5,0.5,yes,3,30,1.2,0.2\n"
                           for p, a in (("A1", 0.0002), ("A2", 0.0002), ("A3", 1.0))), encoding="utf-8")
    assert main(["plan", str(f), "--out", str(tmp_path / "o"), "--draws", "0", "--no-xlsx", "--no-report"]) == 0
    out = capsys.readouterr().out
    assert "2 warnings on planned rows, all in problems.csv (a warning that several rows share is said once):" in out
    assert ("  WARNING rows 1–2 (lines 2–3; 2 rows), column area_ha: value '0.0002' — smaller than a field: 2 m², "
            "below 50 m²") in out
    assert main(["plan", str(f), "--out", str(tmp_path / "z"), "--draws", "0", "--no-xlsx", "--no-report",
                 "--lang", "zh"]) == 0
    assert "已规划的行有2条警告，全部见problems.csv（多行相同的警告合并为一条）：" in capsys.readouterr().out


def test_plan_warnings_leave_out_reading_echoes_and_plots_abroad_are_placed(capsys, tmp_path):
    # a county sheet with Chinese headers and values (作物 → crop, 是 → yes) and a UK plot: the readings
    # stay in problems.csv but the console's warnings keep only what to act on (the 亩 conversion); a
    # region naming a country outside China is not "not placed in a province"
    f = tmp_path / "cn.csv"
    f.write_text("地块编号,地区,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）,基本农田,有机质（%）,黏粒（%）,容重,耕层深度（m）\n"
                 "A1,湖南/益阳,水田,水稻,15,5.5,0.5,是,3,30,1.2,0.2\n"
                 "UK1,UK/Derbyshire,旱地,小麦,15,6.5,1.5,否,3,30,1.2,0.2\n", encoding="utf-8")
    assert main(["plan", str(f), "--out", str(tmp_path / "o"), "--draws", "0", "--no-xlsx", "--no-report"]) == 0
    out = capsys.readouterr().out
    assert "1 warnings on planned rows" in out and "states 亩: values converted to ha" in out
    assert "read as crop" not in out and "not placed in a province" not in out
    problems = pd.read_csv(tmp_path / "o" / "problems.csv", encoding="utf-8-sig")
    assert problems["problem_msg"].str.contains("val.header_read").sum() == 11  # 面积（亩） is a conversion
    assert not problems["problem_msg"].str.contains("val.region_unplaced").any()


def test_plan_of_the_sample_plots_prints_no_warning_block(capsys, sample_plots_path, tmp_path):
    assert main(["plan", str(sample_plots_path), "--out", str(tmp_path / "o"), "--draws", "0", "--no-xlsx",
                 "--no-report"]) == 0
    assert "warnings on planned rows" not in capsys.readouterr().out


@pytest.mark.parametrize("lang, expected", [
    ("zh", "错误：plots.xlsx有2个含数据的工作表（'plots', '说明'）：请用“--sheet 工作表名”选择地块所在的工作表"),
    ("en", "error: plots.xlsx has 2 sheets with data ('plots', '说明'): choose the sheet of plots with --sheet NAME")])
def test_several_sheets_error_in_the_language_of_the_run(capsys, tmp_path, lang, expected):
    """The error of a workbook with several sheets of data is printed in the language of --lang."""
    path = tmp_path / "plots.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"plot_id": ["P1"], "land_use": ["paddy"], "crop": ["rice"], "ph": [5.4],
                      "cd_mg_kg": [0.8]}).to_excel(w, sheet_name="plots", index=False)
        pd.DataFrame({"说明": ["填表说明", "单位mg/kg"]}).to_excel(w, sheet_name="说明", index=False)
    assert main(["plan", str(path), "--out", str(tmp_path / "out"), "--lang", lang, "--draws", "0"]) == 2
    assert capsys.readouterr().err.strip() == expected
