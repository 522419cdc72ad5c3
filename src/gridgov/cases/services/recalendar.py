"""Deadlines that follow the calendar: when the working-day calendar changes — next year's official
schedule entered in December, a holiday corrected — every open case's resolution deadline is
recomputed from its report, and each one that moved says so on its timeline (from, to).

Run by ``gridgov worker`` whenever the calendar's stamp (``workdays.services.CALENDAR_STAMP``) has
moved past the one this job last finished; a case is locked, recomputed and recorded in its own
transaction, so a worker killed half-way leaves the rest for the next round and never records a
case twice (a case already moved has nothing left to move).
"""
from django.db import transaction

from gridgov.core import clock, jobs, stamps
from gridgov.workdays.services import CALENDAR_STAMP

from ..actions import CaseAction
from ..models import Case, Status
from . import deadlines, lifecycle

#: The calendar version whose deadlines are all recomputed.
DONE_STAMP = "cases.deadlines-calendar"


def recompute(now=None) -> str:
    """Recompute the open cases' deadlines if the calendar changed since the last run."""
    version = stamps.read(CALENDAR_STAMP)
    if version == stamps.read(DONE_STAMP):
        return "calendar unchanged"
    now = now or clock.now()
    moved = 0
    for pk in list(Case.objects.filter(status__in=Status.RUNNING).values_list("pk", flat=True)):
        jobs.step()
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("category").get(pk=pk)
            due = deadlines.resolution_due(case)
            if due == case.resolution_due:
                continue
            before = case.resolution_due
            case.resolution_due, case.light = due, deadlines.light(case, now)
            case.save(update_fields=["resolution_due", "light"])
            lifecycle.record(case, None, CaseAction.RECALENDAR, now=now,
                             data={"from": before.isoformat() if before else None, "to": due.isoformat()})
            moved += 1
    stamps.set_to(DONE_STAMP, version)
    return f"calendar changed: {moved} deadlines moved"
