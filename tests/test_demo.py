"""The demo district as a whole: seed 004's figures counted from the database, the logins, coverage,
and the ~3,000 cases replayed through the real services (statuses, channels, lights, timelines,
scope). The demo is loaded once for the module, inside a transaction rolled back at the end, so
the other modules' tests still start from an empty database."""
import datetime as dt
import random

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test import override_settings
from django.utils import timezone
from shapely.geometry import Point, shape

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.accounts.scope import visible
from gridgov.assessment.services.periods import Period
from gridgov.assessment.services.recount import plain_sums
from gridgov.assessment.services.totals import sums
from gridgov.cases.models import OPEN_STATUSES, Case, Channel, Light, Status, TimelineEntry, WhistleCall
from gridgov.cases.services.locate import locate
from gridgov.core import figures, journal, stamps
from gridgov.demo import facilities_demo
from gridgov.demo.cases import generate_cases
from gridgov.demo.services import DEMO_USERNAMES, DISTRICT, OUTLINE, PASSWORD, load_demo
from gridgov.facilities.models import (
    CandidateSite,
    CoverageResult,
    Facility,
    FacilityKind,
    RunStatus,
    UncoveredBuilding,
)
from gridgov.facilities.services import compliance, standards
from gridgov.facilities.services.coverage import latest as latest_run
from gridgov.ledger import services as ledger
from gridgov.people.models import Person
from gridgov.reportin.models import EmployerReport, MemberRegistration, ReportStatus
from gridgov.shop.models import Item
from gridgov.shop.models import Order as ShopOrder
from gridgov.shop.models import OrderStatus as ShopStatus
from gridgov.structure.models import Building, Compound, Department, Gate, PartyOrg, Unit
from gridgov.structure.outlines import district_outline
from gridgov.structure.services import coverage
from gridgov.timebank.models import Movement, MovementKind
from gridgov.volunteering.models import OrderStatus as ServiceStatus
from gridgov.volunteering.models import ServiceOrder, ServiceRecord, Volunteer
from gridgov.volunteering.services.common import MINUTES, POINTS, person_balance

ROLES = {"district_admin": Role.DISTRICT_ADMIN, "district_dispatcher": Role.DISTRICT_DISPATCHER,
         "street_dispatcher": Role.STREET_DISPATCHER, "community_staff": Role.COMMUNITY_STAFF,
         "grid_leader": Role.GRID_LEADER, "grid_worker": Role.GRID_WORKER, "grid_worker2": Role.GRID_WORKER,
         "dept_chengguan": Role.DEPARTMENT_STAFF, "resident": Role.RESIDENT, "volunteer": Role.PARTY_MEMBER,
         "shop_keeper": Role.SHOP_KEEPER, "unit_liaison": Role.UNIT_LIAISON}
HOME = "510113002001"  # 怡湖社区, the community_staff login's community


# The mark makes pytest-django create the test database (it only does for tests that ask for one)
# and runs each test in a savepoint inside the module's transaction.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]  # one worker loads the demo once


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo (structure, logins, ~3,000 cases), loaded once and rolled back afterwards.
    MD5 passwords keep the logins fast, as in every other test module."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                             MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with django_db_blocker.unblock(), fast:
        name = str(connection.settings_dict["NAME"])
        assert name.startswith("test_") or "memory" in name, f"not a test database: {name}"
        stamps.forget()
        with transaction.atomic():
            summary = load_demo()
            yield summary
            transaction.set_rollback(True)
        stamps.forget()  # the spatial index was built from rows that no longer exist


def count(kind, **extra):
    return Unit.objects.filter(district_code=DISTRICT, kind=kind, **extra).count()


# -- seed 004's figures ----------------------------------------------------------------------------
def test_structure_reproduces_seed_004(demo):
    assert count("district") == 1
    assert count("street") == 7
    assert count("community") == 83
    assert (count("community", is_village=False), count("community", is_village=True)) == (50, 33)
    assert count("grid") == 83
    assert not Unit.objects.filter(kind="community", district_code=DISTRICT).exclude(
        pk__in=Unit.objects.filter(kind="grid").values("parent")).exists()  # one basic grid per community
    assert count("microgrid") == 420
    orgs = PartyOrg.objects.filter(unit__district_code=DISTRICT)
    assert orgs.filter(kind="branch").count() == 349
    assert orgs.filter(kind="group").count() == 832
    people = Person.objects.filter(unit__district_code=DISTRICT)
    assert people.filter(is_party_member=False).count() >= 300
    assert people.filter(is_party_member=True).count() >= 300
    assert Department.objects.filter(district__code=DISTRICT).count() == 11


