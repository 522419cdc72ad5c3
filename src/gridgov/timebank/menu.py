"""The time bank in the menu: a resident's own points and minutes, the staff's community overview."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import PARTICIPATION_STAFF_ROLES, SELF_ROLES
from gridgov.core.menu import TAKING_PART, Entry, register


def register_entries() -> None:
    register(Entry(_("My points and time bank"), "timebank-mine", 62,
                   lambda request, scope: bool(scope.roles & SELF_ROLES), active=("timebank-mine", "timebank-account")))
    register(Entry(_("Time bank"), "timebank-communities", 72,
                   lambda request, scope: bool(scope.roles & PARTICIPATION_STAFF_ROLES),
                   active=("timebank-communit", "timebank-expiry"), group=TAKING_PART))
