"""Who may act in 双报到, asked of the one scope (``accounts.scope.may``) with the groups of
``accounts.roles``: a community's participation staff run it; a resident unit's named liaison acts
for that unit only; a party member registers themself."""
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import DISTRICT_ROLES, LIAISON_ROLES, PARTICIPATION_STAFF_ROLES
from gridgov.accounts.scope import may
from gridgov.core import clock

from ..models import Liaison


def this_year() -> int:
    return timezone.localtime(clock.now()).year


def today():
    return timezone.localtime(clock.now()).date()


def is_staff(actor, community) -> bool:
    return actor is None or may(actor, PARTICIPATION_STAFF_ROLES, community)


def require_staff(actor, community) -> None:
    if not is_staff(actor, community):
        raise PermissionDenied(_("Only the community's staff may do this."))


def is_liaison(actor, unit) -> bool:
    """Whether ``actor`` is a named liaison of this very unit (holding the role at its community)."""
    return (actor is not None and may(actor, LIAISON_ROLES, unit.community)
            and Liaison.objects.filter(unit=unit, user=actor).exists())


def require_staff_or_liaison(actor, unit) -> None:
    if not (is_staff(actor, unit.community) or is_liaison(actor, unit)):
        raise PermissionDenied(_("Only the community's staff or this unit's liaison may do this."))


def require_district(actor, district) -> None:
    if not (actor is None or may(actor, DISTRICT_ROLES, district)):
        raise PermissionDenied(_("Only the district's administrators may do this."))
