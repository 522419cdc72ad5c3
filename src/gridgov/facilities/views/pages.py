"""The facilities list with its map, the form that records one, and a facility's page (photos, its
change form and its journal). Every change goes through ``services.register``."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import FACILITY_STAFF_ROLES, FACILITY_STANDARD_ROLES
from gridgov.accounts.scope import get_visible_or_404, may, visible
from gridgov.core.geo import Datum
from gridgov.structure.models import Unit

from ..models import Facility, FacilityKind
from ..services import maps, register, standards
from .common import refused, serving_units, staff_roots

FIELDS = ("name", "address", "lat", "lng", "datum", "floor_area", "capacity", "opening_hours")
#: Facilities per page of the list.
PER_PAGE = 50


def _root(request) -> Unit:
    return Unit.objects.defer("boundary").get(code=staff_roots(request.user)[0])


def _kinds(user):
    return visible(user, FacilityKind.objects.filter(active=True)).order_by("district", "order", "code")


@login_required
def index(request):
    """The facilities the user sees, filtered by kind and unit, with the district's coverage per kind."""
    root = _root(request)
    rows = visible(request.user, Facility.objects.all()).select_related("kind", "unit")
    kind, unit_code = request.GET.get("kind") or "", request.GET.get("unit") or ""
    if kind.isdigit():
        rows = rows.filter(kind_id=int(kind))
    if unit_code.isdigit():
        rows = rows.filter(unit__code__startswith=unit_code)
    page = Paginator(rows.order_by("kind__order", "unit__code", "name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "facilities/index.html", {
        "root": root, "facilities": page, "page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "kinds": _kinds(request.user), "units": serving_units(request.user),
        "chosen_kind": kind, "chosen_unit": unit_code,
        "headline": maps.headline(request.user, root.district_code),
        "may_standards": may(request.user, FACILITY_STANDARD_ROLES, root),
    })


@login_required
def index_map(request):
    """The user's communities' outlines and the facilities they see, for the list's map and the picker."""
    root = _root(request)
    return JsonResponse({"outlines": maps.outlines(request.user, root),
                         "facilities": maps.facilities(request.user, root.district_code, maps.box_of(root))})


def _form(request, extra=None):
    return {"kinds": _kinds(request.user), "units": serving_units(request.user), "datums": Datum.choices,
            "root": _root(request), **(extra or {})}


def _chosen(request, name, queryset, message):
    value = request.POST.get(name) or ""
    found = queryset.filter(pk=int(value)).first() if value.isdigit() else None
    if found is None:
        raise ValidationError(message)
    return found


@login_required
def new(request):
    """Record a facility: its kind, the unit it serves, where it stands (picked or typed) and photos."""
    context = _form(request)
    if request.method != "POST":
        return render(request, "facilities/new.html", context)
    try:
        kind = _chosen(request, "kind", _kinds(request.user), _("Choose the kind of facility."))
        unit = _chosen(request, "unit", Unit.objects.filter(pk__in=[u.pk for u in context["units"]]),
                       _("Choose the unit it serves."))
        facility = register.create(request.user, kind, unit, photos=request.FILES.getlist("photos"),
                                   **{field: request.POST.get(field, "") for field in FIELDS})
    except ValidationError as error:
        return refused(request, "facilities/new.html", context, error)
    messages.success(request, _("The facility is recorded."))
    return redirect("facilities-facility", facility.pk)


def _facility(request, pk) -> Facility:
    staff_roots(request.user)
    return get_visible_or_404(request.user, Facility.objects.select_related("kind__district", "unit"), pk=pk)


def _detail(request, facility) -> dict:
    return {"facility": facility, "photos": facility.photos.all(), "journal": standards.history(facility),
            "may_change": may(request.user, FACILITY_STAFF_ROLES, facility.unit),
            "datums": Datum.choices, "units": serving_units(request.user)}


@login_required
def facility(request, pk):
    """A facility's page; a POST changes it (its staff only: others are refused by the service)."""
    found = _facility(request, pk)
    if request.method != "POST":
        return render(request, "facilities/facility.html", _detail(request, found))
    data = {field: request.POST.get(field, "") for field in FIELDS}
    try:
        unit = _chosen(request, "unit", Unit.objects.filter(pk__in=[u.pk for u in serving_units(request.user)]),
                       _("Choose the unit it serves."))
        register.change(request.user, found, unit=unit, active="active" in request.POST, **data)
    except ValidationError as error:
        return refused(request, "facilities/facility.html", _detail(request, found), error)
    messages.success(request, _("The facility is changed."))
    return redirect("facilities-facility", found.pk)


@login_required
@require_POST
def photos(request, pk):
    found = _facility(request, pk)
    try:
        register.add_photos(request.user, found, request.FILES.getlist("photos"))
    except ValidationError as error:
        return refused(request, "facilities/facility.html", _detail(request, found), error)
    messages.success(request, _("The photos are added."))
    return redirect("facilities-facility", found.pk)
