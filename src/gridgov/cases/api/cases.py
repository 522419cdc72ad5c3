"""The cases API's reads and the report: the list (with the caller's actions on each case), one
case with its history, its public progress, a photo, and ``POST /cases``. The action endpoints
are added to the same router by :mod:`.actions`."""
import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import LimitOffsetPagination, paginate

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.catalogue.services import category_by_code
from gridgov.core.api import errors
from gridgov.core.distribution import row_key
from gridgov.people.caching import no_store
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from ..models import OPEN_STATUSES, Assignment, AssignmentStatus, Case
from ..services import filing, following
from ..services.available import available_actions
from ..services.callers import caller_district, channel_and_reporter
from ..views.case import case_photo as serve_photo
from .parsing import JsonOrForm, multipart, photo_files
from .schemas import CaseCode, CaseDetailOut, CaseFilters, CaseOut, CaseProgressOut, ReportIn

router = Router(tags=["cases"])


def operation_id(name: str) -> str:
    """The id Ninja gave the operation when the API was one module, ``gridgov.cases.api``: clients
    generated from the document call it by that name."""
    return f"gridgov_cases_api_{name}"


def _cases():
    return Case.objects.select_related("category", "unit", "queue", "handler_user", "handler_unit").prefetch_related(
        Prefetch("assignments", to_attr="active_assignments",
                 queryset=Assignment.objects.filter(status__in=AssignmentStatus.ACTIVE).select_related("department")))


def detail(case: Case) -> Case:
    """``case`` read afresh with what its detail shows, every read naming its district."""
    assignments = Assignment.objects.filter(district_code=case.district_code).select_related("department")
    return Case.objects.select_related("category", "unit", "queue", "handler_user", "handler_unit") \
        .prefetch_related(Prefetch("assignments", queryset=assignments)).get(**row_key(case))


# -- list ---------------------------------------------------------------------------------------
class Pages(LimitOffsetPagination):
    """Limit/offset pages with bounds (an offset past 2**63 would overflow the databases). The
    caller's actions on each case of the page are computed with the caller's roles read once (the
    scope keeps them on ``request.user``)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=10**9)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, **params)
        page["items"] = list(page["items"])
        for case in page["items"]:
            case.allowed_actions = available_actions(request.user, case)
        return page


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@router.get("", response={200: list[CaseOut], **errors(401, 404, 422)}, operation_id=operation_id("list_cases"))
@paginate(Pages)
def list_cases(request, filters: Query[CaseFilters]):
    """The cases in the caller's scope, newest first, each with the actions the caller may take on
    it. ``unit`` must be a unit the caller may open (another answers 404)."""
    cases = visible(request.user, _cases()).order_by("-reported_at", "-pk")
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.open is not None:
        cases = cases.filter(status__in=OPEN_STATUSES) if filters.open else cases.exclude(status__in=OPEN_STATUSES)
    if filters.category:
        cases = cases.filter(category__code__startswith=filters.category)
    if filters.unit:
        get_visible_or_404(request.user, Unit.objects.all(), code=filters.unit)
        cases = cases.filter(subtree_q("unit__code", filters.unit))
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.light:
        cases = cases.filter(light=filters.light)
    if filters.reported_from:
        cases = cases.filter(reported_at__gte=_day_start(filters.reported_from))
    if filters.reported_to and filters.reported_to < dt.date.max:
        cases = cases.filter(reported_at__lt=_day_start(filters.reported_to + dt.timedelta(days=1)))
    if filters.q:
        cases = cases.filter(title__icontains=filters.q)
    return cases


@router.get("/{code}", response={200: CaseDetailOut, **errors(401, 404, 422)}, operation_id=operation_id("case_detail"))
@decorate_view(no_store)  # the reporter's name and (masked) contact
def case_detail(request, code: CaseCode):
    """One case in the caller's scope with its whole history: the timeline (and whether its hash
    chain is intact), department assignments, whistle calls, extension requests and photos."""
    return detail(get_visible_or_404(request.user, Case.objects.all(), **Case.by_code(code)))


@router.get("/{code}/progress", response={200: CaseProgressOut, **errors(401, 404, 422)},
            operation_id=operation_id("case_progress"))
def case_progress(request, code: CaseCode):
    """How far a case has got, in its public form: for a case the caller follows (their report was
    merged into it, e.g. by joining it) or may see. Category, grid, status, dates and steps only —
    no title, description, address, reporter, photos or notes, which belong to its reporter."""
    return following.public_case(request.user, code)


IMAGE = {"description": "The image, with the type it really is.",
         "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}}


@router.get("/{code}/photos/{photo_id}", response=errors(401, 404, 422), url_name="case_photo",
            operation_id=operation_id("case_photo"),
            openapi_extra={"responses": {200: IMAGE}})
def case_photo(request, code: CaseCode, photo_id: Path[int, {"ge": 1, "le": 2**63 - 1}]):
    """A photo of a case in the caller's scope (the ``url`` of the case's ``photos``); another
    case's photo answers 404. It is the web page's photo view, which checks the scope and sends
    the image, reached here with a bearer token as well as the session."""
    return serve_photo(request, code, photo_id)


# -- report -------------------------------------------------------------------------------------
@router.post("", response={201: CaseDetailOut, **errors(400, 401, 403, 409, 422)}, openapi_extra=multipart("ReportIn"),
             operation_id=operation_id("report_case"))
def report_case(request, body: JsonOrForm[ReportIn]):
    """Report a case as the caller: a resident (一键响应) becomes its reporter, who follows and rates
    it; a grid worker's patrol report, the hotline's or anyone else's is recorded as reported by
    them. The case is located by ``lat``/``lng`` (a grid worker's report without them falls back
    to their grid, anyone else's to the district) and routed: small loop straight to the grid
    worker on duty, big loop into a dispatch queue. Send a JSON body, or ``multipart/form-data``
    with the same fields plus ``photos`` file parts. Answers 201 with the new case. Without
    ``category`` the classifier chooses (as for ``POST /intake/reports``); a given category it
    doubts, and open cases alike, are noted on the report's timeline entry for the dispatcher."""
    user = request.user
    district = caller_district(user, body.district)
    channel, reporter = channel_and_reporter(user, body.channel)
    if (body.lat is None) != (body.lng is None):
        raise ValidationError(_("Give both the latitude and the longitude, or neither."), code="location")
    category = None
    if body.category:
        category = category_by_code(body.category)
        if category is None:
            raise ValidationError(_("There is no category %(code)s.") % {"code": body.category}, code="category")
    case = filing.through_intake(district=district, channel=channel, title=body.title, category=category,
                         description=body.description, lat=body.lat, lng=body.lng, address=body.address,
                         reporter=reporter, reported_by=user, contact_name=body.contact_name,
                         contact_phone=body.contact_phone, external_id=body.external_id, close_now=body.close_now,
                         handling_note=body.handling_note, photos=photo_files(request), datum=body.datum)
    return 201, case  # as the filing left it, every relation the answer shows already at hand
