from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gridgov.core"
    verbose_name = _("Core")

    def ready(self):
        from django.core.signals import request_started

        from . import checks  # noqa: F401 (registers the key checks)
        from .stamps import new_round

        # Each request reads the version stamps afresh (once, lazily): caches see other processes' edits.
        request_started.connect(new_round, dispatch_uid="core_stamps_new_round")
