"""The dask backend gives the pandas path's results, also on a dask.distributed cluster."""

from __future__ import annotations

import pandas as pd
import pytest

import agriremed
from agriremed.io.synthetic import synthetic_plots

dd = pytest.importorskip("dask.dataframe",
                         reason="the dask backend is optional: pip install 'agriremed[dask]'")

from agriremed.engine.dask_backend import plan_dask  # noqa: E402

SC = agriremed.Scenario(mc_draws=20, seed=5)


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    """dask returns text in its string dtype: compare values, with None for missing."""
    df = df.reset_index(drop=True)
    return df.astype(object).where(df.notna(), None)


@pytest.fixture(scope="module")
def plots():
    df = synthetic_plots(90, seed=6)
    df.loc[5, "som_pct"] = 150.0          # invalid: rejected
    df.loc[70, "plot_id"] = df.loc[12, "plot_id"]  # duplicate across partitions (the same crop: not a season row)
    df.loc[70, ["land_use", "crop"]] = df.loc[12, ["land_use", "crop"]].to_numpy()
    df.loc[80, "plot_id"] = df.loc[40, "plot_id"]  # the same id with another crop: season rows of one field
    # (one field: in the same place and on the same land use; rows in two regions would be two plots, duplicates)
    df.loc[80, ["region", "village", "lat", "lon", "land_use"]] = df.loc[40, ["region", "village", "lat", "lon",
                                                                           "land_use"]].to_numpy()
    df.loc[80, "crop"] = "maize" if df.loc[40, "crop"] != "maize" else "wheat"
    return df


@pytest.fixture(scope="module")
def pandas_plan(plots):
    return agriremed.plan(plots, SC, progress=False)


@pytest.mark.parametrize("npartitions", [1, 4])
def test_dask_outputs_equal_the_pandas_plan(plots, pandas_plan, npartitions):
    out = plan_dask(dd.from_pandas(plots, npartitions=npartitions), SC)
    assert out.n_input == 90
    for name in ("table", "summary", "rejected", "problems"):
        pd.testing.assert_frame_equal(_norm(getattr(out, name).compute()), _norm(getattr(pandas_plan, name)),
                                      obj=name)
    assert sorted(out.rejected.compute()["input_row"]) == [6, 13, 71]
    assert {"S0000040~wheat", "S0000040~maize"} <= set(out.summary.compute()["plot_id"])


def test_dask_distributed_cluster_gives_the_same_summary(plots, pandas_plan):
    distributed = pytest.importorskip("distributed")
    out = plan_dask(dd.from_pandas(plots, npartitions=3), SC)
    with distributed.Client(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None):
        got = out.summary.compute()
    pd.testing.assert_frame_equal(_norm(got), _norm(pandas_plan.summary))


@pytest.mark.parametrize("at", [0, 2])
def test_dask_harvest_value_in_one_partition_only(at):
    """A harvest value in one row of three partitions of one row: every partition's summary has the
    measured-harvest columns, as the pandas plan."""
    rows = pd.DataFrame({"plot_id": ["G0", "G1", "G2"], "region": "Hunan/Zhuzhou/Lukou", "land_use": "paddy",
                         "crop": "rice", "area_ha": 0.3, "ph": 5.2, "som_pct": 3.0, "cd_mg_kg": 0.6,
                         "糙米镉（mg/kg）": [None] * 3})
    rows.loc[at, "糙米镉（mg/kg）"] = 0.35
    sc = agriremed.Scenario(mc_draws=0)
    whole = agriremed.plan(rows, sc, progress=False).summary
    got = plan_dask(dd.from_pandas(rows, npartitions=3, sort=False), sc).summary.compute()
    assert got.columns.tolist() == whole.columns.tolist()
    exceeds = [None, None, None]
    exceeds[at] = "cd"
    assert _norm(got)["crop_measured_exceeds"].tolist() == exceeds
