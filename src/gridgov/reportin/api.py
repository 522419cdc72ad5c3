"""The 双报到 API (tag ``reportin``): resident units with their liaisons and pledges, employers'
party organisations, in-service members' registrations, the employer reports and the district's
target. Everything is read through the caller's scope; every change is one service call."""
import datetime as dt
from typing import Annotated, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.api import errors
from gridgov.core.text import PlainText
from gridgov.people.models import Person
from gridgov.structure.models import Unit

from .models import (
    EmployerOrg,
    EmployerReport,
    MemberRegistration,
    Period,
    Pledge,
    PledgeKind,
    ResidentUnit,
    UnitKind,
)
from .services import figures as figure_services
from .services import members, reports, units
from .services.access import this_year

router = Router(tags=["reportin"])

Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
Year = Annotated[int, Field(ge=2000, le=2100)]
UnitCode = Annotated[str, Field(pattern=r"^\d{6,18}$")]
WRITE = errors(400, 401, 403, 404, 409, 422)


def _by_code(user, code: str, field: str) -> Unit:
    """A unit named in a body, among those the caller may see (else bad input)."""
    unit = visible(user, Unit.objects.all()).filter(code=code).first()
    if unit is None:
        raise ValidationError({field: _("No such unit in your area.")})
    return unit


def _body_object(user, queryset, pk: int, field: str):
    found = visible(user, queryset).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("Not found in your area.")})
    return found


# -- schemas -------------------------------------------------------------------------------------
class ReportinPledgeOut(Schema):
    id: int
    kind: str
    description: str
    quantity: str
    year: int
    withdrawn: bool


class ResidentUnitOut(Schema):
    id: int
    community: str
    community_name: str
    name: str
    kind: str
    address: str
    state: str
    registered_year: int
    renewed_year: int
    lapsed: bool

    @staticmethod
    def resolve_lapsed(obj) -> bool:
        return obj.lapsed(this_year())

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_community_name(obj):
        return obj.community.short_name


class ResidentUnitDetailOut(ResidentUnitOut):
    years: list[int]
    liaisons: list[str]
    pledges: list[ReportinPledgeOut]

    @staticmethod
    def resolve_years(obj) -> list[int]:
        return list(obj.years.order_by("year").values_list("year", flat=True))

    @staticmethod
    def resolve_liaisons(obj) -> list[str]:
        return [liaison.user.get_username() for liaison in obj.liaisons.select_related("user")]

    @staticmethod
    def resolve_pledges(obj) -> list[Pledge]:
        return list(obj.pledges.all())


class ResidentUnitIn(Schema):
    community: UnitCode
    name: PlainText = Field(min_length=1, max_length=100)
    kind: Literal[tuple(UnitKind.values)]  # type: ignore[valid-type]
    address: PlainText = Field("", max_length=200)


class ReportinYearIn(Schema):
    year: Year | None = None


class ReportinNoteIn(Schema):
    note: PlainText = Field("", max_length=500)


class ReportinLiaisonIn(Schema):
    username: PlainText = Field(min_length=1, max_length=150)


class ReportinPledgeIn(Schema):
    kind: Literal[tuple(PledgeKind.values)]  # type: ignore[valid-type]
    description: PlainText = Field(min_length=1, max_length=200)
    quantity: PlainText = Field("", max_length=60)


class EmployerOrgOut(Schema):
    id: int
    community: str
    employer_name: str
    name: str
    contact: str
    resident_unit: int | None

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_resident_unit(obj):
        return obj.resident_unit_id


class EmployerOrgIn(Schema):
    community: UnitCode
    employer_name: PlainText = Field(min_length=1, max_length=100)
    name: PlainText = Field(min_length=1, max_length=120)
    contact: PlainText = Field("", max_length=120)
    resident_unit: Id | None = None


