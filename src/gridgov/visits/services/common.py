"""What every visits service shares: who may act where, what kind of visitor a user is, the checks
of text and dates."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import CARE_STAFF_ROLES, FIELD_ROLES, Role
from gridgov.accounts.scope import get_visible_or_404, may, roles_over
from gridgov.core import clock
from gridgov.core.text import plain as plain  # shared by every app's services
from gridgov.structure.codes import prefix
from gridgov.structure.models import Household, Unit

from ..models import ContactPoint, VisitorKind


def is_staff(user, unit) -> bool:
    """The platform (``None``) or a holder of a care-staff role at ``unit`` or above."""
    return user is None or may(user, CARE_STAFF_ROLES, unit)


def require_staff(user, unit) -> None:
    if not is_staff(user, unit):
        raise PermissionDenied(_("Only the community's staff may do this."))


def is_cadre(user) -> bool:
    """A leading cadre is a user with an active contact point; all their visits and receptions
    count as a leading cadre's."""
    return user is not None and ContactPoint.objects.filter(cadre=user, active=True).exists()


def visitor_kind(user, unit: Unit) -> str:
    """What ``user`` visits a household of ``unit`` as, or a refusal when they may not visit it."""
    if is_cadre(user):
        return VisitorKind.LEADING_CADRE
    if may(user, FIELD_ROLES, unit):
        return VisitorKind.GRID_WORKER
    if may(user, CARE_STAFF_ROLES, unit):
        return VisitorKind.STAFF
    person = getattr(user, "person", None)
    if person is not None and person.is_party_member and Role.PARTY_MEMBER in roles_over(user, unit):
        return VisitorKind.PARTY_MEMBER
    raise PermissionDenied(_("You may not record visits to this household."))


def household_for(user, pk) -> Household:
    """A household the user sees (404 otherwise: outside the scope is the same as absent)."""
    return get_visible_or_404(user, Household.objects.select_related("building__microgrid"), pk=pk)


def community_of(unit: Unit) -> Unit:
    code = prefix(unit.code, "community")
    if code is None:
        raise ValidationError(_("Choose a community or a place inside one."))
    return unit if unit.code == code else Unit.objects.get(code=code)


def district_of(unit: Unit) -> Unit:
    return unit if unit.code == unit.district_code else Unit.objects.get(code=unit.district_code)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def past_moment(moment: dt.datetime | None, label: str) -> dt.datetime:
    """A moment that has happened (now when not given): a visit or walk-in cannot be in the future."""
    now = clock.now()
    if moment is None:
        return now
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + dt.timedelta(minutes=5):
        raise ValidationError(_("%(field)s cannot be in the future.") % {"field": label})
    return moment
