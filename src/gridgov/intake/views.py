"""The hot-spot page (未诉先办 / 每月一题): a district's recurring problems — the same category
reported again and again in the same place — hottest first, each with its heat figures and its
cases, over a window the user chooses.

It shows :func:`~gridgov.intake.hotspots.visible_hotspots`, the same figures as ``GET
/api/v1/intake/hotspots``, counted over the cases the user may see: a street dispatcher gets its
street's hot spots. It is for the people who dispatch (district administrators and dispatchers,
street dispatchers, community staff); anyone else gets 403, and a unit outside the user's scope 404.
"""
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.roles import DISPATCH_ROLES
from gridgov.accounts.scope import scope_for
from gridgov.structure.models import Unit, UnitKind

from . import hotspots as hot
from .models import IntakeSettings

WINDOWS = (7, 14, 30, 60, 90, 180)


class HotspotFilter(forms.Form):
    unit = forms.RegexField(r"^\d{6,18}$", required=False, label=gettext_lazy("Where"),
                            error_messages={"invalid": gettext_lazy("Choose a unit from the list.")})
    days = forms.IntegerField(min_value=1, max_value=366, required=False, label=gettext_lazy("Window"),
                              error_messages={"invalid": gettext_lazy("Give the window as a number of days.")})


def _places(user, place: Unit):
    """The units the page offers to narrow to: where the user dispatches and the units just below
    (streets, communities or grids), as their scope shows them."""
    if user.is_superuser:
        roots = list(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("code", flat=True))
    else:
        roots = scope_for(user).units_of(DISPATCH_ROLES)
    units = (Unit.objects.visible_to(user).filter(Q(code__in=roots) | Q(parent__code__in=roots) | Q(pk=place.pk))
             .exclude(kind=UnitKind.MICROGRID).order_by("code"))
    return list(units)


@login_required
def hotspot_page(request):
    user = request.user
    if not (user.is_superuser or scope_for(user).roles & DISPATCH_ROLES):
        raise PermissionDenied(_("Only dispatchers and community staff see hot spots."))
    form = HotspotFilter(request.GET)
    context = {"form": form, "windows": WINDOWS}
    if not form.is_valid():
        context["reasons"] = [message for messages in form.errors.values() for message in messages]
        return render(request, "intake/hotspots.html", context, status=400)
    unit_code = form.cleaned_data["unit"] or None
    if unit_code is None and user.is_superuser:  # no district of their own: the first one
        unit_code = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code").values_list("code", flat=True).first()
    try:
        place = hot.place_for(user, unit_code)
    except ValidationError as error:
        context["reasons"] = error.messages
        return render(request, "intake/hotspots.html", context, status=400)
    settings = IntakeSettings.for_district(place.district_code)
    days = form.cleaned_data["days"] or settings.hotspot_window_days
    found = hot.visible_hotspots(user, place, days)
    context.update(place=place, places=_places(user, place), days=days, hotspots=found,
                   min_reports=settings.hotspot_min_reports, cell_m=settings.hotspot_cell_m,
                   top_heat=max((spot.heat for spot in found), default=0),
                   windows=sorted(set(WINDOWS) | {days}))
    return render(request, "intake/hotspots.html", context)
