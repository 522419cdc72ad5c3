"""The assessment tallies and the district's score weights.

:class:`Tally` holds, per day × unit × category × department × worker, the counts every figure is
computed from (see ``measures``); :class:`CaseTally` remembers what each case last contributed, so a
transition adds only the difference. Department and worker are plain integer keys (0 = none) rather
than foreign keys: the tally is keyed by district for a scaled-out PostgreSQL and joins nothing on
the hot path. :class:`MonthTally` rolls the same counts up by month for the boards.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core.distribution import DistrictKeyed

from .measures import MEASURES


class Tally(models.Model):
    district_code = models.CharField(max_length=6)
    day = models.DateField()
    unit_code = models.CharField(max_length=18)
    category_id = models.IntegerField()
    department_id = models.IntegerField(default=0)
    worker_id = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [models.UniqueConstraint(
            fields=["district_code", "day", "unit_code", "category_id", "department_id", "worker_id"],
            name="one_tally_per_key")]
        indexes = [models.Index(fields=["district_code", "department_id", "day"], name="tally_department"),
                   models.Index(fields=["district_code", "worker_id", "day"], name="tally_worker")]


class MonthTally(models.Model):
    """The same counts rolled up to month × unit × department (no category, no worker): the boards of
    streets, communities and departments for a month, quarter or year read a few thousand of these
    rows instead of every day's tallies."""

    district_code = models.CharField(max_length=6)
    month = models.DateField()
    unit_code = models.CharField(max_length=18)
    department_id = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_code", "month", "unit_code", "department_id"],
                                               name="one_month_tally_per_key")]


for _name in MEASURES:
    Tally.add_to_class(_name, models.BigIntegerField(default=0))
    MonthTally.add_to_class(_name, models.BigIntegerField(default=0))


class CaseTally(DistrictKeyed, models.Model):
    """A case's last contribution to the tallies, as [[key…, {measure: n}], …], with the case's
    district (the key it is distributed by)."""

    case = models.OneToOneField("cases.Case", models.CASCADE, primary_key=True, related_name="+")
    district_code = models.CharField(max_length=6)
    rows = models.JSONField(default=list)


class ScoreWeight(models.Model):
    """How much a figure counts in a district's composite score (set by an administrator)."""

    district_code = models.CharField(_("district code"), max_length=6)
    subject = models.CharField(_("assessed"), max_length=12)
    figure = models.CharField(_("figure"), max_length=24)
    weight = models.PositiveSmallIntegerField(_("weight"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("score weight")
        verbose_name_plural = _("score weights")
        constraints = [models.UniqueConstraint(fields=["district_code", "subject", "figure"], name="one_weight")]

    def __str__(self):
        return f"{self.district_code} {self.subject} {self.figure} {self.weight}"
