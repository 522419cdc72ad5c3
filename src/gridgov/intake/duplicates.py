"""“Already reported?” — open cases that look like the same problem, and joining one.

A case is offered as a likely duplicate of a new report when it is open (not merged), of the same
category, reported within the district's duplicate window, near (within the duplicate radius; or,
when either side has no coordinates, in the same grid), and its text is alike (character-bigram
similarity at or above the district's threshold). The best come first: ``score = similarity ×
proximity``, where proximity falls linearly from 1 at the same spot to 0.5 at the radius, and is
0.75 for a same-grid match without coordinates.

The resident who recognises their problem *joins* the existing case instead of filing a new one:
their report is filed and at once merged into it by the platform (:func:`join`), so, as for any
merged duplicate, they follow the master case's progress and may rate it when it closes. A
dispatcher merges duplicates already filed with :func:`gridgov.cases.services.lifecycle.merge`.
"""
import datetime as dt
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from gridgov.accounts.scope import scope_for, visible
from gridgov.cases.models import OPEN_STATUSES, Case
from gridgov.cases.services import intake, lifecycle
from gridgov.cases.services.locate import locate
from gridgov.core import clock
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from .address import resolve_address
from .models import IntakeSettings
from .text import similarity, text_of

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
SAME_GRID_PROXIMITY = 0.75
MAX_CANDIDATES = 500


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lng, max lng) of a square around the point that holds the circle."""
    dlat = radius_m / METRES_PER_DEGREE
    dlng = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def _grid_code(unit) -> str | None:
    return unit.code[:15] if unit is not None and len(unit.code) >= 15 else None


def similar_open_cases(district_code: str, category, lat, lng, text: str, at: dt.datetime | None = None, *,
                       unit=None, exclude=None) -> list[tuple[Case, float]]:
    """``(case, score)`` for each open case that is probably the same problem, best first. Each case
    also carries ``distance_m`` (None for a same-grid match without coordinates) and
    ``text_similarity``. ``unit`` is where the new report is when it has no coordinates."""
    settings = IntakeSettings.for_district(district_code)
    at = at or clock.now()
    radius = float(settings.duplicate_radius_m)
    has_point = lat is not None and lng is not None
    if has_point and unit is None:
        unit = locate(district_code, lat, lng)
    grid = _grid_code(unit)
    if has_point:
        south, north, west, east = bounding_box(lat, lng, radius)
        place = Q(lat__gte=south, lat__lte=north, lng__gte=west, lng__lte=east)
        if grid:
            place |= Q(lat__isnull=True) & subtree_q("unit__code", grid)
    elif grid:
        place = subtree_q("unit__code", grid)
    else:
        return []  # nowhere more precise than a community: too vague to call anything the same problem
    candidates = (Case.objects.filter(place, district_code=district_code, category=category,
                                      status__in=OPEN_STATUSES, merged_into__isnull=True,
                                      reported_at__gte=at - dt.timedelta(hours=settings.duplicate_window_hours),
                                      reported_at__lte=at)
                  .select_related("unit", "category").order_by("-reported_at"))
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for case in candidates[:MAX_CANDIDATES]:
        if has_point and case.lat is not None and case.lng is not None:
            distance = haversine_m(lat, lng, case.lat, case.lng)
            if distance > radius:
                continue
            proximity = 1 - 0.5 * distance / radius
        elif grid and case.unit.code.startswith(grid):
            distance, proximity = None, SAME_GRID_PROXIMITY
        else:
            continue
        alike = similarity(text, text_of(case.title, case.description))
        if alike < settings.duplicate_text_similarity:
            continue
        case.distance_m = None if distance is None else round(distance)
        case.text_similarity = round(alike, 3)
        found.append((case, round(alike * proximity, 4)))
    found.sort(key=lambda item: (-item[1], item[0].reported_at))
    return found


def similar_for_report(district_code: str, category, *, title: str, description: str = "", lat=None, lng=None,
                       address: str = "") -> list[tuple[Case, float]]:
    """“Already reported?” for a report being written (the report screen and ``POST
    /api/v1/intake/similar``): with coordinates, near them; without, in the grid its address (or
    title) names."""
    unit = None
    if lat is None or lng is None:
        lat = lng = None
        resolved = resolve_address(district_code, " ".join(p for p in (address, title) if p))
        unit = resolved.unit if resolved else None
    return similar_open_cases(district_code, category, lat, lng, text_of(title, description), unit=unit)


def joinable(user, code: str) -> Case:
    """The case ``code`` a user asks to join, found in their district(s) — not through their scope,
    since a resident joins a case they cannot yet see (:func:`join` then checks it is one
    :func:`similar_open_cases` offers them). 404 for a case elsewhere or none."""
    scope = scope_for(user)
    master = Case.objects.filter(code=code).select_related("category").first()
    if master is None or not (scope.everything or master.district_code in scope.district_codes):
        raise Http404
    return master


def similar_to_case(case: Case, user=None) -> list[tuple[Case, float]]:
    """For the dispatcher: the open cases that look like this one (reported before or after it);
    with ``user``, only those the user may see (the API and the case page, to merge into one)."""
    found = similar_open_cases(case.district_code, case.category, case.lat, case.lng,
                               text_of(case.title, case.description), at=clock.now(), unit=case.unit, exclude=case)
    if user is None:
        return found
    allowed = set(visible(user, Case.objects.filter(pk__in=[c.pk for c, _s in found])).values_list("pk", flat=True))
    return [(c, s) for c, s in found if c.pk in allowed]


def join(user, master: Case, *, title: str = "", description: str = "", lat=None, lng=None, address: str = "",
         channel: str = "app", contact_name: str = "", contact_phone: str = "") -> Case:
    """A resident's “me too”: their report becomes a case merged at once into ``master``, which they
    then follow and may rate. The master must be one :func:`similar_open_cases` would offer for
    their report (same category, near, alike, open), so joining cannot be used to read arbitrary
    cases. Without coordinates or a resolvable address, the resident's home unit is the place."""
    person = getattr(user, "person", None)
    if person is None:
        raise PermissionDenied(_("Only a resident with a registered person record can join a case."))
    scope = scope_for(user)
    if not scope.everything and master.district_code not in scope.district_codes:
        raise PermissionDenied(_("You can only join cases of your own district."))
    if master.reporter_id == person.pk or master.merged_cases.filter(reporter=person).exists():
        raise ValidationError(_("You already follow this case."), code="duplicate")
    title = (title or "").strip() or master.title
    text = text_of(title, description)
    unit = None
    if lat is None and lng is None:
        resolved = resolve_address(master.district_code, " ".join(p for p in (address, title, description) if p))
        unit = resolved.unit if resolved else (person.unit if person.unit.district_code == master.district_code
                                               else None)
    offered = [case.pk for case, _score in similar_open_cases(master.district_code, master.category, lat, lng, text,
                                                               unit=unit)]
    if master.pk not in offered:
        raise ValidationError(_("That case is not an open report of the same problem near you; report yours as a new "
                                "case."), code="not_similar")
    district = Unit.objects.get(code=master.district_code)
    with transaction.atomic():
        case = intake.report(district=district, channel=channel, title=title, category=master.category,
                             description=description, lat=lat, lng=lng, address=address, reporter=person,
                             reported_by=user, contact_name=contact_name, contact_phone=contact_phone, route=False,
                             unit=unit)
        return lifecycle.merge(None, case, master, note=_("The reporter joined %(code)s: the same problem.")
                               % {"code": master.code})
