"""Who sees which ledger account and which time-bank movement (the one scope, ``accounts.scope``).

The ledger is on the kernel floor and cannot import the scope, so its ``Account`` rule is
registered here (docs/timebank.md, "Scope"):

- a person sees their own accounts (``owner_key == "person:<id>"``, for the persons of the scope);
- staff (``STAFF_ROLES``: the dispatchers and the grid's people) see the accounts *placed* in their
  subtree (``place_code``: a person's home unit, a team's or a community's code) — personal data, so
  department staff, shop keepers and liaisons see none;
- district roles (``DISTRICT_ROLES``) also see their district's system accounts (issuance, escrow,
  shop, expired), which belong to no place. Not ``district_path``: that would show them to every
  resident of the district.

A movement is seen by the staff of either side's subtree and by its giver and recipient.
"""
from django.db.models import Q

from gridgov.accounts.roles import DISTRICT_ROLES
from gridgov.accounts.scope import Rule, register
from gridgov.ledger.models import Account, AccountKind
from gridgov.structure.codes import prefix, subtree_q

from .models import Movement


def own_accounts_and_district_system(scope) -> Q:
    q = Q(pk__in=[])
    if scope.person_ids:
        q |= Q(kind=AccountKind.PERSON, owner_key__in=[f"person:{pk}" for pk in sorted(scope.person_ids)])
    districts = sorted({prefix(code, "district") for code in scope.units_of(DISTRICT_ROLES)} - {None})
    if districts:
        q |= Q(kind=AccountKind.SYSTEM, district_code__in=districts)
    return q


def received_or_arrived(scope) -> Q:
    q = Q(pk__in=[])
    for code in scope.people_codes:
        q |= subtree_q("to_code", code)
    if scope.person_ids:
        q |= Q(recipient__in=scope.person_ids)
    return q


def register_rules() -> None:
    register(Account, Rule(unit_path="place_code", personal=True, extra=own_accounts_and_district_system))
    register(Movement, Rule(unit_path="from_code", personal=True, person_path="giver", extra=received_or_arrived))
