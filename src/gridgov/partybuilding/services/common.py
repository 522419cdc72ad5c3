"""What every party-building service shares: who may act, today's date, text and number checks and
the journal entry."""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import PARTY_STAFF_ROLES
from gridgov.accounts.scope import may
from gridgov.core import clock, journal
from gridgov.core.text import plain as plain  # shared by every app's services

from ..models import PartyEntry


def today() -> dt.date:
    return timezone.localdate(clock.now())


def is_party_staff(user, org) -> bool:
    """The platform (``None``) or staff holding a party-staff role over the organisation's unit."""
    return user is None or may(user, PARTY_STAFF_ROLES, org.unit)


def require_party_staff(user, org) -> None:
    if not is_party_staff(user, org):
        raise PermissionDenied(_("Only the party organisation's staff may do this."))


def person_of(user):
    return getattr(user, "person", None) if user is not None else None


def log(subject, actor, action, *, from_status: str = "", to_status: str = "", note: str = "", **data):
    """Append to the subject's chain in the party-building journal (the caller holds its row lock)."""
    return journal.append(subject, actor, action, journal=PartyEntry, from_status=from_status, to_status=to_status,
                          note=note, data=data)




def hours_value(value, label: str, *, maximum: int = 999) -> Decimal:
    """A positive number of hours with at most one decimal (0.5 h steps are common)."""
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(field)s must be a number of hours.") % {"field": label}) from None
    if not hours.is_finite() or hours <= 0 or hours > maximum or hours != hours.quantize(Decimal("0.1")):
        raise ValidationError(_("%(field)s must be between 0.1 and %(max)d hours, in tenths.")
                              % {"field": label, "max": maximum})
    return hours


def a_date(value, label: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(_("%(field)s must be a date.") % {"field": label})
    if not 2000 <= value.year <= 2100:
        raise ValidationError(_("%(field)s must be between the years 2000 and 2100.") % {"field": label})
    return value


def not_future(value: dt.date, label: str) -> dt.date:
    value = a_date(value, label)
    if value > today():
        raise ValidationError(_("%(field)s cannot be in the future.") % {"field": label})
    return value


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
