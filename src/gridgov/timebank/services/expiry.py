"""The district's points expiry rule (``ledger.ExpiryRule``), set by its district administrators.

The ledger applies it (``ledger.services.expire``, run by ``gridgov worker`` as the job
``points-expiry`` the ledger registers); this service only lets a district administrator set the
lifetime and switch it on or off, journaled in :class:`~gridgov.timebank.models.ExpiryRuleEntry`.
Minutes never expire: the rule is for points.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role
from gridgov.accounts.scope import roles_over, scope_for
from gridgov.core.errors import NotFound
from gridgov.core.journal import append
from gridgov.ledger.models import ExpiryRule, MeasureUnit
from gridgov.structure.models import Unit, UnitKind

from ..actions import TimebankAction
from ..models import ExpiryRuleEntry

#: The longest lifetime a rule may give points (ten years).
MAX_DAYS = 3650


def district_of(user, code: str) -> Unit:
    """The district ``code`` if the user works or lives in it (NotFound otherwise): a resident, who
    sees only their own corner of the structure, may still read when their points expire."""
    scope = scope_for(user)
    district = Unit.objects.filter(kind=UnitKind.DISTRICT, code=code).first()
    if district is None or not (scope.everything or code in scope.district_codes):
        raise NotFound
    return district


def may_set(user, district: Unit) -> bool:
    return Role.DISTRICT_ADMIN in roles_over(user, district)


def rule_of(district_code: str) -> ExpiryRule | None:
    return ExpiryRule.objects.filter(district_code=district_code, unit=MeasureUnit.POINTS).first()


def set_rule(actor, *, district_code: str, days: int, active: bool) -> ExpiryRule:
    """Set the district's points expiry rule: points earned more than ``days`` days ago and still
    unspent expire (oldest first) on the worker's next round while ``active``."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValidationError(_("The lifetime is a whole number of days."), code="not_integer")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(_("The lifetime is between 1 and %(max)s days.") % {"max": MAX_DAYS}, code="days")
    if not isinstance(active, bool):
        raise ValidationError(_("Say whether the rule is active: true or false."), code="active")
    with transaction.atomic():
        district = district_of(actor, district_code)
        if not may_set(actor, district):
            raise PermissionDenied(_("Only the district's administrators set the points expiry rule."))
        rule = ExpiryRule.objects.select_for_update().filter(district_code=district.code,
                                                             unit=MeasureUnit.POINTS).first()
        before = {"days": rule.days, "active": rule.active} if rule else None
        if rule is None:
            rule = ExpiryRule.objects.create(district_code=district.code, unit=MeasureUnit.POINTS, days=days,
                                             active=active)
        else:
            rule.days, rule.active = days, active
            rule.save(update_fields=["days", "active"])
        append(rule, actor, TimebankAction.SET_EXPIRY, journal=ExpiryRuleEntry,
               data={"days": days, "active": active, "before": before})
        return rule
