"""The care API (tag ``care``): plans and their guardians, check-ins (the day's list, recording),
escalations (list, resolve), devices (register, rotate, revoke) and readings, which a device posts
with its own key instead of a user's token. Every step calls one service (docs/care.md)."""
import datetime as dt
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.security import APIKeyHeader, HttpBearer
from pydantic import AfterValidator

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core import clock
from gridgov.core.api import errors
from gridgov.core.text import PlainText
from gridgov.people.models import Person, SpecialGroup
from gridgov.structure.models import Unit

from .models import CarePlan, CheckIn, Device, Escalation, Method, Outcome, Result
from .services import checkins, devices, escalations, plans
from .services.common import settings_for
from .services.settings import configure
from .services.timing import timing

router = Router(tags=["care"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
RefId = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _in_range(moment: dt.datetime) -> dt.datetime:
    if not 2000 <= moment.year <= 2100:
        raise ValueError("a time between the years 2000 and 2100")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


#: A time the district works with (years 2000–2100); without a zone, the district's local time.
Moment = Annotated[dt.datetime, AfterValidator(_in_range)]


def _day_in_range(day: dt.date) -> dt.date:
    if not 2000 <= day.year <= 2100:
        raise ValueError("a date between the years 2000 and 2100")
    return day


def _local_time(moment: dt.time) -> dt.time:
    if moment.tzinfo is not None:
        raise ValueError("a local time of day, without a zone")
    return moment


Day = Annotated[dt.date, AfterValidator(_day_in_range)]
TimeOfDay = Annotated[dt.time, AfterValidator(_local_time)]


# -- schemas ---------------------------------------------------------------------------------------
class CareGuardianOut(Schema):
    id: int
    name: str
    relation: str
    phone: str = Field(..., description="Masked; reveal through the care page (logged).")

    @staticmethod
    def resolve_phone(obj):
        return obj.masked_phone


class CareDeviceOut(Schema):
    id: int
    kind: str
    label: str
    key_hint: str
    active: bool
    last_seen: dt.datetime | None


class CarePlanOut(Schema):
    id: int
    person: int
    person_name: str
    group: str
    status: str
    every_days: int
    frequency: str
    window_start: dt.time
    window_hours: int
    method: str
    buddy: int
    buddy_name: str
    grid_worker: str
    starts_on: dt.date
    ends_on: dt.date | None
    note: str
    guardians: list[CareGuardianOut]
    devices: list[CareDeviceOut]

    @staticmethod
    def resolve_person(obj):
        return obj.person_id

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_group(obj):
        return obj.group.code

    @staticmethod
    def resolve_frequency(obj):
        return obj.get_frequency_display()

    @staticmethod
    def resolve_buddy(obj):
        return obj.buddy_id

    @staticmethod
    def resolve_buddy_name(obj):
        return obj.buddy.name

    @staticmethod
    def resolve_grid_worker(obj):
        return obj.grid_worker.username

    @staticmethod
    def resolve_guardians(obj):
        return list(obj.guardians.all())

    @staticmethod
    def resolve_devices(obj):
        return list(obj.devices.all())


class CareGuardianIn(Schema):
    name: PlainText = Field(..., min_length=1, max_length=50)
    relation: PlainText = Field(..., min_length=1, max_length=20)
    phone: str = Field(..., max_length=20)


class CarePlanChangeIn(Schema):
    every_days: int | None = Field(None, ge=1, le=31)
    window_start: TimeOfDay | None = None
    window_hours: int | None = Field(None, ge=1, le=24)
    method: Literal["phone", "visit", "device"] | None = None
    buddy: RefId | None = None
    grid_worker: RefId | None = Field(None, description="The user id of a grid worker over the person's home.")
    ends_on: Day | None = None
    note: PlainText | None = Field(None, max_length=500)


class CarePlanIn(Schema):
    person: RefId
    group: str = Field(..., max_length=40, description="The special group's code, e.g. elderly-alone.")
    starts_on: Day
    every_days: int = Field(1, ge=1, le=31)
    window_start: TimeOfDay = dt.time(8)
    window_hours: int = Field(12, ge=1, le=24)
    method: Literal["phone", "visit", "device"] = Method.PHONE
    buddy: RefId
    grid_worker: RefId
    ends_on: Day | None = None
    note: PlainText = Field("", max_length=500)
    guardians: list[CareGuardianIn] = Field([], max_length=10)


class CareReasonIn(Schema):
    reason: PlainText = Field("", max_length=200)


class CareCheckInOut(Schema):
    id: int
    plan: int
    person_name: str
    seq: int
    earliest: dt.datetime
    latest: dt.datetime
    status: str
    timing: str = Field(..., description="upcoming, due, late, missed, done or cancelled (docs/care.md).")
    result: str
    method: str
    note: str
    done_at: dt.datetime | None

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id

    @staticmethod
    def resolve_person_name(obj):
        return obj.plan.person.name

    @staticmethod
    def resolve_timing(obj):
        return timing(obj, clock.now())


class CareCheckInFilters(Schema):
    day: Day | None = Field(None, description="Check-ins whose window opens this day (default: today).")
    status: Literal["scheduled", "done", "missed", "cancelled"] | None = None
    plan: RefId | None = None


class CareRecordIn(Schema):
    result: Literal["well", "needs_help", "unreachable"] = Field(..., description=str(Result.choices))
    note: PlainText = Field("", max_length=500)


class CareEscalationOut(Schema):
    id: int
    plan: int
    person_name: str
    check_in: int | None
    reason: str
    step: int
    step_label: str
    status: str
    opened_at: dt.datetime
    step_at: dt.datetime
    resolved_at: dt.datetime | None
    outcome: str
    need: str
    note: str

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id

    @staticmethod
    def resolve_person_name(obj):
        return obj.plan.person.name

    @staticmethod
    def resolve_check_in(obj):
        return obj.check_in_id

    @staticmethod
    def resolve_step_label(obj):
        return str(obj.get_step_display())


class CareEscalationFilters(Schema):
    status: Literal["open", "resolved"] | None = "open"
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**6)


class CareResolveIn(Schema):
    outcome: Literal["well", "needs_help", "hospital", "away", "other"] = Field(..., description=str(Outcome.choices))
    note: PlainText = Field("", max_length=500)
    need: PlainText = Field("", max_length=500)


class CareDeviceIn(Schema):
    kind: Literal["door", "wristband", "bp"]
    label: PlainText = Field("", max_length=50)


class CareDeviceKeyOut(Schema):
    device: CareDeviceOut
    key: str = Field(..., description="Shown this once: only its hash is kept.")


class CareReadingIn(Schema):
    kind: Literal["door_open", "heart_rate", "bp"]
    values: dict[Literal["heart_rate", "systolic", "diastolic"], float] = {}
    measured_at: Moment


class CareReadingOut(Schema):
    id: int
    kind: str
    in_range: bool
    measured_at: dt.datetime


class CareSettingsOut(Schema):
    district_code: str
    buddy_hours: int
    grid_hours: int
    staff_hours: int
    door_silence_hours: int


class CareSettingsIn(Schema):
    buddy_hours: int | None = Field(None, ge=1, le=168)
    grid_hours: int | None = Field(None, ge=1, le=168)
    staff_hours: int | None = Field(None, ge=1, le=168)
    door_silence_hours: int | None = Field(None, ge=1, le=168)


# -- plans -----------------------------------------------------------------------------------------
def _plans(request):
    return visible(request.user, CarePlan.objects.select_related("person", "group", "buddy", "grid_worker"))


def _plan(request, pk) -> CarePlan:
    return get_visible_or_404(request.user, _plans(request), pk=pk)


def _user(pk):
    from django.contrib.auth.models import User

    return User.objects.filter(pk=pk).first()


@router.get("/plans", response={200: list[CarePlanOut], **errors(401, 422)}, summary="Care plans")
def list_plans(request, status: Literal["active", "paused", "ended"] | None = None,
               limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=10**6)):
    rows = _plans(request)
    if status:
        rows = rows.filter(status=status)
    return list(rows.prefetch_related("guardians", "devices")[offset:offset + limit])