def test_the_district_has_its_real_outline_and_a_real_address_locates(demo):
    """Streets, communities and grids tile 青白江区's real outline: the district government
    (大弯街道) lies in a micro-grid, the centre of 成都 (天府广场) outside the district."""
    assert shape(Unit.objects.get(code=DISTRICT).boundary).equals(district_outline(OUTLINE, DISTRICT))
    assert locate(DISTRICT, 30.88, 104.25).kind == "microgrid"
    assert locate(DISTRICT, 30.657, 104.066) is None


def test_every_login_works_with_its_role(demo):
    for username in DEMO_USERNAMES:
        user = authenticate(username=username, password=PASSWORD)
        assert user is not None, username
        assert RoleAssignment.objects.filter(user=user, role=ROLES[username]).exists(), username
    resident = User.objects.get(username="resident").person
    worker_unit = RoleAssignment.objects.get(user__username="grid_worker").unit
    assert resident.unit == worker_unit


def test_staff_accounts_cover_every_grid_street_community_and_department(demo):
    assert RoleAssignment.objects.filter(role=Role.GRID_WORKER, unit__kind="grid",
                                         user__username__startswith="gw_").count() == 83
    streets = set(RoleAssignment.objects.filter(role=Role.STREET_DISPATCHER).values_list("unit__code", flat=True))
    communities = set(RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF).values_list("unit__code", flat=True))
    assert len(streets) == 7 and len(communities) == 83
    assert RoleAssignment.objects.filter(role=Role.DEPARTMENT_STAFF).values("department").distinct().count() == 11
    assert authenticate(username="gw_" + Unit.objects.filter(kind="grid").first().code, password=PASSWORD)


def test_every_grid_post_has_a_work_phone_and_the_resident_a_grid_worker_to_call(demo):
    from gridgov.accounts.contacts import my_grid_worker

    posts = RoleAssignment.objects.filter(role__in=[Role.GRID_WORKER, Role.GRID_LEADER], unit__district_code=DISTRICT)
    assert posts.count() >= 83 and not posts.filter(work_phone="").exists()
    contact = my_grid_worker(User.objects.get(username="resident"))
    assert contact.phone.startswith("028-") and contact.grid == "怡湖社区第1网格"


def test_compounds_stand_amid_their_buildings(demo):
    """Each compound at the middle of its buildings' micro-grids, so that the report map can label
    a grid's compounds apart (they all stood on the grid's centre)."""
    spots = {}
    for grid, lat, lng in Compound.objects.filter(grid__district_code=DISTRICT).values_list("grid", "center_lat",
                                                                                            "center_lng"):
        assert lat is not None and lng is not None
        spots.setdefault(grid, []).append((lat, lng))
    assert any(len(points) == 3 for points in spots.values())  # a 社区's grid has three compounds
    assert all(len(set(points)) == len(points) for points in spots.values())


def test_two_coverages_are_computed_and_work_coverage_is_complete(demo):
    figures = coverage(Unit.objects.get(code=DISTRICT))
    assert figures.compounds > 0
    assert 0 < figures.organisation_covered <= figures.work_covered == figures.compounds
    assert figures.work_share == 1.0


# -- the cases -------------------------------------------------------------------------------------
def test_about_3000_cases_over_the_last_90_days(demo):
    assert demo["skipped_steps"] == 0, demo["errors"]
    cases = Case.objects.filter(district_code=DISTRICT)
    assert 2700 <= cases.count() <= 3300
    now = timezone.now()
    assert not cases.filter(reported_at__lt=now - dt.timedelta(days=91)).exists()
    assert not cases.filter(reported_at__gt=now).exists()
    assert cases.filter(reported_at__gt=now - dt.timedelta(days=7)).count() > 100
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    assert set(cases.values_list("channel", flat=True)) == set(Channel.values)
    opened = cases.filter(status__in=OPEN_STATUSES)
    assert set(opened.values_list("light", flat=True)) == set(Light.values)
    assert cases.filter(status=Status.CLOSED).count() > cases.count() * 0.7  # older ones are mostly closed
    # the findings of visits and receptions are the visits demo's
    visits = cases.filter(Q(channel=Channel.VISIT) | Q(external_id__startswith="reception:"))
    reported = cases.exclude(pk__in=visits.values("pk"))
    assert demo["cases"] == reported.count() and sum(demo["by_status"].values()) == reported.count()
    assert demo["visits_cases"] == visits.count() > 0


