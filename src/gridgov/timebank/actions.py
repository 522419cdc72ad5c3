"""What the time bank's journals record. The values are stored and hashed: never renamed, only added."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimebankAction(models.TextChoices):
    DONATE = "donate", _("Donated minutes to a family member")
    TRANSFER = "transfer", _("Transferred minutes to another community")
    MOVE_MEMBER = "move_member", _("Moved a member's minutes to another community")
    FUND = "fund", _("Funded a community's time bank")
    SET_EXPIRY = "set_expiry", _("Set the points expiry rule")
