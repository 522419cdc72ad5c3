"""The kernel's own record: :class:`BackOfficeEntry`, the journal of back-office (admin) edits.

The abstract journal itself is in :mod:`gridgov.core.journal`; this is one concrete use of it.
"""
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .journal import JournalEntry


class Stamp(models.Model):
    """A version number by name (``core.stamps``)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("version stamp")
        verbose_name_plural = _("version stamps")

    def __str__(self):
        return f"{self.name} {self.version}"


class JobLease(models.Model):
    """Which worker process runs a background job, until when (``core.jobs``): taken atomically,
    renewed while the job runs, left to expire when its holder dies."""

    name = models.CharField(_("job"), max_length=60, unique=True)
    holder = models.CharField(_("held by"), max_length=120, blank=True)
    expires_at = models.DateTimeField(_("held until"))

    class Meta:
        verbose_name = _("job lease")
        verbose_name_plural = _("job leases")

    def __str__(self):
        return f"{self.name} {self.holder}"


class BackOfficeAction(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")


class BackOfficeEntry(JournalEntry):
    """One back-office edit of a governed object, chained per object (its model and key), so an
    edit made behind the services' back is on record and the record cannot be quietly changed.
    ``data["fields"]`` names the fields an edit changed — their names, never their values, which may
    be personal data kept encrypted in the object's own table."""

    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+", verbose_name=_("kind"))
    object_id = models.CharField(_("object"), max_length=64)
    action = models.CharField(_("action"), max_length=24, choices=BackOfficeAction.choices)

    class Meta:
        ordering = ["content_type", "object_id", "seq"]
        verbose_name = _("back-office entry")
        verbose_name_plural = _("back-office journal")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "seq"],
                                               name="backoffice_sequence")]

    @classmethod
    def chain_of(cls, subject) -> dict:
        return {"content_type": ContentType.objects.get_for_model(subject), "object_id": str(subject.pk)}

    @classmethod
    def subject_name(cls, subject) -> str:
        return f"{subject._meta.concrete_model._meta.label_lower}:{subject.pk}"
