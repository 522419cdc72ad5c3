"""A district's deliberation settings, a community's own support threshold and its entitlement lists
(两委 members, residents' representatives, joint meeting members): kept by the staff, journaled."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import DISTRICT_ROLES
from gridgov.accounts.scope import may
from gridgov.core import journal

from ..actions import DeliberationAction as A
from ..models import CommunityThreshold, DeliberationSettings, Roster, RosterMember, SetupEntry
from .common import community_of, require_community, require_staff

LIMITS = {"support_threshold": (1, 10000), "display_days": (1, 365), "publication_days": (1, 60),
          "horizon_weeks": (1, 52)}


def _whole(value, name: str) -> int:
    low, high = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(_("%(field)s must be a whole number between %(low)d and %(high)d.")
                              % {"field": DeliberationSettings._meta.get_field(name).verbose_name,
                                 "low": low, "high": high})
    return value


def configure(actor, district, **values) -> DeliberationSettings:
    """Set some of the district's settings (the row is opened on first use)."""
    if district.kind != "district":
        raise ValidationError(_("Settings belong to a district."))
    if actor is not None and not may(actor, DISTRICT_ROLES, district):
        raise PermissionDenied(_("Only the district's administrators and dispatchers may change these settings."))
    unknown = set(values) - set(LIMITS)
    if unknown:
        raise ValidationError(_("Unknown setting: %(name)s") % {"name": ", ".join(sorted(unknown))})
    checked = {name: _whole(value, name) for name, value in values.items()}
    with transaction.atomic():
        row, created = DeliberationSettings.objects.select_for_update().get_or_create(district_code=district.code)
        for name, value in checked.items():
            setattr(row, name, value)
        row.save()
        journal.append(row, actor, A.CREATE if created else A.CHANGE, journal=SetupEntry, data=checked)
    return row


def set_threshold(actor, community, support_threshold: int | None) -> CommunityThreshold | None:
    """The community's own threshold (None: back to the district's)."""
    require_community(community)
    require_staff(actor, community)
    with transaction.atomic():
        row = CommunityThreshold.objects.select_for_update().filter(community=community).first()
        if support_threshold is None:
            if row is not None:
                journal.append(row, actor, A.CHANGE, journal=SetupEntry, data={"support_threshold": None})
                row.delete()
            return None
        value = _whole(support_threshold, "support_threshold")
        created = row is None
        row = row or CommunityThreshold(community=community)
        row.support_threshold = value
        row.save()
        journal.append(row, actor, A.CREATE if created else A.CHANGE, journal=SetupEntry,
                       data={"support_threshold": value})
    return row


def add_to_roster(actor, community, roster: str, person) -> RosterMember:
    """Enter a resident of the community on one of its lists."""
    require_community(community)
    require_staff(actor, community)
    if roster not in Roster.values:
        raise ValidationError(_("Choose a list."))
    if community_of(person).pk != community.pk:
        raise ValidationError(_("Only residents of the community can be on its lists."))
    with transaction.atomic():
        member, created = RosterMember.objects.get_or_create(community=community, roster=roster, person=person)
        if created:
            journal.append(member, actor, A.CREATE, journal=SetupEntry, data={"roster": roster, "person": person.pk})
    return member
