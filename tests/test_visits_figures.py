"""The visits figures against numbers worked out by hand, the same for a unit asked alone or with
others, and a constant number of queries whatever the number of units.

The story (second quarter of 2026, community A1): one quarterly rule plans h11, h12 (grid A1-1) and
h21, h22 (grid A1-2) on 2 April, window 1 April–30 June. h11 and h12 are visited in May, h21 is
cancelled, h22 is never visited. The street dispatcher, a leading cadre, visits h11 on 20 May and
files a case, and receives a walk-in at A1 on 21 May. Promises: kept (decided 14 May), not kept
(22 May), open and due 1 June (overdue at the quarter's end), open and due 10 July.

By hand, for the quarter: A1 — due 3 (h21 cancelled is not due), done in window 2, coverage 2/3,
missed 1, overdue 0 (h22's latest day, 30 June, is the quarter's last: not yet passed),
households visited 2 (h11 twice), promises decided 2, kept 1, rate 0.5, overdue 1; cadre visits 1,
receptions 1, cases 1. Grid A1-1: due 2, done 2, coverage 1.0. Grid A1-2: due 1, done 0, coverage
0.0. For July (as of 31 July): A1 has h22 overdue (1), nothing due, and both open promises
overdue (due 1 June and 10 July: 2)."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.core import clock, figures
from gridgov.structure.models import Household
from gridgov.visits.models import Visit
from gridgov.visits.services import contacts, planning, promises, receptions, visits

from .figures_check import together_equals_alone
from .visits_world import at, build

Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


@pytest.fixture
def w(world):
    w = build(world)
    h22 = Household.objects.get(building__microgrid=world.units["A1-2-2"])
    with clock.frozen(at(dt.date(2026, 4, 2))):
        planning.save_rule(w.staff, unit=w.community)
        planning.plan()
        contacts.save_contact_point(w.admin, cadre=w.street, title="街道书记", unit=world.units["A1-1"])
    with clock.frozen(at(dt.date(2026, 5, 10))):
        visits.record(w.worker, Visit.objects.get(household=w.h11), findings="好")
        p1 = promises.make(w.worker, unit=world.units["A1-1-1"], text="修灯", due=dt.date(2026, 5, 15))
        p2 = promises.make(w.worker, unit=world.units["A1-1-1"], text="清理", due=dt.date(2026, 5, 20))
        promises.make(w.staff, unit=w.community, text="答复", due=dt.date(2026, 6, 1))
        promises.make(w.staff, unit=w.community, text="回访", due=dt.date(2026, 7, 10))
    with clock.frozen(at(dt.date(2026, 5, 11))):
        visits.record(w.worker, Visit.objects.get(household=w.h12), findings="好")
        visits.cancel(w.worker2, Visit.objects.get(household=w.h21), "搬走了")
    with clock.frozen(at(dt.date(2026, 5, 14))):
        promises.decide(w.worker, p1, kept=True)
    with clock.frozen(at(dt.date(2026, 5, 20))):
        visit = visits.visit_household(w.street, w.h11, findings="路灯坏了")
        visits.file_case(w.street, visit, category=w.category)
    with clock.frozen(at(dt.date(2026, 5, 21))):
        receptions.receive(w.street, unit=w.community, visitor_name="李阿姨", matter="电梯")
    with clock.frozen(at(dt.date(2026, 5, 22))):
        promises.decide(w.worker, p2, kept=False, note="资金未到")
    assert Visit.objects.get(household=h22).status == "planned"
    return w


def _compute(codes, start, end):
    return figures.get("visits").compute(codes, start, end)


def test_figures_by_hand(w):
    units = w.d.units
    out = _compute([units["A1"].code, units["A1-1"].code, units["A1-2"].code, units["B1"].code], *Q2)
    assert out[units["A1"].code] == {
        "visits_due": 3, "visits_done_in_window": 2, "coverage": 0.6667, "visits_missed": 1, "visits_overdue": 0,
        "households_visited": 2, "promises_decided": 2, "promises_kept": 1, "promises_kept_rate": 0.5,
        "promises_overdue": 1, "cadre_visits": 1, "cadre_receptions": 1, "cadre_cases": 1}
    grid1, grid2 = out[units["A1-1"].code], out[units["A1-2"].code]
    assert (grid1["visits_due"], grid1["visits_done_in_window"], grid1["coverage"]) == (2, 2, 1.0)
    assert (grid2["visits_due"], grid2["visits_done_in_window"], grid2["coverage"]) == (1, 0, 0.0)
    assert grid1["promises_overdue"] == 0 and grid1["promises_decided"] == 2
    assert out[units["B1"].code]["coverage"] is None
    july = _compute([units["A1"].code], dt.date(2026, 7, 1), dt.date(2026, 7, 31))[units["A1"].code]
    assert (july["visits_overdue"], july["visits_due"], july["promises_overdue"]) == (1, 0, 2)


def test_cadre_figures_by_hand(w):
    assert contacts.cadre_figures([w.street.pk, w.admin.pk], *Q2) == {
        w.street.pk: {"visits": 1, "receptions": 1, "cases": 1}, w.admin.pk: {"visits": 0, "receptions": 0, "cases": 0}}


def test_together_equals_alone_and_constant_queries(w):
    together_equals_alone("visits", [Q2, (dt.date(2026, 5, 1), dt.date(2026, 5, 31))])
    units = w.d.units
    with CaptureQueriesContext(connection) as one:
        _compute([units["A1"].code], *Q2)
    with CaptureQueriesContext(connection) as many:
        _compute([u.code for k, u in units.items() if not k.startswith("compound")], *Q2)
    assert len(one.captured_queries) == len(many.captured_queries) == 6
