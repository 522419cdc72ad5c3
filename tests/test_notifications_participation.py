"""The inbox hears of service orders (点单) and shop orders as it hears of cases: after each step commits, whoever
volunteering's rule names (``volunteering.services.notices``) gets the message, the actor excepted."""
import pytest
from django.utils import translation

from gridgov.notifications.models import Kind, Notification

from . import volunteering_world as vw


@pytest.fixture
def w(district):
    with translation.override("en"):
        yield vw.build(district)


def inbox(user):
    return list(Notification.objects.filter(user=user, kind=Kind.SERVICE).order_by("pk").values_list("text", flat=True))


@pytest.mark.django_db(transaction=True)
def test_each_step_of_an_order_reaches_those_it_concerns(w, settings):
    settings.LANGUAGE_CODE = "en"
    order = vw.run_order(w, until="verified", taker=w.u1)
    # The staff hear of the new order and of the service done; the resident of each step but their own.
    assert inbox(w.staff) == ["New service order: 上门理发", "Service “上门理发” done: verify the minutes."]
    assert inbox(w.resident) == ["Your order “上门理发”: Accepted", "Your order “上门理发”: Published for sign-up",
                                 "Your order “上门理发”: Taken", "Your order “上门理发”: Verified"]
    # The published order was offered to the community's two volunteers; the one who took it is told
    # nothing of their own steps after that.
    assert inbox(w.u1) == inbox(w.u2) == ["A service order is waiting to be taken: 上门理发"]
    assert Notification.objects.filter(kind=Kind.SERVICE, target_id=order.pk).count() == 2 + 4 + 2


@pytest.mark.django_db(transaction=True)
def test_a_step_rolled_back_tells_no_one(w):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        vw.run_order(w, until="accepted")
        raise RuntimeError
    assert not Notification.objects.filter(kind=Kind.SERVICE).exists()


@pytest.mark.django_db(transaction=True)
def test_a_buyer_hears_when_their_redemption_ends_without_them(district, settings):
    """Cancelled by the keeper (with the reason) or not picked up in time: the buyer is told, and
    that the points are back; their own cancellation and the keeper's hand-over tell nobody."""
    import datetime as dt

    from gridgov.shop.services import orders

    from .shop_world import build

    settings.LANGUAGE_CODE = "en"
    w = build(district)
    cancelled = orders.place_order(w.alice, w.soap, 1)
    orders.cancel(w.keeper, cancelled, "缺货")
    orders.cancel(w.alice, orders.place_order(w.alice, w.soap, 1))
    orders.pick_up(w.keeper, orders.place_order(w.alice, w.soap, 1))
    late = orders.place_order(w.alice, w.towel, 1)
    orders.expire_due(now=late.expires_at + dt.timedelta(minutes=1))
    texts = list(Notification.objects.filter(user=w.alice, kind=Kind.SHOP).order_by("pk").values_list("text", flat=True))
    assert texts == ["Your redemption of “洗衣液” was cancelled by the shop: 缺货. Your 30 points are back.",
                     "Your redemption of “毛巾” was not picked up in time. Your 10 points are back."]
    assert not Notification.objects.filter(kind=Kind.SHOP).exclude(user=w.alice).exists()
