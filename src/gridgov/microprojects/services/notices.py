"""Who should hear of a step of a project, and what they are told: for the inbox to call from its
``journal.changed`` listener (``sender=Project``). Micro-projects cannot import the inbox (it sits on
a higher floor); the inbox asks here, so "who is told what" stays with the projects."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import DELIBERATION_STAFF_ROLES, DISTRICT_ROLES

from ..actions import MicroprojectAction as A
from ..models import ProjectStatus
from .evaluations import served_households


def _staff(project) -> list[User]:
    ids = RoleAssignment.objects.filter(unit=project.community, role__in=DELIBERATION_STAFF_ROLES).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _district(project) -> list[User]:
    ids = RoleAssignment.objects.filter(unit__code=project.community.district_code, role__in=DISTRICT_ROLES) \
        .values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _households(project, *, answered: bool | None = None) -> list[User]:
    """The accounts of the people living in the served households (those whose household has not
    answered yet, with ``answered=False``)."""
    households = served_households(project)
    if answered is False:
        households = households.exclude(pk__in=project.evaluations.values("household"))
    return list(User.objects.filter(person__household__in=households.values("pk"), is_active=True)
                .order_by("pk"))


def recipients(project, action: str) -> list[tuple[list[User], str]]:
    """``[(users, text), …]`` for one journal entry about ``project`` (empty: nobody is told)."""
    title = project.title
    status = str(ProjectStatus(project.status).label)
    if action == A.OPEN_EVALUATION:
        return [(_households(project), _("Please evaluate the micro-project “%(title)s” serving your home.")
                 % {"title": title})]
    if action == A.REMIND:
        return [(_households(project, answered=False),
                 _("Reminder: your household has not yet evaluated the micro-project “%(title)s”.") % {"title": title})]
    if action == A.END_EVALUATION:
        return [(_staff(project), _("The evaluation of “%(title)s” has ended: close the project.") % {"title": title})]
    if action in (A.REVIEW, A.DECIDE, A.ACCEPT, A.CLOSE, A.CLOSE_UNEVALUATED):
        return [(_staff(project), _("Micro-project “%(title)s”: %(status)s") % {"title": title, "status": status})]
    if action == A.PROPOSE:
        return [(_staff(project), _("New micro-project proposed: %(title)s") % {"title": title})]
    if action == A.MATTER:
        return [(_district(project), _("Large micro-project “%(title)s” goes to 四议两公开.") % {"title": title})]
    return []
