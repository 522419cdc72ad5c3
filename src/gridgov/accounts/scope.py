"""The one scoping mechanism: what each user may see, and what role they hold where.

A role at a unit grants that unit's subtree. Staff roles see the units, places and people of their
subtrees; department staff see their district's structure (to locate work) but no people; residents
and party members see their own unit's structure and only themselves. Every list, page, API call
and export filters through :func:`visible`, and single objects come from :func:`get_visible_or_404`
so that something outside the scope is indistinguishable from something that does not exist.

Models declare how they are scoped with :func:`register`; later apps add their own rules (a case
is also visible to the departments it was dispatched to and to its reporter). Each scoped model's
manager is built on :class:`ScopedQuerySet`, so ``Model.objects.visible_to(user)`` is the same
filter as ``visible(user, Model.objects.all())``.

The same cached role assignments answer "what may this user do here": :func:`roles_over` and
:func:`may` tell which roles (of which group, :mod:`gridgov.accounts.roles`) a user holds at a unit
or above it. Apps keep their own rules about *what* a role allows (the case lifecycle's checks, the
assessment's reach) but ask these for *who holds* it, so a page, a list and an action cannot read
the assignments three different ways.
"""
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Model, Q, QuerySet

from gridgov.core.errors import NotFound
from gridgov.structure.codes import prefix, subtree_q

from .roles import SELF_ROLES, STAFF_ROLES, Role


class Assignment(NamedTuple):
    """One of a user's role assignments, as the scope keeps it."""

    role: str
    unit_code: str
    department_id: int | None


@dataclass(frozen=True)
class Scope:
    """What one user may see. ``everything`` is for superusers (the back office)."""

    structure_codes: tuple[str, ...] = ()
    people_codes: tuple[str, ...] = ()
    person_ids: frozenset = frozenset()
    department_ids: frozenset = frozenset()
    roles: frozenset = frozenset()
    everything: bool = False
    user_id: int | None = None
    assignments: tuple[Assignment, ...] = ()

    @property
    def district_codes(self) -> frozenset:
        return frozenset(prefix(code, "district") for code in self.structure_codes)

    def has_role(self, *roles) -> bool:
        return self.everything or bool(self.roles & set(roles))

    def roles_at(self, code: str) -> frozenset:
        """The roles held at the unit ``code`` or at any unit above it (a role grants its subtree).
        A superuser's own assignments count like anyone's; ``everything`` grants no role."""
        return frozenset(a.role for a in self.assignments if code.startswith(a.unit_code))

    def roles_below(self, code: str) -> frozenset:
        """The roles held at units strictly inside the subtree of ``code``."""
        return frozenset(a.role for a in self.assignments if a.unit_code.startswith(code) and a.unit_code != code)

    def units_of(self, group) -> tuple[str, ...]:
        """The codes of the units at which roles of ``group`` are held."""
        return tuple(a.unit_code for a in self.assignments if a.role in group)

    def roots(self, group) -> tuple[str, ...]:
        """The units at which roles of ``group`` are held, without those inside another: the
        subtrees the group's roles grant, broadest first."""
        return _collapse(self.units_of(group))

    def departments_of(self, role: str = Role.DEPARTMENT_STAFF) -> frozenset:
        """The departments the user holds ``role`` in (by default: is staff of)."""
        return frozenset(a.department_id for a in self.assignments if a.role == role and a.department_id)


def _collapse(codes) -> tuple[str, ...]:
    """Drop codes inside another granted subtree, so filters stay short; broadest (then lowest) first."""
    kept: list[str] = []
    for code in sorted(set(codes), key=lambda c: (len(c), c)):
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return tuple(kept)


