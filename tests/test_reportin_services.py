"""双报到's rules, each tried through its service: units registered each year with named liaisons
and pledges, members checked against the household register, the employer reports' states and
snapshot. A refused step changes nothing."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from gridgov.accounts.models import Role
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.core.tables import read_table
from gridgov.reportin.models import (
    EmployerReport,
    Liaison,
    MemberRegistration,
    Pledge,
    ReportinEntry,
    ReportStatus,
    ResidentUnit,
    UnitYear,
)
from gridgov.reportin.services import members, reports, units
from gridgov.reportin.services.access import this_year

from .reportin_world import install, liaison, party_members, staff, user


@pytest.fixture
def fake(monkeypatch):
    return install(monkeypatch)


@pytest.fixture(autouse=True)
def english():
    """The services' messages in English: the tests look for the source strings."""
    with translation.override("en"):
        yield


def _unit(district, name="区税务局"):
    return units.register_unit(staff(district), district.units["A1"], name=name, kind="organ", address="青白江大道1号")


def _org(district, unit=None):
    return members.add_employer_org(staff(district), district.units["A1"], employer_name="区税务局",
                                    name="区税务局机关党支部", contact="dangzhibu@example.org", resident_unit=unit)


def _entries(subject):
    return ReportinEntry.objects.filter(**ReportinEntry.chain_of(subject)).count()


# -- resident units -------------------------------------------------------------------------------
def test_staff_register_a_unit_for_this_year_journaled(district):
    unit = _unit(district)
    assert (unit.registered_year, unit.renewed_year, unit.state) == (this_year(), this_year(), "active")
    assert list(UnitYear.objects.filter(unit=unit).values_list("year", flat=True)) == [this_year()]
    assert journal.verify(unit, ReportinEntry) and _entries(unit) == 1


def test_only_the_communitys_staff_register_units_and_a_name_once(district):
    with pytest.raises(PermissionDenied):
        units.register_unit(district.users["resident"], district.units["A1"], name="某校", kind="school")
    with pytest.raises(PermissionDenied):  # staff of A1, not of A2
        units.register_unit(staff(district), district.units["A2"], name="某校", kind="school")
    _unit(district)
    with pytest.raises(ValidationError, match="already registered"):
        _unit(district)
    with pytest.raises(ValidationError):
        units.register_unit(staff(district), district.units["A1"], name="某校", kind="castle")
    assert ResidentUnit.objects.count() == 1


def test_renewal_once_a_year_and_a_unit_not_renewed_is_lapsed(district):
    last_year = timezone.make_aware(dt.datetime(this_year() - 1, 6, 1, 9))
    with clock.frozen(last_year):
        unit = _unit(district)
    unit.refresh_from_db()
    assert unit.lapsed(this_year())
    units.renew_unit(staff(district), unit)
    unit.refresh_from_db()
    assert not unit.lapsed(this_year()) and unit.renewed_year == this_year()
    with pytest.raises(InvalidTransition):
        units.renew_unit(staff(district), unit)
    assert UnitYear.objects.filter(unit=unit).count() == 2 and _entries(unit) == 2


def test_liaisons_are_named_accounts_each_for_one_unit(district):
    unit, other = _unit(district), _unit(district, "区人民医院")
    account = liaison(district)
    with pytest.raises(ValidationError, match="liaison role"):
        units.appoint_liaison(staff(district), unit, district.users["resident"])
    units.appoint_liaison(staff(district), unit, account)
    with pytest.raises(ValidationError, match="already the liaison"):
        units.appoint_liaison(staff(district), other, account)
    assert list(Liaison.objects.values_list("unit", "user")) == [(unit.pk, account.pk)]


