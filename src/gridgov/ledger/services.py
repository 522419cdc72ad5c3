"""The ledger's only writers and its check (docs/ledger.md).

- :func:`post` writes one balanced entry under the accounts' row locks and updates their balance
  caches in the same transaction; the same idempotency key posts once.
- :func:`reverse` corrects an entry by posting its opposite, once.
- :func:`balance` reads an account's cache; :func:`check` re-sums everything from the postings.
- :func:`expire` moves points older than the district's rule, oldest first, to its expired account.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock

from .models import Account, AccountKind, Entry, ExpiryRule, Posting, SystemAccount

__all__ = ["account_for", "post", "reverse", "balance", "check", "expire", "expirable", "CheckReport", "AccountRow", "EntryProblem"]


def account_for(*, kind: str, district_code: str, unit: str, owner_key: str = "", name: str = "",
                place_code: str = "") -> Account:
    """The one account of an owner (or the named system account) in a district and unit of measure,
    opened on first use. The issuance account has no floor (its balance is minus everything issued);
    every other account's floor is 0, so escrow, shop and expired accounts cannot go negative either. ``place_code`` is set when the account is opened
    and kept (an account does not move when its owner does)."""
    defaults = {"floor": None if kind == AccountKind.SYSTEM and name == SystemAccount.ISSUANCE else 0,
                "place_code": place_code}
    account, _created = Account.objects.get_or_create(kind=kind, district_code=district_code, unit=unit,
                                                      owner_key=owner_key, name=name, defaults=defaults)
    return account


def _lines(lines) -> list[tuple[Account, int]]:
    """Validate the shape of the lines before touching the database."""
    result = []
    for line in lines:
        try:
            account, amount = line
        except (TypeError, ValueError):
            raise ValidationError(_("Each line of an entry is an (account, amount) pair."), code="line") from None
        if not isinstance(account, Account) or account.pk is None:
            raise ValidationError(_("Each line of an entry names a saved ledger account."), code="account")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError(_("Amounts are whole numbers of points or minutes, not %(amount)r."),
                                  code="not_integer", params={"amount": amount})
        if amount == 0:
            raise ValidationError(_("An amount of zero is not a posting."), code="zero")
        result.append((account, amount))
    if len({account.pk for account, _amount in result}) < 2:
        raise ValidationError(_("An entry moves an amount between at least two accounts."), code="one_sided")
    total = sum(amount for _account, amount in result)
    if total != 0:
        raise ValidationError(_("The entry does not balance: its amounts sum to %(total)s, not zero."),
                              code="unbalanced", params={"total": total})
    return result


def _same(entry: Entry, lines: list[tuple[Account, int]]) -> bool:
    asked = sorted((account.pk, amount) for account, amount in lines)
    return asked == sorted(entry.postings.values_list("account_id", "amount"))


def _existing(key: str, lines: list[tuple[Account, int]]) -> Entry | None:
    entry = Entry.objects.filter(idempotency_key=key).first()
    if entry is not None and not _same(entry, lines):
        raise ValidationError(_("The key %(key)s was already used for a different entry."),
                              code="key_reused", params={"key": key})
    return entry


def post(lines, *, key: str, memo: str, actor=None, kind: str = "", at=None, reverses: Entry | None = None) -> Entry:
    """Post one entry: ``lines`` are ``(account, amount)`` pairs, amounts signed whole numbers that
    sum to zero, all accounts in one unit. Returns the entry; the same ``key`` again returns the
    entry already posted with it (and refuses different lines under the same key)."""
    if not key or not str(key).strip():
        raise ValidationError(_("An entry needs an idempotency key."), code="no_key")
    key = str(key)
    checked = _lines(lines)
    existing = _existing(key, checked)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _write(checked, key=key, memo=memo, actor=actor, kind=kind, at=at, reverses=reverses)
    except IntegrityError:
        # Another transaction posted the same key (or reversed the same entry) between our look-up
        # and our insert: its entry is the answer.
        existing = _existing(key, checked)
        if existing is not None:
            return existing
        if reverses is not None and Entry.objects.filter(reverses=reverses).exists():
            raise ValidationError(_("Entry #%(entry)s has already been reversed."),
                                  code="already_reversed", params={"entry": reverses.pk}) from None
        raise


def _write(lines, *, key, memo, actor, kind, at, reverses) -> Entry:
    deltas: dict[int, int] = defaultdict(int)
    for account, amount in lines:
        deltas[account.pk] += amount
    # Locked in primary-key order, so two entries touching the same accounts never deadlock.
    accounts = list(Account.objects.select_for_update().filter(pk__in=deltas).order_by("pk"))
    if len({account.unit for account in accounts}) != 1:
        raise ValidationError(_("An entry cannot mix points and minutes: convert nothing implicitly."),
                              code="mixed_units")
    for account in accounts:
        delta = deltas[account.pk]
        if delta < 0 and account.floor is not None and account.balance + delta < account.floor:
            raise ValidationError(
                _("Insufficient balance: %(account)s holds %(balance)s %(unit)s and may not go below "
                  "%(floor)s, so %(amount)s cannot be taken from it."),
                code="insufficient_balance",
                params={"account": account.name or account.owner_key or account.get_kind_display(),
                        "balance": account.balance, "unit": account.get_unit_display(),
                        "floor": account.floor, "amount": -delta})
    entry = Entry.objects.create(memo=memo, kind=kind, idempotency_key=key, at=at or clock.now(),
                                 reverses=reverses, actor=actor)
    Posting.objects.bulk_create(Posting(entry=entry, account_id=account.pk, amount=amount)
                                for account, amount in lines)
    for account in accounts:
        delta = deltas[account.pk]
        if delta:
            Account.objects.filter(pk=account.pk).update(balance=F("balance") + delta)
    return entry


def reverse(entry: Entry, *, key: str, memo: str, actor=None) -> Entry:
    """Correct ``entry`` by posting the opposite of each of its postings, once. The same ``key``
    again returns the reversal; another key for an entry already reversed is refused. A reversal
    obeys the floors too: points already spent cannot be taken back below zero."""
    reversal = Entry.objects.filter(reverses=entry).first()
    if reversal is not None:
        if reversal.idempotency_key == key:
            return reversal
        raise ValidationError(_("Entry #%(entry)s has already been reversed."),
                              code="already_reversed", params={"entry": entry.pk})
    if entry.reverses_id is not None:
        raise ValidationError(_("A reversal is not reversed again: post a new entry instead."),
                              code="reverse_reversal")
    lines = [(posting.account, -posting.amount) for posting in entry.postings.select_related("account")]
    return post(lines, key=key, memo=memo, actor=actor, kind="reversal", reverses=entry)


def balance(account: Account) -> int:
    """The account's balance as last committed (its cache)."""
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


