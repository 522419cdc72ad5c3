"""Every assessment figure, checked against numbers worked out by hand (docs/assessment.md).

Each test builds its cases through the real services on real 2024 dates, with the clock frozen, and
compares *every* figure of ``totals.figures_for`` for a unit, a department or a grid worker with the
value computed by hand in the comments. The calendar is the one the migrations seed from the
``chinese-calendar`` package: 2024-09-15..17 (中秋) and 2024-10-01..07 (国庆) are holidays, Sunday
2024-09-29 and Saturday 2024-10-12 are make-up working days. Working hours count 24 per working day
and nothing on other days; response limits are clock hours (``small``/``quick``/``big``/``community``
all answer within 2 h; resolution limits 1, 1, 5 and 3 working days, see cases_world.py).

Histogram buckets (measures.BUCKET_HOURS) have upper bounds 1, 2, 4, 8, 24, 48, 72, 120, 240, 480,
720 h, then an open bucket: b0 = [0, 1], b1 = (1, 2], b2 = (2, 4], b3 = (4, 8], b4 = (8, 24],
b5 = (24, 48], b6 = (48, 72], b7 = (72, 120], b8 = (120, 240], …, b11 = (720, ∞). The P90 is found in
the bucket where the running count reaches 0.9 × n, interpolated linearly inside it.
"""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.assessment.models import ScoreWeight
from gridgov.assessment.services import scoring, totals
from gridgov.assessment.services.figures import FIGURES, p90_hours
from gridgov.assessment.services.periods import Period
from gridgov.assessment.services.recount import plain_sums
from gridgov.cases.models import Status
from gridgov.cases.services import lifecycle, watch
from gridgov.cases.services import whistle as whistles
from gridgov.core import clock
from gridgov.core.errors import InvalidTransition
from gridgov.workdays.services import is_working_day

from .cases_world import IN_A1_2, IN_B1_1, photo
from .test_cases_lifecycle import report

Subject = totals.Subject
KEYS = [f.key for f in FIGURES]
SEP, OCT, NOV, DEC = (Period("month", dt.date(2024, month, 1)) for month in (9, 10, 11, 12))


def t(month, day, hour=0, minute=0):
    """A local (Asia/Shanghai) moment in 2024."""
    return timezone.make_aware(dt.datetime(2024, month, day, hour, minute))


def expected(**values):
    """Every figure "no data" except those given: the tests compare whole dicts, so a figure that
    should be no data and is not fails too."""
    unknown = set(values) - set(KEYS)
    assert not unknown, unknown
    return {key: values.get(key) for key in KEYS}


def figures(world, period, **subject):
    return totals.figures_for(world.units["district"].code, period, Subject(**subject))


def agree_with_plain(world, period, *subjects):
    """The tallies behind the figures are the plain GROUP BY's (proven step by step elsewhere)."""
    code = world.units["district"].code
    for subject in subjects:
        assert totals.sums(code, period, subject) == plain_sums(code, period, subject), subject


def gongan_staff(world):
    user = type(world.users["dept_chengguan"]).objects.create_user("dept_gongan")
    RoleAssignment.objects.create(user=user, role=Role.DEPARTMENT_STAFF, unit=world.units["district"],
                                  department=world.departments["gongan"])
    return user


def test_the_calendar_is_the_seeded_2024_one(db):
    # The hand computations below rely on these days.
    assert not is_working_day(dt.date(2024, 9, 21)) and not is_working_day(dt.date(2024, 9, 22))  # weekend
    assert all(not is_working_day(dt.date(2024, 10, day)) for day in range(1, 8))  # 国庆
    assert is_working_day(dt.date(2024, 9, 29)) and is_working_day(dt.date(2024, 10, 12))  # 调休 weekend days


