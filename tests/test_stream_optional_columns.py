"""Columns a plan adds only where some row of the input has a feature (a rice season, paddy–upland rotation
land, the season rows of one field, values below the detection limit, harvest values on a dry-weight basis)
are the same planned whole, in chunks of one row and in dask partitions of one row, whether the feature is on
the first rows of the file or on the last."""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed
from agriremed.apps.cli import main

BASE = {"plot_id": "", "region": "Hunan/Zhuzhou/Lukou", "land_use": "paddy", "crop": "rice", "area_ha": "0.3",
        "ph": "6.8", "som_pct": "3.0", "cd_mg_kg": "0.52"}
HARVEST = "糙米镉（mg/kg）"
HARVEST_DW = "糙米镉（mg/kg，干重）"

#: feature → the cells of its rows (one row, or the two season rows of one field) and the columns it needs
FEATURES = {
    "rice_season_crop": ([{"crop": "早稻"}], {}),
    "rice_season_single": ([{"crop": "中稻"}], {}),
    "rice_season_id": ([{"plot_id": "LY-01-晚稻"}], {}),
    "rotation": ([{"cropping_system": "稻麦轮作"}], {"cropping_system": ""}),
    "field_id": ([{"plot_id": "F1", "crop": "rice"}, {"plot_id": "F1", "crop": "wheat"}], {}),
    "field_id_suffix": ([{"plot_id": "TC-01-稻", "crop": "rice"}, {"plot_id": "TC-01-麦", "crop": "wheat"}], {}),
    "early_late_rice": ([{"plot_id": "E1", "crop": "早稻"}, {"plot_id": "E1", "crop": "晚稻"}], {}),
    "censored": ([{"cd_mg_kg": "<0.05"}], {}),
    "crop_censored": ([{HARVEST: "<0.02"}], {HARVEST: ""}),
    "crop_dry_weight": ([{HARVEST_DW: "0.35"}], {HARVEST_DW: ""}),
    "unlisted_crop": ([{"crop": "黄精", "land_use": "upland"}], {}),
}

#: feature → the summary column it fills on its rows (blank on the others); the rotation-land column
#: screening_basis is in every summary: rotation_stricter on rotation land, paddy on the other paddies
ADDED = {"rice_season_crop": "rice_season", "rice_season_single": "rice_season", "rice_season_id": "rice_season",
         "rotation": "screening_basis", "field_id": "field_id", "field_id_suffix": "field_id",
         "early_late_rice": "rice_season", "censored": "censored_metals", "crop_censored": "crop_measured_msg",
         "crop_dry_weight": "crop_measured_msg", "unlisted_crop": "crop_as_written"}


def _table(feature: str, first: bool, n_plain: int = 3) -> pd.DataFrame:
    """``n_plain`` plain rice rows and the rows of ``feature``, those first (``first``) or last."""
    cells, extra = FEATURES[feature]
    plain = [dict(BASE, **extra, plot_id=f"P{i}") for i in range(n_plain)]
    rows = [dict(BASE, **extra, plot_id=f"X{i}") | c for i, c in enumerate(cells)]
    return pd.DataFrame(rows + plain if first else plain + rows, dtype=object)


