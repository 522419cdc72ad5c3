"""Targets: whose figures a page shows (a unit, a department or a grid worker in reach), read
from what the user asked for."""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gridgov.structure.models import Department, Unit, UnitKind

from .access import (
    Access,
    department_in_reach,
    departments_in_reach,
    unit_in_reach,
    worker_in_reach,
)
from .totals import Subject


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


# -- targets: whose figures --------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One subject whose figures are shown: a unit subtree, a department or a grid worker."""

    kind: str  # "unit", "department", "worker"
    code: str  # unit code, department code, username
    name: str
    subject: Subject
    unit: Unit | None = None
    department: Department | None = None
    worker: object = None

    @property
    def scoring(self) -> str:
        return self.kind

    @property
    def param(self) -> str:
        return {"unit": "unit", "department": "department", "worker": "worker"}[self.kind]

    @property
    def kind_label(self) -> str:
        if self.unit is not None:
            return str(UnitKind(self.unit.kind).label)
        return str(_("Department") if self.kind == "department" else _("Grid worker"))


def unit_target(unit: Unit) -> Target:
    return Target("unit", unit.code, unit.short_name, Subject(within=unit.code), unit=unit)


def target_for(user, access: Access, unit: str | None = None, department: str | None = None,
               worker: str | None = None) -> Target:
    """The subject the user asks for (at most one of ``unit``, ``department``, ``worker``), or
    where their pages start: their unit, their department, themselves."""
    if sum(bool(x) for x in (unit, department, worker)) > 1:
        raise ValidationError(_("Ask for a unit, a department or a grid worker, not several."), code="subject")
    if unit:
        return unit_target(unit_in_reach(user, access, unit))
    if department:
        found = department_in_reach(user, access, department)
        return Target("department", found.code, found.short_name, Subject(department=found.pk), department=found)
    if worker:
        found = worker_in_reach(user, access, worker)
        within = access.root.code if access.roots and found != user else None
        return Target("worker", found.get_username(), display_name(found), Subject(within=within, worker=found.pk),
                      worker=found)
    if access.root is not None:
        return unit_target(access.root)
    if access.departments:
        found = departments_in_reach(access).order_by("code").first()
        if found is not None:
            return Target("department", found.code, found.short_name, Subject(department=found.pk), department=found)
    if access.self_worker:
        return Target("worker", user.get_username(), display_name(user), Subject(worker=user.pk), worker=user)
    raise PermissionDenied(_("You have nothing to assess."))
