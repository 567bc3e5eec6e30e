"""The area-mismatch threshold of the GIS reader comes from factors.csv."""

import pandas as pd
import pytest

gpd = pytest.importorskip("geopandas")
pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")

from agriremed.io import geo  # noqa: E402
from agriremed.core.tables import load_tables  # noqa: E402


def test_threshold_is_the_factors_table_row_with_its_source():
    t = load_tables()
    assert geo.AREA_MISMATCH_FRAC == t.factor("area_mismatch_frac") == 0.10
    row = t.factors.set_index("factor").loc["area_mismatch_frac"]
    assert row["source"] == "agriremed_assumption" and row["unit"] == "1"
    assert "agriremed_assumption" in set(t.sources["key"])


def _layer(tmp_path, given_ha):
    """Squares of 100 m × 100 m (1 ha) in EPSG:4547 with the given areas [ha]."""
    n = len(given_ha)
    geoms = [shapely.box(499_950, 3_100_000 + 300 * i, 500_050, 3_100_100 + 300 * i) for i in range(n)]
    attrs = pd.DataFrame({"plot_id": [f"P{i}" for i in range(n)], "area_ha": [str(a) for a in given_ha]})
    p = tmp_path / "a.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame(attrs, geometry=geoms, crs="EPSG:4547"), p)
    return p


@pytest.mark.parametrize("frac, listed", [(0.10, ["FID 2", "FID 3"]), (0.15, ["FID 3"]), (0.25, [])])
def test_features_beyond_the_threshold_are_listed(tmp_path, monkeypatch, frac, listed):
    # geometry areas are 1.000 ha (to ~1e-4); given 1.05 (5 %), 1.12 (12 %), 1.20 (20 %) ha
    monkeypatch.setattr(geo, "AREA_MISMATCH_FRAC", frac)
    lay = geo.read_layer(_layer(tmp_path, [1.05, 1.12, 1.20]))
    notes = [n for n in lay.notes if "differs from their geometry" in n]
    if not listed:
        assert notes == []
        return
    assert len(notes) == 1
    note = notes[0]
    assert f"{len(listed)} feature(s)" in note and f"by more than {frac:.0%}" in note
    assert f"相差超过{frac:.0%}" in note
    assert [f for f in ("FID 1", "FID 2", "FID 3") if f + " (" in note] == listed
