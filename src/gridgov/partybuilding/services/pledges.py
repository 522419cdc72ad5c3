"""Pledges (党员承诺): a party member pledges something to their organisation by a date; the
organisation's staff record whether it was fulfilled, with a note and the evidence. Overdue is one
rule (:func:`overdue_q`), used by lists, figures and the worker's reminders alike."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition
from gridgov.people.models import Person
from gridgov.structure.models import PartyMembership

from ..actions import PartyAction as A
from ..models import Pledge, PledgeStatus
from .common import a_date, is_party_staff, log, person_of, plain, require_party_staff, today

#: How many days ahead a member is reminded of a pledge falling due.
REMIND_DAYS = 7

transition = journal.transition(Pledge, visible=visible, related=("org__unit", "person"))


def overdue_q(day: dt.date) -> Q:
    """Pledges still open after their due date: the one definition of overdue."""
    return Q(status=PledgeStatus.OPEN, due_on__lt=day)


def is_overdue(pledge, day: dt.date | None = None) -> bool:
    day = day or today()
    return pledge.status == PledgeStatus.OPEN and pledge.due_on < day


def make_pledge(actor, *, person: Person, org, text: str, due_on: dt.date) -> Pledge:
    """A member pledges (or the organisation's staff enter a member's pledge)."""
    own = person_of(actor)
    if not (is_party_staff(actor, org) or (own is not None and own.pk == person.pk)):
        raise PermissionDenied(_("Only the member or their organisation's staff may enter a pledge."))
    if not person.is_party_member or not PartyMembership.objects.filter(person=person, org=org).exists():
        raise ValidationError(_("%(name)s is not a party member of %(org)s.") % {"name": person.name, "org": org.name})
    text = plain(text, _("Pledge"), 300, required=True)
    due_on = a_date(due_on, _("Due date"))
    if due_on < today():
        raise ValidationError(_("A pledge falls due today or later."))
    with transaction.atomic():
        pledge = Pledge.objects.create(person=person, org=org, text=text, due_on=due_on, made_on=today())
        log(pledge, actor, A.PLEDGE, to_status=PledgeStatus.OPEN, due_on=due_on.isoformat())
    return pledge


@transition
def record_fulfilment(actor, pledge, *, fulfilled: bool, note: str = "", evidence: str = ""):
    require_party_staff(actor, pledge.org)
    if pledge.status != PledgeStatus.OPEN:
        raise InvalidTransition(_("This pledge's fulfilment is already recorded."))
    if not isinstance(fulfilled, bool):
        raise ValidationError(_("Say whether the pledge was fulfilled."))
    evidence = plain(evidence, _("Evidence"), 300)
    if fulfilled and not evidence:
        raise ValidationError(_("A fulfilled pledge needs its evidence."))
    status = PledgeStatus.FULFILLED if fulfilled else PledgeStatus.UNFULFILLED
    pledge.status, pledge.note, pledge.evidence = status, plain(note, _("Note"), 300), evidence
    pledge.recorded_on = today()
    pledge.save(update_fields=["status", "note", "evidence", "recorded_on"])
    log(pledge, actor, A.FULFIL if fulfilled else A.NOT_FULFIL, from_status=PledgeStatus.OPEN, to_status=status)


@transition
def _remind(actor, pledge):
    if pledge.reminded_at is None and pledge.status == PledgeStatus.OPEN:
        pledge.reminded_at = clock.now()
        pledge.save(update_fields=["reminded_at"])
        log(pledge, None, A.DUE_SOON, due_on=pledge.due_on.isoformat())


def watch_pledges(now) -> int:
    """The worker's round: remind each member once of an open pledge due within a week."""
    day = timezone.localdate(now)
    due = Pledge.objects.filter(status=PledgeStatus.OPEN, reminded_at__isnull=True, due_on__gte=day,
                                due_on__lte=day + dt.timedelta(days=REMIND_DAYS))
    count = 0
    for pledge in due:
        _remind(None, pledge)
        count += 1
    return count
