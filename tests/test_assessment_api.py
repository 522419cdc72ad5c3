"""The assessment API (/api/v1/assessment): figures, boards, rankings and weights, on the month of
``test_assessment_reports.walk_cases``; scoped like the pages (outside the reach 404, wrong role
403), bad input 422 with a message, never a 500."""
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gridgov.accounts.models import ApiToken
from gridgov.assessment.models import ScoreWeight
from gridgov.assessment.services import scoring

from .test_assessment_reports import MARCH, walk_cases

#: Worked out by hand on a handful of cases: every rate counts whatever its sample (conftest).
pytestmark = pytest.mark.usefixtures("every_rate_counts")

BASE = "/api/v1/assessment"


@pytest.fixture
def api(world):
    client, tokens = Client(), {}

    def call(method, path, user="district_admin", data=None, language="en", **query):
        if user not in tokens:
            tokens[user] = ApiToken.issue(world.users[user] if user in world.users
                                          else User.objects.get(username=user))
        headers = {"Authorization": f"Bearer {tokens[user]}", "Accept-Language": language}
        if method == "get":
            return client.get(BASE + path, query, headers=headers)
        return client.put(BASE + path, json.dumps(data), content_type="application/json", headers=headers)

    return call


@pytest.fixture
def scored(world):
    return walk_cases(world)


def ok(response):
    assert response.status_code == 200, response.content.decode()
    return response.json()


def refused(response, status):
    assert response.status_code == status, response.content.decode()
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


def test_figures(api, scored):
    district = ok(api("get", "/figures", period=MARCH))
    assert district["subject"] == {"kind": "unit", "code": "510113", "name": "青白江区"}
    assert district["period"] == {"period": "2024-03", "kind": "month", "start": "2024-03-01", "end": "2024-03-31",
                                  "previous": "2024-02",
                                  "compared_with": "2024-02"}
    assert district["current"]["closure_rate"] == 75.0 and district["previous"]["closure_rate"] is None
    assert district["grade"] == "A" and district["counts"]["closures"] == 3
    street_b = ok(api("get", "/figures", unit=scored.units["B"].code, period=MARCH))
    assert (street_b["score"], street_b["grade"]) == (74.4, "C")
    department = ok(api("get", "/figures", department="chengguan", period=MARCH))
    assert (department["subject"]["kind"], department["score"], department["current"]["return_rate"]) == \
        ("department", 73.6, 33.3)
    worker = ok(api("get", "/figures", worker="grid_worker", period=MARCH))
    assert (worker["subject"]["name"], worker["score"]) == ("grid_worker", 100.0)
    big = ok(api("get", "/figures", category=scored.categories["big"].code, period=MARCH))
    assert big["category"] == "9903" and big["current"]["closure_rate"] == 50.0
    # Each role's default subject.
    assert ok(api("get", "/figures", "street_dispatcher", period=MARCH))["subject"]["code"] == scored.units["A"].code
    assert ok(api("get", "/figures", "dept_chengguan", period=MARCH))["subject"]["code"] == "chengguan"
    assert ok(api("get", "/figures", "grid_worker", period=MARCH))["subject"]["code"] == "grid_worker"


def test_board_and_rankings(api, scored):
    a, b = scored.units["A"].code, scored.units["B"].code
    ranking = ok(api("get", "/rankings", by="street", period=MARCH))
    assert [(r["rank"], r["code"], r["score"], r["grade"], r["list"]) for r in ranking["rows"]] == [
        (1, a, 100.0, "A", "red"), (2, b, 74.4, "C", "black")]
    assert (ranking["red"], ranking["black"]) == ([a], [b])
    assert ranking["rows"][1]["figures"]["return_rate"] == 33.3
    assert ranking["weights"] == scoring.DEFAULT_WEIGHTS["unit"]
    default = ok(api("get", "/rankings", period=MARCH))
    assert default["by"] == "street"
    departments = ok(api("get", "/rankings", by="department", period=MARCH))
    assert [r["code"] for r in departments["rows"]] == ["chengguan", "gongan"] and departments["black"] == ["chengguan"]

    board = ok(api("get", "/board", by="community", unit=b, period=MARCH))
    assert board["within"]["code"] == b
    assert [r["code"] for r in board["rows"]] == [scored.units["B1"].code, scored.units["B2"].code]
    assert board["rows"][0]["figures"]["closure_rate"] == 50.0 and board["rows"][1]["score"] is None
    grids = ok(api("get", "/board", unit=scored.units["A1"].code, period=MARCH))
    assert grids["by"] == "grid" and grids["rows"][0]["grade"] == "A"
    mine = ok(api("get", "/board", "street_dispatcher", period=MARCH))
    assert mine["by"] == "community" and [r["code"] for r in mine["rows"]] == [scored.units["A1"].code,
                                                                             scored.units["A2"].code]
    workers = ok(api("get", "/board", "community_staff", by="worker", period=MARCH))
    assert [(r["code"], r["score"]) for r in workers["rows"]] == [("grid_worker", 100.0), ("grid_worker2", None)]


