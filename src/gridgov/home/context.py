"""Template context shared by every page: the signed-in user's scope, home unit and menu, and for the
district's administrators and dispatchers, from October, whether next year's holiday schedule is missing."""
from django.utils import timezone

from gridgov.accounts.roles import DISTRICT_ROLES
from gridgov.accounts.scope import scope_for
from gridgov.core import clock, menu
from gridgov.workdays.services import unconfirmed_next_year


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    assignment = user.role_assignments.select_related("unit").order_by("unit__code").first()
    request.gridgov_home_unit = assignment.unit if assignment else None
    scope = scope_for(user)
    return {"home_unit": request.gridgov_home_unit, "scope": scope, "menu": menu.entries_for(request, scope),
            "unconfirmed_year": unconfirmed_next_year(timezone.localdate(clock.now()))
            if scope.roles & DISTRICT_ROLES else None}
