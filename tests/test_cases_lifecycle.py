"""The case lifecycle: every transition, every refusal, both loops, whistle, reopen, merge, timeline."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gridgov.cases.models import Assignment, Case, Level, Status, TimelineEntry
from gridgov.cases.services import filing, lifecycle
from gridgov.cases.services import whistle as whistles
from gridgov.core import journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.notifications.models import Notification

from .cases_world import IN_A1_1, photo


def report(world, category="small", at=IN_A1_1, by="resident", **extra):
    user = world.users[by] if by else None
    person = getattr(user, "person", None) if by == "resident" else None
    return filing.report(district=world.units["district"], channel=extra.pop("channel", "app"),
                         title=extra.pop("title", "楼下有暴露垃圾"), category=world.categories[category],
                         lat=at[0] if at else None, lng=at[1] if at else None, reporter=person, reported_by=user,
                         **extra)


def actions(case):
    return list(TimelineEntry.objects.filter(case=case).order_by("seq").values_list("action", flat=True))


# -- intake and routing -------------------------------------------------------------------
def test_small_loop_routes_to_the_grid_worker_without_a_dispatcher(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the inbox is written once the case commits
        case = report(world)
    assert case.unit == world.units["A1-1"]
    assert case.status == Status.DISPATCHED and case.small_loop and case.level == Level.GRID
    assert case.handler_user == world.users["grid_worker"]
    assert actions(case) == ["report", "accept", "dispatch"]
    assert TimelineEntry.objects.get(case=case, action="dispatch").actor is None  # the platform
    assert case.code.startswith("510113" + timezone.localdate().strftime("%Y%m%d"))
    assert Notification.objects.about(case).filter(user=world.users["grid_worker"], kind="dispatch").exists()


def test_small_loop_end_to_end_verify_and_rate(world):
    case = report(world)
    worker = world.users["grid_worker"]
    case = lifecycle.acknowledge(worker, case)
    assert case.status == Status.ACKNOWLEDGED and case.acknowledged_at
    case = lifecycle.handle(worker, case, "已清运", photos=[photo()])
    assert case.status == Status.HANDLED and case.photos.filter(stage="handle").count() == 1
    case = lifecycle.verify(world.users["community_staff"], case, True, "现场核查已清理")  # not the handler
    assert case.status == Status.CLOSED and case.closed_on_time is True
    case = lifecycle.rate(world.users["resident"], case, "satisfied")
    assert case.rating == "satisfied"
    assert actions(case) == ["report", "accept", "dispatch", "acknowledge", "handle", "verify", "close", "rate"]
    assert journal.verify(case)


def test_category_without_verification_closes_on_handling(world):
    case = report(world, "quick")
    worker = world.users["grid_worker"]
    case = lifecycle.handle(worker, lifecycle.acknowledge(worker, case), "已清除")
    assert case.status == Status.CLOSED


def test_patrol_report_closed_at_once_needs_a_photo(world):
    worker = world.users["grid_worker"]
    with pytest.raises(ValidationError):
        report(world, by="grid_worker", channel="patrol", close_now=True)
    assert not Case.objects.exists()  # nothing half-written
    case = report(world, by="grid_worker", channel="patrol", close_now=True, photos=[photo()],
                  handling_note="巡查发现，当场清理")
    assert case.status == Status.CLOSED and case.handler_user == worker
    assert actions(case)[-3:] == ["handle", "verify", "close"]


def test_not_an_image_is_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        report(world, photos=[SimpleUploadedFile("x.png", b"not an image")])
    assert not Case.objects.exists()


def test_big_loop_goes_to_the_street_queue_and_departments(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(world, "big", title="违章搭建")
    assert case.status == Status.REPORTED and case.queue == world.units["A"]
    assert Notification.objects.about(case).filter(user=world.users["street_dispatcher"], kind="queue").exists()
    dispatcher = world.users["street_dispatcher"]
    case = lifecycle.accept(dispatcher, case)
    case = lifecycle.dispatch(dispatcher, case, lead=world.departments["chengguan"],
                              assisting=[world.departments["gongan"]])
    assert case.status == Status.DISPATCHED and case.level == Level.STREET and case.response_due
    assert Assignment.objects.filter(case=case).count() == 2
    chengguan = world.users["dept_chengguan"]
    case = lifecycle.acknowledge(chengguan, case)
    assert case.status == Status.ACKNOWLEDGED
    case = lifecycle.handle(chengguan, case, "已拆除")
    assert case.status == Status.CLOSED  # the category needs no verification
    assert case.assignments.get(lead=True).status == "handled"


def test_unlocated_case_goes_to_the_district_queue(world):
    case = report(world, "big", at=None)
    assert case.unit == world.units["district"] and case.queue == world.units["district"]


def test_community_matter_goes_to_the_community_queue(world):
    case = report(world, "community")
    assert case.queue == world.units["A1"] and case.status == Status.REPORTED
    staff = world.users["community_staff"]
    case = lifecycle.accept(staff, case)
    case = lifecycle.dispatch(staff, case, to_user=staff)
    assert case.level == Level.COMMUNITY


def test_location_outside_the_district_is_refused(world):
    with pytest.raises(ValidationError):
        report(world, at=(39.9, 116.4))


# -- refusals -----------------------------------------------------------------------------
def test_admission_rule_refuses_an_off_list_case_for_a_grid_worker(world):
    case = report(world, "big")
    dispatcher = world.users["street_dispatcher"]
    case = lifecycle.accept(dispatcher, case)
    with pytest.raises(ValidationError, match="网格事项清单|grid matter list"):
        lifecycle.dispatch(dispatcher, case, to_user=world.users["grid_worker"])
    with pytest.raises(ValidationError):
        lifecycle.dispatch(dispatcher, case, to_grid=world.units["A1-1"])
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_wrong_state_is_refused(world):
    case = report(world)
    worker = world.users["grid_worker"]
    with pytest.raises(InvalidTransition):
        lifecycle.verify(worker, case, True)
    with pytest.raises(InvalidTransition):
        lifecycle.accept(world.users["street_dispatcher"], case)
    with pytest.raises(InvalidTransition):
        lifecycle.rate(world.users["resident"], case, "satisfied")


def test_wrong_role_is_refused(world):
    case = report(world, "big")
    with pytest.raises(PermissionDenied):
        lifecycle.accept(world.users["resident"], case)  # the resident sees it, but may not accept it
    with pytest.raises(PermissionDenied):
        lifecycle.accept(world.users["grid_worker"], Case.objects.get(pk=report(world, "community").pk))


@pytest.mark.parametrize("outsider", ["grid_worker2", "dept_chengguan"])
def test_out_of_scope_is_404(world, outsider):
    case = report(world)
    with pytest.raises(NotFound):
        lifecycle.acknowledge(world.users[outsider], case)


def test_reject_needs_a_known_reason(world):
    case = report(world, "big")
    dispatcher = world.users["street_dispatcher"]
    with pytest.raises(ValidationError):
        lifecycle.reject(dispatcher, case, "whatever")
    case = lifecycle.reject(dispatcher, case, "duplicate", "与已有案件重复")
    assert case.status == Status.REJECTED and case.reject_reason == "duplicate"


# -- return, escalate, extension ----------------------------------------------------------
def test_return_goes_back_to_the_queue_with_a_reason(world, django_capture_on_commit_callbacks):
    case = report(world)
    worker = world.users["grid_worker"]
    with pytest.raises(ValidationError):
        lifecycle.return_case(worker, case, "")
    with django_capture_on_commit_callbacks(execute=True):
        case = lifecycle.return_case(worker, case, "不在本网格")
    assert case.status == Status.ACCEPTED and case.return_count == 1 and case.handler_user is None
    assert Notification.objects.filter(user=world.users["community_staff"], kind="returned").exists()


def test_assisting_department_return_withdraws_only_itself(world):
    case = lifecycle.accept(world.users["street_dispatcher"], report(world, "big"))
    case = lifecycle.dispatch(world.users["street_dispatcher"], case, lead=world.departments["chengguan"],
                              assisting=[world.departments["gongan"]])
    from django.contrib.auth.models import User

    from gridgov.accounts.models import RoleAssignment

    police = User.objects.create_user("police")
    RoleAssignment.objects.create(user=police, role="department_staff", unit=world.units["district"],
                                  department=world.departments["gongan"])
    case = lifecycle.return_case(police, case, "非公安职责")
    assert case.status == Status.DISPATCHED
    assert case.assignments.get(lead=False).status == "returned"


def test_escalate_moves_up_one_level(world):
    case = report(world)
    worker = world.users["grid_worker"]
    case = lifecycle.escalate(worker, lifecycle.acknowledge(worker, case), "需社区协调")
    assert case.status == Status.ACCEPTED and case.queue == world.units["A1"] and case.level == Level.COMMUNITY
    case = lifecycle.escalate(world.users["community_staff"], case)
    assert case.queue == world.units["A"]
    case = lifecycle.escalate(world.users["street_dispatcher"], case)
    assert case.queue == world.units["district"]
    with pytest.raises(InvalidTransition):
        lifecycle.escalate(world.users["district_dispatcher"], case)


def test_extension_granted_moves_the_deadline(world):
    case = report(world)
    worker = world.users["grid_worker"]
    case = lifecycle.acknowledge(worker, case)
    before = case.resolution_due
    case = lifecycle.request_extension(worker, case, 2, "需要等待物业配合")
    with pytest.raises(InvalidTransition):
        lifecycle.request_extension(worker, case, 1, "again")
    with pytest.raises(PermissionDenied):
        lifecycle.decide_extension(worker, case, True)
    case = lifecycle.decide_extension(world.users["community_staff"], case, True)
    from gridgov.workdays.services import add_working_days

    assert case.resolution_due == add_working_days(case.reported_at, 3)
    assert case.resolution_due > before


def test_extension_refused_keeps_the_deadline(world):
    worker = world.users["grid_worker"]
    case = lifecycle.acknowledge(worker, report(world))
    before = case.resolution_due
    case = lifecycle.request_extension(worker, case, 2, "理由")
    case = lifecycle.decide_extension(world.users["community_staff"], case, False)
    assert case.resolution_due == before and case.extensions.get().granted is False


# -- verification failure, reopen, merge, supervise ---------------------------------------
def test_failed_verification_is_rework(world):
    worker = world.users["grid_worker"]
    case = lifecycle.handle(worker, lifecycle.acknowledge(worker, report(world)), "已处理")
    with pytest.raises(PermissionDenied):
        lifecycle.verify(world.users["resident"], case, True)
    case = lifecycle.verify(world.users["community_staff"], case, False, "现场仍有垃圾")
    assert case.status == Status.ACKNOWLEDGED and case.rework_count == 1


def close_small_case(world):
    worker = world.users["grid_worker"]
    case = lifecycle.handle(worker, lifecycle.acknowledge(worker, report(world)), "已处理")
    return lifecycle.verify(world.users["community_staff"], case, True)


def test_unsatisfied_reopens_once_then_the_rating_is_final(world):
    case = close_small_case(world)
    resident = world.users["resident"]
    with pytest.raises(PermissionDenied):
        lifecycle.rate(world.users["grid_worker"], case, "satisfied")
    case = lifecycle.rate(resident, case, "unsatisfied", "没有清理干净")
    assert case.status == Status.ACCEPTED and case.reopen_count == 1 and case.supervised
    staff = world.users["community_staff"]
    worker = world.users["grid_worker"]
    case = lifecycle.dispatch(staff, case, to_user=worker)
    case = lifecycle.handle(worker, lifecycle.acknowledge(worker, case), "重新清理")
    case = lifecycle.verify(staff, case, True)
    case = lifecycle.rate(resident, case, "unsatisfied")
    assert case.status == Status.CLOSED and case.rating == "unsatisfied" and case.reopen_count == 1
    with pytest.raises(InvalidTransition):
        lifecycle.rate(resident, case, "satisfied")


def test_merge_and_the_merged_reporter_follows_the_master(world):
    # Changed with the case scope fix (security review, item 1): the merged reporter follows the
    # master in its public form (services.following) and does not rate it; before, they saw it in
    # full and rated it.
    from gridgov.accounts.scope import visible
    from gridgov.cases.services import actors, following

    master = report(world, "big", title="违章搭建A", by="grid_worker")
    duplicate = report(world, "big", title="违章搭建A重复")
    dispatcher = world.users["street_dispatcher"]
    with pytest.raises(ValidationError):
        lifecycle.merge(dispatcher, duplicate, duplicate)
    duplicate = lifecycle.merge(dispatcher, duplicate, master, "重复上报")
    assert duplicate.status == Status.MERGED and duplicate.merged_into == master
    assert "merged_in" in actions(master)
    resident = world.users["resident"]
    assert not visible(resident, Case.objects.all()).filter(pk=master.pk).exists()
    assert following.public_case(resident, master.code).own == [duplicate.code]
    master = lifecycle.accept(dispatcher, master)
    master = lifecycle.dispatch(dispatcher, master, lead=world.departments["chengguan"])
    chengguan = world.users["dept_chengguan"]
    master = lifecycle.handle(chengguan, lifecycle.acknowledge(chengguan, master), "已拆除")
    assert following.public_case(resident, master.code).status == Status.CLOSED
    with pytest.raises(PermissionDenied):
        actors.require_reporter(resident, master)
    with pytest.raises(NotFound):
        lifecycle.rate(resident, master, "basically")
    assert Case.objects.get(pk=master.pk).rating == ""


def test_supervise_needs_an_upper_level(world, django_capture_on_commit_callbacks):
    case = report(world)
    with pytest.raises(PermissionDenied):
        lifecycle.supervise(world.users["community_staff"], case, "督办")
    with django_capture_on_commit_callbacks(execute=True):
        case = lifecycle.supervise(world.users["district_dispatcher"], case, "请尽快处理")
    assert case.supervised
    assert Notification.objects.filter(user=world.users["grid_worker"], kind="supervised").exists()


# -- suspension and deadlines -------------------------------------------------------------
def test_suspension_stops_the_clock(world):
    # Reported Monday 2024-03-04 09:00 (working week) with a 1-working-day limit.
    start = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 0))
    case = report(world, reported_at=start)
    assert case.resolution_due == timezone.make_aware(dt.datetime(2024, 3, 5, 9, 0))
    staff = world.users["community_staff"]
    case = lifecycle.suspend(staff, case, "等待鉴定", now=start + dt.timedelta(hours=3))
    assert case.status == Status.SUSPENDED
    # Resumed Thursday 12:00: Monday 12:00 → Thursday 12:00 is 3 working days stopped.
    case = lifecycle.resume(staff, case, now=timezone.make_aware(dt.datetime(2024, 3, 7, 12, 0)))
    assert case.status == Status.DISPATCHED and case.suspended_seconds == 3 * 86400
    assert case.resolution_due == timezone.make_aware(dt.datetime(2024, 3, 8, 9, 0))


def test_deadline_across_a_weekend_and_a_holiday(world):
    friday = timezone.make_aware(dt.datetime(2024, 3, 8, 10, 0))
    assert report(world, reported_at=friday).resolution_due == timezone.make_aware(dt.datetime(2024, 3, 11, 10, 0))
    # 2024-09-30 (Monday) 10:00 + 1 working day: 10-01..07 are National Day, so 10-08 10:00.
    before_holiday = timezone.make_aware(dt.datetime(2024, 9, 30, 10, 0))
    assert report(world, reported_at=before_holiday).resolution_due == \
        timezone.make_aware(dt.datetime(2024, 10, 8, 10, 0))


def test_deadline_into_a_year_the_calendar_package_does_not_know(world):
    # 2099-12-31 is a Thursday; + 5 working days skips the weekend of 2100-01-02/03.
    start = timezone.make_aware(dt.datetime(2099, 12, 31, 9, 0))
    case = report(world, "big", reported_at=start)
    assert case.resolution_due == timezone.make_aware(dt.datetime(2100, 1, 7, 9, 0))


# -- whistle ------------------------------------------------------------------------------
def test_whistle_with_a_late_and_a_missed_report_in(world, django_capture_on_commit_callbacks):
    case = lifecycle.accept(world.users["street_dispatcher"], report(world, "big"))
    with pytest.raises(PermissionDenied):
        whistles.whistle(world.users["community_staff"], case, [world.departments["chengguan"]])
    with django_capture_on_commit_callbacks(execute=True):
        case = whistles.whistle(world.users["street_dispatcher"], case,
                                [world.departments["chengguan"], world.departments["gongan"]], limit_minutes=30)
    assert case.whistled
    assert Notification.objects.filter(user=world.users["dept_chengguan"], kind="whistle").exists()
    call = case.whistles.get().calls.get(department=world.departments["chengguan"])
    whistles.report_in(world.users["dept_chengguan"], case, now=call.due_at + dt.timedelta(minutes=5))
    call.refresh_from_db()
    assert call.late and call.reported_at
    with pytest.raises(InvalidTransition):
        whistles.report_in(world.users["dept_chengguan"], case)
    missed = whistles.flag_missed(call.due_at + dt.timedelta(minutes=1))
    assert [c.department.code for c in missed] == ["gongan"]
    with pytest.raises(InvalidTransition):
        whistles.rate_department(world.users["street_dispatcher"], case, world.departments["chengguan"], 4)
    case = lifecycle.dispatch(world.users["street_dispatcher"], case, lead=world.departments["chengguan"])
    chengguan = world.users["dept_chengguan"]
    case = lifecycle.handle(chengguan, lifecycle.acknowledge(chengguan, case), "已处理")
    with pytest.raises(ValidationError):
        whistles.rate_department(world.users["street_dispatcher"], case, world.departments["chengguan"], 6)
    whistles.rate_department(world.users["street_dispatcher"], case, world.departments["chengguan"], 4)
    assert case.whistles.get().calls.get(department=world.departments["chengguan"]).score == 4


# -- timeline -----------------------------------------------------------------------------
def test_timeline_is_append_only_and_tamper_evident(world):
    case = close_small_case(world)
    assert journal.verify(case)
    entry = TimelineEntry.objects.filter(case=case).first()
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    TimelineEntry.objects.filter(pk=entry.pk).update(note="改过的记录")
    assert not journal.verify(case)


# -- available actions --------------------------------------------------------------------
def test_available_actions_follow_state_and_role(world):
    from gridgov.cases.services.available import available_actions

    case = report(world)
    assert available_actions(world.users["grid_worker"], case) == ["acknowledge", "return"]
    assert available_actions(world.users["resident"], case) == []
    staff = available_actions(world.users["community_staff"], case)
    assert {"suspend", "merge"} <= set(staff) and "acknowledge" not in staff
    assert "supervise" in available_actions(world.users["district_dispatcher"], case)
    closed = close_small_case(world)
    assert available_actions(world.users["resident"], closed) == ["rate"]


def test_an_assisting_department_acknowledges_and_gives_feedback_on_its_own_assignment(world):
    from django.contrib.auth.models import User

    from gridgov.accounts.models import RoleAssignment
    from gridgov.cases.services.available import available_actions

    dispatcher = world.users["street_dispatcher"]
    case = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, report(world, "big")),
                              lead=world.departments["chengguan"], assisting=[world.departments["gongan"]])
    police = User.objects.create_user("police2")
    RoleAssignment.objects.create(user=police, role="department_staff", unit=world.units["district"],
                                  department=world.departments["gongan"])
    case = lifecycle.acknowledge(world.users["dept_chengguan"], case)  # the lead: the case is acknowledged
    assert available_actions(police, case) == ["acknowledge", "return"]
    case = lifecycle.acknowledge(police, case)
    assert available_actions(police, case) == ["handle"]
    case = lifecycle.handle(police, case, "已配合调查")
    assert case.status == Status.ACKNOWLEDGED and case.assignments.get(lead=False).status == "handled"
    assert available_actions(police, case) == []
