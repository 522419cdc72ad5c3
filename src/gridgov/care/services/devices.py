"""Smart devices and their readings. A device is registered to a plan by the staff and gets its own
key (shown once; only its hash is kept). A reading posted with the key is checked for impossible
values (refused), stored encrypted, and judged in or out of range: a normal reading within an open
window completes the check-in of a device plan; an out-of-range one counts as "needs help" and
escalates. A door sensor that reports no opening for the district's hours escalates too."""
from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition

from ..actions import CareAction as A
from ..models import (
    CarePlan,
    CheckInStatus,
    Device,
    DeviceKind,
    Escalation,
    Method,
    PlanEntry,
    PlanStatus,
    Reading,
    ReadingKind,
    Reason,
    Result,
    digest,
)
from .checkins import complete
from .common import plain, require_staff, settings_for
from .escalations import open_escalation
from .plans import transition as plan_transition
from .timing import OPEN_WINDOW, timing

#: What each kind of device may post.
POSTS = {DeviceKind.DOOR: ReadingKind.DOOR_OPEN, DeviceKind.WRISTBAND: ReadingKind.HEART_RATE,
         DeviceKind.BLOOD_PRESSURE: ReadingKind.BLOOD_PRESSURE}
#: Values no living person shows (refused as a broken device or a typo), then the normal range.
POSSIBLE = {"heart_rate": (20, 250), "systolic": (50, 260), "diastolic": (20, 200)}
NORMAL = {"heart_rate": (50, 110), "systolic": (90, 160), "diastolic": (50, 100)}
#: How late a reading may arrive, and how far ahead of the server's clock it may claim to be.
OLDEST = dt.timedelta(days=7)
CLOCK_SKEW = dt.timedelta(minutes=5)


# -- devices (steps of the plan) ----------------------------------------------------------------
@plan_transition
def _register(actor, plan, device: Device):
    require_staff(actor, plan.person)
    if plan.status == PlanStatus.ENDED:
        raise InvalidTransition(_("This plan has ended."))
    device.plan = plan
    device.save()
    journal.append(plan, actor, A.REGISTER_DEVICE, journal=PlanEntry,
                   data={"device": device.pk, "kind": device.kind, "hint": device.key_hint})


def register_device(actor, plan, *, kind: str, label: str = "") -> tuple[Device, str]:
    """Register a device to ``plan``; answers the device and its key (shown this once)."""
    if kind not in DeviceKind.values:
        raise ValidationError(_("Choose a door sensor, a wristband or a blood pressure monitor."))
    device = Device(kind=kind, label=plain(label, _("Label"), 50), created_at=clock.now())
    key = device.issue_key()
    _register(actor, plan, device)
    return device, key


@plan_transition
def _rekey(actor, plan, device: Device, revoke: bool):
    require_staff(actor, plan.person)
    device = Device.objects.select_for_update().get(pk=device.pk, plan=plan)
    if not device.active:
        raise InvalidTransition(_("This device has been revoked."))
    if revoke:
        device.active = False
        key = ""
    else:
        key = device.issue_key()
    device.save()
    journal.append(plan, actor, A.REVOKE_DEVICE if revoke else A.ROTATE_KEY, journal=PlanEntry,
                   data={"device": device.pk, "hint": device.key_hint})
    plan._issued_key = key


def rotate_key(actor, device: Device) -> str:
    """A new key for the device (the old one stops working at once); answers the key, shown once."""
    plan = _rekey(actor, device.plan, device, False)
    return plan._issued_key


def revoke_device(actor, device: Device) -> None:
    _rekey(actor, device.plan, device, True)


def device_for_key(key: str) -> Device | None:
    """The active device of a plan not ended with this key, or None (the API answers 401)."""
    if not key:
        return None
    return (Device.objects.select_related("plan__person__unit")
            .filter(key_digest=digest(key), active=True).exclude(plan__status=PlanStatus.ENDED).first())


