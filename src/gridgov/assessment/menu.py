"""Assessment's pages in the menu: every staff role and department is assessed and reads its figures."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import WORKING_ROLES
from gridgov.core.menu import Entry, register


def register_entries() -> None:
    register(Entry(_("Assessment"), "assessment", 30,
                   lambda request, scope: scope.has_role(*WORKING_ROLES), active=("assessment",)))
