"""The facilities pages in the menu: the map and coverage for everyone working in the district,
under "taking part" beside the other services residents use."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import FACILITY_STAFF_ROLES
from gridgov.core.menu import TAKING_PART, Entry, register


def register_entries() -> None:
    register(Entry(_("Facilities and the 15-minute circle"), "facilities", 85,
                   lambda request, scope: bool(scope.roles & FACILITY_STAFF_ROLES),
                   active=("facilities", "facilities-facility", "facilities-coverage", "facilities-standards"),
                   group=TAKING_PART))
