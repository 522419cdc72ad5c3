"""Deadlines follow the calendar (issue 16, item 4): when a day of the working calendar changes —
next year's schedule entered, a holiday corrected — the worker recomputes every open case's
resolution deadline once, noting each move on the case's timeline; a second round moves nothing."""
import datetime as dt

from django.utils import timezone

from gridgov.cases.actions import CaseAction
from gridgov.cases.models import Case
from gridgov.cases.services import recalendar
from gridgov.core import clock
from gridgov.workdays.models import Holiday, HolidayKind, HolidaySource
from gridgov.workdays.services import add_working_days

from .test_cases_lifecycle import report


def _at(day, hour=9):
    return timezone.make_aware(dt.datetime(2026, 3, day, hour))


def test_a_day_off_entered_moves_the_open_deadlines_once_and_says_so(world):
    with clock.frozen(_at(2)):  # a Monday
        case = report(world, category="big")
        closed_before = report(world, category="big")
    Case.objects.filter(pk=closed_before.pk).update(status="closed")
    due = case.resolution_due
    recalendar.recompute(_at(2, 10))  # whatever the seeding left to do
    case.refresh_from_db()
    assert case.resolution_due == due  # nothing moved yet

    day_off = _at(3).date()  # Tuesday, before the deadline
    Holiday.objects.create(date=day_off, kind=HolidayKind.HOLIDAY, name="测试", source=HolidaySource.ADMIN)
    assert recalendar.recompute(_at(2, 11)) == "calendar changed: 1 deadlines moved"
    case.refresh_from_db()
    limit = float(case.category.resolution_limit_days)
    assert case.resolution_due == add_working_days(case.reported_at, limit) > due
    moved = case.timeline.filter(action=CaseAction.RECALENDAR)
    data = moved.get().data
    assert moved.count() == 1
    assert [dt.datetime.fromisoformat(data[key]) for key in ("from", "to")] == [due, case.resolution_due]
    assert not closed_before.timeline.filter(action=CaseAction.RECALENDAR).exists()

    assert recalendar.recompute(_at(2, 12)) == "calendar unchanged"
    assert case.timeline.filter(action=CaseAction.RECALENDAR).count() == 1
