"""The escalation ladder: buddy → grid worker → community staff → guardians (by SMS). An escalation
opens at the buddy's step; the worker moves it one step at a time once a step's hours (the
district's settings) have passed without a resolution, each step its own transaction and journal
entry, dated when it fell due — so a worker that stops half-way resumes where the journal says,
skipping no step and telling none twice. Someone who reaches the person resolves it."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition

from ..actions import CareAction as A
from ..models import Escalation, EscalationEntry, EscalationStatus, Outcome, Step
from .common import plain, require_checker, settings_for

transition = journal.transition(Escalation, visible=visible, related=("plan__person__unit",))


def step_hours(rules, step: int) -> int:
    """The hours ``step`` has before the next one is told (the last step waits for a resolution)."""
    return {Step.BUDDY: rules.buddy_hours, Step.GRID_WORKER: rules.grid_hours, Step.STAFF: rules.staff_hours}[step]


def next_step_at(escalation, rules) -> dt.datetime | None:
    """When the next step falls due, or None at the last step or once resolved."""
    if escalation.status != EscalationStatus.OPEN or escalation.step >= Step.GUARDIANS:
        return None
    return escalation.step_at + dt.timedelta(hours=step_hours(rules, escalation.step))


def open_escalation(plan, *, reason: str, at: dt.datetime, actor=None, check_in=None, reading=None,
                    need: str = "") -> Escalation:
    """Open an escalation at the buddy's step (inside the caller's transaction)."""
    escalation = Escalation.objects.create(plan=plan, check_in=check_in, reading=reading, reason=reason,
                                           step=Step.BUDDY, step_at=at, opened_at=at, need=need)
    journal.append(escalation, actor, A.OPEN, journal=EscalationEntry, to_status=EscalationStatus.OPEN, at=at,
                   data={"reason": reason, "step": int(Step.BUDDY)})
    return escalation


@transition
def advance(actor, escalation, now: dt.datetime):
    """Tell the next step if the current one's hours have passed (nothing otherwise: the row lock
    and this re-check make a second worker, or a second run, a no-op)."""
    due = next_step_at(escalation, settings_for(escalation.plan.person.unit.district_code))
    if due is None or due > now:
        return
    escalation.step += 1
    escalation.step_at = due
    escalation.save(update_fields=["step", "step_at"])
    journal.append(escalation, actor, A.ESCALATE, journal=EscalationEntry, from_status=EscalationStatus.OPEN,
                   to_status=EscalationStatus.OPEN, at=due, data={"step": escalation.step})


def climb(escalation, now: dt.datetime) -> int:
    """Move one escalation up every step that has fallen due by ``now``; how many steps it moved."""
    moved = 0
    while True:
        before = escalation.step
        escalation = advance(None, escalation, now)
        if escalation.step == before:
            return moved
        moved += 1


@transition
def resolve(actor, escalation, *, outcome: str, note: str = "", need: str = ""):
    """Someone reached the person (or learnt where they are): what happened, and what help they
    need, if any (recorded for a case to be raised from)."""
    require_checker(actor, escalation.plan)
    if escalation.status != EscalationStatus.OPEN:
        raise InvalidTransition(_("This escalation has already been resolved."))
    if outcome not in Outcome.values:
        raise ValidationError(_("Say what happened when the person was reached."))
    need = plain(need, _("Help needed"), 500)
    if outcome == Outcome.NEEDS_HELP and not need:
        raise ValidationError(_("Say what help the person needs."))
    escalation.status, escalation.outcome = EscalationStatus.RESOLVED, outcome
    escalation.note = plain(note, _("Note"), 500)
    escalation.need = need or escalation.need
    escalation.resolved_at, escalation.resolved_by = clock.now(), actor
    escalation.save()
    journal.append(escalation, actor, A.RESOLVE, journal=EscalationEntry, from_status=EscalationStatus.OPEN,
                   to_status=EscalationStatus.RESOLVED, note=escalation.note, at=escalation.resolved_at,
                   data={"outcome": outcome, "step": escalation.step, "need": need})
