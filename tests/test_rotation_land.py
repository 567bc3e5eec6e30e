"""Paddy–upland rotation land (水旱轮作地: 稻麦轮作, 稻-油, or the rice and wheat season rows of one field) is
classed metal by metal with the lower of the paddy and the dry-land GB 15618-2018 screening values
(scenario ``rotation_screening`` ``stricter``, the default); ``paddy`` keeps the paddy values."""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed
from agriremed.core import messages
from agriremed.core.scenario import ScenarioError
from agriremed.io.validate import validate_plots
from agriremed.stages import soil
from plotdata import make_plots

# Tianchang (Anhui) county review: field, pH, Cd [mg/kg], paddy screening value, the stricter (dry-land) one
CASES = {"TC-QL-02": (6.8, 0.52, 0.6, 0.3), "TC-TC-01": (6.2, 0.35, 0.4, 0.3),
         "TC-ZP-01": (5.8, 0.38, 0.4, 0.3), "TC-TC-02": (8.2, 0.70, 0.8, 0.6)}


def _plots() -> pd.DataFrame:
    rows = [  # plot id, crop, pH, Cd, cropping system
        ("TC-QL-02", "rice", 6.8, 0.52, "稻麦轮作"), ("TC-QL-02", "wheat", 6.8, 0.52, "稻麦轮作"),  # one id, two seasons
        ("TC-TC-01", "rice", 6.2, 0.35, ""), ("TC-TC-01", "wheat", 6.2, 0.35, ""),  # the field's crops alone
        ("TC-ZP-01-稻", "rice", 5.8, 0.38, "稻麦轮作"), ("TC-ZP-01-麦", "wheat", 5.8, 0.38, ""),  # suffixed ids
        ("TC-TC-02", "rice", 8.2, 0.70, "稻-油"),  # rice–rapeseed, the rapeseed season not sampled
        ("PLAIN", "rice", 6.8, 0.52, ""), ("DOUBLE", "rice", 6.8, 0.52, "双季稻"), ("RICE_RICE", "rice", 6.8, 0.52, "稻-稻"),
        ("FISH", "rice", 6.8, 0.52, "稻-鱼"),
    ]
    pid, crop, ph, cd, system = (list(c) for c in zip(*rows, strict=True))
    return make_plots(len(rows), plot_id=pid, crop=crop, ph=ph, cd_mg_kg=cd, cropping_system=system,
                      land_use="paddy", region="Anhui/Chuzhou/Tianchang", basic_farmland="yes")


def _classes(rotation_screening="stricter"):
    v = validate_plots(_plots())
    assert len(v.rejected) == 0
    scr = soil.screen(v.plots, rotation_screening=rotation_screening)
    cls = soil.plot_classes(scr, v.plots["plot_id"])
    fields = v.plots["field_id"].fillna(v.plots["plot_id"]).to_numpy(object)
    return v.plots.assign(field=fields), scr.set_index("plot_id"), cls.set_index("plot_id")


def test_rotation_land_is_screened_with_the_stricter_value_and_every_season_row_alike():
    plots, scr, cls = _classes()
    for field, (_, cd, paddy, stricter) in CASES.items():
        ids = plots.loc[plots["field"] == field, "plot_id"].tolist()
        assert len(ids) == (1 if field == "TC-TC-02" else 2), field
        for pid in ids:
            assert scr.loc[pid, "screening_mg_kg"] == pytest.approx(stricter), pid
            assert scr.loc[pid, "exceedance_ratio"] == pytest.approx(cd / stricter), pid
            assert scr.loc[pid, "screening_basis"] == "rotation_stricter"
            assert cls.loc[pid, "soil_class"] == "safe_utilisation", pid
            assert cls.loc[pid, "soil_class_without_rotation"] == "priority_protection", pid
            assert cls.loc[pid, "screening_basis"] == "rotation_stricter"
    # the intervention value is the one set for every land use (pH 6.8: 3.0)
    assert scr.loc[plots.loc[plots["field"] == "TC-QL-02", "plot_id"].iloc[0], "intervention_mg_kg"] == 3.0


