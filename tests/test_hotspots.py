"""Hot spots (未诉先办) on data built for it.

Over the last 30 days (the second half starts 15 days ago):

* S — category ``small`` in grid A1-1: 5 reports (one merged into another; one located only to a
  micro-grid of A1-1 by its address), from 4 reporters (the resident twice, the grid worker, a
  hotline caller, an anonymous sensor), 1 in the first half and 4 in the second: growth
  (4 − 1) / 5 = 0.6, heat (5 + 4) × (1 + 0.3) = 11.7. A sixth report 40 days ago and a rejected
  one do not count.
* C — category ``community`` on the boundary of grids A1-1 and A1-2: 2 reports on each side, so
  neither grid has 3, but one ~200 m cell has 4, from 4 callers, 2 and 2: heat 8 × 1 = 8.0.
* B1 — category ``small`` in grid B1-1 (street B): 3 reports by one caller, all in the second half:
  heat (3 + 1) × 1.5 = 6.0.
* A12 — category ``big`` in grid A1-2: 3 reports by the resident, all in the first half: growth −1,
  heat (3 + 1) × 0.5 = 2.0.
* Q — category ``quick`` in grid B1-1: 2 reports, below the minimum of 3.
"""
import datetime as dt
import json
import math

import pytest
from django.utils import timezone

from gridgov.accounts.models import ApiToken
from gridgov.cases.models import Case, Status
from gridgov.cases.services import filing, lifecycle
from gridgov.core.geo import METRES_PER_DEGREE
from gridgov.intake.hotspots import _cell, heat, hotspots

from .cases_world import IN_A1_1, IN_B1_1

DISTRICT = "510113"


def _boundary_points():
    """Two points west and two east of the A1-1/A1-2 boundary (lng 104.125), all in one cell."""
    lat = 30.06
    width = 200 / (METRES_PER_DEGREE * math.cos(math.radians(30.5)))
    left, right = math.floor(104.125 / width) * width, (math.floor(104.125 / width) + 1) * width
    margin = min(104.125 - left, right - 104.125)
    assert margin > 1e-5  # the boundary is not on a cell edge
    points = [(lat, 104.125 - margin / 2), (lat, 104.125 - margin / 4), (lat, 104.125 + margin / 4),
              (lat, 104.125 + margin / 2)]
    assert len({_cell(*point, 200) for point in points}) == 1
    return points


@pytest.fixture
def data(world):
    now = timezone.now()
    district = world.units["district"]
    made = {}

    def case(key, category, days, at=None, by=None, person=None, phone="", channel="app", unit=None):
        user = world.users[by] if by else None
        made.setdefault(key, []).append(filing.report(
            district=district, channel=channel, title=f"{key} {days}", category=world.categories[category],
            lat=at[0] if at else None, lng=at[1] if at else None, reporter=person, reported_by=user,
            contact_phone=phone, reported_at=now - dt.timedelta(days=days), unit=unit))
        return made[key][-1]

    resident = world.persons[0]
    near = lambda k: (IN_A1_1[0] + 0.0003 * k, IN_A1_1[1])  # noqa: E731 - a few dozen metres apart
    case("S", "small", 25, near(0), by="grid_worker", channel="patrol")
    first = case("S", "small", 10, near(1), by="resident", person=resident)
    case("S", "small", 6, near(2), phone="13800001111", channel="hotline")
    merged = case("S", "small", 3, by="resident", person=resident, unit=world.units["A1-1-2"])
    lifecycle.merge(None, merged, first, "重复")
    case("S", "small", 1, near(3), channel="sensor")
    case("old", "small", 40, near(0), channel="sensor")
    rejected = case("rejected", "small", 2, near(0), channel="sensor")
    Case.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    for n, (point, days) in enumerate(zip(_boundary_points(), [20, 17, 5, 4])):
        case("C", "community", days, point, phone=f"1390000000{n}", channel="hotline")
    for days in (1, 2, 3):
        case("B1", "small", days, IN_B1_1, phone="13700000000", channel="hotline")
    for days in (28, 20, 16):
        case("A12", "big", days, (30.05, 104.18), by="resident", person=resident)
    for days in (1, 2):
        case("Q", "quick", days, IN_B1_1, channel="sensor")
    made["now"] = now
    return made


