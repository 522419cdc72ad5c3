"""Who should hear of a party-building journal entry, and what they are told: for the inbox to call
from its ``journal.changed`` listener (senders ``MobileMember``, ``Credit`` and ``Pledge``). The app
cannot import the inbox (a floor above); the inbox asks here."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from ..actions import PartyAction as A
from ..models import Credit, MobileMember, Pledge


def _person_users(person_id) -> list[User]:
    return list(User.objects.filter(person=person_id, is_active=True))


def recipients(subject, action: str) -> list[tuple[list[User], str]]:
    """``[(users, text), …]`` for one entry about ``subject`` (empty: nobody is told)."""
    if isinstance(subject, MobileMember) and action == A.NOT_CONTACTED:
        liaison = [subject.liaison] if subject.liaison_id and subject.liaison.is_active else []
        return [(liaison, _("Mobile party member %(name)s has not been contacted for %(days)d days.")
                 % {"name": subject.person.name, "days": subject.alerted_days})]
    if isinstance(subject, Credit) and action == A.EXPIRING:
        return [(_person_users(subject.person_id), _("Your credit for “%(course)s” expires on %(day)s.")
                 % {"course": subject.course.title, "day": subject.expires_on.isoformat()})]
    if isinstance(subject, Credit) and action == A.EXPIRE:
        return [(_person_users(subject.person_id), _("Your credit for “%(course)s” has expired: take the course again.")
                 % {"course": subject.course.title})]
    if isinstance(subject, Pledge) and action == A.DUE_SOON:
        return [(_person_users(subject.person_id), _("Your pledge “%(text)s” is due on %(day)s.")
                 % {"text": subject.text, "day": subject.due_on.isoformat()})]
    return []
