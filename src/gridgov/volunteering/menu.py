"""The volunteering pages in the menu: residents order services, volunteers find tasks, staff run
the community's queue."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import GRID_ROLES, PARTICIPATION_STAFF_ROLES, SELF_ROLES
from gridgov.core.menu import TAKING_PART, Entry, register


def register_entries() -> None:
    register(Entry(_("Services"), "volunteering-services", 65,
                   lambda request, scope: bool(scope.roles & SELF_ROLES), active=("volunteering-service",)))
    register(Entry(_("Volunteer tasks"), "volunteering-tasks", 66,
                   lambda request, scope: bool(scope.roles & SELF_ROLES), active=("volunteering-task",)))
    register(Entry(_("Order for a resident"), "volunteering-order-for", 67,
                   lambda request, scope: bool(scope.roles & GRID_ROLES)))
    register(Entry(_("Volunteering"), "volunteering-queue", 73,
                   lambda request, scope: bool(scope.roles & PARTICIPATION_STAFF_ROLES),
                   active=("volunteering-queue", "volunteering-staff"), group=TAKING_PART))
