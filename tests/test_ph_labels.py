"""pH cells and headers naming the extraction: a water label (（水）, (H2O), 水浸提) is the
column's own basis and is read; a KCl or CaCl2 label is never read as the water pH."""

from pathlib import Path

import pytest

import agriremed
from agriremed.apps.cli import main
from agriremed.core.messages import text_of
from agriremed.core.names import ph_extraction, read_header

_HEAD = "plot_id,land_use,crop,area_ha,ph,cd_mg_kg\n"
_WATER_EN = ("read as water pH: the label {} names water extraction (soil:water 1:2.5), the basis of this "
             "column and of the GB 15618 classes")
_WATER_ZH = "已按水浸提pH读取：标注{}表示水浸提（土水比1:2.5），即本列和GB 15618分类所用的pH"
_SALT_EN = "pH measured in {} ({}): {}; GB 15618 classes use water pH: give the water pH (not converted)"
_SALT_ZH = "{}浸提测定的pH（{}）：{}；GB 15618分类使用水浸提pH：请填写水浸提pH（不作换算）"
_OFFSET_EN = ('pH in KCl lies on average 0.94 unit below water pH (0.03–1.99 in acid soils of Guangxi and Yunnan) and pH in CaCl2 0.525–0.675 below it (sources in factors.csv): too variable to convert a single value')
_OFFSET_ZH = ('KCl浸提的pH平均比水浸提pH低0.94个单位（广西、云南酸性土壤为0.03–1.99），CaCl2浸提的pH低0.525–0.675个单位（来源见factors.csv），差值变化大，单个数值无法换算')
_EXP_EN = "the water pH (soil:water 1:2.5; 土壤pH（水浸提）, pH（水）)"
_EXP_ZH = "水浸提pH（土水比1:2.5；土壤pH（水浸提）、pH（水））"


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "plots.csv"
    p.write_bytes(text.encode("utf-8"))
    return p


@pytest.mark.parametrize(("cell", "value", "label"), [
    ("6.5（水）", 6.5, "'(水)'"), ("6.5(水)", 6.5, "'(水)'"), ("6.5(H2O)", 6.5, "'(H2O)'"),
    ("6.2（水浸）", 6.2, "'(水浸)'"), ("5.9 ( 水浸提 )", 5.9, "'( 水浸提 )'"), ("7.1(H₂O)", 7.1, "'(H2O)'"),
    ("6.8 （water）", 6.8, "'(water)'"), ("６.５（水）", 6.5, "'(水)'"),
])
def test_water_label_is_read_as_the_water_ph_with_a_warning(tmp_path, cell, value, label):
    v = agriremed.validate_plots(_write(tmp_path, _HEAD + f"A,paddy,rice,0.5,{cell},0.3\n"))
    assert v.errors.empty, v.messages()
    assert v.plots["ph"].tolist() == [value]
    w = v.problems.loc[v.problems["column"].eq("ph")]
    assert w["severity"].tolist() == ["warning"] and w["value"].tolist() == [cell] and w["input_row"].tolist() == [1]
    assert w["problem"].tolist() == [_WATER_EN.format(label)]
    assert text_of(w["problem_msg"].iloc[0], "zh") == _WATER_ZH.format(label)
    assert w["expected"].tolist() == [_EXP_EN] and text_of(w["expected_msg"].iloc[0], "zh") == _EXP_ZH


@pytest.mark.parametrize(("cell", "extract", "label"), [
    ("5.2(KCl)", "KCl", "'(KCl)'"), ("5.2（KCl）", "KCl", "'(KCl)'"), ("5.0（CaCl2）", "CaCl2", "'(CaCl2)'"),
    ("5.0 (CaCl₂)", "CaCl2", "'(CaCl2)'"), ("5.1（氯化钾）", "KCl", "'(氯化钾)'"), ("5.1(氯化钙)", "CaCl2", "'(氯化钙)'"),
])
def test_kcl_or_cacl2_label_is_a_row_error_never_converted(tmp_path, cell, extract, label):
    v = agriremed.validate_plots(_write(tmp_path, _HEAD + f"A,paddy,rice,0.5,{cell},0.3\nB,paddy,rice,0.5,6.5,0.3\n"))
    assert v.plots["plot_id"].tolist() == ["B"] and v.plots["ph"].tolist() == [6.5]
    e = v.errors
    assert (e["input_row"].tolist(), e["column"].tolist(), e["value"].tolist()) == ([1], ["ph"], [cell])
    assert e["problem"].tolist() == [_SALT_EN.format(extract, label, _OFFSET_EN)]
    assert text_of(e["problem_msg"].iloc[0], "zh") == _SALT_ZH.format(extract, label, _OFFSET_ZH)
    assert e["expected"].tolist() == [_EXP_EN] and text_of(e["expected_msg"].iloc[0], "zh") == _EXP_ZH
    assert v.rejected["plot_id"].tolist() == ["A"]


@pytest.mark.parametrize(("cell", "problem"), [
    ("6.5(亩)", "a number with a unit or label typed in the cell ('(亩)'): write the number only "
                "(a unit belongs in the header)"),
    ("6.5(X2)", "a number with a unit or label typed in the cell ('(X2)'): write the number only "
                "(a unit belongs in the header)"),
    ("6.5/6.8", "not a number"),
])
def test_other_labels_keep_their_messages(tmp_path, cell, problem):
    v = agriremed.validate_plots(_write(tmp_path, _HEAD + f"A,paddy,rice,0.5,{cell},0.3\n"))
    assert v.errors["problem"].tolist() == [problem] and v.plots.empty


