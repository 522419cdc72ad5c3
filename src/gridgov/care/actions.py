"""Every step the care journals record. A value is stored and hashed: never renamed, only added."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CareAction(models.TextChoices):
    # plans
    CREATE = "create", _("Care plan created")
    CHANGE = "change", _("Care plan changed")
    PAUSE = "pause", _("Care plan paused")
    RESUME = "resume", _("Care plan resumed")
    END = "end", _("Care plan ended")
    ADD_GUARDIAN = "add_guardian", _("Guardian added")
    REMOVE_GUARDIAN = "remove_guardian", _("Guardian removed")
    REGISTER_DEVICE = "register_device", _("Device registered")
    ROTATE_KEY = "rotate_key", _("Device key replaced")
    REVOKE_DEVICE = "revoke_device", _("Device revoked")
    # check-ins
    SCHEDULE = "schedule", _("Check-in scheduled")
    CHECK_IN = "check_in", _("Check-in done")
    MISS = "miss", _("Check-in missed")
    CANCEL = "cancel", _("Check-in cancelled")
    # escalations
    OPEN = "open", _("Escalation opened")
    ESCALATE = "escalate", _("Escalated to the next step")
    RESOLVE = "resolve", _("Escalation resolved")
    # district settings
    CONFIGURE = "configure", _("Settings changed")
