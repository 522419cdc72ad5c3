"""Who may act on a case. Each check answers for one user and one case from the user's role
assignments; the lifecycle raises PermissionDenied when the answer is no (the case itself was
already found through the scope, so a case outside it answers 404 before any of this runs).

``None`` as the user is the platform itself (intake routing, the worker's escalation policy): it
may do anything; no request can act as it, because views always pass ``request.user``."""
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.structure import codes

DISPATCH_ROLES = {Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER, Role.COMMUNITY_STAFF}
UPPER_ROLES = {Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER}
GRID_ROLES = {Role.GRID_WORKER, Role.GRID_LEADER}


_remembered: ContextVar[dict | None] = ContextVar("gridgov_remembered_roles", default=None)


@contextmanager
def remembered_roles():
    """Inside this block each user's role assignments are read once, not once per check: a list of
    cases asks the same questions of every case (the API's ``actions`` per list item). Outside it,
    every check reads the database as before."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _assignments(user) -> list[tuple[str, str, int | None]] | None:
    """(role, unit code, department id) of each of ``user``'s assignments, when remembered."""
    memo = _remembered.get()
    if memo is None:
        return None
    if user.pk not in memo:
        memo[user.pk] = list(RoleAssignment.objects.filter(user=user).values_list("role", "unit__code", "department_id"))
    return memo[user.pk]


def department_ids(user) -> list[int]:
    """The ids of the departments ``user`` is staff of."""
    remembered = _assignments(user)
    if remembered is not None:
        return [department for role, _code, department in remembered if role == Role.DEPARTMENT_STAFF and department]
    return list(RoleAssignment.objects.filter(user=user, role=Role.DEPARTMENT_STAFF).values_list("department", flat=True))


def roles_over(user, unit) -> set[str]:
    """The roles ``user`` holds at ``unit`` or any unit above it."""
    if unit is None:
        return set()
    covering = codes.ancestor_codes(unit.code) + [unit.code]
    remembered = _assignments(user)
    if remembered is not None:
        return {role for role, code, _department in remembered if code in covering}
    return set(RoleAssignment.objects.filter(user=user, unit__code__in=covering).values_list("role", flat=True))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def is_dispatcher(user, case) -> bool:
    """Dispatchers of the case's current queue: its own unit's dispatching role or one above."""
    return user.is_superuser or bool(roles_over(user, case.queue) & DISPATCH_ROLES)


def require_dispatcher(user, case) -> None:
    if user is None:
        return
    _require(is_dispatcher(user, case), _("Only a dispatcher of this case's queue may do this."))


def require_upper_level(user, case) -> None:
    """督办 comes from above the level handling the case: the district, or the case's street."""
    if user is None:
        return
    allowed = user.is_superuser or bool(roles_over(user, case.unit) & UPPER_ROLES)
    _require(allowed, _("Only the district or the case's street may supervise it."))


def require_street_dispatcher(user, case) -> None:
    if user is None:
        return
    allowed = user.is_superuser or bool(roles_over(user, case.unit) & {Role.STREET_DISPATCHER, Role.DISTRICT_DISPATCHER,
                                                                       Role.DISTRICT_ADMIN})
    _require(allowed, _("Only the case's street dispatcher may whistle."))


def active_assignment(user, case):
    """The department assignment of ``user``'s department on this case that is still running."""
    departments = department_ids(user)
    if not departments:
        return None
    return case.assignments.filter(department__in=departments, status__in=["dispatched", "acknowledged",
                                                                            "handled"]).first()


def is_handler(user, case) -> bool:
    """The person the case was dispatched to, a worker of the grid whose queue it is in, or staff of
    a department it was dispatched to."""
    if case.handler_user_id == user.pk:
        return True
    if case.handler_unit_id and roles_over(user, case.handler_unit) & (GRID_ROLES | {Role.COMMUNITY_STAFF}):
        return True
    return active_assignment(user, case) is not None


def require_handler(user, case) -> None:
    if user is None:
        return
    _require(is_handler(user, case), _("Only the case's handler may do this."))


def require_verifier(user, case) -> None:
    """核查 is done by the grid's workers (or its community) where the case happened."""
    if user is None:
        return
    allowed = bool(roles_over(user, case.unit) & (GRID_ROLES | {Role.COMMUNITY_STAFF}))
    if not allowed and case.unit.kind == "grid":
        # A case located to a basic grid may be verified by the workers of its micro-grids too.
        allowed = RoleAssignment.objects.filter(user=user, role__in=GRID_ROLES,
                                                unit__parent=case.unit).exists()
    _require(allowed or user.is_superuser, _("Only the grid's workers may verify this case."))


def require_reporter(user, case) -> None:
    """回访 is the case's own reporter's. Someone whose report was merged into it follows it but does
    not rate it: a rating closes or reopens the case and counts in its handler's assessment, so it
    must come from the person the case was opened for (``services.following``)."""
    if user is None:
        return
    person = getattr(user, "person", None)  # the reverse one-to-one raises AttributeError when absent
    allowed = person is not None and case.reporter_id == person.pk
    _require(allowed, _("Only the person who reported the case may rate it."))