def test_water_label_in_another_column_is_named_not_just_not_a_number(tmp_path):
    """'0.3(H2O)' under Cd: the label (digits after a letter) is named."""
    v = agriremed.validate_plots(_write(tmp_path, _HEAD + "A,paddy,rice,0.5,6.5,0.3(H2O)\n"))
    assert v.errors["problem"].tolist() == [
        "a number with a unit or label typed in the cell ('(H2O)'): write the number only (a unit belongs in the header)"]


def test_labelled_ph_through_the_cli(tmp_path, capsys):
    p = _write(tmp_path, "地块编号,土地利用,作物,面积（亩）,pH,镉（mg/kg）\n"
                         "A,水田,水稻,7.5,6.5（水）,0.3\nB,水田,水稻,7.5,5.2（KCl）,0.3\n")
    assert main(["validate", str(p)]) == 1
    out = capsys.readouterr().out
    assert ("WARNING row 1 (line 2, plot A), column ph: value '6.5（水）' — " + _WATER_EN.format("'(水)'")
            + "; expected " + _EXP_EN) in out
    assert ("ERROR row 2 (line 3, plot B), column ph: value '5.2（KCl）' — " + _SALT_EN.format("KCl", "'(KCl)'", _OFFSET_EN)
            + "; expected " + _EXP_EN) in out
    assert agriremed.validate_plots(p).plots["ph"].tolist() == [6.5]
    plan = agriremed.plan(p, agriremed.Scenario(mc_draws=0))
    assert plan.summary["plot_id"].tolist() == ["A"]


_CACL2_EN = ("header {} names pH measured in CaCl2 ({}): " + _OFFSET_EN
             + "; GB 15618 classes use water pH: give the water pH (not converted)")


@pytest.mark.parametrize(("header", "label"), [("pH（CaCl2）", "'CaCl2'"), ("pH(0.01M CaCl2)", "'0.01M CaCl2'"),
                                               ("pH(氯化钙)", "'氯化钙'")])
def test_ph_header_naming_cacl2_stops_the_file(tmp_path, header, label):
    v = agriremed.validate_plots(_write(tmp_path, f"plot_id,land_use,crop,area_ha,{header},cd_mg_kg\n"
                                                  "A,paddy,rice,0.5,5.0,0.3\nB,paddy,rice,0.5,5.5,0.3\n"))
    assert v.plots.empty and len(v.rejected) == 2
    e = v.errors.loc[v.errors["column"].eq(header)]
    assert e["problem"].tolist() == [_CACL2_EN.format(repr(header), label)]
    assert text_of(e["problem_msg"].iloc[0], "zh") == (
        f"表头{header!r}注明为CaCl2浸提的pH（{label}）：{_OFFSET_ZH}；"
        "GB 15618分类使用水浸提pH：请提供水浸提pH（不作换算）")
    assert e["expected"].tolist() == [_EXP_EN]


@pytest.mark.parametrize("header", ["pH(KCl)", "pH（KCl浸提）", "土壤pH（氯化钾）"])
def test_ph_kcl_header_without_water_ph_stops_the_file_naming_it(tmp_path, header):
    assert read_header(header).canonical == "ph_kcl"
    v = agriremed.validate_plots(_write(tmp_path, f"plot_id,land_use,crop,area_ha,{header},cd_mg_kg\n"
                                                  "A,paddy,rice,0.5,5.0,0.3\n"))
    assert v.plots.empty
    e = v.errors.loc[v.errors["column"].eq("ph")]
    assert e["problem"].tolist() == [
        f"required column ph is missing (column ph_kcl, header {header!r}, holds pH measured in KCl: {_OFFSET_EN}; "
        "GB 15618 classes use water pH: give the water pH)"]
    assert text_of(e["problem_msg"].iloc[0], "zh") == (
        f"缺少必填列ph（列ph_kcl（表头{header!r}）为KCl浸提的pH：{_OFFSET_ZH}；"
        "GB 15618分类使用水浸提pH：请提供水浸提pH）")


@pytest.mark.parametrize("header", ["pH(水)", "pH（H2O）", "土壤pH（水浸提）", "pH(水浸)"])
def test_ph_header_naming_water_is_the_ph_column(tmp_path, header):
    assert read_header(header).canonical == "ph" and read_header(header).error is None


def test_ph_extraction_words():
    assert [ph_extraction(t) for t in ["（水）", "( H₂O )", "水浸提", "water", "(KCl)", "1 M KCl", "氯化钾浸提",
                                       "0.01 M CaCl2", "（CaCl₂）", "氯化钙", "(亩)", "mg/kg", ""]] == [
        "water", "water", "water", "water", "kcl", "kcl", "kcl", "cacl2", "cacl2", "cacl2", None, None, None]


def test_ph_offset_quoted_by_the_messages_is_the_sourced_factor_row(tables):
    # the water − KCl offset is the mean of the two provincial means of wang2019_ph_kcl (0.99 Guangxi,
    # 0.89 Yunnan) over the range of both; the CaCl2 one is 0.9 − 0.05 pHw (pHCa = 1.05 pHw − 0.9) at
    # water pH 7.5, 6 and 4.5; both rows name a source listed in sources.csv
    f = tables.factors.set_index("factor")
    k, c = f.loc["ph_kcl_below_water"], f.loc["ph_cacl2_below_water"]
    assert k["typical"] == pytest.approx((0.99 + 0.89) / 2, abs=0.005)
    assert (k["low"], k["high"]) == (0.03, 1.99)
    for ph, col in ((7.5, "low"), (6.0, "typical"), (4.5, "high")):
        assert c[col] == pytest.approx(ph - (1.05 * ph - 0.9), abs=0.005)
    keys = set(tables.sources["key"])
    assert {k["source"], c["source"]} <= keys
    assert f"{k['typical']:g} unit below water pH" in _OFFSET_EN and f"{c['low']:g}–{c['high']:g}" in _OFFSET_EN
