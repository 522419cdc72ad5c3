"""The demo district's 15-minute living circle: its standards, facilities, compound gates, walk
network and one coverage run, made through the facilities services (actor None: the platform), so
the facilities journal records every kind, facility, setting and network as an administrator's
entry would.

- **standards**: eight kinds as data (:data:`KINDS`) with the circles and floor areas of GB
  50180-2018 and the district's rules — a community's 党群服务中心 needs at least 500 m² or 30 m²
  per 100 households, a 日间照料中心 300 m²; the emergency team base and the mediation room make
  the response circle; adults walk 70 m a minute, the elderly 50.
- **facilities**: each community gets a kind with the kind's share (urban communities more than
  villages), at a point a short walk from one of its compounds; every community has a service
  centre, and about one in four of the centres and day-care centres is below its area standard
  (a 380 m² centre …), so the compliance list has communities on both sides of it. The
  communities left without a kind (more of them villages) and the far corners of the large ones
  leave buildings uncovered: red buildings and candidate sites on the coverage map.
- **gates**: a share of the urban compounds get two gates at their edge (南门, 东门); their
  buildings get their own points inside the compound — without one, a building would be measured
  from its micro-grid's centre, hundreds of metres from the gates (gates and points are plain rows
  like the district builder's: no service owns them).
- **network**: a street every :data:`SPACING_M` metres (see there why), then coverage is computed
  once, in seconds.

Deterministic: one generator seeded from the demo's seed, communities and compounds in code order.
"""
import math
import random
import time
from dataclasses import dataclass

from shapely.geometry import Point, shape

from gridgov.core import stamps
from gridgov.core.geo import METRES_PER_DEGREE
from gridgov.facilities.models import CoverageResult
from gridgov.facilities.services import coverage, networks, register, standards
from gridgov.structure.mapdata import unit_point
from gridgov.structure.models import Building, Compound, CompoundKind, Gate, Unit, UnitKind
from gridgov.structure.services import PLACES_STAMP

from .seed import DISTRICT, SEED

#: Streets 250 m apart: 2 ÷ 0.25 km = 8 km of street per km², the road density the State Council
#: sets as the target for built-up areas (2016, 小街区密路网). About 6,800 nodes on the demo's 400 km²;
#: at 150 m (13 km/km², denser than any Chinese city) it would be 18,500 and the candidate-site
#: searches ten times slower.
SPACING_M = 250
#: Of the urban compounds, this share has gates (and its buildings their own points).
GATED_SHARE = 0.3
#: Of the facilities of a kind with an area standard, this share falls below it.
BELOW_STANDARD = 0.25


@dataclass(frozen=True)
class Kind:
    """A kind's standard (what :func:`standards.create_kind` takes) and how the demo provides it:
    the share of urban and village communities with one, and the ranges of floor area (m²) and
    capacity (people a day; None where a count of visitors means nothing, as for an emergency team)."""

    code: str
    name: str
    minutes: int
    min_area: int | None
    per_100: int | None
    response: bool
    hours: str
    urban: float
    village: float
    area: tuple[int, int]
    capacity: tuple[int, int] | None
    names: tuple[str, ...]


KINDS = [
    Kind("service-centre", "党群服务中心", 15, 500, 30, False, "08:30–18:00", 1.0, 1.0, (500, 900), (150, 400),
         ("党群服务中心",)),
    Kind("day-care", "日间照料中心", 10, 300, None, False, "08:00–17:30", 0.8, 0.3, (300, 520), (20, 60),
         ("日间照料中心",)),
    Kind("health-station", "社区卫生服务站", 15, None, None, False, "08:00–20:00", 0.8, 0.5, (120, 300), (60, 200),
         ("卫生服务站",)),
    Kind("school", "幼儿园/小学", 10, None, None, False, "07:30–17:30", 0.7, 0.3, (1500, 6000), (180, 900),
         ("幼儿园", "小学")),
    Kind("market", "农贸市场", 10, None, None, False, "06:00–19:00", 0.6, 0.2, (800, 2500), (800, 3000),
         ("农贸市场",)),
    Kind("sports", "运动场地", 15, None, None, False, "06:00–22:00", 0.7, 0.4, (600, 1600), (100, 400),
         ("全民健身广场", "运动场")),
    Kind("emergency-team", "应急队伍驻点", 15, None, None, True, "24小时", 0.6, 0.3, (60, 160), None,
         ("应急队伍驻点",)),
    Kind("mediation", "调解室", 15, None, None, True, "08:30–17:30", 0.9, 0.6, (20, 60), None,
         ("人民调解室",)),
]


def _offset(lat: float, lng: float, metres: float, bearing: float) -> tuple[float, float]:
    """The point ``metres`` away from (lat, lng) towards ``bearing`` (radians, 0 = north)."""
    dlat = metres * math.cos(bearing) / METRES_PER_DEGREE
    dlng = metres * math.sin(bearing) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


