"""What every care service shares: who may act on a plan, the district's ladder settings, plain text."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gridgov.accounts.roles import CARE_STAFF_ROLES, FIELD_ROLES
from gridgov.accounts.scope import may
from gridgov.core.text import plain as plain  # shared by every app's services

from ..models import CareSettings


def settings_for(district_code: str) -> CareSettings:
    """The district's settings (defaults when it has set none; nothing is written)."""
    return (CareSettings.objects.filter(district_code=district_code).first()
            or CareSettings(district_code=district_code))


def is_staff(user, person) -> bool:
    """The community's staff (and the levels above) over the person's home; the platform too."""
    return user is None or may(user, CARE_STAFF_ROLES, person.unit)


def require_staff(user, person) -> None:
    if not is_staff(user, person):
        raise PermissionDenied(_("Only the community's staff may do this."))


def is_buddy(user, plan) -> bool:
    person = getattr(user, "person", None) if user is not None else None
    return person is not None and person.pk == plan.buddy_id


def may_check(user, plan) -> bool:
    """Who checks on the person and answers escalations: the buddy, the grid's people over the
    person's home, and the community's staff."""
    return (is_staff(user, plan.person) or is_buddy(user, plan)
            or may(user, FIELD_ROLES, plan.person.unit))


def require_checker(user, plan) -> None:
    if not may_check(user, plan):
        raise PermissionDenied(_("Only the buddy, the grid worker or the community's staff may do this."))


