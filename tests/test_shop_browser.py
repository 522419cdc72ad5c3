"""The shop walked through in headless Chromium on a phone: a resident orders and sees the pick-up
code, the keeper types it at the counter, the resident's points have gone to the shop."""
import pytest

from gridgov.ledger import services as ledger
from gridgov.shop.models import Order, OrderStatus

from .shop_world import build

PHONE = {"width": 375, "height": 812}


@pytest.mark.browser
def test_a_resident_orders_on_a_phone_and_the_keeper_hands_it_over(sign_in, live_server, live_world):
    w = build(live_world)
    resident = sign_in("resident", PHONE)
    resident.goto(f"{live_server.url}/shop/")
    assert resident.locator("#shop-balance").inner_text().strip() == "100"
    card = resident.locator(".shop-item", has_text="洗衣液")
    card.locator("input[name=quantity]").fill("2")
    card.locator("button").click()
    resident.wait_for_load_state("networkidle")
    code = resident.locator("#pickup-code").inner_text().strip()
    order = Order.objects.get()
    assert code == order.code and order.points == 60
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling

    keeper = sign_in("keeper", PHONE)
    keeper.goto(f"{live_server.url}/shop/keeper/")
    keeper.fill("#pickup-code-input", code.lower())
    keeper.locator("#pickup-code-input + button").click()
    keeper.wait_for_load_state("networkidle")
    assert "洗衣液" in keeper.locator(".alert-success").inner_text()
    assert Order.objects.get().status == OrderStatus.PICKED_UP
    assert ledger.balance(w.shop_a1) == 60 and ledger.balance(w.alice_account) == 40

    resident.goto(f"{live_server.url}/shop/orders/")
    assert resident.locator(".badge.text-bg-success").count() == 1  # picked up
