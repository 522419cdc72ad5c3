"""Whose figures a user may read (the assessment's reach), read off the user's scope.

District administrators and dispatchers assess the district (every unit, department and grid
worker in it); a street dispatcher their street, community staff their community, a grid leader
their grid (the units below, and the grid workers holding roles there); department staff their own
department; a grid worker themselves. Anyone else (residents, party members) is refused (403). A
unit, department or worker outside that reach answers 404 through the scope mechanism, like one
that does not exist.

Which roles a user holds where comes from :func:`gridgov.accounts.scope.scope_for` (the same cached
assignments every other check reads) and the role groups from :mod:`gridgov.accounts.roles`; what
is decided here is only what those roles assess.
"""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from gridgov.accounts.roles import DISTRICT_ROLES, GRID_ROLES, OWN_FIGURES_ROLES, UNIT_ASSESSING_ROLES, Role
from gridgov.accounts.scope import get_visible_or_404, scope_for
from gridgov.core.errors import NotFound
from gridgov.structure.codes import prefix, subtree_q
from gridgov.structure.models import Department, Unit, UnitKind

User = get_user_model()


@dataclass(frozen=True)
class Access:
    """Whose figures a user may read, in one district."""

    district: Unit
    roots: tuple[str, ...] = ()  # unit codes whose subtrees the user assesses
    root: Unit | None = None  # the broadest of them: where their pages start
    all_departments: bool = False  # every department of the district
    departments: frozenset = frozenset()  # or only these (department staff)
    self_worker: bool = False  # a grid worker: their own figures
    is_admin: bool = False  # may set the district's weights

    @property
    def district_code(self) -> str:
        return self.district.code

    def units_q(self, path: str = "code") -> Q:
        q = Q(pk__in=[]) if path == "code" else Q(**{f"{path}__in": []})
        for code in self.roots:
            q |= subtree_q(path, code)
        return q


def access_for(user) -> Access:
    """What ``user`` assesses; PermissionDenied for a user who assesses nothing. Someone with roles
    in several districts assesses the one of their broadest unit role (else of their first role)."""
    scope = scope_for(user)
    if scope.everything:  # a superuser: the first district, as its administrator
        district = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code").first()
        if district is None:
            raise PermissionDenied(_("There is no district yet."))
        return Access(district=district, roots=(district.code,), root=district, all_departments=True, is_admin=True)
    unit_codes = scope.roots(UNIT_ASSESSING_ROLES)
    departments = scope.departments_of(Role.DEPARTMENT_STAFF)
    if unit_codes:
        district_code = prefix(unit_codes[0], "district")
    elif departments or scope.has_role(Role.GRID_WORKER):
        district_code = prefix(scope.units_of(OWN_FIGURES_ROLES)[0], "district")
    else:
        raise PermissionDenied(_("Only district, street, community and grid staff, departments and grid workers "
                                 "see assessment figures."))
    roots = tuple(code for code in unit_codes if code.startswith(district_code))
    units = {u.code: u for u in Unit.objects.filter(code__in={district_code, *roots})}
    roles = {a.role for a in scope.assignments if a.unit_code.startswith(district_code)}
    return Access(
        district=units[district_code],
        roots=roots,
        root=units[roots[0]] if roots else None,
        all_departments=bool(roles & DISTRICT_ROLES),
        departments=departments,
        self_worker=Role.GRID_WORKER in roles,
        is_admin=Role.DISTRICT_ADMIN in roles,
    )


def require_admin(access: Access) -> None:
    if not access.is_admin:
        raise PermissionDenied(_("Only the district administrator sets the score weights."))


def unit_in_reach(user, access: Access, code: str) -> Unit:
    """A unit the user assesses (404 outside their subtrees, 403 for a role that assesses no units)."""
    if not access.roots:
        raise PermissionDenied(_("Only district, street, community and grid staff see the figures of units."))
    return get_visible_or_404(user, Unit.objects.filter(access.units_q()), code=code)


def departments_in_reach(access: Access):
    if access.all_departments:
        return Department.objects.filter(district=access.district)
    if access.departments:
        return Department.objects.filter(district=access.district, pk__in=access.departments)
    raise PermissionDenied(_("Only the district and department staff see the figures of departments."))


def department_in_reach(user, access: Access, code: str) -> Department:
    return get_visible_or_404(user, departments_in_reach(access), code=code)


def workers_in(access: Access, within: Unit | None = None):
    """The grid workers (and grid leaders) holding a role in ``within`` (default: everywhere the
    user assesses), by name."""
    q = subtree_q("role_assignments__unit__code", within.code) if within else access.units_q(
        "role_assignments__unit__code")
    return User.objects.filter(q, role_assignments__role__in=GRID_ROLES).distinct().order_by("username")


def worker_in_reach(user, access: Access, username: str):
    if access.self_worker and username == user.get_username():
        return user
    if not access.roots:
        if access.self_worker:
            raise NotFound
        raise PermissionDenied(_("Only district, street, community and grid staff see the figures of grid workers."))
    found = workers_in(access).filter(username=username).first()
    if found is None:
        raise NotFound
    return found
