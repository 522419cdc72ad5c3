"""Deadlines and traffic lights. Response limits run in clock hours from dispatch; resolution
limits in working days from the original report; time spent suspended does not count."""
import datetime as dt

from gridgov.core import clock
from gridgov.workdays.services import add_hours, add_working_days, traffic_light, working_time_between

from ..models import Light


def response_due(case, dispatched_at: dt.datetime) -> dt.datetime:
    return add_hours(dispatched_at, case.category.response_limit_hours)


def limit_days(case) -> float:
    """The category's resolution limit plus any granted extensions, in working days."""
    return float(case.category.resolution_limit_days) + case.extension_days


def resolution_due(case) -> dt.datetime:
    """The deadline from the original report, moved on by the working time spent suspended."""
    return add_working_days(case.reported_at, limit_days(case) + case.suspended_seconds / 86400)


def elapsed(case, now: dt.datetime | None = None) -> dt.timedelta:
    """Working time used so far: from the report to now (or closure, or the start of a suspension),
    less the time already spent suspended."""
    end = case.closed_at or case.suspended_at or now or clock.now()
    return working_time_between(case.reported_at, end) - dt.timedelta(seconds=case.suspended_seconds)


def light(case, now: dt.datetime | None = None) -> str:
    limit = dt.timedelta(days=limit_days(case))
    return Light(traffic_light(elapsed(case, now), limit))
