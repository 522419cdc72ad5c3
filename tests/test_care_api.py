"""The care API: plans made, changed, paused and ended; the day's check-ins with their timing and
recording (refused outside the window: 409); escalations resolved; devices registered with a key
shown once; readings posted with the device key (unknown or revoked: 401; impossible value: 422)."""
import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.accounts.models import ApiToken
from gridgov.care.models import CarePlan, Escalation, Reading
from gridgov.care.services import devices, watch
from gridgov.core import clock
from gridgov.people.models import SpecialGroup

from . import care_world as cw
from .care_world import at


def _api(client, user):
    token = ApiToken.issue(user)
    headers = {"Authorization": f"Bearer {token}"}

    def call(method, url, body=None):
        kwargs = {"headers": headers}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(client, method)(f"/api/v1/care{url}", **kwargs)
    return call


def test_plans_through_the_api(district, client):
    w = cw.build(district)
    staff = _api(client, w.staff)
    with clock.frozen(at(2, 9)):
        assert staff("post", f"/plans/{w.plan.pk}/end", {"reason": "入住养老院"}).json()["status"] == "ended"
        body = {"person": w.person.pk, "group": "elderly-alone", "starts_on": "2026-03-03", "every_days": 7,
                "window_start": "09:00", "window_hours": 8, "method": "visit", "buddy": w.buddy.pk,
                "grid_worker": w.worker.pk, "guardians": [{"name": "李芳", "relation": "女儿", "phone": "13700001111"}]}
        made = staff("post", "/plans", body)
        assert made.status_code == 201, made.json()
        plan = made.json()
        with translation.override("zh-hans"):
            weekly = str(_("Weekly"))
        assert (plan["frequency"], plan["guardians"][0]["phone"]) == (weekly, "137****1111")
        again = staff("post", "/plans", body)
        assert again.status_code == 422  # a second plan not ended
        changed = staff("patch", f"/plans/{plan['id']}", {"every_days": 2})
        assert changed.json()["every_days"] == 2
        assert staff("post", f"/plans/{plan['id']}/pause", {"reason": "住院"}).json()["status"] == "paused"
        assert staff("post", f"/plans/{plan['id']}/pause", {"reason": ""}).status_code == 409
        assert staff("post", f"/plans/{plan['id']}/resume").json()["status"] == "active"
    assert staff("get", "/plans?status=active").json()[0]["person_name"] == w.person.name


def test_a_plan_for_someone_outside_the_scope_is_404(district, client):
    w = cw.build(district)
    outsider = district.persons[4]
    outsider.special_groups.add(SpecialGroup.objects.get(code="elderly-alone"))
    body = {"person": outsider.pk, "group": "elderly-alone", "starts_on": "2026-03-03", "buddy": w.buddy.pk,
            "grid_worker": w.worker.pk}
    assert _api(client, w.staff)("post", "/plans", body).status_code == 404
    assert CarePlan.objects.count() == 1
    assert _api(client, w.worker)("post", "/plans", {**body, "person": w.person.pk}).status_code == 403


def test_the_days_check_ins_and_recording_within_the_window(district, client):
    w = cw.build(district)
    worker = _api(client, w.worker)
    with clock.frozen(at(2, 18)):  # the window is 08:00–20:00: late from 17:36
        rows = worker("get", "/check-ins").json()
        assert [(r["seq"], r["timing"]) for r in rows] == [(1, "late")]
        early = worker("post", f"/check-ins/{w.plan.check_ins.get(seq=2).pk}/record", {"result": "well"})
        assert early.status_code == 409 and "detail" in early.json()
        bad = worker("post", f"/check-ins/{rows[0]['id']}/record", {"result": "fine"})
        assert bad.status_code == 422
        done = worker("post", f"/check-ins/{rows[0]['id']}/record", {"result": "needs_help", "note": "需要买菜"})
        assert (done.json()["timing"], done.json()["result"]) == ("done", "needs_help")
    opened = worker("get", "/escalations").json()
    assert [(e["reason"], e["step"]) for e in opened] == [("needs_help", 1)]
    with clock.frozen(at(2, 18)):
        resolved = worker("post", f"/escalations/{opened[0]['id']}/resolve",
                          {"outcome": "needs_help", "need": "每周送菜"})
    assert resolved.json()["status"] == "resolved"
    assert _api(client, district.users["grid_worker2"])("get", f"/escalations/{opened[0]['id']}").status_code == 404


