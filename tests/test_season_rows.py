"""A row is one crop season of its plot: the wheat row of a rice–wheat paddy gets wheat measures, not
a rice measure that would count the rice season twice; a cotton or tobacco field is in use, not idle."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import agriremed
from plotdata import make_plots


def _plan(plots):
    return agriremed.plan(plots, agriremed.Scenario(mc_draws=0), progress=False)


def test_the_wheat_row_of_a_rice_wheat_paddy_gets_wheat_measures():
    # Anhui rice–wheat paddy, pH 5.6, Cd 0.55 (paddy screening 0.4): the rice row and the wheat row
    plots = make_plots(3, plot_id=["RICE", "WHEAT", "WHEAT_CS"], land_use="paddy", crop=["rice", "wheat", "wheat"],
                       ph=5.6, cd_mg_kg=0.55, basic_farmland="yes", region="Anhui/Chuzhou/Tianchang",
                       cropping_system=["稻-麦", "", "稻-麦"])
    p = _plan(plots)
    t = p.table.set_index(["plot_id", "option_id"])
    for pid in ("WHEAT", "WHEAT_CS"):
        for oid in ("flooded_rice", "low_cd_rice", "lime_rice", "lime_low_cd_rice", "sedum_rice_rotation"):
            assert not t.loc[(pid, oid), "applicable"], (pid, oid)
            assert t.loc[(pid, oid), "reason"].startswith("the plot grows Wheat: a measure for Rice is for a Rice season")
        for oid in ("foliar_zn_wheat", "low_cd_wheat"):  # the wheat measures apply on the drained paddy
            assert t.loc[(pid, oid), "applicable"], (pid, oid)
    s = p.summary.set_index("plot_id")
    assert s.loc["WHEAT", "recommended_option"] in ("foliar_zn_wheat", "low_cd_wheat", "lime_upland_wheat")
    assert s.loc["WHEAT_CS", "recommended_option"] in ("foliar_zn_wheat", "low_cd_wheat", "lime_upland_wheat")
    # the rice row keeps its rice measures
    assert t.loc[("RICE", "low_cd_rice"), "applicable"]
    assert s.loc["RICE", "recommended_option"] in ("low_cd_rice", "flooded_rice", "lime_low_cd_rice", "lime_rice",
                                                   "foliar_inhibitor")
    # an idle paddy may still go back to rice
    idle = _plan(make_plots(1, plot_id=["IDLE"], land_use="paddy", crop="none", ph=5.6, cd_mg_kg=0.55,
                            region="Anhui/Chuzhou/Tianchang")).table.set_index("option_id")
    assert idle.loc["low_cd_rice", "applicable"]


def test_a_clean_cotton_or_tobacco_field_is_not_idle_land():
    # Manas, Xinjiang: upland below every screening value; cotton and tobacco are uses of general
    # cultivated land (国办发〔2020〕44号), not idle land to return to grain
    plots = make_plots(3, plot_id=["COTTON", "TOBACCO", "IDLE"], land_use="upland", crop=["cotton", "tobacco", "none"],
                       ph=7.9, cd_mg_kg=0.2, basic_farmland="no", region="Xinjiang/Changji/Manas")
    p = _plan(plots)
    s = p.summary.set_index("plot_id")
    assert s.loc["COTTON", "recommended_option"] == "do_nothing"
    assert s.loc["TOBACCO", "recommended_option"] == "do_nothing"
    assert s.loc["IDLE", "recommended_option"] == "maize_grain"  # idle dry land goes back to grain
    t = p.table.set_index(["plot_id", "option_id"])
    assert "the plot names no crop" not in str(t.loc[("COTTON", "maize_grain"), "reason"])


def test_a_plot_without_an_applicable_option_beside_a_planned_one():
    # only trees offered: the basic-farmland plot gets none (trees are forbidden there), the other one a
    # tree option; the summary's advice columns are read at each plot's own recommended row
    plots = make_plots(2, plot_id=["BF", "NOT_BF"], land_use="upland", crop="maize", ph=5.0, cd_mg_kg=2.5,
                       basic_farmland=["yes", "no"], region="Hunan/Zhuzhou")
    p = agriremed.plan(plots, agriremed.Scenario(mc_draws=0, options=("willow_src", "poplar_src")), progress=False)
    s = p.summary.set_index("plot_id")
    assert s.loc["NOT_BF", "recommended_option"] in ("willow_src", "poplar_src")
    assert not isinstance(s.loc["BF", "recommended_option"], str)
    assert s.loc["NOT_BF", "measures"].startswith("This season:")
    assert s.loc["BF", "measures"] == ""


def test_the_maize_switch_on_a_paddy_is_the_switch_from_rice():
    # Tianchang rice–wheat paddy, pH 5.2, Cd 0.55 (paddy screening 0.3 at pH ≤ 5.5): a summer maize crop
    # would take the place of the rice season, not of the winter wheat or rapeseed season
    plots = make_plots(4, plot_id=["RICE", "WHEAT", "RAPE", "IDLE"], land_use="paddy",
                       crop=["rice", "wheat", "rapeseed", "none"], ph=5.2, cd_mg_kg=0.55, basic_farmland="yes",
                       region="Anhui/Chuzhou/Tianchang")
    p = _plan(plots)
    t = p.table.set_index(["plot_id", "option_id"])
    for pid, name in (("WHEAT", "Wheat"), ("RAPE", "Rapeseed (oilseed rape)")):
        assert not t.loc[(pid, "maize_grain"), "applicable"], pid
        assert t.loc[(pid, "maize_grain"), "reason"].startswith(
            f"the paddy row grows {name}: on paddy land a switch to Maize is the switch from rice"), pid
        assert p.summary.set_index("plot_id").loc[pid, "recommended_option"] != "maize_grain"
    # the rice row and the idle paddy may still switch to maize
    assert t.loc[("RICE", "maize_grain"), "applicable"]
    assert "switch from rice" not in str(t.loc[("IDLE", "maize_grain"), "reason"])
    # on upland the rice rule does not apply: Tianchang's upland wheat is winter wheat, whose season a summer
    # maize crop cannot take (wheat_seasons.csv); a spring-wheat row keeps the switch
    up = _plan(make_plots(2, plot_id=["UP", "SPRING"], land_use="upland", crop="wheat", ph=5.2, cd_mg_kg=0.55,
                          region="Anhui/Chuzhou/Tianchang", wheat_type=["", "spring"])).table
    up = up.set_index(["plot_id", "option_id"])
    assert not up.loc[("UP", "maize_grain"), "applicable"]
    assert "switch from rice" not in up.loc[("UP", "maize_grain"), "reason"]
    assert up.loc[("UP", "maize_grain"), "reason"].startswith("winter wheat row")
    assert up.loc[("SPRING", "maize_grain"), "applicable"]


def _season_table():
    # the same 地块编码 on the rice and the wheat row of one field (A, D split across chunks of 1 and 2 rows);
    # B twice with rice (a duplicate), C once, E with a crop cell that cannot be read (小麦-高粱: a duplicate)
    return make_plots(9, plot_id=["A", "A", "B", "C", "B", "D", "E", "D", "E"],
                      crop=["rice", "小麦", "rice", "rice", "水稻", "rapeseed", "rice", "rice", "小麦-高粱"],
                      ph=5.6, cd_mg_kg=0.55, region="Anhui/Chuzhou/Tianchang")


def _check_season_validation(v):
    assert v.plots["plot_id"].tolist() == ["A~rice", "A~小麦", "C", "D~rapeseed", "D~rice"]  # the cells as written
    assert [f if isinstance(f, str) else None for f in v.plots["field_id"]] == ["A", "A", None, "D", "D"]
    assert v.plots["input_row"].tolist() == [1, 2, 4, 6, 8]
    assert v.rejected["input_row"].tolist() == [3, 5, 7, 9]
    dup = v.problems.loc[v.problems["problem"].str.startswith("duplicate plot id")]
    # a rice row's duplicate says how the early and the late rice of one field are told apart
    hint = (": rows of rice with one id are read as one field's early and late rice only where each names its "
            "season: add 早稻/晚稻 to the crop cells, or -早/-晚 (-早稻/-晚稻, -early/-late) to the plot ids")
    assert dict(zip(dup["input_row"], dup["problem"], strict=True)) == {
        3: "duplicate plot id (rows 3, 5)" + hint, 5: "duplicate plot id (rows 3, 5)" + hint,
        7: "duplicate plot id (rows 7, 9)" + hint, 9: "duplicate plot id (rows 7, 9)"}
    note = v.problems.loc[v.problems["problem"].str.contains("read as the crop seasons of one field")]
    assert note["input_row"].tolist() == [1]  # said once per file, on its first season row
    assert note["problem"].iloc[0].startswith("2 plot ids are repeated on rows growing different crops or rice "
                                              "seasons (4 rows)")
    assert "(A~rice / A~小麦)" in note["problem"].iloc[0]


def test_a_plot_id_repeated_with_different_crops_is_one_field_with_season_rows():
    from agriremed.io.validate import validate_plots
    _check_season_validation(validate_plots(_season_table()))


def test_season_rows_are_read_alike_in_chunks_and_whole():
    from agriremed.engine.stream import plan_stream, validate_stream
    df = _season_table()
    for size in (1, 2, 4):
        _check_season_validation(validate_stream(df, chunk_size=size, keep_plots=100))
    whole = _plan(df).summary
    assert whole["plot_id"].tolist() == ["A~rice", "A~小麦", "C", "D~rapeseed", "D~rice"]
    assert [f if isinstance(f, str) else None for f in whole["field_id"]] == ["A", "A", None, "D", "D"]
    for size in (1, 3):
        r = plan_stream(df, agriremed.Scenario(mc_draws=0), chunk_size=size, progress=False)
        assert r.summary["plot_id"].tolist() == whole["plot_id"].tolist()
        assert r.summary["field_id"].fillna("").tolist() == whole["field_id"].fillna("").tolist()
        assert r.rejected["input_row"].tolist() == [3, 5, 7, 9]


def _cell_id_table():
    # one field per row pair, the crop cells as a county sheet writes them (Chinese, English, with spaces)
    return make_plots(6, plot_id=["TC-QL-01", "A12", "TC-QL-01", "LY-ZT-02", "A12", "LY-ZT-02"],
                      crop=["水稻", "rice", " 小麦 ", "早稻", "wheat", "晚稻"], land_use="paddy",
                      ph=5.6, cd_mg_kg=0.55, region="Anhui/Chuzhou/Tianchang")


CELL_IDS = ["TC-QL-01~水稻", "A12~rice", "TC-QL-01~小麦", "LY-ZT-02~早稻", "A12~wheat", "LY-ZT-02~晚稻"]


def test_season_row_ids_end_in_the_crop_cell_as_written_whole_chunked_and_dask():
    from agriremed.engine.stream import plan_stream, validate_stream
    from agriremed.io.validate import validate_plots
    df = _cell_id_table()
    v = validate_plots(df)
    assert v.rejected.empty and v.plots["plot_id"].tolist() == CELL_IDS
    assert v.plots["field_id"].tolist() == ["TC-QL-01", "A12", "TC-QL-01", "LY-ZT-02", "A12", "LY-ZT-02"]
    assert v.plots["crop"].tolist() == ["rice", "rice", "wheat", "rice", "wheat", "rice"]
    note = v.problems.loc[v.problems["problem"].str.contains("read as the crop seasons of one field")]
    assert "(TC-QL-01~水稻 / TC-QL-01~小麦)" in note["problem"].iloc[0]
    for size in (1, 2):
        assert validate_stream(df, chunk_size=size, keep_plots=10).plots["plot_id"].tolist() == CELL_IDS
        r = plan_stream(df, agriremed.Scenario(mc_draws=0), chunk_size=size, progress=False)
        assert r.summary["plot_id"].tolist() == CELL_IDS
    assert _plan(df).summary["plot_id"].tolist() == CELL_IDS
    dd = pytest.importorskip("dask.dataframe")
    from agriremed.engine.dask_backend import plan_dask
    # each field's rows in two partitions (the early and late rice left out: a partition without them has no
    # rice_season column)
    part = df.iloc[[0, 1, 2, 4]].reset_index(drop=True)
    out = plan_dask(dd.from_pandas(part, npartitions=2), agriremed.Scenario(mc_draws=0))
    assert out.summary.compute()["plot_id"].tolist() == ["TC-QL-01~水稻", "A12~rice", "TC-QL-01~小麦", "A12~wheat"]


def test_season_suffix_is_safe_in_a_file_name_and_falls_back_to_the_crop_code():
    import numpy as np

    from agriremed.io.validate import repeated_plot_ids, season_suffix
    assert [season_suffix(c) for c in (" 早稻 ", "稻/麦", "a\\b", "x~y", "early  rice", "小麦\n", " / ", None)] == [
        "早稻", "稻-麦", "a-b", "x-y", "early rice", "小麦", None, None]
    ids, rows = np.array(["F", "F", "G", "G"], dtype=object), np.arange(1, 5)
    crops = np.array(["rice", "wheat", "rice", "wheat"], dtype=object)
    # F: two cells of different crops giving the same suffix; G: a cell giving none
    r = repeated_plot_ids(ids, rows, crops, labels=np.array(["x/y", "x\\y", "水稻", " / "], dtype=object))
    assert r["F"].suffix == {"rice": "rice", "wheat": "wheat"} and r["G"].suffix == {"rice": "rice", "wheat": "wheat"}
    r = repeated_plot_ids(ids, rows, crops, labels=np.array(["稻", "麦", "水稻", "小麦"], dtype=object))
    assert r["F"].suffix == {"rice": "稻", "wheat": "麦"} and r["G"].suffix == {"rice": "水稻", "wheat": "小麦"}
    # a season id that is another row's id: the rows are duplicates
    r = repeated_plot_ids(np.array(["H", "H", "H~小麦"], dtype=object), np.arange(1, 4),
                          np.array(["rice", "wheat", "wheat"], dtype=object),
                          labels=np.array(["水稻", "小麦", "小麦"], dtype=object))
    assert r == {"H": "1, 2"}


def _rotation_table():
    # rice–wheat field A written as two rows of one plot id (row 3 between them), C a rice row whose wheat season
    # has no row of its own
    return make_plots(3, plot_id=["A", "C", "A"], crop=["rice", "rice", "wheat"], cropping_system="稻-麦",
                      ph=5.6, cd_mg_kg=0.55, area_ha=[0.5, 2.0, 0.5], region="Anhui/Chuzhou/Tianchang")


def test_a_rotation_crop_planned_in_a_season_row_of_the_field_is_not_called_not_planned():
    from agriremed.engine.stream import validate_stream
    from agriremed.io.validate import validate_plots
    for v in [validate_plots(_rotation_table())] + [validate_stream(_rotation_table(), chunk_size=k, keep_plots=9)
                                                    for k in (1, 2)]:
        cnp = dict(zip(v.plots["plot_id"], v.plots["crops_not_planned"], strict=True))
        assert cnp["C"] == "wheat"
        assert pd.isna(cnp["A~rice"]) and pd.isna(cnp["A~wheat"])
        notes = v.problems.loc[v.problems["column"] == "crops_not_planned"]
        assert notes["input_row"].tolist() == [1, 3]
        assert notes["problem"].tolist() == [
            "the Wheat season of the rotation is planned in row 3, a season row of the same field",
            "the Rice season of the rotation is planned in row 1, a season row of the same field"]
        # the cropping-system warning stays on C only
        cs = v.problems.loc[v.problems["column"] == "cropping_system"]
        assert cs["input_row"].tolist() == [2]
    s = _plan(_rotation_table()).summary.set_index("plot_id")
    assert "not planned" not in s.loc["A~rice", "recommendation"]
    assert "not planned" in s.loc["C", "recommendation"]


def test_a_field_area_is_counted_once_in_the_totals():
    from agriremed.io.report import PlanDigest, plain_summary
    p = _plan(_rotation_table())
    d = PlanDigest.from_plan(p)
    assert d.n_planned == 3 and d.season_rows == 2 and d.n_fields == 1
    assert d.area_ha == pytest.approx(2.5)  # field A 0.5 ha once, C 2.0 ha
    assert sum(a for _, a in d.by_class.values()) == pytest.approx(2.5)
    assert sum(a for a in d.by_class_option.values()) >= 2.5 - 1e-9
    text = " ".join(plain_summary(d, "en"))
    assert "3 plots covering 2.5 ha (37.5 mu) were planned" in text
    assert "2 of these plots are crop seasons of 1 fields" in text
    # chunk by chunk (a streamed plan): the same totals
    d2 = PlanDigest()
    for pid in ("A~rice", "C", "A~wheat"):
        d2.add(dataclasses.replace(p, summary=p.summary.loc[p.summary["plot_id"] == pid].reset_index(drop=True),
                                   table=p.table.loc[p.table["plot_id"] == pid].reset_index(drop=True)))
    assert d2.area_ha == pytest.approx(2.5)
    assert {k: v[1] for k, v in d2.by_class.items()} == pytest.approx({k: v[1] for k, v in d.by_class.items()})


def test_the_console_area_by_option_counts_a_field_once(tmp_path):
    from agriremed.apps.cli import _recommended_area
    f = tmp_path / "summary.csv"
    pd.DataFrame({"plot_id": ["A~rice", "A~wheat", "B~rice", "B~wheat", "C"],
                  "field_id": ["A", "A", "B", "B", None],
                  "recommended_option": ["sorghum", "sorghum", "low_cd_rice", "foliar_zn_wheat", "sorghum"],
                  "area_ha": [0.5, 0.5, 1.0, 1.0, 2.0]}).to_csv(f, index=False)
    top = _recommended_area(f, "csv")
    assert top.loc["sorghum"].tolist() == [3, 2.5]  # three rows, field A's 0.5 ha once
    assert top.loc["low_cd_rice"].tolist() == [1, 1.0] and top.loc["foliar_zn_wheat"].tolist() == [1, 1.0]


def test_idle_strict_control_farmland_left_idle_says_no_food_crop():
    p = agriremed.plan(make_plots(1, plot_id=["IDLE"], land_use="vegetable", crop="none", ph=6.0, cd_mg_kg=5.0,
                                  region="Hunan/Zhuzhou"), agriremed.Scenario(mc_draws=0), progress=False)
    s = p.summary.iloc[0]
    assert s["recommended_option"] == "do_nothing"                 # idle strict farmland is judged as fallow
    assert s["recommendation"].startswith("Continue current practice: leave the land idle: no food crop, as "
                                          "strict-control land requires")
    assert "no other option ranks higher" not in s["recommendation"]
    assert s["measures"] == ("This season: Leave the land idle as it is (no crop is grown) | "
                             "Next season: Leave the land idle as it is (no crop is grown)")


def _suffix_table():
    # 天长 rice–wheat fields written with a season suffix: TC-01-稻 / TC-01-麦 (rows 1, 3), TC-02（早稻）/
    # TC-02（油） (rice, rapeseed), A12-rice / A12_Wheat, TC-03(早稻) / TC-03(晚稻) (early and late rice); negatives:
    # single letters, a suffix on one row only, other base ids, the same crop, another region, another area; TC-11稻 /
    # TC-11麦 are one field: a blank region agrees with any, an area 0.70 with 0.7
    ids = ["TC-01-稻", "TC-05", "TC-01-麦", "TC-02（早稻）", "TC-02(油)", "A12-rice", "A12_Wheat",
           "TC-03(早稻)", "TC-03(晚稻)", "B7_R", "B7_W", "TC-04", "TC-04-麦", "TC-06-稻", "TC-07-麦",
           "TC-08-稻", "TC-08-麦", "TC-09-稻", "TC-09-麦", "TC-10-稻", "TC-10-麦", "TC-11稻", "TC-11麦"]
    crop = ["rice", "rice", "小麦", "rice", "油菜", "rice", "wheat",
            "早稻", "晚稻", "rice", "wheat", "rice", "wheat", "rice", "wheat",
            "rice", "rice", "rice", "wheat", "rice", "wheat", "rice", "wheat"]
    region = ["Anhui/Chuzhou/Tianchang"] * 18 + ["Anhui/Chuzhou/Quanjiao"] + ["Anhui/Chuzhou/Tianchang"] * 2 + [
        None, "Anhui/Chuzhou/Tianchang"]
    area = [0.5, 2.0, 0.5, 0.3, 0.3, 1.0, 1.0] + [0.2] * 13 + [0.4, 0.7, "0.70"]
    return make_plots(23, plot_id=ids, crop=crop, cropping_system="稻-麦", ph=5.6, cd_mg_kg=0.55,
                      area_ha=area, region=region)


_SUFFIX_FIELDS = {"TC-01-稻": "TC-01", "TC-01-麦": "TC-01", "TC-02（早稻）": "TC-02", "TC-02(油)": "TC-02",
                  "A12-rice": "A12", "A12_Wheat": "A12", "TC-11稻": "TC-11", "TC-11麦": "TC-11",
                  "TC-03(早稻)": "TC-03", "TC-03(晚稻)": "TC-03"}


def _check_suffix_validation(v):
    assert len(v.plots) == 23 and v.rejected.empty
    # each row keeps its plot id; the fields' rows get the id without the suffix as field_id, no other row does
    assert v.plots["plot_id"].tolist() == _suffix_table()["plot_id"].tolist()
    field = {p: f for p, f in zip(v.plots["plot_id"], v.plots["field_id"], strict=True) if isinstance(f, str)}
    assert field == _SUFFIX_FIELDS
    note = v.problems.loc[v.problems["problem"].str.contains("season suffix")]
    assert note["input_row"].tolist() == [1]  # said once per file, on the first row of the first field
    assert note["problem"].iloc[0].startswith(
        "5 fields are written as rows whose plot ids are one id with a season suffix and that grow different "
        "crops or rice seasons (10 rows, e.g. TC-01-稻 / TC-01-麦)")
    assert "its field_id (TC-01)" in note["problem"].iloc[0]
    assert not v.problems["problem"].str.startswith("duplicate plot id").any()
    # the rotation clause: the wheat season of TC-01 is planned in row 3, that of TC-06-稻 nowhere
    cnp = dict(zip(v.plots["plot_id"], v.plots["crops_not_planned"], strict=True))
    assert pd.isna(cnp["TC-01-稻"]) and pd.isna(cnp["TC-01-麦"]) and pd.isna(cnp["A12-rice"])
    assert cnp["TC-06-稻"] == "wheat" and cnp["TC-04"] == "wheat" and cnp["TC-10-稻"] == "wheat"
    planned = v.problems.loc[v.problems["column"] == "crops_not_planned"]
    assert planned.loc[planned["input_row"] == 1, "problem"].tolist() == [
        "the Wheat season of the rotation is planned in row 3, a season row of the same field"]


def test_plot_ids_with_a_season_suffix_on_rows_of_different_crops_are_one_field():
    from agriremed.io.validate import validate_plots
    _check_suffix_validation(validate_plots(_suffix_table()))


def test_season_suffix_fields_are_read_alike_in_chunks_and_whole():
    from agriremed.engine.stream import plan_stream, validate_stream
    for size in (1, 2, 5):
        _check_suffix_validation(validate_stream(_suffix_table(), chunk_size=size, keep_plots=100))
    whole = _plan(_suffix_table()).summary
    for size in (1, 4):
        r = plan_stream(_suffix_table(), agriremed.Scenario(mc_draws=0), chunk_size=size, progress=False)
        assert r.summary["plot_id"].tolist() == whole["plot_id"].tolist()
        assert r.summary["field_id"].fillna("").tolist() == whole["field_id"].fillna("").tolist()


def test_the_area_of_a_field_written_with_season_suffixes_is_counted_once():
    from agriremed.io.report import PlanDigest, plain_summary
    plots = make_plots(3, plot_id=["TC-01-稻", "TC-05", "TC-01-麦"], crop=["rice", "rice", "wheat"],
                       cropping_system="稻-麦", ph=5.6, cd_mg_kg=0.55, area_ha=[0.5, 2.0, 0.5],
                       region="Anhui/Chuzhou/Tianchang")
    d = PlanDigest.from_plan(_plan(plots))
    assert d.n_planned == 3 and d.season_rows == 2 and d.n_fields == 1
    assert d.area_ha == pytest.approx(2.5)  # field TC-01 0.5 ha once, TC-05 2.0 ha
    assert sum(a for _, a in d.by_class.values()) == pytest.approx(2.5)
    assert "2 of these plots are crop seasons of 1 fields" in " ".join(plain_summary(d, "en"))


def test_the_season_suffix_pattern():
    from agriremed.core.tables import load_tables
    from agriremed.io.validate import season_suffix_pattern
    p = season_suffix_pattern(load_tables())
    base = {i: (m["base"] if (m := p.match(i)) else None) for i in (
        "TC-01-稻", "TC-01稻", "TC-01_麦", "TC-01·油", "TC-01-玉米", "TC-01(早稻)", "TC-01（晚稻）", "TC-01-早稻",
        "A12-rice", "A12_WHEAT", "A12-rapeseed", "A12-maize", "A12_sweet_potato",
        "A12_R", "A12-W", "A12rice", "A12(rice)", "TC-01(早稻", "TC-01-none", "稻", "TC-01")}
    assert base == {"TC-01-稻": "TC-01", "TC-01稻": "TC-01", "TC-01_麦": "TC-01", "TC-01·油": "TC-01",
                    "TC-01-玉米": "TC-01", "TC-01(早稻)": "TC-01", "TC-01（晚稻）": "TC-01", "TC-01-早稻": "TC-01",
                    "A12-rice": "A12", "A12_WHEAT": "A12", "A12-rapeseed": "A12", "A12-maize": "A12",
                    "A12_sweet_potato": "A12", "A12_R": None, "A12-W": None, "A12rice": None, "A12(rice)": None,
                    "TC-01(早稻": None, "TC-01-none": None, "稻": None, "TC-01": None}


def test_a_winter_wheat_row_on_acid_yangtze_land_gets_the_wheat_measures():
    # winter wheat (no maize switch: wheat_seasons.csv) on acid safe-utilisation land of the Yangtze basin:
    # dry land (Anhui, Henan/Xinyang) and the wheat row of a rice–wheat paddy (Jiangsu, Hubei); the season
    # keeps wheat with a wheat measure that lifts the grain's compliance, not unchanged practice
    plots = make_plots(4, plot_id=["AH", "XY", "JS", "HB"], land_use=["upland", "upland", "paddy", "paddy"],
                       crop="wheat", ph=[5.2, 5.5, 5.6, 5.8], cd_mg_kg=[0.8, 0.9, 0.6, 0.5],
                       cropping_system=["", "", "稻麦轮作", "稻-麦"],
                       region=["Anhui/Lu'an", "Henan/Xinyang", "Jiangsu/Yangzhou", "Hubei/Jingzhou"])
    p = _plan(plots)
    t = p.table.set_index(["plot_id", "option_id"])
    s = p.summary.set_index("plot_id")
    for pid in ("AH", "XY", "JS", "HB"):
        assert s.loc[pid, "soil_class"] == "safe_utilisation"
        assert not t.loc[(pid, "maize_grain"), "applicable"]
        assert t.loc[(pid, "maize_grain"), "reason"].startswith(("winter wheat row", "the paddy row grows Wheat"))
        base = t.loc[(pid, "do_nothing"), "crop_compliance_prob"]
        for oid in ("foliar_zn_wheat", "low_cd_wheat", "lime_upland_wheat"):
            assert t.loc[(pid, oid), "applicable"], (pid, oid)
            # liming is dosed to pH 6.5 (4.2 t/ha at pH 5.2, about half the evidence's 7.5 t/ha to pH 6.8), so
            # credited with about half its cut: a smaller gain than the spray or the cultivar
            gain = 0.0 if oid == "lime_upland_wheat" else 0.05
            assert t.loc[(pid, oid), "crop_compliance_prob"] > base + gain, (pid, oid)
        assert s.loc[pid, "recommended_option"] == "foliar_zn_wheat", pid
    assert t.loc[("AH", "do_nothing"), "crop_compliance_prob"] == pytest.approx(0.238, abs=0.001)
    assert t.loc[("AH", "foliar_zn_wheat"), "crop_compliance_prob"] == pytest.approx(0.470, abs=0.001)
