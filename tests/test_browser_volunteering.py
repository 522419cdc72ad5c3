"""A phone (390×844) in headless Chromium: the resident orders a service, the community staff
accepts and dispatches it, the volunteer takes it, checks in and out, the staff verify, and the
volunteer's points show. The lead extends it to the shop."""
import pytest

from . import volunteering_world as vw

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_world(live_world):
    live_world.vol = vw.build(live_world)
    return live_world


@pytest.mark.browser
def test_order_dispatch_take_verify_points_on_a_phone(sign_in, live_server, live_world):
    w = live_world.vol
    resident = sign_in("resident", PHONE)
    resident.goto(f"{live_server.url}/volunteering/")
    resident.select_option("#item", str(w.haircut.pk))
    resident.fill("#description", "请上门理发")
    resident.fill("#address", "1栋101")
    resident.click("form[action$='/volunteering/order/'] button[type=submit]")
    resident.wait_for_load_state("networkidle")
    assert resident.locator("#order-status").get_attribute("data-status") == "ordered"
    order_url = resident.url
    assert resident.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    staff = sign_in("community_staff", PHONE)
    staff.goto(order_url)
    staff.click("[data-action=accept]")
    staff.wait_for_load_state("networkidle")
    staff.select_option("#dispatch-volunteer", str(w.v1.pk))
    staff.click("[data-action=dispatch]")
    staff.wait_for_load_state("networkidle")
    assert staff.locator("#order-status").get_attribute("data-status") == "dispatched"

    volunteer = sign_in("vol1", PHONE)
    volunteer.goto(f"{live_server.url}/volunteering/tasks/")
    volunteer.click(f"a[href$='/volunteering/orders/{order_url.rstrip('/').rsplit('/', 1)[1]}/']")
    for action in ("take", "check_in", "check_out"):
        volunteer.click(f"[data-action={action}]")
        volunteer.wait_for_load_state("networkidle")
    assert volunteer.locator("#order-status").get_attribute("data-status") == "checked_out"

    staff.goto(order_url)
    staff.fill("#verify-minutes", "60")
    staff.click("[data-action=verify]")
    staff.wait_for_load_state("networkidle")
    assert staff.locator("#order-status").get_attribute("data-status") == "verified"

    resident.goto(order_url)
    resident.click("[data-action=rate]")
    resident.wait_for_load_state("networkidle")
    assert resident.locator("#order-status").get_attribute("data-status") == "rated"
    volunteer.goto(f"{live_server.url}/volunteering/tasks/")
    assert "10" in volunteer.locator(".fs-5.fw-bold").nth(2).inner_text()  # 10 points for an hour
