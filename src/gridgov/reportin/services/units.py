"""Resident units (驻区单位): registered with their community each year, their named liaisons and
their pledged resources. Every function is one transaction that ends in a journal entry."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import LIAISON_ROLES
from gridgov.accounts.scope import may
from gridgov.core import clock
from gridgov.core.errors import InvalidTransition
from gridgov.structure.models import Unit
from gridgov.structure.models import UnitKind as PlaceKind

from ..actions import ReportinAction
from ..models import Liaison, Pledge, PledgeKind, ResidentUnit, UnitKind, UnitState, UnitYear
from .access import require_staff, require_staff_or_liaison, this_year
from .journaling import record, transition


def _clean(value: str, field: str, *, required: bool = True, limit: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return value


def _year(year) -> int:
    """The year a registration is for: this one, or the next (renewing ahead in December)."""
    current = this_year()
    year = current if year is None else year
    if year not in (current, current + 1):
        raise ValidationError({"year": _("A registration is for this year or the next.")})
    return year


def register_unit(actor, community: Unit, *, name: str, kind: str, address: str = "", year=None) -> ResidentUnit:
    """Register a resident unit with ``community`` for ``year`` (default: this year)."""
    if community.kind != PlaceKind.COMMUNITY:
        raise ValidationError({"community": _("A resident unit registers with a community.")})
    require_staff(actor, community)
    name = _clean(name, "name", limit=100)
    address = _clean(address, "address", required=False)
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Choose a kind of unit.")})
    year = _year(year)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=community.pk).first()  # one registration at a time per community
        if ResidentUnit.objects.filter(community=community, name=name).exists():
            raise ValidationError({"name": _("A unit of this name is already registered with the community.")})
        now = clock.now()
        unit = ResidentUnit.objects.create(community=community, name=name, kind=kind, address=address,
                                           registered_year=year, renewed_year=year, created_at=now)
        UnitYear.objects.create(unit=unit, year=year, at=now)
        record(unit, actor, ReportinAction.REGISTER_UNIT, to_status=unit.state, data={"year": year, "name": name})
    return unit


@transition(ResidentUnit, related=("community",))
def renew_unit(actor, unit, year=None):
    """Register ``unit`` for another year (staff, or its own liaison)."""
    require_staff_or_liaison(actor, unit)
    if unit.state != UnitState.ACTIVE:
        raise InvalidTransition(_("The unit has withdrawn; register it again instead."), code="state")
    year = _year(year)
    if UnitYear.objects.filter(unit=unit, year=year).exists():
        raise InvalidTransition(_("The unit is already registered for %(year)d.") % {"year": year}, code="state")
    UnitYear.objects.create(unit=unit, year=year, at=clock.now())
    unit.renewed_year = max(unit.renewed_year, year)
    unit.save(update_fields=["renewed_year"])
    record(unit, actor, ReportinAction.RENEW_UNIT, from_status=unit.state, to_status=unit.state, data={"year": year})


@transition(ResidentUnit, related=("community",))
def withdraw_unit(actor, unit, note: str = ""):
    require_staff(actor, unit.community)
    if unit.state != UnitState.ACTIVE:
        raise InvalidTransition(_("The unit has already withdrawn."), code="state")
    unit.state = UnitState.WITHDRAWN
    unit.save(update_fields=["state"])
    record(unit, actor, ReportinAction.WITHDRAW_UNIT, from_status=UnitState.ACTIVE, to_status=unit.state,
           note=_clean(note, "note", required=False))


@transition(ResidentUnit, related=("community",))
def appoint_liaison(actor, unit, user):
    """Link ``user`` (holding the liaison role at the unit's community) to ``unit`` as a named
    liaison. An account is the liaison of one unit only: never a login shared between units."""
    require_staff(actor, unit.community)
    user = get_user_model().objects.get(pk=user.pk)  # its own roles, read fresh
    if not may(user, LIAISON_ROLES, unit.community):
        raise ValidationError({"user": _("This account does not hold the liaison role at the unit's community.")})
    current = Liaison.objects.filter(user=user).select_related("unit").first()
    if current is not None:
        raise ValidationError({"user": _("This account is already the liaison of “%(unit)s”: each unit has its "
                                         "own named accounts.") % {"unit": current.unit.name}})
    Liaison.objects.create(unit=unit, user=user, since=clock.now())
    record(unit, actor, ReportinAction.APPOINT_LIAISON, from_status=unit.state, to_status=unit.state,
           data={"user": user.pk, "username": user.get_username()})


@transition(ResidentUnit, related=("community",))
def remove_liaison(actor, unit, user):
    require_staff(actor, unit.community)
    deleted, _rows = Liaison.objects.filter(unit=unit, user_id=user.pk).delete()
    if not deleted:
        raise ValidationError({"user": _("This account is not a liaison of the unit.")})
    record(unit, actor, ReportinAction.REMOVE_LIAISON, from_status=unit.state, to_status=unit.state,
           data={"user": user.pk})


@transition(ResidentUnit, related=("community",))
def _pledge(actor, unit, kind, description, quantity, holder):
    require_staff_or_liaison(actor, unit)
    if unit.state != UnitState.ACTIVE:
        raise InvalidTransition(_("The unit has withdrawn."), code="state")
    if kind not in PledgeKind.values:
        raise ValidationError({"kind": _("Choose a kind of resource.")})
    description = _clean(description, "description")
    quantity = _clean(quantity, "quantity", required=False, limit=60)
    holder.append(Pledge.objects.create(unit=unit, kind=kind, description=description, quantity=quantity,
                                        year=this_year(), created_at=clock.now()))
    record(unit, actor, ReportinAction.PLEDGE, from_status=unit.state, to_status=unit.state,
           data={"pledge": holder[0].pk, "kind": kind, "description": description, "quantity": quantity})


def pledge(actor, unit, *, kind: str, description: str, quantity: str = "") -> Pledge:
    """Add a pledged resource (资源清单) to ``unit`` (staff, or its own liaison)."""
    made: list[Pledge] = []
    _pledge(actor, unit, kind, description, quantity, made)
    return made[0]


@transition(ResidentUnit, related=("community",))
def _withdraw_pledge(actor, unit, pledge_id):
    require_staff_or_liaison(actor, unit)
    pledge = Pledge.objects.select_for_update().filter(pk=pledge_id, unit=unit).first()
    if pledge is None:
        raise ValidationError({"pledge": _("No such pledge of this unit.")})
    if pledge.withdrawn:
        raise InvalidTransition(_("The pledge is already withdrawn."), code="state")
    pledge.withdrawn = True
    pledge.save(update_fields=["withdrawn"])
    record(unit, actor, ReportinAction.WITHDRAW_PLEDGE, from_status=unit.state, to_status=unit.state,
           data={"pledge": pledge.pk})


def withdraw_pledge(actor, pledge: Pledge) -> Pledge:
    _withdraw_pledge(actor, pledge.unit, pledge.pk)
    pledge.refresh_from_db()
    return pledge
