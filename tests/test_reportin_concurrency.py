"""Two staff register the same member for the same year at the same moment, and two send the same
report: exactly one wins each time, the other gets the clear refusal (never an IntegrityError, a
500). The registration locks the person's row and the sending the report's, and each checks after
taking the lock. Needs PostgreSQL (row locks between real connections)."""
import os
import threading

import pytest
from django.db import connection

from gridgov.accounts.models import Role
from gridgov.reportin.actions import ReportinAction
from gridgov.reportin.models import MemberRegistration, ReportinEntry
from gridgov.reportin.services import members, reports
from gridgov.reportin.services.access import this_year

from .reportin_world import install, party_members, staff, user

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="row locks between concurrent connections need PostgreSQL: "
                                       "run with DATABASE_URL=postgresql://…")


def _race(calls) -> list:
    barrier = threading.Barrier(len(calls), timeout=30)
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            outcomes.append(call())
        except Exception as error:  # noqa: BLE001 — compared below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_one_registration_and_one_sending_win(district, monkeypatch):
    assert connection.vendor == "postgresql"
    install(monkeypatch)
    member = party_members(district)[0]
    second_staff = user("staff2", Role.COMMUNITY_STAFF, district.units["A1"])
    org = members.add_employer_org(staff(district), district.units["A1"], employer_name="E", name="E党支部")
    outcomes = _race([lambda actor=actor: members.register_member(actor, member, community=district.units["A1"],
                                                                  employer_org=org)
                      for actor in (staff(district), second_staff)])
    assert sorted(type(o).__name__ for o in outcomes) == ["MemberRegistration", "ValidationError"], outcomes
    assert MemberRegistration.objects.count() == 1

    report = reports.create_report(staff(district), org, year=this_year(), period="year")
    outcomes = _race([lambda actor=actor: reports.send_report(actor, report) for actor in (staff(district), second_staff)])
    assert sorted(type(o).__name__ for o in outcomes) == ["EmployerReport", "InvalidTransition"], outcomes
    assert ReportinEntry.objects.filter(action=ReportinAction.SEND_REPORT).count() == 1