def scope_for(user) -> Scope:
    """The user's scope, computed once per request: cached on the user object, which lives as long
    as the request (or the command) using it, so a list asking the same question of every row reads
    the role assignments once."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_gridgov_scope", None)
    if cached is not None:
        return cached
    assignments = tuple(Assignment(*row) for row in
                        user.role_assignments.values_list("role", "unit__code", "department_id"))
    if user.is_superuser:
        scope = Scope(everything=True, user_id=user.pk, assignments=assignments)
    else:
        structure, people, departments, roles = [], [], set(), set()
        for role, code, department in assignments:
            roles.add(role)
            structure.append(code)
            if role in STAFF_ROLES:
                people.append(code)
            if department:
                departments.add(department)
        person = getattr(user, "person", None)  # the reverse one-to-one raises AttributeError when absent
        scope = Scope(
            structure_codes=_collapse(structure),
            people_codes=_collapse(people),
            person_ids=frozenset([person.pk]) if person and roles & SELF_ROLES else frozenset(),
            department_ids=frozenset(departments),
            roles=frozenset(roles),
            user_id=user.pk,
            assignments=assignments,
        )
    user._gridgov_scope = scope
    return scope


def roles_over(user, unit) -> frozenset:
    """The roles ``user`` holds at ``unit`` or any unit above it (none for no unit)."""
    if unit is None:
        return frozenset()
    return scope_for(user).roles_at(unit.code)


def may(user, group, unit) -> bool:
    """Whether ``user`` holds a role of ``group`` at ``unit`` or above it. Superusers hold no role
    by being superusers: callers that let them through say so themselves."""
    return bool(roles_over(user, unit) & group)


@dataclass(frozen=True)
class Rule:
    """How a model is scoped: the path to its unit code, whether it is structure or personal data,
    and optionally the path to a person (visible to that person), to a user account (visible to that
    user, e.g. the handler a case is dispatched to), to a department (visible to its staff) and to a
    district code (visible to anyone working in that district)."""

    unit_path: str | None = None
    personal: bool = False
    person_path: str | None = None
    user_path: str | None = None
    department_path: str | None = None
    district_path: str | None = None
    extra: Callable[[Scope], Q] | None = None


_RULES: dict[type[Model], Rule] = {}


def register(model: type[Model], rule: Rule) -> None:
    _RULES[model] = rule


def registered() -> dict[type[Model], Rule]:
    """Every scoped model and its rule (a copy): what the cross-scope test matrix must cover."""
    return dict(_RULES)


def is_scoped(model: type[Model]) -> bool:
    """Whether ``model`` has a rule, i.e. whether :func:`visible` can filter it."""
    return model in _RULES


def scope_q(scope: Scope, rule: Rule) -> Q:
    codes = scope.people_codes if rule.personal else scope.structure_codes
    q = Q(pk__in=[])
    if rule.unit_path:
        for code in codes:
            q |= subtree_q(rule.unit_path, code)
    if rule.extra is not None:
        q |= rule.extra(scope)
    if rule.district_path and scope.district_codes:
        q |= Q(**{f"{rule.district_path}__in": scope.district_codes})
    if rule.person_path and scope.person_ids:
        q |= Q(**{f"{rule.person_path}__in": scope.person_ids})
    if rule.user_path and scope.user_id is not None:
        q |= Q(**{rule.user_path: scope.user_id})
    if rule.department_path and scope.department_ids:
        q |= Q(**{f"{rule.department_path}__in": scope.department_ids})
    return q


def visible(user, queryset: QuerySet) -> QuerySet:
    """Filter any registered model's queryset to what ``user`` may see."""
    scope = scope_for(user)
    if scope.everything:
        return queryset
    rule = _RULES[queryset.model]
    return queryset.filter(scope_q(scope, rule))


class ScopedQuerySet(QuerySet):
    """The queryset (and, through ``as_manager()``, the manager) of every scoped model."""

    def visible_to(self, user) -> QuerySet:
        """What of this queryset ``user`` may see: :func:`visible`."""
        return visible(user, self)


def get_visible_or_404(user, queryset: QuerySet, **lookup):
    """The one object ``lookup`` finds among those ``user`` may see; :class:`NotFound` (a 404 on the
    web and in the API) when there is none, whether it does not exist or lies outside the scope."""
    try:
        return visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise NotFound from None


def in_scope(user, obj: Model) -> bool:
    """Whether ``obj`` *as it stands in memory* lies in ``user``'s scope: the check before a write
    (a form may have just pointed it at another unit), where :func:`visible` can only see the stored
    row. It follows the same rule through the object's attributes. A rule's ``extra`` condition is a
    database query, so it is asked of the stored row, and grants nothing to an unsaved object."""
    scope = scope_for(user)
    if scope.everything:
        return True
    rule = _RULES[type(obj)]
    code = _follow(obj, rule.unit_path)
    codes = scope.people_codes if rule.personal else scope.structure_codes
    if isinstance(code, str) and any(code.startswith(root) for root in codes):
        return True
    if (_follow(obj, rule.district_path) in scope.district_codes or _follow(obj, rule.person_path) in scope.person_ids
            or _follow(obj, rule.department_path) in scope.department_ids
            or (scope.user_id is not None and _follow(obj, rule.user_path) == scope.user_id)):
        return True
    return (rule.extra is not None and obj.pk is not None
            and type(obj)._default_manager.filter(scope_q(scope, rule), pk=obj.pk).exists())


def _follow(obj, path: str | None):
    """The value at a rule's ``a__b__c`` path of an object (a related object as its key), or None."""
    if not path:
        return None
    value = obj
    for name in path.split("__"):
        value = getattr(value, name, None)  # a missing related object raises an AttributeError subclass
    return value.pk if isinstance(value, Model) else value
