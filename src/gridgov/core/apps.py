from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gridgov.core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib import admin

        from . import checks  # noqa: F401 (registers the key checks)
        from .forms import AdminLoginForm

        # The back office's sign-in is throttled like the web's.
        admin.site.login_form = AdminLoginForm
