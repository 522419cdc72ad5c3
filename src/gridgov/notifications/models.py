"""The in-app inbox. External channels (SMS, WeChat) are adapters in ``channels.py``."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock


class Kind(models.TextChoices):
    DISPATCH = "dispatch", _("New dispatch")
    NEAR_DUE = "near_due", _("Near due")
    OVERDUE = "overdue", _("Overdue")
    WHISTLE = "whistle", _("Whistle")
    RETURNED = "returned", _("Returned")
    SUPERVISED = "supervised", _("Supervised")
    PROGRESS = "progress", _("Case progress")
    QUEUE = "queue", _("New in your queue")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications",
                             verbose_name=_("user"))
    case = models.ForeignKey("cases.Case", models.CASCADE, null=True, blank=True, related_name="notifications",
                             verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    at = models.DateTimeField(_("time"), default=clock.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="inbox")]

    def __str__(self):
        return self.text