def test_devices_and_readings_with_the_device_key(district, client):
    w = cw.build(district, method="device")
    staff = _api(client, w.staff)
    with clock.frozen(at(2, 9)):
        registered = staff("post", f"/plans/{w.plan.pk}/devices", {"kind": "wristband", "label": "手环"})
    assert registered.status_code == 201
    key = registered.json()["key"]
    assert key not in str(staff("get", f"/plans/{w.plan.pk}").json())

    def post(body, headers):
        return client.post("/api/v1/care/readings", data=body, content_type="application/json", headers=headers)

    with clock.frozen(at(2, 9, 30)):
        reading = {"kind": "heart_rate", "values": {"heart_rate": 75}, "measured_at": "2026-03-02T09:25:00"}
        assert post(reading, {"X-Device-Key": "nope"}).status_code == 401
        assert post(reading, {}).status_code == 401
        impossible = post({**reading, "values": {"heart_rate": 300}}, {"X-Device-Key": key})
        assert impossible.status_code == 422 and "300" in impossible.json()["detail"]
        ok = post(reading, {"Authorization": f"Bearer {key}"})
        assert ok.status_code == 201 and ok.json()["in_range"] is True
        assert "values" not in ok.json()
    assert w.plan.check_ins.get(seq=1).status == "done"
    device_id = registered.json()["device"]["id"]
    rotated = staff("post", f"/devices/{device_id}/rotate")
    with clock.frozen(at(2, 9, 40)):
        assert post(reading, {"X-Device-Key": key}).status_code == 401
        assert post(reading, {"X-Device-Key": rotated.json()["key"]}).status_code == 201
    staff("post", f"/devices/{device_id}/revoke")
    with clock.frozen(at(2, 9, 50)):
        assert post(reading, {"X-Device-Key": rotated.json()["key"]}).status_code == 401
    assert Reading.objects.count() == 2


@pytest.mark.parametrize("body", [
    {"kind": "heart_rate", "values": {"heart_rate": "fast"}, "measured_at": "2026-03-02T09:25:00"},
    {"kind": "heart_rate", "values": {"pulse": 70}, "measured_at": "2026-03-02T09:25:00"},
    {"kind": "heart_rate", "values": {"heart_rate": 70}, "measured_at": "1900-01-01T00:00:00"},
    {"kind": "heart_rate", "values": {"heart_rate": 70}, "measured_at": "2026-02-01T09:00:00"},
    {"kind": "bp", "values": {"systolic": 120, "diastolic": 80}, "measured_at": "2026-03-02T09:25:00"},
])
def test_bad_readings_answer_422_and_store_nothing(district, client, body):
    w = cw.build(district, method="device")
    with clock.frozen(at(2, 9)):
        _device, key = devices.register_device(w.staff, w.plan, kind="wristband")
    with clock.frozen(at(2, 9, 30)):
        answer = client.post("/api/v1/care/readings", data=body, content_type="application/json",
                             headers={"X-Device-Key": key})
    assert answer.status_code == 422 and answer.json()["detail"]
    assert not Reading.objects.exists() and not Escalation.objects.exists()


def test_missed_check_ins_show_as_missed_before_and_after_the_worker(district, client):
    """The one timing rule: the API says "missed" the moment the window closes; the worker agrees."""
    w = cw.build(district)
    worker = _api(client, w.worker)
    with clock.frozen(at(2, 20, 5)):
        assert worker("get", "/check-ins?day=2026-03-02").json()[0]["timing"] == "missed"
    watch.tick(at(2, 20, 6))
    with clock.frozen(at(2, 20, 7)):
        row = worker("get", "/check-ins?day=2026-03-02").json()[0]
    assert (row["timing"], row["status"]) == ("missed", "missed")


def test_district_settings_set_by_the_district_and_used_by_the_ladder(district, client):
    cw.build(district)
    assert _api(client, district.users["district_admin"])("get", "/settings/510113").json()["buddy_hours"] == 2
    assert _api(client, district.users["dept_chengguan"])("put", "/settings/510113",
                                                        {"buddy_hours": 1}).status_code == 403
    assert _api(client, district.users["community_staff"])("get", "/settings/510113").status_code == 404
    assert _api(client, district.users["district_admin"])("put", "/settings/510113",
                                                        {"buddy_hours": 0}).status_code == 422
    changed = _api(client, district.users["district_admin"])("put", "/settings/510113", {"buddy_hours": 1,
                                                                                        "grid_hours": 1})
    assert (changed.json()["buddy_hours"], changed.json()["staff_hours"]) == (1, 8)
    watch.tick(at(2, 22, 30))  # missed at 20:00: the buddy's hour, then the grid worker's
    assert Escalation.objects.get().step == 3


@pytest.mark.parametrize("change", [{"starts_on": "9999-12-31"}, {"window_start": "09:00:00+08:00"},
                                    {"ends_on": "0001-01-01"}, {"every_days": 0}, {"guardians": [{"name": "李",
                                    "relation": "子", "phone": "110"}]}])
def test_bad_plans_answer_422_and_write_nothing(district, client, change):
    w = cw.build(district)
    plans_before = CarePlan.objects.count()
    person = district.persons[2]
    person.special_groups.add(w.group)
    body = {"person": person.pk, "group": "elderly-alone", "starts_on": "2026-03-03", "buddy": w.buddy.pk,
            "grid_worker": district.users["grid_worker2"].pk, **change}
    with clock.frozen(at(2, 9)):
        answer = _api(client, w.staff)("post", "/plans", body)
    assert answer.status_code == 422 and answer.json()["detail"]
    assert CarePlan.objects.count() == plans_before
