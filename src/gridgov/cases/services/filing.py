"""Intake and routing: a report becomes a case, located to a unit, numbered, given its deadline,
and routed — the small loop straight to the grid worker on duty, the big loop into a dispatch queue.

Small loop ("平台自动流转 → 网格员即时办结"): a category on the grid matter list, located in a grid, is
accepted and dispatched by the platform itself, with no dispatcher in between; a grid worker who
reports it from patrol may close it at once with a photo. Big loop ("统一调度 → 分级派单 → 联动处置"):
other cases wait in their street's queue (a community-level matter in its community's queue; a case
that could not be located, in the district's).
"""
import datetime as dt
import re
from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.contacts import grid_posts
from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import GRID_ROLES
from gridgov.catalogue.services import is_leaf
from gridgov.core import clock, counters, journal
from gridgov.core.geo import Datum, parse_datum, to_wgs84
from gridgov.core.text import check_plain
from gridgov.structure import codes
from gridgov.structure.models import Unit, UnitKind
from gridgov.structure.services import unit_by_code

from ..actions import CaseAction
from ..models import OPEN_STATUSES, Case, CaseCounter, Channel, Level, Status
from . import deadlines, lifecycle
from .locate import locate
from .photos import attach

#: Characters of a description's first line that make a missing title: a headline, not the text.
TITLE_FROM_DESCRIPTION = 30
TITLE_MAX = Case._meta.get_field("title").max_length


class AlreadyFiled(ValidationError):
    """The district already has a case from this channel with this external number (HTTP 409)."""


def _cut(text: str, keep: int) -> str:
    """``text``, or its first ``keep`` characters and … when it is longer."""
    return text if len(text) <= keep else text[:keep] + "…"


def title_for(title: str, description: str, fallback: str = "") -> str:
    """The title of a case from a channel where the title is optional (the hotline, Open311): the
    one given; else the description's first line — without the ``title:`` label FixMyStreet puts
    there — cut to :data:`TITLE_FROM_DESCRIPTION` characters; else ``fallback``. Never longer than
    the title field (cut with …)."""
    title = (title or "").strip()
    if not title:
        first = next((line.strip() for line in (description or "").splitlines() if line.strip()), "")
        title = _cut(re.sub(r"^title:\s*", "", first, flags=re.IGNORECASE), TITLE_FROM_DESCRIPTION)
    title = title or fallback
    return title if len(title) <= TITLE_MAX else _cut(title, TITLE_MAX - 1)


def next_code(district_code: str, day: dt.date) -> str:
    """District code + date + a 5-digit daily sequence, from the day's counter row, added to (and
    locked until commit) in one statement."""
    value = counters.add(CaseCounter, {"district_code": district_code, "day": day}, {"value": 1}, returning="value")
    return f"{district_code}{day:%Y%m%d}{value:05d}"


def in_wgs84(lat: float, lng: float, datum: Datum) -> tuple[float, float]:
    """The reported point in WGS 84, the datum the platform stores and locates in. Checked to be on
    Earth first: the datums' formulas mean nothing elsewhere."""
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError(_("The coordinates are not a place on Earth."), code="location")
    return to_wgs84(lat, lng, datum)


def _located_unit(district: Unit, lat, lng, reported_by) -> Unit:
    if lat is not None and lng is not None:
        unit = locate(district.code, lat, lng)
        if unit is None:
            raise ValidationError(_("The location is outside %(district)s.") % {"district": district.short_name},
                                  code="location")
        return unit
    if reported_by is not None:
        own = RoleAssignment.objects.filter(user=reported_by, role__in=GRID_ROLES,
                                            unit__district_code=district.code).select_related("unit").first()
        if own:
            return own.unit
    return district


