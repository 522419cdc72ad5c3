"""The facilities API (tag ``facilities``): kinds with their standards, facilities (with photos), the
walk networks (import an OpenStreetMap extract, generate one), coverage runs with their results,
uncovered buildings and candidate sites, and each community's area compliance. Each operation parses
its input and calls the same service the pages use (docs/facilities.md)."""
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema
from ninja.files import UploadedFile

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.api import errors
from gridgov.core.geo import DATUM_HELP
from gridgov.core.text import PlainText
from gridgov.structure.models import Unit, UnitKind

from .models import CandidateSite, CoverageResult, CoverageRun, Facility, FacilityKind, UncoveredBuilding, WalkNetwork
from .services import compliance, coverage, networks, register, standards

router = Router(tags=["facilities"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
UnitCode = Annotated[str, Field(pattern=r"^[0-9]{6,18}$", max_length=18)]
Area = Annotated[Decimal, Field(ge=0, le=99_999_999, decimal_places=1)]


def _unit(request, code) -> Unit:
    return get_visible_or_404(request.user, Unit.objects.all(), code=code)


def _district(request, code) -> Unit:
    unit = _unit(request, code)
    if unit.kind != UnitKind.DISTRICT:
        raise ValidationError(_("Give a district's code."))
    return unit


# -- schemas ---------------------------------------------------------------------------------------
class FacilityKindOut(Schema):
    id: int
    district: str
    code: str
    name: str
    minutes: int
    min_area: Decimal | None
    area_per_100_households: Decimal | None
    response: bool
    opening_hours: str
    active: bool

    @staticmethod
    def resolve_district(obj):
        return obj.district.code


class FacilityKindIn(Schema):
    district: UnitCode
    code: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")]
    name: PlainText = Field(..., min_length=1, max_length=60)
    minutes: Annotated[int, Field(ge=1, le=60)] = 15
    min_area: Area | None = None
    area_per_100_households: Area | None = None
    response: bool = False
    opening_hours: PlainText = Field("", max_length=100)


class FacilityKindChange(Schema):
    name: PlainText | None = Field(None, max_length=60)
    minutes: Annotated[int, Field(ge=1, le=60)] | None = None
    min_area: Area | None = None
    area_per_100_households: Area | None = None
    response: bool | None = None
    opening_hours: PlainText | None = Field(None, max_length=100)
    active: bool | None = None


class FacilityOut(Schema):
    id: int
    kind: str
    name: str
    unit: str
    address: str
    lat: float
    lng: float
    source_datum: str
    floor_area: Decimal | None
    capacity: int | None
    opening_hours: str
    active: bool
    photos: list[str]

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.code

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_photos(obj):
        return [photo.image.url for photo in obj.photos.all()]


class FacilityIn(Schema):
    kind: Annotated[int, Field(ge=1, le=2**31 - 1)]
    unit: UnitCode
    name: PlainText = Field(..., min_length=1, max_length=100)
    address: PlainText = Field("", max_length=200)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    datum: str = Field("wgs84", max_length=10, description=DATUM_HELP)
    floor_area: Area | None = None
    capacity: Annotated[int, Field(ge=0, le=10**7)] | None = None
    opening_hours: PlainText = Field("", max_length=100)


class FacilityChange(Schema):
    name: PlainText | None = Field(None, max_length=100)
    unit: UnitCode | None = None
    address: PlainText | None = Field(None, max_length=200)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    datum: str = Field("wgs84", max_length=10, description=DATUM_HELP)
    floor_area: Area | None = None
    capacity: Annotated[int, Field(ge=0, le=10**7)] | None = None
    opening_hours: PlainText | None = Field(None, max_length=100)
    active: bool | None = None


class FacilityFilters(Schema):
    unit: UnitCode | None = None
    kind: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**6)


class FacilitiesNetworkOut(Schema):
    id: int
    district: str
    version: int
    source: str
    file_name: str
    node_count: int
    edge_count: int
    length_km: float
    created_at: str

    @staticmethod
    def resolve_district(obj):
        return obj.district_code

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()


class FacilitiesGenerateIn(Schema):
    spacing_m: float = Field(150.0, ge=50, le=1000)


class FacilitiesRunOut(Schema):
    id: int
    district: str
    network_version: int
    status: str
    done: int
    total: int
    percent: int
    error: str
    started_at: str
    finished_at: str | None

    @staticmethod
    def resolve_district(obj):
        return obj.district_code

    @staticmethod
    def resolve_network_version(obj):
        return obj.network.version

    @staticmethod
    def resolve_started_at(obj):
        return obj.started_at.isoformat()

    @staticmethod
    def resolve_finished_at(obj):
        return obj.finished_at.isoformat() if obj.finished_at else None


class FacilitiesResultOut(Schema):
    kind: str | None = Field(description="The kind's code; null for the response circle.")
    community: str
    households: int
    households_covered: int
    residents: int
    residents_covered: int
    special: int
    special_covered: int
    access: float | None = Field(description="Capacity per 1,000 residents within reach (2SFCA).")

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.code if obj.kind_id else None

    @staticmethod
    def resolve_community(obj):
        return obj.community.code


class FacilitiesUncoveredOut(Schema):
    kind: str | None
    building: int
    households: int
    distance: float | None = Field(description="Metres of walking to the nearest; null: none within three circles "
                                                       "or no path at all.")
    lat: float
    lng: float

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.code if obj.kind_id else None

    @staticmethod
    def resolve_building(obj):
        return obj.building_id


class FacilitiesSiteOut(Schema):
    kind: str
    rank: int
    lat: float
    lng: float
    gain: int
    community: str | None

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.code

    @staticmethod
    def resolve_community(obj):
        return obj.community.code if obj.community_id else None


class FacilitiesCoverageOut(Schema):
    run: FacilitiesRunOut | None
    results: list[FacilitiesResultOut]
    uncovered: list[FacilitiesUncoveredOut]
    sites: list[FacilitiesSiteOut]


class FacilitiesComplianceOut(Schema):
    community: str
    kind: str
    households: int
    required: Decimal
    provided: Decimal
    facilities: int
    meets: bool


# -- kinds and settings ----------------------------------------------------------------------------
@router.get("/kinds", response={200: list[FacilityKindOut], **errors(401)}, summary="Facility kinds and their standards")
def list_kinds(request):
    return list(visible(request.user, FacilityKind.objects.select_related("district")))


@router.post("/kinds", response={201: FacilityKindOut, **errors(400, 401, 403, 404, 422)},
             summary="Add a facility kind with its standard (district administrator)")
def create_kind(request, body: FacilityKindIn):
    values = body.dict(exclude={"district", "code"})
    return 201, standards.create_kind(request.user, _district(request, body.district), code=body.code, **values)


@router.patch("/kinds/{pk}", response={200: FacilityKindOut, **errors(400, 401, 403, 404, 422)},
              summary="Change a kind's standard (district administrator)")
def change_kind(request, pk: Id, body: FacilityKindChange):
    kind = get_visible_or_404(request.user, FacilityKind.objects.all(), pk=pk)
    return standards.change_kind(request.user, kind, **body.dict(exclude_unset=True))


# -- facilities ------------------------------------------------------------------------------------
def _facilities(request):
    return visible(request.user, Facility.objects.select_related("kind", "unit").prefetch_related("photos"))


@router.get("/facilities", response={200: list[FacilityOut], **errors(401, 404, 422)}, summary="Facilities")
def list_facilities(request, filters: Query[FacilityFilters]):
    rows = _facilities(request)
    if filters.unit:
        rows = rows.filter(unit__code__startswith=_unit(request, filters.unit).code)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return list(rows.order_by("kind__order", "name", "pk")[filters.offset:filters.offset + filters.limit])


@router.get("/facilities/{pk}", response={200: FacilityOut, **errors(401, 404, 422)}, summary="One facility")
def facility_detail(request, pk: Id):
    return get_visible_or_404(request.user, _facilities(request), pk=pk)


@router.post("/facilities", response={201: FacilityOut, **errors(400, 401, 403, 404, 422)},
             summary="Record a facility (the staff of the unit it serves)")
def create_facility(request, body: FacilityIn):
    kind = get_visible_or_404(request.user, FacilityKind.objects.select_related("district"), pk=body.kind)
    facility = register.create(request.user, kind, _unit(request, body.unit),
                               **body.dict(exclude={"kind", "unit"}))
    return 201, get_visible_or_404(request.user, _facilities(request), pk=facility.pk)


@router.patch("/facilities/{pk}", response={200: FacilityOut, **errors(400, 401, 403, 404, 422)},
              summary="Change a facility (the staff of the unit it serves)")
def change_facility(request, pk: Id, body: FacilityChange):
    facility = get_visible_or_404(request.user, _facilities(request), pk=pk)
    values = body.dict(exclude_unset=True)
    unit = _unit(request, values.pop("unit")) if values.get("unit") else None
    values.pop("unit", None)
    if "lat" not in values and "lng" not in values:
        values.pop("datum", None)
    register.change(request.user, facility, unit=unit, **values)
    return get_visible_or_404(request.user, _facilities(request), pk=pk)


@router.post("/facilities/{pk}/photos", response={200: FacilityOut, **errors(400, 401, 403, 404, 422)},
             summary="Add photos of a facility")
def facility_photos(request, pk: Id, photos: File[list[UploadedFile]]):
    register.add_photos(request.user, get_visible_or_404(request.user, _facilities(request), pk=pk), photos)
    return get_visible_or_404(request.user, _facilities(request), pk=pk)


# -- networks and coverage -------------------------------------------------------------------------
@router.get("/networks", response={200: list[FacilitiesNetworkOut], **errors(401)}, summary="Walk network versions")
def list_networks(request):
    return list(visible(request.user, WalkNetwork.objects.defer("payload"))[:200])


@router.post("/districts/{code}/networks/import", response={201: FacilitiesNetworkOut, **errors(400, 401, 403, 404, 422)},
             summary="Import an OpenStreetMap extract (.osm, .osm.gz or .osm.pbf) as the next network version")
def import_network(request, code: Annotated[str, Path(pattern=r"^[0-9]{6}$")], extract: File[UploadedFile]):
    if extract.size > networks.MAX_UPLOAD_BYTES:
        raise ValidationError(_("The extract is larger than %(mb)d MB.") % {"mb": networks.MAX_UPLOAD_BYTES // 2**20})
    return 201, networks.import_osm(request.user, _district(request, code), extract.read(), extract.name or "")


@router.post("/districts/{code}/networks/generate", response={201: FacilitiesNetworkOut, **errors(400, 401, 403, 404, 422)},
             summary="Generate a walk network from the district's outline (streets, a river with bridges, a ring road)")
def generate_network(request, code: Annotated[str, Path(pattern=r"^[0-9]{6}$")], body: Form[FacilitiesGenerateIn]):
    return 201, networks.generate(request.user, _district(request, code), spacing_m=body.spacing_m)


@router.get("/coverage/{code}", response={200: FacilitiesCoverageOut, **errors(401, 404, 422)},
            summary="A unit's coverage from the district's latest finished run")
def unit_coverage(request, code: UnitCode):
    unit = _unit(request, code)
    run = coverage.latest(unit.district_code)
    if run is None:
        return {"run": None, "results": [], "uncovered": [], "sites": []}
    community = unit.code[:12]  # a grid's or micro-grid's results are its community's
    results = visible(request.user, CoverageResult.objects.filter(run=run, community__code__startswith=community)
                      .select_related("kind", "community"))
    uncovered = visible(request.user, UncoveredBuilding.objects.filter(
        run=run, building__microgrid__code__startswith=unit.code).select_related("kind"))
    sites = visible(request.user, CandidateSite.objects.filter(run=run).select_related("kind", "community"))
    if unit.kind != UnitKind.DISTRICT:
        sites = sites.filter(community__code__startswith=community)
    return {"run": run, "results": list(results), "uncovered": list(uncovered[:2000]), "sites": list(sites)}


@router.post("/districts/{code}/coverage", response={201: FacilitiesRunOut, **errors(401, 403, 404, 409, 422)},
             summary="Compute the district's coverage now (district administrator); the worker also does it "
                     "whenever facilities, standards, places or the network change")
def compute_coverage(request, code: Annotated[str, Path(pattern=r"^[0-9]{6}$")]):
    district = _district(request, code)
    standards.require_standards(request.user, district)
    return 201, coverage.compute(coverage.start(district.code, requested_by=request.user))


@router.get("/runs/{pk}", response={200: FacilitiesRunOut, **errors(401, 404, 422)}, summary="A coverage run and its progress")
def run_detail(request, pk: Id):
    return get_visible_or_404(request.user, CoverageRun.objects.select_related("network"), pk=pk)


@router.get("/compliance/{code}", response={200: list[FacilitiesComplianceOut], **errors(401, 404, 422)},
            summary="Each community's floor area against its standards")
def unit_compliance(request, code: UnitCode):
    rows = compliance.of_unit(_unit(request, code))
    return [{"community": row.community.code, "kind": row.kind.code, "households": row.households,
             "required": row.required, "provided": row.provided, "facilities": row.facilities, "meets": row.meets}
            for row in rows]
