"""“Already reported?” — open cases that look like the same problem, and joining one.

A case is offered as a likely duplicate of a new report when it is open (not merged), of the same
or a related category (the same parent in the catalogue: ``catalogue.services.related_categories``;
reporters often pick a neighbouring 小类 for the same heap of rubbish), reported within the district's duplicate window, near (within the duplicate radius; or,
when either side has no coordinates, in the same grid), and its text is alike (character-bigram
similarity at or above the district's threshold). The best come first: ``score = similarity ×
proximity``, where proximity falls linearly from 1 at the same spot to 0.5 at the radius, and is
0.75 for a same-grid match without coordinates.

The resident who recognises their problem *joins* the existing case instead of filing a new one:
their report is filed and at once merged into it by the platform (:func:`join`), so, as for any
merged duplicate, they follow the master case's progress — in its public form — and rate the outcome
of their own report once it is closed (``cases.services.following``). A grid worker on patrol joins
the same way: their report, with its note and photos, becomes their *observation* on the master (a
merged duplicate staff read beside it) and they follow it, instead of a second case for a dispatcher
to find and merge. Nobody is offered to join their own report (``Offer.own``). A dispatcher merges duplicates already filed with
:func:`gridgov.cases.services.lifecycle.merge`.

Who asks decides how far the search reaches and what it answers (:func:`reach`, :func:`offers`).
Staff search anywhere in their district and see each case's title, distance and likeness, to merge.
Anyone else — residents, party members — asks about other people's cases, so the search reaches only
where they are (their home grid, or the located point their own report carries) and answers what a
public map of the neighbourhood would show.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import STAFF_ROLES
from gridgov.accounts.scope import scope_for, visible
from gridgov.cases.actions import CaseAction
from gridgov.cases.models import OPEN_STATUSES, Case, Channel, Status
from gridgov.cases.services import filing, lifecycle
from gridgov.cases.services.callers import channel_and_reporter
from gridgov.cases.services.following import Step, coarse_place, own_q, own_reports_merged_into, public_steps
from gridgov.cases.services.locate import locate
from gridgov.catalogue.models import Category
from gridgov.catalogue.services import related_categories
from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.core.geo import Datum, bounding_box, distance_m, to_wgs84
from gridgov.structure.codes import prefix, subtree_q
from gridgov.structure.models import Unit

from .address import resolve_address
from .models import IntakeSettings
from .text import similarity, text_of

SAME_GRID_PROXIMITY = 0.75
MAX_CANDIDATES = 500


def _grid_code(unit) -> str | None:
    return prefix(unit.code, "grid") if unit is not None else None


def similar_open_cases(district_code: str, category, lat, lng, text: str, at: dt.datetime | None = None, *,
                       unit=None, exclude=None, within: Q | None = None) -> list[tuple[Case, float]]:
    """``(case, score)`` for each open case that is probably the same problem, best first. Each case
    also carries ``distance_m`` (None for a same-grid match without coordinates) and
    ``text_similarity``. ``unit`` is where the new report is when it has no coordinates; ``within``
    narrows the cases looked at to a caller's :func:`reach`."""
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
    candidates = (Case.objects.filter(place, district_code=district_code, category__in=related_categories(category),
                                      status__in=OPEN_STATUSES, merged_into__isnull=True,
                                      reported_at__gte=at - dt.timedelta(hours=settings.duplicate_window_hours),
                                      reported_at__lte=at)
                  .select_related("unit__parent", "category").order_by("-reported_at"))
    if within is not None:
        candidates = candidates.filter(within)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for case in candidates[:MAX_CANDIDATES]:
        if has_point and case.lat is not None and case.lng is not None:
            distance = distance_m(lat, lng, case.lat, case.lng)
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


