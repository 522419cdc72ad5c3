"""Volunteers, teams, the service menu, service orders (点单/派单/接单), community tasks and
activities (线上领任务) and the verified service records they produce (docs/volunteering.md)."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core import clock
from gridgov.core.journal import JournalEntry
from gridgov.people.models import Person
from gridgov.structure.models import Unit

from .actions import VolunteeringAction

DEFAULT_TARGET = Decimal("0.18")


class VolunteeringSettings(models.Model):
    """A district's rules: the registration target and the working-day deadlines of orders."""

    district_code = models.CharField(_("district code"), max_length=12, unique=True)
    registration_target = models.DecimalField(
        _("registration target"), max_digits=4, decimal_places=3, default=DEFAULT_TARGET,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Registered active volunteers as a share of the resident population (0.18 = 18%)."))
    accept_days = models.DecimalField(_("working days to accept"), max_digits=4, decimal_places=2, default=Decimal("1"))
    dispatch_days = models.DecimalField(_("working days to dispatch"), max_digits=4, decimal_places=2,
                                        default=Decimal("1"))
    take_days = models.DecimalField(_("working days to take"), max_digits=4, decimal_places=2, default=Decimal("2"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteering settings")
        verbose_name_plural = _("volunteering settings")

    def __str__(self):
        return self.district_code


class VolunteerStatus(models.TextChoices):
    REQUESTED = "requested", _("Registration requested")
    REGISTERED = "registered", _("Registered")
    DECLINED = "declined", _("Registration declined")


class Volunteer(models.Model):
    """A person registered (or asking to register) as a volunteer with a community."""

    person = models.OneToOneField(Person, models.PROTECT, related_name="volunteer", verbose_name=_("person"))
    community = models.ForeignKey(Unit, models.PROTECT, related_name="volunteers", verbose_name=_("community"))
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    party_org_name = models.CharField(_("home party organisation"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VolunteerStatus.choices,
                              default=VolunteerStatus.REQUESTED)
    active = models.BooleanField(_("active"), default=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "person__name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self):
        return str(self.person)

    @property
    def skill_list(self) -> list[str]:
        return [s for s in (part.strip() for part in self.skills.split(",")) if s]


class TeamKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer service team")
    VANGUARD = "vanguard", _("Party member vanguard team")


class Team(models.Model):
    """志愿服务队 / 党员先锋队 of a community, optionally of a resident unit (by name)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=TeamKind.choices, default=TeamKind.VOLUNTEER)
    community = models.ForeignKey(Unit, models.PROTECT, related_name="volunteer_teams", verbose_name=_("community"))
    resident_unit_name = models.CharField(_("resident unit"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(Volunteer, through="TeamMembership", related_name="teams",
                                     verbose_name=_("members"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships", verbose_name=_("team"))
    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="memberships", verbose_name=_("volunteer"))
    joined_at = models.DateTimeField(_("joined at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="volunteering_team_member_once")]

    def __str__(self):
        return f"{self.team} · {self.volunteer}"


class PointsBasis(models.TextChoices):
    PER_HOUR = "hour", _("per hour")
    PER_SERVICE = "service", _("per service")


class ServiceItem(models.Model):
    """One line of a community's service menu."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="service_items", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    points = models.PositiveIntegerField(_("points"), default=10)
    basis = models.CharField(_("points basis"), max_length=8, choices=PointsBasis.choices, default=PointsBasis.PER_HOUR)
    care = models.BooleanField(_("care service (deposits time-bank minutes)"), default=False)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=60)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "name"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self):
        return self.name

    def points_for(self, minutes: int) -> int:
        if self.basis == PointsBasis.PER_SERVICE:
            return self.points
        return (self.points * minutes + 30) // 60


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    DISPATCHED = "dispatched", _("Dispatched")
    PUBLISHED = "published", _("Published for sign-up")
    TAKEN = "taken", _("Taken")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    VERIFIED = "verified", _("Verified")
    RATED = "rated", _("Rated")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ORDER = (OrderStatus.ORDERED, OrderStatus.ACCEPTED, OrderStatus.DISPATCHED, OrderStatus.PUBLISHED,
              OrderStatus.TAKEN, OrderStatus.CHECKED_IN, OrderStatus.CHECKED_OUT)
DONE_ORDER = (OrderStatus.VERIFIED, OrderStatus.RATED)
#: States in which a volunteer may take an order.
TAKEABLE = (OrderStatus.DISPATCHED, OrderStatus.PUBLISHED)


class ServiceOrder(models.Model):
    """A resident's order of a menu item (点单), dispatched by the community (派单), taken by a
    volunteer (接单), verified by the community and rated by the resident."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="service_orders", verbose_name=_("community"))
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="orders", verbose_name=_("service"))
    resident = models.ForeignKey(Person, models.PROTECT, related_name="service_orders", verbose_name=_("resident"))
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("ordered by"))
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("place"), max_length=200, blank=True)
    wanted_at = models.DateTimeField(_("wanted time"), null=True, blank=True)
    pay_with_minutes = models.BooleanField(_("pay with my time-bank minutes"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.ORDERED)
    refuse_reason = models.CharField(_("reason for refusal"), max_length=200, blank=True)
    team = models.ForeignKey(Team, models.PROTECT, null=True, blank=True, related_name="orders",
                             verbose_name=_("dispatched to team"))
    assignee = models.ForeignKey(Volunteer, models.PROTECT, null=True, blank=True, related_name="assigned_orders",
                                 verbose_name=_("dispatched to volunteer"))
    taker = models.ForeignKey(Volunteer, models.PROTECT, null=True, blank=True, related_name="taken_orders",
                              verbose_name=_("taken by"))
    ordered_at = models.DateTimeField(_("ordered at"), default=clock.now, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("first dispatched at"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    latitude = models.FloatField(_("check-in latitude"), null=True, blank=True)
    longitude = models.FloatField(_("check-in longitude"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    actual_minutes = models.PositiveIntegerField(_("actual minutes"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("refused or cancelled at"), null=True, blank=True)
    due_at = models.DateTimeField(_("current deadline"), null=True, blank=True)
    reminded = models.BooleanField(_("reminder sent for the current deadline"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-ordered_at", "-pk"]
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                                   name="volunteering_order_rating_1_to_5"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.item}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("volunteering-order", args=[self.pk])


class OrderEntry(JournalEntry):
    """One step of a service order's history (hash-chained per order)."""

    order = models.ForeignKey(ServiceOrder, models.PROTECT, related_name="journal", verbose_name=_("order"))
    action = models.CharField(_("action"), max_length=24, choices=VolunteeringAction.choices)

    subject_field = "order"

    class Meta:
        ordering = ["order", "seq"]
        verbose_name = _("order journal entry")
        verbose_name_plural = _("order journal")
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="volunteering_order_journal_seq")]

    @classmethod
    def subject_name(cls, order) -> str:
        return f"service-order:{order.pk}"


class ActivityKind(models.TextChoices):
    TASK = "task", _("Task")
    ACTIVITY = "activity", _("Activity")


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("Open for sign-up")
    VERIFIED = "verified", _("Attendance verified")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    """A community task or activity published for volunteers to sign up to (线上领任务)."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="volunteer_activities",
                                  verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices, default=ActivityKind.ACTIVITY)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    points = models.PositiveIntegerField(_("points per participant"), default=10)
    care = models.BooleanField(_("care service (deposits time-bank minutes)"), default=False)
    limit = models.PositiveIntegerField(_("sign-up limit"), validators=[MinValueValidator(1)])
    waiting_list = models.BooleanField(_("waiting list open"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.OPEN)
    published_at = models.DateTimeField(_("published at"), default=clock.now)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("task or activity")
        verbose_name_plural = _("tasks and activities")
        constraints = [models.CheckConstraint(condition=models.Q(limit__gte=1), name="volunteering_activity_limit")]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("volunteering-activity", args=[self.pk])


class ActivityEntry(JournalEntry):
    """One step of an activity's history: publishing, sign-ups, withdrawals, check-ins, verification."""

    activity = models.ForeignKey(Activity, models.PROTECT, related_name="journal", verbose_name=_("activity"))
    action = models.CharField(_("action"), max_length=24, choices=VolunteeringAction.choices)

    subject_field = "activity"

    class Meta:
        ordering = ["activity", "seq"]
        verbose_name = _("activity journal entry")
        verbose_name_plural = _("activity journal")
        constraints = [models.UniqueConstraint(fields=["activity", "seq"], name="volunteering_activity_journal_seq")]

    @classmethod
    def subject_name(cls, activity) -> str:
        return f"activity:{activity.pk}"


class SignUpStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    ATTENDED = "attended", _("Attendance verified")
    NO_SHOW = "no_show", _("Did not come")


#: Sign-ups holding a place (counted against the limit).
HOLDING = (SignUpStatus.SIGNED_UP, SignUpStatus.CHECKED_IN, SignUpStatus.CHECKED_OUT)


class SignUp(models.Model):
    activity = models.ForeignKey(Activity, models.PROTECT, related_name="signups", verbose_name=_("activity"))
    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="signups", verbose_name=_("volunteer"))
    status = models.CharField(_("status"), max_length=12, choices=SignUpStatus.choices)
    signed_at = models.DateTimeField(_("signed up at"), default=clock.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    actual_minutes = models.PositiveIntegerField(_("actual minutes"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteering_signup_once")]

    def __str__(self):
        return f"{self.activity} · {self.volunteer}"


class ServiceRecord(models.Model):
    """One volunteer's verified service on one order or activity: what the points and minutes were
    posted for, and what 双报到 reports back. Made by verification only, never by a sign-up."""

    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="records", verbose_name=_("volunteer"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="service_records", verbose_name=_("person"))
    community = models.ForeignKey(Unit, models.PROTECT, related_name="service_records", verbose_name=_("community"))
    title = models.CharField(_("service"), max_length=120)
    day = models.DateField(_("day"), db_index=True)
    minutes = models.PositiveIntegerField(_("minutes"))
    points = models.PositiveIntegerField(_("points"))
    deposited_minutes = models.PositiveIntegerField(_("time-bank minutes deposited"), default=0)
    order = models.ForeignKey(ServiceOrder, models.PROTECT, null=True, blank=True, related_name="records",
                              verbose_name=_("order"))
    activity = models.ForeignKey(Activity, models.PROTECT, null=True, blank=True, related_name="records",
                                 verbose_name=_("activity"))
    rating = models.PositiveSmallIntegerField(_("resident's rating"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        constraints = [
            models.UniqueConstraint(fields=["order", "volunteer"], name="volunteering_record_once_per_order",
                                    condition=models.Q(order__isnull=False)),
            models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteering_record_once_per_activity",
                                    condition=models.Q(activity__isnull=False)),
            models.CheckConstraint(condition=models.Q(order__isnull=False) ^ models.Q(activity__isnull=False),
                                   name="volunteering_record_order_xor_activity"),
        ]

    def __str__(self):
        return f"{self.person} · {self.title} · {self.day}"

    @property
    def key(self) -> str:
        """The idempotency key stem of the record's ledger entries."""
        return f"volunteering:record:{self.pk}"


class VolunteerEntry(JournalEntry):
    """One step of a volunteer's registration: asked, registered, declined, deactivated, teams."""

    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="journal", verbose_name=_("volunteer"))
    action = models.CharField(_("action"), max_length=24, choices=VolunteeringAction.choices)

    subject_field = "volunteer"

    class Meta:
        ordering = ["volunteer", "seq"]
        verbose_name = _("volunteer journal entry")
        verbose_name_plural = _("volunteer journal")
        constraints = [models.UniqueConstraint(fields=["volunteer", "seq"], name="volunteering_volunteer_journal_seq")]

    @classmethod
    def subject_name(cls, volunteer) -> str:
        return f"volunteer:{volunteer.pk}"


class SetupEntry(JournalEntry):
    """One change of a community's set-up — a menu item, a team — or of a district's settings,
    chained per object (``kind`` and key): what the services changed, and who."""

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveIntegerField(_("object"))
    action = models.CharField(_("action"), max_length=24, choices=VolunteeringAction.choices)

    class Meta:
        ordering = ["kind", "object_id", "seq"]
        verbose_name = _("set-up journal entry")
        verbose_name_plural = _("set-up journal")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "seq"], name="volunteering_setup_seq")]

    @classmethod
    def chain_of(cls, subject) -> dict:
        return {"kind": subject._meta.model_name, "object_id": subject.pk}

    @classmethod
    def subject_name(cls, subject) -> str:
        return f"volunteering.{subject._meta.model_name}:{subject.pk}"
