"""Plots as GIS features: read parcel layers, compute areas and centres, join regions, write layers.

Land parcels (图斑) of farmland classification and safe-utilisation programmes come as GIS
layers, usually in CGCS2000 (EPSG:4490) or one of its Gauss–Krüger zones (e.g. EPSG:4547,
3° zone with central meridian 114° E; EPSG:4526, the same zone with the zone number in front
of the easting). This module turns such a layer into the plot table the rest of agriremed
reads, keeps the geometry aside, and writes it back with the plan.

Reading (:func:`read_layer`)
    GeoPackage (``.gpkg``), Shapefile (``.shp``, or a ``.zip`` holding one), GeoJSON
    (``.geojson``). A file with several layers needs a layer choice (the error lists them).
    The coordinate reference system (CRS) is read from the file; a layer without one is
    refused unless the caller names it (``crs``). Shapefile attributes are decoded with the
    encoding of their ``.cpg`` file or the DBF language driver; without either, the bytes are
    checked: ASCII and UTF-8 are read as such, GBK/GB18030 only when its characters are
    common Chinese ones (as :func:`agriremed.io.readers.decode_text`), anything else is refused with
    the advice to add a ``.cpg`` file.
Features
    Polygons and multipolygons (parcels) or points and multipoints (sampling sites). A
    feature with an empty or missing geometry, an invalid geometry (self-intersection,
    ring not closed …; the reason and place from GEOS), or another geometry type is a row
    problem: it is rejected with its feature id (FID), the other features are planned, so
    planned + rejected = features in the layer.
Areas
    Where the attributes hold no area, ``area_ha`` is the polygon area in a Lambert
    azimuthal equal-area projection centred on the layer (GRS80 ellipsoid, the ellipsoid of
    CGCS2000 to within 0.1 mm): an equal-area projection keeps areas exactly at any distance
    from its centre, so one projection serves a whole county or province. Where the
    attributes hold an area (any header the column registry reads as ``area_ha``, e.g.
    ``面积(亩)``), it is kept, the geometry area is added as ``geometry_area_ha`` and features
    differing by more than :data:`AREA_MISMATCH_FRAC` are listed in a note.
Centres
    Where the attributes hold no ``lat``/``lon``, they are the centroid of the feature
    (computed in the equal-area projection) in CGCS2000 degrees (EPSG:4490; CGCS2000 and
    WGS84 agree to a few centimetres).
Regions (:func:`assign_regions`)
    A plot belongs to the region polygon that contains its representative point
    (:func:`shapely.point_on_surface`, a point always inside the plot); a point on a
    boundary shared by several regions goes to the region that comes first in the regions
    layer (lowest FID); a plot in no region is counted under :data:`OUTSIDE`.

geopandas, pyogrio, shapely and pyproj are the optional extra ``geo``
(``pip install 'agriremed[geo]'``); they are imported only when a GIS file is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from agriremed.core.inputs import InputFileError, mostly_common_chinese, parquet_as_text
from agriremed.core import columns as C
from agriremed.core.messages import Message, Note, printed
from agriremed.core.names import complete_cut_ascii_header, complete_header, read_header
from agriremed.stages.seasons import counted_once

__all__ = ["GEO_SUFFIXES", "Layer", "read_layer", "layer_names", "is_geo_path", "equal_area_crs",
           "areas_ha", "assign_regions", "read_regions", "region_totals", "write_plan_layers",
           "AREA_MISMATCH_FRAC", "OUTSIDE", "plot_geometry", "feature_count", "geometry_by_id",
           "write_plan_layers_chunked", "to_wgs84_geojson", "GeoExtraMissing", "rejected_features",
           "rejected_geometry", "plot_id_column", "OVERLAP_SHARE_FRAC", "layer_centre"]

#: File suffixes read as GIS layers.
GEO_SUFFIXES = (".gpkg", ".shp", ".geojson", ".zip")



def _packaged_factor(name: str, which: str = "typical") -> float:
    """A scalar of the packaged ``factors.csv`` (read without loading every literature table)."""
    from importlib import resources

    with resources.files("agriremed.data").joinpath("factors.csv").open("r", encoding="utf-8") as f:
        df = pd.read_csv(f)
    row = df.loc[df["factor"] == name]
    if row.empty:
        raise KeyError(f"factor {name!r} is not in factors.csv")
    return float(row[which].iloc[0])


#: Relative difference between a given area and the geometry's area above which a feature
#: is listed in a note: the ``area_mismatch_frac`` row of ``factors.csv`` (an
#: agriremed_assumption: survey areas and digitised parcels of the same plot usually agree
#: to a few per cent; a larger difference points to a wrong unit or parcel).
AREA_MISMATCH_FRAC = _packaged_factor("area_mismatch_frac")

#: Share of the smaller polygon's area above which two overlapping parcels of a layer are warned on their
#: rows: the ``overlap_share_frac`` row of ``factors.csv`` (an agriremed_assumption: 三调 parcels do not
#: overlap; below it, slivers of digitising along a shared boundary pass).
OVERLAP_SHARE_FRAC = _packaged_factor("overlap_share_frac")

#: Region name of plots that lie in no region polygon.
OUTSIDE = "(outside the regions)"

#: CRS of the centres written as ``lat``/``lon`` (CGCS2000 geographic).
DEGREES_CRS = "EPSG:4490"

_POLYGONAL = ("Polygon", "MultiPolygon")
_PUNCTUAL = ("Point", "MultiPoint")
#: DBF language driver ids (byte 29 of the header) of Chinese code pages.
_LDID_NAMES = {0x4D: "GBK (code page 936)", 0x7A: "GBK (code page 936)"}
_CRS_HINT = ("e.g. --crs EPSG:4490 (CGCS2000 degrees), EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger "
             "CM 114E) or EPSG:4326 (WGS84)")


class GeoExtraMissing(InputFileError):
    """GIS files need the optional extra ``geo``."""


def _require():
    try:
        import geopandas  # noqa: F401
        import pyogrio  # noqa: F401
        import pyproj  # noqa: F401
        import shapely  # noqa: F401
    except ImportError as exc:
        raise GeoExtraMissing(
            f"reading and writing GIS files (GeoPackage, Shapefile, GeoJSON) needs the optional "
            f"packages geopandas, pyogrio, shapely and pyproj ({exc.name} is not installed): "
            "pip install 'agriremed[geo]' (读取GIS文件需要安装可选依赖 agriremed[geo])") from exc


def is_geo_path(path) -> bool:
    """True for a path whose suffix is one of :data:`GEO_SUFFIXES`."""
    return isinstance(path, (str, Path)) and Path(path).suffix.lower() in GEO_SUFFIXES


def _source(p: Path) -> str:
    """The path as GDAL opens it (a zip through its virtual file system)."""
    return f"/vsizip/{p}" if p.suffix.lower() == ".zip" else str(p)


@dataclass
class Layer:
    """A GIS layer read as a plot table.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per feature, in file order, every cell as text (as
        :func:`agriremed.io.readers.read_table`); ``area_ha``, ``lat`` and ``lon`` added where the
        attributes lack them, ``geometry_area_ha`` where they hold an area.
        ``table.attrs['row_problems']`` lists features whose geometry cannot be used (their
        ``problem`` and ``expected`` as :class:`agriremed.core.messages.Message`);
        ``table.attrs['row_warnings']`` (same form) the features whose area field differs from
        their polygon's area by more than :data:`AREA_MISMATCH_FRAC` (read, warned on the row).
    notes : list of str
        How the layer was read (layer, CRS, encoding, area method, area mismatches): each a
        :class:`agriremed.core.messages.Note`, its English text carrying its message code.
    geometry : geopandas.GeoSeries
        The geometry of every feature in the layer's CRS, index = table row (0-based).
    fid : numpy.ndarray
        Feature id (FID) of every row.
    name : str
        Layer name.
    crs : pyproj.CRS
        The layer's CRS.
    usable : numpy.ndarray
        True for features whose geometry is used (not empty, valid, polygon or point).
    """

    table: pd.DataFrame
    notes: list[str]
    geometry: object
    fid: np.ndarray
    name: str
    crs: object
    usable: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


def layer_names(path: str | Path) -> list[tuple[str, str]]:
    """Layers of a GIS file as (name, geometry type).

    Raises
    ------
    agriremed.io.readers.InputFileError
        If the file is missing or GDAL cannot open it.
    """
    _require()
    import pyogrio

    p = Path(path)
    if not p.exists():
        raise InputFileError.of("io.not_found", path=str(p))
    try:
        return [(str(n), str(t)) for n, t in pyogrio.list_layers(_source(p))]
    except Exception as exc:
        raise InputFileError(f"{p.name} could not be read as a GIS file: {exc}") from exc


def feature_count(path: str | Path, layer: str | int | None = None) -> int:
    """Features in a layer (from the file's metadata; 0 when it cannot be opened: the reader says why)."""
    import pyogrio

    try:
        p = Path(path)
        return int(pyogrio.read_info(_source(p), layer=_choose_layer(p, layer))["features"])
    except Exception:
        return 0


def _choose_layer(p: Path, layer) -> str:
    layers = layer_names(p)
    listed = "; ".join(f"{n} ({t or 'no geometry'})" for n, t in layers)
    if not layers:
        raise InputFileError(f"{p.name} holds no layer")
    if layer is None or layer == "":
        if len(layers) == 1:
            return layers[0][0]
        raise InputFileError(f"{p.name} holds {len(layers)} layers: choose one with --layer "
                             f"(图层): {listed}")
    names = [n for n, _ in layers]
    if str(layer) in names:
        return str(layer)
    if isinstance(layer, int) or str(layer).isdigit():
        i = int(layer)
        if 0 <= i < len(names):
            return names[i]
    raise InputFileError(f"{p.name} has no layer {layer!r}: its layers are {listed}")


def _dbf_path(p: Path) -> Path | None:
    for suf in (".dbf", ".DBF"):
        d = p.with_suffix(suf)
        if d.exists():
            return d
    return None


def _codec(label: str | None) -> str | None:
    """Python codec of an encoding as a ``.cpg`` file names it (``GBK``, ``UTF-8``, ``936``,
    ``65001``, ``CP936``); None when it names none Python knows.

    Examples
    --------
    >>> [_codec(x) for x in ("GBK", "UTF-8", "936", "65001", "nonsense")]
    ['gbk', 'utf-8', 'gbk', 'utf-8', None]
    """
    import codecs

    s = str(label or "").strip().lower().replace(" ", "")
    s = {"65001": "utf-8", "utf8": "utf-8"}.get(s, s)
    if s.isdigit():
        s = "cp" + s
    try:
        return codecs.lookup(s).name if s else None
    except LookupError:
        return None


def _shapefile_parts(p: Path, layer: str) -> dict[str, object] | None:
    """The side files of the shapefile a layer is read from, as :func:`_shapefile_encoding` reads them:
    ``{"cpg": text of the .cpg file or None, "dbf": first 32 bytes of the .dbf or None, "name": the
    shapefile's name}``; None when the layer is not read from a shapefile.

    A ``.shp`` path: the files beside it. A ``.zip``: the ``.shp`` member named after the layer (GDAL
    names a shapefile's layer after it) and its ``.cpg`` and ``.dbf`` in the same folder of the archive,
    read without unpacking it.
    """
    suffix = p.suffix.lower()
    if suffix == ".shp":
        cpg = next((c for c in (p.with_suffix(".cpg"), p.with_suffix(".CPG")) if c.exists()), None)
        dbf = _dbf_path(p)
        head = None
        if dbf is not None:
            with open(dbf, "rb") as fh:
                head = fh.read(32)
        return {"cpg": cpg.read_text("ascii", errors="replace") if cpg is not None else None, "dbf": head,
                "name": p.name}
    if suffix != ".zip":
        return None
    import zipfile
    from pathlib import PurePosixPath

    try:
        with zipfile.ZipFile(p) as z:
            members = {PurePosixPath(m): m for m in z.namelist() if not m.endswith("/")}
            shp = next((m for m in members if m.suffix.lower() == ".shp" and m.stem == layer), None)
            if shp is None:
                return None
            side = {m.suffix.lower(): members[m] for m in members if m.parent == shp.parent and m.stem == shp.stem}
            cpg = z.read(side[".cpg"]).decode("ascii", errors="replace") if ".cpg" in side else None
            head = None
            if ".dbf" in side:
                with z.open(side[".dbf"]) as fh:
                    head = fh.read(32)
    except (OSError, zipfile.BadZipFile, KeyError):
        return None
    return {"cpg": cpg, "dbf": head, "name": shp.name}


def _shapefile_encoding(parts: dict, file: str) -> tuple[str | None, str | None, str | None]:
    """(encoding to pass to the reader, note, Python codec of the field names) for a shapefile whose side
    files are ``parts`` (:func:`_shapefile_parts`; ``file``: the file name the notes give); (None, note,
    codec) lets GDAL decide; the codec is None where the encoding is not known."""
    if parts.get("cpg") is not None:
        name = str(parts["cpg"]).strip()
        return None, Note(Message.of("geo.cpg", file=file, encoding=name)), _codec(name)
    head = parts.get("dbf")
    if head is None:
        return None, None, None
    ldid = head[29] if len(head) > 29 else 0
    if ldid:
        return (None, Note(Message.of("geo.ldid", file=file, encoding=_LDID_NAMES.get(ldid, hex(ldid)))),
                "gbk" if ldid in _LDID_NAMES else None)
    return "latin1", None, None  # bytes kept as they are, decided by _redecode


def _redecode(df: pd.DataFrame, name: str, shapefile: str | None = None) -> tuple[pd.DataFrame, str | None, str]:
    """Decode text read byte-for-byte (Latin-1) from a DBF without declared encoding: (table, note,
    Python codec used); ``shapefile``: the name of the shapefile (a member of a zip), whose .cpg file the
    error asks for (default ``name``)."""
    text_cols = [c for c in df.columns if c != "geometry"
                 and (df[c].dtype == object or pd.api.types.is_string_dtype(df[c]))]
    raw = b"".join(str(c).encode("latin1", errors="replace") for c in df.columns)
    blobs = {c: df[c].astype(object).map(lambda v: v.encode("latin1") if isinstance(v, str) else v)
             for c in text_cols}
    raw += b"\n".join(b for c in text_cols for b in blobs[c] if isinstance(b, bytes))
    if all(b < 128 for b in raw):
        return df, None, "ascii"
    for codec, label, check in (("utf-8", "UTF-8", False), ("gb18030", "GB18030 (GBK)", True)):
        try:
            decoded = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if check and not mostly_common_chinese(decoded):
            continue
        out = df.copy()
        out.columns = [c if c == "geometry" else str(c).encode("latin1", errors="replace").decode(codec)
                       for c in df.columns]
        for c, new in zip(df.columns, out.columns, strict=True):
            if c in blobs:
                out[new] = blobs[c].map(lambda b, k=codec: b.decode(k) if isinstance(b, bytes) else b
                                        ).astype(object)
        out = out.set_geometry("geometry") if "geometry" in out.columns else out
        return out, Note(Message.of("geo.no_cpg", file=name, encoding=label)), codec
    raise InputFileError(
        f"{name}: the text of its attribute table (.dbf) is neither UTF-8 nor common Chinese GBK, and "
        "no .cpg file names its encoding: add a file "
        f"{Path(shapefile or name).with_suffix('.cpg').name} holding the encoding (e.g. GBK or UTF-8), or export the "
        "layer as GeoPackage (属性表编码无法识别：请添加 .cpg 文件注明编码，如 GBK)")


#: Longest shapefile (DBF) field name [bytes]: GDAL cuts longer names to it, in the middle of a
#: character where it falls there (the DBF format, dBase III).
FIELD_NAME_BYTES = 10

_BRACKETS = (("(", ")"), ("（", "）"))


def _completed(text: str) -> tuple[str, bool]:
    """A field name that may have been cut by the 10-byte limit: (the name completed, whether its
    unit was cut).

    The name is completed to the known header it begins when every such header names one column
    (:func:`agriremed.core.names.complete_header`; ``永久基本农`` → ``永久基本农田``), or, when
    it ends inside a bracket holding a whole unit, by closing the bracket (``面积(亩`` →
    ``面积(亩)``). A name still ending inside an open bracket lost (part of) its unit
    (``镉含量(``, ``有机质(g/k``): no unit is assumed for it (the validation refuses the column).

    Examples
    --------
    >>> _completed("永久基本农"), _completed("面积(亩"), _completed("镉含量("), _completed("有机质(g/k")
    (('永久基本农田', False), ('面积(亩)', False), ('镉含量(', True), ('有机质(g/k', True))
    """
    h = read_header(text)
    known = h.error is None and h.canonical in C.COLUMNS
    full = complete_header(text)
    if full is not None and known and read_header(full).canonical != h.canonical:
        full = None
    for o, c in _BRACKETS:
        if full is None and not known and text.count(o) > text.count(c):
            closed = read_header(text + c)
            if closed.error is None and (closed.unit or "").strip():  # a whole unit, not 镉含量()
                full = text + c
    new = full or text
    return new, any(new.count(o) > new.count(c) for o, c in _BRACKETS)


def _max_char_bytes(codec: str) -> int:
    """Bytes of the widest common character in ``codec`` (UTF-8 3, GBK 2, single-byte codecs 1)."""
    try:
        return max(len(ch.encode(codec)) for ch in ("中", "μ", "a"))
    except (UnicodeEncodeError, LookupError):
        return 1


def _with_columns(gdf, columns: list, renamed: list):
    """``gdf`` with its columns renamed to ``columns`` (its geometry kept), and the renaming messages
    ``renamed`` joined into one (``geo.area_pairs``) for the layer's note."""
    out = gdf.copy()
    out.columns = columns
    out = out.set_geometry("geometry") if "geometry" in out.columns else out
    shown = None
    for m in renamed[::-1]:
        shown = m if shown is None else Message.of("geo.area_pairs", first=m, rest=shown)
    return out, shown


def _cut_names(gdf, codec: str | None, name: str, notes: list[str], cut_units: dict[str, str]):
    """Field names of a decoded shapefile that the 10-byte limit may have cut (GBK: 5 Chinese
    characters, or 4 and a dropped half character; ``永久基本农田`` → ``永久基本农``): each holding a
    character beyond ASCII or an open bracket, of ``FIELD_NAME_BYTES`` − (widest character − 1)
    bytes or more in the layer's encoding, is completed as :func:`_completed`; the names changed
    or cut inside their unit are noted, the latter kept in ``cut_units`` (column → name as stored)."""
    if not codec:
        return gdf
    least = FIELD_NAME_BYTES - _max_char_bytes(codec) + 1
    renamed, columns = [], []
    for c in gdf.columns:
        text = str(c)
        try:
            size = len(text.encode(codec))
        except UnicodeEncodeError:
            size = 0
        if c == "geometry" or size < least or (text.isascii() and not any(o in text for o, _ in _BRACKETS)):
            columns.append(c)
            continue
        new, unit_cut = _completed(text)
        if unit_cut:
            cut_units[new] = text
        if new != text:
            renamed.append(Message.of("geo.utf8_cut_field", field=repr(text), header=repr(new)))
        elif unit_cut:
            renamed.append(Message.of("geo.utf8_cut_kept", field=repr(text)))
        columns.append(new)
    if not renamed:
        return gdf
    out, shown = _with_columns(gdf, columns, renamed)
    notes.append(Note(Message.of("geo.cut_names", file=name, encoding=codec.upper(), fields=shown)))
    return out


def _utf8_cut(gdf, name: str, notes: list[str], cut_units: dict[str, str]):
    """A shapefile read byte for byte (Latin-1) whose UTF-8 field names were cut in the middle of
    a character by the 10-byte limit of DBF field names: names and values decoded as UTF-8 with
    the broken trailing bytes dropped, cut names completed to the known header they begin
    (:func:`agriremed.core.names.complete_header`) when that is unique; each step noted. A name cut
    inside its unit (an opening bracket left open, :func:`_completed`) goes into ``cut_units``
    (column → name as stored)."""
    def dec(b: bytes) -> tuple[str, bool]:
        try:
            return b.decode("utf-8"), False
        except UnicodeDecodeError:
            return b.decode("utf-8", errors="ignore"), True

    out = gdf.copy()
    renamed, cut_values = [], 0
    columns = []
    for c in gdf.columns:
        if c == "geometry":
            columns.append(c)
            continue
        raw = str(c).encode("latin1", errors="replace")
        text, cut = dec(raw)
        new = text
        if cut or len(raw) == FIELD_NAME_BYTES:
            new, unit_cut = _completed(text)
            if unit_cut:
                cut_units[new] = text
            if cut or new != text or unit_cut:
                renamed.append(Message.of("geo.utf8_cut_field", field=repr(text), header=repr(new)) if new != text
                               else Message.of("geo.utf8_cut_kept", field=repr(text)))
        columns.append(new)
        if gdf[c].dtype == object or pd.api.types.is_string_dtype(gdf[c]):
            vals = gdf[c].map(lambda v: dec(v.encode("latin1"))[0] if isinstance(v, str) else v)
            cut_values += int(gdf[c].map(lambda v: isinstance(v, str) and dec(v.encode("latin1"))[1]).sum())
            out[c] = vals.astype(object)
    out.columns = columns
    out = out.set_geometry("geometry") if "geometry" in out.columns else out
    shown = None
    for m in renamed[::-1]:
        shown = m if shown is None else Message.of("geo.area_pairs", first=m, rest=shown)
    notes.append(Note(Message.of("geo.utf8_cut", file=name, fields=shown or Message())))
    if cut_values:
        notes.append(Note(Message.of("geo.utf8_cut_values", file=name, n=cut_values)))
    return out


def equal_area_crs(lon0: float, lat0: float) -> str:
    """Lambert azimuthal equal-area projection centred on (lon0, lat0) [degree], GRS80, metres.

    Examples
    --------
    >>> equal_area_crs(113.1, 27.8)
    '+proj=laea +lat_0=27.8 +lon_0=113.1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs'
    """
    return f"+proj=laea +lat_0={lat0:.6g} +lon_0={lon0:.6g} +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"


def _layer_centre(geometry) -> tuple[float, float]:
    """Centre of the layer's bounds in degrees (lon, lat)."""
    b = geometry.to_crs(DEGREES_CRS).total_bounds
    return float((b[0] + b[2]) / 2), float((b[1] + b[3]) / 2)


def areas_ha(geometry, crs_ea: str | None = None) -> np.ndarray:
    """Area of each polygon [ha] in an equal-area projection (points and empties: NaN).

    Parameters
    ----------
    geometry : geopandas.GeoSeries
        Geometries with a CRS.
    crs_ea : str, optional
        Equal-area CRS; default :func:`equal_area_crs` centred on the geometries' bounds.

    Returns
    -------
    numpy.ndarray
        Area [ha]; NaN for features that are not polygons or are empty.
    """
    usable = ~(geometry.isna() | geometry.is_empty)
    out = np.full(len(geometry), np.nan)
    if not usable.any():
        return out
    crs_ea = crs_ea or equal_area_crs(*_layer_centre(geometry[usable]))
    poly = usable & geometry.geom_type.isin(_POLYGONAL)
    if poly.any():
        out[poly.to_numpy()] = geometry[poly].to_crs(crs_ea).area.to_numpy() / 1.0e4
    return out


def _number(text: pd.Series) -> np.ndarray:
    return pd.to_numeric(text.str.strip().str.replace(",", "", regex=False), errors="coerce").to_numpy(float)


def _check_degrees(geometry, crs, name: str) -> None:
    """A geographic CRS whose coordinates are not degrees (projected metres labelled as degrees), or whose
    x and y are latitude and longitude swapped (x within −90…90, y beyond it but within −180…180)."""
    if not getattr(crs, "is_geographic", False):
        return
    ok = ~(geometry.isna() | geometry.is_empty)
    if not ok.any():
        return
    x0, y0, x1, y1 = geometry[ok].total_bounds
    if -90 <= x0 and x1 <= 90 and -180 <= y0 and y1 <= 180 and (y1 > 90 or y0 < -90):
        raise InputFileError.of("geo.swapped_axes", file=name, crs=crs.name, x0=float(x0), x1=float(x1),
                                y0=float(y0), y1=float(y1))
    if min(x0, y0) < -180 or x1 > 180 or y1 > 90 or y0 < -90:
        raise InputFileError(
            f"{name}: the layer says its coordinates are degrees ({crs.name}), but they run to "
            f"x {x1:,.0f}, y {y1:,.0f}: they look like projected metres (e.g. Gauss-Kruger); fix the "
            "layer's CRS in a GIS (坐标系与坐标值不符)")


def _tm_false_easting(crs) -> float | None:
    """False easting [m] of a transverse Mercator (Gauss–Krüger) CRS; None for other CRSs."""
    try:
        conv = crs.to_json_dict().get("conversion", {})
    except Exception:
        return None
    if "transverse mercator" not in str(conv.get("method", {}).get("name", "")).lower():
        return None
    for par in conv.get("parameters", []):
        if par.get("name") == "False easting":
            return float(par["value"])
    return None


def _with_false_easting(crs, false_easting: float) -> str | None:
    """EPSG code (``"EPSG:4526"``) of the CRS that is ``crs`` with another false easting [m]; None
    when the EPSG database has none."""
    import copy

    from pyproj import CRS

    d = copy.deepcopy(crs.to_json_dict())
    for par in d.get("conversion", {}).get("parameters", []):
        if par.get("name") == "False easting":
            par["value"] = false_easting
    d.pop("id", None)
    d["name"] = "candidate"
    try:
        auth = CRS.from_json_dict(d).to_authority(min_confidence=20)
    except Exception:
        return None
    return f"{auth[0]}:{auth[1]}" if auth else None


def _check_zone_prefix(geometry, crs, name: str) -> None:
    """Gauss–Krüger eastings that contradict the CRS's zone prefix.

    A 3° or 6° Gauss–Krüger CRS either puts the zone number in front of the easting (false
    easting zone × 10⁶ + 500 000 m, e.g. EPSG:4526: eastings of 8 digits, 38 xxx xxx m) or not
    (false easting 500 000 m, e.g. EPSG:4547: eastings of 6 digits). Coordinates of the one kind
    labelled with a CRS of the other lie thousands of kilometres outside the zone; they are
    refused naming the CRS to use.

    Raises
    ------
    agriremed.io.readers.InputFileError
        Zone-prefixed eastings in a CRS without prefix or the reverse, or eastings more than
        10⁶ m from the false easting of a Gauss–Krüger CRS.
    """
    fe = _tm_false_easting(crs)
    if fe is None:
        return
    ok = ~(geometry.isna() | geometry.is_empty)
    if not ok.any():
        return
    x0, _, x1, _ = geometry[ok].total_bounds
    if not (np.isfinite(x0) and np.isfinite(x1)):
        return
    code = crs.to_epsg()
    declared = f"{crs.name} (EPSG:{code})" if code else crs.name
    zone_width = 1.0e6  # metres per zone number in a prefixed easting
    if fe < zone_width and x0 >= 10 * zone_width and int(x0 // zone_width) == int(x1 // zone_width):
        zone = int(x0 // zone_width)
        use = _with_false_easting(crs, zone * zone_width + fe)
        raise InputFileError.of("geo.zone_prefix_data", file=name, crs=declared, x0=printed(x0, 0),
                                x1=printed(x1, 0), zone=zone,
                                use=Message.of("geo.use_crs", crs=use) if use else Message())
    if fe >= zone_width and x1 < zone_width:
        use = _with_false_easting(crs, fe % zone_width)
        raise InputFileError.of("geo.zone_prefix_crs", file=name, crs=declared, x0=printed(x0, 0),
                                x1=printed(x1, 0), zone=int(fe // zone_width),
                                use=Message.of("geo.use_crs", crs=use) if use else Message())
    if x0 < fe - zone_width or x1 > fe + zone_width:
        raise InputFileError.of("geo.outside_zone", file=name, crs=declared, x0=printed(x0, 0),
                                x1=printed(x1, 0), fe=printed(fe, 0))


def read_layer(path: str | Path, layer: str | int | None = None, crs: str | None = None) -> Layer:
    """Read a GIS layer of plots as a text table with its geometry kept aside.

    Parameters
    ----------
    path : str or Path
        GeoPackage, Shapefile (or a zip holding one) or GeoJSON file.
    layer : str or int, optional
        Layer name (or 0-based index); needed when the file holds several layers.
    crs : str, optional
        CRS of a layer that declares none (e.g. ``"EPSG:4547"``); an error when the layer
        declares another one.

    Returns
    -------
    Layer
        The attribute table (text), notes, geometry and feature ids.

    Raises
    ------
    agriremed.io.readers.InputFileError
        Missing file or extra, unreadable file, several layers without a choice, no CRS
        (and none given), a CRS that contradicts ``crs`` or its coordinates, an attribute
        encoding that cannot be decided.
    """
    _require()
    import geopandas as gpd
    import pyogrio

    p = Path(path)
    if not p.exists():
        raise InputFileError.of("io.not_found", path=str(p))
    name = _choose_layer(p, layer)
    notes: list[str] = []
    if len(layer_names(p)) > 1:
        notes.append(Note(Message.of("geo.layer_read", file=p.name, layer=name)))
    enc, codec = None, None
    cut_units: dict[str, str] = {}
    parts = _shapefile_parts(p, name)  # a shapefile, on its own or in a zip: its encoding decided alike
    if parts is not None:
        enc, note, codec = _shapefile_encoding(parts, p.name)
        if note:
            notes.append(note)
    try:
        gdf = pyogrio.read_dataframe(_source(p), layer=name, fid_as_index=True, encoding=enc,
                                     use_arrow=False, on_invalid="ignore")
    except UnicodeDecodeError as exc:
        if p.suffix.lower() not in (".shp", ".zip"):
            raise InputFileError(f"{p.name} (layer {name}) could not be read: {exc}") from exc
        # UTF-8 field names cut by the 10-byte limit in the middle of a character: bytes kept,
        # decoded by _utf8_cut
        try:
            gdf = pyogrio.read_dataframe(_source(p), layer=name, fid_as_index=True, encoding="latin1",
                                         use_arrow=False, on_invalid="ignore")
        except Exception as exc2:
            raise InputFileError(f"{p.name} (layer {name}) could not be read: {exc2}") from exc2
        gdf = _utf8_cut(gdf, p.name, notes, cut_units)
        enc, codec = "utf-8 (cut names)", None
    except Exception as exc:
        raise InputFileError(f"{p.name} (layer {name}) could not be read: {exc}") from exc
    if enc == "latin1":
        gdf, note, codec = _redecode(gdf, p.name, parts["name"] if parts else None)
        if note:
            notes.append(note)
    if parts is not None:
        gdf = _cut_names(gdf, codec, p.name, notes, cut_units)
        gdf = _ascii_cut_names(gdf, p.name, notes)
    if not isinstance(gdf, gpd.GeoDataFrame) or "geometry" not in gdf.columns:
        raise InputFileError(f"{p.name} (layer {name}) has no geometry: read it as a table (CSV, Excel)")
    fid = gdf.index.to_numpy()
    gdf = gdf.reset_index(drop=True)
    gdf = _layer_crs(gdf, crs, p.name, name, notes)
    geom = gdf.geometry
    _check_degrees(geom, gdf.crs, p.name)
    _check_zone_prefix(geom, gdf.crs, p.name)
    problems, usable = _geometry_problems(geom, fid)
    attrs = _named_id_first(pd.DataFrame(gdf.drop(columns="geometry")), p, notes)
    table = parquet_as_text(_whole_ids(attrs))
    _add_geometry_columns(table, geom, usable, fid, notes, p.name)
    shape_key = _shape_keys(geom, usable)
    overlaps = _overlap_warnings(table, geom, usable, fid, shape_key, notes, p.name)
    if overlaps:
        table.attrs["row_warnings"] = list(table.attrs.get("row_warnings") or []) + overlaps
    table.attrs.update(row_problems=sorted(problems, key=lambda r: r["row"]), encoding=None,
                       sheet=name, layer=name, fid=tuple(int(f) for f in fid), shape_key=shape_key)
    if cut_units:
        table.attrs["cut_units"] = dict(cut_units)
    if problems:
        notes.append(Note(Message.of("geo.rejected", file=p.name, n=len(problems))))
    return Layer(table=table, notes=notes, geometry=geom, fid=fid, name=name, crs=gdf.crs, usable=usable)


def _layer_crs(gdf, crs: str | None, file_name: str, name: str, notes: list[str]):
    """The layer with its coordinate reference system: the declared one (noted), or ``crs`` for a
    layer that declares none; raises InputFileError without either, or when ``crs`` is not a CRS
    or contradicts the declared one."""
    if gdf.crs is None:
        if not crs:
            raise InputFileError(f"{file_name} (layer {name}) has no coordinate reference system (a shapefile "
                                 f"without its .prj file?): name it with --crs, {_CRS_HINT} (缺少坐标系)")
        try:
            gdf = gdf.set_crs(crs)
        except Exception as exc:
            raise InputFileError(f"--crs {crs}: not a coordinate reference system ({exc})") from exc
        notes.append(Note(Message.of("geo.no_crs", file=file_name, crs_name=gdf.crs.name, crs=crs)))
    elif crs:
        from pyproj import CRS

        try:
            given = CRS.from_user_input(crs)
        except Exception as exc:
            raise InputFileError(f"--crs {crs}: not a coordinate reference system ({exc})") from exc
        if not given.equals(gdf.crs, ignore_axis_order=True):
            raise InputFileError(f"{file_name} declares its CRS as {gdf.crs.name}; --crs {crs} ({given.name}) "
                                 "differs: --crs is only for layers without a CRS (drop it, or fix the "
                                 "layer)")
    else:
        epsg = gdf.crs.to_epsg()
        notes.append(Note(Message.of("geo.crs_epsg", file=file_name, crs_name=gdf.crs.name, epsg=epsg) if epsg
                          else Message.of("geo.crs", file=file_name, crs_name=gdf.crs.name)))
    return gdf


def _geometry_problems(geom, fid: np.ndarray) -> tuple[list[dict], np.ndarray]:
    """Row problems of the features with an empty, unsupported (not polygonal or punctual) or
    invalid geometry, and the features whose geometry is usable."""
    import shapely

    n = len(geom)
    problems = []
    missing = (geom.isna() | geom.is_empty).to_numpy()
    gtype = geom.geom_type.fillna("").to_numpy(object)
    known = np.isin(gtype, _POLYGONAL + _PUNCTUAL)
    valid = np.zeros(n, bool)
    if n:
        valid[~missing] = shapely.is_valid(geom.to_numpy()[~missing])
    shape = Message.of("geo.expect_shape")
    for i in np.flatnonzero(missing):
        problems.append(dict(row=int(i), column="geometry", value=f"FID {fid[i]}",
                             problem=Message.of("geo.empty", fid=fid[i]), expected=shape))
    for i in np.flatnonzero(~missing & ~known):
        problems.append(dict(row=int(i), column="geometry", value=f"FID {fid[i]}",
                             problem=Message.of("geo.type", fid=fid[i], geometry_type=gtype[i]), expected=shape))
    bad = ~missing & known & ~valid
    if bad.any():
        reasons = shapely.is_valid_reason(geom.to_numpy()[bad])
        repair = Message.of("geo.expect_valid")
        for i, why in zip(np.flatnonzero(bad), reasons, strict=True):
            problems.append(dict(row=int(i), column="geometry", value=f"FID {fid[i]}",
                                 problem=Message.of("geo.invalid", fid=fid[i], why=str(why)), expected=repair))
    usable = ~missing & known & valid
    return problems, usable


def _ascii_cut_names(gdf, name: str, notes: list[str]):
    """Shapefile field names of ASCII characters cut to :data:`FIELD_NAME_BYTES` (``cd_cacl2_m``,
    ``bulk_densi``): each renamed to the input header it begins when every header it begins names one
    input column (:func:`agriremed.core.names.complete_cut_ascii_header`; ``cd_cacl2_m`` →
    ``cd_cacl2_mg_kg``), before its header (and unit) is read; the renamed fields are noted together, a
    field that begins several columns is noted on its own and left as it stands."""
    renamed, columns = [], []
    taken = {str(c) for c in gdf.columns}
    for c in gdf.columns:
        text = str(c)
        if c == "geometry" or len(text) != FIELD_NAME_BYTES or not text.isascii():
            columns.append(c)
            continue
        full, cols = complete_cut_ascii_header(text)
        if full is not None and full not in taken:
            renamed.append(Message.of("geo.utf8_cut_field", field=repr(text), header=repr(full)))
            taken.add(full)
            columns.append(full)
            continue
        if len(cols) > 1:
            notes.append(Note(Message.of("geo.truncated", file=name, field=repr(text), columns=", ".join(cols))))
        columns.append(c)
    if not renamed:
        return gdf
    out, shown = _with_columns(gdf, columns, renamed)
    notes.append(Note(Message.of("geo.ascii_cut", file=name, fields=shown)))
    return out


def _named_id_first(attrs: pd.DataFrame, p: Path, notes: list[str]) -> pd.DataFrame:
    """A GeoJSON layer whose features carry an ``id`` member (read as the field ``id``) beside a named parcel-code
    field (地块编码, TBBH …, any header read as ``plot_id``): the named field is put first, so that it is the plot
    id and ``id`` is passed through (the validation takes the first id column); noted. Many writers (geopandas'
    ``to_json``, web tools) fill the member with the row number."""
    if p.suffix.lower() not in (".geojson", ".json"):
        return attrs
    ids = [c for c in attrs.columns if str(c).lower() == "id"]
    named = [c for c in attrs.columns if str(c).lower() != "id" and read_header(str(c)).canonical == "plot_id"]
    if not ids or not named:
        return attrs
    shown = ", ".join(repr(str(v)) for v in attrs[ids[0]].head(3).tolist()) + (" …" if len(attrs) > 3 else "")
    notes.append(Note(Message.of("geo.geojson_id", file=p.name, field=repr(str(named[0])), ids=shown)))
    return attrs[[c for c in attrs.columns if c not in ids] + ids]


#: Columns whose values are identifiers: a whole number held in a Real field is written without ".0".
_ID_COLUMNS = ("plot_id", "field_id")


def _whole_ids(attrs: pd.DataFrame) -> pd.DataFrame:
    """The attributes with the identifiers (a field read as ``plot_id`` or ``field_id``) that a Real (float)
    field holds as whole numbers as integer text: 430211001001.0 → ``'430211001001'``, the code as a GIS shows
    it and a join back on it needs; other values, and other fields, unchanged.

    >>> _whole_ids(pd.DataFrame({"地块编码": [430211001001.0, None, 2.5], "pH": [5.0, 6.0, 7.0]}))["地块编码"].tolist()
    ['430211001001', None, '2.5']
    """
    out = None
    for c in attrs.columns:
        s = attrs[c]
        if not pd.api.types.is_float_dtype(s) or read_header(str(c)).canonical not in _ID_COLUMNS:
            continue
        v = s.to_numpy(float)
        whole = np.isfinite(v) & (np.abs(v) < 2.0 ** 53)
        whole[whole] = v[whole] == np.round(v[whole])
        text = np.array([None if not np.isfinite(x) else (f"{x:.0f}" if w else repr(float(x)))
                         for x, w in zip(v, whole, strict=True)], dtype=object)
        out = attrs.copy() if out is None else out
        out[c] = pd.Series(text, index=attrs.index, dtype=object)
    return attrs if out is None else out


def _shape_keys(geom, usable: np.ndarray) -> tuple:
    """A key per feature equal for features with the same geometry (the same rings, whatever their start
    point or direction: :func:`shapely.normalize`); None for a feature without a usable geometry."""
    import shapely

    keys = np.full(len(geom), None, dtype=object)
    if usable.any():
        norm = shapely.normalize(geom.to_numpy()[usable])
        keys[usable] = [hash(b) for b in shapely.to_wkb(norm)]
    return tuple(keys)


def _overlap_warnings(table: pd.DataFrame, geom, usable: np.ndarray, fid: np.ndarray, shape_key: tuple,
                      notes: list, name: str) -> list[dict]:
    """Row warnings (as the reader's ``row_warnings``) on parcels of the layer that overlap another by more
    than :data:`OVERLAP_SHARE_FRAC` of the smaller one's area, naming the other's FID, plot id and the area
    counted twice [ha, equal-area projection]; parcels with exactly the same polygon under different plot ids
    are named as such (one polygon under one id is a duplicate id, rejected by the validation). One note
    counts the pairs and the area counted more than once (the areas of the parcels involved less the area of
    their union)."""
    import shapely

    poly = usable & geom.geom_type.isin(_POLYGONAL).to_numpy()
    idx = np.flatnonzero(poly)
    if len(idx) < 2:
        return []
    crs_ea = equal_area_crs(*_layer_centre(geom[usable]))
    g = geom.iloc[idx].to_crs(crs_ea).to_numpy()
    # candidate pairs by bounding boxes (fast); a pair whose boxes overlap by no more than the share of the
    # smaller polygon cannot overlap by more (the polygons' overlap lies within the boxes'): parcels that
    # only touch, most neighbours of a land survey, are dropped before any polygon is intersected
    lo, hi = shapely.STRtree(g).query(g)
    keep = lo < hi
    lo, hi = lo[keep], hi[keep]
    area = shapely.area(g)
    box = shapely.bounds(g)
    wide = np.minimum(box[lo, 2], box[hi, 2]) - np.maximum(box[lo, 0], box[hi, 0])
    tall = np.minimum(box[lo, 3], box[hi, 3]) - np.maximum(box[lo, 1], box[hi, 1])
    keep = np.clip(wide, 0, None) * np.clip(tall, 0, None) > OVERLAP_SHARE_FRAC * np.minimum(area[lo], area[hi])
    lo, hi = lo[keep], hi[keep]
    if not len(lo):
        return []
    shared = shapely.area(shapely.intersection(g[lo], g[hi]))
    share = shared / np.minimum(area[lo], area[hi])
    canon = _canonical_columns(table)
    ids = (table[canon["plot_id"]].astype(str).str.strip().to_numpy(object) if "plot_id" in canon
           else np.full(len(table), "", dtype=object))
    out, n_pairs, involved = [], 0, set()
    expected = Message.of("exp.no_overlap")
    for i, j, ha, sh in zip(idx[lo], idx[hi], shared / 1.0e4, share, strict=True):
        same = shape_key[i] is not None and shape_key[i] == shape_key[j]
        if same and ids[i] == ids[j]:
            continue  # one polygon under one id: a duplicate plot id (the validation rejects both)
        if not same and not sh > OVERLAP_SHARE_FRAC:
            continue
        n_pairs += 1
        involved.add((int(np.searchsorted(idx, i)), int(np.searchsorted(idx, j))))
        for me, other in ((i, j), (j, i)):
            problem = (Message.of("geo.same_polygon", fid=fid[me], other=fid[other], id=str(ids[other]),
                                  ha=float(ha)) if same
                       else Message.of("geo.overlap", fid=fid[me], other=fid[other], id=str(ids[other]),
                                       ha=float(ha), share=float(sh)))
            out.append(dict(row=int(me), column="geometry", value=f"FID {fid[me]}", problem=problem,
                            expected=expected))
    if n_pairs:  # the area counted more than once: the parcels' areas less the area they cover together,
        # each group of parcels overlapping one another united on its own (a few parcels each)
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        pa = np.array([p for p, _ in involved], dtype=np.int64)
        pb = np.array([q for _, q in involved], dtype=np.int64)
        nodes = np.unique(np.concatenate([pa, pb]))
        ia, ib = np.searchsorted(nodes, pa), np.searchsorted(nodes, pb)
        _, label = connected_components(coo_matrix((np.ones(len(ia)), (ia, ib)), shape=(len(nodes),) * 2),
                                        directed=False)
        covered = sum(float(shapely.area(shapely.union_all(g[nodes[label == c]]))) for c in np.unique(label))
        twice = (float(area[nodes].sum()) - covered) / 1.0e4
        notes.append(Note(Message.of("geo.overlaps", file=name, n=n_pairs, ha=twice, frac=OVERLAP_SHARE_FRAC)))
    return sorted(out, key=lambda r: r["row"])


def _canonical_columns(table: pd.DataFrame) -> dict[str, str]:
    out = {}
    for c in table.columns:
        h = read_header(c)
        if h.error is None and h.canonical not in out:
            out[h.canonical] = c
    return out


def _add_geometry_columns(table: pd.DataFrame, geom, usable: np.ndarray, fid: np.ndarray,
                          notes: list[str], name: str) -> None:
    """area_ha / geometry_area_ha, lat and lon from the geometry of the usable features."""
    if not usable.any():
        return
    lon0, lat0 = _layer_centre(geom[usable])
    crs_ea = equal_area_crs(lon0, lat0)
    area = np.full(len(table), np.nan)
    area[usable] = areas_ha(geom[usable], crs_ea)
    has_area = np.isfinite(area)
    canon = _canonical_columns(table)
    method = Message.of("geo.laea", lon=printed(lon0, 4), lat=printed(lat0, 4))
    if has_area.any():
        if "area_ha" in canon:
            col = canon["area_ha"]
            h = read_header(col)
            given = _number(table[col]) * (h.factor or 1.0)
            table["geometry_area_ha"] = np.where(has_area, pd.Series(area).map(_fmt), "")
            missing = np.flatnonzero(has_area & ~(given > 0))  # blank, zero or negative beside a polygon
            fill_note = None
            if len(missing):
                filled = table[col].to_numpy(object).copy()
                filled[missing] = [_fmt(area[i] / (h.factor or 1.0)) for i in missing]
                table[col] = filled
                given[missing] = area[missing]
                shown = ", ".join(f"FID {fid[i]}" for i in missing[:10]) + (" …" if len(missing) > 10 else "")
                fill_note = Note(Message.of("geo.area_filled", file=name, field=repr(col), n=len(missing),
                                            features=shown))
            rel = np.abs(given - area) / area
            off = np.flatnonzero(has_area & np.isfinite(rel) & (rel > AREA_MISMATCH_FRAC))
            notes.append(Note(Message.of("geo.area_column", file=name, field=repr(col), method=method)))
            if fill_note is not None:
                notes.append(fill_note)
            if len(off):
                unit = h.unit or h.assumed or "ha"  # 面积 without a unit: 亩
                text = table[col].to_numpy(object)
                table.attrs["row_warnings"] = [dict(
                    row=int(i), column=col, value=str(text[i]),
                    problem=Message.of("geo.area_row", fid=fid[i], unit=unit, frac=AREA_MISMATCH_FRAC,
                                       given=float(given[i] / (h.factor or 1.0)),
                                       geometry=float(area[i] / (h.factor or 1.0))),
                    expected=Message.of("exp.area_polygon", frac=AREA_MISMATCH_FRAC)) for i in off]
                shown = None  # the first ten features, as one list message
                for i in off[:10][::-1]:
                    pair = Message.of("geo.area_pair", fid=fid[i], given=float(given[i]), geometry=float(area[i]))
                    shown = pair if shown is None else Message.of("geo.area_pairs", first=pair, rest=shown)
                notes.append(Note(Message.of("geo.area_mismatch", file=name, n=len(off), frac=AREA_MISMATCH_FRAC,
                                             features=shown,
                                             more=Message.of("geo.more") if len(off) > 10 else Message())))
        else:
            table["area_ha"] = np.where(has_area, pd.Series(area).map(_fmt), "")
            notes.append(Note(Message.of("geo.area_computed", file=name, method=method)))
    if "lat" not in canon and "lon" not in canon:
        import geopandas as gpd

        pts = gpd.GeoSeries(geom[usable].to_crs(crs_ea).centroid, crs=crs_ea).to_crs(DEGREES_CRS)
        lat = np.full(len(table), "", dtype=object)
        lon = np.full(len(table), "", dtype=object)
        lat[usable] = [f"{v:.6f}" for v in pts.y.to_numpy()]
        lon[usable] = [f"{v:.6f}" for v in pts.x.to_numpy()]
        table["lat"], table["lon"] = lat, lon
        notes.append(Note(Message.of("geo.centroids", file=name)))


def _fmt(v: float) -> str:
    """An area as the table's text: 6 significant digits, never in scientific notation (a sliver's
    7.99863e-05 ha is 0.0000799863, as a spreadsheet or GIS shows it).

    >>> _fmt(7.99863e-05), _fmt(0.5998961), _fmt(123456.78), _fmt(float("nan"))
    ('0.0000799863', '0.599896', '123457', '')
    """
    if not np.isfinite(v):
        return ""
    return np.format_float_positional(v, precision=6, unique=False, fractional=False, trim="-")


# ---------------------------------------------------------------------------- regions
def read_regions(path: str | Path, name_field: str | None = None, layer: str | int | None = None):
    """Region polygons with a name field.

    Parameters
    ----------
    path : str or Path
        GIS file of polygons (counties, townships …).
    name_field : str, optional
        Attribute holding the region name; default the first of ``name``, ``NAME``, ``名称``,
        ``county``, ``县``, … present, else an error listing the fields.
    layer : str or int, optional
        Layer of a file with several.

    Returns
    -------
    geopandas.GeoDataFrame
        ``region`` (name, text) and ``geometry``, in file order (index = FID order). Its
        ``attrs`` hold the layer's own ``title`` and ``description`` (GeoPackage
        ``identifier`` and ``description``; empty when the layer has none): the sample
        ``regions.gpkg`` says there that its polygons are illustrative, not official
        boundaries, and the map legend shows the title.
    """
    lay = read_layer(path, layer=layer)
    try:
        import pyogrio

        meta = pyogrio.read_info(_source(Path(path)), layer=lay.name).get("layer_metadata") or {}
    except Exception:  # noqa: BLE001 - the metadata only labels the regions; the layer was read
        meta = {}
    t = lay.table
    fields = [c for c in t.columns if c not in ("area_ha", "geometry_area_ha", "lat", "lon")]
    field_ = name_field
    if field_ is None:
        pref = ("name", "region", "名称", "county", "县", "县名", "区县", "township", "乡镇", "xzqmc")
        field_ = next((c for p in pref for c in fields if c.lower() == p), None)
        if field_ is None:
            raise InputFileError(f"{Path(path).name}: no region name field found: choose one with "
                                 f"--region-field from {', '.join(fields) or '(no fields)'}")
    elif field_ not in t.columns:
        raise InputFileError(f"{Path(path).name} has no field {field_!r}: its fields are {', '.join(fields)}")
    import geopandas as gpd

    ok = lay.usable & lay.geometry.geom_type.isin(_POLYGONAL).to_numpy()
    if not ok.any():
        raise InputFileError(f"{Path(path).name}: no valid region polygon")
    out = gpd.GeoDataFrame({"region": t[field_].to_numpy(object)[ok], "region_order": np.flatnonzero(ok)},
                           geometry=lay.geometry.to_numpy()[ok], crs=lay.crs)
    out.attrs.update(title=str(meta.get("IDENTIFIER") or "").strip(),
                     description=str(meta.get("DESCRIPTION") or "").strip())
    return out


def assign_regions(geometry, regions) -> np.ndarray:
    """Region of each plot: the region polygon holding its representative point.

    Parameters
    ----------
    geometry : geopandas.GeoSeries
        Plot geometries (any CRS; reprojected to the regions' CRS).
    regions : geopandas.GeoDataFrame
        ``region`` names and polygons, in priority order (:func:`read_regions`).

    Returns
    -------
    numpy.ndarray of object
        Region name per plot; :data:`OUTSIDE` for a point in no region. A point on a
        boundary shared by several regions goes to the first region (lowest FID).
    """
    import geopandas as gpd

    pts = gpd.GeoDataFrame(geometry=geometry.to_crs(regions.crs).representative_point(), crs=regions.crs)
    pts["_i"] = np.arange(len(pts))
    j = gpd.sjoin(pts, regions[["region", "region_order", "geometry"]], how="inner", predicate="intersects")
    j = j.sort_values(["_i", "region_order"], kind="stable").drop_duplicates("_i")
    out = np.full(len(pts), OUTSIDE, dtype=object)
    out[j["_i"].to_numpy(int)] = j["region"].to_numpy(object)
    return out


def region_totals(summary: pd.DataFrame, region: np.ndarray, tables=None) -> pd.DataFrame:
    """Area by soil class and by recommended option, money and carbon totals per region.

    The amounts are those every total of the plan adds (:func:`agriremed.stages.seasons.counted_once`, as
    the report): a field (``field_id``) of several season rows counts its area once, and a whole-year option
    on several season rows of one field (``same_plan_as``) its money and carbon once, with the field's first
    such row.

    Parameters
    ----------
    summary : pandas.DataFrame
        Plan summary (``area_ha``, ``soil_class``, ``recommended_option``,
        ``npv_vs_baseline_cny_ha``, ``net_co2e_t``; ``plot_id`` and ``field_id`` where present).
    region : array-like
        Region of each summary row.
    tables : Tables, optional
        Literature tables of the plan (``options.csv``: the whole-year options).

    Returns
    -------
    pandas.DataFrame
        One row per region: ``region``, ``plots`` (summary rows), ``area_ha`` [ha],
        ``area_<soil class>_ha`` [ha], ``area_rec_<option>_ha`` [ha] (``none`` for plots
        where no option applies), ``npv_vs_baseline_cny`` [CNY] (NPV relative to doing
        nothing × area, over plots with a value), ``net_co2e_t`` [t CO₂e] of the
        recommended options over the horizon.

    Examples
    --------
    >>> s = pd.DataFrame({"area_ha": [1.0, 2.0, 4.0], "recommended_option": ["a", None, "a"],
    ...                   "soil_class": ["strict_control", "safe_utilisation", "strict_control"],
    ...                   "npv_vs_baseline_cny_ha": [10.0, 20.0, float("nan")],
    ...                   "net_co2e_t": [1.0, 2.0, 3.0]})
    >>> r = region_totals(s, ["X", "X", "Y"])
    >>> r[["region", "area_ha", "area_rec_a_ha", "npv_vs_baseline_cny"]].values.tolist()
    [['X', 3.0, 1.0, 50.0], ['Y', 4.0, 4.0, 0.0]]
    """
    once = counted_once(summary, tables)
    d = pd.DataFrame({"region": np.asarray(region, object), "area_ha": once["area_ha"].to_numpy(float),
                      "area_class": once["area_class_ha"].to_numpy(float),
                      "area_option": once["area_option_ha"].to_numpy(float),
                      "soil_class": summary["soil_class"].to_numpy(object),
                      "rec": summary["recommended_option"].astype(object).where(
                          summary["recommended_option"].notna(), "none").to_numpy(object),
                      "npv": once["npv_cny"].to_numpy(float), "co2": once["co2e_t"].to_numpy(float)})
    g = d.groupby("region", sort=True)
    out = pd.DataFrame({"plots": g.size(), "area_ha": g["area_ha"].sum()})
    for cls in ("priority_protection", "safe_utilisation", "strict_control"):
        out[f"area_{cls}_ha"] = d.loc[d["soil_class"] == cls].groupby("region")["area_class"].sum()
    for opt in sorted(d["rec"].unique()):
        out[f"area_rec_{opt}_ha"] = d.loc[d["rec"] == opt].groupby("region")["area_option"].sum()
    area_cols = [c for c in out.columns if c.startswith("area_") and c != "area_ha"]
    out[area_cols] = out[area_cols].fillna(0.0)
    out["npv_vs_baseline_cny"] = g["npv"].sum()
    out["net_co2e_t"] = g["co2"].sum()
    return out.rename_axis("region").reset_index()


# ---------------------------------------------------------------------------- geometry of plots
def plot_geometry(layer: Layer, plots: pd.DataFrame):
    """Geometry of planned plots, in the layer's CRS, index = ``plot_id``.

    Parameters
    ----------
    layer : Layer
        The layer the plots were read from.
    plots : pandas.DataFrame
        Valid plots with ``input_row`` (1-based row of ``layer.table``) and ``plot_id``; none (a layer
        whose plot id field is missing: every row rejected) gives an empty series.
    """
    import geopandas as gpd

    if not len(plots) or "plot_id" not in plots.columns:  # no plot planned (a layer without a plot id field)
        return gpd.GeoSeries([], index=pd.Index([], dtype=object, name="plot_id"), crs=layer.crs)
    rows = plots["input_row"].to_numpy(int) - 1
    return gpd.GeoSeries(layer.geometry.to_numpy()[rows], index=pd.Index(plots["plot_id"].to_numpy(object),
                                                                             name="plot_id"), crs=layer.crs)


def layer_centre(layer: Layer) -> tuple[float, float] | None:
    """Centre of the bounds of a layer's usable features in CGCS2000 degrees, (lat, lon); None without one."""
    usable = np.asarray(layer.usable, bool)
    if not usable.any():
        return None
    lon, lat = _layer_centre(layer.geometry[usable])
    return lat, lon


def plot_id_column(table: pd.DataFrame) -> str | None:
    """The header of a layer's table read as ``plot_id`` (地块编码, TBBH …); None without one."""
    return next((c for c in table.columns if read_header(c).canonical == "plot_id"), None)


def rejected_features(layer: Layer, rejected: pd.DataFrame):
    """The rejected features of a layer with their reasons, for the ``rejected`` layer of ``plan.gpkg``.

    Parameters
    ----------
    layer : Layer
        The layer the plots were read from.
    rejected : pandas.DataFrame
        Rejected rows (:attr:`agriremed.io.validate.Validation.rejected`: ``input_row``, 1-based row of
        ``layer.table``, and ``reasons``), the reasons in the language of the run.

    Returns
    -------
    geopandas.GeoDataFrame
        ``input_fid`` (the feature id in the input layer; not ``fid``, which a GeoPackage takes as its own
        feature id), ``input_row``, ``plot_id`` (text, blank without one) and ``reasons`` per rejected feature,
        with its geometry as in the layer (empty or invalid ones too), in the layer's CRS.
    """
    import geopandas as gpd

    rows = rejected["input_row"].to_numpy(int) - 1
    col = plot_id_column(layer.table)
    ids = (layer.table[col].astype(str).str.strip().to_numpy(object)[rows] if col is not None
           else np.full(len(rows), "", dtype=object))
    return gpd.GeoDataFrame({"input_fid": np.asarray(layer.fid)[rows].astype(np.int64), "input_row": rows + 1,
                             "plot_id": ids, "reasons": rejected["reasons"].astype(str).to_numpy(object)},
                            geometry=layer.geometry.to_numpy()[rows], crs=layer.crs)


def rejected_geometry(layer: Layer, rejected: pd.DataFrame):
    """The geometry of the rejected features that can be drawn, indexed by their plot id, or ``FID n`` where they
    have none (for the map's grey parcels): the usable ones and the invalid polygons and points (a bow-tie, a ring
    not closed …, rejected for that; drawn as they are, so that the parcel to repair is seen where it lies), not
    the empty ones or those of another geometry type."""
    f = rejected_features(layer, rejected)
    rows = f["input_row"].to_numpy(int) - 1
    g = layer.geometry
    drawable = (~(g.isna() | g.is_empty).to_numpy() & g.geom_type.isin(_POLYGONAL + _PUNCTUAL).to_numpy())[rows]
    label = [i if i else f"FID {n}" for i, n in zip(f["plot_id"], f["input_fid"], strict=True)]
    return f.set_index(pd.Index(label, name="plot_id")).geometry[drawable]


def to_wgs84_geojson(geometry, simplify_m: float | None = None) -> dict:
    """A GeoJSON FeatureCollection in degrees (EPSG:4326), feature id = index (plot id)."""
    import json

    g = geometry.to_crs("EPSG:4326")
    if simplify_m:
        g = g.simplify(simplify_m / 111_000.0)
    return json.loads(g.to_json())


def write_plan_layers(path: str | Path, summary: pd.DataFrame, geometry, table: pd.DataFrame | None = None,
                      all_options_max_rows: int = 200_000, append: bool = False, rejected=None) -> Path:
    """Write ``plan.gpkg``: layer ``plots`` (summary + geometry), ``plot_options`` and, where features were
    rejected, ``rejected`` (their FID, row, plot id, reasons and geometry: :func:`rejected_features`).

    Parameters
    ----------
    path : str or Path
        GeoPackage to write (replaced unless ``append``).
    summary : pandas.DataFrame
        One row per plot (``plot_id`` first).
    geometry : geopandas.GeoSeries
        Plot geometry indexed by ``plot_id``, in the layer's original CRS.
    table : pandas.DataFrame, optional
        Plot × option rows; above ``all_options_max_rows`` rows only the recommended rows
        are written (layer ``recommended``).
    all_options_max_rows : int
        Most plot × option rows written with geometry.
    append : bool
        Add to the layers already in ``path`` (chunked writing).
    rejected : geopandas.GeoDataFrame, optional
        The rejected features (:func:`rejected_features`): layer ``rejected``.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    if not append and path.exists():
        path.unlink()

    if rejected is not None and len(rejected):
        import pyogrio

        pyogrio.write_dataframe(rejected, path, layer="rejected", driver="GPKG", append=append,
                                promote_to_multi=True)
        append = True
    if summary is None or not len(summary):
        return path
    _write_layer(path, summary, geometry, "plots", append)
    if table is not None:
        if len(table) <= all_options_max_rows:
            _write_layer(path, table, geometry, "plot_options", append)
        else:
            _write_layer(path, table.loc[table["recommended"].fillna(False).astype(bool)], geometry,
                         "recommended", append)
    return path


def held_mb(layer: Layer) -> float:
    """Memory the layer holds while its plots are planned [MB]: the attribute table (deep) plus
    the geometry (coordinates, 16 bytes each, and about 200 bytes per geometry object), times
    :data:`HELD_FACTOR`.

    The CLI passes it to :func:`agriremed.engine.stream.chunk_size_for` (``held_mb``), which takes it
    off ``--memory`` before it sizes the chunks: a GIS input gets smaller chunks than the same
    plots in a table. The chunks themselves hold the attribute text only (the geometry stays
    with the layer); the region join (a representative point per plot, measured +6 MB per
    100 000 parcels) and plan.gpkg, written after the chunks in batches of one chunk's rows
    (measured +334 MB over the memory left after planning for batches of 20 000 rows, about
    17 kB per row against 230 kB per plot while planning), stay below the planning peak and need
    no term of their own.

    Examples
    --------
    100 000 squares (5 coordinates each) with 26 attribute columns of 42 MB (deep):
    3.2 × (42.5 MB + 100 000 × (5 × 16 + 200) B) = 225 MB.
    """
    import shapely

    table = float(layer.table.memory_usage(deep=True).sum())
    geoms = layer.geometry.to_numpy()
    geometry = 16.0 * float(shapely.get_num_coordinates(geoms).sum()) + 200.0 * len(geoms)
    return HELD_FACTOR * (table + geometry) / 1.0e6


#: Resident memory of a layer read by :func:`read_layer` over its estimate from the table and the
#: coordinates (measured on 100 000 square parcels with 29 attributes: estimate 70 MB, resident
#: memory up by 223 MB once the layer was read, the GIS libraries included; re-measured
#: 2026-12-05 with ``bench/bench_geo.py --phases`` on 100 000 parcels with 26 attributes: estimate
#: 70 MB, resident memory 393 → 528 MB after reading (+135 MB), 598 MB at the peak of reading).
HELD_FACTOR = 3.2


def geometry_by_id(layer: Layer):
    """Geometry of the layer's usable features indexed by their plot id text (stripped), for
    joining outputs that carry ``plot_id`` only (chunked plans); features without a usable
    geometry or a plot id are left out."""
    import geopandas as gpd


    col = next((c for c in layer.table.columns if read_header(c).canonical == "plot_id"), None)
    if col is None:
        return gpd.GeoSeries([], crs=layer.crs)
    ids = layer.table[col].astype(str).str.strip().to_numpy(object)
    keep = layer.usable & (ids != "")
    g = gpd.GeoSeries(layer.geometry.to_numpy()[keep], index=pd.Index(ids[keep], name="plot_id"),
                      crs=layer.crs)
    return g[~g.index.duplicated(keep=False)]


def write_plan_layers_chunked(path: str | Path, geometry, summary_path: str | Path | None,
                              plan_path: str | Path | None = None, batch_rows: int = 20_000,
                              rejected=None) -> Path:
    """Write ``plan.gpkg`` from the Parquet plan and summary of a chunked run, batch by batch.

    Layer ``plots``: every summary row with its geometry; layer ``recommended``: the plan
    rows of the recommended options; layer ``rejected``, where features were rejected: the rejected
    features with their reasons (``rejected``, :func:`rejected_features`), as :func:`write_plan_layers`
    writes it. Only one batch of rows is in memory at a time; the
    geometry (``geometry``, indexed by plot id) is joined by ``plot_id``.
    """
    import pyarrow.parquet as pq

    path = Path(path)
    if path.exists():
        path.unlink()
    if rejected is not None and len(rejected):
        write_plan_layers(path, None, geometry, rejected=rejected)
    for src, layer in ((summary_path, "plots"), (plan_path, "recommended")):
        if src is None or not Path(src).exists():
            continue
        wrote = False
        for batch in pq.ParquetFile(src).iter_batches(batch_size=batch_rows):
            df = batch.to_pandas()
            if layer == "recommended":
                df = df.loc[df["recommended"].fillna(False).astype(bool)]
            if not len(df) and wrote:
                continue
            _write_layer(path, df, geometry, layer, append=wrote)
            wrote = True
    return path


def _write_layer(path: Path, df: pd.DataFrame, geometry, layer: str, append: bool) -> None:
    import geopandas as gpd
    import pyogrio

    g = geometry.reindex(df["plot_id"].astype(str).to_numpy(object))
    out = gpd.GeoDataFrame(_plain(df), geometry=g.to_numpy(), crs=geometry.crs)
    pyogrio.write_dataframe(out, path, layer=layer, driver="GPKG", append=append, promote_to_multi=True,
                            use_arrow=True)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Columns a GeoPackage can hold (text for objects and categories, no index)."""
    out = df.reset_index(drop=True).copy()
    for c in out.columns:
        s = out[c]
        if isinstance(s.dtype, pd.CategoricalDtype) or s.dtype == object:
            na = s.isna().to_numpy()
            text = s.astype(str).to_numpy(object)
            text[na] = None
            out[c] = text
        elif pd.api.types.is_bool_dtype(s) and s.isna().any():
            out[c] = s.astype(object)
    return out
