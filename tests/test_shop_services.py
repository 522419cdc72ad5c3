"""The points shop's services (docs/shop.md): items, placing an order with its escrow hold,
pick-up, cancellation, expiry — every refusal changes nothing — and the journals."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gridgov.core import clock, jobs, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.ledger import services as ledger
from gridgov.ledger.models import Entry
from gridgov.shop.actions import ShopAction
from gridgov.shop.models import Item, Order, OrderEntry, OrderStatus, ShopSettings
from gridgov.shop.services import items, orders
from gridgov.shop.services.accounts import points_balance

from .shop_world import build

NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def w(district):
    with clock.frozen(NOW):
        return build(district)


def state(w):
    """Everything an order may touch: stocks, balances, orders, ledger entries."""
    return (list(Item.objects.order_by("pk").values_list("stock", flat=True)),
            [ledger.balance(a) for a in (w.alice_account, w.bob_account, w.escrow, w.shop_a1)],
            Order.objects.count(), Entry.objects.count(), OrderEntry.objects.count())


def actions_of(order):
    return list(OrderEntry.objects.filter(order=order).order_by("seq").values_list("action", flat=True))


# -- items ----------------------------------------------------------------------------------------
def test_keepers_and_staff_manage_items_others_may_not(w):
    item = items.create_item(w.staff, w.a1, name="香皂", price=5, stock=3)
    assert item.community == w.a1 and item.journal.get().action == ShopAction.ITEM_CREATE
    items.update_item(w.keeper, item, stock=7, price=6)
    item.refresh_from_db()
    assert (item.stock, item.price) == (7, 6)
    assert item.journal.last().data == {"stock": [3, 7], "price": [5, 6]} and journal.verify(item)
    with pytest.raises(PermissionDenied):
        items.create_item(w.alice, w.a1, name="x", price=1, stock=1)
    with pytest.raises(PermissionDenied):
        items.create_item(w.keeper2, w.a1, name="x", price=1, stock=1)
    with pytest.raises(NotFound):  # another community's keeper does not see the item
        items.update_item(w.keeper2, item, stock=1)
    with pytest.raises(ValidationError):
        items.create_item(w.keeper, w.units["A1-1"], name="x", price=1, stock=1)  # not a community


@pytest.mark.parametrize("field,value", [("price", 0), ("price", -3), ("price", 1.5), ("price", "5"),
                                         ("stock", -1), ("stock", 2.0), ("name", " ")])
def test_bad_item_values_are_refused_and_nothing_changes(w, field, value):
    before = list(Item.objects.values_list("price", "stock", "name"))
    with pytest.raises(ValidationError):
        items.update_item(w.keeper, w.soap, **{field: value})
    with pytest.raises(ValidationError):
        items.create_item(w.keeper, w.a1, **{"name": "新", "price": 1, "stock": 1, field: value})
    assert list(Item.objects.values_list("price", "stock", "name")) == before


def test_the_database_refuses_negative_stock_and_price_zero(w):
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=w.soap.pk).update(stock=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=w.soap.pk).update(price=0)


# -- placing an order -----------------------------------------------------------------------------
def test_an_order_takes_the_stock_and_holds_the_points_in_escrow(w):
    with clock.frozen(NOW):
        order = orders.place_order(w.alice, w.soap, 2)
    assert (order.status, order.points, order.quantity) == (OrderStatus.PLACED, 60, 2)
    assert order.expires_at == NOW + dt.timedelta(days=14)
    assert len(order.code) == 8
    w.soap.refresh_from_db()
    assert w.soap.stock == 3
    assert ledger.balance(w.alice_account) == 40 and ledger.balance(w.escrow) == 60
    assert Entry.objects.get(idempotency_key=f"shop-order:{order.pk}:hold").at == NOW
    assert actions_of(order) == [ShopAction.PLACE] and journal.verify(order)
    assert ledger.check().ok


def test_the_districts_pickup_days_set_the_expiry(w):
    ShopSettings.objects.create(district=w.units["district"], pickup_days=3)
    with clock.frozen(NOW):
        order = orders.place_order(w.alice, w.soap, 1)
    assert order.expires_at == NOW + dt.timedelta(days=3)


def test_an_order_beyond_the_balance_is_refused_and_nothing_changes(w):
    before = state(w)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(w.bob, w.soap, 2)  # 60 points, bob has 50
    assert "60" in refused.value.messages[0] and "50" in refused.value.messages[0]
    assert refused.value.code == "insufficient_points"
    assert state(w) == before


def test_an_order_beyond_the_stock_is_refused_and_nothing_changes(w):
    before = state(w)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(w.alice, w.towel, 2)
    assert refused.value.code == "stock"
    assert state(w) == before


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, 100])
def test_a_bad_quantity_is_refused_and_nothing_changes(w, quantity):
    before = state(w)
    with pytest.raises(ValidationError):
        orders.place_order(w.alice, w.soap, quantity)
    assert state(w) == before


def test_only_the_own_communitys_shop_and_items_on_sale(w):
    before = state(w)
    with pytest.raises(NotFound):  # another community's item is not even seen
        orders.place_order(w.alice, w.rice, 1)
    items.update_item(w.keeper, w.soap, active=False)
    with pytest.raises(ValidationError):
        orders.place_order(w.alice, w.soap, 1)
    with pytest.raises(PermissionDenied):  # staff do not buy
        orders.place_order(w.keeper, w.towel, 1)
    assert state(w)[1:] == before[1:]


def test_a_buyer_registered_in_one_community_living_in_another_is_refused(w):
    from gridgov.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=w.carol, role=Role.RESIDENT, unit=w.units["A1-1-1"])
    carol = type(w.carol).objects.get(pk=w.carol.pk)
    before = state(w)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(carol, w.soap, 1)
    assert refused.value.code == "community"
    assert state(w) == before


def test_a_failure_after_the_hold_leaves_nothing(w, monkeypatch):
    """A crash between the order and the hold (or after it) leaves no half entry: one transaction."""
    before = state(w)

    def broken(*args, **kwargs):
        raise RuntimeError("crash after the hold")

    monkeypatch.setattr(orders, "_record", broken)
    with pytest.raises(RuntimeError):
        orders.place_order(w.alice, w.soap, 1)
    assert state(w) == before


# -- pick-up --------------------------------------------------------------------------------------
def test_pick_up_by_code_releases_the_escrow_to_the_communitys_shop_once(w):
    order = orders.place_order(w.alice, w.soap, 1)
    done = orders.pick_up_by_code(w.keeper, order.code.lower())
    assert done.status == OrderStatus.PICKED_UP and done.closed_by == w.keeper
    assert ledger.balance(w.escrow) == 0 and ledger.balance(w.shop_a1) == 30
    assert w.shop_a1.place_code == w.a1.code and w.shop_a1.owner_key == f"unit:{w.a1.code}"
    before = state(w)
    with pytest.raises(InvalidTransition):
        orders.pick_up_by_code(w.keeper, order.code)
    with pytest.raises(InvalidTransition):  # cancel after pick-up
        orders.cancel(w.alice, order)
    assert state(w) == before
    assert actions_of(order) == [ShopAction.PLACE, ShopAction.PICK_UP] and journal.verify(order)
    assert ledger.check().ok


def test_pick_up_is_for_the_communitys_keepers_only(w):
    order = orders.place_order(w.alice, w.soap, 1)
    before = state(w)
    with pytest.raises(NotFound):
        orders.pick_up_by_code(w.keeper2, order.code)   # another community's keeper
    with pytest.raises(PermissionDenied):
        orders.pick_up(w.alice, order)                   # the buyer cannot hand it to themselves
    with pytest.raises(NotFound):
        orders.pick_up_by_code(w.keeper, "ZZZZZZZZ")
    with pytest.raises(ValidationError):
        orders.pick_up(w.keeper, order, code="ZZZZZZZZ")  # the wrong code for this order
    assert state(w) == before


# -- cancel and expire ----------------------------------------------------------------------------
def test_the_buyer_cancels_and_gets_points_and_stock_back(w):
    order = orders.place_order(w.alice, w.soap, 2)
    orders.cancel(w.alice, order)
    order.refresh_from_db()
    w.soap.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and w.soap.stock == 5
    assert ledger.balance(w.alice_account) == 100 and ledger.balance(w.escrow) == 0
    keys = set(Entry.objects.values_list("idempotency_key", flat=True))
    assert {f"shop-order:{order.pk}:hold", f"shop-order:{order.pk}:return"} <= keys  # nothing deleted
    with pytest.raises(InvalidTransition):
        orders.cancel(w.alice, order)
    assert ledger.check().ok


def test_a_keeper_cancels_only_with_a_reason_others_not_at_all(w):
    order = orders.place_order(w.alice, w.soap, 1)
    before = state(w)
    with pytest.raises(ValidationError):
        orders.cancel(w.keeper, order)
    with pytest.raises(NotFound):
        orders.cancel(w.bob, order)  # another resident does not see it
    with pytest.raises(NotFound):
        orders.cancel(w.keeper2, order)
    assert state(w) == before
    orders.cancel(w.keeper, order, reason="缺货")
    order.refresh_from_db()
    assert (order.status, order.reason) == (OrderStatus.CANCELLED, "缺货")
    assert OrderEntry.objects.filter(order=order).last().note == "缺货"


def test_orders_not_picked_up_in_time_expire_by_the_worker_once(w):
    with clock.frozen(NOW):
        late = orders.place_order(w.alice, w.soap, 1)
    with clock.frozen(NOW + dt.timedelta(days=10)):
        recent = orders.place_order(w.bob, w.towel, 1)
    report = dict(jobs.run_round(now=NOW + dt.timedelta(days=14, seconds=1)))
    assert report["shop-expiry"] == "1 shop orders expired"
    late.refresh_from_db()
    recent.refresh_from_db()
    assert (late.status, recent.status) == (OrderStatus.EXPIRED, OrderStatus.PLACED)
    assert ledger.balance(w.alice_account) == 100 and ledger.balance(w.escrow) == 10
    assert Item.objects.get(pk=w.soap.pk).stock == 5
    assert orders.expire_due(now=NOW + dt.timedelta(days=14, seconds=2)) == "0 shop orders expired"
    with pytest.raises(InvalidTransition):  # not yet due
        orders.expire(None, recent, now=NOW + dt.timedelta(days=11))
    assert actions_of(late) == [ShopAction.PLACE, ShopAction.EXPIRE]
    assert points_balance(w.alice_person) == 100 and ledger.check().ok
