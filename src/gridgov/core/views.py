from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from gridgov.structure.models import Unit


@login_required
def home(request):
    """Send each user to the top of their scope: the unit of their first role."""
    assignment = request.user.role_assignments.select_related("unit").order_by("unit__code").first()
    if assignment:
        return redirect("unit", code=assignment.unit.code)
    if request.user.is_superuser:
        district = Unit.objects.filter(kind="district").first()
        if district:
            return redirect("unit", code=district.code)
    return render(request, "core/no_role.html")
