"""Meeting series and their recurrence rules; the worker job keeps each active series' meetings
created for the district's horizon (``horizon_weeks``), idempotently: a meeting is keyed by its
series and its day by the rule (``nominal_on``), so a second run — or a run after a day was moved —
creates nothing twice.

- **逢十** (``tenth``): the 10th, 20th and 30th of every month. A month without a 30th (February)
  meets on its last day instead (the 28th or 29th): the third meeting of the month is kept rather
  than dropped or pushed into March. A day that is not a working day
  (``workdays.services.is_working_day``: weekends and the holiday table) moves to the next working day.
- **weekly**: every week on ``weekday`` (0 = Monday), not moved — a weekend series is meant so.
- **monthly**: every month on ``day_of_month``; a shorter month meets on its last day; not moved.
"""
from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import clock, journal
from gridgov.workdays.services import is_working_day

from ..actions import DeliberationAction as A
from ..models import Meeting, MeetingKind, MeetingSeries, Recurrence, SetupEntry
from .common import plain, require_community, require_staff, settings_for
from .meetings import local_start, schedule

TENTH_DAYS = (10, 20, 30)


def _clamped(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _months(start: dt.date, end: dt.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def occurrences(series: MeetingSeries, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """``(day by the rule, day held)`` of every meeting whose day by the rule lies in ``start``–``end``."""
    if series.recurrence == Recurrence.WEEKLY:
        first = start + dt.timedelta(days=(series.weekday - start.weekday()) % 7)
        days = [first + dt.timedelta(weeks=n) for n in range((end - first).days // 7 + 1)] if first <= end else []
        return [(day, day) for day in days]
    wanted = TENTH_DAYS if series.recurrence == Recurrence.TENTH else (series.day_of_month,)
    nominal = sorted({_clamped(year, month, day) for year, month in _months(start, end) for day in wanted})
    nominal = [day for day in nominal if start <= day <= end]
    if series.recurrence == Recurrence.TENTH:
        return [(day, next_working_day(day)) for day in nominal]
    return [(day, day) for day in nominal]


def create_series(actor, *, community, kind: str, title: str, recurrence: str, start_time: dt.time,
                  weekday: int | None = None, day_of_month: int | None = None, place: str = "") -> MeetingSeries:
    require_community(community)
    require_staff(actor, community)
    if kind not in MeetingKind.values:
        raise ValidationError(_("Choose a kind of meeting."))
    if recurrence not in Recurrence.values:
        raise ValidationError(_("Choose how the meetings recur."))
    if recurrence == Recurrence.WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        raise ValidationError(_("A weekly series needs a weekday."))
    if recurrence == Recurrence.MONTHLY and (day_of_month is None or not 1 <= day_of_month <= 31):
        raise ValidationError(_("A monthly series needs a day of the month (1–31)."))
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            community=community, kind=kind, title=plain(title, _("Title"), 120, required=True),
            recurrence=recurrence, start_time=start_time, place=plain(place, _("Place"), 200),
            weekday=weekday if recurrence == Recurrence.WEEKLY else None,
            day_of_month=day_of_month if recurrence == Recurrence.MONTHLY else None)
        journal.append(series, actor, A.CREATE, journal=SetupEntry,
                       data={"kind": kind, "recurrence": recurrence, "weekday": weekday, "day": day_of_month})
    extend(series, clock.now())
    return series


def extend(series: MeetingSeries, now: dt.datetime, *, start: dt.date | None = None) -> int:
    """Create the series' meetings from ``start`` (today) to the horizon that are missing; the count."""
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(weeks=settings_for(series.community.district_code).horizon_weeks)
    made = 0
    for nominal, day in occurrences(series, start or today, horizon):
        with transaction.atomic():
            locked = MeetingSeries.objects.select_for_update().get(pk=series.pk)
            if not locked.active or Meeting.objects.filter(series=locked, nominal_on=nominal).exists():
                continue
            schedule(None, community=series.community, kind=series.kind, title=series.title,
                     starts_at=local_start(day, series.start_time), place=series.place, series=locked,
                     nominal_on=nominal)
            made += 1
    return made


def materialise(now: dt.datetime | None = None) -> int:
    """The worker job: every active series' meetings up to the horizon; the number created."""
    now = now or clock.now()
    return sum(extend(series, now) for series in MeetingSeries.objects.filter(active=True).select_related("community"))