def initial_queue(category, unit: Unit) -> Unit:
    """The unit whose dispatchers own a new case: its community for community-level matters and
    small-loop fall-backs, otherwise its street; the district when the place is unknown."""
    community = codes.prefix(unit.code, "community")
    if community and category.handling_level in ("grid", "community"):
        return unit_by_code(community)
    return unit_by_code(codes.prefix(unit.code, "street") or codes.prefix(unit.code, "district"))


def on_duty(unit: Unit):
    """The grid worker for a place (the first tier of ``accounts.contacts.grid_posts``: one posted
    to its micro-grid, else to its grid, else to any micro-grid of the grid, else the grid leader);
    the least loaded when there are several. ``unit`` is a grid or a micro-grid (the small loop)."""
    users = list(grid_posts(unit).values_list("user", flat=True))
    if not users:
        return None
    # Counted in a subquery naming the district, not by joining the cases (docs/deployment.md).
    load = Case.objects.filter(district_code=unit.district_code, handler_user=OuterRef("pk"),
                               status__in=OPEN_STATUSES).order_by().values("handler_user").annotate(n=Count("pk"))
    return (User.objects.filter(pk__in=users).annotate(load=Coalesce(Subquery(load.values("n")), 0))
            .order_by("load", "pk").first())


@transaction.atomic
@journal.recording_once()  # the tallies written once for the report and the small loop's steps
def report(*, district: Unit, channel: str, title: str, category, description: str = "", lat=None, lng=None,
           address: str = "", reporter=None, reported_by=None, contact_name: str = "", contact_phone: str = "",
           reported_at: dt.datetime | None = None, external_id: str = "", close_now: bool = False,
           handling_note: str = "", photos=(), route: bool = True, unit: Unit | None = None,
           datum=Datum.WGS84, found: dict | None = None, then=None) -> Case:
    """Create a case from a report and route it. ``close_now`` is the grid worker's 即时办结 from
    patrol: it needs a photo and a small-loop case dispatched to that worker.

    ``lat``/``lng`` are in ``datum`` (a :class:`~gridgov.core.geo.Datum` or its code: a point picked
    on an Amap or Baidu map is not WGS 84). Every channel reaches this function with the point as it
    was sent, so it is converted here and only here; the case keeps the WGS 84 point and the datum
    it came in (``source_datum``). An unknown datum is refused.

    For ``gridgov.intake`` (classification of free text): ``route=False`` files a case whose category
    is only the classifier's unsure suggestion in its street's queue (the district's when it is not
    located that far), outside the small loop, for a dispatcher to classify; ``unit`` is a place
    already resolved from the address text, used when there are no coordinates; ``found`` is what
    the intake noticed (open cases alike, a category it doubts), kept on the report's timeline entry;
    ``then(case)``, when given, runs last in the same transaction and returns the case to answer
    (what the intake writes with the case: its suggestion, its classification's entry).

    Channels call :func:`through_intake`, not this: it is the last step of the intake they all share."""
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the case a title."), code="title")
    for field, value, label in (("title", title, _("The title")), ("description", description, _("The description")),
                                ("address", address, _("The address")), ("contact_name", contact_name, _("The name"))):
        check_plain(field, value, label)
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."), code="channel")
    if not category.active or not is_leaf(category):
        raise ValidationError(_("Choose a specific, active category."), code="category")
    datum = parse_datum(datum)
    if lat is not None and lng is not None:
        lat, lng = in_wgs84(lat, lng, datum)
    now = clock.now()
    reported_at = reported_at or now
    if unit is None or lat is not None or lng is not None:
        unit = _located_unit(district, lat, lng, reported_by)
    elif unit.district_code != district.code:
        raise ValidationError(_("The location is outside %(district)s.") % {"district": district.short_name},
                              code="location")
    small_loop = route and category.on_grid_list and unit.kind in (UnitKind.GRID, UnitKind.MICROGRID)
    queue = initial_queue(category, unit) if route else unit_by_code(codes.prefix(unit.code, "street") or district.code)
    case = Case(district_code=district.code, channel=channel, external_id=external_id, reporter=reporter,
                reported_by=reported_by, contact_name=contact_name, contact_phone=contact_phone, title=title,
                description=description, category=category, lat=lat, lng=lng, source_datum=datum, address=address,
                unit=unit, queue=queue, reported_at=reported_at, small_loop=small_loop,
                level=Level.GRID if small_loop else Level.STREET,
                code=next_code(district.code, timezone.localdate(reported_at)))
    case.resolution_due = deadlines.resolution_due(case)
    case.light = deadlines.light(case, now)
    _save_once(case)
    count = attach(case, reported_by, "report", photos)
    lifecycle.record(case, reported_by, CaseAction.REPORT, from_status="", now=now, first=True,
                     data={"channel": channel, "unit": unit.code, "photos": count, **(found or {})})
    worker = on_duty(unit) if small_loop else None
    if worker is not None:  # the platform's own steps on the case it has just created: not read again
        case = lifecycle.accept.held(None, case, now=now)
        case = lifecycle.dispatch.held(None, case, to_user=worker, now=now)
    if close_now:
        case = _close_now(case, reported_by, handling_note, count)
    return then(case) if then is not None else case


