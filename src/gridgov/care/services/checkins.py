"""Check-ins: recorded within their window by the buddy, the grid worker, the staff or a device;
recorded missed by the worker once the window has closed. Done or missed, never both. A result
other than "well" — or a missed check-in — opens an escalation in the same transaction."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition

from ..actions import CareAction as A
from ..models import CheckIn, CheckInEntry, CheckInStatus, Method, Reason, Result
from .common import plain, require_checker
from .escalations import open_escalation
from .timing import OPEN_WINDOW, Timing, timing

transition = journal.transition(CheckIn, visible=visible, related=("plan__person__unit",))

#: The escalation a result opens (a check-in found well opens none).
ESCALATES = {Result.UNREACHABLE: Reason.UNREACHABLE, Result.NEEDS_HELP: Reason.NEEDS_HELP}


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def require_open_window(check_in, now) -> None:
    """Refuse, with the reason, a check-in whose window is not open at ``now`` (see timing)."""
    state = timing(check_in, now)
    if state in OPEN_WINDOW:
        return
    if state == Timing.UPCOMING:
        raise InvalidTransition(_("This check-in's window opens at %(time)s; it cannot be recorded before.")
                                % {"time": _when(check_in.earliest)})
    if state == Timing.MISSED:
        raise InvalidTransition(_("This check-in's window closed at %(time)s: it is missed. Resolve its "
                                  "escalation instead.") % {"time": _when(check_in.latest)})
    if state == Timing.DONE:
        raise InvalidTransition(_("This check-in has already been done."))
    raise InvalidTransition(_("This check-in was cancelled."))


def complete(check_in, actor, *, result: str, method: str, note: str = "", reading=None, reason: str = ""):
    """Record the check-in done (the caller holds its lock and has checked the window)."""
    now = clock.now()
    check_in.status, check_in.result, check_in.method = CheckInStatus.DONE, result, method
    check_in.note, check_in.done_by, check_in.done_at = note, actor, now
    check_in.save()
    journal.append(check_in, actor, A.CHECK_IN, journal=CheckInEntry, from_status=CheckInStatus.SCHEDULED,
                   to_status=CheckInStatus.DONE, note=note, at=now,
                   data={"result": result, "method": method, "reading": reading.pk if reading else None})
    reason = reason or ESCALATES.get(result)
    if reason:
        open_escalation(check_in.plan, reason=reason, at=now, actor=actor, check_in=check_in, reading=reading,
                        need=note if result == Result.NEEDS_HELP else "")


@transition
def record(actor, check_in, *, result: str, note: str = ""):
    """The buddy, a grid worker over the person's home or the staff record a check-in by the plan's
    method (a phone call or a visit; a device records through its readings)."""
    require_checker(actor, check_in.plan)
    require_open_window(check_in, clock.now())
    if result not in Result.values:
        raise ValidationError(_("Choose a result: well, needs help or could not reach."))
    note = plain(note, _("Note"), 500, required=result == Result.NEEDS_HELP)
    method = check_in.plan.method if check_in.plan.method != Method.DEVICE else Method.VISIT
    complete(check_in, actor, result=result, method=method, note=note)


@transition
def mark_missed(actor, check_in, now):
    """The worker: a check-in still scheduled whose window has closed is recorded missed, and its
    escalation opens at the moment the window closed (the ladder's hours count from then)."""
    if check_in.status != CheckInStatus.SCHEDULED or timing(check_in, now) != Timing.MISSED:
        return
    check_in.status, check_in.missed_at = CheckInStatus.MISSED, now
    check_in.save(update_fields=["status", "missed_at"])
    journal.append(check_in, None, A.MISS, journal=CheckInEntry, from_status=CheckInStatus.SCHEDULED,
                   to_status=CheckInStatus.MISSED, at=now)
    open_escalation(check_in.plan, reason=Reason.MISSED, at=check_in.latest, check_in=check_in)
