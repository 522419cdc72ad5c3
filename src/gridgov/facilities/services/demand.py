"""Who needs to reach the facilities, and from where: every building of the district with its
households, residents and special groups, and its access points on the walk network.

A household leaves its compound by a gate: when the compound's gates are known, a building's access
points are the gates (each snapped to its nearest network node, the snap distance walked too, plus
the straight walk from the building to that gate when the building has a point); otherwise the
building itself is snapped. A point farther than the district's ``max_snap`` from every street has
no path (node -1).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.db.models import Count, Q

from gridgov.people.models import Person
from gridgov.structure.mapdata import compound_points, unit_point
from gridgov.structure.models import Building, Compound, Gate, Household

from ..graph import Walk, haversine_m


@dataclass
class Demand:
    """Buildings (index i) and their access points (index p, ``owner[p]`` = i)."""

    building_ids: np.ndarray
    community_ids: np.ndarray
    lat: np.ndarray
    lng: np.ndarray
    households: np.ndarray
    residents: np.ndarray
    special: np.ndarray
    owner: np.ndarray
    nodes: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.building_ids)

    def distances(self, reached: np.ndarray, limit_m: float) -> np.ndarray:
        """Each building's walk to the nearest source (inf beyond ``limit_m`` or with no path): the
        best of its access points, given the distances ``Walk.reach`` found at every node."""
        at = np.full(len(self.nodes), np.inf)
        on = self.nodes >= 0
        at[on] = reached[self.nodes[on]] + self.offsets[on]
        best = np.full(len(self), np.inf)
        np.minimum.at(best, self.owner, at)
        best[best > limit_m] = np.inf
        return best

    @cached_property
    def nearest_access(self) -> tuple[np.ndarray, np.ndarray]:
        """One access point per building — the one nearest the network — for the methods that take a
        single point per building (capacity shares, candidate sites); -1 for a building with none.
        The same for every kind: worked out once per run."""
        nodes, offsets = np.full(len(self), -1, dtype=np.int64), np.full(len(self), np.inf)
        for p in np.argsort(-self.offsets):  # the smallest offset is written last and stays
            if self.nodes[p] >= 0:
                nodes[self.owner[p]], offsets[self.owner[p]] = self.nodes[p], self.offsets[p]
        offsets[~np.isfinite(offsets)] = 0.0
        return nodes, offsets


def _counts(district_code: str) -> tuple[dict, dict, dict]:
    households = dict(Household.objects.filter(building__microgrid__district_code=district_code)
                      .values("building").annotate(n=Count("pk")).values_list("building", "n"))
    people = Person.objects.filter(household__building__microgrid__district_code=district_code)
    residents = dict(people.values("household__building").annotate(n=Count("pk", distinct=True))
                     .values_list("household__building", "n"))
    special = dict(people.filter(special_groups__isnull=False).values("household__building")
                   .annotate(n=Count("pk", distinct=True)).values_list("household__building", "n"))
    return households, residents, special


def _building_points(buildings: list[Building]) -> dict[int, tuple[float, float]]:
    """Each building's point: its own, else its micro-grid's, else its compound's."""
    compounds = compound_points(Compound.objects.filter(pk__in={b.compound_id for b in buildings}))
    points = {}
    for building in buildings:
        if building.center_lat is not None and building.center_lng is not None:
            points[building.pk] = (building.center_lat, building.center_lng)
        elif (point := unit_point(building.microgrid)) is not None:
            points[building.pk] = point
        elif building.compound_id in compounds:
            points[building.pk] = compounds[building.compound_id]
    return points


def load(district_code: str, walk: Walk, max_snap_m: float) -> Demand:
    """The district's buildings with households, ready for coverage on ``walk``."""
    households, residents, special = _counts(district_code)
    buildings = list(Building.objects.filter(pk__in=list(households)).select_related("compound", "microgrid")
                     .only("pk", "center_lat", "center_lng", "compound__community_id", "compound__center_lat",
                           "compound__center_lng", "microgrid__boundary", "microgrid__center_lat",
                           "microgrid__center_lng").order_by("pk"))
    points = _building_points(buildings)
    gates = defaultdict(list)
    for gate in Gate.objects.filter(Q(compound__in={b.compound_id for b in buildings})).only("compound_id", "lat", "lng"):
        gates[gate.compound_id].append((gate.lat, gate.lng))
    owner, lat, lng, inner = [], [], [], []
    for i, building in enumerate(buildings):
        home = points.get(building.pk)
        for gate in gates[building.compound_id] or ([home] if home else []):
            owner.append(i)
            lat.append(gate[0])
            lng.append(gate[1])
            inner.append(float(haversine_m(home[0], home[1], gate[0], gate[1])) if home else 0.0)
    nodes, snapped = walk.snap(lat, lng, max_snap_m) if owner else (np.zeros(0, dtype=np.int64), np.zeros(0))
    # Where a building is drawn: its point, else its compound's first gate, else nowhere.
    first = [points.get(b.pk) or (gates[b.compound_id] or [(np.nan, np.nan)])[0] for b in buildings]
    return Demand(
        building_ids=np.array([b.pk for b in buildings], dtype=np.int64),
        community_ids=np.array([b.compound.community_id for b in buildings], dtype=np.int64),
        lat=np.array([p[0] for p in first], dtype=np.float64), lng=np.array([p[1] for p in first], dtype=np.float64),
        households=np.array([households.get(b.pk, 0) for b in buildings], dtype=np.int64),
        residents=np.array([residents.get(b.pk, 0) for b in buildings], dtype=np.int64),
        special=np.array([special.get(b.pk, 0) for b in buildings], dtype=np.int64),
        owner=np.array(owner, dtype=np.int64), nodes=np.asarray(nodes, dtype=np.int64),
        offsets=np.asarray(snapped, dtype=np.float64) + np.array(inner, dtype=np.float64))
