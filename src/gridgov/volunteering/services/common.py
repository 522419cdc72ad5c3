"""What every volunteering service shares: who may act, the district's settings, the ledger accounts
and the checks of amounts."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gridgov.accounts.roles import GRID_TASK_ROLES, PARTICIPATION_STAFF_ROLES
from gridgov.accounts.scope import may
from gridgov.core.text import check_plain
from gridgov.ledger import services as ledger
from gridgov.ledger.models import Account, AccountKind, MeasureUnit, SystemAccount
from gridgov.structure.codes import prefix
from gridgov.structure.models import Unit

from ..models import Volunteer, VolunteeringSettings, VolunteerStatus


def settings_for(district_code: str) -> VolunteeringSettings:
    """The district's settings (defaults when the district has set none; nothing is written)."""
    return (VolunteeringSettings.objects.filter(district_code=district_code).first()
            or VolunteeringSettings(district_code=district_code))


def community_of(person) -> Unit:
    """The community a person lives in (their home unit's community)."""
    code = prefix(person.unit.code, "community")
    if code is None:
        raise ValidationError(_("This person's home is not inside a community."))
    return Unit.objects.get(code=code)


def is_staff(user, community) -> bool:
    return user is None or may(user, PARTICIPATION_STAFF_ROLES, community)


def require_staff(user, community) -> None:
    if not is_staff(user, community):
        raise PermissionDenied(_("Only the community's staff may do this."))


def may_order_for(user, person) -> bool:
    """The person themself, a grid worker or leader over their home, or the community's staff."""
    if user is None:
        return True
    own = getattr(user, "person", None)
    if own is not None and own.pk == person.pk:
        return True
    return may(user, GRID_TASK_ROLES | PARTICIPATION_STAFF_ROLES, person.unit)


def person_of(user):
    return getattr(user, "person", None) if user is not None else None


def volunteer_of(user, community=None) -> Volunteer:
    """The registered, active volunteer the user is (of ``community`` when given), or a refusal."""
    person = person_of(user)
    volunteer = Volunteer.objects.filter(person=person).first() if person is not None else None
    if volunteer is None or volunteer.status != VolunteerStatus.REGISTERED or not volunteer.active:
        raise PermissionDenied(_("Only registered, active volunteers may do this."))
    if community is not None and volunteer.community_id != community.pk:
        raise PermissionDenied(_("You are registered with another community."))
    return volunteer


def whole_amount(value, what: str, *, minimum: int = 1, maximum: int = 24 * 60) -> int:
    """A whole number between ``minimum`` and ``maximum``: the check every amount of minutes or
    points passes before anything is written."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("%(what)s must be a whole number.") % {"what": what})
    if value < minimum or value > maximum:
        raise ValidationError(_("%(what)s must be between %(low)d and %(high)d.")
                              % {"what": what, "low": minimum, "high": maximum})
    return value


# -- ledger accounts ----------------------------------------------------------------------------
def person_account(person, unit: str) -> Account:
    return ledger.account_for(kind=AccountKind.PERSON, district_code=person.unit.district_code, unit=unit,
                              owner_key=f"person:{person.pk}", place_code=person.unit.code)


def issuance_account(district_code: str, unit: str) -> Account:
    return ledger.account_for(kind=AccountKind.SYSTEM, name=SystemAccount.ISSUANCE, district_code=district_code,
                              unit=unit, place_code=district_code)


def person_balance(person, unit: str) -> int:
    """The person's balance in ``unit`` without opening an account."""
    account = Account.objects.filter(kind=AccountKind.PERSON, district_code=person.unit.district_code, unit=unit,
                                     owner_key=f"person:{person.pk}", name="").first()
    return ledger.balance(account) if account else 0


POINTS = MeasureUnit.POINTS
MINUTES = MeasureUnit.MINUTES


def plain(value, label: str, max_length: int) -> str:
    """Stripped text free of control and text-direction characters, at most ``max_length`` long."""
    value = (value or "").strip()
    check_plain("text", value, label)
    if len(value) > max_length:
        raise ValidationError(_("%(field)s is too long (%(max)d characters at most).")
                              % {"field": label, "max": max_length})
    return value
