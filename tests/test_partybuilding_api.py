"""The party-building API: the kite plan, a course from sessions to a credit, coverage, posts and
pledges — and each refusal's status and message."""
import datetime as dt

import pytest
from django.test import Client

from gridgov.partybuilding.models import Contact, Credit, Pledge

from . import partybuilding_world as pw

API = "/api/v1/partybuilding"
D = dt.date


@pytest.fixture
def w(district):
    return pw.build(district)


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post(user, path, body=None):
    return client_for(user).post(f"{API}{path}", body or {}, content_type="application/json")


def test_kite_plan_through_the_api(w):
    with pw.on(D(2026, 3, 2)):
        bad = post(w.staff, "/mobile", {"person": w.p2.pk, "home_org": w.branch.pk, "city": "深圳", "since": "2026-01-10"})
        assert bad.status_code == 422 and "does not belong" in bad.json()["detail"]
        made = post(w.staff, "/mobile", {"person": w.p2.pk, "home_org": w.branch2.pk, "city": "深圳",
                                         "since": "2026-01-10"})
        assert made.status_code == 201, made.content
        pk = made.json()["id"]
        assert made.json()["days_silent"] == 51 and made.json()["last_contact"] is None
        future = post(w.staff, f"/mobile/{pk}/contacts", {"kind": "call", "on": "2026-03-03"})
        assert future.status_code == 422 and "future" in future.json()["detail"]
        assert post(w.staff, f"/mobile/{pk}/contacts", {"kind": "fax", "on": "2026-03-01"}).status_code == 422
        done = post(w.staff, f"/mobile/{pk}/contacts", {"kind": "call", "on": "2026-03-01", "note": "通话"})
        assert done.status_code == 201 and done.json()["last_contact"] == "2026-03-01"
        assert client_for(w.staff).get(f"{API}/mobile/{pk}/contacts").json()[0]["note"] == "通话"
        assert post(w.member, f"/mobile/{pk}/contacts", {"kind": "call", "on": "2026-03-01"}).status_code == 404
        assert post(w.staff, f"/mobile/{pk}/return", {"on": "2026-03-02"}).json()["status"] == "returned"
        assert post(w.staff, f"/mobile/{pk}/return", {"on": "2026-03-02"}).status_code == 409
        life = post(w.staff, "/life-sessions", {"org": w.branch2.pk, "on": "2026-03-02", "topic": "线上主题党日"})
        assert life.status_code == 201
        lpk = life.json()["id"]
        assert post(w.staff, f"/life-sessions/{lpk}/attendance", {"person": w.p2.pk, "mode": "online"}).json()[
            "attended"] == 1
        again = post(w.staff, f"/life-sessions/{lpk}/attendance", {"person": w.p2.pk, "mode": "present"})
        assert again.status_code == 422 and "already recorded" in again.json()["detail"]
        assert [s["topic"] for s in client_for(w.staff).get(f"{API}/life-sessions").json()] == ["线上主题党日"]
    assert Contact.objects.count() == 1


