"""What the facilities maps draw, cut to a unit's box: the walk network's edges, a kind's catchment
on it, the facilities, and the latest run's uncovered buildings and candidate sites.

The catchment is drawn, not stored: the edges both of whose ends lie within the kind's walking limit
of its facilities (one search from all of them at once). Preparing a network for searches costs far
more than a search, and a stored version never changes, so the prepared :class:`Walk` is kept per
version in the process.
"""
from __future__ import annotations

import functools

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from shapely.geometry import shape

from gridgov.accounts.scope import visible
from gridgov.structure.models import Unit, UnitKind

from ..generated import river_line
from ..graph import Walk
from ..models import (
    CandidateSite,
    CoverageResult,
    Facility,
    FacilityKind,
    NetworkSource,
    UncoveredBuilding,
    WalkNetwork,
)
from . import coverage, networks
from .common import district_of
from .standards import settings_for

#: The choice of the response circle (every response kind within its own circle) instead of one kind.
RESPONSE = "response"
DECIMALS = 6


@functools.lru_cache(maxsize=4)
def _walk(pk: int, district_code: str, version: int, edge_count: int) -> Walk:
    # Keyed on more than the pk: a test database may give a new network an old network's number.
    return Walk(networks.load(WalkNetwork.objects.get(pk=pk)))


def walk_of(stored: WalkNetwork) -> Walk:
    return _walk(stored.pk, stored.district_code, stored.version, stored.edge_count)


def kinds_of(district_code: str) -> list[FacilityKind]:
    return list(FacilityKind.objects.filter(district__code=district_code, active=True).order_by("order", "code"))


def chosen_kinds(district_code: str, value) -> tuple[FacilityKind | None, list[FacilityKind]]:
    """(the kind asked for — None for the response circle —, the kinds whose catchment is drawn).
    No choice is the district's first kind; an unknown one is refused."""
    kinds = kinds_of(district_code)
    if value == RESPONSE:
        return None, [k for k in kinds if k.response]
    if value in (None, ""):
        return (kinds[0], kinds[:1]) if kinds else (None, [])
    found = next((k for k in kinds if str(k.pk) == str(value)), None)
    if found is None:
        raise ValidationError(_("There is no such kind of facility in this district."))
    return found, [found]


def box_of(unit: Unit) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the unit's outline, or of its district's when it has none."""
    for candidate in (unit, district_of(unit)):
        if candidate.boundary:
            return shape(candidate.boundary).bounds
    raise ValidationError(_("%(unit)s has no boundary, so there is no map.") % {"unit": unit.short_name})


def _inside(lat, lng, box) -> np.ndarray:
    west, south, east, north = box
    return (lng >= west) & (lng <= east) & (lat >= south) & (lat <= north)


def catchment_nodes(walk: Walk, kinds: list[FacilityKind], district: Unit) -> np.ndarray:
    """Which nodes lie within every one of ``kinds``' circles of its facilities in service."""
    setup = settings_for(district)
    within = np.ones(walk.node_count, dtype=bool) if kinds else np.zeros(walk.node_count, dtype=bool)
    for kind in kinds:
        points = list(Facility.objects.filter(kind=kind, active=True).only("lat", "lng"))
        if not points:
            return np.zeros(walk.node_count, dtype=bool)
        nodes, offsets = coverage.snapped(walk, points, setup.max_snap)
        within &= np.isfinite(walk.reach(nodes, offsets, kind.minutes * setup.walk_speed))
    return within


def _segments(network, edges) -> list:
    ends = np.stack([network.lng[edges], network.lat[edges]], axis=-1).round(DECIMALS)
    return ends.tolist()


def _network(stored: WalkNetwork | None, kinds, district: Unit, box) -> dict:
    if stored is None:
        return {"edges": [], "catchment": [], "river": None, "version": None}
    walk = walk_of(stored)
    network = walk.network
    a, b = network.edges[:, 0], network.edges[:, 1]
    near = _inside(network.lat, network.lng, box)
    shown = near[a] | near[b]
    within = catchment_nodes(walk, kinds, district)
    river = river_line(*network.bounds()) if stored.source == NetworkSource.GENERATED else None
    return {"edges": _segments(network, network.edges[shown]),
            "catchment": _segments(network, network.edges[shown & within[a] & within[b]]),
            "river": river, "version": stored.version}


def _point(row, box) -> bool:
    return bool(_inside(np.array(row.lat), np.array(row.lng), box))


