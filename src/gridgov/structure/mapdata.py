"""What the structure can draw on a map without tiles: roads, compounds and buildings in a box.

There is no street map offline, but grids are drawn along roads (网格以道路、河流为界), so the
borders of the units are the roads the platform knows: where streets/towns meet, a main road (rank
1); between communities, a road (rank 2); between grids, a lane (rank 3). The demo's synthetic
district is cut the same way, so its borders are its road network. They are derived once per
process and district from the boundaries, again whenever the places' stamp moves (a unit changed,
in any process: ``core.stamps``).

A building has no point of its own: it stands in its micro-grid (楼栋网格), so a map marks each
micro-grid's point with the names of its buildings. A compound is at its own centre when the
registry has one, else amid its buildings.
"""
from collections import defaultdict
from dataclasses import dataclass

import shapely
from django.db.models import Q
from shapely.geometry import LineString, MultiLineString, Point, box, shape

from gridgov.core.stamps import StampedCache

from .models import Building, Compound, Unit, UnitKind
from .services import PLACES_STAMP

DECIMALS = 6
ROAD_RANKS = {UnitKind.STREET: 1, UnitKind.COMMUNITY: 2, UnitKind.GRID: 3}
#: A box wider or taller than this (degrees, about 10 km) gets main roads and roads only: lanes,
#: compounds and buildings would be too many to draw and too small to read.
DETAIL_SPAN = 0.1


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    @property
    def detailed(self) -> bool:
        return self.east - self.west <= DETAIL_SPAN and self.north - self.south <= DETAIL_SPAN

    def holds(self, lat: float, lng: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lng <= self.east


def unit_point(unit: Unit) -> tuple[float, float] | None:
    """(lat, lng) of a point inside the unit: its centre when that lies inside its boundary, else a
    point the boundary surely holds; its centre alone without a boundary; None with neither."""
    centre = (unit.center_lat, unit.center_lng) if unit.center_lat is not None and unit.center_lng is not None else None
    if not unit.boundary:
        return centre
    polygon = shape(unit.boundary)
    if centre and polygon.contains(Point(centre[1], centre[0])):
        return centre
    inside = polygon.representative_point()
    return round(inside.y, DECIMALS), round(inside.x, DECIMALS)


def _build_roads(district_code: str) -> list[tuple[int, object]]:
    borders = defaultdict(list)
    for unit in Unit.objects.filter(district_code=district_code, kind__in=list(ROAD_RANKS), boundary__isnull=False) \
            .only("kind", "boundary"):
        borders[ROAD_RANKS[unit.kind]].append(shape(unit.boundary).boundary)
    # Each border once: two neighbours share it, and a grid's border on its community's is the road's.
    roads, drawn = [], None
    for rank in sorted(borders):
        lines = shapely.line_merge(shapely.union_all(borders[rank]))
        if drawn is not None:
            lines = lines.difference(drawn.buffer(1e-7))
        roads.append((rank, lines))
        drawn = lines if drawn is None else drawn.union(lines)
    return roads


_roads = StampedCache(PLACES_STAMP, _build_roads)


def _lines(geometry) -> list[list[list[float]]]:
    if isinstance(geometry, LineString):
        parts = [geometry]
    elif isinstance(geometry, MultiLineString):
        parts = list(geometry.geoms)
    else:  # a clip can leave points or a collection
        parts = [part for part in getattr(geometry, "geoms", []) if isinstance(part, LineString)]
    return [[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in part.coords] for part in parts if not part.is_empty]


def roads_in(district_code: str, area: Box) -> list[dict]:
    """``{"rank", "path"}`` for each piece of road inside the box (lanes only in a detailed box)."""
    roads = _roads.get(district_code)
    rect = box(area.west, area.south, area.east, area.north)
    return [{"rank": rank, "path": path} for rank, lines in roads if rank < 3 or area.detailed
            for path in _lines(lines.intersection(rect))]


def _centre_in(area: Box, path: str = ""):
    """Rows whose centre lies in the box, or that have none (their point is worked out)."""
    return (Q(**{f"{path}center_lat__range": (area.south, area.north), f"{path}center_lng__range": (area.west, area.east)})
            | Q(**{f"{path}center_lat__isnull": True}))


def buildings_in(district_code: str, area: Box) -> list[dict]:
    """One mark per micro-grid inside the box that has buildings: its point, its code and the names
    of its buildings (with their compounds')."""
    micros = {unit.pk: unit for unit in Unit.objects.filter(
        _centre_in(area), district_code=district_code, kind=UnitKind.MICROGRID, buildings__isnull=False).distinct()
        .only("code", "short_name", "boundary", "center_lat", "center_lng")}
    names = defaultdict(list)
    for compound, name, micro in Building.objects.filter(microgrid__in=list(micros)) \
            .values_list("compound__name", "name", "microgrid_id").order_by("compound__name", "name"):
        names[micro].append(f"{compound} {name}")
    marks = []
    for micro in micros.values():
        point = unit_point(micro)
        if point and area.holds(*point):
            marks.append({"code": micro.code, "grid": micro.short_name, "lat": point[0], "lng": point[1],
                          "names": names[micro.pk]})
    return marks


def compound_points(compounds) -> dict[int, tuple[float, float]]:
    """(lat, lng) per compound id: its own centre, else the middle of its buildings' micro-grids."""
    compounds = list(compounds)
    amid = defaultdict(list)
    for building in Building.objects.filter(compound__in=[c for c in compounds if c.center_lat is None]) \
            .select_related("microgrid").only("compound_id", "microgrid__boundary", "microgrid__center_lat",
                                              "microgrid__center_lng"):
        point = unit_point(building.microgrid)
        if point:
            amid[building.compound_id].append(point)
    points = {}
    for compound in compounds:
        if compound.center_lat is not None and compound.center_lng is not None:
            points[compound.pk] = (compound.center_lat, compound.center_lng)
        elif amid[compound.pk]:
            found = amid[compound.pk]
            points[compound.pk] = (round(sum(p[0] for p in found) / len(found), DECIMALS),
                                   round(sum(p[1] for p in found) / len(found), DECIMALS))
    return points


def compounds_in(district_code: str, area: Box) -> list[dict]:
    """``{"name", "kind", "lat", "lng"}`` for each compound whose point lies inside the box."""
    compounds = Compound.objects.filter(_centre_in(area), grid__district_code=district_code).only("pk", "name", "kind", "center_lat",
                                                                                 "center_lng")
    points = compound_points(compounds)
    return [{"name": compound.name, "kind": compound.kind, "lat": points[compound.pk][0], "lng": points[compound.pk][1]}
            for compound in compounds if compound.pk in points and area.holds(*points[compound.pk])]