#: The intake every report passes through (``gridgov.intake.services.file_report``), installed by the
#: intake app when it is ready: the apps on this floor (this app's API, the visits) cannot import a
#: feeder, yet their reports must be classified, placed and checked for duplicates like any other.
_front_door: Callable[..., Case] | None = None


def install_front_door(front_door: Callable[..., Case]) -> None:
    """Make ``front_door`` (taking :func:`report`'s arguments, returning the case) the intake of every
    report filed through :func:`through_intake`."""
    global _front_door
    _front_door = front_door


def through_intake(**report_fields) -> Case:
    """File a report through the platform's one intake: the category checked or chosen, the place
    read from the address when there is no point, open cases alike looked for — then :func:`report`.
    ``category`` may be ``None`` (the intake classifies)."""
    if _front_door is None:
        raise ImproperlyConfigured("No intake is installed: add gridgov.intake to INSTALLED_APPS.")
    return _front_door(**report_fields)


def _filed_before(case: Case) -> bool:
    return Case.objects.filter(district_code=case.district_code, channel=case.channel,
                               external_id=case.external_id).exists()


def _save_once(case: Case) -> None:
    """Insert a new case, refusing a second one with the same external number from the same channel
    in the district (the number is what the hotline or an app retries with). Checked first for a
    clear refusal; two reports at the same moment both pass that check, and the loser's insert then
    breaks the ``case_external_once`` constraint, which gives the same refusal."""
    refusal = AlreadyFiled(_("A case with the external number %(number)s was already reported through this "
                             "channel.") % {"number": case.external_id}, code="external_id")
    if not case.external_id:
        case.save()  # nothing to collide with: no savepoint needed
        return
    if _filed_before(case):
        raise refusal
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        if _filed_before(case):
            raise refusal from None
        raise


def _close_now(case, worker, note: str, photo_count: int) -> Case:
    """即时办结 (the small loop's "网格员即时办结"): the reporting worker acknowledges and handles at
    once, and the case closes on their photo. The check is recorded as the platform's, on that
    evidence, never as the worker's: a worker may not verify what they handled
    (``actors.require_verifier``)."""
    if worker is None or case.handler_user_id != worker.pk:
        raise ValidationError(_("Only the grid worker on duty can close a small-loop case at once."), code="close_now")
    if photo_count < 1:
        raise ValidationError(_("Add a photo as evidence to close the case at once."), code="photos")
    case = lifecycle.acknowledge(worker, case)
    case = lifecycle.handle(worker, case, note or _("Handled on the spot."))
    if case.status == Status.HANDLED:
        case = lifecycle.verify(None, case, True, _("Closed on the spot: the reporting grid worker's photo is the "
                                                   "evidence."))
    return case