class MemberRegistrationOut(Schema):
    id: int
    person: int
    name: str
    community: str
    year: int
    state: str
    employer_org: int
    employer_org_name: str
    employer_name: str

    @staticmethod
    def resolve_person(obj):
        return obj.person_id

    @staticmethod
    def resolve_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_employer_org(obj):
        return obj.employer_org_id

    @staticmethod
    def resolve_employer_org_name(obj):
        return obj.employer_org.name

    @staticmethod
    def resolve_employer_name(obj):
        return obj.employer_org.employer_name


class MemberRegistrationIn(Schema):
    person: Id
    community: UnitCode
    employer_org: Id
    year: Year | None = None


class ReportinFilters(Schema):
    year: Year | None = None
    community: UnitCode | None = None


class EmployerReportOut(Schema):
    id: int
    employer_org: int
    employer_org_name: str
    community: str
    year: int
    period: str
    start: dt.date
    end: dt.date
    with_lines: bool
    status: str
    sent_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str

    @staticmethod
    def resolve_employer_org(obj):
        return obj.employer_org_id

    @staticmethod
    def resolve_employer_org_name(obj):
        return obj.employer_org.name

    @staticmethod
    def resolve_community(obj):
        return obj.community.code


class EmployerReportLineOut(Schema):
    day: str
    title: str
    community: str
    minutes: int
    rating: int | None


class EmployerReportMemberOut(Schema):
    name: str
    community: str
    services: int
    minutes: int
    hours: float
    rated: int
    rating_mean: float | None
    lines: list[EmployerReportLineOut] | None = None


class EmployerReportTotalsOut(Schema):
    members: int
    services: int
    minutes: int
    hours: float
    rated: int
    rating_mean: float | None


class EmployerReportDetailOut(EmployerReportOut):
    members: list[EmployerReportMemberOut]
    totals: EmployerReportTotalsOut


class EmployerReportIn(Schema):
    employer_org: Id
    year: Year
    period: Literal[tuple(Period.values)]  # type: ignore[valid-type]
    with_lines: bool = False


class EmployerReportAcknowledgeIn(Schema):
    acknowledged_by: PlainText = Field(min_length=1, max_length=100)


class ServicesTargetIn(Schema):
    services_target: int = Field(ge=0, le=100)


class ServicesTargetOut(Schema):
    district: str
    services_target: int


def _filtered(queryset, filters: ReportinFilters, year_field="year", community_field="community__code"):
    if filters.year:
        queryset = queryset.filter(**{year_field: filters.year})
    if filters.community:
        queryset = queryset.filter(**{community_field: filters.community})
    return queryset[:500]


# -- units ---------------------------------------------------------------------------------------
def _units():
    return ResidentUnit.objects.select_related("community")


@router.get("/units", response={200: list[ResidentUnitOut], **errors(401, 422)})
def list_units(request, filters: Query[ReportinFilters]):
    """The resident units the caller may see (at most 500); ``year``: those registered for it."""
    return list(_filtered(visible(request.user, _units()), filters, year_field="years__year"))


@router.post("/units", response={201: ResidentUnitDetailOut, **WRITE})
def register_unit(request, body: ResidentUnitIn):
    community = _by_code(request.user, body.community, "community")
    unit = units.register_unit(request.user, community, name=body.name, kind=body.kind, address=body.address)
    return 201, unit


@router.get("/units/{unit_id}", response={200: ResidentUnitDetailOut, **errors(401, 404, 422)})
def unit_detail(request, unit_id: Id):
    return get_visible_or_404(request.user, _units(), pk=unit_id)


def _unit(request, unit_id) -> ResidentUnit:
    return get_visible_or_404(request.user, _units(), pk=unit_id)


@router.post("/units/{unit_id}/renew", response={200: ResidentUnitDetailOut, **WRITE})
def renew_unit(request, unit_id: Id, body: ReportinYearIn):
    return units.renew_unit(request.user, _unit(request, unit_id), body.year)


@router.post("/units/{unit_id}/withdraw", response={200: ResidentUnitDetailOut, **WRITE})
def withdraw_unit(request, unit_id: Id, body: ReportinNoteIn):
    return units.withdraw_unit(request.user, _unit(request, unit_id), body.note)