@router.post("/plans", response={201: CarePlanOut, **errors(400, 401, 403, 404, 422)}, summary="Make a care plan")
def create_plan(request, body: CarePlanIn):
    person = get_visible_or_404(request.user, Person.objects.select_related("unit"), pk=body.person)
    buddy = get_visible_or_404(request.user, Person.objects.all(), pk=body.buddy)
    plan = plans.create_plan(
        request.user, person=person, group=SpecialGroup.objects.filter(code=body.group).first(),
        starts_on=body.starts_on, every_days=body.every_days, window_start=body.window_start,
        window_hours=body.window_hours, method=body.method, buddy=buddy, grid_worker=_user(body.grid_worker),
        ends_on=body.ends_on, note=body.note, guardians=[(g.name, g.relation, g.phone) for g in body.guardians])
    return 201, _plan(request, plan.pk)


@router.get("/plans/{pk}", response={200: CarePlanOut, **errors(401, 404, 422)}, summary="One care plan")
def plan_detail(request, pk: Id):
    return _plan(request, pk)


PLAN_STEP = {200: CarePlanOut, **errors(400, 401, 403, 404, 409, 422)}


@router.patch("/plans/{pk}", response=PLAN_STEP, summary="Change a plan (schedule, method, buddy, worker, end)")
def change_plan(request, pk: Id, body: CarePlanChangeIn):
    values = body.dict(exclude_unset=True)
    if "buddy" in values:
        values["buddy"] = get_visible_or_404(request.user, Person.objects.all(), pk=values["buddy"])
    if "grid_worker" in values:
        values["grid_worker"] = _user(values["grid_worker"])
    plans.change_plan(request.user, _plan(request, pk), **values)
    return _plan(request, pk)


