"""Every step the party-building journal records. A value is stored and hashed: never renamed, only added."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyAction(models.TextChoices):
    # kite plan (风筝计划)
    REGISTER_MOBILE = "register_mobile", _("Mobile member registered")
    CONTACT = "contact", _("Contact recorded")
    RETURN = "return", _("Returned home")
    NOT_CONTACTED = "not_contacted", _("Not contacted in time")
    # organisation life and training
    CREATE = "create", _("Created")
    ADD_SESSION = "add_session", _("Session added")
    ATTEND = "attend", _("Attendance recorded")
    RESULT = "result", _("Test result recorded")
    GRANT = "grant", _("Credit granted")
    EXPIRING = "expiring", _("Credit expiring soon")
    EXPIRE = "expire", _("Credit expired")
    # vanguard posts and pledges
    ASSIGN = "assign", _("Holder assigned")
    VACATE = "vacate", _("Holder left the post")
    PLEDGE = "pledge", _("Pledge made")
    DUE_SOON = "due_soon", _("Pledge due soon")
    FULFIL = "fulfil", _("Pledge fulfilled")
    NOT_FULFIL = "not_fulfil", _("Pledge not fulfilled")
