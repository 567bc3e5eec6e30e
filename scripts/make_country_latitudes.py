"""Write the latitude range of each country into ``src/agriremed/data/countries.csv``.

``min_lat_deg`` and ``max_lat_deg`` are the southern and northern edges of the bounding boxes of the Natural Earth
1:50m admin-0 map subunits of the country's home map unit: the subunits whose ``adm0_a3`` is the country's
``alpha_3`` and whose map unit (``geounit``) holds its home part (a subunit with ``homepart`` 1). A country's
other map units (overseas departments and territories: Réunion, French Guiana, Caribbean Netherlands, Svalbard,
Jan Mayen, the Azores, Madeira) are left out and named in ``lat_note``; island subunits of the home map unit stay
(Corsica with France, Sicily and Sardinia with Italy, Hawaii and Alaska with the United States, the Canary Islands
with Spain). A country without a home-part subunit (Belgium's regions, Aruba) takes all its subunits. A country
without subunits of its code takes the subunits of the map unit whose ``gu_a3`` is its ``alpha_3`` (Réunion, in
Natural Earth under France). The data are those packaged by country-bounding-boxes 0.2.3 (PyPI; from
ne_50m_admin_0_map_subunits, public domain), rounded to 0.01°. Source id ``naturalearth_50m_subunits``
(sources.csv). A country with neither gets blanks.

Usage::

    pip download country-bounding-boxes==0.2.3 --no-deps -d /tmp/cbb && tar xzf /tmp/cbb/*.tar.gz -C /tmp/cbb
    python scripts/make_country_latitudes.py /tmp/cbb/country-bounding-boxes-0.2.3/country_bounding_boxes

The columns ``min_lat_deg``, ``max_lat_deg``, ``lat_source`` and ``lat_note`` are written anew; the other cells
keep their text (the file is read and written with the csv module, which writes it back as it is).
"""

import csv
import io
import pathlib
import sys
from collections import defaultdict

COUNTRIES = pathlib.Path(__file__).resolve().parents[1] / "src" / "agriremed" / "data" / "countries.csv"
SOURCE = "naturalearth_50m_subunits"
COLUMNS = ("min_lat_deg", "max_lat_deg", "lat_source", "lat_note")


def _span(units) -> tuple[float, float]:
    return min(float(c.bbox[1]) for c in units), max(float(c.bbox[3]) for c in units)


def ranges(package_dir: str) -> dict[str, tuple[float, float, str]]:
    """alpha-3 code → (southern edge, northern edge [° N], note) of the package's subunits."""
    sys.path.insert(0, package_dir)
    import generated  # noqa: PLC0415 (the package's data module, read from its unpacked folder)

    by_adm0, by_unit = defaultdict(list), defaultdict(list)
    for c in generated.countries:
        by_adm0[str(c.adm0_a3)].append(c)
        by_unit[(str(c.adm0_a3), str(c.geounit))].append(c)
    out: dict[str, tuple[float, float, str]] = {}
    for a3, units in by_adm0.items():
        home = {str(c.geounit) for c in units if c.homepart == 1}
        kept = [c for c in units if str(c.geounit) in home] or units
        left = sorted({str(c.geounit) for c in units} - {str(c.geounit) for c in kept})
        note = (f"home map unit {' + '.join(sorted(home))} only; other map units left out: {', '.join(left)}"
                if left else "")
        out[a3] = (*_span(kept), note)
    for (a3, unit), units in by_unit.items():  # a map unit with an ISO code of its own (Réunion under France)
        gu = str(units[0].gu_a3)
        if gu not in out and gu != a3:
            out[gu] = (*_span(units), f"map unit {unit} of {a3} in Natural Earth")
    return out


def main(package_dir: str) -> None:
    box = ranges(package_dir)
    rows = list(csv.reader(io.StringIO(COUNTRIES.read_text(encoding="utf-8"))))
    keep = [j for j, name in enumerate(rows[0]) if name not in COLUMNS]
    out = [[rows[0][j] for j in keep] + list(COLUMNS)]
    for row in rows[1:]:
        r = box.get(row[0])
        out.append([row[j] for j in keep] + ([f"{r[0]:.2f}", f"{r[1]:.2f}", SOURCE, r[2]] if r else ["", "", "", ""]))
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(out)
    COUNTRIES.write_text(text.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
