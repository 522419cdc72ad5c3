"""Working-day arithmetic for case deadlines, and the seeding of the calendar from the package.

Deadlines are counted in working-day time: a working day is 24 hours of the project's local day
(settings.TIME_ZONE), a non-working day counts for nothing. The case worker calls these functions
thousands of times per run, so the calendar is held in memory per process (a ``StampedCache``).
"""
import datetime as dt
from dataclasses import dataclass

from chinese_calendar import constants as package
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core import stamps

from .models import Holiday, HolidayKind, HolidaySource
from .statutory import statutory_holidays

ONE_DAY = dt.timedelta(days=1)


#: The stamp (``core.stamps``) raised whenever the calendar changes: what every process's copy of
#: the calendar and the case engine's deadline recomputation watch.
CALENDAR_STAMP = "workdays.calendar"


def _load_calendar(_key) -> dict[dt.date, bool]:
    return {day: kind == HolidayKind.WORKDAY for day, kind in Holiday.objects.values_list("date", "kind")}


#: The holiday table as a dict date → is a working day, held per process and reloaded when the
#: calendar's stamp moves (an administrator's edit in any process), without a query per call.
_calendar = stamps.StampedCache(CALENDAR_STAMP, _load_calendar)


def calendar_changed() -> None:
    """The calendar changed by a bulk write (a seeding): raise its stamp, as Holiday's signals do
    for an administrator's edit, so every process's copy and the deadlines follow."""
    stamps.bump(CALENDAR_STAMP)


def _local(moment: dt.datetime) -> dt.datetime:
    """``moment`` as a naive wall-clock time in the project time zone (not the request's)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).replace(tzinfo=None)


def _aware(naive: dt.datetime) -> dt.datetime:
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is worked: the calendar table if it lists the day, else Monday to Friday.

    A year nobody has entered falls back to weekends only, so deadlines never fail for lack of data.
    An aware datetime is taken as its local date.
    """
    if isinstance(day, dt.datetime):
        day = _local(day).date()
    worked = _calendar.get().get(day)
    return day.weekday() < 5 if worked is None else worked


def _next_working_day(day: dt.date) -> dt.date:
    day += ONE_DAY
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(start: dt.datetime, days: float) -> dt.datetime:
    """The deadline: the first moment by which ``days`` × 24 h of working-day time has elapsed.

    Time on non-working days does not count, so a case reported on Friday at 10:00 with one working
    day is due at 10:00 on the next working day. A start on a non-working day starts the count at
    00:00 of the next working day.
    """
    remaining = dt.timedelta(days=days)
    if remaining < dt.timedelta(0):
        raise ValueError("days must not be negative")
    moment = _local(start)
    day = moment.date()
    if not is_working_day(day):
        day = _next_working_day(day)
        moment = _midnight(day)
    while True:
        left_today = _midnight(day + ONE_DAY) - moment
        if remaining <= left_today:
            return _aware(moment + remaining)
        remaining -= left_today
        day = _next_working_day(day)
        moment = _midnight(day)


