"""民生微实事 (micro-projects): a community's three lists — needs, resources and projects — and each
project's funding lines, spending, milestones and its residents' evaluations (docs/microprojects.md).

Every change goes through ``services/``; a project's steps are recorded on its hash-chained journal
(:class:`ProjectEntry`), the lists' and the settings' changes on :class:`ListEntry`.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core import clock
from gridgov.core.journal import JournalEntry
from gridgov.people.models import Person
from gridgov.structure.models import Compound, Household, Unit

from .actions import MicroprojectAction

MONEY = {"max_digits": 12, "decimal_places": 2}


class MicroprojectSettings(models.Model):
    """A district's rules: from which budget a project needs a 四议两公开 matter, and the residents'
    evaluation window (its length and the responses that make it count)."""

    district_code = models.CharField(_("district code"), max_length=12, unique=True)
    large_threshold = models.DecimalField(
        _("large-project threshold (yuan)"), **MONEY, default=Decimal("200000"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("From this budget up, a project is decided by a 四议两公开 matter, not a meeting."))
    evaluation_days = models.PositiveSmallIntegerField(
        _("evaluation window (days)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)])
    min_responses = models.PositiveSmallIntegerField(
        _("minimum responses"), default=5, validators=[MinValueValidator(1), MaxValueValidator(1000)])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro-project settings")
        verbose_name_plural = _("micro-project settings")

    def __str__(self):
        return self.district_code


class NeedSource(models.TextChoices):
    PROPOSAL = "proposal", _("Micro-proposal")
    VISIT = "visit", _("Visit finding")
    ORDER = "order", _("Volunteering order")
    HOTSPOT = "hotspot", _("Hot spot (cases)")
    STAFF = "staff", _("Staff")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need status", "Open")
    IN_PROJECT = "in_project", _("In a project")
    CLOSED = "closed", _("Closed unmet")


class Need(models.Model):
    """One line of a community's needs list (需求清单)."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="microproject_needs", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    households = models.PositiveIntegerField(_("households affected"), default=0)
    place_unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("place (unit)"))
    place_compound = models.ForeignKey(Compound, models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("place (compound)"))
    source = models.CharField(_("source"), max_length=10, choices=NeedSource.choices, default=NeedSource.STAFF)
    source_ref = models.CharField(_("source reference"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    close_reason = models.CharField(_("reason closed unmet"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=clock.now, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("microprojects-need", args=[self.pk])


class ResourceKind(models.TextChoices):
    VENUE = "venue", _("Venue")
    FUNDS = "funds", _("Funds")
    SKILLS = "skills", _("Skills")
    MATERIALS = "materials", _("Materials")


class ProviderKind(models.TextChoices):
    PERSON = "person", _("An individual")
    UNIT = "unit", _("A unit")
    PLEDGE = "pledge", _("A resident unit's pledge (双报到)")


class Resource(models.Model):
    """One line of a community's resources list (资源清单)."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="microproject_resources",
                                  verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=120)
    provider_kind = models.CharField(_("provider"), max_length=8, choices=ProviderKind.choices)
    provider_name = models.CharField(_("provider name"), max_length=100)
    provider_person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name=_("provider (person)"))
    pledge = models.OneToOneField("reportin.Pledge", models.PROTECT, null=True, blank=True, related_name="resource",
                                  verbose_name=_("pledge"))
    quantity = models.CharField(_("quantity"), max_length=60, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, null=True, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "kind", "title"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(condition=models.Q(available_from__isnull=True) | models.Q(available_until__isnull=True)
                                   | models.Q(available_until__gte=models.F("available_from")),
                                   name="microprojects_resource_window"),
        ]

    def __str__(self):
        return self.title


class ProjectKind(models.TextChoices):
    ACTIVITY = "activity", _("Micro-activity (微活动)")
    SERVICE = "service", _("Micro-service (微服务)")
    RENOVATION = "renovation", _("Micro-renovation (微改造)")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    FEASIBLE = "feasible", _("Reviewed: feasible")
    REJECTED = "rejected", _("Reviewed: not feasible")
    APPROVED = "approved", _("Decided: approved")
    NOT_APPROVED = "not_approved", _("Decided: not approved")
    IN_PROGRESS = "in_progress", _("In progress")
    ACCEPTED = "accepted", _("Accepted (验收)")
    EVALUATING = "evaluating", _("Residents evaluating")
    EVALUATED = "evaluated", _("Evaluation ended")
    CLOSED = "closed", _("Project closed")


#: States after a positive decision: the project is (or was) being delivered.
DELIVERY = (ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS, ProjectStatus.ACCEPTED, ProjectStatus.EVALUATING,
            ProjectStatus.EVALUATED, ProjectStatus.CLOSED)
#: States in which funding lines may still be added.
FUNDABLE = (ProjectStatus.PROPOSED, ProjectStatus.FEASIBLE, ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS)


class DecisionRoute(models.TextChoices):
    MEETING = "meeting", _("Meeting resolution")
    MATTER = "matter", _("四议两公开 matter")
    STAFF = "staff", _("Staff (not approved)")


class Closure(models.TextChoices):
    EVALUATED = "evaluated", _("Evaluated")
    UNEVALUATED = "unevaluated", _("Unevaluated (district decision)")


class Project(models.Model):
    """A micro-project: its kind, community, served area (whose households may evaluate it), budget,
    plan and where it stands on the way proposed → reviewed → decided → in progress → accepted →
    evaluating → closed."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="microprojects", verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=10, choices=ProjectKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(_("budget (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    served_units = models.ManyToManyField(Unit, blank=True, related_name="served_by_microprojects",
                                          verbose_name=_("served units"))
    served_compounds = models.ManyToManyField(Compound, blank=True, related_name="served_by_microprojects",
                                              verbose_name=_("served compounds"))
    needs = models.ManyToManyField(Need, blank=True, related_name="projects", verbose_name=_("needs"))
    resources = models.ManyToManyField(Resource, blank=True, related_name="projects", verbose_name=_("resources"))
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices,
                              default=ProjectStatus.PROPOSED, db_index=True)
    review_reason = models.CharField(_("review reason"), max_length=500, blank=True)
    decision_route = models.CharField(_("decided by"), max_length=8, choices=DecisionRoute.choices, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0, validators=[MaxValueValidator(100)])
    acceptance_note = models.CharField(_("acceptance note"), max_length=500, blank=True)
    evaluation_opens_at = models.DateTimeField(_("evaluation opens"), null=True, blank=True)
    evaluation_closes_at = models.DateTimeField(_("evaluation closes"), null=True, blank=True)
    min_responses = models.PositiveSmallIntegerField(_("minimum responses"), null=True, blank=True)
    reminded = models.BooleanField(_("households reminded"), default=False)
    closure = models.CharField(_("closed as"), max_length=12, choices=Closure.choices, blank=True)
    close_reason = models.CharField(_("reason closed unevaluated"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), default=clock.now, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("acceptance time"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closing time"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("micro-project")
        verbose_name_plural = _("micro-projects")
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_end__gte=models.F("planned_start")),
                                   name="microprojects_project_plan"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="microprojects_project_budget"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("microprojects-project", args=[self.pk])

    @property
    def ref(self) -> str:
        """How deliberation names this project (``subject_ref`` of agenda items and matters)."""
        return f"project:{self.pk}"


class FundingSource(models.TextChoices):
    DISTRICT = "district", _("District fund")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community fund")
    PLEDGE = "pledge", _("Unit pledges")


class FundingLine(models.Model):
    """Money for a project from one source: allocated, and what has been spent of it. The database
    refuses spending beyond the allocation (the service says why first)."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="funding_lines", verbose_name=_("project"))
    source = models.CharField(_("source"), max_length=10, choices=FundingSource.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    allocated = models.DecimalField(_("allocated (yuan)"), **MONEY)
    spent = models.DecimalField(_("spent (yuan)"), **MONEY, default=Decimal("0"))
    created_at = models.DateTimeField(_("created"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(spent__lte=models.F("allocated")),
                                   name="microprojects_line_within_allocation"),
            models.CheckConstraint(condition=models.Q(spent__gte=0, allocated__gt=0),
                                   name="microprojects_line_positive"),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_source_display()}"

    @property
    def left(self) -> Decimal:
        return self.allocated - self.spent


class Spend(models.Model):
    """One payment from a funding line, with its evidence (an invoice or receipt: text and a photo)."""

    line = models.ForeignKey(FundingLine, models.PROTECT, related_name="spends", verbose_name=_("funding line"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    evidence = models.CharField(_("evidence"), max_length=200)
    photo = models.ImageField(_("evidence photo"), upload_to="microprojects/%Y/%m/", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name=_("recorded by"))
    at = models.DateTimeField(_("time"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="microprojects_spend_positive")]


class Milestone(models.Model):
    """A step of delivery with its progress and an evidence photo."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="milestones", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=120)
    progress = models.PositiveSmallIntegerField(_("progress %"), validators=[MaxValueValidator(100)])
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.ImageField(_("evidence photo"), upload_to="microprojects/%Y/%m/", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name=_("recorded by"))
    at = models.DateTimeField(_("time"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="microprojects_progress")]


class Evaluation(models.Model):
    """A household's evaluation of a project it is served by: one per household."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="evaluations", verbose_name=_("project"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="+", verbose_name=_("household"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name=_("person"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), default=clock.now, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["project", "household"], name="microprojects_one_per_household"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="microprojects_score_1_to_5"),
        ]


class ProjectEntry(JournalEntry):
    """One step of a project's history (hash-chained per project)."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="journal", verbose_name=_("project"))
    action = models.CharField(_("action"), max_length=24, choices=MicroprojectAction.choices)

    subject_field = "project"

    class Meta:
        ordering = ["project", "seq"]
        verbose_name = _("project journal entry")
        verbose_name_plural = _("project journal")
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="microprojects_project_journal_seq")]

    @classmethod
    def subject_name(cls, project) -> str:
        return f"microproject:{project.pk}"


class ListEntry(JournalEntry):
    """One change of a need, a resource or a district's settings, chained per object."""

    kind = models.CharField(_("kind"), max_length=30)
    object_id = models.PositiveIntegerField(_("object"))
    action = models.CharField(_("action"), max_length=24, choices=MicroprojectAction.choices)

    class Meta:
        ordering = ["kind", "object_id", "seq"]
        verbose_name = _("list journal entry")
        verbose_name_plural = _("list journal")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "seq"], name="microprojects_list_seq")]

    @classmethod
    def chain_of(cls, subject) -> dict:
        return {"kind": subject._meta.model_name, "object_id": subject.pk}

    @classmethod
    def subject_name(cls, subject) -> str:
        return f"microprojects.{subject._meta.model_name}:{subject.pk}"
