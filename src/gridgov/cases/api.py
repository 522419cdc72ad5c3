"""Cases in the API: list and report, a case with its timeline, and one endpoint per transition.

Every read goes through the scope (a case outside it answers 404, like one that does not exist);
every transition calls the case engine (``gridgov.cases.services``), which checks role, scope and
state again inside its own locked transaction. Refusals are JSON ``{"detail": …}`` in the caller's
language: wrong state 409, wrong role 403, outside the scope 404, bad input 422.

Photos: ``POST /cases`` (report) and ``POST /cases/{code}/actions/handle`` take either a JSON body
or ``multipart/form-data`` with the same fields as form fields plus one or more ``photos`` file
parts, so a phone sends the report and its pictures in one request — and a patrol worker's
即时办结 (``close_now``), which needs a photo, is all-or-nothing.
"""
import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError as InputError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.params import ParamShortcut
from ninja.params.models import Body as BodyParam, BodyModel
from pydantic import AfterValidator

from gridgov.cases.services.callers import caller_district, channel_and_reporter
from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.catalogue.models import Category
from gridgov.core.api import errors
from gridgov.core.text import PlainText
from gridgov.people.caching import no_store
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Department, Unit

from .models import OPEN_STATUSES, Assignment, Case, Channel, Light, Rating, Status, WhistleCall
from .services import actors, following, intake, lifecycle, timeline
from .services import whistle as whistles
from .services.available import available_actions
from .services.lifecycle import ACTIVE_ASSIGNMENT, REJECT_REASONS
from .views.case import case_photo as serve_photo

router = Router(tags=["cases"])

CaseCode = Path[str, {"pattern": r"^\d{1,24}$", "description": "A case code, e.g. 5101132024030400001."}]
UNIT_CODE = r"^\d{6,18}$"
CATEGORY_CODE = r"^(\d{2}){1,3}$"
DEPARTMENT_CODE = r"^[-a-zA-Z0-9_]{1,40}$"
MAX_PHOTOS = 9
NOTE = 2000  # notes go to TextFields; a bound keeps requests sane


