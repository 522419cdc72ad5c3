"""A phone (390×844) in headless Chromium, the whole of 点单 → 积分 → 兑换: the resident orders a
service, the community staff accepts and dispatches it, the volunteer takes it, checks in and out,
the staff verify, the volunteer's points show, and the volunteer spends them in the community's
points shop, where the staff hand the item over by its pick-up code."""
import pytest

from gridgov.ledger import services as ledger
from gridgov.shop.models import Order, OrderStatus
from gridgov.shop.services import items
from gridgov.shop.services.accounts import points_account, shop_account

from . import volunteering_world as vw

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_world(live_world):
    live_world.vol = vw.build(live_world)
    return live_world


@pytest.mark.browser
def test_order_dispatch_take_verify_points_redeem_on_a_phone(sign_in, live_server, live_world):
    w = live_world.vol
    towel = items.create_item(w.staff, w.community, name="毛巾", price=8, stock=1)
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
    assert volunteer.inner_text("#my-points").strip() == "10"  # 10 points an hour, an hour verified

    # The volunteer redeems the towel (8 points): held in escrow until the staff hand it over.
    volunteer.goto(f"{live_server.url}/shop/")
    assert volunteer.inner_text("#shop-balance").strip() == "10"
    volunteer.locator(".shop-item", has_text="毛巾").locator("button").click()
    volunteer.wait_for_load_state("networkidle")
    code = volunteer.inner_text("#pickup-code").strip()
    assert ledger.balance(points_account(w.v1.person)) == 2
    assert volunteer.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    staff.goto(f"{live_server.url}/shop/keeper/")
    staff.fill("#pickup-code-input", code)
    staff.locator("#pickup-code-input + button").click()
    staff.wait_for_load_state("networkidle")
    assert "毛巾" in staff.inner_text(".alert-success")
    order = Order.objects.get(item=towel)
    assert order.status == OrderStatus.PICKED_UP and order.person == w.v1.person
    assert ledger.balance(shop_account(w.community)) == 8
