"""The volunteering API: the whole order path, and each refusal's status and message."""
import datetime as dt

import pytest
from django.test import Client

from gridgov.ledger.models import Entry
from gridgov.volunteering.models import ServiceOrder, ServiceRecord, SignUp

from . import volunteering_world as vw

API = "/api/v1/volunteering"


@pytest.fixture
def w(district):
    return vw.build(district)


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post(user, path, body=None):
    return client_for(user).post(f"{API}{path}", body or {}, content_type="application/json")


def test_order_path_through_the_api(w):
    item = client_for(w.resident).get(f"{API}/items").json()
    assert {i["name"] for i in item} == {"上门理发", "陪护老人"}
    created = post(w.resident, "/orders", {"item": w.haircut.pk, "description": "理发", "address": "1栋"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["actions"] == ["cancel"]
    assert post(w.staff, f"/orders/{pk}/accept").json()["status"] == "accepted"
    assert post(w.staff, f"/orders/{pk}/dispatch", {"volunteer": w.v1.pk}).json()["status"] == "dispatched"
    tasks = client_for(w.u1).get(f"{API}/orders").json()
    assert [t["id"] for t in tasks] == [pk] and tasks[0]["actions"] == ["take"]
    assert post(w.u1, f"/orders/{pk}/take").json()["taker"] == w.v1.person.name
    assert post(w.u1, f"/orders/{pk}/check-in", {"latitude": 30.1, "longitude": 104.1}).status_code == 200
    assert post(w.u1, f"/orders/{pk}/check-out").status_code == 200
    verified = post(w.staff, f"/orders/{pk}/verify", {"minutes": 60})
    assert verified.json()["status"] == "verified"
    assert post(w.resident, f"/orders/{pk}/rate", {"rating": 4, "comment": "好"}).json()["rating"] == 4
    me = client_for(w.u1).get(f"{API}/me").json()
    assert (me["points"], me["services"], me["verified_minutes"]) == (10, 1, 60)


def test_refusals_answer_4xx_and_change_nothing(w):
    order = vw.run_order(w, until="checked_in")
    pk = order.pk
    early = post(w.staff, f"/orders/{pk}/verify", {"minutes": 60})
    assert early.status_code == 409
    response = post(w.u1, f"/orders/{pk}/check-out")
    assert response.status_code == 200
    for bad in (-1, 0, 1.5, "x", 10**9):
        response = post(w.staff, f"/orders/{pk}/verify", {"minutes": bad})
        assert response.status_code == 422 and "minutes" in response.json()["detail"]
    assert post(w.u1, f"/orders/{pk}/verify", {"minutes": 60}).status_code == 403
    outsider = vw.person_user(w.d, "b1", w.d.persons[8])  # lives in street B: never sees the order
    assert post(outsider, f"/orders/{pk}/verify", {"minutes": 60}).status_code == 404
    assert not ServiceRecord.objects.exists() and not Entry.objects.exists()
    assert post(w.staff, f"/orders/{pk}/verify", {"minutes": 60}).status_code == 200
    again = post(w.staff, f"/orders/{pk}/verify", {"minutes": 60})
    assert again.status_code == 409 and "already been verified" in again.json()["detail"]
    assert Entry.objects.count() == 1


def test_check_out_before_check_in_answers_409(w):
    order = vw.run_order(w, until="taken")
    response = post(w.u1, f"/orders/{order.pk}/check-out")
    assert response.status_code == 409 and "Check in before" in response.json()["detail"]


def test_bad_order_input_answers_422_and_writes_nothing(w):
    assert post(w.resident, "/orders", {"item": w.haircut.pk, "description": "x\u202e"}).status_code == 422
    assert post(w.resident, "/orders", {"item": "abc"}).status_code == 422
    assert post(w.resident, "/orders", {"item": 10**12}).status_code == 422
    assert post(w.resident, "/orders", {"item": w.care.pk, "pay_with_minutes": True}).status_code == 422
    assert post(w.resident, "/orders", {"item": w.haircut.pk, "wanted_at": "0001-01-01T00:00:00"}).status_code == 422
    assert not ServiceOrder.objects.exists()


def test_activity_through_the_api_with_waiting_list(w):
    start = (dt.datetime(2030, 1, 1, 9)).isoformat()
    end = (dt.datetime(2030, 1, 1, 11)).isoformat()
    created = post(w.staff, "/activities", {"community": w.community.code, "title": "清理楼道", "starts_at": start,
                                            "ends_at": end, "limit": 1, "points": 3})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert post(w.u1, f"/activities/{pk}/sign-up").json()["signed_up"] == 1
    assert post(w.u2, f"/activities/{pk}/sign-up").json()["waiting"] == 1
    assert post(w.u2, f"/activities/{pk}/sign-up").status_code == 409
    assert post(w.u1, f"/activities/{pk}/check-out").status_code == 409
    post(w.u1, f"/activities/{pk}/check-in")
    signup = SignUp.objects.get(volunteer=w.v1)
    assert post(w.staff, f"/activities/{pk}/verify", {"attended": [{"signup": signup.pk, "minutes": -3}]}
                ).status_code == 422
    done = post(w.staff, f"/activities/{pk}/verify", {"attended": [{"signup": signup.pk, "minutes": 100}]})
    assert done.json()["status"] == "verified"
    assert ServiceRecord.objects.get().points == 3


def test_rates_and_registration(w):
    response = client_for(w.staff).get(f"{API}/rates", {"unit": w.community.code})
    assert response.status_code == 200, response.content
    rows = response.json()
    a1 = next(row for row in rows if row["code"] == w.community.code)
    # Community A1 holds persons 1–4; two are registered volunteers.
    assert (a1["residents"], a1["volunteers"], a1["rate"], a1["target"]) == (4, 2, 0.5, 0.18)
    response = post(w.staff, "/volunteers", {"person": w.d.persons[3].pk, "community": w.community.code})
    assert response.status_code == 201 and response.json()["status"] == "registered"
    assert post(w.resident, "/volunteers/request", {"skills": ["修理"]}).json()["status"] == "requested"


def test_district_settings_set_by_the_district_only_and_journaled(w):
    from gridgov.core import journal
    from gridgov.volunteering.models import SetupEntry, VolunteeringSettings
    body = {"registration_target": 0.2, "accept_days": 0.5, "dispatch_days": 1, "take_days": 3}
    assert client_for(w.staff).put(f"{API}/settings/510113", body, content_type="application/json"
                                   ).status_code == 403
    assert client_for(w.staff).get(f"{API}/settings/510113").json()["registration_target"] == 0.18
    admin = w.d.users["district_admin"]
    bad = client_for(admin).put(f"{API}/settings/510113", {**body, "registration_target": 1.5},
                                content_type="application/json")
    assert bad.status_code == 422 and not VolunteeringSettings.objects.exists()
    done = client_for(admin).put(f"{API}/settings/510113", body, content_type="application/json")
    assert done.status_code == 200 and done.json()["registration_target"] == 0.2
    row = VolunteeringSettings.objects.get()
    assert SetupEntry.objects.filter(kind="volunteeringsettings", object_id=row.pk).count() == 1
    assert journal.verify(row, SetupEntry)
    # The target moves the rate's comparison and the order deadlines follow the new settings.
    rows = client_for(w.staff).get(f"{API}/rates", {"unit": w.community.code}).json()
    assert rows[0]["target"] == 0.2
    # Menu items and teams are journaled too.
    assert journal.verify(w.haircut, SetupEntry) and SetupEntry.objects.filter(kind="serviceitem").count() == 2
    assert SetupEntry.objects.filter(kind="team", object_id=w.team.pk, action="create").exists()