@dataclass
class AccountRow:
    account: Account
    cached: int
    summed: int

    @property
    def difference(self) -> int:
        return self.cached - self.summed


@dataclass
class EntryProblem:
    entry_id: int
    lines: int
    total: int
    units: int


@dataclass
class CheckReport:
    accounts: list[AccountRow] = field(default_factory=list)
    entries: int = 0
    postings: int = 0
    unbalanced: list[EntryProblem] = field(default_factory=list)
    # Per unit of measure: (sum of positive postings, sum of negative postings); they cancel.
    trial: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def differences(self) -> list[AccountRow]:
        return [row for row in self.accounts if row.difference]

    @property
    def ok(self) -> bool:
        return not self.differences and not self.unbalanced and all(
            debit + credit == 0 for debit, credit in self.trial.values())


def check(progress=None) -> CheckReport:
    """Re-sum every account from its postings and every entry's postings; nothing is written.
    ``progress(done)`` is called while the accounts are read."""
    report = CheckReport()
    sums = dict(Posting.objects.order_by().values("account").annotate(total=Sum("amount"))
                .values_list("account", "total"))
    accounts = Account.objects.order_by("pk")
    for done, account in enumerate(accounts.iterator(chunk_size=2000), start=1):
        report.accounts.append(AccountRow(account, account.balance, sums.get(account.pk) or 0))
        if progress:
            progress(done)
    report.entries = Entry.objects.count()
    report.postings = Posting.objects.count()
    per_entry = (Posting.objects.order_by().values("entry")
                 .annotate(lines=Count("pk"), total=Sum("amount"), units=Count("account__unit", distinct=True))
                 .filter(Q(lines__lt=2) | ~Q(total=0) | ~Q(units=1)))
    report.unbalanced = [EntryProblem(row["entry"], row["lines"], row["total"], row["units"]) for row in per_entry]
    report.unbalanced += [EntryProblem(pk, 0, 0, 0)
                          for pk in Entry.objects.filter(postings__isnull=True).values_list("pk", flat=True)]
    for row in (Posting.objects.order_by().values("account__unit")
                .annotate(debit=Sum("amount", filter=Q(amount__gt=0)), credit=Sum("amount", filter=Q(amount__lt=0)))):
        report.trial[row["account__unit"]] = (row["debit"] or 0, row["credit"] or 0)
    return report