SCOPE = [
    # (user, path, query, status)
    ("street_dispatcher", "/figures", {"unit": "B"}, 404),
    ("street_dispatcher", "/figures", {"unit": "A1"}, 200),
    ("street_dispatcher", "/figures", {"department": "chengguan"}, 403),
    ("dept_chengguan", "/figures", {"department": "gongan"}, 404),
    ("dept_chengguan", "/figures", {"unit": "A"}, 403),
    ("grid_worker", "/figures", {"worker": "grid_worker2"}, 404),
    ("resident", "/figures", {}, 403),
    ("street_dispatcher", "/board", {"unit": "B"}, 404),
    ("street_dispatcher", "/board", {"by": "street"}, 403),
    ("community_staff", "/board", {"unit": "A1-1", "by": "grid"}, 403),
    ("dept_chengguan", "/board", {}, 403),
    ("street_dispatcher", "/rankings", {"by": "department"}, 403),
    ("street_dispatcher", "/rankings", {"by": "community"}, 200),
    ("grid_worker", "/rankings", {}, 403),
    ("resident", "/rankings", {}, 403),
    ("district_dispatcher", "/rankings", {"by": "department"}, 200),
]


def test_scope(api, world):
    for user, path, query, status in SCOPE:
        query = {key: world.units[value].code if key == "unit" else value for key, value in query.items()}
        response = api("get", path, user, period=MARCH, **query)
        assert response.status_code == status, (user, path, query, response.content.decode())
        assert response["Content-Type"].startswith("application/json")


def test_bad_input_is_422_with_a_message(api, world):
    assert "Not a period" in refused(api("get", "/figures", period="2024-13"), 422)
    assert "between the years" in refused(api("get", "/rankings", period="0001"), 422)
    assert "No category has the code" in refused(api("get", "/figures", category="77"), 422)
    assert "not several" in refused(api("get", "/figures", unit="510113", department="chengguan"), 422)
    assert "unit" in refused(api("get", "/figures", unit="abc"), 422)
    assert "by" in refused(api("get", "/rankings", by="planet"), 422)
    assert "subject" in refused(api("get", "/weights/planet"), 422)
    assert "cannot rank" in refused(api("get", "/rankings", "street_dispatcher", by="street"), 403)
    assert refused(Client().get(BASE + "/figures"), 401)


def test_weights(api, world):
    assert ok(api("get", "/weights/unit")) == {"district": "510113", "subject": "unit",
                                               "weights": scoring.DEFAULT_WEIGHTS["unit"], "default": True}
    assert ok(api("get", "/weights/worker", "street_dispatcher"))["weights"] == scoring.DEFAULT_WEIGHTS["worker"]
    saved = ok(api("put", "/weights/department", data={"weights": {"response_rate": 60, "satisfaction_rate": 40}}))
    assert saved["weights"] == {"response_rate": 60, "satisfaction_rate": 40} and not saved["default"]
    # Refused whole: nothing changes.
    assert "rate figure" in refused(api("put", "/weights/department",
                                        data={"weights": {"response_rate": 10, "ack_mean_hours": 5}}), 422)
    assert "0 to 100" in refused(api("put", "/weights/department", data={"weights": {"response_rate": 101}}), 422)
    assert "above 0" in refused(api("put", "/weights/department", data={"weights": {"response_rate": 0}}), 422)
    refused(api("put", "/weights/department", data={"weights": {"response_rate": "lots"}}), 422)
    refused(api("put", "/weights/department", data=["response_rate"]), 422)
    assert scoring.weights("510113", "department") == {"response_rate": 60, "satisfaction_rate": 40}
    for user in ("district_dispatcher", "street_dispatcher", "dept_chengguan"):
        refused(api("put", "/weights/unit", user, data={"weights": {"response_rate": 1}}), 403)
    refused(api("get", "/weights/unit", "resident"), 403)
    assert not ScoreWeight.objects.filter(subject="unit").exists()


def test_schema_lists_the_endpoints(api, world):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/assessment/figures", "/api/v1/assessment/board", "/api/v1/assessment/rankings",
            "/api/v1/assessment/weights/{subject}"} <= set(paths)
