"""Care plans for people in special groups, their scheduled check-ins, the escalation ladder a missed
or worrying check-in climbs, smart devices and their readings (docs/care.md)."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core import clock
from gridgov.core.crypto import EncryptedTextField, mask_phone
from gridgov.core.journal import JournalEntry
from gridgov.people.models import Person, SpecialGroup

from .actions import CareAction


class CareSettings(models.Model):
    """A district's escalation ladder: how many hours each step has before the next one is told, and
    how long a door sensor may stay silent before it counts as "needs help"."""

    district_code = models.CharField(_("district code"), max_length=12, unique=True)
    buddy_hours = models.PositiveSmallIntegerField(_("hours for the buddy"), default=2)
    grid_hours = models.PositiveSmallIntegerField(_("hours for the grid worker"), default=4)
    staff_hours = models.PositiveSmallIntegerField(_("hours for the community staff"), default=8)
    door_silence_hours = models.PositiveSmallIntegerField(_("hours a door may stay shut"), default=24)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("care settings")
        verbose_name_plural = _("care settings")
        constraints = [models.CheckConstraint(
            condition=Q(buddy_hours__gte=1, grid_hours__gte=1, staff_hours__gte=1, door_silence_hours__gte=1),
            name="care_settings_hours_positive")]

    def __str__(self):
        return self.district_code


class SettingsEntry(JournalEntry):
    """One change of a district's care settings: which values, and who."""

    settings = models.ForeignKey(CareSettings, models.PROTECT, related_name="journal", verbose_name=_("settings"))
    action = models.CharField(_("action"), max_length=24, choices=CareAction.choices)

    subject_field = "settings"

    class Meta:
        ordering = ["settings", "seq"]
        verbose_name = _("care settings journal entry")
        verbose_name_plural = _("care settings journal")
        constraints = [models.UniqueConstraint(fields=["settings", "seq"], name="care_settings_journal_seq")]

    @classmethod
    def subject_name(cls, row) -> str:
        return f"care-settings:{row.district_code}"


