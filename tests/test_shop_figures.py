"""The shop's figures (core.figures set ``shop``), each against a number worked out by hand.

The world (times in UTC; the district's days are Asia/Shanghai's):
- 1 June: alice 100, bob 50 (community A1) and carol 80 (A2) points issued;
- 2 June: alice orders 2 × soap (60) and 1 × soap (30); bob 1 × towel (10); carol 1 × rice (20);
- 3 June: alice's 60 is picked up;  4 June: bob cancels;  20 June (14 days to pick up): alice's 30 and
  carol's 20 have expired;  25 June: bob orders 1 × towel (10), still waiting.
"""
import datetime as dt

import pytest

from gridgov.core import clock, figures
from gridgov.shop.services import orders

from .shop_world import build


def at(day, hour=2):
    return dt.datetime(2026, 6, day, hour, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def w(district):
    with clock.frozen(at(1)):
        w = build(district)
    with clock.frozen(at(2)):
        w.big = orders.place_order(w.alice, w.soap, 2)
        w.small = orders.place_order(w.alice, w.soap, 1)
        w.bobs = orders.place_order(w.bob, w.towel, 1)
        w.carols = orders.place_order(w.carol, w.rice, 1)
    with clock.frozen(at(3)):
        orders.pick_up(w.keeper, w.big)
    with clock.frozen(at(4)):
        orders.cancel(w.bob, w.bobs)
    orders.expire_due(now=at(20))
    with clock.frozen(at(25)):
        orders.place_order(w.bob, w.towel, 1)
    return w


def compute(codes, start, end, today=at(15, 4).replace(month=7)):
    with clock.frozen(today):
        return figures.get("shop").compute(codes, start, end)


def test_the_figures_of_june(w):
    june = compute([w.a1.code, w.a2.code, "510113"], dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert june[w.a1.code] == {
        "points_issued": 150, "points_redeemed": 60, "points_outstanding": (100 - 60) + (50 - 10), "redemption_rate": 0.4,
        "orders_placed": 4, "orders_waiting": 1, "orders_picked_up": 1, "orders_cancelled": 1, "orders_expired": 1}
    assert june[w.a2.code] == {
        "points_issued": 80, "points_redeemed": 0, "points_outstanding": 80, "redemption_rate": 0.0,
        "orders_placed": 1, "orders_waiting": 0, "orders_picked_up": 0, "orders_cancelled": 0, "orders_expired": 1}
    district = june["510113"]
    assert (district["points_issued"], district["points_redeemed"], district["points_outstanding"]) == (230, 60, 160)
    assert district["redemption_rate"] == pytest.approx(60 / 230) and district["orders_placed"] == 5


def test_a_past_day_sums_the_postings_up_to_its_end(w):
    # End of 2 June: alice 100 − 60 − 30 = 10 and bob 50 − 10 = 40 (his points came back on 4 June).
    day = compute([w.a1.code], dt.date(2026, 6, 2), dt.date(2026, 6, 2))[w.a1.code]
    assert (day["points_issued"], day["points_redeemed"], day["points_outstanding"]) == (0, 0, 50)
    assert day["redemption_rate"] is None and day["orders_placed"] == 3
    third = compute([w.a1.code], dt.date(2026, 6, 3), dt.date(2026, 6, 3))[w.a1.code]
    assert (third["points_redeemed"], third["orders_placed"]) == (60, 0)


def test_a_period_ending_today_reads_the_balance_caches(w):
    now = compute([w.a1.code], dt.date(2026, 7, 1), dt.date(2026, 7, 31))[w.a1.code]
    assert now["points_outstanding"] == 80 and now["points_issued"] == 0


@pytest.mark.parametrize("start, end", [(dt.date(2026, 6, 1), dt.date(2026, 6, 30)),   # a past period
                                        (dt.date(2026, 7, 1), dt.date(2026, 7, 31))])  # one ending today
def test_many_codes_at_once_give_each_code_what_it_gets_alone(w, start, end):
    codes = [unit.code for label, unit in w.units.items() if not label.startswith("compound")]  # every unit
    together = compute(codes, start, end)
    assert together == {code: compute([code], start, end)[code] for code in codes}
