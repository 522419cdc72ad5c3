"""Smart devices: a key shown once (only its hash kept), rotated and revoked; readings with
impossible values refused, stored encrypted, shown as in/out of range; a normal reading completes
the open check-in of a device plan, an out-of-range one escalates as "needs help", a silent door
escalates once per silence; reveals need the permission and a reason, and are logged."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gridgov.care.models import CareRevealLog, Device, Escalation, Reading, digest
from gridgov.care.services import devices, reveal, watch
from gridgov.core import clock
from gridgov.core.errors import NotFound

from . import care_world as cw
from .care_world import at


def _device(w, kind):
    with clock.frozen(at(2, 7, 30)):
        return devices.register_device(w.staff, w.plan, kind=kind, label="卧室")


def test_a_key_is_shown_once_stored_hashed_rotated_and_revoked(district):
    w = cw.build(district, method="device")
    device, key = _device(w, "wristband")
    stored = Device.objects.get()
    assert stored.key_digest == digest(key) and key not in str(Device.objects.values().get())
    assert devices.device_for_key(key) == device
    with clock.frozen(at(2, 8)):
        new = devices.rotate_key(w.staff, device)
    assert devices.device_for_key(key) is None and devices.device_for_key(new) == device
    with pytest.raises(PermissionDenied):
        devices.rotate_key(w.worker, device)
    devices.revoke_device(w.staff, device)
    assert devices.device_for_key(new) is None


@pytest.mark.parametrize("kind, values", [
    ("heart_rate", {"heart_rate": 19}), ("heart_rate", {"heart_rate": 251}), ("heart_rate", {}),
    ("bp", {"systolic": 270, "diastolic": 80}), ("bp", {"systolic": 120, "diastolic": 130}),
    ("bp", {"systolic": 49, "diastolic": 30}), ("door_open", {}),  # a wristband does not report doors
])
def test_impossible_readings_are_refused_and_nothing_is_stored(district, kind, values):
    w = cw.build(district, method="device")
    wristband, _key = _device(w, "wristband")
    bp, _key = _device(w, "bp")
    device = bp if kind == "bp" else wristband
    with clock.frozen(at(2, 9)), pytest.raises(ValidationError):
        devices.post_reading(device, kind=kind, values=values, measured_at=at(2, 9))
    assert not Reading.objects.exists() and not Escalation.objects.exists()


def test_a_normal_reading_in_the_window_completes_a_device_plans_check_in(district):
    w = cw.build(district, method="device")
    device, _key = _device(w, "wristband")
    with clock.frozen(at(2, 9)):
        reading = devices.post_reading(device, kind="heart_rate", values={"heart_rate": 72}, measured_at=at(2, 8, 55))
    first = w.plan.check_ins.order_by("seq").first()
    assert (first.status, first.result, first.method, reading.in_range) == ("done", "well", "device", True)
    with connection.cursor() as cursor:
        cursor.execute("select \"values\" from care_reading")
        assert "72" not in cursor.fetchone()[0]  # encrypted at rest
    assert Reading.objects.get().values == '{"heart_rate": 72}'


def test_a_reading_before_the_window_completes_nothing(district):
    w = cw.build(district, method="device")
    device, _key = _device(w, "wristband")
    with clock.frozen(at(2, 7, 50)):
        devices.post_reading(device, kind="heart_rate", values={"heart_rate": 72}, measured_at=at(2, 7, 45))
    assert set(w.plan.check_ins.values_list("status", flat=True)) == {"scheduled"}


def test_an_out_of_range_reading_counts_as_needs_help_and_escalates(district):
    w = cw.build(district)  # a phone plan: a device still raises the alarm
    device, _key = _device(w, "bp")
    with clock.frozen(at(2, 10)):
        reading = devices.post_reading(device, kind="bp", values={"systolic": 190, "diastolic": 110},
                                       measured_at=at(2, 10))
    first = w.plan.check_ins.order_by("seq").first()
    escalation = Escalation.objects.get()
    assert (first.status, first.result, reading.in_range) == ("done", "needs_help", False)
    assert (escalation.reason, escalation.check_in, escalation.reading) == ("out_of_range", first, reading)
    with clock.frozen(at(2, 23)):  # outside any window: an escalation of the plan itself
        devices.post_reading(device, kind="bp", values={"systolic": 80, "diastolic": 50}, measured_at=at(2, 23))
    assert Escalation.objects.filter(check_in__isnull=True, reason="out_of_range").count() == 1


def test_a_silent_door_escalates_once_per_silence(district):
    w = cw.build(district, method="device")
    device, _key = _device(w, "door")
    with clock.frozen(at(2, 9)):
        devices.post_reading(device, kind="door_open", values={}, measured_at=at(2, 9))
    assert devices.door_watch(at(3, 8, 59)) == 0  # 24 hours by default
    assert devices.door_watch(at(3, 10)) == 1
    assert devices.door_watch(at(3, 12)) == 0
    assert Escalation.objects.get(reason="door_silent").opened_at == at(3, 9)
    with clock.frozen(at(3, 13)):
        devices.post_reading(device, kind="door_open", values={}, measured_at=at(3, 13))
    watch.tick(at(4, 14))
    assert Escalation.objects.filter(reason="door_silent").count() == 2


def test_reveals_need_the_permission_the_scope_and_a_reason_and_are_logged(district):
    w = cw.build(district)
    device, _key = _device(w, "wristband")
    with clock.frozen(at(2, 9)):
        reading = devices.post_reading(device, kind="heart_rate", values={"heart_rate": 130}, measured_at=at(2, 9))
    guardian = w.plan.guardians.get()
    assert guardian.masked_phone == "139****5678"
    with pytest.raises(PermissionDenied):
        reveal.reveal_reading(w.worker, reading.pk, "核实")
    with pytest.raises(ValidationError):
        reveal.reveal_reading(w.staff, reading.pk, "")
    admin_b = district.users["district_admin"]
    assert reveal.reveal_reading(w.staff, reading.pk, "核实心率") == {"heart_rate": 130}
    assert reveal.reveal_guardian_phone(admin_b, guardian.pk, "联系家属") == cw.SON
    assert list(CareRevealLog.objects.order_by("pk").values_list("user__username", "field")) == [
        ("community_staff", "reading"), ("district_admin", "guardian_phone")]
    from django.contrib.auth.models import Permission
    other = district.users["grid_worker2"]
    other.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    with pytest.raises(NotFound):
        reveal.reveal_guardian_phone(type(other).objects.get(pk=other.pk), guardian.pk, "看看")
    assert CareRevealLog.objects.count() == 2
