"""Issue 16, item 4: next year's holidays. The statutory days off are computed for any year and
checked against the published 2025 and 2026 schedules; a year without a schedule gets them,
provisionally, so 1 January 2027 is not a working day; administrators are told from October."""
import datetime as dt

import chinese_calendar
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gridgov.core import clock
from gridgov.workdays.models import Holiday, HolidayKind, HolidaySource
from gridgov.workdays.services import (
    add_working_days,
    ensure_provisional,
    is_working_day,
    seed_holidays,
    unconfirmed_next_year,
)
from gridgov.workdays.statutory import statutory_holidays

D = dt.date


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_days_are_days_off_of_the_published_schedules(year):
    """Every day the law fixes is off in the State Council's schedule for that year (which adds
    bridge days and 调休): 13 days, 春节 four of them from 除夕."""
    days = statutory_holidays(year)
    assert len(days) == 13
    assert all(chinese_calendar.is_holiday(day) for day in days), [d for d in days if not chinese_calendar.is_holiday(d)]


def test_the_statutory_days_by_hand():
    # 2026: 除夕 16 Feb, 春节 17–19 Feb, 清明 5 Apr, 端午 19 Jun, 中秋 25 Sep.
    assert [day for day, name in statutory_holidays(2026).items() if name == "春节"] == [
        D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19)]
    # 2027: 春节 is 6 February (除夕 the 5th); 清明 5 April; 端午 9 June; 中秋 15 September.
    assert statutory_holidays(2027) == {
        D(2027, 1, 1): "元旦", D(2027, 2, 5): "春节", D(2027, 2, 6): "春节", D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节", D(2027, 4, 5): "清明节", D(2027, 5, 1): "劳动节", D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节", D(2027, 9, 15): "中秋节", D(2027, 10, 1): "国庆节", D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节"}
    # 2028: 中秋 falls on 3 October, inside 国庆.
    assert statutory_holidays(2028)[D(2028, 10, 3)] == "中秋节、国庆节"


def test_a_year_without_a_schedule_gets_its_statutory_days_provisionally(db):
    Holiday.objects.filter(source=HolidaySource.STATUTORY).delete()  # the migration entered them
    assert not Holiday.objects.filter(date__year=2027).exists()
    assert is_working_day(D(2027, 1, 1))  # Friday: worked, before
    assert ensure_provisional(D(2026, 12, 7)) == 13
    assert ensure_provisional(D(2026, 12, 7)) == 0  # idempotent
    assert not is_working_day(D(2027, 1, 1)) and not is_working_day(D(2027, 2, 8))
    assert set(Holiday.objects.filter(date__year=2027).values_list("source", flat=True)) == {HolidaySource.STATUTORY}
    # A deadline of 1 working day from Thursday 31 December 2026, 10:00, skips Friday 1 January.
    tz = timezone.get_default_timezone()
    start = dt.datetime(2026, 12, 31, 10, tzinfo=tz)
    assert add_working_days(start, 1) == dt.datetime(2027, 1, 4, 10, tzinfo=tz)


def test_the_schedule_entered_by_an_administrator_confirms_the_year(db):
    ensure_provisional(D(2026, 12, 7))
    assert Holiday.objects.filter(date=D(2027, 1, 1), source=HolidaySource.STATUTORY).exists()
    assert unconfirmed_next_year(D(2026, 9, 30)) is None  # not before October
    assert unconfirmed_next_year(D(2026, 10, 1)) == 2027
    Holiday.objects.create(date=D(2027, 2, 20), kind=HolidayKind.WORKDAY, name="春节调休", source=HolidaySource.ADMIN)
    assert unconfirmed_next_year(D(2026, 12, 7)) is None
    assert is_working_day(D(2027, 2, 20))  # a Saturday worked in exchange


def test_the_package_knowing_a_year_replaces_its_provisional_days(db):
    Holiday.objects.create(date=D(2026, 3, 3), name="春节", source=HolidaySource.STATUTORY)  # 2026: the package's
    seed_holidays()
    assert not Holiday.objects.filter(source=HolidaySource.STATUTORY, date__year=2026).exists()


def test_administrators_are_told_on_every_page_and_the_screen(client, world):
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 12, 7, 9))):
        client.force_login(world.users["district_admin"])
        page = client.get(reverse("unit", args=[world.units["district"].code]), HTTP_ACCEPT_LANGUAGE="en")
        assert 'id="calendar-unconfirmed"' in page.content.decode() and "for 2027" in page.content.decode()
        screen = client.get(reverse("screen"), HTTP_ACCEPT_LANGUAGE="en")
        assert 'id="calendar-unconfirmed"' in screen.content.decode()
        client.force_login(world.users["grid_worker"])  # not theirs to fix
        assert 'id="calendar-unconfirmed"' not in client.get(reverse("my-tasks")).content.decode()


def test_the_seed_command_enters_them(db):
    Holiday.objects.filter(source=HolidaySource.STATUTORY).delete()
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 12, 7, 9))):
        call_command("seed_holidays")
    assert Holiday.objects.filter(date=D(2027, 1, 1), source=HolidaySource.STATUTORY).exists()
