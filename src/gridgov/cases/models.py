"""Cases (事件/诉求/工单): what was reported, where, who handles it, by when, and everything that happened.

The state lives on :class:`Case`; department work on :class:`Assignment`; 吹哨报到 on :class:`Whistle`
and :class:`WhistleCall`; deadline extensions on :class:`ExtensionRequest`; and the history on
:class:`TimelineEntry`, an append-only hash chain. Only the service functions in
``gridgov.cases.services`` change any of them.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core import clock
from gridgov.core.crypto import EncryptedTextField, keyed_hash, mask_phone
from gridgov.core.distribution import DistrictKeyed
from gridgov.core.geo import Datum
from gridgov.core.journal import JournalEntry

from .actions import CaseAction


class Channel(models.TextChoices):
    APP = "app", _("Resident app")
    HOTLINE = "hotline", _("12345 hotline")
    PATROL = "patrol", _("Grid patrol")
    SENSOR = "sensor", _("Sensor")
    LEADER = "leader", _("Leader's assignment")
    OPEN311 = "open311", _("Open311 app")
    VISIT = "visit", _("Household visit")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REJECTED = "rejected", _("Rejected")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")
    SUSPENDED = "suspended", _("Suspended")
    MERGED = "merged", _("Merged")

    @classmethod
    def text(cls, value: str) -> str:
        """The status as its reader says it (the one status text of pages, API and Open311); a
        value that is no status (a timeline row's empty "from" of a report) as it is stored."""
        return str(cls(value).label) if value in cls.values else value


OPEN_STATUSES = [Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.ACKNOWLEDGED, Status.HANDLED,
                 Status.SUSPENDED]
#: Open with its clock running — every open state but suspended: what may be suspended or merged,
#: and what the deadline watch lights.
Status.RUNNING = (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.ACKNOWLEDGED, Status.HANDLED)
#: Waiting in a queue (reported, or accepted and not yet dispatched): what a dispatcher may still
#: recategorise.
Status.IN_QUEUE = (Status.REPORTED, Status.ACCEPTED)
#: With its handler, not yet handled: what the handler escalates and what the watch escalates when
#: a small-loop case turns red at the grid.
Status.WITH_HANDLER = (Status.DISPATCHED, Status.ACKNOWLEDGED)
#: Dispatched and not yet closed: the grid's task list.
Status.IN_HAND = (Status.DISPATCHED, Status.ACKNOWLEDGED, Status.HANDLED)
#: Left the queue without being accepted: with acceptance, what makes a report "decided".
Status.TURNED_AWAY = (Status.REJECTED, Status.MERGED)
#: With a handling result to report back (the hotline's answer-back).
Status.WITH_RESULT = (Status.HANDLED, Status.CLOSED)
#: Finished for the reporter: closed with a result, or rejected (Open311's "closed").
Status.FINISHED = (Status.CLOSED, Status.REJECTED)
#: No deadline to show: rejected, or suspended with its clock stopped.
Status.CLOCK_STOPPED = (Status.REJECTED, Status.SUSPENDED)


class Level(models.TextChoices):
    """Where a case is being resolved; "小事不出网格、大事不出社区/镇街" counts closures by this."""

    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DISTRICT = "district", _("District")


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red (overdue)")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Case(DistrictKeyed, models.Model):
    """A case. Its code starts with its district's code (``filing.next_code``), so a code alone says
    which district's rows to read (:meth:`by_code`)."""

    district_code = models.CharField(_("district code"), max_length=6, db_index=True)
    code = models.CharField(_("code"), max_length=24)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_id = models.CharField(_("external number"), max_length=64, blank=True,
                                   help_text=_("The hotline's or app's own number for the case."))
    reporter = models.ForeignKey("people.Person", models.SET_NULL, null=True, blank=True, related_name="reported_cases",
                                 verbose_name=_("reporter"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="reported_cases", verbose_name=_("reported by"))
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    #: The keyed hash of the contact phone (``core.crypto.keyed_hash``): a queue is searched by the
    #: number a caller gives without decrypting every case. Kept by :meth:`save`.
    contact_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey("catalogue.Category", models.PROTECT, related_name="cases", verbose_name=_("category"))
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    # lat/lng are always WGS 84; this is the datum the reporter's point came in (converted at intake).
    source_datum = models.CharField(_("source datum"), max_length=5, choices=Datum.choices, default=Datum.WGS84)
    address = models.CharField(_("address"), max_length=200, blank=True)
    unit = models.ForeignKey("structure.Unit", models.PROTECT, related_name="cases", verbose_name=_("located in"),
                             help_text=_("The most precise unit the case was located to; the district when unknown."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True)
    status_before_suspension = models.CharField(max_length=12, choices=Status.choices, blank=True, editable=False)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.GRID)
    queue = models.ForeignKey("structure.Unit", models.PROTECT, related_name="queued_cases", verbose_name=_("queue"),
                              help_text=_("The unit whose dispatchers own the case now (community, street or district)."))
    handler_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="handled_cases", verbose_name=_("handler"))
    handler_unit = models.ForeignKey("structure.Unit", models.SET_NULL, null=True, blank=True,
                                     related_name="handled_cases", verbose_name=_("handling unit"),
                                     help_text=_("A grid whose workers may acknowledge the case."))
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    extension_days = models.FloatField(_("extension (working days)"), default=0)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspended_seconds = models.PositiveIntegerField(_("suspended working seconds"), default=0)
    dispatch_count = models.PositiveSmallIntegerField(_("dispatches"), default=0)
    ack_seconds = models.PositiveIntegerField(_("working seconds to acknowledge"), null=True, blank=True,
                                              help_text=_("From the latest dispatch to its acknowledgement."))
    close_seconds = models.PositiveIntegerField(_("working seconds to close"), null=True, blank=True,
                                                help_text=_("From the report to closure, less time suspended."))
    light = models.CharField(_("traffic light"), max_length=6, choices=Light.choices, default=Light.GREEN, db_index=True)
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    supervised = models.BooleanField(_("supervised"), default=False)
    response_reminded = models.BooleanField(default=False, editable=False)
    whistled = models.BooleanField(_("whistled"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("rework"), default=0)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)
    small_loop = models.BooleanField(_("small loop"), default=False)
    merged_into = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="merged_cases",
                                    verbose_name=_("merged into"))
    reject_reason = models.CharField(_("reject reason"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["district_code", "status", "light"], name="case_board"),
            models.Index(fields=["queue", "status"], name="case_queue"),
            # "Already reported?" looks for the same category in a recent window; hot spots and the
            # plain assessment computation read a district's cases by report time.
            models.Index(fields=["district_code", "category", "reported_at"], name="case_category_recent"),
            models.Index(fields=["district_code", "reported_at"], name="case_district_recent"),
        ]
        constraints = [
            # Unique within the district: every unique key of a table distributed (or partitioned)
            # by district must hold the district (docs/deployment.md, "Past one machine").
            models.UniqueConstraint(fields=["district_code", "code"], name="case_code"),
            # A hotline order or an Open311 request is filed once per district and channel.
            models.UniqueConstraint(fields=["district_code", "channel", "external_id"], name="case_external_once",
                                    condition=~models.Q(external_id="")),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("case", args=[self.code])

    def own(self, related: str):
        """The case's ``related`` rows (``"assignments"``, ``"timeline"``, ``"dispatches"``) read naming
        its district, which the related manager's ``case_id = …`` alone does not."""
        return getattr(self, related).filter(district_code=self.district_code)

    @staticmethod
    def by_code(code: str) -> dict:
        """The lookups that find the case numbered ``code``: the code and the district it starts with."""
        return {"district_code": code[:6], "code": code}

    def save(self, *args, **kwargs):
        self.contact_phone_hash = keyed_hash(self.contact_phone) if self.contact_phone else ""
        if kwargs.get("update_fields") is not None and "contact_phone" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "contact_phone_hash"}
        super().save(*args, **kwargs)

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseCounter(models.Model):
    """The last sequence number used for a district's cases on a day; locked to number a case."""

    district_code = models.CharField(max_length=6)
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_code", "day"], name="one_counter_per_day")]


