"""The tallies stay equal to the plain computation from the cases after every kind of transition."""
import datetime as dt

import pytest
from django.utils import timezone

from gridgov.assessment.models import Tally
from gridgov.assessment.services import tally
from gridgov.assessment.services.periods import Period
from gridgov.assessment.services.recount import plain_sums
from gridgov.assessment.services.totals import Subject, sums
from gridgov.cases.services import lifecycle, watch
from gridgov.cases.services import whistle as whistles
from gridgov.core import clock
from gridgov.intake.services import recategorise

from .cases_world import IN_A1_2, photo
from .test_cases_lifecycle import report

MONDAY = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 0))


GROUPINGS = (None, "street", "community", "grid", "department", "worker")
YEAR = Period("year", dt.date(2024, 1, 1))


def subjects(world):
    return [Subject(), Subject(within=world.units["A"].code), Subject(within=world.units["A1-1"].code),
            Subject(department=world.departments["chengguan"].pk), Subject(department=world.departments["gongan"].pk),
            Subject(worker=world.users["grid_worker"].pk), Subject(category=world.categories["big"].pk)]


def compare(world, combinations):
    code = world.units["district"].code
    for period, by, subject in combinations:
        assert sums(code, period, subject, by) == plain_sums(code, period, subject, by), (period, by, subject)
    return len(combinations)


def after_each_step(world):
    """Every grouping for the whole district and every kind of subject, over the year."""
    return [(YEAR, by, Subject()) for by in GROUPINGS] + [(YEAR, None, s) for s in subjects(world)[1:]]


def everything(world):
    """Every grouping × every subject, for a year, a month and a single day."""
    return [(period, by, subject) for period in (YEAR, Period("month", dt.date(2024, 3, 1)),
                                                 Period("day", dt.date(2024, 3, 5)))
            for by in GROUPINGS for subject in subjects(world)]


