"""Headers written as agriremed labels its columns (the workbook's own headers) read back as those columns."""

import pytest

import agriremed
from agriremed.io.validate import validate_plots
from plotdata import make_plots


@pytest.mark.parametrize("header", ["县级土壤环境质量类别", "县级类别", "县级划分类别"])
def test_the_county_class_under_its_own_chinese_label_governs(header):
    # the workbook's own label of soil_class_county reads back: a county 严格管控类 paddy grows no food
    df = make_plots(1, ph=5.5, cd_mg_kg=0.6)
    df[header] = ["严格管控类"]
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    assert p.soil_plot["soil_class"].tolist() == ["strict_control"]
    rec = p.summary["recommended_option"].iloc[0]
    assert p.tables.indexed("options", "option_id").at[rec, "food_crop"] == "none"


def test_every_input_column_reads_back_under_its_own_labels():
    from agriremed.core import columns as C
    from agriremed.core.names import read_header

    for name, col in C.COLUMNS.items():
        if col.role == "input":
            for label in (col.label_zh, col.label_en):
                assert read_header(label).canonical == name, (name, label)


def test_yongnong_is_the_basic_farmland_flag():
    df = make_plots(1)
    df["永农"] = ["是"]
    assert validate_plots(df).plots["basic_farmland"].tolist() == ["yes"]


def test_land_the_county_classed_safe_utilisation_gets_its_soil_re_tested():
    # no metal above screening, but the county's 安全利用类 governs: joint soil and crop monitoring
    df = make_plots(2, ph=5.5, cd_mg_kg=0.2, region="Hunan/Zhuzhou")
    df["县级类别"] = ["安全利用类", ""]
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    m = p.summary.set_index("plot_id")["monitoring"]
    assert m["P1"].endswith("soil monitoring: re-test the soil at the interval of the county's joint soil and crop "
                            "monitoring plan (Soil Pollution Law Arts. 53–54; the class is the county's, or that of the plot's field)")
    assert "soil monitoring" not in m["P2"]


def test_a_looser_county_class_is_said_on_the_plot():
    # the county's 优先保护类 on values of safe utilisation: the plan keeps the values' class and says so
    df = make_plots(2, ph=5.5, cd_mg_kg=0.6, region="Hunan/Zhuzhou")
    df["县级类别"] = ["优先保护类", ""]
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0))
    rec = p.summary.set_index("plot_id")["recommendation"]
    assert rec["P1"].endswith("The county classes it priority protection (优先保护类); its GB 15618 values put it in "
                              "safe utilisation (安全利用类), which the plan uses (check the county's classification).")
    assert "The county classes it" not in rec["P2"]
