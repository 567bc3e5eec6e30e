"""A field is one soil: the season rows of one field (``field_id``: a plot id repeated with 早稻/晚稻, or rice and a
dry crop) take the strictest soil class of the field's rows, so no food crop is kept on a field one of whose
measurements is above the intervention value (GB 15618-2018, Soil Pollution Law Art. 54). Rows that disagree on
soil values or area are warned about, field by field."""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.tables import load_tables
from agriremed.io.validate import validate_plots
from plotdata import make_plots


def _p2() -> pd.DataFrame:
    # /tmp/panel22 p2_early_late_conflict.csv: pH 5.2 paddy (Cd screening 0.3, intervention 1.5)
    return make_plots(4, plot_id=["D4", "D4", "D3", "D3"], crop=["早稻", "晚稻", "早稻", "晚稻"], ph=5.2,
                      cd_mg_kg=[0.25, 1.6, 0.5, 0.5], area_mu=[2.0, 2.0, 2.0, 3.0], area_ha=None,
                      region="湖南/株洲/渌口").drop(columns="area_ha")


def _food_options() -> set:
    o = load_tables().options
    return set(o.loc[~o["food_crop"].isin(["none"]) & o["food_crop"].notna(), "option_id"])


def test_the_rows_of_a_field_take_its_strictest_class_and_keep_no_food():
    p = agriremed.plan(_p2(), agriremed.Scenario(mc_draws=0), progress=False)
    s = p.summary.set_index("plot_id")
    assert s.loc["D4~早稻", "field_id"] == "D4" and s.loc["D4~晚稻", "field_id"] == "D4"
    # before: D4~早稻 priority protection (Cd 0.25 <= 0.3) and flooded_rice recommended
    assert s.loc[["D4~早稻", "D4~晚稻"], "soil_class"].tolist() == ["strict_control", "strict_control"]
    assert s.loc[["D3~早稻", "D3~晚稻"], "soil_class"].tolist() == ["safe_utilisation", "safe_utilisation"]
    t = p.table
    early = t[(t["plot_id"] == "D4~早稻") & t["applicable"].astype(bool)]
    assert len(early) and not set(early["option_id"]) & _food_options()
    assert s.loc["D4~早稻", "recommended_option"] not in _food_options()
    # each row keeps its own measured values (metals exceeding, uptake): only the class is the field's
    assert s.loc["D4~早稻", "metals_exceeding"] in ("", None) and s.loc["D4~晚稻", "metals_exceeding"] == "cd"
    en = s.loc["D4~早稻", "recommendation"]
    assert ("Classed with its field D4: its season rows are one soil, and the values of row D4~晚稻 (Cd) put the "
            "field in strict control (严格管控类), the class every row of the field is planned with; this row's "
            "values alone: priority protection (优先保护类).") in en
    assert "Classed with its field" not in s.loc["D4~晚稻", "recommendation"]
    zh = messages.render(messages.Message.decode(s.loc["D4~早稻", "recommendation_msg"]), "zh")
    assert ("按所在田块D4分类：同一田块各季为同一土壤，D4~晚稻的数值（镉）使该田块为严格管控类，田块各行均按此类别规划；"
            "仅按本行数值为优先保护类。") in zh


def test_rice_and_rapeseed_rows_of_one_field_are_classed_alike():
    # /tmp/panel22 p3_rotation_rows.csv W2: rice Cd 1.2 (safe utilisation) and rapeseed on 旱地 Cd 1.6 (> 1.5)
    df = make_plots(2, plot_id=["W2", "W2"], crop=["水稻", "油菜"], land_use=["水田", "旱地"], ph=5.0,
                    cd_mg_kg=[1.2, 1.6], region="湖南/株洲/渌口")
    s = agriremed.plan(df, agriremed.Scenario(mc_draws=0), progress=False).summary.set_index("plot_id")
    assert s["soil_class"].tolist() == ["strict_control", "strict_control"]
    assert s.loc["W2~水稻", "recommended_option"] not in _food_options()


