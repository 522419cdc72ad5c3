"""A district's volunteering settings: the registration target and the working days allowed to
accept, dispatch and take an order. Set by the district's administrators and dispatchers."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import DISTRICT_ROLES
from gridgov.accounts.scope import may
from gridgov.core import journal

from ..actions import VolunteeringAction as A
from ..models import SetupEntry, VolunteeringSettings


def _decimal(value, label: str, low: Decimal, high: Decimal, places: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(field)s must be a number.") % {"field": label}) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValidationError(_("%(field)s must be between %(low)s and %(high)s.")
                              % {"field": label, "low": low, "high": high})
    return number.quantize(Decimal(1).scaleb(-places))


def configure(actor, district, *, registration_target, accept_days, dispatch_days, take_days) -> VolunteeringSettings:
    """Set the district's settings (opened on first use); journaled."""
    if district.kind != "district":
        raise ValidationError(_("Settings belong to a district."))
    if actor is not None and not may(actor, DISTRICT_ROLES, district):
        raise PermissionDenied(_("Only the district's administrators and dispatchers may change these settings."))
    values = {
        "registration_target": _decimal(registration_target, _("The registration target"), Decimal(0), Decimal(1), 3),
        "accept_days": _decimal(accept_days, _("Working days to accept"), Decimal("0.1"), Decimal(30), 2),
        "dispatch_days": _decimal(dispatch_days, _("Working days to dispatch"), Decimal("0.1"), Decimal(30), 2),
        "take_days": _decimal(take_days, _("Working days to take"), Decimal("0.1"), Decimal(30), 2),
    }
    with transaction.atomic():
        row, created = VolunteeringSettings.objects.select_for_update().get_or_create(district_code=district.code)
        changed = sorted(name for name, value in values.items() if created or getattr(row, name) != value)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        journal.append(row, actor, A.CREATE if created else A.CHANGE, journal=SetupEntry,
                       data={name: str(values[name]) for name in changed})
    return row
