"""``agriremed screen`` lists under the rejected rows only the errors that rejected them; warnings on the
plots screened have their own heading and the notes on how cells were read are counted, not listed."""

from agriremed.apps.cli import main

SHEET = ("点位编号,土地利用类型,作物,面积（亩）,pH,镉（mg/kg）\n"
         "R1,水田,水稻,8,5.3,0.6\nM1,旱地,玉米,8,6.0,0.2\nBAD1,旱地,玉米,5,五点五,0.5\n")


def test_screen_zh_rejected_rows_show_their_reason_only(tmp_path, capsys):
    p = tmp_path / "county.csv"
    p.write_text(SHEET, encoding="utf-8")
    assert main(["screen", str(p), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    rejected = out.split("拒绝1行：\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(rejected) == 1 and rejected[0].startswith("  错误：第3条记录（文件第4行，地块BAD1），列土壤pH")
    assert "识别为水稻" not in out and "说明：" not in out  # notes: counted, not listed
    assert "另有11条读取说明（如“水田”识别为水田），可用agriremed validate查看" in out


def test_screen_en_warnings_under_their_own_heading(tmp_path, capsys):
    p = tmp_path / "county.csv"
    p.write_text(SHEET.replace("R1,水田,水稻", "R1,水田,莲藕"), encoding="utf-8")
    assert main(["screen", str(p)]) == 0
    out = capsys.readouterr().out
    warned = out.split("warning(s) on the plots screened:\n", 1)[1].split("\n\n", 1)[0]
    assert "value '莲藕' — 莲藕 is not in the library's crops" in warned and "ERROR" not in warned
    assert out.split("1 row(s) rejected:\n", 1)[1].split("\n\n", 1)[0].count("\n  ") == 0
