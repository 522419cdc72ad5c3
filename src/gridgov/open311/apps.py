from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "gridgov.open311"
    verbose_name = _("Open311")

    def ready(self):
        from gridgov.accounts.scope import Rule, register

        from .models import ServiceRequest

        # What an Open311 client sent with a case (its e-mail address among it) is seen with the case.
        register(ServiceRequest, Rule(unit_path="case__unit__code", personal=True))
