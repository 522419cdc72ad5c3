"""Who hears of a care step, and what they are told: ``recipients`` for the inbox (its
``journal.changed`` listener calls it for ``sender=Escalation`` and ``sender=CarePlan``) and ``sms``
for those without a login — the guardians at the ladder's last step, and a buddy who has no account
— which the lead wires to the SMS gateway. Care cannot import the inbox (a floor above); the inbox
asks here, so "who is told what" stays with the ladder. No health value is ever put in a message."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.structure.codes import prefix

from ..actions import CareAction as A
from ..models import CarePlan, Escalation, Step


def _active(users) -> list[User]:
    return [user for user in users if user is not None and user.is_active]


def _buddy_user(plan) -> list[User]:
    return _active(User.objects.filter(person=plan.buddy_id))


def _staff(plan) -> list[User]:
    community = prefix(plan.person.unit.code, "community")
    ids = RoleAssignment.objects.filter(unit__code=community, role=Role.COMMUNITY_STAFF).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _told_at(plan, step: int) -> list[User]:
    """The inbox users of one step (the guardians have none: they are told by SMS)."""
    if step == Step.BUDDY:
        return _buddy_user(plan)
    if step == Step.GRID_WORKER:
        return _active([plan.grid_worker])
    if step == Step.STAFF:
        return _staff(plan)
    return []


def _alert(escalation) -> str:
    return (_("Care alert (%(step)s): %(person)s — %(reason)s. Reach them and resolve the alert.")
            % {"step": escalation.get_step_display(), "person": escalation.plan.person.name,
               "reason": escalation.get_reason_display()})


def recipients(subject, action: str) -> list[tuple[list[User], str]]:
    """``[(users, text), …]`` for one journal entry about ``subject`` (empty: nobody is told)."""
    if isinstance(subject, Escalation):
        plan = subject.plan
        if action in (A.OPEN, A.ESCALATE):
            return [(_told_at(plan, subject.step), _alert(subject))]
        if action == A.RESOLVE:
            told = [user for step in range(Step.BUDDY, min(subject.step, Step.STAFF) + 1)
                    for user in _told_at(plan, step)]
            return [(list(dict.fromkeys(told)), _("Care alert for %(person)s resolved: %(outcome)s")
                     % {"person": plan.person.name, "outcome": subject.get_outcome_display()})]
        return []
    if isinstance(subject, CarePlan) and action == A.CREATE:
        return [(_buddy_user(subject) + _active([subject.grid_worker]),
                 _("You are now looking after %(person)s (%(frequency)s).")
                 % {"person": subject.person.name, "frequency": subject.get_frequency_display()})]
    return []


def sms(subject, action: str) -> list[tuple[str, str]]:
    """``[(phone, text), …]``: the guardians when the ladder reaches them, a buddy without a login
    when it starts, and each of them again when the alert is resolved."""
    if not isinstance(subject, Escalation):
        return []
    plan = subject.plan
    buddy_phone = plan.buddy.phone if not _buddy_user(plan) and plan.buddy.phone else ""
    if action == A.OPEN and subject.step == Step.BUDDY and buddy_phone:
        return [(buddy_phone, _("[Care] Please check on %(person)s now: %(reason)s.")
                 % {"person": plan.person.name, "reason": subject.get_reason_display()})]
    if action == A.ESCALATE and subject.step == Step.GUARDIANS:
        return [(guardian.phone, _("[Care] %(person)s could not be reached by the community. Please contact "
                                   "them or the community at once.") % {"person": plan.person.name})
                for guardian in plan.guardians.all()]
    if action == A.RESOLVE:
        text = _("[Care] The alert for %(person)s is resolved.") % {"person": plan.person.name}
        phones = [buddy_phone] if buddy_phone else []
        if subject.step == Step.GUARDIANS:
            phones += [guardian.phone for guardian in plan.guardians.all()]
        return [(phone, text) for phone in phones]
    return []
