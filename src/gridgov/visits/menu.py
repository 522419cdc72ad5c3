"""The visits pages in the menu: grid workers' planned visits on the phone, the staff's rules,
coverage, receptions, promises and contact points."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import CARE_STAFF_ROLES, FIELD_ROLES
from gridgov.core.menu import TAKING_PART, Entry, register


def register_entries() -> None:
    register(Entry(_("Visits"), "visits-mine", 63, lambda request, scope: bool(scope.roles & FIELD_ROLES),
                   active=("visits-mine", "visits-visit", "visits-record")))
    register(Entry(_("Visits and receptions"), "visits-staff", 77,
                   lambda request, scope: bool(scope.roles & CARE_STAFF_ROLES),
                   active=("visits-staff", "visits-receptions", "visits-promises", "visits-cadre"), group=TAKING_PART))
