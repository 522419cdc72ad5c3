"""Template context shared by every page: the signed-in user's scope, home unit and menu."""
from gridgov.accounts.scope import scope_for
from gridgov.core import menu


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    assignment = user.role_assignments.select_related("unit").order_by("unit__code").first()
    request.gridgov_home_unit = assignment.unit if assignment else None
    scope = scope_for(user)
    return {"home_unit": request.gridgov_home_unit, "scope": scope, "menu": menu.entries_for(request, scope)}
