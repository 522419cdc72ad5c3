from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "gridgov.integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from gridgov.accounts.scope import Rule, register

        from .models import Integration

        # An integration's key files cases into its district: it is that district's to manage.
        register(Integration, Rule(district_path="district__code"))