def outlines(user, unit: Unit) -> dict:
    """The unit's outline (a district or street) and its communities' (the community holding a
    grid), as GeoJSON for the map; ``outer`` marks the unit's own."""
    above = unit.kind in (UnitKind.DISTRICT, UnitKind.STREET)
    communities = unit.subtree().filter(kind=UnitKind.COMMUNITY) if above else Unit.objects.filter(code=unit.code[:12])
    shown = ([unit] if above and unit.boundary else []) + list(
        visible(user, communities.filter(boundary__isnull=False)).order_by("code"))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": c.code, "geometry": c.boundary,
         "properties": {"code": c.code, "name": c.short_name, "outer": c.code == unit.code and above}}
        for c in shown]}


def facilities(user, district_code: str, box) -> list[dict]:
    rows = visible(user, Facility.objects.filter(district_code=district_code, active=True)).select_related("kind")
    return [{"pk": f.pk, "name": f.name, "kind": f.kind_id, "kind_name": f.kind.name,
             "lat": f.lat, "lng": f.lng} for f in rows if _point(f, box)]


def coverage_rows(user, run, kind: FacilityKind | None, unit: Unit) -> list[CoverageResult]:
    """The run's results for ``kind`` (None: the response circle) of the communities in ``unit``."""
    if run is None:
        return []
    rows = CoverageResult.objects.filter(run=run, kind=kind, community__code__startswith=unit.code[:12]
                                         if unit.kind in (UnitKind.GRID, UnitKind.MICROGRID) else unit.code)
    return list(visible(user, rows).select_related("community").order_by("community__code"))


def without_path(user, run, kind: FacilityKind | None, unit: Unit) -> dict:
    """How many of the unit's uncovered buildings (and their households) have no path to ``kind``
    within three circles — a gate or building too far from every street, or streets the network does
    not join — so the page can say so instead of only drawing them."""
    if run is None:
        return {"buildings": 0, "households": 0}
    rows = visible(user, UncoveredBuilding.objects.filter(run=run, kind=kind, distance__isnull=True,
                                                          building__microgrid__code__startswith=unit.code))
    found = rows.aggregate(buildings=Count("pk"), households=Sum("households"))
    return {"buildings": found["buildings"], "households": found["households"] or 0}


def coverage_map(user, unit: Unit, value, *, with_network: bool = True) -> dict:
    """Everything the coverage map of ``unit`` draws for the kind ``value`` (a pk, ``RESPONSE`` or
    nothing for the first kind), cut to the unit's box; without the network's edges and catchment
    for an overlay that draws only the points (the command screen's)."""
    district = district_of(unit)
    kind, kinds = chosen_kinds(district.code, value)
    box = box_of(unit)
    run = coverage.latest(district.code)
    uncovered = sites = []
    if run is not None:
        uncovered = visible(user, UncoveredBuilding.objects.filter(run=run, kind=kind)).select_related("building")
        sites = visible(user, CandidateSite.objects.filter(run=run, kind=kind)) if kind else []
    return {
        "box": box,
        "kind": kind.pk if kind else RESPONSE,
        "kinds": [k.pk for k in kinds],
        "outlines": outlines(user, unit),
        **_network(networks.current(district.code) if with_network else None, kinds, district, box),
        "facilities": facilities(user, district.code, box),
        "uncovered": [{"name": u.building.name, "households": u.households, "distance": u.distance,
                       "lat": u.lat, "lng": u.lng} for u in uncovered if _point(u, box)],
        "sites": [{"rank": s.rank, "gain": s.gain, "lat": s.lat, "lng": s.lng} for s in sites if _point(s, box)],
        "communities": [{"name": r.community.short_name, "households": r.households,
                         "households_covered": r.households_covered, "special": r.special,
                         "special_covered": r.special_covered} for r in coverage_rows(user, run, kind, unit)],
    }


def headline(user, district_code: str) -> list[dict]:
    """Each kind's (and the response circle's) households within reach in the latest run, over the
    communities the user sees."""
    run = coverage.latest(district_code)
    if run is None:
        return []
    rows = visible(user, CoverageResult.objects.filter(run=run)).values("kind", "kind__name", "kind__order") \
        .annotate(households=Sum("households"), covered=Sum("households_covered")).order_by("kind__order", "kind")
    return [{"kind": row["kind"] or RESPONSE, "name": row["kind__name"] or _("Response circle"),
             "households": row["households"], "covered": row["covered"],
             "percent": row["covered"] * 100 // row["households"] if row["households"] else None} for row in rows]
