"""The shop's API (tag ``shop``) and pages: the buyer's path (items, balance, order, my orders,
cancel), the keeper's (lists, pick-up by code, stock), and bad input — each a clear 4xx JSON
answer that changes nothing."""
import pytest

from gridgov.accounts.models import ApiToken
from gridgov.ledger import services as ledger
from gridgov.shop.models import Item, Order, OrderStatus
from gridgov.shop.services import orders

from .shop_world import build
from .test_shop_services import state


@pytest.fixture
def w(district):
    return build(district)


@pytest.fixture
def api(client):
    def call(user, method, path, body=None):
        headers = {"Authorization": f"Bearer {ApiToken.issue(user)}", "Accept-Language": "en"}
        send = getattr(client, method)
        if body is None:
            return send(f"/api/v1/shop{path}", headers=headers)
        return send(f"/api/v1/shop{path}", body, content_type="application/json", headers=headers)

    return call


def test_the_buyers_path_through_the_api(w, api):
    items = api(w.alice, "get", "/items").json()
    assert {item["name"] for item in items} == {"洗衣液", "毛巾"}  # her community's shop only
    assert api(w.alice, "get", "/balance").json() == {"points": 100, "community": w.a1.code}
    answer = api(w.alice, "post", "/orders", {"item": w.soap.pk, "quantity": 2})
    assert answer.status_code == 201, answer.json()
    order = answer.json()
    assert (order["points"], order["status"], len(order["code"])) == (60, "placed", 8)
    assert api(w.alice, "get", "/balance").json()["points"] == 40
    assert [o["id"] for o in api(w.alice, "get", "/orders/mine").json()] == [order["id"]]
    cancelled = api(w.alice, "post", f"/orders/{order['id']}/cancel", {})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api(w.alice, "get", "/balance").json()["points"] == 100
    again = api(w.alice, "post", f"/orders/{order['id']}/cancel", {})
    assert again.status_code == 409 and "cancelled" in again.json()["detail"]


def test_the_keepers_path_through_the_api(w, api):
    created = api(w.keeper, "post", "/items", {"community": w.a1.code, "name": "酱油", "price": 15, "stock": 4})
    assert created.status_code == 201 and created.json()["stock"] == 4
    changed = api(w.keeper, "patch", f"/items/{created.json()['id']}", {"stock": 9})
    assert changed.status_code == 200 and changed.json()["stock"] == 9
    order = orders.place_order(w.alice, w.soap, 1)
    waiting = api(w.keeper, "get", "/orders?status=placed").json()
    assert [o["code"] for o in waiting] == [order.code]
    assert api(w.keeper2, "get", "/orders").json() == []
    done = api(w.keeper, "post", "/pick-up", {"code": order.code})
    assert done.status_code == 200 and done.json()["status"] == "picked_up"
    assert ledger.balance(w.shop_a1) == 30
    twice = api(w.keeper, "post", "/pick-up", {"code": order.code})
    assert twice.status_code == 409
    assert api(w.keeper, "post", f"/orders/{order.pk}/pick-up").status_code == 409
    assert api(w.alice, "post", f"/orders/{order.pk}/cancel", {}).status_code == 409  # cancel after pick-up


@pytest.mark.parametrize("body,status,words", [
    ({"quantity": 0}, 422, "quantity"),
    ({"quantity": -2}, 422, "quantity"),
    ({"quantity": 1.5}, 422, "whole number"),
    ({"quantity": "2"}, 422, "whole number"),
    ({"quantity": 3}, 422, "Not enough points"),       # 90 points; bob has 50
    ({"item": "towel", "quantity": 2}, 422, "left"),    # stock 1
    ({"item": "rice", "quantity": 1}, 404, "Not found"),  # another community's item
])
def test_bad_orders_are_refused_clearly_and_change_nothing(w, api, body, status, words):
    item = {"towel": w.towel, "rice": w.rice}.get(body.pop("item", None), w.soap)
    before = state(w)
    answer = api(w.bob, "post", "/orders", {"item": item.pk, **body})
    assert answer.status_code == status, answer.json()
    assert words in answer.json()["detail"]
    assert state(w) == before


@pytest.mark.parametrize("body", [{"price": 0}, {"price": -1}, {"stock": -1}, {"price": 1.5}, {"name": ""}])
def test_bad_items_are_refused_and_change_nothing(w, api, body):
    before = list(Item.objects.order_by("pk").values_list("name", "price", "stock"))
    answer = api(w.keeper, "post", "/items", {"community": w.a1.code, "name": "新", "price": 5, "stock": 1, **body})
    assert answer.status_code == 422 and answer.json()["detail"]
    assert api(w.keeper, "patch", f"/items/{w.soap.pk}", body).status_code == 422
    assert list(Item.objects.order_by("pk").values_list("name", "price", "stock")) == before


def test_roles_are_checked(w, api):
    # a resident or another community's keeper does not even see the community (404); the street's
    # dispatcher sees it but does not keep its shop (403)
    new = {"community": w.a1.code, "name": "x", "price": 1, "stock": 1}
    assert api(w.alice, "post", "/items", new).status_code == 404
    assert api(w.keeper2, "post", "/items", new).status_code == 404
    assert api(w.district.users["street_dispatcher"], "post", "/items", new).status_code == 403
    assert api(w.keeper, "get", "/balance").status_code == 403
    assert api(w.keeper, "post", "/orders", {"item": w.soap.pk}).status_code == 403
    order = orders.place_order(w.alice, w.soap, 1)
    assert api(w.alice, "post", f"/orders/{order.pk}/pick-up").status_code == 403
    assert api(w.keeper, "post", f"/orders/{order.pk}/cancel", {}).status_code == 422  # a keeper needs a reason
    assert api(w.keeper2, "post", f"/orders/{order.pk}/cancel", {"reason": "x"}).status_code == 404
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PLACED


# -- pages ----------------------------------------------------------------------------------------
def test_the_pages_buy_hand_over_and_refuse_in_place(w, client):
    client.force_login(w.alice)
    page = client.get("/shop/")
    assert page.status_code == 200 and "洗衣液" in page.content.decode() and "100" in page.content.decode()
    refused = client.post(f"/shop/items/{w.towel.pk}/order/", {"quantity": "5"}, follow=True)
    assert "left" in refused.content.decode() or "剩" in refused.content.decode()
    assert Order.objects.count() == 0
    done = client.post(f"/shop/items/{w.soap.pk}/order/", {"quantity": "1"}, follow=True)
    order = Order.objects.get()
    assert order.code in done.content.decode()
    assert order.code in client.get("/shop/orders/").content.decode()

    client.force_login(w.keeper)
    counter = client.get("/shop/keeper/")
    assert counter.status_code == 200 and order.person.name in counter.content.decode()
    client.post("/shop/keeper/pick-up/", {"code": order.code.lower()})
    assert Order.objects.get().status == OrderStatus.PICKED_UP
    client.post(f"/shop/items/{w.soap.pk}/edit/", {"stock": "12", "price": "30", "active": "on"})
    assert Item.objects.get(pk=w.soap.pk).stock == 12
    client.post(f"/shop/items/{w.soap.pk}/edit/", {"stock": "-3", "price": "30", "active": "on"})
    assert Item.objects.get(pk=w.soap.pk).stock == 12

    client.force_login(w.carol)
    assert client.get(f"/shop/orders/{order.pk}/").status_code == 404
    assert client.get("/shop/keeper/").status_code == 403
