"""The working-day calendar: the days whose status differs from the Monday–Friday rule.

China's holiday schedule (with its make-up working weekends, 调休) is published every year, late in
the previous one, so it is data: seeded from the ``chinese-calendar`` package for the years it
knows, and maintained by administrators for the years it does not. Until they enter it, a year the
package does not know holds the days off the law fixes (``statutory.py``), marked provisional.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off (holiday)")
    WORKDAY = "workday", _("Working day (make-up working day, 调休上班)")


class HolidaySource(models.TextChoices):
    PACKAGE = "package", _("chinese-calendar package")
    STATUTORY = "law", _("Statutory day off (provisional: the year's schedule is not published)")
    ADMIN = "admin", _("Administrator")


class Holiday(models.Model):
    """A day that is off although it is a weekday, or worked although it is a weekend day.

    Rows from the package are re-seeded by ``gridgov seed-holidays``; rows an administrator entered
    or edited (``source`` "admin") are never overwritten by it. So an administrator who finds a
    package holiday wrong turns it into a working day rather than deleting it (a deleted package
    row comes back with the next seeding).
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=HolidayKind.choices, default=HolidayKind.HOLIDAY)
    name = models.CharField(_("name"), max_length=60, help_text=_("The holiday, e.g. 春节 or 国庆节."))
    source = models.CharField(_("source"), max_length=8, choices=HolidaySource.choices, default=HolidaySource.ADMIN)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"
