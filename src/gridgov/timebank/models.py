"""The time bank's own records: each movement of minutes it makes (a donation within a household, a
transfer between communities, a member's minutes following them to another district, the district
funding a community) and the journals of those movements and of the district's points expiry rule.

The minutes themselves live in the ledger (``gridgov.ledger``): a :class:`Movement` names the one
ledger entry that moved them (``entry``), posted under the key ``timebank:movement:<pk>``, so the
same movement can never post twice. Balances and histories are the ledger's.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core import clock
from gridgov.core.journal import JournalEntry
from gridgov.ledger.models import Entry, ExpiryRule
from gridgov.people.models import Person

from .actions import TimebankAction


class MovementKind(models.TextChoices):
    DONATION = "donation", _("Donation to a family member")
    TRANSFER = "transfer", _("Transfer between communities")
    MEMBER_MOVE = "member_move", _("A member's minutes moved to another community")
    FUNDING = "funding", _("Funding from the district")


class Movement(models.Model):
    """One movement of time-bank minutes the time bank made (never one volunteering made).

    ``from_code`` and ``to_code`` are the unit codes of the two sides: the giver's and the
    recipient's home units for a donation, the two communities for a transfer or a member's move,
    the district and the community for funding. Staff see the movements on either side of their
    subtree; a person sees the donations they gave or received."""

    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    district_code = models.CharField(_("district code"), max_length=6, db_index=True)
    from_code = models.CharField(_("from"), max_length=24, db_index=True)
    to_code = models.CharField(_("to"), max_length=24, db_index=True)
    giver = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("giver"))
    recipient = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("recipient"))
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    entry = models.OneToOneField(Entry, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("ledger entry"))
    at = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("made by"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("time-bank movement")
        verbose_name_plural = _("time-bank movements")
        constraints = [models.CheckConstraint(condition=models.Q(minutes__gt=0), name="timebank_movement_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.minutes}"

    @property
    def ledger_key(self) -> str:
        return f"timebank:movement:{self.pk}"


class MovementEntry(JournalEntry):
    """The journal of a movement (hash-chained, ``core.journal``)."""

    movement = models.ForeignKey(Movement, models.PROTECT, related_name="journal", verbose_name=_("movement"))
    action = models.CharField(_("action"), max_length=24, choices=TimebankAction.choices)

    subject_field = "movement"

    class Meta:
        ordering = ["movement", "seq"]
        verbose_name = _("time-bank journal entry")
        verbose_name_plural = _("time-bank journal")
        constraints = [models.UniqueConstraint(fields=["movement", "seq"], name="timebank_movement_journal_seq")]

    @classmethod
    def subject_name(cls, movement) -> str:
        return f"movement:{movement.pk}"


class ExpiryRuleEntry(JournalEntry):
    """The journal of a district's points expiry rule (``ledger.ExpiryRule``): who set which lifetime."""

    rule = models.ForeignKey(ExpiryRule, models.PROTECT, related_name="+", verbose_name=_("expiry rule"))
    action = models.CharField(_("action"), max_length=24, choices=TimebankAction.choices)

    subject_field = "rule"

    class Meta:
        ordering = ["rule", "seq"]
        verbose_name = _("expiry rule journal entry")
        verbose_name_plural = _("expiry rule journal")
        constraints = [models.UniqueConstraint(fields=["rule", "seq"], name="timebank_expiry_journal_seq")]

    @classmethod
    def subject_name(cls, rule) -> str:
        return f"expiry:{rule.district_code}:{rule.unit}"
