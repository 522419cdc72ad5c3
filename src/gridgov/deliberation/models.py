"""Micro-proposals (微提案), meetings (议事会) with their series, agenda, attendance, votes and
resolutions, the four-deliberations-two-publications matters (四议两公开) and their public notices
(两公开) — see docs/deliberation.md."""
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
from gridgov.structure.models import Compound, PartyOrg, Unit

from .actions import DeliberationAction


# -- settings -------------------------------------------------------------------------------------
class DeliberationSettings(models.Model):
    """A district's rules: the default support threshold, the minimum display period of a notice,
    the working days within which a publication is on time, how far ahead series are scheduled."""

    district_code = models.CharField(_("district code"), max_length=12, unique=True)
    support_threshold = models.PositiveIntegerField(
        _("support threshold"), default=10, validators=[MinValueValidator(1)],
        help_text=_("Supports that put a proposal on the agenda (communities may set their own)."))
    display_days = models.PositiveIntegerField(_("minimum display period (days)"), default=7,
                                               validators=[MinValueValidator(1), MaxValueValidator(365)])
    publication_days = models.PositiveIntegerField(
        _("working days to publish"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A publication is on time when posted within this many working days."))
    horizon_weeks = models.PositiveIntegerField(_("weeks of meetings scheduled ahead"), default=8,
                                                validators=[MinValueValidator(1), MaxValueValidator(52)])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliberation settings")
        verbose_name_plural = _("deliberation settings")

    def __str__(self):
        return self.district_code


class CommunityThreshold(models.Model):
    """A community's own support threshold, overriding its district's."""

    community = models.OneToOneField(Unit, models.CASCADE, related_name="proposal_threshold",
                                     verbose_name=_("community"))
    support_threshold = models.PositiveIntegerField(_("support threshold"), validators=[MinValueValidator(1)])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("community support threshold")
        verbose_name_plural = _("community support thresholds")

    def __str__(self):
        return f"{self.community} · {self.support_threshold}"


# -- micro-proposals --------------------------------------------------------------------------------
class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open for support")
    ON_AGENDA = "on_agenda", _("Threshold reached: on the agenda")
    ANSWERED = "answered", _("Answered, not published")
    PUBLISHED = "published", _("Answer published")
    IMPLEMENTED = "implemented", _("Implemented")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal", "Withdrawn")


#: Before an answer: the author may withdraw, others may support.
OPEN_PROPOSAL = (ProposalStatus.OPEN, ProposalStatus.ON_AGENDA)
#: Answered (published or not).
ANSWERED_PROPOSAL = (ProposalStatus.ANSWERED, ProposalStatus.PUBLISHED, ProposalStatus.IMPLEMENTED)


class Answer(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("proposal answer", "Accepted")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("proposal answer", "Not accepted")
    MERGED = "merged", _("Merged into another proposal")


class Proposal(models.Model):
    """A resident's micro-proposal for their compound, grid or community (``unit`` is the grid or the
    community; ``compound`` narrows it), made by them or recorded by a grid worker for them."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="proposals", verbose_name=_("community"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("place"))
    compound = models.ForeignKey(Compound, models.PROTECT, null=True, blank=True, related_name="proposals",
                                 verbose_name=_("compound"))
    author = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="proposals",
                               verbose_name=_("author"), help_text=_("Empty: raised by the staff from cases."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    case_codes = models.JSONField(_("from cases"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProposalStatus.choices,
                              default=ProposalStatus.OPEN, db_index=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    answer = models.CharField(_("answer"), max_length=12, choices=Answer.choices, blank=True)
    answer_reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="merged",
                                    verbose_name=_("merged into"))
    created_at = models.DateTimeField(_("proposed at"), default=clock.now, db_index=True)
    threshold_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published_at = models.DateTimeField(_("answer published at"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("micro-proposal")
        verbose_name_plural = _("micro-proposals")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation-proposal", args=[self.pk])

    @property
    def ref(self) -> str:
        return f"proposal:{self.pk}"


class Support(models.Model):
    """One resident's support of a proposal: at most one each (a database constraint)."""

    proposal = models.ForeignKey(Proposal, models.PROTECT, related_name="supports", verbose_name=_("proposal"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="proposal_supports", verbose_name=_("resident"))
    at = models.DateTimeField(_("supported at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "person"], name="deliberation_support_once")]

    def __str__(self):
        return f"{self.proposal} · {self.person}"


class ProposalEntry(JournalEntry):
    proposal = models.ForeignKey(Proposal, models.PROTECT, related_name="journal", verbose_name=_("proposal"))
    action = models.CharField(_("action"), max_length=24, choices=DeliberationAction.choices)

    subject_field = "proposal"

    class Meta:
        ordering = ["proposal", "seq"]
        verbose_name = _("proposal journal entry")
        verbose_name_plural = _("proposal journal")
        constraints = [models.UniqueConstraint(fields=["proposal", "seq"], name="deliberation_proposal_journal_seq")]

    @classmethod
    def subject_name(cls, proposal) -> str:
        return f"proposal:{proposal.pk}"


# -- meetings -----------------------------------------------------------------------------------------
class MeetingKind(models.TextChoices):
    BENCH = "bench", _("Bench meeting (板凳议事)")
    TENTH = "tenth", _("Tenth-day meeting (逢十议事)")
    COMMITTEES = "committees", _("Two committees' meeting (两委会议)")
    PARTY_MEMBERS = "party", _("Party members' meeting (党员大会)")
    REPRESENTATIVES = "representatives", _("Residents' representatives' meeting (居民代表会议)")
    JOINT = "joint", _("Joint meeting (联席会)")


class Roster(models.TextChoices):
    """The entitlement lists a community keeps (party members come from the party organisations)."""

    COMMITTEE = "committee", _("Two committees' members")
    REPRESENTATIVES = "representatives", _("Residents' representatives")
    JOINT = "joint", _("Joint meeting members")


class RosterMember(models.Model):
    community = models.ForeignKey(Unit, models.CASCADE, related_name="roster_members", verbose_name=_("community"))
    roster = models.CharField(_("list"), max_length=16, choices=Roster.choices)
    person = models.ForeignKey(Person, models.CASCADE, related_name="rosters", verbose_name=_("person"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "roster", "person__name"]
        verbose_name = _("list member")
        verbose_name_plural = _("list members")
        constraints = [models.UniqueConstraint(fields=["community", "roster", "person"],
                                               name="deliberation_roster_once")]

    def __str__(self):
        return f"{self.get_roster_display()} · {self.person}"


class Recurrence(models.TextChoices):
    TENTH = "tenth", _("On the 10th, 20th and 30th (逢十)")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class MeetingSeries(models.Model):
    community = models.ForeignKey(Unit, models.PROTECT, related_name="meeting_series", verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=120)
    recurrence = models.CharField(_("recurrence"), max_length=8, choices=Recurrence.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday (0 = Monday)"), null=True, blank=True,
                                               validators=[MaxValueValidator(6)])
    day_of_month = models.PositiveSmallIntegerField(_("day of month"), null=True, blank=True,
                                                    validators=[MinValueValidator(1), MaxValueValidator(31)])
    start_time = models.TimeField(_("start time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "title"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self):
        return self.title


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("In session")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """One meeting. ``entitled`` is the number entitled to attend, fixed when it opens (None: open to
    every resident, no quorum)."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="meetings", verbose_name=_("community"))
    series = models.ForeignKey(MeetingSeries, models.PROTECT, null=True, blank=True, related_name="meetings",
                               verbose_name=_("series"))
    nominal_on = models.DateField(_("day by the rule"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("day"), db_index=True)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    entitled = models.PositiveIntegerField(_("entitled to attend"), null=True, blank=True)
    minutes = models.TextField(pgettext_lazy("meeting", "minutes"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [models.UniqueConstraint(fields=["series", "nominal_on"], name="deliberation_meeting_once",
                                               condition=models.Q(series__isnull=False))]

    def __str__(self):
        return f"{self.title} {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("deliberation-meeting", args=[self.pk])


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="attendances", verbose_name=_("meeting"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="meeting_attendances", verbose_name=_("attendee"))
    checked_in_at = models.DateTimeField(_("checked in at"), default=clock.now)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("checked in by"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["checked_in_at", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="deliberation_attend_once")]

    def __str__(self):
        return f"{self.meeting} · {self.person}"


class AgendaItem(models.Model):
    """An item on a meeting's agenda about a subject named by a ref ``kind:pk`` (a proposal, a matter,
    a project of the micro-projects app …)."""

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="items", verbose_name=_("meeting"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    subject_ref = models.CharField(_("subject"), max_length=40, blank=True, db_index=True)
    proposal = models.ForeignKey(Proposal, models.PROTECT, null=True, blank=True, related_name="agenda_items",
                                 verbose_name=_("proposal"))
    matter = models.ForeignKey("Matter", models.PROTECT, null=True, blank=True, related_name="agenda_items",
                               verbose_name=_("matter"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Vote(models.Model):
    """One attendee's vote on one item: cast on their phone or recorded by the staff."""

    item = models.ForeignKey(AgendaItem, models.PROTECT, related_name="votes", verbose_name=_("agenda item"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="meeting_votes", verbose_name=_("voter"))
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    at = models.DateTimeField(_("at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="deliberation_vote_once")]

    def __str__(self):
        return f"{self.item} · {self.person} · {self.choice}"


class Resolution(models.Model):
    """What a meeting decided on an item: the counts are those of the votes, never typed."""

    item = models.OneToOneField(AgendaItem, models.PROTECT, related_name="resolution", verbose_name=_("agenda item"))
    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="resolutions", verbose_name=_("meeting"))
    passed = models.BooleanField(_("passed"))
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    abstentions = models.PositiveIntegerField(_("abstentions"))
    present = models.PositiveIntegerField(_("present"))
    entitled = models.PositiveIntegerField(_("entitled"), null=True, blank=True)
    text = models.TextField(_("resolution"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")

    def __str__(self):
        return f"{self.item} · {'+' if self.passed else '-'}"


class MeetingEntry(JournalEntry):
    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="journal", verbose_name=_("meeting"))
    action = models.CharField(_("action"), max_length=24, choices=DeliberationAction.choices)

    subject_field = "meeting"

    class Meta:
        ordering = ["meeting", "seq"]
        verbose_name = _("meeting journal entry")
        verbose_name_plural = _("meeting journal")
        constraints = [models.UniqueConstraint(fields=["meeting", "seq"], name="deliberation_meeting_journal_seq")]

    @classmethod
    def subject_name(cls, meeting) -> str:
        return f"meeting:{meeting.pk}"


# -- 四议两公开 ------------------------------------------------------------------------------------------
class Step(models.TextChoices):
    """The steps of a matter, in order (values short: the journal stores them)."""

    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed by the party organisation")
    DISCUSSED = "discussed", _("Discussed by the two committees")
    DELIBERATED = "deliberated", _("Deliberated by the party members' meeting")
    RESOLVED = "resolved", _("Resolved by the representatives' meeting")
    PUBLISHED = "published", _("Resolution published")
    IMPLEMENTING = "implementing", _("Implementing")
    RESULT_PUBLISHED = "result_pub", _("Result published")
    CLOSED = "closed", pgettext_lazy("matter step", "Closed")


STEPS = list(Step)


class Matter(models.Model):
    """A community's significant matter going through 四议两公开, one gated step at a time."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="matters", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    subject_ref = models.CharField(_("subject"), max_length=40, blank=True, db_index=True)
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.DRAFT, db_index=True)
    party_org = models.ForeignKey(PartyOrg, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("proposing party organisation"))
    return_reason = models.TextField(_("why it returned to draft"), blank=True)
    result = models.TextField(pgettext_lazy("matter", "result"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=clock.now)
    step_at = models.DateTimeField(_("step reached at"), default=clock.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_published_at = models.DateTimeField(_("resolution published at"), null=True, blank=True)
    completed_on = models.DateField(_("implementation completed on"), null=True, blank=True)
    result_published_at = models.DateTimeField(_("result published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("four deliberations, two publications matter")
        verbose_name_plural = _("four deliberations, two publications matters")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation-matter", args=[self.pk])

    @property
    def ref(self) -> str:
        return f"matter:{self.pk}"

    @property
    def resolution_published(self) -> bool:
        """True once the resolution was published (the step reached "resolution published" or later)."""
        return STEPS.index(Step(self.step)) >= STEPS.index(Step.PUBLISHED)


class MatterEntry(JournalEntry):
    matter = models.ForeignKey(Matter, models.PROTECT, related_name="journal", verbose_name=_("matter"))
    action = models.CharField(_("action"), max_length=24, choices=DeliberationAction.choices)

    subject_field = "matter"

    class Meta:
        ordering = ["matter", "seq"]
        verbose_name = _("matter journal entry")
        verbose_name_plural = _("matter journal")
        constraints = [models.UniqueConstraint(fields=["matter", "seq"], name="deliberation_matter_journal_seq")]

    @classmethod
    def subject_name(cls, matter) -> str:
        return f"matter:{matter.pk}"


class NoticeKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    RESULT = "result", pgettext_lazy("public notice", "Result")


class Notice(models.Model):
    """A publication (公开) on the community's notice board, online and printed."""

    community = models.ForeignKey(Unit, models.PROTECT, related_name="notices", verbose_name=_("community"))
    matter = models.ForeignKey(Matter, models.PROTECT, related_name="notices", verbose_name=_("matter"))
    kind = models.CharField(_("kind"), max_length=12, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"))
    posted_at = models.DateTimeField(_("posted at"), default=clock.now)
    display_until = models.DateField(_("displayed at least until"))
    taken_down_at = models.DateTimeField(_("taken down at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [models.UniqueConstraint(fields=["matter", "kind"], name="deliberation_notice_once")]

    def __str__(self):
        return self.title


class SetupEntry(JournalEntry):
    """One change of a series, a list or a settings row, chained per object (``kind`` and key)."""

    kind = models.CharField(_("kind"), max_length=30)
    object_id = models.PositiveIntegerField(_("object"))
    action = models.CharField(_("action"), max_length=24, choices=DeliberationAction.choices)

    class Meta:
        ordering = ["kind", "object_id", "seq"]
        verbose_name = _("set-up journal entry")
        verbose_name_plural = _("set-up journal")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "seq"], name="deliberation_setup_seq")]

    @classmethod
    def chain_of(cls, subject) -> dict:
        return {"kind": subject._meta.model_name, "object_id": subject.pk}

    @classmethod
    def subject_name(cls, subject) -> str:
        return f"deliberation.{subject._meta.model_name}:{subject.pk}"
