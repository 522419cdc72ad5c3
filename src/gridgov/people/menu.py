"""The people pages in the menu, for those whose scope holds people."""
from django.utils.translation import gettext_lazy as _

from gridgov.core.menu import Entry, register


def register_entries() -> None:
    register(Entry(_("People"), "people", 90, lambda request, scope: bool(scope.people_codes or scope.everything),
                   active=("people", "person")))
