"""Reporting a problem (一键响应): one form for a resident on their phone and for a grid worker on
patrol, and the district map the place is picked on."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridgov.accounts.scope import SELF_ROLES, scope_for
from gridgov.people.models import Person
from gridgov.structure.models import Unit, UnitKind

from ..forms import ReportForm
from ..models import Channel
from ..services import actors, intake
from .base import user_district


def _channel(user) -> str:
    """Grid workers report from patrol, residents and party members from the app; nobody else
    files cases through this form (the hotline has its own intake)."""
    roles = scope_for(user).roles
    if roles & actors.GRID_ROLES:
        return Channel.PATROL
    if roles & SELF_ROLES:
        return Channel.APP
    raise PermissionDenied(_("Only residents and grid workers report problems here."))


@login_required
def report(request):
    channel = _channel(request.user)
    district = user_district(request.user)
    patrol = channel == Channel.PATROL
    posted = request.method == "POST"
    form = ReportForm(request.POST, request.FILES, patrol=patrol) if posted else ReportForm(patrol=patrol)
    if posted:
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = intake.report(
                    district=district, channel=channel, title=data["title"], category=data["category"],
                    description=data["description"], lat=data["lat"], lng=data["lng"], address=data["address"],
                    reporter=None if patrol else Person.objects.filter(user=request.user).first(),
                    reported_by=request.user, photos=data["photos"], close_now=data.get("close_now", False),
                    handling_note=data.get("handling_note", ""))
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Reported as case %(code)s. You can follow it here.") % {"code": case.code})
                return redirect("case", code=case.code)
    return render(request, "cases/report.html", {"form": form, "patrol": patrol, "district": district},
                  status=400 if posted else 200)


@login_required
def report_map(request):
    """The district outline and its grids, names and shapes only (structure is not personal data),
    so that anyone who reports can point at the place; the user's own grids are marked."""
    district = user_district(request.user)
    own = scope_for(request.user).structure_codes
    grids = Unit.objects.filter(district_code=district.code, kind=UnitKind.GRID, boundary__isnull=False) \
        .only("code", "kind", "short_name", "boundary")

    def feature(unit, mine=False):
        return {"type": "Feature", "id": unit.code, "geometry": unit.boundary,
                "properties": {"code": unit.code, "name": unit.short_name, "kind": unit.kind, "own": mine}}

    features = [feature(district)] if district.boundary else []
    features += [feature(grid, any(grid.code.startswith(code) or code.startswith(grid.code) for code in own))
                 for grid in grids]
    return JsonResponse({"type": "FeatureCollection", "features": features})
