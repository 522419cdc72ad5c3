"""Security review (issue 15), items 1 and 6: the case scope break.

Item 1 — a resident of one street read and rated the other street's case by asking “already
reported?” about a point near it, joining it, then opening it in full and rating it. Now:
“already reported?” and joining reach only where the resident is (their home grid, or the located
point their own report carries) and answer a resident in the public form; a follower sees the
case's public form only (page and API), never its reporter, description, address or timeline; and
only the case's own reporter rates it.

Item 6 — a case dispatched to a worker outside their micro-grid was a 404 for them. Now the
assigned handler sees it and acts on it, until it is given to someone else.

Street A's residents (``resident`` in grid A1-1) try street B's household-hardship case, reported by
``resident_b`` in grid B1-1; ``neighbour_b`` lives in the same grid as that case.
"""
import json
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gridgov.accounts.models import ApiToken, Role, RoleAssignment
from gridgov.accounts.scope import visible
from gridgov.assessment.models import Tally
from gridgov.cases.models import Case, Status
from gridgov.cases.services import actors, filing, following, lifecycle
from gridgov.cases.services.available import available_actions
from gridgov.core.errors import NotFound
from gridgov.intake.duplicates import join, joinable, similar_for_report
from gridgov.notifications.models import Notification

from .cases_world import IN_A1_1, IN_B1_1
from .factories import PASSWORD

DISTRICT = "510113"
HARDSHIP = "1栋李大姐家低保被停了生活困难"
ALIKE = "1栋李大姐家低保被停，生活很困难"
DETAILS = "李大姐独居，身体不好，孩子在外地"
ADDRESS = "测试B1社区第1网格小区1栋1单元101"
CONTACT, PHONE, MASKED = "李某某", "13987654321", "139****4321"
PRIVATE = (HARDSHIP, DETAILS, ADDRESS, CONTACT, PHONE, MASKED, "1单元101")
NEAR_B = (IN_B1_1[0] + 0.0009, IN_B1_1[1])  # 100 m from the case, in grid B1-1
NOWHERE = (29.5, 103.5)  # outside every unit of the district
B_BUILDING = "测试B1社区第1网格小区1栋"


def resident_of(world, username, person, unit):
    user = User.objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.RESIDENT, unit=world.units[unit])
    person.user = user
    person.save()
    world.users[username] = user
    return user


@pytest.fixture
def streets(world):
    """Street B's hardship case, open in community B1's queue, and the people around it."""
    resident_b = resident_of(world, "resident_b", world.persons[8], "B1-1")  # lives in micro-grid B1-1-1
    neighbour_b = resident_of(world, "neighbour_b", world.persons[9], "B1-1")  # micro-grid B1-1-2
    master = filing.report(district=world.units["district"], channel="app", title=HARDSHIP,
                           category=world.categories["community"], description=DETAILS, address=ADDRESS,
                           lat=IN_B1_1[0], lng=IN_B1_1[1], reporter=world.persons[8], reported_by=resident_b,
                           contact_name=CONTACT, contact_phone=PHONE)
    assert master.unit == world.units["B1-1"] and master.status == Status.REPORTED
    return SimpleNamespace(master=master, resident=world.users["resident"], resident_b=resident_b,
                           neighbour_b=neighbour_b, category=world.categories["community"])


@pytest.fixture
def api(world):
    """Call the API as a user of the world with a bearer token, asking for English."""
    client, tokens = Client(), {}

    def call(method, url, data=None, user="district_admin"):
        if user not in tokens:
            tokens[user] = ApiToken.issue(world.users[user])
        headers = {"Authorization": f"Bearer {tokens[user]}", "Accept-Language": "en"}
        if method == "get":
            return client.get(url, headers=headers)
        return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)

    return call


@pytest.fixture
def web(world, client):
    def as_user(username):
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return as_user


def offered(user, streets, **place):
    return similar_for_report(user, DISTRICT, streets.category, title=ALIKE, **place)


def nothing_private(text: str) -> bool:
    return not any(secret in text for secret in PRIVATE)


def close(world, case):
    """Accept, dispatch to 城管, acknowledge and handle: the category needs no verification, so it closes."""
    dispatcher, chengguan = world.users["district_dispatcher"], world.users["dept_chengguan"]
    case = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, case), lead=world.departments["chengguan"])
    case = lifecycle.handle(chengguan, lifecycle.acknowledge(chengguan, case), "已上门核实并协助申请")
    assert case.status == Status.CLOSED
    return case


