from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimebankConfig(AppConfig):
    name = "gridgov.timebank"
    verbose_name = _("Points and time bank")

    def ready(self):
        from gridgov.core import figures

        from . import menu, scoping
        from .services.figures import FIGURE_SET

        scoping.register_rules()
        menu.register_entries()
        figures.register(FIGURE_SET)
        # Points expiry runs in the worker as the ledger's own job ("points-expiry", registered in
        # ledger/apps.py); this app only lets district administrators set the rule.