# -- response rate and time to acknowledge (a unit, the grid worker, a second worker) ---------
def test_response_rate_and_working_hours_to_acknowledge(world):
    u = world.users
    worker, worker2 = u["grid_worker"], u["grid_worker2"]
    ack = lifecycle.acknowledge
    with clock.frozen(t(9, 19, 9)):
        missed = report(world)  # Thu 09:00, small loop → grid_worker at once, respond by 11:00
        clock.set(t(9, 19, 10, 30))
        report(world)  # "pending": respond by 12:30, never acknowledged
        clock.set(t(9, 19, 11, 30))
        ticked = watch.tick()  # `missed` passed its limit unacknowledged: recorded; `pending` not yet
        assert ticked.reminded == 1 and ticked.escalated == 0
        assert type(missed).objects.get(pk=missed.pk).response_reminded
        clock.set(t(9, 19, 12))
        slow = report(world, at=IN_A1_2)  # grid A1-2 → grid_worker2
        clock.set(t(9, 20, 17))
        weekend = report(world)  # Friday 17:00
        clock.set(t(9, 23, 9))
        ack(worker, weekend)  # Monday 09:00: Fri 7 h + Sat 0 + Sun 0 + Mon 9 h = 16 working hours; late
        clock.set(t(9, 23, 10))
        one = report(world)
        clock.set(t(9, 23, 11))
        ack(worker, one)  # 1 h, on time
        clock.set(t(9, 24, 9))
        two = report(world)
        clock.set(t(9, 24, 11))
        ack(worker, two)  # exactly at the 2 h limit: on time; 2 h is in b1 (1, 2]
        clock.set(t(9, 30, 20))
        holiday = report(world)  # Monday 30 September 20:00, before 国庆
        clock.set(t(10, 8, 10))
        ack(worker, holiday)  # Tue 8 October 10:00: 4 h + 7 holidays × 0 + 10 h = 14 working hours; late
        clock.set(t(11, 5, 13))
        ack(worker2, slow)  # Thu 19 Sep 12:00 → Tue 5 Nov 13:00 = 721 working hours (counted below); late

    # Grid A1-1 in September = the grid worker's own (every case there is handled by them):
    # response: due = missed (limit passed, recorded) + weekend + one + two + holiday = 5 (pending is
    #   not due yet); on time = one, two → 2 of 5 = 40.0.
    # acknowledged: 1 h, 2 h, 16 h, 14 h → mean 33 / 4 = 8.25 h;
    #   P90: b0 = 1 (1 h), b1 = 1 (2 h), b4 = 2 (14 h, 16 h); rank 0.9 × 4 = 3.6 reached in b4 with
    #   2 before it: 8 + (24 − 8) × (3.6 − 2) / 2 = 20.8 h.
    # The holiday case was dispatched on 30 September: it counts in September though acknowledged
    # in October. Six cases accepted (the small loop accepts at once), none closed → closure 0.0;
    # 6 dispatches, no return → 0.0; no handling yet → rework no data.
    grid = expected(response_rate=40.0, closure_rate=0.0, return_rate=0.0, valid_report_rate=100.0,
                    ack_mean_hours=8.25, ack_p90_hours=20.8)
    assert figures(world, SEP, within=world.units["A1-1"].code)["current"] == grid
    # The grid worker reported nothing themselves: valid reports no data.
    assert figures(world, SEP, worker=worker.pk)["current"] == {**grid, "valid_report_rate": None}

    # Thu 19 Sep 12:00 → Tue 5 Nov 13:00 in working hours: 19 Sep 12 + 20 Sep 24 + 23–27 Sep 120
    # + Sun 29 Sep (调休) 24 + 30 Sep 24 + 8–11 Oct 96 + Sat 12 Oct (调休) 24 + 14–18 Oct 120
    # + 21–25 Oct 120 + 28–31 Oct 96 + 1 Nov 24 + 4 Nov 24 + 5 Nov 13 = 721 h > 720: the open bucket,
    # whose P90 answers its lower bound 720.
    assert figures(world, SEP, worker=worker2.pk)["current"] == expected(
        response_rate=0.0, closure_rate=0.0, return_rate=0.0, ack_mean_hours=721.0, ack_p90_hours=720.0)
    # Community A1 = both grids: 2 of 6 on time = 33.3; 7 accepted; acks 33 + 721 = 754 h / 5 = 150.8;
    # P90 rank 4.5: b0 1, b1 1, b4 2 → 4, the 5th is in the open bucket → 720.
    assert figures(world, SEP, within=world.units["A1"].code)["current"] == expected(
        response_rate=33.3, closure_rate=0.0, return_rate=0.0, valid_report_rate=100.0, ack_mean_hours=150.8,
        ack_p90_hours=720.0)

    # October: nothing was dispatched or accepted in October (acknowledging does not move a dispatch
    # to the day of the acknowledgement) → all no data; the previous period beside it is September.
    october = figures(world, OCT, within=world.units["A1-1"].code)
    assert october["current"] == expected()
    assert october["previous"] == grid
    agree_with_plain(world, SEP, Subject(within=world.units["A1"].code), Subject(worker=worker.pk))