# -- request bodies: JSON, or a form with photos ------------------------------------------------
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class JsonOrFormModel(BodyModel):
    """A body read from JSON or, for a form post, from its fields (empty fields count as absent)."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type not in FORM_TYPES:
            data = super().get_request_data(request, api, path_params)
            varname = getattr(cls, "__read_from_single_attr__", None)
            value = data.get(varname) if data and varname else data
            if value is not None and not isinstance(value, dict):
                # Ninja's schemas read attributes, so a list or a string would pass as "no fields".
                raise InputError([{"type": "dict_type", "loc": ("body",), "msg": "Input should be an object"}])
            return data
        try:
            data = {key: value for key, value in request.POST.items() if value != ""}
        except MultiPartParserError as error:
            raise HttpError(400, "Cannot parse request body") from error
        varname = getattr(cls, "__read_from_single_attr__", None)
        return {varname: data} if varname else data


class JsonOrFormParam(BodyParam):
    _model = JsonOrFormModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"


JsonOrForm = ParamShortcut(lambda default=..., **kwargs: JsonOrFormParam(default, **kwargs))


def _photos(request) -> list:
    if request.content_type != "multipart/form-data":
        return []
    files = request.FILES.getlist("photos")
    if len(files) > MAX_PHOTOS:
        raise ValidationError(_("Send at most %(count)s photos at once.") % {"count": MAX_PHOTOS}, code="photos")
    return files


def _multipart(schema_name: str) -> dict:
    """The OpenAPI text for a body that may also be a multipart form with photos."""
    return {"requestBody": {"content": {"multipart/form-data": {"schema": {"allOf": [
        {"$ref": f"#/components/schemas/{schema_name}"},
        {"type": "object", "properties": {"photos": {
            "type": "array", "items": {"type": "string", "format": "binary"},
            "description": f"Up to {MAX_PHOTOS} images (JPEG, PNG …), at most 10 MB each."}}},
    ]}}}}}


# -- output ------------------------------------------------------------------------------------
def _local(value):
    return timezone.localtime(value) if value else None


#: A time as the district reads it (Asia/Shanghai, +08:00).
Local = Annotated[dt.datetime, AfterValidator(_local)]


class Ref(Schema):
    code: str
    name: str


class HandlerOut(Schema):
    user: str | None = Field(None, description="The username of the person handling the case.")
    grid: str | None = Field(None, description="The grid whose workers may acknowledge the case.")
    departments: list[str] = Field([], description="Short names of the departments working on it, lead first.")


def _active_assignments(case):
    found = getattr(case, "active_assignments", None)
    if found is None:
        found = [a for a in case.assignments.all() if a.status in ACTIVE_ASSIGNMENT]
    return sorted(found, key=lambda a: (not a.lead, a.dispatched_at, a.pk))


class CaseOut(Schema):
    code: str
    title: str
    status: str
    status_label: str
    category: Ref
    channel: str
    unit: Ref
    light: str
    reported_at: Local
    response_due: Local | None
    resolution_due: Local | None
    supervised: bool
    whistled: bool
    reopen_count: int
    handler: HandlerOut
    actions: list[str] = Field(..., description="The actions the caller may take now (POST …/actions/{action}).")

    @staticmethod
    def resolve_status_label(obj):
        return str(Status(obj.status).label)

    @staticmethod
    def resolve_handler(obj):
        return {"user": obj.handler_user.username if obj.handler_user_id else None,
                "grid": obj.handler_unit.code if obj.handler_unit_id else None,
                "departments": [a.department.short_name for a in _active_assignments(obj)]}

    @staticmethod
    def resolve_actions(obj, context):
        found = getattr(obj, "allowed_actions", None)  # a list page computes them all at once
        return found if found is not None else available_actions(context["request"].user, obj)


class TimelineOut(Schema):
    seq: int
    action: str
    actor: str | None = Field(..., description="The acting user's username; null for the platform itself.")
    from_status: str
    to_status: str
    note: str
    data: dict
    at: Local

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username if obj.actor_id else None


class DepartmentOut(Schema):
    """A row that belongs to a department (an assignment, a whistle call): its code and short name."""

    department: str
    department_name: str

    @staticmethod
    def resolve_department(obj):
        return obj.department.code

    @staticmethod
    def resolve_department_name(obj):
        return obj.department.short_name


class AssignmentOut(DepartmentOut):
    lead: bool
    status: str
    dispatched_at: Local
    acknowledged_at: Local | None
    handled_at: Local | None
    note: str
    returned_at: Local | None
    return_reason: str


class WhistleCallOut(DepartmentOut):
    whistled_at: Local
    whistled_by: str
    limit_minutes: int
    due_at: Local
    reported_at: Local | None
    late: bool
    missed: bool
    score: int | None

    @staticmethod
    def resolve_whistled_at(obj):
        return obj.whistle.at

    @staticmethod
    def resolve_whistled_by(obj):
        return obj.whistle.by.username

    @staticmethod
    def resolve_limit_minutes(obj):
        return obj.whistle.limit_minutes


class ExtensionOut(Schema):
    days: float
    reason: str
    requested_by: str
    requested_at: Local
    granted: bool | None
    decided_by: str | None
    decided_at: Local | None

    @staticmethod
    def resolve_requested_by(obj):
        return obj.requested_by.username

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.username if obj.decided_by_id else None


class PhotoOut(Schema):
    stage: str
    url: str
    at: Local

    @staticmethod
    def resolve_url(obj, context):
        """The API's own photo route (:func:`case_photo`), which a bearer token opens; the file's
        storage URL would need the web session."""
        return context["request"].build_absolute_uri(
            reverse("api:case_photo", kwargs={"code": obj.case.code, "photo_id": obj.pk}))


class CaseDetailOut(CaseOut):
    description: str
    address: str
    lat: float | None
    lng: float | None
    contact_name: str
    contact_phone: str = Field(..., description="Masked: 138****5678.")
    external_id: str
    level: str
    queue: str
    small_loop: bool
    accepted_at: Local | None
    dispatched_at: Local | None
    acknowledged_at: Local | None
    handled_at: Local | None
    closed_at: Local | None
    closed_on_time: bool | None
    rating: str
    rated_at: Local | None
    reject_reason: str
    merged_into: str | None
    extension_days: float
    return_count: int
    rework_count: int
    escalation_count: int
    timeline: list[TimelineOut]
    timeline_intact: bool = Field(..., description="Whether the tamper-evident timeline's hash chain verifies.")
    assignments: list[AssignmentOut]
    whistle_calls: list[WhistleCallOut]
    extensions: list[ExtensionOut]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_contact_phone(obj):
        return obj.masked_contact_phone

    @staticmethod
    def resolve_queue(obj):
        return obj.queue.code

    @staticmethod
    def resolve_merged_into(obj):
        return obj.merged_into.code if obj.merged_into_id else None

    @staticmethod
    def resolve_timeline(obj):
        return obj.timeline.select_related("actor").order_by("seq")

    @staticmethod
    def resolve_timeline_intact(obj):
        return timeline.verify(obj)

    @staticmethod
    def resolve_assignments(obj):
        return obj.assignments.all()

    @staticmethod
    def resolve_whistle_calls(obj):
        return WhistleCall.objects.filter(whistle__case=obj).select_related("whistle__by", "department") \
            .order_by("whistle__at", "department__code")

    @staticmethod
    def resolve_extensions(obj):
        return obj.extensions.select_related("requested_by", "decided_by")

    @staticmethod
    def resolve_photos(obj):
        return obj.photos.all()


def _cases():
    return Case.objects.select_related("category", "unit", "queue", "handler_user", "handler_unit").prefetch_related(
        Prefetch("assignments", to_attr="active_assignments",
                 queryset=Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT).select_related("department")))


def _detail(pk) -> Case:
    return Case.objects.select_related("category", "unit", "queue", "handler_user", "handler_unit", "merged_into") \
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("department"))).get(pk=pk)


# -- list ---------------------------------------------------------------------------------------
class Pages(LimitOffsetPagination):
    """Limit/offset pages with bounds (an offset past 2**63 would overflow the databases). The
    caller's actions on each case of the page are computed with the caller's roles read once."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=10**9)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, **params)
        page["items"] = list(page["items"])
        with actors.remembered_roles():
            for case in page["items"]:
                case.allowed_actions = available_actions(request.user, case)
        return page