def test_heat_by_hand():
    assert heat(5, 4, 1, 4) == (0.6, 11.7)
    assert heat(3, 1, 3, 0) == (-1.0, 2.0)
    assert heat(4, 4, 2, 2) == (0.0, 8.0)


def test_a_recurring_problem_in_one_grid_ranks_first(world, data):
    found = hotspots(DISTRICT, now=data["now"])
    assert [(s.category.code, s.kind, s.place.code if s.place else None) for s in found] == [
        ("9901", "unit", world.units["A1-1"].code),
        ("9904", "cell", world.units["A1"].code),
        ("9901", "unit", world.units["B1-1"].code),
        ("9903", "unit", world.units["A1-2"].code),
    ]
    top = found[0]
    assert (top.reports, top.reporters, top.first_half, top.second_half) == (5, 4, 1, 4)
    assert (top.growth, top.heat) == (0.6, 11.7)
    assert {case.pk for case in top.cases} == {case.pk for case in data["S"]}
    assert top.cases[0].reported_at > top.cases[-1].reported_at  # newest first
    assert top.open_cases == 4  # the merged duplicate is a report, but not an open case of its own
    cell = found[1]
    assert (cell.reports, cell.reporters, cell.growth, cell.heat) == (4, 4, 0.0, 8.0)
    assert {case.unit.code for case in cell.cases} == {world.units["A1-1"].code, world.units["A1-2"].code}
    assert cell.center[0] == pytest.approx(30.06) and cell.center[1] == pytest.approx(104.125, abs=0.002)
    assert [(s.heat, s.growth) for s in found[2:]] == [(6.0, 1.0), (2.0, -1.0)]


def test_window_minimum_and_unit(world, data):
    recent = hotspots(DISTRICT, window_days=7, now=data["now"])
    top = recent[0]
    # S within 7 days: 6, 3 and 1 days ago (a caller, the resident, a sensor); the second half
    # starts 3.5 days ago: growth (2 − 1) / 3, heat (3 + 3) × (1 + 1/6) = 7.0.
    assert (top.category.code, top.reports, top.reporters, top.heat) == ("9901", 3, 3, 7.0)
    assert [s.reports for s in hotspots(DISTRICT, min_reports=4, now=data["now"])] == [5, 4]
    in_b = hotspots(DISTRICT, now=data["now"], unit_code=world.units["B"].code)
    assert [(s.category.code, s.place.code) for s in in_b] == [("9901", world.units["B1-1"].code)]


# -- the API --------------------------------------------------------------------------------------
@pytest.fixture
def api(world, client):
    def call(url, data=None, username="district_admin"):
        headers = {"Authorization": f"Bearer {ApiToken.issue(world.users[username])}"}
        return client.get(url, data or {}, headers=headers)

    return call


def test_api_hotspots_are_scoped(world, data, api):
    everything = api("/api/v1/intake/hotspots").json()
    assert [(s["category"], s["heat"]) for s in everything] == [("9901", 11.7), ("9904", 8.0), ("9901", 6.0),
                                                                ("9903", 2.0)]
    assert everything[0]["place"] == world.units["A1-1"].code and len(everything[0]["cases"]) == 5
    assert everything[1]["kind"] == "cell" and len(everything[1]["center"]) == 2
    street = api("/api/v1/intake/hotspots", username="street_dispatcher").json()
    assert [s["place"] for s in street] == [world.units["A1-1"].code, world.units["A1"].code,
                                            world.units["A1-2"].code]  # street A only
    assert api("/api/v1/intake/hotspots", {"unit": world.units["B"].code},
               username="street_dispatcher").status_code == 404
    b = api("/api/v1/intake/hotspots", {"unit": world.units["B"].code, "days": 30, "min_reports": 3}).json()
    assert [s["place"] for s in b] == [world.units["B1-1"].code]
    assert api("/api/v1/intake/hotspots", {"days": 0}).status_code == 422
    assert json.dumps(everything, ensure_ascii=False)  # serialisable as it is