def test_a_liaison_pledges_for_their_unit_and_cannot_act_for_another(district):
    unit, other = _unit(district), _unit(district, "区人民医院")
    account = liaison(district)
    units.appoint_liaison(staff(district), unit, account)
    pledge = units.pledge(account, unit, kind="venue", description="会议室（周末）", quantity="1间")
    assert (pledge.unit, pledge.kind, pledge.year) == (unit, "venue", this_year())
    for act in (lambda: units.pledge(account, other, kind="funds", description="2万元"),
                lambda: units.renew_unit(account, other, this_year() + 1)):
        with pytest.raises(NotFound):
            act()
    assert Pledge.objects.filter(unit=other).count() == 0 and _entries(other) == 1
    units.withdraw_pledge(account, pledge)
    with pytest.raises(InvalidTransition):
        units.withdraw_pledge(account, pledge)
    assert Pledge.objects.get().withdrawn and journal.verify(unit, ReportinEntry)


def test_a_pledge_needs_a_kind_and_a_description(district):
    unit = _unit(district)
    for kind, description in (("gold", "金子"), ("venue", "  ")):
        with pytest.raises(ValidationError):
            units.pledge(staff(district), unit, kind=kind, description=description)
    assert not Pledge.objects.exists() and _entries(unit) == 1


# -- in-service members ---------------------------------------------------------------------------
def test_a_party_member_registers_where_the_household_register_places_them(district, fake):
    member, *_rest = party_members(district)
    org = _org(district)
    registration = members.register_member(staff(district), member, community=district.units["A1"], employer_org=org)
    assert (registration.person, registration.year, registration.state) == (member, this_year(), "active")
    assert fake.volunteers == [(member.pk, district.units["A1"].code, "区税务局机关党支部")]
    assert journal.verify(registration, ReportinEntry)


def test_registration_refused_elsewhere_twice_or_for_a_non_member(district, fake):
    member, second, _third, in_a2 = party_members(district)
    org = _org(district)
    with pytest.raises(ValidationError, match="household register"):
        members.register_member(staff(district), in_a2, community=district.units["A1"], employer_org=org)
    with pytest.raises(ValidationError, match="not a party member"):
        members.register_member(staff(district), district.persons[0], community=district.units["A1"], employer_org=org)
    members.register_member(staff(district), member, community=district.units["A1"], employer_org=org)
    with pytest.raises(ValidationError, match="already registered"):
        members.register_member(staff(district), member, community=district.units["A1"], employer_org=org)
    with pytest.raises(PermissionDenied):
        members.register_member(district.users["resident"], second, community=district.units["A1"], employer_org=org)
    assert MemberRegistration.objects.count() == 1 and len(fake.volunteers) == 1


def test_a_member_registers_themself_and_renews_next_year(district, fake):
    member = party_members(district)[0]
    account = user("member", Role.PARTY_MEMBER, district.units["A1-1-2"], person=member)
    org = _org(district)
    with clock.frozen(timezone.make_aware(dt.datetime(this_year() - 1, 11, 1, 9))):
        first = members.register_member(account, member, community=district.units["A1"], employer_org=org)
    renewed = members.renew_member(account, first)
    assert (renewed.year, renewed.employer_org) == (this_year(), org)
    with pytest.raises(InvalidTransition):
        members.renew_member(account, renewed)


# -- employer reports -----------------------------------------------------------------------------
@pytest.fixture
def reported(district, fake):
    """Two members of one employer with services in Q1 of last year; the draft report for that quarter."""
    first, second = party_members(district)[:2]
    org = _org(district)
    year = this_year() - 1
    with clock.frozen(timezone.make_aware(dt.datetime(year, 1, 5, 9))):
        for person in (first, second):
            members.register_member(staff(district), person, community=district.units["A1"], employer_org=org)
    fake.add(first, dt.date(year, 1, 10), 90, rating=5)
    fake.add(first, dt.date(year, 2, 10), 60, rating=4)
    fake.add(first, dt.date(year, 3, 31), 30)
    fake.add(second, dt.date(year, 4, 1), 120, rating=3)  # the next quarter
    report = reports.create_report(staff(district), org, year=year, period="q1", with_lines=True)
    return report, first, second, fake


