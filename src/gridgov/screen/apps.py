from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreenConfig(AppConfig):
    name = "gridgov.screen"
    verbose_name = _("Command screen")

    def ready(self):
        from . import menu

        menu.register_entries()
