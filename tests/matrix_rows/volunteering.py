"""The volunteering app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py)."""
import datetime as dt

from django.utils import timezone

from gridgov.accounts.roles import STAFF_ROLES, Role
from gridgov.volunteering.models import (
    Activity,
    ServiceItem,
    ServiceOrder,
    ServiceRecord,
    SignUp,
    Team,
    TeamMembership,
    Volunteer,
    VolunteeringSettings,
)

EVERY_ROLE = frozenset(Role)
#: The area's resident and the staff over their home.
PERSONAL = STAFF_ROLES | {Role.RESIDENT}


def _volunteer(a):
    return Volunteer.objects.get_or_create(person=a.person, defaults={
        "community": a.units["community"], "status": "registered", "registered_on": dt.date(2026, 1, 1)})[0]


def _team(a):
    return Team.objects.get_or_create(community=a.units["community"], name=f"{a.label}队")[0]


def _item(a):
    return ServiceItem.objects.get_or_create(community=a.units["community"], name=f"{a.label}理发")[0]


def _order(a):
    return ServiceOrder.objects.create(community=a.units["community"], item=_item(a), resident=a.person)


def _activity(a):
    start = timezone.now()
    return Activity.objects.create(community=a.units["community"], title=f"{a.label}活动", starts_at=start,
                                   ends_at=start + dt.timedelta(hours=1), limit=3)


def _record(a):
    return ServiceRecord.objects.create(volunteer=_volunteer(a), person=a.person, community=a.units["community"],
                                        title="理发", day=dt.date(2026, 1, 2), minutes=60, points=10, order=_order(a))


ROWS: dict = {
    VolunteeringSettings: (lambda a: VolunteeringSettings.objects.create(district_code=a.units["district"].code),
                           EVERY_ROLE, True),
    Volunteer: (_volunteer, PERSONAL, False),
    Team: (_team, EVERY_ROLE, False),
    TeamMembership: (lambda a: TeamMembership.objects.create(team=_team(a), volunteer=_volunteer(a)), PERSONAL, False),
    ServiceItem: (_item, EVERY_ROLE, False),
    ServiceOrder: (_order, PERSONAL, False),
    Activity: (_activity, EVERY_ROLE, False),
    SignUp: (lambda a: SignUp.objects.create(activity=_activity(a), volunteer=_volunteer(a), status="signed_up"),
             PERSONAL, False),
    ServiceRecord: (_record, PERSONAL, False),
}
ENDPOINTS: dict = {
    "api volunteering order": (ServiceOrder, lambda o: f"/api/v1/volunteering/orders/{o.pk}", 10**9),
    "page volunteering order": (ServiceOrder, lambda o: f"/volunteering/orders/{o.pk}/", 10**9),
    "api volunteering activity": (Activity, lambda o: f"/api/v1/volunteering/activities/{o.pk}", 10**9),
    "page volunteering activity": (Activity, lambda o: f"/volunteering/activities/{o.pk}/", 10**9),
}
