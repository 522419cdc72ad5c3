"""Household visits (走访) planned from visit rules, reception hours and walk-ins (定时接待), promises
(定约践诺) and leading cadres' contact points (领导干部联系点) — see docs/visits.md.

A :class:`Visit` is one row from plan to outcome, as Avni keeps an encounter: the window it should
happen in (``earliest``–``latest``), then either done (``visited_at``) or cancelled
(``cancelled_at`` with a reason) — never both, which the database itself refuses."""
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.cases.models import Case
from gridgov.core import clock
from gridgov.core.journal import JournalEntry
from gridgov.people.models import Person, SpecialGroup
from gridgov.structure.models import Household, Unit

from .actions import VisitsAction


def today():
    """The district's local date on the platform clock."""
    return timezone.localdate(clock.now())


class VisitorKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    PARTY_MEMBER = "party_member", _("Party member")
    LEADING_CADRE = "leading_cadre", _("Leading cadre")
    STAFF = "staff", _("Community staff")


class Period(models.TextChoices):
    MONTH = "month", _("Every month")
    QUARTER = "quarter", _("Every quarter")


class VisitRule(models.Model):
    """Which households of a community or district are visited by which kind of visitor, how often."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="visit_rules", verbose_name=_("community or district"))
    special_group = models.ForeignKey(SpecialGroup, models.PROTECT, null=True, blank=True, related_name="visit_rules",
                                      verbose_name=_("only households with a member in"))
    visitor_kind = models.CharField(_("visited by"), max_length=16, choices=VisitorKind.choices,
                                    default=VisitorKind.GRID_WORKER)
    period = models.CharField(_("how often"), max_length=8, choices=Period.choices, default=Period.QUARTER)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "pk"]
        verbose_name = _("visit rule")
        verbose_name_plural = _("visit rules")

    def __str__(self):
        who = self.special_group.name if self.special_group_id else _("every household")
        return f"{self.unit.short_name} · {who} · {self.get_period_display()}"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Warned(models.TextChoices):
    NONE = "", _("None")
    DUE_SOON = "due_soon", _("Coming due")
    OVERDUE = "overdue", _("Overdue")


class Visit(models.Model):
    """One household visit: planned by a rule (or recorded unplanned), then done or cancelled."""

    #: The one definition of overdue (``services/overdue.py``) reads these.
    DEADLINE_FIELD = "latest"
    CLOSING_FIELDS = ("visited_at", "cancelled_at")

    household = models.ForeignKey(Household, models.PROTECT, related_name="visits", verbose_name=_("household"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="visits", verbose_name=_("micro-grid"))
    rule = models.ForeignKey(VisitRule, models.PROTECT, null=True, blank=True, related_name="visits",
                             verbose_name=_("rule"))
    period_start = models.DateField(_("period"), null=True, blank=True)
    earliest = models.DateField(_("earliest date"))
    latest = models.DateField(_("latest date"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("assignee"))
    status = models.CharField(_("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("visitor"))
    visitor_kind = models.CharField(_("visitor kind"), max_length=16, choices=VisitorKind.choices,
                                    default=VisitorKind.GRID_WORKER)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    findings = models.TextField(_("what was found"), blank=True)
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case"))
    need = models.BooleanField(_("a need for micro-projects"), default=False)
    need_text = models.CharField(_("the need"), max_length=500, blank=True)
    warned = models.CharField(_("last warning"), max_length=10, choices=Warned.choices, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["latest", "pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(condition=Q(visited_at__isnull=True) | Q(cancelled_at__isnull=True),
                                   name="visits_done_or_cancelled_never_both"),
            models.CheckConstraint(
                condition=(Q(status="planned", visited_at__isnull=True, cancelled_at__isnull=True)
                           | Q(status="done", visited_at__isnull=False)
                           | (Q(status="cancelled", cancelled_at__isnull=False) & ~Q(cancel_reason=""))),
                name="visits_status_matches_outcome"),
            models.CheckConstraint(condition=Q(earliest__lte=models.F("latest")), name="visits_window_in_order"),
            models.UniqueConstraint(fields=["rule", "household", "period_start"], condition=Q(rule__isnull=False),
                                    name="visits_planned_once_per_period"),
        ]

    def __str__(self):
        return f"{self.household} · {self.latest}"

    def get_absolute_url(self) -> str:
        return reverse("visits-visit", args=[self.pk])


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, models.PROTECT, related_name="photos", verbose_name=_("visit"))
    image = models.ImageField(_("image"), upload_to="visits/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")


class VisitEntry(JournalEntry):
    """One step of a visit's history (hash-chained per visit)."""

    visit = models.ForeignKey(Visit, models.PROTECT, related_name="journal", verbose_name=_("visit"))
    action = models.CharField(_("action"), max_length=24, choices=VisitsAction.choices)

    subject_field = "visit"

    class Meta:
        ordering = ["visit", "seq"]
        verbose_name = _("visit journal entry")
        verbose_name_plural = _("visit journal")
        constraints = [models.UniqueConstraint(fields=["visit", "seq"], name="visits_visit_journal_seq")]

    @classmethod
    def subject_name(cls, visit) -> str:
        return f"visit:{visit.pk}"


