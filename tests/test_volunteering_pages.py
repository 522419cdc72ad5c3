"""The volunteering pages: each role's page renders, a step posted through a page works, and a
refused step comes back as a message with nothing changed."""
import pytest
from django.test import Client
from django.urls import reverse

from gridgov.volunteering.models import ServiceOrder, ServiceRecord

from . import volunteering_world as vw


@pytest.fixture
def w(district):
    return vw.build(district)


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_each_role_sees_its_pages(w):
    order = vw.run_order(w, until="published")
    act = vw.activity(w)
    resident = client_for(w.resident)
    page = resident.get("/volunteering/")
    assert page.status_code == 200 and "上门理发" in page.content.decode()
    assert resident.get(f"/volunteering/orders/{order.pk}/").status_code == 200
    volunteer = client_for(w.u1)
    tasks = volunteer.get("/volunteering/tasks/").content.decode()
    assert f"/volunteering/orders/{order.pk}/" in tasks and "清理楼道" in tasks
    assert volunteer.get(f"/volunteering/activities/{act.pk}/").status_code == 200
    staff = client_for(w.staff)
    for url in ("queue/", "staff/volunteers/", "staff/menu/", "staff/rates/"):
        response = staff.get(f"/volunteering/{url}")
        assert response.status_code == 200, url
    assert "volunteering-chart-data" in staff.get("/volunteering/staff/rates/").content.decode()
    assert resident.get("/volunteering/queue/").status_code == 403
    # No ID or phone number on the staff's volunteer list.
    listing = staff.get("/volunteering/staff/volunteers/").content.decode()
    assert w.v1.person.phone not in listing and w.v1.person.id_number not in listing


def test_order_steps_through_the_pages(w):
    resident, staff, volunteer = client_for(w.resident), client_for(w.staff), client_for(w.u1)
    response = resident.post("/volunteering/order/", {"item": w.haircut.pk, "description": "理发", "address": "1栋"})
    order = ServiceOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/volunteering/orders/{order.pk}/"
    staff.post(f"/volunteering/orders/{order.pk}/accept/")
    staff.post(f"/volunteering/orders/{order.pk}/dispatch/", {"team": w.team.pk})
    volunteer.post(f"/volunteering/orders/{order.pk}/take/")
    # Checking out before checking in is refused with a message; nothing changes.
    refused = volunteer.post(f"/volunteering/orders/{order.pk}/check_out/", follow=True)
    assert "Check in before checking out" in refused.content.decode()
    order.refresh_from_db()
    assert order.status == "taken"
    volunteer.post(f"/volunteering/orders/{order.pk}/check_in/", {"latitude": "30.1", "longitude": "104.2"})
    volunteer.post(f"/volunteering/orders/{order.pk}/check_out/")
    bad = staff.post(f"/volunteering/orders/{order.pk}/verify/", {"minutes": "1.5"}, follow=True)
    assert "whole number" in bad.content.decode() and not ServiceRecord.objects.exists()
    staff.post(f"/volunteering/orders/{order.pk}/verify/", {"minutes": "120"})
    resident.post(f"/volunteering/orders/{order.pk}/rate/", {"rating": "5", "comment": "好"})
    order.refresh_from_db()
    assert (order.status, order.actual_minutes, order.rating, order.latitude) == ("rated", 120, 5, 30.1)
    assert 'id="my-points">0<' in resident.get("/volunteering/").content.decode()
    assert ServiceRecord.objects.get().points == 20


def test_staff_pages_register_and_publish(w):
    staff = client_for(w.staff)
    staff.post("/volunteering/staff/volunteers/register/", {"person": w.d.persons[3].pk,
                                                           "community": w.community.code, "skills": "电工"})
    assert w.d.persons[3].volunteer.status == "registered"
    staff.post("/volunteering/staff/menu/save/", {"community": w.community.code, "name": "修电器", "points": "8",
                                                  "basis": "service", "estimated_minutes": "30"})
    staff.post("/volunteering/queue/activity/", {"community": w.community.code, "title": "义诊", "kind": "activity",
                                                 "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T11:00",
                                                 "limit": "5", "points": "5", "waiting_list": "1"})
    from gridgov.volunteering.models import Activity, ServiceItem
    assert ServiceItem.objects.filter(name="修电器").exists() and Activity.objects.filter(title="义诊").exists()


def test_a_grid_worker_orders_for_a_resident_in_their_care(client, w):
    """点单 on a resident's behalf: the grid worker finds them among the people they see and orders
    from their community's menu; the order is the resident's, ordered by the worker."""
    worker = w.d.users["grid_worker"]  # micro-grid A1-1, where the resident lives
    client.force_login(worker)
    found = client.get(reverse("volunteering-order-for"), {"q": w.person.name[:2]})
    assert found.status_code == 200 and f"?person={w.person.pk}" in found.content.decode()
    form = client.get(reverse("volunteering-order-for"), {"person": w.person.pk})
    assert w.haircut.name in form.content.decode()
    response = client.post(reverse("volunteering-service-order"), {
        "item": w.haircut.pk, "resident": w.person.pk, "description": "老人行动不便，请上门理发"})
    order = ServiceOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("volunteering-order", args=[order.pk])
    assert (order.resident, order.ordered_by) == (w.person, worker)


def test_ordering_for_someone_out_of_reach_is_refused(client, w):
    stranger = w.d.persons[-1]  # street B: the worker of A1-1 does not see them
    client.force_login(w.d.users["grid_worker"])
    assert client.get(reverse("volunteering-order-for"), {"person": stranger.pk}).status_code == 404
    assert client.post(reverse("volunteering-service-order"), {"item": w.haircut.pk, "resident": stranger.pk}).status_code == 404
    client.force_login(w.resident)  # a resident orders for themselves only
    assert client.get(reverse("volunteering-order-for")).status_code == 403
    assert not ServiceOrder.objects.exists()


def test_a_refused_step_never_sends_the_browser_off_site(client, w):
    client.force_login(w.resident)
    bad_time = {"item": w.haircut.pk, "wanted_at": "soon"}
    response = client.post(reverse("volunteering-service-order"), {**bad_time, "next": "https://evil.example/"},
                           HTTP_REFERER="https://evil.example/x")
    assert response.status_code == 302 and response.url == reverse("volunteering-services")
    back = client.post(reverse("volunteering-service-order"), {**bad_time, "next": "/volunteering/tasks/"})
    assert back.url == "/volunteering/tasks/"
    assert not ServiceOrder.objects.exists()
