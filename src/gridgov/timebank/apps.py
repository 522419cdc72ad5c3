from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimebankConfig(AppConfig):
    name = "gridgov.timebank"
    verbose_name = _("Points and time bank")
