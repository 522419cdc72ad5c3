"""Coverage through the services, on a street worked out by hand.

The street runs due north along longitude 104.05 from latitude 30.000 to 30.020 with a node every
0.001° — on a meridian each step is R·0.001·π/180 = 111.195 m (R = 6,371,008.8 m). Community A1's
four buildings (one household and one resident each, from ``tests/factories.py``):

- A1-1-1 stands on the street at 30.005: 5 steps = 555.98 m from the centre at 30.000;
- A1-1-2 at 30.008: 8 steps = 889.56 m, with two more households (three in all);
- A1-2-1 and A1-2-2 have no point: their compound's gate is at 30.012, 12 steps = 1,334.34 m.

The centre kind's circle is 15 minutes: 15 × 70 m/min = 1,050 m for everyone, 15 × 50 = 750 m for
the special groups. So the centre covers A1-1-1 and A1-1-2: 4 of A1's 6 households; of the two
special-group residents (A1-1-1's and A1-1-2's) only A1-1-1's, at 556 ≤ 750 m.
"""
import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from gridgov.core import journal
from gridgov.core.errors import InvalidTransition
from gridgov.facilities import figures
from gridgov.facilities.graph import Network
from gridgov.facilities.models import (
    CandidateSite,
    CoverageResult,
    FacilitiesEntry,
    Facility,
    RunStatus,
    UncoveredBuilding,
)
from gridgov.facilities.services import compliance, coverage, networks, register, standards
from gridgov.people.models import SpecialGroup
from gridgov.structure.models import Gate, Household

STEP = 6_371_008.8 * 0.001 * math.pi / 180  # 111.195 m
LNG = 104.05


def street(n=21) -> Network:
    lat = [30.0 + i * 0.001 for i in range(n)]
    edges = [[i, i + 1] for i in range(n - 1)]
    return Network(lat=lat, lng=[LNG] * n, edges=edges, lengths=[STEP] * (n - 1))


@pytest.fixture
def town(world):
    u = world.units
    admin = world.users["district_admin"]
    networks._store(admin, u["district"], street(), "generated", "street", "generate")
    for label, lat in (("A1-1-1", 30.005), ("A1-1-2", 30.008)):
        building = u[label].buildings.get()
        building.center_lat, building.center_lng = lat, LNG
        building.save()
    second = u["A1-1-2"].buildings.get()
    Household.objects.create(building=second, entrance=1, room="102")
    Household.objects.create(building=second, entrance=1, room="103")
    Gate.objects.create(compound=u["compound A1-2"], name="南门", lat=30.012, lng=LNG)
    elderly = SpecialGroup.objects.get_or_create(code="elderly-alone", defaults={"name": "独居老人"})[0]
    for person in world.persons[:2]:  # A1-1-1's and A1-1-2's residents
        person.special_groups.add(elderly)
    centre = standards.create_kind(admin, u["district"], code="centre", name="党群服务中心", minutes=15,
                                   min_area=500, area_per_100_households=30)
    mediation = standards.create_kind(admin, u["district"], code="mediation", name="调解室", minutes=10, response=True)
    register.create(world.users["community_staff"], centre, u["A1"], name="A1党群服务中心", lat=30.0, lng=LNG,
                    floor_area="600", capacity=60)
    register.create(world.users["community_staff"], mediation, u["A1"], name="A1调解室", lat=30.010, lng=LNG)
    world.kinds = {"centre": centre, "mediation": mediation}
    return world


def computed(world):
    return coverage.compute(coverage.start(world.units["district"].code))


def row(run, kind, community):
    return CoverageResult.objects.get(run=run, kind=kind, community=community)


def test_a_kinds_circle_covers_the_households_within_its_walk(town):
    run = computed(town)
    assert run.status == RunStatus.DONE and run.done == run.total == 2 + 2 * 2  # load, 2 per kind, save
    a1 = row(run, town.kinds["centre"], town.units["A1"])
    assert (a1.households, a1.households_covered) == (6, 4)
    assert (a1.residents, a1.residents_covered) == (4, 2)
    assert (a1.special, a1.special_covered) == (2, 1)  # 889.56 m is beyond the elderly's 750 m
    # 2SFCA: 60 places shared by the 2 residents within reach = 30 each; A1's 4 residents average
    # (30 + 30 + 0 + 0) / 4 = 15 a resident, 15,000 per 1,000.
    assert a1.access == pytest.approx(15000.0)
    far = row(run, town.kinds["centre"], town.units["B1"])
    assert (far.households, far.households_covered) == (4, 0)


