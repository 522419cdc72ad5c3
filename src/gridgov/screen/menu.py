"""The command screen in the menu, for those who may open it."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import SCREEN_ROLES
from gridgov.core.menu import Entry, register


def register_entries() -> None:
    register(Entry(_("Command screen"), "screen", 40, lambda request, scope: scope.has_role(*SCREEN_ROLES)))
