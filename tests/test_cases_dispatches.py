"""Issue 16, item 5: exact figures per dispatch. Each dispatch of a case is recorded (whom it went
to, when, acknowledged, returned, handled, how it ended) and the assessment charges each target its
own dispatch's response, return, handling and rework — never an earlier or a later handler's.

The case walked here is escalated twice: the grid worker lets the acknowledge limit pass and the
platform escalates it to the community; the community first sends it back to the grid worker, who
returns it, then takes it itself and escalates it to the street; the street dispatches it to 城管,
whose first handling fails verification. Each level's figures are worked out by hand below (the
calendar is the seeded 2024 one of ``test_assessment_figures``: 21–22 September is a weekend).
"""
import datetime as dt
import importlib
from functools import partial

from django.apps import apps
from django.utils import timezone

from gridgov.assessment.services import tally, totals
from gridgov.assessment.services.periods import Period
from gridgov.assessment.services.recount import plain_sums
from gridgov.cases.actions import CaseAction
from gridgov.cases.models import Dispatch, DispatchEnd, Status, TimelineEntry
from gridgov.cases.services import dispatches, lifecycle, watch
from gridgov.core import clock

from .test_assessment_figures import agree_with_plain, expected, gongan_staff
from .test_cases_lifecycle import report

SEP = Period("month", dt.date(2024, 9, 1))
FIELDS = ["seq", "user_id", "grid_id", "department_id", "sent_at", "response_due", "acknowledged_at", "ack_seconds",
          "response_missed", "returned_at", "handled_at", "reworks", "end", "ended_at"]


def t(day, hour, minute=0):
    """A local (Asia/Shanghai) moment in September 2024."""
    return timezone.make_aware(dt.datetime(2024, 9, day, hour, minute))


def escalated_twice(world):
    u = world.users
    worker, staff, street, chengguan = u["grid_worker"], u["community_staff"], u["street_dispatcher"], \
        u["dept_chengguan"]
    with clock.frozen(t(19, 9)):  # Thursday
        case = report(world)  # small loop: dispatch 1 → the grid worker, respond by 11:00, resolve by Fri 09:00
        clock.set(t(20, 9, 30))
        ticked = watch.tick()  # red at the grid, never acknowledged: the platform escalates to community A1
        assert ticked.escalated == 1
        clock.set(t(20, 10))
        lifecycle.dispatch(staff, case, to_user=worker)  # dispatch 2, respond by 12:00
        clock.set(t(20, 10, 30))
        lifecycle.return_case(worker, case, "不是网格能办的")  # returned within its limit, unacknowledged
        clock.set(t(20, 11))
        lifecycle.dispatch(staff, case, to_user=staff)  # dispatch 3, respond by 13:00
        clock.set(t(20, 11, 30))
        lifecycle.acknowledge(staff, case)  # 30 min: on time
        clock.set(t(20, 14))
        lifecycle.escalate(staff, case)  # second escalation: street A's queue
        clock.set(t(20, 15))
        lifecycle.dispatch(street, case, lead=world.departments["chengguan"])  # dispatch 4, respond by 17:00
        clock.set(t(20, 18))
        lifecycle.acknowledge(chengguan, case)  # 3 h: late
        clock.set(t(23, 10))  # Monday
        lifecycle.handle(chengguan, case, "已清运")
        clock.set(t(23, 11))
        lifecycle.verify(worker, case, False, "仍有垃圾")  # 返工: back to 城管
        clock.set(t(23, 15))
        lifecycle.handle(chengguan, case, "已全部清运")
        clock.set(t(23, 16))
        case = lifecycle.verify(worker, case, True)
    assert case.status == Status.CLOSED and case.escalation_count == 2
    return case


def records(case):
    return list(Dispatch.objects.filter(case=case).order_by("seq").values_list(*FIELDS))


