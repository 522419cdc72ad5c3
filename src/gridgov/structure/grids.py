"""Divide a district's communities into grids and micro-grids, and draw synthetic boundaries.

Official division data has codes and names but no shapes, and a map of grids needs shapes. So every
level that has no boundary gets a synthetic one: the district's real outline when it was imported
(``import-divisions --outline``, :mod:`.outlines`), else an irregular outline at the district's
approximate position, cut into streets, each street into its communities, each community into
its grids and each grid into its micro-grids, always as Voronoi cells of random points clipped to
the parent. Children tile their parent exactly, so a map never shows gaps or overlaps and a point
lies in exactly one unit of each level.

Everything is derived from ``random.Random(f"{seed}:{parent code}")``, one generator per parent:
the same seed gives the same codes, names and shapes, whichever levels already had a boundary.
"""
import json
import math
import random
from collections import Counter

import numpy as np
import shapely
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.utils.translation import gettext as _
from shapely.geometry import MultiPoint, Polygon, mapping, shape
from shapely.ops import voronoi_diagram
from tqdm import tqdm

from . import codes
from .models import Unit, UnitKind

DECIMALS = 6  # about 0.1 m; more would be false precision
TILING_TOLERANCE = 1e-9  # relative area
ATTEMPTS = 20
CANDIDATES = 8
MAX_CHILDREN = 999  # three code digits
CUT_SPACING = 0.001  # degrees, about 100 m: a cut's vertices are what the cuts of the level below snap to
# A grid is sized by households (a few hundred), and an urban community has far more households
# than a village, so it gets proportionally more grids and micro-grids.
URBAN_WEIGHT, VILLAGE_WEIGHT = 3, 1
KM_PER_DEGREE = 111.32
GEOMETRY_FIELDS = ["boundary", "center_lat", "center_lng"]

# Approximate centres (latitude, longitude) of the districts in the sample data …
DISTRICT_CENTRES = {
    "510113": (30.88, 104.25),  # 青白江区
    "510603": (31.13, 104.39),  # 旌阳区
    "451102": (24.41, 111.55),  # 八步区
    "451103": (24.46, 111.48),  # 平桂区
}
# … and, for any other district, its province's capital, which lies well inside the province.
PROVINCE_CENTRES = {
    "11": (39.90, 116.41), "12": (39.13, 117.20), "13": (38.04, 114.51), "14": (37.87, 112.55),
    "15": (40.84, 111.75), "21": (41.80, 123.43), "22": (43.82, 125.32), "23": (45.80, 126.53),
    "31": (31.23, 121.47), "32": (32.06, 118.80), "33": (30.27, 120.16), "34": (31.82, 117.23),
    "35": (26.07, 119.30), "36": (28.68, 115.86), "37": (36.65, 117.12), "41": (34.75, 113.63),
    "42": (30.59, 114.31), "43": (28.23, 112.94), "44": (23.13, 113.26), "45": (22.82, 108.37),
    "46": (20.04, 110.20), "50": (29.56, 106.55), "51": (30.57, 104.07), "52": (26.65, 106.63),
    "53": (25.04, 102.71), "54": (29.65, 91.13), "61": (34.34, 108.94), "62": (36.06, 103.83),
    "63": (36.62, 101.78), "64": (38.49, 106.23), "65": (43.83, 87.62),
}


class GridError(ValueError):
    """A refusal, with a message for the person who asked."""


def make_grids(district_code: str, grids: int, microgrids: int, seed: int = 0, replace: bool = False,
               progress: bool = False) -> str:
    """Create ``grids`` grids and ``microgrids`` micro-grids in the district; return the summary line.

    Every community gets at least one grid and every grid at least one micro-grid; the rest go to
    communities and grids in proportion to their weight (urban over village). Existing grids are
    only replaced when asked, and only if nothing refers to them. All or nothing: one transaction.
    """
    district = Unit.objects.filter(code=district_code, kind=UnitKind.DISTRICT).first()
    if district is None:
        raise GridError(_("District %(code)s does not exist; import it first with import-divisions.") % {
            "code": district_code})
    units = list(Unit.objects.subtree(district_code).filter(kind__in=[UnitKind.STREET, UnitKind.COMMUNITY]))
    communities = [unit for unit in units if unit.kind == UnitKind.COMMUNITY]
    if not communities:
        raise GridError(_("%(district)s has no communities; import them first with import-divisions.") % {
            "district": district})
    if grids < len(communities):
        raise GridError(_("%(district)s has %(communities)d communities and each needs a grid: at least "
                          "%(communities)d grids, not %(grids)d.") % {
            "district": district, "communities": len(communities), "grids": grids})
    if microgrids < grids:
        raise GridError(_("Each grid needs a micro-grid: at least %(grids)d micro-grids, not %(microgrids)d.") % {
            "grids": grids, "microgrids": microgrids})
    grid_counts = apportion(grids, [_weight(community) for community in communities])
    micro_counts = apportion(microgrids, [_weight(c) for c, n in zip(communities, grid_counts) for _i in range(n)])
    if max(grid_counts + micro_counts) > MAX_CHILDREN:
        raise GridError(_("A unit can have at most %(max)d children (three code digits).") % {"max": MAX_CHILDREN})

    with transaction.atomic():
        _remove_grids(district, replace)
        _draw_structure(district, units, seed)
        micro_per_grid = iter(micro_counts)
        for community, count in tqdm(list(zip(communities, grid_counts)), desc=_("communities"),
                                     disable=None if progress else True):
            grid_shapes = _split(_shape(community), count, random.Random(f"{seed}:{community.code}"))
            for number, grid_shape in enumerate(grid_shapes, start=1):
                grid = _create(community, number, f"{community.short_name}第{number}网格", UnitKind.GRID, grid_shape)
                micro_shapes = _split(grid_shape, next(micro_per_grid), random.Random(f"{seed}:{grid.code}"))
                for micro_number, micro_shape in enumerate(micro_shapes, start=1):
                    _create(grid, micro_number, f"{grid.name}第{micro_number}微网格", UnitKind.MICROGRID, micro_shape)
    return grid_summary(district)


