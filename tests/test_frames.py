"""Array helpers shared by the stages (agriremed.core.frames)."""

import numpy as np
import pandas as pd
import pytest

from agriremed.core import frames as _frames


@pytest.mark.parametrize("n_wanted", [5, 300, 5000])
def test_index_of_matches_pandas_get_indexer(n_wanted):
    rng = np.random.default_rng(1)
    keys = np.array([f"k{i}" for i in range(40)], dtype=object)
    pool = np.array([*keys.tolist(), "absent", None, np.nan], dtype=object)
    wanted = pool[rng.integers(0, len(pool), n_wanted)]
    got = _frames.index_of(keys, wanted)
    expected = pd.Index(keys, dtype=object).get_indexer(pd.Index(wanted, dtype=object))
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == np.intp
    assert (got[wanted == "absent"] == -1).all()


def test_index_of_large_key_set_and_first_occurrence(monkeypatch):
    keys = np.array(["a", "b", "a", "c"], dtype=object)
    np.testing.assert_array_equal(_frames.index_of(keys, ["a", "c", "z"]), [0, 3, -1])  # first "a"
    monkeypatch.setattr(_frames, "_DICT_KEYS_MAX", 2)  # the pandas path for many keys
    np.testing.assert_array_equal(_frames.index_of(["x", "y", "z"], ["z", "q", "x"]), [2, -1, 0])


def test_lookup_fills_absent_keys_and_keeps_shape():
    table = pd.Series([1.5, 2.5], index=["rice", "wheat"])
    out = _frames.lookup(table, np.array([["wheat", "maize"], ["rice", "wheat"]], dtype=object))
    np.testing.assert_array_equal(out, [[2.5, np.nan], [1.5, 2.5]])
    assert out.shape == (2, 2)


def test_text_series_is_object_with_one_value_for_a_scalar():
    idx = pd.RangeIndex(3)
    s = _frames.text_series("paddy", idx)
    assert s.dtype == object and s.tolist() == ["paddy"] * 3
    assert _frames.text_series(np.array(["a", None, "c"], dtype=object), idx).tolist() == ["a", None, "c"]


@pytest.mark.parametrize("n_draws", [1, 2, 100, 500, 501])
def test_row_percentiles_of_repeated_values_equal_numpy(n_draws):
    v = np.array([1.5, -0.0, 0.0, np.inf, -np.inf, np.nan, -2e-300, 7.0])
    view = np.broadcast_to(v[:, None], (len(v), n_draws))   # one value per row, no copy
    assert view.strides[1] == 0
    got = _frames.row_percentiles(view)
    with np.errstate(invalid="ignore"):
        expected = _frames.row_percentiles(np.ascontiguousarray(view))   # the sorting path
        direct = np.percentile(np.ascontiguousarray(view[[0, 1, 2, 3, 4, 6, 7]]), (10, 50, 90), axis=1)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))    # same sign of zero
    np.testing.assert_array_equal(got[:, [0, 1, 2, 3, 4, 6, 7]], direct)
    assert np.isnan(got[:, 5]).all()


def test_per_distinct_calls_once_per_distinct_combination_and_keeps_none_apart_from_nan():
    calls = []

    def fn(a, b):
        calls.append((a, b))
        return f"{a}-{b}"

    a = np.array(["x", "y", "x", None, np.nan, "x"], dtype=object)
    b = np.array([1, 1, 1, 2, 2, 2])
    out = _frames.per_distinct(fn, a, b)
    assert out.tolist() == ["x-1", "y-1", "x-1", "None-2", "nan-2", "x-2"]
    assert len(calls) == 5  # (x,1) once although it appears twice
    assert _frames.per_distinct(fn, np.array([], dtype=object)).tolist() == []


@pytest.mark.parametrize("n_draws", [1, 2, 3, 199, 200, 500, 1000])
def test_sorted_row_percentiles_are_numpys_bit_for_bit(n_draws):
    rng = np.random.default_rng(n_draws)
    rows = [rng.lognormal(size=(40, n_draws)),                       # continuous
            rng.integers(0, 4, size=(40, n_draws)).astype(float),   # many ties
            rng.normal(size=(40, n_draws)) * 1e6,
            np.where(rng.random((40, n_draws)) < 0.1, np.inf, rng.random((40, n_draws)))]  # some infinite draws
    for x in rows:
        for q in [(10, 50, 90), (5, 95), (0, 100), (2.5, 97.5), (33.3,)]:
            with np.errstate(invalid="ignore"):
                expected = np.percentile(x, q, axis=1)
            got = _frames.sorted_row_percentiles(np.sort(x, axis=1), q)
            assert got.shape == expected.shape
            np.testing.assert_array_equal(got, expected)


