"""What the report screen's map shows around the place being picked, and the address search.

* **Places** (:func:`places`): the roads, compounds and buildings the structure knows inside the
  box the reporter looks at (``structure.mapdata``), and the open reports there.
* **Open reports** (:func:`open_reports`), as "already reported?" answers them (``duplicates``):
  staff see the open cases of their scope inside the box in full, each at its point, to open it;
  anyone else sees their own open reports at their points, and the other open cases of where they
  live (``duplicates.reach``: their home grid) in public form only — category, status and day,
  gathered on one mark at the grid's point, never at the case's own point, which would give away
  a door ("3栋2单元").
* **Address search** (:func:`address_candidates`): the unit the existing resolver finds in the text
  (``address.resolve_address``) and the compounds, grids and communities whose names hold it, each
  with a point inside it, so that placing the pin there locates a case to that very unit.
"""
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.cases.models import OPEN_STATUSES, Case, Status
from gridgov.structure import codes, mapdata
from gridgov.structure.models import Compound, Unit, UnitKind

from .address import resolve_address
from .duplicates import reach, sees_in_full
from .text import normalise

MAX_PINS = 200  # open cases drawn in one box, newest first
MAX_CANDIDATES = 8
MAX_QUERY = 100
SEARCHED_KINDS = (UnitKind.COMMUNITY, UnitKind.GRID)


def parse_box(text: str) -> mapdata.Box:
    """``"west,south,east,north"`` in degrees → a Box; a ValidationError for anything else."""
    try:
        west, south, east, north = (float(part) for part in (text or "").split(","))
    except ValueError:
        raise ValidationError(_("Give the map's box as west,south,east,north in degrees.")) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValidationError(_("Give the map's box as west,south,east,north in degrees."))
    return mapdata.Box(west, south, east, north)


def _pin(case, full: bool) -> dict:
    """A case on the map: in public form its category, status and day; in full also its point, code,
    title and page."""
    pin = {"category": case.category.plain_name, "status": Status.text(case.status),
           "reported_on": timezone.localdate(case.reported_at).isoformat()}
    if full:
        pin |= {"lat": case.lat, "lng": case.lng, "code": case.code, "title": case.title,
                "url": reverse("case", args=[case.code])}
    return pin


def open_reports(user, district_code: str, area: mapdata.Box) -> dict:
    """``{"pins": [...], "grids": [...]}``: open cases the user may see at their points (in full),
    and, for residents, their home grid's other open cases gathered at the grid's point (public)."""
    cases = Case.objects.filter(district_code=district_code, status__in=OPEN_STATUSES, merged_into__isnull=True) \
        .select_related("category").order_by("-reported_at")
    inside = Q(lat__range=(area.south, area.north), lng__range=(area.west, area.east))
    pins = [_pin(case, True) for case in visible(user, cases.filter(inside))[:MAX_PINS]]
    grids = []
    within = None if sees_in_full(user) else reach(user, district_code)
    if within is not None:
        shown = {pin["code"] for pin in pins}
        gathered = defaultdict(list)
        for case in cases.filter(within).select_related("unit")[:MAX_PINS]:
            if case.code not in shown:
                gathered[codes.prefix(case.unit.code, "grid")].append(case)
        for grid in Unit.objects.filter(code__in=list(gathered)):
            point = mapdata.unit_point(grid)
            if point and area.holds(*point):
                grids.append({"grid": grid.short_name, "lat": point[0], "lng": point[1],
                              "cases": [_pin(case, False) for case in gathered[grid.code]]})
    return {"pins": pins, "grids": grids}


def places(user, district_code: str, area: mapdata.Box) -> dict:
    """Everything the report map draws inside the box (see the module's docstring)."""
    detailed = area.detailed
    return {
        "detailed": detailed,
        "roads": mapdata.roads_in(district_code, area),
        "compounds": mapdata.compounds_in(district_code, area) if detailed else [],
        "buildings": mapdata.buildings_in(district_code, area) if detailed else [],
        **open_reports(user, district_code, area),
    }


def address_candidates(district_code: str, text: str) -> list[dict]:
    """Up to eight ``{"label", "unit", "lat", "lng"}`` for the text: first the resolver's unit (a
    building's micro-grid, a compound's grid, a community …), then compounds, grids and communities
    whose names hold the text. A unit's point lies inside it (a unit without one is left out), a
    compound's is the compound's own (``mapdata.compound_points``)."""
    text = normalise(text or "").strip()[:MAX_QUERY]
    if not text:
        return []
    found = []
    resolved = resolve_address(district_code, text)
    if resolved is not None:
        point = mapdata.unit_point(resolved.unit)
        if point:
            # A building is named by the words that found it; anything coarser by its own name.
            label = "".join(resolved.matched) if resolved.unit.kind == UnitKind.MICROGRID else resolved.unit.short_name
            found.append({"label": label, "unit": resolved.unit.short_name, "lat": point[0], "lng": point[1]})
    compounds = list(Compound.objects.filter(grid__district_code=district_code, name__icontains=text)
                     .select_related("grid", "community").order_by("name")[:MAX_CANDIDATES])
    points = mapdata.compound_points(compounds)
    found += [{"label": f"{compound.community.short_name} {compound.name}", "unit": compound.grid.short_name,
               "lat": points[compound.pk][0], "lng": points[compound.pk][1]}
              for compound in compounds if compound.pk in points]
    for unit in Unit.objects.filter(Q(short_name__icontains=text) | Q(name__icontains=text),
                                    district_code=district_code, kind__in=SEARCHED_KINDS).order_by("code")[:MAX_CANDIDATES]:
        point = mapdata.unit_point(unit)
        if point:
            found.append({"label": unit.short_name, "unit": unit.short_name, "lat": point[0], "lng": point[1]})
    unique, seen = [], set()
    for candidate in found:
        if (candidate["lat"], candidate["lng"]) not in seen:
            seen.add((candidate["lat"], candidate["lng"]))
            unique.append(candidate)
    return unique[:MAX_CANDIDATES]
