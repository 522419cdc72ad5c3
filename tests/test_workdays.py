"""The working-day calendar. Every expected deadline below was worked out by hand against the
official schedules (and checked against the chinese-calendar package where it knows the year)."""
import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.management import call_command

from gridgov.workdays.models import Holiday, HolidayKind, HolidaySource
from gridgov.workdays.services import (
    add_hours,
    add_working_days,
    is_working_day,
    package_years,
    traffic_light,
    working_time_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_the_package_agrees_with_the_2024_national_day_schedule():
    for day in range(1, 8):
        assert not chinese_calendar.is_workday(dt.date(2024, 10, day))
        assert not is_working_day(dt.date(2024, 10, day))
    for worked_weekend in (dt.date(2024, 9, 29), dt.date(2024, 10, 12)):
        assert worked_weekend.weekday() >= 5
        assert chinese_calendar.is_workday(worked_weekend)
        assert is_working_day(worked_weekend)
    assert not is_working_day(dt.date(2024, 9, 28))  # the Saturday before stays off
    assert Holiday.objects.get(date=dt.date(2024, 10, 1)).name == "国庆节"
    assert Holiday.objects.get(date=dt.date(2024, 9, 29)).kind == HolidayKind.WORKDAY


def test_the_seed_covers_every_year_the_package_knows():
    first, last = package_years()
    assert (first, last) == (2004, 2026)
    years = {day.year for day in Holiday.objects.filter(source=HolidaySource.PACKAGE).values_list("date", flat=True)}
    assert years == set(range(first, last + 1))
    # Beyond it, this year's and next year's statutory days, provisionally (test_workdays_statutory.py).
    assert not Holiday.objects.exclude(source__in=[HolidaySource.PACKAGE, HolidaySource.STATUTORY]).exists()


@pytest.mark.parametrize("start, days, deadline", [
    (at(2024, 6, 5), 1, at(2024, 6, 6)),                  # Wednesday → Thursday
    (at(2024, 6, 7), 1, at(2024, 6, 11)),                 # Friday → Tuesday: Monday 10 June is 端午
    (at(2024, 6, 14), 1, at(2024, 6, 17)),                # Friday → Monday across a plain weekend
    (at(2024, 6, 14), 0.5, at(2024, 6, 14, 22)),          # half a day stays on Friday
    (at(2024, 6, 14), 1.5, at(2024, 6, 17, 22)),
    (at(2024, 6, 15, 15), 1, at(2024, 6, 18, 0)),         # Saturday start counts from Monday 00:00
    (at(2024, 6, 14, 0), 1, at(2024, 6, 15, 0)),          # a whole Friday ends at Friday 24:00
    (at(2024, 6, 14), 0, at(2024, 6, 14)),
])
def test_deadlines_across_weekends(start, days, deadline):
    assert add_working_days(start, days) == deadline


@pytest.mark.parametrize("start, days, deadline", [
    (at(2024, 9, 27), 1, at(2024, 9, 29)),                # Friday → the worked Sunday 29 September
    (at(2024, 9, 27), 2, at(2024, 9, 30)),
    (at(2024, 9, 27), 3, at(2024, 10, 8)),                # 1–7 October off
    (at(2024, 9, 30), 1, at(2024, 10, 8)),
    (at(2024, 10, 3, 15), 1, at(2024, 10, 9, 0)),         # reported during the holiday
    (at(2024, 10, 8), 4, at(2024, 10, 12)),               # … → the worked Saturday 12 October
    (at(2024, 10, 8), 5, at(2024, 10, 14)),
])
def test_deadlines_across_the_2024_national_day_week(start, days, deadline):
    assert add_working_days(start, days) == deadline


@pytest.mark.parametrize("start, days, deadline", [
    # 2025 Spring Festival: 28 January – 4 February off, Sunday 26 January and Saturday 8 February worked.
    (at(2025, 1, 24), 1, at(2025, 1, 26)),
    (at(2025, 1, 24), 2, at(2025, 1, 27)),
    (at(2025, 1, 24), 3, at(2025, 2, 5)),
    (at(2025, 2, 5), 3, at(2025, 2, 8)),
    (at(2025, 2, 5), 4, at(2025, 2, 10)),
])
def test_deadlines_across_the_2025_spring_festival(start, days, deadline):
    assert add_working_days(start, days) == deadline


@pytest.mark.parametrize("start, days, deadline", [
    (at(2030, 12, 31), 3, at(2031, 1, 3)),                # 2031 is unknown: 1 January is worked
    (at(2030, 12, 31), 4, at(2031, 1, 6)),
    (at(2099, 12, 31), 1, at(2100, 1, 1)),
    (at(2099, 12, 31), 2, at(2100, 1, 4)),                # over the weekend of 2–3 January 2100
    (at(2032, 12, 31), 1, at(2033, 1, 3)),                # far past the package's last year: Monday
])
def test_unknown_years_count_weekends_only(start, days, deadline):
    assert add_working_days(start, days) == deadline
    assert not is_working_day(dt.date(2099, 12, 26))      # a Saturday
    assert is_working_day(dt.date(2031, 1, 1))


def test_an_administrators_holiday_in_an_unknown_year_moves_the_deadline():
    start = at(2030, 12, 31)
    assert add_working_days(start, 3) == at(2031, 1, 3)   # the cache is warm now
    new_year = Holiday.objects.create(date=dt.date(2031, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦")
    assert add_working_days(start, 3) == at(2031, 1, 6)
    worked = Holiday.objects.create(date=dt.date(2031, 1, 4), kind=HolidayKind.WORKDAY, name="元旦")
    assert add_working_days(start, 3) == at(2031, 1, 4)
    worked.delete()
    new_year.delete()
    assert add_working_days(start, 3) == at(2031, 1, 3)


def test_a_warm_calendar_asks_the_database_nothing(django_assert_num_queries):
    is_working_day(dt.date(2024, 1, 1))
    with django_assert_num_queries(0):
        for offset in range(2000):
            add_working_days(at(2024, 1, 1) + dt.timedelta(hours=offset), 5)


def test_deadlines_are_computed_in_local_time_whatever_the_input_zone():
    friday_10_in_utc = dt.datetime(2024, 6, 14, 2, 0, tzinfo=dt.timezone.utc)
    deadline = add_working_days(friday_10_in_utc, 1)
    assert deadline == at(2024, 6, 17)
    assert deadline.utcoffset() == dt.timedelta(hours=8)
    # 23:30 UTC on Friday is already Saturday 07:30 in Shanghai: counting starts on Monday.
    assert add_working_days(dt.datetime(2024, 6, 14, 23, 30, tzinfo=dt.timezone.utc), 1) == at(2024, 6, 18, 0)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(at(2024, 6, 5), -1)


@pytest.mark.parametrize("a, b, hours", [
    (at(2024, 6, 5, 10), at(2024, 6, 5, 15, 30), 5.5),              # within a day
    (at(2024, 6, 14, 10), at(2024, 6, 17, 10), 24),                 # Friday → Monday: 14 + 10
    (at(2024, 6, 15, 9), at(2024, 6, 16, 18), 0),                   # a weekend
    (at(2024, 6, 7, 18), at(2024, 6, 11, 6), 6 + 6),                # Friday evening → Tuesday morning, 端午 Monday
    (at(2024, 9, 27, 10), at(2024, 10, 8, 10), 14 + 24 + 24 + 10),  # Friday, Sunday 29th, Monday 30th, Tuesday 8th
    (at(2025, 1, 27, 12), at(2025, 2, 5, 12), 12 + 12),             # Spring Festival in between
    (at(2024, 6, 5, 15), at(2024, 6, 5, 10), 0),                    # b before a
])
def test_working_time_between(a, b, hours):
    assert working_time_between(a, b) == dt.timedelta(hours=hours)


@pytest.mark.parametrize("start", [at(2024, 9, 27), at(2024, 10, 5, 13), at(2025, 1, 24, 23, 59), at(2030, 12, 31)])
@pytest.mark.parametrize("days", [0.25, 1, 3, 7.5])
def test_working_time_between_is_the_inverse_of_add_working_days(start, days):
    assert working_time_between(start, add_working_days(start, days)) == dt.timedelta(days=days)


def test_add_hours_is_clock_time():
    assert add_hours(at(2024, 9, 30, 20), 24) == at(2024, 10, 1, 20)
    assert add_hours(at(2024, 9, 30, 20), 0.5) == at(2024, 9, 30, 20, 30)


@pytest.mark.parametrize("share, light", [
    (0, "green"), (0.799, "green"), (0.8, "yellow"), (0.95, "yellow"), (1.0, "yellow"), (1.001, "red"), (3, "red"),
])
def test_traffic_light_boundaries(share, light):
    limit = dt.timedelta(days=10)
    assert traffic_light(limit * share, limit) == light


def test_seed_holidays_is_idempotent_and_keeps_administrators_rows():
    total = Holiday.objects.count()
    # An administrator corrects a package day (it becomes theirs) and adds a year the package lacks.
    Holiday.objects.filter(date=dt.date(2024, 10, 7)).update(name="国庆节（调整）", source=HolidaySource.ADMIN)
    Holiday.objects.create(date=dt.date(2031, 1, 1), name="元旦")
    # A package row damaged or missing is repaired.
    Holiday.objects.filter(date=dt.date(2024, 10, 1)).update(name="wrong")
    Holiday.objects.filter(date=dt.date(2024, 10, 2)).delete()

    call_command("seed_holidays", verbosity=0)
    call_command("seed_holidays", verbosity=0)

    assert Holiday.objects.count() == total + 1
    assert Holiday.objects.get(date=dt.date(2024, 10, 1)).name == "国庆节"
    assert Holiday.objects.get(date=dt.date(2024, 10, 2)).source == HolidaySource.PACKAGE
    kept = Holiday.objects.get(date=dt.date(2024, 10, 7))
    assert (kept.name, kept.source) == ("国庆节（调整）", HolidaySource.ADMIN)
    assert Holiday.objects.get(date=dt.date(2031, 1, 1)).source == HolidaySource.ADMIN


def test_seed_removes_package_rows_the_package_no_longer_lists():
    Holiday.objects.create(date=dt.date(2024, 11, 11), name="stale", source=HolidaySource.PACKAGE)
    assert not is_working_day(dt.date(2024, 11, 11))
    call_command("seed_holidays", verbosity=0)
    assert not Holiday.objects.filter(date=dt.date(2024, 11, 11)).exists()
    assert is_working_day(dt.date(2024, 11, 11))


def test_the_admin_lists_the_calendar_and_makes_edits_the_administrators(admin_client):
    response = admin_client.get("/admin/workdays/holiday/?date__year=2024")
    assert response.status_code == 200
    assert "国庆节" in response.content.decode()
    row = Holiday.objects.get(date=dt.date(2024, 10, 7))
    response = admin_client.post(f"/admin/workdays/holiday/{row.pk}/change/",
                                 {"date": "2024-10-07", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.source == HolidaySource.ADMIN


def test_an_administrator_overrides_a_package_holiday_and_reseeding_keeps_it(admin_client):
    """A package holiday found wrong is turned into a working day (not deleted: it would come back)."""
    row = Holiday.objects.get(date=dt.date(2024, 10, 7))
    assert not is_working_day(row.date)
    response = admin_client.post(f"/admin/workdays/holiday/{row.pk}/change/",
                                 {"date": "2024-10-07", "kind": "workday", "name": "国庆节"})
    assert response.status_code == 302
    assert is_working_day(row.date)
    call_command("seed_holidays", verbosity=0)
    assert is_working_day(row.date)
