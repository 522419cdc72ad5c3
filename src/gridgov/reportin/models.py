"""双报到 (report-in): resident units (驻区单位) and in-service party members (在职党员) registered with
a community each year, the units' liaisons and pledged resources, and the service reports sent to
each member's employer's party organisation.

Every state change goes through ``services/`` and is recorded in :class:`ReportinEntry`, one hash
chain per subject (a unit, a member's registration, an employer organisation, a report).
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core.journal import JournalEntry

from .actions import ReportinAction


class UnitKind(models.TextChoices):
    ORGAN = "organ", _("Government organ")
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Public institution")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    SOCIAL = "social", _("Social organisation")
    OTHER = "other", _("Other")


class UnitState(models.TextChoices):
    ACTIVE = "active", _("Registered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ResidentUnit(models.Model):
    """A resident unit (驻区单位) registered with its community. Its yearly registrations are
    :class:`UnitYear` rows; a unit without one for the current year shows as lapsed."""

    community = models.ForeignKey("structure.Unit", models.PROTECT, related_name="resident_units",
                                  verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=UnitState.choices, default=UnitState.ACTIVE)
    #: The first and the latest year the unit registered for.
    registered_year = models.PositiveSmallIntegerField(_("registered year"))
    renewed_year = models.PositiveSmallIntegerField(_("latest year registered"))
    created_at = models.DateTimeField(_("created"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "name"]
        verbose_name = _("resident unit")
        verbose_name_plural = _("resident units")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="reportin_unit_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reportin-unit", args=[self.pk])

    def lapsed(self, year: int) -> bool:
        """Registered once, but not for ``year`` (the current one)."""
        return self.state == UnitState.ACTIVE and self.renewed_year < year


class UnitYear(models.Model):
    """One yearly registration of a resident unit (registrations per year, the figures)."""

    unit = models.ForeignKey(ResidentUnit, models.CASCADE, related_name="years", verbose_name=_("resident unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    at = models.DateTimeField(_("registered"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "year"]
        verbose_name = _("unit registration")
        verbose_name_plural = _("unit registrations")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="reportin_unit_year")]


class Liaison(models.Model):
    """A named liaison account of a resident unit: a user holding ``Role.UNIT_LIAISON`` at the
    unit's community, acting for this unit only (one unit per account: never a shared login)."""

    unit = models.ForeignKey(ResidentUnit, models.CASCADE, related_name="liaisons", verbose_name=_("resident unit"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="reportin_liaison",
                                verbose_name=_("user"))
    since = models.DateTimeField(_("since"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "pk"]
        verbose_name = _("unit liaison")
        verbose_name_plural = _("unit liaisons")


class PledgeKind(models.TextChoices):
    VENUE = "venue", _("Venue")
    FUNDS = "funds", _("Funds")
    EQUIPMENT = "equipment", _("Equipment")
    SERVICES = "services", _("Services")
    SKILLS = "skills", _("Skills")


class Pledge(models.Model):
    """A resource a resident unit pledges (资源清单), to feed micro-projects later."""

    unit = models.ForeignKey(ResidentUnit, models.CASCADE, related_name="pledges", verbose_name=_("resident unit"))
    kind = models.CharField(_("kind"), max_length=12, choices=PledgeKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.CharField(_("quantity or value"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    created_at = models.DateTimeField(_("pledged"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "-year", "pk"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")


class EmployerOrg(models.Model):
    """The party organisation of an in-service member's employer, as a community knows it: where
    the service report goes. Its contact is the organisation's, never a resident's."""

    community = models.ForeignKey("structure.Unit", models.PROTECT, related_name="employer_orgs",
                                  verbose_name=_("community"))
    employer_name = models.CharField(_("employer"), max_length=100)
    name = models.CharField(_("party organisation"), max_length=120)
    contact = models.CharField(_("organisation's contact"), max_length=120, blank=True,
                               help_text=_("The organisation's e-mail or office phone."))
    #: When the employer is itself a resident unit of the community: its liaisons follow its members.
    resident_unit = models.ForeignKey(ResidentUnit, models.SET_NULL, null=True, blank=True,
                                      related_name="employer_orgs", verbose_name=_("resident unit"))
    created_at = models.DateTimeField(_("created"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "name"]
        verbose_name = _("employer's party organisation")
        verbose_name_plural = _("employers' party organisations")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="reportin_employer_org_name")]

    def __str__(self):
        return self.name


class MemberState(models.TextChoices):
    ACTIVE = "active", _("Registered")
    ENDED = "ended", _("Ended")


class MemberRegistration(models.Model):
    """An in-service party member's registration with the community they live in, for one year
    (renewal is next year's registration)."""

    person = models.ForeignKey("people.Person", models.PROTECT, related_name="reportin_registrations",
                               verbose_name=_("person"))
    community = models.ForeignKey("structure.Unit", models.PROTECT, related_name="member_registrations",
                                  verbose_name=_("community"))
    year = models.PositiveSmallIntegerField(_("year"))
    employer_org = models.ForeignKey(EmployerOrg, models.PROTECT, related_name="registrations",
                                     verbose_name=_("employer's party organisation"))
    state = models.CharField(_("state"), max_length=12, choices=MemberState.choices, default=MemberState.ACTIVE)
    registered_at = models.DateTimeField(_("registered"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "community__code", "person__name"]
        verbose_name = _("in-service member registration")
        verbose_name_plural = _("in-service member registrations")
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="reportin_member_year")]

    def __str__(self):
        return f"{self.person.name} {self.year}"

    def get_absolute_url(self):
        return reverse("reportin-member", args=[self.pk])


class Period(models.TextChoices):
    Q1 = "q1", _("First quarter")
    Q2 = "q2", _("Second quarter")
    Q3 = "q3", _("Third quarter")
    Q4 = "q4", _("Fourth quarter")
    YEAR = "year", _("Whole year")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class EmployerReport(models.Model):
    """The service report (在职党员社区表现反馈) of one community to one employer's party organisation
    for a quarter or a year. A draft reads the service records live; sending snapshots them."""

    employer_org = models.ForeignKey(EmployerOrg, models.PROTECT, related_name="reports",
                                     verbose_name=_("employer's party organisation"))
    community = models.ForeignKey("structure.Unit", models.PROTECT, related_name="employer_reports",
                                  verbose_name=_("community"))
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=4, choices=Period.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    with_lines = models.BooleanField(_("with each service"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("created by"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("sent by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    #: The person at the employer who acknowledged it (a name and post, as they gave it).
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=100, blank=True)
    #: The figures as sent: ``{"members": [...], "totals": {...}}`` (see ``services.reports``).
    snapshot = models.JSONField(_("figures as sent"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-start", "employer_org__name"]
        verbose_name = _("employer report")
        verbose_name_plural = _("employer reports")
        constraints = [models.UniqueConstraint(fields=["employer_org", "year", "period"], name="reportin_report_period")]

    def __str__(self):
        return f"{self.employer_org.name} {self.year} {self.get_period_display()}"

    def get_absolute_url(self):
        return reverse("reportin-report", args=[self.pk])


class ReportinSettings(models.Model):
    """What a district sets for 双报到: the services each registered member is expected to give a year."""

    district = models.OneToOneField("structure.Unit", models.CASCADE, related_name="reportin_settings",
                                    verbose_name=_("district"))
    services_target = models.PositiveSmallIntegerField(_("services per member per year (target)"), default=2)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report-in settings")
        verbose_name_plural = _("report-in settings")


class Subject(models.TextChoices):
    UNIT = "unit", _("Resident unit")
    MEMBER = "member", _("Member registration")
    EMPLOYER = "employer", _("Employer organisation")
    REPORT = "report", _("Employer report")
    SETTINGS = "settings", _("District settings")


SUBJECT_KINDS = {ResidentUnit: Subject.UNIT, MemberRegistration: Subject.MEMBER, EmployerOrg: Subject.EMPLOYER,
                 EmployerReport: Subject.REPORT, ReportinSettings: Subject.SETTINGS}


class ReportinEntry(JournalEntry):
    """The 双报到 journal: one hash chain per subject (a unit — with its liaisons and pledges —, a
    member's registration, an employer organisation, a report), named ``<kind>:<pk>`` in the hash."""

    subject_kind = models.CharField(_("subject"), max_length=12, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    action = models.CharField(_("action"), max_length=24, choices=ReportinAction.choices)

    class Meta:
        ordering = ["subject_kind", "subject_id", "seq"]
        verbose_name = _("report-in journal entry")
        verbose_name_plural = _("report-in journal")
        constraints = [models.UniqueConstraint(fields=["subject_kind", "subject_id", "seq"],
                                               name="reportin_journal_sequence")]

    @classmethod
    def chain_of(cls, subject) -> dict:
        return {"subject_kind": SUBJECT_KINDS[type(subject)], "subject_id": subject.pk}

    @classmethod
    def subject_name(cls, subject) -> str:
        return f"{SUBJECT_KINDS[type(subject)]}:{subject.pk}"
