"""Materialising a plan's check-ins ahead of time: the windows its frequency gives, from the plan's
``schedule_from`` on, up to a horizon. Run under the plan's row lock, numbered one after another,
so running it twice (or after a crash) adds nothing twice."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gridgov.core import journal

from ..actions import CareAction as A
from ..models import CheckIn, CheckInEntry, CheckInStatus

#: How far ahead check-ins are materialised: the grid worker's "today" and tomorrow are always there.
HORIZON = dt.timedelta(days=2)


def window(plan, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The window of ``plan``'s check-in on ``day`` (the district's local time)."""
    earliest = timezone.make_aware(dt.datetime.combine(day, plan.window_start))
    return earliest, earliest + dt.timedelta(hours=plan.window_hours)


def _first_day(plan) -> dt.date:
    """The first day to schedule: the first window not closed at ``schedule_from``, after any
    check-in already kept for that day or later (a changed plan does not check twice a day)."""
    day = max(plan.starts_on, timezone.localdate(plan.schedule_from))
    kept = plan.check_ins.exclude(status=CheckInStatus.CANCELLED).order_by("-earliest").first()
    if kept is not None and timezone.localdate(kept.earliest) >= day:
        day = timezone.localdate(kept.earliest) + dt.timedelta(days=1)
    while window(plan, day)[1] <= plan.schedule_from:
        day += dt.timedelta(days=1)
    return day


def materialise(plan, until: dt.datetime) -> list[CheckIn]:
    """Create ``plan``'s check-ins whose window opens by ``until`` (the caller holds the plan's lock).
    Only an active plan is scheduled."""
    if plan.status != "active":
        return []
    last = plan.check_ins.order_by("-seq").first()
    if last is not None and last.earliest >= plan.schedule_from and last.status != CheckInStatus.CANCELLED:
        day = timezone.localdate(last.earliest) + dt.timedelta(days=plan.every_days)
    else:
        day = _first_day(plan)
    seq = last.seq if last is not None else 0
    made = []
    while plan.ends_on is None or day <= plan.ends_on:
        earliest, latest = window(plan, day)
        if earliest > until:
            break
        seq += 1
        check_in = CheckIn.objects.create(plan=plan, seq=seq, earliest=earliest, latest=latest)
        journal.append(check_in, None, A.SCHEDULE, journal=CheckInEntry, to_status=CheckInStatus.SCHEDULED,
                       data={"earliest": earliest.isoformat(), "latest": latest.isoformat()})
        made.append(check_in)
        day += dt.timedelta(days=plan.every_days)
    return made


def cancel_scheduled(plan, actor, note: str = "", *, opening_after: dt.datetime | None = None) -> int:
    """Cancel the plan's scheduled check-ins (a pause or an end), or only those opening after a
    moment (a changed schedule keeps the one already open)."""
    rows = plan.check_ins.select_for_update().filter(status=CheckInStatus.SCHEDULED)
    if opening_after is not None:
        rows = rows.filter(earliest__gt=opening_after)
    count = 0
    for check_in in rows:
        check_in.status = CheckInStatus.CANCELLED
        check_in.save(update_fields=["status"])
        journal.append(check_in, actor, A.CANCEL, journal=CheckInEntry, from_status=CheckInStatus.SCHEDULED,
                       to_status=CheckInStatus.CANCELLED, note=note)
        count += 1
    return count
