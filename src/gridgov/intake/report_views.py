"""Reporting a problem (一键响应): one form for a resident on their phone and for a grid worker on
patrol, and the district map the place is picked on. It lives in intake, not in the case engine,
because it is a channel feeding the engine (a floor above it); its address stays ``/cases/report/``.

The form files through intake's :func:`~gridgov.intake.services.file_report`, as the API's
``POST /api/v1/intake/reports`` does: a category the reporter chose routes as usual; one the screen
pre-filled from the classifier's suggestion and the reporter kept is the platform's choice, routing
itself only at or above the district's threshold. While the reporter writes, three helpers answer
fragments of the page (htmx): the suggested category with its confidence (``classify.suggest``, as
``/api/v1/intake/suggest``), “already reported?” (``duplicates.similar_for_report``, as
``/api/v1/intake/similar``) and joining one of those cases instead (``duplicates.join``, as
``/api/v1/intake/cases/{code}/join``).

The map around the place (``around.py``) answers two more: what is inside the box the reporter
looks at (roads, compounds, buildings and open reports, ``places.json``) and the address search
(``address/``). A resident also sees whom to call: the grid worker of their home.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.contacts import my_grid_worker
from gridgov.accounts.scope import scope_for
from gridgov.cases.forms import ReportDraftForm, ReportForm
from gridgov.cases.models import Channel
from gridgov.cases.services.callers import channel_and_reporter, default_channel
from gridgov.cases.views.base import is_htmx, user_district
from gridgov.structure.models import Unit, UnitKind

from . import around, classify, duplicates
from .services import file_report


def _channel(user) -> str:
    """The channel the API would name for this user (``callers.default_channel``: residents the
    app, grid staff their patrol); nobody else files cases through this form (the hotline and the
    dispatchers' own screens have their intake)."""
    channel = default_channel(user)
    if channel == Channel.OTHER:
        raise PermissionDenied(_("Only residents and grid workers report problems here."))
    return channel


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
                channel, reporter = channel_and_reporter(request.user, channel)
                case = file_report(
                    district=district, channel=channel, title=data["title"], category=data["category"],
                    suggested=data["suggested"], description=data["description"], lat=data["lat"], lng=data["lng"],
                    address=data["address"], reporter=reporter, reported_by=request.user, photos=data["photos"],
                    close_now=data.get("close_now", False), handling_note=data.get("handling_note", "")).case
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Reported as case %(code)s. You can follow it here.") % {"code": case.code})
                return redirect("case", code=case.code)
    return render(request, "cases/report.html", {
        "form": form, "patrol": patrol, "district": district,
        "grid_contact": None if patrol else my_grid_worker(request.user)}, status=400 if posted else 200)


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


@login_required
def report_places(request):
    """What the map draws inside ``?box=west,south,east,north`` (``around.places``): 400 with
    the reason for a box that is not one."""
    _channel(request.user)
    try:
        area = around.parse_box(request.GET.get("box", ""))
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=400)
    return JsonResponse(around.places(request.user, user_district(request.user).code, area))


@login_required
def report_address(request):
    """The address search: ``?q=`` → candidate places, each with a point to drop the pin on."""
    _channel(request.user)
    candidates = around.address_candidates(user_district(request.user).code, request.GET.get("q", ""))
    return JsonResponse({"candidates": candidates})


# -- the helpers while the reporter writes (htmx fragments) ---------------------------------------
def _draft(request):
    """(channel, the form's content so far, None) — or a 400 fragment with the reasons as the last
    item when the content is not sound. Only those who report here get an answer (403 otherwise)."""
    channel = _channel(request.user)
    draft = ReportDraftForm(request.POST, request.FILES)
    if draft.is_valid():
        return channel, draft.cleaned_data, None
    reasons = [message for messages_ in draft.errors.values() for message in messages_]
    return channel, None, render(request, "cases/_report_refused.html", {"reasons": reasons}, status=400)


@login_required
@require_POST
def report_suggest(request):
    """The classifier's likeliest categories for the title and details, with their confidence; the
    page pre-fills the first unless the reporter chose a category themselves."""
    _ignored, data, refused = _draft(request)
    if refused:
        return refused
    text = (data["title"] + data["description"]).strip()
    suggestions = classify.suggest(data["title"], data["description"]) if text else None
    return render(request, "cases/_report_suggest.html", {"suggestions": suggestions, "written": bool(text)})


@login_required
@require_POST
def report_similar(request):
    """“Already reported?”: open cases of the chosen or a related category, recent, near the place
    given and with similar words — for a resident only where they are, and in the public form the
    service gives them (``duplicates.similar_for_report``). Each opens (its page where the user's
    scope allows, else its public progress shown in place), and a resident may join one, a grid
    worker add their observation to it, instead of filing a new case — never their own report."""
    channel, data, refused = _draft(request)
    if refused:
        return refused
    found = []
    if data["category"] and data["title"].strip():
        found = duplicates.similar_for_report(
            request.user, user_district(request.user).code, data["category"], title=data["title"],
            description=data["description"], lat=data["lat"], lng=data["lng"], address=data["address"])
    return render(request, "cases/_report_similar.html", {"found": found, "patrol": channel == Channel.PATROL})


@login_required
@require_POST
def report_join(request, code):
    """“Me too”: the resident's report (or the grid worker's observation, with its photos) joins an
    open case ``similar_for_report`` offered, instead of becoming a new one; they then follow that
    case (its page opens: in its public form for a resident)."""
    _ignored, data, refused = _draft(request)
    if refused:
        return refused
    master = duplicates.joinable(request.user, code)
    try:
        duplicates.join(request.user, master, title=data["title"], description=data["description"], lat=data["lat"],
                        lng=data["lng"], address=data["address"], photos=data["photos"])
    except ValidationError as error:
        return render(request, "cases/_report_refused.html", {"reasons": error.messages}, status=400)
    except PermissionDenied as error:
        return render(request, "cases/_report_refused.html",
                      {"reasons": [str(error) or _("You are not allowed to do this.")]}, status=403)
    messages.success(request, _("You now follow case %(code)s: you will be told of its progress.")
                     % {"code": master.code})
    target = reverse("case", args=[master.code])
    if is_htmx(request):
        return HttpResponse(headers={"HX-Redirect": target})
    return redirect(target)
