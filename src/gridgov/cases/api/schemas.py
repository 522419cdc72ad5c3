"""What the cases API answers (a case, its timeline, assignments, whistle calls, extensions,
photos, its public progress), the list's filters and the report's body; times as the district
reads them (Asia/Shanghai). The action bodies are in :mod:`.bodies`."""
import datetime as dt
from typing import Annotated, Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Schema
from pydantic import AfterValidator

from gridgov.core import journal
from gridgov.core.geo import DATUM_HELP, Datum
from gridgov.core.text import PlainText

from ..models import AssignmentStatus, Case, Channel, Light, Status, WhistleCall
from ..services.available import available_actions

CaseCode = Path[str, {"pattern": r"^\d{1,24}$", "description": "A case code, e.g. 5101132024030400001."}]
UNIT_CODE = r"^\d{6,18}$"
CATEGORY_CODE = r"^(\d{2}){1,3}$"
DEPARTMENT_CODE = r"^[-a-zA-Z0-9_]{1,40}$"
NOTE = 2000  # notes go to TextFields; a bound keeps requests sane


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


def _timeline(case) -> list:
    """The case's timeline in order, read once for the entries and the check of their chain."""
    if "_timeline_read" not in case.__dict__:
        case._timeline_read = list(case.own("timeline").select_related("actor").order_by("seq"))
    return case._timeline_read


def _assignments(case) -> list:
    """The case's department assignments, read once per answer, in its district (none before its
    first dispatch; the detail's prefetched ones when it has them)."""
    if "_assignments_read" not in case.__dict__:
        prefetched = "assignments" in getattr(case, "_prefetched_objects_cache", {})
        rows = case.assignments.all() if prefetched else case.own("assignments").select_related("department")
        case._assignments_read = list(rows) if case.dispatch_count else []
    return case._assignments_read


def _active_assignments(case):
    found = getattr(case, "active_assignments", None)
    if found is None:
        found = [a for a in _assignments(case) if a.status in AssignmentStatus.ACTIVE]
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
        return Status.text(obj.status)

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
    lat: float | None = Field(..., description="WGS 84, whatever datum the point was reported in.")
    lng: float | None
    source_datum: str = Field(..., description="The datum the reported point came in (wgs84, gcj02, bd09).")
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
        # A case is merged only into one of its district (lifecycle.merge): read there.
        return Case.objects.values_list("code", flat=True).get(pk=obj.merged_into_id, district_code=obj.district_code) \
            if obj.merged_into_id else None

    @staticmethod
    def resolve_timeline(obj):
        return _timeline(obj)

    @staticmethod
    def resolve_timeline_intact(obj):
        return journal.verify(obj, entries=_timeline(obj))

    @staticmethod
    def resolve_assignments(obj):
        return _assignments(obj)

    @staticmethod
    def resolve_whistle_calls(obj):
        if not obj.whistled:
            return []
        return WhistleCall.objects.filter(whistle__case=obj).select_related("whistle__by", "department") \
            .order_by("whistle__at", "department__code")

    @staticmethod
    def resolve_extensions(obj):
        return obj.extensions.select_related("requested_by", "decided_by")

    @staticmethod
    def resolve_photos(obj):
        return obj.photos.all()


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


class ReportIn(Schema):
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=NOTE)
    category: str | None = Field(None, pattern=CATEGORY_CODE,
                                 description="A leaf category's code (GET /categories?leaves=1); without it the "
                                             "platform classifies the text.")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    datum: Literal[tuple(Datum.values)] = Field(Datum.WGS84, description=DATUM_HELP)
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
