"""People living in the district, their special groups, and the log of every unmasked read."""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core.crypto import EncryptedTextField, keyed_hash, mask_id_number, mask_phone
from gridgov.structure.models import Household, Unit

from .idnumber import validate_id_number

PHONE_RE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")


class SpecialGroup(models.Model):
    """A tag for people who need particular attention: elderly living alone, disabled, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("special group")
        verbose_name_plural = _("special groups")

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(models.Model):
    """A person in the district (实有人口). ``unit`` is where they live (usually a micro-grid) and
    is what scopes them; ID and phone numbers are encrypted, searched by keyed hash, shown masked."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="residents", verbose_name=_("home unit"))
    household = models.ForeignKey(Household, models.SET_NULL, null=True, blank=True, related_name="members",
                                  verbose_name=_("household"))
    special_groups = models.ManyToManyField(SpecialGroup, blank=True, related_name="people", verbose_name=_("special groups"))
    is_party_member = models.BooleanField(_("party member"), default=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                related_name="person", verbose_name=_("account"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("reveal_personal_data", _("Can reveal unmasked ID and phone numbers"))]

    def __str__(self):
        return self.name

    def clean(self):
        if self.id_number:
            try:
                self.id_number = validate_id_number(self.id_number)
            except ValidationError as error:
                raise ValidationError({"id_number": error.messages})
        if self.phone and not PHONE_RE.fullmatch(self.phone):
            raise ValidationError({"phone": _("Enter a mobile number (11 digits) or a landline with area code.")})

    def refresh_hashes(self):
        """Recompute the search hashes; save() does it, bulk loaders call it themselves."""
        self.id_number_hash = keyed_hash(self.id_number) if self.id_number else ""
        self.phone_hash = keyed_hash(self.phone) if self.phone else ""

    def save(self, *args, **kwargs):
        self.refresh_hashes()
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def birth_decade(self) -> int | None:
        """The decade of birth (1960 for 1960–1969): what screens show instead of the birth date,
        which is part of the ID number and would leave its mask almost nothing to hide (see
        ``core.crypto.mask_id_number``). A band fixed to the birth date rather than an age band:
        an age band moves on the birthday, and whoever watches it change learns the date."""
        return self.birth_date.year // 10 * 10 if self.birth_date else None

    def get_birth_decade_display(self) -> str:
        """``1960s`` / ``1960年代``, or an empty string when the birth date is unknown."""
        decade = self.birth_decade
        return _("%(decade)ds") % {"decade": decade} if decade else ""


class RevealLog(models.Model):
    """One unmasked read of a person's ID or phone number, or one exact search by such a number:
    who, which field, when and why; for a reveal whose number, for a search the keyed hash of the
    number searched (never the number: the log must not become a copy of the data it guards) and
    how many people it found. A search belongs to no single person, so its ``person`` is empty."""

    FIELDS = [("id_number", _("ID number")), ("phone", _("phone"))]

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("reveal")
        SEARCH = "search", _("search by number")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="reveals", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.REVEAL)
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="reveals",
                               verbose_name=_("person"))
    field = models.CharField(_("field"), max_length=12, choices=FIELDS)
    reason = models.CharField(_("reason"), max_length=200)
    query_hash = models.CharField(_("searched number (keyed hash)"), max_length=64, blank=True)
    result_count = models.PositiveIntegerField(_("people found"), null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("reveal log entry")
        verbose_name_plural = _("reveal log")
        constraints = [
            models.CheckConstraint(
                name="reveallog_reveal_or_search",
                condition=(models.Q(kind="reveal", person__isnull=False, query_hash="", result_count__isnull=True)
                           | models.Q(kind="search", person__isnull=True, result_count__isnull=False)
                           & ~models.Q(query_hash=""))),
        ]
