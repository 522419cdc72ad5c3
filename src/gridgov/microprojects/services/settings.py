"""A district's micro-project settings: the large-project threshold (四议两公开 from there up) and
the residents' evaluation window. Set by the district's administrators and dispatchers."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import journal

from ..actions import MicroprojectAction as A
from ..models import ListEntry, MicroprojectSettings
from .common import money, require_district


def _whole(value, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("%(field)s must be a whole number.") % {"field": label}) from None
    if not low <= number <= high:
        raise ValidationError(_("%(field)s must be between %(low)d and %(high)d.")
                              % {"field": label, "low": low, "high": high})
    return number


def configure(actor, district, *, large_threshold, evaluation_days, min_responses) -> MicroprojectSettings:
    """Set the district's settings (opened on first use); journaled."""
    if district.kind != "district":
        raise ValidationError(_("Settings belong to a district."))
    require_district(actor, district.code)
    values = {"large_threshold": money(large_threshold, _("The large-project threshold"), positive=False),
              "evaluation_days": _whole(evaluation_days, _("The evaluation window"), 1, 90),
              "min_responses": _whole(min_responses, _("The minimum responses"), 1, 1000)}
    with transaction.atomic():
        row, created = MicroprojectSettings.objects.select_for_update().get_or_create(district_code=district.code)
        changed = sorted(name for name, value in values.items() if created or getattr(row, name) != value)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        journal.append(row, actor, A.CREATE if created else A.CHANGE, journal=ListEntry,
                       data={name: str(values[name]) for name in changed})
    return row
