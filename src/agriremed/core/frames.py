"""Small array helpers shared by the stages (no model logic, no literature values).

The stages work on a plot × option table whose rows are in a fixed plot-major order
(all options of plot 1, then plot 2 …) and whose stage outputs keep that order. These
helpers let them align by position instead of joining on text ids, keep text columns
as plain ``object`` arrays (no conversion to and from Arrow strings) and build per-row
texts from the few distinct values that occur.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray
from pandas.arrays import NumpyExtensionArray

try:  # pandas' own array → frame builder (used by the DataFrame constructor)
    from pandas.core.internals.construction import arrays_to_mgr as _arrays_to_mgr
except ImportError:  # pragma: no cover - another pandas layout: the public constructor is used
    _arrays_to_mgr = None

__all__ = ["obj", "frame", "text_series", "set_text", "same_ids", "factorize", "index_of", "positions", "take",
           "consolidated", "plot_index", "row_index", "pair_positions", "Grid", "grid", "plot_column", "codes", "distinct",
           "per_distinct", "format_unique", "texts_by_code", "joined_by", "category_of_codes", "row_percentiles",
           "sorted_row_percentiles", "row_blocks", "no_rows"]


def obj(values) -> np.ndarray:
    """``values`` as a 1-D ``object`` array (text columns stay Python strings / None)."""
    if isinstance(values, pd.Series | pd.Index):
        return values.to_numpy(object)
    a = np.asarray(values)
    return a if a.dtype == object else a.astype(object)


def _col(v, n, index):
    if isinstance(v, np.ndarray) and v.dtype == object:
        return pd.Series(v, dtype=object, index=index, copy=False)
    if isinstance(v, np.ndarray) and v.dtype.kind in "US":
        return pd.Series(v.astype(object), dtype=object, index=index, copy=False)
    if isinstance(v, str) or v is None:
        return pd.Series(np.full(n, v, dtype=object), dtype=object, index=index, copy=False)
    return v


def frame(columns: dict, n: int | None = None) -> pd.DataFrame:
    """A DataFrame whose text columns are ``object`` dtype (never inferred as Arrow strings).

    Parameters
    ----------
    columns : dict
        Column name → array (``object`` or unicode arrays and scalar strings become
        ``object`` columns) or scalar.
    n : int, optional
        Number of rows (needed only when every value is a scalar).
    """
    if n is None:
        n = next((len(v) for v in columns.values() if hasattr(v, "__len__") and not isinstance(v, str)), 0)
    index = pd.RangeIndex(n)
    arrays = _plain_arrays(columns, n)
    # the same frame as below (one block per column, arrays not copied) without the per-column
    # Series and the constructor's checks, which dominate for small tables
    fast = _from_arrays(arrays, columns, index, consolidate=False)
    if fast is not None:
        return fast
    return pd.DataFrame({k: _col(v, n, index) for k, v in columns.items()}, index=index, copy=False)


def _from_arrays(arrays: list | None, columns: dict, index: pd.Index, consolidate: bool) -> pd.DataFrame | None:
    """A DataFrame of ``arrays`` (named by the keys of ``columns``) built by pandas' own array →
    frame builder, without the constructor's per-column checks; None when ``arrays`` is None or
    this pandas has no such builder (the caller then uses the public constructor)."""
    if arrays is None or _arrays_to_mgr is None:
        return None
    try:
        mgr = _arrays_to_mgr(arrays, _column_index(tuple(columns)), index, verify_integrity=False,
                             consolidate=consolidate)
        return pd.DataFrame._from_mgr(mgr, axes=mgr.axes)
    except (TypeError, AttributeError):  # pragma: no cover - pandas changed its internals
        return None


#: Column labels → their :class:`pandas.Index`, kept between frames (each frame gets a view of it): building
#: the Index of text labels costs more than the rest of a small frame. At most
#: :data:`_COLUMN_INDEX_KEPT` sets are kept.
_COLUMN_INDEXES: dict = {}
_COLUMN_INDEX_KEPT = 512


def _column_index(names: tuple) -> pd.Index:
    """``pd.Index(list(names))``, built once per set of text labels (:data:`_COLUMN_INDEXES`; other labels
    each time)."""
    if not all(type(n) is str for n in names):
        return pd.Index(list(names))
    at = _COLUMN_INDEXES.get(names)
    if at is None:
        at = pd.Index(list(names))
        if len(_COLUMN_INDEXES) >= _COLUMN_INDEX_KEPT:
            _COLUMN_INDEXES.clear()
        _COLUMN_INDEXES[names] = at
    # a view of its own (same labels and data): a name set on one frame's columns stays on that frame
    return at._view() if hasattr(at, "_view") else at.copy()


def consolidated(columns: dict, index: pd.Index) -> pd.DataFrame:
    """A new DataFrame of ``columns`` copied into one block per dtype:
    ``pd.DataFrame(columns, index=index, copy=True)``, except that ``object`` arrays stay
    ``object`` columns (never inferred as Arrow strings, as in :func:`frame`).

    Parameters
    ----------
    columns : dict
        Column name → Series or 1-D array. Series on ``index`` itself and numpy arrays (bool,
        int, float, object) of its length, the usual case of a plot × option table, skip the
        constructor's per-column checks; anything else goes through the constructor (Series
        on another index are aligned).
    index : pandas.Index
        Row index of the frame.
    """
    # pandas stacks the numpy arrays of each dtype into a new block (a copy); only the
    # extension arrays (nullable integers, Arrow text …) keep their own block and are copied here
    arrays = []
    for v in columns.values():
        if isinstance(v, pd.Series) and (v.index is index or v.index.equals(index)):
            values = v._values
            arrays.append(values if isinstance(values, np.ndarray) else values.copy())
        elif isinstance(v, np.ndarray) and v.ndim == 1 and len(v) == len(index) and v.dtype.kind in "biufO":
            arrays.append(v)
        else:
            arrays = None
            break
    fast = _from_arrays(arrays, columns, index, consolidate=True)
    if fast is not None:
        return fast
    return pd.DataFrame({k: pd.Series(v, dtype=object, index=index, copy=False)
                         if isinstance(v, np.ndarray) and v.dtype == object and v.ndim == 1
                         and len(v) == len(index) else v for k, v in columns.items()},
                        index=index, copy=True)


def _plain_arrays(columns: dict, n: int) -> list | None:
    """The values of ``columns`` as 1-D numpy arrays (text as ``object``) or pandas extension
    arrays of length ``n``, or None when one is anything else (a Series, a list, a numpy array
    of dates, a number)."""
    arrays = []
    for v in columns.values():
        if isinstance(v, str) or v is None:
            v = np.full(n, v, dtype=object)
        elif isinstance(v, ExtensionArray) and not isinstance(v, NumpyExtensionArray):
            if len(v) != n:
                return None
        elif not isinstance(v, np.ndarray) or v.ndim != 1 or len(v) != n:
            return None
        elif v.dtype.kind in "US":
            v = v.astype(object)
        elif v.dtype.kind not in "biufO":
            return None
        arrays.append(v)
    return arrays


def no_rows(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without its rows (columns, dtypes, index type and ``attrs`` kept) in arrays of its own.

    ``df.iloc[:0]`` is a view: its empty arrays keep every row of ``df`` in memory as long as it
    lives, and so does its ``copy()`` for Arrow-backed columns (an Arrow array is never copied).
    An empty frame kept beside a run of chunks (a chunk's emptied stage tables, the first
    chunk's columns for the end) must not hold its chunk's data.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1.5, 2.5], "b": pd.array(["x", "y"], dtype="str")})
    >>> e = no_rows(df)
    >>> len(e), list(e.columns), list(e.dtypes) == list(df.dtypes)
    (0, ['a', 'b'], True)
    """
    out = df.iloc[:0].copy()  # numpy blocks copied (empty); extension arrays rebuilt below
    for i, dtype in enumerate(out.dtypes):
        if not isinstance(dtype, np.dtype):
            out.isetitem(i, pd.array([], dtype=dtype))
    idx = out.index
    if isinstance(idx, pd.RangeIndex | pd.MultiIndex) or isinstance(idx.dtype, np.dtype):
        out.index = idx.copy(deep=True)
    else:
        out.index = pd.Index(pd.array([], dtype=idx.dtype), name=idx.name)
    return out