# Entries that cancel out — a reversed entry and its reversal — are left out of the lots.
_CANCELLED = Q(entry__reverses__isnull=False) | Q(entry__reversed_by__isnull=False)


def expirable(account: Account, cutoff: dt.datetime) -> int:
    """What of the account's lots earned before ``cutoff`` is still unspent, spending oldest first.

    Every outflow (spending, transfers out, earlier expiries) consumes the oldest lot it can, so the
    lots earned before the cutoff are consumed first by *all* outflows, whenever they happened: what
    remains of them is ``earned before the cutoff − everything taken out``, when positive. A reversed
    entry and its reversal cancel and count on neither side."""
    postings = Posting.objects.filter(account=account).exclude(_CANCELLED)
    earned = postings.filter(amount__gt=0, entry__at__lt=cutoff).aggregate(total=Sum("amount"))["total"] or 0
    taken = -(postings.filter(amount__lt=0).aggregate(total=Sum("amount"))["total"] or 0)
    return max(0, earned - taken)


def expire(*, district_code: str, as_of: dt.datetime | None = None, actor=None) -> list[Entry]:
    """Apply the district's active expiry rules: for every person's and team's account, move what
    remains of the lots older than the rule's lifetime to the district's ``expired`` account.
    Idempotent: a second run finds nothing left to expire (the expiry itself is an outflow), and the
    entry's key names the account and the cutoff day."""
    as_of = as_of or clock.now()
    posted = []
    for rule in ExpiryRule.objects.filter(district_code=district_code, active=True).order_by("unit"):
        cutoff = as_of - dt.timedelta(days=rule.days)
        expired = account_for(kind=AccountKind.SYSTEM, name=SystemAccount.EXPIRED, district_code=district_code,
                              unit=rule.unit)
        holders = Account.objects.filter(district_code=district_code, unit=rule.unit,
                                         kind__in=[AccountKind.PERSON, AccountKind.TEAM]).order_by("pk")
        for pk in holders.values_list("pk", flat=True):
            with transaction.atomic():
                # Locked first, so no spending slips between the sum and the posting.
                account = Account.objects.select_for_update().get(pk=pk)
                amount = expirable(account, cutoff)
                if amount > 0:
                    posted.append(post([(account, -amount), (expired, amount)],
                                       key=f"expire:{account.pk}:{cutoff:%Y-%m-%d}", kind="expiry", at=as_of,
                                       memo=_("Expired: earned before %(day)s and unspent") % {"day": f"{cutoff:%Y-%m-%d}"},
                                       actor=actor))
    return posted


def expire_everywhere(now=None) -> str:
    """The worker's round of points expiry: :func:`expire` for every district with an active rule.
    Answers a line for the worker's log."""
    districts = ExpiryRule.objects.filter(active=True).values_list("district_code", flat=True).distinct()
    posted = [entry for code in sorted(set(districts)) for entry in expire(district_code=code, as_of=now)]
    return f"{len(posted)} expiry entries"
