"""吹哨报到: a street whistles on a case and calls departments, each of which must report in within
a limit; late and missed report-ins are flagged, and after closure the street rates each called
department's response (1–5)."""
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock
from gridgov.core.errors import InvalidTransition

from ..actions import CaseAction, states
from ..models import Case, Whistle, WhistleCall
from . import actors
from .lifecycle import move, record, transition


@transition
def whistle(actor, case, departments, limit_minutes: int | None = None, note: str = ""):
    if case.status not in states(CaseAction.WHISTLE):
        raise InvalidTransition(_("Only an open case can be whistled."), code="state")
    actors.require_street_dispatcher(actor, case)
    departments = list(departments)
    if not departments or any(d.district.code != case.district_code for d in departments):
        raise ValidationError(_("Call one or more departments of the case's district."), code="departments")
    limit = limit_minutes or settings.GRIDGOV_WHISTLE_MINUTES
    now = clock.now()
    call = Whistle.objects.create(case=case, by=actor, at=now, limit_minutes=limit, note=note)
    WhistleCall.objects.bulk_create([WhistleCall(whistle=call, department=d, due_at=now + dt.timedelta(minutes=limit))
                                     for d in departments])
    case.whistled = True
    move(case, actor, CaseAction.WHISTLE, case.status, now=now, note=note,
         data={"departments": [d.code for d in departments], "limit_minutes": limit})


def _pending_call(actor, case):
    departments = RoleAssignment.objects.filter(user=actor, role=Role.DEPARTMENT_STAFF).values("department")
    return WhistleCall.objects.filter(whistle__case=case, department__in=departments, reported_at__isnull=True).first()


@transition
def report_in(actor, case, now=None):
    """报到: a called department reports in; after the limit it still counts, flagged late."""
    call = _pending_call(actor, case)
    if call is None:
        raise InvalidTransition(_("Your department has no whistle call to report in to on this case."), code="state")
    now = now or clock.now()
    call.reported_at, call.reported_by, call.late = now, actor, now > call.due_at
    call.save()
    record(case, actor, CaseAction.REPORT_IN, now=now,
                    data={"department": call.department.code, "late": call.late})


@transition
def rate_department(actor, case, department, score: int):
    if case.status not in states(CaseAction.RATE_DEPARTMENT):
        raise InvalidTransition(_("Departments are rated after the case is closed."), code="state")
    actors.require_street_dispatcher(actor, case)
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("Rate from 1 to 5."), code="score")
    call = WhistleCall.objects.filter(whistle__case=case, department=department).order_by("-due_at").first()
    if call is None:
        raise ValidationError(_("That department was not called to this case."), code="department")
    call.score = int(score)
    call.save()
    record(case, actor, CaseAction.RATE_DEPARTMENT, now=clock.now(), data={"department": department.code, "score": int(score)})


@transaction.atomic
def flag_missed(now: dt.datetime | None = None) -> list[WhistleCall]:
    """Mark calls past their limit with no report-in as missed (run by the worker)."""
    now = now or clock.now()
    calls = list(WhistleCall.objects.select_for_update().filter(reported_at__isnull=True, missed=False, due_at__lt=now))
    for call in calls:
        call.missed = True
        call.save(update_fields=["missed"])
        case = Case.objects.get(pk=call.whistle.case_id)
        record(case, None, CaseAction.REPORT_IN_MISSED, now=now,
                        data={"department": call.department.code})
    return calls
