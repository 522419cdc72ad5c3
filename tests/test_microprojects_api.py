"""The micro-project API: a project's whole way through the API, and each refusal's status."""
import datetime as dt

import pytest
from django.test import Client

from gridgov.microprojects.models import Project

from . import microprojects_world as mw

API = "/api/v1/microprojects"


@pytest.fixture
def w(district, monkeypatch):
    w = mw.build(district)
    w.decision = mw.Decision(monkeypatch)
    mw.set_rules(w, minimum=1, days=7)
    return w


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post(user, path, body=None):
    return client_for(user).post(f"{API}{path}", body or {}, content_type="application/json")


def test_a_project_through_the_api(w):
    need = post(w.staff, "/needs", {"community": "510113002001", "title": "楼道扶手", "households": 8,
                                    "place_unit": "510113002001001"})
    assert need.status_code == 201, need.content
    created = post(w.staff, "/projects", {
        "community": "510113002001", "kind": "renovation", "title": "加装扶手", "budget": "20000",
        "planned_start": "2026-06-01", "planned_end": "2026-07-01", "served_units": ["510113002001001"],
        "needs": [need.json()["id"]]})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["actions"] == ["review", "fund"]
    assert post(w.staff, f"/projects/{pk}/review", {"feasible": True, "reason": "可行"}).json()["status"] == "feasible"
    refused = post(w.staff, f"/projects/{pk}/decide", {"approve": True})
    assert refused.status_code == 422 and "resolution" in refused.json()["detail"]
    w.decision.pass_meeting(Project.objects.get(pk=pk))
    assert post(w.staff, f"/projects/{pk}/decide", {"approve": True}).json()["decision_route"] == "meeting"
    assert post(w.staff, f"/projects/{pk}/start").json()["status"] == "in_progress"
    line = post(w.staff, f"/projects/{pk}/funding-lines", {"source": "district", "allocated": "15000"})
    assert line.status_code == 201, line.content
    spent = post(w.staff, f"/funding-lines/{line.json()['id']}/spends", {"amount": "9000", "evidence": "发票 1"})
    assert spent.status_code == 201
    too_much = post(w.staff, f"/funding-lines/{line.json()['id']}/spends", {"amount": "6000.01", "evidence": "发票 2"})
    assert too_much.status_code == 422 and "5999.99" not in too_much.json()["detail"]
    assert "6000.00" in too_much.json()["detail"]
    assert post(w.staff, f"/projects/{pk}/milestones", {"title": "完工", "progress": 100}).status_code == 201
    assert post(w.staff, f"/projects/{pk}/accept", {"note": "验收合格"}).json()["status"] == "accepted"
    opened = post(w.staff, f"/projects/{pk}/open-evaluation").json()
    assert opened["status"] == "evaluating" and opened["min_responses"] == 1
    mine = client_for(w.resident).get(f"{API}/projects/{pk}").json()
    assert mine["actions"] == ["evaluate"]
    assert post(w.resident, f"/projects/{pk}/evaluations", {"score": 5, "comment": "好"}).status_code == 201
    again = post(w.resident, f"/projects/{pk}/evaluations", {"score": 4})
    assert again.status_code == 422
    outsider = post(w.res3, f"/projects/{pk}/evaluations", {"score": 4})
    assert outsider.status_code == 403
    early = post(w.staff, f"/projects/{pk}/close")
    assert early.status_code == 409
    ranked = client_for(w.staff).get(f"{API}/rankings").json()
    assert [r["project"] for r in ranked] == [pk] and ranked[0]["mean"] == 5.0
    assert [e["score"] for e in client_for(w.staff).get(f"{API}/projects/{pk}/evaluations").json()] == [5]


def test_bad_input_is_a_clear_4xx(w):
    assert post(w.staff, "/projects", {"community": "510113002001", "kind": "party", "title": "x", "budget": "1",
                                       "planned_start": "2026-06-01", "planned_end": "2026-06-02"}).status_code == 422
    assert post(w.staff, "/projects", {"community": "510113002001", "kind": "service", "title": "x", "budget": "-1",
                                       "planned_start": "2026-06-01", "planned_end": "2026-06-02"}).status_code == 422
    backwards = post(w.staff, "/projects", {"community": "510113002001", "kind": "service", "title": "x",
                                            "budget": "10", "planned_start": "2026-06-02",
                                            "planned_end": "2026-06-01", "served_units": ["510113002001001"]})
    assert backwards.status_code == 422 and not Project.objects.exists()
    project = mw.propose(w)
    assert post(w.staff, f"/projects/{project.pk}/review", {"feasible": True, "reason": ""}).status_code == 422
    assert post(w.resident, f"/projects/{project.pk}/review", {"feasible": True, "reason": "x"}).status_code == 403
    assert post(w.staff, f"/projects/{project.pk}/start").status_code == 409
    assert post(w.staff, "/projects/999999/start").status_code == 404
    rules = {"large_threshold": "1", "evaluation_days": 7, "min_responses": 1}
    department = w.d.users["dept_chengguan"]  # sees the district's structure, may not set its rules
    assert client_for(department).put(f"{API}/settings/510113", rules, content_type="application/json") \
        .status_code == 403
    assert client_for(w.staff).put(f"{API}/settings/510113", rules, content_type="application/json").status_code == 404
    settings = client_for(w.admin).put(f"{API}/settings/510113", {"large_threshold": "300000", "evaluation_days": 10,
                                                                  "min_responses": 3}, content_type="application/json")
    assert settings.status_code == 200 and settings.json()["min_responses"] == 3


def test_lists_through_the_api(w):
    mw.need(w)
    assert [n["title"] for n in client_for(w.resident).get(f"{API}/needs").json()] == ["楼道没有扶手"]
    made = post(w.staff, "/resources", {"community": "510113002001", "kind": "venue", "title": "活动室",
                                        "provider_kind": "unit", "provider_name": "物业",
                                        "available_from": str(dt.date(2026, 6, 1))})
    assert made.status_code == 201, made.content
    assert client_for(w.staff).get(f"{API}/resources?community=510113002001").json()[0]["title"] == "活动室"
    assert client_for(w.staff).get(f"{API}/needs?community=510113003001").status_code == 404