def follow(streets):
    """Street A's resident says “me too” from a point their own report carries, near the case: allowed,
    and it makes them a follower."""
    return join(streets.resident, streets.master, title=ALIKE, lat=NEAR_B[0], lng=NEAR_B[1])


# -- item 1: “already reported?” ----------------------------------------------------------------
def test_similar_reaches_only_where_the_resident_is(streets):
    resident, master = streets.resident, streets.master
    assert offered(resident, streets) == []  # at home in grid A1-1: nothing there
    assert offered(resident, streets, address=B_BUILDING) == []  # naming the other street's building is not being there
    assert offered(resident, streets, lat=NOWHERE[0], lng=NOWHERE[1]) == []  # a point that locates nowhere opens nothing
    home = offered(streets.neighbour_b, streets)  # the case's own grid is the neighbour's home
    assert [offer.code for offer in home] == [master.code] and not home[0].full
    # From a located point their report carries, the cases within the radius — in the public form.
    offer, = offered(resident, streets, lat=NEAR_B[0], lng=NEAR_B[1])
    assert (offer.code, offer.status, offer.category, offer.full, offer.openable) == (
        master.code, Status.REPORTED, streets.category, False, False)
    assert offer.place == "测试B1社区第1网格"
    assert (offer.title, offer.distance_m, offer.similarity, offer.score) == (None, None, None, None)


def test_staff_keep_the_full_view(world, streets):
    offer, = offered(world.users["street_dispatcher"], streets, lat=NEAR_B[0], lng=NEAR_B[1])
    assert offer.full and offer.title == HARDSHIP and 90 < offer.distance_m < 110 and offer.score > 0
    offer, = offered(world.users["district_dispatcher"], streets, address=B_BUILDING)  # not held to a home
    assert offer.full and offer.code == streets.master.code


def test_the_reporter_sees_their_own_case_in_full(streets):
    offer, = offered(streets.resident_b, streets)
    assert offer.full and offer.openable and offer.title == HARDSHIP


def test_similar_in_the_api_and_on_the_report_page_answers_the_same(world, streets, api, web):
    body = {"category": streets.category.code, "title": ALIKE}
    url = "/api/v1/intake/similar"
    assert api("post", url, body, "resident").json() == []
    assert api("post", url, {**body, "address": B_BUILDING}, "resident").json() == []
    near = api("post", url, {**body, "lat": NEAR_B[0], "lng": NEAR_B[1]}, "resident")
    assert [item["code"] for item in near.json()] == [streets.master.code]
    assert near.json()[0]["full"] is False and nothing_private(near.content.decode())

    page = web("resident")
    draft = {"title": ALIKE, "category": streets.category.pk, "lat": "", "lng": ""}
    home = page.post(reverse("case-report-similar"), draft, HTTP_HX_REQUEST="true")
    assert home.status_code == 200 and "data-similar-case" not in home.content.decode()
    there = page.post(reverse("case-report-similar"), {**draft, "lat": NEAR_B[0], "lng": NEAR_B[1]},
                      HTTP_HX_REQUEST="true").content.decode()
    assert f'data-similar-case="{streets.master.code}"' in there and streets.category.plain_name in there
    assert nothing_private(there) and reverse("case", args=[streets.master.code]) not in there


# -- item 1: joining ----------------------------------------------------------------------------
@pytest.mark.parametrize("place", [{}, {"address": B_BUILDING}, {"lat": NOWHERE[0], "lng": NOWHERE[1]}],
                         ids=["from home", "naming the place", "from nowhere"])
def test_joining_the_other_streets_case_is_refused(streets, place):
    with pytest.raises(ValidationError) as refused:
        join(streets.resident, joinable(streets.resident, streets.master.code), title=ALIKE, **place)
    assert refused.value.code == "not_similar"
    assert Case.objects.count() == 1 and not Case.objects.filter(merged_into=streets.master).exists()


def test_joining_is_refused_through_the_api_and_the_page_too(world, streets, api, web):
    refused = api("post", f"/api/v1/intake/cases/{streets.master.code}/join", {"title": ALIKE}, "resident")
    assert refused.status_code == 422 and "not an open report of the same problem near you" in refused.json()["detail"]
    page = web("resident").post(reverse("case-report-join", args=[streets.master.code]),
                                {"title": ALIKE, "lat": "", "lng": ""}, HTTP_HX_REQUEST="true")
    assert page.status_code == 400 and "not an open report of the same problem near you" in page.content.decode()
    assert Case.objects.count() == 1