def test_sorted_row_percentiles_hand_computed():
    # 5 draws 1…5: virtual index 4·q/100 → q10 at 0.4: 1 + 0.4·(2 − 1) = 1.4; q50 at 2: 3;
    # q90 at 3.6 (weight ≥ 0.5: 5 − (5 − 4)·0.4 = 4.6)
    got = _frames.sorted_row_percentiles(np.array([[1.0, 2.0, 3.0, 4.0, 5.0]]))
    np.testing.assert_allclose(got[:, 0], [1.4, 3.0, 4.6], rtol=0, atol=1e-15)
    # rows with undefined draws keep nanpercentile's answer in row_percentiles
    x = np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [1.0, np.nan, 3.0, np.nan, 5.0], [np.nan] * 5])
    np.testing.assert_allclose(_frames.row_percentiles(x)[:, 1], [1.4, 3.0, 4.6])
    assert np.isnan(_frames.row_percentiles(x)[:, 2]).all()


def _frame_by_constructor(columns, n):
    """What :func:`agriremed.core.frames.frame` builds, by the public DataFrame constructor."""
    index = pd.RangeIndex(n)
    return pd.DataFrame({k: _frames._col(v, n, index) for k, v in columns.items()}, index=index, copy=False)


@pytest.mark.parametrize("n", [0, 1, 7])
def test_frame_of_plain_arrays_equals_the_constructor_and_keeps_text_as_object(n):
    x = np.arange(n, dtype=float) * 1.5
    columns = {"x": x, "k": np.arange(n), "ok": np.arange(n) % 2 == 0,
               "name": np.array([f"p{i}" for i in range(n)], dtype=object),
               "code": np.array([f"c{i}" for i in range(n)], dtype="U4"), "crop": "rice", "none": None}
    got = _frames.frame(columns)
    pd.testing.assert_frame_equal(got, _frame_by_constructor(columns, n))
    assert [str(t) for t in got.dtypes] == ["float64", "int64", "bool", "object", "object", "object", "object"]
    assert got["crop"].tolist() == ["rice"] * n and got["none"].tolist() == [None] * n
    assert np.shares_memory(got["x"].to_numpy(), x) == (n > 0)  # not copied, as by the constructor


def test_frame_of_other_values_goes_through_the_constructor():
    s = pd.Series([1.0, 2.0], index=[1, 0])  # aligned on its index by the constructor
    got = _frames.frame({"s": s, "d": np.array(["2024-01-01", "2024-02-01"], dtype="datetime64[ns]")})
    assert got["s"].tolist() == [2.0, 1.0]
    assert str(got["d"].dtype) == "datetime64[ns]"
    with pytest.raises(ValueError):  # unequal lengths are still refused
        _frames.frame({"a": np.zeros(2), "b": np.zeros(3)})


def test_consolidated_equals_a_copying_constructor_and_shares_no_memory():
    index = pd.RangeIndex(3)
    x = pd.Series([1.0, 2.0, 3.0], index=index)
    columns = {"x": x, "y": pd.Series([4.0, 5.0, 6.0], index=index),
               "t": pd.Series(["a", None, "c"], dtype=object, index=index),
               "s": pd.Series(["u", "v", "w"], index=index),  # a pandas string column stays one
               "n": pd.Series([1, 2, 3], dtype="Int64", index=index)}
    got = _frames.consolidated(columns, index)
    pd.testing.assert_frame_equal(got, pd.DataFrame(columns, index=index, copy=True))
    assert got._mgr.nblocks == pd.DataFrame(columns, index=index, copy=True)._mgr.nblocks
    got.loc[0, "x"] = -1.0
    assert x.iloc[0] == 1.0  # a copy: changing the frame leaves the columns it was built from alone
    arrays = {"f": np.array([1.0, 2.0, 3.0]), "o": np.array(["a", None, "c"], dtype=object)}
    got = _frames.consolidated(arrays, index)  # numpy arrays too: the frame holds copies of them
    assert not any(np.shares_memory(got[c].to_numpy(), a) for c, a in arrays.items())
    shifted = {"x": pd.Series([1.0, 2.0], index=[1, 2])}  # another index: aligned (NaN where absent)
    assert _frames.consolidated(shifted, index)["x"].tolist()[1:] == [1.0, 2.0]


@pytest.mark.parametrize("n", [0, 1, 2, 18, 64, 65, 300])
def test_codes_number_values_in_order_of_first_appearance_as_pandas_factorize(n):
    rng = np.random.default_rng(n)
    cases = [rng.integers(-3, 4, n), rng.integers(0, 2, n).astype(bool), rng.integers(0, 5, n).astype(np.uint8),
             rng.choice([0.0, -0.0, 1.5, np.nan, np.inf], n),  # -0.0 and 0.0 apart (compared bit for bit)
             np.array(rng.choice(["a", "b", None], n), dtype=object)]
    for v in cases:
        key = (v.astype(np.int64) if v.dtype.kind in "biu"
               else v.view(np.int64) if v.dtype == np.float64 else v)
        expected, uniq = pd.factorize(key, use_na_sentinel=False)
        got, count = _frames.codes(v)
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == np.int64 and count == len(uniq)
    np.testing.assert_array_equal(_frames.codes(np.array([5, 3, 5, 7]))[0], [0, 1, 0, 2])