def test_each_dispatch_is_recorded_as_it_happened(world):
    case = escalated_twice(world)
    u, chengguan = world.users, world.departments["chengguan"]
    rows = [dict(zip(FIELDS, row)) for row in records(case)]
    assert [(r["user_id"], r["department_id"], r["end"]) for r in rows] == [
        (u["grid_worker"].pk, None, DispatchEnd.ESCALATED), (u["grid_worker"].pk, None, DispatchEnd.RETURNED),
        (u["community_staff"].pk, None, DispatchEnd.ESCALATED), (None, chengguan.pk, DispatchEnd.HANDLED)]
    assert [r["sent_at"] for r in rows] == [t(19, 9), t(20, 10), t(20, 11), t(20, 15)]
    assert [r["response_due"] for r in rows] == [t(19, 11), t(20, 12), t(20, 13), t(20, 17)]
    assert [r["acknowledged_at"] for r in rows] == [None, None, t(20, 11, 30), t(20, 18)]
    assert [r["ack_seconds"] for r in rows] == [None, None, 1800, 3 * 3600]
    # The first was taken away unacknowledged long after its limit; the second returned within it.
    assert [r["response_missed"] for r in rows] == [True, False, False, False]
    assert [r["returned_at"] for r in rows] == [None, t(20, 10, 30), None, None]
    assert [(r["handled_at"], r["reworks"]) for r in rows] == [(None, 0), (None, 0), (None, 0), (t(23, 15), 1)]
    assert [r["ended_at"] for r in rows] == [t(20, 9, 30), t(20, 10, 30), t(20, 14), t(23, 15)]
    assert all(r["district_code"] == case.district_code for r in Dispatch.objects.filter(case=case).values())


def test_each_level_answers_for_its_own_dispatch(world, every_rate_counts):
    escalated_twice(world)
    u = world.users
    code = world.units["district"].code

    def figures(**subject):
        return totals.figures_for(code, SEP, totals.Subject(**subject))["current"]

    # The grid worker: dispatches 1 and 2. Response due once (dispatch 1's limit passed), never on
    # time → 0.0; 1 return of 2 dispatches → 50.0. Nothing acknowledged, handled, accepted or closed
    # under them (the case is 城管's now) → every other figure no data. Before, the case's latest
    # dispatch and its return count went to whoever held it last: the grid worker showed nothing.
    assert figures(worker=u["grid_worker"].pk) == expected(response_rate=0.0, return_rate=50.0)
    # Community staff: dispatch 3, acknowledged after 30 min by its 13:00 limit → 100.0, mean 0.5 h,
    # P90 in b0 [0, 1]: 0 + 1 × 0.9 / 1 = 0.9 h; no return of 1 → 0.0.
    assert figures(worker=u["community_staff"].pk) == expected(
        response_rate=100.0, return_rate=0.0, ack_mean_hours=0.5, ack_p90_hours=0.9)
    # 城管: dispatch 4, acknowledged Fri 15:00 → 18:00 = 3 working hours, after its 17:00 limit → 0.0;
    # P90 in b2 (2, 4]: 2 + 2 × 0.9 = 3.8. Handlings 2 (the failed one and the one that stood), 1
    # rework → 50.0. Its lead assignments: 1, not returned → 0.0. It leads the case now, so the
    # acceptance (19 Sep) and the closure (Mon 23 Sep 16:00) are its: closed → 100.0; late (due Fri
    # 09:00) → 0.0; not reopened → 0.0; at the street → within grid 0.0, community 0.0, street 100.0;
    # report Thu 09:00 → Mon 16:00 = 15 + 24 + 0 + 0 + 16 = 55 working hours, P90 in b6 (48, 72]:
    # 48 + 24 × 0.9 = 69.6.
    department = expected(
        response_rate=0.0, closure_rate=100.0, on_time_rate=0.0, return_rate=0.0, rework_rate=50.0,
        reopen_rate=0.0, within_grid=0.0, within_community=0.0, within_street=100.0, ack_mean_hours=3.0,
        ack_p90_hours=3.8, close_mean_hours=55.0, close_p90_hours=69.6)
    assert figures(department=world.departments["chengguan"].pk) == department
    # The grid A1-1 holds all four: response due 3 (dispatch 1 missed, 3 on time, 4 late) → 1 / 3 = 33.3;
    # 1 return of 4 dispatches → 25.0; acks 0.5 + 3 = 3.5 h / 2 = 1.75, P90 rank 1.8 in b2 after 1:
    # 2 + 2 × 0.8 = 3.6; the resident's report was accepted → valid reports 100.0.
    assert figures(within=world.units["A1-1"].code) == {
        **department, "response_rate": 33.3, "return_rate": 25.0, "valid_report_rate": 100.0,
        "ack_mean_hours": 1.75, "ack_p90_hours": 3.6}
    agree_with_plain(world, SEP, totals.Subject(worker=u["grid_worker"].pk),
                     totals.Subject(worker=u["community_staff"].pk),
                     totals.Subject(department=world.departments["chengguan"].pk),
                     totals.Subject(within=world.units["A1-1"].code))
    for by in ("worker", "department", "grid"):
        assert totals.sums(code, SEP, by=by) == plain_sums(code, SEP, by=by), by
    # A rebuild of the tallies from the dispatch records gives the same sums as the live increments.
    live = totals.sums(code, SEP, by="worker")
    tally.rebuild(code)
    assert totals.sums(code, SEP, by="worker") == live