def test_tallies_follow_every_transition(world):
    u = world.users
    dispatcher, staff, worker, chengguan = u["street_dispatcher"], u["community_staff"], u["grid_worker"], \
        u["dept_chengguan"]
    gongan_user = type(chengguan).objects.create_user("dept_gongan")
    from gridgov.accounts.models import Role, RoleAssignment
    RoleAssignment.objects.create(user=gongan_user, role=Role.DEPARTMENT_STAFF, unit=world.units["district"],
                                  department=world.departments["gongan"])
    steps = []

    def step(name, fn):
        fn()
        steps.append(name)
        assert compare(world, after_each_step(world)), name

    with clock.frozen(MONDAY):
        small = report(world)  # small loop: report, accept, dispatch to the grid worker
        step("report", lambda: None)
        clock.set(MONDAY + dt.timedelta(hours=1))
        step("acknowledge", lambda: lifecycle.acknowledge(worker, small))
        step("handle", lambda: lifecycle.handle(worker, small, "已清运", photos=[photo()]))
        step("verify fail (rework)", lambda: lifecycle.verify(staff, small, False, "未清理干净"))
        step("handle again", lambda: lifecycle.handle(worker, small, "再次清运"))
        clock.set(MONDAY + dt.timedelta(days=1, hours=2))
        step("verify pass and close late", lambda: lifecycle.verify(staff, small, True))
        step("unsatisfied reopens", lambda: lifecycle.rate(u["resident"], small, "unsatisfied"))
        step("dispatch again to the grid", lambda: lifecycle.dispatch(staff, small, to_grid=world.units["A1-1"]))
        step("acknowledge again", lambda: lifecycle.acknowledge(worker, small))
        step("close again", lambda: lifecycle.verify(staff, lifecycle.handle(worker, small, "第三次"), True))
        step("final rating", lambda: lifecycle.rate(u["resident"], small, "basically"))

        big = report(world, "big", title="违章搭建")
        step("big report", lambda: None)
        step("recategorise", lambda: recategorise(dispatcher, big, world.categories["community"]))
        step("recategorise back", lambda: recategorise(dispatcher, big, world.categories["big"]))
        step("accept", lambda: lifecycle.accept(dispatcher, big))
        step("whistle", lambda: whistles.whistle(dispatcher, big, [world.departments["chengguan"],
                                                                    world.departments["gongan"]], limit_minutes=30))
        clock.set(MONDAY + dt.timedelta(days=1, hours=2, minutes=10))
        step("report in", lambda: whistles.report_in(chengguan, big))
        clock.set(MONDAY + dt.timedelta(days=1, hours=3))
        step("missed report-in", lambda: whistles.flag_missed())
        step("dispatch to departments", lambda: lifecycle.dispatch(
            dispatcher, big, lead=world.departments["gongan"], assisting=[world.departments["chengguan"]]))
        step("assisting acknowledges", lambda: lifecycle.acknowledge(chengguan, big))
        step("assisting returns", lambda: lifecycle.return_case(chengguan, big, "不属于本部门"))
        step("lead returns", lambda: lifecycle.return_case(gongan_user, big, "应由城管牵头"))
        step("dispatch to the right lead", lambda: lifecycle.dispatch(dispatcher, big,
                                                                      lead=world.departments["chengguan"]))
        clock.set(MONDAY + dt.timedelta(days=2))
        step("response overdue (worker)", lambda: watch.tick())
        step("lead acknowledges late", lambda: lifecycle.acknowledge(chengguan, big))
        step("extension requested", lambda: lifecycle.request_extension(chengguan, big, 2, "需要鉴定"))
        step("extension granted", lambda: lifecycle.decide_extension(dispatcher, big, True))
        step("suspend", lambda: lifecycle.suspend(dispatcher, big, "等待法院"))
        clock.set(MONDAY + dt.timedelta(days=3))
        step("resume", lambda: lifecycle.resume(dispatcher, big))
        step("supervise", lambda: lifecycle.supervise(u["district_dispatcher"], big, "尽快"))
        step("lead handles and it closes", lambda: lifecycle.handle(chengguan, big, "已拆除"))
        step("rate the department", lambda: whistles.rate_department(dispatcher, big,
                                                                     world.departments["chengguan"], 4))

        nuisance = report(world, "community", at=IN_A1_2, by="grid_worker2", channel="patrol")
        step("community report", lambda: None)
        step("reject", lambda: lifecycle.reject(staff, nuisance, "invalid"))
        other = report(world, "community", at=IN_A1_2)
        step("escalate from the community queue", lambda: lifecycle.escalate(staff, other))
        dup = report(world, "community", at=IN_A1_2)
        step("merge a duplicate", lambda: lifecycle.merge(staff, dup, other))
        step("dispatch to community staff", lambda: lifecycle.dispatch(dispatcher, other, to_user=staff))
        step("community staff acknowledges", lambda: lifecycle.acknowledge(staff, other))
        step("escalate while handling", lambda: lifecycle.escalate(staff, other))
    assert len(steps) == 39
    # A rebuild from the cases gives the same tallies as the increments.
    before = {k: sums(world.units["district"].code, Period("year", dt.date(2024, 1, 1)), by=k)
              for k in ("street", "department", "worker")}
    assert tally.rebuild(world.units["district"].code) > 0
    assert before == {k: sums(world.units["district"].code, Period("year", dt.date(2024, 1, 1)), by=k)
                      for k in before}
    assert compare(world, everything(world)) == 126
    assert Tally.objects.exists()


@pytest.mark.parametrize("value,kind,start,end", [
    ("2024-03", "month", dt.date(2024, 3, 1), dt.date(2024, 4, 1)),
    ("2024-Q4", "quarter", dt.date(2024, 10, 1), dt.date(2025, 1, 1)),
    ("2024", "year", dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
    ("2024-02-29", "day", dt.date(2024, 2, 29), dt.date(2024, 3, 1)),
])
def test_periods_parse_and_previous(value, kind, start, end):
    period = Period.parse(value)
    assert (period.kind, period.start, period.end, str(period)) == (kind, start, end, value)
    assert period.previous().end == start


@pytest.mark.parametrize("bad", ["2024-13", "2024-Q5", "x", "2024-02-30", "1", "9999-12", "0001-Q1"])
def test_bad_periods_are_refused(bad):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Period.parse(bad)