def test_a_course_from_sessions_to_a_credit_and_coverage(w):
    with pw.on(D(2026, 3, 2)):
        course = post(w.staff, "/courses", {"org": w.committee.pk, "title": "党章学习", "hours": "3",
                                            "starts_on": "2026-01-01", "ends_on": "2026-12-31"})
        assert course.status_code == 201, course.content
        pk = course.json()["id"]
        s1 = post(w.staff, f"/courses/{pk}/sessions", {"on": "2026-03-02", "hours": "2", "topic": "一"}).json()
        s2 = post(w.staff, f"/courses/{pk}/sessions", {"on": "2026-03-02", "hours": "1", "topic": "二"}).json()
        first, second = (s["id"] for s in s2["sessions"])
        assert len(s1["sessions"]) == 1
        step = post(w.staff, f"/courses/{pk}/attendance", {"session": first, "person": w.p1.pk})
        assert step.status_code == 201 and step.json() == {"credit": None}
        twice = post(w.staff, f"/courses/{pk}/attendance", {"session": first, "person": w.p1.pk})
        assert twice.status_code == 422 and "already recorded" in twice.json()["detail"]
        early = post(w.staff, f"/courses/{pk}/credits", {"person": w.p1.pk})
        assert early.status_code == 422 and "no credit" in early.json()["detail"]
        credit = post(w.staff, f"/courses/{pk}/attendance", {"session": second, "person": w.p1.pk}).json()["credit"]
        assert credit["basis"] == "hours" and credit["expires_on"] == "2027-03-02" and credit["valid"]
        assert post(w.staff, f"/courses/{pk}/results", {"person": w.p1.pk, "score": 90,
                                                         "taken_on": "2026-03-02"}).status_code == 422  # no test
        mine = client_for(w.member).get(f"{API}/credits").json()
        assert [c["course"] for c in mine] == ["党章学习"]
        cover = client_for(w.staff).get(f"{API}/coverage", {"org": w.committee.pk, "start": "2026-03-01",
                                                            "end": "2026-03-31"}).json()
        assert {r["org"]: (r["required"], r["covered"]) for r in cover} == {
            "A1大党委": (5, 1), "A1-1网格党支部": (3, 1), "A1-2网格党支部": (2, 0)}
        assert client_for(w.staff).get(f"{API}/coverage", {"org": w.committee.pk, "start": "2026-03-31",
                                                           "end": "2026-03-01"}).status_code == 422
    assert Credit.objects.count() == 1


def test_posts_and_pledges_through_the_api(w):
    with pw.on(D(2026, 3, 2)):
        made = post(w.staff, "/posts", {"unit": w.d.units["A1-1"].code, "title": "党员示范岗"})
        assert made.status_code == 201
        pk = made.json()["id"]
        refused = post(w.staff, f"/posts/{pk}/holder", {"person": w.outsider.pk, "held_from": "2026-03-02"})
        assert refused.status_code == 422 and "not one" in refused.json()["detail"]
        held = post(w.staff, f"/posts/{pk}/holder", {"person": w.p1.pk, "held_from": "2026-03-02"})
        assert held.json()["holder"] == w.p1.name
        assert post(w.member, "/posts", {"unit": w.d.units["A1-1-2"].code, "title": "x"}).status_code == 403
        pledge = post(w.member, "/pledges", {"person": w.p1.pk, "org": w.branch.pk, "text": "每周巡楼",
                                             "due_on": "2026-03-10"})
        assert pledge.status_code == 201, pledge.content
        ppk = pledge.json()["id"]
        assert post(w.member, f"/pledges/{ppk}/fulfilment", {"fulfilled": True, "evidence": "x"}).status_code == 403
    with pw.on(D(2026, 3, 11)):
        assert client_for(w.member).get(f"{API}/pledges/{ppk}").json()["overdue"] is True
        done = post(w.staff, f"/pledges/{ppk}/fulfilment", {"fulfilled": True, "evidence": "巡楼记录"})
        assert done.json()["status"] == "fulfilled" and done.json()["overdue"] is False
        assert post(w.staff, f"/pledges/{ppk}/fulfilment", {"fulfilled": False}).status_code == 409
    assert Pledge.objects.get().evidence == "巡楼记录"


def test_bad_input_is_a_422_and_writes_nothing(w):
    with pw.on(D(2026, 3, 2)):
        for body in ({"org": w.committee.pk, "title": "", "hours": "3", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
                     {"org": w.committee.pk, "title": "t", "hours": "-1", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
                     {"org": w.committee.pk, "title": "t\u202e", "hours": "1", "starts_on": "2026-01-01",
                      "ends_on": "2026-12-31"},
                     {"org": w.committee.pk, "title": "t", "hours": "1", "starts_on": "1900-01-01", "ends_on": "2026-12-31"}):
            assert post(w.staff, "/courses", body).status_code == 422, body
        assert post(w.staff, "/courses", {"org": 10**9, "title": "t", "hours": "1", "starts_on": "2026-01-01",
                                          "ends_on": "2026-12-31"}).status_code == 404
    assert client_for(w.staff).get(f"{API}/courses").json() == []
