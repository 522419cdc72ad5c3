"""Every step the visits journals record. A value is stored and hashed: never renamed, only added."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitsAction(models.TextChoices):
    # visits
    PLAN = "plan", _("Planned")
    RECORD = "record", _("Visit recorded")
    CANCEL = "cancel", _("Visit cancelled")
    FILE_CASE = "file_case", _("Case filed from the finding")
    MARK_NEED = "mark_need", _("Marked as a need for micro-projects")
    DUE_SOON = "due_soon", _("Coming due")
    OVERDUE = "overdue", _("Overdue")
    # promises
    PROMISE = "promise", _("Promise made")
    DECIDE = "decide", _("Promise decided")
    # receptions
    RECEIVE = "receive", _("Walk-in received")
    # set-up (rules, reception hours, contact points)
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
