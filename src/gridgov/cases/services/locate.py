"""Point-in-polygon location of a case to the most precise unit, through an in-memory spatial index.

The index (a Shapely STRtree over every grid and micro-grid boundary of a district) is built once
per process and district and rebuilt when a unit's boundary changes (``invalidate`` is connected to
Unit saves), so locating a case costs a tree query, not a scan of the polygons.
"""
import threading

from shapely import STRtree
from shapely.geometry import Point, shape

from gridgov.structure.models import Unit, UnitKind

_lock = threading.Lock()
_indexes: dict[str, tuple[STRtree, list]] = {}
PRECISION = {UnitKind.MICROGRID: 0, UnitKind.GRID: 1, UnitKind.COMMUNITY: 2, UnitKind.STREET: 3}


def _build(district_code: str):
    units = list(Unit.objects.filter(district_code=district_code, boundary__isnull=False)
                 .exclude(kind=UnitKind.DISTRICT).only("pk", "code", "kind", "boundary"))
    shapes = [shape(unit.boundary) for unit in units]
    return STRtree(shapes), [(unit.pk, unit.kind, geometry) for unit, geometry in zip(units, shapes)]


def invalidate(district_code: str | None = None) -> None:
    with _lock:
        if district_code is None:
            _indexes.clear()
        else:
            _indexes.pop(district_code, None)


def locate(district_code: str, lat: float, lng: float) -> Unit | None:
    """The smallest unit of the district whose boundary contains the point, or None outside it."""
    with _lock:
        if district_code not in _indexes:
            _indexes[district_code] = _build(district_code)
        tree, items = _indexes[district_code]
    point = Point(lng, lat)
    hits = [items[i] for i in tree.query(point, predicate="intersects")]
    if not hits:
        return None
    pk = min(hits, key=lambda item: PRECISION[item[1]])[0]
    return Unit.objects.get(pk=pk)