def grid_summary(district: Unit) -> str:
    """``510113 青白江区: 83 grids, 420 micro-grids in 83 communities``, counted in the database."""
    counts = Unit.objects.subtree(district.code).aggregate(
        grids=Count("pk", filter=Q(kind=UnitKind.GRID)),
        microgrids=Count("pk", filter=Q(kind=UnitKind.MICROGRID)),
        communities=Count("pk", filter=Q(kind=UnitKind.COMMUNITY)),
    )
    return _("%(code)s %(name)s: %(grids)d grids, %(microgrids)d micro-grids in %(communities)d communities") % {
        "code": district.code, "name": district.name, **counts}


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` into one for each weight plus the rest in proportion to the weights, by
    largest remainder (ties go to the earlier one), so that the counts add up exactly."""
    extra, whole = total - len(weights), sum(weights)
    shares = [divmod(extra * weight, whole) for weight in weights]
    counts = [1 + quotient for quotient, _remainder in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: -shares[i][1])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _weight(community: Unit) -> int:
    return VILLAGE_WEIGHT if community.is_village else URBAN_WEIGHT


def _remove_grids(district: Unit, replace: bool) -> None:
    existing = Unit.objects.subtree(district.code).filter(kind__in=[UnitKind.GRID, UnitKind.MICROGRID])
    if not existing.exists():
        return
    if not replace:
        raise GridError(_("%(district)s already has grids; use --replace to draw them again.") % {"district": district})
    try:
        for kind in (UnitKind.MICROGRID, UnitKind.GRID):  # a parent is protected while it has children
            existing.filter(kind=kind).delete()
    except ProtectedError as error:
        records = Counter(str(obj._meta.verbose_name_plural) for obj in error.protected_objects)
        raise GridError(_("The grids of %(district)s cannot be replaced while other records refer to them "
                          "(%(records)s).") % {
            "district": district, "records": ", ".join(f"{name}: {n}" for name, n in sorted(records.items())),
        }) from error


def _draw_structure(district: Unit, units: list[Unit], seed: int) -> None:
    """Draw the district outline, its streets and their communities where they lack a boundary, and
    a centre for every unit that lacks one."""
    drawn = set()
    if not district.boundary:
        if district.code in DISTRICT_CENTRES:
            lat, lng = DISTRICT_CENTRES[district.code]
        elif codes.prefix(district.code, "province") in PROVINCE_CENTRES:
            lat, lng = PROVINCE_CENTRES[codes.prefix(district.code, "province")]
        else:
            raise GridError(_("No position is known for %(district)s, so no outline can be drawn.") % {
                "district": district})
        set_shape(district, _outline(lat, lng, random.Random(f"{seed}:{district.code}")))
        drawn.add(district.pk)
    children = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    for parent in [district] + [unit for unit in units if unit.kind == UnitKind.STREET]:
        kids = children.get(parent.pk, [])
        with_boundary = sum(1 for kid in kids if kid.boundary)
        if not kids or (with_boundary == len(kids) and parent.pk not in drawn):
            continue
        if with_boundary:  # some kids lack one, or the parent's is new: the old ones would not fit
            raise GridError(_("The units under %(unit)s cannot be drawn to fit it: some already have a "
                              "boundary.") % {"unit": parent})
        shapes = _split(_shape(parent), len(kids), random.Random(f"{seed}:{parent.code}"))
        for kid, kid_shape in zip(kids, shapes):
            set_shape(kid, kid_shape)
            drawn.add(kid.pk)
    for unit in [district, *units]:
        centre_missing = unit.center_lat is None
        if centre_missing:
            _set_centre(unit, _shape(unit))
        if centre_missing or unit.pk in drawn:
            unit.save(update_fields=GEOMETRY_FIELDS)


def _create(parent: Unit, number: int, name: str, kind: str, geometry) -> Unit:
    unit = Unit(code=f"{parent.code}{number:03d}", kind=kind, name=name, short_name=name, parent=parent)
    set_shape(unit, geometry)
    unit.save()
    return unit


def _shape(unit: Unit):
    return shape(unit.boundary)


def set_shape(unit: Unit, geometry) -> None:
    """Give the unit this boundary and a centre inside it (not saved)."""
    unit.boundary = json.loads(json.dumps(mapping(geometry)))  # tuples → lists, as the database returns it
    _set_centre(unit, geometry)


def _set_centre(unit: Unit, geometry) -> None:
    point = geometry.representative_point()
    unit.center_lat, unit.center_lng = round(point.y, DECIMALS), round(point.x, DECIMALS)


def _round(coordinates: np.ndarray) -> np.ndarray:
    return np.round(coordinates, DECIMALS)


def _outline(lat: float, lng: float, rng: random.Random) -> Polygon:
    """An irregular district outline about 20–40 km across: a circle whose radius wobbles with a few
    random harmonics, traced at 720 points so that the cuts of the streets have vertices to meet."""
    radius = rng.uniform(11, 15)
    harmonics = [(k, rng.uniform(0.02, 0.08), rng.uniform(0, 2 * math.pi)) for k in range(2, 6)]
    km_lat = 1 / KM_PER_DEGREE
    km_lng = km_lat / math.cos(math.radians(lat))
    ring = []
    for i in range(720):
        angle = 2 * math.pi * i / 720
        r = radius * (1 + sum(amplitude * math.sin(k * angle + phase) for k, amplitude, phase in harmonics))
        ring.append((lng + r * math.cos(angle) * km_lng, lat + r * math.sin(angle) * km_lat))
    return shapely.transform(Polygon(ring), _round)


def _split(area, count: int, rng: random.Random) -> list:
    """Cut ``area`` into ``count`` pieces that tile it exactly, ordered from north to south.

    The pieces are Voronoi cells of spread-out random points, clipped to ``area``. Coordinates are
    rounded to 6 decimals, and a point where a cut meets the edge of ``area`` is moved onto the
    nearest vertex of ``area``: a rounded point in the middle of an edge would lie slightly off it
    and leave slivers. So that the next level down also finds vertices close by, cuts get a vertex
    every ``CUT_SPACING``. An attempt that the snapping spoils (a piece lost or folded) is
    drawn again with new points.
    """
    if count == 1:
        return [area]
    shapely.prepare(area)
    snap = _snapper(area)
    for _attempt in range(ATTEMPTS):
        seeds = np.array(_scatter(area, count, rng))
        edges = shapely.segmentize(voronoi_diagram(MultiPoint(seeds), envelope=area.envelope, edges=True), CUT_SPACING)
        lines = shapely.transform(shapely.get_parts(shapely.union_all([area.boundary, edges])), snap)
        faces = shapely.get_parts(shapely.polygonize(lines))
        inside = shapely.get_coordinates(shapely.point_on_surface(faces))
        keep = shapely.contains_xy(area, *inside.T)  # polygonize also finds the faces outside
        faces, inside = faces[keep], inside[keep]
        owner = ((inside[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)  # nearest seed
        pieces = [shapely.coverage_union_all(faces[owner == i]) for i in range(count)]
        if _tiles(area, pieces):
            return sorted(pieces, key=_north_to_south)
    raise GridError(_("Could not divide an area into %(count)d parts; try another seed.") % {"count": count})


def _snapper(area):
    """A coordinate transform: points on the edge of ``area`` go to its nearest vertex, others are rounded."""
    boundary = area.boundary
    vertices = shapely.get_coordinates(boundary)
    tree = shapely.STRtree(shapely.points(vertices))

    def snap(coordinates: np.ndarray) -> np.ndarray:
        points = shapely.points(coordinates)
        result = _round(coordinates)
        on_edge = np.flatnonzero(shapely.dwithin(points, boundary, 1e-9))
        found, nearest = tree.query_nearest(points[on_edge], all_matches=False)
        result[on_edge[found]] = vertices[nearest]
        return result

    return snap


def _scatter(area, count: int, rng: random.Random) -> list[tuple[float, float]]:
    """``count`` random points inside ``area``, spread out so that no piece is a sliver: each is the
    best of a few candidates, the one farthest from the points already chosen."""
    min_x, min_y, max_x, max_y = area.bounds

    def candidate():
        while True:
            x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
            if shapely.contains_xy(area, x, y):
                return x, y

    points = [candidate()]
    while len(points) < count:
        chosen = np.array(points)
        points.append(max((candidate() for _i in range(CANDIDATES)),
                          key=lambda point: ((chosen - point) ** 2).sum(axis=1).min()))
    return points


def _tiles(area, pieces: list) -> bool:
    if any(piece.is_empty for piece in pieces) or not shapely.is_valid(pieces).all():
        return False
    if not shapely.coverage_is_valid(pieces):
        return False
    return shapely.coverage_union_all(pieces).symmetric_difference(area).area <= TILING_TOLERANCE * area.area


def _north_to_south(piece) -> tuple[float, float]:
    point = piece.representative_point()
    return -point.y, point.x