# -- readings -----------------------------------------------------------------------------------
def _number(values: dict, name: str) -> int:
    value = values.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(_("%(name)s must be a number.") % {"name": name})
    low, high = POSSIBLE[name]
    if not low <= value <= high:
        raise ValidationError(_("%(name)s %(value)s is impossible (%(low)d–%(high)d): the reading is refused.")
                              % {"name": name, "value": value, "low": low, "high": high})
    return value


def judge(kind: str, values: dict) -> tuple[dict, bool]:
    """The reading's values checked (impossible ones refused) and whether they are in the normal range."""
    if kind == ReadingKind.DOOR_OPEN:
        return {}, True
    names = ("heart_rate",) if kind == ReadingKind.HEART_RATE else ("systolic", "diastolic")
    checked = {name: _number(values, name) for name in names}
    if kind == ReadingKind.BLOOD_PRESSURE and checked["diastolic"] >= checked["systolic"]:
        raise ValidationError(_("The diastolic pressure must be lower than the systolic: the reading is refused."))
    return checked, all(NORMAL[name][0] <= value <= NORMAL[name][1] for name, value in checked.items())


def post_reading(device: Device, *, kind: str, values: dict, measured_at: dt.datetime) -> Reading:
    """Store one reading of ``device`` (already authenticated by its key) and act on it."""
    if POSTS.get(device.kind) != kind:
        raise ValidationError(_("This device does not post readings of that kind."))
    now = clock.now()
    if measured_at > now + CLOCK_SKEW or measured_at < now - OLDEST:
        raise ValidationError(_("The reading's time must lie within the last seven days."))
    checked, in_range = judge(kind, values or {})
    with transaction.atomic():
        plan = CarePlan.objects.select_for_update(of=("self",)).select_related("person__unit").get(pk=device.plan_id)
        reading = Reading.objects.create(device=device, plan=plan, kind=kind, values=json.dumps(checked),
                                         in_range=in_range, measured_at=measured_at, received_at=now)
        Device.objects.filter(pk=device.pk).update(last_seen=now)
        check_in = _open_check_in(plan, measured_at, now)
        if not in_range:
            if check_in is not None:
                complete(check_in, None, result=Result.NEEDS_HELP, method=Method.DEVICE, reading=reading,
                         reason=Reason.OUT_OF_RANGE)
            else:
                open_escalation(plan, reason=Reason.OUT_OF_RANGE, at=now, reading=reading)
        elif check_in is not None and plan.method == Method.DEVICE:
            complete(check_in, None, result=Result.WELL, method=Method.DEVICE, reading=reading)
    return reading


def _open_check_in(plan, measured_at, now):
    """The plan's scheduled check-in whose window holds the reading and is still open now."""
    check_in = (plan.check_ins.select_for_update().filter(status=CheckInStatus.SCHEDULED, earliest__lte=measured_at,
                                                          latest__gt=measured_at).first())
    if check_in is not None and timing(check_in, now) in OPEN_WINDOW:
        return check_in
    return None


def door_watch(now: dt.datetime) -> int:
    """Escalate active plans whose door sensor has reported no opening for the district's hours —
    once per silence (a new opening starts a new one). The escalation is dated when the silence
    reached the limit, so the ladder's hours count from then, however late the worker runs."""
    doors = (Device.objects.filter(kind=DeviceKind.DOOR, active=True, plan__status=PlanStatus.ACTIVE)
             .annotate(last_open=Max("readings__measured_at")).select_related("plan__person__unit"))
    opened = 0
    for device in doors:
        silent_since = max(device.last_open or device.created_at, device.plan.schedule_from)
        limit = dt.timedelta(hours=settings_for(device.plan.person.unit.district_code).door_silence_hours)
        if now - silent_since < limit:
            continue
        with transaction.atomic():
            CarePlan.objects.select_for_update(of=("self",)).get(pk=device.plan_id)
            if Escalation.objects.filter(plan=device.plan_id, reason=Reason.DOOR_SILENT,
                                         opened_at__gte=silent_since).exists():
                continue
            open_escalation(device.plan, reason=Reason.DOOR_SILENT, at=silent_since + limit)
            opened += 1
    return opened
