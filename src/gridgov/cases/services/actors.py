"""Who may act on a case. Each check answers for one user and one case from the user's role
assignments, as the scope keeps them (:func:`gridgov.accounts.scope.may`: read once per user
object, so a list asking every case the same questions reads them once); the lifecycle raises
PermissionDenied when the answer is no (the case itself was already found through the scope, so a
case outside it answers 404 before any of this runs). What each role may do to a case is decided
here; which roles form a group, in :mod:`gridgov.accounts.roles`.

``None`` as the user is the platform itself (intake routing, the worker's escalation policy): it
may do anything; no request can act as it, because views always pass ``request.user``."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.roles import DISPATCH_ROLES, GRID_ROLES, GRID_TASK_ROLES, UPPER_LEVEL_ROLES, Role
from gridgov.accounts.scope import may, scope_for
from gridgov.catalogue.models import Verifier

from ..actions import CaseAction
from ..models import AssignmentStatus


def department_ids(user) -> list[int]:
    """The ids of the departments ``user`` is staff of."""
    return sorted(scope_for(user).departments_of(Role.DEPARTMENT_STAFF))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def is_dispatcher(user, case) -> bool:
    """Dispatchers of the case's current queue: its own unit's dispatching role or one above."""
    return user.is_superuser or may(user, DISPATCH_ROLES, case.queue)


def require_dispatcher(user, case) -> None:
    if user is None:
        return
    _require(is_dispatcher(user, case), _("Only a dispatcher of this case's queue may do this."))


def require_upper_level(user, case) -> None:
    """督办 comes from above the level handling the case: the district, or the case's street."""
    if user is None:
        return
    allowed = user.is_superuser or may(user, UPPER_LEVEL_ROLES, case.unit)
    _require(allowed, _("Only the district or the case's street may supervise it."))


def require_street_dispatcher(user, case) -> None:
    """吹哨 is the street's (or the district's) call on the departments."""
    if user is None:
        return
    allowed = user.is_superuser or may(user, UPPER_LEVEL_ROLES, case.unit)
    _require(allowed, _("Only the case's street dispatcher may whistle."))


def active_assignment(user, case):
    """The department assignment of ``user``'s department on this case that is still running."""
    departments = department_ids(user)
    if not departments:
        return None
    return case.own("assignments").filter(department__in=departments, status__in=AssignmentStatus.ACTIVE).first()


def is_handler(user, case) -> bool:
    """The person the case was dispatched to, a worker of the grid whose queue it is in, or staff of
    a department it was dispatched to."""
    if case.handler_user_id == user.pk:
        return True
    if case.handler_unit_id and may(user, GRID_TASK_ROLES, case.handler_unit):
        return True
    return active_assignment(user, case) is not None


def require_handler(user, case) -> None:
    if user is None:
        return
    _require(is_handler(user, case), _("Only the case's handler may do this."))


def handled_by_user_id(case) -> int | None:
    """Who gave the handling feedback that made the case handled (the last 处置 on its timeline);
    ``None`` when the platform did."""
    return case.timeline.filter(action=CaseAction.HANDLE).order_by("-seq").values_list("actor", flat=True).first()


def _of_the_grid(user, case) -> bool:
    """The case's grid's people or its community's staff (a case located to a basic grid: the
    workers of its micro-grids too)."""
    if may(user, GRID_TASK_ROLES, case.unit):
        return True
    return case.unit.kind == "grid" and bool(scope_for(user).roles_below(case.unit.code) & GRID_ROLES)


#: Who may verify under each of the catalogue's choices (``Category.verifier``).
_VERIFIERS = {
    Verifier.GRID: (_of_the_grid, gettext_lazy("Only the grid's people or its community may verify this case.")),
    Verifier.GRID_LEADER: (
        lambda user, case: may(user, {Role.GRID_LEADER}, case.unit) or may(user, {Role.COMMUNITY_STAFF}, case.unit),
        gettext_lazy("Only the grid leader or the community may verify this case.")),
    Verifier.COMMUNITY: (lambda user, case: may(user, {Role.COMMUNITY_STAFF}, case.unit),
                         gettext_lazy("Only the community's staff may verify this case.")),
}


def require_verifier(user, case) -> None:
    """核查 is done where the case happened, by whom its category says (``Category.verifier``:
    the grid's people, its leader, or the community) — and never by the person who handled it:
    verification is the check on the handling, so the handler cannot pass their own work."""
    if user is None:
        return
    allowed, refusal = _VERIFIERS.get(case.category.verifier, _VERIFIERS[Verifier.GRID])
    _require(allowed(user, case) or user.is_superuser, str(refusal))
    _require(handled_by_user_id(case) != user.pk,
             _("You handled this case: someone else must verify it."))


def require_reporter(user, case) -> None:
    """回访 is the case's own reporter's. Someone whose report was merged into it follows it but does
    not rate it: a rating closes or reopens the case and counts in its handler's assessment, so it
    must come from the person the case was opened for (``services.following``)."""
    if user is None:
        return
    person = getattr(user, "person", None)  # the reverse one-to-one raises AttributeError when absent
    allowed = person is not None and case.reporter_id == person.pk
    _require(allowed, _("Only the person who reported the case may rate it."))