def test_consolidated_takes_numeric_arrays_and_leaves_other_values_to_the_constructor():
    index = pd.RangeIndex(2)
    limit = np.array([0.2, np.nan])
    columns = {"p": pd.Series([0.1, 0.3], index=index), "limit": limit, "ok": np.array([True, False]),
               "species": np.array(["total", None], dtype=object)}
    got = _frames.consolidated(columns, index)
    assert got["species"].dtype == object and got["species"].tolist() == ["total", None]  # not inferred
    as_series = {**columns, "species": pd.Series(columns["species"], dtype=object, index=index)}
    pd.testing.assert_frame_equal(got, pd.DataFrame(as_series, index=index, copy=True))
    other = {**columns, "q": pd.Series([1.0], index=[1])}  # aligned by the constructor; text still object
    got = _frames.consolidated(other, index)
    assert got["species"].dtype == object and got["q"].tolist()[1] == 1.0 and np.isnan(got["q"].iloc[0])
    numeric = {k: v for k, v in columns.items() if k != "species"}
    got = _frames.consolidated(numeric, index)
    pd.testing.assert_frame_equal(got, pd.DataFrame(numeric, index=index, copy=True))
    assert not np.shares_memory(got["limit"].to_numpy(), limit)


def test_frame_keeps_extension_arrays():
    flags = pd.array([True, None], dtype="boolean")
    got = _frames.frame({"x": np.array([1.0, 2.0]), "extrapolated": flags})
    pd.testing.assert_frame_equal(got, _frame_by_constructor({"x": np.array([1.0, 2.0]), "extrapolated": flags}, 2))
    assert str(got["extrapolated"].dtype) == "boolean"


def test_factorize_numbers_missing_values_where_they_first_appear_as_pandas():
    # every kind of missing value is one value, numbered where the first one appears
    v = np.array(["b", None, "a", np.nan, "b", pd.NaT, "c", pd.NA], dtype=object)
    codes, uniq = _frames.factorize(v)
    np.testing.assert_array_equal(codes, [0, 1, 2, 1, 0, 1, 3, 1])
    assert uniq[0] == "b" and uniq[2] == "a" and uniq[3] == "c" and np.isnan(uniq[1])
    rng = np.random.default_rng(3)
    pool = ["a", None, "b", np.nan, pd.NA, pd.NaT, float("nan"), np.datetime64("NaT"), "c", 1.5, 2, ""]
    for n in (0, 1, 2, 7, 50, 400):
        for _ in range(20):
            w = np.empty(n, dtype=object)
            w[:] = [pool[i] for i in rng.integers(0, len(pool), n)]
            want_c, want_u = pd.factorize(w, use_na_sentinel=False)
            got_c, got_u = _frames.factorize(w)
            np.testing.assert_array_equal(got_c, want_c)
            assert got_c.dtype == want_c.dtype and got_u.dtype == want_u.dtype
            assert [type(x) for x in got_u] == [type(x) for x in want_u]
            assert pd.Series(got_u).equals(pd.Series(want_u))


def test_row_blocks_cover_every_row_once_within_the_cell_budget():
    blocks = _frames.row_blocks(10_545, 500)
    assert [b.start for b in blocks] == list(range(0, 10_545, 1000))
    assert blocks[-1].stop == 10_545 and all(b.stop - b.start <= 1000 for b in blocks)
    assert _frames.row_blocks(3, 10**7) == [slice(0, 1), slice(1, 2), slice(2, 3)]  # at least one row
    assert _frames.row_blocks(0, 500) == []


@pytest.mark.parametrize("codes", [[0, 3, 3, 1, 0, 2], [2, 2], [], [4, 4, 0]])
def test_category_of_codes_is_the_text_column_as_category(codes):
    names = np.array(["wheat", "none", "rice", "maize", "tea"], dtype=object)
    codes = np.asarray(codes, dtype=np.intp)
    expected = pd.Series(names[codes], dtype=object).astype("category").array
    got = _frames.category_of_codes(codes, names)
    pd.testing.assert_extension_array_equal(got, expected)
    assert got.dtype == expected.dtype


def test_category_of_codes_with_repeated_or_missing_names():
    names = np.array(["rice", None, "rice"], dtype=object)
    codes = np.array([0, 1, 2, 2], dtype=np.intp)
    expected = pd.Series(names[codes], dtype=object).astype("category").array
    pd.testing.assert_extension_array_equal(_frames.category_of_codes(codes, names), expected)


def test_joined_by_is_groupby_join_in_order_of_first_appearance():
    rng = np.random.default_rng(3)
    keys = np.array([f"p{i}" for i in rng.integers(0, 50, 400)], dtype=object)
    keys[::37] = None  # missing keys are left out, as groupby does
    values = [f"m{i}" for i in rng.integers(0, 9, 400)]
    expected = pd.Series(values, dtype=object).groupby(keys, sort=False).agg("+".join)
    got = _frames.joined_by(keys, values, "+")
    assert got.index.tolist() == expected.index.tolist()
    assert got.tolist() == expected.tolist()
    assert got.dtype == object and len(_frames.joined_by([], [], "+")) == 0
