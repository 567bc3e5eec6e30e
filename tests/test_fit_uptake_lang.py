"""``agriremed fit-uptake --lang zh``: its own lines (problems heading, files written, how to use the fit)
in Chinese, as in the other commands."""

from agriremed.apps.cli import main
from plotdata import SAMPLES


def test_fit_uptake_lines_in_chinese(tmp_path, capsys):
    out = tmp_path / "fit"
    assert main(["fit-uptake", str(SAMPLES / "soil_crop_pairs.csv"), "--crop", "rice", "--out", str(out),
                 "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert f"已写出{out / 'transfer_functions.csv'}" in text and "wrote " not in text
    assert f"在规划中使用该函数：agriremed plan 地块表 --out 输出文件夹 --tables {out}" in text
