"""The command screen (一屏统调): the page, and the JSON its script draws and refreshes every minute.

The page is only the frame; everything on it comes from ``data.json`` (``services.screen_data``).
Both answer through the scope: a unit outside it is 404, a user without a screen role 403.
"""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache

from gridgov.core.errors import NotFound

from . import services

REFRESH_SECONDS = 60
#: Hot spots are fetched with every this many refreshes (they change slowly and cost the most).
HOTSPOT_REFRESHES = 5


def labels() -> dict:
    """The words screen.js writes into the page, in the user's language. ``%s`` stands for a
    number or a name."""
    return {
        "noData": _("No data"),
        "openCases": _("Open cases"),
        "red": _("Overdue (red)"),
        "yellow": _("Warning (yellow)"),
        "intakeToday": _("Reported today"),
        "reportedMonth": _("Reported this month"),
        "closedMonth": _("Closed this month"),
        "score": _("Composite score"),
        "vsPrevious": _("last month %s"),
        "reported": pgettext("trend of cases", "Reported"),
        "closed": pgettext("trend of cases", "Closed"),
        "cases": _("%s cases"),
        "hours": _("%s h"),
        "days": _("%s days"),
        "overdueBy": _("overdue %s"),
        "reports": _("%s reports"),
        "reporters": _("%s reporters"),
        "rising": _("rising"),
        "fading": _("fading"),
        "noOverdue": _("No overdue cases"),
        "noHotspots": _("No hot spots"),
        "noBoundaries": _("These units have no recorded boundaries, so there is no map."),
        "error": _("The data could not be loaded."),
        "updated": _("Updated %s"),
        "stale": _("Could not refresh; showing the data of %s."),
        "rankingOf": _("%s ranked by composite score"),
        "mapOf": _("%(kind)s by %(figure)s, %(period)s"),
        "regionKind": {
            "street": _("Streets / towns"), "community": _("Communities / villages"), "grid": _("Grids"),
            "microgrid": _("Micro-grids"), "district": _("District"),
        },
    }


@login_required
def screen(request, code=None):
    """The screen of the user's own unit (``/screen/``) or of a unit below it."""
    user = request.user
    unit = services.unit_for(user, code) if code else services.root_unit(user)
    try:
        figure = services.check_figure(request.GET.get("figure"))
    except ValidationError:
        figure = services.DEFAULT_FIGURE
    return render(request, "screen/screen.html", {
        "unit": unit,
        "figure": figure,
        "figures": services.figure_choices(),
        "refresh_seconds": REFRESH_SECONDS,
        "hotspot_refreshes": HOTSPOT_REFRESHES,
        "labels": labels(),
        "time_zone": settings.TIME_ZONE,
    })


def _error(message, status):
    return JsonResponse({"detail": str(message)}, status=status)


@never_cache
def screen_data(request, code):
    """Everything the screen draws, as JSON (``?figure=`` a rate figure colours the map;
    ``?hotspots=0`` leaves the hot spots out); errors as ``{"detail": …}`` (401, 403, 404, 400)."""
    user = request.user
    if not user.is_authenticated:
        return _error(_("Sign in to see the command screen."), 401)
    try:
        unit = services.unit_for(user, code)
        data = services.screen_data(user, unit, request.GET.get("figure"),
                                    with_hotspots=request.GET.get("hotspots") != "0")
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    except PermissionDenied as refused:
        return _error(refused, 403)
    except NotFound:
        return _error(_("No such unit in your scope."), 404)
    except ValidationError as invalid:
        return _error(" ".join(invalid.messages), 400)
