from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportinConfig(AppConfig):
    name = "gridgov.reportin"
    verbose_name = _("Report-in (双报到)")
