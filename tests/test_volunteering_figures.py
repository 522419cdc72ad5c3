"""Each volunteering figure against a number worked out by hand from the data the test makes."""
import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core import clock, figures
from gridgov.volunteering.models import VolunteeringSettings
from gridgov.volunteering.services import orders

from . import volunteering_world as vw

T0 = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))  # a Monday


@pytest.fixture
def w(district):
    with clock.frozen(T0):
        return vw.build(district)


def at(minutes):
    return clock.frozen(T0 + dt.timedelta(minutes=minutes))


def test_figures_worked_by_hand(w):
    """Community A1: 4 residents, 2 registered volunteers (vol1; vol2 a party member).

    Orders, all placed on 2 March:
    - o1: dispatched at +30 min, taken by vol1 at +90, 60 verified minutes, rated 5;
    - o2: published at +60, taken by vol2 (party member) at +180, 120 minutes, rated 3;
    - o3: published at +90, not taken (open); o4 refused; o5 cancelled.
    """
    with at(0):
        o1, o2, o3, o4, o5 = (orders.place_order(w.resident, item=w.haircut) for _ in range(5))
        for o in (o1, o2, o3):
            orders.accept(w.staff, o)
    with at(30):
        orders.dispatch(w.staff, o1, volunteer=w.v1)
    with at(60):
        orders.publish(w.staff, o2)
    with at(90):
        orders.publish(w.staff, o3)
        orders.take(w.u1, o1)
        orders.check_in(w.u1, o1)
        orders.check_out(w.u1, o1)
        orders.verify(w.staff, o1, 60)
        orders.rate(w.resident, o1, 5)
    with at(180):
        orders.take(w.u2, o2)
        orders.check_in(w.u2, o2)
        orders.check_out(w.u2, o2)
        orders.verify(w.staff, o2, 120)
        orders.rate(w.resident, o2, 3)
        orders.refuse(w.staff, o4, "无人")
        orders.cancel(w.resident, o5)
    VolunteeringSettings.objects.create(district_code="510113", registration_target="0.200")
    day = T0.date()
    result = figures.get("volunteering").compute([w.community.code, w.d.units["A1-1"].code, w.d.units["A2"].code],
                                                day, day)
    a1 = result[w.community.code]
    assert a1["registration_rate"] == 0.5          # 2 volunteers ÷ 4 residents
    assert a1["registration_target"] == 0.2        # the district's own target
    assert a1["registered_volunteers"] == 2
    assert a1["active_volunteers"] == 2            # both served within 90 days
    assert a1["verified_hours"] == 3.0             # (60 + 120) ÷ 60
    assert a1["hours_per_volunteer"] == 1.5        # 3 h ÷ 2 volunteers
    assert a1["hours_per_100_residents"] == 75.0   # 3 h ÷ 4 residents × 100
    assert (a1["orders_placed"], a1["orders_open"], a1["orders_done"], a1["orders_refused"],
            a1["orders_cancelled"]) == (5, 1, 2, 1, 1)
    assert a1["mean_minutes_to_dispatch"] == 60.0  # (30 + 60 + 90) ÷ 3
    assert a1["mean_minutes_to_take"] == 90.0      # o1: 90 − 30 = 60; o2: 180 − 60 = 120
    assert a1["completion_rate"] == round(2 / 3, 4)  # 2 served ÷ (5 − 1 refused − 1 cancelled)
    assert a1["satisfaction"] == 0.5               # one of two ratings is 4 or more
    assert a1["party_share_takers"] == 0.5         # vol2 of {vol1, vol2}
    assert a1["party_share_hours"] == round(120 / 180, 4)
    # A grid counts by home: the resident (A1-1-1) ordered; vol1 lives in A1-1-2, vol2 in A1-2-1.
    grid = result[w.d.units["A1-1"].code]
    assert (grid["orders_placed"], grid["registered_volunteers"], grid["verified_hours"]) == (5, 1, 1.0)
    empty = result[w.d.units["A2"].code]
    assert (empty["registration_rate"], empty["satisfaction"], empty["completion_rate"]) == (0.0, None, None)
    # Outside the period: nothing counted, active volunteers still within 90 days of the end.
    later = figures.get("volunteering").compute([w.community.code], day + dt.timedelta(days=1),
                                                day + dt.timedelta(days=89))[w.community.code]
    assert (later["orders_placed"], later["verified_hours"], later["active_volunteers"]) == (0, 0.0, 2)
    gone = figures.get("volunteering").compute([w.community.code], day + dt.timedelta(days=90),
                                               day + dt.timedelta(days=90))[w.community.code]
    assert gone["active_volunteers"] == 0
