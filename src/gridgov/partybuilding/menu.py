"""The party-building pages in the menu: a party member's own (credits, courses, pledges) and the
party organisations' staff pages."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import PARTY_STAFF_ROLES, Role
from gridgov.core.menu import TAKING_PART, Entry, register


def register_entries() -> None:
    register(Entry(_("My party building"), "partybuilding-me", 64,
                   lambda request, scope: Role.PARTY_MEMBER in scope.roles))
    register(Entry(_("Party building"), "partybuilding-home", 78,
                   lambda request, scope: bool(scope.roles & PARTY_STAFF_ROLES),
                   active=("partybuilding-home", "partybuilding-org", "partybuilding-kite", "partybuilding-life", "partybuilding-course",
                           "partybuilding-post"), group=TAKING_PART))
