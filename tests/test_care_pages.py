"""The care pages: the grid worker's phone page (record, resolve; refusals as a message, nothing
written), the staff's plan pages and board, the person's care page with masked data and logged
reveals, coverage by community, and the menu entries."""

from gridgov.care.models import CarePlan, CareRevealLog, Escalation
from gridgov.care.services import watch
from gridgov.core import clock
from gridgov.core.menu import registered

from . import care_world as cw
from .care_world import at


def test_the_grid_workers_phone_page_records_and_resolves(district, client):
    w = cw.build(district)
    client.force_login(w.worker)
    first = w.plan.check_ins.get(seq=1)
    with clock.frozen(at(2, 7)):
        page = client.get("/care/today/").content.decode()
        assert f'data-check-in="{first.pk}" data-timing="upcoming"' in page and "record-form" not in page
        refused = client.post(f"/care/check-ins/{first.pk}/record/", {"result": "well"}, follow=True)
    assert "08:00" in refused.content.decode() and CarePlan.objects.get().check_ins.get(seq=1).status == "scheduled"
    with clock.frozen(at(2, 9)):
        client.post(f"/care/check-ins/{first.pk}/record/", {"result": "unreachable", "note": "没人开门"})
    assert CarePlan.objects.get().check_ins.get(seq=1).result == "unreachable"
    escalation = Escalation.objects.get()
    with clock.frozen(at(2, 10)):
        assert f'data-escalation="{escalation.pk}"' in client.get("/care/today/").content.decode()
        client.post(f"/care/escalations/{escalation.pk}/resolve/", {"outcome": "needs_help", "need": ""})
        assert Escalation.objects.get().status == "open"  # a need is required: refused, nothing written
        client.post(f"/care/escalations/{escalation.pk}/resolve/", {"outcome": "well", "note": "在楼下晒太阳"})
    assert Escalation.objects.get().status == "resolved"


def test_staff_make_change_pause_and_end_a_plan_through_the_pages(district, client):
    w = cw.build(district)
    client.force_login(w.staff)
    assert w.person.name in client.get("/care/").content.decode()
    person = district.persons[2]
    person.special_groups.add(w.group)
    assert f"?person={person.pk}" in client.get("/care/").content.decode()
    form = {"person": person.pk, "group": "elderly-alone", "starts_on": "2026-03-02", "every_days": "2",
            "window_start": "09:00", "window_hours": "8", "method": "visit", "buddy": district.persons[3].pk,
            "grid_worker": district.users["grid_worker2"].pk, "guardian_name": "赵丽", "guardian_relation": "女儿",
            "guardian_phone": "13600002222"}
    with clock.frozen(at(2, 8)):
        assert client.get(f"/care/plans/new/?person={person.pk}").status_code == 200
        bad = client.post("/care/plans/new/", {**form, "every_days": "0"}, follow=True)
        assert CarePlan.objects.count() == 1 and bad.status_code == 200
        made = client.post("/care/plans/new/", form)
    assert made.status_code == 302 and made["Location"] == f"/care/people/{person.pk}/"
    plan = CarePlan.objects.get(person=person)
    page = client.get(f"/care/people/{person.pk}/").content.decode()
    assert "136****2222" in page and "13600002222" not in page
    with clock.frozen(at(2, 9)):
        client.post(f"/care/plans/{plan.pk}/edit/", {**form, "every_days": "7"})
        client.post(f"/care/plans/{plan.pk}/pause/", {"reason": "住院"})
        assert CarePlan.objects.get(pk=plan.pk).status == "paused"
        client.post(f"/care/plans/{plan.pk}/resume/")
        client.post(f"/care/plans/{plan.pk}/end/", {"reason": "搬走"})
    plan.refresh_from_db()
    assert (plan.every_days, plan.status) == (7, "ended")
    assert client.post(f"/care/plans/{plan.pk}/explode/").status_code == 404


def test_devices_and_reveals_on_the_care_page(district, client):
    w = cw.build(district)
    client.force_login(w.staff)
    with clock.frozen(at(2, 8)):
        shown = client.post(f"/care/plans/{w.plan.pk}/device/", {"kind": "bp", "label": "血压计"})
    key = shown.context["key"]
    assert key in shown.content.decode() and key not in client.get(f"/care/people/{w.person.pk}/").content.decode()
    guardian = w.plan.guardians.get()
    missing_reason = client.post(f"/care/plans/{w.plan.pk}/reveal/", {"field": "guardian_phone", "id": guardian.pk},
                                 follow=True)
    assert cw.SON not in missing_reason.content.decode()
    revealed = client.post(f"/care/plans/{w.plan.pk}/reveal/",
                           {"field": "guardian_phone", "id": guardian.pk, "reason": "联系家属"})
    assert cw.SON in revealed.content.decode() and CareRevealLog.objects.count() == 1
    assert f'href="tel:{cw.SON}"' in revealed.content.decode()  # the number just revealed, one tap to call


def test_the_board_and_coverage(district, client):
    w = cw.build(district)
    watch.tick(at(3, 1))
    client.force_login(w.staff)
    escalation = Escalation.objects.get()
    with clock.frozen(at(3, 1)):
        board = client.get("/care/board/").content.decode()
        coverage = client.get("/care/coverage/")
    assert f'data-escalation="{escalation.pk}"' in board
    rows = coverage.context["rows"]
    assert [(r["code"], r["coverage"]) for r in rows] == [(district.units["A1"].code, 1.0)]
    assert "care-chart-data" in coverage.content.decode()
    client.force_login(w.worker)
    assert client.get("/care/board/").status_code == 403  # the board is the staff's


def test_a_person_without_a_plan_and_people_outside_the_scope(district, client):
    w = cw.build(district)
    client.force_login(w.staff)
    assert "care-plan-new" not in client.get(f"/care/people/{district.persons[2].pk}/").content.decode()
    assert client.get(f"/care/people/{district.persons[2].pk}/").status_code == 200
    assert client.get(f"/care/people/{district.persons[4].pk}/").status_code == 404  # community A2
    client.force_login(w.buddy_user)
    assert client.get(f"/care/people/{w.person.pk}/").status_code == 200  # the buddy sees the plan they keep
    assert client.get(f"/care/people/{district.persons[2].pk}/").status_code == 404


def test_menu_entries():
    entries = {e.url_name: e for e in registered()}
    assert (entries["care-today"].order, entries["care-plans"].order) == (62, 76)


def test_bad_input_on_the_pages_is_a_4xx_or_a_message_never_a_500(district, client):
    w = cw.build(district)
    client.force_login(w.staff)
    huge = 10**30
    assert client.get(f"/care/people/{huge}/").status_code == 404
    assert client.post(f"/care/check-ins/{huge}/record/", {"result": "well"}).status_code == 404
    assert client.post(f"/care/plans/{w.plan.pk}/revoke/", {"device": str(huge)}).status_code == 302
    refused = client.post("/care/plans/new/", {"person": w.person.pk, "starts_on": "9999-12-31", "every_days": "1",
                                               "window_start": "08:00", "window_hours": "12", "method": "phone",
                                               "buddy": w.buddy.pk, "grid_worker": w.worker.pk}, follow=True)
    assert refused.status_code == 200 and CarePlan.objects.count() == 1
