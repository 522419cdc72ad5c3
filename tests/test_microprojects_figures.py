"""The micro-project figures against numbers worked out by hand (docs/microprojects.md), and their
cost: the same queries for one unit as for many."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.core import clock
from gridgov.microprojects.figures import FIGURE_SET, compute
from gridgov.microprojects.services import delivery, evaluations, lists, projects

from . import microprojects_world as mw

JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))


def at(month, day, hour=10):
    return clock.frozen(timezone.make_aware(dt.datetime(2026, month, day, hour)))


@pytest.fixture
def w(district, monkeypatch):
    w = mw.build(district)
    w.decision = mw.Decision(monkeypatch)
    mw.set_rules(w, minimum=2, days=7)
    return w


def _project(w, *, community, served, decided, planned_end, lines, spends=(), accepted=None, staff=None,
             needs=()):
    staff = staff or w.staff
    with at(*decided):
        today = timezone.localdate(clock.now())
        project = projects.propose(staff, community=community, kind="service", title="项目", budget=Decimal("50000"),
                                   planned_start=today, planned_end=dt.date(2026, *planned_end),
                                   served_units=[served], needs=needs)
        projects.review(staff, project, feasible=True, reason="可行")
        w.decision.pass_meeting(project)
        projects.decide(staff, project, approve=True)
        projects.start(staff, project)
        made = {source: delivery.add_line(staff, project, source=source, allocated=Decimal(amount))
                for source, amount in lines}
    for source, amount, day in spends:
        with at(*day):
            delivery.spend(staff, made[source], amount=Decimal(amount), evidence="发票")
    if accepted:
        with at(*accepted):
            projects.accept(staff, project, note="验收合格")
    return project


@pytest.fixture
def june(w):
    with at(5, 20):
        early = mw.need(w, title="五月的需求")
    with at(6, 5):
        needs = [mw.need(w, title=f"需求{n}") for n in range(3)]
    p1 = _project(w, community=w.community, served=w.grid, decided=(6, 3), planned_end=(6, 20),
                  lines=[("district", "30000"), ("community", "10000")], needs=[needs[0], early],
                  spends=[("district", "20000", (6, 10)), ("community", "5000", (7, 2))], accepted=(6, 15))
    _project(w, community=w.community, served=w.grid, decided=(6, 4), planned_end=(6, 10), needs=[needs[1]],
             lines=[("street", "5000")], spends=[("street", "5000", (6, 12))], accepted=(6, 18))
    _project(w, community=w.d.units["A2"], served=w.d.units["A2-1"], decided=(6, 5), planned_end=(6, 30),
             lines=[("pledge", "1000")], staff=w.street)
    with at(6, 16):
        p1 = projects.open_evaluation(w.staff, p1)
    with at(6, 17):
        evaluations.evaluate(w.resident, p1, score=5)
        evaluations.evaluate(w.res2, p1, score=3)
    with at(5, 1):  # before the period: not counted
        lists.create_need(w.staff, community=w.community, title="旧需求")
    return w


def test_figures_of_a_community_by_hand(june):
    f = compute(["510113002001"], *JUNE)["510113002001"]
    assert (f["needs_listed"], f["needs_in_projects"], f["needs_conversion"]) == (3, 2, 0.6667)
    assert (f["allocated_district"], f["spent_district"]) == (30000.0, 20000.0)
    assert (f["allocated_community"], f["spent_community"]) == (10000.0, 0.0)  # spent in July
    assert (f["allocated_street"], f["spent_street"]) == (5000.0, 5000.0)
    assert (f["allocated_pledge"], f["spent_pledge"]) == (0.0, 0.0)
    assert (f["funds_allocated"], f["funds_spent"], f["funds_spent_share"]) == (45000.0, 25000.0, 0.5556)
    assert (f["projects_accepted"], f["projects_on_time"]) == (2, 0.5)  # the second was accepted after its end
    assert (f["evaluations"], f["satisfaction_mean"], f["satisfaction_share"]) == (2, 4.0, 0.5)


def test_figures_nest_and_a_grid_has_none_of_its_own(june):
    got = compute(["510113", "510113002", "510113002001", "510113002001001", "510113003"], *JUNE)
    assert got["510113"]["funds_allocated"] == got["510113002"]["funds_allocated"] == 46000.0
    assert got["510113002"]["allocated_pledge"] == 1000.0
    assert got["510113003"]["funds_allocated"] == 0.0 and got["510113003"]["needs_conversion"] is None
    assert got["510113002001001"]["projects_accepted"] == 0
    may = compute(["510113002001"], dt.date(2026, 5, 1), dt.date(2026, 5, 31))["510113002001"]
    assert (may["needs_listed"], may["needs_in_projects"], may["funds_allocated"]) == (2, 1, 0.0)


def test_compute_costs_the_same_queries_for_one_unit_or_many(june):
    with CaptureQueriesContext(connection) as one:
        compute(["510113002001"], *JUNE)
    with CaptureQueriesContext(connection) as many:
        compute(["510113", "510113002", "510113003", "510113002001", "510113002002", "510113003001"], *JUNE)
    assert len(one) == len(many) == 5


def test_every_computed_figure_is_declared(district):
    assert {figure.key for figure in FIGURE_SET.figures} == set(compute(["510113"], *JUNE)["510113"])
    assert FIGURE_SET.key == "microprojects" and FIGURE_SET.order == 60