def test_uncovered_buildings_say_how_far_they_are_or_that_no_path_exists(town):
    lost = town.units["B1-1-1"].buildings.get()
    lost.center_lat, lost.center_lng = 30.5, 104.6  # kilometres from the only street
    lost.save()
    run = computed(town)
    gate_side = UncoveredBuilding.objects.filter(run=run, kind=town.kinds["centre"],
                                                 building__compound=town.units["compound A1-2"])
    assert sorted(b.distance for b in gate_side) == [round(12 * STEP, 1)] * 2
    assert {(b.lat, b.lng) for b in gate_side} == {(30.012, LNG)}  # drawn at their gate
    nowhere = UncoveredBuilding.objects.get(run=run, kind=town.kinds["centre"], building=lost)
    assert nowhere.distance is None
    covered = {b.building_id for b in UncoveredBuilding.objects.filter(run=run, kind=town.kinds["centre"])}
    assert town.units["A1-1-1"].buildings.get().pk not in covered


def test_the_response_circle_needs_every_response_kind_and_the_candidate_site_is_at_the_gate(town):
    run = computed(town)
    # The mediation room at 30.010 reaches 30.005 (556 m), 30.008 (222 m) and the gate (222 m)
    # within 10 × 70 = 700 m; at 500 m for the elderly, A1-1-1's resident (556 m) is out.
    response = row(run, None, town.units["A1"])
    assert (response.households, response.households_covered, response.special_covered) == (6, 6, 1)
    site = CandidateSite.objects.get(run=run, kind=town.kinds["centre"])
    assert (site.rank, site.lat, site.lng, site.gain, site.community) == (1, 30.012, LNG, 2, town.units["A1"])


def test_figures_sum_the_communities_from_the_latest_run(town):
    computed(town)
    codes = [town.units["district"].code, town.units["A1"].code]
    values = figures.compute(codes, None, None)
    a1, district = values[town.units["A1"].code], values[town.units["district"].code]
    # centre 4/6 and mediation 6/6 in A1: (4 + 6) / 12; the district's other 12 households have no path.
    assert a1["service_coverage"] == round(10 / 12, 4)
    assert district["service_coverage"] == round(10 / (2 * 18), 4)
    assert a1["special_coverage"] == 0.5 and a1["response_coverage"] == 1.0
    assert district["response_coverage"] == round(6 / 18, 4)
    # Only the centre has an area standard; only A1 has one (600 m² ≥ max(500, 30 × 6 / 100)).
    assert (a1["area_standard"], district["area_standard"]) == (1.0, 0.25)
    assert (a1["facilities"], district["facilities"]) == (2, 2)


def test_compliance_takes_the_larger_of_the_minimum_and_the_share_per_households(town):
    centre = town.kinds["centre"]
    standards.change_kind(town.users["district_admin"], centre, min_area="100", area_per_100_households="2000")
    rows = {r.community.code: r for r in compliance.of_unit(town.units["A"])}
    a1 = rows[town.units["A1"].code]
    assert (a1.households, a1.required, a1.provided, a1.meets) == (6, 120, 600, True)  # 2000 × 6 / 100
    a2 = rows[town.units["A2"].code]
    assert (a2.required, a2.provided, a2.facilities, a2.meets, a2.shortfall) == (100, 0, 0, False, 100)


def test_adding_a_facility_never_lowers_coverage_and_the_worker_recomputes_when_inputs_change(town):
    from gridgov.core import clock

    first = computed(town)
    assert not coverage.stale(town.units["district"].code, clock.now())
    register.create(town.users["community_staff"], town.kinds["centre"], town.units["A1"], name="A1分中心",
                    lat=30.014, lng=LNG)
    assert coverage.stale(town.units["district"].code, clock.now())
    assert coverage.watch(clock.now()) == {"computed": [town.units["district"].code]}
    second = coverage.latest(town.units["district"].code)
    assert second.pk != first.pk
    before, after = row(first, town.kinds["centre"], town.units["A1"]), row(second, town.kinds["centre"], town.units["A1"])
    assert (before.households_covered, after.households_covered) == (4, 6)
    assert coverage.watch(clock.now()) == {"computed": []}


