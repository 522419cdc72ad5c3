"""The in-app inbox. External channels (SMS, WeChat) are adapters in ``channels.py``.

A notification is about a **target**: any object with a page (a case, a unit, tomorrow a project
of another app), referred to by its model and key, so that any app can notify about its own
objects. The inbox links to the target's ``get_absolute_url()``.
"""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
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
    SERVICE = "service", _("Service order")
    SHOP = "shop", _("Points shop")
    DELIBERATION = "deliberation", _("Proposals and meetings")
    PROJECT = "project", _("Micro-projects")
    CARE = "care", _("Care")
    VISIT = "visit", _("Visits")
    PARTY = "party", _("Party building")


class NotificationQuerySet(models.QuerySet):
    def about(self, target):
        """The notifications about ``target`` (``Notification.objects.about(case)``)."""
        return self.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications",
                             verbose_name=_("user"))
    target_type = models.ForeignKey(ContentType, models.CASCADE, null=True, blank=True, related_name="+",
                                    verbose_name=_("about (kind)"))
    #: The target's key: every gridgov model has an integer one (``DEFAULT_AUTO_FIELD``).
    target_id = models.PositiveBigIntegerField(_("about (key)"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    at = models.DateTimeField(_("time"), default=clock.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="inbox"),
                   models.Index(fields=["target_type", "target_id"], name="notification_target")]

    def __str__(self):
        return self.text

    @property
    def url(self) -> str:
        """Where the notification leads: its target's page ("" without a target, or one without a page)."""
        target = self.target
        return target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