def test_rows_of_a_field_with_different_soil_values_or_areas_are_warned_once_per_field():
    v = validate_plots(_p2())
    pb = v.problems
    soil = pb[pb["problem"].str.startswith("the season rows of field D4")]
    assert len(soil) == 1 and soil["input_row"].iloc[0] == 1 and soil["column"].iloc[0] == "cd_mg_kg"
    assert soil["severity"].iloc[0] == "warning"
    assert soil["problem"].iloc[0] == (
        "the season rows of field D4 (input rows 1, 2) give different soil values: cd_mg_kg 0.25 / 1.6. A field is "
        "one soil: every row of the field is planned with the strictest soil class of its rows; each row's crop "
        "uptake and clean-up use that row's own measured values. Check the samples (one composite sample of the "
        "field's plough layer)")
    zh = messages.render(messages.Message.decode(soil["problem_msg"].iloc[0]), "zh")
    assert zh.startswith("田块D4的各季记录（输入第1, 2行）土壤数值不一致：cd_mg_kg 0.25 / 1.6。同一田块为同一土壤")
    area = pb[pb["problem"].str.startswith("the season rows of field D3")]
    # 2 mu = 0.1333 ha, 3 mu = 0.2 ha; the first row's area is the one counted
    assert len(area) == 1 and area["column"].iloc[0] == "area_ha" and area["input_row"].iloc[0] == 3
    assert ("give different areas (0.1333 / 0.2 ha): the field's area is counted once in the area totals, with the "
            "area of its first row (input row 3, 0.1333 ha)") in area["problem"].iloc[0]
    zh = messages.render(messages.Message.decode(area["problem_msg"].iloc[0]), "zh")
    assert "面积不一致（0.1333 / 0.2公顷）" in zh and "按其第一行（输入第3行，0.1333公顷）的面积" in zh
    # a field whose rows agree gets no warning
    assert not pb["problem"].str.contains("field D3 .* different soil values", regex=True).any()


@pytest.mark.parametrize("chunk_size", [1, 3])
def test_a_field_split_across_chunks_is_classed_as_in_a_whole_plan(chunk_size):
    from agriremed.engine.stream import plan_stream

    sc = agriremed.Scenario(mc_draws=0)
    whole = agriremed.plan(_p2(), sc, progress=False).summary
    chunked = plan_stream(_p2(), sc, chunk_size=chunk_size, progress=False).summary
    cols = ["plot_id", "soil_class", "recommended_option", "recommendation"]
    pd.testing.assert_frame_equal(chunked[cols].reset_index(drop=True), whole[cols].reset_index(drop=True))
    # the field warnings too: once per field, on its first row, naming the rows of the whole input
    res = plan_stream(_p2(), sc, chunk_size=chunk_size, progress=False)
    pb = res.problems
    got = pb[pb["problem"].astype(str).str.startswith("the season rows of field")]
    assert got["input_row"].astype(int).tolist() == [1, 3]
    assert got["problem"].str.contains("input rows 1, 2").tolist() == [True, False]
    assert got["problem"].str.contains(r"input rows 3, 4\).*first row \(input row 3, 0.1333 ha\)").tolist() == [False,
                                                                                                              True]


def test_a_field_split_across_dask_partitions_is_classed_as_in_a_whole_plan():
    dd = pytest.importorskip("dask.dataframe")
    from agriremed.engine.dask_backend import plan_dask

    sc = agriremed.Scenario(mc_draws=0)
    df = _p2().iloc[[0, 2, 1, 3]].reset_index(drop=True)  # the rows of each field in different partitions
    whole = agriremed.plan(df, sc, progress=False).summary
    got = plan_dask(dd.from_pandas(df, npartitions=2), sc).summary.compute().reset_index(drop=True)
    assert got["soil_class"].tolist() == whole["soil_class"].tolist()
    assert got.set_index("plot_id").loc["D4~早稻", "soil_class"] == "strict_control"


def test_no_food_on_a_field_with_a_strict_control_row_in_a_synthetic_sweep():
    from agriremed.io.synthetic import synthetic_plots

    df = synthetic_plots(40, seed=2222)
    df["field_id"] = [f"F{i // 2}" for i in range(len(df))]  # each two rows the seasons of one field
    p = agriremed.plan(df, agriremed.Scenario(mc_draws=0), progress=False)
    s = p.summary
    strict_fields = set(s.loc[s["soil_class"] == "strict_control", "field_id"])
    assert strict_fields  # the sweep has strict-control land
    rows = s[s["field_id"].isin(strict_fields)]
    assert (rows["soil_class"] == "strict_control").all()
    t = p.table
    ok = t[t["plot_id"].isin(rows["plot_id"]) & t["applicable"].astype(bool)]
    assert not set(ok["option_id"]) & _food_options()