class CaseFilters(Schema):
    status: Literal[tuple(Status.values)] | None = Field(None, description="One status.")
    open: bool | None = Field(None, description="true: only open cases (reported … handled, suspended); false: only the others.")
    category: str | None = Field(None, pattern=CATEGORY_CODE, description="A category code; its sub-categories are included.")
    unit: str | None = Field(None, pattern=UNIT_CODE, description="A unit code: cases located in its subtree.")
    channel: Literal[tuple(Channel.values)] | None = None
    light: Literal[tuple(Light.values)] | None = None
    reported_from: dt.date | None = Field(None, description="Reported on or after this day (Asia/Shanghai).")
    reported_to: dt.date | None = Field(None, description="Reported on or before this day (Asia/Shanghai).")
    q: str | None = Field(None, max_length=50, description="Part of the title.")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@router.get("", response={200: list[CaseOut], **errors(401, 404, 422)})
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


@router.get("/{code}", response={200: CaseDetailOut, **errors(401, 404, 422)})
@decorate_view(no_store)  # the reporter's name and (masked) contact
def case_detail(request, code: CaseCode):
    """One case in the caller's scope with its whole history: the timeline (and whether its hash
    chain is intact), department assignments, whistle calls, extension requests and photos."""
    case = get_visible_or_404(request.user, Case.objects.all(), code=code)
    return _detail(case.pk)


class StepOut(Schema):
    action: str = Field(description="The step's action: report, accept, dispatch, acknowledge, handle, close …")
    status: str = Field(description="The status it led to.")
    at: Local


class CaseProgressOut(Schema):
    """A case in its public form (``services.following.PublicCase``)."""

    code: str
    status: str
    status_label: str
    category: Ref
    place: str = Field(description="The grid (or coarser unit) the case is in.")
    reported_at: Local
    resolution_due: Local | None
    closed_at: Local | None
    merged_into: str | None
    steps: list[StepOut]
    own_cases: list[str] = Field(description="The caller's own reports merged into this case.")

    @staticmethod
    def resolve_category(obj):
        return {"code": obj.category.code, "name": obj.category.plain_name}

    @staticmethod
    def resolve_own_cases(obj):
        return obj.own


