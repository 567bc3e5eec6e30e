"""Write data/samples/parcels.gpkg and data/samples/regions.gpkg from data/samples/plots.csv.

parcels.gpkg (layer ``parcels``, CGCS2000 EPSG:4490): each of the 16 sample plots as a square
parcel of its ``area_ha`` centred on its lat/lon (the square is laid out in a Lambert
azimuthal equal-area projection centred on the plot, so its area is the plot's area), with
every attribute of plots.csv except ``lat``, ``lon`` and ``area_ha``: agriremed computes those
from the geometry.

regions.gpkg (layer ``provinces``): ILLUSTRATIVE region polygons, the Voronoi cells of the
mean position of each province's sample plots, clipped to a box around them. They are not
administrative boundaries; they exist to try ``--regions``.

Run: python scripts/make_sample_parcels.py
"""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from agriremed.io.geo import equal_area_crs

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"

#: Layer title of regions.gpkg (GeoPackage identifier; the map legend shows it).
REGIONS_TITLE = "illustrative regions, not official boundaries (示意区域，非官方边界)"
#: Layer description of regions.gpkg (GeoPackage description).
REGIONS_DESCRIPTION = (
    "ILLUSTRATIVE polygons made up for trying --regions: the Voronoi cells of the mean position of "
    "each province's sample plots, clipped to a box 2 degrees around them. They are NOT the "
    "administrative boundaries of the named provinces and must not be used as such. "
    "示意多边形，仅用于试用 --regions，并非各省的行政边界。")


def main() -> None:
    plots = pd.read_csv(SAMPLES / "plots.csv", dtype=str, keep_default_na=False)
    squares = []
    for r in plots.itertuples(index=False):
        lat, lon, area = float(r.lat), float(r.lon), float(r.area_ha)
        half = np.sqrt(area * 1.0e4) / 2.0
        sq = gpd.GeoSeries([shapely.box(-half, -half, half, half)], crs=equal_area_crs(lon, lat))
        squares.append(sq.to_crs("EPSG:4490").iloc[0])
    attrs = plots.drop(columns=["lat", "lon", "area_ha"])
    for c in attrs.columns:
        if c not in ("plot_id", "region", "land_use", "crop"):
            attrs[c] = pd.to_numeric(attrs[c])
    gpd.GeoDataFrame(attrs, geometry=squares, crs="EPSG:4490").to_file(
        SAMPLES / "parcels.gpkg", layer="parcels", driver="GPKG")

    prov = plots.assign(province=plots["region"].str.split("/").str[0],
                        lat=plots["lat"].astype(float), lon=plots["lon"].astype(float))
    centres = prov.groupby("province", sort=True)[["lon", "lat"]].mean()
    pts = shapely.multipoints(np.c_[centres["lon"], centres["lat"]])
    margin = 2.0  # degrees around the plots
    box = shapely.box(prov["lon"].min() - margin, prov["lat"].min() - margin, prov["lon"].max() + margin,
                      prov["lat"].max() + margin)
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=box))
    names = []
    for c in cells:
        inside = [n for n, (x, y) in centres.iterrows() if c.contains(shapely.Point(x, y))]
        names.append(inside[0])
    reg = gpd.GeoDataFrame({"name": names}, geometry=[shapely.intersection(c, box) for c in cells],
                           crs="EPSG:4490").sort_values("name").reset_index(drop=True)
    reg.to_file(SAMPLES / "regions.gpkg", layer="provinces", driver="GPKG",
                layer_options={"IDENTIFIER": REGIONS_TITLE, "DESCRIPTION": REGIONS_DESCRIPTION})
    print(f"wrote {SAMPLES / 'parcels.gpkg'} ({len(squares)} parcels), "
          f"{SAMPLES / 'regions.gpkg'} ({len(reg)} regions)")


if __name__ == "__main__":
    main()