class Photo(models.Model):
    """Evidence attached at a stage of the case (report, handling, verification)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="photos", verbose_name=_("case"))
    stage = models.CharField(_("stage"), max_length=12)
    image = models.ImageField(_("image"), upload_to="cases/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        ordering = ["at"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class AssignmentStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    HANDLED = "handled", _("Feedback given")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


#: A department still on the case (its feedback, once given, stands until verification): what a
#: return, escalation, merge or reopening cancels, and whose lead answers "who handles it".
AssignmentStatus.ACTIVE = (AssignmentStatus.DISPATCHED, AssignmentStatus.ACKNOWLEDGED, AssignmentStatus.HANDLED)
#: A department that still owes its work (no feedback yet): its inbox and its reminders.
AssignmentStatus.WORKING = (AssignmentStatus.DISPATCHED, AssignmentStatus.ACKNOWLEDGED)


class Assignment(DistrictKeyed, models.Model):
    """A case dispatched to a department, as the lead or as an assisting department (联动处置).
    It carries its case's district, the key it is distributed by."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="assignments", verbose_name=_("case"))
    district_code = models.CharField(_("district code"), max_length=6)
    department = models.ForeignKey("structure.Department", models.PROTECT, related_name="assignments",
                                   verbose_name=_("department"))
    lead = models.BooleanField(_("lead"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.DISPATCHED)
    dispatched_at = models.DateTimeField(_("dispatched at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    note = models.TextField(_("feedback"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("return reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-lead", "dispatched_at"]
        verbose_name = _("department assignment")
        verbose_name_plural = _("department assignments")


class DispatchEnd(models.TextChoices):
    """Why a dispatch stopped being its target's: the target handled it (a failed verification
    takes that back), returned it, escalated it, or the case was merged away from them."""

    HANDLED = "handled", _("Handled")
    RETURNED = "returned", _("Returned")
    ESCALATED = "escalated", _("Escalated")
    CANCELLED = "cancelled", _("Cancelled")


class Dispatch(DistrictKeyed, models.Model):
    """One dispatch of a case (派遣) and what its target did with it: the record the assessment
    charges each target's response, returns, handlings and reworks to, so that a handler answers
    for their own dispatch and not for an earlier or a later one. Written only by
    ``services.dispatches`` from the case's timeline steps, live or replayed."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="dispatches", verbose_name=_("case"))
    district_code = models.CharField(_("district code"), max_length=6)
    seq = models.PositiveSmallIntegerField(_("number"), help_text=_("1 for the case's first dispatch, and so on."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("person"),
                             help_text=_("The person dispatched to, or the grid's worker who acknowledged it."))
    grid = models.ForeignKey("structure.Unit", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("grid"))
    department = models.ForeignKey("structure.Department", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("lead department"))
    sent_at = models.DateTimeField(_("dispatched at"))
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    ack_seconds = models.PositiveIntegerField(_("working seconds to acknowledge"), null=True, blank=True)
    response_missed = models.BooleanField(_("response limit missed"), default=False,
                                          help_text=_("Its response limit passed before it was acknowledged."))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reworks = models.PositiveSmallIntegerField(_("rework"), default=0)
    end = models.CharField(_("ended"), max_length=10, choices=DispatchEnd.choices, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "seq"]  # by the column: "case" would join the case table to order by its ordering
        verbose_name = _("dispatch record")
        verbose_name_plural = _("dispatch records")
        constraints = [models.UniqueConstraint(fields=["district_code", "case", "seq"], name="one_dispatch_per_number")]
        indexes = [models.Index(fields=["district_code", "sent_at"], name="dispatch_district_sent")]


class ExtensionRequest(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="extensions", verbose_name=_("case"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    days = models.DecimalField(_("working days"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=200)
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    granted = models.BooleanField(_("granted"), null=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")


class Whistle(models.Model):
    """吹哨: a street calls departments to a case; each must report in within the limit."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="whistles", verbose_name=_("case"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("whistled by"))
    at = models.DateTimeField(_("whistled at"))
    limit_minutes = models.PositiveIntegerField(_("report-in limit (minutes)"), default=30)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")


class WhistleCall(models.Model):
    whistle = models.ForeignKey(Whistle, models.CASCADE, related_name="calls", verbose_name=_("whistle"))
    department = models.ForeignKey("structure.Department", models.PROTECT, related_name="whistle_calls",
                                   verbose_name=_("department"))
    due_at = models.DateTimeField(_("report in by"))
    reported_at = models.DateTimeField(_("reported in at"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    late = models.BooleanField(_("late"), default=False)
    missed = models.BooleanField(_("missed"), default=False)
    score = models.PositiveSmallIntegerField(_("street's rating (1–5)"), null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("whistle call")
        verbose_name_plural = _("whistle calls")
        constraints = [models.UniqueConstraint(fields=["whistle", "department"], name="one_call_per_department")]


class TimelineEntry(JournalEntry):
    """One step of a case's history: the case's journal (:mod:`gridgov.core.journal`), a hash chain
    per case that ``journal.verify(case)`` checks. Every hash names the case by its code. The entry
    carries its case's district, the key it is distributed by (not part of the hash: the chains
    written before it was added still verify)."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="timeline", verbose_name=_("case"))
    district_code = models.CharField(_("district code"), max_length=6)
    action = models.CharField(_("action"), max_length=24, choices=CaseAction.choices)

    subject_field = "case"

    class Meta:
        ordering = ["case_id", "seq"]  # by the column: "case" would join the case table to order by its ordering
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        constraints = [models.UniqueConstraint(fields=["district_code", "case", "seq"], name="timeline_sequence")]

    @classmethod
    def chain_of(cls, case) -> dict:
        return {"case": case, "district_code": case.district_code}

    @classmethod
    def subject_name(cls, case) -> str:
        return case.code