def test_assessment_tallies_match_the_cases(demo):
    """The demo's tallies (rebuilt after the replay) equal the plain computation, and every street
    has figures for the last 90 days' months."""
    today = timezone.localdate()
    for period in (Period.containing("month", today), Period.containing("month", today).previous()):
        for by in ("street", "community", "department"):
            tallied = sums(DISTRICT, period, by=by)
            assert tallied == plain_sums(DISTRICT, period, by=by), (period, by)
    board = sums(DISTRICT, Period.containing("quarter", today - dt.timedelta(days=45)), by="street")
    streets = {code: counts for code, counts in board.items() if len(code) == 9}  # the rest: unlocated cases
    assert len(streets) == 7 and all(counts["reported"] > 0 for counts in streets.values())


def test_cases_take_every_path(demo):
    cases = Case.objects.filter(district_code=DISTRICT)
    ratings = dict(cases.exclude(rating="").values_list("rating").annotate(n=Count("pk")))
    assert ratings["satisfied"] > ratings["basically"] > 0 and ratings["unsatisfied"] > 0
    assert ratings["satisfied"] > 0.6 * sum(ratings.values())
    for flag in ["reopen_count", "rework_count", "return_count", "escalation_count"]:
        assert cases.filter(**{f"{flag}__gt": 0}).exists(), flag
    assert cases.filter(supervised=True).exists() and cases.filter(whistled=True).exists()
    assert cases.filter(small_loop=True).count() > cases.count() / 3
    assert cases.filter(lat__isnull=True).exists() and cases.filter(unit__code=DISTRICT).exists()
    assert cases.filter(channel="hotline").exclude(external_id="").exclude(contact_name="").exists()
    # Grid patrol: many closed on the spot, at the moment of the report, with a photo.
    on_the_spot = cases.filter(channel="patrol", closed_at=F("reported_at"), photos__stage="report")
    assert on_the_spot.count() > cases.filter(channel="patrol").count() / 4
    actions = set(TimelineEntry.objects.filter(case__district_code=DISTRICT).values_list("action", flat=True))
    assert {"grant_extension", "refuse_extension", "suspend", "resume", "merge", "reject", "return", "escalate",
            "whistle", "report_in", "report_in_missed", "rate_department", "reopen", "supervise"} <= actions
    calls = WhistleCall.objects.filter(whistle__case__district_code=DISTRICT)
    assert calls.filter(reported_at__isnull=False, late=False).exists()
    assert calls.filter(late=True).exists() and calls.filter(missed=True, reported_at__isnull=True).exists()
    # Hot spots: one matter keeps coming back in a few grids.
    top = (cases.values("category", "unit__parent").annotate(n=Count("pk")).order_by("-n")[0])
    assert top["n"] >= 15


def test_timelines_verify(demo):
    ids = list(Case.objects.filter(district_code=DISTRICT).values_list("pk", flat=True))
    sample = random.Random(4).sample(ids, 80)
    sample += list(Case.objects.filter(merged_cases__isnull=False).values_list("pk", flat=True)[:10])
    for case in Case.objects.filter(pk__in=sample):
        assert journal.verify(case), case.code
        moments = list(case.timeline.order_by("seq").values_list("at", flat=True))
        assert moments == sorted(moments), case.code  # history replayed in order


def test_the_resident_sees_their_own_cases(demo):
    resident = User.objects.get(username="resident")
    mine = visible(resident, Case.objects.all())
    assert 3 <= mine.count() <= 30
    assert all(case.reporter_id == resident.person.pk or case.merged_cases.filter(reporter=resident.person).exists()
               for case in mine)
    assert mine.exclude(rating="").exists() or mine.filter(status__in=OPEN_STATUSES).exists()


