"""Meetings: scheduling, opening (the entitled count is fixed then), attendance, the agenda, votes
counted from the attendees, resolutions checked against the quorum and the majority rule, minutes.
Every change is a transition of the meeting: its row lock serialises check-ins and votes."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gridgov.accounts.scope import get_visible_or_404
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.people.models import Person
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import PartyMembership

from ..actions import DeliberationAction as A
from ..models import (
    AgendaItem,
    Attendance,
    Choice,
    Matter,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Proposal,
    Resolution,
    RosterMember,
    Vote,
)
from ..models import MeetingStatus as S
from . import rules
from .common import check_ref, meeting_transition, person_of, plain, require_community, require_staff


def entitled_ids(meeting) -> set[int] | None:
    """The people entitled to attend ``meeting`` (None: any resident of the community)."""
    if meeting.kind in rules.OPEN_KINDS:
        return None
    if meeting.kind == MeetingKind.PARTY_MEMBERS:
        rows = PartyMembership.objects.filter(subtree_q("org__unit__code", meeting.community.code))
        return set(rows.values_list("person", flat=True))
    return set(RosterMember.objects.filter(community=meeting.community, roster=rules.ROSTER_OF[meeting.kind])
               .values_list("person", flat=True))


def present(meeting) -> int:
    return meeting.attendances.count()


def is_quorate(meeting) -> bool:
    return rules.quorate(meeting.kind, present(meeting), meeting.entitled)


def _step(meeting, actor, action, to_status=None, **kwargs):
    from_status = meeting.status
    if to_status is not None:
        meeting.status = to_status
        meeting.save()
    journal.append(meeting, actor, action, from_status=from_status, to_status=meeting.status, **kwargs)


def local_start(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def schedule(actor, *, community, kind: str, title: str, starts_at: dt.datetime, place: str = "",
             series=None, nominal_on: dt.date | None = None) -> Meeting:
    """A meeting of ``community`` (one of a series, or on its own)."""
    require_community(community)
    require_staff(actor, community)
    if kind not in MeetingKind.values:
        raise ValidationError(_("Choose a kind of meeting."))
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            community=community, kind=kind, title=plain(title, _("Title"), 120, required=True),
            starts_at=starts_at, held_on=timezone.localtime(starts_at).date(), place=plain(place, _("Place"), 200),
            series=series, nominal_on=nominal_on)
        journal.append(meeting, actor, A.SCHEDULE, to_status=S.SCHEDULED, data={"starts_at": starts_at.isoformat()})
    return meeting


@meeting_transition
def open_meeting(actor, meeting):
    """Open the session: the number entitled to attend is fixed now (a list changed later does not
    move a quorum already counted)."""
    require_staff(actor, meeting.community)
    if meeting.status != S.SCHEDULED:
        raise InvalidTransition(_("Only a scheduled meeting can be opened."))
    ids = entitled_ids(meeting)
    if ids is not None and not ids:
        raise ValidationError(_("Nobody is entitled to attend this meeting: fill in its list first."))
    meeting.entitled = None if ids is None else len(ids)
    meeting.opened_at = clock.now()
    _step(meeting, actor, A.OPEN, S.OPEN, data={"entitled": meeting.entitled})


@meeting_transition
def check_in(actor, meeting, person: Person | None = None):
    """An attendee checks in on their phone (``person`` omitted), or the staff check someone in."""
    if meeting.status != S.OPEN:
        raise InvalidTransition(_("Check-in is possible only while the meeting is in session."))
    if person is None:
        person = person_of(actor)
        if person is None:
            raise PermissionDenied(_("Only a resident with a personal account may check in."))
    elif person != person_of(actor):
        require_staff(actor, meeting.community)
    ids = entitled_ids(meeting)
    if ids is None:
        if not person.unit.code.startswith(meeting.community.code):
            raise ValidationError(_("Only residents of the community may attend this meeting."))
    elif person.pk not in ids:
        raise ValidationError(_("%(name)s is not entitled to attend this meeting.") % {"name": person.name})
    if meeting.attendances.filter(person=person).exists():
        raise ValidationError(_("%(name)s is already checked in.") % {"name": person.name})
    try:
        with transaction.atomic():
            Attendance.objects.create(meeting=meeting, person=person, checked_in_by=actor)
    except IntegrityError:
        raise ValidationError(_("%(name)s is already checked in.") % {"name": person.name}) from None
    _step(meeting, actor, A.CHECK_IN, data={"person": person.pk})


def _linked(actor, ref: str):
    """The proposal or matter a ref names (checked against the actor's scope), else None."""
    kind, _sep, key = ref.partition(":")
    model = {"proposal": Proposal, "matter": Matter}.get(kind)
    if model is None:
        return None
    if not key.isdigit():
        raise NotFound
    return get_visible_or_404(actor, model.objects.all(), pk=int(key)) if actor else model.objects.get(pk=int(key))


@meeting_transition
def add_item(actor, meeting, *, title: str, subject_ref: str = "", description: str = "") -> None:
    require_staff(actor, meeting.community)
    if meeting.status not in (S.SCHEDULED, S.OPEN):
        raise InvalidTransition(_("Items can be added only before or during the meeting."))
    ref = check_ref(subject_ref)
    linked = _linked(actor, ref) if ref else None
    if linked is not None and linked.community_id != meeting.community_id:
        raise ValidationError(_("The subject belongs to another community."))
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting, position=last + 1, title=plain(title, _("Title"), 120, required=True),
        description=plain(description, _("Description"), 4000), subject_ref=ref,
        proposal=linked if isinstance(linked, Proposal) else None,
        matter=linked if isinstance(linked, Matter) else None)
    meeting._new_item = item
    _step(meeting, actor, A.ADD_ITEM, data={"item": item.pk, "subject": ref})


