"""The visits app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py)."""
import datetime as dt

from django.utils import timezone

from gridgov.accounts.roles import DISPATCH_ROLES, STAFF_ROLES, Role
from gridgov.visits.models import ContactPoint, Promise, Reception, ReceptionHours, Visit, VisitPhoto, VisitRule

EVERY_ROLE = frozenset(Role)
DAY = dt.date(2026, 4, 1)


def _visit(a):
    return Visit.objects.create(household=a.household, unit=a.units["microgrid"], earliest=DAY, latest=DAY,
                                assignee=a.member)


def _reception(a):
    return Reception.objects.create(unit=a.units["community"], received_by=a.users[Role.COMMUNITY_STAFF],
                                    visitor_name="王大爷", matter="噪音", at=timezone.now())


ROWS: dict = {
    VisitRule: (lambda a: VisitRule.objects.create(unit=a.units["community"]), EVERY_ROLE, True),
    Visit: (_visit, STAFF_ROLES, False),
    VisitPhoto: (lambda a: VisitPhoto.objects.create(visit=_visit(a), image="visits/x.png"), STAFF_ROLES, False),
    ReceptionHours: (lambda a: ReceptionHours.objects.create(unit=a.units["community"], weekday=1, starts=dt.time(9),
                                                             ends=dt.time(11), place="服务中心"), EVERY_ROLE, True),
    Reception: (_reception, DISPATCH_ROLES, False),
    Promise: (lambda a: Promise.objects.create(unit=a.units["microgrid"], made_by=a.member, text="修路灯", due=DAY),
              STAFF_ROLES, False),
    ContactPoint: (lambda a: ContactPoint.objects.create(cadre=a.member, title="书记", unit=a.units["grid"]),
                   EVERY_ROLE, True),
}
ENDPOINTS: dict = {
    "api visits visit": (Visit, lambda o: f"/api/v1/visits/visits/{o.pk}", 10**9),
    "page visits visit": (Visit, lambda o: f"/visits/{o.pk}/", 10**9),
}