class ReceptionHours(models.Model):
    """A standing reception time (定时接待) of a community: a weekday, a time and a place, kept by a
    host (a leading cadre or staff member) or by the community."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="reception_hours", verbose_name=_("community"))
    host = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("host"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)],
                                               help_text=_("0 is Monday, 6 is Sunday."))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    place = models.CharField(_("place"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "weekday", "starts"]
        verbose_name = _("reception hours")
        verbose_name_plural = _("reception hours")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="visits_hours_weekday"),
            models.CheckConstraint(condition=Q(starts__lt=models.F("ends")), name="visits_hours_in_order"),
        ]

    def __str__(self):
        return f"{self.unit.short_name} {self.starts:%H:%M}–{self.ends:%H:%M} {self.place}"


class Reception(models.Model):
    """One walk-in at a reception: who came (a known person or a name), their matter, the case filed."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="receptions", verbose_name=_("community"))
    hours = models.ForeignKey(ReceptionHours, models.PROTECT, null=True, blank=True, related_name="receptions",
                              verbose_name=_("reception hours"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    visitor_kind = models.CharField(_("received as"), max_length=16, choices=VisitorKind.choices,
                                    default=VisitorKind.STAFF)
    at = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("person"))
    visitor_name = models.CharField(_("name of the visitor"), max_length=50, blank=True)
    matter = models.TextField(_("matter"))
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")
        constraints = [models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(visitor_name=""),
                                              name="visits_reception_says_who")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.who}"

    @property
    def who(self) -> str:
        return self.person.name if self.person_id else self.visitor_name


class Outcome(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    NOT_KEPT = "not_kept", _("Not kept")


class Promise(models.Model):
    """A promise (定约践诺) made at a visit, a reception or on its own, due on a day, then decided
    kept or not kept (once)."""

    DEADLINE_FIELD = "due"
    CLOSING_FIELDS = ("decided_at",)

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="promises", verbose_name=_("place"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                verbose_name=_("made by"))
    made_to = models.CharField(_("made to"), max_length=50, blank=True)
    text = models.CharField(_("promise"), max_length=500)
    due = models.DateField(_("due date"))
    visit = models.ForeignKey(Visit, models.PROTECT, null=True, blank=True, related_name="promises",
                              verbose_name=_("visit"))
    reception = models.ForeignKey(Reception, models.PROTECT, null=True, blank=True, related_name="promises",
                                  verbose_name=_("reception"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_note = models.CharField(_("note on the outcome"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    made_at = models.DateTimeField(_("made at"), default=clock.now)
    warned = models.CharField(_("last warning"), max_length=10, choices=Warned.choices, blank=True, default="")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        constraints = [
            models.CheckConstraint(condition=(Q(outcome="open", decided_at__isnull=True)
                                              | (~Q(outcome="open") & Q(decided_at__isnull=False))),
                                   name="visits_promise_decided_once"),
            models.CheckConstraint(condition=Q(visit__isnull=True) | Q(reception__isnull=True),
                                   name="visits_promise_one_source"),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("visits-promises") + f"#promise-{self.pk}"


class PromiseEntry(JournalEntry):
    promise = models.ForeignKey(Promise, models.PROTECT, related_name="journal", verbose_name=_("promise"))
    action = models.CharField(_("action"), max_length=24, choices=VisitsAction.choices)

    subject_field = "promise"

    class Meta:
        ordering = ["promise", "seq"]
        verbose_name = _("promise journal entry")
        verbose_name_plural = _("promise journal")
        constraints = [models.UniqueConstraint(fields=["promise", "seq"], name="visits_promise_journal_seq")]

    @classmethod
    def subject_name(cls, promise) -> str:
        return f"promise:{promise.pk}"


class ContactPoint(models.Model):
    """A leading cadre's contact point (领导干部联系点): a community, grid or household they keep in
    touch with; their visits and receptions count as a leading cadre's."""

    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="contact_points",
                              verbose_name=_("leading cadre"))
    title = models.CharField(_("post"), max_length=100)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="contact_points", verbose_name=_("place"))
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="contact_points",
                                  verbose_name=_("household"))
    active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("since"), default=today)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["cadre", "unit__code"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")

    def __str__(self):
        return f"{self.title} · {self.household or self.unit.short_name}"


class SetupEntry(JournalEntry):
    """One change of a visit rule, reception hours, a walk-in record or a contact point, chained per
    object (``kind`` and key): what the services changed, and who."""

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveIntegerField(_("object"))
    action = models.CharField(_("action"), max_length=24, choices=VisitsAction.choices)

    class Meta:
        ordering = ["kind", "object_id", "seq"]
        verbose_name = _("set-up journal entry")
        verbose_name_plural = _("set-up journal")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "seq"], name="visits_setup_seq")]

    @classmethod
    def chain_of(cls, subject) -> dict:
        return {"kind": subject._meta.model_name, "object_id": subject.pk}

    @classmethod
    def subject_name(cls, subject) -> str:
        return f"visits.{subject._meta.model_name}:{subject.pk}"