def test_a_run_left_running_by_a_killed_worker_is_failed_and_redone(town):
    import datetime as dt

    from gridgov.core import clock

    run = coverage.start(town.units["district"].code)
    later = clock.now() + dt.timedelta(hours=1)
    assert coverage.stale(town.units["district"].code, later)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error  # "Abandoned: the worker computing it stopped."


def test_coverage_needs_a_network(world):
    with pytest.raises(InvalidTransition):
        coverage.start(world.units["district"].code)


def test_a_new_network_is_the_next_version_and_every_change_is_journalled(town):
    admin, district = town.users["district_admin"], town.units["district"]
    again = networks._store(admin, district, street(5), "generated", "short", "generate")
    assert again.version == 2 and networks.current(district.code) == again
    facility = Facility.objects.get(name="A1党群服务中心")
    register.change(town.users["community_staff"], facility, floor_area="650")
    entries = FacilitiesEntry.objects.filter(**FacilitiesEntry.chain_of(facility)).order_by("seq")
    assert [e.action for e in entries] == ["create", "change"] and entries[1].data == {"floor_area": "650.0"}
    assert journal.verify(facility, FacilitiesEntry)


@pytest.mark.parametrize("values, message", [
    ({"floor_area": "-5"}, "cannot be negative"),
    ({"lat": 31.5, "lng": 104.2}, "outside"),
    ({"lat": 104.2, "lng": 30.5}, "swapped"),
    ({"lat": 30.5, "lng": 104.2, "datum": "mars"}, "Unknown coordinate datum"),
    ({"name": ""}, "required"),
])
def test_bad_facilities_are_refused_and_nothing_is_written(town, values, message):
    data = {"name": "新设施", "lat": 30.1, "lng": 104.1, **values}
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        register.create(town.users["community_staff"], town.kinds["centre"], town.units["A1"], **data)
    assert not Facility.objects.filter(name="新设施").exists()


def test_a_gcj02_point_is_stored_in_wgs84_with_its_datum(town):
    from gridgov.core.geo import from_wgs84

    lat, lng = from_wgs84(30.1, 104.1, "gcj02")
    facility = register.create(town.users["community_staff"], town.kinds["centre"], town.units["A1"], name="高德点",
                               lat=lat, lng=lng, datum="gcj02")
    assert (facility.lat, facility.lng, facility.source_datum) == (pytest.approx(30.1, abs=1e-7),
                                                                   pytest.approx(104.1, abs=1e-7), "gcj02")


def test_only_the_units_staff_record_facilities_and_only_the_administrator_sets_standards(town):
    with pytest.raises(PermissionDenied):
        register.create(town.users["community_staff"], town.kinds["centre"], town.units["B1"], name="越界",
                        lat=30.1, lng=104.6)
    with pytest.raises(PermissionDenied):
        register.create(town.users["grid_worker"], town.kinds["centre"], town.units["A1"], name="网格员",
                        lat=30.1, lng=104.1)
    for user in ("community_staff", "street_dispatcher", "district_dispatcher"):
        with pytest.raises(PermissionDenied):
            standards.change_kind(town.users[user], town.kinds["centre"], minutes=5)
        with pytest.raises(PermissionDenied):
            networks.generate(town.users[user], town.units["district"], spacing_m=1000)


def test_standards_refuse_bad_values(town):
    admin = town.users["district_admin"]
    with translation.override("en"):
        with pytest.raises(ValidationError, match="between 1 and 60"):
            standards.change_kind(admin, town.kinds["centre"], minutes=0)
        with pytest.raises(ValidationError, match="cannot be negative"):
            standards.change_kind(admin, town.kinds["centre"], min_area="-1")
        with pytest.raises(ValidationError, match="already has"):
            standards.create_kind(admin, town.units["district"], code="centre", name="重复")
        with pytest.raises(ValidationError, match="faster"):
            standards.change_settings(admin, town.units["district"], elderly_speed=90)


def test_the_coverage_page_says_how_many_buildings_have_no_path(town, client):
    lost = town.units["A1-1-2"].buildings.get()
    lost.center_lat, lost.center_lng = 30.5, 104.3  # kilometres from the only street
    lost.save()
    computed(town)
    client.force_login(town.users["community_staff"])
    with translation.override("en"):
        page = client.get(f"/facilities/coverage/{town.units['A1'].code}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "1 uncovered building (3 households) has no path to this kind within three circles" in text
    assert "more than 300 m from every street" in text