def text_series(values, index: pd.Index) -> pd.Series:
    """``values`` (an array, or one string for every row) as an ``object`` Series on ``index``."""
    return pd.Series(np.asarray(values, dtype=object) if not isinstance(values, str)
                      else np.full(len(index), values, dtype=object), dtype=object, index=index, copy=False)


def set_text(df: pd.DataFrame, name: str, values) -> None:
    """Set column ``name`` of ``df`` to ``values`` as an ``object`` column."""
    df[name] = text_series(values, df.index)


def same_ids(a, b) -> bool:
    """True when two id arrays hold the same values in the same order."""
    a, b = obj(a), obj(b)
    if a is b:
        return True
    if len(a) != len(b):
        return False
    try:
        return bool(np.all(a == b))
    except (TypeError, ValueError):
        return False


def factorize(values) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, use_na_sentinel=False)``: integer codes of the distinct values in
    order of first appearance (every missing value — None, NaN, NaT, ``pd.NA`` — one value) and
    the distinct values, the missing one as a NaN.

    For an ``object`` array, the hash table skips the missing values (``use_na_sentinel=True``)
    and they are numbered afterwards, where they first appear: the same codes and values as
    pandas gives, without its separate missing-value scan of the whole array.
    """
    v = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if v.dtype != object or v.ndim != 1:
        return pd.factorize(values, use_na_sentinel=False)
    c, u = pd.factorize(v, use_na_sentinel=True)
    miss = np.flatnonzero(c < 0)
    if not len(miss):
        return c, u
    k = int(c[:miss[0]].max()) + 1 if miss[0] else 0  # distinct values seen before the first missing one
    c[c >= k] += 1
    c[miss] = k
    out = np.empty(len(u) + 1, dtype=object)
    out[:k], out[k], out[k + 1:] = u[:k], float("nan"), u[k:]
    return c, out


#: Above this many keys, :func:`index_of` uses a pandas hash index instead of a dict.
_DICT_KEYS_MAX = 20_000


def index_of(keys, wanted) -> np.ndarray:
    """Position of each ``wanted`` value among ``keys`` (first occurrence; −1 where absent).

    Equivalent to ``pd.Index(keys).get_indexer(wanted)`` for unique keys, without building
    an index (or inferring a string dtype) for every lookup: the few keys of a literature
    table go into a dict and each distinct ``wanted`` value is looked up once.
    """
    keys, wanted = obj(keys), obj(wanted)
    if len(keys) > _DICT_KEYS_MAX:
        return pd.Index(keys, dtype=object).get_indexer(pd.Index(wanted, dtype=object))
    at = dict(zip(keys[::-1].tolist(), range(len(keys) - 1, -1, -1), strict=True))
    if len(wanted) <= 256:
        return np.fromiter((at.get(x, -1) for x in wanted.tolist()), np.intp, len(wanted))
    codes, uniq = factorize(wanted)
    pos_u = np.fromiter((at.get(x, -1) for x in np.asarray(uniq, dtype=object).tolist()), np.intp, len(uniq))
    return pos_u[codes] if len(pos_u) else np.full(len(wanted), -1, np.intp)


def positions(keys, wanted) -> np.ndarray:
    """Position of each ``wanted`` id among ``keys`` (−1 where absent); ``keys`` must be unique."""
    keys, wanted = obj(keys), obj(wanted)
    if same_ids(keys, wanted):
        return np.arange(len(keys))
    return index_of(keys, wanted)


def lookup(table: pd.Series, keys, fill=np.nan) -> np.ndarray:
    """Values of ``table`` (a Series with unique index) at each of ``keys``; ``fill`` where absent."""
    k = np.asarray(keys, dtype=object)
    return take(table.to_numpy(), index_of(table.index, k.ravel()), fill).reshape(k.shape)


def take(values, pos, fill=np.nan) -> np.ndarray:
    """``values[pos]`` with ``fill`` where ``pos`` is −1."""
    v = np.asarray(values)
    pos = np.asarray(pos)
    if len(v) == 0:
        return np.full(len(pos), fill, dtype=object if v.dtype == object or fill is None else float)
    out = v[np.maximum(pos, 0)]
    miss = pos < 0
    if miss.any():
        if out.dtype.kind in "biu" and fill is not None and isinstance(fill, float):
            out = out.astype(float)
        elif out.dtype.kind not in "fc" and out.dtype != object:
            out = out.astype(object)
        out[miss] = fill
    return out


def plot_index(plots: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Position in ``plots`` of the plot of every row of a plot × option table (−1: unknown plot).

    Fast when ``rows`` is the plot-major table built for exactly these plots.
    """
    pid = obj(plots["plot_id"])
    rid = obj(rows["plot_id"])
    n, m = len(pid), len(rid)
    if n and m % n == 0:
        k = m // n
        if same_ids(rid[::k], pid) and same_ids(rid, np.repeat(pid, k)):
            return np.repeat(np.arange(n), k)
    return index_of(pid, rid) if n else np.full(m, -1)


