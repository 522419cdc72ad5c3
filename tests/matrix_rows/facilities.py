"""The facilities app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py). Facilities,
standards, networks and what coverage found are public within a district: every role working there
sees them, and nobody sees another district's."""
from gridgov.accounts.roles import FACILITY_STAFF_ROLES, Role
from gridgov.facilities.graph import Network
from gridgov.facilities.models import (
    CandidateSite,
    CoverageResult,
    CoverageRun,
    CoverageSettings,
    Facility,
    FacilityKind,
    FacilityPhoto,
    UncoveredBuilding,
    WalkNetwork,
)

EVERY_ROLE = frozenset(Role)
TINY = Network(lat=[30.0, 30.001], lng=[104.0, 104.0], edges=[[0, 1]], lengths=[111.2])


def _kind(a):
    return FacilityKind.objects.get_or_create(district=a.units["district"], code="centre",
                                              defaults={"name": "党群服务中心"})[0]


def _facility(a):
    return Facility.objects.create(kind=_kind(a), unit=a.units["community"], name="服务中心", lat=30.0, lng=104.0)


def _network(a):
    code = a.units["district"].code
    return WalkNetwork.objects.filter(district_code=code).first() or WalkNetwork.objects.create(
        district_code=code, version=1, source="generated", payload=TINY.to_bytes(), node_count=2, edge_count=1,
        length_km=0.1)


def _run(a):
    return CoverageRun.objects.create(district_code=a.units["district"].code, network=_network(a), status="done")


def _result(a):
    return CoverageResult.objects.create(run=_run(a), kind=_kind(a), community=a.units["community"], households=1,
                                         households_covered=1, residents=1, residents_covered=1, special=0,
                                         special_covered=0)


ROWS: dict = {
    FacilityKind: (_kind, EVERY_ROLE, True),
    CoverageSettings: (lambda a: CoverageSettings.objects.create(district=a.units["district"]), EVERY_ROLE, True),
    Facility: (_facility, EVERY_ROLE, True),
    FacilityPhoto: (lambda a: FacilityPhoto.objects.create(facility=_facility(a), image="facilities/x.png"),
                    EVERY_ROLE, True),
    WalkNetwork: (_network, EVERY_ROLE, True),
    CoverageRun: (_run, EVERY_ROLE, True),
    CoverageResult: (_result, EVERY_ROLE, True),
    UncoveredBuilding: (lambda a: UncoveredBuilding.objects.create(run=_run(a), kind=_kind(a), building=a.building,
                                                                   households=1, lat=30.0, lng=104.0),
                        EVERY_ROLE, True),
    CandidateSite: (lambda a: CandidateSite.objects.create(run=_run(a), kind=_kind(a), rank=1, lat=30.0, lng=104.0,
                                                           gain=3, community=a.units["community"]), EVERY_ROLE, True),
}
ENDPOINTS: dict = {
    "api facilities facility": (Facility, lambda o: f"/api/v1/facilities/facilities/{o.pk}", 10**9),
    "api facilities run": (CoverageRun, lambda o: f"/api/v1/facilities/runs/{o.pk}", 10**9),
    "page facilities facility": (Facility, lambda o: f"/facilities/{o.pk}/", 10**9, FACILITY_STAFF_ROLES),
}
