"""Template context shared by every page: the signed-in user's roles and home unit."""
from gridgov.accounts.scope import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    assignment = user.role_assignments.select_related("unit").order_by("unit__code").first()
    return {"home_unit": assignment.unit if assignment else None, "scope": scope_for(user)}
