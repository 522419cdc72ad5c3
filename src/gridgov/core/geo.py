"""Geography every app shares: distances on the Earth, the box around a circle (so a database
filters on two indexed ranges before any distance is computed), and an in-memory point-in-polygon
index over shapes (a Shapely STRtree), so that finding the shapes holding a point costs a tree
query, not a scan. Points are (latitude, longitude) in degrees (WGS 84); shapes are GeoJSON
geometries, whose coordinates are (longitude, latitude).
"""
import math
from collections.abc import Hashable, Iterable

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
