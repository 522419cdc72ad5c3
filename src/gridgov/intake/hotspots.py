"""Hot spots (未诉先办): the same problem reported again and again in the same place.

Within a window (30 days by default) a district's cases — rejected ones aside, merged duplicates
included, since each is a report — are grouped by category and place, in two ways:

* by unit: the grid a case was located to (a micro-grid counts for its grid; a case located only to
  a community or street counts there);
* by cell: cases with coordinates, binned into square cells of about 200 m (the district's
  ``hotspot_cell_m``), which catches a cluster on a grid boundary. A cell whose cases all belong to
  one unit hot spot adds nothing and is left out.

A group with at least ``min_reports`` reports is a hot spot, with

    heat = (reports + distinct reporters) × (1 + growth / 2)
    growth = (reports in the second half of the window − reports in the first half) / reports

Distinct reporters are told apart by their person record, else the contact phone, else the
account that filed the report; an anonymous report counts as its own reporter. Growth runs from −1
(all in the first half: fading) to +1 (all in the second half: rising), so the same count weighs
from half to one and a half times as much. Hot spots come hottest first.
"""
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.cases.models import Case, Status
from gridgov.cases.services.callers import caller_district
from gridgov.core import clock
from gridgov.core.geo import METRES_PER_DEGREE
from gridgov.structure.codes import prefix, subtree_q
from gridgov.structure.models import Unit, UnitKind

from .address import common_unit_code
from .models import IntakeSettings


@dataclass
class Hotspot:
    category: object
    kind: str  # "unit" or "cell"
    place: Unit | None = None  # the grid (or coarser unit); for a cell, the deepest unit all its cases share
    cases: list = field(default_factory=list)  # newest first
    center: tuple[float, float] | None = None  # a cell's centre (lat, lng)
    reports: int = 0
    reporters: int = 0
    first_half: int = 0
    second_half: int = 0
    growth: float = 0.0
    heat: float = 0.0

    @property
    def open_cases(self) -> int:
        return sum(1 for case in self.cases if case.is_open)


def reporter_key(case: Case) -> str:
    if case.reporter_id:
        return f"person:{case.reporter_id}"
    if case.contact_phone:
        return f"phone:{case.contact_phone}"
    if case.reported_by_id:
        return f"user:{case.reported_by_id}"
    return f"case:{case.pk}"


def heat(reports: int, reporters: int, first_half: int, second_half: int) -> tuple[float, float]:
    """(growth, heat) by the formula in the module docstring."""
    growth = (second_half - first_half) / reports if reports else 0.0
    return round(growth, 4), round((reports + reporters) * (1 + growth / 2), 2)


def _cell(lat: float, lng: float, size_m: float) -> tuple[int, int, int]:
    """The cell of a point: rows of ``size_m`` metres of latitude; columns as wide at the middle of
    the point's whole-degree band of latitude, so cells are squares wherever the district lies."""
    band = math.floor(lat)
    width = size_m / (METRES_PER_DEGREE * math.cos(math.radians(band + 0.5)))
    return band, math.floor(lat / (size_m / METRES_PER_DEGREE)), math.floor(lng / width)


def _unit_place(case: Case) -> str:
    return prefix(case.unit.code, "grid") or case.unit.code


def hotspots(district_code: str, window_days: int | None = None, min_reports: int | None = None,
             now: dt.datetime | None = None, *, unit_code: str | None = None, cases=None) -> list[Hotspot]:
    """The district's hot spots over the last ``window_days`` (the district's settings by default),
    hottest first. ``unit_code`` narrows to a street's or community's subtree; ``cases`` is the
    queryset to start from (the API passes the caller's visible cases)."""
    settings = IntakeSettings.for_district(district_code)
    window_days = window_days or settings.hotspot_window_days
    min_reports = min_reports or settings.hotspot_min_reports
    now = now or clock.now()
    start, middle = now - dt.timedelta(days=window_days), now - dt.timedelta(days=window_days / 2)
    rows = (Case.objects.all() if cases is None else cases).filter(
        district_code=district_code, reported_at__gt=start, reported_at__lte=now).exclude(status=Status.REJECTED)
    if unit_code:
        rows = rows.filter(subtree_q("unit__code", unit_code))
    groups = defaultdict(list)
    for case in rows.select_related("unit", "category").order_by("-reported_at"):
        groups[(case.category_id, "unit", _unit_place(case))].append(case)
        if case.lat is not None and case.lng is not None:
            groups[(case.category_id, "cell", _cell(case.lat, case.lng, settings.hotspot_cell_m))].append(case)
    unit_sets = defaultdict(list)
    for (category_id, kind, _place), members in groups.items():
        if kind == "unit" and len(members) >= min_reports:
            unit_sets[category_id].append({case.pk for case in members})
    places = {unit.code: unit for unit in Unit.objects.filter(
        code__in={key[2] for key in groups if key[1] == "unit"} | {
            common_unit_code({c.unit.code for c in members}) for key, members in groups.items() if key[1] == "cell"})}
    found = []
    for (category_id, kind, place), members in groups.items():
        if len(members) < min_reports:
            continue
        pks = {case.pk for case in members}
        if kind == "cell" and any(pks <= unit_set for unit_set in unit_sets[category_id]):
            continue
        first = sum(1 for case in members if case.reported_at < middle)
        second = len(members) - first
        reporters = len({reporter_key(case) for case in members})
        growth, score = heat(len(members), reporters, first, second)
        spot = Hotspot(category=members[0].category, kind=kind, cases=members, reports=len(members),
                       reporters=reporters, first_half=first, second_half=second, growth=growth, heat=score)
        if kind == "unit":
            spot.place = places.get(place)
        else:
            spot.place = places.get(common_unit_code({case.unit.code for case in members}))
            spot.center = (round(sum(c.lat for c in members) / len(members), 6),
                           round(sum(c.lng for c in members) / len(members), 6))
        found.append(spot)
    found.sort(key=lambda s: (-s.heat, -s.reports, s.category.code, s.kind != "unit",
                              s.place.code if s.place else ""))
    return found


def place_for(user, unit_code: str | None = None) -> Unit:
    """Where ``user``'s hot spots are counted: the unit ``unit_code`` when they may see it (else
    404), by default their district."""
    if unit_code:
        return get_visible_or_404(user, Unit.objects.all(), code=unit_code)
    return caller_district(user, None)


def visible_hotspots(user, place: Unit, window_days: int | None = None, min_reports: int | None = None,
                     now: dt.datetime | None = None) -> list[Hotspot]:
    """The hot spots of ``place`` (a district, street, community or grid) counted over the cases
    ``user`` may see: a street dispatcher's come from its street's cases only (the API and the
    hot-spot page)."""
    return hotspots(place.district_code, window_days, min_reports, now,
                    unit_code=None if place.kind == UnitKind.DISTRICT else place.code,
                    cases=visible(user, Case.objects.all()))
