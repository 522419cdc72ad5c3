"""Accounts, entries and postings of the double-entry ledger (docs/ledger.md).

An :class:`Entry` is made of :class:`Posting` rows whose signed amounts sum to zero, all in one unit
of measure. Entries and postings are written once, by ``services.post``, and never changed or
deleted: a correction is a reversing entry. ``Account.balance`` is a cache of the sum of the
account's postings, kept by the same transaction under the account's row lock and re-summed by
``gridgov ledger-check``.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock


class Immutable(Exception):
    """Ledger rows are append-only: corrections are reversing entries."""


class MeasureUnit(models.TextChoices):
    POINTS = "points", _("points")
    MINUTES = "minutes", _("minutes")


class AccountKind(models.TextChoices):
    PERSON = "person", _("person")
    UNIT = "unit", _("unit")
    TEAM = "team", _("team")
    SYSTEM = "system", _("system")


class SystemAccount(models.TextChoices):
    """The names of the system accounts (``kind=system``)."""

    ISSUANCE = "issuance", _("issuance")
    ESCROW = "escrow", _("escrow")
    SHOP = "shop", _("shop")
    EXPIRED = "expired", _("expired")


class Account(models.Model):
    kind = models.CharField(_("kind"), max_length=8, choices=AccountKind.choices)
    owner_key = models.CharField(
        _("owner"), max_length=64, blank=True, db_index=True,
        help_text=_("Who owns the account, e.g. person:42, unit:510113001001, team:7; blank for system accounts."))
    district_code = models.CharField(_("district code"), max_length=12, db_index=True)
    place_code = models.CharField(
        _("place"), max_length=24, blank=True, db_index=True,
        help_text=_("The code of the unit the account belongs to (a person's home unit, a team's or a shop's "
                    "community): what the scope of the app showing it filters on. The ledger itself ignores it."))
    unit = models.CharField(_("unit of measure"), max_length=8, choices=MeasureUnit.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)
    floor = models.BigIntegerField(
        _("floor"), null=True, blank=True, default=0,
        help_text=_("The lowest balance allowed; empty for no limit (the issuance account)."))
    balance = models.BigIntegerField(_("balance"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(fields=["district_code", "kind", "owner_key", "name", "unit"],
                                    name="ledger_account_unique_owner"),
            models.CheckConstraint(condition=Q(floor__isnull=True) | Q(balance__gte=F("floor")),
                                   name="ledger_account_balance_not_below_floor"),
        ]

    def __str__(self):
        who = self.name or self.owner_key or self.kind
        return f"{self.district_code} {self.kind}:{who} ({self.unit})"


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Immutable(_("Ledger entries are never changed: post a reversing entry."))

    def delete(self):
        raise Immutable(_("Ledger entries are never deleted: post a reversing entry."))


class Entry(models.Model):
    memo = models.CharField(_("memo"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    at = models.DateTimeField(_("at"), default=clock.now, db_index=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by",
        verbose_name=_("reverses"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["pk"]

    def __str__(self):
        return f"#{self.pk} {self.memo}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Immutable(_("Ledger entries are never changed: post a reversing entry."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable(_("Ledger entries are never deleted: post a reversing entry."))


class PostingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Immutable(_("Ledger postings are never changed: post a reversing entry."))

    def delete(self):
        raise Immutable(_("Ledger postings are never deleted: post a reversing entry."))


class Posting(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="postings", verbose_name=_("entry"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings",
                                verbose_name=_("account"))
    amount = models.BigIntegerField(_("amount"), help_text=_("Signed: positive adds to the account."))

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger posting")
        verbose_name_plural = _("ledger postings")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_posting_amount_not_zero")]

    def __str__(self):
        return f"{self.account} {self.amount:+d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Immutable(_("Ledger postings are never changed: post a reversing entry."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable(_("Ledger postings are never deleted: post a reversing entry."))


class ExpiryRule(models.Model):
    """The district's rule for points expiring: points earned more than ``days`` ago and still
    unspent (oldest first) go to the district's ``expired`` account (``services.expire``)."""

    district_code = models.CharField(_("district code"), max_length=12)
    unit = models.CharField(_("unit of measure"), max_length=8, choices=MeasureUnit.choices,
                            default=MeasureUnit.POINTS)
    days = models.PositiveIntegerField(_("lifetime in days"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("expiry rule")
        verbose_name_plural = _("expiry rules")
        constraints = [models.UniqueConstraint(fields=["district_code", "unit"], name="ledger_expiry_rule_unique"),
                       models.CheckConstraint(condition=Q(days__gt=0), name="ledger_expiry_rule_days_positive")]

    def __str__(self):
        return f"{self.district_code} {self.unit}: {self.days}"
