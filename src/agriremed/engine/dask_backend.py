"""Dask backend: the planner on the partitions of a dask DataFrame, on one machine or a cluster.

Install with ``pip install agriremed[dask]``; dask is imported only when these functions
run. Each partition is validated and planned by :func:`agriremed.engine.stream.plan_chunk` (the
function :func:`agriremed.engine.stream.plan_stream` uses for each chunk) through
``map_partitions``, so every number equals the pandas path: input rows are numbered across
the partitions and plot ids repeated in any two partitions are rejected as duplicates (or read as the
season rows of one field where the rows grow different crops, as the pandas path reads them).

With a ``dask.distributed.Client`` connected, the same graph runs on the cluster's workers::

    from dask.distributed import Client
    import dask.dataframe as dd
    from agriremed.engine.dask_backend import plan_dask

    client = Client("scheduler-address:8786")
    plots = dd.read_parquet("s3://bucket/province/*.parquet")
    out = plan_dask(plots, Scenario(mc_draws=0))
    out.table.to_parquet("plan/")            # one file per partition, written by the workers

``out.table`` and ``out.summary`` are lazy; each plans the partitions when computed, so
write or compute the one you need (computing both plans twice).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from agriremed.core import columns as C
from agriremed.core.names import normalise_header
from agriremed.core.scenario import Scenario
from agriremed.engine.stream import offset_rows, field_rows, plan_chunk, repeated_ids, split_fields
from agriremed.core.tables import Tables, load_tables
from agriremed.io.validate import (NO_DATE, as_text, field_id_texts, field_soil_rows, has_crop_values,
                                   has_detection_limits, has_not_detected, has_rice_seasons, has_unlisted_crops,
                                   input_rounds, is_crop_metal_header, metal_column_medians, metal_column_numbers,
                                   rotation_fields, round_keys, round_latest_values, row_crop_cells,
                                   no_skipped_rows, row_crops, row_key_columns, row_keys, soil_total_texts,
                                   validate_plots)

__all__ = ["DaskPlan", "plan_dask"]


@dataclasses.dataclass
class DaskPlan:
    """Lazy outputs of :func:`plan_dask` (dask DataFrames, one partition per input partition).

    Attributes
    ----------
    table : dask.dataframe.DataFrame
        Plot × option rows, columns of ``plan.csv``.
    summary : dask.dataframe.DataFrame
        One row per planned plot, columns of ``summary.csv``.
    rejected, problems : dask.dataframe.DataFrame
        Rejected input rows with reasons, and every validation problem.
    n_input : int
        Input rows (counted when :func:`plan_dask` ran).
    skipped : dask.dataframe.DataFrame
        Rows of the input that are not plots (合计/小计 totals, 注/备注 notes, 填表人 signature lines), neither
        planned nor rejected, as :attr:`agriremed.engine.plan.Plan.skipped` (``input_row`` numbered across the
        partitions, ``line`` blank: a dask DataFrame has no file lines, ``reason``, ``reason_msg``).

    ``rejected`` and ``skipped`` only validate the partitions; :meth:`counts` computes both.
    """

    table: object
    summary: object
    rejected: object
    problems: object
    n_input: int
    skipped: object = None

    def counts(self) -> dict[str, int]:
        """Rows read, planned, rejected and skipped (not plots), as ``run.json`` of a plan gives them
        (``rows_read``, ``plots_planned``, ``rows_rejected``, ``rows_skipped``): validates the partitions
        (once for both), plans none; ``plots_planned + rows_rejected + rows_skipped == rows_read``."""
        import dask

        rejected, skipped = dask.compute(self.rejected.map_partitions(len), self.skipped.map_partitions(len))
        n_rejected, n_skipped = int(sum(rejected)), int(sum(skipped))
        return {"rows_read": self.n_input, "plots_planned": self.n_input - n_rejected - n_skipped,
                "rows_rejected": n_rejected, "rows_skipped": n_skipped}


def _partition(part: pd.DataFrame, what: str, scenario: Scenario, tables: Tables, offsets: np.ndarray,
               duplicates: dict, medians: dict | None = None, censored: bool = False, crop_values: bool = False,
               not_detected: bool = False, rice_seasons: bool = False, rotation: frozenset = frozenset(),
               unlisted_crops: bool = False, soil_rows: pd.DataFrame | None = None, rounds=None,
               partition_info=None) -> pd.DataFrame:
    """Plan one partition and return one of its outputs (dask passes ``partition_info``; the rejected and the
    skipped rows, :data:`_VALIDATED`, of its validation alone); ``medians``:
    the median [mg/kg] of each soil-metal column of the whole table (a column in µg/kg?); ``censored``: a
    soil-metal cell of the whole table gives a detection limit ('<0.05': every partition carries
    ``censored_metals``); ``crop_values``: a row of the whole table gives a value measured in the harvest
    (every partition's summary carries ``crop_measured_exceeds`` and ``crop_measured_msg``); ``not_detected``: a
    soil-metal cell of the whole table is 'ND' without a limit (every partition carries ``not_detected_metals``);
    ``rice_seasons``: a rice row of the whole table names its season (every partition carries ``rice_season``);
    ``rotation``: the fields with rows in several partitions that are rotation land (:func:`_rotation_fields`);
    ``unlisted_crops``: a row of the whole table grows a crop not in the library (every partition carries
    ``crop_as_written``); ``rounds``: the sampling rounds of the whole table
    (:class:`agriremed.io.validate.InputRounds`, :func:`_sampling_rounds`), or None."""
    number = partition_info["number"] if partition_info else 0
    part = part.reset_index(drop=True)
    part.attrs.update(_input_attrs(medians, censored, crop_values, not_detected, rice_seasons, rotation,
                                   unlisted_crops, soil_rows))
    if rounds is not None:  # the partition's share of them
        part.attrs["sampling_rounds_in_input"] = rounds.of_chunk(int(offsets[number]), len(part))
    part.attrs["rows_before"] = int(offsets[number])  # a duplicate's rows are named in the whole input
    if what in _VALIDATED:
        v = offset_rows(validate_plots(part, tables, duplicates=duplicates), int(offsets[number]))
        return getattr(v, what)
    p = plan_chunk(part, scenario, tables, int(offsets[number]), duplicates)
    if what == "table":
        return p.table
    if what == "summary":
        return p.summary
    problems = p.problems
    if number > 0:  # file-level problems (headers, missing columns) once, from the first partition
        problems = problems.loc[problems["input_row"].notna()]
    return problems


#: Outputs of a partition that its validation gives (the partition is validated, not planned): the same
#: tables as its plan's (:func:`agriremed.engine.plan.plan` keeps the validation's rejected and skipped rows).
_VALIDATED = ("rejected", "skipped")


def _input_attrs(medians, censored, crop_values, not_detected, rice_seasons, rotation, unlisted_crops,
                 soil_rows) -> dict:
    """The facts about the whole table a partition carries in its ``attrs`` (:func:`_partition`)."""
    return {"metal_medians": medians, "censored_in_input": censored, "not_detected_in_input": not_detected,
            "crop_values_in_input": crop_values, "rice_seasons_in_input": rice_seasons,
            "rotation_fields_in_input": rotation, "field_rows_in_input": soil_rows,
            "unlisted_crops_in_input": unlisted_crops}


def _rotation_fields(plots, lengths: np.ndarray, id_col, duplicates: dict, tables: Tables) -> tuple:
    """The fields (``field_id``, or a plot id read as season rows) with rows in several partitions that are
    paddy–upland rotation land, their rows checked together (:func:`agriremed.io.validate.rotation_fields`), and
    those rows validated (:func:`agriremed.io.validate.field_soil_rows`, or None), so that every partition
    classes them as a whole-table plan does."""
    field_cols = [c for c in plots.columns if normalise_header(str(c))[0] == "field_id"][:1]
    if not field_cols and not any(isinstance(v, dict) for v in duplicates.values()):
        return frozenset(), None
    cells = plots[[c for c in (id_col, *field_cols) if c is not None]].compute().reset_index(drop=True)
    ends = np.cumsum(lengths)
    parts = [cells.iloc[a:b] for a, b in zip(ends - lengths, ends, strict=True)]
    split = split_fields([(field_id_texts(p), as_text(p[id_col]).to_numpy(object) if id_col is not None
                           else np.full(len(p), "", dtype=object)) for p in parts], duplicates)
    if not split:
        return frozenset(), None
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    numbered = plots.map_partitions(_numbered_field_rows, split, duplicates, offsets,
                                    meta=plots._meta.assign(**{_ROW: pd.Series(dtype="int64")})).compute()
    rows = numbered.drop(columns=_ROW)
    return (rotation_fields(rows, tables, duplicates),
            field_soil_rows(rows, tables, duplicates, numbered[_ROW].to_numpy(np.int64)))


#: Column carrying a row's number in the whole table beside the rows of :func:`_numbered_field_rows`.
_ROW = "__agriremed_input_row__"


def _numbered_field_rows(part: pd.DataFrame, split: set, duplicates: dict, offsets: np.ndarray,
                         partition_info=None) -> pd.DataFrame:
    """The rows of ``part`` of the fields ``split`` (:func:`agriremed.engine.stream.field_rows`) with their
    number in the whole table (``offsets``: the rows before each partition)."""
    part = part.reset_index(drop=True)
    r = field_rows(part, split, duplicates)
    start = int(offsets[partition_info["number"]]) if partition_info else 0
    return r.assign(**{_ROW: start + 1 + part.index.get_indexer(r.index)})


#: Columns of :func:`_round_key_rows`.
_KEYS = {"not_plot": "bool", "may": "bool", "id": "object", "date": "int64", "crop": "object", "place": "object"}


def _round_key_rows(part: pd.DataFrame) -> pd.DataFrame:
    """Per row of ``part``: whether it is not a plot (a 合计 row, land that is not farmland), whether it may
    be a sampling round, its plot id, sampling date and crop cell (:func:`agriremed.io.validate.round_keys`)."""
    part = part.reset_index(drop=True)
    not_plots, rk = round_keys(part)
    n = len(part)
    out = {"not_plot": np.asarray(not_plots, bool), "may": np.zeros(n, bool), "id": np.full(n, "", dtype=object),
           "date": np.full(n, NO_DATE, np.int64), "crop": np.full(n, "", dtype=object),
           "place": np.full(n, "", dtype=object)}
    if rk is not None:
        rows = rk[1]
        out["may"][rows] = True
        out["id"][rows], out["date"][rows], out["crop"][rows], out["place"][rows] = rk[2], rk[3], rk[4], rk[5]
    return pd.DataFrame(out).astype(_KEYS)


def _sampling_rounds(plots, lengths: np.ndarray, tables: Tables):
    """The sampling rounds of the whole table (:class:`agriremed.io.validate.InputRounds`, None without a
    date column) and the rows that are not plots (a mask over the table), from one pass over its partitions
    (plot id, date and crop code of each row); the latest rounds whose earlier rounds are in other partitions
    are read in a second pass (their date as written and soil metals, for the notes of those rounds)."""
    keys = plots.map_partitions(_round_key_rows, meta=pd.DataFrame({k: pd.Series(dtype=t) for k, t in _KEYS.items()})
                                ).compute().reset_index(drop=True)
    not_plots = keys["not_plot"].to_numpy(bool)
    rk = round_keys(plots._meta.iloc[:0])[1]
    if rk is None:
        return None, not_plots
    may = np.flatnonzero(keys["may"].to_numpy(bool))
    rounds = input_rounds([(0, (rk[0], may, keys["id"].to_numpy(object)[may], keys["date"].to_numpy(np.int64)[may],
                                keys["crop"].to_numpy(object)[may], keys["place"].to_numpy(object)[may]))])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    latest = rounds.split(offsets) if rounds is not None else []
    if len(latest):
        rows = plots.map_partitions(_latest_rows, latest, offsets, meta=plots._meta).compute()
        values = round_latest_values(rows.reset_index(drop=True), tables)
        rounds = dataclasses.replace(rounds, outside=dict(zip(latest.tolist(), values, strict=True)))
    return rounds, not_plots


def _latest_rows(part: pd.DataFrame, latest: np.ndarray, offsets: np.ndarray, partition_info=None) -> pd.DataFrame:
    """The rows of ``part`` among the table's rows ``latest`` (0-based, ascending; ``offsets``: the rows before each
    partition)."""
    start = int(offsets[partition_info["number"]]) if partition_info else 0
    local = latest[(latest >= start) & (latest < start + len(part))] - start
    return part.reset_index(drop=True).iloc[local]


def plan_dask(plots, scenario: Scenario | None = None, *, tables: Tables | None = None) -> DaskPlan:
    """Plan a dask DataFrame of plots partition by partition.

    Parameters
    ----------
    plots : dask.dataframe.DataFrame
        Plot table (input contract of :func:`agriremed.plan`), e.g. from ``dd.read_parquet``
        or ``dd.read_csv(..., dtype=str)``.
    scenario : Scenario, optional
        User assumptions (default :class:`Scenario()`).
    tables : Tables, optional
        Literature tables (default: the packaged ones).

    Returns
    -------
    DaskPlan
        Lazy plan, summary, rejected rows and problems.

    Notes
    -----
    Small passes run before the lazy outputs are built: the partition lengths (to number
    input rows across partitions), the plot id column (to find ids repeated anywhere) and the
    soil-metal columns (their medians over the whole table: a column in µg/kg is found as in
    :func:`agriremed.plan`) and the crop and plot id columns (whether a rice row names its season:
    every partition then carries ``rice_season``).
    The output metadata comes from planning the first rows of the first partition.

    Examples
    --------
    >>> import dask.dataframe as dd                                  # doctest: +SKIP
    >>> from agriremed.io.synthetic import synthetic_plots              # doctest: +SKIP
    >>> out = plan_dask(dd.from_pandas(synthetic_plots(1000), npartitions=4),
    ...                 Scenario(mc_draws=0))                        # doctest: +SKIP
    >>> out.summary.compute()["recommended_option"].value_counts()   # doctest: +SKIP
    """
    try:
        import dask
        import dask.dataframe  # noqa: F401  (the optional extra)
    except ImportError as exc:
        raise ImportError("the dask backend needs dask: pip install 'agriremed[dask]'") from exc
    scenario = scenario or Scenario()
    tables = tables or load_tables()
    lengths = np.asarray(plots.map_partitions(len).compute(), dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    id_col = next((c for c in plots.columns if normalise_header(str(c))[0] == "plot_id"), None)
    duplicates: dict[str, str] = {}
    rounds, not_plots = _sampling_rounds(plots, lengths, tables)
    if id_col is not None:
        ids = as_text(plots[id_col].compute().reset_index(drop=True)).to_numpy(object)
        free = (ids != "") & ~not_plots  # the id of a row that is not a plot, or of an earlier round, is no plot's
        if rounds is not None:
            free[rounds.earlier] = False
        rows = np.flatnonzero(free) + 1
        crop_cols = [c for c in plots.columns if normalise_header(str(c))[0] == "crop"]
        crop_cells = plots[crop_cols].compute().reset_index(drop=True) if crop_cols else None
        crops = (row_crops(crop_cells, tables) if crop_cols else np.full(len(ids), None, dtype=object))
        labels = row_crop_cells(crop_cells) if crop_cols else np.full(len(ids), None, dtype=object)
        key_cols = [c for c, _ in row_key_columns(plots.columns)]
        keys = row_keys(plots[key_cols].compute().reset_index(drop=True) if key_cols
                        else pd.DataFrame(index=range(len(ids))))
        duplicates = repeated_ids(ids[rows - 1], rows, crops[rows - 1], keys[rows - 1], tables, labels[rows - 1])
    rotation, soil_rows = _rotation_fields(plots, lengths, id_col, duplicates, tables)
    metal_cols = [c for c in plots.columns
                  if getattr(C.COLUMNS.get(normalise_header(str(c))[0]), "group", None) == "metal"]
    metal_df = plots[metal_cols].compute() if metal_cols else None
    texts = soil_total_texts(metal_df) if metal_cols else []  # each soil-metal column as text, once
    medians = metal_column_medians(metal_column_numbers(metal_df, texts)) if metal_cols else {}
    censored = has_detection_limits(metal_df, texts) if metal_cols else False
    not_detected = has_not_detected(metal_df, texts) if metal_cols else False
    crop_cols = [c for c in plots.columns if is_crop_metal_header(c)]
    crop_values = has_crop_values(plots[crop_cols].compute()) if crop_cols else False
    season_cols = [c for c in plots.columns if normalise_header(str(c))[0] in ("crop", "plot_id")]
    season_frame = plots[season_cols].compute().reset_index(drop=True) if season_cols else None
    seasons = has_rice_seasons(season_frame, tables) if season_cols else False
    unlisted = has_unlisted_crops(season_frame, tables) if season_cols else False
    sample = plots.get_partition(0).head(min(50, int(lengths[0])) if len(lengths) else 0, compute=True)
    sample.attrs["censored_in_input"] = censored
    sample.attrs["not_detected_in_input"] = not_detected
    sample.attrs["crop_values_in_input"] = crop_values
    sample.attrs["rice_seasons_in_input"] = seasons
    sample.attrs["unlisted_crops_in_input"] = unlisted
    if rounds is not None:  # the earlier rounds among its rows skipped, as in the partition
        sample.attrs["sampling_rounds_in_input"] = rounds.of_chunk(0, len(sample))
    with dask.config.set(scheduler="sync"):
        example = plan_chunk(sample.reset_index(drop=True), scenario, tables, 0, duplicates)
    metas = {"table": example.table.iloc[:0], "summary": example.summary.iloc[:0],
             "rejected": example.rejected.iloc[:0], "problems": example.problems.iloc[:0],
             "skipped": no_skipped_rows()}
    out = {what: plots.map_partitions(_partition, what, scenario, tables, offsets, duplicates, medians, censored,
                                      crop_values, not_detected, seasons, rotation, unlisted, soil_rows, rounds,
                                      meta=metas[what],
                                      align_dataframes=False)
           for what in metas}
    return DaskPlan(table=out["table"], summary=out["summary"], rejected=out["rejected"],
                    problems=out["problems"], n_input=int(lengths.sum()), skipped=out["skipped"])
