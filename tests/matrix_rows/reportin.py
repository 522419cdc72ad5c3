"""The reportin app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py).

Units and everything of theirs are seen by the staff from the community up and by the unit's own
liaison (each area's ``unit_liaison`` is made the liaison of its area's unit); members'
registrations also by the member; the employer's organisation, members and reports also by the
liaison of the employer when it is a resident unit; the district's settings by everyone in it."""
import datetime as dt

from django.utils import timezone

from gridgov.accounts.models import Role
from gridgov.reportin.models import (
    EmployerOrg,
    EmployerReport,
    Liaison,
    MemberRegistration,
    Pledge,
    ReportinSettings,
    ResidentUnit,
    UnitYear,
)

#: The staff roles whose subtree holds a community: the grid's roles sit below it.
COMMUNITY_STAFF_UP = frozenset({Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER,
                                Role.COMMUNITY_STAFF})
UNIT_SEERS = COMMUNITY_STAFF_UP | {Role.UNIT_LIAISON}
NOW = timezone.make_aware(dt.datetime(2026, 3, 1, 9))


def _unit(area) -> ResidentUnit:
    unit = ResidentUnit.objects.create(community=area.units["community"], name=f"{area.label}单位", kind="organ",
                                       registered_year=2026, renewed_year=2026, created_at=NOW)
    Liaison.objects.create(unit=unit, user=area.users[Role.UNIT_LIAISON], since=NOW)
    return unit


def _org(area) -> EmployerOrg:
    return EmployerOrg.objects.create(community=area.units["community"], employer_name=f"{area.label}局",
                                      name=f"{area.label}局机关党支部", resident_unit=_unit(area), created_at=NOW)


def _member(area) -> MemberRegistration:
    return MemberRegistration.objects.create(person=area.users[Role.PARTY_MEMBER].person,
                                             community=area.units["community"], year=2026, employer_org=_org(area),
                                             registered_at=NOW)


def _report(area) -> EmployerReport:
    return EmployerReport.objects.create(employer_org=_org(area), community=area.units["community"], year=2026,
                                         period="q1", start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31),
                                         created_at=NOW)


ROWS: dict = {
    ResidentUnit: (_unit, UNIT_SEERS, False),
    UnitYear: (lambda a: UnitYear.objects.create(unit=_unit(a), year=2026, at=NOW), UNIT_SEERS, False),
    Liaison: (lambda a: _unit(a).liaisons.get(), UNIT_SEERS, False),
    Pledge: (lambda a: Pledge.objects.create(unit=_unit(a), kind="venue", description="会议室", year=2026,
                                             created_at=NOW), UNIT_SEERS, False),
    EmployerOrg: (_org, UNIT_SEERS, False),
    MemberRegistration: (_member, UNIT_SEERS | {Role.PARTY_MEMBER}, False),
    EmployerReport: (_report, UNIT_SEERS, False),
    ReportinSettings: (lambda a: ReportinSettings.objects.get_or_create(district=a.units["district"])[0],
                       frozenset(Role), True),
}
ENDPOINTS: dict = {
    "api reportin unit": (ResidentUnit, lambda unit: f"/api/v1/reportin/units/{unit.pk}", 10**9),
    "page reportin unit": (ResidentUnit, lambda unit: f"/reportin/units/{unit.pk}/", 10**9),
    "api reportin member": (MemberRegistration, lambda m: f"/api/v1/reportin/members/{m.pk}", 10**9),
    "page reportin member": (MemberRegistration, lambda m: f"/reportin/members/{m.pk}/", 10**9),
    "api reportin report": (EmployerReport, lambda r: f"/api/v1/reportin/reports/{r.pk}", 10**9),
    "page reportin report": (EmployerReport, lambda r: f"/reportin/reports/{r.pk}/", 10**9),
    "xlsx reportin report": (EmployerReport, lambda r: f"/reportin/reports/{r.pk}/report.xlsx", 10**9),
}
