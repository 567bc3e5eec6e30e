"""Table Schema type of object columns in datapackage.json: text is told by its first defined values,
booleans only when every defined value is one."""

import numpy as np
import pandas as pd
import pytest

from agriremed.io.outputs import _csv_fields, _field_type


@pytest.mark.parametrize("values, expected", [
    (["a", None, "b"], "string"),
    ([None, True, False, None], "boolean"),
    ([np.True_, np.False_], "boolean"),
    ([None] * 100 + [True, "x"], "string"),        # the text after 64 missing values still decides
    ([None] * 100 + [True, False], "boolean"),
    ([True] * 70 + ["x"], "string"),               # a text after 64 booleans
    ([None, float("nan")], "string"),               # nothing defined
    ([], "string"),
])
def test_object_column_type(values, expected):
    assert _field_type(pd.Series(values, dtype=object)) == expected


def test_text_fields_with_missing_values():
    assert _csv_fields(pd.Series(["a,b", None, "c"], dtype=object)).tolist() == ['"a,b"', "", "c"]
    # mixed objects: missing → '', a float by the writer's repr
    assert _csv_fields(pd.Series(["a", None, 1.5], dtype=object)).tolist() == ["a", "", "1.5"]