@router.post("/plans/{pk}/pause", response=PLAN_STEP, summary="Pause a plan")
def pause_plan(request, pk: Id, body: CareReasonIn):
    plans.pause(request.user, _plan(request, pk), body.reason)
    return _plan(request, pk)


@router.post("/plans/{pk}/resume", response=PLAN_STEP, summary="Resume a paused plan")
def resume_plan(request, pk: Id):
    plans.resume(request.user, _plan(request, pk))
    return _plan(request, pk)


@router.post("/plans/{pk}/end", response=PLAN_STEP, summary="End a plan")
def end_plan(request, pk: Id, body: CareReasonIn):
    plans.end(request.user, _plan(request, pk), body.reason)
    return _plan(request, pk)


@router.post("/plans/{pk}/guardians", response=PLAN_STEP, summary="Add a guardian")
def add_guardian(request, pk: Id, body: CareGuardianIn):
    plans.add_guardian(request.user, _plan(request, pk), name=body.name, relation=body.relation, phone=body.phone)
    return _plan(request, pk)


# -- check-ins -------------------------------------------------------------------------------------
def _check_ins(request):
    return visible(request.user, CheckIn.objects.select_related("plan__person"))


@router.get("/check-ins", response={200: list[CareCheckInOut], **errors(401, 422)},
            summary="Check-ins of a day (today by default), each with its timing")
def list_check_ins(request, filters: Query[CareCheckInFilters]):
    day = filters.day or timezone.localdate(clock.now())
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    rows = _check_ins(request).filter(earliest__gte=start, earliest__lt=start + dt.timedelta(days=1))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.plan:
        rows = rows.filter(plan=filters.plan)
    return list(rows[:500])


