"""Other systems that file cases into a district: Open311 apps and the 12345 hotline.

Each integration has its own API key (only its SHA-256 is stored; the key is shown once when
issued) and belongs to one district, so a key can only ever file cases there.
"""
import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet


class Kind(models.TextChoices):
    OPEN311 = "open311", _("Open311 GeoReport v2 client")
    HOTLINE = "hotline", _("12345 hotline")


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Integration(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    district = models.ForeignKey("structure.Unit", models.PROTECT, related_name="integrations",
                                 verbose_name=_("district"), limit_choices_to={"kind": "district"})
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(_("key starts with"), max_length=8, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def issue_key(self) -> str:
        """Set a new random key and return it; the old one stops working."""
        key = secrets.token_urlsafe(24)
        self.key_digest, self.key_hint = digest(key), key[:6]
        return key

    @classmethod
    def for_key(cls, key: str, kind: str):
        """The active integration of ``kind`` with this key, or None."""
        if not key:
            return None
        return cls.objects.select_related("district").filter(key_digest=digest(key), kind=kind, active=True).first()
