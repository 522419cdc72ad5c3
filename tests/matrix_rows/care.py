"""The care app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py)."""
import datetime as dt

from django.utils import timezone

from gridgov.accounts.roles import STAFF_ROLES, Role
from gridgov.care.models import (
    CarePlan,
    CareRevealLog,
    CareSettings,
    CheckIn,
    Device,
    Escalation,
    Guardian,
    Reading,
)
from gridgov.people.models import Person, SpecialGroup

EVERY_ROLE = frozenset(Role)
#: The area's resident (whose plan it is) and the staff over their home.
PERSONAL = STAFF_ROLES | {Role.RESIDENT}


def _plan(a):
    existing = CarePlan.objects.filter(person=a.person).first()
    if existing:
        return existing
    buddy = Person.objects.create(name=f"{a.label}邻居", gender="F", unit=a.units["microgrid"])
    return CarePlan.objects.create(person=a.person, group=SpecialGroup.objects.get_or_create(code="elderly-alone", defaults={"name": "独居老人"})[0], buddy=buddy,
                                   grid_worker=a.users[Role.GRID_WORKER], starts_on=dt.date(2026, 1, 1),
                                   window_start=dt.time(8), schedule_from=timezone.now())


def _check_in(a):
    start = timezone.now()
    plan = _plan(a)
    return CheckIn.objects.create(plan=plan, seq=plan.check_ins.count() + 1, earliest=start,
                                  latest=start + dt.timedelta(hours=8))


def _escalation(a):
    now = timezone.now()
    return Escalation.objects.create(plan=_plan(a), check_in=_check_in(a), reason="missed", step_at=now,
                                     opened_at=now)


def _device(a):
    device = Device(plan=_plan(a), kind="wristband")
    device.issue_key()
    device.save()
    return device


def _reading(a):
    device = _device(a)
    return Reading.objects.create(device=device, plan=device.plan, kind="heart_rate", values='{"heart_rate": 70}',
                                  in_range=True, measured_at=timezone.now())


ROWS: dict = {
    CareSettings: (lambda a: CareSettings.objects.create(district_code=a.units["district"].code), EVERY_ROLE, True),
    CarePlan: (_plan, PERSONAL, False),
    Guardian: (lambda a: Guardian.objects.create(plan=_plan(a), name="王小明", relation="儿子", phone="13912345678"),
               STAFF_ROLES, False),
    CheckIn: (_check_in, PERSONAL, False),
    Escalation: (_escalation, PERSONAL, False),
    Device: (_device, STAFF_ROLES, False),
    Reading: (_reading, STAFF_ROLES, False),
    CareRevealLog: (lambda a: CareRevealLog.objects.create(user=a.users[Role.COMMUNITY_STAFF], plan=_plan(a),
                                                           field="reading", reading=_reading(a), reason="核实"),
                    STAFF_ROLES, False),
}
ENDPOINTS: dict = {
    "api care plan": (CarePlan, lambda p: f"/api/v1/care/plans/{p.pk}", 10**9),
    "page care person": (CarePlan, lambda p: f"/care/people/{p.person_id or 10**9}/", 10**9),
    "api care escalation": (Escalation, lambda e: f"/api/v1/care/escalations/{e.pk}", 10**9),
}