def sees_in_full(user) -> bool:
    """Whether ``user`` is staff (or the back office), who see “already reported?” in full and
    anywhere in their district: they merge duplicates and know the cases of their area anyway."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & STAFF_ROLES)


def _home(user):
    """The unit ``user`` lives in (their person record's home unit), or None."""
    person = getattr(user, "person", None)  # the reverse one-to-one raises AttributeError when absent
    return person.unit if person is not None else None


def reach(user, district_code: str, lat=None, lng=None) -> Q | None:
    """Where ``user`` may look for other people's open cases (to be offered and to join): None —
    anywhere — for staff; for anyone else only where they are: the grid they live in (a micro-grid's
    resident looks in its grid, a neighbourhood's size, the same place a report without coordinates
    is matched in), and, when their own report carries a point that lies in the district's units,
    the duplicate radius around that point (``similar_open_cases`` measures it). A point that
    locates nowhere opens nothing: it would only serve to probe other places. A home outside any
    grid (known only to a community or coarser) reaches no further than a located point."""
    if sees_in_full(user):
        return None
    where = Q(pk__in=[])
    home = _home(user)
    grid = _grid_code(home) if home is not None and home.district_code == district_code else None
    if grid:
        where |= subtree_q("unit__code", grid)
    if lat is not None and lng is not None and locate(district_code, lat, lng) is not None:
        where |= Q(lat__isnull=False)
    return where


@dataclass(frozen=True)
class Offer:
    """One “already reported?” answer, holding only what its caller may be shown.

    Its public form — for anyone but staff, about a case outside their own scope — is what a public
    map of the neighbourhood shows: the code (a serial number, needed to join), the category, the
    grid's name, the status and the day it was reported. Not the title: it is the reporter's own
    words and often carries a name, a room number or a family's trouble (“3栋2单元王大爷家低保被停”);
    not the description, address, reporter or contact; and not the distance or the likeness of the
    words either, since asking again from points or wordings a few steps apart would give away the
    exact spot and the text. For the same reason public offers come newest first, not best first.
    The full form (``full``) adds the title, the unit, the distance, the likeness and the score.

    ``own``: the case is the user's own report, or one their report was already merged into — they
    are never offered to join it. ``steps``: for a case whose page does not open for the user, its
    public progress (``following.public_steps``: each change of status and when), so they can see
    how far it has got before deciding to follow it."""

    code: str
    category: Category
    status: str
    place: str
    reported_on: dt.date
    openable: bool
    own: bool = False
    steps: tuple[Step, ...] = ()
    title: str | None = None
    distance_m: int | None = None
    similarity: float | None = None
    score: float | None = None

    @property
    def full(self) -> bool:
        return self.score is not None

    @property
    def status_label(self) -> str:
        return Status.text(self.status)


def _own(user, cases: list[Case]) -> set[int]:
    """The pks of ``cases`` that are ``user``'s own reports or that one of their reports was merged
    into (one level: a master merged later is no longer open, so never offered)."""
    person = getattr(user, "person", None)
    mine = own_q(user, person)
    pks = [case.pk for case in cases]
    return set(Case.objects.filter(mine, pk__in=pks).values_list("pk", flat=True)) | set(
        Case.objects.filter(mine, merged_into__in=pks).values_list("merged_into", flat=True))


def offers(user, found: list[tuple[Case, float]]) -> list[Offer]:
    """``found`` as ``user`` may see it: in full for staff and for cases in the user's own scope (a
    resident's own reports), in public form otherwise; ``openable`` says whether the case's page
    opens for them, and when it does not, ``steps`` carry its public progress."""
    shown = set(visible(user, Case.objects.filter(district_code__in={case.district_code for case, _score in found},
                                                  pk__in=[case.pk for case, _score in found]))
                .values_list("pk", flat=True))
    own = _own(user, [case for case, _score in found])
    staff = sees_in_full(user)
    result = []
    for case, score in found:
        public = {"code": case.code, "category": case.category, "status": case.status,
                  "reported_on": timezone.localdate(case.reported_at), "openable": case.pk in shown,
                  "own": case.pk in own, "steps": () if case.pk in shown else tuple(public_steps(case))}
        if staff or case.pk in shown:
            result.append(Offer(**public, place=case.unit.short_name, title=case.title, distance_m=case.distance_m,
                                similarity=case.text_similarity, score=score))
        else:
            result.append(Offer(**public, place=coarse_place(case.unit)))
    if not staff:
        result.sort(key=lambda offer: offer.reported_on, reverse=True)  # stable: same day keeps its order
    return result


def _place_without_point(user, district_code: str, *texts: str):
    """Where a report without coordinates is: the unit its address (or text) names, else the
    reporter's home when it is in this district."""
    resolved = resolve_address(district_code, " ".join(p for p in texts if p))
    if resolved is not None:
        return resolved.unit
    home = _home(user)
    return home if home is not None and home.district_code == district_code else None


def similar_for_report(user, district_code: str, category, *, title: str, description: str = "", lat=None, lng=None,
                       address: str = "") -> list[Offer]:
    """“Already reported?” for a report ``user`` is writing (the report screen and ``POST
    /api/v1/intake/similar``): with coordinates, near them; without, in the grid its address (or
    text, or the reporter's home) names — within the user's :func:`reach`, as :func:`offers`."""
    unit = None
    if lat is None or lng is None:
        lat = lng = None
        unit = _place_without_point(user, district_code, address, title, description)
    found = similar_open_cases(district_code, category, lat, lng, text_of(title, description), unit=unit,
                               within=reach(user, district_code, lat, lng))
    return offers(user, found)


def joinable(user, code: str) -> Case:
    """The case ``code`` a user asks to join, found in their district(s) — not through their scope,
    since a resident joins a case they cannot see (:func:`join` then checks it is one
    :func:`similar_for_report` would offer them). 404 for a case elsewhere or none."""
    scope = scope_for(user)
    master = Case.objects.filter(code=code).select_related("category").first()
    if master is None or not (scope.everything or master.district_code in scope.district_codes):
        raise NotFound
    return master


def similar_to_case(case: Case, user=None) -> list[tuple[Case, float]]:
    """For the dispatcher: the open cases that look like this one (reported before or after it);
    with ``user``, only those the user may see (the API and the case page, to merge into one)."""
    found = similar_open_cases(case.district_code, case.category, case.lat, case.lng,
                               text_of(case.title, case.description), at=clock.now(), unit=case.unit, exclude=case)
    if user is None:
        return found
    allowed = set(visible(user, Case.objects.filter(district_code=case.district_code, pk__in=[c.pk for c, _s in found]))
                  .values_list("pk", flat=True))
    return [(c, s) for c, s in found if c.pk in allowed]


def merge_offer(user, case: Case, forms) -> dict:
    """The case page's merge offer (a panel the engine's page calls, registered in ``apps.py``): for
    a dispatcher who may merge the case (``forms`` holds the merge action), the open cases it looks
    like that they may see, each a merge target one tap away."""
    if not any(form.action == CaseAction.MERGE for form in forms):
        return {"similar": []}
    return {"similar": similar_to_case(case, user)}


def join(user, master: Case, *, title: str = "", description: str = "", lat=None, lng=None, address: str = "",
         contact_name: str = "", contact_phone: str = "", photos=(), datum=Datum.WGS84) -> Case:
    """“Me too”: the user's report becomes a case merged at once into ``master``, which they then
    follow. A resident joins through the app and follows the master in its public form; a grid
    worker joins from patrol — their report, its note and photos, is their observation on the master,
    read by staff beside it. Anyone else files no reports here (403). The master must be one
    :func:`similar_for_report` would offer for their report (a related category, alike, open, and
    within their :func:`reach`: for a resident their home grid or the located point of this
    report), so joining cannot be used to reach cases elsewhere, and it must not be their own report
    or one they already follow. Without coordinates or a resolvable address, the reporter's home unit
    is the place. Without a title of their own, the report is titled by the category, not by the
    master's title: that is its reporter's words, which a resident joining was never shown.

    ``lat``/``lng`` are in ``datum``: the search looks near their WGS 84 point, and the report is
    filed with the point as given, which its filing converts (once) for the case."""
    channel, person = channel_and_reporter(user, None)
    if channel not in (Channel.APP, Channel.PATROL):
        raise PermissionDenied(_("Only residents and grid workers can join a case."))
    scope = scope_for(user)
    if not scope.everything and master.district_code not in scope.district_codes:
        raise PermissionDenied(_("You can only join cases of your own district."))
    if Case.objects.filter(own_q(user, person), pk=master.pk).exists():
        raise ValidationError(_("This is your own report: it is being handled already."), code="own")
    if own_reports_merged_into(user, master):
        raise ValidationError(_("You already follow this case."), code="duplicate")
    words = (title or "").strip()
    text = text_of(words or master.title, description)  # no words of their own: they vouch it is the same problem
    title = words or master.category.plain_name
    unit = None
    if lat is None and lng is None:
        unit = _place_without_point(user, master.district_code, address, title, description)
    near = to_wgs84(lat, lng, datum) if lat is not None and lng is not None else (lat, lng)
    offered = [case.pk for case, _score in similar_open_cases(
        master.district_code, master.category, *near, text, unit=unit,
        within=reach(user, master.district_code, *near))]
    if master.pk not in offered:
        raise ValidationError(_("That case is not an open report of the same problem near you; report yours as a new "
                                "case."), code="not_similar")
    district = Unit.objects.get(code=master.district_code)
    with transaction.atomic():
        case = filing.report(district=district, channel=channel, title=title, category=master.category,
                             description=description, lat=lat, lng=lng, address=address, reporter=person,
                             reported_by=user, contact_name=contact_name, contact_phone=contact_phone, route=False,
                             unit=unit, photos=photos, datum=datum)
        return lifecycle.merge(None, case, master, note=_("The reporter joined %(code)s: the same problem.")
                               % {"code": master.code})
