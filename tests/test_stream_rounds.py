"""A streamed (chunked) plan and the dask backend read the sampling rounds of a county sheet over the whole
input, as the in-memory plan does: each plot's latest round is planned and its earlier rounds are skipped with a
note, whichever chunk holds them (a first pass over the plot id and date columns finds each plot's latest round);
the rows that are not plots (land that is not farmland) share their id with no plot. planned + rejected + skipped
= rows, in every chunking."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import agriremed
from agriremed.apps.cli import main
from agriremed.engine import stream

_HEAD = "样品编号,采样日期,乡镇,地类,作物,面积（亩）,pH,有机质(g/kg),镉(mg/kg)\n"
_R = "湖南省株洲市渌口区"
# L01: latest round first (row 1), its 2021 round at row 4 with a higher Cd (the note names both values); L02:
# 2021 (row 2) before 2023 (row 5); L03: one date twice, duplicates; L04: years; L05: rice and wheat of one year,
# the season rows of one field; L06: a ditch (沟渠, not farmland, skipped) with the id of a paddy
_ROWS = (f"L01,2023-05-12,{_R},水田,水稻,3.2,5.3,29.0,0.45\n"
         f"L02,2021-05-10,{_R},水田,水稻,2.0,5.8,31.0,0.42\n"
         f"L03,2023-05-12,{_R},水田,水稻,2.0,5.9,30.0,0.44\n"
         f"L01,2021-05-10,{_R},水田,水稻,3.2,5.1,28.5,0.65\n"
         f"L02,2023-05-12,{_R},水田,水稻,2.0,5.9,30.0,0.44\n"
         f"L03,2023-05-12,{_R},水田,水稻,2.0,5.9,30.0,0.46\n"
         f"L04,2019,{_R},水田,水稻,2.0,5.5,30.0,0.9\n"
         f"L05,2023-09-01,{_R},水田,水稻,2.0,5.5,30.0,0.5\n"
         f"L06,2023-05-12,{_R},沟渠,,0.4,5.5,30.0,0.5\n"
         f"L04,2022,{_R},水田,水稻,2.0,5.5,30.0,0.5\n"
         f"L05,2023-05-01,{_R},水田,小麦,2.0,5.5,30.0,0.5\n"
         f"L06,2023-05-12,{_R},水田,水稻,1.5,5.5,30.0,0.5\n")

SC = agriremed.Scenario(mc_draws=0)
SUMMARY = ["plot_id", "input_row", "soil_class", "recommended_option"]
SKIPPED = [
    (2, "earlier sampling round (2021-05-10) of plot L02; the round of 2023-05-12 (row 5) is planned"),
    (4, "earlier sampling round (2021-05-10) of plot L01; the round of 2023-05-12 (row 1) is planned; in this "
        "earlier round its Cd was 0.65 mg/kg, above its screening value 0.3 mg/kg and higher than in the round "
        "planned (0.45 mg/kg)"),
    (7, "earlier sampling round (2019) of plot L04; the round of 2022 (row 10) is planned; in this earlier round its "
        "Cd was 0.9 mg/kg, above its screening value 0.3 mg/kg and higher than in the round planned (0.5 mg/kg)"),
]


@pytest.fixture(scope="module")
def rounds_csv(tmp_path_factory):
    f = tmp_path_factory.mktemp("rounds") / "rounds.csv"
    f.write_bytes((_HEAD + _ROWS).encode("utf-8"))
    return f


@pytest.fixture(scope="module")
def whole(rounds_csv):
    return agriremed.plan(rounds_csv, SC, progress=False)


def _skipped(df: pd.DataFrame) -> list:
    return [(int(r), str(t)) for r, t in zip(df["input_row"], df["reason"], strict=True) if "sampling round" in t]


def test_the_in_memory_plan_reads_the_rounds_of_the_sheet(whole):
    assert sorted(whole.summary["plot_id"]) == ["L01", "L02", "L04", "L05~小麦", "L05~水稻", "L06"]
    assert sorted(whole.summary["input_row"]) == [1, 5, 8, 10, 11, 12]
    assert _skipped(whole.skipped) == SKIPPED
    assert whole.rejected["input_row"].tolist() == [3, 6]          # L03: one date twice
    assert whole.skipped["input_row"].tolist() == [2, 4, 7, 9]     # and the ditch
    assert len(whole.summary) + len(whole.rejected) + len(whole.skipped) == 12


@pytest.mark.parametrize("size", [1, 2, 3, 5, 12])
def test_a_streamed_plan_reads_the_rounds_across_chunks_as_in_memory(rounds_csv, whole, size):
    # chunks of 3: L01's latest round (row 1) and its 2021 round (row 4), L02's rounds (2, 5), L04's (7, 10) and
    # L06's ditch and paddy (9, 12) in different chunks: before, every such id was a duplicate and rejected
    r = stream.plan_stream(rounds_csv, SC, chunk_size=size, progress=False)
    s = r.summary.sort_values("input_row").reset_index(drop=True)
    w = whole.summary.sort_values("input_row").reset_index(drop=True)
    assert s[SUMMARY].to_dict("records") == w[SUMMARY].to_dict("records")
    assert _skipped(r.skipped) == SKIPPED
    assert r.skipped["input_row"].tolist() == [2, 4, 7, 9]
    assert r.rejected["input_row"].tolist() == [3, 6]
    assert (r.n_planned, len(r.rejected), r.n_skipped, r.n_input) == (6, 2, 4, 12)
    # the date column is read (noted once, from the first chunk), not "not used"
    dcol = r.problems.loc[r.problems["column"] == "采样日期", "problem"].tolist()
    assert dcol == ["header '采样日期' read as the sampling date: 3 plot(s) were sampled in several rounds; the "
                    "latest round of each is planned, its earlier rounds are skipped (each listed as a note)"]


def test_the_first_pass_finds_the_latest_rounds_read_in_other_chunks(rounds_csv):
    scan = stream._Input(rounds_csv, 3).scan()
    assert scan.rounds.earlier.tolist() == [1, 3, 6] and scan.rounds.latest.tolist() == [4, 0, 9]
    assert scan.rounds.n_plots == 3
    # L01's latest round (row 1) is read in the chunk before its 2021 round; L02's and L04's in the chunk after
    assert scan.rounds.outside == {0: ("2023-05-12", {"cd_mg_kg": 0.45}), 4: ("2023-05-12", {"cd_mg_kg": 0.44}),
                                   9: ("2022", {"cd_mg_kg": 0.5})}
    assert "L01" not in scan.duplicates and "L06" not in scan.duplicates and "L03" in scan.duplicates


def test_validate_and_plan_in_chunks_on_the_command_line(rounds_csv, tmp_path, capsys):
    o = tmp_path / "o"
    assert main(["plan", str(rounds_csv), "--out", str(o), "--draws", "0", "--chunk-size", "3", "--jobs", "1",
                 "--no-report", "--no-xlsx", "--quiet"]) == 0
    run = json.loads((o / "run.json").read_text(encoding="utf-8"))
    assert (run["rows_read"], run["plots_planned"], run["rows_rejected"], run["rows_skipped"]) == (12, 6, 2, 4)
    v = stream.validate_stream(rounds_csv, chunk_size=2)
    assert (v.n_valid, len(v.rejected), len(v.skipped)) == (6, 2, 4)
    assert _skipped(v.skipped) == SKIPPED


def test_the_dask_backend_reads_the_rounds_across_partitions(rounds_csv, whole):
    dd = pytest.importorskip("dask.dataframe", reason="the dask backend is optional: pip install 'agriremed[dask]'")
    from agriremed.engine.dask_backend import plan_dask

    df = pd.read_csv(rounds_csv, dtype=str, keep_default_na=False)
    for n in (2, 4):
        out = plan_dask(dd.from_pandas(df, npartitions=n, sort=False), SC)
        assert out.counts() == {"rows_read": 12, "plots_planned": 6, "rows_rejected": 2, "rows_skipped": 4}
        s = out.summary.compute().sort_values("input_row").reset_index(drop=True)
        assert s["plot_id"].tolist() == whole.summary.sort_values("input_row")["plot_id"].tolist()
        assert _skipped(out.skipped.compute()) == SKIPPED
