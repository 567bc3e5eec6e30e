"""Add the latitude range of each country to ``src/agriremed/data/countries.csv``.

``min_lat_deg`` and ``max_lat_deg`` are the southern and northern edges of the bounding boxes of every
Natural Earth 1:50m admin-0 map subunit whose ``adm0_a3`` is the country's ``alpha_3`` (the island
and overseas subunits included), as packaged by country-bounding-boxes 0.2.3 (PyPI; data from
ne_50m_admin_0_map_subunits, public domain), rounded to 0.01°. Source id ``naturalearth_50m_subunits``
(sources.csv). A country without a subunit of that code gets blanks.

Usage::

    pip download country-bounding-boxes==0.2.3 --no-deps -d /tmp/cbb && tar xzf /tmp/cbb/*.tar.gz -C /tmp/cbb
    python scripts/make_country_latitudes.py /tmp/cbb/country-bounding-boxes-0.2.3/country_bounding_boxes

The file is edited line by line (its other cells keep their quoting); run it on a file without the
columns.
"""

import csv
import io
import pathlib
import sys

COUNTRIES = pathlib.Path(__file__).resolve().parents[1] / "src" / "agriremed" / "data" / "countries.csv"
SOURCE = "naturalearth_50m_subunits"


def ranges(package_dir: str) -> dict[str, tuple[float, float]]:
    sys.path.insert(0, package_dir)
    import generated  # noqa: PLC0415 (the package's data module, read from its unpacked folder)

    out: dict[str, tuple[float, float]] = {}
    for c in generated.countries:
        lo, hi = float(c.bbox[1]), float(c.bbox[3])
        a = str(c.adm0_a3)
        out[a] = (min(lo, out[a][0]), max(hi, out[a][1])) if a in out else (lo, hi)
    return out


def main(package_dir: str) -> None:
    box = ranges(package_dir)
    lines = COUNTRIES.read_text(encoding="utf-8").splitlines()
    if "min_lat_deg" in lines[0]:
        raise SystemExit("countries.csv already has min_lat_deg")
    out = [lines[0] + ",min_lat_deg,max_lat_deg,lat_source"]
    for line in lines[1:]:
        a3 = next(csv.reader(io.StringIO(line)))[0]
        r = box.get(a3)
        out.append(line + (f",{r[0]:.2f},{r[1]:.2f},{SOURCE}" if r else ",,,"))
    COUNTRIES.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
