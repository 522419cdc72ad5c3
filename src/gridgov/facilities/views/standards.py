"""The district administrator's page: the facility kinds and their standards, the walking speeds,
and the walk network's versions with the OpenStreetMap upload and "generate from the grids".
Each form posts a ``step``; a refusal is shown in its own form (400) and nothing is changed."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridgov.accounts.roles import FACILITY_STANDARD_ROLES
from gridgov.accounts.scope import scope_for
from gridgov.structure.models import Unit

from ..models import FacilityKind, WalkNetwork
from ..services import networks, standards
from .common import refused

KIND_FIELDS = ("name", "minutes", "min_area", "area_per_100_households", "opening_hours", "order")
SETTINGS_FIELDS = ("walk_speed", "elderly_speed", "max_snap", "candidate_sites")
UPLOAD_ENDINGS = (".osm", ".osm.gz", ".osm.pbf", ".pbf")


def _district(request) -> Unit:
    roots = [code for code in scope_for(request.user).roots(FACILITY_STANDARD_ROLES) if len(code) == 6]
    if not roots:
        raise PermissionDenied(_("Only the district's administrator sets its standards and walk network."))
    return Unit.objects.get(code=roots[0])


def _kind_data(post) -> dict:
    return {**{field: post.get(field, "") for field in KIND_FIELDS},
            "response": "response" in post, "active": "active" in post}


def _kind(district, post):
    value = post.get("kind") or ""
    found = FacilityKind.objects.filter(district=district, pk=int(value)).first() if value.isdigit() else None
    if found is None:
        raise ValidationError(_("There is no such kind of facility in this district."))
    return found


def _upload(request, district):
    upload = request.FILES.get("extract")
    if upload is None:
        raise ValidationError(_("Choose an OpenStreetMap extract (.osm, .osm.gz or .osm.pbf)."))
    if not upload.name.lower().endswith(UPLOAD_ENDINGS):
        raise ValidationError(_("An extract is an .osm, .osm.gz or .osm.pbf file."))
    if upload.size > networks.MAX_UPLOAD_BYTES:
        raise ValidationError(_("The extract is larger than %(mb)d MB.") % {"mb": networks.MAX_UPLOAD_BYTES // 2**20})
    return networks.import_osm(request.user, district, upload.read(), upload.name)


def _spacing(post) -> float:
    try:
        return float(post.get("spacing") or 150)
    except ValueError:
        raise ValidationError(_("The spacing is a number of metres.")) from None


STEPS = {
    "kind-new": lambda request, d: standards.create_kind(request.user, d, code=request.POST.get("code", ""),
                                                         **_kind_data(request.POST)),
    "kind": lambda request, d: standards.change_kind(request.user, _kind(d, request.POST), **_kind_data(request.POST)),
    "settings": lambda request, d: standards.change_settings(
        request.user, d, **{field: request.POST.get(field, "") for field in SETTINGS_FIELDS}),
    "upload": _upload,
    "generate": lambda request, d: networks.generate(request.user, d, spacing_m=_spacing(request.POST)),
}


def _context(district) -> dict:
    return {"district": district, "kinds": FacilityKind.objects.filter(district=district),
            "settings": standards.settings_for(district),
            "networks": WalkNetwork.objects.filter(district_code=district.code).select_related("created_by")
            .defer("payload")}


@login_required
def page(request):
    district = _district(request)
    if request.method != "POST":
        return render(request, "facilities/standards.html", _context(district))
    step = request.POST.get("step", "")
    if step not in STEPS:
        return refused(request, "facilities/standards.html", _context(district),
                       ValidationError(_("Unknown step.")))
    try:
        STEPS[step](request, district)
    except ValidationError as error:
        return refused(request, "facilities/standards.html", {**_context(district), "step": step}, error)
    messages.success(request, _("Saved."))
    return redirect("facilities-standards")
