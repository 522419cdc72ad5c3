"""The cases API end to end: both loops driven only through HTTP, every transition, the list and its
filters against data made here, scope per role, every refusal class with its status code and its
message in the caller's language, malformed input (4xx, never a 500), the catalogue and the schema.

The concurrency of two dispatchers is in test_cases_concurrency.py (it needs PostgreSQL)."""
import datetime as dt
import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts.models import ApiToken, Role, RoleAssignment
from gridgov.cases.models import Case, Photo, TimelineEntry
from gridgov.cases.services import filing
from tests.cases_world import IN_A1_1, IN_A1_2, IN_B1_1, photo
from tests.factories import PASSWORD

CASES = "/api/v1/cases"


def act(code, action):
    return f"{CASES}/{code}/actions/{action}"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api(world):
    """Call the API as a user of the world through a bearer token; JSON unless ``files`` are sent
    (then a multipart form with the fields and the ``photos``)."""
    client = Client()
    tokens = {}

    def call(method, url, data=None, user="district_admin", language=None, files=None, raw=None):
        headers = {}
        if user is not None:
            if user not in tokens:
                tokens[user] = ApiToken.issue(world.users[user] if user in world.users else User.objects.get(username=user))
            headers["Authorization"] = f"Bearer {tokens[user]}"
        if language:
            headers["Accept-Language"] = language
        if method == "get":
            return client.get(url, data or {}, headers=headers)
        if files is not None:
            return client.post(url, {**(data or {}), "photos": files}, headers=headers)
        body = raw if raw is not None else ("" if data is None else json.dumps(data))
        return client.post(url, body, content_type="application/json", headers=headers)

    return call


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def detail(response, status):
    """The refusal's status and its one readable sentence."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    text = response.json()["detail"]
    assert isinstance(text, str) and text
    return text


def chinese(text):
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def report(api, user="resident", category="9901", at=IN_A1_1, **fields):
    body = {"title": fields.pop("title", "楼下有暴露垃圾"), "category": category, **fields}
    if at:
        body.update(lat=at[0], lng=at[1])
    return ok(api("post", CASES, body, user=user), 201)


def steps(case_code):
    return list(TimelineEntry.objects.filter(case__code=case_code).order_by("seq").values_list("action", flat=True))


def add_user(world, username, role, unit, department=None, person=None):
    user = User.objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, unit=world.units[unit], department=department)
    if person is not None:
        person.user = user
        person.save()
    world.users[username] = user
    return user


# -- the small loop ------------------------------------------------------------------------------
def test_small_loop_end_to_end(world, api, client):
    # A real token, through the token endpoint, for the resident.
    token = client.post("/api/v1/auth/token", {"username": "resident", "password": PASSWORD},
                        content_type="application/json").json()["token"]
    response = client.post(CASES, json.dumps({"title": "楼下有暴露垃圾", "category": "9901", "lat": IN_A1_1[0],
                                              "lng": IN_A1_1[1], "contact_phone": "13812345678"}),
                           content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    case = ok(response, 201)
    code = case["code"]
    assert (case["status"], case["channel"], case["small_loop"], case["level"]) == ("dispatched", "app", True, "grid")
    assert case["unit"] == {"code": world.units["A1-1"].code, "name": world.units["A1-1"].name}
    assert case["handler"] == {"user": "grid_worker", "grid": None, "departments": []}
    assert case["contact_phone"] == "138****5678"
    assert case["actions"] == []
    assert Case.objects.get(code=code).reporter == world.persons[0]

    worker_view = ok(api("get", f"{CASES}/{code}", user="grid_worker"))
    assert worker_view["actions"] == ["acknowledge", "return"]
    assert ok(api("post", act(code, "acknowledge"), user="grid_worker"))["status"] == "acknowledged"
    handled = ok(api("post", act(code, "handle"), {"note": "已清运"}, user="grid_worker",
                     files=[photo("before.png"), photo("after.png")]))
    assert handled["status"] == "handled"
    assert [p["stage"] for p in handled["photos"]] == ["handle", "handle"]
    assert all(p["url"].startswith(f"http://testserver/api/v1/cases/{code}/photos/") for p in handled["photos"])
    assert handled["actions"] == []  # the handler does not verify their own handling
    assert ok(api("get", f"{CASES}/{code}", user="community_staff"))["actions"][-1:] == ["verify"]
    closed = ok(api("post", act(code, "verify"), {"passed": True, "note": "现场已清理"}, user="community_staff"))
    assert (closed["status"], closed["closed_on_time"]) == ("closed", True)

    mine = ok(api("get", f"{CASES}/{code}", user="resident"))
    assert mine["actions"] == ["rate"]
    rated = ok(api("post", act(code, "rate"), {"rating": "satisfied", "note": "很及时"}, user="resident"))
    assert (rated["status"], rated["rating"], rated["actions"]) == ("closed", "satisfied", [])
    assert [entry["action"] for entry in rated["timeline"]] == [
        "report", "accept", "dispatch", "acknowledge", "handle", "verify", "close", "rate"]
    assert [entry["actor"] for entry in rated["timeline"]] == [
        "resident", None, None, "grid_worker", "grid_worker", "community_staff", "community_staff", "resident"]
    assert [entry["seq"] for entry in rated["timeline"]] == list(range(1, 9))
    assert rated["timeline"][4]["data"] == {"photos": 2} and rated["timeline"][4]["note"] == "已清运"
    assert rated["timeline_intact"] is True
    assert rated["reported_at"].endswith("+08:00")
    assert [c["code"] for c in ok(api("get", CASES, user="resident"))["items"]] == [code]


def test_patrol_report_closed_at_once_in_one_multipart_request(world, api):
    fields = {"title": "路边小广告", "category": "9901", "lat": str(IN_A1_1[0]), "lng": str(IN_A1_1[1]),
              "close_now": "true", "handling_note": "巡查发现，当场清理"}
    refused = api("post", CASES, fields, user="grid_worker", files=[])
    assert "photo" in detail(refused, 422).lower() or chinese(detail(refused, 422))
    assert not Case.objects.exists()  # all or nothing
    case = ok(api("post", CASES, fields, user="grid_worker", files=[photo()]), 201)
    assert (case["status"], case["channel"], case["handler"]["user"]) == ("closed", "patrol", "grid_worker")
    assert [p["stage"] for p in case["photos"]] == ["report"]
    assert steps(case["code"])[-3:] == ["handle", "verify", "close"]
    assert Case.objects.get(code=case["code"]).reporter is None  # a worker's patrol has no resident to rate it


def test_a_report_without_coordinates_from_a_grid_worker_lands_in_their_grid(world, api):
    case = report(api, user="grid_worker", at=None, address="1栋门口")
    assert case["unit"]["code"] == world.units["A1-1"].code and case["address"] == "1栋门口"
    hotline = report(api, user="district_dispatcher", category="9903", at=None, channel="hotline",
                     contact_name="王先生", contact_phone="13900001111", external_id="12345-0001")
    assert (hotline["unit"]["code"], hotline["queue"], hotline["channel"]) == ("510113", "510113", "hotline")
    assert (hotline["contact_name"], hotline["contact_phone"], hotline["external_id"]) == (
        "王先生", "139****1111", "12345-0001")
    assert report(api, user="dept_chengguan", category="9903")["channel"] == "other"


# -- the big loop --------------------------------------------------------------------------------
def test_big_loop_with_departments_whistle_and_extension(world, api):
    add_user(world, "police", Role.DEPARTMENT_STAFF, "district", department=world.departments["gongan"])
    case = report(api, category="9903", title="小区内违章搭建")
    code = case["code"]
    assert (case["status"], case["queue"], case["level"]) == ("reported", world.units["A"].code, "street")
    dispatcher = ok(api("get", f"{CASES}/{code}", user="street_dispatcher"))["actions"]
    assert {"accept", "reject", "escalate", "suspend", "merge", "supervise", "whistle"} <= set(dispatcher)
    assert ok(api("post", act(code, "accept"), {"note": "受理"}, user="street_dispatcher"))["status"] == "accepted"

    # 吹哨报到: the street calls 城管 and 公安; 城管 reports in.
    assert code not in [c["code"] for c in ok(api("get", CASES, user="dept_chengguan"))["items"]]
    whistled = ok(api("post", act(code, "whistle"), {"departments": ["chengguan", "gongan"], "limit_minutes": 30,
                                                       "note": "请速到现场"}, user="street_dispatcher"))
    assert whistled["whistled"] is True
    assert [(c["department"], c["limit_minutes"], c["reported_at"]) for c in whistled["whistle_calls"]] == [
        ("chengguan", 30, None), ("gongan", 30, None)]
    listed = ok(api("get", CASES, user="dept_chengguan"))["items"]
    assert [(c["code"], c["actions"]) for c in listed] == [(code, ["report_in"])]
    reported_in = ok(api("post", act(code, "report_in"), user="dept_chengguan"))
    chengguan_call = next(c for c in reported_in["whistle_calls"] if c["department"] == "chengguan")
    assert chengguan_call["reported_at"] and chengguan_call["late"] is False

    # 派遣 to a lead and an assisting department (联动处置).
    dispatched = ok(api("post", act(code, "dispatch"), {"lead": "chengguan", "assisting": ["gongan"], "note": "联合处置"},
                        user="street_dispatcher"))
    assert dispatched["status"] == "dispatched" and dispatched["response_due"]
    assert dispatched["handler"] == {"user": None, "grid": None, "departments": ["城管", "公安"]}
    assert [(a["department"], a["lead"], a["status"]) for a in dispatched["assignments"]] == [
        ("chengguan", True, "dispatched"), ("gongan", False, "dispatched")]

    # The assisting department acknowledges and gives feedback; the case waits for the lead.
    assert ok(api("post", act(code, "acknowledge"), user="police"))["status"] == "dispatched"
    assert ok(api("post", act(code, "handle"), {"note": "已配合维持秩序"}, user="police"))["status"] == "dispatched"
    assert ok(api("post", act(code, "acknowledge"), user="dept_chengguan"))["status"] == "acknowledged"

    # 延期: the lead asks, the street grants.
    before = ok(api("get", f"{CASES}/{code}", user="dept_chengguan"))["resolution_due"]
    asked = ok(api("post", act(code, "request_extension"), {"days": 2, "reason": "需等待鉴定"}, user="dept_chengguan"))
    assert asked["extensions"][0]["granted"] is None
    assert "decide_extension" in ok(api("get", f"{CASES}/{code}", user="street_dispatcher"))["actions"]
    granted = ok(api("post", act(code, "decide_extension"), {"granted": True, "note": "同意"}, user="street_dispatcher"))
    assert granted["extension_days"] == 2 and granted["resolution_due"] > before
    assert [(e["days"], e["granted"], e["decided_by"]) for e in granted["extensions"]] == [(2.0, True, "street_dispatcher")]

    closed = ok(api("post", act(code, "handle"), {"note": "违建已拆除"}, user="dept_chengguan"))
    assert closed["status"] == "closed"  # the category needs no verification
    assert ok(api("post", act(code, "rate"), {"rating": "basically"}, user="resident"))["rating"] == "basically"
    scored = ok(api("post", act(code, "rate_department"), {"department": "chengguan", "score": 4},
                    user="street_dispatcher"))
    assert {c["department"]: c["score"] for c in scored["whistle_calls"]} == {"chengguan": 4, "gongan": None}
    assert steps(code) == ["report", "accept", "whistle", "report_in", "dispatch", "acknowledge", "feedback",
                           "acknowledge", "request_extension", "grant_extension", "handle", "close", "rate",
                           "rate_department"]
    assert scored["timeline_intact"] is True


# -- the other transitions -------------------------------------------------------------------------
def test_reject_escalate_suspend_resume_and_supervise(world, api):
    rejected = report(api, category="9903")
    done = ok(api("post", act(rejected["code"], "reject"), {"reason": "duplicate", "note": "重复"}, user="street_dispatcher"))
    assert (done["status"], done["reject_reason"]) == ("rejected", "duplicate")

    code = report(api)["code"]
    ok(api("post", act(code, "acknowledge"), user="grid_worker"))
    up = ok(api("post", act(code, "escalate"), {"note": "需社区协调"}, user="grid_worker"))
    assert (up["status"], up["queue"], up["level"], up["escalation_count"]) == ("accepted", world.units["A1"].code,
                                                                                "community", 1)
    assert ok(api("post", act(code, "escalate"), user="community_staff"))["queue"] == world.units["A"].code

    suspended = ok(api("post", act(code, "suspend"), {"reason": "等待鉴定"}, user="street_dispatcher"))
    assert suspended["status"] == "suspended" and "resume" in suspended["actions"]
    assert ok(api("post", act(code, "resume"), {"note": "鉴定完成"}, user="street_dispatcher"))["status"] == "accepted"

    supervised = ok(api("post", act(code, "supervise"), {"note": "请尽快处理"}, user="district_dispatcher"))
    assert supervised["supervised"] is True
    assert steps(code)[-5:] == ["escalate", "escalate", "suspend", "resume", "supervise"]


def test_return_then_dispatch_to_a_grid_and_to_a_person(world, api):
    code = report(api)["code"]
    returned = ok(api("post", act(code, "return"), {"reason": "不在本网格"}, user="grid_worker"))
    assert (returned["status"], returned["return_count"], returned["handler"]["user"]) == ("accepted", 1, None)
    to_grid = ok(api("post", act(code, "dispatch"), {"to_grid": world.units["A1-1"].code}, user="community_staff"))
    assert to_grid["handler"] == {"user": None, "grid": world.units["A1-1"].code, "departments": []}
    assert ok(api("post", act(code, "acknowledge"), user="grid_worker"))["handler"]["user"] == "grid_worker"

    community = report(api, category="9904", title="邻里纠纷")["code"]
    ok(api("post", act(community, "accept"), user="community_staff"))
    person = ok(api("post", act(community, "dispatch"), {"to_user": "community_staff"}, user="community_staff"))
    assert (person["level"], person["handler"]["user"]) == ("community", "community_staff")


def test_failed_verification_and_an_unsatisfied_rating_reopen(world, api):
    code = report(api)["code"]
    ok(api("post", act(code, "acknowledge"), user="grid_worker"))
    ok(api("post", act(code, "handle"), {"note": "已处理"}, user="grid_worker"))
    rework = ok(api("post", act(code, "verify"), {"passed": False, "note": "仍有垃圾"}, user="community_staff"))
    assert (rework["status"], rework["rework_count"]) == ("acknowledged", 1)
    ok(api("post", act(code, "handle"), {"note": "重新清理"}, user="grid_worker"))
    ok(api("post", act(code, "verify"), {"passed": True}, user="community_staff"))
    reopened = ok(api("post", act(code, "rate"), {"rating": "unsatisfied", "note": "没清干净"}, user="resident"))
    assert (reopened["status"], reopened["reopen_count"], reopened["supervised"]) == ("accepted", 1, True)
    assert steps(code)[-2:] == ["rate", "reopen"]


def test_merge_a_duplicate_into_its_master(world, api):
    master = report(api, user="grid_worker", category="9903", title="违章搭建")["code"]
    duplicate = report(api, category="9903", title="违章搭建（重复）")["code"]
    unknown = api("post", act(duplicate, "merge"), {"into": "5101130000000000000"}, user="street_dispatcher")
    assert "5101130000000000000" in detail(unknown, 422)
    merged = ok(api("post", act(duplicate, "merge"), {"into": master, "note": "重复上报"}, user="street_dispatcher"))
    assert (merged["status"], merged["merged_into"]) == ("merged", master)
    assert steps(master)[-1] == "merged_in"
    # The duplicate's reporter now follows the master case: its progress in the public form, not the
    # case itself (changed with the case scope fix, security review item 1).
    assert api("get", f"{CASES}/{master}", user="resident").status_code == 404
    progress = ok(api("get", f"{CASES}/{master}/progress", user="resident"))
    assert (progress["code"], progress["own_cases"]) == (master, [duplicate])


# -- the list and its filters ------------------------------------------------------------------------
def at(year, month, day, hour, minute=0):
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))  # Asia/Shanghai


@pytest.fixture
def listed(world):
    """Cases with known attributes, reported at known local times (the factory's users)."""
    users, categories, district = world.users, world.categories, world.units["district"]

    def make(title, category, where, when, channel="app", by="resident"):
        user = users[by]
        return filing.report(district=district, channel=channel, title=title, category=categories[category],
                             lat=where[0] if where else None, lng=where[1] if where else None,
                             reporter=user.person if by == "resident" else None, reported_by=user, reported_at=when)

    cases = {
        "late evening": make("暴露垃圾 晚", "small", IN_A1_1, at(2024, 3, 4, 23, 30)),
        "after midnight": make("暴露垃圾 凌晨", "small", IN_A1_2, at(2024, 3, 5, 0, 10), "patrol", "grid_worker2"),
        "big": make("违章搭建", "big", IN_B1_1, at(2024, 3, 6, 9), "hotline", "district_dispatcher"),
        "community": make("邻里纠纷", "community", IN_A1_1, at(2024, 3, 7, 9)),
        "unlocated": make("噪音扰民", "big", None, at(2024, 3, 8, 9), "hotline", "district_dispatcher"),
    }
    Case.objects.update(light="green")  # the lights as of now would all be red: set them by hand
    Case.objects.filter(pk=cases["big"].pk).update(light="red")
    Case.objects.filter(pk=cases["community"].pk).update(light="yellow")
    return cases


FILTERS = [
    ({}, ["unlocated", "community", "big", "after midnight", "late evening"]),
    ({"status": "dispatched"}, ["after midnight", "late evening"]),
    ({"status": "reported"}, ["unlocated", "community", "big"]),
    ({"open": "true"}, ["unlocated", "community", "big", "after midnight", "late evening"]),
    ({"open": "false"}, []),
    ({"category": "99"}, ["unlocated", "community", "big", "after midnight", "late evening"]),
    ({"category": "9901"}, ["after midnight", "late evening"]),
    ({"category": "9903"}, ["unlocated", "big"]),
    ({"category": "01"}, []),
    ({"unit": "A1"}, ["community", "after midnight", "late evening"]),
    ({"unit": "A1-1"}, ["community", "late evening"]),
    ({"unit": "B"}, ["big"]),
    ({"unit": "district"}, ["unlocated", "community", "big", "after midnight", "late evening"]),
    ({"channel": "hotline"}, ["unlocated", "big"]),
    ({"channel": "patrol"}, ["after midnight"]),
    ({"light": "red"}, ["big"]),
    ({"light": "yellow"}, ["community"]),
    # Days are Shanghai days: 23:30 on the 4th is the 4th, 00:10 on the 5th (16:10 UTC on the 4th) the 5th.
    ({"reported_from": "2024-03-05"}, ["unlocated", "community", "big", "after midnight"]),
    ({"reported_to": "2024-03-04"}, ["late evening"]),
    ({"reported_from": "2024-03-05", "reported_to": "2024-03-06"}, ["big", "after midnight"]),
    ({"reported_to": "9999-12-31"}, ["unlocated", "community", "big", "after midnight", "late evening"]),
    ({"q": "暴露垃圾"}, ["after midnight", "late evening"]),
    ({"q": "凌晨", "unit": "A1-2"}, ["after midnight"]),
    ({"category": "9901", "channel": "app"}, ["late evening"]),
]


@pytest.mark.parametrize("query, expected", FILTERS, ids=[json.dumps(q, ensure_ascii=False) for q, _ in FILTERS])
def test_list_filters(world, api, listed, query, expected):
    if "unit" in query:
        query = {**query, "unit": world.units[query["unit"]].code}
    body = ok(api("get", CASES, query, user="district_dispatcher"))
    assert [item["code"] for item in body["items"]] == [listed[name].code for name in expected]
    assert body["count"] == len(expected)


def test_list_items_and_pages(world, api, listed):
    body = ok(api("get", CASES, {"limit": 2, "offset": 1}, user="community_staff"))
    assert body["count"] == 3  # community, after midnight, late evening
    assert [item["code"] for item in body["items"]] == [listed["after midnight"].code, listed["late evening"].code]
    item = body["items"][1]
    assert set(item) == {"code", "title", "status", "status_label", "category", "channel", "unit", "light",
                         "reported_at", "response_due", "resolution_due", "supervised", "whistled", "reopen_count",
                         "handler", "actions"}
    assert item["category"] == {"code": "9901", "name": "暴露垃圾"}
    assert item["reported_at"] == "2024-03-04T23:30:00+08:00"
    assert item["handler"] == {"user": "grid_worker", "grid": None, "departments": []}
    assert {"suspend", "merge"} <= set(item["actions"])
    english = ok(api("get", CASES, {"status": "reported"}, user="community_staff", language="en"))["items"]
    chinese_labels = ok(api("get", CASES, {"status": "reported"}, user="community_staff"))["items"]
    assert (english[0]["status_label"], chinese_labels[0]["status_label"]) == ("Reported", "已上报")


def test_the_list_costs_the_same_queries_for_one_case_or_many(world, api, listed):
    api("get", CASES, {"limit": 1}, user="district_dispatcher")  # issue the token first

    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            assert len(ok(api("get", CASES, {"limit": limit}, user="district_dispatcher"))["items"]) == limit
        return len(captured.captured_queries)

    assert queries(1) == queries(5)


def test_filtering_by_a_unit_outside_the_scope_is_404(world, api, listed):
    detail(api("get", CASES, {"unit": world.units["B1"].code}, user="grid_worker"), 404)
    detail(api("get", CASES, {"unit": "999999"}, user="district_admin"), 404)


# -- scope ---------------------------------------------------------------------------------------------
EXPECTED_SCOPE = {
    "district_admin": ["unlocated", "community", "big", "after midnight", "late evening"],
    "district_dispatcher": ["unlocated", "community", "big", "after midnight", "late evening"],
    "street_dispatcher": ["community", "after midnight", "late evening"],
    "community_staff": ["community", "after midnight", "late evening"],
    "grid_worker": ["community", "late evening"],
    "grid_worker2": ["after midnight"],
    "dept_chengguan": ["big"],  # dispatched to it below
    "resident": ["community", "late evening"],  # the cases they reported
}


@pytest.mark.parametrize("user", EXPECTED_SCOPE)
def test_each_role_lists_only_its_cases(world, api, listed, user):
    big = listed["big"]
    ok(api("post", act(big.code, "accept"), user="district_dispatcher"))
    ok(api("post", act(big.code, "dispatch"), {"lead": "chengguan"}, user="district_dispatcher"))
    codes = [item["code"] for item in ok(api("get", CASES, user=user))["items"]]
    assert codes == [listed[name].code for name in EXPECTED_SCOPE[user]]
    for name, case in listed.items():
        status = 200 if name in EXPECTED_SCOPE[user] else 404
        assert api("get", f"{CASES}/{case.code}", user=user).status_code == status, name


@pytest.mark.parametrize("outsider", ["grid_worker2", "dept_chengguan", "neighbour"])
def test_a_case_outside_the_scope_is_404_like_a_missing_one(world, api, outsider):
    add_user(world, "neighbour", Role.RESIDENT, "A1-1", person=world.persons[1])
    code = report(api, user="grid_worker")["code"]  # in A1-1, reported by the worker, not by a resident
    missing = detail(api("get", f"{CASES}/5101130000000000000", user=outsider), 404)
    assert detail(api("get", f"{CASES}/{code}", user=outsider), 404) == missing
    assert detail(api("post", act(code, "acknowledge"), user=outsider), 404) == missing
    assert detail(api("post", act(code, "no_such_action"), user=outsider), 404) == missing
    assert code not in [c["code"] for c in ok(api("get", CASES, user=outsider))["items"]]
    assert steps(code) == ["report", "accept", "dispatch"]


# -- refusals, in the caller's language ------------------------------------------------------------------
def test_wrong_state_is_409(world, api):
    code = report(api)["code"]
    chinese_text = detail(api("post", act(code, "verify"), {"passed": True}, user="grid_worker"), 409)
    english = detail(api("post", act(code, "verify"), {"passed": True}, user="grid_worker", language="en"), 409)
    assert chinese(chinese_text) and "已派遣" in chinese_text
    assert not chinese(english) and "Dispatched" in english
    detail(api("post", act(code, "rate"), {"rating": "satisfied"}, user="resident"), 409)
    detail(api("post", act(code, "report_in"), user="dept_chengguan"), 404)  # not its case at all
    assert Case.objects.get(code=code).status == "dispatched"


def test_wrong_role_is_403(world, api):
    code = report(api, category="9903")["code"]
    chinese_text = detail(api("post", act(code, "accept"), user="resident"), 403)  # the resident sees it, may not accept
    english = detail(api("post", act(code, "accept"), user="resident", language="en"), 403)
    assert chinese(chinese_text) and not chinese(english) and "dispatcher" in english
    detail(api("post", act(code, "supervise"), {"note": "督办"}, user="resident"), 403)
    detail(api("post", act(code, "whistle"), {"departments": ["chengguan"]}, user="resident"), 403)
    assert steps(code) == ["report"]


def test_no_or_a_bad_token_is_401(world, api):
    code = report(api)["code"]
    for url in [CASES, f"{CASES}/{code}", "/api/v1/categories"]:
        detail(api("get", url, user=None), 401)
    detail(api("post", act(code, "acknowledge"), user=None), 401)
    response = Client().get(CASES, headers={"Authorization": "Bearer not-a-token"})
    assert detail(response, 401) and response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_action_is_404(world, api):
    code = report(api)["code"]
    english = detail(api("post", act(code, "approve"), user="grid_worker", language="en"), 404)
    assert "approve" in english
    detail(api("post", act(code, "Accept"), user="grid_worker"), 404)


def test_dispatch_references_are_resolved_in_the_callers_scope(world, api):
    code = report(api, category="9903")["code"]
    ok(api("post", act(code, "accept"), user="street_dispatcher"))
    refusals = [
        ({"to_user": "grid_worker"}, "网格事项清单"),  # the admission rule: not a grid matter
        ({"to_grid": world.units["A1-1"].code}, "网格事项清单"),
        ({"to_user": "nobody"}, "nobody"),
        ({"to_user": "grid_worker", "lead": "chengguan"}, None),  # exactly one target
        ({}, None),
        ({"lead": "nosuch"}, "nosuch"),
        ({"lead": "chengguan", "assisting": ["chengguan"]}, None),  # distinct departments
        ({"assisting": ["gongan"]}, None),  # assisting needs a lead
        ({"to_grid": world.units["B1-1"].code}, None),  # outside the street
    ]
    for body, needle in refusals:
        text = detail(api("post", act(code, "dispatch"), body, user="street_dispatcher"), 422)
        assert needle is None or needle in text, (body, text)
    assert Case.objects.get(code=code).status == "accepted"
    assert steps(code) == ["report", "accept"]


def test_a_user_of_another_district_cannot_be_dispatched_to(world, api):
    from gridgov.structure.models import Unit

    other = Unit.objects.create(code="510114", kind="district", name="外区", short_name="外区")
    stranger = User.objects.create_user("stranger")
    RoleAssignment.objects.create(user=stranger, role=Role.DISTRICT_DISPATCHER, unit=other)
    code = report(api, category="9904")["code"]
    ok(api("post", act(code, "accept"), user="community_staff"))
    assert "stranger" in detail(api("post", act(code, "dispatch"), {"to_user": "stranger"}, user="community_staff"), 422)


def test_reporting_refusals(world, api):
    User.objects.create_user("roleless")
    assert detail(api("post", CASES, {"title": "x", "category": "9901"}, user="roleless"), 403)
    text = detail(api("post", CASES, {"title": "x", "category": "9901", "channel": "hotline"}, user="resident",
                      language="en"), 422)
    assert "app" in text
    # A resident account without a resident record cannot report as a resident.
    add_user(world, "unlinked", Role.RESIDENT, "A1-1")
    detail(api("post", CASES, {"title": "x", "category": "9901"}, user="unlinked"), 403)
    assert not Case.objects.exists()


# -- malformed input: always a JSON 4xx --------------------------------------------------------------------
HUGE = "9" * 30
BAD_REPORTS = [
    ("{not json", 400),
    ("[]", 422),
    ("null", 422),
    ('"text"', 422),
    ({}, 422),
    ({"title": 123, "category": "9901"}, 422),
    ({"title": "", "category": "9901"}, 422),
    ({"title": "  ", "category": "9901"}, 422),
    ({"title": "x" * 121, "category": "9901"}, 422),
    ({"title": "x", "category": "abc"}, 422),
    ({"title": "x", "category": "9999"}, 422),
    ({"title": "x", "category": "99"}, 422),  # not a leaf
    ({"title": "x", "category": ["9901"]}, 422),
    ({"title": "x", "category": "9901", "lat": "north", "lng": 104.05}, 422),
    ({"title": "x", "category": "9901", "lat": 91, "lng": 104.05}, 422),
    ({"title": "x", "category": "9901", "lat": 30.05}, 422),
    ({"title": "x", "category": "9901", "lat": 39.9, "lng": 116.4}, 422),  # outside the district
    ({"title": "x", "category": "9901", "lat": HUGE, "lng": 104.05}, 422),
    ({"title": "x", "category": "9901", "channel": "pigeon"}, 422),
    ({"title": "x", "category": "9901", "close_now": "maybe"}, 422),
    ({"title": "x", "category": "9901", "close_now": True}, 422),  # a resident is no grid worker on duty
    ({"title": "x", "category": "9901", "contact_phone": "call me"}, 422),
    ({"title": "x", "category": "9901", "address": "x" * 201}, 422),
    ({"title": "x", "category": "9901", "district": "510114"}, 422),
    ({"title": "x", "category": "9901", "district": 510113}, 422),
]


@pytest.mark.parametrize("body, status", BAD_REPORTS, ids=[str(b)[:60] for b, _ in BAD_REPORTS])
def test_bad_reports_are_a_json_4xx(world, api, body, status):
    raw = body if isinstance(body, str) else json.dumps(body)
    detail(api("post", CASES, raw=raw, user="resident"), status)
    assert not Case.objects.exists()


BAD_ACTIONS = [
    ("accept", "{not json", 400),
    ("accept", "[]", 422),
    ("accept", '"yes"', 422),
    ("acknowledge", "[1]", 422),
    ("accept", {"note": 5}, 422),
    ("reject", None, 422),
    ("reject", {"reason": "whatever"}, 422),
    ("dispatch", {"lead": "chengguan", "assisting": "gongan"}, 422),
    ("dispatch", {"to_grid": "abc"}, 422),
    ("dispatch", {"to_user": ["grid_worker"]}, 422),
    ("verify", {"passed": "perhaps"}, 422),
    ("return", {}, 422),
    ("return", {"reason": "x" * 201}, 422),
    ("request_extension", {"days": "many", "reason": "r"}, 422),
    ("request_extension", {"days": -1, "reason": "r"}, 422),
    ("request_extension", {"days": 31, "reason": "r"}, 422),
    ("request_extension", {"days": 1.25, "reason": "r"}, 422),
    ("request_extension", {"days": HUGE, "reason": "r"}, 422),
    ("decide_extension", {"granted": "perhaps"}, 422),
    ("merge", {"into": "x"}, 422),
    ("merge", {}, 422),
    ("rate", {"rating": "great"}, 422),
    ("whistle", {"departments": []}, 422),
    ("whistle", {"departments": "chengguan"}, 422),
    ("whistle", {"departments": ["chengguan"], "limit_minutes": 0}, 422),
    ("whistle", {"departments": ["chengguan"], "limit_minutes": HUGE}, 422),
    ("whistle", {"departments": ["chengguan"], "note": "x" * 201}, 422),
    ("whistle", {"departments": ["nosuch"]}, 422),
    ("rate_department", {"department": "chengguan", "score": 6}, 422),
    ("rate_department", {"department": "chengguan", "score": "four"}, 422),
    ("suspend", {"reason": " "}, 422),
]


@pytest.mark.parametrize("action, body, status", BAD_ACTIONS, ids=[f"{a} {b}"[:60] for a, b, _ in BAD_ACTIONS])
def test_bad_action_bodies_are_a_json_4xx(world, api, action, body, status):
    code = report(api, category="9903")["code"]
    raw = body if isinstance(body, str) else None if body is None else json.dumps(body)
    response = api("post", act(code, action), raw=raw if raw is not None else "", user="district_dispatcher")
    detail(response, status)
    assert steps(code) == ["report"]


BAD_QUERIES = [
    {"status": "lost"}, {"open": "perhaps"}, {"category": "1"}, {"category": "a1"}, {"unit": "abc"}, {"unit": HUGE},
    {"channel": "pigeon"}, {"light": "blue"}, {"reported_from": "yesterday"}, {"reported_to": "2024-02-30"},
    {"q": "x" * 51}, {"limit": 0}, {"limit": 201}, {"offset": -1}, {"offset": HUGE}, {"limit": "many"},
]


@pytest.mark.parametrize("query", BAD_QUERIES, ids=[str(q) for q in BAD_QUERIES])
def test_bad_list_queries_are_422(world, api, query):
    detail(api("get", CASES, query), 422)


@pytest.mark.parametrize("url", [f"{CASES}/abc", f"{CASES}/{HUGE}", f"{CASES}/5101130000000000000"])
def test_bad_or_unknown_case_codes(world, api, url):
    detail(api("get", url), 422 if not url.rsplit("/", 1)[1].isdigit() or len(url.rsplit("/", 1)[1]) > 24 else 404)


def test_a_file_that_is_not_an_image_is_refused(world, api):
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    fields = {"title": "x", "category": "9901", "lat": str(IN_A1_1[0]), "lng": str(IN_A1_1[1])}
    assert "photo.png" in detail(api("post", CASES, fields, user="resident", files=[fake], language="en"), 422)
    too_many = [photo(f"p{i}.png") for i in range(10)]
    detail(api("post", CASES, fields, user="resident", files=too_many), 422)
    assert not Case.objects.exists() and not Photo.objects.exists()


def test_a_broken_multipart_body_is_400(world, api):
    token = ApiToken.issue(world.users["resident"])
    response = Client().post(CASES, b"--nope\r\nbroken", content_type="multipart/form-data; boundary=",
                             headers={"Authorization": f"Bearer {token}"})
    detail(response, 400)


def test_the_web_session_works_and_posts_need_csrf(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["grid_worker"])
    assert browser.get(CASES).status_code == 200
    body = json.dumps({"title": "x", "category": "9901", "lat": IN_A1_1[0], "lng": IN_A1_1[1]})
    detail(browser.post(CASES, body, content_type="application/json"), 403)
    browser.get("/login/")
    created = browser.post(CASES, body, content_type="application/json",
                           headers={"X-CSRFToken": browser.cookies["csrftoken"].value})
    assert created.status_code == 201 and created.json()["channel"] == "patrol"


# -- catalogue and departments -------------------------------------------------------------------------------
def test_categories(world, api):
    everything = ok(api("get", "/api/v1/categories", user="resident"))
    codes = [c["code"] for c in everything]
    assert codes == sorted(codes) and {"99", "9901", "9903"} <= set(codes)
    small = next(c for c in everything if c["code"] == "9901")
    assert small == {"code": "9901", "name": "暴露垃圾", "plain_name": "暴露垃圾", "parent": "99", "is_leaf": True,
                     "handling_level": "grid", "handling_level_label": small["handling_level_label"],
                     "lead_department": "chengguan", "assisting_departments": [], "response_limit_hours": 2,
                     "resolution_limit_days": 1.0, "on_grid_list": True, "needs_verification": True,
                     "urgency": "normal"}
    assert next(c for c in everything if c["code"] == "99")["is_leaf"] is False
    leaves = ok(api("get", "/api/v1/categories", {"leaves": 1}))
    assert all(c["is_leaf"] for c in leaves) and "99" not in [c["code"] for c in leaves]
    grid_list = ok(api("get", "/api/v1/categories", {"grid_list": 1, "parent": "99"}))
    assert [c["code"] for c in grid_list] == ["9901", "9902"]
    assert [c["code"] for c in ok(api("get", "/api/v1/categories", {"q": "违法建设", "parent": "99"}))] == ["9903"]
    detail(api("get", "/api/v1/categories", {"leaves": "perhaps"}), 422)
    detail(api("get", "/api/v1/categories", {"parent": "x"}), 422)


def test_departments(world, api):
    body = ok(api("get", "/api/v1/departments", user="street_dispatcher"))
    assert [(d["code"], d["short_name"]) for d in body] == [("chengguan", "城管"), ("gongan", "公安")]


# -- the schema ----------------------------------------------------------------------------------------------------
def test_openapi_lists_the_case_paths(client):
    schema = client.get("/api/v1/openapi.json").json()
    actions = ["accept", "reject", "dispatch", "acknowledge", "return", "handle", "verify", "escalate",
               "request_extension", "decide_extension", "suspend", "resume", "merge", "supervise", "rate", "whistle",
               "report_in", "rate_department"]
    expected = {CASES, f"{CASES}/{{code}}", "/api/v1/categories", "/api/v1/departments",
                *(f"{CASES}/{{code}}/actions/{action}" for action in actions)}
    assert expected <= set(schema["paths"])
    assert f"{CASES}/{{code}}/actions/{{action}}" not in schema["paths"]
    assert set(schema["paths"][CASES]) == {"get", "post"}
    report_body = schema["paths"][CASES]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(report_body)
    handle_body = schema["paths"][f"{CASES}/{{code}}/actions/handle"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in handle_body
    operation_ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_a_superuser_names_the_district_and_forms_are_accepted_too(world, api):
    User.objects.create_superuser("root", password=PASSWORD)
    body = {"title": "井盖缺失", "category": "9903", "lat": IN_A1_1[0], "lng": IN_A1_1[1]}
    assert "district" in detail(api("post", CASES, body, user="root", language="en"), 422)
    detail(api("post", CASES, {**body, "district": "510114"}, user="root"), 422)  # no such district
    code = ok(api("post", CASES, {**body, "district": "510113"}, user="root"), 201)["code"]
    # A form post (as the UI's htmx sends) works like JSON.
    token = ApiToken.issue(world.users["street_dispatcher"])
    accepted = Client().post(act(code, "accept"), {"note": "受理"}, headers={"Authorization": f"Bearer {token}"})
    assert ok(accepted)["timeline"][-1]["note"] == "受理"