@router.get("/{code}/progress", response={200: CaseProgressOut, **errors(401, 404, 422)})
def case_progress(request, code: CaseCode):
    """How far a case has got, in its public form: for a case the caller follows (their report was
    merged into it, e.g. by joining it) or may see. Category, grid, status, dates and steps only —
    no title, description, address, reporter, photos or notes, which belong to its reporter."""
    return following.public_case(request.user, code)


IMAGE = {"description": "The image, with the type it really is.",
         "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}}


@router.get("/{code}/photos/{photo_id}", response=errors(401, 404, 422), url_name="case_photo",
            openapi_extra={"responses": {200: IMAGE}})
def case_photo(request, code: CaseCode, photo_id: Path[int, {"ge": 1, "le": 2**63 - 1}]):
    """A photo of a case in the caller's scope (the ``url`` of the case's ``photos``); another
    case's photo answers 404. It is the web page's photo view, which checks the scope and sends
    the image, reached here with a bearer token as well as the session."""
    return serve_photo(request, code, photo_id)


# -- report -------------------------------------------------------------------------------------
class ReportIn(Schema):
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=NOTE)
    category: str = Field(..., pattern=CATEGORY_CODE, description="A leaf category's code (GET /categories?leaves=1).")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    address: PlainText = Field("", max_length=200)
    channel: Literal[tuple(Channel.values)] | None = Field(
        None, description="Default: app for residents (who may use no other), patrol for grid workers, other for the rest.")
    contact_name: PlainText = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20, pattern=r"^[0-9+\- ]*$")
    external_id: str = Field("", max_length=64, description="The hotline's or app's own number for the case.")
    close_now: bool = Field(False, description="A grid worker's 即时办结 from patrol: close at once (needs a photo).")
    handling_note: PlainText = Field("", max_length=NOTE)
    district: str | None = Field(None, pattern=r"^\d{6}$",
                                 description="Only for callers working in several districts: which one.")


@router.post("", response={201: CaseDetailOut, **errors(400, 401, 403, 409, 422)}, openapi_extra=_multipart("ReportIn"))
def report_case(request, body: JsonOrForm[ReportIn]):
    """Report a case as the caller: a resident (一键响应) becomes its reporter, who follows and rates
    it; a grid worker's patrol report, the hotline's or anyone else's is recorded as reported by
    them. The case is located by ``lat``/``lng`` (a grid worker's report without them falls back
    to their grid, anyone else's to the district) and routed: small loop straight to the grid
    worker on duty, big loop into a dispatch queue. Send a JSON body, or ``multipart/form-data``
    with the same fields plus ``photos`` file parts. Answers 201 with the new case."""
    user = request.user
    district = caller_district(user, body.district)
    channel, reporter = channel_and_reporter(user, body.channel)
    if (body.lat is None) != (body.lng is None):
        raise ValidationError(_("Give both the latitude and the longitude, or neither."), code="location")
    category = Category.objects.filter(code=body.category).first()
    if category is None:
        raise ValidationError(_("There is no category %(code)s.") % {"code": body.category}, code="category")
    case = intake.report(district=district, channel=channel, title=body.title, category=category,
                         description=body.description, lat=body.lat, lng=body.lng, address=body.address,
                         reporter=reporter, reported_by=user, contact_name=body.contact_name,
                         contact_phone=body.contact_phone, external_id=body.external_id, close_now=body.close_now,
                         handling_note=body.handling_note, photos=_photos(request))
    return 201, _detail(case.pk)


# -- actions ------------------------------------------------------------------------------------
class NoteIn(Schema):
    note: PlainText = Field("", max_length=NOTE)


class EmptyIn(Schema):
    pass


class RejectIn(NoteIn):
    reason: Literal[tuple(REJECT_REASONS)]


class DispatchIn(NoteIn):
    to_user: str | None = Field(None, max_length=150, description="A username: a worker of the case's grid or staff of its community.")
    to_grid: str | None = Field(None, pattern=r"^(\d{15}|\d{18})$", description="The code of the (micro-)grid the case is in.")
    lead: str | None = Field(None, pattern=DEPARTMENT_CODE, description="The lead department's code.")
    assisting: list[str] = Field([], max_length=20, description="Assisting departments' codes (with a lead).")


