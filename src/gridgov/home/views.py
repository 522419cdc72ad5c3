from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from gridgov.accounts.models import Role
from gridgov.structure.models import Unit

from .forms import LoginForm

# Where each role's work is: the first of the user's roles in this order decides.
LANDING = [
    (Role.DISTRICT_ADMIN, None),
    (Role.DISTRICT_DISPATCHER, "case-queues"),
    (Role.STREET_DISPATCHER, "case-queues"),
    (Role.DEPARTMENT_STAFF, "department-inbox"),
    (Role.COMMUNITY_STAFF, None),
    (Role.GRID_LEADER, "my-tasks"),
    (Role.GRID_WORKER, "my-tasks"),
    (Role.RESIDENT, "my-cases"),
    (Role.PARTY_MEMBER, "my-cases"),
]


@login_required
def home(request):
    """Send each user to their work: dispatchers to their queues, grid workers to their tasks,
    departments to their inbox, residents to their cases; administrators and community staff to
    the top of their scope's structure."""
    assignments = list(request.user.role_assignments.select_related("unit").order_by("unit__code"))
    roles = {a.role: a for a in assignments}
    for role, page in LANDING:
        if role in roles:
            return redirect(page) if page else redirect("unit", code=roles[role].unit.code)
    if request.user.is_superuser:
        district = Unit.objects.filter(kind="district").first()
        if district:
            return redirect("unit", code=district.code)
    return render(request, "home/no_role.html")


class LoginView(auth_views.LoginView):
    """Django's sign-in page with the throttled form; a locked-out attempt answers 429."""

    form_class = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.refused:
            response.status_code = 429
        return response
