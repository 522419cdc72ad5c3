from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartybuildingConfig(AppConfig):
    name = "gridgov.partybuilding"
    verbose_name = _("Party building")