class Method(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Home visit")
    DEVICE = "device", _("Smart device reading")


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class CarePlan(models.Model):
    """How often, how and by whom a person in a special group is checked on. One plan that is not
    ended per person (a database constraint): a paused plan is still the person's plan."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="care_plans", verbose_name=_("person"))
    group = models.ForeignKey(SpecialGroup, models.PROTECT, related_name="care_plans", verbose_name=_("special group"))
    every_days = models.PositiveSmallIntegerField(_("check in every (days)"), default=1)
    window_start = models.TimeField(_("window opens at"))
    window_hours = models.PositiveSmallIntegerField(_("window length (hours)"), default=12)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.PHONE)
    buddy = models.ForeignKey(Person, models.PROTECT, related_name="care_buddy_of", verbose_name=_("buddy"))
    grid_worker = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="care_plans",
                                    verbose_name=_("responsible grid worker"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    #: Check-ins are materialised from this moment on (the start, or the last resumption).
    schedule_from = models.DateTimeField(_("scheduled from"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["person__unit__code", "person__name"]
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=~Q(status="ended"), name="care_one_plan_per_person"),
            models.CheckConstraint(condition=Q(every_days__gte=1, every_days__lte=31), name="care_plan_every_days"),
            models.CheckConstraint(condition=Q(window_hours__gte=1, window_hours__lte=24), name="care_plan_window"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="care_plan_ends_after_start"),
            models.CheckConstraint(condition=Q(status="ended", ended_at__isnull=False)
                                   | ~Q(status="ended") & Q(ended_at__isnull=True), name="care_plan_ended_at"),
        ]

    def __str__(self):
        return f"{self.person} · {self.group}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("care-person", args=[self.person_id])

    def get_frequency_display(self) -> str:
        from django.utils.translation import ngettext

        if self.every_days == 1:
            return str(_("Daily"))
        if self.every_days == 7:
            return str(_("Weekly"))
        return ngettext("Every %(n)d day", "Every %(n)d days", self.every_days) % {"n": self.every_days}


class PlanEntry(JournalEntry):
    """One step of a care plan's history: created, changed, paused, resumed, ended; guardians and
    devices added, keys replaced."""

    plan = models.ForeignKey(CarePlan, models.PROTECT, related_name="journal", verbose_name=_("care plan"))
    action = models.CharField(_("action"), max_length=24, choices=CareAction.choices)

    subject_field = "plan"

    class Meta:
        ordering = ["plan", "seq"]
        verbose_name = _("care plan journal entry")
        verbose_name_plural = _("care plan journal")
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="care_plan_journal_seq")]

    @classmethod
    def subject_name(cls, plan) -> str:
        return f"care-plan:{plan.pk}"


class Guardian(models.Model):
    """A relative or guardian told by SMS at the last step of the ladder. The phone is encrypted at
    rest and shown masked; an unmasked read is logged (``CareRevealLog``)."""

    plan = models.ForeignKey(CarePlan, models.CASCADE, related_name="guardians", verbose_name=_("care plan"))
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=20)
    phone = EncryptedTextField(_("phone"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self):
        return f"{self.name} ({self.relation})"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class CheckInStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Result(models.TextChoices):
    WELL = "well", _("Well")
    NEEDS_HELP = "needs_help", _("Needs help")
    UNREACHABLE = "unreachable", _("Could not reach")


#: Results that mean the person was reached: only these complete a check-in (an attempt that
#: could not reach the person is recorded, but is not a completion, and it escalates).
REACHED = (Result.WELL, Result.NEEDS_HELP)


class CheckIn(models.Model):
    """One scheduled check-in of a plan, number ``seq`` of its schedule, with its window. Done or
    missed, never both (a database constraint), and done only within the window."""

    plan = models.ForeignKey(CarePlan, models.PROTECT, related_name="check_ins", verbose_name=_("care plan"))
    seq = models.PositiveIntegerField(_("number"))
    earliest = models.DateTimeField(_("earliest"), db_index=True)
    latest = models.DateTimeField(_("latest"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=CheckInStatus.choices,
                              default=CheckInStatus.SCHEDULED)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, blank=True)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("done by"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    missed_at = models.DateTimeField(_("recorded missed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["earliest", "pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="care_checkin_once_per_seq"),
            models.CheckConstraint(condition=Q(latest__gt=models.F("earliest")), name="care_checkin_window"),
            models.CheckConstraint(condition=Q(done_at__isnull=True) | Q(missed_at__isnull=True),
                                   name="care_checkin_done_or_missed_never_both"),
            models.CheckConstraint(
                name="care_checkin_status_matches",
                condition=(Q(status="done", done_at__isnull=False, missed_at__isnull=True)
                           & Q(result__in=["well", "needs_help", "unreachable"])
                           | Q(status="missed", missed_at__isnull=False, done_at__isnull=True, result="")
                           | Q(status__in=["scheduled", "cancelled"], done_at__isnull=True, missed_at__isnull=True,
                               result=""))),
        ]

    def __str__(self):
        return f"{self.plan.person} · {self.earliest:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("care-person", args=[self.plan.person_id])


class CheckInEntry(JournalEntry):
    check_in = models.ForeignKey(CheckIn, models.PROTECT, related_name="journal", verbose_name=_("check-in"))
    action = models.CharField(_("action"), max_length=24, choices=CareAction.choices)

    subject_field = "check_in"

    class Meta:
        ordering = ["check_in", "seq"]
        verbose_name = _("check-in journal entry")
        verbose_name_plural = _("check-in journal")
        constraints = [models.UniqueConstraint(fields=["check_in", "seq"], name="care_checkin_journal_seq")]

    @classmethod
    def subject_name(cls, check_in) -> str:
        return f"care-check-in:{check_in.pk}"


class Reason(models.TextChoices):
    MISSED = "missed", _("Check-in missed")
    UNREACHABLE = "unreachable", _("Could not reach the person")
    NEEDS_HELP = "needs_help", _("Needs help")
    OUT_OF_RANGE = "out_of_range", _("Reading out of range")
    DOOR_SILENT = "door_silent", _("Door not opened")


class Step(models.IntegerChoices):
    """The ladder, in order: each step is told when the one before has not resolved it in time."""

    BUDDY = 1, _("Buddy")
    GRID_WORKER = 2, _("Grid worker")
    STAFF = 3, _("Community staff")
    GUARDIANS = 4, _("Guardians (SMS)")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Outcome(models.TextChoices):
    WELL = "well", _("Reached: well")
    NEEDS_HELP = "needs_help", _("Reached: needs help")
    HOSPITAL = "hospital", _("Taken to hospital")
    AWAY = "away", _("Away from home (safe)")
    OTHER = "other", _("Other")


class Escalation(models.Model):
    """A missed or worrying check-in (or reading) climbing the ladder until someone resolves it.
    ``step`` is the step last told and ``step_at`` when it was told: the next step is due at
    ``step_at`` plus that step's hours (the district's settings), whenever the worker gets to it."""

    plan = models.ForeignKey(CarePlan, models.PROTECT, related_name="escalations", verbose_name=_("care plan"))
    check_in = models.OneToOneField(CheckIn, models.PROTECT, null=True, blank=True, related_name="escalation",
                                    verbose_name=_("check-in"))
    reading = models.ForeignKey("Reading", models.PROTECT, null=True, blank=True, related_name="escalations",
                                verbose_name=_("reading"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices, default=Step.BUDDY)
    step_at = models.DateTimeField(_("step told at"))
    status = models.CharField(_("status"), max_length=8, choices=EscalationStatus.choices,
                              default=EscalationStatus.OPEN)
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, db_index=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    need = models.CharField(_("help needed"), max_length=500, blank=True,
                            help_text=_("What the person needs (a case may be raised from it)."))
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.CheckConstraint(condition=Q(step__gte=1, step__lte=4), name="care_escalation_step"),
            models.CheckConstraint(
                name="care_escalation_resolved",
                condition=Q(status="open", resolved_at__isnull=True, outcome="")
                | Q(status="resolved", resolved_at__isnull=False) & ~Q(outcome="")),
        ]

    def __str__(self):
        return f"{self.plan.person} · {self.get_reason_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("care-person", args=[self.plan.person_id])


class EscalationEntry(JournalEntry):
    escalation = models.ForeignKey(Escalation, models.PROTECT, related_name="journal", verbose_name=_("escalation"))
    action = models.CharField(_("action"), max_length=24, choices=CareAction.choices)

    subject_field = "escalation"

    class Meta:
        ordering = ["escalation", "seq"]
        verbose_name = _("escalation journal entry")
        verbose_name_plural = _("escalation journal")
        constraints = [models.UniqueConstraint(fields=["escalation", "seq"], name="care_escalation_journal_seq")]

    @classmethod
    def subject_name(cls, escalation) -> str:
        return f"care-escalation:{escalation.pk}"


class DeviceKind(models.TextChoices):
    DOOR = "door", _("Door sensor")
    WRISTBAND = "wristband", _("Wristband (heart rate)")
    BLOOD_PRESSURE = "bp", _("Blood pressure monitor")


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Device(models.Model):
    """A smart device at a person's home, posting readings with its own key (only the key's SHA-256
    is stored; the key is shown once, when issued)."""

    plan = models.ForeignKey(CarePlan, models.PROTECT, related_name="devices", verbose_name=_("care plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=DeviceKind.choices)
    label = models.CharField(_("label"), max_length=50, blank=True)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(_("key starts with"), max_length=8, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered"), default=clock.now)
    last_seen = models.DateTimeField(_("last reading"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self):
        return f"{self.get_kind_display()} {self.key_hint}…"

    def issue_key(self) -> str:
        """Set a new random key and return it; the old one stops working."""
        key = secrets.token_urlsafe(24)
        self.key_digest, self.key_hint = digest(key), key[:6]
        return key


class ReadingKind(models.TextChoices):
    DOOR_OPEN = "door_open", _("Door opened")
    HEART_RATE = "heart_rate", _("Heart rate")
    BLOOD_PRESSURE = "bp", _("Blood pressure")


class Reading(models.Model):
    """One reading of a device. The values are health data: encrypted at rest, shown only as "in
    range" / "out of range" unless revealed (logged)."""

    device = models.ForeignKey(Device, models.PROTECT, related_name="readings", verbose_name=_("device"))
    plan = models.ForeignKey(CarePlan, models.PROTECT, related_name="readings", verbose_name=_("care plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=ReadingKind.choices)
    values = EncryptedTextField(_("values"), blank=True)
    in_range = models.BooleanField(_("in range"))
    measured_at = models.DateTimeField(_("measured at"), db_index=True)
    received_at = models.DateTimeField(_("received at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-measured_at", "-pk"]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.measured_at:%Y-%m-%d %H:%M}"


class CareRevealLog(models.Model):
    """One unmasked read of a guardian's phone or of a reading's values: who, what, when, why."""

    class Field(models.TextChoices):
        GUARDIAN_PHONE = "guardian_phone", _("guardian's phone")
        READING = "reading", _("reading values")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="care_reveals",
                             verbose_name=_("user"))
    plan = models.ForeignKey(CarePlan, models.PROTECT, related_name="reveals", verbose_name=_("care plan"))
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    guardian = models.ForeignKey(Guardian, models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("guardian"))
    reading = models.ForeignKey(Reading, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("reading"))
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("time"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("care reveal log entry")
        verbose_name_plural = _("care reveal log")
