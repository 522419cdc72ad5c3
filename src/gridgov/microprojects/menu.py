"""The micro-project pages in the menu: residents see the projects serving them (and evaluate),
the community's staff, its street and district run the lists and the projects."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import DELIBERATION_STAFF_ROLES, SELF_ROLES
from gridgov.core.menu import TAKING_PART, Entry, register


def register_entries() -> None:
    register(Entry(_("Community projects"), "microprojects-mine", 70,
                   lambda request, scope: bool(scope.roles & SELF_ROLES), active=("microprojects-mine",)))
    register(Entry(_("Micro-projects"), "microprojects-home", 75,
                   lambda request, scope: bool(scope.roles & DELIBERATION_STAFF_ROLES),
                   active=("microprojects-home", "microprojects-need", "microprojects-project",
                           "microprojects-overview", "microprojects-settings"), group=TAKING_PART))
