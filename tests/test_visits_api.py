"""The visits API: the visit path (plan, record with a photo, file a case), promises, receptions,
rules and contact points, and each refusal's status and message."""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.core import clock
from gridgov.visits.models import Visit, VisitStatus
from gridgov.visits.services import planning

from .cases_world import photo
from .visits_world import build

API = "/api/v1/visits"


@pytest.fixture
def w(world):
    w = build(world)
    planning.save_rule(w.staff, unit=w.community)
    planning.plan()
    return w


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post(user, path, body=None):
    return client_for(user).post(f"{API}{path}", body or {}, content_type="application/json")


def test_visit_path_through_the_api(w):
    mine = client_for(w.worker).get(f"{API}/visits?mine=true&status=planned").json()
    assert len(mine) == 2 and mine[0]["overdue"] is False
    pk = Visit.objects.get(household=w.h11).pk
    recorded = client_for(w.worker).post(f"{API}/visits/{pk}/record", {"findings": "楼道堆物", "photos": [photo()]})
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["status"] == "done" and recorded.json()["photos"] == 1
    filed = post(w.worker, f"/visits/{pk}/case", {"category": w.category.pk, "title": "楼道堆物"})
    assert filed.status_code == 200, filed.content
    case = Case.objects.get()
    assert filed.json()["case"] == case.code and case.channel == "visit"
    again = post(w.worker, f"/visits/{pk}/case", {"category": w.category.pk})
    assert again.status_code == 409


def test_refusals(w):
    pk = Visit.objects.get(household=w.h11).pk
    other = Visit.objects.get(household=w.h21).pk
    assert client_for(w.worker).get(f"{API}/visits/{other}").status_code == 404  # another grid's
    future = (clock.now() + dt.timedelta(days=2)).isoformat()
    response = client_for(w.worker).post(f"{API}/visits/{pk}/record", {"visited_at": future})
    assert response.status_code == 422 and "future" in response.json()["detail"]
    assert post(w.worker, f"/visits/{pk}/case", {"category": w.category.pk}).status_code == 409  # not done
    client_for(w.worker).post(f"{API}/visits/{pk}/record", {"findings": "好"})
    no_category = post(w.worker, f"/visits/{pk}/case", {"title": "x"})
    assert no_category.status_code == 422 and "category" in no_category.json()["detail"]
    assert post(w.worker, f"/visits/{pk}/cancel", {"reason": "不在家"}).status_code == 409  # done: never both
    assert Visit.objects.get(pk=pk).status == VisitStatus.DONE
    unplanned = client_for(w.worker).post(f"{API}/households/{w.hb.pk}/visits", {"findings": "x"})
    assert unplanned.status_code == 404  # outside the scope
    resident = client_for(w.d.users["resident"]).post(f"{API}/households/{w.h11.pk}/visits", {"findings": "x"})
    assert resident.status_code == 403


def test_promise_decided_twice_is_refused(w):
    today = timezone.localdate(clock.now())
    made = post(w.staff, "/promises", {"text": "修好路灯", "due": (today + dt.timedelta(days=3)).isoformat(),
                                       "unit": w.community.code})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert post(w.staff, f"/promises/{pk}/decide", {"kept": False}).status_code == 422  # a note is needed
    assert post(w.staff, f"/promises/{pk}/decide", {"kept": True}).json()["outcome"] == "kept"
    twice = post(w.staff, f"/promises/{pk}/decide", {"kept": False, "note": "x"})
    assert twice.status_code == 409 and "already decided" in twice.json()["detail"]
    past = post(w.staff, "/promises", {"text": "x", "due": "2000-01-01", "unit": w.community.code})
    assert past.status_code == 422


def test_reception_rule_and_contact_point(w):
    hours = post(w.staff, "/hours", {"unit": w.community.code, "weekday": 1, "starts": "09:00", "ends": "11:00",
                                     "place": "党群服务中心"})
    assert hours.status_code == 201, hours.content
    walk_in = post(w.staff, "/receptions", {"unit": w.community.code, "matter": "噪音", "visitor_name": "王大爷",
                                            "hours": hours.json()["id"]})
    assert walk_in.status_code == 201, walk_in.content
    filed = post(w.staff, f"/receptions/{walk_in.json()['id']}/case", {"category": w.category.pk})
    assert filed.status_code == 200 and filed.json()["case"]
    rule = post(w.staff, "/rules", {"unit": w.community.code, "special_group": "alone", "period": "month"})
    assert rule.status_code == 201 and rule.json()["special_group"] == "alone"
    assert post(w.d.users["dept_chengguan"], "/rules", {"unit": w.community.code}).status_code == 403
    point = post(w.admin, "/contact-points", {"cadre": w.street.pk, "title": "街道书记", "household": w.h11.pk})
    assert point.status_code == 201, point.content
    assert client_for(w.d.users["resident"]).get(f"{API}/contact-points").json()[0]["title"] == "街道书记"