def working_time_between(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Working-day time elapsed from ``a`` to ``b`` (zero if ``b`` is not after ``a``): what a case
    has used of its limit. The inverse of :func:`add_working_days`."""
    if b <= a:
        return dt.timedelta(0)
    start, end = _local(a), _local(b)
    total = dt.timedelta(0)
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            total += min(end, _midnight(day + ONE_DAY)) - max(start, _midnight(day))
        day += ONE_DAY
    return total


def add_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """A response deadline: response limits are plain clock hours, nights and holidays included."""
    return start + dt.timedelta(hours=hours)


class TrafficLight(models.TextChoices):
    # xgettext:no-python-format
    GREEN = "green", _("Green: within 80% of the limit")
    # xgettext:no-python-format
    YELLOW = "yellow", _("Yellow: 80% to 100% of the limit used")
    RED = "red", _("Red: overdue")


def traffic_light(elapsed: dt.timedelta, limit: dt.timedelta) -> str:
    """Green below 80% of the limit, yellow from 80% up to 100% inclusive, red when over.

    Compared in whole microseconds (timedelta × int is exact) so the boundaries are exact.
    """
    if elapsed > limit:
        return TrafficLight.RED
    if elapsed * 5 >= limit * 4:
        return TrafficLight.YELLOW
    return TrafficLight.GREEN


def package_calendar() -> dict[dt.date, tuple[str, str]]:
    """Every day the ``chinese-calendar`` package lists: date → (kind, Chinese holiday name).

    Holidays falling on a weekend are kept: they do not change the day's status, but the calendar
    shows the whole holiday (国庆节 1–7 October) by name.
    """
    days = {day: (HolidayKind.HOLIDAY, package.Holiday(name).chinese) for day, name in package.holidays.items()}
    days.update({day: (HolidayKind.WORKDAY, package.Holiday(name).chinese) for day, name in package.workdays.items()})
    return days


def package_years() -> tuple[int, int]:
    """The first and last year the installed package knows."""
    years = [day.year for day in package.holidays]
    return min(years), max(years)


def confirmed_years(model=Holiday) -> set[int]:
    """The years whose official schedule is in the table: from the package or an administrator."""
    first, last = package_years()
    admin = model.objects.filter(source=HolidaySource.ADMIN).dates("date", "year")
    return set(range(first, last + 1)) | {day.year for day in admin}


def provisional_days(years, model=Holiday) -> dict[dt.date, tuple[str, str]]:
    """The statutory days off of those ``years`` that are not confirmed, as the seeding wants them."""
    confirmed = confirmed_years(model)
    return {day: (HolidayKind.HOLIDAY, name) for year in years if year not in confirmed
            for day, name in statutory_holidays(year).items()}


@transaction.atomic
def ensure_provisional(today: dt.date, model=Holiday) -> int:
    """Enter the statutory days off of this year and the next wherever they are not confirmed, so a
    deadline crossing 春节 of a year nobody entered yet still skips it (run by ``gridgov worker``,
    ``gridgov seed-holidays`` and a migration; idempotent). Answers how many days were added."""
    wanted = provisional_days((today.year, today.year + 1), model)
    present = set(model.objects.filter(date__in=wanted).values_list("date", flat=True))
    rows = [model(date=day, kind=kind, name=name, source=HolidaySource.STATUTORY)
            for day, (kind, name) in wanted.items() if day not in present]
    model.objects.bulk_create(rows)
    if rows and model is Holiday:
        calendar_changed()
    return len(rows)


def unconfirmed_next_year(today: dt.date) -> int | None:
    """From October, next year when its official schedule is not entered yet (else None): what
    administrators are told on every page and on the command screen."""
    if today.month < 10 or today.year + 1 in confirmed_years():
        return None
    return today.year + 1


@dataclass(frozen=True)
class SeedReport:
    created: int
    updated: int
    removed: int
    kept_admin: int


@transaction.atomic
def seed_holidays(model=Holiday) -> SeedReport:
    """Bring the package's days into the table, idempotently.

    Package rows are created, corrected or (if the package no longer lists the day) removed; rows
    with source "admin" are left exactly as the administrator made them, even where the package
    disagrees. ``model`` lets the data migration pass its historical model.
    """
    wanted = package_calendar()
    existing = {row.date: row for row in model.objects.all()}
    # A year the package now knows replaces its provisional statutory days.
    known = {day.year for day in wanted}
    stale_statutory = [row.pk for day, row in existing.items()
                       if row.source == HolidaySource.STATUTORY and day.year in known]
    model.objects.filter(pk__in=stale_statutory).delete()
    existing = {day: row for day, row in existing.items() if row.pk not in stale_statutory}
    create, update = [], []
    for day, (kind, name) in wanted.items():
        row = existing.get(day)
        if row is None:
            create.append(model(date=day, kind=kind, name=name, source=HolidaySource.PACKAGE))
        elif row.source == HolidaySource.PACKAGE and (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            update.append(row)
    stale = [row.pk for day, row in existing.items() if row.source == HolidaySource.PACKAGE and day not in wanted]
    model.objects.bulk_create(create)
    model.objects.bulk_update(update, ["kind", "name"])
    model.objects.filter(pk__in=stale).delete()
    if model is Holiday:  # a migration's historical model runs before the stamps exist
        calendar_changed()
    kept = sum(1 for day, row in existing.items() if row.source == HolidaySource.ADMIN and day in wanted)
    return SeedReport(created=len(create), updated=len(update), removed=len(stale), kept_admin=kept)
