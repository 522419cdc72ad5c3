"""Party building: the kite plan for mobile members (风筝计划), organisation life sessions, training
courses and the credits they grant, vanguard posts (先锋岗) and members' pledges (承诺)
(docs/partybuilding.md). Organisations and memberships are the registry's (``structure``)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core import clock
from gridgov.core.journal import JournalEntry
from gridgov.people.models import Person
from gridgov.structure.models import PartyOrg, Unit

from .actions import PartyAction


class MobileStatus(models.TextChoices):
    AWAY = "away", _("Away")
    RETURNED = "returned", _("Returned home")


class MobileMember(models.Model):
    """A party member living away from their home branch (流动党员), kept in touch by a liaison."""

    person = models.OneToOneField(Person, models.PROTECT, related_name="mobile_record", verbose_name=_("party member"))
    home_org = models.ForeignKey(PartyOrg, models.PROTECT, related_name="mobile_members",
                                 verbose_name=_("home branch"))
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    since = models.DateField(_("away since"))
    liaison = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("liaison"))
    status = models.CharField(_("status"), max_length=10, choices=MobileStatus.choices, default=MobileStatus.AWAY)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    #: The longest silence (30 or 90 days) the liaison has already been told of; a contact resets it.
    alerted_days = models.PositiveSmallIntegerField(_("silence already told"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["home_org__unit__code", "person__name"]
        verbose_name = _("mobile party member")
        verbose_name_plural = _("mobile party members")

    def __str__(self):
        return str(self.person)


class ContactKind(models.TextChoices):
    CALL = "call", _("Phone call")
    ONLINE_STUDY = "online_study", _("Online study")
    DUES = "dues", _("Dues paid")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")


class Contact(models.Model):
    """One contact with a mobile member (the contact log)."""

    mobile = models.ForeignKey(MobileMember, models.PROTECT, related_name="contacts", verbose_name=_("mobile member"))
    kind = models.CharField(_("kind"), max_length=14, choices=ContactKind.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.mobile} · {self.on}"


class LifeSession(models.Model):
    """An organisation life session (组织生活), held online so that mobile members take part."""

    org = models.ForeignKey(PartyOrg, models.PROTECT, related_name="life_sessions", verbose_name=_("party organisation"))
    on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("organisation life session")
        verbose_name_plural = _("organisation life sessions")

    def __str__(self):
        return self.topic


class AttendanceMode(models.TextChoices):
    ONLINE = "online", _("Online")
    PRESENT = "present", _("Present")


class LifeAttendance(models.Model):
    session = models.ForeignKey(LifeSession, models.CASCADE, related_name="attendances", verbose_name=_("study session"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="life_attendances", verbose_name=_("party member"))
    mode = models.CharField(_("mode"), max_length=8, choices=AttendanceMode.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation life attendance")
        verbose_name_plural = _("organisation life attendances")
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="partybuilding_life_once")]


class Course(models.Model):
    """A training course required of the members of ``org`` and its subtree (optionally only some
    kinds of member) over a period; completing it grants a credit valid ``validity_months``."""

    org = models.ForeignKey(PartyOrg, models.PROTECT, related_name="courses", verbose_name=_("party organisation"))
    title = models.CharField(_("title"), max_length=120)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    #: The ``PartyRole`` values the course is required of; empty: every member.
    member_kinds = models.JSONField(_("required of"), default=list, blank=True)
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period to"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(_("validity (months)"), default=12)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse
        return reverse("partybuilding-course", args=[self.pk])


class CourseSession(models.Model):
    course = models.ForeignKey(Course, models.CASCADE, related_name="sessions", verbose_name=_("course"))
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    topic = models.CharField(_("topic"), max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")

    def __str__(self):
        return f"{self.course} · {self.on}"


class Attendance(models.Model):
    """A member attended a session: hours towards the course, never completion by itself."""

    session = models.ForeignKey(CourseSession, models.CASCADE, related_name="attendances", verbose_name=_("study session"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="course_attendances",
                               verbose_name=_("party member"))
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="partybuilding_attend_once")]


class CourseResult(models.Model):
    course = models.ForeignKey(Course, models.CASCADE, related_name="results", verbose_name=_("course"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="course_results", verbose_name=_("party member"))
    score = models.PositiveSmallIntegerField(_("score"))
    taken_on = models.DateField(_("taken on"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on", "-pk"]
        verbose_name = _("test result")
        verbose_name_plural = _("test results")

    @property
    def passed(self) -> bool:
        return self.course.pass_mark is not None and self.score >= self.course.pass_mark


class CreditBasis(models.TextChoices):
    HOURS = "hours", _("Hours attended")
    TEST = "test", _("Test passed")


class Credit(models.Model):
    """A course completed: valid from ``granted_on`` until (not including) ``expires_on``. The worker
    warns the member ahead (``warned_at``) and records the expiry (``expired_at``): never silently."""

    course = models.ForeignKey(Course, models.PROTECT, related_name="credits", verbose_name=_("course"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="party_credits", verbose_name=_("party member"))
    basis = models.CharField(_("basis"), max_length=6, choices=CreditBasis.choices)
    hours = models.DecimalField(_("hours attended"), max_digits=5, decimal_places=1, default=0)
    granted_on = models.DateField(_("granted on"))
    expires_on = models.DateField(_("expires on"))
    warned_at = models.DateTimeField(_("expiry told at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expiry recorded at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_on", "-pk"]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [models.UniqueConstraint(fields=["course", "person"], condition=Q(expired_at__isnull=True),
                                               name="partybuilding_one_running_credit")]

    def __str__(self):
        return f"{self.course} · {self.person}"

    def valid_on(self, day) -> bool:
        return self.granted_on <= day < self.expires_on


class VanguardPost(models.Model):
    """A vanguard post (先锋岗 / 党员示范岗) in a unit, held by a party member from one date to another."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="vanguard_posts", verbose_name=_("unit"))
    title = models.CharField(_("post"), max_length=100)
    place = models.CharField(_("place"), max_length=120, blank=True)
    duties = models.TextField(_("duties"), blank=True)
    holder = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="vanguard_posts",
                               verbose_name=_("holder"))
    held_from = models.DateField(_("from"), null=True, blank=True)
    held_to = models.DateField(_("to"), null=True, blank=True)
    created_on = models.DateField(_("created on"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "title"]
        verbose_name = _("vanguard post")
        verbose_name_plural = _("vanguard posts")

    def __str__(self):
        return self.title

    def held_on(self, day) -> bool:
        """Whether the post has a holder on ``day``."""
        return (self.holder_id is not None and self.held_from is not None and self.held_from <= day
                and (self.held_to is None or day <= self.held_to))


class PledgeStatus(models.TextChoices):
    OPEN = "open", _("Under way")
    FULFILLED = "fulfilled", _("Fulfilled")
    UNFULFILLED = "unfulfilled", _("Not fulfilled")


class Pledge(models.Model):
    """A party member's public pledge (承诺) to their organisation, due by a date."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="pledges", verbose_name=_("party member"))
    org = models.ForeignKey(PartyOrg, models.PROTECT, related_name="pledges", verbose_name=_("party organisation"))
    text = models.CharField(_("pledge text"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=PledgeStatus.choices, default=PledgeStatus.OPEN)
    note = models.CharField(_("note"), max_length=300, blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    made_on = models.DateField(_("made on"))
    recorded_on = models.DateField(_("fulfilment recorded on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("party member's pledge")
        verbose_name_plural = _("party members' pledges")

    def __str__(self):
        return self.text


class PartyEntry(JournalEntry):
    """One step of a party-building subject's history — a mobile member, a life session, a course, a
    credit, a post or a pledge —, hash-chained per subject (its kind and key)."""

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveIntegerField(_("object"))
    action = models.CharField(_("action"), max_length=24, choices=PartyAction.choices)

    class Meta:
        ordering = ["kind", "object_id", "seq"]
        verbose_name = _("party-building journal entry")
        verbose_name_plural = _("party-building journal")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "seq"], name="partybuilding_entry_seq")]

    @classmethod
    def chain_of(cls, subject) -> dict:
        return {"kind": subject._meta.model_name, "object_id": subject.pk}

    @classmethod
    def subject_name(cls, subject) -> str:
        return f"partybuilding.{subject._meta.model_name}:{subject.pk}"