def test_scope_holds_on_the_demo_cases(demo):
    worker = User.objects.get(username="grid_worker")
    micro = RoleAssignment.objects.get(user=worker).unit.code
    seen = visible(worker, Case.objects.all())
    assert seen.exists()
    assert all(code.startswith(micro) or handler == worker.pk
               for code, handler in seen.values_list("unit__code", "handler_user"))
    assert seen.count() < Case.objects.count() / 20
    dispatcher = User.objects.get(username="street_dispatcher")
    street = visible(dispatcher, Case.objects.all())
    assert street.exists()
    assert set(code[:9] for code in street.values_list("unit__code", flat=True)) == {"510113002"}
    assert Case.objects.exclude(unit__code__startswith="510113002").exclude(pk__in=street).exists()
    chengguan = visible(User.objects.get(username="dept_chengguan"), Case.objects.all())
    assert chengguan.exists() and chengguan.count() < Case.objects.count()


def test_generation_is_deterministic_for_a_seed(demo):
    """Twice the same small replay (at a fixed "now", rolled back each time): same cases, same paths."""
    at = timezone.make_aware(dt.datetime(2025, 3, 14, 16, 0))

    def replay():
        with transaction.atomic():
            summary = generate_cases(count=50, days=10, seed=7, now=at)
            cases = Case.objects.filter(reported_at__lte=at, reported_at__gte=at - dt.timedelta(days=11))
            snapshot = [(c.code, c.status, c.channel, c.category_id, c.unit_id, c.light, c.reported_at, c.rating,
                         tuple(c.timeline.order_by("seq").values_list("action", "actor", "at")))
                        for c in cases.order_by("code")]
            transaction.set_rollback(True)
        return summary, snapshot

    first, again = replay(), replay()
    assert first[0]["cases"] == 50 and first[0]["skipped_steps"] == 0
    assert first[1] == again[1]


# -- participation: volunteering, the shop, the time bank, 双报到 -----------------------------------
def test_participation_counts(demo):
    assert demo["volunteering_registered"] >= 40 and demo["volunteering_orders"] >= 60
    assert demo["volunteering_records"] >= 50
    assert demo["shop_orders"] >= 30 and demo["timebank_donations"] >= 5
    assert demo["reportin_members"] >= 10 and demo["reportin_reports"] >= 2
    assert Movement.objects.filter(district_code=DISTRICT, kind=MovementKind.DONATION).count() == demo["timebank_donations"]
    assert Movement.objects.filter(district_code=DISTRICT, kind=MovementKind.FUNDING).exists()
    assert Movement.objects.filter(district_code=DISTRICT, kind=MovementKind.TRANSFER).exists()
    assert MemberRegistration.objects.filter(community__district_code=DISTRICT).count() >= 10
    # some in-service members are volunteers with service records (they fill the reports)
    members = MemberRegistration.objects.values("person")
    assert ServiceRecord.objects.filter(volunteer__person__in=members).exists()


def test_participation_orders_in_every_state(demo):
    services = ServiceOrder.objects.filter(community__district_code=DISTRICT)
    assert set(services.values_list("status", flat=True)) == set(ServiceStatus.values)
    shop = ShopOrder.objects.filter(community__district_code=DISTRICT)
    assert shop.count() >= 30
    assert set(shop.values_list("status", flat=True)) == set(ShopStatus.values)
    cancelled = shop.filter(status=ShopStatus.CANCELLED)
    assert cancelled.filter(closed_by=F("buyer")).exists() and cancelled.exclude(closed_by=F("buyer")).exists()


def test_participation_ledger_balances(demo):
    assert ledger.check().ok


def test_participation_logins(demo):
    volunteer = User.objects.get(username="volunteer")
    registered = Volunteer.objects.get(person=volunteer.person)
    assert volunteer.person.is_party_member and registered.community.code == HOME
    assert ServiceRecord.objects.filter(volunteer=registered).exists()
    assert person_balance(volunteer.person, POINTS) > 0 and person_balance(volunteer.person, MINUTES) > 0
    assert RoleAssignment.objects.filter(user__username="shop_keeper", role=Role.SHOP_KEEPER, unit__code=HOME).exists()
    keeper = User.objects.get(username="shop_keeper")
    assert ShopOrder.objects.filter(community__code=HOME, status=ShopStatus.PICKED_UP, closed_by=keeper).exists()
    # the resident keeps points and orders, and can still redeem something in their shop
    resident = User.objects.get(username="resident").person
    balance = person_balance(resident, POINTS)
    assert ServiceOrder.objects.filter(resident=resident).exists()
    assert Item.objects.filter(community__code=HOME, active=True, stock__gt=0, price__lte=balance).exists()
    # the volunteers have logins (one hash for all: made once)
    users = User.objects.filter(username__startswith="v_")
    assert users.count() >= 40 and users.values("password").distinct().count() == 1
    for username in ("volunteer", "shop_keeper", "unit_liaison", users.first().username):
        assert authenticate(username=username, password=PASSWORD) is not None, username


