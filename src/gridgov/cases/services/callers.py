"""Who is reporting: the caller's district, the channel, and whether they report as a resident.
The one rule for the cases API, the intake API and the web's report page, so all answer the same."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gridgov.accounts.roles import GRID_ROLES, SELF_ROLES, WORKING_ROLES
from gridgov.accounts.scope import scope_for
from gridgov.structure.models import Unit, UnitKind
from gridgov.structure.services import unit_by_code


def caller_district(user, wanted: str | None = None) -> Unit:
    """The district the caller reports in: the one of their roles (superusers and people working
    in several districts name it)."""
    scope = scope_for(user)
    mine = None if scope.everything else sorted(scope.district_codes)
    if mine == []:
        raise PermissionDenied(_("Your account belongs to no district, so it cannot report cases."))
    if wanted is None:
        if mine is None or len(mine) > 1:
            raise ValidationError(_("Say in which district you report: give “district”."), code="district")
        wanted = mine[0]
    district = unit_by_code(wanted) if mine is None or wanted in mine else None
    if district is None or district.kind != UnitKind.DISTRICT:
        raise ValidationError(_("You cannot report cases in district %(code)s.") % {"code": wanted}, code="district")
    return district


def home_district(user) -> Unit:
    """The caller's district where there is no district to name (the web's report page and its
    map): the one of their roles, the first by code for someone working in several."""
    mine = sorted(scope_for(user).district_codes)
    if not mine:
        raise PermissionDenied(_("Your account has no role in a district."))
    return caller_district(user, mine[0])


def reports_as_resident(user) -> bool:
    scope = scope_for(user)
    return not scope.everything and bool(scope.roles & SELF_ROLES) \
        and not scope.roles & WORKING_ROLES


def default_channel(user) -> str:
    """The channel a report comes through when none is named: residents the app, grid staff
    their patrol, anyone else "other"."""
    from gridgov.cases.models import Channel

    if reports_as_resident(user):
        return Channel.APP
    return Channel.PATROL if scope_for(user).roles & GRID_ROLES else Channel.OTHER


def channel_and_reporter(user, channel: str | None):
    """The channel a report comes through (:func:`default_channel` unless named) and the reporter:
    a resident reports as their own person record."""
    from gridgov.cases.models import Channel

    resident = reports_as_resident(user)
    channel = channel or default_channel(user)
    if not resident:
        return channel, None
    if channel != Channel.APP:
        raise ValidationError(_("Residents report through the app channel."), code="channel")
    reporter = getattr(user, "person", None)
    if reporter is None:
        raise PermissionDenied(_("Your account is not linked to a resident record, so it cannot report as a resident."))
    return channel, reporter
