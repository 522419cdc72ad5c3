"""The visits API (tag ``care``): visit rules, planned visits and visits (record, cancel, file a
case, mark a need), reception hours and walk-ins, promises (make, decide) and contact points. Each
operation parses its input and calls the same service the pages use (docs/visits.md)."""
import datetime as dt
from typing import Annotated, Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema
from ninja.files import UploadedFile

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.catalogue.models import Category
from gridgov.core.api import errors
from gridgov.core.errors import NotFound
from gridgov.core.text import PlainText
from gridgov.people.models import Person, SpecialGroup
from gridgov.structure.models import Unit

from .models import ContactPoint, Promise, Reception, ReceptionHours, Visit, VisitRule
from .services import contacts, planning, promises, receptions, visits
from .services.common import household_for
from .services.overdue import with_overdue

router = Router(tags=["care"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
RefId = Annotated[int, Field(ge=1, le=2**31 - 1)]
UnitCode = Annotated[str, Field(pattern=r"^[0-9]{6,18}$", max_length=18)]


def _aware(moment):
    return timezone.make_aware(moment) if moment is not None and timezone.is_naive(moment) else moment


def _unit(request, code) -> Unit:
    return get_visible_or_404(request.user, Unit.objects.all(), code=code)


def _category(pk):
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise NotFound
    return category


# -- schemas ---------------------------------------------------------------------------------------
class VisitsRuleOut(Schema):
    id: int
    unit: str
    special_group: str | None
    visitor_kind: str
    period: str
    active: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_special_group(obj):
        return obj.special_group.code if obj.special_group_id else None


class VisitsRuleIn(Schema):
    unit: UnitCode
    special_group: Annotated[str, Field(max_length=40)] | None = None
    visitor_kind: Literal["grid_worker", "party_member", "leading_cadre", "staff"] = "grid_worker"
    period: Literal["month", "quarter"] = "quarter"
    active: bool = True


class VisitsVisitOut(Schema):
    id: int
    household: int
    address: str
    unit: str
    status: str
    earliest: dt.date
    latest: dt.date
    overdue: bool
    assignee: int | None
    visitor: int | None
    visitor_kind: str
    visited_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    findings: str
    case: str | None
    need: bool
    need_text: str
    photos: int

    @staticmethod
    def resolve_household(obj):
        return obj.household_id

    @staticmethod
    def resolve_address(obj):
        return str(obj.household)

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_assignee(obj):
        return obj.assignee_id

    @staticmethod
    def resolve_visitor(obj):
        return obj.visitor_id

    @staticmethod
    def resolve_case(obj):
        return obj.case.code if obj.case_id else None

    @staticmethod
    def resolve_photos(obj):
        return obj.photos.count()


class VisitsFilters(Schema):
    status: Literal["planned", "done", "cancelled"] | None = None
    mine: bool = False
    overdue: bool | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**6)


class VisitsRecordIn(Schema):
    findings: PlainText = Field("", max_length=2000)
    visited_at: dt.datetime | None = None


class VisitsReasonIn(Schema):
    reason: PlainText = Field(..., min_length=1, max_length=200)


class VisitsCaseIn(Schema):
    category: RefId | None = None
    title: PlainText = Field("", max_length=100)
    description: PlainText = Field("", max_length=2000)


class VisitsNeedIn(Schema):
    text: PlainText = Field(..., min_length=1, max_length=500)


class VisitsHoursOut(Schema):
    id: int
    unit: str
    host: int | None
    weekday: int
    starts: dt.time
    ends: dt.time
    place: str
    active: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_host(obj):
        return obj.host_id


class VisitsHoursIn(Schema):
    unit: UnitCode
    weekday: int = Field(..., ge=0, le=6)
    starts: dt.time
    ends: dt.time
    place: PlainText = Field(..., min_length=1, max_length=200)


class VisitsReceptionOut(Schema):
    id: int
    unit: str
    at: dt.datetime
    who: str
    visitor_kind: str
    matter: str
    case: str | None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_case(obj):
        return obj.case.code if obj.case_id else None


class VisitsReceptionIn(Schema):
    unit: UnitCode
    matter: PlainText = Field(..., min_length=1, max_length=2000)
    person: RefId | None = None
    visitor_name: PlainText = Field("", max_length=50)
    hours: RefId | None = None
    at: dt.datetime | None = None


class VisitsPromiseOut(Schema):
    id: int
    unit: str
    made_by: int
    made_to: str
    text: str
    due: dt.date
    visit: int | None
    reception: int | None
    outcome: str
    outcome_note: str
    decided_at: dt.datetime | None
    overdue: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_made_by(obj):
        return obj.made_by_id

    @staticmethod
    def resolve_visit(obj):
        return obj.visit_id

    @staticmethod
    def resolve_reception(obj):
        return obj.reception_id


class VisitsPromiseIn(Schema):
    text: PlainText = Field(..., min_length=1, max_length=500)
    due: dt.date
    made_to: PlainText = Field("", max_length=50)
    unit: UnitCode | None = None
    visit: RefId | None = None
    reception: RefId | None = None


class VisitsDecideIn(Schema):
    kept: bool
    note: PlainText = Field("", max_length=500)


class VisitsContactOut(Schema):
    id: int
    cadre: int
    cadre_name: str
    title: str
    unit: str
    household: int | None
    active: bool

    @staticmethod
    def resolve_cadre(obj):
        return obj.cadre_id

    @staticmethod
    def resolve_cadre_name(obj):
        return obj.cadre.get_full_name() or obj.cadre.username

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_household(obj):
        return obj.household_id


class VisitsContactIn(Schema):
    cadre: RefId
    title: PlainText = Field(..., min_length=1, max_length=100)
    unit: UnitCode | None = None
    household: RefId | None = None


# -- rules -----------------------------------------------------------------------------------------
@router.get("/rules", response={200: list[VisitsRuleOut], **errors(401)}, summary="Visit rules")
def list_rules(request):
    return list(visible(request.user, VisitRule.objects.select_related("unit", "special_group"))[:500])


@router.post("/rules", response={201: VisitsRuleOut, **errors(400, 401, 403, 404, 422)}, summary="Add a visit rule")
def create_rule(request, body: VisitsRuleIn):
    group = None
    if body.special_group:
        group = SpecialGroup.objects.filter(code=body.special_group).first()
        if group is None:
            raise ValidationError(_("Unknown special group."))
    rule = planning.save_rule(request.user, unit=_unit(request, body.unit), visitor_kind=body.visitor_kind,
                              period=body.period, special_group=group, active=body.active)
    return 201, rule


# -- visits ----------------------------------------------------------------------------------------
def _visits(request):
    return with_overdue(visible(request.user, Visit.objects.select_related(
        "household__building__compound", "unit", "case")))


def _visit(request, pk) -> Visit:
    return get_visible_or_404(request.user, _visits(request), pk=pk)


@router.get("/visits", response={200: list[VisitsVisitOut], **errors(401, 422)},
            summary="Planned and recorded visits (nearest due first)")
def list_visits(request, filters: Query[VisitsFilters]):
    rows = _visits(request)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.mine:
        rows = rows.filter(assignee=request.user)
    if filters.overdue is not None:
        rows = rows.filter(overdue=filters.overdue)
    return list(rows.order_by("latest", "pk")[filters.offset:filters.offset + filters.limit])


@router.get("/visits/{pk}", response={200: VisitsVisitOut, **errors(401, 404, 422)}, summary="One visit")
def visit_detail(request, pk: Id):
    return _visit(request, pk)


STEP = {200: VisitsVisitOut, **errors(400, 401, 403, 404, 409, 422)}


@router.post("/visits/{pk}/record", response=STEP, summary="Record a planned visit (with photos)")
def visit_record(request, pk: Id, body: Form[VisitsRecordIn], photos: File[list[UploadedFile]] = None):
    visits.record(request.user, _visit(request, pk), findings=body.findings, visited_at=_aware(body.visited_at),
                  photos=photos or [])
    return _visit(request, pk)


@router.post("/households/{pk}/visits", response={201: VisitsVisitOut, **errors(400, 401, 403, 404, 422)},
             summary="Record an unplanned visit to a household")
def household_visit(request, pk: Id, body: Form[VisitsRecordIn], photos: File[list[UploadedFile]] = None):
    visit = visits.visit_household(request.user, household_for(request.user, pk), findings=body.findings,
                                   visited_at=_aware(body.visited_at), photos=photos or [])
    return 201, _visit(request, visit.pk)


@router.post("/visits/{pk}/cancel", response=STEP, summary="Cancel a planned visit, with a reason")
def visit_cancel(request, pk: Id, body: VisitsReasonIn):
    visits.cancel(request.user, _visit(request, pk), body.reason)
    return _visit(request, pk)


@router.post("/visits/{pk}/case", response=STEP, summary="File a case from the visit's finding")
def visit_case(request, pk: Id, body: VisitsCaseIn):
    category = _category(body.category) if body.category is not None else None
    visits.file_case(request.user, _visit(request, pk), category=category, title=body.title,
                     description=body.description)
    return _visit(request, pk)


@router.post("/visits/{pk}/need", response=STEP, summary="Mark the finding as a need for micro-projects")
def visit_need(request, pk: Id, body: VisitsNeedIn):
    visits.mark_need(request.user, _visit(request, pk), body.text)
    return _visit(request, pk)


# -- receptions ------------------------------------------------------------------------------------
@router.get("/hours", response={200: list[VisitsHoursOut], **errors(401)}, summary="Reception hours")
def list_hours(request):
    return list(visible(request.user, ReceptionHours.objects.select_related("unit").filter(active=True))[:500])


@router.post("/hours", response={201: VisitsHoursOut, **errors(400, 401, 403, 404, 422)},
             summary="Add reception hours")
def create_hours(request, body: VisitsHoursIn):
    hours = receptions.save_hours(request.user, unit=_unit(request, body.unit), weekday=body.weekday,
                                  starts=body.starts, ends=body.ends, place=body.place)
    return 201, hours


def _receptions(request):
    return visible(request.user, Reception.objects.select_related("unit", "person", "case"))


@router.get("/receptions", response={200: list[VisitsReceptionOut], **errors(401)}, summary="Walk-ins received")
def list_receptions(request):
    return list(_receptions(request)[:500])


@router.post("/receptions", response={201: VisitsReceptionOut, **errors(400, 401, 403, 404, 422)},
             summary="Record a walk-in")
def create_reception(request, body: VisitsReceptionIn):
    person = get_visible_or_404(request.user, Person.objects.all(), pk=body.person) if body.person else None
    hours = get_visible_or_404(request.user, ReceptionHours.objects.all(), pk=body.hours) if body.hours else None
    reception = receptions.receive(request.user, unit=_unit(request, body.unit), matter=body.matter, person=person,
                                   visitor_name=body.visitor_name, hours=hours, at=_aware(body.at))
    return 201, _receptions(request).get(pk=reception.pk)


@router.post("/receptions/{pk}/case", response={200: VisitsReceptionOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="File a case from a walk-in's matter")
def reception_case(request, pk: Id, body: VisitsCaseIn):
    reception = get_visible_or_404(request.user, _receptions(request), pk=pk)
    category = _category(body.category) if body.category is not None else None
    receptions.file_case(request.user, reception, category=category, title=body.title, description=body.description)
    return _receptions(request).get(pk=pk)


# -- promises --------------------------------------------------------------------------------------
def _promises(request):
    return with_overdue(visible(request.user, Promise.objects.select_related("unit")))


@router.get("/promises", response={200: list[VisitsPromiseOut], **errors(401)}, summary="Promises (定约践诺)")
def list_promises(request):
    return list(_promises(request)[:500])


@router.post("/promises", response={201: VisitsPromiseOut, **errors(400, 401, 403, 404, 422)},
             summary="Make a promise")
def create_promise(request, body: VisitsPromiseIn):
    visit = _visit(request, body.visit) if body.visit else None
    reception = get_visible_or_404(request.user, _receptions(request), pk=body.reception) if body.reception else None
    unit = _unit(request, body.unit) if body.unit else None
    promise = promises.make(request.user, text=body.text, due=body.due, unit=unit, made_to=body.made_to,
                            visit=visit, reception=reception)
    return 201, _promises(request).get(pk=promise.pk)


@router.post("/promises/{pk}/decide", response={200: VisitsPromiseOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Decide a promise kept or not kept (once)")
def promise_decide(request, pk: Id, body: VisitsDecideIn):
    promises.decide(request.user, get_visible_or_404(request.user, _promises(request), pk=pk), kept=body.kept,
                    note=body.note)
    return _promises(request).get(pk=pk)


# -- contact points --------------------------------------------------------------------------------
@router.get("/contact-points", response={200: list[VisitsContactOut], **errors(401)},
            summary="Leading cadres' contact points")
def list_contact_points(request):
    return list(visible(request.user, ContactPoint.objects.select_related("cadre", "unit").filter(active=True))[:500])


@router.post("/contact-points", response={201: VisitsContactOut, **errors(400, 401, 403, 404, 422)},
             summary="Link a leading cadre to a community, grid or household")
def create_contact_point(request, body: VisitsContactIn):
    cadre = User.objects.filter(pk=body.cadre, is_active=True).first()
    if cadre is None:
        raise ValidationError(_("Unknown user."))
    household = household_for(request.user, body.household) if body.household else None
    if household is None and not body.unit:
        raise ValidationError(_("Give a unit or a household."))
    unit = household.building.microgrid if household else _unit(request, body.unit)
    point = contacts.save_contact_point(request.user, cadre=cadre, title=body.title, unit=unit, household=household)
    return 201, point