def test_participation_registration_rates(demo):
    today = timezone.localdate()
    codes = list(Volunteer.objects.filter(community__district_code=DISTRICT)
                 .values_list("community__code", flat=True).distinct())
    rates = figures.get("volunteering").compute(codes, today - dt.timedelta(days=89), today)
    values = [rates[code]["registration_rate"] for code in codes]
    assert max(values) >= 0.15 and min(values) < 0.10


def test_participation_employer_reports(demo):
    reports = EmployerReport.objects.filter(employer_org__community__district_code=DISTRICT)
    assert reports.filter(status__in=[ReportStatus.SENT, ReportStatus.ACKNOWLEDGED]).count() >= 2
    assert reports.filter(status=ReportStatus.ACKNOWLEDGED).exclude(acknowledged_by="").exists()


# -- facilities and the 15-minute circle -----------------------------------------------------------
def test_facilities_of_every_kind_stand_in_the_district(demo):
    kinds = FacilityKind.objects.filter(district__code=DISTRICT)
    assert kinds.count() == len(facilities_demo.KINDS) == demo["facilities_kinds"]
    assert not kinds.annotate(n=Count("facilities")).filter(n=0).exists()
    assert set(kinds.filter(response=True).values_list("code", flat=True)) == {"emergency-team", "mediation"}
    facilities = Facility.objects.filter(district_code=DISTRICT)
    assert facilities.count() == demo["facilities_facilities"]
    outline = shape(Unit.objects.get(code=DISTRICT).boundary)
    assert all(outline.covers(Point(lng, lat)) for lat, lng in facilities.values_list("lat", "lng"))
    assert all(standards.intact(facility) for facility in facilities[:20])  # made through the services
    settings = standards.settings_for(Unit.objects.get(code=DISTRICT))
    assert (settings.walk_speed, settings.elderly_speed) == (70, 50)


def test_facilities_some_communities_meet_the_centre_standard_and_some_do_not(demo):
    centres = [row for row in compliance.of_unit(Unit.objects.get(code=DISTRICT)) if row.kind.code == "service-centre"]
    assert len(centres) == 83 and all(row.facilities == 1 for row in centres)
    assert any(row.meets for row in centres) and any(not row.meets for row in centres)


def test_facilities_gates_and_building_points(demo):
    gates = Gate.objects.filter(compound__community__district_code=DISTRICT)
    assert gates.count() == demo["facilities_gates"] > 0
    assert set(gates.values("compound").annotate(n=Count("pk")).values_list("n", flat=True)) == {2}
    placed = Building.objects.filter(microgrid__district_code=DISTRICT, center_lat__isnull=False)
    assert placed.count() == demo["facilities_building_points"] > 0


def test_facilities_coverage_is_computed_once_with_gaps_to_fill(demo):
    run = latest_run(DISTRICT)
    assert run is not None and run.status == RunStatus.DONE and run.network.node_count == demo["facilities_network_nodes"]
    kinds = set(FacilityKind.objects.filter(district__code=DISTRICT).values_list("pk", flat=True))
    results = CoverageResult.objects.filter(run=run)
    assert set(results.exclude(kind=None).values_list("kind", flat=True)) == kinds
    assert results.filter(kind=None).exists()  # the response circle
    covered = sum(results.exclude(kind=None).values_list("households_covered", flat=True))
    assert 0 < covered < sum(results.exclude(kind=None).values_list("households", flat=True))
    assert UncoveredBuilding.objects.filter(run=run).count() == demo["facilities_uncovered_buildings"] > 0
    assert CandidateSite.objects.filter(run=run).count() == demo["facilities_candidate_sites"] > 0
