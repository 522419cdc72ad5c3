"""The care job ``gridgov worker`` runs each round (registered as ``care-watch``): schedule the
check-ins ahead, record the missed ones, watch the door sensors, move escalations up the ladder.
Every step is its own small transaction, re-checked under its row lock, so a second run — or a run
after a crash at any point — does nothing twice and skips nothing."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, Q

from gridgov.core import clock

from ..models import CarePlan, CheckIn, CheckInStatus, Escalation, EscalationStatus, PlanStatus, Step
from . import checkins, devices, escalations
from .common import settings_for
from .schedule import HORIZON, materialise
from .timing import closed_by


def schedule_all(now: dt.datetime) -> int:
    """Materialise every active plan up to the horizon; a plan already scheduled that far (its last
    kept check-in opens after ``now`` + horizon − its interval) is not even locked."""
    made = 0
    plans = (CarePlan.objects.filter(status=PlanStatus.ACTIVE).annotate(last=Max("check_ins__earliest", filter=~Q(check_ins__status=CheckInStatus.CANCELLED)))
             .values_list("pk", "last", "every_days"))
    for pk, last, every in plans:
        if last is not None and last + dt.timedelta(days=every) > now + HORIZON:
            continue
        with transaction.atomic():
            plan = CarePlan.objects.select_for_update().get(pk=pk)
            made += len(materialise(plan, now + HORIZON))
    return made


def record_missed(now: dt.datetime) -> int:
    missed = 0
    for check_in in CheckIn.objects.filter(status=CheckInStatus.SCHEDULED, **closed_by(now)).only("pk"):
        missed += checkins.mark_missed(None, check_in, now).status == CheckInStatus.MISSED
    return missed


def climb_all(now: dt.datetime) -> int:
    """Climb the open escalations whose next step has fallen due (read without a lock to choose
    them; ``climb`` re-checks each under its lock)."""
    moved = 0
    rules = {}
    for escalation in (Escalation.objects.filter(status=EscalationStatus.OPEN, step__lt=Step.GUARDIANS)
                       .select_related("plan__person__unit")):
        district = escalation.plan.person.unit.district_code
        rules.setdefault(district, settings_for(district))
        due = escalations.next_step_at(escalation, rules[district])
        if due is not None and due <= now:
            moved += escalations.climb(escalation, now)
    return moved


def tick(now: dt.datetime | None = None) -> str:
    now = now or clock.now()
    made = schedule_all(now)
    missed = record_missed(now)
    silent = devices.door_watch(now)
    moved = climb_all(now)
    return f"{made} check-in(s) scheduled, {missed} missed, {silent} silent door(s), {moved} escalation step(s)"
