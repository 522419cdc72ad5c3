"""Promises (定约践诺): made at a visit, at a reception or on their own, with a due date; decided
kept or not kept exactly once (a second decision is refused, and two at once are serialised by the
row lock: the later finds it decided). Overdue is ``overdue.overdue_q``'s answer."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import FIELD_ROLES
from gridgov.accounts.scope import may, visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition

from ..actions import VisitsAction as A
from ..models import Outcome, Promise, Reception, Visit, Warned
from .common import is_staff, local_day, plain
from .overdue import due_soon_q, overdue_q

transition = journal.transition(Promise, visible=visible, related=("unit",))


def make(actor, *, text: str, due: dt.date, unit=None, made_to: str = "", visit: Visit | None = None,
         reception: Reception | None = None) -> Promise:
    """A promise by ``actor``: at ``visit`` (its visitor or the staff), at ``reception`` (its receiver
    or the staff), or on its own for ``unit`` (the staff or a grid worker there)."""
    if visit is not None and reception is not None:
        raise ValidationError(_("A promise is made at a visit or at a reception, not both."))
    source = visit or reception
    if source is not None:
        unit = source.unit
        maker = visit.visitor_id if visit is not None else reception.received_by_id
        if actor.pk != maker and not is_staff(actor, unit):
            raise PermissionDenied(_("Only the visitor, the receiver or the community's staff may do this."))
    elif unit is None:
        raise ValidationError(_("Say where the promise was made."))
    elif not (is_staff(actor, unit) or may(actor, FIELD_ROLES, unit)):
        raise PermissionDenied(_("You may make promises only for places in your care."))
    text = plain(text, _("Promise"), 500, required=True)
    made_to = plain(made_to, _("Made to"), 50)
    if not isinstance(due, dt.date) or due < local_day(clock.now()):
        raise ValidationError(_("The due date cannot be in the past."))
    with transaction.atomic():
        promise = Promise.objects.create(unit=unit, made_by=actor, made_to=made_to, text=text, due=due, visit=visit,
                                         reception=reception, made_at=clock.now())
        journal.append(promise, actor, A.PROMISE, to_status=Outcome.OPEN, note=text,
                       data={"due": due.isoformat()})
    return promise


@transition
def decide(actor, promise, *, kept: bool, note: str = ""):
    """Kept or not kept, once; a promise not kept needs a note saying why."""
    if actor is not None and actor.pk != promise.made_by_id and not is_staff(actor, promise.unit):
        raise PermissionDenied(_("Only the one who made the promise or the community's staff may decide it."))
    if promise.outcome != Outcome.OPEN:
        raise InvalidTransition(_("This promise was already decided: %(outcome)s.")
                                % {"outcome": promise.get_outcome_display()})
    note = plain(note, _("Note"), 500, required=not kept)
    promise.outcome = Outcome.KEPT if kept else Outcome.NOT_KEPT
    promise.outcome_note, promise.decided_at, promise.decided_by = note, clock.now(), actor
    promise.save()
    journal.append(promise, actor, A.DECIDE, from_status=Outcome.OPEN, to_status=promise.outcome, note=note)


@transition
def _warn(actor, promise, level: str, now: dt.datetime):
    if promise.outcome != Outcome.OPEN or promise.warned == level:
        return
    promise.warned = level
    promise.save(update_fields=["warned"])
    journal.append(promise, None, A.OVERDUE if level == Warned.OVERDUE else A.DUE_SOON,
                   from_status=promise.outcome, to_status=promise.outcome, at=now)


def watch(now: dt.datetime | None = None) -> int:
    """Record "due soon" and "overdue" once per promise (the inbox tells its maker)."""
    now = now or clock.now()
    count = 0
    open_ = Promise.objects.filter(outcome=Outcome.OPEN)
    for promise in open_.filter(overdue_q(Promise, now)).exclude(warned=Warned.OVERDUE):
        _warn(None, promise, Warned.OVERDUE, now)
        count += 1
    for promise in open_.filter(due_soon_q(Promise, now), warned=Warned.NONE):
        _warn(None, promise, Warned.DUE_SOON, now)
        count += 1
    return count