def _account(username: str):
    account = get_user_model().objects.filter(username=username, is_active=True).first()
    if account is None:
        raise ValidationError({"username": _("No such account.")})
    return account


@router.post("/units/{unit_id}/liaisons", response={200: ResidentUnitDetailOut, **WRITE})
def appoint_liaison(request, unit_id: Id, body: ReportinLiaisonIn):
    """Link a named account holding the liaison role at the unit's community to the unit."""
    unit = _unit(request, unit_id)
    return units.appoint_liaison(request.user, unit, _account(body.username))


@router.post("/units/{unit_id}/liaisons/remove", response={200: ResidentUnitDetailOut, **WRITE})
def remove_liaison(request, unit_id: Id, body: ReportinLiaisonIn):
    unit = _unit(request, unit_id)
    return units.remove_liaison(request.user, unit, _account(body.username))


@router.post("/units/{unit_id}/pledges", response={201: ReportinPledgeOut, **WRITE})
def add_pledge(request, unit_id: Id, body: ReportinPledgeIn):
    """Pledge a resource of the unit (its staff, or the unit's own liaison)."""
    made = units.pledge(request.user, _unit(request, unit_id), kind=body.kind, description=body.description,
                        quantity=body.quantity)
    return 201, made


@router.post("/pledges/{pledge_id}/withdraw", response={200: ReportinPledgeOut, **WRITE})
def withdraw_pledge(request, pledge_id: Id):
    pledge = get_visible_or_404(request.user, Pledge.objects.select_related("unit"), pk=pledge_id)
    return units.withdraw_pledge(request.user, pledge)


# -- employers' organisations and members --------------------------------------------------------
@router.get("/employers", response={200: list[EmployerOrgOut], **errors(401, 422)})
def list_employers(request, filters: Query[ReportinFilters]):
    rows = visible(request.user, EmployerOrg.objects.select_related("community"))
    if filters.community:
        rows = rows.filter(community__code=filters.community)
    return list(rows[:500])


@router.post("/employers", response={201: EmployerOrgOut, **WRITE})
def add_employer(request, body: EmployerOrgIn):
    community = _by_code(request.user, body.community, "community")
    unit = (_body_object(request.user, ResidentUnit.objects.all(), body.resident_unit, "resident_unit")
            if body.resident_unit else None)
    org = members.add_employer_org(request.user, community, employer_name=body.employer_name, name=body.name,
                                   contact=body.contact, resident_unit=unit)
    return 201, org


def _members():
    return MemberRegistration.objects.select_related("person", "community", "employer_org")


@router.get("/members", response={200: list[MemberRegistrationOut], **errors(401, 422)})
def list_members(request, filters: Query[ReportinFilters]):
    """The registrations the caller may see: staff their communities', a member their own."""
    return list(_filtered(visible(request.user, _members()), filters))


@router.post("/members", response={201: MemberRegistrationOut, **WRITE})
def register_member(request, body: MemberRegistrationIn):
    """Register an in-service party member with the community their household is in."""
    person = _body_object(request.user, Person.objects.all(), body.person, "person")
    community = _by_code(request.user, body.community, "community")
    org = _body_object(request.user, EmployerOrg.objects.all(), body.employer_org, "employer_org")
    registration = members.register_member(request.user, person, community=community, employer_org=org,
                                           year=body.year)
    return 201, _members().get(pk=registration.pk)


@router.get("/members/{registration_id}", response={200: MemberRegistrationOut, **errors(401, 404, 422)})
def member_detail(request, registration_id: Id):
    return get_visible_or_404(request.user, _members(), pk=registration_id)


@router.post("/members/{registration_id}/renew", response={201: MemberRegistrationOut, **WRITE})
def renew_member(request, registration_id: Id, body: ReportinYearIn):
    registration = get_visible_or_404(request.user, _members(), pk=registration_id)
    renewed = members.renew_member(request.user, registration, body.year)
    return 201, _members().get(pk=renewed.pk)


