from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "gridgov.ledger"
    verbose_name = _("Ledger")

    def ready(self):
        from gridgov.core import jobs

        from .services import expire_everywhere

        jobs.register("points-expiry", expire_everywhere)