def test_p90_interpolates_inside_its_bucket_and_answers_720_for_the_open_one():
    # 10 cases: 5 in b0, 3 in b2 (2, 4], 2 in b6 (48, 72]; rank 9 is reached in b6 after 8:
    # 48 + 24 × (9 − 8) / 2 = 60.0
    assert p90_hours([5, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0]) == 60.0
    # rank exactly at a bucket's end: 9 of 10 are in b0 → 0 + 1 × 9 / 9 = 1.0
    assert p90_hours([9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == 1.0
    assert p90_hours([0] * 11 + [3]) == 720.0
    assert p90_hours([0] * 12) is None


# -- closure, on time (late / extension / suspension), levels, rework, returns, times, previous --
def test_closure_on_time_levels_rework_returns_and_close_times_for_a_street(world):
    u = world.users
    worker, staff, dispatcher = u["grid_worker"], u["community_staff"], u["street_dispatcher"]
    district_dispatcher, chengguan_staff = u["district_dispatcher"], u["dept_chengguan"]
    chengguan = world.departments["chengguan"]
    L = lifecycle
    with clock.frozen(t(9, 30, 10)):
        k0 = report(world)  # Mon 30 Sep 10:00, small (1 working day): due Tue 8 Oct 10:00 (14 h + 10 h)
        clock.set(t(10, 8, 9))
        L.acknowledge(worker, k0)  # 14 h + 9 h = 23 working hours after dispatch; late (limit 12:00 on 30 Sep)
        k1 = report(world, "quick")  # Tue 8 Oct 09:00, no verification needed
        k2 = report(world)
        clock.set(t(10, 8, 9, 30))
        L.handle(worker, k0, "已清运")
        L.acknowledge(worker, k1)
        L.acknowledge(worker, k2)
        clock.set(t(10, 8, 10))
        L.verify(staff, k0, True)  # closed exactly at its deadline: on time; 24 working hours
        L.handle(worker, k1, "已清除")  # closes at once: 1 h, on time
        L.handle(worker, k2, "已清运")
        clock.set(t(10, 8, 10, 30))
        L.verify(staff, k2, False, "未清理干净")  # 返工
        clock.set(t(10, 8, 11))
        L.handle(worker, k2, "再次清运")

        clock.set(t(10, 9, 9))  # Wed 9 Oct
        k3 = report(world, "big", title="违章搭建")  # 5 working days: due Tue 15 Oct 09:00
        L.accept(dispatcher, k3)
        L.dispatch(dispatcher, k3, lead=chengguan)
        clock.set(t(10, 9, 10))
        L.acknowledge(chengguan_staff, k3)
        L.request_extension(chengguan_staff, k3, 2, "需要鉴定")
        k3 = L.decide_extension(dispatcher, k3, True)
        # 7 working days from Wed 9 Oct 09:00: 9 (15 h), 10, 11, Sat 12 (调休), 14, 15, 16, then 9 h
        # of Thu 17 → due Thu 17 Oct 09:00.
        assert k3.resolution_due == t(10, 17, 9)

        clock.set(t(10, 10, 9))  # Thu 10 Oct
        L.verify(staff, k2, True)  # 15 h + 24 h + 9 h = 48 h: late (due Wed 9 Oct 09:00)
        k4 = report(world, "community", title="邻里纠纷")  # 3 working days: due Mon 14 Oct 09:00
        L.accept(staff, k4)
        L.dispatch(staff, k4, to_user=staff)  # resolved in the community
        L.acknowledge(staff, k4)  # 0 s

        clock.set(t(10, 11, 9))  # Fri 11 Oct
        L.suspend(staff, k4, "等待物业提供材料")
        k5 = report(world)
        k6 = report(world, "big", title="违章搭建")
        k7 = report(world, "community", title="邻里纠纷")
        L.accept(dispatcher, k6)
        clock.set(t(10, 11, 9, 5))
        L.escalate(dispatcher, k6, "需区级协调")  # accepted by the street, resolved by the district
        clock.set(t(10, 11, 9, 10))
        L.return_case(worker, k5, "不在本网格")  # 退单
        clock.set(t(10, 11, 9, 20))
        L.dispatch(staff, k5, to_user=worker)  # its second dispatch: respond by 11:20
        clock.set(t(10, 11, 9, 30))
        L.reject(staff, k7, "duplicate")
        clock.set(t(10, 11, 10))
        L.dispatch(district_dispatcher, k6, lead=chengguan)
        clock.set(t(10, 11, 11))
        L.acknowledge(chengguan_staff, k6)  # 1 h
        clock.set(t(10, 11, 12))
        L.acknowledge(worker, k5)  # 2 h 40 min after its second dispatch: late
        clock.set(t(10, 11, 15))
        L.handle(chengguan_staff, k6, "已拆除")  # 6 h after the report, on time

        clock.set(t(10, 15, 9))
        k4 = L.resume(staff, k4)
        # Suspended Fri 11 Oct 09:00 → Tue 15 Oct 09:00: 15 h + Sat 12 (调休) 24 h + Mon 14 24 h + 9 h
        # = 72 h, so the deadline moves 3 working days: due Thu 17 Oct 09:00.
        assert k4.suspended_seconds == 72 * 3600 and k4.resolution_due == t(10, 17, 9)
        clock.set(t(10, 16, 9))
        L.handle(staff, k4, "已调解")  # 120 working h since the report − 72 h suspended = 48 h: on time
        clock.set(t(10, 16, 12))
        L.handle(chengguan_staff, k3, "已拆除")  # 15 + 5 × 24 + 12 = 147 h; on time only thanks to the extension

    k2.refresh_from_db()
    assert (k2.closed_on_time, k2.close_seconds) == (False, 48 * 3600)
    # October, street A (every case is located in grid A1-1):
    # response (dispatches made in October): k1, k2 0.5 h, k3 1 h, k4 0 h, k6 1 h on time; k5's
    #   second 2 h 40 min late → 5 of 6 = 83.3 (k5's first was returned unacknowledged within its
    #   limit: not due; k0 was dispatched in September).
    #   mean (0.5 + 0.5 + 1 + 0 + 2.6667 + 1) / 6 = 5.6667 / 6 = 0.94 h;
    #   P90: b0 = 5, b2 = 1 (2.67 h); rank 5.4 reached in b2 after 5: 2 + 2 × 0.4 / 1 = 2.8 h.
    # closure (accepted in October: k1–k6 = 6; closed now: all but k5 = 5) → 83.3.
    # on time (closed in October: k0, k1, k2, k3, k4, k6 = 6; only k2 late) → 5 / 6 = 83.3.
    # returns / dispatches made in October: 1 / (1 + 1 + 1 + 1 + 2 + 1) = 1 / 7 = 14.3.
    # reworks / handlings: 1 / (k1 1 + k2 2 + k3 1 + k4 1 + k6 1) = 1 / 6 = 16.7.
    # valid reports: 7 decided (k1–k7), 1 rejected → 6 / 7 = 85.7.
    # reopened 0 / 6 = 0.0.
    # levels: grid k0, k1, k2; community k4; street k3; district k6 → 3/6 = 50.0, 4/6 = 66.7, 5/6 = 83.3.
    # close: 24 + 1 + 48 + 147 + 48 + 6 = 274 h / 6 = 45.67 h;
    #   P90: b0 = 1 (1 h), b3 = 1 (6 h), b4 = 1 (24 h), b5 = 2 (48 h, 48 h), b8 = 1 (147 h);
    #   rank 5.4 reached in b8 after 5: 120 + 120 × 0.4 / 1 = 168.0 h.
    october = expected(response_rate=83.3, closure_rate=83.3, on_time_rate=83.3, return_rate=14.3, rework_rate=16.7,
                       valid_report_rate=85.7, reopen_rate=0.0, within_grid=50.0, within_community=66.7,
                       within_street=83.3, ack_mean_hours=0.94, ack_p90_hours=2.8, close_mean_hours=45.67,
                       close_p90_hours=168.0)
    # September (the previous period): k0 alone — accepted on 30 Sep and closed now → 100.0;
    # acknowledged late → response 0.0; 23 h to acknowledge, P90 in b4: 8 + 16 × 0.9 / 1 = 22.4;
    # closed in October → no closure figures in September.
    september = expected(response_rate=0.0, closure_rate=100.0, return_rate=0.0, rework_rate=0.0,
                         valid_report_rate=100.0, ack_mean_hours=23.0, ack_p90_hours=22.4)
    street = figures(world, OCT, within=world.units["A"].code)
    assert street["current"] == october
    assert street["previous"] == september
    assert figures(world, SEP, within=world.units["A"].code)["current"] == september
    assert figures(world, OCT, within=world.units["A1-1"].code)["current"] == october
    assert figures(world, OCT, within=world.units["B"].code) == {
        "current": expected(), "previous": expected(), "counts": totals.sums(world.units["district"].code, OCT,
                                                                             Subject(within=world.units["B"].code))}
    agree_with_plain(world, OCT, Subject(within=world.units["A"].code))

    # The composite score with the default unit weights (response 20, closure 15, on time 25,
    # satisfaction 25, return 5, rework 10): satisfaction has no data, so it is left out and the
    # other weights (75) re-normalised; return and rework count 100 − rate:
    # (83.3 × 20 + 83.3 × 15 + 83.3 × 25 + (100 − 14.3) × 5 + (100 − 16.7) × 10) / 75
    # = (1666 + 1249.5 + 2082.5 + 428.5 + 833) / 75 = 6259.5 / 75 = 83.46 → 83.5, grade B.
    code = world.units["district"].code
    assert scoring.weights(code, "unit") == scoring.DEFAULT_WEIGHTS["unit"]
    score = scoring.score(october, scoring.weights(code, "unit"))
    assert (score, scoring.grade(score)) == (83.5, "B")
    # September: response 0 × 20, closure 100 × 15, return (100 − 0) × 5, rework (100 − 0) × 10 over
    # 20 + 15 + 5 + 10 = 50 (on time and satisfaction have no data) → 3000 / 50 = 60.0, grade C.
    previous = scoring.score(september, scoring.weights(code, "unit"))
    assert (previous, scoring.grade(previous)) == (60.0, "C")

    # The district's own weights: on time 2, reopen 3, satisfaction 5 (no data: left out), within
    # the grid 0 (not kept) → (83.3 × 2 + (100 − 0.0) × 3) / 5 = 466.6 / 5 = 93.32 → 93.3, grade A.
    assert scoring.set_weights(code, "unit", {"on_time_rate": 2, "reopen_rate": 3, "satisfaction_rate": 5,
                                              "within_grid": 0}) == {"on_time_rate": 2, "reopen_rate": 3,
                                                                     "satisfaction_rate": 5}
    score = scoring.score(october, scoring.weights(code, "unit"))
    assert (score, scoring.grade(score)) == (93.3, "A")
    # Other kinds of subject keep their defaults.
    assert scoring.weights(code, "department") == scoring.DEFAULT_WEIGHTS["department"]


def test_score_weights_refusals_change_nothing(district):
    code = district.units["district"].code
    chosen = {"response_rate": 40, "satisfaction_rate": 60}
    assert scoring.set_weights(code, "worker", chosen) == chosen
    bad = [
        {"response_rate": 40, "made_up_rate": 10},  # not a figure
        {"ack_mean_hours": 10},  # a time, not a rate
        {"response_rate": -5, "satisfaction_rate": 60},  # negative
        {"response_rate": 101},  # above 100
        {"response_rate": "lots"},  # not a number
        {"response_rate": 0, "satisfaction_rate": 0},  # all zero
        {},  # nothing
    ]
    for weights in bad:
        with pytest.raises(ValidationError):
            scoring.set_weights(code, "worker", weights)
        assert scoring.weights(code, "worker") == chosen, weights
    with pytest.raises(ValidationError):
        scoring.set_weights(code, "street", {"response_rate": 10})  # not a kind of subject
    assert set(ScoreWeight.objects.values_list("subject", "figure", "weight")) == {
        ("worker", "response_rate", 40), ("worker", "satisfaction_rate", 60)}
    # Score and grade edges: the grade bounds are inclusive (A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40).
    assert [scoring.grade(v) for v in (90.0, 89.9, 75.0, 74.9, 60.0, 59.9, 40.0, 39.9, None)] == [
        "A", "B", "B", "C", "C", "D", "D", "E", ""]
    assert scoring.score(expected(), chosen) is None  # nothing with data: no score, not 0


# -- satisfaction and the reopen rule -------------------------------------------------------
def test_satisfaction_counts_the_rating_after_a_reopening(world):
    u = world.users
    worker, staff, resident = u["grid_worker"], u["community_staff"], u["resident"]
    L = lifecycle

    def close(cases, start):
        """Acknowledge, handle and verify each case, at 10, 20 and 30 minutes after ``start``."""
        for minutes, step in ((10, lambda case: L.acknowledge(worker, case)),
                              (20, lambda case: L.handle(worker, case, "已清运")),
                              (30, lambda case: L.verify(staff, case, True))):
            clock.set(start + dt.timedelta(minutes=minutes))
            for case in cases:
                step(case)

    with clock.frozen(t(12, 2, 9)):  # Monday 2 December
        s1, s2, s3, s4, s5 = cases = [report(world) for _ in range(5)]
        close(cases, t(12, 2, 9))  # each closed at 09:30
        clock.set(t(12, 2, 10))
        L.rate(resident, s1, "satisfied")
        L.rate(resident, s2, "basically")
        for case in (s3, s4):
            L.rate(resident, case, "unsatisfied")  # the first 不满意 reopens (重办)
            assert type(case).objects.get(pk=case.pk).status == Status.ACCEPTED
        clock.set(t(12, 2, 10, 30))
        for case in (s3, s4):
            L.dispatch(staff, case, to_user=worker)
        close([s3, s4], t(12, 2, 10, 30))  # closed again at 11:00
        clock.set(t(12, 2, 11, 30))
        L.rate(resident, s3, "unsatisfied")  # after a reopening the rating is final
        L.rate(resident, s4, "satisfied")
        with pytest.raises(InvalidTransition):
            L.rate(resident, s4, "unsatisfied")

    # rated: s1, s2, s3 (final 不满意), s4 (满意 replaces the 不满意 that reopened it) = 4; satisfied:
    # s1 (满意), s2 (基本满意), s4 → 3 of 4 = 75.0. (Counting the reopening ratings too would give 3 of 6.)
    # closures: 5, each case once at its latest closure; reopened s3, s4 → 2 / 5 = 40.0.
    # response: 7 dispatches (s3, s4 dispatched again after the reopening), each acknowledged after
    #   10 min → 100.0; mean 10 min = 0.17 h; P90: all 7 in b0 → 0 + 1 × 6.3 / 7 = 0.9 h.
    # close: s1, s2, s5 30 min; s3, s4 2 h from the report → (1.5 + 4) / 5 = 1.1 h;
    #   P90: b0 = 3, b1 = 2; rank 4.5 reached in b1 after 3: 1 + 1 × 1.5 / 2 = 1.75 h.
    # returns: none of 7 dispatches → 0.0; rework: 0 of 7 handlings (one per dispatch) → 0.0.
    values = dict(response_rate=100.0, closure_rate=100.0, on_time_rate=100.0, satisfaction_rate=75.0,
                  return_rate=0.0, rework_rate=0.0, reopen_rate=40.0, within_grid=100.0, within_community=100.0,
                  within_street=100.0, ack_mean_hours=0.17, ack_p90_hours=0.9, close_mean_hours=1.1,
                  close_p90_hours=1.75)
    assert figures(world, DEC, within=world.units["A1-1"].code)["current"] == expected(valid_report_rate=100.0,
                                                                                       **values)
    assert figures(world, DEC, worker=worker.pk)["current"] == expected(**values)
    assert figures(world, NOV, worker=worker.pk)["current"] == expected()
    agree_with_plain(world, DEC, Subject(worker=worker.pk))


# -- departments: lead returns, whistle report-ins ------------------------------------------
def test_department_figures_lead_returns_and_whistle_report_ins(world):
    u = world.users
    dispatcher, district_dispatcher, resident = u["street_dispatcher"], u["district_dispatcher"], u["resident"]
    cg, ga = u["dept_chengguan"], gongan_staff(world)
    chengguan, gongan = world.departments["chengguan"], world.departments["gongan"]
    L = lifecycle
    with clock.frozen(t(11, 4, 9)):  # Monday 4 November
        d1 = report(world, "big", title="违章搭建")
        L.accept(dispatcher, d1)
        L.dispatch(dispatcher, d1, lead=chengguan, assisting=[gongan])  # respond by 11:00
        clock.set(t(11, 4, 9, 5))
        whistles.whistle(dispatcher, d1, [chengguan, gongan], limit_minutes=30)  # report in by 09:35
        clock.set(t(11, 4, 9, 20))
        whistles.report_in(cg, d1)  # on time
        clock.set(t(11, 4, 9, 50))
        whistles.report_in(ga, d1)  # late
        clock.set(t(11, 4, 10))
        L.acknowledge(cg, d1)  # 1 h, on time
        d2 = report(world, "big", title="违章搭建")
        L.accept(dispatcher, d2)
        L.dispatch(dispatcher, d2, lead=gongan)
        clock.set(t(11, 4, 10, 5))
        whistles.whistle(dispatcher, d2, [chengguan], limit_minutes=30)  # by 10:35
        clock.set(t(11, 4, 10, 20))
        L.return_case(ga, d2, "应由城管牵头")  # gongan returns as the lead
        clock.set(t(11, 4, 10, 30))
        L.acknowledge(ga, d1)  # the assisting department's acknowledgement does not time the case
        clock.set(t(11, 4, 10, 40))
        ticked = watch.tick()
        assert (ticked.missed_report_ins, ticked.reminded) == (1, 0)  # chengguan missed d2's call
        clock.set(t(11, 4, 11))
        L.dispatch(dispatcher, d2, lead=chengguan)  # respond by 13:00
        clock.set(t(11, 4, 14))
        L.acknowledge(cg, d2)  # 3 h, late
        clock.set(t(11, 4, 15))
        L.handle(cg, d1, "已拆除")  # closed: 6 h after the report
        clock.set(t(11, 4, 16))
        L.rate(resident, d1, "basically")

        clock.set(t(11, 5, 9))  # Tuesday: a case in street B
        d3 = report(world, "big", at=IN_B1_1, title="违章搭建")
        L.accept(district_dispatcher, d3)
        L.dispatch(district_dispatcher, d3, lead=chengguan)
        clock.set(t(11, 5, 9, 30))
        L.return_case(cg, d3, "非本部门职责")  # chengguan returns as the lead
        clock.set(t(11, 5, 10))
        L.dispatch(district_dispatcher, d3, lead=chengguan)  # respond by 12:00; never acknowledged
        clock.set(t(11, 5, 11))
        L.handle(cg, d2, "已拆除")  # Mon 10:00 → Tue 11:00 = 14 h + 11 h = 25 h
        clock.set(t(11, 5, 12, 20))
        whistles.whistle(district_dispatcher, d3, [gongan], limit_minutes=30)  # by 12:50: still pending
        clock.set(t(11, 5, 12, 30))
        ticked = watch.tick()
        assert (ticked.missed_report_ins, ticked.reminded) == (0, 1)  # d3's response limit passed

        clock.set(t(11, 6, 9))  # Wednesday
        d4 = report(world, "big", title="违章搭建")
        L.accept(dispatcher, d4)
        L.dispatch(dispatcher, d4, lead=gongan, assisting=[chengguan])
        clock.set(t(11, 6, 9, 10))
        L.return_case(cg, d4, "非本部门职责")  # an assisting return: not a lead return
        clock.set(t(11, 6, 9, 15))
        whistles.whistle(dispatcher, d4, [gongan, chengguan], limit_minutes=30)
        clock.set(t(11, 6, 9, 30))
        whistles.report_in(ga, d4)
        whistles.report_in(cg, d4)
        L.acknowledge(ga, d4)  # 0.5 h
        clock.set(t(11, 6, 10))
        L.handle(ga, d4, "已处置")  # 1 h
        clock.set(t(11, 6, 10, 30))
        L.rate(resident, d4, "satisfied")
        clock.set(t(11, 6, 11))
        d5 = report(world, "big", title="违章搭建")
        L.accept(dispatcher, d5)
        L.dispatch(dispatcher, d5, lead=chengguan)  # not acknowledged, but no one has seen its limit pass

    # 城管 (chengguan), November — counts carrying it:
    # response: its dispatches as the lead: d1 on time, d2's second late, d3's second limit passed →
    #   1 / 3 = 33.3 (d3's first was returned unacknowledged within its limit and d5 has not had its
    #   limit passing recorded by the worker: neither is due);
    #   acks 1 h and 3 h → mean 2.0; P90 b0 = 1, b2 = 1; rank 1.8 in b2 after 1 → 2 + 2 × 0.8 = 3.6.
    # closure: d1, d2, d3, d5 accepted with it leading, d1 and d2 closed → 50.0; both on time → 100.0.
    # satisfaction: d1 基本满意 → 1 / 1 = 100.0.
    # return rate of a department: lead assignments d1, d2 (second), d3 (first, returned), d3 (second),
    #   d5 = 5, returned 1 → 20.0 (returns / dispatches of its cases would be 2 / 6 = 33.3; its
    #   assisting return on d4 is not a lead return).
    # whistle: d1 on time, d2 missed, d4 on time → 2 / 3 = 66.7.
    # levels: both closures at the street → 0.0 / 0.0 / 100.0; reopened 0.0; rework 0 of 2 → 0.0.
    # close: 6 h and 25 h → 15.5; P90 b3 = 1, b5 = 1; rank 1.8 in b5 after 1 → 24 + 24 × 0.8 = 43.2.
    chengguan_figures = expected(response_rate=33.3, closure_rate=50.0, on_time_rate=100.0, satisfaction_rate=100.0,
                                 return_rate=20.0, rework_rate=0.0, reopen_rate=0.0, within_grid=0.0,
                                 within_community=0.0, within_street=100.0, whistle_on_time_rate=66.7,
                                 ack_mean_hours=2.0, ack_p90_hours=3.6, close_mean_hours=15.5, close_p90_hours=43.2)
    assert figures(world, NOV, department=chengguan.pk)["current"] == chengguan_figures
    # 公安 (gongan): lead assignments d2 (returned) and d4 → 50.0; whistle d1 late, d4 on time, d3
    # still pending (not due) → 1 / 2 = 50.0; d4: acknowledged in 0.5 h and closed in 1 h, both one
    # value in b0 [0, 1], whose P90 interpolates to 0 + 1 × 0.9 / 1 = 0.9 h; 满意.
    assert figures(world, NOV, department=gongan.pk)["current"] == expected(
        response_rate=100.0, closure_rate=100.0, on_time_rate=100.0, satisfaction_rate=100.0, return_rate=50.0,
        rework_rate=0.0, reopen_rate=0.0, within_grid=0.0, within_community=0.0, within_street=100.0,
        whistle_on_time_rate=50.0, ack_mean_hours=0.5, ack_p90_hours=0.9, close_mean_hours=1.0, close_p90_hours=0.9)
    # Street A (d1, d2, d4, d5): response 2 / 3 = 66.7; closure 3 / 4 = 75.0;
    # returns / dispatches 1 / (1 + 2 + 1 + 1) = 20.0;
    # whistle calls d1 (on time, late), d2 (missed), d4 (on time, on time) → 3 / 5 = 60.0;
    # acks 1, 3, 0.5 h → 1.5; P90 b0 = 2, b2 = 1; rank 2.7 in b2 after 2 → 2 + 2 × 0.7 = 3.4;
    # closes 6, 25, 1 h → 10.67; P90 b0, b3, b5; rank 2.7 in b5 after 2 → 24 + 24 × 0.7 = 40.8.
    assert figures(world, NOV, within=world.units["A"].code)["current"] == expected(
        response_rate=66.7, closure_rate=75.0, on_time_rate=100.0, satisfaction_rate=100.0, return_rate=20.0,
        rework_rate=0.0, valid_report_rate=100.0, reopen_rate=0.0, within_grid=0.0, within_community=0.0,
        within_street=100.0, whistle_on_time_rate=60.0, ack_mean_hours=1.5, ack_p90_hours=3.4,
        close_mean_hours=10.67, close_p90_hours=40.8)
    # Street B (d3): limit passed → 0.0; accepted, open → 0.0; 1 return of 2 dispatches → 50.0;
    # gongan's call is not due yet → whistle no data.
    assert figures(world, NOV, within=world.units["B"].code)["current"] == expected(
        response_rate=0.0, closure_rate=0.0, return_rate=50.0, valid_report_rate=100.0)

    # The board by department says the same as each department's own figures.
    code = world.units["district"].code
    by_department = totals.board(code, NOV, "department")
    assert set(by_department) == {chengguan.pk, gongan.pk}
    assert by_department[chengguan.pk]["figures"] == chengguan_figures
    assert figures(world, DEC, department=chengguan.pk)["previous"] == chengguan_figures  # November before December
    agree_with_plain(world, NOV, Subject(department=chengguan.pk), Subject(department=gongan.pk))

    # Department weights (response 15, closure 10, on time 20, satisfaction 20, return 10, rework 5,
    # whistle report-in on time 20): 33.3 × 15 + 50 × 10 + 100 × 20 + 100 × 20 + (100 − 20) × 10
    # + (100 − 0) × 5 + 66.7 × 20 = 499.5 + 500 + 2000 + 2000 + 800 + 500 + 1334 = 7633.5 / 100
    # = 76.3, grade B (figures given by hand: every one counts, whatever its sample).
    score = scoring.score(chengguan_figures, scoring.weights(code, "department"))
    assert (score, scoring.grade(score)) == (76.3, "B")
    # As computed, each of chengguan's rates rests on fewer than 5 cases (response 3, closure 4,
    # on time 2, satisfaction 1, returns 5 lead assignments, rework 2, whistle 3): only the return
    # rate counts → 100 − 20 = 80.0, grade B on one figure with enough cases.
    counted = figures(world, NOV, department=chengguan.pk)["current"]
    assert counted.samples["return_rate"] == 5 and counted.samples["response_rate"] == 3
    assert scoring.score(counted, scoring.weights(code, "department")) == 80.0


# -- a grid worker: valid reports, and everything they handle -------------------------------
def test_grid_worker_figures_and_valid_reports(world):
    u = world.users
    worker, staff, resident = u["grid_worker"], u["community_staff"], u["resident"]
    L = lifecycle
    with clock.frozen(t(11, 11, 9)):  # Monday 11 November
        report(world, by="grid_worker", channel="patrol", close_now=True, photos=[photo()],
               handling_note="巡查发现，当场清理")  # w1: valid, closed at once (0 s, 0 s)
        w2 = report(world, "community", by="grid_worker", channel="patrol", title="邻里纠纷")
        clock.set(t(11, 11, 9, 30))
        L.reject(staff, w2, "invalid")  # w2: 不予受理
        clock.set(t(11, 11, 10))
        w3 = report(world, "community", by="grid_worker", channel="patrol", title="邻里纠纷")
        clock.set(t(11, 11, 10, 10))
        L.accept(staff, w3)
        L.dispatch(staff, w3, to_user=staff)  # w3: valid, handled by the community staff
        w3b = report(world, "community", by="grid_worker", channel="patrol", title="邻里纠纷")
        L.accept(staff, w3b)  # valid, not dispatched yet
        clock.set(t(11, 11, 10, 30))
        report(world, "community", by="grid_worker", channel="patrol", title="邻里纠纷")  # w4: still waiting
        other = report(world, "community", at=IN_A1_2, by="grid_worker2", channel="patrol", title="邻里纠纷")
        L.reject(staff, other, "invalid")  # another worker's rejected report: not this worker's

        clock.set(t(11, 11, 11))
        w5 = report(world)  # the resident's; small loop → grid_worker, respond by 13:00
        clock.set(t(11, 11, 12))
        L.acknowledge(worker, w5)  # 1 h
        clock.set(t(11, 11, 12, 30))
        L.handle(worker, w5, "已清运")
        clock.set(t(11, 11, 13))
        L.verify(staff, w5, False, "未清理干净")  # 返工
        clock.set(t(11, 11, 14))
        L.handle(worker, w5, "再次清运")
        clock.set(t(11, 11, 14, 30))
        L.verify(staff, w5, True)  # 3.5 h, on time
        clock.set(t(11, 11, 15))
        L.rate(resident, w5, "satisfied")

        clock.set(t(11, 11, 16))
        w6 = report(world)  # due Tue 16:00
        clock.set(t(11, 11, 19))
        L.acknowledge(worker, w6)  # 3 h: late
        clock.set(t(11, 12, 9))
        w7 = report(world)
        clock.set(t(11, 12, 9, 10))
        L.return_case(worker, w7, "需社区先行协调")
        clock.set(t(11, 12, 9, 30))
        L.dispatch(staff, w7, to_user=worker)
        clock.set(t(11, 12, 10))
        L.acknowledge(worker, w7)  # 0.5 h after the latest dispatch
        L.handle(worker, w6, "已清运")
        clock.set(t(11, 12, 10, 30))
        L.handle(worker, w7, "已清运")
        clock.set(t(11, 12, 11, 30))
        L.verify(staff, w7, True)  # 2.5 h, on time
        clock.set(t(11, 13, 9))
        L.verify(staff, w6, True)  # Mon 8 h + Tue 24 h + Wed 9 h = 41 h: late
        clock.set(t(11, 13, 10))
        L.rate(resident, w6, "basically")
        w8 = report(world)
        clock.set(t(11, 13, 10, 30))
        L.acknowledge(worker, w8)  # 0.5 h; left open

    # valid reports: the worker's decided reports w1, w2, w3, w3b (w4 still waits), one rejected → 3/4 = 75.0.
    # Handling: w1 is the worker's own report, closed by themselves on the spot — it counts for the
    # unit and as a valid report, never as the worker's handling. So:
    # response: w5 1 h, w7 0.5 h, w8 0.5 h on time; w6 3 h late → 3 / 4 = 75.0;
    #   mean 5 h / 4 = 1.25; P90: b0 = 3, b2 = 1; rank 3.6 in b2 after 3 → 2 + 2 × 0.6 = 3.2.
    # closure: w5, w6, w7, w8 accepted with this handler (w3 is the staff's) — 3 closed → 75.0.
    # on time: w5, w7 of 3 → 66.7. satisfaction: 满意 + 基本满意 → 100.0.
    # returns / dispatches: 1 / (1 + 1 + 2 + 1) = 20.0; reworks / handlings 1 / (2 + 1 + 1) = 25.0.
    # close: 3.5 + 41 + 2.5 = 47 h / 3 = 15.67; P90 b2 = 2, b5 = 1: rank 2.7 in b5 after 2
    #   → 24 + 24 × 0.7 = 40.8. A worker is never called by a whistle → no data.
    worker_figures = expected(valid_report_rate=75.0, response_rate=75.0, closure_rate=75.0, on_time_rate=66.7,
                              satisfaction_rate=100.0, return_rate=20.0, rework_rate=25.0, reopen_rate=0.0,
                              within_grid=100.0, within_community=100.0, within_street=100.0, ack_mean_hours=1.25,
                              ack_p90_hours=3.2, close_mean_hours=15.67, close_p90_hours=40.8)
    assert figures(world, NOV, worker=worker.pk)["current"] == worker_figures
    assert figures(world, NOV, worker=u["grid_worker2"].pk)["current"] == expected(valid_report_rate=0.0)
    code = world.units["district"].code
    assert totals.board(code, NOV, "worker")[worker.pk]["figures"] == worker_figures
    agree_with_plain(world, NOV, Subject(worker=worker.pk))

    # Worker weights (valid reports, response, on time, satisfaction: 25 each):
    # (75 + 75 + 66.7 + 100) × 25 / 100 = 79.2 (79.175), grade B — on figures given by hand. As
    # computed, no weighted figure rests on 5 cases (decided 4, response 4, closures 3, rated 2):
    # no score, so no grade and no place on a red or black list.
    score = scoring.score(worker_figures, scoring.weights(code, "worker"))
    assert (score, scoring.grade(score)) == (79.2, "B")
    assert scoring.score(figures(world, NOV, worker=worker.pk)["current"], scoring.weights(code, "worker")) is None


# -- two rules that the code once broke (fixed in 0e6a189; these tests were strict xfails) ------
def test_a_case_escalated_from_the_queue_counts_in_the_acceptance_cohort(world):
    """Escalating a report from the queue takes it on: it had no acceptance time and fell out of the
    acceptance cohort (closure, dispatches, returns and handlings never counted)."""
    u = world.users
    chengguan = world.departments["chengguan"]
    with clock.frozen(t(11, 18, 9)):
        case = report(world, "big", title="违章搭建")  # street A's queue
        lifecycle.escalate(u["street_dispatcher"], case, "需区级协调")  # straight from the queue
        with pytest.raises(InvalidTransition):
            lifecycle.accept(u["district_dispatcher"], case)  # the escalation accepted it already
        lifecycle.dispatch(u["district_dispatcher"], case, lead=chengguan)
        clock.set(t(11, 18, 10))
        lifecycle.acknowledge(u["dept_chengguan"], case)
        lifecycle.handle(u["dept_chengguan"], case, "已拆除")
    # By hand: one case taken on (accepted into the district's queue when escalated) and closed →
    # closure 100.0; one dispatch, no return → 0.0; one handling, no rework → 0.0; the report was
    # decided and valid → 100.0; closed within 1 h of its 5 working days → on time 100.0.
    assert figures(world, NOV, within=world.units["A"].code)["current"] == expected(
        response_rate=100.0, closure_rate=100.0, on_time_rate=100.0, return_rate=0.0, rework_rate=0.0,
        valid_report_rate=100.0, reopen_rate=0.0, within_grid=0.0, within_community=0.0, within_street=0.0,
        ack_mean_hours=1.0, ack_p90_hours=0.9, close_mean_hours=1.0, close_p90_hours=0.9)


def test_a_report_suspended_before_acceptance_is_not_decided(world):
    """``decided`` means no longer waiting for acceptance; a report suspended before anyone accepted
    or rejected it still waits (it was counted as a valid decided report)."""
    staff, worker = world.users["community_staff"], world.users["grid_worker"]

    def valid_reports():
        return figures(world, NOV, worker=worker.pk)["current"]["valid_report_rate"]

    with clock.frozen(t(11, 18, 9)):
        waiting = report(world, "community", by="grid_worker", channel="patrol", title="邻里纠纷")
        lifecycle.suspend(staff, waiting, "等待当事人回来")
        refused = report(world, "community", by="grid_worker", channel="patrol", title="邻里纠纷")
        lifecycle.reject(staff, refused, "invalid")
        # By hand: decided = the rejected one only (the suspended one still waits) → 0 of 1 = 0.0
        # (counting the suspended one as decided would give 1 of 2 = 50.0).
        assert valid_reports() == 0.0
        clock.set(t(11, 18, 10))
        lifecycle.resume(staff, waiting)
        assert valid_reports() == 0.0  # back in the queue: still waiting
        lifecycle.accept(staff, waiting)
        assert valid_reports() == 50.0  # 1 valid of 2 decided
