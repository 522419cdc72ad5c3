"""The time bank's movements of minutes: each one service, one transaction, one ledger entry.

- :func:`donate` — a member gives minutes to a member of their household;
- :func:`transfer` — community staff move minutes from their community's time bank to another's;
- :func:`move_member` — a member who moved to another district takes their minutes along, cleared
  through both communities' banks (one entry, six postings: the clearing is visible on both);
- :func:`fund` — district staff fund a community's time bank from the district's issuance.

Every one validates the amount, checks the actor's scope and role, records a :class:`Movement`,
posts through ``ledger.services.post`` under the key ``timebank:movement:<pk>`` and appends to the
movement's journal, all in one transaction: a refusal (bad amount, beyond the balance, outside the
scope, wrong role) raises a domain error and writes nothing.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import DISTRICT_ROLES, PARTICIPATION_STAFF_ROLES
from gridgov.accounts.scope import get_visible_or_404, may, scope_for, visible
from gridgov.core import clock
from gridgov.core.journal import append
from gridgov.ledger.models import Account, AccountKind
from gridgov.ledger.services import post
from gridgov.people.models import Person
from gridgov.structure.codes import prefix
from gridgov.structure.models import Unit, UnitKind

from ..actions import TimebankAction
from ..models import Movement, MovementKind
from .accounts import MINUTES, community_account, issuance, person_account, person_key

#: The most minutes one movement may move (about nineteen years): larger amounts are typing errors.
MAX_MINUTES = 10_000_000
#: Prefix of the ledger entry kinds the time bank posts (figures leave these moves out of
#: "deposited" and "withdrawn": they move minutes inside the bank, they do not earn or spend them).
KIND_PREFIX = "timebank."


def check_minutes(minutes) -> int:
    """A whole, positive number of minutes, not absurdly large; a clear ValidationError otherwise."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationError(_("Minutes are a whole number, not %(value)r.") % {"value": minutes}, code="not_integer")
    if minutes <= 0:
        raise ValidationError(_("Give a number of minutes above zero."), code="not_positive")
    if minutes > MAX_MINUTES:
        raise ValidationError(_("At most %(max)s minutes can be moved at once.") % {"max": MAX_MINUTES},
                              code="too_large")
    return minutes


def _note(note) -> str:
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError(_("A note has at most 200 characters."), code="note")
    return note


def _community(user, code: str, *, scoped: bool) -> Unit:
    """The community ``code``: through the user's scope (NotFound outside it) or, for a destination,
    any community of the platform (ValidationError when there is none)."""
    if scoped:
        unit = get_visible_or_404(user, Unit.objects.all(), code=code)
    else:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise ValidationError(_("There is no community %(code)s.") % {"code": code}, code="no_community")
    if unit.kind != UnitKind.COMMUNITY:
        raise ValidationError(_("%(unit)s is not a community: time banks belong to communities.")
                              % {"unit": unit.short_name}, code="not_community")
    return unit


def _record(actor, *, kind, action, lines, memo, district_code, from_code, to_code, minutes, note,
            giver=None, recipient=None, data=None) -> Movement:
    """Write the movement, its ledger entry and its journal entry (the caller's transaction)."""
    movement = Movement.objects.create(kind=kind, district_code=district_code, from_code=from_code, to_code=to_code,
                                       giver=giver, recipient=recipient, minutes=minutes, note=note, actor=actor,
                                       at=clock.now())
    entry = post(lines, key=movement.ledger_key, memo=memo[:200], actor=actor, kind=f"{KIND_PREFIX}{kind}",
                 at=movement.at)
    movement.entry = entry
    movement.save(update_fields=["entry"])
    append(movement, actor, action, note=note, at=movement.at,
           data={"minutes": minutes, "from": from_code, "to": to_code, "entry": entry.pk, **(data or {})})
    return movement


# -- donation -------------------------------------------------------------------------------------
def _giver(actor, giver_id: int | None) -> Person:
    """Who gives: the actor's own person (a resident or party member), or — at the community's
    counter, for a member who asks (an elderly resident without a phone) — the member ``giver_id``
    in the actor's scope, when the actor is participation staff over the member's home unit."""
    own = Person.objects.select_related("unit").filter(user=actor).first() if actor else None
    if giver_id is None or (own is not None and giver_id == own.pk):
        if own is None or own.pk not in scope_for(actor).person_ids:
            raise PermissionDenied(_("Only a resident or party member donates, and only their own minutes."))
        return own
    giver = get_visible_or_404(actor, Person.objects.select_related("unit"), pk=giver_id)
    if not may(actor, PARTICIPATION_STAFF_ROLES, giver.unit):
        raise PermissionDenied(_("Only the member's community staff record a donation on their behalf."))
    return giver


def donate(actor, *, recipient_id: int, minutes: int, note: str = "", giver_id: int | None = None) -> Movement:
    """``minutes`` of the giver's time-bank minutes go to a member of the giver's own household
    (``people.Person.household``). The giver is the actor (a resident or party member), or a member
    the actor's community staff act for (``giver_id``). Anyone else — another household, no
    household, oneself, somebody who does not exist — is refused with a clear message."""
    minutes = check_minutes(minutes)
    note = _note(note)
    with transaction.atomic():
        giver = _giver(actor, giver_id)
        if recipient_id == giver.pk:
            raise ValidationError(_("You cannot donate minutes to yourself."), code="to_self")
        recipient = Person.objects.select_related("unit").filter(pk=recipient_id).first()
        if recipient is None or giver.household_id is None or recipient.household_id != giver.household_id:
            raise ValidationError(_("Minutes can only be given to a member of your own household."),
                                  code="not_family")
        source = person_account(giver)
        target = person_account(recipient, district_code=source.district_code)
        memo = _("Donation from %(giver)s to %(recipient)s") % {"giver": giver.name, "recipient": recipient.name}
        return _record(actor, kind=MovementKind.DONATION, action=TimebankAction.DONATE,
                       lines=[(source, -minutes), (target, minutes)], memo=memo, district_code=source.district_code,
                       from_code=giver.unit.code, to_code=recipient.unit.code, minutes=minutes, note=note,
                       giver=giver, recipient=recipient, data={"on_behalf": giver.user_id != getattr(actor, "pk", None)})


