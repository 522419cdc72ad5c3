"""The care figures against numbers worked out by hand, and the constant number of queries.

The world (by hand): special groups in community A1 — 居民01 (elderly alone, the daily plan),
居民02 (disabled, no plan), 居民03 (elderly alone, a plan made and ended at once); in A2 居民05
(elderly alone, no plan). 居民01's check-ins, 2–5 March: the 2nd well at 09:00; the 3rd "could not
reach" at 10:00 (an escalation, resolved at 11:30: 90 minutes); the 4th missed (its escalation
opens when the window closes, 20:00, and is resolved at 02:00: 360 minutes); the 5th "needs help"
at 19:00 (an escalation left open). Asked at 21:00 on the 5th for 1–5 March."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.care.figures import FIGURE_SET, compute
from gridgov.care.models import Escalation
from gridgov.care.services import checkins, escalations, plans, watch
from gridgov.core import clock, figures
from gridgov.people.models import SpecialGroup

from . import care_world as cw
from .care_world import at

PERIOD = (dt.date(2026, 3, 1), dt.date(2026, 3, 5))


@pytest.fixture
def world(district):
    w = cw.build(district)
    elderly, disabled = w.group, SpecialGroup.objects.get(code="disabled")
    p = district.persons
    p[1].special_groups.add(disabled)
    p[2].special_groups.add(elderly)
    p[4].special_groups.add(elderly)
    with clock.frozen(at(2, 7, 10)):
        ended = plans.create_plan(w.staff, person=p[2], group=elderly, starts_on=cw.START, every_days=1,
                                  window_start=dt.time(8), window_hours=12, method="visit", buddy=p[3],
                                  grid_worker=district.users["grid_worker2"])
    with clock.frozen(at(2, 7, 20)):
        plans.end(w.staff, ended, "搬走")
    check_in = w.plan.check_ins.get
    with clock.frozen(at(2, 9)):
        checkins.record(w.worker, check_in(seq=1), result="well")
    watch.tick(at(3, 7))
    with clock.frozen(at(3, 10)):
        checkins.record(w.buddy_user, check_in(seq=2), result="unreachable", note="没人接电话")
    with clock.frozen(at(3, 11, 30)):
        escalations.resolve(w.buddy_user, Escalation.objects.get(reason="unreachable"), outcome="well")
    watch.tick(at(4, 21))
    with clock.frozen(at(5, 2)):
        escalations.resolve(w.worker, Escalation.objects.get(reason="missed"), outcome="away", note="去女儿家了")
    with clock.frozen(at(5, 19)):
        checkins.record(w.worker, check_in(seq=4), result="needs_help", note="需要送药")
    return w


def _compute(codes):
    with clock.frozen(at(5, 21)):
        return compute(codes, *PERIOD)


def test_figures_by_hand(world):
    d = world.d.units
    result = _compute(["510113", d["A1"].code, d["A2"].code, d["A1-2"].code])
    assert result[d["A1"].code] == {
        "coverage": round(1 / 3, 4), "elderly_alone_coverage": 0.5, "people_in_care": 1, "checkins_due": 4,
        "on_time_rate": 0.5, "missed": 1, "escalations": 3, "median_minutes_to_resolve": 225.0}
    assert result["510113"]["coverage"] == 0.25 and result["510113"]["elderly_alone_coverage"] == round(1 / 3, 4)
    assert result["510113"]["checkins_due"] == 4
    assert result[d["A2"].code] == {
        "coverage": 0.0, "elderly_alone_coverage": 0.0, "people_in_care": 0, "checkins_due": 0, "on_time_rate": None,
        "missed": 0, "escalations": 0, "median_minutes_to_resolve": None}
    assert result[d["A1-2"].code]["coverage"] == 0.0  # 居民03's plan has ended


def test_an_attempt_that_could_not_reach_is_done_but_not_on_time(world):
    """Attendance is not completion: the 3rd was "done" (not missed) yet not on time."""
    figures_a1 = _compute([world.d.units["A1"].code])[world.d.units["A1"].code]
    assert figures_a1["checkins_due"] - figures_a1["missed"] == 3  # done: 2nd, 3rd, 5th
    assert figures_a1["on_time_rate"] * figures_a1["checkins_due"] == 2  # reached: 2nd and 5th


def test_queries_do_not_grow_with_the_number_of_units(world):
    units = world.d.units
    with CaptureQueriesContext(connection) as one:
        _compute(["510113"])
    many = ["510113", units["A"].code, units["B"].code] + [units[k].code for k in ("A1", "A2", "B1", "B2", "A1-1")]
    with CaptureQueriesContext(connection) as several:
        _compute(many)
    assert len(one) == len(several) == 3


def test_the_set_is_registered_with_its_headline():
    assert figures.get("care") is FIGURE_SET and FIGURE_SET.order == 70
    assert set(FIGURE_SET.headline) <= {f.key for f in FIGURE_SET.figures}
    assert {f.key for f in FIGURE_SET.figures} == set(compute.__globals__["_figures"](
        {"people": set(), "covered": set(), "elderly": set(), "elderly_covered": set(), "due": 0, "done": 0,
         "on_time": 0, "escalations": 0, "resolve_minutes": []}))
