"""A unit's coverage map and figures, the JSON the map draws, the progress of a run and the district
administrator's "recompute now"; and the unit page's facilities section."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import FACILITY_STANDARD_ROLES
from gridgov.accounts.scope import may
from gridgov.structure.models import UnitKind

from ..models import CoverageRun
from ..services import compliance, coverage, maps, networks, recompute, standards
from ..services.common import district_of
from .common import unit as unit_of


def _kind_value(request):
    return request.GET.get("kind") or ""


@login_required
def page(request, code):
    unit = unit_of(request, code)
    district = district_of(unit)
    try:
        kind, _kinds = maps.chosen_kinds(district.code, _kind_value(request))
    except ValidationError as error:
        return render(request, "400.html", {"exception": " ".join(error.messages)}, status=400)
    run = coverage.latest(district.code)
    return render(request, "facilities/coverage.html", {
        "unit": unit, "district": district, "kinds": maps.kinds_of(district.code), "kind": kind,
        "kind_value": kind.pk if kind else maps.RESPONSE, "run": run, "network": networks.current(district.code),
        "rows": maps.coverage_rows(request.user, run, kind, unit),
        "without_path": maps.without_path(request.user, run, kind, unit),
        "max_snap": standards.settings_for(district).max_snap,
        "may_recompute": may(request.user, FACILITY_STANDARD_ROLES, district),
    })


@login_required
def map_json(request, code):
    """What the coverage map draws (``?kind=`` a kind's pk or ``response``; ``?edges=0`` leaves the
    network out); an unknown kind is a 400 with its reason."""
    unit = unit_of(request, code)
    try:
        return JsonResponse(maps.coverage_map(request.user, unit, _kind_value(request),
                                              with_network=request.GET.get("edges") != "0"))
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=400)


@never_cache
@login_required
def progress(request, code):
    """The district's newest run: a bar polled every 2 s while it runs, its outcome once it ends."""
    unit = unit_of(request, code)
    district = district_of(unit)
    run = CoverageRun.objects.filter(district_code=district.code).select_related("network") \
        .order_by("-started_at", "-pk").first()
    return render(request, "facilities/_progress.html", {"unit": unit, "run": run})


@login_required
@require_POST
def recompute_now(request, code):
    unit = unit_of(request, code)
    try:
        recompute.recompute(request.user, district_of(unit))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Coverage is being computed again."))
    return redirect("facilities-coverage", unit.code)


def _percent(covered, households):
    return covered * 100 // households if households else None


@login_required
def section(request, code):
    """The unit page's card: a community's compliance and coverage, or a row per community above it.
    Coverage per kind (the response circle last) comes from the district's latest finished run."""
    unit = unit_of(request, code)
    district = district_of(unit)
    run = coverage.latest(district.code)
    kinds = [*maps.kinds_of(district.code), None]
    per_kind = {kind: maps.coverage_rows(request.user, run, kind, unit) for kind in kinds}
    totals = [{"label": kind.name if kind else _("Response circle"),
               "households": sum(r.households for r in rows), "covered": sum(r.households_covered for r in rows),
               "percent": _percent(sum(r.households_covered for r in rows), sum(r.households for r in rows))}
              for kind, rows in per_kind.items() if rows]
    checks = compliance.of_unit(unit)
    communities = {}
    for check in checks:
        communities.setdefault(check.community, {"checks": [], "coverage": []})["checks"].append(check)
    for kind, rows in per_kind.items():
        for row in rows:
            communities.setdefault(row.community, {"checks": [], "coverage": []})["coverage"].append(
                (kind.name if kind else _("Response circle"), _percent(row.households_covered, row.households)))
    first, _drawn = maps.chosen_kinds(district.code, None)
    return render(request, "facilities/_section.html", {
        "unit": unit, "run": run, "checks": checks, "totals": totals, "communities": communities,
        "kind": first, "kind_value": first.pk if first else maps.RESPONSE,
        "single": unit.kind not in (UnitKind.DISTRICT, UnitKind.STREET),
    })
