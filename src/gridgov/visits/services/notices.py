"""Who should hear of a visit's or a promise's journal entry, and what they are told: for the inbox
to call from its ``journal.changed`` listener (``sender=Visit`` or ``sender=Promise``). Visits
cannot import the inbox (it sits on a higher floor); the inbox asks here, so "who is told what"
stays with the visits."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from ..actions import VisitsAction as A
from ..models import Promise, Visit


def _active(user_id) -> list[User]:
    return list(User.objects.filter(pk=user_id, is_active=True)) if user_id else []


def recipients(subject, action: str) -> list[tuple[list[User], str]]:
    """``[(users, text), …]`` for one journal entry about a visit or a promise (empty: nobody)."""
    if isinstance(subject, Visit):
        where = str(subject.household)
        if action == A.PLAN and subject.rule_id:
            return []
        if action == A.DUE_SOON:
            return [(_active(subject.assignee_id), _("Visit to %(household)s is due by %(day)s.")
                     % {"household": where, "day": subject.latest.isoformat()})]
        if action == A.OVERDUE:
            return [(_active(subject.assignee_id), _("Visit to %(household)s is overdue (due by %(day)s).")
                     % {"household": where, "day": subject.latest.isoformat()})]
    if isinstance(subject, Promise):
        if action == A.DUE_SOON:
            return [(_active(subject.made_by_id), _("Your promise “%(text)s” is due on %(day)s.")
                     % {"text": subject.text, "day": subject.due.isoformat()})]
        if action == A.OVERDUE:
            return [(_active(subject.made_by_id), _("Your promise “%(text)s” is overdue (due on %(day)s).")
                     % {"text": subject.text, "day": subject.due.isoformat()})]
    return []
