"""The back office in the menu, for staff accounts."""
from django.utils.translation import gettext_lazy as _

from gridgov.core.menu import Entry, register


def register_entries() -> None:
    register(Entry(_("Back office"), "admin:index", 100, lambda request, scope: request.user.is_staff))