@pytest.mark.parametrize("pid", ["PLAIN", "DOUBLE", "RICE_RICE", "FISH"])
def test_a_paddy_without_a_dry_crop_keeps_the_paddy_values(pid):
    _, scr, cls = _classes()
    assert scr.loc[pid, "screening_mg_kg"] == 0.6
    assert scr.loc[pid, "screening_basis"] == "paddy"
    assert cls.loc[pid, "soil_class"] == "priority_protection"


def test_rotation_screening_paddy_gives_the_paddy_values():
    plots, scr, cls = _classes("paddy")
    for field, (_, _, paddy, _) in CASES.items():
        for pid in plots.loc[plots["field"] == field, "plot_id"]:
            assert scr.loc[pid, "screening_mg_kg"] == pytest.approx(paddy), pid
            assert scr.loc[pid, "screening_basis"] == "paddy"
            assert cls.loc[pid, "soil_class"] == "priority_protection", pid
    with pytest.raises(ScenarioError, match="rotation_screening"):
        agriremed.Scenario(rotation_screening="other")


def test_the_plan_names_the_basis_and_notes_the_changed_class_in_both_languages():
    sub = _plots().iloc[[0, 1, 7]].reset_index(drop=True)  # TC-QL-02 (rice, wheat) and a plain paddy
    p = agriremed.plan(sub, agriremed.Scenario(mc_draws=0), progress=False)
    s = p.summary.set_index("plot_id")
    rows = s.loc[s["field_id"] == "TC-QL-02"]
    assert len(rows) == 2 and (rows["soil_class"] == "safe_utilisation").all()
    assert (rows["screening_basis"] == "rotation_stricter").all()
    assert rows["max_exceedance_ratio"].to_numpy() == pytest.approx([0.52 / 0.3] * 2)
    assert s.loc["PLAIN", "soil_class"] == "priority_protection" and s.loc["PLAIN", "screening_basis"] == "paddy"
    pid = rows.index[0]
    en = s.loc[pid, "recommendation"]
    assert ("Paddy–upland rotation land: classed with the stricter of the paddy and dry-land screening values "
            "(GB 15618-2018 Table 1 note, as quoted in county practice; precautionary reading): safe utilisation"
            ) in en
    assert "with the paddy values alone it would be priority protection" in en
    zh = messages.render(messages.Message.decode(s.loc[pid, "recommendation_msg"]), "zh")
    assert "水旱轮作地：按水田与其他用地中较严格的风险筛选值分类" in zh
    assert "：安全利用类；仅按水田筛选值为优先保护类。" in zh
    assert "rotation" not in s.loc["PLAIN", "recommendation"]
    old = agriremed.plan(sub, agriremed.Scenario(mc_draws=0, rotation_screening="paddy"), progress=False).summary
    old = old.set_index("plot_id")
    assert (old.loc[rows.index, "soil_class"] == "priority_protection").all()
    assert (old.loc[rows.index, "screening_basis"] == "paddy").all()
    assert "rotation land" not in old.loc[pid, "recommendation"]


def _dry_season_plots() -> pd.DataFrame:
    rows = [  # plot id, crop cell, pH, Cd [mg/kg]: a rotation in the crop cell, a dry crop on a paddy, rice alone
        ("CELL-稻-油", "稻-油", 8.2, 0.70), ("CELL-稻麦", "稻麦", 8.2, 0.70), ("CELL-稻-麦", "稻-麦", 8.2, 0.70),
        ("CELL-rice-wheat", "rice-wheat", 8.2, 0.70),
        ("PADDY-WHEAT", "小麦", 5.8, 0.35), ("PADDY-RAPE", "油菜", 5.8, 0.35), ("PADDY-MAIZE", "maize", 5.8, 0.35),
        ("DOUBLE", "双季稻", 8.2, 0.70), ("RICE", "水稻", 5.8, 0.35),
    ]
    pid, crop, ph, cd = (list(c) for c in zip(*rows, strict=True))
    return make_plots(len(rows), plot_id=pid, crop=crop, ph=ph, cd_mg_kg=cd, land_use="paddy",
                      region="Hunan/Zhuzhou/Lukou", basic_farmland="yes")


