"""Who should hear of a step of a proposal or a meeting, and what they are told: for the inbox to
call from its ``journal.changed`` listener (``sender=Proposal`` or ``Meeting``). Deliberation cannot
import the inbox (a floor above); the inbox asks here, so "who is told what" stays with the app.

- a proposal's answer published: its author and its supporters;
- a proposal reaching its support threshold: the community's staff;
- a meeting scheduled: those entitled to attend it (meetings with a list); a proposal put on a
  meeting's agenda: its author and supporters, with the meeting's time.
"""
from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import LOCAL_DISPATCH_ROLES

from ..actions import DeliberationAction as A
from ..models import AgendaItem, Answer, Meeting, Proposal, Support
from .meetings import entitled_ids


def _users(person_ids) -> list[User]:
    return list(User.objects.filter(person__in=[p for p in person_ids if p], is_active=True))


def _staff(community) -> list[User]:
    ids = RoleAssignment.objects.filter(unit=community, role__in=LOCAL_DISPATCH_ROLES).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _author(proposal) -> list[User]:
    return _users([proposal.author_id])


def _supporters(proposal) -> list[User]:
    return _users(Support.objects.filter(proposal=proposal).values_list("person", flat=True))


def _when(meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")


def recipients(subject, action: str, entry=None) -> list[tuple[list[User], str]]:
    """``[(users, text), …]`` for one journal entry about ``subject`` (empty: nobody is told)."""
    if isinstance(subject, Proposal):
        title = subject.title
        if action == A.PUBLISH_ANSWER:
            answer = str(Answer(subject.answer).label)
            return [(_author(subject), _("Your proposal “%(title)s” was answered: %(answer)s")
                     % {"title": title, "answer": answer}),
                    (_supporters(subject), _("A proposal you support, “%(title)s”, was answered: %(answer)s")
                     % {"title": title, "answer": answer})]
        if action == A.THRESHOLD:
            return [(_staff(subject.community), _("Proposal “%(title)s” reached its support threshold.")
                     % {"title": title})]
        return []
    if isinstance(subject, Meeting):
        when = {"title": subject.title, "when": _when(subject), "place": subject.place}
        if action == A.SCHEDULE:
            ids = entitled_ids(subject)
            return [(_users(ids), _("Meeting “%(title)s” on %(when)s at %(place)s.") % when)] if ids else []
        if action == A.ADD_ITEM and entry is not None:
            item = AgendaItem.objects.filter(pk=entry.data.get("item")).select_related("proposal").first()
            if item is not None and item.proposal_id:
                people = _author(item.proposal) + _supporters(item.proposal)
                return [(people, _("Your proposal “%(proposal)s” is on the agenda of “%(title)s”, %(when)s at "
                                   "%(place)s.") % {**when, "proposal": item.proposal.title})]
        return []
    return []
