"""The partybuilding app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py).

Everything hangs on a party group anchored at the area's micro-grid; the personal records are about
the area's party member (the ``party_member`` role's person)."""
import datetime as dt

from gridgov.accounts.roles import PARTY_STAFF_ROLES, STAFF_ROLES, Role
from gridgov.partybuilding.models import (
    Attendance,
    Contact,
    Course,
    CourseResult,
    CourseSession,
    Credit,
    LifeAttendance,
    LifeSession,
    MobileMember,
    Pledge,
    VanguardPost,
)
from gridgov.structure.models import PartyOrg

EVERY_ROLE = frozenset(Role)
#: The area's party member and the staff over the organisation's unit.
OWN = STAFF_ROLES | {Role.PARTY_MEMBER}
DAY = dt.date(2026, 3, 2)


def _org(a):
    return PartyOrg.objects.get_or_create(kind="group", name=f"{a.label}党建小组", unit=a.units["microgrid"])[0]


def _member(a):
    return a.users[Role.PARTY_MEMBER].person


def _mobile(a):
    return MobileMember.objects.get_or_create(person=_member(a), defaults={"home_org": _org(a), "city": "深圳",
                                                                           "since": DAY})[0]


def _life(a):
    return LifeSession.objects.create(org=_org(a), on=DAY, topic="主题党日")


def _course(a):
    return Course.objects.create(org=_org(a), title=f"{a.label}课程", hours=4, starts_on=DAY, ends_on=DAY)


def _session(a):
    return CourseSession.objects.create(course=_course(a), on=DAY, hours=2, topic="一")


ROWS: dict = {
    MobileMember: (_mobile, OWN, False),
    Contact: (lambda a: Contact.objects.create(mobile=_mobile(a), kind="call", on=DAY), OWN, False),
    LifeSession: (_life, EVERY_ROLE, False),
    LifeAttendance: (lambda a: LifeAttendance.objects.create(session=_life(a), person=_member(a), mode="online"),
                     OWN, False),
    Course: (_course, EVERY_ROLE, False),
    CourseSession: (_session, EVERY_ROLE, False),
    Attendance: (lambda a: Attendance.objects.create(session=_session(a), person=_member(a)), OWN, False),
    CourseResult: (lambda a: CourseResult.objects.create(course=_course(a), person=_member(a), score=80, taken_on=DAY),
                   OWN, False),
    Credit: (lambda a: Credit.objects.create(course=_course(a), person=_member(a), basis="hours", hours=4,
                                             granted_on=DAY, expires_on=dt.date(2027, 3, 2)), OWN, False),
    VanguardPost: (lambda a: VanguardPost.objects.create(unit=a.units["grid"], title="示范岗", holder=_member(a),
                                                         held_from=DAY, created_on=DAY), EVERY_ROLE
                   - {Role.RESIDENT, Role.PARTY_MEMBER}, False),
    Pledge: (lambda a: Pledge.objects.create(person=_member(a), org=_org(a), text="承诺", due_on=DAY, made_on=DAY),
             OWN, False),
}
ENDPOINTS: dict = {
    "api partybuilding mobile": (MobileMember, lambda o: f"/api/v1/partybuilding/mobile/{o.pk}", 10**9),
    "api partybuilding course": (Course, lambda o: f"/api/v1/partybuilding/courses/{o.pk}", 10**9),
    "api partybuilding pledge": (Pledge, lambda o: f"/api/v1/partybuilding/pledges/{o.pk}", 10**9),
    "page partybuilding course": (Course, lambda o: f"/partybuilding/courses/{o.pk}/", 10**9, PARTY_STAFF_ROLES),
}
