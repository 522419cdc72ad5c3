"""The structure browser in the menu, opened at the user's own unit (set by the shell's context)."""
from django.utils.translation import gettext_lazy as _

from gridgov.core.menu import Entry, register


def _home_unit(request):
    return getattr(request, "gridgov_home_unit", None)


def register_entries() -> None:
    register(Entry(_("Structure"), "unit", 80, lambda request, scope: _home_unit(request) is not None,
                   url_args=lambda request: (_home_unit(request).code,)))