class ReasonIn(Schema):
    reason: PlainText = Field(..., max_length=200)


class HandleIn(Schema):
    note: PlainText = Field(..., max_length=NOTE, description="What was done.")


class VerifyIn(NoteIn):
    passed: bool


class ExtensionIn(Schema):
    days: Decimal = Field(..., gt=0, le=30, decimal_places=1, description="Working days, in steps of 0.1.")
    reason: PlainText = Field(..., max_length=200)


class DecideExtensionIn(NoteIn):
    granted: bool


class MergeIn(NoteIn):
    into: str = Field(..., pattern=r"^\d{1,24}$", description="The code of the case this one duplicates.")


class RateIn(NoteIn):
    rating: Literal[tuple(Rating.values)]


class WhistleIn(Schema):
    departments: list[str] = Field(..., min_length=1, max_length=20, description="The called departments' codes.")
    limit_minutes: int | None = Field(None, ge=1, le=7 * 24 * 60, description="Report-in limit; the district's default when absent.")
    note: PlainText = Field("", max_length=200)


class RateDepartmentIn(Schema):
    department: str = Field(..., pattern=DEPARTMENT_CODE)
    score: int = Field(..., ge=1, le=5)


def _departments(user, case, codes: list[str]) -> list[Department]:
    found = {d.code: d for d in visible(user, Department.objects.filter(district__code=case.district_code,
                                                                         code__in=codes)).select_related("district")}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(_("The case's district has no department %(codes)s.") % {"codes": ", ".join(unknown)},
                              code="department")
    return [found[code] for code in codes]


def _user(user, case, username: str) -> User:
    """A user working in the case's district and in the caller's part of it."""
    target = User.objects.filter(
        username=username, is_active=True,
        pk__in=RoleAssignment.objects.filter(unit__in=visible(user, Unit.objects.filter(district_code=case.district_code)))
        .values("user")).first()
    if target is None:
        raise ValidationError(_("Nobody called “%(username)s” works where you can dispatch.") % {"username": username},
                              code="to_user")
    return target


def _grid(user, code: str) -> Unit:
    grid = visible(user, Unit.objects.filter(code=code)).first()
    if grid is None:
        raise ValidationError(_("There is no grid %(code)s in your area.") % {"code": code}, code="to_grid")
    return grid


def _dispatch(request, case, body: DispatchIn, photos):
    user = request.user
    if body.assisting and not body.lead:
        raise ValidationError(_("Assisting departments need a lead department."), code="assisting")
    targets = {}
    if body.to_user:
        targets["to_user"] = _user(user, case, body.to_user)
    if body.to_grid:
        targets["to_grid"] = _grid(user, body.to_grid)
    if body.lead:
        lead, *assisting = _departments(user, case, [body.lead, *body.assisting])
        targets.update(lead=lead, assisting=assisting)
    return lifecycle.dispatch(user, case, note=body.note, **targets)


def _merge(request, case, body: MergeIn, photos):
    master = visible(request.user, Case.objects.filter(code=body.into)).first()
    if master is None:
        raise ValidationError(_("There is no case %(code)s in your area.") % {"code": body.into}, code="into")
    return lifecycle.merge(request.user, case, master, body.note)


def _whistle(request, case, body: WhistleIn, photos):
    departments = _departments(request.user, case, list(dict.fromkeys(body.departments)))
    return whistles.whistle(request.user, case, departments, limit_minutes=body.limit_minutes, note=body.note)


def _rate_department(request, case, body: RateDepartmentIn, photos):
    department, = _departments(request.user, case, [body.department])
    return whistles.rate_department(request.user, case, department, body.score)