def test_a_rotation_in_the_crop_cell_and_a_dry_crop_on_a_paddy_are_rotation_land():
    v = validate_plots(_dry_season_plots())
    assert len(v.rejected) == 0
    rot = v.plots.set_index("plot_id")["paddy_upland_rotation"]
    assert rot.drop(["DOUBLE", "RICE"]).eq("yes").all()
    assert rot[["DOUBLE", "RICE"]].isna().all()
    assert v.plots.set_index("plot_id").loc["CELL-稻-油", ["crop", "crops_not_planned"]].tolist() == ["rice", "rapeseed"]
    scr = soil.screen(v.plots).set_index("plot_id")
    cls = soil.plot_classes(soil.screen(v.plots), v.plots["plot_id"]).set_index("plot_id")
    for pid in ("CELL-稻-油", "CELL-稻麦", "CELL-稻-麦", "CELL-rice-wheat"):  # pH 8.2: paddy 0.8, dry land 0.6
        assert scr.loc[pid, "screening_mg_kg"] == pytest.approx(0.6), pid
        assert cls.loc[pid, "soil_class"] == "safe_utilisation", pid
    for pid in ("PADDY-WHEAT", "PADDY-RAPE", "PADDY-MAIZE"):  # pH 5.8: paddy 0.4, dry land 0.3
        assert scr.loc[pid, "screening_mg_kg"] == pytest.approx(0.3), pid
        assert scr.loc[pid, "exceedance_ratio"] == pytest.approx(0.35 / 0.3), pid
        assert cls.loc[pid, "soil_class"] == "safe_utilisation", pid
    assert scr.loc["DOUBLE", "screening_mg_kg"] == pytest.approx(0.8)
    assert scr.loc["RICE", "screening_mg_kg"] == pytest.approx(0.4)
    assert cls.loc[["DOUBLE", "RICE"], "soil_class"].eq("priority_protection").all()
    assert cls.loc[["DOUBLE", "RICE"], "screening_basis"].eq("paddy").all()


def test_dry_season_rotation_land_is_planned_alike_whole_chunked_and_in_dask():
    from agriremed.engine.stream import plan_stream

    df = _dry_season_plots().iloc[[0, 4, 7, 8]].reset_index(drop=True)
    sc = agriremed.Scenario(mc_draws=0)
    s = agriremed.plan(df, sc, progress=False).summary
    by = s.set_index("plot_id")
    assert by.loc[["CELL-稻-油", "PADDY-WHEAT"], "soil_class"].eq("safe_utilisation").all()
    assert by.loc[["CELL-稻-油", "PADDY-WHEAT"], "screening_basis"].eq("rotation_stricter").all()
    assert by.loc[["DOUBLE", "RICE"], "soil_class"].eq("priority_protection").all()
    assert ("Paddy–upland rotation land: classed with the stricter of the paddy and dry-land screening values"
            in by.loc["CELL-稻-油", "recommendation"])
    assert "with the paddy values alone it would be priority protection" in by.loc["PADDY-WHEAT", "recommendation"]
    assert "rotation land" not in by.loc["RICE", "recommendation"]
    chunked = plan_stream(df, sc, chunk_size=1, progress=False).summary
    pd.testing.assert_frame_equal(chunked.reset_index(drop=True), s.reset_index(drop=True))
    dd = pytest.importorskip("dask.dataframe")
    from agriremed.engine.dask_backend import plan_dask

    got = plan_dask(dd.from_pandas(df, npartitions=2), sc).summary.compute().reset_index(drop=True)
    assert got["soil_class"].tolist() == s["soil_class"].tolist()
    assert got["screening_basis"].tolist() == s["screening_basis"].tolist()
    assert got["recommendation"].tolist() == s["recommendation"].tolist()
