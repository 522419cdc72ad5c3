"""Reading ledger accounts for people: whose account it is, its history with a running balance, a
person's own accounts, and the accounts the time bank moves minutes between.

Which accounts a user may read is the scope's rule for ``ledger.Account`` (registered in this app's
``apps.py``): a person their own, staff those placed in their subtree, district roles their
district's system accounts.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from gridgov.ledger.models import Account, AccountKind, MeasureUnit, Posting, SystemAccount
from gridgov.ledger.services import account_for
from gridgov.people.models import Person
from gridgov.structure.models import Unit

MINUTES = MeasureUnit.MINUTES


def person_key(person_or_pk) -> str:
    """The ledger's owner key of a person (every app opens persons' accounts under it)."""
    pk = getattr(person_or_pk, "pk", person_or_pk)
    return f"person:{pk}"


def unit_key(code: str) -> str:
    return f"unit:{code}"


def person_account(person: Person, *, district_code: str | None = None, place_code: str | None = None,
                   unit: str = MINUTES) -> Account:
    """The person's account in a unit of measure (opened on first use) in their home district, or in
    ``district_code`` (a member who moved to another district gets an account there)."""
    return account_for(kind=AccountKind.PERSON, owner_key=person_key(person),
                       district_code=district_code or person.unit.district_code, unit=unit,
                       place_code=place_code or person.unit.code)


def community_account(community: Unit) -> Account:
    """A community's time bank: its minutes account (``unit:<code>``), placed at the community."""
    return account_for(kind=AccountKind.UNIT, owner_key=unit_key(community.code),
                       district_code=community.district_code, unit=MINUTES, place_code=community.code)


def issuance(district_code: str) -> Account:
    """The district's issuance account of minutes: where funding comes from."""
    return account_for(kind=AccountKind.SYSTEM, name=SystemAccount.ISSUANCE, district_code=district_code,
                       unit=MINUTES)


def accounts_of(person: Person):
    """The accounts a person holds (points, minutes; in any district), without opening any."""
    return Account.objects.filter(kind=AccountKind.PERSON, owner_key=person_key(person)).order_by("unit", "pk")


def owners(accounts) -> dict[int, str]:
    """A readable owner for each account: a person's name, a unit's short name, a team's key, a
    system account's name. Names only: no ID or phone number is ever read here."""
    accounts = list(accounts)
    person_ids, unit_codes = set(), set()
    for account in accounts:
        kind, _sep, ident = account.owner_key.partition(":")
        if kind == "person" and ident.isdigit():
            person_ids.add(int(ident))
        elif kind == "unit":
            unit_codes.add(ident)
    persons = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "name"))
    units = dict(Unit.objects.filter(code__in=unit_codes).values_list("code", "short_name"))
    labels = {}
    for account in accounts:
        kind, _sep, ident = account.owner_key.partition(":")
        if account.kind == AccountKind.SYSTEM:
            labels[account.pk] = str(SystemAccount(account.name).label) if account.name in SystemAccount.values \
                else account.name
        elif kind == "person" and ident.isdigit():
            labels[account.pk] = persons.get(int(ident), account.owner_key)
        elif kind == "unit":
            labels[account.pk] = _("%(unit)s time bank") % {"unit": units.get(ident, ident)}
        else:
            labels[account.pk] = account.owner_key or account.get_kind_display()
    return labels


@dataclass
class HistoryRow:
    entry_id: int
    at: object
    memo: str
    kind: str
    amount: int
    balance: int


def history(account: Account, *, limit: int, offset: int) -> tuple[int, list[HistoryRow]]:
    """The account's postings, newest first, each with the balance right after it (the running
    balance, in the order the postings were written — the order the balance changed in). Answers
    the number of postings and one page."""
    postings = Posting.objects.filter(account=account).select_related("entry").order_by("-pk")
    count = postings.count()
    page = list(postings[offset:offset + limit])
    rows = []
    if page:
        current = Account.objects.values_list("balance", flat=True).get(pk=account.pk)
        later = Posting.objects.filter(account=account, pk__gt=page[0].pk).aggregate(total=Sum("amount"))["total"] or 0
        after = current - later
        for posting in page:
            rows.append(HistoryRow(posting.entry_id, posting.entry.at, posting.entry.memo, posting.entry.kind,
                                   posting.amount, after))
            after -= posting.amount
    return count, rows