class _Demo:
    def __init__(self, district_code: str):
        self.rng = random.Random(SEED + 17)
        self.district = Unit.objects.get(code=district_code)
        self.communities = list(Unit.objects.filter(district_code=district_code, kind=UnitKind.COMMUNITY)
                                .order_by("code"))
        self.compounds = {}
        for compound in Compound.objects.filter(community__in=self.communities).order_by("pk"):
            if compound.center_lat is not None:
                self.compounds.setdefault(compound.community_id, []).append(compound)
        self.counts = {"kinds": 0, "facilities": 0, "gates": 0, "building_points": 0}

    def standards(self) -> list:
        standards.change_settings(None, self.district, walk_speed=70, elderly_speed=50)
        kinds = []
        for order, kind in enumerate(KINDS, start=1):
            kinds.append(standards.create_kind(
                None, self.district, code=kind.code, name=kind.name, minutes=kind.minutes, min_area=kind.min_area,
                area_per_100_households=kind.per_100, response=kind.response, opening_hours=kind.hours,
                order=order * 10))
        self.counts["kinds"] = len(kinds)
        return kinds

    def spot(self, community: Unit) -> tuple[float, float]:
        """A point inside ``community`` a short walk (60–250 m) from one of its compounds; its own
        centre when no such point falls inside."""
        outline = shape(community.boundary)
        compounds = self.compounds.get(community.pk)
        for _ in range(10 if compounds else 0):
            compound = self.rng.choice(compounds)
            lat, lng = _offset(compound.center_lat, compound.center_lng, self.rng.uniform(60, 250),
                               self.rng.uniform(0, 2 * math.pi))
            if outline.contains(Point(lng, lat)):
                return lat, lng
        return unit_point(community)

    def facilities(self, kinds: list) -> None:
        for spec, kind in zip(KINDS, kinds):
            for community in self.communities:
                share = spec.village if community.is_village else spec.urban
                if self.rng.random() >= share:
                    continue
                floor_area = self.rng.randrange(spec.area[0], spec.area[1] + 1, 10)
                if spec.min_area is not None and self.rng.random() < BELOW_STANDARD:
                    floor_area = self.rng.randrange(spec.min_area * 6 // 10, spec.min_area, 10)  # below the standard
                lat, lng = self.spot(community)
                register.create(None, kind, community, name=f"{community.short_name}{self.rng.choice(spec.names)}",
                                lat=lat, lng=lng, floor_area=floor_area, opening_hours=spec.hours,
                                capacity=self.rng.randint(*spec.capacity) if spec.capacity else None,
                                address=f"{community.parent.short_name}{community.short_name}")
                self.counts["facilities"] += 1

    def gates(self) -> None:
        """Two gates at the edge of a share of the urban compounds, their buildings around the centre."""
        gates, buildings = [], []
        urban = [c for community in self.communities if not community.is_village
                 for c in self.compounds.get(community.pk, []) if c.kind != CompoundKind.COURTYARD]
        for compound in urban:
            if self.rng.random() >= GATED_SHARE:
                continue
            lat, lng = compound.center_lat, compound.center_lng
            for name, bearing in (("南门", math.pi), ("东门", math.pi / 2)):
                gate_lat, gate_lng = _offset(lat, lng, self.rng.uniform(90, 160), bearing)
                gates.append(Gate(compound=compound, name=name, lat=gate_lat, lng=gate_lng))
            inside = list(compound.buildings.order_by("name"))
            for index, building in enumerate(inside):
                bearing = 2 * math.pi * (index + self.rng.random() / 2) / len(inside)
                building.center_lat, building.center_lng = _offset(lat, lng, self.rng.uniform(30, 80), bearing)
                buildings.append(building)
        Gate.objects.bulk_create(gates)
        Building.objects.bulk_update(buildings, ["center_lat", "center_lng"], batch_size=500)
        stamps.bump(PLACES_STAMP)  # bulk writes send no signals: the maps' caches must still see the change
        self.counts["gates"], self.counts["building_points"] = len(gates), len(buildings)


def generate(progress: bool = False, district_code: str = DISTRICT) -> dict:
    """Make the demo's facilities, gates, walk network and coverage; answer summary counts."""
    demo = _Demo(district_code)
    if not demo.communities or not demo.district.boundary:
        return {}
    kinds = demo.standards()
    demo.facilities(kinds)
    demo.gates()
    network = networks.generate(None, demo.district, spacing_m=SPACING_M)
    began = time.perf_counter()
    run = coverage.compute(coverage.start(district_code))
    seconds = round(time.perf_counter() - began, 1)
    if progress:
        print(f"facilities: coverage on {network.node_count} nodes in {seconds} s", flush=True)  # noqa: T201
    results = CoverageResult.objects.filter(run=run, kind__isnull=False)  # every kind counts the same households
    return {"facilities_" + key: value for key, value in demo.counts.items()} | {
        "facilities_network_nodes": network.node_count, "facilities_network_edges": network.edge_count,
        "facilities_coverage_seconds": seconds,
        "facilities_mean_households_covered_pct": round(
            100 * sum(r.households_covered for r in results) / max(1, sum(r.households for r in results)), 1),
        "facilities_uncovered_buildings": run.uncovered.count(), "facilities_candidate_sites": run.sites.count()}