def test_the_timeline_rebuilds_the_records_the_lifecycle_wrote(world):
    case = escalated_twice(world)
    dispatcher, gongan = world.users["district_dispatcher"], gongan_staff(world)
    other, master = report(world, "big", at=None), report(world, "big", at=None)  # the district's queue
    lifecycle.accept(dispatcher, other)
    lifecycle.dispatch(dispatcher, other, lead=world.departments["chengguan"], assisting=[world.departments["gongan"]])
    lifecycle.acknowledge(gongan, other)  # the assisting department's steps are its assignment's, not the dispatch's
    lifecycle.return_case(gongan, other, "不属于本部门")
    assert Dispatch.objects.get(case=other).acknowledged_at is None and not Dispatch.objects.get(case=other).end
    lifecycle.merge(dispatcher, other, master)  # a merged case's open dispatch is cancelled
    live = {c: records(c) for c in (case, other)}
    assert live[other][0][FIELDS.index("end")] == DispatchEnd.CANCELLED

    # The pure replay of each timeline …
    for c in (case, other):
        replayed = dispatches.replay(dispatches.steps_of(c.timeline.order_by("seq")),
                                     partial(Dispatch, case=c, district_code=c.district_code),
                                     dispatches.resolver(c.district_code))
        assert [tuple(getattr(r, f) for f in FIELDS) for r in replayed] == live[c]
    # … and the data migration, from scratch, over every case — also for dispatches recorded before
    # their entries carried the response limit (it gives the limit the category gives).
    migration = importlib.import_module("gridgov.cases.migrations.0010_dispatch_from_timeline")
    Dispatch.objects.all().delete()
    migration.rebuild(apps, None)
    assert {c: records(c) for c in (case, other)} == live
    for entry in TimelineEntry.objects.filter(action=CaseAction.DISPATCH):
        entry.data.pop("response_due")
        TimelineEntry.objects.filter(pk=entry.pk).update(data=entry.data)
    Dispatch.objects.all().delete()
    migration.rebuild(apps, None)
    assert {c: records(c) for c in (case, other)} == live


def test_a_grid_dispatch_is_charged_to_the_worker_who_acknowledged_it(world):
    u = world.users
    with clock.frozen(t(19, 9)):
        case = report(world)  # small loop: dispatch 1 → the grid worker, who returns it to the community
        lifecycle.return_case(u["grid_worker"], case, "请网格统一安排")
        lifecycle.dispatch(u["community_staff"], case, to_grid=world.units["A1-1"])
        unacknowledged = Dispatch.objects.get(case=case, seq=2)
        assert (unacknowledged.user_id, unacknowledged.grid_id) == (None, world.units["A1-1"].pk)
        clock.set(t(19, 10))
        lifecycle.acknowledge(u["grid_worker"], case)
    record = Dispatch.objects.get(case=case, seq=2)
    assert (record.user_id, record.grid_id, record.ack_seconds) == (u["grid_worker"].pk, world.units["A1-1"].pk, 3600)
    sums = totals.sums(world.units["district"].code, SEP, totals.Subject(worker=u["grid_worker"].pk))
    # Dispatch 1 (returned) and dispatch 2 (taken for the grid): 2 dispatches, 1 return, 1 response on time.
    assert (sums["dispatches"], sums["returns"], sums["response_due"], sums["response_on_time"]) == (2, 1, 1, 1)