def add_agenda_item(actor, meeting, *, title: str, subject_ref: str = "", description: str = "") -> AgendaItem:
    """:func:`add_item`, answering the new item (a transition answers its subject, the meeting)."""
    return add_item(actor, meeting, title=title, subject_ref=subject_ref, description=description)._new_item


def _open_item(meeting, item) -> AgendaItem:
    if item.meeting_id != meeting.pk:
        raise NotFound
    if meeting.status != S.OPEN:
        raise InvalidTransition(_("Votes are taken only while the meeting is in session."))
    if Resolution.objects.filter(item=item).exists():
        raise InvalidTransition(_("This item is already resolved."))
    if not is_quorate(meeting):
        raise InvalidTransition(
            _("The meeting is not quorate: %(present)d present of %(entitled)d entitled (more than half needed).")
            % {"present": present(meeting), "entitled": meeting.entitled or 0})
    return item


@meeting_transition
def vote(actor, meeting, item: AgendaItem, choice: str, person: Person | None = None):
    """An attendee votes on ``item`` (``person`` omitted), or the staff record an attendee's vote."""
    if choice not in Choice.values:
        raise ValidationError(_("Vote for, against or abstain."))
    if person is None:
        person = person_of(actor)
        if person is None:
            raise PermissionDenied(_("Only a resident with a personal account may vote."))
    elif person != person_of(actor):
        require_staff(actor, meeting.community)
    _open_item(meeting, item)
    if not meeting.attendances.filter(person=person).exists():
        raise ValidationError(_("Only those checked in may vote."))
    if Vote.objects.filter(item=item, person=person).exists():
        raise ValidationError(_("%(name)s has already voted on this item.") % {"name": person.name})
    try:
        with transaction.atomic():
            Vote.objects.create(item=item, person=person, choice=choice, recorded_by=actor)
    except IntegrityError:
        raise ValidationError(_("%(name)s has already voted on this item.") % {"name": person.name}) from None
    _step(meeting, actor, A.VOTE, data={"item": item.pk, "person": person.pk, "choice": choice})


@meeting_transition
def resolve(actor, meeting, item: AgendaItem, text: str = ""):
    """Count the item's votes into its resolution (quorum and majority checked). A failed vote on a
    matter at the step this meeting decides returns the matter to draft with the counts as reason."""
    require_staff(actor, meeting.community)
    _open_item(meeting, item)
    counts = dict(item.votes.values_list("choice").annotate(n=Count("pk")))
    attending = present(meeting)
    votes_for = counts.get(Choice.FOR, 0)
    passed = rules.passes(meeting.kind, votes_for, attending, meeting.entitled)
    resolution = Resolution.objects.create(
        item=item, meeting=meeting, passed=passed, votes_for=votes_for, votes_against=counts.get(Choice.AGAINST, 0),
        abstentions=counts.get(Choice.ABSTAIN, 0), present=attending, entitled=meeting.entitled,
        text=plain(text, _("Resolution"), 4000))
    _step(meeting, actor, A.RESOLVE, data={"item": item.pk, "passed": passed, "for": votes_for,
                                           "against": resolution.votes_against, "abstain": resolution.abstentions})
    if item.matter_id and not passed:
        from .matters import return_after_failed_vote

        return_after_failed_vote(actor, item.matter, resolution)
    meeting._resolution = resolution


def resolve_item(actor, meeting, item: AgendaItem, text: str = "") -> Resolution:
    """:func:`resolve`, answering the new resolution."""
    return resolve(actor, meeting, item, text)._resolution


@meeting_transition
def record_minutes(actor, meeting, minutes: str):
    require_staff(actor, meeting.community)
    if meeting.status == S.CANCELLED:
        raise InvalidTransition(_("A cancelled meeting has no minutes."))
    meeting.minutes = plain(minutes, pgettext("meeting", "Minutes"), 20000, required=True)
    meeting.save(update_fields=["minutes"])
    _step(meeting, actor, A.MINUTES)


@meeting_transition
def close(actor, meeting):
    require_staff(actor, meeting.community)
    if meeting.status != S.OPEN:
        raise InvalidTransition(_("Only a meeting in session can be closed."))
    meeting.closed_at = clock.now()
    _step(meeting, actor, A.CLOSE, MeetingStatus.HELD)


@meeting_transition
def cancel(actor, meeting, reason: str):
    require_staff(actor, meeting.community)
    if meeting.status != S.SCHEDULED:
        raise InvalidTransition(_("Only a scheduled meeting can be cancelled."))
    reason = plain(reason, _("Reason"), 200, required=True)
    _step(meeting, actor, A.CANCEL, S.CANCELLED, note=reason)
