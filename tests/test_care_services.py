"""Care plans and check-ins through the services: the schedule, the one timing rule, recording
within the window only, done or missed never both, one plan per person, scope and roles."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from gridgov.care.models import CarePlan, CheckIn, CheckInStatus, Escalation, PlanEntry
from gridgov.care.services import checkins, plans, watch
from gridgov.care.services.timing import Timing, timing
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.people.models import SpecialGroup

from . import care_world as cw
from .care_world import at


def _first(w):
    return w.plan.check_ins.order_by("seq").first()


def test_a_plan_schedules_its_windows_ahead_and_a_second_run_adds_nothing(district):
    w = cw.build(district)
    windows = list(w.plan.check_ins.order_by("seq").values_list("seq", "earliest", "latest"))
    assert windows == [(1, at(2, 8), at(2, 20)), (2, at(3, 8), at(3, 20))]  # now (7:00) + 2 days
    watch.tick(at(2, 7, 30))
    assert w.plan.check_ins.count() == 2
    watch.tick(at(3, 9))
    watch.tick(at(3, 9))
    assert list(w.plan.check_ins.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert journal.verify(w.plan)


def test_the_one_timing_rule():
    check_in = CheckIn(earliest=at(2, 8), latest=at(2, 18), status=CheckInStatus.SCHEDULED)
    assert timing(check_in, at(2, 7, 59)) == Timing.UPCOMING
    assert timing(check_in, at(2, 8)) == Timing.DUE
    assert timing(check_in, at(2, 15, 59)) == Timing.DUE
    assert timing(check_in, at(2, 16)) == Timing.LATE  # 80% of the ten hours
    assert timing(check_in, at(2, 18)) == Timing.MISSED  # closed, recorded or not
    check_in.status = CheckInStatus.DONE
    assert timing(check_in, at(2, 19)) == Timing.DONE


def test_the_buddy_records_a_check_in_within_the_window(district):
    w = cw.build(district)
    with clock.frozen(at(2, 9)):
        done = checkins.record(w.buddy_user, _first(w), result="well", note="精神很好")
    assert (done.status, done.result, done.method, done.done_by) == ("done", "well", "phone", w.buddy_user)
    assert not Escalation.objects.exists()
    with clock.frozen(at(2, 10)), pytest.raises(InvalidTransition):
        checkins.record(w.worker, done, result="well")


@pytest.mark.parametrize("moment, message", [(at(2, 7, 59), "opens"), (at(2, 20), "missed")])
def test_a_check_in_outside_its_window_is_refused_with_the_reason(district, moment, message):
    w = cw.build(district)
    with translation.override("en"), clock.frozen(moment), pytest.raises(InvalidTransition) as refusal:
        checkins.record(w.worker, _first(w), result="well")
    assert message in str(refusal.value)
    assert _first(w).status == "scheduled"


def test_who_may_record_and_who_may_not(district):
    w = cw.build(district)
    first = _first(w)
    with clock.frozen(at(2, 9)):
        with pytest.raises(NotFound):  # grid A1-2's worker: the person is outside their scope
            checkins.record(district.users["grid_worker2"], first, result="well")
        with pytest.raises(PermissionDenied):  # the resident sees their plan but does not check on themself
            checkins.record(w.resident, first, result="well")
        with pytest.raises(ValidationError):
            checkins.record(w.worker, first, result="fine")
        with pytest.raises(ValidationError):  # "needs help" says what help
            checkins.record(w.worker, first, result="needs_help", note="")
        checkins.record(district.users["community_staff"], first, result="well")


def test_needs_help_and_could_not_reach_open_an_escalation(district):
    w = cw.build(district)
    first, second = w.plan.check_ins.order_by("seq")
    with clock.frozen(at(2, 9)):
        checkins.record(w.worker, first, result="needs_help", note="腿摔伤了，需要买药")
    with clock.frozen(at(3, 9)):
        checkins.record(w.buddy_user, second, result="unreachable", note="敲门没人应")
    reasons = dict(Escalation.objects.values_list("check_in__seq", "reason"))
    assert reasons == {1: "needs_help", 2: "unreachable"}
    assert Escalation.objects.get(reason="needs_help").need == "腿摔伤了，需要买药"


def test_done_and_missed_never_both_in_the_database(district):
    w = cw.build(district)
    with transaction.atomic(), pytest.raises(IntegrityError):
        CheckIn.objects.filter(pk=_first(w).pk).update(status="done", result="well", done_at=at(2, 9),
                                                        missed_at=at(2, 21))
    with transaction.atomic(), pytest.raises(IntegrityError):
        CheckIn.objects.filter(pk=_first(w).pk).update(status="missed", missed_at=at(2, 21), result="well")


def test_one_plan_per_person_refused_by_the_service_and_the_database(district):
    w = cw.build(district)
    with clock.frozen(at(2, 9)), pytest.raises(ValidationError):
        plans.create_plan(w.staff, person=w.person, group=w.group, starts_on=cw.START, every_days=7,
                          window_start=dt.time(9), window_hours=8, method="visit", buddy=w.buddy,
                          grid_worker=w.worker)
    plan = CarePlan.objects.get()
    with transaction.atomic(), pytest.raises(IntegrityError):
        CarePlan.objects.create(person=w.person, group=w.group, buddy=w.buddy, grid_worker=w.worker,
                                starts_on=cw.START, window_start=dt.time(8), schedule_from=at(2, 9))
    with clock.frozen(at(2, 9)):
        plans.end(w.staff, plan, "搬去子女家")
        again = plans.create_plan(w.staff, person=w.person, group=w.group, starts_on=cw.START, every_days=7,
                                  window_start=dt.time(9), window_hours=8, method="visit", buddy=w.buddy,
                                  grid_worker=w.worker)
    assert again.status == "active" and CarePlan.objects.count() == 2


def test_a_plan_for_someone_outside_the_scope_is_not_found(district):
    group = SpecialGroup.objects.get(code="elderly-alone")
    outsider = district.persons[4]  # community A2: not community_staff's (A1)
    outsider.special_groups.add(group)
    with clock.frozen(at(2, 9)), pytest.raises(NotFound):
        plans.create_plan(district.users["community_staff"], person=outsider, group=group, starts_on=cw.START,
                          every_days=1, window_start=dt.time(8), window_hours=12, method="phone",
                          buddy=district.persons[5], grid_worker=district.users["grid_worker"])
    assert not CarePlan.objects.exists()


def test_plan_rules_refused_and_nothing_written(district):
    w = cw.build(district)
    plans.end(w.staff, w.plan, "")
    count = PlanEntry.objects.count()
    person = district.persons[2]  # A1-2-1
    base = dict(person=person, group=w.group, starts_on=cw.START, every_days=1, window_start=dt.time(8),
                window_hours=12, method="phone", buddy=w.buddy, grid_worker=district.users["grid_worker2"])
    with pytest.raises(ValidationError):  # not in the group
        plans.create_plan(w.staff, **base)
    person.special_groups.add(w.group)
    for wrong in ({"every_days": 0}, {"window_hours": 30}, {"method": "pigeon"}, {"buddy": person},
                  {"grid_worker": w.worker},  # grid A1-1's worker is not over A1-2
                  {"guardians": [("张三", "女儿", "12345")]}):
        with pytest.raises(ValidationError):
            plans.create_plan(w.staff, **{**base, **wrong})
    with pytest.raises(PermissionDenied):  # a grid worker does not make plans
        plans.create_plan(district.users["grid_worker2"], **base)
    assert PlanEntry.objects.count() == count and CarePlan.objects.count() == 1


def test_pause_cancels_the_schedule_and_resume_schedules_from_now(district):
    w = cw.build(district)
    with clock.frozen(at(2, 9)):
        plans.pause(w.staff, w.plan, "住院")
    assert set(w.plan.check_ins.values_list("status", flat=True)) == {"cancelled"}
    watch.tick(at(4, 9))
    assert not w.plan.check_ins.exclude(status="cancelled").exists()
    with clock.frozen(at(5, 21)):
        plans.resume(w.staff, w.plan)
        with pytest.raises(InvalidTransition):
            plans.resume(w.staff, w.plan)
    live = list(w.plan.check_ins.exclude(status="cancelled").order_by("seq").values_list("earliest", flat=True))
    assert live == [at(6, 8), at(7, 8)]
    assert not Escalation.objects.exists()  # the cancelled days were not missed


def test_changing_the_schedule_keeps_the_open_check_in(district):
    w = cw.build(district)
    with clock.frozen(at(2, 9)):
        plans.change_plan(w.staff, w.plan, every_days=7, window_start=dt.time(9), window_hours=8)
    rows = list(w.plan.check_ins.order_by("seq").values_list("status", "earliest"))
    assert rows[:2] == [("scheduled", at(2, 8)), ("cancelled", at(3, 8))]
    watch.tick(at(9, 10))
    live = list(w.plan.check_ins.exclude(status="cancelled").order_by("seq").values_list("earliest", flat=True))
    assert live == [at(2, 8), at(3, 9), at(10, 9)]  # the new schedule starts the day after the open one


def test_a_worker_down_for_days_records_every_missed_day(district):
    """Expiry never passes silently: days the worker did not run are scheduled late and missed."""
    w = cw.build(district)
    watch.tick(at(6, 9))
    statuses = list(w.plan.check_ins.order_by("seq").values_list("status", flat=True))
    assert statuses == ["missed", "missed", "missed", "missed", "scheduled", "scheduled", "scheduled"]
    assert Escalation.objects.filter(reason="missed").count() == 4