def test_a_draft_report_reads_the_records_per_member(district, reported):
    report, first, second, _fake = reported
    assert (report.start, report.end) == (dt.date(report.year, 1, 1), dt.date(report.year, 3, 31))
    data = reports.figures(report)
    rows = {row["name"]: row for row in data["members"]}
    # first: 3 services, 180 minutes = 3.0 h, 2 rated, mean (5 + 4) / 2 = 4.5; second: none in Q1
    assert {k: rows[first.name][k] for k in ("services", "minutes", "hours", "rated", "rating_mean")} == \
        {"services": 3, "minutes": 180, "hours": 3.0, "rated": 2, "rating_mean": 4.5}
    assert (rows[second.name]["services"], rows[second.name]["rating_mean"]) == (0, None)
    assert data["totals"] == {"members": 2, "services": 3, "minutes": 180, "rated": 2, "hours": 3.0,
                              "rating_mean": 4.5}
    assert [line["minutes"] for line in rows[first.name]["lines"]] == [90, 60, 30]
    assert "phone" not in str(data) and first.phone not in str(data)


def test_a_sent_report_keeps_its_figures_when_the_records_change(district, reported):
    report, first, _second, fake = reported
    reports.send_report(staff(district), report)
    fake.add(first, dt.date(report.year, 2, 20), 600, rating=1)  # a service verified late
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT and report.sent_by == staff(district)
    assert reports.figures(report)["totals"]["services"] == 3
    assert reports.compute(report)["totals"]["services"] == 4  # the live records did change


def test_acknowledging_a_draft_or_sending_twice_is_refused(district, reported):
    report = reported[0]
    with pytest.raises(InvalidTransition):
        reports.acknowledge_report(staff(district), report, "王书记")
    report.refresh_from_db()
    assert (report.status, report.acknowledged_by) == (ReportStatus.DRAFT, "")
    reports.send_report(staff(district), report)
    with pytest.raises(InvalidTransition):
        reports.send_report(staff(district), report)
    reports.acknowledge_report(staff(district), report, "王书记（区税务局机关党支部）")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_at is not None
    assert _entries(report) == 3 and journal.verify(report, ReportinEntry)


def test_one_report_per_organisation_and_period_by_its_communitys_staff(district, reported):
    report = reported[0]
    with pytest.raises(ValidationError, match="already a report"):
        reports.create_report(staff(district), report.employer_org, year=report.year, period="q1")
    with pytest.raises(ValidationError):
        reports.create_report(staff(district), report.employer_org, year=report.year, period="q5")
    other = user("a2_staff", Role.COMMUNITY_STAFF, district.units["A2"])
    with pytest.raises(NotFound):
        reports.send_report(other, report)
    with pytest.raises(PermissionDenied):
        reports.create_report(other, report.employer_org, year=report.year, period="q2")
    assert EmployerReport.objects.count() == 1


def test_the_workbook_holds_the_members_and_the_services(district, reported):
    report, first, *_ = reported
    reports.send_report(staff(district), report)
    report.refresh_from_db()
    cells = read_table(reports.workbook(report))
    row = next(r for r in cells if r and r[0] == first.name)
    assert row[2:6] == [3, 3, 2, 4.5]



def test_with_volunteering_itself_registering_makes_a_volunteer_and_reports_read_its_records(district):
    """No stand-in: registration goes through volunteering's ``register_volunteer`` and the report
    through its ``summaries`` (nobody has served yet: zeros for every member)."""
    from gridgov.volunteering.models import Volunteer

    member = party_members(district)[0]
    org = _org(district)
    members.register_member(staff(district), member, community=district.units["A1"], employer_org=org)
    volunteer = Volunteer.objects.get(person=member)
    assert (volunteer.community, volunteer.party_org_name, volunteer.active) == (district.units["A1"], org.name, True)
    report = reports.create_report(staff(district), org, year=this_year(), period="year")
    assert reports.compute(report)["totals"] == {"members": 1, "services": 0, "minutes": 0, "hours": 0.0,
                                                 "rated": 0, "rating_mean": None}