def row_index(frame_: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Position in ``frame_`` of every (plot_id, option_id) row of ``rows`` (−1: absent)."""
    if len(frame_) == len(rows) and same_ids(frame_["option_id"], rows["option_id"]) \
            and same_ids(frame_["plot_id"], rows["plot_id"]):
        return np.arange(len(rows))
    if not len(frame_):
        return np.full(len(rows), -1)
    return pair_positions((frame_["plot_id"], frame_["option_id"]), (rows["plot_id"], rows["option_id"]))


#: Up to this many pairs on either side, :func:`pair_positions` looks them up in a dict.
_PAIR_DICT_MAX = 512


def pair_positions(keys: tuple, wanted: tuple) -> np.ndarray:
    """Position of each ``wanted`` pair of values among the ``keys`` pairs (−1: absent).

    ``pd.MultiIndex.from_arrays(keys).get_indexer(pd.MultiIndex.from_arrays(wanted))``; the few
    pairs of a small plan (unique text keys) are looked up in a dict instead, without building
    two MultiIndexes (which dominate for a plot or a few). Non-unique or non-text keys go
    through pandas (which refuses non-unique keys).

    Parameters
    ----------
    keys, wanted : tuple of two 1-D arrays or Series
        The key columns and the pairs looked up.
    """
    k1, k2, w1, w2 = obj(keys[0]), obj(keys[1]), obj(wanted[0]), obj(wanted[1])
    if len(k1) <= _PAIR_DICT_MAX and len(w1) <= _PAIR_DICT_MAX:
        pairs = list(zip(k1.tolist(), k2.tolist(), strict=True))
        at = {p: i for i, p in enumerate(pairs)}
        if len(at) == len(pairs) and all(type(a) is str and type(b) is str for a, b in pairs):
            return np.fromiter((at.get(p, -1) for p in zip(w1.tolist(), w2.tolist(), strict=True)),
                               np.intp, len(w1))
    return pd.MultiIndex.from_arrays([k1, k2]).get_indexer(pd.MultiIndex.from_arrays([w1, w2]))


def format_unique(values, fmt) -> np.ndarray:
    """``[fmt(v) for v in values]`` computed once per distinct value (``object`` array)."""
    v = np.asarray(values)
    if v.dtype == np.float64:  # by bit pattern: -0.0 and 0.0 print differently
        codes, uniq = pd.factorize(np.ascontiguousarray(v).view(np.int64), use_na_sentinel=False)
        uniq = uniq.view(np.float64)
    else:
        codes, uniq = factorize(v)
    return texts_by_code(codes, [fmt(u) for u in np.asarray(uniq).tolist()])


def joined_by(keys, values, sep: str) -> pd.Series:
    """The ``values`` (text) of each key joined by ``sep``, keys in order of first appearance:
    ``pd.Series(values).groupby(keys, sort=False).agg(sep.join)`` (missing keys left out) in one
    pass over plain lists, without pandas calling the join once per group.

    Returns
    -------
    pandas.Series of object
        The joined text of every key, indexed by the keys (``object``).
    """
    groups: dict = {}
    for k, v in zip(obj(keys).tolist(), obj(values).tolist(), strict=True):
        if k is None or k != k:  # groupby drops missing keys
            continue
        g = groups.get(k)
        if g is None:
            groups[k] = [v]
        else:
            g.append(v)
    texts = np.empty(len(groups), dtype=object)
    texts[:] = [sep.join(g) for g in groups.values()]
    return pd.Series(texts, index=pd.Index(list(groups), dtype=object), dtype=object, copy=False)


def category_of_codes(codes: np.ndarray, names) -> pd.Categorical:
    """``pd.Series(names[codes]).astype("category").array`` (categories: the names that occur,
    sorted) built from the integer ``codes`` without making and factorising the text column;
    the text route where a name is not text or a name repeats."""
    names = obj(names)
    codes = np.asarray(codes, dtype=np.intp)
    if not len(codes) or not all(type(x) is str for x in names) or len(set(names.tolist())) < len(names):
        return pd.Series(names[codes], dtype=object).astype("category").array
    present = np.flatnonzero(np.bincount(codes, minlength=len(names)))
    order = sorted(present.tolist(), key=lambda i: names[i])
    remap = np.full(len(names), -1, dtype=np.intp)
    remap[order] = np.arange(len(order))
    return pd.Categorical.from_codes(remap[codes], dtype=pd.CategoricalDtype(pd.Index(names[order].tolist())))


def texts_by_code(codes, texts) -> np.ndarray:
    """``texts[codes]`` as an ``object`` array."""
    t = np.empty(len(texts), dtype=object)
    t[:] = list(texts)
    return t[np.asarray(codes, dtype=np.intp)] if len(t) else np.full(len(codes), None, dtype=object)


class Grid:
    """Where each row of a plot × option table points: its plot and its option.

    Attributes
    ----------
    plot : numpy.ndarray of int
        Position of each row's plot in the plot table (−1: not there).
    option : numpy.ndarray of int
        Position of each row's option in ``tables.options`` (−1: unknown option).
    n_rows : int
        Number of rows.
    """

    __slots__ = ("plot", "option", "n_rows", "plot_ids", "head")

    def __init__(self, plot, option, plot_ids=None, head=None):
        self.plot = np.asarray(plot, dtype=np.intp)
        self.option = np.asarray(option, dtype=np.intp)
        self.n_rows = len(self.option)
        self.plot_ids = plot_ids  # ids of the plot table (when known)
        self.head = head          # option ids of one plot, when the rows are a full plot-major grid

    def rows_of(self, frame: pd.DataFrame) -> np.ndarray:
        """Row of every (plot_id, option_id) of ``frame`` in the grid's table (−1: absent)."""
        if self.head is not None and self.plot_ids is not None:
            k = len(self.head)
            pp = index_of(self.plot_ids, frame["plot_id"])
            op = index_of(self.head, frame["option_id"])
            return np.where((pp >= 0) & (op >= 0), pp * k + op, -1)
        return None

    def locate(self, frame: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
        """Row of ``frame`` for every row of the grid's table ``rows`` (−1: absent)."""
        pos = self.rows_of(frame) if len(frame) else np.zeros(0, np.intp)
        if pos is None:
            if not len(frame):
                return np.full(len(rows), -1)
            return pair_positions((frame["plot_id"], frame["option_id"]), (rows["plot_id"], rows["option_id"]))
        out = np.full(self.n_rows, -1, dtype=np.intp)
        ok = pos >= 0
        out[pos[ok]] = np.flatnonzero(ok)
        return out

    @classmethod
    def of(cls, rows: pd.DataFrame, plots: pd.DataFrame | None, option_ids) -> Grid:
        """The grid of ``rows`` (``plot_id``, ``option_id``) against ``plots`` and the option library ids."""
        lib = obj(option_ids)
        oid = obj(rows["option_id"])
        m = len(oid)
        if plots is not None and len(plots):
            pid = obj(plots["plot_id"])
            n = len(pid)
            pix = None
            if m and m % n == 0:
                k = m // n
                rid = obj(rows["plot_id"])
                if same_ids(rid[::k], pid) and same_ids(rid, np.repeat(pid, k)):
                    pix = np.repeat(np.arange(n), k)
                    head = oid[:k]
                    if same_ids(oid, np.tile(head, n)) and len(set(head.tolist())) == len(head):
                        return cls(pix, np.tile(index_of(lib, head), n), pid, head)
            if pix is None:
                pix = index_of(pid, rows["plot_id"])
        else:
            pix = np.full(m, -1)
        return cls(pix, index_of(lib, oid) if m else np.zeros(0, np.intp))

    def per_option(self, values, fill=np.nan) -> np.ndarray:
        """Row values of an option-level array (one value per library option)."""
        return take(np.asarray(values), self.option, fill)

    def per_plot(self, values, fill=np.nan) -> np.ndarray:
        """Row values of a plot-level array (one value per plot)."""
        return take(np.asarray(values), self.plot, fill)


def grid(rows: pd.DataFrame, plots: pd.DataFrame | None, tables, given: Grid | None = None) -> Grid:
    """``given`` when it matches ``rows``, else the grid computed from the ids."""
    if given is not None and given.n_rows == len(rows):
        return given
    return Grid.of(rows, plots, tables.options["option_id"])


def plot_column(plots: pd.DataFrame, name: str, g: Grid, kind: str = "float"):
    """Column ``name`` of ``plots`` for every row of the grid (NaN / None where absent)."""
    if name not in plots:
        return np.full(g.n_rows, np.nan) if kind == "float" else np.full(g.n_rows, None, dtype=object)
    if kind == "float":
        return g.per_plot(plots[name].to_numpy(float))
    return g.per_plot(obj(plots[name]), None)


#: Up to this many values, :func:`codes` numbers integers in a dict (faster than a hash table).
_SMALL = 64


def codes(values) -> tuple[np.ndarray, int]:
    """Integer codes of the distinct values of a 1-D array (NaN/None are a value too) and their count."""
    v = np.asarray(values)
    if len(v) <= 1:  # none or one value
        return np.zeros(len(v), np.int64), len(v)
    if v.dtype.kind in "biu" or v.dtype == np.float64:
        k = v.astype(np.int64) if v.dtype.kind in "biu" else np.ascontiguousarray(v).view(np.int64)
        if len(k) <= _SMALL:  # a dict in order of first appearance, as pd.factorize numbers them
            seen: dict[int, int] = {}
            c = np.fromiter((seen.setdefault(x, len(seen)) for x in k.tolist()), np.int64, len(k))
            return c, len(seen)
        c, u = pd.factorize(k, use_na_sentinel=False)
    else:
        c, u = factorize(v)
    return c.astype(np.int64), len(u)


def distinct(*columns) -> tuple[np.ndarray, np.ndarray]:
    """Distinct combinations of several 1-D columns.

    Returns
    -------
    first : numpy.ndarray of int
        Position of the first row of each distinct combination.
    inverse : numpy.ndarray of int
        Combination of every row (``first[inverse]`` is a row with the same values).
    """
    if not columns:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    # the key is kept as codes in order of first appearance (what factorizing it again would give)
    key, n_key = codes(columns[0])
    for c in columns[1:]:
        cc, m = codes(c)
        if m > 1:
            key, n_key = codes(key * m + cc)
    first = np.full(n_key, -1, dtype=np.intp)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)
    return first, key.astype(np.intp)


def per_distinct(fn, *columns) -> np.ndarray:
    """``fn(*values)`` of every row, called once per distinct combination of the columns' values.

    ``None`` and NaN in an object column count as different values (they print differently).

    Returns
    -------
    numpy.ndarray of object
        One result per row.
    """
    if not len(columns[0]):
        return np.zeros(0, dtype=object)
    keys = []
    for c in columns:
        keys.append(c)
        if c.dtype == object:
            keys.append(c == None)  # noqa: E711 (elementwise)
    first, inv = distinct(*keys)
    return texts_by_code(inv, [fn(*(c[i] for c in columns)) for i in first])


def plot_codes(rows: pd.DataFrame, g: Grid | None = None) -> np.ndarray:
    """One integer per distinct ``plot_id`` of ``rows`` (the grid's plot positions when all are known)."""
    if g is not None and g.n_rows == len(rows) and (g.plot >= 0).all():
        return g.plot
    return codes(obj(rows["plot_id"]))[0]


def member_row(group: np.ndarray, flag: np.ndarray) -> np.ndarray:
    """For every row, the row of its group where ``flag`` is set (−1 when none)."""
    group = np.asarray(group, np.intp)
    if not len(group):
        return np.zeros(0, np.intp)
    pos = np.full(int(group.max()) + 1, -1, dtype=np.intp)
    idx = np.flatnonzero(flag)
    pos[group[idx]] = idx
    return pos[group]


def _constant_row_percentiles(v: np.ndarray, n: int, q) -> np.ndarray:
    """:func:`row_percentiles` of rows that repeat one value ``v`` ``n`` times.

    Interpolating between two equal finite, non-zero values gives the value itself; for
    ±0 and ±inf the result of ``np.percentile`` (its sign of zero, NaN for inf) is taken
    from one row of each such value, so the numbers are the same as sorting every row.
    """
    out = np.repeat(v[None, :], len(q), axis=0)
    special = (v == 0) | np.isinf(v)
    if special.any():
        for s in (0.0, -0.0, np.inf, -np.inf):
            rows = special & (v == s) & (np.signbit(v) == np.signbit(s))
            if rows.any():
                with np.errstate(invalid="ignore"):
                    ref = np.percentile(np.full((1, n), s), q, axis=1)[:, 0]
                out[:, rows] = ref[:, None]
    return out


def sorted_row_percentiles(s: np.ndarray, q=(10, 50, 90)) -> np.ndarray:
    """Percentiles ``q`` of every row of ``s`` (rows × draws), each row sorted ascending, no NaN.

    Bit for bit ``np.percentile(s, q, axis=1)`` (its default "linear" method: virtual index
    (n − 1)·q/100, neighbours clipped to the row, and numpy's two-sided linear interpolation),
    read from the sorted rows instead of partitioning a transposed copy: several times faster
    on rows of a few hundred draws. (Sorting and partitioning may order −0.0 and +0.0
    differently, so a row holding both may give a zero of the other sign, equal in value.)

    Returns
    -------
    numpy.ndarray
        Shape ``(len(q), rows)``.
    """
    n = s.shape[1]
    vi = (n - 1) * np.true_divide(np.asarray(q, dtype=float), 100)
    prev = np.floor(vi)
    nxt = prev + 1
    above, below = vi >= n - 1, vi < 0
    prev[above] = nxt[above] = -1
    prev[below] = nxt[below] = 0
    pi, ni = prev.astype(np.intp), nxt.astype(np.intp)
    g = (vi - pi)[:, None]
    a, b = s[:, pi].T, s[:, ni].T
    with np.errstate(invalid="ignore"):  # inf − inf in a row of infinite draws, as numpy's own
        diff = b - a
        out = a + diff * g
        np.subtract(b, diff * (1 - g), out=out, where=g >= 0.5)
    return out


#: Cells (rows × draws) of one block of :func:`row_blocks`: 4 MB of float64, so that the temporaries of
#: a block are reused by the allocator instead of being fresh pages the kernel must clear.
BLOCK_CELLS = 500_000


def row_blocks(n_rows: int, n_cols: int, cells: int | None = None) -> list[slice]:
    """Consecutive row slices of a rows × ``n_cols`` array, each of at most ``cells`` cells (default
    :data:`BLOCK_CELLS`; at least one row a block).

    Monte Carlo arrays of a large plan (10⁴ rows × 500 draws: 40 MB each) are computed block by
    block with the same element-by-element arithmetic, so the results are identical bit for bit
    while every temporary stays small.

    Examples
    --------
    >>> row_blocks(5, 2, cells=4)
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    >>> row_blocks(0, 500)
    []
    """
    step = max(1, int(BLOCK_CELLS if cells is None else cells) // max(int(n_cols), 1))
    return [slice(i, min(i + step, n_rows)) for i in range(0, int(n_rows), step)]


def row_percentiles(draws: np.ndarray, q=(10, 50, 90)) -> np.ndarray:
    """Percentiles ``q`` of every row of ``draws`` (rows × draws), ignoring NaN draws.

    The same numbers as ``np.nanpercentile(draws, q, axis=1)`` (NaN for a row without
    any defined draw, without its warning), but rows without NaN go through one
    vectorised sort (:func:`sorted_row_percentiles`): only rows with some undefined draws take the slow
    row-by-row path.

    A row that is one value repeated (a view made by ``np.broadcast_to``) gives that value
    without sorting.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(q), rows)``.
    """
    draws = np.asarray(draws, float)
    if draws.ndim == 2 and draws.shape[1] and draws.strides[1] == 0:
        return _constant_row_percentiles(draws[:, 0], draws.shape[1], q)
    out = np.full((len(q), draws.shape[0]), np.nan)
    nan = np.isnan(draws)
    some = nan.any(axis=1)
    full = ~some
    if full.any():
        out[:, full] = sorted_row_percentiles(np.sort(draws[full], axis=1), q)
    part = some & ~nan.all(axis=1)
    if part.any():  # rare: a few draws undefined
        out[:, part] = np.nanpercentile(draws[part], q, axis=1)
    return out
