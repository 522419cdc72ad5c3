"""Point-in-polygon location of a case to the most precise unit, through the kernel's shape index
(:class:`gridgov.core.geo.ShapeIndex`) over every boundary of a district below the district itself.

The index is built once per process and district and rebuilt when the places' stamp moves (a unit
saved or deleted in any process), so locating a case costs a tree query, not a scan of the polygons.
"""
from gridgov.core import stamps
from gridgov.core.geo import ShapeIndex
from gridgov.structure.models import Unit, UnitKind
from gridgov.structure.services import PLACES_STAMP, unit_by_code

PRECISION = {UnitKind.MICROGRID: 0, UnitKind.GRID: 1, UnitKind.COMMUNITY: 2, UnitKind.STREET: 3}


def _build(district_code: str) -> ShapeIndex:
    units = (Unit.objects.filter(district_code=district_code, boundary__isnull=False)
             .exclude(kind=UnitKind.DISTRICT).only("pk", "kind", "code", "boundary"))
    return ShapeIndex(((PRECISION[unit.kind], unit.code, unit.pk), unit.boundary) for unit in units)


_indexes = stamps.StampedCache(PLACES_STAMP, _build)


def locate(district_code: str, lat: float, lng: float) -> Unit | None:
    """The smallest unit of the district whose boundary contains the point, or None outside it
    (the process's shared copy: read it, never change it).

    A point on the border two units share lies in both; the first by code takes it, always the
    same one (the tree's order, which used to decide, changes whenever the index is rebuilt)."""
    hits = _indexes.get(district_code).containing(lat, lng)
    if not hits:
        return None
    _precision, code, _pk = min(hits)
    return unit_by_code(code)
