"""The 双报到 demo generator against the small test district (not the full demo): units with
pledges and named liaisons (the ``unit_liaison`` login), in-service members registered where they
live, one sent report per employer organisation for the last quarter — all journaled."""
import datetime as dt

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import journal
from gridgov.demo import reportin_demo
from gridgov.reportin.models import (
    EmployerReport,
    Liaison,
    MemberRegistration,
    Pledge,
    ReportinEntry,
    ReportStatus,
    ResidentUnit,
)
from gridgov.reportin.services.members import home_community_code
from gridgov.structure.models import PartyMembership, PartyOrg

NOW = dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.timezone.utc)


def test_the_demo_registers_units_members_and_sends_the_quarter_reports(district):
    a1 = district.units["A1"]
    org = PartyOrg.objects.create(kind="branch", name="A1党支部", unit=a1)
    for person in district.persons[:4]:  # the four residents of A1
        PartyMembership.objects.create(org=org, person=person)
    summary = reportin_demo.generate(now=NOW, district_code="510113")

    assert summary["reportin_units"] == ResidentUnit.objects.count() >= 3
    assert summary["reportin_pledges"] == Pledge.objects.count() > 0
    assert summary["reportin_members"] == MemberRegistration.objects.count() == 4
    assert all(home_community_code(r.person) == r.community.code for r in MemberRegistration.objects.all())
    assert Liaison.objects.count() == ResidentUnit.objects.count()
    assert RoleAssignment.objects.filter(user__username="unit_liaison", role=Role.UNIT_LIAISON, unit=a1).exists()
    reports = EmployerReport.objects.all()
    assert summary["reportin_reports"] == reports.count() > 0
    assert {(r.year, r.period) for r in reports} == {(2026, "q3")}
    assert all(r.status in (ReportStatus.SENT, ReportStatus.ACKNOWLEDGED) and r.snapshot for r in reports)
    assert ReportStatus.ACKNOWLEDGED in {r.status for r in reports}
    for subject in [*ResidentUnit.objects.all(), *MemberRegistration.objects.all(), *reports]:
        assert journal.verify(subject, ReportinEntry)
    # a second run adds nothing
    assert reportin_demo.generate(now=NOW, district_code="510113")["reportin_members"] == 0
