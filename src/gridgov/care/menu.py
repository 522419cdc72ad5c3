"""The care pages in the menu: the grid worker's "today" on a phone, the staff's plans and board."""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.accounts.roles import CARE_STAFF_ROLES, FIELD_ROLES
from gridgov.core.menu import TAKING_PART, Entry, register


def register_entries() -> None:
    register(Entry(_("Today's care"), "care-today", 62, lambda request, scope: bool(scope.roles & FIELD_ROLES)))
    register(Entry(pgettext_lazy("care app", "Care"), "care-plans", 76, lambda request, scope: bool(scope.roles & CARE_STAFF_ROLES),
                   active=("care-plan", "care-board", "care-coverage", "care-person"), group=TAKING_PART))
