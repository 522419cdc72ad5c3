"""The one scoping mechanism: what each user may see.

A role at a unit grants that unit's subtree. Staff roles see the units, places and people of their
subtrees; department staff see their district's structure (to locate work) but no people; residents
and party members see their own unit's structure and only themselves. Every list, page, API call
and export filters through :func:`visible`, and single objects come from :func:`get_visible_or_404`
so that something outside the scope is indistinguishable from something that does not exist.

Models declare how they are scoped with :func:`register`; later apps add their own rules (a case
is also visible to the departments it was dispatched to and to its reporter).
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from gridgov.structure.codes import subtree_q

from .models import Role

STAFF_ROLES = {Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER, Role.COMMUNITY_STAFF,
               Role.GRID_LEADER, Role.GRID_WORKER}
SELF_ROLES = {Role.RESIDENT, Role.PARTY_MEMBER}


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

    @property
    def district_codes(self) -> frozenset:
        return frozenset(code[:6] for code in self.structure_codes)

    def has_role(self, *roles) -> bool:
        return self.everything or bool(self.roles & set(roles))


def _collapse(codes) -> tuple[str, ...]:
    """Drop codes inside another granted subtree, so filters stay short."""
    kept: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return tuple(sorted(kept))


def scope_for(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_gridgov_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(everything=True)
    else:
        structure, people, departments, roles = [], [], set(), set()
        for role, code, department in user.role_assignments.values_list("role", "unit__code", "department_id"):
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
        )
    user._gridgov_scope = scope
    return scope


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


def get_visible_or_404(user, queryset: QuerySet, **lookup):
    try:
        return visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404


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
