"""The dispatch records (:class:`~gridgov.cases.models.Dispatch`), followed from the case's timeline.

A step of the timeline that concerns a dispatch — the dispatch itself, the acknowledgement, the
watch's "not acknowledged in time", a return, the handling, a failed verification, an escalation, a
merge — changes the case's latest dispatch record. :func:`advance` is that change, a function of the
latest record and the step alone, so the records written live (:func:`follow`, called by
``lifecycle.record`` in the step's own transaction, before the assessment reads them) and the
records rebuilt from a timeline (:func:`replay`: the data migration, and the check that both agree)
cannot come out differently.

Assisting departments' acknowledgements, returns and feedback leave the case's status alone and
change no dispatch record: a dispatch is the case's, charged to the person, the grid or the lead
department it went to (the assisting departments' own work is on their ``Assignment``).
"""
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gridgov.workdays.services import working_time_between

from ..actions import CaseAction
from ..models import Dispatch, DispatchEnd

#: The steps that may change a dispatch record; every other step leaves them alone.
FOLLOWED = frozenset({CaseAction.DISPATCH, CaseAction.ACKNOWLEDGE, CaseAction.RESPONSE_OVERDUE, CaseAction.RETURN,
                      CaseAction.HANDLE, CaseAction.VERIFY, CaseAction.ESCALATE, CaseAction.MERGE})
#: Steps that take an open dispatch away from its target, and the end each gives it.
_ENDS = {CaseAction.RETURN: DispatchEnd.RETURNED, CaseAction.HANDLE: DispatchEnd.HANDLED,
         CaseAction.ESCALATE: DispatchEnd.ESCALATED, CaseAction.MERGE: DispatchEnd.CANCELLED}


@dataclass(frozen=True)
class Step:
    """What a timeline entry says: the action, when, by whom, the case's status before and after,
    and its data (a dispatch's target and response limit, a verification's result)."""

    action: str
    at: dt.datetime
    actor_id: int | None
    from_status: str
    to_status: str
    data: dict


@dataclass(frozen=True)
class Target:
    """Whom a dispatch went to: a person, a grid's workers or a lead department (ids)."""

    user_id: int | None = None
    grid_id: int | None = None
    department_id: int | None = None


#: Reads a dispatch step's data (``to_user`` username, ``to_grid`` unit code, ``lead`` department
#: code) into its :class:`Target`.
Resolver = Callable[[dict], Target]


def advance(last, step: Step, new: Callable[..., object], target: Resolver):
    """Apply one step to the case's latest dispatch record ``last`` (``None`` before the first).
    Returns the record to save — ``last`` changed, or a new one made by ``new(**fields)`` for a
    dispatch — or ``None`` when the step changes no record."""
    if step.action == CaseAction.DISPATCH:
        due = step.data.get("response_due")
        return new(seq=last.seq + 1 if last else 1, sent_at=step.at,
                   response_due=dt.datetime.fromisoformat(due) if due else None, **vars(target(step.data)))
    if last is None or last.end and step.action != CaseAction.VERIFY:
        return None
    moved = step.from_status != step.to_status  # an assisting department's step leaves the status
    if step.action == CaseAction.ACKNOWLEDGE and moved:
        last.acknowledged_at = step.at
        last.ack_seconds = int(working_time_between(last.sent_at, step.at).total_seconds())
        if last.user_id is None and last.grid_id is not None:  # the grid's worker who took it answers for it
            last.user_id = step.actor_id
    elif step.action == CaseAction.RESPONSE_OVERDUE and last.acknowledged_at is None:
        last.response_missed = True
    elif step.action == CaseAction.VERIFY and step.data.get("passed") is False and last.end == DispatchEnd.HANDLED:
        last.reworks += 1  # 返工: back to the same target, whose handling failed
        last.handled_at = last.ended_at = None
        last.end = ""
    elif step.action in _ENDS and moved:
        _end(last, _ENDS[step.action], step.at)
    else:
        return None
    return last


def _end(record, end: str, at: dt.datetime) -> None:
    record.end, record.ended_at = end, at
    if end == DispatchEnd.RETURNED:
        record.returned_at = at
    elif end == DispatchEnd.HANDLED:
        record.handled_at = at
    if record.acknowledged_at is None and record.response_due is not None and at > record.response_due:
        record.response_missed = True  # given up or taken away unacknowledged after its limit


def replay(steps: Iterable[Step], new: Callable[..., object], target: Resolver) -> list:
    """A case's dispatch records rebuilt from its timeline's steps, in order."""
    records, last = [], None
    for step in steps:
        changed = advance(last, step, new, target)
        if changed is not None and changed is not last:
            records.append(changed)
            last = changed
    return records


def resolver(district_code: str) -> Resolver:
    """Targets looked up in the tables (the live path: one dispatch, one look-up)."""
    from django.contrib.auth import get_user_model

    from gridgov.structure.models import Department, Unit

    def target(data: dict) -> Target:
        if "to_user" in data:
            return Target(user_id=get_user_model().objects.values_list("pk", flat=True).get(username=data["to_user"]))
        if "to_grid" in data:
            return Target(grid_id=Unit.objects.values_list("pk", flat=True).get(code=data["to_grid"]))
        return Target(department_id=Department.objects.values_list("pk", flat=True).get(
            district__code=district_code, code=data["lead"]))
    return target


def follow(case, actor, action: str, *, from_status: str, at: dt.datetime, data: dict) -> None:
    """Bring the case's dispatch records up to the step being recorded (``lifecycle.record``)."""
    if action not in FOLLOWED:
        return
    first = action == CaseAction.DISPATCH and case.dispatch_count == 1  # nothing earlier to read
    last = None if first else case.own("dispatches").order_by("-seq").first()
    step = Step(action, at, actor.pk if actor else None, from_status, case.status, data)
    changed = advance(last, step, lambda **fields: Dispatch(case=case, district_code=case.district_code, **fields),
                      _live_target(case))
    if changed is not None:
        changed.save()


def _live_target(case) -> Resolver:
    """The target of the dispatch being recorded: the case's new handler, set by the dispatch itself
    (a department is looked up by its code)."""
    looked_up = resolver(case.district_code)

    def target(data: dict) -> Target:
        if "to_user" in data:
            return Target(user_id=case.handler_user_id)
        if "to_grid" in data:
            return Target(grid_id=case.handler_unit_id)
        return looked_up(data)
    return target


def steps_of(entries) -> list[Step]:
    """The steps of timeline entries (rows or historical rows with the same fields)."""
    return [Step(e.action, e.at, e.actor_id, e.from_status, e.to_status, e.data) for e in entries]