@router.post("/check-ins/{pk}/record", response={200: CareCheckInOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record a check-in within its window")
def record_check_in(request, pk: Id, body: CareRecordIn):
    check_in = get_visible_or_404(request.user, _check_ins(request), pk=pk)
    checkins.record(request.user, check_in, result=body.result, note=body.note)
    return _check_ins(request).get(pk=pk)


# -- escalations -----------------------------------------------------------------------------------
def _escalations(request):
    return visible(request.user, Escalation.objects.select_related("plan__person"))


@router.get("/escalations", response={200: list[CareEscalationOut], **errors(401, 422)}, summary="Escalations")
def list_escalations(request, filters: Query[CareEscalationFilters]):
    rows = _escalations(request)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return list(rows[filters.offset:filters.offset + filters.limit])


@router.get("/escalations/{pk}", response={200: CareEscalationOut, **errors(401, 404, 422)}, summary="One escalation")
def escalation_detail(request, pk: Id):
    return get_visible_or_404(request.user, _escalations(request), pk=pk)


@router.post("/escalations/{pk}/resolve", response={200: CareEscalationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Resolve an escalation: the person was reached")
def resolve_escalation(request, pk: Id, body: CareResolveIn):
    escalation = get_visible_or_404(request.user, _escalations(request), pk=pk)
    escalations.resolve(request.user, escalation, outcome=body.outcome, note=body.note, need=body.need)
    return _escalations(request).get(pk=pk)


# -- devices and readings --------------------------------------------------------------------------
@router.post("/plans/{pk}/devices", response={201: CareDeviceKeyOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Register a device (its key is shown once)")
def register_device(request, pk: Id, body: CareDeviceIn):
    device, key = devices.register_device(request.user, _plan(request, pk), kind=body.kind, label=body.label)
    return 201, {"device": device, "key": key}


def _device(request, pk) -> Device:
    return get_visible_or_404(request.user, Device.objects.select_related("plan"), pk=pk)


@router.post("/devices/{pk}/rotate", response={200: CareDeviceKeyOut, **errors(401, 403, 404, 409, 422)},
             summary="Replace a device's key (the old one stops working)")
def rotate_device_key(request, pk: Id):
    key = devices.rotate_key(request.user, _device(request, pk))
    return {"device": _device(request, pk), "key": key}


@router.post("/devices/{pk}/revoke", response={200: CareDeviceOut, **errors(401, 403, 404, 409, 422)},
             summary="Revoke a device")
def revoke_device(request, pk: Id):
    devices.revoke_device(request.user, _device(request, pk))
    return _device(request, pk)


class DeviceHeader(APIKeyHeader):
    """``X-Device-Key: <key>`` of an active device of a plan not ended."""

    param_name = "X-Device-Key"

    def authenticate(self, request, key):
        return devices.device_for_key(key or "")


class DeviceBearer(HttpBearer):
    """``Authorization: Bearer <device key>``."""

    def authenticate(self, request, token):
        return devices.device_for_key(token or "")


@router.post("/readings", auth=[DeviceHeader(), DeviceBearer()],
             response={201: CareReadingOut, **errors(400, 401, 422)},
             summary="A device posts a reading (its key as X-Device-Key or bearer)")
def post_reading(request, body: CareReadingIn):
    reading = devices.post_reading(request.auth, kind=body.kind, values=dict(body.values),
                                   measured_at=body.measured_at)
    return 201, reading


# -- district settings -----------------------------------------------------------------------------
DistrictCode = Annotated[str, Path(pattern=r"^[0-9]{6}$")]


@router.get("/settings/{district}", response={200: CareSettingsOut, **errors(401, 404, 422)},
            summary="A district's escalation hours")
def district_settings(request, district: DistrictCode):
    unit = get_visible_or_404(request.user, Unit.objects.all(), code=district)
    return settings_for(unit.code)


@router.put("/settings/{district}", response={200: CareSettingsOut, **errors(400, 401, 403, 404, 422)},
            summary="Set a district's escalation hours")
def set_district_settings(request, district: DistrictCode, body: CareSettingsIn):
    unit = get_visible_or_404(request.user, Unit.objects.all(), code=district)
    return configure(request.user, unit, **body.dict(exclude_none=True))