def test_a_neighbour_joins_from_home(streets):
    mine = join(streets.neighbour_b, streets.master, title=ALIKE)
    assert mine.merged_into == streets.master and mine.reporter == streets.neighbour_b.person


# -- item 1: what a follower sees ---------------------------------------------------------------
def test_a_follower_sees_the_public_form_only(world, streets, api, web):
    mine = follow(streets)
    master = streets.master
    assert mine.merged_into == master and mine.title == ALIKE
    assert not visible(streets.resident, Case.objects.filter(pk=master.pk)).exists()

    page = web("resident").get(reverse("case", args=[master.code]))
    html = page.content.decode()
    assert page.status_code == 200 and f'data-followed-case="{master.code}"' in html
    assert streets.category.plain_name in html and "测试B1社区第1网格" in html and mine.code in html
    assert nothing_private(html)
    client = web("resident")
    assert client.get(reverse("case-timeline", args=[master.code])).status_code == 404
    assert client.post(reverse("case-action", args=[master.code, "accept"]), {}).status_code == 404
    assert client.get(reverse("case", args=[mine.code])).status_code == 200  # their own report, in full

    assert api("get", f"/api/v1/cases/{master.code}", user="resident").status_code == 404
    progress = api("get", f"/api/v1/cases/{master.code}/progress", user="resident")
    assert progress.status_code == 200 and nothing_private(progress.content.decode())
    body = progress.json()
    assert set(body) == {"code", "status", "status_label", "category", "place", "reported_at", "resolution_due",
                         "closed_at", "merged_into", "steps", "own_cases"}
    assert body["own_cases"] == [mine.code] and body["place"] == "测试B1社区第1网格"
    assert [step["action"] for step in body["steps"]] == ["report"]  # its own merge is not a step of the master


def test_someone_who_does_not_follow_gets_404(world, streets, api, web):
    follow(streets)
    resident_of(world, "resident2", world.persons[1], "A1-1")
    assert web("resident2").get(reverse("case", args=[streets.master.code])).status_code == 404
    assert api("get", f"/api/v1/cases/{streets.master.code}/progress", user="resident2").status_code == 404
    with pytest.raises(NotFound):
        following.public_case(world.users["resident2"], streets.master.code)


def test_the_follower_follows_its_progress(world, streets, django_capture_on_commit_callbacks):
    mine = follow(streets)
    with django_capture_on_commit_callbacks(execute=True):  # the inbox is written once each step commits
        close(world, streets.master)
    followed = following.public_case(streets.resident, streets.master.code)
    assert followed.status == Status.CLOSED and followed.closed_at is not None
    assert [step.action for step in followed.steps] == ["report", "accept", "dispatch", "acknowledge", "handle",
                                                        "close"]
    # Told of each step about their own report, by its title (their own words), never the master's.
    # Changed with issue 17, item 7: before, about the master by its category, and never asked to rate;
    # now, once it is closed, they are asked to rate their own report (the master's rating stays its reporter's).
    assert not Notification.objects.about(streets.master).filter(user=streets.resident).exists()
    told = list(Notification.objects.about(mine).filter(user=streets.resident).values_list("text", flat=True))
    assert len(told) == 4 and all(ALIKE in text and nothing_private(text) for text in told)
    with translation.override(settings.LANGUAGE_CODE):
        please_rate = translation.gettext("closed — please rate it")
    assert not any(please_rate in text for text in told)
    assert str(mine.code) not in told[-1] and streets.master.code in told[-1]
    assert Notification.objects.about(streets.master).filter(user=streets.resident_b, text__contains=please_rate,
                                                             ).filter(text__contains=HARDSHIP).exists()  # the reporter is


# -- item 1: only the reporter rates ------------------------------------------------------------
def test_a_follower_cannot_rate_and_nothing_changes(world, streets, api, web):
    follow(streets)
    master = close(world, streets.master)
    tallies = list(Tally.objects.order_by("pk").values())
    assert "rate" not in available_actions(streets.resident, master)
    with pytest.raises(PermissionDenied):
        actors.require_reporter(streets.resident, master)
    with pytest.raises(NotFound):  # outside their scope: the same as a case that does not exist
        lifecycle.rate(streets.resident, master, "unsatisfied", "不满意")
    url = f"/api/v1/cases/{master.code}/actions/rate"
    assert api("post", url, {"rating": "unsatisfied"}, "resident").status_code == 404
    page = web("resident").post(reverse("case-action", args=[master.code, "rate"]), {"rating": "unsatisfied"})
    assert page.status_code == 404
    master.refresh_from_db()
    assert (master.status, master.rating, master.reopen_count, master.supervised) == (Status.CLOSED, "", 0, False)
    assert not master.timeline.filter(action__in=["rate", "reopen"]).exists()
    assert list(Tally.objects.order_by("pk").values()) == tallies  # the handler's assessment is untouched
    # The case's own reporter still rates it, and their 不满意 reopens it.
    assert "rate" in available_actions(streets.resident_b, master)
    master = lifecycle.rate(streets.resident_b, master, "unsatisfied", "还没解决")
    assert (master.status, master.reopen_count) == (Status.ACCEPTED, 1)


