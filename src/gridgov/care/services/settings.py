"""A district's care settings: the hours each step of the escalation ladder has, and how long a door
may stay shut. Set by the district's administrators and dispatchers; journaled."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import DISTRICT_ROLES
from gridgov.accounts.scope import may
from gridgov.core import journal

from ..actions import CareAction as A
from ..models import CareSettings

FIELDS = ("buddy_hours", "grid_hours", "staff_hours", "door_silence_hours")


def configure(actor, district, **values) -> CareSettings:
    """Set some or all of FIELDS (whole hours, 1 to 168) for ``district``."""
    if district.kind != "district":
        raise ValidationError(_("Settings belong to a district."))
    if actor is not None and not may(actor, DISTRICT_ROLES, district):
        raise PermissionDenied(_("Only the district's administrators and dispatchers may change these settings."))
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 168:
            raise ValidationError(_("Each limit is a whole number of hours from 1 to 168."))
    with transaction.atomic():
        row, _created = CareSettings.objects.select_for_update().get_or_create(district_code=district.code)
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        for name, value in changed.items():
            setattr(row, name, value)
        row.save()
        journal.append(row, actor, A.CONFIGURE, data=changed)
    return row
