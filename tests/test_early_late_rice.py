"""Double-cropped rice (双季稻) written as two rows of one field: the early and the late rice.

Both rows grow rice, so they are told apart by the rice season their crop cell (早稻 / 晚稻) or plot-id
suffix (-早稻 / -晚稻, （早稻）, -早 / -晚, -early / -late) names; they are one field's season rows
(``field_id``), each planned as one rice season, and the field's area is counted once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import agriremed
from agriremed.core.messages import Message, render
from plotdata import make_plots

ID_PAIRS = [("LY-01-早稻", "LY-01-晚稻", "LY-01"), ("LY-01（早稻）", "LY-01（晚稻）", "LY-01"),
            ("LY-01-早", "LY-01-晚", "LY-01"), ("LY-01早稻", "LY-01晚稻", "LY-01"),
            ("A12-early", "A12-late", "A12"), ("A12_early_rice", "A12_late_rice", "A12")]


def _id_table(early: str, late: str):
    # Liuyang paddy: the field's early and late rice rows (1, 3; 0.5 ha) with a single-row double-rice plot
    # between them (2.0 ha); 种植制度 双季稻 on every row
    return make_plots(3, plot_id=[early, "LY-05", late], crop="rice", cropping_system="双季稻", area_ha=[0.5, 2.0, 0.5],
                      ph=5.6, cd_mg_kg=0.55, region="Hunan/Changsha/Liuyang")


def _check_id_pair(v, early, late, field):
    assert v.rejected.empty
    assert v.plots["plot_id"].tolist() == [early, "LY-05", late]
    assert [f if isinstance(f, str) else None for f in v.plots["field_id"]] == [field, None, field]
    assert [s if isinstance(s, str) else None for s in v.plots["rice_season"]] == ["early", None, "late"]
    # each row of the field is one rice season a year; the single-row 双季稻 plot keeps its two seasons
    seasons = v.plots["rice_seasons_per_yr"].tolist()
    assert np.isnan(seasons[0]) and seasons[1] == 2.0 and np.isnan(seasons[2])
    notes = v.problems.loc[v.problems["column"] == "rice_season"]
    assert notes["input_row"].tolist() == [1, 3] and notes["severity"].tolist() == ["note", "note"]
    assert notes["problem"].tolist() == [
        "the early-rice season of a double-cropped field (双季稻): its late-rice season is planned in row 3, a season "
        "row of the same field; each row is planned as one rice season a year",
        "the late-rice season of a double-cropped field (双季稻): its early-rice season is planned in row 1, a season "
        "row of the same field; each row is planned as one rice season a year"]
    # the 双季稻 cropping system is read (two seasons, warned) on the single-row plot only
    cs = v.problems.loc[v.problems["column"] == "cropping_system"]
    assert cs["input_row"].tolist() == [2]


@pytest.mark.parametrize("early, late, field", ID_PAIRS)
def test_early_and_late_rice_ids_are_one_field(early, late, field):
    from agriremed.io.validate import validate_plots
    _check_id_pair(validate_plots(_id_table(early, late)), early, late, field)


@pytest.mark.parametrize("early, late, field", ID_PAIRS[::2])
def test_early_and_late_rice_ids_are_read_alike_in_chunks(early, late, field):
    from agriremed.engine.stream import validate_stream
    for size in (1, 2):
        _check_id_pair(validate_stream(_id_table(early, late), chunk_size=size, keep_plots=10), early, late, field)


def _cell_table(early: str, late: str):
    return make_plots(3, plot_id=["LY-02", "LY-05", "LY-02"], crop=[early, "rice", late], area_ha=[0.5, 2.0, 0.5],
                      ph=5.6, cd_mg_kg=0.55, region="Hunan/Changsha/Liuyang")


@pytest.mark.parametrize("early, late", [("早稻", "晚稻"), ("早稻", "双季晚稻"), ("early rice", "late rice"),
                                         ("双季早稻", "晚稻")])
def test_one_id_with_early_and_late_rice_crops_is_one_field(early, late):
    from agriremed.io.validate import validate_plots
    v = validate_plots(_cell_table(early, late))
    assert v.rejected.empty
    assert v.plots["plot_id"].tolist() == [f"LY-02~{early}", "LY-05", f"LY-02~{late}"]  # the crop cells as written
    assert v.plots["crop"].tolist() == ["rice"] * 3
    assert [f if isinstance(f, str) else None for f in v.plots["field_id"]] == ["LY-02", None, "LY-02"]
    assert [s if isinstance(s, str) else None for s in v.plots["rice_season"]] == ["early", None, "late"]
    # 双季晚稻 on the late row gives it no second season: the early season is its other row
    if "rice_seasons_per_yr" in v.plots:
        assert v.plots["rice_seasons_per_yr"].isna().all()
    assert not v.problems["problem"].str.startswith("read as rice, planned as TWO").any()
    note = v.problems.loc[v.problems["problem"].str.contains("read as the crop seasons of one field")]
    assert note["input_row"].tolist() == [1]
    assert f"(LY-02~{early} / LY-02~{late})" in note["problem"].iloc[0]
    assert v.problems.loc[v.problems["column"] == "rice_season", "input_row"].tolist() == [1, 3]


def test_rice_seasons_given_as_two_on_a_season_row_are_read_as_one():
    from agriremed.io.validate import validate_plots
    df = _cell_table("早稻", "晚稻")
    df["水稻季数"] = [2, 2, 1]
    v = validate_plots(df)
    assert v.plots["rice_seasons_per_yr"].tolist() == [1.0, 2.0, 1.0]
    w = v.problems.loc[(v.problems["column"] == "rice_seasons_per_yr") & v.problems["input_row"].notna()]
    assert w["input_row"].tolist() == [1] and w["severity"].tolist() == ["warning"]
    assert w["problem"].iloc[0] == ("2 rice seasons given for a row that is one rice season of a double-cropped "
                                    "field (its other season is planned in row 3): read as 1, so that the field's "
                                    "seasons are not counted twice")


def test_rice_rows_with_one_id_and_no_season_stay_duplicates_saying_how_to_fix():
    from agriremed.io.validate import validate_plots
    # rows 1, 3: rice and 水稻; rows 4, 6: rice and 晚稻 (one row naming no season is not the early rice)
    df = make_plots(6, plot_id=["LY-03", "LY-05", "LY-03", "LY-04", "LY-06", "LY-04"],
                    crop=["rice", "rice", "水稻", "rice", "wheat", "晚稻"])
    v = validate_plots(df)
    assert v.rejected["input_row"].tolist() == [1, 3, 4, 6]
    err = v.problems.loc[v.problems["severity"] == "error"]
    assert err["input_row"].tolist() == [1, 3, 4, 6] and (err["column"] == "plot_id").all()
    assert err["problem"].iloc[0] == (
        "duplicate plot id (rows 1, 3): rows of rice with one id are read as one field's early and late rice only "
        "where each names its season: add 早稻/晚稻 to the crop cells, or -早/-晚 (-早稻/-晚稻, -early/-late) to the "
        "plot ids")
    assert render(Message.decode(err["problem_msg"].iloc[0]), "zh") == (
        "地块编号重复（第1, 3行）：同一编号的多行水稻只有在各行注明季别时才按同一田块的早稻和晚稻读取：请在作物栏填写"
        "早稻/晚稻，或在地块编号后加-早/-晚（-早稻/-晚稻、-early/-late）")
    # another crop's duplicate keeps the plain message
    other = validate_plots(make_plots(2, plot_id=["W", "W"], crop=["wheat", "小麦"], land_use="upland"))
    assert set(other.problems.loc[other.problems["severity"] == "error", "problem"]) == {
        "duplicate plot id (rows 1, 2)"}


def _plan(plots):
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0), progress=False)


def test_each_season_row_plans_one_rice_season_and_the_field_area_counts_once():
    from agriremed.io.report import PlanDigest, plain_summary
    p = _plan(_id_table("LY-01-早", "LY-01-晚"))
    s = p.summary.set_index("plot_id")
    assert s.loc["LY-01-早", "field_id"] == "LY-01" and s.loc["LY-01-早", "rice_season"] == "early"
    assert s.loc["LY-01-晚", "rice_season"] == "late" and pd.isna(s.loc["LY-05", "rice_season"])
    assert list(p.summary.columns[:3]) == ["plot_id", "field_id", "rice_season"]
    t = p.table.loc[p.table["option_id"] == "do_nothing"].set_index("plot_id")["rice_seasons_grown_per_yr"]
    assert t.to_dict() == {"LY-01-早": 1, "LY-05": 2, "LY-01-晚": 1}
    d = PlanDigest.from_plan(p)
    assert d.n_planned == 3 and d.season_rows == 2 and d.n_fields == 1
    assert d.area_ha == pytest.approx(2.5)  # field LY-01 0.5 ha once, LY-05 2.0 ha
    assert sum(a for _, a in d.by_class.values()) == pytest.approx(2.5)
    assert "2 of these plots are crop seasons of 1 fields" in " ".join(plain_summary(d, "en"))


def test_early_and_late_rice_rows_give_the_same_ids_whole_and_chunked():
    from agriremed.engine.stream import plan_stream
    df = pd.concat([_cell_table("早稻", "晚稻"), _id_table("A12-early", "A12-late")], ignore_index=True)
    df["plot_id"] = ["LY-02", "LY-05", "LY-02", "A12-early", "LY-07", "A12-late"]
    whole = _plan(df).summary
    assert whole["plot_id"].tolist() == ["LY-02~早稻", "LY-05", "LY-02~晚稻", "A12-early", "LY-07",
                                         "A12-late"]
    assert whole["field_id"].fillna("").tolist() == ["LY-02", "", "LY-02", "A12", "", "A12"]
    for size in (1, 4):
        r = plan_stream(df, agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0), chunk_size=size, progress=False)
        assert r.summary["plot_id"].tolist() == whole["plot_id"].tolist()
        assert r.summary["field_id"].fillna("").tolist() == whole["field_id"].fillna("").tolist()
        assert r.summary["rice_season"].fillna("").tolist() == ["early", "", "late", "early", "", "late"]
        assert r.rejected.empty


def test_early_and_late_rice_rows_give_the_same_ids_in_dask():
    dd = pytest.importorskip("dask.dataframe")
    from agriremed.engine.dask_backend import plan_dask
    df = pd.concat([_cell_table("早稻", "晚稻"), _id_table("A12-early", "A12-late")], ignore_index=True)
    df["plot_id"] = ["LY-02", "LY-05", "LY-02", "A12-early", "LY-07", "A12-late"]
    whole = _plan(df).summary
    out = plan_dask(dd.from_pandas(df, npartitions=3), agriremed.Scenario(mc_draws=0, carbon_price_cny_t=0))
    s = out.summary.compute().reset_index(drop=True)
    assert s["plot_id"].tolist() == whole["plot_id"].tolist()
    assert s["field_id"].astype(object).where(s["field_id"].notna(), "").tolist() == \
        whole["field_id"].fillna("").tolist()


def test_the_rice_season_suffix_pattern():
    from agriremed.io.validate import id_rice_seasons
    ids = ["LY-01-早稻", "LY-01（晚稻）", "LY-01(早稻)", "LY-01-早", "LY-01_晚", "LY-01早稻", "A12-early", "A12_LATE",
           "A12_early_rice", "LY-01早", "LY-01-稻", "A12early", "A12-rice", "LY-01(早"]
    assert id_rice_seasons(ids).tolist() == ["early", "late", "early", "early", "late", "early", "early", "late",
                                             "early", None, None, None, None, None]
