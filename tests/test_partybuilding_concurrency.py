"""Two staff record the same member's attendance at the same moment: exactly one is recorded and one
credit granted; two staff record a pledge's fulfilment at once: exactly one wins. The services lock
the course's (the pledge's) row and check after the lock. Needs PostgreSQL."""
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core.errors import InvalidTransition
from gridgov.partybuilding.models import Attendance, Credit, Pledge
from gridgov.partybuilding.services import pledges, training

from . import partybuilding_world as pw
from .races import POSTGRES_ONLY, race

pytestmark = POSTGRES_ONLY
D = dt.date


def _two_staff(w):
    other = User.objects.create_user("street_party", password="x")
    RoleAssignment.objects.create(user=other, role=Role.STREET_DISPATCHER, unit=w.d.units["A"])
    return {"community": w.staff, "street": other}


@pytest.mark.django_db(transaction=True)
def test_the_same_attendance_recorded_twice_at_once_counts_once(district):
    assert connection.vendor == "postgresql"
    w = pw.build(district)
    with pw.on(D(2026, 3, 2)):
        course = training.create_course(w.staff, org=w.committee, title="党章学习", hours="2",
                                        starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
        session = training.add_session(w.staff, course, on=D(2026, 3, 2), hours="2", topic="一").new_session
    staff = _two_staff(w)
    outcomes = race({name: (lambda user=user: training.record_attendance(user, course, session=session, person=w.p1))
                    for name, user in staff.items()}, around=lambda: pw.on(D(2026, 3, 2)))
    assert sorted(str(type(o).__name__) if o != "ok" else o for o in outcomes.values()) == ["ValidationError", "ok"], \
        outcomes
    assert Attendance.objects.count() == 1 and Credit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_pledges_fulfilment_recorded_twice_at_once_one_wins(district):
    w = pw.build(district)
    with pw.on(D(2026, 3, 2)):
        pledge = pledges.make_pledge(w.staff, person=w.p1, org=w.branch, text="承诺", due_on=D(2026, 3, 2))
    staff = _two_staff(w)
    outcomes = race({"community": lambda: pledges.record_fulfilment(staff["community"], pledge, fulfilled=True,
                                                                   evidence="照片"),
                    "street": lambda: pledges.record_fulfilment(staff["street"], pledge, fulfilled=False)},
                   around=lambda: pw.on(D(2026, 3, 2)))
    assert list(outcomes.values()).count("ok") == 1, outcomes
    assert sum(isinstance(o, InvalidTransition) for o in outcomes.values()) == 1
    assert Pledge.objects.get().status in ("fulfilled", "unfulfilled")
