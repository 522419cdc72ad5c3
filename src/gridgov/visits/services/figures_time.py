"""Periods as the figures read them: the days ``start``–``end`` inclusive, in the district's zone."""
import datetime as dt

from django.utils import timezone


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``start`` and the first moment after ``end``."""
    zone = timezone.get_default_timezone()
    return (timezone.make_aware(dt.datetime.combine(start, dt.time()), zone),
            timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), zone))
