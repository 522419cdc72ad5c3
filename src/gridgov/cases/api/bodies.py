"""The bodies of the case actions: one schema per kind of body, each naming the arguments it gives
its action's service (:meth:`ActionBody.arguments`). The action registry
(``gridgov.cases.actions``) says which body each action takes.

What a body names by code (a user, a grid, departments, a master case) is looked up inside the
caller's scope and the case's district; a name found nowhere there is bad input (422), whether it
does not exist or lies outside the scope."""
from decimal import Decimal
from typing import Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.scope import visible
from gridgov.core.text import PlainText
from gridgov.structure.models import Department, Unit

from ..models import Case, Rating
from ..services.lifecycle import REJECT_REASONS
from .schemas import DEPARTMENT_CODE, NOTE


class ActionBody(Schema):
    def arguments(self, user, case) -> dict:
        """The keyword arguments of the action's service. By default the fields as they are (they
        are named as the service names them); a body that names things by code looks them up."""
        return self.model_dump()


class NoteIn(ActionBody):
    note: PlainText = Field("", max_length=NOTE)


class EmptyIn(ActionBody):
    pass


class RejectIn(NoteIn):
    reason: Literal[tuple(REJECT_REASONS)]


class DispatchIn(NoteIn):
    to_user: str | None = Field(None, max_length=150, description="A username: a worker of the case's grid or staff of its community.")
    to_grid: str | None = Field(None, pattern=r"^(\d{15}|\d{18})$", description="The code of the (micro-)grid the case is in.")
    lead: str | None = Field(None, pattern=DEPARTMENT_CODE, description="The lead department's code.")
    assisting: list[str] = Field([], max_length=20, description="Assisting departments' codes (with a lead).")

    def arguments(self, user, case) -> dict:
        if self.assisting and not self.lead:
            raise ValidationError(_("Assisting departments need a lead department."), code="assisting")
        targets = {}
        if self.to_user:
            targets["to_user"] = _user(user, case, self.to_user)
        if self.to_grid:
            targets["to_grid"] = _grid(user, self.to_grid)
        if self.lead:
            lead, *assisting = _departments(user, case, [self.lead, *self.assisting])
            targets.update(lead=lead, assisting=assisting)
        return {"note": self.note, **targets}


class ReasonIn(ActionBody):
    reason: PlainText = Field(..., max_length=200)


class HandleIn(ActionBody):
    note: PlainText = Field(..., max_length=NOTE, description="What was done.")


class VerifyIn(NoteIn):
    passed: bool


class ExtensionIn(ActionBody):
    days: Decimal = Field(..., gt=0, le=30, decimal_places=1, description="Working days, in steps of 0.1.")
    reason: PlainText = Field(..., max_length=200)


class DecideExtensionIn(NoteIn):
    granted: bool


class MergeIn(NoteIn):
    into: str = Field(..., pattern=r"^\d{1,24}$", description="The code of the case this one duplicates.")

    def arguments(self, user, case) -> dict:
        master = visible(user, Case.objects.filter(code=self.into)).first()
        if master is None:
            raise ValidationError(_("There is no case %(code)s in your area.") % {"code": self.into}, code="into")
        return {"into": master, "note": self.note}


class RateIn(NoteIn):
    rating: Literal[tuple(Rating.values)]


class WhistleIn(ActionBody):
    departments: list[str] = Field(..., min_length=1, max_length=20, description="The called departments' codes.")
    limit_minutes: int | None = Field(None, ge=1, le=7 * 24 * 60, description="Report-in limit; the district's default when absent.")
    note: PlainText = Field("", max_length=200)

    def arguments(self, user, case) -> dict:
        departments = _departments(user, case, list(dict.fromkeys(self.departments)))
        return {"departments": departments, "limit_minutes": self.limit_minutes, "note": self.note}


class RateDepartmentIn(ActionBody):
    department: str = Field(..., pattern=DEPARTMENT_CODE)
    score: int = Field(..., ge=1, le=5)

    def arguments(self, user, case) -> dict:
        department, = _departments(user, case, [self.department])
        return {"department": department, "score": self.score}


def _departments(user, case, codes: list[str]) -> list[Department]:
    found = {d.code: d for d in visible(user, Department.objects.filter(district__code=case.district_code,
                                                                         code__in=codes)).select_related("district")}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(_("The case's district has no department %(codes)s.") % {"codes": ", ".join(unknown)},
                              code="department")
    return [found[code] for code in codes]


def _user(user, case, username: str) -> User:
    """A user working in the case's district and in the caller's part of it."""
    target = User.objects.filter(
        username=username, is_active=True,
        pk__in=RoleAssignment.objects.filter(unit__in=visible(user, Unit.objects.filter(district_code=case.district_code)))
        .values("user")).first()
    if target is None:
        raise ValidationError(_("Nobody called “%(username)s” works where you can dispatch.") % {"username": username},
                              code="to_user")
    return target


def _grid(user, code: str) -> Unit:
    grid = visible(user, Unit.objects.filter(code=code)).first()
    if grid is None:
        raise ValidationError(_("There is no grid %(code)s in your area.") % {"code": code}, code="to_grid")
    return grid