def test_a_follower_who_sees_the_case_anyway_still_cannot_rate(world, streets):
    """A grid worker of B1-1 with a person record follows the case through “me too” and sees it in
    full through their role: the rating is still not theirs."""
    worker = User.objects.create_user("worker_b", password=PASSWORD)
    RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER, unit=world.units["B1-1"])
    world.persons[10].user = worker
    world.persons[10].save()
    join(worker, streets.master, title=ALIKE, address=B_BUILDING)  # staff: anywhere they name
    master = close(world, streets.master)
    assert visible(worker, Case.objects.filter(pk=master.pk)).exists()
    assert "rate" not in available_actions(worker, master)
    with pytest.raises(PermissionDenied):
        lifecycle.rate(worker, master, "unsatisfied")
    master.refresh_from_db()
    assert (master.status, master.rating, master.reopen_count) == (Status.CLOSED, "", 0)


# -- item 6: the assigned handler --------------------------------------------------------------
@pytest.fixture
def dispatched(world):
    """A grid matter of grid A1-1 in street A's queue, and a worker of micro-grid A1-1-2 (outside
    the grid-level unit the case is located to)."""
    worker = User.objects.create_user("micro_worker", password=PASSWORD)
    RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER, unit=world.units["A1-1-2"])
    world.users["micro_worker"] = worker
    case = filing.report(district=world.units["district"], channel="app", title="楼下暴露垃圾",
                         category=world.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1],
                         reporter=world.persons[0], reported_by=world.users["resident"], route=False)
    assert case.unit == world.units["A1-1"]
    dispatcher = world.users["street_dispatcher"]
    return SimpleNamespace(case=lifecycle.accept(dispatcher, case), worker=worker, dispatcher=dispatcher)


def test_the_handler_sees_and_acts_on_a_case_outside_their_microgrid(world, dispatched, api, web,
                                                                    django_capture_on_commit_callbacks):
    case, worker = dispatched.case, dispatched.worker
    detail = f"/api/v1/cases/{case.code}"
    assert api("get", detail, user="micro_worker").status_code == 404  # not theirs yet
    with django_capture_on_commit_callbacks(execute=True):
        case = lifecycle.dispatch(dispatched.dispatcher, case, to_user=worker)
    assert Notification.objects.about(case).filter(user=worker).exists()
    assert api("get", detail, user="micro_worker").status_code == 200
    client = web("micro_worker")
    assert client.get(reverse("case", args=[case.code])).status_code == 200
    assert case.code in client.get(reverse("my-tasks")).content.decode()
    acknowledged = api("post", f"{detail}/actions/acknowledge", user="micro_worker")
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == Status.ACKNOWLEDGED
    handled = api("post", f"{detail}/actions/handle", {"note": "已清理"}, user="micro_worker")
    assert handled.status_code == 200 and handled.json()["status"] == Status.HANDLED


def test_once_given_to_someone_else_the_handler_no_longer_sees_it(world, dispatched, api, web):
    case, worker = dispatched.case, dispatched.worker
    case = lifecycle.dispatch(dispatched.dispatcher, case, to_user=worker)
    returned = api("post", f"/api/v1/cases/{case.code}/actions/return", {"reason": "不在我的楼栋"}, user="micro_worker")
    assert returned.status_code == 200
    assert api("get", f"/api/v1/cases/{case.code}", user="micro_worker").status_code == 404
    case = lifecycle.dispatch(dispatched.dispatcher, Case.objects.get(pk=case.pk), to_user=world.users["grid_worker"])
    assert not visible(worker, Case.objects.filter(pk=case.pk)).exists()
    assert web("micro_worker").get(reverse("case", args=[case.code])).status_code == 404
    assert api("post", f"/api/v1/cases/{case.code}/actions/acknowledge", user="micro_worker").status_code == 404
    assert api("get", f"/api/v1/cases/{case.code}", user="grid_worker").status_code == 200
