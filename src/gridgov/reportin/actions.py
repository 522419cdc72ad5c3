"""Every step the 双报到 journal can hold. A value is what ``ReportinEntry.action`` stores and its
hash covers: never renamed, only added."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportinAction(models.TextChoices):
    REGISTER_UNIT = "register_unit", _("Unit registered")
    RENEW_UNIT = "renew_unit", _("Unit registration renewed")
    WITHDRAW_UNIT = "withdraw_unit", _("Unit withdrawn")
    APPOINT_LIAISON = "appoint_liaison", _("Liaison appointed")
    REMOVE_LIAISON = "remove_liaison", _("Liaison removed")
    PLEDGE = "pledge", _("Resource pledged")
    WITHDRAW_PLEDGE = "withdraw_pledge", _("Pledge withdrawn")
    ADD_EMPLOYER = "add_employer", _("Employer organisation added")
    REGISTER_MEMBER = "register_member", _("Member registered")
    END_MEMBER = "end_member", _("Member registration ended")
    CREATE_REPORT = "create_report", _("Report drafted")
    SEND_REPORT = "send_report", _("Report sent")
    ACKNOWLEDGE_REPORT = "acknowledge_report", _("Report acknowledged")
    SET_TARGET = "set_target", _("Target set")
