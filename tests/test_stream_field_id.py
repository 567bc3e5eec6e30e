"""A streamed (chunked) plan links the rows of one field given by a ``field_id`` column across chunks, as a
whole-file plan does: paddy–upland rotation land (水旱轮作地) is found over every row of the field, whichever
chunk holds them. The first pass reads each soil-metal column as text once per chunk."""

from __future__ import annotations

import collections

import pytest

import agriremed
from agriremed.engine import stream
from plotdata import make_plots

COLS = ["plot_id", "soil_class", "screening_basis", "recommended_option", "recommendation"]


def _fields():
    # Tianchang paddies, pH 6.8, Cd 0.52 (paddy screening 0.6, dry-land 0.3): field Q is rice (row 1) and wheat
    # (row 5), field R two rice rows (rows 4 and 6), one of them 稻-稻-油 (rice–rice–rapeseed); X, Y: no field
    return make_plots(6, plot_id=["Q-1", "X", "Y", "R-1", "Q-2", "R-2"], field_id=["Q", "", "", "R", "Q", "R"],
                      crop=["rice", "rice", "rice", "rice", "wheat", "rice"], land_use="paddy", ph=6.8,
                      cd_mg_kg=[0.52, 0.2, 0.2, 0.52, 0.52, 0.52], cropping_system=["", "", "", "", "", "稻-稻-油"],
                      region="Anhui/Chuzhou/Tianchang", basic_farmland="yes")


@pytest.fixture(scope="module")
def fields_csv(tmp_path_factory):
    f = tmp_path_factory.mktemp("fields") / "fields.csv"
    _fields().to_csv(f, index=False)
    return f


@pytest.fixture(scope="module")
def whole(fields_csv):
    return agriremed.plan(fields_csv, agriremed.Scenario(mc_draws=0), progress=False).summary


def test_the_whole_file_classes_every_row_of_a_rotation_field_alike(whole):
    s = whole.set_index("plot_id")
    for pid in ("Q-1", "Q-2", "R-1", "R-2"):
        assert s.loc[pid, "soil_class"] == "safe_utilisation", pid
        assert s.loc[pid, "screening_basis"] == "rotation_stricter", pid
        assert s.loc[pid, "max_exceedance_ratio"] == pytest.approx(0.52 / 0.3), pid
    assert s.loc["X", "soil_class"] == "priority_protection" and s.loc["X", "screening_basis"] == "paddy"


@pytest.mark.parametrize("size", [2, 3, 4])
def test_a_field_id_split_across_chunks_is_linked_as_in_the_whole_file(fields_csv, whole, tmp_path, size):
    # chunks of 2: Q's rice row (1) and wheat row (5), R's rows (4, 6) in different chunks; the rice row of Q and
    # the plain rice row of R were planned as priority protection with the paddy value 0.6 (ratio 0.87)
    r = stream.plan_stream(fields_csv, agriremed.Scenario(mc_draws=0), chunk_size=size, progress=False,
                           out=tmp_path / "out").summary
    assert r[COLS].to_dict("records") == whole[COLS].to_dict("records")
    q1 = r.set_index("plot_id").loc["Q-1"]
    assert q1["soil_class"] == "safe_utilisation" and q1["max_exceedance_ratio"] == pytest.approx(0.52 / 0.3)
    assert "Paddy–upland rotation land" in q1["recommendation"]


def test_the_first_pass_finds_the_rotation_fields_read_in_several_chunks(fields_csv):
    assert stream._Input(fields_csv, 2).scan().rotation_fields == frozenset({"Q", "R"})
    assert stream._Input(fields_csv, 6).scan().rotation_fields == frozenset()  # one chunk: no second pass


def test_a_field_id_split_across_dask_partitions_is_linked_as_in_the_whole_file(whole):
    dd = pytest.importorskip("dask.dataframe")
    from agriremed.engine.dask_backend import plan_dask
    out = plan_dask(dd.from_pandas(_fields(), npartitions=3, sort=False), agriremed.Scenario(mc_draws=0))
    s = out.summary.compute().reset_index(drop=True)
    assert s[COLS[:3]].to_dict("records") == whole[COLS[:3]].to_dict("records")


def test_the_first_pass_reads_each_soil_metal_column_as_text_once_per_chunk(monkeypatch):
    # the medians and both detection-limit flags ('<0.05', 'ND') read the same texts: 2 chunks, 2 conversions
    # of each column (before: cd 5, the medians and each flag converting it again)
    import agriremed.io.validate as V
    seen = collections.Counter()
    as_text = V.as_text

    def counting(s):
        seen[s.name] += 1
        return as_text(s)

    monkeypatch.setattr(V, "as_text", counting)
    df = make_plots(4, cd_mg_kg=["0.3", "<0.05", "ND", "0.4"], pb_mg_kg=["20", "30", "40", "50"])
    scan = stream._Input(df, 2).scan()
    assert scan.censored and scan.not_detected
    assert scan.metal_medians == pytest.approx({"cd": 0.35, "pb": 35.0})
    assert seen["cd_mg_kg"] == 2 and seen["pb_mg_kg"] == 2
