"""Who is reporting, as the API sees it: the caller's district and whether they report as a
resident. Shared by the cases API and the intake API so both answer the same way."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gridgov.accounts.models import Role
from gridgov.accounts.scope import SELF_ROLES, STAFF_ROLES, scope_for
from gridgov.structure.models import Unit, UnitKind


def caller_district(user, wanted: str | None) -> Unit:
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
    district = Unit.objects.filter(code=wanted, kind=UnitKind.DISTRICT).first()
    if district is None or (mine is not None and wanted not in mine):
        raise ValidationError(_("You cannot report cases in district %(code)s.") % {"code": wanted}, code="district")
    return district


def reports_as_resident(user) -> bool:
    scope = scope_for(user)
    return not scope.everything and bool(scope.roles & SELF_ROLES) \
        and not scope.roles & (STAFF_ROLES | {Role.DEPARTMENT_STAFF})


def channel_and_reporter(user, channel: str | None):
    """The channel a report comes through (residents: the app; grid staff: patrol; others: other)
    and the reporter: a resident reports as their own person record."""
    from gridgov.cases.models import Channel

    resident = reports_as_resident(user)
    channel = channel or (Channel.APP if resident else Channel.PATROL if scope_for(user).roles
                          & {Role.GRID_WORKER, Role.GRID_LEADER} else Channel.OTHER)
    if not resident:
        return channel, None
    if channel != Channel.APP:
        raise ValidationError(_("Residents report through the app channel."), code="channel")
    reporter = getattr(user, "person", None)
    if reporter is None:
        raise PermissionDenied(_("Your account is not linked to a resident record, so it cannot report as a resident."))
    return channel, reporter
