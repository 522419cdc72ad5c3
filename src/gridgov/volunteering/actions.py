"""Every step the volunteering journals record. A value is stored and hashed: never renamed, only added."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteeringAction(models.TextChoices):
    # volunteers
    REQUEST = "request", _("Registration requested")
    REGISTER = "register", _("Registered")
    DECLINE = "decline", _("Registration declined")
    DEACTIVATE = "deactivate", _("Deactivated")
    JOIN_TEAM = "join_team", _("Joined a team")
    # orders
    ORDER = "order", _("Ordered")
    ACCEPT = "accept", _("Accepted")
    REFUSE = "refuse", _("Refused")
    DISPATCH = "dispatch", _("Dispatched")
    PUBLISH = "publish", _("Published for sign-up")
    TAKE = "take", _("Taken")
    CHECK_IN = "check_in", _("Checked in")
    CHECK_OUT = "check_out", _("Checked out")
    VERIFY = "verify", _("Verified")
    RATE = "rate", _("Rated")
    CANCEL = "cancel", _("Cancelled")
    REMIND = "remind", _("Deadline passed: reminder")
    REPUBLISH = "republish", _("Not taken in time: published again")
    # activities
    SIGN_UP = "sign_up", _("Signed up")
    WAIT = "wait", _("Put on the waiting list")
    WITHDRAW = "withdraw", _("Withdrew")
    MOVE_UP = "move_up", _("Moved up from the waiting list")
    NO_SHOW = "no_show", _("Did not come")
    # set-up (menu items, teams, district settings)
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
