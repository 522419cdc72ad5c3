"""What every micro-project service shares: who may act, the district's settings, checks of text,
money and photos."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gridgov.accounts.roles import DELIBERATION_STAFF_ROLES, DISTRICT_ROLES
from gridgov.accounts.scope import may
from gridgov.core.photos import checked
from gridgov.core.text import plain as plain  # shared by every app's services
from gridgov.structure.codes import prefix

from ..models import MicroprojectSettings

#: The most a budget, an allocation or a spend may be (yuan): 100 million, far above any micro-project.
MAX_MONEY = Decimal("100000000")


def settings_for(district_code: str) -> MicroprojectSettings:
    """The district's settings (defaults when the district has set none; nothing is written)."""
    return (MicroprojectSettings.objects.filter(district_code=district_code).first()
            or MicroprojectSettings(district_code=district_code))


def is_staff(user, community) -> bool:
    """The community's staff, its street or its district (``None``: the platform)."""
    return user is None or may(user, DELIBERATION_STAFF_ROLES, community)


def require_staff(user, community) -> None:
    if not is_staff(user, community):
        raise PermissionDenied(_("Only the community's staff may do this."))


def is_district(user, district_code: str) -> bool:
    if user is None:
        return True
    from gridgov.accounts.scope import scope_for

    return bool(scope_for(user).roles_at(district_code) & DISTRICT_ROLES)


def require_district(user, district_code: str) -> None:
    if not is_district(user, district_code):
        raise PermissionDenied(_("Only the district's administrators and dispatchers may do this."))


def community_code(code: str) -> str | None:
    return prefix(code, "community")




def money(value, label: str, *, positive: bool = True) -> Decimal:
    """An amount of yuan with at most two decimals, above zero (or zero when not ``positive``)."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(field)s must be an amount of yuan.") % {"field": label}) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")) \
            or number > MAX_MONEY or number < 0 or (positive and number == 0):
        raise ValidationError(_("%(field)s must be an amount of yuan above zero, with at most two decimals.")
                              % {"field": label})
    return number.quantize(Decimal("0.01"))


def check_photo(upload) -> None:
    """Refuse an upload that is not a photo (``core.photos``: the limits of every photo); the stored
    file gets a generated name with the extension of what it really is."""
    checked([upload])