@router.post("/members/{registration_id}/end", response={200: MemberRegistrationOut, **WRITE})
def end_member(request, registration_id: Id, body: ReportinNoteIn):
    registration = get_visible_or_404(request.user, _members(), pk=registration_id)
    members.end_member(request.user, registration, body.note)
    return _members().get(pk=registration.pk)


# -- reports -------------------------------------------------------------------------------------
def _reports():
    return EmployerReport.objects.select_related("employer_org", "community")


def _detail(report) -> EmployerReport:
    """The report with its figures (as sent, or live while a draft) for :class:`EmployerReportDetailOut`."""
    data = reports.figures(report)
    report.members, report.totals = data["members"], data["totals"]
    return report


@router.get("/reports", response={200: list[EmployerReportOut], **errors(401, 422)})
def list_reports(request, filters: Query[ReportinFilters]):
    return list(_filtered(visible(request.user, _reports()), filters))


@router.post("/reports", response={201: EmployerReportDetailOut, **WRITE})
def create_report(request, body: EmployerReportIn):
    """Draft the report of a community to an employer's party organisation for a quarter or a year."""
    org = _body_object(request.user, EmployerOrg.objects.select_related("community"), body.employer_org,
                       "employer_org")
    report = reports.create_report(request.user, org, year=body.year, period=body.period, with_lines=body.with_lines)
    return 201, _detail(_reports().get(pk=report.pk))


@router.get("/reports/{report_id}", response={200: EmployerReportDetailOut, **errors(401, 404, 422)})
def report_detail(request, report_id: Id):
    """A report with its figures: live while a draft, as sent afterwards. No resident's name or contact."""
    return _detail(get_visible_or_404(request.user, _reports(), pk=report_id))


@router.get("/reports/{report_id}/xlsx", response={200: None, **errors(401, 404, 422)},
            openapi_extra={"responses": {200: {"description": "The report as an Excel workbook.",
                                               "content": {"application/vnd.openxmlformats-officedocument."
                                                           "spreadsheetml.sheet": {}}}}})
def report_xlsx(request, report_id: Id):
    report = get_visible_or_404(request.user, _reports(), pk=report_id)
    response = HttpResponse(reports.workbook(report),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="reportin-{report.pk}.xlsx"'
    return response


@router.post("/reports/{report_id}/send", response={200: EmployerReportDetailOut, **WRITE})
def send_report(request, report_id: Id):
    report = get_visible_or_404(request.user, _reports(), pk=report_id)
    reports.send_report(request.user, report)
    return _detail(_reports().get(pk=report.pk))


@router.post("/reports/{report_id}/acknowledge", response={200: EmployerReportDetailOut, **WRITE})
def acknowledge_report(request, report_id: Id, body: EmployerReportAcknowledgeIn):
    """Record who at the employer acknowledged a sent report."""
    report = get_visible_or_404(request.user, _reports(), pk=report_id)
    reports.acknowledge_report(request.user, report, body.acknowledged_by)
    return _detail(_reports().get(pk=report.pk))


# -- the district's target ------------------------------------------------------------------------
@router.get("/settings/{district_code}", response={200: ServicesTargetOut, **errors(401, 404, 422)})
def get_target(request, district_code: UnitCode):
    district = get_visible_or_404(request.user, Unit.objects.filter(kind="district"), code=district_code)
    return {"district": district.code, "services_target": figure_services.services_target(district.code)}


@router.put("/settings/{district_code}", response={200: ServicesTargetOut, **errors(400, 401, 403, 404, 422)})
def set_target(request, district_code: UnitCode, body: ServicesTargetIn):
    """Set the services each registered member is expected to give a year (the district's administrators)."""
    district = get_visible_or_404(request.user, Unit.objects.filter(kind="district"), code=district_code)
    figure_services.set_services_target(request.user, district, body.services_target)
    return {"district": district.code, "services_target": body.services_target}