# name: (body schema, summary, run(request, case, body, photos), takes photos)
ACTIONS = {
    "accept": (NoteIn, "受理: accept a reported case into the queue.",
               lambda r, c, b, p: lifecycle.accept(r.user, c, note=b.note), False),
    "reject": (RejectIn, "不予受理: reject a reported case (duplicate, out_of_scope, invalid).",
               lambda r, c, b, p: lifecycle.reject(r.user, c, b.reason, b.note), False),
    "dispatch": (DispatchIn, "派遣: dispatch an accepted case to exactly one of a person (to_user), a grid (to_grid) "
                             "or a lead department (lead) with assisting departments.", _dispatch, False),
    "acknowledge": (EmptyIn, "签收: the handler (or a dispatched department) acknowledges the case.",
                    lambda r, c, b, p: lifecycle.acknowledge(r.user, c), False),
    "return": (ReasonIn, "退单: return a wrong dispatch to the queue, with the reason.",
               lambda r, c, b, p: lifecycle.return_case(r.user, c, b.reason), False),
    "handle": (HandleIn, "处置反馈: the handler reports what was done; JSON, or multipart with photos.",
               lambda r, c, b, p: lifecycle.handle(r.user, c, b.note, photos=p), True),
    "verify": (VerifyIn, "核查: the grid verifies a handled case; passed closes it, a failure is rework.",
               lambda r, c, b, p: lifecycle.verify(r.user, c, b.passed, b.note), False),
    "escalate": (NoteIn, "上报: move the case one level up (grid → community → street → district).",
                 lambda r, c, b, p: lifecycle.escalate(r.user, c, b.note), False),
    "request_extension": (ExtensionIn, "延期申请: the handler asks for more working days.",
                          lambda r, c, b, p: lifecycle.request_extension(r.user, c, b.days, b.reason), False),
    "decide_extension": (DecideExtensionIn, "延期审批: a dispatcher grants or refuses the pending extension.",
                         lambda r, c, b, p: lifecycle.decide_extension(r.user, c, b.granted, b.note), False),
    "suspend": (ReasonIn, "挂起: stop the clock, with the reason.",
                lambda r, c, b, p: lifecycle.suspend(r.user, c, b.reason), False),
    "resume": (NoteIn, "恢复: resume a suspended case.",
               lambda r, c, b, p: lifecycle.resume(r.user, c, b.note), False),
    "merge": (MergeIn, "并案: merge this duplicate into another open case (into).", _merge, False),
    "supervise": (NoteIn, "督办: the district or the case's street supervises the case.",
                  lambda r, c, b, p: lifecycle.supervise(r.user, c, b.note), False),
    "rate": (RateIn, "回访评价: the reporter rates the closed case; the first unsatisfied rating reopens it.",
             lambda r, c, b, p: lifecycle.rate(r.user, c, b.rating, b.note), False),
    "whistle": (WhistleIn, "吹哨: the street calls departments, who must report in within the limit.", _whistle, False),
    "report_in": (EmptyIn, "报到: a called department reports in.",
                  lambda r, c, b, p: whistles.report_in(r.user, c), False),
    "rate_department": (RateDepartmentIn, "The street rates a called department's response (1–5) after closure.",
                        _rate_department, False),
}


def _action_view(name, schema, run, takes_photos):
    def act(request, code, body):
        case = get_visible_or_404(request.user, Case.objects.all(), code=code)
        run(request, case, body if body is not None else schema(), _photos(request) if takes_photos else [])
        return _detail(case.pk)

    if any(field.is_required() for field in schema.model_fields.values()):
        def view(request, code: CaseCode, body: JsonOrForm[schema]):
            return act(request, code, body)
    else:  # the body may be left out altogether
        def view(request, code: CaseCode, body: JsonOrForm[schema] = None):
            return act(request, code, body)

    view.__name__ = f"case_{name}"
    return view


for _name, (_schema, _summary, _run, _takes_photos) in ACTIONS.items():
    router.add_api_operation(
        f"/{{code}}/actions/{_name}", ["POST"], _action_view(_name, _schema, _run, _takes_photos),
        response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 422)}, summary=_summary,
        operation_id=f"case_action_{_name}",
        description=f"{_summary}\n\nAnswers the updated case. Refusals: 409 when the case's state does not allow "
                    f"it, 403 for a wrong role, 404 outside the caller's scope, 422 for bad input.",
        openapi_extra=_multipart(_schema.__name__) if _takes_photos else None)


@router.post("/{code}/actions/{action}", include_in_schema=False)
def unknown_action(request, code: CaseCode, action: str):
    """Any other action name: 404 with a JSON detail, like every other refusal."""
    get_visible_or_404(request.user, Case.objects.all(), code=code)
    raise HttpError(404, _("There is no action “%(action)s”.") % {"action": action})
