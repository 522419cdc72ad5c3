"""The visits services: planning from rules, recording, cancelling, filing a case, promises,
receptions and contact points — each rule of docs/visits.md tried, refusals included."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gridgov.cases.models import Case, Channel
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.visits.models import Outcome, Visit, VisitEntry, VisitorKind, VisitStatus
from gridgov.visits.services import contacts, planning, promises, receptions, visits
from gridgov.visits.services.common import household_for
from gridgov.visits.services.overdue import is_overdue

from .cases_world import photo
from .visits_world import at, build

DAY = dt.date(2026, 5, 12)  # a Tuesday in the second quarter


@pytest.fixture
def w(world):
    return build(world)


def _plan(w, **rule):
    planning.save_rule(w.staff, unit=w.community, **rule)
    with clock.frozen(at(DAY)):
        return planning.plan()


def test_period_bounds():
    assert planning.period_bounds("quarter", DAY) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert planning.period_bounds("month", dt.date(2026, 12, 5)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert planning.period_bounds("quarter", dt.date(2026, 11, 5)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_plan_every_household_of_the_community_once_with_the_grid_worker(w):
    assert _plan(w) == 4  # A1 has two grids of two micro-grids, one household each
    with clock.frozen(at(DAY)):
        assert planning.plan() == 0  # idempotent
    visit = Visit.objects.get(household=w.h11)
    assert (visit.earliest, visit.latest, visit.assignee) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), w.worker)
    assert Visit.objects.get(household=w.h21).assignee == w.worker2
    assert journal.verify(visit)


def test_plan_only_special_group_households(w):
    assert _plan(w, special_group=w.alone, period="month") == 1
    visit = Visit.objects.get()
    assert visit.household == w.h11 and (visit.earliest, visit.latest) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))


def test_only_staff_set_rules(w):
    with pytest.raises(PermissionDenied):
        planning.save_rule(w.worker, unit=w.community)
    with pytest.raises(ValidationError):
        planning.save_rule(w.staff, unit=w.d.units["A1-1"])


def test_record_a_planned_visit_with_a_photo_then_file_a_case(w):
    _plan(w)
    visit = Visit.objects.get(household=w.h11)
    with clock.frozen(at(DAY, 11)):
        visit = visits.record(w.worker, visit, findings="楼道堆物", photos=[photo()])
        visit = visits.file_case(w.worker, visit, category=w.category, title="楼道堆物")
    assert visit.status == VisitStatus.DONE and visit.visitor == w.worker
    assert visit.visitor_kind == VisitorKind.GRID_WORKER and visit.photos.count() == 1
    case = Case.objects.get()
    assert (case.channel, case.external_id, case.unit, case.reported_by) == (
        Channel.VISIT, str(visit.pk), w.d.units["A1-1-1"], w.worker)
    assert visit.case == case
    with pytest.raises(InvalidTransition):
        visits.file_case(w.worker, visit, category=w.category)
    assert [e.action for e in VisitEntry.objects.filter(visit=visit)] == ["plan", "record", "file_case"]


def test_file_case_needs_a_category_and_a_done_visit(w):
    _plan(w)
    visit = Visit.objects.get(household=w.h11)
    with pytest.raises(InvalidTransition):
        visits.file_case(w.worker, visit, category=w.category)
    visit = visits.record(w.worker, visit, findings="漏水")
    with pytest.raises(ValidationError):
        visits.file_case(w.worker, visit, category=None)
    with pytest.raises(ValidationError):  # a category with children is not a leaf
        visits.file_case(w.worker, visit, category=w.category.parent)
    assert not Case.objects.exists()


def test_done_and_cancelled_never_both(w):
    _plan(w)
    visit = visits.record(w.worker, Visit.objects.get(household=w.h11), findings="")
    with pytest.raises(InvalidTransition):
        visits.cancel(w.worker, visit, "搬走了")
    other = visits.cancel(w.worker, Visit.objects.get(household=w.h12), "户主外出")
    with pytest.raises(InvalidTransition):
        visits.record(w.worker, other, findings="")
    with pytest.raises(ValidationError):
        visits.cancel(w.staff, Visit.objects.get(household=w.h21), "  ")
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        Visit.objects.filter(pk=visit.pk).update(cancelled_at=clock.now())


def test_visit_time_cannot_be_in_the_future(w):
    _plan(w)
    with pytest.raises(ValidationError):
        visits.record(w.worker, Visit.objects.get(household=w.h11),
                      visited_at=clock.now() + dt.timedelta(days=1))
    assert Visit.objects.get(household=w.h11).status == VisitStatus.PLANNED


def test_a_household_outside_the_scope_is_refused(w):
    with pytest.raises(NotFound):
        household_for(w.worker, w.hb.pk)  # another street: as if absent
    with pytest.raises(NotFound):  # another grid's planned visit
        _plan(w)
        visits.record(w.worker, Visit.objects.get(household=w.h21))
    resident = w.d.users["resident"]  # sees the household's structure, but may not visit it
    with pytest.raises(PermissionDenied):
        visits.visit_household(resident, household_for(resident, w.h11.pk))


def test_not_a_photo_is_refused_and_nothing_written(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _plan(w)
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError):
        visits.record(w.worker, Visit.objects.get(household=w.h11), findings="x", photos=[bad])
    assert Visit.objects.get(household=w.h11).status == VisitStatus.PLANNED


def test_overdue_and_watch_warn_once(w):
    _plan(w, period="month")
    visit = Visit.objects.get(household=w.h11)
    after = at(dt.date(2026, 6, 1))
    assert not is_overdue(visit, at(dt.date(2026, 5, 31), 23)) and is_overdue(visit, after)
    with clock.frozen(at(dt.date(2026, 5, 29))):
        assert visits.watch() == 4  # coming due
        assert visits.watch() == 0
    with clock.frozen(after):
        assert visits.watch() == 4  # overdue
        assert visits.watch() == 0
    actions = list(VisitEntry.objects.filter(visit=visit).values_list("action", flat=True))
    assert actions == ["plan", "due_soon", "overdue"]
    done = visits.record(w.worker, Visit.objects.get(household=w.h12), visited_at=at(dt.date(2026, 5, 30)))
    assert not is_overdue(done, after)


def test_promise_made_decided_once(w):
    with clock.frozen(at(DAY)):
        promise = promises.make(w.worker, unit=w.d.units["A1-1-1"], text="下周修好路灯", due=DAY + dt.timedelta(days=7))
        with pytest.raises(ValidationError):
            promises.make(w.worker, unit=w.d.units["A1-1-1"], text="x", due=DAY - dt.timedelta(days=1))
        with pytest.raises(ValidationError):  # not kept needs a note
            promises.decide(w.worker, promise, kept=False)
        promise = promises.decide(w.worker, promise, kept=True)
        with pytest.raises(InvalidTransition):
            promises.decide(w.staff, promise, kept=False, note="改口")
    assert promise.outcome == Outcome.KEPT
    with pytest.raises(PermissionDenied):
        promises.make(w.worker2, unit=w.d.units["A1-1-1"], text="x", due=DAY)


def test_promise_overdue_and_watched(w):
    with clock.frozen(at(DAY)):
        promise = promises.make(w.staff, unit=w.community, text="答复", due=DAY)
    assert not is_overdue(promise, at(DAY, 23)) and is_overdue(promise, at(DAY + dt.timedelta(days=1)))
    with clock.frozen(at(DAY + dt.timedelta(days=1))):
        assert promises.watch() == 1 and promises.watch() == 0


def test_reception_walk_in_files_a_case_and_a_promise(w):
    hours = receptions.save_hours(w.staff, unit=w.community, weekday=2, starts=dt.time(9), ends=dt.time(11),
                                  place="社区党群服务中心")
    with pytest.raises(ValidationError):
        receptions.save_hours(w.staff, unit=w.community, weekday=2, starts=dt.time(11), ends=dt.time(9), place="x")
    with pytest.raises(ValidationError):  # nobody named
        receptions.receive(w.staff, unit=w.community, matter="噪音")
    reception = receptions.receive(w.staff, unit=w.community, hours=hours, visitor_name="王大爷", matter="楼下噪音扰民")
    reception = receptions.file_case(w.staff, reception, category=w.category)
    assert reception.case.channel == Channel.OTHER and reception.case.external_id == f"reception:{reception.pk}"
    promise = promises.make(w.staff, reception=reception, text="三天内答复", due=timezone.localdate(clock.now()))
    assert promise.unit == w.community
    with pytest.raises(PermissionDenied):
        receptions.receive(w.worker, unit=w.community, visitor_name="x", matter="y")


def test_a_cadre_visits_as_a_leading_cadre_and_is_counted(w):
    contacts.save_contact_point(w.admin, cadre=w.street, title="街道党工委书记", unit=w.d.units["A1-1"])
    with pytest.raises(PermissionDenied):
        contacts.save_contact_point(w.worker, cadre=w.street, title="x", unit=w.d.units["A1-1"])
    with clock.frozen(at(DAY)):
        visit = visits.visit_household(w.street, household_for(w.street, w.h11.pk), findings="路灯坏了")
        visits.file_case(w.street, visit, category=w.category)
        receptions.receive(w.street, unit=w.community, visitor_name="李阿姨", matter="加装电梯")
    assert visit.visitor_kind == VisitorKind.LEADING_CADRE and visit.status == VisitStatus.DONE
    assert contacts.cadre_figures([w.street.pk], dt.date(2026, 4, 1), dt.date(2026, 6, 30)) == {
        w.street.pk: {"visits": 1, "receptions": 1, "cases": 1}}


def test_a_cadre_rule_plans_only_contact_households(w):
    contacts.save_contact_point(w.admin, cadre=w.street, title="街道办主任", unit=w.d.units["A1-2"])
    assert _plan(w, visitor_kind="leading_cadre") == 2
    assert set(Visit.objects.values_list("assignee", flat=True)) == {w.street.pk}


def test_mark_need(w):
    _plan(w)
    visit = visits.record(w.worker, Visit.objects.get(household=w.h11), findings="缺少休息座椅")
    visit = visits.mark_need(w.worker, visit, "小区加装休息座椅")
    assert visit.need and visit.need_text == "小区加装休息座椅"


def test_the_assignee_records_as_planned_even_in_a_neighbouring_micro_grid(w):
    """A worker posted to one micro-grid is assigned its grid's other micro-grids' households too."""
    from django.contrib.auth.models import User

    from gridgov.accounts.models import Role, RoleAssignment

    micro = User.objects.create_user("micro_worker")
    RoleAssignment.objects.create(user=micro, role=Role.GRID_WORKER, unit=w.d.units["B1-1-1"])
    planning.save_rule(w.admin, unit=w.d.units["B1"])
    with clock.frozen(at(DAY)):
        planning.plan()
    other = Visit.objects.get(household__building__microgrid=w.d.units["B1-1-2"])
    assert other.assignee == micro
    visit = visits.record(micro, other, findings="好")
    assert visit.status == VisitStatus.DONE and visit.visitor_kind == VisitorKind.GRID_WORKER