def family(person: Person):
    """The other members of a person's household: whom they may donate to."""
    if person.household_id is None:
        return Person.objects.none()
    return Person.objects.filter(household_id=person.household_id).exclude(pk=person.pk).order_by("name", "pk")


# -- community transfer ---------------------------------------------------------------------------
def _staff_of(actor, community: Unit) -> None:
    if not may(actor, PARTICIPATION_STAFF_ROLES, community):
        raise PermissionDenied(_("Only the staff of %(unit)s (or of the levels above it) move its time bank's "
                                 "minutes.") % {"unit": community.short_name})


def transfer(actor, *, from_code: str, to_code: str, minutes: int, note: str = "") -> Movement:
    """Community → community: ``minutes`` from the time bank of ``from_code`` (a community in the
    actor's scope where they are participation staff) to that of ``to_code`` (any other community)."""
    minutes = check_minutes(minutes)
    note = _note(note)
    with transaction.atomic():
        source = _community(actor, from_code, scoped=True)
        _staff_of(actor, source)
        target = _community(actor, to_code, scoped=False)
        if target.pk == source.pk:
            raise ValidationError(_("A community cannot transfer minutes to itself."), code="to_self")
        memo = _("Transfer from %(source)s to %(target)s") % {"source": source.short_name, "target": target.short_name}
        return _record(actor, kind=MovementKind.TRANSFER, action=TimebankAction.TRANSFER,
                       lines=[(community_account(source), -minutes), (community_account(target), minutes)],
                       memo=memo, district_code=source.district_code, from_code=source.code, to_code=target.code,
                       minutes=minutes, note=note)


def move_member(actor, *, person_id: int, to_code: str, minutes: int | None = None, note: str = "") -> Movement:
    """A member who moved to another district takes their minutes along (all of them, or
    ``minutes``). One ledger entry clears through both communities' banks, so each shows the
    minutes passing: member's old account −n → old community +n −n → new community +n −n → the
    member's account in the new district +n. The actor is participation staff of the community
    the old account is placed in. Within one district the member keeps their one account wherever
    they live, so a move inside the district is refused (there is nothing to move)."""
    if minutes is not None:
        minutes = check_minutes(minutes)
    note = _note(note)
    with transaction.atomic():
        person = get_visible_or_404(actor, Person.objects.select_related("unit"), pk=person_id)
        target = _community(actor, to_code, scoped=False)
        accounts = visible(actor, Account.objects.filter(kind=AccountKind.PERSON, owner_key=person_key(person),
                                                         unit=MINUTES)).exclude(district_code=target.district_code)
        old = accounts.order_by("pk").first()
        if old is None:
            raise ValidationError(_("%(person)s has no minutes you look after outside %(district)s: within one "
                                    "district a member keeps their one account wherever they live.")
                                  % {"person": person.name, "district": target.district_code}, code="same_district")
        old_community = Unit.objects.filter(code=prefix(old.place_code, "community") or "").first()
        if old_community is None:
            raise ValidationError(_("The member's account belongs to no community."), code="no_community")
        _staff_of(actor, old_community)
        amount = minutes if minutes is not None else Account.objects.values_list("balance", flat=True).get(pk=old.pk)
        if amount <= 0:
            raise ValidationError(_("%(person)s has no minutes to move.") % {"person": person.name}, code="empty")
        new = person_account(person, district_code=target.district_code, place_code=target.code)
        source_bank, target_bank = community_account(old_community), community_account(target)
        lines = [(old, -amount), (source_bank, amount), (source_bank, -amount), (target_bank, amount),
                 (target_bank, -amount), (new, amount)]
        memo = _("%(person)s's minutes moved from %(source)s to %(target)s") % {
            "person": person.name, "source": old_community.short_name, "target": target.short_name}
        return _record(actor, kind=MovementKind.MEMBER_MOVE, action=TimebankAction.MOVE_MEMBER, lines=lines,
                       memo=memo, district_code=old.district_code, from_code=old_community.code, to_code=target.code,
                       minutes=amount, note=note, giver=person, recipient=person)


# -- funding --------------------------------------------------------------------------------------
def fund(actor, *, community_code: str, minutes: int, note: str = "") -> Movement:
    """District → community: district staff (``DISTRICT_ROLES``) put ``minutes`` from the district's
    issuance into a community's time bank (which may then transfer or spend them)."""
    minutes = check_minutes(minutes)
    note = _note(note)
    with transaction.atomic():
        community = _community(actor, community_code, scoped=True)
        district = Unit.objects.get(code=community.district_code)
        if not may(actor, DISTRICT_ROLES, district):
            raise PermissionDenied(_("Only district staff fund a community's time bank."))
        memo = _("Funding of %(unit)s's time bank") % {"unit": community.short_name}
        return _record(actor, kind=MovementKind.FUNDING, action=TimebankAction.FUND,
                       lines=[(issuance(district.code), -minutes), (community_account(community), minutes)],
                       memo=memo, district_code=district.code, from_code=district.code, to_code=community.code,
                       minutes=minutes, note=note)
