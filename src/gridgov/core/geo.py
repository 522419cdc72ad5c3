"""Geography every app shares: distances on the Earth, the box around a circle (so a database
filters on two indexed ranges before any distance is computed), and an in-memory point-in-polygon
index over shapes (a Shapely STRtree), so that finding the shapes holding a point costs a tree
query, not a scan. Points are (latitude, longitude) in degrees (WGS 84); shapes are GeoJSON
geometries, whose coordinates are (longitude, latitude).

Datums. The platform stores WGS 84 (what GPS and a browser's geolocation give, and what the unit
boundaries are drawn in), but maps in China show other datums: GCJ-02 (Amap/高德, Tencent/腾讯,
Google China) and BD-09 (Baidu/百度, GCJ-02 shifted once more). A point from such a map is
300–600 m off in Chengdu — often another grid. :func:`to_wgs84` turns a point given in any of them
into WGS 84; it is called once, where a report becomes a case
(:func:`gridgov.cases.services.filing.report`), which records the datum the point came in.
"""
import math
from collections.abc import Callable, Hashable, Iterable

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely import STRtree
from shapely.geometry import Point, shape

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180  # of latitude, and of longitude at the equator


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lng, max lng) of a square around the point that holds the circle."""
    dlat = radius_m / METRES_PER_DEGREE
    dlng = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


class ShapeIndex:
    """Shapes, each with a key, that answer which of them hold a point. Built once from
    ``(key, GeoJSON geometry)`` pairs; a point on a shared border is in both shapes."""

    def __init__(self, shapes: Iterable[tuple[Hashable, dict]]):
        pairs = [(key, shape(geometry)) for key, geometry in shapes]
        self.keys = [key for key, _geometry in pairs]
        self.tree = STRtree([geometry for _key, geometry in pairs])

    def __len__(self) -> int:
        return len(self.keys)

    def containing(self, lat: float, lng: float) -> list:
        """The keys of the shapes that hold the point (in the tree's order, not the given one)."""
        return [self.keys[i] for i in self.tree.query(Point(lng, lat), predicate="intersects")]


# -- datums ----------------------------------------------------------------------------------------
class Datum(TextChoices):
    WGS84 = "wgs84", gettext_lazy("WGS 84 (GPS)")
    GCJ02 = "gcj02", gettext_lazy("GCJ-02 (Amap, Tencent)")
    BD09 = "bd09", gettext_lazy("BD-09 (Baidu)")


#: What an API's ``datum`` field says.
DATUM_HELP = ("The datum of lat/lng: wgs84 (GPS, the default), gcj02 (Amap, Tencent) or bd09 (Baidu). The point is "
              "converted to WGS 84, which is what the case keeps.")


def parse_datum(value) -> Datum:
    """A datum from its code, written as people write it (``GCJ-02``, ``wgs_84``, ``BD09``); empty or
    None is WGS 84. Anything else is refused (ValidationError, code ``datum``)."""
    text = str(value or "").strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    if not text:
        return Datum.WGS84
    if text not in Datum.values:
        raise ValidationError(_("Unknown coordinate datum “%(datum)s”: use wgs84, gcj02 or bd09.") % {
            "datum": str(value)[:20]}, code="datum")
    return Datum(text)


# GCJ-02: the published (public-domain) "transform" of the Krasovsky 1940 ellipsoid's constants.
KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323
# BD-09's rotation and scale of GCJ-02.
X_PI = math.pi * 3000.0 / 180.0
#: The inverse transforms iterate until the forward transform of their answer misses the given
#: point by less than this (1e-9° is about 0.1 mm; the closed-form one-step inverse misses by metres).
INVERSE_TOLERANCE = 1e-9
INVERSE_ROUNDS = 20


def in_mainland_china(lat: float, lng: float) -> bool:
    """The rough box GCJ-02 is applied in (lng 72.004–137.8347, lat 0.8293–55.8271). Outside it
    GCJ-02 *is* WGS 84, which is how the Chinese map providers treat foreign points. The box also
    holds Taiwan, Mongolia and parts of neighbouring countries: the usual, deliberate simplification
    (the providers' own border test is not published), harmless for a district in Sichuan."""
    return 72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271


def _shift(x: float, y: float) -> tuple[float, float]:
    """GCJ-02's offset in "metres" before scaling, for x = lng − 105, y = lat − 35: (north, east)."""
    wave = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    north = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + wave
    north += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    north += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y / 30.0 * math.pi)) * 2.0 / 3.0
    east = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + wave
    east += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    east += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return north, east


def _wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if not in_mainland_china(lat, lng):
        return lat, lng
    north, east = _shift(lng - 105.0, lat - 35.0)
    phi = math.radians(lat)
    w = 1.0 - KRASOVSKY_EE * math.sin(phi) ** 2
    # Metres to degrees on the ellipsoid: the meridian's and the parallel's radius of curvature.
    dlat = north * 180.0 / (KRASOVSKY_A * (1.0 - KRASOVSKY_EE) / (w * math.sqrt(w)) * math.pi)
    dlng = east * 180.0 / (KRASOVSKY_A / math.sqrt(w) * math.cos(phi) * math.pi)
    return lat + dlat, lng + dlng


def _gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    radius = math.hypot(lng, lat) + 0.00002 * math.sin(lat * X_PI)
    angle = math.atan2(lat, lng) + 0.000003 * math.cos(lng * X_PI)
    return radius * math.sin(angle) + 0.006, radius * math.cos(angle) + 0.0065


def _inverse(forward: Callable[[float, float], tuple[float, float]], lat: float, lng: float) -> tuple[float, float]:
    """The point ``forward`` takes to (lat, lng). The shifts change slowly with the place, so moving a
    guess by what its image misses by converges fast (each round gains about three digits)."""
    guess_lat, guess_lng = lat, lng
    for _round in range(INVERSE_ROUNDS):
        image_lat, image_lng = forward(guess_lat, guess_lng)
        miss_lat, miss_lng = image_lat - lat, image_lng - lng
        if abs(miss_lat) < INVERSE_TOLERANCE and abs(miss_lng) < INVERSE_TOLERANCE:
            break
        guess_lat, guess_lng = guess_lat - miss_lat, guess_lng - miss_lng
    return guess_lat, guess_lng


def _wgs84_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    return _gcj02_to_bd09(*_wgs84_to_gcj02(lat, lng))


_FORWARD = {Datum.WGS84: lambda lat, lng: (lat, lng), Datum.GCJ02: _wgs84_to_gcj02, Datum.BD09: _wgs84_to_bd09}


def from_wgs84(lat: float, lng: float, datum) -> tuple[float, float]:
    """A WGS 84 point as a map in ``datum`` shows it (what a client of that datum would send)."""
    return _FORWARD[parse_datum(datum)](lat, lng)


def to_wgs84(lat: float, lng: float, datum) -> tuple[float, float]:
    """A point given in ``datum`` (a :class:`Datum` or its code) in WGS 84: the exact inverse of
    :func:`from_wgs84`, to within :data:`INVERSE_TOLERANCE`, not the one-step approximation that is
    off by metres. BD-09 is undone to GCJ-02 and that to WGS 84. An unknown datum is refused."""
    datum = parse_datum(datum)
    if datum == Datum.WGS84:
        return lat, lng
    if datum == Datum.BD09:
        lat, lng = _inverse(_gcj02_to_bd09, lat, lng)
    return _inverse(_wgs84_to_gcj02, lat, lng)
