"""The deliberation pages in the menu: residents propose and see their community's proposals and
notices; staff run proposals, meetings and matters."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import DELIBERATION_STAFF_ROLES, SELF_ROLES
from gridgov.core.menu import TAKING_PART, Entry, register


def register_entries() -> None:
    register(Entry(_("Proposals"), "deliberation-proposals", 68,
                   lambda request, scope: bool(scope.roles & SELF_ROLES),
                   active=("deliberation-proposals", "deliberation-proposal", "deliberation-propose")))
    register(Entry(_("Meetings"), "deliberation-my-meetings", 69,
                   lambda request, scope: bool(scope.roles & SELF_ROLES), active=("deliberation-my-meetings",)))
    register(Entry(_("Deliberation"), "deliberation-queue", 74,
                   lambda request, scope: bool(scope.roles & DELIBERATION_STAFF_ROLES),
                   active=("deliberation-queue", "deliberation-meetings", "deliberation-meeting",
                           "deliberation-matters", "deliberation-matter"), group=TAKING_PART))