def _summaries(tmp_path, df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """summary.csv of the whole file and of the file planned in chunks of one row."""
    src = tmp_path / "in.csv"
    df.to_csv(src, index=False, encoding="utf-8")
    out = {}
    for name, more in (("whole", []), ("chunked", ["--chunk-size", "1"])):
        args = ["plan", str(src), "--out", str(tmp_path / name), "--draws", "0", "--quiet", "--format", "csv",
                "--no-report", "--no-xlsx", *more]
        assert main(args) == 0
        out[name] = pd.read_csv(tmp_path / name / "summary.csv", encoding="utf-8-sig", keep_default_na=False,
                                dtype=str)
    return out["whole"], out["chunked"]


@pytest.mark.parametrize("first", [True, False], ids=["first_rows", "last_rows"])
@pytest.mark.parametrize("feature", list(FEATURES))
def test_chunks_of_one_row_write_the_summary_of_the_whole_file(tmp_path, feature, first):
    df = _table(feature, first)
    whole, chunked = _summaries(tmp_path, df)
    assert ADDED[feature] in whole.columns
    assert chunked.columns.tolist() == whole.columns.tolist()
    pd.testing.assert_frame_equal(chunked, whole)
    # the column is filled on the feature's rows only, blank on the others
    at = [i for i, p in enumerate(whole["plot_id"]) if not p.startswith("P")]
    assert at == ([0, 1][:len(FEATURES[feature][0])] if first else list(range(3, 3 + len(FEATURES[feature][0]))))
    if feature == "rotation":
        assert whole["screening_basis"].tolist() == ["rotation_stricter" if i in at else "paddy"
                                                     for i in range(len(whole))]
    else:
        assert [bool(v) for v in whole[ADDED[feature]]] == [i in at for i in range(len(whole))]


@pytest.mark.parametrize("first", [True, False], ids=["first_rows", "last_rows"])
def test_rice_season_values_whole_and_chunked(tmp_path, first):
    """The early and the late rice of one field, beside plain rice rows: the season rows' seasons and the
    field, blank on the other rows, in every chunk."""
    whole, chunked = _summaries(tmp_path, _table("early_late_rice", first))
    expected = (["early", "late", "", "", ""] if first else ["", "", "", "early", "late"])
    assert whole["rice_season"].tolist() == chunked["rice_season"].tolist() == expected
    assert whole.columns.tolist()[:5] == ["plot_id", "field_id", "rice_season", "same_plan_as", "input_row"]
    assert chunked["field_id"].tolist() == [("E1" if s else "") for s in expected]


@pytest.mark.parametrize("first", [True, False], ids=["first_rows", "last_rows"])
@pytest.mark.parametrize("feature", list(FEATURES))
def test_dask_partitions_of_one_row_give_the_summary_of_the_whole_table(feature, first):
    dd = pytest.importorskip("dask.dataframe", reason="the dask backend is optional: pip install 'agriremed[dask]'")
    from agriremed.engine.dask_backend import plan_dask

    df = _table(feature, first)
    sc = agriremed.Scenario(mc_draws=0)
    whole = agriremed.plan(df, sc, progress=False).summary
    got = plan_dask(dd.from_pandas(df, npartitions=len(df), sort=False), sc).summary.compute()

    def norm(s):
        s = s.reset_index(drop=True)
        return s.astype(object).where(s.notna(), None)

    assert ADDED[feature] in whole.columns
    assert got.columns.tolist() == whole.columns.tolist()
    pd.testing.assert_frame_equal(norm(got), norm(whole))


def test_a_chunk_with_a_column_more_or_less_than_the_first_is_an_error(tmp_path):
    """The file keeps the first chunk's columns: a later chunk with another column stops the run naming it
    instead of leaving it out of the file."""
    from agriremed.engine.stream import TableSink

    sink = TableSink(tmp_path / "summary.csv", "csv", [])
    sink.write(pd.DataFrame({"plot_id": ["A"], "crop": ["rice"]}))
    sink.write(pd.DataFrame({"crop": ["wheat"], "plot_id": ["B"]}))  # the same columns in another order
    with pytest.raises(RuntimeError, match=r"summary.csv: .*more: rice_season; missing: none"):
        sink.write(pd.DataFrame({"plot_id": ["C"], "crop": ["rice"], "rice_season": ["early"]}))
    with pytest.raises(RuntimeError, match=r"more: none; missing: crop"):
        sink.write(pd.DataFrame({"plot_id": ["D"]}))
    sink.close()
    assert (tmp_path / "summary.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "plot_id,crop", "A,rice", "B,wheat"]
