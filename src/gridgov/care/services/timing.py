"""The ONE definition of where a check-in stands in time (docs/care.md, "Due, late, missed").

Every screen, the API, the recording service and the worker ask :func:`timing`; none compares the
window itself. A check-in not done nor cancelled is:

- **upcoming** before its window opens (``now < earliest``);
- **due** in the first 80% of its window;
- **late** in the last 20% of its window (still allowed: the window has not closed);
- **missed** once the window has closed (``now >= latest``) — whether or not the worker has
  recorded it yet; the worker records exactly these.

Done and cancelled check-ins are what their status says.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from ..models import CheckInStatus

LATE_FROM = 0.8


class Timing(TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    DUE = "due", _("Due")
    LATE = "late", _("Late")
    MISSED = "missed", _("Missed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


#: Timings in which a check-in may be recorded (its window is open).
OPEN_WINDOW = (Timing.DUE, Timing.LATE)


def timing(check_in, now: dt.datetime) -> Timing:
    if check_in.status == CheckInStatus.DONE:
        return Timing.DONE
    if check_in.status == CheckInStatus.CANCELLED:
        return Timing.CANCELLED
    if check_in.status == CheckInStatus.MISSED or now >= check_in.latest:
        return Timing.MISSED
    if now < check_in.earliest:
        return Timing.UPCOMING
    late_at = check_in.earliest + (check_in.latest - check_in.earliest) * LATE_FROM
    return Timing.LATE if now >= late_at else Timing.DUE


def closed_by(now: dt.datetime) -> dict:
    """The filter for check-ins whose window has closed by ``now`` (what :func:`timing` calls
    missed, when not done or cancelled): for the worker's query, so it selects what timing says."""
    return {"latest__lte": now}
