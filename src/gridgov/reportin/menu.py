"""双报到 in the menu: the community's staff, a unit's liaison and a party member each open it."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import LIAISON_ROLES, PARTICIPATION_STAFF_ROLES, Role
from gridgov.core.menu import TAKING_PART, Entry, register


def shown(request, scope) -> bool:
    return bool(scope.roles & (PARTICIPATION_STAFF_ROLES | LIAISON_ROLES | {Role.PARTY_MEMBER}))


def register_entries() -> None:
    register(Entry(_("Report-in (双报到)"), "reportin-home", 75, shown, active=("reportin",), group=TAKING_PART))
