from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The shell: where each user lands, signing in, and the menu every page shows. It sits on the
    top floor because it knows every role and every app's pages; the kernel below it knows none."""

    name = "gridgov.home"
    verbose_name = _("Home")

    def ready(self):
        from . import menu

        menu.register_entries()

        from django.contrib import admin

        from .forms import AdminLoginForm

        # The back office's sign-in is throttled like the web's.
        admin.site.login_form = AdminLoginForm
